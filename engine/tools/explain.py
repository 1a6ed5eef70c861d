"""`evx explain`: why a rule matched where it did, and where and why it stopped elsewhere.

The cascade runs as usual; while it does, each rule's run on each sentence is replayed
from every position where a match could start, keeping the tests that failed. The
furthest token a start position reached, and what was wanted there, tell a rule author
which constraint to look at.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text.annotate import annotate
from ..cascade.run import run_cascade
from ..pattern.compiler import describe
from ..text.document import Document, Sentence
from ..pattern.matches import Match
from ..io.writers import shorten
from ..rulefile.model import LEXICON_RULE, Rule
from ..api import RuleSet
from ..pattern.vm import SentenceState, candidate_starts, trace_start

MAX_STARTS = 12     # start positions listed per rule and sentence


@dataclass
class Attempt:
    start: int
    reached: int            # the furthest token position the search got to
    wanted: list[str]       # what failed there
    matched: tuple[int, int] | None = None


@dataclass
class RuleRun:
    rule: Rule
    sentence: int
    step: int
    matches: list[Match]
    attempts: list[Attempt] = field(default_factory=list)
    skipped: str | None = None      # why no start position was tried at all


def explain(rules: RuleSet, text: str | Document, only: str | None = None) -> tuple[Document, list[RuleRun], list[Match]]:
    doc = annotate(text) if isinstance(text, str) else text
    runs: list[RuleRun] = []
    seen: set[tuple[str, int]] = set()

    def observe(rule: Rule, state: SentenceState, step: int, matches: list[Match]) -> None:
        if (only is not None and rule.name != only) or (rule.name, state.sentence.index) in seen:
            return
        seen.add((rule.name, state.sentence.index))
        runs.append(_replay(rule, state, step, matches))

    found = run_cascade(doc, rules.plan, rules.schemas, rules.contexts, observe)
    return doc, runs, found


def _replay(rule: Rule, state: SentenceState, step: int, matches: list[Match]) -> RuleRun:
    run = RuleRun(rule, state.sentence.index, step, matches)
    if rule.type == LEXICON_RULE:
        return run
    starts, missing = candidate_starts(rule.program, state)
    if missing is not None:
        run.skipped = missing
        return run
    covered = [(m.start, m.end) for m in matches]
    for start in starts:
        if any(s < start < e for s, e in covered):
            continue        # inside a match: the search never starts there
        found, trace = trace_start(rule.program, state, start)
        if found is not None and found[0] > start:
            run.attempts.append(Attempt(start, found[0], [], (start, found[0])))
            continue
        reached = max((pos for pos, _ in trace), default=start)
        wanted = []
        for pos, pc in trace:
            text = describe(rule.program.code[pc])
            if pos == reached and text and text not in wanted:
                wanted.append(text)
        run.attempts.append(Attempt(start, reached, wanted))
    return run


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
    rows = [["#", "word", "lower", "lemma", "shape", "tag", "entity", "mentions"]]
    for tok, labels in zip(sentence.tokens, covering):
        rows.append([str(tok.index), tok.word, tok.lower, tok.lemma, tok.shape, tok.tag, tok.entity, " ".join(labels)])
    used = [i for i in range(len(rows[0])) if i < 5 or i == 7 or any(r[i] for r in rows[1:])]
    widths = {i: max(len(r[i]) for r in rows) for i in used}
    return ["  " + "  ".join(r[i].ljust(widths[i]) for i in used).rstrip() for r in rows]


def _run_lines(run: RuleRun, sentence: Sentence) -> list[str]:
    rule = run.rule
    head = f"  rule {rule.name} [{', '.join(rule.labels)}] priority {rule.priority}"
    words = [t.word for t in sentence.tokens]
    if rule.type == LEXICON_RULE:
        spans = ", ".join(_quote(" ".join(words[m.start:m.end])) for m in run.matches)
        return [f"{head}: lexicon, {len(run.matches)} match(es){': ' + spans if spans else ''}"]
    if run.skipped is not None:
        return [f"{head}: skipped, {run.skipped}"]
    if not run.attempts:
        return [f"{head}: no token can start a match here"]
    telling = [a for a in run.attempts if a.matched is not None or a.reached > a.start]
    first_only = len(run.attempts) - len(telling)
    if not telling:
        wanted = " or ".join(shorten(w, 80) for w in run.attempts[0].wanted[:3])
        return [f"{head}: no match; every start fails at its first token (wanted {wanted})"]
    lines = [head]
    by_span = {(m.start, m.end): m for m in run.matches}
    for attempt in telling[:MAX_STARTS]:
        at = f"from {attempt.start} {words[attempt.start]!r}"
        if attempt.matched is not None:
            m = by_span.get(attempt.matched)
            lines.append(f"    {at}: MATCH {attempt.matched[0]}-{attempt.matched[1]} "
                         f"{_quote(' '.join(words[attempt.matched[0]:attempt.matched[1]]))}")
            if m is not None:
                for role, args in m.arguments.items():
                    for a in args:
                        label = f" ({a.match.label})" if a.match is not None else ""
                        lines.append(f"        {role} = {_quote(' '.join(words[a.start:a.end]))}{label}")
            continue
        where = (f"token {attempt.reached} {words[attempt.reached]!r}" if attempt.reached < len(words)
                 else "the end of the sentence")
        wanted = " or ".join(shorten(w, 80) for w in attempt.wanted[:3]) or "nothing more"
        lines.append(f"    {at}: stopped at {where}, wanted {wanted}")
    if len(telling) > MAX_STARTS:
        lines.append(f"    ... and {len(telling) - MAX_STARTS} more start positions")
    if first_only:
        lines.append(f"    ({first_only} other start position(s) fail at their first token)")
    return lines


def _quote(text: str, width: int = 100) -> str:
    return '"' + shorten(" ".join(text.split()), width) + '"'
