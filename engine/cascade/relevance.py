"""Which sentences can hold a wanted record at all, told from their words alone.

Most sentences of a news story hold no event. Each rule's prefilter says what the sentence
of any match holds (see pattern/prefilter.py); of these, what a sentence's words answer
(word, lower, lemma, shape) is checked on the words, a mention of a label is taken as
possible when a rule of an earlier step could make one there, and what only tags and trees
could answer is taken as there. A sentence where no rule that makes a wanted record can
match is neither tagged, parsed nor matched: its records would be none anyway, because
nothing in the cascade crosses a sentence. The answer errs one way only: a sentence kept
may still hold nothing.

Each distinct (field, values) that some rule needs is a numbered "word need"; a sentence's
words are looked up once to say which of them it has, and each rule then asks that set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Sequence

from ..pattern.prefilter import Needs
from ..rulefile.model import Rule
from ..text.document import Sentence
from .run import Plan

# the token fields annotation gives before any tagging or parsing
WORD_FIELDS = frozenset({"word", "lower", "lemma", "shape"})


@dataclass(frozen=True)
class _Gate:
    """What a rule's sentences hold, as far as words and earlier mentions answer it: every
    word need of `words`, a token each regex of `patterns` finds something in, a mention of
    each label set, and of each group of `either` one of its word needs or labels."""
    words: frozenset[int]
    patterns: tuple[tuple[str, "re.Pattern[str]"], ...]
    labels: tuple[frozenset[str], ...]
    either: tuple[tuple[frozenset[int], frozenset[str]], ...]
    makes: frozenset[str]
    goal: bool

    def opens(self, present: set[int], labels: set[str], found: "_Found") -> bool:
        if not self.words <= present:
            return False
        for wanted in self.labels:
            if wanted.isdisjoint(labels):
                return False
        for words, wanted in self.either:
            if words.isdisjoint(present) and wanted.isdisjoint(labels):
                return False
        for need in self.patterns:
            if not found.matches(need):
                return False
        return True

    @property
    def free(self) -> bool:
        """Whether the words and mentions say nothing against it anywhere."""
        return not (self.words or self.patterns or self.labels or self.either)


class _Found:
    """A sentence's distinct values of each field, and which regexes find one, each worked out
    once."""

    __slots__ = ("tokens", "_values", "_patterns")

    def __init__(self, sentence: Sentence):
        self.tokens = sentence.tokens
        self._values: dict[str, set[str]] = {}
        self._patterns: dict[tuple, bool] = {}

    def values(self, name: str) -> set[str]:
        found = self._values.get(name)
        if found is None:
            found = self._values[name] = set(map(attrgetter(name), self.tokens))
        return found

    def matches(self, need: tuple[str, "re.Pattern[str]"]) -> bool:
        found = self._patterns.get(need)
        if found is None:
            found = self._patterns[need] = any(map(need[1].search, self.values(need[0])))
        return found


@dataclass(frozen=True, eq=False)
class _Step:
    """The gates of one step: the labels of those nothing can rule out (`free`), those found
    by a word need of theirs, those grouped by a label set they need, and the others."""
    free: frozenset[str]
    by_word: dict[int, tuple[_Gate, ...]]
    by_labels: tuple[tuple[frozenset[str], tuple[_Gate, ...]], ...]
    others: tuple[_Gate, ...]

    @classmethod
    def of(cls, gates: list[_Gate]) -> "_Step":
        by_word: dict[int, list[_Gate]] = {}
        by_labels: dict[frozenset[str], list[_Gate]] = {}
        others = []
        for gate in gates:
            if gate.free:
                continue
            if gate.labels:
                by_labels.setdefault(gate.labels[0], []).append(gate)
            elif gate.words:
                by_word.setdefault(min(gate.words), []).append(gate)
            else:
                others.append(gate)
        return cls(frozenset().union(*(g.makes for g in gates if g.free)),
                   {k: tuple(found) for k, found in by_word.items()},
                   tuple((labels, tuple(found)) for labels, found in by_labels.items()), tuple(others))

    def candidates(self, present: set[int], labels: set[str]) -> list[_Gate]:
        """The gates worth asking: the others, and those whose word need or label is there."""
        found = list(self.others)
        by_word = self.by_word
        for k in present:
            hits = by_word.get(k)
            if hits is not None:
                found.extend(hits)
        for wanted, gates in self.by_labels:
            if not wanted.isdisjoint(labels):
                found.extend(gates)
        return found


@dataclass(frozen=True, eq=False)
class SentenceFilter:
    """The gates of the rules that matter, step by step as the cascade runs them: the rules
    that make a wanted record, and those that make a mention one of them needs; `index`
    says, for a field and a value, which word needs a token with it meets."""
    steps: tuple[_Step, ...]
    after: tuple[_Gate, ...]            # open-ended rules, run again until nothing is new
    index: tuple[tuple[str, dict[str, tuple[int, ...]]], ...]
    everywhere: bool = False            # a wanted record's rule that nothing rules out

    def keeps(self, sentence: Sentence) -> bool:
        """Whether a rule that makes a wanted record could match in `sentence`."""
        if self.everywhere:
            return True
        found = _Found(sentence)
        present: set[int] = set()
        for name, table in self.index:
            get = table.get
            for value in found.values(name):
                numbers = get(value)
                if numbers is not None:
                    present.update(numbers)
        labels: set[str] = set()
        for step in self.steps:
            made = [step.free]
            for gate in step.candidates(present, labels):
                if gate.opens(present, labels, found):
                    if gate.goal:
                        return True
                    made.append(gate.makes)
            labels.update(*made)
        while self.after:
            before = len(labels)
            for gate in self.after:
                if gate.opens(present, labels, found):
                    if gate.goal:
                        return True
                    labels |= gate.makes
            if len(labels) == before:
                break
        return False

    def sentences(self, sentences: Sequence[Sentence]) -> frozenset[int]:
        """The places in `sentences` of those it keeps."""
        return frozenset(i for i, s in enumerate(sentences) if self.keeps(s))


class _WordNeeds:
    """Numbers the distinct (field, values) needs, and files each value under them."""

    def __init__(self):
        self.numbers: dict[tuple[str, frozenset[str]], int] = {}

    def number(self, need: tuple[str, frozenset[str]]) -> int:
        return self.numbers.setdefault(need, len(self.numbers))

    def index(self, used: set[int]) -> tuple[tuple[str, dict[str, tuple[int, ...]]], ...]:
        """For each field and value, the numbers among `used` of the needs it meets."""
        tables: dict[str, dict[str, list[int]]] = {}
        for (name, values), k in self.numbers.items():
            if k not in used:
                continue
            table = tables.setdefault(name, {})
            for value in values:
                table.setdefault(value, []).append(k)
        return tuple((name, {v: tuple(ks) for v, ks in table.items()}) for name, table in tables.items())


def _gate(rule: Rule, goal: bool, words: _WordNeeds) -> _Gate:
    pre = rule.matcher.prefilter
    needs = pre.needs if pre is not None else Needs()
    either = []
    for group in needs.either:
        if all(name in WORD_FIELDS or name == "mention" for name, _ in group):
            either.append((frozenset(words.number(fact) for fact in group if fact[0] != "mention"),
                           frozenset().union(*(values for name, values in group if name == "mention"))))
    return _Gate(
        frozenset(words.number(fact) for fact in needs.values if fact[0] in WORD_FIELDS),
        tuple((name, rx) for name, rx in needs.patterns if name in WORD_FIELDS),
        tuple(values for name, values in needs.values if name == "mention") + needs.labels,
        tuple(either), frozenset(rule.labels), goal)


def sentence_filter(plan: Plan, goal: Callable[[Rule], bool]) -> SentenceFilter:
    """The filter for the records of rules that `goal` picks."""
    rules = {id(rule): rule for step in plan.steps for rule in step[0]}
    if plan.after is not None:
        rules.update((id(rule), rule) for rule in plan.after[0])
    words = _WordNeeds()
    gates = {key: _gate(rule, goal(rule), words) for key, rule in rules.items()}
    # the rules that matter: the goals, and those that make a label a rule that matters needs
    needed: set[str] = set()
    matter = {key for key, gate in gates.items() if gate.goal}
    grew = True
    while grew:
        for key in matter:
            gate = gates[key]
            needed.update(*gate.labels, *(labels for _, labels in gate.either))
        more = {key for key, gate in gates.items() if key not in matter and not gate.makes.isdisjoint(needed)}
        matter |= more
        grew = bool(more)

    def kept(step_rules) -> list[_Gate]:
        return [gates[id(rule)] for rule in step_rules if id(rule) in matter]
    used = set().union(*(gates[key].words for key in matter), *(w for key in matter for w, _ in gates[key].either))
    everywhere = any(gates[key].goal and gates[key].free for key in matter)
    return SentenceFilter(tuple(_Step.of(kept(step[0])) for step in plan.steps),
                          tuple(kept(plan.after[0])) if plan.after is not None else (), words.index(used), everywhere)
