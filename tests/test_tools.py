"""evx eval (the metric), evx explain, contexts and date normalisation."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import evx
from evx.tools import evaluate
from evx.enrich import timex
from evx.tools.cli import main

RULES = """
taxonomy:
  - Event: [VISIT, ATTACK]
  - Entity: [Place, Time]
events:
  VISIT: {roles: [visitor, destination, time]}
  ATTACK: {roles: [attacker]}
contexts:
  modality:
    default: actual
    cases:
      - value: other
        before: '[lower=/^(not|never)$/] [lower=/^(be|been)$/]?'
      - value: planned
        before: '[lower=will]'
      - value: planned
        after: '[]{0,4}? [lower=is] [lower=scheduled]'
        types: [VISIT]
enrich:
  dates:
    forward_when: {modality: planned}
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome]
  - name: days
    label: Time
    normalize: date
    pattern: '[lower=/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/]'
  - name: visit
    label: VISIT
    priority: 2
    pattern: '(?<visitor> [shape=/^X/]) [lower=/^(will|not)$/]? (?<trigger> [lemma=/^(arrive|visit)$/]) in? (?<destination> @Place) (on (?<time> @Time))?'
  - name: visit-noun
    label: VISIT
    priority: 2
    pattern: '(?<trigger> visit) to (?<destination> @Place)'
"""


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(RULES, encoding="utf-8")
    return evx.load_rules(path)


# -- contexts and dates ---------------------------------------------------------------------------

def _events(rules, text, date=None):
    return [r.to_dict() for r in rules.extract(evx.annotate(text, "d", date))]


def test_context_default_and_cases(rules):
    assert _events(rules, "Ann arrived in Kabul.")[0]["attributes"]["modality"] == "actual"
    assert _events(rules, "Ann will visit Kabul.")[0]["attributes"]["modality"] == "planned"
    assert _events(rules, "Ann not arrived in Kabul.")[0]["attributes"]["modality"] == "other"


def test_context_after_pattern_and_types(rules):
    (event,) = _events(rules, "The visit to Rome is scheduled.")
    assert event["attributes"]["modality"] == "planned"


def test_time_value_resolves_against_document_date(rules):
    (event,) = _events(rules, "Ann arrived in Kabul on Sunday.", date="2024-01-15")
    assert event["arguments"]["time"][0]["value"] == "2024-01-14"


def test_planned_event_time_looks_ahead(rules):
    (event,) = _events(rules, "Ann will visit Kabul on Sunday.", date="2024-01-15")
    assert event["arguments"]["time"][0]["value"] == "2024-01-21"


def test_no_value_without_document_date(rules):
    (event,) = _events(rules, "Ann arrived in Kabul on Sunday.")
    assert "value" not in event["arguments"]["time"][0]


@pytest.mark.parametrize("text, anchor, forward, value", [
    ("Sunday", "2024-01-15", False, "2024-01-14"),
    ("Monday", "2024-01-15", False, "2024-01-15"),
    ("last Monday", "2024-01-15", False, "2024-01-08"),
    ("next Monday", "2024-01-15", False, "2024-01-22"),
    ("Friday", "2024-01-15", True, "2024-01-19"),
    ("yesterday", "2024-03-01", False, "2024-02-29"),
    ("January 15, 2024", "2025-06-01", False, "2024-01-15"),
    ("15 March", "2024-05-01", False, "2024-03-15"),
    ("December 3", "2024-01-10", False, "2023-12-03"),
    ("in March", "2024-05-01", False, "2024-03"),
    ("last week", "2024-01-15", False, "2024-W02"),
    ("next month", "2024-12-15", False, "2025-01"),
    ("last year", "2024-12-15", False, "2023"),
    ("2019", "2024-12-15", False, "2019"),
    ("February 30", "2024-01-15", False, None),
    ("soon", "2024-01-15", False, None),
])
def test_timex(text, anchor, forward, value):
    assert timex.resolve(text, dt.date.fromisoformat(anchor), forward) == value


# -- the metric -----------------------------------------------------------------------------------

def _ev(type_, start, end, soft=False, scope=None, **args):
    event = {"type": type_, "trigger": {"start": start, "end": end},
             "arguments": {role: [{"start": s, "end": e} for s, e in spans] for role, spans in args.items()}}
    if soft:
        event["soft"] = True
    if scope:
        event["scope"] = scope
    return event


def _score(gold, pred):
    scores = evaluate.Scores()
    evaluate.score_document(scores, "d", "x" * 100, gold, pred)
    return scores


def test_overlapping_trigger_of_same_type_is_a_true_positive():
    s = _score([_ev("VISIT", 10, 17)], [_ev("VISIT", 12, 20)])
    assert (s.events["VISIT"].tp, s.events["VISIT"].fp, s.events["VISIT"].fn) == (1, 0, 0)


def test_wrong_type_is_a_false_positive_and_a_miss():
    s = _score([_ev("VISIT", 10, 17)], [_ev("ATTACK", 10, 17)])
    assert s.events["VISIT"].fn == 1 and s.events["ATTACK"].fp == 1


def test_each_gold_event_is_matched_once():
    s = _score([_ev("VISIT", 10, 17)], [_ev("VISIT", 10, 17), _ev("VISIT", 11, 13)])
    assert (s.events["VISIT"].tp, s.events["VISIT"].fp) == (1, 1)


def test_soft_gold_counts_neither_way():
    s = _score([_ev("ATTACK", 10, 15, soft=True), _ev("ATTACK", 40, 45, soft=True)], [_ev("ATTACK", 10, 15)])
    t = s.events["ATTACK"]
    assert (t.tp, t.fp, t.fn) == (0, 0, 0)


def test_sentence_scope_gold_takes_any_prediction_of_its_type():
    s = _score([_ev("DENIAL", 0, 5, scope="sentence")], [_ev("DENIAL", 50, 56), _ev("DENIAL", 70, 76)])
    t = s.events["DENIAL"]
    assert (t.tp, t.fp, t.fn) == (1, 0, 0)


def test_arguments_are_scored_on_matched_pairs_per_gold_role():
    gold = [_ev("VISIT", 10, 17, visitor=[(0, 9)], destination=[(21, 30)])]
    pred = [_ev("VISIT", 10, 17, visitor=[(4, 9)], destination=[(40, 45)], time=[(50, 55)])]
    t = _score(gold, pred).arguments["VISIT"]
    assert (t.tp, t.fp, t.fn) == (1, 1, 1)   # time: a role the gold lacks, not counted


def test_precision_recall_f1():
    t = evaluate.Tally(tp=3, fp=1, fn=2)
    assert t.precision == 0.75 and t.recall == 0.6 and round(t.f1, 4) == round(2 * 0.75 * 0.6 / 1.35, 4)


def test_eval_command_table_and_json(rules, tmp_path):
    text = "Ann arrived in Kabul. Bob visited Rome."
    gold = {"id": "g1", "text": text, "events": [
        {"type": "VISIT", "trigger": {"start": 4, "end": 11}, "arguments": {"destination": [{"start": 15, "end": 20}]}},
        {"type": "ATTACK", "trigger": {"start": 26, "end": 33}, "arguments": {}}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    rules_file = str(tmp_path / "rules.yml")
    result = CliRunner().invoke(main, ["eval", "-r", rules_file, str(path), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["events"]["VISIT"]["tp"] == 1 and scores["events"]["VISIT"]["fp"] == 1
    assert scores["events"]["ATTACK"]["fn"] == 1
    assert scores["arguments"]["VISIT"]["tp"] == 1
    table = CliRunner().invoke(main, ["eval", "-r", rules_file, str(path), "--show", "fp"])
    assert "FP VISIT" in table.output and "[[visited]]" in table.output
    assert table.output.splitlines()[-1].startswith("ALL")


def test_eval_reports_a_bad_gold_line(rules, tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": 1, "text": "x", "events": []}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "-r", str(tmp_path / "rules.yml"), str(path)])
    assert result.exit_code == 1 and "gold.jsonl:2: malformed JSON" in result.output


# -- explain --------------------------------------------------------------------------------------

def test_explain_shows_tokens_matches_and_where_rules_stop(rules, tmp_path):
    result = CliRunner().invoke(main, ["explain", "-r", str(tmp_path / "rules.yml"),
                                       "Ann arrived in Kabul on Sunday. Bob arrived at Rome."])
    out = result.output
    assert result.exit_code == 0, out
    assert "lemma" in out and "arrive" in out                    # the token table
    assert 'MATCH 0-6 "Ann arrived in Kabul on Sunday"' in out
    assert 'destination = "Kabul" (Place)' in out
    assert "stopped at token 2 'at', wanted [word=in] or @Place" in out     # the second sentence
    assert "every match needs a token with word in {visit}" in out  # visit-noun skipped


def test_explain_one_rule_and_unknown_rule(rules, tmp_path):
    path = str(tmp_path / "rules.yml")
    out = CliRunner().invoke(main, ["explain", "-r", path, "--rule", "visit", "Ann arrived in Kabul."]).output
    assert "rule visit [VISIT]" in out and "rule places" not in out
    bad = CliRunner().invoke(main, ["explain", "-r", path, "--rule", "vist", "x"])
    assert bad.exit_code == 2 and "did you mean 'visit'" in bad.output


# -- attach: a role left empty takes the sentence's one mention of a label ------------------------

ATTACH_RULES = """
taxonomy:
  - Event: [VISIT]
  - Entity: [Place, Time]
events:
  VISIT: {roles: [visitor, destination, time], attach: {time: Time}}
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome]
  - name: days
    label: Time
    pattern: '[lower=/^(monday|tuesday|sunday)$/]'
  - name: visit
    label: VISIT
    priority: 2
    pattern: '(?<visitor> [shape=/^X/]) (?<trigger> [lemma=arrive]) in (?<destination> @Place)'
"""


@pytest.fixture
def attach_rules(tmp_path):
    path = tmp_path / "attach.yml"
    path.write_text(ATTACH_RULES, encoding="utf-8")
    return evx.load_rules(path)


def _times(rules, text):
    return [[a.text for a in r.arguments.get("time", ())] for r in rules.extract(text)]


def test_attach_takes_the_one_time_in_the_sentence(attach_rules):
    assert _times(attach_rules, "Officials said on Monday that Ann arrived in Kabul.") == [["Monday"]]


def test_attach_takes_nothing_when_the_sentence_has_two_or_none(attach_rules):
    assert _times(attach_rules, "On Monday officials said Ann arrived in Kabul on Sunday.") == [[]]
    assert _times(attach_rules, "Ann arrived in Kabul. It was Monday.") == [[]]


def test_attach_takes_the_first_of_mentions_joined_by_commas(attach_rules):
    assert _times(attach_rules, "Officials said that Ann arrived in Kabul, Monday, Sunday.") == [["Monday"]]
    assert _times(attach_rules, "On Monday officials said Ann arrived in Kabul, and Sunday too.") == [[]]


def test_attach_must_name_a_role_of_the_event(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(ATTACH_RULES.replace("attach: {time: Time}", "attach: {when: Time}"), encoding="utf-8")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    assert "attached role 'when' is not among its roles" in info.value.format()


def test_an_attached_argument_lies_inside_the_event_span(attach_rules):
    text = "Officials said on Monday that Ann arrived in Kabul."
    (event,) = [r.to_dict() for r in attach_rules.extract(text)]
    assert event["text"] == "Monday that Ann arrived in Kabul" == text[event["start"]:event["end"]]
