"""evx on Dask: records from a `dask.bag` of documents or a `dask.dataframe` of texts.

    import dask.bag as db, evx.dask
    docs = db.read_text("news-*.jsonl").map(json.loads)
    records = evx.dask.match_bag(docs, "rules/news")       # a bag of record dicts
    records.map(json.dumps).to_textfiles("out/part-*.jsonl")

The rule set is loaded once here, on the client (rule errors are raised at once), and
reaches the workers as a `RuleSpec`: the rule paths and a fingerprint of the files read.
Each worker process loads the rules from its own copy of the files on the first partition
it runs, checks the fingerprint, and keeps them for the next partitions; nothing compiled
is pickled. So the rule files (and evx) must be installed on every worker, at the same
paths (the bundled rules are found wherever evx is installed).

`match_partition` is the per-partition function both use; Spark's `rdd.mapPartitions` can
call it as it is (see the README). Needs `pip install 'evx-events[dask]'`.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Iterable

from .run import distributed
from .run.distributed import Rules, RuleSpec, check_labels, label_tuple, match_partition

if TYPE_CHECKING:
    import dask.bag
    import dask.dataframe
    import pandas

__all__ = ["match_bag", "match_frame", "match_partition", "rule_spec", "RuleSpec"]


def rule_spec(rules: Rules, allow_outside_imports: bool = False) -> RuleSpec:
    """What a task carries for `rules` (see the module's docstring): made once, on the client
    or a Spark driver, where the rules are loaded and checked (RuleErrors are raised here)."""
    return distributed.rule_spec(rules, allow_outside_imports)[1]


def _spec(rules: Any, labels: Iterable[str] | None, allow_outside_imports: bool) -> tuple[RuleSpec, tuple | None]:
    loaded, spec = distributed.rule_spec(rules, allow_outside_imports)
    return spec, (check_labels(loaded, labels) if loaded is not None else label_tuple(labels))


def match_bag(bag: "dask.bag.Bag", rules: Rules, *, mentions: bool = False, labels: Iterable[str] | None = None,
              on_error: str = "skip", annotator: str = "evx", allow_outside_imports: bool = False) -> "dask.bag.Bag":
    """A bag of records (dicts as `evx match` writes them), partition by partition of `bag`
    and in its order within each. A document is a dict as evx's JSON Lines holds one (`text`,
    `id`, optional `date`, `meta`, `tokens`) or a plain string; one without an id is named
    `partition-N:M` (its partition and place). `on_error`: see `match_partition`."""
    import dask.bag as db
    from dask import delayed
    spec, labels = _spec(rules, labels, allow_outside_imports)
    run = partial(match_partition, rules=spec, mentions=mentions, labels=labels, on_error=on_error,
                  annotator=annotator)
    parts = [delayed(run, pure=True)(part, name=f"partition-{i}") for i, part in enumerate(bag.to_delayed())]
    return db.from_delayed(parts)


def match_frame(ddf: "dask.dataframe.DataFrame", rules: Rules, *, text_column: str = "text",
                id_column: str | None = "id", date_column: str | None = None, mentions: bool = False,
                labels: Iterable[str] | None = None, on_error: str = "skip", annotator: str = "evx",
                allow_outside_imports: bool = False) -> "dask.bag.Bag":
    """A bag of records from a dataframe with a text column (records are nested, so a bag
    rather than a frame: `.to_dataframe()` of chosen fields makes one). A document's id is
    its `id_column` value (its index with `id_column=None`); `date_column`, if any, is its date."""
    import dask.bag as db
    from dask import delayed
    wanted = [c for c in (text_column, id_column, date_column) if c is not None]
    missing = [c for c in wanted if c not in ddf.columns]
    if missing:
        raise ValueError(f"no column {', '.join(map(repr, missing))} in the dataframe; its columns: "
                         + ", ".join(map(str, ddf.columns)))
    spec, labels = _spec(rules, labels, allow_outside_imports)
    run = partial(_match_rows, rules=spec, text_column=text_column, id_column=id_column, date_column=date_column,
                  mentions=mentions, labels=labels, on_error=on_error, annotator=annotator)
    parts = [delayed(run, pure=True)(part, name=f"partition-{i}") for i, part in enumerate(ddf.to_delayed())]
    return db.from_delayed(parts)


def _match_rows(frame: "pandas.DataFrame", *, rules: RuleSpec, text_column: str, id_column: str | None,
                date_column: str | None, name: str, **options: Any) -> list[dict]:
    """One pandas partition as documents for match_partition: a text that is missing (NaN,
    None) or not a string is a bad document, reported as such."""
    ids = frame.index if id_column is None else frame[id_column]
    dates = frame[date_column] if date_column is not None else [None] * len(frame)
    docs = []
    for text, doc_id, date in zip(frame[text_column], ids, dates):
        doc = {"text": text if isinstance(text, str) else None, "id": _plain(doc_id)}
        if isinstance(date, str):
            doc["date"] = date
        docs.append(doc)
    return match_partition(docs, rules, name=name, **options)


def _plain(value: Any) -> str | None:
    """An id as evx takes one: numpy and pandas scalars as their text, a missing one as None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)
