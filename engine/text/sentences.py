"""Tokens -> sentences: where sentences end, as spans of token indices.

Sentence splitting:

* A sentence ends after . ! ? … (plus any closing quotes or brackets glued to
  them) when whitespace follows and the next token starts with an upper-case
  letter, a digit, or an opening quote or bracket.
* A blank line (two or more line breaks, LF, CRLF or CR) always ends a
  sentence, so a headline without a final period is its own sentence.  A single
  line break ends one only when the line ends with terminal punctuation.
* A headline glued to its story's dateline ends a sentence: in "Envoy Heads to Talks-MANILA
  — -The envoy left ...", the sentence breaks after the hyphen before "MANILA", an all-capital
  word glued to it that a dash follows within a few tokens. A dateline is a sentence of its
  own too ("MANILA — -", "KABUL, Afghanistan (AP) —"): an all-capital word that starts a
  sentence, then names, commas and brackets, then a dash, after which the sentence breaks.
* Titles and initials ("Mr.", "Gen.", "J.") never end a sentence.  Other
  abbreviations and dotted acronyms ("U.S.", "Inc.", "etc.") are ambiguous; we
  prefer not to split after them: they end a sentence only when a closing
  quote or bracket follows them, or when they end a line, and then only if the
  next token looks like a sentence start.  So "in the U.S. Officials said"
  stays one sentence while "in the U.S.\\nOfficials said" is two.
* A sentence never holds more than 1,000 tokens (`MAX_SENTENCE_TOKENS`): a
  longer run is cut into consecutive pieces of at most 1,000 tokens, so that
  later stages never see unbounded sentences.  Each cut falls at the best
  boundary in the second half of the piece: after the last semicolon, colon or
  dash there, else after the last comma, else (no such mark) at 1,000 tokens.
  The same cap applies to sentences given with provided tokens.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Sequence

from .tokenize import OTHER_ABBREVIATIONS, SPACE, TERMINAL, TERMINAL_CHARS, TITLES, is_initial

MAX_SENTENCE_TOKENS = 1000

_TERMINAL_RE = re.compile(TERMINAL)
_DOTTED_RE = re.compile(r"(?:[^\W\d_]\.){2,}")
# A run of whitespace that starts at a line break (every str.splitlines() boundary).
_LINEBREAK_RUN_RE = re.compile(rf"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029][{SPACE}]*")

_CLOSERS = frozenset("\"'”’»›)]}")
_OPENERS = frozenset("\"'“‘«„‚‹([{")

_NOT_TERMINAL, _HARD, _SOFT, _TITLE = 0, 1, 2, 3


@lru_cache(maxsize=4096)
def _terminal_class(word: str) -> int:
    """How a token can end a sentence: hard (. ! ?), soft (abbreviation), title (never)."""
    if _TERMINAL_RE.fullmatch(word):
        return _HARD
    if len(word) > 1 and word[-1] == ".":
        base = word[:-1]
        if base in TITLES or is_initial(base):
            return _TITLE
        if base in OTHER_ABBREVIATIONS or _DOTTED_RE.fullmatch(word):
            return _SOFT
    return _NOT_TERMINAL



def _starts_sentence(word: str) -> bool:
    c = word[0]
    return c.isupper() or c.istitle() or c.isdigit() or c in _OPENERS


def _line_breaks(gap: str) -> int:
    if "\u2029" in gap:                  # paragraph separator
        return 2
    return len((gap + "x").splitlines()) - 1


def sentence_breaks(text: str, starts: list[int], ends: list[int], words: list[str]) -> set[int]:
    """Indices of tokens after which a sentence ends (the last token is implied)."""
    n = len(words)
    breaks: set[int] = set()
    for i in [i for i, w in enumerate(words) if w[-1] in TERMINAL_CHARS]:
        kind = _terminal_class(words[i])
        if kind == _NOT_TERMINAL or kind == _TITLE:
            continue
        j = i
        while j + 1 < n and starts[j + 1] == ends[j] and words[j + 1] in _CLOSERS:
            j += 1
        if j + 1 >= n or starts[j + 1] == ends[j]:
            continue
        if kind == _SOFT and j == i:
            continue
        if _starts_sentence(words[j + 1]):
            breaks.add(j)

    breaks.update(_dateline_breaks(starts, ends, words))

    for m in _LINEBREAK_RUN_RE.finditer(text):
        k = bisect.bisect_left(starts, m.end())
        if k == 0 or k >= n or ends[k - 1] > m.start():
            continue                     # before the first or after the last token, or inside one
        if _line_breaks(m.group()) >= 2:
            breaks.add(k - 1)
            continue
        j = k - 1
        while j > 0 and words[j] in _CLOSERS and starts[j] == ends[j - 1]:
            j -= 1
        kind = _terminal_class(words[j])
        if kind == _HARD or (kind == _SOFT and _starts_sentence(words[k])):
            breaks.add(k - 1)
    breaks.update(_dateline_ends(words, breaks))
    return breaks


_DATELINE_DASHES = frozenset({"—", "–", "--", "―"})
_DATELINE_REACH = 6          # tokens from the city to its dash: "SANAA , YEMEN —"


def _is_city(word: str) -> bool:
    """Whether `word` can open a dateline: an all-capital word of letters ("MANILA")."""
    return len(word) > 1 and word.isalpha() and word.isupper()


def _dateline_breaks(starts: Sequence[int], ends: Sequence[int], words: Sequence[str]) -> list[int]:
    """Hyphens that join a headline to a dateline: glued to the word before and to an
    all-capital word after, which a dash follows within _DATELINE_REACH tokens."""
    n = len(words)
    out = []
    for i in [i for i, w in enumerate(words) if w == "-"]:
        if not 0 < i < n - 2 or starts[i] != ends[i - 1] or starts[i + 1] != ends[i]:
            continue
        if not _is_city(words[i + 1]):
            continue
        if any(w in _DATELINE_DASHES for w in words[i + 2:i + 2 + _DATELINE_REACH]):
            out.append(i)
    return out


_DATELINE_INSIDE = frozenset({",", "(", ")"})
_DATELINE_TAIL = _DATELINE_DASHES | {"-"}       # "— -" in VOA's "WASHINGTON — -Former ..."


def _dateline_ends(words: Sequence[str], breaks: set[int]) -> list[int]:
    """The last dash of each dateline that starts a sentence: an all-capital word, then at most
    _DATELINE_REACH tokens of capitalised words, commas and brackets, then dashes."""
    n = len(words)
    out = []
    for first in ([0] if n else []) + [b + 1 for b in breaks if b + 1 < n]:
        if not _is_city(words[first]):
            continue
        k = first + 1
        while k < n and k - first <= _DATELINE_REACH and (words[k] in _DATELINE_INSIDE or words[k][:1].isupper()):
            k += 1
        if k >= n or words[k] not in _DATELINE_DASHES:
            continue
        while k + 1 < n and words[k + 1] in _DATELINE_TAIL:
            k += 1
        if k + 1 < n:
            out.append(k)
    return out


def spans_from_breaks(n: int, breaks: set[int]) -> list[tuple[int, int]]:
    spans = []
    lo = 0
    for b in sorted(breaks):
        spans.append((lo, b + 1))
        lo = b + 1
    if lo < n:
        spans.append((lo, n))
    return spans


# marks after which an over-long sentence is best cut, strongest first
_CUT_AFTER = (frozenset({";", ":", "—", "–", "--", "-", "…", "..."}), frozenset({","}))


def cap(spans: list[tuple[int, int]], words: Sequence[str]) -> list[tuple[int, int]]:
    """Cut sentences longer than MAX_SENTENCE_TOKENS into consecutive pieces, each cut
    after the best mark among `words` (the tokens' words) in the second half of its piece."""
    out = []
    for lo, hi in spans:
        while hi - lo > MAX_SENTENCE_TOKENS:
            cut = _best_cut(words, lo)
            out.append((lo, cut))
            lo = cut
        out.append((lo, hi))
    return out


def _best_cut(words: Sequence[str], lo: int) -> int:
    """Where a piece starting at token `lo` of an over-long sentence ends (exclusive)."""
    last = lo + MAX_SENTENCE_TOKENS
    for marks in _CUT_AFTER:
        for i in range(last - 1, lo + MAX_SENTENCE_TOKENS // 2 - 1, -1):
            if words[i] in marks:
                return i + 1
    return last
