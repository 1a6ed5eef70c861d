"""The `evx` command line.

Exit codes: 0 all went well; 1 errors were found (in rules, inputs or examples); 2 the
command was used wrongly (click's own usage errors) or the output cannot be written (a
full disk); 130 interrupted (Ctrl-C); 141 standard output closed by its reader (`| head`),
quietly; 143 terminated (SIGTERM).

The commands import the engine when they run, not when this module loads, so that a
Ctrl-C while evx starts ends it with one line instead of a traceback from some import.
"""
from __future__ import annotations

import signal
import sys

OK, FOUND_ERRORS, USAGE, INTERRUPTED, CLOSED_PIPE, TERMINATED = 0, 1, 2, 130, 141, 143
CANNOT_WRITE = USAGE
PARTITION_SIZE = 100    # documents per partition of a run on Dask: some seconds of work for news articles


def _quit_while_starting(signum, frame) -> None:
    sys.stderr.write("evx: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(INTERRUPTED)


def _hold_ctrl_c():
    """While this module's imports load, a Ctrl-C ends the command quietly."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            return signal.signal(signal.SIGINT, _quit_while_starting)
    except ValueError:      # not the main thread: signals are not ours to handle
        pass
    return None


_held = _hold_ctrl_c()

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import stat  # noqa: E402
import time  # noqa: E402
from typing import TYPE_CHECKING, Iterable  # noqa: E402

import click  # noqa: E402

from ..errors import ClosedPipe, EvxError, InputError, OutputError, did_you_mean  # noqa: E402
from ..io.writers import WRITERS  # noqa: E402
from ..io.writers.annotation import DOCUMENT_WRITERS  # noqa: E402

if TYPE_CHECKING:
    from ..api import RuleSet
    from .progress import Progress

if _held is not None:
    signal.signal(signal.SIGINT, _held)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every `finally` runs: the temporary output
    file is removed and the workers are stopped. Not an Exception, so that no handler of
    errors takes it for one."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


class _Commands(click.Group):
    """The command group: Ctrl-C and SIGTERM end any command with one line and their exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            previous = signal.signal(signal.SIGTERM, _raise_terminated)
        except ValueError:          # not the main thread (an embedding program's worker)
            previous = None
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("evx: interrupted", err=True)
            ctx.exit(INTERRUPTED)
        except Terminated:
            click.echo("evx: terminated", err=True)
            ctx.exit(TERMINATED)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def load_rules(*paths, allow_outside_imports: bool = False) -> "RuleSet":
    """`evx.load_rules`, imported when a command first needs it."""
    from .. import api
    return api.load_rules(*paths, allow_outside_imports=allow_outside_imports)


def _load(paths: tuple[str, ...], allow_outside: bool = False) -> "RuleSet":
    try:
        return load_rules(*_rule_paths(paths), allow_outside_imports=allow_outside)
    except EvxError as err:
        click.echo(err.format(), err=True)
        sys.exit(FOUND_ERRORS)


def _rule_paths(paths: tuple[str, ...]) -> tuple[str, ...]:
    from ..api import bundled_rules
    return tuple(str(p) for p in (paths or (bundled_rules(),)))


_rules_option = click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(),
                             help="Rule file or folder (repeatable). Default: the bundled news rules.")
_outside_option = click.option("--allow-outside-imports", is_flag=True,
                               help="Let rule files import or read files outside their folder.")


def _check_annotator(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value != "evx":
        from ..io.spacy import pipeline_name
        try:
            pipeline_name(value)
        except ValueError as err:
            raise click.BadParameter(str(err)) from None
    return value


def _check_dask(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        from ..run.distributed import parse_address
        try:
            parse_address(value)
        except ValueError as err:
            raise click.BadParameter(str(err)) from None
    return value


_annotator_option = click.option(
    "--annotator", default="evx", show_default=True, metavar="evx|spacy:PIPELINE", callback=_check_annotator,
    help="What tokenizes and annotates texts: evx's own annotator, or a spaCy pipeline (an installed "
         "package or the folder of one saved with nlp.to_disk; pip install 'evx-events[spacy]'). "
         "Documents that come with their own tokens keep them.")


def _load_annotator(annotator: str) -> None:
    """The annotator's spaCy pipeline, loaded before any input is read: a missing spaCy or
    pipeline ends the command with one line."""
    if annotator == "evx":
        return
    from ..errors import AnnotatorError
    from ..run.batch import load_annotator
    try:
        load_annotator(annotator)
    except AnnotatorError as err:
        click.echo(f"evx: {err.message}", err=True)
        sys.exit(USAGE)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="evx-events", prog_name="evx")
def main() -> None:
    """Rule-based event extraction: run, check and test rule files."""


# -- evx match ----------------------------------------------------------------------------------

_FORMAT_HELP = "; ".join(f"{name}: {cls.summary}" for name, cls in WRITERS.items())


@main.command()
@_rules_option
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(),
              help="Write here (atomically) instead of stdout; never one of the inputs. "
                   "For --format brat, the folder to write.")
@click.option("--format", "fmt", type=click.Choice(list(WRITERS)), default="jsonl", show_default=True,
              help=_FORMAT_HELP + ".")
@click.option("--mentions", is_flag=True, help="Also emit plain mentions and relations.")
@click.option("--label", "labels", multiple=True, help="Only records of this label or labels under it (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes.")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="Bad input documents are always reported and skipped; 'fail' also makes the exit code 1.")
@_annotator_option
@_outside_option
@click.option("--dask", "dask_address", metavar="local:N|tcp://HOST:PORT", callback=_check_dask,
              help="Run on Dask: a cluster of N worker processes on this machine, or the scheduler at this "
                   "address. Writes one JSON Lines part file per partition into -o FOLDER "
                   "(pip install 'evx-events[dask]').")
@click.option("--partition-size", type=click.IntRange(1), default=None, metavar="N",
              help=f"With --dask: documents per partition, and so per part file.  [default: {PARTITION_SIZE}]")
def match(rule_paths, inputs, output, fmt, mentions, labels, jobs, on_error, annotator, allow_outside_imports,
          dask_address, partition_size) -> None:
    """Run rules over INPUTS (.txt, .jsonl, .conllu, folders; '-' or nothing: stdin) and write records."""
    writer_class = WRITERS[fmt]
    if dask_address is not None:
        _check_dask_run(fmt, output, inputs, jobs)
    elif partition_size is not None:
        raise click.UsageError("--partition-size is for runs on Dask (--dask)")
    elif writer_class.writes_folder:
        _check_output_folder(fmt, output, inputs)
    else:
        _check_output_file(fmt, output, inputs, "the records")
    rules = _load(rule_paths, allow_outside_imports)
    for label in labels:
        if rules.taxonomy.expand(label) is None:
            hint = did_you_mean(label, rules.taxonomy.names) or "labels: " + ", ".join(rules.taxonomy.names)
            raise click.BadParameter(f"no label '{label}' in these rules; {hint}", param_hint="--label")
    if not mentions:
        for label in _mention_only_labels(rules, labels):
            click.echo(f"evx: --label '{label}' names no event or relation type, only mentions, and mentions "
                       "are written only with --mentions: add --mentions to see them", err=True)
    _load_annotator(annotator)
    if dask_address is not None:
        _match_on_dask(dask_address, rules, inputs, output, mentions, tuple(labels) or None, on_error, annotator,
                       allow_outside_imports, partition_size or PARTITION_SIZE)
        return

    from ..io.output import open_output
    from ..io.readers import read_inputs
    from ..run import batch
    from ..io.writers import RunSetup
    options = batch.Options(_rule_paths(rule_paths), mentions, tuple(labels) or None, allow_outside_imports,
                            encode=writer_class.takes_encoded, keep_document=writer_class.needs_document,
                            annotator=annotator)
    progress = _progress(inputs)
    errors = 0
    with _ending_the_run(progress, output not in (None, "-") and not writer_class.writes_folder):
        with open_output(None if writer_class.writes_folder else output) as out:
            writer = writer_class.for_run(out.stream, RunSetup(rules, output if writer_class.writes_folder else None))
            with out.writing():
                writer.begin()
            # closed on any way out, so that the workers of a run broken off stop at once
            with contextlib.closing(batch.run(rules, read_inputs(inputs), options, jobs)) as results:
                for result in results:
                    progress.update(1, result.tokens)
                    if result.error is not None:
                        errors += 1
                        _report(progress, f"evx: {result.error.format()}")
                        continue
                    with out.writing():
                        writer.document(result.document, result.records)
            with out.writing():
                writer.end()
    _finish(progress, errors, on_error)


def _check_dask_run(fmt: str, output: str | None, inputs: tuple[str, ...], jobs: int) -> None:
    """A run on Dask writes JSON Lines part files into a folder -o names, with Dask installed."""
    import importlib.util
    if importlib.util.find_spec("distributed") is None:
        raise click.UsageError("--dask needs Dask's distributed scheduler: pip install 'evx-events[dask]'")
    if fmt != "jsonl":
        raise click.UsageError(f"--dask writes JSON Lines part files (part-00000.jsonl, ...); --format {fmt} "
                               "is not available with it")
    if jobs != 1:
        raise click.UsageError("--jobs is for runs on this machine; with --dask, local:N sets the worker processes")
    if output is None or output == "-":
        raise click.UsageError("--dask writes one part file per partition: name their folder with -o FOLDER")
    if os.path.exists(output) and not os.path.isdir(output):
        raise click.BadParameter(f"'{output}' is a file; --dask writes a folder of part files: name a folder "
                                 "(it is made if it does not exist)", param_hint="-o")
    _check_output_folder(fmt, output, inputs)


def _match_on_dask(address: str, rules: "RuleSet", inputs: tuple[str, ...], folder: str, mentions: bool,
                   labels: tuple[str, ...] | None, on_error: str, annotator: str, allow_outside: bool,
                   partition_size: int) -> None:
    """`evx match --dask`: part files in `folder`, and the bad documents reported in input order."""
    from ..io.readers import read_inputs
    from ..run import batch, distributed
    _, spec = distributed.rule_spec(rules, allow_outside)
    options = batch.Options(spec.paths, mentions, labels, allow_outside, encode=True, annotator=annotator)
    progress = _progress(inputs)
    errors, count, shown = 0, 0, 0
    waiting: dict[int, tuple[str, ...]] = {}    # errors of partitions done before an earlier one
    with _ending_the_run(progress, False):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot make the folder {folder}: {err.strerror}") from None
        try:
            with distributed.connect(address) as client:
                parts = distributed.partitions(read_inputs(inputs), partition_size)
                for result in distributed.run_parts(client, spec, options, parts):
                    distributed.write_part(folder, result)
                    progress.update(result.documents, result.tokens)
                    count += 1
                    waiting[result.index] = result.errors
                    while shown in waiting:
                        for message in waiting.pop(shown):
                            errors += 1
                            _report(progress, f"evx: {message}")
                        shown += 1
        except OutputError:
            raise
        except EvxError as err:
            progress.close()
            click.echo(f"evx: {err.format()}", err=True)
            sys.exit(FOUND_ERRORS)
        distributed.remove_stale_parts(folder, count)
    _finish(progress, errors, on_error)


def _finish(progress: "Progress", errors: int, on_error: str) -> None:
    """End a command that reads inputs: the count of bad ones, and the exit code --on-error asks for."""
    progress.close()
    if errors:
        click.echo(f"evx: {errors} input error(s)", err=True)
    sys.exit(FOUND_ERRORS if errors and on_error == "fail" else OK)


def _check_output_file(fmt: str, output: str | None, inputs: Iterable[str], what: str) -> None:
    """`-o FILE` names a file (or a device) in a folder that exists, and none of the inputs."""
    if output is not None and os.path.isdir(output):
        raise click.BadParameter(f"'{output}' is a folder; --format {fmt} writes one file", param_hint="-o")
    if output is not None and output != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise click.BadParameter(f"the folder of '{output}' does not exist", param_hint="-o")
    clash = _input_at(output, inputs)
    if clash is not None:
        raise click.BadParameter(f"'{output}' is one of the inputs ({clash}); writing {what} there "
                                 "would destroy it: choose another file", param_hint="-o")


def _check_output_folder(fmt: str, output: str | None, inputs: Iterable[str]) -> None:
    """A format that writes a folder needs `-o FOLDER`: a folder, or a new one in a folder that
    exists, and neither inside an input folder nor holding an input."""
    if output is None or output == "-":
        raise click.UsageError(f"--format {fmt} writes a folder of files: name it with -o FOLDER")
    if os.path.exists(output) and not os.path.isdir(output):
        raise click.BadParameter(f"'{output}' is a file; --format {fmt} writes a folder of files: "
                                 "name a folder (it is made if it does not exist)", param_hint="-o")
    if not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise click.BadParameter(f"the folder of '{output}' does not exist", param_hint="-o")
    folder = os.path.realpath(output)
    for path in inputs:
        if path == "-" or not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        inside = os.path.commonpath([real, folder])
        if inside == folder or (os.path.isdir(path) and inside == real):
            raise click.BadParameter(f"'{output}' and the input '{path}' overlap; the files written "
                                     "there would be read or replaced: choose another folder", param_hint="-o")


def _input_at(output: str | None, inputs: Iterable[str]) -> str | None:
    """The input that `output` is (the same file, or one a folder's walk reads), if any."""
    if output is None or output == "-":
        return None
    try:
        target = os.stat(output)
    except (OSError, ValueError):
        return None                 # a file that does not exist yet is no input
    if not stat.S_ISREG(target.st_mode):
        return None                 # /dev/null, a FIFO: written as they are
    from ..io.readers import READERS
    real_output = os.path.realpath(output)
    for path in list(inputs) or ["-"]:
        try:
            if path == "-":
                found = os.fstat(sys.stdin.fileno())
            else:
                found = os.stat(path)
        except (OSError, ValueError, AttributeError):
            continue
        if stat.S_ISDIR(found.st_mode):
            inside = os.path.commonpath([os.path.realpath(path), real_output]) == os.path.realpath(path)
            if inside and os.path.splitext(output)[1].lower() in READERS:
                return path
        elif os.path.samestat(found, target):
            return "standard input" if path == "-" else path
    return None


def _mention_only_labels(rules: "RuleSet", labels: Iterable[str]) -> list[str]:
    """The labels under which no rule makes an event or a relation: without --mentions,
    nothing of them is written."""
    records = set(rules.schemas)
    for rule in rules.rules:
        if rule.matcher.captures:
            records.add(rule.label)
    return [label for label in labels if not ((rules.taxonomy.expand(label) or {label}) & records)]


def _progress(inputs: tuple[str, ...]) -> "Progress":
    from .progress import Progress
    progress = Progress()
    if progress.enabled:
        from ..io.readers import count_documents
        progress.total = count_documents(list(inputs))
    return progress


def _report(progress: "Progress", message: str) -> None:
    """An error line that does not get mixed into the progress line."""
    if progress.enabled:
        progress.stream.write("\r\x1b[K")
    click.echo(message, err=True)


@contextlib.contextmanager
def _ending_the_run(progress: "Progress", writes_file: bool):
    """How a command that writes as it reads ends early: interrupted or terminated (saying that
    no output file was written when there was to be one), on a closed pipe, when the output
    cannot be written, or when a model cannot be loaded; each with its exit code."""
    from ..errors import ModelError
    try:
        yield
    except (KeyboardInterrupt, Terminated) as stop:
        progress.close()
        what, code = ("interrupted", INTERRUPTED) if isinstance(stop, KeyboardInterrupt) else ("terminated", TERMINATED)
        click.echo(f"evx: {what}; no output file was written" if writes_file else f"evx: {what}", err=True)
        sys.exit(code)
    except ClosedPipe:
        progress.close()
        sys.exit(CLOSED_PIPE)
    except OutputError as err:
        progress.close()
        click.echo(f"evx: {err.format()}", err=True)
        sys.exit(CANNOT_WRITE)
    except ModelError as err:
        progress.close()
        click.echo(f"evx: cannot annotate: {err.format()}", err=True)
        sys.exit(FOUND_ERRORS)
    except ImportError as err:
        progress.close()
        click.echo(f"evx: cannot annotate: the tagger and parser are not installed ({err})", err=True)
        sys.exit(FOUND_ERRORS)


# -- evx annotate -------------------------------------------------------------------------------

@main.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(list(DOCUMENT_WRITERS)), default="conllu", show_default=True,
              help="; ".join(f"{name}: {cls.summary}" for name, cls in DOCUMENT_WRITERS.items()) + ".")
@click.option("-o", "--output", type=click.Path(),
              help="Write here (atomically) instead of stdout; never one of the inputs.")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="Bad input documents are always reported and skipped; 'fail' also makes the exit code 1.")
@_annotator_option
def annotate(inputs, fmt, output, on_error, annotator) -> None:
    """Annotate INPUTS (.txt, .jsonl, .conllu, folders; '-' or nothing: stdin) in full and write
    them: sentences, tokens and offsets, lemmas, tags, trees and chunks. What an input gives
    (JSON tokens, CoNLL-U columns) is kept; evx's tagger and parser fill what it leaves empty.
    Both formats read back as the same documents, so `evx match` gives the same records on
    the output as on the inputs."""
    _check_output_file(fmt, output, inputs, "the documents")
    _load_annotator(annotator)
    from ..errors import AnnotatorError, DocumentError, ModelError
    from ..io.output import open_output
    from ..io.readers import read_inputs, where
    from ..run.batch import annotate_document
    from ..syntax.stage import ALL, add_syntax
    progress = _progress(inputs)
    errors = 0

    def bad(item, message: str) -> None:
        nonlocal errors
        errors += 1
        _report(progress, f"evx: {InputError(message, *where(item)).format()}")
    with _ending_the_run(progress, output not in (None, "-")):
        with open_output(output) as out:
            writer = DOCUMENT_WRITERS[fmt](out.stream)
            with out.writing():
                writer.begin()
            for item in read_inputs(inputs):
                if isinstance(item, InputError):
                    progress.update(1)
                    errors += 1
                    _report(progress, f"evx: {item.format()}")
                    continue
                try:
                    doc = add_syntax(annotate_document(item.text, item.id, item.date, item.meta, item.tokens,
                                                       annotator), ALL)
                except AnnotatorError as err:
                    bad(item, err.message)
                    continue
                except DocumentError as err:
                    bad(item, f"bad tokens: {err.message}")
                    continue
                except (ModelError, ImportError):
                    raise
                except ValueError as err:
                    bad(item, f"bad tokens: {err}")
                    continue
                except RecursionError:
                    bad(item, "the document is too deeply nested to annotate")
                    continue
                except Exception as err:  # noqa: BLE001 - a bug must cost one document, not the run
                    bad(item, f"internal error: {type(err).__name__}: {err}")
                    continue
                progress.update(1, doc.token_count)
                with out.writing():
                    writer.document(doc)
            with out.writing():
                writer.end()
    _finish(progress, errors, on_error)


# -- evx check, evx test ------------------------------------------------------------------------

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
    """Run the rules' examples; report each failure, role by role: what was expected and not
    found, and what was found instead."""
    rules = _load(rule_paths, allow_outside_imports)
    if only is not None and rules.rule(only) is None:
        raise click.BadParameter(f"no rule named '{only}'", param_hint="--rule")
    from .examples import describe_failure, run_examples
    passed = failed = 0
    for outcome in run_examples(rules, only):
        if outcome.passed:
            passed += 1
            continue
        failed += 1
        where = f"{outcome.example.location}: " if outcome.example.location else ""
        click.echo(f"{where}FAIL rule '{outcome.rule.name}', example {outcome.number}: {outcome.example.text!r}")
        for line in describe_failure(outcome):
            click.echo("    " + line)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(FOUND_ERRORS if failed else OK)


# -- evx explain --------------------------------------------------------------------------------

@main.command()
@click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(), help="Rule file or folder (repeatable).")
@click.option("--rule", "only", help="Explain only this rule.")
@click.argument("text", required=False)
@_annotator_option
@_outside_option
def explain(rule_paths, only, text, annotator, allow_outside_imports) -> None:
    """Show TEXT's tokens and, for each rule, where it matched and where and why it stopped.

    TEXT defaults to standard input, read as `evx match` reads it: JSON Lines (each
    document explained in turn, with its own tokens and date) when it starts with '{',
    else one text.
    """
    rules = _load(rule_paths, allow_outside_imports)
    if only is not None and rules.rule(only) is None:
        hint = did_you_mean(only, [r.name for r in rules.rules])
        raise click.BadParameter(f"no rule named '{only}'" + (f"; {hint}" if hint else ""), param_hint="--rule")
    _load_annotator(annotator)
    from ..errors import AnnotatorError, DocumentError
    from ..run.batch import annotate_document
    from . import explain as explain_mod
    if text is not None:
        try:
            doc = annotate_document(text, annotator=annotator)
        except AnnotatorError as err:
            click.echo(f"evx: {err.message}", err=True)
            sys.exit(FOUND_ERRORS)
        doc, runs, found = explain_mod.explain(rules, doc, only)
        click.echo(explain_mod.render(doc, runs, found, rules), nl=False)
        return
    from ..io.readers import STDIN, read_stream, where
    errors = 0
    for item in read_stream(sys.stdin.buffer, STDIN):
        if isinstance(item, InputError):
            errors += 1
            click.echo(f"evx: {item.format()}", err=True)
            continue
        try:
            doc = rules.prepare(annotate_document(item.text, item.id, item.date, item.meta, item.tokens, annotator))
        except AnnotatorError as err:
            errors += 1
            click.echo(f"evx: {InputError(err.message, *where(item)).format()}", err=True)
            continue
        except (DocumentError, ValueError) as err:
            errors += 1
            message = err.message if isinstance(err, DocumentError) else str(err)
            click.echo(f"evx: {InputError(f'bad tokens: {message}', *where(item)).format()}", err=True)
            continue
        if item.line is not None:
            click.echo(f"document {item.id}")
        doc, runs, found = explain_mod.explain(rules, doc, only)
        click.echo(explain_mod.render(doc, runs, found, rules), nl=False)
    sys.exit(FOUND_ERRORS if errors else OK)


# -- evx eval -----------------------------------------------------------------------------------

GOLD_HELP = """\
Precision, recall and F1 of the rules' events against GOLD, per type and for arguments.

\b
GOLD is JSON Lines, one document per line:
  {"id": "d1", "text": "...", "date"?: "2024-01-15",
   "events": [{"type": "VISIT",
               "trigger": {"start": 12, "end": 19, "text": "arrived"},
               "arguments": {"visitor": [{"start": 0, "end": 11,
                                          "text": "..."}]},
               "modality"?: "actual", "soft"?: true,
               "scope"?: "sentence"}]}

"text" is required; "id" defaults to GOLD:LINE and "date" (ISO) resolves time arguments,
as for `evx match`. A span is {start, end, text} in Python string indices into "text",
end exclusive; its "text", when given, must equal the text at its offsets. Every field
is checked, and a line that breaks the format is reported as GOLD:LINE (exit code 1).

A predicted event matches an unmatched gold event of the same type whose trigger
overlaps it (a true positive); a prediction that matches none is a false positive, and
a gold event that no prediction matches is a miss (a false negative).

\b
"soft": true
    Don't care: a prediction that matches only soft gold counts
    neither way, and soft gold left unmatched is not missed.
"scope": "sentence"
    An event whose trigger is not pinned to a word: any prediction
    of its type in the document matches it, and further predictions
    of that type in that document count neither way.
"modality"
    Carried along (actual, planned, other); not scored.

P = TP/(TP+FP), R = TP/(TP+FN), F1 their harmonic mean. Arguments are scored on matched
pairs, per role the gold event has: a gold argument is found when a predicted argument of
the same role overlaps it; a predicted argument of that role that overlaps none of its
gold spans is a false positive.
"""


@contextlib.contextmanager
def _reading_ends_the_run(path: str | None):
    """A located error or an unreadable file while reading the documents (of `path`, a gold
    file, unless the error names another) ends the command with one line and FOUND_ERRORS."""
    try:
        yield
    except EvxError as err:
        click.echo(f"evx: {err.format()}", err=True)
        sys.exit(FOUND_ERRORS)
    except OSError as err:
        click.echo(f"evx: {err.filename or path}: cannot read: {err.strerror}", err=True)
        sys.exit(FOUND_ERRORS)


@main.command("eval", help=GOLD_HELP, short_help="Precision, recall and F1 against gold events.")
@_rules_option
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--show", type=click.Choice(["fp", "fn", "all"]), help="Also list false positives and/or misses.")
@click.option("--type", "types", multiple=True, help="Score only this event type (repeatable).")
@click.option("--html", "html_report", type=click.Path(dir_okay=False),
              help="Also write a report page here: the scores with bars, every mistake in its sentence.")
@_annotator_option
@_outside_option
def eval_command(rule_paths, gold, as_json, show, types, html_report, annotator, allow_outside_imports) -> None:
    if html_report is not None and not os.path.isdir(os.path.dirname(os.path.abspath(html_report))):
        raise click.BadParameter(f"the folder of '{html_report}' does not exist", param_hint="--html")
    if html_report is not None and os.path.exists(html_report) and os.path.samefile(html_report, gold):
        raise click.BadParameter(f"'{html_report}' is the gold file; writing the report there would destroy it",
                                 param_hint="--html")
    rules = _load(rule_paths, allow_outside_imports)
    _load_annotator(annotator)
    from ..errors import AnnotatorError
    from ..run.batch import annotate_document
    from . import evaluate
    scores = evaluate.Scores()
    with _reading_ends_the_run(gold):
        with open(gold, "rb") as handle:
            for doc in evaluate.read_gold(handle, gold):
                try:
                    annotated = annotate_document(doc["text"], str(doc["id"]), doc.get("date"), annotator=annotator)
                except AnnotatorError as err:
                    raise AnnotatorError(f"document {doc['id']}: {err.message}") from None
                predicted = [r.to_dict() for r in rules.extract(annotated)]
                gold_events = doc.get("events", [])
                if types:
                    predicted = [p for p in predicted if p["type"] in types]
                    gold_events = [g for g in gold_events if g["type"] in types]
                sentences = [(s.start, s.end) for s in annotated.sentences]
                evaluate.score_document(scores, str(doc["id"]), doc["text"], gold_events, predicted, sentences)
    if show:
        for m in scores.mistakes:
            if show == "all" or m.kind == show:
                click.echo(f"{m.kind.upper()} {m.type:<8} {m.doc}  {m.context}")
        click.echo()
    if html_report is not None:
        from ..io.output import open_output
        from .report import render_report
        try:
            with open_output(html_report) as out, out.writing():
                out.stream.write(render_report(scores, f"evx eval: {os.path.basename(gold)}"))
        except OutputError as err:
            click.echo(f"evx: {err.format()}", err=True)
            sys.exit(CANNOT_WRITE)
    if as_json:
        click.echo(json.dumps(scores.to_dict(), indent=2))
    else:
        click.echo(evaluate.render(scores), nl=False)


# -- evx diff -----------------------------------------------------------------------------------

@main.command("diff")
@click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(),
              help="OLD, then NEW: a rule file or folder each (exactly two).")
@click.argument("corpus", nargs=-1, type=click.Path())
@click.option("--gold", type=click.Path(exists=True, dir_okay=False),
              help="Gold JSON Lines (as for `evx eval`): run over its documents and judge each change.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--summary", is_flag=True, help="Only the tables, not each change.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True, help="Worker processes.")
@_annotator_option
@_outside_option
def diff_command(rule_paths, corpus, gold, as_json, summary, jobs, annotator, allow_outside_imports) -> None:
    """The events OLD finds and NEW does not (lost), NEW finds and OLD does not (gained), and
    those of one trigger whose arguments or attributes changed, per type and per rule, over
    CORPUS (.txt, .jsonl, folders; '-': stdin) or, with --gold, over the gold documents."""
    if len(rule_paths) != 2:
        raise click.BadParameter(f"give exactly two rule sets, OLD then NEW (-r OLD -r NEW); got {len(rule_paths)}",
                                 param_hint="-r")
    if gold is not None and corpus:
        raise click.BadParameter("with --gold the documents are the gold file's: give no CORPUS too",
                                 param_hint="CORPUS")
    if gold is None and not corpus:
        raise click.BadParameter("give the documents to compare on, or --gold GOLD.jsonl", param_hint="CORPUS")
    old_rules = _load(rule_paths[:1], allow_outside_imports)
    new_rules = _load(rule_paths[1:], allow_outside_imports)
    _load_annotator(annotator)
    from ..io.readers import InputDoc, read_inputs
    from ..run import batch
    from . import diff, evaluate
    with _reading_ends_the_run(gold):
        if gold is not None:
            with open(gold, "rb") as handle:
                gold_docs = list(evaluate.read_gold(handle, gold))
            items = [InputDoc(str(d["id"]), d["text"], d.get("date")) for d in gold_docs]
        else:
            items = list(read_inputs(corpus))
    runs = []
    for rules, path in ((old_rules, rule_paths[0]), (new_rules, rule_paths[1])):
        options = batch.Options((path,), allow_outside_imports=allow_outside_imports, annotator=annotator)
        runs.append(diff.run_records(rules, items, options, jobs))
    (old_runs, old_errors), (new_runs, new_errors) = runs
    errors = list({e.format(): e for e in old_errors + new_errors}.values())    # a bad input once, not twice
    for error in errors:
        click.echo(f"evx: {error.format()}", err=True)
    names = (rule_paths[0],), (rule_paths[1],)
    if gold is not None:
        report = diff.compare_with_gold(gold_docs, old_runs, new_runs, *names)
    else:
        report = diff.compare(old_runs, new_runs, *names)
    if as_json:
        click.echo(json.dumps(diff.to_dict(report), indent=2, ensure_ascii=False))
    else:
        click.echo(diff.render(report, list_changes=not summary), nl=False)
    if errors:
        click.echo(f"evx: {len(errors)} input error(s)", err=True)
    sys.exit(FOUND_ERRORS if errors else OK)


# -- evx bench ----------------------------------------------------------------------------------

@main.command()
@click.option("-r", "--rules", "rule_paths", multiple=True, type=click.Path(),
              help="Rule file or folder (repeatable). Default: the bundled news rules.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True, help="Worker processes.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--top", type=click.IntRange(0), default=10, show_default=True, help="Slowest rules to list.")
@click.option("--mentions", is_flag=True,
              help="Time a run that also emits plain mentions and relations, as evx match --mentions does "
                   "(else only the sentences that can hold an event are tagged, parsed and matched).")
@click.option("--syntax", is_flag=True,
              help="Also time the embedded tagger alone, and tagger and parser, on the corpus (one process).")
@_annotator_option
@_outside_option
def bench(rule_paths, corpus, jobs, as_json, top, mentions, syntax, annotator, allow_outside_imports) -> None:
    """Throughput on CORPUS: documents, sentences and tokens per second, time per stage and per
    rule, peak memory; with --syntax, the tagger's and parser's own speed."""
    _load_annotator(annotator)     # a pipeline's loading is neither compiling nor running
    began = time.perf_counter()
    rules = _load(rule_paths, allow_outside_imports)
    compiled = time.perf_counter()
    from ..io.readers import read_inputs
    from ..run import batch
    options = batch.Options(_rule_paths(rule_paths), mentions=mentions, profile=True,
                            allow_outside_imports=allow_outside_imports, annotator=annotator)
    totals = batch.Totals()
    progress = _progress(corpus)
    with contextlib.closing(batch.run(rules, read_inputs(corpus), options, jobs)) as results:
        for result in results:
            totals.add(result)
            progress.update(1, result.tokens)
            start_write = time.perf_counter()
            for record in result.records:
                json.dumps(record, ensure_ascii=False)
            totals.write_seconds += time.perf_counter() - start_write
    progress.close()
    from .bench import bench_figures, render_bench, syntax_speed
    figures = bench_figures(totals, compiled - began, time.perf_counter() - compiled, jobs, rules)
    if syntax:
        figures["syntax_speed"] = syntax_speed(read_inputs(corpus))
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        click.echo(render_bench(figures, top), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
