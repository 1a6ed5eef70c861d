"""Scoring predicted events against gold: the metric of `evx eval`.

Per document and type, each prediction (in text order) matches an unmatched gold event of
its type whose trigger overlaps its own. Soft gold is "don't care": a prediction that only
finds soft gold counts neither way, and unmatched soft gold is not missed. Gold with
`"scope": "sentence"` is matched by any prediction of its type in the document, after which
further predictions of that type there count neither way. Arguments are scored on the
matched pairs, per role the gold event has.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

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


def score_document(scores: Scores, doc_id: str, text: str, gold: list[dict], predicted: list[dict]) -> None:
    scores.documents += 1
    types = {g["type"] for g in gold} | {p["type"] for p in predicted}
    for type_ in sorted(types):
        golds = [g for g in gold if g["type"] == type_]
        preds = sorted((p for p in predicted if p["type"] == type_), key=lambda p: _span(p["trigger"]))
        _score_type(scores, doc_id, text, type_, golds, preds)


def _score_type(scores: Scores, doc_id: str, text: str, type_: str, golds: list[dict], preds: list[dict]) -> None:
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
        scores.mistakes.append(_mistake("fp", doc_id, text, type_, trig))
    for i, g in enumerate(golds):
        if i not in matched and not g.get("soft"):
            tally.fn += 1
            scores.mistakes.append(_mistake("fn", doc_id, text, type_, _span(g["trigger"])))


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


def _mistake(kind: str, doc_id: str, text: str, type_: str, trig: tuple[int, int]) -> Mistake:
    left = max(text.rfind("\n", 0, trig[0]) + 1, trig[0] - 100)
    right = text.find("\n", trig[1])
    right = min(right if right >= 0 else len(text), trig[1] + 100)
    context = text[left:trig[0]] + "[[" + text[trig[0]:trig[1]] + "]]" + text[trig[1]:right]
    return Mistake(kind, doc_id, type_, trig, text[trig[0]:trig[1]], context.replace("\n", " "))


def read_gold(lines: Iterable[str], name: str) -> Iterator[dict]:
    """Gold documents; a line that is not a valid gold document raises ValueError naming it."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{name}:{number}: malformed JSON: {err.msg} at column {err.colno}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise ValueError(f"{name}:{number}: a gold document is an object with 'id', 'text' and 'events'")
        for event in doc.get("events", []):
            if not isinstance(event, dict) or "type" not in event or "trigger" not in event:
                raise ValueError(f"{name}:{number}: each gold event has a 'type' and a 'trigger'")
        doc.setdefault("id", f"{name}:{number}")
        yield doc


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

