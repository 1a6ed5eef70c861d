"""An aligned table for people to read, written once every record is in.

After the fixed columns come the attributes, one column for each name some record of the
run carries, in the order of their names.
"""
from __future__ import annotations

from typing import Sequence

from .base import RecordData, RecordWriter
from .tsv import as_dict, attribute_cells, attribute_headers, clean, flat


def shorten(text: str, width: int) -> str:
    """The text, cut with an ellipsis when it is longer than `width` characters."""
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(records: Sequence[RecordData], width: int = 60) -> str:
    """An aligned table, one record a row; long texts are cut with an ellipsis."""
    if not records:
        return "(no records)\n"
    records = [as_dict(r) for r in records]
    names = sorted({name for r in records for name in r.get("attributes", {})})
    header = ["doc", "type", "trigger", "arguments", "text", *attribute_headers(names)]
    rows = []
    for r in records:
        doc, type_, _, _, _, _, text, trigger, args = (clean(v) for v in flat(r))
        extra = [shorten(clean(v), width) for v in attribute_cells(r, names)]
        rows.append([doc, type_, trigger, shorten(args, width), shorten(text, width), *extra])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    line = "  ".join
    out = [line(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           line("-" * w for w in widths)]
    out += [line(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(out) + "\n"


class TableWriter(RecordWriter):
    name = "table"
    summary = "an aligned table for reading, an attribute a column (written at the end)"

    def begin(self) -> None:
        self.rows: list[RecordData] = []

    def document(self, doc, records: Sequence[RecordData]) -> None:
        self.rows.extend(records)

    def end(self) -> None:
        self.out.write(render_table(self.rows))
