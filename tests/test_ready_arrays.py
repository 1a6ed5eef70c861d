"""A model's ready arrays in the cache: read back as written, refused when damaged, and a
parser built from them parses as one built from its model file."""
from __future__ import annotations

import json

import numpy as np
import pytest

from evx import cache
from evx.syntax import parser as parser_module, ready
from evx.syntax.modelfile import ModelError
from evx.syntax.parser import Parser

SENTENCES = [["The", "minister", "arrived", "in", "Kabul", "on", "Monday", "."],
             ["Talks", "ended", "."]]
UPOS = [["DET", "NOUN", "VERB", "ADP", "PROPN", "ADP", "PROPN", "PUNCT"], ["NOUN", "VERB", "PUNCT"]]
XPOS = [["DT", "NN", "VBD", "IN", "NNP", "IN", "NNP", "."], ["NNS", "VBD", "."]]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_arrays_are_read_back_with_their_dtypes_and_shapes():
    arrays = {"a": np.arange(7, dtype=np.int8), "b": np.arange(12, dtype=np.int64).reshape(3, 4),
              "c": np.zeros((0, 5), dtype=np.float32), "d": np.array([True, False])}
    back = ready.decode(b"".join(ready.encode(arrays)))
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape
        assert np.array_equal(back[name], array)


def test_a_non_contiguous_array_is_kept_as_its_values():
    array = np.arange(20, dtype=np.int32).reshape(4, 5)[:, 1::2]
    assert np.array_equal(ready.decode(b"".join(ready.encode({"x": array})))["x"], array)


def test_only_numeric_arrays_are_kept():
    with pytest.raises(ValueError, match="numeric"):
        ready.encode({"x": np.array(["a"], dtype=object)})


def _with_header(listed: list, data: bytes = bytes(256)) -> bytes:
    head = json.dumps({"arrays": listed}).encode() + b"\n"
    return head + bytes(-len(head) % 64) + data


@pytest.mark.parametrize("listed", [
    [["x", "|O", [1], 0]],                  # objects
    [["x", "<i8", [1000], 0]],              # past the end
    [["x", "<i8", [-1], 0]],                # a negative length
    [["x", "<i8", [1], 3]],                 # not aligned
    [["x", "<i8", [1], -64]],               # before the data
    [[1, "<i8", [1], 0]],                   # a name that is no string
    [["x", "<i8", "1", 0]],                 # a shape that is no list
    [["x", "no-such-type", [1], 0]],
    [["x", "<i8", [1]]],                    # a field missing
])
def test_a_damaged_entry_is_no_entry(listed):
    assert ready.decode(_with_header(listed)) is None


@pytest.mark.parametrize("payload", [b"", b"not json\n", b"{}\n", b"[1, 2]\n", b"\xff\xfe\n", b"x" * 70000])
def test_what_is_not_an_entry_is_none(payload):
    assert ready.decode(payload) is None


def _trees_without_cache_then_entry(cache_dir, monkeypatch):
    """The trees of a parser loaded with no cache; then a load that makes the cache's entry,
    whose path is returned with them."""
    monkeypatch.setenv("EVX_CACHE", "off")
    expected = Parser.load().parse(SENTENCES, UPOS, XPOS)
    monkeypatch.setenv("EVX_CACHE", "on")
    Parser.load()
    (entry,) = cache_dir.glob("arrays-*")
    return expected, entry


def test_a_parser_from_its_ready_arrays_parses_as_one_from_its_file(cache_dir, monkeypatch):
    expected, _ = _trees_without_cache_then_entry(cache_dir, monkeypatch)
    first = Parser.load()
    monkeypatch.setattr(parser_module, "_ready_arrays", lambda path: pytest.fail("the entry was not used"))
    again = Parser.load()
    assert first.parse(SENTENCES, UPOS, XPOS) == again.parse(SENTENCES, UPOS, XPOS) == expected
    assert again._lockstep() is not None


def test_ready_arrays_that_do_not_fit_are_made_again(cache_dir, monkeypatch):
    expected, entry = _trees_without_cache_then_entry(cache_dir, monkeypatch)
    key = entry.name.split("-", 3)[3].rsplit(".", 1)[0]
    arrays = dict(ready.decode(cache.load_ready_arrays(key)))
    arrays["relation_weights"] = arrays["relation_weights"][:10]        # well formed, wrong shape
    cache.store_ready_arrays(key, ready.encode(arrays))
    assert Parser.load().parse(SENTENCES, UPOS, XPOS) == expected
    assert ready.decode(cache.load_ready_arrays(key))["relation_weights"].shape[0] > 10   # kept again


def test_a_truncated_entry_is_made_again(cache_dir, monkeypatch):
    expected, entry = _trees_without_cache_then_entry(cache_dir, monkeypatch)
    entry.write_bytes(entry.read_bytes()[:100_000])
    assert Parser.load().parse(SENTENCES, UPOS, XPOS) == expected


def test_a_model_file_that_is_no_model_is_still_an_error(cache_dir, tmp_path):
    bad = tmp_path / "parser.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a readable model file"):
        Parser.load(bad)
    assert not list(cache_dir.glob("arrays-*"))
