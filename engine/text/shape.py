"""Word shapes as spaCy writes them: "Xxxxx", "dd", "X.X."."""
from __future__ import annotations

import re
from functools import lru_cache

_ASCII_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_LONG_RUN_RE = re.compile(r"(.)\1{4,}", re.DOTALL)


def word_shape(word: str) -> str:
    """spaCy-style shape: X/x for letters, d for digits, others kept; runs capped at 4."""
    if word.isascii():
        shape = word.translate(_ASCII_SHAPE)
    else:
        shape = "".join(
            ("X" if c.isupper() else "x") if c.isalpha() else "d" if c.isdigit() else c
            for c in word
        )
    return _cap_runs(shape) if len(shape) > 4 else shape


@lru_cache(maxsize=4096)
def _cap_runs(shape: str) -> str:
    # far fewer distinct shapes than words ("Xxxxxxx" stands for every capitalised
    # seven-letter word), so capping once per shape spares the regex for most words
    return _LONG_RUN_RE.sub(r"\1\1\1\1", shape)
