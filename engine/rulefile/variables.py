"""Variables of rule files, scoped lexically.

A file sees its own `vars:` and the `vars:` written on the import line that loaded it, and
nothing else: the vars of the file that imports it do not leak in. The import line's values
win over the file's own (the file's are defaults, the import line passes arguments). An
import line's values are read in the importing file's scope, so `vars: {det: "${det}"}`
passes the importer's `det` down.

Variables that name variables are expanded by the pattern parser; here their chains are
bounded first, so that a long chain is a located error and never a RecursionError.
"""
from __future__ import annotations

import re
from typing import Mapping

from ..errors import EvxError, Location, did_you_mean

MAX_VAR_DEPTH = 100         # variables naming variables naming ... this many deep at most
MAX_VALUE = 200_000         # characters of an expanded import-line value

_VAR = re.compile(r"\$\{([^}]*)\}")

def references(value: object) -> list[str]:
    texts = value if isinstance(value, list) else [value]
    return [m.group(1).strip() for text in texts if isinstance(text, str) for m in _VAR.finditer(text)]


def too_deep(values: Mapping[str, object]) -> tuple[str, list[str]] | None:
    """A variable whose chain of references runs deeper than MAX_VAR_DEPTH, with the chain;
    None if there is none. Loops are left to the parser, which names them."""
    depth: dict[str, int] = {}
    longest: dict[str, str | None] = {}
    for first in values:
        if first in depth:
            continue
        stack = [(first, iter(references(values[first])))]
        on_stack = {first}
        while stack:
            name, refs = stack[-1]
            ref = next(refs, None)
            if ref is None:
                stack.pop()
                on_stack.discard(name)
                best = max((r for r in references(values[name]) if r in depth), key=depth.get, default=None)
                depth[name] = 1 + (depth[best] if best is not None else 0)
                longest[name] = best
                if depth[name] > MAX_VAR_DEPTH:
                    chain = [name]
                    while longest.get(chain[-1]) is not None and len(chain) <= MAX_VAR_DEPTH:
                        chain.append(longest[chain[-1]])
                    return name, chain
                continue
            if ref in values and ref not in depth and ref not in on_stack:
                stack.append((ref, iter(references(values[ref]))))
                on_stack.add(ref)
    return None


def expand(value: object, scope: Mapping[str, object], at: Location) -> object:
    """An import line's value with the importing file's variables put in. A value that is
    one variable and nothing else passes that variable as it is (a list stays a list)."""
    if isinstance(value, list):
        return [_expand_text(item, scope, at) for item in value]
    whole = _VAR.fullmatch(value.strip()) if isinstance(value, str) else None
    if whole is not None:
        name = whole.group(1).strip()
        _known(name, scope, at)
        found = scope[name]
        return [_expand_text(item, scope, at) for item in found] if isinstance(found, list) else \
            _expand_text(found, scope, at)
    return _expand_text(value, scope, at)


def _expand_text(text: str, scope: Mapping[str, object], at: Location) -> str:
    """`text` with every `${name}` replaced, each name once (memoised), without recursion."""
    done: dict[str, str] = {}

    def text_of(name: str) -> str:
        # iterative: expand the names this one needs first, deepest first
        pending = [(name, ())]
        while pending:
            current, chain = pending[-1]
            if current in done:
                pending.pop()
                continue
            if len(chain) > MAX_VAR_DEPTH:
                raise EvxError(f"variables nest more than {MAX_VAR_DEPTH} deep: "
                               + " -> ".join(chain[:4]) + " -> ...", at)
            _known(current, scope, at)
            raw = scope[current]
            raw_text = "|".join(raw) if isinstance(raw, list) else str(raw)
            missing = [r for r in dict.fromkeys(references(raw_text)) if r not in done]
            if not missing:
                done[current] = _VAR.sub(lambda m: done[m.group(1).strip()], raw_text)
                if len(done[current]) > MAX_VALUE:
                    raise EvxError(f"variable '{current}' expands to more than {MAX_VALUE:,} characters", at)
                pending.pop()
                continue
            for ref in missing:
                if ref in chain or ref == current:
                    raise EvxError("variables refer to each other in a loop: "
                                   + " -> ".join(chain + (current, ref)), at)
                pending.append((ref, chain + (current,)))
        return done[name]

    names = dict.fromkeys(references(text))
    for name in names:
        text_of(name)
    out = _VAR.sub(lambda m: done[m.group(1).strip()], text)
    if len(out) > MAX_VALUE:
        raise EvxError(f"an import's variable expands to more than {MAX_VALUE:,} characters", at)
    return out


def _known(name: str, scope: Mapping[str, object], at: Location) -> None:
    if name not in scope:
        raise EvxError(f"unknown variable '{name}' in an import's vars (they are read in the importing "
                       f"file's scope)", at, did_you_mean(name, scope) or
                       f"variables here: {', '.join(sorted(scope)) or 'none'}")
