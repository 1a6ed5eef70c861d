"""A naive matcher for evx patterns: the oracle the VM is tested against.

It walks the pattern AST directly, trying every choice in priority order by plain recursive
backtracking (continuation-passing: each node is handed what must follow it). That is
exponential in the worst case, so it is for small patterns and short sentences only, and it
shares nothing with the compiler, the VM or the prefilter: only the node classes of
`evx.pattern.nodes` and the fields of a token. A step budget stops a search that would take
too long (`BudgetExceeded`), so a property test can skip that example instead of hanging.

The semantics it implements, from the design brief and the README:
- a search at each start position, leftmost first; at one start the first match in Perl's
  priority order is taken; the next search resumes where it ended; an empty match is never
  reported and the search moves on one token (a lower-priority non-empty match at that same
  start is not looked for);
- alternation tries its options left to right; a greedy quantifier tries one more pass before
  stopping, a lazy one stops before trying one more;
- `{n,m}` makes n passes (each may match nothing), then up to m - n optional ones;
- a loop (`*`, `+`, `{n,}`, `{n,m}`), after its n required passes, leaves the loop as soon as
  an optional pass consumes no token and goes on with what follows (as Perl and Python do);
- `(?<name> ...)` records the tokens it spans; a name captured again appends, in the order the
  captures are completed (a capture inside a loop appends once per pass); a capture of no
  token is dropped; a capture that spans exactly one mention consumed inside it is that mention;
- `@Label` consumes one whole mention of the label or of a label under it in the taxonomy,
  starting at this token; when several start here, the longest is tried first, mentions of
  the same length in the order they were given, and the others on backtracking;
  `@name:Label` also captures that mention;
- lookahead holds when some match of its body starts here, lookbehind when some match of its
  body (starting anywhere before) ends here; any length; negated ones the opposite;
- `^` holds before the first token, `$` after the last;
- a field test compares the field with a value (`=`), or not (`!=`); a regex is searched
  anywhere in the value; `mention` tests the labels of the mentions that contain the token
  (a label stands for itself and every label under it; a regex is searched in each label);
  `outgoing` holds when one of its labels passes; `!`, `&`, `|` and `[]` as usual.
  A set of values (when the AST has one: any node with `values`) holds when the field is one of
  them; a regex with `ignore_case` set is searched ignoring case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from evx.pattern import nodes as n

DEFAULT_BUDGET = 200_000     # nodes visited per call of find_all


class BudgetExceeded(Exception):
    """The search took more steps than it was allowed: too big an example for this oracle."""


@dataclass(frozen=True)
class Argument:
    start: int                  # token indices, end exclusive
    end: int
    mention: object | None      # the mention the argument is, when it is exactly one


@dataclass(frozen=True)
class Found:
    """One match: its token span and its arguments by capture name."""
    start: int
    end: int
    arguments: tuple[tuple[str, tuple[Argument, ...]], ...]    # sorted by name


def find_all(pattern: n.Pattern, tokens: Sequence, mentions: Iterable = (),
             parents: Mapping[str, str | None] | None = None, budget: int = DEFAULT_BUDGET) -> list[Found]:
    """Every match of `pattern` in one sentence of `tokens`, as evx documents them.

    `mentions` are objects with `labels`, `start` and `end` (token indices); `parents` maps each
    label to its parent label (None for a root), as a taxonomy does.
    """
    search = _Search(tokens, list(mentions), parents or {}, budget)
    out: list[Found] = []
    resume = 0
    for start in range(len(tokens)):
        if start < resume:
            continue
        found = search.first(pattern, start)
        if found is None:
            continue
        end, events = found
        if end == start:
            continue
        out.append(Found(start, end, _arguments(events)))
        resume = end
    return out


def can_be_empty(node: n.Pattern) -> bool:
    """Whether the pattern has a match that consumes no token (ignoring what assertions need)."""
    if isinstance(node, (n.TokenPattern, n.MentionRef)):
        return False
    if isinstance(node, (n.Anchor, n.Lookaround)):
        return True
    if isinstance(node, n.Sequence):
        return all(can_be_empty(item) for item in node.items)
    if isinstance(node, n.Alternation):
        return any(can_be_empty(option) for option in node.options)
    if isinstance(node, n.Repeat):
        return node.min == 0 or can_be_empty(node.body)
    if isinstance(node, n.Capture):
        return can_be_empty(node.body)
    raise TypeError(f"not a pattern node: {node!r}")


# -- the search -----------------------------------------------------------------------------------

Events = tuple      # ("open" | "close", name, position) and ("mention", name or None, mention)
Next = Callable[[int, Events], object]     # what follows a node: a result, or None to backtrack


class _Search:
    def __init__(self, tokens: Sequence, mentions: list, parents: Mapping[str, str | None], budget: int):
        self.tokens = tokens
        self.n = len(tokens)
        self.parents = parents
        self.budget = budget
        self.steps = 0
        self.starting: dict[int, list] = {}
        for m in mentions:
            self.starting.setdefault(m.start, []).append(m)
        for group in self.starting.values():
            group.sort(key=lambda m: -m.end)      # stable: equal lengths keep the given order
        self.covering: list[set[str]] = [set() for _ in range(self.n)]
        for m in mentions:
            for i in range(m.start, m.end):
                self.covering[i].update(m.labels)

    def first(self, pattern: n.Pattern, start: int):
        """(end, events) of the first match from `start` in priority order, or None."""
        return self.match(pattern, start, (), lambda pos, events: (pos, events))

    def under(self, label: str) -> set[str]:
        """The label and every label below it in the taxonomy."""
        if label not in self.parents:
            raise ValueError(f"unknown label {label!r}")
        found = set()
        for candidate in self.parents:
            walk: str | None = candidate
            while walk is not None:
                if walk == label:
                    found.add(candidate)
                    break
                walk = self.parents.get(walk)
        return found

    def match(self, node: n.Pattern, pos: int, events: Events, then: Next):
        self.steps += 1
        if self.steps > self.budget:
            raise BudgetExceeded(f"more than {self.budget} steps")
        if isinstance(node, n.TokenPattern):
            if pos < self.n and self.holds(node.constraint, self.tokens[pos]):
                return then(pos + 1, events)
            return None
        if isinstance(node, n.Sequence):
            return self.sequence(node.items, 0, pos, events, then)
        if isinstance(node, n.Alternation):
            for option in node.options:
                found = self.match(option, pos, events, then)
                if found is not None:
                    return found
            return None
        if isinstance(node, n.Repeat):
            return self.repeat(node, 0, pos, events, then)
        if isinstance(node, n.Capture):
            name = node.name
            return self.match(node.body, pos, events + (("open", name, pos),),
                              lambda end, inner: then(end, inner + (("close", name, end),)))
        if isinstance(node, n.MentionRef):
            wanted = self.under(node.label)
            for m in self.starting.get(pos, ()):
                if wanted.intersection(m.labels):
                    found = then(m.end, events + (("mention", node.name, m),))
                    if found is not None:
                        return found
            return None
        if isinstance(node, n.Anchor):
            at_edge = pos == self.n if node.end else pos == 0
            return then(pos, events) if at_edge else None
        if isinstance(node, n.Lookaround):
            return then(pos, events) if self.look(node, pos) != node.negated else None
        raise TypeError(f"not a pattern node: {node!r}")

    def sequence(self, items: tuple, i: int, pos: int, events: Events, then: Next):
        if i == len(items):
            return then(pos, events)
        return self.match(items[i], pos, events,
                          lambda after, ev: self.sequence(items, i + 1, after, ev, then))

    def repeat(self, node: n.Repeat, count: int, pos: int, events: Events, then: Next):
        """`count` passes done, ending at `pos`."""
        if count < node.min:
            return self.match(node.body, pos, events,
                              lambda after, ev: self.repeat(node, count + 1, after, ev, then))
        if node.max is not None and count >= node.max:
            return then(pos, events)

        def after_pass(after: int, ev: Events):
            if after == pos:
                return then(after, ev)      # an optional pass that consumed nothing ends the loop
            return self.repeat(node, count + 1, after, ev, then)

        if node.greedy:
            found = self.match(node.body, pos, events, after_pass)
            return found if found is not None else then(pos, events)
        found = then(pos, events)
        return found if found is not None else self.match(node.body, pos, events, after_pass)

    def look(self, node: n.Lookaround, pos: int) -> bool:
        """Whether the lookaround's body has a match that starts (ahead) or ends (behind) here."""
        if not node.behind:
            return self.match(node.body, pos, (), lambda end, ev: True) is not None
        return any(self.match(node.body, begin, (), lambda end, ev: True if end == pos else None) is not None
                   for begin in range(pos + 1))

    # -- token constraints ------------------------------------------------------------------------

    def holds(self, c: n.Constraint, tok) -> bool:
        if isinstance(c, n.AnyToken):
            return True
        if isinstance(c, n.FieldTest):
            return self.field_holds(c, tok) != c.negated
        if isinstance(c, n.Not):
            return not self.holds(c.operand, tok)
        if isinstance(c, n.And):
            return all(self.holds(op, tok) for op in c.operands)
        if isinstance(c, n.Or):
            return any(self.holds(op, tok) for op in c.operands)
        raise TypeError(f"not a constraint: {c!r}")

    def field_holds(self, c: n.FieldTest, tok) -> bool:
        value = c.value
        if c.field == "mention":
            labels = self.covering[tok.index]
            if isinstance(value, n.Regex):
                return any(map(_value_test(value), labels))
            names = (value.text,) if isinstance(value, n.Literal) else _set_values(value)
            return any(self.under(name) & labels for name in names)
        test = _value_test(value)
        if c.field == "outgoing":
            return any(map(test, tok.outgoing))
        return test(getattr(tok, c.field))


def _set_values(value) -> tuple[str, ...]:
    values = getattr(value, "values", None)
    if values is None:
        raise TypeError(f"not a value: {value!r}")
    return tuple(v.text if isinstance(v, n.Literal) else v for v in values)


def _value_test(value) -> Callable[[str], bool]:
    if isinstance(value, n.Literal):
        return lambda text: text == value.text
    if isinstance(value, n.Regex):
        rx = re.compile(value.source, re.IGNORECASE if getattr(value, "ignore_case", False) else 0)
        return lambda text: rx.search(text) is not None
    return frozenset(_set_values(value)).__contains__


# -- captures -------------------------------------------------------------------------------------

def _arguments(events: Events) -> tuple[tuple[str, tuple[Argument, ...]], ...]:
    """The arguments of a match from the events on its path, each name's in the order completed."""
    out: dict[str, list[Argument]] = {}
    opened: dict[str, list[tuple[int, int]]] = {}    # name -> [(position, mentions consumed before)]
    consumed: list = []
    for kind, name, value in events:
        if kind == "mention":
            consumed.append(value)
            if name is not None:
                out.setdefault(name, []).append(Argument(value.start, value.end, value))
        elif kind == "open":
            opened.setdefault(name, []).append((value, len(consumed)))
        else:
            begin, before = opened[name].pop()
            if begin == value:
                continue        # spans no token: not an argument
            exact = next((m for m in consumed[before:] if m.start == begin and m.end == value), None)
            out.setdefault(name, []).append(Argument(begin, value, exact))
    return tuple(sorted((name, tuple(args)) for name, args in out.items() if args))
