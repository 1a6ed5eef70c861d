"""The `evx` command line.

Exit codes: 0 all went well; 1 errors were found (in rules, inputs or examples); 2 the
command was used wrongly (click's own usage errors); 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

import click

from ..run import batch
from ..text.annotate import annotate
from ..errors import EvxError, did_you_mean
from ..io.readers import count_documents, read_inputs
from ..io.writers import FORMATS, Writer, atomic_output
from .progress import Progress
from ..api import RuleSet, bundled_rules, load_rules

OK, FOUND_ERRORS, USAGE, INTERRUPTED = 0, 1, 2, 130


def _load(paths: tuple[str, ...], allow_outside: bool = False) -> RuleSet:
    try:
        return load_rules(*(paths or (bundled_rules(),)), allow_outside_imports=allow_outside)
    except EvxError as err:
        click.echo(err.format(), err=True)
        sys.exit(FOUND_ERRORS)


_rules_option = click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(),
                             help="Rule file or folder (repeatable). Default: the bundled news rules.")
_outside_option = click.option("--allow-outside-imports", is_flag=True,
                               help="Let rule files import or read files outside their folder.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="evx-events", prog_name="evx")
def main() -> None:
    """Rule-based event extraction: run, check and test rule files."""


@main.command()
@_rules_option
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--mentions", is_flag=True, help="Also emit plain mentions and relations.")
@click.option("--label", "labels", multiple=True, help="Only records of this label or labels under it (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes.")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="Bad input documents are always reported and skipped; 'fail' also makes the exit code 1.")
@_outside_option
def match(rule_paths, inputs, output, fmt, mentions, labels, jobs, on_error, allow_outside_imports) -> None:
    """Run rules over INPUTS (.txt, .jsonl, folders; '-' or nothing: stdin) and write records."""
    rules = _load(rule_paths, allow_outside_imports)
    for label in labels:
        if rules.taxonomy.expand(label) is None:
            hint = did_you_mean(label, rules.taxonomy.names) or "labels: " + ", ".join(rules.taxonomy.names)
            raise click.BadParameter(f"no label '{label}' in these rules; {hint}", param_hint="--label")
    if output is not None and output != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise click.BadParameter(f"the folder of '{output}' does not exist", param_hint="-o")
    options = batch.Options(tuple(str(p) for p in (rule_paths or (bundled_rules(),))), mentions,
                            tuple(labels) or None, allow_outside_imports, encode=fmt in ("jsonl", "json"))
    errors = 0
    progress = Progress()
    if progress.enabled:
        progress.total = count_documents(list(inputs))
    try:
        with atomic_output(output) as out:
            writer = Writer(out, fmt)
            for result in batch.run(rules, read_inputs(inputs), options, jobs):
                progress.update(1, result.tokens)
                if result.error is not None:
                    errors += 1
                    _report(progress, f"evx: {result.error.format()}")
                    continue
                for record in result.records:
                    writer.write(record)
            writer.close()
    except KeyboardInterrupt:
        progress.close()
        click.echo("evx: interrupted; no output file was written" if output else "evx: interrupted", err=True)
        sys.exit(INTERRUPTED)
    progress.close()
    if errors:
        click.echo(f"evx: {errors} input error(s)", err=True)
    sys.exit(FOUND_ERRORS if errors and on_error == "fail" else OK)


def _report(progress: Progress, message: str) -> None:
    """An error line that does not get mixed into the progress line."""
    if progress.enabled:
        progress.stream.write("\r\x1b[K")
    click.echo(message, err=True)


@main.command()
@click.argument("rule_paths", nargs=-1, required=True, type=click.Path())
@_outside_option
def check(rule_paths, allow_outside_imports) -> None:
    """Compile RULES and report every error; exit 1 on any."""
    rules = _load(rule_paths, allow_outside_imports)
    for warning in rules.warnings:
        click.echo(warning.format(), err=True)
    n_examples = sum(len(r.examples) for r in rules.rules)
    click.echo(f"ok: {len(rules.rules)} rules, {len(rules.taxonomy.names)} labels, {n_examples} examples")


@main.command()
@click.argument("rule_paths", nargs=-1, required=True, type=click.Path())
@click.option("--rule", "only", help="Only this rule's examples.")
@_outside_option
def test(rule_paths, only, allow_outside_imports) -> None:
    """Run the rules' examples; report each failure with expected against found."""
    rules = _load(rule_paths, allow_outside_imports)
    if only is not None and rules.rule(only) is None:
        raise click.BadParameter(f"no rule named '{only}'", param_hint="--rule")
    passed = failed = 0
    from .examples import describe_expected, describe_record, run_examples
    for outcome in run_examples(rules, only):
        if outcome.passed:
            passed += 1
            continue
        failed += 1
        where = f"{outcome.example.location}: " if outcome.example.location else ""
        click.echo(f"{where}FAIL rule '{outcome.rule.name}', example {outcome.number}: {outcome.example.text!r}")
        for expected in outcome.missing:
            click.echo(f"    expected: {describe_expected(expected)}")
        for record in outcome.unexpected:
            click.echo(f"    unexpected: {describe_record(record)}")
        if outcome.missing:
            click.echo("    found:    " + ("; ".join(describe_record(r) for r in outcome.found) or "nothing"))
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(FOUND_ERRORS if failed else OK)


@main.command()
@click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(), help="Rule file or folder (repeatable).")
@click.option("--rule", "only", help="Explain only this rule.")
@click.argument("text", required=False)
@_outside_option
def explain(rule_paths, only, text, allow_outside_imports) -> None:
    """Show TEXT's tokens and, for each rule, where it matched and where and why it stopped.

    TEXT defaults to standard input.
    """
    rules = _load(rule_paths, allow_outside_imports)
    if only is not None and rules.rule(only) is None:
        hint = did_you_mean(only, [r.name for r in rules.rules])
        raise click.BadParameter(f"no rule named '{only}'" + (f"; {hint}" if hint else ""), param_hint="--rule")
    if text is None:
        text = click.get_text_stream("stdin").read()
    from . import explain as explain_mod
    doc, runs, found = explain_mod.explain(rules, text, only)
    click.echo(explain_mod.render(doc, runs, found, rules), nl=False)


@main.command("eval")
@_rules_option
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--show", type=click.Choice(["fp", "fn", "all"]), help="Also list false positives and/or misses.")
@click.option("--type", "types", multiple=True, help="Score only this event type (repeatable).")
@_outside_option
def eval_command(rule_paths, gold, as_json, show, types, allow_outside_imports) -> None:
    """Precision, recall and F1 of the rules' events against GOLD (JSON Lines), per type and for arguments."""
    rules = _load(rule_paths, allow_outside_imports)
    from . import evaluate
    scores = evaluate.Scores()
    try:
        with open(gold, encoding="utf-8") as handle:
            for doc in evaluate.read_gold(handle, gold):
                annotated = annotate(doc["text"], str(doc["id"]), doc.get("date"))
                predicted = [r.to_dict() for r in rules.extract(annotated)]
                gold_events = doc.get("events", [])
                if types:
                    predicted = [p for p in predicted if p["type"] in types]
                    gold_events = [g for g in gold_events if g["type"] in types]
                evaluate.score_document(scores, str(doc["id"]), doc["text"], gold_events, predicted)
    except (ValueError, UnicodeDecodeError) as err:
        click.echo(f"evx: {err}", err=True)
        sys.exit(FOUND_ERRORS)
    if show:
        for m in scores.mistakes:
            if show == "all" or m.kind == show:
                click.echo(f"{m.kind.upper()} {m.type:<8} {m.doc}  {m.context}")
        click.echo()
    if as_json:
        click.echo(json.dumps(scores.to_dict(), indent=2))
    else:
        click.echo(evaluate.render(scores), nl=False)


@main.command()
@click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(),
              help="Rule file or folder (repeatable). Default: the bundled news rules.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True, help="Worker processes.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--top", type=click.IntRange(0), default=10, show_default=True, help="Slowest rules to list.")
@_outside_option
def bench(rule_paths, corpus, jobs, as_json, top, allow_outside_imports) -> None:
    """Throughput on CORPUS: documents, sentences and tokens per second, time per stage and per
    rule, peak memory."""
    began = time.perf_counter()
    rules = _load(rule_paths, allow_outside_imports)
    compiled = time.perf_counter()
    options = batch.Options(tuple(str(p) for p in (rule_paths or (bundled_rules(),))), profile=True,
                            allow_outside_imports=allow_outside_imports)
    totals = batch.Totals()
    progress = Progress(count_documents(list(corpus)) if Progress().enabled else None)
    for result in batch.run(rules, read_inputs(corpus), options, jobs):
        totals.add(result)
        progress.update(1, result.tokens)
        start_write = time.perf_counter()
        for record in result.records:
            json.dumps(record, ensure_ascii=False)
        totals.write_seconds += time.perf_counter() - start_write
    progress.close()
    figures = bench_figures(totals, compiled - began, time.perf_counter() - compiled, jobs, len(rules.rules))
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        click.echo(render_bench(figures, top), nl=False)


def bench_figures(totals: batch.Totals, compile_seconds: float, run_seconds: float, jobs: int, n_rules: int) -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    per = max(run_seconds, 1e-9)
    return {
        "rules": n_rules, "jobs": jobs,
        "documents": totals.documents, "sentences": totals.sentences, "tokens": totals.tokens,
        "records": totals.records, "errors": totals.errors,
        "seconds": {"compile": round(compile_seconds, 4), "run": round(run_seconds, 4),
                    "annotate": round(totals.annotate_seconds, 4),
                    "match": {str(k): round(v, 4) for k, v in sorted(totals.profile.steps.items())},
                    "write": round(totals.write_seconds, 4)},
        "per_second": {"documents": round(totals.documents / per, 1), "sentences": round(totals.sentences / per, 1),
                       "tokens": round(totals.tokens / per, 1)},
        "rules_seconds": dict(sorted(((k, round(v, 5)) for k, v in totals.profile.rules.items()),
                                     key=lambda kv: -kv[1])),
        "peak_memory_mb": {"main": round(usage / 1024, 1), "workers": round(children / 1024, 1)},
    }


def render_bench(f: dict, top: int) -> str:
    s, ps = f["seconds"], f["per_second"]
    cpu = "summed over the workers' CPU time" if f["jobs"] > 1 else "in this process"
    lines = [
        f"{f['documents']:,} documents, {f['sentences']:,} sentences, {f['tokens']:,} tokens, "
        f"{f['records']:,} records, {f['errors']} errors; {f['rules']} rules, {f['jobs']} job(s)",
        f"throughput: {ps['tokens']:,.0f} tokens/s, {ps['sentences']:,.0f} sentences/s, "
        f"{ps['documents']:,.1f} documents/s",
        f"time: compile {s['compile']:.3f} s, run {s['run']:.3f} s",
        f"stages ({cpu}): annotate {s['annotate']:.3f} s, "
        + ", ".join(f"match priority {k} {v:.3f} s" for k, v in s["match"].items())
        + f", write {s['write']:.3f} s",
        f"peak memory: {f['peak_memory_mb']['main']:.1f} MB"
        + (f" (workers {f['peak_memory_mb']['workers']:.1f} MB each at most)" if f["jobs"] > 1 else ""),
    ]
    if top and f["rules_seconds"]:
        lines.append("slowest rules:")
        for name, seconds in list(f["rules_seconds"].items())[:top]:
            lines.append(f"  {seconds:9.4f} s  {name}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    main()
