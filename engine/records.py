"""Output records: what evx emits, in character offsets into the document text.

Every `text` is `doc.text[start:end]`, computed from the offsets and never stored apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Union

from .text.document import Document
from .pattern.matches import EVENT, RELATION, Argument, Match


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    label: str | None = None
    value: str | None = None        # a normalised value, such as the ISO date of a time

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.label is not None:
            out["label"] = self.label
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True)
class _Spanned:
    """What every record has: where it is and which rule found it."""
    doc: str
    type: str
    rule: str
    sentence: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention(_Spanned):
    """A span some rule labelled, with no captures."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    kind = "mention"

    def to_dict(self) -> dict[str, Any]:
        return _serialize(self, {})


@dataclass(frozen=True)
class Relation(_Spanned):
    """A match with named captures but no trigger."""
    arguments: Mapping[str, tuple[Span, ...]]
    attributes: Mapping[str, Any] = field(default_factory=dict)
    kind = "relation"

    def to_dict(self) -> dict[str, Any]:
        return _serialize(self, {"arguments": _arguments(self.arguments)})


@dataclass(frozen=True)
class Event(_Spanned):
    """A match with a trigger: an event of the rule's label with the other captures as arguments."""
    trigger: Span
    arguments: Mapping[str, tuple[Span, ...]]
    attributes: Mapping[str, Any] = field(default_factory=dict)
    kind = "event"

    def to_dict(self) -> dict[str, Any]:
        return _serialize(self, {"trigger": self.trigger.to_dict(), "arguments": _arguments(self.arguments)})


Record = Union[Event, Relation, Mention]


def _serialize(record: Record, extra: dict[str, Any]) -> dict[str, Any]:
    """The JSON shape: events as the record format shows them; other kinds say what they are."""
    out: dict[str, Any] = {"doc": record.doc}
    if record.kind != "event":
        out["kind"] = record.kind
    out.update(type=record.type, rule=record.rule, sentence=record.sentence, start=record.start,
               end=record.end, text=record.text)
    out.update(extra)
    if record.attributes:
        out["attributes"] = dict(record.attributes)
    return out


def _arguments(arguments: Mapping[str, tuple[Span, ...]]) -> dict[str, list[dict[str, Any]]]:
    return {role: [s.to_dict() for s in spans] for role, spans in arguments.items()}


def span_of(doc: Document, sentence: int, start: int, end: int, label: str | None = None) -> Span:
    """Token span -> character span."""
    tokens = doc.sentences[sentence].tokens
    first, last = tokens[start].start, tokens[end - 1].end
    return Span(first, last, doc.text[first:last], label)


def _argument(doc: Document, sentence: int, arg: Argument) -> Span:
    span = span_of(doc, sentence, arg.start, arg.end, arg.match.label if arg.match is not None else None)
    return span if arg.value is None else replace(span, value=arg.value)


def to_record(match: Match, doc: Document) -> Record:
    whole = span_of(doc, match.sentence, match.start, match.end)
    common = dict(doc=doc.id, type=match.label, rule=match.rule, sentence=match.sentence,
                  start=whole.start, end=whole.end, text=whole.text, attributes=dict(match.attributes))
    kind = match.kind
    if kind == EVENT:
        args = {role: tuple(_argument(doc, match.sentence, a) for a in spans)
                for role, spans in match.arguments.items() if role != "trigger"}
        trig = match.trigger
        trigger = span_of(doc, match.sentence, trig.start, trig.end)
        return Event(trigger=trigger, arguments=args, **common)
    if kind == RELATION:
        args = {role: tuple(_argument(doc, match.sentence, a) for a in spans)
                for role, spans in match.arguments.items()}
        return Relation(arguments=args, **common)
    return Mention(**common)
