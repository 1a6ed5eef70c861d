"""evx as a spaCy pipeline component: `nlp.add_pipe("evx", config={"rules": "evx:news"})`.

The factory is registered through the `spacy_factories` entry point, so a pipeline names it
without importing evx first, and a pipeline saved with the component loads again by its
config alone. The component converts the Doc (`evx.io.spacy.from_spacy`), lets the rule set
fill what the pipeline before it left empty and the rules read (tags, trees: `RuleSet.prepare`),
runs the rules and writes

- `doc._.evx`: the records as dicts, exactly as `evx match` writes them;
- `doc.spans[spans_key]` (default `"evx"`): one span per record, in the same order, over the
  record's `start:end` (the whole match), labelled with its `type`.

Records of the Doc carry `doc` = "" and have no date to resolve times against; use
`from_spacy(doc, doc_id, date)` with `RuleSet.extract` for those.

spaCy imports every registered factory's module whenever it makes a pipeline, evx installed
or not in use: this module imports the engine only when a component is made.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

if TYPE_CHECKING:
    from ..api import RuleSet

EXTENSION = "evx"

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)


class EvxComponent:
    """Runs one rule set over each Doc; loaded once, when the pipeline is made."""

    def __init__(self, name: str, rules: str, mentions: bool = False, spans_key: str = "evx"):
        self.name = name
        self.rules_path = rules
        self.mentions = mentions
        self.spans_key = spans_key
        from ..api import load_rules
        self.rules: RuleSet = load_rules(rules)

    def __call__(self, doc: Doc) -> Doc:
        records = [r.to_dict() for r in self.extract(doc)]
        doc._.set(EXTENSION, records)
        # every record starts and ends on a token of the Doc (the evx tokens are its tokens),
        # so "expand" only guards the order of spans against a None
        doc.spans[self.spans_key] = [
            doc.char_span(r["start"], r["end"], label=r["type"], alignment_mode="expand") for r in records]
        return doc

    def extract(self, doc: Doc) -> list:
        """The records of one Doc (Record objects, not dicts)."""
        from ..io.spacy import from_spacy
        document = self.rules.prepare(from_spacy(doc))
        return self.rules.records(document, self.rules.matches(document), self.mentions)

    def __reduce__(self) -> tuple:
        # for pipelines sent to other processes: the rules are loaded again from their path
        return type(self), (self.name, self.rules_path, self.mentions, self.spans_key)

    def __repr__(self) -> str:
        return f"<EvxComponent {self.name!r} rules={self.rules_path!r}>"


@Language.factory(
    "evx",
    default_config={"rules": "evx:news", "mentions": False, "spans_key": "evx"},
    assigns=["doc._.evx", "doc.spans"],
)
def make_evx(nlp: Language, name: str, rules: str, mentions: bool, spans_key: str) -> EvxComponent:
    """The `evx` component: `rules` is a rule file or folder, or `evx:news` (the bundled set);
    `mentions` adds plain mentions and relations to the events; `spans_key` names the span group."""
    return EvxComponent(name, rules, mentions, spans_key)

