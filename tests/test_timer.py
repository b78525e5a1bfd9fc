"""The turn timer: it counts deliberation only, survives a resume, and at zero the facilitator chooses."""

from __future__ import annotations

import datetime as _dt
import time

import pytest

from conftest import MINI
from exercise.engine import Order, load_scenario
from exercise.entries import Screen as ScreenEntry, Timer
from exercise.session import Session
from exercise.tui.app import TtxApp
from tui_helpers import settle

SCENARIO = load_scenario(MINI)
TEAMS = [t.id for t in SCENARIO.teams]


def ago(seconds: float) -> str:
    return (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


def opened(session: Session, seconds_ago: float) -> None:
    """The facilitator opened the turn `seconds_ago` (as the journal would say)."""
    session._record(ScreenEntry(session.state.turn, ago(seconds_ago), "board"))


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


def test_the_briefing_and_the_reveal_do_not_count(tmp_path) -> None:
    session = Session.start(SCENARIO, 1, tmp_path / "s.jsonl", settings={"timer": 5})
    timer = session.timer()
    assert timer.phase == "briefing" and timer.left == 300 and not timer.running
    opened(session, 60)
    timer = session.timer()
    assert timer.phase == "deliberation" and timer.running and 238 <= timer.left <= 241
    for team in TEAMS:
        session.submit(Order(team, ()))
    session.resolve()
    timer = session.timer()
    assert timer.phase == "reveal" and timer.left == 300 and not timer.running  # the next turn's, waiting
    session.end("Out of time")
    assert session.timer().left is None


def test_the_timer_survives_a_resume(tmp_path) -> None:
    path = tmp_path / "s.jsonl"
    session = Session.start(SCENARIO, 1, path, settings={"timer": 10})
    opened(session, 180)
    session.close()
    resumed = Session.resume(path)
    assert 418 <= resumed.timer().left <= 421  # 7 minutes left, not 10


def test_a_pause_stops_it_and_an_extension_after_zero_counts_from_then(tmp_path) -> None:
    session = Session.start(SCENARIO, 1, tmp_path / "s.jsonl", settings={"timer": 1})
    opened(session, 200)  # ran out 140 s ago
    assert session.timer().up
    session._record(Timer(1, ago(10), "extend", 1))  # +1 minute, ten seconds ago
    timer = session.timer()
    assert not timer.up and 48 <= timer.left <= 51
    session._record(Timer(1, ago(5), "pause"))
    left = session.timer().left
    assert session.timer().paused and 53 <= left <= 56
    assert session.timer(time.time() + 600).left == left  # paused: time passes, nothing counts


async def test_the_clock_waits_through_the_briefing_and_runs_on_the_turn_screen(tmp_path) -> None:
    app = TtxApp(start="play", scenario_path=MINI, seed=3)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#timer", Select).value = 5
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "BriefingScreen"
        app._tick()
        assert app.clock == "⏱ 05:00 (not started)"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TurnScreen"
        app._tick()
        assert app.clock.startswith("⏱ 04:5") or app.clock == "⏱ 05:00"
        digits = app.screen.query_one("#turn-clock")
        assert digits.display and digits.value in ("05:00", "04:59", "04:58")


async def test_at_zero_a_bell_and_the_facilitator_chooses_to_close_orders(tmp_path) -> None:
    path = tmp_path / "s.jsonl"
    session = Session.start(SCENARIO, 1, path, settings={"timer": 1, "mode": "facilitator"})
    opened(session, 61)
    session.submit(Order(TEAMS[0], ()))
    session.close()
    app = TtxApp(start="resume", journal=path)
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        app.unlocked = True
        await settle(pilot)
        app._tick()
        await settle(pilot)
        assert bells == [1]
        assert type(app.screen).__name__ == "TimeUpScreen"
        assert TEAMS[1] in str(app.screen.query_one("#time-up-who").render()).lower()
        await pilot.click("#close")
        await settle(pilot)
        assert type(app.screen).__name__ == "RevealScreen"
        assert app.state.turn == 2
        app._tick()
        assert bells == [1]  # once per zero


async def test_at_zero_more_time_counts_from_now(tmp_path) -> None:
    path = tmp_path / "s.jsonl"
    session = Session.start(SCENARIO, 1, path, settings={"timer": 1, "mode": "facilitator"})
    opened(session, 300)
    session.close()
    app = TtxApp(start="resume", journal=path)
    async with app.run_test(size=(100, 32)) as pilot:
        app.bell = lambda: None  # type: ignore[method-assign]
        await settle(pilot)
        app._tick()
        await settle(pilot)
        assert type(app.screen).__name__ == "TimeUpScreen"
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "TurnScreen"
        assert app.clock in ("⏱ 01:00", "⏱ 00:59")
