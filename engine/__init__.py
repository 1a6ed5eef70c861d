"""evx: rule-based event extraction.

The stages, in the order data flows through them, each a subpackage:
text (raw text -> Document) -> pattern (source -> AST -> Program; the VM runs it over a
sentence) -> rulefile (YAML -> rules) -> cascade (rules by priority over a document) ->
enrich (time values) -> records (JSON) -> io (readers and writers); run (one process or
several) and tools (the command line and what it offers) sit on top. `api.RuleSet` ties them.
"""
__version__ = "0.1.0"

from .api import RuleSet, bundled_rules, load_rules
from .errors import EvxError, RuleErrors
from .records import Event, Mention, Record, Relation, Span
from .text.annotate import annotate
from .text.document import Document, Sentence, Token

__all__ = ["annotate", "load_rules", "bundled_rules", "RuleSet", "Document", "Sentence", "Token",
           "Event", "Relation", "Mention", "Record", "Span", "EvxError", "RuleErrors"]
