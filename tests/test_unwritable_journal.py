"""A journal that cannot be written mid-exercise (a full disk, a store gone away, a sessions
folder that cannot be made): the TUI stays up, says so in one notice, and loses nothing it
had accepted; once the disk has room the same action goes through.

The full disk is real: the journal's file is swapped for /dev/full, where every write fails
with "no space left on device", and swapped back when the disk "has room" again.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from conftest import MINI

from exercise.cli import build_app
from exercise.engine import Order, OrderedMove
from exercise.session import Session
from tui_helpers import settle, submit_orders, tick_moves

SIZE = (100, 32)
REFUSED = "Not recorded, so not done"


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def screen_name(app) -> str:
    return type(app.screen).__name__


def refusals(app) -> list[str]:
    """The notices saying an action was not recorded, oldest first."""
    return [n.message for n in app._notifications if n.title == REFUSED]


@contextmanager
def disk_full(app):
    """Every write to the session's journal fails with ENOSPC until the block ends."""
    journal = app.exercise.session.journal
    real, full = journal._fd, os.open("/dev/full", os.O_WRONLY)
    journal._fd = full
    try:
        yield
    finally:
        journal._fd = real
        os.close(full)


async def start(pilot, mode: str = "facilitator") -> None:
    from textual.widgets import Select

    await settle(pilot)
    pilot.app.screen.query_one("#mode", Select).value = mode
    await submit_orders(pilot)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


def lines_of(app) -> int:
    return len(app.exercise.journal_path.read_text().splitlines())


async def test_a_full_disk_refuses_orders_with_one_notice_and_the_ticked_moves_wait_to_be_submitted_again():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        before = lines_of(app)
        await pilot.press("n")  # Alpha's screen, entered by the facilitator
        await settle(pilot)
        await tick_moves(pilot, ["declare"])
        with disk_full(app):
            await submit_orders(pilot)
            assert "TeamScreen" == screen_name(app)  # still open, the move still ticked
            assert ["declare"] == list(app.screen.query_one("#moves").selected)
            assert 1 == len(refusals(app))
            assert "no space left on device" in refusals(app)[0]
            assert "Everything accepted before it is safe in the journal" in refusals(app)[0]
            assert {} == dict(app.exercise.session.pending)
        assert before == lines_of(app)  # the failed write was taken back
        await submit_orders(pilot)  # the disk has room again
        assert "TurnScreen" == screen_name(app)
        assert ["a"] == list(app.exercise.session.pending)
        assert 1 == len(refusals(app))


async def test_a_full_disk_at_the_reveal_keeps_every_order_and_the_reveal_comes_once_there_is_room():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for team, moves in (("a", ["declare"]), ("b", [])):
            app.submit(Order(team, tuple(OrderedMove(m) for m in moves)))
        await settle(pilot)
        with disk_full(app):
            await pilot.press("r")
            await settle(pilot)
            assert "TurnScreen" == screen_name(app)
            assert 1 == app.state.turn and not app.state.records
            assert ["a", "b"] == sorted(app.exercise.session.pending)
            assert 1 == len(refusals(app))
        await pilot.press("r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)
        path = app.exercise.journal_path
    replayed = Session.resume(path, write=False)
    assert 1 == len(replayed.records)
    assert ("declare",) == tuple(m.move for m in replayed.records[0].orders["a"].moves)


async def test_every_console_action_on_a_full_disk_is_one_notice_and_changes_nothing():
    from textual.widgets import Input, Select

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for team in ("a", "b"):
            app.submit(Order(team, ()))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # turn 2 opens
        await settle(pilot)
        state = app.state
        lines = lines_of(app)
        await pilot.press("f2")
        await settle(pilot)
        console = app.screen
        assert "ConsoleScreen" == screen_name(app)

        async def press(button: str) -> None:
            console.query_one(button).scroll_visible(animate=False)
            await settle(pilot)
            console.query_one(button).press()
            await settle(pilot)

        with disk_full(app):
            console.query_one("#target", Select).value = "tension"
            console.query_one("#value", Input).value = "77"
            console.query_one("#reason", Input).value = "A border incident"
            await press("#apply")
            console.query_one("#adhoc-title", Input).value = "A typhoon"
            await press("#send")
            await press("#extend1")
            await press("#undo")
            await pilot.press("y")  # yes, undo
            await settle(pilot)
            console.query_one("#end-reason", Input).value = "Out of class time"
            await press("#end")
            assert "ConsoleScreen" == screen_name(app)  # the console stays open, its fields as typed
            assert "A border incident" == console.query_one("#reason", Input).value
            assert 5 == len(refusals(app))  # apply, send, +1 minute, undo, end: one notice each
            assert state is app.state and app.state.outcome is None
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("h")  # hand the highlighted team to the computer
            await settle(pilot)
            assert 6 == len(refusals(app))
            assert "human" == app.exercise.players["a"]
        assert lines == lines_of(app)


async def test_a_sessions_folder_that_cannot_be_made_is_said_on_the_setup_screen(ttx_home):
    ttx_home.parent.mkdir(parents=True, exist_ok=True)
    ttx_home.write_text("a file where the folder should be\n")
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await submit_orders(pilot)  # Ctrl+S starts the exercise
        await settle(pilot)
        assert "SetupScreen" == screen_name(app)
        said = [n for n in app._notifications if n.title == "The exercise could not start"]
        assert 1 == len(said)
        assert str(ttx_home) in said[0].message and "not a directory" in said[0].message
        assert app.exercise is None


async def test_a_play_test_from_the_author_screen_says_why_it_could_not_start(ttx_home):
    from textual.widgets import Select

    ttx_home.parent.mkdir(parents=True, exist_ok=True)
    ttx_home.write_text("a file where the folder should be\n")
    app = build_app(["author", str(MINI)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#pt-turn", Select).value = 2
        app.screen.query_one("#pt-team", Select).value = "a"
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "AuthorScreen" == screen_name(app)
        said = [n for n in app._notifications if n.title == "The play-test could not start"]
        assert 1 == len(said) and "not a directory" in said[0].message


async def test_a_full_disk_as_the_exercise_starts_leaves_no_empty_journal_behind(ttx_home, monkeypatch):
    from exercise import journal as journal_module

    def full(self, event, seq=None):
        raise journal_module.JournalError(f"{self.path}: cannot write to the journal: no space left on device;"
                                          " the last action was not accepted")

    monkeypatch.setattr(journal_module.Journal, "append", full)
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await submit_orders(pilot)
        await settle(pilot)
        assert "SetupScreen" == screen_name(app)
        assert any("no space left on device" in n.message for n in app._notifications)
    assert [] == list((ttx_home / "sessions").glob("*.jsonl"))


def served(tmp_path):
    from exercise.bundled import find_bundled
    from exercise.engine import load_scenario
    from exercise.seats.serve import ensure_codes, start_session
    from exercise.seats.store import open_store

    store = open_store(tmp_path / "class.sqlite")
    session = start_session(store, load_scenario(find_bundled("sequencing_2018")), 4, session_id="class-1")
    return store, ensure_codes(store, session)


@contextmanager
def store_away(store):
    """Every append to the store fails, as when a database server has gone."""
    from exercise.seats.store import StoreError

    def away(session_id, seq, event):
        raise StoreError(f"{store.url}: the store cannot be reached")

    real = store.append
    store.append = away
    try:
        yield
    finally:
        store.append = real


async def test_a_served_exercise_whose_store_is_away_says_so_and_goes_on(tmp_path):
    store, _ = served(tmp_path)
    app = build_app(["serve", "--store", store.url, "--session", "class-1"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        session = app.exercise.session
        with store_away(session.journal.store):
            await pilot.press("r", "r")  # close orders now: every team passes
            await settle(pilot)
            assert "TurnScreen" == screen_name(app)
            assert 1 == len(refusals(app))
            assert "the store cannot be reached" in refusals(app)[0]
            assert {} == dict(session.pending)
        await pilot.press("r", "r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)


async def test_a_seat_whose_store_is_away_keeps_its_orders_to_send_again(tmp_path):
    from exercise.seats.seat_app import SeatApp

    store, codes = served(tmp_path)
    app = SeatApp(store.url, codes["seoul"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the code is typed; no name
        await settle(pilot)
        assert "TeamScreen" == screen_name(app)
        first = app.screen.query_one("#moves").get_option_at_index(0).value
        await tick_moves(pilot, [first])
        with store_away(app.exercise.session.journal.store):
            await submit_orders(pilot)
            assert "TeamScreen" == screen_name(app)
            assert 1 == len(refusals(app))
            assert [first] == list(app.screen.query_one("#moves").selected)
        await submit_orders(pilot)
        assert "seoul" in app.exercise.session.pending


def test_an_sqlite_store_that_fails_refuses_the_action_as_not_recorded(tmp_path):
    """A database error (here the connection gone; a full disk is the same error) is the store's
    own StoreError, so the session refuses the action, never a traceback from sqlite3."""
    from exercise.session import NotRecorded

    store, _ = served(tmp_path)
    session = Session.open_store(store, "class-1")
    store._conn.close()
    with pytest.raises(NotRecorded, match="class.sqlite"):
        session.submit(Order("seoul", ()))
    assert {} == dict(session.pending)


async def test_the_seats_screen_says_once_that_the_store_is_away_and_refuses_a_new_code(tmp_path):
    from exercise.seats.store import StoreError

    store, codes = served(tmp_path)
    app = build_app(["serve", "--store", store.url, "--session", "class-1"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert "SeatsScreen" == screen_name(app)
        shared = app.serve_info.store

        def away(*args, **kwargs):
            raise StoreError(f"{store.url}: the store cannot be reached")

        for name in ("issue_code", "codes", "seats", "present"):
            setattr(shared, name, away)
        await pilot.press("n")  # a new code for the highlighted team
        await pilot.pause(2.2)  # two looks at the store, every second
        assert "SeatsScreen" == screen_name(app)
        titles = [n.title for n in app._notifications]
        assert 1 == titles.count("Not done: the store is away")
        assert 1 == titles.count("The session's store could not be read")
        assert codes["washington"] in str(app.screen.query_one("#seat-link").render())
