"""The quicker paths of a warm start decode the same things and refuse the same things: a
lexicon's trie checked a level at a time, dataclasses built from fields by position,
named tuples checked by sets of classes, one predicate for constraints equal in value."""
from __future__ import annotations

import json

import pytest

import evx
from evx import cache, plaindata
from evx.pattern import nodes, program
from evx.pattern.lexicon import build_lexicon

SENTENCE = "Pakistan and Iran have initiated negotiations in Islamabad on Sunday."


def _lexicon():
    return build_lexicon(["New York", "New York City", "Paris", "new"], str.split)


def test_a_lexicons_trie_read_from_json_is_valid():
    trie = json.loads(json.dumps(_lexicon().trie))
    assert cache._valid_trie(trie)
    assert cache._valid_trie({}) and cache._valid_trie({"": True})


@pytest.mark.parametrize("trie", [
    [],                                             # not a dict
    {"new": True},                                  # True under a word
    {"new": {"york": 1}},                           # a number for a node
    {"new": {"": 1}},                               # the end mark is not True
    {"new": {"": {}}},                              # a node at the end mark
    {"new": {"": True, "york": True}},              # two bools, one end mark
    {"new": {"": False}},
    {"new": {"york": []}},
    {"new": {"york": {"city": {"": True, "x": None}}}},
])
def test_a_trie_of_another_shape_is_refused(trie):
    assert not cache._valid_trie(trie)


def test_a_planted_trie_makes_the_lexicon_no_entry():
    plain = plaindata.to_plain(_lexicon(), raw=cache._raw())
    body = next(o for o in plain["objects"] if o[0] == "c")
    body[2] = ["j", {"new": {"york": True}}]
    with pytest.raises(plaindata.Malformed, match="does not hold together"):
        plaindata.from_plain(json.loads(json.dumps(plain)), None, cache._checks(), cache._raw())


def test_a_dataclass_field_of_the_wrong_type_is_refused():
    plain = plaindata.to_plain(nodes.FieldTest("lower", False, nodes.Literal("a"), at=3))
    again = json.loads(json.dumps(plain))
    assert plaindata.from_plain(again) == nodes.FieldTest("lower", False, nodes.Literal("a"))
    for index, wrong in [(2, 5), (3, "no"), (4, ["l", 1]), (4, "a"), (5, "3")]:
        bad = json.loads(json.dumps(plain))
        bad["objects"][-1][index] = wrong           # ["c", class, field, negated, value, at]
        name = ("field", "negated", "value", "at")[index - 2]
        with pytest.raises(plaindata.Malformed, match=f"FieldTest.{name} is not of its type"):
            plaindata.from_plain(bad)


def test_a_named_tuple_field_of_the_wrong_type_is_refused():
    rows = (program.Split(1, 2), program.Jump(0), program.Match())
    plain = json.loads(json.dumps(plaindata.to_plain(rows)))
    assert plaindata.from_plain(plain) == rows
    plain["root"][3][1][1] = "0"                     # Jump.to as a string
    with pytest.raises(plaindata.Malformed, match="Jump.to is not of its type"):
        plaindata.from_plain(plain)


def test_equal_constraints_share_one_predicate_and_match_as_compiled(tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    compiled = evx.load_rules()
    warm = evx.load_rules()
    assert [r.to_dict() for r in warm.extract(SENTENCE, mentions=True)] == \
        [r.to_dict() for r in compiled.extract(SENTENCE, mentions=True)]
    tests: dict = {}
    for rule in warm.rules:
        code = getattr(rule.matcher, "program", None)
        for ins in (code.code if code is not None else ()):
            if ins.op == program.TOKEN:
                tests.setdefault((ins.constraint, id(ins.labels)), set()).add(id(ins.test))
    assert tests and all(len(ids) == 1 for ids in tests.values())
