"""The AST's node families and the one way to write a pass over them.

Every node class belongs to a family (values, token constraints, patterns, paths) by subclassing
its base, and says what is below it with `children()`. A pass is a `Visitor` subclass that
names the families it handles (`class Width(Visitor, over=PatternNode)`) and defines one
`visit_<NodeClass>` method per node class of those families. That is checked when the pass
is defined, and again when a node class is defined after the passes: a node kind that a
pass forgets is a TypeError at import time, never a silent wrong answer at run time.
"""
from __future__ import annotations

from typing import Callable, ClassVar, Iterator

_FAMILIES: list[type["Node"]] = []          # the family bases, in the order they were defined
_KINDS: dict[type["Node"], list[type["Node"]]] = {}   # family base -> its node classes
_PASSES: list[type["Visitor"]] = []          # every pass defined so far


class Node:
    """A node of the pattern AST. Subclasses are frozen dataclasses."""

    __slots__ = ()

    def children(self) -> tuple["Node", ...]:   # pragma: no cover - every node class defines it
        raise NotImplementedError

    def __init_subclass__(cls, family: bool = False, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if family:
            _FAMILIES.append(cls)
            _KINDS[cls] = []
            return
        if "children" not in cls.__dict__:
            raise TypeError(f"node class {cls.__name__} must define children()")
        families = [base for base in _FAMILIES if issubclass(cls, base)]
        if not families:
            raise TypeError(f"node class {cls.__name__} belongs to no family: subclass ValueNode, "
                            f"ConstraintNode, PatternNode or PathNode")
        lacking = [f"{visitor.__module__}.{visitor.__qualname__}" for visitor in _PASSES
                   if any(base in visitor.families for base in families) and not hasattr(visitor, _method(cls))]
        if lacking:
            raise TypeError(f"node class {cls.__name__} is not handled by " + ", ".join(lacking)
                            + f": define {_method(cls)} in each")
        for base in families:
            _KINDS[base].append(cls)
        for visitor in _PASSES:
            if any(base in visitor.families for base in families):
                visitor._dispatch[cls] = getattr(visitor, _method(cls))


class ValueNode(Node, family=True):
    """What a field is compared with: a literal, a regex, a set of values."""
    __slots__ = ()


class ConstraintNode(Node, family=True):
    """A test on one token, inside `[ ]`."""
    __slots__ = ()


class PatternNode(Node, family=True):
    """A piece of a token sequence; each keeps `at`, its offset in the pattern source."""
    __slots__ = ()


class PathNode(Node, family=True):
    """A piece of a path over the dependency tree (graph rules); each keeps `at`."""
    __slots__ = ()


def node_kinds(*families: type[Node]) -> tuple[type[Node], ...]:
    """The node classes of the families, in the order they were defined."""
    return tuple(kind for family in families for kind in _KINDS[family])


def forget_node_kind(kind: type[Node]) -> None:
    """Take a node class out of its families again (for tests that define one)."""
    for kinds in _KINDS.values():
        if kind in kinds:
            kinds.remove(kind)
    for visitor in _PASSES:
        visitor._dispatch.pop(kind, None)


def _method(kind: type) -> str:
    return "visit_" + kind.__name__


class Visitor:
    """A pass over the AST: `visit(node, *args)` calls the method for the node's class.

    Subclass with `over=` one family base or a tuple of them; a subclass without `over`
    inherits its parent's families and is checked the same way.
    """

    families: ClassVar[tuple[type[Node], ...]] = ()
    _dispatch: ClassVar[dict[type, Callable]] = {}

    def __init_subclass__(cls, over: type[Node] | tuple[type[Node], ...] | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if over is not None:
            cls.families = over if isinstance(over, tuple) else (over,)
        if not cls.families:
            raise TypeError(f"pass {cls.__name__} must name the node families it visits: over=...")
        kinds = node_kinds(*cls.families)
        missing = [_method(kind) for kind in kinds if not hasattr(cls, _method(kind))]
        if missing:
            raise TypeError(f"pass {cls.__name__} does not handle every node kind: define " + ", ".join(missing))
        known = {_method(kind) for kind in node_kinds(*_FAMILIES)}
        stray = sorted(name for name in dir(cls) if name.startswith("visit_") and name not in known)
        if stray:
            raise TypeError(f"pass {cls.__name__} has methods for no node kind: " + ", ".join(stray))
        cls._dispatch = _Dispatch(cls.__name__, {kind: getattr(cls, _method(kind)) for kind in kinds})
        _PASSES.append(cls)

    def visit(self, node: Node, *args):
        return self._dispatch[type(node)](self, node, *args)


class _Dispatch(dict):
    """Node class -> a pass's method; a node of no family the pass visits is a TypeError."""

    def __init__(self, owner: str, methods: dict):
        super().__init__(methods)
        self.owner = owner

    def __missing__(self, kind: type):
        raise TypeError(f"{self.owner} does not visit {kind.__name__}")


def walk(node: Node) -> Iterator[Node]:
    """The node and every node below it, parents first, in source order."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        below = item.children()
        if below:
            stack.extend(reversed(below))
