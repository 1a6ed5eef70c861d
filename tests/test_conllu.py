"""CoNLL-U in (the reader: documents, offsets, multiword tokens, columns, errors) and out (the
document writers), and the round trip through `evx annotate` and `evx match`."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evx
from evx.errors import InputError
from evx.io.readers import InputDoc, read_inputs, read_stream
from evx.io.readers.conllu import read_conllu
from evx.io.writers.annotation import conllu_text, document_json
from evx.syntax import stage
from evx.syntax.modelfile import ModelError
from evx.syntax.stage import ALL, add_syntax
from evx.syntax.treebank import escape_misc, read_items, read_sentences, read_treebank, unescape_misc
from evx.text.annotate import annotate
from test_cli import run, write

HERE = Path(__file__).resolve().parent
SLICE = HERE / "data" / "ewt-dev-slice.conllu"
TREEBANKS = HERE.parents[1] / "shared" / "treebanks"
EWT_DEV = TREEBANKS / "UD_English-EWT" / "en_ewt-ud-dev.conllu"
SAMPLE = HERE.parent / "corpus" / "sample"
MODELS = Path(evx.__file__).resolve().parent / "syntax" / "data"

requires_models = pytest.mark.skipif(
    not ((MODELS / "tagger.npz").exists() and (MODELS / "parser.npz").exists()),
    reason="the tagger and parser models are not in this tree yet")


class FakeAnnotator:
    """Tags and a tree that depend only on the words: enough to test what is filled and kept."""

    def __init__(self):
        self.tagged: list[list[str]] = []
        self.parsed: list[list[str]] = []

    def tag(self, sentences):
        self.tagged += [list(s) for s in sentences]
        return [(["NOUN" if w[0].isalnum() else "PUNCT" for w in s], ["NN" if w[0].isalnum() else "." for w in s])
                for s in sentences]

    def parse(self, sentences, upos, xpos):
        self.parsed += [list(s) for s in sentences]
        return [([i - 1 for i in range(len(s))], ["root"] + ["dep"] * (len(s) - 1)) for s in sentences]


@pytest.fixture
def fake_models(monkeypatch):
    """`evx annotate` with FakeAnnotator in place of the embedded tagger and parser."""
    monkeypatch.setattr(stage, "EmbeddedAnnotator", FakeAnnotator)


def conllu(text: str, name: str = "t.conllu") -> list:
    return list(read_conllu(io.BytesIO(text.encode("utf-8")), name))


def docs_of(items) -> list[InputDoc]:
    return [i for i in items if isinstance(i, InputDoc)]


def errors_of(items) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def document(item: InputDoc) -> evx.Document:
    return annotate(item.text, item.id, item.date, item.meta, item.tokens)


def row(i, form, lemma="_", upos="_", xpos="_", head="_", deprel="_", misc="_") -> str:
    return "\t".join([str(i), form, lemma, upos, xpos, "_", str(head), deprel, "_", misc]) + "\n"


def check_offsets(doc: evx.Document) -> None:
    for s in doc.sentences:
        for t in s.tokens:
            assert doc.text[t.start:t.end] == t.word


# -- offsets ------------------------------------------------------------------------------------

def test_without_token_range_spaces_follow_space_after_and_the_text_line():
    src = ("# text = Qomi  arrived, today.\n"
           + row(1, "Qomi") + row(2, "arrived", misc="SpaceAfter=No") + row(3, ",")
           + row(4, "today", misc="SpaceAfter=No") + row(5, ".") + "\n"
           + "# text = Next one.\n" + row(1, "Next") + row(2, "one", misc="SpaceAfter=No") + row(3, ".") + "\n")
    [item] = conllu(src)
    assert item.text == "Qomi  arrived, today. Next one."
    doc = document(item)
    check_offsets(doc)
    assert [[t.word for t in s.tokens] for s in doc.sentences] == [
        ["Qomi", "arrived", ",", "today", "."], ["Next", "one", "."]]
    assert doc.text[doc.sentences[0].start:doc.sentences[0].end] == "Qomi  arrived, today."


def test_without_text_lines_each_token_is_followed_by_one_space_unless_space_after_no():
    [item] = conllu(row(1, "Hi", misc="SpaceAfter=No") + row(2, "!") + "\n" + row(1, "Bye") + "\n")
    assert item.text == "Hi! Bye"


def test_token_range_places_tokens_at_their_offsets():
    src = (row(1, "Qomi", misc="TokenRange=3:7") + row(2, "arrived", misc="TokenRange=10:17|SpaceAfter=No")
           + row(3, ".", misc="TokenRange=17:18") + "\n"
           + row(1, "Then", misc="TokenRange=19:23") + "\n")
    [item] = conllu(src)
    assert item.text == "   Qomi   arrived. Then"
    assert [(t["start"], t["end"]) for t in item.tokens] == [(3, 7), (10, 17), (17, 18), (19, 23)]
    check_offsets(document(item))


def test_token_range_cuts_a_given_space_that_is_too_long():
    [item] = conllu(row(1, "a", misc="TokenRange=0:1|SpacesAfter=\\n\\n\\n")
                    + row(2, "b", misc="TokenRange=3:4") + "\n")
    assert item.text == "a\n\nb"


def test_udpipe_space_escapes_rebuild_the_text():
    src = (row(1, "Tabs", misc="SpacesBefore=\\s\\n|SpacesAfter=\\t") + row(2, "and", misc="SpacesAfter=\\r\\n")
           + row(3, "a|b", misc="SpacesAfter=\\s\\s") + row(4, "x\\y", misc="SpacesAfter=\\p\\\\") + "\n")
    [item] = conllu(src)
    assert item.text == " \nTabs\tand\r\na|b  x\\y|\\"
    check_offsets(document(item))


def test_spaces_before_stands_for_the_space_the_token_before_leaves_unsaid():
    [item] = conllu(row(1, "Title") + "\n" + row(1, "Body", misc="SpacesBefore=\\n\\n") + "\n"
                    + row(1, "a", misc="SpacesAfter=\\s") + row(2, "b", misc="SpacesBefore=\\t") + "\n")
    assert item.text == "Title\n\nBody a \tb"


def test_spaces_in_token_gives_the_surface_of_a_token_with_spaces():
    [item] = conllu(row(1, "New York", misc="SpacesInToken=New\\s\\sYork") + row(2, "wins") + "\n")
    assert item.text == "New  York wins"
    assert document(item).sentences[0].tokens[0].word == "New  York"


def test_escapes_round_trip():
    for text in ["", " ", "a b", "\t\n\r|\\", "\\s", "x\u00a0y", "\u2028\x85", "\\u00A0", "é😀"]:
        assert unescape_misc(escape_misc(text)) == text
    assert escape_misc("\u00a0\u2028 \t") == "\\u00A0\\u2028\\s\\t"


def test_other_whitespace_is_read_from_its_code_point_as_ud_english_ewt_writes_it():
    [item] = conllu(row(1, "have", misc="SpacesAfter=\\u00A0") + row(2, "been") + "\n")
    assert item.text == "have\u00a0been"


# -- multiword tokens ---------------------------------------------------------------------------

def mwt(span: str, form: str, misc: str = "_") -> str:
    return "\t".join([span, form] + ["_"] * 7 + [misc]) + "\n"


def test_multiword_token_is_split_among_its_words():
    src = ("# text = I don't know.\n" + row(1, "I", head=4, deprel="nsubj") + mwt("2-3", "don't")
           + row(2, "do", "do", "AUX", "VBP", 4, "aux") + row(3, "n't", "not", "PART", "RB", 4, "advmod")
           + row(4, "know", "know", "VERB", "VB", 0, "root", "SpaceAfter=No") + row(5, ".", head=4, deprel="punct")
           + "\n")
    [item] = conllu(src)
    assert item.text == "I don't know."
    doc = document(item)
    check_offsets(doc)
    assert [t.word for t in doc.sentences[0].tokens] == ["I", "do", "n't", "know", "."]
    assert [t.head for t in doc.sentences[0].tokens] == [3, 3, 3, -1, 3]
    assert doc.sentences[0].tokens[2].lemma == "not"


def test_multiword_split_ignores_case():
    src = mwt("1-2", "DON'T") + row(1, "do") + row(2, "n't") + "\n"
    [item] = conllu(src)
    assert [item.text[t["start"]:t["end"]] for t in item.tokens] == ["DO", "N'T"]


def test_multiword_whose_words_do_not_spell_it_shares_its_surface_from_the_left():
    src = mwt("1-2", "del") + row(1, "de", head=2, deprel="case") + row(2, "el", head=0, deprel="root") + "\n"
    [item] = conllu(src)
    assert [item.text[t["start"]:t["end"]] for t in item.tokens] == ["de", "l"]
    assert [t["dep"] for t in item.tokens] == ["case", "root"]


def test_multiword_shorter_than_its_words_is_one_token_with_its_head_word_fields():
    src = (mwt("1-3", "xy") + row(1, "a", "a", "DET", "DT", 3, "det") + row(2, "b", "b", "ADJ", "JJ", 3, "amod")
           + row(3, "c", "c", "NOUN", "NN", 0, "root") + row(4, "z", "z", "NOUN", "NN", 2, "dep") + "\n")
    [item] = conllu(src)
    doc = document(item)
    check_offsets(doc)
    toks = doc.sentences[0].tokens
    assert [(t.word, t.pos, t.incoming) for t in toks] == [("xy", "NOUN", "root"), ("z", "NOUN", "dep")]
    assert toks[1].head == 0        # its head, word 2, is now part of token 0


def test_multiword_space_after_is_read_from_its_own_line():
    src = mwt("1-2", "can't", "SpaceAfter=No") + row(1, "ca") + row(2, "n't") + row(3, "!") + "\n"
    [item] = conllu(src)
    assert item.text == "can't!"


def test_multiword_without_its_own_range_takes_its_words_ranges():
    src = (mwt("1-2", "don't") + row(1, "do", misc="TokenRange=2:4") + row(2, "n't", misc="TokenRange=4:7")
           + row(3, "go", misc="TokenRange=8:10") + "\n")
    [item] = conllu(src)
    assert item.text == "  don't go"


# -- columns ------------------------------------------------------------------------------------

FULL = ("# newdoc id = d1\n# text = Qomi arrived.\n"
        + row(1, "Qomi", "Qomi", "PROPN", "NNP", 2, "nsubj", "Entity=B-PER|Chunk=B-NP")
        + row(2, "arrived", "arrive", "VERB", "VBD", 0, "root", "SpaceAfter=No|Chunk=B-VP")
        + row(3, ".", ".", "PUNCT", ".", 2, "punct", "Chunk=O") + "\n")


def test_provided_columns_are_kept_as_given():
    [item] = conllu(FULL)
    annotator = FakeAnnotator()
    doc = add_syntax(document(item), ALL, annotator)
    toks = doc.sentences[0].tokens
    assert [(t.word, t.lemma, t.pos, t.tag, t.head, t.incoming, t.chunk) for t in toks] == [
        ("Qomi", "qomi", "PROPN", "NNP", 1, "nsubj", "B-NP"),
        ("arrived", "arrive", "VERB", "VBD", -1, "root", "B-VP"),
        (".", ".", "PUNCT", ".", 1, "punct", "O")]
    assert toks[0].entity == "B-PER"
    assert toks[1].outgoing == ("nsubj", "punct")
    assert annotator.tagged == [] and annotator.parsed == []    # nothing left to fill


def test_empty_columns_are_left_for_the_syntax_stage_which_fills_only_them():
    src = (row(1, "Qomi", upos="PROPN") + row(2, "arrived", xpos="VBD", misc="SpaceAfter=No") + row(3, ".") + "\n"
           + row(1, "Done", "done", "VERB", "VBN", 0, "root", "Chunk=B-VP") + "\n")
    [item] = conllu(src)
    doc = document(item)
    first = doc.sentences[0].tokens
    assert [(t.pos, t.tag, t.incoming, t.chunk) for t in first] == [("PROPN", "", "", ""), ("", "VBD", "", ""),
                                                                     ("", "", "", "")]
    assert first[1].lemma == "arrive"       # no lemma given: evx's own
    annotator = FakeAnnotator()
    filled = add_syntax(doc, ALL, annotator)
    assert annotator.tagged == [["Qomi", "arrived", "."]]
    assert annotator.parsed == [["Qomi", "arrived", "."]]
    toks = filled.sentences[0].tokens
    assert [(t.pos, t.tag) for t in toks] == [("PROPN", "NN"), ("NOUN", "VBD"), ("PUNCT", ".")]
    assert [t.head for t in toks] == [-1, 0, 1] and all(t.chunk for t in toks)
    kept = filled.sentences[1].tokens[0]
    assert (kept.pos, kept.tag, kept.incoming, kept.chunk) == ("VERB", "VBN", "root", "B-VP")


@requires_models
def test_empty_columns_are_filled_by_the_embedded_tagger_and_parser():
    src = (row(1, "The") + row(2, "envoy", upos="NOUN") + row(3, "arrived") + row(4, "in")
           + row(5, "Kabul", misc="SpaceAfter=No") + row(6, ".") + "\n")
    [item] = conllu(src)
    doc = add_syntax(document(item), ALL)
    toks = doc.sentences[0].tokens
    assert all(t.pos and t.tag and t.incoming and t.chunk for t in toks)
    assert toks[1].pos == "NOUN"
    assert sum(t.head == -1 for t in toks) == 1


def test_date_and_document_ids():
    src = (row(1, "Before") + "\n"
           + "# newdoc id = first\n# date = 2024-01-15\n" + row(1, "One") + "\n" + row(1, "Two") + "\n"
           + "# newdoc\n" + row(1, "Three") + "\n"
           + "# newdoc id = last\n" + row(1, "Four") + "\n")
    items = conllu(src, "f.conllu")
    assert [(d.id, d.text, d.date, d.line) for d in items] == [
        ("f.conllu", "Before", None, 1), ("first", "One Two", "2024-01-15", 3), ("f.conllu:9", "Three", None, 9),
        ("last", "Four", None, 12)]
    assert [t["sentence"] for t in items[1].tokens] == [0, 1]


def test_heads_are_document_token_indices():
    src = (row(1, "A", head=0, deprel="root") + "\n"
           + row(1, "B", head=2, deprel="dep") + row(2, "C", head=0, deprel="root") + "\n")
    [item] = conllu(src)
    assert [t.get("head") for t in item.tokens] == [-1, 2, -1]


# -- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, column, message", [
    ("1\tx\t_\n", 1, "expected 10 tab-separated columns, found 3"),
    (row(2, "x"), 1, "word id '2' where 1 was expected"),
    (row(1, "x", head="X"), 13, "head 'X' is not a number"),
    (row(1, "x", head=5), 13, "head 5 is no word (the sentence has 1)"),
    (row(1, "x", head=1), 13, "head 1 is the word itself"),
    (row(1, "x", misc="SpaceAfter=No|TokenRange=4"), 44, "TokenRange '4' is not START:END with START < END"),
    (row(1, "x", misc="SpacesAfter=a\\q"), 32, "SpacesAfter: unknown escape '\\\\q' (known: \\s \\t \\n \\r \\p \\\\ \\uXXXX)"),
    (row(1, "x", misc="SpacesAfter=\\uD800"), 31, "SpacesAfter: '\\\\uD800' is half of a surrogate pair, not a character"),
    (row(1, "xy", misc="TokenRange=0:3"), 31, "TokenRange=0:3 covers 3 characters, but the token 'xy' has 2"),
    (row(1, "x", misc="TokenRange=0:1"), 30, "TokenRange=0:1 starts before the end of the token before it (at 5)"),
    ("1-3\tabc" + "\t_" * 8 + "\n" + row(1, "a"), 1,
     "multiword token 1-3 overlaps another or lies outside the sentence's 1 words"),
    (row(1, "x") + "# late\n", 1, "a comment inside a sentence"),
])
def test_a_bad_sentence_is_located_and_the_others_are_kept(bad, column, message):
    src = row(1, "Good", misc="SpaceAfter=No") + row(2, ".") + "\n" + bad + "\n" + row(1, "Fine") + "\n"
    items = conllu(src, "f.conllu")
    [err] = errors_of(items)
    line = 5 if "# late" in bad else 4
    assert err.format() == f"f.conllu:{line}:{column}: {message}"
    [item] = docs_of(items)
    assert item.text == "Good. Fine"


def test_errors_read_by_read_sentences_raise_with_their_place():
    with pytest.raises(InputError) as caught:
        list(read_sentences(io.StringIO(row(1, "a") + "\n" + row(1, "b", head="?")), "x.conllu"))
    assert caught.value.format() == "x.conllu:3:13: head '?' is not a number"


def test_comments_without_a_sentence_and_a_bad_sentence_keep_their_new_document():
    src = ("# newdoc id = a\n" + row(1, "A") + "\n"
           + "# newdoc id = b\n" + "1\tbroken\n" + "\n" + row(1, "B") + "\n"
           + "# stray\n")
    items = conllu(src, "f.conllu")
    assert [e.format() for e in errors_of(items)] == [
        "f.conllu:5:1: expected 10 tab-separated columns, found 2",
        "f.conllu:9:1: comments without a sentence"]
    assert [(d.id, d.text) for d in docs_of(items)] == [("a", "A"), ("b", "B")]


def test_bytes_that_are_not_utf8_cost_their_sentence_only():
    data = (row(1, "Good") + "\n").encode() + b"1\tb\xffd" + b"\t_" * 8 + b"\n\n" + (row(1, "Fine") + "\n").encode()
    items = list(read_conllu(io.BytesIO(data), "f.conllu"))
    [err] = errors_of(items)
    assert err.format() == "f.conllu:3:4: not UTF-8 text"
    assert [d.text for d in docs_of(items)] == ["Good Fine"]


def test_a_binary_file_is_one_error():
    items = list(read_conllu(io.BytesIO(b"\x00\x01\x02" * 10), "f.conllu"))
    assert [e.format() for e in items] == ["f.conllu: binary file (it contains NUL bytes), skipped"]


def test_read_items_keeps_going_after_each_bad_sentence():
    src = "1\tx\n\n" + row(1, "a") + "\n" + row(3, "b") + "\n" + row(1, "c") + "\n"
    kinds = [type(i).__name__ for i in read_items(io.StringIO(src), "s")]
    assert kinds == ["BadSentence", "TreeSentence", "BadSentence", "TreeSentence"]


# -- treebanks ----------------------------------------------------------------------------------

def check_against_text_lines(path: Path) -> int:
    """Every sentence of the file read as documents spans exactly its `# text`, every token
    its word; returns how many sentences."""
    sentences = read_treebank(path)
    with open(path, "rb") as handle:
        items = list(read_conllu(handle, str(path)))
    assert not errors_of(items)
    k = 0
    for item in items:
        doc = document(item)
        check_offsets(doc)
        for s in doc.sentences:
            assert doc.text[s.start:s.end] == sentences[k].comment("text")
            forms = [w.form for w in sentences[k].words]
            assert [t.word for t in s.tokens] == forms
            k += 1
    assert k == len(sentences)
    return k


def test_ewt_slice_offsets_agree_with_its_text_lines():
    assert check_against_text_lines(SLICE) == 286


@pytest.mark.skipif(not EWT_DEV.exists(), reason="the UD treebanks are not here")
@pytest.mark.parametrize("part, sentences, documents", [("dev", 2001, 318), ("test", 2077, 316)])
def test_ewt_offsets_agree_with_its_text_lines_and_documents(part, sentences, documents):
    path = EWT_DEV.with_name(f"en_ewt-ud-{part}.conllu")      # test has a SpacesAfter=\u00A0
    assert check_against_text_lines(path) == sentences
    with open(path, "rb") as handle:
        assert len(list(read_conllu(handle, part))) == documents      # its `# newdoc id` lines


# -- inputs -------------------------------------------------------------------------------------

def test_conllu_files_and_folders_are_inputs(tmp_path):
    write(tmp_path / "in" / "a.conllu", FULL)
    write(tmp_path / "in" / "b.txt", "Plain text.")
    items = list(read_inputs([str(tmp_path / "in")]))
    assert [(i.id, i.tokens is not None) for i in items] == [("d1", True), (str(tmp_path / "in" / "b.txt"), False)]


def test_standard_input_that_looks_like_conllu_is_read_as_conllu():
    [item] = list(read_stream(io.BytesIO(FULL.encode()), "<stdin>"))
    assert item.id == "d1" and item.text == "Qomi arrived."
    [plain] = list(read_stream(io.BytesIO(b"# A heading\n\nSome text.\n"), "<stdin>"))
    assert plain.tokens is None and plain.text == "# A heading\n\nSome text.\n"
    [digits] = list(read_stream(io.BytesIO(b"1 2 3\n"), "<stdin>"))
    assert digits.tokens is None


# -- writers ------------------------------------------------------------------------------------

ODD_TEXTS = [
    "The envoy Qomi arrived in Islamabad on Sunday.",
    "  Leading spaces.\tThe envoy Qomi arrived in Islamabad.  ",
    "Line one\nThe envoy  Qomi\tarrived in\r\nIslamabad.\n\n\nZoë visited Tehran.\n",
    "Ünïcödé — 🎉 Hassan Qomi\u00a0arrived in São Paulo.\u2028Next\u200bline | with a \\ pipe.",
    "x",
]


def read_back(text: str, name: str = "w.conllu") -> list:
    return list(read_conllu(io.BytesIO(text.encode("utf-8")), name))


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_conllu_written_reads_back_as_the_same_document(text):
    doc = add_syntax(annotate(text, "doc-1", "2024-01-14"), ALL, FakeAnnotator())
    [item] = read_back(conllu_text(doc))
    assert (item.id, item.text, item.date) == ("doc-1", text, "2024-01-14")
    again = document(item)
    assert again.sentences == doc.sentences


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_jsonl_written_reads_back_as_the_same_document(text):
    doc = add_syntax(annotate(text, "doc-1", None, {"source": "test"}), ALL, FakeAnnotator())
    obj = json.loads(json.dumps(document_json(doc)))
    again = annotate(obj["text"], obj["id"], obj["date"], obj["meta"], obj["tokens"])
    assert again == doc and again.meta == {"source": "test"}


def test_conllu_writer_columns():
    doc = add_syntax(annotate("Qomi  arrived.", "d"), ALL, FakeAnnotator())
    lines = conllu_text(doc).splitlines()
    assert lines[:3] == ["# newdoc id = d", "# sent_id = d-1", "# text = Qomi  arrived."]
    assert lines[3].split("\t") == ["1", "Qomi", "qomi", "NOUN", "NN", "_", "0", "root", "_",
                                    "TokenRange=0:4|SpacesAfter=\\s\\s|Chunk=B-NP"]
    assert lines[5].split("\t")[6:] == ["2", "dep", "_", "TokenRange=13:14|Chunk=O"]


def test_conllu_writer_for_tokens_given_with_spaces_and_unparsed():
    text = "New\tYork  gets\nit"
    doc = annotate(text, "d", tokens=[{"start": 0, "end": 8, "entity": "B-LOC"}, {"start": 10, "end": 14},
                                      {"start": 15, "end": 17}])
    out = conllu_text(doc)
    first = out.splitlines()[3].split("\t")
    assert first[1] == "New York" and first[6:8] == ["_", "_"]
    assert first[9] == "TokenRange=0:8|SpacesAfter=\\s\\s|SpacesInToken=New\\tYork|Entity=B-LOC"
    [item] = read_back(out)
    assert item.text == text
    again = document(item).sentences[0].tokens
    assert [(t.start, t.end, t.word, t.entity) for t in again] == [(0, 8, "New\tYork", "B-LOC"), (10, 14, "gets", ""),
                                                                  (15, 17, "it", "")]
    assert again[0].lemma == "new york"         # a tab cannot be written in LEMMA


def test_a_document_without_tokens_writes_no_conllu():
    assert conllu_text(annotate("  \n ", "empty")) == ""


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,'\n\t\r \u00a0\u2028|\\é😀-")), max_size=40))
def test_any_text_survives_the_conllu_round_trip(text):
    doc = annotate(text, "p")
    out = conllu_text(doc)
    items = read_back(out)
    if not doc.token_count:
        assert items == []
        return
    [item] = items
    assert item.text == text
    again = document(item)
    assert [[(t.start, t.end, t.word, t.lemma) for t in s.tokens] for s in again.sentences] == \
        [[(t.start, t.end, t.word, t.lemma) for t in s.tokens] for s in doc.sentences]


# -- evx annotate -------------------------------------------------------------------------------

def records(*args) -> list[dict]:
    """The records of `evx match ARGS`."""
    result = run("match", *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def sample_records() -> tuple[dict, ...]:
    """Not cached: the bundled rules read tags and trees, so what they find depends on the
    models a test puts in place (fake_models or the embedded ones)."""
    return tuple(records(SAMPLE))


@pytest.mark.parametrize("fmt, suffix", [("conllu", ".conllu"), ("jsonl", ".jsonl")])
def test_annotate_then_match_gives_the_records_of_match(tmp_path, fake_models, fmt, suffix):
    out = tmp_path / f"sample{suffix}"
    result = run("annotate", SAMPLE, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.stderr
    expected = list(sample_records())
    assert expected and records(out) == expected


@pytest.mark.parametrize("fmt, suffix", [("conllu", ".conllu"), ("jsonl", ".jsonl")])
def test_annotate_round_trip_with_odd_whitespace(tmp_path, fake_models, fmt, suffix):
    inputs = [write(tmp_path / "in" / f"odd{k}.txt", text) for k, text in enumerate(ODD_TEXTS)]
    result = run("annotate", *inputs, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    out = write(tmp_path / f"all{suffix}", result.stdout)
    expected = records(*inputs)
    assert len(expected) >= 4 and records(out) == expected
    texts = [item.text for item in read_inputs([str(out)])]
    assert texts == ODD_TEXTS


@requires_models
def test_annotate_with_the_embedded_models_round_trips(tmp_path):
    out = tmp_path / "sample.conllu"
    assert run("annotate", SAMPLE, "-o", out).exit_code == 0
    assert records(out) == list(sample_records())
    for item in read_inputs([str(out)]):
        assert all(t.get("pos") and t.get("tag") and t.get("dep") and t.get("chunk") for t in item.tokens)


def test_annotate_keeps_provided_columns_and_fills_the_rest(tmp_path, fake_models):
    src = write(tmp_path / "in.conllu", "# newdoc id = d\n" + row(1, "Qomi", upos="PROPN")
                + row(2, "left", "leave", misc="SpaceAfter=No") + row(3, ".") + "\n")
    result = run("annotate", src)
    assert result.exit_code == 0, result.stderr
    cols = [line.split("\t") for line in result.stdout.splitlines() if line[:1].isdigit()]
    assert [c[1:5] for c in cols] == [["Qomi", "qomi", "PROPN", "NN"], ["left", "leave", "NOUN", "NN"],
                                     [".", ".", "PUNCT", "."]]
    assert [c[6:8] for c in cols] == [["0", "root"], ["1", "dep"], ["2", "dep"]]


def test_annotate_reports_bad_documents_and_writes_the_others(tmp_path, fake_models):
    good = write(tmp_path / "good.txt", "The envoy arrived.")
    lines = write(tmp_path / "docs.jsonl", '{"id": "a", "text": "One."}\nnot json\n'
                  '{"id": "b", "text": "ab", "tokens": [{"start": 0, "end": 5}]}\n{"id": "c", "text": "Two."}\n')
    bad_conllu = write(tmp_path / "bad.conllu", row(1, "x", head=7) + "\n" + row(1, "Kept") + "\n")
    result = run("annotate", good, lines, bad_conllu, "--format", "jsonl")
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        str(good), "a", "c", str(bad_conllu)]
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"evx: {lines}:2: malformed JSON")
    assert errors[1].startswith(f"evx: {lines}:3: bad tokens: token 0: offsets 0..5 out of range")
    assert errors[2] == f"evx: {bad_conllu}:1:13: head 7 is no word (the sentence has 1)"
    assert errors[-1] == "evx: 3 input error(s)"
    assert run("annotate", good, lines, "--on-error", "skip", "-o", tmp_path / "o.conllu").exit_code == 0


def test_annotate_refuses_to_write_over_an_input_or_into_a_folder(tmp_path):
    src = write(tmp_path / "a.conllu", FULL)
    result = run("annotate", src, "-o", src)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    result = run("annotate", src, "-o", tmp_path)
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_annotate_ends_with_one_line_when_the_models_cannot_load(tmp_path, monkeypatch):
    class Broken:
        def tag(self, sentences):
            raise ModelError("tagger.npz: not a readable model file (truncated)")
    monkeypatch.setattr(stage, "EmbeddedAnnotator", Broken)
    src = write(tmp_path / "a.txt", "Some text.")
    out = tmp_path / "out.conllu"
    result = run("annotate", src, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == "evx: cannot annotate: tagger.npz: not a readable model file (truncated)\n"
    assert not out.exists()


def test_annotate_needs_no_model_when_the_input_gives_everything(tmp_path, monkeypatch):
    class Unused:
        def tag(self, sentences):
            raise AssertionError("nothing to tag")
        parse = tag
    monkeypatch.setattr(stage, "EmbeddedAnnotator", Unused)
    src = write(tmp_path / "a.conllu", FULL)
    result = run("annotate", src)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == FULL.replace("# text", "# sent_id = d1-1\n# text").replace(
        "Entity=B-PER|Chunk=B-NP", "TokenRange=0:4|Chunk=B-NP|Entity=B-PER").replace(
        "SpaceAfter=No|Chunk=B-VP", "TokenRange=5:12|SpaceAfter=No|Chunk=B-VP").replace(
        "\tChunk=O", "\tTokenRange=12:13|Chunk=O").replace("\tQomi\tQomi\t", "\tQomi\tqomi\t")


def test_annotate_reads_conllu_from_standard_input(fake_models):
    result = run("annotate", SAMPLE)
    assert result.exit_code == 0, result.stderr
    matched = run("match", "-", input=result.stdout)
    assert matched.exit_code == 0, matched.stderr
    assert [json.loads(line) for line in matched.stdout.splitlines()] == list(sample_records())


def test_annotating_a_treebank_keeps_its_columns_and_is_a_fixed_point(tmp_path):
    """The EWT slice gives tags and trees, so no model is needed: only chunks are added."""
    first = tmp_path / "once.conllu"
    result = run("annotate", SLICE, "-o", first)
    assert result.exit_code == 0, result.stderr
    given = read_treebank(SLICE)
    written = read_treebank(first)
    assert [s.comment("text") for s in written] == [s.comment("text") for s in given]
    for old, new in zip(given, written):
        assert [(w.form, w.upos, w.xpos, w.head, w.deprel) for w in new.words] == \
            [(w.form, w.upos, w.xpos, w.head, w.deprel) for w in old.words]
        assert all("Chunk=" in w.misc and "TokenRange=" in w.misc for w in new.words)
    second = tmp_path / "twice.conllu"
    assert run("annotate", first, "-o", second).exit_code == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
