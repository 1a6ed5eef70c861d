"""Raw text to event records in this process: annotate, match, build records as dicts.
(Whole processes, with start-up and compiling, are measured by compare.py.)"""
from __future__ import annotations

import pytest

from rulegen import RULE_COUNTS
from evx.run import batch
from evx.io.readers import InputDoc


@pytest.mark.parametrize("n", RULE_COUNTS)
def test_extract(benchmark, sample, ruleset, throughput, n):
    rules = ruleset(n)
    records = benchmark(lambda: [r.to_dict() for text in sample.texts for r in rules.extract(text)])
    assert all(r["type"].startswith("B") for r in records)
    throughput(benchmark, sample.tokens)


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_jobs(benchmark, sample, rule_file, ruleset, throughput, jobs):
    """batch.run as `evx match --jobs N` uses it, 100 rules; with 2 jobs each round starts
    its worker pool (which compiles the rules again), as a command does."""
    path = rule_file(100)
    rules = ruleset(100)
    items = [InputDoc(f"d{i}", text) for i, text in enumerate(sample.texts)]
    options = batch.Options((str(path),))
    results = benchmark.pedantic(lambda: list(batch.run(rules, items, options, jobs)), rounds=3, iterations=1)
    assert [r.doc for r in results] == [item.id for item in items]
    assert not any(r.error for r in results)
    throughput(benchmark, sample.tokens)
