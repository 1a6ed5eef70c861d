"""evx: rule-based event extraction.

The stages, in the order data flows through them:
annotate (text -> Document) -> parser (pattern -> AST) -> compiler (AST -> Program) ->
runtime (Program x Sentence -> matches) -> cascade (rules by priority) -> records (JSON).
"""
from .annotate import annotate
from .document import Document, Sentence, Token
from .errors import EvxError, RuleErrors
from .records import Event, Mention, Record, Relation, Span
from .ruleset import RuleSet, bundled_rules, load_rules

__all__ = ["annotate", "load_rules", "bundled_rules", "RuleSet", "Document", "Sentence", "Token",
           "Event", "Relation", "Mention", "Record", "Span", "EvxError", "RuleErrors"]
__version__ = "0.1.0"
