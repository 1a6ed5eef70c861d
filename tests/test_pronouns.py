"""The enrich stage's pronouns: an event argument that is a pronoun takes its antecedent."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import evx

RULES = """\
taxonomy:
  - Entity:
      - Actor: [Person, Group]
      - Place
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination]}
{enrich}
rules:
  - name: people
    label: Person
    pattern: '[word in (Anna, Omar, Lena)]'
  - name: pronouns
    label: Person
    pattern: '[lower in (he, she, his, her)]'
  - name: crews
    label: Group
    pattern: '[lower=crew]'
  - name: places
    label: Place
    pattern: '[word in (Lima, Oslo)]'
  - name: visit
    label: VISIT
    priority: 2
    pattern: '(?<visitor> [lower in (he, she, his, her, they, it)] | @Person | @Group) (?<trigger> [lower in (visit, arrived)]) (to | in) (?<destination> @Place | [lower in (her, him)])'
"""
ENRICH = """\
enrich:
  pronouns:
    antecedents: {Person: [he, she, his, her], Actor: [they]}
"""


def rules_with(tmp_path: Path, enrich: str = ENRICH, name: str = "rules.yml") -> evx.RuleSet:
    path = tmp_path / name
    path.write_text(RULES.replace("{enrich}", textwrap.dedent(enrich)), encoding="utf-8")
    return evx.load_rules(path)


def roles(rules: evx.RuleSet, text: str) -> list[dict[str, list[str]]]:
    out = []
    for record in rules.extract(text):
        d = record.to_dict()
        for args in d["arguments"].values():
            for arg in args:
                assert arg["text"] == text[arg["start"]:arg["end"]]
        out.append({role: [a["text"] for a in args] for role, args in d["arguments"].items()})
    return out


def test_a_pronoun_takes_the_nearest_mention_before_it(tmp_path):
    rules = rules_with(tmp_path)
    assert roles(rules, "Omar said Anna and her visit to Lima went well.") == [
        {"visitor": ["Anna"], "destination": ["Lima"]}]


def test_without_the_section_the_pronoun_stays(tmp_path):
    rules = rules_with(tmp_path, enrich="")
    assert roles(rules, "Anna said her visit to Lima went well.") == [
        {"visitor": ["her"], "destination": ["Lima"]}]


def test_a_pronoun_with_no_mention_before_it_stays(tmp_path):
    rules = rules_with(tmp_path)
    assert roles(rules, "She arrived in Oslo, Anna said.") == [{"visitor": ["She"], "destination": ["Oslo"]}]


def test_another_pronoun_is_no_antecedent(tmp_path):
    rules = rules_with(tmp_path)
    assert roles(rules, "Lena said he thinks his visit to Lima was short.") == [
        {"visitor": ["Lena"], "destination": ["Lima"]}]


def test_a_label_takes_the_labels_under_it(tmp_path):
    rules = rules_with(tmp_path)
    assert roles(rules, "The crew said they arrived in Oslo.") == [{"visitor": ["crew"], "destination": ["Oslo"]}]


def test_a_word_the_section_does_not_list_stays(tmp_path):
    rules = rules_with(tmp_path)
    assert roles(rules, "The crew said it arrived in Oslo.") == [{"visitor": ["it"], "destination": ["Oslo"]}]


def test_the_antecedent_is_never_another_role_of_the_same_event(tmp_path):
    rules = rules_with(tmp_path, enrich="""\
        enrich:
          pronouns:
            antecedents: {Person: [he, she, his, her, him]}
        """)
    found = roles(rules, "Anna said Lena arrived in her")
    assert found == [{"visitor": ["Lena"], "destination": ["Anna"]}]


def test_roles_limit_where_pronouns_are_resolved(tmp_path):
    rules = rules_with(tmp_path, enrich="""\
        enrich:
          pronouns:
            antecedents: {Person: [he, she, his, her, him]}
            roles: [destination]
        """)
    assert roles(rules, "Anna said her visit to Lima went well.") == [{"visitor": ["her"], "destination": ["Lima"]}]
    assert roles(rules, "Anna said Lena arrived in her") == [{"visitor": ["Lena"], "destination": ["Anna"]}]


def test_the_bundled_rules_name_the_visitor_not_the_pronoun():
    rules = evx.load_rules()
    found = [r.to_dict() for r in rules.extract("Clinton, ahead in Michigan, is making her first stop in the state.")]
    visits = [r for r in found if r["type"] == "VISIT"]
    assert [a["text"] for a in visits[0]["arguments"]["visitor"]] == ["Clinton"]


@pytest.mark.parametrize("enrich, message, line, column", [
    ("enrich:\n  pronouns: [he, she]\n", "'pronouns' is {antecedents:", 9, 13),
    ("enrich:\n  pronouns:\n    antecedents: {Persons: [he]}\n", "Persons", 10, 19),
    ("enrich:\n  pronouns:\n    antecedents: {Person: [he, the man]}\n", "one word", 10, 32),
    ("enrich:\n  pronouns:\n    antecedents: {Person: [he]}\n    roles: [visitor, visiter]\n", "visiter", 11, 22),
    ("enrich:\n  pronouns:\n    antecedents: {Person: [he]}\n    role: [visitor]\n", "role", 11, 5),
])
def test_mistakes_are_errors_at_their_place(tmp_path, enrich, message, line, column):
    path = tmp_path / "rules.yml"
    path.write_text(RULES.replace("{enrich}", enrich), encoding="utf-8")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    errors = info.value.errors
    assert len(errors) == 1, [e.format() for e in errors]
    err = errors[0]
    assert message in err.message
    assert (err.location.line, err.location.column) == (line, column), err.format()
