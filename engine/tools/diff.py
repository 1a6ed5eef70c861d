"""`evx diff`: what a rule change gained and lost on a corpus, and whether it was right.

Two runs' event records, document by document, are paired by their type and trigger span:
a record only the old rules find is lost, one only the new rules find is gained, and a pair
whose arguments or attributes differ is changed. With gold, each change is judged by the
matching of `evx eval` (see evaluate.py): a gained record that matches gold is right, a lost
one that matched gold is wrong, a lost or gained false positive the other way round, and a
changed pair by its argument score.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..errors import InputError
from . import evaluate

if TYPE_CHECKING:
    from ..api import RuleSet
    from ..io.readers import Item
    from ..run.batch import Options

SAME, LOST, GAINED, CHANGED = "same", "lost", "gained", "changed"
KINDS = (SAME, LOST, GAINED, CHANGED)
RIGHT, WRONG, NEUTRAL = "right", "wrong", "neutral"
VERDICTS = (RIGHT, WRONG, NEUTRAL)
TOTAL = evaluate.TOTAL
MARKS = {LOST: "-", GAINED: "+", CHANGED: "~"}

# how a record did against gold, in the run that produced it
TP, FP, NEITHER = "tp", "fp", "neither"


@dataclass(frozen=True)
class Change:
    """One record's fate between the old run and the new: `old` and/or `new` are the records
    (dicts as `evx match` writes them); `doc` is the document's position in the corpus."""
    kind: str
    doc: int
    old: dict | None
    new: dict | None
    verdict: str | None = None
    why: str = ""

    @property
    def record(self) -> dict:
        """The record that stands for the change: the new one when there is one."""
        return self.new if self.new is not None else self.old

    @property
    def type(self) -> str:
        return self.record["type"]

    @property
    def rule(self) -> str:
        return self.record["rule"]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.kind, "doc": self.record["doc"], "type": self.type,
                               "rule": self.rule, "trigger": self.record["trigger"],
                               "old": self.old, "new": self.new}
        if self.verdict is not None:
            out.update(verdict=self.verdict, why=self.why)
        return out


def _key(record: dict) -> tuple[str, int, int]:
    trigger = record["trigger"]
    return record["type"], trigger["start"], trigger["end"]


def _content(record: dict) -> tuple[Any, Any]:
    return record.get("arguments", {}), record.get("attributes", {})


def compare_document(doc: int, old: Sequence[dict], new: Sequence[dict]) -> list[Change]:
    """Pair one document's old and new event records by type and trigger span. Under one
    key, identical records pair first (same), the rest in order (changed), and what is
    left over is lost or gained."""
    old_by_key: dict[tuple, list[dict]] = defaultdict(list)
    new_by_key: dict[tuple, list[dict]] = defaultdict(list)
    for record in old:
        old_by_key[_key(record)].append(record)
    for record in new:
        new_by_key[_key(record)].append(record)
    changes: list[Change] = []
    for key in sorted(old_by_key.keys() | new_by_key.keys(), key=lambda k: (k[1], k[2], k[0])):
        olds, news = list(old_by_key.get(key, ())), list(new_by_key.get(key, ()))
        for o in list(olds):
            twin = next((n for n in news if _content(n) == _content(o)), None)
            if twin is not None:
                olds.remove(o)
                news.remove(twin)
                changes.append(Change(SAME, doc, o, twin))
        for o, n in zip(olds, news):
            changes.append(Change(CHANGED, doc, o, n))
        changes.extend(Change(LOST, doc, o, None) for o in olds[len(news):])
        changes.extend(Change(GAINED, doc, None, n) for n in news[len(olds):])
    return changes


@dataclass(frozen=True)
class Outcome:
    """How one predicted event did against gold: a true positive, a false positive or
    neither (it found only soft gold, or a sentence-scope event already found), and on its
    matched gold event the argument counts."""
    event: str
    arguments: evaluate.Tally = field(default_factory=evaluate.Tally)


def outcomes(doc_id: str, text: str, gold: list[dict], predicted: list[dict]) -> dict[int, Outcome]:
    """Each prediction's outcome (by id() of its dict) under `evx eval`'s matching. The
    matching takes predictions one at a time in trigger order, so scoring each prefix of
    that order and taking the difference says what the last one added."""
    found: dict[int, Outcome] = {}
    for type_ in {p["type"] for p in predicted}:
        golds = [g for g in gold if g["type"] == type_]
        ordered = sorted((p for p in predicted if p["type"] == type_),
                         key=lambda p: (p["trigger"]["start"], p["trigger"]["end"]))
        before = (evaluate.Tally(), evaluate.Tally())
        for k in range(1, len(ordered) + 1):
            scores = evaluate.Scores()
            evaluate.score_document(scores, doc_id, text, golds, ordered[:k])
            events = scores.events.get(type_, evaluate.Tally())
            args = scores.arguments.get(type_, evaluate.Tally())
            event = TP if events.tp > before[0].tp else FP if events.fp > before[0].fp else NEITHER
            added = evaluate.Tally(args.tp - before[1].tp, args.fp - before[1].fp, args.fn - before[1].fn)
            found[id(ordered[k - 1])] = Outcome(event, added)
            before = (events, args)
    return found


def judge(change: Change, old: dict[int, Outcome], new: dict[int, Outcome]) -> Change:
    """The change with its verdict against gold, from the outcomes of its records."""
    if change.kind == SAME:
        return change
    was = old.get(id(change.old)) if change.old is not None else None
    now = new.get(id(change.new)) if change.new is not None else None
    if change.kind == LOST:
        verdict, why = {TP: (WRONG, "it matched a gold event"), FP: (RIGHT, "it was a false positive")}.get(
            was.event, (NEUTRAL, "it counted neither way (soft or sentence-wide gold)"))
    elif change.kind == GAINED:
        verdict, why = {TP: (RIGHT, "it matches a gold event"), FP: (WRONG, "it is a false positive")}.get(
            now.event, (NEUTRAL, "it counts neither way (soft or sentence-wide gold)"))
    elif was.event != now.event:
        rank = {FP: 0, NEITHER: 1, TP: 2}
        verdict = RIGHT if rank[now.event] > rank[was.event] else WRONG
        why = f"the event went from {_outcome_name(was.event)} to {_outcome_name(now.event)}"
    elif was.event == FP:
        verdict, why = NEUTRAL, "a false positive either way"
    elif was.event == NEITHER:
        verdict, why = NEUTRAL, "it counts neither way, before and after"
    else:
        before, after = was.arguments.f1, now.arguments.f1
        if after == before:
            verdict, why = NEUTRAL, f"arguments score the same (F1 {after:.2f})"
        else:
            verdict = RIGHT if after > before else WRONG
            why = f"argument F1 {before:.2f} -> {after:.2f}"
    return Change(change.kind, change.doc, change.old, change.new, verdict, why)


def _outcome_name(event: str) -> str:
    return {TP: "true positive", FP: "false positive", NEITHER: "neither"}[event]


@dataclass
class Report:
    """The whole comparison: every change (SAME ones included, for the counts), and with
    gold the scores of each run."""
    old_rules: tuple[str, ...]
    new_rules: tuple[str, ...]
    documents: int
    changes: list[Change]
    old_scores: evaluate.Scores | None = None
    new_scores: evaluate.Scores | None = None

    @property
    def judged(self) -> bool:
        return self.old_scores is not None


def compare(old_runs: Sequence[Sequence[dict]], new_runs: Sequence[Sequence[dict]],
            old_rules: tuple[str, ...] = (), new_rules: tuple[str, ...] = ()) -> Report:
    """Compare two runs over the same documents (one list of records per document, in order)."""
    changes = [c for doc, (old, new) in enumerate(zip(old_runs, new_runs)) for c in compare_document(doc, old, new)]
    return Report(old_rules, new_rules, len(old_runs), changes)


def compare_with_gold(gold_docs: Sequence[dict], old_runs: Sequence[Sequence[dict]],
                      new_runs: Sequence[Sequence[dict]], old_rules: tuple[str, ...] = (),
                      new_rules: tuple[str, ...] = ()) -> Report:
    """Compare two runs over the gold documents, judge every change, and score both runs."""
    report = Report(old_rules, new_rules, len(gold_docs), [], evaluate.Scores(), evaluate.Scores())
    for doc, (gold, old, new) in enumerate(zip(gold_docs, old_runs, new_runs)):
        doc_id, text, events = str(gold["id"]), gold["text"], gold.get("events", [])
        evaluate.score_document(report.old_scores, doc_id, text, events, list(old))
        evaluate.score_document(report.new_scores, doc_id, text, events, list(new))
        was, now = outcomes(doc_id, text, events, list(old)), outcomes(doc_id, text, events, list(new))
        report.changes.extend(judge(c, was, now) for c in compare_document(doc, old, new))
    return report


def counts(changes: Iterable[Change], by: str) -> dict[str, dict[str, int]]:
    """Per type (by="type") or per rule (by="rule"): how many records stayed the same, were
    lost, gained or changed, and (when judged) how many changes were right, wrong or neutral.
    A lost record counts under its old rule, the others under their new one."""
    table: dict[str, dict[str, int]] = {}
    for change in changes:
        row = table.setdefault(getattr(change, by), dict.fromkeys(KINDS + VERDICTS, 0))
        row[change.kind] += 1
        if change.verdict is not None:
            row[change.verdict] += 1
    return dict(sorted(table.items()))


def _total(table: dict[str, dict[str, int]]) -> dict[str, int]:
    out = dict.fromkeys(KINDS + VERDICTS, 0)
    for row in table.values():
        for key, value in row.items():
            out[key] += value
    return out


def f1_changes(report: Report) -> dict[str, dict[str, float]]:
    """Per type and in all, the F1 of each run and the change."""
    old, new = report.old_scores, report.new_scores
    out = {}
    for type_ in sorted(old.events.keys() | new.events.keys()):
        out[type_] = _f1_row(old.events.get(type_, evaluate.Tally()), new.events.get(type_, evaluate.Tally()))
    out[TOTAL] = _f1_row(old.total(old.events), new.total(new.events))
    return out


def _f1_row(old: evaluate.Tally, new: evaluate.Tally) -> dict[str, float]:
    return {"old": round(old.f1, 4), "new": round(new.f1, 4), "change": round(new.f1 - old.f1, 4)}


def to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON: the counts per type and per rule, and every change but the SAME ones."""
    by_type = counts(report.changes, "type")
    out: dict[str, Any] = {
        "old": {"rules": list(report.old_rules), "events": sum(c.old is not None for c in report.changes)},
        "new": {"rules": list(report.new_rules), "events": sum(c.new is not None for c in report.changes)},
        "documents": report.documents,
        "types": {**by_type, TOTAL: _total(by_type)},
        "rules": counts(report.changes, "rule"),
        "changes": [c.to_dict() for c in report.changes if c.kind != SAME],
    }
    if not report.judged:
        for table in (out["types"], out["rules"]):
            for row in table.values():
                for verdict in VERDICTS:
                    del row[verdict]
    else:
        for type_, f1 in f1_changes(report).items():
            out["types"].setdefault(type_, dict.fromkeys(KINDS + VERDICTS, 0))["f1"] = f1
    return out


def render(report: Report, list_changes: bool = True) -> str:
    """The table per type, the one per rule (the rules with changes), then (unless told
    not to) each change."""
    lines = [f"old: {', '.join(report.old_rules)}; new: {', '.join(report.new_rules)}; "
             f"{report.documents} document(s)", ""]
    f1 = f1_changes(report) if report.judged else {}
    by_type = dict(sorted({**{t: dict.fromkeys(KINDS + VERDICTS, 0) for t in f1 if t != TOTAL},
                           **counts(report.changes, "type")}.items()))     # gold-only types too
    changed_rules = {name: row for name, row in counts(report.changes, "rule").items()
                     if row[LOST] or row[GAINED] or row[CHANGED]}      # the others only say "same"
    for title, table in (("type", {**by_type, TOTAL: _total(by_type)}), ("rule", changed_rules)):
        if not table:
            continue
        width = max([len(title)] + [len(name) for name in table]) + 2
        head = f"{title:<{width}}{'same':>6}{'lost':>6}{'gained':>8}{'changed':>9}"
        if report.judged:
            head += f"{'right':>7}{'wrong':>7}"
            if title == "type":
                head += f"{'F1 old':>8}{'new':>7}{'change':>8}"
        lines.append(head)
        for name, row in table.items():
            line = f"{name:<{width}}{row[SAME]:>6}{row[LOST]:>6}{row[GAINED]:>8}{row[CHANGED]:>9}"
            if report.judged:
                line += f"{row[RIGHT]:>7}{row[WRONG]:>7}"
                if title == "type" and name in f1:
                    s = f1[name]
                    line += f"{s['old']:>8.3f}{s['new']:>7.3f}{s['change']:>+8.3f}"
            lines.append(line)
        lines.append("")
    listed = [c for c in report.changes if c.kind != SAME]
    if list_changes and listed:
        lines.append("changes (- lost, + gained, ~ changed)")
        for change in sorted(listed, key=lambda c: (c.type, c.doc)):
            lines.extend(describe(change))
    elif not listed:
        lines.append("no changes")
    return "\n".join(lines).rstrip("\n") + "\n"


def describe(change: Change) -> list[str]:
    """A change in a line or a few: its record with the trigger in [[ ]], the rule, the
    verdict, and for a changed pair what changed."""
    record = change.record
    rule = change.rule if change.old is None or change.new is None or change.old["rule"] == change.new["rule"] \
        else f"{change.old['rule']} -> {change.new['rule']}"
    line = f"{MARKS[change.kind]} {change.type}  {record['doc']}  {rule}  {_in_brackets(record)}"
    if change.verdict is not None:
        line += f"  [{change.verdict}: {change.why}]"
    out = [line]
    if change.kind == CHANGED:
        out.extend("    " + d for d in differences(change.old, change.new))
    return out


def _in_brackets(record: dict) -> str:
    text, start, trigger = record["text"], record["start"], record["trigger"]
    a, b = trigger["start"] - start, trigger["end"] - start
    return repr(text[:a] + "[[" + text[a:b] + "]]" + text[b:])


def differences(old: dict, new: dict) -> list[str]:
    """What differs between two records of one trigger: each role and attribute that changed."""
    out = []
    old_args, new_args = old.get("arguments", {}), new.get("arguments", {})
    for role in sorted(old_args.keys() | new_args.keys()):
        before, after = old_args.get(role, []), new_args.get(role, [])
        if before != after:
            out.append(f"{role}: {_spans(before)} -> {_spans(after)}")
    old_attrs, new_attrs = old.get("attributes", {}), new.get("attributes", {})
    for name in sorted(old_attrs.keys() | new_attrs.keys()):
        if old_attrs.get(name) != new_attrs.get(name):
            out.append(f"{name}: {_value(old_attrs, name)} -> {_value(new_attrs, name)}")
    return out


def _spans(spans: list[dict]) -> str:
    if not spans:
        return "(none)"
    return ", ".join(repr(s["text"]) + (f" ({s['label']})" if "label" in s else "") for s in spans)


def _value(attributes: dict, name: str) -> str:
    return repr(attributes[name]) if name in attributes else "(none)"


def run_records(rules: "RuleSet", items: Sequence["Item"], options: "Options",
                jobs: int = 1) -> tuple[list[list[dict]], list[InputError]]:
    """One rule set's records for each document (in order), and the documents' errors;
    a document that fails has no records."""
    from ..run import batch
    records: list[list[dict]] = []
    errors: list[InputError] = []
    with contextlib.closing(batch.run(rules, items, options, jobs)) as results:
        for result in results:
            records.append(result.records)
            if result.error is not None:
                errors.append(result.error)
    return records, errors
