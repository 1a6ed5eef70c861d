"""Running a rule set over many documents, in this process or spread over several.

Results come back in input order. One document that fails becomes an error line for that
document; the others' results are kept.
"""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Iterable, Iterator

from .annotate import annotate
from .inputs import InputError, Item
from .ruleset import RuleSet, load_rules


@dataclass(frozen=True)
class Options:
    rule_paths: tuple[str, ...]
    mentions: bool = False
    labels: tuple[str, ...] | None = None
    allow_outside_imports: bool = False


@dataclass(frozen=True)
class Result:
    doc: str
    records: list[dict]
    tokens: int = 0
    sentences: int = 0
    error: InputError | None = None


def process(rules: RuleSet, item: Item, options: Options) -> Result:
    if isinstance(item, InputError):
        return Result(item.file, [], error=item)
    try:
        doc = annotate(item.text, item.id, item.date, item.meta, item.tokens)
    except ValueError as err:
        return Result(item.id, [], error=InputError(item.id, None, f"bad tokens: {err}"))
    records = rules.records(doc, rules.matches(doc), options.mentions, options.labels)
    return Result(doc.id, [r.to_dict() for r in records], doc.token_count, len(doc.sentences))


_worker_rules: RuleSet | None = None
_worker_options: Options | None = None


def _init_worker(options: Options) -> None:
    global _worker_rules, _worker_options
    _worker_rules = load_rules(*options.rule_paths, allow_outside_imports=options.allow_outside_imports)
    _worker_options = options


def _work(item: Item) -> Result:
    return process(_worker_rules, item, _worker_options)


def run(rules: RuleSet, items: Iterable[Item], options: Options, jobs: int = 1) -> Iterator[Result]:
    """Results in input order; with jobs > 1 the documents go to worker processes."""
    if jobs <= 1:
        for item in items:
            yield process(rules, item, options)
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(options,)) as pool:
        yield from pool.imap(_work, items, chunksize=4)

