"""`evx explain`: why a rule matched where it did, and where and why it stopped elsewhere.

The cascade runs as usual; while it does, each rule's matcher describes its run on each
sentence (a token pattern replays its search from every position where a match could
start, keeping the tests that failed: the furthest token a start reached, and what was
wanted there, tell a rule author which constraint to look at). A rule that lacked a
mention which a rule of its own priority finds is told so: that mention comes too late.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.annotate import annotate
from ..cascade.run import run_cascade
from ..enrich.stage import enrich
from ..text.document import Document, Sentence
from ..pattern.matches import Match
from ..rulefile.matchers import Description, quote as _quote
from ..rulefile.model import Rule
from ..api import RuleSet
from ..pattern.vm import SentenceState


@dataclass
class RuleRun:
    rule: Rule
    sentence: int
    step: int
    matches: list[Match]
    description: Description
    # labels the rule needed and lacked, each with the rules of its own step that find one here
    unseen: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()


def explain(rules: RuleSet, text: str | Document, only: str | None = None) -> tuple[Document, list[RuleRun], list[Match]]:
    doc = rules.prepare(annotate(text) if isinstance(text, str) else text)
    runs: list[RuleRun] = []
    seen: set[tuple[str, int]] = set()
    # (sentence, step) -> what each rule of that step found there, to tell a rule that lacked
    # a mention which rule of its own step finds it (too late for it to see)
    produced: dict[tuple[int, int], list[tuple[Rule, Match]]] = {}

    def observe(rule: Rule, state: SentenceState, step: int, matches: list[Match]) -> None:
        produced.setdefault((state.sentence.index, step), []).extend((rule, m) for m in matches)
        if (only is not None and rule.name != only) or (rule.name, state.sentence.index) in seen:
            return
        seen.add((rule.name, state.sentence.index))
        # the state changes as later steps add mentions: describe the run now
        runs.append(RuleRun(rule, state.sentence.index, step, matches, rule.matcher.describe(state, matches)))

    found = run_cascade(doc, rules.plan, rules.schemas, rules.contexts, observe)
    for run in runs:
        unseen = []
        for labels in run.description.missing_labels:
            makers = produced.get((run.sentence, run.step), ())
            names = tuple(dict.fromkeys(r.name for r, m in makers if not labels.isdisjoint(m.labels)))
            if names:
                unseen.append((labels, names))
        run.unseen = tuple(unseen)
    return doc, runs, enrich(doc, found, rules.enrichment)


# -- rendering ------------------------------------------------------------------------------------

def render(doc: Document, runs: list[RuleRun], found: list[Match], rules: RuleSet) -> str:
    out: list[str] = []
    by_sentence: dict[int, list[Match]] = {}
    for m in found:
        by_sentence.setdefault(m.sentence, []).append(m)
    for sentence in doc.sentences:
        out.append(f"sentence {sentence.index}: {_quote(doc.text[sentence.start:sentence.end])}")
        out.extend(_token_table(sentence, by_sentence.get(sentence.index, [])))
        out.append("")
        for run in runs:
            if run.sentence == sentence.index:
                out.extend(_run_lines(run, sentence))
        out.append("")
    kept = rules.records(doc, found)
    out.append(f"events: {len(kept)}")
    for record in kept:
        args = "; ".join(f"{role}={'|'.join(s.text for s in spans)}" for role, spans in record.arguments.items())
        out.append(f"  {record.type} {record.trigger.text!r} ({record.rule}) {args} {dict(record.attributes)}")
    return "\n".join(out) + "\n"


def _token_table(sentence: Sentence, matches: list[Match]) -> list[str]:
    covering: list[list[str]] = [[] for _ in sentence.tokens]
    for m in matches:
        for i in range(m.start, m.end):
            tag = m.label if m.keep else f"({m.label})"
            if tag not in covering[i]:
                covering[i].append(tag)
    # with a tree, each token's head (its number, "-" for none) and relation, for graph rules
    rows = [["#", "word", "lower", "lemma", "shape", "tag", "entity", "head", "dep", "mentions"]]
    for tok, labels in zip(sentence.tokens, covering):
        head = (str(tok.head) if tok.head >= 0 else "-") if tok.incoming else ""
        rows.append([str(tok.index), tok.word, tok.lower, tok.lemma, tok.shape, tok.tag, tok.entity, head,
                     tok.incoming, " ".join(labels)])
    last = len(rows[0]) - 1
    used = [i for i in range(len(rows[0])) if i < 5 or i == last or any(r[i] for r in rows[1:])]
    widths = {i: max(len(r[i]) for r in rows) for i in used}
    return ["  " + "  ".join(r[i].ljust(widths[i]) for i in used).rstrip() for r in rows]


def _run_lines(run: RuleRun, sentence: Sentence) -> list[str]:
    rule = run.rule
    head = f"  rule {rule.name} [{', '.join(rule.labels)}] priority {rule.priority}"
    said = run.description
    if run.unseen:
        labels, makers = run.unseen[0]
        names = ", ".join(f"'{name}'" for name in makers)
        return [f"{head}: skipped, every match needs a mention of {_labels(labels)}; rule {names} of the same "
                f"priority finds one in this sentence, but it is not visible yet: a rule sees only what "
                f"earlier priorities found (give this rule a later priority)"]
    if said.summary is not None:
        return [f"{head}: {said.summary}", *said.lines]
    return [head, *said.lines]


def _labels(labels: frozenset[str]) -> str:
    return " or ".join(sorted(labels)) if len(labels) <= 4 else " or ".join(sorted(labels)[:4]) + " ..."


