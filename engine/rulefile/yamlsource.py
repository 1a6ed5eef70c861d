"""YAML loaded safely, with the place of every value kept for error messages.

The file is only *composed* (parsed into nodes); nothing is constructed from tags, so a
rule file can never build an object or run code. Values come back as `YMap`, `YList` and
plain scalars, and each container remembers the node of each of its items.
"""
from __future__ import annotations

import bisect
import re

import yaml
from yaml.constructor import SafeConstructor

from ..errors import EvxError, Location

# libyaml's composer when the build has it: the same nodes and marks, ten times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 1_000_000      # values after aliases are expanded, past which a file that
ALIAS_GROWTH = 4           # grows this many times through its aliases is a "billion laughs"
HARD_MAX_NODES = 20_000_000
MAX_DEPTH = 200            # nesting of lists and maps: deeper is refused before parsing

# the line breaks of YAML 1.1, which the parser counts lines by
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BRACKETS = re.compile("[\\[\\]{}\"']")

_TAG = "tag:yaml.org,2002:"
_SCALARS = {"str", "int", "float", "bool", "null", "timestamp", "binary", "merge", "value"}


class YMap(dict):
    """A mapping that knows where it and each of its values stand in the file."""
    node: yaml.Node
    key_nodes: dict
    value_nodes: dict


class YList(list):
    node: yaml.Node
    item_nodes: list


class Source:
    """One YAML file's text, to turn marks and nodes into Locations."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.lines = _BREAK.split(text)
        if len(self.lines) > 1 and self.lines[-1] == "":
            self.lines.pop()        # the break that ends the last line starts no new one

    def location(self, line0: int, col0: int) -> Location:
        if line0 >= len(self.lines) and self.lines:
            # past the end (an error found at end of file): point just after the last line's text
            line0, col0 = len(self.lines) - 1, len(self.lines[-1])
        source_line = self.lines[line0] if 0 <= line0 < len(self.lines) else ""
        return Location(self.path, line0 + 1, col0 + 1, source_line)

    def at(self, node: yaml.Node | None) -> Location:
        if node is None:
            return self.location(0, 0)
        return self.location(node.start_mark.line, node.start_mark.column)

    def inside(self, node: yaml.ScalarNode, offset: int) -> Location:
        """The location of character `offset` of a scalar's value, for errors inside a pattern.

        The value is what YAML made of the source (escapes resolved, indentation removed,
        folded lines joined), so walk the value and the source side by side: each value
        character is the next source character equal to it, any whitespace standing for
        any whitespace.
        """
        text, value = self.text, node.value
        offset = max(0, min(offset, len(value)))
        i, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            i = text.find("\n", i, end) + 1 or end
        elif node.style in ("'", '"'):
            i += 1
        for ch in value[:offset + 1]:
            j = _next_same(text, ch, i, end)
            if j < 0:
                break
            i = j + 1
        else:
            i -= 1      # i is one past the character at `offset`: step back onto it
        return self.offset_location(min(i, max(end - 1, 0)))

    def offset_location(self, index: int) -> Location:
        line0 = bisect.bisect_right(self._starts, index) - 1
        return self.location(line0, index - self._starts[line0])

    @property
    def _starts(self) -> list[int]:
        starts = getattr(self, "_line_starts", None)
        if starts is None:
            starts = [0] + [m.end() for m in _BREAK.finditer(self.text)]
            self._line_starts = starts
        return starts


def _next_same(text: str, ch: str, start: int, end: int) -> int:
    if ch.isspace():
        for j in range(start, end):
            if text[j].isspace():
                return j
        return -1
    return text.find(ch, start, end)


def load_yaml(path: str, text: str) -> tuple[object, Source]:
    """Parse `text` (the content of `path`) into located values; raise EvxError on bad YAML."""
    source = Source(path, text)
    _check_depth(text, source)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        loc = source.location(mark.line, mark.column) if mark else Location(path, 1, 1)
        problem = err.problem or err.context or "bad YAML"
        raise EvxError(f"bad YAML: {problem}", loc) from None
    except yaml.YAMLError as err:
        raise EvxError(f"bad YAML: {err}", Location(path, 1, 1)) from None
    except RecursionError:
        raise EvxError("the YAML is nested too deeply", Location(path, 1, 1)) from None
    if node is None:
        return None, source
    try:
        _check_size(node, source)
        return _Builder(source).build(node), source
    except RecursionError:
        raise EvxError("the YAML is nested too deeply", source.at(node)) from None


def _check_depth(text: str, source: Source) -> None:
    """Refuse flow collections nested past MAX_DEPTH before the parser, which recurses on them
    (libyaml in C, where running out of stack kills the process), ever sees them."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    quote = None
    for m in _BRACKETS.finditer(text):
        index, ch = m.start(), m.group()
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (index == 0 or text[index - 1] in " \t\n[{,:"):
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise EvxError(f"lists and maps nested more than {MAX_DEPTH} deep", source.offset_location(index))
        elif ch in "]}":
            depth = max(depth - 1, 0)


def _check_size(root: yaml.Node, source: Source) -> None:
    """Refuse a document whose aliases expand it past MAX_NODES, before expanding anything."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise EvxError("a YAML alias refers to itself", source.at(node))
        total = 1
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            on_path.add(key)
            items = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            for child in items:
                total += size(child)
                # a bomb grows far past the nodes written; a big file written out is fine
                if total > HARD_MAX_NODES or (total > MAX_NODES and total > ALIAS_GROWTH * len(sizes)):
                    raise EvxError(f"the YAML expands to more than {MAX_NODES:,} values through its aliases",
                                   source.at(child), "aliases nested in aliases (a 'billion laughs')?")
            on_path.discard(key)
        sizes[key] = total
        return total

    size(root)


class _Builder:
    def __init__(self, source: Source):
        self.source = source
        self.active: set[int] = set()
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node):
        if id(node) in self.active:
            raise EvxError("a YAML alias refers to itself", self.source.at(node))
        tag = node.tag or ""
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, tag)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self.check_tag(node, tag, "seq")
                out = YList(self.build(item) for item in node.value)
                out.node, out.item_nodes = node, list(node.value)
                return out
            self.check_tag(node, tag, "map")
            out = YMap()
            out.node, out.key_nodes, out.value_nodes = node, {}, {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if isinstance(key, (YMap, YList)):
                    raise EvxError("a mapping key must be a plain value", self.source.at(key_node))
                if key in out:
                    raise EvxError(f"duplicate key '{key}'", self.source.at(key_node))
                out[key] = self.build(value_node)
                out.key_nodes[key] = key_node
                out.value_nodes[key] = value_node
            return out
        finally:
            self.active.discard(id(node))

    def check_tag(self, node: yaml.Node, tag: str, kind: str) -> None:
        if tag != _TAG + kind:
            raise EvxError(f"YAML tag '{tag}' is not allowed in a rule file", self.source.at(node),
                           "rule files are data: only plain maps, lists, strings and numbers")

    def scalar(self, node: yaml.ScalarNode, tag: str):
        if not tag.startswith(_TAG) or tag[len(_TAG):] not in _SCALARS:
            raise EvxError(f"YAML tag '{tag}' is not allowed in a rule file", self.source.at(node),
                           "rule files are data: only plain maps, lists, strings and numbers")
        kind = tag[len(_TAG):]
        if kind in ("str", "timestamp", "binary", "merge", "value"):
            return node.value
        try:
            return getattr(self.constructor, f"construct_yaml_{kind}")(node)
        except Exception:   # e.g. `!!bool X`: a value its tag cannot read
            raise EvxError(f"'{node.value}' is not a valid {kind}", self.source.at(node)) from None
