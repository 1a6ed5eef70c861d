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

from . import nodes as n
from ..rulefile.taxonomy import Taxonomy

INDEXED_FIELDS = ("word", "lower", "lemma")

_PLAIN = re.compile(r"[^\\.^$*+?{}\[\]()|]+")
_ANCHORED = re.compile(r"\^\((?:\?:)?([^()]*)\)\$|\^([^()|]*)\$")


# tokens so common that needing one of them says little about a sentence
COMMON = frozenset(""". , ; : ' " ( ) - the a an and or of to in on at for with by from as that this is are was
were be been has have had it its he she they his her their not but said says 's""".split())


def selectivity(values: frozenset[str]) -> tuple[bool, int]:
    """Smaller is rarer: a set with a common token in it is worth least."""
    return (not values.isdisjoint(COMMON), len(values))


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
    """Every match contains a token with each (field, values), a token whose field each
    (field, regex) finds something in, and a mention of each label set."""
    values: tuple[tuple[str, frozenset[str]], ...] = ()
    labels: tuple[frozenset[str], ...] = ()
    patterns: tuple[tuple[str, "re.Pattern[str]"], ...] = ()

    def __add__(self, other: "Needs") -> "Needs":
        return Needs(self.values + other.values, self.labels + other.labels, self.patterns + other.patterns)


@dataclass(frozen=True)
class Prefilter:
    start: Start | None = None
    needs: Needs = field(default_factory=Needs)
    anchor: "Anchor | None" = None


@dataclass(frozen=True)
class Anchor:
    """A token every match has, `lo` to `hi` tokens after the match's start: the VM need only
    start that far before each occurrence of the token's value."""
    field: str
    values: frozenset[str]
    lo: int
    hi: int
    next: tuple[str, frozenset[str]] | None = None   # what the token right after it must have


def analyze(pattern: n.Pattern, taxonomy: Taxonomy) -> Prefilter:
    start, _ = _first(pattern, taxonomy)
    return Prefilter(start, _needs(pattern, taxonomy), _anchor(pattern, taxonomy))


# -- anchors --------------------------------------------------------------------------------------

def _anchor(pattern: n.Pattern, tax: Taxonomy) -> Anchor | None:
    """The rarest-looking literal token at a bounded distance from the start of the match."""
    while isinstance(pattern, n.Capture):
        pattern = pattern.body
    items = pattern.items if isinstance(pattern, n.Sequence) else (pattern,)
    lo, hi = 0, 0
    best: Anchor | None = None
    for i, item in enumerate(items):
        token = _single_token(item)
        if token is not None:
            found = constraint_values(token.constraint, tax)
            if found is not None and found[0] != "mention" and (
                    best is None or selectivity(found[1]) < selectivity(best.values)):
                following = _single_token(items[i + 1], leading=True) if i + 1 < len(items) else None
                after = constraint_values(following.constraint, tax) if following is not None else None
                best = Anchor(found[0], found[1], lo, hi, after if after and after[0] != "mention" else None)
        width_lo, width_hi = width(item)
        lo += width_lo
        if width_hi is None:
            break
        hi += width_hi
    return best


def _single_token(item: n.Pattern, leading: bool = False) -> n.TokenPattern | None:
    """The token pattern an item is, when it is exactly one token (a capture of one counts);
    with `leading`, also the token pattern that a repetition of at least one starts with."""
    while isinstance(item, n.Capture):
        item = item.body
    if leading and isinstance(item, n.Repeat) and item.min >= 1:
        return _single_token(item.body, leading)
    return item if isinstance(item, n.TokenPattern) else None


def width(node: n.Pattern) -> tuple[int, int | None]:
    """The fewest and most tokens a node can consume (None: no bound)."""
    if isinstance(node, n.TokenPattern):
        return 1, 1
    if isinstance(node, (n.Lookaround, n.Anchor)):
        return 0, 0
    if isinstance(node, n.MentionRef):
        return 1, None
    if isinstance(node, n.Capture):
        return width(node.body)
    if isinstance(node, n.Sequence):
        lo, hi = 0, 0
        for item in node.items:
            a, b = width(item)
            lo += a
            hi = None if hi is None or b is None else hi + b
        return lo, hi
    if isinstance(node, n.Alternation):
        widths = [width(option) for option in node.options]
        his = [b for _, b in widths]
        return min(a for a, _ in widths), None if None in his else max(his)
    a, b = width(node.body)
    return a * node.min, None if node.max is None or b is None else b * node.max


# -- first tokens ---------------------------------------------------------------------------------

def _first(node: n.Pattern, tax: Taxonomy) -> tuple[Start | None, bool]:
    """(what the first consumed token satisfies, whether the node can consume nothing)."""
    if isinstance(node, n.TokenPattern):
        return _token_start(node.constraint, tax), False
    if isinstance(node, n.MentionRef):
        return Start(labels=tax.expand(node.label) or frozenset()), False
    if isinstance(node, (n.Lookaround, n.Anchor)):
        return NOTHING, True
    if isinstance(node, n.Sequence):
        acc: Start | None = NOTHING
        for item in node.items:
            first, nullable = _first(item, tax)
            acc = acc.union(first) if acc is not None else None
            if not nullable:
                return acc, False
        return acc, True
    if isinstance(node, n.Alternation):
        acc, any_nullable = NOTHING, False
        for option in node.options:
            first, nullable = _first(option, tax)
            acc = acc.union(first) if acc is not None else None
            any_nullable = any_nullable or nullable
        return acc, any_nullable
    if isinstance(node, n.Repeat):
        first, nullable = _first(node.body, tax)
        return first, nullable or node.min == 0
    if isinstance(node, n.Capture):
        return _first(node.body, tax)
    return None, True


def _token_start(c: n.Constraint, tax: Taxonomy) -> Start | None:
    """What every token satisfying `c` has that a sentence index can find."""
    if isinstance(c, n.FieldTest):
        found = constraint_values(c, tax)
        if found is not None:
            return Start((found,))
        rx = constraint_regex(c)
        return Start(patterns=((rx[0], re.compile(rx[1])),)) if rx else None
    if isinstance(c, n.And):
        for operand in c.operands:
            found = _token_start(operand, tax)
            if found is not None:
                return found
        return None
    if isinstance(c, n.Or):
        acc: Start | None = NOTHING
        for operand in c.operands:
            acc = acc.union(_token_start(operand, tax)) if acc is not None else None
        return acc
    return None


def constraint_values(c: n.Constraint, tax: Taxonomy) -> tuple[str, frozenset[str]] | None:
    """A (field, values) that every token satisfying `c` has, when one can be read off.

    The field `mention` stands for the labels of the mentions that cover the token.
    """
    if isinstance(c, n.FieldTest) and not c.negated and c.field == "mention" and isinstance(c.value, n.Literal):
        return "mention", tax.expand(c.value.text) or frozenset()
    if isinstance(c, n.FieldTest) and not c.negated and c.field in INDEXED_FIELDS:
        if isinstance(c.value, n.Literal):
            return c.field, frozenset([c.value.text])
        words = literal_alternatives(c.value.source)
        return (c.field, words) if words is not None else None
    if isinstance(c, n.And):
        for operand in c.operands:
            found = constraint_values(operand, tax)
            if found is not None:
                return found
    if isinstance(c, n.Or):
        found = [constraint_values(op, tax) for op in c.operands]
        if all(f is not None for f in found) and len({f[0] for f in found}) == 1:
            return found[0][0], frozenset().union(*(f[1] for f in found))
    return None


# -- needs ----------------------------------------------------------------------------------------

def _needs(node: n.Pattern, tax: Taxonomy) -> Needs:
    if isinstance(node, n.TokenPattern):
        found = constraint_values(node.constraint, tax)
        if found:
            return Needs((found,))
        rx = constraint_regex(node.constraint)
        return Needs(patterns=((rx[0], re.compile(rx[1])),)) if rx else Needs()
    if isinstance(node, n.MentionRef):
        return Needs(labels=(tax.expand(node.label) or frozenset(),))
    if isinstance(node, n.Sequence):
        total = Needs()
        for item in node.items:
            total = total + _needs(item, tax)
        return total
    if isinstance(node, n.Repeat):
        return _needs(node.body, tax) if node.min > 0 else Needs()
    if isinstance(node, n.Capture):
        return _needs(node.body, tax)
    if isinstance(node, n.Alternation):
        return _either(node, tax)
    return Needs()


def constraint_regex(c: n.Constraint) -> tuple[str, str] | None:
    """A (field, regex) that every token satisfying `c` has a match of, for fields a sentence indexes."""
    if isinstance(c, n.FieldTest) and not c.negated and c.field in INDEXED_FIELDS and isinstance(c.value, n.Regex):
        return c.field, c.value.source
    if isinstance(c, n.And):
        for operand in c.operands:
            found = constraint_regex(operand)
            if found is not None:
                return found
    return None


def _either(node: n.Alternation, tax: Taxonomy) -> Needs:
    """An alternation needs, at least, one of what each option needs: a mention of one of
    their labels, or a token whose field has one of their values or matches their regexes."""
    options = [_needs(option, tax) for option in node.options]
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


class RuleIndex:
    """Finds the rules that can match a sentence from the sentence's own words and mentions.

    Each token rule is filed under one thing every match of it needs: a word, lower-cased
    form or lemma (when the token after it is known too, that is checked as well), else a
    mention label. A sentence then looks up its own values instead of asking every rule, so
    a thousand rules cost about what ten do. Rules with no such need are tried everywhere.
    """

    def __init__(self, rules: list, prefilter_of):
        self.rules = rules
        self.always: list[int] = []
        # field -> value -> [(rule number, what the next token must have, or None)]
        self.by_value: dict[str, dict[str, list[tuple[int, tuple | None]]]] = {}
        self.by_label: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            pre = prefilter_of(rule)
            needs = pre.needs if pre is not None else Needs()
            anchor = pre.anchor if pre is not None else None
            values = [(name, vals) for name, vals in needs.values if name != "mention"]
            labels = [vals for name, vals in needs.values if name == "mention"] + list(needs.labels)
            if anchor is not None and anchor.next is not None:
                table = self.by_value.setdefault(anchor.field, {})
                for value in anchor.values:
                    table.setdefault(value, []).append((i, anchor.next))
            elif values:
                name, vals = min(values, key=lambda nv: selectivity(nv[1]))
                table = self.by_value.setdefault(name, {})
                for value in vals:
                    table.setdefault(value, []).append((i, None))
            elif labels:
                for label in min(labels, key=len):
                    self.by_label.setdefault(label, []).append(i)
            else:
                self.always.append(i)

    def candidates(self, state) -> list[tuple]:
        """The rules worth running on this sentence, in their original order, each with the
        positions of its anchor when it was found by its anchor (else None), which spares
        the search looking for them again."""
        found: dict[int, list[int] | None] = dict.fromkeys(self.always)
        tokens = state.tokens
        last = len(tokens) - 1
        for name, table in self.by_value.items():
            # one pass over the tokens: each value looked up where it stands, so that the
            # token after it can be checked on the spot
            for position, hits in enumerate(map(table.get, map(attrgetter(name), tokens))):
                if hits is None:
                    continue
                for i, after in hits:
                    if after is None:
                        found[i] = None
                    elif position < last and getattr(tokens[position + 1], after[0]) in after[1]:
                        found.setdefault(i, []).append(position)
        if self.by_label:
            for label in state.labels():
                hit = self.by_label.get(label)
                if hit:
                    found.update(dict.fromkeys(hit))
        rules = self.rules
        return [(rules[i], found[i]) for i in sorted(found)]
