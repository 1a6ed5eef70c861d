"""Write a copy of UD English EWT whose training set also holds sentences in headline form.

    python scripts/headline_treebank.py --treebanks ../shared/treebanks --out DIR [--share 0.5] [--seed 1]

News headlines leave out what running text needs: "Car bomb hits police station" has no
article, "Five killed in attack" no auxiliary, and a past event is told in the present. EWT
has almost no such sentences, so a tagger and parser trained on it read "hits" as a plural
noun. This script rewrites a sentence of the treebank the way a headline would put it:
  - the articles "the", "a" and "an" go;
  - a form of "be" that is an auxiliary or a copula goes ("was killed" -> "killed");
  - a past-tense main verb with a subject turns present ("killed" -> "kills", VBZ; "kill",
    VBP, for a plural subject), spelled by the regular rules of English;
  - the final full stop goes, and the first word is capitalised as the sentence's was.
Only words with no dependents of their own are dropped, so the tree stays whole; a sentence
the rewrite leaves as it was, or whose dropped word lies inside a multiword token, is skipped.

DIR gets `UD_English-EWT/` with the training set followed, sentence by sentence, by the
headline form of `--share` of its sentences (chosen by `--seed`; each right after its original,
so that the folds of a jackknife keep the two together), dev and test as they are, and
`en_ewt-ud-dev-headlines.conllu` (the headline form of every dev sentence that has one, to
measure on); and `UD_English-PUD/` as it is. The same arguments write the same files.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from evx.syntax.treebank import Row, TreeSentence, read_treebank

EWT, PUD = "UD_English-EWT", "UD_English-PUD"
ARTICLES = frozenset({"the", "a", "an"})
IRREGULAR_PRESENT = {"be": ("is", "are"), "have": ("has", "have"), "do": ("does", "do"), "go": ("goes", "go")}


def present(lemma: str, singular: bool) -> str:
    """The present-tense form of a verb: third person singular, or the bare form."""
    if lemma in IRREGULAR_PRESENT:
        return IRREGULAR_PRESENT[lemma][0 if singular else 1]
    if not singular:
        return lemma
    if lemma.endswith(("s", "x", "z", "ch", "sh", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _feature(feats: str, key: str) -> str | None:
    for item in feats.split("|"):
        name, _, value = item.partition("=")
        if name == key:
            return value
    return None


def _dropped(sentence: TreeSentence) -> set[int]:
    """Ids of the words a headline leaves out."""
    words = sentence.words
    has_dependents = {int(w.head) for w in words if w.head.isdigit()}
    drop = set()
    for w in words:
        if w.id in has_dependents:
            continue
        if w.deprel == "det" and w.form.lower() in ARTICLES:
            drop.add(w.id)
        elif w.deprel in ("aux", "aux:pass", "cop") and w.lemma == "be":
            drop.add(w.id)
    last = words[-1]
    if last.upos == "PUNCT" and last.form in (".", "!") and last.id not in has_dependents:
        drop.add(last.id)
    return drop


def _present_tense(w: Row, subjects: set[int]) -> Row:
    """A past-tense main verb with a subject, turned present; other words as they are."""
    if not (w.xpos == "VBD" and w.upos == "VERB" and w.deprel == "root" and w.id in subjects):
        return w
    singular = _feature(w.feats, "Number") == "Sing" and _feature(w.feats, "Person") == "3"
    form = present(w.lemma.lower(), singular)
    if w.form[:1].isupper():
        form = form[:1].upper() + form[1:]
    feats = w.feats.replace("Tense=Past", "Tense=Pres")
    return Row(w.line, w.id, form, w.lemma, w.upos, "VBZ" if singular else "VBP", feats, w.head, w.deprel, w.deps, w.misc)


def headline(sentence: TreeSentence) -> list[Row] | None:
    """The sentence's words in headline form, renumbered, or None if it has none."""
    drop = _dropped(sentence)
    inside_multiword = {i for m in sentence.multiwords for i in range(m.first, m.last + 1)}
    if drop & inside_multiword:
        return None
    subjects = {int(w.head) for w in sentence.words if w.deprel in ("nsubj", "nsubj:pass") and w.head.isdigit()}
    kept = [_present_tense(w, subjects) for w in sentence.words if w.id not in drop]
    if not kept or (not drop and all(a is b for a, b in zip(kept, sentence.words))):
        return None
    new_id = {w.id: k for k, w in enumerate(kept, 1)}
    rows = []
    for k, w in enumerate(kept, 1):
        head = "0" if w.head == "0" else str(new_id[int(w.head)])
        form = w.form
        if k == 1 and sentence.words[0].form[:1].isupper():
            form = form[:1].upper() + form[1:]
        rows.append(Row(w.line, k, form, w.lemma, w.upos, w.xpos, w.feats, head, w.deprel, "_", "_"))
    return rows


def conllu(sent_id: str, rows: list[Row]) -> str:
    lines = [f"# sent_id = {sent_id}", "# text = " + " ".join(w.form for w in rows)]
    lines += ["\t".join((str(w.id), w.form, w.lemma, w.upos, w.xpos, w.feats, w.head, w.deprel, w.deps, w.misc))
              for w in rows]
    return "\n".join(lines) + "\n\n"


def _blocks(path: Path) -> list[str]:
    """The sentences of a CoNLL-U file as the text they are written in."""
    text = path.read_text(encoding="utf-8")
    return [block + "\n\n" for block in text.strip("\n").split("\n\n")]


def write(treebanks: Path, out: Path, share: float, seed: int) -> dict[str, int]:
    source, target = treebanks / EWT, out / EWT
    target.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "train_headlines": 0, "dev_headlines": 0}
    rng = random.Random(seed)
    train = source / "en_ewt-ud-train.conllu"
    sentences, blocks = read_treebank(train), _blocks(train)
    if len(sentences) != len(blocks):
        raise SystemExit(f"headline_treebank: {train}: {len(sentences)} sentences but {len(blocks)} blocks")
    with (target / "en_ewt-ud-train.conllu").open("w", encoding="utf-8") as f:
        for number, (sentence, block) in enumerate(zip(sentences, blocks)):
            f.write(block)
            counts["train"] += 1
            if rng.random() >= share:
                continue
            rows = headline(sentence)
            if rows is not None:
                f.write(conllu(f"{sentence.comment('sent_id') or number}-headline", rows))
                counts["train_headlines"] += 1
    with (target / "en_ewt-ud-dev-headlines.conllu").open("w", encoding="utf-8") as f:
        for number, sentence in enumerate(read_treebank(source / "en_ewt-ud-dev.conllu")):
            rows = headline(sentence)
            if rows is not None:
                f.write(conllu(f"{sentence.comment('sent_id') or number}-headline", rows))
                counts["dev_headlines"] += 1
    for name in ("en_ewt-ud-dev.conllu", "en_ewt-ud-test.conllu", "LICENSE.txt"):
        if (source / name).exists():
            shutil.copyfile(source / name, target / name)
    if (treebanks / PUD).is_dir():
        shutil.copytree(treebanks / PUD, out / PUD, dirs_exist_ok=True)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treebanks", type=Path, required=True, help="folder holding UD_English-EWT (and UD_English-PUD)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--share", type=float, default=0.5, help="share of training sentences also given in headline form")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if not (args.treebanks / EWT / "en_ewt-ud-train.conllu").exists():
        print(f"headline_treebank: no {EWT}/en_ewt-ud-train.conllu under {args.treebanks}", file=sys.stderr)
        return 2
    counts = write(args.treebanks, args.out, args.share, args.seed)
    print(f"wrote {args.out}: {counts['train']} training sentences and {counts['train_headlines']} in headline form;"
          f" {counts['dev_headlines']} dev sentences in headline form")
    return 0


if __name__ == "__main__":
    sys.exit(main())
