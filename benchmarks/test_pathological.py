"""Patterns that make backtracking matchers exponential, on single sentences of 1,000, 2,000
and 4,000 tokens: the figures per length show matching time growing linearly with sentence
length (compare.py prints the ratio). Also the time to compile 1,000 rules, with the compile
cache off and warm.

Sentences longer than the annotator's 1,000-token cap are built directly (pathological.py).
The filler is real text, except for `(a|a)*b`, which is only ambiguous on a run of "a".
The marker (the token the pattern needs) comes first, so that every later start fails and
the search crosses the whole sentence, or last, so that one match spans it.
"""
from __future__ import annotations

import pytest

import evx
from pathological import LENGTHS, PATTERNS, PLACES, pattern_rules, sentence_doc

IDS = {"([]*)*x": "nested-star", "(a|a)*b": "ambiguous-alternation",
       "([]?){40}[]{40} x": "optional-then-counted", "(?<=[]*) []* x": "unbounded-lookbehind"}


@pytest.fixture(scope="module")
def patterns(tmp_path_factory):
    return {p: pattern_rules(p, tmp_path_factory.mktemp(IDS[p])) for p, _, _ in PATTERNS}


@pytest.fixture(scope="module")
def long_doc(corpus_texts):
    made: dict = {}

    def make(n: int, filler: str, marker: str, place: str) -> evx.Document:
        key = (n, filler, marker, place)
        if key not in made:
            made[key] = sentence_doc(n, filler, marker, corpus_texts, marker_first=place == "first")
        return made[key]
    return make


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("pattern,filler,marker", PATTERNS, ids=[IDS[p] for p, _, _ in PATTERNS])
def test_pathological(benchmark, patterns, long_doc, throughput, pattern, filler, marker, n, place):
    rules = patterns[pattern]
    doc = long_doc(n, filler, marker, place)
    found = benchmark(rules.matches, doc)
    if place == "first":
        assert found == [] or (found[0].start, found[0].end) == (0, 1)
    elif pattern != "([]?){40}[]{40} x":
        assert [(m.start, m.end) for m in found] == [(0, n)]
    else:
        assert [(m.start, m.end) for m in found] == [(n - 81, n)]
    throughput(benchmark, n)


@pytest.mark.parametrize("cache", ["off", "warm"])
def test_compile_1000_rules(benchmark, rule_file, monkeypatch, cache):
    """evx.load_rules on 1,000 rules in this process (the grammar is already loaded; compare.py
    times it in a fresh process)."""
    path = rule_file(1000)
    if cache == "off":
        monkeypatch.setenv("EVX_CACHE", "off")
    else:
        evx.load_rules(path)        # fills the cache
    rules = benchmark.pedantic(evx.load_rules, (path,), rounds=3, iterations=1, warmup_rounds=0)
    assert len(rules.rules) == 1000
