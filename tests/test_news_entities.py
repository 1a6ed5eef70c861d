"""The entity layer of the bundled news rules: what it names, on sentences of its own."""
from __future__ import annotations

import pytest

import evx

NEWS = evx.load_rules()
ENTITIES = ("Person", "Organization", "Group", "Location", "Time")


def mentions(text: str, hidden: bool = False) -> set[tuple[str, str]]:
    """(label, text) of each entity mention the bundled rules find in `text`."""
    labels = ENTITIES if not hidden else None
    records = NEWS.extract(text, mentions=True, labels=labels, hidden=hidden)
    return {(r.type, r.text) for r in records if not hasattr(r, "trigger")}


def labels_of(text: str, span: str) -> set[str]:
    return {label for label, found in mentions(text) if found == span}


def test_an_assembly_is_an_organization_and_no_person():
    text = "The General Assembly adopted the resolution on Tuesday."
    assert labels_of(text, "General Assembly") == {"Organization"}
    assert not any(label == "Person" for label, _ in mentions(text))


def test_a_list_of_countries_gives_one_location_per_member():
    found = mentions("Ministers from Chile, Peru and Bolivia signed the accord.")
    assert {("Location", "Chile"), ("Location", "Peru"), ("Location", "Bolivia")} <= found
    assert not any("," in text for label, text in found if label == "Location")


def test_a_possessed_role_is_a_person_with_its_place_inside():
    found = mentions("Brazil's foreign minister arrived in Lima.")
    assert ("Person", "Brazil's foreign minister") in found
    assert ("Location", "Brazil") in found
    assert ("Location", "Lima") in found


@pytest.mark.parametrize("text, span", [
    ("Foreign Minister Ana Costa will travel to Rome.", "Foreign Minister Ana Costa"),
    ("President Omar Haddad spoke first.", "President Omar Haddad"),
    ("Maria Lindqvist said the talks had failed.", "Maria Lindqvist"),
    ("Okonkwo said the vote would be held.", "Okonkwo"),
    ("The group's spokesman, Yusuf Demirel, said nothing.", "Yusuf Demirel"),
])
def test_people_by_name(text, span):
    assert labels_of(text, span) == {"Person"}


def test_a_title_alone_makes_a_person_but_not_before_an_institution():
    assert labels_of("The minister left early.", "minister") == {"Person"}
    assert "Person" not in labels_of("The General Assembly met.", "General")


@pytest.mark.parametrize("text, span", [
    ("The Interior Ministry issued a statement.", "Interior Ministry"),
    ("The Ministry of Foreign Affairs denied it.", "Ministry of Foreign Affairs"),
    ("NATO warned of new strikes.", "NATO"),
    ("The Pakistani government rejected the claim.", "Pakistani government"),
    ("Security forces opened fire.", "Security forces"),
])
def test_organizations(text, span):
    assert "Organization" in labels_of(text, span)


@pytest.mark.parametrize("text, span", [
    ("Iranian officials met the envoy.", "Iranian officials"),
    ("A panel of inspectors visited the site.", "panel"),
    ("Striking dock workers blocked the port.", "dock workers"),
    ("The delegation left on Friday.", "delegation"),
])
def test_groups_from_noun_phrases(text, span):
    assert "Group" in labels_of(text, span)


def test_a_demonym_alone_is_no_place_but_before_a_noun_of_its_land_it_makes_one():
    assert "Location" not in labels_of("Iranian officials met the envoy.", "Iranian")
    assert "Location" not in labels_of("An Iranian drone was shot down.", "Iranian")
    assert labels_of("The drone crossed into Pakistani territory.", "Pakistani territory") == {"Location"}


def test_acronyms_are_kept():
    found = mentions("The US and IS were named, and the UN replied.")
    assert ("Location", "US") in found
    assert ("Organization", "IS") in found
    assert ("Organization", "UN") in found


def test_no_acronym_in_an_all_capital_headline_or_a_dateline():
    found = mentions("BREAKING NEWS AT NOON. LAGOSVILLE — Talks resumed.")
    assert not any(label == "Organization" for label, _ in found)


@pytest.mark.parametrize("text, span", [
    ("Rockets hit a Russian base.", "Russian base"),
    ("The wounded were taken to the hospital.", "hospital"),
    ("Shells landed in a border town.", "border town"),
    ("Fighting spread to Kandahar province.", "Kandahar province"),
])
def test_places_from_noun_phrases(text, span):
    assert "Location" in labels_of(text, span)


def test_a_vague_place_alone_is_no_location():
    assert "Location" not in labels_of("Troops stayed in the area.", "area")
    assert "Location" not in labels_of("He has been in office since June.", "office")


def test_times_are_found_and_an_event_time_carries_its_iso_value():
    doc = evx.annotate("The envoy arrived on March 3, 2024 and left two days later.", "d", "2024-03-10")
    texts = {r.text for r in NEWS.extract(doc, mentions=True, labels=["Time"])}
    assert {"March 3, 2024", "two days later"} <= texts
    times = [a for e in NEWS.extract(doc) for a in e.arguments.get("time", ())]
    assert [(a.text, a.value) for a in times] == [("March 3, 2024", "2024-03-03")]


def test_capitalised_common_words_are_no_names():
    found = mentions("Meanwhile, Officials said the Internet was down.")
    assert not any(label == "Person" for label, _ in found)


@pytest.mark.parametrize("text, span", [
    ("Putin hosted Erdogan at his residence.", "Putin"),
    ("Putin hosted Erdogan at his residence.", "Erdogan"),
    ("Mnangagwa flew to Beijing on Sunday.", "Mnangagwa"),
    ("Tokayev held talks with Mirziyoyev.", "Mirziyoyev"),
    ("Bolsonaro, Fernandez and Boric signed the pact.", "Boric"),
    ("Kurti's visit was cut short.", "Kurti"),
    ("Hun Manet received the envoy.", "Hun Manet"),
])
def test_an_unknown_name_in_an_actors_place_is_a_person(text, span):
    assert "Person" in labels_of(text, span)


def test_an_unknown_name_after_a_place_preposition_is_no_person():
    found = mentions("The convoy drove to Tillaberi and Agadez.")
    assert not any(label == "Person" for label, _ in found)


def test_a_headline_word_or_a_sentence_opening_plural_is_no_name():
    assert not any(label == "Person" for label, _ in mentions("Suicide Blast Hits Crowded Market"))
    assert not labels_of("Airstrikes hit the town overnight.", "Airstrikes")


def test_no_acronym_inside_a_persons_name():
    found = mentions("Kim Jong Un met the UN envoy.")
    assert ("Person", "Kim Jong Un") in found
    assert ("Organization", "Un") not in found
    assert ("Organization", "UN") in found


@pytest.mark.parametrize("text, span, label", [
    ("The writer denied the charge.", "writer", "Person"),
    ("Striking dock workers blocked the gate.", "dock workers", "Group"),
    ("A panel of inspectors arrived.", "panel", "Group"),
])
def test_common_nouns_for_people_are_actors(text, span, label):
    assert label in labels_of(text, span)


@pytest.mark.parametrize("text, span", [
    ("Traces of a nerve agent were found.", "nerve agent"),
    ("Hackers broke into an email server.", "email server"),
    ("Turkish coffee was served.", "Turkish"),
    ("Catholic churches were full.", "Catholic churches"),
    ("Media denied the report.", "Media"),
])
def test_things_named_like_actors_or_places_are_not(text, span):
    assert not (labels_of(text, span) & {"Person", "Group", "Location"})
