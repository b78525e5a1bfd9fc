"""The session store, SQLite and PostgreSQL alike: events, conflicts, several processes, codes and seats."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import secrets
import stat
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from exercise.bundled import find_bundled
from exercise.engine import Order, State, legal_moves, load_scenario
from exercise.seats.store import CODE_ALPHABET, CODE_LENGTH, Conflict, StoreError, open_store
from exercise.session import OutOfTurn, Session
from pg_server import free_port, create_database

TEAMS = ("washington", "pyongyang", "seoul", "beijing")
SEED = 7
START = {"type": "start", "scenario": "test"}
CROCKFORD_CODE = re.compile(f"[{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}}")
# Generous for a loaded two-core machine: a spawned process imports the engine before it starts.
PROCESS_TIMEOUT = 60.0
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(find_bundled("sequencing_2018"))


@pytest.fixture(scope="module")
def pg_database(postgres_url):
    """A database of its own for this module, so other modules' sessions never collide with ours."""
    return create_database(postgres_url, f"ttx_store_{secrets.token_hex(4)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'seats.sqlite'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def store(store_url):
    with open_store(store_url) as store:
        yield store


@pytest.fixture
def session_id():
    return f"test-{secrets.token_hex(4)}"


def first_order(state: State, team: str) -> Order:
    """The team's first legal move: every process picks the same one."""
    moves = legal_moves(state, team)
    return Order.of(team, moves[0].id) if moves else Order(team)


def digest(state: State) -> str:
    """A fingerprint of everything `State.__eq__` compares, equal across processes for equal states."""
    return hashlib.sha256(json.dumps(_plain(state)).encode()).hexdigest()


def _plain(value: Any) -> Any:
    # Sets are sorted: their order follows string hashes, which differ from process to process.
    if attrs.has(type(value)):
        return [[f.name, _plain(getattr(value, f.name))] for f in attrs.fields(type(value)) if f.eq]
    if isinstance(value, Mapping):
        return sorted(([_plain(k), _plain(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return repr(value)


def run_processes(target, argsets: list[tuple[Any, ...]]) -> list[Any]:
    """Run `target(*args, results)` in spawned processes, one per argument set; what each put."""
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, results)) for args in argsets]
    for process in processes:
        process.start()
    try:
        out = [results.get(timeout=PROCESS_TIMEOUT) for _ in processes]
    finally:
        for process in processes:
            process.join(PROCESS_TIMEOUT)
            if process.is_alive():
                process.kill()
    failed = [r for r in out if isinstance(r, str) and r.startswith("error")]
    assert [] == failed
    return out


def _host(url: str, session_id: str, teams: tuple[str, ...], resolve: bool, barrier: Any, results: Any) -> None:
    """One process of a classroom session: submit for `teams` when every process is ready, then fold."""
    try:
        with open_store(url) as store:
            session = Session.open_store(store, session_id)
            barrier.wait(PROCESS_TIMEOUT)  # every process has opened the store: submit at once
            for team in teams:
                session.submit(first_order(session.state, team), by=team)
            barrier.wait(PROCESS_TIMEOUT)
            session.refresh()
            if resolve:
                session.resolve()
            barrier.wait(PROCESS_TIMEOUT)
            session.refresh()
            results.put((teams, session.state.turn, sorted(session.pending), len(session.entries),
                         digest(session.state)))
    except BaseException as exc:
        barrier.abort()
        results.put(f"error in the process for {teams}: {exc!r}")


def _append_later(url: str, session_id: str, ready: Any, go: Any, delay: float, results: Any) -> None:
    """Another process: submit an order `delay` seconds after `go`; when it began to."""
    try:
        with open_store(url) as store:
            session = Session.open_store(store, session_id)
            ready.set()
            go.wait(PROCESS_TIMEOUT)
            time.sleep(delay)
            began = time.time()
            session.submit(first_order(session.state, "seoul"), by="seoul")
            results.put(began)
    except BaseException as exc:
        ready.set()
        results.put(f"error: {exc!r}")


# -- sessions and events ---------------------------------------------------------------
def test_a_created_session_is_read_back_with_its_first_event(store, session_id):
    store.create_session(session_id, START)

    assert [START] == store.events(session_id)
    assert 1 == store.last_seq(session_id)
    assert [(session_id, "test", 1)] == [(s.id, s.scenario, s.events) for s in store.sessions() if s.id == session_id]


def test_a_session_id_already_taken_is_refused(store, session_id):
    store.create_session(session_id, START)

    with pytest.raises(StoreError, match="already exists"):
        store.create_session(session_id, START)


def test_an_append_with_the_next_number_is_kept_and_a_stale_number_is_a_conflict(store, session_id):
    store.create_session(session_id, START)
    store.append(session_id, 2, {"type": "timer", "n": 2})

    with pytest.raises(Conflict):
        store.append(session_id, 2, {"type": "timer", "n": "late"})

    assert [{"type": "timer", "n": 2}] == store.events(session_id, after=1)
    assert 2 == store.last_seq(session_id)


def test_two_sessions_on_one_id_submitting_in_turn_see_every_order_and_fold_alike(store_url, scenario, session_id):
    with open_store(store_url) as first_store, open_store(store_url) as second_store:
        first = Session.start(scenario, SEED, store=first_store, session_id=session_id)
        second = Session.open_store(second_store, session_id)

        for k, team in enumerate(TEAMS):  # neither refreshes before submitting: each append conflicts once
            by = first if k % 2 == 0 else second
            by.submit(first_order(by.state, team), by=f"{team} desk")
        first.refresh()
        second.refresh()

        assert set(TEAMS) == set(first.pending) == set(second.pending)
        assert "beijing desk" == first.submitted("beijing").by
        assert first.state == second.state
        first.resolve()
        second.refresh()
        assert 2 == second.state.turn
        assert first.state == second.state


def test_orders_from_four_processes_at_once_are_all_kept_and_every_process_folds_alike(store_url, scenario, session_id):
    with open_store(store_url) as store:
        Session.start(scenario, SEED, store=store, session_id=session_id)
        barrier = SPAWN.Barrier(len(TEAMS))

        results = run_processes(_host, [(store_url, session_id, (team,), False, barrier) for team in TEAMS])

        expected = Session.open_store(store, session_id)
        assert 1 + len(TEAMS) == store.last_seq(session_id)
        assert sorted(TEAMS) == sorted(expected.pending)
        assert {(1, tuple(sorted(TEAMS)), 1 + len(TEAMS), digest(expected.state))} == {
            (turn, tuple(pending), entries, fingerprint) for _, turn, pending, entries, fingerprint in results}


def test_an_order_for_a_turn_resolved_meanwhile_is_refused_and_nothing_is_written(store_url, scenario, session_id):
    with open_store(store_url) as first_store, open_store(store_url) as second_store:
        facilitator = Session.start(scenario, SEED, store=first_store, session_id=session_id)
        seat = Session.open_store(second_store, session_id)
        for team in TEAMS:
            facilitator.submit(first_order(facilitator.state, team))
        facilitator.resolve()
        written = first_store.last_seq(session_id)

        with pytest.raises(OutOfTurn):
            seat.submit(first_order(seat.state, "seoul"), by="late")  # the seat still shows turn 1

        assert written == first_store.last_seq(session_id)
        assert 2 == seat.state.turn
        assert seat.state == facilitator.state


# -- join codes, seats and attempts ----------------------------------------------------
def test_codes_are_ten_crockford_characters_of_at_least_forty_bits(store, session_id):
    codes = {store.issue_code(session_id, team) for team in TEAMS}

    assert 32 == len(CODE_ALPHABET)  # five bits a character
    assert CODE_LENGTH * 5 >= 40
    assert len(TEAMS) == len(codes)
    assert all(CROCKFORD_CODE.fullmatch(code) for code in codes), codes


def test_a_code_is_found_as_typed_in_lower_case_without_the_dash_and_with_o_for_zero(store, session_id):
    for _ in range(200):  # draw until a code has a zero in it (each draw does with odds of one in four)
        code = store.issue_code(session_id, "room")
        if "0" in code:
            break
    typed = code.replace("-", "").replace("0", "o").replace("1", "l").lower()

    found = store.find_code(typed)

    assert "0" in code
    assert (code, session_id, "room", False) == (found.code, found.session, found.audience, found.revoked)
    assert store.find_code("ZZZZZ-ZZZZZ") is None


def test_reissuing_a_code_revokes_the_old_one(store, session_id):
    old = store.issue_code(session_id, "seoul")
    room = store.issue_code(session_id, "room")

    new = store.issue_code(session_id, "seoul")

    assert [("room", room), ("seoul", new)] == sorted((c.audience, c.code) for c in store.codes(session_id))
    assert store.find_code(old).revoked
    assert not store.find_code(new).revoked


def test_a_seat_is_turned_away_after_it_is_dropped_or_its_code_is_revoked(store, session_id):
    code = store.issue_code(session_id, "seoul")
    assert store.seat_seen("seat-1", session_id, "seoul", "Ana", code)
    assert store.seat_seen("seat-2", session_id, "seoul", "Bo", code)
    assert store.seat_seen("seat-1", session_id, "seoul", "Ana", code)  # seen again

    store.drop_seat("seat-1")
    assert not store.seat_seen("seat-1", session_id, "seoul", "Ana", code)
    assert store.seat_seen("seat-2", session_id, "seoul", "Bo", code)

    store.issue_code(session_id, "seoul")
    assert not store.seat_seen("seat-2", session_id, "seoul", "Bo", code)
    assert [("seat-1", True), ("seat-2", False)] == [(s.id, s.dropped) for s in store.seats(session_id)]


def test_failed_attempts_are_counted_within_the_window(store, session_id):
    peer, other = f"10.0.0.1 {session_id}", f"10.0.0.2 {session_id}"
    store.note_attempt(peer)
    store.note_attempt(peer)
    time.sleep(0.3)
    store.note_attempt(peer)

    assert 3 == store.failed_attempts(peer, 60)
    assert 1 == store.failed_attempts(peer, 0.25)
    assert 0 == store.failed_attempts(other, 60)


# -- waiting for other processes -------------------------------------------------------
def test_wait_returns_soon_after_another_process_appends(store, store_url, scenario, session_id, monkeypatch,
                                                        record_property):
    Session.start(scenario, SEED, store=store, session_id=session_id)
    assert not store.wait(session_id, 1, 0)  # PostgreSQL: listening from now on
    reads = []
    last_seq = store.last_seq
    monkeypatch.setattr(store, "last_seq", lambda sid: reads.append(sid) or last_seq(sid))
    ready, go, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    process = SPAWN.Process(target=_append_later, args=(store_url, session_id, ready, go, 0.5, results))
    process.start()
    try:
        assert ready.wait(PROCESS_TIMEOUT)
        go.set()
        woke = store.wait(session_id, 1, 10)
        woke_at = time.time()
        began = results.get(timeout=PROCESS_TIMEOUT)
    finally:
        process.join(PROCESS_TIMEOUT)

    latency = woke_at - began
    record_property("wake_latency_s", round(latency, 4))
    assert woke
    assert latency < 1.0
    if store_url.startswith("postgresql"):  # woken by NOTIFY: the store was read before and after, not polled
        assert len(reads) <= 3, reads


def test_wait_returns_false_when_nothing_is_appended_in_time(store, session_id):
    store.create_session(session_id, START)
    began = time.monotonic()

    assert not store.wait(session_id, 1, 0.3)
    assert 0.3 <= time.monotonic() - began < 1.5


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'seats.sqlite'}"
    return request.getfixturevalue("pg_database")


def test_one_store_serves_the_app_thread_and_worker_threads_at_once(shared_store_url, scenario, session_id):
    with open_store(shared_store_url) as store:
        Session.start(scenario, SEED, store=store, session_id=session_id)
    results = SPAWN.Queue()
    # In a process of its own: an unguarded connection can take the interpreter down with it.
    process = SPAWN.Process(target=_share_one_store, args=(shared_store_url, session_id, results))
    process.start()
    process.join(PROCESS_TIMEOUT)

    assert 0 == process.exitcode
    assert "shared" == results.get(timeout=5)


def _share_one_store(url: str, session_id: str, results: Any) -> None:
    """Three threads issue codes and one waits while the main thread submits, all through one store."""
    sys.setswitchinterval(1e-5)  # threads take turns often: an unguarded connection shows it
    problems: list[BaseException] = []
    woke: list[bool] = []

    def worker(audience: str) -> None:
        try:
            for _ in range(40):
                store.issue_code(session_id, audience)
                store.note_attempt(audience)
                store.last_seq(session_id)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            problems.append(exc)

    try:
        with open_store(url) as store:
            session = Session.open_store(store, session_id)
            waiter = threading.Thread(target=lambda: woke.append(store.wait(session_id, 1, 10)), daemon=True)
            workers = [threading.Thread(target=worker, args=(team,), daemon=True) for team in TEAMS[:2]]
            for thread in (waiter, *workers):
                thread.start()
            worker("room")
            session.submit(first_order(session.state, "seoul"))
            for thread in (waiter, *workers):
                thread.join(PROCESS_TIMEOUT)
            audiences = sorted(c.audience for c in store.codes(session_id))
    except BaseException as exc:  # noqa: BLE001  (reported below)
        problems.append(exc)
        audiences = []
    if problems or woke != [True] or audiences != ["pyongyang", "room", "washington"]:
        results.put(f"error: {problems[:3]!r}, woke {woke}, codes for {audiences}")
    else:
        results.put("shared")


# -- PostgreSQL: hosts sharing a session, and what goes wrong --------------------------
@pytest.fixture(scope="module")
def pg_role(postgres_url, pg_database):
    """A role that must give its password; the URL of `pg_database` with it, as a template."""
    import psycopg

    role = f"ttx_host_{secrets.token_hex(3)}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right-horse-battery'")
    return pg_database.replace("postgresql://postgres@", f"postgresql://{role}:{{password}}@")


def test_two_hosts_sharing_one_session_take_every_order_and_fold_alike(pg_database, scenario, session_id):
    with open_store(pg_database) as store:
        Session.start(scenario, SEED, store=store, session_id=session_id)
        barrier = SPAWN.Barrier(2)

        results = run_processes(_host, [(pg_database, session_id, TEAMS[0::2], True, barrier),
                                        (pg_database, session_id, TEAMS[1::2], False, barrier)])

        expected = Session.open_store(store, session_id)
        assert 2 == expected.state.turn
        assert [1 + len(TEAMS) + 1] * 2 == [entries for *_, entries, _ in results]
        assert [(2, [], digest(expected.state))] * 2 == [(turn, pending, d) for _, turn, pending, _, d in results]


def test_tables_are_created_once_when_several_hosts_open_a_new_database_together(postgres_url):
    url = create_database(postgres_url, f"ttx_new_{secrets.token_hex(4)}")
    barrier = threading.Barrier(6)
    problems: list[BaseException] = []

    def host() -> None:
        try:
            barrier.wait(PROCESS_TIMEOUT)
            open_store(url).close()
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            problems.append(exc)

    threads = [threading.Thread(target=host) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PROCESS_TIMEOUT)

    assert [] == problems
    with open_store(url) as store:
        assert [] == store.sessions()


def test_the_address_shown_hides_the_password(pg_role):
    with open_store(pg_role.format(password="right-horse-battery")) as store:
        assert "right-horse-battery" not in store.url
        assert re.fullmatch(r"postgresql://ttx_host_\w+:\*\*\*@127\.0\.0\.1:\d+/ttx_store_\w+", store.url)


def test_a_wrong_password_is_one_line_that_does_not_show_it(pg_role):
    with pytest.raises(StoreError) as refused:
        open_store(pg_role.format(password="wrong-horse-staple"))

    message = str(refused.value)
    assert "\n" not in message
    assert "wrong-horse-staple" not in message
    assert ":***@" in message
    assert "password authentication failed" in message


def test_a_closed_port_is_one_line_that_does_not_show_the_password():
    url = f"postgresql://someone:hunter2-secret@127.0.0.1:{free_port()}/ttx"

    with pytest.raises(StoreError) as refused:
        open_store(url)

    message = str(refused.value)
    assert "\n" not in message
    assert "hunter2-secret" not in message
    assert message.startswith(f"{url.replace('hunter2-secret', '***')}: cannot connect: ")
    assert "refused" in message


# -- SQLite: the file --------------------------------------------------------------------
def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "new" / "seats.sqlite"

    open_store(path).close()

    assert 0o600 == stat.S_IMODE(os.stat(path).st_mode)


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("Notes for the facilitator, not a database.\n" * 100)

    with pytest.raises(StoreError) as refused:
        open_store(path)

    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: not a ttx session store")


def test_two_hosts_reissuing_a_code_at_once_leave_one_code_in_force(pg_database, session_id):
    import threading

    stores = [open_store(pg_database) for _ in range(2)]
    try:
        stores[0].create_session(session_id, START)
        for _ in range(15):
            barrier = threading.Barrier(2)

            def reissue(store):
                barrier.wait()
                store.issue_code(session_id, "seoul")

            threads = [threading.Thread(target=reissue, args=(s,)) for s in stores]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            in_force = [c for c in stores[0].codes(session_id) if c.audience == "seoul"]
            assert len(in_force) == 1, in_force
    finally:
        for store in stores:
            store.close()
