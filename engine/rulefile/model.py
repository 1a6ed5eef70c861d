"""Rules as the loader leaves them: validated, compiled, ready for the cascade; and the files
a rule-set path stands for."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..enrich.stage import Enrichment
from ..errors import EvxError, Location
from ..pattern.compiler import Lookaround
from .files import BUNDLED_PREFIX, bundled_folder
from .matchers import Matcher
from .taxonomy import Taxonomy

MAIN_FILE = "main.yml"


@dataclass(frozen=True)
class Priority:
    """The cascade steps a rule runs at: `2` is (2, 2), `2-4` is (2, 4), `2+` is (2, None)."""
    low: int
    high: int | None

    def runs_at(self, step: int) -> bool:
        return step >= self.low and (self.high is None or step <= self.high)

    def __str__(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class EventSchema:
    roles: tuple[str, ...]
    required: tuple[str, ...] = ()
    # role -> label: an event that lacks the role takes the sentence's one mention of that label
    attach: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Expected:
    """One event an example expects: its type and the text of its trigger and arguments."""
    type: str
    roles: Mapping[str, tuple[str, ...]]      # "trigger" included


@dataclass(frozen=True)
class Example:
    text: str
    expect: tuple[Expected, ...]
    location: Location | None = None


@dataclass(frozen=True, eq=False, repr=False)
class ContextCase:
    value: str
    before: Lookaround | None = None    # must match tokens ending where the trigger starts
    after: Lookaround | None = None     # must match tokens starting where the trigger ends
    types: frozenset[str] | None = None  # event labels it applies to (None: all)

    def __repr__(self) -> str:
        sides = "+".join(side for side in ("before", "after") if getattr(self, side) is not None)
        return f"<ContextCase {self.value!r} {sides}>"


@dataclass(frozen=True, eq=False, repr=False)
class Context:
    """An attribute of events decided by what surrounds the trigger: the first case that fits wins."""
    attribute: str
    default: str | None
    cases: tuple[ContextCase, ...]

    def __repr__(self) -> str:
        return f"<Context {self.attribute} default={self.default!r}, {len(self.cases)} cases>"


@dataclass(frozen=True, eq=False, repr=False)
class Rule:
    name: str
    labels: tuple[str, ...]
    priority: Priority
    matcher: Matcher                    # how the rule finds matches: its kind (token, lexicon)
    keep: bool = True
    attributes: Mapping[str, object] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    normalize: str | None = None        # a normalizer of the enrich stage ("date") for its mentions
    location: Location | None = None
    description: str | None = None

    def __repr__(self) -> str:
        where = f" at {self.location.file}:{self.location.line}" if self.location is not None else ""
        return f"<Rule {self.name} {self.type} {'|'.join(self.labels)} priority {self.priority}{where}>"

    @property
    def label(self) -> str:
        return self.labels[0]

    @property
    def type(self) -> str:
        return self.matcher.kind

    @cached_property
    def frozen_attributes(self) -> Mapping[str, object]:
        """The attributes as every match of this rule shares them."""
        return MappingProxyType(dict(self.attributes))


class RuleWarning(EvxError):
    """Something in a rule file that works, but likely not as its author meant: reported,
    never refused."""

    def __reduce__(self):
        return type(self), (self.message, self.location, self.hint)

    def format(self) -> str:
        _, _, rest = super().format().partition("\n")       # the source line, caret and hint
        where = f"{self.location}: " if self.location else ""
        return f"{where}warning: {self.message}" + ("\n" + rest if rest else "")


@dataclass(frozen=True, repr=False)
class Loaded:
    """What the loader makes of rule files, and the files it read to make it, with their
    digests: the compile cache keeps a Loaded for as long as those files are unchanged."""
    rules: tuple[Rule, ...]
    taxonomy: Taxonomy
    schemas: dict[str, EventSchema]
    contexts: tuple[Context, ...]
    files: tuple[tuple[str, str], ...]
    enrichment: Enrichment = field(default_factory=Enrichment)
    warnings: tuple[RuleWarning, ...] = ()

    def __repr__(self) -> str:
        return f"<Loaded {len(self.rules)} rules from {len(self.files)} files>"


def rule_files(path: str | os.PathLike) -> list[Path]:
    """The files a rule-set path stands for: a file, a folder's main.yml, or else its *.yml
    files (`evx:news` is the bundled folder `news`). A name that is there but not a regular
    file is listed too, for the loader to refuse with its reason."""
    text = str(path)
    p = bundled_folder().root / text[len(BUNDLED_PREFIX):] if text.startswith(BUNDLED_PREFIX) else Path(path)
    if p.is_dir():
        main = p / MAIN_FILE
        if main.exists() or main.is_symlink():
            return [main]
        return sorted(f for f in p.iterdir() if f.suffix in (".yml", ".yaml") and not f.is_dir())
    return [p]
