"""The compile cache: compiled rule sets, parsed patterns, built lexicons and the lemma table,
kept on disk between runs.

It lives in `$EVX_CACHE_DIR`, else `$XDG_CACHE_HOME/evx`, else `~/.cache/evx`; setting
`EVX_CACHE=off` turns it off. Nothing in it can go stale:

* a compiled rule set is kept per request (the rule paths as given, the files they list,
  the working folder and the options) together with the digest of every file the loader
  read for it (rule files, imports, taxonomy and lexicon files); it is used only while all
  of them are unchanged, and rule files with errors are never kept;
* a rule file's parsed patterns are keyed by the file's text and the variables it was given,
  a lexicon by a digest of its phrases, the lemma table by the lemmatizer's version;
* every file name carries evx's version and a digest of its grammar and code, so an
  upgrade or any change to evx starts a fresh cache.

Files are written whole to a temporary name and renamed, so parallel runs never read a torn
file; a file that cannot be read is ignored. Delete the folder to reclaim the space.
"""
from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable


def cache_dir() -> Path | None:
    if os.environ.get("EVX_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    if os.environ.get("EVX_CACHE_DIR"):
        return Path(os.environ["EVX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evx"


@lru_cache(maxsize=1)
def _stamp() -> str:
    """evx's version and a digest of its grammar and code: any change starts a fresh cache."""
    from . import __version__
    code = hashlib.sha1(resources.files("evx.grammar").joinpath("evx.lark").read_bytes())
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        code.update(module.read_bytes())
    return f"{__version__}-{code.hexdigest()[:12]}"


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _read(path: Path, codec=pickle):
    try:
        with open(path, "rb") as handle:
            return codec.loads(handle.read())
    except Exception:       # a missing, old or damaged cache file is no cache
        return None


def _write(path: Path, value, codec=pickle) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(codec.dumps(value))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


class PatternCache:
    """(pattern as written, pattern after variables) -> AST, kept in one small file per rule
    file (its text and the variables it was given), so that a run reads only what it uses."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.files: dict[str, dict] = {}
        self.dirty: set[str] = set()
        self.names: dict[tuple[int, str], str] = {}
        self.texts: list[str] = []

    def scope(self, text: str, variables: dict) -> "PatternScope":
        frozen_vars = repr(sorted(variables.items(), key=lambda kv: kv[0]))
        memo = (id(text), frozen_vars)
        if memo in self.names:
            return PatternScope(self, self.names[memo])
        key = hashlib.sha1(repr((text, frozen_vars)).encode("utf-8"))
        name = f"patterns-{_stamp()}-{key.hexdigest()[:20]}.pickle"
        self.names[memo] = name
        self.texts.append(text)     # keeps id(text) meaning this text while the cache lives
        if name not in self.files:
            stored = _read(self.folder / name) if self.folder is not None else None
            self.files[name] = stored if isinstance(stored, dict) else {}
        return PatternScope(self, name)

    def save(self) -> None:
        if self.folder is None:
            return
        for name in self.dirty:
            _write(self.folder / name, self.files[name])
        self.dirty.clear()


class PatternScope:
    """The part of the cache that one rule file's patterns use: a mapping for `parser.parse`."""

    def __init__(self, cache: PatternCache, name: str):
        self.cache, self.name = cache, name
        self.entries = cache.files[name]

    def __contains__(self, key) -> bool:
        return key in self.entries

    def __getitem__(self, key):
        return self.entries[key]

    def __setitem__(self, key, value) -> None:
        self.entries[key] = value
        self.cache.dirty.add(self.name)


def lexicon_path(folder: Path | None, phrases: list[str]) -> Path | None:
    if folder is None:
        return None
    return folder / f"lexicon-{_stamp()}-{digest(chr(10).join(phrases).encode('utf-8'))[:20]}.pickle"


def ruleset_path(request: object) -> Path | None:
    """Where the compiled rule set for one request (the paths as given, what they list, the
    working folder, the options) is kept. The entry names the files it was made from, with
    their digests; `unchanged` tells whether it still stands."""
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"ruleset-{_stamp()}-{digest(repr(request).encode('utf-8'))[:20]}.pickle"


def unchanged(files: Iterable[tuple[str, str]]) -> bool:
    """Whether every (path, digest) still names a file with that content."""
    try:
        return all(digest(Path(path).read_bytes()) == known for path, known in files)
    except OSError:
        return False


def lemma_table_path(lang: str, lemmatizer_version: str) -> Path | None:
    """Where a lemmatizer's word -> lemma table for one language is kept (`lemmatable.py`)."""
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"lemmas-{_stamp()}-{lang}-{lemmatizer_version}.table"


def mapped(path: Path | None) -> mmap.mmap | None:
    """The file at `path` mapped read-only in memory (what `store` kept with codec=RAW), or None."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):        # missing, unreadable or empty
        return None


class RAW:
    """The codec of bytes kept as they are."""
    dumps = loads = staticmethod(bytes)


def lark_path() -> Path | None:
    """Where Lark keeps its analysis of evx's grammar (Lark writes and checks it itself)."""
    folder = cache_dir()
    if folder is None:
        return None
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"grammar-{_stamp()}.lark-cache"
    return None


def load(path: Path | None, codec=pickle):
    """What `store` kept at `path` (pickled, or with another codec such as RAW), or None."""
    return _read(path, codec) if path is not None else None


def store(path: Path | None, value, codec=pickle) -> None:
    if path is not None:
        _write(path, value, codec)
