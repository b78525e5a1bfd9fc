"""Each warning code: a file that triggers it and the same file without the mistake."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run_ttx

GOOD = (FIXTURES / "good_tiny.toml").read_text().replace('when = "tension <= 20"', 'when = "tension <= 40"')

EXTRA_TEAM = '''
[[teams]]
id = "bravo"
name = "Bravo"
private_brief = "{brief}"

[[moves]]
id = "bravo_wait"
team = "bravo"
label = "Wait"
'''

SAME_STATE = '''
[[flags]]
id = "suspended"
label = "Talks suspended"

[[rules]]
id = "walk_out"
when = "tension > 45"
message = "Alpha walks out of the talks."
effects = { set = ["suspended"] }

[[rules]]
id = "drags_on"
when = "suspended"
once = false
message = "The talks stay suspended."
effects = { tension = 2 }
'''

CASES = {
    "W101": (GOOD + '\n[[meters]]\nid = "idle"\nlabel = "Idle"\nstart = 5\n',
             "nothing ever changes meter 'idle'"),
    "W102": (GOOD + '\n[[flags]]\nid = "orphan"\nlabel = "Orphan"\n', "flag 'orphan' is never set, cleared or read"),
    "W103": (GOOD.replace('label = "Declare"', 'label = "Declare"\nsecret = true')
             + EXTRA_TEAM.format(brief="We know Alpha will Declare soon."),
             "names 'Declare', a secret move of alpha"),
    "W104": (GOOD + '\n[[moves]]\nid = "never"\nteam = "alpha"\nlabel = "Never"\nrequires = "tension > 80"\n',
             "move 'never' was never legal"),
    "W105": (GOOD + '\n[[rules]]\nid = "impossible"\nwhen = "tension > 60"\nmessage = "never"\n',
             "rule 'impossible' never fired"),
    "W106": (GOOD.replace('requires = "not declared"', 'requires = "turn == 1"'),
             "on turn 2, alpha had no legal move in every simulated game"),
    "W107": (GOOD.replace('when = "tension <= 40"', 'when = "tension <= 40 and declared and not declared"'),
             "ending 'calm' was never reached"),
    "W108": (GOOD.replace('effects = { tension = -10, set = ["declared"] }',
                          'effects = { tension = -10,\n  set = ["declared"] }'),
             "a form of TOML that editors and TOML 1.0 readers (Taplo, Python's tomllib) reject"),
    "W109": (GOOD + SAME_STATE, "W109 rule 'drags_on' reads flag 'suspended', which rule 'walk_out' sets: every "
             "rule is tested on the same state, so 'drags_on' sees the change only on the next turn"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_warning_is_reported_for_the_file_that_triggers_it(tmp_path, code):
    import sys

    if code == "W108" and sys.version_info < (3, 11):
        pytest.skip("no TOML 1.0 reader (tomllib) to compare with before Python 3.11")
    text, words = CASES[code]
    path = tmp_path / f"{code}.toml"
    path.write_text(text)
    result = run_ttx("check", "--simulate", "60", str(path))
    assert 0 == result.returncode, result.stdout  # warnings alone do not fail the check
    lines = [line for line in result.stdout.splitlines() if f" {code} " in line]
    assert lines and any(words in line for line in lines), result.stdout
    strict = run_ttx("check", "--strict", "--simulate", "60", str(path))
    assert 1 == strict.returncode


def test_the_good_file_has_no_warning(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    result = run_ttx("check", "--strict", "--simulate", "60", str(path))
    assert 0 == result.returncode, result.stdout
    assert " W1" not in result.stdout


def test_every_bundled_scenario_is_free_of_warnings():
    from exercise.bundled import bundled_scenarios

    result = run_ttx("check", "--strict", "--simulate", "300", *map(str, bundled_scenarios()))
    assert 0 == result.returncode, result.stdout


def test_a_warning_has_a_position_and_full_format_gives_a_hint(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(CASES["W101"][0])
    result = run_ttx("check", "--format", "full", str(path))
    assert f"{path}:" in result.stdout and "W101" in result.stdout
    assert "hint: give some move, rule or inject an effect on it" in result.stdout


def test_a_condition_that_can_never_hold_is_found_without_simulation(tmp_path):
    path = tmp_path / "never.toml"
    path.write_text(GOOD + '\n[[rules]]\nid = "never"\nwhen = "tension > 100"\nmessage = "x"\n'
                    + '\n[[moves]]\nid = "ghost"\nteam = "alpha"\nlabel = "Ghost"\nrequires = "tension < 0"\n')
    result = run_ttx("check", str(path))  # no --simulate
    assert "W105 the condition of rule 'never' can never hold: tension always stays within 0..100" in result.stdout
    assert "W104 move 'ghost' can never be played" in result.stdout
    fine = tmp_path / "fine.toml"
    fine.write_text(GOOD + '\n[[rules]]\nid = "possible"\nwhen = "tension >= 100"\nmessage = "x"\n')
    assert "W105" not in run_ttx("check", str(fine)).stdout


@pytest.mark.skipif(__import__("sys").version_info < (3, 11), reason="no TOML 1.0 reader (tomllib) to compare with")
def test_a_toml_1_1_form_is_placed_at_the_line_and_column_editors_reject():
    """W108: a newline inside an inline table loads, but Taplo and tomllib reject it there."""
    import tempfile
    from pathlib import Path

    text, _ = CASES["W108"]
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("effects = { tension = -10,"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w108.toml"
        path.write_text(text)
        result = run_ttx("check", str(path))
    assert f"{path}:{line}:27: W108" in result.stdout


def static_codes(text: str) -> list[tuple[str, str]]:
    from exercise.engine import parse_scenario
    from exercise.engine.lint import static_warnings

    return [(p.code, p.message) for p in static_warnings(parse_scenario(text), text)]


def w109(text: str) -> list[str]:
    return [words for code, words in static_codes(text) if code == "W109"]


def test_a_rule_reading_a_flag_another_rule_sets_is_found_and_allow_leaves_it_out():
    """Step 5: "Every rule is tested on the state after step 4": the reader sees the change a turn later."""
    (words,) = w109(GOOD + SAME_STATE)
    assert words.startswith("rule 'drags_on' reads flag 'suspended', which rule 'walk_out' sets")
    assert [] == w109(GOOD + SAME_STATE.replace('when = "suspended"', 'when = "suspended"\nallow = ["W109"]'))
    # allow leaves out only the codes it names, and only for its own rule
    assert 1 == len(w109(GOOD + SAME_STATE.replace('when = "suspended"', 'when = "suspended"\nallow = ["W105"]')))
    assert 1 == len(w109(GOOD + SAME_STATE.replace('when = "tension > 45"', 'when = "tension > 45"\nallow = ["W109"]')))


def test_a_flag_that_only_moves_or_the_reading_rule_itself_change_is_no_w109():
    clears_itself = GOOD + SAME_STATE.replace('effects = { tension = 2 }', 'effects = { tension = 2, clear = ["suspended"] }')
    assert ["rule 'walk_out' sets"] == [w.split("which ")[1].split(":")[0] for w in w109(clears_itself)]
    set_by_a_move = GOOD + '''
[[rules]]
id = "after_declaring"
when = "declared"
message = "Declared."
effects = { tension = -1 }
'''
    assert [] == w109(set_by_a_move)


def test_every_rule_that_sets_or_clears_the_flag_is_named():
    text = GOOD + SAME_STATE + '''
[[rules]]
id = "storm_out"
when = "tension > 48"
message = "Alpha storms out."
effects = { set = ["suspended"] }

[[rules]]
id = "back_to_the_table"
when = "tension < 30"
message = "Back to the table."
effects = { clear = ["suspended"] }
'''
    (words,) = w109(text)
    assert "which rules 'walk_out' and 'storm_out' set and rule 'back_to_the_table' clears" in words


def test_an_allow_that_is_not_a_warning_code_is_an_error():
    from exercise.engine import ScenarioError, parse_scenario

    text = GOOD + SAME_STATE.replace('when = "suspended"', 'when = "suspended"\nallow = ["W109", "E401"]')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    (problem,) = info.value.problems
    assert ("E204", "rules[1].allow") == (problem.code, problem.path)
    assert "'allow' takes warning codes (W101 to W109), not \"E401\"" in problem.message
    assert text.splitlines().index('allow = ["W109", "E401"]') + 1 == problem.line


def compile_with(scenario, condition: str):
    from exercise.engine.conditions import Names, compile_condition

    return compile_condition(condition, Names(meters=frozenset(scenario.meter_index),
                                              flags=frozenset(scenario.flag_index),
                                              moves=frozenset(scenario.move_index)))


@pytest.mark.parametrize("condition, why", [
    ("false", "it is the constant false"),
    ("tension > 100", "tension always stays within 0..100"),
    ("100 < tension", "tension always stays within 0..100"),
    ("tension + 10 < 5", "tension always stays within 0..100"),
    ("tension - 20 >= 90", "tension always stays within 0..100"),
    ("-tension > 0", "tension always stays within 0..100"),
    ("tension == -1", "tension always stays within 0..100"),
    ("declared and tension < 0", "tension always stays within 0..100"),
    ("(tension > 100 and declared) or false", "tension always stays within 0..100; it is the constant false"),
    ("tension > 100 or tension < 0", "tension always stays within 0..100"),
])
def test_a_condition_that_can_never_hold_is_found_by_walking_its_tree(condition, why):
    """A comparison the meter's bounds rule out, `false`, an `and` with such a part, an `or` of only such parts."""
    from exercise.engine import parse_scenario
    from exercise.engine.lint import never_holds

    scenario = parse_scenario(GOOD)
    compiled = compile_with(scenario, condition)
    assert why == never_holds(scenario, compiled)
    assert why == never_holds(scenario, compiled.tree)


@pytest.mark.parametrize("condition", [
    "true", "tension >= 100", "tension <= 0", "tension + 10 >= 110", "tension != 500", "tension > 100 or declared",
    "not tension > 100", "tension * 2 > 250", "turn > 10", "declared and tension <= 100", "count(declare) > 100",
])
def test_a_condition_that_can_hold_or_that_reading_cannot_judge_is_left_alone(condition):
    from exercise.engine import parse_scenario
    from exercise.engine.lint import never_holds

    scenario = parse_scenario(GOOD)
    assert None is never_holds(scenario, compile_with(scenario, condition))


def test_every_warning_is_explained_in_the_format_reference():
    """scenarios/README.md, "Warnings": a table of every warning code, with an example and what to do."""
    import re
    from pathlib import Path

    from exercise.engine.lint import WARNING_HINTS

    readme = (Path(__file__).resolve().parent.parent / "scenarios" / "README.md").read_text()
    section = readme.split("### Warnings", 1)[1].split("\n## ", 1)[0]
    assert set(WARNING_HINTS) == set(re.findall(r"^\| (W\d{3}) \|", section, re.MULTILINE))
