"""The label forest: `@Entity` matches a Person because Person sits under Entity."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping


@dataclass(frozen=True, repr=False)
class Taxonomy:
    parents: Mapping[str, str | None] = field(default_factory=dict)   # label -> parent (None: a root)

    def __repr__(self) -> str:
        roots = [label for label, parent in self.parents.items() if parent is None]
        return f"<Taxonomy {len(self.parents)} labels, roots {', '.join(roots[:6])}{' ...' if len(roots) > 6 else ''}>"

    @cached_property
    def _descendants(self) -> dict[str, frozenset[str]]:
        children: dict[str, list[str]] = {label: [] for label in self.parents}
        for label, parent in self.parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(label)
        out: dict[str, frozenset[str]] = {}

        def collect(label: str) -> frozenset[str]:
            if label not in out:
                found = {label}
                for child in children.get(label, ()):
                    found |= collect(child)
                out[label] = frozenset(found)
            return out[label]

        for label in children:
            collect(label)
        return out

    @property
    def names(self) -> list[str]:
        return sorted(self.parents)

    def expand(self, label: str) -> frozenset[str] | None:
        """The label and every label under it; None for a label the taxonomy does not know."""
        return self._descendants.get(label)

    def with_roots(self, labels: Iterable[str]) -> "Taxonomy":
        """This taxonomy with the labels it lacks added as roots."""
        parents = dict(self.parents)
        for label in labels:
            parents.setdefault(label, None)
        return Taxonomy(parents)
