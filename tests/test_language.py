"""The pattern language, case by case: each test runs one pattern and checks the exact spans."""
from __future__ import annotations


import pytest

import evx

W = str.split     # W("a b") == ["a", "b"]: one expected match as its token words


# -- token constraints: fields -------------------------------------------------------------------

def test_word_is_exact_text(find):
    assert find("[word=Paris]", "Paris and paris and PARIS") == [["Paris"]]


def test_lower(find):
    assert find("[lower=paris]", "Paris and paris and PARIS") == [["Paris"], ["paris"], ["PARIS"]]


def test_lemma(find):
    assert find("[lemma=visit]", "She visited Rome and visits Oslo on visit") == [["visited"], ["visits"], ["visit"]]


def test_shape(find):
    assert find("[shape=Xxxxx]", "Paris is 12 km from ROME") == [["Paris"]]
    assert find("[shape=dd]", "Paris is 12 km from ROME") == [["12"]]


def test_tag_from_provided_tokens(find, provided):
    doc = provided("the cat sat on the mat", tag=["DT", "NN", "VBD", "IN", "DT", "NN"])
    assert find("[tag=NN]", doc) == [["cat"], ["mat"]]
    assert find("[tag=DT] [tag=NN]", doc) == [W("the cat"), W("the mat")]
    assert find("[tag!=/^(DT|NN)$/]", doc) == [["sat"], ["on"]]


def test_entity_with_hyphenated_bare_value(find, provided):
    doc = provided("Ali Khan met Sara", entity=["B-PER", "I-PER", "O", "B-PER"])
    assert find("[entity=B-PER] [entity=I-PER]*", doc) == [W("Ali Khan"), ["Sara"]]


def test_incoming_and_outgoing_dependencies(find, provided):
    # the <-det- cat <-nsubj- sat (root) -obj-> fish
    doc = provided("the cat sat fish", head=[1, 2, -1, 2], dep=["det", "nsubj", "ROOT", "obj"])
    assert find("[incoming=nsubj]", doc) == [["cat"]]
    assert find("[outgoing=det]", doc) == [["cat"]]
    assert find("[outgoing=obj & outgoing=nsubj]", doc) == [["sat"]]
    assert find("[outgoing!=det]", doc) == [["the"], ["sat"], ["fish"]]
    assert find("[incoming=ROOT]", doc) == [["sat"]]
    assert find("[incoming!=/^(det|obj)$/]", doc) == [["cat"], ["sat"]]
    assert find("[outgoing=/subj/]", doc) == [["sat"]]


def test_mention_field(find):
    assert find("[mention=Person]+", "Yesterday John Smith spoke",
                mentions={"Person": "John Smith"}) == [W("John Smith")]


def test_mention_field_inside_a_mention(find):
    """A token in the middle of a mention lies inside it, unlike with `@Label`."""
    assert find("[mention=Person & word=Smith]", "John Smith spoke",
                mentions={"Person": "John Smith"}) == [["Smith"]]


def test_mention_field_follows_taxonomy(find):
    assert find("[mention=Entity]", "Rome and Oslo", mentions={"Location": "Rome"},
                taxonomy="- Entity: [Location]") == [["Rome"]]


def test_mention_field_with_regex(find):
    assert find("[mention=/^Loc/]", "Rome and John", mentions={"Location": "Rome", "Person": "John"}) \
        == [["Rome"]]


def test_not_equal(find):
    assert find("[lower!=the]", "the cat") == [["cat"]]


def test_lemma_from_provided_tokens(find, provided):
    doc = provided("they were here", lemma=["they", "BE", None])
    assert find("[lemma=be]", doc) == [["were"]]


def test_unknown_field_is_an_error(find):
    with pytest.raises(evx.RuleErrors, match="unknown field 'colour'"):
        find("[colour=red]", "red")


# -- values -------------------------------------------------------------------------------------

def test_bare_value_with_dots(find):
    assert find("[word=U.N.]", "The U.N. said") == [["U.N."]]


def test_quoted_string(find):
    assert find("""[word="o'clock"]""", "at five o'clock") == [["o'clock"]]


def test_quoted_string_escapes(find, provided):
    assert find(r'[word="\""]', 'he said " hi') == [['"']]
    doc = provided(r"a a\b b")
    assert find(r'[word="a\\b"]', doc) == [["a\\b"]]


def test_quoted_string_keeps_pattern_characters(find):
    assert find('[word="#"] [word="|"]', "# | x") == [W("# |")]


def test_regex_is_searched_anywhere(find):
    assert find("[word=/ar/]", "Paris art car bus") == [["Paris"], ["art"], ["car"]]


def test_regex_anchored(find):
    assert find("[word=/^ar/]", "Paris art car") == [["art"]]
    assert find("[word=/^ar$/]", "ar art car") == [["ar"]]


def test_regex_is_case_sensitive(find):
    assert find("[word=/^p/]", "Paris paris") == [["paris"]]


def test_regex_ignoring_case(find):
    assert find("[word=/^police$/i]", "Police police POLICE policeman") == [["Police"], ["police"], ["POLICE"]]
    assert find("/^p/i", "Paris paris Oslo") == [["Paris"], ["paris"]]


def test_regex_ignoring_case_in_a_lookaround_and_negated(find):
    assert find("[] (?= [word=/^the$/i])", "a The b the c") == [["a"], ["b"]]
    assert find("[word!=/^a$/i]", "a A b") == [["b"]]


def test_regex_ignoring_case_as_python_does(find):
    # re.IGNORECASE lets the dotless ı stand for i: the rule index must not skip such a word
    assert find("[word=/^(visit|kiss)$/i] x", "VISIT x vısıt x Kiſs x") == [W("VISIT x"), W("vısıt x"), W("Kiſs x")]
    assert find("[lower=/^(visit)$/i] x", "VİSİT x") == []       # its lower form has a combining dot


def test_regex_ignoring_case_on_mention_labels(find):
    assert find("[mention=/^loc/i]", "Rome and John", mentions={"Location": "Rome", "Person": "John"}) == [["Rome"]]


@pytest.mark.parametrize("pattern, head, at", [
    ("[word=/^a$/g]", "FILE:7:18: unknown regex flag 'g'", "g]"),
    ("[word=/^a$/I]", "FILE:7:18: unknown regex flag 'I'", "I]"),
    ("/^a$/ii", "FILE:7:13: the flag 'i' is given twice", "i"),
    ("[lower=/^a$/is]", "FILE:7:20: unknown regex flag 's'", "s]"),
])
def test_regex_flag_errors_are_located(tmp_path, pattern, head, at):
    assert_check_error(tmp_path, pattern, head, at)


def test_unknown_regex_flag_hint():
    from evx.errors import PatternError
    from evx.pattern.parser import parse
    with pytest.raises(PatternError) as info:
        parse("[word=/x/I]")
    assert info.value.hint.startswith("did you mean 'i'?") and "/^police$/i" in info.value.hint
    with pytest.raises(PatternError) as info:
        parse("[word=/x/g]")
    assert info.value.hint == "a regex takes one flag, i (ignore case), as in /^police$/i"


def test_regex_with_a_global_flag_beside_a_word(find):
    # a flag such as (?i) must open its regex, so the alternation's options cannot be joined
    # into one regex for the prefilter; the rule still runs, on every sentence
    assert find("visit | /(?i)^x$/", "X visit x y") == [["X"], ["visit"], ["x"]]


def test_regex_escaped_slash(find):
    assert find(r"[word=/^9\/11$/]", "the 9/11 attacks and 911") == [["9/11"]]


def test_regex_negated_field(find):
    assert find("[word!=/a/]", "cat dog bat") == [["dog"]]


# -- sets of values ------------------------------------------------------------------------------

def test_set_of_bare_words(find):
    assert find("[lower in (paris, rome)]", "Paris and Rome and Oslo") == [["Paris"], ["Rome"]]


def test_set_of_lemmas_with_a_quoted_value(find, provided):
    doc = provided("they visited then set_off and arrived", lemma=["they", "visit", "then", "set off", "and",
                                                                  "arrive"])
    assert find('[lemma in (visit, arrive, "set off")]', doc) == [["visited"], ["set_off"], ["arrived"]]


def test_set_with_quoted_commas_and_brackets(find):
    assert find('[word in (",", "(", x)]', "a , b ( x )") == [[","], ["("], ["x"]]


def test_set_with_a_trailing_comma_and_one_value(find):
    assert find("[lower in (a,)] [lower in(b)]", "a b") == [W("a b")]


def test_not_in_set(find):
    assert find("[lower !in (the, a)]", "the cat a dog") == [["cat"], ["dog"]]
    assert find("[!lower in (the, a)]", "the cat a dog") == [["cat"], ["dog"]]


def test_set_in_a_boolean_constraint(find):
    assert find("[lower in (a, b) & !word=B]", "a B b c") == [["a"], ["b"]]
    assert find("[lower in (a) | shape=dd]", "a 12 c") == [["a"], ["12"]]


def test_set_of_mention_labels_follows_the_taxonomy(find):
    assert find("[mention in (Location, Group)]+", "Rome and John", mentions={"City": "Rome", "Person": "John"},
                taxonomy="- Location: [City]\n- Person\n- Group") == [["Rome"]]


def test_set_of_dependency_labels(find, provided):
    doc = provided("the cat sat fish", head=[1, 2, -1, 2], dep=["det", "nsubj", "ROOT", "obj"])
    assert find("[incoming in (nsubj, obj)]", doc) == [["cat"], ["fish"]]
    assert find("[outgoing in (det, amod)]", doc) == [["cat"]]


def test_in_is_still_a_word_outside_brackets(find):
    assert find("arrived in [lower in (paris)]", "arrived in Paris") == [W("arrived in Paris")]
    assert find("[lower=in]", "in on in") == [["in"], ["in"]]


def test_list_variable_after_in_is_a_set(find):
    verbs = ["visit", "arrive", "set off", "a,b"]
    assert find("[lemma in ${verbs}]", "visits arrived", variables={"verbs": verbs}) == [["visits"], ["arrived"]]
    assert find("[word !in ${verbs}]", "visit x", variables={"verbs": verbs}) == [["x"]]


def test_list_variable_after_in_outside_brackets_still_joins_with_a_bar(find):
    assert find("stay in (${places})", "stay in Rome", variables={"places": ["Oslo", "Rome"]}) \
        == [W("stay in Rome")]


def test_list_variable_after_in_inside_another_variable_is_a_set(find):
    variables = {"verbs": ["visit", "set off"], "verb": "[lemma in ${verbs} & !lower=x]",
                 "phrase": "stay in ${verbs}"}
    assert find("${verb}", "visits x arrived", variables=variables) == [["visits"]]
    from evx.pattern.parser import parse
    assert parse("${phrase}", variables) == parse("stay in visit|set off")     # outside brackets: joined


def test_list_variable_among_the_items_of_a_set_adds_its_items(find):
    variables = {"det": ["the", "a"], "more": "[lower in (this, ${det}, \"that one\")]"}
    assert find("[lower in (${det}, his)]", "the his x A", variables=variables) == [["the"], ["his"], ["A"]]
    assert find("[lower !in (x, ${det})] x", "the x his x", variables=variables) == [["his", "x"]]
    from evx.pattern.parser import parse
    assert parse("${more}", variables) == parse('[lower in (this, the, a, "that one")]')


def test_list_variable_set_takes_in_the_lists_it_names():
    from evx.pattern.parser import parse
    ast = parse("[lower in ${a}]", {"a": ["x", "${b}", "p ${c}"], "b": ["y", "z"], "c": "q"})
    assert ast.constraint.value.values == ("x", "y", "z", "p q")


def test_set_is_one_lookup():
    from evx.pattern.compiler import compile_pattern
    from evx.pattern.parser import parse
    from evx.rulefile.taxonomy import Taxonomy
    program = compile_pattern(parse("[lower in (a, b)] [word=c]"), Taxonomy())
    assert program.code[0].test.__code__ is program.code[1].test.__code__   # both: value test of a field
    assert program.prefilter.start.values == (("lower", frozenset({"a", "b"})),)


def check_errors(tmp_path, pattern: str) -> list[tuple[str, str, str]]:
    """`evx check` on a rule file with one pattern: each error's head (FILE:LINE:COL: message,
    the file's name as FILE), the source line it shows and the caret line under it."""
    from click.testing import CliRunner
    from evx.tools.cli import main
    path = tmp_path / "rules.yml"
    path.write_text("taxonomy:\n  - Entity: [Person]\nrules:\n  - name: r\n    label: Person\n"
                    "    pattern: |\n      " + pattern + "\n", encoding="utf-8")
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    return [(lines[i].replace(str(path), "FILE"), lines[i + 1], lines[i + 2])
            for i, line in enumerate(lines) if line.startswith(f"{path}:")]


def assert_check_error(tmp_path, pattern: str, head: str, at: str) -> None:
    """One error, `head`, whose caret stands under the start of `at` in the pattern's line."""
    (error,) = check_errors(tmp_path, pattern)
    shown, source, caret = error
    assert shown == head
    column = int(head.split(":")[2])
    assert caret.strip() == "^" and caret.index("^") - 4 == column - 1
    assert source[caret.index("^"):] == at


@pytest.mark.parametrize("pattern, head, at", [
    ("[lower in ()]", "FILE:7:17: an empty set: no token has a value in it", "()]"),
    ("[lower in (a, /b/)]", "FILE:7:21: a set holds words and quoted strings, not regexes", "/b/)]"),
    ("[lowr in (a)]", "FILE:7:8: unknown field 'lowr'", "lowr in (a)]"),
    ("[mention in (Person, Persn)]", "FILE:7:8: unknown label 'Persn'", "mention in (Person, Persn)]"),
    ("[lower in (a b)]", "FILE:7:20: unexpected 'b'", "b)]"),
    ("[lower in a]", "FILE:7:17: unexpected 'a'", "a]"),
])
def test_set_errors_are_located(tmp_path, pattern, head, at):
    assert_check_error(tmp_path, pattern, head, at)


def test_empty_list_variable_as_a_set_points_at_the_variable(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("vars:\n  none: []\nrules:\n  - name: r\n    label: X\n    pattern: a [lower in ${none}]\n",
                    encoding="utf-8")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    (err,) = info.value.errors
    assert err.message == "an empty set: no token has a value in it"
    assert (err.location.line, err.location.column) == (6, 26)      # the `$` of `${none}`


# -- boolean operators ---------------------------------------------------------------------------

def test_not_binds_tighter_than_and(find):
    # (!a) & [ab], not !(a & [ab])
    assert find("[!lower=a & lower=/^[ab]$/]", "a b c") == [["b"]]


def test_and_binds_tighter_than_or(find):
    # a | (b & c), not (a | b) & c
    assert find("[lower=a | lower=b & lower=c]", "a b c") == [["a"]]


def test_parentheses_override_precedence(find):
    assert find("[(lower=a | lower=b) & !lower=b]", "a b c") == [["a"]]
    assert find("[!(lower=a | lower=b)]", "a b c") == [["c"]]


def test_double_negation(find):
    assert find("[!!lower=a]", "a b") == [["a"]]


def test_empty_brackets_match_any_token(find):
    assert find("a [] c", "a b c a c") == [W("a b c")]


# -- bare tokens --------------------------------------------------------------------------------

def test_bare_word_matches_word(find):
    assert find("of", "Of course, out of time") == [["of"]]


def test_bare_string_matches_word(find):
    assert find('"the"', "The cat and the dog") == [["the"]]


def test_bare_regex_matches_word(find):
    assert find("/^[A-Z]/", "the Cat and Dog") == [["Cat"], ["Dog"]]


# -- sequences ----------------------------------------------------------------------------------

def test_concatenation(find):
    assert find("a b", "a b a c a b") == [W("a b"), W("a b")]


def test_grouping(find):
    assert find("a (b | c) d", "a b d a c d a e d") == [W("a b d"), W("a c d")]


def test_leftmost_alternative_wins(find):
    assert find("a | a b", "a b") == [["a"]]
    assert find("a b | a", "a b") == [W("a b")]


def test_alternative_that_fails_later_gives_way(find):
    assert find("(a | a b) c", "a b c") == [W("a b c")]


def test_empty_alternative(find):
    assert find("a ( | b) c", "a c a b c") == [W("a c"), W("a b c")]


# -- quantifiers -------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, text, expected", [
    ("a b?", "a b a", [W("a b"), ["a"]]),
    ("a b??", "a b a", [["a"], ["a"]]),
    ("a b?? c", "a b c", [W("a b c")]),
    ("a b*", "a b b c", [W("a b b")]),
    ("a b*?", "a b b c", [["a"]]),
    ("a b*? c", "a b b c", [W("a b b c")]),
    ("a b+", "a b b c", [W("a b b")]),
    ("a b+?", "a b b c", [W("a b")]),
    ("a b+", "a c", []),
    ("b{2}", "b b b b b", [W("b b"), W("b b")]),
    ("b{2}?", "b b b", [W("b b")]),
    ("b{2,3}", "b b b b b", [W("b b b"), W("b b")]),
    ("b{2,3}?", "b b b b b", [W("b b"), W("b b")]),
    ("b{2,}", "b b b b b", [W("b b b b b")]),
    ("b{2,}?", "b b b b b", [W("b b"), W("b b")]),
    ("b{2,}", "b c b", []),
    ("b{,2}", "b b b", [W("b b"), ["b"]]),
    ("a b{,2}? c", "a b b c a b b b c", [W("a b b c")]),
    ("a b{,2}", "a b b b", [W("a b b")]),
    ("a b{0} c", "a b c a c", [W("a c")]),
])
def test_quantifiers(find, pattern, text, expected):
    assert find(pattern, text) == expected


def test_lazy_vs_greedy_any(find):
    assert find("a []*? b", "a c b d b") == [W("a c b")]
    assert find("a []* b", "a c b d b") == [W("a c b d b")]


def test_counted_repeat_backs_off_to_a_later_start(find):
    assert find("x{1,3} y", "x x x x y") == [W("x x x y")]


def test_quantified_group(find):
    assert find("(a b)+", "a b a b a c") == [W("a b a b")]
    assert find("(a b){2}", "a b a b a b") == [W("a b a b")]


def test_lazy_quantifier_alone_matches_nothing(find):
    """It prefers the empty match, and an empty match is never reported."""
    assert find("b{,2}?", "b b b") == []
    assert find("b*?", "b b b") == []


# -- a pass that consumes nothing ends the repetition ---------------------------------------------
# When one pass of `*`, `+`, `{n,}` or `{n,m}` matches no token, the repetition ends there and
# the pattern goes on with what follows (Perl, Python, Go, RE2), instead of the pass falling
# back to the body's lower-priority choices. Expectations are Python's `re` on one letter a token.

def spans(pattern: str, text, **kw) -> list[tuple[int, int]]:
    """(start, end) token spans of the matches of rule `p`."""
    import tempfile
    from pathlib import Path
    from conftest import _pattern_rules, write_rules
    with tempfile.TemporaryDirectory() as folder:
        rules = evx.load_rules(write_rules(Path(folder), _pattern_rules(pattern, None, None, None, "Hit")))
    doc = evx.annotate(text) if isinstance(text, str) else text
    return [(m.start, m.end) for m in rules.matches(doc) if m.rule == "p"]


@pytest.fixture
def tagged(provided):
    return provided("the big dog barked", tag=["DT", "JJ", "NN", "VBD"])


def test_empty_pass_of_a_star_is_the_empty_match(find):
    assert find("( | a)*", "a a a") == []


def test_empty_pass_goes_on_with_what_follows(find):
    assert find("( | a)* a?", "a a") == [["a"], ["a"]]


def test_empty_pass_does_not_fall_back_to_a_later_alternative(find, tagged):
    assert find("[lower=the] ([tag=JJ]? | [tag=NN])*", tagged) == [W("the big")]


def test_assertion_as_a_pass_ends_the_repetition():
    # at the first "a" the first pass is `^`, which consumes nothing: the match there is empty
    assert spans("(^ | a b)*", "a b a b a") == [(2, 4)]


@pytest.mark.parametrize("pattern, expected", [
    ("[lower=the] ([tag=JJ]? | [tag=NN])+", [W("the big")]),
    ("[lower=the] ([tag=JJ]? | [tag=NN]){2,}", [W("the big")]),     # the second pass is empty
    ("[lower=the] ([tag=JJ]? | [tag=NN]){0,3}", [W("the big")]),
    ("[lower=the] ([tag=JJ]? | [tag=NN]){3}", [W("the big")]),      # required passes may be empty
    ("[lower=the] ([tag=JJ]? | [tag=NN])*? [tag=VBD]", [W("the big dog barked")]),
    ("[lower=the] ([tag=NN] | [tag=JJ]?)*", [W("the big dog")]),   # a token first: no empty pass
    ("[lower=the] ([tag=JJ] | [tag=NN])*", [W("the big dog")]),    # a body that always consumes
])
def test_empty_pass_variants(find, tagged, pattern, expected):
    assert find(pattern, tagged) == expected


@pytest.mark.parametrize("pattern, text, expected", [
    ("( | a)*? b", "a a b", [W("a a b")]),          # lazy: tries to stop first, then passes of "a"
    ("( | a)+?", "a a", []),                        # the one required pass prefers nothing
    ("(( | a)*)*", "a a", []),                      # nested: the inner empty pass ends both
    ("(( | a)* b)*", "a b b", [W("a b b")]),        # nested: inner passes end, outer go on
    ("(a | )* b", "a a b", [W("a a b")]),           # "a" first: the empty choice only ends it
    ("(^ | a b)+", "a b a b a", [W("a b")]),
])
def test_empty_pass_lazy_and_nested(find, pattern, text, expected):
    assert find(pattern, text) == expected


def test_empty_pass_with_a_capture_inside(find, tagged):
    found = find("[lower=the] (?<x> [tag=JJ]? | [tag=NN])*", tagged, captures=True)
    assert found == [(W("the big"), {"x": ["big"]})]


def test_empty_pass_of_a_mention_loop(find):
    # `@Person?` can be empty: at "and" the empty pass leads to "met", which fails there, so
    # the pass takes "and"; at "met" the pass is empty again and the loop ends before it
    assert find("(@Person? | [lower=and])* [lower=met]", "Ali and met",
                mentions={"Person": "Ali"}) == [W("Ali and met")]
    assert find("[lower=and]? (@Person? | [lower=met])* [lower=met]", "Ali and met",
                mentions={"Person": "Ali"}) == [W("and met")]


# -- captures ----------------------------------------------------------------------------------

def test_captures(find):
    assert find("(?<x> a) (?<y> b c)", "z a b c", captures=True) == [(W("a b c"), {"x": ["a"], "y": ["b c"]})]


def test_repeated_capture_name_appends(find):
    assert find("(?<x> a) b (?<x> c)", "a b c", captures=True) == [(W("a b c"), {"x": ["a", "c"]})]


def test_capture_inside_repeat_appends_each_iteration(find):
    assert find("(?<x> a)+ b", "a a a b", captures=True) == [(W("a a a b"), {"x": ["a", "a", "a"]})]
    assert find("((?<x> a) b)+", "a b a b", captures=True) == [(W("a b a b"), {"x": ["a", "a"]})]


def test_nested_captures(find):
    assert find("(?<x> a (?<y> b))", "a b", captures=True) == [(W("a b"), {"x": ["a b"], "y": ["b"]})]


def test_captures_of_abandoned_paths_are_dropped(find):
    assert find("(?<x> a b) | a (?<y> c)", "a c", captures=True) == [(W("a c"), {"y": ["c"]})]
    assert find("(?<x> a)* a b", "a a a b", captures=True) == [(W("a a a b"), {"x": ["a", "a"]})]


def test_capture_follows_lazy_choice(find):
    assert find("(?<x> []*?) b", "a c b d b", captures=True) \
        == [(W("a c b"), {"x": ["a c"]}), (W("d b"), {"x": ["d"]})]


def test_capture_name_of_mention(find):
    assert find("(?<who> @Person) spoke", "John Smith spoke", mentions={"Person": "John Smith"},
                captures=True) == [(W("John Smith spoke"), {"who": ["John Smith"]})]


# -- mentions ----------------------------------------------------------------------------------

def test_mention_label(find):
    assert find("@Person spoke", "John Smith spoke and Mary spoke",
                mentions={"Person": ["John Smith", "Mary"]}) == [W("John Smith spoke"), W("Mary spoke")]


def test_named_mention_capture(find):
    assert find("@who:Person spoke", "then John Smith spoke", mentions={"Person": "John Smith"},
                captures=True) == [(W("John Smith spoke"), {"who": ["John Smith"]})]


def test_mention_other_label_does_not_match(find):
    assert find("@Person", "Rome", mentions={"Location": "Rome", "Person": "John"}) == []


def test_parent_label_matches_children(find):
    taxonomy = """
    - Entity:
        - Actor: [Person]
        - Location
    """
    mentions = {"Person": "John", "Location": "Rome", "Thing": "rock"}
    assert find("@Entity", "John saw Rome and a rock", mentions=mentions, taxonomy=taxonomy) \
        == [["John"], ["Rome"]]
    assert find("@Actor", "John saw Rome and a rock", mentions=mentions, taxonomy=taxonomy) == [["John"]]


def test_child_label_does_not_match_parent(find):
    assert find("@Person", "John saw Ann", mentions={"Person": "John", "Actor": "Ann"},
                taxonomy="- Actor: [Person]") == [["John"]]


def test_unknown_label_is_an_error(find):
    with pytest.raises(evx.RuleErrors, match="unknown label 'Persn'"):
        find("@Persn", "John", mentions={"Person": "John"})


def test_mention_is_consumed_whole(find):
    """`@Person` can't stop after `John` when the mention is `John Smith`."""
    assert find("@Person Smith", "John Smith", mentions={"Person": "John Smith"}) == []
    assert find("@Person []", "John Smith spoke", mentions={"Person": "John Smith"}) == [W("John Smith spoke")]


def test_mention_starts_at_its_first_token(find):
    assert find("Smith @Person", "Smith John Smith", mentions={"Person": "John Smith"}) \
        == [W("Smith John Smith")]
    assert find("John @Person", "John Smith", mentions={"Person": "John Smith"}) == []


def test_longest_mention_preferred(find):
    mentions = {"Person": ["John", "John Smith"]}
    assert find("(?<p> @Person)", "John Smith spoke", mentions=mentions, captures=True) \
        == [(W("John Smith"), {"p": ["John Smith"]})]


def test_shorter_mention_when_the_longer_fails(find):
    mentions = {"Person": ["John", "John Smith"]}
    assert find("(?<p> @Person) Smith", "John Smith", mentions=mentions, captures=True) \
        == [(W("John Smith"), {"p": ["John"]})]
    assert find("@Person Smith", "John Smith Smith", mentions=mentions) == [W("John Smith Smith")]


# -- lookaround --------------------------------------------------------------------------------

def test_positive_lookahead(find):
    assert find("a (?= b)", "a b a c") == [["a"]]


def test_negative_lookahead(find):
    assert find("a (?! b)", "a b a c") == [["a"]]
    assert find("(?<x> a) (?! b)", "a b a c", captures=True) == [(["a"], {"x": ["a"]})]


def test_lookahead_is_not_consumed(find):
    assert find("a (?= b) b", "a b") == [W("a b")]
    assert find("a (?= b) c", "a b c") == []


def test_positive_lookbehind(find):
    assert find("(?<= b) a", "b a c a") == [["a"]]


def test_negative_lookbehind(find):
    assert find("(?<! b) a", "b a c a") == [["a"]]
    assert find("c (?<! b) a", "b a c a") == [W("c a")]


def test_lookahead_at_sentence_end(find):
    assert find("a (?! b)", "b a") == [["a"]]
    assert find("a (?= [])", "b a") == []
    assert find("a (?! [])", "a b a") == [["a"]]


def test_lookbehind_at_sentence_start(find):
    assert find("(?<! []) a", "a b a") == [["a"]]
    assert find("(?<= []) a", "a b a") == [["a"]]
    assert find("(?<= []) a", "a b") == []


def test_lookbehind_of_variable_length(find):
    assert find("(?<= x []*) a", "a x b b a") == [["a"]]
    assert find("(?<= x []{1,3}) a", "x b a x b b b b a") == [["a"]]
    assert find("(?<= x []{1,3}) (?<y> a)", "x b a", captures=True) == [(["a"], {"y": ["a"]})]


def test_negative_lookbehind_of_variable_length(find):
    assert find("(?<! x []*) a", "a x b a") == [["a"]]
    assert find("(?<! x []*) [] a", "b a x b a") == [W("b a")]


def test_lookahead_of_variable_length(find):
    assert find("a (?= []* z)", "a b a c z") == [["a"], ["a"]]
    assert find("a (?! []* z)", "a z a b") == [["a"]]


def test_nested_lookaround(find):
    assert find("a (?= b (?! c))", "a b c a b d") == [["a"]]
    assert find("(?<= (?<= x) y) z", "y z x y z") == [["z"]]
    assert find("(?<= (?! q) []) z", "q z r z") == [["z"]]


def test_lookbehind_sees_tokens_of_the_previous_match(find):
    assert find("(?<= a) a", "a a a") == [["a"], ["a"]]


def test_lookaround_does_not_see_the_next_sentence(find):
    text = "x a. B c"       # sentences: "x a ." and "B c"
    assert find('a "."', text) == [W("a .")]
    assert find('a "." (?= B)', text) == []
    assert find('(?<= ".") B', text) == []


def test_lookaround_with_mention(find):
    mentions = {"Person": "John Smith"}
    assert find("(?<= @Person) spoke", "John Smith spoke and Smith spoke", mentions=mentions) == [["spoke"]]
    assert find("said (?= @Person)", "said John Smith and said Smith", mentions=mentions) == [["said"]]


def test_capture_inside_lookaround_is_an_error(find):
    with pytest.raises(evx.RuleErrors, match="captures are not allowed inside a lookaround"):
        find("a (?= (?<x> b))", "a b")


# -- anchors -----------------------------------------------------------------------------------

def test_start_anchor(find):
    assert find("^ a", "a a") == [["a"]]
    assert find("^ b", "a b") == []


def test_end_anchor(find):
    assert find("a $", "a a") == [["a"]]
    assert find("b $", "a b.") == []


def test_both_anchors(find):
    assert find("^ a $", "a") == [["a"]]
    assert find("^ a $", "a a") == []
    assert find("^ []+ $", "a b c") == [W("a b c")]


def test_anchors_hold_in_each_sentence(find):
    assert find("^ []", "Hello there. Bye now.") == [["Hello"], ["Bye"]]
    assert find('[] "." $', "Hello there. Bye now.") == [W("there ."), W("now .")]


def test_anchor_inside_alternation(find):
    assert find("(^ | x) a", "a x a b a") == [["a"], W("x a")]


def test_repeated_anchor_is_an_error(find):
    with pytest.raises(evx.RuleErrors, match="cannot be repeated"):
        find("^* a", "a")


# -- comments and variables --------------------------------------------------------------------

def test_comments_in_a_multi_line_pattern(find):
    pattern = """
    # leading comment
    a      # first token
    b      # second token
    # trailing comment
    """
    assert find(pattern, "a b c") == [W("a b")]


def test_comment_ends_at_line_end(find):
    assert find("a # b\nc", "a b a c") == [W("a c")]


def test_scalar_variable(find):
    assert find("a ${v}", "a b a c", variables={"v": "c"}) == [W("a c")]


def test_list_variable_joins_with_bar(find):
    assert find("a (${vs})", "a b a c a d", variables={"vs": ["b", "c"]}) == [W("a b"), W("a c")]


def test_list_variable_inside_regex(find):
    assert find("[lemma=/^(${verbs})$/]", "She visited and left and stayed",
                variables={"verbs": ["visit", "stay"]}) == [["visited"], ["stayed"]]


def test_unknown_variable_is_an_error(find):
    with pytest.raises(evx.RuleErrors, match="unknown variable 'nope'"):
        find("a ${nope}", "a")


# -- search semantics --------------------------------------------------------------------------

def test_leftmost_start_beats_alternative_order(find):
    assert find("b | a b", "a b") == [W("a b")]


def test_no_overlaps(find):
    assert find("a a", "a a a") == [W("a a")]


def test_resume_after_each_match(find):
    assert find("a []", "a a a a a") == [W("a a"), W("a a")]
    assert find("a []?", "a a a") == [W("a a"), ["a"]]


def test_empty_match_never_reported(find):
    assert find("a*", "b a a b") == [W("a a")]
    assert find("x?", "y y") == []
    assert find("(?= a)", "a b a") == []
    assert find("^", "a b") == []


def test_empty_match_moves_on_one_token(find):
    """An empty match at `b` does not hide the match that starts right after it."""
    assert find("a*", "b a b a a") == [["a"], W("a a")]


def test_no_match_spans_two_sentences(find):
    text = "Start a here. Then b here."
    assert find("a []* b", text) == []
    assert find("a []*", text) == [W("a here .")]


def test_sentences_are_searched_independently(find):
    assert find("a b", "x a. B b a b.") == [W("a b")]


def test_every_sentence_reports_its_matches(find):
    assert find("[lower=a] b", "A b and a b. A b too.") == [W("A b"), W("a b"), W("A b")]


# -- records in the language -------------------------------------------------------------------

def test_empty_capture_spans_no_token(rules_from):
    rules = rules_from("""
        rules:
          - name: p
            label: R
            pattern: (?<x> b?) (?<y> a)
        """)
    text = "a c"
    (record,) = rules.extract(text, mentions=True)
    for span in record.arguments.get("x", ()):
        assert span.start <= span.end
        assert span.text == ""


# -- pathological patterns finish --------------------------------------------------------------

def one_sentence(text: str) -> evx.Document:
    """The annotation of `text` as a single sentence, however long."""
    doc = evx.annotate(text)
    tokens = tuple(t._replace(index=i)
                   for i, t in enumerate(t for s in doc.sentences for t in s.tokens))
    sentence = evx.Sentence(0, tokens[0].start, tokens[-1].end, tokens)
    return evx.Document(doc.id, doc.text, (sentence,))


LONG = 2000


@pytest.fixture(scope="module")
def long_docs():
    with_x = one_sentence(" ".join(["a"] * (LONG - 1) + ["x"]))
    without = one_sentence(" ".join(["a"] * LONG))
    with_b = one_sentence(" ".join(["a"] * (LONG - 1) + ["b"]))
    return with_x, without, with_b


def test_long_sentence_is_one_sentence(long_docs):
    assert [len(s.tokens) for s in long_docs[0].sentences] == [LONG]


def test_nested_star(find, long_docs):
    with_x, without, _ = long_docs
    (match,) = find("([]*)*x", with_x)
    assert len(match) == LONG and match[-1] == "x"
    assert find("([]*)*x", without) == []


def test_ambiguous_alternation_in_star(find, long_docs):
    _, without, with_b = long_docs
    (match,) = find("(a|a)*b", with_b)
    assert len(match) == LONG
    assert find("(a|a)*b", without) == []


def test_optional_then_counted(find, long_docs):
    with_x, without, _ = long_docs
    assert find("([]?){40}[]{40} x", with_x) == [["a"] * 80 + ["x"]]
    assert find("([]?){40}[]{40} x", without) == []


def test_unbounded_lookbehind_then_star(find, long_docs):
    with_x, without, _ = long_docs
    (match,) = find("(?<=[]*) []* x", with_x)
    assert len(match) == LONG
    assert find("(?<=[]*) []* x", without) == []


def test_lookahead_in_a_star(find, long_docs):
    with_x, without, _ = long_docs
    (match,) = find("((?= []+ x) [])+", with_x)
    assert len(match) == LONG - 1
    assert find("((?= []+ x) [])+", without) == []


def test_variables_inside_variables_are_expanded():
    from evx.pattern.parser import parse
    ast = parse("[lower=/^(${a})$/]", {"a": ["x", "${b}"], "b": ["y", "z"]})
    assert ast.constraint.value.source == "^(x|y|z)$"


def test_variables_in_a_loop_are_an_error():
    from evx.errors import PatternError
    from evx.pattern.parser import parse
    with pytest.raises(PatternError, match="a -> b -> a"):
        parse("x ${a}", {"a": "${b}", "b": "${a}"})


def test_one_token_lookarounds_with_regexes_and_sets(find):
    # one-token lookarounds are answered directly: each kind of test, positive and negative
    assert find("(?! [lower=/^b/]) []", "a b c") == [["a"], ["c"]]
    assert find("(?= [lower=/^b/]) []", "a b c") == [["b"]]
    assert find("(?<! [lower=/^(a|c)$/]) []", "a b c") == [["a"], ["c"]]
    assert find("(?<= [lower=/^(a|c)$/]) []", "a b c") == [["b"]]
    assert find("[] (?! [shape=/^x/])", "a B c") == [["a"], ["c"]]
