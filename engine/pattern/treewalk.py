"""The walker that runs compiled paths (paths.py) over the dependency tree of one sentence.

A walk is plain reachability over (instruction, token) states, each visited at most once,
so a path costs at most sentence length times path size from any set of start tokens,
whatever its quantifiers: a step down looks at a token's dependents, and the dependents of
all tokens together are the sentence once over. A lookahead is answered token by token, by
the same walk from that token stopping at the first token it reaches, and the answer kept
for the sentence: a walk reaches few tokens of the tree, so asking where it is needed costs
far less than a table of every token would.
"""
from __future__ import annotations

from typing import Iterable

from .paths import ACCEPT, AHEAD, BRANCH, DOWN, FILTER, JUMP, UP, PathProgram
from .relations import MARKERS, joins_phrase, universal_part


class Tree:
    """One sentence's tree as the walker reads it: each token's head, relation and
    dependents, and the lookahead answers found so far. `state` is the VM's SentenceState
    (filters that test `mention` read it)."""

    __slots__ = ("state", "tokens", "n", "heads", "relations", "dependents", "_tables", "_order", "_phrases")

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
        self._tables: dict[int, tuple[PathProgram, dict[int, bool]]] = {}
        self._order: tuple[list[int], list[int]] | None = None
        self._phrases: dict[tuple[int, int, int], tuple[int, int]] = {}

    def phrase_order(self) -> tuple[list[int], list[int]]:
        """A depth-first walk of the tree along the edges a phrase takes (relations.joins_phrase):
        (first, after) such that token i lies in the phrase subtree of t exactly when
        first[t] <= first[i] < after[t]. A cycle of heads (which given tokens can make) is
        cut where the walk meets it."""
        if self._order is None:
            n = self.n
            below: list[list[int]] = [[] for _ in range(n)]
            tops = []
            for i in range(n):
                h = self.heads[i]
                if h >= 0 and joins_phrase(self.relations[i]):
                    below[h].append(i)
                else:
                    tops.append(i)
            first = [-1] * n
            up = [-1] * n                   # the parent in the walk
            order: list[int] = []
            for top in tops + list(range(n)):
                if first[top] >= 0:
                    continue
                stack = [top]
                while stack:
                    node = stack.pop()
                    if first[node] >= 0:
                        continue            # met again: a cycle, cut here
                    first[node] = len(order)
                    order.append(node)
                    for child in reversed(below[node]):
                        if first[child] < 0:
                            up[child] = node
                            stack.append(child)
            size = [1] * n
            for node in reversed(order):
                if up[node] >= 0:
                    size[up[node]] += size[node]
            self._order = (first, [first[i] + size[i] for i in range(n)])
        return self._order

    def holds(self, program: PathProgram, token: int) -> bool:
        """Whether `program` reaches some token from `token` (a lookahead at it)."""
        kept = self._tables.get(id(program))
        if kept is None:
            # the program is kept beside its answers, so that its id means it while the tree lives
            kept = self._tables[id(program)] = (program, {})
        answers = kept[1]
        found = answers.get(token)
        if found is None:
            found = answers[token] = bool(reach(program, self, (token,), first=True))
        return found


def _passes(relation: str | None, search, label: str) -> bool:
    """Whether a step's test takes a relation: exactly `relation`, else one that `search`
    finds something in, else (both None) any."""
    if relation is not None:
        return label == relation
    return search is None or search(label) is not None


def reach(program: PathProgram, tree: Tree, starts: Iterable[int], first: bool = False) -> list[int]:
    """The tokens the path reaches from any of `starts`, in sentence order; with `first`,
    only the first one the walk comes to (enough to know that it reaches any)."""
    code = program.plain
    n = tree.n
    tokens, heads, relations, dependents = tree.tokens, tree.heads, tree.relations, tree.dependents
    state = tree.state
    width = len(code)
    seen: set[int] = set()
    found: set[int] = set()
    stack = [(0, t) for t in starts if 0 <= t < n]
    pop, push, mark = stack.pop, stack.append, seen.add
    while stack:
        pc, t = pop()
        key = t * width + pc
        if key in seen:
            continue
        mark(key)
        ins = code[pc]
        op = ins[0]
        if op == DOWN:
            relation, search = ins[1], ins[2]
            pc += 1
            if relation is not None:
                for d in dependents[t]:
                    if relations[d] == relation:
                        push((pc, d))
            else:
                for d in dependents[t]:
                    if search is None or search(relations[d]) is not None:
                        push((pc, d))
        elif op == UP:
            h = heads[t]
            if h >= 0 and _passes(ins[1], ins[2], relations[t]):
                push((pc + 1, h))
        elif op == FILTER:
            if ins[1](tokens[t], state):
                push((pc + 1, t))
        elif op == AHEAD:
            if tree.holds(ins[1], t) != ins[2]:
                push((pc + 1, t))
        elif op == BRANCH:
            push((ins[2], t))
            push((ins[1], t))
        elif op == JUMP:
            push((ins[1], t))
        elif op == ACCEPT:
            if first:
                return [t]
            found.add(t)
        else:                                   # pragma: no cover
            raise AssertionError(f"bad path opcode {op}")
    return sorted(found)


def phrase(tree: Tree, token: int, trigger: range = range(0)) -> tuple[int, int]:
    """The span (start, end exclusive) of a token's phrase, an argument of the event whose
    trigger is the tokens of `trigger`.

    The token and what it governs, not crossing clausal, coordinated, appositive or
    punctuation relations (relations.PHRASE_BARRIERS), nor the token's own `case` and
    `mark` dependents (the preposition or subordinator that ties the phrase to what the
    path came from: "by the envoy" is "the envoy"; deeper down they stay: "the capital of
    Iran"); nor the trigger and what it governs, when the trigger hangs below the token
    ("Tajik attackers in terrorist attacks" is "Tajik attackers" for the trigger "attacks");
    with the `punct` dependents of those tokens, which may stand inside the phrase; the
    longest run of consecutive tokens of that set around the token, without punctuation at
    either end.

    Whether a token is governed so is one comparison of its place in a walk of the tree
    (made once per sentence), so a phrase costs its own length.
    """
    key = (token, trigger.start, trigger.stop)
    kept = tree._phrases.get(key)
    if kept is not None:
        return kept
    first, after = tree.phrase_order()
    heads, relations = tree.heads, tree.relations
    markers = [(first[d], after[d]) for d in tree.dependents[token] if universal_part(relations[d]) in MARKERS]
    lo_at, hi_at = first[token], after[token]
    if token not in trigger:
        markers += [(first[t], after[t]) for t in trigger if lo_at < first[t] < hi_at]

    def member(i: int) -> bool:
        at = first[i]
        if not lo_at <= at < hi_at:
            return False
        return not markers or not any(a <= at < b for a, b in markers)

    def inside(i: int) -> bool:
        if member(i):
            return True
        rel = relations[i]
        return (rel == "punct" or rel.startswith("punct:")) and heads[i] >= 0 and member(heads[i])

    lo = hi = token
    while lo > 0 and inside(lo - 1):
        lo -= 1
    while hi + 1 < tree.n and inside(hi + 1):
        hi += 1
    while not member(lo):
        lo += 1
    while not member(hi):
        hi -= 1
    kept = tree._phrases[key] = (lo, hi + 1)
    return kept
