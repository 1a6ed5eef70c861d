"""spaCy's Matcher on the same text with the same 10 / 100 / 1,000 patterns (rulegen.py),
after spaCy's blank English pipeline with a sentencizer and the lookup lemmatizer.

Needs spacy and spacy-lookups-data (the lemma tables): skipped without them.
"""
from __future__ import annotations

import pytest

from rulegen import RULE_COUNTS

spacy = pytest.importorskip("spacy")

import spacy_match  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    try:
        return spacy_match.make_nlp()
    except Exception as err:    # noqa: BLE001 - mostly: the lookup tables are not installed
        pytest.skip(f"spaCy's lookup lemmatizer is not usable ({err}); pip install spacy-lookups-data")


@pytest.fixture(scope="module")
def spacy_docs(nlp, sample):
    return list(nlp.pipe(sample.texts))


def test_spacy_pipeline(benchmark, nlp, sample, throughput):
    """Tokenizer, sentencizer and lemmatizer: the counterpart of test_annotate."""
    docs = benchmark(lambda: list(nlp.pipe(sample.texts)))
    assert docs[0][1].lemma_
    throughput(benchmark, sample.tokens)


@pytest.mark.parametrize("n", RULE_COUNTS)
def test_spacy_matcher(benchmark, nlp, spacy_docs, lemmas, sample, throughput, n):
    """The Matcher alone on documents made beforehand: the counterpart of test_match."""
    matcher = spacy_match.make_matcher(nlp, lemmas[:n])
    found = benchmark(lambda: [matcher(doc) for doc in spacy_docs])
    assert sum(map(len, found)) > 0 or n < 100
    throughput(benchmark, sample.tokens)


@pytest.mark.parametrize("n", RULE_COUNTS)
def test_spacy_end_to_end(benchmark, nlp, lemmas, sample, throughput, n):
    """Raw text to matches: the counterpart of test_extract."""
    matcher = spacy_match.make_matcher(nlp, lemmas[:n])
    benchmark(lambda: [matcher(doc) for doc in nlp.pipe(sample.texts)])
    throughput(benchmark, sample.tokens)
