"""The compile cache: compiled rule sets, parsed patterns, built lexicons, the lemma table, the
pattern parser's grammar tables and the dependency parser's ready arrays, kept on disk
between runs.

It lives in `$EVX_CACHE_DIR`, else `$XDG_CACHE_HOME/evx`, else `~/.cache/evx`; setting
`EVX_CACHE=off` turns it off. Nothing in it can go stale:

* a compiled rule set is kept per request (the rule paths as given, the files they list,
  the working folder and the options) together with the digest of every file the loader
  read for it (rule files, imports, taxonomy and lexicon files); it is used only while all
  of them are unchanged, and rule files with errors are never kept;
* a rule file's parsed patterns are keyed by the file's text and the variables it was given,
  a lexicon by a digest of its phrases, the lemma table by the lemmatizer's version, the
  grammar tables by Lark's version, a model's ready arrays by a digest of the model file;
* every file name carries evx's version and a digest of its grammar and code, so an
  upgrade or any change to evx starts a fresh cache.

Nothing read from it can run code: entries are plain data (JSON decoded through the fixed
registry of `plaindata.py`, the lemma table's flat format, numeric arrays), each headed by
its kind, the code stamp, its length and its CRC-32. An entry that cannot be opened as a regular file of
ours, is larger than MAX_ENTRY, or fails any check is no entry: it is made again. A folder
that another user owns or can write to is not used at all (one warning says so). Files are
written whole to a fresh temporary name in the folder and renamed over the entry, so
parallel runs never read a torn file and a link planted at an entry's name is replaced, not
written through. Delete the folder to reclaim the space.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import typing
import zlib
from functools import lru_cache
from itertools import chain
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import plaindata
from .collector import collector_paused

FORMAT = b"evx-cache-1"
MAX_ENTRY = 256 << 20           # bytes: past that a file at an entry's name is not read
_OFF = ("0", "off", "no", "false")
_warned: set[str] = set()


# -- the folder -----------------------------------------------------------------------------------

def cache_dir() -> Path | None:
    """The cache folder, made if need be; None when the cache is off or the folder is unsafe."""
    if os.environ.get("EVX_CACHE", "").lower() in _OFF:
        return None
    if os.environ.get("EVX_CACHE_DIR"):
        folder = Path(os.environ["EVX_CACHE_DIR"])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "evx"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None                 # cannot be made or read: run without a cache
    problem = unsafe(info)
    if problem is not None:
        if str(folder) not in _warned:
            _warned.add(str(folder))
            print(f"evx: warning: the cache folder {folder} {problem}, so anyone could plant "
                  f"entries in it; running without the compile cache "
                  f"(use a private folder: chmod go-w, or set EVX_CACHE_DIR)", file=sys.stderr)
        return None
    return folder


def unsafe(info: os.stat_result) -> str | None:
    """Why a folder with this status is not safe to keep entries in, or None.

    Another user's folder, or one that group or others may write to, lets them plant an
    entry. A sticky folder (like /tmp) only lets them add files, never replace ours, and every
    entry is checked to be our own file when it is read; so a sticky folder of ours is safe."""
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
        return f"is writable by other users (mode {stat.S_IMODE(info.st_mode):o})"
    return None


@lru_cache(maxsize=1)
def _stamp() -> str:
    """evx's version and a digest of its grammar and code: any change starts a fresh cache."""
    from . import __version__
    grammar = resources.files("evx.grammar").joinpath("evx.lark").read_bytes()
    return f"{__version__}-{digest(grammar + code_digest(Path(__file__).parent).encode())[:12]}"


def code_digest(package: Path) -> str:
    """A digest of every module under `package`, each counted with its path inside it, so
    that a moved or renamed module changes it too."""
    code = hashlib.sha1()
    for module in sorted(package.rglob("*.py")):
        name = module.relative_to(package).as_posix().encode("utf-8", "surrogateescape")
        data = module.read_bytes()
        code.update(b"%d:%s%d:" % (len(name), name, len(data)))
        code.update(data)
    return code.hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _entry(kind: str, key: str, suffix: str = "json") -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"{kind}-{_stamp()}-{key}.{suffix}"


# -- entries as bytes -----------------------------------------------------------------------------

def read_entry(path: Path | None, kind: str) -> memoryview | None:
    """The payload kept at `path` for `kind` (a view of the file read whole), or None when
    there is none to trust."""
    if path is None:
        return None
    data = _read_file(path)
    if data is None:
        return None
    newline = data.find(b"\n", 0, 256)
    parts = bytes(data[:newline]).split(b" ") if newline > 0 else []
    payload = memoryview(data)[newline + 1:]
    if (len(parts) != 5 or parts[0] != FORMAT or parts[1] != kind.encode() or parts[2] != _stamp().encode()
            or parts[3] != str(len(payload)).encode() or parts[4] != b"%08x" % zlib.crc32(payload)):
        return None
    return payload


def _read_file(path: Path) -> bytearray | None:
    """The whole file when it is a regular file of ours of at most MAX_ENTRY bytes.

    Opened without following a link and without blocking (a FIFO planted at the name opens
    at once and is refused); checked on the open descriptor, so nothing can swap it between
    the check and the read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
            return None
        data = bytearray(info.st_size)
        view, done = memoryview(data), 0
        while done < len(data):
            n = os.readv(fd, [view[done:]])
            if n == 0:
                return None             # shorter than it was a moment ago
            done += n
        return data
    except OSError:
        return None
    finally:
        os.close(fd)


def write_entry(path: Path | None, kind: str, payload: bytes | Sequence) -> None:
    """Keep `payload` at `path`: written to a fresh file in the same folder, then renamed over
    the name (a link there is replaced, never followed). A full disk or a read-only folder
    only means no entry. `payload` may be a sequence of buffers written one after another
    (a large entry is then never copied whole)."""
    parts = [payload] if isinstance(payload, (bytes, bytearray, memoryview)) else list(payload)
    size = sum(memoryview(part).nbytes for part in parts)
    if path is None or size > MAX_ENTRY - 200:
        return
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    head = b" ".join((FORMAT, kind.encode(), _stamp().encode(), str(size).encode(), b"%08x" % crc))
    import tempfile     # only a run that writes the cache needs it (and what it imports)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")     # O_EXCL, mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(head + b"\n")
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# -- entries as evx objects -----------------------------------------------------------------------

def load(path: Path | None, kind: str, expected: type | Callable[[object], bool],
         checks: dict | None = None) -> object | None:
    """The object kept at `path`, decoded as plain data, or None. `expected` is the class
    the object must be (or a test it must pass)."""
    payload = read_entry(path, kind)
    if payload is None:
        return None
    try:
        with collector_paused():
            value = plaindata.from_plain(json.loads(bytes(payload)), _predicate_compiler(), {**_checks(), **(checks or {})},
                                         _raw())
    except Exception:   # noqa: BLE001 - malformed in any way (a bad regex, a deep nest): no entry
        return None
    ok = isinstance(value, expected) if isinstance(expected, type) else expected(value)
    return value if ok else None




def store(path: Path | None, kind: str, value: object) -> None:
    if path is None:
        return
    try:
        plain = plaindata.to_plain(value, _rebuildable, _raw())
    except (plaindata.Unencodable, RecursionError):
        return                      # something plain data cannot keep: not cached
    write_entry(path, kind, json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# Token instructions keep their predicate, a closure, beside the constraint it was compiled
# from and the taxonomy it was compiled against: the predicate is not kept, but compiled
# again from those two when the entry is read, once per distinct constraint.

@lru_cache(maxsize=1)
def _constraint_classes() -> frozenset[type]:
    from .pattern import nodes
    return frozenset(typing.get_args(nodes.Constraint))


def _compiled_from(items: tuple):
    """The (constraint, taxonomy) among an instruction's items, or None."""
    from .rulefile.taxonomy import Taxonomy
    kinds = _constraint_classes()
    constraints = [x for x in items if type(x) in kinds]
    taxonomies = [x for x in items if type(x) is Taxonomy]
    if len(constraints) != 1 or len(taxonomies) > 1:
        return None
    return constraints[0], (taxonomies[0] if taxonomies else Taxonomy())


def _rebuildable(items: tuple) -> bool:
    """Whether an instruction's one function can be compiled again from its other items."""
    functions = [x for x in items if callable(x) and not isinstance(x, type)]
    return len(functions) == 1 and _compiled_from(items) is not None


def _predicate_compiler() -> Callable[[tuple], tuple]:
    """What `plaindata.from_plain` calls for an instruction kept without its predicate:
    it compiles the predicate once per distinct constraint of the entry. Constraints equal
    in value (the same test written at another place: nodes compare without their offsets)
    share one predicate, as a freshly compiled rule set's instructions could."""
    from .pattern.compiler import compile_constraint
    from .rulefile.taxonomy import Taxonomy
    kinds = _constraint_classes()
    by_object: dict = {}        # (id(constraint), id(taxonomy)) -> (predicate, constraint, taxonomy)
    by_value: dict = {}         # (constraint, id(taxonomy)) -> predicate
    no_labels = Taxonomy()

    def rebuild(items: tuple) -> tuple:
        constraint = taxonomy = None
        functions = 0
        for x in items:
            kind = type(x)
            if kind in kinds:
                if constraint is not None:
                    raise plaindata.Malformed("an instruction with two constraints")
                constraint = x
            elif kind is Taxonomy:
                if taxonomy is not None:
                    raise plaindata.Malformed("an instruction with two taxonomies")
                taxonomy = x
            elif x is plaindata.FUNCTION:
                functions += 1
        if constraint is None or functions != 1:
            raise plaindata.Malformed("an instruction whose function cannot be compiled again")
        if taxonomy is None:
            taxonomy = no_labels
        known = by_object.get((id(constraint), id(taxonomy)))
        if known is None:
            test = by_value.get((constraint, id(taxonomy)))
            if test is None:
                errors: list = []
                test = by_value[constraint, id(taxonomy)] = compile_constraint(constraint, taxonomy, errors)
                if errors:
                    raise plaindata.Malformed("a constraint that does not compile against its taxonomy")
            # the objects are kept with their predicate, so that their ids mean them meanwhile
            known = by_object[id(constraint), id(taxonomy)] = (test, constraint, taxonomy)
        test = known[0]
        filled = [test if x is plaindata.FUNCTION else x for x in items]
        return tuple(filled) if type(items) is tuple else type(items)._make(filled)
    return rebuild


def _valid_trie(trie) -> bool:
    """A lexicon's trie: dicts keyed by words, "" marking a phrase's end with True.

    The trie comes straight from JSON, whose keys are always strings, so only the values
    need a look; they are checked a level at a time, most of the work in C."""
    if type(trie) is not dict:
        return False
    level = [trie]
    while level:            # a level of dicts: the counts below let only dicts through
        ends = [node[""] for node in level if "" in node]
        below = list(chain.from_iterable(map(dict.values, level)))
        kinds = list(map(type, below))
        # every value is a dict, but for as many bools as there are "" keys, each of those True
        if kinds.count(dict) + len(ends) != len(below) or kinds.count(bool) != len(ends) \
                or not all(end is True for end in ends):
            return False
        level = [node for node in below if node is not True] if ends else below
    return True


@lru_cache(maxsize=1)
def _raw() -> dict:
    """A lexicon's trie is kept as the JSON it is: `_valid_trie` checks all of it."""
    from .pattern.lexicon import Lexicon
    return {Lexicon: frozenset({"trie"})}


@lru_cache(maxsize=1)
def _checks() -> dict:
    from .pattern.lexicon import Lexicon
    return {Lexicon: lambda lexicon: _valid_trie(lexicon.trie) and lexicon.size >= 0}


# -- the kinds of entry ---------------------------------------------------------------------------

def _key(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"))[:20]


def load_rule_set(request: object):
    """The compiled rule set (a `Loaded`) kept for one request (the paths as given, what
    they list, the working folder, the options), or None. It names the files it was made
    from, with their digests: `unchanged` tells whether it still stands."""
    from .rulefile.model import Loaded
    return load(_entry("ruleset", _key(repr(request))), "ruleset", Loaded)


def store_rule_set(request: object, loaded) -> None:
    store(_entry("ruleset", _key(repr(request))), "ruleset", loaded)


def unchanged(files: Iterable[tuple[str, str]]) -> bool:
    """Whether every (path, digest) still names a file with that content."""
    try:
        return all(digest(Path(path).read_bytes()) == known for path, known in files)
    except (OSError, TypeError, ValueError):
        return False


def _lexicon_entry(phrases: list[str]) -> Path | None:
    return _entry("lexicon", _key("\n".join(phrases)))


def load_lexicon(phrases: list[str]):
    """The lexicon built before from exactly these phrases, or None."""
    from .pattern.lexicon import Lexicon
    return load(_lexicon_entry(phrases), "lexicon", Lexicon)


def store_lexicon(phrases: list[str], lexicon) -> None:
    store(_lexicon_entry(phrases), "lexicon", lexicon)


def _patterns(value) -> bool:
    from .pattern import nodes
    from .pattern.paths import GraphPattern
    kinds = (*typing.get_args(nodes.Pattern), GraphPattern)
    return isinstance(value, dict) and all(
        type(k) is tuple and len(k) == 2 and type(k[0]) is str and type(k[1]) is str and isinstance(v, kinds)
        for k, v in value.items())


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
        name = f"patterns-{_stamp()}-{_key(repr((text, frozen_vars)))}.json"
        self.names[memo] = name
        self.texts.append(text)     # keeps id(text) meaning this text while the cache lives
        if name not in self.files:
            stored = load(self.folder / name, "patterns", _patterns) if self.folder is not None else None
            self.files[name] = stored if stored is not None else {}
        return PatternScope(self, name)

    def save(self) -> None:
        if self.folder is None:
            return
        for name in self.dirty:
            store(self.folder / name, "patterns", self.files[name])
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


def _lemma_entry(lang: str, lemmatizer_version: str) -> Path | None:
    return _entry("lemmas", f"{lang}-{lemmatizer_version}", "table")


def load_lemma_table(lang: str, lemmatizer_version: str) -> memoryview | None:
    """The bytes of a lemmatizer's word -> lemma table for one language (`lemmatable.py`),
    read whole rather than mapped: a mapped file that someone truncates kills the process
    with SIGBUS at the next lookup past its new end."""
    return read_entry(_lemma_entry(lang, lemmatizer_version), "lemmas")


def store_lemma_table(lang: str, lemmatizer_version: str, table: bytes) -> None:
    write_entry(_lemma_entry(lang, lemmatizer_version), "lemmas", table)


def load_ready_arrays(key: str) -> memoryview | None:
    """The bytes of a model's ready arrays (`syntax/ready.py`) kept under `key`, read whole
    for the reason the lemma table is."""
    return read_entry(_entry("arrays", key, "arrays"), "arrays")


def store_ready_arrays(key: str, payload: Sequence) -> None:
    write_entry(_entry("arrays", key, "arrays"), "arrays", payload)


def load_grammar_tables(key: str):
    """Plain data kept by `store_grammar_tables` under `key` (the parser's tables), or None."""
    payload = read_entry(_entry("grammar", key), "grammar")
    if payload is None:
        return None
    try:
        return plaindata.from_plain(json.loads(bytes(payload)))
    except Exception:   # noqa: BLE001 - malformed in any way: no entry
        return None


def store_grammar_tables(key: str, tables: object) -> None:
    try:
        plain = plaindata.to_plain(tables)
    except (plaindata.Unencodable, RecursionError):
        return
    write_entry(_entry("grammar", key), "grammar", json.dumps(plain, separators=(",", ":")).encode("utf-8"))
