"""The bundled news rules on invented DENIAL sentences (tests/probes/denial.jsonl): denials by verb,
noun and false-calling words in many constructions, and the guide's NOT list (a thing denied to
someone, a demand or a deal rejected, a demand that someone deny)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from evx.tools.cli import main

PROBES = Path(__file__).parent / "probes" / "denial.jsonl"


def _scores() -> dict:
    result = CliRunner().invoke(main, ["eval", str(PROBES), "--json", "--type", "DENIAL"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_denial_probes_score_above_the_floor():
    scores = _scores()
    events, arguments = scores["events"]["DENIAL"], scores["arguments"]["DENIAL"]
    assert events["f1"] >= 0.95, events
    assert events["precision"] >= 0.95, events
    assert arguments["f1"] >= 0.93, arguments
