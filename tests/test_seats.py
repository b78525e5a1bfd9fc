"""Classroom seats against a real server on the loopback address.

Each seat is a client speaking textual-serve's websocket protocol; its screen is the text a
terminal emulator (pyte) makes of the seat's output. The facilitator acts on the shared
store from the test process, as `ttx serve`'s console does.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.bundled import find_bundled
from exercise.engine import Order, OrderedMove, load_scenario
from exercise.seats.client import SeatClient
from exercise.seats.serve import ensure_codes, start_session
from exercise.seats.store import open_store
from exercise.session import Session
from tests.seat_server import free_port, serving



SCENARIO = load_scenario(find_bundled("sequencing_2018"))
TEAMS = [t.id for t in SCENARIO.teams]
NAME = {t.id: t.name for t in SCENARIO.teams}
BRIEF = {t.id: " ".join(t.private_brief.split())[:28] for t in SCENARIO.teams}
JOIN = 60.0  # a seat is a new Python process importing Textual: slow on a loaded two-core machine


def web_argv(store_url: str, port: int) -> list[str]:
    return [sys.executable, "-m", "exercise.seats.web", "--store", store_url, "--host", "127.0.0.1",
            "--port", str(port)]


@pytest.fixture
def classroom(tmp_path: Path):
    """A session of the flagship in a SQLite store, with a code for every team and the room."""
    store = open_store(tmp_path / "class.sqlite")
    session = start_session(store, SCENARIO, 11, session_id="class-1", timer=20)
    codes = ensure_codes(store, session)
    yield store, session, codes
    store.close()


async def join(url: str, code: str, name: str, expect: str, width: int = 110, height: int = 34) -> SeatClient:
    seat = await SeatClient.connect(url, code=code, width=width, height=height)
    await seat.wait_for("Your name", timeout=JOIN)
    if name:
        await seat.type(name)
    await seat.press("enter")
    await seat.wait_for(expect, timeout=JOIN)
    return seat


async def send(seat: SeatClient) -> None:
    """Ctrl+S on a team's screen with nothing ticked: the seat asks first, and y passes."""
    await seat.press("ctrl+s")
    await seat.wait_for("Pass this turn", timeout=JOIN)
    await seat.press("y")


def others_secrets(team: str | None) -> list[str]:
    """Text only other teams may read: their private briefs."""
    return [BRIEF[t] for t in TEAMS if t != team]


async def test_four_teams_and_the_room_play_a_turn_each_seeing_only_its_own(classroom) -> None:
    store, facilitator, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        seats = await asyncio.gather(*(join(url, codes[t], f"{t[:3]}-student", "Your moves") for t in TEAMS))
        room = await join(url, codes["room"], "", "At the table")
        try:
            by_team = dict(zip(TEAMS, seats))
            for team, seat in by_team.items():
                text = seat.text()
                assert NAME[team] in text and BRIEF[team] in text, f"{team} does not see its own brief"
                for secret in others_secrets(team):
                    assert secret not in text, f"{team}'s screen shows another team's brief"
            for secret in others_secrets(None):
                assert secret not in room.text(), "the projector shows a team's brief"

            # Every team submits at the same moment, each from its own device.
            await asyncio.gather(*(send(seat) for seat in seats))
            for team, seat in by_team.items():
                await seat.wait_for(f"✓ in, sent by {team[:3]}-student", timeout=JOIN)
            await room.wait_for(re.compile(r"(✓ in.*\n.*){4}"), timeout=10)  # four teams in, on the board
            facilitator.refresh()
            assert facilitator.waiting_for() == []
            assert {e.by for e in facilitator.entries if hasattr(e, "by")} == {f"{t[:3]}-student" for t in TEAMS}

            # The facilitator replaces Pyongyang's order with a secret move, then reveals.
            secret = SCENARIO.move_index["dprk_quiet_missile_work"]
            facilitator.submit(Order("pyongyang", (OrderedMove(secret.id),)), by="facilitator")
            facilitator.resolve()
            await room.wait_for("Reveal", timeout=10)
            await by_team["pyongyang"].wait_for("Reveal", timeout=10)
            await by_team["washington"].wait_for("Reveal", timeout=10)
            assert secret.label not in room.text(), "the room's reveal shows a secret move"
            assert secret.label not in by_team["washington"].text(), "Washington's reveal shows a secret move"
            assert secret.label in by_team["pyongyang"].text(), "Pyongyang's reveal leaves out its own move"

            facilitator.show("board")  # the facilitator moves on: projectors and teams follow
            await room.wait_for("Turn 2", timeout=10)
            await by_team["seoul"].wait_for("Your moves", timeout=10)
        finally:
            await asyncio.gather(*(s.close() for s in [*seats, room]))


async def test_no_input_at_a_seat_reaches_the_facilitator_or_another_team(classroom) -> None:
    store, _, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        seat = await join(url, codes["seoul"], "Min", "Your moves")
        try:
            for key in ("f2", "f5", "f3"):
                await seat.press(key)
                await asyncio.sleep(0.6)
                text = seat.text()
                assert "Adjust a meter" not in text and "Join codes" not in text
                for secret in others_secrets("seoul"):
                    assert secret not in text
            await seat.press("ctrl+p")  # the command palette offers no facilitator action
            await seat.type("console")
            await asyncio.sleep(0.8)
            assert "Facilitator console" not in seat.text()
            for word in ("screenshot", "seats"):  # only what a seat needs, nor the codes
                await seat.press(*["backspace"] * 12)
                await seat.type(word)
                await asyncio.sleep(0.8)
                assert "Save an SVG" not in seat.text() and "Join codes" not in seat.text()
        finally:
            await seat.close()


async def test_wrong_codes_are_refused_and_slowed(classroom) -> None:
    store, _, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        seat = await SeatClient.connect(url, code="ABCDE-FGHJK")
        try:
            await seat.wait_for("Your name", timeout=JOIN)
            await seat.press("enter")
            await seat.wait_for("That code is not right", timeout=10)
            assert "Your moves" not in seat.text()
        finally:
            await seat.close()
        assert store.failed_attempts("127.0.0.1", 60) == 1


async def test_a_replaced_code_sends_its_seats_back_and_a_new_one_joins(classroom) -> None:
    store, _, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        seat = await join(url, codes["beijing"], "Wei", "Your moves")
        try:
            new = store.issue_code("class-1", "beijing")
            await seat.wait_for("ask for it to join again", timeout=10)
            assert "Your moves" not in seat.text()
        finally:
            await seat.close()
        again = await SeatClient.connect(url, code=codes["beijing"])
        try:
            await again.wait_for("Your name", timeout=JOIN)
            await again.press("enter")
            await again.wait_for("replaced by a new one", timeout=10)
        finally:
            await again.close()
        fresh = await join(url, new, "Wei", "Your moves")
        await fresh.close()


async def test_a_dropped_connection_returns_to_where_its_team_was(classroom) -> None:
    store, _, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        seat = await join(url, codes["washington"], "Ana", "Your moves")
        await send(seat)
        await seat.wait_for("sent by Ana", timeout=10)
        await seat.close()  # the tab is closed
        back = await join(url, codes["washington"], "Ana", "sent by Ana")
        await back.close()


def test_kill_9_of_the_server_in_the_middle_of_a_turn_loses_nothing(classroom) -> None:
    store, facilitator, codes = classroom
    port = free_port()
    argv = web_argv(store.url, port)

    async def first() -> None:
        with serving(argv, port) as url:
            seats = [await join(url, codes[t], f"{t}-1", "Your moves") for t in ("washington", "seoul")]
            for seat in seats:
                await send(seat)
            for seat, team in zip(seats, ("washington", "seoul")):
                await seat.wait_for(f"sent by {team}-1", timeout=10)
            server = _server_pid(port)
            os.killpg(os.getpgid(server), signal.SIGKILL)  # the server and every seat, at once
            for seat in seats:
                await seat.wait_closed(timeout=10)
                await seat.close()

    asyncio.run(first())
    reopened = Session.open_store(open_store(store.url), "class-1")
    assert set(reopened.pending) == {"washington", "seoul"}

    async def second() -> None:
        with serving(argv, port) as url:
            seat = await join(url, codes["seoul"], "seoul-2", "sent by seoul-1")
            assert "Washington ✓ in" in seat.text()
            await seat.close()

    asyncio.run(second())


def _server_pid(port: int) -> int:
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    match = re.search(r"pid=(\d+)", out)
    assert match, f"no process listens on {port}: {out!r}"
    return int(match.group(1))


async def test_thirty_two_seats_at_once(classroom) -> None:
    store, facilitator, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        started = time.monotonic()
        seats = await asyncio.gather(*(join(url, codes[TEAMS[k % 4]], f"s{k}", "Your moves", width=100, height=30)
                                       for k in range(32)), return_exceptions=True)
        failed = [s for s in seats if isinstance(s, BaseException)]
        ok = [s for s in seats if not isinstance(s, BaseException)]
        try:
            assert not failed, f"{len(failed)} of 32 seats did not join: {failed[0]}"
            joined = time.monotonic() - started
            await asyncio.gather(*(send(ok[k]) for k in range(4)))  # one seat of each team
            for seat in ok:
                await seat.wait_for(re.compile(r"Your team's orders: ✓ in"), timeout=JOIN)
            facilitator.refresh()
            assert facilitator.waiting_for() == []
            assert len([s for s in store.seats("class-1") if s.connected()]) == 32
            print(f"32 seats joined in {joined:.1f} s")
        finally:
            await asyncio.gather(*(s.close() for s in ok), return_exceptions=True)


def test_ttx_join_opens_a_team_seat_in_a_students_terminal(classroom) -> None:
    from test_seat_client import Terminal

    store, _, codes = classroom
    port = free_port()
    with serving(web_argv(store.url, port), port) as url:
        typed = codes["pyongyang"].replace("-", "").lower()  # as a student may type it
        terminal = Terminal(url, typed, columns=100, lines=30)
        try:
            terminal.wait_for("Your name", timeout=JOIN)
            terminal.write(b"Ri\r")
            terminal.wait_for("Your moves", timeout=JOIN)
            terminal.wait_for("Your sequence")  # the start of its private brief
            terminal.write(b"\x13")  # ctrl+s: nothing ticked, so the seat asks first
            terminal.wait_for("Pass this turn", timeout=JOIN)
            terminal.write(b"y")
            terminal.wait_for("sent by Ri", timeout=JOIN)
            terminal.write(b"\x11")  # ctrl+q leaves the seat
            assert terminal.finish() == 0
        finally:
            terminal.close()
    assert Session.open_store(open_store(store.url), "class-1").submitted("pyongyang").by == "Ri"


def test_two_hosts_behind_one_address_share_a_session_through_postgresql(postgres_url) -> None:
    """Two `ttx serve` hosts on one PostgreSQL store: a seat on each, one session, each sees the other's order."""
    import secrets

    from pg_server import create_database

    url = create_database(postgres_url, f"ttx_seats_{secrets.token_hex(4)}")
    store = open_store(url)
    session = start_session(store, SCENARIO, 12, session_id="shared-1")
    codes = ensure_codes(store, session)
    ports = [free_port(), free_port()]

    async def play(urls: list[str]) -> None:
        a = await join(urls[0], codes["washington"], "Ana", "Your moves")
        b = await join(urls[1], codes["beijing"], "Wei", "Your moves")
        try:
            await send(a)
            await b.wait_for("Washington ✓ in", timeout=10)
            await send(b)
            await a.wait_for("Beijing ✓ in", timeout=10)
        finally:
            await a.close()
            await b.close()

    with serving(web_argv(url, ports[0]), ports[0]) as first, serving(web_argv(url, ports[1]), ports[1]) as second:
        asyncio.run(play([first, second]))
    session.refresh()
    assert {t: session.submitted(t).by for t in ("washington", "beijing")} == {"washington": "Ana", "beijing": "Wei"}
    store.close()
