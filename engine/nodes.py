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
