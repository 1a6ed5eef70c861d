"""The per-class layouts of the decoder refuse what a planted file could put where the quick
paths look least: values in fields whose hint is scalars alone are never decoded, a field
kept as raw JSON is never read as a reference, an instruction row shared between programs
is shared only when its scalars are of the same classes (and an instruction's opcode is
its class's), and equal regexes compile once."""
from __future__ import annotations

import json
import re

import pytest

from evx import cache, plaindata
from evx.errors import Location
from evx.pattern import nodes, program
from evx.pattern.lexicon import build_lexicon


def _plain(value, raw=None) -> dict:
    return json.loads(json.dumps(plaindata.to_plain(value, raw=raw)))


@pytest.mark.parametrize("planted", [["@", 0], ["r", "(", 0], ["t", "a"], {"a": 1}, ["x"]])
def test_a_scalar_field_holding_anything_else_is_refused_undecoded(planted):
    plain = _plain((nodes.Literal("a"), Location("rules.yml", 3, 5, "x")))
    body = next(o for o in plain["objects"] if o[0] == "c" and len(o) == 6)   # the Location
    body[2] = planted                           # Location.file is a str
    with pytest.raises(plaindata.Malformed, match="Location.file is not of its type"):
        plaindata.from_plain(plain)


def test_a_raw_field_is_never_read_as_a_reference():
    lexicon = build_lexicon(["New York", "Paris"], str.split)
    plain = _plain((nodes.Literal("a"), lexicon), raw=cache._raw())
    body = next(o for o in plain["objects"] if o[0] == "c" and len(o) == 5)   # the Lexicon
    body[2] = ["j", ["@", 0]]
    with pytest.raises(plaindata.Malformed, match="Lexicon.trie is not of its type"):
        plaindata.from_plain(plain, None, cache._checks(), cache._raw())


def _two_programs() -> list:
    code = (program.Split(1, 2), program.Jump(0), program.Match())
    return [code, tuple(code)]


def test_rows_of_scalars_alone_are_shared_between_tables():
    again = plaindata.from_plain(_plain(_two_programs()))
    assert again == _two_programs()
    assert all(a is b for a, b in zip(again[0], again[1]))


@pytest.mark.parametrize("column, planted, message", [
    (1, 1.0, "Split.first is not of its type"), (2, "2", "Split.second is not of its type"),
    (0, program.SPLIT + 0.0, "Split.op is not of its type"), (0, True, "Split has the opcode"),
    (0, program.JMP, "Split has the opcode")])
def test_a_shared_row_is_not_reused_for_scalars_of_other_classes(column, planted, message):
    plain = _plain(_two_programs())
    second = plain["root"][2]                   # ["l", rows, rows]
    split = second[3][0]
    assert split == [program.SPLIT, 1, 2]
    split[column] = planted                     # equal to the first table's value as a key, not in kind
    with pytest.raises(plaindata.Malformed, match=message):
        plaindata.from_plain(plain)


def test_a_named_tuple_kept_with_its_fields_in_another_order_is_refused():
    plain = {"classes": [["pattern.program.Split", ["op", "second", "first"]]],
             "objects": [["n", 0, program.SPLIT, 1, 2]], "root": ["@", 0]}
    with pytest.raises(plaindata.Malformed, match="Split has the fields"):
        plaindata.from_plain(plain)


def test_equal_regexes_compile_once_and_a_bad_one_is_refused():
    one, two = plaindata.from_plain({"classes": [], "objects": [], "root": ["t", ["r", "^X", 0], ["r", "^X", 0]]})
    assert one is two and one == re.compile("^X")
    with pytest.raises(plaindata.Malformed, match="does not compile"):
        plaindata.from_plain({"classes": [], "objects": [], "root": ["t", ["r", "^X", 0], ["r", "(", 0]]})


@pytest.mark.parametrize("hint, good, bad", [
    (tuple[tuple[str, frozenset[str]], ...], [(("a", frozenset({"b"})),), ()],
     [(("a", {"b"}),), (("a",),), [("a", frozenset())]]),
    (dict[str, int], [{"a": 1}], [{1: 1}, {"a": "1"}, [("a", 1)]]),
    (int | tuple[int, ...] | None, [1, (1, 2), None], ["1", (1, "2"), [1]]),
    (tuple[str, int | None], [("a", None), ("a", 1)], [("a", "b"), ("a",), ["a", 1]]),
])
def test_checks_built_from_hints(hint, good, bad):
    check = plaindata._checker(hint)
    assert all(check(v) for v in good)
    assert not any(check(v) for v in bad)
