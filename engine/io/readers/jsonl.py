"""JSON Lines: one document per line, {"id", "text", "date"?, "meta"?, "tokens"?}.

Each line that is not a document becomes an `InputError` naming its file and line, and
the lines after it are read as usual.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from ...errors import InputError
from .items import InputDoc, Item, surrogate_at


def read_jsonl(stream: Iterable[bytes], name: str) -> Iterator[Item]:
    """The documents of a JSON Lines stream, in order; blank lines are skipped."""
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            yield InputError(f"not UTF-8 text: byte 0x{raw[err.start]:02x} at column {err.start + 1}", name, number)
            continue
        obj = parse_json_line(line, name, number)
        yield obj if isinstance(obj, InputError) else json_document(obj, name, number)


def parse_json_line(line: str, name: str, number: int) -> Any:
    """The value of one JSON line, or the InputError that says why it is not JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        return InputError(f"malformed JSON: {err.msg} at column {err.colno}", name, number)
    except RecursionError:
        return InputError("malformed JSON: nested too deeply", name, number)
    except ValueError as err:   # e.g. an integer too long to convert
        return InputError(f"malformed JSON: {err}", name, number)


def json_document(obj: Any, name: str, number: int) -> Item:
    def error(message: str) -> InputError:
        return InputError(message, name, number)
    if not isinstance(obj, dict):
        return error("each line must be a JSON object with 'id' and 'text'")
    text = obj.get("text")
    if not isinstance(text, str):
        return error("the document has no 'text' string")
    doc_id = obj.get("id")
    if doc_id is None:
        doc_id = f"{name}:{number}"
    elif not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        return error("'id' must be a string or a number")
    date = obj.get("date")
    if date is not None and not isinstance(date, str):
        return error("'date' must be a string such as 2024-01-15")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        return error("'meta' must be an object")
    tokens = obj.get("tokens")
    if tokens is not None and not isinstance(tokens, list):
        return error("'tokens' must be a list of {start, end, ...} objects")
    for key, value in (("id", str(doc_id)), ("text", text), ("date", date or "")):
        bad = surrogate_at(value)
        if bad is not None:
            return error(f"'{key}' holds a lone surrogate (\\u{ord(value[bad]):04x} at "
                         f"character {bad}), which is not Unicode text")
    return InputDoc(str(doc_id), text, date, meta, tokens, name, number)
