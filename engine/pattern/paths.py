"""Graph patterns as parsed, and paths compiled into automata over the dependency tree.

A path is a relation between tokens: from a set of start tokens it reaches a set of tokens.
It compiles into the instructions of a Thompson automaton whose steps move along the tree
instead of along the sentence: `Edge` follows an edge down (head to dependent) or up,
`Filter` keeps the token if it satisfies a constraint, `Ahead` if a sub-path does (or does
not) reach a token from it; `Branch` and `Jump` join them as the compiler of token patterns
does. treewalk.py runs them. Instructions hold data only (no closures), so a compiled path
goes to the compile cache as it is; the predicates are made when it first runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from . import nodes as n
from ..errors import PatternError
from ..rulefile.taxonomy import Taxonomy
from .compiler import compile_constraint, reloaded_test
from .visitor import Visitor

MAX_PATH_PROGRAM = 200_000

DOWN, UP, FILTER, AHEAD, BRANCH, JUMP, ACCEPT = range(7)


# -- what the parser makes of a graph pattern ------------------------------------------------------

@dataclass(frozen=True)
class RoleDefinition:
    """`role[:Label][?] = PATH`: `at` is where the definition starts, `label_at` its label."""
    name: str
    label: str | None
    optional: bool
    path: n.Path
    at: int = field(default=0, compare=False)
    label_at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Condition:
    """`if = PATH` (the trigger counts only if PATH reaches a token from it) or
    `unless = PATH` (only if it reaches none)."""
    kind: str                       # "if" or "unless"
    path: n.Path
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class GraphPattern:
    """`trigger = PATTERN`, the conditions on the trigger and the role definitions, each in
    the order written."""
    trigger: n.Pattern
    roles: tuple[RoleDefinition, ...]
    trigger_at: int = field(default=0, compare=False)
    conditions: tuple[Condition, ...] = ()


# -- instructions ---------------------------------------------------------------------------------

class Edge(NamedTuple):
    """DOWN: to each dependent whose relation passes; UP: to the head, if the token's own
    relation passes. `relation` is the label exactly, else `pattern` is searched in it;
    both None: any relation."""
    op: int
    relation: str | None
    pattern: re.Pattern | None


class Filter(NamedTuple):
    """Stay on the token if it satisfies `constraint` (compiled against `labels`)."""
    op: int
    constraint: n.Constraint
    labels: Taxonomy
    source: str


class Ahead(NamedTuple):
    """Stay on the token if `program` reaches some token from it (with `negated`: none)."""
    op: int
    program: "PathProgram"
    negated: bool
    source: str


class Branch(NamedTuple):
    op: int
    first: int
    second: int


class Jump(NamedTuple):
    op: int
    to: int


class Accept(NamedTuple):
    op: int


Instruction = Edge | Filter | Ahead | Branch | Jump | Accept


@dataclass(frozen=True, eq=False)
class PathProgram:
    code: tuple[Instruction, ...]
    source: str = ""

    def __repr__(self) -> str:
        return f"<PathProgram {len(self.code)} instructions: {self.source}>"

    def __reduce__(self):
        """Only the instructions: what `plain` made of them holds closures, made again on use."""
        return PathProgram, (self.code, self.source)

    @cached_property
    def plain(self) -> tuple[tuple, ...]:
        """The code as the walker reads it, by position: (DOWN or UP, relation, search or
        None), (FILTER, predicate), (AHEAD, program, negated), (BRANCH, first, second),
        (JUMP, to), (ACCEPT,)."""
        out = []
        for ins in self.code:
            op = ins.op
            if op == DOWN or op == UP:
                out.append((op, ins.relation, ins.pattern.search if ins.pattern is not None else None))
            elif op == FILTER:
                out.append((op, reloaded_test(ins.constraint, ins.labels)))
            elif op == AHEAD:
                out.append((op, ins.program, ins.negated))
            else:
                out.append(tuple(ins))
        return tuple(out)

    @cached_property
    def jumps_into(self) -> tuple[tuple[int, ...], ...]:
        """For each instruction, the branches and jumps that lead to it: what the walk
        backwards from ACCEPT (the lookahead table) follows besides the steps."""
        into: list[list[int]] = [[] for _ in self.code]
        for pc, ins in enumerate(self.code):
            if ins.op == BRANCH:
                into[ins.first].append(pc)
                into[ins.second].append(pc)
            elif ins.op == JUMP:
                into[ins.to].append(pc)
        return tuple(map(tuple, into))

    @cached_property
    def fields(self) -> frozenset[str]:
        """The token fields its filters test (`head` and `incoming` are the walker's own)."""
        found = set()
        for ins in self.code:
            if ins.op == FILTER:
                found.update(test.field for test in n.constraint_tests(ins.constraint))
            elif ins.op == AHEAD:
                found |= ins.program.fields
        return frozenset(found)


def compile_path(path: n.Path, labels: Taxonomy) -> PathProgram:
    """Compile a path; PatternError (all of them, at their nodes) for what cannot run."""
    emitter = _PathEmitter(labels)
    emitter.emit(path)
    emitter.code.append(Accept(ACCEPT))
    if emitter.errors:      # a repeated body is emitted once per pass: report each error once
        unique = {(e.message, e.offset): e for e in reversed(emitter.errors)}
        raise PatternError.collected(sorted(unique.values(), key=lambda e: e.offset))
    return PathProgram(tuple(emitter.code), n.path_source(path))


class _PathEmitter(Visitor, over=n.PathNode):
    def __init__(self, labels: Taxonomy):
        self.labels = labels
        self.code: list = []
        self.errors: list[PatternError] = []

    def emit(self, node: n.Path) -> None:
        if len(self.code) > MAX_PATH_PROGRAM:
            raise PatternError("the path is too large to compile", node.at,
                               "nested counted repetitions multiply: use '*' or '+' instead")
        self.visit(node)

    def visit_Edge(self, node: n.Edge) -> None:
        op = DOWN if node.down else UP
        relation = node.relation
        if relation is None:
            self.code.append(Edge(op, None, None))
        elif isinstance(relation, n.Regex):
            self.code.append(Edge(op, None, re.compile(relation.source, re.IGNORECASE if relation.ignore_case else 0)))
        else:
            self.code.append(Edge(op, relation.text, None))

    def visit_PathFilter(self, node: n.PathFilter) -> None:
        compile_constraint(node.constraint, self.labels, self.errors)      # for its errors
        self.code.append(Filter(FILTER, node.constraint, self.labels, n.path_source(node)))

    def visit_PathLookahead(self, node: n.PathLookahead) -> None:
        try:
            body = compile_path(node.body, self.labels)
        except PatternError as err:
            self.errors.extend(err.all())
            return
        self.code.append(Ahead(AHEAD, body, node.negated, n.path_source(node)))

    def visit_PathSequence(self, node: n.PathSequence) -> None:
        for item in node.items:
            self.emit(item)

    def visit_PathAlternation(self, node: n.PathAlternation) -> None:
        code = self.code
        jumps = []
        for option in node.options[:-1]:
            fork = len(code)
            code.append(None)
            self.emit(option)
            jumps.append(len(code))
            code.append(None)
            code[fork] = Branch(BRANCH, fork + 1, len(code))
        self.emit(node.options[-1])
        for at in jumps:
            code[at] = Jump(JUMP, len(code))

    def visit_PathRepeat(self, node: n.PathRepeat) -> None:
        """The required passes one after another, then the optional ones: a loop when there
        is no maximum, else one copy each. A path reaches a set, so a pass that moves
        nowhere needs no care: the walk's (instruction, token) states it comes back to are
        already visited."""
        code = self.code
        for _ in range(node.min):
            self.emit(node.body)
        if node.max is None:
            head = len(code)
            code.append(None)
            self.emit(node.body)
            code.append(Jump(JUMP, head))
            code[head] = Branch(BRANCH, head + 1, len(code))
            return
        forks = []
        for _ in range(node.max - node.min):
            forks.append(len(code))
            code.append(None)
            self.emit(node.body)
        out = len(code)
        for fork in forks:
            code[fork] = Branch(BRANCH, fork + 1, out)
