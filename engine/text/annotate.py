"""Default annotator for English news: text -> `Document`, the stage that ties the text
package together.

Everything is pure Python and regex driven so that it is fast, deterministic and has no
model to load; the only runtime dependency is `simplemma` for lemmas. Each job has its own
module: `tokenize` (tokens with exact offsets), `sentences` (where sentences end, and the cap
of MAX_SENTENCE_TOKENS), `lemma` and `shape` (word features, cached per word here) and
`provided` (tokens given with the document, as JSON).
"""
from __future__ import annotations

from array import array
from functools import lru_cache
from typing import Iterator

from ..collector import collector_paused
from .document import Document, Sentence, Token
from .lemma import lemmatize
from .provided import provided_spans, validate_provided
from .sentences import MAX_SENTENCE_TOKENS, cap, sentence_breaks, spans_from_breaks
from .shape import word_shape
from .tokenize import tokenize, tokenize_windows

__all__ = ["annotate", "annotate_pieces", "word_shape", "lemmatize", "MAX_SENTENCE_TOKENS"]


@lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> tuple[str, str, str]:
    """(lower, lemma, shape) of a word; cached because news vocabulary repeats heavily."""
    return word.lower(), lemmatize(word), word_shape(word)


def annotate(text: str, doc_id: str = "", date: str | None = None, meta: dict | None = None,
             tokens: list[dict] | None = None) -> Document:
    """Annotate English news text, or wrap externally provided tokens, into a Document.

    With `tokens`, each dict gives `start`/`end` offsets and optionally `tag`, `pos`,
    `chunk`, `entity`, `lemma`, `sentence`, `head` (index of the head token in the
    document, -1 for the root) and `dep`; those replace the built-in tokenizer and splitter.  Invalid tokens raise DocumentError naming the token.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    meta = dict(meta) if meta else {}
    with collector_paused():
        if tokens is None:
            return _annotate_text(text, doc_id, date, meta)
        return _annotate_provided(text, doc_id, date, meta, tokens)




def _annotate_text(text: str, doc_id: str, date: str | None, meta: dict) -> Document:
    starts, ends, words = tokenize(text)
    spans = cap(spans_from_breaks(len(words), sentence_breaks(text, starts, ends, words)), words)
    return Document(doc_id, text, tuple(_sentences(starts, ends, words, spans)), date, meta)


def annotate_pieces(text: str, doc_id: str = "", date: str | None = None, meta: dict | None = None,
                    max_tokens: int = 20_000) -> Iterator[tuple[int, Document]]:
    """`annotate(text)` a few sentences at a time, for a document too long to hold whole:
    (number of its first sentence in the whole document, a Document of whole sentences, at
    most `max_tokens` tokens unless one sentence is longer, numbered from 0). Sentences,
    tokens and offsets are those `annotate` gives; only the sentence numbers start again at
    each piece. Meanwhile the document's tokens are held as two arrays of offsets and a
    list of shared words, some 30 bytes each, rather than as Tokens of some 300."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    meta = dict(meta) if meta else {}
    starts, ends, words = _compact(text)
    spans = cap(spans_from_breaks(len(words), sentence_breaks(text, starts, ends, words)), words)
    first = 0
    while first < len(spans):
        last, count = first, 0
        while last < len(spans) and (last == first or count + spans[last][1] - spans[last][0] <= max_tokens):
            count += spans[last][1] - spans[last][0]
            last += 1
        with collector_paused():
            yield first, Document(doc_id, text, tuple(_sentences(starts, ends, words, spans[first:last])), date, meta)
        first = last


def _compact(text: str) -> tuple[array, array, list[str]]:
    """The tokens of `text` as `tokenize` gives them, with the offsets as machine integers
    and each distinct word one string object, read a window at a time."""
    starts, ends, words = array("q"), array("q"), []
    shared: dict[str, str] = {}
    for window_starts, window_ends, window_words in tokenize_windows(text):
        starts.extend(window_starts)
        ends.extend(window_ends)
        words.extend([shared.setdefault(w, w) for w in window_words])
    return starts, ends, words


def _sentences(starts, ends, words, spans: list[tuple[int, int]]) -> Iterator[Sentence]:
    """The Sentences of token spans `spans`, numbered from 0."""
    for si, (lo, hi) in enumerate(spans):
        lowers, lemmas, shapes = zip(*map(_word_features, words[lo:hi]))
        yield Sentence(si, starts[lo], ends[hi - 1], tuple(map(
            Token, range(hi - lo), starts[lo:hi], ends[lo:hi], words[lo:hi], lowers, lemmas, shapes)))


def _annotate_provided(text: str, doc_id: str, date: str | None, meta: dict,
                       tokens: list[dict]) -> Document:
    starts, ends, heads = validate_provided(text, tokens)
    words = [text[s:e] for s, e in zip(starts, ends)]
    deps = [str(tok.get("dep") or "") for tok in tokens]
    outgoing: list[list[str]] = [[] for _ in tokens]
    for i, head in enumerate(heads):
        if head is not None:
            outgoing[head].append(deps[i])
    spans = cap(provided_spans(text, tokens, starts, ends, words), words)
    sentences = []
    for si, (lo, hi) in enumerate(spans):
        toks = []
        for k, i in enumerate(range(lo, hi)):
            tok = tokens[i]
            lower, lemma, shape = _word_features(words[i])
            if tok.get("lemma"):
                lemma = str(tok["lemma"]).lower()
            head = heads[i]
            toks.append(Token(
                k, starts[i], ends[i], words[i], lower, lemma, shape,
                tag=str(tok.get("tag") or ""), entity=str(tok.get("entity") or ""),
                incoming=deps[i], outgoing=tuple(outgoing[i]),
                pos=str(tok.get("pos") or ""), chunk=str(tok.get("chunk") or ""),
                head=head - lo if head is not None and lo <= head < hi else -1,
            ))
        sentences.append(Sentence(si, starts[lo], ends[hi - 1], tuple(toks)))
    return Document(doc_id, text, tuple(sentences), date, meta)
