"""Tokens given with a document (JSON): checked, then turned into offsets and sentences.

A bad token raises `DocumentError` naming the token; the reader adds the file and line.
"""
from __future__ import annotations

from typing import Any

from ..errors import DocumentError
from .sentences import sentence_breaks, spans_from_breaks


def _check_int(value: Any, what: str, i: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DocumentError(f"token {i}: {what} must be an integer, got {value!r}")
    return value


def validate_provided(text: str, tokens: list[dict]) -> tuple[list[int], list[int], list[int | None]]:
    """Starts, ends and heads of the given tokens; DocumentError for the first bad one."""
    starts: list[int] = []
    ends: list[int] = []
    heads: list[int | None] = []
    n = len(tokens)
    prev_start, prev_end = -1, 0
    for i, tok in enumerate(tokens):
        if not isinstance(tok, dict):
            raise DocumentError(f"token {i}: expected a dict, got {type(tok).__name__}")
        for key in ("start", "end"):
            if key not in tok:
                raise DocumentError(f"token {i}: missing {key!r}")
        s = _check_int(tok["start"], "start", i)
        e = _check_int(tok["end"], "end", i)
        if s < 0 or e > len(text):
            raise DocumentError(f"token {i}: offsets {s}..{e} out of range for text of length {len(text)}")
        if s >= e:
            raise DocumentError(f"token {i}: start {s} must be smaller than end {e}")
        if s < prev_start:
            raise DocumentError(f"token {i}: tokens are not sorted (starts at {s}, previous at {prev_start})")
        if s < prev_end:
            raise DocumentError(f"token {i}: overlaps the previous token (starts at {s}, previous ends at {prev_end})")
        head = tok.get("head")
        if head is not None:
            head = _check_int(head, "head", i)
            if head == -1:
                head = None
            elif not 0 <= head < n:
                raise DocumentError(f"token {i}: head {head} out of range (0..{n - 1}, or -1 for the root)")
            elif head == i:
                raise DocumentError(f"token {i}: a token cannot be its own head")
        starts.append(s)
        ends.append(e)
        heads.append(head)
        prev_start, prev_end = s, e
    return starts, ends, heads


def provided_spans(text: str, tokens: list[dict], starts: list[int], ends: list[int],
                    words: list[str]) -> list[tuple[int, int]]:
    ids = [tok.get("sentence") for tok in tokens]
    given = [x is not None for x in ids]
    if not any(given):
        return spans_from_breaks(len(words), sentence_breaks(text, starts, ends, words))
    if not all(given):
        raise DocumentError(f"token {given.index(False)}: 'sentence' missing while other tokens have one")
    spans = []
    seen = set()
    lo = 0
    for i, sid in enumerate(ids):
        _check_int(sid, "sentence", i)
        if i and sid != ids[i - 1]:
            if sid in seen:
                raise DocumentError(f"token {i}: sentence {sid} is not contiguous")
            spans.append((lo, i))
            lo = i
        seen.add(sid)
    spans.append((lo, len(ids)))
    return spans
