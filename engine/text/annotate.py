"""Default annotator for English news: tokens, sentences, lemmas and word shapes.

`annotate()` turns raw text into a `Document`.  Everything is pure Python and
regex driven so that it is fast, deterministic and has no model to load; the
only runtime dependency is `simplemma` for lemmas.

Offsets are exact: for every token `doc.text[t.start:t.end] == t.word`, for any
input string.  Whitespace (everything `str.isspace()` accepts, including NBSP
and CR/LF) and the zero-width characters U+200B..U+200D, U+2060 and U+FEFF
separate tokens and are never part of one.

Tokenization choices (where English news is ambiguous):

* Abbreviations keep their period: titles (Mr. Dr. Gen. Sen. St. ...), company
  and name suffixes (Inc. Corp. Ltd. Co. Jr. Sr.), months and weekdays
  (Jan. Sept. Mon. ...), vs. etc. approx., "No." only when a number follows,
  single capital initials ("J.", but not the pronoun "I"), and dotted acronyms
  ("U.S.", "U.N.", "e.g.", "a.m."), which may carry a hyphenated tail
  ("U.S.-backed" is one token).
* Clitics are split off: "Iran's" -> "Iran" "'s", "don't" -> "do" "n't",
  "they're" -> "they" "'re" (also 'll 've 'm 'd, and the curly apostrophe);
  a plural possessive apostrophe ("officials'") is its own token.  Names such
  as "O'Brien" or "Qur'an" stay whole.
* Hyphenated words stay whole ("Tehrik-i-Taliban", "high-level"), as do
  numbers with internal separators ("1,200", "3.5", "2024-01-15", "10:30",
  "9/11") and alphanumerics ("21st", "1990s").  Currency and percent signs are
  separate tokens: "$5" -> "$" "5", "5%" -> "5" "%".
* Dashes used as punctuation ("—", "–", "--", a lone "-") and every quote,
  bracket and other symbol are tokens of their own; "..." and "…" are one token,
  as is any run of terminal punctuation such as "?!".
* URLs and e-mail addresses are single tokens.

Sentence splitting:

* A sentence ends after . ! ? … (plus any closing quotes or brackets glued to
  them) when whitespace follows and the next token starts with an upper-case
  letter, a digit, or an opening quote or bracket.
* A blank line (two or more line breaks, LF, CRLF or CR) always ends a
  sentence, so a headline without a final period is its own sentence.  A single
  line break ends one only when the line ends with terminal punctuation.
* Titles and initials ("Mr.", "Gen.", "J.") never end a sentence.  Other
  abbreviations and dotted acronyms ("U.S.", "Inc.", "etc.") are ambiguous; we
  prefer not to split after them: they end a sentence only when a closing
  quote or bracket follows them, or when they end a line, and then only if the
  next token looks like a sentence start.  So "in the U.S. Officials said"
  stays one sentence while "in the U.S.\\nOfficials said" is two.
* A sentence never holds more than 1,000 tokens (`MAX_SENTENCE_TOKENS`): a
  longer run is cut into consecutive pieces of at most 1,000 tokens, so that
  later stages never see unbounded sentences.  The same cap applies to
  sentences given with provided tokens.

Lemmas come from simplemma (loaded on first use) through `lemmatize()`, which
keeps names, acronyms and abbreviations sensible; shapes follow spaCy
(`word_shape()`).  Both are cached per word.

Every pattern below is linear (no nested ambiguous repetition, bounded
look-arounds), so a long text without any sentence break is still annotated
in linear time.
"""
from __future__ import annotations

import bisect
import gc
import re
import unicodedata
from contextlib import contextmanager, suppress
from functools import lru_cache
from collections.abc import Mapping
from itertools import accumulate, chain
from typing import Any, Iterator

from .document import Document, Sentence, Token

__all__ = ["annotate", "word_shape", "lemmatize", "MAX_SENTENCE_TOKENS"]

MAX_SENTENCE_TOKENS = 1000


def _mark_ranges() -> str:
    """Regex class body for all combining marks, so "e\u0301" stays in its word.

    Python's `\\w` excludes marks (categories Mn/Mc/Me); without them decomposed
    accents and most Indic vowel signs would split words.  Only the Basic
    Multilingual Plane is scanned, skipping the large blocks that hold no marks
    (CJK ideographs, Hangul syllables, surrogates, private use), to keep imports
    fast; marks of historic scripts in higher planes do not occur in news.
    """
    category = unicodedata.category
    ranges: list[tuple[int, int]] = []
    for cp in chain(range(0x3400), range(0xA000, 0xAC00), range(0xF900, 0x10000)):
        if category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE = r"\s" + _ZERO_WIDTH
_MARKS = _mark_ranges() + r"\u00ad"           # plus the soft hyphen, which sits inside words
_ALNUM = rf"[\w{_MARKS}]"
_HYPHENS = r"\-\u2010\u2011"
_NOT_URL = rf"{_SPACE}<>\"'“”‘’«»()\[\]{{}}"

_URL = rf"(?:https?://|www\.)[^{_NOT_URL}]*[^{_NOT_URL}.,;:!?]"
_EMAIL = r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}"
_ACRONYM = rf"(?:[^\W\d_]\.){{2,}}(?:[{_HYPHENS}]{_ALNUM}+)*"
_WORD = rf"{_ALNUM}+(?:(?:[{_HYPHENS}'’]|(?<=\d)[.,:/](?=\d)){_ALNUM}+)*"
_CLITIC = rf"['’](?:[sSmMdD]|re|RE|ll|LL|ve|VE)(?!{_ALNUM})"
_TERMINAL_CHARS = ".!?…‼⁇⁈⁉。！？"
_TERMINAL = rf"[{_TERMINAL_CHARS}]+"
_DASH = r"-{2,}|[\u2012-\u2015]+"
_OTHER = rf"[\U0001F1E6-\U0001F1FF]{{2}}|[^{_SPACE}][{_MARKS}\U0001F3FB-\U0001F3FF]*"

_TOKEN_PARTS = [_URL, _ACRONYM, _WORD, _CLITIC, _TERMINAL, _DASH, _OTHER]
# One capturing group around the whole alternation: re.split() then yields
# [gap, token, gap, token, ..., gap] and offsets follow from cumulative lengths,
# which keeps the per-token work in C.
_TOKEN_SPLIT_RE = re.compile("(" + "|".join(_TOKEN_PARTS) + ")")


@lru_cache(maxsize=1)
def _token_email_split_re() -> re.Pattern[str]:
    """The token pattern with e-mail addresses: they cost a bounded look-ahead at every
    token, so they are only looked for in texts containing '@' (compiled on first need)."""
    return re.compile("(" + "|".join([_URL, _EMAIL] + _TOKEN_PARTS[1:]) + ")")


_TERMINAL_RE = re.compile(_TERMINAL)
_DOTTED_RE = re.compile(r"(?:[^\W\d_]\.){2,}")
# A run of whitespace that starts at a line break (every str.splitlines() boundary).
_LINEBREAK_RUN_RE = re.compile(rf"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029][{_SPACE}]*")
_NUMBER_AHEAD_RE = re.compile(r"[ \t\u00a0]{0,2}\d")
_APOSTROPHES = "'’"

# Abbreviations that precede a name or number: never the end of a sentence.
_TITLES = frozenset(chain.from_iterable((w, w.upper()) for w in (
    "Mr Mrs Ms Messrs Mmes Dr Drs Prof Gen Gens Lt Col Maj Brig Sgt Cpl Pvt Capt Cmdr Cdr "
    "Adm Sen Sens Rep Reps Gov Govs Pres Rev Hon Fr Msgr Supt Insp Det St Ste Mt Ft No Nos"
).split()))
_NUMBER_TITLES = frozenset({"No", "NO", "Nos", "NOS"})
# Abbreviations that may also close a sentence: ambiguous, see the module docstring.
_OTHER_ABBREVIATIONS = frozenset(chain(
    chain.from_iterable((w, w.upper()) for w in (
        "Jr Sr Co Cos Corp Inc Ltd Plc Bros Dept Univ Assn Ave Blvd "
        "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
        "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"
    ).split()),
    chain.from_iterable((w, w.capitalize()) for w in "vs v etc approx cf al".split()),
))
_ABBREVIATIONS = _TITLES | _OTHER_ABBREVIATIONS

_CLOSERS = frozenset("\"'”’»›)]}")
_OPENERS = frozenset("\"'“‘«„‚‹([{")

_NOT_TERMINAL, _HARD, _SOFT, _TITLE = 0, 1, 2, 3


def _is_initial(base: str) -> bool:
    return len(base) == 1 and base.isupper() and base != "I"


@lru_cache(maxsize=4096)
def _terminal_class(word: str) -> int:
    """How a token can end a sentence: hard (. ! ?), soft (abbreviation), title (never)."""
    if _TERMINAL_RE.fullmatch(word):
        return _HARD
    if len(word) > 1 and word[-1] == ".":
        base = word[:-1]
        if base in _TITLES or _is_initial(base):
            return _TITLE
        if base in _OTHER_ABBREVIATIONS or _DOTTED_RE.fullmatch(word):
            return _SOFT
    return _NOT_TERMINAL


# ---------------------------------------------------------------- tokenization

_CLITIC_SUFFIXES = frozenset({"s", "re", "ll", "ve", "m", "d"})


@lru_cache(maxsize=8192)
def _split_clitics(word: str) -> tuple[int, ...]:
    """Offsets inside `word` where clitics start ("Iran's" -> (4,), "don't" -> (2,))."""
    cuts: list[int] = []
    end = len(word)
    while end > 1:
        lo = max(end - 3, 0)             # a clitic apostrophe is among the last three characters
        apos = max(word.rfind("'", lo, end), word.rfind("’", lo, end))
        if apos > 0 and word[apos + 1:end].lower() in _CLITIC_SUFFIXES:
            end = apos
        elif (end > 3 and word[end - 3] in "nN" and word[end - 2] in _APOSTROPHES
                and word[end - 1] in "tT"):
            end -= 3
        else:
            break
        cuts.append(end)
    return tuple(reversed(cuts))


def _tokenize(text: str) -> tuple[list[int], list[int], list[str]]:
    """Token starts, ends and words for plain text."""
    pattern = _token_email_split_re() if "@" in text else _TOKEN_SPLIT_RE
    parts = pattern.split(text)
    offsets = list(accumulate(map(len, parts)))
    starts = offsets[0:-1:2]
    ends = offsets[1::2]
    words = parts[1::2]
    edits = _abbreviation_edits(text, starts, ends, words)
    if "'" in text or "’" in text:
        edits += _clitic_edits(starts, words)
    if edits:
        starts, ends, words = _apply_edits(starts, ends, words, sorted(edits))
    return starts, ends, words


def _abbreviation_edits(text: str, starts: list[int], ends: list[int],
                        words: list[str]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Glue a period to the abbreviation or initial right before it ("Mr" "." -> "Mr.")."""
    edits = []
    for i in [i for i, w in enumerate(words) if w == "."]:
        if i == 0 or ends[i - 1] != starts[i]:
            continue
        w = words[i - 1]
        if not (w in _ABBREVIATIONS or _is_initial(w)):
            continue
        end = ends[i]
        if w in _NUMBER_TITLES and not _NUMBER_AHEAD_RE.match(text, end):
            continue
        edits.append((i - 1, i + 1, [(starts[i - 1], end, w + ".")]))
    return edits


def _clitic_edits(starts: list[int], words: list[str]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Split clitics off words ("Iran's" -> "Iran" "'s", "don't" -> "do" "n't")."""
    edits = []
    for i in [i for i, w in enumerate(words) if "'" in w or "’" in w]:
        w = words[i]
        cuts = _split_clitics(w) if len(w) > 2 else ()
        if not cuts:
            continue
        s = starts[i]
        bounds = (0,) + cuts + (len(w),)
        edits.append((i, i + 1, [(s + a, s + b, w[a:b]) for a, b in zip(bounds, bounds[1:])]))
    return edits


def _apply_edits(starts: list[int], ends: list[int], words: list[str],
                 edits: list[tuple[int, int, list[tuple[int, int, str]]]]) -> tuple[list[int], list[int], list[str]]:
    """Replace token ranges [i, j) by new tokens; edits are sorted and disjoint."""
    new_starts: list[int] = []
    new_ends: list[int] = []
    new_words: list[str] = []
    prev = 0
    for i, j, items in edits:
        new_starts += starts[prev:i]
        new_ends += ends[prev:i]
        new_words += words[prev:i]
        for s, e, w in items:
            new_starts.append(s)
            new_ends.append(e)
            new_words.append(w)
        prev = j
    new_starts += starts[prev:]
    new_ends += ends[prev:]
    new_words += words[prev:]
    return new_starts, new_ends, new_words


# ------------------------------------------------------------ sentence splitting

def _starts_sentence(word: str) -> bool:
    c = word[0]
    return c.isupper() or c.istitle() or c.isdigit() or c in _OPENERS


def _line_breaks(gap: str) -> int:
    if "\u2029" in gap:                  # paragraph separator
        return 2
    return len((gap + "x").splitlines()) - 1


def _sentence_breaks(text: str, starts: list[int], ends: list[int], words: list[str]) -> set[int]:
    """Indices of tokens after which a sentence ends (the last token is implied)."""
    n = len(words)
    breaks: set[int] = set()
    for i in [i for i, w in enumerate(words) if w[-1] in _TERMINAL_CHARS]:
        kind = _terminal_class(words[i])
        if kind == _NOT_TERMINAL or kind == _TITLE:
            continue
        j = i
        while j + 1 < n and starts[j + 1] == ends[j] and words[j + 1] in _CLOSERS:
            j += 1
        if j + 1 >= n or starts[j + 1] == ends[j]:
            continue
        if kind == _SOFT and j == i:
            continue
        if _starts_sentence(words[j + 1]):
            breaks.add(j)

    for m in _LINEBREAK_RUN_RE.finditer(text):
        k = bisect.bisect_left(starts, m.end())
        if k == 0 or k >= n or ends[k - 1] > m.start():
            continue                     # before the first or after the last token, or inside one
        if _line_breaks(m.group()) >= 2:
            breaks.add(k - 1)
            continue
        j = k - 1
        while j > 0 and words[j] in _CLOSERS and starts[j] == ends[j - 1]:
            j -= 1
        kind = _terminal_class(words[j])
        if kind == _HARD or (kind == _SOFT and _starts_sentence(words[k])):
            breaks.add(k - 1)
    return breaks


def _spans_from_breaks(n: int, breaks: set[int]) -> list[tuple[int, int]]:
    spans = []
    lo = 0
    for b in sorted(breaks):
        spans.append((lo, b + 1))
        lo = b + 1
    if lo < n:
        spans.append((lo, n))
    return spans


def _cap(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentences longer than MAX_SENTENCE_TOKENS into consecutive pieces."""
    out = []
    for lo, hi in spans:
        while hi - lo > MAX_SENTENCE_TOKENS:
            out.append((lo, lo + MAX_SENTENCE_TOKENS))
            lo += MAX_SENTENCE_TOKENS
        out.append((lo, hi))
    return out


# ------------------------------------------------------------- lemmas and shapes

_ASCII_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_LONG_RUN_RE = re.compile(r"(.)\1{4,}", re.DOTALL)


def word_shape(word: str) -> str:
    """spaCy-style shape: X/x for letters, d for digits, others kept; runs capped at 4."""
    if word.isascii():
        shape = word.translate(_ASCII_SHAPE)
    else:
        shape = "".join(
            ("X" if c.isupper() else "x") if c.isalpha() else "d" if c.isdigit() else c
            for c in word
        )
    return _cap_runs(shape) if len(shape) > 4 else shape


@lru_cache(maxsize=4096)
def _cap_runs(shape: str) -> str:
    # far fewer distinct shapes than words ("Xxxxxxx" stands for every capitalised
    # seven-letter word), so capping once per shape spares the regex for most words
    return _LONG_RUN_RE.sub(r"\1\1\1\1", shape)


# Clitic lemmas are fixed rather than looked up: "'s" and "'d" are ambiguous, so they stay.
_CLITIC_LEMMAS = {
    "'s": "'s", "'re": "be", "'m": "be", "'ll": "will", "'ve": "have", "'d": "'d", "n't": "not",
}
# simplemma outputs that are wrong, or that pick the rare reading, for news text.
_LEMMA_OVERRIDES = {
    "gone": "go", "swore": "swear", "felt": "feel", "won": "win", "rose": "rise",
    "broke": "break", "shook": "shake", "bore": "bear",
}
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
_MAX_LEMMA_LENGTH = 60                   # longer "words" are URLs or junk: not worth a lookup
_lemmatizer: Any = None
_table: Any = None      # the English word -> lemma table simplemma reads, when it is evx's own


def _dictionary_lemma(word: str) -> str:
    global _lemmatizer
    if _lemmatizer is None:
        _lemmatizer = _english_lemmatizer()
    # The first step of simplemma's pipeline for English, taken here: the word as given, then
    # with its first letter's case turned, looked up in its table (after the checks before
    # it: numbers come back as they are, keys are NFC). Nine words in ten end there, at a
    # fifth of the cost, which every worker of a parallel run pays again for its vocabulary.
    if _table is not None and not word.isnumeric() and unicodedata.is_normalized("NFC", word):
        lemma = _table.get(word)
        if lemma is None:
            lemma = _table.get(word.lower() if word[:1].isupper() else word.capitalize())
        if lemma is not None:
            return lemma.lower()
    return _lemmatizer.lemmatize(word, lang="en").lower()


def _english_lemmatizer() -> Any:
    """simplemma's default lemmatizer, reading its table from the evx cache when it can.

    simplemma ships each language's table compressed and front-coded; unpacking the English
    one takes about 0.3 s, more than all the rest of a short run. The unpacked table is kept
    in the cache (see `cache.py`) in a form that is read in place (`lemmatable.py`).
    """
    import simplemma
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    from .. import cache
    from .lemmatable import LemmaTable, encode

    class CachedTables:                  # simplemma's DictionaryFactory protocol
        def __init__(self) -> None:
            self.tables: dict[str, Mapping[str, str]] = {}

        def get_dictionary(self, lang: str) -> Mapping[str, str]:
            if lang not in self.tables:
                self.tables[lang] = self._read(lang)
            return self.tables[lang]

        def _read(self, lang: str) -> Mapping[str, str]:
            kept = _table_from(cache.load_lemma_table(lang, simplemma.__version__))
            if kept is not None:
                return kept
            table = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
            try:
                data = encode(table)
            except ValueError:           # a word too long for the format: keep simplemma's own
                return table
            cache.store_lemma_table(lang, simplemma.__version__, data)
            return LemmaTable(data)

    def _table_from(data: bytes | None) -> LemmaTable | None:
        with suppress(ValueError):
            return LemmaTable(data) if data is not None else None
        return None

    if cache.cache_dir() is None:
        return simplemma.Lemmatizer()
    global _table
    tables = CachedTables()
    english = tables.get_dictionary("en")
    _table = english if isinstance(english, LemmaTable) else None
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=tables))


def lemmatize(word: str) -> str:
    """Lower-case lemma of one token, keeping names, acronyms and abbreviations intact.

    simplemma gets the word in its original case: it knows many names that way
    ("Syrians" -> "syrian", "US" stays "us" rather than becoming "we").  Tokens
    without letters, with digits or with a period ("U.S.", "Mr.") are their own
    lower-cased lemma; clitics have fixed lemmas, with the curly apostrophe
    normalised ("’s" -> "'s", "n’t" -> "not") so one pattern matches both.
    """
    lower = word.lower()
    key = lower.replace("’", "'")
    if key in _CLITIC_LEMMAS:
        return _CLITIC_LEMMAS[key]
    if key in _LEMMA_OVERRIDES:
        return _LEMMA_OVERRIDES[key]
    # most words are letters only, for which none of the checks in this block can apply
    if not (word.isalpha() and len(word) <= _MAX_LEMMA_LENGTH):
        if (len(word) > _MAX_LEMMA_LENGTH or not _HAS_LETTER_RE.search(word) or "." in word
                or any(c.isdigit() for c in word)):
            return lower                 # punctuation, numbers, abbreviations, "21st", junk
        hyphen = max(word.rfind(h) for h in "-\u2010\u2011")
        if hyphen >= 0:
            # Compounds keep their form ("Khorasan-based") except plural heads ("car-bombs").
            head = word[hyphen + 1:]
            if len(head) > 3 and head.isalpha() and head[-1] in "sS":
                return lower[:hyphen + 1] + _dictionary_lemma(head)
            return lower
    if word.isupper():
        if len(word) <= 3:               # acronyms: "US", "IS", "UN"
            return lower
        lemma = _dictionary_lemma(word)  # shouted headlines: "OFFICIALS" -> "official"
        return lemma if lemma.isalpha() else lower
    return _dictionary_lemma(word)


@lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> tuple[str, str, str]:
    """(lower, lemma, shape) of a word; cached because news vocabulary repeats heavily."""
    return word.lower(), lemmatize(word), word_shape(word)


# ------------------------------------------------------------ provided tokens

def _check_int(value: Any, what: str, i: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"token {i}: {what} must be an integer, got {value!r}")
    return value


def _validate_provided(text: str, tokens: list[dict]) -> tuple[list[int], list[int], list[int | None]]:
    starts: list[int] = []
    ends: list[int] = []
    heads: list[int | None] = []
    n = len(tokens)
    prev_start, prev_end = -1, 0
    for i, tok in enumerate(tokens):
        if not isinstance(tok, dict):
            raise ValueError(f"token {i}: expected a dict, got {type(tok).__name__}")
        for key in ("start", "end"):
            if key not in tok:
                raise ValueError(f"token {i}: missing {key!r}")
        s = _check_int(tok["start"], "start", i)
        e = _check_int(tok["end"], "end", i)
        if s < 0 or e > len(text):
            raise ValueError(f"token {i}: offsets {s}..{e} out of range for text of length {len(text)}")
        if s >= e:
            raise ValueError(f"token {i}: start {s} must be smaller than end {e}")
        if s < prev_start:
            raise ValueError(f"token {i}: tokens are not sorted (starts at {s}, previous at {prev_start})")
        if s < prev_end:
            raise ValueError(f"token {i}: overlaps the previous token (starts at {s}, previous ends at {prev_end})")
        head = tok.get("head")
        if head is not None:
            head = _check_int(head, "head", i)
            if head == -1:
                head = None
            elif not 0 <= head < n:
                raise ValueError(f"token {i}: head {head} out of range (0..{n - 1}, or -1 for the root)")
            elif head == i:
                raise ValueError(f"token {i}: a token cannot be its own head")
        starts.append(s)
        ends.append(e)
        heads.append(head)
        prev_start, prev_end = s, e
    return starts, ends, heads


def _provided_spans(text: str, tokens: list[dict], starts: list[int], ends: list[int],
                    words: list[str]) -> list[tuple[int, int]]:
    ids = [tok.get("sentence") for tok in tokens]
    given = [x is not None for x in ids]
    if not any(given):
        return _spans_from_breaks(len(words), _sentence_breaks(text, starts, ends, words))
    if not all(given):
        raise ValueError(f"token {given.index(False)}: 'sentence' missing while other tokens have one")
    spans = []
    seen = set()
    lo = 0
    for i, sid in enumerate(ids):
        _check_int(sid, "sentence", i)
        if i and sid != ids[i - 1]:
            if sid in seen:
                raise ValueError(f"token {i}: sentence {sid} is not contiguous")
            spans.append((lo, i))
            lo = i
        seen.add(sid)
    spans.append((lo, len(ids)))
    return spans


# --------------------------------------------------------------------- public

def annotate(text: str, doc_id: str = "", date: str | None = None, meta: dict | None = None,
             tokens: list[dict] | None = None) -> Document:
    """Annotate English news text, or wrap externally provided tokens, into a Document.

    With `tokens`, each dict gives `start`/`end` offsets and optionally `tag`,
    `entity`, `lemma`, `sentence`, `head` and `dep`; those replace the built-in
    tokenizer and splitter.  Invalid tokens raise ValueError naming the token.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    meta = dict(meta) if meta else {}
    with _collector_paused():
        if tokens is None:
            return _annotate_text(text, doc_id, date, meta)
        return _annotate_provided(text, doc_id, date, meta, tokens)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a document.

    A document is hundreds of thousands of new, acyclic objects; the collector
    would rescan them again and again, which doubles annotation time.  Nothing
    built here can form a reference cycle, so nothing is left uncollected.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _annotate_text(text: str, doc_id: str, date: str | None, meta: dict) -> Document:
    starts, ends, words = _tokenize(text)
    spans = _cap(_spans_from_breaks(len(words), _sentence_breaks(text, starts, ends, words)))
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
    starts, ends, heads = _validate_provided(text, tokens)
    words = [text[s:e] for s, e in zip(starts, ends)]
    deps = [str(tok.get("dep") or "") for tok in tokens]
    outgoing: list[list[str]] = [[] for _ in tokens]
    for i, head in enumerate(heads):
        if head is not None:
            outgoing[head].append(deps[i])
    spans = _cap(_provided_spans(text, tokens, starts, ends, words))
    sentences = []
    for si, (lo, hi) in enumerate(spans):
        toks = []
        for k, i in enumerate(range(lo, hi)):
            tok = tokens[i]
            lower, lemma, shape = _word_features(words[i])
            if tok.get("lemma"):
                lemma = str(tok["lemma"]).lower()
            toks.append(Token(
                k, starts[i], ends[i], words[i], lower, lemma, shape,
                tag=str(tok.get("tag") or ""), entity=str(tok.get("entity") or ""),
                incoming=deps[i], outgoing=tuple(outgoing[i]),
            ))
        sentences.append(Sentence(si, starts[lo], ends[hi - 1], tuple(toks)))
    return Document(doc_id, text, tuple(sentences), date, meta)
