"""The embedded part-of-speech tagger: accuracy on a slice of EWT dev, and its behaviour on
empty, short and odd input, its determinism, its header, and the files it refuses."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import evx
from evx.syntax import tagger as tagger_module
from evx.syntax.modelfile import ModelError, encode_strings, save_model
from evx.syntax.tagger import AFTER, BEFORE, DEFAULT_MODEL, Tagger, n_rows, shape, type_features
from evx.syntax.treebank import read_treebank

SLICE = Path(__file__).parent / "data" / "ewt-dev-slice.conllu"
UPOS = {"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
        "PUNCT", "SCONJ", "SYM", "VERB", "X"}


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


def test_accuracy_on_the_dev_slice(tagger):
    sentences = read_treebank(SLICE)
    out = tagger.tag([s.forms for s in sentences])
    pairs = [(w, u, x) for s, (us, xs) in zip(sentences, out) for w, u, x in zip(s.words, us, xs)]
    upos = sum(w.upos == u for w, u, _ in pairs) / len(pairs)
    xpos = sum(w.xpos == x for w, _, x in pairs) / len(pairs)
    assert len(pairs) > 3000
    assert upos >= UPOS_FLOOR, upos
    assert xpos >= XPOS_FLOOR, xpos


# Measured on the slice with the shipped model (see the test above), less 1.5 points.
UPOS_FLOOR = 0.930
XPOS_FLOOR = 0.922


def test_empty_input_and_empty_sentences(tagger):
    assert tagger.tag([]) == []
    assert tagger.tag([[]]) == [([], [])]
    out = tagger.tag(iter([[], ("The", "dog", "barked", "."), []]))
    assert out[0] == ([], []) and out[2] == ([], [])
    assert out[1] == (["DET", "NOUN", "VERB", "PUNCT"], ["DT", "NN", "VBD", "."])


def test_one_word_sentences(tagger):
    out = tagger.tag([["Hello"], ["."], ["42"], ["running"]])
    assert [len(u) for u, _ in out] == [1, 1, 1, 1]
    assert out[1] == (["PUNCT"], ["."])
    assert out[2] == (["NUM"], ["CD"])


def test_odd_strings_get_a_tag_each(tagger):
    odd = ["naïve", "東京", "🙂", "12,345.67", "x" * 300, "...", "--", "", " ", "\t", "\n", "A\u0301",
           "http://example.com/a?b=c", "@user", "#tag", "\x00", "ǅ", "ﬁ", "İstanbul", "-", "'s", "<s>", "</s>"]
    out = tagger.tag([odd, list(reversed(odd))])
    for (us, xs), sentence in zip(out, [odd, list(reversed(odd))]):
        assert len(us) == len(xs) == len(sentence)
        assert set(us) <= UPOS
        assert all(isinstance(x, str) and x for x in xs)


def test_words_that_look_like_the_padding_are_words(tagger):
    tagger.tag([["<s>", "</s>"]])
    assert tagger._types["<s>"] != tagger._types[BEFORE] and tagger._types["</s>"] != tagger._types[AFTER]
    assert "w=<s>" in type_features("<s>")[0] and type_features(BEFORE)[0] == []


def test_a_long_sentence(tagger):
    words = ["the", "big", "dog", "saw", "a", "cat", "and"] * 300
    (us, xs), = tagger.tag([words])
    assert len(us) == len(words)
    assert us[:3] == ["DET", "ADJ", "NOUN"]


def test_tags_do_not_depend_on_the_batch_or_on_what_came_before(tagger, monkeypatch):
    sentences = [s.forms for s in read_treebank(SLICE)][:60]
    fresh = Tagger.load()
    together = fresh.tag(sentences)
    assert [fresh.tag([s])[0] for s in sentences[:15]] == together[:15]
    tagger.tag(list(reversed(sentences)))
    assert tagger.tag(sentences) == together
    # A full cache of word types starts afresh, with the same tags.
    monkeypatch.setattr(tagger_module, "_CACHE_LIMIT", 50)
    assert fresh.tag(sentences) == together
    assert fresh.tag(sentences[:5]) == together[:5]
    assert len(fresh._types) < 50 + len({w for s in sentences for w in s})


def test_words_must_be_strings(tagger):
    with pytest.raises(TypeError, match="strings"):
        tagger.tag([["a", 3]])
    with pytest.raises(TypeError, match="sequences of words"):
        tagger.tag(["The dog barked."])


def test_header_says_where_the_model_came_from(tagger):
    h = tagger.header
    assert h["kind"] == "tagger"
    assert h["treebank"] == "UD_English-EWT" and h["treebank_commit"] == "15d613d8"
    assert h["license"] == "CC BY-SA 4.0"
    assert h["evx_version"] == evx.__version__
    assert h["training"]["learner"] == "averaged perceptron" and h["training"]["epochs"] >= h["training"]["best_epoch"]
    assert 0.9 < h["dev_accuracy"]["upos"] < 1 and 0.9 < h["dev_accuracy"]["xpos"] < 1


def test_the_shipped_model_is_small():
    assert DEFAULT_MODEL.stat().st_size <= 3_000_000


def test_shape_and_features():
    assert shape("Hello") == "Xxxx" and shape("Hello", 1) == "Xx"
    assert shape("U.S.", 1) == "X.X." and shape("1984", 1) == "d"
    assert shape("Ünïcödé", 1) == "Xx"
    own, far_left, left, right, far_right = type_features("Running")
    assert "w=Running" in own and "s3=ing" in own and "cap=first" in own
    assert [f[2:] for f in left] == [f[1:] for f in right] and "1s3=ing" in right
    assert far_left == ["-2l=running"] and far_right == ["2l=running"]


# -- files that are not a tagger -----------------------------------------------------------

def test_refuses_a_parser_model(tmp_path):
    path = tmp_path / "parser.npz"
    save_model(path, "parser", {"weights": np.zeros(3, np.float32)}, {"treebank": "x"})
    with pytest.raises(ModelError, match="'parser' model, not a 'tagger'"):
        Tagger.load(path)


def test_refuses_a_damaged_file(tmp_path):
    data = DEFAULT_MODEL.read_bytes()
    for name, content in [("cut.npz", data[: len(data) // 2]), ("empty.npz", b""),
                          ("noise.npz", bytes(range(256)) * 50)]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ModelError):
            Tagger.load(path)


def test_refuses_a_pickle(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"features": [1, 2, 3]}))
    with pytest.raises(ModelError):
        Tagger.load(path)
    obj = tmp_path / "objects.npz"
    np.savez(obj, features=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelError):
        Tagger.load(obj)


def test_refuses_a_missing_file(tmp_path):
    with pytest.raises(ModelError):
        Tagger.load(tmp_path / "absent.npz")


def _tiny_arrays() -> dict[str, np.ndarray]:
    """A small but complete tagger model: three labels, a few features, random weights."""
    features = sorted(["w=dog", "w=the", "l=dog", "s1=g", "-1l=the", "1l=dog", "b-=the dog"])
    labels = ["NOUN\tNN", "DET\tDT", "VERB\tVB"]
    rows = n_rows(len(features) + 1, len(labels))
    rng = np.random.default_rng(0)
    arrays: dict[str, np.ndarray] = {"features": encode_strings(features), "labels": encode_strings(labels)}
    for name in ("first", "second"):
        dense = rng.integers(-5, 6, size=(rows, len(labels))).astype(np.int8)
        dense[0] = 0
        r, c = np.nonzero(dense)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=rows))]).astype(np.int32)
        arrays.update({f"{name}_indptr": indptr, f"{name}_cols": c.astype(np.uint8),
                       f"{name}_vals": dense[r, c]})
    return arrays


def _tiny(tmp_path: Path, change=None) -> Path:
    arrays = _tiny_arrays()
    if change is not None:
        change(arrays)
    path = tmp_path / "tiny.npz"
    save_model(path, "tagger", arrays, {"treebank": "none"})
    return path


def test_a_tiny_model_loads_and_tags(tmp_path):
    tiny = Tagger.load(_tiny(tmp_path))
    out = tiny.tag([["the", "dog"], ["dog"], []])
    assert all(set(us) <= {"NOUN", "DET", "VERB"} for us, _ in out)
    assert out == Tagger.load(_tiny(tmp_path)).tag([["the", "dog"], ["dog"], []])


def test_a_model_without_a_second_pass_tags_with_the_first(tmp_path):
    def drop(arrays):
        for key in ("second_indptr", "second_cols", "second_vals"):
            del arrays[key]
    one = Tagger.load(_tiny(tmp_path, drop))
    assert len(one._passes) == 1
    assert [len(u) for u, _ in one.tag([["the", "dog", "barked"]])] == [3]


@pytest.mark.parametrize("change", [
    lambda a: a.pop("first_vals"),
    lambda a: a.pop("labels"),
    lambda a: a.__setitem__("first_indptr", a["first_indptr"][:-5]),
    lambda a: a.__setitem__("first_indptr", a["first_indptr"][::-1].copy()),
    lambda a: a.__setitem__("first_cols", a["first_cols"] + 200),
    lambda a: a.__setitem__("first_vals", a["first_vals"].astype(np.float32)),
    lambda a: a.__setitem__("first_vals", a["first_vals"][:-1]),
    lambda a: a.__setitem__("features", encode_strings(["w=dog"])),
    lambda a: a.__setitem__("labels", encode_strings(["NOUN", "DET", "VERB"])),
    lambda a: a.__setitem__("labels", np.frombuffer(b"\xff\xfe", np.uint8).copy()),
])
def test_refuses_a_tagger_file_whose_parts_do_not_fit(tmp_path, change):
    with pytest.raises(ModelError):
        Tagger.load(_tiny(tmp_path, change))
