"""Tokens/s of `evx match` on one machine: --jobs 1 and 2 against --dask local:1 and local:2.

    python benchmarks/dask_bench.py [--corpus FILE] [--repeat K] [--runs 3] [-r RULES] [--json]

Writes the corpus repeated K times to a temporary folder, then runs each command as a whole
process (start-up, the cluster's start and stop included), taking turns, `--runs` times:

  evx match --jobs 1 corpus.jsonl -o out.jsonl
  evx match --jobs 2 corpus.jsonl -o out.jsonl
  evx match --dask local:1 corpus.jsonl -o parts/
  evx match --dask local:2 corpus.jsonl -o parts/

and prints, for each, the best wall time, the range over the runs, tokens/s of the best and
its range, the speed-up over --jobs 1 (best against best) and the range of CPU time (the
process and its workers; steadier than wall time on a busy machine). Tokens are evx's count of the
corpus. It also checks that the part files, read in order, hold the records --jobs 1 wrote.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# the Dask workers are the run's children: the wait4 of `measure` counts their CPU time
from compare import DEFAULT_CORPUS, measure  # noqa: E402

RUNS = {
    "jobs_1": ["--jobs", "1"],
    "jobs_2": ["--jobs", "2"],
    "dask_local_1": ["--dask", "local:1"],
    "dask_local_2": ["--dask", "local:2"],
}


def write_corpus(source: Path, repeat: int, target: Path) -> None:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with target.open("w", encoding="utf-8") as out:
        for copy in range(repeat):
            for line in lines:
                doc = json.loads(line)
                doc["id"] = f"{doc.get('id')}#{copy}"
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")


def count_tokens(corpus: Path) -> int:
    from evx import annotate
    with corpus.open(encoding="utf-8") as lines:
        return sum(annotate(json.loads(line)["text"]).token_count for line in lines)


def command(name: str, rules: list[str], corpus: Path, out: Path, partition_size: int | None) -> list[str]:
    extra = ["--partition-size", str(partition_size)] if partition_size and name.startswith("dask") else []
    return [sys.executable, "-m", "evx", "match", *rules, *RUNS[name], *extra, str(corpus), "-o", str(out)]


def parts_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("part-*.jsonl")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("EVX_BENCH_CORPUS", DEFAULT_CORPUS)))
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command")
    parser.add_argument("-r", "--rules", action="append", default=[], help="rule files (default: the bundled rules)")
    parser.add_argument("--partition-size", type=int, default=None, help="for the --dask runs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"no corpus at {args.corpus}: give one with --corpus")
    rules = [x for path in args.rules for x in ("-r", path)]
    folder = Path(tempfile.mkdtemp(prefix="evx-dask-bench-"))
    try:
        corpus = folder / "corpus.jsonl"
        write_corpus(args.corpus, args.repeat, corpus)
        tokens = count_tokens(corpus)
        env_note = os.environ.get("OMP_NUM_THREADS", "unset")
        subprocess.run(command("jobs_1", rules, corpus, folder / "warm.jsonl", None), check=True,
                       stdout=subprocess.DEVNULL)       # fills the compile cache
        times: dict[str, list[float]] = {name: [] for name in RUNS}
        cpu: dict[str, list[float]] = {name: [] for name in RUNS}
        for _ in range(args.runs):
            for name in RUNS:
                out = folder / (name + (".jsonl" if name.startswith("jobs") else ""))
                run = measure(command(name, rules, corpus, out, args.partition_size))
                times[name].append(run["seconds"])
                cpu[name].append(run["cpu_seconds"])
        same = all(parts_text(folder / name) == (folder / "jobs_1.jsonl").read_text(encoding="utf-8")
                   for name in RUNS if name.startswith("dask"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    best_1 = min(times["jobs_1"])
    figures = {
        "tokens": tokens, "runs": args.runs, "repeat": args.repeat, "OMP_NUM_THREADS": env_note,
        "same_records": same,
        "results": {name: {"seconds": sorted(ts), "tokens_per_s": [round(tokens / t) for t in sorted(ts)],
                           "cpu_seconds": sorted(cpu[name]),
                           "speedup_vs_jobs_1": round(best_1 / min(ts), 2)} for name, ts in times.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{tokens:,} tokens, {args.runs} runs each, OMP_NUM_THREADS={env_note}; "
          f"part files {'hold the same records as' if same else 'DIFFER from'} --jobs 1")
    print(f"{'run':<14}{'best s':>8}{'range s':>16}{'tokens/s (range)':>26}{'vs jobs 1':>11}{'CPU s':>16}")
    for name, ts in times.items():
        low, high = min(ts), max(ts)
        rate = f"{tokens / low:,.0f} ({tokens / high:,.0f}-{tokens / low:,.0f})"
        used = f"{min(cpu[name]):.1f}-{max(cpu[name]):.1f}"
        print(f"{name:<14}{low:>8.2f}{f'{low:.2f}-{high:.2f}':>16}{rate:>26}{best_1 / low:>10.2f}x{used:>16}")


if __name__ == "__main__":
    main()
