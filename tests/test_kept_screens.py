"""Screens kept for the exercise (the team screens, the dashboards, the console): opened again, refilled.

A kept screen switches in about the time of a bare Textual screen; what these tests check
is that keeping one never keeps what it must not: a full view left on, ticks that were
cancelled, a value typed and not applied, another turn's moves.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from conftest import MINI
from exercise.cli import build_app
from exercise.engine import FACILITATOR, ROOM, Order
from tui_helpers import screen_name as name
from tui_helpers import settle, submit_orders, tick_moves, to_turn

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


async def test_the_dashboard_opens_again_as_the_same_screen_and_never_with_the_full_view_left_on() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("f3")
        await settle(pilot)
        dashboard = app.screen
        await pilot.press("v")
        await settle(pilot)
        assert dashboard.audience == FACILITATOR
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is dashboard  # kept, not rebuilt
        assert dashboard.audience == ROOM  # what the room may see, until v is pressed again
        assert "what every team can see" in str(dashboard.query_one("#dash-title").render())


async def test_a_kept_dashboard_shows_the_turn_it_is_opened_in() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        for team in app.state.scenario.teams:
            app.submit(Order(team.id, ()))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        title = str(app.screen.query_one("#dash-title").render())
        assert app.state.scenario.turn_label(2) in title


async def test_a_kept_team_screen_opens_again_from_the_order_in_force_not_from_cancelled_ticks() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        screen, team = app.screen, app.screen.team_id
        await tick_moves(pilot, ["declare"])
        app.screen.query_one("#rationale").value = "Not this"
        await pilot.press("escape")  # leave without submitting: it asks first
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert name(app) == "TurnScreen"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and app.screen.team_id == team
        assert app.screen.query_one("#moves").selected == []  # nothing was submitted
        assert app.screen.query_one("#rationale").value == ""
        await tick_moves(pilot, ["declare"])
        await submit_orders(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#moves").selected == ["declare"]  # the order in force


async def test_a_kept_console_opens_again_empty_and_shows_the_values_of_now() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("f2")
        await settle(pilot)
        console = app.screen
        console.query_one("#target", Select).value = "tension"
        console.query_one("#value").value = "77"
        console.query_one("#reason").value = "A border incident"
        await pilot.click("#apply")
        await settle(pilot)
        assert app.state.meters["tension"] == 77
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is console
        assert console.query_one("#value").value == "" and console.query_one("#reason").value == ""
        assert console.query_one("#target", Select).value is Select.NULL
        labels = [str(prompt) for prompt, _ in console.query_one("#target", Select)._options]
        assert any("now 77" in label for label in labels)  # the meter's value after the override


async def test_a_new_exercise_builds_its_screens_afresh() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("f3")
        await settle(pilot)
        old = app.screen
        await pilot.press("escape")
        await settle(pilot)
        app.close_exercise()
        await settle(pilot)
        assert not old.is_attached  # put away with its exercise
        assert not any(app.is_screen_installed(f"kept:{n}") for n in ("console", "dashboard:room:full"))
