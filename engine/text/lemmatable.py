"""The lemmatizer's word -> lemma table as one flat buffer that is looked up in place.

simplemma ships its English table compressed; unpacked it holds some 180,000 pairs, and
building them as Python objects costs every run 0.06 s and every process 25 MB. Here the
pairs sit in an open-addressing hash table in one buffer read whole from the cache
(see `cache.py`): opening it costs a read of a few megabytes, a lookup about a microsecond.

Layout, in the machine's byte order (a cache file is the machine's own): b"EVXL"; the number
1, which reads as 1 only in that order; the slot count S, a power of two; P, the most slots
any key's lookup probes; D, the length of the data; S 32-bit slots, each 0 or the offset of
an entry in the D bytes of data that follow. An entry is its key's length and its value's
length (one byte each), the key and the value (UTF-8). A key sits in slot crc32(key) mod S
or, probing linearly, in one of the P - 1 slots after it.

The file may be damaged or crafted, so reading it cannot hang or crash: the header must
account for the buffer's exact length, P is at most MAX_PROBES (a lookup stops after P slots
even in a table whose every slot is full), and an entry an offset points past the end of, or
whose bytes are not UTF-8, is not found.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Mapping
from typing import Iterator

MAGIC = b"EVXL"
MAX_PROBES = 64         # a half-full table of 180,000 words needs about 20
_HEADER = struct.Struct("=4sIIII")
_SLOT = array("I").itemsize


def encode(table: Mapping[str, str]) -> bytes:
    """The table's file; ValueError when a word or lemma is longer than 255 bytes."""
    entries = []
    for word, lemma in table.items():
        key, value = word.encode("utf-8"), lemma.encode("utf-8")
        if len(key) > 255 or len(value) > 255:
            raise ValueError(f"an entry too long for the lemma table: {word!r}")
        entries.append((key, value))
    size = 2
    while size < 2 * len(entries):         # half full: a lookup probes 1.5 slots on average
        size <<= 1
    while True:
        encoded = _encoded(entries, size)
        if encoded is not None:
            return encoded
        size <<= 1                         # keys crowd together: spread them over more slots


def _encoded(entries: list[tuple[bytes, bytes]], size: int) -> bytes | None:
    mask = size - 1
    slots = array("I", bytes(_SLOT * size))
    data = bytearray(b"\0")                # offset 0 means an empty slot
    probes = 1
    for key, value in entries:
        slot = zlib.crc32(key) & mask
        probe = 1
        while slots[slot]:
            slot = (slot + 1) & mask
            probe += 1
        if probe > MAX_PROBES:
            return None
        probes = max(probes, probe)
        slots[slot] = len(data)
        data += bytes((len(key), len(value))) + key + value
    return _HEADER.pack(MAGIC, 1, size, probes, len(data)) + slots.tobytes() + bytes(data)


class LemmaTable(Mapping):
    """A table made by `encode`, read from a buffer (bytes, or a view of them). simplemma
    asks it with `get(word)`; `lookup` is the same on UTF-8 bytes."""

    def __init__(self, buffer) -> None:
        try:
            magic, one, size, probes, length = _HEADER.unpack_from(buffer)
        except struct.error:
            raise ValueError("not a lemma table") from None
        end = _HEADER.size + _SLOT * size
        if (magic != MAGIC or one != 1 or not size or size & (size - 1) or not 1 <= probes <= min(MAX_PROBES, size)
                or len(buffer) != end + length or length < 1):
            raise ValueError("not a lemma table")
        self.buffer = buffer
        self.mask = size - 1
        self.probes = probes
        self.slots = memoryview(buffer)[_HEADER.size:end].cast("I")
        self.base = end
        self.last = len(buffer) - 2          # an entry starting past here has no room for its lengths

    def lookup(self, key: bytes) -> bytes | None:
        buffer, slots, mask = self.buffer, self.slots, self.mask
        slot = zlib.crc32(key) & mask
        for _ in range(self.probes):
            offset = slots[slot]
            if not offset:
                return None
            at = self.base + offset
            if at > self.last:
                return None                  # damaged: points past the end
            if buffer[at] == len(key) and buffer[at + 2:at + 2 + len(key)] == key:
                start = at + 2 + len(key)
                value = buffer[start:start + buffer[at + 1]]
                return bytes(value) if len(value) == buffer[at + 1] else None
            slot = (slot + 1) & mask
        return None

    def get(self, word: str, default=None):
        lemma = self.lookup(word.encode("utf-8", "surrogatepass"))
        if lemma is None:
            return default
        try:
            return lemma.decode("utf-8")
        except UnicodeDecodeError:          # damaged: as good as absent
            return default

    def __getitem__(self, word: str) -> str:
        lemma = self.get(word)
        if lemma is None:
            raise KeyError(word)
        return lemma

    def _entries(self) -> Iterator[int]:
        return (self.base + offset for offset in self.slots if offset and self.base + offset <= self.last)

    def __iter__(self) -> Iterator[str]:
        for at in self._entries():
            with_key = bytes(self.buffer[at + 2:at + 2 + self.buffer[at]])
            try:
                yield with_key.decode("utf-8")
            except UnicodeDecodeError:
                continue

    def __len__(self) -> int:
        return sum(1 for _ in self)
