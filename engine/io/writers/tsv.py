"""Tab-separated values: a header, then one row per record, for spreadsheets and `cut`."""
from __future__ import annotations

import json
from typing import Sequence

from .base import RecordData, RecordWriter

TSV_COLUMNS = ("doc", "type", "rule", "sentence", "start", "end", "text", "trigger", "arguments")


def flat(record: RecordData) -> list:
    """A record's values in TSV_COLUMNS order; the arguments as `role=text; ...`."""
    if isinstance(record, str):
        record = json.loads(record)
    trigger = record.get("trigger", {}).get("text", "")
    args = "; ".join(f"{role}={span['text']}" for role, spans in record.get("arguments", {}).items()
                     for span in spans)
    return [record["doc"], record["type"], record["rule"], record["sentence"], record["start"],
            record["end"], record["text"], trigger, args]


def clean(value) -> str:
    """A value on one line with no tabs, so that it stays in its cell."""
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


class TsvWriter(RecordWriter):
    name = "tsv"
    summary = "a header and one tab-separated row per record"

    def begin(self) -> None:
        self.out.write("\t".join(TSV_COLUMNS) + "\n")

    def document(self, doc, records: Sequence[RecordData]) -> None:
        for record in records:
            self.out.write("\t".join(clean(v) for v in flat(record)) + "\n")
