"""The dependency parser: words and tags -> a UD tree (heads, and relations with subtypes).

A greedy arc-hybrid transition parser (Kuhlmann, Gomez-Rodriguez and Satta 2011) whose ROOT
sits at the end of the buffer (Ballesteros and Nivre 2013): the root is attached by the last
transition, so every sentence gets exactly one, and the transitions only ever build a
projective tree. An averaged perceptron over hashed conjunctions of features of the stack, the
buffer and the children found so far (after Zhang and Nivre 2011) picks each move, trained
with a dynamic oracle (Goldberg and Nivre 2013). Each arc gets its relation as it is made, from
a second perceptron that sees the move, the dependent's finished subtree and the head's
children so far; later moves test those relations (a verb that has its `nsubj` already).
A model may instead (or also) label the finished tree from the whole of it (`label_templates`):
measured on EWT, that is no more accurate and is slower, so the shipped model does not.

Many sentences are parsed in lockstep, sorted by length: at each step the feature rows of
every unfinished sentence are gathered into one array and scored with one table lookup and
sum, so that the Python work of a transition is shared by the whole batch. A stored model
goes through a loop of its own (`_Lockstep`, at the end of this file) that makes the same
transitions with fewer array operations each.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import ready
from .modelfile import ModelError, decode_strings, load_model

DEFAULT_MODEL = Path(__file__).with_name("data") / "parser.npz"
KIND = "parser"

# Reserved ids at the start of the word and tag vocabularies.
NULL_ID, ROOT_ID, UNK_ID = 0, 1, 2
FIRST_ID = 3
# The transitions.
SHIFT, LEFT, RIGHT = 0, 1, 2
ROOT_LABEL = "root"

# Positions in a parser state whose word and tag the move features may test: the top three of
# the stack, the front three of the buffer (b0 may be the ROOT), and children found so far
# (l: leftmost, l2: second leftmost, r: rightmost, r2: second rightmost; b0 has left children only),
# and the words just before and after s0, after s1 and before b0 in the sentence (b0m1 ends the
# subtree of s0: a comma there, or a conjunction after s1, says much about what comes next).
STATE_POSITIONS = ("s0", "s1", "s2", "b0", "b1", "b2", "s0l", "s0l2", "s0r", "s0r2",
                   "s1l", "s1r", "s1r2", "b0l", "b0l2", "s0ll", "s0rr", "b0ll",
                   "s0m1", "s0p1", "s1p1", "b0m1")
# Numbers about the state: distances (b0 - s0, s0 - s1, bucketed) and valencies (children so far).
# `mv` is the move being made, for the features of the relation given to an arc as it is made.
STATE_SCALARS = ("dist", "dist1", "s0vl", "s0vr", "s1vl", "s1vr", "b0vl", "mv")
# Positions around an arc that the relation features may test: the dependent, its head and the
# head's head, the dependent's outermost children, its nearest siblings, the head's nearest left
# children (an auxiliary, a subject), and the words just before and after each end of the arc.
ARC_POSITIONS = ("d", "h", "hh", "dl", "dl2", "dr", "dr2", "ls", "rs", "hn1", "hn2",
                 "dm1", "dp1", "hm1", "hp1", "hr", "hl")
ARC_SCALARS = ("dir", "adist", "dvl", "dvr", "hvl", "hvr", "first", "last")
# word, tag (UPOS and XPOS together), UPOS alone, and the relation of the arc into the position
# made so far (none unless the relations are given as the arcs are made)
PROPERTIES = ("w", "t", "u", "d")

_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_SHIFT29 = np.uint64(29)
_DIGITS = str.maketrans("0123456789", "0000000000")
_DIST = np.array([0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7], dtype=np.int64)
_DMAX = len(_DIST) - 1
# Index arrays of Batch.positions: stack depths, buffer offsets, the columns of s0, s1 and b0,
# the grandchildren (kind of child, column of the child), and the valencies (side, whose).
_BELOW = np.array([1, 2, 3], dtype=np.int64)
_AHEAD = np.array([0, 1, 2], dtype=np.int64)
_HEADS = np.array([0, 1, 3], dtype=np.intp)
_OUTER, _INNER = np.array([0, 2, 0], dtype=np.intp), np.array([6, 8, 13], dtype=np.intp)
_VAL_SIDE, _VAL_WHO = np.array([0, 1, 0, 1, 0], dtype=np.intp), np.array([0, 0, 1, 1, 2], dtype=np.intp)


def normalise(word: str) -> str:
    """The key of the word vocabulary: lower case, every digit 0 (years and prices alike)."""
    return word.lower().translate(_DIGITS)


def _bucket(d: np.ndarray) -> np.ndarray:
    return _DIST[np.minimum(d, len(_DIST) - 1)]


class Features:
    """Hashed conjunctions of atoms: each template names a few atoms (columns of an atom
    matrix); a template and its atoms' values hash to one row of a weight table."""

    def __init__(self, templates: Sequence[Sequence[str]], atoms: Sequence[str], bits: int):
        index = {name: i for i, name in enumerate(atoms)}
        unknown = sorted({a for t in templates for a in t if a not in index})
        if unknown:
            raise ValueError(f"unknown feature atoms: {', '.join(unknown)}")
        if not 8 <= bits <= 24:
            raise ValueError(f"feature table bits must be within 8..24, got {bits}")
        self.templates = [tuple(t) for t in templates]
        self.bits = bits
        self._shift = np.uint64(64 - bits)
        # Templates in order of arity: the j-th atom then applies to a suffix of the columns, so
        # that hashing all of them takes one pass per atom position, in place.
        order = sorted(range(len(self.templates)), key=lambda i: len(self.templates[i]))
        ranked = [self.templates[i] for i in order]
        self._seeds = (np.array(order, dtype=np.uint64) + np.uint64(1)) * _MIX2
        self._steps: list[tuple[int, np.ndarray]] = []
        for j in range(max((len(t) for t in ranked), default=0)):
            start = next(i for i, t in enumerate(ranked) if len(t) > j)
            self._steps.append((start, np.array([index[t[j]] for t in ranked[start:]], dtype=np.intp)))
        if any(len(t) == 0 for t in ranked):
            raise ValueError("a feature template must name at least one atom")

    def __len__(self) -> int:
        return len(self.templates)

    def rows(self, atoms: np.ndarray) -> np.ndarray:
        """The table row of every template (in order of arity) for every line of `atoms` (int64)."""
        values = atoms.view(np.uint64)
        key = np.empty((len(atoms), len(self.templates)), dtype=np.uint64)
        key[:] = self._seeds
        for start, cols in self._steps:
            part = key[:, start:]
            part ^= values[:, cols]
            part *= _MIX1
        key ^= key >> _SHIFT29
        key *= _MIX2
        key >>= self._shift
        return key.view(np.int64)


class Table:
    """A float weight table with one row of class scores per hash bucket (while training)."""

    def __init__(self, weights: np.ndarray):
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """The summed rows of each line of `rows` (n x T bucket numbers): n x classes."""
        return self.weights[rows].sum(axis=1)


class PackedTable:
    """A shipped weight table: int8 weights, each biased by 128 and packed into lanes of an
    int64 wide enough that the sum of `terms` rows cannot carry from one lane into the next.
    A row of class weights is then one or a few words; the sum of n x T rows is one gather and
    one integer sum, exact, so that a score never depends on the order of the sum. Dense (one
    row per bucket) when that takes at most 32 MB, else through a map from bucket to row."""

    def __init__(self, bits: int, kept: np.ndarray, weights: np.ndarray, terms: int,
                 rowmap: np.ndarray | None = None, packed: np.ndarray | None = None):
        """`rowmap` and `packed`, if given, are the row map and packed rows made before from
        the same weights (they are checked for their shapes only)."""
        if weights.dtype != np.int8 or weights.ndim != 2:
            raise ValueError(f"stored weights must be an int8 matrix, not {weights.dtype} of {weights.ndim} dimensions")
        if np.any(weights == -128):
            raise ValueError("stored weights must lie within -127..127")
        self.classes = weights.shape[1]
        self.terms = terms
        self.lane = max(int(terms * 255).bit_length(), 8)
        if self.lane > 62:
            raise ValueError(f"too many feature templates ({terms}) for one table")
        self.per_word = 63 // self.lane
        words = -(-self.classes // self.per_word)
        shifts = self.lane * (np.arange(words * self.per_word) % self.per_word)
        self._shifts = shifts[:self.per_word].astype(np.int64)
        self._words, self._kept, self._weights = words, kept, weights
        size = 1 << bits
        if size * words * 8 <= 32 << 20:
            self.rowmap = None
        elif rowmap is not None:
            if rowmap.shape != (size,) or rowmap.dtype != np.int32:
                raise ValueError(f"a row map of {size} int32 was expected, not {rowmap.shape} {rowmap.dtype}")
            self.rowmap = rowmap
        else:
            self.rowmap = np.zeros(size, dtype=np.int32)
            self.rowmap[kept] = np.arange(1, len(weights) + 1, dtype=np.int32)
        self._mask = np.int64((1 << self.lane) - 1)
        if packed is not None:
            rows = len(kept) if self.rowmap is None else len(weights) + 1
            if packed.shape != (rows, words) or packed.dtype != np.int64:
                raise ValueError(f"packed rows of shape {(rows, words)} were expected, not {packed.shape}")
            self.__dict__["packed"] = packed      # what the cached property would make

    @cached_property
    def packed(self) -> np.ndarray:
        """The packed rows, by bucket or (with a row map) by row, row 0 then empty: made when
        first asked for, as the parser's lockstep loop reads its relation table as int8 rows."""
        weights, words = self._weights, self._words
        padded = np.zeros((len(weights), words * self.per_word), dtype=np.int8)
        padded[:, :self.classes] = weights
        packed = np.zeros((len(weights), words), dtype=np.int64)
        for j in range(self.per_word):    # class c goes to word c // per_word, lane c % per_word
            packed |= (padded[:, j::self.per_word].astype(np.int64) + 128) << np.int64(self.lane * j)
        empty = np.bitwise_or.reduce(np.int64(128) << self._shifts)
        if self.rowmap is None:
            out = np.full((len(self._kept), words), empty, dtype=np.int64)
            out[self._kept] = packed
            return out
        return np.concatenate([np.full((1, words), empty, dtype=np.int64), packed])

    def int8_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The map from bucket to row and the rows of int8 weights (rows x classes), as the
        packed table holds them, unpacked."""
        if self.rowmap is None:
            rows = np.zeros((len(self._kept), self.classes), dtype=np.int8)
            rows[self._kept] = self._weights
            return np.arange(len(rows), dtype=np.int32), rows
        return self.rowmap, np.concatenate([np.zeros((1, self.classes), dtype=np.int8), self._weights])

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """The summed rows of each line of `rows` (n x terms bucket numbers): n x classes, float32."""
        if rows.shape[1] != self.terms:
            raise ValueError(f"a table packed for sums of {self.terms} rows was given {rows.shape[1]}")
        if self.rowmap is not None:
            rows = self.rowmap[rows]
        total = self.packed[rows].sum(axis=1)
        lanes = (total[:, :, None] >> self._shifts) & self._mask
        out = lanes.reshape(len(rows), lanes.shape[1] * lanes.shape[2])[:, :self.classes].astype(np.float32)
        out -= np.float32(128 * self.terms)
        return out


class _WordIds(dict):
    """Word id by the word as written, remembered for the forms met (up to a bound)."""

    LIMIT = 1 << 18

    def __init__(self, vocabulary: dict[str, int]):
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        i = self.vocabulary.get(normalise(word), UNK_ID)
        if len(self) < self.LIMIT:
            self[word] = i
        return i


class _Unknown(dict):
    def __missing__(self, key) -> int:
        return UNK_ID


def _check_lengths(sentences, upos, xpos) -> None:
    if not (len(sentences) == len(upos) == len(xpos)):
        raise ValueError(f"parse: {len(sentences)} sentences but {len(upos)} UPOS and {len(xpos)} XPOS sequences")
    for k, (s, u, x) in enumerate(zip(sentences, upos, xpos)):
        if not (len(s) == len(u) == len(x)):
            raise ValueError(f"parse: sentence {k} has {len(s)} words but {len(u)} UPOS and {len(x)} XPOS tags")


class Batch:
    """The states of many sentences parsed in lockstep, in flat arrays.

    Slot 0 is NULL (no word); sentence k holds slots start[k] .. start[k] + n_k - 1 and its ROOT
    at end[k] = start[k] + n_k. The stack of each sentence is a row of `stack` with three NULLs
    below its first entry, so that s0, s1 and s2 are plain lookups; the buffer is the slots
    b .. end (arc-hybrid only ever takes from its front). Sentences must come longest first:
    each needs exactly 2n transitions, so the unfinished ones are always a prefix.
    """

    def __init__(self, words: Sequence[np.ndarray], tags: Sequence[np.ndarray], upos: Sequence[np.ndarray]):
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        if len(lengths) > 1 and np.any(lengths[1:] > lengths[:-1]):
            raise ValueError("Batch: sentences must come longest first")
        self.lengths = lengths
        self.start = 1 + np.concatenate([[0], np.cumsum(lengths + 1)])[:len(lengths)].astype(np.int64)
        self.end = self.start + lengths
        size = 1 + int((lengths + 1).sum())
        root = np.array([ROOT_ID], dtype=np.int64)
        null = np.array([NULL_ID], dtype=np.int64)

        def column(parts):
            return np.concatenate([null] + [x for p in parts for x in (p, root)]) if len(parts) else null.copy()

        self.props = np.stack([column(words), column(tags), column(upos)])   # (3, size)
        self.size = size
        self.head = np.zeros(size, dtype=np.int64)
        self.label = np.zeros(size, dtype=np.int64)
        self.kids = np.zeros((4, size), dtype=np.int64)      # l, l2, r, r2
        self.valency = np.zeros((2, size), dtype=np.int64)   # left and right children so far
        width = (int(lengths[0]) if len(lengths) else 0) + 3
        self.stack = np.zeros((len(lengths), width), dtype=np.int64)
        self.sp = np.full(len(lengths), 3, dtype=np.int64)
        self.b = self.start.copy()
        self.steps = 2 * lengths
        self._neg_steps = -self.steps
        self._rows = np.arange(len(lengths))

    def active(self, t: int) -> int:
        """How many sentences still need a transition at step t."""
        return int(np.searchsorted(self._neg_steps, -t, side="left"))

    def positions(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """The slots of STATE_POSITIONS and the values of STATE_SCALARS (`mv` 0) of the first m states."""
        pos = np.empty((m, len(STATE_POSITIONS)), dtype=np.int64)
        sp = self.sp[:m]
        pos[:, 0:3] = self.stack[self._rows[:m, None], sp[:, None] - _BELOW]       # s0 s1 s2
        s0, s1 = pos[:, 0], pos[:, 1]
        b0 = self.b[:m]
        buf = b0[:, None] + _AHEAD
        buf[buf > self.end[:m, None]] = 0
        pos[:, 3:6] = buf                                                          # b0 b1 b2
        heads = pos[:, _HEADS]                                                     # s0 s1 b0
        kids = self.kids[:, heads]                                                 # (l, l2, r, r2) x m x 3
        pos[:, 6:10] = kids[:, :, 0].T                                             # s0l s0l2 s0r s0r2
        pos[:, 10] = kids[0, :, 1]                                                 # s1l
        pos[:, 11:13] = kids[2:, :, 1].T                                           # s1r s1r2
        pos[:, 13:15] = kids[:2, :, 2].T                                           # b0l b0l2
        pos[:, 15:18] = self.kids[_OUTER, pos[:, _INNER]]                          # s0ll s0rr b0ll
        first = self.start[:m]
        pos[:, 18] = np.where(s0 > first, s0 - 1, 0)                               # s0m1 (s0 may be NULL)
        pos[:, 19] = np.where(s0 > 0, s0 + 1, 0)                                   # s0p1
        pos[:, 20] = np.where(s1 > 0, s1 + 1, 0)                                   # s1p1
        pos[:, 21] = np.where(b0 > first, b0 - 1, 0)                               # b0m1
        scal = np.zeros((m, len(STATE_SCALARS)), dtype=np.int64)
        scal[:, 0] = np.where(s0 > 0, _DIST[np.minimum(b0 - s0, _DMAX)], 0)
        scal[:, 1] = np.where(s1 > 0, _DIST[np.minimum(s0 - s1, _DMAX)], 0)
        scal[:, 2:7] = np.minimum(self.valency[_VAL_SIDE, heads[:, _VAL_WHO]], 4)  # s0vl s0vr s1vl s1vr b0vl
        return pos, scal

    def valid(self, m: int) -> np.ndarray:
        """Which transitions each of the first m states allows (m x 3): SHIFT needs a word in the
        buffer, RIGHT two words on the stack, LEFT a word on the stack and, onto the ROOT, nothing
        else left (so that the ROOT gets one dependent)."""
        sp = self.sp[:m]
        words_left = self.b[:m] < self.end[:m]
        out = np.empty((m, 3), dtype=bool)
        out[:, SHIFT] = words_left
        out[:, LEFT] = (sp > 3) & (words_left | (sp == 4))
        out[:, RIGHT] = sp > 4
        return out

    def apply(self, m: int, moves: np.ndarray, labels: np.ndarray | None = None) -> None:
        """Make one transition in each of the first m states (each valid where it is made),
        giving the arcs made the relations `labels` (ids + 1, one per state) if given."""
        r = np.arange(m)
        sp = self.sp[:m]
        b0 = self.b[:m]
        shift = moves == SHIFT
        left = moves == LEFT
        right = moves == RIGHT
        rs = r[shift]
        self.stack[rs, sp[rs]] = b0[rs]
        rl = r[left]
        if len(rl):     # s0 becomes the leftmost child of b0
            self._arc(self.stack[rl, sp[rl] - 1], b0[rl], 0, labels[rl] if labels is not None else None)
        rr = r[right]
        if len(rr):     # s0 becomes the rightmost child of s1
            self._arc(self.stack[rr, sp[rr] - 1], self.stack[rr, sp[rr] - 2], 1,
                      labels[rr] if labels is not None else None)
        self.sp[:m] += np.where(shift, 1, -1)
        self.b[:m] += shift

    def _arc(self, d: np.ndarray, h: np.ndarray, side: int, labels: np.ndarray | None) -> None:
        """Attach dependents `d` to heads `h` on `side` (0 left, 1 right): the new outermost
        child of that side, the one before it now second."""
        self.head[d] = h
        if labels is not None:
            self.label[d] = labels
        outer, second = 2 * side, 2 * side + 1
        self.kids[second, h] = self.kids[outer, h]
        self.kids[outer, h] = d
        self.valency[side, h] += 1

    def arc_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every word of a finished batch: its slot, the slots of ARC_POSITIONS and the ARC_SCALARS."""
        size = self.size
        is_word = np.ones(size, dtype=bool)
        is_word[0] = False
        is_word[self.end] = False
        d = np.flatnonzero(is_word)
        if not len(d):
            return d, np.zeros((0, len(ARC_POSITIONS)), dtype=np.int64), np.zeros((0, len(ARC_SCALARS)), dtype=np.int64)
        head = self.head
        h = head[d]
        root = np.zeros(size, dtype=bool)
        root[self.end] = True
        hh = np.where(root[h], 0, head[h])
        # the sentence each slot belongs to: first and last word slots bound its neighbours
        sent = np.searchsorted(self.end, d)
        first, last = self.start[sent], self.end[sent] - 1
        dm1 = np.where(d > first, d - 1, 0)
        dp1 = np.where(d < last, d + 1, 0)
        hword = ~root[h]
        hm1 = np.where(hword & (h > first), h - 1, 0)
        hp1 = np.where(hword & (h < last), h + 1, 0)
        # children of every head in order: siblings, and a head's nearest left children
        order = np.lexsort((d, h))
        hs, ds = h[order], d[order]
        same_prev = np.r_[False, hs[1:] == hs[:-1]]
        same_next = np.r_[hs[:-1] == hs[1:], False]
        ls = np.zeros(size, dtype=np.int64)
        rs = np.zeros(size, dtype=np.int64)
        ls[ds[same_prev]] = ds[np.flatnonzero(same_prev) - 1]
        rs[ds[same_next]] = ds[np.flatnonzero(same_next) + 1]
        keys = hs * size + ds
        at = np.searchsorted(keys, d * size + d) - 1          # the last child of d left of d
        valid1 = (at >= 0) & (hs[np.maximum(at, 0)] == d)
        near1 = np.zeros(size, dtype=np.int64)
        near1[d[valid1]] = ds[at[valid1]]
        at2 = at - 1
        valid2 = valid1 & (at2 >= 0) & (hs[np.maximum(at2, 0)] == d)
        near2 = np.zeros(size, dtype=np.int64)
        near2[d[valid2]] = ds[at2[valid2]]
        k = self.kids
        pos = np.stack([d, h, hh, k[0, d], k[1, d], k[2, d], k[3, d], ls[d], rs[d], near1[h], near2[h],
                        dm1, dp1, hm1, hp1, k[2, h], k[0, h]], axis=1)
        vl, vr = self.valency
        direction = np.where(root[h], 2, (h > d).astype(np.int64))
        dist = np.where(root[h], 0, _bucket(np.abs(h - d)))
        scal = np.stack([direction, dist, np.minimum(vl[d], 4), np.minimum(vr[d], 4),
                         np.minimum(vl[h], 4), np.minimum(vr[h], 4),
                         (ls[d] == 0).astype(np.int64), (rs[d] == 0).astype(np.int64)], axis=1)
        return d, pos, scal

    def atoms(self, pos: np.ndarray, scal: np.ndarray) -> np.ndarray:
        """The atom matrix: the word, tag, UPOS and relation so far of each position, then the scalars."""
        n, p = pos.shape
        out = np.empty((n, 4 * p + scal.shape[1]), dtype=np.int64)
        props = out[:, :3 * p]
        props.shape = (n, 3, p)          # a view of `out` (setting the shape never copies)
        props[:] = self.props[:, pos].transpose(1, 0, 2)
        out[:, 3 * p:4 * p] = self.label[pos]
        out[:, 4 * p:] = scal
        return out


def atom_names(positions: Sequence[str], scalars: Sequence[str]) -> list[str]:
    """The column names of `Batch.atoms`: `s0.w`, `s1.w`, ..., `s0.t`, ..., `s0.d`, ..., then the scalars."""
    return [f"{p}.{q}" for q in PROPERTIES for p in positions] + list(scalars)


STATE_ATOMS = atom_names(STATE_POSITIONS, STATE_SCALARS)
_MV = STATE_ATOMS.index("mv")
ARC_ATOMS = atom_names(ARC_POSITIONS, ARC_SCALARS)


class Parser:
    """A trained parser: vocabularies, the move and relation feature templates and their tables."""

    def __init__(self, header: dict[str, Any], words: list[str], tags: list[str], labels: list[str],
                 move_features: Features, moves: Table | PackedTable, label_features: Features | None,
                 relations: Table | PackedTable | None, online: tuple[Features, Table | PackedTable] | None = None):
        """With `online`, each arc gets a relation as it is made (and later moves may test it);
        without `label_features`, those relations are final, else the finished tree is labelled."""
        self.header = header
        self.words = {w: i + FIRST_ID for i, w in enumerate(words)}
        self.tags = {t: i + FIRST_ID for i, t in enumerate(tags)}
        upos: dict[str, int] = {}
        for t in tags:
            upos.setdefault(t.partition(" ")[0], len(upos) + FIRST_ID)
        self._word_ids = _WordIds(self.words)
        self._tag_ids = _Unknown({tuple(t.split(" ", 1)): i for t, i in self.tags.items()})
        self._upos_ids = _Unknown(upos)
        self.labels = labels
        self.move_features = move_features
        self.moves = moves
        self.label_features = label_features
        self.relations = relations
        self.online = online
        if ROOT_LABEL not in labels:
            raise ValueError(f"the relation labels must include {ROOT_LABEL!r}")
        self._root = labels.index(ROOT_LABEL)
        self.chunk = 1024
        self._fast: "_Lockstep | None | bool" = False

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Parser":
        """The parser in `path`, by default the one shipped with evx; ModelError if the file is
        not a readable parser model."""
        path = DEFAULT_MODEL if path is None else Path(path)
        return ready.load(path, KIND, lambda: _ready_arrays(path), lambda arrays: cls._from_ready(arrays, str(path)))

    @classmethod
    def _from_ready(cls, arrays: dict[str, np.ndarray], source: str) -> "Parser":
        """The parser whose ready arrays (see _ready_arrays) these are; ModelError if damaged."""
        try:
            header = json.loads(arrays["header"].tobytes())
        except (KeyError, ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"{source}: no readable header ({exc})") from None
        if type(header) is not dict:
            raise ModelError(f"{source}: no readable header")
        return cls.from_arrays(header, arrays, source)

    @classmethod
    def from_arrays(cls, header: dict[str, Any], arrays: dict[str, np.ndarray], source: str = "<model>") -> "Parser":
        """The parser that a model file's header and arrays describe (ModelError naming `source` if damaged).
        Tables made from them before (`move_packed`, `online_rowmap`, `relation_weights`, as
        _ready_arrays adds them) are taken as they are."""
        try:
            words = decode_strings(arrays["words"])
            tags = decode_strings(arrays["tags"])
            labels = decode_strings(arrays["labels"])
            mbits = int(header["move_bits"])
            move_features = Features(header["move_templates"], STATE_ATOMS, mbits)
            moves = _stored_table(arrays, "move", mbits, 3, len(move_features))
            label_features = relations = online = None
            if "label_templates" in header:
                lbits = int(header["label_bits"])
                label_features = Features(header["label_templates"], ARC_ATOMS, lbits)
                relations = _stored_table(arrays, "label", lbits, len(labels), len(label_features))
            if "online_templates" in header:
                obits = int(header["online_bits"])
                features = Features(header["online_templates"], STATE_ATOMS, obits)
                online = (features, _stored_table(arrays, "online", obits, len(labels), len(features)))
            if label_features is None and online is None:
                raise ValueError("no relation model")
            parser = cls(header, words, tags, labels, move_features, moves, label_features, relations, online)
            if "relation_weights" in arrays:
                parser._fast = _Lockstep(parser, arrays["relation_weights"])
            return parser
        except (KeyError, TypeError, ValueError, UnicodeDecodeError, IndexError) as exc:
            raise ModelError(f"{source}: a damaged parser model ({type(exc).__name__}: {exc})") from None

    def _ids(self, sentences, upos, xpos) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """The word, tag and UPOS ids of each sentence."""
        if not sentences:
            return [], [], []
        ends = np.cumsum([len(s) for s in sentences])[:-1]
        words, tags, ups = self._flat_ids(sentences, upos, xpos)
        return np.split(words, ends), np.split(tags, ends), np.split(ups, ends)

    def _flat_ids(self, sentences, upos, xpos) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The word, tag and UPOS ids of the words of all sentences, end to end."""
        flat_upos = list(chain.from_iterable(upos))
        flat_xpos = list(chain.from_iterable(xpos))
        try:
            words = np.fromiter(map(self._word_ids.__getitem__, chain.from_iterable(sentences)), np.int64)
            tags = np.fromiter(map(self._tag_ids.__getitem__, zip(flat_upos, flat_xpos)), np.int64, len(flat_upos))
            ups = np.fromiter(map(self._upos_ids.__getitem__, flat_upos), np.int64, len(flat_upos))
        except (AttributeError, TypeError):
            bad = next(x for x in (*(w for s in sentences for w in s), *flat_upos, *flat_xpos) if not isinstance(x, str))
            raise TypeError(f"parse: words and tags must be strings, not {type(bad).__name__}") from None
        return words, tags, ups

    def parse(self, sentences: Sequence[Sequence[str]], upos: Sequence[Sequence[str]],
              xpos: Sequence[Sequence[str]]) -> list[tuple[list[int], list[str]]]:
        """(heads, relations) for each sentence: 0-based heads, -1 for the root, whose relation is `root`."""
        _check_lengths(sentences, upos, xpos)
        order = sorted(range(len(sentences)), key=lambda k: -len(sentences[k]))
        out: list[tuple[list[int], list[str]]] = [([], []) for _ in sentences]
        lockstep = self._lockstep()
        if lockstep is not None:
            if not sentences:
                return out
            ids = np.stack(self._flat_ids(sentences, upos, xpos), axis=1)
            lengths = np.array([len(s) for s in sentences], dtype=np.int64)
            offsets = np.cumsum(lengths) - lengths
            names = self.labels
            for lo in range(0, len(order), self.chunk):
                part = order[lo:lo + self.chunk]
                heads, labels, start, end = lockstep.parse(ids, offsets[part], lengths[part])
                heads, labels = heads.tolist(), labels.tolist()
                for k, s, e in zip(part, start.tolist(), end.tolist()):
                    out[k] = ([h - s if h != e else -1 for h in heads[s:e]], [names[i - 1] for i in labels[s:e]])
            return out
        words, tags, ups = self._ids(sentences, upos, xpos)
        for lo in range(0, len(order), self.chunk):
            part = order[lo:lo + self.chunk]
            batch = Batch([words[k] for k in part], [tags[k] for k in part], [ups[k] for k in part])
            self.run(batch)
            labels = self.label(batch)
            heads = batch.head
            for j, k in enumerate(part):
                s, e = int(batch.start[j]), int(batch.end[j])
                hs = heads[s:e] - s
                hs[hs == e - s] = -1
                out[k] = (hs.tolist(), [self.labels[i] for i in labels[s - 1 - j:e - 1 - j]])
        return out

    def _lockstep(self) -> "_Lockstep | None":
        """The faster loop of `parse`, for a stored model with relations given as arcs are made."""
        if self._fast is False:
            fit = (self.label_features is None and self.online is not None
                   and isinstance(self.moves, PackedTable) and isinstance(self.online[1], PackedTable)
                   and self.moves.rowmap is None and self.moves.packed.shape[1] == 1
                   and self.online[0].bits <= self.move_features.bits
                   and len(self.online[0]) <= 256)          # see _sum_terms
            self._fast = _Lockstep(self) if fit else None
        return self._fast

    def run(self, batch: Batch) -> None:
        """Make every transition of a batch with the move model."""
        steps = int(batch.steps[0]) if len(batch.steps) else 0
        features, table = self.move_features, self.moves
        for t in range(steps):
            m = batch.active(t)
            pos, scal = batch.positions(m)
            atoms = batch.atoms(pos, scal)
            scores = table.scores(features.rows(atoms))
            scores[~batch.valid(m)] = -np.inf
            moves = scores.argmax(axis=1)
            labels = None
            if self.online is not None:
                arcs = np.flatnonzero(moves != SHIFT)
                scores = self.online_scores(batch, atoms, pos, moves, arcs)
                labels = np.zeros(m, dtype=np.int64)
                labels[arcs] = scores.argmax(axis=1) + 1
            batch.apply(m, moves, labels)

    def online_scores(self, batch: Batch, atoms: np.ndarray, pos: np.ndarray, moves: np.ndarray,
                      arcs: np.ndarray, table=None) -> np.ndarray:
        """Relation scores of the arcs being made by `moves` in the states `arcs` (the relation
        `root` allowed for, and only for, the arc from the ROOT)."""
        features, table = self.online[0], table or self.online[1]
        a = atoms[arcs]
        a[:, _MV] = moves[arcs]
        scores = table.scores(features.rows(a))
        to_root = (moves[arcs] == LEFT) & (pos[arcs, 3] == batch.end[arcs])
        scores[:, self._root] = np.where(to_root, np.inf, -np.inf)
        return scores

    def label(self, batch: Batch) -> np.ndarray:
        """The relation of every word of a finished batch, in slot order (ids into self.labels)."""
        d, pos, scal = batch.arc_positions()
        if not len(d):
            return np.zeros(0, dtype=np.int64)
        if self.label_features is None:
            return batch.label[d] - 1
        scores = self.relations.scores(self.label_features.rows(batch.atoms(pos, scal)))
        is_root = scal[:, 0] == 2
        scores[:, self._root] = -np.inf
        best = scores.argmax(axis=1)
        best[is_root] = self._root
        return best


def _ready_arrays(path: Path) -> tuple[dict[str, np.ndarray], Parser]:
    """The parser in `path`, and the arrays it runs on: those of the file, its header, and the
    tables made from them when first parsing: the move table's packed rows and, for the
    lockstep loop, the relation table's row map and padded rows."""
    header, arrays = load_model(path, KIND)
    parser = Parser.from_arrays(header, arrays, str(path))
    out = {"header": np.frombuffer(json.dumps(header).encode("utf-8"), np.uint8), **arrays,
           "move_packed": parser.moves.packed}
    lockstep = parser._lockstep()
    if lockstep is not None:
        if parser.online[1].rowmap is not None:
            out["online_rowmap"] = parser.online[1].rowmap
        out["relation_weights"] = lockstep.relation_weights
    return out, parser


def _stored_table(arrays: dict[str, np.ndarray], name: str, bits: int, classes: int, terms: int) -> PackedTable:
    """A table kept as a bitmap of the buckets it has rows for, and those rows (with its packed
    rows and row map, when they were kept too)."""
    bitmap = arrays[f"{name}_rows"]
    weights = arrays[f"{name}_weights"]
    if bitmap.dtype != np.uint8 or bitmap.shape != ((1 << bits) // 8,):
        raise ValueError(f"{name} table: a bitmap of {(1 << bits) // 8} bytes was expected, not {bitmap.shape}")
    kept = np.unpackbits(bitmap).view(bool)
    if weights.ndim != 2 or weights.shape != (int(kept.sum()), classes):
        raise ValueError(f"{name} table: {weights.shape} weights for {int(kept.sum())} rows of {classes}")
    return PackedTable(bits, kept, weights, terms, arrays.get(f"{name}_rowmap"), arrays.get(f"{name}_packed"))


def store_table(weights: np.ndarray, cut: float, columns: int, clip: float = 1.0) -> dict[str, np.ndarray]:
    """The arrays that keep a trained table (n buckets x classes, float), quantised to int8 with
    one scale: weights beyond the `clip` quantile of the rows' largest weights are clipped (a few
    very large weights would otherwise leave little resolution for the rest), and rows whose
    largest weight is under `cut` times that limit, or that quantise to zeros, are dropped."""
    weights = weights[:, :columns]
    top = np.abs(weights).max(axis=1)
    nonzero = top[top > 0]
    limit = float(np.quantile(nonzero, clip)) if len(nonzero) and clip < 1 else float(top.max(initial=0.0))
    scale = limit / 127 if limit > 0 else 1.0
    q = np.clip(np.rint(weights / scale), -127, 127).astype(np.int8)
    kept = (top > cut * limit) & np.any(q != 0, axis=1)
    return {"rows": np.packbits(kept), "weights": q[kept], "scale": np.array([scale], dtype=np.float32)}


# -- the shipped model's parsing loop -------------------------------------------------------
#
# `Parser.run` makes each transition through `Batch.positions`, `Batch.atoms`, `Features.rows`
# and `PackedTable.scores`, which the training script shares. With stored (packed) tables, a
# relation given to each arc as it is made and no tree labeller, `Parser.parse` goes through
# `_Lockstep` instead: the same atoms, hashes and exact integer sums, so the same trees, in
# fewer array operations per transition (the sentences of one document are few, so that a
# transition costs mostly its number of array operations, then its table lookups):
#   - the stack keeps b0 just above its top, so that s0, s1, s2 and b0 are one gather, and its
#     bottom is a slot numbered after all others (no word), so that a missing s0 or s1 makes
#     the distances negative, read as 0 from one lookup table;
#   - a table of the batch holds each slot's fixed neighbours (the words before and after it,
#     the next two of the buffer, whether it is a word) and its children and valencies so far:
#     one gather gives all of them for s0, s1 and b0, a second the grandchildren;
#   - the move templates of every state are hashed in one pass (`_Hashes`), then the relation
#     templates of the states that make an arc, with that arc's move; the move scores stay in
#     their packed lanes;
#   - invalid moves are a penalty looked up by whether b0, s0 and s1 are words; the relation
#     table is unpacked to int8 rows in which `root` can never win, and the one arc from the
#     ROOT of each sentence gets `root` after the loop.

# The positions in the order the lockstep loop gathers them (each its word, tag, UPOS and
# relation: four atom columns), then the scalars and `mv`, the move (SHIFT while choosing one).
_LOCK_POSITIONS = ("s0", "s1", "s2", "b0", "b1", "b2", "s0m1", "s0p1", "s1p1", "b0m1",
                   "s0l", "s0l2", "s0r", "s0r2", "s1l", "s1r", "s1r2", "b0l", "b0l2",
                   "s0ll", "s0rr", "b0ll")
_LOCK_SCALARS = ("dist", "dist1", "s0vl", "s0vr", "s1vl", "s1vr", "b0vl")
_NP = len(_LOCK_POSITIONS)
_LOCK_MV = 4 * _NP + len(_LOCK_SCALARS)
# The table of a slot: the word before it (0 at a sentence's first word) and after it, the next
# two slots of the buffer up to the ROOT, 1 for a word (0 for NULL and the ROOT): fixed; then
# its children l, l2, r, r2 and its left and right valencies so far.
_PREV, _NEXT, _NB1, _NB2, _WORD, _L, _L2, _R, _R2, _VL, _VR = range(11)
_SLOT = 11
# What one gather takes from the table, for (s0, s1, s2, b0)[_WHO]: b1 b2 s0m1 s0p1 s1p1 b0m1,
# the children (s0l s0l2 s0r s0r2 s1l s1r s1r2 b0l b0l2), whether b0, s0 and s1 are words, and
# the valencies s0vl s0vr s1vl s1vr b0vl.
_WHO = np.array([3, 3, 0, 0, 1, 3, 0, 0, 0, 0, 1, 1, 1, 3, 3, 3, 0, 1, 0, 0, 1, 1, 3], dtype=np.intp)
_COL = np.array([_NB1, _NB2, _PREV, _NEXT, _NEXT, _PREV, _L, _L2, _R, _R2, _L, _R, _R2, _L, _L2,
                 _WORD, _WORD, _WORD, _VL, _VR, _VL, _VR, _VL], dtype=np.int64)
_G_POS, _G_WORDS, _G_VAL = slice(0, 15), slice(15, 18), slice(18, 23)
# grandchildren: the l of s0l, the r of s0r, the l of b0l (columns of the gathered children)
_GRAND_WHO = np.array([6, 8, 13], dtype=np.intp)
_GRAND_COL = np.array([_L, _R, _L], dtype=np.int64)
_STACK_AT = np.array([-1, -2, -3, 0], dtype=np.int64)          # s0 s1 s2, and b0 above the top
_DIST_OF = np.array([[-1, 1], [0, -1], [0, 0], [1, 0]], dtype=np.int64)   # (s0 s1 s2 b0) -> b0-s0, s0-s1
_VALID_CODE = np.array([1, 2, 4], dtype=np.int64)                # b0, s0, s1 are words
_BIG = np.int64(1 << 40)
_SP_STEP = np.array([1, -1, -1], dtype=np.int64)
_HEAD_WHO = np.array([0, 3, 1], dtype=np.intp)                   # LEFT: b0, RIGHT: s1
_KID_SIDE = np.array([0, _L, _R], dtype=np.int64)
_VAL_SIDE2 = np.array([0, _VL, _VR], dtype=np.int64)


def _valid_penalties() -> np.ndarray:
    """By (b0 is a word) + 2 (s0 is) + 4 (s1 is): 0 for a valid move, -BIG for another (Batch.valid)."""
    out = np.zeros((8, 3), dtype=np.int64)
    for code in range(8):
        words_left, s0, s1 = code & 1, code >> 1 & 1, code >> 2 & 1
        valid = (words_left, s0 and (words_left or not s1), s1)
        out[code] = [0 if v else -_BIG for v in valid]
    return out


@dataclass(frozen=True)
class _Hashes:
    """The table rows of a set of templates (as `Features.rows` gives them) from an atom matrix,
    hashed in a few whole-array passes: the templates in order of arity, so that the j-th atom
    of each applies to a suffix of them. A template whose first atom is the move starts from its
    seed mixed with the move (the same hash, one atom fewer to gather)."""
    seeds: np.ndarray       # (template, move) uint64
    gather: np.ndarray      # atom columns: each template's first atom, then each j-th atom in turn
    steps: tuple[tuple[int, int, int], ...]     # (first template, gathered columns from, to) of atom j > 0
    shift: np.uint64

    @classmethod
    def of(cls, features: Features, column: dict[str, int]) -> "_Hashes":
        mask, mix1, mix2 = (1 << 64) - 1, int(_MIX1), int(_MIX2)
        entries = []
        for i, template in enumerate(features.templates):
            atoms = list(template)
            seed = (i + 1) * mix2 & mask
            seeds = [seed] * 3
            if len(atoms) > 1 and atoms[0] == "mv":
                seeds = [(seed ^ mv) * mix1 & mask for mv in (SHIFT, LEFT, RIGHT)]
                atoms = atoms[1:]
            entries.append((seeds, [column[a] for a in atoms]))
        entries.sort(key=lambda e: len(e[1]))
        gather = [cols[0] for _, cols in entries]
        steps = []
        for j in range(1, max(len(cols) for _, cols in entries)):
            start = next(k for k, (_, cols) in enumerate(entries) if len(cols) > j)
            steps.append((start, len(gather), len(gather) + len(entries) - start))
            gather += [cols[j] for _, cols in entries[start:]]
        return cls(np.array([seeds for seeds, _ in entries], dtype=np.uint64),
                   np.array(gather, dtype=np.intp), tuple(steps), features._shift)

    def rows(self, atoms: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        """The row of every template (down) for every line of `atoms` (across), int64, hashed
        from `seeds`: a move's column of `self.seeds`, or a column of them per line. Templates
        down, so that each pass works on one contiguous block (a quarter faster than across)."""
        values = np.take(np.ascontiguousarray(atoms.T).view(np.uint64), self.gather, axis=0, mode="clip")
        key = values[:len(self.seeds)] ^ seeds
        key *= _MIX1
        for lo, a, b in self.steps:
            part = key[lo:]
            part ^= values[a:b]
            part *= _MIX1
        key ^= key >> _SHIFT29
        key *= _MIX2
        key >>= self.shift
        return key.view(np.int64)


def _sum_terms(rows: np.ndarray) -> np.ndarray:
    """The sum of int8 rows (terms, n, classes) over the terms, exact in int16 (for at most
    256 terms), by halves: numpy's sum into a wider type converts element by element on its
    way, and takes about twice as long."""
    n = len(rows)
    half = (n + 1) // 2
    total = rows[:half].astype(np.int16)
    total[:n - half] += rows[half:]
    n = half
    while n > 1:
        half = (n + 1) // 2
        total[:n - half] += total[half:n]
        n = half
    return total[0]


class _Lockstep:
    """The parsing loop of a stored parser with online relations (see above)."""

    def __init__(self, parser: "Parser", relation_weights: np.ndarray | None = None):
        """`relation_weights`, if given, are the padded relation rows made before (see below)."""
        move_features, (online_features, online_table) = parser.move_features, parser.online
        self.moves = parser.moves
        column = {}
        for q, prop in enumerate(PROPERTIES):
            for p, name in enumerate(_LOCK_POSITIONS):
                column[f"{name}.{prop}"] = 4 * p + q
        for j, name in enumerate(_LOCK_SCALARS):
            column[name] = 4 * _NP + j
        column["mv"] = _LOCK_MV
        self.move_hashes = _Hashes.of(move_features, column)
        self.online_hashes = _Hashes.of(online_features, column)
        self.penalty = _valid_penalties()
        # The relation table unpacked to its int8 weights, rows of 64 bytes (one gather and a
        # sum by halves, _sum_terms, cost less than the packed words), through its row map.
        # Column 0 stands for no relation, so that the best column is the relation's id + 1,
        # as the atoms keep it. That column, `root` and the padding weigh -128 in every row: their sum over the
        # templates is below any relation's (stored weights lie within -127..127), so that an
        # arc never gets them; the one arc from the ROOT of each sentence gets `root` after.
        classes = online_table.classes
        width = -(-(classes + 1) // 64) * 64
        if relation_weights is None:
            self.relation_rows, unpacked = online_table.int8_rows()
            self.relation_weights = np.full((len(unpacked), width), -128, dtype=np.int8)
            self.relation_weights[:, 1:classes + 1] = unpacked
            self.relation_weights[:, parser._root + 1] = -128
        else:
            rowmap = online_table.rowmap
            self.relation_rows = np.arange(len(online_table._kept), dtype=np.int32) if rowmap is None else rowmap
            rows = len(online_table._kept) if rowmap is None else len(online_table._weights) + 1
            if relation_weights.shape != (rows, width) or relation_weights.dtype != np.int8:
                raise ValueError(f"relation rows of shape {(rows, width)} were expected, not {relation_weights.shape}")
            self.relation_weights = relation_weights
        self.root = parser._root
        if self.moves.rowmap is not None or self.moves.packed.shape[1] != 1:
            raise ValueError("the lockstep loop takes a dense move table of one word a row")
        self.move_words = np.ascontiguousarray(self.moves.packed[:, 0])
        self.move_lanes = self.moves._shifts[:self.moves.classes]
        self.move_mask = self.moves._mask

    def parse(self, ids: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Heads and relations (ids + 1) by slot, and the first and ROOT slots, of sentences
        longest first (slots as in Batch), each `lengths` rows of `ids` (word, tag, UPOS ids)
        from `offsets`."""
        n = len(lengths)
        start = 1 + np.concatenate([[0], np.cumsum(lengths + 1)])[:n].astype(np.int64)
        end = start + lengths
        size = 1 + int((lengths + 1).sum())
        # Slot `size` is below every stack: no word, like slot 0, but after every slot, so that
        # b0 - s0 and s0 - s1 are negative when s0 or s1 is missing (a distance of 0).
        empty = size
        props = np.zeros((size + 1, 4), dtype=np.int64)    # word, tag, UPOS, relation so far
        sentence = np.repeat(np.arange(n), lengths + 1)     # of slots 1 ..
        sent_end = np.concatenate([[0], end[sentence]])
        words = np.flatnonzero(np.arange(1, size) < sent_end[1:]) + 1
        props[words, :3] = ids[words - (start - offsets)[sentence[words - 1]]]
        props[end, :3] = ROOT_ID
        props_flat = props.reshape(-1)
        slot = np.arange(size, dtype=np.int64)
        table = np.zeros((size + 1, _SLOT), dtype=np.int64)
        table[:size, _PREV] = slot - 1
        table[start, _PREV] = 0
        table[:size, _NEXT] = slot + 1
        table[:size, _NB1] = np.where(slot + 1 <= sent_end, slot + 1, 0)
        table[:size, _NB2] = np.where(slot + 2 <= sent_end, slot + 2, 0)
        table[:size, _WORD] = slot < sent_end
        table[0] = 0
        table[end, _NEXT] = 0
        flat = table.reshape(-1)
        head = np.zeros(size, dtype=np.int64)
        width = (int(lengths[0]) if n else 0) + 4
        stack = np.full(n * width, empty, dtype=np.int64)
        top = np.arange(n, dtype=np.int64) * width + 3       # where b0 is kept, above the stack
        stack[top] = start
        steps = 2 * lengths
        total_steps = int(steps[0]) if n else 0
        active = np.searchsorted(-steps, -np.arange(total_steps), side="left").tolist()
        no_move = np.zeros((n, 1), dtype=np.int64)     # SHIFT in the `mv` column
        distance = np.zeros(_DMAX + 1 + size, dtype=np.int64)    # a negative difference: 0
        distance[:_DMAX + 1] = _DIST
        move_hashes, online_hashes = self.move_hashes, self.online_hashes
        move_seeds, online_seeds = move_hashes.seeds[:, SHIFT:SHIFT + 1], online_hashes.seeds
        penalty = self.penalty
        move_lanes, move_mask = self.move_lanes, self.move_mask
        move_words = self.move_words
        relation_rows, relation_weights = self.relation_rows, self.relation_weights
        for m in active:
            at = top[:m]
            state = stack[at[:, None] + _STACK_AT]                               # s0 s1 s2 b0
            got = flat[state[:, _WHO] * _SLOT + _COL]
            grand = flat[got[:, _GRAND_WHO] * _SLOT + _GRAND_COL]
            pos = np.concatenate((state, got[:, _G_POS], grand), axis=1)
            dist = distance[np.minimum(state @ _DIST_OF, _DMAX)]
            # (np.take with mode="clip" skips the bounds checks of indexing: the slots are in range)
            atoms = np.concatenate((np.take(props, pos, axis=0, mode="clip").reshape(m, 4 * _NP), dist,
                                    np.minimum(got[:, _G_VAL], 4), no_move[:m]), axis=1)
            key = move_hashes.rows(atoms, move_seeds)
            scores = np.take(move_words, key, mode="clip").sum(axis=0)[:, None] >> move_lanes
            scores &= move_mask
            scores += penalty[got[:, _G_WORDS] @ _VALID_CODE]
            moves = scores.argmax(axis=1)
            arcs = moves.nonzero()[0]
            if len(arcs):
                mv = moves[arcs]
                made = atoms[arcs]
                made[:, _LOCK_MV] = mv
                rows = online_hashes.rows(made, online_seeds[:, mv])
                rel = _sum_terms(np.take(relation_weights, relation_rows[rows], axis=0, mode="clip"))
                d = state[arcs, 0]
                h = state[arcs, _HEAD_WHO[mv]]
                head[d] = h
                props_flat[d * 4 + 3] = rel.argmax(axis=1)
                h *= _SLOT
                side = h + _KID_SIDE[mv]
                flat[side + 1] = flat[side]
                flat[side] = d
                flat[h + _VAL_SIDE2[mv]] += 1
            at += _SP_STEP[moves]
            b0 = state[:, 3]
            b0 += moves == SHIFT
            stack[at] = b0
        labels = props[:size, 3]
        labels[head == sent_end] = self.root + 1          # the arcs from the ROOT (and slot 0)
        return head, labels, start, end
