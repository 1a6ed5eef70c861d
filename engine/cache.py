"""The compile cache: parsed patterns and built lexicons kept on disk between runs.

It lives in `$EVX_CACHE_DIR`, else `$XDG_CACHE_HOME/evx`, else `~/.cache/evx`; setting
`EVX_CACHE=off` turns it off. Entries are keyed by content, so nothing is ever stale:
a rule file's parsed patterns by the file's text and the variables it was given, a
lexicon by a hash of its phrases. Delete the folder to reclaim the space. The file names carry evx's version and a hash of the grammar and of the code
that builds what is cached, so an upgrade starts a fresh cache. Files are written whole to a temporary name and renamed, so
parallel runs never read a torn file; a file that cannot be read is ignored.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path


def cache_dir() -> Path | None:
    if os.environ.get("EVX_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    if os.environ.get("EVX_CACHE_DIR"):
        return Path(os.environ["EVX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evx"


# the modules whose code shapes what is cached: any change to them starts a fresh cache
_SHAPERS = ("parser.py", "nodes.py", "lexicon.py", "annotate.py")


@lru_cache(maxsize=1)
def _stamp() -> str:
    from . import __version__
    digest = hashlib.sha1(resources.files("evx.grammar").joinpath("evx.lark").read_bytes())
    for name in _SHAPERS:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


def _read(path: Path):
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:       # a missing, old or damaged cache file is no cache
        return None


def _write(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
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
    digest = hashlib.sha1("\n".join(phrases).encode("utf-8")).hexdigest()
    return folder / f"lexicon-{_stamp()}-{digest[:20]}.pickle"


def load(path: Path | None):
    return _read(path) if path is not None else None


def store(path: Path | None, value) -> None:
    if path is not None:
        _write(path, value)
