"""Writers: the per-document calls, the registry --format reads, and each format's exact bytes."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import evx
from evx.io import writers
from evx.io.writers import WRITERS, RecordWriter, encode, register
from evx.tools import cli

RECORDS = [
    {"doc": "d1", "type": "VISIT", "rule": "visit", "sentence": 0, "start": 0, "end": 32,
     "text": "Hassan Qomi arrived in Islamabad", "trigger": {"start": 12, "end": 19, "text": "arrived"},
     "arguments": {"visitor": [{"start": 0, "end": 11, "text": "Hassan Qomi", "label": "Person"}],
                   "destination": [{"start": 23, "end": 32, "text": "Islamabad", "label": "Location"}]},
     "attributes": {"cameo": "042"}},
    {"doc": "d2", "kind": "mention", "type": "Person", "rule": "people", "sentence": 1, "start": 4, "end": 9,
     "text": "Zoë\tF\u2028"},
]


def written(fmt: str, documents: list[list], encoded: bool = False) -> str:
    out = io.StringIO()
    writer = WRITERS[fmt](out)
    writer.begin()
    for records in documents:
        writer.document(None, [encode(r) if encoded else r for r in records])
    writer.end()
    return out.getvalue()


def test_the_registry_holds_the_formats_in_order():
    assert list(WRITERS) == ["jsonl", "json", "tsv", "table", "html", "brat"]
    for name, cls in WRITERS.items():
        assert issubclass(cls, RecordWriter) and cls.name == name and cls.summary


def test_format_takes_its_choices_from_the_registry():
    [option] = [p for p in cli.match.params if p.name == "fmt"]
    assert list(option.type.choices) == list(WRITERS)
    help_text = CliRunner().invoke(cli.main, ["match", "--help"]).output
    for name, cls in WRITERS.items():
        assert f"{name}: {cls.summary}" in " ".join(help_text.split())


JSONL = (json.dumps(RECORDS[0], ensure_ascii=False) + "\n"
         + json.dumps(RECORDS[1], ensure_ascii=False).replace("\u2028", "\\u2028") + "\n")


@pytest.mark.parametrize("encoded", [False, True])
def test_jsonl_bytes(encoded):
    assert written("jsonl", [[RECORDS[0]], [], [RECORDS[1]]], encoded) == JSONL
    assert written("jsonl", [[], []], encoded) == ""


@pytest.mark.parametrize("encoded", [False, True])
def test_json_bytes(encoded):
    one, two = (encode(r) for r in RECORDS)
    assert written("json", [[RECORDS[0]], [], [RECORDS[1]]], encoded) == f"[\n  {one},\n  {two}\n]\n"
    assert json.loads(written("json", [RECORDS], encoded)) == json.loads(json.dumps(RECORDS))
    assert written("json", [], encoded) == "[]\n"
    assert written("json", [[], []], encoded) == "[]\n"


def test_tsv_bytes():
    assert written("tsv", [RECORDS[:1], RECORDS[1:]]) == (
        "doc\ttype\trule\tsentence\tstart\tend\ttext\ttrigger\targuments\n"
        "d1\tVISIT\tvisit\t0\t0\t32\tHassan Qomi arrived in Islamabad\tarrived\t"
        "visitor=Hassan Qomi; destination=Islamabad\n"
        "d2\tPerson\tpeople\t1\t4\t9\tZoë F\u2028\t\t\n")
    assert written("tsv", []) == "doc\ttype\trule\tsentence\tstart\tend\ttext\ttrigger\targuments\n"


def test_table_bytes():
    assert written("table", [RECORDS[:1], [], RECORDS[1:]]) == (
        "doc  type    trigger  arguments                                   text                              cameo\n"
        "---  ------  -------  ------------------------------------------  --------------------------------  -----\n"
        "d1   VISIT   arrived  visitor=Hassan Qomi; destination=Islamabad  Hassan Qomi arrived in Islamabad  042\n"
        "d2   Person                                                       Zoë F\n")   # rows end trimmed
    assert written("table", []) == "(no records)\n"


def test_tsv_and_table_read_records_encoded_as_json_too():
    assert written("tsv", [RECORDS]) == written("tsv", [[encode(r) for r in RECORDS]])
    assert written("table", [RECORDS]) == written("table", [[encode(r) for r in RECORDS]])


# -- a writer that needs the document --------------------------------------------------------------

class SpansWriter(RecordWriter):
    """Writes each document's text with its records' spans in brackets: a stand-in for the
    brat and HTML writers, which need the text too."""
    name = "spans-test"
    summary = "bracketed spans (test)"
    needs_document = True

    def begin(self) -> None:
        self.out.write("begin\n")

    def document(self, doc, records) -> None:
        assert isinstance(doc, evx.Document)
        text = doc.text
        for r in sorted(records, key=lambda r: -r["start"]):
            text = text[:r["start"]] + "[" + text[r["start"]:r["end"]] + "]" + text[r["end"]:]
        self.out.write(f"{doc.id}: {text}\n")

    def end(self) -> None:
        self.out.write("end\n")


RULES = """\
taxonomy: [Place]
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome]
"""


@pytest.fixture
def spans_writer(monkeypatch):
    monkeypatch.setitem(WRITERS, SpansWriter.name, SpansWriter)
    yield SpansWriter


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_writer_that_needs_the_document_gets_it_in_input_order(tmp_path, spans_writer, jobs):
    from evx.io.readers import InputDoc
    from evx.run import batch
    rules_path = tmp_path / "rules.yml"
    rules_path.write_text(RULES, encoding="utf-8")
    rules = evx.load_rules(rules_path)
    writer_class = WRITERS["spans-test"]
    options = batch.Options((str(rules_path),), mentions=True, keep_document=writer_class.needs_document)
    docs = [InputDoc(f"d{i}", f"From Kabul to Rome, trip {i}.") for i in range(30)] + [InputDoc("none", "Nowhere.")]
    out = io.StringIO()
    writer = writer_class(out)
    writer.begin()
    for result in batch.run(rules, iter(docs), options, jobs):
        writer.document(result.document, result.records)
    writer.end()
    lines = out.getvalue().splitlines()
    assert lines[0] == "begin" and lines[-1] == "end"
    assert lines[1:-1] == [f"d{i}: From [Kabul] to [Rome], trip {i}." for i in range(30)] + ["none: Nowhere."]


def test_without_needing_it_a_writer_is_given_no_document(tmp_path):
    from evx.io.readers import InputDoc
    from evx.run import batch
    rules_path = tmp_path / "rules.yml"
    rules_path.write_text(RULES, encoding="utf-8")
    options = batch.Options((str(rules_path),), mentions=True)
    [result] = batch.run(evx.load_rules(rules_path), [InputDoc("d", "Kabul.")], options)
    assert result.document is None and len(result.records) == 1


def test_register_refuses_what_is_not_a_writer():
    with pytest.raises(TypeError):
        register(dict)
    assert "dict" not in WRITERS


def test_writers_are_one_module_each():
    """Every record format in a module of its own; the document writers of `evx annotate` in
    one module beside them."""
    from evx.io.writers.annotation import DOCUMENT_WRITERS
    folder = Path(writers.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base", "annotation"}
    assert {WRITERS[name].__module__.rsplit(".", 1)[1] for name in WRITERS} == modules
    assert {cls.__module__ for cls in DOCUMENT_WRITERS.values()} == {"evx.io.writers.annotation"}
