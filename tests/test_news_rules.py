"""The bundled news rules: complete examples, CAMEO codes, and their own examples pass."""
from __future__ import annotations

import evx
from evx.tools.examples import run_examples

NEWS = evx.load_rules()
EVENTS = ("VISIT", "MEETING", "ATTACK", "DENIAL")


def test_every_rule_has_a_positive_and_a_negative_example():
    lacking = [r.name for r in NEWS.rules
               if not (any(e.expect for e in r.examples) and any(not e.expect for e in r.examples))]
    assert lacking == []


def test_every_event_rule_carries_a_cameo_code():
    assert [r.name for r in NEWS.rules if r.label in EVENTS and "cameo" not in r.attributes] == []


def test_every_event_gets_a_modality():
    text = "The envoy will travel to Kabul next week. Rebels did not attack the town. Police shot two men."
    records = NEWS.extract(evx.annotate(text, "d", "2024-01-15"))
    assert {r.attributes["modality"] for r in records} <= {"actual", "planned", "other"}
    assert {(r.type, r.attributes["modality"]) for r in records} >= {("VISIT", "planned"), ("ATTACK", "actual")}


def test_the_examples_pass():
    failed = [(o.rule.name, o.number) for o in run_examples(NEWS) if not o.passed]
    assert failed == []
