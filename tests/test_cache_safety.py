"""The compile cache cannot be made to run code, hang or crash: every entry is plain data, a
planted, damaged or outsized file is no entry, an unsafe folder is not used, and a link at an
entry's name is never written through."""
from __future__ import annotations

import importlib
import json
import os
import pickle
import pkgutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import evx
from evx import cache, plaindata
from evx.pattern import nodes
from evx.text.lemmatable import MAX_PROBES, LemmaTable, encode

RULES = """
rules:
  - name: places
    label: Place
    type: lexicon
    lexicon: places.txt
  - name: r
    label: R
    priority: 2
    pattern: '@Place [lower=${w}] (?<x> [lemma=/^(spend|visit)$/])'
vars:
  w: in
"""
KINDS = ("ruleset", "patterns", "lexicon", "grammar", "lemmas")
TEXT = "We met New York in spending."


@pytest.fixture
def rules(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "places.txt").write_text("\n".join(f"Place{i}" for i in range(300)) + "\nNew York\n", encoding="utf-8")
    (folder / "main.yml").write_text(RULES, encoding="utf-8")
    return folder


def _run(rules: Path, cache_dir: Path, text: str = TEXT) -> subprocess.CompletedProcess:
    """Load the rules and match `text` in a fresh process, which reads every kind of entry."""
    env = {**os.environ, "EVX_CACHE": "on", "EVX_CACHE_DIR": str(cache_dir)}
    code = (f"import evx, json; rules = evx.load_rules({str(rules)!r}); "
            f"print(json.dumps([r.to_dict() for r in rules.extract({text!r}, mentions=True)]))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def _entries(folder: Path) -> dict[str, list[Path]]:
    found = {kind: sorted(folder.glob(f"{kind}-*")) for kind in KINDS}
    assert all(found.values()), {k: [p.name for p in v] for k, v in found.items()}
    return found


class _WritesAFile:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_at_every_entry_name_runs_nothing_and_is_made_again(rules, tmp_path):
    folder = tmp_path / "cache"
    first = _run(rules, folder)
    assert first.returncode == 0, first.stderr
    marker = tmp_path / "planted-code-ran"
    hostile = pickle.dumps(_WritesAFile(str(marker)))
    entries = _entries(folder)
    for paths in entries.values():
        for path in paths:
            # as a bare pickle, and behind a header that is right in every other way
            kind = path.name.split("-", 1)[0]
            head = b" ".join((cache.FORMAT, kind.encode(), cache._stamp().encode(), str(len(hostile)).encode(),
                              b"%08x" % zlib.crc32(hostile)))
            path.write_bytes(hostile if kind in ("ruleset", "lexicon") else head + b"\n" + hostile)
    again = _run(rules, folder)
    assert again.returncode == 0, again.stderr
    assert not marker.exists()
    assert json.loads(again.stdout) == json.loads(first.stdout) != []
    for paths in entries.values():
        for path in paths:
            assert path.read_bytes().startswith(cache.FORMAT + b" ")      # made again, as plain data


def test_an_entry_naming_a_class_outside_the_registry_is_no_entry(rules):
    first = _records(rules)
    [entry] = (Path(os.environ["EVX_CACHE_DIR"])).glob("ruleset-*")
    payload = json.dumps({"classes": [["builtins.eval", []]], "objects": [["c", 0]], "root": ["@", 0]}).encode()
    cache.write_entry(entry, "ruleset", payload)
    assert cache.load_rule_set(("anything",)) is None
    assert _records(rules) == first
    assert b"builtins.eval" not in entry.read_bytes()


def _records(folder: Path, text: str = TEXT) -> list:
    return [r.to_dict() for r in evx.load_rules(folder).extract(text, mentions=True)]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "oversized", "a folder", "a fifo", "bit flip"])
def test_a_damaged_entry_of_each_kind_is_made_again(rules, tmp_path, damage):
    folder = tmp_path / "cache"
    first = _run(rules, folder)
    assert first.returncode == 0, first.stderr
    entries = _entries(folder)
    for paths in entries.values():
        for path in paths:
            data = path.read_bytes()
            path.unlink()
            if damage == "truncated":
                path.write_bytes(data[: len(data) * 2 // 3])
            elif damage == "garbage":
                path.write_bytes(os.urandom(len(data)))
            elif damage == "empty":
                path.write_bytes(b"")
            elif damage == "oversized":        # sparse: never read, whatever it holds
                with open(path, "wb") as handle:
                    handle.truncate(cache.MAX_ENTRY + 1)
            elif damage == "a folder":
                path.mkdir()
            elif damage == "a fifo":
                os.mkfifo(path)
            else:
                middle = len(data) // 2
                path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:])
    again = _run(rules, folder)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    if damage not in ("a folder", "a fifo"):       # those are not replaced, only passed over
        for paths in entries.values():
            for path in paths:
                assert path.is_file() and path.stat().st_size < cache.MAX_ENTRY
                assert cache.read_entry(path, path.name.split("-", 1)[0]) is not None


def test_a_symlink_at_an_entry_name_is_not_written_through(rules, tmp_path):
    folder = tmp_path / "cache"
    assert _run(rules, folder).returncode == 0
    entries = _entries(folder)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    for paths in entries.values():
        for path in paths:
            path.unlink()
            path.symlink_to(outside)
    again = _run(rules, folder)
    assert again.returncode == 0, again.stderr
    assert outside.read_text(encoding="utf-8") == "keep me"
    for paths in entries.values():
        for path in paths:
            assert not path.is_symlink() and path.read_bytes().startswith(cache.FORMAT)


def test_a_folder_others_can_write_to_is_refused_with_one_warning(rules, tmp_path, capsys):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    cache._warned.clear()
    first = _records(rules)
    assert cache.cache_dir() is None and cache.cache_dir() is None
    err = capsys.readouterr().err
    assert err.count("warning") == 1
    assert f"the cache folder {folder} is writable by other users (mode 777)" in err
    assert list(folder.iterdir()) == []                # nothing written: the cache is off
    assert _records(rules) == first
    folder.chmod(0o770)
    assert cache.cache_dir() is None                   # group-writable: refused too


def test_a_world_writable_folder_warns_once_in_a_fresh_process(rules, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    out = _run(rules, folder)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("evx: warning: the cache folder") == 1
    assert json.loads(out.stdout) != [] and list(folder.iterdir()) == []


def test_a_sticky_folder_of_ours_is_used(rules, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o1777)
    assert cache.cache_dir() == folder
    _records(rules)
    assert any(p.name.startswith("ruleset-") for p in folder.iterdir())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_another_users_folder_is_refused(rules, tmp_path, capsys):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    os.chown(folder, 54321, 54321)
    cache._warned.clear()
    assert cache.cache_dir() is None
    assert "belongs to another user" in capsys.readouterr().err


def test_an_entry_of_another_user_is_not_read(rules, tmp_path):
    _records(rules)
    [entry] = (tmp_path / "cache").glob("ruleset-*")
    assert cache.read_entry(entry, "ruleset") is not None
    if os.geteuid() == 0:
        os.chown(entry, 54321, 54321)
        assert cache.read_entry(entry, "ruleset") is None


# -- the lemma table --------------------------------------------------------------------------------

def _crafted_table(size: int, probes: int, data: bytes, slots: list[int] | None = None) -> bytes:
    header = struct.pack("=4sIIII", b"EVXL", 1, size, probes, len(data))
    slots = slots if slots is not None else [1] * size
    return header + struct.pack(f"={size}I", *slots) + data


def test_a_full_table_without_the_word_answers_at_once():
    # every slot full, every one pointing at the same entry: probing must stop on its own
    entry = bytes((3, 3)) + b"abcxyz"
    table = LemmaTable(_crafted_table(1 << 12, MAX_PROBES, b"\0" + entry))
    assert table.get("zzz") is None and table.get("abc") == "xyz"
    assert table.lookup(b"nothing here") is None


@pytest.mark.parametrize("data", [
    _crafted_table(1 << 12, MAX_PROBES + 1, b"\0"),                  # probes further than any table needs
    _crafted_table(1 << 12, 1 << 12, b"\0"),
    _crafted_table(1 << 12, 1, b"\0")[:-100],                         # fewer slots than the header says
    _crafted_table(1 << 12, 1, b"\0abc")[:-1],                        # less data than the header says
    _crafted_table(1 << 12, 1, b"\0abc") + b"more",
    _crafted_table(0, 1, b"\0", []),
    _crafted_table(3, 1, b"\0", [0, 0, 0]),
])
def test_a_table_whose_header_does_not_fit_is_refused(data):
    with pytest.raises(ValueError):
        LemmaTable(data)


def test_entries_pointing_past_the_end_or_not_utf8_are_not_found():
    size = 1 << 4
    key_slot = zlib.crc32(b"ab") & (size - 1)
    slots = [0] * size
    slots[key_slot] = 1
    table = LemmaTable(_crafted_table(size, 2, b"\0" + bytes((2, 2)) + b"ab\xff\xfe"))
    assert table.lookup(b"ab") == b"\xff\xfe" and table.get("ab") is None     # not UTF-8: absent
    slots[key_slot] = 10_000
    far = LemmaTable(_crafted_table(size, 2, b"\0" + bytes((2, 2)) + b"abcd", slots))
    assert far.get("ab") is None and len(far) == 0
    short = LemmaTable(_crafted_table(size, 2, b"\0" + bytes((2, 200)) + b"abcd", [0] * key_slot + [1] + [0] * (size - key_slot - 1)))
    assert short.lookup(b"ab") is None                 # its value runs past the end


def test_a_truncated_lemma_table_is_made_again(tmp_path, monkeypatch):
    import simplemma
    from evx.text.lemma import english_lemmatizer
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    english_lemmatizer()
    [kept] = (tmp_path / "cache").glob("lemmas-*")
    full = kept.read_bytes()
    kept.write_bytes(full[:len(full) // 2])
    assert english_lemmatizer().lemmatize("children", lang="en") == simplemma.lemmatize("children", lang="en")
    assert kept.read_bytes() == full


def test_the_table_is_read_whole_not_mapped(tmp_path, monkeypatch):
    """A mapped file truncated by someone else kills the process (SIGBUS) at the next lookup;
    a table read into memory cannot be taken away."""
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    cache.store_lemma_table("xx", "1", encode({f"w{i}": f"l{i}" for i in range(5000)}))
    table = LemmaTable(cache.load_lemma_table("xx", "1"))
    [kept] = (tmp_path / "cache").glob("lemmas-*")
    with open(kept, "r+b") as handle:
        handle.truncate(100)
    assert all(table.get(f"w{i}") == f"l{i}" for i in range(5000))
    assert cache.load_lemma_table("xx", "1") is None


# -- the codec ----------------------------------------------------------------------------------------

def _record_classes(package: str):
    for info in pkgutil.iter_modules(importlib.import_module(f"evx.{package}").__path__):
        module = importlib.import_module(f"evx.{package}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__ and plaindata._is_record_class(value):
                yield value


# modules of those packages whose classes a compiled rule set never holds: what a parse or a
# match makes on the way
NOT_COMPILED = ("evx.pattern.parser", "evx.pattern.matches", "evx.pattern.vm", "evx.rulefile.files",
                "evx.rulefile.kinds", "evx.rulefile.variables", "evx.rulefile.checks")


@pytest.mark.parametrize("package", ["pattern", "rulefile"])
def test_every_frozen_record_class_of_the_compiled_stages_is_registered(package):
    """A class a rule set can hold must be in the registry, or rule sets holding it are not
    cached: add its module to plaindata.MODULES (or, if rule sets never hold it, to NOT_COMPILED)."""
    known = set(plaindata.registry().values())
    missing = [f"{cls.__module__}.{cls.__qualname__}" for cls in _record_classes(package) if cls not in known
               and cls.__module__ not in NOT_COMPILED]
    assert missing == []


def test_every_node_round_trips():
    from evx.pattern.parser import parse
    for source in ["(?<x> [lemma=visit & !tag=/^N/] | @Person)+? $", "^ (?= a) (?<! b c{2,5}) []* [lower!=\"x y\"]",
                   "(a | [mention=Place] | @p:Place){0,3} (?! [word=/x\\/y/])"]:
        ast = parse(source)
        again = plaindata.from_plain(json.loads(json.dumps(plaindata.to_plain(ast))))
        assert again == ast and nodes.to_source(again) == nodes.to_source(ast)
        assert [getattr(a, "at", None) for a in nodes.walk(again)] == [getattr(a, "at", None) for a in nodes.walk(ast)]


@pytest.mark.parametrize("payload", [
    {"classes": [["pattern.nodes.Literal", ["text", "extra"]]], "objects": [["c", 0, "a", 1]], "root": ["@", 0]},
    {"classes": [["pattern.nodes.Literal", ["text"]]], "objects": [["c", 0, 5]], "root": ["@", 0]},
    {"classes": [["pattern.nodes.Repeat", ["min"]]], "objects": [["c", 0, 1]], "root": ["@", 0]},
    {"classes": [["pattern.nodes.Literal", ["text"]]], "objects": [["c", 0, "a"]], "root": ["@", 1]},
    {"classes": [["pattern.nodes.Not", ["operand"]]], "objects": [["c", 0, ["@", 0]]], "root": ["@", 0]},
    {"classes": [], "objects": [], "root": ["x", 1]},
    {"classes": [], "objects": [], "root": ["r", "(", 0]},
    {"classes": [], "objects": [], "root": ["t", ["p"]]},
    {"classes": [], "objects": [], "root": ["rows", [], [], [[1, None]], [0, 1, 7]]},
    {"classes": [], "objects": [], "root": ["rows", [], [], [[1], 5], []]},
    {"classes": [], "objects": []},
])
def test_malformed_plain_data_is_refused(payload):
    with pytest.raises((plaindata.Malformed, TypeError)):
        plaindata.from_plain(payload)


def test_something_plain_data_cannot_keep_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "cache" / "x.json"
    cache.store(path, "lexicon", (lambda: 1,))
    cache.store(path, "lexicon", object())
    assert not path.exists()


def test_the_stamp_counts_where_each_module_is(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.py").write_text("x = 1\n", encoding="utf-8")
    before = cache.code_digest(tmp_path)
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.py").rename(tmp_path / "b" / "one.py")
    moved = cache.code_digest(tmp_path)
    (tmp_path / "b" / "one.py").rename(tmp_path / "b" / "two.py")
    assert len({before, moved, cache.code_digest(tmp_path)}) == 3
    (tmp_path / "b" / "deeper").mkdir()
    (tmp_path / "b" / "deeper" / "three.py").write_text("", encoding="utf-8")
    assert cache.code_digest(tmp_path) != moved
