"""The pattern AST: small immutable nodes that the parser builds and the compiler walks once.

Every node keeps `at`, the character offset in the pattern source where it starts, so that
the compiler can point errors at the right place. It takes no part in equality.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


# -- values and token constraints -------------------------------------------------------------

@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Regex:
    source: str


Value = Union[Literal, Regex]


@dataclass(frozen=True)
class FieldTest:
    field: str
    negated: bool           # `field!=value`
    value: Value
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: "Constraint"


@dataclass(frozen=True)
class And:
    operands: tuple["Constraint", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Constraint", ...]


@dataclass(frozen=True)
class AnyToken:
    """`[]`: any token at all."""


Constraint = Union[FieldTest, Not, And, Or, AnyToken]


# -- patterns ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenPattern:
    """One token that satisfies a constraint."""
    constraint: Constraint
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Sequence:
    items: tuple["Pattern", ...]
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Alternation:
    """Alternatives in order of preference: the leftmost that leads to a match wins."""
    options: tuple["Pattern", ...]
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Repeat:
    body: "Pattern"
    min: int
    max: int | None         # None: unbounded
    greedy: bool
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Capture:
    name: str
    body: "Pattern"
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class MentionRef:
    """`@Label` or `@name:Label`: one whole mention of the label or a label under it."""
    label: str
    name: str | None
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Lookaround:
    body: "Pattern"
    behind: bool
    negated: bool
    at: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Anchor:
    """`^` (sentence start) or `$` (sentence end)."""
    end: bool
    at: int = field(default=0, compare=False)


Pattern = Union[TokenPattern, Sequence, Alternation, Repeat, Capture, MentionRef, Lookaround, Anchor]


def walk(node: Pattern):
    """Yield the node and every pattern node below it, parents first."""
    yield node
    if isinstance(node, Sequence):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Alternation):
        for option in node.options:
            yield from walk(option)
    elif isinstance(node, (Repeat, Capture, Lookaround)):
        yield from walk(node.body)


def constraint_tests(constraint: Constraint):
    """Yield every FieldTest inside a constraint."""
    if isinstance(constraint, FieldTest):
        yield constraint
    elif isinstance(constraint, Not):
        yield from constraint_tests(constraint.operand)
    elif isinstance(constraint, (And, Or)):
        for operand in constraint.operands:
            yield from constraint_tests(operand)


# -- back to text ---------------------------------------------------------------------------------

def value_source(value: Value) -> str:
    if isinstance(value, Regex):
        return "/" + value.source.replace("/", "\\/") + "/"
    text = value.text
    if text and not any(ch in text for ch in " \t\n[]()|&!=?*+{}@^$#\"/"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def constraint_source(c: Constraint, outer: int = 0) -> str:
    """The constraint as pattern text, parenthesised only where precedence needs it."""
    if isinstance(c, AnyToken):
        return ""
    if isinstance(c, FieldTest):
        return f"{c.field}{'!=' if c.negated else '='}{value_source(c.value)}"
    if isinstance(c, Not):
        return "!" + constraint_source(c.operand, 3)
    level, joiner = (2, " & ") if isinstance(c, And) else (1, " | ")
    text = joiner.join(constraint_source(op, level) for op in c.operands)
    return f"({text})" if outer > level else text


def to_source(node: Pattern) -> str:
    """The pattern as text: parsing it gives the same AST."""
    if isinstance(node, TokenPattern):
        return f"[{constraint_source(node.constraint)}]"
    if isinstance(node, Sequence):
        return " ".join(_grouped(item, Alternation) for item in node.items)
    if isinstance(node, Alternation):
        return " | ".join(to_source(option) for option in node.options)
    if isinstance(node, Repeat):
        if (node.min, node.max) == (0, 1):
            quant = "?"
        elif (node.min, node.max) == (0, None):
            quant = "*"
        elif (node.min, node.max) == (1, None):
            quant = "+"
        elif node.min == node.max:
            quant = f"{{{node.min}}}"
        else:
            quant = f"{{{node.min},{'' if node.max is None else node.max}}}"
        return _grouped(node.body, (Sequence, Alternation, Repeat)) + quant + ("" if node.greedy else "?")
    if isinstance(node, Capture):
        return f"(?<{node.name}> {to_source(node.body)})"
    if isinstance(node, MentionRef):
        return f"@{node.name}:{node.label}" if node.name else f"@{node.label}"
    if isinstance(node, Lookaround):
        opener = "(?<" if node.behind else "(?"
        return f"{opener}{'!' if node.negated else '='} {to_source(node.body)})"
    return "$" if node.end else "^"


def _grouped(node: Pattern, kinds) -> str:
    text = to_source(node)
    return f"({text})" if isinstance(node, kinds) else text
