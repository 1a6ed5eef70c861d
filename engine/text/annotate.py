"""Default annotator for English news: text -> `Document`, the stage that ties the text
package together.

Everything is pure Python and regex driven so that it is fast, deterministic and has no
model to load; the only runtime dependency is `simplemma` for lemmas. Each job has its own
module: `tokenize` (tokens with exact offsets), `sentences` (where sentences end, and the cap
of MAX_SENTENCE_TOKENS), `lemma` and `shape` (word features, cached per word here) and
`provided` (tokens given with the document, as JSON).
"""
from __future__ import annotations

from functools import lru_cache

from ..collector import collector_paused
from .document import Document, Sentence, Token
from .lemma import lemmatize
from .provided import provided_spans, validate_provided
from .sentences import MAX_SENTENCE_TOKENS, cap, sentence_breaks, spans_from_breaks
from .shape import word_shape
from .tokenize import tokenize

__all__ = ["annotate", "word_shape", "lemmatize", "MAX_SENTENCE_TOKENS"]


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
    spans = cap(spans_from_breaks(len(words), sentence_breaks(text, starts, ends, words)))
    lowers, lemmas, shapes = zip(*map(_word_features, words)) if words else ((), (), ())
    sentences = tuple(
        Sentence(si, starts[lo], ends[hi - 1], tuple(map(
            Token, range(hi - lo), starts[lo:hi], ends[lo:hi], words[lo:hi],
            lowers[lo:hi], lemmas[lo:hi], shapes[lo:hi],
        )))
        for si, (lo, hi) in enumerate(spans)
    )
    return Document(doc_id, text, sentences, date, meta)


def _annotate_provided(text: str, doc_id: str, date: str | None, meta: dict,
                       tokens: list[dict]) -> Document:
    starts, ends, heads = validate_provided(text, tokens)
    words = [text[s:e] for s, e in zip(starts, ends)]
    deps = [str(tok.get("dep") or "") for tok in tokens]
    outgoing: list[list[str]] = [[] for _ in tokens]
    for i, head in enumerate(heads):
        if head is not None:
            outgoing[head].append(deps[i])
    spans = cap(provided_spans(text, tokens, starts, ends, words))
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
