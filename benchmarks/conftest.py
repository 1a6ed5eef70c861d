"""Shared fixtures for the pytest-benchmark suites: `python -m pytest benchmarks`.

The corpus is ../shared/corpus/voa-dev-articles.jsonl next to the repository (or the file
named by EVX_BENCH_CORPUS); every benchmark that needs it skips when it is absent. Suites run
on a sample of its first articles, about EVX_BENCH_TOKENS tokens (default 25,000), so that
the whole run takes a few minutes; benchmarks/compare.py measures whole processes on
300,000 tokens. Rule sets come from rulegen.py: rule i anchors on the i-th most frequent
lemma after the 100 most frequent.
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))      # rulegen, pathological, spacy_match

# a compile cache of the benchmarks' own, never the user's; the compile benchmarks turn it off
# where they measure a cold compile
os.environ.pop("EVX_CACHE", None)
os.environ["EVX_CACHE_DIR"] = os.environ.get("EVX_BENCH_CACHE_DIR") or tempfile.mkdtemp(prefix="evx-bench-cache-")

import evx  # noqa: E402
import rulegen  # noqa: E402

CORPUS = Path(os.environ.get("EVX_BENCH_CORPUS") or HERE.parent.parent / "shared" / "corpus" / "voa-dev-articles.jsonl")
SAMPLE_TOKENS = int(os.environ.get("EVX_BENCH_TOKENS", "25000"))
from rulegen import RULE_COUNTS  # noqa: E402

_throughputs: list[tuple[str, int, float]] = []


@dataclass(frozen=True)
class Sample:
    texts: tuple[str, ...]
    docs: tuple[evx.Document, ...]      # the texts as annotated by evx
    tokens: int                         # evx's token count


@pytest.fixture(scope="session")
def corpus_texts() -> list[str]:
    if not CORPUS.exists():
        pytest.skip(f"no benchmark corpus at {CORPUS} (set EVX_BENCH_CORPUS)")
    return rulegen.read_texts(CORPUS)


@pytest.fixture(scope="session")
def sample(corpus_texts) -> Sample:
    texts, docs, tokens = [], [], 0
    for text in corpus_texts:
        doc = evx.annotate(text)
        texts.append(text)
        docs.append(doc)
        tokens += doc.token_count
        if tokens >= SAMPLE_TOKENS:
            break
    return Sample(tuple(texts), tuple(docs), tokens)


@pytest.fixture(scope="session")
def lemmas(corpus_texts) -> list[str]:
    return rulegen.frequent_lemmas(corpus_texts, max(RULE_COUNTS))


@pytest.fixture(scope="session")
def rule_file(lemmas, tmp_path_factory):
    """rule_file(n) -> the path of a rule file with the first n benchmark rules."""
    folder = tmp_path_factory.mktemp("rules")

    def make(n: int) -> Path:
        path = folder / f"rules_{n}.yml"
        if not path.exists():
            path.write_text(rulegen.evx_rules(lemmas[:n]), encoding="utf-8")
        return path
    return make


@pytest.fixture(scope="session")
def ruleset(rule_file):
    """ruleset(n) -> the compiled RuleSet of the first n benchmark rules (loaded once)."""
    loaded: dict[int, evx.RuleSet] = {}

    def make(n: int) -> evx.RuleSet:
        if n not in loaded:
            loaded[n] = evx.load_rules(rule_file(n))
        return loaded[n]
    return make


@pytest.fixture
def throughput(request):
    """throughput(benchmark, tokens): note tokens per second of the best round in the
    benchmark's extra_info (kept in --benchmark-json) and in the summary at the end."""
    def note(benchmark, tokens: int) -> None:
        benchmark.extra_info["tokens"] = tokens
        stats = getattr(getattr(benchmark, "stats", None), "stats", None)
        if stats is None or not stats.min:      # --benchmark-disable
            return
        rate = tokens / stats.min
        benchmark.extra_info["tokens_per_s_best"] = round(rate)
        benchmark.extra_info["tokens_per_s_median"] = round(tokens / stats.median)
        _throughputs.append((request.node.nodeid.split("::", 1)[-1], tokens, rate))
    return note


def pytest_terminal_summary(terminalreporter):
    if not _throughputs:
        return
    terminalreporter.section("throughput (best round)")
    width = max(len(name) for name, _, _ in _throughputs)
    for name, tokens, rate in _throughputs:
        terminalreporter.write_line(f"{name:<{width}}  {tokens:>8,} tokens  {rate:>12,.0f} tokens/s")
