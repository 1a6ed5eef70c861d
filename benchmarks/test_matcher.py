"""The matcher alone: the benchmark rule family (10, 100, 1,000 rules) over documents
annotated beforehand. The cost should stay nearly flat as rules are added."""
from __future__ import annotations

import pytest

from rulegen import RULE_COUNTS


@pytest.mark.parametrize("n", RULE_COUNTS)
def test_match(benchmark, sample, ruleset, throughput, n):
    rules = ruleset(n)
    found = benchmark(lambda: [rules.matches(doc) for doc in sample.docs])
    assert sum(map(len, found)) > 0 or n < 100
    throughput(benchmark, sample.tokens)
