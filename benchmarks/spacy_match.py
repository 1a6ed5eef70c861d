"""spaCy's Matcher on the benchmark rule family: raw text in, matches out, in one process.

    python benchmarks/spacy_match.py N CORPUS.jsonl [--lemmas LEMMAS.json] [-o OUT.jsonl]

The pipeline is spaCy's blank English one with a sentencizer and the lookup lemmatizer (its
tables come from the `spacy-lookups-data` package), then one Matcher holding N patterns of
`rulegen.spacy_patterns`. The patterns anchor on the first N lemmas of LEMMAS.json (as written
by `python benchmarks/rulegen.py CORPUS N LEMMAS.json`); without it they are worked out from
CORPUS with evx's annotator, which is slow and makes the process import evx: benchmarks pass
the file.

Each match is written as one JSON line (document id, pattern, token and character span,
text). Matches are kept longest-first and non-overlapping per pattern (`greedy="LONGEST"`),
which is the closest to evx's leftmost, non-overlapping matches; spaCy matches over the whole
document, so unlike evx a match may cross a sentence boundary. A summary goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Iterator

BATCH = 64


def patterns(lemmas: list[str]) -> list[list[dict]]:
    """The same patterns as rulegen.spacy_patterns, without importing evx."""
    return [[{"LOWER": {"IN": ["the", "a", "an"]}, "OP": "?"}, {"LEMMA": lemma},
             {"LOWER": {"IN": ["in", "to", "with", "on", "at"]}}, {"SHAPE": {"REGEX": "^X"}, "OP": "+"}]
            for lemma in lemmas]


def make_nlp():
    """Blank English + sentencizer + lookup lemmatizer. Raises when the lookup tables are
    missing (pip install spacy-lookups-data)."""
    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def make_matcher(nlp, lemmas: list[str]):
    from spacy.matcher import Matcher
    matcher = Matcher(nlp.vocab)
    for i, pattern in enumerate(patterns(lemmas)):
        matcher.add(f"bench-{i}", [pattern], greedy="LONGEST")
    return matcher


def read_corpus(path: str) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                item = json.loads(line)
                yield str(item.get("id", number)), item["text"]


def run(nlp, matcher, items, out) -> tuple[int, int, int]:
    """Documents, tokens and matches; each match written to `out` as a JSON line."""
    docs = tokens = found = 0
    for doc, doc_id in nlp.pipe(items, batch_size=BATCH, as_tuples=True):
        docs += 1
        tokens += len(doc)
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            out.write(json.dumps({"doc": doc_id, "rule": nlp.vocab.strings[match_id], "start": span.start_char,
                                  "end": span.end_char, "tokens": [start, end], "text": span.text},
                                 ensure_ascii=False) + "\n")
            found += 1
    return docs, tokens, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of patterns")
    parser.add_argument("corpus", help="JSON Lines with id and text")
    parser.add_argument("--lemmas", help="JSON list of lemmas (rulegen.py CORPUS N OUT.json)")
    parser.add_argument("-o", "--output", default="-", help="where the matches go (default stdout)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.lemmas:
        lemmas = json.loads(Path(args.lemmas).read_text(encoding="utf-8"))
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import rulegen
        lemmas = rulegen.frequent_lemmas(rulegen.read_texts(args.corpus), args.n)
    if len(lemmas) < args.n:
        parser.error(f"{args.lemmas} holds {len(lemmas)} lemmas, {args.n} wanted")
    nlp = make_nlp()
    matcher = make_matcher(nlp, lemmas[:args.n])
    ready = time.perf_counter()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    try:
        docs, tokens, found = run(nlp, matcher, ((text, doc_id) for doc_id, text in read_corpus(args.corpus)), out)
    finally:
        if out is not sys.stdout:
            out.close()
    done = time.perf_counter()
    print(f"spacy_match: {docs} documents, {tokens} tokens, {found} matches, {args.n} patterns; "
          f"setup {ready - began:.3f} s, run {done - ready:.3f} s, {tokens / max(done - ready, 1e-9):,.0f} tokens/s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
