"""Train evx's embedded annotator from scratch: the tagger, then the parser on the tagger's tags.

    python scripts/train_annotator.py [--treebanks ../shared/treebanks] [--work DIR]

Runs, in order, the two training scripts with the settings of the shipped models:
1. `scripts/train_tagger.py` trains the tagger on UD English EWT train (epochs picked on dev)
   and writes `engine/syntax/data/tagger.npz`;
2. `scripts/train_tagger.py --jackknife` tags EWT train by jackknifing (five folds of
   consecutive sentences, each by a tagger trained on the other four) and dev, test and PUD by the new tagger, into `--work`;
3. `scripts/train_parser.py` trains the parser on those predicted tags and writes
   `engine/syntax/data/parser.npz`;
4. both scripts' `--evaluate` print accuracy on EWT dev and test and on PUD, and speed.
The same treebanks and seeds give the same model files. Nothing here runs in CI: the trained
models ship in the package.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "engine" / "syntax" / "data"


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--treebanks", default=str(ROOT.parent / "shared" / "treebanks"),
                    help="folder holding UD_English-EWT and UD_English-PUD")
    ap.add_argument("--work", help="folder for the predicted tags (default: a temporary one)")
    ap.add_argument("--out", default=str(DATA), help="folder to write tagger.npz and parser.npz to")
    ap.add_argument("--headlines", type=float, default=0.0, metavar="SHARE",
                    help="train also on SHARE of the training sentences in headline form (scripts/headline_treebank.py)")
    args = ap.parse_args()
    treebanks = Path(args.treebanks)
    ewt, pud = treebanks / "UD_English-EWT", treebanks / "UD_English-PUD"
    for folder in (ewt, pud):
        if not folder.is_dir():
            sys.exit(f"train_annotator: no treebank at {folder}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work) if args.work else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        if args.headlines:
            run("scripts/headline_treebank.py", "--treebanks", str(treebanks), "--out", str(work / "treebanks"),
                "--share", str(args.headlines))
            treebanks = work / "treebanks"
            ewt, pud = treebanks / "UD_English-EWT", treebanks / "UD_English-PUD"
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        tagger, parser = str(out / "tagger.npz"), str(out / "parser.npz")
        run("scripts/train_tagger.py", "--treebank", str(ewt), "--out", tagger)
        run("scripts/train_tagger.py", "--jackknife", str(work), "--treebank", str(ewt), "--model", tagger,
            "--pud", str(pud), "--folds", "5", "--mix", "2", "--epochs", "10")
        run("scripts/train_parser.py", "--treebank", str(treebanks), "--tags", str(work), "--out", parser)
        run("scripts/train_tagger.py", "--evaluate", "--treebank", str(ewt), "--model", tagger, "--pud", str(pud))
        run("scripts/train_parser.py", "--evaluate", "--treebank", str(treebanks), "--tags", str(work),
            "--model", parser)


if __name__ == "__main__":
    main()
