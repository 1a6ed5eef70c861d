"""The pattern package from the inside: the AST's passes, the program's instructions,
to_source, and compile cost on long patterns."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from evx.pattern import nodes as n
from evx.pattern import visitor
from evx.pattern.parser import parse
from evx.pattern.visitor import ConstraintNode, Node, PathNode, PatternNode, ValueNode, Visitor


# -- one walk over the AST -------------------------------------------------------------------------

def _passes() -> list[type[Visitor]]:
    import evx.pattern.compiler  # noqa: F401  (defines its passes)
    import evx.pattern.prefilter  # noqa: F401
    import evx.pattern.paths  # noqa: F401
    return list(visitor._PASSES)


def test_every_node_class_is_in_a_family():
    classes = [value for value in vars(n).values()
               if isinstance(value, type) and value.__module__ == n.__name__ and not issubclass(value, Visitor)]
    assert classes
    kinds = set(visitor.node_kinds(ValueNode, ConstraintNode, PatternNode, PathNode))
    for cls in classes:
        assert cls in kinds, cls


def test_every_pass_handles_every_kind_of_its_families():
    passes = _passes()
    names = {p.__name__ for p in passes}
    assert {"_Source", "_Emitter", "_Predicates", "_Width", "_First", "_Needs", "_PathSource", "_PathEmitter"} <= names
    for p in passes:
        for kind in visitor.node_kinds(*p.families):
            assert callable(getattr(p, "visit_" + kind.__name__)), (p, kind)


def test_a_new_node_kind_that_a_pass_does_not_handle_is_refused():
    _passes()
    with pytest.raises(TypeError, match=r"node class Wildcard is not handled by .*prefilter\._Width.*"
                                        r": define visit_Wildcard in each"):
        @dataclass(frozen=True)
        class Wildcard(PatternNode):
            at: int = field(default=0, compare=False)

            def children(self):
                return ()
    assert "Wildcard" not in {k.__name__ for k in visitor.node_kinds(PatternNode)}


def test_a_new_value_kind_must_be_handled_by_the_value_passes():
    _passes()
    with pytest.raises(TypeError, match=r"node class Number is not handled by .*compiler\._ValueTests"):
        @dataclass(frozen=True)
        class Number(ValueNode):
            value: int

            def children(self):
                return ()


def test_a_pass_that_forgets_a_node_kind_is_refused():
    with pytest.raises(TypeError, match=r"pass Partial does not handle every node kind: define .*visit_Repeat"):
        class Partial(Visitor, over=PatternNode):
            def visit_TokenPattern(self, node):
                return 1


def test_a_pass_with_a_method_for_no_node_kind_is_refused():
    class Complete(Visitor, over=ConstraintNode):
        def _any(self, c):
            return 0
        visit_FieldTest = visit_Not = visit_And = visit_Or = visit_AnyToken = _any
    try:
        with pytest.raises(TypeError, match=r"methods for no node kind: visit_FeildTest"):
            class Typo(Complete):
                def visit_FeildTest(self, c):
                    return 1
    finally:
        visitor._PASSES.remove(Complete)


def test_a_pass_must_name_its_families():
    with pytest.raises(TypeError, match="must name the node families"):
        class Nowhere(Visitor):
            pass


def test_a_node_kind_must_say_its_children():
    with pytest.raises(TypeError, match="must define children"):
        class Leafless(PatternNode):
            pass


def test_a_node_kind_defined_with_its_methods_in_place_is_visited():
    """A kind that every pass handles (here: by giving every pass a method first) joins them."""
    passes = [p for p in _passes() if ValueNode in p.families]
    for p in passes:
        p.visit_Extra = lambda self, node, *args: "extra"
    try:
        @dataclass(frozen=True)
        class Extra(ValueNode):
            def children(self):
                return ()
        assert n._SOURCE.visit(Extra()) == "extra"
    finally:
        visitor.forget_node_kind(Extra)
        for p in passes:
            del p.visit_Extra


def test_walk_yields_every_node_parents_first_in_source_order():
    ast = parse("(?<x> [lemma=a & !tag=/^N/]) b* @P")
    names = [type(node).__name__ for node in n.walk(ast)]
    assert names == ["Sequence", "Capture", "TokenPattern", "And", "FieldTest", "Literal", "Not",
                     "FieldTest", "Regex", "Repeat", "TokenPattern", "FieldTest", "Literal", "MentionRef"]


def test_walk_goes_into_lookarounds_and_alternations():
    ast = parse("(?= a | [mention=Person]) b")
    tests = [node for node in n.walk(ast) if isinstance(node, n.FieldTest)]
    assert [(t.field, t.value) for t in tests] == [("word", n.Literal("a")), ("mention", n.Literal("Person")),
                                                   ("word", n.Literal("b"))]


def test_constraint_tests_finds_every_field_test():
    ast = parse("[lemma=a & !(tag=NN | shape=Xx)]")
    assert [t.field for t in n.constraint_tests(ast.constraint)] == ["lemma", "tag", "shape"]


def test_children_of_each_kind():
    token = n.TokenPattern(n.FieldTest("word", False, n.Literal("a")))
    assert token.children() == (token.constraint,)
    assert token.constraint.children() == (n.Literal("a"),)
    assert n.Repeat(token, 0, None, True).children() == (token,)
    assert n.Sequence((token, token)).children() == (token, token)
    assert n.Anchor(True).children() == () and n.MentionRef("P", None).children() == ()
    assert n.Not(n.AnyToken()).children() == (n.AnyToken(),)


# -- the program: one named tuple per instruction --------------------------------------------------

def _program(pattern: str):
    from evx.pattern.compiler import compile_pattern
    from evx.rulefile.taxonomy import Taxonomy
    return compile_pattern(parse(pattern), Taxonomy({"Entity": None, "Person": "Entity"}))


def test_instructions_have_named_fields_and_their_opcode_first():
    from evx.pattern import program as p
    split = p.Split(first=3, second=7)
    assert (split.first, split.second) == (3, 7)
    assert split.op == p.SPLIT and split[0] == p.SPLIT and tuple(split) == (p.SPLIT, 3, 7)
    assert repr(split) == "Split(first=3, second=7)"
    assert p.Jump(5).to == 5 and p.Open("x").name == "x" and p.AtStart().op == p.START
    mention = p.Mention(frozenset({"Person"}), "who", "Person")
    assert mention[0] == p.MENTION and mention[1] == frozenset({"Person"}) and mention[3] == "Person"


def test_instructions_survive_pickle_and_replace():
    import pickle
    from evx.pattern import program as p
    for ins in (p.Split(1, 2), p.Jump(4), p.Close("x"), p.AtEnd(), p.Match()):
        again = pickle.loads(pickle.dumps(ins))
        assert again == ins and type(again) is type(ins)
    assert p.Split(1, 2)._replace(second=9) == p.Split(1, 9)


def test_a_compiled_program_reads_as_instructions():
    from evx.pattern import program as p
    prog = _program("a (?<x> b | c)* $")
    kinds = [type(ins).__name__ for ins in prog.code]
    assert kinds == ["Token", "Split", "Open", "Split", "Token", "Jump", "Token", "Close", "Jump", "AtEnd", "Match"]
    loop = prog.code[1]
    assert prog.code[loop.second] == p.AtEnd() and prog.code[8] == p.Jump(1)
    assert prog.code[0].source == "[word=a]"
    assert p.describe(prog.code[4]) == "[word=b]" and p.describe(prog.code[9]) == "$ (sentence end)"
    assert prog.captures == frozenset({"x"})


def test_a_program_is_constructible_from_its_fields():
    from evx.pattern.program import Program
    prog = _program("a b+")
    again = Program(prog.code, prog.captures, prog.prefilter)
    assert again.code == prog.code and again.merges == prog.merges and again.epsilon_into == prog.epsilon_into
    assert again.plain == tuple(tuple(ins) for ins in prog.code)


def test_compiler_names_stay_importable_for_the_loader():
    from evx.pattern.compiler import LOOK, MENTION, Lookaround, Program, compile_pattern, describe  # noqa: F401
    from evx.pattern.prefilter import width  # noqa: F401
    from evx.pattern import program
    assert Lookaround is program.Lookaround and Program is program.Program


# -- to_source round-trips -----------------------------------------------------------------------

def _bundled_patterns(monkeypatch) -> list[tuple[str, n.Pattern]]:
    """Every token pattern of the bundled rule set (rules, graph rules' triggers and contexts),
    as the loader parses them."""
    import evx
    from evx.rulefile import kinds, loader
    seen = []
    real = loader.parse

    def spy(source, variables=None, cache=None):
        ast = real(source, variables, cache)
        seen.append((source, ast))
        return ast
    real_graph = kinds.parse_graph

    def spy_graph(source, variables=None, cache=None):
        graph = real_graph(source, variables, cache)
        seen.append((source, graph.trigger))       # a graph rule's trigger is a token pattern
        return graph
    monkeypatch.setattr(loader, "parse", spy)
    monkeypatch.setattr(kinds, "parse", spy)
    monkeypatch.setattr(kinds, "parse_graph", spy_graph)
    evx.load_rules()
    return seen


def test_to_source_round_trips_every_bundled_pattern(monkeypatch):
    patterns = _bundled_patterns(monkeypatch)
    assert len(patterns) >= 77
    for source, ast in patterns:
        text = n.to_source(ast)
        assert parse(text) == ast, (source, text)
        assert n.to_source(parse(text)) == text


@pytest.mark.parametrize("pattern", [
    "(a b) c",                      # a sequence inside a sequence stays a node
    "a (b c) (d e f)",
    "(a | b) | c",                  # an alternation inside an alternation
    "a | (b | c) | d",
    "[(lemma=a & tag=NN) & shape=x]",
    "[lemma=a | (tag=NN | shape=x)]",
    "[!(lemma=a & tag=NN) | !!shape=x]",
    "a () b",
    "(a | ) | b",
    "(?<x> ) (?= ) ()*",
    '[word=","] [word="a b"] [word="\\"q\\""] [word="x\\\\y"] [word=""]',
    "[word=/a\\/b/] [word=/^(in|on)$/]",
    "a{0} b{2} c{1,3}? d{2,} e{0,4} f?? g+? h*?",
    "^ (?<who> @Person) @p:Person $",
    "(?<! a b) (?! @Person) x",
    "((a*)*)+",
])
def test_to_source_round_trips(pattern):
    ast = parse(pattern)
    assert parse(n.to_source(ast)) == ast, n.to_source(ast)


def test_to_source_quotes_what_a_bare_word_cannot_hold():
    for text in ("a b", "a\u00a0b", "x,y", "#", "=", "/x", "a|b", "{", "$"):
        value = n.Literal(text)
        assert n.value_source(value).startswith('"'), text
        assert parse(f"[word={n.value_source(value)}]").constraint.value == value
    assert n.value_source(n.Literal("U.N.")) == "U.N."
    assert n.value_source(n.Literal("'s")) == "'s"


# ASTs as the parser builds them: sequences of none or of two or more items, alternations and
# boolean operators of two or more, no repeated assertion, no `${` in a value
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet="ab-.'\\\"/ |#,(=é\u00a0\n", max_size=5).filter(lambda t: "${" not in t)
_REGEX = st.sampled_from(["^a$", "a/b", "x|y", r"\d+", "[ab]", "^(in|on|at)$", r"\\", r"a\\/", "é"])
_FIELDS = st.sampled_from(["word", "lower", "lemma", "tag", "shape", "entity", "outgoing", "mention"])
_NAME = st.sampled_from(["x", "who", "trigger", "a_1"])
_LABEL = st.sampled_from(["Person", "Org.Unit", "Place-Name", "_x"])


def _values():
    return st.one_of(st.builds(n.Literal, _TEXT), st.builds(n.Regex, _REGEX, st.booleans()),
                     st.builds(n.ValueSet, st.lists(_TEXT, min_size=1, max_size=3).map(tuple)))


def _constraints():
    tests = st.builds(n.FieldTest, _FIELDS, st.booleans(), _values())
    return st.recursive(tests, lambda inner: st.one_of(
        st.builds(n.Not, inner),
        st.builds(n.And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(n.Or, st.lists(inner, min_size=2, max_size=3).map(tuple))), max_leaves=6)


def _quantifiers():
    bounded = st.tuples(st.integers(0, 3), st.integers(0, 3)).map(lambda t: (min(t), max(t)))
    unbounded = st.integers(0, 3).map(lambda low: (low, None))
    return st.tuples(st.one_of(bounded, unbounded), st.booleans())


def _repeat(body):
    return st.builds(lambda b, q: n.Repeat(b, q[0][0], q[0][1], q[1]), body, _quantifiers())


def _patterns():
    leaves = st.one_of(
        st.builds(n.TokenPattern, _constraints()),
        st.just(n.TokenPattern(n.AnyToken())),
        st.builds(n.MentionRef, _LABEL, st.one_of(st.none(), _NAME)),
        st.builds(n.Anchor, st.booleans()))

    def extend(inner):
        return st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda items: n.Sequence(tuple(items))),
            st.just(n.Sequence(())),
            st.lists(inner, min_size=2, max_size=3).map(lambda options: n.Alternation(tuple(options))),
            _repeat(inner.filter(lambda b: not isinstance(b, (n.Anchor, n.Lookaround)))),
            st.builds(n.Capture, _NAME, inner),
            st.builds(n.Lookaround, inner, st.booleans(), st.booleans()))
    return st.recursive(leaves, extend, max_leaves=6).filter(lambda p: p != n.Sequence(()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns())
def test_to_source_round_trips_generated_asts(ast):
    text = n.to_source(ast)
    assert parse(text) == ast, text


# -- the VM against Python's re, one letter a token ----------------------------------------------
# Python's re has evx's priorities (leftmost, Perl-style choice, a pass that matches nothing ends
# a repetition), so on patterns of single letters the two must find the same spans.

def _regex_pairs():
    leaves = st.sampled_from([("a", "a"), ("b", "b"), ("()", ""), ("^", "^"), ("$", "$")])

    def extend(inner):
        sequence = st.lists(inner, min_size=2, max_size=3).map(
            lambda parts: (" ".join(p[0] for p in parts), "".join(p[1] for p in parts)))
        alternation = st.lists(inner, min_size=2, max_size=3).map(
            lambda parts: ("(" + " | ".join(p[0] for p in parts) + ")",
                           "(?:" + "|".join(p[1] for p in parts) + ")"))
        quantified = st.tuples(inner.filter(lambda p: p[0] not in ("^", "$")),
                               st.sampled_from(["*", "+", "?", "{0,2}", "{1,3}", "{2,}", "{2}", "{0,3}"]),
                               st.sampled_from(["", "?"])).map(
            lambda t: ("(" + t[0][0] + ")" + t[1] + t[2], "(?:" + t[0][1] + ")" + t[1] + t[2]))
        return st.one_of(sequence, alternation, quantified)
    return st.recursive(leaves, extend, max_leaves=7)


def _python_spans(rx: str, text: str) -> list[tuple[int, int]]:
    """Leftmost matches without overlaps, an empty one skipped: evx's search, with re."""
    import re
    compiled, found, resume = re.compile(rx), [], 0
    for start in range(len(text) + 1):
        if start < resume:
            continue
        m = compiled.match(text, start)
        if m and m.end() > start:
            found.append((start, m.end()))
            resume = m.end()
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_regex_pairs(), st.text(alphabet="ab", min_size=1, max_size=6))
def test_vm_finds_what_python_re_finds(pair, text):
    import evx
    from evx.pattern.compiler import compile_pattern
    from evx.pattern.vm import SentenceState, find_matches
    from evx.rulefile.taxonomy import Taxonomy
    pattern, rx = pair
    if pattern in ("()", "^", "$") or pattern.strip("() ") == "":
        return
    program = compile_pattern(parse(pattern), Taxonomy())
    sentence = evx.annotate(" ".join(text)).sentences[0]
    found = [(start, end) for start, end, _ in find_matches(program, SentenceState(sentence))]
    assert found == _python_spans(rx, text), (pattern, rx, text)


@pytest.mark.parametrize("depth", [4, 8])
def test_nested_repetitions_of_what_can_match_nothing_stay_small(depth):
    pattern = "a?"
    for _ in range(depth):
        pattern = f"({pattern})*"
    program = _program(pattern)
    assert len(program.code) < 10 * depth * depth


# -- long patterns compile in linear time --------------------------------------------------------
# Sizes at which a quadratic step takes seconds (30,000 tokens: about 4 s before), while the
# linear compile takes a fraction of one: the tests check the result, never the time.

def test_a_long_sequence_compiles_and_matches():
    from evx.pattern.vm import SentenceState, find_matches
    from evx.text.document import Sentence, Token
    size = 30_000       # 60,000 characters
    ast = parse("a " * (size - 1) + "b")
    assert len(ast.items) == size
    program = _program_of(ast)
    assert program.prefilter.needs.values == (("word", frozenset({"a"})), ("word", frozenset({"b"})))
    # annotate cuts sentences at 1,000 tokens: one of the pattern's length is made by hand
    words = ["a"] * (size - 1) + ["b", "c"]
    sentence = Sentence(0, 0, 2 * len(words) - 1, tuple(
        Token(i, 2 * i, 2 * i + 1, word, word, word, "x") for i, word in enumerate(words)))
    assert [(s, e) for s, e, _ in find_matches(program, SentenceState(sentence))] == [(0, size)]


def test_a_long_sequence_of_variables_keeps_its_offsets():
    from evx.errors import PatternError
    count = 8_000
    source = "${v} " * count + "]"
    with pytest.raises(PatternError) as info:
        parse(source, {"v": "[lower=a]"})
    assert info.value.offset == len(source) - 1
    ast = parse("${v} " * count, {"v": "[lower=a]"})
    assert [item.at for item in ast.items[:3]] == [0, 5, 10] and ast.items[-1].at == 5 * (count - 1)


def _program_of(ast):
    from evx.pattern.compiler import compile_pattern
    from evx.rulefile.taxonomy import Taxonomy
    return compile_pattern(ast, Taxonomy())


# -- sets of values: the AST, to_source and the prefilter -----------------------------------------

def test_a_set_is_a_value_set_in_a_field_test():
    ast = parse('[lemma !in (visit, "set off", "a,b")]')
    assert ast.constraint == n.FieldTest("lemma", True, n.ValueSet(("visit", "set off", "a,b")))
    assert n.to_source(ast) == '[lemma !in (visit, "set off", "a,b")]'
    assert parse("[!lemma in (a)]").constraint == n.Not(n.FieldTest("lemma", False, n.ValueSet(("a",))))
    assert n.to_source(parse("[!lemma in (a)]")) == "[!lemma in (a)]"


def test_a_set_anchors_the_rule_index_as_literal_alternatives_do():
    from evx.pattern.prefilter import Follow, RuleIndex
    as_set = _program("[lower=the] [lemma in (visit, arrive)] [lower in (to, in)]")
    as_regex = _program("[lower=the] [lemma=/^(visit|arrive)$/] [lower=/^(to|in)$/]")
    assert as_set.prefilter == as_regex.prefilter
    assert as_set.prefilter.anchor.values == frozenset({"visit", "arrive"})
    assert as_set.prefilter.anchor.after == (Follow("lower", frozenset({"to", "in"})),)
    index = RuleIndex([as_set], lambda program: program.prefilter)
    assert index.by_value["lemma"].keys() == {"visit", "arrive"}


def test_the_tokens_after_an_anchor_are_tested_up_to_a_repetition():
    from evx.pattern.prefilter import Follow
    family = _program("[lower in (the, a)]? (?<trigger> [lemma=kill]) [lower in (in, to)] (?<arg> [shape=/^X/]+)")
    assert family.prefilter.anchor.after == (Follow("lower", frozenset({"in", "to"})), Follow("shape", pattern=re.compile("^X")))
    assert _program("[lemma=kill] [lower=in]+ [lower=x]").prefilter.anchor.after == (Follow("lower", frozenset({"in"})),)
    assert _program("[lemma=kill] [lower=in]? [lower=x]").prefilter.anchor.after == ()
    assert _program("[lemma=kill] @Person").prefilter.anchor.after == ()


def test_the_rule_index_skips_a_rule_whose_anchor_is_not_followed_as_it_needs():
    from evx.pattern.prefilter import RuleIndex
    from evx.pattern.vm import SentenceState
    from evx.text.annotate import annotate
    rule = _program("(?<trigger> [lemma=kill]) [lower=in] [shape=/^X/]")
    index = RuleIndex([rule], lambda program: program.prefilter)
    found = lambda text: index.candidates(SentenceState(annotate(text).sentences[0]))
    assert found("They kill in Rome.") == [(rule, [1])]
    assert found("They kill in rome.") == []
    assert found("They kill in") == []


def test_a_negated_set_is_no_anchor_and_mention_sets_need_their_labels():
    assert _program("[lower !in (a, b)]").prefilter.anchor is None
    pre = _program("[mention in (Person)] x").prefilter
    assert ("mention", frozenset({"Person"})) in pre.needs.values


# -- start positions from tags, chunks and shapes -------------------------------------------------

def test_a_tag_or_shape_test_narrows_start_positions():
    pre = _program("[pos=PROPN] [pos=PROPN]*").prefilter
    assert pre.start.values == (("pos", frozenset({"PROPN"})),)
    pre = _program("[shape=/^X/ & !lower=the] [lower=said]").prefilter
    assert [(name, rx.pattern) for name, rx in pre.start.patterns] == [("shape", "^X")]


def test_a_word_field_is_preferred_to_a_tag_as_anchor_and_as_index_key():
    from evx.pattern.prefilter import RuleIndex
    program = _program("[pos=PROPN] [lemma in (say, tell, add, note, insist)]")
    assert (program.prefilter.anchor.field, program.prefilter.anchor.lo) == ("lemma", 1)
    tags_only = _program("[pos=PROPN] [chunk=I-NP]")
    assert tags_only.prefilter.anchor.field == "pos"
    index = RuleIndex([program, tags_only], lambda p: p.prefilter)
    assert set(index.by_value) | set(index.by_any) == {"lemma", "pos"} and index.always == []


def test_a_rule_on_tags_is_tried_only_where_its_tag_is(rules_from):
    from evx.pattern.vm import SentenceState, candidate_starts
    from evx.text.annotate import annotate
    rules = rules_from("""
        rules:
          - {name: names, label: Name, pattern: "[pos=PROPN]+"}
        """)
    doc = rules.prepare(annotate("Yesterday Angela Merkel met the press."))
    state = SentenceState(doc.sentences[0])
    starts = candidate_starts(rules.rules[0].matcher.program, state)
    assert [state.tokens[i].word for i in starts] == ["Angela", "Merkel"]
    assert [r.text for r in rules.extract(doc, mentions=True)] == ["Angela Merkel"]


# -- case-insensitive regexes ------------------------------------------------------------------

def test_an_ignore_case_regex_is_kept_in_the_ast_and_its_source():
    ast = parse("[word=/^police$/i] /a\\/b/i")
    assert ast.items[0].constraint.value == n.Regex("^police$", ignore_case=True)
    assert ast.items[1].constraint.value == n.Regex("a/b", ignore_case=True)
    assert n.to_source(ast) == "[word=/^police$/i] [word=/a\\/b/i]"
    assert parse("[word=/x/]").constraint.value != parse("[word=/x/i]").constraint.value


def test_an_ignore_case_word_list_anchors_on_every_lower_form():
    pre = _program("[word=/^(police|kiss)$/i]").prefilter
    assert pre.anchor.field == "lower"
    assert {"police", "kiss", "kıss", "kiſs", "ki\u0307ss"} <= pre.anchor.values
    assert all(value.lower() == value for value in pre.anchor.values)


def test_lower_forms_cover_every_word_python_matches_ignoring_case():
    import itertools
    import re
    from evx.pattern.prefilter import _LOWER_FORMS
    letters = "iksIKS\u0130\u0131\u017f\u212a\u0307e"
    for word in ("is", "kiss", "Sie"):
        forms = _LOWER_FORMS.visit(n.Regex(f"^({word})$", True))
        rx = re.compile(f"^({word})$", re.IGNORECASE)
        for size in range(1, 5):
            for chars in itertools.product(letters, repeat=size):
                text = "".join(chars)
                if rx.search(text):
                    assert text.lower() in forms, (word, text)


def test_an_ignore_case_regex_is_no_word_anchor_but_a_need():
    pre = _program("[lemma=/^(visit)$/i] [lower=/^p/i]").prefilter
    assert pre.anchor is None and pre.needs.values == ()
    assert [(name, rx.pattern, rx.search("VISIT") is not None) for name, rx in pre.needs.patterns] == [
        ("lemma", "(?i:^(visit)$)", True), ("lower", "(?i:^p)", False)]


# -- needs: every test of a token, positive lookarounds, one need of each option -------------------

def test_every_test_of_a_conjunction_is_a_need():
    pre = _program("[lemma=arrive & tag=VBD & shape=/^x/]").prefilter
    assert pre.needs.values == (("lemma", frozenset({"arrive"})), ("tag", frozenset({"VBD"})))
    assert [(name, rx.pattern) for name, rx in pre.needs.patterns] == [("shape", "^x")]


def test_a_positive_lookaround_is_a_need_and_a_negative_one_is_not():
    pre = _program("(?= [lower=to]) [] (?<= [lemma=go]) (?! [lower=never])").prefilter
    assert pre.needs.values == (("lower", frozenset({"to"})), ("lemma", frozenset({"go"})))
    assert _program("(?! [lower=to]) []").prefilter.needs == _program("[]").prefilter.needs


def test_options_with_nothing_in_common_need_one_of_their_own():
    pre = _program("@Person | [lower=shot] | [lemma=fire & pos=VERB]").prefilter
    assert pre.needs.either == ((("lemma", frozenset({"fire"})), ("lower", frozenset({"shot"})),
                                 ("mention", frozenset({"Person"}))),)
    assert _program("[mention=Person | lower=shot]").prefilter.needs.either == (
        (("lower", frozenset({"shot"})), ("mention", frozenset({"Person"}))),)
    # an option that needs nothing leaves the alternation needing nothing
    assert _program("@Person | [lower=shot] | []").prefilter.needs.either == ()
    # options all on one field need that field: a value, or a mention
    assert _program("[lemma=a] | [lemma=b & lower=x]").prefilter.needs.values == (("lemma", frozenset({"a", "b"})),)
    assert _program("[mention=Person] | @Person").prefilter.needs.labels == (frozenset({"Person"}),)


def test_a_sentence_without_one_of_the_options_is_skipped_and_explained(rules_from):
    from evx.pattern.vm import SentenceState, candidate_starts, missing
    from evx.text.annotate import annotate
    rules = rules_from("""
        rules:
          - {name: who, label: Who, priority: 1, pattern: "[lower in (gunmen, police)]"}
          - {name: fire, label: Fire, priority: 2, pattern: "@Who [lemma=open] [lower=fire] | [word=Shots]"}
        """)
    program = rules.rule("fire").matcher.program
    calm = SentenceState(annotate("The gunmen left quietly.").sentences[0])
    assert candidate_starts(program, calm) == ()
    assert missing(program.prefilter.needs, calm) == (
        "every match needs one of a token with lemma in {open}, a token with word in {Shots}, and there is none")
    assert [r.text for r in rules.extract("Gunmen opened fire. Shots rang out.", mentions=True)
            if r.type == "Fire"] == ["Gunmen opened fire", "Shots"]


def test_a_rule_is_filed_under_each_need_of_a_group():
    from evx.pattern.prefilter import RuleIndex
    program = _program("@Person [lower=said] | [lemma=shoot]")
    assert program.prefilter.needs.values == () and program.prefilter.needs.labels == ()
    index = RuleIndex([program], lambda p: p.prefilter)
    # "said" is too common to stand for its option: the mention does
    assert index.always == [] and set(index.by_any) == {"lemma"} and set(index.by_label) == {"Person"}
