"""Writing records: JSON Lines, one JSON array, TSV, or an aligned table for people.

`-o FILE` is written to a temporary file beside it and renamed into place at the end, so
a run that fails or is killed never leaves a torn file.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from typing import IO, Iterator

FORMATS = ("jsonl", "json", "tsv", "table")

# line ends for str.splitlines() and some JSON Lines readers that json.dumps leaves as they are
# (it escapes the control characters below U+0020 itself)
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def encode(record: dict) -> str:
    """One record as one line of JSON, whatever characters its texts hold."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS)
TSV_COLUMNS = ("doc", "type", "rule", "sentence", "start", "end", "text", "trigger", "arguments")


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears whole or not at all (devices and pipes are
    written as they are)."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    if os.path.exists(path) and not os.path.isfile(path):
        # a device or a pipe (/dev/null, a FIFO): write to it, never rename over it
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".evx-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Writer:
    """Writes record dicts in one format; `close` finishes what the format needs at the end."""

    def __init__(self, out: IO[str], fmt: str):
        self.out = out
        self.fmt = fmt
        self.count = 0
        self.rows: list[dict] = []
        if fmt == "tsv":
            out.write("\t".join(TSV_COLUMNS) + "\n")
        elif fmt == "json":
            out.write("[")

    def write(self, record: dict | str) -> None:
        """One record, as a dict or as its JSON text already encoded."""
        fmt, out = self.fmt, self.out
        if fmt in ("jsonl", "json"):
            text = record if isinstance(record, str) else encode(record)
            out.write(text + "\n" if fmt == "jsonl" else ("," if self.count else "") + "\n  " + text)
            self.count += 1
            return
        if isinstance(record, str):
            record = json.loads(record)
        if fmt == "tsv":
            out.write("\t".join(_clean(v) for v in _flat(record)) + "\n")
        else:
            self.rows.append(record)
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        elif self.fmt == "table":
            self.out.write(render_table(self.rows))


def _flat(record: dict) -> list:
    trigger = record.get("trigger", {}).get("text", "")
    args = "; ".join(f"{role}={span['text']}" for role, spans in record.get("arguments", {}).items()
                     for span in spans)
    return [record["doc"], record["type"], record["rule"], record["sentence"], record["start"],
            record["end"], record["text"], trigger, args]


def _clean(value) -> str:
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def render_table(records: list[dict], width: int = 60) -> str:
    """An aligned table, one record a row; long texts are cut with an ellipsis."""
    if not records:
        return "(no records)\n"
    header = ["doc", "type", "trigger", "arguments", "text"]
    rows = []
    for r in records:
        doc, type_, _, _, _, _, text, trigger, args = (_clean(v) for v in _flat(r))
        rows.append([doc, type_, trigger, shorten(args, width), shorten(text, width)])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    line = "  ".join
    out = [line(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           line("-" * w for w in widths)]
    out += [line(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(out) + "\n"


def shorten(text: str, width: int) -> str:
    """The text, cut with an ellipsis when it is longer than `width` characters."""
    return text if len(text) <= width else text[: width - 1] + "…"
