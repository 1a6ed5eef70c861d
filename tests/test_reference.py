"""The VM against the reference matcher (tests/reference.py), which reads the AST directly.

Random small patterns are built as ASTs, printed as pattern text and parsed by evx's parser,
so the whole way from text to matches is tested; sentences of 1-8 tokens (the empty sentence
has a test of its own) from a vocabulary of four words and three tags, with mentions of a small
taxonomy. Each pattern runs through the VM three ways (with the prefilter, without it, and from
the rule index's candidates) and through a whole rule set loaded from YAML, and every way must
give the reference's matches, spans and captures alike. The reference itself is checked first,
on cases whose answers the documentation gives.

In any loop, an optional pass that consumes nothing ends the loop (as in Perl, Python, Go and
RE2); `test_empty_loop_iteration` holds the four peer-conformance cases and two more, and
`test_vm_leaves_loops_as_the_reference_does` aims the property at loops whose body can match
nothing.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import evx
from evx.pattern import nodes as n
from evx.pattern.compiler import compile_pattern
from evx.pattern.matches import Match
from evx.pattern.parser import parse
from evx.pattern.prefilter import Prefilter, RuleIndex
from evx.pattern.vm import SentenceState, captures, find_matches
from evx.rulefile.taxonomy import Taxonomy
from evx.text.document import Document, Sentence, Token

from reference import BudgetExceeded, find_all

PARENTS = {"Entity": None, "Person": "Entity", "Place": "Entity", "Hit": None}
TAXONOMY = Taxonomy(PARENTS)
LEMMA = {"a": "a", "A": "a", "b": "b", "c": "b"}
WORDS = tuple(LEMMA)
TAGS = ("DT", "NN", "VB")

# EVX_REFERENCE_SCALE=N runs every property N times as many examples, for a longer hunt
SCALE = max(int(os.environ.get("EVX_REFERENCE_SCALE", "1") or 1), 1)


def examples(count: int) -> int:
    return count * SCALE


PROPERTY = settings(max_examples=examples(250), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


# -- sentences and mentions -----------------------------------------------------------------------

def make_sentence(words, tags=None) -> Sentence:
    """One sentence of the given words (and tags), with lower, lemma and shape filled in."""
    tags = tags or [""] * len(words)
    tokens, pos = [], 0
    for i, (word, tag) in enumerate(zip(words, tags)):
        shape = "".join("X" if ch.isupper() else "x" for ch in word)
        tokens.append(Token(i, pos, pos + len(word), word, word.lower(), LEMMA.get(word, word.lower()), shape, tag))
        pos += len(word) + 1
    return Sentence(0, 0, max(pos - 1, 0), tuple(tokens))


def make_mentions(spans) -> list[Match]:
    """Mentions from (label, start, end), each its own rule so that every one can be told apart."""
    return [Match((label,), 0, start, end, f"m{i}") for i, (label, start, end) in enumerate(spans)]


def mention_key(m) -> tuple | None:
    return None if m is None else (m.labels[0], m.start, m.end, m.rule)


def ref_matches(pattern: n.Pattern, sentence: Sentence, mentions) -> list[tuple]:
    return [(f.start, f.end, tuple((name, tuple((a.start, a.end, mention_key(a.mention)) for a in args))
                                   for name, args in f.arguments))
            for f in find_all(pattern, sentence.tokens, mentions, PARENTS)]


def normal(start: int, end: int, arguments) -> tuple:
    return (start, end, tuple(sorted((name, tuple((a.start, a.end, mention_key(a.match)) for a in args))
                                     for name, args in arguments.items())))


def vm_matches(program, sentence: Sentence, mentions, anchors=None) -> list[tuple]:
    state = SentenceState(sentence, mentions)
    return [normal(start, end, captures(events)) for start, end, events in find_matches(program, state, anchors)]


def vm_ways(source: str, sentence: Sentence, mentions) -> dict[str, list[tuple]]:
    """The VM's matches with the prefilter, without it, and from the rule index's candidates."""
    program = compile_pattern(parse(source), TAXONOMY)
    bare = dataclasses.replace(program, prefilter=Prefilter())
    candidates = RuleIndex(["p"], lambda rule: program.prefilter).candidates(SentenceState(sentence, mentions))
    indexed = [m for _, anchors in candidates for m in vm_matches(program, sentence, mentions, anchors)]
    return {"prefilter": vm_matches(program, sentence, mentions),
            "no prefilter": vm_matches(bare, sentence, mentions),
            "rule index": indexed}


def words_of(sentence: Sentence, start: int, end: int) -> str:
    return " ".join(t.word for t in sentence.tokens[start:end])


# -- printing an AST as pattern text --------------------------------------------------------------

def _parsed_value(constraint_text: str):
    """The value of a one-test constraint as evx parses it, or None where the syntax is unknown."""
    try:
        found = parse(f"[{constraint_text}]")
    except evx.EvxError:
        return None
    return getattr(getattr(found, "constraint", None), "value", None)


# syntax that is on its way: used in the generators once the parser knows it
HAS_SETS = all(hasattr(_parsed_value(text), "values") for text in ("lower in (a, b)", "mention in (Person)"))
HAS_IGNORE_CASE = getattr(_parsed_value("lower=/a/i"), "ignore_case", False) is True


def value_text(value) -> str:
    if isinstance(value, n.Literal):
        text = value.text
        if text and not any(ch in text for ch in " \t\n[]()|&!=?*+{}@^$#\"/,\\"):
            return text
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, n.Regex):
        flags = "i" if getattr(value, "ignore_case", False) else ""
        return "/" + value.source.replace("/", "\\/") + "/" + flags
    raise TypeError(f"not a literal or a regex: {value!r}")


def constraint_text(c: n.Constraint) -> str:
    """Parenthesised wherever the parser would otherwise build a different tree."""
    if isinstance(c, n.AnyToken):
        return ""
    if isinstance(c, n.FieldTest):
        if not isinstance(c.value, (n.Literal, n.Regex)):
            return n.constraint_source(c)       # a set of values: as evx writes it
        return f"{c.field}{'!=' if c.negated else '='}{value_text(c.value)}"
    if isinstance(c, n.Not):
        inner = constraint_text(c.operand)
        return "!" + (f"({inner})" if isinstance(c.operand, (n.And, n.Or)) else inner)
    joiner = " & " if isinstance(c, n.And) else " | "
    nested = (n.And, n.Or) if isinstance(c, n.And) else (n.Or,)
    return joiner.join(f"({constraint_text(op)})" if isinstance(op, nested) else constraint_text(op)
                       for op in c.operands)


def quantifier_text(node: n.Repeat) -> str:
    low, high = node.min, node.max
    if (low, high) == (0, 1):
        text = "?"
    elif (low, high) == (0, None):
        text = "*"
    elif (low, high) == (1, None):
        text = "+"
    elif low == high:
        text = f"{{{low}}}"
    else:
        text = f"{{{low},{'' if high is None else high}}}"
    return text + ("" if node.greedy else "?")


def pattern_text(node: n.Pattern) -> str:
    """The pattern as text that evx's parser turns back into the same AST."""
    if isinstance(node, n.TokenPattern):
        return f"[{constraint_text(node.constraint)}]"
    if isinstance(node, n.Sequence):
        return " ".join(map(_grouped, node.items)) if node.items else "()"
    if isinstance(node, n.Alternation):
        return " | ".join(f"({pattern_text(option)})" if isinstance(option, n.Alternation) else pattern_text(option)
                          for option in node.options)
    if isinstance(node, n.Repeat):
        body = _grouped(node.body) if not isinstance(node.body, n.Repeat) else f"({pattern_text(node.body)})"
        return body + quantifier_text(node)
    if isinstance(node, n.Capture):
        return f"(?<{node.name}> {pattern_text(node.body)})"
    if isinstance(node, n.MentionRef):
        return f"@{node.name}:{node.label}" if node.name else f"@{node.label}"
    if isinstance(node, n.Lookaround):
        opener = ("(?<" if node.behind else "(?") + ("!" if node.negated else "=")
        return f"{opener} {pattern_text(node.body)})"
    return "$" if node.end else "^"


def _grouped(item: n.Pattern) -> str:
    text = pattern_text(item)
    if isinstance(item, n.Alternation) or (isinstance(item, n.Sequence) and item.items):
        return f"({text})"
    return text


# -- the known bug: an optional pass of an unbounded loop that consumes nothing ----------------------

# (pattern, words, tags, the matches as their words)
EMPTY_LOOP_CASES = [
    ("( | a)*", "a a a", None, []),
    ("( | a)* a?", "a a", None, ["a", "a"]),
    ("[lower=the] ([tag=JJ]? | [tag=NN])*", "the big dog barked", "DT JJ NN VBD", ["the big"]),
    ("(^ | a b)*", "a b a b a", None, ["a b"]),
]


def _vm_words(pattern: str, words: str, tags: str | None) -> list[str]:
    sentence = make_sentence(words.split(), tags.split() if tags else None)
    program = compile_pattern(parse(pattern), TAXONOMY)
    return [words_of(sentence, start, end) for start, end, _ in find_matches(program, SentenceState(sentence))]


# two more, where the empty pass comes after a pass that consumed (Python's re agrees with each):
# compiling `x*` as `(x+)?` alone leaves these wrong in a VM that never revisits a state
MORE_EMPTY_LOOP_CASES = [
    ("([lower=a] | []??)*", "a b", None, ["a"]),
    ("([]??)* [lower=a]", "b a a", None, ["b a", "a"]),
]


@pytest.mark.parametrize("pattern, words, tags, expected", EMPTY_LOOP_CASES + MORE_EMPTY_LOOP_CASES)
def test_empty_loop_iteration(pattern, words, tags, expected):
    assert _vm_words(pattern, words, tags) == expected


@pytest.mark.parametrize("pattern, words, tags, expected", EMPTY_LOOP_CASES + MORE_EMPTY_LOOP_CASES)
def test_reference_leaves_a_loop_after_an_empty_pass(pattern, words, tags, expected):
    assert oracle(pattern, words, tags=tags) == expected


# -- the oracle itself, on cases whose answers the documentation gives ------------------------------

def oracle(pattern: str, words: str, tags: str | None = None, spans=(), with_captures: bool = False):
    """The reference's matches of `pattern` in one sentence, as their words; with
    `with_captures`, pairs of those and {name: [words (label if a mention)]}."""
    sentence = make_sentence(words.split(), tags.split() if tags else None)
    out = []
    for found in find_all(parse(pattern), sentence.tokens, make_mentions(spans), PARENTS):
        text = words_of(sentence, found.start, found.end)
        if not with_captures:
            out.append(text)
            continue
        args = {name: [words_of(sentence, a.start, a.end) + (f" ({a.mention.labels[0]})" if a.mention else "")
                       for a in spans_] for name, spans_ in found.arguments}
        out.append((text, args))
    return out


ORACLE_CASES = [
    # fields, values and the constraint operators
    ("[word=A]", "a A b", {}, ["A"]),
    ("[lower=a]", "a A b", {}, ["a", "A"]),
    ("[lemma=b]", "a b c", {}, ["b", "c"]),
    ("[tag=NN]", "a b c", {"tags": "DT NN NN"}, ["b", "c"]),
    ("[lower!=a]", "a A b c", {}, ["b", "c"]),
    ("[word=/A/]", "a A b", {}, ["A"]),
    ("[tag=/N/]", "a b", {"tags": "DT NN"}, ["b"]),
    ("[word=/^(a|b)$/]", "a A b c", {}, ["a", "b"]),
    ("[!lower=a & !word=c]", "a A b c", {}, ["b"]),
    ("[word=a | word=c & tag=NN]", "a c c", {"tags": "VB DT NN"}, ["a", "c"]),
    ("[(word=a | word=c) & tag=NN]", "a c c", {"tags": "VB DT NN"}, ["c"]),
    ("[]", "a b", {}, ["a", "b"]),
    ("a", "a A", {}, ["a"]),
    # sequences, alternation, quantifiers
    ("a b", "a b a c a b", {}, ["a b", "a b"]),
    ("a b | a", "a b a c", {}, ["a b", "a"]),
    ("a | a b", "a b", {}, ["a"]),
    ("(a | a b) c", "a b c", {}, ["a b c"]),
    ("a []*", "b a b c", {}, ["a b c"]),
    ("a []*? c", "a b c c", {}, ["a b c"]),
    ("a []?? b", "a b", {}, ["a b"]),
    ("[]{2}", "a b c", {}, ["a b"]),
    ("a{1,2}", "a a a", {}, ["a a", "a"]),
    ("a{2,}", "a a a b a a", {}, ["a a a", "a a"]),
    ("a{,2}? b", "a a b", {}, ["a a b"]),
    ("a*", "b a a b", {}, ["a a"]),                       # empty matches are never reported
    ("a*?", "a a", {}, []),
    ("b?", "a a", {}, []),
    # lookaround and anchors
    ("a (?= b)", "a b a c", {}, ["a"]),
    ("a (?! b)", "a b a c", {}, ["a"]),
    ("(?<= b) a", "a b a", {}, ["a"]),
    ("(?<= ^ [lower=a]+) b", "a A b b", {}, ["b"]),
    ("(?<! a []*) b", "b a b", {}, ["b"]),
    ("(?= [] [] (?<= a b)) a", "a b a c", {}, ["a"]),
    ("^ a", "a a", {}, ["a"]),
    ("a $", "a a", {}, ["a"]),
    ("(^ | b) a", "a b a", {}, ["a", "b a"]),
]


@pytest.mark.parametrize("pattern, words, extra, expected", ORACLE_CASES)
def test_oracle_spans(pattern, words, extra, expected):
    assert oracle(pattern, words, **extra) == expected


ORACLE_CAPTURE_CASES = [
    ("(?<x> a) (?<y> b c)", "c a b c", {}, [("a b c", {"x": ["a"], "y": ["b c"]})]),
    ("(?<x> a) b (?<x> c)", "a b c", {}, [("a b c", {"x": ["a", "c"]})]),
    ("(?<x> a)+ b", "a a b", {}, [("a a b", {"x": ["a", "a"]})]),
    ("(?<x> a)* a b", "a a a b", {}, [("a a a b", {"x": ["a", "a"]})]),
    ("(?<x> a b) | a (?<y> c)", "a c", {}, [("a c", {"y": ["c"]})]),
    ("(?<x> b?) (?<y> a)", "a", {}, [("a", {"y": ["a"]})]),
    ("(?<x> (?<y> a) b)", "a b", {}, [("a b", {"x": ["a b"], "y": ["a"]})]),
    ("(?<x> []*?) b", "a c b c b", {}, [("a c b", {"x": ["a c"]}), ("c b", {"x": ["c"]})]),
    # mentions: whole, longest first, shorter on backtracking, labels under labels
    ("@Person b", "a b b", {"spans": [("Person", 0, 2)]}, ["a b b"]),
    ("@Person c", "a b c", {"spans": [("Person", 0, 1)]}, []),
    ("@Entity", "a b c", {"spans": [("Person", 0, 1), ("Place", 2, 3)]}, ["a", "c"]),
    ("@Person", "a b", {"spans": [("Place", 0, 1), ("Entity", 1, 2)]}, []),
    ("[mention=Entity]+", "a b c", {"spans": [("Place", 1, 3)]}, ["b c"]),
    ("[mention=/^P/] [mention!=Place]", "a b c", {"spans": [("Person", 0, 1)]}, ["a b"]),
    ("b @Place", "b a c b", {"spans": [("Place", 1, 3)]}, ["b a c"]),
]


@pytest.mark.parametrize("pattern, words, extra, expected", ORACLE_CAPTURE_CASES)
def test_oracle_captures_and_mentions(pattern, words, extra, expected):
    with_captures = isinstance(expected[0], tuple) if expected else False
    assert oracle(pattern, words, with_captures=with_captures, **extra) == expected


def test_oracle_takes_the_longest_mention_then_a_shorter_one():
    spans = [("Person", 0, 1), ("Person", 0, 2)]
    assert oracle("(?<p> @Person)", "a b c", spans=spans, with_captures=True) \
        == [("a b", {"p": ["a b (Person)"]})]
    assert oracle("(?<p> @Person) b", "a b c", spans=spans, with_captures=True) \
        == [("a b", {"p": ["a (Person)"]})]


def test_oracle_names_the_mention_a_capture_spans():
    spans = [("Place", 1, 2)]
    assert oracle("@x:Place | (?<y> a @Place)", "c b a b", spans=spans, with_captures=True) \
        == [("b", {"x": ["b (Place)"]})]
    assert oracle("(?<x> @Place) | (?<y> [])", "c b", spans=spans, with_captures=True) \
        == [("c", {"y": ["c"]}), ("b", {"x": ["b (Place)"]})]


def test_oracle_ends_a_bounded_loop_on_an_empty_pass():
    """An optional pass of `{n,m}` that matches nothing ends the loop, as in Python's re."""
    assert oracle("((?! a) | []){0,2} (?<! ^)", "b a") == ["b a"]


def test_oracle_gives_up_past_its_budget():
    sentence = make_sentence(["a"] * 8 + ["b"])
    with pytest.raises(BudgetExceeded):
        find_all(parse("([]* []*)* c"), sentence.tokens, budget=10_000)


def test_oracle_reads_sets_and_case_flags_when_the_ast_has_them():
    """Forward compatibility: a value set (any value with `values`) and `Regex.ignore_case`."""
    @dataclasses.dataclass(frozen=True)
    class Values:
        values: tuple[str, ...]

    sentence = make_sentence("a A b c".split())
    in_set = n.TokenPattern(n.FieldTest("word", False, Values(("A", "c"))))
    assert [(f.start, f.end) for f in find_all(in_set, sentence.tokens)] == [(1, 2), (3, 4)]
    not_in_set = n.TokenPattern(n.FieldTest("lower", True, Values(("a",))))
    assert [(f.start, f.end) for f in find_all(not_in_set, sentence.tokens)] == [(2, 3), (3, 4)]
    label_set = n.TokenPattern(n.FieldTest("mention", False, Values(("Place", "Hit"))))
    mentions = make_mentions([("Person", 0, 1), ("Place", 2, 3)])
    assert [(f.start, f.end) for f in find_all(label_set, sentence.tokens, mentions, PARENTS)] == [(2, 3)]
    caseless = n.TokenPattern(n.FieldTest("word", False, n.Regex("^a$")))
    assert len(find_all(caseless, sentence.tokens)) == 1
    if HAS_IGNORE_CASE:
        regex = n.Regex("^a$", ignore_case=True)
    else:
        regex = n.Regex("^a$")
        object.__setattr__(regex, "ignore_case", True)     # the field as it is to come
    flagged = n.TokenPattern(n.FieldTest("word", False, regex))
    assert [(f.start, f.end) for f in find_all(flagged, sentence.tokens)] == [(0, 1), (1, 2)]


# -- random patterns, sentences and mentions -------------------------------------------------------

LABEL_NAMES = ("Entity", "Person", "Place")
CAPTURE_NAMES = ("x", "y")
LITERALS = {"word": ("a", "A", "b", "z"), "lower": ("a", "b", "c"), "lemma": ("a", "b"), "tag": TAGS}
REGEXES = {"word": ("^a$", "A", "^(a|b)$", "[bc]", "^[a-z]"), "lower": ("a", "^(b|c)$", "^$"),
           "lemma": ("b",), "tag": ("N", "^(DT|VB)$")}
QUANTIFIERS = ((0, 1), (0, None), (1, None), (2, None), (2, 2), (1, 2), (0, 2), (0, 0))


def _literal_test(field: str):
    return st.builds(lambda negated, text: n.FieldTest(field, negated, n.Literal(text)),
                     st.booleans(), st.sampled_from(LITERALS[field]))


def _regex_test(field: str):
    return st.builds(lambda negated, source: n.FieldTest(field, negated, n.Regex(source)),
                     st.booleans(), st.sampled_from(REGEXES[field]))


def _parsed_constraint(text: str) -> n.Constraint:
    return parse(f"[{text}]").constraint


field_tests = [_literal_test(f) for f in LITERALS] + [_regex_test(f) for f in REGEXES] + [
    st.builds(lambda negated, label: n.FieldTest("mention", negated, n.Literal(label)),
              st.booleans(), st.sampled_from(LABEL_NAMES)),
    st.builds(lambda negated, source: n.FieldTest("mention", negated, n.Regex(source)),
              st.booleans(), st.sampled_from(("^P", "son$"))),
]
# syntax that is on its way, built by the parser (whatever its nodes are called): drawn often
# while it is new, alone and inside constraints
new_syntax = []
if HAS_SETS:
    new_syntax.append(st.builds(
        lambda field, values: _parsed_constraint(f"{field} in ({', '.join(values)})"),
        st.sampled_from(("word", "lower", "tag")),
        st.lists(st.sampled_from(("a", "A", "b", "NN")), min_size=1, max_size=3, unique=True)))
    new_syntax.append(st.builds(lambda labels: _parsed_constraint(f"mention in ({', '.join(labels)})"),
                                st.lists(st.sampled_from(LABEL_NAMES), min_size=1, max_size=2, unique=True)))
if HAS_IGNORE_CASE:
    new_syntax.append(st.builds(lambda field, op, source: _parsed_constraint(f"{field}{op}/{source}/i"),
                                st.sampled_from(("word", "lower", "lemma")), st.sampled_from(("=", "!=")),
                                st.sampled_from(("^a$", "B", "^[AC]"))))
field_tests += new_syntax

constraints = st.recursive(
    st.one_of(field_tests),
    lambda inner: st.one_of(
        inner.map(n.Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: n.And(tuple(ops))),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: n.Or(tuple(ops))),
    ),
    max_leaves=3,
)
# plain tests and `[]` are drawn most: a pattern of many rare tokens seldom matches anything
token_patterns = st.one_of(st.just(n.TokenPattern(n.AnyToken())),
                           st.one_of(_literal_test("lower"), _literal_test("tag")).map(n.TokenPattern),
                           constraints.map(n.TokenPattern),
                           *([st.one_of(new_syntax).map(n.TokenPattern)] if new_syntax else []))


def without_captures(node: n.Pattern) -> n.Pattern:
    """The pattern with its captures unwrapped and its mentions unnamed: a lookaround's body."""
    if isinstance(node, n.Capture):
        return without_captures(node.body)
    if isinstance(node, n.MentionRef):
        return n.MentionRef(node.label, None)
    if isinstance(node, n.Sequence):
        return n.Sequence(tuple(map(without_captures, node.items)))
    if isinstance(node, n.Alternation):
        return n.Alternation(tuple(map(without_captures, node.options)))
    if isinstance(node, n.Repeat):
        return make_repeat(without_captures(node.body), (node.min, node.max), node.greedy)
    if isinstance(node, n.Lookaround):
        return dataclasses.replace(node, body=without_captures(node.body))
    return node


def make_repeat(body: n.Pattern, bounds: tuple[int, int | None], greedy: bool) -> n.Pattern:
    """A repetition (an assertion cannot be one: then the body alone)."""
    if isinstance(body, (n.Anchor, n.Lookaround)):
        return body
    low, high = bounds
    return n.Repeat(body, low, high, greedy)


def _sequence(items) -> n.Sequence:
    return n.Sequence(tuple(items))


def _alternation(options) -> n.Alternation:
    return n.Alternation(tuple(options))


def _lookaround(body: n.Pattern, behind: bool, negated: bool) -> n.Lookaround:
    return n.Lookaround(without_captures(body), behind, negated)


mention_refs = st.builds(n.MentionRef, st.sampled_from(LABEL_NAMES), st.sampled_from((None,) + CAPTURE_NAMES))
mention_tests = st.builds(lambda negated, label: n.TokenPattern(n.FieldTest("mention", negated, n.Literal(label))),
                          st.booleans(), st.sampled_from(LABEL_NAMES))


def pattern_trees(*leaves, most_leaves: int = 6) -> st.SearchStrategy:
    """Patterns of up to `most_leaves` leaves drawn from `leaves`, with every kind of node above them.
    One that is a single assertion only ever matches nothing, which is never reported: it
    gets a token after it."""
    parts = st.recursive(
        st.one_of(*leaves),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(_sequence),
            st.lists(inner, min_size=2, max_size=3).map(_sequence),
            st.lists(inner, min_size=2, max_size=3).map(_alternation),
            st.builds(make_repeat, inner, st.sampled_from(QUANTIFIERS), st.booleans()),
            st.builds(make_repeat, inner, st.sampled_from(QUANTIFIERS), st.booleans()),
            st.builds(n.Capture, st.sampled_from(CAPTURE_NAMES), inner),
            st.builds(_lookaround, inner, st.booleans(), st.booleans()),
        ),
        max_leaves=most_leaves,
    )
    return parts.map(lambda p: n.Sequence((p, n.TokenPattern(n.AnyToken())))
                     if isinstance(p, (n.Anchor, n.Lookaround)) else p)


patterns = pattern_trees(token_patterns, token_patterns, token_patterns, mention_refs,
                         st.builds(n.Anchor, st.booleans()), st.just(n.Sequence(())))
# mostly mentions, `@Label` and `[mention=...]`, over sentences full of them
mention_patterns = pattern_trees(mention_refs, mention_refs, mention_tests, token_patterns)

# unbounded loops over bodies that can match nothing, between small patterns: where an empty
# pass must end the loop
_small = pattern_trees(token_patterns, token_patterns, mention_refs, most_leaves=2)
_can_pass_empty = st.one_of(
    st.just(n.Sequence(())),
    st.builds(lambda part, greedy: make_repeat(part, (0, 1), greedy), _small, st.booleans()),
    st.builds(lambda part: make_repeat(part, (0, None), False), _small),
    st.builds(n.Anchor, st.booleans()),
    st.builds(_lookaround, _small, st.booleans(), st.booleans()),
)


def _with_option(options: list, empty: n.Pattern, where: int) -> n.Alternation:
    options.insert(where % (len(options) + 1), empty)
    return _alternation(options)


_empty_bodies = st.one_of(
    st.builds(_with_option, st.lists(_small, min_size=1, max_size=2), _can_pass_empty, st.integers(0, 2)),
    st.builds(lambda first, second: _sequence((first, second)), _can_pass_empty, _can_pass_empty),
    st.builds(lambda part, greedy: make_repeat(part, (0, 1), greedy), _small, st.booleans()),
)
_empty_bodies = st.one_of(_empty_bodies, st.builds(n.Capture, st.sampled_from(CAPTURE_NAMES), _empty_bodies))
empty_loop_patterns = st.builds(
    lambda before, body, low, greedy, after: (lambda items: items[0] if len(items) == 1 else _sequence(items))(
        before + [n.Repeat(body, low, None, greedy)] + after),
    st.lists(_small, max_size=1), _empty_bodies, st.sampled_from((0, 1, 2)), st.sampled_from((True, True, False)),
    st.lists(_small, max_size=1))


@st.composite
def sentences(draw, most_tokens: int = 8) -> Sentence:
    """A sentence of at least one token (the empty sentence has a test of its own)."""
    size = draw(st.integers(1, most_tokens))
    tokens = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(TAGS)), min_size=size, max_size=size))
    return make_sentence([w for w, _ in tokens], [t for _, t in tokens])


@st.composite
def scenes(draw, most_mentions: int = 4) -> tuple[Sentence, list[Match]]:
    """A sentence and mentions in it, overlapping as they come."""
    sentence = draw(sentences())
    size = len(sentence.tokens)
    spans = [(label, start, min(start + length, size))
             for label, start, length in draw(st.lists(st.tuples(st.sampled_from(("Person", "Place", "Entity")),
                                                                 st.integers(0, size - 1), st.integers(1, 3)),
                                                       max_size=most_mentions))]
    return sentence, make_mentions(spans)


# lexicon rules for a whole rule set, (label, phrase) each in rule order: one of each label at
# least, since the loader refuses a pattern that uses a label no earlier rule finds
phrases = st.lists(st.sampled_from(("a", "b", "c")), min_size=1, max_size=2).map(" ".join)
lexicons = st.builds(lambda person, place, more: [("Person", person), ("Place", place)] + more,
                     phrases, phrases, st.lists(st.tuples(st.sampled_from(("Person", "Place")), phrases), max_size=2))


def scene_text(source: str, sentence: Sentence, mentions) -> str:
    shown = ", ".join(f"{m.labels[0]}[{m.start}:{m.end}]" for m in mentions) or "none"
    tokens = " ".join(f"{t.word}/{t.tag}" for t in sentence.tokens)
    return f"pattern {source!r} on {tokens!r} with mentions {shown}"


def reference_or_reject(pattern: n.Pattern, sentence: Sentence, mentions) -> list[tuple]:
    try:
        return ref_matches(pattern, sentence, mentions)
    except BudgetExceeded:
        reject()


# -- properties -----------------------------------------------------------------------------------

@settings(PROPERTY, max_examples=examples(500))
@given(patterns)
def test_printed_patterns_parse_back_to_the_same_tree(pattern):
    assert parse(pattern_text(pattern)) == pattern, pattern_text(pattern)


def check_vm(pattern: n.Pattern, sentence: Sentence, mentions) -> None:
    expected = reference_or_reject(pattern, sentence, mentions)
    source = pattern_text(pattern)
    for way, found in vm_ways(source, sentence, mentions).items():
        assert found == expected, f"{way}: {scene_text(source, sentence, mentions)}"


@settings(PROPERTY, max_examples=examples(800))
@given(patterns, scenes())
def test_vm_gives_the_reference_matches(pattern, scene):
    check_vm(pattern, *scene)


@settings(PROPERTY, max_examples=examples(400))
@given(mention_patterns, scenes(most_mentions=8))
def test_vm_gives_the_reference_matches_among_many_mentions(pattern, scene):
    check_vm(pattern, *scene)


def test_vm_leaves_loops_as_the_reference_does():
    """Loops over bodies that can match nothing."""
    _loops_property()


@settings(PROPERTY, max_examples=examples(800))
@given(empty_loop_patterns, scenes())
def _loops_property(pattern, scene):
    check_vm(pattern, *scene)



# -- fixed cases: the VM's three ways against the reference, and what both must find ----------------

# (pattern, words, mentions as (label, start, end), the matches as (words, {name: [words]}))
REGRESSIONS = [
    ("(?<x> a)* a b", "a a a b", [], [("a a a b", {"x": ["a", "a"]})]),
    ("(?<x> @Entity) b", "a b b", [("Person", 0, 2), ("Place", 0, 1)], [("a b b", {"x": ["a b"]})]),
    ("@x:Entity @y:Entity", "a b c", [("Person", 0, 2), ("Place", 0, 1), ("Place", 1, 3), ("Person", 2, 3)],
     [("a b c", {"x": ["a b"], "y": ["c"]})]),
    ("(?<= @Person) []", "a b c", [("Person", 0, 2), ("Person", 0, 1)], [("b", {}), ("c", {})]),
    ("(?<! @Place []*) b", "b a b c b", [("Place", 1, 2)], [("b", {})]),
    ("(?= [] (?<= a b)) []", "a b a b", [], [("b", {}), ("b", {})]),
    ("(a | a b)* c", "a b a c", [], [("a b a c", {})]),
    ("((?<x> a) | (?<y> a b))+ c", "a b a c", [], [("a b a c", {"x": ["a"], "y": ["a b"]})]),
    ("[]{0,6}? b", "a c c b b", [], [("a c c b", {}), ("b", {})]),
    # a name captured inside itself: each capture appends as it is completed, the inner first
    ("(?<x> (?<x> a) b)", "a b", [], [("a b", {"x": ["a", "a b"]})]),
    ("(?<x> @x:Place b)", "a b", [("Place", 0, 1)], [("a b", {"x": ["a", "a b"]})]),
    ("^ @Entity+ $", "a b c", [("Person", 0, 2), ("Place", 2, 3)], [("a b c", {})]),
    # lookarounds wider than the VM answers position by position
    ("(?<= []{9}) b", "a a a a a a a a a b b", [], [("b", {}), ("b", {})]),
    ("a (?= []{9} $)", "a a a a a a a a a a a", [], [("a", {})]),
    ("(?<= []{33}) b", " ".join(["a"] * 33 + ["b", "b"]), [], [("b", {}), ("b", {})]),
    ("a (?= []{33} $)", " ".join(["a"] * 35), [], [("a", {})]),
    ("(?<= @Entity) c", "a b c", [("Person", 0, 2), ("Place", 1, 2)], [("c", {})]),
    ("( | a)*? b", "a a b", [], [("a a b", {})]),
    ("(a?){2,} b", "a b", [], [("a b", {})]),
    ("(?<x> []) (?! (?<= a) [])", "a b a a", [], [("b", {"x": ["b"]}), ("a", {"x": ["a"]})]),
    ("[mention=Entity & !mention=Person]+", "a b c", [("Place", 0, 3), ("Person", 1, 2)],
     [("a", {}), ("c", {})]),
    # each pass of a bounded loop counts, an empty one too
    ("((?! a) | []){0,2} (?<! ^)", "b a", [], [("b a", {})]),
    # a short lookbehind is a search from each start that must end where it is asked: the
    # greedy way that ends past it fails, the shorter one holds
    ("(?<= a b?) b", "a b", [], [("b", {})]),
    ("(?<= a b?) c", "a b c a c x c", [], [("c", {}), ("c", {})]),
    ("(?<! a b?) c", "a b c a c x c", [], [("c", {})]),
    ("(?<= @Person b?) c", "a b c a c", [("Person", 0, 1), ("Person", 3, 4)], [("c", {}), ("c", {})]),
    # a short lookahead stops at its first match; its opening token is tested before it searches
    ("a (?= b c?)", "a b a c a", [], [("a", {})]),
    ("a (?! b c?)", "a b a c a", [], [("a", {}), ("a", {})]),
    # a lookaround of one token, tested on the spot, at either end of the sentence
    ("(?<! a) b", "b a b", [], [("b", {})]),
    ("(?<= a) b", "b a b", [], [("b", {})]),
    ("a (?! b)", "a b a", [], [("a", {})]),
    ("a (?= b)", "a b a", [], [("a", {})]),
    # a program opening with a token: starts where that token fails are never searched
    ("a b", "a a b a", [], [("a b", {})]),
]


@pytest.mark.parametrize("pattern, words, spans, expected", REGRESSIONS)
def test_vm_and_reference_on_fixed_cases(pattern, words, spans, expected):
    sentence = make_sentence(words.split())
    mentions = make_mentions(spans)
    want = ref_matches(parse(pattern), sentence, mentions)
    assert [(words_of(sentence, start, end), {name: [words_of(sentence, a, b) for a, b, _ in args]
                                              for name, args in arguments})
            for start, end, arguments in want] == expected
    for way, found in vm_ways(pattern, sentence, mentions).items():
        assert found == want, way


@pytest.mark.parametrize("pattern", ["[]", "[]*", "^ $", "(?<x> a)?", "@Entity", "(?= a) | []+"])
def test_an_empty_sentence_has_no_match(pattern):
    sentence = make_sentence([])
    assert ref_matches(parse(pattern), sentence, []) == []
    assert all(found == [] for found in vm_ways(pattern, sentence, []).values())


# -- the whole way: a rule file loaded from YAML, run as a cascade with the rule index ---------------

def rule_file(source: str, lexicon) -> str:
    """Lexicon rules at priority 1, one phrase each, then the pattern as rule `p`."""
    lines = ["taxonomy:", "  - Entity: [Person, Place]", "  - Hit", "rules:"]
    for i, (label, phrase) in enumerate(lexicon):
        lines += [f"  - name: lex{i}", f"    label: {label}", "    type: lexicon", f'    phrases: ["{phrase}"]']
    lines += ["  - name: p", "    label: Hit", "    priority: 2", "    pattern: |", "      " + source]
    return "\n".join(lines) + "\n"


def lexicon_mentions(sentence: Sentence, lexicon) -> list[Match]:
    """What the lexicon rules find, as the cascade keeps it: in rule order, each phrase at its
    leftmost occurrences without overlaps, a mention found twice (same label and span) once."""
    lowers = [t.lower for t in sentence.tokens]
    found, seen = [], set()
    for i, (label, phrase) in enumerate(lexicon):
        words = phrase.split()
        pos = 0
        while pos + len(words) <= len(lowers):
            if lowers[pos:pos + len(words)] != words:
                pos += 1
                continue
            key = (label, pos, pos + len(words))
            if key not in seen:
                seen.add(key)
                found.append(Match((label,), 0, pos, pos + len(words), f"lex{i}"))
            pos += len(words)
    return found


def cascade_matches(source: str, sentence: Sentence, lexicon) -> tuple[list[tuple], list[tuple]]:
    """(the mentions the lexicon rules found, the matches of rule `p`) from a loaded rule set."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yml"
        path.write_text(rule_file(source, lexicon), encoding="utf-8")
        rules = evx.load_rules(path)
    text = " ".join(t.word for t in sentence.tokens)
    found = rules.matches(Document("doc", text, (sentence,)))
    mentions = [mention_key(m) for m in found if m.rule != "p"]
    return mentions, [normal(m.start, m.end, m.arguments) for m in found if m.rule == "p"]


@settings(PROPERTY, max_examples=examples(300))
@given(patterns, sentences(), lexicons)
def test_rule_set_gives_the_reference_matches(pattern, sentence, lexicon):
    mentions = lexicon_mentions(sentence, lexicon)
    expected = reference_or_reject(pattern, sentence, mentions)
    source = pattern_text(pattern)
    found_mentions, found = cascade_matches(source, sentence, lexicon)
    assert found_mentions == [mention_key(m) for m in mentions]
    assert found == expected, f"rule set: {scene_text(source, sentence, mentions)}"
