"""Rule sets as a whole: records, taxonomy, the mention cascade, priorities, vars, imports,
keep, lexicons and event dedupe."""
from __future__ import annotations

import pytest

import evx

PEOPLE_AND_PLACES = """
taxonomy:
  - Entity:
      - Actor: [Person]
      - Location
  - Event:
      - Contact: [VISIT]
  - City
  - Pair
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
rules:
  - name: people
    label: Person
    type: lexicon
    phrases: [John Smith, Mary]
  - name: places
    label: [Location, City]
    type: lexicon
    phrases: [New York, New York City, Paris]
  - name: visit
    label: VISIT
    priority: 2
    pattern: (?<visitor> @Person)? (?<trigger> visited) (?<destination> @Location)?
    attributes: {cameo: "042", weight: 3}
  - name: pair
    label: Pair
    priority: 2
    pattern: (?<a> @Person) and (?<b> @Person)
"""


def summary(records) -> list[tuple]:
    """(kind, type, text) of each record, in output order."""
    return [(r.kind, r.type, r.text) for r in records]


def texts(records, type_: str) -> list[str]:
    return [r.text for r in records if r.type == type_]


# -- records -----------------------------------------------------------------------------------

def test_every_record_text_is_its_slice(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    text = ("\ufeffYesterday  John Smith\u00a0visited\tNew York City … “Mary and John Smith”\r\n\r\n"
            "Then Mary visited Paris, é\u0301 again.")
    records = rules.extract(text, mentions=True)
    assert {r.kind for r in records} == {"event", "relation", "mention"}
    for r in records:
        d = r.to_dict()
        assert d["text"] == text[d["start"]:d["end"]]
        if "trigger" in d:
            t = d["trigger"]
            assert t["text"] == text[t["start"]:t["end"]]
            assert d["start"] <= t["start"] < t["end"] <= d["end"]
        for spans in d.get("arguments", {}).values():
            for s in spans:
                assert s["text"] == text[s["start"]:s["end"]]
                assert d["start"] <= s["start"] < s["end"] <= d["end"]


def test_event_record(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    text = "Yesterday John Smith visited New York City."
    (event,) = rules.extract(evx.annotate(text, doc_id="d1"))
    assert event.to_dict() == {
        "doc": "d1", "type": "VISIT", "rule": "visit", "sentence": 0,
        "start": 10, "end": 42, "text": "John Smith visited New York City",
        "trigger": {"start": 21, "end": 28, "text": "visited"},
        "arguments": {
            "visitor": [{"start": 10, "end": 20, "text": "John Smith", "label": "Person"}],
            "destination": [{"start": 29, "end": 42, "text": "New York City", "label": "Location"}],
        },
        "attributes": {"cameo": "042", "weight": 3},
    }


def test_default_output_is_events_only(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    records = rules.extract("Mary and John Smith visited Paris.")
    assert summary(records) == [("event", "VISIT", "John Smith visited Paris")]


def test_mentions_output_adds_mentions_and_relations(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    records = rules.extract("Mary and John Smith visited Paris.", mentions=True)
    assert summary(records) == [
        ("mention", "Person", "Mary"),
        ("relation", "Pair", "Mary and John Smith"),
        ("mention", "Person", "John Smith"),
        ("event", "VISIT", "John Smith visited Paris"),
        ("mention", "Location", "Paris"),
    ]


def test_relation_record(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    (relation,) = [r for r in rules.extract("Mary and John Smith left.", mentions=True) if r.kind == "relation"]
    d = relation.to_dict()
    assert d["kind"] == "relation" and "trigger" not in d
    assert d["arguments"] == {
        "a": [{"start": 0, "end": 4, "text": "Mary", "label": "Person"}],
        "b": [{"start": 9, "end": 19, "text": "John Smith", "label": "Person"}],
    }


def test_mention_record(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    (mention,) = rules.extract("We saw Paris.", mentions=True)
    assert mention.to_dict() == {"doc": "", "kind": "mention", "type": "Location", "rule": "places",
                                 "sentence": 0, "start": 7, "end": 12, "text": "Paris"}


def test_argument_without_mention_has_no_label(rules_from):
    rules = rules_from("""
        events:
          MEETING: {roles: [who]}
        rules:
          - name: m
            label: MEETING
            pattern: (?<who> []) (?<trigger> met)
        """)
    (event,) = rules.extract("Ann met Bob.")
    assert event.to_dict()["arguments"] == {"who": [{"start": 0, "end": 3, "text": "Ann"}]}


def test_sentence_index_and_offsets_in_later_sentence(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    text = "Nothing here. Mary visited Paris."
    (event,) = rules.extract(text)
    assert (event.sentence, event.start, event.end) == (1, 14, 32)
    assert event.trigger.text == "visited" and text[event.trigger.start:event.trigger.end] == "visited"


def test_attributes_copied_into_every_record(rules_from):
    rules = rules_from("""
        rules:
          - name: places
            label: Location
            type: lexicon
            phrases: [Paris, Rome]
            attributes: {source: test, rank: 1}
          - name: near
            label: Near
            priority: 2
            pattern: (?<a> @Location) and (?<b> @Location)
            attributes: {kind: pair}
        """)
    records = rules.extract("Paris and Rome", mentions=True)
    assert [(r.rule, dict(r.attributes)) for r in records] == [
        ("places", {"source": "test", "rank": 1}),
        ("near", {"kind": "pair"}),
        ("places", {"source": "test", "rank": 1}),
    ]


def test_missing_required_role_drops_the_event(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    records = rules.extract("Someone visited Paris. Mary visited Paris.")
    assert summary(records) == [("event", "VISIT", "Mary visited Paris")]


def test_optional_role_may_be_missing(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    (event,) = rules.extract("Mary visited the zoo.")
    assert event.text == "Mary visited" and set(event.arguments) == {"visitor"}


def test_same_event_from_two_rules_emitted_once(rules_from):
    rules = rules_from("""
        events:
          VISIT: {roles: [visitor, destination]}
        rules:
          - name: first
            label: VISIT
            pattern: (?<visitor> Ann) (?<trigger> visited)
          - name: second
            label: VISIT
            pattern: (?<trigger> visited) (?<destination> Rome)
          - name: later
            label: VISIT
            priority: 2
            pattern: (?<trigger> visited)
        """)
    records = rules.extract("Ann visited Rome.")
    assert [(r.rule, r.trigger.text) for r in records] == [("first", "visited")]


def test_dropped_event_does_not_block_a_later_complete_one(rules_from):
    rules = rules_from("""
        events:
          VISIT: {roles: [visitor], required: [visitor]}
        rules:
          - name: partial
            label: VISIT
            pattern: (?<visitor> Bob)? (?<trigger> visited)
          - name: full
            label: VISIT
            priority: 2
            pattern: (?<visitor> Ann) [] (?<trigger> visited)
        """)
    records = rules.extract("Ann then visited Rome.")
    assert [(r.rule, r.text) for r in records] == [("full", "Ann then visited")]


def test_different_triggers_are_different_events(rules_from):
    rules = rules_from("""
        events:
          VISIT: {roles: [visitor]}
        rules:
          - name: v
            label: VISIT
            pattern: (?<trigger> visited)
        """)
    assert [r.trigger.start for r in rules.extract("Ann visited Rome and visited Oslo.")] == [4, 21]


def test_labels_filter_follows_taxonomy(rules_from):
    rules = rules_from(PEOPLE_AND_PLACES)
    text = "Mary and John Smith visited Paris."
    assert summary(rules.extract(text, mentions=True, labels=["Entity"])) == [
        ("mention", "Person", "Mary"), ("mention", "Person", "John Smith"), ("mention", "Location", "Paris")]
    assert summary(rules.extract(text, mentions=True, labels=["Contact"])) == [
        ("event", "VISIT", "John Smith visited Paris")]


# -- keep --------------------------------------------------------------------------------------

KEEP = """
rules:
  - name: helper
    label: Num
    keep: false
    pattern: /^[0-9]+$/
  - name: pair
    label: Pair
    priority: 2
    pattern: "@Num and @Num"
"""


def test_keep_false_hides_records(rules_from):
    rules = rules_from(KEEP)
    records = rules.extract("1 and 2 and 3", mentions=True)
    assert summary(records) == [("mention", "Pair", "1 and 2")]


def test_keep_false_mentions_are_seen_by_later_rules(rules_from):
    rules = rules_from(KEEP)
    found = rules.matches(evx.annotate("1 and 2 and 3"))
    assert [(m.rule, m.keep) for m in found] == [("helper", False)] * 3 + [("pair", True)]


def test_hidden_option_shows_keep_false_records(rules_from):
    rules = rules_from(KEEP)
    records = rules.extract("1 and 2", mentions=True, hidden=True)
    assert summary(records) == [("mention", "Num", "1"), ("mention", "Pair", "1 and 2"), ("mention", "Num", "2")]


def test_keep_false_event_hidden(rules_from):
    rules = rules_from("""
        events:
          VISIT: {roles: [visitor]}
        rules:
          - name: v
            label: VISIT
            keep: false
            pattern: (?<trigger> visited)
        """)
    assert rules.extract("Ann visited Rome.") == []
    assert len(rules.extract("Ann visited Rome.", hidden=True)) == 1


def test_hidden_duplicate_event_does_not_suppress_kept_event(rules_from):
    rules = rules_from("""
        events:
          VISIT: {roles: [visitor]}
        rules:
          - name: hidden
            label: VISIT
            keep: false
            pattern: (?<trigger> visited)
          - name: shown
            label: VISIT
            pattern: (?<visitor> Ann) (?<trigger> visited)
        """)
    assert [r.rule for r in rules.extract("Ann visited Rome.")] == ["shown"]


def test_hidden_duplicate_mention_does_not_suppress_kept_mention(rules_from):
    rules = rules_from("""
        rules:
          - name: helper
            label: Location
            type: lexicon
            keep: false
            phrases: [Paris]
          - name: places
            label: Location
            type: lexicon
            phrases: [Paris, Rome]
        """)
    assert [r.text for r in rules.extract("Paris and Rome", mentions=True)] == ["Paris", "Rome"]


# -- taxonomy ----------------------------------------------------------------------------------

def test_parent_label_matches_child_mentions(rules_from):
    rules = rules_from("""
        taxonomy:
          - Entity:
              - Actor: [Person, Organization]
              - Location
          - Group
          - Thing
        rules:
          - name: people
            label: Person
            type: lexicon
            phrases: [Ann]
          - name: orgs
            label: Organization
            type: lexicon
            phrases: [NATO]
          - name: places
            label: Location
            type: lexicon
            phrases: [Rome]
          - name: actors
            label: Group
            priority: 2
            pattern: "@Actor (and @Actor)+"
          - name: any
            label: Thing
            priority: 2
            pattern: "@x:Entity in @y:Entity"
        """)
    records = rules.extract("Ann and NATO and Rome; NATO in Rome", mentions=True)
    assert texts(records, "Group") == ["Ann and NATO"]
    (thing,) = [r for r in records if r.type == "Thing"]
    assert thing.text == "NATO in Rome"
    assert [(s.text, s.label) for role in ("x", "y") for s in thing.arguments[role]] == \
        [("NATO", "Organization"), ("Rome", "Location")]


def test_taxonomy_from_a_file(rules_from):
    rules = rules_from("""
        taxonomy: labels.yml
        rules:
          - name: places
            label: City
            type: lexicon
            phrases: [Rome]
          - name: at
            label: At
            priority: 2
            pattern: at @Place
        """, files={"labels.yml": "- Place: [City, Country]\n- At\n"})
    assert texts(rules.extract("We met at Rome", mentions=True), "At") == ["at Rome"]


def test_every_label_of_a_multi_label_rule_is_matched(rules_from):
    rules = rules_from("""
        rules:
          - name: countries
            label: [Location, Country]
            type: lexicon
            phrases: [France]
          - name: c
            label: C
            priority: 2
            pattern: in @Country
          - name: l
            label: L
            priority: 2
            pattern: to @Location
        """)
    records = rules.extract("from France to France in France", mentions=True)
    assert summary(records) == [
        ("mention", "Location", "France"),
        ("mention", "L", "to France"), ("mention", "Location", "France"),
        ("mention", "C", "in France"), ("mention", "Location", "France"),
    ]


# -- priorities --------------------------------------------------------------------------------

def chain(priority: str) -> str:
    return f"""
        rules:
          - name: words
            label: X
            type: lexicon
            phrases: [a]
          - name: grow
            label: X
            priority: "{priority}"
            pattern: "@X @X"
        """


def x_spans(rules, text: str) -> list[tuple[int, int]]:
    found = rules.matches(evx.annotate(text))
    return sorted((m.start, m.end) for m in found if m.rule == "grow")


def test_fixed_priority_runs_once(rules_from):
    rules = rules_from(chain("2"))
    assert x_spans(rules, "a a a a a a a a") == [(0, 2), (2, 4), (4, 6), (6, 8)]


def test_open_priority_repeats_until_nothing_new(rules_from):
    rules = rules_from(chain("2+"))
    assert x_spans(rules, "a a a a a a a a") == [(0, 2), (0, 4), (0, 8), (2, 4), (4, 6), (4, 8), (6, 8)]


def test_open_priority_records(rules_from):
    rules = rules_from(chain("2+"))
    records = rules.extract("a a a a", mentions=True)
    assert [r.text for r in records if r.rule == "grow"] == ["a a", "a a a a", "a a"]


def test_priority_range_stops_after_its_last_step(rules_from):
    rules = rules_from(chain("2-3"))
    assert x_spans(rules, "a a a a a a a a") == [(0, 2), (0, 4), (2, 4), (4, 6), (4, 8), (6, 8)]


@pytest.mark.parametrize("priority", ["3-4", "5-6"])
def test_priority_range_later_in_the_cascade(rules_from, priority):
    rules = rules_from(chain(priority))
    assert x_spans(rules, "a a a a a a a a") == [(0, 2), (0, 4), (2, 4), (4, 6), (4, 8), (6, 8)]


def test_later_priority_sees_earlier_mentions(rules_from):
    rules = rules_from("""
        rules:
          - name: one
            label: A
            pattern: a
          - name: two
            label: B
            priority: 2
            pattern: "@A b"
          - name: three
            label: C
            priority: 3
            pattern: "@B c"
        """)
    records = rules.extract("a b c", mentions=True)
    assert summary(records) == [("mention", "A", "a"), ("mention", "B", "a b"), ("mention", "C", "a b c")]


SAME_STEP = """
rules:
  - name: base
    label: Y
    pattern: b
  - name: {first}
    label: {first_label}
    priority: 2
    pattern: {first_pattern}
  - name: {second}
    label: {second_label}
    priority: 2
    pattern: {second_pattern}
"""


@pytest.mark.parametrize("order", ["producer first", "user first"])
def test_same_priority_does_not_see_each_other(rules_from, order):
    producer = {"name": "makes_y", "label": "Y", "pattern": "a"}
    user = {"name": "uses_y", "label": "Z", "pattern": '"@Y"'}
    first, second = (producer, user) if order == "producer first" else (user, producer)
    rules = rules_from(SAME_STEP.format(
        first=first["name"], first_label=first["label"], first_pattern=first["pattern"],
        second=second["name"], second_label=second["label"], second_pattern=second["pattern"]))
    records = rules.extract("a b", mentions=True)
    assert [(r.rule, r.text) for r in records if r.rule == "uses_y"] == [("uses_y", "b")]
    assert [(r.rule, r.text) for r in records if r.rule == "makes_y"] == [("makes_y", "a")]


def test_label_only_found_at_same_priority_is_an_error(rules_from):
    with pytest.raises(evx.RuleErrors, match="nothing finds Y before it runs"):
        rules_from("""
            rules:
              - name: makes_y
                label: Y
                priority: 2
                pattern: a
              - name: uses_y
                label: Z
                priority: 2
                pattern: "@Y"
            """)


def test_open_rules_see_each_other_at_the_next_step(rules_from):
    rules = rules_from("""
        rules:
          - name: seed
            label: A
            pattern: a
          - name: ab
            label: B
            priority: 2+
            pattern: "@A b"
          - name: bc
            label: C
            priority: 2+
            pattern: "@B c"
        """)
    records = rules.extract("a b c", mentions=True)
    assert texts(records, "C") == ["a b c"]


# -- vars ----------------------------------------------------------------------------------------

def test_scalar_and_list_vars(rules_from):
    rules = rules_from("""
        vars:
          verbs: [visit, tour]
          place: Rome
        rules:
          - name: v
            label: V
            pattern: "[lemma=/^(${verbs})$/] ${place}"
        """)
    assert texts(rules.extract("She visited Rome and toured Rome and saw Rome", mentions=True), "V") == \
        ["visited Rome", "toured Rome"]


def test_var_values_are_taken_as_written(rules_from):
    """YAML would read `on` as true and `007` as 7; a pattern wants the text."""
    rules = rules_from("""
        vars:
          word: on
          code: 007
        rules:
          - name: v
            label: V
            pattern: "${word} ${code}"
        """)
    assert texts(rules.extract("go on 007 now", mentions=True), "V") == ["on 007"]


# -- imports -------------------------------------------------------------------------------------

def test_import_relative_to_the_importing_file(rules_from):
    rules = rules_from("""
        rules:
          - import: sub/entities.yml
          - name: met
            label: Met
            priority: 2
            pattern: "@Person met @Person"
        """, files={
        "sub/entities.yml": """
            rules:
              - import: more/names.yml
            """,
        "sub/more/names.yml": """
            rules:
              - name: names
                label: Person
                type: lexicon
                lexicon: names.txt
            """,
        "sub/more/names.txt": "# people\n\nAnn\nBob Lee\n",
    })
    assert texts(rules.extract("Ann met Bob Lee", mentions=True), "Met") == ["Ann met Bob Lee"]


def test_import_passes_vars(rules_from):
    rules = rules_from("""
        rules:
          - import: verbs.yml
            vars: {verb: arrived}
        """, files={"verbs.yml": """
            rules:
              - name: v
                label: V
                pattern: ${verb}
            """})
    assert texts(rules.extract("they arrived and left", mentions=True), "V") == ["arrived"]


def test_imported_file_sees_the_vars_its_import_line_passes(rules_from):
    """Scoping is lexical: the importer's own vars do not leak into the file it imports;
    the import line passes them down, read in the importer's scope."""
    rules = rules_from("""
        vars:
          det: [the, a]
        rules:
          - import: np.yml
            vars: {det: "${det}"}
        """, files={"np.yml": """
            rules:
              - name: np
                label: NP
                pattern: (${det}) dog
            """})
    assert texts(rules.extract("a dog saw the dog and my dog", mentions=True), "NP") == ["a dog", "the dog"]


def test_import_vars_override_the_files_own(rules_from):
    rules = rules_from("""
        rules:
          - import: w.yml
          - import: other/w.yml
            vars: {w: b}
        """, files={
        "w.yml": """
            vars: {w: a}
            rules:
              - name: own
                label: Own
                pattern: ${w}
            """,
        "other/w.yml": """
            vars: {w: a}
            rules:
              - name: passed
                label: Passed
                pattern: ${w}
            """,
    })
    records = rules.extract("a b", mentions=True)
    assert [(r.rule, r.text) for r in records] == [("own", "a"), ("passed", "b")]


def test_vars_pass_through_nested_imports_when_each_import_passes_them(rules_from):
    rules = rules_from("""
        rules:
          - import: a/one.yml
            vars: {target: z}
        """, files={
        "a/one.yml": """
            rules:
              - import: b/two.yml
                vars: {target: "${target}"}
            """,
        "a/b/two.yml": """
            rules:
              - name: deep
                label: Deep
                pattern: ${target}
            """,
    })
    assert texts(rules.extract("x y z", mentions=True), "Deep") == ["z"]


def test_import_cycle_is_an_error(rules_from):
    with pytest.raises(evx.RuleErrors, match="import cycle"):
        rules_from("""
            rules:
              - import: a.yml
            """, files={"a.yml": "rules:\n  - import: rules.yml\n"})


def test_imported_rules_join_the_cascade(rules_from):
    rules = rules_from("""
        rules:
          - import: late.yml
          - name: early
            label: E
            pattern: e
        """, files={"late.yml": """
            rules:
              - name: late
                label: L
                priority: 2
                pattern: "@E f"
            """})
    assert texts(rules.extract("e f", mentions=True), "L") == ["e f"]


# -- lexicons ------------------------------------------------------------------------------------

def lexicon_rules(phrases: str) -> str:
    return f"""
        rules:
          - name: lex
            label: L
            type: lexicon
            phrases: {phrases}
        """


def test_lexicon_longest_match(rules_from):
    rules = rules_from(lexicon_rules('["New York", "New York City", "York"]'))
    records = rules.extract("New York City and York and New York", mentions=True)
    assert [r.text for r in records] == ["New York City", "York", "New York"]


def test_lexicon_leftmost_without_overlaps(rules_from):
    rules = rules_from(lexicon_rules('["a b", "b c", "c d"]'))
    records = rules.extract("a b c d", mentions=True)
    assert [r.text for r in records] == ["a b", "c d"]


def test_lexicon_falls_back_to_shorter_phrase(rules_from):
    rules = rules_from(lexicon_rules('["New York", "New York City Hall"]'))
    records = rules.extract("New York City council", mentions=True)
    assert [r.text for r in records] == ["New York"]


def test_lexicon_ignores_case(rules_from):
    rules = rules_from(lexicon_rules('["new york"]'))
    records = rules.extract("NEW YORK and New York and new york", mentions=True)
    assert [r.text for r in records] == ["NEW YORK", "New York", "new york"]


def test_lexicon_phrases_tokenized_like_text(rules_from):
    rules = rules_from(lexicon_rules('["U.S.", "Côte d\'Ivoire", "al-Shabaab", "St. Louis"]'))
    text = "The U.S. and Côte d'Ivoire, al-Shabaab and St. Louis."
    records = rules.extract(text, mentions=True)
    assert [r.text for r in records] == ["U.S.", "Côte d'Ivoire", "al-Shabaab", "St. Louis"]


def test_lexicon_match_whole_tokens_only(rules_from):
    rules = rules_from(lexicon_rules('["York"]'))
    assert rules.extract("Yorkshire and New-York", mentions=True) == []


def test_lexicon_file_relative_to_rule_file(rules_from):
    rules = rules_from("""
        rules:
          - name: lex
            label: L
            type: lexicon
            lexicon: lexicons/words.txt
        """, files={"lexicons/words.txt": "# a comment line\nalpha beta\n\n  gamma  \n"})
    records = rules.extract("alpha beta gamma # a comment line", mentions=True)
    assert [r.text for r in records] == ["alpha beta", "gamma"]



ANCHORED = """
rules:
  - name: family
    label: A
    pattern: '[lower=/^(the|a|an)$/]? (?<trigger> [lemma=visit]) [lower=/^(in|to|with|on|at)$/] (?<arg> [shape=/^X/]+)'
  - name: two-words
    label: B
    pattern: '[]? [lemma=/^(meet|talk)$/] [lower=with] []{0,2} [shape=/^X/]'
  - name: behind
    label: C
    pattern: '(?<= [lower=the]) [lemma=attack] [lower=on] []'
"""


def test_anchors_from_the_rule_index_change_no_match(rules_from):
    """The rule index hands each anchored rule the positions of its anchor; the search must
    find exactly what it finds when it looks the anchors up itself."""
    from evx.pattern.vm import SentenceState, find_matches
    rules = rules_from(ANCHORED)
    doc = evx.annotate("The minister visited in Paris and visits to Rome. They met with the Iraqi envoy "
                       "and talked with him. The attack on Kabul, an attack on police. Visit at Dawn. "
                       "visiting with Sharif in the talks with Iran visit in")
    _, index = rules.plan.at(1)
    handed = 0
    for sentence in doc.sentences:
        state = SentenceState(sentence)
        for rule, anchors in index.candidates(state):
            if anchors is not None:
                handed += 1
                program = rule.matcher.program
                assert list(find_matches(program, state, anchors)) == list(find_matches(program, state))
    assert handed >= 5
    assert {r.type for r in rules.extract(doc, mentions=True)} == {"A", "B", "C"}


# -- an event found by two rules of a step ---------------------------------------------------------

TWO_FINDERS = """
    events:
      VISIT: {roles: [visitor, destination]}
    rules:
      - name: by-visitor
        label: VISIT
        pattern: (?<visitor> [lower=kerry]) (?<trigger> [lower=visited])
      - name: by-destination
        label: VISIT
        pattern: (?<trigger> [lower=visited]) (?<destination> [lower in (kyiv, kerry)])
      - name: both-again
        label: VISIT
        pattern: (?<visitor> [lower=he]) (?<trigger> [lower=visited]) (?<destination> [lower=kyiv])
"""


def test_the_first_rule_keeps_the_event_and_later_ones_fill_its_empty_roles(rules_from):
    [record] = rules_from(TWO_FINDERS).extract("Kerry visited Kyiv.")
    assert record.rule == "by-visitor"
    assert {role: [a.text for a in args] for role, args in record.arguments.items()} == {
        "visitor": ["Kerry"], "destination": ["Kyiv"]}
    assert record.text == "Kerry visited Kyiv"


def test_a_role_already_filled_is_not_replaced(rules_from):
    [record] = rules_from(TWO_FINDERS).extract("He visited Kyiv.")
    assert record.rule == "by-destination"
    assert {role: [a.text for a in args] for role, args in record.arguments.items()} == {
        "destination": ["Kyiv"], "visitor": ["He"]}


def test_a_filled_role_never_overlaps_another_argument(rules_from):
    # the second rule reads "Kerry" as the destination, the first as the visitor
    rules = rules_from(TWO_FINDERS.replace("(?<visitor> [lower=kerry]) (?<trigger> [lower=visited])",
                                           "(?<trigger> [lower=visited]) (?<visitor> [lower=kerry])"))
    [record] = rules.extract("They visited Kerry.")
    assert {role: [a.text for a in args] for role, args in record.arguments.items()} == {"visitor": ["Kerry"]}
