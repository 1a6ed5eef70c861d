"""The cascade: rules run step by step in priority order over one document.

What a step finds becomes visible to `@Label` from the next step on; rules of the same
step all see the same mentions, so their order in the file decides which rule an event found
twice is credited to: the first, with its arguments, and a role it left empty is taken from
the next rules of the step that found the same event (a rule along the tree first, a token
pattern as its fallback). After the last fixed priority,
open-ended rules (`N+`) run again until a step adds nothing. Then events take the arguments
their schema attaches, and the attributes their contexts decide.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from time import perf_counter
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

from ..text.document import Document
from ..pattern.matches import EVENT, MENTION, Argument, Match
from ..pattern.prefilter import RuleIndex
from ..rulefile.model import Context, EventSchema, Rule
from ..pattern.vm import SentenceState

MAX_STEPS = 100      # a safety net for open-ended rules that keep finding new things


Observer = Callable[[Rule, SentenceState, int, list[Match]], None]


@dataclass(frozen=True, eq=False)
class Plan:
    """Which rules run at each step, with their index: worked out once per rule set."""
    steps: tuple[tuple[tuple[Rule, ...], RuleIndex], ...]       # steps 1 .. the last fixed priority
    after: tuple[tuple[Rule, ...], RuleIndex] | None            # open-ended rules, on later steps

    def at(self, step: int) -> tuple[tuple[Rule, ...], RuleIndex] | None:
        return self.steps[step - 1] if step <= len(self.steps) else self.after


def plan_cascade(rules: Sequence[Rule]) -> Plan:
    last_fixed = max((r.priority.high or r.priority.low for r in rules), default=0)

    def indexed(active: list[Rule]) -> tuple[tuple[Rule, ...], RuleIndex]:
        return tuple(active), RuleIndex(active, _prefilter)
    steps = tuple(indexed([r for r in rules if r.priority.runs_at(step)]) for step in range(1, last_fixed + 1))
    open_ended = [r for r in rules if r.priority.high is None]
    return Plan(steps, indexed(open_ended) if open_ended else None)


@dataclass
class Profile:
    """Where the time went: seconds per cascade step and per rule (filled when asked for)."""
    steps: dict[int, float] = field(default_factory=dict)
    rules: dict[str, float] = field(default_factory=dict)

    def merge(self, other: "Profile") -> None:
        for mine, theirs in ((self.steps, other.steps), (self.rules, other.rules)):
            for key, seconds in theirs.items():
                mine[key] = mine.get(key, 0.0) + seconds


def run_cascade(doc: Document, plan: Plan, schemas: Mapping[str, EventSchema],
                contexts: Sequence[Context] = (), observe: Observer | None = None,
                profile: Profile | None = None, sentences: frozenset[int] | None = None) -> list[Match]:
    """Every match of every rule in the document (in `sentences` only, if given), in the
    order they were found, with the attributes that contexts decide added to each event.

    `observe(rule, sentence state, step, matches)` sees each rule run on each sentence, with
    the mentions as that rule saw them (for `evx explain`).
    """
    states = [SentenceState(s) for s in doc.sentences]
    matched = states if sentences is None else [states[i] for i in sorted(sentences)]
    found: list[Match] = []
    seen: set[tuple] = set()
    step = 1
    while step <= MAX_STEPS:
        planned = plan.at(step)
        if planned is None:
            break
        active, index = planned
        new: list[Match] = []
        at_step: dict[tuple, int] = {}      # event key -> its place in `new`
        step_began = perf_counter() if profile is not None else 0.0
        for state in matched:
            # an observer (evx explain) wants to hear about every rule, even those that cannot match
            for rule, anchors in (index.candidates(state) if observe is None else ((r, None) for r in active)):
                if profile is None:
                    matches = _matches(rule, state, schemas, anchors)
                else:
                    began = perf_counter()
                    matches = _matches(rule, state, schemas, anchors)
                    profile.rules[rule.name] = profile.rules.get(rule.name, 0.0) + perf_counter() - began
                if observe is not None:
                    observe(rule, state, step, matches)
                for match in matches:
                    key = match.key()
                    if key not in seen:
                        seen.add(key)
                        if match.kind == EVENT:
                            at_step[key] = len(new)
                        new.append(match)
                    elif key in at_step:
                        place = at_step[key]
                        new[place] = fill_roles(new[place], match)
        if profile is not None:
            profile.steps[step] = profile.steps.get(step, 0.0) + perf_counter() - step_began
        if new:
            by_sentence: dict[int, list[Match]] = {}
            for m in new:
                by_sentence.setdefault(m.sentence, []).append(m)
            for number, group in by_sentence.items():
                states[number].add(group)
            found.extend(new)
        if step >= len(plan.steps) and (plan.after is None or not new):
            break
        step += 1
    if any(schema.attach for schema in schemas.values()):
        found = [attach_arguments(m, states[m.sentence], schemas[m.label])
                 if m.kind == EVENT and m.label in schemas and schemas[m.label].attach else m for m in found]
    if contexts:
        found = [apply_contexts(m, states[m.sentence], contexts) if m.kind == EVENT else m for m in found]
    return found


def fill_roles(first: Match, later: Match) -> Match:
    """`first` with the roles it lacks taken from `later`, the same event found by another
    rule, where they overlap none of its own arguments."""
    taken = [(a.start, a.end) for spans in first.arguments.values() for a in spans]
    added = {role: spans for role, spans in later.arguments.items()
             if role not in first.arguments
             and not any(a.start < end and start < a.end for a in spans for start, end in taken)}
    return _with_arguments(first, added) if added else first


def attach_arguments(match: Match, state: SentenceState, schema: EventSchema) -> Match:
    """Fill a role the rule left empty with the sentence's one mention of the schema's label
    for it ("Police said on Monday that gunmen attacked ..."), or with the first of mentions
    that follow one another with a comma between each ("in Benghazi, Libya", the narrowest
    first); with two or more otherwise, or none, leave it."""
    taken = [(a.start, a.end) for spans in match.arguments.values() for a in spans]
    added = {}
    for role, label in schema.attach:
        if role in match.arguments:
            continue
        candidates = [m for group in state.by_start.values() for m in group
                      if label in m.labels and m.kind == MENTION and m.keep]
        if len(candidates) > 1:
            candidates = _first_of_a_list(candidates, state.tokens)
        if len(candidates) != 1:
            continue
        m = candidates[0]
        if any(m.start < end and start < m.end for start, end in taken):
            continue
        added[role] = (Argument(m.start, m.end, m),)
    return _with_arguments(match, added) if added else match


def _first_of_a_list(mentions: list[Match], tokens) -> list[Match]:
    """The first of `mentions` when each of the others follows the one before it after one
    comma (mentions inside another are part of it); else all of them."""
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    last = ordered[0]
    for m in ordered[1:]:
        if m.end <= last.end:
            continue                    # inside the one before: "Libya" of "Benghazi, Libya"
        if m.start != last.end + 1 or tokens[last.end].word != ",":
            return mentions
        last = m
    return ordered[:1]


def _with_arguments(match: Match, added: Mapping[str, tuple[Argument, ...]]) -> Match:
    # the event's span grows to cover what it took, so that its arguments lie inside it
    start = min(match.start, *(a.start for args in added.values() for a in args))
    end = max(match.end, *(a.end for args in added.values() for a in args))
    return replace(match, start=start, end=end, arguments=MappingProxyType({**match.arguments, **added}))


def apply_contexts(match: Match, state: SentenceState, contexts: Sequence[Context]) -> Match:
    """Decide each context attribute the rule did not set itself."""
    trigger = match.trigger
    added = {}
    for context in contexts:
        if context.attribute in match.attributes:
            continue
        value = context.default
        for case in context.cases:
            if case.types is not None and match.label not in case.types:
                continue
            if case.before is not None and not state.look(case.before, trigger.start):
                continue
            if case.after is not None and not state.look(case.after, trigger.end):
                continue
            value = case.value
            break
        if value is not None:
            added[context.attribute] = value
    if not added:
        return match
    return replace(match, attributes=MappingProxyType({**match.attributes, **added}))


def _prefilter(rule: Rule):
    return rule.matcher.prefilter


def _matches(rule: Rule, state: SentenceState, schemas: Mapping[str, EventSchema],
             anchors: Sequence[int] | None = None) -> list[Match]:
    """The rule's matches in the sentence; an event that lacks a role its schema requires is none."""
    found = rule.matcher.find(state, anchors)
    out: list[Match] = []
    if not found:
        return out          # most rules in most sentences (an empty list): nothing more to look up
    index = state.sentence.index
    attributes = rule.frozen_attributes
    schema = schemas.get(rule.label)
    required = schema.required if schema is not None else ()
    for start, end, args in found:
        if required and "trigger" in args and any(r not in args for r in required):
            continue
        out.append(Match(rule.labels, index, start, end, rule.name, args, rule.keep, attributes, rule.normalize))
    return out
