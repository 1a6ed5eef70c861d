"""Shared helpers: build small rule sets from YAML text and run one pattern over a text."""
from __future__ import annotations

import os
import re
import tempfile
import textwrap
from pathlib import Path

import pytest

# Tests build thousands of throwaway rule sets: keep them out of the user's compile cache
# (test_cache.py turns it on where it is the subject). Subprocesses inherit this.
os.environ["EVX_CACHE"] = "off"

import evx  # noqa: E402


def write_rules(folder: Path, yaml_text: str, files: dict[str, str] | None = None,
                name: str = "rules.yml") -> Path:
    """Write a rule file (dedented) and any extra files next to it; return the rule file's path."""
    folder = Path(folder)
    for rel, content in (files or {}).items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(content), encoding="utf-8")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return path


def load(tmp_path: Path, yaml_text: str, files: dict[str, str] | None = None) -> evx.RuleSet:
    return evx.load_rules(write_rules(tmp_path, yaml_text, files))


def provided(text: str, **fields: list) -> evx.Document:
    """Annotate `text` with one provided token per space-separated word.

    Each keyword is a token field (tag, entity, lemma, dep, head, sentence) with one
    value per word; None leaves the field out for that token.
    """
    tokens = []
    pos = 0
    for i, word in enumerate(text.split(" ")):
        tok = {"start": pos, "end": pos + len(word)}
        for key, values in fields.items():
            if values[i] is not None:
                tok[key] = values[i]
        tokens.append(tok)
        pos += len(word) + 1
    return evx.annotate(text, tokens=tokens)


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pattern_rules(pattern: str, mentions, taxonomy: str | None, variables: dict | None,
                   label: str) -> str:
    """A rule file: a lexicon rule per (label, phrase) at priority 1, then the pattern rule."""
    lines = []
    pairs = list(mentions.items()) if isinstance(mentions, dict) else list(mentions or ())
    if taxonomy:
        lines.append("taxonomy:")
        lines.append(textwrap.indent(textwrap.dedent(taxonomy).strip("\n"), "  "))
        # with a taxonomy every label must be in it: the labels it leaves out become roots
        for extra in dict.fromkeys([name for name, _ in pairs] + [label]):
            if not re.search(rf"(?<![\w.-]){re.escape(extra)}(?![\w.-])", taxonomy):
                lines.append(f"  - {extra}")
    if variables:
        lines.append("vars:")
        for name, value in variables.items():
            if isinstance(value, list):
                lines.append(f"  {name}: [{', '.join(_yaml_str(v) for v in value)}]")
            else:
                lines.append(f"  {name}: {_yaml_str(value)}")
    lines.append("rules:")
    k = 0
    for mention_label, phrases in pairs:
        for phrase in ([phrases] if isinstance(phrases, str) else phrases):
            k += 1
            lines += [f"  - name: lex{k}", f"    label: {mention_label}", "    type: lexicon",
                      f"    phrases: [{_yaml_str(phrase)}]"]
    lines += ["  - name: p", f"    label: {label}", f"    priority: {2 if k else 1}", "    pattern: |"]
    lines += ["      " + line for line in textwrap.dedent(pattern).strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


def run_pattern(pattern: str, text, *, mentions=None, taxonomy: str | None = None,
                variables: dict | None = None, label: str = "Hit", captures: bool = False):
    """Matches of `pattern` (rule `p`) in `text` (a string or an annotated Document).

    Each match is the list of its token words; with `captures`, a pair of that list and
    a dict from capture name to the texts it captured, in order.
    `mentions` maps a label to phrases; each phrase becomes its own lexicon rule, so
    mentions found by different phrases may overlap.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = write_rules(Path(folder), _pattern_rules(pattern, mentions, taxonomy, variables, label))
        rules = evx.load_rules(path)
    doc = evx.annotate(text) if isinstance(text, str) else text
    out = []
    for m in rules.matches(doc):
        if m.rule != "p":
            continue
        tokens = doc.sentences[m.sentence].tokens
        words = [t.word for t in tokens[m.start:m.end]]
        if not captures:
            out.append(words)
            continue
        args = {}
        for name, spans in m.arguments.items():
            args[name] = [doc.text[tokens[a.start].start:tokens[a.end - 1].end] if a.end > a.start else ""
                          for a in spans]
        out.append((words, args))
    return out


@pytest.fixture
def rules_from(tmp_path):
    """rules_from(yaml_text, files=None) -> RuleSet loaded from a file in tmp_path."""
    def make(yaml_text: str, files: dict[str, str] | None = None) -> evx.RuleSet:
        return load(tmp_path, yaml_text, files)
    return make


@pytest.fixture(name="provided")
def provided_fixture():
    """provided(text, **fields) -> a Document with one given token per space-separated word."""
    return provided


@pytest.fixture
def find():
    """find(pattern, text, **kw) -> the matches of one pattern, as lists of token words."""
    return run_pattern
