"""Rewrite anchored regex alternations of plain words into sets of values.

`lower=/^(a|b|c)$/` becomes `lower in (a, b, c)`, `lower!=/^(a|b)$/` becomes
`lower !in (a, b)`, `lower=/^(${verbs})$/` becomes `lower in ${verbs}` and
`lower=/^(${verbs}|go)$/` becomes `lower in (${verbs}, go)` when `verbs` is a list variable of the
same file, and `lower=/^word$/` becomes `lower=word`. Alternations that hold
any real regex syntax are left as they are. Usage: python scripts/regex_sets.py FILE.yml...
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

FIELD_REGEX = re.compile(r"\b(?P<field>[a-z_]+)(?P<op>!?=)/\^(?:\((?P<alts>[^()/]*)\)|(?P<one>[^()/|]*))\$/(?![A-Za-z])")
META = set(".^$*+?{}[]()|\\")
NEEDS_QUOTES = set(" \t[]()|&!=?*+{}@^$#\"/,")
VARIABLE = re.compile(r"^\$\{(\w+)\}$")


def _literal(alt: str) -> str | None:
    """The plain word an alternative stands for, or None if it uses regex syntax."""
    out, i = [], 0
    while i < len(alt):
        ch = alt[i]
        if ch == "\\":
            if i + 1 < len(alt) and not alt[i + 1].isalnum():
                out.append(alt[i + 1])
                i += 2
                continue
            return None
        if ch == "." and out:          # "mr." in a word list means the full stop
            out.append(ch)
        elif ch in META:
            return None
        else:
            out.append(ch)
        i += 1
    return "".join(out) if out else None


def _value(word: str) -> str:
    if any(ch in NEEDS_QUOTES for ch in word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def rewrite(text: str, list_vars: set[str]) -> tuple[str, int]:
    count = 0

    def replace(m: re.Match) -> str:
        nonlocal count
        field, op = m.group("field"), m.group("op")
        if m.group("one") is not None:
            word = _literal(m.group("one"))
            if word is None:
                return m.group(0)
            count += 1
            return f"{field}{op}{_value(word)}"
        alts = m.group("alts").split("|")
        set_op = "in" if op == "=" else "!in"
        if len(alts) == 1 and (var := VARIABLE.match(alts[0])) and var.group(1) in list_vars:
            count += 1
            return f"{field} {set_op} {alts[0]}"
        items = []
        for alt in alts:
            var = VARIABLE.match(alt)
            if var and var.group(1) in list_vars:
                items.append(alt)           # a list variable among a set's items adds its items
                continue
            word = _literal(alt)
            if word is None:
                return m.group(0)
            items.append(_value(word))
        count += 1
        return f"{field} {set_op} ({', '.join(items)})"

    return FIELD_REGEX.sub(replace, text), count


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        variables = data.get("vars") or {}
        list_vars = {k for k, v in variables.items() if isinstance(v, list)
                     and all(isinstance(x, (str, int)) and _literal(str(x)) == str(x) for x in v)}
        new, count = rewrite(text, list_vars)
        path.write_text(new, encoding="utf-8")
        print(f"{path}: {count} rewritten", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
