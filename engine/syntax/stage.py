"""Fill a Document's part-of-speech, tree and chunk fields, as far as a rule set needs them.

Fields the input already gives (JSON tokens, CoNLL-U columns, a spaCy pipeline) are kept;
only empty ones are filled. The models load on first use, so a rule set that tests none of
these fields never reads them, and one that needs tags only never loads the parser.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

from ..text.document import TAG_FIELDS, TREE_FIELDS, Document, Sentence, Token
from .chunks import chunk_tags


@dataclass(frozen=True, slots=True)
class Layers:
    """What to fill: `tags` (tag, pos) and `tree` (head, incoming, outgoing, chunk; implies tags)."""
    tags: bool = False
    tree: bool = False

    @property
    def any(self) -> bool:
        return self.tags or self.tree

    def __or__(self, other: "Layers") -> "Layers":
        return Layers(self.tags or other.tags, self.tree or other.tree)


NONE = Layers()
ALL = Layers(tags=True, tree=True)


def layers_for(fields: set[str] | frozenset[str], tree: bool = False) -> Layers:
    """The layers that the token fields a rule set tests (and its tree patterns) call for."""
    tree = tree or bool(TREE_FIELDS & set(fields))
    return Layers(tags=tree or bool(TAG_FIELDS & set(fields)), tree=tree)


class Annotator(Protocol):
    """What fills the fields: evx's embedded models, or anything with the same two methods."""

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[tuple[list[str], list[str]]]:
        """(UPOS, XPOS) for each word of each sentence."""

    def parse(self, sentences: Sequence[Sequence[str]], upos: Sequence[Sequence[str]],
              xpos: Sequence[Sequence[str]]) -> list[tuple[list[int], list[str]]]:
        """(heads, relations) for each sentence: 0-based heads, -1 for the root."""


class EmbeddedAnnotator:
    """The tagger and parser shipped with evx, each loaded when first asked for."""

    def tag(self, sentences):
        return _tagger().tag(sentences)

    def parse(self, sentences, upos, xpos):
        return _parser().parse(sentences, upos, xpos)


@lru_cache(maxsize=1)
def _tagger():
    from .tagger import Tagger
    return Tagger.load()


@lru_cache(maxsize=1)
def _parser():
    from .parser import Parser
    return Parser.load()


def models_loaded() -> tuple[bool, bool]:
    """Whether the tagger and the parser have been loaded in this process (for tests and bench)."""
    return _tagger.cache_info().currsize > 0, _parser.cache_info().currsize > 0


def add_syntax(doc: Document, layers: Layers, annotator: Annotator | None = None) -> Document:
    """`doc` with the fields of `layers` filled where its tokens leave them empty."""
    if not layers.any or not doc.sentences:
        return doc
    annotator = annotator or EmbeddedAnnotator()
    sentences = list(doc.sentences)
    untagged = [i for i, s in enumerate(sentences)
                if any(not t.tag or not t.pos for t in s.tokens)]
    if untagged:
        results = annotator.tag([[t.word for t in sentences[i].tokens] for i in untagged])
        for i, (upos, xpos) in zip(untagged, results):
            sentences[i] = _with_tags(sentences[i], upos, xpos)
    if layers.tree:
        unparsed = [i for i, s in enumerate(sentences) if all(not t.incoming for t in s.tokens)]
        if unparsed:
            picked = [sentences[i].tokens for i in unparsed]
            results = annotator.parse([[t.word for t in ts] for ts in picked],
                                      [[t.pos for t in ts] for ts in picked],
                                      [[t.tag for t in ts] for ts in picked])
            for i, (heads, deps) in zip(unparsed, results):
                sentences[i] = _with_tree(sentences[i], heads, deps)
        for i, s in enumerate(sentences):
            if any(not t.chunk for t in s.tokens):
                sentences[i] = _with_chunks(s)
    return Document(doc.id, doc.text, tuple(sentences), doc.date, doc.meta)


def _with_tags(s: Sentence, upos: list[str], xpos: list[str]) -> Sentence:
    tokens = tuple(t._replace(pos=t.pos or u, tag=t.tag or x) for t, u, x in zip(s.tokens, upos, xpos))
    return Sentence(s.index, s.start, s.end, tokens)


def _with_tree(s: Sentence, heads: list[int], deps: list[str]) -> Sentence:
    outgoing: list[list[str]] = [[] for _ in s.tokens]
    for i, h in enumerate(heads):
        if h >= 0:
            outgoing[h].append(deps[i])
    tokens = tuple(t._replace(head=h, incoming=d, outgoing=tuple(o))
                   for t, h, d, o in zip(s.tokens, heads, deps, outgoing))
    return Sentence(s.index, s.start, s.end, tokens)


def _with_chunks(s: Sentence) -> Sentence:
    chunks = chunk_tags([t.pos for t in s.tokens], [t.head for t in s.tokens], [t.incoming for t in s.tokens])
    tokens = tuple(t._replace(chunk=t.chunk or c) for t, c in zip(s.tokens, chunks))
    return Sentence(s.index, s.start, s.end, tokens)
