"""`evx bench`: the figures of a run, how they are printed, and the linguistic layer's own speed."""
from __future__ import annotations

import gc
import resource
from time import perf_counter
from typing import TYPE_CHECKING, Iterable

from ..io.readers import InputDoc, Item
from ..syntax.stage import Layers, add_syntax, add_syntax_many
from ..text.annotate import annotate

if TYPE_CHECKING:
    from ..api import RuleSet
    from ..run.batch import Totals

TAGS = Layers(tags=True)
TREES = Layers(tags=True, tree=True)


def _layer_name(layers: Layers) -> str:
    return "tags and trees" if layers.tree else "tags" if layers.tags else "none"


def bench_figures(totals: "Totals", compile_seconds: float, run_seconds: float, jobs: int, rules: "RuleSet") -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    per = max(run_seconds, 1e-9)
    return {
        "rules": len(rules.rules), "jobs": jobs, "syntax": _layer_name(rules.layers),
        "documents": totals.documents, "sentences": totals.sentences, "tokens": totals.tokens,
        "records": totals.records, "errors": totals.errors,
        "seconds": {"compile": round(compile_seconds, 4), "run": round(run_seconds, 4),
                    "annotate": round(totals.annotate_seconds, 4),
                    "syntax": round(totals.syntax_seconds, 4),
                    "match": {str(k): round(v, 4) for k, v in sorted(totals.profile.steps.items())},
                    "write": round(totals.write_seconds, 4)},
        "per_second": {"documents": round(totals.documents / per, 1), "sentences": round(totals.sentences / per, 1),
                       "tokens": round(totals.tokens / per, 1)},
        "rules_seconds": dict(sorted(((k, round(v, 5)) for k, v in totals.profile.rules.items()),
                                     key=lambda kv: -kv[1])),
        "peak_memory_mb": {"main": round(usage / 1024, 1), "workers": round(children / 1024, 1)},
    }


def syntax_speed(items: Iterable[Item]) -> dict:
    """Tokens per second of the embedded tagger alone and of tagger and parser, over the
    documents of `items` (annotated first, untimed), in this process, models loaded beforehand:
    in the windows of documents a run tags and parses together, and one document at a time."""
    from ..run.batch import windows
    docs = []
    for window in windows((item for item in items if isinstance(item, InputDoc)), TREES):
        # input errors are reported by the run itself
        docs.append([annotate(item.text, item.id, item.date, item.meta) for item in window])
    tokens = sum(doc.token_count for window in docs for doc in window)
    add_syntax(annotate("The models load before the clock starts."), TREES)
    figures = {"tokens": tokens, "windows": len(docs)}
    runs = {"": docs, "_one_by_one": [[doc] for window in docs for doc in window]}
    # A run keeps the collector nearly idle (see run.batch.run); left on here, it would scan
    # the documents over and over, more often the more tokens a call makes at once.
    gc.collect()
    gc.disable()
    try:
        for name, layers in (("tagging", TAGS), ("tagging_and_parsing", TREES)):
            for how, batches in runs.items():
                began = perf_counter()
                for batch in batches:
                    add_syntax_many(batch, layers)
                seconds = perf_counter() - began
                figures[name + how] = {"seconds": round(seconds, 4),
                                       "tokens_per_second": round(tokens / max(seconds, 1e-9), 1)}
    finally:
        gc.enable()
    return figures


def render_bench(f: dict, top: int) -> str:
    s, ps = f["seconds"], f["per_second"]
    cpu = "summed over the workers' CPU time" if f["jobs"] > 1 else "in this process"
    lines = [
        f"{f['documents']:,} documents, {f['sentences']:,} sentences, {f['tokens']:,} tokens, "
        f"{f['records']:,} records, {f['errors']} errors; {f['rules']} rules, {f['jobs']} job(s)",
        f"throughput: {ps['tokens']:,.0f} tokens/s, {ps['sentences']:,.0f} sentences/s, "
        f"{ps['documents']:,.1f} documents/s",
        f"time: compile {s['compile']:.3f} s, run {s['run']:.3f} s",
        f"stages ({cpu}): annotate {s['annotate']:.3f} s, syntax {s['syntax']:.3f} s ({f['syntax']}), "
        + ", ".join(f"match priority {k} {v:.3f} s" for k, v in s["match"].items())
        + f", write {s['write']:.3f} s",
        f"peak memory: {f['peak_memory_mb']['main']:.1f} MB"
        + (f" (workers {f['peak_memory_mb']['workers']:.1f} MB each at most)" if f["jobs"] > 1 else ""),
    ]
    speed = f.get("syntax_speed")
    if speed:
        lines.append(f"embedded models on {speed['tokens']:,} tokens, one process, in {speed['windows']:,} windows "
                     f"(one document at a time): "
                     f"tagging {speed['tagging']['tokens_per_second']:,.0f} "
                     f"({speed['tagging_one_by_one']['tokens_per_second']:,.0f}) tokens/s, "
                     f"tagging and parsing {speed['tagging_and_parsing']['tokens_per_second']:,.0f} "
                     f"({speed['tagging_and_parsing_one_by_one']['tokens_per_second']:,.0f}) tokens/s")
    if top and f["rules_seconds"]:
        lines.append("slowest rules:")
        for name, seconds in list(f["rules_seconds"].items())[:top]:
            lines.append(f"  {seconds:9.4f} s  {name}")
    return "\n".join(lines) + "\n"
