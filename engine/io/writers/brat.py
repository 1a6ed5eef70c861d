"""brat standoff: a folder with a `.txt` and an `.ann` per document and an `annotation.conf`
for the rule set's labels, roles and attributes, which brat opens as it is.

In an `.ann`, each trigger, argument and (with --mentions) mention is a T line with its
character offsets into the `.txt`; each event an E line `TYPE:T1 role:T2 ...` (a role
given twice is `role`, `role2`, ... as brat numbers them); each attribute an A line on
its event or mention. A relation, which has no trigger, is an event whose trigger is the
relation's whole span. A span across a line break is a discontinuous span, one fragment
per line, as brat wants it.

A document's file name comes from its id, made safe: ASCII letters, digits, `.`, `_` and
`-` only, no leading dot, at most 100 characters, and a `-2`, `-3`... where two ids would
give the same name (compared without case). `documents.tsv` maps each name to its id.
A carriage return in a text is a space in its `.txt`, as brat's reading of the file would
otherwise drop it from `\\r\\n` and move every offset after it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Sequence

from ...errors import OutputError
from .base import RecordData, RecordWriter, RunSetup
from .tsv import as_dict, cell

if TYPE_CHECKING:
    from ...api import RuleSet

CONF_FILE = "annotation.conf"
INDEX_FILE = "documents.tsv"
UNLABELLED = "Span"         # the entity type of an argument whose span has no label
MAX_STEM = 100
_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9._-]+")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
EVENT_TARGET, ENTITY_TARGET = "<EVENT>", "<ENTITY>"


# -- names ------------------------------------------------------------------------------------------

def file_stem(doc_id: str) -> str:
    """A name for a document's files that stays in the folder and means nothing to a shell."""
    stem = doc_id[:-4] if doc_id.lower().endswith(".txt") else doc_id
    stem = _UNSAFE_FILE.sub("_", stem).lstrip(".-")[:MAX_STEM].rstrip(".") or "document"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


class FileNames:
    """Hands out one distinct file stem per document, in input order."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, doc_id: str) -> str:
        base = file_stem(doc_id)
        stem, n = base, 1
        while stem.casefold() in self.taken:
            n += 1
            stem = f"{base}-{n}"
        self.taken.add(stem.casefold())
        return stem


def brat_name(name: str) -> str:
    """A label or attribute name brat reads as one word."""
    return _UNSAFE_NAME.sub("_", str(name)) or "_"


def brat_role(role: str) -> str:
    """A role name; one ending in a digit gets a `_`, as brat reads a final number as a count."""
    name = brat_name(role)
    return name + "_" if name[-1].isdigit() else name


# -- the labels annotation.conf lists ---------------------------------------------------------------

@dataclass
class Labels:
    """Entity types, event types with their roles, and attributes with what they attach to
    and their values: from the rule set, and added to from the records of the run."""
    entities: set[str] = field(default_factory=set)
    events: dict[str, set[str]] = field(default_factory=dict)
    attributes: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)  # name -> (targets, values)

    def add_event(self, type_: str, roles=()) -> None:
        self.events.setdefault(brat_name(type_), set()).update(brat_role(r) for r in roles)

    def add_attribute(self, name: str, target: str, value) -> None:
        targets, values = self.attributes.setdefault(brat_name(name), (set(), set()))
        targets.add(target)
        if value is not None:
            values.add(brat_name(cell(value)))


def rule_set_labels(rules: "RuleSet | None") -> Labels:
    labels = Labels()
    if rules is None:
        return labels
    for type_, schema in rules.schemas.items():
        labels.add_event(type_, schema.roles)
    for rule in rules.rules:
        captures = rule.matcher.captures
        target = EVENT_TARGET if captures else ENTITY_TARGET
        if captures:
            labels.add_event(rule.label, captures - {"trigger"})
        for name, value in rule.attributes.items():
            labels.add_attribute(name, target, value)
    for context in rules.contexts:
        for value in [context.default, *(case.value for case in context.cases)]:
            labels.add_attribute(context.attribute, EVENT_TARGET, value)
    labels.entities = {brat_name(n) for n in rules.taxonomy.names} - set(labels.events)
    return labels


def render_conf(labels: Labels) -> str:
    """annotation.conf: brat's four sections, each sorted."""
    entities = sorted(labels.entities - set(labels.events))
    lines = ["# Labels, roles and attributes of the rule set, written by evx", "[entities]", *entities,
             "[relations]", "[events]"]
    for type_, roles in sorted(labels.events.items()):
        lines.append(type_ + (" " + ", ".join(f"{role}*:{ENTITY_TARGET}" for role in sorted(roles)) if roles else ""))
    lines.append("[attributes]")
    for name, (targets, values) in sorted(labels.attributes.items()):
        arg = "Arg:" + "|".join(sorted(targets))
        lines.append(f"{name} {arg}" + (f", Value:{'|'.join(sorted(values))}" if values else ""))
    return "\n".join(lines) + "\n"


# -- one document's standoff ------------------------------------------------------------------------

def brat_text(text: str) -> str:
    """The `.txt` of a document: its text with each carriage return a space (same offsets)."""
    return text.replace("\r", " ")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span's pieces between line breaks, without empty ones."""
    out, at = [], start
    for piece in text[start:end].split("\n"):
        if piece:
            out.append((at, at + len(piece)))
        at += len(piece) + 1
    return out


class Standoff:
    """The lines of one `.ann`: T lines shared by equal spans of the same label."""

    def __init__(self, text: str, labels: Labels):
        self.text = text
        self.labels = labels
        self.lines: list[str] = []
        self.spans: dict[tuple[str, int, int], str] = {}
        self.counts = {"T": 0, "E": 0, "A": 0}

    def _id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def span(self, label: str, start: int, end: int) -> str | None:
        """The T id of a span, made on first use; None for a span of nothing but line breaks."""
        label = brat_name(label)
        key = (label, start, end)
        if key not in self.spans:
            pieces = fragments(self.text, start, end)
            if not pieces:
                return None
            tid = self._id("T")
            where = ";".join(f"{a} {b}" for a, b in pieces)
            shown = " ".join(self.text[a:b] for a, b in pieces)
            self.lines.append(f"{tid}\t{label} {where}\t{shown}")
            self.spans[key] = tid
            if label not in self.labels.events:
                self.labels.entities.add(label)
        return self.spans[key]

    def event(self, type_: str, trigger: tuple[int, int], arguments: dict) -> str | None:
        self.labels.add_event(type_)
        tid = self.span(type_, *trigger)
        if tid is None:
            return None
        parts = [f"{brat_name(type_)}:{tid}"]
        for role, spans in arguments.items():
            name = brat_role(role)
            seen = 0
            for span in spans:
                label = span.get("label")
                if label is None or brat_name(label) in self.labels.events:
                    label = UNLABELLED
                arg = self.span(label, span["start"], span["end"])
                if arg is None:
                    continue
                seen += 1
                parts.append(f"{name}{seen if seen > 1 else ''}:{arg}")
                self.labels.events[brat_name(type_)].add(name)
        eid = self._id("E")
        self.lines.append(f"{eid}\t{' '.join(parts)}")
        return eid

    def attributes(self, target_id: str, target: str, attributes: dict) -> None:
        for name, value in attributes.items():
            self.labels.add_attribute(name, target, value)
            self.lines.append(f"{self._id('A')}\t{brat_name(name)} {target_id} {brat_name(cell(value))}")

    def record(self, record: dict) -> None:
        trigger = record.get("trigger")
        if trigger is not None or record.get("kind") == "relation" or brat_name(record["type"]) in self.labels.events:
            where = (trigger["start"], trigger["end"]) if trigger is not None else (record["start"], record["end"])
            target_id, target = self.event(record["type"], where, record.get("arguments", {})), EVENT_TARGET
        else:
            target_id, target = self.span(record["type"], record["start"], record["end"]), ENTITY_TARGET
        if target_id is not None:
            self.attributes(target_id, target, record.get("attributes", {}))

    def render(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def standoff(text: str, records: Sequence[RecordData], labels: Labels) -> str:
    """The `.ann` of a document's records (events first, so that their spans get the low ids)."""
    ann = Standoff(text, labels)
    dicts = [as_dict(r) for r in records]
    for record in sorted(dicts, key=lambda r: r.get("kind", "event") != "event"):
        ann.record(record)
    return ann.render()


# -- the writer -------------------------------------------------------------------------------------

class BratWriter(RecordWriter):
    name = "brat"
    summary = "brat standoff, a .txt and an .ann per document and annotation.conf (-o FOLDER)"
    needs_document = True
    writes_folder = True

    def __init__(self, out: IO[str], folder: str, rules: "RuleSet | None" = None):
        super().__init__(out)
        self.folder = folder
        self.labels = rule_set_labels(rules)
        self.names = FileNames()
        self.index: list[tuple[str, str]] = []

    @classmethod
    def for_run(cls, out: IO[str], setup: RunSetup) -> "BratWriter":
        if setup.folder is None:
            raise ValueError("the brat format writes a folder: it needs one")
        return cls(out, setup.folder, setup.rules)

    def _write(self, name: str, content: str) -> None:
        """One file of the folder, whole or not at all."""
        path = os.path.join(self.folder, name)
        temporary = os.path.join(self.folder, f".evx-{os.urandom(6).hex()}.tmp")
        try:
            with open(temporary, "x", encoding="utf-8", newline="") as handle:
                handle.write(content)
            os.replace(temporary, path)
        except OSError as err:
            with_suppressed_unlink(temporary)
            raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
        except BaseException:
            with_suppressed_unlink(temporary)
            raise

    def begin(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot make the folder {self.folder}: {err.strerror or err}") from None
        self._write(CONF_FILE, render_conf(self.labels))

    def document(self, doc, records: Sequence[RecordData]) -> None:
        stem = self.names.claim(doc.id)
        self.index.append((stem, doc.id))
        text = brat_text(doc.text)
        self._write(stem + ".txt", text)
        self._write(stem + ".ann", standoff(text, records, self.labels))

    def end(self) -> None:
        self._write(CONF_FILE, render_conf(self.labels))
        rows = ["file\tid"] + [f"{stem}\t{_one_line(doc_id)}" for stem, doc_id in self.index]
        self._write(INDEX_FILE, "\n".join(rows) + "\n")


def _one_line(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def with_suppressed_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
