"""Fuzzed journals: byte-flipped, line-swapped, edited and cut short, read by every command that reads one.

Whatever the damage, a journal is read or refused in one clear line, in bounded time: no
uncaught exception, no hang, and resuming never drops a complete line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FLAGSHIP, MINI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.cli import main
from exercise.engine import Order, OrderedMove, ScenarioError, load_scenario
from exercise.journal import list_sessions, read_journal
from exercise.session import JournalError, Session

# Bounded so that each test runs in a few seconds; each input must be dealt with in well under a second.
# TTX_FUZZ_SCALE=50 tries fifty times as many inputs, for a longer hunt by hand.
SCALE = float(os.environ.get("TTX_FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=int(80 * SCALE), deadline=timedelta(seconds=3), database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


class Journals(dict):
    """The journals to damage, by name (shown by name only when a case fails)."""

    def __repr__(self) -> str:
        return f"<journals {', '.join(self)}>"


@pytest.fixture(scope="module")
def journals(tmp_path_factory) -> dict[str, bytes]:
    """Two journals to damage: a small game with every kind of entry, and a flagship game of computer players."""
    folder = tmp_path_factory.mktemp("journals")
    mini = Session.start(load_scenario(MINI), 4, folder / "mini.jsonl", {"b": "computer:random"})
    mini.submit(Order("a", (OrderedMove("declare", ("peace",)),), rationale="we go first"))
    mini.submit(Order.of("b"))
    mini.show("board")
    mini.timer_note("pause")
    mini.timer_note("extend", 2)
    mini.resolve()
    mini.override("tension", 40, "adjudication")
    mini.fire_inject("news")
    mini.fire_inject(title="Ad hoc", text="words", to=["b"])
    mini.set_player("b", "human")
    mini.submit(Order.of("a"))
    mini.submit(Order.of("b"))
    mini.resolve()
    mini.undo()
    mini.resolve()
    mini.end("time", None)
    mini.close()
    flagship = folder / "flagship.jsonl"
    with contextlib.redirect_stdout(io.StringIO()):
        assert 0 == main(["run", str(FLAGSHIP), "--seed", "3", "--bot", "doctrine", "--journal", str(flagship)])
    return Journals(mini=(folder / "mini.jsonl").read_bytes(), flagship=flagship.read_bytes())


@pytest.fixture
def place(tmp_path_factory, monkeypatch):
    """Where a damaged journal is written: alone in a sessions folder, as the home screen would find it."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TTX_HOME", str(home))
    folder = home / "sessions"
    folder.mkdir(mode=0o700)
    return folder / "fuzzed.jsonl"


def ttx(*args: str) -> tuple[int, str, str]:
    """`ttx ARGS` in this process: its status, what it printed, and its errors."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def survives(path: Path, data: bytes, report: bool = False) -> None:
    """Every reader of a journal reads it or refuses it in one line; nothing raises."""
    path.write_bytes(data)
    try:
        read_journal(path)
    except JournalError as exc:
        assert "\n" not in str(exc)
    try:
        Session.resume(path, write=False)
    except (JournalError, ScenarioError) as exc:
        assert "\n" not in str(exc) or isinstance(exc, ScenarioError)
    commands = [("replay", str(path)), ("replay", str(path), "--as", "room")]
    if report:
        commands += [("report", str(path), "--replays", "1"),
                     ("report", str(path), "--replays", "1", "--format", "html", "--audience", "facilitator")]
    for command in commands:
        status, _, err = ttx(*command)
        assert status in (0, 1)
        if status == 1:
            assert err.startswith("ttx: ") and "Traceback" not in err
    sessions = list_sessions()  # the home screen's list: the damaged journal is in it, one way or the other
    assert [path] == [s.path for s in sessions]


def resumes_without_loss(path: Path, data: bytes) -> None:
    """Resuming for writing refuses (the file untouched) or drops no more than a torn last write."""
    path.write_bytes(data)
    try:
        session = Session.resume(path)
    except (JournalError, ScenarioError):
        assert data == path.read_bytes()
        return
    session.close()
    assert data[: data.rfind(b"\n") + 1] == path.read_bytes()


# -- mutations -----------------------------------------------------------------------------------
NAMES = st.sampled_from(["a", "b", "zz", "declare", "peace", "news", "tension", "declared", "human", "scripted",
                         "computer:random", "computer:zzz", "start", "orders", "resolve", "inject", "washington",
                         "", "[/x]", "\u2028", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats() | st.text(max_size=8) | NAMES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6) | NAMES, inner, max_size=3),
    max_leaves=10,
)
KEYS = st.sampled_from(["type", "turn", "at", "seed", "players", "scenario", "scenario_path", "scenario_hash",
                        "version", "mode", "timer", "pin", "variant", "team", "moves", "rationale", "reason",
                        "outcome", "target", "value", "inject", "title", "text", "to", "player", "action",
                        "minutes", "show", "by", "if", "move"])


@st.composite
def byte_flipped(draw, journals):
    data = bytearray(journals[draw(st.sampled_from(sorted(journals)))])
    for _ in range(draw(st.integers(1, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def line_swapped(draw, journals):
    lines = journals[draw(st.sampled_from(sorted(journals)))].split(b"\n")[:-1]
    for _ in range(draw(st.integers(1, 4))):
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["swap", "drop", "copy"]))
        if op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        else:
            lines.insert(j, lines[i])
    data = b"".join(line + b"\n" for line in lines)
    cut = draw(st.none() | st.integers(0, len(data)))  # and perhaps the last write cut short
    return data if cut is None else data[:cut]


@st.composite
def value_edited(draw, journals):
    lines = journals[draw(st.sampled_from(sorted(journals)))].split(b"\n")[:-1]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        event = json.loads(lines[i])
        key = draw(st.sampled_from(sorted(event)) | KEYS)
        if draw(st.booleans()) and key in event and isinstance(event[key], (list, dict)) and event[key]:
            inner = event[key]
            slot = draw(st.integers(0, len(inner) - 1)) if isinstance(inner, list) else draw(st.sampled_from(sorted(inner)))
            inner[slot] = draw(JSON)
        elif draw(st.integers(0, 4)) == 0:
            event.pop(key, None)
        else:
            event[key] = draw(JSON)
        lines[i] = json.dumps(event, ensure_ascii=draw(st.booleans())).encode("utf-8")
    return b"".join(line + b"\n" for line in lines)


# -- properties ----------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_a_byte_flipped_journal_is_read_or_refused_in_one_line(journals, place, data):
    survives(place, data.draw(byte_flipped(journals)))


@FUZZ
@given(data=st.data())
def test_a_line_swapped_or_cut_journal_is_read_or_refused_in_one_line(journals, place, data):
    survives(place, data.draw(line_swapped(journals)))


@settings(FUZZ, max_examples=int(30 * SCALE))
@given(data=st.data())
def test_an_edited_journal_is_read_refused_or_reported_in_one_line(journals, place, data):
    survives(place, data.draw(value_edited(journals)), report=True)


@FUZZ
@given(data=st.data())
def test_resuming_a_damaged_journal_never_drops_a_complete_line(journals, place, data):
    kind = data.draw(st.sampled_from([byte_flipped, line_swapped, value_edited]))
    resumes_without_loss(place, data.draw(kind(journals)))


@settings(FUZZ, max_examples=int(40 * SCALE))
@given(junk=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_at_all_are_refused_in_one_line(place, junk):
    survives(place, junk)
    assert os.path.exists(place)
