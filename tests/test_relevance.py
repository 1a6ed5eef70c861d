"""The sentence filter: a run that writes events alone tags, parses and matches only the
sentences where a kept event could be found, and its records are those of a full run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import evx
from evx.io.readers import InputDoc
from evx.run import batch
from evx.text.annotate import annotate

CHAIN = """
rules:
  - {name: cue, label: Cue, priority: 1, keep: false, pattern: "[lemma in (visit, tour)]"}
  - {name: person, label: Person, priority: 1, pattern: "[shape=/^X/ & !lower=the]+"}
  - name: visit
    label: VISIT
    priority: 2
    pattern: "(?<visitor> @Person) (?<trigger> @Cue) (?<destination> @Person)?"
"""


def _events(rules, doc, sentences=None):
    prepared = rules.prepare_many([doc], None if sentences is None else [sentences])[0]
    return [r.to_dict() for r in rules.records(prepared, rules.matches(prepared, sentences=sentences))]


def test_a_sentence_without_the_words_an_event_needs_is_left_out(rules_from):
    rules = rules_from(CHAIN)
    doc = annotate("Omar visited Rome. Omar slept. The Pope toured Lima.")
    assert rules.event_sentences(doc) == frozenset({0, 2})
    assert _events(rules, doc, rules.event_sentences(doc)) == _events(rules, doc)
    assert [e["text"] for e in _events(rules, doc)] == ["Omar visited Rome", "Pope toured Lima"]


def test_a_rule_that_runs_at_several_steps_sees_what_each_step_before_made(rules_from):
    rules = rules_from("""
        rules:
          - {name: cue, label: Cue, priority: 2, keep: false, pattern: "[lemma=visit]"}
          - {name: person, label: Person, priority: 1, pattern: "[shape=/^X/ & !lower=the]+"}
          - {name: visit, label: VISIT, priority: 1-3, pattern: "(?<visitor> @Person) (?<trigger> @Cue)"}
        """)
    doc = annotate("Omar visited Rome. Omar left.")
    assert rules.event_sentences(doc) == frozenset({0})
    assert [e["text"] for e in _events(rules, doc, rules.event_sentences(doc))] == ["Omar visited"]


def test_open_ended_rules_make_what_later_rounds_need(rules_from):
    rules = rules_from("""
        rules:
          - {name: a, label: A, priority: 1, keep: false, pattern: "[lower=alpha]"}
          - {name: b, label: B, priority: 2+, keep: false, pattern: "@A [lower=beta]"}
          - {name: c, label: C, priority: 2+, keep: false, pattern: "@B [lower=gamma]"}
          - {name: ev, label: EV, priority: 2+, pattern: "(?<trigger> @C) [lower=delta]"}
        """)
    doc = annotate("alpha beta gamma delta. alpha beta delta. beta gamma delta.")
    assert rules.event_sentences(doc) == frozenset({0})
    assert [e["text"] for e in _events(rules, doc)] == ["alpha beta gamma delta"]


def test_an_event_rule_that_needs_nothing_keeps_every_sentence(rules_from):
    rules = rules_from("""
        rules:
          - {name: any, label: EV, pattern: "(?<trigger> [pos=VERB])"}
        """)
    doc = annotate("Omar slept. Nothing here.")
    assert rules.event_sentences(doc) == frozenset({0, 1})


def test_only_the_labels_asked_for_count(rules_from):
    rules = rules_from("""
        taxonomy:
          - Event: [VISIT, ATTACK]
        rules:
          - {name: v, label: VISIT, pattern: "(?<trigger> [lemma=visit])"}
          - {name: a, label: ATTACK, pattern: "(?<trigger> [lemma=attack])"}
          - {name: hidden, label: ATTACK, keep: false, pattern: "(?<trigger> [lemma=bomb])"}
        """)
    doc = annotate("He visited Rome. They attacked Lima. They bombed Kabul.")
    assert rules.event_sentences(doc) == frozenset({0, 1})
    assert rules.event_sentences(doc, ["ATTACK"]) == frozenset({1})
    assert rules.event_sentences(doc, ["Event"]) == frozenset({0, 1})


def test_the_sentences_left_out_are_not_tagged(rules_from):
    rules = rules_from("""
        rules:
          - {name: v, label: VISIT, pattern: "(?<trigger> [lemma=visit & pos=VERB])"}
        """)
    doc = annotate("He visited Rome. Prices rose sharply.")
    kept = rules.event_sentences(doc)
    prepared = rules.prepare_many([doc], [kept])[0]
    assert kept == frozenset({0})
    assert all(t.pos for t in prepared.sentences[0].tokens)
    assert not any(t.pos for t in prepared.sentences[1].tokens)


@pytest.fixture(scope="module")
def news():
    return evx.load_rules(evx.bundled_rules())


def test_the_bundled_rules_leave_out_sentences_without_events(news):
    doc = annotate("Prices rose 3 percent in March. Rebels attacked the town. The weather was mild.")
    assert news.event_sentences(doc) == frozenset({1})


def _run(rules_path, items, **options):
    results = batch.run(evx.load_rules(rules_path), items, batch.Options((str(rules_path),), **options))
    return [[json.dumps(r, sort_keys=True) for r in result.records] for result in results]


def test_a_run_over_news_gives_the_records_of_a_full_run():
    """Every event of the bundled rules on the bundled sample and the probe sentences, with
    and without the filter (a run that keeps the documents matches every sentence)."""
    here = Path(__file__).resolve().parent
    lines = (here / "probes" / "outlets.jsonl").read_text(encoding="utf-8").splitlines()[:200]
    items = [InputDoc(d["id"], d["text"]) for d in map(json.loads, lines)]
    sample = here.parent / "corpus" / "sample"
    items += [InputDoc(d["id"], d["text"]) for d in map(json.loads, (sample / "news.jsonl").open(encoding="utf-8"))]
    items.append(InputDoc("envoy", (sample / "envoy.txt").read_text(encoding="utf-8")))
    path = evx.bundled_rules()
    filtered = _run(path, items)
    full = _run(path, items, keep_document=True)
    assert filtered == full and sum(map(len, filtered)) > 100


def test_only_runs_of_rules_that_need_tags_or_trees_are_filtered(rules_from):
    plain = rules_from("""
        rules:
          - {name: v, label: VISIT, pattern: "(?<trigger> [lemma=visit])"}
        """)
    events = batch.Options(("x",))
    assert not batch.filters_sentences(plain, events)
    news = evx.load_rules(evx.bundled_rules())
    assert batch.filters_sentences(news, events)
    assert not batch.filters_sentences(news, batch.Options(("x",), mentions=True))
    assert not batch.filters_sentences(news, batch.Options(("x",), keep_document=True))
