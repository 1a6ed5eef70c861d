"""Scoring predicted events against gold: the metric of `evx eval`.

Per document and type, each prediction (in text order) matches an unmatched gold event of
its type whose trigger overlaps its own. Soft gold is "don't care": a prediction that only
finds soft gold counts neither way, and unmatched soft gold is not missed. Gold with
`"scope": "sentence"` is matched by any prediction of its type in the document, after which
further predictions of that type there count neither way. Arguments are scored on the
matched pairs, per role the gold event has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from ..errors import InputError, did_you_mean
from ..io.readers import parse_json_line

TOTAL = "ALL"
ARGUMENTS = "arguments"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Mistake:
    """A false positive or a missed gold event, for `--show`."""
    kind: str                   # "fp" or "fn"
    doc: str
    type: str
    trigger: tuple[int, int]
    text: str                   # the trigger's text
    context: str                # the sentence around it, roughly
    rule: str = ""              # the rule of a false positive
    sentence: str = ""          # the sentence that holds the trigger (a window when sentences are not given)
    sentence_start: int = 0     # where that sentence starts in the document text
    arguments: tuple[tuple[str, int, int], ...] = ()    # (role, start, end) in the document text


@dataclass
class Scores:
    events: dict[str, Tally] = field(default_factory=dict)
    arguments: dict[str, Tally] = field(default_factory=dict)      # by type
    roles: dict[str, Tally] = field(default_factory=dict)          # by "TYPE.role"
    mistakes: list[Mistake] = field(default_factory=list)
    documents: int = 0

    def tally(self, table: dict[str, Tally], key: str) -> Tally:
        return table.setdefault(key, Tally())

    def total(self, table: dict[str, Tally]) -> Tally:
        out = Tally()
        for t in table.values():
            out.tp, out.fp, out.fn = out.tp + t.tp, out.fp + t.fp, out.fn + t.fn
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents,
                "events": {**{k: v.to_dict() for k, v in sorted(self.events.items())},
                           TOTAL: self.total(self.events).to_dict()},
                "arguments": {**{k: v.to_dict() for k, v in sorted(self.arguments.items())},
                              TOTAL: self.total(self.arguments).to_dict()},
                "roles": {k: v.to_dict() for k, v in sorted(self.roles.items())}}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _span(obj: dict) -> tuple[int, int]:
    return int(obj["start"]), int(obj["end"])


def score_document(scores: Scores, doc_id: str, text: str, gold: list[dict], predicted: list[dict],
                   sentences: Sequence[tuple[int, int]] = ()) -> None:
    """Score one document; with the (start, end) of its sentences, each mistake also carries
    its sentence (for the HTML report)."""
    scores.documents += 1
    types = {g["type"] for g in gold} | {p["type"] for p in predicted}
    for type_ in sorted(types):
        golds = [g for g in gold if g["type"] == type_]
        preds = sorted((p for p in predicted if p["type"] == type_), key=lambda p: _span(p["trigger"]))
        _score_type(scores, doc_id, text, type_, golds, preds, sentences)


def _score_type(scores: Scores, doc_id: str, text: str, type_: str, golds: list[dict], preds: list[dict],
                sentences: Sequence[tuple[int, int]]) -> None:
    tally = scores.tally(scores.events, type_)
    matched: set[int] = set()
    sentence_gold = [i for i, g in enumerate(golds) if g.get("scope") == "sentence" and not g.get("soft")]
    for pred in preds:
        trig = _span(pred["trigger"])
        hard = _first(golds, matched, lambda g: not g.get("soft") and g.get("scope") != "sentence"
                      and _overlaps(trig, _span(g["trigger"])))
        if hard is not None:
            matched.add(hard)
            tally.tp += 1
            _score_arguments(scores, type_, golds[hard], pred)
            continue
        if any(g.get("soft") and _overlaps(trig, _span(g["trigger"])) for g in golds):
            continue
        free = [i for i in sentence_gold if i not in matched]
        if free:
            matched.add(free[0])
            tally.tp += 1
            _score_arguments(scores, type_, golds[free[0]], pred)
            continue
        if sentence_gold:
            continue
        tally.fp += 1
        scores.mistakes.append(_mistake("fp", doc_id, text, type_, trig, pred, sentences))
    for i, g in enumerate(golds):
        if i not in matched and not g.get("soft"):
            tally.fn += 1
            scores.mistakes.append(_mistake("fn", doc_id, text, type_, _span(g["trigger"]), g, sentences))


def _first(golds: list[dict], matched: set[int], test) -> int | None:
    return next((i for i, g in enumerate(golds) if i not in matched and test(g)), None)


def _score_arguments(scores: Scores, type_: str, gold: dict, pred: dict) -> None:
    args = scores.tally(scores.arguments, type_)
    predicted = pred.get("arguments", {})
    for role, spans in gold.get("arguments", {}).items():
        per_role = scores.tally(scores.roles, f"{type_}.{role}")
        gold_spans = [_span(s) for s in spans]
        pred_spans = [_span(s) for s in predicted.get(role, [])]
        for g in gold_spans:
            hit = any(_overlaps(g, p) for p in pred_spans)
            for t in (args, per_role):
                if hit:
                    t.tp += 1
                else:
                    t.fn += 1
        for p in pred_spans:
            if not any(_overlaps(g, p) for g in gold_spans):
                args.fp += 1
                per_role.fp += 1


def _mistake(kind: str, doc_id: str, text: str, type_: str, trig: tuple[int, int], event: dict,
             sentences: Sequence[tuple[int, int]]) -> Mistake:
    left = max(text.rfind("\n", 0, trig[0]) + 1, trig[0] - 100)
    right = text.find("\n", trig[1])
    right = min(right if right >= 0 else len(text), trig[1] + 100)
    context = text[left:trig[0]] + "[[" + text[trig[0]:trig[1]] + "]]" + text[trig[1]:right]
    # the sentence that holds the trigger, or else the same window as the context
    start, end = next(((a, b) for a, b in sentences if a <= trig[0] < b), (left, right))
    arguments = tuple((role, *_span(s)) for role, spans in event.get("arguments", {}).items() for s in spans)
    return Mistake(kind, doc_id, type_, trig, text[trig[0]:trig[1]], context.replace("\n", " "),
                   rule=str(event.get("rule", "")) if kind == "fp" else "", sentence=text[start:max(end, trig[1])],
                   sentence_start=start, arguments=arguments)


GOLD_EVENT_FIELDS = ("type", "trigger", "arguments", "modality", "soft", "scope")
SPAN_FIELDS = ("start", "end", "text")
SCOPES = ("sentence",)


def read_gold(lines: Iterable[bytes | str], name: str) -> Iterator[dict]:
    """Gold documents, each checked field by field; a line that is not a gold document
    raises InputError naming its file and line."""
    for number, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise InputError(f"not UTF-8 text: byte 0x{raw[err.start]:02x} at column {err.start + 1}",
                                 name, number) from None
        if not raw.strip():
            continue
        doc = parse_json_line(raw, name, number)
        if isinstance(doc, InputError):
            raise doc
        try:
            check_gold(doc)
        except GoldFieldError as err:
            raise InputError(str(err), name, number) from None
        doc.setdefault("id", f"{name}:{number}")
        yield doc


class GoldFieldError(ValueError):
    """A field of a gold document that breaks the format; read_gold adds the file and line."""


def check_gold(doc: Any) -> None:
    """Raise GoldFieldError for the first field of `doc` that is not as the gold format says."""
    if not isinstance(doc, dict):
        raise GoldFieldError("a gold document is an object with 'id', 'text' and 'events'")
    text = doc.get("text")
    if not isinstance(text, str):
        raise GoldFieldError("the gold document has no 'text' string")
    doc_id = doc.get("id")
    if doc_id is not None and (not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool)):
        raise GoldFieldError("'id' must be a string or a number")
    if doc.get("date") is not None and not isinstance(doc["date"], str):
        raise GoldFieldError("'date' must be a string such as 2024-01-15")
    events = doc.get("events", [])
    if not isinstance(events, list):
        raise GoldFieldError("'events' must be a list of events")
    for number, event in enumerate(events, 1):
        try:
            _check_event(event, text)
        except GoldFieldError as err:
            raise GoldFieldError(f"event {number}: {err}") from None


def _check_event(event: Any, text: str) -> None:
    if not isinstance(event, dict):
        raise GoldFieldError("an event is an object with 'type' and 'trigger'")
    _known_fields(event, GOLD_EVENT_FIELDS)
    if "type" not in event:
        raise GoldFieldError("'type' is missing")
    if not isinstance(event["type"], str):
        raise GoldFieldError("'type' must be a string")
    if "trigger" not in event:
        raise GoldFieldError("'trigger' is missing")
    if not isinstance(event["trigger"], dict):
        raise GoldFieldError("'trigger' must be an object {start, end, text}")
    _check_span(event["trigger"], text, "trigger")
    arguments = event.get("arguments", {})
    if not isinstance(arguments, dict):
        raise GoldFieldError("'arguments' must be an object from role to a list of spans")
    for role, spans in arguments.items():
        if not isinstance(spans, list):
            raise GoldFieldError(f"argument '{role}' must be a list of spans")
        for i, span in enumerate(spans, 1):
            if not isinstance(span, dict):
                raise GoldFieldError(f"argument '{role}' {i}: a span is an object {{start, end, text}}")
            _check_span(span, text, f"argument '{role}' {i}")
    if "modality" in event and not isinstance(event["modality"], str):
        raise GoldFieldError("'modality' must be a string")
    if "soft" in event and not isinstance(event["soft"], bool):
        raise GoldFieldError("'soft' must be true or false")
    if "scope" in event and event["scope"] not in SCOPES:
        raise GoldFieldError('\'scope\' must be "sentence"')


def _check_span(span: dict, text: str, what: str) -> None:
    try:
        _known_fields(span, SPAN_FIELDS + ("label",))
        for key in ("start", "end"):
            if key not in span:
                raise GoldFieldError(f"'{key}' is missing")
            if not isinstance(span[key], int) or isinstance(span[key], bool):
                raise GoldFieldError(f"'{key}' must be an integer")
        start, end = span["start"], span["end"]
        if start >= end:
            raise GoldFieldError(f"start {start} must be smaller than end {end}")
        if start < 0 or end > len(text):
            raise GoldFieldError(f"offsets {start}..{end} are outside the text")
        if "text" in span:
            if not isinstance(span["text"], str):
                raise GoldFieldError("'text' must be a string")
            if span["text"] != text[start:end]:
                raise GoldFieldError(f"'text' is {span['text']!r} but the text at {start}..{end} is "
                                     f"{text[start:end]!r}")
        if "label" in span and not isinstance(span["label"], str):
            raise GoldFieldError("'label' must be a string")
    except GoldFieldError as err:
        raise GoldFieldError(f"{what}: {err}") from None


def _known_fields(obj: dict, fields: tuple[str, ...]) -> None:
    for key in obj:
        if key not in fields:
            hint = did_you_mean(str(key), fields)
            raise GoldFieldError(f"unknown field '{key}'" + (f"; {hint}" if hint else
                                                             f"; the fields are {', '.join(fields)}"))


def render(scores: Scores) -> str:
    """The per-type table, the total, then the arguments."""
    lines = [f"{'type':<12}{'gold':>6}{'pred':>6}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]

    def row(name: str, t: Tally) -> str:
        return (f"{name:<12}{t.tp + t.fn:>6}{t.tp + t.fp:>6}{t.tp:>6}{t.fp:>6}{t.fn:>6}"
                f"{t.precision:>8.3f}{t.recall:>8.3f}{t.f1:>8.3f}")
    for name, t in sorted(scores.events.items()):
        lines.append(row(name, t))
    lines.append(row(TOTAL, scores.total(scores.events)))
    lines.append("")
    lines.append("arguments (on matched events)")
    for name, t in sorted(scores.arguments.items()):
        lines.append(row(name, t))
    lines.append(row(TOTAL, scores.total(scores.arguments)))
    return "\n".join(lines) + "\n"

