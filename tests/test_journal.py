"""The session journal: durable, append-only, and the only source of the state."""

from __future__ import annotations

import json

import pytest

from conftest import MINI
from exercise.engine import IllegalOrder, Order, OrderedMove, load_scenario
from exercise.session import JournalError, Session, read_journal


@pytest.fixture
def scenario():
    return load_scenario(MINI)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def same_state(a, b) -> None:
    assert a.meters == b.meters
    assert a.flags == b.flags
    assert a.turn == b.turn
    assert a.outcome == b.outcome
    assert a.records == b.records
    assert a.pending == b.pending


def test_each_accepted_action_is_one_line_on_disk_before_the_call_returns(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 3, path)
    assert ["start"] == [e["type"] for e in lines(path)]
    session.submit(Order.of("a", "declare", rationale="why not"))
    assert "orders" == lines(path)[-1]["type"]
    assert "why not" == lines(path)[-1]["rationale"]
    session.submit(Order.of("b"))
    session.resolve()
    session.override("tension", 70, "a border incident")
    session.fire_inject("news")
    assert ["start", "orders", "orders", "resolve", "override", "inject"] == [e["type"] for e in lines(path)]
    start = lines(path)[0]
    assert scenario.content_hash == start["scenario_hash"]
    assert 3 == start["seed"]


def test_resume_folds_the_journal_to_the_same_state(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    live = Session.start(scenario, 9, path)
    live.submit(Order("a", (OrderedMove("declare", ("peace",)),)))
    live.submit(Order("b", (OrderedMove("peace", ("declare",)),)))
    live.resolve()
    live.override("tension", 40, "adjudication")
    live.submit(Order.of("a"))
    resumed = Session.resume(path)
    same_state(live.state, resumed.state)
    assert live.pending == resumed.pending


def test_undo_restores_the_state_before_the_last_turn_with_its_orders_pending(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    before = session.state
    session.submit(Order.of("a", "declare"))
    session.submit(Order.of("b"))
    pending = session.pending
    session.resolve()
    session.undo()
    same_state(before, session.state)
    assert pending == session.pending
    replayed = Session.resume(path)
    same_state(session.state, replayed.state)
    assert pending == replayed.pending
    assert "undo" == lines(path)[-1]["type"]


def test_undo_with_no_resolved_turn_is_refused_and_not_written(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    with pytest.raises(JournalError):
        session.undo()
    assert ["start"] == [e["type"] for e in lines(path)]


def test_an_illegal_order_is_refused_and_not_written(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    with pytest.raises(IllegalOrder):
        session.submit(Order.of("a", "peace"))
    with pytest.raises(IllegalOrder):
        session.resolve()  # Bravo has not handed in orders
    assert ["start"] == [e["type"] for e in lines(path)]


def test_a_torn_last_line_is_detected_and_the_intact_events_are_kept(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.submit(Order.of("a", "declare"))
    session.submit(Order.of("b"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])  # the power went while writing Bravo's order
    resumed = Session.resume(path)
    assert resumed.torn
    assert ["a"] == list(resumed.pending)
    resumed.submit(Order.of("b"))  # appending after the cut leaves a valid journal
    assert ["start", "orders", "orders"] == [e["type"] for e in lines(path)]
    assert not Session.resume(path).torn


def test_a_last_line_without_its_newline_is_treated_as_torn(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    Session.start(scenario, 2, path).submit(Order.of("a", "declare"))
    path.write_bytes(path.read_bytes()[:-1])
    read = read_journal(path)
    assert read.torn
    assert ["start"] == [e["type"] for e in read.events]


def test_a_damaged_line_in_the_middle_is_a_clear_error(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.submit(Order.of("a", "declare"))
    session.submit(Order.of("b"))
    text = path.read_text().splitlines()
    text[1] = text[1][:10]
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(JournalError, match=":2: this line of the journal is damaged"):
        Session.resume(path)


def test_resuming_against_a_changed_scenario_is_refused_unless_forced(scenario, tmp_path):
    copy = tmp_path / "mini.toml"
    copy.write_text(MINI.read_text())
    path = tmp_path / "s.jsonl"
    Session.start(load_scenario(copy), 2, path).submit(Order.of("a", "declare"))
    copy.write_text(MINI.read_text().replace("start = 50", "start = 60"))
    with pytest.raises(JournalError, match="has changed since this session started"):
        Session.resume(path)
    forced = Session.resume(path, force=True)
    assert 60 == forced.state.meters["tension"]  # replayed on the changed file
    assert ["a"] == list(forced.pending)


def test_a_journal_from_another_scenario_is_refused(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    Session.start(scenario, 2, path)
    other = tmp_path / "other.toml"
    other.write_text(MINI.read_text().replace('id = "mini"', 'id = "other"'))
    with pytest.raises(JournalError, match="from scenario 'mini', not 'other'"):
        Session.resume(path, other)


def test_start_never_overwrites_an_existing_journal(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text("precious\n")
    with pytest.raises(JournalError, match="already exists"):
        Session.start(scenario, 2, path)
    assert "precious\n" == path.read_text()


def test_the_end_of_an_exercise_is_journaled_and_replayed(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.end("out of class time")
    assert "ended_by_facilitator" == Session.resume(path).state.outcome
