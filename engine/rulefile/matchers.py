"""How a rule finds its matches: one protocol that every kind of rule implements.

The cascade asks a rule's matcher for its matches in a sentence (`find`), the rule index
asks it what every match needs (`prefilter`), and `evx explain` asks it to say what it did
in a sentence (`describe`). A new kind of rule is one more class here, and nothing in
the cascade or in explain changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar, Iterator, Mapping, Protocol, Sequence

from ..io.writers import shorten
from ..pattern.compiler import Program, describe as describe_instruction
from ..pattern.lexicon import Lexicon
from ..pattern.matches import Argument, Match
from ..pattern.prefilter import Needs, Prefilter
from ..pattern.vm import SentenceState, candidate_starts, captures, find_matches, holds, missing, trace_start

MAX_STARTS = 12     # start positions `describe` lists per sentence

Arguments = Mapping[str, tuple[Argument, ...]]
NO_ARGUMENTS: Arguments = MappingProxyType({})


@dataclass(frozen=True)
class Description:
    """What a rule did in one sentence, for `evx explain`: a summary that follows the rule's
    name on its line (or None), the lines under it, and the mention labels the rule needed
    and did not find there (each a set: any one of them would have done)."""
    summary: str | None
    lines: tuple[str, ...] = ()
    missing_labels: tuple[frozenset[str], ...] = ()


class Matcher(Protocol):
    """What the cascade, the rule index and `evx explain` need of a rule."""
    kind: ClassVar[str]

    @property
    def prefilter(self) -> Prefilter | None:
        """What every match needs, for the rule index to skip sentences (None: nothing known)."""

    @property
    def captures(self) -> frozenset[str]:
        """The argument names a match can have: none makes plain mentions, `trigger` events."""

    @property
    def fields(self) -> frozenset[str]:
        """The token fields it reads, so that the syntax stage fills those and only those."""

    def find(self, state: SentenceState, anchors: Sequence[int] | None = None
             ) -> Iterator[tuple[int, int, Arguments]]:
        """(start, end, arguments) of each match in the sentence, leftmost first. `anchors`
        are the positions the rule index found the rule's anchor at, when it did."""

    def describe(self, state: SentenceState, matches: Sequence[Match]) -> Description:
        """How the rule fared in the sentence, given the matches it made there."""


@dataclass(frozen=True)
class _Attempt:
    """One start position of a replayed search: how far it got and what it wanted there."""
    start: int
    reached: int
    wanted: tuple[str, ...]
    matched: bool = False


@dataclass(frozen=True, eq=False)
class TokenMatcher:
    """A pattern over the tokens of a sentence, run by the VM."""
    kind: ClassVar[str] = "token"
    program: Program
    source: str = ""            # the pattern as written, variables unexpanded

    def __repr__(self) -> str:
        return f"<TokenMatcher {len(self.program.code)} instructions>"

    @property
    def prefilter(self) -> Prefilter | None:
        return self.program.prefilter

    @property
    def fields(self) -> frozenset[str]:
        return self.program.fields

    @property
    def captures(self) -> frozenset[str]:
        return self.program.captures

    def find(self, state: SentenceState, anchors: Sequence[int] | None = None
             ) -> list[tuple[int, int, Arguments]]:
        return [(start, end, MappingProxyType(captures(events)))
                for start, end, events in find_matches(self.program, state, anchors)]

    def describe(self, state: SentenceState, matches: Sequence[Match]) -> Description:
        """Replay the search from every position where a match could start, keeping the
        tests that failed at the furthest token each start reached."""
        program = self.program
        lacking = missing(program.prefilter.needs, state)
        if lacking is not None:
            return Description(f"skipped, {lacking}", (), _absent_labels(program.prefilter.needs, state))
        starts = candidate_starts(program, state, follow=False)
        words = [t.word for t in state.tokens]
        covered = [(m.start, m.end) for m in matches]
        attempts: list[_Attempt] = []
        for start in starts:
            if any(s < start < e for s, e in covered):
                continue        # inside a match: the search never starts there
            found, trace = trace_start(program, state, start)
            if found is not None and found[0] > start:
                attempts.append(_Attempt(start, found[0], (), matched=True))
                continue
            reached = max((pos for pos, _ in trace), default=start)
            wanted: list[str] = []
            for pos, pc in trace:
                text = describe_instruction(program.code[pc])
                if pos == reached and text and text not in wanted:
                    wanted.append(text)
            attempts.append(_Attempt(start, reached, tuple(wanted)))
        if not attempts:
            return Description("no token can start a match here")
        telling = [a for a in attempts if a.matched or a.reached > a.start]
        if not telling:
            wanted = " or ".join(shorten(w, 80) for w in attempts[0].wanted[:3])
            return Description(f"no match; every start fails at its first token (wanted {wanted})")
        by_span = {(m.start, m.end): m for m in matches}
        lines = []
        for attempt in telling[:MAX_STARTS]:
            start, reached = attempt.start, attempt.reached
            at = f"from {start} {words[start]!r}"
            if attempt.matched:
                lines.append(f"    {at}: MATCH {start}-{reached} {quote(' '.join(words[start:reached]))}")
                match = by_span.get((start, reached))
                for role, args in (match.arguments.items() if match is not None else ()):
                    for a in args:
                        label = f" ({a.match.label})" if a.match is not None else ""
                        lines.append(f"        {role} = {quote(' '.join(words[a.start:a.end]))}{label}")
                continue
            where = f"token {reached} {words[reached]!r}" if reached < len(words) else "the end of the sentence"
            said = " or ".join(shorten(w, 80) for w in attempt.wanted[:3]) or "nothing more"
            lines.append(f"    {at}: stopped at {where}, wanted {said}")
        if len(telling) > MAX_STARTS:
            lines.append(f"    ... and {len(telling) - MAX_STARTS} more start positions")
        if len(attempts) > len(telling):
            lines.append(f"    ({len(attempts) - len(telling)} other start position(s) fail at their first token)")
        return Description(None, tuple(lines))


@dataclass(frozen=True, eq=False)
class LexiconMatcher:
    """A phrase list: the longest phrase at each leftmost position."""
    kind: ClassVar[str] = "lexicon"
    lexicon: Lexicon

    def __repr__(self) -> str:
        return f"<LexiconMatcher {self.lexicon!r}>"

    @cached_property
    def prefilter(self) -> Prefilter | None:
        """Every match starts with the first word of one of the phrases and ends with the last
        word of one (the same phrase: "not true" needs both "not" and "true")."""
        lexicon = self.lexicon
        first, last = lexicon.first_words, lexicon.last_words
        return Prefilter(needs=Needs(((lexicon.field, first),) + (((lexicon.field, last),) if last != first else ())))

    @property
    def captures(self) -> frozenset[str]:
        return frozenset()

    @property
    def fields(self) -> frozenset[str]:
        return frozenset({self.lexicon.field})

    def find(self, state: SentenceState, anchors: Sequence[int] | None = None
             ) -> Iterator[tuple[int, int, Arguments]]:
        lexicon = self.lexicon
        first = lexicon.first_words
        # the sentence's own words, each asked once, say where a phrase can begin
        where = state.positions(lexicon.field)
        starts = sorted(i for word in first.intersection(where) for i in where[word])
        for start, end in lexicon.find(state.tokens, starts):
            yield start, end, NO_ARGUMENTS

    def describe(self, state: SentenceState, matches: Sequence[Match]) -> Description:
        words = [t.word for t in state.tokens]
        spans = ", ".join(quote(" ".join(words[m.start:m.end])) for m in matches)
        return Description(f"lexicon, {len(matches)} match(es){': ' + spans if spans else ''}")


def _absent_labels(needs: Needs, state: SentenceState) -> tuple[frozenset[str], ...]:
    """The mention labels a skipped rule lacked, when nothing but mentions was lacking."""
    for name, values in needs.values:
        if name != "mention" and state.values(name).isdisjoint(values):
            return ()
    for name, rx in needs.patterns:
        if not any(map(rx.search, state.values(name))):
            return ()
    present = state.labels()
    wanted = [values for name, values in needs.values if name == "mention"] + list(needs.labels)
    for group in needs.either:
        if any(holds(name, values, state) for name, values in group):
            continue
        if not all(name == "mention" for name, _ in group):
            return ()
        wanted.append(frozenset().union(*(values for _, values in group)))
    return tuple(labels for labels in wanted if labels.isdisjoint(present))


def quote(text: str, width: int = 100) -> str:
    return '"' + shorten(" ".join(text.split()), width) + '"'
