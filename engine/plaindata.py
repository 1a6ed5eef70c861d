"""evx's own objects as plain JSON data and back, for the compile cache.

A cache file may be corrupt or planted, so reading one must never be able to run code or
build anything evx did not define: values decode only into JSON scalars, tuples, lists,
sets, dicts, compiled regexes, and the frozen dataclasses and named tuples of the modules
in `MODULES`, looked up by name in a registry fixed at import. Each object's fields are
checked against the class's type hints before it is built, and the checks a hint cannot
express are the caller's (`checks`). A new node or record class needs nothing here as long
as its module is listed.

The encoding, in JSON:
  str, int, float, bool, null       themselves
  {"key": value, ...}               a dict whose keys are all strings
  ["t", v...] ["l", v...]           a tuple, a list
  ["f", v...] ["s", v...]           a frozenset, a set
  ["d", k, v, k, v...]              a dict with other keys
  ["r", source, flags]              a compiled regex (str source)
  ["@", i]                          object i of the file's table
  ["p"]                             inside a tuple: a function that `rebuild` makes again
                                    from the tuple's other items (evx keeps closures, which
                                    are code, only where they can be compiled again)
  ["rows", classes, kinds, rows, cells]
                                    a tuple of tuples (a program's instructions): `rows`
                                    holds their scalars, with null where `cells`, a flat list
                                    of (row, column, value), puts something else; a value
                                    that is an int i is object i, -1 a function (as ["p"]).
                                    A row that is an int k is the same as row k before it.
                                    `kinds` gives each row's class, 0 for a plain tuple and
                                    k for classes[k - 1], or is empty when all are plain.
  ["j", json]                       a field its class keeps as the JSON it is (`raw`)
The payload is {"classes": [[name, [field...]]...], "objects": [...], "root": value}: the
classes the objects use, with the fields their values come in, and the table of objects,
each referring only to objects before it (so no cycles):
  ["c", k, v...]                    a frozen dataclass of class k, its fields' values
  ["n", k, v...]                    a named tuple of class k
  ["v", ["f", v...]]                a frozenset, kept once for all its uses
A dataclass instance or named tuple is kept once however often it recurs; one of a class
with value equality, and a frozenset, once for all the equal ones.
"""
from __future__ import annotations

import dataclasses
import importlib
import re
import typing
from collections.abc import Callable as AbcCallable, Mapping as AbcMapping
from functools import lru_cache
from itertools import chain, repeat
from operator import contains
from types import NoneType, UnionType
from typing import Any, Callable

# the modules whose frozen dataclasses and named tuples the cache may hold
MODULES = ("errors", "pattern.nodes", "pattern.compiler", "pattern.prefilter", "pattern.lexicon",
           "pattern.program", "pattern.paths", "rulefile.model", "rulefile.taxonomy", "rulefile.matchers",
           "rulefile.graphrule", "enrich.stage", "enrich.antecedents")

_SCALARS = frozenset((str, int, float, bool, NoneType))
_PACKAGE = __name__.rpartition(".")[0]


class Malformed(ValueError):
    """The data is not something this codec wrote: the caller treats it as absent."""


class Unencodable(TypeError):
    """The value holds something plain data cannot keep (a function that cannot be rebuilt,
    an object of a class outside the registry): the caller does not cache it."""


class _Function:
    """Stands for a tuple's function while the tuple is being decoded."""

    def __repr__(self) -> str:
        return "FUNCTION"


FUNCTION = _Function()


def _is_record_class(cls: type) -> bool:
    if dataclasses.is_dataclass(cls):
        return cls.__dataclass_params__.frozen
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


@lru_cache(maxsize=1)
def registry() -> dict[str, type]:
    """Name -> class for every frozen dataclass and named tuple defined in `MODULES`."""
    found: dict[str, type] = {}
    for short in MODULES:
        module = importlib.import_module(f"{_PACKAGE}.{short}")
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__ and _is_record_class(value):
                found[f"{short}.{value.__qualname__}"] = value
    return found


@lru_cache(maxsize=1)
def _names() -> dict[type, str]:
    return {cls: name for name, cls in registry().items()}


# -- encoding -------------------------------------------------------------------------------------

def to_plain(value: object, rebuildable: Callable[[tuple], bool] = lambda items: False,
             raw: dict[type, frozenset[str]] | None = None) -> dict:
    """`value` as JSON-ready data; `rebuildable(items)` says whether a tuple holding a function
    has what `from_plain`'s `rebuild` needs to make it again; `raw[cls]` names fields kept as
    the JSON they are (dicts, lists and scalars only). Raises Unencodable."""
    encoder = _Encoder(rebuildable, raw or {})
    root = encoder.value(value)
    return {"classes": encoder.classes, "objects": encoder.objects, "root": root}


def _json_native(top) -> bool:
    stack = [top]
    while stack:
        x = stack.pop()
        kind = type(x)
        if kind is dict:
            if not all(type(k) is str for k in x):
                return False
            stack.extend(x.values())
        elif kind is list:
            stack.extend(x)
        elif kind not in _SCALARS:
            return False
    return True


class _Encoder:
    def __init__(self, rebuildable: Callable[[tuple], bool], raw: dict[type, frozenset[str]]):
        self.rebuildable = rebuildable
        self.raw = raw
        self.classes: list = []             # [name, [field, ...]] of each class the table uses
        self.class_index: dict[type, int] = {}
        self.objects: list = []
        self.seen: dict[int, int] = {}      # id(object) -> index in the table
        self.equal: dict = {}               # an object's encoding (or a frozenset) -> its index
        self.keep: list = []                # keeps each id meaning its object while encoding
        self.names = _names()

    def value(self, x: Any, in_tuple: tuple | None = None):
        kind = type(x)
        if kind in _SCALARS:
            return x
        if kind in self.names:
            return ["@", self.record(x)]
        if isinstance(x, dict):             # a dict subclass (a YAML mapping) keeps its items
            if all(type(k) is str for k in x):
                return {k: self.value(v) for k, v in x.items()}
            out = ["d"]
            for k, v in x.items():
                out += (self.value(k), self.value(v))
            return out
        if kind is tuple:
            if len(x) > 1 and all(isinstance(item, tuple) for item in x):
                return self.rows(x)
            return ["t", *(self.value(v, x) for v in x)]
        if isinstance(x, list):
            return ["l", *(self.value(v) for v in x)]
        if kind is frozenset:               # kept once, as label sets recur in many instructions
            key = ("f", x)
            index = self.equal.get(key)
            if index is None:
                index = self.equal[key] = len(self.objects)
                self.objects.append(["v", ["f", *(self.value(v) for v in x)]])
            return ["@", index]
        if kind is set:
            return ["s", *(self.value(v) for v in x)]
        if isinstance(x, re.Pattern) and isinstance(x.pattern, str):
            return ["r", x.pattern, x.flags]
        if callable(x) and in_tuple is not None and self.rebuildable(in_tuple):
            return ["p"]
        raise Unencodable(f"cannot keep a {kind.__module__}.{kind.__qualname__} as plain data")

    def rows(self, rows: tuple) -> list:
        classes: list[str] = []
        kinds: list[int] = []
        plain_rows: list = []
        cells: list = []
        first: dict[str, int] = {}          # a row's encoding -> the row that has it first
        for r, row in enumerate(rows):
            if type(row) is tuple:
                kind = 0
            else:
                name = self.names.get(type(row))
                if name is None:
                    raise Unencodable(f"cannot keep a {type(row).__qualname__} as plain data")
                if name not in classes:
                    classes.append(name)
                kind = classes.index(name) + 1
            kinds.append(kind)
            plain = []
            own: list = []
            for c, item in enumerate(row):
                if type(item) in _SCALARS:
                    plain.append(item)
                    continue
                plain.append(None)
                value = self.value(item, row)
                if value == ["p"]:
                    value = -1
                elif type(value) is list and value[0] == "@":
                    value = value[1]
                own += (r, c, value)
            key = repr([kind, plain, own[1::3], own[2::3]])
            if key in first:                # a counted repetition repeats its body's rows
                plain_rows.append(first[key])
            else:
                first[key] = r
                plain_rows.append(plain)
                cells += own
        return ["rows", classes, kinds if classes else [], plain_rows, cells]

    def record(self, x) -> int:
        index = self.seen.get(id(x))
        if index is not None:
            return index
        cls = type(x)
        k = self.class_index.get(cls)
        if k is None:
            k = self.class_index[cls] = len(self.classes)
            fields = [f.name for f in _fields(cls)] if dataclasses.is_dataclass(cls) else list(cls._fields)
            self.classes.append([self.names[cls], fields])
        if dataclasses.is_dataclass(x):
            raw = self.raw.get(cls, ())
            values = []
            for name in self.classes[k][1]:
                field = getattr(x, name)
                if name in raw:
                    if not _json_native(field):
                        raise Unencodable(f"{cls.__qualname__}.{name} is not plain JSON")
                    values.append(["j", field])
                else:
                    values.append(self.value(field))
            body = ["c", k, *values]
            by_value = cls.__dataclass_params__.eq
        else:
            body = ["n", k, *(self.value(v, x) for v in x)]
            by_value = True
        key = repr(body) if by_value else None   # repr: exact for JSON-ready data, and quick
        index = self.equal.get(key) if key is not None else None
        if index is None:
            index = len(self.objects)
            self.objects.append(body)
            if key is not None:
                self.equal[key] = index
        self.seen[id(x)] = index
        self.keep.append(x)
        return index


# -- decoding -------------------------------------------------------------------------------------

def from_plain(data: object, rebuild: Callable[[tuple], tuple] | None = None,
               checks: dict[type, Callable[[object], bool]] | None = None,
               raw: dict[type, frozenset[str]] | None = None) -> object:
    """What `to_plain` made `data` from. `rebuild(items)` gets a tuple whose functions are
    FUNCTION and gives it back whole; `checks[cls](obj)` must hold for every object of that
    class, and vouch for its `raw[cls]` fields, which are left as the JSON read. Raises
    Malformed for anything else (and may raise TypeError or RecursionError on data that is
    not even shaped like this codec's)."""
    if (type(data) is not dict or set(data) != {"classes", "objects", "root"}
            or type(data["objects"]) is not list or type(data["classes"]) is not list):
        raise Malformed("not an evx cache payload")
    decoder = _Decoder(rebuild, checks or {}, raw or {})
    decoder.table([decoder.layout(entry) for entry in data["classes"]], data["objects"])
    return decoder.value(data["root"])


class _AnyClass:
    """In place of a set of exact classes, for a field that a call checks instead."""

    def __contains__(self, kind: type) -> bool:
        return True


_ANY_CLASS = _AnyClass()


@dataclasses.dataclass(frozen=True)
class _Fields:
    """The checks of a row of fields, made once per class and field order from the type
    hints, so that no hint is interpreted per value: the fields whose hint is a few exact
    classes are checked by set lookups in one pass (`classes`), the others each by its call
    (`calls`); `open` are the fields whose hint admits more than JSON scalars, the only ones
    a value is decoded in (a list or dict left in any other fails its check)."""
    names: tuple[str, ...]
    classes: tuple
    calls: tuple
    open: tuple[int, ...]

    def hold(self, values: list) -> bool:
        """Whether every value is of its field's type (FUNCTION standing for a function)."""
        if not all(map(contains, self.classes, map(type, values))):
            return False
        for i, check in self.calls:
            value = values[i]
            if value is not FUNCTION and not check(value):
                return False
        return True

    def wrong(self, values: list) -> str:
        """The first field whose value is not of its type (when `hold` says there is one)."""
        calls = dict(self.calls)
        for i, value in enumerate(values):
            if type(value) not in self.classes[i] or (
                    i in calls and value is not FUNCTION and not calls[i](value)):
                return self.names[i]
        return "?"


@lru_cache(maxsize=None)
def _field_checks(cls: type, names: tuple[str, ...]) -> _Fields:
    """The checks of `cls`'s fields `names` (which must be some of its fields)."""
    check = {name: check for name, check, _ in _spec(cls)}
    checks = [check[name] for name in names]
    return _Fields(names, tuple(c if type(c) is frozenset else _ANY_CLASS for c in checks),
                   tuple((i, c) for i, c in enumerate(checks) if type(c) is not frozenset),
                   tuple(i for i, c in enumerate(checks) if type(c) is not frozenset or not _only_scalars(c)))


def _only_scalars(classes: frozenset) -> bool:
    """Whether a field of these exact classes can only hold what JSON keeps as itself."""
    return all(issubclass(kind, (str, int, float, NoneType)) for kind in classes)


def _named_checks(cls: type) -> _Fields:
    return _field_checks(cls, tuple(cls._fields))


@dataclasses.dataclass(frozen=True)
class _Layout:
    """How the objects of one entry of the file's class table are decoded: `tag` and `size`
    are the shape of their bodies, `fields` the checks of their values in the order kept,
    `raw` the positions kept as the JSON they are, `keyword` whether the class must be
    called with its fields by name (some left to their defaults, or kept in another
    order), `check` the caller's check for the class."""
    cls: type
    tag: str
    size: int
    fields: _Fields
    raw: tuple[int, ...]
    open: tuple[int, ...]
    keyword: bool
    check: Callable[[object], bool] | None


class _Decoder:
    def __init__(self, rebuild, checks, raw):
        self.rebuild = rebuild
        self.checks = checks
        self.raw = raw
        self.objects: list = []
        self.registry = registry()
        self.row_classes: dict[tuple, list] = {}      # the class names of a `rows` table -> classes
        self.regexes: dict[tuple, re.Pattern] = {}
        self.scalar_rows: dict[tuple, tuple] = {}    # (class, its scalars) -> the named tuple

    def layout(self, entry) -> _Layout:
        """The checked layout of one entry of the class table."""
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str or type(entry[1]) is not list:
            raise Malformed("a class is [name, [field, ...]]")
        name, fields = entry
        cls = self.registry.get(name)
        if cls is None:
            raise Malformed(f"no class {name!r} in the registry")
        spec = _spec(cls)
        known = {field: required for field, _, required in spec}
        if not all(type(f) is str and f in known for f in fields) or len(set(fields)) != len(fields):
            raise Malformed(f"fields {fields} are not those of {name}")
        if any(required and field not in fields for field, required in known.items()):
            raise Malformed(f"{name} lacks a field it needs")
        is_dataclass = dataclasses.is_dataclass(cls)
        names = tuple(fields)
        if not is_dataclass and names != cls._fields:
            raise Malformed(f"{name} has the fields {cls._fields}")
        raw = self.raw.get(cls, frozenset())
        checks = _field_checks(cls, names)
        kept = tuple(i for i, f in enumerate(names) if f in raw)
        return _Layout(cls, "c" if is_dataclass else "n", 2 + len(names), checks, kept,
                       tuple(i for i in checks.open if i not in kept),
                       is_dataclass and names != tuple(f for f, _, _ in spec), self.checks.get(cls))

    def table(self, layouts: list[_Layout], bodies: list) -> None:
        """Decode the table of objects, each checked and built once, in order: a reference
        can only name an object before it."""
        objects = self.objects
        append = objects.append
        value, mapping = self.value, self.mapping
        count = len(layouts)
        for body in bodies:
            if type(body) is not list or len(body) < 2:
                raise Malformed("an object is [kind, class, value...]")
            k = body[1]
            if type(k) is not int or not 0 <= k < count:
                append(self.shared(body))
                continue
            layout = layouts[k]
            cls = layout.cls
            if body[0] != layout.tag or len(body) != layout.size:
                raise Malformed(f"{cls.__qualname__} is not kept that way")
            if layout.tag == "n":
                append(self.tuple(body, 2, cls))
                continue
            values = body[2:]
            for i in layout.raw:
                kept = values[i]
                if type(kept) is not list or len(kept) != 2 or kept[0] != "j":
                    raise Malformed(f"{cls.__qualname__}.{layout.fields.names[i]} is kept as ['j', json]")
                values[i] = kept[1]
            for i in layout.open:
                v = values[i]
                kind = type(v)
                if kind is list:
                    if len(v) == 2 and v[0] == "@":
                        index = v[1]
                        if type(index) is not int or not 0 <= index < len(objects):
                            raise Malformed("a reference to no object")
                        values[i] = objects[index]
                    else:
                        values[i] = value(v)
                elif kind is dict:
                    values[i] = mapping(v)
            fields = layout.fields
            if not fields.hold(values):
                raise Malformed(f"{cls.__qualname__}.{fields.wrong(values)} is not of its type")
            try:
                obj = cls(**dict(zip(fields.names, values))) if layout.keyword else cls(*values)
            except (TypeError, ValueError) as err:
                raise Malformed(f"{cls.__qualname__}: {err}") from None
            if layout.check is not None and not layout.check(obj):
                raise Malformed(f"{cls.__qualname__} does not hold together")
            append(obj)

    def shared(self, body: list) -> frozenset:
        if len(body) != 2 or body[0] != "v":
            raise Malformed("an object is [kind, class, value...]")
        value = body[1]
        if type(value) is not list or not value or value[0] != "f":
            raise Malformed("a shared value is a frozenset")
        return self.value(value)

    def ref(self, index) -> object:
        if type(index) is not int or not 0 <= index < len(self.objects):
            raise Malformed("a reference to no object")
        return self.objects[index]

    def value(self, x):
        kind = type(x)
        if kind in _SCALARS:
            return x
        if kind is dict:
            return self.mapping(x)
        if kind is not list or not x or type(x[0]) is not str:
            raise Malformed("not a value")
        tag = x[0]
        if tag == "@":
            if len(x) != 2:
                raise Malformed("a reference is ['@', index]")
            return self.ref(x[1])
        if tag == "t":
            return self.tuple(x, 1)
        if tag == "rows":
            return self.rows(x)
        if tag == "l":
            return [self.value(v) for v in x[1:]]
        if tag == "f" or tag == "s":
            items = [v if type(v) in _SCALARS else self.value(v) for v in x[1:]]
            try:
                return frozenset(items) if tag == "f" else set(items)
            except TypeError:
                raise Malformed("an unhashable set member") from None
        if tag == "d":
            if len(x) % 2 != 1:
                raise Malformed("a dict without a value for its last key")
            try:
                return {self.value(k): self.value(v) for k, v in zip(x[1::2], x[2::2])}
            except TypeError:
                raise Malformed("an unhashable dict key") from None
        if tag == "r":
            return self.regex(x)
        raise Malformed(f"unknown tag {tag!r}")

    def regex(self, x: list) -> re.Pattern:
        """A compiled regex, compiled once per source and flags of the file."""
        if len(x) != 3 or type(x[1]) is not str or type(x[2]) is not int:
            raise Malformed("a regex is [source, flags]")
        key = (x[1], x[2])
        made = self.regexes.get(key)
        if made is None:
            try:
                made = self.regexes[key] = re.compile(x[1], x[2])
            except (re.error, ValueError, OverflowError, RecursionError):
                raise Malformed("a regex that does not compile") from None
        return made

    def mapping(self, top: dict) -> dict:
        """A JSON object, its values decoded in place (a lexicon's trie is large and deep)."""
        stack = [top]
        while stack:
            node = stack.pop()
            for k, v in node.items():
                kind = type(v)
                if kind is dict:
                    stack.append(v)
                elif kind not in _SCALARS:
                    node[k] = self.value(v)
        return top

    def tuple(self, x: list, start: int, cls: type = tuple):
        out = x[start:]
        functions = False
        for i, v in enumerate(out):
            if type(v) not in _SCALARS:
                if v == ["p"]:
                    out[i] = FUNCTION
                    functions = True
                else:
                    out[i] = self.value(v)
        made = tuple(out) if cls is tuple else self.named(cls, out)
        return self.rebuilt(made) if functions else made

    def rebuilt(self, made: tuple) -> tuple:
        if self.rebuild is None:
            raise Malformed("a function with nothing to rebuild it")
        return self.rebuild(made)

    def row_plans(self, names: list) -> list:
        """For each class a `rows` table names, (class, its field checks, the caller's check):
        looked up once per file for each list of names."""
        key = tuple(names) if all(type(name) is str for name in names) else None
        plans = self.row_classes.get(key) if key is not None else None
        if plans is None:
            plans = [None]
            for name in names:
                cls = self.registry.get(name) if type(name) is str else None
                if cls is None or dataclasses.is_dataclass(cls):
                    raise Malformed(f"no named tuple {name!r} in the registry")
                plans.append((cls, _named_checks(cls), self.checks.get(cls), getattr(cls, "OP", None)))
            self.row_classes[key] = plans
        return plans

    def rows(self, x: list) -> tuple:
        """A `rows` table: its scalars checked in bulk, its cells filled in, and each row
        built as a tuple or checked as the named tuple its kind says."""
        if len(x) != 5:
            raise Malformed("rows are ['rows', classes, kinds, rows, cells]")
        _, names, kinds, rows, cells = x
        if type(names) is not list or type(kinds) is not list or type(rows) is not list or type(cells) is not list:
            raise Malformed("rows are ['rows', classes, kinds, rows, cells]")
        row_types = set(map(type, rows))
        again = [] if int not in row_types else [(r, k) for r, k in enumerate(rows) if type(k) is int]
        lists = rows if not again else [row for row in rows if type(row) is list]
        if not row_types <= _ROW_TYPES or not _SCALARS.issuperset(map(type, chain.from_iterable(lists))):
            raise Malformed("rows hold scalars, or repeat an earlier row")
        if len(cells) % 3:
            raise Malformed("cells come in threes")
        functions = []
        objects = self.objects
        it = iter(cells)
        try:
            for r, c, v in zip(it, it, it):
                row = rows[r]
                if r < 0 or c < 0 or row[c] is not None:
                    raise Malformed("a cell on a scalar")
                if type(v) is int:
                    if v >= 0:
                        row[c] = objects[v]
                    elif v == -1:
                        row[c] = FUNCTION
                        functions.append(r)
                    else:
                        raise Malformed("a cell is an object's index, or -1")
                else:
                    row[c] = self.value(v)
        except (IndexError, TypeError):
            raise Malformed("a cell outside its rows") from None
        if names:
            if len(kinds) != len(rows):
                raise Malformed("each row has its class")
            made = self.named_rows(self.row_plans(names), kinds, rows, set(cells[::3]))
        else:
            made = [row if type(row) is int else tuple(row) for row in rows] if again else list(map(tuple, rows))
        for r in functions:
            made[r] = self.rebuilt(made[r])
        for r, k in again:
            if not 0 <= k < r or type(rows[k]) is not list:
                raise Malformed("a row repeats one that is not before it")
            made[r] = made[k]
        return tuple(made)

    def named_rows(self, plans: list, kinds: list, rows: list, filled: set) -> list:
        """The rows of a table whose rows have classes: each checked against its class's
        field checks (made once per class) and built past its constructor. A row of
        scalars alone (a jump, a split, a capture's bounds) is checked and built once per
        file (keyed by its scalars' classes too, as 1, 1.0 and True are equal keys), and the
        instruction shared by the programs that hold it, as immutable as equal numbers are;
        `filled` are the rows that have cells."""
        made = []
        append = made.append
        count = len(plans)
        new = tuple.__new__
        known = self.scalar_rows
        for r, (k, row) in enumerate(zip(kinds, rows)):
            if type(row) is int:
                append(row)
            elif k == 0:
                append(tuple(row))
            else:
                if type(k) is not int or not 0 < k < count:
                    raise Malformed("each row has its class")
                cls, checks, check, op = plans[k]
                key = (cls, *row, *map(type, row)) if r not in filled and not checks.calls else None
                if key is not None:
                    obj = known.get(key)
                    if obj is not None:
                        append(obj)
                        continue
                if len(row) != len(checks.names):
                    raise Malformed(f"{cls.__qualname__} has {len(checks.names)} fields")
                if not checks.hold(row):
                    raise Malformed(f"{cls.__qualname__}.{checks.wrong(row)} is not of its type")
                if op is not None and (type(row[0]) is not int or row[0] != op):
                    raise Malformed(f"{cls.__qualname__} has the opcode {op}")
                obj = new(cls, row)      # every field as kept, past a constructor that fills some in
                if check is not None and not check(obj):
                    raise Malformed(f"{cls.__qualname__} does not hold together")
                if key is not None:
                    known[key] = obj
                append(obj)
        return made

    def named(self, cls: type, items: list) -> tuple:
        checks = _named_checks(cls)
        if len(items) != len(checks.names):
            raise Malformed(f"{cls.__qualname__} has {len(checks.names)} fields")
        if not checks.hold(items):
            raise Malformed(f"{cls.__qualname__}.{checks.wrong(items)} is not of its type")
        op = getattr(cls, "OP", None)
        if op is not None and (type(items[0]) is not int or items[0] != op):
            raise Malformed(f"{cls.__qualname__} has the opcode {op}")
        obj = tuple.__new__(cls, items)     # every field as kept, past a constructor that fills some in
        check = self.checks.get(cls)
        if check is not None and not check(obj):
            raise Malformed(f"{cls.__qualname__} does not hold together")
        return obj


_ROW_TYPES = frozenset((list, int))


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


@lru_cache(maxsize=None)
def _spec(cls: type) -> tuple:
    """(name, check, required) of each field a class is built from."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:       # noqa: BLE001 - a hint that does not resolve: its field is only checked as data
        hints = {}
    if not dataclasses.is_dataclass(cls):
        return tuple((name, _check_of(hints.get(name, Any)), True) for name in cls._fields)
    return tuple((f.name, _check_of(hints.get(f.name, Any)),
                  f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in _fields(cls))


def _check_of(hint) -> frozenset[type] | Callable[[object], bool]:
    exact = _exact_types(hint)
    return exact if exact is not None else _checker(hint)





# -- type hints as checks -------------------------------------------------------------------------

def _anything(value) -> bool:
    return True


def _exact_types(hint) -> frozenset[type] | None:
    """The classes a value of this hint is exactly one of, when the hint is that simple
    (`str`, `int | None`, `Program`): checked by a set lookup rather than a call."""
    if hint is None or hint is NoneType:
        return frozenset((NoneType,))
    if getattr(hint, "_is_protocol", False):
        return None                 # structural: checked by its members (`_checker`)
    if isinstance(hint, type) and typing.get_origin(hint) is None and hint not in (object, AbcMapping, float):
        found, todo = {hint}, [hint]
        while todo:
            for sub in todo.pop().__subclasses__():
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return frozenset(found)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        parts = [_exact_types(a) for a in typing.get_args(hint)]
        return frozenset().union(*parts) if all(p is not None for p in parts) else None
    return None


def _checker(hint) -> Callable[[object], bool]:
    """Hints evx uses: classes, unions, and tuple, frozenset, set, list, dict and Mapping of
    them; Callable; Any. Others (a TypeVar, a string left unresolved) accept any value the
    codec can decode, which is plain data or a registered object in any case. Each check is
    built once per hint, the parts made of exact classes tested by set lookups (in bulk over
    a container's items), so that checking a value interprets no hint."""
    if hint is Any or hint is object or isinstance(hint, (str, typing.TypeVar)):
        return _anything
    exact = _exact_types(hint)
    if exact is not None:
        return lambda v: type(v) in exact
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is UnionType:
        return _either(tuple(_check_of(a) for a in args))
    if origin is typing.Literal:
        return lambda v: v in args
    if origin is AbcCallable or hint is AbcCallable or hint is Callable:
        return lambda v: v is FUNCTION or callable(v)
    if origin is None:
        if isinstance(hint, type) and getattr(hint, "_is_protocol", False):
            # a Protocol (such as a rule's Matcher): a decoded object that has its members
            members = tuple(n for n in (*vars(hint), *getattr(hint, "__annotations__", {}))
                            if not n.startswith("_"))
            return lambda v: all(map(hasattr, repeat(v, len(members)), members))
        if isinstance(hint, type):
            if hint is float:
                return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
            if hint is AbcMapping:
                return lambda v: isinstance(v, dict)
            return lambda v: isinstance(v, hint)
        return _anything
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _each(tuple, _check_of(args[0]))
        if args == ((),):
            return lambda v: v == ()
        if args:
            return _fixed_tuple(tuple(_check_of(a) for a in args))
        return lambda v: isinstance(v, tuple)
    if origin in (frozenset, set, list):
        return _each(origin, _check_of(args[0]) if args else _anything)
    if origin in (dict, AbcMapping):
        key, item = (_check_of(args[0]), _check_of(args[1])) if args else (_anything, _anything)
        keys, items = _each(object, key), _each(object, item)
        return lambda v: isinstance(v, dict) and keys(v) and items(v.values())
    return lambda v: isinstance(v, origin) if isinstance(origin, type) else True


def _either(parts: tuple) -> Callable[[object], bool]:
    """A union's check: its exact classes by one set lookup, then its other parts' calls."""
    exact = frozenset().union(*(p for p in parts if type(p) is frozenset))
    calls = tuple(p for p in parts if type(p) is not frozenset)
    if _anything in calls:
        return _anything
    if len(calls) == 1:
        only = calls[0]
        return lambda v: type(v) in exact or only(v)
    return lambda v: type(v) in exact or any(check(v) for check in calls)


def _each(container: type, part: frozenset | Callable[[object], bool]) -> Callable[[object], bool]:
    """A container of `container` (any iterable when `object`) whose items each pass `part`."""
    if type(part) is frozenset:
        if container is object:
            return lambda v: part.issuperset(map(type, v))
        return lambda v: isinstance(v, container) and part.issuperset(map(type, v))
    if part is _anything:
        return (lambda v: True) if container is object else (lambda v: isinstance(v, container))
    if container is object:
        return lambda v: all(map(part, v))
    return lambda v: isinstance(v, container) and all(map(part, v))


def _fixed_tuple(parts: tuple) -> Callable[[object], bool]:
    """A tuple of as many items as `parts`, each passing its part."""
    size = len(parts)
    classes = tuple(p if type(p) is frozenset else _ANY_CLASS for p in parts)
    calls = tuple((i, p) for i, p in enumerate(parts) if type(p) is not frozenset and p is not _anything)
    if not calls:
        return lambda v: isinstance(v, tuple) and len(v) == size and all(map(contains, classes, map(type, v)))
    if len(calls) == 1:
        (at, only), = calls
        return lambda v: (isinstance(v, tuple) and len(v) == size and all(map(contains, classes, map(type, v)))
                          and only(v[at]))
    return lambda v: (isinstance(v, tuple) and len(v) == size and all(map(contains, classes, map(type, v)))
                      and all(check(v[i]) for i, check in calls))
