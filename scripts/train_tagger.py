"""Train evx's part-of-speech tagger on UD English EWT, or evaluate a trained one.

    python scripts/train_tagger.py --treebank ../shared/treebanks/UD_English-EWT \
        [--out engine/syntax/data/tagger.npz] [--epochs 12] [--mix 3] [--seed 1]
    OMP_NUM_THREADS=1 python scripts/train_tagger.py --evaluate --treebank DIR [--model PATH] [--pud DIR]
    python scripts/train_tagger.py --jackknife OUT_DIR --treebank DIR [--folds 5] [--mix 2] [--epochs 10]

Training reads `en_ewt-ud-train.conllu` and runs `--mix` averaged perceptrons, each over the
sentences in its own order (drawn from `--seed`), for up to `--epochs` passes; after each
epoch the summed averaged weights tag `en_ewt-ud-dev.conllu`, and the epoch with the best
UPOS + XPOS accuracy is kept. The weights are quantised to int8 (and optionally pruned,
`--prune`) and written with the settings, the training time and the dev accuracy in the
header. The same arguments give the same model file. The defaults make the shipped model
(about 6 minutes on one core).

`--evaluate` prints UPOS and XPOS accuracy (all words, and words not in the training data)
on EWT dev and test and on PUD (all, and its news sentences: ids starting with `n`), then
throughput in tokens per second tagging the words of EWT test with the model loaded
beforehand, best and median of `--repeats` runs, wall and CPU time: once for a tagger that
sees each word for the first time, once for one that has seen them; then the load time.

`--jackknife OUT_DIR` writes predicted tags for a parser to train on: the train set tagged
in `--folds` folds of consecutive sentences, each by a model trained on the other folds (last
epoch, no dev), and dev, test and PUD tagged by `--model`: CoNLL-U files like the originals
with only UPOS and XPOS replaced (train-jk, dev, test, pud .conllu), each written under a
temporary name and renamed, then READY with the model's dev accuracy.

Other settings were measured on dev and are kept for comparison: `--labels upos|xpos`
(one tag set per model instead of pairs), `--one-pass` (no right-hand tags), `--dropout`
(hide rare words' identity during training), `--min-count`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import evx
from evx.syntax.modelfile import encode_strings, save_model
from evx.syntax.tagger import AFTER, BEFORE, DEFAULT_MODEL, PLACES, Tagger, history_offsets, lowered, n_rows, pair_features, type_features
from evx.syntax.treebank import read_treebank

TREEBANK = "UD_English-EWT"
HEADLINE_DEV = "en_ewt-ud-dev-headlines.conllu"
TREEBANK_COMMIT = "15d613d8"
LICENSE = "CC BY-SA 4.0"


@dataclass(frozen=True)
class Settings:
    epochs: int = 12
    seed: int = 1
    min_count: int = 1          # word features seen fewer times in training are left out
    second_pass: bool = True
    prune: float = 0.0          # drop averaged weights smaller than this (in updates) ...
    levels: int = 127           # ... and quantise the rest to this many steps either side of 0
    dropout: float = 0.0        # a word's identity is hidden from an update with chance a/(a+count)
    mix: int = 3                # models trained on differently shuffled data, their weights summed
    labels: str = "joint"       # joint (UPOS, XPOS) pairs; upos or xpos: one of them only (to compare)


@dataclass
class Data:
    forms: list[list[str]]
    upos: list[list[str]]
    xpos: list[list[str]]


def read(path: Path) -> Data:
    sentences = read_treebank(path)
    return Data([s.forms for s in sentences], [[w.upos for w in s.words] for s in sentences],
                [[w.xpos for w in s.words] for s in sentences])


def subset(data: Data, keep: list[int]) -> Data:
    return Data([data.forms[i] for i in keep], [data.upos[i] for i in keep], [data.xpos[i] for i in keep])


# -- features -----------------------------------------------------------------------------

class Encoder:
    """Feature ids of training words: per word type and place, as the tagger computes them."""

    def __init__(self, data: Data, min_count: int, labels: str = "joint"):
        counts: Counter[str] = Counter()
        cache: dict[str, tuple[list[str], ...]] = {}
        for forms in data.forms:
            padded = [BEFORE, BEFORE, *forms, AFTER, AFTER]
            for i in range(2, len(padded) - 2):
                for p, place in enumerate(PLACES):
                    word = padded[i + place]
                    if word not in cache:
                        cache[word] = type_features(word)
                    counts.update(cache[word][p])
            counts.update(pair_features([lowered(w) for w in padded]))
        self.features = sorted(f for f, c in counts.items() if c >= min_count and "\n" not in f)
        self.index = {f: i + 1 for i, f in enumerate(self.features)}
        self.mode = labels
        pairs = Counter(self.label(u, x) for us, xs in zip(data.upos, data.xpos) for u, x in zip(us, xs))
        self.labels = sorted(pairs, key=lambda p: (-pairs[p], p))
        self.label_index = {p: i for i, p in enumerate(self.labels)}
        self.types: dict[str, int] = {}
        self.type_rows: list[list[list[int]]] = []
        self.width = [0] * len(PLACES)

    def label(self, u: str, x: str) -> tuple[str, str]:
        return (u if self.mode != "xpos" else "", x if self.mode != "upos" else "")

    def type_id(self, word: str) -> int:
        t = self.types.get(word)
        if t is None:
            t = self.types[word] = len(self.type_rows)
            rows = [[self.index[f] for f in feats if f in self.index] for feats in type_features(word)]
            self.type_rows.append(rows)
            for p, r in enumerate(rows):
                self.width[p] = max(self.width[p], len(r))
        return t

    def encode(self, data: Data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(feature ids per word, gold labels per word (-1 if unseen), sentence offsets)."""
        padded_ids = [[self.type_id(w) for w in [BEFORE, BEFORE, *forms, AFTER, AFTER]] for forms in data.forms]
        table = np.zeros((len(self.type_rows), sum(self.width)), np.int32)
        starts = np.cumsum([0] + self.width)
        for t, rows in enumerate(self.type_rows):
            for p, r in enumerate(rows):
                table[t, starts[p]:starts[p] + len(r)] = r
        blocks = []
        for ids in padded_ids:
            ids = np.array(ids)
            n = len(ids) - 4
            parts = [table[ids[2 + place:2 + place + n], starts[p]:starts[p + 1]] for p, place in enumerate(PLACES)]
            blocks.append(np.concatenate(parts, axis=1) if n else np.zeros((0, table.shape[1]), np.int32))
        feats = np.concatenate(blocks)
        pairs = [self.index.get(f, 0) for forms in data.forms
                 for f in pair_features([lowered(w) for w in [BEFORE, BEFORE, *forms, AFTER, AFTER]])]
        feats = np.concatenate([feats, np.array(pairs, np.int32).reshape(len(feats), 2)], axis=1)
        gold = np.array([self.label_index.get(self.label(u, x), -1) for us, xs in zip(data.upos, data.xpos)
                         for u, x in zip(us, xs)], np.int64)
        offsets = np.cumsum([0] + [len(f) for f in data.forms])
        return feats, gold, offsets


# -- the averaged perceptron --------------------------------------------------------------

class Perceptron:
    """Weights of one pass, with the running sums that give their average (Daume's trick)."""

    def __init__(self, rows: int, labels: int):
        self.w = np.zeros((rows, labels), np.float32)
        self.u = np.zeros((rows, labels), np.float64)

    def update(self, rows: np.ndarray, gold: np.ndarray, pred: np.ndarray, c: int) -> None:
        """Add 1 for the gold label and take 1 from the predicted one, on `rows` (n, k) per word."""
        r = rows.ravel()
        g = np.repeat(gold, rows.shape[1])
        p = np.repeat(pred, rows.shape[1])
        np.add.at(self.w, (r, g), 1)
        np.add.at(self.w, (r, p), -1)
        np.add.at(self.u, (r, g), c)
        np.add.at(self.u, (r, p), -c)
        self.w[0] = 0
        self.u[0] = 0

    def averaged(self, c: int) -> np.ndarray:
        return (self.w - self.u / c).astype(np.float32)


def greedy(w: np.ndarray, static: np.ndarray, offsets: tuple[int, ...], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels of one sentence left to right, and the tag-feature rows each word used."""
    t1, t2, t12 = offsets[:3]
    outside = k - 1
    p1 = p2 = outside
    n = len(static)
    pred = np.empty(n, np.int64)
    hist = np.empty((n, 3), np.int64)
    for i in range(n):
        a, b, c = t1 + p1, t2 + p2, t12 + p1 * k + p2
        best = int((static[i] + w[a] + w[b] + w[c]).argmax())
        pred[i] = best
        hist[i] = (a, b, c)
        p2, p1 = p1, best
    return pred, hist


def right_rows(pred: np.ndarray, offsets: tuple[int, ...], k: int) -> np.ndarray:
    """The rows of the first pass's labels at +1 and +2 of each word, for the second pass."""
    outside = k - 1
    r1, r2 = offsets[3:5]
    nxt = np.append(pred[1:], outside)
    nxt2 = np.append(pred[2:], [outside, outside])[:len(pred)]
    return np.stack([r1 + nxt, r2 + nxt2], axis=1)


def tag_encoded(passes: list[np.ndarray], feats: np.ndarray, sent_offsets: np.ndarray,
                offsets: tuple[int, ...], k: int) -> np.ndarray:
    """Labels of encoded sentences under fixed weights (the training-time decoder)."""
    out = np.empty(len(feats), np.int64)
    for s in range(len(sent_offsets) - 1):
        lo, hi = sent_offsets[s], sent_offsets[s + 1]
        if lo == hi:
            continue
        f = feats[lo:hi]
        pred = None
        for w in passes:
            static = w[f].sum(axis=1)
            if pred is not None:
                static += w[right_rows(pred, offsets, k)].sum(axis=1)
            pred, _ = greedy(w, static, offsets, k)
        out[lo:hi] = pred
    return out


def train(data: Data, settings: Settings, dev: Data | None, log=print) -> tuple[Encoder, list[np.ndarray], dict]:
    """Averaged perceptron over `data`; the epoch best on `dev` (or the last one) is kept."""
    enc = Encoder(data, settings.min_count, settings.labels)
    known = {w for forms in data.forms for w in forms}
    feats, gold, sent_offsets = enc.encode(data)
    counts = Counter(w for forms in data.forms for w in forms)
    word_count = np.array([counts[w] for forms in data.forms for w in forms], np.float64)
    hide_chance = settings.dropout / (settings.dropout + word_count)
    if dev is not None:
        dev_feats, dev_gold, dev_offsets = enc.encode(dev)
    n_labels = len(enc.labels)
    k = n_labels + 1
    static_rows = len(enc.features) + 1
    offsets = history_offsets(static_rows, n_labels)
    rows = n_rows(static_rows, n_labels)
    members = []
    for m in range(settings.mix):
        members.append({"models": [Perceptron(rows, n_labels) for _ in range(1 + settings.second_pass)],
                        "rng": np.random.default_rng(settings.seed + m), "c": 1,
                        "order": np.arange(len(sent_offsets) - 1)})
    best = (-1.0, 0, None)
    history = []
    for epoch in range(1, settings.epochs + 1):
        start = time.perf_counter()
        errors = 0
        for member in members:
            models, rng, order = member["models"], member["rng"], member["order"]
            c = member["c"]
            rng.shuffle(order)
            for s in order:
                lo, hi = sent_offsets[s], sent_offsets[s + 1]
                if lo == hi:
                    continue
                f, g = feats[lo:hi], gold[lo:hi]
                if settings.dropout:
                    hide = rng.random(hi - lo) < hide_chance[lo:hi]
                    if hide.any():
                        f = f.copy()
                        f[hide, :2] = 0         # the word= and lower= features come first
                pred = None
                for m in models:
                    static = m.w[f].sum(axis=1)
                    extra = None
                    if pred is not None:
                        extra = right_rows(pred, offsets, k)
                        static += m.w[extra].sum(axis=1)
                    pred, hist = greedy(m.w, static, offsets, k)
                    wrong = np.flatnonzero(pred != g)
                    if len(wrong):
                        used = [f[wrong], hist[wrong]] + ([extra[wrong]] if extra is not None else [])
                        m.update(np.concatenate(used, axis=1), g[wrong], pred[wrong], c)
                errors += len(wrong)
                c += 1
            member["c"] = c
        passes = [sum(member["models"][p].averaged(member["c"]) for member in members)
                  for p in range(1 + settings.second_pass)]
        errors /= len(members)
        line = f"epoch {epoch}: train errors {errors / len(gold):.4f} ({time.perf_counter() - start:.1f}s)"
        if dev is not None:
            pred = tag_encoded(passes, dev_feats, dev_offsets, offsets, k)
            labels = np.array(enc.labels + [("", "")], dtype=object)
            pu = [u for u, _ in labels[pred]]
            px = [x for _, x in labels[pred]]
            gu = [u for us in dev.upos for u in us]
            gx = [x for xs in dev.xpos for x in xs]
            upos = float(np.mean([a == b for a, b in zip(pu, gu)]))
            xpos = float(np.mean([a == b for a, b in zip(px, gx)]))
            unk = np.array([w not in known for forms in dev.forms for w in forms])
            uu = np.mean([a == b for a, b, k in zip(pu, gu, unk) if k])
            ux = np.mean([a == b for a, b, k in zip(px, gx, unk) if k])
            line += f"; dev UPOS {upos:.4f} XPOS {xpos:.4f} (unknown words {uu:.4f} {ux:.4f})"
            history.append((epoch, upos, xpos))
            if upos + xpos > best[0]:
                best = (upos + xpos, epoch, passes, upos, xpos)
        log(line)
    if dev is None:
        best = (0.0, settings.epochs, passes, None, None)
    info = {"epoch": best[1], "dev_upos": best[3], "dev_xpos": best[4], "epochs_tried": history}
    return enc, best[2], info


def sparse(w: np.ndarray, prune: float, levels: int, scale: float) -> dict[str, np.ndarray]:
    """Weights as CSR rows of whole numbers: round(w / scale), entries below `prune` dropped."""
    q = np.rint(w / scale)
    q[np.abs(w) < prune] = 0
    q = np.clip(q, -levels, levels)
    rows, cols = np.nonzero(q)
    indptr = np.zeros(w.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=w.shape[0]), out=indptr[1:])
    dtype = np.int8 if levels <= 127 else np.int16
    return {"indptr": indptr.astype(np.int32), "cols": cols.astype(np.uint8 if w.shape[1] <= 256 else np.uint16),
            "vals": q[rows, cols].astype(dtype)}


def pack(enc: Encoder, passes: list[np.ndarray], settings: Settings, info: dict,
         seconds: float) -> tuple[dict[str, np.ndarray], dict]:
    """The model file's arrays and header."""
    top = max(float(np.abs(w).max()) for w in passes)
    scale = top / settings.levels
    # Keep only the word features that some pass still weighs after pruning.
    packed = {}
    used = np.zeros(len(enc.features) + 1, bool)
    quantised = []
    for w in passes:
        q = np.clip(np.rint(w / scale), -settings.levels, settings.levels)
        q[np.abs(w) < settings.prune] = 0
        quantised.append(q)
        used |= np.any(q[:len(enc.features) + 1] != 0, axis=1)
    used[0] = True
    keep = np.flatnonzero(used)
    features = [enc.features[i - 1] for i in keep[1:]]
    static = len(enc.features) + 1
    for name, q in zip(("first", "second"), quantised):
        rows = np.concatenate([q[keep], q[static:]])
        for key, array in sparse(rows, 0.0, settings.levels, 1.0).items():
            packed[f"{name}_{key}"] = array
    packed["features"] = encode_strings(features)
    packed["labels"] = encode_strings([f"{u}\t{x}" for u, x in enc.labels])
    header = {
        "treebank": TREEBANK, "treebank_commit": TREEBANK_COMMIT, "license": LICENSE,
        "evx_version": evx.__version__,
        "training": {"learner": "averaged perceptron", "labels": "(UPOS, XPOS) pairs" if settings.labels == "joint"
                     else settings.labels, "epochs": settings.epochs, "best_epoch": info["epoch"],
                     "seed": settings.seed, "mix": settings.mix, "min_count": settings.min_count,
                     "dropout": settings.dropout, "second_pass": settings.second_pass, "prune": settings.prune,
                     "levels": settings.levels, "features": len(features), "seconds": round(seconds, 1)},
        "dev_accuracy": {"upos": info["dev_upos"], "xpos": info["dev_xpos"]},
        "scale": scale,
    }
    return packed, header


# -- evaluation ----------------------------------------------------------------------------

def accuracy(tagger: Tagger, data: Data, known: set[str], news_only: list[bool] | None = None) -> dict:
    keep = range(len(data.forms)) if news_only is None else [i for i, n in enumerate(news_only) if n]
    data = subset(data, list(keep))
    out = tagger.tag(data.forms)
    hits = Counter()
    for forms, us, xs, (pu, px) in zip(data.forms, data.upos, data.xpos, out):
        for f, u, x, a, b in zip(forms, us, xs, pu, px):
            unk = f not in known
            hits["n"] += 1
            hits["u"] += a == u
            hits["x"] += b == x
            if unk:
                hits["n_unk"] += 1
                hits["u_unk"] += a == u
                hits["x_unk"] += b == x
    n, nu = hits["n"], max(1, hits["n_unk"])
    return {"words": n, "upos": hits["u"] / n, "xpos": hits["x"] / n, "unknown": hits["n_unk"],
            "upos_unk": hits["u_unk"] / nu, "xpos_unk": hits["x_unk"] / nu}


def evaluate(model: Path, treebank: Path, pud: Path | None, repeats: int) -> None:
    start = time.perf_counter()
    tagger = Tagger.load(model)
    load_s = time.perf_counter() - start
    train_data = read(treebank / "en_ewt-ud-train.conllu")
    known = {w for s in train_data.forms for w in s}
    sets = [("EWT dev", read(treebank / "en_ewt-ud-dev.conllu"), None),
            ("EWT test", read(treebank / "en_ewt-ud-test.conllu"), None)]
    if (treebank / HEADLINE_DEV).exists():      # written by scripts/headline_treebank.py
        sets.append(("dev, headline form", read(treebank / HEADLINE_DEV), None))
    if pud is not None and (pud / "en_pud-ud-test.conllu").exists():
        sentences = read_treebank(pud / "en_pud-ud-test.conllu")
        pud_data = read(pud / "en_pud-ud-test.conllu")
        news = [(s.comment("sent_id") or "").startswith("n") for s in sentences]
        sets += [("PUD", pud_data, None), ("PUD news", pud_data, news)]
    print(f"model {model} ({model.stat().st_size / 1e6:.2f} MB), loaded in {load_s * 1000:.0f} ms")
    print(f"{'set':18} {'words':>7} {'UPOS':>7} {'XPOS':>7} {'unknown':>8} {'UPOS unk':>9} {'XPOS unk':>9}")
    for name, data, news in sets:
        r = accuracy(Tagger.load(model), data, known, news)
        print(f"{name:18} {r['words']:7d} {r['upos'] * 100:7.2f} {r['xpos'] * 100:7.2f} {r['unknown']:8d}"
              f" {r['upos_unk'] * 100:9.2f} {r['xpos_unk'] * 100:9.2f}")
    words = sets[1][1].forms
    n = sum(len(s) for s in words)
    # Wall time, and the process's CPU time: on a shared machine the second is the steadier.
    cold, warm, loads = [], [], []
    for _ in range(repeats):
        fresh = Tagger.load(model)            # loaded beforehand, but no word seen yet
        cold.append(_timed(lambda: fresh.tag(words)))
        warm.append(_timed(lambda: fresh.tag(words)))
        loads.append(_timed(lambda: Tagger.load(model)))
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(f"throughput on EWT test ({n} words, {repeats} runs, OMP_NUM_THREADS={threads}), tokens/s, best / median:")
    for name, runs in (("first sight of each word", cold), ("words seen before", warm)):
        for clock in (0, 1):
            spans = [r[clock] for r in runs]
            print(f"  {name:24} {('wall', 'cpu')[clock]}: {n / min(spans):9,.0f} / {n / statistics.median(spans):9,.0f}")
    for clock in (0, 1):
        spans = [r[clock] for r in loads]
        print(f"load time {('wall', 'cpu')[clock]}: best {min(spans) * 1000:.0f} ms, median {statistics.median(spans) * 1000:.0f} ms")


def _timed(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


# -- writing tagged treebanks ---------------------------------------------------------------

def write_tagged(source: Path, target: Path, tagger: Tagger | None = None,
                 tags: list[tuple[list[str], list[str]]] | None = None) -> None:
    """`source` with UPOS and XPOS replaced, written to a temporary name and then renamed."""
    sentences = read_treebank(source)
    if tags is None:
        tags = tagger.tag([s.forms for s in sentences])
    replaced: dict[int, tuple[str, str]] = {}
    for s, (us, xs) in zip(sentences, tags):
        for w, u, x in zip(s.words, us, xs):
            replaced[w.line] = (u, x)
    tmp = target.with_name(target.name + ".part")
    with source.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as out:
        for number, line in enumerate(src, 1):
            if number in replaced:
                cols = line.rstrip("\n").split("\t")
                cols[3], cols[4] = replaced[number]
                line = "\t".join(cols) + "\n"
            out.write(line)
    os.replace(tmp, target)


def jackknife(out_dir: Path, treebank: Path, pud: Path | None, settings: Settings, folds: int,
              model: Path | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    train_path = treebank / "en_ewt-ud-train.conllu"
    data = read(train_path)
    dev = read(treebank / "en_ewt-ud-dev.conllu")
    tags: list = [None] * len(data.forms)
    # Folds of consecutive sentences, so that a document's other sentences (its names, its
    # words) seldom help to tag it: tags as good as on unseen text, not better.
    bounds = [len(data.forms) * k // folds for k in range(folds + 1)]
    for fold in range(folds):
        held = list(range(bounds[fold], bounds[fold + 1]))
        rest = [i for i in range(len(data.forms)) if not bounds[fold] <= i < bounds[fold + 1]]
        start = time.perf_counter()
        enc, passes, info = train(subset(data, rest), settings, None, log=lambda *_: None)
        arrays, header = pack(enc, passes, settings, info, 0.0)
        tmp = out_dir / f".fold{fold}.npz"
        save_model(tmp, "tagger", arrays, header)
        tagger = Tagger.load(tmp)
        tmp.unlink()
        for i, t in zip(held, tagger.tag([data.forms[i] for i in held])):
            tags[i] = t
        print(f"fold {fold + 1}/{folds} tagged ({time.perf_counter() - start:.0f}s)", flush=True)
    write_tagged(train_path, out_dir / "train-jk.conllu", tags=tags)
    full = Tagger.load(model)
    write_tagged(treebank / "en_ewt-ud-dev.conllu", out_dir / "dev.conllu", full)
    write_tagged(treebank / "en_ewt-ud-test.conllu", out_dir / "test.conllu", full)
    if pud is not None:
        write_tagged(pud / "en_pud-ud-test.conllu", out_dir / "pud.conllu", full)
    r = accuracy(full, dev, set())
    ready = out_dir / "READY.part"
    ready.write_text(f"dev UPOS {r['upos'] * 100:.2f} XPOS {r['xpos'] * 100:.2f}\n", encoding="utf-8")
    os.replace(ready, out_dir / "READY")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treebank", type=Path, required=True, help="folder of en_ewt-ud-{train,dev,test}.conllu")
    ap.add_argument("--pud", type=Path, help="folder of en_pud-ud-test.conllu (default: UD_English-PUD beside --treebank)")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="where to write the model")
    ap.add_argument("--epochs", type=int, default=Settings.epochs)
    ap.add_argument("--seed", type=int, default=Settings.seed)
    ap.add_argument("--min-count", type=int, default=Settings.min_count)
    ap.add_argument("--one-pass", action="store_true", help="no second pass with right-hand tags")
    ap.add_argument("--prune", type=float, default=Settings.prune)
    ap.add_argument("--levels", type=int, default=Settings.levels)
    ap.add_argument("--dropout", type=float, default=Settings.dropout)
    ap.add_argument("--mix", type=int, default=Settings.mix)
    ap.add_argument("--labels", choices=("joint", "upos", "xpos"), default="joint")
    ap.add_argument("--evaluate", action="store_true", help="evaluate --model instead of training")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--jackknife", type=Path, metavar="OUT_DIR")
    ap.add_argument("--folds", type=int, default=10)
    args = ap.parse_args(argv)
    pud = args.pud or args.treebank.parent / "UD_English-PUD"
    if not (args.treebank / "en_ewt-ud-train.conllu").exists():
        print(f"{args.treebank}: no en_ewt-ud-train.conllu here", file=sys.stderr)
        return 2
    if args.evaluate:
        evaluate(args.model, args.treebank, pud if pud.exists() else None, args.repeats)
        return 0
    settings = Settings(args.epochs, args.seed, args.min_count, not args.one_pass, args.prune, args.levels,
                        args.dropout, args.mix, args.labels)
    if args.jackknife:
        jackknife(args.jackknife, args.treebank, pud if pud.exists() else None, settings, args.folds, args.model)
        return 0
    start = time.perf_counter()
    enc, passes, info = train(read(args.treebank / "en_ewt-ud-train.conllu"), settings,
                              read(args.treebank / "en_ewt-ud-dev.conllu"))
    arrays, header = pack(enc, passes, settings, info, time.perf_counter() - start)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(args.out, "tagger", arrays, header)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB); best epoch {info['epoch']},"
          f" dev UPOS {info['dev_upos']:.4f} XPOS {info['dev_xpos']:.4f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (evx.EvxError, OSError) as exc:
        print(f"train_tagger: {exc}", file=sys.stderr)
        sys.exit(2)
