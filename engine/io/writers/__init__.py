"""Writing records: one module per format, and the registry `--format` takes its names from."""
from __future__ import annotations

from .base import RecordData, RecordWriter, RunSetup
from .brat import BratWriter
from .html import HtmlWriter
from .jsonarray import JsonArrayWriter
from .jsonl import JsonLinesWriter, encode
from .table import TableWriter, render_table, shorten
from .tsv import TSV_COLUMNS, TsvWriter

__all__ = ["WRITERS", "FORMATS", "RecordWriter", "RecordData", "RunSetup", "register", "writer_class", "encode",
           "render_table", "shorten", "TSV_COLUMNS"]

# format name -> writer class, in the order --help lists them
WRITERS: dict[str, type[RecordWriter]] = {}


def register(cls: type[RecordWriter]) -> type[RecordWriter]:
    """Make a format available under its `name` (usable as a class decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, RecordWriter)):
        raise TypeError(f"{cls!r} is not a RecordWriter")
    WRITERS[cls.name] = cls
    return cls


for _cls in (JsonLinesWriter, JsonArrayWriter, TsvWriter, TableWriter, HtmlWriter, BratWriter):
    register(_cls)

FORMATS = tuple(WRITERS)


def writer_class(name: str) -> type[RecordWriter]:
    return WRITERS[name]
