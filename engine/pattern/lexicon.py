"""Phrase lists matched on lower-cased tokens: leftmost, longest, no overlaps."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..text.document import Token

_END = ""   # key that marks "a phrase ends here" in the trie; no token is empty
_SIMPLE = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, eq=False)
class Lexicon:
    trie: dict = field(repr=False)
    size: int

    def find(self, tokens: Sequence[Token]) -> Iterator[tuple[int, int]]:
        """Yield (start, end) token spans of the longest phrase at each leftmost position."""
        i, n = 0, len(tokens)
        root = self.trie
        while i < n:
            node = root.get(tokens[i].lower)
            best = -1
            j = i
            while node is not None:
                j += 1
                if _END in node:
                    best = j
                if j >= n:
                    break
                node = node.get(tokens[j].lower)
            if best > 0:
                yield i, best
                i = best
            else:
                i += 1


def build_lexicon(phrases: Iterable[str], tokenize: Callable[[str], list[str]]) -> Lexicon:
    """Tokenize each phrase the way documents are tokenized, so that they meet token for token."""
    trie: dict = {}
    size = 0
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        words = [phrase.lower()] if _SIMPLE.fullmatch(phrase) else [w.lower() for w in tokenize(phrase)]
        if not words:
            continue
        node = trie
        for word in words:
            node = node.setdefault(word, {})
        if _END not in node:
            node[_END] = True
            size += 1
    return Lexicon(trie, size)


def read_phrases(text: str) -> list[str]:
    """One phrase a line; `#` starts a comment line; blank lines are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
