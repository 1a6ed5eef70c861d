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
    if isinstance(c, n.FieldTest):
        return c.field == "mention"
    if isinstance(c, n.Not):
        return _tests_mentions(c.operand)
    return isinstance(c, (n.And, n.Or)) and any(map(_tests_mentions, c.operands))


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
class _Emitter:
    labels: Taxonomy
    allow_captures: bool
    code: list = field(default_factory=list)
    captures: set = field(default_factory=set)
    errors: list = field(default_factory=list)

    def emit(self, node: n.Pattern) -> None:
        if len(self.code) > MAX_PROGRAM:
            raise PatternError("the pattern is too large to compile", node.at,
                               "nested counted repetitions multiply: use '*' or '+' instead")
        code = self.code
        if isinstance(node, n.TokenPattern):
            code.append((TOKEN, compile_constraint(node.constraint, self.labels, self.errors), n.to_source(node),
                         node.constraint, self.labels))
        elif isinstance(node, n.Sequence):
            for item in node.items:
                self.emit(item)
        elif isinstance(node, n.Alternation):
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
        elif isinstance(node, n.Repeat):
            self.emit_repeat(node)
        elif isinstance(node, n.Capture):
            if not self.allow_captures:
                self.errors.append(PatternError("captures are not allowed inside a lookaround", node.at))
            self.captures.add(node.name)
            code.append((OPEN, node.name))
            self.emit(node.body)
            code.append((CLOSE, node.name))
        elif isinstance(node, n.MentionRef):
            wanted = self.labels.expand(node.label)
            if wanted is None:
                self.errors.append(PatternError(f"unknown label '{node.label}'", node.at,
                                                did_you_mean(node.label, self.labels.names)))
                wanted = frozenset()
            if node.name is not None:
                if not self.allow_captures:
                    self.errors.append(PatternError("captures are not allowed inside a lookaround", node.at))
                self.captures.add(node.name)
            code.append((MENTION, wanted, node.name, node.label))
        elif isinstance(node, n.Lookaround):
            try:
                body = compile_pattern(node.body, self.labels, allow_captures=False)
            except PatternError as err:
                self.errors.extend(err.all())
                return
            code.append((LOOK, Lookaround(body, node.behind, node.negated, width(node.body)), n.to_source(node)))
        elif isinstance(node, n.Anchor):
            code.append((END,) if node.end else (START,))
        else:  # pragma: no cover - the parser builds no other node
            raise TypeError(f"unknown node {node!r}")

    def emit_repeat(self, node: n.Repeat) -> None:
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

def compile_constraint(c: n.Constraint, labels: Taxonomy, errors: list) -> Predicate:
    if isinstance(c, n.AnyToken):
        return lambda tok, state: True
    if isinstance(c, n.FieldTest):
        test = _field_test(c, labels, errors)
        if c.negated:
            return lambda tok, state: not test(tok, state)
        return test
    if isinstance(c, n.Not):
        inner = compile_constraint(c.operand, labels, errors)
        return lambda tok, state: not inner(tok, state)
    parts = [compile_constraint(op, labels, errors) for op in c.operands]
    # fold into nested two-way closures: cheaper per call than all()/any() over a generator
    combined = parts[-1]
    for part in reversed(parts[:-1]):
        combined = _both(part, combined) if isinstance(c, n.And) else _either(part, combined)
    return combined


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda tok, state: first(tok, state) and second(tok, state)


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda tok, state: first(tok, state) or second(tok, state)


def _value_test(value: n.Value) -> Callable[[str], bool]:
    """A test on one string value; an anchored alternation of plain words becomes a set lookup."""
    if isinstance(value, n.Literal):
        text = value.text
        return text.__eq__
    words = literal_alternatives(value.source)
    if words is not None:
        return words.__contains__
    return re.compile(value.source).search


def _field_test(c: n.FieldTest, labels: Taxonomy, errors: list) -> Predicate:
    if c.field == "mention":
        return _mention_test(c, labels, errors)
    test = _value_test(c.value)
    if c.field == "outgoing":
        return lambda tok, state: any(test(label) for label in tok.outgoing)
    get = attrgetter(c.field)
    return lambda tok, state: test(get(tok))


def _mention_test(c: n.FieldTest, labels: Taxonomy, errors: list) -> Predicate:
    if isinstance(c.value, n.Literal):
        wanted = labels.expand(c.value.text)
        if wanted is None:
            errors.append(PatternError(f"unknown label '{c.value.text}'", c.at,
                                       did_you_mean(c.value.text, labels.names)))
            wanted = frozenset()
        return lambda tok, state: not wanted.isdisjoint(state.covering(tok.index))
    search = re.compile(c.value.source).search
    return lambda tok, state: any(search(label) for label in state.covering(tok.index))
