"""The session journal: durable, append-only, and the only source of the state."""

from __future__ import annotations

import json

import pytest
from conftest import MINI

from exercise.engine import IllegalOrder, Order, OrderedMove, load_scenario
from exercise.render import event_text
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
    live = Session.start(scenario, 2, path)
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


def test_every_accepted_action_adds_exactly_one_json_line_and_is_fsynced_before_returning(
    scenario, tmp_path, monkeypatch
):
    """"one JSON object per line, one line per accepted action, each written and flushed to disk before
    the action counts."
    """
    import os

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 5, path)
    actions = [
        lambda: session.submit(Order.of("a", "declare")),
        lambda: session.submit(Order.of("b", "peace")),
        lambda: session.resolve(),
        lambda: session.override("declared", False, "ruled unverified"),
        lambda: session.fire_inject(title="Ad hoc", text="Rumours.", to=["b"]),
        lambda: session.undo(),
        lambda: session.end("time", "stale"),
    ]
    for n, action in enumerate(actions, start=2):
        before = len(synced)
        action()
        assert n == len(lines(path))
        assert len(synced) > before
    assert ["start", "orders", "orders", "resolve", "override", "inject", "undo", "end"] == [
        e["type"] for e in lines(path)
    ]
    assert all({"type", "turn", "at"} <= set(event) for event in lines(path)[1:])


def test_every_journal_event_has_a_type_a_turn_and_a_time(scenario, tmp_path):
    """Journals: "Every object has a `type`, the `turn` it belongs to and the time `at` which it was
    accepted."
    """
    path = tmp_path / "s.jsonl"
    Session.start(scenario, 5, path)
    (start,) = lines(path)
    assert {"type", "turn", "at"} <= set(start)


def test_resume_folds_meters_flags_turn_and_records_like_the_live_session(scenario, tmp_path):
    """"The state is never stored: it is the fold of these events over the scenario.\""""
    path = tmp_path / "s.jsonl"
    live = Session.start(scenario, 21, path)
    for turn_orders in ([Order.of("a", "declare"), Order.of("b")], [Order.of("a"), Order.of("b", "peace")]):
        for order in turn_orders:
            live.submit(order)
        live.resolve()
    live.override("tension", 33, "adjudicated")
    live.fire_inject("news")
    resumed = Session.resume(path)
    assert (dict(live.state.meters), live.state.flags, live.state.turn) == (
        dict(resumed.state.meters), resumed.state.flags, resumed.state.turn
    )
    assert live.records == resumed.records
    assert live.state.history == resumed.state.history
    assert live.state.pending == resumed.state.pending


def test_replaying_a_turn_after_undo_gives_the_same_state(scenario, tmp_path):
    """Undo restores the turn's orders as they were; resolving them again gives the same result
    ("the same scenario, orders and seed always give the same result")."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 4, path)
    session.submit(Order.of("a", "declare"))
    session.submit(Order.of("b", "peace"))
    first = session.resolve()
    after_first = session.state
    session.undo()
    again = session.resolve()
    assert first == again
    same_state(after_first, session.state)
    same_state(session.state, Session.resume(path).state)


def test_undo_twice_goes_back_two_turns(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 4, path)
    start = session.state
    for _ in range(2):
        session.submit(Order.of("a"))
        session.submit(Order.of("b", "peace"))
        session.resolve()
    session.undo()
    session.undo()
    same_state(start, session.state)
    assert ["a", "b"] == sorted(session.pending)
    same_state(start, Session.resume(path).state)


def test_an_appended_journal_after_a_torn_line_is_valid_json_lines(scenario, tmp_path):
    """"a last line cut short is dropped with a warning and the events before it are kept"; what is
    appended afterwards starts on a fresh line."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.submit(Order.of("a", "declare", rationale="first"))
    data = path.read_bytes()
    cut = data.rindex(b'"rationale"')
    path.write_bytes(data[:cut])  # cut inside the orders line
    resumed = Session.resume(path)
    assert (True, {}) == (resumed.torn, dict(resumed.pending))
    resumed.submit(Order.of("a", "declare", rationale="again"))
    resumed.submit(Order.of("b"))
    resumed.resolve()
    text = path.read_text()
    assert text.endswith("\n")
    events = [json.loads(line) for line in text.splitlines()]  # every line is whole JSON
    assert ["start", "orders", "orders", "resolve"] == [e["type"] for e in events]
    again = Session.resume(path)
    assert not again.torn
    same_state(resumed.state, again.state)


def test_reading_a_torn_journal_without_writing_leaves_the_file_as_it_is(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    Session.start(scenario, 2, path).submit(Order.of("a", "declare"))
    torn = path.read_bytes()[:-7]
    path.write_bytes(torn)
    assert Session.resume(path, write=False).torn
    assert torn == path.read_bytes()


def test_a_file_that_is_not_a_journal_is_a_clear_error(scenario, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("shopping list\nmilk\n")
    with pytest.raises(JournalError, match="not a ttx journal"):
        Session.resume(path)


def test_an_override_is_journaled_and_replayed(scenario, tmp_path):
    """Journal `override`: "the facilitator sets a meter or flag" — `target`, `value`, `reason`."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.override("tension", 150, "the crisis peaks")
    session.override("declared", True, "declared off-screen")
    recorded = [(e["target"], e["value"], e["reason"]) for e in lines(path) if e["type"] == "override"]
    assert [("tension", 150, "the crisis peaks"), ("declared", True, "declared off-screen")] == recorded
    resumed = Session.resume(path)
    assert (100, frozenset({"declared"})) == (resumed.state.meters["tension"], resumed.state.flags)
    assert ["facilitator", "facilitator"] == [str(e.cause) for e in resumed.state.pending]


def test_an_override_that_cannot_apply_is_refused_and_not_written(scenario, tmp_path):
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    with pytest.raises(ValueError):
        session.override("tension", 10, "  ")  # no reason
    with pytest.raises(ValueError):
        session.override("tenson", 10, "typo")
    with pytest.raises(ValueError):
        session.override("declared", "yes", "not a truth")
    assert ["start"] == [e["type"] for e in lines(path)]


def test_an_inject_fired_by_hand_is_journaled_and_replayed(scenario, tmp_path):
    """Journal `inject`: "`inject` (its id), or `title`, `text` for an ad-hoc one; `to` (team ids)"."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.fire_inject("news")
    session.fire_inject(title="Leak", text="A memo leaks.", to=["b"])
    events = [e for e in lines(path) if e["type"] == "inject"]
    assert [("news", None), (None, ["b"])] == [(e.get("inject"), e.get("to")) for e in events]
    resumed = Session.resume(path)
    assert 55 == resumed.state.meters["tension"]
    assert [("News", None), ("Leak", frozenset({"b"}))] == [
        (event_text(scenario, e), e.audience) for e in resumed.state.pending
    ]


def test_the_end_with_an_outcome_is_journaled_and_nothing_after_it_is_accepted(scenario, tmp_path):
    """Journal `end`: "the facilitator ends the exercise" — `reason`, `outcome` (or null)."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.end("the room is booked", "stale")
    assert ("the room is booked", "stale") == (lines(path)[-1]["reason"], lines(path)[-1]["outcome"])
    with pytest.raises(IllegalOrder):
        session.submit(Order.of("a", "declare"))
    with pytest.raises(ValueError):
        session.end("again")
    assert ["start", "end"] == [e["type"] for e in lines(path)]
    assert "stale" == Session.resume(path).state.outcome


def test_a_journal_whose_orders_no_longer_replay_is_refused_even_when_forced(scenario, tmp_path):
    """"A journal whose scenario file has changed is refused on resume unless forced"; forced, it must
    still replay, or the refusal says why."""
    copy = tmp_path / "mini.toml"
    copy.write_text(MINI.read_text())
    path = tmp_path / "s.jsonl"
    Session.start(load_scenario(copy), 2, path).submit(Order.of("a", "declare"))
    copy.write_text(MINI.read_text().replace('id = "declare"', 'id = "announce"').replace("played(declare", "played(announce")
                    .replace("same_turn(declare", "same_turn(announce"))
    with pytest.raises(JournalError, match="does not replay on this scenario"):
        Session.resume(path, force=True)


def test_a_damaged_line_before_a_cut_short_last_line_is_still_a_damaged_middle_line(scenario, tmp_path):
    """Journals: "a last line cut short is dropped with a warning" — only the last line; a damaged line
    before it means the events after it cannot be trusted."""
    path = tmp_path / "s.jsonl"
    session = Session.start(scenario, 2, path)
    session.submit(Order.of("a", "declare"))
    session.submit(Order.of("b"))
    text = path.read_text().splitlines()
    text[1] = text[1][:10]  # damaged in the middle
    path.write_text(text[0] + "\n" + text[1] + "\n" + text[2][:-5])  # and the last write cut short
    with pytest.raises(JournalError, match=":2: this line of the journal is damaged"):
        Session.resume(path)
