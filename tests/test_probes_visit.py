"""The VISIT rules on the invented probe sentences of tests/probes/visit.jsonl.

The probes are written from the annotation guide (the trigger words in their common
constructions, lists of travellers, modality, and each item of the guide's NOT list), not taken
from a development set, so these floors test how the bundled rules behave on news they were not
fitted to. The floors sit a few points under the scores the rules reach.
"""
from __future__ import annotations

import json
import pathlib

from click.testing import CliRunner

from evx.tools.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROBES = ROOT / "tests" / "probes" / "visit.jsonl"
RULES = ROOT / "rules" / "news"


def _docs():
    return [json.loads(line) for line in PROBES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _scores():
    result = CliRunner().invoke(main, ["eval", str(PROBES), "-r", str(RULES), "--type", "VISIT", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_probe_file_is_well_formed():
    docs = _docs()
    assert len(docs) >= 60
    assert len({d["id"] for d in docs}) == len(docs)
    for d in docs:
        for event in d["events"]:
            spans = [event["trigger"]] + [s for role in event["arguments"].values() for s in role]
            for span in spans:
                assert d["text"][span["start"]:span["end"]] == span["text"], (d["id"], span)


def test_probes_hold_negatives():
    # sentences of the guide's NOT list (migration, troops, goods and vehicles, figurative uses)
    negatives = [d for d in _docs() if not any(e["type"] == "VISIT" for e in d["events"])]
    assert len(negatives) >= 20


def test_visit_probe_scores():
    scores = _scores()
    events = scores["events"]["VISIT"]
    arguments = scores["arguments"]["VISIT"]
    assert events["f1"] >= 0.94, events
    assert events["precision"] >= 0.95, events
    assert arguments["f1"] >= 0.86, arguments
