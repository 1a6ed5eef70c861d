"""Running a rule set over partitions of documents on a Dask cluster (or in Spark executors).

How the rules reach the workers: never pickled. A task carries a `RuleSpec`, a few strings:
the rule paths (absolute, or `evx:...` for the bundled rules, which every install of evx
has) and the fingerprint of every file the client's loader read. Each worker process loads
the rule set from its own copy of the files the first time it meets a spec (from evx's
compile cache when it has one), checks that the files it read are those the client read,
and keeps it for every later partition: one compile per worker process, not per partition.

`match_partition` is the one function a partition goes through, for a Dask bag, a Dask
dataframe or a Spark RDD alike. `run_parts` is the command line's runner: it reads the
inputs in this process, cuts them into partitions of a fixed number of documents (so the
same inputs always make the same partitions), keeps a bounded number of them in flight, and
yields each partition's records once, whatever Dask had to run again after losing a worker.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import threading
import uuid
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence, Union

from ..api import RuleSet, bundled_rules, load_rules
from ..errors import EvxError, InputError, did_you_mean
from ..io.readers import InputDoc, Item, json_document, where
from ..io.output import open_output
from .batch import RUN_GC_THRESHOLD, Options, process_many, windows

if TYPE_CHECKING:
    from distributed import Client

PART_NAME = "part-{:05d}.jsonl"
PART_PATTERN = re.compile(r"part-(\d{5,})\.jsonl")
KEPT_RULE_SETS = 4          # rule sets a worker process keeps loaded
log = logging.getLogger("evx.dask")


@dataclass(frozen=True)
class RuleSpec:
    """What a task carries instead of the rule set: where the rule files are and what they hold."""
    paths: tuple[str, ...]
    allow_outside_imports: bool = False
    fingerprint: str = ""       # of the files the client read; "" when nobody checked


def fingerprint(rules: RuleSet) -> str:
    """A digest of the contents of every file the loader read, in the order it read them
    (their names differ from host to host, their contents must not)."""
    return hashlib.sha256("\n".join(known for _, known in rules.files).encode()).hexdigest()


def portable_path(path: str | os.PathLike) -> str:
    """A rule path every worker reads the same way: `evx:...` inside the bundled rules,
    else absolute (a worker's working folder is not the client's)."""
    text = str(path)
    if text.startswith("evx:"):
        return text
    absolute = Path(text).resolve()
    bundled = Path(str(bundled_rules())).resolve().parent
    if absolute.is_relative_to(bundled):
        return "evx:" + absolute.relative_to(bundled).as_posix()
    return str(absolute)


# what the functions taking rules take: a loaded rule set, a spec, or rule paths
Rules = Union[RuleSet, RuleSpec, str, os.PathLike, Sequence[Union[str, os.PathLike]]]


def rule_spec(rules: Rules, allow_outside_imports: bool = False) -> tuple[RuleSet | None, RuleSpec]:
    """The spec to send for `rules` (rule paths, a loaded RuleSet, or a spec), and the rule
    set it stands for when this process has it. Rule errors are raised here, on the client."""
    if isinstance(rules, RuleSpec):
        return None, rules
    if isinstance(rules, RuleSet):
        if not rules.sources:
            raise ValueError("this RuleSet was not loaded from rule files, so workers cannot load it: "
                             "give the rule paths, or a RuleSet from evx.load_rules")
        loaded, paths = rules, rules.sources
    else:
        paths = (rules,) if isinstance(rules, (str, os.PathLike)) else tuple(rules)
        loaded = load_rules(*paths, allow_outside_imports=allow_outside_imports)
    # a RuleSet made by hand names no files read: its workers' files cannot be checked
    spec = RuleSpec(tuple(portable_path(p) for p in paths), allow_outside_imports,
                    fingerprint(loaded) if loaded.files else "")
    return loaded, spec


_loaded: OrderedDict[RuleSpec, RuleSet] = OrderedDict()
_loading = threading.Lock()     # a worker may run several tasks at once, in threads


def worker_rules(spec: RuleSpec) -> RuleSet:
    """The rule set of `spec`, loaded once in this process and kept for later partitions."""
    with _loading:
        rules = _loaded.get(spec)
        if rules is None:
            rules = load_rules(*spec.paths, allow_outside_imports=spec.allow_outside_imports)
            if spec.fingerprint and fingerprint(rules) != spec.fingerprint:
                raise EvxError(f"the rule files on this worker ({', '.join(spec.paths)}) are not those the client "
                               "loaded", hint="install the same rule files (and version of evx) on every worker")
            _loaded[spec] = rules
            while len(_loaded) > KEPT_RULE_SETS:
                _loaded.popitem(last=False)
        else:
            _loaded.move_to_end(spec)
        return rules


def label_tuple(labels: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """Labels as given (one, several, or None for all) as a tuple, or None."""
    if labels is None:
        return None
    return (labels,) if isinstance(labels, str) else tuple(labels)


def check_labels(rules: RuleSet, labels: Iterable[str] | None) -> tuple[str, ...] | None:
    """The labels as a tuple, or ValueError for one the rule set does not have."""
    labels = label_tuple(labels)
    if labels is None:
        return None
    for label in labels:
        if rules.taxonomy.expand(label) is None:
            hint = did_you_mean(label, rules.taxonomy.names) or "labels: " + ", ".join(rules.taxonomy.names)
            raise ValueError(f"no label '{label}' in these rules; {hint}")
    return labels


# -- one partition ---------------------------------------------------------------------------------

def as_item(doc: Any, name: str, number: int) -> Item:
    """A document as evx's readers make it: a dict as a JSON Lines line holds it (`text`, `id`,
    `date`, `meta`, `tokens`), a string (its id is `name:number`), or an item already."""
    if isinstance(doc, (InputDoc, InputError)):
        return doc
    if isinstance(doc, str):
        return InputDoc(f"{name}:{number}", doc, file=name, line=number)
    return json_document(doc, name, number)


def match_partition(docs: Iterable[Any], rules: Rules, *,
                    mentions: bool = False, labels: Iterable[str] | None = None, on_error: str = "skip",
                    name: str = "partition", annotator: str = "evx") -> list[dict]:
    """The records (dicts as `evx match` writes them) of a partition of documents, in order.

    `rules` is best a RuleSpec made on the client (`rule_spec`); rule paths are loaded once
    per process too, but without checking that they hold what the client's do. A bad
    document is logged as a warning and skipped (`on_error="skip"`) or raised as an
    InputError (`on_error="raise"`); either way no other document is lost by it."""
    if on_error not in ("skip", "raise"):
        raise ValueError(f"on_error must be 'skip' or 'raise', not {on_error!r}")
    if isinstance(rules, RuleSet):
        loaded = rules
    else:
        spec = rules if isinstance(rules, RuleSpec) else RuleSpec(tuple(portable_path(p) for p in (
            (rules,) if isinstance(rules, (str, os.PathLike)) else rules)))
        loaded = worker_rules(spec)
    labels = label_tuple(labels)
    options = Options(loaded.sources, mentions, labels, annotator=annotator)
    records: list[dict] = []
    items = (as_item(doc, name, number) for number, doc in enumerate(docs, 1))
    for window in windows(items, loaded.layers):
        for result in process_many(loaded, window, options):
            if result.error is not None:
                if on_error == "raise":
                    raise result.error
                log.warning("evx: %s", result.error.format())
            records.extend(result.records)
    return records


@dataclass(frozen=True)
class PartResult:
    """What a partition of the command line's run sends back: its records as JSON lines,
    in input order, and its bad documents as the lines `evx match` reports them with."""
    index: int
    lines: tuple[str, ...]
    documents: int
    tokens: int
    errors: tuple[str, ...]


def run_part(index: int, items: list[Item], spec: RuleSpec, options: Options) -> PartResult:
    """One partition on a worker, in the windows `batch.run` uses (their sentences tagged and
    parsed together; a bad document costs only itself). The collector runs seldom meanwhile,
    as in `batch.run` (documents make no cycles)."""
    rules = worker_rules(spec)
    lines: list[str] = []
    errors: list[str] = []
    tokens = 0
    threshold = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        for window in windows(items, rules.layers):
            for result in process_many(rules, window, options):
                tokens += result.tokens
                if result.error is not None:
                    errors.append(result.error.format())
                lines.extend(result.records)
    finally:
        gc.set_threshold(*threshold)
    return PartResult(index, tuple(lines), len(items), tokens, tuple(errors))


def _died(item: Item) -> str:
    if isinstance(item, InputError):
        return item.format()
    return InputError("the worker process died while running it, each time it was tried; document skipped",
                      *where(item)).format()


# -- the command line's run ------------------------------------------------------------------------

CONNECT_TIMEOUT = "10s"     # to reach a scheduler that is not there


def parse_address(address: str) -> int | str:
    """`local:N` as the number of worker processes N, a scheduler's address (`tcp://HOST:PORT`,
    any scheme Dask knows) as it is; ValueError for anything else."""
    if address.startswith("local:"):
        count = address[len("local:"):]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise ValueError(f"'{address}': local:N needs a number of worker processes N from 1 to 256")
        return int(count)
    if re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", address):
        return address
    raise ValueError(f"'{address}' is neither local:N (N worker processes on this machine) nor the "
                     "address of a Dask scheduler such as tcp://HOST:8786")


@contextmanager
def connect(address: str) -> Iterator["Client"]:
    """A client of the scheduler at `address`, or of a cluster of `local:N` worker processes
    of one thread each on this machine (loopback only, no dashboard), closed on the way out."""
    from distributed import Client, LocalCluster
    target = parse_address(address)
    if isinstance(target, int):
        with warnings.catch_warnings():
            # its HTTP port (health checks; no dashboard) taken by another cluster: it takes a free one
            warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
            cluster = LocalCluster(n_workers=target, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        raise EvxError(f"cannot reach the Dask scheduler at {target}: {err}") from None
    with client:
        yield client


def partitions(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive runs of `size` documents (the last may be shorter): the same inputs make the
    same partitions, so part N always holds the same documents."""
    source = iter(items)
    while chunk := list(islice(source, size)):
        yield chunk


def run_parts(client: "Client", spec: RuleSpec, options: Options, parts: Iterable[list[Item]],
              window: int | None = None) -> Iterator[PartResult]:
    """Each partition's result once, as they finish (not in order). At most `window` partitions
    are in flight (twice the workers' threads by default), so the inputs are read as the run
    goes. A partition whose task killed its workers again and again (Dask gives up after a few
    tries) is run again one document at a time: the documents that still kill a worker are
    reported, the others kept."""
    from distributed import KilledWorker, as_completed

    run = uuid.uuid4().hex[:12]
    if window is None:
        window = 2 * max(sum(client.nthreads().values()), 1) + 2
    source = enumerate(parts)
    running = as_completed()
    # key -> (partition, its documents, which one alone or None for all of them)
    tasks: dict[str, tuple[int, list[Item], int | None]] = {}
    alone: dict[int, list[PartResult | None]] = {}     # partition -> the results of its documents so far
    in_flight = 0

    def submit(index: int, items: list[Item], document: int | None = None) -> None:
        key = f"evx-part-{run}-{index}" + ("" if document is None else f"-{document}")
        tasks[key] = (index, items, document)
        work = items if document is None else [items[document]]
        running.add(client.submit(run_part, index, work, spec, options, key=key, pure=False))

    def fill() -> None:
        nonlocal in_flight
        while in_flight < window:
            nxt = next(source, None)
            if nxt is None:
                return
            submit(*nxt)
            in_flight += 1

    fill()
    for future in running:
        index, items, document = tasks.pop(future.key)
        try:
            result = future.result()
        except KilledWorker:
            result = None
        future.release()
        if document is None and result is None:
            alone[index] = [None] * len(items)
            for number in range(len(items)):
                submit(index, items, number)
            continue
        if document is not None:
            slot = alone[index]
            slot[document] = result or PartResult(index, (), 1, 0, (_died(items[document]),))
            if any(s is None for s in slot):
                continue
            del alone[index]
            result = PartResult(index, tuple(line for s in slot for line in s.lines), len(slot),
                                sum(s.tokens for s in slot), tuple(e for s in slot for e in s.errors))
        in_flight -= 1
        yield result
        fill()


def write_part(folder: str, result: PartResult) -> str:
    """Write one partition's part file whole or not at all (a temporary file in the folder,
    renamed into place): a partition Dask ran twice is still one file, written once."""
    path = os.path.join(folder, PART_NAME.format(result.index))
    with open_output(path) as out, out.writing():
        out.stream.writelines(line + "\n" for line in result.lines)
    return path


def remove_stale_parts(folder: str, count: int) -> None:
    """Remove the part files an earlier run with more partitions left in `folder`."""
    for name in os.listdir(folder):
        found = PART_PATTERN.fullmatch(name)
        if found and int(found.group(1)) >= count:
            os.remove(os.path.join(folder, name))
