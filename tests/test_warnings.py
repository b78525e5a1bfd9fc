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
