"""RuleSet: the object that ties the stages together, as Jinja2's Environment does.

    rules = evx.load_rules("rules/news")
    for record in rules.extract("The envoy arrived in Islamabad on Sunday."):
        print(record.to_dict())
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from . import cache
from .text.annotate import annotate
from .cascade.relevance import SentenceFilter, sentence_filter
from .cascade.run import Plan, Profile, plan_cascade, run_cascade
from .enrich.stage import Enrichment, enrich
from .syntax.stage import Layers, add_syntax, add_syntax_many, layers_for
from .text.document import Document
from .pattern.matches import EVENT, Match
from .records import Record, to_record
from .rulefile.model import Context, EventSchema, Rule, RuleWarning, rule_files
from .rulefile.taxonomy import Taxonomy


def bundled_rules() -> Path:
    """The folder of the default rule set, `rules/news`, as installed with the package."""
    return Path(str(resources.files("evx.bundled").joinpath("news")))


def tokenize(text: str) -> list[str]:
    return [tok.word for sentence in annotate(text).sentences for tok in sentence.tokens]


@dataclass(frozen=True, eq=False, repr=False)
class RuleSet:
    rules: tuple[Rule, ...]
    taxonomy: Taxonomy
    schemas: Mapping[str, EventSchema] = field(default_factory=dict)
    contexts: tuple[Context, ...] = ()
    sources: tuple[str, ...] = ()
    enrichment: Enrichment = field(default_factory=Enrichment)
    warnings: tuple[RuleWarning, ...] = ()     # what the loader found suspect but not wrong
    files: tuple[tuple[str, str], ...] = ()     # every file the loader read, with its digest

    def __repr__(self) -> str:
        where = f" from {', '.join(self.sources)}" if self.sources else ""
        return f"<RuleSet {len(self.rules)} rules, {len(self.taxonomy.names)} labels{where}>"

    @cached_property
    def plan(self) -> Plan:
        return plan_cascade(self.rules)

    @cached_property
    def fields(self) -> frozenset[str]:
        """Every token field its rules and contexts read."""
        found = set()
        for rule in self.rules:
            found |= rule.matcher.fields
        for context in self.contexts:
            for case in context.cases:
                for side in (case.before, case.after):
                    if side is not None:
                        found |= side.program.fields
        return frozenset(found)

    @cached_property
    def layers(self) -> Layers:
        """What of the linguistic layer the rules need: nothing, tags, or tags and trees."""
        return layers_for(self.fields)

    def prepare(self, doc: Document) -> Document:
        """`doc` with the tags, trees and chunks its rules read filled in where it lacks them
        (the tagger and parser run only when a rule needs what they give)."""
        return add_syntax(doc, self.layers)

    def prepare_many(self, docs: Sequence[Document],
                     sentences: Sequence[frozenset[int]] | None = None) -> list[Document]:
        """Each of `docs` as `prepare` gives it, their sentences tagged and parsed together
        (much faster than one document at a time, and the same fields); with `sentences`,
        only those of each document (by index)."""
        return add_syntax_many(docs, self.layers, only=sentences)

    def event_sentences(self, doc: Document, labels: Iterable[str] | None = None) -> frozenset[int]:
        """The sentences of `doc` (by index) where a kept event, of `labels` if given, could be
        found: the others hold no event record (see cascade/relevance.py)."""
        return self._event_filter(None if labels is None else frozenset(labels)).sentences(doc.sentences)

    def _event_filter(self, labels: frozenset[str] | None) -> SentenceFilter:
        made = self._event_filters.get(labels)
        if made is None:
            wanted = None if labels is None else self._expanded(labels)
            made = self._event_filters[labels] = sentence_filter(
                self.plan, lambda rule: rule.keep and "trigger" in rule.matcher.captures
                and (wanted is None or rule.label in wanted))
        return made

    @cached_property
    def _event_filters(self) -> dict[frozenset[str] | None, SentenceFilter]:
        return {}

    def _expanded(self, labels: Iterable[str]) -> set[str]:
        """The labels and those under them."""
        wanted: set[str] = set()
        for label in labels:
            wanted |= self.taxonomy.expand(label) or {label}
        return wanted

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)

    def matches(self, doc: Document, profile: Profile | None = None,
                sentences: frozenset[int] | None = None) -> list[Match]:
        """Every match of the cascade, kept or not, in the order found, enriched (date values);
        with `sentences`, in those sentences (by index) only."""
        return enrich(doc, run_cascade(doc, self.plan, self.schemas, self.contexts, profile=profile,
                                       sentences=sentences), self.enrichment)

    def extract(self, text_or_doc: str | Document, mentions: bool = False,
                labels: Iterable[str] | None = None, hidden: bool = False) -> list[Record]:
        """Records for one text or annotated document: events, and with `mentions` also the
        plain mentions and relations; `labels` keeps those of these labels (or under them);
        `hidden` adds what rules with `keep: false` found."""
        doc = self.prepare(annotate(text_or_doc) if isinstance(text_or_doc, str) else text_or_doc)
        return self.records(doc, self.matches(doc), mentions, labels, hidden)

    def records(self, doc: Document, found: Iterable[Match], mentions: bool = False,
                labels: Iterable[str] | None = None, hidden: bool = False) -> list[Record]:
        wanted = None if labels is None else self._expanded(labels)
        chosen = [m for m in found if (m.keep or hidden) and (mentions or m.kind == EVENT)
                  and (wanted is None or m.label in wanted)]
        chosen.sort(key=lambda m: (m.sentence, m.start, m.end, m.kind != EVENT))
        return [to_record(m, doc) for m in chosen]


def load_rules(*paths: str | os.PathLike, allow_outside_imports: bool = False) -> RuleSet:
    """Load rule files (or folders); with no path, the bundled news rules. A path may name
    a bundled file or folder as `evx:news` (what rule files import as `evx:news/entities.yml`).

    Raises RuleErrors listing every problem found, each with its file, line and column.
    A rule set compiled before from the same, unchanged files comes from the compile cache
    (see `cache.py`), without reading YAML or parsing a pattern.
    """
    if not paths:
        paths = (bundled_rules(),)
    request = (os.getcwd(), allow_outside_imports, [(str(p), [str(f) for f in rule_files(p)]) for p in paths])
    loaded = cache.load_rule_set(request)
    if loaded is None or not cache.unchanged(loaded.files):
        from .rulefile.loader import load_rule_files     # YAML and the pattern parser: only to compile
        loaded = load_rule_files(paths, tokenize, allow_outside=allow_outside_imports)
        cache.store_rule_set(request, loaded)
    return RuleSet(loaded.rules, loaded.taxonomy, loaded.schemas, loaded.contexts, tuple(str(p) for p in paths),
                   loaded.enrichment, loaded.warnings, loaded.files)
