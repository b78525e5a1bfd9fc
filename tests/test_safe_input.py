"""Input that does only what was meant: confirmations, redo, Enter at the curtain, hand-back, limits."""

from __future__ import annotations

import pytest

from conftest import MINI
from exercise.cli import build_app
from exercise.engine import Order, OrderedMove
from exercise.session import Session
from tui_helpers import notices, settle, submit_orders, tick_moves, to_turn
from tui_helpers import screen_name as name

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


async def test_the_curtain_opens_with_a_deliberate_key_and_a_stray_enter_ticks_nothing() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert name(app) == "CurtainScreen"
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert name(app) == "CurtainScreen"  # Enter, pressed once too often, opens no team's screen
        assert any("Press O" in n for n in notices(app))
        await pilot.press("o", "enter", "enter")
        await settle(pilot)
        assert name(app) == "TeamScreen"
        assert app.screen.query_one("#moves").selected == []


async def test_an_empty_pass_asks_and_staying_keeps_the_screen() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        team = app.screen.team_id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert name(app) == "ConfirmScreen"
        assert "passes this turn" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(pilot)
        assert name(app) == "TeamScreen" and team not in app.exercise.session.pending
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert name(app) == "TurnScreen"
        assert app.exercise.session.pending[team].moves == ()


async def test_escape_with_ticked_moves_asks_before_discarding() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        await tick_moves(pilot, ["declare"])
        await pilot.press("escape")
        await settle(pilot)
        assert name(app) == "ConfirmScreen"
        await pilot.press("escape")  # Escape in the question stays
        await settle(pilot)
        assert name(app) == "TeamScreen" and app.screen.query_one("#moves").selected == ["declare"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert name(app) == "TurnScreen"
        # Nothing was ticked on the next screen: Escape leaves at once.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert name(app) == "TurnScreen"


async def test_reopening_a_submitted_order_starts_from_it() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        team = app.screen.team_id
        await tick_moves(pilot, ["declare"])
        app.screen.query_one("#rationale").value = "First step"
        await submit_orders(pilot)
        await pilot.press("enter")  # the same team again
        await settle(pilot)
        assert app.screen.team_id == team
        assert app.screen.query_one("#moves").selected == ["declare"]
        assert app.screen.query_one("#rationale").value == "First step"
        assert "Declare" in str(app.screen.query_one("#contingency-summary").render())
        assert "✓" in str(app.screen.query_one("#moves").get_option_at_index(0).prompt)


async def test_undo_asks_and_redo_brings_the_same_turn_back() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_turn(pilot, "facilitator")
        session = app.exercise.session
        for team in ("a", "b"):
            app.submit(Order(team, (OrderedMove("declare" if team == "a" else "peace"),)))
        await pilot.press("r")
        await settle(pilot)
        resolved = app.state
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#console-tabs").active = "tab-turn"
        await settle(pilot)
        assert app.screen.query_one("#redo").disabled
        await pilot.click("#undo")
        await settle(pilot)
        assert name(app) == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        assert app.state.turn == 2  # nothing undone
        await pilot.click("#undo")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.state.turn == 1 and session.can_redo
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#console-tabs").active = "tab-turn"
        await settle(pilot)
        assert not app.screen.query_one("#redo").disabled
        await pilot.click("#redo")
        await settle(pilot)
        assert name(app) == "RevealScreen"
        assert app.state == resolved


async def test_handing_a_team_back_withdraws_the_computers_order() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot)
        await pilot.press("h")  # the highlighted team to the computer: it chooses at once
        for _ in range(40):
            await pilot.pause(0.05)
            if "a" in app.exercise.session.pending:
                break
        assert "a" in app.exercise.session.pending
        await pilot.press("h")  # and back to people
        await settle(pilot)
        assert app.exercise.session.players["a"] == "human"
        assert "a" not in app.exercise.session.pending
        path = app.exercise.journal_path
    resumed = Session.resume(path, write=False)  # the journal says the same
    assert "a" not in resumed.pending


async def test_the_rationale_shows_its_limit_while_typing() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#rationale").value = "x" * 120
        await settle(pilot)
        count = str(app.screen.query_one("#rationale-count").render())
        assert "120 / 500" in count and "reads it at the reveal" in count
        app.screen.query_one("#rationale").value = "y" * 500
        await settle(pilot)
        assert "That is the limit" in str(app.screen.query_one("#rationale-count").render())


async def test_words_typed_on_the_move_list_go_to_the_rationale_not_to_its_keys() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#moves")
        await pilot.press(*"We hope so")
        await settle(pilot)
        assert name(app) == "TeamScreen"  # no dialog opened
        assert app.screen.query_one("#rationale").value == "We hope so"
        assert app.screen.query_one("#moves").selected == []  # the spaces ticked nothing


async def test_after_the_first_turn_private_news_comes_first_and_the_brief_waits_folded() -> None:
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await to_turn(pilot, "facilitator")
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query_one("#private-brief").collapsed  # turn 1: read it
        await pilot.press("escape")
        await settle(pilot)
        for team in ("a", "b"):
            app.submit(Order(team, ()))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert name(app) == "TeamScreen" and app.state.turn == 2
        assert app.screen.query_one("#private-brief").collapsed
        left = app.screen.query_one("#team-left")
        assert left.children[0].id != "private-brief" and "For your eyes only" in str(left.children[0].render())
