"""AST -> Program: one walk over the nodes that emits instructions for the runtime's VM.

The instruction set is that of a Pike/Thompson machine (split, jump, consume, save, match)
plus two consumers that are not single tokens: a mention, which jumps to its end, and
a lookaround, a zero-width test answered from a per-sentence table. Token constraints
become plain Python predicates here, once, so the runtime only calls them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import Callable

from . import nodes as n
from ..errors import PatternError, did_you_mean
from .prefilter import Prefilter, analyze, literal_alternatives, width
from .visitor import Visitor
from ..rulefile.taxonomy import Taxonomy

# opcodes; TOKEN and LOOK carry their source text third, MENTION its label, for `evx explain`;
# TOKEN also keeps its constraint and the taxonomy it was compiled against, to compile it again
# when a pickled program is loaded
TOKEN, MENTION, SPLIT, JMP, OPEN, CLOSE, START, END, LOOK, MATCH = range(10)

MAX_PROGRAM = 200_000

# A predicate gets the token and the sentence's runtime state (for the `mention` field).
Predicate = Callable[[object, object], bool]


@dataclass(frozen=True, eq=False)
class Program:
    code: tuple[tuple, ...]
    captures: frozenset[str] = frozenset()
    prefilter: Prefilter = field(default_factory=Prefilter)

    @cached_property
    def merges(self) -> tuple[bool, ...]:
        """Which instructions paths can meet at: the start, jump and split targets, and what
        follows a mention (reached from different positions). Only there can a search come
        back to a state it has seen, so only there does the VM need to remember states."""
        marks = [False] * len(self.code)
        marks[0] = True
        for pc, ins in enumerate(self.code):
            if ins[0] == SPLIT:
                marks[ins[1]] = marks[ins[2]] = True
            elif ins[0] == JMP:
                marks[ins[1]] = True
            elif ins[0] == MENTION and pc + 1 < len(marks):
                marks[pc + 1] = True
        return tuple(marks)

    @cached_property
    def epsilon_into(self) -> tuple[tuple[int, ...], ...]:
        """For each instruction, those that go to it without consuming a token whatever the
        position (splits, jumps, captures): what lookahead tables walk backwards. Edges that
        depend on the position (^, $, lookarounds) are left to the runtime."""
        into: list[list[int]] = [[] for _ in self.code]
        for pc, ins in enumerate(self.code):
            op = ins[0]
            if op == SPLIT:
                into[ins[1]].append(pc)
                into[ins[2]].append(pc)
            elif op == JMP:
                into[ins[1]].append(pc)
            elif op == OPEN or op == CLOSE:
                into[pc + 1].append(pc)
        return tuple(map(tuple, into))

    def __reduce__(self):
        """Predicates are closures, which pickle cannot keep: a pickled program holds each
        token's constraint instead and compiles it again when loaded (a small part of what
        parsing, compiling and analysing the pattern cost)."""
        code = tuple((TOKEN, None, *ins[2:]) if ins[0] == TOKEN else ins for ins in self.code)
        return _unpickle_program, (code, self.captures, self.prefilter)


def _unpickle_program(code: tuple, captures: frozenset[str], prefilter: Prefilter) -> Program:
    code = tuple((TOKEN, _reloaded(ins[3]) or compile_constraint(ins[3], ins[4], []), *ins[2:])
                 if ins[0] == TOKEN else ins for ins in code)
    return Program(code, captures, prefilter)


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


@dataclass(frozen=True, eq=False)
class Lookaround:
    program: Program
    behind: bool
    negated: bool
    width: tuple[int, int | None] = (0, None)   # the fewest and most tokens its body spans

    @cached_property
    def single(self) -> tuple | None:
        """The one consuming instruction, when the body is a single token or mention."""
        code = self.program.code
        return code[0] if len(code) == 2 and code[0][0] in (TOKEN, MENTION) else None


def describe(ins: tuple) -> str:
    """What an instruction tests, as pattern text."""
    op = ins[0]
    if op == TOKEN or op == LOOK:
        return ins[2]
    if op == MENTION:
        return f"@{ins[2]}:{ins[3]}" if ins[2] else f"@{ins[3]}"
    return {START: "^ (sentence start)", END: "$ (sentence end)"}.get(op, "")


def compile_pattern(pattern: n.Pattern, labels: Taxonomy, allow_captures: bool = True) -> Program:
    """Compile an AST; raise PatternError (with the node's offset) for what cannot run."""
    emitter = _Emitter(labels, allow_captures)
    emitter.emit(pattern)
    emitter.code.append((MATCH,))
    if emitter.errors:
        raise PatternError.collected(emitter.errors)
    return Program(tuple(emitter.code), frozenset(emitter.captures), analyze(pattern, labels))


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
        self.visit(node)

    def visit_TokenPattern(self, node: n.TokenPattern) -> None:
        self.code.append((TOKEN, compile_constraint(node.constraint, self.labels, self.errors), n.to_source(node),
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
            code[split] = (SPLIT, split + 1, len(code))
        self.emit(node.options[-1])
        for at in jumps:
            code[at] = (JMP, len(code))

    def visit_Capture(self, node: n.Capture) -> None:
        if not self.allow_captures:
            self.errors.append(PatternError("captures are not allowed inside a lookaround", node.at))
        self.captures.add(node.name)
        self.code.append((OPEN, node.name))
        self.emit(node.body)
        self.code.append((CLOSE, node.name))

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
        self.code.append((MENTION, wanted, node.name, node.label))

    def visit_Lookaround(self, node: n.Lookaround) -> None:
        try:
            body = compile_pattern(node.body, self.labels, allow_captures=False)
        except PatternError as err:
            self.errors.extend(err.all())
            return
        self.code.append((LOOK, Lookaround(body, node.behind, node.negated, width(node.body)), n.to_source(node)))

    def visit_Anchor(self, node: n.Anchor) -> None:
        self.code.append((END,) if node.end else (START,))

    def visit_Repeat(self, node: n.Repeat) -> None:
        code = self.code
        for _ in range(node.min):
            self.emit(node.body)
        if node.max is None:
            loop = len(code)
            code.append(None)
            self.emit(node.body)
            code.append((JMP, loop))
            out = len(code)
            code[loop] = (SPLIT, loop + 1, out) if node.greedy else (SPLIT, out, loop + 1)
            return
        splits = []
        for _ in range(node.max - node.min):
            splits.append(len(code))
            code.append(None)
            self.emit(node.body)
        out = len(code)
        for at in splits:
            code[at] = (SPLIT, at + 1, out) if node.greedy else (SPLIT, out, at + 1)


# -- token constraints --------------------------------------------------------------------------

class _Predicates(Visitor, over=n.ConstraintNode):
    """Constraints as predicates on (token, sentence state); unknown labels go to `errors`."""

    def __init__(self, labels: Taxonomy, errors: list):
        self.labels = labels
        self.errors = errors

    def visit_AnyToken(self, c: n.AnyToken) -> Predicate:
        return lambda tok, state: True

    def visit_FieldTest(self, c: n.FieldTest) -> Predicate:
        test = _field_test(c, self.labels, self.errors)
        if c.negated:
            return lambda tok, state: not test(tok, state)
        return test

    def visit_Not(self, c: n.Not) -> Predicate:
        inner = self.visit(c.operand)
        return lambda tok, state: not inner(tok, state)

    def visit_And(self, c: n.And) -> Predicate:
        return self._folded(c.operands, _both)

    def visit_Or(self, c: n.Or) -> Predicate:
        return self._folded(c.operands, _either)

    def _folded(self, operands, join) -> Predicate:
        # fold into nested two-way closures: cheaper per call than all()/any() over a generator
        parts = [self.visit(op) for op in operands]
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


class _ValueTests(Visitor, over=n.ValueNode):
    """A test on one string value; an anchored alternation of plain words becomes a set lookup."""

    def visit_Literal(self, value: n.Literal) -> Callable[[str], bool]:
        return value.text.__eq__

    def visit_Regex(self, value: n.Regex) -> Callable[[str], bool]:
        words = literal_alternatives(value.source)
        if words is not None:
            return words.__contains__
        return re.compile(value.source).search


_VALUE_TESTS = _ValueTests()


def _field_test(c: n.FieldTest, labels: Taxonomy, errors: list) -> Predicate:
    if c.field == "mention":
        return _MentionTests(c, labels, errors).visit(c.value)
    test = _VALUE_TESTS.visit(c.value)
    if c.field == "outgoing":
        return lambda tok, state: any(test(label) for label in tok.outgoing)
    get = attrgetter(c.field)
    return lambda tok, state: test(get(tok))


class _MentionTests(Visitor, over=n.ValueNode):
    """`mention=value`: the labels of the mentions that cover the token, tested."""

    def __init__(self, test: n.FieldTest, labels: Taxonomy, errors: list):
        self.test = test
        self.labels = labels
        self.errors = errors

    def visit_Literal(self, value: n.Literal) -> Predicate:
        wanted = self.labels.expand(value.text)
        if wanted is None:
            self.errors.append(PatternError(f"unknown label '{value.text}'", self.test.at,
                                            did_you_mean(value.text, self.labels.names)))
            wanted = frozenset()
        return lambda tok, state: not wanted.isdisjoint(state.covering(tok.index))

    def visit_Regex(self, value: n.Regex) -> Predicate:
        search = re.compile(value.source).search
        return lambda tok, state: any(search(label) for label in state.covering(tok.index))
