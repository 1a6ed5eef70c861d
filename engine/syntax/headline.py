"""Title-case headlines, as the tagger and parser should read them.

In "Gunmen Storm Hotel in Mogadishu" every word is capitalised, and models trained on running
text read each as a name. A sentence in title case is given to them with its ordinary words
in lower case ("Gunmen storm hotel in Mogadishu"), names kept; the tokens themselves, and
every field but the tags and the tree, stay as written.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..text.lemma import is_plain_word

# the short words a title-case headline leaves in lower case
HEADLINE_LOWER = frozenset("""
a an and as at but by for from in into nor of off on onto or over per the to up upon via vs with
""".split())
MIN_CAPITALISED = 3         # words a title-case sentence capitalises, at least


def is_title_case(words: Sequence[str]) -> bool:
    """Whether every word of letters is capitalised, but for HEADLINE_LOWER, with at least
    MIN_CAPITALISED capitalised words other than the first."""
    capitalised = 0
    for k, word in enumerate(words):
        first = word[:1]
        if not first.isalpha():
            continue
        if first.isupper():
            capitalised += k > 0
        elif word not in HEADLINE_LOWER:
            return False
    return capitalised >= MIN_CAPITALISED


def model_words(words: Sequence[str], plain: Callable[[str], bool] = is_plain_word) -> list[str]:
    """`words` as the models see them: in a title-case sentence, its ordinary capitalised
    words (not all-capital ones, not names) in lower case."""
    if not is_title_case(words):
        return list(words)
    return [w.lower() if w[:1].isupper() and not w.isupper() and plain(w) else w for w in words]
