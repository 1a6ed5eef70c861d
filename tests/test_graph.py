"""Graph rules (`type: graph`): a trigger found by a token pattern, arguments found by paths
over the dependency tree. Every construct on small hand-built trees (tests/trees.py), the
walker against a plain set interpreter on random trees, errors with their places, the
compile cache, records and the cascade, and the command line (match, check, test, explain)."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

import evx
from evx.errors import PatternError
from evx.pattern import nodes as n
from evx.pattern.compiler import compile_constraint
from evx.pattern.parser import parse_graph
from evx.pattern.paths import compile_path
from evx.pattern.relations import RELATIONS
from evx.pattern.treewalk import Tree, phrase, reach
from evx.pattern.vm import SentenceState
from evx.rulefile.taxonomy import Taxonomy
from evx.text.document import Sentence, Token
from evx.tools.cli import main
from trees import LookupAnnotator, jsonl_line, tree_doc

ROOT = Path(__file__).resolve().parent.parent


# -- trees ----------------------------------------------------------------------------------------

ARRIVED = """
    1 The the DET DT 2 det
    2 delegation delegation NOUN NN 3 nsubj
    3 arrived arrive VERB VBD 0 root
    4 in in ADP IN 5 case
    5 Kabul Kabul PROPN NNP 3 obl
    6 from from ADP IN 7 case
    7 Tehran Tehran PROPN NNP 3 obl
    8 . . PUNCT . 3 punct
"""
WANTS = """
    1 The the DET DT 2 det
    2 minister minister NOUN NN 3 nsubj
    3 wants want VERB VBZ 0 root
    4 to to PART TO 5 mark
    5 visit visit VERB VB 3 xcomp
    6 Kabul Kabul PROPN NNP 5 obj
    7 . . PUNCT . 3 punct
"""
PASSIVE = """
    1 Kabul Kabul PROPN NNP 3 nsubj:pass
    2 was be AUX VBD 3 aux:pass
    3 visited visit VERB VBN 0 root
    4 by by ADP IN 6 case
    5 the the DET DT 6 det
    6 envoy envoy NOUN NN 3 obl:agent
    7 . . PUNCT . 3 punct
"""
# the attacker twelve tokens from the trigger, past a relative clause: no window reaches it
BLAST = """
    1 The the DET DT 2 det
    2 blast blast NOUN NN 13 nsubj:pass
    3 , , PUNCT , 5 punct
    4 which which PRON WDT 5 nsubj
    5 killed kill VERB VBD 2 acl:relcl
    6 nine nine NUM CD 7 nummod
    7 soldiers soldier NOUN NNS 5 obj
    8 near near ADP IN 10 case
    9 the the DET DT 10 det
    10 border border NOUN NN 5 obl
    11 , , PUNCT , 5 punct
    12 was be AUX VBD 13 aux:pass
    13 claimed claim VERB VBN 0 root
    14 by by ADP IN 16 case
    15 the the DET DT 16 det
    16 group group NOUN NN 13 obl:agent
    17 . . PUNCT . 13 punct
"""
MET = """
    1 Ann Ann PROPN NNP 4 nsubj
    2 and and CCONJ CC 3 cc
    3 Bob Bob PROPN NNP 1 conj
    4 met meet VERB VBD 0 root
    5 Carl Carl PROPN NNP 4 obj
    6 and and CCONJ CC 7 cc
    7 Dana Dana PROPN NNP 5 conj
    8 in in ADP IN 9 case
    9 Paris Paris PROPN NNP 4 obl
    10 . . PUNCT . 4 punct
"""
# a chain: each word the head of the one before, `e` the root
CHAIN = """
    1 a a X X 2 dep
    2 b b X X 3 dep
    3 c c X X 4 dep
    4 d d X X 5 dep
    5 e e X X 0 root
"""


def write_rules(folder: Path, text: str) -> Path:
    path = folder / "rules.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def graph_rules(folder: Path, pattern: str, *, mentions: dict[str, list[str]] | None = None,
                taxonomy: str | None = None, schema: str | None = None, extra: str = "",
                label: str = "EV") -> evx.RuleSet:
    """A rule set: a lexicon rule per mention label at priority 1, then graph rule `g`."""
    lines = []
    if taxonomy:
        lines += ["taxonomy:", textwrap.indent(textwrap.dedent(taxonomy).strip("\n"), "  ")]
    if schema:
        lines += ["events:", f"  {label}: {schema}"]
    lines.append("rules:")
    for i, (mention_label, phrases) in enumerate((mentions or {}).items()):
        lines += [f"  - name: lex{i}", f"    label: {mention_label}", "    type: lexicon",
                  f"    phrases: {json.dumps(phrases)}"]
    lines += ["  - name: g", f"    label: {label}", "    type: graph", f"    priority: {2 if mentions else 1}",
              "    pattern: |"]
    lines += ["      " + line for line in textwrap.dedent(pattern).strip("\n").splitlines()]
    if extra:
        lines.append(textwrap.dedent(extra).strip("\n"))
    return evx.load_rules(write_rules(folder, "\n".join(lines) + "\n"))


def events(rules: evx.RuleSet, doc: evx.Document, label: str = "EV") -> list[tuple[str, dict[str, list[str]]]]:
    """(trigger text, {role: argument texts}) of each event of `label`, in text order."""
    return [(r.trigger.text, {role: [s.text for s in spans] for role, spans in r.arguments.items()})
            for r in rules.extract(doc) if r.type == label]


# -- edges ----------------------------------------------------------------------------------------

def test_a_step_down_follows_the_relation_from_head_to_dependent(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=arrive]
        who = >nsubj
        where = >obl
    """)
    assert events(rules, tree_doc(ARRIVED)) == [("arrived", {"who": ["The delegation"], "where": ["Kabul", "Tehran"]})]


def test_a_step_up_follows_the_relation_from_dependent_to_head(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=delegation]
        did = <nsubj
        head = <<
    """)
    found = events(rules, tree_doc(ARRIVED))
    # the verb's phrase is everything it governs but punctuation, and but the trigger with
    # what the trigger governs: an argument never holds its own trigger
    assert found == [("delegation", {"did": ["arrived in Kabul from Tehran"],
                                     "head": ["arrived in Kabul from Tehran"]})]
    rules = graph_rules(tmp_path, """
        trigger = [lemma=delegation]
        did = <obj
    """)
    assert events(rules, tree_doc(ARRIVED)) == []       # its relation is nsubj, not obj


def test_any_relation_down_and_up(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [word=Kabul]
        below = >>
        above = <<
    """)
    # the phrase of the head stops where the trigger's own phrase ("in Kabul") begins
    assert events(rules, tree_doc(ARRIVED)) == [("Kabul", {"below": ["in"], "above": ["The delegation arrived"]})]


def test_an_exact_relation_does_not_take_its_subtypes(tmp_path):
    doc = tree_doc(PASSIVE)
    rules = graph_rules(tmp_path, "trigger = [lemma=visit]\nwho = >nsubj")
    assert events(rules, doc) == []
    rules = graph_rules(tmp_path, "trigger = [lemma=visit]\nwho = >nsubj:pass\nby = >obl:agent")
    assert events(rules, doc) == [("visited", {"who": ["Kabul"], "by": ["the envoy"]})]


def test_relations_by_regex(tmp_path):
    doc = tree_doc(PASSIVE)
    rules = graph_rules(tmp_path, "trigger = [lemma=visit]\nwho = >/^nsubj/\naux = >/^AUX/i\npass = >/pass$/")
    assert events(rules, doc) == [("visited", {"who": ["Kabul"], "aux": ["was"], "pass": ["Kabul", "was"]})]
    rules = graph_rules(tmp_path, "trigger = [lemma=visit]\nwho = >/^obl/")
    assert events(rules, doc) == [("visited", {"who": ["the envoy"]})]     # searched anywhere, anchored here


# -- filters and lookaheads -----------------------------------------------------------------------

def test_a_filter_keeps_the_tokens_that_satisfy_it(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=arrive]
        proper = >> [pos=PROPN & word!=Tehran]
        any = >nsubj []
        self = [tag=VBD]
    """)
    assert events(rules, tree_doc(ARRIVED)) == [
        ("arrived", {"proper": ["Kabul"], "any": ["The delegation"],
                     "self": ["The delegation arrived in Kabul from Tehran"]})]


def test_a_filter_on_mentions(tmp_path):
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nplace = >obl [mention=Location]",
                        mentions={"Location": ["Tehran"]})
    assert events(rules, tree_doc(ARRIVED)) == [("arrived", {"place": ["Tehran"]})]


def test_lookaheads_keep_the_tokens_from_which_a_path_does_or_does_not_reach(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=arrive]
        to = >obl (?= >case [lemma=in])
        not_from = >obl (?! >case [lemma=from])
        nested = >obl (?= >case (?! [lemma=in]))
        still = (?= >nsubj) >obl (?= <<)
    """)
    assert events(rules, tree_doc(ARRIVED)) == [
        ("arrived", {"to": ["Kabul"], "not_from": ["Kabul"], "nested": ["Tehran"], "still": ["Kabul", "Tehran"]})]
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nnone = (?! >nsubj) >obl")
    assert events(rules, tree_doc(ARRIVED)) == []


# -- sequences, alternatives, quantifiers ---------------------------------------------------------

def test_alternatives_and_sequences(tmp_path):
    rules = graph_rules(tmp_path, "trigger = [lemma=visit]\nvisitor = >nsubj | <xcomp >nsubj | >obl:agent")
    assert events(rules, tree_doc(WANTS)) == [("visit", {"visitor": ["The minister"]})]
    assert events(rules, tree_doc(PASSIVE)) == [("visited", {"visitor": ["the envoy"]})]


def word_sets(rules: evx.RuleSet, doc: evx.Document) -> list[list[str]]:
    """For each event, the words its one role `r` reached (phrases of single words here)."""
    return [found["r"] for _, found in events(rules, doc)]


@pytest.mark.parametrize("path, reached", [
    ("<<*", ["a", "b", "c", "d", "e"]),     # none or more: the start token too
    ("<<+", ["b", "c", "d", "e"]),
    ("<<?", ["a", "b"]),
    ("<<{2}", ["c"]),
    ("<<{1,2}", ["b", "c"]),
    ("<<{2,}", ["c", "d", "e"]),
    ("<<{,1}", ["a", "b"]),
    ("<<{4} >>{0,2}", ["c", "d", "e"]),
    ("(<< <<)*", ["a", "c", "e"]),
    ("(<< | << <<){2}", ["c", "d", "e"]),
    ("(<dep [lemma!=c])+", ["b"]),
    ("(>> | <<)*", ["a", "b", "c", "d", "e"]),
    ("((<<)*)*", ["a", "b", "c", "d", "e"]),
    ("(<< (?= <<))*", ["a", "b", "c", "d"]),
])
def test_quantifiers_over_steps_and_groups(tmp_path, path, reached):
    rules = graph_rules(tmp_path, f"trigger = a\nr = {path}")
    assert word_sets(rules, tree_doc(CHAIN)) == [reached]


def test_every_reached_token_is_an_argument_once_in_token_order(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=meet]
        participant = (>obj | >nsubj) >conj* | >nsubj | >obj >conj?
        place = >obl
    """)
    assert events(rules, tree_doc(MET)) == [("met", {"participant": ["Ann", "Bob", "Carl", "Dana"],
                                                     "place": ["Paris"]})]


def test_paths_start_from_every_token_of_the_trigger(tmp_path):
    doc = tree_doc("""
        1 They they PRON PRP 2 nsubj
        2 set set VERB VBD 0 root
        3 off off ADP RP 2 compound:prt
        4 a a DET DT 5 det
        5 bomb bomb NOUN NN 2 obj
    """)
    rules = graph_rules(tmp_path, "trigger = [lemma=set] off\nwhat = >obj\nparticle = <compound:prt")
    assert events(rules, doc) == [("set off", {"what": ["a bomb"], "particle": ["They set off a bomb"]})]


# -- roles: required and optional, labels and phrases ---------------------------------------------

def test_a_required_role_that_reaches_nothing_makes_no_event(tmp_path):
    doc = tree_doc(ARRIVED)
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nwho = >nsubj\nwhat = >obj")
    assert events(rules, doc) == []
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nwho = >nsubj\nwhat? = >obj")
    assert events(rules, doc) == [("arrived", {"who": ["The delegation"]})]


def test_a_labelled_role_takes_the_longest_mention_around_a_reached_token(tmp_path):
    doc = tree_doc("""
        1 Envoys envoy NOUN NNS 2 nsubj
        2 reached reach VERB VBD 0 root
        3 Kabul Kabul PROPN NNP 4 compound
        4 airport airport NOUN NN 2 obj
        5 . . PUNCT . 2 punct
    """)
    rules = graph_rules(tmp_path, "trigger = [lemma=reach]\nwhere:Location = >obj >compound",
                        mentions={"Location": ["Kabul", "Kabul airport"]})
    [record] = rules.extract(doc)
    [where] = record.arguments["where"]
    assert (where.text, where.label) == ("Kabul airport", "Location")


def test_a_reached_token_outside_a_mention_of_the_label_does_not_count(tmp_path):
    doc = tree_doc(ARRIVED)
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nwhere:Location = >obl",
                        mentions={"Location": ["Tehran"], "Person": ["Kabul"]})
    assert events(rules, doc) == [("arrived", {"where": ["Tehran"]})]
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nwho:Location = >nsubj",
                        mentions={"Location": ["Tehran"]})
    assert events(rules, doc) == []            # required, and the subject is no Location


def test_a_role_label_takes_mentions_of_the_labels_under_it(tmp_path):
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive]\nwho:Entity = >nsubj\nwhere:Entity? = >obl",
                        mentions={"Person": ["delegation"], "Location": ["Kabul"]},
                        taxonomy="- Entity: [Person, Location]\n- EV")
    [record] = rules.extract(tree_doc(ARRIVED))
    assert [(a.text, a.label) for a in record.arguments["who"]] == [("delegation", "Person")]
    assert [(a.text, a.label) for a in record.arguments["where"]] == [("Kabul", "Location")]


@pytest.mark.parametrize("rows, start, phrase_text", [
    (ARRIVED, "delegation", "The delegation"),
    (ARRIVED, "Kabul", "Kabul"),                    # without its own preposition
    (ARRIVED, "arrived", "The delegation arrived in Kabul from Tehran"),      # a deeper one stays
    (BLAST, "blast", "The blast"),                 # the relative clause and its commas are left out
    (BLAST, "killed", "which killed nine soldiers near the border"),
    (MET, "Ann", "Ann"),                            # a conjunct is a phrase of its own
    ("""
        1 They they PRON PRP 2 nsubj
        2 hit hit VERB VBD 0 root
        3 the the DET DT 7 det
        4 U.S. U.S. PROPN NNP 6 compound
        5 - - PUNCT HYPH 6 punct
        6 backed back VERB VBN 7 amod
        7 government government NOUN NN 2 obj
        8 . . PUNCT . 2 punct
    """, "government", "the U.S. - backed government"),      # punctuation inside a phrase stays
    ("""
        1 Ann Ann PROPN NNP 6 nsubj
        2 , , PUNCT , 4 punct
        3 a a DET DT 4 det
        4 doctor doctor NOUN NN 1 appos
        5 , , PUNCT , 4 punct
        6 arrived arrive VERB VBD 0 root
    """, "Ann", "Ann"),                             # so is an apposition
    ("""
        1 They they PRON PRP 2 nsubj
        2 read read VERB VBD 0 root
        3 the the DET DT 4 det
        4 report report NOUN NN 2 obj
        5 , , PUNCT , 6 punct
        6 released release VERB VBN 4 acl
        7 Monday Monday PROPN NNP 6 obl:unmarked
        8 , , PUNCT , 6 punct
        9 on on ADP IN 11 case
        10 the the DET DT 11 det
        11 attack attack NOUN NN 4 nmod
    """, "report", "the report"),                   # the run of the phrase's tokens around the word
])
def test_the_phrase_of_a_token(rows, start, phrase_text):
    doc = tree_doc(rows)
    sentence = doc.sentences[0]
    tree = Tree(SentenceState(sentence))
    index = next(t.index for t in sentence.tokens if t.word == start)
    lo, hi = phrase(tree, index)
    assert " ".join(t.word for t in sentence.tokens[lo:hi]) == phrase_text


PHRASE_RELATIONS = ("det", "nmod", "case", "mark", "punct", "acl:relcl", "conj", "obj", "appos", "cc:preconj")


@st.composite
def phrase_trees(draw):
    """Random trees (not always projective) over relations that join, mark and bar phrases."""
    size = draw(st.integers(1, 12))
    order = draw(st.permutations(range(size)))
    heads = [-1] * size
    for k in range(1, size):
        heads[order[k]] = order[draw(st.integers(0, k - 1))]
    rels = [draw(st.sampled_from(PHRASE_RELATIONS)) if heads[i] >= 0 else "root" for i in range(size)]
    tokens = tuple(Token(i, 2 * i, 2 * i + 1, "w", "w", "w", "x", head=heads[i], incoming=rels[i])
                   for i in range(size))
    return Sentence(0, 0, 2 * size, tokens)


def naive_phrase(tree: Tree, token: int) -> tuple[int, int]:
    """The phrase as its definition says, by sets."""
    barriers = {"acl", "advcl", "appos", "cc", "ccomp", "conj", "dep", "parataxis", "punct", "xcomp"}
    members, work = {token}, [token]
    while work:
        t = work.pop()
        for d in tree.dependents[t]:
            base = tree.relations[d].split(":")[0]
            if base not in barriers and not (t == token and base in ("case", "mark")) and d not in members:
                members.add(d)
                work.append(d)
    inside = members | {d for t in members for d in tree.dependents[t] if tree.relations[d] == "punct"}
    lo = hi = token
    while lo - 1 in inside:
        lo -= 1
    while hi + 1 in inside:
        hi += 1
    while lo not in members:
        lo += 1
    while hi not in members:
        hi -= 1
    return lo, hi + 1


@settings(max_examples=300, deadline=None)
@given(phrase_trees())
def test_every_phrase_is_what_its_definition_says(sentence):
    tree = Tree(SentenceState(sentence))
    for token in range(len(sentence.tokens)):
        assert phrase(tree, token) == naive_phrase(tree, token)


def test_heads_in_a_cycle_end_the_walk(tmp_path):
    """Given tokens may make a cycle of heads; paths and phrases still end."""
    doc = evx.annotate("a b c", tokens=[
        {"start": 0, "end": 1, "head": 1, "dep": "obj", "tag": "X", "pos": "X"},
        {"start": 2, "end": 3, "head": 2, "dep": "obj", "tag": "X", "pos": "X"},
        {"start": 4, "end": 5, "head": 0, "dep": "obj", "tag": "X", "pos": "X"}])
    rules = graph_rules(tmp_path, "trigger = a\nr = (>>)+")
    [(trigger, found)] = events(rules, doc)
    assert trigger == "a" and len(found["r"]) == 3 and all(text in "a b c" for text in found["r"])


def test_an_argument_twelve_tokens_away_past_a_relative_clause(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=blast]
        attacker = <nsubj:pass >obl:agent
        victim? = >acl:relcl >obj
        place? = >acl:relcl >obl (?= >case [lemma=near])
    """)
    assert events(rules, tree_doc(BLAST)) == [
        ("blast", {"attacker": ["the group"], "victim": ["nine soldiers"], "place": ["the border"]})]


def test_events_in_several_sentences(tmp_path):
    rules = graph_rules(tmp_path, "trigger = [lemma=/^(arrive|visit)$/]\nwho = >nsubj | >obl:agent")
    doc = tree_doc(ARRIVED + "\n" + PASSIVE + "\n" + WANTS)
    assert events(rules, doc) == [("arrived", {"who": ["The delegation"]}), ("visited", {"who": ["the envoy"]})]
    assert [r.sentence for r in rules.extract(doc)] == [0, 1]


# -- records, the cascade, the syntax stage -------------------------------------------------------

VISIT_RULES = """\
taxonomy:
  - Entity: [Actor, Location]
  - Event: [VISIT]
  - Seen
events:
  VISIT: {roles: [visitor, destination, origin], required: [visitor]}
contexts:
  modality:
    default: actual
    cases:
      - {value: planned, before: "[lower=will]"}
rules:
  - name: actors
    label: Actor
    type: lexicon
    phrases: [The delegation, The minister, the envoy]
  - name: places
    label: Location
    type: lexicon
    phrases: [Kabul, Tehran]
  - name: visit-verb
    label: VISIT
    type: graph
    priority: 2
    attributes: {cameo: "042"}
    pattern: |
      trigger = [lemma=/^(visit|arrive|travel)$/ & pos=VERB]
      visitor:Actor = >nsubj | <xcomp >nsubj | >obl:agent
      destination:Location? = >obj | >obl (?= >case [lemma=/^(to|in)$/])
      origin:Location? = >obl (?= >case [lemma=from])
    examples:
      - text: "The delegation arrived in Kabul from Tehran ."
        expect: [{type: VISIT, trigger: arrived, visitor: The delegation, destination: Kabul, origin: Tehran}]
      - text: "The minister wants to visit Kabul ."
        expect: [{type: VISIT, trigger: visit, visitor: The minister, destination: Kabul}]
  - name: seen
    label: Seen
    priority: 3
    pattern: "@VISIT"
"""
WILL = """
    1 The the DET DT 2 det
    2 minister minister NOUN NN 4 nsubj
    3 will will AUX MD 4 aux
    4 visit visit VERB VB 0 root
    5 Kabul Kabul PROPN NNP 4 obj
    6 . . PUNCT . 4 punct
"""


@pytest.fixture
def visit_rules(tmp_path) -> Path:
    return write_rules(tmp_path, VISIT_RULES)


def test_graph_events_are_records_like_any_other(visit_rules):
    rules = evx.load_rules(visit_rules)
    doc = tree_doc(ARRIVED + "\n" + WILL)
    first, second = rules.extract(doc)
    assert first.to_dict() == {
        "doc": "", "type": "VISIT", "rule": "visit-verb", "sentence": 0, "start": 0, "end": 43,
        "text": "The delegation arrived in Kabul from Tehran", "trigger": {"start": 15, "end": 22, "text": "arrived"},
        "arguments": {"visitor": [{"start": 0, "end": 14, "text": "The delegation", "label": "Actor"}],
                      "destination": [{"start": 26, "end": 31, "text": "Kabul", "label": "Location"}],
                      "origin": [{"start": 37, "end": 43, "text": "Tehran", "label": "Location"}]},
        "attributes": {"cameo": "042", "modality": "actual"}}
    assert (second.trigger.text, second.attributes["modality"]) == ("visit", "planned")


def test_later_steps_see_graph_events_as_mentions(visit_rules):
    rules = evx.load_rules(visit_rules)
    seen = [r for r in rules.extract(tree_doc(ARRIVED), mentions=True) if r.type == "Seen"]
    assert [r.text for r in seen] == ["The delegation arrived in Kabul from Tehran"]


def test_graph_rules_ask_for_trees_and_given_trees_are_kept(visit_rules, monkeypatch):
    from evx.syntax import stage

    def never(*args):
        raise AssertionError("the models ran on a document whose tags and tree are given")
    monkeypatch.setattr(stage.EmbeddedAnnotator, "tag", never)
    monkeypatch.setattr(stage.EmbeddedAnnotator, "parse", never)
    rules = evx.load_rules(visit_rules)
    assert {"head", "incoming", "lemma", "pos"} <= rules.rule("visit-verb").matcher.fields
    assert rules.layers.tree and rules.layers.tags
    doc = tree_doc(ARRIVED)
    prepared = rules.prepare(doc).sentences[0].tokens
    given = doc.sentences[0].tokens
    assert [(t.head, t.incoming, t.pos, t.tag) for t in prepared] == [(t.head, t.incoming, t.pos, t.tag) for t in given]
    assert [t.chunk for t in prepared][:3] == ["B-NP", "I-NP", "B-VP"]        # chunks read off the given tree


def test_the_rule_index_skips_sentences_without_the_trigger_or_a_required_label(visit_rules):
    rules = evx.load_rules(visit_rules)
    matcher = rules.rule("visit-verb").matcher
    assert matcher.prefilter.needs.labels == (frozenset({"Actor"}),)
    doc = tree_doc(ARRIVED.replace("delegation delegation", "group group"))     # no Actor mention now
    state = SentenceState(doc.sentences[0])
    assert list(matcher.find(state)) == []
    described = matcher.describe(state, [])
    assert described.summary == "skipped, role visitor needs a mention of Actor, and there is none"


def test_a_graph_rule_set_from_the_compile_cache_gives_the_same_records(visit_rules, tmp_path, monkeypatch):
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    fresh = evx.load_rules(visit_rules)
    [entry] = (tmp_path / "cache").glob("ruleset-*.json")
    import evx.rulefile.loader as loader
    monkeypatch.setattr(loader, "load_rule_files", lambda *a, **k: pytest.fail("compiled again"))
    again = evx.load_rules(visit_rules)
    assert again.rule("visit-verb").matcher is not fresh.rule("visit-verb").matcher
    doc = tree_doc(ARRIVED + "\n" + WANTS + "\n" + PASSIVE + "\n" + WILL + "\n" + BLAST)
    assert [r.to_dict() for r in again.extract(doc, mentions=True)] == \
        [r.to_dict() for r in fresh.extract(doc, mentions=True)]
    assert len(again.extract(doc)) == 4
    assert entry.read_bytes().startswith(b"evx-cache-1 ruleset ")


def test_a_graph_pattern_parsed_once_comes_from_the_pattern_cache(visit_rules, tmp_path, monkeypatch):
    from evx import cache
    from evx.pattern import parser
    monkeypatch.setenv("EVX_CACHE", "on")
    monkeypatch.setenv("EVX_CACHE_DIR", str(tmp_path / "cache"))
    first = evx.load_rules(visit_rules)
    monkeypatch.setattr(cache, "unchanged", lambda files: False)       # past the rule-set cache
    lark = parser._lark
    monkeypatch.setattr(parser, "_lark", lambda start="start": pytest.fail("parsed again") if start == "graph"
                        else lark(start))
    second = evx.load_rules(visit_rules)
    doc = tree_doc(ARRIVED + "\n" + WANTS)
    assert [r.to_dict() for r in second.extract(doc)] == [r.to_dict() for r in first.extract(doc)] != []


def test_paths_and_graph_patterns_round_trip_as_plain_data():
    from evx import plaindata
    graph = parse_graph("trigger = [lemma=visit] @Place?\nwho:Actor? = (>nsubj | <xcomp >/^nsubj/i)+ "
                        "(?! >case [lemma=from & mention=Place]) (>> [pos=DET]){1,2}")
    again = plaindata.from_plain(json.loads(json.dumps(plaindata.to_plain(graph))))
    assert again == graph
    program = compile_path(graph.roles[0].path, Taxonomy({"Place": None}))
    kept = plaindata.from_plain(json.loads(json.dumps(plaindata.to_plain(program))))
    assert _comparable(kept) == _comparable(program) and kept.source == program.source
    tree = Tree(SentenceState(tree_doc(ARRIVED).sentences[0]))
    assert reach(kept, tree, [2]) == reach(program, tree, [2]) == [0]
    import pickle
    assert reach(pickle.loads(pickle.dumps(program)), tree, [2]) == [0]      # after use, its closures left out


def _comparable(program):
    """A path program's instructions with each lookahead's program read as its own
    instructions (programs compare by identity)."""
    return tuple(ins._replace(program=_comparable(ins.program)) if hasattr(ins, "program") else ins
                 for ins in program.code)


# -- the walker against a plain interpreter --------------------------------------------------------

REL_CHOICES = ("nsubj", "obj", "obl", "case", "conj", "nsubj:pass")
LEMMAS = ("x", "y", "z")


@st.composite
def random_trees(draw):
    size = draw(st.integers(1, 10))
    order = draw(st.permutations(range(size)))          # tokens in any order: trees need not be projective
    heads = [-1] * size
    for k in range(1, size):
        heads[order[k]] = order[draw(st.integers(0, k - 1))]
    rels = [draw(st.sampled_from(REL_CHOICES)) if heads[i] >= 0 else "root" for i in range(size)]
    lemmas = [draw(st.sampled_from(LEMMAS)) for _ in range(size)]
    tokens = tuple(Token(i, 2 * i, 2 * i + 1, lemmas[i], lemmas[i], lemmas[i], "x", head=heads[i], incoming=rels[i])
                   for i in range(size))
    return Sentence(0, 0, 2 * size, tokens)


def _paths(depth: int):
    edge = st.builds(n.Edge, st.booleans(), st.one_of(
        st.none(), st.sampled_from(REL_CHOICES).map(n.Literal),
        st.sampled_from(["^nsubj", "o", "^c"]).map(n.Regex)))
    leaf = st.one_of(edge, st.sampled_from(LEMMAS).map(lambda lemma: n.PathFilter(
        n.FieldTest("lemma", False, n.Literal(lemma)))))
    if depth == 0:
        return leaf
    inner = _paths(depth - 1)
    return st.one_of(
        leaf,
        st.builds(n.PathLookahead, inner, st.booleans()),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: n.PathSequence(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda options: n.PathAlternation(tuple(options))),
        st.tuples(inner, st.integers(0, 2), st.one_of(st.none(), st.integers(0, 2))).filter(
            lambda t: (t[2] is None or t[1] <= t[2]) and not isinstance(t[0], (n.PathFilter, n.PathLookahead))
        ).map(lambda t: n.PathRepeat(t[0], t[1], t[2])),
    )


def naive(path: n.Path, tree: Tree, starts: frozenset[int]) -> frozenset[int]:
    """What a path reaches, read straight off the nodes as a relation on sets of tokens."""
    if isinstance(path, n.Edge):
        def passes(label: str) -> bool:
            if path.relation is None:
                return True
            if isinstance(path.relation, n.Regex):
                return re.search(path.relation.source, label) is not None
            return label == path.relation.text
        if path.down:
            return frozenset(d for t in starts for d in tree.dependents[t] if passes(tree.relations[d]))
        return frozenset(tree.heads[t] for t in starts if tree.heads[t] >= 0 and passes(tree.relations[t]))
    if isinstance(path, n.PathFilter):
        test = compile_constraint(path.constraint, Taxonomy(), [])
        return frozenset(t for t in starts if test(tree.tokens[t], tree.state))
    if isinstance(path, n.PathLookahead):
        return frozenset(t for t in starts if bool(naive(path.body, tree, frozenset({t}))) != path.negated)
    if isinstance(path, n.PathSequence):
        for item in path.items:
            starts = naive(item, tree, starts)
        return starts
    if isinstance(path, n.PathAlternation):
        return frozenset().union(*(naive(option, tree, starts) for option in path.options))
    level = starts
    for _ in range(path.min):
        level = naive(path.body, tree, level)
    found = level
    if path.max is None:
        while True:
            more = found | naive(path.body, tree, found)
            if more == found:
                return found
            found = more
    for _ in range(path.max - path.min):
        level = naive(path.body, tree, level)
        found |= level
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_trees(), _paths(3), st.data())
def test_the_walker_reaches_what_the_path_means(sentence, path, data):
    tree = Tree(SentenceState(sentence))
    starts = data.draw(st.sets(st.integers(0, len(sentence.tokens) - 1), min_size=1))
    program = compile_path(path, Taxonomy())
    assert reach(program, tree, starts) == sorted(naive(path, tree, frozenset(starts)))
    # a lookahead at each token: whether the path reaches something from it, asked twice (the
    # second answer is the one kept)
    for _ in range(2):
        assert [tree.holds(program, t) for t in range(len(sentence.tokens))] == [
            bool(naive(path, tree, frozenset({t}))) for t in range(len(sentence.tokens))]


@settings(max_examples=200, deadline=None)
@given(_paths(3))
def test_a_path_as_text_parses_back_to_the_same_path(path):
    text = n.path_source(path)
    graph = parse_graph(f"trigger = x\nr = {text}")
    assert n.path_source(graph.roles[0].path) == text
    assert _unwrapped(graph.roles[0].path) == _unwrapped(path)


def _unwrapped(path):
    """The path with one-item sequences and alternations read as their item (the parser
    builds none)."""
    if isinstance(path, (n.PathSequence, n.PathAlternation)):
        items = tuple(_unwrapped(p) for p in (path.items if isinstance(path, n.PathSequence) else path.options))
        return items[0] if len(items) == 1 else type(path)(items)
    if isinstance(path, n.PathLookahead):
        return n.PathLookahead(_unwrapped(path.body), path.negated)
    if isinstance(path, n.PathRepeat):
        return n.PathRepeat(_unwrapped(path.body), path.min, path.max)
    return path


def test_long_and_wide_trees_are_walked_whole():
    """A chain and a star of 1,000 tokens: every token reached, by paths whose quantifiers
    nest (the cost bound itself is measured in benchmarks/test_graph_paths.py)."""
    size = 1000
    chain = tuple(Token(i, i, i + 1, "w", "w", "w", "x", head=i + 1 if i + 1 < size else -1,
                        incoming="dep" if i + 1 < size else "root") for i in range(size))
    star = tuple(Token(i, i, i + 1, "w", "w", "w", "x", head=0 if i else -1, incoming="dep" if i else "root")
                 for i in range(size))
    for tokens in (chain, star):
        tree = Tree(SentenceState(Sentence(0, 0, size, tokens)))
        for text in ["(>> | <<)*", "((<<)* (>>)*)*", "(<< (?= (>>|<<)*))* (>> (?! >/x/))*"]:
            program = compile_path(parse_graph(f"trigger = x\nr = {text}").roles[0].path, Taxonomy())
            assert reach(program, tree, [0]) == list(range(size))


# -- errors ---------------------------------------------------------------------------------------

BAD_GRAPH = """\
taxonomy:
  - Entity: [Actor, Location]
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: actors
    label: Actor
    type: lexicon
    phrases: [envoy]
  - name: visit-verb
    label: VISIT
    type: graph
    priority: 2
    pattern: |
      trigger = [lema=visit]
      visiter:Actor = >nsubjj
      destination:Locaton? = >obl (?<= >case)
      visitor = >obj*?
"""


def test_every_error_of_a_graph_rule_is_reported_at_its_place(tmp_path):
    path = write_rules(tmp_path, BAD_GRAPH)
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    found = [(e.location.line, e.location.column, e.message, e.hint or "") for e in info.value.errors]
    assert [(line, col, message) for line, col, message, _ in found] == [
        (16, 18, "unknown field 'lema'"),
        (17, 24, "unknown relation 'nsubjj'"),
        (18, 35, "a path looks ahead only: (?= PATH) or (?! PATH)"),
        (19, 22, "a path has no lazy quantifiers"),
    ]
    assert "did you mean 'lemma'?" in found[0][3] and "did you mean 'nsubj'?" in found[1][3]
    # the text is right, so the labels and roles are checked: all of them at once
    fixed = BAD_GRAPH.replace("lema", "lemma").replace("nsubjj", "nsubj").replace(" (?<= >case)", "") \
        .replace(">obj*?", ">obj*")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(write_rules(tmp_path, fixed))
    found = [(e.location.line, e.location.column, e.message, e.hint or "") for e in info.value.errors]
    assert [(line, col, message) for line, col, message, _ in found] == [
        (17, 7, "role 'visiter' is not a role of VISIT"),
        (18, 19, "unknown label 'Locaton'"),
    ]
    assert found[0][3] == "did you mean 'visitor'?" and found[1][3] == "did you mean 'Location'?"
    assert all(e.location.source_line for e in info.value.errors)


@pytest.mark.parametrize("pattern, message, line, column", [
    ("visitor = >nsubj", "a graph pattern begins with its trigger: trigger = PATTERN", 1, 1),
    ("trigger = [lemma=visit]\nvisitor = >nsubj\nvisitor = >obj", "role 'visitor' is defined twice", 3, 1),
    ("trigger = [lemma=visit]\nvisitor =\ndestination = >obj", "'visitor =' needs a path after it", 2, 9),
    ("trigger =\nvisitor = >nsubj", "'trigger =' needs a pattern after it", 1, 9),
    ("trigger = (?<who> [lemma=visit])\nvisitor = >nsubj",
     "the trigger pattern cannot capture: its whole match is the trigger", 1, 11),
    ("trigger = [lemma=visit]\nvisitor = > [pos=NOUN]", "the step '>' needs a relation", 2, 11),
    ("trigger = [lemma=visit]\nvisitor = >nsubj [pos=NOUN]+", "a test cannot be repeated", 2, 28),
    ("trigger = [lemma=visit]\nvisitor = >/(/", "bad regex: missing ), unterminated subpattern", 2, 13),
    ("trigger = [lemma=visit]\nvisitor = >nsubj from", "unexpected 'from'", 2, 18),
    ("trigger = [lemma=visit]\nvisitor = >nsubj{2,1}", "repetition {2,1}: the minimum is above the maximum", 2, 17),
    ("trigger = [lemma=visit]\nvisitor = >nsubj (?= >case [mention=Plac])", "unknown label 'Plac'", 2, 29),
])
def test_graph_pattern_errors_point_at_the_place(tmp_path, pattern, message, line, column):
    body = textwrap.indent(pattern, "      ")
    path = write_rules(tmp_path, f"rules:\n  - name: g\n    label: EV\n    type: graph\n    pattern: |\n{body}\n")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    [err] = info.value.errors
    assert err.message == message
    assert (err.location.line, err.location.column) == (5 + line, 6 + column)


def test_a_schema_role_the_rule_never_defines_is_an_error(tmp_path):
    path = write_rules(tmp_path, """\
        events:
          VISIT: {roles: [visitor, destination], required: [visitor]}
        rules:
          - name: g
            label: VISIT
            type: graph
            pattern: |
              trigger = [lemma=visit]
              destination = >obj
        """)
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    [err] = info.value.errors
    assert err.message == ("VISIT requires role 'visitor', which rule 'g' does not define, so none of its "
                           "events would be kept")
    assert (err.location.line, err.location.column) == (8, 7)


def test_a_question_mark_on_a_role_the_schema_requires_is_a_warning(tmp_path):
    path = write_rules(tmp_path, """\
        events:
          EV: {roles: [who, where], required: [who]}
        rules:
          - name: g
            label: EV
            type: graph
            pattern: |
              trigger = [lemma=arrive]
              who? = >obj
              where? = >obl
        """)
    rules = evx.load_rules(path)
    [warning] = rules.warnings
    assert warning.message == "role 'who' is required by the schema of EV, so its '?' has no effect"
    assert (warning.location.line, warning.location.column) == (9, 7)
    assert [role.optional for role in rules.rule("g").matcher.roles] == [False, True]
    assert events(rules, tree_doc(ARRIVED)) == []
    result = runner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0 and f"{path}:9:7: warning: role 'who'" in result.stderr


def test_a_role_label_no_earlier_rule_finds_is_an_error(tmp_path):
    path = write_rules(tmp_path, """\
        rules:
          - {name: people, label: Person, type: lexicon, phrases: [Ann], priority: 2}
          - name: g
            label: EV
            type: graph
            pattern: |
              trigger = [lemma=meet]
              who:Person = >nsubj
        """)
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    [err] = info.value.errors
    assert err.message == ("rule 'g' (priority 1) uses who:Person but nothing finds Person before it runs, "
                           "so it never matches")
    assert (err.location.line, err.location.column) == (8, 11)


def test_unknown_relations_name_the_regex_escape(tmp_path):
    with pytest.raises(PatternError) as info:
        parse_graph("trigger = x\nr = >dobj")
    assert info.value.hint.startswith("did you mean 'obj'?") and ">/^dobj$/" in info.value.hint
    assert RELATIONS >= {"nsubj", "nsubj:pass", "obl:agent", "acl:relcl", "nmod:poss", "compound:prt", "root"}


# -- the command line -----------------------------------------------------------------------------

def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        return CliRunner()


def test_evx_match_reads_given_trees(visit_rules, tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("\n".join(json.dumps(jsonl_line(rows, name)) for name, rows in
                                [("a", ARRIVED), ("b", PASSIVE + "\n" + WILL)]) + "\n", encoding="utf-8")
    result = runner().invoke(main, ["match", "-r", str(visit_rules), str(corpus)])
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["doc"], r["trigger"]["text"], r["arguments"]["visitor"][0]["text"], r["attributes"]["modality"])
            for r in found] == [("a", "arrived", "The delegation", "actual"), ("b", "visited", "the envoy", "actual"),
                                ("b", "visit", "The minister", "planned")]


def test_evx_check_reports_graph_rule_errors_with_carets(tmp_path):
    path = write_rules(tmp_path, BAD_GRAPH)
    result = runner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    heads = [line for line in result.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert heads[0] == f"{path}:16:18: unknown field 'lema'"
    lines = result.stderr.splitlines()
    at = lines.index(heads[1])
    assert lines[at + 1] == "          visiter:Actor = >nsubjj"
    assert lines[at + 2] == "    " + " " * 23 + "^"
    good = write_rules(tmp_path, VISIT_RULES)
    result = runner().invoke(main, ["check", str(good)])
    assert result.exit_code == 0, result.stderr


EXAMPLE_TREES = (ARRIVED, WANTS, """
    1 The the DET DT 2 det
    2 envoy envoy NOUN NN 3 nsubj
    3 arrived arrive VERB VBD 0 root
    4 . . PUNCT . 3 punct
""")


def test_evx_test_runs_graph_rule_examples(visit_rules, tmp_path, monkeypatch):
    """Examples are plain text: the syntax stage tags and parses them (here a stand-in that
    knows the trees of these sentences)."""
    from evx.syntax import stage
    trees = LookupAnnotator(*EXAMPLE_TREES)
    monkeypatch.setattr(stage, "_tagger", lambda: trees)
    monkeypatch.setattr(stage, "_parser", lambda: trees)
    result = runner().invoke(main, ["test", str(visit_rules)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"
    failing = VISIT_RULES.replace("visitor: The minister, destination: Kabul",
                                  "visitor: The minister, destination: Tehran")
    failing = failing.replace("  - name: seen", """      - text: "The envoy arrived ."
        expect: []
  - name: seen""")
    result = runner().invoke(main, ["test", str(write_rules(tmp_path, failing))])
    assert result.exit_code == 1
    out = result.stdout
    assert out.splitlines()[-1] == "1 passed, 2 failed"
    assert re.search(r'destination: +only expected "Tehran"; only found "Kabul"', out)
    assert 'unexpected: VISIT trigger="arrived" visitor="The envoy" (rule visit-verb)' in out


# -- conditions on the trigger ---------------------------------------------------------------------

STANDARDS = """
    1 The the DET DT 2 det
    2 plant plant NOUN NN 4 nsubj
    3 never never ADV RB 4 advmod
    4 met meet VERB VBD 0 root
    5 the the DET DT 6 det
    6 standards standard NOUN NNS 4 obj
    7 . . PUNCT . 4 punct
"""


def test_unless_drops_a_trigger_whose_path_reaches_a_token(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=meet]
        unless = >obj [lemma in (standard, requirement, deadline)]
        who = >nsubj
    """)
    assert events(rules, tree_doc(MET + "\n" + STANDARDS)) == [("met", {"who": ["Ann"]})]


def test_if_keeps_only_triggers_whose_path_reaches_a_token(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma in (arrive, visit)]
        who = >nsubj | >obl:agent
        if = >obl:agent | >nsubj [pos=NOUN]
    """)
    assert events(rules, tree_doc(ARRIVED + "\n" + PASSIVE)) == [
        ("arrived", {"who": ["The delegation"]}), ("visited", {"who": ["the envoy"]})]
    rules = graph_rules(tmp_path, """
        trigger = [lemma in (arrive, visit)]
        if = >obl:agent
        unless = >nsubj:pass [lemma=tehran]
    """)
    assert [trigger for trigger, _ in events(rules, tree_doc(ARRIVED + "\n" + PASSIVE))] == ["visited"]


def test_conditions_and_roles_may_come_in_any_order_and_if_is_no_role(tmp_path):
    rules = graph_rules(tmp_path, """
        trigger = [lemma=meet]
        who = >nsubj
        unless = >obj [lemma=standard]
        place = >obl
    """, schema="{roles: [who, place]}")
    assert events(rules, tree_doc(MET + "\n" + STANDARDS)) == [("met", {"who": ["Ann"], "place": ["Paris"]})]


def test_a_condition_needs_a_path_and_its_errors_are_located(tmp_path):
    path = write_rules(tmp_path, "rules:\n  - name: g\n    label: EV\n    type: graph\n    pattern: |\n"
                                 "      trigger = [lemma=meet]\n      unless = >dobj\n")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    [err] = info.value.errors
    assert "dobj" in err.message and "obj" in (err.hint or "")
    assert (err.location.line, err.location.column) == (7, 17)   # at the relation


def test_evx_explain_says_which_condition_dropped_a_trigger(tmp_path):
    from evx.tools.explain import explain, render
    rules = graph_rules(tmp_path, """
        trigger = [lemma=meet]
        unless = >obj [lemma=standard]
        who = >nsubj
    """)
    out = render(*explain(rules, tree_doc(STANDARDS), only="g"), rules)
    assert "trigger 3 \"met\": no event: unless = >obj [lemma=standard] reached 5 'standards'" in out
    rules = graph_rules(tmp_path, "trigger = [lemma=meet]\nif = >obl\nwho = >nsubj")
    out = render(*explain(rules, tree_doc(STANDARDS), only="g"), rules)
    assert "trigger 3 \"met\": no event: if = >obl reached nothing" in out


def test_a_mention_label_in_a_condition_is_checked(tmp_path):
    path = write_rules(tmp_path, "rules:\n  - name: g\n    label: EV\n    type: graph\n    pattern: |\n"
                                 "      trigger = [lemma=meet]\n      unless = >obj [mention=Standard]\n")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    assert any("Standard" in err.message for err in info.value.errors)


def test_evx_explain_shows_each_step_of_each_path(visit_rules, tmp_path):
    corpus = tmp_path / "one.jsonl"
    corpus.write_text(json.dumps(jsonl_line(ARRIVED, "a")) + "\n", encoding="utf-8")
    result = runner().invoke(main, ["explain", "-r", str(visit_rules), "--rule", "visit-verb"],
                             input=corpus.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # the tree is in the token table
    assert re.search(r"1 +delegation .* 2 +nsubj +Actor", out)
    expected = """\
  rule visit-verb [VISIT] priority 2
    trigger 2 "arrived": event "The delegation arrived in Kabul from Tehran"
      visitor:Actor = >nsubj | <xcomp >nsubj | >obl:agent
        >nsubj: 1 'delegation'
        <xcomp: nothing (this step came up empty)
        >obl:agent: nothing (this step came up empty)
        -> "The delegation" (Actor)
      destination:Location? = >obj | >obl (?= >case [lemma=/^(to|in)$/])
        >obj: nothing (this step came up empty)
        >obl: 4 'Kabul', 6 'Tehran'; (?= >case [lemma=/^(to|in)$/]): 4 'Kabul'
        -> "Kabul" (Location)
      origin:Location? = >obl (?= >case [lemma=from])
        >obl: 4 'Kabul', 6 'Tehran'; (?= >case [lemma=from]): 6 'Tehran'
        -> "Tehran" (Location)
"""
    assert expected in out


def test_evx_explain_says_why_a_trigger_made_no_event(visit_rules):
    from evx.tools.explain import explain, render
    rules = evx.load_rules(visit_rules)
    doc = tree_doc("""
        1 Tehran Tehran PROPN NNP 2 nsubj
        2 arrived arrive VERB VBD 0 root
        3 the the DET DT 4 det
        4 envoy envoy NOUN NN 2 obj
    """ + "\n" + """
        1 The the DET DT 2 det
        2 minister minister NOUN NN 3 nsubj
        3 spoke speak VERB VBD 0 root
    """)
    out = render(*explain(rules, doc, only="visit-verb"), rules)
    assert 'trigger 1 "arrived": no event: required role visitor found nothing' in out
    assert "        -> reached 0 'Tehran', inside no Actor mention: nothing\n" in out
    assert "        -> reached 3 'envoy', inside no Location mention: nothing (optional)\n" in out
    assert re.search(r"rule visit-verb \[VISIT\] priority 2: skipped, every match needs a token with lemma in "
                     r"\{arrive, travel, visit\}", out)


def test_evx_explain_says_where_the_trigger_pattern_stopped(tmp_path):
    from evx.tools.explain import explain, render
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive] [lower=in] [lower=tehran]\nwho = >nsubj")
    out = render(*explain(rules, tree_doc(ARRIVED), only="g"), rules)
    assert ("rule g [EV] priority 1: no trigger candidate: the trigger pattern matches nowhere\n"
            "    from 2 'arrived': stopped at token 4 'Kabul', wanted [lower=tehran]\n") in out
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive & tag=NNP]\nwho = >nsubj")
    out = render(*explain(rules, tree_doc(ARRIVED), only="g"), rules)
    assert ("rule g [EV] priority 1: no trigger candidate: no match; every start fails at its first token "
            "(wanted [lemma=arrive & tag=NNP])") in out
    # each test of the token is a need of the sentence: none has the tag VBZ
    rules = graph_rules(tmp_path, "trigger = [lemma=arrive & tag=VBZ]\nwho = >nsubj")
    out = render(*explain(rules, tree_doc(ARRIVED), only="g"), rules)
    assert "rule g [EV] priority 1: skipped, every match needs a token with tag in {VBZ}, and there is none" in out


def test_variables_in_graph_patterns(tmp_path):
    rules = graph_rules(tmp_path, "trigger = [lemma in ${verbs}]\nwho = >${subject} | >${subject}:pass",
                        extra="vars: {verbs: [arrive, visit], subject: nsubj}")
    assert events(rules, tree_doc(ARRIVED + "\n" + PASSIVE)) == [("arrived", {"who": ["The delegation"]}),
                                                                   ("visited", {"who": ["Kabul"]})]
    path = write_rules(tmp_path, "rules:\n  - name: g\n    label: EV\n    type: graph\n    pattern: |\n"
                                 "      trigger = [lemma=visit]\n      who = >${subjet}\n")
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    [err] = info.value.errors
    assert err.message == "unknown variable 'subjet'" and (err.location.line, err.location.column) == (7, 14)


# -- the embedded parser's trees ------------------------------------------------------------------

PARSER_MODEL = ROOT / "engine" / "syntax" / "data" / "parser.npz"
NEWS = [
    ("The delegation arrived in Kabul on Sunday.", "arrived", "The delegation", "Kabul"),
    ("Kabul was visited by the envoy last week.", "visited", "the envoy", "Kabul"),
    ("The minister will travel to Tehran next month.", "travel", "The minister", "Tehran"),
]


@pytest.mark.skipif(not PARSER_MODEL.exists(), reason="the embedded parser's model is not built")
@pytest.mark.parametrize("text, trigger, visitor, destination", NEWS)
def test_the_same_rules_on_the_embedded_parsers_trees(tmp_path, text, trigger, visitor, destination):
    rules = evx.load_rules(write_rules(tmp_path, """\
        rules:
          - name: places
            label: Location
            type: lexicon
            phrases: [Kabul, Tehran]
          - name: visit
            label: VISIT
            type: graph
            priority: 2
            pattern: |
              trigger = [lemma=/^(visit|arrive|travel)$/ & pos=VERB]
              visitor = >nsubj | >obl:agent
              destination:Location? = >obl | >nsubj:pass
        """))
    [record] = rules.extract(text)
    assert record.trigger.text == trigger
    assert [s.text for s in record.arguments["visitor"]] == [visitor]
    assert [s.text for s in record.arguments["destination"]] == [destination]


# -- gold trees of EWT -----------------------------------------------------------------------------

def test_on_gold_ewt_trees_each_subject_is_its_phrase(tmp_path):
    """On a slice of the EWT development set: every verb with a subject makes one event,
    whose argument spans the subject's phrase, a contiguous span around the subject."""
    from evx.syntax.treebank import read_treebank
    from trees import provided_tokens
    treebank = read_treebank(ROOT / "tests" / "data" / "ewt-dev-slice.conllu")[:150]
    sentences = [[{"id": w.id, "form": w.form, "lemma": w.lemma, "upos": w.upos, "xpos": w.xpos,
                   "head": w.head, "deprel": w.deprel} for w in s.words] for s in treebank]
    text, tokens = provided_tokens(sentences)
    doc = evx.annotate(text, tokens=tokens)
    rules = graph_rules(tmp_path, "trigger = [pos=VERB]\nsubject = >nsubj")
    found = rules.extract(doc)
    expected = sum(1 for s in doc.sentences for t in s.tokens
                   if t.pos == "VERB" and "nsubj" in t.outgoing)
    assert len(found) == expected > 50
    for record in found:
        sentence = doc.sentences[record.sentence]
        trigger = next(t for t in sentence.tokens if t.start == record.trigger.start)
        subjects = [t for t in sentence.tokens if t.head == trigger.index and t.incoming == "nsubj"]
        spans = record.arguments["subject"]
        assert len(spans) == len(subjects)
        for subject, span in zip(subjects, spans):
            assert span.start <= subject.start and subject.end <= span.end
            assert text[span.start:span.end] == span.text


# -- fuzzing: every graph pattern loads or fails at a place in its file ------------------------------

GRAPH_FILE = """\
taxonomy:
  - Entity: [Actor, Location]
  - Event: [VISIT]
events:
  VISIT: {{roles: [visitor, destination, origin], required: [visitor]}}
rules:
  - {{name: actors, label: Actor, type: lexicon, phrases: [The delegation]}}
  - {{name: places, label: Location, type: lexicon, phrases: [Kabul, Tehran]}}
  - name: fuzzed
    label: VISIT
    type: graph
    priority: 2
    pattern: {pattern}
"""
edges = st.sampled_from([">nsubj", "<nsubj", ">obl:agent", "<xcomp", ">>", "<<", ">", "<", ">nsubjj", ">dobj",
                         ">/^obl/", "</^nsubj/i", ">/(/", ">/x/q", ">1", "> nsubj", "<<<", ">>nsubj"])
path_filters = st.sampled_from(["[pos=NOUN]", "[lemma=/^(to|in)$/]", "[]", "[lema=x]", "[mention=Location]",
                                "[mention=Plac]", "[pos=", "[incoming=obl & !lemma=from]"])
path_quantifiers = st.sampled_from(["", "", "", "?", "*", "+", "{2}", "{0,3}", "{3,1}", "*?", "{1001}", "{,}"])
path_pieces = st.recursive(
    st.builds(lambda a, q: a + q, st.one_of(edges, path_filters), path_quantifiers),
    lambda inner: st.one_of(
        st.builds(" ".join, st.lists(inner, min_size=1, max_size=3)),
        st.builds(" | ".join, st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda kind, body, q: f"{kind}{body}){q}", st.sampled_from(["(", "(?= ", "(?! ", "(?<= "]),
                  inner, path_quantifiers),
    ),
    max_leaves=6,
)
heads = st.sampled_from(["visitor", "visitor:Actor", "destination:Location?", "origin?", "visiter", "x:Locaton",
                         "trigger", "1bad", "origin:Location", "destination :Location ?"])
triggers = st.sampled_from(["[lemma=arrive]", "[lemma=/^(visit|arrive)$/ & pos=VERB]", "arrived", "@Actor", "",
                            "(?<x> arrived)", "[lemma=arrive", "${verb}", "[lemma=arrive] in?"])


@st.composite
def graph_patterns(draw) -> str:
    lines = [f"trigger = {draw(triggers)}"] if draw(st.integers(0, 9)) else []
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"{draw(heads)} = {draw(path_pieces)}")
    text = "\n".join(lines)
    for _ in range(draw(st.integers(0, 2))):          # and a mutation or two
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(list("[]()|&!=?*+{}<>:/#\n ") + ["", "${x}", "(?="]))
        text = text[:i] + piece + text[i + draw(st.integers(0, 2)):]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_patterns(), st.sampled_from(["block", "json"]))
def test_graph_patterns_load_or_fail_at_a_place(tmp_path_factory, pattern, style):
    folder = tmp_path_factory.mktemp("fuzz")
    if style == "block":
        value = "|\n" + "".join("      " + line + "\n" for line in pattern.split("\n"))
    else:
        value = json.dumps(pattern)
    path = folder / "rules.yml"
    path.write_text("vars: {verb: arrive}\n" + GRAPH_FILE.format(pattern=value), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        rules = evx.load_rules(path)
    except evx.RuleErrors as err:
        for e in err.errors:
            loc = e.location
            assert loc is not None and loc.file == str(path), e.message
            assert 1 <= loc.line <= len(lines) and 1 <= loc.column <= len(lines[loc.line - 1]) + 1, (loc, e.message)
        return
    rules.extract(tree_doc(ARRIVED + "\n" + PASSIVE))     # what loads also runs


# -- the README's section ---------------------------------------------------------------------------

def test_the_readme_graph_rule_does_what_the_readme_shows(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Graph rules"):]
    rules = write_rules(tmp_path, re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    shown = re.search(r"\$ evx explain -r visit-graph.yml --rule visit-verb < docs/arrived.jsonl\n\.\.\.\n(.*?)```",
                      section, re.S).group(1)
    document = (ROOT / "docs" / "arrived.jsonl").read_text(encoding="utf-8")
    result = runner().invoke(main, ["explain", "-r", str(rules), "--rule", "visit-verb"], input=document)
    assert result.exit_code == 0, result.stderr
    assert shown in result.stdout
    result = runner().invoke(main, ["check", str(rules)])
    assert result.exit_code == 0, result.stderr


def test_a_mention_test_in_a_path_no_earlier_rule_can_satisfy_is_an_error(tmp_path):
    path = write_rules(tmp_path, """\
        rules:
          - {name: places, label: Place, type: lexicon, phrases: [Kabul], priority: 2}
          - name: g
            label: EV
            type: graph
            pattern: |
              trigger = [lemma=arrive]
              where = >obl [mention=Place]
              not_there? = >obl (?! [mention=Place])
        """)
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    messages = [(e.location.line, e.message) for e in info.value.errors]
    assert messages == [
        (8, "rule 'g' (priority 1) uses mention=Place but nothing finds Place before it runs, so it never matches")]
