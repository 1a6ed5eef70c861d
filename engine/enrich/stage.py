"""The enrich stage, between the cascade and records: values the rule file asks for.

A rule with `normalize: date` says its mentions are time expressions. Wherever such a
mention is an argument, this stage resolves it against the document's date and gives the
argument that value (records print it as `value`). A bare weekday looks back ("on Sunday"
in a report is the Sunday before) unless the match's attributes fit one of the conditions
of the rule file's

    enrich:
      dates:
        forward_when: {modality: planned}

when it looks ahead. A rule file's `enrich: pronouns` gives pronoun arguments their
antecedents (`antecedents.py`). Nothing here knows what an attribute or a label means: the
rule file says.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Mapping, Sequence

from ..pattern.matches import Argument, Match
from ..text.document import Document
from . import timex
from .antecedents import PronounEnrichment, resolve_pronouns

DATE = "date"
NORMALIZERS = (DATE,)       # what a rule's `normalize:` can name

# attribute -> the values any one of which fits
Condition = tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True)
class DateEnrichment:
    """When a date argument looks ahead of the document date: when its match's attributes
    fit any one condition (a condition fits when every attribute it names has one of its values)."""
    forward_when: tuple[Condition, ...] = ()

    def forward(self, attributes: Mapping[str, object]) -> bool:
        return any(all(name in attributes and str(attributes[name]) in values for name, values in condition)
                   for condition in self.forward_when)


@dataclass(frozen=True)
class Enrichment:
    """What the enrich stage does for one rule set."""
    dates: DateEnrichment = DateEnrichment()
    normalizes: bool = False    # some rule normalizes its mentions: else there are no dates to do
    pronouns: PronounEnrichment = PronounEnrichment()

    def merged(self, other: "Enrichment") -> "Enrichment":
        conditions = self.dates.forward_when + tuple(c for c in other.dates.forward_when
                                                     if c not in self.dates.forward_when)
        # the loader allows one pronoun table per rule set: whichever side has it
        pronouns = self.pronouns if self.pronouns.active else other.pronouns
        return Enrichment(DateEnrichment(conditions), self.normalizes or other.normalizes, pronouns)


def enrich(doc: Document, matches: Sequence[Match], enrichment: Enrichment) -> list[Match]:
    """The matches, pronoun arguments given their antecedents, and with a value for each
    argument that is a date mention (when the document has a date to resolve it against)."""
    if enrichment.pronouns.active:
        matches = resolve_pronouns(doc, matches, enrichment.pronouns)
    anchor = timex.parse_date(doc.date) if enrichment.normalizes and doc.date else None
    if anchor is None:
        return list(matches)
    out = []
    for match in matches:
        if not match.arguments:
            out.append(match)
            continue
        forward = enrichment.dates.forward(match.attributes)
        arguments = {}
        changed = False
        for role, args in match.arguments.items():
            valued = tuple(_dated(doc, match.sentence, arg, anchor, forward) for arg in args)
            changed = changed or any(a is not b for a, b in zip(valued, args))
            arguments[role] = valued
        out.append(replace(match, arguments=MappingProxyType(arguments)) if changed else match)
    return out


def _dated(doc: Document, sentence: int, arg: Argument, anchor, forward: bool) -> Argument:
    if arg.match is None or arg.match.normalize != DATE:
        return arg
    tokens = doc.sentences[sentence].tokens
    text = doc.text[tokens[arg.start].start:tokens[arg.end - 1].end]
    value = timex.resolve(text, anchor, forward)
    return arg if value is None else replace(arg, value=value)
