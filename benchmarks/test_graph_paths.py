"""The cost bound of graph rules: paths walked over deep and wide trees of 1,000, 2,000 and
4,000 tokens. A walk visits each (instruction, token) state at most once, so the time per
token should stay flat as the sentence grows, whatever the quantifiers.

`deep` is a chain (each token the head of the one before it, the last the root), `wide` a
star (the first token the head of all the others). Each path starts from one leaf (the
first token of the chain, the last of the star) and reaches every token. These need no
corpus: `python -m pytest benchmarks/test_graph_paths.py`. The last one runs graph rules over
the gold trees of EWT's development set, and skips without the treebank.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import evx
from evx.pattern.parser import parse_graph
from evx.pattern.paths import compile_path
from evx.pattern.treewalk import Tree, reach
from evx.pattern.vm import SentenceState
from evx.rulefile.taxonomy import Taxonomy
from evx.text.document import Token

LENGTHS = (1000, 2000, 4000)
SHAPES = ("deep", "wide")
PATHS = {
    "any-walk": "(>> | <<)*",
    "nested-stars": "((<<)* (>>)*)*",
    "lookahead-in-a-loop": "(<< (?= (>> | <<)*))* (>> (?! >/x/))*",
    "counted": "(>> | <<){1,30}",
}


def tree_sentence(n: int, shape: str) -> evx.Sentence:
    """One sentence of `n` tokens `w` (the start leaf `x`) joined by `dep` into a chain or a star."""
    tokens, pos = [], 0
    start = 0 if shape == "deep" else n - 1
    for i in range(n):
        word = "x" if i == start else "w"
        if shape == "deep":
            head = i + 1 if i + 1 < n else -1
        else:
            head = 0 if i else -1
        tokens.append(Token(i, pos, pos + len(word), word, word, word, "x", incoming="dep" if head >= 0 else "root",
                            head=head, pos="X", tag="X"))
        pos += len(word) + 1
    return evx.Sentence(0, 0, pos - 1, tuple(tokens))


@pytest.fixture(scope="module")
def sentences():
    return {(n, shape): tree_sentence(n, shape) for n in LENGTHS for shape in SHAPES}


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PATHS)
def test_walk(benchmark, sentences, throughput, name, shape, n):
    """The walk alone: one path from one token, the tree built per round as a rule does."""
    program = compile_path(parse_graph(f"trigger = x\nr = {PATHS[name]}").roles[0].path, Taxonomy())
    sentence = sentences[n, shape]
    start = [0 if shape == "deep" else n - 1]

    def walk():
        return reach(program, Tree(SentenceState(sentence)), start)
    found = benchmark(walk)
    if name == "counted" and shape == "deep":
        assert found == list(range(31))
    else:
        assert found == list(range(n))
    throughput(benchmark, n)


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("shape", SHAPES)
def test_graph_rule(benchmark, sentences, throughput, tmp_path, shape, n):
    """A whole graph rule in the cascade: the trigger, the walk and every token an argument."""
    path = tmp_path / "graph.yml"
    path.write_text("rules:\n  - name: g\n    label: EV\n    type: graph\n    pattern: |\n"
                    "      trigger = x\n      r = (>> | <<)*\n", encoding="utf-8")
    rules = evx.load_rules(path)
    sentence = sentences[n, shape]
    text = " ".join(t.word for t in sentence.tokens)
    doc = evx.Document("tree", text, (sentence,))
    [event] = benchmark(rules.matches, doc)
    assert len(event.arguments["r"]) == n
    throughput(benchmark, n)


# the treebanks next to the repository, or the CoNLL-U file named by EVX_BENCH_TREEBANK
TREEBANK = Path(os.environ.get("EVX_BENCH_TREEBANK") or Path(__file__).resolve().parent.parent.parent
                / "shared" / "treebanks" / "UD_English-EWT" / "en_ewt-ud-dev.conllu")


@pytest.fixture(scope="module")
def ewt_docs():
    """The EWT development set with its gold trees, as documents of 50 sentences each."""
    if not TREEBANK.exists():
        pytest.skip(f"no treebank at {TREEBANK}")
    from evx.syntax.treebank import read_treebank
    sentences = read_treebank(TREEBANK)
    docs = []
    for at in range(0, len(sentences), 50):
        words, tokens, pos = [], [], 0
        for number, sentence in enumerate(sentences[at:at + 50]):
            first = len(tokens)
            for w in sentence.words:
                head = int(w.head)
                tokens.append({"start": pos, "end": pos + len(w.form), "lemma": w.lemma, "pos": w.upos,
                               "tag": w.xpos, "head": first + head - 1 if head else -1, "dep": w.deprel,
                               "sentence": number})
                words.append(w.form)
                pos += len(w.form) + 1
        docs.append(evx.annotate(" ".join(words), tokens=tokens))
    return docs


def test_graph_rules_on_gold_trees(benchmark, ewt_docs, throughput, tmp_path):
    """Three graph rules on every verb and noun of EWT's development set (gold trees): a dense
    case, as nearly every sentence has triggers and every trigger walks its paths."""
    path = tmp_path / "dense.yml"
    path.write_text("""\
rules:
  - name: clause
    label: CLAUSE
    type: graph
    pattern: |
      trigger = [pos=VERB]
      subject = >nsubj | >nsubj:pass | <xcomp >nsubj
      object? = >obj | >iobj
      oblique? = >obl (?= >case [lemma in (in, to, from, at, on)])
  - name: noun
    label: NOUN
    type: graph
    pattern: |
      trigger = [pos=NOUN]
      owner? = >nmod:poss
      modifier? = >amod | >compound
      governor? = </^(obj|nsubj)/
  - name: far
    label: FAR
    type: graph
    pattern: |
      trigger = [pos=PROPN]
      clause? = (<< [pos!=VERB])* << [pos=VERB]
      top? = <<* [incoming=root]
""", encoding="utf-8")
    rules = evx.load_rules(path)
    tokens = sum(doc.token_count for doc in ewt_docs)

    def run():
        return sum(len(rules.matches(doc)) for doc in ewt_docs)
    found = benchmark.pedantic(run, rounds=3, iterations=1)
    assert found > 5_000
    throughput(benchmark, tokens)
