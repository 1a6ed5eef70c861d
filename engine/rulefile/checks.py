"""What must hold of a rule set as a whole, once every file is read and every rule built.

- In a rule set with a taxonomy (one of its files declares one), every label the set uses
  (rule labels, event schemas, `attach:`, the `types:` of contexts) is in the taxonomy
  (merged from every file loaded): a typo is an error, with the closest label. A set
  without one, loaded beside it, keeps its labels free.
- A rule only sees mentions found at earlier priorities: `@Label` or `mention=Label` at a
  priority where nothing can have found that label yet would never match (and
  `!mention=Label` would always hold).
- Examples expect only types and roles the rule set has.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..errors import did_you_mean
from .kinds import Built, MentionUse
from .model import Example, Rule
from .taxonomy import Taxonomy

if TYPE_CHECKING:
    from .loader import _State


def check_rule_set(state: "_State", rules: list[Rule], built: Mapping[str, Built], taxonomy: Taxonomy) -> None:
    """`built`: what each rule's kind made of it, by rule name."""
    _labels_in_taxonomy(state)
    _check_cascade(state, rules, built)
    for rule in rules:
        for example in rule.examples:
            _check_example(state, example, taxonomy)


def _labels_in_taxonomy(state: "_State") -> None:
    reported = set()
    for label, at, user, rule_set in state.label_uses:
        if rule_set not in state.with_taxonomy or label in state.parents or (label, at) in reported:
            continue
        reported.add((label, at))
        state.error(f"{user} uses label '{label}', which is not in the taxonomy", at,
                    did_you_mean(label, state.parents) or "add it to the taxonomy")


def _check_cascade(state: "_State", rules: list[Rule], built: Mapping[str, Built]) -> None:
    """A mention label that no earlier step can have found: the test can never work."""
    # first step at which each label can have been found (a rule's matches are visible a step later)
    first_seen: dict[str, int] = {}
    for rule in rules:
        for label in rule.labels:
            first_seen[label] = min(first_seen.get(label, rule.priority.low), rule.priority.low)
    for rule in rules:
        last = rule.priority.high
        reported = set()
        made = built[rule.name]
        for use in made.mentions:
            if use.written in reported:
                continue
            seen_at = [first_seen[w] for w in use.wanted if w in first_seen]
            if seen_at and (last is None or min(seen_at) < last):
                continue
            reported.add(use.written)
            producers = sorted({f"'{r.name}' (priority {r.priority})" for r in rules
                                if not use.wanted.isdisjoint(r.labels)})
            hint = ("found by " + ", ".join(producers[:3]) + ": give this rule a later priority"
                    if producers else "no rule finds this label")
            effect = "always holds" if use.negated else "never matches"
            state.error(f"rule '{rule.name}' (priority {rule.priority}) uses {use.written} "
                        f"but nothing finds {_label_of(use)} before it runs, so it {effect}",
                        made.locate(use.offset) if made.locate is not None else rule.location, hint)


def _label_of(use: MentionUse) -> str:
    written = use.written.lstrip("@!")
    if "=" in written:
        return written.split("=", 1)[1]
    return written.rpartition(":")[2]       # `role:Label`, a graph rule's role


def _check_example(state: "_State", example: Example, taxonomy: Taxonomy) -> None:
    for expected in example.expect:
        if taxonomy.expand(expected.type) is None:
            state.error(f"example expects unknown type '{expected.type}'", example.location,
                        did_you_mean(expected.type, taxonomy.names))
            continue
        schema = state.schemas.get(expected.type)
        if schema is None:
            continue
        for role in expected.roles:
            if role != "trigger" and role not in schema.roles:
                state.error(f"example expects role '{role}', which {expected.type} does not have",
                            example.location, did_you_mean(role, schema.roles))
