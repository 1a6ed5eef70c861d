"""Pattern source -> AST: `${var}` expansion, the Lark parse, and a walk of the tree into nodes.

The grammar file (`evx/grammar/evx.lark`) is the single source of the syntax. Errors carry
the offset into the *original* pattern text, before variables were expanded.
"""
from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Mapping

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import nodes as n
from .paths import Condition, GraphPattern, RoleDefinition
from .relations import RELATIONS
from ..text.document import PATTERN_FIELDS
from ..errors import PatternError, did_you_mean

MAX_REPEAT = 1000
MAX_PATTERN = 200_000   # characters after variables: past that a pattern is refused, not parsed
MAX_NESTING = 110       # groups and brackets inside each other

_VAR = re.compile(r"\$\{([^}]*)\}")


# -- variables ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expansion:
    """A pattern after `${var}` expansion, with what is needed to map offsets back."""
    text: str
    # (start, end) in the expanded text and (start, end) in the original, per substitution
    spans: tuple[tuple[int, int, int, int], ...] = ()

    @cached_property
    def _starts(self) -> list[int]:
        return [span[0] for span in self.spans]

    def original_offset(self, offset: int) -> int:
        """Where `offset` of the expanded text came from in the original text: inside a
        substitution, the `${` that made it; after one, shifted by what the last one added.
        A binary search, as every node of a long pattern asks."""
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        start, end, orig_start, orig_end = self.spans[i]
        return orig_start if offset < end else offset - (end - orig_end)


_SET_BEFORE = re.compile(r"(?<![A-Za-z0-9_])[a-z_]+\s*!?in\s*$")    # `field in ` right before a `${`
# `field in (a, ` right before a `${`: a list there adds its items to the set
_SET_ITEM_BEFORE = re.compile(r"(?<![A-Za-z0-9_])[a-z_]+\s*!?in\s*\((?:[^()\[\]]*,)?\s*$")


def _set_context(text: str, offset: int) -> str | None:
    """How a list variable at `offset` is written: "set" after `field in`, "items" inside
    `field in (...)`, None elsewhere (joined with `|`). Brackets are the caller's to check."""
    if _SET_BEFORE.search(text, max(0, offset - 40), offset) is not None:
        return "set"
    if _SET_ITEM_BEFORE.search(text, max(0, offset - 4000), offset) is not None:
        return "items"
    return None


def expand_vars(source: str, variables: Mapping[str, object]) -> Expansion:
    """Replace each `${name}` by its value. A list joins with `|` so it fits in a regex or an
    alternation; after `field in` (inside brackets) it becomes the set `(a, b, "c d")`,
    each item one value, quoted as needed."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = out_len = 0
    brackets = _BracketDepth(source)
    for m in _VAR.finditer(source):
        name = m.group(1).strip()
        if name not in variables and _in_comment(source, m.start()):
            continue
        if name not in variables:
            raise PatternError(f"unknown variable '{name}'", m.start(),
                               did_you_mean(name, variables) or _known_vars(variables))
        context = (_set_context(source, m.start()) if isinstance(variables[name], (list, tuple))
                   and brackets.at(m.start()) > 0 else None)
        text = (_set_text(name, variables, m.start(), context == "items") if context
                else _var_text(name, variables, m.start(), ()))
        parts.append(source[pos:m.start()])
        out_len += m.start() - pos
        spans.append((out_len, out_len + len(text), m.start(), m.end()))
        parts.append(text)
        out_len += len(text)
        pos = m.end()
    parts.append(source[pos:])
    return Expansion("".join(parts), tuple(spans))


class _BracketDepth:
    """How many `[` are open at an offset, outside strings and regexes; asked for offsets in
    increasing order, it reads the text once."""

    def __init__(self, text: str):
        self.chars = _outside_literals(text)
        self.depth = 0
        self.ahead = next(self.chars, None)

    def at(self, offset: int) -> int:
        while self.ahead is not None and self.ahead[0] < offset:
            ch = self.ahead[1]
            self.depth += 1 if ch == "[" else -1 if ch == "]" else 0
            self.ahead = next(self.chars, None)
        return self.depth


def _set_text(name: str, variables: Mapping[str, object], at: int, bare: bool = False) -> str:
    """A list variable as a set, `(a, b, "c d")` (`bare`: without the parentheses, for a
    variable among a set's items); an item that is just `${other}` naming a list brings that
    list's items in."""
    items: list[str] = []

    def gather(list_name: str, chain: tuple[str, ...]) -> None:
        if list_name in chain:
            raise PatternError("variables refer to each other in a loop: " + " -> ".join(chain + (list_name,)), at)
        for item in variables[list_name]:
            inner = _VAR.fullmatch(str(item).strip())
            if inner and isinstance(variables.get(inner.group(1).strip()), (list, tuple)):
                gather(inner.group(1).strip(), chain + (list_name,))
            else:
                items.append(_VAR.sub(lambda v: _var_text(v.group(1).strip(), variables, at, chain + (list_name,)),
                                      str(item)))
    gather(name, ())
    text = ", ".join(n.value_source(n.Literal(item)) for item in items)
    text = text if bare else f"({text})"
    if len(text) > MAX_PATTERN:
        raise PatternError(f"variable '{name}' expands to more than {MAX_PATTERN:,} characters", at,
                           "put long word lists in a lexicon rule")
    return text


def _var_text(name: str, variables: Mapping[str, object], at: int, chain: tuple[str, ...],
              done: dict[str, str] | None = None) -> str:
    """A variable's text, with the variables it names expanded in turn (each once: `done`)."""
    done = {} if done is None else done
    if name in done:
        return done[name]
    if name in chain:
        raise PatternError("variables refer to each other in a loop: " + " -> ".join(chain + (name,)), at)
    if name not in variables:
        raise PatternError(f"unknown variable '{name}' (used by variable '{chain[-1]}')", at,
                           did_you_mean(name, variables) or _known_vars(variables))
    value = variables[name]
    if isinstance(value, (list, tuple)):
        text = "|".join(str(v) for v in value)
    elif isinstance(value, (bool, dict)) or value is None:
        raise PatternError(f"variable '{name}' must be a string, a number or a list", at)
    else:
        text = str(value)
    text = _VAR.sub(lambda m: _inner_text(m, text, variables, at, chain + (name,), done), text)
    if len(text) > MAX_PATTERN:
        raise PatternError(f"variable '{name}' expands to more than {MAX_PATTERN:,} characters", at,
                           "variables that repeat variables grow fast; put long word lists in a lexicon rule")
    done[name] = text
    return text


def _inner_text(m: re.Match, text: str, variables: Mapping[str, object], at: int, chain: tuple[str, ...],
                done: dict[str, str]) -> str:
    """A `${name}` inside another variable's value: a list right after `field in` inside a
    bracket that the value opens (`"[lower in ${verbs} & ...]"`) becomes a set there too, as
    in a pattern; else the variable's text."""
    name = m.group(1).strip()
    context = (_set_context(text, m.start()) if isinstance(variables.get(name), (list, tuple))
               and _BracketDepth(text).at(m.start()) > 0 else None)
    if context:
        if name in chain:
            raise PatternError("variables refer to each other in a loop: " + " -> ".join(chain + (name,)), at)
        return _set_text(name, variables, at, context == "items")
    return _var_text(name, variables, at, chain, done)


def _outside_literals(text: str):
    """(offset, character) for each character of pattern text that is not inside a "string"
    or a /regex/, nor escaped."""
    quote = None
    escaped = False
    for offset, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quote is not None:
            if ch == quote:
                quote = None
        elif ch in "\"/":
            quote = ch
        else:
            yield offset, ch


def _check_nesting(text: str) -> None:
    """Refuse groups, brackets or negations nested past MAX_NESTING: every stage after the
    parser walks the tree recursively."""
    if text.count("(") + text.count("[") + text.count("!") <= MAX_NESTING:
        return      # too few openers to nest that deep: no need to scan
    depth = run = 0
    last = -2
    for offset, ch in _outside_literals(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        run = run + 1 if ch == "!" and last == offset - 1 else (1 if ch == "!" else 0)
        last = offset
        if depth > MAX_NESTING or run > MAX_NESTING:
            raise PatternError(f"the pattern is nested more than {MAX_NESTING} deep", offset)


def _in_comment(source: str, offset: int) -> bool:
    """Whether `offset` lies after a `#` that starts a comment (not one inside a string or regex)."""
    line_start = source.rfind("\n", 0, offset) + 1
    return any(ch == "#" for _, ch in _outside_literals(source[line_start:offset]))


def _known_vars(variables: Mapping[str, object]) -> str:
    names = ", ".join(sorted(variables)) or "none"
    return f"variables defined here: {names}"


# -- parsing ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _grammar() -> str:
    return resources.files("evx.grammar").joinpath("evx.lark").read_text(encoding="utf-8")


_LARK_OPTIONS = dict(parser="lalr", lexer="contextual", keep_all_tokens=True, maybe_placeholders=True)
# the options Lark takes from the caller when it loads its tables: ours, whatever a cache file says
_LOAD_OPTIONS = dict(postlex=None, transformer=None, lexer_callbacks={}, use_bytes=False, debug=False,
                     g_regex_flags=0, regex=False, propagate_positions=False, tree_class=None, _plugins={})


@lru_cache(maxsize=2)
def _lark(start: str = "start") -> Lark:
    """The parser from one of the grammar's start rules (`start` for token patterns, `graph`
    for graph patterns, each with tables of its own); Lark's analysis of the grammar is kept
    in the compile cache.

    The tree keeps every token, the grammar's quoted literals too, and positions are taken
    from them as the tree is walked: Lark's own position tracking would double the parse.
    Building the tables takes some 30 ms; Lark's own cache would keep them as a pickle, so
    they are kept as plain data instead (Lark's `memo_serialize`) and loaded back with Lark's
    deserializer, which only makes Lark's own grammar classes.
    """
    import lark
    from .. import cache
    key = f"lark{lark.__version__}" + ("" if start == "start" else f"-{start}")
    kept = cache.load_grammar_tables(key)
    if kept is not None:
        parser = _lark_from_tables(kept, start)
        if parser is not None:
            return parser
    parser = Lark(_grammar(), start=start, **_LARK_OPTIONS)
    cache.store_grammar_tables(key, _lark_tables(parser))
    return parser


def _lark_tables(parser: Lark) -> dict:
    from lark.grammar import Rule
    from lark.lexer import TerminalDef
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_OPTIONS}
    return {"data": data, "memo": memo}


def _lark_from_tables(tables, start: str = "start") -> Lark | None:
    """A parser from kept tables, or None unless they are whole and made from this grammar
    with these options: their rules are the grammar's (the tree walk calls a method per rule
    name) and their options ours."""
    try:
        parser = Lark._load_from_dict(tables["data"], tables["memo"], **_LOAD_OPTIONS)
        names = {rule.alias or rule.origin.name for rule in parser.rules}
        if not names <= _rule_names() | _inlined(names):
            return None
        if any(getattr(parser.options, k) != v for k, v in _LARK_OPTIONS.items()):
            return None
        if list(parser.options.start) != [start]:
            return None
        return parser
    except Exception:   # noqa: BLE001 - tables Lark cannot load, whatever the reason, are no tables
        return None


@lru_cache(maxsize=1)
def _rule_names() -> frozenset[str]:
    """The rules and aliases the grammar defines, as Lark names tree nodes after them."""
    text = _grammar()
    return frozenset(re.findall(r"^[?!]?([a-z_][a-z0-9_]*)(?:\.\d+)?\s*:", text, re.M)
                     + re.findall(r"->\s*([a-z_][a-z0-9_]*)", text))


def _inlined(names) -> set[str]:
    """Rules Lark makes up itself (for `x*`, `x?` ...): they start with '_' and leave no tree node."""
    return {name for name in names if name.startswith("_")}


@lru_cache(maxsize=1)
def _named_terminals() -> frozenset[str]:
    """The terminals the grammar defines; the others are its quoted literals ("[", "|", "("
    ...), which the tree keeps only for where they stand."""
    return frozenset(re.findall(r"^([A-Z][A-Z0-9_]*)(?:\.\d+)?\s*:", _grammar(), re.M))


_READABLE = {
    "RSQB": "']'", "LSQB": "'['", "LPAR": "'('", "RPAR": "')'", "VBAR": "'|'", "AMPERSAND": "'&'",
    "BANG": "'!'", "CIRCUMFLEX": "'^'", "DOLLAR": "'$'", "QUANTIFIER": "a quantifier",
    "CAPTURE_OPEN": "'(?<name>'", "LOOKAROUND_OPEN": "a lookaround", "MENTION": "'@Label'",
    "FIELD": "a field name", "OP": "'=' or '!='", "STRING": "a string", "REGEX": "a /regex/",
    "WORD": "a word", "$END": "the end of the pattern", "SET_OP": "'in' or '!in'", "COMMA": "','",
    "SET_WORD": "a word", "EDGE": "a step (>rel, <rel, >>, <<)", "ROLE_HEAD": "a role (role = PATH)",
    "CONDITION_HEAD": "a condition (if = PATH, unless = PATH)",
    "TRIGGER_HEAD": "'trigger ='",
}


def _expected(names) -> str:
    readable = sorted({_READABLE.get(name, name) for name in names})
    return "expected " + ", ".join(readable) if readable else ""


def parse(source: str, variables: Mapping[str, object] | None = None, cache: dict | None = None) -> n.Pattern:
    """Parse pattern text into an AST whose offsets point into `source` as written; raise
    PatternError likewise. `cache` maps (source, expanded text) to ASTs already built."""
    return _parsed(source, variables, cache, (source,), _parse_expanded)


def _parsed(source: str, variables: Mapping[str, object] | None, cache: dict | None, key: tuple, parse_text):
    """What `parse_text(expanded text, offset map)` makes of `source` after its variables,
    looked up first in `cache` under `key` + the expanded text; PatternError with offsets
    into `source` as written."""
    if len(source) > MAX_PATTERN:
        raise PatternError(f"the pattern is {len(source):,} characters long; the most is {MAX_PATTERN:,}", 0,
                           "split it into several rules, or put long word lists in a lexicon rule")
    expansion = expand_vars(source, variables or {})
    _check_nesting(expansion.text)
    if len(expansion.text) > MAX_PATTERN:
        raise PatternError(f"with its variables the pattern is {len(expansion.text):,} characters long; "
                           f"the most is {MAX_PATTERN:,}", 0, "put long word lists in a lexicon rule")
    key = (*key, expansion.text)
    if cache is not None and key in cache:
        return cache[key]
    try:
        made = parse_text(expansion.text, expansion.original_offset)
    except PatternError as err:
        raise PatternError.collected([PatternError(e.message, expansion.original_offset(e.offset), e.hint)
                                      for e in err.all()]) from None
    if cache is not None:
        cache[key] = made
    return made


def _parse_expanded(text: str, origin) -> n.Pattern:
    if not text.strip() or not _strip_comments(text).strip():
        raise PatternError("empty pattern", 0)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(err, text) from None
    builder = _Builder(origin, text)
    pattern = builder.build(tree)
    if builder.errors:
        raise PatternError.collected(builder.errors)
    return pattern


def parse_graph(source: str, variables: Mapping[str, object] | None = None,
                cache: dict | None = None) -> GraphPattern:
    """Parse a graph pattern (`trigger = PATTERN`, then `role[:Label][?] = PATH` lines) as
    `parse` does a token pattern: offsets into `source` as written, PatternError likewise."""
    # a graph pattern's key in the cache is never that of a token pattern
    return _parsed(source, variables, cache, ("graph:" + source,), _parse_graph_text)


def _parse_graph_text(text: str, origin) -> GraphPattern:
    if not _strip_comments(text).strip():
        raise PatternError("empty pattern", 0, _GRAPH_FORM)
    try:
        tree = _lark("graph").parse(text)
    except UnexpectedInput as err:
        raise _graph_syntax_error(err, text) from None
    builder = _Builder(origin, text)
    graph = builder.build(tree)
    if builder.errors:
        raise PatternError.collected(sorted(builder.errors, key=lambda e: e.offset))
    return graph


_GRAPH_FORM = ("a graph pattern is `trigger = PATTERN`, then one `role[:Label][?] = PATH`, "
               "`if = PATH` or `unless = PATH` a line")


def _graph_syntax_error(err: UnexpectedInput, text: str) -> PatternError:
    """Lark's error, said in terms of graph patterns where that is clearer."""
    pos = getattr(err, "pos_in_stream", None)
    if isinstance(err, UnexpectedToken):
        pos = err.token.start_pos if err.token.type != "$END" else len(text.rstrip())
    if pos is None:
        pos = len(text.rstrip())
    expected = set(getattr(err, "allowed", None) or getattr(err, "expected", None) or ())
    before = _strip_comments(text[:pos]).rstrip()
    if "TRIGGER_HEAD" in expected and not before:
        return PatternError("a graph pattern begins with its trigger: trigger = PATTERN", pos, _GRAPH_FORM)
    if before.endswith("=") and ("EDGE" in expected or "WORD" in expected):
        head = before.rsplit("\n", 1)[-1].strip()
        what = "a pattern" if head.startswith("trigger") else "a path"
        return PatternError(f"'{head}' needs {what} after it", len(before) - 1,
                            "a path is steps such as >nsubj, <xcomp, >> or [pos=NOUN]" if what == "a path"
                            else "the trigger is a token pattern, as in trigger = [lemma=visit]")
    found = _syntax_error(err, text)
    if "EDGE" in expected and "WORD" not in expected and not isinstance(err, UnexpectedEOF) \
            and pos < len(text.rstrip()):
        return PatternError(found.message, found.offset,
                            "a path is steps: >rel, <rel, >/regex/, >>, <<, [constraint], (?= PATH), "
                            "groups and quantifiers; a new role begins a line with role = PATH")
    return found


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _syntax_error(err: UnexpectedInput, text: str) -> PatternError:
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        hint = _expected(err.allowed or ())
        if char in "=!" :
            hint = "a field test needs a field name before it, as in [lemma=visit]; quote a literal '=' or '!'"
        elif char == '"':
            hint = "this string is not closed"
        elif char == "/":
            hint = "this regex is not closed: end it with '/' (write \\/ for a slash inside it)"
        return PatternError(f"unexpected character {char!r}", err.pos_in_stream, hint or None)
    if isinstance(err, UnexpectedEOF):
        return PatternError("the pattern ends too early", len(text.rstrip()), _expected(err.expected))
    if isinstance(err, UnexpectedToken):
        token = err.token
        if token.type == "$END":
            return PatternError("the pattern ends too early", len(text.rstrip()), _expected(err.expected))
        pos = token.start_pos if token.start_pos is not None else 0
        return PatternError(f"unexpected {str(token)!r}", pos, _expected(err.expected))
    return PatternError(str(err), getattr(err, "pos_in_stream", 0) or 0)


# -- parse tree -> nodes ------------------------------------------------------------------------

_LITERAL = object()     # a quoted literal of the grammar, in a tree: kept for its position only
# the parts of a ROLE_HEAD token (the grammar's terminal): name, label, `?`
_ROLE_HEAD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*)?(\?)?[ \t]*=")


class _Builder:
    """Turns the Lark tree into plain nodes, collecting the errors it can find.

    Each tree node goes to the method named as its rule, with its position (that of its first
    token, a literal such as "[" included) and its children already built, the literals left
    out. The walk is ours rather than a lark.Transformer, which does the same at about twice
    the cost.
    """

    def __init__(self, origin, text: str):
        self.origin = origin                    # expanded offsets -> offsets as written
        self.text = text                        # the expanded text
        self.errors: list[PatternError] = []   # their offsets are in the expanded text
        self.named = _named_terminals()

    def build(self, tree: Tree):
        return self._walk(tree)[0]

    def _walk(self, tree: Tree) -> tuple[object, int | None]:
        start = None
        children = []
        for child in tree.children:
            if isinstance(child, Tree):
                child, at = self._walk(child)
            elif child is None:             # an optional part that is absent
                at = None
            else:
                at = child.start_pos
                if child.type not in self.named:
                    child = _LITERAL
            if start is None:
                start = at
            if child is not _LITERAL:
                children.append(child)
        return getattr(self, tree.data)(start, children), start

    def at(self, start: int | None) -> int:
        return self.origin(start or 0)

    # groups: "(" alternation ")" and "(" constraint ")" are their insides
    def atom(self, start, children):
        (inside,) = children
        if isinstance(inside, n.Sequence) and not inside.items:
            return n.Sequence((), self.at(start))     # "()" has no token of its own but "("
        return inside

    def c_atom(self, start, children):
        (inside,) = children
        return inside

    # sequences
    def sequence(self, start, items):
        if len(items) == 1:
            return items[0]
        return n.Sequence(tuple(items), self.at(start))

    def alternation(self, start, options):
        return n.Alternation(tuple(options), self.at(start))

    def repeat(self, start, children):
        body, quant = children
        text = str(quant)
        greedy = True
        if len(text) > 1 and text.endswith("?"):
            greedy, text = False, text[:-1]
        low, high = self._counts(text, quant.start_pos)
        if isinstance(body, (n.Anchor, n.Lookaround)):
            self.errors.append(PatternError("an assertion cannot be repeated", quant.start_pos,
                                            "'^', '$' and lookarounds match no token"))
        return n.Repeat(body, low, high, greedy, self.at(start))

    def _counts(self, text: str, at: int) -> tuple[int, int | None]:
        """The fewest and most repetitions a quantifier (without its lazy `?`) allows."""
        if text == "?":
            return 0, 1
        if text == "*":
            return 0, None
        if text == "+":
            return 1, None
        return self._bounds(text[1:-1], at)

    def _bounds(self, inner: str, at: int) -> tuple[int, int | None]:
        if "," in inner:
            lo_text, hi_text = inner.split(",", 1)
        else:
            lo_text = hi_text = inner
        if not lo_text and not hi_text:
            self.errors.append(PatternError("a repetition needs a count, as in {2} or {1,3}", at))
            return 0, None
        low = int(lo_text) if lo_text else 0
        high = int(hi_text) if hi_text else None
        if high is not None and low > high:
            self.errors.append(PatternError(f"repetition {{{inner}}}: the minimum is above the maximum", at))
        if low > MAX_REPEAT or (high or 0) > MAX_REPEAT:
            self.errors.append(PatternError(f"repetition {{{inner}}} is too large", at,
                                            f"counts go up to {MAX_REPEAT}; use '*' or '+' for no limit"))
            low, high = min(low, MAX_REPEAT), None
        return low, high

    def capture(self, start, children):
        opener, body = children
        name = str(opener)[3:-1]
        return n.Capture(name, body, self.at(start))

    def lookaround(self, start, children):
        opener, body = children
        kind = str(opener)
        return n.Lookaround(body, behind=kind.startswith("(?<"), negated=kind.endswith("!"), at=self.at(start))

    def mention(self, start, children):
        (token,) = children
        text = str(token)[1:]
        name, _, label = text.rpartition(":")
        return n.MentionRef(label, name or None, self.at(start))

    def start_anchor(self, start, children):
        return n.Anchor(end=False, at=self.at(start))

    def end_anchor(self, start, children):
        return n.Anchor(end=True, at=self.at(start))

    def token(self, start, children):
        (constraint,) = children
        return n.TokenPattern(constraint if constraint is not None else n.AnyToken(), self.at(start))

    def bare_token(self, start, children):
        (value,) = children
        return n.TokenPattern(n.FieldTest("word", False, value, self.at(start)), self.at(start))

    # constraints
    def c_or(self, start, operands):
        return operands[0] if len(operands) == 1 else n.Or(tuple(operands))

    def c_and(self, start, operands):
        return operands[0] if len(operands) == 1 else n.And(tuple(operands))

    def c_negate(self, start, children):
        return n.Not(children[0])

    def c_test(self, start, children):
        field_token, op, value = children
        self._check_field(field_token)
        return n.FieldTest(str(field_token), str(op) == "!=", value, self.origin(field_token.start_pos))

    def c_set(self, start, children):
        field_token, op, values = children
        self._check_field(field_token)
        if not values:
            self.errors.append(PatternError("an empty set: no token has a value in it",
                                            self.text.index("(", op.end_pos),
                                            "list one value or more, as in [lemma in (visit, arrive)]"))
        return n.FieldTest(str(field_token), str(op).startswith("!"), n.ValueSet(tuple(values or ())),
                           self.origin(field_token.start_pos))

    def set_items(self, start, children):
        return [value.text for value in children if value is not None]

    def set_regex(self, start, children):
        token: Token = children[0]
        self.errors.append(PatternError("a set holds words and quoted strings, not regexes", token.start_pos,
                                        "test a regex on its own, as in [lemma in (a, b) | lemma=/^c/]"))
        return None

    def _check_field(self, field_token: Token) -> None:
        name = str(field_token)
        if name not in PATTERN_FIELDS:
            self.errors.append(PatternError(
                f"unknown field '{name}'", field_token.start_pos,
                (did_you_mean(name, PATTERN_FIELDS) or "") + " fields: " + ", ".join(PATTERN_FIELDS)))

    # graph patterns
    def graph(self, start, children):
        head, trigger, *lines = children
        roles = [line for line in lines if isinstance(line, RoleDefinition)]
        conditions = tuple(line for line in lines if isinstance(line, Condition))
        if isinstance(trigger, n.Sequence) and not trigger.items:
            self.errors.append(PatternError("'trigger =' needs a pattern after it", head.end_pos - 1,
                                            "the trigger is a token pattern, as in trigger = [lemma=visit]"))
        for node in n.walk(trigger):
            if isinstance(node, n.Capture) or (isinstance(node, n.MentionRef) and node.name):
                self.errors.append(PatternError(
                    "the trigger pattern cannot capture: its whole match is the trigger", node.at,
                    "find the arguments with role lines: role = PATH"))
        seen: dict[str, RoleDefinition] = {}
        for role in roles:
            if role.name == "trigger":
                self.errors.append(PatternError("the trigger is defined once, on the first line", role.at))
            elif role.name in seen:
                self.errors.append(PatternError(f"role '{role.name}' is defined twice", role.at,
                                                "join its paths with '|' in one definition"))
            else:
                seen[role.name] = role
        return GraphPattern(trigger, tuple(seen.values()), self.at(head.start_pos), conditions)

    def condition(self, start, children):
        head, path = children
        return Condition(str(head).split("=")[0].strip(), path, self.at(head.start_pos))

    def role_definition(self, start, children):
        head, path = children
        m = _ROLE_HEAD.match(str(head))
        name, label, optional = m.group(1), m.group(2), m.group(3) is not None
        label_at = self.at(head.start_pos + m.start(2)) if label else self.at(head.start_pos)
        return RoleDefinition(name, label, optional, path, self.at(head.start_pos), label_at)

    def path(self, start, options):
        return n.PathAlternation(tuple(options), self.at(start))

    def path_sequence(self, start, items):
        if len(items) == 1:
            return items[0]
        return n.PathSequence(tuple(items), self.at(start))

    def path_atom(self, start, children):
        (inside,) = children
        return inside

    def path_repeat(self, start, children):
        body, quant = children
        text = str(quant)
        if len(text) > 1 and text.endswith("?"):
            self.errors.append(PatternError("a path has no lazy quantifiers", quant.start_pos + len(text) - 1,
                                            f"a path reaches every token it can, so write {text[:-1]}"))
            text = text[:-1]
        low, high = self._counts(text, quant.start_pos)
        if isinstance(body, (n.PathFilter, n.PathLookahead)):
            self.errors.append(PatternError("a test cannot be repeated", quant.start_pos,
                                            "a filter or lookahead stays on its token: repeat the steps "
                                            "around it, as in (>> [pos=NOUN])*"))
        return n.PathRepeat(body, low, high, self.at(start))

    def path_edge(self, start, children):
        (token,) = children
        text = str(token)
        down = text[0] == ">"
        at = self.at(token.start_pos)
        if text in (">>", "<<"):
            return n.Edge(down, None, at)
        rest = text[1:]
        if not rest:
            self.errors.append(PatternError(f"the step '{text}' needs a relation", token.start_pos,
                                            f"write {text}nsubj, {text}/^obl/ or {text}{text} for any relation"))
            return n.Edge(down, None, at)
        if rest.startswith("/"):
            return n.Edge(down, self._regex_value(token, 1), at)
        if rest not in RELATIONS:
            known = did_you_mean(rest, RELATIONS)
            self.errors.append(PatternError(
                f"unknown relation '{rest}'", token.start_pos + 1,
                (known + " " if known else "") + "relations are UD's with the subtypes of English EWT; "
                f"a label of another scheme matches as a regex: {text[0]}/^{rest}$/"))
        return n.Edge(down, n.Literal(rest), at)

    def path_filter(self, start, children):
        (constraint,) = children
        return n.PathFilter(constraint if constraint is not None else n.AnyToken(), self.at(start))

    def path_lookahead(self, start, children):
        opener, body = children
        kind = str(opener)
        if kind.startswith("(?<"):
            self.errors.append(PatternError("a path looks ahead only: (?= PATH) or (?! PATH)", opener.start_pos,
                                            "to test the head, look ahead upwards: (?= <nsubj [pos=VERB])"))
        return n.PathLookahead(body, negated=kind.endswith("!"), at=self.at(start))

    # values
    def literal(self, start, children):
        return n.Literal(str(children[0]))

    def string(self, start, children):
        raw = str(children[0])[1:-1]
        return n.Literal(re.sub(r"\\(.)", r"\1", raw, flags=re.S))

    def regex(self, start, children):
        return self._regex_value(children[0], 0)

    def _regex_value(self, token: Token, skip: int) -> n.Regex:
        """The regex written in `token` after its first `skip` characters, checked."""
        text = str(token)[skip:]
        close = text.rindex("/")
        source, flags = text[1:close].replace("\\/", "/"), text[close + 1:]
        if flags not in ("", "i"):
            bad = next(i for i, ch in enumerate(flags) if ch != "i" or i > 0)
            hint = did_you_mean(flags, ["i"])
            self.errors.append(PatternError(
                f"unknown regex flag '{flags[bad]}'" if flags[bad] != "i" else "the flag 'i' is given twice",
                token.start_pos + skip + close + 1 + bad,
                (hint + " " if hint else "") + "a regex takes one flag, i (ignore case), as in /^police$/i"))
        ignore_case = "i" in flags
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)   # "possible nested set": still valid
                re.compile(source, re.IGNORECASE if ignore_case else 0)
        except re.error as err:
            offset = token.start_pos + skip + 1 + (err.pos or 0)
            self.errors.append(PatternError(f"bad regex: {err.msg}", offset))
        except (OverflowError, RecursionError) as err:     # e.g. a{99999999999}
            self.errors.append(PatternError(f"bad regex: {err}", token.start_pos + skip + 1))
        return n.Regex(source, ignore_case)
