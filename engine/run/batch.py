"""Running a rule set over many documents, in this process or spread over several.

Results come back in input order and streaming: documents are read, sent to workers and
written in a bounded window, so a corpus ten times larger needs no more memory. One
document that fails becomes an error for that document; when a worker dies, the documents
it may have held are run again one chunk, then one document, at a time, so only the one
that kills a worker is lost, and the run goes on with a fresh pool.
"""
from __future__ import annotations

import gc
import os
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from time import perf_counter
from typing import TYPE_CHECKING, Iterable, Iterator

from ..text.annotate import annotate
from ..text.document import Document
from ..cascade.run import Profile
from ..errors import AnnotatorError, DocumentError, InputError
from ..io.readers import InputDoc, Item, where
from ..io.writers import encode
from ..api import RuleSet, load_rules
from ..syntax.stage import Layers
from . import pool as workers
from .long import is_long, process_long

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

CHUNK = 8           # documents sent to a worker at a time
# ... when the rules need tags or trees: the worker tags and parses a chunk's sentences in one
# call, whose cost per step the sentences share (the parser's levels off near a few hundred
# sentences); more documents a chunk would leave a worker idle longer at the end of a run
SYNTAX_CHUNK = 16
WINDOW = 4          # chunks in flight per worker
COLLECT_EVERY = 256     # documents between full garbage collections (see run)
RUN_GC_THRESHOLD = (50_000, 20, 100)    # the collector's thresholds while documents are run (see run)
# Documents whose sentences are tagged and parsed in one call, at most (see windows): the
# parser's cost per step is shared by all the sentences of a call, and levels off near a
# few hundred of them; a window of news is some 2,000 sentences.
WINDOW_DOCUMENTS = 64
WINDOW_CHARACTERS = 300_000


@dataclass(frozen=True)
class Options:
    rule_paths: tuple[str, ...]
    mentions: bool = False
    labels: tuple[str, ...] | None = None
    allow_outside_imports: bool = False
    profile: bool = False
    encode: bool = False    # return records as JSON text: workers do the encoding, not the writer
    keep_document: bool = False     # return the annotated Document too (for writers that need it)
    annotator: str = "evx"          # or "spacy:PIPELINE", for documents without their own tokens

    def __post_init__(self) -> None:
        from ..io.spacy import pipeline_name
        pipeline_name(self.annotator)   # ValueError now for a malformed name, not at each document


@dataclass
class Result:
    doc: str
    records: list          # dicts, or JSON strings with Options.encode
    tokens: int = 0
    sentences: int = 0
    error: InputError | None = None
    annotate_seconds: float = 0.0
    profile: Profile | None = None
    document: Document | None = None    # with Options.keep_document
    syntax_seconds: float = 0.0         # tagging and parsing, when the rules need them


def annotate_document(text: str, doc_id: str = "", date: str | None = None, meta: dict | None = None,
                      tokens: list | None = None, annotator: str = "evx") -> Document:
    """A document annotated by `annotator`: evx's own, or `spacy:PIPELINE`. Tokens given with the
    document are kept whatever the annotator; AnnotatorError when the pipeline fails on it."""
    if annotator == "evx" or tokens is not None:
        return annotate(text, doc_id, date, meta, tokens)
    from ..io.spacy import annotate_with_pipeline, pipeline_name
    return annotate_with_pipeline(pipeline_name(annotator), text, doc_id, date, meta)


def load_annotator(annotator: str) -> None:
    """Load the spaCy pipeline `annotator` names, if any, now rather than at the first document
    (ValueError for a malformed name, AnnotatorError for a missing spaCy or pipeline)."""
    from ..io.spacy import pipeline, pipeline_name
    name = pipeline_name(annotator)
    if name is not None:
        pipeline(name)


def process(rules: RuleSet, item: Item, options: Options) -> Result:
    """Annotate and match one document; whatever goes wrong stays with this document."""
    return process_many(rules, [item], options)[0]


def process_many(rules: RuleSet, items: list[Item], options: Options) -> list[Result]:
    """A Result for each of `items`, in order, as `process` gives it, with the sentences of
    all of them tagged and parsed together (see windows). Should that fail, each document is
    prepared on its own, so that a bad one costs only itself. A document's syntax time is its
    share, by tokens, of the time of the call it was in."""
    results: list[Result | None] = []
    annotated: list[tuple[int, Item, Document, float]] = []     # (place in results, item, doc, seconds)
    for item in items:
        if isinstance(item, InputError):
            results.append(Result(item.file, [], error=item))
            continue
        if is_long(item, options):      # annotated and matched a piece at a time, alone
            results.append(process_long(rules, item, options))
            continue
        began = perf_counter()
        try:
            doc = annotate_document(item.text, item.id, item.date, item.meta, item.tokens, options.annotator)
        except (AnnotatorError, DocumentError, ValueError) as err:
            results.append(_failed(item, err))
            continue
        annotated.append((len(results), item, doc, perf_counter() - began))
        results.append(None)
    docs = [doc for _, _, doc, _ in annotated]
    wanted = [rules.event_sentences(doc, options.labels) for doc in docs] if filters_sentences(rules, options) else None
    prepared_docs = _prepared(rules, docs, wanted)
    for k, ((at, item, _, annotate_seconds), prepared) in enumerate(zip(annotated, prepared_docs)):
        if isinstance(prepared, Exception):
            results[at] = _failed(item, prepared)
        else:
            doc, syntax_seconds = prepared
            results[at] = _matched(rules, item, doc, options, annotate_seconds, syntax_seconds,
                                   wanted[k] if wanted is not None else None)
    return results


def filters_sentences(rules: RuleSet, options: Options) -> bool:
    """Whether only the sentences that can hold an event are tagged, parsed and matched (see
    cascade/relevance.py): in a run that writes event records alone, with rules that need
    tags or trees. Asking costs a look at each sentence's words, which sparing the tagger and
    parser repays many times; without them the rule index passes over a sentence about as
    cheaply."""
    return not options.mentions and not options.keep_document and rules.layers.any


def _prepared(rules: RuleSet, docs: list[Document], wanted: list[frozenset[int]] | None = None
              ) -> list[tuple[Document, float] | Exception]:
    """Each document prepared with its syntax seconds (in its `wanted` sentences, if given), or
    the error that preparing it raised."""
    if not docs:
        return []
    began = perf_counter()
    try:
        prepared = rules.prepare_many(docs, wanted)
    except (AnnotatorError, DocumentError, ValueError) as err:
        if len(docs) == 1:
            return [err]
        return [one for k, doc in enumerate(docs)
                for one in _prepared(rules, [doc], None if wanted is None else [wanted[k]])]
    seconds = perf_counter() - began
    tokens = sum(doc.token_count for doc in prepared)
    return [(doc, seconds * doc.token_count / tokens if tokens else seconds / len(docs)) for doc in prepared]


def _failed(item: Item, err: Exception) -> Result:
    """The Result of a document that could not be annotated or prepared."""
    if isinstance(err, AnnotatorError):
        return error_result(item, err.message)
    if isinstance(err, DocumentError):
        return error_result(item, f"bad tokens: {err.message}")
    return error_result(item, f"bad tokens: {err}")


def error_result(item: Item, message: str) -> Result:
    """The Result of a document that failed, with its file and line."""
    return Result(item.id, [], error=InputError(message, *where(item)))


def matching_failed(item: Item, err: Exception) -> Result:
    """The Result of a document whose matching raised `err`: too deep a nesting, or a bug."""
    if isinstance(err, RecursionError):
        return error_result(item, "the document is too deeply nested to match")
    return error_result(item, f"internal error: {type(err).__name__}: {err}")


def _matched(rules: RuleSet, item: Item, doc: Document, options: Options, annotate_seconds: float,
             syntax_seconds: float, sentences: frozenset[int] | None = None) -> Result:
    """The records of a prepared document (matched in `sentences`, if given); a bug in
    matching costs this document only."""
    profile = Profile() if options.profile else None
    try:
        records = rules.records(doc, rules.matches(doc, profile, sentences), options.mentions, options.labels)
        dicts = [r.to_dict() for r in records]
        if options.encode:
            dicts = [encode(d) for d in dicts]
    except Exception as err:  # noqa: BLE001 - a bug must cost one document, not the run
        return matching_failed(item, err)
    return Result(doc.id, dicts, doc.token_count, len(doc.sentences), None, annotate_seconds, profile,
                  doc if options.keep_document else None, syntax_seconds)


def windows(items: Iterable[Item], layers: Layers) -> Iterator[list[Item]]:
    """`items` in runs whose sentences are tagged and parsed together: up to WINDOW_DOCUMENTS
    documents or WINDOW_CHARACTERS of text; one document at a time if `layers` (what the rules
    need) is neither tags nor trees: nothing to share, and each result as soon as it is made."""
    if not layers.any:
        for item in items:
            yield [item]
        return
    window: list[Item] = []
    size = 0
    for item in items:
        window.append(item)
        size += len(item.text) if isinstance(item, InputDoc) else 0
        if len(window) >= WINDOW_DOCUMENTS or size >= WINDOW_CHARACTERS:
            yield window
            window, size = [], 0
    if window:
        yield window


_worker: tuple[RuleSet, Options] | None = None


def _init_worker(options: Options, parent: int) -> None:
    """A forked worker inherits the parent's compiled rules; a spawned one compiles its own.
    Either ends when its parent does."""
    global _worker
    workers.start_worker(parent)
    if _worker is None or _worker[1] != options:
        _worker = (load_rules(*options.rule_paths, allow_outside_imports=options.allow_outside_imports), options)


_done_in_worker = 0


def _work(chunk: list[Item]) -> list[Result]:
    global _done_in_worker
    rules, options = _worker
    results = [result for window in windows(chunk, rules.layers)
               for result in process_many(rules, window, options)]
    _done_in_worker = _collect_now_and_then(_done_in_worker, len(chunk))
    return results


def _collect_now_and_then(done: int, more: int) -> int:
    """Documents done after `more` others; a full collection each time that passes a
    multiple of COLLECT_EVERY (see run)."""
    if done // COLLECT_EVERY != (done + more) // COLLECT_EVERY:
        gc.collect()
    return done + more


def _crashed(chunk: list[Item], why: str) -> list[Result]:
    out = []
    for item in chunk:
        if isinstance(item, InputError):
            out.append(Result(item.file, [], error=item))
        else:
            out.append(Result(item.id, [], error=InputError(f"the worker process died ({why}); document skipped",
                                                            *where(item))))
    return out


def run(rules: RuleSet, items: Iterable[Item], options: Options, jobs: int = 1) -> Iterator[Result]:
    """Results in input order; with jobs > 1 the documents go to worker processes."""
    # The rules and tables loaded so far live as long as the run: out of the collector's
    # sight, they are not scanned again at every full collection (a thousand rules are some
    # 70,000 objects), and forked workers do not copy the pages a scan would touch.
    gc.freeze()
    # Each document is thousands of new objects that hardly ever form a cycle: the collector,
    # run every 700 allocations, would scan each of them several times for nothing (5% of
    # the time with the benchmark rules). It runs seldom while the run lasts, and in full
    # every COLLECT_EVERY documents, which also empties the interpreter's free lists: left
    # alone they grow by some 3 MB over a long run.
    threshold = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        if jobs <= 1:
            done = 0
            for window in windows(items, rules.layers):
                yield from process_many(rules, window, options)
                done = _collect_now_and_then(done, len(window))
            return
        yield from _parallel(rules, items, options, jobs)
    finally:
        gc.set_threshold(*threshold)


def _parallel(rules: RuleSet, items: Iterable[Item], options: Options, jobs: int) -> Iterator[Result]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _worker
    _worker = (rules, options)
    # Load once, before the workers fork, what each would otherwise load for itself: the
    # lemmatizer's tables, the tagger and parser when the rules read tags or trees (some
    # 200 MB and 0.6 s), and the spaCy pipeline, if one annotates. Forked workers share these
    # pages; spawned ones load their own.
    rules.prepare(annotate("Warm up."))
    load_annotator(options.annotator)
    gc.freeze()     # what was just loaded stays out of the collector's sight, as in run
    chunks = _chunks(items, SYNTAX_CHUNK if rules.layers.any else CHUNK)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")

    def new_pool(size: int = jobs) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(size, mp_context=context, initializer=_init_worker,
                                   initargs=(options, os.getpid()))

    pool = new_pool()
    pending: deque[tuple[list[Item], Future | None]] = deque()

    def submit(chunk: list[Item]) -> Future | None:
        try:
            return pool.submit(_work, chunk)
        except BrokenProcessPool:   # a worker died since the last chunk was sent
            return None
    finished = False
    read_all = False
    try:
        while True:
            while not read_all and len(pending) < jobs * WINDOW:
                chunk = next(chunks, None)
                if chunk is None:
                    read_all = True
                    _split_waiting(pending, submit)
                    break
                pending.append((chunk, submit(chunk)))
            if not pending:
                finished = True
                return
            chunk, future = pending.popleft()
            try:
                if future is None:
                    raise BrokenProcessPool("the pool broke before this chunk was sent")
                results = future.result()
            except BrokenProcessPool:
                # the pool took every chunk in it down, and which one killed it is unknown:
                # run them again one by one, then carry on with a fresh pool
                pool.shutdown(wait=False, cancel_futures=True)
                for suspect in [chunk] + [c for c, _ in pending]:
                    yield from _alone(suspect, new_pool)
                pending.clear()
                pool = new_pool()
                continue
            except Exception as err:  # noqa: BLE001 - e.g. a result that cannot be sent back
                yield from _crashed(chunk, f"{type(err).__name__}: {err}")
                continue
            yield from results
    finally:
        if finished:
            pool.shutdown(wait=True, cancel_futures=True)
        else:   # interrupted, terminated or closed early: the workers' work is of no use
            workers.stop_pool(pool)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    source = iter(items)
    while chunk := list(islice(source, size)):
        yield chunk


def _split_waiting(pending: deque, submit) -> None:
    """At the end of the input: the chunks no worker has taken yet, sent again in pieces a
    quarter their size, so that the workers finish together instead of one waiting while
    another runs the last full chunk. `pending` keeps its order."""
    kept = list(pending)
    pending.clear()
    for chunk, future in kept:
        if future is None or len(chunk) < 2 or not future.cancel():
            pending.append((chunk, future))
            continue
        step = max(1, len(chunk) // 4)
        for at in range(0, len(chunk), step):
            piece = chunk[at:at + step]
            pending.append((piece, submit(piece)))


def _alone(chunk: list[Item], new_pool) -> Iterator[Result]:
    """Run a chunk in a pool of its own; if the pool dies, split the chunk down to the one
    document that kills it, which alone is reported."""
    from concurrent.futures.process import BrokenProcessPool
    pool = new_pool(1)
    try:
        results = pool.submit(_work, chunk).result()
    except BrokenProcessPool:
        results = None
    except BaseException:
        workers.stop_pool(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
    if results is not None:
        yield from results
    elif len(chunk) == 1:
        yield from _crashed(chunk, "killed or crashed")
    else:
        for item in chunk:
            yield from _alone([item], new_pool)


@dataclass
class Totals:
    """What a run went through, for `evx bench` and the progress line."""
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    records: int = 0
    errors: int = 0
    annotate_seconds: float = 0.0
    syntax_seconds: float = 0.0
    write_seconds: float = 0.0
    profile: Profile = field(default_factory=Profile)

    def add(self, result: Result) -> None:
        self.documents += 1
        self.sentences += result.sentences
        self.tokens += result.tokens
        self.records += len(result.records)
        self.errors += result.error is not None
        self.annotate_seconds += result.annotate_seconds
        self.syntax_seconds += result.syntax_seconds
        if result.profile is not None:
            self.profile.merge(result.profile)
