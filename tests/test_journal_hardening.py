"""Journals under attack: locks, atomic names, a second start, nesting, devices, damaged entries, torn writes."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, ROOT, run_ttx

from exercise.engine import Order, OrderedMove, load_scenario
from exercise.journal import JOURNAL_MAX_BYTES, list_sessions, read_journal
from exercise.session import JournalError, Session

NESTED = "[" * 100_000 + "]" * 100_000  # deeper than any JSON parser's recursion


@pytest.fixture
def scenario():
    return load_scenario(MINI)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A sessions folder of the test's own (for list_sessions and for `ttx` run as a subprocess)."""
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "sessions"


def played(scenario, path: Path, turns: int = 2) -> Session:
    """A session of a few turns with most kinds of entries, closed again: only the journal remains."""
    session = Session.start(scenario, 4, path, {"b": "computer:random"})
    session.submit(Order("a", (OrderedMove("declare", ("peace",)),), rationale="we go first"))
    session.submit(Order.of("b"))
    session.resolve()
    session.override("tension", 45, "adjudication")
    session.fire_inject(title="Ad hoc", text="words", to=["b"])
    for _ in range(turns - 1):
        session.submit(Order.of("a"))
        session.submit(Order.of("b"))
        session.resolve()
    session.close()
    return session


def journal_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The error of a `ttx` run that failed as it should: status 1, one line, no traceback."""
    assert 1 == result.returncode, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 == len(lines), result.stderr
    return lines[0]


# -- one session, one writer ---------------------------------------------------------------------
HOLD = """
import sys, time
from exercise.session import Session
session = Session.resume(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_a_second_process_is_refused_in_one_line_naming_the_holders_process_and_host(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal, turns=1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(journal)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        assert holder.stdout is not None and "open" == holder.stdout.readline().strip()
        named = f"process {holder.pid} on host {socket.gethostname()}"
        with pytest.raises(JournalError, match=named):
            Session.resume(journal)
        error = one_line_error(run_ttx("resume", str(journal)))
        assert named in error and "open in another ttx" in error
        before = journal.read_bytes()
        assert 2 == Session.resume(journal, write=False).state.turn  # reading is always allowed
        assert before == journal.read_bytes()
    finally:
        holder.kill()
        holder.wait()
    again = Session.resume(journal)  # the holder is gone, and its lock with it
    again.submit(Order.of("a"))
    again.close()
    assert "orders" == json.loads(journal_lines(journal)[-1])["type"]


CLAIM = """
import sys
from exercise.engine import load_scenario
from exercise.session import Session, new_journal_path
scenario = load_scenario(sys.argv[1])
path = new_journal_path(scenario.id)
Session.start(scenario, 1, path).close()
print(path)
"""


def test_sessions_started_in_the_same_second_each_get_a_journal_of_their_own(home):
    starters = [subprocess.Popen([sys.executable, "-c", CLAIM, str(MINI)], stdout=subprocess.PIPE, text=True,
                                 cwd=ROOT, env={**os.environ, "TTX_HOME": str(home.parent)}) for _ in range(8)]
    paths = [p.communicate(timeout=60)[0].strip() for p in starters]
    assert [0] * 8 == [p.returncode for p in starters]
    assert 8 == len(set(paths))
    for path in paths:
        assert ["start"] == [json.loads(line)["type"] for line in journal_lines(Path(path))]


def test_a_journal_is_never_created_through_a_symbolic_link(scenario, tmp_path):
    link = tmp_path / "s.jsonl"
    link.symlink_to(tmp_path / "elsewhere.jsonl")
    with pytest.raises(JournalError, match="symbolic link"):
        Session.start(scenario, 1, link)
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_a_device_is_never_a_journal_to_write(scenario):
    for device in ("/dev/null", "/dev/full"):
        with pytest.raises(JournalError, match="not a regular file"):
            Session.start(scenario, 1, device)


def test_a_write_that_fails_is_taken_back_and_the_action_refused(scenario, tmp_path, monkeypatch):
    """A full disk mid-write: the journal keeps its last complete line, the session its state."""
    journal = tmp_path / "s.jsonl"
    session = Session.start(scenario, 1, journal)
    session.submit(Order.of("a", "declare"))
    before = journal.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(JournalError, match="no space left on device; the last action was not accepted"):
        session.submit(Order.of("b"))
    monkeypatch.setattr(os, "write", real_write)
    assert before == journal.read_bytes()
    assert ["a"] == list(session.pending)
    session.submit(Order.of("b"))
    assert ["a", "b"] == sorted(Session.resume(journal, write=False).pending)


# -- what a journal may hold ---------------------------------------------------------------------
def test_a_second_start_line_is_an_error_naming_its_line(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    write_lines(journal, lines + [lines[0]])
    before = journal.read_bytes()
    second = len(lines) + 1
    with pytest.raises(JournalError, match=f"s.jsonl:{second}: a second start event"):
        Session.resume(journal)
    for command in (["replay"], ["report"], ["import"]):
        error = one_line_error(run_ttx(*command, str(journal), "--scenario", str(MINI)))
        assert f"s.jsonl:{second}: a second start event; a journal holds one session, begun on line 1" in error
    assert before == journal.read_bytes()


def test_a_deeply_nested_line_is_a_damaged_line_in_replay_resume_and_report(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    write_lines(journal, lines[:2] + [f'{{"type":"orders","turn":1,"moves":{NESTED}}}'] + lines[2:])
    with pytest.raises(JournalError, match="s.jsonl:3: this line of the journal is damaged"):
        Session.resume(journal)
    for command in ("replay", "report", "resume"):
        error = one_line_error(run_ttx(command, str(journal)))
        assert "s.jsonl:3: this line of the journal is damaged (it nests deeper than 32 levels)" in error


def test_nesting_inside_strings_is_text_not_depth(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    session = Session.start(scenario, 1, journal)
    session.submit(Order.of("a", rationale='[{"' * 50 + "\\" + '"' * 3))
    assert session.pending["a"].rationale == Session.resume(journal, write=False).pending["a"].rationale


@pytest.mark.parametrize("seed, words", [
    ("1e999", "it holds 1e999, a number too large for a journal"),
    ("-1e999", "it holds -1e999, a number too large for a journal"),
    ("NaN", "it holds NaN, which is not a number a journal may hold"),
    ("Infinity", "it holds Infinity, which is not a number a journal may hold"),
    pytest.param("1" * 5000, "it holds a whole number of 5,000 digits, too large", id="5000 digits"),
    (str(10**30), "'seed' must be a whole number from"),
    ('"3"', "'seed' must be a whole number"),
])
def test_a_damaged_seed_is_one_clear_line_in_replay_and_report(scenario, tmp_path, seed, words):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    assert '"seed":4,' in lines[0]
    write_lines(journal, [lines[0].replace('"seed":4,', f'"seed":{seed},')] + lines[1:])
    for command in ("replay", "report"):
        error = one_line_error(run_ttx(command, str(journal)))
        assert "s.jsonl:1: " in error and words in error, error


@pytest.mark.parametrize("edit, words", [
    (lambda e: e.update(players=["a", "b"]), "'players' must map team ids to players"),
    (lambda e: e.update(players={"zz": "human"}), "no team named 'zz'"),
    (lambda e: e.update(players={"a": "computer:genius"}), "'computer:genius' is not who may play a team"),
    (lambda e: e.update(scenario_path=["x"]), "'scenario_path' must be a string"),
])
def test_a_damaged_start_is_one_clear_line_in_replay_and_report(scenario, tmp_path, edit, words):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    start = json.loads(lines[0])
    edit(start)
    write_lines(journal, [json.dumps(start)] + lines[1:])
    for command in ("replay", "report"):
        error = one_line_error(run_ttx(command, str(journal)))
        assert "s.jsonl:1: " in error and words in error, error


@pytest.mark.parametrize("entry, words", [
    ({"type": "inject", "turn": 2, "title": "T", "text": "x", "to": "abc"}, "not in the scenario ('abc')"),
    ({"type": "inject", "turn": 2, "title": "T", "text": "x", "to": ["a", 7]}, "'to' must be a list of names"),
    ({"type": "override", "turn": 2, "target": "tension", "value": "NaN", "reason": "r"}, "'value' must be"),
    ({"type": "override", "turn": 2, "target": "tension", "value": 1e999, "reason": "r"}, "it holds Infinity"),
    ({"type": "override", "turn": 2, "target": "tension", "value": -1e999, "reason": "r"}, "it holds -Infinity"),
    ({"type": "timer", "turn": 2, "action": "extend", "minutes": 10**40}, "'minutes' must be a whole number"),
    ({"type": "orders", "turn": -1, "team": "a", "moves": []}, "'turn' must be a whole number from 0"),
    ({"type": "orders", "turn": 2, "team": "a", "moves": {"declare": 1}}, "'moves' must be a list"),
    ({"type": "player", "turn": 2, "team": "b", "player": "robot"}, "'robot' is not who may play a team"),
    ({"type": "orders", "turn": 3, "team": "a", "moves": [], "reason": [{"text": "why", "meters": ["nope"]}]},
     "a reason names a meter that is not in the scenario ('nope')"),
])
def test_a_damaged_entry_is_one_clear_line_naming_its_line(scenario, tmp_path, entry, words):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    write_lines(journal, lines + [json.dumps({**entry, "at": ""})])
    for command in ("replay", "report", "resume"):
        error = one_line_error(run_ttx(command, str(journal), "--audience", "a") if command == "report"
                               else run_ttx(command, str(journal)))
        assert f"s.jsonl:{len(lines) + 1}: " in error and words in error, error


def test_nan_and_infinity_are_refused_as_overrides_and_never_written(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    session = Session.start(scenario, 1, journal)
    for value in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match="takes a number"):
            session.override("tension", value, "why")
    assert ["start"] == [json.loads(line)["type"] for line in journal_lines(journal)]
    assert "NaN" not in journal.read_text() and "Infinity" not in journal.read_text()


# -- torn writes and damaged lines ---------------------------------------------------------------
def test_a_damaged_complete_last_line_is_an_error_and_nothing_is_deleted(scenario, tmp_path):
    """A complete line ends in a newline: it was written whole, so its damage is not a cut-short write."""
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    write_lines(journal, lines[:-1] + [lines[-1][:-9] + "garbage!}"])
    before = journal.read_bytes()
    with pytest.raises(JournalError, match=f":{len(lines)}: this line of the journal is damaged"):
        Session.resume(journal)
    error = one_line_error(run_ttx("resume", str(journal)))
    assert f"s.jsonl:{len(lines)}: this line of the journal is damaged" in error and "nothing was changed" in error
    assert before == journal.read_bytes()


def test_a_torn_last_write_is_still_dropped_and_the_rest_kept(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    whole = journal.read_bytes()
    journal.write_bytes(whole[:-7])  # the power went while the last line was written: no newline
    resumed = Session.resume(journal)
    assert resumed.torn
    assert whole[: whole.rstrip(b"\n").rfind(b"\n") + 1] == journal.read_bytes()  # only the torn write went
    resumed.close()


# -- what is never read --------------------------------------------------------------------------
def test_a_device_a_pipe_or_a_folder_is_refused_before_it_is_read(tmp_path):
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    for path, words in (("/dev/zero", "not a regular file"), (str(pipe), "not a regular file"),
                        (str(tmp_path), "is a folder")):
        started = time.monotonic()
        with pytest.raises(JournalError, match=words):
            read_journal(path)
        assert time.monotonic() - started < 5
        error = one_line_error(run_ttx("replay", path))
        assert words in error


def test_a_journal_naming_dev_zero_as_its_scenario_is_refused_unread(scenario, tmp_path):
    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    lines = journal_lines(journal)
    start = json.loads(lines[0])
    start["scenario_path"] = "/dev/zero"
    write_lines(journal, [json.dumps(start)] + lines[1:])
    for command in ("replay", "report", "resume"):
        error = one_line_error(run_ttx(command, str(journal)))
        assert "(/dev/zero) is not a regular file" in error
    error = one_line_error(run_ttx("replay", str(journal), "--scenario", "/dev/zero"))
    assert "the scenario file you named (/dev/zero) is not a regular file" in error


def test_a_journal_over_the_size_limit_is_refused_unread(scenario, tmp_path, monkeypatch):
    import exercise.journal

    journal = tmp_path / "s.jsonl"
    played(scenario, journal)
    monkeypatch.setattr(exercise.journal, "JOURNAL_MAX_BYTES", journal.stat().st_size - 1)
    with pytest.raises(JournalError, match="is larger than .* bytes, the most a journal may be; it was not read"):
        read_journal(journal)
    assert 64 * 2**20 == JOURNAL_MAX_BYTES


# -- the sessions folder -------------------------------------------------------------------------
def test_a_journal_that_cannot_be_read_is_listed_as_damaged(scenario, home):
    played(scenario, home.parent / "x")  # makes the folders
    home.mkdir(parents=True, exist_ok=True)
    good = home / "good.jsonl"
    played(scenario, good)
    (home / "nested.jsonl").write_text('{"type":"start","x":' + NESTED + "}\n")
    (home / "folder.jsonl").mkdir()
    os.mkfifo(home / "pipe.jsonl")
    (home / "device.jsonl").symlink_to("/dev/zero")
    (home / "empty.jsonl").write_text("")
    sessions = {s.path.name: s for s in list_sessions()}
    assert ["good.jsonl"] == [n for n, s in sessions.items() if not s.damaged]
    assert {"nested.jsonl", "folder.jsonl", "pipe.jsonl", "device.jsonl", "empty.jsonl"} == {
        n for n, s in sessions.items() if s.damaged}
    assert "line 1: this line of the journal is damaged (it nests deeper than 32 levels)" in sessions[
        "nested.jsonl"].damaged


def fill_sessions(scenario, home: Path) -> Path:
    """A sessions folder with one good session and, newer, a journal whose second line nests too deeply."""
    home.mkdir(parents=True, exist_ok=True)
    good = home / "mini-20240101-000000.jsonl"
    played(scenario, good)
    bad = home / "mini-20990101-000000.jsonl"
    lines = journal_lines(good)
    start = json.loads(lines[0])
    start["at"] = "2099-01-01T00:00:00+00:00"  # the newest: listed (and tried) first
    write_lines(bad, [json.dumps(start), f'{{"type":"orders","turn":1,"team":"a","moves":{NESTED}}}'])
    markup = home / "mini-[bold].jsonl"  # words in a journal's name or content are never markup
    start["scenario"] = "[/oops]"
    write_lines(markup, [json.dumps(start), '{"type":"end","turn":1,"reason":"[/b]","outcome":null,"at":""}'])
    return good


async def test_the_home_screen_lists_a_damaged_journal_and_still_works(scenario, home):
    from textual.widgets import DataTable

    from exercise.cli import build_app
    from tui_helpers import screen_text, settle

    fill_sessions(scenario, home)
    app = build_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "HomeScreen" == type(app.screen).__name__
        table = app.screen.query_one("#sessions", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["in progress", "finished", "damaged"] == [row[2] for row in rows]
        assert "mini-20240101-000000.jsonl" == rows[0][4]
        assert "mini-[bold].jsonl" in screen_text(app)
        table.focus()
        table.move_cursor(row=2)
        await pilot.press("enter")  # a damaged one says why, and the home screen stays
        await settle(pilot)
        assert "HomeScreen" == type(app.screen).__name__
        table.move_cursor(row=0)
        await pilot.press("enter")  # the good one resumes
        await settle(pilot)
        assert "TurnScreen" == type(app.screen).__name__


def test_ttx_resume_skips_a_damaged_journal_and_resumes_the_latest_good_one(scenario, home):
    from exercise.cli import build_app

    good = fill_sessions(scenario, home)
    assert str(good) == build_app(["resume"]).start_journal  # the app `ttx resume` would open
    result = run_ttx("resume")  # no terminal here: it gets as far as opening the screens
    error = one_line_error(result)
    assert "the interactive screens need a terminal" in error


def test_ttx_resume_with_only_damaged_journals_says_there_is_none(home):
    home.mkdir(parents=True)
    (home / "bad.jsonl").write_text('{"type":"start","x":' + NESTED + "}\n")
    error = one_line_error(run_ttx("resume"))
    assert "no session to resume" in error
