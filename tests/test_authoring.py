"""Authoring commands: `ttx new` and `ttx schema`."""

from __future__ import annotations

import json

import pytest

from conftest import run_ttx
from exercise.engine import load_scenario


def test_new_writes_a_starter_that_checks_clean_and_plays_to_an_ending(tmp_path):
    path = tmp_path / "my_exercise.toml"
    result = run_ttx("new", str(path), "--teams", "Washington, Pyongyang, Seoul")
    assert 0 == result.returncode, result.stderr
    assert ["Washington", "Pyongyang", "Seoul"] == [t.name for t in load_scenario(path).teams]
    assert 0 == run_ttx("check", str(path)).returncode
    played = run_ttx("run", str(path), "--seed", "1", "--bot", "doctrine")
    assert 0 == played.returncode
    assert "== Outcome:" in played.stdout
    assert "#" in path.read_text()  # commented for the author


async def test_the_starter_opens_in_the_tui(tmp_path, monkeypatch):
    from exercise.cli import build_app

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    path = tmp_path / "starter.toml"
    run_ttx("new", str(path))
    app = build_app(["play", str(path), "--seed", "1"])
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "BriefingScreen" == type(app.screen).__name__


@pytest.mark.parametrize("args, words", [
    (["new", "x.txt"], "ends in .toml"),
    (["new", "{tmp}/a.toml", "--teams", "Solo"], "at least two"),
    (["new", "{tmp}/a.toml", "--teams", "Red Team, red-team"], "same id"),
])
def test_new_refuses_bad_requests_in_one_line(tmp_path, args, words):
    result = run_ttx(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert 1 == result.returncode
    assert words in result.stderr


def test_new_never_overwrites(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("# my work\n")
    result = run_ttx("new", str(path))
    assert 1 == result.returncode
    assert "# my work\n" == path.read_text()


def load_toml(path):
    import tomli

    with open(path, "rb") as fh:
        return tomli.load(fh)


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    result = run_ttx("schema")
    assert 0 == result.returncode
    schema = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_schema_accepts_every_bundled_scenario_and_the_starter(validator, tmp_path):
    from exercise.bundled import bundled_scenarios

    starter = tmp_path / "s.toml"
    run_ttx("new", str(starter))
    for path in [*bundled_scenarios(), starter]:
        errors = list(validator.iter_errors(load_toml(path)))
        assert [] == [e.message for e in errors], path


def test_the_schema_rejects_each_fixture_that_is_a_type_or_key_error(validator):
    from conftest import FIXTURES

    for name in ("E201_wrong_type", "E202_unknown_key", "E205_missing_key", "E206_invalid_id",
                 "E106_format_missing", "E106_format_unsupported"):
        doc = load_toml(FIXTURES / "problems" / f"{name}.toml")
        assert list(validator.iter_errors(doc)), f"{name} passed the schema"


async def test_the_author_screen_shows_problems_live_as_the_file_changes(tmp_path, monkeypatch):
    import os

    from exercise.cli import build_app
    from tui_helpers import screen_text, settle

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    path = tmp_path / "draft.toml"
    run_ttx("new", str(path))
    good = path.read_text()
    path.write_text(good.replace('when = "trust >= 50"', 'when = "trsut >= 50"', 1))
    app = build_app(["author", str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "AuthorScreen" == type(app.screen).__name__
        text = screen_text(app)
        assert "E402" in text and "did you mean 'trust'?" in text
        assert "cannot be played yet" in text
        await pilot.press("enter")  # jump to the problem: its line with a caret
        await settle(pilot)
        assert "trsut" in screen_text(app) and "^ E402" in screen_text(app)
        path.write_text(good)  # the author saves a fix
        stat = path.stat()
        os.utime(path, (stat.st_atime, stat.st_mtime + 5))
        await pilot.pause(1.3)
        await settle(pilot)
        assert "0 error(s)" in screen_text(app)


async def test_play_test_from_a_turn_shows_what_that_team_sees(tmp_path, monkeypatch):
    from textual.widgets import Select

    from exercise.cli import build_app
    from tui_helpers import screen_text, settle

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    app = build_app(["author", "scenarios/sequencing_2018.toml"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#pt-turn", Select).value = 3
        app.screen.query_one("#pt-team", Select).value = "seoul"
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await settle(pilot, 5)
        assert "TeamScreen" == type(app.screen).__name__
        assert "seoul" == app.screen.team_id
        assert 3 == app.state.turn
        text = screen_text(app)
        assert "Seoul" in text and "DPRK ICBM progress" not in text  # exactly Seoul's view


def test_author_of_a_missing_file_says_how_to_start_one():
    result = run_ttx("author", "nowhere/draft.toml")
    assert 1 == result.returncode
    assert "ttx new" in result.stderr
