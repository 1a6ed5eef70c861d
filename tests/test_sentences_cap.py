"""The sentence cap: a run of more than MAX_SENTENCE_TOKENS tokens is cut at the best mark
in the second half of each piece, else at the cap."""
from __future__ import annotations

from evx import annotate
from evx.text.sentences import MAX_SENTENCE_TOKENS, cap


def _words(doc):
    return [[t.word for t in s.tokens] for s in doc.sentences]


def test_a_cut_falls_after_the_last_semicolon_in_the_second_half():
    text = " ".join(["w"] * 600) + " ; " + " ".join(["w"] * 300) + " , " + " ".join(["w"] * 500)
    doc = annotate(text)
    assert [len(s) for s in _words(doc)] == [601, 801]
    assert _words(doc)[0][-1] == ";"


def test_a_comma_when_there_is_no_stronger_mark():
    text = " ".join(["w"] * 700) + " , " + " ".join(["w"] * 800)
    assert [len(s) for s in _words(annotate(text))] == [701, 800]


def test_a_mark_in_the_first_half_is_not_used():
    text = " ".join(["w"] * 100) + " ; " + " ".join(["w"] * 1400)
    assert [len(s.tokens) for s in annotate(text).sentences] == [1000, 501]


def test_cap_keeps_every_token_and_bounds_every_piece():
    words = (["a"] * 37 + [","] + ["b"] * 80 + [";"]) * 60
    spans = cap([(0, len(words))], words)
    assert spans[0][0] == 0 and spans[-1][1] == len(words)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(hi - lo <= MAX_SENTENCE_TOKENS for lo, hi in spans)
    assert all(words[hi - 1] == ";" for lo, hi in spans[:-1])


def test_offsets_stay_right_across_cuts():
    text = ("the talks went on, and on; " * 400).strip()
    doc = annotate(text)
    assert len(doc.sentences) > 1
    for s in doc.sentences:
        assert len(s.tokens) <= MAX_SENTENCE_TOKENS
        assert s.tokens[0].index == 0
        for t in s.tokens:
            assert text[t.start:t.end] == t.word
