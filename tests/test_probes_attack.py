"""ATTACK on invented news sentences: `evx eval --json` over tests/probes/attack.jsonl with the
bundled rules stays above a floor, for events and for their arguments."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from evx.tools.cli import main

PROBES = Path(__file__).resolve().parent / "probes" / "attack.jsonl"


def scores() -> dict:
    try:
        runner = CliRunner(mix_stderr=False)    # click < 8.2
    except TypeError:
        runner = CliRunner()                    # click >= 8.2 keeps stderr apart
    result = runner.invoke(main, ["eval", str(PROBES), "--type", "ATTACK", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_attack_probes_hold_their_floor():
    found = scores()
    assert found["documents"] >= 150
    assert found["events"]["ATTACK"]["f1"] >= 0.95
    assert found["events"]["ATTACK"]["precision"] >= 0.95
    assert found["arguments"]["ATTACK"]["f1"] >= 0.86
