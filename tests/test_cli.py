"""The `evx` command line, end to end: match, check, test, and how bad input is reported."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import evx
from evx.tools.cli import main

# -- helpers ------------------------------------------------------------------------------------

RULES = """\
taxonomy:
  - Entity: [Person, Location]
  - Event:
      - Contact: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Hassan Qomi, Asif Durrani, Zoë Ferreira]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad, Tehran, São Paulo]
  - name: visit
    label: VISIT
    priority: 2
    pattern: |
      (?<visitor> @Person) (?<trigger> [lemma=/^(arrive|visit)$/]) [lower=/^(in|to)$/]? (?<destination> @Location)
    attributes: {cameo: "042"}
    examples:
      - text: "Hassan Qomi arrived in Islamabad on Sunday."
        expect: [{type: VISIT, trigger: arrived, visitor: Hassan Qomi, destination: Islamabad}]
      - text: "The weather in Tehran was mild."
        expect: []
"""

FAILING_EXAMPLES = """\
taxonomy:
  - Entity: [Person, Location]
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Hassan Qomi]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad]
  - name: visit
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person) (?<trigger> [lemma=arrive]) in? (?<destination> @Location)
    examples:
      - text: "Hassan Qomi arrived in Islamabad."
        expect: [{type: VISIT, trigger: arrived, visitor: Hassan Qomi, destination: Islamabad}]
      - text: "Hassan Qomi arrived in Islamabad."
        expect: [{type: VISIT, trigger: arrived, visitor: Someone Else}]
      - text: "Hassan Qomi arrived in Islamabad."
        expect: []
"""

BAD_RULES = """\
taxonomy:
  - Entity: [Person]
rules:
  - name: r1
    label: Person
    pattern: a ]
  - name: r2
    label: Person
    pattern: "[lema=b]"
  - name: r3
    label: Person
    pattern: c @Persn
"""

TEXT_A = "Hassan Qomi arrived in Islamabad on Sunday. Nothing else happened."
TEXT_B = "Asif Durrani visited Tehran. Later, Hassan Qomi arrived in Tehran."
TEXT_C = "🎉 Zoë Ferreira arrived in São Paulo.\r\nAsif Durrani arrived\nin Islamabad."

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_TEXT = SHARED / "corpus" / "seed" / "khaama-2024-01-15.txt"


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        return CliRunner()                      # click >= 8.2 keeps stderr apart


def run(*args, input=None):
    return runner().invoke(main, [str(a) for a in args], input=input)


def write(path: Path, content, binary: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if binary:
        path.write_bytes(content)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
    return path


@pytest.fixture
def rules(tmp_path) -> Path:
    return write(tmp_path / "rules" / "visit.yml", RULES)


def jsonl(path: Path, docs) -> Path:
    return write(path, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))


def parse_jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def assert_offsets(record: dict, text: str) -> None:
    """Every text in a record is the document text between its offsets."""
    assert 0 <= record["start"] < record["end"] <= len(text)
    assert record["text"] == text[record["start"]:record["end"]]
    if "trigger" in record:
        t = record["trigger"]
        assert t["text"] == text[t["start"]:t["end"]]
        assert record["start"] <= t["start"] < t["end"] <= record["end"]
    for spans in record.get("arguments", {}).values():
        for span in spans:
            assert span["text"] == text[span["start"]:span["end"]]
            assert record["start"] <= span["start"] < span["end"] <= record["end"]


def assert_event_shape(record: dict) -> None:
    assert {"doc", "type", "rule", "sentence", "start", "end", "text", "trigger", "arguments"} <= set(record)
    assert isinstance(record["sentence"], int) and record["sentence"] >= 0
    assert set(record["trigger"]) >= {"start", "end", "text"}
    for role, spans in record["arguments"].items():
        assert isinstance(role, str) and isinstance(spans, list) and spans


def evx_command() -> list[str]:
    script = shutil.which("evx")
    return [script] if script else [sys.executable, "-m", "evx"]


# -- evx match: inputs --------------------------------------------------------------------------

def test_match_a_text_file(tmp_path, rules):
    doc = write(tmp_path / "a.txt", TEXT_A)
    result = run("match", "-r", rules, doc)
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    assert len(records) == 1
    r = records[0]
    assert_event_shape(r)
    assert_offsets(r, TEXT_A)
    assert r["doc"] == str(doc)
    assert (r["type"], r["rule"], r["sentence"]) == ("VISIT", "visit", 0)
    assert r["trigger"]["text"] == "arrived"
    assert [a["text"] for a in r["arguments"]["visitor"]] == ["Hassan Qomi"]
    assert r["arguments"]["visitor"][0]["label"] == "Person"
    assert [a["text"] for a in r["arguments"]["destination"]] == ["Islamabad"]
    assert r["attributes"] == {"cameo": "042"}
    assert "kind" not in r


def test_match_a_jsonl_file(tmp_path, rules):
    docs = [{"id": "d1", "text": TEXT_A, "date": "2024-01-15"},
            {"id": 7, "text": TEXT_B, "meta": {"source": "test"}},
            {"text": "Asif Durrani arrived in Islamabad."}]
    path = jsonl(tmp_path / "docs.jsonl", docs)
    result = run("match", "-r", rules, path)
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    assert [r["doc"] for r in records] == ["d1", "7", "7", f"{path}:3"]
    texts = {"d1": TEXT_A, "7": TEXT_B, f"{path}:3": docs[2]["text"]}
    for r in records:
        assert_event_shape(r)
        assert_offsets(r, texts[r["doc"]])
    # within a document: sentence order
    assert [r["sentence"] for r in records if r["doc"] == "7"] == [0, 1]


def test_match_a_folder_recursively(tmp_path, rules):
    folder = tmp_path / "in"
    write(folder / "a.txt", TEXT_A)
    write(folder / "sub" / "deeper" / "b.txt", TEXT_B)
    jsonl(folder / "sub" / "c.jsonl", [{"id": "c1", "text": "Asif Durrani arrived in Islamabad."}])
    write(folder / "notes.md", "Hassan Qomi arrived in Islamabad.")      # not an input format
    result = run("match", "-r", rules, folder)
    assert result.exit_code == 0, result.stderr
    docs = [r["doc"] for r in parse_jsonl(result.stdout)]
    # files in sorted path order: a.txt, sub/c.jsonl, sub/deeper/b.txt
    assert docs == [str(folder / "a.txt"), "c1", str(folder / "sub" / "deeper" / "b.txt"),
                    str(folder / "sub" / "deeper" / "b.txt")]


def test_match_text_on_stdin(rules):
    for args in (("match", "-r", rules), ("match", "-r", rules, "-")):
        result = run(*args, input=TEXT_B)
        assert result.exit_code == 0, result.stderr
        records = parse_jsonl(result.stdout)
        assert [r["doc"] for r in records] == ["<stdin>", "<stdin>"]
        for r in records:
            assert_offsets(r, TEXT_B)


def test_match_jsonl_on_stdin_in_process(rules):
    lines = json.dumps({"id": "s1", "text": TEXT_A}) + "\n" + json.dumps({"id": "s2", "text": TEXT_B}) + "\n"
    result = run("match", "-r", rules, "-", input=lines)
    assert result.exit_code == 0, result.stderr
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == ["s1", "s2", "s2"]


def test_match_jsonl_on_stdin_subprocess(tmp_path, rules):
    lines = json.dumps({"id": "s1", "text": TEXT_A}) + "\n" + json.dumps({"id": "s2", "text": TEXT_B}) + "\n"
    proc = subprocess.run(evx_command() + ["match", "-r", str(rules), "-"], input=lines.encode(),
                          capture_output=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    records = parse_jsonl(proc.stdout.decode("utf-8"))
    assert [r["doc"] for r in records] == ["s1", "s2", "s2"]
    texts = {"s1": TEXT_A, "s2": TEXT_B}
    for r in records:
        assert_offsets(r, texts[r["doc"]])


def test_offsets_are_string_indices_with_non_ascii_and_crlf(tmp_path, rules):
    doc = write(tmp_path / "c.txt", TEXT_C)
    result = run("match", "-r", rules, "--mentions", doc)
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    text = doc.read_bytes().decode("utf-8")
    assert text == TEXT_C
    events = [r for r in records if "trigger" in r]
    assert {a["text"] for r in events for a in r["arguments"]["visitor"]} == {"Zoë Ferreira", "Asif Durrani"}
    assert len(records) > len(events)
    for r in records:
        assert_offsets(r, text)


# -- evx match: output --------------------------------------------------------------------------

def _two_docs(tmp_path) -> list[Path]:
    return [write(tmp_path / "a.txt", TEXT_A), write(tmp_path / "b.txt", TEXT_B)]


def test_output_file(tmp_path, rules):
    docs = _two_docs(tmp_path)
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    result = run("match", "-r", rules, "-o", out, *docs)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    expected = run("match", "-r", rules, *docs).stdout
    assert out.read_text(encoding="utf-8") == expected
    assert len(parse_jsonl(expected)) == 3
    assert sorted(p.name for p in out.parent.iterdir()) == ["records.jsonl"]


def test_output_file_not_written_when_the_rules_fail(tmp_path):
    bad = write(tmp_path / "bad.yml", BAD_RULES)
    doc = write(tmp_path / "a.txt", TEXT_A)
    out = tmp_path / "out.jsonl"
    result = run("match", "-r", bad, "-o", out, doc)
    assert result.exit_code == 1
    assert not out.exists()
    write(out, "previous\n")
    result = run("match", "-r", bad, "-o", out, doc)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert not list(tmp_path.glob(".evx-*"))


def test_output_file_not_torn_when_a_run_breaks_off(tmp_path, rules, monkeypatch):
    import evx.run.batch as batch
    real_run = batch.run

    def breaks_off(*args, **kwargs):
        results = real_run(*args, **kwargs)
        yield next(results)
        raise RuntimeError("killed half way")

    monkeypatch.setattr(batch, "run", breaks_off)
    docs = _two_docs(tmp_path)
    out = tmp_path / "out.jsonl"
    result = run("match", "-r", rules, "-o", out, *docs)
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert not out.exists()
    write(out, "previous\n")
    result = run("match", "-r", rules, "-o", out, *docs)
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert not list(tmp_path.glob(".evx-*"))


def test_output_file_in_a_missing_folder_is_reported(tmp_path, rules):
    doc = write(tmp_path / "a.txt", TEXT_A)
    out = tmp_path / "no" / "such" / "folder" / "out.jsonl"
    result = run("match", "-r", rules, "-o", out, doc)
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_format_json_is_one_list(tmp_path, rules):
    docs = _two_docs(tmp_path)
    as_jsonl = parse_jsonl(run("match", "-r", rules, *docs).stdout)
    result = run("match", "-r", rules, "--format", "json", *docs)
    assert result.exit_code == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert isinstance(parsed, list)
    assert parsed == as_jsonl
    empty = write(tmp_path / "empty.txt", "")
    result = run("match", "-r", rules, "--format", "json", empty)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_format_json_stays_valid_with_input_errors(tmp_path, rules):
    path = write(tmp_path / "docs.jsonl", json.dumps({"id": "d1", "text": TEXT_A}) + "\n{oops\n")
    result = run("match", "-r", rules, "--format", "json", path)
    assert result.exit_code == 1
    assert [r["doc"] for r in json.loads(result.stdout)] == ["d1"]


def test_format_tsv_has_a_header_and_one_row_per_record(tmp_path, rules):
    docs = [{"id": "t1", "text": "Asif Durrani visited\tTehran."},
            {"id": "t2", "text": "Hassan Qomi arrived\nin Islamabad. Asif Durrani visited Tehran."}]
    path = jsonl(tmp_path / "docs.jsonl", docs)
    records = parse_jsonl(run("match", "-r", rules, path).stdout)
    assert len(records) == 3
    assert any("\n" in r["text"] for r in records) and any("\t" in r["text"] for r in records)
    result = run("match", "-r", rules, "--format", "tsv", path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:2] == ["doc", "type"]
    assert {"doc", "type", "rule", "start", "end", "text", "trigger"} <= set(header)
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == len(records)
    for row, record in zip(rows, records):
        assert len(row) == len(header)
        cells = dict(zip(header, row))
        assert cells["doc"] == record["doc"]
        assert cells["type"] == "VISIT"
        assert int(cells["start"]) == record["start"] and int(cells["end"]) == record["end"]
        assert cells["trigger"] == record["trigger"]["text"]


def test_format_table(tmp_path, rules):
    docs = _two_docs(tmp_path)
    result = run("match", "-r", rules, "--format", "table", *docs)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["doc", "type"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert len(lines) == 2 + 3
    assert all("VISIT" in line for line in lines[2:])
    empty = write(tmp_path / "empty.txt", "")
    result = run("match", "-r", rules, "--format", "table", empty)
    assert result.exit_code == 0
    assert "no records" in result.stdout


def test_mentions_adds_entities(tmp_path, rules):
    doc = write(tmp_path / "a.txt", TEXT_B)
    events = parse_jsonl(run("match", "-r", rules, doc).stdout)
    assert all("trigger" in r and "kind" not in r for r in events)
    result = run("match", "-r", rules, "--mentions", doc)
    assert result.exit_code == 0, result.stderr
    everything = parse_jsonl(result.stdout)
    mentions = [r for r in everything if r.get("kind") == "mention"]
    assert sorted((m["type"], m["text"]) for m in mentions) == [
        ("Location", "Tehran"), ("Location", "Tehran"), ("Person", "Asif Durrani"), ("Person", "Hassan Qomi")]
    assert [r for r in everything if "trigger" in r] == events
    for r in everything:
        assert_offsets(r, TEXT_B)
    # records come in document order
    keys = [(r["sentence"], r["start"]) for r in everything]
    assert keys == sorted(keys)


def test_label_filters_records(tmp_path, rules):
    doc = write(tmp_path / "a.txt", TEXT_B)

    def types(*options):
        result = run("match", "-r", rules, *options, doc)
        assert result.exit_code == 0, result.stderr
        return sorted(r["type"] for r in parse_jsonl(result.stdout))

    assert types("--mentions", "--label", "Person") == ["Person", "Person"]
    assert types("--mentions", "--label", "Location") == ["Location", "Location"]
    both = ["Location", "Location", "Person", "Person"]
    assert types("--mentions", "--label", "Person", "--label", "Location") == both
    assert types("--mentions", "--label", "Entity") == both     # a parent label
    assert types("--label", "Contact") == ["VISIT", "VISIT"]
    assert types("--label", "VISIT") == ["VISIT", "VISIT"]
    assert types("--label", "Person") == []                     # mentions only with --mentions


def test_jobs_two_gives_the_same_output_in_the_same_order(tmp_path, rules):
    texts = [TEXT_A, TEXT_B, TEXT_C, "Nothing here.", "Asif Durrani visited São Paulo and Tehran."]
    docs = [{"id": f"doc-{i:02d}", "text": texts[i % len(texts)]} for i in range(23)]
    path = jsonl(tmp_path / "many.jsonl", docs)
    extra = write(tmp_path / "extra.txt", TEXT_B)
    one = run("match", "-r", rules, "--mentions", "--jobs", "1", path, extra)
    two = run("match", "-r", rules, "--mentions", "--jobs", "2", path, extra)
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert one.stdout == two.stdout
    records = parse_jsonl(two.stdout)
    order = [r["doc"] for r in records]
    wanted = [d["id"] for d in docs] + [str(extra)]
    assert [d for d in wanted if d in order] == list(dict.fromkeys(order))


# -- the default rules --------------------------------------------------------------------------

def test_default_rules_are_the_bundled_news_set(tmp_path):
    text = "Hassan Kazmi Qomi arrived in Islamabad on Sunday."
    doc = write(tmp_path / "news.txt", text)
    default = run("match", doc)
    assert default.exit_code == 0, default.stderr
    explicit = run("match", "-r", evx.bundled_rules(), doc)
    assert default.stdout == explicit.stdout
    records = parse_jsonl(default.stdout)
    names = {r.name for r in evx.load_rules().rules}
    assert any(r["type"] == "VISIT" for r in records)
    for r in records:
        assert_event_shape(r)
        assert_offsets(r, text)
        assert r["rule"] in names


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the shared seed article is not here")
def test_seed_article_smoke():
    text = SEED_TEXT.read_bytes().decode("utf-8")
    result = run("match", "--mentions", SEED_TEXT)
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    for r in records:
        assert r["doc"] == str(SEED_TEXT)
        assert_offsets(r, text)
    visits = [r for r in records if r["type"] == "VISIT"]
    arrived = text.index("arrived in Islamabad")
    assert any(v["trigger"]["start"] == arrived and v["trigger"]["text"] == "arrived"
               and any("Qomi" in a["text"] for a in v["arguments"].get("visitor", []))
               for v in visits), visits


# -- bad inputs ---------------------------------------------------------------------------------

def test_malformed_json_line(tmp_path, rules):
    path = write(tmp_path / "docs.jsonl", "\n".join([
        json.dumps({"id": "d1", "text": TEXT_A}),
        '{"id": "d2", "text": "broken',
        json.dumps({"id": "d3", "text": TEXT_B}),
    ]) + "\n")
    result = run("match", "-r", rules, path)
    assert result.exit_code == 1
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == ["d1", "d3", "d3"]
    assert f"{path}:2:" in result.stderr
    assert "Traceback" not in result.stderr
    skipped = run("match", "-r", rules, "--on-error", "skip", path)
    assert skipped.exit_code == 0
    assert skipped.stdout == result.stdout
    assert f"{path}:2:" in skipped.stderr


@pytest.mark.parametrize("line", ["[1, 2]", '{"id": "x"}', '{"id": "x", "text": 5}', '"just a string"'])
def test_json_lines_that_are_not_documents(tmp_path, rules, line):
    path = write(tmp_path / "docs.jsonl", line + "\n" + json.dumps({"id": "ok", "text": TEXT_A}) + "\n")
    result = run("match", "-r", rules, path)
    assert result.exit_code == 1
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == ["ok"]
    assert f"{path}:1:" in result.stderr


def test_undecodable_bytes(tmp_path, rules):
    bad_txt = write(tmp_path / "a_bad.txt", b"Hassan Qomi arrived.\nIn Tehran \xff\xfe there.", binary=True)
    bad_jsonl = write(tmp_path / "b_bad.jsonl",
                      json.dumps({"id": "j1", "text": TEXT_A}).encode() + b"\n"
                      + b'{"id": "j2", "text": "caf\xe9"}\n'
                      + json.dumps({"id": "j3", "text": TEXT_A}).encode() + b"\n", binary=True)
    good = write(tmp_path / "c_good.txt", TEXT_A)
    result = run("match", "-r", rules, bad_txt, bad_jsonl, good)
    assert result.exit_code == 1
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == ["j1", "j3", str(good)]
    assert f"{bad_txt}:2:" in result.stderr
    assert f"{bad_jsonl}:2:" in result.stderr
    assert "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_binary_file(tmp_path, rules):
    binary = write(tmp_path / "a.txt", b"\x7fELF\x00\x01\x02\x00" * 50, binary=True)
    good = write(tmp_path / "b.txt", TEXT_A)
    result = run("match", "-r", rules, binary, good)
    assert result.exit_code == 1
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == [str(good)]
    assert str(binary) in result.stderr and "binary" in result.stderr


def test_empty_files(tmp_path, rules):
    empty_txt = write(tmp_path / "empty.txt", "")
    empty_jsonl = write(tmp_path / "empty.jsonl", "")
    blank_lines = write(tmp_path / "blank.jsonl", "\n\n   \n")
    result = run("match", "-r", rules, empty_txt, empty_jsonl, blank_lines)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_missing_input_path(tmp_path, rules):
    missing = tmp_path / "nope.txt"
    good = write(tmp_path / "a.txt", TEXT_A)
    result = run("match", "-r", rules, missing, good)
    assert result.exit_code == 1
    assert [r["doc"] for r in parse_jsonl(result.stdout)] == [str(good)]
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


def test_match_with_bad_rules(tmp_path):
    bad = write(tmp_path / "bad.yml", BAD_RULES)
    doc = write(tmp_path / "a.txt", TEXT_A)
    result = run("match", "-r", bad, doc)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{bad}:6:16:" in result.stderr


# -- evx check ----------------------------------------------------------------------------------

def test_check_good_rules(rules):
    result = run("check", rules)
    assert result.exit_code == 0, result.stderr
    assert "3 rules" in result.stdout


def test_check_bad_rules_reports_every_error(tmp_path):
    bad = write(tmp_path / "bad.yml", BAD_RULES)
    result = run("check", bad)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    heads = [line for line in result.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert heads == [f"{bad}:6:16: unexpected ']'",
                     f"{bad}:9:16: unknown field 'lema'",
                     f"{bad}:12:16: unknown label 'Persn'"]
    assert "^" in result.stderr
    assert "did you mean 'lemma'" in result.stderr


def test_check_missing_rule_file(tmp_path):
    result = run("check", tmp_path / "nope.yml")
    assert result.exit_code == 1
    assert "nope.yml" in result.stderr


def test_check_subprocess_has_no_traceback(tmp_path):
    bad = write(tmp_path / "bad.yml", BAD_RULES)
    proc = subprocess.run(evx_command() + ["check", str(bad)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{bad}:6:16: ")
    good = write(tmp_path / "good.yml", RULES)
    proc = subprocess.run(evx_command() + ["check", str(good)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


# -- evx test -----------------------------------------------------------------------------------

def test_test_passing_examples(rules):
    result = run("test", rules)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"
    assert "FAIL" not in result.stdout


def test_test_failing_examples(tmp_path):
    path = write(tmp_path / "failing.yml", FAILING_EXAMPLES)
    result = run("test", path)
    assert result.exit_code == 1
    out = result.stdout
    lines = out.splitlines()
    assert lines[-1] == "1 passed, 2 failed"
    fails = [line for line in lines if "FAIL" in line]
    assert len(fails) == 2
    # each failure names the example's place in the file, the rule and the example's number
    assert fails[0].startswith(f"{path}:22:9: ") and "'visit'" in fails[0] and "example 2" in fails[0]
    assert fails[1].startswith(f"{path}:24:9: ") and "example 3" in fails[1]
    first = out[out.index(fails[0]):out.index(fails[1])]
    # the roles that differ, each with what only the example expects and what only the rules found
    assert re.search(r'visitor: +only expected "Someone Else"; only found "Hassan Qomi"', first)
    assert re.search(r"the same: +trigger\n", first)
    second = out[out.index(fails[1]):]
    assert re.search(r'unexpected: VISIT trigger="arrived"', second)


def test_test_one_rule_only(tmp_path):
    path = write(tmp_path / "failing.yml", FAILING_EXAMPLES)
    result = run("test", "--rule", "people", path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed"
    result = run("test", "--rule", "visit", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 passed, 2 failed"


def test_test_with_bad_rules(tmp_path):
    bad = write(tmp_path / "bad.yml", BAD_RULES)
    result = run("test", bad)
    assert result.exit_code == 1
    assert f"{bad}:6:16:" in result.stderr


# -- usage errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["match", "--format", "xml"],
    ["match", "--jobs", "0"],
    ["match", "--jobs", "many"],
    ["match", "--on-error", "maybe"],
    ["match", "--no-such-option"],
    ["check"],
    ["test"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args):
    result = run(*args, input="")
    assert result.exit_code == 2, (result.stdout, result.stderr)


def test_test_unknown_rule_is_a_usage_error(rules):
    result = run("test", "--rule", "no-such-rule", rules)
    assert result.exit_code == 2
    assert "no-such-rule" in result.stderr


def test_help_and_version():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("match", "check", "test"):
        assert command in result.stdout
    result = run("--version")
    assert result.exit_code == 0
    assert evx.__version__ in result.stdout
