"""Rules as the loader leaves them: validated, compiled, ready for the cascade; and the files
a rule-set path stands for."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..pattern.compiler import Lookaround, Program
from ..errors import Location
from ..pattern.lexicon import Lexicon
from .taxonomy import Taxonomy

TOKEN_RULE, LEXICON_RULE = "token", "lexicon"
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


@dataclass(frozen=True, eq=False)
class ContextCase:
    value: str
    before: Lookaround | None = None    # must match tokens ending where the trigger starts
    after: Lookaround | None = None     # must match tokens starting where the trigger ends
    types: frozenset[str] | None = None  # event labels it applies to (None: all)


@dataclass(frozen=True, eq=False)
class Context:
    """An attribute of events decided by what surrounds the trigger: the first case that fits wins."""
    attribute: str
    default: str | None
    cases: tuple[ContextCase, ...]


@dataclass(frozen=True, eq=False)
class Rule:
    name: str
    labels: tuple[str, ...]
    priority: Priority
    type: str
    keep: bool = True
    attributes: Mapping[str, object] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    pattern: str | None = None          # the pattern as written, variables unexpanded
    program: Program | None = None
    lexicon: Lexicon | None = None
    normalize: str | None = None        # "date": mentions get an ISO value against the document date
    location: Location | None = None

    @property
    def label(self) -> str:
        return self.labels[0]

    @cached_property
    def frozen_attributes(self) -> Mapping[str, object]:
        """The attributes as every match of this rule shares them."""
        return MappingProxyType(dict(self.attributes))


@dataclass(frozen=True)
class Loaded:
    """What the loader makes of rule files, and the files it read to make it, with their
    digests: the compile cache keeps a Loaded for as long as those files are unchanged."""
    rules: tuple[Rule, ...]
    taxonomy: Taxonomy
    schemas: dict[str, EventSchema]
    contexts: tuple[Context, ...]
    files: tuple[tuple[str, str], ...]


def rule_files(path: str | os.PathLike) -> list[Path]:
    """The files a rule-set path stands for: a file, a folder's main.yml, or else its *.yml files."""
    p = Path(path)
    if p.is_dir():
        main = p / MAIN_FILE
        if main.is_file():
            return [main]
        return sorted(f for f in p.iterdir() if f.suffix in (".yml", ".yaml") and f.is_file())
    return [p]
