"""Pronoun arguments given the mention they stand for, as the rule file's `enrich: pronouns` asks.

The guide a rule set follows often wants the name, not the pronoun: in "Clinton is making her
first stop in Michigan" the visitor is Clinton. A rule reads "her" off the tree; this stage
replaces such an argument by a mention before it in the sentence of a label the rule file
pairs with that word:

    enrich:
      pronouns:
        antecedents: {Person: [he, him, his, she, her], Organization: [it, its]}
        roles: [visitor, attacker]      # optional: only these roles (else every role)

The nearest subject wins, else the nearest mention. Never the event's trigger, another of its
arguments (in "Anna and Omar met with him" he is neither of them) or another pronoun. With no
such mention the pronoun stays; nothing crosses a sentence, as records keep their sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Mapping, Sequence

from ..pattern.matches import MENTION, Argument, Match
from ..text.document import Document

SUBJECT = frozenset({"nsubj", "nsubj:pass"})


@dataclass(frozen=True)
class PronounEnrichment:
    """For each pronoun (lower case), the labels its antecedent may have, expanded to the
    labels under them; `roles`, the roles whose pronouns are resolved (empty: every role)."""
    words: tuple[tuple[str, frozenset[str]], ...] = ()
    roles: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.words)

    def applies_to(self, role: str) -> bool:
        return role != "trigger" and (not self.roles or role in self.roles)


def resolve_pronouns(doc: Document, matches: Sequence[Match], pronouns: PronounEnrichment) -> list[Match]:
    """The matches, each event argument that is one of the pronouns replaced by its antecedent."""
    table: Mapping[str, frozenset[str]] = dict(pronouns.words)
    if not table:
        return list(matches)
    wanted = frozenset().union(*table.values())
    by_sentence: dict[int, list[Match]] = {}
    for match in matches:
        if match.kind == MENTION and not wanted.isdisjoint(match.labels):
            by_sentence.setdefault(match.sentence, []).append(match)
    out = []
    for match in matches:
        if match.trigger is None or match.sentence not in by_sentence:
            out.append(match)
            continue
        words = doc.sentences[match.sentence].tokens
        candidates = by_sentence[match.sentence]
        arguments, changed = {}, False
        others = [a for r, more in match.arguments.items() if r != "trigger" for a in more]
        for role, args in match.arguments.items():
            if not pronouns.applies_to(role):
                arguments[role] = args
                continue
            resolved = []
            for arg in args:
                labels = table.get(words[arg.start].lower) if arg.end - arg.start == 1 else None
                found = (_antecedent(arg, labels, candidates, match.trigger, [a for a in others if a is not arg], words, table)
                         if labels else None)
                resolved.append(arg if found is None else Argument(found.start, found.end, found))
            changed = changed or any(a is not b for a, b in zip(resolved, args))
            arguments[role] = _unique(resolved)
        out.append(replace(match, arguments=MappingProxyType(arguments)) if changed else match)
    return out


def _antecedent(pronoun: Argument, labels: frozenset[str], candidates: Sequence[Match], trigger: Argument,
                others: Sequence[Argument], words, table: Mapping[str, frozenset[str]]) -> Match | None:
    """The mention of one of `labels` before the pronoun, a subject first, then the one ending
    nearest; never one overlapping the trigger or another argument of the event, nor a pronoun
    itself (the "he" of "he said his visit" stands for the name before it)."""
    best = None
    for mention in candidates:
        if labels.isdisjoint(mention.labels) or mention.end > pronoun.start:
            continue
        if mention.end - mention.start == 1 and words[mention.start].lower in table:
            continue
        if _overlaps(mention, trigger) or any(_overlaps(mention, a) for a in others):
            continue
        rank = (_is_subject(mention, words), mention.end, mention.end - mention.start)
        if best is None or rank > best[0]:
            best = (rank, mention)
    return None if best is None else best[1]


def _is_subject(mention: Match, words) -> bool:
    """Whether the parser made the mention a subject: "Blinken, who is on his fifth trip, met
    Netanyahu" and "Mensah held talks with Lula during his visit" are about the subject."""
    return any(words[i].incoming in SUBJECT for i in range(mention.start, mention.end))


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _unique(args: list[Argument]) -> tuple[Argument, ...]:
    """Two pronouns of one role may name the same antecedent: it is one argument."""
    seen, out = set(), []
    for arg in args:
        if (arg.start, arg.end) not in seen:
            seen.add((arg.start, arg.end))
            out.append(arg)
    return tuple(out)
