"""Text -> tokens: (start, end, word) for every token, with exact offsets.

Offsets are exact: for every token `text[start:end] == word`, for any input string.
Whitespace (everything `str.isspace()` accepts, including NBSP and CR/LF) and the zero-width
characters U+200B..U+200D, U+2060 and U+FEFF separate tokens and are never part of one.

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
* Hyphenated words stay whole ("Tehrik-i-Taliban", "high-level", "US-led",
  "AIDS-free"), as do numbers with internal separators ("1,200", "3.5",
  "2024-01-15", "10:30", "9/11") and alphanumerics ("21st", "1990s").  Currency
  and percent signs are separate tokens: "$5" -> "$" "5", "5%" -> "5" "%".
* Two places where news glues words with a hyphen that it means as a space are
  split at it, into the two words and the hyphen: a headline run into the
  dateline in capitals that opens the story ("Bridge Attack-LONDON — Police" ->
  "Attack" "-" "LONDON"; the dateline may go on in capitals, "Spaces-NEW YORK —",
  and carry an agency, "Attack-LONDON (Reuters) -"), and an acronym glued to the
  noun after it ("IS-attacks" -> "IS" "-" "attacks").  An acronym before a
  participle or an adjective-making word ("US-led", "UN-backed", "IS-held",
  "AIDS-free", "US-style") is a compound modifier, written as news writes
  "Saudi-led", and stays whole.
* Dashes used as punctuation ("—", "–", "--", a lone "-") and every quote,
  bracket and other symbol are tokens of their own; "..." and "…" are one token,
  as is any run of terminal punctuation such as "?!".
* URLs, e-mail addresses and bare domain names ("Vatgia.com") are single tokens.

Every pattern below is linear (no nested ambiguous repetition, bounded
look-arounds), so a long text without any sentence break is still annotated
in linear time.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, chain
from typing import Iterator


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
SPACE = r"\s" + _ZERO_WIDTH
_MARKS = _mark_ranges() + r"\u00ad"           # plus the soft hyphen, which sits inside words
_ALNUM = rf"[\w{_MARKS}]"
_HYPHENS = r"\-\u2010\u2011"
_NOT_URL = rf"{SPACE}<>\"'“”‘’«»()\[\]{{}}"

_URL = rf"(?:https?://|www\.)[^{_NOT_URL}]*[^{_NOT_URL}.,;:!?]"
_EMAIL = r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}"
_ACRONYM = rf"(?:[^\W\d_]\.){{2,}}(?:[{_HYPHENS}]{_ALNUM}+)*"
# a bare domain name ends a word ("Vatgia.com", "bbc.co.uk"); tried only where a word meets a period
_DOMAIN_END = r"(?:\.(?:com|org|net|gov|edu|info|io|co(?=\.[a-z]{2}\b))(?:\.[a-z]{2})?(?![\w.]\w))?"
_WORD = rf"{_ALNUM}+(?:(?:[{_HYPHENS}'’]|(?<=\d)[.,:/](?=\d)){_ALNUM}+)*{_DOMAIN_END}"
_CLITIC = rf"['’](?:[sSmMdD]|re|RE|ll|LL|ve|VE)(?!{_ALNUM})"
TERMINAL_CHARS = ".!?…‼⁇⁈⁉。！？"
TERMINAL = rf"[{TERMINAL_CHARS}]+"
_DASH = r"-{2,}|[\u2012-\u2015]+"
_OTHER = rf"[\U0001F1E6-\U0001F1FF]{{2}}|[^{SPACE}][{_MARKS}\U0001F3FB-\U0001F3FF]*"

_TOKEN_PARTS = [_URL, _ACRONYM, _WORD, _CLITIC, TERMINAL, _DASH, _OTHER]
# One capturing group around the whole alternation: re.split() then yields
# [gap, token, gap, token, ..., gap] and offsets follow from cumulative lengths,
# which keeps the per-token work in C.
_TOKEN_SPLIT_RE = re.compile("(" + "|".join(_TOKEN_PARTS) + ")")


@lru_cache(maxsize=1)
def _token_email_split_re() -> re.Pattern[str]:
    """The token pattern with e-mail addresses: they cost a bounded look-ahead at every
    token, so they are only looked for in texts containing '@' (compiled on first need)."""
    return re.compile("(" + "|".join([_URL, _EMAIL] + _TOKEN_PARTS[1:]) + ")")


_NUMBER_AHEAD_RE = re.compile(r"[ \t\u00a0]{0,2}\d")

# A hyphen inside a token that may glue two words: after a letter or digit and before two
# capitals (a dateline), or after two capitals and before a lower-case letter (an acronym
# and a noun). Only these places are looked at more closely (see _glued_edits). The ASCII
# hyphen has a pattern of its own: a literal first character makes the scan ten times faster.
_GLUED_AFTER = r"(?:(?<=[^\W_].)[A-Z\u00c0-\u00de]{2}|(?<=[A-Z]{2}.)[a-z])"
_GLUED_RE = re.compile("-" + _GLUED_AFTER)
_GLUED_UNICODE_RE = re.compile("[\u2010\u2011]" + _GLUED_AFTER)
# What follows a dateline's first word: more words (in capitals: checked apart), a news agency
# in parentheses, then a dash. Each word starts after a separator that no word holds, so the
# pattern is linear.
_DATELINE_REST_RE = re.compile(
    r"(?P<place>(?:[ \u00a0,/]+[^\W\d_a-z][\w.'’]*){0,6})[ \u00a0]*(?:\([^()\n]{1,40}\)[ \u00a0]*)?"
    r"(?:[\u2012-\u2015]|--|-(?=\s))")
# Prefixes that make one word with the capitals after them ("anti-IS", "ex-FBI"), never a headline's end.
_PREFIXES = frozenset(
    "a all anti co counter cross de ex extra inter intra mid multi neo non over pan para post pre pro "
    "pseudo re self semi sub super trans ultra un under vice".split())
# Words after an acronym and a hyphen that make a compound modifier of it ("US-led", "AIDS-free"):
# participles, and words that make adjectives.
_MODIFIER_TAILS = frozenset(
    "born bound bred brought built caught chosen cut done drawn driven fed flown fought found given "
    "gone grown held hit hung kept known laid led left lost made meant met paid put read ridden run "
    "said seen sent set shaken shot shown sold sought spent spoken spun stolen stricken struck stuck "
    "sworn taken taught thrown told torn won worn written "
    "centric compliant era exempt free friendly grade heavy like loyal minded negative only poor positive "
    "proof ready rich sized specific standard style type wide worthy".split())
_APOSTROPHES = "'’"

# Abbreviations that precede a name or number: never the end of a sentence.
TITLES = frozenset(chain.from_iterable((w, w.upper()) for w in (
    "Mr Mrs Ms Messrs Mmes Dr Drs Prof Gen Gens Lt Col Maj Brig Sgt Cpl Pvt Capt Cmdr Cdr "
    "Adm Sen Sens Rep Reps Gov Govs Pres Rev Hon Fr Msgr Supt Insp Det St Ste Mt Ft No Nos"
).split()))
_NUMBER_TITLES = frozenset({"No", "NO", "Nos", "NOS"})
# Abbreviations that may also close a sentence: ambiguous, see `sentences.py`.
OTHER_ABBREVIATIONS = frozenset(chain(
    chain.from_iterable((w, w.upper()) for w in (
        "Jr Sr Co Cos Corp Inc Ltd Plc Bros Dept Univ Assn Ave Blvd "
        "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
        "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"
    ).split()),
    chain.from_iterable((w, w.capitalize()) for w in "vs v etc approx cf al".split()),
))
_ABBREVIATIONS = TITLES | OTHER_ABBREVIATIONS


def is_initial(base: str) -> bool:
    return len(base) == 1 and base.isupper() and base != "I"


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


def tokenize(text: str) -> tuple[list[int], list[int], list[str]]:
    """Token starts, ends and words for plain text."""
    pattern = _token_email_split_re() if "@" in text else _TOKEN_SPLIT_RE
    parts = pattern.split(text)
    offsets = list(accumulate(map(len, parts)))
    starts = offsets[0:-1:2]
    ends = offsets[1::2]
    words = parts[1::2]
    glued = _glued_edits(text, starts, ends, words)
    if glued:
        starts, ends, words = _apply_edits(starts, ends, words, glued)
    edits = _abbreviation_edits(text, starts, ends, words)
    if "'" in text or "’" in text:
        edits += _clitic_edits(starts, words)
    if edits:
        starts, ends, words = _apply_edits(starts, ends, words, sorted(edits))
    return starts, ends, words


def _glued_edits(text: str, starts: list[int], ends: list[int],
                 words: list[str]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Split a token at a hyphen that glues a headline to its dateline ("Attack-LONDON —") or
    an acronym to a noun ("IS-attacks")."""
    edits = []
    at = [m.start() for m in _GLUED_RE.finditer(text)]
    if "\u2010" in text or "\u2011" in text:
        at = sorted(at + [m.start() for m in _GLUED_UNICODE_RE.finditer(text)])
    for h in at:
        i = bisect_right(starts, h) - 1
        if i < 0 or not starts[i] < h < ends[i] - 1 or (edits and edits[-1][0] == i):
            continue
        word, at = words[i], h - starts[i]
        head, tail = word[:at], word[at + 1:]
        if _is_dateline(text, ends[i], head, tail) or _is_acronym_and_noun(head, tail):
            s = starts[i]
            edits.append((i, i + 1, [(s, h, head), (h, h + 1, word[at]), (h + 1, ends[i], tail)]))
    return edits


def _is_dateline(text: str, end: int, head: str, tail: str) -> bool:
    """`head-TAIL` ends a headline and starts a dateline: TAIL in capitals, what follows it more
    capitals, perhaps an agency, and a dash; `head` with a lower-case letter and no prefix."""
    if not (len(tail) >= 2 and tail.isalpha() and tail.isupper()):
        return False
    if head.upper() == head or head.rpartition("-")[2].lower() in _PREFIXES:
        return False
    rest = _DATELINE_REST_RE.match(text, end)
    if rest is None:
        return False
    place = rest.group("place").replace(",", " ").replace("/", " ").split()
    return all(w.upper() == w for w in place)


def _is_acronym_and_noun(head: str, tail: str) -> bool:
    """`ACRONYM-word`, the word in lower case (a clitic after it aside: "IS-attack's") and not
    one that makes a compound modifier."""
    word = tail.split("'", 1)[0].split("’", 1)[0]
    return (len(head) >= 2 and head.isascii() and head.isalpha() and head.isupper()
            and word.isalpha() and word.islower() and not word.endswith(("ed", "ing"))
            and word not in _MODIFIER_TAILS)


def _abbreviation_edits(text: str, starts: list[int], ends: list[int],
                        words: list[str]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Glue a period to the abbreviation or initial right before it ("Mr" "." -> "Mr.")."""
    edits = []
    for i in [i for i, w in enumerate(words) if w == "."]:
        if i == 0 or ends[i - 1] != starts[i]:
            continue
        w = words[i - 1]
        if not (w in _ABBREVIATIONS or is_initial(w)):
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


_SPACE_RE = re.compile(f"[{SPACE}]")
CONTEXT = 2_000     # characters each side of a window that tokenize_windows reads with it


def tokenize_windows(text: str, window: int = 200_000) -> Iterator[tuple[list[int], list[int], list[str]]]:
    """`tokenize(text)` a window of about `window` characters at a time, in order, for a text
    too long to hold all of its token lists at once. Windows are cut inside whitespace, which
    no token holds, and each is tokenized with CONTEXT characters on either side, so that
    every choice the tokenizer makes by looking around a token sees what it sees in the
    whole text; only the tokens that start in the window are kept."""
    lo = 0
    while lo < len(text):
        cut = _SPACE_RE.search(text, lo + window) if lo + window < len(text) else None
        hi = cut.start() if cut is not None else len(text)
        left = max(0, lo - CONTEXT)
        starts, ends, words = tokenize(text[left:hi + CONTEXT])
        keep = [i for i, s in enumerate(starts) if lo <= s + left < hi]
        yield [starts[i] + left for i in keep], [ends[i] + left for i in keep], [words[i] for i in keep]
        lo = hi
