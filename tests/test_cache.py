"""The compile cache: compiled rule sets, parsed patterns, large lexicons and the lemma table
reused across loads, and never used once what they were made from has changed."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import evx

from evx import cache
from evx.rulefile import loader
from evx.pattern import parser

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


def _compiles(monkeypatch) -> list:
    calls = []
    real = loader.load_rule_files

    def counting(paths, *args, **kwargs):
        calls.append([str(p) for p in paths])
        return real(paths, *args, **kwargs)
    monkeypatch.setattr(loader, "load_rule_files", counting)
    return calls


def _records(rules, text):
    return [r.to_dict() for r in rules.extract(text, mentions=True)]


def test_second_load_compiles_nothing(cached, monkeypatch):
    first = evx.load_rules(cached / "rules")
    calls = _compiles(monkeypatch)
    second = evx.load_rules(cached / "rules")
    assert calls == []
    text = "We met New York in spring."
    assert _records(second, text) == _records(first, text)
    assert [r.name for r in second.rules] == ["places", "r"]
    names = [p.name for p in (cached / "cache").iterdir()]
    assert any(name.startswith("ruleset-") for name in names)


def test_a_changed_imported_file_compiles_again(cached, monkeypatch):
    rules_dir = cached / "rules"
    (rules_dir / "more.yml").write_text("rules:\n  - name: m\n    label: M\n    pattern: '[lower=spring]'\n",
                                        encoding="utf-8")
    (rules_dir / "main.yml").write_text(RULES.replace("vars:", "  - import: more.yml\nvars:"), encoding="utf-8")
    assert [r.type for r in evx.load_rules(rules_dir).extract("in spring", mentions=True)] == ["M"]
    (rules_dir / "more.yml").write_text("rules:\n  - name: m\n    label: M\n    pattern: '[lower=autumn]'\n",
                                        encoding="utf-8")
    calls = _compiles(monkeypatch)
    rules = evx.load_rules(rules_dir)
    assert len(calls) == 1
    assert rules.extract("in spring", mentions=True) == []
    assert [r.type for r in rules.extract("in autumn", mentions=True)] == ["M"]


def test_a_new_file_in_a_folder_without_main_compiles_again(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "a.yml").write_text("rules:\n  - name: a\n    label: A\n    pattern: '[lower=x]'\n", encoding="utf-8")
    assert [r.name for r in evx.load_rules(folder).rules] == ["a"]
    (folder / "b.yml").write_text("rules:\n  - name: b\n    label: B\n    pattern: '[lower=y]'\n", encoding="utf-8")
    assert [r.name for r in evx.load_rules(folder).rules] == ["a", "b"]


def test_rules_with_errors_are_never_kept(cached):
    (cached / "rules" / "main.yml").write_text(RULES.replace("[lower=${w}]", "[lower=${w}"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(evx.RuleErrors):
            evx.load_rules(cached / "rules")
    assert not any(p.name.startswith("ruleset-") for p in (cached / "cache").iterdir())


def test_a_pickled_program_matches_as_the_compiled_one():
    rules = evx.load_rules()
    again = pickle.loads(pickle.dumps(rules))
    text = ("Iran's foreign minister arrived in Islamabad on Sunday for talks with Pakistani officials. "
            "Militants attacked a police post in Kabul, officials said, but the Taliban denied the report.")
    assert _records(again, text) == _records(rules, text)
    assert again.extract(text) != []


def test_the_lemma_table_is_kept_and_gives_simplemmas_lemmas(tmp_path, monkeypatch):
    import simplemma
    from evx.text.annotate import _english_lemmatizer
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    words = ["visited", "talks", "Syrians", "officials", "went", "children", "better", "denied", "zzqx"]
    first = [_english_lemmatizer().lemmatize(w, lang="en") for w in words]
    assert [p.name.startswith("lemmas-") and "-en-" in p.name for p in (tmp_path / "cache").iterdir()] == [True]
    second = [_english_lemmatizer().lemmatize(w, lang="en") for w in words]
    assert first == second == [simplemma.lemmatize(w, lang="en") for w in words]


def test_a_damaged_lemma_table_is_made_again(tmp_path, monkeypatch):
    import simplemma
    from evx.text.annotate import _english_lemmatizer
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    _english_lemmatizer()
    [kept] = (tmp_path / "cache").iterdir()
    kept.write_bytes(b"EVXL" + bytes(3))            # torn
    assert _english_lemmatizer().lemmatize("visited", lang="en") == "visit"
    assert kept.stat().st_size > 1_000_000
    kept.write_bytes(b"")                           # empty: cannot even be mapped
    assert _english_lemmatizer().lemmatize("children", lang="en") == simplemma.lemmatize("children", lang="en")
    assert kept.stat().st_size > 1_000_000


def test_the_table_shortcut_gives_simplemmas_lemmas(tmp_path, monkeypatch):
    import re
    import sys

    import simplemma
    import evx.text.annotate
    annotate_module = sys.modules["evx.text.annotate"]
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(annotate_module, "_lemmatizer", None)
    monkeypatch.setattr(annotate_module, "_table", None)
    sample = Path(__file__).resolve().parent.parent / "corpus" / "sample"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(sample.iterdir()))
    words = sorted(set(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)))
    words += ["The", "THE", "Officials", "cafe\u0301", "café", "½", "五", "2nd", "ĳ", "Iraq's", "don’t",
              "İstanbul", "ß", "ＡＢＣ", "Co-operation"]
    got = [annotate_module._dictionary_lemma(w) for w in words]
    assert annotate_module._table is not None           # the shortcut was there to take
    assert len(words) > 150
    assert got == [simplemma.lemmatize(w, lang="en").lower() for w in words]


def test_second_load_parses_nothing(cached, monkeypatch):
    first = evx.load_rules(cached / "rules")
    monkeypatch.setattr(cache, "unchanged", lambda files: False)   # past the rule-set cache
    calls = _parses(monkeypatch)
    second = evx.load_rules(cached / "rules")
    assert calls == []
    text = "We met New York in spring."
    assert _records(second, text) == _records(first, text)
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


def test_a_fresh_process_keeps_larks_grammar_analysis(cached):
    import os
    import subprocess
    import sys
    env = {**os.environ, "EVX_CACHE": "on", "EVX_CACHE_DIR": str(cached / "cache")}
    code = f"import evx; print(len(evx.load_rules({str(cached / 'rules')!r}).rules))"
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "2"
    assert [p.name.startswith("grammar-") for p in (cached / "cache").iterdir()].count(True) == 1
