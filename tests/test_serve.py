"""`ttx serve` at the facilitator's end, `ttx export` / `import`, and stores read by `replay` and `report`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.bundled import find_bundled
from exercise.engine import Order, load_scenario
from exercise.entries import Screen as ScreenEntry
from exercise.seats.serve import ServeInfo, ensure_codes, qr_text, start_session
from exercise.seats.store import open_store
from exercise.session import JournalError, Session
from exercise.tui.app import TtxApp
from tests.seat_server import free_port

SCENARIO = load_scenario(find_bundled("sequencing_2018"))
TEAMS = [t.id for t in SCENARIO.teams]


def ttx(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


@pytest.fixture
def served(tmp_path: Path):
    store = open_store(tmp_path / "class.sqlite")
    session = start_session(store, SCENARIO, 4, session_id="room-7", timer=15)
    yield store, session
    store.close()


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (the machine may be busy)."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "the screen did not get there in time"
        await pilot.pause(0.1)


def facilitator_app(store, session) -> TtxApp:
    return TtxApp(start="serve", session=session, serve_info=ServeInfo("http://10.1.2.3:8000", "the network", store))


async def test_the_facilitator_sees_orders_from_seats_and_who_sent_them(served) -> None:
    store, session = served
    app = facilitator_app(store, session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        seat = Session.open_store(open_store(store.url), "room-7")  # another process: a seat
        seat.submit(Order("seoul", ()), by="Min")
        await until(pilot, lambda: "seoul" in app.exercise.session.pending)
        await pilot.pause(0.2)
        rows = app.screen.query_one("#teams").get_row("seoul")
        assert "✓ in (sent by Min)" in str(rows[2])
        assert "seoul" in app.exercise.session.pending


async def test_seats_screen_shows_every_code_and_replaces_one(served) -> None:
    store, session = served
    codes = ensure_codes(store, session)
    app = facilitator_app(store, session)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await until(pilot, lambda: type(app.screen).__name__ == "SeatsScreen")
        await pilot.pause(0.3)
        table = app.screen.query_one("#seat-codes")
        shown = {str(table.get_row(a)[1]) for a in [*TEAMS, "room"]}
        assert shown == set(codes.values())
        assert "http://10.1.2.3:8000/join/" in str(app.screen.query_one("#seat-link").render())
        old = codes[TEAMS[0]]  # the first row: teams come in the scenario's order, the projector last
        await pilot.press("n")
        await until(pilot, lambda: store.find_code(old).revoked)
        assert {c.audience: c.code for c in store.codes("room-7")}[TEAMS[0]] != old
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TurnScreen")


async def test_leaving_the_reveal_moves_the_projectors_to_the_board(served) -> None:
    store, session = served
    for team in TEAMS:
        session.submit(Order(team, ()))
    app = facilitator_app(store, session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "RevealScreen")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TurnScreen")
    stored = Session.open_store(open_store(store.url), "room-7")
    assert isinstance(stored.entries[-1], ScreenEntry) and stored.entries[-1].show == "board"


def test_qr_code_is_square_and_carries_the_link() -> None:
    lines = qr_text("http://192.168.1.20:8000/join/ABCDE-FGHJK").splitlines()
    assert len({len(line) for line in lines}) == 1  # every row as wide
    assert abs(len(lines[0]) - 2 * len(lines)) <= 2  # two modules a line: square on screen


def _wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 60) -> list[str]:
    lines: list[str] = []
    end = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < end:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"ttx serve never printed {needle!r}; it printed {''.join(lines)!r}")


def test_serve_headless_prints_the_address_codes_and_binds_to_localhost(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "exercise", "serve", "tutorial", "--headless", "--port", str(port),
         "--store", str(tmp_path / "s.sqlite"), "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TTX_HOME": str(tmp_path)},
        start_new_session=True)
    try:
        out = "".join(_wait_for_line(process, "Serving until Ctrl+C"))
        assert f"http://127.0.0.1:{port}" in out
        assert "this computer only" in out and "--host 0.0.0.0" in out
        assert out.count("/join/") == 3  # two teams and the projector
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        with pytest.raises(OSError):  # nothing listens beyond the loopback address
            other = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
            if not other:
                raise OSError("no other address to try")
            socket.create_connection((other[0], port), timeout=2)
    finally:
        process.terminate()
        process.wait(30)
    # Stopped: the web server and its seats are gone with it.
    time.sleep(1.5)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_serve_refuses_a_port_in_use_and_a_store_that_is_not_one(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = ttx("serve", "tutorial", "--headless", "--port", str(port), "--store", str(tmp_path / "s.sqlite"))
    assert result.returncode == 1
    assert "in use" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    (tmp_path / "not.sqlite").write_text("hello, this is not a database\n" * 100)
    result = ttx("serve", "tutorial", "--headless", "--store", str(tmp_path / "not.sqlite"))
    assert result.returncode == 1 and "not a ttx session store" in result.stderr
    assert "Traceback" not in result.stderr
    result = ttx("serve", "--session", "nope", "--headless", "--store", str(tmp_path / "s.sqlite"))
    assert result.returncode == 1 and "no session named 'nope'" in result.stderr


def test_export_import_replay_and_report_move_a_session_between_store_and_journal(tmp_path: Path, served) -> None:
    store, session = served
    for team in TEAMS:
        session.submit(Order(team, ()), by=f"{team}-seat")
    session.resolve()
    session.submit(Order("seoul", ()), by="Min")
    journal = tmp_path / "out.jsonl"
    result = ttx("export", store.url, "-o", str(journal))
    assert result.returncode == 0, result.stderr
    assert oct(journal.stat().st_mode & 0o777) == "0o600"
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [e["type"] for e in events] == [e.to_json()["type"] for e in session.entries]
    assert events[-1]["by"] == "Min"
    resumed = Session.resume(journal, write=False)
    assert resumed.state == session.state and resumed.pending == session.pending

    other = tmp_path / "other.sqlite"
    result = ttx("import", str(journal), "--store", str(other), "--session", "again")
    assert result.returncode == 0, result.stderr
    assert "again" in result.stdout
    again = Session.open_store(open_store(other), "again")
    assert again.state == session.state and again.pending == session.pending

    replay = ttx("replay", store.url, "--as", "room")
    assert replay.returncode == 0, replay.stderr
    assert "Turn 1" in replay.stdout and "orders in from seoul" in replay.stdout
    report = ttx("report", f"sqlite://{other}", "--session", "again")
    assert report.returncode == 0 and "room's version" in report.stdout.lower() or "room" in report.stdout

    start_session(store, SCENARIO, 5, session_id="room-8")  # two sessions: the store needs a name
    result = ttx("replay", store.url)
    assert result.returncode == 1 and "--session" in result.stderr and "room-7" in result.stderr
    result = ttx("export", store.url, "--session", "room-9")
    assert result.returncode == 1 and "no session named 'room-9'" in result.stderr


def test_a_journal_open_in_one_process_cannot_be_written_by_another(tmp_path: Path) -> None:
    journal = tmp_path / "s.jsonl"
    first = Session.start(SCENARIO, 3, journal)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from exercise.session import Session;"
         "s = Session.resume(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(journal)],
        stdout=subprocess.PIPE, text=True)
    try:
        first.close()
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(JournalError, match="open in another ttx"):
            Session.resume(journal)
        read_only = Session.resume(journal, write=False)  # reading is always allowed
        assert read_only.state.turn == 1
        result = ttx("resume", str(journal))
        assert result.returncode == 1 and "open in another ttx" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    again = Session.resume(journal)  # the holder is gone: the lock went with it
    again.submit(Order(TEAMS[0], ()))
    again.close()


async def test_setup_offers_each_team_on_its_own_device(tmp_path: Path, monkeypatch) -> None:
    """Chosen at setup, the seats are served on the network and stop with the facilitator's screens."""
    from textual.widgets import Select

    from exercise.cli import build_app

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    app = build_app(["play", "tutorial", "--seed", "5"])
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "SetupScreen")
        app.screen.query_one("#mode", Select).value = "seats"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "BriefingScreen", timeout=40)
        assert app.exercise.session.shared and app.exercise.mode == "seats"
        port = int(app.serve_info.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TurnScreen")
        await pilot.press("f5")
        await until(pilot, lambda: type(app.screen).__name__ == "SeatsScreen")
        store = app.serve_info.store
        assert len(store.codes(app.exercise.session.journal.session_id)) == 3  # two teams and the projector
    time.sleep(1.0)
    with pytest.raises(OSError):  # the seats' server stopped with the app
        socket.create_connection(("127.0.0.1", port), timeout=2)


async def test_the_facilitator_closes_orders_with_a_second_r_and_silent_teams_pass(served) -> None:
    store, session = served
    Session.open_store(open_store(store.url), "room-7").submit(Order("seoul", ()), by="Min")
    app = facilitator_app(store, session)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "seoul" in app.exercise.session.pending)
        await pilot.press("r")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "TurnScreen"  # the first r only asks
        assert app.state.turn == 1
        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "RevealScreen")
        assert app.state.turn == 2
    stored = Session.open_store(open_store(store.url), "room-7")
    closed = [e for e in stored.entries if getattr(e, "by", "") == "nobody: orders closed"]
    assert sorted(e.order.team for e in closed) == sorted(t for t in TEAMS if t != "seoul")
    assert all(not e.order.moves for e in closed)


async def test_the_facilitators_clock_is_the_journaled_one_every_projector_shows(served) -> None:
    store, session = served  # a 15-minute timer
    app = facilitator_app(store, session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        app.timer_pause()
        await pilot.pause(0.2)
        left, paused = Session.open_store(open_store(store.url), "room-7").timer_left()
        assert paused and 14 * 60 < left <= 15 * 60
        app._tick()
        assert app.clock.endswith("(paused)")
        minutes = int(app.clock.split()[1].split(":")[0])
        assert minutes == int(left) // 60


async def test_a_seat_follows_the_session_to_the_ending_and_writes_nothing(served, tmp_path: Path) -> None:
    """In-process seats: the projector and a team reach the ending, projected to each; `w` writes no report."""
    from exercise.seats.seat_app import SeatApp

    store, session = served
    codes = ensure_codes(store, session)
    room, team = SeatApp(store.url, codes["room"]), SeatApp(store.url, codes["seoul"])
    async with room.run_test(size=(100, 30)) as rp, team.run_test(size=(100, 30)) as tp:
        await rp.press("enter")
        await tp.press(*"Min", "enter")
        await until(rp, lambda: type(room.screen).__name__ == "RoomScreen")
        await until(tp, lambda: type(team.screen).__name__ == "TeamScreen")
        session.end("The class ran out of time.")
        await until(rp, lambda: type(room.screen).__name__ == "SeatEndingScreen")
        await until(tp, lambda: type(team.screen).__name__ == "SeatEndingScreen")
        assert room.exercise.room.kind == "room" and team.exercise.room.team == "seoul"
        before = set(Path.cwd().iterdir()) | set(tmp_path.iterdir())
        await tp.press("w")
        await tp.pause(0.3)
        assert set(Path.cwd().iterdir()) | set(tmp_path.iterdir()) == before


async def test_a_seat_keeps_its_team_screen_and_refills_it_for_the_next_turn(served) -> None:
    """At a new turn a seat refills the screen it has (a class turns the page at once: no rebuild)."""
    from exercise.seats.seat_app import SeatApp

    store, session = served
    codes = ensure_codes(store, session)
    team = SeatApp(store.url, codes["seoul"])
    async with team.run_test(size=(130, 40)) as tp:
        await tp.press(*"Min", "enter")
        await until(tp, lambda: type(team.screen).__name__ == "TeamScreen")
        screen = team.screen
        await tp.press("space")  # tick the first move, and type a rationale
        screen.query_one("#rationale").value = "Wait and see"
        assert screen.query_one("#moves").selected
        for t in TEAMS:
            session.submit(Order(t, ()), by="x")
        session.resolve()
        await until(tp, lambda: type(team.screen).__name__ == "RevealScreen")
        assert screen in team.screen_stack  # waiting under the reveal
        session.show("board")
        await until(tp, lambda: team.screen is screen)
        await tp.pause(0.2)
        title = str(screen.query_one("#team-title").render())
        assert SCENARIO.turn_label(2) in title and SCENARIO.turn_label(1) not in title
        assert not screen.query_one("#moves").selected  # a new turn starts with nothing ticked
        assert screen.query_one("#rationale").value == ""
        assert screen.query_one("#private-brief").collapsed  # read at the first turn
        status = str(screen.query_one("#seat-status").render())
        assert "not sent yet" in status


async def test_a_ticking_clock_redraws_the_header_line_only(served) -> None:
    """The clock in the header changes every second: a seat sends that line, never the whole screen.

    32 seats repainting 130×40 cells a second kept two cores busy and every update late.
    """
    from exercise.seats.seat_app import SeatApp

    store, session = served
    codes = ensure_codes(store, session)
    session.show("board")  # the turn opens: its timer runs
    team = SeatApp(store.url, codes["seoul"])
    async with team.run_test(size=(130, 40)) as tp:
        await tp.press(*"Min", "enter")
        await until(tp, lambda: type(team.screen).__name__ == "TeamScreen")
        await tp.pause(1.0)
        sent: list[int] = []
        display = team._display

        def drawn(screen, update) -> None:
            if update is not None:
                sent.append(len(update.render_segments(team.console)))
            display(screen, update)

        team._display = drawn
        await tp.pause(3.2)
        assert "⏱" in team.sub_title
        assert len(sent) >= 2  # the clock ticked
        assert max(sent) < 1500, sent  # one line of 130 cells, not 40 of them (21 KB)
