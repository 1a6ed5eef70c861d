"""Hostile rule files, patterns, inputs and interruptions.

Nothing may crash with a traceback, hang, execute what a file says, or lose results:
- rule files: tags that build objects are refused and nothing runs; alias and variable bombs,
  import cycles and escapes, absurd sizes and depths end in evx's own located error;
- bad inputs are reported with their file (and line) while every other document is kept;
- `-o FILE` appears whole or not at all, and Ctrl-C ends with exit code 130 and one line.

Cases that would take a whole process down (a crash of the interpreter, memory exhausted, an
exponential expansion) run in a subprocess with a time and memory limit.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import evx
from evx.run import batch
from evx.tools import cli
from evx.io import writers as output

# -- helpers -------------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def located_error(path: Path) -> evx.RuleErrors:
    """Load `path`; it must fail with evx's own error, every part of it located in a file."""
    with pytest.raises(evx.EvxError) as info:
        evx.load_rules(path)
    err = info.value
    for e in getattr(err, "errors", [err]):
        assert e.location is not None, e.message
        assert e.location.line >= 1 and e.location.column >= 1
    return err


def invoke(*args, input=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input)


def _limits(seconds: int, megabytes: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    return apply


def evx_process(*args, timeout: int = 60, megabytes: int = 2048, **kw) -> subprocess.CompletedProcess:
    """Run `python -m evx ARGS` with a memory and CPU limit; a hang becomes a TimeoutExpired."""
    env = dict(os.environ, EVX_CACHE="off")
    return subprocess.run([sys.executable, "-m", "evx", *map(str, args)], capture_output=True,
                          timeout=timeout, env=env, preexec_fn=_limits(timeout, megabytes), **kw)


def no_traceback(stderr: bytes | str) -> None:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text[-2000:]


SMALL_RULES = """\
taxonomy: [Place, Event]
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome]
"""


@pytest.fixture
def small_rules(tmp_path) -> Path:
    return write(tmp_path / "rules" / "rules.yml", SMALL_RULES)


# == 1. rule files ===============================================================================

# -- YAML is data, never code --------------------------------------------------------------------

PAYLOADS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [[touch, '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object:os.system {{}}",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [a, b]",
    "!!set {{a, b}}",
    "!!omap [a: 1]",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
    "!custom 1",
]
PLACES = [
    "rules:\n  - {payload}\n",
    "rules:\n  - name: p\n    label: X\n    pattern: {payload}\n",
    "rules:\n  - name: {payload}\n    label: X\n    pattern: a\n",
    "taxonomy: {payload}\nrules: []\n",
    "vars:\n  x: {payload}\nrules: []\n",
    "events:\n  X: {payload}\nrules: []\n",
    "rules: {payload}\n",
    "{payload}\n",
    "? {payload}\n: 1\nrules: []\n",
]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_object_building_tags_are_refused_and_never_run(tmp_path, payload, place):
    marker = tmp_path / "marker-file"
    path = write(tmp_path / "rules.yml", place.format(payload=payload.format(marker=marker)))
    err = located_error(path)
    assert "not allowed in a rule file" in str(err)
    assert not marker.exists(), "a rule file ran a command"


def test_evx_check_refuses_code_without_traceback(tmp_path):
    marker = tmp_path / "marker-file"
    path = write(tmp_path / "rules.yml", f"rules:\n  - !!python/object/apply:os.system ['touch {marker}']\n")
    result = invoke("check", path)
    assert result.exit_code == 1
    assert f"{path}:2:5: YAML tag" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not marker.exists()


@pytest.mark.parametrize("tag,value", [("int", "X"), ("float", "X"), ("int", "0x"), ("float", "1e"),
                                       ("null", "X"), ("str", "1"), ("timestamp", "not-a-date"),
                                       ("binary", "!!!")])
def test_standard_tags_with_odd_values_load_or_fail_located(tmp_path, tag, value):
    path = write(tmp_path / "rules.yml", f"rules:\n  - name: p\n    label: !!{tag} {value}\n    pattern: a\n")
    try:
        evx.load_rules(path)
    except evx.EvxError:
        located_error(path)


def test_bool_tag_on_a_non_boolean_is_a_located_error(tmp_path):
    path = write(tmp_path / "rules.yml", "rules:\n  - name: p\n    label: !!bool X\n    pattern: a\n")
    try:
        evx.load_rules(path)
    except evx.EvxError:
        located_error(path)


# -- bombs ---------------------------------------------------------------------------------------

def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["vars:", "  a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\nrules: []\n"


def test_billion_laughs_is_refused(tmp_path):
    path = write(tmp_path / "rules.yml", billion_laughs())
    err = located_error(path)
    assert "expands to more than" in str(err)
    (only,) = err.errors
    assert only.location.file == str(path) and 2 <= only.location.line <= 11


def test_billion_laughs_through_the_command_line(tmp_path):
    path = write(tmp_path / "rules.yml", billion_laughs())
    proc = evx_process("check", path, timeout=60)
    assert proc.returncode == 1
    assert b"expands to more than" in proc.stderr
    no_traceback(proc.stderr)


def test_an_alias_inside_itself_is_refused(tmp_path):
    path = write(tmp_path / "rules.yml", "vars: &v\n  x: *v\nrules: []\n")
    err = located_error(path)
    assert "refers to itself" in str(err) or "alias" in str(err)


def test_aliases_used_sensibly_still_load(tmp_path):
    path = write(tmp_path / "rules.yml", """\
        rules:
          - &base {name: a, label: X, pattern: Kabul}
          - {name: b, label: X, pattern: Rome}
        vars:
          words: &w [Kabul, Rome]
          again: *w
        """)
    rules = evx.load_rules(path)
    assert [r.name for r in rules.rules] == ["a", "b"]


def variable_bomb(levels: int) -> str:
    lines = ["vars:", "  v0: a"]
    lines += [f"  v{i}: '${{v{i - 1}}} ${{v{i - 1}}}'" for i in range(1, levels + 1)]
    lines += ["rules:", f"  - {{name: p, label: X, pattern: '${{v{levels}}}'}}"]
    return "\n".join(lines) + "\n"


def test_variable_bomb_is_refused(tmp_path):
    """The `vars:` analogue of billion laughs: a 2 KB file whose pattern expands to 2**40 words."""
    path = write(tmp_path / "rules.yml", variable_bomb(40))
    try:
        proc = evx_process("check", path, timeout=5, megabytes=1536)
    except subprocess.TimeoutExpired:
        pytest.fail("evx check did not finish in 5 s")
    no_traceback(proc.stderr)
    assert proc.returncode == 1 and b"rules.yml:" in proc.stderr


# -- imports -------------------------------------------------------------------------------------

def test_import_cycle_is_reported(tmp_path):
    main = write(tmp_path / "main.yml", "rules:\n  - import: a.yml\n")
    write(tmp_path / "a.yml", "rules:\n  - import: b.yml\n")
    write(tmp_path / "b.yml", "rules:\n  - import: a.yml\n")
    err = located_error(main)
    (cycle,) = [e for e in err.errors if "import cycle" in e.message]
    assert cycle.message == "import cycle: main.yml -> a.yml -> b.yml -> a.yml"
    assert cycle.location.file.endswith("b.yml") and cycle.location.line == 2


def test_a_file_importing_itself_is_a_cycle(tmp_path):
    main = write(tmp_path / "main.yml", "rules:\n  - import: ./main.yml\n")
    assert "import cycle" in str(located_error(main))


def test_the_same_file_imported_twice_is_not_a_cycle(tmp_path):
    main = write(tmp_path / "main.yml", "rules:\n  - import: a.yml\n  - import: b.yml\n")
    write(tmp_path / "a.yml", "rules:\n  - import: common.yml\n")
    write(tmp_path / "b.yml", "rules:\n  - import: common.yml\n")
    write(tmp_path / "common.yml", SMALL_RULES)
    assert [r.name for r in evx.load_rules(main).rules] == ["places"]


@pytest.mark.parametrize("target", ["../outside.yml", "sub/../../outside.yml", "{outside}", "/etc/passwd",
                                    "/proc/self/environ", "link.yml"])
def test_imports_leaving_the_folder_are_reported(tmp_path, target):
    outside = write(tmp_path / "outside.yml", SMALL_RULES)
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "link.yml").symlink_to(outside)
    main = write(folder / "main.yml", f"rules:\n  - import: '{target.format(outside=outside)}'\n")
    err = located_error(main)
    (only,) = err.errors
    assert "leaves the rule set's folder" in only.message
    assert only.location.file == str(main) and (only.location.line, only.location.column) == (2, 13)


def test_lexicon_and_taxonomy_files_outside_the_folder_are_reported(tmp_path):
    write(tmp_path / "words.txt", "Kabul\n")
    write(tmp_path / "tax.yml", "- Place\n")
    main = write(tmp_path / "set" / "main.yml", """\
        taxonomy: ../tax.yml
        rules:
          - {name: p, label: Place, type: lexicon, lexicon: ../words.txt}
        """)
    messages = [e.message for e in located_error(main).errors]
    assert any("outside the rule set's folder" in m and "tax.yml" in m for m in messages)
    assert any("outside the rule set's folder" in m and "words.txt" in m for m in messages)


def test_outside_imports_load_when_allowed(tmp_path):
    write(tmp_path / "outside.yml", SMALL_RULES)
    main = write(tmp_path / "set" / "main.yml", "rules:\n  - import: ../outside.yml\n")
    located_error(main)
    rules = evx.load_rules(main, allow_outside_imports=True)
    assert [r.name for r in rules.rules] == ["places"]


def test_allowed_outside_import_of_a_system_file_is_still_only_data(tmp_path):
    main = write(tmp_path / "main.yml", "rules:\n  - import: /etc/passwd\n")
    with pytest.raises(evx.EvxError) as info:
        evx.load_rules(main, allow_outside_imports=True)
    assert all(e.location is not None for e in info.value.errors)


@pytest.mark.parametrize("target", ["sub", ".", "missing.yml", "a" * 3000, "a/" * 2000 + "x.yml", "~/x.yml",
                                    "5", "''"])
def test_odd_import_targets_are_located_errors(tmp_path, target):
    (tmp_path / "sub").mkdir()
    main = write(tmp_path / "main.yml", f"rules:\n  - import: {target}\n")
    located_error(main)


@pytest.mark.parametrize("text", ['rules:\n  - import: "x\\0y.yml"\n',
                                  'rules:\n  - {name: p, label: X, type: lexicon, lexicon: "x\\0y"}\n',
                                  'taxonomy: "x\\0y.yml"\nrules: []\n'], ids=["import", "lexicon", "taxonomy"])
def test_a_path_with_a_nul_character_is_a_located_error(tmp_path, text):
    located_error(write(tmp_path / "main.yml", text))


# -- absurd sizes and depths ---------------------------------------------------------------------

def test_a_ten_megabyte_pattern_fails_cleanly(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n  - name: p\n    label: X\n    pattern: '" + "a " * 5_000_000 + "'\n", encoding="utf-8")
    began = time.perf_counter()
    proc = evx_process("check", path, timeout=120, megabytes=4096)
    seconds = time.perf_counter() - began
    no_traceback(proc.stderr)
    if proc.returncode == 1:
        assert proc.stderr.startswith(f"{path}:4:".encode()), proc.stderr[:300]
    else:
        assert proc.returncode == 0
    print(f"10 MB pattern: exit {proc.returncode} after {seconds:.1f} s")


def test_a_ten_megabyte_regex_loads_or_fails_cleanly(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n  - name: p\n    label: X\n    pattern: '/" + "a" * 10_000_000 + "/'\n", encoding="utf-8")
    proc = evx_process("check", path, timeout=120, megabytes=4096)
    no_traceback(proc.stderr)
    assert proc.returncode in (0, 1)


def test_one_hundred_thousand_rules_in_one_file(tmp_path):
    n = 100_000
    path = tmp_path / "rules.yml"
    # one pattern text for all (parsed once), so that the test measures the loader, not the parser
    path.write_text("taxonomy: [Word]\nrules:\n" + "".join(
        f"- {{name: r{i}, label: Word, pattern: '[lower=/^w[0-9]+$/]'}}\n" for i in range(n)), encoding="utf-8")
    began = time.perf_counter()
    rules = evx.load_rules(path)
    seconds = time.perf_counter() - began
    assert len(rules.rules) == n
    print(f"{n:,} rules loaded in {seconds:.1f} s")
    found = rules.extract("w1 and w2", mentions=True)
    assert {r.text for r in found} == {"w1", "w2"}


def test_one_hundred_thousand_lexicon_rules_are_not_an_alias_bomb(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n" + "".join(f"- {{name: r{i}, label: L, type: lexicon, phrases: [w{i}]}}\n"
                                         for i in range(100_000)), encoding="utf-8")
    try:
        evx.load_rules(path)
    except evx.EvxError as err:
        pytest.fail(str(err).splitlines()[0])


def nested(depth: int, kind: str) -> str:
    return {"group": "(" * depth + "a" + ")" * depth,
            "capture": "(?<x> " * depth + "a" + ")" * depth,
            "lookahead": "(?= " * depth + "a" + ")" * depth,
            "constraint": "[" + "(" * depth + "word=a" + ")" * depth + "]",
            "negation": "[" + "!" * depth + "word=a]",
            "repeat": "(" * depth + "a" + ")?" * depth}[kind]


@pytest.mark.parametrize("kind", ["group", "capture", "lookahead", "constraint", "negation", "repeat"])
def test_moderately_deep_patterns_work(tmp_path, kind):
    path = write(tmp_path / "rules.yml", f"rules:\n  - name: p\n    label: X\n    pattern: '{nested(100, kind)}'\n")
    rules = evx.load_rules(path)
    rules.extract("a b a", mentions=True)


@pytest.mark.parametrize("kind", ["group", "capture", "lookahead", "constraint", "negation", "repeat"])
def test_a_thousand_deep_pattern_is_evx_error_or_works(tmp_path, kind):
    path = write(tmp_path / "rules.yml", f"rules:\n  - name: p\n    label: X\n    pattern: '{nested(1000, kind)}'\n")
    try:
        evx.load_rules(path).extract("a b a")
    except evx.EvxError:
        located_error(path)


def test_a_thousand_deep_pattern_through_the_command_line(tmp_path):
    path = write(tmp_path / "rules.yml", f"rules:\n  - name: p\n    label: X\n    pattern: '{nested(1000, 'group')}'\n")
    proc = evx_process("check", path, timeout=60)
    no_traceback(proc.stderr)
    assert proc.returncode in (0, 1)


@pytest.mark.parametrize("text", ["rules: " + "[" * 1000 + "]" * 1000 + "\n",
                                  "taxonomy: " + "{A: " * 1000 + "null" + "}" * 1000 + "\nrules: []\n"],
                         ids=["list", "taxonomy"])
def test_deeply_nested_yaml_is_a_located_error(tmp_path, text):
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    located_error(path)


def test_very_deeply_nested_yaml_does_not_crash_the_process(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("rules: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    proc = evx_process("check", path, timeout=60)
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}"
    no_traceback(proc.stderr)
    assert proc.returncode == 1


# == 3. inputs ===================================================================================

GOOD = {"id": "good", "text": "A trip to Kabul and Rome."}
LATE = {"id": "late", "text": "Back in Rome."}


def records_by_doc(stdout: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        if line.strip():
            r = json.loads(line)
            out.setdefault(r["doc"], []).append(r["text"])
    return out


def jsonl_lines(*lines) -> str:
    return "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"


BAD_LINES = {
    "malformed": ("{\"id\": \"x\", \"text\": ", "malformed JSON"),
    "array": ("[1, 2]", "must be a JSON object"),
    "string": ("\"text\"", "must be a JSON object"),
    "null": ("null", "must be a JSON object"),
    "number": ("42", "must be a JSON object"),
    "no text": ('{"id": "t"}', "no 'text'"),
    "text not a string": ('{"id": "t", "text": 5}', "no 'text'"),
    "bad id": ('{"id": [1], "text": "x"}', "'id'"),
    "bad meta": ('{"id": "m", "text": "x", "meta": [1]}', "'meta'"),
    "bad date": ('{"id": "d", "text": "x", "date": 20240115}', "'date'"),
    "tokens not a list": ('{"id": "t", "text": "ab", "tokens": {"start": 0}}', "'tokens'"),
    "token past the end": ('{"id": "t", "text": "ab", "tokens": [{"start": 0, "end": 9}]}', "bad tokens"),
    "token not a dict": ('{"id": "t", "text": "ab", "tokens": [7]}', "bad tokens"),
    "token without end": ('{"id": "t", "text": "ab", "tokens": [{"start": 0}]}', "bad tokens"),
    "token offsets strings": ('{"id": "t", "text": "ab", "tokens": [{"start": "0", "end": "1"}]}', "bad tokens"),
    "token empty": ('{"id": "t", "text": "ab", "tokens": [{"start": 1, "end": 1}]}', "bad tokens"),
    "tokens overlap": ('{"id": "t", "text": "abc", "tokens": [{"start": 0, "end": 2}, {"start": 1, "end": 3}]}',
                       "bad tokens"),
    "token head out of range": ('{"id": "t", "text": "ab", "tokens": [{"start": 0, "end": 2, "head": 5}]}',
                                "bad tokens"),
    "token head a float": ('{"id": "t", "text": "ab", "tokens": [{"start": 0, "end": 2, "head": 0.5}]}',
                           "bad tokens"),
    "token sentence a list": ('{"id": "t", "text": "ab", "tokens": [{"start": 0, "end": 2, "sentence": [1]}]}',
                              "bad tokens"),
    "BOM inside the file": ("\ufeff" + json.dumps({"id": "b", "text": "Kabul"}), "malformed JSON"),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_a_bad_jsonl_line_is_reported_and_the_rest_kept(tmp_path, small_rules, case):
    line, message = BAD_LINES[case]
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl_lines(GOOD, line, LATE), encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--mentions", path)
    assert result.exit_code == 1, result.output
    assert records_by_doc(result.stdout) == {"good": ["Kabul", "Rome"], "late": ["Rome"]}
    (report, summary) = result.stderr.strip().splitlines()
    assert message in report
    assert report.startswith(f"evx: {path}:2: ") or report.startswith("evx: t: ") or report.startswith("evx: "), report
    if "bad tokens" not in message:
        assert f"{path}:2:" in report
    assert summary == "evx: 1 input error(s)"


# documents that break evx today: each must be reported (with its line) and the others kept
BREAKING = {
    "JSON nested 100,000 deep": ("[" * 100_000 + "]" * 100_000,
                                 "inputs.read_jsonl catches only JSONDecodeError: json.loads raises RecursionError"),
    "an integer of 5,000 digits": ('{"id": ' + "1" * 5000 + ', "text": "x"}',
                                   "inputs.read_jsonl catches only JSONDecodeError: json.loads raises ValueError "
                                   "(int max str digits)"),
    "a lone surrogate in the id": ('{"id": "\\ud800", "text": "A trip to Kabul."}',
                                   "output.Writer.write: json.dumps(ensure_ascii=False) keeps the lone surrogate and "
                                   "writing it as UTF-8 raises UnicodeEncodeError, which ends the run"),
    "a lone surrogate in the text": ('{"id": "s", "text": "A trip \\udc80 to Kabul and Rome."}',
                                     "output.Writer.write: UnicodeEncodeError for a record whose text holds the "
                                     "surrogate ends the run"),
}


@pytest.mark.parametrize("case", list(BREAKING))
def test_a_breaking_jsonl_line_is_reported_and_the_rest_kept(tmp_path, small_rules, case):
    line, _ = BREAKING[case]
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl_lines(GOOD, line, LATE), encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--mentions", path)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    kept = records_by_doc(result.stdout)
    assert kept.get("good") == ["Kabul", "Rome"] and kept.get("late") == ["Rome"], kept
    assert f"{path}:2" in result.stderr


@pytest.fixture(scope="module")
def news() -> evx.RuleSet:
    return evx.load_rules()


def test_an_ordinary_date_resolves(news):
    doc = evx.annotate("The Iranian envoy Hassan Qomi arrived in Islamabad yesterday.", "d", "2024-01-15")
    assert any(r.type == "VISIT" for r in news.extract(doc))


@pytest.mark.parametrize("date,when", [("0001-01-01", "yesterday"), ("9999-12-31", "tomorrow")])
def test_a_date_at_the_edge_of_the_calendar_loses_nothing(news, date, when):
    doc = evx.annotate(f"The Iranian envoy Hassan Qomi arrived in Islamabad {when}.", "d", date)
    records = news.extract(doc)
    assert any(r.type == "VISIT" for r in records)


def test_undecodable_binary_and_empty_files(tmp_path, small_rules):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("A trip to Kabul.", encoding="utf-8")
    (folder / "b-latin1.txt").write_bytes("Caf\xe9 in Rome.\nKabul".encode("latin-1"))
    (folder / "c-binary.txt").write_bytes(b"\x7fELF\x00\x01\x02Kabul" * 50)
    (folder / "d-empty.txt").write_bytes(b"")
    (folder / "e-empty.jsonl").write_bytes(b"")
    (folder / "f-blank.jsonl").write_bytes(b"\n  \n\r\n")
    (folder / "g-binary.jsonl").write_bytes(b'{"id": "ok1", "text": "Rome"}\n\xff\xfe\x00\n{"id": "ok2", "text": "Kabul"}\n')
    (folder / "h-good.txt").write_text("\ufeffRome at last.", encoding="utf-8")
    (folder / "i-utf16.txt").write_bytes("Kabul".encode("utf-16"))
    result = invoke("match", "-r", small_rules, "--mentions", folder)
    assert result.exit_code == 1
    kept = records_by_doc(result.stdout)
    assert kept == {str(folder / "a-good.txt"): ["Kabul"], "ok1": ["Rome"], "ok2": ["Kabul"],
                    str(folder / "h-good.txt"): ["Rome"]}
    errors = result.stderr.strip().splitlines()
    assert errors[-1] == "evx: 4 input error(s)"
    assert f"evx: {folder / 'b-latin1.txt'}:1: not UTF-8" in errors[0]
    assert f"evx: {folder / 'c-binary.txt'}: binary file" in errors[1]
    assert f"evx: {folder / 'g-binary.jsonl'}:2: " in errors[2]
    assert f"evx: {folder / 'i-utf16.txt'}" in errors[3]


def test_empty_inputs_are_no_error(tmp_path, small_rules):
    empty_txt, empty_jsonl = tmp_path / "e.txt", tmp_path / "e.jsonl"
    empty_txt.write_bytes(b"")
    empty_jsonl.write_bytes(b"")
    result = invoke("match", "-r", small_rules, empty_txt, empty_jsonl)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = invoke("match", "-r", small_rules, input=b"")
    assert (result.exit_code, result.stdout) == (0, "")


def test_bad_standard_input_is_reported(small_rules):
    result = invoke("match", "-r", small_rules, "--mentions", input=b"Kabul \xff\xfe and Rome")
    assert result.exit_code == 1
    assert "evx: <stdin>:1: not UTF-8" in result.stderr
    result = invoke("match", "-r", small_rules, "--mentions",
                    input=(jsonl_lines(GOOD, "{oops", LATE)).encode())
    assert result.exit_code == 1
    assert records_by_doc(result.stdout) == {"good": ["Kabul", "Rome"], "late": ["Rome"]}
    assert "evx: <stdin>:2: malformed JSON" in result.stderr


def test_several_megabytes_without_a_sentence_break(tmp_path, small_rules):
    # 2.5 MB, 500,000 tokens, no full stop, a place every 10,000 tokens
    words = " ".join(("a trip to Kabul and" if i % 2000 == 999 else "on and on and on") for i in range(100_000))
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl_lines(GOOD, {"id": "huge", "text": words}, LATE), encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--mentions", path)
    assert result.exit_code == 0, result.stderr
    kept = records_by_doc(result.stdout)
    assert kept["good"] == ["Kabul", "Rome"] and kept["late"] == ["Rome"]
    assert kept["huge"] == ["Kabul"] * 50
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for r in records:
        if r["doc"] == "huge":
            assert words[r["start"]:r["end"]] == r["text"]


@pytest.mark.parametrize("on_error,code", [("fail", 1), ("skip", 0)])
def test_on_error_chooses_the_exit_code(tmp_path, small_rules, on_error, code):
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl_lines(GOOD, "not json", LATE), encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--on-error", on_error, "--mentions", path)
    assert result.exit_code == code
    assert f"evx: {path}:2: malformed JSON" in result.stderr
    assert records_by_doc(result.stdout) == {"good": ["Kabul", "Rome"], "late": ["Rome"]}


def test_exit_codes(tmp_path, small_rules):
    good = tmp_path / "good.txt"
    good.write_text("Kabul", encoding="utf-8")
    assert invoke("match", "-r", small_rules, good).exit_code == 0
    assert invoke("match", "-r", small_rules, tmp_path / "missing.txt").exit_code == 1
    assert invoke("match", "-r", small_rules, "--on-error", "skip", tmp_path / "missing.txt").exit_code == 0
    assert invoke("match", "-r", tmp_path / "no-rules.yml", good).exit_code == 1
    for usage in (["match", "--bogus"], ["match", "--format", "xml"], ["match", "--on-error", "maybe"],
                  ["match", "--jobs", "0"], ["match", "-r", small_rules, "--label", "Nothing", good],
                  ["match", "-r", small_rules, "-o", tmp_path / "no" / "such" / "out.jsonl", good],
                  ["check"], ["nonsense"]):
        result = invoke(*usage)
        assert result.exit_code == 2, (usage, result.output)
        assert "Traceback" not in result.output


def test_parallel_run_keeps_documents_around_bad_lines(tmp_path, small_rules):
    path = tmp_path / "docs.jsonl"
    lines = [GOOD if i % 3 else "broken" for i in range(30)]
    path.write_text(jsonl_lines(*lines), encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--mentions", "--jobs", "2", path)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2 * 20
    assert result.stderr.count("malformed JSON") == 10


# == 4. output ==================================================================================

def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".evx-") or p.suffix == ".tmp")


@pytest.fixture
def inputs(tmp_path) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl_lines(*[dict(GOOD, id=f"d{i}") for i in range(20)]), encoding="utf-8")
    return path


def _failing_after(count: int, exc: BaseException):
    real = batch.run

    def run(*args, **kw):
        for i, result in enumerate(real(*args, **kw)):
            if i == count:
                raise exc
            yield result
    return run


@pytest.mark.parametrize("existing", [False, True])
def test_a_writer_failing_midway_leaves_no_file(tmp_path, small_rules, inputs, monkeypatch, existing):
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    if existing:
        out.write_text("previous results\n", encoding="utf-8")
    writer = output.WRITERS["jsonl"]
    real_document = writer.document
    calls = []

    def write_then_fail(self, doc, records):
        calls.append(records)
        if len(calls) == 7:
            raise OSError(28, "No space left on device")
        real_document(self, doc, records)
    monkeypatch.setattr(writer, "document", write_then_fail)
    result = invoke("match", "-r", small_rules, "--mentions", "-o", out, inputs)
    assert result.exit_code == 2
    assert result.stderr == f"evx: cannot write {out}: No space left on device\n"
    assert len(calls) == 7
    assert leftovers(out.parent) == []
    if existing:
        assert out.read_text(encoding="utf-8") == "previous results\n"
    else:
        assert not out.exists()


@pytest.mark.parametrize("existing", [False, True])
def test_ctrl_c_midway_exits_130_with_one_line_and_no_file(tmp_path, small_rules, inputs, monkeypatch, existing):
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    if existing:
        out.write_text("previous results\n", encoding="utf-8")
    monkeypatch.setattr(batch, "run", _failing_after(5, KeyboardInterrupt()))
    result = invoke("match", "-r", small_rules, "--mentions", "-o", out, inputs)
    assert result.exit_code == 130
    assert result.stderr.count("\n") == 1 and "interrupted" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers(out.parent) == []
    if existing:
        assert out.read_text(encoding="utf-8") == "previous results\n"
    else:
        assert not out.exists()


def test_ctrl_c_to_standard_output_exits_130(small_rules, inputs, monkeypatch):
    monkeypatch.setattr(batch, "run", _failing_after(3, KeyboardInterrupt()))
    result = invoke("match", "-r", small_rules, inputs)
    assert result.exit_code == 130
    assert result.stderr.strip() == "evx: interrupted"


def test_a_successful_run_replaces_the_file_whole(tmp_path, small_rules, inputs):
    out = tmp_path / "records.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    result = invoke("match", "-r", small_rules, "--mentions", "-o", out, inputs)
    assert result.exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 40
    assert leftovers(tmp_path) == []


def _output_open(pid: int, folder: Path) -> bool:
    """Whether the process has its temporary output file open: a hidden file in the folder,
    or on Linux one with no name yet, seen among the process's open files."""
    if leftovers(folder):
        return True
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(str(folder) + os.sep) for link in links)


def test_a_real_sigint_exits_130_without_traceback(tmp_path, small_rules):
    """SIGINT while `evx match` waits on its standard input: one line, exit 130, no file left."""
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    env = dict(os.environ, EVX_CACHE="off")
    proc = subprocess.Popen([sys.executable, "-m", "evx", "match", "-r", str(small_rules), "-o", str(out), "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        proc.stdin.write((json.dumps(GOOD) + "\n").encode())
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while not _output_open(proc.pid, out.parent) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)          # the temporary output file shows the run has begun
        assert _output_open(proc.pid, out.parent), "the run never opened its output"
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stderr.decode().strip() == "evx: interrupted; no output file was written"
    assert leftovers(out.parent) == [] and not out.exists()
