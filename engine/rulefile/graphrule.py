"""Graph rules (`type: graph`): a trigger found by a token pattern, its arguments by paths
over the dependency tree.

Each match of the trigger pattern in a sentence (leftmost, without overlaps, as for token
rules) is a candidate trigger; it stays one if every `if` path reaches a token from it
and no `unless` path does (the shape of its clause: "meet" with an object "the standards" is
no meeting). Each role's path starts from the trigger's tokens; every
token it reaches is an argument of the role, in sentence order, each once. A role with a
label takes, for a reached token, the longest mention of that label (or one under it) that
contains the token, and a reached token in no such mention does not count; a role without
one takes the token's phrase (treewalk.phrase). A trigger whose required role reaches
nothing makes no event. One event per trigger, never one per combination of arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar, Iterator, Sequence

from ..errors import PatternError, did_you_mean
from ..io.writers import shorten
from ..pattern import nodes as n
from ..pattern.compiler import Program, compile_pattern
from ..pattern.matches import Argument, Match
from ..pattern.paths import GraphPattern, PathProgram, compile_path
from ..pattern.prefilter import Needs, Prefilter
from ..pattern.treewalk import Tree, phrase, reach
from ..pattern.vm import SentenceState, find_matches, missing
from .matchers import MAX_STARTS, Arguments, Description, TokenMatcher, _absent_labels, quote
from .taxonomy import Taxonomy

MAX_SHOWN = 6       # tokens `describe` lists per step


@dataclass(frozen=True)
class GraphRole:
    """One `role[:Label][?] = PATH` line, compiled."""
    name: str
    label: str | None
    wanted: frozenset[str]          # the label and those under it; empty without a label
    optional: bool
    path: n.Path                    # as parsed, for `evx explain` to replay step by step
    program: PathProgram

    @property
    def head(self) -> str:
        """The definition's left side, as written."""
        return self.name + (f":{self.label}" if self.label else "") + ("?" if self.optional else "")


@dataclass(frozen=True)
class GraphCondition:
    """One `if = PATH` or `unless = PATH` line, compiled."""
    kind: str
    path: n.Path
    program: PathProgram

    def holds(self, tree: Tree, start: int, end: int) -> bool:
        return bool(reach(self.program, tree, range(start, end), first=True)) == (self.kind == "if")


@dataclass(frozen=True, eq=False)
class GraphMatcher:
    """A trigger pattern and the paths from it to each role."""
    kind: ClassVar[str] = "graph"
    trigger: Program
    roles: tuple[GraphRole, ...]
    labels: Taxonomy
    source: str = ""            # the pattern as written, variables unexpanded
    conditions: tuple[GraphCondition, ...] = ()

    def __repr__(self) -> str:
        return f"<GraphMatcher {len(self.roles)} roles: {', '.join(r.head for r in self.roles)}>"

    @cached_property
    def prefilter(self) -> Prefilter:
        """The trigger's, and a mention of each required role's label."""
        pre = self.trigger.prefilter
        labels = tuple(role.wanted for role in self.roles if role.wanted and not role.optional)
        return Prefilter(pre.start, pre.needs + Needs(labels=labels), pre.anchor)

    @property
    def captures(self) -> frozenset[str]:
        return frozenset({"trigger", *(role.name for role in self.roles)})

    @cached_property
    def fields(self) -> frozenset[str]:
        """The trigger's fields, the tree's (`head`, `incoming`: they call for the parser),
        and those the paths' filters test."""
        found = set(self.trigger.fields) | {"head", "incoming"}
        for line in (*self.roles, *self.conditions):
            found |= line.program.fields
        return frozenset(found)

    def _lacks_a_required_label(self, state: SentenceState) -> bool:
        present = state.labels()
        return any(role.wanted.isdisjoint(present) for role in self.roles if role.wanted and not role.optional)

    def find(self, state: SentenceState, anchors: Sequence[int] | None = None
             ) -> Iterator[tuple[int, int, Arguments]]:
        if self._lacks_a_required_label(state):
            return
        walk = None
        for start, end, events in find_matches(self.trigger, state, anchors):
            if walk is None:
                walk = _Walk(Tree(state))
            found = self._event(walk, start, end, events)
            if found is not None:
                yield found

    def _event(self, walk: "_Walk", start: int, end: int, events) -> tuple[int, int, Arguments] | None:
        if not all(c.holds(walk.tree, start, end) for c in self.conditions):
            return None
        args: dict[str, tuple[Argument, ...]] = {"trigger": (Argument(start, end, _exact_mention(events, start, end)),)}
        lo, hi = start, end
        for role in self.roles:
            spans = walk.arguments(role, reach(role.program, walk.tree, range(start, end)), range(start, end))
            if not spans:
                if not role.optional:
                    return None
                continue
            args[role.name] = spans
            lo = min(lo, spans[0].start)
            hi = max(hi, max(a.end for a in spans))
        return lo, hi, MappingProxyType(args)

    # -- evx explain ------------------------------------------------------------------------------

    def describe(self, state: SentenceState, matches: Sequence[Match]) -> Description:
        """Each trigger candidate, then per role the tokens each step of each alternative of
        its path reached, up to the step that came up empty, and what the role took."""
        lacking = missing(self.trigger.prefilter.needs, state)
        if lacking is None and self._lacks_a_required_label(state):
            wanted = next(role for role in self.roles if role.wanted and not role.optional
                          and role.wanted.isdisjoint(state.labels()))
            lacking = f"role {wanted.name} needs a mention of {wanted.label}, and there is none"
        if lacking is not None:
            return Description(f"skipped, {lacking}", (), _absent_labels(self.prefilter.needs, state))
        candidates = list(find_matches(self.trigger, state))
        if not candidates:
            said = TokenMatcher(self.trigger).describe(state, ())
            summary = said.summary or "the trigger pattern matches nowhere"
            return Description(f"no trigger candidate: {summary}", said.lines)
        walk = _Walk(Tree(state))
        words = [t.word for t in state.tokens]
        lines: list[str] = []
        for start, end, events in candidates[:MAX_STARTS]:
            found = self._event(walk, start, end, events)
            where = f"{start}" if end == start + 1 else f"{start}-{end - 1}"
            # a candidate that made an event passed every condition
            failed = None if found is not None else next(
                (c for c in self.conditions if not c.holds(walk.tree, start, end)), None)
            if found is not None:
                verdict = f"event {quote(' '.join(words[found[0]:found[1]]))}"
            elif failed is not None:
                reached = reach(failed.program, walk.tree, range(start, end))
                verdict = (f"no event: unless = {shorten(n.path_source(failed.path), 60)} reached "
                           f"{_tokens(reached, words)}" if failed.kind == "unless" else
                           f"no event: if = {shorten(n.path_source(failed.path), 60)} reached nothing")
            else:
                lacking = next(role.name for role in self.roles if not role.optional
                               and not walk.arguments(role, reach(role.program, walk.tree, range(start, end)),
                                                      range(start, end)))
                verdict = f"no event: required role {lacking} found nothing"
            lines.append(f"    trigger {where} {quote(' '.join(words[start:end]))}: {verdict}")
            if failed is not None:
                continue
            for role in self.roles:
                lines.extend(self._role_lines(walk, role, start, end, words))
        if len(candidates) > MAX_STARTS:
            lines.append(f"    ... and {len(candidates) - MAX_STARTS} more trigger candidates")
        return Description(None, tuple(lines))

    def _role_lines(self, walk: "_Walk", role: GraphRole, start: int, end: int, words: list[str]) -> list[str]:
        lines = [f"      {role.head} = {shorten(n.path_source(role.path), 90)}"]
        options = role.path.options if isinstance(role.path, n.PathAlternation) else (role.path,)
        for option in options:
            steps = option.items if isinstance(option, n.PathSequence) else (option,)
            reached = list(range(start, end))
            said = []
            for step in steps:
                reached = reach(compile_path(step, self.labels), walk.tree, reached)
                text = shorten(n.path_source(step), 60)
                if not reached:
                    said.append(f"{text}: nothing (this step came up empty)")
                    break
                said.append(f"{text}: {_tokens(reached, words)}")
            lines.append("        " + "; ".join(said))
        reached = reach(role.program, walk.tree, range(start, end))
        spans = walk.arguments(role, reached, range(start, end))
        if spans:
            taken = ", ".join(quote(" ".join(words[a.start:a.end]), 60)
                              + (f" ({a.match.label})" if a.match is not None else "") for a in spans)
            lines.append(f"        -> {taken}")
        elif reached and role.label:
            lines.append(f"        -> reached {_tokens(reached, words)}, inside no {role.label} mention: nothing"
                         + (" (optional)" if role.optional else ""))
        else:
            lines.append("        -> nothing" + (" (optional)" if role.optional else ""))
        return lines


class _Walk:
    """What the roles of one rule share in one sentence: the tree (with its lookahead
    tables) and, per label, the longest mention of it around each token."""

    __slots__ = ("tree", "_longest")

    def __init__(self, tree: Tree):
        self.tree = tree
        self._longest: dict[frozenset[str], list[Match | None]] = {}

    def arguments(self, role: GraphRole, reached: list[int], trigger: range) -> tuple[Argument, ...]:
        if not reached:
            return ()
        out: dict[tuple[int, int], Argument] = {}
        if role.wanted:
            longest = self._mentions(role.wanted)
            for t in reached:
                m = longest[t]
                if m is not None and (m.start, m.end) not in out:
                    out[m.start, m.end] = Argument(m.start, m.end, m)
        else:
            for t in reached:
                span = phrase(self.tree, t, trigger)
                if span not in out:
                    out[span] = Argument(span[0], span[1])
        return tuple(out[span] for span in sorted(out))

    def _mentions(self, wanted: frozenset[str]) -> list[Match | None]:
        """For each token, the longest mention of one of `wanted` that contains it (the
        leftmost of the longest)."""
        found = self._longest.get(wanted)
        if found is None:
            found = [None] * self.tree.n
            for begin in sorted(self.tree.state.by_start):
                for m in self.tree.state.by_start[begin]:
                    if wanted.isdisjoint(m.labels):
                        continue
                    for i in range(m.start, m.end):
                        best = found[i]
                        if best is None or m.end - m.start > best.end - best.start:
                            found[i] = m
            self._longest[wanted] = found
        return found


def _exact_mention(events, start: int, end: int) -> Match | None:
    """The mention a trigger match consists of, when it is one whole mention."""
    while events is not None:
        if events[1] == "mention" and events[3].start == start and events[3].end == end:
            return events[3]
        events = events[0]
    return None


def _tokens(found: list[int], words: list[str]) -> str:
    shown = ", ".join(f"{i} {words[i]!r}" for i in found[:MAX_SHOWN])
    return shown + (f", ... ({len(found)} tokens)" if len(found) > MAX_SHOWN else "")


def build_graph_matcher(graph: GraphPattern, taxonomy: Taxonomy, source: str = "") -> GraphMatcher:
    """Compile a parsed graph pattern; PatternError listing every problem (a label the
    taxonomy lacks, a filter that does not compile), at its offset in the pattern."""
    errors: list[PatternError] = []
    trigger = None
    try:
        trigger = compile_pattern(graph.trigger, taxonomy)
    except PatternError as err:
        errors.extend(err.all())
    roles = []
    for role in graph.roles:
        wanted = frozenset()
        if role.label is not None:
            expanded = taxonomy.expand(role.label)
            if expanded is None:
                errors.append(PatternError(f"unknown label '{role.label}'", role.label_at,
                                           did_you_mean(role.label, taxonomy.names)))
            else:
                wanted = expanded
        try:
            program = compile_path(role.path, taxonomy)
        except PatternError as err:
            errors.extend(err.all())
            continue
        roles.append(GraphRole(role.name, role.label, wanted, role.optional, role.path, program))
    conditions = []
    for condition in graph.conditions:
        try:
            conditions.append(GraphCondition(condition.kind, condition.path, compile_path(condition.path, taxonomy)))
        except PatternError as err:
            errors.extend(err.all())
    if errors:
        raise PatternError.collected(sorted(errors, key=lambda e: e.offset))
    return GraphMatcher(trigger, tuple(roles), taxonomy, source, tuple(conditions))
