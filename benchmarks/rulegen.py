"""The benchmark rule family, as evx rules and as spaCy Matcher patterns.

Rule i anchors on L_i, the i-th most frequent lemma of the corpus after the 100 most
frequent are skipped:

    [lower=/^(the|a|an)$/]? (?<trigger> [lemma=L_i]) [lower=/^(in|to|with|on|at)$/] (?<arg> [shape=/^X/]+)

Run as a script to write a rule file: python benchmarks/rulegen.py CORPUS.jsonl N OUT.yml
(an OUT ending in .json gets the lemma list instead, as benchmarks/spacy_match.py reads it).
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable

import evx

SKIP = 100
RULE_COUNTS = (10, 100, 1000)     # the rule-set sizes the benchmarks compare
_PLAIN = re.compile(r"^[a-z][a-z'-]*$")


def read_texts(path: str | Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def frequent_lemmas(texts: Iterable[str], count: int, skip: int = SKIP) -> list[str]:
    """Lemmas by frequency, the first `skip` left out; only plain words, so that every engine
    reads them the same way."""
    freq: Counter = Counter()
    for text in texts:
        for sentence in evx.annotate(text).sentences:
            freq.update(tok.lemma for tok in sentence.tokens)
    ranked = [lemma for lemma, _ in freq.most_common()]
    plain = [lemma for lemma in ranked[skip:] if _PLAIN.match(lemma)]
    if len(plain) < count:
        raise ValueError(f"the corpus has only {len(plain)} usable lemmas, {count} wanted")
    return plain[:count]


def evx_rules(lemmas: list[str]) -> str:
    """A rule file with one rule per lemma."""
    lines = ["# benchmark rules: one per lemma, see benchmarks/rulegen.py", "rules:"]
    for i, lemma in enumerate(lemmas):
        lines += [f"  - name: bench-{i}",
                  f"    label: B{i}",
                  "    pattern: |",
                  f"      [lower=/^(the|a|an)$/]? (?<trigger> [lemma=\"{lemma}\"]) "
                  "[lower=/^(in|to|with|on|at)$/] (?<arg> [shape=/^X/]+)"]
    return "\n".join(lines) + "\n"


def spacy_patterns(lemmas: list[str]) -> list[list[dict]]:
    return [[{"LOWER": {"IN": ["the", "a", "an"]}, "OP": "?"}, {"LEMMA": lemma},
             {"LOWER": {"IN": ["in", "to", "with", "on", "at"]}}, {"SHAPE": {"REGEX": "^X"}, "OP": "+"}]
            for lemma in lemmas]


def count_tokens(texts: Iterable[str]) -> int:
    """Tokens as evx's annotator counts them."""
    return sum(evx.annotate(t).token_count for t in texts)


def repeat_to(texts: list[str], tokens: int, per_pass: int | None = None) -> list[str]:
    """The corpus repeated until it holds about `tokens` tokens (`per_pass`: its token
    count, when already known)."""
    per_pass = per_pass or count_tokens(texts)
    times = max(1, round(tokens / per_pass))
    return texts * times


def write_corpus(texts: list[str], path: str | Path) -> None:
    """JSON Lines, one document per text, with ids bench-0, bench-1, ..."""
    with open(path, "w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": f"bench-{i}", "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    corpus, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lemmas = frequent_lemmas(read_texts(corpus), n)
    if out.endswith(".json"):
        Path(out).write_text(json.dumps(lemmas), encoding="utf-8")
    else:
        Path(out).write_text(evx_rules(lemmas), encoding="utf-8")
