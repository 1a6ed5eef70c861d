"""Rule files -> Rules: read YAML, follow imports, validate, compile every rule.

The loader keeps going after an error so that one run reports every problem it can find,
each pointing at the line and column of the file that caused it. What a rule of each kind
is made of is read by its kind (`kinds.py`); what must hold of the rule set as a whole is
checked in `checks.py`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .. import cache
from ..enrich.antecedents import PronounEnrichment
from ..enrich.stage import NORMALIZERS, DateEnrichment, Enrichment
from ..errors import EvxError, Location, PatternError, RuleErrors, closest, did_you_mean
from ..pattern.compiler import Lookaround, compile_pattern
from ..pattern.parser import parse
from ..pattern.prefilter import width
from . import checks
from .files import BUNDLED_PREFIX, Folder, NotReadable, bundled_folder, read_regular, real_path, resolve
from .kinds import DEFAULT_KIND, KINDS, Built
from .model import (Context, ContextCase, EventSchema, Example, Expected, Loaded, Priority, Rule, RuleWarning,
                    rule_files)
from .taxonomy import Taxonomy
from .variables import MAX_VAR_DEPTH, expand, too_deep
from .yamlsource import Source, YList, YMap, load_yaml

TOP_KEYS = ("taxonomy", "events", "vars", "contexts", "enrich", "rules")
COMMON_KEYS = ("name", "label", "priority", "type", "keep", "attributes", "normalize", "examples", "description")
KIND_KEYS = tuple(dict.fromkeys(key for kind in KINDS.values() for key in kind.keys))
RULE_KEYS = COMMON_KEYS + KIND_KEYS
CONTEXT_KEYS = ("default", "cases")
CASE_KEYS = ("value", "before", "after", "types")
IMPORT_KEYS = ("import", "vars")
EXAMPLE_KEYS = ("text", "expect")
ENRICH_KEYS = ("dates", "pronouns")
DATES_KEYS = ("forward_when",)
PRONOUNS_KEYS = ("antecedents", "roles")

MAX_LOADS = 1000            # distinct (file, vars) loads of one rule set
MAX_IMPORT_DEPTH = 64       # files importing files importing ...


@dataclass
class _Draft:
    """A rule read from its file, before the whole rule set is known and it can be compiled."""
    source: Source
    node: YMap
    variables: dict             # what the rule's file sees
    outer: dict                 # what the file that imported it sees (for hints only)
    path: Path
    folder: Folder              # the folder the rule's file is confined to
    rule_set: int               # which of the rule sets given it belongs to (imports included)


@dataclass
class _State:
    allow_outside: bool
    tokenize: Callable[[str], list[str]]
    errors: list[EvxError] = field(default_factory=list)
    warnings: dict[tuple, RuleWarning] = field(default_factory=dict)
    with_taxonomy: set[int] = field(default_factory=set)    # the rule sets that declare one
    parents: dict[str, str | None] = field(default_factory=dict)
    parent_at: dict[str, Location] = field(default_factory=dict)
    schemas: dict[str, EventSchema] = field(default_factory=dict)
    # (label, where, what uses it, rule set): with a taxonomy, each must be in it
    label_uses: list[tuple[str, Location, str, int]] = field(default_factory=list)
    drafts: list[_Draft] = field(default_factory=list)
    context_drafts: list = field(default_factory=list)     # (name, YMap, node, Source, variables, rule set)
    enrichment: Enrichment = field(default_factory=Enrichment)
    pronouns: dict[str, set[str]] = field(default_factory=dict)    # pronoun -> labels as written
    pronoun_roles: dict[str, Location] = field(default_factory=dict)    # role -> where it is named
    loaded: set = field(default_factory=set)
    loaded_sets: list[str] = field(default_factory=list)
    loads: int = 0
    lexicons: dict = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)      # every file read -> its digest
    patterns: cache.PatternCache = field(default_factory=lambda: cache.PatternCache(cache.cache_dir()))

    def error(self, message: str, location: Location | None, hint: str | None = None) -> None:
        self.errors.append(EvxError(message, location, hint))

    def warn(self, message: str, location: Location | None, hint: str | None = None) -> None:
        self.warnings.setdefault((message, location), RuleWarning(message, location, hint))

    def read_text(self, path: Path) -> str:
        """A regular file's UTF-8 text, its digest noted for the compile cache (OSError,
        NotReadable and UnicodeDecodeError are the caller's to report)."""
        data = read_regular(path)
        text = data.decode("utf-8")
        self.read[str(path)] = cache.digest(data)
        return text

    def outside_hint(self, folder: Folder) -> str | None:
        if folder.strict:
            return "bundled rules read only files of the bundled rules"
        return "allow it explicitly (--allow-outside-imports) if you trust that file"


def load_rule_files(paths: Iterable[str | os.PathLike], tokenize: Callable[[str], list[str]],
                    allow_outside: bool = False) -> Loaded:
    """Load, validate and compile; raise RuleErrors listing every problem found."""
    errors: list[EvxError] = []
    state = _State(allow_outside, tokenize)
    given = False
    for path in paths:
        files = rule_files(path)
        if not files or not (files[0].exists() or files[0].is_symlink()):
            errors.append(EvxError(f"no rule file at '{path}'", Location(str(path), 1, 1)))
            continue
        given = True
        folder = _folder_of(path, files[0])
        rule_set = len(state.loaded_sets)
        state.loaded_sets.append(str(path))
        for f in files:
            _load_file(state, f, folder, rule_set, {}, {}, (), None)
    if not given:
        raise RuleErrors(errors or [EvxError("no rule files given")])
    state.errors[:0] = errors
    rules, built = _compile_all(state)
    state.patterns.save()
    taxonomy = _taxonomy(state, rules)
    contexts = [c for c in (_context(state, *draft, taxonomy) for draft in state.context_drafts) if c]
    checks.check_rule_set(state, rules, built, taxonomy)
    enrichment = Enrichment(state.enrichment.dates, any(r.normalize for r in rules), _pronouns(state, taxonomy))
    if state.errors:
        raise RuleErrors(_in_file_order(state.errors))
    return Loaded(tuple(rules), taxonomy, dict(state.schemas), tuple(contexts), tuple(state.read.items()),
                  enrichment, tuple(_in_file_order(list(state.warnings.values()))))


def _folder_of(given: str | os.PathLike, first: Path) -> Folder:
    if str(given).startswith(BUNDLED_PREFIX):
        return bundled_folder()
    return Folder(real_path(first.parent))


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

def _read(state: _State, path: Path, at: Location | None, what: str = "rule file") -> tuple[object, Source] | None:
    try:
        text = state.read_text(path)
    except FileNotFoundError:
        state.error(f"{what} '{path}' does not exist", at or Location(str(path), 1, 1))
        return None
    except UnicodeDecodeError as err:
        state.error(f"{what} is not UTF-8 text ({err.reason} at byte {err.start})", Location(str(path), 1, 1))
        return None
    except NotReadable as err:
        state.error(f"cannot read {what} '{path}': {err}", at or Location(str(path), 1, 1))
        return None
    except OSError as err:
        state.error(f"cannot read {what} '{path}': {err.strerror}", at or Location(str(path), 1, 1))
        return None
    try:
        return load_yaml(str(path), text)
    except EvxError as err:
        state.errors.append(err)
        return None


def _load_file(state: _State, path: Path, folder: Folder, rule_set: int, passed: dict, outer: dict,
               chain: tuple[Path, ...], at: Location | None) -> None:
    """Load one rule file with the vars its import line passed (`passed`); `outer` is what
    the importing file sees, for telling a shadowed or unpassed variable."""
    resolved = real_path(path)
    if resolved in chain:
        cycle = " -> ".join(p.name for p in chain + (resolved,))
        state.error(f"import cycle: {cycle}", at)
        return
    if len(chain) >= MAX_IMPORT_DEPTH:
        state.error(f"imports nest more than {MAX_IMPORT_DEPTH} files deep", at,
                    "a chain of files each importing the next: is one importing itself under another name?")
        return
    key = (resolved, repr(sorted(passed.items(), key=lambda kv: kv[0])))
    if key in state.loaded:
        return
    if state.loads >= MAX_LOADS:
        if state.loads == MAX_LOADS:
            state.error(f"the imports load more than {MAX_LOADS} files (a file counts once for each set of "
                        f"vars it is imported with)", at,
                        "files that import the next file more than once with different vars multiply")
            state.loads += 1
        return
    state.loads += 1
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
    _unknown_keys(state, data, source, TOP_KEYS, "top-level key", "", "keys: " + ", ".join(TOP_KEYS))
    variables = _scope(state, data, source, passed, outer, at)
    if "taxonomy" in data:
        state.with_taxonomy.add(rule_set)
        _taxonomy_section(state, data["taxonomy"], data.value_nodes["taxonomy"], source, path, folder)
    if "events" in data:
        _events_section(state, data["events"], data.value_nodes["events"], source, rule_set)
    if "enrich" in data:
        _enrich_section(state, data["enrich"], data.value_nodes["enrich"], source, rule_set)
    if "contexts" in data:
        contexts = data["contexts"]
        if not isinstance(contexts, YMap):
            state.error("'contexts' maps an attribute name to {default: ..., cases: [...]}",
                        source.at(data.value_nodes["contexts"]))
        else:
            for name, spec in contexts.items():
                state.context_drafts.append((str(name), spec, contexts.value_nodes[name], source, variables,
                                             rule_set))
    rules = data.get("rules")
    if rules is None:
        if "rules" not in data and not ({"taxonomy", "events", "vars", "enrich", "contexts"} & set(data)):
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
            _import(state, item, source, path, folder, rule_set, variables, chain + (resolved,))
        else:
            state.drafts.append(_Draft(source, item, variables, outer, path, folder, rule_set))


def _scope(state: _State, data: YMap, source: Source, passed: dict, outer: dict, at: Location | None) -> dict:
    """What a file sees: its own vars, and over them the vars its import line passed.
    A var of its own that hides a different one of the importing file is worth a warning:
    its author may expect the importer's value, which does not reach this file."""
    own, own_at = _vars(state, data, source)
    for name, value in own.items():
        if name in outer and name not in passed and outer[name] != value:
            state.warn(f"variable '{name}' hides the importing file's '{name}', which differs: this file uses "
                       f"its own", own_at[name],
                       f"only the vars on an import line pass down (vars: {{{name}: \"${{{name}}}\"}} passes "
                       f"the importer's)")
    variables = {**own, **passed}
    deep = too_deep(variables)
    if deep is not None:
        name, chain = deep
        state.error(f"variables refer to variables more than {MAX_VAR_DEPTH} deep: "
                    + " -> ".join(chain[:3]) + " -> ...", own_at.get(name, at))
        variables = {k: v for k, v in variables.items() if k not in chain}
    return variables


def _vars(state: _State, data: YMap, source: Source, key: str = "vars") -> tuple[dict, dict]:
    """The variables of a `vars:` mapping, as written, and where each is."""
    raw = data.get(key)
    if raw is None:
        return {}, {}
    if not isinstance(raw, YMap):
        state.error("'vars' must be a mapping of names to values", source.at(data.value_nodes[key]))
        return {}, {}
    out, where = {}, {}
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
            continue
        where[str(name)] = source.at(raw.key_nodes[name])
    return out, where


def _unknown_keys(state: _State, mapping: YMap, source: Source, allowed, noun: str, where: str,
                  listed: str | None = None) -> None:
    """Report every key of `mapping` outside `allowed` as "unknown NOUN 'KEY'WHERE", with the
    closest allowed key as a hint, else `listed`."""
    for key_name, key_node in mapping.key_nodes.items():
        if key_name not in allowed:
            state.error(f"unknown {noun} '{key_name}'{where}", source.at(key_node),
                        did_you_mean(str(key_name), allowed) or listed)


def _import(state: _State, item: YMap, source: Source, path: Path, folder: Folder, rule_set: int,
            variables: dict, chain: tuple[Path, ...]) -> None:
    for key_name, key_node in item.key_nodes.items():
        if key_name not in IMPORT_KEYS:
            state.error(f"unknown key '{key_name}' in an import", source.at(key_node),
                        "an import has only 'import' and 'vars'")
    target = item["import"]
    at = source.at(item.value_nodes["import"])
    if not isinstance(target, str) or not target.strip() or "\0" in target:
        state.error("'import' takes a path to a rule file", at)
        return
    full, target_folder = resolve(target, path.parent, folder)
    if not target_folder.holds(full, state.allow_outside):
        state.error(f"import '{target}' leaves {target_folder.name}", at, state.outside_hint(target_folder))
        return
    raw, _ = _vars(state, item, source)
    # each value's place, by the name _vars gives it (YAML may read a name as a number)
    places = {str(name): node for name, node in item["vars"].value_nodes.items()} if raw else {}
    passed = {}
    for name, value in raw.items():
        try:
            passed[name] = expand(value, variables, source.at(places[name]))
        except EvxError as err:
            state.errors.append(err)
    _load_file(state, full, target_folder, rule_set, passed, variables, chain, at)


# -- taxonomy, event schemas, enrichment ----------------------------------------------------------

def _taxonomy_section(state: _State, value, node, source: Source, path: Path, folder: Folder) -> None:
    if isinstance(value, str):
        if "\0" in value or not value.strip():
            state.error("a taxonomy path is the path of a file", source.at(node))
            return
        full, target_folder = resolve(value, path.parent, folder)
        if not target_folder.holds(full, state.allow_outside):
            state.error(f"taxonomy file '{value}' lies outside {target_folder.name}", source.at(node),
                        state.outside_hint(target_folder))
            return
        loaded = _read(state, full, source.at(node), "taxonomy file")
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
    """Taxonomies of all the files of a rule set merge; a label placed under two parents is an error."""
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


def _events_section(state: _State, value, node, source: Source, rule_set: int) -> None:
    if not isinstance(value, YMap):
        state.error("'events' maps each event label to {roles: [...], required: [...]}", source.at(node))
        return
    for label, spec in value.items():
        at = source.at(value.value_nodes[label])
        state.label_uses.append((str(label), source.at(value.key_nodes[label]), "event", rule_set))
        if not isinstance(spec, YMap):
            state.error(f"event '{label}': expected {{roles: [...], required: [...]}}", at)
            continue
        _unknown_keys(state, spec, source, ("roles", "required", "attach"), "key", f" in event '{label}'")
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
            else:
                state.label_uses.append((attach[role], source.at(attach.value_nodes[role]),
                                         f"event '{label}' attaches to '{role}'", rule_set))
        schema = EventSchema(tuple(roles), tuple(required), tuple((str(r), l) for r, l in attach.items()))
        if label in state.schemas and state.schemas[label] != schema:
            state.error(f"event '{label}' is declared twice with different roles", at)
        state.schemas[str(label)] = schema


def _enrich_section(state: _State, value, node, source: Source, rule_set: int) -> None:
    """`enrich: {dates: {forward_when: {attribute: value(s)} or a list of them},
    pronouns: {antecedents: {label: [word, ...]}, roles: [role, ...]}}`."""
    if not isinstance(value, YMap):
        state.error("'enrich' maps a stage to its settings, as in {dates: {forward_when: {modality: planned}}}",
                    source.at(node))
        return
    _unknown_keys(state, value, source, ENRICH_KEYS, "enrichment", "", "enrichments: " + ", ".join(ENRICH_KEYS))
    if "pronouns" in value:
        _pronouns_section(state, value["pronouns"], value.value_nodes["pronouns"], source, rule_set)
    dates = value.get("dates")
    if dates is None:
        return
    dates_node = value.value_nodes["dates"]
    if not isinstance(dates, YMap):
        state.error("'dates' is {forward_when: {attribute: value}}", source.at(dates_node))
        return
    _unknown_keys(state, dates, source, DATES_KEYS, "key", " in 'dates'", "keys: " + ", ".join(DATES_KEYS))
    when = dates.get("forward_when")
    if when is None:
        return
    when_node = dates.value_nodes["forward_when"]
    items = list(zip(when, when.item_nodes)) if isinstance(when, YList) else [(when, when_node)]
    conditions = []
    for condition, condition_node in items:
        parsed = _condition(state, condition, condition_node, source)
        if parsed is not None:
            conditions.append(parsed)
    state.enrichment = state.enrichment.merged(Enrichment(DateEnrichment(tuple(conditions))))


def _pronouns_section(state: _State, value, node, source: Source, rule_set: int) -> None:
    """`pronouns: {antecedents: {Person: [he, she], Organization: [it]}, roles: [visitor]}`:
    each label with the words whose antecedent is a mention of it (or of a label under it),
    and optionally the roles where they are resolved."""
    if not isinstance(value, YMap) or not isinstance(value.get("antecedents"), YMap) or not value["antecedents"]:
        state.error("'pronouns' is {antecedents: {label: [word, ...]}, roles: [role, ...]}, as in "
                    "{antecedents: {Person: [he, she]}}", source.at(node))
        return
    _unknown_keys(state, value, source, PRONOUNS_KEYS, "key", " in 'pronouns'", "keys: " + ", ".join(PRONOUNS_KEYS))
    if state.pronouns:
        state.error("'pronouns' is given twice; give it in one rule file", source.at(node))
        return
    table = value["antecedents"]
    for label, words in table.items():
        words_node = table.value_nodes[label]
        state.label_uses.append((str(label), source.at(table.key_nodes[label]), "enrich: pronouns", rule_set))
        items = list(zip(words, words.item_nodes)) if isinstance(words, YList) else [(words, words_node)]
        for word, word_node in items:
            if not isinstance(word, str) or not word.strip() or len(state.tokenize(word)) != 1:
                state.error(f"an antecedent word of '{label}' is one word, as in [he, she]", source.at(word_node))
                continue
            state.pronouns.setdefault(word.strip().lower(), set()).add(str(label))
    roles = value.get("roles")
    if roles is not None:
        roles_node = value.value_nodes["roles"]
        if not isinstance(roles, YList) or not all(isinstance(r, str) and r for r in roles):
            state.error("'roles' of 'pronouns' is a list of role names, as in [visitor, attacker]", source.at(roles_node))
        else:
            state.pronoun_roles = {str(r): source.at(n) for r, n in zip(roles, roles.item_nodes)}


def _pronouns(state: _State, taxonomy: Taxonomy) -> PronounEnrichment:
    """The pronoun table with each label expanded to the labels under it; a role that no event
    declares is an error."""
    known = {role for schema in state.schemas.values() for role in schema.roles}
    for role, where in state.pronoun_roles.items():
        if role not in known:
            state.error(f"'pronouns' names the role '{role}', which no event declares", where,
                        did_you_mean(role, sorted(known)))
    table = []
    for word, labels in sorted(state.pronouns.items()):
        expanded: set[str] = set()
        for label in labels:
            expanded |= taxonomy.expand(label) or {label}
        table.append((word, frozenset(expanded)))
    return PronounEnrichment(tuple(table), frozenset(state.pronoun_roles))


def _condition(state: _State, value, node, source: Source):
    if not isinstance(value, YMap) or not value:
        state.error("a 'forward_when' condition maps attributes to values, as in {modality: planned}",
                    source.at(node))
        return None
    out = []
    for name, wanted in value.items():
        wanted_node = value.value_nodes[name]
        if isinstance(wanted_node, yaml.ScalarNode) and wanted is not None:
            values = [wanted_node.value]
        elif isinstance(wanted, YList) and wanted and all(isinstance(n, yaml.ScalarNode) for n in wanted.item_nodes):
            values = [n.value for n in wanted.item_nodes]
        else:
            state.error(f"attribute '{name}' of a 'forward_when' condition takes a value or a list of values",
                        source.at(wanted_node))
            return None
        out.append((str(name), frozenset(values)))
    return tuple(out)


def _names(value, allow_empty: bool = False) -> bool:
    return isinstance(value, list) and (allow_empty or bool(value)) and all(isinstance(v, str) for v in value)


# -- rules --------------------------------------------------------------------------------------

def _compile_all(state: _State) -> tuple[list[Rule], dict[str, Built]]:
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
    built_as: dict[str, Built] = {}
    for draft, spec in drafts:
        built = KINDS[spec["type"]].build(state, draft, spec, taxonomy)
        if built is None:
            continue
        examples = _examples(state, draft.node, draft.source, spec["name"])
        rules.append(Rule(name=spec["name"], labels=spec["labels"], priority=spec["priority"],
                          matcher=built.matcher, keep=spec["keep"], attributes=spec["attributes"],
                          examples=examples, normalize=spec["normalize"], location=spec["at"],
                          description=spec["description"]))
        built_as[spec["name"]] = built
    return rules, built_as


def _read_rule(state: _State, draft: _Draft) -> dict | None:
    data, source = draft.node, draft.source
    at = source.at(data.node)
    ok = True
    kind = data.get("type", DEFAULT_KIND)
    if not isinstance(kind, str) or kind not in KINDS:
        state.error(f"rule type must be {' or '.join(repr(k) for k in KINDS)}, not '{kind}'",
                    source.at(data.value_nodes["type"]), did_you_mean(str(kind), KINDS))
        return None
    own_keys = KINDS[kind].keys
    for key_name, key_node in data.key_nodes.items():
        if key_name in COMMON_KEYS or key_name in own_keys:
            continue
        if key_name in KIND_KEYS:
            owners = [k.name for k in KINDS.values() if key_name in k.keys]
            state.error(f"'{key_name}' is a key of {' and '.join(owners)} rules, and this is a {kind} rule",
                        source.at(key_node), "set type: " + " or type: ".join(owners))
        else:
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
    label_node = data.value_nodes["label"]
    if isinstance(label_node, yaml.SequenceNode):
        label_ats = [source.at(n) for n in label_node.value]
    else:
        label_ats = [source.at(label_node)]
    priority = _priority(state, data, source)
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
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        state.error(f"rule '{name}': description is a text", source.at(data.value_nodes["description"]))
        ok = False
    if priority is None or not ok:
        return None
    for label, label_at in zip(labels, label_ats):
        state.label_uses.append((label, label_at, f"rule '{name}'", draft.rule_set))
    return {"name": name, "name_at": name_at, "labels": tuple(labels), "label_at": label_ats[0],
            "priority": priority, "type": kind, "keep": keep, "attributes": dict(attributes),
            "normalize": normalize, "description": description, "at": at}


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


def _context(state: _State, name: str, spec, node, source: Source, variables: dict, rule_set: int,
             taxonomy: Taxonomy):
    if not isinstance(spec, YMap) or not isinstance(spec.get("cases"), YList):
        state.error(f"context '{name}' is {{default: ..., cases: [{{value: ..., before: ..., after: ...}}]}}",
                    source.at(node))
        return None
    _unknown_keys(state, spec, source, CONTEXT_KEYS, "key", f" in context '{name}'")
    default = spec.get("default")
    cases = []
    for case, case_node in zip(spec["cases"], spec["cases"].item_nodes):
        if not isinstance(case, YMap) or "value" not in case or not ({"before", "after"} & set(case)):
            state.error(f"a case of context '{name}' has a 'value' and a 'before' and/or 'after' pattern",
                        source.at(case_node))
            continue
        _unknown_keys(state, case, source, CASE_KEYS, "key", f" in a case of context '{name}'")
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
            except RecursionError:
                state.error(f"'{side}' is nested too deeply to compile", source.at(side_node))
                continue
            sides[side] = Lookaround(program, behind=(side == "before"), negated=False, width=width(ast))
        types = case.get("types")
        if types is not None and not _names(types):
            state.error("'types' is a list of event labels", source.at(case.value_nodes["types"]))
            continue
        if types is not None:
            for label, label_node in zip(types, types.item_nodes):
                state.label_uses.append((label, source.at(label_node), f"a case of context '{name}'", rule_set))
        cases.append(ContextCase(str(case["value"]), sides.get("before"), sides.get("after"),
                                 frozenset(types) if types is not None else None))
    return Context(name, None if default is None else str(default), tuple(cases))


# -- examples -----------------------------------------------------------------------------------

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
        near_expect = False
        for key_name, key_node in item.key_nodes.items():
            if key_name not in EXAMPLE_KEYS:
                near_expect = near_expect or closest(str(key_name), EXAMPLE_KEYS) == "expect"
                state.error(f"unknown key '{key_name}' in an example", source.at(key_node),
                            did_you_mean(str(key_name), EXAMPLE_KEYS) or "an example has 'text' and 'expect'")
        if "expect" not in item:
            if not near_expect:
                state.error(f"rule '{name}': the example has no 'expect', so it tests nothing", at,
                            "list the events it should find under 'expect:' (expect: [] for none)")
            continue
        expect = item["expect"]
        if not isinstance(expect, YList):
            state.error(f"rule '{name}': 'expect' is a list of events", source.at(item.value_nodes["expect"]),
                        "expect: [] when the example should find nothing")
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
