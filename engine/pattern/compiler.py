"""AST -> Program: one walk over the nodes that emits instructions for the runtime's VM.

The instructions and the Program are in program.py. Token constraints become plain Python
predicates here, once, so the runtime only calls them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Callable

from . import nodes as n
from ..errors import PatternError, did_you_mean
from .prefilter import analyze, literal_alternatives, width
from .visitor import walk
from .program import (CLOSE, END, JMP, LOOK, MATCH, MENTION, OPEN, SPLIT, START, TOKEN, AtEnd, AtStart, Close, Jump,
                      Look, Lookaround, Match, Mention, Open, Predicate, Program, Split, Token, describe)
from .visitor import Visitor
from ..rulefile.taxonomy import Taxonomy
from ..text.document import FIELD_PLACES as _PLACES

MAX_PROGRAM = 200_000

__all__ = ["compile_pattern", "compile_constraint", "describe", "Program", "Lookaround", "MAX_PROGRAM",
           "TOKEN", "MENTION", "SPLIT", "JMP", "OPEN", "CLOSE", "START", "END", "LOOK", "MATCH"]


def reloaded_test(c: n.Constraint, labels: Taxonomy) -> Predicate:
    """The predicate of a token constraint in a program loaded from the cache."""
    return _reloaded(c) or compile_constraint(c, labels, [])


@lru_cache(maxsize=4096)
def _reloaded(c: n.Constraint) -> Predicate | None:
    """The predicate of a constraint that tests no mention, compiled once however many rules
    share it (in a family of rules most constraints recur); None for mention tests, whose
    meaning depends on the rule set's labels."""
    if _tests_mentions(c):
        return None
    return compile_constraint(c, Taxonomy(), [])


def _tests_mentions(c: n.Constraint) -> bool:
    return any(test.field == "mention" for test in n.constraint_tests(c))


def compile_pattern(pattern: n.Pattern, labels: Taxonomy, allow_captures: bool = True) -> Program:
    """Compile an AST; raise PatternError (with the node's offset) for what cannot run."""
    emitter = _Emitter(labels, allow_captures)
    emitter.emit(pattern)
    emitter.code.append(Match())
    if emitter.errors:      # a repeated body is emitted once per pass: report each error once
        unique = {(e.message, e.offset): e for e in reversed(emitter.errors)}
        raise PatternError.collected(sorted(unique.values(), key=lambda e: e.offset))
    fields = frozenset(node.field for node in walk(pattern) if isinstance(node, n.FieldTest))
    return Program(tuple(emitter.code), frozenset(emitter.captures), analyze(pattern, labels), fields)


@dataclass
class _Emitter(Visitor, over=n.PatternNode):
    labels: Taxonomy
    allow_captures: bool
    code: list = field(default_factory=list)
    captures: set = field(default_factory=set)
    errors: list = field(default_factory=list)

    def emit(self, node: n.Pattern) -> None:
        if len(self.code) > MAX_PROGRAM:
            raise PatternError("the pattern is too large to compile", node.at,
                               "nested counted repetitions multiply: use '*' or '+' instead")
        self._dispatch[type(node)](self, node)

    def visit_TokenPattern(self, node: n.TokenPattern) -> None:
        self.code.append(Token(compile_constraint(node.constraint, self.labels, self.errors), n.to_source(node),
                               node.constraint, self.labels))

    def visit_Sequence(self, node: n.Sequence) -> None:
        for item in node.items:
            self.emit(item)

    def visit_Alternation(self, node: n.Alternation) -> None:
        code = self.code
        jumps = []
        for option in node.options[:-1]:
            split = len(code)
            code.append(None)
            self.emit(option)
            jumps.append(len(code))
            code.append(None)
            code[split] = Split(split + 1, len(code))
        self.emit(node.options[-1])
        for at in jumps:
            code[at] = Jump(len(code))

    def visit_Capture(self, node: n.Capture) -> None:
        if not self.allow_captures:
            self.errors.append(PatternError("captures are not allowed inside a lookaround", node.at))
        self.captures.add(node.name)
        self.code.append(Open(node.name))
        self.emit(node.body)
        self.code.append(Close(node.name))

    def visit_MentionRef(self, node: n.MentionRef) -> None:
        wanted = self.labels.expand(node.label)
        if wanted is None:
            self.errors.append(PatternError(f"unknown label '{node.label}'", node.at,
                                            did_you_mean(node.label, self.labels.names)))
            wanted = frozenset()
        if node.name is not None:
            if not self.allow_captures:
                self.errors.append(PatternError("captures are not allowed inside a lookaround", node.at))
            self.captures.add(node.name)
        self.code.append(Mention(wanted, node.name, node.label))

    def visit_Lookaround(self, node: n.Lookaround) -> None:
        try:
            body = compile_pattern(node.body, self.labels, allow_captures=False)
        except PatternError as err:
            self.errors.extend(err.all())
            return
        self.code.append(Look(Lookaround(body, node.behind, node.negated, width(node.body)), n.to_source(node)))

    def visit_Anchor(self, node: n.Anchor) -> None:
        self.code.append(AtEnd() if node.end else AtStart())

    def visit_Repeat(self, node: n.Repeat) -> None:
        """The required passes one after another, then the optional ones: a loop when there
        is no maximum, else one copy each.

        A pass that consumes no token leaves the repetition and goes on with what follows
        (as in Perl, Python and RE2), rather than falling back to the body's lower-priority
        choices. For a body that can match nothing before its last choice, each optional
        pass but the last starts in a fresh copy of the body's instructions up to its first
        tokens (see _fresh_copy): reaching the end of the body there means the pass was
        empty, and leads out. The copy is a state of its own, so the VM's memory of visited
        states stays exact. A body whose only empty way is its last choice (`[]*`, `a?`)
        needs no copy: there the empty pass fails back to the repetition's own way out,
        which is where leaving it leads.
        """
        code = self.code
        for _ in range(node.min):
            self.emit(node.body)
        needs_fresh = width(node.body)[0] == 0 and not _EMPTY_LAST.visit(node.body)
        if node.max is None:
            head = len(code)
            code.append(None)
            begin = len(code)
            self.emit(node.body)
            end = len(code)
            code.append(Jump(head))
            entry = begin
            if needs_fresh:
                entry, leave = self._fresh_copy(begin, end, node.at)
                code[leave] = Jump(len(code))
            out = len(code)
            code[head] = Split(entry, out) if node.greedy else Split(out, entry)
            return
        splits, leaves = [], []
        for copy in range(node.max - node.min):
            split = len(code)
            code.append(None)
            begin = len(code)
            self.emit(node.body)
            entry = begin
            if needs_fresh and copy < node.max - node.min - 1:
                end = len(code)
                code.append(None)                       # over the fresh copy, to the next pass
                entry, leave = self._fresh_copy(begin, end, node.at)
                leaves.append(leave)
                code[end] = Jump(len(code))
            splits.append((split, entry))
        out = len(code)
        for split, entry in splits:
            code[split] = Split(entry, out) if node.greedy else Split(out, entry)
        for leave in leaves:
            code[leave] = Jump(out)

    def _fresh_copy(self, begin: int, end: int, at: int) -> tuple[int, int]:
        """Append a copy of the body at code[begin:end] as it runs before it has consumed a
        token; return where it starts and the place of its way out, a jump left to fill in.

        Only what the body reaches without consuming is copied. Each token or mention is
        followed by a jump to what follows it in the body itself (the pass has consumed: it
        goes on as an ordinary pass), and where the body would end, the copy jumps out.
        """
        code = self.code
        reached = set()
        work = [begin]
        while work:
            pc = work.pop()
            if pc in reached or pc == end:
                continue
            reached.add(pc)
            ins = code[pc]
            if ins.op == SPLIT:
                work += (ins.first, ins.second)
            elif ins.op == JMP:
                work.append(ins.to)
            elif ins.op not in (TOKEN, MENTION):
                work.append(pc + 1)
        start = len(code)
        where = {}
        place = start
        for pc in sorted(reached):
            where[pc] = place
            place += 2 if code[pc].op in (TOKEN, MENTION) else 1
        where[end] = place                              # the body's end: the way out
        for pc in sorted(reached):
            ins = code[pc]
            if ins.op == SPLIT:
                code.append(Split(where[ins.first], where[ins.second]))
            elif ins.op == JMP:
                code.append(Jump(where[ins.to]))
            elif ins.op in (TOKEN, MENTION):
                code += (ins, Jump(pc + 1))
            else:
                code.append(ins)
        code.append(None)
        if len(code) > MAX_PROGRAM:
            raise PatternError("the pattern is too large to compile", at,
                               "repetitions of what can match nothing, nested, multiply: simplify them")
        return start, place


class _EmptyLast(Visitor, over=n.PatternNode):
    """Whether a node matches nothing only by its lowest-priority choice, if at all (a
    node that never consumes has that one way only)."""

    def _never_empty(self, node: n.Pattern) -> bool:
        return True

    visit_TokenPattern = visit_MentionRef = visit_Lookaround = visit_Anchor = _never_empty

    def visit_Capture(self, node: n.Capture) -> bool:
        return self.visit(node.body)

    def visit_Sequence(self, node: n.Sequence) -> bool:
        return all(self.visit(item) for item in node.items)

    def visit_Alternation(self, node: n.Alternation) -> bool:
        *first, last = node.options
        return all(width(option)[0] > 0 for option in first) and self.visit(last)

    def visit_Repeat(self, node: n.Repeat) -> bool:
        if width(node.body)[0] > 0:
            return node.greedy or node.min > 0     # greedy: skipping comes last; min > 0: never empty
        return False


_EMPTY_LAST = _EmptyLast()


# -- token constraints --------------------------------------------------------------------------

class _Predicates(Visitor, over=n.ConstraintNode):
    """Constraints as predicates on (token, sentence state); unknown labels go to `errors`.

    A test of a field against listed values (a word, a set, `/^(a|b)$/`) reads the field by
    its place in the token tuple and asks a set; `&` and `|` of such tests become one
    closure over their (place, values) pairs rather than a closure per test, since calls
    are what a predicate costs in Python.
    """

    def __init__(self, labels: Taxonomy, errors: list):
        self.labels = labels
        self.errors = errors

    def visit_AnyToken(self, c: n.AnyToken) -> Predicate:
        return lambda tok, state: True

    def visit_FieldTest(self, c: n.FieldTest) -> Predicate:
        member = _membership(c)
        if member is not None:
            return _all_of((member,))
        if c.field == "mention":       # negated in place: one call either way
            return _MentionTests(c, self.labels, self.errors).visit(c.value)
        test = _field_test(c)
        if c.negated:
            return lambda tok, state: not test(tok, state)
        return test

    def visit_Not(self, c: n.Not) -> Predicate:
        inner = self.visit(c.operand)
        return lambda tok, state: not inner(tok, state)

    def visit_And(self, c: n.And) -> Predicate:
        return self._joined(c.operands, _all_of, _both)

    def visit_Or(self, c: n.Or) -> Predicate:
        return self._joined(c.operands, _any_of, _either)

    def _joined(self, operands, sets, join) -> Predicate:
        """The set tests among `operands` as one closure, tried first (a predicate has no
        side effect, so the order is free), then the others."""
        members = tuple(m for m in map(_membership, operands) if m is not None)
        rest = [op for op in operands if _membership(op) is None]
        parts = ([sets(members)] if members else []) + [self.visit(op) for op in rest]
        return _folded(parts, join)


def _folded(parts: list[Predicate], join) -> Predicate:
    # fold into nested two-way closures: cheaper per call than all()/any() over a generator
    combined = parts[-1]
    for part in reversed(parts[:-1]):
        combined = join(part, combined)
    return combined


def compile_constraint(c: n.Constraint, labels: Taxonomy, errors: list) -> Predicate:
    return _Predicates(labels, errors).visit(c)


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda tok, state: first(tok, state) and second(tok, state)


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda tok, state: first(tok, state) or second(tok, state)


# (place of the field in the token tuple, the values, whether the test is negated)
Membership = tuple[int, frozenset[str], bool]


def _membership(c: n.Constraint) -> Membership | None:
    """A field test whose passing values can be listed, as a set test on the token tuple."""
    if isinstance(c, n.Not):
        inner = _membership(c.operand)
        return None if inner is None else (inner[0], inner[1], not inner[2])
    if not isinstance(c, n.FieldTest) or c.field not in _PLACES or c.field == "outgoing":
        return None
    values = _LISTED.visit(c.value)
    return None if values is None else (_PLACES[c.field], values, c.negated)


def _all_of(members: tuple[Membership, ...]) -> Predicate:
    """Every set test passes: the first ones inline, the rest in a loop."""
    if len(members) == 1:
        (i, values, negated), = members
        if negated:
            return lambda tok, state: tok[i] not in values
        return lambda tok, state: tok[i] in values
    if len(members) == 2 and not members[0][2] and not members[1][2]:
        (i, a), (j, b) = members[0][:2], members[1][:2]
        return lambda tok, state: tok[i] in a and tok[j] in b
    if len(members) == 2 and not members[0][2]:
        (i, a), (j, b) = members[0][:2], members[1][:2]
        return lambda tok, state: tok[i] in a and tok[j] not in b

    def check(tok, state) -> bool:
        for i, values, negated in members:
            if (tok[i] in values) == negated:
                return False
        return True
    return check


def _any_of(members: tuple[Membership, ...]) -> Predicate:
    """One set test passes; tests of one field that are not negated share one set."""
    merged: dict[int, frozenset[str]] = {}
    rest = []
    for i, values, negated in members:
        if negated:
            rest.append((i, values, negated))
        else:
            merged[i] = merged.get(i, frozenset()) | values
    members = tuple((i, values, False) for i, values in merged.items()) + tuple(rest)
    if len(members) == 1:
        return _all_of(members)
    if len(members) == 2 and not members[0][2] and not members[1][2]:
        (i, a), (j, b) = members[0][:2], members[1][:2]
        return lambda tok, state: tok[i] in a or tok[j] in b

    def check(tok, state) -> bool:
        for i, values, negated in members:
            if (tok[i] in values) != negated:
                return True
        return False
    return check


class _Listed(Visitor, over=n.ValueNode):
    """The values that pass a test of this value, when they can be listed."""

    def visit_Literal(self, value: n.Literal) -> frozenset[str] | None:
        return frozenset((value.text,))

    def visit_Regex(self, value: n.Regex) -> frozenset[str] | None:
        return None if value.ignore_case else literal_alternatives(value.source)

    def visit_ValueSet(self, value: n.ValueSet) -> frozenset[str] | None:
        return frozenset(value.values)


_LISTED = _Listed()


class _ValueTests(Visitor, over=n.ValueNode):
    """A test on one string value; an anchored alternation of plain words becomes a set lookup."""

    def visit_Literal(self, value: n.Literal) -> Callable[[str], bool]:
        return value.text.__eq__

    def visit_Regex(self, value: n.Regex) -> Callable[[str], bool]:
        if value.ignore_case:
            return re.compile(value.source, re.IGNORECASE).search
        words = literal_alternatives(value.source)
        if words is not None:
            return words.__contains__
        return re.compile(value.source).search

    def visit_ValueSet(self, value: n.ValueSet) -> Callable[[str], bool]:
        return frozenset(value.values).__contains__


_VALUE_TESTS = _ValueTests()


def _field_test(c: n.FieldTest) -> Predicate:
    """A test of a token field other than `mention`, not negated."""
    test = _VALUE_TESTS.visit(c.value)
    if c.field == "outgoing":
        return lambda tok, state: any(test(label) for label in tok.outgoing)
    if c.field in _PLACES:
        i = _PLACES[c.field]
        return lambda tok, state: test(tok[i])
    get = attrgetter(c.field)
    return lambda tok, state: test(get(tok))


class _MentionTests(Visitor, over=n.ValueNode):
    """`mention=value`: the labels of the mentions that cover the token, tested."""

    def __init__(self, test: n.FieldTest, labels: Taxonomy, errors: list):
        self.test = test
        self.labels = labels
        self.errors = errors

    def visit_Literal(self, value: n.Literal) -> Predicate:
        return self._covers(self._labels(value.text))

    def visit_ValueSet(self, value: n.ValueSet) -> Predicate:
        return self._covers(frozenset().union(*map(self._labels, value.values)))

    def _covers(self, wanted: frozenset[str]) -> Predicate:
        if self.test.negated:
            return lambda tok, state: wanted.isdisjoint(state.cover[tok.index])
        return lambda tok, state: not wanted.isdisjoint(state.cover[tok.index])

    def _labels(self, label: str) -> frozenset[str]:
        wanted = self.labels.expand(label)
        if wanted is None:
            self.errors.append(PatternError(f"unknown label '{label}'", self.test.at,
                                            did_you_mean(label, self.labels.names)))
            wanted = frozenset()
        return wanted

    def visit_Regex(self, value: n.Regex) -> Predicate:
        search = re.compile(value.source, re.IGNORECASE if value.ignore_case else 0).search
        if self.test.negated:
            return lambda tok, state: not any(search(label) for label in state.cover[tok.index])
        return lambda tok, state: any(search(label) for label in state.cover[tok.index])
