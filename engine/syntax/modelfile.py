"""Model files: numpy arrays and a JSON header in one `.npz`, read without pickle.

A model shipped in the package or given by a user is data, never code: arrays are loaded
with `allow_pickle=False`, only numeric dtypes are accepted, and the header must name the
model's kind and the format version this code reads. The header also carries where the
model came from (treebank, licence) and the evx version that trained it.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

FORMAT = "evx-model"
FORMAT_VERSION = 1
_HEADER = "__header__"
# Kinds of array a model may hold: numbers only, so that nothing decodes into objects.
_DTYPE_KINDS = frozenset("biuf")
_MAX_MEMBER_BYTES = 512 << 20


def encode_strings(strings: list[str]) -> np.ndarray:
    """A list of strings (none containing a newline) as one uint8 array."""
    if any("\n" in s for s in strings):
        raise ValueError("strings stored in a model may not contain a newline")
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8).copy()


def decode_strings(array: np.ndarray) -> list[str]:
    """The inverse of `encode_strings`."""
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def save_model(path: str | Path, kind: str, arrays: dict[str, np.ndarray], header: dict[str, Any]) -> None:
    """Write `arrays` and a header (JSON-serialisable) to `path`, compressed."""
    for name, array in arrays.items():
        if name == _HEADER or array.dtype.kind not in _DTYPE_KINDS:
            raise ValueError(f"array {name!r}: a model holds numeric arrays only, got {array.dtype}")
    full = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": kind, **header}
    blob = np.frombuffer(json.dumps(full, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(Path(path), **{_HEADER: blob}, **arrays)


def load_model(path: str | Path, kind: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a model file of `kind`; ModelError if it is anything else."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.file_size > _MAX_MEMBER_BYTES:
                    raise ModelError(f"{path}: member {info.filename} is too large ({info.file_size} bytes)")
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        for name, array in arrays.items():
            if not isinstance(array, np.ndarray):    # np.load gives a member not in .npy form as bytes
                raise ModelError(f"{path}: member {name} is not a numpy array")
    except ModelError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{path}: not a readable model file ({exc})") from None
    blob = arrays.pop(_HEADER, None)
    if blob is None:
        raise ModelError(f"{path}: no header; not an evx model file")
    try:
        header = json.loads(blob.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: damaged header ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelError(f"{path}: not an evx model file")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{path}: model format {header.get('format_version')!r}; this evx reads {FORMAT_VERSION}")
    if header.get("kind") != kind:
        raise ModelError(f"{path}: a {header.get('kind')!r} model, not a {kind!r} model")
    for name, array in arrays.items():
        if array.dtype.kind not in _DTYPE_KINDS:
            raise ModelError(f"{path}: array {name!r} has dtype {array.dtype}; models hold numbers only")
    return header, arrays
