"""scripts/headline_treebank.py: sentences of a treebank rewritten as headlines, trees kept whole."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from evx.syntax.treebank import read_sentences

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "headline_treebank.py"
_spec = importlib.util.spec_from_file_location("headline_treebank", SCRIPT)
headline_treebank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(headline_treebank)

SENTENCE = """# sent_id = s1
# text = The army was attacked by a mob.
1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tarmy\tarmy\tNOUN\tNN\tNumber=Sing\t4\tnsubj:pass\t_\t_
3\twas\tbe\tAUX\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t4\taux:pass\t_\t_
4\tattacked\tattack\tVERB\tVBN\tTense=Past|VerbForm=Part|Voice=Pass\t0\troot\t_\t_
5\tby\tby\tADP\tIN\t_\t7\tcase\t_\t_
6\ta\ta\tDET\tDT\tDefinite=Ind|PronType=Art\t7\tdet\t_\t_
7\tmob\tmob\tNOUN\tNN\tNumber=Sing\t4\tobl:agent\t_\t_
8\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = s2
# text = Rebels stormed the city.
1\tRebels\trebel\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_
2\tstormed\tstorm\tVERB\tVBD\tMood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t4\tdet\t_\t_
4\tcity\tcity\tNOUN\tNN\tNumber=Sing\t2\tobj\t_\t_
5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# sent_id = s3
# text = He fled.
1\tHe\the\tPRON\tPRP\tCase=Nom|Number=Sing|Person=3|PronType=Prs\t2\tnsubj\t_\t_
2\tfled\tflee\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
"""


def _sentences():
    return list(read_sentences(SENTENCE.splitlines(keepends=True)))


def test_articles_auxiliaries_and_the_full_stop_go_and_heads_follow():
    rows = headline_treebank.headline(_sentences()[0])
    assert [w.form for w in rows] == ["Army", "attacked", "by", "mob"]
    assert [w.head for w in rows] == ["2", "0", "4", "2"]
    assert [w.deprel for w in rows] == ["nsubj:pass", "root", "case", "obl:agent"]
    assert rows[1].xpos == "VBN"            # a participle stays one


def test_a_past_main_verb_turns_present_by_its_subject():
    rows = headline_treebank.headline(_sentences()[1])
    assert [(w.form, w.xpos) for w in rows] == [("Rebels", "NNS"), ("storm", "VBP"), ("city", "NN")]
    rows = headline_treebank.headline(_sentences()[2])
    assert [(w.form, w.xpos) for w in rows] == [("He", "PRP"), ("flees", "VBZ")]


def test_present_tense_spelling():
    assert [headline_treebank.present(v, True) for v in ("hit", "push", "carry", "stay", "go", "be")] == \
        ["hits", "pushes", "carries", "stays", "goes", "is"]
    assert headline_treebank.present("carry", False) == "carry"


def test_the_written_treebank_reads_back(tmp_path):
    ewt = tmp_path / "in" / "UD_English-EWT"
    ewt.mkdir(parents=True)
    for name in ("train", "dev", "test"):
        (ewt / f"en_ewt-ud-{name}.conllu").write_text(SENTENCE, encoding="utf-8")
    counts = headline_treebank.write(tmp_path / "in", tmp_path / "out", share=1.0, seed=1)
    assert counts == {"train": 3, "train_headlines": 3, "dev_headlines": 3}
    train = list(read_sentences((tmp_path / "out" / "UD_English-EWT" / "en_ewt-ud-train.conllu")
                                .read_text(encoding="utf-8").splitlines(keepends=True)))
    # each headline right after its original, so that a jackknife's folds keep them together
    assert [s.comment("sent_id") for s in train] == ["s1", "s1-headline", "s2", "s2-headline", "s3", "s3-headline"]
    assert all(s.heads for s in train)
