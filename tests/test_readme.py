"""The README's examples do what it says they do."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from evx.tools.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def visit_rules(tmp_path):
    text = README.read_text(encoding="utf-8")
    yaml_block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "visit.yml"
    path.write_text(yaml_block, encoding="utf-8")
    return path


def test_first_two_lines_are_setup_and_tests():
    block = re.search(r"```\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    lines = block.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("pip install .") and "evx match corpus/" in lines[0]
    assert "pytest" in lines[1]


def test_first_rule_example_output(visit_rules):
    result = CliRunner().invoke(main, ["match", "-r", str(visit_rules), "-"],
                                input="The envoy Qomi arrived in Islamabad on Sunday.")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    text = README.read_text(encoding="utf-8")
    shown = re.search(r'\$ echo .*? \| evx match -r visit.yml\n(.*?)```', text, re.S).group(1)
    expected = json.loads(" ".join(line.strip() for line in shown.splitlines() if not line.startswith("(")))
    assert record == expected


def test_first_rule_examples_pass(visit_rules):
    result = CliRunner().invoke(main, ["test", str(visit_rules)])
    assert result.exit_code == 0 and "2 passed, 0 failed" in result.output


def test_explain_example_output(visit_rules):
    text = README.read_text(encoding="utf-8")
    shown = re.search(r'\$ evx explain -r visit.yml --rule visit-arrive "(.*?)"\n(.*?)```', text, re.S)
    result = CliRunner().invoke(main, ["explain", "-r", str(visit_rules), "--rule", "visit-arrive", shown.group(1)])
    assert result.output == shown.group(2)
