"""Input documents: `.txt` files, JSON Lines, folders and standard input.

Reading never stops at a bad document: each problem is yielded as an `InputError` naming
the file (and line for JSON Lines) while the documents around it go on.
"""
from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Union

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class InputDoc:
    id: str
    text: str
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tokens: list | None = None      # provided annotations, see annotate()


@dataclass(frozen=True)
class InputError:
    file: str
    line: int | None
    message: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


Item = Union[InputDoc, InputError]


def read_inputs(paths: Iterable[str]) -> Iterator[Item]:
    """Every document of every input, in order; `-` (or no path at all) is standard input."""
    paths = list(paths) or ["-"]
    for path in paths:
        if path == "-":
            yield from _read_stream(sys.stdin.buffer, "<stdin>")
            continue
        p = Path(path)
        if p.is_dir():
            for f in folder_files(p):
                yield from _read_file(f)
        elif p.exists():
            yield from _read_file(p)
        else:
            yield InputError(path, None, "no such file or folder")


def folder_files(folder: Path) -> list[Path]:
    """The input files below a folder, in path order."""
    return sorted(f for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES)


def count_documents(paths: list[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (files, not stdin)."""
    total = 0
    for path in paths or ["-"]:
        p = Path(path)
        if path == "-" or not p.exists():
            return None
        for f in folder_files(p) if p.is_dir() else [p]:
            if f.suffix.lower() in JSONL_SUFFIXES:
                with open(f, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    return total


def _read_file(path: Path) -> Iterator[Item]:
    name = str(path)
    try:
        with open(path, "rb") as handle:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from read_jsonl(handle, name)
            else:
                yield _text_doc(handle.read(), name)
    except OSError as err:
        yield InputError(name, None, f"cannot read: {err.strerror}")


def _read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Standard input is JSON Lines when its first non-blank line opens an object, else one text."""
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if head and head[-1].lstrip()[:1] == b"{":
        yield from read_jsonl(itertools.chain(head, stream), name)
    else:
        yield _text_doc(b"".join(head) + stream.read(), name)


def _text_doc(data: bytes, name: str) -> Item:
    if b"\x00" in data[:8192]:
        return InputError(name, None, "binary file (it contains NUL bytes), skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return InputError(name, line, f"not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start}")
    return InputDoc(name, text)


def read_jsonl(stream: Iterable[bytes], name: str) -> Iterator[Item]:
    """One document per line: {"id", "text", "date"?, "meta"?, "tokens"?}; blank lines are skipped."""
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            yield InputError(name, number, f"not UTF-8 text: byte 0x{raw[err.start]:02x} at column {err.start + 1}")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(name, number, f"malformed JSON: {err.msg} at column {err.colno}")
            continue
        except RecursionError:
            yield InputError(name, number, "malformed JSON: nested too deeply")
            continue
        except ValueError as err:   # e.g. an integer too long to convert
            yield InputError(name, number, f"malformed JSON: {err}")
            continue
        yield _json_doc(obj, name, number)


def _json_doc(obj: Any, name: str, number: int) -> Item:
    if not isinstance(obj, dict):
        return InputError(name, number, "each line must be a JSON object with 'id' and 'text'")
    text = obj.get("text")
    if not isinstance(text, str):
        return InputError(name, number, "the document has no 'text' string")
    doc_id = obj.get("id")
    if doc_id is None:
        doc_id = f"{name}:{number}"
    elif not isinstance(doc_id, (str, int)):
        return InputError(name, number, "'id' must be a string or a number")
    date = obj.get("date")
    if date is not None and not isinstance(date, str):
        return InputError(name, number, "'date' must be a string such as 2024-01-15")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        return InputError(name, number, "'meta' must be an object")
    tokens = obj.get("tokens")
    if tokens is not None and not isinstance(tokens, list):
        return InputError(name, number, "'tokens' must be a list of {start, end, ...} objects")
    for key, value in (("id", str(doc_id)), ("text", text), ("date", date or "")):
        bad = _surrogate(value)
        if bad is not None:
            return InputError(name, number, f"'{key}' holds a lone surrogate (\\u{ord(value[bad]):04x} at "
                                            f"character {bad}), which is not Unicode text")
    return InputDoc(str(doc_id), text, date, meta, tokens)


def _surrogate(text: str) -> int | None:
    """Where the first lone surrogate is (JSON can spell one; UTF-8 cannot hold it), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return err.start
    return None

