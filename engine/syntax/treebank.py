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
    misc_column: int = 1            # where its MISC starts on the line, for located errors


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


@dataclass(frozen=True, slots=True)
class BadSentence:
    """A sentence that breaks the format: its first problem, and the comments read before it
    (a reader of documents still needs its `# newdoc`)."""
    line: int
    comments: tuple[tuple[str, str], ...]
    error: InputError


def _comment(text: str) -> tuple[str, str]:
    body = text[1:].strip()
    key, sep, value = body.partition("=")
    return (key.strip(), value.strip()) if sep else (body, "")


def column_of(row: Row, field: str) -> int:
    """The 1-based column where `field` of a word line starts (for located errors)."""
    values = [str(row.id), row.form, row.lemma, row.upos, row.xpos, row.feats, row.head, row.deprel,
              row.deps, row.misc]
    k = COLUMNS.index(field)
    return sum(len(v) + 1 for v in values[:k]) + 1


class _Bad(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        self.message, self.line, self.column = message, line, column


def _check_text(line: str, number: int) -> None:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as err:     # a lone surrogate: bytes that are not UTF-8, decoded leniently
        raise _Bad("not UTF-8 text", number, err.start + 1) from None


def _word_line(line: str, number: int, words: list[Row], multiwords: list[Multiword]) -> None:
    """Add one word, multiword or empty-node line to the sentence, or raise _Bad."""
    cols = line.split("\t")
    if len(cols) != 10:
        raise _Bad(f"expected 10 tab-separated columns, found {len(cols)}", number)
    ident = cols[0]
    if "." in ident:           # an empty node of the enhanced graph: not a word
        return
    if "-" in ident:
        lo, _, hi = ident.partition("-")
        if not (lo.isdigit() and hi.isdigit()) or int(lo) > int(hi):
            raise _Bad(f"bad multiword token id {ident!r}", number)
        multiwords.append(Multiword(number, int(lo), int(hi), cols[1], cols[9], len("\t".join(cols[:9])) + 2))
        return
    if not ident.isdigit() or int(ident) != len(words) + 1:
        raise _Bad(f"word id {ident!r} where {len(words) + 1} was expected", number)
    head = cols[6]
    if head != "_" and not head.isdigit():
        raise _Bad(f"head {head!r} is not a number", number, len("\t".join(cols[:6])) + 2)
    words.append(Row(number, int(ident), *cols[1:]))


def read_items(lines: Iterable[str], source: str = "<conllu>") -> Iterator[TreeSentence | BadSentence]:
    """The sentences of CoNLL-U text, in order; a sentence that breaks the format becomes a
    BadSentence with an InputError at its first bad line (file, line, column), and reading
    goes on after it."""
    comments: list[tuple[str, str]] = []
    words: list[Row] = []
    multiwords: list[Multiword] = []
    first = 0
    bad: InputError | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if bad is not None:
                yield BadSentence(first, tuple(comments), bad)
            elif words:
                yield TreeSentence(first, tuple(comments), tuple(words), tuple(multiwords))
            elif comments:
                yield BadSentence(first, tuple(comments), InputError("comments without a sentence", source, first,
                                                                     column=1))
            comments, words, multiwords, first, bad = [], [], [], 0, None
            continue
        first = first or number
        if bad is not None:
            continue
        try:
            if not line.isascii():
                _check_text(line, number)
            if line.startswith("#"):
                if words:
                    raise _Bad("a comment inside a sentence", number)
                comments.append(_comment(line))
            else:
                _word_line(line, number, words, multiwords)
        except _Bad as err:
            bad = InputError(err.message, source, err.line, column=err.column)
    if bad is not None:
        yield BadSentence(first, tuple(comments), bad)
    elif words:
        yield TreeSentence(first, tuple(comments), tuple(words), tuple(multiwords))
    elif comments:
        yield BadSentence(first, tuple(comments), InputError("comments without a sentence", source, first, column=1))


def read_sentences(lines: Iterable[str], source: str = "<conllu>") -> Iterator[TreeSentence]:
    """The sentences of CoNLL-U text; InputError naming `source`, the line and column of the
    first bad one."""
    for item in read_items(lines, source):
        if isinstance(item, BadSentence):
            raise item.error
        yield item


def read_treebank(path: str | Path) -> list[TreeSentence]:
    """Every sentence of a CoNLL-U file."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return list(read_sentences(handle, str(path)))


# UDPipe's escapes for whitespace kept in MISC values (SpacesBefore, SpacesAfter, SpacesInToken),
# and `\uXXXX` for other whitespace (UD English EWT writes a no-break space as `\u00A0`)
_UNESCAPES = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "p": "|", "\\": "\\"}
_SHORT_ESCAPES = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p", "\\": "\\\\"}
_HEX = frozenset("0123456789abcdefABCDEF")


def escape_misc(text: str) -> str:
    """`text` as a MISC value: spaces, tabs, line breaks, `|` and `\\` escaped as UDPipe does,
    any other whitespace (a no-break space, U+2028) as `\\uXXXX`."""
    if text.isalnum():
        return text
    return "".join(_SHORT_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if c.isspace() else c) for c in text)


def unescape_misc(value: str) -> str:
    """The inverse of `escape_misc`; ValueError (with the offset of the bad escape as its second
    argument) for a backslash that starts no escape."""
    if "\\" not in value:
        return value
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            code = value[i + 1:i + 2]
            if code == "u" and len(value) >= i + 6 and all(c in _HEX for c in value[i + 2:i + 6]):
                point = int(value[i + 2:i + 6], 16)
                if 0xD800 <= point <= 0xDFFF:
                    raise ValueError(f"{value[i:i + 6]!r} is half of a surrogate pair, not a character", i)
                out.append(chr(point))
                i += 6
                continue
            if code not in _UNESCAPES:
                raise ValueError(f"unknown escape {value[i:i + 2]!r} (known: \\s \\t \\n \\r \\p \\\\ \\uXXXX)", i)
            out.append(_UNESCAPES[code])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
