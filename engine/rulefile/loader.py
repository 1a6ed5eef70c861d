"""Rule files -> Rules: read YAML, follow imports, validate, compile every pattern.

The loader keeps going after an error so that one run reports every problem it can find,
each pointing at the line and column of the file that caused it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .. import cache

from ..pattern import nodes
from ..pattern.compiler import LOOK, MENTION, compile_pattern
from ..errors import EvxError, Location, PatternError, RuleErrors, did_you_mean
from ..pattern.lexicon import Lexicon, build_lexicon, read_phrases
from ..pattern.parser import parse
from ..pattern.compiler import Lookaround
from ..pattern.prefilter import width
from .model import (LEXICON_RULE, TOKEN_RULE, Context, ContextCase, EventSchema, Example, Expected,
                    Loaded, Priority, Rule, rule_files)
from .taxonomy import Taxonomy
from .yamlsource import Source, YList, YMap, load_yaml

TOP_KEYS = ("taxonomy", "events", "vars", "contexts", "rules")
RULE_KEYS = ("name", "label", "priority", "type", "pattern", "lexicon", "phrases", "keep",
             "attributes", "normalize", "examples", "description")
CONTEXT_KEYS = ("default", "cases")
CASE_KEYS = ("value", "before", "after", "types")
NORMALIZERS = ("date",)
CACHED_LEXICON_SIZE = 200
IMPORT_KEYS = ("import", "vars")


@dataclass
class _Draft:
    """A rule read from its file, before the whole rule set is known and it can be compiled."""
    rule: dict
    source: Source
    node: YMap
    variables: dict
    folder: Path


@dataclass
class _State:
    root: Path
    allow_outside: bool
    errors: list[EvxError] = field(default_factory=list)
    parents: dict[str, str | None] = field(default_factory=dict)
    parent_at: dict[str, Location] = field(default_factory=dict)
    schemas: dict[str, EventSchema] = field(default_factory=dict)
    drafts: list[_Draft] = field(default_factory=list)
    context_drafts: list = field(default_factory=list)     # (name, YMap, Source, variables)
    loaded: set = field(default_factory=set)
    lexicons: dict[Path, Lexicon] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)      # every file read -> its digest
    patterns: cache.PatternCache = field(default_factory=lambda: cache.PatternCache(cache.cache_dir()))

    def error(self, message: str, location: Location | None, hint: str | None = None) -> None:
        self.errors.append(EvxError(message, location, hint))

    def read_text(self, path: Path) -> str:
        """A file's UTF-8 text, its digest noted for the compile cache (OSError and
        UnicodeDecodeError are the caller's to report)."""
        data = path.read_bytes()
        text = data.decode("utf-8")
        self.read[str(path)] = cache.digest(data)
        return text


def load_rule_files(paths: Iterable[str | os.PathLike], tokenize: Callable[[str], list[str]],
                    allow_outside: bool = False) -> Loaded:
    """Load, validate and compile; raise RuleErrors listing every problem found."""
    errors: list[EvxError] = []
    state = None
    for path in paths:
        files = rule_files(path)
        if not files or not (files[0].exists()):
            errors.append(EvxError(f"no rule file at '{path}'", Location(str(path), 1, 1)))
            continue
        root = (files[0].parent).resolve()
        if state is None:
            state = _State(root, allow_outside)
        state.root = root
        for f in files:
            _load_file(state, f, {}, (), None)
    if state is None:
        raise RuleErrors(errors or [EvxError("no rule files given")])
    state.errors[:0] = errors
    rules = _compile_all(state, tokenize)
    state.patterns.save()
    taxonomy = _taxonomy(state, rules)
    contexts = [c for c in (_context(state, *draft, taxonomy) for draft in state.context_drafts) if c]
    if state.errors:
        raise RuleErrors(_in_file_order(state.errors))
    return Loaded(tuple(rules), taxonomy, dict(state.schemas), tuple(contexts), tuple(state.read.items()))


def _in_file_order(errors: list[EvxError]) -> list[EvxError]:
    """Errors by file (in the order files were first named), then line and column."""
    files: dict[str, int] = {}
    for err in errors:
        if err.location is not None:
            files.setdefault(err.location.file, len(files))

    def key(err: EvxError):
        loc = err.location
        return (files[loc.file], loc.line, loc.column) if loc is not None else (-1, 0, 0)
    return sorted(errors, key=key)


def _taxonomy(state: _State, rules: list[Rule]) -> Taxonomy:
    return Taxonomy(dict(state.parents)).with_roots(label for r in rules for label in r.labels)


# -- files and imports --------------------------------------------------------------------------

def _read(state: _State, path: Path, at: Location | None) -> tuple[object, Source] | None:
    try:
        text = state.read_text(path)
    except FileNotFoundError:
        state.error(f"rule file '{path}' does not exist", at or Location(str(path), 1, 1))
        return None
    except UnicodeDecodeError as err:
        state.error(f"rule file is not UTF-8 text ({err.reason} at byte {err.start})", Location(str(path), 1, 1))
        return None
    except OSError as err:
        state.error(f"cannot read rule file: {err.strerror}", at or Location(str(path), 1, 1))
        return None
    try:
        return load_yaml(str(path), text)
    except EvxError as err:
        state.errors.append(err)
        return None


def _load_file(state: _State, path: Path, passed_vars: dict, chain: tuple[Path, ...], at: Location | None):
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in chain + (resolved,))
        state.error(f"import cycle: {cycle}", at)
        return
    key = (resolved, repr(sorted(passed_vars.items(), key=lambda kv: kv[0])))
    if key in state.loaded:
        return
    state.loaded.add(key)
    loaded = _read(state, path, at)
    if loaded is None:
        return
    data, source = loaded
    if data is None:
        state.error("the rule file is empty", source.location(0, 0), "a rule file has 'rules' (and optionally taxonomy, events, vars)")
        return
    if not isinstance(data, YMap):
        state.error("a rule file must be a mapping with 'rules' (and optionally taxonomy, events, vars)",
                    source.at(getattr(data, "node", None)))
        return
    for key_name, key_node in data.key_nodes.items():
        if key_name not in TOP_KEYS:
            state.error(f"unknown top-level key '{key_name}'", source.at(key_node),
                        did_you_mean(str(key_name), TOP_KEYS) or "keys: " + ", ".join(TOP_KEYS))
    variables = dict(passed_vars)
    own = _vars(state, data, source)
    for name, value in own.items():
        variables.setdefault(name, value)
    if "taxonomy" in data:
        _taxonomy_section(state, data["taxonomy"], data.value_nodes["taxonomy"], source, path.parent)
    if "events" in data:
        _events_section(state, data["events"], data.value_nodes["events"], source)
    if "contexts" in data:
        contexts = data["contexts"]
        if not isinstance(contexts, YMap):
            state.error("'contexts' maps an attribute name to {default: ..., cases: [...]}",
                        source.at(data.value_nodes["contexts"]))
        else:
            for name, spec in contexts.items():
                state.context_drafts.append((str(name), spec, contexts.value_nodes[name], source, variables))
    rules = data.get("rules")
    if rules is None:
        if "rules" not in data and not ({"taxonomy", "events", "vars"} & set(data)):
            state.error("a rule file needs a 'rules' list", source.at(data.node))
        return
    if not isinstance(rules, YList):
        state.error("'rules' must be a list", source.at(data.value_nodes["rules"]))
        return
    for item, node in zip(rules, rules.item_nodes):
        if not isinstance(item, YMap):
            state.error("each entry of 'rules' must be a mapping (a rule or an import)", source.at(node))
            continue
        if "import" in item:
            _import(state, item, source, path, variables, chain + (resolved,))
        else:
            state.drafts.append(_Draft(item, source, item, variables, path.parent))


def _vars(state: _State, data: YMap, source: Source, key: str = "vars") -> dict:
    raw = data.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, YMap):
        state.error("'vars' must be a mapping of names to values", source.at(data.value_nodes[key]))
        return {}
    out = {}
    for name, value in raw.items():
        node = raw.value_nodes[name]
        # values are words for patterns: take the text as written ("on" stays "on", not true)
        if isinstance(value, YList):
            if not all(isinstance(item, yaml.ScalarNode) for item in value.item_nodes):
                state.error(f"variable '{name}': a list variable holds plain words", source.at(node))
                continue
            out[str(name)] = [item.value for item in value.item_nodes]
        elif isinstance(node, yaml.ScalarNode) and value is not None:
            out[str(name)] = node.value
        else:
            state.error(f"variable '{name}' must be a string, a number or a list of them", source.at(node))
    return out


def _import(state: _State, item: YMap, source: Source, path: Path, variables: dict, chain: tuple[Path, ...]):
    for key_name, key_node in item.key_nodes.items():
        if key_name not in IMPORT_KEYS:
            state.error(f"unknown key '{key_name}' in an import", source.at(key_node),
                        "an import has only 'import' and 'vars'")
    target = item["import"]
    at = source.at(item.value_nodes["import"])
    if not isinstance(target, str) or not target.strip() or "\0" in target:
        state.error("'import' takes a path to a rule file", at)
        return
    full = (path.parent / target)
    resolved = full.resolve()
    if not state.allow_outside and not resolved.is_relative_to(state.root):
        state.error(f"import '{target}' leaves the rule set's folder", at,
                    "allow it explicitly (--allow-outside-imports) if you trust that file")
        return
    passed = dict(variables)
    passed.update(_vars(state, item, source))
    _load_file(state, full, passed, chain, at)


# -- taxonomy and event schemas -----------------------------------------------------------------

def _taxonomy_section(state: _State, value, node, source: Source, folder: Path) -> None:
    if isinstance(value, str):
        if "\0" in value:
            state.error("a taxonomy path cannot hold a NUL character", source.at(node))
            return
        full = folder / value
        if not state.allow_outside and not full.resolve().is_relative_to(state.root):
            state.error(f"taxonomy file '{value}' lies outside the rule set's folder", source.at(node))
            return
        loaded = _read(state, full, source.at(node))
        if loaded is None:
            return
        data, tax_source = loaded
        if isinstance(data, YMap) and "taxonomy" in data:
            _forest(state, data["taxonomy"], data.value_nodes["taxonomy"], tax_source, None)
        else:
            _forest(state, data, getattr(data, "node", None), tax_source, None)
        return
    _forest(state, value, node, source, None)


def _forest(state: _State, value, node, source: Source, parent: str | None) -> None:
    if isinstance(value, str):
        _add_label(state, value, parent, source.at(node))
    elif isinstance(value, YList):
        for item, item_node in zip(value, value.item_nodes):
            _forest(state, item, item_node, source, parent)
    elif isinstance(value, YMap):
        for label, children in value.items():
            _add_label(state, str(label), parent, source.at(value.key_nodes[label]))
            if children is not None:
                _forest(state, children, value.value_nodes[label], source, str(label))
    else:
        state.error("a taxonomy is a list of labels, each a name or a mapping of a name to its children",
                    source.at(node))


def _add_label(state: _State, label: str, parent: str | None, at: Location) -> None:
    if not label.replace("_", "").replace("-", "").replace(".", "").isalnum():
        state.error(f"'{label}' is not a valid label", at, "labels are letters, digits, '_', '-' and '.'")
        return
    if label in state.parents and state.parents[label] != parent:
        state.error(f"label '{label}' is already in the taxonomy under {state.parents[label] or 'the root'}",
                    at, f"first placed at {state.parent_at[label]}")
        return
    seen = parent
    while seen is not None:
        if seen == label:
            state.error(f"label '{label}' would sit under itself", at)
            return
        seen = state.parents.get(seen)
    state.parents[label] = parent
    state.parent_at.setdefault(label, at)


def _events_section(state: _State, value, node, source: Source) -> None:
    if not isinstance(value, YMap):
        state.error("'events' maps each event label to {roles: [...], required: [...]}", source.at(node))
        return
    for label, spec in value.items():
        at = source.at(value.value_nodes[label])
        if not isinstance(spec, YMap):
            state.error(f"event '{label}': expected {{roles: [...], required: [...]}}", at)
            continue
        for key_name, key_node in spec.key_nodes.items():
            if key_name not in ("roles", "required", "attach"):
                state.error(f"unknown key '{key_name}' in event '{label}'", source.at(key_node),
                            did_you_mean(str(key_name), ("roles", "required", "attach")))
        roles = spec.get("roles", [])
        required = spec.get("required", [])
        if not _names(roles) or not _names(required, allow_empty=True):
            state.error(f"event '{label}': 'roles' and 'required' are lists of names", at)
            continue
        if "trigger" in roles:
            state.error(f"event '{label}': 'trigger' is not a role (every event has one)", at)
        missing = [r for r in required if r not in roles]
        if missing:
            state.error(f"event '{label}': required role '{missing[0]}' is not among its roles",
                        source.at(spec.value_nodes["required"]))
        attach = spec.get("attach", {})
        if not isinstance(attach, dict) or not all(isinstance(v, str) for v in attach.values()):
            state.error(f"event '{label}': 'attach' maps a role to a label, as in {{time: Time}}",
                        source.at(spec.value_nodes.get("attach", spec.node)))
            continue
        for role in attach:
            if role not in roles:
                state.error(f"event '{label}': attached role '{role}' is not among its roles",
                            source.at(spec.value_nodes["attach"]), did_you_mean(str(role), roles))
        schema = EventSchema(tuple(roles), tuple(required), tuple((str(r), l) for r, l in attach.items()))
        if label in state.schemas and state.schemas[label] != schema:
            state.error(f"event '{label}' is declared twice with different roles", at)
        state.schemas[str(label)] = schema


def _names(value, allow_empty: bool = False) -> bool:
    return isinstance(value, list) and (allow_empty or bool(value)) and all(isinstance(v, str) for v in value)


# -- rules --------------------------------------------------------------------------------------

def _compile_all(state: _State, tokenize: Callable[[str], list[str]]) -> list[Rule]:
    drafts = []
    names: dict[str, Location] = {}
    for draft in state.drafts:
        rule = _read_rule(state, draft)
        if rule is None:
            continue
        if rule["name"] in names:
            state.error(f"duplicate rule name '{rule['name']}'", rule["name_at"],
                        f"first defined at {names[rule['name']]}")
            continue
        names[rule["name"]] = rule["name_at"]
        drafts.append((draft, rule))
    taxonomy = Taxonomy(dict(state.parents)).with_roots(label for _, r in drafts for label in r["labels"])
    rules = []
    for draft, spec in drafts:
        rule = _build_rule(state, draft, spec, taxonomy, tokenize)
        if rule is not None:
            rules.append(rule)
    _check_cascade(state, rules)
    for rule in rules:
        for example in rule.examples:
            _check_example(state, example, taxonomy)
    return rules


def _read_rule(state: _State, draft: _Draft) -> dict | None:
    data, source = draft.node, draft.source
    at = source.at(data.node)
    ok = True
    for key_name, key_node in data.key_nodes.items():
        if key_name not in RULE_KEYS:
            state.error(f"unknown rule key '{key_name}'", source.at(key_node),
                        did_you_mean(str(key_name), RULE_KEYS) or "keys: " + ", ".join(RULE_KEYS))
            ok = False
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        state.error("a rule needs a 'name'", source.at(data.value_nodes.get("name", data.node)))
        return None
    name_at = source.at(data.value_nodes["name"])
    labels = data.get("label")
    if isinstance(labels, str):
        labels = [labels]
    if not _names(labels):
        state.error(f"rule '{name}' needs a 'label': a name or a list of names",
                    source.at(data.value_nodes.get("label", data.node)))
        return None
    priority = _priority(state, data, source)
    kind = data.get("type", TOKEN_RULE)
    if kind not in (TOKEN_RULE, LEXICON_RULE):
        state.error(f"rule '{name}': type must be 'token' or 'lexicon', not '{kind}'",
                    source.at(data.value_nodes["type"]), did_you_mean(str(kind), (TOKEN_RULE, LEXICON_RULE)))
        return None
    keep = data.get("keep", True)
    if not isinstance(keep, bool):
        state.error(f"rule '{name}': keep is true or false", source.at(data.value_nodes["keep"]))
        ok = False
    attributes = data.get("attributes", {})
    if not isinstance(attributes, YMap) and attributes != {}:
        state.error(f"rule '{name}': attributes must be a mapping", source.at(data.value_nodes["attributes"]))
        ok = False
    normalize = data.get("normalize")
    if normalize is not None and normalize not in NORMALIZERS:
        state.error(f"rule '{name}': normalize can be {', '.join(NORMALIZERS)}", source.at(data.value_nodes["normalize"]),
                    did_you_mean(str(normalize), NORMALIZERS))
        ok = False
    if priority is None or not ok:
        return None
    return {"name": name, "name_at": name_at, "labels": tuple(labels), "priority": priority, "type": kind,
            "keep": keep, "attributes": dict(attributes), "normalize": normalize, "at": at}


def _priority(state: _State, data: YMap, source: Source) -> Priority | None:
    value = data.get("priority", 1)
    node = data.value_nodes.get("priority")
    at = source.at(node or data.node)
    if isinstance(node, yaml.ScalarNode):
        value = node.value      # as written: "true" stays "true"
    text = str(value).strip()
    try:
        if text.endswith("+"):
            p = Priority(int(text[:-1]), None)
        elif "-" in text.lstrip("-"):
            low, high = text.split("-", 1)
            p = Priority(int(low), int(high))
        else:
            p = Priority(int(text), int(text))
    except ValueError:
        state.error(f"priority '{value}' is not a priority", at, "write 2, '2+' (2 and later) or '2-4'")
        return None
    if p.low < 1 or (p.high is not None and p.high < p.low):
        state.error(f"priority '{value}' is out of range", at, "priorities start at 1; in 'a-b', a <= b")
        return None
    return p


def _build_rule(state: _State, draft: _Draft, spec: dict, taxonomy: Taxonomy, tokenize) -> Rule | None:
    data, source = draft.node, draft.source
    name = spec["name"]
    program = lexicon = pattern = None
    if spec["type"] == TOKEN_RULE:
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
            state.errors.extend(EvxError(e.message, source.inside(node, e.offset), e.hint) for e in err.all())
            return None
        if not _check_roles(state, spec, ast, pattern, source, node):
            return None
    else:
        lexicon = _lexicon(state, draft, name, tokenize)
        if lexicon is None:
            return None
    examples = _examples(state, data, source, name)
    return Rule(name=name, labels=spec["labels"], priority=spec["priority"], type=spec["type"],
                keep=spec["keep"], attributes=spec["attributes"], examples=examples, pattern=pattern,
                program=program, lexicon=lexicon, normalize=spec["normalize"], location=spec["at"])


def _check_roles(state: _State, spec: dict, ast, pattern: str, source: Source, node) -> bool:
    schema = state.schemas.get(spec["labels"][0])
    captured = {}
    for item in nodes.walk(ast):
        if isinstance(item, nodes.Capture):
            captured.setdefault(item.name, item.at)
        elif isinstance(item, nodes.MentionRef) and item.name:
            captured.setdefault(item.name, item.at)
    if schema is None:
        return True
    ok = True
    if "trigger" not in captured:
        state.error(f"rule '{spec['name']}' finds event {spec['labels'][0]} but captures no trigger",
                    source.inside(node, 0), "capture the word that says the event happened: (?<trigger> ...)")
        ok = False
    for role, at in captured.items():
        if role != "trigger" and role not in schema.roles:
            state.error(f"role '{role}' is not a role of {spec['labels'][0]}", source.inside(node, at),
                        did_you_mean(role, schema.roles) or "roles: " + ", ".join(schema.roles))
            ok = False
    return ok


def _context(state: _State, name: str, spec, node, source: Source, variables: dict, taxonomy: Taxonomy):
    if not isinstance(spec, YMap) or not isinstance(spec.get("cases"), YList):
        state.error(f"context '{name}' is {{default: ..., cases: [{{value: ..., before: ..., after: ...}}]}}",
                    source.at(node))
        return None
    for key_name, key_node in spec.key_nodes.items():
        if key_name not in CONTEXT_KEYS:
            state.error(f"unknown key '{key_name}' in context '{name}'", source.at(key_node),
                        did_you_mean(str(key_name), CONTEXT_KEYS))
    default = spec.get("default")
    cases = []
    for case, case_node in zip(spec["cases"], spec["cases"].item_nodes):
        if not isinstance(case, YMap) or "value" not in case or not ({"before", "after"} & set(case)):
            state.error(f"a case of context '{name}' has a 'value' and a 'before' and/or 'after' pattern",
                        source.at(case_node))
            continue
        for key_name, key_node in case.key_nodes.items():
            if key_name not in CASE_KEYS:
                state.error(f"unknown key '{key_name}' in a case of context '{name}'", source.at(key_node),
                            did_you_mean(str(key_name), CASE_KEYS))
        sides = {}
        for side in ("before", "after"):
            if side not in case:
                continue
            text, side_node = case[side], case.value_nodes[side]
            if not isinstance(text, str):
                state.error(f"'{side}' is a pattern", source.at(side_node))
                continue
            try:
                ast = parse(text, variables, state.patterns.scope(source.text, variables))
                program = compile_pattern(ast, taxonomy, allow_captures=False)
            except PatternError as err:
                state.errors.extend(EvxError(e.message, source.inside(side_node, e.offset), e.hint)
                                    for e in err.all())
                continue
            sides[side] = Lookaround(program, behind=(side == "before"), negated=False, width=width(ast))
        types = case.get("types")
        if types is not None and not _names(types):
            state.error("'types' is a list of event labels", source.at(case.value_nodes["types"]))
            continue
        cases.append(ContextCase(str(case["value"]), sides.get("before"), sides.get("after"),
                                 frozenset(types) if types is not None else None))
    return Context(name, None if default is None else str(default), tuple(cases))


def _lexicon(state: _State, draft: _Draft, name: str, tokenize) -> Lexicon | None:
    data, source = draft.node, draft.source
    has_file, has_list = "lexicon" in data, "phrases" in data
    if has_file == has_list:
        state.error(f"lexicon rule '{name}' needs either 'lexicon' (a file) or 'phrases' (a list)",
                    source.at(data.node))
        return None
    if has_list:
        phrases = data["phrases"]
        if not _names(phrases):
            state.error(f"rule '{name}': 'phrases' is a list of strings", source.at(data.value_nodes["phrases"]))
            return None
        return _built(phrases, tokenize)
    target = data["lexicon"]
    at = source.at(data.value_nodes["lexicon"])
    if not isinstance(target, str) or "\0" in target:
        state.error(f"rule '{name}': 'lexicon' is the path of a phrase file", at)
        return None
    full = (draft.folder / target).resolve()
    if not state.allow_outside and not full.is_relative_to(state.root):
        state.error(f"lexicon '{target}' lies outside the rule set's folder", at)
        return None
    if full not in state.lexicons:
        try:
            text = state.read_text(full)
        except FileNotFoundError:
            state.error(f"lexicon file '{target}' does not exist", at)
            return None
        except (OSError, UnicodeDecodeError) as err:
            state.error(f"cannot read lexicon file '{target}': {err}", at)
            return None
        state.lexicons[full] = _built(read_phrases(text), tokenize)
    return state.lexicons[full]


def _built(phrases: list[str], tokenize) -> Lexicon:
    """A lexicon from the compile cache, or built (tokenizing every phrase) and cached.
    Short lists are quicker to build than to look up."""
    if len(phrases) < CACHED_LEXICON_SIZE:
        return build_lexicon(phrases, tokenize)
    found = cache.load_lexicon(phrases)
    if found is not None:
        return found
    lexicon = build_lexicon(phrases, tokenize)
    cache.store_lexicon(phrases, lexicon)
    return lexicon


def _examples(state: _State, data: YMap, source: Source, name: str) -> tuple[Example, ...]:
    raw = data.get("examples")
    if raw is None:
        return ()
    if not isinstance(raw, YList):
        state.error(f"rule '{name}': 'examples' is a list", source.at(data.value_nodes["examples"]))
        return ()
    out = []
    for item, node in zip(raw, raw.item_nodes):
        at = source.at(node)
        if not isinstance(item, YMap) or not isinstance(item.get("text"), str):
            state.error(f"rule '{name}': an example is {{text: ..., expect: [...]}}", at)
            continue
        for key_name, key_node in item.key_nodes.items():
            if key_name not in ("text", "expect"):
                state.error(f"unknown key '{key_name}' in an example", source.at(key_node),
                            did_you_mean(str(key_name), ("text", "expect")))
        expect = item.get("expect", [])
        if not isinstance(expect, YList):
            state.error(f"rule '{name}': 'expect' is a list of events", source.at(item.value_nodes["expect"]))
            continue
        found = []
        for event, event_node in zip(expect, expect.item_nodes):
            parsed = _expected(state, event, source.at(event_node), name)
            if parsed is not None:
                found.append(parsed)
        out.append(Example(item["text"], tuple(found), at))
    return tuple(out)


def _expected(state: _State, event, at: Location, name: str) -> Expected | None:
    if not isinstance(event, YMap) or not isinstance(event.get("type"), str):
        state.error(f"rule '{name}': each expected event is a mapping with a 'type'", at)
        return None
    roles = {}
    for role, value in event.items():
        if role == "type":
            continue
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int, float)) for v in values):
            state.error(f"rule '{name}': expected '{role}' is a text or a list of texts", at)
            return None
        roles[str(role)] = tuple(str(v) for v in values)
    return Expected(event["type"], roles)


def _check_example(state: _State, example: Example, taxonomy: Taxonomy) -> None:
    for expected in example.expect:
        if taxonomy.expand(expected.type) is None:
            state.error(f"example expects unknown type '{expected.type}'", example.location,
                        did_you_mean(expected.type, taxonomy.names))
            continue
        schema = state.schemas.get(expected.type)
        if schema is None:
            continue
        for role in expected.roles:
            if role != "trigger" and role not in schema.roles:
                state.error(f"example expects role '{role}', which {expected.type} does not have",
                            example.location, did_you_mean(role, schema.roles))


def _check_cascade(state: _State, rules: list[Rule]) -> None:
    """A `@Label` that no earlier step can have found would never match: say so."""
    # first step at which each label can have been found (a rule's matches are visible a step later)
    first_seen: dict[str, int] = {}
    for rule in rules:
        for label in rule.labels:
            first_seen[label] = min(first_seen.get(label, rule.priority.low), rule.priority.low)
    for rule in rules:
        if rule.program is None:
            continue
        last = rule.priority.high
        reported = set()
        for wanted, label in _mention_labels(rule.program):
            if label in reported:
                continue
            seen_at = [first_seen[w] for w in wanted if w in first_seen]
            if seen_at and (last is None or min(seen_at) < last):
                continue
            reported.add(label)
            producers = sorted({f"'{r.name}' (priority {r.priority})" for r in rules
                                if not wanted.isdisjoint(r.labels)})
            hint = ("found by " + ", ".join(producers[:3]) + ": give this rule a later priority"
                    if producers else "no rule finds this label")
            state.error(f"rule '{rule.name}' (priority {rule.priority}) uses @{label} "
                        f"but nothing finds {label} before it runs", rule.location, hint)


def _mention_labels(program):
    for ins in program.code:
        if ins[0] == MENTION:
            yield ins[1], ins[3]
        elif ins[0] == LOOK:
            yield from _mention_labels(ins[1].program)
