"""English time expressions -> ISO values, resolved against the document's date.

"on Sunday" in a text dated 2024-01-15 is 2024-01-14: a bare weekday looks back (or ahead
when the event is planned). Dates without a year take the document's year; "last week" is
an ISO week, "next month" a year-month. What cannot be resolved gets no value.
"""
from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], 1) for name in names}

_WORDS = re.compile(r"[a-z]+|\d+")


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        return None


def resolve(text: str, anchor: dt.date, forward: bool = False) -> str | None:
    """The ISO value of a time expression, or None (also when it falls off the calendar)."""
    try:
        return _resolve(text, anchor, forward)
    except (OverflowError, ValueError):
        return None


def _resolve(text: str, anchor: dt.date, forward: bool) -> str | None:
    words = _WORDS.findall(text.lower())
    if not words:
        return None
    numbers = [int(w) for w in words if w.isdigit()]
    names = [w for w in words if not w.isdigit()]
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this": 0}
    modifier = next((shift[w] for w in names if w in shift), None)

    for word, offset in (("yesterday", -1), ("today", 0), ("tonight", 0), ("tomorrow", 1)):
        if word in names:
            return (anchor + dt.timedelta(days=offset)).isoformat()

    day_name = next((w for w in names if w in WEEKDAYS), None)
    if day_name is not None:
        return _weekday(anchor, WEEKDAYS.index(day_name), modifier, forward).isoformat()

    month = next((MONTHS[w] for w in names if w in MONTHS), None)
    years = [n for n in numbers if 1000 <= n <= 2999]
    days = [n for n in numbers if 1 <= n <= 31]
    if month is not None:
        year = years[0] if years else None
        if days:
            return _dated(anchor, year, month, days[0], forward)
        if year is None:
            year = _nearest_year(anchor, month, 1, forward)
        return f"{year:04d}-{month:02d}"

    unit = next((w for w in names if w in ("week", "weekend", "month", "year")), None)
    if unit is not None and modifier is not None:
        if unit in ("week", "weekend"):
            year, week, _ = (anchor + dt.timedelta(weeks=modifier)).isocalendar()
            return f"{year:04d}-W{week:02d}"
        if unit == "month":
            index = anchor.year * 12 + anchor.month - 1 + modifier
            return f"{index // 12:04d}-{index % 12 + 1:02d}"
        return f"{anchor.year + modifier:04d}"
    if years and len(words) == 1:
        return f"{years[0]:04d}"
    return None


def _weekday(anchor: dt.date, weekday: int, modifier: int | None, forward: bool) -> dt.date:
    delta = (weekday - anchor.weekday()) % 7
    if modifier == 1 or (modifier is None and forward):
        return anchor + dt.timedelta(days=delta or (7 if modifier == 1 else 0))
    back = (anchor.weekday() - weekday) % 7
    if modifier == -1 and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def _dated(anchor: dt.date, year: int | None, month: int, day: int, forward: bool) -> str | None:
    if year is None:
        year = _nearest_year(anchor, month, day, forward)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _nearest_year(anchor: dt.date, month: int, day: int, forward: bool) -> int:
    """The year that puts month/day on the expected side of the anchor, within a year of it."""
    year = anchor.year
    if forward and (month, day) < (anchor.month, anchor.day):
        return year + 1
    if not forward and (month, day) > (anchor.month, anchor.day) and month - anchor.month > 2:
        return year - 1
    return year
