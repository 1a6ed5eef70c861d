"""spaCy both ways: Docs in (`from_spacy`, `--annotator spacy:PIPELINE`) and evx as a
pipeline component (`nlp.add_pipe("evx")`). Only blank pipelines and annotations set by
hand: nothing here downloads a model."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from click.testing import CliRunner  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

import evx  # noqa: E402
from evx.errors import AnnotatorError, DocumentError  # noqa: E402
from evx.io import spacy as spacy_io  # noqa: E402
from evx.io.spacy import from_spacy  # noqa: E402
from evx.run import batch  # noqa: E402
from evx.syntax import stage  # noqa: E402
from evx.tools.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "corpus" / "sample" / "envoy.txt").read_text(encoding="utf-8")
MODELS = Path(stage.__file__).parent / "data"
needs_models = pytest.mark.skipif(
    not ((MODELS / "tagger.npz").exists() and (MODELS / "parser.npz").exists()),
    reason="evx's tagger and parser models are not built yet")

RULES = """\
taxonomy:
  - Entity: [Person, Location, Glued]
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Hassan Qomi, Asif Durrani]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad, Kabul, Tehran]
  - name: glued
    label: Glued
    pattern: '[word=/ /]'
  - name: visit
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person) (?<trigger> [lemma=arrive]) in? (?<destination> @Location)
"""
TEXT = "Hassan Qomi arrived in Islamabad on Sunday. Later, Asif Durrani arrived in Kabul."


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        return CliRunner()                      # click >= 8.2 keeps stderr apart


def run(*args, input=None):
    return runner().invoke(main, [str(a) for a in args], input=input)


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def without_doc(found: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "doc"} for r in found]


def words(document: evx.Document) -> list[str]:
    return [t.word for s in document.sentences for t in s.tokens]


def spans_of(record: dict) -> list[dict]:
    """The record and every span in it: trigger and arguments."""
    found = [record] + ([record["trigger"]] if "trigger" in record else [])
    for spans in record.get("arguments", {}).values():
        found += spans
    return found


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def blank_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipelines") / "blank"
    spacy.blank("en").to_disk(path)
    return path


@pytest.fixture(scope="module")
def rules_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "visit.yml"
    path.write_text(RULES, encoding="utf-8")
    return path


# -- from_spacy: tokens and offsets -------------------------------------------------------------

PIECES = ["Qomi", "arrived", "in", "Kabul", "U.S.", "Zoë", "e\u0301", "🎉", "42", ".", ",", "!", "'s", "-",
          " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\u2028", "\u200b", "\u3000", " \u200b "]


PLAIN = spacy.blank("en")
SPLITTING = spacy.blank("en")
SPLITTING.add_pipe("sentencizer")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.booleans())
def test_every_token_is_its_text_and_no_token_is_whitespace(pieces, sentencizer):
    text = "".join(pieces)
    sdoc = (SPLITTING if sentencizer else PLAIN)(text)
    document = from_spacy(sdoc)
    assert document.text == text
    tokens = [t for s in document.sentences for t in s.tokens]
    assert all(text[t.start:t.end] == t.word and t.word.strip(" \t\n\r\u00a0\u2028\u200b\u3000") for t in tokens)
    # exactly spaCy's tokens, less those of whitespace only
    assert [(t.start, t.end) for t in tokens] == [
        (t.idx, t.idx + len(t.text)) for t in sdoc if not spacy_io._BLANK_RE.fullmatch(t.text)]
    for s in document.sentences:
        assert s.tokens and (s.start, s.end) == (s.tokens[0].start, s.tokens[-1].end)
        assert [t.index for t in s.tokens] == list(range(len(s.tokens)))


def test_runs_of_spaces_leave_no_token_and_offsets_stay_exact(nlp):
    text = "  Hassan  Qomi\tarrived\u00a0in \u200b Islamabad.\r\n\r\n Then  he left.  "
    document = from_spacy(nlp(text))
    assert words(document) == ["Hassan", "Qomi", "arrived", "in", "Islamabad", ".", "Then", "he", "left", "."]
    assert [(t.start, t.end) for t in document.sentences[0].tokens][:2] == [(2, 8), (10, 14)]
    assert document.text == text


def test_id_date_and_meta_are_the_callers(nlp):
    document = evx.from_spacy(nlp("Qomi arrived."), "d7", "2024-01-14", {"source": "wire"})
    assert (document.id, document.date, document.meta) == ("d7", "2024-01-14", {"source": "wire"})


def test_what_is_not_a_doc_is_refused():
    with pytest.raises(TypeError, match="spacy.tokens.Doc"):
        from_spacy("Qomi arrived.")


def test_an_empty_doc_has_no_sentences(nlp):
    assert from_spacy(nlp("")).sentences == ()
    assert from_spacy(nlp("   \n\n  ")).sentences == ()


# -- from_spacy: annotations kept, and only those the Doc has -----------------------------------

def _parsed(nlp) -> Doc:
    return Doc(nlp.vocab, words=["Hassan", "Qomi", "arrived", "in", "Islamabad", "."],
               spaces=[True, True, True, True, False, False],
               tags=["NNP", "NNP", "VBD", "IN", "NNP", "."], pos=["PROPN", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
               lemmas=["Hassan", "Qomi", "Arrive", "in", "Islamabad", "."],
               heads=[1, 2, 2, 4, 2, 2], deps=["compound", "nsubj", "ROOT", "case", "obl", "punct"],
               ents=["B-PERSON", "I-PERSON", "O", "O", "B-GPE", "O"])


def test_attributes_set_by_hand_are_kept(nlp):
    tokens = from_spacy(_parsed(nlp)).sentences[0].tokens
    assert [t.tag for t in tokens] == ["NNP", "NNP", "VBD", "IN", "NNP", "."]
    assert [t.pos for t in tokens] == ["PROPN", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"]
    assert [t.lemma for t in tokens] == ["hassan", "qomi", "arrive", "in", "islamabad", "."]   # lower-cased
    assert [t.entity for t in tokens] == ["B-PERSON", "I-PERSON", "", "", "B-GPE", ""]
    assert [t.head for t in tokens] == [1, 2, -1, 4, 2, 2]
    assert [t.incoming for t in tokens] == ["compound", "nsubj", "root", "case", "obl", "punct"]   # ROOT -> root
    assert tokens[2].outgoing == ("nsubj", "obl", "punct") and tokens[0].outgoing == ()


def test_what_the_doc_lacks_stays_empty(nlp):
    tokens = from_spacy(nlp("Hassan Qomi arrived in Islamabad.")).sentences[0].tokens
    assert all(t.tag == t.pos == t.entity == t.incoming == t.chunk == "" and t.head == -1 and t.outgoing == ()
               for t in tokens)
    assert tokens[2].lemma == "arrive"                  # evx's own lemma where spaCy gives none
    assert [t.shape for t in tokens][:2] == ["Xxxxx", "Xxxx"]     # evx's shapes, not spaCy's


def test_rules_read_the_spacy_fields(rules_from, nlp):
    rules = rules_from("""
        rules:
          - name: subj
            label: Hit
            pattern: '(?<who> [incoming=nsubj & tag=NNP]) (?<trigger> [incoming=root & outgoing=obl])'
          - name: gpe
            label: Place
            pattern: '[entity=B-GPE]'
    """)
    found = [r.to_dict() for r in rules.extract(from_spacy(_parsed(nlp)), mentions=True)]
    assert [(r["type"], r["text"]) for r in found] == [("Hit", "Qomi arrived"), ("Place", "Islamabad")]


def test_an_entity_keeps_its_begin_across_skipped_whitespace(nlp):
    doc = Doc(nlp.vocab, words=["New", "\n", "York", "fell"], spaces=[False, False, True, False],
              ents=["B-GPE", "I-GPE", "I-GPE", "O"])
    assert [t.entity for t in from_spacy(doc).sentences[0].tokens] == ["B-GPE", "I-GPE", ""]


def test_an_arc_through_a_whitespace_token_goes_to_its_head(nlp):
    doc = Doc(nlp.vocab, words=["Qomi", "\n", "arrived", "."], spaces=[False] * 4,
              heads=[1, 2, 2, 2], deps=["nsubj", "dep", "ROOT", "punct"])
    tokens = from_spacy(doc).sentences[0].tokens
    assert [(t.word, t.head, t.incoming) for t in tokens] == [("Qomi", 1, "nsubj"), ("arrived", -1, "root"),
                                                             (".", 1, "punct")]


# -- sentences ----------------------------------------------------------------------------------

def test_sentences_come_from_the_doc_when_it_has_them():
    nlp = SPLITTING
    text = "Qomi arrived in the U.S. Officials met him. then  he left!"
    document = from_spacy(nlp(text))
    # the sentencizer ends one after "him." (evx's splitter wants a capital next) and none after "U.S."
    assert [[t.word for t in s.tokens] for s in document.sentences] == [
        ["Qomi", "arrived", "in", "the", "U.S.", "Officials", "met", "him", "."], ["then", "he", "left", "!"]]
    assert len(evx.annotate(text).sentences) == 1
    assert [s.index for s in document.sentences] == [0, 1]


def test_without_boundaries_evx_splits_the_doc_tokens(nlp):
    text = "Qomi arrived in the U.S. Officials met him.\n\nThen he left!"
    ours, theirs = evx.annotate(text), from_spacy(nlp(text))
    assert [(s.start, s.end) for s in theirs.sentences] == [(s.start, s.end) for s in ours.sentences]
    assert len(theirs.sentences) == 2


def test_the_parse_gives_the_sentences(nlp):
    doc = Doc(nlp.vocab, words=["Qomi", "arrived", ".", "He", "left", "."],
              heads=[1, 1, 1, 4, 4, 4], deps=["nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"])
    document = from_spacy(doc)
    assert [[t.head for t in s.tokens] for s in document.sentences] == [[1, -1, 1], [1, -1, 1]]


def test_an_arc_across_sentences_is_an_error_naming_both_tokens(nlp):
    doc = Doc(nlp.vocab, words=["Qomi", "arrived", ".", "He", "left", "."],
              heads=[1, 1, 1, 4, 4, 4], deps=["nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"])
    doc.user_hooks["sents"] = lambda d: iter([d[0:4], d[4:6]])
    with pytest.raises(DocumentError) as caught:
        from_spacy(doc)
    message = caught.value.message
    assert "crosses a sentence boundary" in message and "'He'" in message and "'left'" in message


def test_sentences_that_overlap_or_leave_a_token_out_are_errors(nlp):
    doc = nlp("Qomi arrived in Kabul.")
    doc.user_hooks["sents"] = lambda d: iter([d[0:3], d[2:5]])
    with pytest.raises(DocumentError, match="'in' .* in two sentences"):
        from_spacy(doc)
    doc.user_hooks["sents"] = lambda d: iter([d[0:2]])
    with pytest.raises(DocumentError, match="'in' .* in no sentence"):
        from_spacy(doc)


# -- the syntax stage fills what the Doc lacks --------------------------------------------------

class CountingAnnotator:
    """Tags every word X/XX and hangs every word on the first; counts what it was asked for."""

    def __init__(self):
        self.tagged = self.parsed = 0

    def tag(self, sentences):
        self.tagged += len(sentences)
        return [(["X"] * len(s), ["XX"] * len(s)) for s in sentences]

    def parse(self, sentences, upos, xpos):
        self.parsed += len(sentences)
        return [([-1] + [0] * (len(s) - 1), ["root"] + ["dep"] * (len(s) - 1)) for s in sentences]


def test_a_parsed_doc_without_tags_is_tagged_and_not_parsed_again(nlp):
    doc = Doc(nlp.vocab, words=["Qomi", "arrived", "."], heads=[1, 1, 1], deps=["nsubj", "ROOT", "punct"])
    annotator = CountingAnnotator()
    tokens = stage.add_syntax(from_spacy(doc), stage.ALL, annotator).sentences[0].tokens
    assert (annotator.tagged, annotator.parsed) == (1, 0)
    assert [(t.pos, t.tag, t.incoming) for t in tokens] == [("X", "XX", "nsubj"), ("X", "XX", "root"),
                                                            ("X", "XX", "punct")]
    assert all(t.chunk for t in tokens)


def test_a_tagged_doc_without_a_tree_keeps_its_tags_and_is_parsed(nlp):
    doc = Doc(nlp.vocab, words=["Qomi", "arrived", "."], tags=["NNP", "VBD", "."], pos=["PROPN", "VERB", "PUNCT"])
    annotator = CountingAnnotator()
    tokens = stage.add_syntax(from_spacy(doc), stage.ALL, annotator).sentences[0].tokens
    assert (annotator.tagged, annotator.parsed) == (0, 1)
    assert [(t.tag, t.incoming) for t in tokens] == [("NNP", "root"), ("VBD", "dep"), (".", "dep")]


@needs_models
def test_empty_attributes_are_filled_by_evx_models(rules_from, nlp):
    rules = rules_from("""
        rules:
          - name: subj
            label: Hit
            pattern: '[incoming=nsubj] [tag=/^VB/]'
    """)
    filled = rules.prepare(from_spacy(nlp("Hassan Qomi arrived in Islamabad on Sunday.")))
    tokens = filled.sentences[0].tokens
    assert all(t.tag and t.pos and t.incoming and t.chunk for t in tokens)
    assert sum(t.head == -1 for t in tokens) == 1
    kept = rules.prepare(from_spacy(Doc(nlp.vocab, words=["Qomi", "arrived", "."], tags=["ZZ", "ZZ", "ZZ"],
                                        pos=["X", "X", "X"])))
    assert [t.tag for t in kept.sentences[0].tokens] == ["ZZ", "ZZ", "ZZ"]
    assert all(t.incoming for t in kept.sentences[0].tokens)


# -- the pipeline component ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def news_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("evx")             # the bundled rules by default
    return nlp


def test_the_component_gives_what_evx_match_gives(news_nlp):
    doc = news_nlp(SAMPLE)
    result = run("match", "-", input=SAMPLE)
    assert result.exit_code == 0, result.stderr
    expected = records(result.stdout)
    assert len(expected) >= 3 and {r["type"] for r in expected} >= {"VISIT", "DENIAL"}
    assert without_doc(doc._.evx) == without_doc(expected)
    spans = doc.spans["evx"]
    assert [(s.start_char, s.end_char, s.label_, s.text) for s in spans] == [
        (r["start"], r["end"], r["type"], r["text"]) for r in expected]


def test_where_the_tokenizers_differ_every_record_is_still_its_text(news_nlp):
    text = ("Foreign Minister Maria Lindqvist arrived in Nairobi on Sunday for a two-day visit.\n\n"
            "Ms. Lindqvist held talks with Kenyan officials on trade and regional security.")
    assert words(evx.annotate(text)) != words(from_spacy(spacy.blank("en")(text)))    # "two-day"
    doc = news_nlp(text)
    assert doc._.evx
    for record in doc._.evx:
        for span in spans_of(record):
            assert text[span["start"]:span["end"]] == span["text"]
    assert [(s.start_char, s.end_char) for s in doc.spans["evx"]] == [(r["start"], r["end"]) for r in doc._.evx]


def test_a_doc_the_component_did_not_see_has_no_records(news_nlp):
    assert news_nlp.make_doc("Qomi arrived.")._.evx is None


def test_component_config_mentions_and_spans_key(rules_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("evx", config={"rules": str(rules_path), "mentions": True, "spans_key": "events"})
    doc = nlp(TEXT)
    assert [(r["type"], r["text"]) for r in doc._.evx] == [
        ("Person", "Hassan Qomi"), ("VISIT", "Hassan Qomi arrived in Islamabad"), ("Location", "Islamabad"),
        ("Person", "Asif Durrani"), ("VISIT", "Asif Durrani arrived in Kabul"), ("Location", "Kabul")]
    assert [s.label_ for s in doc.spans["events"]] == [r["type"] for r in doc._.evx] and "evx" not in doc.spans


def test_bad_rules_fail_when_the_component_is_made(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("rules:\n  - name: r\n    label: X\n    pattern: 'a ]'\n", encoding="utf-8")
    with pytest.raises(evx.RuleErrors, match="bad.yml:4"):
        spacy.blank("en").add_pipe("evx", config={"rules": str(bad)})


def test_a_saved_pipeline_with_the_component_loads_with_its_config(tmp_path, rules_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("evx", config={"rules": str(rules_path), "mentions": True})
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert again.pipe_names == ["sentencizer", "evx"]
    assert again.get_pipe_config("evx") == nlp.get_pipe_config("evx")
    assert again.get_pipe_config("evx")["rules"] == str(rules_path)
    assert again(TEXT)._.evx == nlp(TEXT)._.evx


def test_the_component_survives_pickling(rules_path):
    nlp = spacy.blank("en")
    component = nlp.add_pipe("evx", config={"rules": str(rules_path)})
    copy = pickle.loads(pickle.dumps(component))
    assert (copy.rules_path, copy.mentions, copy.spans_key) == (str(rules_path), False, "evx")
    assert copy(nlp.make_doc(TEXT))._.evx == component(nlp.make_doc(TEXT))._.evx


def test_the_factory_is_found_without_importing_evx(tmp_path, rules_path):
    if "evx" not in {ep.name for ep in metadata.entry_points(group="spacy_factories")}:
        pytest.skip("evx is importable but not installed: its entry points are not registered")
    script = textwrap.dedent(f"""
        import json, sys, spacy
        nlp = spacy.blank("en")
        nlp.add_pipe("evx", config={{"rules": {str(rules_path)!r}}})
        nlp.to_disk({str(tmp_path / "pipe")!r})
        again = spacy.load({str(tmp_path / "pipe")!r})
        print(json.dumps([nlp({TEXT!r})._.evx, again({TEXT!r})._.evx]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout)
    assert first == second and [r["text"] for r in first] == ["Hassan Qomi arrived in Islamabad",
                                                              "Asif Durrani arrived in Kabul"]


# -- the command line: --annotator spacy:PIPELINE -----------------------------------------------

def test_match_with_a_saved_blank_pipeline_gives_what_evx_gives(tmp_path, rules_path, blank_path):
    text = tmp_path / "news.txt"
    text.write_text(TEXT + "\n\nHassan  Qomi arrived\tin  Tehran.", encoding="utf-8")
    ours = run("match", "-r", rules_path, text)
    theirs = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", text)
    assert ours.exit_code == theirs.exit_code == 0, theirs.stderr
    assert len(records(ours.stdout)) == 3 and theirs.stdout == ours.stdout


# spaCy splits "Kabul-based" at the hyphen, evx does not: only spaCy's tokens give a Location there
HYPHENED = "Hassan Qomi arrived in Kabul-based offices."


def test_the_pipelines_tokens_are_the_ones_matched(tmp_path, rules_path, blank_path):
    text = tmp_path / "hyphen.txt"
    text.write_text(HYPHENED, encoding="utf-8")
    ours = run("match", "-r", rules_path, text)
    theirs = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", text)
    assert ours.exit_code == theirs.exit_code == 0, theirs.stderr
    assert records(ours.stdout) == []
    assert [r["arguments"]["destination"][0]["text"] for r in records(theirs.stdout)] == ["Kabul"]


def test_match_with_a_pipeline_and_two_jobs_keeps_order(tmp_path, rules_path, blank_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{HYPHENED[:-1]} on day {i}."}) + "\n"
                            for i in range(30)), encoding="utf-8")
    one = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", docs)
    two = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", "--jobs", "2", docs)
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert [r["doc"] for r in records(one.stdout)] == [f"d{i}" for i in range(30)]
    assert two.stdout == one.stdout


def test_documents_with_their_own_tokens_keep_them(tmp_path, rules_path, blank_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "t", "text": "Hassan Qomi arrived.",
                                "tokens": [{"start": 0, "end": 11}, {"start": 12, "end": 19},
                                           {"start": 19, "end": 20}]}) + "\n"
                    + json.dumps({"id": "s", "text": "Hassan Qomi arrived."}) + "\n", encoding="utf-8")
    result = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", "--mentions", docs)
    assert result.exit_code == 0, result.stderr
    found = [(r["doc"], r["type"], r["text"]) for r in records(result.stdout)]
    # one token holding a space exists only where the given tokens were kept
    assert ("t", "Glued", "Hassan Qomi") in found and ("s", "Person", "Hassan Qomi") in found
    assert not any(doc == "s" and kind == "Glued" for doc, kind, _ in found)


def test_explain_and_eval_take_the_annotator(tmp_path, rules_path, blank_path):
    for annotator, events in (("evx", 0), (f"spacy:{blank_path}", 1)):
        shown = run("explain", "-r", rules_path, "--annotator", annotator, HYPHENED)
        assert shown.exit_code == 0, shown.stderr
        assert f"\nevents: {events}\n" in shown.stdout
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g", "text": HYPHENED, "events": [
        {"type": "VISIT", "trigger": {"start": 12, "end": 19, "text": "arrived"}, "arguments": {}}]}) + "\n",
        encoding="utf-8")
    ours = run("eval", "-r", rules_path, "--json", gold)
    theirs = run("eval", "-r", rules_path, "--json", "--annotator", f"spacy:{blank_path}", gold)
    assert ours.exit_code == theirs.exit_code == 0, theirs.stderr
    assert json.loads(ours.stdout)["events"]["ALL"]["recall"] == 0
    assert json.loads(theirs.stdout)["events"]["ALL"]["recall"] == 1


def test_bench_and_diff_take_the_annotator(tmp_path, rules_path, blank_path):
    text = tmp_path / "hyphen.txt"
    text.write_text(HYPHENED, encoding="utf-8")
    for annotator, found in (("evx", 0), (f"spacy:{blank_path}", 1)):
        bench = run("bench", "-r", rules_path, "--annotator", annotator, "--json", text)
        assert bench.exit_code == 0, bench.stderr
        assert json.loads(bench.stdout)["records"] == found
    # the same rule set twice changes nothing, but each run has the pipeline's tokens to match
    diff = run("diff", "-r", rules_path, "-r", rules_path, "--annotator", f"spacy:{blank_path}", "--json", text)
    assert diff.exit_code == 0, diff.stderr
    compared = json.loads(diff.stdout)
    assert compared["old"]["events"] == compared["new"]["events"] == 1 and compared["changes"] == []


@pytest.mark.parametrize("command", ["match", "explain"])
def test_no_such_pipeline_is_one_line(tmp_path, rules_path, command):
    missing = tmp_path / "no-such-pipeline"
    result = run(command, "-r", rules_path, "--annotator", f"spacy:{missing}", input="Qomi arrived.")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"evx: no spaCy pipeline '{missing}': neither an installed pipeline "
                                          "package nor a folder saved with nlp.to_disk"]


def test_a_folder_that_is_no_pipeline_is_one_line(tmp_path, rules_path):
    result = run("match", "-r", rules_path, "--annotator", f"spacy:{tmp_path}", input="Qomi arrived.")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and f"'{tmp_path}' is not a spaCy pipeline" in result.stderr


@pytest.mark.parametrize("value", ["spacy", "spacy:", "stanza:en", ""])
def test_an_annotator_that_is_neither_evx_nor_spacy_is_a_usage_error(rules_path, value):
    result = run("match", "-r", rules_path, "--annotator", value, input="Qomi arrived.")
    assert result.exit_code == 2 and "'evx' or 'spacy:PIPELINE'" in result.stderr


def test_without_spacy_the_annotator_says_how_to_install_it(rules_path, blank_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)      # import spacy now raises ImportError
    spacy_io.pipeline.cache_clear()
    try:
        result = run("match", "-r", rules_path, "--annotator", f"spacy:{blank_path}", input="Qomi arrived.")
    finally:
        spacy_io.pipeline.cache_clear()
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"evx: --annotator spacy:{blank_path} needs spaCy, which is not installed: pip install 'evx-events[spacy]'"]


@Language.component("evx_test_fails_on_boom")
def _fails_on_boom(doc):
    if "boom" in doc.text:
        raise ValueError("cannot take a boom")
    return doc


def test_a_pipeline_failing_on_one_document_costs_only_that_document(tmp_path, rules_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("evx_test_fails_on_boom")
    nlp.to_disk(tmp_path / "fragile")
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in [
        ("a", "Hassan Qomi arrived in Kabul."), ("b", "A boom."), ("c", "Asif Durrani arrived in Tehran.")]),
        encoding="utf-8")
    result = run("match", "-r", rules_path, "--annotator", f"spacy:{tmp_path / 'fragile'}", docs)
    assert result.exit_code == 1
    assert [r["doc"] for r in records(result.stdout)] == ["a", "c"]
    assert f"{docs}:2: the spaCy pipeline '{tmp_path / 'fragile'}' failed: ValueError: cannot take a boom" \
        in result.stderr


def test_an_arc_across_sentences_from_a_pipeline_is_that_documents_error(monkeypatch):
    doc = Doc(spacy.blank("en").vocab, words=["Qomi", "arrived", ".", "He", "left", "."],
              heads=[1, 1, 1, 4, 4, 4], deps=["nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"])
    doc.user_hooks["sents"] = lambda d: iter([d[0:4], d[4:6]])
    monkeypatch.setattr(spacy_io, "pipeline", lambda name: (lambda text: doc))
    with pytest.raises(AnnotatorError, match="spaCy pipeline 'odd': the spaCy parse crosses a sentence boundary"):
        spacy_io.annotate_with_pipeline("odd", "Qomi arrived. He left.")


def test_batch_options_refuse_a_malformed_annotator():
    with pytest.raises(ValueError, match="'spacy' is not an annotator"):
        batch.Options(("rules.yml",), annotator="spacy")
    assert batch.Options(("rules.yml",), annotator="spacy:en_core_web_sm").annotator == "spacy:en_core_web_sm"
