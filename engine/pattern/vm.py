"""The VM that runs compiled programs over one sentence.

Search is a backtracking walk in priority order (so the first match found is the one
Perl's rules prefer) that never visits the same (instruction, token) state twice, as in
RE2's BitState: a state that was left once cannot lead to a better match later. The
visited set survives failed start positions, so finding every match in a sentence costs
at most sentence length times program size. Lookarounds are answered from tables built
once per sentence by plain reachability over the same states, also linear.
"""
from __future__ import annotations

import re
from operator import attrgetter
from typing import Sequence as Seq

from .program import CLOSE, END, JMP, LOOK, MATCH, MENTION, OPEN, SPLIT, START, TOKEN, Lookaround, Program
from ..text.document import Sentence
from .matches import Argument, Match
from ..io.writers import shorten
from .prefilter import Anchor, Needs, Start


# lookarounds at most this many tokens wide are answered position by position (a rule anchored on
# a rare trigger asks at few positions, and a window of a clause, {0,10}, is common in news rules);
# wider ones get a table for the whole sentence
LOCAL_WIDTH = 32


EMPTY: frozenset[str] = frozenset()


def _longest_first(m: Match) -> int:
    return -m.end


class SentenceState:
    """A sentence with the mentions found in it so far, as the VM needs them.

    `cover[i]` holds the labels of the mentions that contain token i: made whenever mentions
    are added (only their own tokens are touched), so that a `mention=` test reads it at once.
    """

    __slots__ = ("sentence", "tokens", "n", "by_start", "cover", "_looks", "_labels", "_positions",
                 "_covered", "_starting", "_matching")

    def __init__(self, sentence: Sentence, mentions: Seq[Match] = ()):
        self.sentence = sentence
        self.tokens = sentence.tokens
        self.n = len(sentence.tokens)
        self.by_start: dict[int, list[Match]] = {}
        self.cover: list[frozenset[str]] = [EMPTY] * self.n
        self._looks: dict[int, frozenset[int]] = {}
        self._positions: dict[str, dict[str, list[int]]] = {}
        self._matching: dict[tuple, list[int]] = {}
        self._covered: dict[frozenset[str], list[int]] = {}
        self._starting: dict[frozenset[str], list[int]] = {}
        self._labels: frozenset[str] | None = None
        self.add(mentions)

    def add(self, mentions: Seq[Match]) -> None:
        if not mentions:
            return
        touched: dict[int, set[str]] = {}
        by_start = self.by_start
        begins = set()
        for m in mentions:
            group = by_start.get(m.start)
            if group is None:
                group = by_start[m.start] = []
            group.append(m)
            begins.add(m.start)
            for i in range(m.start, m.end):
                found = touched.get(i)
                if found is None:
                    found = touched[i] = set(self.cover[i])
                found.update(m.labels)
        cover = self.cover
        for i, labels in touched.items():
            cover[i] = frozenset(labels)
        for begin in begins:
            by_start[begin].sort(key=_longest_first)     # `@Label` prefers the whole name
        self._labels = None
        self._covered.clear()
        self._starting.clear()
        self._looks.clear()

    def values(self, name: str):
        """Every value the sentence's tokens have in field `name` (a set view: asking it
        whether it shares a value with a set looks up the smaller of the two)."""
        return self.positions(name).keys()

    def positions(self, name: str) -> dict[str, list[int]]:
        """Where each value of field `name` occurs in the sentence."""
        found = self._positions.get(name)
        if found is None:
            found = self._positions[name] = {}
            get = found.get
            for i, value in enumerate(map(attrgetter(name), self.tokens)):
                at = get(value)
                if at is None:
                    found[value] = [i]
                else:
                    at.append(i)
        return found

    def matching(self, name: str, rx: "re.Pattern[str]") -> list[int]:
        """Where the value of field `name` has a match of `rx` (rules of a step share their
        regexes: each is asked once per distinct value of the sentence)."""
        key = (name, rx)
        found = self._matching.get(key)
        if found is None:
            search = rx.search
            found = self._matching[key] = [i for value, at in self.positions(name).items() if search(value)
                                           for i in at]
        return found

    def labels(self) -> frozenset[str]:
        """Every label of every mention in the sentence."""
        if self._labels is None:
            self._labels = frozenset(label for group in self.by_start.values() for m in group for label in m.labels)
        return self._labels

    def covered(self, wanted: frozenset[str]) -> list[int]:
        """The tokens inside a mention of one of the labels `wanted`."""
        found = self._covered.get(wanted)
        if found is None:
            found = self._covered[wanted] = [i for i, labels in enumerate(self.cover) if not wanted.isdisjoint(labels)]
        return found

    def starting(self, wanted: frozenset[str]) -> list[int]:
        """The tokens where a mention of one of the labels `wanted` starts."""
        found = self._starting.get(wanted)
        if found is None:
            found = self._starting[wanted] = [i for i, group in self.by_start.items()
                                              if any(not wanted.isdisjoint(m.labels) for m in group)]
        return found

    def look(self, look: Lookaround, pos: int) -> bool:
        single = look.single
        if single is not None:
            return _look_one(single, look.behind, self, pos) != look.negated
        lo, hi = look.width
        if hi is not None and hi <= LOCAL_WIDTH:
            # a short lookaround: answered at this position alone, by a search that stops at
            # the first match, rather than for the whole sentence
            key = (id(look), pos)
            found = self._looks.get(key)
            if found is None:
                program = look.program
                code, merges, width = program.plain, program.merges, len(program.code)
                first, tokens = program.first_test, self.tokens
                if look.behind:
                    seen: set[int] = set()     # what failed to end here from one start fails from all
                    found = any(_search(code, merges, self, start, seen, width, end=pos) is not None
                                for start in range(max(pos - hi, 0), pos - lo + 1)
                                if first is None or (start < self.n and first(tokens[start], self)))
                else:
                    found = ((first is None or (pos < self.n and bool(first(tokens[pos], self))))
                             and _search(code, merges, self, pos, set(), width) is not None)
                self._looks[key] = found
            return found != look.negated
        table = self._looks.get(id(look))
        if table is None:
            table = _behind_table(look.program, self) if look.behind else _ahead_table(look.program, self)
            self._looks[id(look)] = table
        return (pos in table) != look.negated


def _look_one(ins: tuple, behind: bool, state: SentenceState, pos: int) -> bool:
    """A lookaround over one token or one mention (a plain Token or Mention tuple, read by
    position as in _search), answered directly."""
    if ins[0] == TOKEN:
        at = pos - 1 if behind else pos
        return 0 <= at < state.n and bool(ins[1](state.tokens[at], state))
    wanted = ins[1]
    if behind:
        return any(m.end == pos and not wanted.isdisjoint(m.labels)
                   for group in state.by_start.values() for m in group)
    return any(not wanted.isdisjoint(m.labels) for m in state.by_start.get(pos, ()))


# -- the search ---------------------------------------------------------------------------------

def find_matches(program: Program, state: SentenceState,
                 anchors: Seq[int] | None = None) -> list[tuple[int, int, tuple]]:
    """(start, end, capture events) of each match, leftmost first, without overlaps (a list
    rather than a generator: most rules find nothing in most sentences, and a generator
    costs a frame to make and another to resume).

    An empty match is never reported: the search moves on one token. `anchors`, when the
    rule index has found them, are where the program's anchor stands (see candidate_starts).
    """
    starts = candidate_starts(program, state, anchors)
    found_all: list[tuple[int, int, tuple]] = []
    if not starts:
        return found_all
    visited: set[int] = set()
    width = len(program.code)
    resume = 0
    first = program.first_test
    looks = program.leading_looks
    tokens = state.tokens
    for start in starts:
        if start < resume:
            continue
        if first is not None and not first(tokens[start], state):
            continue        # the opening token fails: no search needed to know it
        if looks and not all(holds(state, start) for holds in looks):
            continue
        found = _search(program.plain, program.merges, state, start, visited, width)
        if found is None:
            continue
        end, events = found
        visited.clear()   # states at or after `end` may lie on the path that succeeded
        if end == start:
            continue
        found_all.append((start, end, events))
        resume = end
    return found_all


def candidate_starts(program: Program, state: SentenceState,
                     anchors: Seq[int] | None = None, follow: bool = True) -> Seq[int]:
    """The positions where a match can start: none when the sentence lacks something every
    match needs (`missing` says what). `anchors` are the anchor's positions, already
    checked against the tokens after it; without them they are looked up here, and the
    sentence is first checked for what every match needs (given them, the search rules
    out a sentence that lacks the rest sooner than those checks would). Without `follow`,
    every occurrence of the anchor counts, whatever follows it (for `evx explain`, which
    replays the search to say where it stops)."""
    pre = program.prefilter
    if anchors is None and _lacks(pre.needs, state):
        return ()
    if pre.at_start:
        return _at_start(pre, state, anchors)
    start = pre.start
    anchor = pre.anchor
    if anchor is not None:
        if anchors is None:
            anchors = _anchor_positions(anchor, state, follow)
        positions: set[int] = set()
        for p in anchors:
            positions.update(range(max(p - anchor.hi, 0), p - anchor.lo + 1))
        if start is not None:
            positions = {p for p in positions if _can_start(start, state, p)}
        return sorted(positions)
    if start is None:
        return range(state.n)
    positions = set()
    for name, values in start.values:
        if name == "mention":
            positions.update(state.covered(values))
            continue
        where = state.positions(name)
        for value in values.intersection(where):     # walks the sentence's few values
            positions.update(where[value])
    for name, rx in start.patterns:
        positions.update(state.matching(name, rx))
    if start.labels:
        positions.update(state.starting(start.labels))
    return sorted(positions)


def _at_start(pre, state: SentenceState, anchors: Seq[int] | None) -> Seq[int]:
    """A program that opens with `^` starts at the first position or nowhere: there if the
    first token can start it and, with an anchor, an occurrence of it is near enough."""
    if state.n == 0 or pre.start is not None and not _can_start(pre.start, state, 0):
        return ()
    anchor = pre.anchor
    if anchor is not None:
        if anchors is None:
            anchors = _anchor_positions(anchor, state)
        if not any(anchor.lo <= p <= anchor.hi for p in anchors):
            return ()
    return (0,)


def _lacks(needs: Needs, state: SentenceState) -> bool:
    """Whether the sentence lacks something every match needs (see _first_lack)."""
    return _first_lack(needs, state) is not None


def _first_lack(needs: Needs, state: SentenceState) -> tuple | None:
    """The first thing every match needs and the sentence lacks, as (kind, field, what); a set
    lookup per need (a regex's answer is kept for the sentence, and shared by rules with the
    same regex)."""
    for name, values in needs.values:
        if values.isdisjoint(state.labels()) if name == "mention" else state.values(name).isdisjoint(values):
            return "values", name, values
    for name, rx in needs.patterns:
        if not state.matching(name, rx):
            return "pattern", name, rx
    if needs.labels:
        present = state.labels()
        for wanted in needs.labels:
            if wanted.isdisjoint(present):
                return "labels", "mention", wanted
    for group in needs.either:
        if not any(holds(name, values, state) for name, values in group):
            return "either", "", group
    return None


def holds(name: str, values: frozenset[str], state: SentenceState) -> bool:
    """Whether a token has one of `values` in field `name` (`mention`: a mention has one of
    these labels)."""
    return not values.isdisjoint(state.labels() if name == "mention" else state.values(name))


def missing(needs: Needs, state: SentenceState) -> str | None:
    """What every match needs and the sentence lacks, said in words; None if nothing is."""
    lack = _first_lack(needs, state)
    if lack is None:
        return None
    kind, name, what = lack
    if kind == "values":
        return f"every match needs a token with {name} in {_brief(what)}, and there is none"
    if kind == "pattern":
        return f"every match needs a token whose {name} matches /{shorten(what.pattern, 60)}/, and there is none"
    if kind == "either":
        return "every match needs one of " + ", ".join(_said(*fact) for fact in what) + ", and there is none"
    return f"every match needs a mention of {_brief(what)}, and there is none"


def _said(name: str, values: frozenset[str]) -> str:
    return f"a mention of {_brief(values)}" if name == "mention" else f"a token with {name} in {_brief(values)}"


def _anchor_positions(anchor: Anchor, state: SentenceState, follow: bool = True) -> list[int]:
    where = state.positions(anchor.field)
    tokens = state.tokens
    found = []
    for value in anchor.values.intersection(where):
        for p in where[value]:
            if not follow or not anchor.after or anchor.follows(tokens, p):
                found.append(p)     # else the tokens after the anchor rule this occurrence out
    return found


def _can_start(start: Start, state: SentenceState, p: int) -> bool:
    tok = state.tokens[p]
    for name, values in start.values:
        if name == "mention":
            if not values.isdisjoint(state.cover[p]):
                return True
        elif getattr(tok, name) in values:
            return True
    for name, rx in start.patterns:
        if rx.search(getattr(tok, name)):
            return True
    return bool(start.labels) and any(not start.labels.isdisjoint(m.labels) for m in state.by_start.get(p, ()))


def _brief(values: frozenset[str], most: int = 6) -> str:
    shown = sorted(values)[:most]
    return "{" + ", ".join(shown) + (", ..." if len(values) > most else "") + "}"


def _search(code, merges, state: SentenceState, start: int, visited: set[int], width: int,
            trace: list | None = None, end: int | None = None):
    """Depth-first in priority order from `start`; the first MATCH reached wins (with `end`,
    the first reached at that position: a lookbehind's body must end where it is asked).

    `code` is the program's plain tuples (Program.plain), read by position: [0] is the
    opcode and the fields follow in the order program.py gives them. With `trace`, every
    failed test is appended to it as (token position, instruction).
    """
    tokens = state.tokens
    n = state.n
    by_start = state.by_start
    stack = [(0, start, None)]
    pop = stack.pop
    push = stack.append
    while stack:
        pc, pos, events = pop()
        while True:
            if merges[pc]:
                key = pos * width + pc
                if key in visited:
                    break
                visited.add(key)
            ins = code[pc]
            op = ins[0]
            if op == TOKEN:                             # Token(test, source, ...)
                if pos < n and ins[1](tokens[pos], state):
                    pc += 1
                    pos += 1
                    continue
                if trace is not None:
                    trace.append((pos, pc))
                break
            if op == SPLIT:                             # Split(first, second)
                push((ins[2], pos, events))
                pc = ins[1]
                continue
            if op == JMP:                               # Jump(to)
                pc = ins[1]
                continue
            if op == MENTION:                           # Mention(wanted, name, label)
                wanted, name = ins[1], ins[2]
                options = [m for m in by_start.get(pos, ()) if not wanted.isdisjoint(m.labels)]
                if not options:
                    if trace is not None:
                        trace.append((pos, pc))
                    break
                for m in reversed(options[1:]):
                    push((pc + 1, m.end, (events, "mention", name, m)))
                m = options[0]
                events = (events, "mention", name, m)
                pc += 1
                pos = m.end
                continue
            if op == OPEN or op == CLOSE:               # Open(name), Close(name)
                events = (events, op, ins[1], pos)
                pc += 1
                continue
            if op == START:
                if pos != 0:
                    if trace is not None:
                        trace.append((pos, pc))
                    break
                pc += 1
                continue
            if op == END:
                if pos != n:
                    if trace is not None:
                        trace.append((pos, pc))
                    break
                pc += 1
                continue
            if op == LOOK:                              # Look(look, source, holds)
                if not ins[3](state, pos):
                    if trace is not None:
                        trace.append((pos, pc))
                    break
                pc += 1
                continue
            if op == MATCH:
                if end is None or pos == end:
                    return pos, events
                break
            raise AssertionError(f"bad opcode {op}")  # pragma: no cover
    return None


def trace_start(program: Program, state: SentenceState, start: int):
    """Search from one start position alone, keeping every failed test: for `evx explain`."""
    trace: list[tuple[int, int]] = []
    found = _search(program.plain, program.merges, state, start, set(), len(program.code), trace)
    return found, trace


def captures(events) -> dict[str, tuple[Argument, ...]]:
    """Turn the chain of capture events of a match into arguments, in the order they were opened.

    A named capture that spans exactly one mention is that mention (so its label is known);
    repeating a name appends; a capture of no token is dropped.
    """
    flat = []
    while events is not None:
        flat.append(events[1:])
        events = events[0]
    flat.reverse()
    out: dict[str, list[Argument]] = {}
    open_at: dict[str, list[int]] = {}
    consumed: list[Match] = []
    for kind, name, value in flat:
        if kind == "mention":
            consumed.append(value)
            if name is not None:
                out.setdefault(name, []).append(Argument(value.start, value.end, value))
        elif kind == OPEN:
            open_at.setdefault(name, []).append(value)
            out.setdefault(name, [])
        else:
            begin = open_at[name].pop()
            if begin == value:
                continue    # captured no token: not an argument
            exact = next((m for m in consumed if m.start == begin and m.end == value), None)
            out[name].append(Argument(begin, value, exact))
    return {name: tuple(args) for name, args in out.items() if args}


# -- lookaround tables --------------------------------------------------------------------------

# These loops run per sentence and read instructions as plain tuples by position, as
# _search does (Program.plain).

def _epsilon_successors(ins: tuple, pc: int, state: SentenceState, pos: int):
    """The instructions reachable from `pc` without consuming, or None for a consumer."""
    op = ins[0]
    if op == SPLIT:                                     # Split(first, second)
        return (ins[1], ins[2])
    if op == JMP:                                       # Jump(to)
        return (ins[1],)
    if op == OPEN or op == CLOSE:
        return (pc + 1,)
    if op == START:
        return (pc + 1,) if pos == 0 else ()
    if op == END:
        return (pc + 1,) if pos == state.n else ()
    if op == LOOK:                                      # Look(look, source, holds)
        return (pc + 1,) if ins[3](state, pos) else ()
    return None


def _consume(ins: tuple, state: SentenceState, pos: int) -> list[int]:
    """Positions a consumer at `pos` can move to."""
    if ins[0] == TOKEN:                                 # Token(test, ...)
        return [pos + 1] if pos < state.n and ins[1](state.tokens[pos], state) else []
    if ins[0] == MENTION:                               # Mention(wanted, ...)
        wanted = ins[1]
        return [m.end for m in state.by_start.get(pos, ()) if not wanted.isdisjoint(m.labels)]
    return []


def _ahead_table(program: Program, state: SentenceState) -> frozenset[int]:
    """Positions from which the program matches: reachability backwards from MATCH."""
    code = program.plain
    into = program.epsilon_into
    consumers = [pc for pc, ins in enumerate(code) if ins[0] == TOKEN or ins[0] == MENTION]
    matches = [pc for pc, ins in enumerate(code) if ins[0] == MATCH]
    asserts = [pc for pc, ins in enumerate(code) if ins[0] in (START, END, LOOK)]
    good: list[set[int]] = [set() for _ in range(state.n + 1)]
    for pos in range(state.n, -1, -1):
        here = good[pos]
        work = list(matches)
        for pc in consumers:
            if any(pc + 1 in good[to] for to in _consume(code[pc], state, pos)):
                work.append(pc)
        here.update(work)
        # an assertion's edge to the next instruction holds or not at this position alone
        holds: dict[int, list[int]] = {}
        for pc in asserts:
            if _epsilon_successors(code[pc], pc, state, pos):
                holds.setdefault(pc + 1, []).append(pc)
        while work:
            pc = work.pop()
            for before in (*into[pc], *holds.get(pc, ())):
                if before not in here:
                    here.add(before)
                    work.append(before)
    return frozenset(pos for pos in range(state.n + 1) if 0 in good[pos])


def _behind_table(program: Program, state: SentenceState) -> frozenset[int]:
    """Positions at which some match of the program ends: reachability forwards from every start."""
    return frozenset(_forward(program, state, range(state.n + 1), state.n))


def _forward(program: Program, state: SentenceState, starts, stop: int) -> set[int]:
    """The positions up to `stop` at which a match of the program that begins at one of
    `starts` can end: plain reachability over (instruction, position), each visited once."""
    code = program.plain
    begin = set(starts)
    if not begin:
        return set()
    reach: dict[int, set[int]] = {}
    ends = set()
    for pos in range(min(begin), stop + 1):
        here = reach.setdefault(pos, set())
        work = list(here)
        if pos in begin and 0 not in here:
            here.add(0)
            work.append(0)
        while work:
            pc = work.pop()
            ins = code[pc]
            succ = _epsilon_successors(ins, pc, state, pos)
            if succ is None:
                if ins[0] == MATCH:
                    ends.add(pos)
                    continue
                for to in _consume(ins, state, pos):
                    if to <= stop:
                        reach.setdefault(to, set()).add(pc + 1)
                continue
            for nxt in succ:
                if nxt not in here:
                    here.add(nxt)
                    work.append(nxt)
    return ends
