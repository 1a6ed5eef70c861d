"""The HTML report of `evx eval --html`: the scores as tables with bars, then every mistake
in its sentence, grouped by type and by rule.

It draws the highlighted sentences with the same code as `--format html`, so a false
positive looks here as it does in the records' page.
"""
from __future__ import annotations

from html import escape
from typing import Mapping

from ..io.writers.html import ARGUMENT, TRIGGER, Mark, Palette, highlight, page_end, page_start
from .evaluate import TOTAL, Mistake, Scores, Tally

REPORT_STYLE = """
<style>
section{background:#fff;border:1px solid #ddd;border-radius:4px;margin:1em 0;padding:.5em 1em}
section h2{font-size:1em;margin:.2em 0 .5em}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{width:10em;height:.8em;background:#eee;border-radius:2px;display:inline-block;vertical-align:middle}
.bar i{display:block;height:100%;border-radius:2px}
.p i{background:#3a7bd5}.r i{background:#d58a3a}
tr.total td{font-weight:600;border-top:2px solid #ccc}
details{margin:.3em 0}
summary{cursor:pointer}
summary .kind{font-size:.8em}
ol.mistakes{margin:.2em 0;padding-left:1.5em}
ol.mistakes li{margin:.2em 0}
.kind{display:inline-block;min-width:2.2em;text-align:center;font-size:.75em;font-weight:700;border-radius:2px;
 padding:0 .3em;margin-right:.4em;color:#fff}
.kind.fp{background:#c0392b}.kind.fn{background:#7f8c8d}
.doc{color:#888;font-size:.8em;margin-right:.4em}
.sentence{line-height:2.3;white-space:pre-wrap}
</style>
"""

KIND_NAMES = {"fp": "false positives", "fn": "missed"}


def _bar(value: float, kind: str) -> str:
    return f'<span class="bar {kind}" title="{value:.3f}"><i style="width:{value * 100:.1f}%"></i></span>'


def _row(name: str, t: Tally, palette: Palette | None, total: bool = False) -> str:
    colour = f' class="type c{palette(name)}"' if palette is not None and not total else ""
    numbers = (t.tp + t.fn, t.tp + t.fp, t.tp, t.fp, t.fn)
    return (f'<tr{" class=total" if total else ""}><td{colour}>{escape(name, quote=False)}</td>'
            + "".join(f'<td class="n">{n}</td>' for n in numbers)
            + f'<td class="n">{t.precision:.3f}</td><td>{_bar(t.precision, "p")}</td>'
            f'<td class="n">{t.recall:.3f}</td><td>{_bar(t.recall, "r")}</td>'
            f'<td class="n">{t.f1:.3f}</td></tr>')


def score_table(table: Mapping[str, Tally], total: Tally | None, palette: Palette | None) -> str:
    """One row per key with its counts, precision and recall as numbers and bars, and F1."""
    head = "".join(f"<th>{h}</th>" for h in ("type", "gold", "pred", "tp", "fp", "fn", "P", "", "R", "", "F1"))
    rows = [_row(name, t, palette) for name, t in sorted(table.items())]
    if total is not None:
        rows.append(_row(TOTAL, total, palette, total=True))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def mistake_sentence(m: Mistake, colour: int, key: str) -> str:
    """The mistake's sentence with its trigger and the event's arguments highlighted."""
    offset = m.sentence_start
    marks = [Mark(m.trigger[0] - offset, m.trigger[1] - offset, TRIGGER, f"{key}.t", key, colour, m.type,
                  f"{m.type} ({KIND_NAMES[m.kind]})")]
    marks += [Mark(start - offset, end - offset, ARGUMENT, f"{key}.{role}.{i}", key, colour, role, role)
              for i, (role, start, end) in enumerate(m.arguments)]
    return highlight(m.sentence, marks)


def _group_by_rule(mistakes: list[Mistake]) -> dict[str, list[Mistake]]:
    groups: dict[str, list[Mistake]] = {}
    for m in mistakes:
        groups.setdefault(f"rule {m.rule}" if m.kind == "fp" else "missed (no rule found it)", []).append(m)
    # the false positives by rule first, then the misses
    return dict(sorted(groups.items(), key=lambda item: (item[1][0].kind == "fn", item[0])))


def mistakes_section(scores: Scores, palette: Palette) -> str:
    by_type: dict[str, list[Mistake]] = {}
    for m in scores.mistakes:
        by_type.setdefault(m.type, []).append(m)
    if not by_type:
        return "<section><h2>Mistakes</h2><p>none: every prediction matched gold and no gold was missed</p></section>"
    parts = ["<section><h2>Mistakes, by type and by rule</h2>"]
    number = 0
    for type_, mistakes in sorted(by_type.items()):
        colour = palette(type_)
        fp = sum(m.kind == "fp" for m in mistakes)
        parts.append(f'<details open class="type"><summary><mark class="t c{colour}">{escape(type_, quote=False)}'
                     f"</mark> {fp} false positive{'' if fp == 1 else 's'}, {len(mistakes) - fp} missed</summary>")
        for group, items in _group_by_rule(mistakes).items():
            parts.append(f'<details open><summary>{escape(group, quote=False)} <b>{len(items)}</b></summary>'
                         '<ol class="mistakes">')
            for m in items:
                key = f"m{number}"
                number += 1
                parts.append(f'<li class="mistake {m.kind}" data-ev="{key}" data-doc="{escape(m.doc, quote=True)}">'
                             f'<span class="kind {m.kind}">{m.kind.upper()}</span>'
                             f'<span class="doc">{escape(m.doc, quote=False)}</span>'
                             f'<span class="sentence">{mistake_sentence(m, colour, key)}</span></li>')
            parts.append("</ol></details>")
        parts.append("</details>")
    parts.append("</section>")
    return "".join(parts)


def render_report(scores: Scores, title: str) -> str:
    """The whole page: a self-contained HTML document."""
    palette = Palette()
    events = scores.total(scores.events)
    body = [page_start(title), REPORT_STYLE, "<main>",
            f"<h1>{escape(title, quote=False)}</h1>"
            f"<p>{scores.documents} documents; events P {events.precision:.3f} R {events.recall:.3f} "
            f"F1 {events.f1:.3f}</p>",
            "<section><h2>Events</h2>", score_table(scores.events, events, palette), "</section>",
            "<section><h2>Arguments (on matched events)</h2>",
            score_table(scores.arguments, scores.total(scores.arguments), palette), "</section>"]
    if scores.roles:
        body += ["<section><details><summary>Arguments by role</summary>",
                 score_table(scores.roles, None, None), "</details></section>"]
    body += [mistakes_section(scores, palette), "</main>", page_end(palette)]
    return "".join(body)
