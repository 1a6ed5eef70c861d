"""Phrase lists matched token by token: leftmost, longest, no overlaps.

A lexicon compares the lower-cased form of tokens (`lower`) unless it was built case
sensitive, when it compares the text as written (`word`), or on lemmas (`lemma`), when each
word of a phrase is lemmatized as document words are, so that "hold talks" also finds
"held talks" and "holding talks".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Sequence

from ..text.document import Token

_END = ""   # key that marks "a phrase ends here" in the trie; no token is empty
_SIMPLE = re.compile(r"[^\W_]+", re.UNICODE)
FIELDS = ("lower", "word", "lemma")      # case-insensitive, case-sensitive, by lemma


@dataclass(frozen=True, eq=False)
class Lexicon:
    trie: dict = field(repr=False)
    size: int
    field: str = "lower"        # the token field phrases are compared with

    def __repr__(self) -> str:
        how = {"lower": "", "word": ", case-sensitive", "lemma": ", by lemma"}[self.field]
        return f"<Lexicon {self.size} phrases{how}>"

    @cached_property
    def first_words(self) -> frozenset[str]:
        """The words a phrase can start with: a sentence with none of them has no match."""
        return frozenset(key for key in self.trie if key != _END)

    @cached_property
    def last_words(self) -> frozenset[str]:
        """The words a phrase can end with ("true" of "not true"): a match has one of them too."""
        found = set()
        todo = [self.trie]
        while todo:
            node = todo.pop()
            for key, child in node.items():
                if key != _END:
                    if _END in child:
                        found.add(key)
                    todo.append(child)
        return frozenset(found)

    def find(self, tokens: Sequence[Token], starts: Iterable[int] | None = None) -> Iterator[tuple[int, int]]:
        """Yield (start, end) token spans of the longest phrase at each leftmost position.
        `starts`, when given, are the positions (in order) whose word begins some phrase:
        only there is a phrase looked for."""
        words = list(map(attrgetter(self.field), tokens))
        n = len(words)
        root = self.trie
        resume = 0
        for i in (range(n) if starts is None else starts):
            if i < resume:
                continue
            node = root.get(words[i])
            best = -1
            j = i
            while node is not None:
                j += 1
                if _END in node:
                    best = j
                if j >= n:
                    break
                node = node.get(words[j])
            if best > 0:
                yield i, best
                resume = best


def build_lexicon(phrases: Iterable[str], tokenize: Callable[[str], list[str]],
                  field: str = "lower") -> Lexicon:
    """Tokenize each phrase the way documents are tokenized, so that they meet token for token;
    `field` is the token field compared (see FIELDS)."""
    if field not in FIELDS:
        raise ValueError(f"a lexicon compares one of {', '.join(FIELDS)}, not {field!r}")
    forms = _FORMS[field]
    trie: dict = {}
    size = 0
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        words = [phrase] if _SIMPLE.fullmatch(phrase) else tokenize(phrase)
        if not words:
            continue
        ends = [trie]
        for word in words:
            ends = [node.setdefault(form, {}) for node in ends for form in forms(word)]
        added = False
        for node in ends:
            added = added or _END not in node
            node[_END] = True
        size += added
    return Lexicon(trie, size, field)


def _lemma_forms(word: str) -> tuple[str, ...]:
    """A phrase word matched by lemma stands for its lemma and for itself taken as a lemma:
    simplemma gives "meeting" the lemma "meet" but "meetings" the lemma "meeting", so the
    line "meeting" must find both."""
    from ..text.lemma import lemmatize
    return tuple(dict.fromkeys((lemmatize(word), word.lower())))


_FORMS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "lower": lambda word: (word.lower(),), "word": lambda word: (word,), "lemma": _lemma_forms}


def read_phrases(text: str) -> list[str]:
    """One phrase a line; `#` starts a comment line; blank lines are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
