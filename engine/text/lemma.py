"""Lemmas: simplemma's, read from the cache's lemma table, with fixes for news text.

Lemmas come from simplemma (loaded on first use) through `lemmatize()`, which keeps names,
acronyms and abbreviations sensible.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

# Clitic lemmas are fixed rather than looked up: "'s" and "'d" are ambiguous, so they stay.
_CLITIC_LEMMAS = {
    "'s": "'s", "'re": "be", "'m": "be", "'ll": "will", "'ve": "have", "'d": "'d", "n't": "not",
}
# simplemma outputs that are wrong, or that pick the rare reading, for news text.
_LEMMA_OVERRIDES = {
    "gone": "go", "swore": "swear", "felt": "feel", "won": "win", "rose": "rise",
    "broke": "break", "shook": "shake", "bore": "bear",
}
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
_MAX_LEMMA_LENGTH = 60                   # longer "words" are URLs or junk: not worth a lookup
_lemmatizer: Any = None
_table: Any = None      # the English word -> lemma table simplemma reads, when it is evx's own


def _dictionary_lemma(word: str) -> str:
    global _lemmatizer
    if _lemmatizer is None:
        _lemmatizer = english_lemmatizer()
    # The first step of simplemma's pipeline for English, taken here: the word as given, then
    # with its first letter's case turned, looked up in its table (after the checks before
    # it: numbers come back as they are, keys are NFC). Nine words in ten end there, at a
    # fifth of the cost, which every worker of a parallel run pays again for its vocabulary.
    if _table is not None and not word.isnumeric() and unicodedata.is_normalized("NFC", word):
        lemma = _table.get(word)
        if lemma is None:
            lemma = _table.get(word.lower() if word[:1].isupper() else word.capitalize())
        if lemma is not None:
            return lemma.lower()
    return _lemmatizer.lemmatize(word, lang="en").lower()


def is_plain_word(word: str) -> bool:
    """Whether a capitalised `word` is an ordinary word written with a capital ("Denies",
    "Coalition") rather than a name: the lemmatizer's table knows its lower-case form and not
    the form as written ("Turkey", "Bill" and "Kerry" are keys of their own)."""
    return is_known_word(word.lower()) and not is_known_word(word)


def is_known_word(word: str) -> bool:
    """Whether the lemmatizer's table has `word`, as written."""
    global _lemmatizer
    if _lemmatizer is None:
        _lemmatizer = english_lemmatizer()
    if _table is not None:
        return _table.get(word) is not None
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY
    return DEFAULT_DICTIONARY_FACTORY.get_dictionary("en").get(word) is not None


def english_lemmatizer() -> Any:
    """simplemma's default lemmatizer, reading its table from the evx cache when it can.

    simplemma ships each language's table compressed and front-coded; unpacking the English
    one takes about 0.3 s, more than all the rest of a short run. The unpacked table is kept
    in the cache (see `cache.py`) in a form that is read in place (`lemmatable.py`).
    """
    import simplemma
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    from .. import cache
    from .lemmatable import LemmaTable, encode

    class CachedTables:                  # simplemma's DictionaryFactory protocol
        def __init__(self) -> None:
            self.tables: dict[str, Mapping[str, str]] = {}

        def get_dictionary(self, lang: str) -> Mapping[str, str]:
            if lang not in self.tables:
                self.tables[lang] = self._read(lang)
            return self.tables[lang]

        def _read(self, lang: str) -> Mapping[str, str]:
            kept = _table_from(cache.load_lemma_table(lang, simplemma.__version__))
            if kept is not None:
                return kept
            table = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
            try:
                data = encode(table)
            except ValueError:           # a word too long for the format: keep simplemma's own
                return table
            cache.store_lemma_table(lang, simplemma.__version__, data)
            return LemmaTable(data)

    def _table_from(data: bytes | None) -> LemmaTable | None:
        with suppress(ValueError):
            return LemmaTable(data) if data is not None else None
        return None

    if cache.cache_dir() is None:
        return simplemma.Lemmatizer()
    global _table
    tables = CachedTables()
    english = tables.get_dictionary("en")
    _table = english if isinstance(english, LemmaTable) else None
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=tables))


def lemmatize(word: str) -> str:
    """Lower-case lemma of one token, keeping names, acronyms and abbreviations intact.

    simplemma gets the word in its original case: it knows many names that way
    ("Syrians" -> "syrian", "US" stays "us" rather than becoming "we").  Tokens
    without letters, with digits or with a period ("U.S.", "Mr.") are their own
    lower-cased lemma; clitics have fixed lemmas, with the curly apostrophe
    normalised ("’s" -> "'s", "n’t" -> "not") so one pattern matches both.
    """
    lower = word.lower()
    key = lower.replace("’", "'")
    if key in _CLITIC_LEMMAS:
        return _CLITIC_LEMMAS[key]
    if key in _LEMMA_OVERRIDES:
        return _LEMMA_OVERRIDES[key]
    # most words are letters only, for which none of the checks in this block can apply
    if not (word.isalpha() and len(word) <= _MAX_LEMMA_LENGTH):
        if (len(word) > _MAX_LEMMA_LENGTH or not _HAS_LETTER_RE.search(word) or "." in word
                or any(c.isdigit() for c in word)):
            return lower                 # punctuation, numbers, abbreviations, "21st", junk
        hyphen = max(word.rfind(h) for h in "-\u2010\u2011")
        if hyphen >= 0:
            # Compounds keep their form ("Khorasan-based") except plural heads ("car-bombs").
            head = word[hyphen + 1:]
            if len(head) > 3 and head.isalpha() and head[-1] in "sS":
                return lower[:hyphen + 1] + _dictionary_lemma(head)
            return lower
    if word.isupper():
        if len(word) <= 3:               # acronyms: "US", "IS", "UN"
            return lower
        lemma = _dictionary_lemma(word)  # shouted headlines: "OFFICIALS" -> "official"
        return lemma if lemma.isalpha() else lower
    return _dictionary_lemma(word)
