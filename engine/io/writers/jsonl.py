"""JSON Lines: one record per line, the default format."""
from __future__ import annotations

import json
from typing import Sequence

from .base import RecordData, RecordWriter

# line ends for str.splitlines() and some JSON Lines readers that json.dumps leaves as they are
# (it escapes the control characters below U+0020 itself)
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def encode(record: dict) -> str:
    """One record as one line of JSON, whatever characters its texts hold."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS)


def encoded(record: RecordData) -> str:
    return record if isinstance(record, str) else encode(record)


class JsonLinesWriter(RecordWriter):
    name = "jsonl"
    summary = "one JSON record per line"
    takes_encoded = True

    def document(self, doc, records: Sequence[RecordData]) -> None:
        if records:
            self.out.write("".join(encoded(r) + "\n" for r in records))
