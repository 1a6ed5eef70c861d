"""The linguistic layer as a stage: what a rule set asks for, what is filled and what is kept,
and chunks read off trees. The models themselves are tested in test_tagger and test_parser."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import evx
from evx.syntax.chunks import _depth, _depths, chunk_tags
from evx.syntax.stage import ALL, NONE, Layers, add_syntax, add_syntax_many, layers_for
from evx.syntax.treebank import read_treebank

from conftest import load, provided


class FakeAnnotator:
    """Tags every word NOUN/NN and hangs every word on the first; counts what it was asked."""

    def __init__(self):
        self.tagged = []
        self.parsed = []
        self.calls = []

    def tag(self, sentences):
        self.calls.append("tag")
        self.tagged.extend(list(s) for s in sentences)
        return [(["NOUN"] * len(s), ["NN"] * len(s)) for s in sentences]

    def parse(self, sentences, upos, xpos):
        self.calls.append("parse")
        self.parsed.extend(list(zip(sentences, upos, xpos)))
        return [([-1] + [0] * (len(s) - 1), ["root"] + ["dep"] * (len(s) - 1)) for s in sentences]


@pytest.mark.parametrize("fields, tree, expected", [
    (set(), False, NONE),
    ({"word", "lemma", "mention", "shape", "entity"}, False, NONE),
    ({"tag"}, False, Layers(tags=True)),
    ({"pos", "lower"}, False, Layers(tags=True)),
    ({"chunk"}, False, ALL),
    ({"incoming"}, False, ALL),
    ({"outgoing"}, False, ALL),
    ({"head"}, False, ALL),
    (set(), True, ALL),
])
def test_layers_follow_the_fields_tested(fields, tree, expected):
    assert layers_for(fields, tree) == expected


RULES = """
rules:
  - name: r
    label: THING
    pattern: '{pattern}'
"""


@pytest.mark.parametrize("pattern, expected", [
    ("[lemma=visit]", NONE),
    ("[lower=the] [shape=Xxxxx]", NONE),
    ("[tag=NN]", Layers(tags=True)),
    ("[lemma=visit & !pos=NOUN]", Layers(tags=True)),
    ("(?<= [pos=DET]) [lower=dog]", Layers(tags=True)),
    ("[chunk=B-NP] [chunk=I-NP]*", ALL),
    ("[outgoing=nsubj]", ALL),
    ("[lower=x] (?! [incoming=/^obj/])", ALL),
])
def test_a_rule_set_asks_for_what_its_patterns_test(tmp_path, pattern, expected):
    rules = load(tmp_path, RULES.format(pattern=pattern))
    assert rules.layers == expected


def test_contexts_count_as_well(tmp_path):
    rules = load(tmp_path, """
        contexts:
          modality:
            default: actual
            cases:
              - value: other
                before: '[pos=AUX]'
        rules:
          - name: r
            label: VISIT
            pattern: '(?<trigger> [lemma=visit])'
    """)
    assert rules.layers == Layers(tags=True)


def test_the_bundled_rules_read_tags_and_trees():
    assert evx.load_rules().layers == Layers(tags=True, tree=True)


def test_a_lexicon_rule_reads_only_its_field(tmp_path):
    rules = load(tmp_path, """
        rules:
          - name: places
            label: Place
            type: lexicon
            phrases: [Paris]
    """)
    assert rules.fields == {"lower"}
    assert rules.layers == NONE


def test_nothing_asked_nothing_done():
    doc = evx.annotate("Troops attacked the town.")
    fake = FakeAnnotator()
    assert add_syntax(doc, NONE, fake) is doc
    assert fake.tagged == [] and fake.parsed == []


def test_tags_only_never_parse():
    doc = evx.annotate("Troops attacked the town. They left.")
    fake = FakeAnnotator()
    out = add_syntax(doc, Layers(tags=True), fake)
    assert fake.parsed == [] and len(fake.tagged) == 2
    assert all(t.pos == "NOUN" and t.tag == "NN" and t.incoming == "" and t.chunk == ""
               for s in out.sentences for t in s.tokens)


def test_trees_fill_heads_relations_outgoing_and_chunks():
    doc = evx.annotate("Troops attacked the town.")
    out = add_syntax(doc, ALL, FakeAnnotator())
    tokens = out.sentences[0].tokens
    assert [t.head for t in tokens] == [-1, 0, 0, 0, 0]
    assert [t.incoming for t in tokens] == ["root"] + ["dep"] * 4
    assert tokens[0].outgoing == ("dep",) * 4 and tokens[1].outgoing == ()
    assert all(t.chunk for t in tokens)
    # everything else is as before
    assert [(t.start, t.end, t.word, t.lemma) for t in tokens] == \
        [(t.start, t.end, t.word, t.lemma) for t in doc.sentences[0].tokens]
    assert out.text == doc.text and out.id == doc.id


def test_provided_fields_are_kept_and_only_empty_ones_filled():
    doc = provided("Troops attacked the town", tag=["NNS", None, "DT", None], pos=[None, "VERB", None, None])
    fake = FakeAnnotator()
    tokens = add_syntax(doc, Layers(tags=True), fake).sentences[0].tokens
    assert [t.tag for t in tokens] == ["NNS", "NN", "DT", "NN"]
    assert [t.pos for t in tokens] == ["NOUN", "VERB", "NOUN", "NOUN"]


def _first_sentence_parsed():
    """Two sentences given as tokens: the first with its tags and tree, the second bare."""
    return provided("Troops attacked it . They left .",
                    sentence=[0, 0, 0, 0, 1, 1, 1],
                    head=[1, -1, 1, 1, None, None, None], dep=["nsubj", "root", "obj", "punct", None, None, None],
                    tag=["NNS", "VBD", "PRP", ".", "PRP", "VBD", "."],
                    pos=["NOUN", "VERB", "PRON", "PUNCT", "PRON", "VERB", "PUNCT"])


def test_a_sentence_with_a_given_tree_is_not_parsed_again():
    doc = _first_sentence_parsed()
    fake = FakeAnnotator()
    out = add_syntax(doc, ALL, fake)
    assert fake.tagged == [] and [words for words, _, _ in fake.parsed] == [["They", "left", "."]]
    first = out.sentences[0].tokens
    assert [t.incoming for t in first] == ["nsubj", "root", "obj", "punct"]
    assert [t.head for t in first] == [1, -1, 1, 1]
    assert [t.chunk for t in first] == ["B-NP", "B-VP", "B-NP", "O"]


def test_the_tagger_gets_the_provided_tags_it_keeps():
    doc = provided("Troops attacked", tag=["NNS", "VBD"], pos=["NOUN", "VERB"])
    fake = FakeAnnotator()
    add_syntax(doc, ALL, fake)
    assert fake.parsed == [(["Troops", "attacked"], ["NOUN", "VERB"], ["NNS", "VBD"])]


MANY = ["Troops attacked the town. They left.", "", "Rain fell on Kabul.", "Talks resumed in Doha on Monday."]


def test_documents_filled_together_are_those_filled_one_by_one_in_two_calls():
    docs = [evx.annotate(text, f"d{i}") for i, text in enumerate(MANY)]
    fake = FakeAnnotator()
    together = add_syntax_many(docs, ALL, fake)
    assert fake.calls == ["tag", "parse"] and len(fake.tagged) == 4
    assert together == [add_syntax(doc, ALL, FakeAnnotator()) for doc in docs]
    assert together[1] is docs[1]       # no sentences: nothing to do


def test_the_embedded_models_give_a_batch_what_they_give_each_document():
    docs = [evx.annotate(text, f"d{i}") for i, text in enumerate(MANY)]
    assert add_syntax_many(docs, ALL) == [add_syntax(doc, ALL) for doc in docs]
    assert add_syntax_many(docs, Layers(tags=True)) == [add_syntax(doc, Layers(tags=True)) for doc in docs]


def test_tags_do_not_depend_on_the_passes_a_long_batch_is_cut_into(monkeypatch):
    from evx.syntax import tagger
    from evx.syntax.stage import _tagger
    sentences = [s.forms for s in read_treebank(Path(__file__).parent / "data" / "ewt-dev-slice.conllu")][:40]
    whole = _tagger().tag(sentences)
    monkeypatch.setattr(tagger, "_BLOCK_WORDS", 7)
    assert len(tagger._blocks(sentences)) > 10
    assert _tagger().tag(sentences) == whole


def test_a_batch_keeps_what_each_document_provides():
    given = _first_sentence_parsed()
    plain = evx.annotate("Rain fell.")
    fake = FakeAnnotator()
    out = add_syntax_many([given, plain], ALL, fake)
    assert fake.tagged == [["Rain", "fell", "."]]
    assert [words for words, _, _ in fake.parsed] == [["They", "left", "."], ["Rain", "fell", "."]]
    assert [t.incoming for t in out[0].sentences[0].tokens] == ["nsubj", "root", "obj", "punct"]
    assert out == [add_syntax(given, ALL, FakeAnnotator()), add_syntax(plain, ALL, FakeAnnotator())]


def in_fresh_interpreter(tmp_path, rules: str, checks: str) -> None:
    """Load `rules` (a rule file's text) in a new Python process, then run `checks` there,
    where `rules` names the rule set and `stage` the syntax stage's module."""
    path = tmp_path / "rules.yml"
    path.write_text(rules, encoding="utf-8")
    code = ("import sys, evx\n"
            "from evx.syntax import stage\n"
            f"rules = evx.load_rules({str(path)!r})\n" + checks)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_rules_on_words_never_load_a_model(tmp_path):
    """No tagger or parser module is even imported, nor numpy."""
    in_fresh_interpreter(
        tmp_path, "rules:\n  - {name: v, label: VISIT, pattern: '[lower=president] (?<trigger> [lemma=visit])'}\n",
        "records = rules.extract('The president visited Paris on Monday.')\n"
        "assert records, records\n"
        "assert stage.models_loaded() == (False, False)\n"
        "assert 'evx.syntax.tagger' not in sys.modules and 'evx.syntax.parser' not in sys.modules\n"
        "assert 'numpy' not in sys.modules\n")


# Chunks, on trees written by hand (UPOS, head, relation) ---------------------------------

def _chunks(rows):
    upos = [r[1] for r in rows]
    heads = [r[2] for r in rows]
    rels = [r[3] for r in rows]
    return [f"{r[0]}/{c}" for r, c in zip(rows, chunk_tags(upos, heads, rels))]


def test_a_noun_phrase_takes_its_determiner_modifiers_and_compounds():
    rows = [("the", "DET", 3, "det"), ("new", "ADJ", 3, "amod"), ("U.N.", "PROPN", 3, "compound"),
            ("envoy", "NOUN", 4, "nsubj"), ("arrived", "VERB", -1, "root")]
    assert _chunks(rows) == ["the/B-NP", "new/I-NP", "U.N./I-NP", "envoy/I-NP", "arrived/B-VP"]


def test_a_verb_phrase_takes_auxiliaries_negation_and_adverbs_between():
    rows = [("He", "PRON", 4, "nsubj"), ("has", "AUX", 4, "aux"), ("not", "PART", 4, "advmod"),
            ("yet", "ADV", 4, "advmod"), ("arrived", "VERB", -1, "root")]
    assert _chunks(rows) == ["He/B-NP", "has/B-VP", "not/I-VP", "yet/I-VP", "arrived/I-VP"]


def test_prepositions_particles_subordinators_and_punctuation():
    rows = [("They", "PRON", 1, "nsubj"), ("gave", "VERB", -1, "root"), ("up", "ADP", 1, "compound:prt"),
            ("because", "SCONJ", 5, "mark"), ("troops", "NOUN", 5, "nsubj"), ("came", "VERB", 1, "advcl"),
            ("from", "ADP", 8, "case"), ("the", "DET", 8, "det"), ("north", "NOUN", 5, "obl"),
            (".", "PUNCT", 1, "punct")]
    assert _chunks(rows) == ["They/B-NP", "gave/B-VP", "up/B-PRT", "because/B-SBAR", "troops/B-NP",
                             "came/B-VP", "from/B-PP", "the/B-NP", "north/I-NP", "./O"]


def test_adjacent_noun_phrases_each_begin():
    rows = [("gave", "VERB", -1, "root"), ("Mary", "PROPN", 0, "iobj"), ("the", "DET", 3, "det"),
            ("book", "NOUN", 0, "obj")]
    assert _chunks(rows) == ["gave/B-VP", "Mary/B-NP", "the/B-NP", "book/I-NP"]


def test_a_copula_is_a_verb_phrase_and_its_adjective_an_adjp():
    rows = [("It", "PRON", 3, "nsubj"), ("was", "AUX", 3, "cop"), ("very", "ADV", 3, "advmod"),
            ("quiet", "ADJ", -1, "root")]
    assert _chunks(rows) == ["It/B-NP", "was/B-VP", "very/B-ADJP", "quiet/I-ADJP"]


def test_names_with_titles_are_one_noun_phrase():
    rows = [("President", "PROPN", 1, "nmod:desc"), ("Joe", "PROPN", 3, "nsubj"),
            ("Biden", "PROPN", 1, "flat"), ("spoke", "VERB", -1, "root")]
    assert _chunks(rows) == ["President/B-NP", "Joe/I-NP", "Biden/I-NP", "spoke/B-VP"]


def test_chunks_of_every_sentence_of_a_treebank_are_well_formed():
    """Every tag is O or B-X/I-X, and I-X only follows B-X or I-X of the same X."""
    for sentence in read_treebank(Path(__file__).parent / "data" / "ewt-dev-slice.conllu"):
        rows = sentence.words
        tags = chunk_tags([r.upos for r in rows], sentence.heads, [r.deprel for r in rows])
        assert len(tags) == len(rows)
        for i, tag in enumerate(tags):
            assert tag == "O" or tag[:2] in ("B-", "I-"), tag
            if tag.startswith("I-"):
                assert i > 0 and tags[i - 1][2:] == tag[2:], (sentence.comment("text"), tags)


def test_rules_that_test_tags_load_the_tagger_and_never_the_parser(tmp_path):
    """The tagger loads, the parser module is never imported."""
    in_fresh_interpreter(
        tmp_path, "rules:\n  - name: r\n    label: ACT\n    pattern: '[pos=VERB & lemma=visit]'\n",
        "records = rules.extract('The president will visit Paris.', mentions=True)\n"
        "assert [r.to_dict()['text'] for r in records] == ['visit'], records\n"
        "assert stage.models_loaded() == (True, False)\n"
        "assert 'evx.syntax.parser' not in sys.modules\n")


def test_rules_that_test_trees_load_both_models_the_parser_beside_the_tagger(tmp_path):
    """Both load before the first tagging; the parser's thread is gone by then."""
    in_fresh_interpreter(
        tmp_path, "rules:\n  - name: r\n    label: ACT\n    pattern: '[pos=VERB & incoming=root]'\n",
        "import threading\n"
        "records = rules.extract('The president will visit Paris.', mentions=True)\n"
        "assert [r.to_dict()['text'] for r in records] == ['visit'], records\n"
        "assert stage.models_loaded() == (True, True)\n"
        "assert [t.name for t in threading.enumerate()] == ['MainThread']\n")


def test_tokens_given_with_their_tags_and_trees_load_no_model(tmp_path):
    tokens = [{"start": 0, "end": 2, "tag": "PRP", "pos": "PRON", "head": 1, "dep": "nsubj"},
              {"start": 3, "end": 10, "tag": "VBD", "pos": "VERB", "head": -1, "dep": "root"},
              {"start": 11, "end": 16, "tag": "NNP", "pos": "PROPN", "head": 1, "dep": "obj"}]
    in_fresh_interpreter(
        tmp_path, "rules:\n  - name: r\n    label: ACT\n    pattern: '[pos=VERB & incoming=root]'\n",
        f"doc = evx.annotate('He visited Paris', tokens={tokens!r})\n"
        "assert [r.to_dict()['text'] for r in rules.extract(doc, mentions=True)] == ['visited']\n"
        "assert stage.models_loaded() == (False, False)\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-2, 14), max_size=14))
def test_token_depths_walked_once_equal_the_depths_counted_one_by_one(heads):
    assert _depths(heads) == [_depth(i, heads) for i in range(len(heads))]


def test_token_depths_with_a_cycle_are_counted_one_by_one():
    heads = [1, 2, 0, -1, 3]
    assert _depths(heads) == [_depth(i, heads) for i in range(len(heads))] == [5, 5, 5, 0, 1]


# -- title-case headlines ------------------------------------------------------------------------

def test_a_title_case_headline_reaches_the_models_with_its_ordinary_words_in_lower_case():
    from evx.syntax.model_words import is_title_case, model_words
    headline = "Pakistan Denies Role in Border Clash as India Vows Response".split()
    assert is_title_case(headline)
    assert model_words(headline) == "Pakistan denies role in border clash as India vows response".split()
    # names the lemmatizer knows as written stay capitalised, and so do acronyms
    assert model_words("Turkey Sends NATO Troops to Border Villages".split())[:3] == ["Turkey", "sends", "NATO"]


def test_running_text_full_of_names_is_no_headline():
    from evx.syntax.model_words import is_title_case, model_words
    sentence = "Secretary of State John Kerry and Foreign Minister Sergei Lavrov met in Geneva".split()
    assert not is_title_case(sentence)
    assert model_words(sentence) == sentence
    assert not is_title_case("Kerry Visits Kyiv".split())       # too short to tell


def test_a_headline_is_tagged_as_running_text_but_keeps_its_words():
    text = "Pakistan Denies Role in Border Clash as India Vows Response"
    tokens = add_syntax(evx.annotate(text), ALL).sentences[0].tokens
    assert " ".join(t.word for t in tokens) == text
    assert [t.tag for t in tokens][:3] == ["NNP", "VBZ", "NN"] and tokens[8].pos == "VERB"


# -- honorifics without their period ---------------------------------------------------------------

def test_an_honorific_without_its_period_reaches_the_models_with_it_before_a_name_only():
    from evx.syntax.model_words import model_words
    assert model_words("Mr Wang met Mrs Gandhi and Dr Singh".split()) == "Mr. Wang met Mrs. Gandhi and Dr. Singh".split()
    assert model_words("said Mr .".split()) == "said Mr .".split()
    assert model_words("the Ms degree".split()) == "the Ms degree".split()


def test_a_name_after_an_honorific_without_its_period_is_tagged_a_name_and_keeps_its_words():
    tokens = add_syntax(evx.annotate("Mr Wang will call on President Hussain."), ALL).sentences[0].tokens
    assert [t.word for t in tokens[:2]] == ["Mr", "Wang"]
    assert [t.tag for t in tokens[:2]] == ["NNP", "NNP"]


# -- function words written as acronyms --------------------------------------------------------------

def test_a_function_word_written_as_an_acronym_in_running_text_reaches_the_models_as_one():
    from evx.syntax.model_words import ACRONYM_STAND_IN, model_words
    assert model_words("IS militants attacked the town".split()) == [ACRONYM_STAND_IN] + "militants attacked the town".split()
    assert model_words("WHO officials arrived".split())[0] == ACRONYM_STAND_IN
    shouted = "THIS IS THE END".split()
    assert model_words(shouted) == shouted


def test_islamic_state_as_is_is_parsed_as_the_subject_and_keeps_its_word():
    tokens = add_syntax(evx.annotate("IS militants attacked the town on Monday."), ALL).sentences[0].tokens
    assert tokens[0].word == "IS" and tokens[0].pos == "PROPN"
    assert tokens[2].incoming == "root" and tokens[1].incoming == "nsubj"
