"""brat standoff (`--format brat -o FOLDER`) read back and checked against its texts, and the
attribute columns of the TSV and table formats."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import evx
from evx.io.writers import WRITERS, RunSetup
from evx.io.writers.brat import FileNames, file_stem
from evx.tools import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "sample"


def run(*args: str):
    return CliRunner().invoke(cli.main, ["match", *args], catch_exceptions=False)


# -- a small standoff reader -----------------------------------------------------------------------

def read_conf(path: Path) -> dict[str, dict]:
    """annotation.conf's sections: entities and events with their roles, attributes with their values."""
    sections: dict[str, dict] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        name, _, rest = line.partition(" ")
        fields = dict(part.split(":", 1) for part in rest.split(", ")) if rest else {}
        current[name] = fields
    return sections


def read_ann(ann: Path, text: str) -> dict[str, dict]:
    """Every line of an .ann, by id, checking each T span's text against the .txt as it goes."""
    found: dict[str, dict] = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        ident, rest = line.split("\t", 1)
        if ident.startswith("T"):
            head, shown = rest.split("\t")
            label, where = head.split(" ", 1)
            pieces = [tuple(int(n) for n in piece.split()) for piece in where.split(";")]
            assert " ".join(text[a:b] for a, b in pieces) == shown, line
            assert all("\n" not in text[a:b] and a < b for a, b in pieces), line
            found[ident] = {"label": label, "pieces": pieces}
        elif ident.startswith("E"):
            parts = [p.split(":") for p in rest.split(" ")]
            found[ident] = {"type": parts[0][0], "trigger": parts[0][1], "arguments": parts[1:]}
        elif ident.startswith("A"):
            name, target, *value = rest.split(" ")
            found[ident] = {"name": name, "target": target, "value": value}
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return found


def check_folder(folder: Path) -> tuple[dict, dict[str, dict]]:
    """Read the whole folder back; every reference and label checked. Returns the conf and the
    standoff of each document by file stem."""
    conf = read_conf(folder / "annotation.conf")
    entities, events, attributes = conf["entities"], conf["events"], conf["attributes"]
    assert not set(entities) & set(events)
    documents = {}
    for ann in sorted(folder.glob("*.ann")):
        with open(ann.with_suffix(".txt"), encoding="utf-8") as handle:    # universal newlines, as brat reads
            text = handle.read()
        lines = read_ann(ann, text)
        for ident, item in lines.items():
            if ident.startswith("T"):
                assert item["label"] in entities or item["label"] in events, item
            elif ident.startswith("E"):
                assert item["type"] in events and lines[item["trigger"]]["label"] == item["type"]
                for role, target in item["arguments"]:
                    assert target in lines and target.startswith("T"), (ann, ident, target)
                    assert re.sub(r"\d+$", "", role) + "*" in events[item["type"]], (item["type"], role)
            else:
                assert item["target"] in lines
                assert item["value"][0] in attributes[item["name"]]["Value"].split("|")
        documents[ann.stem] = lines
    return conf, documents


# -- end to end on the sample ------------------------------------------------------------------------

@pytest.mark.parametrize("mentions", [False, True])
def test_the_sample_as_brat_reads_back_span_by_span(tmp_path, mentions):
    folder = tmp_path / "brat"
    result = run(str(SAMPLE), "--format", "brat", "-o", str(folder), *(["--mentions"] if mentions else []))
    assert result.exit_code == 0, result.output
    conf, documents = check_folder(folder)
    records = [json.loads(line) for line in run(str(SAMPLE), *(["--mentions"] if mentions else [])).output.splitlines()]
    index = dict(row.split("\t") for row in (folder / "documents.tsv").read_text(encoding="utf-8").splitlines()[1:])
    assert {r["doc"] for r in records} <= set(index.values()) and len(index) == len(documents) == 5
    by_doc: dict[str, list] = {}
    for r in records:
        by_doc.setdefault(r["doc"], []).append(r)
    for stem, doc_id in index.items():
        lines = documents[stem]
        events = [v for k, v in lines.items() if k.startswith("E")]
        wanted = [r for r in by_doc.get(doc_id, []) if "trigger" in r or r.get("kind") == "relation"]
        assert len(events) == len(wanted)
        spans = {(v["label"], v["pieces"][0][0], v["pieces"][-1][1]) for k, v in lines.items() if k.startswith("T")}
        for r in wanted:
            if "trigger" in r:
                assert (r["type"], r["trigger"]["start"], r["trigger"]["end"]) in spans
            for role, args in r.get("arguments", {}).items():
                for a in args:
                    assert any(s[1:] == (a["start"], a["end"]) for s in spans), (role, a)
        mentions_seen = [r for r in by_doc.get(doc_id, []) if r.get("kind") == "mention"]
        for r in mentions_seen:
            assert (r["type"], r["start"], r["end"]) in spans
        attrs = [v for k, v in lines.items() if k.startswith("A")]
        assert len(attrs) == sum(len(r.get("attributes", {})) for r in by_doc.get(doc_id, []))
    assert "modality" in conf["attributes"] and "cameo" in conf["attributes"]
    assert set(conf["attributes"]["modality"]["Value"].split("|")) >= {"actual", "planned"}
    assert {"VISIT", "MEETING", "ATTACK", "DENIAL"} <= set(conf["events"])
    assert "visitor*" in conf["events"]["VISIT"]
    labels = {v["label"] for d in documents.values() for v in d.values() if "label" in v}
    assert ("Organization" in labels) == mentions


def test_one_event_exactly(tmp_path):
    folder = tmp_path / "out"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "d", "text": "The envoy Hassan Qomi arrived in Islamabad on Sunday."}) + "\n",
                      encoding="utf-8")
    assert run(str(source), "--format", "brat", "-o", str(folder)).exit_code == 0
    assert (folder / "d.txt").read_text(encoding="utf-8") == "The envoy Hassan Qomi arrived in Islamabad on Sunday."
    ann = (folder / "d.ann").read_text(encoding="utf-8")
    assert re.match(r"T1\tVISIT 22 29\tarrived\n", ann)
    assert "\tVISIT:T1 " in ann and "visitor:T" in ann and "destination:T" in ann
    assert re.search(r"^A\d+\tcameo E1 042$", ann, re.M)


# -- hostile ids and texts -----------------------------------------------------------------------------

HOSTILE_IDS = ["../x", "a/b", "a_b", "", "." , "..", "-rf", "A_B", "x" * 5000, "x" * 5000, "CON", "d\tid\nx",
               "/etc/passwd", "dup", "dup", "dup.txt", "ünï"]


def test_hostile_ids_become_distinct_safe_names_in_the_folder(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": f"Hassan Qomi arrived in Islamabad. {n}"}) + "\n"
                              for n, i in enumerate(HOSTILE_IDS)), encoding="utf-8")
    folder = tmp_path / "out"
    result = run(str(source), "--format", "brat", "-o", str(folder))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p != source)
    assert all((tmp_path / "out" / name).exists() for name in written)         # nothing outside the folder
    stems = [p.stem for p in folder.glob("*.txt")]
    assert len(stems) == len(HOSTILE_IDS) and len({s.casefold() for s in stems}) == len(stems)
    for stem in stems:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,110}", stem), stem
        assert not stem.startswith(".")
    index = (folder / "documents.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(index) == len(HOSTILE_IDS)
    for n, row in enumerate(index):        # each name's text is its own document's
        stem = row.split("\t")[0]
        assert (folder / f"{stem}.txt").read_text(encoding="utf-8").endswith(f". {n}")
    check_folder(folder)


def test_file_names():
    assert file_stem("../x") == "_x"
    assert file_stem("a/b") == "a_b"
    assert file_stem("") == "document"
    assert file_stem("corpus/sample/envoy.txt") == "corpus_sample_envoy"
    assert file_stem("nul") == "_nul"
    assert len(file_stem("y" * 999)) == 100
    names = FileNames()
    assert [names.claim(i) for i in ["a/b", "a_b", "A_B", "a_b-2", "a_b"]] == ["a_b", "a_b-2", "A_B-3", "a_b-2-2", "a_b-4"]


def test_carriage_returns_and_line_breaks_keep_offsets(tmp_path):
    text = "Hassan\r\nQomi arrived in Islamabad.\r\nOfficials met."
    rules = evx.load_rules()
    from evx.text.annotate import annotate
    doc = annotate(text, "crlf")
    records = [r.to_dict() for r in rules.extract(doc, mentions=True)]
    records.append({"doc": "crlf", "kind": "mention", "type": "Person", "rule": "x", "sentence": 0,
                    "start": 0, "end": 11, "text": text[0:11]})          # across the line break
    writer = WRITERS["brat"].for_run(io.StringIO(), RunSetup(rules, str(tmp_path)))
    writer.begin()
    writer.document(doc, records)
    writer.end()
    txt = (tmp_path / "crlf.txt").read_bytes().decode("utf-8")
    assert len(txt) == len(text) and "\r" not in txt
    lines = read_ann(tmp_path / "crlf.ann", txt)
    assert {"label": "Person", "pieces": [(0, 7), (8, 11)]} in lines.values()
    check_folder(tmp_path)


# -- usage errors ------------------------------------------------------------------------------------

def test_brat_without_a_folder_is_a_usage_error(tmp_path):
    for args in ([], ["-o", "-"]):
        result = run(str(SAMPLE), "--format", "brat", *args)
        assert result.exit_code == 2
        assert "--format brat writes a folder of files: name it with -o FOLDER" in result.output
    a_file = tmp_path / "records.txt"
    a_file.write_text("keep me", encoding="utf-8")
    result = run(str(SAMPLE), "--format", "brat", "-o", str(a_file))
    assert result.exit_code == 2 and f"'{a_file}' is a file; --format brat writes a folder" in result.output
    assert a_file.read_text(encoding="utf-8") == "keep me"
    result = run(str(SAMPLE), "--format", "brat", "-o", str(tmp_path / "no" / "such"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_brat_refuses_a_folder_that_overlaps_the_inputs(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Hassan Qomi arrived in Islamabad.", encoding="utf-8")
    for folder in (inputs, inputs / "out", tmp_path):
        result = run(str(inputs), "--format", "brat", "-o", str(folder))
        assert result.exit_code == 2 and "overlap" in result.output, folder
    assert sorted(p.name for p in inputs.iterdir()) == ["a.txt"]


def test_a_file_format_refuses_a_folder(tmp_path):
    result = run(str(SAMPLE), "--format", "tsv", "-o", str(tmp_path))
    assert result.exit_code == 2 and "is a folder; --format tsv writes one file" in result.output


# -- attributes in TSV and the table -----------------------------------------------------------------

def test_tsv_has_a_column_per_attribute_of_the_rule_set():
    result = run(str(SAMPLE), "--format", "tsv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output), delimiter="\t", quoting=csv.QUOTE_NONE))
    header = result.output.splitlines()[0].split("\t")
    assert header[9:] == ["cameo", "modality"]
    records = [json.loads(line) for line in run(str(SAMPLE)).output.splitlines()]
    assert len(rows) == len(records)
    for row, record in zip(rows, records):
        assert row["cameo"] == record["attributes"].get("cameo", "")
        assert row["modality"] == record["attributes"].get("modality", "")
    assert {row["modality"] for row in rows} >= {"actual", "planned"}


def test_tsv_header_comes_before_any_record_and_clashing_names_are_marked(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text("taxonomy: [Place]\nrules:\n  - name: places\n    label: Place\n    type: lexicon\n"
                     "    phrases: [Kabul]\n    attributes: {type: city, note: \"a\\tb\"}\n", encoding="utf-8")
    out = io.StringIO()
    writer = WRITERS["tsv"].for_run(out, RunSetup(evx.load_rules(rules)))
    writer.begin()
    assert out.getvalue() == "\t".join(["doc", "type", "rule", "sentence", "start", "end", "text", "trigger",
                                        "arguments", "note", "attribute:type"]) + "\n"
    result = CliRunner().invoke(cli.main, ["match", "-r", str(rules), "--mentions", "--format", "tsv"],
                                input="To Kabul.")
    assert result.output.splitlines()[1].split("\t")[9:] == ["a b", "city"]


def test_the_table_has_a_column_per_attribute_seen():
    result = run(str(SAMPLE), "--format", "table")
    header = result.output.splitlines()[0].split()
    assert header[-2:] == ["cameo", "modality"]
    first = result.output.splitlines()[2]
    assert first.endswith("042    actual")
