"""A very long document, with or without sentence breaks, is run a piece at a time and gives
the records (offsets, sentence numbers, text) that one pass over the whole document gives."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evx import annotate, load_rules
from evx.io.readers import InputDoc
from evx.run import batch, long
from evx.text.annotate import annotate_pieces
from evx.text.tokenize import tokenize, tokenize_windows

SAMPLE = Path(__file__).parent.parent / "corpus" / "sample" / "news.jsonl"

ARTICLE = ("WASHINGTON — Mr. Smith's U.S.-backed plan, announced Jan. 5 at 10:30 a.m., won't pass, "
           "officials said. Gunmen attacked a police station in Kabul on Monday, killing 3 people.\n\n"
           "\"We condemn it,\" said Sen. J. Doe (Reuters) - No. 5 on the list; e-mail a.b@example.com "
           "or see https://example.com/x?y=1. The U.N. met in Geneva… then left!? Officials' cars "
           "were hit by a 1,200-pound bomb.\n")

RULES = """
rules:
  - name: hit
    label: Attack
    pattern: |
      (?<attacker> [shape=/^X/]+)? (?<trigger> [lemma=/^(attack|hit|kill)$/]) (?<target> []{1,3})
  - name: place
    label: Meeting
    pattern: |
      (?<trigger> [lemma=/^(meet|visit)$/]) [lower=/^(in|at)$/]? (?<place> [shape=/^X/]+)
"""


def _no_breaks(text: str) -> str:
    return re.sub(r"[.!?…\n\r]+", " ", text)


@pytest.mark.parametrize("window", [1, 20, 64, 333, 5000])
def test_tokenizing_a_window_at_a_time_gives_the_tokens_of_the_whole_text(window):
    text = ARTICLE * 40
    parts = list(tokenize_windows(text, window))
    joined = tuple([x for part in parts for x in part[k]] for k in range(3))
    assert joined == tuple(tokenize(text))
    assert len(parts) > 1


@pytest.mark.parametrize("text", [ARTICLE * 60, _no_breaks(ARTICLE) * 60])
def test_pieces_hold_the_sentences_of_the_whole_document(text):
    whole = annotate(text, "d")
    sentences = []
    for first, piece in annotate_pieces(text, "d", max_tokens=700):
        assert first == len(sentences)
        assert [s.index for s in piece.sentences] == list(range(len(piece.sentences)))
        assert piece.token_count <= 700 or len(piece.sentences) == 1
        sentences += piece.sentences
    assert len(sentences) == len(whole.sentences)
    for got, want in zip(sentences, whole.sentences):
        assert (got.start, got.end, got.tokens) == (want.start, want.end, want.tokens)


def _records(rules, text: str, monkeypatch, piecewise: bool, mentions: bool = False) -> list[dict]:
    monkeypatch.setattr(long, "LONG_CHARACTERS", 1_000 if piecewise else 10**12)
    monkeypatch.setattr(long, "PIECE_TOKENS", 900)
    options = batch.Options(("rules",), mentions=mentions)
    result = batch.process(rules, InputDoc("long", text), options)
    assert result.error is None
    return result.records, result


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "rules.yml"
    path.write_text(RULES, encoding="utf-8")
    return load_rules(path)


def test_a_long_document_without_sentence_breaks_gives_the_records_of_one_pass(family, monkeypatch):
    text = _no_breaks(ARTICLE) * 400         # some 26,000 tokens, cut only by the sentence cap
    piecewise, result = _records(family, text, monkeypatch, True)
    whole, whole_result = _records(family, text, monkeypatch, False)
    assert piecewise == whole
    assert (result.tokens, result.sentences) == (whole_result.tokens, whole_result.sentences)
    assert result.sentences >= -(-result.tokens // 1000)     # cut only by the cap
    assert len(piecewise) > 400
    assert max(r["sentence"] for r in piecewise) == result.sentences - 1
    for record in piecewise:
        assert record["text"] == text[record["start"]:record["end"]]
        for spans in record["arguments"].values():
            for span in spans:
                assert span["text"] == text[span["start"]:span["end"]]
    assert piecewise[-1]["start"] > len(text) - 200


def test_the_bundled_rules_give_the_same_records_piece_by_piece(monkeypatch):
    rules = load_rules()
    texts = [json.loads(line)["text"] for line in SAMPLE.open(encoding="utf-8") if line.strip()]
    text = "\n\n".join(texts)[:12_000] + " " + _no_breaks(ARTICLE) * 30
    piecewise, _ = _records(rules, text, monkeypatch, True, mentions=True)
    whole, _ = _records(rules, text, monkeypatch, False, mentions=True)
    assert piecewise == whole
    assert piecewise


def test_only_long_texts_for_evx_annotator_go_piece_by_piece():
    options = batch.Options(("rules",))
    assert not long.is_long(InputDoc("a", "short text"), options)
    assert long.is_long(InputDoc("a", "w " * long.LONG_CHARACTERS), options)
    assert not long.is_long(InputDoc("a", "w " * long.LONG_CHARACTERS, tokens=[]), options)
    assert not long.is_long(InputDoc("a", "w " * long.LONG_CHARACTERS), batch.Options(("rules",), keep_document=True))
