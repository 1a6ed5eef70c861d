"""What the compiler emits and the VM runs: one named tuple per instruction, and the Program.

The instruction set is that of a Pike/Thompson machine (split, jump, consume, save, match)
plus two consumers that are not single tokens: a mention, which jumps to its end, and
a lookaround, a zero-width test answered from a per-sentence table. Every instruction is a
tuple whose first item is its opcode, so the VM dispatches on one small integer; the fields
after it have names, and the constructors fill the opcode in: `Split(first=3, second=7)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Callable, NamedTuple

from . import nodes as n
from .prefilter import Prefilter
from ..rulefile.taxonomy import Taxonomy

TOKEN, MENTION, SPLIT, JMP, OPEN, CLOSE, START, END, LOOK, MATCH = range(10)

# A predicate gets the token and the sentence's runtime state (for the `mention` field).
Predicate = Callable[[object, object], bool]


def _opcode(code: int):
    """Make a NamedTuple whose first field is `op` into the instruction of that opcode: its
    constructor takes the other fields and puts `code` first."""
    def make(fields: type) -> type:
        size = len(fields._fields) - 1

        def __new__(cls, *args, **kwargs):
            if kwargs or len(args) != size:
                return fields.__new__(cls, code, *args, **kwargs)
            return tuple.__new__(cls, (code, *args))

        def __getnewargs__(self):       # pickle passes these to __new__, which adds the opcode
            return tuple(self)[1:]

        def __repr__(self):
            shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields[1:], self[1:]))
            return f"{fields.__name__}({shown})"

        return type(fields.__name__, (fields,), {
            "__slots__": (), "__new__": __new__, "__getnewargs__": __getnewargs__, "__repr__": __repr__,
            "__doc__": fields.__doc__, "__module__": fields.__module__, "__qualname__": fields.__qualname__,
            "OP": code})
    return make


@_opcode(TOKEN)
class Token(NamedTuple):
    """Consume one token that passes `test`. `source` is the constraint as pattern text (for
    `evx explain`); `constraint` and `labels` let a program loaded from the cache compile
    `test` again."""
    op: int
    test: Predicate | None
    source: str
    constraint: n.Constraint
    labels: Taxonomy


@_opcode(MENTION)
class Mention(NamedTuple):
    """Consume one whole mention starting here whose labels meet `wanted` (`label` and the
    labels under it); `name`, if any, captures it."""
    op: int
    wanted: frozenset[str]
    name: str | None
    label: str


@_opcode(SPLIT)
class Split(NamedTuple):
    """Go on at `first`; should that fail, at `second`."""
    op: int
    first: int
    second: int


@_opcode(JMP)
class Jump(NamedTuple):
    """Go on at `to`."""
    op: int
    to: int


@_opcode(OPEN)
class Open(NamedTuple):
    """Capture `name` starts at this position."""
    op: int
    name: str


@_opcode(CLOSE)
class Close(NamedTuple):
    """Capture `name` ends at this position."""
    op: int
    name: str


@_opcode(START)
class AtStart(NamedTuple):
    """`^`: only at the sentence's start."""
    op: int


@_opcode(END)
class AtEnd(NamedTuple):
    """`$`: only at the sentence's end."""
    op: int


@_opcode(LOOK)
class Look(NamedTuple):
    """A lookaround holds here; `source` is its pattern text."""
    op: int
    look: "Lookaround"
    source: str


@_opcode(MATCH)
class Match(NamedTuple):
    """A match ends here."""
    op: int


Instruction = Token | Mention | Split | Jump | Open | Close | AtStart | AtEnd | Look | Match


@dataclass(frozen=True, eq=False)
class Program:
    code: tuple[Instruction, ...]
    captures: frozenset[str] = frozenset()
    prefilter: Prefilter = field(default_factory=Prefilter)
    fields: frozenset[str] = frozenset()     # the token fields it tests, for the syntax stage

    def __repr__(self) -> str:
        names = ", ".join(sorted(self.captures))
        return f"<Program {len(self.code)} instructions{', captures ' + names if names else ''}>"

    @cached_property
    def plain(self) -> tuple[tuple, ...]:
        """The code as plain tuples, each field where its instruction has it: the VM's hot
        loop reads them by position, which Python does faster on a plain tuple than by name.
        A lookaround's tuple has one more field, its Lookaround.holds."""
        return tuple((*ins, ins.look.holds) if ins.op == LOOK else tuple(ins) for ins in self.code)

    @cached_property
    def first_test(self) -> Predicate | None:
        """What the first token of every match passes, when the program cannot match empty:
        one of the token tests, or the start of one of the mentions, that the search can
        reach from the start without consuming (through splits, jumps, captures, ^, $ and
        lookarounds, all zero-width). The VM asks it before it starts a search there."""
        tests, wanted = self._openers()
        if tests is None:
            return None
        if wanted:
            def starts_mention(tok, state) -> bool:
                return any(not wanted.isdisjoint(m.labels) for m in state.by_start.get(tok.index, ()))
            tests = (*tests, starts_mention)
        return _any_test(tests)

    def _openers(self) -> tuple[tuple[Predicate, ...] | None, frozenset[str]]:
        """The token tests and mention labels reachable from the start without consuming;
        (None, ...) when a match can be reached so (an empty match)."""
        code = self.code
        seen: set[int] = set()
        tests: dict[int, Predicate] = {}
        wanted: set[str] = set()
        work = [0]
        while work:
            pc = work.pop()
            if pc in seen:
                continue
            seen.add(pc)
            ins = code[pc]
            if ins.op == TOKEN:
                tests[pc] = ins.test
            elif ins.op == MENTION:
                wanted |= ins.wanted
            elif ins.op == MATCH:
                return None, frozenset()
            elif ins.op == SPLIT:
                work += (ins.second, ins.first)
            elif ins.op == JMP:
                work.append(ins.to)
            else:                           # captures, ^, $, lookarounds: zero-width
                work.append(pc + 1)
        return tuple(tests[pc] for pc in sorted(tests)), frozenset(wanted)

    @cached_property
    def leading_looks(self) -> tuple[Callable[[object, int], object], ...]:
        """The lookarounds every match passes before anything else (a pattern that opens
        with `(?<= ...)`): the VM asks them, with first_test, before it starts a search."""
        found = []
        for ins in self.code:
            if ins.op != LOOK:
                break
            found.append(ins.look.holds)
        return tuple(found)

    @cached_property
    def merges(self) -> tuple[bool, ...]:
        """Which instructions paths can meet at: the start, jump and split targets, and what
        follows a mention (reached from different positions). Only there can a search come
        back to a state it has seen, so only there does the VM need to remember states."""
        marks = [False] * len(self.code)
        marks[0] = True
        for pc, ins in enumerate(self.code):
            if ins.op == SPLIT:
                marks[ins.first] = marks[ins.second] = True
            elif ins.op == JMP:
                marks[ins.to] = True
            elif ins.op == MENTION and pc + 1 < len(marks):
                marks[pc + 1] = True
        return tuple(marks)

    @cached_property
    def epsilon_into(self) -> tuple[tuple[int, ...], ...]:
        """For each instruction, those that go to it without consuming a token whatever the
        position (splits, jumps, captures): what lookahead tables walk backwards. Edges that
        depend on the position (^, $, lookarounds) are left to the runtime."""
        into: list[list[int]] = [[] for _ in self.code]
        for pc, ins in enumerate(self.code):
            if ins.op == SPLIT:
                into[ins.first].append(pc)
                into[ins.second].append(pc)
            elif ins.op == JMP:
                into[ins.to].append(pc)
            elif ins.op == OPEN or ins.op == CLOSE:
                into[pc + 1].append(pc)
        return tuple(map(tuple, into))

    def __reduce__(self):
        """Predicates are closures, which pickle cannot keep: a pickled program holds each
        token's constraint instead and compiles it again when loaded (a small part of what
        parsing, compiling and analysing the pattern cost)."""
        code = tuple(ins._replace(test=None) if ins.op == TOKEN else ins for ins in self.code)
        return _unpickle_program, (code, self.captures, self.prefilter)


def _unpickle_program(code: tuple, captures: frozenset[str], prefilter: Prefilter) -> Program:
    from .compiler import reloaded_test
    code = tuple(ins._replace(test=reloaded_test(ins.constraint, ins.labels)) if ins.op == TOKEN else ins
                 for ins in code)
    return Program(code, captures, prefilter)


@dataclass(frozen=True, eq=False)
class Lookaround:
    program: Program
    behind: bool
    negated: bool
    width: tuple[int, int | None] = (0, None)   # the fewest and most tokens its body spans

    def __repr__(self) -> str:
        kind = ("(?<" if self.behind else "(?") + ("!" if self.negated else "=")
        return f"<Lookaround {kind} {len(self.program.code)} instructions>"

    def __reduce__(self):
        """Its fields alone: what it keeps once used (closures) is made again on use."""
        return Lookaround, (self.program, self.behind, self.negated, self.width)

    @cached_property
    def holds(self) -> Callable[[object, int], object]:
        """Whether the lookaround holds at a position of a sentence state (a truth value):
        a body of one token is tested on the spot, anything else is asked of the state,
        which keeps its answers."""
        single = self.single
        if single is None or single[0] != TOKEN:
            return partial(_ask_state, self)
        test = single[1]
        if self.behind:
            if self.negated:
                return lambda state, pos: pos == 0 or not test(state.tokens[pos - 1], state)
            return lambda state, pos: pos > 0 and test(state.tokens[pos - 1], state)
        if self.negated:
            return lambda state, pos: pos >= state.n or not test(state.tokens[pos], state)
        return lambda state, pos: pos < state.n and test(state.tokens[pos], state)

    @cached_property
    def single(self) -> tuple | None:
        """The one consuming instruction, as a plain tuple (see Program.plain), when the body
        is a single token or mention."""
        code = self.program.plain
        return code[0] if len(code) == 2 and code[0][0] in (TOKEN, MENTION) else None


def _any_test(tests: tuple[Predicate, ...]) -> Predicate:
    """A token passes one of `tests`: one or two called directly, more in a loop."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda tok, state: first(tok, state) or second(tok, state)

    def passes(tok, state) -> bool:
        for test in tests:
            if test(tok, state):
                return True
        return False
    return passes


def _ask_state(look: Lookaround, state, pos: int) -> bool:
    return state.look(look, pos)


def describe(ins: Instruction) -> str:
    """What an instruction tests, as pattern text."""
    if ins.op == TOKEN or ins.op == LOOK:
        return ins.source
    if ins.op == MENTION:
        return f"@{ins.name}:{ins.label}" if ins.name else f"@{ins.label}"
    return {START: "^ (sentence start)", END: "$ (sentence end)"}.get(ins.op, "")
