"""What spaCy Docs cost evx: `from_spacy` beside evx's own annotator and spaCy's tokenizer.

    python benchmarks/spacy_convert.py                     # the dev corpus, a blank English pipeline
    python benchmarks/spacy_convert.py --pipeline PATH --repeat 5 CORPUS.jsonl

Each figure is the best of `--repeat` passes over the whole corpus, in this process: evx's
`annotate`, the pipeline alone (`nlp(text)`), `from_spacy` on those Docs as they are, and
`from_spacy` on the same Docs with every annotation it reads (tags, parts of speech, lemmas,
a tree, entities and sentences) set by hand, which is what a trained pipeline hands over.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("EVX_BENCH_CORPUS")
                      or Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "voa-dev-articles.jsonl")


def _annotated(doc):
    """The Doc again, with every column from_spacy reads filled in."""
    from spacy.tokens import Doc
    n = len(doc)
    return Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
               tags=["NN"] * n, pos=["NOUN"] * n, lemmas=[t.text for t in doc],
               heads=[0] * n, deps=["ROOT"] + ["dep"] * (n - 1),
               ents=["B-GPE" if t.is_title else "O" for t in doc])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="JSON Lines with a 'text' field")
    parser.add_argument("--pipeline", help="a spaCy pipeline to load (default: spacy.blank('en'))")
    parser.add_argument("--repeat", type=int, default=5, help="passes; the best is shown")
    args = parser.parse_args(argv)
    try:
        import spacy
    except ImportError:
        print("spaCy is not installed: pip install 'evx-events[spacy]'", file=sys.stderr)
        return 2
    if not Path(args.corpus).is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    import evx
    from evx.io.spacy import from_spacy

    texts = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8") if line.strip()]
    nlp = spacy.load(args.pipeline) if args.pipeline else spacy.blank("en")
    evx.annotate("Warm up.")
    docs = [nlp(text) for text in texts]
    full = [_annotated(doc) for doc in docs]
    tokens = sum(from_spacy(doc).token_count for doc in docs)
    runs = {
        "evx annotate": lambda: [evx.annotate(text) for text in texts],
        "spaCy pipeline": lambda: [nlp(text) for text in texts],
        "from_spacy, as the pipeline left it": lambda: [from_spacy(doc) for doc in docs],
        "from_spacy, every annotation set": lambda: [from_spacy(doc) for doc in full],
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(max(args.repeat, 1)):
        for name, run in runs.items():         # interleaved, so that a slow stretch hits all alike
            began = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - began)
    print(f"{len(texts)} documents, {tokens:,} tokens (as from_spacy keeps them), best of {args.repeat}")
    for name, seconds in best.items():
        print(f"  {name:38} {seconds:7.3f} s  {tokens / seconds:>10,.0f} tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
