"""What every output format implements.

A run makes one writer over one text stream and calls `begin()` once, `document(doc,
records)` for each document in input order (also for one that found nothing), and `end()`
once. A format that needs the document itself, such as its text for standoff or HTML,
says so with `needs_document`; the others are given None, which spares the workers of a
`--jobs` run sending every annotated document back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, ClassVar, Sequence, Union

if TYPE_CHECKING:
    from ...api import RuleSet
    from ...text.document import Document

# a record as a dict, or as the line of JSON a worker encoded it to already
RecordData = Union[dict, str]


@dataclass(frozen=True)
class RunSetup:
    """What a run tells its writer beyond the stream: the rule set (for the labels, roles
    and attribute names a format lays out ahead of the records) and, for a format that
    writes a folder, the folder `-o` names."""
    rules: "RuleSet | None" = None
    folder: str | None = None


class RecordWriter:
    name: ClassVar[str]             # the --format name
    summary: ClassVar[str]          # one line for --help
    needs_document: ClassVar[bool] = False
    takes_encoded: ClassVar[bool] = False   # records may come as JSON text (see encode)
    writes_folder: ClassVar[bool] = False   # -o names a folder the writer fills (stdout unused)

    def __init__(self, out: IO[str]):
        self.out = out

    @classmethod
    def for_run(cls, out: IO[str], setup: RunSetup) -> "RecordWriter":
        """The writer of one run; a format that needs the rule set or a folder overrides this."""
        return cls(out)

    def begin(self) -> None:
        """Anything the format writes before the first record."""

    def document(self, doc: "Document | None", records: Sequence[RecordData]) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Anything the format writes after the last record."""
