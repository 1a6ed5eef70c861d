"""CoNLL-U sentences as plain rows: the one place that splits the format's lines.

Used to train and evaluate the tagger and parser on UD treebanks, and by the CoNLL-U
document reader. Multiword-token lines (`3-4`) and empty nodes (`8.1`) are kept apart
from the words, so that word indices stay those of the basic tree.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError

COLUMNS = ("id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc")


@dataclass(frozen=True, slots=True)
class Row:
    """One word line: the ten columns as given (`_` kept), and the line it came from."""
    line: int
    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: str
    deprel: str
    deps: str
    misc: str


@dataclass(frozen=True, slots=True)
class Multiword:
    """A multiword token line (`first-last`): its surface form covers words first..last."""
    line: int
    first: int
    last: int
    form: str
    misc: str


@dataclass(frozen=True, slots=True)
class TreeSentence:
    line: int                          # line of its first comment or word
    comments: tuple[tuple[str, str], ...]  # (key, value) of `# key = value`; value "" for a bare `# key`
    words: tuple[Row, ...]
    multiwords: tuple[Multiword, ...]

    def comment(self, key: str) -> str | None:
        for k, v in self.comments:
            if k == key:
                return v
        return None

    @property
    def forms(self) -> list[str]:
        return [w.form for w in self.words]

    @property
    def heads(self) -> list[int]:
        """0-based heads, -1 for the root (ValueError if a head is not given)."""
        return [int(w.head) - 1 for w in self.words]


def _comment(text: str) -> tuple[str, str]:
    body = text[1:].strip()
    key, sep, value = body.partition("=")
    return (key.strip(), value.strip()) if sep else (body, "")


def read_sentences(lines: Iterable[str], source: str = "<conllu>") -> Iterator[TreeSentence]:
    """The sentences of CoNLL-U text; InputError naming `source` and the line for a bad one."""
    comments: list[tuple[str, str]] = []
    words: list[Row] = []
    multiwords: list[Multiword] = []
    first = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if words:
                yield TreeSentence(first, tuple(comments), tuple(words), tuple(multiwords))
            elif comments:
                raise InputError(f"{source}:{first}:1: comments without a sentence")
            comments, words, multiwords, first = [], [], [], 0
            continue
        first = first or number
        if line.startswith("#"):
            if words:
                raise InputError(f"{source}:{number}:1: a comment inside a sentence")
            comments.append(_comment(line))
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise InputError(f"{source}:{number}:1: expected 10 tab-separated columns, found {len(cols)}")
        ident = cols[0]
        if "." in ident:           # an empty node of the enhanced graph: not a word
            continue
        if "-" in ident:
            lo, _, hi = ident.partition("-")
            if not (lo.isdigit() and hi.isdigit()) or int(lo) > int(hi):
                raise InputError(f"{source}:{number}:1: bad multiword token id {ident!r}")
            multiwords.append(Multiword(number, int(lo), int(hi), cols[1], cols[9]))
            continue
        if not ident.isdigit() or int(ident) != len(words) + 1:
            raise InputError(f"{source}:{number}:1: word id {ident!r} where {len(words) + 1} was expected")
        head = cols[6]
        if head != "_" and not head.isdigit():
            raise InputError(f"{source}:{number}:{len(chr(9).join(cols[:6])) + 2}: head {head!r} is not a number")
        words.append(Row(number, int(ident), *cols[1:]))
    if words:
        yield TreeSentence(first, tuple(comments), tuple(words), tuple(multiwords))
    elif comments:
        raise InputError(f"{source}:{first}:1: comments without a sentence")


def read_treebank(path: str | Path) -> list[TreeSentence]:
    """Every sentence of a CoNLL-U file."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return list(read_sentences(handle, str(path)))
