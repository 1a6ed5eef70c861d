"""The shipped WordNet lexicons: headers, form, and a few words of the annotation guide."""
from __future__ import annotations

from pathlib import Path

import pytest

LEXICONS = Path(__file__).resolve().parent.parent / "rules" / "news" / "lexicons"
TYPES = ("visit", "meeting", "attack", "denial")
TRIGGER_FILES = [f"triggers/{t}-{part}.txt" for t in TYPES for part in ("verbs", "nouns", "weak")]
NOUN_FILES = ["person-nouns.txt", "group-nouns.txt", "place-nouns.txt"]
LEMMA_FILES = TRIGGER_FILES + NOUN_FILES
# surface plurals that no lemma line can find (their lemma is not stable under lemmatizing)
FORM_FILES = sorted(f"triggers/{p.name}" for p in (LEXICONS / "triggers").glob("*-forms.txt"))
ALL_FILES = LEMMA_FILES + FORM_FILES


def read(name: str) -> tuple[list[str], list[str]]:
    """Header lines and entry lines of a lexicon file."""
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    entries = [line for line in lines if not line.startswith("#")]
    return header, entries


def entries(name: str) -> set[str]:
    return set(read(name)[1])


@pytest.mark.parametrize("name", ALL_FILES)
def test_header_names_source_licence_and_command(name):
    header = " ".join(read(name)[0])
    assert "Open English WordNet 2025" in header
    assert "d94538a" in header
    assert "CC BY 4.0" in header
    assert "https://github.com/globalwordnet/english-wordnet" in header
    assert "python scripts/build_lexicons.py wordnet" in header
    assert "do not edit by hand" in header


@pytest.mark.parametrize("name", ALL_FILES)
def test_entries_are_lower_case_sorted_unique_and_non_empty(name):
    header, lines = read(name)
    assert lines, "no entries"
    assert all(line.strip() == line and line for line in lines)
    assert all(line == line.lower() for line in lines)
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines))
    # header lines come first: no comment among the entries
    text = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    assert text[: len(header)] == header


@pytest.mark.parametrize("etype", TYPES)
def test_weak_words_are_not_also_strong(etype):
    weak = entries(f"triggers/{etype}-weak.txt")
    strong = entries(f"triggers/{etype}-verbs.txt") | entries(f"triggers/{etype}-nouns.txt")
    assert not weak & strong


# Words of the guide, in the form the engine matches (lemmas): "talks" is "talk".
PRESENT = {
    "triggers/visit-verbs.txt": ["visit", "arrive", "travel", "pay a visit", "call on"],
    "triggers/visit-nouns.txt": ["visit", "trip", "tour", "arrival", "stopover"],
    "triggers/visit-weak.txt": ["go", "come", "head"],
    "triggers/meeting-verbs.txt": ["meet", "negotiate", "hold talk", "confer"],
    "triggers/meeting-nouns.txt": ["talk", "meet", "summit", "negotiation", "sit-down"],
    "triggers/meeting-weak.txt": ["discuss", "conference"],
    "triggers/attack-verbs.txt": ["attack", "bomb", "shoot", "shell", "ambush", "open fire", "invade"],
    "triggers/attack-nouns.txt": ["strike", "airstrike", "air strike", "bombing", "raid", "clash",
                                  "massacre", "stab", "fight", "invasion", "gunbattle"],
    "triggers/attack-weak.txt": ["fire", "hit", "charge"],
    "triggers/denial-verbs.txt": ["deny", "refute", "rebut", "disavow", "repudiate"],
    "triggers/denial-nouns.txt": ["denial", "rebuttal", "refutation"],
    "triggers/denial-weak.txt": ["dismiss", "reject"],
    "person-nouns.txt": ["official", "minister", "inspector", "worker", "spokesman", "envoy",
                         "lawmaker", "gunman", "protester", "civilian"],
    "group-nouns.txt": ["delegation", "panel", "team", "committee", "government", "army", "militia",
                        "police", "force", "coalition", "council"],
    "place-nouns.txt": ["city", "village", "capital", "base", "hospital", "embassy", "airport",
                        "camp", "border", "headquarters"],
}

# Words the guide's NOT lists rule out, or that are people rather than events.
ABSENT = {
    # a compound whose head is a line itself would only lengthen the trigger ("state visit")
    "triggers/visit-nouns.txt": ["visitor", "migration", "deployment", "website", "state visit"],
    "triggers/visit-verbs.txt": ["visitor", "migrate", "deploy", "move"],
    "triggers/meeting-nouns.txt": ["conference", "press conference", "rally", "protest", "ceremony",
                                   "speech", "interview", "call"],
    "triggers/meeting-verbs.txt": ["call", "phone", "telephone", "speak", "talk"],
    "triggers/attack-nouns.txt": ["attacker", "fighter", "war", "conflict", "violence", "criticism",
                                  "work stoppage", "walkout", "terrorist attack", "suicide bombing"],
    "triggers/attack-verbs.txt": ["attacker", "kill", "die", "criticize", "walk out", "fire", "hit"],
    "triggers/denial-verbs.txt": ["refuse", "decline", "turn down", "withhold"],
    "triggers/denial-nouns.txt": ["refusal", "denier"],
}


@pytest.mark.parametrize("name,words", sorted(PRESENT.items()))
def test_guide_words_are_present(name, words):
    missing = [w for w in words if w not in entries(name)]
    assert not missing


@pytest.mark.parametrize("name,words", sorted(ABSENT.items()))
def test_not_list_words_are_absent(name, words):
    found = [w for w in words if w in entries(name)]
    assert not found


def test_no_event_file_lists_a_person_noun():
    people = {"visitor", "attacker", "denier", "negotiator", "gunman", "fighter"}
    for name in TRIGGER_FILES:
        assert not people & entries(name), name


def lemmas(phrase: str) -> str:
    """The phrase as the engine's lemma field reads it, word by word."""
    from evx.text.lemma import lemmatize
    from evx.text.tokenize import tokenize
    return " ".join(lemmatize(w) for w in tokenize(phrase)[2])


def test_entries_are_what_the_engine_matches_by_lemma():
    """Each line is already in lemma form, so the file says what it matches."""
    for name in LEMMA_FILES:
        for line in entries(name):
            assert lemmas(line) == line, (name, line)


def test_form_files_hold_what_lemma_lines_cannot_find():
    """A forms line is a plural whose lemma changes again when lemmatized ("meetings"), or a
    compound ending in one ("mass killings")."""
    assert "meetings" in entries("triggers/meeting-forms.txt")
    assert {"shootings", "stabbings", "mass killings"} <= entries("triggers/attack-forms.txt")
    for name in FORM_FILES:
        for line in entries(name):
            lemma = lemmas(line)
            assert lemma != line and lemmas(lemma) != lemma, (name, line)
