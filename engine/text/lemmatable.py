"""The lemmatizer's word -> lemma table as one file that is read in place.

simplemma ships its English table compressed; unpacked it holds some 180,000 pairs, and
building them as Python objects costs every run 0.06 s and every process 25 MB. Here the
pairs sit in an open-addressing hash table in one flat buffer, mapped from the cache (see
`cache.py`): opening it costs nothing, a lookup about a microsecond, and the worker
processes of a parallel run share its pages.

Layout, in the machine's byte order (a cache file is the machine's own): b"EVXL"; the number
1, which reads as 1 only in that order; the slot count S, a power of two; S 32-bit slots,
each 0 or the offset of an entry in the data that follows. An entry is its key's length and
its value's length (one byte each), the key and the value (UTF-8). A key sits in slot
crc32(key) mod S or, probing linearly, in one of the slots after it.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Mapping
from typing import Iterator

MAGIC = b"EVXL"
_HEADER = struct.Struct("=4sII")


def encode(table: Mapping[str, str]) -> bytes:
    """The table's file; ValueError when a word or lemma is longer than 255 bytes."""
    size = 2
    while size < 2 * len(table):          # half full: a lookup probes 1.5 slots on average
        size <<= 1
    mask = size - 1
    slots = array("I", bytes(array("I").itemsize * size))
    data = bytearray(b"\0")                # offset 0 means an empty slot
    for word, lemma in table.items():
        key, value = word.encode("utf-8"), lemma.encode("utf-8")
        if len(key) > 255 or len(value) > 255:
            raise ValueError(f"an entry too long for the lemma table: {word!r}")
        slot = zlib.crc32(key) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = len(data)
        data += bytes((len(key), len(value))) + key + value
    return _HEADER.pack(MAGIC, 1, size) + slots.tobytes() + bytes(data)


class LemmaTable(Mapping):
    """A table made by `encode`, read from any buffer (bytes, or a file mapped in memory).
    simplemma asks it with `get(word)`; `lookup` is the same on UTF-8 bytes."""

    def __init__(self, buffer) -> None:
        try:
            magic, one, size = _HEADER.unpack_from(buffer)
        except struct.error:
            raise ValueError("not a lemma table") from None
        end = _HEADER.size + array("I").itemsize * size
        if magic != MAGIC or one != 1 or not size or size & (size - 1) or len(buffer) < end:
            raise ValueError("not a lemma table")
        self.buffer = buffer
        self.mask = size - 1
        self.slots = memoryview(buffer)[_HEADER.size:end].cast("I")
        self.base = end

    def lookup(self, key: bytes) -> bytes | None:
        buffer, slots, base, mask = self.buffer, self.slots, self.base, self.mask
        slot = zlib.crc32(key) & mask
        while offset := slots[slot]:
            at = base + offset
            if buffer[at] == len(key) and buffer[at + 2:at + 2 + len(key)] == key:
                start = at + 2 + len(key)
                return buffer[start:start + buffer[at + 1]]
            slot = (slot + 1) & mask
        return None

    def get(self, word: str, default=None):
        lemma = self.lookup(word.encode("utf-8"))
        return default if lemma is None else lemma.decode("utf-8")

    def __getitem__(self, word: str) -> str:
        lemma = self.get(word)
        if lemma is None:
            raise KeyError(word)
        return lemma

    def _entries(self) -> Iterator[int]:
        return (self.base + offset for offset in self.slots if offset)

    def __iter__(self) -> Iterator[str]:
        for at in self._entries():
            yield bytes(self.buffer[at + 2:at + 2 + self.buffer[at]]).decode("utf-8")

    def __len__(self) -> int:
        return sum(1 for _ in self._entries())
