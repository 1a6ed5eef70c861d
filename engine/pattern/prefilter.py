"""What a pattern needs before it can match, so the runtime can skip where it cannot.

Two facts are read off the AST at compile time:
- `Start`: what the first token of any non-empty match satisfies (a word, lower-cased form
  or lemma from a set, lying inside a mention of some labels, or the start of a mention). The VM tries only those
  start positions.
- `Needs`: literal values and mention labels that every match contains somewhere. A
  sentence lacking one of them is skipped without running the VM at all.
Both are conservative: when the analysis cannot tell, it says nothing (None / no need).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Iterable

from . import nodes as n
from .visitor import Visitor
from ..rulefile.taxonomy import Taxonomy

INDEXED_FIELDS = ("word", "lower", "lemma", "pos", "tag", "chunk", "incoming", "shape")
# fields with few values, each on many tokens: they narrow start positions, but a rule is
# filed or anchored under one of them only when it offers nothing from a word field
COARSE_FIELDS = frozenset({"pos", "tag", "chunk", "incoming", "shape"})

_PLAIN = re.compile(r"[^\\.^$*+?{}\[\]()|]+")
_ANCHORED = re.compile(r"\^\((?:\?:)?([^()]*)\)\$|\^([^()|]*)\$")


# tokens so common that needing one of them says little about a sentence
COMMON = frozenset(""". , ; : ' " ( ) - the a an and or of to in on at for with by from as that this is are was
were be been has have had it its he she they his her their not but said says 's""".split())


def selectivity(values: frozenset[str], field: str = "lower") -> tuple[bool, bool, int]:
    """Smaller is rarer: a coarse field is worth least, then a set with a common token in it."""
    return (field in COARSE_FIELDS, not values.isdisjoint(COMMON), len(values))


@lru_cache(maxsize=4096)
def literal_alternatives(source: str) -> frozenset[str] | None:
    """The words of `^(a|b|c)$` or `^a$`, when the regex is nothing more than that."""
    m = _ANCHORED.fullmatch(source)
    if not m:
        return None
    words = (m.group(1) if m.group(1) is not None else m.group(2)).split("|")
    if not all(_PLAIN.fullmatch(w) for w in words):
        return None
    return frozenset(words)


@dataclass(frozen=True)
class Start:
    """A token can start a match if one of its fields has one of the values, or a regex
    finds something in one of its fields, or a mention of one of the labels starts at it."""
    values: tuple[tuple[str, frozenset[str]], ...] = ()
    labels: frozenset[str] = frozenset()
    patterns: tuple[tuple[str, "re.Pattern[str]"], ...] = ()

    def union(self, other: "Start | None") -> "Start | None":
        if other is None:
            return None
        merged: dict[str, frozenset[str]] = dict(self.values)
        for name, vals in other.values:
            merged[name] = merged.get(name, frozenset()) | vals
        patterns = self.patterns + tuple(p for p in other.patterns if p not in self.patterns)
        return Start(tuple(sorted(merged.items())), self.labels | other.labels, patterns)


NOTHING = Start()       # zero-width: consumes no token


@dataclass(frozen=True)
class Needs:
    """What the sentence of every match holds: a token with each (field, values), a token
    whose field each (field, regex) finds something in, a mention of each label set, and for
    each group of `either`, one of its (field, values), where the field `mention` stands for
    a mention of one of the labels (what an alternation's options need, each its own).

    These are facts about the sentence, not about the match's span: a positive lookaround's
    tokens are needs as much as the tokens a match consumes."""
    values: tuple[tuple[str, frozenset[str]], ...] = ()
    labels: tuple[frozenset[str], ...] = ()
    patterns: tuple[tuple[str, "re.Pattern[str]"], ...] = ()
    either: tuple[tuple[tuple[str, frozenset[str]], ...], ...] = ()

    def __add__(self, other: "Needs") -> "Needs":
        return Needs(*(tuple(dict.fromkeys(mine + theirs)) for mine, theirs in (
            (self.values, other.values), (self.labels, other.labels), (self.patterns, other.patterns),
            (self.either, other.either))))


@dataclass(frozen=True)
class Prefilter:
    start: Start | None = None
    needs: Needs = field(default_factory=Needs)
    anchor: "Anchor | None" = None
    at_start: bool = False      # every match opens with `^`: only the sentence's first position


@dataclass(frozen=True)
class Follow:
    """What a token right after an anchor must have: a value of a field from a set, or a value
    that a regex finds a match in."""
    field: str
    values: frozenset[str] | None = None
    pattern: re.Pattern | None = None

    def holds(self, token) -> bool:
        value = getattr(token, self.field)
        if self.values is not None:
            return value in self.values
        return self.pattern.search(value) is not None


@dataclass(frozen=True)
class Anchor:
    """A token every match has, `lo` to `hi` tokens after the match's start: the VM need only
    start that far before each occurrence of the token's value, and only where the tokens
    right after it pass the tests of `after` (the next one's first, then the one after)."""
    field: str
    values: frozenset[str]
    lo: int
    hi: int
    after: tuple[Follow, ...] = ()

    def follows(self, tokens, p: int, checked: int = 0) -> bool:
        """Whether the tokens after position `p` (the anchor's) pass the tests of `after`,
        but for the first `checked` of them, which the caller has made already."""
        if p + len(self.after) >= len(tokens):
            return False
        for k in range(checked, len(self.after)):
            if not self.after[k].holds(tokens[p + 1 + k]):
                return False
        return True


def analyze(pattern: n.Pattern, taxonomy: Taxonomy) -> Prefilter:
    start, _ = _First(taxonomy).visit(pattern)
    return Prefilter(start, _Needs(taxonomy).visit(pattern), _anchor(pattern, taxonomy), opens_at_start(pattern))


def opens_at_start(node: n.Pattern) -> bool:
    """Whether every match of `node` begins with `^`, before any token it consumes."""
    if isinstance(node, n.Anchor):
        return not node.end
    if isinstance(node, n.Capture):
        return opens_at_start(node.body)
    if isinstance(node, n.Alternation):
        return all(opens_at_start(option) for option in node.options)
    if isinstance(node, n.Sequence):
        for item in node.items:
            if opens_at_start(item):
                return True
            if not isinstance(item, n.Lookaround):     # zero-width: the `^` may still follow
                return False
    return False


# -- widths ---------------------------------------------------------------------------------------

class _Width(Visitor, over=n.PatternNode):
    """The fewest and most tokens a node can consume (None: no bound)."""

    def visit_TokenPattern(self, node: n.TokenPattern) -> tuple[int, int | None]:
        return 1, 1

    def visit_MentionRef(self, node: n.MentionRef) -> tuple[int, int | None]:
        return 1, None

    def visit_Lookaround(self, node: n.Lookaround) -> tuple[int, int | None]:
        return 0, 0

    visit_Anchor = visit_Lookaround

    def visit_Capture(self, node: n.Capture) -> tuple[int, int | None]:
        return self.visit(node.body)

    def visit_Sequence(self, node: n.Sequence) -> tuple[int, int | None]:
        lo, hi = 0, 0
        for item in node.items:
            a, b = self.visit(item)
            lo += a
            hi = None if hi is None or b is None else hi + b
        return lo, hi

    def visit_Alternation(self, node: n.Alternation) -> tuple[int, int | None]:
        widths = [self.visit(option) for option in node.options]
        his = [b for _, b in widths]
        return min(a for a, _ in widths), None if None in his else max(his)

    def visit_Repeat(self, node: n.Repeat) -> tuple[int, int | None]:
        a, b = self.visit(node.body)
        return a * node.min, None if node.max is None or b is None else b * node.max


_WIDTH = _Width()


def width(node: n.Pattern) -> tuple[int, int | None]:
    """The fewest and most tokens a node can consume (None: no bound)."""
    return _WIDTH.visit(node)


# -- anchors --------------------------------------------------------------------------------------

def _anchor(pattern: n.Pattern, tax: Taxonomy) -> Anchor | None:
    """The rarest-looking literal token at a bounded distance from the start of the match."""
    items = _ITEMS.visit(pattern)
    lo, hi = 0, 0
    best: Anchor | None = None
    for i, item in enumerate(items):
        token = _SINGLE.visit(item, False)
        if token is not None:
            found = constraint_values(token.constraint, tax)
            if found is not None and found[0] != "mention" and (
                    best is None or selectivity(found[1], found[0]) < selectivity(best.values, best.field)):
                best = Anchor(found[0], found[1], lo, hi, _follows(items[i + 1:], tax))
        width_lo, width_hi = width(item)
        lo += width_lo
        if width_hi is None:
            break
        hi += width_hi
    return best


FOLLOWS = 2     # tokens after an anchor that its tests look at, at most


def _follows(items: tuple[n.Pattern, ...], tax: Taxonomy) -> tuple[Follow, ...]:
    """The tests of the tokens right after an anchor, read off the items after it: each item
    one token (the last may also be a repetition of at least one, which starts with it),
    tested on a field a token has by a set of values or a regex."""
    tests: list[Follow] = []
    for item in items[:FOLLOWS]:
        token = _SINGLE.visit(item, True)
        if token is None:
            break
        test = _follow(token.constraint, tax)
        if test is None:
            break
        tests.append(test)
        if _SINGLE.visit(item, False) is None:     # a repetition: what comes after it is not fixed
            break
    return tuple(tests)


def _follow(c: n.Constraint, tax: Taxonomy) -> Follow | None:
    found = constraint_values(c, tax)
    if found is not None:
        return Follow(found[0], found[1]) if found[0] != "mention" else None
    rx = constraint_regex(c)
    return Follow(rx[0], pattern=re.compile(rx[1])) if rx is not None else None


class _Items(Visitor, over=n.PatternNode):
    """The items a match is the sequence of, looking through captures around the whole."""

    def visit_Capture(self, node: n.Capture) -> tuple[n.Pattern, ...]:
        return self.visit(node.body)

    def visit_Sequence(self, node: n.Sequence) -> tuple[n.Pattern, ...]:
        return node.items

    def _alone(self, node: n.Pattern) -> tuple[n.Pattern, ...]:
        return (node,)

    visit_TokenPattern = visit_Alternation = visit_Repeat = visit_MentionRef = _alone
    visit_Lookaround = visit_Anchor = _alone


class _SingleToken(Visitor, over=n.PatternNode):
    """The token pattern an item is, when it is exactly one token (a capture of one counts);
    with `leading`, also the token pattern that a repetition of at least one starts with."""

    def visit_TokenPattern(self, node: n.TokenPattern, leading: bool) -> n.TokenPattern | None:
        return node

    def visit_Capture(self, node: n.Capture, leading: bool) -> n.TokenPattern | None:
        return self.visit(node.body, leading)

    def visit_Repeat(self, node: n.Repeat, leading: bool) -> n.TokenPattern | None:
        return self.visit(node.body, leading) if leading and node.min >= 1 else None

    def _none(self, node: n.Pattern, leading: bool) -> None:
        return None

    visit_Sequence = visit_Alternation = visit_MentionRef = visit_Lookaround = visit_Anchor = _none


_ITEMS = _Items()
_SINGLE = _SingleToken()


# -- first tokens ---------------------------------------------------------------------------------

class _First(Visitor, over=n.PatternNode):
    """(what the first consumed token satisfies, whether the node can consume nothing)."""

    def __init__(self, tax: Taxonomy):
        self.tax = tax

    def visit_TokenPattern(self, node: n.TokenPattern) -> tuple[Start | None, bool]:
        return _TokenStart(self.tax).visit(node.constraint), False

    def visit_MentionRef(self, node: n.MentionRef) -> tuple[Start | None, bool]:
        return Start(labels=self.tax.expand(node.label) or frozenset()), False

    def visit_Lookaround(self, node: n.Pattern) -> tuple[Start | None, bool]:
        return NOTHING, True

    visit_Anchor = visit_Lookaround

    def visit_Sequence(self, node: n.Sequence) -> tuple[Start | None, bool]:
        acc: Start | None = NOTHING
        for item in node.items:
            first, nullable = self.visit(item)
            acc = acc.union(first) if acc is not None else None
            if not nullable:
                return acc, False
        return acc, True

    def visit_Alternation(self, node: n.Alternation) -> tuple[Start | None, bool]:
        acc, any_nullable = NOTHING, False
        for option in node.options:
            first, nullable = self.visit(option)
            acc = acc.union(first) if acc is not None else None
            any_nullable = any_nullable or nullable
        return acc, any_nullable

    def visit_Repeat(self, node: n.Repeat) -> tuple[Start | None, bool]:
        first, nullable = self.visit(node.body)
        return first, nullable or node.min == 0

    def visit_Capture(self, node: n.Capture) -> tuple[Start | None, bool]:
        return self.visit(node.body)


class _TokenStart(Visitor, over=n.ConstraintNode):
    """What every token satisfying a constraint has that a sentence index can find."""

    def __init__(self, tax: Taxonomy):
        self.tax = tax

    def visit_FieldTest(self, c: n.FieldTest) -> Start | None:
        found = constraint_values(c, self.tax)
        if found is not None:
            return Start((found,))
        rx = constraint_regex(c)
        return Start(patterns=((rx[0], re.compile(rx[1])),)) if rx else None

    def visit_And(self, c: n.And) -> Start | None:
        for operand in c.operands:
            found = self.visit(operand)
            if found is not None:
                return found
        return None

    def visit_Or(self, c: n.Or) -> Start | None:
        acc: Start | None = NOTHING
        for operand in c.operands:
            acc = acc.union(self.visit(operand)) if acc is not None else None
        return acc

    def visit_Not(self, c: n.Constraint) -> None:
        return None

    visit_AnyToken = visit_Not


class _Words(Visitor, over=n.ValueNode):
    """The values a field must have to pass a test of this value, when they can be listed."""

    def visit_Literal(self, value: n.Literal) -> frozenset[str] | None:
        return frozenset([value.text])

    def visit_Regex(self, value: n.Regex) -> frozenset[str] | None:
        return None if value.ignore_case else literal_alternatives(value.source)

    def visit_ValueSet(self, value: n.ValueSet) -> frozenset[str] | None:
        return frozenset(value.values)


class _LowerForms(Visitor, over=n.ValueNode):
    """For `/^(a|b)$/i` on `word` or `lower`: every `lower` a matching token can have.

    A token matches when its word equals a or b ignoring case as Python's re does, which
    also lets dotless ı and dotted İ stand for i and the long ſ for s; their lower-cased
    forms are listed too (İ lowers to i and a combining dot). A superset is enough: the
    search still tests the regex itself.
    """

    def visit_Regex(self, value: n.Regex) -> frozenset[str] | None:
        if not value.ignore_case:
            return None
        words = literal_alternatives(value.source)
        if words is None or not all(word.isascii() for word in words):
            return None
        forms: set[str] = set()
        for word in words:
            found = [""]
            for ch in word.lower():
                found = [head + alt for head in found for alt in _CASE_FORMS.get(ch, ch)]
                if len(found) > _MOST_FORMS:
                    return None
            forms.update(found)
        return frozenset(forms)

    def _none(self, value: n.Value) -> None:
        return None

    visit_Literal = visit_ValueSet = _none


_CASE_FORMS = {"i": ("i", "\u0131", "i\u0307"), "s": ("s", "\u017f")}
_MOST_FORMS = 64


class _RegexOf(Visitor, over=n.ValueNode):
    """The regex source of a value that is a regex."""

    def visit_Literal(self, value: n.Literal) -> str | None:
        return None

    def visit_Regex(self, value: n.Regex) -> str | None:
        if not value.ignore_case:
            return value.source
        scoped = "(?i:" + value.source + ")"
        try:
            re.compile(scoped)
        except re.error:        # a global flag such as (?x) must open the regex
            return None
        return scoped

    def visit_ValueSet(self, value: n.ValueSet) -> str | None:
        return None


class _LabelsOf(Visitor, over=n.ValueNode):
    """The mention labels a `mention` test of this value accepts, when they can be listed."""

    def __init__(self, tax: Taxonomy):
        self.tax = tax

    def visit_Literal(self, value: n.Literal) -> frozenset[str] | None:
        return self.tax.expand(value.text) or frozenset()

    def visit_Regex(self, value: n.Regex) -> frozenset[str] | None:
        return None

    def visit_ValueSet(self, value: n.ValueSet) -> frozenset[str] | None:
        return frozenset().union(*(self.tax.expand(label) or frozenset() for label in value.values))


_WORDS = _Words()
_LOWER_FORMS = _LowerForms()
_REGEX_OF = _RegexOf()


class _ConstraintValues(Visitor, over=n.ConstraintNode):
    """A (field, values) that every token satisfying a constraint has, when one can be read off.

    The field `mention` stands for the labels of the mentions that cover the token.
    """

    def __init__(self, tax: Taxonomy):
        self.tax = tax

    def visit_FieldTest(self, c: n.FieldTest) -> tuple[str, frozenset[str]] | None:
        if c.negated:
            return None
        if c.field == "mention":
            labels = _LabelsOf(self.tax).visit(c.value)
            return ("mention", labels) if labels is not None else None
        if c.field in INDEXED_FIELDS:
            words = _WORDS.visit(c.value)
            if words is not None:
                return c.field, words
            if c.field in ("word", "lower"):
                forms = _LOWER_FORMS.visit(c.value)
                return ("lower", forms) if forms is not None else None
        return None

    def visit_And(self, c: n.And) -> tuple[str, frozenset[str]] | None:
        for operand in c.operands:
            found = self.visit(operand)
            if found is not None:
                return found
        return None

    def visit_Or(self, c: n.Or) -> tuple[str, frozenset[str]] | None:
        found = [self.visit(op) for op in c.operands]
        if all(f is not None for f in found) and len({f[0] for f in found}) == 1:
            return found[0][0], frozenset().union(*(f[1] for f in found))
        return None

    def visit_Not(self, c: n.Constraint) -> None:
        return None

    visit_AnyToken = visit_Not


def constraint_values(c: n.Constraint, tax: Taxonomy) -> tuple[str, frozenset[str]] | None:
    """A (field, values) that every token satisfying `c` has, when one can be read off.

    The field `mention` stands for the labels of the mentions that cover the token.
    """
    return _ConstraintValues(tax).visit(c)


class _ConstraintRegex(Visitor, over=n.ConstraintNode):
    """A (field, regex) that every token satisfying a constraint has a match of, for fields a
    sentence indexes."""

    def visit_FieldTest(self, c: n.FieldTest) -> tuple[str, str] | None:
        if c.negated or c.field not in INDEXED_FIELDS:
            return None
        source = _REGEX_OF.visit(c.value)
        return (c.field, source) if source is not None else None

    def visit_And(self, c: n.And) -> tuple[str, str] | None:
        for operand in c.operands:
            found = self.visit(operand)
            if found is not None:
                return found
        return None

    def _none(self, c: n.Constraint) -> None:
        return None

    visit_Or = visit_Not = visit_AnyToken = _none


_CONSTRAINT_REGEX = _ConstraintRegex()


def constraint_regex(c: n.Constraint) -> tuple[str, str] | None:
    """A (field, regex) that every token satisfying `c` has a match of, for fields a sentence indexes."""
    return _CONSTRAINT_REGEX.visit(c)


# -- needs ----------------------------------------------------------------------------------------

class _Needs(Visitor, over=n.PatternNode):
    """What the sentence of every match of a node holds."""

    def __init__(self, tax: Taxonomy):
        self.tax = tax
        self.constraint = _ConstraintNeeds(tax)

    def visit_TokenPattern(self, node: n.TokenPattern) -> Needs:
        return self.constraint.visit(node.constraint)

    def visit_MentionRef(self, node: n.MentionRef) -> Needs:
        return Needs(labels=(self.tax.expand(node.label) or frozenset(),))

    def visit_Sequence(self, node: n.Sequence) -> Needs:
        return _all_of(map(self.visit, node.items))

    def visit_Repeat(self, node: n.Repeat) -> Needs:
        return self.visit(node.body) if node.min > 0 else Needs()

    def visit_Capture(self, node: n.Capture) -> Needs:
        return self.visit(node.body)

    def visit_Alternation(self, node: n.Alternation) -> Needs:
        return _either([self.visit(option) for option in node.options])

    def visit_Lookaround(self, node: n.Lookaround) -> Needs:
        # what a positive lookaround finds is in the sentence, inside the match or not
        return Needs() if node.negated else self.visit(node.body)

    def visit_Anchor(self, node: n.Anchor) -> Needs:
        return Needs()


class _ConstraintNeeds(Visitor, over=n.ConstraintNode):
    """What the sentence holds when one of its tokens satisfies a constraint: each test of a
    conjunction, and what the operands of a disjunction share or one of them gives."""

    def __init__(self, tax: Taxonomy):
        self.values = _ConstraintValues(tax)

    def visit_FieldTest(self, c: n.FieldTest) -> Needs:
        found = self.values.visit(c)
        if found:
            return Needs((found,))
        rx = constraint_regex(c)
        return Needs(patterns=((rx[0], re.compile(rx[1])),)) if rx else Needs()

    def visit_And(self, c: n.And) -> Needs:
        return _all_of(map(self.visit, c.operands))

    def visit_Or(self, c: n.Or) -> Needs:
        return _either([self.visit(operand) for operand in c.operands])

    def visit_Not(self, c: n.Constraint) -> Needs:
        return Needs()

    visit_AnyToken = visit_Not


def _all_of(needs: Iterable[Needs]) -> Needs:
    """Every one of `needs`, each once, gathered in one pass: adding Needs one by one copies
    the tuples every time, which thousands of tokens or tests would make quadratic."""
    parts: tuple[dict, ...] = ({}, {}, {}, {})
    for need in needs:
        for kept, found in zip(parts, (need.values, need.labels, need.patterns, need.either)):
            kept.update(dict.fromkeys(found))
    return Needs(*map(tuple, parts))


def _either(options: list[Needs]) -> Needs:
    """What a sentence holds when one of `options` holds: what they have in common (see
    _common), and one need of each of them (see _one_of)."""
    return _common(options) + _one_of(options)


def _common(options: list[Needs]) -> Needs:
    """An alternation needs, at least, one of what each option needs: a mention of one of
    their labels, or a token whose field has one of their values or matches their regexes."""
    if all(o.labels for o in options):
        return Needs(labels=(frozenset().union(*(min(o.labels, key=len) for o in options)),))
    fields = set(INDEXED_FIELDS)
    for o in options:
        fields &= {name for name, _ in o.values} | {name for name, _ in o.patterns}
    if not fields:
        return Needs()
    name = min(fields, key=lambda f: INDEXED_FIELDS.index(f))
    literal: set[str] = set()
    regexes: list[str] = []
    for o in options:
        sets = [vals for f, vals in o.values if f == name]
        if sets:
            literal |= min(sets, key=selectivity)
        else:
            regexes.append(next(rx.pattern for f, rx in o.patterns if f == name))
    if not regexes:
        return Needs(((name, frozenset(literal)),))
    if literal:
        regexes.append("^(?:" + "|".join(re.escape(v) for v in sorted(literal)) + ")$")
    try:
        either = re.compile("|".join(f"(?:{rx})" for rx in regexes))
    except re.error:    # a global flag such as (?i) must open its regex: no need can be said
        return Needs()
    return Needs(patterns=((name, either),))


def _one_of(options: list[Needs]) -> Needs:
    """The rarest value or label need of each option, merged by field: the sentence holds
    one of them ("@AttackVerb | [lower=shot]" needs a mention of AttackVerb or the word
    "shot"). Nothing if an option has no such need."""
    merged: dict[str, set[str]] = {}
    for option in options:
        facts = [*option.values, *(("mention", labels) for labels in option.labels)]
        if facts:
            chosen: tuple = (min(facts, key=lambda fact: selectivity(fact[1], fact[0])),)
        elif option.either:
            chosen = min(option.either, key=len)
        else:
            return Needs()
        for name, values in chosen:
            merged.setdefault(name, set()).update(values)
    if len(merged) == 1:
        (name, values), = merged.items()
        return Needs(labels=(frozenset(values),)) if name == "mention" else Needs(((name, frozenset(values)),))
    return Needs(either=(tuple((name, frozenset(merged[name])) for name in sorted(merged)),))


def _fine_group(groups, labels_size: int | None):
    """The `either` group worth filing a rule under: one on word fields and labels only, with
    no more members than the rule's smallest label need (a mention of "Actor" is common)."""
    fine = [g for g in groups if not any(name in COARSE_FIELDS for name, _ in g)]
    if not fine:
        return None
    group = min(fine, key=lambda g: sum(map(len, (values for _, values in g))))
    size = sum(len(values) for _, values in group)
    return group if labels_size is None or size <= labels_size else None


class RuleIndex:
    """Finds the rules that can match a sentence from the sentence's own words and mentions.

    Each token rule is filed under one thing every match of it needs: a word, lower-cased
    form or lemma (when the token after it is known too, that is checked as well), else
    under each member of a group of needs one of which every match has (an alternation's),
    else a mention label. A sentence then looks up its own values instead of asking every
    rule, so a thousand rules cost about what ten do. Rules with no such need are tried
    everywhere.
    """

    def __init__(self, rules: list, prefilter_of):
        self.rules = rules
        self.always: list[int] = []
        # field -> value -> [(rule number, what the next token must have)]: rules found by
        # their anchor, whose positions are kept
        self.by_value: dict[str, dict[str, list[tuple[int, tuple]]]] = {}
        # field -> value -> [rule number]: rules that need the value somewhere in the sentence
        self.by_any: dict[str, dict[str, list[int]]] = {}
        self.by_label: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            pre = prefilter_of(rule)
            needs = pre.needs if pre is not None else Needs()
            anchor = pre.anchor if pre is not None else None
            values = [(name, vals) for name, vals in needs.values if name != "mention"]
            labels = [vals for name, vals in needs.values if name == "mention"] + list(needs.labels)
            if anchor is not None and anchor.after:
                # the first test is made on the spot when it is a set (most are), the others after it
                first = anchor.after[0]
                entry = (i, first.field, first.values, anchor if len(anchor.after) > 1 or first.values is None else None)
                table = self.by_value.setdefault(anchor.field, {})
                for value in anchor.values:
                    table.setdefault(value, []).append(entry)
                continue
            best = min(values, key=lambda nv: selectivity(nv[1], nv[0])) if values else None
            group = _fine_group(needs.either, min(map(len, labels), default=None))
            if best is not None and best[0] not in COARSE_FIELDS or best is not None and group is None:
                self._file(i, *best)
            elif group is not None:
                for name, vals in group:     # found by any one of them
                    self._file(i, name, vals)
            elif labels:
                self._file(i, "mention", min(labels, key=len))
            else:
                self.always.append(i)

    def _file(self, i: int, name: str, values: frozenset[str]) -> None:
        """File rule `i` under each of `values` of field `name` (`mention`: labels)."""
        for value in values:
            if name == "mention":
                self.by_label.setdefault(value, []).append(i)
            else:
                self.by_any.setdefault(name, {}).setdefault(value, []).append(i)

    def candidates(self, state) -> list[tuple]:
        """The rules worth running on this sentence, in their original order, each with the
        positions of its anchor when it was found by its anchor (else None), which spares
        the search looking for them again."""
        found: dict[int, list[int] | None] = dict.fromkeys(self.always)
        tokens = state.tokens
        last = len(tokens) - 1
        for name, table in self.by_value.items():
            # one pass over the tokens: each value looked up where it stands, so that the
            # tokens after it can be checked on the spot
            for position, hits in enumerate(map(table.get, map(attrgetter(name), tokens))):
                if hits is None or position == last:
                    continue
                after = tokens[position + 1]
                for i, first, values, anchor in hits:
                    if values is not None and getattr(after, first) not in values:
                        continue
                    # a set test was just made; a regex one is the anchor's to make
                    if anchor is None or anchor.follows(tokens, position, 0 if values is None else 1):
                        found.setdefault(i, []).append(position)
        for name, table in self.by_any.items():
            # each distinct value of the sentence once (a common tag stands at every other token)
            for value in state.values(name):
                hits = table.get(value)
                if hits is not None:
                    found.update(dict.fromkeys(hits))
        if self.by_label:
            for label in state.labels():
                hit = self.by_label.get(label)
                if hit:
                    found.update(dict.fromkeys(hit))
        rules = self.rules
        return [(rules[i], found[i]) for i in sorted(found)]
