"""One JSON array of every record, indented one level: for tools that read a whole file."""
from __future__ import annotations

from typing import Sequence

from .base import RecordData, RecordWriter
from .jsonl import encoded


class JsonArrayWriter(RecordWriter):
    name = "json"
    summary = "one JSON array of all records"
    takes_encoded = True

    def begin(self) -> None:
        self.count = 0
        self.out.write("[")

    def document(self, doc, records: Sequence[RecordData]) -> None:
        for record in records:
            self.out.write(("," if self.count else "") + "\n  " + encoded(record))
            self.count += 1

    def end(self) -> None:
        self.out.write("\n]\n" if self.count else "]\n")
