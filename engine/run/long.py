"""One very long document, annotated and matched a piece at a time so its memory stays bounded.

A match never crosses a sentence and the cascade keeps everything per sentence, so running the
rules over consecutive pieces of whole sentences finds what one pass over the whole document
finds, in the same order. Only the pieces' Tokens, tags, trees and matches are alive at once;
the records (as JSON text when the run writes them) are what grows with the document.
"""
from __future__ import annotations

from dataclasses import replace
from time import perf_counter
from typing import TYPE_CHECKING

from ..cascade.run import Profile
from ..errors import InputError
from ..io.readers import Item
from ..io.writers import encode
from ..text.annotate import annotate_pieces

if TYPE_CHECKING:
    from ..api import RuleSet
    from .batch import Options, Result

LONG_CHARACTERS = 500_000   # longer texts, with evx's annotator, go piece by piece (~90,000 tokens)
PIECE_TOKENS = 20_000       # tokens in each piece


def is_long(item: Item, options: "Options") -> bool:
    """Whether `item` is run piece by piece: a long text for evx's own annotator, with no
    tokens of its own and no caller that wants the whole Document back."""
    return (not isinstance(item, InputError) and item.tokens is None and options.annotator == "evx"
            and not options.keep_document and len(item.text) > LONG_CHARACTERS)


def process_long(rules: "RuleSet", item: Item, options: "Options") -> "Result":
    """`process` for a long document (see is_long): the same records, a piece at a time."""
    from .batch import Result, matching_failed

    profile = Profile() if options.profile else None
    out: list = []
    tokens = sentences = 0
    annotate_seconds = syntax_seconds = 0.0
    try:
        began = perf_counter()
        for first, piece in annotate_pieces(item.text, item.id, item.date, item.meta, PIECE_TOKENS):
            annotated = perf_counter()
            piece = rules.prepare(piece)
            prepared = perf_counter()
            found = rules.matches(piece, profile)
            for record in rules.records(piece, found, options.mentions, options.labels):
                row = replace(record, sentence=record.sentence + first).to_dict()
                out.append(encode(row) if options.encode else row)
            tokens += piece.token_count
            sentences += len(piece.sentences)
            annotate_seconds += annotated - began
            syntax_seconds += prepared - annotated
            began = perf_counter()
    except Exception as err:  # noqa: BLE001 - a bug must cost one document, not the run
        return matching_failed(item, err)
    return Result(item.id, out, tokens, sentences, None, annotate_seconds, profile, None, syntax_seconds)
