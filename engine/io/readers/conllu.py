"""CoNLL-U files as documents with their tokens, tags and trees given.

Documents: a `# newdoc` comment starts one, named by its `id` (else FILE:LINE); sentences
before any `# newdoc` form a document named after the file, as a `.txt` file is. The first
`# date = ...` of a document is its date.

Text and offsets. A document's text is rebuilt from its tokens so that
`text[start:end] == word` for every token: each token's surface (the multiword line's FORM
for `3-4 don't`, else the word's FORM; UDPipe's `SpacesInToken` when given) follows the
whitespace before it. That whitespace is, in order of trust: UDPipe's `SpacesAfter` of the
token before and `SpacesBefore` of this one (with their escapes `\\s \\t \\n \\r \\p \\\\`
and `\\uXXXX`), `SpaceAfter=No`, the gap the sentence's `# text` shows, and otherwise one
space (none after the last token of the document, none before a `SpacesBefore`). A
`TokenRange=START:END` in MISC, in document characters, places its token there: the
whitespace before it is cut or padded with spaces to fit, and a range that overlaps the
token before it, or does not have the FORM's length, makes its sentence an error.

Multiword tokens: when the words' forms spell the surface (ignoring case), each word gets
its own characters (`don't` -> `do` + `n't`). Otherwise each word takes as much of the
surface as it shares with it from the left, at least one character, and the last word the
rest (`del` -> `de` + `l`); a surface shorter than its number of words cannot give each one
a character, and becomes one token carrying the fields of the word that heads the others.

Columns: FORM, LEMMA, UPOS, XPOS, HEAD and DEPREL give word, lemma, pos, tag, head and
incoming; `Chunk=` and `Entity=` in MISC give chunk and entity. A `_` leaves its field
empty, for the syntax stage to fill; anything given is kept as it is.

Errors: a sentence that breaks the format, or whose heads or offsets do not fit, is an
`InputError` with its file, line and column, and is left out; the other sentences of its
document and the other documents are read as usual.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable, Iterator

from ...errors import InputError
from ...syntax.treebank import BadSentence, Row, TreeSentence, column_of, read_items, unescape_misc
from .items import InputDoc, Item

__all__ = ["read_conllu", "looks_like_conllu"]

DEFAULT_SPACE = " "


class _Bad(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True, slots=True)
class _Unit:
    """What occupies characters of the text: a word, or a multiword token over its words."""
    surface: str
    before: str | None          # whitespace given before it (SpacesBefore)
    after: str | None           # whitespace given after it; None: not said
    span: tuple[int, int] | None    # TokenRange
    line: int
    column: int                 # of its TokenRange (else its MISC), for errors about the range
    words: tuple[int, ...]      # 0-based indices of its words in the sentence


@dataclass(frozen=True, slots=True)
class _Sentence:
    line: int
    units: tuple[_Unit, ...]
    # per token: its unit, its characters within the unit's surface, its fields ("head" a
    # sentence token index here, -1 for the root)
    tokens: tuple[tuple[int, int, int, dict], ...]


def looks_like_conllu(lines: list[bytes]) -> bool:
    """Whether the first lines of a stream are CoNLL-U: comments and blank lines, then a word
    line of ten tab-separated columns whose first is an ID (`1`, `1-2`, `1.1`)."""
    for raw in lines:
        line = raw.rstrip(b"\r\n")
        if not line.strip() or line.startswith(b"#"):
            continue
        cols = line.split(b"\t")
        ident = cols[0].replace(b"-", b"", 1).replace(b".", b"", 1)
        return len(cols) == 10 and ident.isdigit()
    return False


def read_conllu(stream: Iterable[bytes], name: str) -> Iterator[Item]:
    """The documents of a CoNLL-U stream, in order, each problem an InputError in its place."""
    stream = iter(stream)
    head = list(itertools.islice(stream, 64))
    if any(b"\x00" in line for line in head):
        yield InputError("binary file (it contains NUL bytes), skipped", name)
        return
    builder: _Document | None = None
    for item in read_items(_decoded(itertools.chain(head, stream)), name):
        newdoc = _newdoc(item.comments)
        if newdoc is not None or builder is None:
            if builder is not None:
                yield from builder.finish()
            doc_id = name if newdoc is None else newdoc or f"{name}:{item.line}"
            builder = _Document(doc_id, name, item.line)
        date = _comment(item.comments, "date")
        if date and builder.date is None:
            builder.date = date
        if isinstance(item, BadSentence):
            yield item.error
            continue
        try:
            builder.add(_convert(item))
        except _Bad as err:
            yield InputError(err.message, name, err.line, column=err.column)
    if builder is not None:
        yield from builder.finish()


def _decoded(stream: Iterable[bytes]) -> Iterator[str]:
    """Lines as text, a byte-order mark dropped; bytes that are not UTF-8 become lone
    surrogates, which the row reader reports with their line and column."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield raw.decode("utf-8", "surrogateescape")


def _comment(comments: tuple[tuple[str, str], ...], key: str) -> str | None:
    for k, v in comments:
        if k == key:
            return v
    return None


def _newdoc(comments: tuple[tuple[str, str], ...]) -> str | None:
    """The id of the document a sentence starts ("" for a bare `# newdoc`), or None."""
    for k, v in comments:
        if k == "newdoc id":
            return v
        if k == "newdoc" or k.startswith("newdoc "):
            return ""
    return None


# -- one sentence -------------------------------------------------------------------------------

def _misc(value: str, column: int) -> dict[str, tuple[str, int]]:
    """MISC as key -> (value, column of the value); `_` and items without `=` say nothing."""
    found: dict[str, tuple[str, int]] = {}
    if value == "_":
        return found
    at = column
    for item in value.split("|"):
        key, sep, val = item.partition("=")
        if sep and key not in found:
            found[key] = (val, at + len(key) + 1)
        at += len(item) + 1
    return found


def _spaces(misc: dict[str, tuple[str, int]], key: str, line: int) -> str | None:
    if key not in misc:
        return None
    value, column = misc[key]
    try:
        return unescape_misc(value)
    except ValueError as err:
        raise _Bad(f"{key}: {err.args[0]}", line, column + err.args[1]) from None


def _token_range(misc: dict[str, tuple[str, int]], line: int) -> tuple[int, int] | None:
    if "TokenRange" not in misc:
        return None
    value, column = misc["TokenRange"]
    start, sep, end = value.partition(":")
    if not (sep and start.isdigit() and end.isdigit() and int(start) < int(end)):
        raise _Bad(f"TokenRange {value!r} is not START:END with START < END", line, column)
    return int(start), int(end)


def _unit(form: str, misc_text: str, line: int, column: int, words: tuple[int, ...]) -> _Unit:
    misc = _misc(misc_text, column)
    surface = _spaces(misc, "SpacesInToken", line) or form
    if not surface:
        raise _Bad("empty FORM", line, 2)
    after = _spaces(misc, "SpacesAfter", line)
    if after is None and misc.get("SpaceAfter", ("",))[0] == "No":
        after = ""
    column = misc.get("TokenRange", ("", column))[1]
    return _Unit(surface, _spaces(misc, "SpacesBefore", line), after, _token_range(misc, line), line, column, words)


def _convert(sent: TreeSentence) -> _Sentence:
    """Units, tokens and heads of one sentence; _Bad for a head or multiword range that does
    not fit its words."""
    words = sent.words
    n = len(words)
    multiword_at: dict[int, int] = {}       # first word of a multiword token -> its index in sent.multiwords
    last = 0
    for k, mw in enumerate(sent.multiwords):
        if mw.first <= last or mw.last > n or mw.first < 1:
            raise _Bad(f"multiword token {mw.first}-{mw.last} overlaps another or lies outside the "
                       f"sentence's {n} words", mw.line)
        multiword_at[mw.first] = k
        last = mw.last
    for w in words:
        if w.head != "_" and (int(w.head) > n or int(w.head) == w.id):
            what = "the word itself" if int(w.head) == w.id else f"no word (the sentence has {n})"
            raise _Bad(f"head {w.head} is {what}", w.line, column_of(w, "head"))
    units: list[_Unit] = []
    i = 0
    while i < n:
        if i + 1 in multiword_at:
            mw = sent.multiwords[multiword_at[i + 1]]
            members = tuple(range(mw.first - 1, mw.last))
            unit = _unit(mw.form, mw.misc, mw.line, mw.misc_column, members)
            if unit.span is None:
                unit = _with_word_ranges(unit, [words[j] for j in members])
            units.append(unit)
            i = mw.last
        else:
            w = words[i]
            units.append(_unit(w.form, w.misc, w.line, column_of(w, "misc"), (i,)))
            i += 1
    units = _aligned(units, sent.comment("text"))
    token_of_word = [0] * n
    placed: list[tuple[int, int, int, Row]] = []
    for k, unit in enumerate(units):
        spans = _split(unit.surface, [words[j].form for j in unit.words])
        if spans is None:                   # one token for the whole multiword token
            for j in unit.words:
                token_of_word[j] = len(placed)
            placed.append((k, 0, len(unit.surface), words[_group_head(unit.words, words)]))
        else:
            for j, (a, b) in zip(unit.words, spans):
                token_of_word[j] = len(placed)
                placed.append((k, a, b, words[j]))
    tokens = tuple((k, a, b, _fields(w, token_of_word)) for k, a, b, w in placed)
    return _Sentence(sent.line, tuple(units), tokens)


def _with_word_ranges(unit: _Unit, members: list[Row]) -> _Unit:
    """A multiword token without a TokenRange of its own takes its words' ranges, if they all
    have one."""
    ranges = [_token_range(_misc(w.misc, column_of(w, "misc")), w.line) for w in members]
    if any(r is None for r in ranges):
        return unit
    return _Unit(unit.surface, unit.before, unit.after, (ranges[0][0], ranges[-1][1]), unit.line, unit.column,
                 unit.words)


def _aligned(units: list[_Unit], text: str | None) -> list[_Unit]:
    """Units whose space after is not given take it from the gaps of the sentence's `# text`,
    when the surfaces are found there in order (newlines and tabs read as spaces)."""
    if not text or all(u.after is not None for u in units[:-1]):
        return units
    flat = str.maketrans("\n\r\t", "   ")
    gaps: list[str] = []
    pos = 0
    for unit in units:
        start = pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(unit.surface.translate(flat), pos):
            return units
        gaps.append(text[start:pos])
        pos += len(unit.surface)
    if text[pos:].strip():
        return units
    out = []
    for k, unit in enumerate(units):
        if unit.after is None and k + 1 < len(units):
            unit = _Unit(unit.surface, unit.before, gaps[k + 1], unit.span, unit.line, unit.column, unit.words)
        out.append(unit)
    return out


def _split(surface: str, forms: list[str]) -> list[tuple[int, int]] | None:
    """Where each word of a token lies in its surface; None when the surface has fewer
    characters than words."""
    if len(forms) == 1:
        return [(0, len(surface))]
    joined = "".join(forms)
    if len(joined) == len(surface) and joined.lower() == surface.lower():
        spans, at = [], 0
        for form in forms:
            spans.append((at, at + len(form)))
            at += len(form)
        return spans
    if len(surface) < len(forms):
        return None
    spans, at = [], 0
    for k, form in enumerate(forms[:-1]):
        room = len(surface) - at - (len(forms) - k - 1)     # leave a character for each word after
        shared = 0
        while shared < min(len(form), room) and surface[at + shared].lower() == form[shared].lower():
            shared += 1
        take = min(max(shared, 1), room)
        spans.append((at, at + take))
        at += take
    spans.append((at, len(surface)))
    return spans


def _group_head(members: tuple[int, ...], words: tuple[Row, ...]) -> int:
    """The word of a group whose head lies outside it (the root counts as outside)."""
    inside = {j + 1 for j in members}
    for j in members:
        if words[j].head == "_" or int(words[j].head) not in inside:
            return j
    return members[0]


def _fields(w: Row, token_of_word: list[int]) -> dict:
    """A word's columns as a provided token's fields (offsets and sentence come later); the
    head is a sentence token index, -1 for the root."""
    tok: dict = {}
    for key, value in (("lemma", w.lemma), ("pos", w.upos), ("tag", w.xpos)):
        if value != "_":
            tok[key] = value
    if w.head != "_":
        tok["head"] = -1 if w.head == "0" else token_of_word[int(w.head) - 1]
    if w.deprel != "_":
        tok["dep"] = w.deprel
    misc = _misc(w.misc, column_of(w, "misc"))
    for key, field in (("Chunk", "chunk"), ("Entity", "entity")):
        if key in misc:
            value, column = misc[key]
            try:
                tok[field] = unescape_misc(value)
            except ValueError as err:
                raise _Bad(f"{key}: {err.args[0]}", w.line, column + err.args[1]) from None
    return tok


# -- one document -------------------------------------------------------------------------------

class _Document:
    """The sentences of one document, placed in its text as they come."""

    def __init__(self, doc_id: str, file: str, line: int):
        self.id, self.file, self.line = doc_id, file, line
        self.date: str | None = None
        self.pieces: list[str] = []
        self.length = 0
        self.pending: str | None = ""        # the space given after the last token placed; None: not given
        self.trailing = ""                   # what follows the last token if the document ends there
        self.tokens: list[dict] = []
        self.sentences = 0

    def add(self, sent: _Sentence) -> None:
        """Place the sentence's tokens after those before; _Bad (and nothing placed) if its
        token ranges do not fit."""
        pieces: list[str] = []
        length = self.length
        pending = self.pending
        starts: list[int] = []
        for unit in sent.units:
            if unit.before is None:
                gap = DEFAULT_SPACE if pending is None else pending
            else:       # a space not given before a SpacesBefore is none
                gap = (pending or "") + unit.before
            if unit.span is not None:
                start, end = unit.span
                if end - start != len(unit.surface):
                    raise _Bad(f"TokenRange={start}:{end} covers {end - start} characters, but the token "
                               f"{unit.surface!r} has {len(unit.surface)}", unit.line, unit.column)
                if start < length:
                    raise _Bad(f"TokenRange={start}:{end} starts before the end of the token before it "
                               f"(at {length})", unit.line, unit.column)
                want = start - length
                gap = gap[:want] if len(gap) >= want else gap + DEFAULT_SPACE * (want - len(gap))
            pieces.append(gap)
            length += len(gap)
            starts.append(length)
            pieces.append(unit.surface)
            length += len(unit.surface)
            pending = unit.after
        offset = len(self.tokens)
        for k, a, b, fields in sent.tokens:
            tok = dict(fields, start=starts[k] + a, end=starts[k] + b, sentence=self.sentences)
            if tok.get("head", -1) >= 0:
                tok["head"] += offset
            self.tokens.append(tok)
        self.pieces += pieces
        self.length = length
        self.pending = pending
        self.trailing = sent.units[-1].after or ""
        self.sentences += 1

    def finish(self) -> Iterator[InputDoc]:
        if self.sentences:
            text = "".join(self.pieces) + self.trailing
            yield InputDoc(self.id, text, self.date, {}, self.tokens, self.file, self.line)
