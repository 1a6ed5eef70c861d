"""Errors that point at the place in a file that caused them.

`EvxError` is the root of every problem evx reports (the command line prints it, never a
traceback). A pattern is parsed and compiled without knowing where it came from, so it
raises `PatternError` with an offset into the pattern text; the rule loader turns that
offset into a `Location` in the YAML file. Input problems are `InputError`s naming the
file and line; `DocumentError` is what the annotator raises for a document it cannot take
as given; `AnnotatorError` is a spaCy pipeline that cannot be loaded or that gave a
document evx cannot take; `OutputError` is an output that cannot be written.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None       # 1-based; None: the whole file
    column: int | None = None     # 1-based; None: the whole line
    source_line: str = ""

    def __str__(self) -> str:
        return ":".join([self.file, *(str(n) for n in (self.line, self.column) if n is not None)])


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
        if loc is not None and loc.source_line and loc.column is not None:
            text = loc.source_line.rstrip("\r\n").expandtabs(1)
            lines.append("    " + text)
            lines.append("    " + " " * max(loc.column - 1, 0) + "^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self):
        # Exception pickles only its args, which would lose the location on its way back
        # from a worker process: keep every attribute.
        return _rebuild, (type(self), self.args, self.__dict__.copy())


def _rebuild(cls: type, args: tuple, state: dict) -> EvxError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


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


class AnnotatorError(EvxError):
    """An outside annotator (a spaCy pipeline) that cannot be loaded, or that gave a document
    evx cannot take: one line for the run, or for that document."""


class ModelError(EvxError):
    """A model file (the tagger's, the parser's) that is missing, damaged, of another kind or
    of another format version. Here rather than beside the model reader, so that catching it
    does not import numpy."""


class InputError(EvxError):
    """An input, or one document of it, that cannot be read or run: reported with its file
    (and line, for JSON Lines and CoNLL-U, and column where one is known) while the other
    documents go on."""

    def __init__(self, message: str, file: str, line: int | None = None, hint: str | None = None,
                 column: int | None = None):
        super().__init__(message, Location(file, line, column if line is not None else None), hint)

    @property
    def file(self) -> str:
        return self.location.file

    @property
    def line(self) -> int | None:
        return self.location.line


class OutputError(EvxError):
    """Records that cannot be written (a full disk, a folder not writable)."""


class ClosedPipe(OutputError):
    """Standard output's reader stopped reading (`evx match ... | head`): the end of the run,
    not a problem to report."""


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
