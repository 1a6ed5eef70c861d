"""Long single sentences and one-rule rule sets for the pathological-pattern benchmarks.

The annotator cuts sentences at 1,000 tokens (`evx.text.annotate.MAX_SENTENCE_TOKENS`), so a
longer sentence is built here directly as a `Sentence` holding all the tokens, as
tests/test_language.py does.
"""
from __future__ import annotations

from pathlib import Path

import evx
from evx.text.annotate import lemmatize, word_shape
from evx.text.document import Token

# pattern, filler, marker: the filler is real text ("real") or a run of "a" (the only input on
# which `(a|a)*b` is ambiguous); the marker is the token the pattern needs to match at all
PATTERNS = (
    ("([]*)*x", "real", "x"),
    ("(a|a)*b", "a", "b"),
    ("([]?){40}[]{40} x", "real", "x"),
    ("(?<=[]*) []* x", "real", "x"),
)
LENGTHS = (1000, 2000, 4000)
PLACES = ("first", "last")   # marker first: every later start fails; last: one match to the end


def pattern_rules(pattern: str, folder: Path) -> evx.RuleSet:
    path = Path(folder) / "pathological.yml"
    path.write_text("rules:\n  - name: p\n    label: Hit\n    pattern: |\n      " + pattern + "\n", encoding="utf-8")
    return evx.load_rules(path)


def real_tokens(texts: list[str], count: int) -> list[Token]:
    """The first `count` tokens of the texts as annotated, with the markers taken out."""
    tokens: list[Token] = []
    for text in texts:
        for sentence in evx.annotate(text).sentences:
            tokens += [t for t in sentence.tokens if t.lower not in ("x", "b")]
        if len(tokens) >= count:
            return tokens[:count]
    raise ValueError(f"the texts hold only {len(tokens)} tokens, {count} wanted")


def _token(word: str) -> Token:
    return Token(0, 0, 0, word, word.lower(), lemmatize(word), word_shape(word))


def sentence_doc(n: int, filler: str, marker: str, texts: list[str], marker_first: bool) -> evx.Document:
    """A document of one sentence of exactly `n` tokens: n - 1 filler tokens and the marker."""
    body = real_tokens(texts, n - 1) if filler == "real" else [_token("a")] * (n - 1)
    ordered = [_token(marker)] + body if marker_first else body + [_token(marker)]
    tokens, pos = [], 0
    for i, tok in enumerate(ordered):
        tokens.append(tok._replace(index=i, start=pos, end=pos + len(tok.word)))
        pos += len(tok.word) + 1
    text = " ".join(t.word for t in tokens)
    return evx.Document("long", text, (evx.Sentence(0, 0, len(text), tuple(tokens)),))
