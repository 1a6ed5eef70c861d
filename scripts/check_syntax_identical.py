"""Check that the embedded tagger, parser and chunker give exactly the output they gave before.

`--write FILE` records the UPOS, XPOS, heads, relations and chunks of every token of a set of
news documents (JSON lines, run through the syntax stage one document at a time, as `evx`
does) and of every sentence of some CoNLL-U files (their words only, tagged and parsed in
batches of several sizes, so that the output is also shown not to depend on the batch).
`--against FILE` computes the same and reports every sentence that differs (exit status 1 if
any does). Record with the code to compare against, then change the code and check.

    python scripts/check_syntax_identical.py --docs news.jsonl --conllu a.conllu b.conllu --write before.json.gz
    python scripts/check_syntax_identical.py --docs news.jsonl --conllu a.conllu b.conllu --against before.json.gz
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from evx.syntax.chunks import chunk_tags
from evx.syntax.stage import ALL, add_syntax, _parser, _tagger
from evx.syntax.treebank import read_treebank
from evx.text.annotate import annotate

BATCH_SIZES = (1, 7, 64, 100_000)


def news_outputs(path: Path) -> dict[str, list]:
    out = {}
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            item = json.loads(line)
            doc = add_syntax(annotate(item["text"], item.get("id")), ALL)
            for s in doc.sentences:
                out[f"{path.name}:{n}:{s.index}"] = [
                    [t.word, t.pos, t.tag, t.head, t.incoming, list(t.outgoing), t.chunk] for t in s.tokens]
    return out


def treebank_outputs(path: Path) -> dict[str, list]:
    sentences = [s.forms for s in read_treebank(path)]
    tagger, parser = _tagger(), _parser()
    out: dict[str, list] = {}
    for size in BATCH_SIZES:
        for lo in range(0, len(sentences), size):
            part = sentences[lo:lo + size]
            tags = tagger.tag(part)
            trees = parser.parse(part, [u for u, _ in tags], [x for _, x in tags])
            for k, (words, (upos, xpos), (heads, rels)) in enumerate(zip(part, tags, trees)):
                chunks = chunk_tags(upos, heads, rels)
                key = f"{path.name}:{lo + k}" if size == BATCH_SIZES[0] else f"{path.name}:{lo + k}@{size}"
                out[key] = [list(x) for x in zip(words, upos, xpos, heads, rels, chunks)]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, nargs="*", default=[], help="JSON-lines documents (`text`, `id`)")
    ap.add_argument("--conllu", type=Path, nargs="*", default=[],
                    help="CoNLL-U files whose words are tagged and parsed")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", type=Path, help="record the output here (gzipped JSON)")
    what.add_argument("--against", type=Path, help="compare with a recorded output")
    args = ap.parse_args(argv)
    began = time.perf_counter()
    out: dict[str, list] = {}
    for p in args.docs:
        out.update(news_outputs(p))
    for p in args.conllu:
        out.update(treebank_outputs(p))
    seconds = time.perf_counter() - began
    tokens = sum(len(v) for v in out.values())
    if args.write:
        with gzip.open(args.write, "wt", encoding="utf-8") as f:
            json.dump(out, f)
        print(f"recorded {len(out):,} sentences, {tokens:,} tokens ({seconds:.1f} s)")
        return 0
    with gzip.open(args.against, "rt", encoding="utf-8") as f:
        before = json.load(f)
    missing = sorted(set(before) ^ set(out))
    differ = [k for k in before if k in out and before[k] != out[k]]
    for k in differ[:10]:
        print(f"differs: {k}")
        for old, new in zip(before[k], out[k]):
            if old != new:
                print(f"  before {old}\n  now    {new}")
    if missing:
        print(f"{len(missing)} sentences in one output only, e.g. {missing[:3]}")
    print(f"{len(out):,} sentences, {tokens:,} tokens compared ({seconds:.1f} s): "
          f"{len(differ)} differ, {len(missing)} unmatched")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
