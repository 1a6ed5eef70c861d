"""A text file (or text on standard input) is one document: UTF-8, a byte-order mark dropped."""
from __future__ import annotations

from ...errors import InputError
from .items import InputDoc, Item


def text_document(data: bytes, name: str) -> Item:
    if b"\x00" in data[:8192]:
        return InputError("binary file (it contains NUL bytes), skipped", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return InputError(f"not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start}", name, line)
    return InputDoc(name, text, file=name)
