"""Base phrases (chunks) read off a dependency tree, in BIO form.

A chunk is a head with the contiguous dependents that belong to its phrase and to no
phrase below it, as in the CoNLL-2000 chunks: a noun phrase is a nominal with its
determiners, modifiers, compounds, numbers, possessors and the parts of a name
(`the new U.S. envoy`); a verb phrase is a verb with its auxiliaries, negation,
infinitival `to` and the adverbs between them (`has not yet arrived`). Prepositions are
PP, subordinators SBAR, verb particles PRT; a lone adjective or adverb is ADJP or ADVP;
punctuation and conjunctions are outside any chunk (`O`).
"""
from __future__ import annotations

NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM", "SYM"})
# Relations whose dependent is part of its head's noun phrase.
_NP_PARTS = frozenset({"det", "amod", "compound", "nummod", "flat", "fixed", "goeswith", "nmod:poss",
                        "nmod:desc"})
_SINGLE = {"ADP": "PP", "SCONJ": "SBAR", "ADJ": "ADJP", "ADV": "ADVP", "INTJ": "INTJ"}


def _base(rel: str) -> str:
    return rel.partition(":")[0]


def _in_np(rel: str) -> bool:
    known = _IN_NP.get(rel)
    if known is None:
        known = rel in _NP_PARTS or (_base(rel) in _NP_PARTS and rel != "compound:prt")
        if len(_IN_NP) < 4096:
            _IN_NP[rel] = known
    return known


_IN_NP: dict[str, bool] = {}       # by relation, as met


def chunk_tags(upos: list[str], heads: list[int], rels: list[str]) -> list[str]:
    """One BIO chunk tag per token (`B-NP`, `I-NP`, `B-VP`, ..., `O`)."""
    n = len(upos)
    deps: list[list[int]] = [[] for _ in range(n)]
    cop_heads = []                  # heads with a copula, in order
    for i, h in enumerate(heads):
        if 0 <= h < n:
            deps[h].append(i)
            if rels[i] == "cop":
                cop_heads.append(h)
    label: list[str | None] = [None] * n
    start = [False] * n

    def claim(members: set[int], anchor: int, kind: str) -> None:
        lo = hi = anchor
        while lo - 1 >= 0 and lo - 1 in members and label[lo - 1] is None:
            lo -= 1
        while hi + 1 < n and hi + 1 in members and label[hi + 1] is None:
            hi += 1
        for k in range(lo, hi + 1):
            label[k] = kind
        start[lo] = True

    top_down = sorted(range(n), key=_depths(heads).__getitem__)    # phrases from the top down
    for h in top_down:
        if label[h] is not None:
            continue
        if upos[h] in NOMINAL and not (upos[h] == "NUM" and rels[h] == "nummod"):
            claim(_np_members(h, upos, rels, deps), h, "NP")
        elif upos[h] == "VERB" or (upos[h] == "AUX" and rels[h] not in ("aux", "aux:pass", "cop")):
            claim(_vp_members(h, h, upos, rels, deps), h, "VP")
    for h in sorted(set(cop_heads)):     # copulas, with their own auxiliaries and negation
        cops = [d for d in deps[h] if rels[d] == "cop" and label[d] is None]
        if cops:
            claim(_vp_members(h, cops[0], upos, rels, deps, include_head=False), cops[0], "VP")
    for i in top_down:
        if label[i] is None:
            kind = "PRT" if rels[i] == "compound:prt" else _SINGLE.get(upos[i])
            if kind == "ADJP" or kind == "ADVP":
                claim({i} | {d for d in deps[i] if rels[d] == "advmod" and d < i}, i, kind)
            elif kind == "PP":
                claim({i} | {d for d in deps[i] if rels[d] == "fixed"}, i, kind)
            elif kind:
                label[i], start[i] = kind, True
            elif upos[i] in ("VERB", "AUX"):
                label[i], start[i] = "VP", True
            elif upos[i] in NOMINAL or upos[i] in ("DET", "X"):
                label[i], start[i] = "NP", True
    tags = []
    for i in range(n):
        if label[i] is None:
            tags.append("O")
        else:
            tags.append(("B-" if start[i] or i == 0 or label[i - 1] != label[i] else "I-") + label[i])
    return tags


def _depths(heads: list[int]) -> list[int]:
    """The depth of every token (as `_depth`), each path walked once when the heads form a tree."""
    n = len(heads)
    depth = [-1] * n
    for i in range(n):
        path = []
        x = i
        while depth[x] < 0:
            path.append(x)
            h = heads[x]
            if not 0 <= h < n:
                base = 0
                break
            if len(path) > n:           # a cycle: count each token's steps on its own
                return [_depth(k, heads) for k in range(n)]
            x = h
        else:
            base = depth[x] + 1
        for k, y in enumerate(reversed(path)):
            depth[y] = base + k
    return depth


def _depth(i: int, heads: list[int]) -> int:
    depth = 0
    while 0 <= heads[i] < len(heads) and depth < len(heads):
        i = heads[i]
        depth += 1
    return depth


def _np_members(h: int, upos: list[str], rels: list[str], deps: list[list[int]]) -> set[int]:
    members = {h}
    todo = [h]
    while todo:
        x = todo.pop()
        for d in deps[x]:
            if d in members:
                continue
            rel = rels[d]
            in_np = _IN_NP.get(rel)
            if in_np is None:
                in_np = _in_np(rel)
            if in_np or (rel == "case" and upos[d] == "PART") or (rel == "advmod" and x != h and d < x):
                members.add(d)
                todo.append(d)
    # a hyphen between two parts of the phrase joins them: `a two - state solution`
    for x in list(members):
        for d in deps[x]:
            if rels[d] == "punct" and d - 1 in members and d + 1 in members:
                members.add(d)
    return members


def _vp_members(h: int, anchor: int, upos: list[str], rels: list[str], deps: list[list[int]],
                include_head: bool = True) -> set[int]:
    members = {h} if include_head else {anchor}
    left = [d for d in deps[h] if d < h]
    for d in left:
        rel = rels[d]
        if rel in ("aux", "aux:pass", "cop") or (upos[d] == "PART" and rel in ("advmod", "mark")):
            members.add(d)
    if len(members) > 1 or not include_head:
        first = min(members)
        for d in left:
            if first < d < max(members) and rels[d] == "advmod" and upos[d] == "ADV":
                members.add(d)
    return members
