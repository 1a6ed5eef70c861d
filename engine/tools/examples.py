"""Running the `examples` of rules: each is a small test of what the rule set finds in a text.

An example lists every record it expects of the rule's label (and of the types it names);
any other record of those types counts as unexpected. A role that an expectation leaves out
is not checked. Records of rules with `keep: false` are visible here, so hidden rules can be
tested too.
"""
from __future__ import annotations

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
    parts = [expected.type] + [f"{role}={'|'.join(texts)}" for role, texts in expected.roles.items()]
    return " ".join(parts)


def describe_record(record: Record) -> str:
    parts = [record.type]
    if isinstance(record, Event):
        parts.append(f"trigger={record.trigger.text}")
    else:
        parts.append(f"text={record.text}")
    if isinstance(record, (Event, Relation)):
        parts += [f"{role}={'|'.join(s.text for s in spans)}" for role, spans in record.arguments.items()]
    return " ".join(parts) + f"  (rule {record.rule})"
