"""One self-contained HTML page for a run: every document's text with its events highlighted.

The page needs no network: its style and its one small script are inline. It is written as
the documents come, so a run over thousands of documents holds no more than one document at
a time; the legend and the per-type counts, known only at the end, are written last and shown
first by the page's layout.

Highlights may overlap or nest (an argument inside another event's argument, a trigger that
is also an argument). The text is cut at every span boundary and each piece is wrapped in one
`<mark>` per span that covers it, outermost the longest; all the pieces of one span carry the
same `data-m`, so the span is the concatenation of its pieces. Every text, name and value
from the input or the rules is escaped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Iterable, Mapping, Sequence

from .base import RecordData, RecordWriter

TRIGGER, ARGUMENT, MENTION = "t", "a", "m"


@dataclass(frozen=True)
class Mark:
    """One highlighted span of a text: what it is, for which record, and what it says."""
    start: int
    end: int
    kind: str           # TRIGGER, ARGUMENT or MENTION
    key: str            # the same on every piece of this span (data-m)
    record: str         # the record it belongs to (data-ev), shared by its trigger and arguments
    colour: int         # index of the record type's colour (class cN)
    label: str          # shown after the span: the type, the role or the mention's label
    title: str = ""     # shown on hover: attributes, rule


def attribute(value: object) -> str:
    return escape(str(value), quote=True)


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """`text` as HTML with every mark around the pieces it covers; marks may overlap."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    # outermost first: the earlier start, then the longer span, so that nesting is the same on every piece
    marks.sort(key=lambda m: (m.start, -m.end, m.kind != TRIGGER, m.key))
    out = []
    for left, right in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m.start <= left and right <= m.end]
        piece = escape(text[left:right], quote=False)
        for m in reversed(covering):
            piece = _open(m, first=left == m.start, last=right == m.end) + piece + "</mark>"
        out.append(piece)
    return "".join(out)


def _open(m: Mark, first: bool, last: bool) -> str:
    classes = f"{m.kind} c{m.colour}" + (" s" if first else "") + (" e" if last else "")
    extra = f' data-l="{attribute(m.label)}"' if last else ""
    if first and m.title:
        extra += f' title="{attribute(m.title)}"'
    return f'<mark class="{classes}" data-m="{attribute(m.key)}" data-ev="{attribute(m.record)}"{extra}>'


def describe_attributes(attributes: Mapping[str, object] | None) -> str:
    """`modality=asserted, cameo=042` for a hover text or a table cell."""
    if not attributes:
        return ""
    return ", ".join(f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
                     for k, v in attributes.items())


class Palette:
    """A colour per type, in the order the types are first seen; the hues are spread apart."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, type_: str) -> int:
        return self.index.setdefault(type_, len(self.index))

    def css(self) -> str:
        return "".join(f".c{i}{{--h:{(i * 137 + 200) % 360}}}" for i in self.index.values())


def record_marks(record: dict, record_key: str, colour: int) -> list[Mark]:
    """The marks of one record: its trigger and its arguments, or the span of a mention."""
    type_ = str(record.get("type", ""))
    rule = str(record.get("rule", ""))
    attrs = describe_attributes(record.get("attributes"))
    title = " · ".join(part for part in (type_, attrs, f"rule {rule}") if part)
    marks = []
    kind = record.get("kind", "event")
    if kind == "mention":
        return [Mark(record["start"], record["end"], MENTION, f"{record_key}.m", record_key, colour, type_, title)]
    trigger = record.get("trigger")
    if trigger:
        marks.append(Mark(trigger["start"], trigger["end"], TRIGGER, f"{record_key}.t", record_key, colour, type_,
                          title))
    for role, spans in record.get("arguments", {}).items():
        for i, span in enumerate(spans):
            label = role if not span.get("value") else f"{role} = {span['value']}"
            marks.append(Mark(span["start"], span["end"], ARGUMENT, f"{record_key}.{role}.{i}", record_key, colour,
                              label, f"{role} of {type_}" + (f" ({span['label']})" if span.get("label") else "")))
    return marks


STYLE = """
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#222;background:#fafafa;display:flex;flex-direction:column}
header{order:-1;position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ccc;padding:.5em 1em}
header h1{font-size:1.1em;margin:0 0 .3em}
main{padding:0 1em}
.legend{display:flex;flex-wrap:wrap;gap:.4em;margin:0;padding:0;list-style:none}
.legend li{padding:0 .5em;border-radius:3px;background:hsl(var(--h),70%,80%)}
.legend li.none{background:#eee}
article{background:#fff;border:1px solid #ddd;border-radius:4px;margin:1em 0;padding:.5em 1em}
article h2{font-size:.95em;margin:0;color:#555}
article h2 small{font-weight:normal;color:#888}
.text{white-space:pre-wrap;line-height:2.3;margin:.3em 0}
mark{color:inherit;background:none;padding:0}
mark.t{background:hsl(var(--h),70%,78%);font-weight:600;border-radius:2px}
mark.a{background:hsla(var(--h),70%,78%,.35);border-bottom:2px solid hsl(var(--h),60%,45%)}
mark.m{border-bottom:2px dotted #888}
mark.e::after{content:attr(data-l);font-size:.65em;font-weight:600;vertical-align:super;margin:0 .15em;
 padding:0 .25em;border-radius:2px;color:#fff;background:hsl(var(--h),45%,40%)}
mark.m.e::after{background:#888}
mark.hl{outline:2px solid hsl(var(--h),70%,35%)}
table{border-collapse:collapse;font-size:.85em;margin:.3em 0}
td,th{border-top:1px solid #eee;padding:.15em .5em;text-align:left;vertical-align:top}
td.type{background:hsl(var(--h),70%,85%)}
tr.hl td{background:#ffd}
"""

# hovering a highlight or an event's row outlines all the spans of that event
SCRIPT = """
document.addEventListener("mouseover",function(e){
 var t=e.target.closest("[data-ev]"),a=t&&t.closest("article,li.mistake");
 document.querySelectorAll(".hl").forEach(function(x){x.classList.remove("hl")});
 if(!a)return;
 var sel='[data-ev="'+CSS.escape(t.getAttribute("data-ev"))+'"]';
 a.querySelectorAll(sel).forEach(function(x){x.classList.add("hl")});
});
"""


def page_start(title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title, quote=False)}</title><style>{STYLE}</style></head>\n<body>\n")


def page_end(palette: Palette) -> str:
    return f"<style>{palette.css()}</style><script>{SCRIPT}</script>\n</body></html>\n"


def legend(counts: Mapping[str, int], palette: Palette) -> str:
    """A list of the types, each in its colour with its count."""
    items = "".join(f'<li class="c{palette(t)}">{escape(t, quote=False)} <b>{n}</b></li>'
                    for t, n in sorted(counts.items()))
    return f'<ul class="legend">{items or "<li class=none>no records</li>"}</ul>'


def _events_table(records: Sequence[dict], keys: Sequence[str], palette: Palette) -> str:
    rows = []
    for record, key in zip(records, keys):
        trigger = record.get("trigger", {}).get("text", "")     # none for a relation or a mention
        args = "; ".join(f"{role}: {span['text']}" for role, spans in record.get("arguments", {}).items()
                         for span in spans)
        cells = (trigger, args, describe_attributes(record.get("attributes")), record.get("rule", ""))
        rows.append(f'<tr data-ev="{attribute(key)}"><td class="type c{palette(str(record.get("type", "")))}">'
                    f'{escape(str(record.get("type", "")), quote=False)}</td>'
                    + "".join(f"<td>{escape(str(c), quote=False)}</td>" for c in cells) + "</tr>")
    return ("<details><summary>records</summary><table><tr><th>type</th><th>trigger</th><th>arguments</th>"
            "<th>attributes</th><th>rule</th></tr>" + "".join(rows) + "</table></details>")


class HtmlWriter(RecordWriter):
    name = "html"
    summary = "one self-contained HTML page with the events highlighted in each text"
    needs_document = True

    def begin(self) -> None:
        self.palette = Palette()
        self.counts: dict[str, int] = {}
        self.documents = 0
        self.out.write(page_start("evx records") + "<main>\n")

    def document(self, doc, records: Sequence[RecordData]) -> None:
        records = [json.loads(r) if isinstance(r, str) else r for r in records]
        number = self.documents
        self.documents += 1
        keys = [f"d{number}r{i}" for i in range(len(records))]
        marks = []
        for record, key in zip(records, keys):
            type_ = str(record.get("type", ""))
            self.counts[type_] = self.counts.get(type_, 0) + 1
            marks.extend(record_marks(record, key, self.palette(type_)))
        doc_id = doc.id if doc is not None else (records[0]["doc"] if records else f"document {number + 1}")
        text = doc.text if doc is not None else ""
        found = f"{len(records)} record" + ("" if len(records) == 1 else "s")
        self.out.write(f'<article id="d{number}" data-doc="{attribute(doc_id)}"><h2>{escape(str(doc_id), quote=False)}'
                       f" <small>{found}</small></h2>"
                       f'<div class="text">{highlight(text, marks)}</div>'
                       + (_events_table(records, keys, self.palette) if records else "") + "</article>\n")

    def end(self) -> None:
        total = sum(self.counts.values())
        docs = f"{self.documents} document" + ("" if self.documents == 1 else "s")
        self.out.write(f"</main>\n<header><h1>evx: {docs}, {total} record{'' if total == 1 else 's'}</h1>"
                       f"{legend(self.counts, self.palette)}</header>\n" + page_end(self.palette))
