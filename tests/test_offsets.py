"""Every record's text is the document's [start:end], whatever characters surround it."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evx

NEWS = evx.load_rules()

# words the bundled rules react to, so that generated text produces records
WORDS = ["Mr.", "Hassan", "Kazmi", "Qomi", "arrived", "in", "Islamabad", "on", "Sunday", "Pakistan", "and",
         "Iran", "have", "initiated", "negotiations", "Taliban", "officials", "denied", "these", "allegations",
         "attacks", "Kabul", "'s", "meeting", "with", "Foreign", "Minister", "Jalil", "Abbas", "Jilani", "U.S.",
         "visit", "talks", "between", "Kerman", "terrorism", "incident", "by", "ISKP", "(", ")", ",", ".", "—"]
ODD = ["\r\n", "\n\n", "\u00a0", "\u200b", "\ufeff", "e\u0301", "\U0001F600", "\u2019s", "\t", "\u2028",
       "\u201c", "\u201d", "--", "...", "\x00", "\u0301", "中文", "\ud7ff"]

pieces = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=3)), max_size=60)
separators = st.sampled_from([" ", " ", " ", "", "\n", "\u00a0", "\u200b", "\r\n"])


@st.composite
def texts(draw) -> str:
    parts = draw(pieces)
    return "".join(p + draw(separators) for p in parts)


def _spans(record: dict):
    yield record
    if "trigger" in record:
        yield record["trigger"]
    for spans in record.get("arguments", {}).values():
        yield from spans


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_every_text_is_its_slice(text):
    for record in NEWS.extract(text, mentions=True, hidden=True):
        for span in _spans(record.to_dict()):
            assert span["text"] == text[span["start"]:span["end"]]
            assert 0 <= span["start"] < span["end"] <= len(text)


def test_seed_like_sentence_offsets():
    text = "Iranian envoy Hassan Kazmi Qomi\u00a0arrived in Islamabad on Sunday.\r\n\r\nTaliban officials denied it."
    records = NEWS.extract(text, mentions=True)
    assert records, "the bundled rules find something here"
    for record in records:
        for span in _spans(record.to_dict()):
            assert span["text"] == text[span["start"]:span["end"]]
