"""The walker that runs compiled paths (paths.py) over the dependency tree of one sentence.

A walk is plain reachability over (instruction, token) states, each visited at most once,
so a path costs at most sentence length times path size from any set of start tokens,
whatever its quantifiers: a step down looks at a token's dependents, and the dependents of
all tokens together are the sentence once over. A lookahead is answered from a table of
the tokens it holds at, made once per sentence by the same reachability run backwards from
the accepting state, so nested lookaheads stay linear too.
"""
from __future__ import annotations

from typing import Iterable

from .paths import ACCEPT, AHEAD, BRANCH, DOWN, FILTER, JUMP, UP, PathProgram
from .relations import MARKERS, joins_phrase, universal_part


class Tree:
    """One sentence's tree as the walker reads it: each token's head, relation and
    dependents, and the lookahead tables made so far. `state` is the VM's SentenceState
    (filters that test `mention` read it)."""

    __slots__ = ("state", "tokens", "n", "heads", "relations", "dependents", "_tables")

    def __init__(self, state):
        self.state = state
        self.tokens = state.tokens
        n = self.n = len(self.tokens)
        self.heads = [t.head if 0 <= t.head < n else -1 for t in self.tokens]
        self.relations = [t.incoming for t in self.tokens]
        self.dependents: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.heads):
            if h >= 0:
                self.dependents[h].append(i)
        self._tables: dict[int, tuple[PathProgram, frozenset[int]]] = {}

    def holds(self, program: PathProgram) -> frozenset[int]:
        """The tokens from which `program` reaches some token (a lookahead's table)."""
        kept = self._tables.get(id(program))
        if kept is None:
            # the program is kept beside its table, so that its id means it while the tree lives
            kept = self._tables[id(program)] = (program, _ahead_table(program, self))
        return kept[1]


def _passes(relation: str | None, search, label: str) -> bool:
    if relation is not None:
        return label == relation
    return search is None or search(label) is not None


def reach(program: PathProgram, tree: Tree, starts: Iterable[int]) -> list[int]:
    """The tokens the path reaches from any of `starts`, in sentence order."""
    code = program.plain
    n = tree.n
    tokens, heads, relations, dependents = tree.tokens, tree.heads, tree.relations, tree.dependents
    state = tree.state
    width = len(code)
    seen: set[int] = set()
    found: set[int] = set()
    stack = [(0, t) for t in starts if 0 <= t < n]
    pop, push = stack.pop, stack.append
    while stack:
        pc, t = pop()
        key = t * width + pc
        if key in seen:
            continue
        seen.add(key)
        ins = code[pc]
        op = ins[0]
        if op == DOWN:
            relation, search = ins[1], ins[2]
            for d in dependents[t]:
                if _passes(relation, search, relations[d]):
                    push((pc + 1, d))
        elif op == UP:
            h = heads[t]
            if h >= 0 and _passes(ins[1], ins[2], relations[t]):
                push((pc + 1, h))
        elif op == FILTER:
            if ins[1](tokens[t], state):
                push((pc + 1, t))
        elif op == AHEAD:
            if (t in tree.holds(ins[1])) != ins[2]:
                push((pc + 1, t))
        elif op == BRANCH:
            push((ins[2], t))
            push((ins[1], t))
        elif op == JUMP:
            push((ins[1], t))
        elif op == ACCEPT:
            found.add(t)
        else:                                   # pragma: no cover
            raise AssertionError(f"bad path opcode {op}")
    return sorted(found)


def _ahead_table(program: PathProgram, tree: Tree) -> frozenset[int]:
    """The tokens t such that (0, t) reaches (ACCEPT, any token): the walk run backwards.

    A state (pc, t) is reached backwards from (pc + 1, t') when the step at pc leads from t
    to t': for a step down, t is the head of t'; for a step up, t is a dependent of t'; a
    filter or lookahead stays on its token. Branches and jumps lead back through
    `jumps_into`."""
    code = program.plain
    into = program.jumps_into
    n = tree.n
    tokens, heads, relations, dependents = tree.tokens, tree.heads, tree.relations, tree.dependents
    state = tree.state
    width = len(code)
    seen: set[int] = set()
    accept = [pc for pc, ins in enumerate(code) if ins[0] == ACCEPT]
    stack = [(pc, t) for pc in accept for t in range(n)]
    pop, push = stack.pop, stack.append
    out: set[int] = set()
    while stack:
        pc, t = pop()
        key = t * width + pc
        if key in seen:
            continue
        seen.add(key)
        if pc == 0:
            out.add(t)
        for before in into[pc]:
            push((before, t))
        if pc == 0:
            continue
        ins = code[pc - 1]
        op = ins[0]
        if op == DOWN:
            h = heads[t]
            if h >= 0 and _passes(ins[1], ins[2], relations[t]):
                push((pc - 1, h))
        elif op == UP:
            relation, search = ins[1], ins[2]
            for d in dependents[t]:
                if _passes(relation, search, relations[d]):
                    push((pc - 1, d))
        elif op == FILTER:
            if ins[1](tokens[t], state):
                push((pc - 1, t))
        elif op == AHEAD:
            if (t in tree.holds(ins[1])) != ins[2]:
                push((pc - 1, t))
    return frozenset(out)


def phrase(tree: Tree, token: int) -> tuple[int, int]:
    """The span (start, end exclusive) of a token's phrase.

    The token and what it governs, not crossing clausal, coordinated, appositive or
    punctuation relations (relations.PHRASE_BARRIERS), nor the token's own `case` and
    `mark` dependents (the preposition or subordinator that ties the phrase to what the
    path came from: "by the envoy" is "the envoy"; deeper down they stay: "the capital of
    Iran"); with the `punct` dependents of those tokens, which may stand inside the
    phrase; the longest run of consecutive tokens of that set around the token, without
    punctuation at either end.
    """
    relations, dependents = tree.relations, tree.dependents
    members = {token}
    marks: set[int] = set()
    work = [token]
    while work:
        t = work.pop()
        for d in dependents[t]:
            rel = relations[d]
            if t == token and universal_part(rel) in MARKERS:
                continue
            if joins_phrase(rel):
                if d not in members:
                    members.add(d)
                    work.append(d)
            elif rel == "punct" or rel.startswith("punct:"):
                marks.add(d)
    inside = members | marks
    lo = hi = token
    while lo - 1 in inside:
        lo -= 1
    while hi + 1 in inside:
        hi += 1
    while lo not in members:
        lo += 1
    while hi not in members:
        hi -= 1
    return lo, hi + 1
