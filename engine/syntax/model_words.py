"""Words as the tagger and parser should read them: title-case headlines, honorifics written
without their period, and function words written as acronyms.

In "Gunmen Storm Hotel in Mogadishu" every word is capitalised, and models trained on running
text read each as a name. A sentence in title case is given to them with its ordinary words
in lower case ("Gunmen storm hotel in Mogadishu"), names kept. British and South Asian papers
write "Mr Wang" where the treebank has "Mr. Wang", and the models, which hardly saw the first,
read "Mr" as a possessive and the name after it as a common noun; before a capitalised word
such an honorific reaches them with its period. And "IS" (Islamic State) or "WHO" in running
text, which they read as the verb and the pronoun, reaches them as an acronym they know as a
name. The tokens themselves, and every field but the tags and the tree, stay as written.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..text.lemma import is_plain_word

# the short words a title-case headline leaves in lower case
HEADLINE_LOWER = frozenset("""
a an and as at but by for from in into nor of off on onto or over per the to up upon via vs with
""".split())
MIN_CAPITALISED = 3         # words a title-case sentence capitalises, at least
# honorifics as the treebank writes them, from the form without a period
HONORIFICS = {"Mr": "Mr.", "Mrs": "Mrs.", "Ms": "Ms.", "Dr": "Dr.", "Messrs": "Messrs.", "Prof": "Prof."}


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


# function words that news writes in capitals as the acronyms of names ("IS militants", "WHO
# officials"), and the acronym the models see instead: one they know as a name, in the
# contexts names take ("NATO forces", "fighters loyal to NATO")
FUNCTION_ACRONYMS = frozenset("IS WHO IT AS AT ON OR AN NO WE HE DO".split())
ACRONYM_STAND_IN = "NATO"


def _running_text(words: Sequence[str]) -> bool:
    """More words begin in lower case than are written all in capitals (not a shouted headline,
    where "IS" is the verb)."""
    lower = sum(1 for w in words if w[:1].islower())
    caps = sum(1 for w in words if len(w) > 1 and w.isalpha() and w.isupper())
    return lower > caps


def model_words(words: Sequence[str], plain: Callable[[str], bool] = is_plain_word) -> list[str]:
    """`words` as the models see them: in a title-case sentence, its ordinary capitalised
    words (not all-capital ones, not names) in lower case; an honorific without its period,
    before a capitalised word, with it; in running text, a function word written in capitals
    as the acronym it is there."""
    if is_title_case(words):
        words = [w.lower() if w[:1].isupper() and not w.isupper() and plain(w) else w for w in words]
    else:
        words = list(words)
    for k in range(len(words) - 1):
        if words[k] in HONORIFICS and words[k + 1][:1].isupper():
            words[k] = HONORIFICS[words[k]]
    if any(w in FUNCTION_ACRONYMS for w in words) and _running_text(words):
        words = [ACRONYM_STAND_IN if w in FUNCTION_ACRONYMS else w for w in words]
    return words
