"""Measure a linear-chain CRF (python-crfsuite) on the tagger's own features, for comparison.

    pip install python-crfsuite
    OMP_NUM_THREADS=1 python scripts/compare_crfsuite.py --treebank ../shared/treebanks/UD_English-EWT \\
        [--iterations 100] [--c1 0.05] [--c2 0.01]

Each word gets exactly the features the perceptron tagger uses (its own and its neighbours'
word features and the word-pair features; no tag features: the CRF's transitions take their
place), the label is the (UPOS, XPOS) pair, and the model is trained with L-BFGS on EWT train.
Prints dev accuracy, training time, the size of the model file and tagging speed on EWT test
(features included). Not a dependency of evx: only this script imports pycrfsuite.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from evx.syntax.tagger import AFTER, BEFORE, PLACES, lowered, pair_features, type_features
from evx.syntax.treebank import read_treebank


def sentence_features(forms: list[str], cache: dict) -> list[list[str]]:
    padded = [BEFORE, BEFORE, *forms, AFTER, AFTER]
    for w in padded:
        if w not in cache:
            cache[w] = type_features(w)
    pairs = pair_features([lowered(w) for w in padded])
    out = []
    for i in range(len(forms)):
        feats = [f for p, place in enumerate(PLACES) for f in cache[padded[i + 2 + place]][p]]
        out.append(feats + pairs[2 * i:2 * i + 2])
    return out


def main(argv: list[str] | None = None) -> int:
    import pycrfsuite

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treebank", type=Path, required=True)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    train = read_treebank(args.treebank / "en_ewt-ud-train.conllu")
    dev = read_treebank(args.treebank / "en_ewt-ud-dev.conllu")
    test = read_treebank(args.treebank / "en_ewt-ud-test.conllu")
    cache: dict = {}
    trainer = pycrfsuite.Trainer(verbose=False)
    for s in train:
        trainer.append(sentence_features(s.forms, cache), [f"{w.upos}\t{w.xpos}" for w in s.words])
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "crf.model")
        start = time.perf_counter()
        trainer.train(model)
        train_s = time.perf_counter() - start
        size = os.path.getsize(model)
        tagger = pycrfsuite.Tagger()
        tagger.open(model)
        hits_u = hits_x = n = 0
        for s in dev:
            for w, label in zip(s.words, tagger.tag(sentence_features(s.forms, {}))):
                u, x = label.split("\t")
                hits_u += u == w.upos
                hits_x += x == w.xpos
                n += 1
        times = []
        words = [s.forms for s in test]
        n_test = sum(map(len, words))
        for _ in range(args.repeats):
            start = time.perf_counter()
            fresh: dict = {}
            for forms in words:
                tagger.tag(sentence_features(forms, fresh))
            times.append(time.perf_counter() - start)
    print(f"crfsuite: {args.iterations} L-BFGS iterations, c1 {args.c1} c2 {args.c2}: trained in {train_s:.0f} s,"
          f" model {size / 1e6:.1f} MB")
    print(f"EWT dev UPOS {hits_u / n * 100:.2f} XPOS {hits_x / n * 100:.2f}")
    print(f"tagging EWT test with features: best {n_test / min(times):,.0f}"
          f" median {n_test / statistics.median(times):,.0f} tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
