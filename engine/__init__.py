"""evx: rule-based event extraction.

The stages, in the order data flows through them, each a subpackage:
text (raw text -> Document) -> pattern (source -> AST -> Program; the VM runs it over a
sentence) -> rulefile (YAML -> rules) -> cascade (rules by priority over a document) ->
enrich (time values) -> records (JSON) -> io (readers and writers); run (one process or
several) and tools (the command line and what it offers) sit on top. `api.RuleSet` ties them.

The names below are imported when first used, so that `import evx.tools.cli` (the `evx`
command) is quick and can handle a Ctrl-C while the rest loads.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "RuleSet": ".api", "bundled_rules": ".api", "load_rules": ".api",
    "EvxError": ".errors", "RuleErrors": ".errors",
    "Event": ".records", "Mention": ".records", "Record": ".records", "Relation": ".records", "Span": ".records",
    "annotate": ".text.annotate",
    "Document": ".text.document", "Sentence": ".text.document", "Token": ".text.document",
    "from_spacy": ".io.spacy",
}

__all__ = ["annotate", "from_spacy", "load_rules", "bundled_rules", "RuleSet", "Document", "Sentence", "Token",
           "Event", "Relation", "Mention", "Record", "Span", "EvxError", "RuleErrors"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'evx' has no attribute '{name}'")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
