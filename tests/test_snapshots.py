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
        await pilot.press("enter")
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
            await pilot.press("enter")
            await settle(pilot)
            await tick_moves(pilot, moves)
            await submit_orders(pilot)
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(flagship(), terminal_size=SIZE, run_before=run_before)
