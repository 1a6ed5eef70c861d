"""The bundled news rules on invented news sentences (tests/probes/*.jsonl), scored as gold.

The probe files are written from the annotation guide, not taken from a development set: each
event type's trigger words in their common constructions and outlets' styles (wire copy,
features, quotes, headlines), lists of parties, modality, and every item of the guide's NOT
lists; entities.jsonl holds events whose arguments are names and actors of every kind;
styles.jsonl mixes the four types in the shapes of other outlets and of headlines, with the
guide's hard cases (thrown weapons, denials in quotes, pronouns for the actor). The
floors sit a few points under what the rules reach, so a change that breaks a class of
sentences fails here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evx.tools.cli import main

PROBES = Path(__file__).resolve().parent / "probes"

# file, the type scored (ALL: every type), and floors for event F1, event precision, argument F1
FLOORS = [
    ("visit.jsonl", "VISIT", 0.94, 0.95, 0.86),
    ("meeting.jsonl", "MEETING", 0.95, 0.95, 0.88),
    ("attack.jsonl", "ATTACK", 0.95, 0.95, 0.86),
    ("denial.jsonl", "DENIAL", 0.95, 0.95, 0.93),
    ("entities.jsonl", "ALL", 0.92, 0.90, 0.93),
    ("styles.jsonl", "ALL", 0.86, 0.90, 0.87),
    ("outlets.jsonl", "ALL", 0.87, 0.94, 0.75),
]


def documents(name: str) -> list[dict]:
    return [json.loads(line) for line in (PROBES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(name: str, event_type: str) -> dict:
    args = ["eval", str(PROBES / name), "--json"] + (["--type", event_type] if event_type != "ALL" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", [row[0] for row in FLOORS])
def test_a_probe_file_is_gold_with_negatives(name):
    docs = documents(name)
    assert len(docs) >= 50 and len({d["id"] for d in docs}) == len(docs)
    for d in docs:
        for event in d["events"]:
            for span in [event["trigger"]] + [s for spans in event["arguments"].values() for s in spans]:
                assert d["text"][span["start"]:span["end"]] == span["text"], (d["id"], span)
    if name != "entities.jsonl":      # sentences of the guide's NOT lists, with no event of the type
        event_type = name.split(".")[0].upper()
        assert sum(not any(e["type"] == event_type for e in d["events"]) for d in docs) >= 20


@pytest.mark.parametrize("name, event_type, f1, precision, arguments", FLOORS)
def test_the_rules_keep_their_floor_on_the_probes(name, event_type, f1, precision, arguments):
    found = scores(name, event_type)
    events = found["events"][event_type]
    assert events["f1"] >= f1, events
    assert events["precision"] >= precision, events
    assert found["arguments"][event_type]["f1"] >= arguments, found["arguments"][event_type]
