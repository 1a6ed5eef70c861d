"""The annotated text that patterns run over: documents, sentences and tokens.

Offsets are Python string indices into `Document.text`, end exclusive, so that
`doc.text[tok.start:tok.end] == tok.word` holds for every token.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The token fields a pattern may test; `mention` is resolved against mentions, not tokens.
TOKEN_FIELDS = ("word", "lower", "lemma", "tag", "pos", "chunk", "entity", "shape", "incoming", "outgoing")
# The fields the tagger fills, and those that need the dependency parse (chunks are read off the tree).
TAG_FIELDS = frozenset({"tag", "pos"})
TREE_FIELDS = frozenset({"chunk", "incoming", "outgoing", "head"})
PATTERN_FIELDS = TOKEN_FIELDS + ("mention",)


class Token(NamedTuple):
    """One token. A NamedTuple rather than a frozen dataclass: documents hold hundreds of
    thousands of them, and a tuple is several times cheaper to create."""
    index: int          # position in its sentence
    start: int          # character offsets into the document text
    end: int
    word: str
    lower: str
    lemma: str
    shape: str
    tag: str = ""                   # Penn Treebank tag (UD's XPOS)
    entity: str = ""
    incoming: str = ""              # dependency label from the head ("" for none)
    outgoing: tuple[str, ...] = ()  # dependency labels to the dependents
    pos: str = ""                   # universal part of speech (UD's UPOS)
    chunk: str = ""                 # base phrase in BIO form: B-NP, I-NP, B-VP, B-PP, O, ...
    head: int = -1                  # index of the head in the sentence; -1 for the root or no parse


# where each field stands in a Token's tuple: hot code reads `token[place]` rather than by name
FIELD_PLACES: dict[str, int] = {name: place for place, name in enumerate(Token._fields)}


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int          # position in its document
    start: int
    end: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    sentences: tuple[Sentence, ...]
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def token_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)
