"""Which sessions are offered to resume: a journal whose lines read but do not replay on its
scenario is damaged, listed as such with why, and `ttx resume` passes over it to the latest
good session in progress."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import MINI, run_ttx

from exercise.engine import Order, OrderedMove, load_scenario
from exercise.session import Session, list_sessions


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    folder = tmp_path / "home" / "sessions"
    folder.mkdir(parents=True)
    return folder


def played(path: Path, scenario_path: Path = MINI, at: str = "") -> Path:
    """A session in progress at turn 2, closed again; `at` dates its last entry (the newest is listed first)."""
    session = Session.start(load_scenario(scenario_path), 4, path, {"b": "computer:random"})
    session.submit(Order("a", (OrderedMove("declare"),)))
    session.submit(Order.of("b"))
    session.resolve()
    session.close()
    if at:
        lines = path.read_text(encoding="utf-8").splitlines()
        last = json.loads(lines[-1])
        last["at"] = at
        path.write_text("\n".join(lines[:-1] + [json.dumps(last)]) + "\n", encoding="utf-8")
    return path


def add_line(path: Path, entry: dict) -> int:
    """Append an entry that reads as a journal line; its line number."""
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"turn": 2, "at": "2099-01-01T00:00:00+00:00", **entry}) + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def test_a_journal_whose_entries_do_not_replay_is_listed_as_damaged_with_its_line_and_why(home):
    good = played(home / "good.jsonl", at="2024-01-01T00:00:00+00:00")
    bad = played(home / "bad.jsonl")
    line = add_line(bad, {"type": "player", "team": "zulu", "player": "computer:random"})
    listed = {s.path.name: s for s in list_sessions()}
    assert "" == listed[good.name].damaged and not listed[good.name].over
    assert listed[bad.name].damaged.startswith(f"line {line}: the journal does not replay on this scenario (")
    assert "zulu" in listed[bad.name].damaged
    with pytest.raises(Exception, match=f"bad.jsonl:{line}: the journal does not replay"):
        Session.resume(bad, write=False)  # what the listing says is what resuming it would say


def test_ttx_resume_passes_over_a_newer_journal_that_does_not_replay(home):
    from exercise.cli import build_app

    good = played(home / "good.jsonl", at="2024-01-01T00:00:00+00:00")
    bad = played(home / "bad.jsonl")
    add_line(bad, {"type": "orders", "team": "a", "moves": [{"move": "no_such_move"}]})
    assert list_sessions()[0].path == bad  # the newest, and damaged
    assert str(good) == build_app(["resume"]).start_journal  # the app `ttx resume` opens
    result = run_ttx("resume")  # no terminal here: it gets as far as opening the screens
    assert "the interactive screens need a terminal" in result.stderr
    assert "does not replay" not in result.stderr


def test_ttx_resume_with_only_journals_that_do_not_replay_says_there_is_none(home):
    bad = played(home / "bad.jsonl")
    add_line(bad, {"type": "player", "team": "zulu", "player": "human"})
    result = run_ttx("resume")
    assert 1 == result.returncode and "Traceback" not in result.stderr
    assert "no session to resume" in result.stderr


def test_a_journal_that_stops_replaying_when_a_line_is_added_is_listed_damaged_from_then_on(home):
    journal = played(home / "s.jsonl")
    assert "" == list_sessions()[0].damaged
    add_line(journal, {"type": "player", "team": "zulu", "player": "human"})
    assert "zulu" in list_sessions()[0].damaged


def test_a_journal_whose_scenario_file_changed_is_not_damaged_resuming_it_says_what_to_do(home, tmp_path):
    copy = tmp_path / "mine.toml"
    shutil.copy(MINI, copy)
    journal = played(home / "s.jsonl", copy)
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    info = list_sessions()[0]
    assert "" == info.damaged and not info.over
    result = run_ttx("resume")
    assert 1 == result.returncode
    assert "has changed since this session started" in result.stderr and "--force" in result.stderr
    assert journal.exists()


async def test_the_home_screen_lists_a_journal_that_does_not_replay_as_damaged(home):
    from textual.widgets import DataTable

    from exercise.cli import build_app
    from tui_helpers import notices, settle

    played(home / "good.jsonl", at="2024-01-01T00:00:00+00:00")
    bad = played(home / "bad.jsonl")
    line = add_line(bad, {"type": "player", "team": "zulu", "player": "human"})
    app = build_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#sessions", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [("in progress", "good.jsonl"), ("damaged", "bad.jsonl")] == [(r[2], r[4]) for r in rows]
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("enter")  # it says why, and the home screen stays
        await settle(pilot)
        assert "HomeScreen" == type(app.screen).__name__
        assert any(f"bad.jsonl:{line}: the journal does not replay" in n for n in notices(app))
