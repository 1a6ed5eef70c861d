"""Running over many documents: order, bounded reading, dead workers, progress, bench."""
from __future__ import annotations

import io
import json
import os
from collections import deque

import pytest
from click.testing import CliRunner

from evx import load_rules
from evx.run import batch
from evx.tools.cli import main
from evx.errors import InputError
from evx.io.readers import InputDoc
from evx.tools.progress import Progress

RULES = """
taxonomy: [Place]
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome]
"""


@pytest.fixture
def rules_path(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(RULES, encoding="utf-8")
    return path


def _docs(n, boom=()):
    for i in range(n):
        yield InputDoc(f"boom-{i}" if i in boom else f"d{i}", f"Trip {i} to Kabul and Rome.")


def _options(path):
    return batch.Options((str(path),), mentions=True)


def test_parallel_results_keep_input_order(rules_path):
    rules = load_rules(rules_path)
    serial = [r.doc for r in batch.run(rules, _docs(60), _options(rules_path), jobs=1)]
    parallel = [r.doc for r in batch.run(rules, _docs(60), _options(rules_path), jobs=2)]
    assert parallel == serial == [f"d{i}" for i in range(60)]


def test_input_is_read_in_a_bounded_window(rules_path):
    taken = []

    def source():
        for doc in _docs(100_000):
            taken.append(doc.id)
            yield doc
    results = batch.run(load_rules(rules_path), source(), _options(rules_path), jobs=2)
    first = next(results)
    assert first.doc == "d0"
    assert len(taken) <= 2 * batch.WINDOW * batch.CHUNK + batch.CHUNK
    results.close()


def _dying_work(chunk):
    if any(item.id.startswith("boom") for item in chunk):
        os._exit(3)
    return _real_work(chunk)


_real_work = batch._work


def test_a_dead_worker_costs_only_the_document_that_killed_it(rules_path, monkeypatch):
    monkeypatch.setattr(batch, "_work", _dying_work)   # forked workers inherit the patch
    results = list(batch.run(load_rules(rules_path), _docs(40, boom={17}), _options(rules_path), jobs=2))
    assert [r.doc for r in results][:16] == [f"d{i}" for i in range(16)]
    failed = [r for r in results if r.error is not None]
    assert [r.doc for r in failed] == ["boom-17"] and "worker process died" in failed[0].error.message
    assert [r.doc for r in results] == [f"boom-{i}" if i == 17 else f"d{i}" for i in range(40)]


def test_one_failing_document_is_reported_and_the_rest_kept(rules_path, monkeypatch):
    rules = load_rules(rules_path)
    real = rules.matches

    def matches(doc, profile=None, sentences=None):
        if doc.id == "d1":
            raise RuntimeError("boom")
        return real(doc, profile, sentences)
    monkeypatch.setattr(type(rules), "matches", lambda self, doc, profile=None, sentences=None:
                        matches(doc, profile, sentences))
    results = list(batch.run(rules, _docs(3), _options(rules_path)))
    assert [r.error is None for r in results] == [True, False, True]
    assert "internal error: RuntimeError: boom" in results[1].error.message


PARSED = """
taxonomy: [Place]
rules:
  - name: place
    label: Place
    pattern: '[pos=PROPN & chunk=/NP/]'
"""


@pytest.fixture
def parsed_path(tmp_path):
    path = tmp_path / "parsed.yml"
    path.write_text(PARSED, encoding="utf-8")
    return path


def _texts(n):
    texts = ["Trip {} to Kabul and Rome.", "Talks in Doha went on. Envoys left for Cairo on day {}.", ""]
    for i in range(n):
        yield InputDoc(f"d{i}", texts[i % 3].format(i))


def test_documents_are_prepared_in_windows_in_input_order(parsed_path, monkeypatch):
    rules = load_rules(parsed_path)
    sizes = []
    real = type(rules).prepare_many
    monkeypatch.setattr(type(rules), "prepare_many",
                        lambda self, docs, sentences=None: sizes.append(len(docs)) or real(self, docs, sentences))
    monkeypatch.setattr(batch, "WINDOW_DOCUMENTS", 4)
    items = list(_texts(10))
    items.insert(5, InputError("not JSON", "in.jsonl", 6))
    results = list(batch.run(rules, items, _options(parsed_path)))
    assert [r.doc for r in results] == [item.file if isinstance(item, InputError) else item.id for item in items]
    assert sizes == [4, 3, 3]            # the input error is in a window, but has nothing to prepare
    assert results[0].records and results[0].syntax_seconds > 0
    assert results[2].records == [] and results[2].error is None      # an empty text


def test_records_are_the_same_prepared_in_windows_or_one_by_one(parsed_path, monkeypatch):
    rules = load_rules(parsed_path)
    windowed = [(r.doc, r.records, r.tokens) for r in batch.run(rules, _texts(12), _options(parsed_path))]
    parallel = [(r.doc, r.records, r.tokens) for r in batch.run(rules, _texts(12), _options(parsed_path), jobs=2)]
    monkeypatch.setattr(batch, "WINDOW_DOCUMENTS", 1)
    alone = [(r.doc, r.records, r.tokens) for r in batch.run(rules, _texts(12), _options(parsed_path))]
    assert windowed == alone == parallel
    assert sum(len(records) for _, records, _ in windowed) > 0


def test_a_document_that_cannot_be_prepared_costs_only_itself(parsed_path, monkeypatch):
    from evx import api
    real = api.add_syntax_many

    def failing(docs, layers, annotator=None, only=None):
        if any(doc.id == "d4" for doc in docs):
            raise ValueError("no tree for this one")
        return real(docs, layers, annotator, only)
    monkeypatch.setattr(api, "add_syntax_many", failing)
    results = list(batch.run(load_rules(parsed_path), _texts(9), _options(parsed_path)))
    assert [r.doc for r in results] == [f"d{i}" for i in range(9)]
    assert [r.error is None for r in results] == [i != 4 for i in range(9)]
    assert results[4].error.message == "bad tokens: no tree for this one"
    assert results[3].records and results[3].records == \
        batch.process(load_rules(parsed_path), InputDoc("d3", "Trip 3 to Kabul and Rome."), _options(parsed_path)).records


def test_windows_stream_and_stay_bounded(parsed_path, rules_path, monkeypatch):
    taken = []

    def source():
        for doc in _texts(1_000):
            taken.append(doc.id)
            yield doc
    monkeypatch.setattr(batch, "WINDOW_CHARACTERS", 100)
    first = next(batch.windows(source(), load_rules(parsed_path).layers))
    assert len(first) == 4 and len(taken) == 4       # 25 + 54 + 0 + 25 characters reach 100
    monkeypatch.setattr(batch, "WINDOW_CHARACTERS", 10 ** 9)
    assert [len(w) for w in batch.windows(_texts(130), load_rules(parsed_path).layers)] == [64, 64, 2]
    # rules that need neither tags nor trees have nothing to share: one document at a time
    assert {len(w) for w in batch.windows(_texts(10), load_rules(rules_path).layers)} == {1}


def test_progress_line_counts_and_estimates():
    stream = io.StringIO()
    progress = Progress(total=10, stream=stream, enabled=True, every=0)
    progress.update(5, 1000)
    line = progress.line()
    assert line.startswith("evx: 5/10 docs") and "tokens/s" in line and "left" in line
    assert stream.getvalue().startswith("\r")
    progress.close()


def test_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(total=3, stream=stream)
    progress.update(1, 10)
    progress.close()
    assert stream.getvalue() == ""


def test_bench_reports_throughput_stages_rules_and_memory(rules_path, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": "Trip to Kabul. Back in Rome."}) + "\n"
                              for i in range(20)), encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "-r", str(rules_path), str(corpus), "--json", "--mentions"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["documents"] == 20 and figures["sentences"] == 40 and figures["records"] == 40
    assert figures["tokens"] == 20 * 8
    assert set(figures["seconds"]) == {"compile", "run", "annotate", "syntax", "match", "write"}
    assert figures["syntax"] == "none" and figures["seconds"]["syntax"] < figures["seconds"]["annotate"]
    assert "places" in figures["rules_seconds"] and figures["per_second"]["tokens"] > 0
    assert figures["peak_memory_mb"]["main"] > 0
    text = CliRunner().invoke(main, ["bench", "-r", str(rules_path), str(corpus)]).output
    assert "tokens/s" in text and "annotate" in text and "match priority 1" in text


def test_bench_times_the_models_in_windows_and_one_document_at_a_time(rules_path, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": "Trip to Kabul. Back in Rome."}) + "\n"
                              for i in range(70)), encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "-r", str(rules_path), str(corpus), "--json", "--syntax"])
    assert result.exit_code == 0, result.output
    speed = json.loads(result.output)["syntax_speed"]
    assert speed["tokens"] == 70 * 8 and speed["windows"] == 2
    assert set(speed) == {"tokens", "windows", "tagging", "tagging_one_by_one", "tagging_and_parsing",
                          "tagging_and_parsing_one_by_one"}
    text = CliRunner().invoke(main, ["bench", "-r", str(rules_path), str(corpus), "--syntax"]).output
    assert "in 2 windows (one document at a time): tagging" in text


def test_output_to_a_device_writes_to_it_and_never_replaces_it(rules_path, tmp_path):
    import stat
    doc = tmp_path / "d.txt"
    doc.write_text("Trip to Kabul.", encoding="utf-8")
    result = CliRunner().invoke(main, ["match", "-r", str(rules_path), "--mentions", "-o", os.devnull, str(doc)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_run_gives_the_collector_back_as_it_found_it(rules_path, monkeypatch):
    import gc
    monkeypatch.setattr(batch, "COLLECT_EVERY", 3)
    collections = []
    monkeypatch.setattr(gc, "collect", lambda *a: collections.append(a) or 0)
    found = gc.get_threshold()
    gc.set_threshold(700, 10, 10)   # Python's default, whatever a run left unfinished elsewhere set
    before = gc.get_threshold()
    results = list(batch.run(load_rules(rules_path), _docs(10), _options(rules_path)))
    assert [r.doc for r in results] == [f"d{i}" for i in range(10)]
    assert len(collections) == 3                # after documents 3, 6 and 9
    assert gc.get_threshold() == before
    during = []
    for _ in batch.run(load_rules(rules_path), _docs(2), _options(rules_path)):
        during.append(gc.get_threshold())
    assert during[0][0] > before[0] and gc.get_threshold() == before
    gc.set_threshold(*found)


def test_chunks_no_worker_took_are_sent_again_in_pieces_at_the_end():
    class Waiting:
        def __init__(self, taken):
            self.taken = taken

        def cancel(self):
            return not self.taken
    pending = deque([(list(range(0, 16)), Waiting(True)), (list(range(16, 32)), Waiting(False)),
                     ([32], Waiting(False)), (list(range(33, 40)), None)])
    sent = []
    batch._split_waiting(pending, lambda piece: sent.append(piece) or Waiting(False))
    assert [chunk for chunk, _ in pending] == [list(range(0, 16)), [16, 17, 18, 19], [20, 21, 22, 23],
                                               [24, 25, 26, 27], [28, 29, 30, 31], [32], list(range(33, 40))]
    assert sent == [[16, 17, 18, 19], [20, 21, 22, 23], [24, 25, 26, 27], [28, 29, 30, 31]]
