"""Errors that point at the place in a file that caused them.

A pattern is parsed and compiled without knowing where it came from, so it raises
`PatternError` with an offset into the pattern text; the rule loader turns that offset
into a `Location` in the YAML file and raises `EvxError`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Location:
    file: str
    line: int           # 1-based
    column: int         # 1-based
    source_line: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class EvxError(Exception):
    """A problem evx can name and locate: reported, never shown as a traceback."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def format(self) -> str:
        head = f"{self.location}: {self.message}" if self.location else self.message
        lines = [head]
        loc = self.location
        if loc is not None and loc.source_line:
            text = loc.source_line.rstrip("\r\n").expandtabs(1)
            lines.append("    " + text)
            lines.append("    " + " " * max(loc.column - 1, 0) + "^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


class RuleErrors(EvxError):
    """All the errors found in one rule set: a run reports them together, not only the first."""

    def __init__(self, errors: Iterable[EvxError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s) in the rules")

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class PatternError(EvxError):
    """A syntax or compile error at `offset` characters into a pattern's text.

    `others` holds further errors found in the same pattern, so that all are reported.
    """

    def __init__(self, message: str, offset: int, hint: str | None = None,
                 others: tuple["PatternError", ...] = ()):
        super().__init__(message, None, hint)
        self.offset = offset
        self.others = others

    def format(self) -> str:
        head = f"at character {self.offset}: {self.message}"
        return head + (f"\n  hint: {self.hint}" if self.hint else "")

    @classmethod
    def collected(cls, errors: list["PatternError"]) -> "PatternError":
        first = errors[0]
        return cls(first.message, first.offset, first.hint, tuple(errors[1:]))

    def all(self) -> list["PatternError"]:
        return [self, *self.others]


class DocumentError(EvxError):
    """A document evx cannot read as given (bad tokens, fields or offsets); the reader adds
    the file and line it came from."""


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice that looks most like `name`, for 'did you mean' hints."""
    import difflib
    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in choices}
        if name.lower() in lowered:
            return lowered[name.lower()]
    return found[0] if found else None


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    match = closest(name, choices)
    return f"did you mean '{match}'?" if match else None
