"""Event arguments on invented news sentences whose parties are names and actors of every kind
(unknown foreign names, common nouns for people, lists, possessives, titles, organizations,
places): the entity layer must keep them findable."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBES = Path(__file__).parent / "probes" / "entities.jsonl"
RULES = Path(__file__).parent.parent / "rules" / "news"


def scores() -> dict:
    out = subprocess.run([sys.executable, "-m", "evx", "eval", str(PROBES), "-r", str(RULES), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_probe_file_is_large_enough():
    assert sum(1 for line in PROBES.read_text().splitlines() if line.strip()) >= 50


def test_argument_f1_on_the_probes_stays_high():
    result = scores()
    assert result["arguments"]["ALL"]["f1"] >= 0.93
    assert result["events"]["ALL"]["f1"] >= 0.92
