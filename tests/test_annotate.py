"""Behaviour of the default English news annotator (evx.text.annotate)."""
from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evx.errors import DocumentError, EvxError
from evx.text.annotate import MAX_SENTENCE_TOKENS, annotate, lemmatize, word_shape
from evx.text.document import Document

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def words(text: str) -> list[str]:
    return [t.word for s in annotate(text).sentences for t in s.tokens]


def sentences(text: str) -> list[list[str]]:
    return [[t.word for t in s.tokens] for s in annotate(text).sentences]


def check_invariants(doc: Document) -> None:
    text = doc.text
    prev_end = 0
    covered = []
    for si, sent in enumerate(doc.sentences):
        assert sent.index == si
        assert sent.tokens, "no empty sentences"
        assert len(sent.tokens) <= MAX_SENTENCE_TOKENS
        assert sent.start == sent.tokens[0].start
        assert sent.end == sent.tokens[-1].end
        assert sent.start >= prev_end
        for ti, tok in enumerate(sent.tokens):
            assert tok.index == ti
            assert tok.word
            assert text[tok.start:tok.end] == tok.word
            assert tok.start >= prev_end
            assert tok.end > tok.start
            assert not any(c.isspace() or c in ZERO_WIDTH for c in tok.word)
            assert tok.lower == tok.word.lower()
            assert tok.lemma == tok.lemma.lower()
            assert tok.shape
            covered.append((tok.start, tok.end))
            prev_end = tok.end
    # Everything between tokens is whitespace: no character is silently dropped.
    pos = 0
    for s, e in covered + [(len(text), len(text))]:
        assert all(c.isspace() or c in ZERO_WIDTH for c in text[pos:s])
        pos = e


# ------------------------------------------------------------------ basics

def test_empty_text():
    doc = annotate("")
    assert doc.sentences == ()
    assert doc.token_count == 0


def test_whitespace_only_text():
    doc = annotate(" \r\n\t\u00a0\u200b\n\n ")
    assert doc.sentences == ()


def test_document_fields_are_passed_through():
    meta = {"source": "wire"}
    doc = annotate("Kabul fell.", doc_id="d1", date="2021-08-15", meta=meta)
    assert (doc.id, doc.date, doc.meta) == ("d1", "2021-08-15", {"source": "wire"})
    assert doc.meta is not meta


def test_indices_and_offsets():
    doc = annotate("The envoy arrived in Islamabad on Sunday. Talks began on Monday.")
    check_invariants(doc)
    assert len(doc.sentences) == 2
    second = doc.sentences[1]
    assert second.index == 1
    assert [t.index for t in second.tokens] == [0, 1, 2, 3, 4]
    assert doc.text[second.start:second.end] == "Talks began on Monday."


def test_non_str_text_is_rejected():
    with pytest.raises(TypeError):
        annotate(b"bytes")  # type: ignore[arg-type]


def test_collector_state_is_restored():
    assert gc.isenabled()
    annotate("Officials met. They talked.")
    assert gc.isenabled()
    gc.disable()
    try:
        annotate("Officials met. They talked.")
        assert not gc.isenabled()
    finally:
        gc.enable()


# ------------------------------------------------------------ abbreviations

@pytest.mark.parametrize("title", [
    "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Sen.", "Rep.",
    "Gov.", "Pres.", "Prof.", "St.", "MR.",
])
def test_titles_keep_their_period_and_never_end_a_sentence(title):
    assert sentences(f"They met {title} Smith in Kabul.") == [
        ["They", "met", title, "Smith", "in", "Kabul", "."]]


@pytest.mark.parametrize("abbr", ["Jr.", "Sr.", "Co.", "Corp.", "Inc.", "Ltd."])
def test_name_and_company_suffixes(abbr):
    assert sentences(f"Acme {abbr} Officials said so.") == [
        ["Acme", abbr, "Officials", "said", "so", "."]]


@pytest.mark.parametrize("month", ["Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.", "Oct.",
                                   "Nov.", "Dec."])
def test_month_abbreviations(month):
    assert sentences(f"On {month} 5 the talks resumed.") == [
        ["On", month, "5", "the", "talks", "resumed", "."]]


@pytest.mark.parametrize("day", ["Mon.", "Tue.", "Tues.", "Wed.", "Thu.", "Thurs.", "Fri.", "Sat.", "Sun."])
def test_weekday_abbreviations(day):
    assert words(f"Talks end {day} Officials said.") == ["Talks", "end", day, "Officials", "said", "."]


@pytest.mark.parametrize("abbr", ["vs.", "etc.", "e.g.", "i.e."])
def test_latin_abbreviations(abbr):
    assert sentences(f"Some groups, {abbr} The Taliban, met.") == [
        ["Some", "groups", ",", abbr, "The", "Taliban", ",", "met", "."]]


def test_no_is_an_abbreviation_only_before_a_number():
    assert words("He ranked No. 5 in the poll.")[2] == "No."
    assert sentences("He said No. Then he left.") == [["He", "said", "No", "."], ["Then", "he", "left", "."]]


def test_initials():
    assert sentences("J. K. Rowling and George W. Bush met.") == [
        ["J.", "K.", "Rowling", "and", "George", "W.", "Bush", "met", "."]]


def test_pronoun_i_is_not_an_initial():
    assert sentences("No one knew more than I. Then we left.") == [
        ["No", "one", "knew", "more", "than", "I", "."], ["Then", "we", "left", "."]]


@pytest.mark.parametrize("acronym", ["U.S.", "U.N.", "U.K.", "E.U.", "U.S.A."])
def test_dotted_acronyms_are_one_token(acronym):
    assert words(f"The {acronym} envoy arrived.") == ["The", acronym, "envoy", "arrived", "."]


def test_dotted_acronym_before_capitalized_word_does_not_split():
    assert len(annotate("He flew to the U.S. Officials met him.").sentences) == 1


def test_dotted_acronym_at_end_of_line_splits():
    assert sentences("He flew to the U.S.\nOfficials met him.") == [
        ["He", "flew", "to", "the", "U.S."], ["Officials", "met", "him", "."]]


def test_dotted_acronym_in_wrapped_line_before_lower_case_does_not_split():
    assert len(annotate("He flew to the U.S.\nmilitary base.").sentences) == 1


def test_dotted_acronym_followed_by_closing_quote_splits():
    assert sentences('"We flew to the U.S." He left.') == [
        ['"', "We", "flew", "to", "the", "U.S.", '"'], ["He", "left", "."]]


def test_title_at_end_of_line_does_not_split():
    assert len(annotate("They met Gen.\nSmith on Monday.").sentences) == 1


def test_acronym_with_hyphenated_tail():
    assert words("U.S.-backed forces") == ["U.S.-backed", "forces"]


def test_abbreviation_followed_by_ellipsis_keeps_ellipsis():
    assert words("Mr...") == ["Mr", "..."]


# ------------------------------------------------------- clitics, possessives

@pytest.mark.parametrize("text, expected", [
    ("Iran's", ["Iran", "'s"]),
    ("Iran’s", ["Iran", "’s"]),
    ("officials' plans", ["officials", "'", "plans"]),
    ("officials’ plans", ["officials", "’", "plans"]),
    ("don't", ["do", "n't"]),
    ("can't", ["ca", "n't"]),
    ("won’t", ["wo", "n’t"]),
    ("they're", ["they", "'re"]),
    ("I'm", ["I", "'m"]),
    ("we'll", ["we", "'ll"]),
    ("we've", ["we", "'ve"]),
    ("he'd", ["he", "'d"]),
    ("shouldn't've", ["should", "n't", "'ve"]),
    ("O'Brien", ["O'Brien"]),
    ("O'Brien's", ["O'Brien", "'s"]),
    ("Qur'an", ["Qur'an"]),
    ("Tehrik-i-Taliban's", ["Tehrik-i-Taliban", "'s"]),
    ("U.S.'s", ["U.S.", "'s"]),
    ("ISKP's", ["ISKP", "'s"]),
])
def test_clitics(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I've", ["I", "'ve"]),
    ("we've", ["we", "'ve"]),
    ("they've", ["they", "'ve"]),
    ("you've", ["you", "'ve"]),
    ("could've", ["could", "'ve"]),
    ("I’ve", ["I", "’ve"]),
    ("THEY'VE", ["THEY", "'VE"]),
    ("You've", ["You", "'ve"]),
])
def test_have_contractions_split_like_the_other_clitics(text, expected):
    assert words(f"{text} seen it") == expected + ["seen", "it"]


# ---------------------------------------------------------- hyphens, dashes

@pytest.mark.parametrize("word", ["Afghanistan-related", "Tehrik-i-Taliban", "high-level",
                                  "Khorasan-based", "al-Qaeda", "F-16s"])
def test_hyphenated_words_stay_whole(word):
    assert words(f"the {word} group") == ["the", word, "group"]


@pytest.mark.parametrize("dash", ["—", "–", "--", "-", "---"])
def test_spaced_dashes_are_tokens(dash):
    assert words(f"Kabul {dash} the city") == ["Kabul", dash, "the", "city"]


@pytest.mark.parametrize("dash", ["—", "–", "--"])
def test_unspaced_dashes_are_tokens(dash):
    assert words(f"Kabul{dash}the city") == ["Kabul", dash, "the", "city"]


def test_trailing_hyphen_is_separate():
    assert words("pre- and post-war") == ["pre", "-", "and", "post-war"]


# ------------------------------------------- hyphens that glue two words

@pytest.mark.parametrize("text, expected", [
    ("Bridge Attack-LONDON — Police said", ["Bridge", "Attack", "-", "LONDON", "—", "Police", "said"]),
    ("Over Kashmir Violence-ISLAMABAD, PAKISTAN —\u00a0-The head",
     ["Over", "Kashmir", "Violence", "-", "ISLAMABAD", ",", "PAKISTAN", "—", "-", "The", "head"]),
    ("Sanctuary Spaces-NEW YORK — In her", ["Sanctuary", "Spaces", "-", "NEW", "YORK", "—", "In", "her"]),
    ("in Limbo-WASHINGTON, D.C. — For", ["in", "Limbo", "-", "WASHINGTON", ",", "D.C.", "—", "For"]),
    ("Mosul Fight-PENTAGON/WASHINGTON – The", ["Mosul", "Fight", "-", "PENTAGON", "/", "WASHINGTON", "–", "The"]),
    ("Bridge Attack-LONDON (Reuters) - Police", ["Bridge", "Attack", "-", "LONDON", "(", "Reuters", ")", "-", "Police"]),
    ("Mugabe Re-election Challenge-HARARE -- The", ["Mugabe", "Re-election", "Challenge", "-", "HARARE", "--", "The"]),
    ("Deaths in 3 Cities-SÃO PAULO — A", ["Deaths", "in", "3", "Cities", "-", "SÃO", "PAULO", "—", "A"]),
])
def test_headline_glued_to_its_dateline_is_split_at_the_hyphen(text, expected):
    assert words(text) == expected
    check_invariants(annotate(text))


@pytest.mark.parametrize("text", [
    "the anti-IS — and only that — coalition",      # a prefix before capitals
    "an Ex-FBI — or so he says — agent",
    "Peace Talks-WASHINGTON said nothing",           # no dash after the capitals
    "the Coca-Cola — Pepsi rivalry",
    "the Jean-LOUIS Smith — case",                   # lower case follows
    "US-NATO — talks",                               # no lower-case letter before the hyphen
])
def test_hyphens_before_capitals_that_open_no_dateline_stay(text):
    glued = [w for w in text.split() if "-" in w.strip("-")]
    assert all(w in words(text) for w in glued)


@pytest.mark.parametrize("text, expected", [
    ("IS-attacks", ["IS", "-", "attacks"]),
    ("IS-fighters", ["IS", "-", "fighters"]),
    ("UN-chief", ["UN", "-", "chief"]),
    ("IS-attack's", ["IS", "-", "attack", "'s"]),
    ("IS\u2011attacks", ["IS", "\u2011", "attacks"]),
])
def test_acronym_glued_to_a_noun_is_split(text, expected):
    assert words(f"after the {text} toll") == ["after", "the"] + expected + ["toll"]


@pytest.mark.parametrize("word", ["US-led", "UN-backed", "IS-linked", "IS-held", "US-made", "NATO-led",
                                  "AIDS-free", "US-style", "EU-wide", "GPS-tracking", "ISIS-inspired",
                                  "X-ray", "F-16s", "COVID-19", "anti-IS", "U.S.-led", "Iran-backed"])
def test_acronym_as_a_compound_modifier_stays_whole(word):
    assert words(f"the {word} group") == ["the", word, "group"]


# ------------------------------------------------------------------ numbers

@pytest.mark.parametrize("text, expected", [
    ("1,200", ["1,200"]),
    ("3.5", ["3.5"]),
    ("2024-01-15", ["2024-01-15"]),
    ("10:30", ["10:30"]),
    ("9/11", ["9/11"]),
    ("5%", ["5", "%"]),
    ("$5", ["$", "5"]),
    ("$1.5 billion", ["$", "1.5", "billion"]),
    ("21st", ["21st"]),
    ("1990s", ["1990s"]),
    ("1,200.", ["1,200", "."]),
])
def test_numbers(text, expected):
    assert words(text) == expected


def test_period_after_number_ends_sentence():
    assert sentences("He counted 1,200. Then 3.5 more.") == [
        ["He", "counted", "1,200", "."], ["Then", "3.5", "more", "."]]


# ----------------------------------------------------- quotes and brackets

@pytest.mark.parametrize("quote", ['"', "'", "“", "”", "‘", "’", "«", "»", "„"])
def test_every_quote_is_a_token(quote):
    assert words(f"{quote}Kabul{quote}") == [quote, "Kabul", quote]


def test_brackets_are_tokens():
    assert words("KABUL (Reuters) [sic] {x}") == [
        "KABUL", "(", "Reuters", ")", "[", "sic", "]", "{", "x", "}"]


@pytest.mark.parametrize("ellipsis", ["...", "…"])
def test_ellipsis_is_one_token(ellipsis):
    assert words(f"and then{ellipsis} nothing") == ["and", "then", ellipsis, "nothing"]


def test_bare_domain_names_are_one_token():
    assert words("Go to Vatgia.com or bbc.co.uk now.") == ["Go", "to", "Vatgia.com", "or", "bbc.co.uk", "now", "."]
    # a period between two sentences stays one, even before a word that starts like a domain
    assert words("It rained all year.Organizers said so.") == ["It", "rained", "all", "year", ".", "Organizers",
                                                                "said", "so", "."]


def test_urls_and_emails_are_one_token():
    assert words("See https://example.com/a?b=1. Write to press@example.org.") == [
        "See", "https://example.com/a?b=1", ".", "Write", "to", "press@example.org", "."]


# -------------------------------------------------------- sentence splitting

def test_a_headline_glued_to_its_dateline_and_the_dateline_are_sentences_of_their_own():
    text = "Envoy Heads to Talks-MANILA — -The envoy left for Beijing. Talks on US-NATO ties — and more — ended."
    doc = annotate(text)
    assert [text[s.start:s.end] for s in doc.sentences] == [
        "Envoy Heads to Talks-", "MANILA — -", "The envoy left for Beijing.", "Talks on US-NATO ties — and more — ended."]
    text = "KABUL, Afghanistan (AP) — Gunmen attacked a checkpoint. NATO said on Monday it would act."
    assert [text[s.start:s.end] for s in annotate(text).sentences] == [
        "KABUL, Afghanistan (AP) —", "Gunmen attacked a checkpoint.", "NATO said on Monday it would act."]


def test_exclamation_and_question_marks_end_sentences():
    assert sentences("Stop! Who goes there? Nobody?! Fine.") == [
        ["Stop", "!"], ["Who", "goes", "there", "?"], ["Nobody", "?!"], ["Fine", "."]]


def test_ellipsis_ends_sentence_before_capital():
    assert sentences("We waited… Then Kabul fell.") == [["We", "waited", "…"], ["Then", "Kabul", "fell", "."]]


def test_lower_case_after_terminal_does_not_split():
    assert len(annotate('"Why?" he asked. "Now!" she said.').sentences) == 2


def test_closing_quote_belongs_to_ending_sentence():
    assert sentences('He said: "We will fight." The talks ended.') == [
        ["He", "said", ":", '"', "We", "will", "fight", ".", '"'], ["The", "talks", "ended", "."]]


def test_closing_paren_belongs_to_ending_sentence():
    assert sentences("(The talks ended.) Officials left.") == [
        ["(", "The", "talks", "ended", ".", ")"], ["Officials", "left", "."]]


def test_opening_quote_and_paren_and_digit_start_sentences():
    assert sentences('It ended. "Good," one said. (Reuters) 12 died.') == [
        ["It", "ended", "."], ['"', "Good", ",", '"', "one", "said", "."], ["(", "Reuters", ")", "12", "died", "."]]


def test_no_split_without_whitespace():
    assert len(annotate("It ended.The talks").sentences) == 1


def test_blank_line_always_ends_sentence():
    assert sentences("the talks went on\n\nand on") == [["the", "talks", "went", "on"], ["and", "on"]]


def test_blank_line_with_spaces_ends_sentence():
    assert len(annotate("first part\n   \t\nsecond part").sentences) == 2


def test_headline_is_its_own_sentence():
    text = "Taliban seize Kabul after lightning offensive\n\nKABUL (Reuters) - The Taliban entered Kabul on Sunday."
    sents = annotate(text).sentences
    assert [t.word for t in sents[0].tokens] == ["Taliban", "seize", "Kabul", "after", "lightning", "offensive"]
    assert len(sents) == 2


def test_single_newline_without_terminal_does_not_split():
    assert len(annotate("The Taliban said on\nMonday that talks would resume.").sentences) == 1


def test_single_newline_after_terminal_splits():
    assert sentences("The talks ended.\nofficials left") == [["The", "talks", "ended", "."], ["officials", "left"]]


def test_single_newline_after_terminal_and_quote_splits():
    assert len(annotate('He said "no."\nthen left').sentences) == 2


# ---------------------------------------------------------------- line ends

def test_crlf_is_whitespace_and_blank_crlf_line_splits():
    text = "Headline here\r\n\r\nThe body starts.\r\nIt goes on\r\nand on."
    doc = annotate(text)
    check_invariants(doc)
    assert all("\r" not in t.word and "\n" not in t.word for s in doc.sentences for t in s.tokens)
    assert [[t.word for t in s.tokens] for s in doc.sentences] == [
        ["Headline", "here"], ["The", "body", "starts", "."], ["It", "goes", "on", "and", "on", "."]]


def test_lone_carriage_returns_count_as_line_breaks():
    assert len(annotate("Headline\r\rBody text").sentences) == 2


def test_paragraph_separator_ends_sentence():
    assert len(annotate("Headline\u2029Body text").sentences) == 2


# --------------------------------------------------- odd characters, spaces

def test_combining_marks_stay_in_their_word():
    assert words("cafe\u0301 e\u0301te\u0301") == ["cafe\u0301", "e\u0301te\u0301"]


def test_zero_width_and_nbsp_separate_tokens():
    text = "a\u200bb\u00a0c\ufeffd\u200de"
    assert words(text) == ["a", "b", "c", "d", "e"]


def test_emoji_with_modifiers_are_single_tokens():
    assert words("good👍🏽 ❤️ 🇺🇸") == ["good", "👍🏽", "❤️", "🇺🇸"]


def test_control_characters_are_tokens_or_space():
    doc = annotate("a\x00b\x1fc\x07")
    check_invariants(doc)
    assert [t.word for t in doc.sentences[0].tokens] == ["a", "\x00", "b", "c", "\x07"]


# ------------------------------------------------------------ sentence cap

def test_sentence_cap_splits_long_runs():
    text = " ".join(["word"] * 2500)
    doc = annotate(text)
    check_invariants(doc)
    assert [len(s.tokens) for s in doc.sentences] == [1000, 1000, 500]
    assert doc.sentences[1].tokens[0].index == 0
    assert doc.sentences[1].start == doc.sentences[0].tokens[-1].end + 1


def test_sentence_cap_exact_multiple():
    doc = annotate(" ".join(["w"] * 2000) + ".")
    assert [len(s.tokens) for s in doc.sentences] == [1000, 1000, 1]


def test_long_text_without_breaks():
    text = "and the officials met in Kabul " * 20000
    doc = annotate(text)
    assert doc.token_count == 120000
    assert all(len(s.tokens) == 1000 for s in doc.sentences)


# ----------------------------------------------------------------- lemmas

@pytest.mark.parametrize("word, lemma", [
    ("Iran", "iran"), ("Taliban", "taliban"), ("officials", "official"), ("arrived", "arrive"),
    ("met", "meet"), ("talks", "talk"), ("U.S.", "u.s."), ("'s", "'s"), ("’s", "'s"),
    ("n't", "not"), ("'re", "be"), (".", "."), (",", ","), ("—", "—"), ("...", "..."), ('"', '"'),
    ("1,200", "1,200"), ("21st", "21st"), ("US", "us"), ("IS", "is"), ("ISKP", "iskp"),
    ("Syrians", "syrian"), ("OFFICIALS", "official"), ("gone", "go"), ("killed", "kill"),
    ("Khorasan-based", "khorasan-based"), ("car-bombs", "car-bomb"), ("Mr.", "mr."),
    ("Islamabad", "islamabad"), ("children", "child"),
])
def test_lemmas(word, lemma):
    assert lemmatize(word) == lemma


def test_token_lemmas_in_context():
    toks = annotate("Iran's officials met the Taliban.").sentences[0].tokens
    assert [t.lemma for t in toks] == ["iran", "'s", "official", "meet", "the", "taliban", "."]


def test_very_long_word_lemma_is_its_lower_form():
    word = "Ab" * 200
    assert lemmatize(word) == word.lower()


# ----------------------------------------------------------------- shapes

@pytest.mark.parametrize("word, shape", [
    ("Islamabad", "Xxxxx"), ("2024", "dddd"), ("U.S.", "X.X."), ("ISKP", "XXXX"), ("1,200", "d,ddd"),
    ("iPhone", "xXxxxx"), ("21st", "ddxx"), ("Tehrik-i-Taliban", "Xxxxx-x-Xxxxx"), ("'s", "'x"),
    ("Zürich", "Xxxxx"), ("É", "X"), ("......", "...."), ("e\u0301", "x\u0301"), ("20240115", "dddd"),
])
def test_shapes(word, shape):
    assert word_shape(word) == shape


def test_token_fields_default_empty():
    tok = annotate("Kabul").sentences[0].tokens[0]
    assert (tok.tag, tok.entity, tok.incoming, tok.outgoing) == ("", "", "", ())
    assert (tok.lower, tok.lemma, tok.shape) == ("kabul", "kabul", "Xxxxx")


# --------------------------------------------------------- provided tokens

TEXT = "Envoy arrived. Talks began."


def provided() -> list[dict]:
    return [
        {"start": 0, "end": 5, "tag": "NN", "entity": "", "head": 1, "dep": "nsubj"},
        {"start": 6, "end": 13, "tag": "VBD", "head": -1, "dep": "ROOT"},
        {"start": 13, "end": 14, "tag": ".", "head": 1, "dep": "punct"},
        {"start": 15, "end": 20, "tag": "NNS", "lemma": "TALK", "head": 4, "dep": "nsubj"},
        {"start": 21, "end": 26, "tag": "VBD", "head": None, "dep": "ROOT"},
        {"start": 26, "end": 27, "tag": ".", "head": 4, "dep": "punct"},
    ]


def test_provided_tokens_fields_and_arcs():
    doc = annotate(TEXT, tokens=provided())
    check_invariants(doc)
    s1, s2 = doc.sentences
    assert [t.word for t in s1.tokens] == ["Envoy", "arrived", "."]
    assert [t.tag for t in s1.tokens] == ["NN", "VBD", "."]
    assert [t.incoming for t in s1.tokens] == ["nsubj", "ROOT", "punct"]
    assert s1.tokens[1].outgoing == ("nsubj", "punct")
    assert s1.tokens[0].outgoing == ()
    assert s1.tokens[1].lemma == "arrive"
    assert s2.tokens[0].lemma == "talk"          # provided, lower-cased
    assert s2.tokens[0].shape == "Xxxxx"
    assert s2.tokens[1].outgoing == ("nsubj", "punct")
    assert (s2.index, s2.start, s2.end) == (1, 15, 27)


def test_provided_tokens_with_sentence_ids():
    toks = provided()
    for t, sid in zip(toks, [7, 7, 7, 7, 9, 9]):
        t["sentence"] = sid
    doc = annotate(TEXT, tokens=toks)
    assert [[t.word for t in s.tokens] for s in doc.sentences] == [
        ["Envoy", "arrived", ".", "Talks"], ["began", "."]]
    assert [t.index for t in doc.sentences[1].tokens] == [0, 1]


def test_provided_tokens_may_skip_text_and_have_no_annotations():
    doc = annotate("Hello, world", tokens=[{"start": 0, "end": 5}, {"start": 7, "end": 12}])
    tok = doc.sentences[0].tokens[1]
    assert (tok.word, tok.tag, tok.entity, tok.incoming, tok.outgoing) == ("world", "", "", "", ())


def test_provided_tokens_empty_list():
    assert annotate("Some text", tokens=[]).sentences == ()


def test_provided_tokens_sentence_cap():
    text = "w " * 1500
    toks = [{"start": 2 * i, "end": 2 * i + 1, "sentence": 0} for i in range(1500)]
    assert [len(s.tokens) for s in annotate(text, tokens=toks).sentences] == [1000, 500]


@pytest.mark.parametrize("tokens, message", [
    ([{"start": 0, "end": 5}, {"start": 6, "end": 99}], "token 1: offsets"),
    ([{"start": -1, "end": 5}], "token 0: offsets"),
    ([{"start": 5, "end": 5}], "token 0: start 5 must be smaller"),
    ([{"start": 6, "end": 5}], "token 0: start 6 must be smaller"),
    ([{"start": 6, "end": 13}, {"start": 0, "end": 5}], "token 1: tokens are not sorted"),
    ([{"start": 0, "end": 7}, {"start": 6, "end": 13}], "token 1: overlaps"),
    ([{"start": 0, "end": 5, "head": 2}, {"start": 6, "end": 13}], "token 0: head 2 out of range"),
    ([{"start": 0, "end": 5, "head": -2}], "token 0: head -2 out of range"),
    ([{"start": 0, "end": 5, "head": 0}], "token 0: a token cannot be its own head"),
    ([{"start": 0, "end": 5}, {"end": 13}], "token 1: missing 'start'"),
    ([{"start": 0}], "token 0: missing 'end'"),
    ([{"start": "0", "end": 5}], "token 0: start must be an integer"),
    ([{"start": 0, "end": True}], "token 0: end must be an integer"),
    ([{"start": 0, "end": 5, "head": 1.0}, {"start": 6, "end": 13}], "token 0: head must be an integer"),
    (["Envoy"], "token 0: expected a dict"),
    ([{"start": 0, "end": 5, "sentence": 0}, {"start": 6, "end": 13}], "token 1: 'sentence' missing"),
    ([{"start": 0, "end": 5, "sentence": 0}, {"start": 6, "end": 13, "sentence": 1},
      {"start": 13, "end": 14, "sentence": 0}], "token 2: sentence 0 is not contiguous"),
])
def test_invalid_provided_tokens(tokens, message):
    with pytest.raises(DocumentError) as err:
        annotate(TEXT, tokens=tokens)
    assert message in str(err.value)
    assert isinstance(err.value, EvxError) and err.value.message.startswith("token ")


# ---------------------------------------------------------------- property

FRAGMENTS = [
    "Iran", "officials", "U.S.", "Mr.", "J.", "Inc.", "e.g.", "don't", "Iran's", "officials'", "’s",
    "Tehrik-i-Taliban", "1,200", "3.5", "2024-01-15", "10:30", "5%", "$5", "21st", "—", "–", "--", "-",
    ".", "!", "?", "...", "…", ",", ";", ":", '"', "'", "“", "”", "‘", "’", "«", "»", "„", "(", ")", "[", "]",
    "e\u0301", "\u0301", "👍🏽", "❤️", "🇺🇸", "👨\u200d👩\u200d👧", "\r\n", "\n", "\n\n", "\r", " ", "  ",
    "\u00a0", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029", "\t", "\x00", "\x1f", "\x85",
    "https://x.org/a.b", "a@b.co", "@", "No.", "5", "A", "a", "I", "'s", "n't", "İ", "ß", "ǅ",
]

texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_offsets_and_order_hold_for_any_text(text):
    check_invariants(annotate(text))


@settings(max_examples=100, deadline=None)
@given(texts)
def test_provided_tokens_from_own_tokenizer_round_trip(text):
    doc = annotate(text)
    toks = [{"start": t.start, "end": t.end} for s in doc.sentences for t in s.tokens]
    again = annotate(text, tokens=toks)
    check_invariants(again)
    assert [(t.start, t.end, t.lemma, t.shape) for s in again.sentences for t in s.tokens] == [
        (t.start, t.end, t.lemma, t.shape) for s in doc.sentences for t in s.tokens]
    assert [(s.start, s.end) for s in again.sentences] == [(s.start, s.end) for s in doc.sentences]
