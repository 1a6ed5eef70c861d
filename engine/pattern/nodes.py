"""The pattern AST: small immutable nodes that the parser builds and the passes walk.

Every pattern node keeps `at`, the character offset in the pattern source where it starts,
so that the compiler can point errors at the right place. It takes no part in equality.
Each node says what is below it with `children()`; passes over the nodes are Visitors
(see visitor.py), which must handle every node kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .visitor import ConstraintNode, Node, PathNode, PatternNode, ValueNode, Visitor, walk

__all__ = ["Node", "ValueNode", "ConstraintNode", "PatternNode", "PathNode", "walk", "constraint_tests",
           "to_source", "value_source", "constraint_source", "path_source"]


# -- values and token constraints -------------------------------------------------------------

@dataclass(frozen=True)
class Literal(ValueNode):
    text: str

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Regex(ValueNode):
    """`/source/`, searched anywhere in the value; `/source/i` ignores case."""
    source: str
    ignore_case: bool = False

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class ValueSet(ValueNode):
    """`field in (a, b, "c d")`: the field has one of the values (literals, in written order)."""
    values: tuple[str, ...]

    def children(self) -> tuple[Node, ...]:
        return ()


Value = Union[Literal, Regex, ValueSet]


@dataclass(frozen=True)
class FieldTest(ConstraintNode):
    field: str
    negated: bool           # `field!=value`, `field !in (...)`
    value: Value
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.value,)


@dataclass(frozen=True)
class Not(ConstraintNode):
    operand: "Constraint"

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class And(ConstraintNode):
    operands: tuple["Constraint", ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class Or(ConstraintNode):
    operands: tuple["Constraint", ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class AnyToken(ConstraintNode):
    """`[]`: any token at all."""

    def children(self) -> tuple[Node, ...]:
        return ()


Constraint = Union[FieldTest, Not, And, Or, AnyToken]


# -- patterns ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenPattern(PatternNode):
    """One token that satisfies a constraint."""
    constraint: Constraint
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.constraint,)


@dataclass(frozen=True)
class Sequence(PatternNode):
    items: tuple["Pattern", ...]
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Alternation(PatternNode):
    """Alternatives in order of preference: the leftmost that leads to a match wins."""
    options: tuple["Pattern", ...]
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.options


@dataclass(frozen=True)
class Repeat(PatternNode):
    body: "Pattern"
    min: int
    max: int | None         # None: unbounded
    greedy: bool
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class Capture(PatternNode):
    name: str
    body: "Pattern"
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class MentionRef(PatternNode):
    """`@Label` or `@name:Label`: one whole mention of the label or a label under it."""
    label: str
    name: str | None
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Lookaround(PatternNode):
    body: "Pattern"
    behind: bool
    negated: bool
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class Anchor(PatternNode):
    """`^` (sentence start) or `$` (sentence end)."""
    end: bool
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return ()


Pattern = Union[TokenPattern, Sequence, Alternation, Repeat, Capture, MentionRef, Lookaround, Anchor]


# -- paths over the dependency tree (graph rules) --------------------------------------------------

@dataclass(frozen=True)
class Edge(PathNode):
    """`>rel` (head to dependent) or `<rel` (dependent to head); the relation is a literal
    (the label exactly), a regex (searched in it) or None (`>>`, `<<`: any)."""
    down: bool
    relation: Literal | Regex | None
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return () if self.relation is None else (self.relation,)


@dataclass(frozen=True)
class PathFilter(PathNode):
    """`[constraint]`: keep the tokens that satisfy it."""
    constraint: Constraint
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.constraint,)


@dataclass(frozen=True)
class PathLookahead(PathNode):
    """`(?= path)`, `(?! path)`: keep the tokens from which the path does (not) reach a token."""
    body: "Path"
    negated: bool
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class PathSequence(PathNode):
    items: tuple["Path", ...]
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class PathAlternation(PathNode):
    """Every token that any option reaches (a path has no preferences: it reaches a set)."""
    options: tuple["Path", ...]
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.options


@dataclass(frozen=True)
class PathRepeat(PathNode):
    body: "Path"
    min: int
    max: int | None         # None: unbounded
    at: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


Path = Union[Edge, PathFilter, PathLookahead, PathSequence, PathAlternation, PathRepeat]


def constraint_tests(constraint: Constraint):
    """Yield every FieldTest inside a constraint."""
    return (node for node in walk(constraint) if isinstance(node, FieldTest))


# -- back to text ---------------------------------------------------------------------------------

_NEEDS_QUOTES = frozenset("[]()|&!=?*+{}@^$#\"/,")     # and whitespace: what a bare WORD cannot hold


def quantifier_source(low: int, high: int | None) -> str:
    """A repetition's bounds as written: `?`, `*`, `+`, `{n}` or `{n,m}`."""
    if (low, high) == (0, 1):
        return "?"
    if (low, high) == (0, None):
        return "*"
    if (low, high) == (1, None):
        return "+"
    if low == high:
        return f"{{{low}}}"
    return f"{{{low},{'' if high is None else high}}}"


class _Source(Visitor, over=(ValueNode, ConstraintNode, PatternNode)):
    """Nodes as pattern text that parses back to the same nodes.

    Constraints take the precedence level of their context (0 outermost, 1 inside `|`, 2
    inside `&`, 3 after `!`) and are parenthesised where it is theirs or tighter, so that
    `(a | b) | c` stays an Or inside an Or. Likewise a sequence or alternation inside one
    of its own kind is grouped, as the parser keeps such groups as nodes.
    """

    # values
    def visit_Literal(self, value: Literal, level: int = 0) -> str:
        text = value.text
        if text and not any(ch in _NEEDS_QUOTES or ch.isspace() for ch in text):
            return text
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def visit_Regex(self, value: Regex, level: int = 0) -> str:
        return "/" + value.source.replace("/", "\\/") + "/" + ("i" if value.ignore_case else "")

    def visit_ValueSet(self, value: ValueSet, level: int = 0) -> str:
        return "(" + ", ".join(self.visit_Literal(Literal(v)) for v in value.values) + ")"

    # constraints
    def visit_AnyToken(self, c: AnyToken, level: int = 0) -> str:
        return ""

    def visit_FieldTest(self, c: FieldTest, level: int = 0) -> str:
        return c.field + _OPERATOR.visit(c.value, c.negated) + self.visit(c.value)

    def visit_Not(self, c: Not, level: int = 0) -> str:
        return "!" + self.visit(c.operand, 3)

    def visit_And(self, c: And, level: int = 0) -> str:
        text = " & ".join(self.visit(op, 2) for op in c.operands)
        return f"({text})" if level >= 2 else text

    def visit_Or(self, c: Or, level: int = 0) -> str:
        text = " | ".join(self.visit(op, 1) for op in c.operands)
        return f"({text})" if level >= 1 else text

    # patterns
    def visit_TokenPattern(self, node: TokenPattern) -> str:
        return f"[{self.visit(node.constraint)}]"

    def visit_Sequence(self, node: Sequence) -> str:
        return " ".join(self._grouped(item, (Sequence, Alternation)) for item in node.items)

    def visit_Alternation(self, node: Alternation) -> str:
        return " | ".join(self._grouped(option, Alternation) for option in node.options)

    def visit_Repeat(self, node: Repeat) -> str:
        quant = quantifier_source(node.min, node.max)
        return self._grouped(node.body, (Sequence, Alternation, Repeat)) + quant + ("" if node.greedy else "?")

    def visit_Capture(self, node: Capture) -> str:
        return f"(?<{node.name}> {self.visit(node.body)})"

    def visit_MentionRef(self, node: MentionRef) -> str:
        return f"@{node.name}:{node.label}" if node.name else f"@{node.label}"

    def visit_Lookaround(self, node: Lookaround) -> str:
        opener = "(?<" if node.behind else "(?"
        return f"{opener}{'!' if node.negated else '='} {self.visit(node.body)})"

    def visit_Anchor(self, node: Anchor) -> str:
        return "$" if node.end else "^"

    def _grouped(self, node: Pattern, kinds) -> str:
        text = self.visit(node)
        return f"({text})" if isinstance(node, kinds) else text


class _Operator(Visitor, over=ValueNode):
    """What stands between a field and its value: `=`, `!=`, ` in `, ` !in `."""

    def visit_Literal(self, value: Value, negated: bool) -> str:
        return "!=" if negated else "="

    visit_Regex = visit_Literal

    def visit_ValueSet(self, value: ValueSet, negated: bool) -> str:
        return " !in " if negated else " in "


class _PathSource(Visitor, over=PathNode):
    """A path as text that parses back to the same nodes."""

    def visit_Edge(self, node: Edge) -> str:
        arrow = ">" if node.down else "<"
        if node.relation is None:
            return arrow * 2
        if isinstance(node.relation, Regex):
            return arrow + _SOURCE.visit(node.relation)
        return arrow + node.relation.text

    def visit_PathFilter(self, node: PathFilter) -> str:
        return f"[{_SOURCE.visit(node.constraint)}]"

    def visit_PathLookahead(self, node: PathLookahead) -> str:
        return f"(?{'!' if node.negated else '='} {self.visit(node.body)})"

    def visit_PathSequence(self, node: PathSequence) -> str:
        return " ".join(self._grouped(item, (PathSequence, PathAlternation)) for item in node.items)

    def visit_PathAlternation(self, node: PathAlternation) -> str:
        return " | ".join(self._grouped(option, PathAlternation) for option in node.options)

    def visit_PathRepeat(self, node: PathRepeat) -> str:
        quant = quantifier_source(node.min, node.max)
        return self._grouped(node.body, (PathSequence, PathAlternation, PathRepeat)) + quant

    def _grouped(self, node: Path, kinds) -> str:
        text = self.visit(node)
        return f"({text})" if isinstance(node, kinds) else text


_SOURCE = _Source()
_OPERATOR = _Operator()
_PATH_SOURCE = _PathSource()


def value_source(value: Value) -> str:
    return _SOURCE.visit(value)


def constraint_source(c: Constraint, outer: int = 0) -> str:
    """The constraint as pattern text, parenthesised only where precedence needs it."""
    return _SOURCE.visit(c, outer)


def to_source(node: Pattern) -> str:
    """The pattern as text: parsing it gives the same AST."""
    return _SOURCE.visit(node)


def path_source(node: Path) -> str:
    """The path as text: parsing it gives the same nodes."""
    return _PATH_SOURCE.visit(node)
