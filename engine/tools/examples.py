"""Running the `examples` of rules: each is a small test of what the rule set finds in a text.

An example lists every record it expects of the rule's label (and of the types it names);
any other record of those types counts as unexpected. A role that an expectation leaves out
is not checked. Records of rules with `keep: false` are visible here, so hidden rules can be
tested too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from ..records import Event, Record, Relation
from ..rulefile.model import Example, Expected, Rule
from ..api import RuleSet


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    number: int                 # 1-based position among the rule's examples
    example: Example
    missing: tuple[Expected, ...]
    unexpected: tuple[Record, ...]
    found: tuple[Record, ...]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected


def run_examples(rules: RuleSet, only: str | None = None) -> Iterator[Outcome]:
    for rule in rules.rules:
        if only is not None and rule.name != only:
            continue
        for number, example in enumerate(rule.examples, 1):
            yield check_example(rules, rule, number, example)


def check_example(rules: RuleSet, rule: Rule, number: int, example: Example) -> Outcome:
    doc_records = rules.extract(example.text, mentions=True, hidden=True)
    types = {rule.label} | {e.type for e in example.expect}
    found = [r for r in doc_records if r.type in types]
    left = list(found)
    missing = []
    for expected in example.expect:
        hit = next((r for r in left if satisfies(r, expected)), None)
        if hit is None:
            missing.append(expected)
        else:
            left.remove(hit)
    return Outcome(rule, number, example, tuple(missing), tuple(left), tuple(found))


def satisfies(record: Record, expected: Expected) -> bool:
    if record.type != expected.type:
        return False
    for role, texts in expected.roles.items():
        if role == "text":
            if (record.text,) != texts:
                return False
        elif role == "trigger":
            if not isinstance(record, Event) or (record.trigger.text,) != texts:
                return False
        else:
            spans = record.arguments.get(role, ()) if isinstance(record, (Event, Relation)) else ()
            if sorted(s.text for s in spans) != sorted(texts):
                return False
    return True


def describe_expected(expected: Expected) -> str:
    parts = [expected.type] + [f"{role}={_texts(texts)}" for role, texts in expected.roles.items()]
    return " ".join(parts)


def describe_record(record: Record) -> str:
    parts = [record.type]
    if isinstance(record, Event):
        parts.append(f"trigger={_quote(record.trigger.text)}")
    else:
        parts.append(f"text={_quote(record.text)}")
    if isinstance(record, (Event, Relation)):
        parts += [f"{role}={_texts([s.text for s in spans])}" for role, spans in record.arguments.items()]
    return " ".join(parts) + f" (rule {record.rule})"


# -- why an example failed, role by role ---------------------------------------------------------

@dataclass(frozen=True)
class RoleDiff:
    """One role of an expectation set against the record found closest to it."""
    role: str
    only_expected: tuple[str, ...]
    only_found: tuple[str, ...]

    @property
    def same(self) -> bool:
        return not self.only_expected and not self.only_found


def record_texts(record: Record, role: str) -> tuple[str, ...]:
    """What a record holds for one role of an expectation (`text` and `trigger` included)."""
    if role == "text":
        return (record.text,)
    if role == "trigger":
        return (record.trigger.text,) if isinstance(record, Event) else ()
    if isinstance(record, (Event, Relation)):
        return tuple(s.text for s in record.arguments.get(role, ()))
    return ()


def diff_roles(expected: Expected, record: Record) -> list[RoleDiff]:
    """Each role the expectation names, with the texts only it has and those only the record has."""
    out = []
    for role, texts in expected.roles.items():
        found = list(record_texts(record, role))
        only_expected = []
        for text in texts:
            if text in found:
                found.remove(text)
            else:
                only_expected.append(text)
        out.append(RoleDiff(role, tuple(only_expected), tuple(found)))
    return out


def closest(expected: Expected, candidates: list[Record]) -> Record | None:
    """The record of the expected type that agrees with the expectation on the most roles
    (the first of equals, in text order); None when there is none of that type."""
    same_type = [r for r in candidates if r.type == expected.type]
    if not same_type:
        return None
    return max(same_type, key=lambda r: sum(d.same for d in diff_roles(expected, r)))


def describe_failure(outcome: Outcome) -> list[str]:
    """Why an example failed: for each expectation not met, the closest record found and,
    role by role, the texts only expected and those only found; then what was found and
    not expected at all."""
    lines: list[str] = []
    unexpected = list(outcome.unexpected)
    for expected in outcome.missing:
        record = closest(expected, unexpected) or closest(expected, list(outcome.found))
        if record is None:
            wanted = ", ".join(f"{role} {_texts(texts)}" for role, texts in expected.roles.items())
            lines.append(f"{expected.type}: expected {wanted or 'one'}; found no {expected.type}")
            continue
        if record in unexpected:
            unexpected.remove(record)
        diffs = diff_roles(expected, record)
        lines.append(f"{expected.type}: expected one, the closest found (rule {record.rule}) differs:")
        width = max([len(d.role) + 1 for d in diffs if not d.same] + [len("the same:")]) + 1
        for d in diffs:
            if d.same:
                continue
            parts = []
            if d.only_expected:
                parts.append(f"only expected {_texts(d.only_expected, ', ')}")
            if d.only_found:
                parts.append(f"only found {_texts(d.only_found, ', ')}")
            lines.append(f"  {(d.role + ':').ljust(width)}{'; '.join(parts)}")
        same = [d.role for d in diffs if d.same]
        if same:
            lines.append(f"  {'the same:'.ljust(width)}{', '.join(same)}")
    for record in unexpected:
        lines.append(f"unexpected: {describe_record(record)}")
    return lines


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _texts(texts, sep: str = "|") -> str:
    return sep.join(_quote(t) for t in texts)
