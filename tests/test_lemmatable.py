"""The lemma table's file format: every pair found again, nothing else found."""
from __future__ import annotations

import sys

import pytest

from evx import cache
from evx.text.lemmatable import LemmaTable, encode

PAIRS = {"visited": "visit", "Syrians": "Syrian", "went": "go", "children": "child",
         "café": "café", "naïve": "naïve", "a": "a", "": "", "talks": "talk"}


def test_every_pair_is_found_and_nothing_else():
    table = LemmaTable(encode(PAIRS))
    assert {word: table.get(word) for word in PAIRS} == PAIRS
    assert table.lookup("went".encode()) == b"go"
    for absent in ("visit", "Visited", "wen", "wentt", "cafe", "zzqx"):
        assert table.get(absent) is None
        assert table.get(absent, "?") == "?"
    with pytest.raises(KeyError):
        table["zzqx"]
    assert table["children"] == "child"


def test_it_is_a_mapping_of_its_pairs():
    table = LemmaTable(encode(PAIRS))
    assert len(table) == len(PAIRS)
    assert sorted(table) == sorted(PAIRS)
    assert dict(table.items()) == PAIRS


def test_colliding_words_all_stay_found():
    # 5,000 words in 16,384 slots: many share a first slot and are found by probing on
    many = {f"w{i}": f"l{i % 7}" for i in range(5000)}
    table = LemmaTable(encode(many))
    assert all(table.get(word) == lemma for word, lemma in many.items())
    assert table.get("w5000") is None


def test_an_empty_table_finds_nothing():
    table = LemmaTable(encode({}))
    assert len(table) == 0 and table.get("a") is None


def test_words_too_long_for_the_format_are_refused():
    with pytest.raises(ValueError, match="too long"):
        encode({"x" * 256: "x"})
    encode({"x" * 255: "y" * 255})


def _other_byte_order(data: bytes) -> bytes:
    one = int.from_bytes(data[4:8], sys.byteorder)
    return data[:4] + one.to_bytes(4, "big" if sys.byteorder == "little" else "little") + data[8:]


@pytest.mark.parametrize("data", [b"", b"EVX", b"NOPE" + bytes(40), encode(PAIRS)[:20],
                                  b"EVXL" + (1).to_bytes(4, sys.byteorder) + bytes(4),
                                  _other_byte_order(encode(PAIRS))])
def test_what_is_not_a_table_is_refused(data):
    with pytest.raises(ValueError):
        LemmaTable(data)


def test_a_stored_table_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    cache.store_lemma_table("xx", "1.0", encode(PAIRS))
    table = LemmaTable(cache.load_lemma_table("xx", "1.0"))
    assert table.get("Syrians") == "Syrian" and table.get("Syria") is None
    assert cache.load_lemma_table("xx", "2.0") is None
