"""The compile cache: parsed patterns and large lexicons reused across loads, keyed by content."""
from __future__ import annotations

import pytest

import evx
from evx import cache, parser

RULES = """
rules:
  - name: places
    label: Place
    type: lexicon
    lexicon: places.txt
  - name: r
    label: R
    priority: 2
    pattern: '@Place [lower=${w}]'
vars:
  w: in
"""


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "places.txt").write_text(
        "\n".join(f"Place{i}" for i in range(300)) + "\nNew York\n", encoding="utf-8")
    (tmp_path / "rules" / "main.yml").write_text(RULES, encoding="utf-8")
    return tmp_path


def _parses(monkeypatch) -> list:
    calls = []
    real = parser._parse_expanded

    def counting(text, origin):
        calls.append(text)
        return real(text, origin)
    monkeypatch.setattr(parser, "_parse_expanded", counting)
    return calls


def test_second_load_parses_nothing(cached, monkeypatch):
    first = evx.load_rules(cached / "rules")
    calls = _parses(monkeypatch)
    second = evx.load_rules(cached / "rules")
    assert calls == []
    text = "We met New York in spring."
    assert [r.to_dict() for r in second.extract(text, mentions=True)] == \
           [r.to_dict() for r in first.extract(text, mentions=True)]
    files = sorted(p.name for p in (cached / "cache").iterdir())
    assert any(f.startswith("patterns-") for f in files) and any(f.startswith("lexicon-") for f in files)


def test_a_changed_pattern_or_variable_is_parsed_again(cached, monkeypatch):
    evx.load_rules(cached / "rules")
    (cached / "rules" / "main.yml").write_text(RULES.replace("w: in", "w: at"), encoding="utf-8")
    calls = _parses(monkeypatch)
    rules = evx.load_rules(cached / "rules")
    assert calls == ["@Place [lower=at]"]
    assert rules.extract("New York at dawn", mentions=True)[-1].type == "R"


def test_a_changed_lexicon_is_built_again(cached):
    evx.load_rules(cached / "rules")
    (cached / "rules" / "places.txt").write_text(
        "\n".join(f"Place{i}" for i in range(300)) + "\nOld Town\n", encoding="utf-8")
    rules = evx.load_rules(cached / "rules")
    found = [r.text for r in rules.extract("Old Town and New York.", mentions=True)]
    assert "Old Town" in found and "New York" not in found


def test_a_damaged_cache_file_is_ignored(cached):
    evx.load_rules(cached / "rules")
    for path in (cached / "cache").iterdir():
        path.write_bytes(b"not a pickle")
    rules = evx.load_rules(cached / "rules")
    assert [r.text for r in rules.extract("New York in May", mentions=True)][0] == "New York"


def test_off_means_no_files(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "off")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    assert cache.cache_dir() is None
