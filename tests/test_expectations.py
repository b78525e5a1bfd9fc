"""Scenario expectations: `[[expect]]` claims about play, checked by simulation with `ttx test`."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, run_ttx

from exercise.engine import ScenarioError, parse_scenario

BROKEN = FIXTURES / "expect" / "broken_balance.toml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_scenario_meets_its_expectations(path):
    result = run_ttx("test", str(path), timeout=900)
    assert 0 == result.returncode, result.stdout + result.stderr
    assert "0 failed" in result.stdout


def test_every_bundled_scenario_states_its_intent():
    for path in BUNDLED:
        assert "[[expect]]" in path.read_text(), f"{path.name} has no expectations"


def test_a_scenario_that_breaks_its_expectations_fails_with_the_figures():
    result = run_ttx("test", str(BROKEN))
    assert 1 == result.returncode
    lines = result.stdout.splitlines()
    assert any(line.strip().startswith("FAIL balanced") for line in lines)
    assert any(line.strip().startswith("FAIL no_decider") for line in lines)
    assert any(line.strip().startswith("ok   blue_win_rare") for line in lines)
    assert "largest ending draw at 81.0%" in result.stdout
    assert "2 passed, 2 failed" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_same_seed_gives_the_same_figures():
    first = json.loads(run_ttx("test", str(BROKEN), "--json").stdout)
    second = json.loads(run_ttx("test", str(BROKEN), "--json", "--jobs", "1").stdout)
    assert first == second
    assert {"balanced": False, "blue_win_rare": True, "no_decider": False, "draw_reachable": True} == {
        r["id"]: r["passed"] for r in first[0]["results"]}


HEAD = BROKEN.read_text().split("[[expect]]")[0]


@pytest.mark.parametrize("table, code, words", [
    ('check = "ending_shares"\nending = "draw"', "E204", "did you mean 'ending_share'?"),
    ('check = "ending_share"\nending = "drow"', "E301", "unknown ending 'drow': did you mean 'draw'?"),
    ('check = "ending_share"', "E205", "missing required key 'ending'"),
    ('check = "endings_spread"\nplayers = "clever"', "E204", "unknown level 'clever'"),
    ('check = "endings_spread"\nmax = 60', "E204", "'max' is a share from 0 to 1, not 60"),
    ('check = "strategy_below_doctrine"\nteam = "blue"', "E205", "missing required key 'strategy'"),
], ids=["check", "ending", "missing", "level", "share", "strategy"])
def test_a_mistake_in_an_expectation_is_reported_with_its_code(table, code, words):
    text = HEAD + f'[[expect]]\nid = "x"\ntext = "A claim"\n{table}\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.toml")
    problems = info.value.problems
    assert [code] == [p.code for p in problems], [p.message for p in problems]
    assert words in problems[0].message


def test_an_orders_file_that_a_strategy_names_must_exist(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[[expect]]\nid = "x"\ntext = "A script"\ncheck = "strategy_below_doctrine"\n'
                    'team = "blue"\nstrategy = "missing_orders.toml"\nruns = 5\n')
    result = run_ttx("test", str(path))
    assert 1 == result.returncode and "Traceback" not in result.stderr
    assert "expect 'x'" in result.stderr and "missing_orders.toml" in result.stderr


VARIANT_HEAD = BROKEN.read_text().split("[[expect]]")[0]


@pytest.mark.parametrize("table, code, words", [
    ('turns = 2\nschedule = { nothing = 1 }', "E301", "unknown inject 'nothing'"),
    ('turns = 2\nturn_labels = ["one"]', "E502", "1 turn labels for 2 turns"),
    ('turns = 0', "E204", "'turns' must be from 1 to 100, not 0"),
], ids=["inject", "labels", "turns"])
def test_a_mistake_in_a_variant_is_reported_with_its_code(table, code, words):
    text = VARIANT_HEAD + f'[[variants]]\nid = "short"\ntitle = "Short"\n{table}\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.toml")
    problems = info.value.problems
    assert [code] == [p.code for p in problems], [p.message for p in problems]
    assert words in problems[0].message
