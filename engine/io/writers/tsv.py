"""Tab-separated values: a header, then one row per record, for spreadsheets and `cut`.

The record's attributes (modality, cameo, ...) follow the fixed columns, one column each,
in the order of their names. The names come from the rule set, which declares every
attribute a record can carry (its rules' `attributes` and its contexts), so the header is
known before the first record and the rows stream.
"""
from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Iterable, Sequence

from .base import RecordData, RecordWriter, RunSetup

if TYPE_CHECKING:
    from ...api import RuleSet

TSV_COLUMNS = ("doc", "type", "rule", "sentence", "start", "end", "text", "trigger", "arguments")


def as_dict(record: RecordData) -> dict:
    return json.loads(record) if isinstance(record, str) else record


def flat(record: RecordData) -> list:
    """A record's values in TSV_COLUMNS order; the arguments as `role=text; ...`."""
    record = as_dict(record)
    trigger = record.get("trigger", {}).get("text", "")
    args = "; ".join(f"{role}={span['text']}" for role, spans in record.get("arguments", {}).items()
                     for span in spans)
    return [record["doc"], record["type"], record["rule"], record["sentence"], record["start"],
            record["end"], record["text"], trigger, args]


def attribute_names(rules: "RuleSet | None") -> tuple[str, ...]:
    """Every attribute name a record of these rules can carry, sorted."""
    if rules is None:
        return ()
    names = {name for rule in rules.rules for name in rule.attributes}
    names.update(context.attribute for context in rules.contexts)
    return tuple(sorted(names))


def attribute_headers(names: Iterable[str]) -> list[str]:
    """The column heads of attribute names; one that repeats a fixed column is `attribute:NAME`."""
    return [f"attribute:{name}" if name in TSV_COLUMNS else name for name in names]


def attribute_cells(record: RecordData, names: Sequence[str]) -> list[str]:
    """The record's value of each attribute name, '' where it has none; a list or mapping as JSON."""
    attributes = as_dict(record).get("attributes", {})
    return [cell(attributes[name]) if name in attributes else "" for name in names]


def cell(value) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def clean(value) -> str:
    """A value on one line with no tabs, so that it stays in its cell."""
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


class TsvWriter(RecordWriter):
    name = "tsv"
    summary = "a header and one tab-separated row per record, an attribute a column"

    def __init__(self, out: IO[str], attributes: Sequence[str] = ()):
        super().__init__(out)
        self.attributes = tuple(attributes)

    @classmethod
    def for_run(cls, out: IO[str], setup: RunSetup) -> "TsvWriter":
        return cls(out, attribute_names(setup.rules))

    def begin(self) -> None:
        self.out.write("\t".join([*TSV_COLUMNS, *attribute_headers(self.attributes)]) + "\n")

    def document(self, doc, records: Sequence[RecordData]) -> None:
        for record in records:
            record = as_dict(record)
            cells = flat(record) + attribute_cells(record, self.attributes)
            self.out.write("\t".join(clean(v) for v in cells) + "\n")
