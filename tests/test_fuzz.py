"""Fuzzing the rule language and the offsets: nothing may escape as anything but evx's own error.

Three generators feed rule files to the loader:
- patterns built from the grammar's pieces (every field and operator, strings, regexes good and
  bad, `& | !`, groups, every quantifier with good and bad bounds, captures, `@Label` and
  `@name:Label` with known and unknown labels, lookarounds, anchors, comments, `${var}`);
- valid patterns mutated by random insertions, deletions and truncations;
- random YAML structures in the places of taxonomy, events, vars, rules and rule keys.
Patterns with nested quantifiers, fixed and random, must finish on a 5,000-token sentence.

Each file either loads or raises `evx.EvxError` whose every error has a location inside the
file. A last property runs JSON Lines documents full of awkward characters through
`evx match --mentions` and checks that every span (record, trigger, arguments) is the
document's own `text[start:end]`.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from unittest import mock

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import evx
from evx.tools import cli
from evx.pattern.compiler import compile_pattern
from evx.errors import PatternError
from evx.pattern.parser import parse
from evx.rulefile.taxonomy import Taxonomy

FIELDS = ("word", "lower", "lemma", "tag", "entity", "shape", "incoming", "outgoing", "mention")
BAD_FIELDS = ("Word", "pos", "text", "lemmas", "_", "x")
LABELS = ("Person", "Location", "Entity", "Event", "VISIT")
BAD_LABELS = ("Persn", "location", "Nowhere", "X.Y-z")
VARIABLES = {"verbs": ["arrive", "visit"], "one": "envoy", "regex": "^(in|to)$", "num": "3"}

SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])

# -- what a well-behaved failure looks like -----------------------------------------------------


def check_located(err: evx.EvxError, path: Path, text: str) -> None:
    """Every error names this file, a line of it and a column on (or just after) that line."""
    errors = err.errors if isinstance(err, evx.RuleErrors) else [err]
    assert errors, "an error list with no error in it"
    lines = text.splitlines() or [""]
    for e in errors:
        assert isinstance(e, evx.EvxError)
        loc = e.location
        assert loc is not None, f"no location for: {e.message}"
        assert loc.file == str(path), (loc.file, e.message)
        assert 1 <= loc.line <= len(lines), (loc, e.message, len(lines))
        assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1, (loc, e.message, lines[loc.line - 1])
        formatted = e.format()
        assert formatted.startswith(f"{loc.file}:{loc.line}:{loc.column}: ")
    str(err)   # the whole report renders


def load_or_located_error(text: str) -> evx.RuleSet | None:
    """Load `text` as a rule file: the rule set, or None after checking the error's locations."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            return evx.load_rules(path)
        except evx.EvxError as err:
            check_located(err, path, path.read_text(encoding="utf-8", errors="replace"))
            return None


# -- patterns from the grammar's pieces ---------------------------------------------------------

# YAML counts NEL, LS and PS as line breaks, and so does str.splitlines(); the locations of errors
# inside patterns do not: that has a test of its own below, so the generators leave them out
ODD_BREAKS = "\x85\u2028\u2029"
safe_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters=ODD_BREAKS)
words = st.one_of(
    st.sampled_from(["visit", "B-PER", "U.N.", "o'clock", "in", "x", "a", "Kabul", "é", "中文", "1", "-"]),
    st.text(alphabet=safe_chars, min_size=1, max_size=4),
)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


strings = st.one_of(st.sampled_from(['"the"', '"o\'clock"', '""', r'"a\"b"', r'"\\"', '"a b"', '"unclosed']),
                    words.map(_quote))
regexes = st.sampled_from([
    "/^X/", "/^(in|to)$/", "/x/", r"/a\/b/", "//", "/[/", "/(/", "/a{2,1}/", "/*/", "/(?P<x>a)(?P=y)/",
    r"/\/", "/unclosed", "/(?<=a+)b/", "/^(${verbs})$/", "/${regex}/", r"/\d+/", "/a|/", "/(?i)x/",
])
values = st.one_of(words, strings, regexes)
fields = st.one_of(st.sampled_from(FIELDS), st.sampled_from(BAD_FIELDS))
tests = st.builds(lambda f, op, v: f"{f}{op}{v}", fields, st.sampled_from(["=", "!=", " = ", "==", "!", ""]), values)

constraints = st.recursive(
    tests,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} & {b}", inner, inner),
        st.builds(lambda a, b: f"{a} | {b}", inner, inner),
        st.builds(lambda a: f"!{a}", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"({a}", inner),           # unbalanced
    ),
    max_leaves=4,
)
quantifiers = st.sampled_from([
    "", "", "", "?", "*", "+", "{2}", "{1,3}", "{2,}", "{,2}", "{0}", "{0,0}", "{3,1}", "{}", "{,}",
    "{1001}", "{0,5000}", "{99999999999999999999}", "??", "*?", "+?", "{1,2}?", "**", "+*", "{1,2",
])
labels = st.one_of(st.sampled_from(LABELS), st.sampled_from(BAD_LABELS))
capture_names = st.sampled_from(["trigger", "visitor", "x", "_a1", "1bad", "a-b", ""])

atoms = st.one_of(
    st.builds(lambda c: f"[{c}]", constraints),
    st.just("[]"),
    st.just("[ ]"),
    values,
    st.builds(lambda lab: f"@{lab}", labels),
    st.builds(lambda name, lab: f"@{name}:{lab}", capture_names, labels),
    st.sampled_from(["^", "$", "${verbs}", "${one}", "${nope}", "${}", "${", "[lemma=/^(${verbs})$/]",
                     "# a comment\n", "# ${nope} in a comment\n", "[", "]", "(", ")", "|", "&", "!", "@", "@:",
                     "(?<", "(?=", "\\", "'", "\t", "\u00a0", "\u200b"]),
)


def _wrap(kind: str, body: str, name: str) -> str:
    return {"group": f"({body})", "capture": f"(?<{name}> {body})", "ahead": f"(?= {body})",
            "not-ahead": f"(?! {body})", "behind": f"(?<= {body})", "not-behind": f"(?<! {body})",
            "open": f"({body}"}[kind]


patterns = st.recursive(
    st.builds(lambda a, q: a + q, atoms, quantifiers),
    lambda inner: st.one_of(
        st.builds(lambda items: " ".join(items), st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda items: " | ".join(items), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda kind, body, name, q: _wrap(kind, body, name) + q,
                  st.sampled_from(["group", "capture", "ahead", "not-ahead", "behind", "not-behind", "open"]),
                  inner, capture_names, quantifiers),
    ),
    max_leaves=8,
)

# -- valid patterns, then mutated --------------------------------------------------------------

VALID = [
    "[lower=envoy] [shape=/^X/]+",
    "(?<visitor> @Person) (?<trigger> [lemma=/^(arrive|visit)$/]) in? (?<destination> @Location)",
    "(?<visitor> @Person | @Location) []{0,6}? (?<trigger> [lemma=/^(arrive|visit|travel)$/ & !tag=/^N/])\n"
    "[lower=/^(in|to|at)$/]? (?<destination> @Location)",
    "of \"o'clock\" /^[A-Z]/",
    "(?<! [lower=not] []{0,3}) (?<trigger> [lemma=${one}]) # a comment\n (?= [] $)",
    "^ [mention=Person]+ (a | b | c){2,5}? $",
    "@who:Person [word!=, & (tag=VBD | tag=VBZ)] [incoming=nsubj | outgoing=/obj/]",
    "[lemma=/^(${verbs})$/]{,3} [entity=B-PER] [entity!=O]*?",
]
MUTATION_CHARS = list("[]()|&!=?*+{},@^$#\"/\\<>:~% \n\t") + ["${", "(?<", "(?=", "(?<!", "\u00a0", "é", "\x00"]


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "truncate", "swap"]))
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        if op == "insert":
            piece = draw(st.one_of(st.sampled_from(MUTATION_CHARS), st.text(alphabet=safe_chars, max_size=2)))
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            j = draw(st.integers(i, min(len(text), i + 3)))
            text = text[:i] + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            j = draw(st.integers(0, len(text) - 1))
            chars = list(text)
            if i < len(chars):
                chars[i], chars[j] = chars[j], chars[i]
            text = "".join(chars)
    return text


# -- writing a pattern into a rule file --------------------------------------------------------

TAXONOMY = """\
taxonomy:
  - Entity: [Person, Location]
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
vars:
  verbs: [arrive, visit]
  one: envoy
  regex: ^(in|to)$
  num: "3"
"""
PRELUDE_RULES = """\
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Qomi]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad]
"""


def rule_file(pattern: str, style: str, label: str) -> str:
    if style == "block" and "\r" not in pattern:
        body = "    pattern: |2\n" + "".join("      " + line + "\n" for line in pattern.split("\n"))
    elif style == "single":
        body = "    pattern: '" + pattern.replace("'", "''") + "'\n"
    else:
        body = "    pattern: " + json.dumps(pattern) + "\n"
    return TAXONOMY + PRELUDE_RULES + f"  - name: fuzzed\n    label: {label}\n    priority: 2\n" + body


def _check_pattern_file(pattern: str, style: str, label: str) -> None:
    rules = load_or_located_error(rule_file(pattern, style, label))
    if rules is not None:     # what loads must also run
        rules.extract("The envoy Qomi arrived in Islamabad. Qomi visit Islamabad", mentions=True, hidden=True)


@SETTINGS
@given(patterns, st.sampled_from(["block", "single", "json"]), st.sampled_from(["Hit", "VISIT"]))
def test_grammar_built_patterns_load_or_fail_located(pattern, style, label):
    _check_pattern_file(pattern, style, label)


@SETTINGS
@given(mutated(), st.sampled_from(["block", "single", "json"]), st.sampled_from(["Hit", "VISIT"]))
def test_mutated_patterns_load_or_fail_located(pattern, style, label):
    _check_pattern_file(pattern, style, label)


@pytest.mark.parametrize("brk", ["\u2028", "\x85", "\u2029"])
def test_locations_agree_after_an_unusual_line_break(tmp_path, brk):
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n  - name: p\n    label: X\n    description: 'one" + brk + "two'\n"
                    "    pattern: 'a ]'\n  - name: q\n    label: X\n    bogus: 1\n", encoding="utf-8")
    with pytest.raises(evx.EvxError) as info:
        evx.load_rules(path)
    pattern_error, key_error = info.value.errors
    assert pattern_error.location.source_line[pattern_error.location.column - 1] == "]"
    assert key_error.location.line - pattern_error.location.line == 3


TAX = Taxonomy({"Entity": None, "Person": "Entity", "Location": "Entity", "Event": None, "VISIT": "Event"})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(patterns, mutated(), st.text(max_size=40)))
def test_parser_raises_only_pattern_errors_inside_the_pattern(pattern):
    """Below the loader: parse + compile raise PatternError with an offset inside the text."""
    try:
        compile_pattern(parse(pattern, VARIABLES), TAX)
    except PatternError as err:
        for e in err.all():
            assert 0 <= e.offset <= len(pattern), (e.offset, len(pattern), e.message)
            assert isinstance(e.message, str) and e.message


def test_every_grammar_piece_is_reachable():
    """The generators above cover each construct of the grammar at least once."""
    pieces = ["[lemma=visit]", "[tag!=NNP]", "[lower=/^(in|to)$/]", "[lemma=attack & !tag=/^N/]",
              "[(word=b | lemma=c) & !(tag=d)]", "[]", "of", '"the"', "/^[A-Z]/", "a | b", "(a b)", "a?", "a*",
              "a+", "a{2}", "a{1,3}", "a{2,}", "a{,3}", "a*?", "(?<x> a)", "@Person", "@who:Person",
              "(?= a)", "(?! a)", "(?<= a)", "(?<! a)", "^ a", "a $", "a # comment", "[lemma=${one}]"]
    for piece in pieces:
        compile_pattern(parse(piece, VARIABLES), TAX)   # each is valid on its own


# -- random YAML structures ----------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["Person", "VISIT", "token", "lexicon", "2+", "2-4", "0", "-1", "a-b", "", " ", "~", "null",
                     "yes", "on", "[lower=x]", "@Person", "(?<trigger> visit)", "${verbs}", "rules.yml",
                     "../x.yml", "/etc/passwd", "main.yml", "2024-01-15"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00" + ODD_BREAKS),
            max_size=8),
)
keys = st.one_of(
    st.sampled_from(["name", "label", "priority", "type", "pattern", "lexicon", "phrases", "keep", "attributes",
                     "normalize", "examples", "description", "import", "vars", "roles", "required", "text",
                     "expect", "trigger", "cases", "default", "value", "before", "after", "types", "Person",
                     "Entity", "taxonomy", "events", "rules", "contexts"]),
    st.text(alphabet="abcXYZ_-. ", min_size=1, max_size=5),
    st.integers(-3, 3), st.booleans(),
)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
rule_like = st.dictionaries(
    st.sampled_from(["name", "label", "priority", "type", "pattern", "lexicon", "phrases", "keep", "attributes",
                     "normalize", "examples", "import", "vars", "bogus"]),
    structures, min_size=1, max_size=6,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "taxonomy": structures,
        "events": st.one_of(structures, st.dictionaries(st.sampled_from(["VISIT", "X", "Person"]),
                                                        st.dictionaries(st.sampled_from(["roles", "required", "x"]),
                                                                        structures, max_size=3), max_size=3)),
        "vars": st.one_of(structures, st.dictionaries(st.sampled_from(["verbs", "one", "x"]), structures, max_size=3)),
        "contexts": structures,
        "rules": st.one_of(structures, st.lists(st.one_of(rule_like, structures), max_size=4)),
        "extra": structures,
    },
)


def _dump(data, flow: bool) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@SETTINGS
@given(st.one_of(documents, structures), st.booleans())
def test_random_yaml_structures_load_or_fail_located(data, flow):
    text = _dump(data, flow)
    rules = load_or_located_error(text)
    if rules is not None:
        rules.extract("Qomi arrived in Islamabad.", mentions=True, hidden=True)


@SETTINGS
@given(st.one_of(documents, structures), st.integers(0, 10_000), st.sampled_from(["cut", "insert", "indent"]),
       st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\t\n ") + ["&a ", "*a", "!!str ", "!!python/name:os.system ", "<<: "]))
def test_damaged_yaml_loads_or_fails_located(data, at, how, piece):
    """YAML text cut short or with a stray character: a located error (bad YAML or otherwise)."""
    text = _dump(data, False)
    at %= len(text) + 1
    if how == "cut":
        text = text[:at]
    elif how == "insert":
        text = text[:at] + piece + text[at:]
    else:
        line_start = text.rfind("\n", 0, at) + 1
        text = text[:line_start] + "  " + text[line_start:]
    load_or_located_error(text)


# -- patterns that would explode a backtracking matcher ----------------------------------------

LONG = 5000


def one_sentence(words: list[str]) -> evx.Document:
    """One sentence of these words, however many: the annotator would cut it at 1,000 tokens."""
    doc = evx.annotate(" ".join(words))
    tokens = tuple(t._replace(index=i) for i, t in enumerate(t for s in doc.sentences for t in s.tokens))
    return evx.Document(doc.id, doc.text, (evx.Sentence(0, tokens[0].start, tokens[-1].end, tokens),))


LONG_NAMES = {
    "x-last": lambda: ["a"] * (LONG - 1) + ["x"],
    "x-first": lambda: ["x"] + ["a"] * (LONG - 1),
    "b-last": lambda: ["a"] * (LONG - 1) + ["b"],
    "none": lambda: ["a"] * LONG,
}
_LONG_DOCS: dict[str, evx.Document] = {}


def _long_doc(name: str) -> evx.Document:
    if name not in _LONG_DOCS:
        _LONG_DOCS[name] = one_sentence(LONG_NAMES[name]())
    return _LONG_DOCS[name]


@pytest.fixture(scope="module")
def long_docs():
    return {name: _long_doc(name) for name in LONG_NAMES}


def test_the_long_sentence_is_one_sentence(long_docs):
    assert all([len(s.tokens) for s in doc.sentences] == [LONG] for doc in long_docs.values())


# pattern -> {document: lengths of the matches}
PATHOLOGICAL = {
    "([]*)*x": {"x-last": [LONG], "x-first": [1], "b-last": [], "none": []},
    "([]*)*[word=/x/]": {"x-last": [LONG], "x-first": [1], "b-last": [], "none": []},
    "(a|a)*b": {"x-last": [], "x-first": [], "b-last": [LONG], "none": []},
    "(a|a)*[lower=/^b$/]": {"x-last": [], "b-last": [LONG], "none": []},
    "([]?){40}[]{40} x": {"x-last": [81], "x-first": [], "none": []},
    "([]?){40}[]{40} [word=/x/]": {"x-last": [81], "x-first": [], "none": []},
    "(?<=[]*) []* x": {"x-last": [LONG], "x-first": [1], "none": []},
    "(?<=[]*) []* [word=/^x$/ & !word=/q/]": {"x-last": [LONG], "none": []},
    "(?![]* q) []* [word=/x/]": {"x-last": [LONG], "none": []},
    "((a*)*)* $": {"none": [LONG], "x-last": []},
    "(?<x> []*)* x": {"x-last": [LONG], "none": []},
    "([]*?)*? x": {"x-last": [LONG], "none": []},
    "(a|[]|a*)+ [word=/x/]": {"x-last": [LONG], "none": []},
    "([]{0,10}){0,10} [word=/x/]": {"x-last": [101], "x-first": [1], "none": []},
    "(?=([]*)*[word=/x/]) []": {"x-first": [1], "none": []},
    "(?<=(?<=[]* a) []*) x": {"x-last": [1], "x-first": [], "none": []},
}


@pytest.mark.parametrize("pattern", list(PATHOLOGICAL))
def test_pathological_patterns_finish_on_a_long_sentence(find, long_docs, pattern):
    for name, lengths in PATHOLOGICAL[pattern].items():
        found = find(pattern, long_docs[name])
        assert [len(m) for m in found] == lengths, (pattern, name)


def _matches(pattern: str, doc: evx.Document) -> list[tuple[int, int]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yml"
        path.write_text("rules:\n  - name: p\n    label: Hit\n    pattern: " + json.dumps(pattern) + "\n",
                        encoding="utf-8")
        rules = evx.load_rules(path)
    return [(m.start, m.end) for m in rules.matches(doc) if m.rule == "p"]


nested_bodies = st.recursive(
    st.sampled_from(["[]", "a", "x", "[word=/a/]", "(a|a)", "([]|a)", "[]?", "a*"]),
    lambda inner: st.one_of(
        st.builds(lambda b, q: f"({b}){q}", inner, st.sampled_from(["*", "+", "?", "*?", "{0,3}", "{2}", "{1,}?"])),
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a, b: f"({a} | {b})", inner, inner),
        st.builds(lambda b, kind: f"({kind} {b})", inner, st.sampled_from(["?=", "?!", "?<=", "?<!"])),
    ),
    max_leaves=5,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_bodies, st.sampled_from(["x", "[word=/^x$/]", "$", "b", ""]), st.sampled_from(list(LONG_NAMES)))
def test_random_nested_quantifiers_finish_on_a_long_sentence(body, tail, which):
    """Whatever the nesting, the search finishes; matches are non-empty, in order, without overlap."""
    doc = _long_doc(which)
    pattern = f"{body} {tail}".strip()
    try:
        found = _matches(pattern, doc)
    except evx.EvxError:
        return      # e.g. a repeated assertion: refused, with a location
    end = 0
    for start, stop in found:
        assert end <= start < stop <= LONG
        end = stop


# -- offsets through the command line ------------------------------------------------------------

NEWS = evx.load_rules()
_REAL_LOAD = cli.load_rules


def _bundled_once(*paths, allow_outside_imports=False):
    """The bundled rules, loaded once for the whole property instead of once per run."""
    if not paths or [Path(p) for p in paths] == [evx.bundled_rules()]:
        return NEWS
    return _REAL_LOAD(*paths, allow_outside_imports=allow_outside_imports)


NEWS_WORDS = ["Iranian", "envoy", "Hassan", "Kazmi", "Qomi", "arrived", "in", "Islamabad", "on", "Sunday", "met",
              "Foreign", "Minister", "Jalil", "Abbas", "Jilani", "Taliban", "officials", "denied", "allegations",
              "attacked", "Kabul", "bomb", "killed", "visited", "Tehran", "talks", "with", "President", "said",
              "yesterday", "the", "of", ",", ".", "(", ")", "'s", "Mr.", "U.S.", "—"]
AWKWARD = ["\U0001F600", "\U0001F1FA\U0001F1F8", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "e\u0301",
           "\u0301", "a\u0308\u0301", "\r\n", "\r", "\n", "\u00a0", "\u202f", "\u2007", "\u200b", "\u200c",
           "\u200d", "\ufeff", "\u2028", "\u2029", "\t", "\x0b", "\x0c", "\x85", "\u3000", "\u2019s",
           "\u201c", "\u201d", "\uff0c", "\u0627\u0644\u0642\u0627\u0647\u0631\u0629", "\u4e2d\u6587",
           "\U0001d400", "\x00", "\x1f", "\x7f"]
gaps = st.sampled_from([" ", " ", " ", "", "\n", "\r\n", "\u00a0", "\u200b", "\ufeff", "\t", "\u2028", "  "])
# lone surrogates cannot be written as UTF-8 at all: they have a test of their own in test_hostile.py
free_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3)


SENTENCES = ["Iranian envoy Hassan Kazmi Qomi arrived in Islamabad on Sunday .",
             "Qomi met Foreign Minister Jalil Abbas Jilani in Islamabad .",
             "Taliban officials have denied these allegations .",
             "A bomb attack killed 12 people in Kabul yesterday .",
             "Mr. Qomi visited Tehran and held talks with President Raisi ."]
awkward_gaps = st.one_of(gaps, st.sampled_from(AWKWARD).map(lambda a: " " + a + " "), st.sampled_from(AWKWARD))


@st.composite
def news_texts(draw) -> str:
    if draw(st.booleans()):     # sentences the rules know, with awkward characters between or inside words
        out = []
        for sentence in draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)):
            for word in sentence.split(" "):
                if draw(st.integers(0, 9)) == 0:
                    cut = draw(st.integers(0, len(word)))
                    word = word[:cut] + draw(st.sampled_from(AWKWARD)) + word[cut:]
                out.append(word + draw(awkward_gaps))
        return "".join(out)
    parts = draw(st.lists(st.one_of(st.sampled_from(NEWS_WORDS), st.sampled_from(AWKWARD), free_text),
                          min_size=1, max_size=40))
    return "".join(part + draw(gaps) for part in parts)


def _spans(record: dict):
    yield "record", record
    if "trigger" in record:
        yield "trigger", record["trigger"]
    for role, spans in record.get("arguments", {}).items():
        for span in spans:
            yield role, span


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(news_texts(), min_size=1, max_size=5), st.booleans())
def test_cli_spans_are_slices_of_their_document(texts, crlf_file):
    docs = [{"id": f"doc{i}", "text": text} for i, text in enumerate(texts)]
    newline = "\r\n" if crlf_file else "\n"
    payload = newline.join(json.dumps(d, ensure_ascii=bool(i % 2)) for i, d in enumerate(docs)) + newline
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(cli, "load_rules", _bundled_once):
        path = Path(folder) / "docs.jsonl"
        path.write_bytes(payload.encode("utf-8"))
        result = CliRunner().invoke(cli.main, ["match", "--mentions", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    by_id = {d["id"]: d["text"] for d in docs}
    # JSON Lines are split at "\n" only: a record may hold U+2028 or U+0085, which splitlines() would cut at
    records = [json.loads(line) for line in result.stdout.split("\n") if line.strip()]
    for record in records:
        text = by_id[record["doc"]]
        for what, span in _spans(record):
            assert 0 <= span["start"] < span["end"] <= len(text), (what, span)
            assert span["text"] == text[span["start"]:span["end"]], (what, span, record["rule"])
    # the same documents through the Python API give the same records
    expected = [r.to_dict() for d in docs for r in NEWS.extract(evx.annotate(d["text"], d["id"]), mentions=True)]
    assert records == expected
    event("records: " + ("none" if not records else "some"))
    event("arguments: " + ("some" if any(r.get("arguments") for r in records) else "none"))
