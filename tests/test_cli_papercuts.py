"""The command line's papercuts: output files, labels, explain on JSON Lines, odd file names,
full disks, interrupts and signals, FIFOs, gold files and the messages of `evx test`."""
from __future__ import annotations

import json
import os
import re
import pickle
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from evx.errors import DocumentError, EvxError
from evx.run import batch
from evx.tools.cli import main

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
    phrases: [Hassan Qomi, Asif Durrani]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad, Tehran]
  - name: visit
    label: VISIT
    priority: 2
    pattern: |
      (?<visitor> @Person) (?<trigger> [lemma=/^(arrive|visit)$/]) [lower=/^(in|to)$/]? (?<destination> @Location)
"""

TEXT = "Hassan Qomi arrived in Islamabad on Sunday."
ENV = dict(os.environ, EVX_CACHE="off")


def run(*args, input=None):
    try:
        runner = CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def rules(tmp_path) -> Path:
    path = tmp_path / "rules" / "visit.yml"
    path.parent.mkdir()
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def doc(tmp_path) -> Path:
    path = tmp_path / "in" / "doc.txt"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    return path


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".evx-") or p.suffix == ".tmp")


def evx_process(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "evx", *map(str, args)], env=ENV, **kw)


def no_traceback(stderr: str | bytes) -> None:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text[-2000:]


# -- -o FILE: modes ------------------------------------------------------------------------------

@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_a_new_output_file_gets_the_mode_the_umask_gives(tmp_path, rules, doc, mask):
    out = tmp_path / "out.jsonl"
    old = os.umask(mask)
    try:
        result = run("match", "-r", rules, "-o", out, doc)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    assert records(out.read_text(encoding="utf-8"))[0]["type"] == "VISIT"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o600])
def test_an_existing_output_file_keeps_its_mode(tmp_path, rules, doc, mode):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(mode)
    result = run("match", "-r", rules, "-o", out, doc)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert records(out.read_text(encoding="utf-8"))[0]["type"] == "VISIT"
    assert leftovers(tmp_path) == []


# -- -o onto an input ----------------------------------------------------------------------------

def test_output_onto_an_input_file_is_refused_before_anything_is_written(tmp_path, rules):
    docs = tmp_path / "docs.jsonl"
    content = json.dumps({"id": "d1", "text": TEXT}) + "\n"
    docs.write_text(content, encoding="utf-8")
    for target in (docs, tmp_path / "." / "docs.jsonl"):
        result = run("match", "-r", rules, "-o", target, docs)
        assert result.exit_code == 2, result.stderr
        assert "is one of the inputs" in result.stderr and "docs.jsonl" in result.stderr
        assert docs.read_text(encoding="utf-8") == content
    assert leftovers(tmp_path) == []


def test_output_onto_a_hard_link_of_an_input_is_refused(tmp_path, rules, doc):
    twin = tmp_path / "twin.txt"
    os.link(doc, twin)
    result = run("match", "-r", rules, "-o", twin, doc)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert doc.read_text(encoding="utf-8") == TEXT


def test_output_onto_a_file_inside_an_input_folder_is_refused(tmp_path, rules, doc):
    out = doc.parent / "records.jsonl"
    out.write_text(json.dumps({"id": "x", "text": "Asif Durrani visited Tehran."}) + "\n", encoding="utf-8")
    before = out.read_bytes()
    result = run("match", "-r", rules, "-o", out, doc.parent)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert out.read_bytes() == before
    # a file the folder's walk would not read is no input: writing it is fine
    other = doc.parent / "records.out"
    result = run("match", "-r", rules, "-o", other, doc.parent)
    assert result.exit_code == 0, result.stderr
    assert [r["doc"] for r in records(other.read_text(encoding="utf-8"))] == [str(doc), "x"]


def test_output_onto_standard_input_is_not_confused_with_a_file(tmp_path, rules):
    out = tmp_path / "out.jsonl"
    result = run("match", "-r", rules, "-o", out, "-", input=TEXT)
    assert result.exit_code == 0, result.stderr
    assert records(out.read_text(encoding="utf-8"))[0]["doc"] == "<stdin>"


# -- --label of a mention label ------------------------------------------------------------------

@pytest.mark.parametrize("label", ["Person", "Entity", "Location"])
def test_a_mention_label_without_mentions_says_why_nothing_is_written(rules, doc, label):
    result = run("match", "-r", rules, "--label", label, doc)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"'{label}'" in result.stderr and "--mentions" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with_mentions = run("match", "-r", rules, "--label", label, "--mentions", doc)
    assert with_mentions.stderr == "" and records(with_mentions.stdout)


@pytest.mark.parametrize("labels", [["VISIT"], ["Event"], ["Contact"], ["VISIT", "Contact"]])
def test_an_event_label_gives_no_note(rules, tmp_path, labels):
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("Nothing happens here.", encoding="utf-8")
    args = [a for label in labels for a in ("--label", label)]
    result = run("match", "-r", rules, *args, quiet)
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_with_an_event_label_and_a_mention_label_the_note_names_the_mention_label(rules, doc):
    result = run("match", "-r", rules, "--label", "Person", "--label", "VISIT", doc)
    assert result.exit_code == 0
    assert [r["type"] for r in records(result.stdout)] == ["VISIT"]
    [note] = result.stderr.strip().splitlines()
    assert "'Person'" in note and "'VISIT'" not in note and "--mentions" in note


# -- explain on JSON Lines -----------------------------------------------------------------------

def test_explain_reads_json_lines_on_stdin_as_match_does(rules):
    line = json.dumps({"id": "d1", "text": TEXT, "date": "2024-01-15"}) + "\n"
    result = run("explain", "-r", rules, input=line)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f'sentence 0: "{TEXT}"' in out
    assert '"id"' not in out and '{' not in out.split("events:")[0]
    assert "events: 1" in out and "VISIT 'arrived'" in out
    assert out.splitlines()[0] == "document d1"


def test_explain_reads_every_document_of_json_lines_and_their_tokens(rules):
    lines = (json.dumps({"id": "a", "text": "Asif Durrani visited Tehran."}) + "\n"
             + json.dumps({"id": "b", "text": "Hassan Qomi arrived in Islamabad.",
                           "tokens": [{"start": 0, "end": 11}, {"start": 12, "end": 19},
                                      {"start": 20, "end": 22}, {"start": 23, "end": 32},
                                      {"start": 32, "end": 33}]}) + "\n")
    result = run("explain", "-r", rules, input=lines)
    assert result.exit_code == 0, result.stderr
    heads = [line for line in result.stdout.splitlines() if line.startswith("document ")]
    assert heads == ["document a", "document b"]
    second = result.stdout[result.stdout.index("document b"):]
    assert re.search(r"^ +0 +Hassan Qomi +hassan qomi ", second, re.M), second   # the provided token


def test_explain_reports_a_bad_json_line_with_its_place(rules):
    result = run("explain", "-r", rules, input='{"id": "d1", "text": \n')
    assert result.exit_code == 1
    assert result.stderr.startswith("evx: <stdin>:1: malformed JSON")
    no_traceback(result.stderr)


def test_explain_of_plain_text_on_stdin_is_unchanged(rules):
    piped = run("explain", "-r", rules, input=TEXT)
    given = run("explain", "-r", rules, TEXT)
    assert piped.exit_code == given.exit_code == 0
    assert piped.stdout == given.stdout and not piped.stdout.startswith("document ")


# -- undecodable file names ----------------------------------------------------------------------

needs_bytes_names = pytest.mark.skipif(sys.platform in ("darwin", "win32"),
                                       reason="the file system refuses names that are not UTF-8")


def _bad_name(folder: Path, raw: bytes, text: str) -> Path:
    path = os.path.join(os.fsencode(folder), raw)
    with open(path, "wb") as handle:
        handle.write(text.encode("utf-8"))
    return Path(os.fsdecode(path))


@needs_bytes_names
@pytest.mark.parametrize("to_file", [False, True])
def test_an_undecodable_file_name_in_a_folder_is_one_input_error(tmp_path, rules, to_file):
    folder = tmp_path / "docs"
    folder.mkdir()
    _bad_name(folder, b"bad\xff.txt", "Asif Durrani visited Tehran.")
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("match", "-r", rules, *(["-o", out] if to_file else []), folder)
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "bad" in line]
    assert len(errors) == 1 and "not valid UTF-8" in errors[0] and "bad\\xff.txt" in errors[0]
    written = out.read_text(encoding="utf-8") if to_file else result.stdout
    assert [r["doc"] for r in records(written)] == [str(folder / "good.txt")]
    no_traceback(result.stderr)


@needs_bytes_names
def test_an_undecodable_file_name_given_as_argument_is_one_input_error(tmp_path, rules, doc):
    bad = _bad_name(tmp_path, b"x\xfe.txt", "Asif Durrani visited Tehran.")
    result = run("match", "-r", rules, bad, doc)
    assert result.exit_code == 1
    assert "x\\xfe.txt" in result.stderr and "not valid UTF-8" in result.stderr
    assert [r["doc"] for r in records(result.stdout)] == [str(doc)]


@needs_bytes_names
def test_an_undecodable_file_name_in_a_subprocess_with_a_strict_locale(tmp_path, rules):
    folder = tmp_path / "docs"
    folder.mkdir()
    _bad_name(folder, b"caf\xe9.txt", "Asif Durrani visited Tehran.")
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    env = dict(ENV, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    proc = subprocess.run([sys.executable, "-m", "evx", "match", "-r", str(rules), str(folder)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1
    no_traceback(proc.stderr)
    assert b"caf\\xe9.txt" in proc.stderr
    assert [r["doc"] for r in records(proc.stdout.decode("utf-8"))] == [str(folder / "good.txt")]


# -- a full disk ---------------------------------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
def test_dev_full_as_output_is_a_clear_error(rules, doc):
    result = run("match", "-r", rules, "-o", "/dev/full", doc)
    assert result.exit_code == 2
    assert result.stderr.strip() == "evx: cannot write /dev/full: No space left on device"


@needs_dev_full
def test_standard_output_on_dev_full_is_a_clear_error(rules, doc):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "evx", "match", "-r", str(rules), str(doc)],
                              stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "evx: cannot write standard output: No space left on device"


@pytest.mark.parametrize("fmt", ["jsonl", "json", "tsv", "table"])
def test_no_space_left_while_writing_a_file_leaves_nothing(tmp_path, rules, doc, monkeypatch, fmt):
    import errno

    from evx.io import output as output_module
    out = tmp_path / "out.jsonl"
    real = output_module.os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(output_module.os, "fsync", full)
    result = run("match", "-r", rules, "--format", fmt, "-o", out, doc)
    monkeypatch.setattr(output_module.os, "fsync", real)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"evx: cannot write {out}: No space left on device"
    assert not out.exists() and leftovers(tmp_path) == []


# -- Ctrl-C while evx starts ---------------------------------------------------------------------

# The console script's own two lines, with an import hook that interrupts the process the
# moment a given module starts to load: a Ctrl-C at that point, every time.
INTERRUPTING_ENTRY = """\
import os, signal, sys

MODULE = sys.argv[1]

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
del sys.argv[1]
from evx.tools.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("module", ["evx.api", "evx.cascade.run", "lark", "yaml", "evx.rulefile.loader"])
def test_ctrl_c_while_evx_starts_exits_130_with_one_line(tmp_path, rules, module):
    entry = tmp_path / "entry.py"
    entry.write_text(INTERRUPTING_ENTRY, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(entry), module, "check", str(rules)],
                          capture_output=True, env=ENV, timeout=120)
    assert proc.returncode == 130, proc.stderr.decode()
    assert proc.stderr.decode() == "evx: interrupted\n"
    assert proc.stdout == b""


def test_ctrl_c_while_the_rules_load_exits_130(rules, doc, monkeypatch):
    from evx import api

    def interrupted(*args, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(api, "load_rules", interrupted)
    for args in (["check", rules], ["match", "-r", rules, doc], ["test", rules], ["explain", "-r", rules, TEXT]):
        result = run(*args)
        assert result.exit_code == 130, (args, result.stderr)
        assert result.stderr == "evx: interrupted\n"


# -- progress over a FIFO ------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "openpty"), reason="needs FIFOs and a pty")
def test_progress_on_a_terminal_does_not_read_a_fifo_before_the_run(tmp_path, rules):
    fifo = tmp_path / "docs.jsonl"
    os.mkfifo(fifo)
    lines = "".join(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n" for i in range(3))

    def feed():
        with open(fifo, "w", encoding="utf-8") as handle:     # blocks until evx opens it
            handle.write(lines)
    def drain(fd):
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    leader, follower = os.openpty()           # stderr on a terminal: the progress line is on
    threading.Thread(target=drain, args=(leader,), daemon=True).start()
    proc = evx_process("match", "-r", rules, fifo, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("evx hung on a FIFO input with stderr on a terminal")
    finally:
        if feeder.is_alive():                 # still waiting for a reader: let it go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert proc.returncode == 0
    assert [r["doc"] for r in records(out.decode())] == ["d0", "d1", "d2"]


def test_counting_documents_skips_what_is_not_a_regular_file(tmp_path):
    from evx.io.readers import count_documents
    docs = tmp_path / "docs.jsonl"
    docs.write_text("{}\n{}\n", encoding="utf-8")
    assert count_documents([str(docs)]) == 2
    assert count_documents([str(docs), "-"]) is None
    if os.path.exists("/dev/zero"):
        assert count_documents([str(docs), "/dev/zero"]) is None   # reading it would never end


# -- signals to a --jobs run ---------------------------------------------------------------------

linux_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _a_jobs_run_waiting_on_stdin(rules: Path, out: Path) -> tuple[subprocess.Popen, list[int]]:
    """`evx match --jobs 2 -o OUT -` with both workers started and the run waiting for more input."""
    proc = evx_process("match", "-r", rules, "--jobs", "2", "-o", out, "-",
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = (json.dumps({"id": "d", "text": TEXT}) + "\n").encode()
    proc.stdin.write(line * (batch.CHUNK * 3))
    proc.stdin.flush()
    assert _wait(lambda: len(_children(proc.pid)) >= 2), "the workers never started"
    return proc, _children(proc.pid)


@linux_proc
def test_sigterm_ends_a_jobs_run_its_workers_and_its_temporary_file(tmp_path, rules):
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    proc, workers = _a_jobs_run_waiting_on_stdin(rules, out)
    try:
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 143, stderr
    assert stderr.decode() == "evx: terminated; no output file was written\n"
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 30), "workers outlived their parent"
    assert os.listdir(out.parent) == []


@linux_proc
def test_sigkill_of_a_jobs_run_ends_its_workers_and_leaves_no_file(tmp_path, rules):
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    proc, workers = _a_jobs_run_waiting_on_stdin(rules, out)
    try:
        time.sleep(0.3)
        proc.kill()
        proc.communicate(timeout=60)
        assert _wait(lambda: not any(_alive(pid) for pid in workers), 30), "workers outlived their parent"
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert os.listdir(out.parent) == []


@linux_proc
def test_ctrl_c_at_a_terminal_ends_a_jobs_run_with_one_line(tmp_path, rules):
    """A terminal's Ctrl-C signals the whole process group: the workers leave it to the parent."""
    out = tmp_path / "out" / "records.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "evx", "match", "-r", str(rules), "--jobs", "2", "-o", str(out), "-"],
                            env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        proc.stdin.write((json.dumps({"id": "d", "text": TEXT}) + "\n").encode() * (batch.CHUNK * 3))
        proc.stdin.flush()
        assert _wait(lambda: len(_children(proc.pid)) >= 2), "the workers never started"
        workers = _children(proc.pid)
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert stderr.decode() == "evx: interrupted; no output file was written\n"
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 30)
    assert os.listdir(out.parent) == []


WATCHED_WORKER = """\
import os, sys, time
from evx.run.pool import watch_parent

parent = os.getpid()
child = os.fork()
if child == 0:
    os.setsid()                       # out of the parent's group: only the watch can end it
    watch_parent(parent, interval=0.05)
    time.sleep(120)
    os._exit(0)
print(child, flush=True)
time.sleep(120)
"""


@linux_proc
def test_the_portable_parent_watch_ends_a_worker_whose_parent_died(tmp_path):
    script = tmp_path / "watched.py"
    script.write_text(WATCHED_WORKER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=ENV)
    child = int(proc.stdout.readline())
    try:
        assert _alive(child)
        proc.kill()
        proc.wait(timeout=30)
        assert _wait(lambda: not _alive(child), 30), "the watched worker outlived its parent"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


# -- input errors are evx errors -----------------------------------------------------------------

def test_input_errors_are_located_evx_errors_that_survive_a_worker(tmp_path, rules):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n" + "{oops\n", encoding="utf-8")
    from evx.errors import InputError
    from evx.io.readers import read_inputs
    items = list(read_inputs([str(docs)]))
    error = items[1]
    assert isinstance(error, InputError) and isinstance(error, EvxError)
    assert (error.location.file, error.location.line) == (str(docs), 2)
    assert error.format().startswith(f"{docs}:2: malformed JSON")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InputError and copy.format() == error.format()


def test_a_document_error_from_the_annotator_costs_only_that_document(tmp_path, rules, monkeypatch):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": i, "text": TEXT}) + "\n" for i in ("a", "b", "c")), encoding="utf-8")
    real = batch.annotate

    def annotate(text, doc_id="", *args, **kw):
        if doc_id == "b":
            raise DocumentError("token 2: offsets 5..3 out of range")
        return real(text, doc_id, *args, **kw)
    monkeypatch.setattr(batch, "annotate", annotate)
    result = run("match", "-r", rules, docs)
    assert result.exit_code == 1
    assert [r["doc"] for r in records(result.stdout)] == ["a", "c"]
    assert f"evx: {docs}:2: bad tokens: token 2: offsets 5..3 out of range" in result.stderr


def test_a_value_error_from_provided_tokens_is_located(tmp_path, rules):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n"
                    + json.dumps({"id": "b", "text": "Hi.", "tokens": [{"start": 0, "end": 9}]}) + "\n",
                    encoding="utf-8")
    result = run("match", "-r", rules, docs)
    assert result.exit_code == 1
    assert f"evx: {docs}:2: bad tokens: token 0" in result.stderr
    assert [r["doc"] for r in records(result.stdout)] == ["a"]


# -- evx eval: gold files ------------------------------------------------------------------------

GOOD_EVENT = {"type": "VISIT", "trigger": {"start": 12, "end": 19, "text": "arrived"},
              "arguments": {"visitor": [{"start": 0, "end": 11, "text": "Hassan Qomi"}]}}


def _gold(**changes) -> dict:
    event = json.loads(json.dumps(GOOD_EVENT))
    for key, value in changes.items():
        if value is KeyError:
            event.pop(key, None)
        else:
            event[key] = value
    return {"id": "g1", "text": TEXT, "events": [event]}


BAD_GOLD = [
    (_gold(trigger="arrived"), "event 1: 'trigger' must be an object {start, end, text}"),
    (_gold(trigger={"start": 12}), "event 1: trigger: 'end' is missing"),
    (_gold(trigger={"start": "12", "end": 19}), "event 1: trigger: 'start' must be an integer"),
    (_gold(trigger={"start": True, "end": 19}), "event 1: trigger: 'start' must be an integer"),
    (_gold(trigger={"start": 19, "end": 12}), "event 1: trigger: start 19 must be smaller than end 12"),
    (_gold(trigger={"start": 12, "end": 999}), "event 1: trigger: offsets 12..999 are outside the text"),
    (_gold(trigger={"start": 12, "end": 19, "text": 5}), "event 1: trigger: 'text' must be a string"),
    (_gold(trigger={"start": 12, "end": 19, "text": "visited"}),
     "event 1: trigger: 'text' is 'visited' but the text at 12..19 is 'arrived'"),
    (_gold(arguments=["visitor"]), "event 1: 'arguments' must be an object from role to a list of spans"),
    (_gold(arguments={"visitor": {"start": 0, "end": 11}}), "event 1: argument 'visitor' must be a list of spans"),
    (_gold(arguments={"visitor": "Hassan Qomi"}), "event 1: argument 'visitor' must be a list of spans"),
    (_gold(arguments={"visitor": [{"start": 0}]}), "event 1: argument 'visitor' 1: 'end' is missing"),
    (_gold(arguments={"visitor": ["Hassan"]}), "event 1: argument 'visitor' 1: a span is an object {start, end, text}"),
    (_gold(type=7), "event 1: 'type' must be a string"),
    (_gold(type=KeyError), "event 1: 'type' is missing"),
    (_gold(trigger=KeyError), "event 1: 'trigger' is missing"),
    (_gold(soft="yes"), "event 1: 'soft' must be true or false"),
    (_gold(scope="document"), "event 1: 'scope' must be \"sentence\""),
    (_gold(modality=3), "event 1: 'modality' must be a string"),
    (_gold(sotf=True), "event 1: unknown field 'sotf'; did you mean 'soft'?"),
    (_gold(trigger={"start": 12, "end": 19, "txt": "arrived"}), "event 1: trigger: unknown field 'txt'; did you mean 'text'?"),
    ({"id": "g", "text": TEXT, "events": {"type": "VISIT"}}, "'events' must be a list of events"),
    ({"id": "g", "text": TEXT, "events": ["VISIT"]}, "event 1: an event is an object with 'type' and 'trigger'"),
    ({"id": [1], "text": TEXT, "events": []}, "'id' must be a string or a number"),
    ({"id": "g", "events": []}, "the gold document has no 'text' string"),
    ({"id": "g", "text": TEXT, "date": 2024, "events": []}, "'date' must be a string such as 2024-01-15"),
    ([1, 2], "a gold document is an object with 'id', 'text' and 'events'"),
]


@pytest.mark.parametrize("gold,message", BAD_GOLD)
def test_a_bad_gold_line_is_reported_with_its_file_and_line(tmp_path, rules, gold, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": TEXT, "events": []}) + "\n\n" + json.dumps(gold) + "\n",
                    encoding="utf-8")
    result = run("eval", "-r", rules, path)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.strip() == f"evx: {path}:3: {message}"
    no_traceback(result.stderr)


def test_undecodable_gold_is_reported_with_its_line(tmp_path, rules):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(json.dumps({"id": "ok", "text": TEXT, "events": []}).encode() + b"\n{\"id\": \"\xff\"}\n")
    result = run("eval", "-r", rules, path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"evx: {path}:2: not UTF-8 text")


def test_good_gold_with_every_field_scores(tmp_path, rules):
    path = tmp_path / "gold.jsonl"
    gold = _gold(modality="actual", soft=False)
    gold["date"] = "2024-01-15"
    gold["events"].append({"type": "VISIT", "trigger": {"start": 0, "end": 1}, "scope": "sentence", "soft": True})
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    result = run("eval", "-r", rules, path, "--json")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["events"]["VISIT"]["tp"] == 1 and scores["events"]["VISIT"]["fn"] == 0


def test_eval_help_documents_the_gold_format():
    result = run("eval", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for words in ('"trigger": {"start"', '"arguments"', '"soft": true', '"scope": "sentence"', "modality",
                  "overlaps", "counts neither way", "P = TP/(TP+FP)"):
        assert words in text, words


# -- evx test: a diff per role -------------------------------------------------------------------

DIFF_RULES = RULES + """\
    examples:
      - text: "Hassan Qomi arrived in Islamabad."
        expect: [{type: VISIT, trigger: arrived, visitor: Asif Durrani, destination: Islamabad}]
      - text: "Hassan Qomi arrived in Islamabad."
        expect: [{type: VISIT, trigger: arrives, visitor: [Hassan Qomi, Asif Durrani]}]
      - text: "Nobody came."
        expect: [{type: VISIT, trigger: came}]
      - text: "Hassan Qomi arrived in Islamabad."
        expect: []
"""


def test_a_failing_example_shows_what_differs_role_by_role(tmp_path):
    path = tmp_path / "diff.yml"
    path.write_text(DIFF_RULES, encoding="utf-8")
    result = run("test", path)
    assert result.exit_code == 1
    out = result.stdout
    blocks = []
    for line in out.splitlines(keepends=True)[:-1]:
        if " FAIL " in line:
            assert line.startswith(f"{path}:")
            blocks.append(line.split(" FAIL ", 1)[1])
        else:
            blocks[-1] += line
    assert len(blocks) == 4 and out.splitlines()[-1] == "0 passed, 4 failed"
    first = textwrap.dedent("""\
        rule 'visit', example 1: 'Hassan Qomi arrived in Islamabad.'
            VISIT: expected one, the closest found (rule visit) differs:
              visitor:  only expected "Asif Durrani"; only found "Hassan Qomi"
              the same: trigger, destination
        """)
    assert blocks[0] == first, blocks[0]
    assert 'trigger:  only expected "arrives"; only found "arrived"' in blocks[1]
    assert 'visitor:  only expected "Asif Durrani"\n' in blocks[1]
    assert '    VISIT: expected trigger "came"; found no VISIT\n' in blocks[2]
    assert blocks[3].endswith('    unexpected: VISIT trigger="arrived" visitor="Hassan Qomi" '
                              'destination="Islamabad" (rule visit)\n')


# -- a reader that stops reading -----------------------------------------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_a_closed_standard_output_ends_the_run_quietly(tmp_path, rules, jobs):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": TEXT * 20}) + "\n" for i in range(400)),
                    encoding="utf-8")
    proc = evx_process("match", "-r", rules, "--mentions", "--jobs", jobs, docs,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()                     # as `| head -1` does
        proc.wait(timeout=60)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert json.loads(first)["doc"] == "d0"
    assert proc.returncode == 141
    assert stderr == b""


# -- where O_TMPFILE cannot be used --------------------------------------------------------------

@pytest.fixture
def named_temporary_files(monkeypatch):
    """The output as it is written where the system has no unnamed files."""
    from evx.io import output as output_module
    monkeypatch.setattr(output_module, "_unnamed_file", lambda folder: (None, None))


def test_a_named_temporary_file_respects_the_umask_and_an_existing_mode(tmp_path, rules, doc,
                                                                       named_temporary_files):
    new, old_file = tmp_path / "new.jsonl", tmp_path / "old.jsonl"
    old_file.write_text("old\n", encoding="utf-8")
    old_file.chmod(0o640)
    mask = os.umask(0o026)
    try:
        assert run("match", "-r", rules, "-o", new, doc).exit_code == 0
        assert run("match", "-r", rules, "-o", old_file, doc).exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640 and stat.S_IMODE(old_file.stat().st_mode) == 0o640
    assert records(old_file.read_text(encoding="utf-8"))[0]["type"] == "VISIT"
    assert leftovers(tmp_path) == []


def test_a_named_temporary_file_is_removed_when_the_disk_is_full(tmp_path, rules, doc, monkeypatch,
                                                                 named_temporary_files):
    import errno

    from evx.io.writers import WRITERS
    out = tmp_path / "out.jsonl"
    seen = []

    def full(self, doc, records):
        seen.extend(leftovers(tmp_path))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(WRITERS["jsonl"], "document", full)
    result = run("match", "-r", rules, "-o", out, doc)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert len(seen) == 1 and seen[0].startswith(".evx-")     # the named temporary file was there
    assert leftovers(tmp_path) == [] and not out.exists()


def test_unnamed_files_fall_back_to_the_proc_link_then_to_names(tmp_path, monkeypatch):
    from evx.io import output as output_module
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE here")

    def refuse(fd, target):
        raise OSError(1, "Operation not permitted")
    monkeypatch.setattr(output_module, "_link_empty_path", refuse)
    monkeypatch.setattr(output_module, "_link_proc_fd", refuse)
    fd, link = output_module._unnamed_file(str(tmp_path))
    assert (fd, link) == (None, None) and os.listdir(tmp_path) == []
    with output_module.open_output(str(tmp_path / "out.txt")) as out:
        out.stream.write("whole\n")
    assert (tmp_path / "out.txt").read_text() == "whole\n" and leftovers(tmp_path) == []
