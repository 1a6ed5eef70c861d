"""Input documents: `.txt` files, JSON Lines, CoNLL-U, folders and standard input.

Reading never stops at a bad document: each problem is yielded as an `InputError` naming
the file (and line for JSON Lines) while the documents around it go on.
"""
from __future__ import annotations

import itertools
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from ...errors import InputError
from .conllu import looks_like_conllu, read_conllu
from .items import InputDoc, Item, printable_name, surrogate_at, where
from .jsonl import json_document, parse_json_line, read_jsonl
from .text import text_document

__all__ = ["InputDoc", "InputError", "Item", "read_inputs", "read_stream", "read_jsonl", "read_conllu", "folder_files",
           "count_documents", "where", "parse_json_line", "json_document"]

STDIN = "<stdin>"
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CONLLU_SUFFIXES = (".conllu",)
# how many lines of standard input may come before its first word line for it to be taken as CoNLL-U
SNIFF_LINES = 200


def _read_text(handle: BinaryIO, name: str) -> Iterator[Item]:
    yield text_document(handle.read(), name)


# a file's reader by its suffix; any other file is read as text
READERS: dict[str, Callable[[BinaryIO, str], Iterator[Item]]] = {
    **{suffix: read_jsonl for suffix in JSONL_SUFFIXES},
    **{suffix: read_conllu for suffix in CONLLU_SUFFIXES},
    **{suffix: _read_text for suffix in TEXT_SUFFIXES},
}


def read_inputs(paths: Iterable[str]) -> Iterator[Item]:
    """Every document of every input, in order; `-` (or no path at all) is standard input."""
    paths = list(paths) or ["-"]
    for path in paths:
        if path == "-":
            yield from read_stream(sys.stdin.buffer, STDIN)
            continue
        if surrogate_at(path) is not None:
            yield _undecodable(path)
            continue
        p = Path(path)
        if p.is_dir():
            for f in folder_files(p):
                yield from _read_file(f)
        elif p.exists():
            yield from _read_file(p)
        else:
            yield InputError("no such file or folder", path)


def folder_files(folder: Path) -> list[Path]:
    """The input files below a folder, in path order."""
    return sorted(f for f in folder.rglob("*") if f.suffix.lower() in READERS and f.is_file())


def count_documents(paths: list[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know; None when an input is
    standard input, a pipe or a device, which can be read once only (or never ends)."""
    total = 0
    for path in paths or ["-"]:
        if path == "-":
            return None
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISDIR(mode):
            files = folder_files(Path(path))
        elif stat.S_ISREG(mode):
            files = [Path(path)]
        else:
            return None
        for f in files:
            if f.suffix.lower() in JSONL_SUFFIXES:
                try:
                    with open(f, "rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    total += 1
            elif f.suffix.lower() in CONLLU_SUFFIXES:
                total += _conllu_documents(f)
            else:
                total += 1
    return total


def _conllu_documents(path: Path) -> int:
    """`# newdoc` lines, and one more for words before the first (a guess good enough for the
    progress line: a bad sentence can make it one off)."""
    count, words_first = 0, False
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(b"# newdoc"):
                    count += 1
                elif count == 0 and line[:1].isdigit():
                    words_first = True
    except OSError:
        return 1
    return count + words_first or 1


def _undecodable(name: str) -> InputError:
    return InputError("the file name is not valid UTF-8, so it cannot name the documents it holds; "
                      "file skipped (rename it to read it)", printable_name(name))


def _read_file(path: Path) -> Iterator[Item]:
    name = str(path)
    if surrogate_at(name) is not None:
        yield _undecodable(name)
        return
    reader = READERS.get(path.suffix.lower(), _read_text)
    try:
        with open(path, "rb") as handle:
            yield from reader(handle, name)
    except OSError as err:
        yield InputError(f"cannot read: {err.strerror}", name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Standard input is JSON Lines when its first non-blank line opens an object; CoNLL-U when
    comment lines (`#`) and blank lines lead to a word line of ten tab-separated columns (within
    SNIFF_LINES lines); else one text."""
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if head and head[-1].lstrip()[:1] == b"{":
        yield from read_jsonl(itertools.chain(head, stream), name)
        return
    if head and head[-1][:1] in b"#0123456789":
        for line in stream:
            head.append(line)
            if len(head) >= SNIFF_LINES or (line.strip() and not line.startswith(b"#")):
                break
        if looks_like_conllu(head):
            yield from read_conllu(itertools.chain(head, stream), name)
            return
    yield text_document(b"".join(head) + stream.read(), name)
