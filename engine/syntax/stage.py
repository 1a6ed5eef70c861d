"""Fill a Document's part-of-speech, tree and chunk fields, as far as a rule set needs them.

Fields the input already gives (JSON tokens, CoNLL-U columns, a spaCy pipeline) are kept;
only empty ones are filled. The models load on first use, so a rule set that tests none of
these fields never reads them, and one that needs tags only never loads the parser.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

from ..text.document import FIELD_PLACES, TAG_FIELDS, TREE_FIELDS, Document, Sentence, Token
from .chunks import chunk_tags
from .model_words import model_words


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
    """What fills the fields: evx's embedded models, or anything with the same two methods.
    One may also have `load(tagger: bool, parser: bool)`, which a batch calls first with what
    it is about to ask of it."""

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[tuple[list[str], list[str]]]:
        """(UPOS, XPOS) for each word of each sentence."""

    def parse(self, sentences: Sequence[Sequence[str]], upos: Sequence[Sequence[str]],
              xpos: Sequence[Sequence[str]]) -> list[tuple[list[int], list[str]]]:
        """(heads, relations) for each sentence: 0-based heads, -1 for the root."""


class EmbeddedAnnotator:
    """The tagger and parser shipped with evx, each loaded when first asked for; a title-case
    headline reaches them with its ordinary words in lower case, and a few other words as
    model_words.py says."""

    def tag(self, sentences):
        return _tagger().tag([model_words(s) for s in sentences])

    def parse(self, sentences, upos, xpos):
        return _parser().parse([model_words(s) for s in sentences], upos, xpos)

    def load(self, tagger: bool, parser: bool) -> None:
        """Load the models about to be used. When both are, the parser loads in a thread
        beside the tagger: its load is mostly reading and checking a large cache entry,
        which leaves the interpreter free, so a start pays about the longer of the two
        rather than their sum. A failure is left for the first use to raise again."""
        if not (tagger and parser) or _loaded(_tagger) or _loaded(_parser):
            return
        import importlib
        import threading
        for module in ("parser", "tagger"):     # imported here, not in the thread
            importlib.import_module(f"{__package__}.{module}")
        thread = threading.Thread(target=_load_quietly, args=(_parser,), name="evx-parser-load")
        thread.start()
        try:
            _tagger()
        finally:
            thread.join()


def _loaded(loader) -> bool:
    """Whether a model loader has loaded its model (one that is no cached loader, such as a
    stand-in put in its place, has nothing left to load)."""
    info = getattr(loader, "cache_info", None)
    return info is None or info().currsize > 0


def _load_quietly(load) -> None:
    try:
        load()
    except Exception:   # noqa: BLE001 - raised again where the model is first used
        pass


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
    return _loaded(_tagger), _loaded(_parser)


def add_syntax(doc: Document, layers: Layers, annotator: Annotator | None = None) -> Document:
    """`doc` with the fields of `layers` filled where its tokens leave them empty."""
    if not layers.any or not doc.sentences:
        return doc
    return add_syntax_many([doc], layers, annotator)[0]


def add_syntax_many(docs: Sequence[Document], layers: Layers, annotator: Annotator | None = None,
                    only: Sequence[frozenset[int]] | None = None) -> list[Document]:
    """Each of `docs` as `add_syntax` fills it, the sentences of all of them tagged in one call
    and parsed in another: the models' cost per call and per step is shared by the batch, and
    their output does not depend on it (the scores are exact sums). With `only`, the
    sentences of each document at those places; the others stay as they are."""
    if not layers.any:
        return list(docs)
    chosen = [s for k, doc in enumerate(docs) for i, s in enumerate(doc.sentences) if only is None or i in only[k]]
    if not chosen:
        return list(docs)
    filled = iter(_fill(chosen, layers, annotator or EmbeddedAnnotator()))
    out = []
    for k, doc in enumerate(docs):
        if not doc.sentences or only is not None and not only[k]:
            out.append(doc)
            continue
        sentences = tuple(next(filled) if only is None or i in only[k] else s for i, s in enumerate(doc.sentences))
        out.append(Document(doc.id, doc.text, sentences, doc.date, doc.meta))
    return out


def _fill(sentences: list[Sentence], layers: Layers, annotator: Annotator) -> list[Sentence]:
    """`sentences` with the fields of `layers` filled where their tokens leave them empty."""
    sentences = list(sentences)
    cols = [_columns(s) for s in sentences]
    untagged = [i for i, c in enumerate(cols) if not (all(c[_TAG]) and all(c[_POS]))]
    unparsed = [i for i, c in enumerate(cols) if not any(c[_INCOMING])] if layers.tree else []
    load = getattr(annotator, "load", None)     # an annotator may load what it is about to use
    if load is not None:
        load(bool(untagged), bool(unparsed))
    tags: dict[int, tuple[Sequence[str], Sequence[str]]] = {}
    if untagged:
        results = annotator.tag([list(cols[i][_WORD]) for i in untagged])
        for i, (upos, xpos) in zip(untagged, results):
            tags[i] = (_merged(cols[i][_POS], upos), _merged(cols[i][_TAG], xpos))
    if not layers.tree:
        for i, (upos, xpos) in tags.items():
            sentences[i] = _with_fields(sentences[i], cols[i], upos, xpos)
        return sentences
    trees: dict[int, tuple[list[int], list[str]]] = {}
    if unparsed:
        upos = [tags[i][0] if i in tags else list(cols[i][_POS]) for i in unparsed]
        xpos = [tags[i][1] if i in tags else list(cols[i][_TAG]) for i in unparsed]
        results = annotator.parse([list(cols[i][_WORD]) for i in unparsed], upos, xpos)
        for i, (heads, deps) in zip(unparsed, results):
            trees[i] = (heads, deps)
    for i, c in enumerate(cols):
        tagged, tree = tags.get(i), trees.get(i)
        chunked = all(c[_CHUNK])
        if tagged is None and tree is None and chunked:
            continue
        upos, xpos = tagged if tagged is not None else (c[_POS], c[_TAG])
        heads, deps = tree if tree is not None else (c[_HEAD], c[_INCOMING])
        chunks = None if chunked else chunk_tags(upos, heads, deps)
        sentences[i] = _with_fields(sentences[i], c, upos, xpos, tree, chunks)
    return sentences


_WORD, _TAG, _POS, _HEAD, _INCOMING, _OUTGOING, _CHUNK = (
    FIELD_PLACES[name] for name in ("word", "tag", "pos", "head", "incoming", "outgoing", "chunk"))
_new_tuple = tuple.__new__


def _columns(s: Sentence) -> list[tuple]:
    """The tokens of `s` field by field: for each field of Token, every token's value of it."""
    return list(zip(*s.tokens)) if s.tokens else [()] * len(Token._fields)


def _merged(given: Sequence[str], made: Sequence[str]) -> Sequence[str]:
    """The values `given` where set, else those `made`."""
    return [g or m for g, m in zip(given, made)] if any(given) else made


def _with_fields(s: Sentence, columns: list[tuple], upos: Sequence[str], xpos: Sequence[str],
                 tree: tuple[list[int], list[str]] | None = None, chunks: list[str] | None = None) -> Sentence:
    """`s` (whose `columns` these are) with these tags (already merged with its own), a new tree
    if given (heads, relations; the dependents' relations follow) and the chunks its tokens
    leave empty. The tokens are built column by column: one tuple each, no _replace."""
    columns = list(columns)
    columns[_POS], columns[_TAG] = upos, xpos
    if tree is not None:
        heads, deps = tree
        out_lists: list[list[str]] = [[] for _ in heads]
        for i, h in enumerate(heads):
            if h >= 0:
                out_lists[h].append(deps[i])
        columns[_HEAD], columns[_INCOMING], columns[_OUTGOING] = heads, deps, list(map(tuple, out_lists))
    if chunks is not None:
        columns[_CHUNK] = _merged(columns[_CHUNK], chunks)
    return Sentence(s.index, s.start, s.end, tuple([_new_tuple(Token, row) for row in zip(*columns)]))
