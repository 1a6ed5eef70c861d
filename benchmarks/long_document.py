"""Peak memory of `evx match` on one very long document that has no sentence break.

    python benchmarks/long_document.py [--corpus FILE] [--tokens 500000] [--repeat 3] [--json]

The document is the corpus's text run together with its sentence ends and line breaks taken
out, repeated to about --tokens tokens. Each of the bundled news rules and the 10-rule
benchmark family is run on it, on an empty document and on a one-sentence one, whole
processes, and their peak RSS (`os.wait4`, the process and its children) compared: the
target is under 200 MB more than the small run. The small run is the one-sentence one: an
empty document loads no tagger or parser, which the news rules load for any sentence (some
210 MB, the same for any length); the figure against the empty run is shown too. So is
the time, for the cost per token.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare import DEFAULT_CORPUS, evx_cmd, log, measure  # noqa: E402

LIMIT_MB = 200.0
# what can end a sentence: terminal punctuation, and line breaks (blank lines always do)
_BREAKS = re.compile(r"[.!?…\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def no_break_text(texts: list[str], tokens: int) -> str:
    """The texts run together without anything that ends a sentence, repeated to about
    `tokens` of evx's tokens (a word with punctuation glued to it is several)."""
    import evx
    words = " ".join(_BREAKS.sub(" ", text) for text in texts).split()
    per_word = evx.annotate(" ".join(words)).token_count / len(words)
    wanted = round(tokens / per_word)
    times = max(1, -(-wanted // len(words)))
    return " ".join((words * times)[:wanted])


def prepare(folder: Path, corpus: Path, tokens: int) -> dict:
    import rulegen
    texts = rulegen.read_texts(corpus)
    text = no_break_text(texts, tokens)
    (folder / "long.jsonl").write_text(json.dumps({"id": "long", "text": text}) + "\n", encoding="utf-8")
    (folder / "empty.jsonl").write_text(json.dumps({"id": "empty", "text": ""}) + "\n", encoding="utf-8")
    (folder / "one.jsonl").write_text(json.dumps({"id": "one", "text": "The minister visited Paris on Monday."})
                                      + "\n", encoding="utf-8")
    (folder / "rules_10.yml").write_text(rulegen.evx_rules(rulegen.frequent_lemmas(texts, 10)), encoding="utf-8")
    import evx
    doc = evx.annotate(text)
    return {"tokens": doc.token_count, "sentences": len(doc.sentences), "characters": len(text)}


def run_all(args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="evx-long-", dir=args.tmp))
    # prepared in a child process: Linux keeps a process's peak memory across exec
    doc = json.loads(subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--prepare-into", str(folder), "--corpus", args.corpus,
         "--tokens", str(args.tokens)], check=True, capture_output=True, text=True).stdout)
    log(f"one document of {doc['tokens']:,} tokens, {doc['characters']:,} characters "
        f"({doc['sentences']:,} pieces after the sentence cap)")
    rule_sets = {"news": [], "family_10": ["-r", str(folder / "rules_10.yml")]}
    report: dict = {"document": doc, "repeat": args.repeat, "limit_mb": LIMIT_MB, "rules": {}}
    for name, rules in rule_sets.items():
        subprocess.run(evx_cmd("match", *rules, str(folder / "empty.jsonl"), "-o", str(folder / "warm.jsonl")),
                       check=True, stdout=subprocess.DEVNULL)      # fills the compile cache
        runs: dict[str, list[dict]] = {"empty": [], "one": [], "long": []}
        for _ in range(args.repeat):
            for which in runs:
                runs[which].append(measure(evx_cmd("match", *rules, str(folder / f"{which}.jsonl"),
                                                   "-o", str(folder / f"{which}-out.jsonl"))))
        empty = max(r["peak_rss_mb"] for r in runs["empty"])
        one = max(r["peak_rss_mb"] for r in runs["one"])
        long = [r["peak_rss_mb"] for r in runs["long"]]
        extra = [mb - one for mb in long]
        seconds = min(r["seconds"] for r in runs["long"])
        records = sum(1 for line in open(folder / "long-out.jsonl", encoding="utf-8") if line.strip())
        report["rules"][name] = {"empty_mb": empty, "one_sentence_mb": one, "long_mb": long, "extra_mb": extra, "seconds": seconds,
                                 "tokens_per_s": doc["tokens"] / seconds, "records": records,
                                 "bytes_per_token": max(extra) * 2**20 / doc["tokens"],
                                 "verdict": "PASS" if max(extra) < LIMIT_MB else "FAIL"}
        log(f"  {name:<10} empty {empty:6.1f} MB, one sentence {one:6.1f} MB, long {min(long):6.1f}-{max(long):6.1f} MB, "
            f"{seconds:6.2f} s")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return report


def render(report: dict) -> str:
    d = report["document"]
    lines = [f"one document, {d['tokens']:,} tokens with no sentence break; best time and memory range of "
             f"{report['repeat']} runs", "",
             f"{'rules':<10} {'empty MB':>9} {'1 sent. MB':>10} {'long MB':>15} {'more MB':>15} {'B/token':>8} "
             f"{'seconds':>8} {'tokens/s':>9} {'records':>8}  < {report['limit_mb']:g} MB more than one sentence"]
    for name, r in report["rules"].items():
        lines.append(f"{name:<10} {r['empty_mb']:9.1f} {r['one_sentence_mb']:10.1f} {min(r['long_mb']):7.1f}-{max(r['long_mb']):<7.1f} "
                     f"{min(r['extra_mb']):7.1f}-{max(r['extra_mb']):<7.1f} {r['bytes_per_token']:8.0f} "
                     f"{r['seconds']:8.2f} {r['tokens_per_s']:9,.0f} {r['records']:8}  {r['verdict']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="JSON Lines with id and text")
    parser.add_argument("--tokens", type=int, default=500_000, help="length of the document")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target fails")
    parser.add_argument("--tmp", help="where to make the temporary folder")
    parser.add_argument("--prepare-into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not Path(args.corpus).exists():
        parser.error(f"no corpus at {args.corpus} (give one with --corpus)")
    if args.prepare_into:
        print(json.dumps(prepare(Path(args.prepare_into), Path(args.corpus), args.tokens)))
        return 0
    report = run_all(args)
    print(json.dumps(report, indent=2) if args.json else render(report), end="" if not args.json else "\n")
    failed = any(r["verdict"] == "FAIL" for r in report["rules"].values())
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
