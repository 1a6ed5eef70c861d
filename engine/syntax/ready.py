"""A model's arrays in the form it runs on, kept in the compile cache between runs.

A shipped model is stored small: compressed, and its tables in the form they are trained
in. The parser runs on tables made from those when it first parses (its move rows packed
into 64-bit lanes, its relation rows padded to 64 bytes, a map from hash bucket to row):
making them costs 0.1 to 0.2 s, which every process that parses paid again. Here they are
made once per model file and kept, uncompressed, in the cache (`cache.py`): a later start
reads them and checks their shapes only.

An entry is keyed by a digest of the model file's bytes, so a retrained or replaced model
never meets the tables of another. Its layout: a JSON line listing each array's name,
dtype, shape and offset, then the arrays' bytes, each at an offset that is a multiple of
64. Only numeric dtypes are read (no objects, nothing that unpickles), every array must lie
inside the entry, and anything else that is wrong makes the entry no entry: the tables are
made from the model file again.

The tagger keeps no such entry: its dense tables take as long to read from the cache as
to make from the model file.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np

from .. import cache
from .modelfile import ModelError

_ALIGN = 64
_DTYPE_KINDS = frozenset("biuf")
_MAX_HEADER = 1 << 16

Model = TypeVar("Model")


def encode(arrays: dict[str, np.ndarray]) -> list[bytes | memoryview]:
    """`arrays` (numeric, any shape) as one entry's bytes, in pieces to be written one after
    another: the header, then each array (as a view of it) and the padding after it."""
    listed, offset = [], 0
    for name, array in arrays.items():
        if array.dtype.kind not in _DTYPE_KINDS:
            raise ValueError(f"array {name!r}: numeric arrays only, got {array.dtype}")
        listed.append([name, array.dtype.str, list(array.shape), offset])
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    head = json.dumps({"arrays": listed}).encode("utf-8") + b"\n"
    parts: list[bytes | memoryview] = [head + bytes(-len(head) % _ALIGN)]
    for array in arrays.values():
        data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        parts += [memoryview(data), bytes(-len(data) % _ALIGN)]
    return parts


def decode(payload: memoryview | bytes) -> dict[str, np.ndarray] | None:
    """The arrays of an entry, as views of `payload`; None when it is not an entry of ours."""
    view = memoryview(payload)
    newline = bytes(view[:_MAX_HEADER]).find(b"\n")
    if newline < 0:
        return None
    try:
        listed = json.loads(bytes(view[:newline]))["arrays"]
        start = -(-(newline + 1) // _ALIGN) * _ALIGN
        out = {}
        for name, dtype, shape, at in listed:
            kind = np.dtype(dtype)
            if (type(name) is not str or kind.kind not in _DTYPE_KINDS or kind.hasobject
                    or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape)
                    or type(at) is not int or at < 0 or at % _ALIGN):
                return None
            count = math.prod(shape)
            if start + at + count * kind.itemsize > len(view):
                return None
            out[name] = np.frombuffer(view, kind, count, start + at).reshape(shape)
        return out
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, OverflowError):
        return None


def load(model: Path, kind: str, make: Callable[[], tuple[dict[str, np.ndarray], Model]],
         build: Callable[[dict[str, np.ndarray]], Model]) -> Model:
    """The model built (`build`) from the ready arrays kept for this model file, if the cache
    has them and `build` accepts them; else the model `make` makes from the file, with its
    ready arrays, which are then kept. `build` raises ModelError for arrays that do not fit
    together."""
    key = _key(model, kind)
    kept = cache.load_ready_arrays(key) if key is not None else None
    arrays = decode(kept) if kept is not None else None
    if arrays is not None:
        try:
            return build(arrays)
        except ModelError:
            pass            # not what this code makes: made again below
    arrays, model_object = make()
    if key is not None:
        cache.store_ready_arrays(key, encode(arrays))
    return model_object


def _key(model: Path, kind: str) -> str | None:
    """The entry's name: the model's kind and a digest of its file; None without a cache, or
    if the file cannot be read (the model's own loader then says why)."""
    if cache.cache_dir() is None:
        return None
    try:
        data = Path(model).read_bytes()
    except OSError:
        return None
    return f"{kind}-{cache.digest(data)[:20]}"
