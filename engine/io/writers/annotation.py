"""Writing annotated documents (not records): CoNLL-U and JSON Lines, for `evx annotate`.

Both read back as the same documents: the CoNLL-U writer keeps every character of the text
in MISC (`TokenRange`, `SpaceAfter=No`, UDPipe's `SpacesBefore`/`SpacesAfter`/`SpacesInToken`
escapes), and the JSON Lines writer writes the input format with its tokens as provided
annotation. A run makes one writer over one text stream and calls `begin()`, `document(doc)`
for each document in input order, and `end()`.
"""
from __future__ import annotations

from typing import IO, ClassVar

from ...syntax.treebank import escape_misc
from ...text.document import Document, Token
from .jsonl import encode

__all__ = ["DOCUMENT_WRITERS", "DocumentWriter", "ConlluWriter", "JsonLinesDocumentWriter", "conllu_text",
           "document_json"]

# characters that would end a CoNLL-U line or a column, or that line readers take for a line
# end: written as spaces where a column or comment cannot escape them (FORM, `# text`)
_FLAT = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _column(value: str) -> str:
    """A value for a column that has no escapes: `_` when empty, line ends and tabs as spaces."""
    return value.translate(_FLAT) if value else "_"


def conllu_text(doc: Document) -> str:
    """One document as CoNLL-U: `# newdoc id`, `# date`, then each sentence with its
    `# sent_id` (DOCID-N, from 1) and `# text`, and the ten columns; FEATS and DEPS are `_`.
    A document without tokens (its text empty or blank) has no sentence to hold it, and is
    written as nothing. A tab or line break inside a FORM, LEMMA or tag is written as a space
    (the token's own characters are kept in MISC as `SpacesInToken`)."""
    text = doc.text
    if not any(s.tokens for s in doc.sentences):
        return ""
    out = [f"# newdoc id = {_column(doc.id).strip() or '_'}\n"]
    if doc.date:
        out.append(f"# date = {_column(doc.date)}\n")
    tokens = [t for s in doc.sentences for t in s.tokens]
    k = 0
    for number, sentence in enumerate(doc.sentences, 1):
        out.append(f"# sent_id = {_column(doc.id).strip() or '_'}-{number}\n")
        out.append(f"# text = {text[sentence.start:sentence.end].translate(_FLAT)}\n")
        for tok in sentence.tokens:
            before = text[tokens[k - 1].end:tok.start] if k else text[:tok.start]
            after = text[tok.end:tokens[k + 1].start] if k + 1 < len(tokens) else text[tok.end:]
            out.append(_line(tok, _misc(tok, before if k == 0 else "", after, k + 1 == len(tokens))))
            k += 1
        out.append("\n")
    return "".join(out)


def _misc(tok: Token, before: str, after: str, last: bool) -> str:
    """MISC: where the token lies, the spaces around it (enough to rebuild the text exactly),
    its chunk and entity."""
    items = [f"TokenRange={tok.start}:{tok.end}"]
    if last:
        if after:
            items.append(f"SpacesAfter={escape_misc(after)}")
    elif after == "":
        items.append("SpaceAfter=No")
    elif after != " ":
        items.append(f"SpacesAfter={escape_misc(after)}")
    if before:
        items.append(f"SpacesBefore={escape_misc(before)}")
    if tok.word.translate(_FLAT) != tok.word:
        items.append(f"SpacesInToken={escape_misc(tok.word)}")
    if tok.chunk:
        items.append(f"Chunk={escape_misc(tok.chunk)}")
    if tok.entity:
        items.append(f"Entity={escape_misc(tok.entity)}")
    return "|".join(items)


def _line(tok: Token, misc: str) -> str:
    if tok.head >= 0:
        head = str(tok.head + 1)
    else:
        head = "0" if tok.incoming else "_"
    cols = (str(tok.index + 1), _column(tok.word), _column(tok.lemma), _column(tok.pos), _column(tok.tag), "_",
            head, _column(tok.incoming), "_", misc)
    return "\t".join(cols) + "\n"


def document_json(doc: Document) -> dict:
    """One document in the JSON Lines input format, its tokens as provided annotation: offsets,
    tag, pos, lemma, chunk, entity (when set), head (a document token index, -1 for the root
    or none), dep and sentence."""
    tokens = []
    offset = 0
    for number, sentence in enumerate(doc.sentences):
        for tok in sentence.tokens:
            entry = {"start": tok.start, "end": tok.end, "tag": tok.tag, "pos": tok.pos, "lemma": tok.lemma,
                     "chunk": tok.chunk}
            if tok.entity:
                entry["entity"] = tok.entity
            entry["head"] = offset + tok.head if tok.head >= 0 else -1
            entry["dep"] = tok.incoming
            entry["sentence"] = number
            tokens.append(entry)
        offset += len(sentence.tokens)
    return {"id": doc.id, "text": doc.text, "date": doc.date, "meta": doc.meta, "tokens": tokens}


class DocumentWriter:
    name: ClassVar[str]             # the --format name
    summary: ClassVar[str]          # one line for --help

    def __init__(self, out: IO[str]):
        self.out = out

    def begin(self) -> None:
        """Anything the format writes before the first document."""

    def document(self, doc: Document) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Anything the format writes after the last document."""


class ConlluWriter(DocumentWriter):
    name = "conllu"
    summary = "CoNLL-U, a # newdoc per document, offsets and spaces in MISC"

    def document(self, doc: Document) -> None:
        self.out.write(conllu_text(doc))


class JsonLinesDocumentWriter(DocumentWriter):
    name = "jsonl"
    summary = "one JSON document per line, its tokens as provided annotation"

    def document(self, doc: Document) -> None:
        self.out.write(encode(document_json(doc)) + "\n")


# format name -> writer class, in the order --help lists them
DOCUMENT_WRITERS: dict[str, type[DocumentWriter]] = {cls.name: cls for cls in (ConlluWriter, JsonLinesDocumentWriter)}
