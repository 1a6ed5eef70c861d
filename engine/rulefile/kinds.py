"""The kinds of rules (`type:`), each read from its own keys into its matcher.

A kind says which rule keys it reads and how it makes a matcher of them. It also says
which mention labels the rule looks for, and where, so the loader can check that an
earlier priority finds them. The loader knows no kind by name: a new kind is one more
entry in KINDS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from .. import cache
from ..errors import EvxError, Location, PatternError, did_you_mean
from ..pattern import nodes
from ..pattern.compiler import compile_pattern
from ..pattern.lexicon import Lexicon, build_lexicon, read_phrases
from ..pattern.parser import parse, parse_graph
from ..pattern.paths import GraphPattern
from ..pattern.visitor import ConstraintNode, Node, PatternNode, ValueNode, Visitor, walk
from .files import NotReadable, real_path, resolve
from .graphrule import GraphMatcher, build_graph_matcher
from .matchers import LexiconMatcher, Matcher, TokenMatcher
from .taxonomy import Taxonomy
from .yamlsource import YList

if TYPE_CHECKING:
    from .loader import _Draft, _State

CACHED_LEXICON_SIZE = 200
CASES = ("insensitive", "sensitive")
MATCHES = ("form", "lemma")     # what a lexicon compares: the words as written, or their lemmas


@dataclass(frozen=True)
class MentionUse:
    """A place where a rule looks for mentions: `@Label`, `mention=Label` or `mention=/regex/`."""
    written: str                # as the pattern writes it, for messages
    wanted: frozenset[str]      # the labels that would do
    offset: int                 # where in the rule's pattern (or whatever the kind reads)
    negated: bool = False       # `!mention=X`: true wherever no X is (yet)


@dataclass(frozen=True)
class Built:
    matcher: Matcher
    mentions: tuple[MentionUse, ...] = ()
    locate: Callable[[int], Location] | None = None     # a MentionUse's offset -> its place in the file


@dataclass(frozen=True)
class Kind:
    name: str
    keys: tuple[str, ...]       # the rule keys only this kind reads
    build: Callable[["_State", "_Draft", dict, Taxonomy], "Built | None"]


# -- token rules ----------------------------------------------------------------------------------

def _token(state: "_State", draft: "_Draft", spec: dict, taxonomy: Taxonomy) -> Built | None:
    data, source = draft.node, draft.source
    name = spec["name"]
    pattern = data.get("pattern")
    if not isinstance(pattern, str):
        state.error(f"rule '{name}' needs a 'pattern'", source.at(data.value_nodes.get("pattern", data.node)),
                    "or set type: lexicon and give 'lexicon' or 'phrases'")
        return None
    node = data.value_nodes["pattern"]
    try:
        ast = parse(pattern, draft.variables, state.patterns.scope(source.text, draft.variables))
        program = compile_pattern(ast, taxonomy)
    except PatternError as err:
        state.errors.extend(EvxError(e.message, source.inside(node, e.offset), _hint(e, draft)) for e in err.all())
        return None
    except RecursionError:
        state.error(f"rule '{name}': the pattern is nested too deeply to compile", source.at(node))
        return None
    if not _check_roles(state, spec, ast, source, node):
        return None
    # locations are worked out only for the uses that turn out wrong: most never are
    return Built(TokenMatcher(program, pattern), tuple(_mention_uses(ast, taxonomy)),
                 lambda offset: source.inside(node, offset))


def _check_roles(state: "_State", spec: dict, ast, source, node) -> bool:
    """An event rule captures a trigger and only roles its label's schema has; a rule that
    finds events of a label without a schema, where other labels have one, is a typo."""
    label = spec["labels"][0]
    schema = state.schemas.get(label)
    captured = {}
    for item in walk(ast):
        name = _CAPTURED_NAME.visit(item)
        if name is not None:
            captured.setdefault(name, item.at)
    if schema is None:
        if "trigger" in captured and state.schemas:
            state.error(f"rule '{spec['name']}' finds events of {label}, which has no schema under 'events:'",
                        spec["label_at"], did_you_mean(label, state.schemas) or
                        f"declare it: events: {{{label}: {{roles: [...]}}}}")
            return False
        return True
    ok = True
    if "trigger" not in captured:
        state.error(f"rule '{spec['name']}' finds event {label} but captures no trigger",
                    source.inside(node, 0), "capture the word that says the event happened: (?<trigger> ...)")
        ok = False
    for role, at in captured.items():
        if role != "trigger" and role not in schema.roles:
            state.error(f"role '{role}' is not a role of {label}", source.inside(node, at),
                        did_you_mean(role, schema.roles) or "roles: " + ", ".join(schema.roles))
            ok = False
    return ok


def _hint(err: PatternError, draft: "_Draft") -> str | None:
    """For a variable the file does not see but its importer has, say how to pass it down."""
    m = re.fullmatch(r"unknown variable '([^']*)'.*", err.message)
    if m and m.group(1) in draft.outer:
        return (f"'{m.group(1)}' is a variable of the importing file; only the vars on the import line "
                f"pass down: add vars: {{{m.group(1)}: \"${{{m.group(1)}}}\"}} to the import")
    return err.hint


class _CapturedName(Visitor, over=(ValueNode, ConstraintNode, PatternNode)):
    """The name a node itself captures under (`(?<name> ...)`, `@name:Label`), or None.
    Every node of the walk comes here, so a new node kind must say whether it captures."""

    def visit_Capture(self, node: nodes.Capture) -> str | None:
        return node.name

    def visit_MentionRef(self, node: nodes.MentionRef) -> str | None:
        return node.name or None

    def _nothing(self, node: Node) -> None:
        return None

    visit_Literal = visit_Regex = visit_ValueSet = _nothing
    visit_FieldTest = visit_Not = visit_And = visit_Or = visit_AnyToken = _nothing
    visit_TokenPattern = visit_Sequence = visit_Alternation = visit_Repeat = _nothing
    visit_Lookaround = visit_Anchor = _nothing


_CAPTURED_NAME = _CapturedName()


def _mention_uses(ast: nodes.Pattern, taxonomy: Taxonomy) -> list[MentionUse]:
    uses = _MentionUses(taxonomy)
    return [use for item in walk(ast) for use in uses.visit(item)]


class _MentionUses(Visitor, over=(ValueNode, ConstraintNode, PatternNode)):
    """The mention uses a node itself makes. A token's whole constraint is read from its
    TokenPattern (negations count there), so the constraint and value nodes that the walk
    reaches below it add nothing of their own."""

    def __init__(self, taxonomy: Taxonomy):
        self.constraint_uses = _ConstraintUses(taxonomy)
        self.taxonomy = taxonomy

    def visit_MentionRef(self, node: nodes.MentionRef) -> tuple[MentionUse, ...]:
        wanted = self.taxonomy.expand(node.label)
        return () if wanted is None else (MentionUse(f"@{node.label}", wanted, node.at),)

    def visit_TokenPattern(self, node: nodes.TokenPattern) -> tuple[MentionUse, ...]:
        return self.constraint_uses.visit(node.constraint, False)

    def _none(self, node: Node) -> tuple[MentionUse, ...]:
        return ()

    visit_Literal = visit_Regex = visit_ValueSet = _none
    visit_FieldTest = visit_Not = visit_And = visit_Or = visit_AnyToken = _none
    visit_Sequence = visit_Alternation = visit_Repeat = visit_Capture = visit_Lookaround = visit_Anchor = _none


class _ConstraintUses(Visitor, over=ConstraintNode):
    """The `mention` tests of a constraint; `negated` says whether an odd number of `!` is around."""

    def __init__(self, taxonomy: Taxonomy):
        self.labels = _MentionLabels(taxonomy)

    def visit_FieldTest(self, c: nodes.FieldTest, negated: bool) -> tuple[MentionUse, ...]:
        if c.field != "mention":
            return ()
        wanted = self.labels.visit(c.value)
        if wanted is None:
            return ()
        return (MentionUse(nodes.constraint_source(c), wanted, c.at, negated != c.negated),)

    def visit_Not(self, c: nodes.Not, negated: bool) -> tuple[MentionUse, ...]:
        return self.visit(c.operand, not negated)

    def visit_And(self, c: nodes.And | nodes.Or, negated: bool) -> tuple[MentionUse, ...]:
        return tuple(use for operand in c.operands for use in self.visit(operand, negated))

    visit_Or = visit_And

    def visit_AnyToken(self, c: nodes.AnyToken, negated: bool) -> tuple[MentionUse, ...]:
        return ()


class _MentionLabels(Visitor, over=ValueNode):
    """The labels that a `mention` test of this value would accept; None when it names a
    label the taxonomy does not know, which leaves the use unchecked."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy

    def visit_Literal(self, value: nodes.Literal) -> frozenset[str] | None:
        return self.taxonomy.expand(value.text)

    def visit_ValueSet(self, value: nodes.ValueSet) -> frozenset[str] | None:
        found = [self.taxonomy.expand(label) for label in value.values]
        return None if None in found else frozenset().union(*found)

    def visit_Regex(self, value: nodes.Regex) -> frozenset[str] | None:
        search = re.compile(value.source, re.IGNORECASE if value.ignore_case else 0).search
        return frozenset(label for label in self.taxonomy.names if search(label))


# -- lexicon rules --------------------------------------------------------------------------------

def _lexicon(state: "_State", draft: "_Draft", spec: dict, taxonomy: Taxonomy) -> Built | None:
    data, source = draft.node, draft.source
    name = spec["name"]
    case = data.get("case", CASES[0])
    if case not in CASES:
        state.error(f"rule '{name}': case is 'sensitive' or 'insensitive' (the default)",
                    source.at(data.value_nodes["case"]), did_you_mean(str(case), CASES))
        return None
    compare = data.get("match", MATCHES[0])
    if compare not in MATCHES:
        state.error(f"rule '{name}': match is 'form' (the default) or 'lemma'",
                    source.at(data.value_nodes["match"]), did_you_mean(str(compare), MATCHES))
        return None
    if compare == "lemma" and "case" in data:
        state.error(f"rule '{name}': a lexicon matched by lemma has no case (lemmas are lower-case)",
                    source.at(data.value_nodes["case"]))
        return None
    field = "lemma" if compare == "lemma" else "word" if case == "sensitive" else "lower"
    has_file, has_list = "lexicon" in data, "phrases" in data
    if has_file == has_list:
        state.error(f"lexicon rule '{name}' needs either 'lexicon' (a file) or 'phrases' (a list)",
                    source.at(data.node))
        return None
    if has_list:
        phrases = data["phrases"]
        if not isinstance(phrases, YList) or not phrases or not all(isinstance(p, str) for p in phrases):
            state.error(f"rule '{name}': 'phrases' is a list of strings", source.at(data.value_nodes["phrases"]))
            return None
        return Built(LexiconMatcher(_built(list(phrases), state.tokenize, field)))
    target = data["lexicon"]
    at = source.at(data.value_nodes["lexicon"])
    if not isinstance(target, str) or not target.strip() or "\0" in target:
        state.error(f"rule '{name}': 'lexicon' is the path of a phrase file", at)
        return None
    full, folder = resolve(target, draft.path.parent, draft.folder)
    if not folder.holds(full, state.allow_outside):
        state.error(f"lexicon '{target}' lies outside {folder.name}", at, state.outside_hint(folder))
        return None
    full = real_path(full)
    key = (full, field)
    if key not in state.lexicons:
        try:
            text = state.read_text(full)
        except FileNotFoundError:
            state.error(f"lexicon file '{target}' does not exist", at)
            return None
        except NotReadable as err:
            state.error(f"cannot read lexicon file '{target}': {err}", at)
            return None
        except UnicodeDecodeError as err:
            state.error(f"lexicon file '{target}' is not UTF-8 text ({err.reason} at byte {err.start})", at)
            return None
        state.lexicons[key] = _built(read_phrases(text), state.tokenize, field)
    return Built(LexiconMatcher(state.lexicons[key]))


def _built(phrases: list[str], tokenize, field: str) -> Lexicon:
    """A lexicon from the compile cache, or built (tokenizing every phrase) and cached.
    Short lists are quicker to build than to look up."""
    if len(phrases) < CACHED_LEXICON_SIZE:
        return build_lexicon(phrases, tokenize, field)
    # a line no phrase file can hold keeps the lists of each field apart
    key = phrases if field == "lower" else [f"\nfield: {field}", *phrases]
    found = cache.load_lexicon(key)
    if found is not None and found.field == field:
        return found
    lexicon = build_lexicon(phrases, tokenize, field)
    cache.store_lexicon(key, lexicon)
    return lexicon


# -- graph rules ----------------------------------------------------------------------------------

def _graph(state: "_State", draft: "_Draft", spec: dict, taxonomy: Taxonomy) -> Built | None:
    data, source = draft.node, draft.source
    name = spec["name"]
    pattern = data.get("pattern")
    if not isinstance(pattern, str):
        state.error(f"graph rule '{name}' needs a 'pattern'", source.at(data.value_nodes.get("pattern", data.node)),
                    "trigger = PATTERN on the first line, then one role = PATH a line")
        return None
    node = data.value_nodes["pattern"]

    def located(err: PatternError) -> None:
        state.errors.extend(EvxError(e.message, source.inside(node, e.offset), _hint(e, draft)) for e in err.all())
    try:
        graph = parse_graph(pattern, draft.variables, state.patterns.scope(source.text, draft.variables))
    except PatternError as err:
        located(err)
        return None
    except RecursionError:
        state.error(f"rule '{name}': the pattern is nested too deeply to compile", source.at(node))
        return None
    matcher = None
    try:
        matcher = build_graph_matcher(graph, taxonomy, pattern)
    except PatternError as err:
        located(err)
    except RecursionError:
        state.error(f"rule '{name}': the pattern is nested too deeply to compile", source.at(node))
    if not _check_graph_roles(state, spec, graph, source, node) or matcher is None:
        return None
    matcher = _required_by_schema(state, spec, graph, matcher, lambda offset: source.inside(node, offset))
    return Built(matcher, tuple(_graph_mention_uses(graph, taxonomy)), lambda offset: source.inside(node, offset))


def _required_by_schema(state: "_State", spec: dict, graph: GraphPattern, matcher: GraphMatcher,
                        locate: Callable[[int], Location]) -> GraphMatcher:
    """The matcher with the roles its schema requires required, whatever their `?` says:
    the cascade drops an event without one in any case, and so explain and the rule index
    agree with what is kept. A `?` that has no effect gets a warning."""
    label = spec["labels"][0]
    schema = state.schemas.get(label)
    if schema is None or not any(role.optional and role.name in schema.required for role in graph.roles):
        return matcher
    for role in graph.roles:
        if role.optional and role.name in schema.required:
            state.warn(f"role '{role.name}' is required by the schema of {label}, so its '?' has no effect",
                       locate(role.at), "drop the '?', or take the role out of the schema's 'required'")
    return replace(matcher, roles=tuple(replace(role, optional=False) if role.name in schema.required else role
                                        for role in matcher.roles))


def _check_graph_roles(state: "_State", spec: dict, graph: GraphPattern, source, node) -> bool:
    """A graph rule finds events: its label needs a schema when others have one, its roles
    must be the schema's, and it must define every role the schema requires (an event
    without one is dropped, so the rule would never keep an event)."""
    label = spec["labels"][0]
    schema = state.schemas.get(label)
    if schema is None:
        if state.schemas:
            state.error(f"rule '{spec['name']}' finds events of {label}, which has no schema under 'events:'",
                        spec["label_at"], did_you_mean(label, state.schemas) or
                        f"declare it: events: {{{label}: {{roles: [...]}}}}")
            return False
        return True
    ok = True
    for role in graph.roles:
        if role.name not in schema.roles:
            state.error(f"role '{role.name}' is not a role of {label}", source.inside(node, role.at),
                        did_you_mean(role.name, schema.roles) or "roles: " + ", ".join(schema.roles))
            ok = False
    defined = {role.name for role in graph.roles}
    for required in schema.required:
        if required not in defined:
            state.error(f"{label} requires role '{required}', which rule '{spec['name']}' does not define, so "
                        f"none of its events would be kept", source.inside(node, graph.trigger_at),
                        f"add a line: {required} = PATH")
            ok = False
    return ok


def _graph_mention_uses(graph: GraphPattern, taxonomy: Taxonomy) -> list[MentionUse]:
    """The trigger's mention uses, the `mention` tests of the paths' filters (an `unless`
    path's as if negated), and each role's label."""
    uses = _mention_uses(graph.trigger, taxonomy)
    in_paths = _PathMentionUses(taxonomy)
    for condition in graph.conditions:
        uses.extend(in_paths.visit(condition.path, condition.kind == "unless"))
    for role in graph.roles:
        uses.extend(in_paths.visit(role.path, False))
        wanted = taxonomy.expand(role.label) if role.label is not None else None
        if wanted is not None:
            uses.append(MentionUse(f"{role.name}:{role.label}", wanted, role.label_at))
    return uses


class _PathMentionUses(Visitor, over=nodes.PathNode):
    """The `mention` tests of a path's filters; `negated` says whether they stand inside an
    odd number of `(?! )`."""

    def __init__(self, taxonomy: Taxonomy):
        self.constraint_uses = _ConstraintUses(taxonomy)

    def visit_PathFilter(self, node: nodes.PathFilter, negated: bool) -> tuple[MentionUse, ...]:
        return self.constraint_uses.visit(node.constraint, negated)

    def visit_PathLookahead(self, node: nodes.PathLookahead, negated: bool) -> tuple[MentionUse, ...]:
        return self.visit(node.body, negated != node.negated)

    def visit_PathSequence(self, node: nodes.PathSequence | nodes.PathAlternation,
                           negated: bool) -> tuple[MentionUse, ...]:
        return tuple(use for item in node.children() for use in self.visit(item, negated))

    visit_PathAlternation = visit_PathSequence

    def visit_PathRepeat(self, node: nodes.PathRepeat, negated: bool) -> tuple[MentionUse, ...]:
        return self.visit(node.body, negated)

    def visit_Edge(self, node: nodes.Edge, negated: bool) -> tuple[MentionUse, ...]:
        return ()


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("token", ("pattern",), _token),
    Kind("lexicon", ("lexicon", "phrases", "case", "match"), _lexicon),
    Kind("graph", ("pattern",), _graph),
)}
DEFAULT_KIND = "token"
