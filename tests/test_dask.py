"""Runs on Dask: part files like the single-process run's records, the Python API, a worker
killed mid-run, bad documents, and the command line's checks."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.bag")

from click.testing import CliRunner  # noqa: E402

from evx import bundled_rules, load_rules  # noqa: E402
from evx.errors import EvxError  # noqa: E402
from evx.io.readers import read_inputs  # noqa: E402
from evx.run import batch  # noqa: E402
from evx.run import distributed as runner  # noqa: E402
from evx.tools.cli import main  # noqa: E402

RULES = """
taxonomy: [Place, Trip]
rules:
  - name: places
    label: Place
    type: lexicon
    phrases: [Kabul, Rome, Lima]
  - name: trip
    label: Trip
    priority: 2
    pattern: '(?<trigger> [lower=trip]) [shape=/^d/]? to (?<to> @Place)'

"""

pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use")
NEWS = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "news.jsonl"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as found:
        yield found


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as made:
        yield made


@pytest.fixture
def rules_path(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(RULES, encoding="utf-8")
    return path


def _corpus(path: Path, n: int, bad_lines: dict[int, str] | None = None) -> Path:
    places = ["Kabul", "Rome", "Lima", "Oslo"]
    lines = [json.dumps({"id": f"d{i}", "text": f"Trip {i} to {places[i % 4]}. Then to {places[(i + 1) % 4]}."})
             for i in range(n)]
    for at, line in (bad_lines or {}).items():
        lines[at] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _serial_records(rules_path, inputs, mentions=True) -> list[str]:
    rules = load_rules(rules_path)
    options = batch.Options((str(rules_path),), mentions, encode=True)
    return [line for result in batch.run(rules, read_inputs(inputs), options) for line in result.records]


def _serial_parts(rules_path, inputs, size: int, mentions=True) -> list[list[str]]:
    rules = load_rules(rules_path)
    options = batch.Options((str(rules_path),), mentions, encode=True)
    return [[line for item in part for line in batch.process(rules, item, options).records]
            for part in runner.partitions(read_inputs(inputs), size)]


def _parts(folder: Path) -> list[list[str]]:
    names = sorted(os.listdir(folder))
    assert names == [f"part-{i:05d}.jsonl" for i in range(len(names))]
    return [(folder / name).read_text(encoding="utf-8").splitlines() for name in names]


def _match(*args: str):
    return CliRunner().invoke(main, ["match", *args])


def test_part_files_hold_the_single_process_records(rules_path, tmp_path, cluster):
    corpus = _corpus(tmp_path / "docs.jsonl", 45)
    out = tmp_path / "out"
    result = _match("-r", str(rules_path), "--mentions", "--dask", cluster.scheduler_address,
                    "--partition-size", "10", str(corpus), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert _parts(out) == _serial_parts(rules_path, [str(corpus)], 10)
    assert len(_parts(out)) == 5


def test_local_cluster_and_bundled_rules_give_the_records_of_evx_match(tmp_path):
    corpus = NEWS
    single = _match("--mentions", str(corpus))
    assert single.exit_code == 0, single.stderr
    out = tmp_path / "out"
    result = _match("--mentions", "--dask", "local:1", "--partition-size", "3", str(corpus), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    written = [line for part in _parts(out) for line in part]
    assert written == single.stdout.splitlines() and written


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(rules_path, tmp_path):
    corpus = _corpus(tmp_path / "docs.jsonl", 120)
    marker = str(tmp_path / "killed")

    class KillOnce(distributed.WorkerPlugin):
        """The first worker to finish a partition dies before it can hand the result over."""
        def transition(self, key, start, finish, **kwargs):
            if str(key).startswith("evx-part-") and finish == "memory":
                try:
                    os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    return
                os.kill(os.getpid(), 9)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.register_plugin(KillOnce())
        out = tmp_path / "out"
        result = _match("-r", str(rules_path), "--mentions", "--dask", cluster.scheduler_address,
                        "--partition-size", "6", str(corpus), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert os.path.exists(marker)
    expected = _serial_parts(rules_path, [str(corpus)], 6)
    parts = _parts(out)
    assert parts == expected
    lines = [line for part in parts for line in part]
    assert len(lines) == len(set(lines)) == len(_serial_records(rules_path, [str(corpus)]))


def test_bad_documents_are_reported_in_order_and_cost_only_themselves(rules_path, tmp_path, cluster):
    bad = {3: "{not json", 17: json.dumps({"id": "t", "text": "ab", "tokens": [{"start": 5, "end": 1}]})}
    corpus = _corpus(tmp_path / "docs.jsonl", 30, bad)
    out = tmp_path / "out"
    args = ["-r", str(rules_path), "--dask", cluster.scheduler_address, "--partition-size", "5", str(corpus)]
    result = _match(*args, "-o", str(out))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("evx: ")]
    assert errors[0].startswith(f"evx: {corpus}:4:") and "malformed JSON" in errors[0]
    assert errors[1].startswith(f"evx: {corpus}:18:") and "bad tokens" in errors[1]
    assert errors[2] == "evx: 2 input error(s)"
    good = [line for part in _parts(out) for line in part]
    assert good == _serial_records(rules_path, [str(corpus)], mentions=False)
    assert "t" not in {json.loads(line)["doc"] for line in good} and len(good) > 20
    assert _match(*args, "-o", str(out), "--on-error", "skip").exit_code == 0


def test_a_rerun_with_fewer_partitions_leaves_no_stale_part(rules_path, tmp_path, cluster):
    corpus = _corpus(tmp_path / "docs.jsonl", 12)
    out = tmp_path / "out"
    for size in ("3", "6"):
        result = _match("-r", str(rules_path), "--dask", cluster.scheduler_address, "--partition-size", size,
                        str(corpus), "-o", str(out))
        assert result.exit_code == 0, result.stderr
    assert len(_parts(out)) == 2


@pytest.mark.parametrize("args, message", [
    (["--dask", "local:2"], "-o FOLDER"),
    (["--dask", "local:2", "--format", "tsv", "-o", "OUT"], "--format tsv is not available"),
    (["--dask", "local:2", "-j", "2", "-o", "OUT"], "--jobs is for runs on this machine"),
    (["--dask", "local:0", "-o", "OUT"], "from 1 to 256"),
    (["--dask", "somewhere", "-o", "OUT"], "tcp://HOST:8786"),
    (["--partition-size", "5"], "--partition-size is for runs on Dask"),
])
def test_command_line_mistakes_are_named(rules_path, tmp_path, args, message):
    corpus = _corpus(tmp_path / "docs.jsonl", 2)
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = _match("-r", str(rules_path), str(corpus), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_scheduler_that_is_not_there_is_one_line(rules_path, tmp_path):
    corpus = _corpus(tmp_path / "docs.jsonl", 2)
    result = _match("-r", str(rules_path), "--dask", "tcp://127.0.0.1:9", str(corpus), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_bag_gives_the_records_of_each_partition(rules_path, client):
    import dask.bag as db
    from evx.dask import match_bag
    docs = [{"id": f"d{i}", "text": f"Trip {i} to Rome."} for i in range(7)] + ["A trip to Lima."]
    records = match_bag(db.from_sequence(docs, npartitions=4), str(rules_path), mentions=True).compute()
    rules = load_rules(rules_path)
    expected = [dict(r.to_dict(), doc=d["id"] if isinstance(d, dict) else "partition-3:2")
                for d in docs for r in rules.extract(d["text"] if isinstance(d, dict) else d, mentions=True)]
    assert records == expected
    _, spec = runner.rule_spec(str(rules_path))
    kept = client.run(lambda: list(runner._loaded).count(spec))     # one rule set per worker, whatever it ran
    assert set(kept.values()) <= {0, 1} and sum(kept.values()) >= 1


def test_match_bag_labels_and_bad_documents(rules_path, client):
    import dask.bag as db
    from evx.dask import match_bag
    docs = [{"id": "a", "text": "Trip to Rome."}, {"id": 5}, {"id": "c", "text": "Trip to Kabul."}]
    records = match_bag(db.from_sequence(docs, npartitions=1), rules_path, labels=["Trip"]).compute()
    assert [(r["doc"], r["type"]) for r in records] == [("a", "Trip"), ("c", "Trip")]
    with pytest.raises(ValueError, match="no label 'Tirp'.*did you mean 'Trip'"):
        match_bag(db.from_sequence(docs), rules_path, labels=["Tirp"])
    with pytest.raises(EvxError, match="no 'text' string"):
        match_bag(db.from_sequence(docs, npartitions=1), rules_path, on_error="raise").compute()


def test_match_frame_takes_text_and_id_columns(rules_path, client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from evx.dask import match_frame
    frame = pd.DataFrame({"key": [10, 11, 12, 13], "body": ["Trip to Rome.", "Nothing.", "Trip to Lima.", None]})
    ddf = dd.from_pandas(frame, npartitions=2)
    records = match_frame(ddf, load_rules(rules_path), text_column="body", id_column="key").compute()
    assert [(r["doc"], r["type"], r["text"]) for r in records] == [("10", "Trip", "Trip to Rome"),
                                                                    ("12", "Trip", "Trip to Lima")]
    by_index = match_frame(ddf, rules_path, text_column="body", id_column=None, mentions=True).compute()
    assert {r["doc"] for r in by_index} == {"0", "2"}
    with pytest.raises(ValueError, match="no column 'text'"):
        match_frame(ddf, rules_path)


def test_rule_paths_travel_as_portable_paths_and_a_fingerprint(rules_path, tmp_path):
    _, spec = runner.rule_spec(load_rules(bundled_rules()))
    assert spec.paths == ("evx:news",) and len(spec.fingerprint) == 64
    _, local = runner.rule_spec(str(rules_path))
    assert local.paths == (str(rules_path.resolve()),)
    assert runner.worker_rules(local) is runner.worker_rules(local)
    with pytest.raises(EvxError, match="not those the client loaded"):
        runner.worker_rules(runner.RuleSpec(local.paths, False, "0" * 64))


def test_match_partition_is_the_per_partition_function(rules_path):
    from evx.dask import match_partition
    records = match_partition(iter(["Trip to Rome.", {"text": "Trip to Kabul.", "id": "k"}]), str(rules_path),
                              name="p7")
    assert [(r["doc"], r["text"]) for r in records] == [("p7:1", "Trip to Rome"), ("k", "Trip to Kabul")]


def test_a_spec_made_once_serves_any_partition_function(rules_path):
    from evx.dask import match_partition, rule_spec
    spec = rule_spec(rules_path)
    assert spec.fingerprint and match_partition([{"text": "Trip to Lima.", "id": "x"}], spec)[0]["doc"] == "x"
