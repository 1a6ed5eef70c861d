"""Rule files as a whole: the matcher protocol, the enrich stage, variable scoping, which
files a rule set may read, labels against the taxonomy, and the papercuts of new authors."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import evx
from evx.tools.cli import main


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(*paths, **kwargs) -> list[evx.EvxError]:
    with pytest.raises(evx.RuleErrors) as info:
        evx.load_rules(*paths, **kwargs)
    for err in info.value.errors:
        assert err.location is not None, err.message
    return info.value.errors


def one_error(*paths, **kwargs) -> evx.EvxError:
    errors = errors_of(*paths, **kwargs)
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def at(err: evx.EvxError) -> tuple[str, int, int]:
    return Path(err.location.file).name, err.location.line, err.location.column


def locate(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the only occurrence of `needle` in the dedented `text`."""
    text = textwrap.dedent(text)
    assert text.count(needle) == 1, needle
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def evx_run(*args, timeout: int = 60) -> subprocess.CompletedProcess:
    """`python -m evx ARGS` in a subprocess: a hang becomes a TimeoutExpired, not a stuck suite."""
    env = dict(os.environ, EVX_CACHE="off")
    return subprocess.run([sys.executable, "-m", "evx", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


# -- the matcher protocol -------------------------------------------------------------------------

def test_a_new_kind_of_rule_runs_in_the_cascade_and_explain_without_changes(tmp_path, monkeypatch):
    """A kind is one entry in KINDS and a class with find, prefilter, fields and describe:
    the cascade, the rule index, the syntax stage and explain need nothing else."""
    from dataclasses import dataclass
    from evx.rulefile import kinds, matchers

    @dataclass(frozen=True)
    class Shouting:
        kind = "shouting"

        @property
        def prefilter(self):
            return None

        @property
        def fields(self):
            return frozenset({"word"})

        def find(self, state, anchors=None):
            for i, tok in enumerate(state.tokens):
                if len(tok.word) > 1 and tok.word.isupper():
                    yield i, i + 1, matchers.NO_ARGUMENTS

        def describe(self, state, found):
            return matchers.Description(f"{len(found)} shouted word(s)")

    monkeypatch.setitem(kinds.KINDS, "shouting",
                        kinds.Kind("shouting", (), lambda state, draft, spec, taxonomy: kinds.Built(Shouting())))
    path = write(tmp_path / "rules.yml", """\
        rules:
          - {name: loud, label: Loud, type: shouting}
          - {name: loud-then, label: Then, priority: 2, pattern: "@Loud then"}
        """)
    rules = evx.load_rules(path)
    assert rules.rule("loud").type == "shouting"
    records = rules.extract("We said STOP then NOW.", mentions=True)
    assert [(r.type, r.text) for r in records] == [("Loud", "STOP"), ("Then", "STOP then"), ("Loud", "NOW")]
    out = CliRunner().invoke(main, ["explain", "-r", str(path), "We said STOP then NOW."]).output
    assert "rule loud [Loud] priority 1: 2 shouted word(s)" in out


def test_token_and_lexicon_rules_are_matchers(tmp_path):
    from evx.rulefile.matchers import LexiconMatcher, TokenMatcher
    rules = evx.load_rules(write(tmp_path / "rules.yml", """\
        rules:
          - {name: names, label: Person, type: lexicon, phrases: [Ann, Bob Lee]}
          - {name: met, label: Met, priority: 2, pattern: "@Person met @Person"}
        """))
    assert isinstance(rules.rule("names").matcher, LexiconMatcher) and rules.rule("names").type == "lexicon"
    assert isinstance(rules.rule("met").matcher, TokenMatcher) and rules.rule("met").type == "token"
    # a lexicon's prefilter is the first and the last words of its phrases: a sentence without
    # one of each is skipped
    assert rules.rule("names").matcher.prefilter.needs.values == (
        ("lower", frozenset({"ann", "bob"})), ("lower", frozenset({"ann", "lee"})))
    assert [r.text for r in rules.extract("Bob Lee met Ann. Nobody met anyone.", mentions=True)
            if r.type == "Met"] == ["Bob Lee met Ann"]


def test_a_key_of_another_kind_is_a_located_error(tmp_path):
    text = """\
        rules:
          - name: names
            label: Person
            type: lexicon
            phrases: [Ann]
            pattern: Ann
        """
    err = one_error(write(tmp_path / "rules.yml", text))
    assert "'pattern' is a key of token and graph rules, and this is a lexicon rule" in err.message
    assert err.hint == "set type: token or type: graph"
    assert at(err)[1:] == locate(text, "pattern: Ann")


# -- lexicons: case -------------------------------------------------------------------------------

@pytest.mark.parametrize("case, found", [(None, ["US", "us", "Us"]), ("insensitive", ["US", "us", "Us"]),
                                         ("sensitive", ["US"])])
def test_lexicon_case(tmp_path, case, found):
    line = f"\n    case: {case}" if case else ""
    rules = evx.load_rules(write(tmp_path / "rules.yml", f"""\
rules:
  - name: country
    label: Country
    type: lexicon{line}
    phrases: [US]
"""))
    assert [r.text for r in rules.extract("The US told us: Us first.", mentions=True)] == found


def test_case_sensitive_lexicon_file_keeps_the_case_of_each_token(tmp_path):
    write(tmp_path / "orgs.txt", "# organizations\nWHO\nRed Cross\n")
    rules = evx.load_rules(write(tmp_path / "rules.yml", """\
        rules:
          - {name: orgs, label: Org, type: lexicon, lexicon: orgs.txt, case: sensitive}
          - {name: orgs-any, label: AnyOrg, type: lexicon, lexicon: orgs.txt}
        """))
    records = rules.extract("WHO asked who the Red Cross sent, and the red cross came.", mentions=True)
    assert [r.text for r in records if r.type == "Org"] == ["WHO", "Red Cross"]
    assert [r.text for r in records if r.type == "AnyOrg"] == ["WHO", "who", "Red Cross", "red cross"]


def test_bad_case_value_suggests_the_closest(tmp_path):
    text = """\
        rules:
          - {name: orgs, label: Org, type: lexicon, phrases: [WHO], case: sensitiv}
        """
    err = one_error(write(tmp_path / "rules.yml", text))
    assert "case is 'sensitive' or 'insensitive'" in err.message and "did you mean 'sensitive'" in err.hint
    assert at(err)[1:] == locate(text, "sensitiv}")


def test_lexicon_by_lemma_finds_every_inflection_of_each_word(tmp_path):
    write(tmp_path / "talks.txt", "# meeting phrases\nhold talks\nmeet\n")
    write(tmp_path / "meetings.txt", "meeting\n")
    rules = evx.load_rules(write(tmp_path / "rules.yml", """\
        rules:
          - {name: talks, label: Talk, type: lexicon, lexicon: talks.txt, match: lemma}
          - {name: forms, label: Form, type: lexicon, lexicon: talks.txt}
        """))
    records = rules.extract("They held talks, then met; he is holding talks. The talks ended.", mentions=True)
    assert [r.text for r in records if r.type == "Talk"] == ["held talks", "met", "holding talks"]
    assert [r.text for r in records if r.type == "Form"] == []

    # a word of a phrase also stands for itself as a lemma: simplemma's lemma of "meetings" is
    # "meeting", while that of "meeting" is "meet"
    rules = evx.load_rules(write(tmp_path / "more.yml", """\
        rules:
          - {name: meetings, label: Meeting, type: lexicon, lexicon: meetings.txt, match: lemma}
        """))
    records = rules.extract("Two meetings, one meeting; they met.", mentions=True)
    assert [r.text for r in records] == ["meetings", "meeting", "met"]


@pytest.mark.parametrize("line, message, place", [
    ("match: lema", "match is 'form' (the default) or 'lemma'", "lema}"),
    ("match: lemma, case: sensitive", "a lexicon matched by lemma has no case", "sensitive}"),
])
def test_bad_lexicon_match_is_located(tmp_path, line, message, place):
    text = f"""\
        rules:
          - {{name: talks, label: Talk, type: lexicon, phrases: [talk], {line}}}
        """
    err = one_error(write(tmp_path / "rules.yml", text))
    assert message in err.message
    assert at(err)[1:] == locate(text, place)


# -- the enrich stage -----------------------------------------------------------------------------

DATED = """\
taxonomy:
  - Event: [VISIT]
  - Time
events:
  VISIT: {roles: [visitor, time]}
contexts:
  modality:
    default: actual
    cases:
      - {value: planned, before: "[lower=will]"}
{enrich}
rules:
  - name: days
    label: Time
    normalize: date
    pattern: '[lower=/^(monday|sunday)$/]'
  - name: visit
    label: VISIT
    priority: 2
    pattern: '(?<visitor> Ann) will? (?<trigger> visit) Rome on (?<time> @Time)'
  - name: tour
    label: VISIT
    priority: 2
    attributes: {tense: future}
    pattern: '(?<visitor> Bob) (?<trigger> tours) Rome on (?<time> @Time)'
"""


def _time_values(rules, text: str) -> list[str]:
    return [r.to_dict()["arguments"]["time"][0].get("value")
            for r in rules.extract(evx.annotate(text, "d", "2024-01-15"))]


def test_dates_look_ahead_only_when_the_rule_file_says_so(tmp_path):
    plain = evx.load_rules(write(tmp_path / "plain.yml", DATED.replace("{enrich}", "")))
    assert _time_values(plain, "Ann will visit Rome on Sunday.") == ["2024-01-14"]   # back: nothing declared
    declared = evx.load_rules(write(tmp_path / "declared.yml", DATED.replace(
        "{enrich}", "enrich:\n  dates:\n    forward_when: {modality: planned}")))
    assert _time_values(declared, "Ann will visit Rome on Sunday.") == ["2024-01-21"]
    assert _time_values(declared, "Ann visit Rome on Sunday.") == ["2024-01-14"]
    assert declared.enrichment.normalizes and not plain.enrichment.dates.forward_when


def test_forward_when_takes_several_conditions_and_rule_attributes(tmp_path):
    rules = evx.load_rules(write(tmp_path / "rules.yml", DATED.replace(
        "{enrich}", "enrich:\n  dates:\n    forward_when:\n      - {modality: planned}\n"
                    "      - {tense: [future, conditional]}")))
    assert _time_values(rules, "Bob tours Rome on Monday. Ann will visit Rome on Sunday.") == \
        ["2024-01-15", "2024-01-21"]


def test_forward_when_declarations_of_two_files_add_up(tmp_path):
    write(tmp_path / "more.yml", "enrich:\n  dates:\n    forward_when: {tense: future}\n")
    rules = evx.load_rules(write(tmp_path / "rules.yml", DATED.replace(
        "{enrich}", "enrich:\n  dates:\n    forward_when: {modality: planned}").replace(
        "rules:\n  - name: days", "rules:\n  - import: more.yml\n  - name: days")))
    assert _time_values(rules, "Bob tours Rome on Sunday. Ann will visit Rome on Sunday.") == \
        ["2024-01-21", "2024-01-21"]


@pytest.mark.parametrize("section, message, hint, needle", [
    ("enrich:\n  date: {}", "unknown enrichment 'date'", "did you mean 'dates'", "date: {}"),
    ("enrich:\n  dates:\n    forward_wen: {}", "unknown key 'forward_wen'", "'forward_when'", "forward_wen"),
    ("enrich:\n  dates:\n    forward_when: planned", "maps attributes to values", None, "planned\n"),
    ("enrich: [dates]", "'enrich' maps a stage to its settings", None, "[dates]"),
])
def test_bad_enrich_sections_are_located(tmp_path, section, message, hint, needle):
    text = DATED.replace("{enrich}", section)
    err = one_error(write(tmp_path / "rules.yml", text))
    assert message in err.message and (hint is None or hint in err.hint)
    assert at(err)[1:] == locate(text, needle)


def test_records_take_date_values_from_the_enrich_stage_only(tmp_path):
    """records.py turns values into output; it decides none (no modality, no 'date')."""
    import inspect
    from evx import records
    source = inspect.getsource(records)
    assert "planned" not in source and "modality" not in source and "timex" not in source
    rules = evx.load_rules(write(tmp_path / "rules.yml", DATED.replace("{enrich}", "")))
    doc = evx.annotate("Ann visit Rome on Sunday.", "d", "2024-01-15")
    (visit,) = [m for m in rules.matches(doc) if m.label == "VISIT"]
    assert visit.arguments["time"][0].value == "2024-01-14"
    assert visit.arguments["visitor"][0].value is None


# -- examples -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "test"])
def test_an_example_without_expect_is_a_located_error(tmp_path, command):
    text = """\
        rules:
          - name: p
            label: X
            pattern: x
            examples:
              - text: "x y"
        """
    path = write(tmp_path / "rules.yml", text)
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    line, column = locate(text, "text:")
    assert f"rules.yml:{line}:{column}: rule 'p': the example has no 'expect', so it tests nothing" in result.output
    assert "Traceback" not in result.output and "KeyError" not in result.output


def test_expected_instead_of_expect_says_did_you_mean_once(tmp_path):
    text = """\
        rules:
          - name: p
            label: X
            pattern: x
            examples:
              - text: "x y"
                expected: [{type: X, text: x}]
        """
    err = one_error(write(tmp_path / "rules.yml", text))
    assert err.message == "unknown key 'expected' in an example" and "did you mean 'expect'" in err.hint
    assert at(err)[1:] == locate(text, "expected:")


def test_an_expect_that_is_not_a_list_is_a_located_error(tmp_path):
    text = """\
        rules:
          - name: p
            label: X
            pattern: x
            examples:
              - {text: "x y", expect: nothing}
        """
    err = one_error(write(tmp_path / "rules.yml", text))
    assert "'expect' is a list of events" in err.message and at(err)[1:] == locate(text, "nothing")


# -- two rule sets together -----------------------------------------------------------------------

def _set_with_lexicon(folder: Path, label: str, word: str) -> Path:
    write(folder / "lexicons" / "words.txt", f"{word}\n")
    return write(folder / "main.yml", f"""\
        rules:
          - {{name: {label.lower()}, label: {label}, type: lexicon, lexicon: lexicons/words.txt}}
        """)


def test_two_rule_sets_each_read_their_own_lexicons(tmp_path):
    a = _set_with_lexicon(tmp_path / "a", "Alpha", "apple")
    b = _set_with_lexicon(tmp_path / "deep" / "b", "Beta", "banana")
    for order in ((a, b), (b, a), (a.parent, b.parent)):
        rules = evx.load_rules(*order)
        assert sorted(r.type for r in rules.extract("an apple and a banana", mentions=True)) == ["Alpha", "Beta"]


def test_bundled_rules_with_a_set_of_ones_own(tmp_path):
    mine = _set_with_lexicon(tmp_path / "my", "Fruit", "apple")
    result = CliRunner().invoke(main, ["check", str(evx.bundled_rules()), str(mine)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {len(evx.load_rules().rules) + 1} rules")


@pytest.mark.parametrize("what", ["import", "lexicon", "taxonomy"])
def test_a_set_stays_confined_to_its_folder_whatever_is_loaded_with_it(tmp_path, what):
    write(tmp_path / "outside" / "file", "- Place\n" if what == "taxonomy" else "rules: []\n")
    line = {"import": "rules:\n  - import: ../outside/file\n",
            "lexicon": "rules:\n  - {name: w, label: W, type: lexicon, lexicon: ../outside/file}\n",
            "taxonomy": "taxonomy: ../outside/file\nrules: []\n"}[what]
    refused = write(tmp_path / "set" / "main.yml", line)
    above = write(tmp_path / "other.yml", "rules:\n  - {name: o, label: O, type: lexicon, phrases: [o]}\n")
    for paths in ((refused,), (above, refused), (refused, above), (tmp_path, refused)):
        errors = errors_of(*paths)
        assert any("outside" in e.message or "leaves" in e.message for e in errors), paths
        assert all(Path(e.location.file) == refused for e in errors if "outside" in e.message or "leaves" in e.message)


# -- labels against the taxonomy ------------------------------------------------------------------

TYPO_HEAD = """\
taxonomy:
  - Entity: [Person, Location]
  - Event: [VISIT, MEETING]
events:
  VISIT: {roles: [visitor, time], attach: {time: Time}}
  MEETING: {roles: [participant]}
"""


def test_a_rule_label_not_in_the_taxonomy_names_the_closest(tmp_path):
    text = TYPO_HEAD.replace("attach: {time: Time}", "") + """\
rules:
  - {name: people, label: Persn, type: lexicon, phrases: [Ann]}
"""
    err = one_error(write(tmp_path / "rules.yml", text))
    assert err.message == "rule 'people' uses label 'Persn', which is not in the taxonomy"
    assert "did you mean 'Person'" in err.hint and at(err)[1:] == locate(text, "Persn")


def test_an_attach_label_not_in_the_taxonomy_is_an_error(tmp_path):
    text = TYPO_HEAD + "rules:\n  - {name: people, label: Person, type: lexicon, phrases: [Ann]}\n"
    err = one_error(write(tmp_path / "rules.yml", text))
    assert "event 'VISIT' attaches to 'time' uses label 'Time', which is not in the taxonomy" == err.message
    assert at(err)[1:] == locate(text, "Time}")


def test_an_event_label_without_a_schema_is_an_error_when_others_have_one(tmp_path):
    text = TYPO_HEAD.replace("attach: {time: Time}", "").replace("MEETING]", "MEETING, MEETINGS]") + """\
rules:
  - {name: people, label: Person, type: lexicon, phrases: [Ann]}
  - name: met
    label: MEETINGS
    priority: 2
    pattern: (?<participant> @Person) (?<trigger> met)
"""
    err = one_error(write(tmp_path / "rules.yml", text))
    assert err.message == "rule 'met' finds events of MEETINGS, which has no schema under 'events:'"
    assert "did you mean 'MEETING'" in err.hint and at(err)[1:] == locate(text, "MEETINGS\n")


def test_context_types_must_be_in_the_taxonomy(tmp_path):
    text = TYPO_HEAD.replace("attach: {time: Time}", "") + """\
contexts:
  modality:
    cases:
      - {value: planned, before: "will", types: [VISTI]}
rules:
  - {name: people, label: Person, type: lexicon, phrases: [Ann]}
"""
    err = one_error(write(tmp_path / "rules.yml", text))
    assert "uses label 'VISTI', which is not in the taxonomy" in err.message and "'VISIT'" in err.hint
    assert at(err)[1:] == locate(text, "VISTI")


def test_without_a_taxonomy_labels_are_free(tmp_path):
    rules = evx.load_rules(write(tmp_path / "rules.yml", "rules:\n  - {name: a, label: Anything, pattern: a}\n"))
    assert rules.taxonomy.names == ["Anything"]


def test_the_bundled_rules_pass_every_label_check():
    rules = evx.load_rules()
    assert len(rules.rules) > 50 and rules.warnings == ()


# -- the cascade check reads the pattern, not the bytecode ----------------------------------------

@pytest.mark.parametrize("pattern, written", [
    ("'[mention=Person] (?<trigger> went)'", "mention=Person"),
    ("'[lower=x | !mention=Person] (?<trigger> went)'", "mention=Person"),
    ("'[mention=/^Pers/] (?<trigger> went)'", "mention=/^Pers/"),
    ("'(?<trigger> went) (?= [] @Person)'", "@Person"),
])
def test_a_mention_test_before_its_label_is_found_is_an_error(tmp_path, pattern, written):
    text = f"""\
taxonomy:
  - Entity: [Person]
  - Event: [WENT]
rules:
  - name: went
    label: WENT
    priority: 1
    pattern: {pattern}
  - {{name: people, label: Person, priority: 1, type: lexicon, phrases: [Ann]}}
"""
    err = one_error(write(tmp_path / "rules.yml", text))
    assert f"rule 'went' (priority 1) uses {written} but nothing finds " in err.message
    assert "'people' (priority 1)" in err.hint
    line, column = locate(text, "pattern: ")
    assert err.location.line == line and err.location.column > column + len("pattern: ")


def test_a_new_node_kind_must_be_handled_by_the_loaders_passes():
    """The role and cascade checks read the AST through visitor passes, so a node kind that
    they do not handle is refused when it is defined, not skipped when a rule is loaded."""
    from dataclasses import dataclass

    import evx.rulefile.kinds  # noqa: F401  (defines the loader's passes)
    from evx.pattern.visitor import ConstraintNode, PatternNode, ValueNode

    with pytest.raises(TypeError, match=r"node class Wildcard is not handled by .*"
                                        r"rulefile\.kinds\._CapturedName.*rulefile\.kinds\._MentionUses"):
        @dataclass(frozen=True)
        class Wildcard(PatternNode):
            at: int = 0

            def children(self):
                return ()
    with pytest.raises(TypeError, match=r"node class Xor is not handled by .*rulefile\.kinds\._ConstraintUses"):
        @dataclass(frozen=True)
        class Xor(ConstraintNode):
            operands: tuple = ()

            def children(self):
                return self.operands
    with pytest.raises(TypeError, match=r"node class Number is not handled by .*rulefile\.kinds\._MentionLabels"):
        @dataclass(frozen=True)
        class Number(ValueNode):
            value: int = 0

            def children(self):
                return ()


@pytest.mark.parametrize("pattern, role, written", [
    ("'(?<trigger> went) @agent:Person'", None, None),
    ("'(?<trigger> went) ([] | (?<place> @Person))+'", "place", "(?<place>"),
    ("'(?<trigger> went) [] @goal:Person'", "goal", "@goal:"),
])
def test_the_role_check_sees_captures_and_named_mentions_everywhere(tmp_path, pattern, role, written):
    text = f"""\
taxonomy:
  - Entity: [Person]
  - Event: [WENT]
events:
  WENT: {{roles: [agent]}}
rules:
  - {{name: people, label: Person, priority: 1, type: lexicon, phrases: [Ann]}}
  - name: went
    label: WENT
    priority: 2
    pattern: {pattern}
"""
    path = write(tmp_path / "rules.yml", text)
    if role is None:
        assert [rule.name for rule in evx.load_rules(path).rules] == ["people", "went"]
        return
    err = one_error(path)
    assert err.message == f"role '{role}' is not a role of WENT"
    assert (err.location.line, err.location.column) == locate(text, written)


# -- variables are lexical ------------------------------------------------------------------------

def test_an_imported_file_keeps_its_own_vars_and_check_warns_of_the_shadowed_one(tmp_path):
    main_text = """\
        vars:
          det: [the, a]
        rules:
          - import: np.yml
        """
    np_text = """\
        vars:
          det: [my, your]
        rules:
          - {name: np, label: NP, pattern: "(${det}) dog"}
        """
    path = write(tmp_path / "main.yml", main_text)
    write(tmp_path / "np.yml", np_text)
    rules = evx.load_rules(path)
    assert [r.text for r in rules.extract("a dog saw my dog", mentions=True)] == ["my dog"]
    (warning,) = rules.warnings
    assert at(warning)[0] == "np.yml" and at(warning)[1:] == locate(np_text, "det:")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0 and result.stdout.startswith("ok: 1 rules")
    line, column = locate(np_text, "det:")
    assert f"np.yml:{line}:{column}: warning: variable 'det' hides the importing file's 'det'" in result.stderr


def test_the_import_line_passes_vars_down_over_the_files_own_without_a_warning(tmp_path):
    path = write(tmp_path / "main.yml", """\
        vars:
          mine: [the, a]
        rules:
          - import: np.yml
            vars: {det: "${mine}", noun: cat}
        """)
    write(tmp_path / "np.yml", """\
        vars:
          det: [my]
          noun: dog
        rules:
          - {name: np, label: NP, pattern: "(${det}) ${noun}"}
        """)
    rules = evx.load_rules(path)
    assert [r.text for r in rules.extract("a cat saw my dog and the cat", mentions=True)] == ["a cat", "the cat"]
    assert rules.warnings == ()


def test_a_var_only_the_importer_has_is_unknown_with_a_hint_to_pass_it(tmp_path):
    path = write(tmp_path / "main.yml", "vars:\n  det: [the]\nrules:\n  - import: np.yml\n")
    write(tmp_path / "np.yml", "rules:\n  - {name: np, label: NP, pattern: '${det} dog'}\n")
    err = one_error(path)
    assert "unknown variable 'det'" in err.message and at(err)[0] == "np.yml"
    assert "only the vars on the import line pass down" in err.hint


def test_an_unknown_var_on_an_import_line_is_located_there(tmp_path):
    text = "rules:\n  - import: np.yml\n    vars: {det: '${nothing}'}\n"
    path = write(tmp_path / "main.yml", text)
    write(tmp_path / "np.yml", "rules:\n  - {name: np, label: NP, pattern: '${det} dog'}\n")
    errors = errors_of(path)
    assert "unknown variable 'nothing' in an import's vars" in errors[0].message
    assert at(errors[0])[1:] == locate(text, "'${nothing}'")


def test_bundled_meeting_rules_find_the_parties_of_held_meetings():
    (record,) = evx.load_rules().extract("Pakistan and Iran held several meetings in Kabul.")
    assert record.type == "MEETING" and record.trigger.text == "meetings"
    assert [s.text for s in record.arguments["participant"]] == ["Pakistan", "Iran"]


# -- bounds on imports and variables --------------------------------------------------------------

def _fan_out(folder: Path, levels: int, vars_line) -> Path:
    for i in range(levels):
        write(folder / f"f{i}.yml", f"""\
            rules:
              - import: f{i + 1}.yml
                vars: {{{vars_line(i, 'a')}}}
              - import: f{i + 1}.yml
                vars: {{{vars_line(i, 'b')}}}
            """)
    write(folder / f"f{levels}.yml", "rules: []\n")     # imported with different vars: no rules to repeat
    return folder / "f0.yml"


def test_distinct_vars_at_each_level_no_longer_multiply_the_loads(tmp_path):
    """Each file passed the next its own var twice: before lexical scoping every file's vars
    reached every file below, so 18 levels loaded 2**18 files."""
    top = _fan_out(tmp_path, 18, lambda i, v: f"v{i}: {v}")
    proc = evx_run("check", top, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("ok: 0 rules"), proc.stderr[-2000:]


def test_import_fan_out_is_a_located_error(tmp_path):
    top = write(tmp_path / "top.yml", "vars: {p: x}\nrules:\n  - import: f0.yml\n    vars: {p: '${p}'}\n")
    _fan_out(tmp_path, 18, lambda i, v: f"p: '${{p}}{v}'")
    proc = evx_run("check", top, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "the imports load more than 1000 files" in proc.stderr
    assert proc.stderr.count("load more than") == 1 and "f" in proc.stderr.split(":")[0]


def test_a_very_long_import_chain_is_a_located_error(tmp_path):
    for i in range(400):
        write(tmp_path / f"c{i}.yml", f"rules:\n  - import: c{i + 1}.yml\n")
    write(tmp_path / "c400.yml", "rules:\n  - {name: leaf, label: Leaf, pattern: leaf}\n")
    err = one_error(tmp_path / "c0.yml")
    assert "imports nest more than 64 files deep" in err.message and at(err) == ("c63.yml", 2, 13)


def test_a_long_variable_chain_is_a_located_error_not_a_recursion_error(tmp_path):
    lines = ["vars:"] + [f"  a{i}: '${{a{i + 1}}}'" for i in range(3000)] + ["  a3000: x", "rules:",
                                                                         "  - {name: p, label: P, pattern: '${a0}'}"]
    path = write(tmp_path / "rules.yml", "\n".join(lines) + "\n")
    proc = evx_run("check", path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert "rules.yml:" in proc.stderr and "variables refer to variables more than 100 deep" in proc.stderr


def test_a_variable_chain_within_the_bound_still_works(tmp_path):
    lines = ["vars:"] + [f"  a{i}: '${{a{i + 1}}}'" for i in range(90)] + ["  a90: x", "rules:",
                                                                       "  - {name: p, label: P, pattern: '${a0}'}"]
    rules = evx.load_rules(write(tmp_path / "rules.yml", "\n".join(lines) + "\n"))
    assert [r.text for r in rules.extract("a x b", mentions=True)] == ["x"]


# -- only regular files ---------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("what", ["import", "taxonomy", "lexicon", "main"])
def test_a_fifo_in_a_rule_folder_is_refused_not_waited_on(tmp_path, what):
    folder = tmp_path / "set"
    folder.mkdir()
    fifo = folder / ("main.yml" if what == "main" else "pipe")
    os.mkfifo(fifo)
    if what != "main":
        write(folder / "main.yml", {
            "import": "rules:\n  - import: pipe\n",
            "taxonomy": "taxonomy: pipe\nrules: []\n",
            "lexicon": "rules:\n  - {name: w, label: W, type: lexicon, lexicon: pipe}\n"}[what])
    proc = evx_run("check", folder, timeout=30)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "a FIFO (named pipe), not a regular file" in proc.stderr
    assert proc.stderr.startswith(str(folder / ("main.yml" if what != "main" else "main.yml")))


def test_a_device_is_refused_when_outside_files_are_allowed(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    path = write(tmp_path / "rules.yml", "rules:\n  - {name: w, label: W, type: lexicon, lexicon: /dev/zero}\n")
    proc = evx_run("check", "--allow-outside-imports", path, timeout=30)
    assert proc.returncode == 1 and "a device, not a regular file" in proc.stderr
    assert proc.stderr.startswith(f"{path}:2:")


# -- short reprs ----------------------------------------------------------------------------------

def test_reprs_are_short():
    rules = evx.load_rules()
    count, labels = len(rules.rules), len(rules.taxonomy.names)
    assert repr(rules) == f"<RuleSet {count} rules, {labels} labels from {evx.bundled_rules()}>"
    for rule in rules.rules:
        assert len(repr(rule)) < 200 and rule.name in repr(rule)
        assert len(repr(rule.matcher)) < 100
        program = getattr(rule.matcher, "program", None)
        if program is not None:
            assert repr(program).startswith("<Program ") and len(repr(program)) < 200
            looks = [ins.look for ins in program.code if type(ins).__name__ == "Look"]
            assert all(repr(look).startswith("<Lookaround ") and len(repr(look)) < 100 for look in looks)
    assert len(repr(rules.rules)) < 200 * count
    assert repr(rules.taxonomy).startswith(f"<Taxonomy {labels} labels")
    assert repr(rules.rule("countries").matcher.lexicon) == "<Lexicon 479 phrases>"
    assert all(len(repr(c)) < 100 for c in rules.contexts)
    rule = rules.rules[-1]
    assert repr(rule) == (f"<Rule {rule.name} token {'|'.join(rule.labels)} priority {rule.priority} "
                          f"at {rule.location.file}:{rule.location.line}>")


# -- explain and mentions of the same priority ----------------------------------------------------

def test_explain_names_the_rule_of_the_same_priority_whose_mention_is_not_visible_yet(tmp_path):
    path = write(tmp_path / "rules.yml", """\
        rules:
          - {name: people, label: Person, priority: 2, type: lexicon, phrases: [Ann]}
          - {name: greets, label: Greet, priority: 2+, pattern: "@Person waved"}
        """)
    out = CliRunner().invoke(main, ["explain", "-r", str(path), "Ann waved."]).output
    line = next(line for line in out.splitlines() if line.startswith("  rule greets"))
    assert "there is none" not in line
    assert "rule 'people' of the same priority finds one in this sentence, but it is not visible yet" in line
    assert [r.text for r in evx.load_rules(path).extract("Ann waved.", mentions=True)] == ["Ann", "Ann waved"]


# -- evx: imports of the bundled rules ------------------------------------------------------------

ARRIVAL = """\
taxonomy:
  - Event: [ARRIVAL]
events:
  ARRIVAL: {roles: [visitor, destination], required: [visitor]}
rules:
  - import: evx:news/entities.yml
  - name: arrival
    label: ARRIVAL
    priority: 4
    pattern: (?<visitor> @Person) (?<trigger> [lemma=arrive]) in (?<destination> @Location)
    examples:
      - text: "Hassan Qomi arrived in Islamabad on Sunday."
        expect: [{type: ARRIVAL, trigger: arrived, visitor: Hassan Qomi, destination: Islamabad}]
"""


def test_an_event_type_on_top_of_the_bundled_entities(tmp_path):
    path = write(tmp_path / "my" / "rules.yml", ARRIVAL)
    rules = evx.load_rules(path)
    (record,) = rules.extract("Hassan Qomi arrived in Islamabad on Sunday.")
    assert record.type == "ARRIVAL" and record.arguments["visitor"][0].label == "Person"
    assert rules.taxonomy.expand("Event") == {"Event", "ARRIVAL"} and "Person" in rules.taxonomy.expand("Actor")
    result = CliRunner().invoke(main, ["test", str(path)])
    examples = sum(len(rule.examples) for rule in rules.rules)     # the entities' and the arrival's
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"{examples} passed, 0 failed\n"), result.output


@pytest.mark.parametrize("target, message", [
    ("evx:../setup.cfg", "leaves the bundled rules' folder"),
    ("evx:news/../../engine/api.py", "leaves the bundled rules' folder"),
    ("evx:news/nowhere.yml", "does not exist"),
])
def test_evx_imports_stay_in_the_bundled_folder(tmp_path, target, message):
    text = f"rules:\n  - import: {target}\n"
    err = one_error(write(tmp_path / "rules.yml", text), allow_outside_imports=True)
    assert message in err.message and at(err) == ("rules.yml", 2, 13)


def test_a_label_placed_under_two_parents_across_files_is_a_located_error(tmp_path):
    text = ARRIVAL.replace("  - Event: [ARRIVAL]", "  - Event: [ARRIVAL, Person]")
    err = one_error(write(tmp_path / "rules.yml", text))
    assert err.message == "label 'Person' is already in the taxonomy under Event"
    assert at(err)[0] == "entities.yml" and "first placed at" in err.hint and "rules.yml:2:" in err.hint


def test_a_rule_set_path_may_name_the_bundled_folder():
    assert len(evx.load_rules("evx:news").rules) == len(evx.load_rules(evx.bundled_rules()).rules)


# -- what the loader reads that the README documents ----------------------------------------------

def test_a_folder_without_main_yml_loads_every_yml_file(tmp_path):
    write(tmp_path / "a.yml", "rules:\n  - {name: a, label: A, pattern: a}\n")
    write(tmp_path / "b.yaml", "rules:\n  - {name: b, label: B, pattern: b}\n")
    write(tmp_path / "notes.txt", "not rules")
    assert [r.name for r in evx.load_rules(tmp_path).rules] == ["a", "b"]


def test_description_is_kept_and_must_be_text(tmp_path):
    rules = evx.load_rules(write(tmp_path / "rules.yml", """\
        rules:
          - {name: a, label: A, pattern: a, description: "finds the letter a"}
        """))
    assert rules.rule("a").description == "finds the letter a"
    text = "rules:\n  - {name: a, label: A, pattern: a, description: [x]}\n"
    err = one_error(write(tmp_path / "bad.yml", text))
    assert "description is a text" in err.message and at(err) == ("bad.yml", *locate(text, "[x]"))


@pytest.mark.parametrize("what", ["import", "lexicon", "taxonomy"])
def test_a_symlink_loop_is_a_located_error(tmp_path, what):
    (tmp_path / "a.yml").symlink_to(tmp_path / "b.yml")
    (tmp_path / "b.yml").symlink_to(tmp_path / "a.yml")
    text = {"import": "rules:\n  - import: a.yml\n",
            "lexicon": "rules:\n  - {name: w, label: W, type: lexicon, lexicon: a.yml}\n",
            "taxonomy": "taxonomy: a.yml\nrules: []\n"}[what]
    err = one_error(write(tmp_path / "main.yml", text))
    assert "symbolic links" in err.message and at(err)[:2] == ("main.yml", 2 if what != "taxonomy" else 1)


def test_an_import_passes_variables_whose_names_yaml_reads_as_numbers(tmp_path):
    """`vars: {0: x}` names the variable '0': it is passed on, not a crash on the key."""
    (tmp_path / "b.yml").write_text("rules:\n  - name: a\n    label: A\n    pattern: '${0}'\n", encoding="utf-8")
    main = tmp_path / "a.yml"
    main.write_text("rules:\n  - import: b.yml\n    vars: {0: visit}\n", encoding="utf-8")
    rules = evx.load_rules(main)
    assert [r.label for r in rules.rules] == ["A"]
    assert [rec.to_dict()["text"] for rec in rules.extract("They visit Rome.", mentions=True)] == ["visit"]
