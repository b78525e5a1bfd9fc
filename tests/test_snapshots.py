"""Snapshots of the key screens at a fixed size, built the way `ttx play` builds the app.

Regenerate after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest

from exercise.cli import build_app
from tui_helpers import settle, tick_moves, submit_orders

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


def flagship():
    return build_app(["play", "sequencing_2018", "--seed", "7"])


async def to_turn(pilot):
    await settle(pilot)
    await submit_orders(pilot)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_home_screen(snap_compare):
    assert snap_compare(build_app([]), terminal_size=SIZE, run_before=settle)


def test_briefing_screen(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await submit_orders(pilot)
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SIZE, run_before=run_before)


def test_turn_screen(snap_compare):
    assert snap_compare(flagship(), terminal_size=SIZE, run_before=to_turn)


def test_team_screen_with_a_contingent_move(snap_compare):
    async def run_before(pilot):
        await to_turn(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        await tick_moves(pilot, ["us_peace_declaration"])
        pilot.app.screen.contingencies["us_peace_declaration"] = ("dprk_declare_inventory",)
        pilot.app.screen._update_contingencies()
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SIZE, run_before=run_before)


def test_reveal_screen(snap_compare):
    async def run_before(pilot):
        await to_turn(pilot)
        await pilot.press("n")
        await settle(pilot)
        orders = {"washington": ["us_pompeo_visit"], "pyongyang": ["dprk_declare_inventory"],
                  "seoul": ["rok_exchanges"], "beijing": ["prc_back_phased"]}
        for moves in orders.values():
            await pilot.press("o")  # the curtain opens
            await settle(pilot)
            await tick_moves(pilot, moves)
            await submit_orders(pilot)
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SIZE, run_before=run_before)


# -- At 80×24, the smallest terminal a class is likely to have: nothing essential cut. -----------

SMALL = (80, 24)


def highlight(pilot, list_id: str, value: str) -> None:
    """Move the cursor of a selection list to the option with this value."""
    options = pilot.app.screen.query_one(list_id)
    options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).value == value)


async def to_team(pilot, mode: str = "hotseat"):
    """Setup in the given mode, the briefing, the turn screen, and the first team's screen."""
    await settle(pilot)
    if mode != "hotseat":
        from textual.widgets import Select

        pilot.app.screen.query_one("#mode", Select).value = mode
    await to_turn(pilot)
    await pilot.press("n")
    await settle(pilot)
    if mode == "hotseat":
        await pilot.press("o")  # the curtain opens
        await settle(pilot)


async def to_console_tab(pilot, tab: str) -> None:
    from textual.widgets import TabbedContent

    await to_turn(pilot)
    await pilot.press("f2")
    await settle(pilot)
    pilot.app.screen.query_one(TabbedContent).active = tab
    await settle(pilot)


def served(tmp_path, monkeypatch):
    """A served session of the flagship with join codes that are the same at every run."""
    from itertools import count

    from exercise.seats.serve import ensure_codes, start_session
    from exercise.seats.store import open_store
    from exercise.engine import load_scenario
    from exercise.bundled import find_bundled

    numbers = count(1)
    monkeypatch.setattr("exercise.seats.store.new_code", lambda: f"ABCD{next(numbers)}-EFGHJ")
    store = open_store(tmp_path / "class.sqlite")
    session = start_session(store, load_scenario(find_bundled("sequencing_2018")), 4, session_id="class-1")
    return store, ensure_codes(store, session)


def test_home_screen_at_80x24(snap_compare):
    assert snap_compare(build_app([]), terminal_size=SMALL, run_before=settle)


def test_setup_screen_at_80x24(snap_compare):
    assert snap_compare(flagship(), terminal_size=SMALL, run_before=settle)


def test_briefing_screen_at_80x24(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await submit_orders(pilot)
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_turn_screen_at_80x24(snap_compare):
    assert snap_compare(flagship(), terminal_size=SMALL, run_before=to_turn)


def test_curtain_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_turn(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_hot_seat_team_screen_with_a_ticked_move_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_team(pilot)
        await tick_moves(pilot, ["us_peace_declaration"])
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_facilitator_entry_team_screen_with_secret_moves_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_team(pilot, "facilitator")
        await pilot.press("escape")  # back to the turn screen: Pyongyang's row
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_contingency_dialog_with_a_ticked_move_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_team(pilot)
        highlight(pilot, "#moves", "us_peace_declaration")
        await pilot.press("c")
        await settle(pilot)
        pilot.app.screen.query_one("#contingent-on").select("dprk_declare_inventory")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_pass_confirmation_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_team(pilot)
        await pilot.press("ctrl+s")  # nothing ticked: a pass is asked first
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_reveal_screen_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_team(pilot, "facilitator")
        orders = {"washington": ["us_pompeo_visit"], "pyongyang": ["dprk_declare_inventory"],
                  "seoul": ["rok_exchanges"], "beijing": ["prc_back_phased"]}
        for moves in orders.values():
            if type(pilot.app.screen).__name__ != "TeamScreen":
                await pilot.press("n")
                await settle(pilot)
            await tick_moves(pilot, moves)
            await submit_orders(pilot)
            await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        pilot.app.clear_notifications()  # "Orders recorded", four times
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_dashboard_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_turn(pilot)
        await pilot.press("f3")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_console_adjust_tab_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_console_tab(pilot, "tab-adjust")

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_console_injects_tab_with_a_team_ticked_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_console_tab(pilot, "tab-injects")
        pilot.app.screen.query_one("#adhoc-to").select("seoul")
        pilot.app.screen.query_one("#send").scroll_visible(animate=False)
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_console_turn_tab_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_console_tab(pilot, "tab-turn")

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_ending_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_console_tab(pilot, "tab-turn")
        pilot.app.screen.query_one("#end-reason").value = "Time is up"
        pilot.app.screen.query_one("#end").press()
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_help_at_80x24(snap_compare):
    async def run_before(pilot):
        await to_turn(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_pin_dialog_at_80x24(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#pin").value = "2468"
        pilot.app.screen.query_one("#pin-again").value = "2468"
        await to_turn(pilot)
        await pilot.press("n", "escape")  # a team had the keyboard: the console asks for the PIN
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        pilot.app.screen.query_one("#pin-entry").cursor_blink = False

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_time_up_dialog_at_80x24(snap_compare):
    async def run_before(pilot):
        from exercise.tui.screens.time_up import TimeUpScreen

        await to_turn(pilot)
        pilot.app.push_screen(TimeUpScreen(["Washington", "Pyongyang"]))
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SMALL, run_before=run_before)


def test_seats_screen_at_80x24(snap_compare, tmp_path, monkeypatch):
    store, _ = served(tmp_path, monkeypatch)
    app = build_app(["serve", "--store", store.url, "--session", "class-1"])

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_seat_join_screen_at_80x24(snap_compare, tmp_path, monkeypatch):
    from exercise.seats.seat_app import SeatApp

    store, _ = served(tmp_path, monkeypatch)

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#join-code").cursor_blink = False

    assert snap_compare(SeatApp(store.url), terminal_size=SMALL, run_before=run_before)


def test_seat_room_screen_at_80x24(snap_compare, tmp_path, monkeypatch):
    from exercise.seats.seat_app import SeatApp

    store, codes = served(tmp_path, monkeypatch)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")  # the projector's code is typed; no name
        await settle(pilot)

    assert snap_compare(SeatApp(store.url, codes["room"]), terminal_size=SMALL, run_before=run_before)
