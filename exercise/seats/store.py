"""An event store every process of a session shares: SQLite in WAL mode, or PostgreSQL.

A session is a numbered list of the journal's events. Each append names the number its
event takes (one more than the last the writer has folded); the store refuses it with
`Conflict` when another process got there first, and the writer refolds and retries. So
every process folds the same events, in the same order, to the same state.

Beside the events, the store keeps what a classroom needs and a report does not: join
codes, the seats that joined with them (and when each was last seen), and recent join
attempts (for rate limiting). None of it is an event: exporting a session to a journal
leaves it behind.

No engine here: the store moves JSON objects, the session folds them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from exercise.journal import JournalError, private_dir, sessions_dir

ROOM_SEAT = "room"  # the projector's code opens the room's view
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread
CODE_LENGTH = 10  # 50 bits: a guess in a second for a year finds one code in 35 000 years
SEEN_WITHIN = 10.0  # a seat last seen this many seconds ago is still connected


class StoreError(JournalError):
    """A store that cannot be used as asked; the message is one line for the user."""


class Conflict(Exception):
    """Another process appended the event with this number first: refold and retry."""


class CodeInfo(NamedTuple):
    code: str
    session: str
    audience: str  # a team id, or "room"
    issued: str
    revoked: bool


class SeatInfo(NamedTuple):
    id: str
    session: str
    audience: str
    name: str
    code: str
    joined: str
    seen: float  # time.time() of the seat's last sign of life
    dropped: bool

    def connected(self, now: float | None = None) -> bool:
        return not self.dropped and (now if now is not None else time.time()) - self.seen < SEEN_WITHIN


class StoredSession(NamedTuple):
    id: str
    scenario: str
    created: str
    events: int


def new_code() -> str:
    """A join code: 50 random bits, shown as two groups of five (ABCDE-FGHJK)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(text: str) -> str:
    """A code as typed (any case, with or without the dash or spaces, O for 0, I or L for 1)."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.translate(str.maketrans("OIL", "011"))
    if len(raw) != CODE_LENGTH:
        return raw
    return f"{raw[:5]}-{raw[5:]}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def new_session_id(scenario_id: str) -> str:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{scenario_id}-{stamp}-{secrets.token_hex(2)}"


SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ttx_sessions (id TEXT PRIMARY KEY, scenario TEXT NOT NULL, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ttx_events (session TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,"
    " PRIMARY KEY (session, seq))",
    "CREATE TABLE IF NOT EXISTS ttx_codes (code TEXT PRIMARY KEY, session TEXT NOT NULL, audience TEXT NOT NULL,"
    " issued TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS ttx_seats (id TEXT PRIMARY KEY, session TEXT NOT NULL, audience TEXT NOT NULL,"
    " name TEXT NOT NULL, code TEXT NOT NULL, joined TEXT NOT NULL, seen DOUBLE PRECISION NOT NULL,"
    " dropped INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS ttx_attempts (peer TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ttx_attempts_peer ON ttx_attempts (peer, at)",
    # One code in force per audience, even when two hosts issue one at the same moment.
    "CREATE UNIQUE INDEX IF NOT EXISTS ttx_codes_in_force ON ttx_codes (session, audience) WHERE revoked = 0",
)


class Store(ABC):
    """The operations every store offers; SQL stores share them through `SqlStore`."""

    url: str

    # -- sessions and events -----------------------------------------------------------
    @abstractmethod
    def create_session(self, session_id: str, start: Mapping[str, Any]) -> None:
        """A new session whose first event is `start`; refused if the id is taken."""

    @abstractmethod
    def sessions(self) -> list[StoredSession]:
        """The sessions in the store, newest first."""

    @abstractmethod
    def events(self, session_id: str, after: int = 0) -> list[dict[str, Any]]:
        """The session's events numbered after `after`, in order."""

    @abstractmethod
    def append(self, session_id: str, seq: int, event: Mapping[str, Any]) -> None:
        """Store `event` as number `seq` (the first is 1); `Conflict` if that number is taken."""

    def wait(self, session_id: str, after: int, timeout: float) -> bool:
        """Block up to `timeout` seconds for an event numbered after `after`; whether one came."""
        end = time.monotonic() + timeout
        while True:
            if self.last_seq(session_id) > after:
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(0.1, left))

    @abstractmethod
    def last_seq(self, session_id: str) -> int:
        """The number of the session's last event (0 for none)."""

    # -- join codes, seats and attempts -----------------------------------------------
    @abstractmethod
    def issue_code(self, session_id: str, audience: str) -> str:
        """A new code for a team (or the room), revoking the audience's earlier codes."""

    @abstractmethod
    def codes(self, session_id: str) -> list[CodeInfo]:
        """The session's codes still in force, in the order they were issued."""

    @abstractmethod
    def find_code(self, code: str) -> CodeInfo | None:
        """The code as typed (normalised first), or None if no such code was ever issued."""

    @abstractmethod
    def seat_seen(self, seat_id: str, session_id: str, audience: str, name: str, code: str) -> bool:
        """A seat's sign of life; False when the facilitator has dropped it."""

    @abstractmethod
    def seats(self, session_id: str) -> list[SeatInfo]:
        """Every seat that joined the session, first to last."""

    def present(self, session_id: str) -> dict[str, list[str]]:
        """The names of the seats connected now, by audience (a team id, or "room")."""
        now = time.time()
        out: dict[str, list[str]] = {}
        for seat in self.seats(session_id):
            if seat.connected(now):
                out.setdefault(seat.audience, []).append(seat.name)
        return out

    @abstractmethod
    def drop_seat(self, seat_id: str) -> None:
        """The facilitator drops a seat: it goes back to the join screen at its next sign of life."""

    @abstractmethod
    def note_attempt(self, peer: str) -> None:
        """A wrong code was typed from `peer` (an address, or a seat)."""

    @abstractmethod
    def failed_attempts(self, peer: str, within: float) -> int:
        """How many wrong codes came from `peer` in the last `within` seconds."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SqlStore(Store):
    """The store's SQL, written once with `?` placeholders; subclasses connect and translate."""

    placeholder = "?"

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    @abstractmethod
    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """A cursor inside one transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def _is_duplicate(self, exc: BaseException) -> bool:
        """Whether a database error says a primary key was already taken."""

    def _after_append(self, cur: Any, session_id: str) -> None:
        """Tell other processes (PostgreSQL's NOTIFY); nothing to do for SQLite."""

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._tx() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return list(cur.fetchall()) if cur.description else []

    def _init_schema(self) -> None:
        with self._tx() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    # -- sessions and events -----------------------------------------------------------
    def create_session(self, session_id: str, start: Mapping[str, Any]) -> None:
        try:
            with self._tx() as cur:
                cur.execute(self._sql("INSERT INTO ttx_sessions (id, scenario, created) VALUES (?, ?, ?)"),
                            (session_id, str(start.get("scenario", "")), _now()))
                cur.execute(self._sql("INSERT INTO ttx_events (session, seq, body) VALUES (?, 1, ?)"),
                            (session_id, _dump(start)))
                self._after_append(cur, session_id)
        except Exception as exc:
            if self._is_duplicate(exc):
                raise StoreError(f"{self.url}: a session named '{session_id}' already exists") from None
            raise

    def sessions(self) -> list[StoredSession]:
        rows = self._exec(
            "SELECT s.id, s.scenario, s.created, COALESCE(MAX(e.seq), 0) FROM ttx_sessions s"
            " LEFT JOIN ttx_events e ON e.session = s.id GROUP BY s.id, s.scenario, s.created"
            " ORDER BY s.created DESC, s.id DESC")
        return [StoredSession(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

    def events(self, session_id: str, after: int = 0) -> list[dict[str, Any]]:
        rows = self._exec("SELECT seq, body FROM ttx_events WHERE session = ? AND seq > ? ORDER BY seq",
                          (session_id, after))
        out = []
        for expected, (seq, body) in enumerate(rows, start=after + 1):
            if seq != expected:
                raise StoreError(f"{self.url}: session '{session_id}' is missing event {expected}")
            try:
                event = json.loads(body)
            except ValueError:
                raise StoreError(f"{self.url}: event {seq} of session '{session_id}' is damaged") from None
            if not isinstance(event, dict) or "type" not in event:
                raise StoreError(f"{self.url}: event {seq} of session '{session_id}' is not an event")
            out.append(event)
        return out

    def append(self, session_id: str, seq: int, event: Mapping[str, Any]) -> None:
        if seq < 2:
            raise ValueError("the first event is written by create_session")
        try:
            with self._tx() as cur:
                cur.execute(self._sql("SELECT MAX(seq) FROM ttx_events WHERE session = ?"), (session_id,))
                last = cur.fetchone()[0] or 0
                if last != seq - 1:
                    if last == 0:
                        raise StoreError(f"{self.url}: no session named '{session_id}'")
                    raise Conflict(f"event {seq} of '{session_id}': the store is at {last}")
                cur.execute(self._sql("INSERT INTO ttx_events (session, seq, body) VALUES (?, ?, ?)"),
                            (session_id, seq, _dump(event)))
                self._after_append(cur, session_id)
        except (Conflict, StoreError):
            raise
        except Exception as exc:
            if self._is_duplicate(exc):
                raise Conflict(f"event {seq} of '{session_id}' was taken") from None
            raise

    def last_seq(self, session_id: str) -> int:
        rows = self._exec("SELECT MAX(seq) FROM ttx_events WHERE session = ?", (session_id,))
        return int(rows[0][0] or 0) if rows else 0

    # -- join codes, seats and attempts -----------------------------------------------
    def issue_code(self, session_id: str, audience: str) -> str:
        for _ in range(8):
            code = new_code()
            try:
                with self._tx() as cur:
                    cur.execute(self._sql("UPDATE ttx_codes SET revoked = 1 WHERE session = ? AND audience = ?"),
                                (session_id, audience))
                    cur.execute(self._sql(
                        "INSERT INTO ttx_codes (code, session, audience, issued, revoked) VALUES (?, ?, ?, ?, 0)"),
                        (code, session_id, audience, _now()))
                return code
            except Exception as exc:  # a code already issued: 2^-50 odds, draw again
                if not self._is_duplicate(exc):
                    raise
        raise StoreError(f"{self.url}: could not issue a new code")

    def codes(self, session_id: str) -> list[CodeInfo]:
        rows = self._exec("SELECT code, session, audience, issued, revoked FROM ttx_codes"
                          " WHERE session = ? AND revoked = 0 ORDER BY issued, code", (session_id,))
        return [CodeInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4])) for r in rows]

    def find_code(self, code: str) -> CodeInfo | None:
        rows = self._exec("SELECT code, session, audience, issued, revoked FROM ttx_codes WHERE code = ?",
                          (normalize_code(code),))
        return CodeInfo(str(rows[0][0]), str(rows[0][1]), str(rows[0][2]), str(rows[0][3]),
                        bool(rows[0][4])) if rows else None

    def seat_seen(self, seat_id: str, session_id: str, audience: str, name: str, code: str) -> bool:
        now = time.time()
        with self._tx() as cur:
            cur.execute(self._sql("SELECT dropped FROM ttx_seats WHERE id = ?"), (seat_id,))
            row = cur.fetchone()
            if row is None:
                cur.execute(self._sql(
                    "INSERT INTO ttx_seats (id, session, audience, name, code, joined, seen, dropped)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 0)"), (seat_id, session_id, audience, name, code, _now(), now))
                return True
            if row[0]:
                return False
            cur.execute(self._sql("UPDATE ttx_seats SET seen = ?, name = ? WHERE id = ?"), (now, name, seat_id))
            cur.execute(self._sql("SELECT revoked FROM ttx_codes WHERE code = ?"), (code,))
            revoked = cur.fetchone()
            return not (revoked is None or revoked[0])

    def seats(self, session_id: str) -> list[SeatInfo]:
        rows = self._exec("SELECT id, session, audience, name, code, joined, seen, dropped FROM ttx_seats"
                          " WHERE session = ? ORDER BY joined, id", (session_id,))
        return [SeatInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), float(r[6]),
                         bool(r[7])) for r in rows]

    def drop_seat(self, seat_id: str) -> None:
        self._exec("UPDATE ttx_seats SET dropped = 1 WHERE id = ?", (seat_id,))

    def note_attempt(self, peer: str) -> None:
        now = time.time()
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM ttx_attempts WHERE at < ?"), (now - 3600,))
            cur.execute(self._sql("INSERT INTO ttx_attempts (peer, at) VALUES (?, ?)"), (peer, now))

    def failed_attempts(self, peer: str, within: float) -> int:
        rows = self._exec("SELECT COUNT(*) FROM ttx_attempts WHERE peer = ? AND at >= ?",
                          (peer, time.time() - within))
        return int(rows[0][0]) if rows else 0


def _dump(event: Mapping[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


class SqliteStore(SqlStore):
    """One file on one machine, no setup: SQLite in WAL mode, each commit durable before it returns."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.url = f"sqlite://{self.path.resolve()}"
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a session store")
        if self.path.parent and not self.path.parent.exists():
            private_dir(self.path.parent)
        if not self.path.exists():
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)  # it holds every team's secrets
            os.close(fd)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a ttx session store ({exc})") from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:  # one connection: one transaction at a time, whichever thread asks
            try:
                cur = self._conn.cursor()
                cur.execute("BEGIN IMMEDIATE")
                try:
                    yield cur
                except BaseException:
                    try:
                        cur.execute("ROLLBACK")
                    except sqlite3.Error:  # the transaction is already gone (a full disk ends it)
                        pass
                    raise
                else:
                    cur.execute("COMMIT")
                finally:
                    cur.close()
            except sqlite3.IntegrityError:
                raise  # a key already taken: the shared SQL turns it into Conflict
            except sqlite3.Error as exc:  # a full disk, a file made read-only, a lock held too long
                raise StoreError(f"{self.url}: {' '.join(str(exc).split())}") from None

    def _is_duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def last_seq(self, session_id: str) -> int:  # read without a write lock: polled by every seat
        with self._lock:
            row = self._conn.execute("SELECT MAX(seq) FROM ttx_events WHERE session = ?", (session_id,)).fetchone()
        return int(row[0] or 0)

    def events(self, session_id: str, after: int = 0) -> list[dict[str, Any]]:
        if self.last_seq(session_id) <= after:  # the common poll: nothing new, no transaction
            return []
        return super().events(session_id, after)

    def close(self) -> None:
        self._conn.close()


def default_store_path() -> Path:
    """Where `ttx serve` keeps sessions unless told otherwise: beside the journals."""
    return sessions_dir().parent / "seats.sqlite"


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """A store from its address: `postgresql://…`, `sqlite:///path`, or a path to a SQLite file."""
    text = str(url) if url is not None else ""
    if not text:
        return SqliteStore(default_store_path())
    if text.startswith(("postgresql://", "postgres://")):
        try:
            from exercise.seats.pgstore import PostgresStore
        except ImportError as exc:  # psycopg is an optional dependency
            raise StoreError(f"a PostgreSQL store needs psycopg: pip install 'ttx[postgresql]' ({exc})") from None
        return PostgresStore(text)
    if text.startswith("sqlite:"):
        text = text[len("sqlite:"):]
        if text.startswith("///"):
            text = text[2:]
        elif text.startswith("//"):
            raise StoreError(f"{url}: write a SQLite store as sqlite:///path/to/file")
    elif "://" in text:
        raise StoreError(f"{url}: a store is a SQLite file (sqlite:///path or a path) or postgresql://…")
    return SqliteStore(text)


def looks_like_store(text: str) -> bool:
    """Whether a command-line argument names a store rather than a journal file."""
    return text.startswith(("postgresql://", "postgres://", "sqlite:")) or text.endswith((".sqlite", ".db"))
