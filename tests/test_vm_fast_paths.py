"""What the VM keeps per sentence to go faster gives what it would give made from scratch."""
from __future__ import annotations

import pickle

import pytest

from evx.pattern.compiler import compile_pattern
from evx.pattern.matches import Match
from evx.pattern.parser import parse
from evx.pattern.program import LOOK
from evx.pattern.vm import SentenceState, find_matches
from evx.rulefile.taxonomy import Taxonomy
from evx.text.document import Sentence, Token

TAXONOMY = Taxonomy({"Entity": None, "Person": "Entity", "Place": "Entity"})


def sentence(words: str) -> Sentence:
    tokens, at = [], 0
    for i, word in enumerate(words.split()):
        tokens.append(Token(i, at, at + len(word), word, word.lower(), word.lower(), "x" * len(word), ""))
        at += len(word) + 1
    return Sentence(0, 0, max(at - 1, 0), tuple(tokens))


def mention(label: str, start: int, end: int) -> Match:
    return Match((label,), 0, start, end, f"{label}-{start}-{end}")


def test_labels_per_token_grow_with_each_step_of_mentions():
    state = SentenceState(sentence("a b c d e"), [mention("Person", 0, 2)])
    assert state.cover == [{"Person"}, {"Person"}, set(), set(), set()]
    assert state.covered(frozenset({"Person"})) == [0, 1]
    assert state.starting(frozenset({"Person"})) == [0]
    state.add([mention("Place", 1, 4), mention("Person", 0, 3)])
    assert state.cover == [{"Person"}, {"Person", "Place"}, {"Person", "Place"}, {"Place"}, set()]
    # what was kept for the earlier mentions is asked again
    assert state.covered(frozenset({"Person"})) == [0, 1, 2]
    assert state.starting(frozenset({"Place"})) == [1]
    # the longest mention at a start comes first, whichever step added it
    assert [m.end for m in state.by_start[0]] == [3, 2]


def test_regex_positions_are_shared_by_rules_with_the_same_regex():
    state = SentenceState(sentence("Alpha beta Gamma"))
    first = compile_pattern(parse("[word=/^[A-Z]/]"), TAXONOMY)
    second = compile_pattern(parse("[word=/^[A-Z]/] [lower=beta]?"), TAXONOMY)
    assert [m[:2] for m in find_matches(first, state)] == [(0, 1), (2, 3)]
    assert [m[:2] for m in find_matches(second, state)] == [(0, 2), (2, 3)]
    rx = first.prefilter.start.patterns[0][1]
    assert state.matching("word", rx) == [0, 2]


def test_a_used_program_with_lookarounds_pickles_and_runs_again():
    program = compile_pattern(parse("(?<! a) b (?= c d?) (?! e)"), TAXONOMY)
    state = SentenceState(sentence("a b c b c d"))
    before = list(find_matches(program, state))
    assert [ins for ins in program.plain if ins[0] == LOOK]     # the lookarounds' closures now exist
    again = pickle.loads(pickle.dumps(program))
    assert list(find_matches(again, SentenceState(sentence("a b c b c d")))) == before == [(3, 4, None)]


def test_a_lexicon_looks_only_where_a_phrase_begins_and_finds_what_a_full_scan_finds():
    from evx.pattern.lexicon import build_lexicon
    from evx.rulefile.matchers import LexiconMatcher
    lexicon = build_lexicon(["new york", "york", "new york city", "city hall", "hall"], str.split)
    state = SentenceState(sentence("in new york city hall and york new"))
    found = [(start, end) for start, end, _ in LexiconMatcher(lexicon).find(state)]
    assert found == list(lexicon.find(state.tokens)) == [(1, 4), (4, 5), (6, 7)]


# -- fast paths against the reference matcher ---------------------------------------------------

FAST_PATH_CASES = [
    # `&` and `|` of set tests become one closure; negated tests, three operands, one field twice
    ("[lower=a & tag=NN]", "a a b A", "NN DT NN NN", ()),
    ("[lower in (a, b) & !tag=DT & word=/^(a|A)$/]", "a a b A", "NN DT NN NN", ()),
    ("[lower=a | lower=b | tag=VB]", "a c b c", "DT DT NN VB", ()),
    ("[lower!=a | tag!=NN]", "a a b", "NN DT NN", ()),
    ("[!(lower=a & tag=NN) & lower in (a, b)]", "a a b", "NN DT NN", ()),
    ("[lower=a & mention=Person]", "a a b", None, (("Person", 1, 2),)),
    # what a match opens with, past splits, captures and lookarounds
    ("(x:[lower=a] | [lower=b]) [lower=c]", "a c b c c", None, ()),
    ("(?<= [lower=a]) ([lower=b] | @Person)", "a b a c b", None, (("Person", 3, 5),)),
    ("(?<! [lower=a]) (?= [] [lower=c]) [lower in (b, c)]+", "b c a b c", None, ()),
    ("(^ | [lower=c]) [lower=a]? [lower=b]", "a b c b b", None, ()),
    ("([lower=a] | []??)* [lower=b]", "a a b", None, ()),
    # a program that opens with `^` starts only at the first token (through captures,
    # alternations and lookarounds before it), also with a literal anchor further on
    ("^ [lower=a] [lower=b]", "a b a b", None, ()),
    ("(?<x> ^ [lower=a]) | ^ [lower=b]", "b a b", None, ()),
    ("(?= [lower=a]) ^ []* [lower=c]", "a b c c", None, ()),
    ("(?= [lower=a]) ^ []* [lower=c]", "b a c", None, ()),
    ("^ []{0,2} [lower=zzz]", "a b zzz", None, ()),
    ("^ []{0,2} [lower=zzz]", "a b c zzz", None, ()),
    ("^ @Person [lower=b]", "a b b", None, (("Person", 0, 1),)),
    ("^ @Person [lower=b]", "a b b", None, (("Person", 1, 2),)),
    # the tests of the tokens after an anchor: a set, then a regex; a repetition or an optional
    # token after the anchor ends them; an anchor too near the end has no room for them
    ("[lower=the]? [lower=kill] [lower in (in, to)] [word=/^[A-Z]/]+", "they kill in Rome and the kill to rome", None, ()),
    ("[lower=kill] [lower=in]+ [lower=x]", "kill in in x kill in y kill x", None, ()),
    ("[lower=kill] [lower=in]? [lower=x]", "kill x kill in x kill in", None, ()),
    ("[lower=kill] [lower=in] [lower=x]", "a kill in x b kill in", None, ()),
    ("[lower=kill] [lower=in] [lower=/^x/] [lower=c]", "kill in xy c kill in yx c", None, ()),
]


@pytest.mark.parametrize("pattern, words, tags, spans", FAST_PATH_CASES)
def test_fast_paths_find_what_the_reference_finds(pattern, words, tags, spans):
    from reference import find_all
    taxonomy = Taxonomy({"Entity": None, "Person": "Entity", "Place": "Entity"})
    words_ = words.split()
    tags_ = tags.split() if tags else [""] * len(words_)
    tokens, at = [], 0
    for i, (word, tag) in enumerate(zip(words_, tags_)):
        tokens.append(Token(i, at, at + len(word), word, word.lower(), word.lower(), "x" * len(word), tag))
        at += len(word) + 1
    sent = Sentence(0, 0, max(at - 1, 0), tuple(tokens))
    mentions = [Match((label,), 0, start, end, f"m{i}") for i, (label, start, end) in enumerate(spans)]
    program = compile_pattern(parse(pattern), taxonomy)
    found = [(start, end) for start, end, _ in find_matches(program, SentenceState(sent, mentions))]
    expected = [(f.start, f.end) for f in find_all(parse(pattern), sent.tokens, mentions,
                                                     {"Entity": None, "Person": "Entity", "Place": "Entity"})]
    assert found == expected


@pytest.mark.parametrize("pattern, opens", [
    ("^ a", True), ("(?<x> ^ a) b", True), ("^ a | ^ b", True), ("(?<= a) ^ b", True),
    ("^ a | b", False), ("a ^ b", False), ("(^ | a) b", False), ("a? ^ b", False), ("$", False),
])
def test_what_opens_with_a_sentence_start(pattern, opens):
    from evx.pattern.prefilter import opens_at_start
    assert opens_at_start(parse(pattern)) is opens
    assert compile_pattern(parse(pattern), TAXONOMY).prefilter.at_start is opens


def test_negated_and_mixed_tests_in_one_constraint_find_what_the_reference_finds():
    for pattern, spans in [("[!lower=a & !mention=Person & lower in (a, b, c)]", (("Person", 2, 3),)),
                           ("[mention!=Person | lower=a]", (("Person", 0, 2),)),
                           ("[!(lower=b | tag=NN) & mention=/^Pl/]", (("Place", 1, 4),)),
                           ("[lower=c | !mention=Place & tag=DT]", (("Place", 0, 1),))]:
        test_fast_paths_find_what_the_reference_finds(pattern, "a b c a b", "DT NN DT NN VB", spans)
