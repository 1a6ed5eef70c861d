"""spaCy documents in: a `spacy.tokens.Doc` -> an evx `Document`, and spaCy pipelines as
the annotator of `evx match --annotator spacy:PIPELINE`.

The conversion takes what the Doc has and nothing else: its tokens (whitespace-only ones
left out, as evx's tokenizer never makes them), its sentences when they are set, and its
tags, parts of speech, lemmas, entities and tree only where the pipeline annotated them
(`Doc.has_annotation`). What it lacks stays empty, for `RuleSet.prepare` to fill with evx's
own tagger and parser as far as the rules need them; words, lower case and shapes are
always evx's own, so patterns written against evx's tokens read the same fields.

spaCy is imported only by the functions that need it: `from_spacy` is handed a Doc that
spaCy made, and `pipeline` imports it to load one.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

from ..errors import AnnotatorError, DocumentError
from ..text.annotate import annotate
from ..text.document import Document
from ..text.tokenize import SPACE

PREFIX = "spacy:"
INSTALL_HINT = "pip install 'evx-events[spacy]'"

# A token that holds nothing but whitespace (or zero-width characters, which evx's tokenizer
# also treats as space): spaCy makes one for every run of spaces beyond the first.
_BLANK_RE = re.compile(rf"[{SPACE}]+")


def from_spacy(doc: Any, doc_id: str = "", date: str | None = None,
               meta: dict | None = None) -> Document:
    """The evx Document of a spaCy Doc, with exact character offsets into `doc.text`.

    Sentences come from `doc.sents` when the Doc has sentence boundaries, else from evx's
    sentence splitter over the Doc's tokens. `tag_`, `pos_`, `lemma_` (lower-cased, as evx's
    lemmas are), entities (`B-TYPE`, `I-TYPE`) and the tree (`head`, `dep_`, with spaCy's
    `ROOT` as `root`) are taken where the Doc has that annotation. A tree arc that leaves its
    sentence raises DocumentError naming both tokens.
    """
    _check_is_doc(doc)
    from spacy.attrs import DEP, IDX, LEMMA, ORTH, POS, SPACY, TAG
    has = doc.has_annotation
    # the columns this Doc has, read as arrays: a Token object per token and attribute costs
    # more than all the rest of the conversion
    fields = [(key, attr) for key, attr, name in (("tag", TAG, "TAG"), ("pos", POS, "POS"),
                                                  ("lemma", LEMMA, "LEMMA"), ("dep", DEP, "DEP"))
              if has(name)]
    tree = any(key == "dep" for key, _ in fields)
    rows = doc.to_array([IDX, ORTH, SPACY] + [attr for _, attr in fields]).tolist() if len(doc) else []
    strings = doc.vocab.strings
    pieces: list[str] = []          # the text, as Doc.text makes it (which makes a Token per token)
    tokens: list[dict[str, Any]] = []
    kept: list[int] = []
    for i, (start, orth, space, *values) in enumerate(rows):
        word = strings[orth]
        pieces.append(word + " " if space else word)
        if _BLANK_RE.fullmatch(word):
            continue
        tok: dict[str, Any] = {"start": start, "end": start + len(word)}
        for (key, _), value in zip(fields, values):
            if value:
                tok[key] = strings[value]   # a lemma is lower-cased by annotate(), as for JSON tokens
        if tree:
            tok["dep"] = "root" if tok.get("dep") == "ROOT" else tok.get("dep", "")
        kept.append(i)
        tokens.append(tok)
    position = {i: k for k, i in enumerate(kept)}
    if has("ENT_IOB"):
        for k, entity in _entities(doc, position).items():
            tokens[k]["entity"] = entity
    sentence_of = _sentence_ids(doc, kept, position) if has("SENT_START") else None
    if tree:
        heads = _kept_heads(doc, kept, position)
        if sentence_of is not None:
            _check_arcs(doc, kept, heads, sentence_of)
        for tok, head in zip(tokens, heads):
            tok["head"] = head
    if sentence_of is not None:
        for tok, number in zip(tokens, sentence_of):
            tok["sentence"] = number
    return annotate("".join(pieces), doc_id, date, meta, tokens)


def _check_is_doc(doc: Any) -> None:
    try:
        from spacy.tokens import Doc
    except ImportError:
        Doc = None                  # noqa: N806 - without spaCy nothing is a Doc
    if Doc is None or not isinstance(doc, Doc):
        raise TypeError(f"from_spacy takes a spacy.tokens.Doc, got {type(doc).__name__}")


def _sentence_ids(doc: Any, kept: list[int], position: dict[int, int]) -> list[int]:
    """The sentence number of each kept token, from `doc.sents`; each token in exactly one."""
    ids: list[int | None] = [None] * len(position)
    for number, sentence in enumerate(doc.sents):
        for i in range(sentence.start, sentence.end):      # indices: no Token object each
            k = position.get(i)
            if k is None:
                continue
            if ids[k] is not None:
                t = doc[i]
                raise DocumentError(f"the spaCy Doc puts token {t.i} {t.text!r} (characters "
                                    f"{t.idx}..{t.idx + len(t.text)}) in two sentences")
            ids[k] = number
    for k, number in enumerate(ids):
        if number is None:
            t = doc[kept[k]]
            raise DocumentError(f"the spaCy Doc puts token {t.i} {t.text!r} (characters "
                                f"{t.idx}..{t.idx + len(t.text)}) in no sentence")
    return ids  # type: ignore[return-value]


def _entities(doc: Any, position: dict[int, int]) -> dict[int, str]:
    """B-TYPE on the first kept token of each entity, I-TYPE on the others."""
    found: dict[int, str] = {}
    for ent in doc.ents:
        inside = [position[i] for i in range(ent.start, ent.end) if i in position]
        for n, k in enumerate(inside):
            found[k] = f"{'I' if n else 'B'}-{ent.label_}"
    return found


def _kept_heads(doc: Any, kept: list[int], position: dict[int, int]) -> list[int]:
    """For each kept token, the kept token it hangs from (through any whitespace tokens
    between), or -1 for a root."""
    from spacy.attrs import HEAD
    # heads as offsets, read in one go rather than through a Token object per token
    offsets = doc.to_array([HEAD]).astype("int64").ravel().tolist()
    heads = []
    for i in kept:
        h = i + offsets[i]
        for _ in range(len(offsets)):
            if h == i or h in position:
                break
            up = h + offsets[h]
            if up == h:             # a whitespace token as the root: its dependents are roots
                h = i
                break
            h = up
        heads.append(-1 if h == i else position.get(h, -1))
    return heads


def _check_arcs(doc: Any, kept: list[int], heads: list[int], sentence_of: list[int]) -> None:
    for k, h in enumerate(heads):
        if h >= 0 and sentence_of[h] != sentence_of[k]:
            t, head = doc[kept[k]], doc[kept[h]]
            raise DocumentError(
                f"the spaCy parse crosses a sentence boundary: token {t.i} {t.text!r} (characters "
                f"{t.idx}..{t.idx + len(t.text)}) has its head, token {head.i} {head.text!r} "
                f"(characters {head.idx}..{head.idx + len(head.text)}), in another sentence")


# -- pipelines as annotators ---------------------------------------------------------------------

def pipeline_name(annotator: str) -> str | None:
    """The spaCy pipeline an `--annotator` value names (`spacy:NAME`), None for `evx`;
    ValueError for anything else."""
    if annotator == "evx":
        return None
    if annotator.startswith(PREFIX) and annotator[len(PREFIX):].strip():
        return annotator[len(PREFIX):]
    raise ValueError(f"'{annotator}' is not an annotator: use 'evx' or 'spacy:PIPELINE' "
                     "(an installed pipeline package or the folder of a saved one)")


@lru_cache(maxsize=4)
def pipeline(name: str) -> Any:
    """`spacy.load(name)`, once per process; AnnotatorError when spaCy or the pipeline is missing."""
    try:
        import spacy
    except ImportError:
        raise AnnotatorError(f"--annotator spacy:{name} needs spaCy, which is not installed: "
                             f"{INSTALL_HINT}") from None
    try:
        return spacy.load(name)
    except OSError as err:
        if not os.path.exists(name):
            raise AnnotatorError(f"no spaCy pipeline '{name}': neither an installed pipeline package "
                                 "nor a folder saved with nlp.to_disk") from None
        raise AnnotatorError(f"'{name}' is not a spaCy pipeline: {_first_line(err)}") from None
    except Exception as err:  # noqa: BLE001 - a broken pipeline is a message, not a traceback
        raise AnnotatorError(f"cannot load the spaCy pipeline '{name}': {type(err).__name__}: "
                             f"{_first_line(err)}") from None


def annotate_with_pipeline(name: str, text: str, doc_id: str = "", date: str | None = None,
                           meta: dict | None = None) -> Document:
    """Run `text` through the pipeline `name` and convert the result; what goes wrong with this
    document (the pipeline failing on it, a parse evx cannot take) is an AnnotatorError."""
    nlp = pipeline(name)
    try:
        doc = nlp(text)
    except Exception as err:  # noqa: BLE001 - one document's failure stays with it
        raise AnnotatorError(f"the spaCy pipeline '{name}' failed: {type(err).__name__}: "
                             f"{_first_line(err)}") from None
    try:
        return from_spacy(doc, doc_id, date, meta)
    except DocumentError as err:
        raise AnnotatorError(f"spaCy pipeline '{name}': {err.message}") from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
