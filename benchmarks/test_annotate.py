"""The annotator alone: raw text -> sentences and tokens (lower, lemma, shape)."""
from __future__ import annotations

import evx


def test_annotate(benchmark, sample, throughput):
    docs = benchmark(lambda: [evx.annotate(text) for text in sample.texts])
    assert sum(d.token_count for d in docs) == sample.tokens
    throughput(benchmark, sample.tokens)


def test_annotate_sentences(benchmark, sample, throughput):
    """The same text one sentence at a time: the per-call overhead of annotate()."""
    sentences = [doc.text[s.start:s.end] for doc in sample.docs for s in doc.sentences]
    docs = benchmark(lambda: [evx.annotate(s) for s in sentences])
    throughput(benchmark, sum(d.token_count for d in docs))
