"""What matching finds, in token coordinates.

A Match is one match of one rule in one sentence. Its `kind` says what it was: a plain
mention (no captures), a relation (captures but no trigger), or an event (a `trigger`
capture). Later rules see every match through `@Label`; records.py turns the kept ones
into output records in character coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

EVENT, RELATION, MENTION = "event", "relation", "mention"


@dataclass(frozen=True, slots=True)
class Argument:
    start: int                      # token indices in the sentence, end exclusive
    end: int
    match: "Match | None" = None   # the match the argument is, when it is exactly one
    value: str | None = None        # a normalised value the enrich stage gave it (an ISO date)


@dataclass(frozen=True, eq=False)
class Match:
    labels: tuple[str, ...]         # the first is the main label
    sentence: int
    start: int
    end: int
    rule: str
    arguments: Mapping[str, tuple[Argument, ...]] = field(default_factory=lambda: MappingProxyType({}))
    keep: bool = True
    attributes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    normalize: str | None = None

    @property
    def label(self) -> str:
        return self.labels[0]

    @property
    def kind(self) -> str:
        if "trigger" in self.arguments:
            return EVENT
        return RELATION if self.arguments else MENTION

    @property
    def trigger(self) -> Argument | None:
        found = self.arguments.get("trigger")
        return found[0] if found else None

    def key(self) -> tuple:
        """What makes two matches the same: an event is its type and trigger, anything else
        its labels, span and arguments. A hidden match never stands in for a kept one."""
        if self.kind == EVENT:
            trig = self.trigger
            return (EVENT, self.keep, self.label, self.sentence, trig.start, trig.end)
        args = tuple(sorted((role, tuple((a.start, a.end) for a in spans))
                            for role, spans in self.arguments.items()))
        return (self.kind, self.keep, self.labels, self.sentence, self.start, self.end, args)
