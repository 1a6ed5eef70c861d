"""What readers yield: a document to run, or the error that took its place."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Union

from ...errors import InputError


@dataclass(frozen=True)
class InputDoc:
    id: str
    text: str
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tokens: list | None = None      # provided annotations, see annotate()
    file: str | None = None         # where the document came from, for its errors
    line: int | None = None


Item = Union[InputDoc, InputError]


def where(item: InputDoc) -> tuple[str, int | None]:
    """The file and line an error about this document names: its source when known, else its id."""
    return (item.file, item.line) if item.file is not None else (item.id, None)


def surrogate_at(text: str) -> int | None:
    """Where the first lone surrogate is (JSON can spell one, and a file name that is not
    UTF-8 decodes to some; UTF-8 cannot hold them), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return err.start
    return None


def printable_name(name: str) -> str:
    """A file name as text that can be printed and written: bytes that are not UTF-8 are
    shown as \\xNN escapes."""
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
