"""Whole processes side by side: evx against spaCy's Matcher on the benchmark rule family.

    python benchmarks/compare.py [--corpus FILE] [--tokens 300000] [--repeat 3] [--json]

Writes to a temporary folder the corpus repeated to about --tokens tokens, the same ten
times larger, the rule files of rulegen.py for 10, 100 and 1,000 rules and the lemma list
for spaCy; then runs each of these as a subprocess, timed by wall clock, with the peak
memory (RSS) of the process and of the processes it waited for (`os.wait4`):

  evx match -r rules_N.yml corpus.jsonl -o out.jsonl                 N = 10, 100, 1000
  python benchmarks/spacy_match.py N corpus.jsonl --lemmas ...       N = 10, 100, 1000
  evx match --jobs 1 / --jobs 2                                      (--jobs-rules rules)
  evx match on one sentence: the start every worker needs            (a note: the bound it
                                                                     sets on --jobs 2)
  evx match --jobs 1 / --jobs 2, bundled news rules, --corpus repeated  (and the 10-rule
                                                 --news-repeat times    family on it, for the
                                                                        time ratio of the two)
  evx match on the 10x corpus                                        (memory; --memory-repeat)
  evx match --jobs 1 / --jobs 2 on the 10x corpus                    (a note; --memory-repeat)
  two CPU-bound Python processes, one after the other and at once    (the machine's ceiling
                                                                     for any --jobs 2; a note)
  compiling 1,000 rules: a timed evx.load_rules in a fresh process, and `evx check`,
  each with a cold compile cache (an empty EVX_CACHE_DIR) and a warm one

Each run is repeated and the best time kept (the least disturbed by other load); runs
whose times are compared with each other take turns. The targets are judged on wall time;
the ratios by CPU time are shown beside them, a steadier view on a busy machine. The
`evx match` runs use a warm compile cache, as a user's second run does. Finally the
pathological patterns are timed in this process on sentences of 1,000 and 4,000 tokens.
Prints a table and the targets with PASS/FAIL; `--json` prints the same as JSON. Without
spaCy (or its lookup tables) the spaCy rows and the targets that need them are left out.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import rulegen  # noqa: E402

DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "voa-dev-articles.jsonl"
SIZES = (10, 100, 1000)

# the targets: key -> (what, limit, higher is better); "<" for memory, "<=" / ">=" otherwise
TARGETS = {
    "speed_vs_spacy_10": ("evx / spaCy speed, 10 rules", 2.0, True),
    "speed_vs_spacy_1000": ("evx / spaCy speed, 1,000 rules", 50.0, True),
    "evx_1000_over_10": ("evx time, 1,000 rules / 10 rules", 1.5, False),
    "news_over_family": ("bundled news rules time / 10-rule family, same corpus", 15.0, False),
    "jobs2_speedup": ("evx --jobs 2 speed-up over --jobs 1, benchmark rules", 1.6, True),
    "jobs2_speedup_news": ("evx --jobs 2 speed-up over --jobs 1, bundled news rules", 1.8, True),
    "memory_10x_corpus": ("evx peak RSS, 10x corpus / 1x", 1.2, False),
    "compile_1000_cold_s": ("compile 1,000 rules, cold cache (s)", 1.0, False),
    "compile_1000_warm_s": ("compile 1,000 rules, warm cache (s)", 1.0, False),
    "pathological_linear": ("pathological patterns: time/token at 4,000 over 1,000 tokens, worst", 2.0, False),
}
STRICT = {"memory_10x_corpus", "compile_1000_cold_s", "compile_1000_warm_s"}   # "<", not "<="

# -- measuring a process ---------------------------------------------------------------------

def measure(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> dict:
    """Run `cmd` to its end: wall seconds, CPU seconds and peak RSS in MB (the largest of the
    process and of the children it waited for)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{stderr.decode(errors='replace')}")
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": rss,
            "stderr": stderr.decode(errors="replace").strip()}


def best_of(repeat: int, cmd: list[str], env: dict | None = None, before=None) -> dict:
    """The fastest of `repeat` runs (its memory is the largest seen)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(cmd, env))
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "all_seconds": [round(r["seconds"], 3) for r in runs]}


def interleaved(repeat: int, cmds: dict[str, list[str]], env: dict | None = None) -> dict[str, dict]:
    """best_of for several commands, run in turn (a, b, c, a, b, c, ...), so that load from
    other work falls on all of them alike."""
    runs: dict[str, list[dict]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            runs[name].append(measure(cmd, env))
    out = {}
    for name, tries in runs.items():
        best = min(tries, key=lambda r: r["seconds"])
        out[name] = {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in tries),
                     "all_seconds": [round(r["seconds"], 3) for r in tries]}
    return out


def count_lines(path: Path) -> int:
    with open(path, encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())


# -- what is compared ------------------------------------------------------------------------

def spacy_status() -> str | None:
    """None when spaCy and its lookup tables can run the comparison, else why not."""
    try:
        out = subprocess.run([sys.executable, "-c", "import spacy_match; spacy_match.make_nlp()"],
                             cwd=HERE, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "spaCy did not start within 5 minutes"
    if out.returncode == 0:
        return None
    last = (out.stderr.strip().splitlines() or ["?"])[-1]
    return f"spaCy is not usable here ({last}); pip install spacy spacy-lookups-data"


def prepare(folder: Path, corpus: Path, tokens: int, sizes: tuple[int, ...], news_repeat: int) -> dict:
    texts = rulegen.read_texts(corpus)
    per_pass = rulegen.count_tokens(texts)
    big = rulegen.repeat_to(texts, tokens, per_pass)
    rulegen.write_corpus(big, folder / "corpus.jsonl")
    rulegen.write_corpus(big * 10, folder / "corpus10.jsonl")
    rulegen.write_corpus(texts * news_repeat, folder / "news.jsonl")
    lemmas = rulegen.frequent_lemmas(texts, max(sizes))
    (folder / "lemmas.json").write_text(json.dumps(lemmas), encoding="utf-8")
    for n in sizes:
        (folder / f"rules_{n}.yml").write_text(rulegen.evx_rules(lemmas[:n]), encoding="utf-8")
    return {"documents": len(big), "tokens": per_pass * (len(big) // len(texts)),
            "source": str(corpus), "source_tokens": per_pass, "news_repeat": news_repeat,
            "news_tokens": per_pass * news_repeat}


def evx_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "evx.tools.cli", *args]


def evx_bytecode() -> bool:
    """Whether evx's modules are imported from bytecode, as an installed package's are; run
    from source where bytecode is not written (PYTHONDONTWRITEBYTECODE), each process
    compiles them again, some 0.05 s."""
    code = ("import importlib.util, os, evx; "
            "print(os.path.exists(importlib.util.cache_from_source(evx.__file__)))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "True"


def compile_script(rules: Path) -> list[str]:
    code = ("import time; t = time.perf_counter(); import evx; i = time.perf_counter(); c = time.process_time(); "
            f"evx.load_rules({str(rules)!r}); e = time.perf_counter(); "
            "print(f'{e - i:.6f} {i - t:.6f} {time.process_time() - c:.6f}')")
    return [sys.executable, "-c", code]


def timed_compile(rules: Path, env: dict, repeat: int, before=None) -> dict:
    """load_rules in a fresh process: the best of `repeat` by wall time, and the least CPU
    time (import time reported apart)."""
    best = None
    for _ in range(repeat):
        if before is not None:
            before()
        out = subprocess.run(compile_script(rules), env=env, capture_output=True, text=True, check=True)
        seconds, import_seconds, cpu_seconds = map(float, out.stdout.split())
        if best is None or seconds < best["seconds"]:
            best = {**(best or {}), "seconds": seconds, "import_seconds": import_seconds}
        best["cpu_seconds"] = min(cpu_seconds, best.get("cpu_seconds", cpu_seconds))
    return best


def time_pathological(texts: list[str], lengths=(1000, 4000), repeat: int = 7) -> dict:
    """Matching time (one rule over a pre-annotated single sentence), the worst of the
    marker's two places, per pattern and length."""
    import gc

    from pathological import PATTERNS, PLACES, pattern_rules, sentence_doc
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for pattern, filler, marker in PATTERNS:
            rules = pattern_rules(pattern, Path(folder))
            row = {}
            for n in lengths:
                worst = 0.0
                for place in PLACES:
                    doc = sentence_doc(n, filler, marker, texts, marker_first=place == "first")
                    best = float("inf")
                    for _ in range(repeat):
                        gc.collect()
                        began = time.perf_counter()
                        rules.matches(doc)
                        best = min(best, time.perf_counter() - began)
                    worst = max(worst, best)
                row[n] = worst
            out[pattern] = row
    return out


def run_all(args) -> dict:
    sizes = tuple(sorted(set(args.sizes)))
    folder = Path(tempfile.mkdtemp(prefix="evx-compare-", dir=args.tmp))
    warm_cache = folder / "cache-warm"
    env = {**os.environ, "EVX_CACHE_DIR": str(warm_cache)}
    env.pop("EVX_CACHE", None)
    report: dict = {"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(),
                                "python": sys.version.split()[0], "evx_bytecode": evx_bytecode()},
                    "repeat": args.repeat, "runs": {}, "targets": {}, "notes": []}
    try:
        log(f"preparing the corpus and rules in {folder} ...")
        # in a process of its own: Linux keeps a process's peak memory across exec, so every
        # run started from this process would report at least this process's peak, and
        # preparing loads evx's lemma table here
        corpus = json.loads(subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--prepare-into", str(folder), "--corpus", args.corpus,
             "--tokens", str(args.tokens), "--news-repeat", str(args.news_repeat), "--sizes", *map(str, sizes)],
            check=True, capture_output=True, text=True).stdout)
        report["corpus"] = corpus
        tokens = corpus["tokens"]
        runs = report["runs"]

        def record(name: str, result: dict, n_tokens: int | None = tokens, output: Path | None = None) -> None:
            result = dict(result)
            if n_tokens:
                result["tokens_per_s"] = n_tokens / result["seconds"]
            if output is not None and output.exists():
                result["records"] = count_lines(output)
            runs[name] = result
            speed = f"{result['tokens_per_s']:10,.0f} tokens/s  " if "tokens_per_s" in result else ""
            log(f"  {name:<16} {result['seconds']:8.2f} s  {speed}{result['peak_rss_mb']:7.1f} MB")

        # warm the compile cache for every rule file, the lemma table and, with the bundled
        # rules on a sentence they parse, the parser's tables (what a user's second run sees)
        for n in sizes:
            subprocess.run(evx_cmd("check", str(folder / f"rules_{n}.yml")), env=env, check=True,
                           stdout=subprocess.DEVNULL)
        subprocess.run(evx_cmd("match", "-r", str(folder / f"rules_{sizes[0]}.yml")), input=b"Warm up.",
                       env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(evx_cmd("match"), input=b"Gunmen attacked a police post in the town on Monday.",
                       env=env, check=True, stdout=subprocess.DEVNULL)

        log("evx match ...")
        cmds = {f"evx_{n}": evx_cmd("match", "-r", str(folder / f"rules_{n}.yml"), str(folder / "corpus.jsonl"),
                                    "-o", str(folder / f"evx_{n}.jsonl")) for n in sizes}
        for name, result in interleaved(args.repeat, cmds, env).items():
            record(name, result, output=folder / f"{name}.jsonl")

        why_not = None if args.no_spacy else spacy_status()
        if args.no_spacy:
            why_not = "--no-spacy"
        report["spacy"] = why_not or "used"
        if why_not is None:
            log("spaCy Matcher ...")
            cmds = {f"spacy_{n}": [sys.executable, str(HERE / "spacy_match.py"), str(n), str(folder / "corpus.jsonl"),
                                   "--lemmas", str(folder / "lemmas.json"), "-o", str(folder / f"spacy_{n}.jsonl")]
                    for n in sizes}
            for name, result in interleaved(args.repeat, cmds, env).items():
                record(name, result, output=folder / f"{name}.jsonl")
        else:
            report["notes"].append(f"spaCy left out: {why_not}")

        log("evx match --jobs ...")
        rules_j = str(folder / f"rules_{args.jobs_rules}.yml")
        if args.jobs_rules not in sizes:
            raise SystemExit(f"--jobs-rules {args.jobs_rules} is not among --sizes")
        (folder / "one.txt").write_text("The minister visited Paris on Monday.", encoding="utf-8")
        cmds = {f"jobs_{j}": evx_cmd("match", "--jobs", str(j), "-r", rules_j, str(folder / "corpus.jsonl"),
                                     "-o", str(folder / f"jobs_{j}.jsonl")) for j in (1, 2)}
        cmds["start"] = evx_cmd("match", "-r", rules_j, str(folder / "one.txt"), "-o", str(folder / "one.jsonl"))
        for name, result in interleaved(args.repeat, cmds, env).items():
            record(name, result, n_tokens=None if name == "start" else tokens, output=folder / f"{name}.jsonl")

        log(f"the bundled news rules (--jobs 1 and 2) and the 10-rule family, on the corpus repeated "
            f"{args.news_repeat} times ...")
        news = str(folder / "news.jsonl")
        cmds = {f"news_jobs_{j}": evx_cmd("match", "--jobs", str(j), news, "-o", str(folder / f"news_jobs_{j}.jsonl"))
                for j in (1, 2)}
        cmds["family_news"] = evx_cmd("match", "-r", str(folder / f"rules_{sizes[0]}.yml"), news,
                                      "-o", str(folder / "family_news.jsonl"))
        for name, result in interleaved(args.repeat, cmds, env).items():
            record(name, result, n_tokens=corpus["news_tokens"], output=folder / f"{name}.jsonl")

        log("evx match on the 10x corpus ...")
        out = folder / "evx_10x.jsonl"
        record("evx_10x_corpus", best_of(args.memory_repeat, evx_cmd(
            "match", "-r", str(folder / f"rules_{sizes[0]}.yml"), str(folder / "corpus10.jsonl"), "-o", str(out)), env),
            n_tokens=tokens * 10, output=out)
        if (os.cpu_count() or 1) >= 2:
            cmds = {f"jobs_{j}_10x": evx_cmd("match", "--jobs", str(j), "-r", rules_j, str(folder / "corpus10.jsonl"),
                                             "-o", str(folder / f"jobs_{j}_10x.jsonl")) for j in (1, 2)}
            for name, result in interleaved(args.memory_repeat, cmds, env).items():
                record(name, result, n_tokens=tokens * 10, output=folder / f"{name}.jsonl")
            log("two processes at once on this machine ...")
            report["two_process_ceiling"] = two_process_ceiling()
        (folder / "corpus10.jsonl").unlink()

        log("compiling 1,000 rules ...")
        big_rules = folder / f"rules_{max(sizes)}.yml"
        cold_dir = folder / "cache-cold"
        cold_env = {**env, "EVX_CACHE_DIR": str(cold_dir)}

        def empty_cold() -> None:
            shutil.rmtree(cold_dir, ignore_errors=True)
        runs["compile_cold"] = timed_compile(big_rules, cold_env, args.repeat, empty_cold)
        runs["compile_warm"] = timed_compile(big_rules, env, args.repeat)
        record("check_cold", best_of(args.repeat, evx_cmd("check", str(big_rules)), cold_env, empty_cold), None)
        record("check_warm", best_of(args.repeat, evx_cmd("check", str(big_rules)), env), None)

        if not args.no_pathological:
            log("pathological patterns ...")
            patho = time_pathological(rulegen.read_texts(args.corpus))
            report["pathological"] = {p: {str(k): v for k, v in row.items()} for p, row in patho.items()}
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    report["targets"] = targets(report)
    return report


SPIN = "import time; t = time.process_time()\nfor i in range(30_000_000): pass\nprint(time.process_time() - t)"


def two_process_ceiling(repeat: int = 3) -> float:
    """What two CPU-bound Python processes gain from running at once rather than one after the
    other, on this machine: the most any `--jobs 2` can gain here. On a machine whose two CPUs
    share a core or are shared with other work, it is well below 2."""
    best = 0.0
    for _ in range(repeat):
        began = time.perf_counter()
        for _ in range(2):
            subprocess.run([sys.executable, "-c", SPIN], check=True, stdout=subprocess.DEVNULL)
        one_by_one = time.perf_counter() - began
        began = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.DEVNULL) for _ in range(2)]
        for proc in procs:
            proc.wait()
        best = max(best, one_by_one / (time.perf_counter() - began))
    return best


def targets(report: dict) -> dict:
    runs = report["runs"]
    got: dict[str, float | None] = {key: None for key in TARGETS}

    def ratio(a: str, b: str) -> float | None:
        return runs[a]["seconds"] / runs[b]["seconds"] if a in runs and b in runs else None
    sizes = sorted(int(k.split("_")[1]) for k in runs if k.startswith("evx_") and k.split("_")[1].isdigit())
    if sizes:
        lo, hi = sizes[0], sizes[-1]
        if lo == 10:
            got["speed_vs_spacy_10"] = ratio("spacy_10", "evx_10")
        if hi == 1000:
            got["speed_vs_spacy_1000"] = ratio("spacy_1000", "evx_1000")
        if (lo, hi) == (10, 1000):
            got["evx_1000_over_10"] = ratio("evx_1000", "evx_10")
        if lo == 10:
            got["news_over_family"] = ratio("news_jobs_1", "family_news")
    if (os.cpu_count() or 1) >= 2:
        got["jobs2_speedup"] = ratio("jobs_1", "jobs_2")
        got["jobs2_speedup_news"] = ratio("news_jobs_1", "news_jobs_2")
        if "start" in runs and "jobs_1" in runs:
            # whatever runs before the first document, every worker needs whole (Amdahl's law)
            start, one_job = runs["start"]["seconds"], runs["jobs_1"]["seconds"]
            bound = one_job / (start + (one_job - start) / 2)
            report["notes"].append(f"evx match on one sentence takes {start:.2f} s (Python, imports, the "
                                   f"lemmatizer, the rules); with it --jobs 2 can be at most {bound:.2f}x "
                                   "faster on this corpus")
        if "news_jobs_1" in runs and "family_news" in runs:
            report["notes"].append(
                f"on the corpus repeated {report['corpus']['news_repeat']} times, one job: the bundled news "
                f"rules {runs['news_jobs_1']['tokens_per_s']:,.0f} tokens/s, the 10-rule family "
                f"{runs['family_news']['tokens_per_s']:,.0f} tokens/s")
        if "jobs_1_10x" in runs:
            report["notes"].append(f"--jobs 2 speed-up on the 10x corpus: {ratio('jobs_1_10x', 'jobs_2_10x'):.2f}")
        if report.get("two_process_ceiling"):
            report["notes"].append("two CPU-bound Python processes run at once finish "
                                   f"{report['two_process_ceiling']:.2f}x sooner than one after the other "
                                   "on this machine (the ceiling for any --jobs 2)")
    else:
        report["notes"].append("one CPU: the --jobs 2 target cannot be measured")
    if not report["machine"].get("evx_bytecode", True):
        report["notes"].append("evx runs from source without bytecode here: every process compiles it "
                               "again, which an installed package does not")
    if "evx_10x_corpus" in runs and sizes:
        got["memory_10x_corpus"] = runs["evx_10x_corpus"]["peak_rss_mb"] / runs[f"evx_{sizes[0]}"]["peak_rss_mb"]
    if "compile_cold" in runs and sizes and sizes[-1] == 1000:
        got["compile_1000_cold_s"] = runs["compile_cold"]["seconds"]
        got["compile_1000_warm_s"] = runs["compile_warm"]["seconds"]
    if report.get("pathological"):
        got["pathological_linear"] = max((row["4000"] / 4000) / (row["1000"] / 1000)
                                         for row in report["pathological"].values())
    cpu: dict[str, float | None] = {}

    def cpu_ratio(a: str, b: str) -> float | None:
        return runs[a]["cpu_seconds"] / runs[b]["cpu_seconds"] if a in runs and b in runs else None
    if got["speed_vs_spacy_10"] is not None:
        cpu["speed_vs_spacy_10"] = cpu_ratio("spacy_10", "evx_10")
    if got["speed_vs_spacy_1000"] is not None:
        cpu["speed_vs_spacy_1000"] = cpu_ratio("spacy_1000", "evx_1000")
    if got["evx_1000_over_10"] is not None:
        cpu["evx_1000_over_10"] = cpu_ratio("evx_1000", "evx_10")
    if got["compile_1000_cold_s"] is not None:
        cpu["compile_1000_cold_s"] = runs["compile_cold"]["cpu_seconds"]
        cpu["compile_1000_warm_s"] = runs["compile_warm"]["cpu_seconds"]
    if got["news_over_family"] is not None:
        cpu["news_over_family"] = cpu_ratio("news_jobs_1", "family_news")
    out = {}
    for key, (what, limit, higher) in TARGETS.items():
        value = got[key]
        wanted = (">= " if higher else "< " if key in STRICT else "<= ") + f"{limit:g}"
        if value is None:
            verdict = "n/a"
        elif higher:
            verdict = "PASS" if value >= limit else "FAIL"
        else:
            verdict = "PASS" if (value < limit if key in STRICT else value <= limit) else "FAIL"
        out[key] = {"what": what, "value": value, "target": wanted, "verdict": verdict,
                    "value_by_cpu_time": cpu.get(key)}
    return out


# -- output ----------------------------------------------------------------------------------

def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def render(report: dict) -> str:
    c = report["corpus"]
    lines = [f"corpus: {c['documents']:,} documents, {c['tokens']:,} tokens (evx's count; {c['source']} "
             f"repeated); best of {report['repeat']}; {report['machine']['cpus']} CPUs, load average "
             + ", ".join(f"{x:.2f}" for x in report["machine"]["load_average"]), "",
             f"{'run':<16} {'seconds':>8} {'cpu s':>8} {'tokens/s':>10} {'peak MB':>8} {'records':>8}  all runs (s)"]
    for name, r in report["runs"].items():
        if "peak_rss_mb" not in r:      # the in-process compile timings
            extra = f"   (import evx {r['import_seconds']:.3f} s, not included)"
            lines.append(f"{name:<16} {r['seconds']:8.3f} {r['cpu_seconds']:8.2f} {'':>10} {'':>8} {'':>8}{extra}")
            continue
        tps = f"{r['tokens_per_s']:10,.0f}" if "tokens_per_s" in r else f"{'':>10}"
        lines.append(f"{name:<16} {r['seconds']:8.3f} {r['cpu_seconds']:8.2f} {tps} {r['peak_rss_mb']:8.1f} "
                     f"{r.get('records', ''):>8}  {r.get('all_seconds', '')}")
    if report.get("pathological"):
        lines += ["", "pathological patterns, matching one sentence (ms): 1,000 / 4,000 tokens"]
        for pattern, row in report["pathological"].items():
            lines.append(f"  {pattern:<22} {row['1000'] * 1e3:8.2f} {row['4000'] * 1e3:8.2f}")
    lines += ["", f"{'target':<70} {'value':>8} {'wanted':>8}  verdict  (by CPU time)"]
    for t in report["targets"].values():
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        by_cpu = f"  ({t['value_by_cpu_time']:.2f})" if t.get("value_by_cpu_time") is not None else ""
        lines.append(f"{t['what']:<70} {value:>8} {t['target']:>8}  {t['verdict']:<7}{by_cpu}")
    lines += [f"note: {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="JSON Lines with id and text")
    parser.add_argument("--tokens", type=int, default=300_000, help="repeat the corpus to about this many tokens")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="rule counts (default 10 100 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    parser.add_argument("--memory-repeat", type=int, default=1, help="runs on the 10x corpus")
    parser.add_argument("--jobs-rules", type=int, default=100, help="rule count for --jobs 1 against --jobs 2")
    parser.add_argument("--news-repeat", type=int, default=3,
                        help="passes over --corpus for the bundled news rules (default 3)")
    parser.add_argument("--no-spacy", action="store_true", help="evx figures only")
    parser.add_argument("--no-pathological", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--tmp", help="where to make the temporary folder")
    parser.add_argument("--prepare-into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not Path(args.corpus).exists():
        parser.error(f"no corpus at {args.corpus} (give one with --corpus)")
    if args.prepare_into:
        print(json.dumps(prepare(Path(args.prepare_into), Path(args.corpus), args.tokens, tuple(args.sizes),
                                 args.news_repeat)))
        return 0
    report = run_all(args)
    print(json.dumps(report, indent=2) if args.json else render(report), end="" if not args.json else "\n")
    failed = any(t["verdict"] == "FAIL" for t in report["targets"].values())
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
