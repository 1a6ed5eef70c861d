"""The HTML views: `evx match --format html` and `evx eval --html`, end to end, read back
from the page (and, where Chromium is installed, from the DOM a real browser renders)."""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from evx.io.writers.html import ARGUMENT, MENTION, TRIGGER, Mark, highlight
from evx.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "corpus/sample"    # relative, run from ROOT, so that the page's document names are too
ARTIFACTS = ROOT / "artifacts"

RULES = """\
taxonomy:
  - Entity: [Person, Location]
  - Event:
      - Contact: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [Hassan Qomi, Asif Durrani]
  - name: places
    label: Location
    type: lexicon
    phrases: [Islamabad, Tehran]
  - name: visit
    label: VISIT
    priority: 2
    pattern: |
      (?<visitor> @Person) (?<trigger> [lemma=/^(arrive|visit)$/]) [lower=/^(in|to)$/]? (?<destination> @Location)
    attributes: {cameo: "042"}
"""

HOSTILE_TEXT = ('<script>alert("x")</script> Hassan Qomi arrived in Islamabad & "Tehran" '
                '<img src=x onerror=alert(1)> </mark></article>')
HOSTILE_ID = '"><script>alert(2)</script>'


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        return CliRunner()                      # click >= 8.2 keeps stderr apart


def run(*args):
    return runner().invoke(main, [str(a) for a in args])


@pytest.fixture
def rules(tmp_path) -> Path:
    path = tmp_path / "rules" / "visit.yml"
    path.parent.mkdir()
    path.write_text(RULES, encoding="utf-8")
    return path


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


class Page(HTMLParser):
    """What a page shows: per document (article), its text and every highlighted span, each
    span the concatenation of the pieces that carry its data-m. Checks that marks nest."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.docs: dict[str, dict] = {}         # data-doc -> {"text": str, "spans": {key: info}}
        self.scripts = 0
        self.script_text = ""
        self._doc: dict | None = None
        self._text_depth = 0                    # >0 inside the document's text block
        self._stack: list[tuple[str, dict | None]] = []
        self._in_script = False
        self.feed(html)
        self.close()
        assert not self._stack, f"unclosed: {self._stack}"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
            self._in_script = True
        if tag == "article":
            self._doc = self.docs.setdefault(a["data-doc"], {"text": "", "spans": {}})
        span = None
        if tag == "mark" and self._doc is not None:
            span = self._doc["spans"].setdefault(a["data-m"], {"text": "", "kind": None, "label": None,
                                                              "record": a["data-ev"], "title": None})
            span["kind"] = next(k for k in (TRIGGER, ARGUMENT, MENTION) if k in a["class"].split())
            span["label"] = a.get("data-l", span["label"])
            span["title"] = a.get("title", span["title"])
        if tag == "div" and a.get("class") == "text":
            self._text_depth = 1
        elif self._text_depth:
            self._text_depth += 1
        if tag not in ("meta",):
            self._stack.append((tag, span))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        open_tag, _ = self._stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        if self._text_depth:
            self._text_depth -= 1
        if tag == "article":
            self._doc = None

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data
        if self._doc is None or not self._text_depth:
            return
        self._doc["text"] += data
        for _, span in self._stack:
            if span is not None:
                span["text"] += data


def records_by_doc(records: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in records:
        out.setdefault(r["doc"], []).append(r)
    return out


def assert_page_shows(page: Page, records: list[dict], texts: dict[str, str] | None = None) -> None:
    """Every record of every document has its trigger and each argument highlighted on the
    page, with its type or role as the label, and the text is the document's."""
    for doc, recs in records_by_doc(records).items():
        shown = page.docs[doc]
        if texts is not None:
            assert shown["text"] == texts[doc]
        by_record: dict[str, list[dict]] = {}
        for span in shown["spans"].values():
            by_record.setdefault(span["record"], []).append(span)
        assert len(by_record) == len(recs)
        for i, record in enumerate(recs):
            prefix = next(iter(by_record)).split("r")[0]        # d<document number>
            spans = {key.split(".", 1)[1]: s for key, s in shown["spans"].items()
                     if s["record"] == f"{prefix}r{i}"}
            if record.get("kind") == "mention":
                assert spans["m"]["text"] == record["text"] and spans["m"]["label"] == record["type"]
                continue
            if "trigger" in record:
                assert spans["t"]["kind"] == TRIGGER
                assert spans["t"]["text"] == record["trigger"]["text"]
                assert spans["t"]["label"] == record["type"]
            for role, args in record.get("arguments", {}).items():
                for j, arg in enumerate(args):
                    span = spans[f"{role}.{j}"]
                    assert span["kind"] == ARGUMENT and span["text"] == arg["text"]
                    assert span["label"].split(" = ")[0] == role


def match_records(*args) -> list[dict]:
    result = run("match", *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# -- the page -----------------------------------------------------------------------------------

def test_sample_page_highlights_every_event(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    page_path = tmp_path / "sample.html"
    result = run("match", SAMPLE, "--format", "html", "-o", page_path)
    assert result.exit_code == 0, result.stderr
    html = page_path.read_text(encoding="utf-8")
    records = match_records(SAMPLE)
    assert records and all(r.get("trigger") for r in records)
    assert_page_shows(Page(html), records)
    # the legend counts each type
    for type_, n in {r["type"]: sum(x["type"] == r["type"] for x in records) for r in records}.items():
        assert f">{type_} <b>{n}</b></li>" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html   # self-contained


def test_page_on_stdout_with_attributes_on_hover(tmp_path, rules):
    docs = write_jsonl(tmp_path / "docs.jsonl", [{"id": "a", "text": "Hassan Qomi arrived in Islamabad."},
                                                 {"id": "b", "text": "Nothing here."}])
    result = run("match", "-r", rules, docs, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = Page(result.stdout)
    assert page.docs["b"] == {"text": "Nothing here.", "spans": {}}
    trigger = page.docs["a"]["spans"]["d0r0.t"]
    assert trigger["text"] == "arrived" and trigger["label"] == "VISIT"
    assert trigger["title"] == "VISIT · cameo=042 · rule visit"
    assert "2 documents, 1 record" in result.stdout


def test_mentions_are_marked_with_mentions_flag(tmp_path, rules):
    docs = write_jsonl(tmp_path / "docs.jsonl", [{"id": "a", "text": "Asif Durrani arrived in Tehran."}])
    plain = Page(run("match", "-r", rules, docs, "--format", "html").stdout)
    assert {s["kind"] for s in plain.docs["a"]["spans"].values()} == {TRIGGER, ARGUMENT}
    result = run("match", "-r", rules, docs, "--format", "html", "--mentions")
    page = Page(result.stdout)
    mentions = {s["text"]: s["label"] for s in page.docs["a"]["spans"].values() if s["kind"] == MENTION}
    assert mentions == {"Asif Durrani": "Person", "Tehran": "Location"}
    assert_page_shows(page, match_records("-r", rules, docs, "--mentions"))


def test_hostile_text_is_shown_as_text(tmp_path, rules):
    docs = write_jsonl(tmp_path / "docs.jsonl", [{"id": HOSTILE_ID, "text": HOSTILE_TEXT}])
    result = run("match", "-r", rules, docs, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = Page(result.stdout)
    assert page.scripts == 1 and "alert" not in page.script_text       # only the page's own script
    assert "<img" not in result.stdout and "<script>alert" not in result.stdout
    assert page.docs[HOSTILE_ID]["text"] == HOSTILE_TEXT
    assert_page_shows(page, match_records("-r", rules, docs), {HOSTILE_ID: HOSTILE_TEXT})


def test_overlapping_and_nested_spans_render():
    text = "one two three four"
    marks = [Mark(0, 7, ARGUMENT, "x.a", "x", 0, "agent"),           # "one two"
             Mark(4, 13, ARGUMENT, "y.a", "y", 1, "theme"),          # "two three" overlaps it
             Mark(4, 7, TRIGGER, "y.t", "y", 1, "T"),                # "two" inside both
             Mark(8, 18, ARGUMENT, "x.b", "x", 0, "place<&>")]       # "three four"
    html = '<article data-doc="d"><div class="text">' + highlight(text, marks) + "</div></article>"
    page = Page(html)
    assert page.docs["d"]["text"] == text
    assert {k: s["text"] for k, s in page.docs["d"]["spans"].items()} == {
        "x.a": "one two", "y.a": "two three", "y.t": "two", "x.b": "three four"}
    assert page.docs["d"]["spans"]["x.b"]["label"] == "place<&>"
    assert 'data-l="place&lt;&amp;&gt;"' in html


def test_marks_outside_the_text_are_left_out():
    assert highlight("a<b", [Mark(2, 9, TRIGGER, "k", "k", 0, "T")]) == "a&lt;b"


# -- the evaluation report ----------------------------------------------------------------------

def test_eval_html_report(tmp_path, rules):
    text = "Hassan Qomi arrived in Islamabad. Asif Durrani visited Tehran. Guests reached <Tehran> today."
    def span(word):
        start = text.index(word)
        return {"start": start, "end": start + len(word), "text": word}
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "g<1>", "text": text, "events": [
        {"type": "VISIT", "trigger": span("arrived"), "arguments": {"visitor": [span("Hassan Qomi")]}},
        {"type": "VISIT", "trigger": span("reached"), "arguments": {"visitor": [span("Guests")]}}]}])
    report = tmp_path / "report.html"
    result = run("eval", "-r", rules, gold, "--html", report)
    assert result.exit_code == 0, result.stderr
    assert "VISIT" in result.stdout                  # the table is still printed
    html = report.read_text(encoding="utf-8")
    assert html.count("<script") == 1 and Page(html).scripts == 1
    # the per-type table and the bars
    assert '<td class="n">0.500</td><td><span class="bar p"' in html
    # the false positive under its rule, the miss under the misses, each in its sentence
    fp = html.index("rule visit <b>1</b>")
    fn = html.index("missed (no rule found it) <b>1</b>")
    assert fp < fn
    assert "Asif Durrani" in html[fp:fn] and '>visited</mark>' in html[fp:fn]
    assert '>reached</mark>' in html[fn:] and "&lt;Tehran&gt;" in html[fn:]
    assert 'data-doc="g&lt;1&gt;"' in html
    sentences = [s for s in Page(html.replace("<li", '<article data-doc="m"><div class="text"><li')
                                 .replace("</li>", "</li></div></article>")).docs["m"]["spans"].values()]
    assert {s["text"] for s in sentences if s["kind"] == TRIGGER} == {"visited", "reached"}


def test_eval_html_into_a_missing_folder_is_a_usage_error(tmp_path, rules):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "text": "x", "events": []}])
    result = run("eval", "-r", rules, gold, "--html", tmp_path / "nowhere" / "r.html")
    assert result.exit_code == 2
    assert "the folder of" in result.stderr and "does not exist" in result.stderr


def test_eval_html_never_overwrites_the_gold(tmp_path, rules):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "text": "x", "events": []}])
    before = gold.read_text(encoding="utf-8")
    result = run("eval", "-r", rules, gold, "--html", gold)
    assert result.exit_code == 2 and "is the gold file" in result.stderr
    assert gold.read_text(encoding="utf-8") == before


# -- in a real browser ----------------------------------------------------------------------------

def chromium() -> str | None:
    return next((path for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (path := shutil.which(name))), None)


@pytest.mark.skipif(chromium() is None, reason="no chromium binary (apt-get install chromium)")
def test_sample_page_in_headless_chromium(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    page_path = tmp_path / "sample.html"
    assert run("match", SAMPLE, "--format", "html", "-o", page_path).exit_code == 0
    flags = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(flags + ["--dump-dom", page_path.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    page = Page(dom)
    records = match_records(SAMPLE)
    assert set(page.docs) >= {r["doc"] for r in records}
    assert_page_shows(page, records)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-view.png"
    shot.unlink(missing_ok=True)
    subprocess.run(flags + ["--window-size=1200,1400", f"--screenshot={shot}", page_path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
