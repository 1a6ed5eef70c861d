"""`evx diff`: the pairing of two runs' records, the verdicts against gold, and the command."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evx.tools import diff, evaluate
from evx.tools.cli import main

BASE = """\
taxonomy:
  - Entity: [Person, Location]
  - Event:
      - Contact: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Hassan Qomi, Asif Durrani]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad, Tehran]
  - name: visit-arrive
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person) (?<trigger> [lemma=arrive]) in (?<destination> @Location)
    attributes: {cameo: "042"}
"""

GO_RULE = """\
  - name: visit-go
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person) (?<trigger> [lemma=go]) to (?<destination> @Location)
"""

REACH_RULE = """\
  - name: visit-reach
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person) (?<trigger> [lemma=reach]) (?<destination> @Location)
"""

TEXTS = {"a": "Hassan Qomi arrived in Islamabad.", "b": "Asif Durrani reached Tehran.",
         "c": "Asif Durrani went to Tehran.", "d": "Hassan Qomi went to Islamabad."}


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        return CliRunner()                      # click >= 8.2 keeps stderr apart


def run(*args):
    return runner().invoke(main, ["diff", *(str(a) for a in args)])


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    """OLD has the 'go' rule, NEW the 'reach' rule instead; a corpus of the four texts; and a
    gold file with the events of a, b and d (c's 'went' is not a visit there)."""
    old = tmp_path / "old.yml"
    old.write_text(BASE + GO_RULE)
    new = tmp_path / "new.yml"
    new.write_text(BASE + REACH_RULE)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in TEXTS.items()))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d) + "\n" for d in [
        {"id": "a", "text": TEXTS["a"], "events": [visit(TEXTS["a"], "arrived", "Hassan Qomi", "Islamabad")]},
        {"id": "b", "text": TEXTS["b"], "events": [visit(TEXTS["b"], "reached", "Asif Durrani", "Tehran")]},
        {"id": "c", "text": TEXTS["c"], "events": []},
        {"id": "d", "text": TEXTS["d"], "events": [visit(TEXTS["d"], "went", "Hassan Qomi", "Islamabad")]},
    ]))
    return {"old": old, "new": new, "corpus": corpus, "gold": gold, "folder": tmp_path}


def span(text: str, words: str) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "text": words}


def visit(text: str, trigger: str, visitor: str, destination: str) -> dict:
    return {"type": "VISIT", "trigger": span(text, trigger),
            "arguments": {"visitor": [span(text, visitor)], "destination": [span(text, destination)]}}


def record(doc: str, trigger: tuple[int, int], rule: str = "r", type_: str = "VISIT",
           arguments: dict | None = None, attributes: dict | None = None) -> dict:
    out = {"doc": doc, "type": type_, "rule": rule, "sentence": 0, "start": trigger[0], "end": trigger[1],
           "text": "x" * (trigger[1] - trigger[0]),
           "trigger": {"start": trigger[0], "end": trigger[1], "text": "x" * (trigger[1] - trigger[0])},
           "arguments": arguments or {}}
    if attributes:
        out["attributes"] = attributes
    return out


# -- pairing ------------------------------------------------------------------------------------

def test_records_pair_by_type_and_trigger_span():
    same_old, same_new = record("d", (0, 3), "r1"), record("d", (0, 3), "r1-renamed")
    changed_old = record("d", (5, 9), attributes={"cameo": "042"})
    changed_new = record("d", (5, 9), attributes={"cameo": "043"})
    lost, gained = record("d", (10, 12)), record("d", (10, 12), type_="MEETING")
    changes = diff.compare_document(0, [same_old, changed_old, lost], [same_new, changed_new, gained])
    kinds = {(c.kind, c.type, c.record["trigger"]["start"]) for c in changes}
    assert kinds == {("same", "VISIT", 0), ("changed", "VISIT", 5), ("lost", "VISIT", 10),
                     ("gained", "MEETING", 10)}
    changed = next(c for c in changes if c.kind == "changed")
    assert diff.differences(changed.old, changed.new) == ["cameo: '042' -> '043'"]


def test_two_records_of_one_trigger_pair_identical_ones_first():
    args_a = {"visitor": [{"start": 0, "end": 2, "text": "ab"}]}
    args_b = {"visitor": [{"start": 3, "end": 5, "text": "cd"}]}
    old = [record("d", (6, 8), "r1", arguments=args_a), record("d", (6, 8), "r2", arguments=args_b)]
    new = [record("d", (6, 8), "r2", arguments=args_b)]
    changes = diff.compare_document(0, old, new)
    assert [(c.kind, c.rule) for c in changes] == [("same", "r2"), ("lost", "r1")]


def test_counts_put_a_lost_record_under_its_old_rule_and_the_rest_under_the_new():
    changes = diff.compare_document(0, [record("d", (0, 3), "old-rule")],
                                    [record("d", (5, 8), "new-rule")])
    by_rule = diff.counts(changes, "rule")
    assert by_rule["old-rule"]["lost"] == 1 and by_rule["new-rule"]["gained"] == 1


def test_differences_name_each_role_that_changed():
    old = record("d", (0, 3), arguments={"visitor": [{"start": 0, "end": 2, "text": "ab", "label": "Person"}]})
    new = record("d", (0, 3), arguments={"destination": [{"start": 4, "end": 6, "text": "cd"}],
                                         "visitor": [{"start": 0, "end": 2, "text": "ab", "label": "Person"}]})
    assert diff.differences(old, new) == ["destination: (none) -> 'cd'"]


# -- verdicts against gold ----------------------------------------------------------------------

def test_outcomes_follow_the_matching_of_eval():
    text = "aaa bbb ccc ddd"
    gold = [{"type": "VISIT", "trigger": {"start": 0, "end": 3}},
            {"type": "VISIT", "trigger": {"start": 8, "end": 11}, "soft": True}]
    first, twin, soft, stray = (record("d", (0, 3)), record("d", (1, 3)), record("d", (8, 11)),
                                record("d", (12, 15)))
    found = diff.outcomes("d", text, gold, [stray, twin, soft, first])
    # in trigger order: 'first' takes the gold event, its twin then finds none left
    assert {name: found[id(r)].event for name, r in
            [("first", first), ("twin", twin), ("soft", soft), ("stray", stray)]} == \
        {"first": "tp", "twin": "fp", "soft": "neither", "stray": "fp"}
    scores = evaluate.Scores()
    evaluate.score_document(scores, "d", text, gold, [stray, twin, soft, first])
    assert scores.events["VISIT"].tp == 1 and scores.events["VISIT"].fp == 2


def test_a_changed_pair_is_judged_by_its_argument_score():
    text = "Hassan arrived in Islamabad"
    gold = [{"type": "VISIT", "trigger": span(text, "arrived"),
             "arguments": {"destination": [span(text, "Islamabad")]}}]
    trigger = (7, 14)
    wrong_place = record("d", trigger, arguments={"destination": [span(text, "Hassan")]})
    right_place = record("d", trigger, arguments={"destination": [span(text, "Islamabad")]})
    [change] = diff.compare_document(0, [wrong_place], [right_place])
    judged = diff.judge(change, diff.outcomes("d", text, gold, [wrong_place]),
                        diff.outcomes("d", text, gold, [right_place]))
    assert (judged.verdict, judged.why) == ("right", "argument F1 0.00 -> 1.00")
    [back] = diff.compare_document(0, [right_place], [wrong_place])
    assert diff.judge(back, diff.outcomes("d", text, gold, [right_place]),
                      diff.outcomes("d", text, gold, [wrong_place])).verdict == "wrong"


# -- the command --------------------------------------------------------------------------------

def test_table_shows_what_one_rule_changes(setup):
    result = run("-r", setup["old"], "-r", setup["new"], setup["corpus"])
    assert result.exit_code == 0, result.output + result.stderr
    lines = result.output.splitlines()
    assert lines[0] == f"old: {setup['old']}; new: {setup['new']}; 4 document(s)"
    assert lines[2:5] == ["type     same  lost  gained  changed",
                          "VISIT       1     2       1        0",
                          "ALL         1     2       1        0"]
    assert "visit-go          0     2       0        0" in lines
    assert "visit-reach       0     0       1        0" in lines
    assert "visit-arrive" not in result.output      # no change: not in the rule table
    assert "+ VISIT  b  visit-reach  'Asif Durrani [[reached]] Tehran'" in lines
    assert "- VISIT  c  visit-go  'Asif Durrani [[went]] to Tehran'" in lines
    assert "- VISIT  d  visit-go  'Hassan Qomi [[went]] to Islamabad'" in lines


def test_summary_leaves_out_the_list(setup):
    result = run("-r", setup["old"], "-r", setup["new"], setup["corpus"], "--summary")
    assert result.exit_code == 0
    assert "changes (" not in result.output and "VISIT       1     2       1        0" in result.output


def test_a_changed_attribute_is_a_change_not_a_loss(setup):
    changed = setup["folder"] / "changed.yml"
    changed.write_text((BASE + GO_RULE).replace('cameo: "042"', 'cameo: "043"'))
    result = run("-r", setup["old"], "-r", changed, setup["corpus"])
    assert result.exit_code == 0
    assert "VISIT       2     0       0        1" in result.output
    assert "~ VISIT  a  visit-arrive  'Hassan Qomi [[arrived]] in Islamabad'\n    cameo: '042' -> '043'\n" \
        in result.output


def test_json_lists_each_change_with_both_records(setup):
    result = run("-r", setup["old"], "-r", setup["new"], setup["corpus"], "--json")
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["old"] == {"rules": [str(setup["old"])], "events": 3}
    assert out["new"] == {"rules": [str(setup["new"])], "events": 2}
    assert out["documents"] == 4
    assert out["types"]["VISIT"] == {"same": 1, "lost": 2, "gained": 1, "changed": 0}
    assert out["rules"]["visit-arrive"] == {"same": 1, "lost": 0, "gained": 0, "changed": 0}
    assert [(c["change"], c["doc"], c["rule"], c["trigger"]["text"]) for c in out["changes"]] == [
        ("gained", "b", "visit-reach", "reached"), ("lost", "c", "visit-go", "went"),
        ("lost", "d", "visit-go", "went")]
    gained = out["changes"][0]
    assert gained["old"] is None and gained["new"]["arguments"]["destination"][0]["text"] == "Tehran"
    assert "verdict" not in gained


def test_gold_judges_each_change_and_gives_the_f1_change(setup):
    result = run("-r", setup["old"], "-r", setup["new"], "--gold", setup["gold"], "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.output)
    verdicts = {(c["change"], c["doc"]): (c["verdict"], c["why"]) for c in out["changes"]}
    assert verdicts == {("gained", "b"): ("right", "it matches a gold event"),
                        ("lost", "c"): ("right", "it was a false positive"),
                        ("lost", "d"): ("wrong", "it matched a gold event")}
    # old: tp a, d; fp c; fn b -> F1 2/3. new: tp a, b; fn d -> P 1, R 2/3, F1 0.8
    assert out["types"]["VISIT"]["f1"] == {"old": 0.6667, "new": 0.8, "change": 0.1333}
    assert out["types"]["VISIT"]["right"] == 2 and out["types"]["VISIT"]["wrong"] == 1
    # the same scores as evx eval gives each rule set
    for which in ("old", "new"):
        scored = runner().invoke(main, ["eval", "-r", str(setup[which]), str(setup["gold"]), "--json"])
        assert json.loads(scored.output)["events"]["VISIT"]["f1"] == out["types"]["VISIT"]["f1"][which]


def test_gold_table_marks_each_change(setup):
    result = run("-r", setup["old"], "-r", setup["new"], "--gold", setup["gold"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2:5] == [
        "type     same  lost  gained  changed  right  wrong  F1 old    new  change",
        "VISIT       1     2       1        0      2      1   0.667  0.800  +0.133",
        "ALL         1     2       1        0      2      1   0.667  0.800  +0.133"]
    assert "- VISIT  d  visit-go  'Hassan Qomi [[went]] to Islamabad'  [wrong: it matched a gold event]" in lines


def test_jobs_give_the_same_comparison(setup):
    one = run("-r", setup["old"], "-r", setup["new"], setup["corpus"], "--json")
    two = run("-r", setup["old"], "-r", setup["new"], setup["corpus"], "--json", "--jobs", "2")
    assert two.exit_code == 0, two.stderr
    assert json.loads(two.output) == json.loads(one.output)
    judged = run("-r", setup["old"], "-r", setup["new"], "--gold", setup["gold"], "--json", "-j", "2")
    assert judged.exit_code == 0 and json.loads(judged.output)["types"]["VISIT"]["wrong"] == 1


# -- bad arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [0, 1, 3])
def test_exactly_two_rule_sets(setup, count):
    result = run(*(["-r", setup["old"]] * count), setup["corpus"])
    assert result.exit_code == 2
    assert f"give exactly two rule sets, OLD then NEW (-r OLD -r NEW); got {count}" in result.stderr


def test_a_missing_rule_file_is_named(setup):
    missing = setup["folder"] / "nope.yml"
    result = run("-r", setup["old"], "-r", missing, setup["corpus"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{missing}:1:1: no rule file at '{missing}'"


def test_a_missing_corpus_file_is_an_input_error(setup):
    missing = setup["folder"] / "nope.jsonl"
    result = run("-r", setup["old"], "-r", setup["new"], missing)
    assert result.exit_code == 1
    assert f"evx: {missing}: no such file or folder" in result.stderr
    assert "1 input error(s)" in result.stderr
    assert result.stderr.count("no such file") == 1     # once, though both rule sets met it


def test_documents_come_from_the_corpus_or_the_gold(setup):
    both = run("-r", setup["old"], "-r", setup["new"], "--gold", setup["gold"], setup["corpus"])
    assert both.exit_code == 2 and "give no CORPUS too" in both.stderr
    neither = run("-r", setup["old"], "-r", setup["new"])
    assert neither.exit_code == 2 and "give the documents to compare on, or --gold GOLD.jsonl" in neither.stderr
    absent = run("-r", setup["old"], "-r", setup["new"], "--gold", setup["folder"] / "nope.jsonl")
    assert absent.exit_code == 2 and "does not exist" in absent.stderr


def test_a_bad_gold_line_is_located(setup):
    bad = setup["folder"] / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "text": "Hi."}) + "\n" + json.dumps({"id": "b"}) + "\n")
    result = run("-r", setup["old"], "-r", setup["new"], "--gold", bad)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"evx: {bad}:2: the gold document has no 'text' string"


def test_rule_folders_and_standard_input(setup):
    folder = setup["folder"] / "new-rules"
    folder.mkdir()
    (folder / "visit.yml").write_text(BASE + REACH_RULE)
    result = runner().invoke(main, ["diff", "-r", str(setup["old"]), "-r", str(folder), "-", "--json"],
                             input=setup["corpus"].read_text())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["types"]["VISIT"] == {"same": 1, "lost": 2, "gained": 1, "changed": 0}


def test_a_type_only_the_gold_has_gets_its_row():
    text = "They met."
    gold = [{"id": "x", "text": text, "events": [{"type": "MEETING", "trigger": span(text, "met")}]}]
    report = diff.compare_with_gold(gold, [[]], [[]], ("old",), ("new",))
    assert "MEETING       0     0       0        0      0      0   0.000  0.000  +0.000" in diff.render(report)
    assert diff.to_dict(report)["types"]["MEETING"]["f1"] == {"old": 0.0, "new": 0.0, "change": 0.0}
