"""Rule-file errors: each one names its file, line and column, and one run reports them all."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

import evx
from evx.text.document import PATTERN_FIELDS
from evx.errors import EvxError

# -- helpers ------------------------------------------------------------------------------------

HEAD = """\
taxonomy:
  - Entity: [Person, Location]
  - Event: [VISIT]
events:
  VISIT: {roles: [visitor, destination], required: [visitor]}
"""
HEAD_LINES = HEAD.count("\n")   # 5


def write(folder: Path, text: str, name: str = "rules.yml") -> Path:
    """Write a rule file (dedented) into `folder`; return its path."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path, **kwargs) -> list[EvxError]:
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path, **kwargs)
    errors = info.value.errors
    assert errors, "RuleErrors without errors"
    return errors


def one_error(path: Path, **kwargs) -> EvxError:
    errors = errors_of(path, **kwargs)
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def locate(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of character `offset` of the only occurrence of `needle` in `text`."""
    assert text.count(needle) == 1, f"{needle!r} must occur once"
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def where(err: EvxError) -> tuple[int, int]:
    assert err.location is not None, err.message
    return err.location.line, err.location.column


def same_file(err: EvxError, path: Path) -> bool:
    return Path(err.location.file).resolve() == Path(path).resolve()


def assert_points_at(err: EvxError, char: str) -> None:
    """`format()` is `FILE:LINE:COL: message`, then the source line, then a caret under `char`."""
    loc = err.location
    lines = err.format().splitlines()
    assert lines[0] == f"{loc.file}:{loc.line}:{loc.column}: {err.message}"
    source, caret = lines[1], lines[2]
    assert source.startswith("    ") and caret.strip() == "^"
    caret_at = caret.index("^")
    assert source[caret_at] == char, (source, caret)
    assert caret_at - 4 == loc.column - 1


def rules_file(tmp_path: Path, body: str, head: bool = True, name: str = "rules.yml") -> tuple[Path, str]:
    text = (HEAD if head else "") + textwrap.dedent(body)
    return write(tmp_path, text, name), text


# -- syntax errors inside patterns --------------------------------------------------------------

def test_block_scalar_syntax_error_points_into_the_block(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |
              [lower=a]
              [lower=b] ] [lower=c]
        """)
    # `pattern: |` is on line 9; the stray ']' is two lines further down, at column 17
    assert text.splitlines()[8].strip() == "pattern: |"
    err = one_error(path)
    assert same_file(err, path)
    assert where(err) == (11, 17)
    assert where(err) == locate(text, "[lower=b] ]", 10)
    assert "']'" in err.message
    assert_points_at(err, "]")


def test_block_scalar_with_leading_blank_line_and_strip_chomping(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |-

              a
                b ]
        """)
    err = one_error(path)
    assert where(err) == locate(text, "b ]", 2) == (12, 11)
    assert_points_at(err, "]")


def test_plain_one_line_pattern_error_column(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: a b ] c
        """)
    err = one_error(path)
    assert where(err) == (9, 18) == locate(text, "a b ]", 4)
    assert_points_at(err, "]")


@pytest.mark.parametrize("quoted", ['"[lower=a] ] b"', "'[lower=a] ] b'"])
def test_quoted_one_line_pattern_error_column(tmp_path, quoted):
    path, text = rules_file(tmp_path, f"""\
        rules:
          - name: r
            label: Person
            pattern: {quoted}
        """)
    err = one_error(path)
    assert where(err) == (9, 25) == locate(text, "[lower=a] ]", 10)
    assert_points_at(err, "]")


def test_plain_scalar_continued_on_a_second_line(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: a
              b ]
        """)
    err = one_error(path)
    assert where(err) == locate(text, "b ]", 2) == (10, 9)


def test_double_quoted_pattern_with_escapes_error_column(tmp_path):
    path, text = rules_file(tmp_path, r"""
        rules:
          - name: r
            label: Person
            pattern: "[word=\"x\"] ] b"
        """.lstrip("\n"))
    err = one_error(path)
    assert where(err) == locate(text, '[word=\\"x\\"] ]', 13)


def test_single_quoted_pattern_with_escaped_quote_error_column(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: '[word=''x''] ] b'
        """)
    err = one_error(path)
    assert where(err) == locate(text, "[word=''x''] ]", 13)


def test_folded_block_pattern_error_location(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: >
              [lower=a]
              [lower=b] ] c
        """)
    err = one_error(path)
    assert where(err) == locate(text, "[lower=b] ]", 10)


def test_block_scalar_with_indentation_indicator_error_column(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |2
                a ]
        """)
    err = one_error(path)
    assert where(err) == locate(text, "a ]", 2)


# -- field, label, variable, regex, repetition --------------------------------------------------

def test_unknown_field_suggests_the_closest_and_lists_the_fields(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |
              [lemma=a]
              [lema=b]
        """)
    err = one_error(path)
    assert "unknown field 'lema'" in err.message
    assert where(err) == locate(text, "lema=", 0) == (11, 8)
    assert "did you mean 'lemma'" in err.hint
    for name in PATTERN_FIELDS:
        assert name in err.hint
    assert_points_at(err, "l")


def test_unknown_field_without_a_close_match_still_lists_the_fields(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: "[colour=red]"
        """)
    err = one_error(path)
    assert where(err) == locate(text, "colour", 0)
    for name in ("word", "lower", "lemma", "tag", "entity", "shape", "mention"):
        assert name in err.hint


@pytest.mark.parametrize("pattern, at", [
    ("a @Persn", "@Persn"),
    ("a @who:Persn", "@who"),
    ("a [mention=Persn]", "mention="),
])
def test_unknown_label_hint_names_the_closest_label(tmp_path, pattern, at):
    path, text = rules_file(tmp_path, f"""\
        rules:
          - name: r
            label: Location
            pattern: |
              {pattern}
        """)
    err = one_error(path)
    assert "Persn" in err.message
    assert "'Person'" in err.hint
    assert where(err) == locate(text, at, 0)


def test_unknown_variable(tmp_path):
    path, text = rules_file(tmp_path, """\
        vars:
          verbs: [arrive, visit]
        rules:
          - name: r
            label: Person
            pattern: |
              [lemma=a] [lemma=/^(${verb})$/]
        """)
    err = one_error(path)
    assert "unknown variable 'verb'" in err.message
    assert where(err) == locate(text, "${verb}", 0)
    assert "verbs" in err.hint
    assert_points_at(err, "$")


def test_unknown_variable_with_no_variables_defined(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: a ${nothing}
        """)
    err = one_error(path)
    assert "unknown variable 'nothing'" in err.message
    assert where(err) == locate(text, "${nothing}", 0)


def test_error_after_an_expanded_variable_points_into_the_source(tmp_path):
    path, text = rules_file(tmp_path, """\
        vars:
          long: [aaaaaaaaaa, bbbbbbbbbb, cccccccccc]
        rules:
          - name: r
            label: Person
            pattern: |
              (${long}) b ]
        """)
    err = one_error(path)
    assert where(err) == locate(text, "b ]", 2)
    assert_points_at(err, "]")


def test_bad_regex_points_at_the_bad_character(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |
              [lemma=a]
              [lemma=/ab(c/]
        """)
    err = one_error(path)
    assert err.message.startswith("bad regex")
    assert where(err) == locate(text, "ab(c", 2)
    assert_points_at(err, "(")


def test_repetition_minimum_above_maximum(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: |
              [lemma=a] []{3,1} b
        """)
    err = one_error(path)
    assert "{3,1}" in err.message
    assert where(err) == locate(text, "{3,1}", 0) == (10, 19)
    assert_points_at(err, "{")


# -- roles and triggers -------------------------------------------------------------------------

def test_undeclared_role_in_an_event_rule(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: VISIT
            pattern: |
              (?<visitor> a) (?<trigger> b)
              (?<place> c)
        """)
    err = one_error(path)
    assert "role 'place'" in err.message and "VISIT" in err.message
    assert where(err) == locate(text, "(?<place>", 0)
    assert "visitor" in err.hint and "destination" in err.hint


def test_undeclared_role_captured_as_a_mention(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: people
            label: Person
            type: lexicon
            phrases: [bob]
          - name: r
            label: VISIT
            priority: 2
            pattern: "@visitor:Person (?<trigger> went) to @where:Location"
        """)
    errors = errors_of(path)
    roles = [e for e in errors if "role 'where'" in e.message]
    assert len(roles) == 1
    assert where(roles[0]) == locate(text, "@where", 0)


def test_event_rule_without_a_trigger(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: VISIT
            pattern: |
              (?<visitor> a) went
        """)
    err = one_error(path)
    assert "trigger" in err.message and "'r'" in err.message
    assert where(err) == locate(text, "(?<visitor>", 0)
    assert "(?<trigger>" in err.hint


# -- rule entries -------------------------------------------------------------------------------

def test_duplicate_rule_names_across_an_import(tmp_path):
    write(tmp_path, """\
        rules:
          - name: twice
            label: Person
            pattern: b
        """, "other.yml")
    path, text = rules_file(tmp_path, """\
        rules:
          - import: other.yml
          - name: twice
            label: Person
            pattern: a
        """)
    err = one_error(path)
    assert "duplicate rule name 'twice'" in err.message
    assert same_file(err, path)
    assert where(err) == locate(text, "twice", 0)
    assert "other.yml:2:11" in err.hint


def test_duplicate_rule_names_in_one_file(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: same
            label: Person
            pattern: a
          - name: same
            label: Person
            pattern: b
        """)
    err = one_error(path)
    assert "duplicate rule name 'same'" in err.message
    assert where(err) == (10, 11)
    assert ":7:11" in err.hint


@pytest.mark.parametrize("entry, message", [
    ("- label: Person\n    pattern: a\n", "needs a 'name'"),
    ("- name: r\n    pattern: a\n", "needs a 'label'"),
    ("- name: r\n    label: Person\n", "needs a 'pattern'"),
])
def test_missing_name_label_or_pattern(tmp_path, entry, message):
    path, text = rules_file(tmp_path, "rules:\n  - name: fine\n    label: Person\n    pattern: x\n  " + entry)
    err = one_error(path)
    assert message in err.message
    # the rule's own entry: line 10, where its first key starts
    assert where(err) == (HEAD_LINES + 5, 5)


def test_unknown_rule_key_suggests_the_closest(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            patern: a
        """)
    errors = errors_of(path)
    unknown = [e for e in errors if "unknown rule key 'patern'" in e.message]
    assert len(unknown) == 1
    assert where(unknown[0]) == locate(text, "patern", 0)
    assert "did you mean 'pattern'" in unknown[0].hint


def test_unknown_rule_key_without_a_close_match_lists_the_keys(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: a
            zzz: 1
        """)
    err = one_error(path)
    assert "unknown rule key 'zzz'" in err.message
    assert where(err) == locate(text, "zzz", 0)
    for key in ("name", "label", "priority", "pattern", "lexicon", "phrases", "keep"):
        assert key in err.hint


@pytest.mark.parametrize("value", ["0", '"x"', '"4-2"'])
def test_bad_priority(tmp_path, value):
    path, text = rules_file(tmp_path, f"""\
        rules:
          - name: r
            label: Person
            priority: {value}
            pattern: a
        """)
    err = one_error(path)
    assert "priority" in err.message
    assert where(err) == locate(text, f"priority: {value}", len("priority: "))
    assert err.hint


@pytest.mark.parametrize("value", ["1", "3", '"2+"', '"2-4"'])
def test_good_priorities_load(tmp_path, value):
    path, _ = rules_file(tmp_path, f"""\
        rules:
          - name: r
            label: Person
            priority: {value}
            pattern: a
        """)
    assert evx.load_rules(path).rule("r") is not None


# -- files: lexicons and imports ----------------------------------------------------------------

def test_lexicon_file_that_does_not_exist(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: places
            label: Location
            type: lexicon
            lexicon: lexicons/nowhere.txt
        """)
    err = one_error(path)
    assert "lexicons/nowhere.txt" in err.message and "does not exist" in err.message
    assert where(err) == locate(text, "lexicons/nowhere.txt", 0)


def test_import_of_a_missing_file(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - import: missing.yml
        """)
    err = one_error(path)
    assert "missing.yml" in err.message and "does not exist" in err.message
    assert same_file(err, path)
    assert where(err) == locate(text, "missing.yml", 0)


def test_import_cycle(tmp_path):
    a = write(tmp_path, """\
        rules:
          - import: b.yml
          - name: ra
            label: Person
            pattern: a
        """, "a.yml")
    b = write(tmp_path, """\
        rules:
          - name: rb
            label: Person
            pattern: b
          - import: a.yml
        """, "b.yml")
    err = one_error(a)
    assert "cycle" in err.message
    assert "a.yml -> b.yml -> a.yml" in err.message
    assert same_file(err, b)
    assert where(err) == (5, 13)


def test_import_that_leaves_the_folder_is_refused_unless_allowed(tmp_path):
    outside = write(tmp_path, """\
        rules:
          - name: outsider
            label: Person
            pattern: o
        """, "outside.yml")
    folder = tmp_path / "set"
    path, text = rules_file(folder, """\
        rules:
          - import: ../outside.yml
          - name: insider
            label: Person
            pattern: i
        """)
    err = one_error(path)
    assert "leaves" in err.message
    assert where(err) == locate(text, "../outside.yml", 0)
    rules = evx.load_rules(path, allow_outside_imports=True)
    assert {r.name for r in rules.rules} == {"insider", "outsider"}
    assert outside.exists()


def test_lexicon_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "names.txt").write_text("bob\n", encoding="utf-8")
    path, text = rules_file(tmp_path / "set", """\
        rules:
          - name: people
            label: Person
            type: lexicon
            lexicon: ../names.txt
        """)
    err = one_error(path)
    assert where(err) == locate(text, "../names.txt", 0)
    assert evx.load_rules(path, allow_outside_imports=True).rule("people") is not None


def test_errors_inside_an_imported_file_name_that_file(tmp_path):
    child_text = textwrap.dedent("""\
        rules:
          - name: child
            label: Person
            pattern: c ]
        """)
    write(tmp_path, child_text, "child.yml")
    path, text = rules_file(tmp_path, """\
        rules:
          - import: child.yml
          - name: parent
            label: Person
            pattern: p ]
        """)
    errors = errors_of(path)
    assert len(errors) == 2
    by_file = {Path(e.location.file).name: e for e in errors}
    assert where(by_file["child.yml"]) == locate(child_text, "c ]", 2) == (4, 16)
    assert where(by_file["rules.yml"]) == locate(text, "p ]", 2)


# -- YAML ---------------------------------------------------------------------------------------

def test_bad_yaml_unclosed_bracket_on_its_line(tmp_path):
    path, text = rules_file(tmp_path, """\
        events: {VISIT: {roles: [visitor, destination}, required: [visitor]}}
        rules: []
        """, head=False)
    err = one_error(path)
    assert err.message.startswith("bad YAML")
    assert where(err) == locate(text, "}, required", 0) == (1, 46)
    assert_points_at(err, "}")


def test_bad_yaml_unclosed_bracket_at_end_of_file(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: [Person
        """, head=False)
    err = one_error(path)
    assert err.message.startswith("bad YAML")
    assert err.location.line == 3
    assert err.location.source_line.strip() == "label: [Person"


@pytest.mark.parametrize("tagged", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/object/apply:subprocess.call [[touch, {marker}]]",
    "!!python/name:os.system",
    "!custom {{a: 1}}",
])
def test_yaml_tags_are_refused_and_nothing_runs(tmp_path, tagged):
    marker = tmp_path / "ran"
    value = tagged.format(marker=marker)
    path, text = rules_file(tmp_path, f"""\
        rules:
          - name: r
            label: Person
            pattern: {value}
        """)
    errors = errors_of(path)
    assert not marker.exists()
    tag_errors = [e for e in errors if "tag" in e.message]
    assert len(tag_errors) == 1
    assert where(tag_errors[0]) == (HEAD_LINES + 4, 14)


def test_alias_bomb_is_refused_fast(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("rules: []")
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    errors = errors_of(path)
    elapsed = time.perf_counter() - started
    assert elapsed < 10
    assert any("expands" in e.message or "alias" in e.message for e in errors)
    assert all(e.location is not None and same_file(e, path) for e in errors)


def test_alias_that_refers_to_itself_is_refused(tmp_path):
    path = write(tmp_path, "a: &a [1, *a]\nrules: []\n")
    errors = errors_of(path)
    assert any("alias" in e.message for e in errors)


# -- the cascade --------------------------------------------------------------------------------

@pytest.mark.parametrize("producer_priority", [1, 2])
def test_mention_label_found_only_at_the_same_or_a_later_priority(tmp_path, producer_priority):
    path, text = rules_file(tmp_path, f"""\
        rules:
          - name: visit
            label: VISIT
            priority: 1
            pattern: (?<visitor> @Person) (?<trigger> went)
          - name: people
            label: Person
            priority: {producer_priority}
            type: lexicon
            phrases: [bob]
        """)
    err = one_error(path)
    assert "@Person" in err.message and "'visit'" in err.message
    assert where(err) == locate(text, "@Person")
    assert "'people'" in err.hint


def test_mention_label_found_at_an_earlier_priority_loads(tmp_path):
    path, _ = rules_file(tmp_path, """\
        rules:
          - name: visit
            label: VISIT
            priority: 2
            pattern: (?<visitor> @Person) (?<trigger> went)
          - name: people
            label: Person
            priority: 1
            type: lexicon
            phrases: [bob]
        """)
    rules = evx.load_rules(path)
    assert [r.name for r in rules.rules] == ["visit", "people"]


# -- all errors in one run ----------------------------------------------------------------------

def test_three_independent_errors_are_all_reported_in_order(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r1
            label: Person
            pattern: a ]
          - name: r2
            label: Person
            pattern: "[lema=b]"
          - name: r3
            label: Person
            pattern: c @Persn
        """)
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(path)
    errors = info.value.errors
    assert len(errors) == 3
    assert [where(e) for e in errors] == [locate(text, "a ]", 2), locate(text, "lema", 0),
                                         locate(text, "@Persn", 0)]
    assert "']'" in errors[0].message
    assert "unknown field" in errors[1].message
    assert "unknown label" in errors[2].message
    formatted = info.value.format().splitlines()
    heads = [line for line in formatted if line.startswith(str(path) + ":")]
    assert heads == [f"{path}:{e.location.line}:{e.location.column}: {e.message}" for e in errors]
    assert isinstance(info.value, EvxError)


def test_errors_of_different_kinds_are_reported_in_file_order(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r1
            label: Person
            pattern: a ]
          - name: r2
            label: Person
            priority: 0
            pattern: b
          - name: r3
            label: Person
            pattern: c @Persn
        """)
    errors = errors_of(path)
    assert len(errors) == 3
    assert [where(e) for e in errors] == sorted(where(e) for e in errors)


def test_two_errors_in_one_pattern_are_both_reported(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - name: r
            label: Person
            pattern: "[lema=a] [tg=b]"
        """)
    errors = errors_of(path)
    assert [where(e) for e in errors] == [locate(text, "lema", 0), locate(text, "tg=", 0)]


def test_every_error_has_a_location_and_a_formatted_head(tmp_path):
    path, text = rules_file(tmp_path, """\
        rules:
          - import: nowhere.yml
          - name: r
            label: VISIT
            pattern: (?<visitor> a) (?<where> b)
          - name: s
            label: Person
            type: lexicon
            lexicon: nowhere.txt
          - name: t
            label: Person
            priority: "x"
            pattern: t
        """)
    errors = errors_of(path)
    assert len(errors) == 5
    for err in errors:
        loc = err.location
        assert loc is not None and same_file(err, path)
        assert loc.line >= 1 and loc.column >= 1
        assert err.format().splitlines()[0] == f"{loc.file}:{loc.line}:{loc.column}: {err.message}"
