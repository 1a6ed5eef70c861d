"""Train evx's dependency parser on UD English EWT, or evaluate a parser model.

Training (the shipped model; about 11 minutes on one core and 4.4 GB of memory):

    python scripts/train_parser.py --treebank ../shared/treebanks --tags TAGGED --out engine/syntax/data/parser.npz

reads `UD_English-EWT/en_ewt-ud-{train,dev}.conllu` under `--treebank`; with `--tags`, the
UPOS and XPOS columns come from the files of that folder instead (`train-jk.conllu`: the training
set tagged by jackknifing, and `dev.conllu`), so that the parser learns from the tags it will
see. The epochs of each run are picked on the development set, and so is the way the weights
are stored (the int8 limit and the rows dropped, within `--max-mb`); the same seed gives the
same model.

Evaluation:

    python scripts/train_parser.py --evaluate --treebank ../shared/treebanks --tags TAGGED [--model PATH]

prints UAS and LAS (every word, punctuation included; LAS compares the whole relation with its
subtype, "uLAS" only the universal part before the colon) on EWT dev and test, PUD and its news
half (sentence ids starting with `n`), with gold tags and, given `--tags` (`dev.conllu`,
`test.conllu`, `pud.conllu`), with predicted tags; then the parser's speed on EWT test in tokens
per second on one core (model loaded beforehand; best and median of `--repeats` runs, by the
clock and by the process's CPU time), all sentences in one call and 20 sentences a call.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import evx  # noqa: E402
from evx.errors import EvxError  # noqa: E402
from evx.syntax import parser as P  # noqa: E402
from evx.syntax.modelfile import encode_strings, save_model  # noqa: E402
from evx.syntax.treebank import TreeSentence, read_treebank  # noqa: E402

EWT = "UD_English-EWT"
PUD = "UD_English-PUD"
TREEBANK_COMMIT = "15d613d8"

# Move features: unigrams of the stack, buffer and children; pairs and triples of s0, s1 and b0
# (the two arcs that can be made), with distance and valency (Zhang and Nivre 2011, for arc-hybrid),
# and the words around the ends of s0 and s1 in the sentence.
MOVE_TEMPLATES: list[tuple[str, ...]] = [
    *[(f"{p}.w",) for p in ("s0", "s1", "s2", "b0", "b1", "b2")],
    *[(f"{p}.t",) for p in ("s0", "s1", "s2", "b0", "b1", "b2")],
    *[(f"{p}.w", f"{p}.t") for p in ("s0", "s1", "b0", "b1")],
    *[(f"{p}.w",) for p in ("s0l", "s0r", "s1r", "b0l")],
    *[(f"{p}.t",) for p in ("s0l", "s0r", "s1l", "s1r", "b0l", "s0l2", "s0r2", "s1r2", "b0l2")],
    ("s0.w", "s0.t", "b0.w", "b0.t"), ("s0.w", "s0.t", "b0.w"), ("s0.w", "b0.w", "b0.t"),
    ("s0.w", "s0.t", "b0.t"), ("s0.t", "b0.w", "b0.t"), ("s0.w", "b0.w"), ("s0.t", "b0.t"),
    ("s1.w", "s1.t", "s0.w", "s0.t"), ("s1.w", "s1.t", "s0.w"), ("s1.w", "s0.w", "s0.t"),
    ("s1.w", "s1.t", "s0.t"), ("s1.t", "s0.w", "s0.t"), ("s1.w", "s0.w"), ("s1.t", "s0.t"),
    ("s1.t", "b0.t"), ("s1.w", "b0.w"), ("b0.t", "b1.t"), ("b0.w", "b1.w"), ("b0.w", "b1.t"), ("b0.t", "b1.w"),
    ("b0.t", "b1.t", "b2.t"), ("s0.t", "b0.t", "b1.t"), ("s1.t", "s0.t", "b0.t"), ("s2.t", "s1.t", "s0.t"),
    ("s1.t", "s0.t", "b1.t"), ("s0.w", "b0.t", "b1.t"), ("s0.t", "b0.w", "b1.t"),
    ("s0.t", "s0l.t", "b0.t"), ("s0.t", "s0r.t", "b0.t"), ("s0.t", "b0.t", "b0l.t"),
    ("s1.t", "s0.t", "s0l.t"), ("s1.t", "s0.t", "s0r.t"), ("s1.t", "s1r.t", "s0.t"), ("s1.t", "s1l.t", "s0.t"),
    ("s0.t", "s0l.t", "s0l2.t"), ("s0.t", "s0r.t", "s0r2.t"), ("s1.t", "s1r.t", "s1r2.t"),
    ("b0.t", "b0l.t", "b0l2.t"), ("s0.t", "s0ll.t", "b0.t"), ("s1.t", "s0.t", "s0rr.t"), ("b0.t", "b0ll.t"),
    ("s0.w", "dist"), ("s0.t", "dist"), ("b0.w", "dist"), ("b0.t", "dist"),
    ("s0.w", "b0.w", "dist"), ("s0.t", "b0.t", "dist"),
    ("s1.w", "dist1"), ("s1.t", "dist1"), ("s0.w", "dist1"), ("s1.t", "s0.t", "dist1"), ("s1.w", "s0.w", "dist1"),
    ("s0.w", "s0vl"), ("s0.t", "s0vl"), ("s0.w", "s0vr"), ("s0.t", "s0vr"),
    ("s1.w", "s1vr"), ("s1.t", "s1vr"), ("s1.t", "s1vl"), ("b0.w", "b0vl"), ("b0.t", "b0vl"),
    ("s1.t", "s0.t", "s0vl", "s0vr"),
    ("b0m1.t", "b0.t"), ("s0.t", "b0m1.t", "b0.t"), ("s0.t", "b0m1.w", "b0.t"), ("s0.w", "b0m1.w", "b0.w"),
    ("s0m1.t", "s0.t"), ("s1.t", "s0m1.t", "s0.t"), ("s0p1.t", "s0.t", "b0.t"), ("s1p1.t", "s1.t", "s0.t"),
    ("s1.t", "s1p1.w", "s0.t"), ("s0.u", "b0.u", "b1.u"), ("s1.u", "s0.u", "b0.u"), ("s1.u", "s0.u", "s0l.u", "s0r.u"),
]

# Relations given as the arcs are made (the joint variant, `--online`): the dependent s0, complete by
# then, and the head, b0 for LEFT and s1 for RIGHT, with the children and relations each has so far.
_ONLINE = [
    ("s0.w",), ("s0.t",), ("s0.w", "s0.t"), ("s0.t", "b0.t"), ("s0.t", "s1.t"), ("s0.w", "b0.t"), ("s0.w", "s1.t"),
    ("s0.t", "b0.w"), ("s0.t", "s1.w"), ("s0.w", "b0.w"), ("s0.w", "s1.w"),
    ("s0.t", "s0l.w"), ("s0.t", "s0l.d"), ("s0.t", "s0r.d"), ("s0.t", "s0r.w"), ("s0.t", "s0l.d", "s0r.d"),
    ("s0.t", "s0l2.w", "s0l.w"), ("s0.t", "b0.t", "b0l.d"), ("s0.t", "s1.t", "s1r.d"), ("s0.t", "b0.t", "b0l.w"),
    ("s0.t", "s1.t", "s1l.d"), ("s0.t", "s1.t", "s1r.w"), ("s0.t", "dist"), ("s0.t", "b0.t", "dist"),
    ("s0.t", "s1.t", "dist1"), ("s0.t", "b0.t", "b1.t"), ("s0.t", "s0m1.t", "s0p1.t"), ("s0.t", "b0m1.w"),
    ("s0.t", "s1.t", "s2.t"), ("s0.t", "s0vl", "s0vr"), ("s0.t", "b0.t", "b0vl"), ("s0.t", "s1.t", "s1vr"),
]
ONLINE_TEMPLATES = [("mv",) + t for t in _ONLINE]
# Move features that test those relations.
ONLINE_MOVE_TEMPLATES = [
    ("s0.t", "s0l.d"), ("s0.t", "s0r.d"), ("s1.t", "s1r.d"), ("s1.t", "s1l.d"), ("b0.t", "b0l.d"),
    ("s0.t", "s0l.d", "s0r.d"), ("s0.t", "b0.t", "b0l.d"), ("s1.t", "s0.t", "s1r.d"), ("s0.w", "s0r.d"),
    ("s0.t", "s0l.d", "s0l2.d"), ("s0.t", "s0r.d", "s0r2.d"), ("s1.t", "s1r.d", "s1r2.d"), ("b0.t", "b0l.d", "b0l2.d"),
]

# Relation features: the two ends of the arc, its direction and length, and what is around them.
LABEL_TEMPLATES: list[tuple[str, ...]] = [
    ("d.w",), ("d.t",), ("d.w", "d.t"), ("h.w",), ("h.t",), ("h.w", "h.t"),
    ("d.t", "h.t"), ("d.t", "h.t", "dir"), ("d.w", "h.t", "dir"), ("d.t", "h.w", "dir"), ("d.w", "h.w", "dir"),
    ("d.w", "d.t", "h.t", "dir"), ("d.t", "h.w", "h.t", "dir"),
    ("d.t", "h.t", "dir", "adist"), ("d.w", "dir", "adist"), ("d.t", "dir"), ("d.w", "dir"),
    ("d.t", "h.t", "hh.t"), ("d.t", "h.t", "hh.w"), ("d.w", "h.t", "hh.t"),
    ("d.t", "dl.w"), ("d.t", "dl.w", "h.t"), ("d.t", "dl.t", "h.t", "dir"), ("d.w", "dl.w"),
    ("d.t", "dl2.w"), ("d.t", "dl.w", "dl2.w"),
    ("d.t", "dr.w"), ("d.t", "dr.t", "h.t"), ("d.t", "dr2.t"), ("d.w", "dr.w"),
    ("d.t", "ls.t", "h.t"), ("d.t", "rs.t", "h.t"), ("d.t", "ls.w", "h.t"), ("d.t", "rs.w", "h.t"),
    ("d.t", "dm1.t", "dp1.t"), ("d.t", "dm1.w"), ("d.t", "dp1.w"), ("d.w", "dp1.t"),
    ("d.t", "h.t", "hm1.t"), ("d.t", "h.t", "hp1.t"), ("d.t", "h.t", "hm1.w"),
    ("d.t", "h.t", "hn1.w", "dir"), ("d.t", "h.t", "hn2.w", "dir"), ("d.t", "hn1.w", "hn2.w", "dir"),
    ("d.w", "h.t", "hn1.w"), ("d.t", "h.w", "hn1.w"),
    ("d.t", "h.t", "hr.t"), ("d.t", "h.t", "hl.t"), ("d.t", "h.t", "hl.w", "dir"),
    ("d.t", "dvl", "dvr"), ("d.t", "h.t", "dvl", "dvr"), ("d.t", "h.t", "hvl", "hvr"),
    ("d.t", "h.t", "dir", "first"), ("d.t", "h.t", "dir", "last"), ("d.t", "h.t", "first", "last"),
]


@dataclass
class Data:
    """A treebank as arrays for training and evaluation."""
    name: str
    forms: list[list[str]]
    upos: list[list[str]]
    xpos: list[list[str]]
    heads: list[list[int]]
    rels: list[list[str]]
    ids: list[str]

    @property
    def tokens(self) -> int:
        return sum(len(f) for f in self.forms)

    def subset(self, name: str, keep) -> "Data":
        pick = [i for i, s in enumerate(self.ids) if keep(s)]
        return Data(name, *[[getattr(self, f)[i] for i in pick]
                            for f in ("forms", "upos", "xpos", "heads", "rels", "ids")])


def read_data(path: Path, name: str, tags: Path | None = None) -> Data:
    """A treebank file; with `tags`, its UPOS and XPOS columns taken from that file (same words)."""
    sents = read_treebank(path)
    upos = [[w.upos for w in s.words] for s in sents]
    xpos = [[w.xpos for w in s.words] for s in sents]
    if tags is not None:
        tagged = read_treebank(tags)
        if len(tagged) != len(sents):
            raise SystemExit(f"{tags}: {len(tagged)} sentences, {path} has {len(sents)}")
        for s, t in zip(sents, tagged):
            if s.forms != t.forms:
                raise SystemExit(f"{tags}:{t.line}: the words differ from {path}:{s.line}")
        upos = [[w.upos for w in s.words] for s in tagged]
        xpos = [[w.xpos for w in s.words] for s in tagged]
    return Data(name, [s.forms for s in sents], upos, xpos, [_heads(s, path) for s in sents],
                [[w.deprel for w in s.words] for s in sents], [s.comment("sent_id") or "" for s in sents])


def _heads(s: TreeSentence, path: Path) -> list[int]:
    try:
        return s.heads
    except ValueError:
        raise SystemExit(f"{path}:{s.line}: a sentence without heads") from None


# -- the vocabularies -------------------------------------------------------------------------

def vocabularies(train: Data, min_count: int) -> tuple[list[str], list[str], list[str]]:
    counts: dict[str, int] = {}
    for s in train.forms:
        for w in s:
            k = P.normalise(w)
            counts[k] = counts.get(k, 0) + 1
    words = sorted(w for w, c in counts.items() if c >= min_count and "\n" not in w)
    tags = sorted({f"{u} {x}" for us, xs in zip(train.upos, train.xpos) for u, x in zip(us, xs)})
    labels = sorted({r for rs in train.rels for r in rs} | {P.ROOT_LABEL})
    return words, tags, labels


class Encoder:
    """Ids of words, tags and relations, as the Parser built from them gives them."""

    def __init__(self, words: list[str], tags: list[str], labels: list[str]):
        self.shell = P.Parser({}, words, tags, labels, None, None, None, None)
        self.label_ids = {r: i for i, r in enumerate(labels)}

    def encode(self, data: Data):
        words, tags, ups = self.shell._ids(data.forms, data.upos, data.xpos)
        rels = [np.array([self.label_ids.get(r, -1) for r in rs], dtype=np.int64) for rs in data.rels]
        return words, tags, ups, [np.array(h, dtype=np.int64) for h in data.heads], rels


def batches(lengths: np.ndarray, size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Sentence indices in batches of `size`, each longest first; in a random order given `rng`
    (pools of 16 batches are sorted by length, so that a batch is made of similar lengths)."""
    order = rng.permutation(len(lengths)) if rng is not None else np.arange(len(lengths))
    out = []
    pool = size * 16
    for lo in range(0, len(order), pool):
        chunk = order[lo:lo + pool]
        chunk = chunk[np.argsort(-lengths[chunk], kind="stable")]
        out.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def gold_slots(batch: P.Batch, heads: list[np.ndarray]) -> np.ndarray:
    """The gold head of every slot of a batch, as a slot (NULL for NULL and the ROOTs)."""
    gh = np.zeros(batch.size, dtype=np.int64)
    for j, h in enumerate(heads):
        s, e = int(batch.start[j]), int(batch.end[j])
        gh[s:e] = np.where(h < 0, e, h + s)
    return gh


def set_tree(batch: P.Batch, gh: np.ndarray) -> None:
    """Give a batch the finished tree `gh`, with the children and valencies a parse leaves."""
    d = np.flatnonzero(gh)
    h = gh[d]
    batch.head[:] = gh
    batch.kids[:] = 0
    batch.valency[:] = 0
    left = d < h
    for side, (near, far) in ((left, (0, 1)), (~left, (2, 3))):
        ds, hs = d[side], h[side]
        np.add.at(batch.valency[near // 2], hs, 1)
        # sorted so that the outermost child of each head comes last, the second outermost before it
        o = np.lexsort((-ds if near == 0 else ds, hs))
        hs, ds = hs[o], ds[o]
        last = np.r_[hs[1:] != hs[:-1], True] if len(hs) else np.zeros(0, dtype=bool)
        batch.kids[near, hs[last]] = ds[last]
        prev = np.flatnonzero(last) - 1
        ok = (prev >= 0) & (hs[np.maximum(prev, 0)] == hs[last])
        batch.kids[far, hs[last][ok]] = ds[prev[ok]]


# -- training the move model ------------------------------------------------------------------

class Oracle:
    """The dynamic oracle of arc-hybrid (Goldberg and Nivre 2013): the gold arcs each
    transition would make unreachable, from counts kept up to date as the state changes."""

    def __init__(self, batch: P.Batch, gh: np.ndarray):
        self.gh = gh
        self.in_buffer = np.bincount(gh, minlength=batch.size).astype(np.int64)
        self.in_buffer[0] = 0
        self.in_stack = np.zeros(batch.size, dtype=np.int64)
        self.on_stack = np.zeros(batch.size, dtype=bool)

    def costs(self, pos: np.ndarray) -> np.ndarray:
        s0, s1, b0 = pos[:, 0], pos[:, 1], pos[:, 3]
        gh = self.gh
        h0 = gh[s0]
        hb = gh[b0]
        out = np.empty((len(pos), 3), dtype=np.int64)
        lost_kids = self.in_buffer[s0]
        out[:, P.LEFT] = lost_kids + (h0 == s1) + (h0 > b0)
        out[:, P.RIGHT] = lost_kids + (h0 >= b0)
        out[:, P.SHIFT] = self.in_stack[b0] + (self.on_stack[hb] & (hb != s0))
        return out

    def follow(self, pos: np.ndarray, moves: np.ndarray) -> None:
        s0, b0 = pos[:, 0], pos[:, 3]
        gh = self.gh
        sh = moves == P.SHIFT
        b = b0[sh]
        np.subtract.at(self.in_buffer, gh[b], 1)
        np.add.at(self.in_stack, gh[b], 1)
        self.on_stack[b] = True
        s = s0[~sh]
        np.subtract.at(self.in_stack, gh[s], 1)
        self.on_stack[s] = False


class Perceptron:
    """An averaged perceptron over a hashed table (the average kept lazily: w - u / c)."""

    def __init__(self, bits: int, columns: int):
        self.w = np.zeros((1 << bits, columns), dtype=np.float32)
        self.u = np.zeros((1 << bits, columns), dtype=np.float64)
        self.c = 1

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.w[rows].sum(axis=1)

    def update(self, rows: np.ndarray, good: np.ndarray, bad: np.ndarray) -> None:
        """+1 for class `good`, -1 for `bad`, on every row of each line of `rows` (n x T)."""
        cols = self.w.shape[1]
        idx = np.concatenate([(rows * cols + good[:, None]).ravel(), (rows * cols + bad[:, None]).ravel()])
        val = np.concatenate([np.ones(rows.size, dtype=np.float32), -np.ones(rows.size, dtype=np.float32)])
        np.add.at(self.w.reshape(-1), idx, val)
        np.add.at(self.u.reshape(-1), idx, val.astype(np.float64) * self.c)

    def averaged(self) -> np.ndarray:
        return (self.w - self.u / self.c).astype(np.float32)


def train_moves(train, features: P.Features, settings: dict, rng: np.random.Generator, epoch_done) -> None:
    words, tags, ups, heads, rels = train
    lengths = np.array([len(w) for w in words])
    model = settings["model"]
    online, shell = settings.get("online"), settings.get("shell")
    for epoch in range(1, settings["epochs"] + 1):
        explore = epoch > settings["explore_after"]
        for idx in batches(lengths, settings["batch"], rng):
            batch = P.Batch([words[k] for k in idx], [tags[k] for k in idx], [ups[k] for k in idx])
            gh = gold_slots(batch, [heads[k] for k in idx])
            oracle = Oracle(batch, gh)
            if online is not None:
                glabel = np.full(batch.size, -1, dtype=np.int64)
                glabel[np.flatnonzero(gh)] = np.concatenate([rels[k] for k in idx])
            for t in range(int(batch.steps[0])):
                m = batch.active(t)
                pos, scal = batch.positions(m)
                atoms = batch.atoms(pos, scal)
                rows = features.rows(atoms)
                scores = model.scores(rows)[:, :3]
                valid = batch.valid(m)
                scores[~valid] = -np.inf
                pred = scores.argmax(axis=1)
                cost = oracle.costs(pos)
                cost[~valid] = 1 << 30
                correct = cost == cost.min(axis=1, keepdims=True)
                best = np.where(correct, scores, -np.inf).argmax(axis=1)
                wrong = ~correct[np.arange(m), pred]
                if wrong.any():
                    model.update(rows[wrong], best[wrong], pred[wrong])
                model.c += 1
                moves = best
                if explore:
                    moves = np.where(wrong & (rng.random(m) < settings["explore_p"]), pred, best)
                labels = None
                if online is not None:
                    labels = online_step(shell, online, batch, atoms, pos, moves, gh, glabel)
                oracle.follow(pos, moves)
                batch.apply(m, moves, labels)
        epoch_done(epoch)


def online_step(shell: P.Parser, online: Perceptron, batch: P.Batch, atoms, pos, moves, gh, glabel) -> np.ndarray:
    """Relations for the arcs being made, learnt where the arc is right; ids + 1 for the batch."""
    labels = np.zeros(len(moves), dtype=np.int64)
    arcs = np.flatnonzero(moves != P.SHIFT)
    if not len(arcs):
        return labels
    scores = shell.online_scores(batch, atoms, pos, moves, arcs, online)
    pred = scores.argmax(axis=1)
    d = pos[arcs, 0]
    h = np.where(moves[arcs] == P.LEFT, pos[arcs, 3], pos[arcs, 1])
    gold = glabel[d]
    wrong = (gh[d] == h) & (gold >= 0) & (pred != gold)
    if wrong.any():
        a = atoms[arcs[wrong]]
        a[:, P.STATE_ATOMS.index("mv")] = moves[arcs[wrong]]
        online.update(shell.online[0].rows(a), gold[wrong], pred[wrong])
    online.c += 1
    labels[arcs] = pred + 1
    return labels


# -- training the relation model --------------------------------------------------------------

def arc_rows(data, features: P.Features):
    """Relation feature rows of every word with its gold tree, its gold label id (-1 for one
    the model does not know) and whether it is the root."""
    words, tags, ups, heads, rels = data
    lengths = np.array([len(w) for w in words])
    rows, gold, roots = [], [], []
    for idx in batches(lengths, 512, None):
        batch = P.Batch([words[k] for k in idx], [tags[k] for k in idx], [ups[k] for k in idx])
        set_tree(batch, gold_slots(batch, [heads[k] for k in idx]))
        _, pos, scal = batch.arc_positions()
        rows.append(features.rows(batch.atoms(pos, scal)))
        gold.extend(rels[k] for k in idx)
        roots.extend(heads[k] < 0 for k in idx)
    return np.concatenate(rows), np.concatenate(gold), np.concatenate(roots)


def train_labels(rows: np.ndarray, gold: np.ndarray, is_root: np.ndarray, model: Perceptron, settings: dict,
                 rng: np.random.Generator, root: int, epoch_done) -> None:
    keep = np.flatnonzero(~is_root & (gold >= 0))
    size = settings["label_batch"]
    for epoch in range(1, settings["label_epochs"] + 1):
        order = keep[rng.permutation(len(keep))]
        for lo in range(0, len(order), size):
            sel = order[lo:lo + size]
            r = rows[sel]
            scores = model.scores(r)
            scores[:, root] = -np.inf
            pred = scores.argmax(axis=1)
            g = gold[sel]
            wrong = pred != g
            if wrong.any():
                model.update(r[wrong], g[wrong], pred[wrong])
            model.c += 1
        epoch_done(epoch)


# -- evaluation -------------------------------------------------------------------------------

def agreement(out: list, reference: list) -> float:
    """The share of words (in %) given the same head and relation in two parses of the same sentences."""
    n = same = 0
    for (hs, rs), (gh, gr) in zip(out, reference):
        n += len(hs)
        same += sum(h == g and r == q for h, r, g, q in zip(hs, rs, gh, gr))
    return 100 * same / max(n, 1)


def score(parser: P.Parser, data: Data) -> dict[str, float]:
    out = parser.parse(data.forms, data.upos, data.xpos)
    n = uas = las = ulas = 0
    for (hs, rs), gh, gr in zip(out, data.heads, data.rels):
        for h, r, g, q in zip(hs, rs, gh, gr):
            n += 1
            if h == g:
                uas += 1
                las += r == q
                ulas += r.partition(":")[0] == q.partition(":")[0]
    return {"uas": 100 * uas / max(n, 1), "las": 100 * las / max(n, 1), "ulas": 100 * ulas / max(n, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treebank", type=Path, required=True, help="folder holding UD_English-EWT and UD_English-PUD")
    ap.add_argument("--tags", type=Path, help="folder of predicted-tag files (train-jk, dev, test, pud .conllu)")
    ap.add_argument("--out", type=Path, help="where to write the model")
    ap.add_argument("--evaluate", action="store_true", help="evaluate --model instead of training")
    ap.add_argument("--model", type=Path, help="model to evaluate (default: the shipped one)")
    ap.add_argument("--epochs", type=int, default=15, help="most epochs of the move model (best on dev kept)")
    ap.add_argument("--label-epochs", type=int, default=10, help="most epochs of the relation model")
    ap.add_argument("--batch", type=int, default=32, help="sentences trained in lockstep")
    ap.add_argument("--label-batch", type=int, default=16, help="arcs per relation update")
    ap.add_argument("--explore-after", type=int, default=1, help="epochs with the oracle's moves only")
    ap.add_argument("--explore-p", type=float, default=0.9, help="then follow the model's wrong moves this often")
    ap.add_argument("--min-count", type=int, default=2, help="words seen fewer times are unknown")
    ap.add_argument("--move-bits", type=int, default=22)
    ap.add_argument("--label-bits", type=int, default=21)
    ap.add_argument("--prune", type=float, nargs="+", default=[0.01, 0.015, 0.02, 0.03],
                    help="shares of the int8 limit under which a row's largest weight drops it; of the\n"
                         "combinations with --clip that fit --max-mb, the one that parses dev most like\n"
                         "the unquantised model is kept")
    ap.add_argument("--max-mb", type=float, default=4.5, help="the largest model file to write")
    ap.add_argument("--relations", choices=("tree", "online", "both"), default="online",
                    help="label the finished tree (tree), each arc as it is made (online), or both: "
                         "online relations as move features, the tree's as the output")
    ap.add_argument("--clip", type=float, nargs="+", default=[1.0, 0.99999, 0.9999],
                    help="quantiles of the largest weights to try as the int8 limit")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3,
                    help="move models trained with different shuffles, their weights summed")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs for the speed figure")
    args = ap.parse_args(argv)
    try:
        if args.evaluate:
            return evaluate(args)
        if args.out is None:
            ap.error("--out is required to train")
        return train(args)
    except EvxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _files(args) -> dict[str, Path]:
    ewt = args.treebank / EWT
    return {"train": ewt / "en_ewt-ud-train.conllu", "dev": ewt / "en_ewt-ud-dev.conllu",
            "test": ewt / "en_ewt-ud-test.conllu", "pud": args.treebank / PUD / "en_pud-ud-test.conllu"}


def _tagged(args, name: str) -> Path | None:
    if args.tags is None:
        return None
    return args.tags / {"train": "train-jk.conllu", "dev": "dev.conllu", "test": "test.conllu", "pud": "pud.conllu"}[name]


def train(args) -> int:
    started = time.perf_counter()
    files = _files(args)
    train_data = read_data(files["train"], "train", _tagged(args, "train"))
    dev = read_data(files["dev"], "dev", _tagged(args, "dev"))
    vocab = vocabularies(train_data, args.min_count)
    enc = Encoder(*vocab)
    tr = enc.encode(train_data)
    rng = np.random.default_rng([args.seed, 1 << 16])
    nlabels = len(vocab[2])
    root = vocab[2].index(P.ROOT_LABEL)
    with_online = args.relations in ("online", "both")
    with_tree = args.relations in ("tree", "both")
    move_templates = MOVE_TEMPLATES + (ONLINE_MOVE_TEMPLATES if with_online else [])
    move_features = P.Features(move_templates, P.STATE_ATOMS, args.move_bits)
    label_features = P.Features(LABEL_TEMPLATES, P.ARC_ATOMS, args.label_bits) if with_tree else None
    online_features = P.Features(ONLINE_TEMPLATES, P.STATE_ATOMS, args.label_bits) if with_online else None
    settings = {"epochs": args.epochs, "batch": args.batch, "explore_after": args.explore_after,
                "explore_p": args.explore_p, "label_epochs": args.label_epochs, "label_batch": args.label_batch,
                "model": Perceptron(args.move_bits, 3)}
    print(f"{train_data.tokens} training words, {len(vocab[0])} known words, {len(vocab[1])} tags, "
          f"{nlabels} relations; {len(move_features)} move templates; relations: {args.relations}", flush=True)

    relations = None
    best_label = (-1.0, 0, None)
    if with_tree:
        # the tree's relations first (from gold trees), so that the move epochs can be scored by LAS too
        label_model = Perceptron(args.label_bits, nlabels)
        rows, gold, is_root = arc_rows(tr, label_features)
        dev_rows, dev_gold, dev_root = arc_rows(enc.encode(dev), label_features)

        def label_epoch(epoch):
            nonlocal best_label
            w = label_model.averaged()
            s = w[dev_rows].sum(axis=1)
            s[:, root] = -np.inf
            pred = s.argmax(axis=1)
            pred[dev_root] = root
            acc = 100 * float(np.mean(pred == dev_gold))
            print(f"relations epoch {epoch}: dev accuracy on gold trees {acc:.2f} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
            if acc > best_label[0]:
                best_label = (acc, epoch, w)

        train_labels(rows, gold, is_root, label_model, settings, rng, root, label_epoch)
        relations = P.Table(best_label[2])
        del rows, label_model
    shell = P.Parser({}, *vocab, move_features, None, label_features, relations, (online_features, None))
    move_w = online_w = None
    move_epochs = []
    for run in range(args.runs):
        # each run its own shuffles and explorations; their averaged weights are summed
        run_rng = np.random.default_rng([args.seed, run])
        settings["model"] = Perceptron(args.move_bits, 3)
        if with_online:
            settings["online"], settings["shell"] = Perceptron(args.label_bits, nlabels), shell
        best: tuple = (-1.0, 0, None, None)

        def move_epoch(epoch):
            nonlocal best
            w = settings["model"].averaged()
            ow = settings["online"].averaged() if with_online else None
            s = score(candidate(w, ow), dev)
            print(f"run {run + 1} moves epoch {epoch}: dev UAS {s['uas']:.2f} LAS {s['las']:.2f} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
            if s["uas"] > best[0]:
                best = (s["uas"], epoch, w, ow)

        def candidate(w, ow):
            if move_w is not None:
                w = w + move_w
                ow = ow + online_w if with_online else None
            return P.Parser({}, *vocab, move_features, P.Table(w), label_features, relations,
                            (online_features, P.Table(ow)) if with_online else None)

        train_moves(tr, move_features, settings, run_rng, move_epoch)
        move_epochs.append(best[1])
        move_w = best[2] if move_w is None else move_w + best[2]
        if with_online:
            online_w = best[3] if online_w is None else online_w + best[3]
        del settings["model"], best
        settings.pop("online", None)

    header = {
        "treebank": EWT, "treebank_commit": TREEBANK_COMMIT, "license": "CC BY-SA 4.0",
        "evx_version": evx.__version__,
        "move_templates": [list(t) for t in move_templates], "move_bits": args.move_bits,
        "training": {"tags": "predicted (jackknifed)" if args.tags else "gold", "seed": args.seed,
                     "relations": args.relations, "runs": args.runs, "move_epochs": move_epochs,
                     "batch": args.batch,
                     "explore_after": args.explore_after, "explore_p": args.explore_p,
                     "min_count": args.min_count},
    }
    # the int8 scale of the tables: clip the largest weights at the quantile that parses dev best
    tables = [("move", move_w, 3)]
    if with_tree:
        header.update(label_templates=[list(t) for t in LABEL_TEMPLATES], label_bits=args.label_bits)
        header["training"].update(label_epochs=best_label[1], label_batch=args.label_batch)
        tables.append(("label", best_label[2], nlabels))
    if with_online:
        header.update(online_templates=[list(t) for t in ONLINE_TEMPLATES], online_bits=args.label_bits)
        tables.append(("online", online_w, nlabels))
    # of the ways to store the tables that fit, the one whose dev parses agree most with the float
    # model's: they all approximate that one model, and their dev scores differ by noise
    float_model = P.Parser({}, *vocab, move_features, P.Table(move_w), label_features, relations,
                           (online_features, P.Table(online_w)) if with_online else None)
    reference = float_model.parse(dev.forms, dev.upos, dev.xpos)
    chosen = None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trial = args.out.with_name(args.out.stem + ".trial.npz")
    for clip in args.clip:
        for cut in args.prune:
            arrays = {"words": encode_strings(vocab[0]), "tags": encode_strings(vocab[1]),
                      "labels": encode_strings(vocab[2])}
            for name, weights, columns in tables:
                arrays.update({f"{name}_{k}": v for k, v in P.store_table(weights, cut, columns, clip).items()})
            save_model(trial, P.KIND, arrays, header)
            size = trial.stat().st_size
            stored = P.Parser.from_arrays(header, arrays)
            s = score(stored, dev)
            same = agreement(stored.parse(dev.forms, dev.upos, dev.xpos), reference)
            fits = size <= args.max_mb * 1e6
            print(f"stored with weights clipped at quantile {clip}, rows under {cut} of the limit dropped: "
                  f"{size / 1e6:.2f} MB, {same:.2f}% of dev arcs as in the float model, "
                  f"dev UAS {s['uas']:.2f} LAS {s['las']:.2f}{'' if fits else ' (too large)'}", flush=True)
            if fits and (chosen is None or same > chosen[3]):
                chosen = (s, (clip, cut), arrays, same)
    trial.unlink()
    if chosen is None:
        raise SystemExit(f"no pruning tried gives a model of at most {args.max_mb} MB: try larger --prune values")
    s, (clip, cut), arrays, _ = chosen
    header["training"].update(clip=clip, prune=cut)
    for name, _, _ in tables:
        header["training"][f"{name}_rows"] = len(arrays[f"{name}_weights"])
    header["dev"] = {"uas": round(s["uas"], 2), "las": round(s["las"], 2), "ulas": round(s["ulas"], 2),
                     "tags": header["training"]["tags"]}
    header["training"]["seconds"] = round(time.perf_counter() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(args.out, P.KIND, arrays, header)
    if score(P.Parser.load(args.out), dev) != s:
        raise SystemExit(f"{args.out}: the model read back parses dev differently")
    rows = ", ".join(f"{k} {v}" for k, v in header["training"].items() if k.endswith("_rows"))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB; {rows}); "
          f"dev UAS {s['uas']:.2f} LAS {s['las']:.2f} as stored; {header['training']['seconds']} s", flush=True)
    return 0


def evaluate(args) -> int:
    t0 = time.perf_counter()
    parser = P.Parser.load(args.model)
    load_s = time.perf_counter() - t0
    files = _files(args)
    rows = []
    sets = []
    for name in ("dev", "test", "pud"):
        for tags in (["gold", "predicted"] if args.tags else ["gold"]):
            data = read_data(files[name], name, _tagged(args, name) if tags == "predicted" else None)
            sets.append((f"{'EWT ' + name if name != 'pud' else 'PUD'}", tags, data))
            if name == "pud":
                sets.append(("PUD news", tags, data.subset("pud-news", lambda i: i.startswith("n"))))
    print(f"model {args.model or P.DEFAULT_MODEL}: loaded in {load_s * 1000:.0f} ms; trained {parser.header.get('training')}")
    print(f"{'set':10} {'tags':10} {'words':>7} {'UAS':>6} {'LAS':>6} {'uLAS':>6}")
    for label, tags, data in sets:
        s = score(parser, data)
        rows.append((label, tags, s))
        print(f"{label:10} {tags:10} {data.tokens:7d} {s['uas']:6.2f} {s['las']:6.2f} {s['ulas']:6.2f}", flush=True)
    test = next(d for lab, t, d in sets if lab == "EWT test" and t == ("predicted" if args.tags else "gold"))
    print(f"speed on EWT test ({test.tokens} words, {len(test.forms)} sentences; {args.repeats} runs; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}):")
    for size in (len(test.forms), 20):
        wall, cpu = [], []
        for _ in range(args.repeats):
            t, c = time.perf_counter(), time.process_time()
            for lo in range(0, len(test.forms), size):
                parser.parse(test.forms[lo:lo + size], test.upos[lo:lo + size], test.xpos[lo:lo + size])
            wall.append(test.tokens / (time.perf_counter() - t))
            cpu.append(test.tokens / (time.process_time() - c))
        what = "all sentences in one call" if size == len(test.forms) else f"{size} sentences a call"
        print(f"  {what:26}: best {max(wall):,.0f} tokens/s, median {statistics.median(wall):,.0f} "
              f"(CPU time: best {max(cpu):,.0f}, median {statistics.median(cpu):,.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
