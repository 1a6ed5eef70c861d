"""Documents with given dependency trees, written in the tests as CoNLL-U-like rows.

A tree is one row a word, `ID FORM LEMMA UPOS XPOS HEAD DEPREL` separated by spaces (the
CoNLL-U columns that trees need, HEAD 0 for the root); a blank line starts the next
sentence. The document's text is the words joined by single spaces, one sentence after
the other, and each word becomes a provided token (evx.annotate(text, tokens=...)) with
its lemma, tags, head and relation, so the syntax stage neither tags nor parses it again.
"""
from __future__ import annotations

import textwrap

import evx

COLUMNS = ("id", "form", "lemma", "upos", "xpos", "head", "deprel")


def sentences_of(rows: str) -> list[list[dict]]:
    """The rows as sentences of {column: value} dicts."""
    out: list[list[dict]] = [[]]
    for number, line in enumerate(textwrap.dedent(rows).strip("\n").splitlines(), 1):
        if not line.strip():
            if out[-1]:
                out.append([])
            continue
        cells = line.split()
        if len(cells) != len(COLUMNS):
            raise ValueError(f"row {number}: expected {len(COLUMNS)} columns ({' '.join(COLUMNS)}), got {line!r}")
        row = dict(zip(COLUMNS, cells))
        if int(row["id"]) != len(out[-1]) + 1:
            raise ValueError(f"row {number}: id {row['id']} where {len(out[-1]) + 1} was expected")
        out[-1].append(row)
    return [s for s in out if s]


def provided_tokens(sentences: list[list[dict]]) -> tuple[str, list[dict]]:
    """The text and the provided tokens of the sentences (heads as document token indices)."""
    words: list[str] = []
    tokens: list[dict] = []
    pos = 0
    for number, rows in enumerate(sentences):
        first = len(tokens)
        for row in rows:
            form = row["form"]
            head = int(row["head"])
            tokens.append({"start": pos, "end": pos + len(form), "lemma": row["lemma"], "pos": row["upos"],
                           "tag": row["xpos"], "head": first + head - 1 if head else -1, "dep": row["deprel"],
                           "sentence": number})
            words.append(form)
            pos += len(form) + 1
    return " ".join(words), tokens


def tree_doc(rows: str, doc_id: str = "") -> evx.Document:
    """A document of the sentences written as rows."""
    text, tokens = provided_tokens(sentences_of(rows))
    return evx.annotate(text, doc_id=doc_id, tokens=tokens)


def jsonl_line(rows: str, doc_id: str) -> dict:
    """The document as a line of JSON Lines input (`evx match` reads its tokens)."""
    text, tokens = provided_tokens(sentences_of(rows))
    return {"id": doc_id, "text": text, "tokens": tokens}


class LookupAnnotator:
    """Stands for the embedded tagger and parser in tests of `evx test`: it knows the trees
    of the sentences it was given, by their words, and fails loudly on any other."""

    def __init__(self, *blocks: str):
        self.known: dict[tuple[str, ...], list[dict]] = {}
        for block in blocks:
            for rows in sentences_of(block):
                self.known[tuple(r["form"] for r in rows)] = rows

    def _rows(self, words) -> list[dict]:
        key = tuple(words)
        if key not in self.known:
            raise KeyError(f"no tree given for the sentence {' '.join(key)!r}")
        return self.known[key]

    def tag(self, sentences):
        return [([r["upos"] for r in rows], [r["xpos"] for r in rows]) for rows in map(self._rows, sentences)]

    def parse(self, sentences, upos, xpos):
        return [([int(r["head"]) - 1 for r in rows], [r["deprel"] for r in rows])
                for rows in map(self._rows, sentences)]
