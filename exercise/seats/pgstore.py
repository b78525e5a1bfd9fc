"""A PostgreSQL event store: every host and seat of a session on one database server.

The SQL is the shared `SqlStore`'s; this module connects, translates errors into one line
for the user, and wakes waiting seats with LISTEN/NOTIFY instead of polling.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict

from exercise.seats.store import SCHEMA, SqlStore, StoreError

CHANNEL = "ttx_events"  # each append notifies it with the session's id
CONNECT_TIMEOUT = 10  # seconds; libpq waits forever by default on an unreachable host
SCHEMA_LOCK = 0x747478_736368  # "ttx" "sch": the advisory lock held while creating the tables
LISTEN_SLICE = 1.0  # seconds the listener waits for a notification before it checks whether the store closed
_SCHEMA_NAMES = tuple(re.findall(r"IF NOT EXISTS (\w+)", " ".join(SCHEMA)))


def redact(url: str) -> str:
    """The address with any password replaced by `***`, fit to show."""
    text = re.sub(r"(password=)[^&\s]*", r"\1***", url)
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        netloc = f"{parts.username or ''}:***@{parts.netloc.rpartition('@')[2]}"
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:  # not a URL (a port that is not a number): hide everything after the scheme
        return text.split("://", 1)[0] + "://***"


class PostgresStore(SqlStore):
    """Sessions kept in a PostgreSQL database that several hosts can share.

    One connection serves every query, guarded by a lock (a Textual app's thread and its
    workers share the store). A second one, opened at the first `wait`, listens for appends.
    """

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        self.url = redact(url)
        self._password = ""
        try:
            self._params: dict[str, Any] = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: not a PostgreSQL address: {self._one_line(exc)}") from None
        self._password = str(self._params.get("password") or "")
        self._params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        self._params.setdefault("application_name", "ttx")
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = self._connect(autocommit=False)
        # The listener's state: how many notifications each session has had, under one condition.
        self._heard: dict[str, int] = {}
        self._changed = threading.Condition()
        self._listener: threading.Thread | None = None
        self._closing = threading.Event()
        self._wake_channel = f"ttx_close_{secrets.token_hex(6)}"
        try:
            self._init_schema()
        except StoreError:
            self.close()
            raise

    # -- connections -------------------------------------------------------------------
    def _connect(self, autocommit: bool) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(**self._params, autocommit=autocommit)
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: cannot connect: {self._one_line(exc)}") from None

    def _one_line(self, exc: BaseException) -> str:
        """A database error as one line, without the password even if the server echoed it."""
        lines = [" ".join(line.split()).lstrip("- ") for line in str(exc).splitlines()]
        text = "; ".join(dict.fromkeys(line for line in lines if line)) or type(exc).__name__
        text = text.removeprefix("connection failed: ")
        if self._password:
            text = text.replace(self._password, "***")
        return text

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._lock:
            if self._conn is None:
                raise StoreError(f"{self.url}: the store is closed")
            if self._conn.broken:  # the server restarted since: one more try with a new connection
                self._conn = self._connect(autocommit=False)
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    yield cur
            except psycopg.IntegrityError:
                raise  # a key already taken: the shared SQL turns it into Conflict
            except psycopg.Error as exc:
                raise StoreError(f"{self.url}: {self._one_line(exc)}") from None

    def _is_duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, errors.UniqueViolation)

    def _init_schema(self) -> None:
        """The tables, created once even when several processes open a new database together.

        CREATE TABLE IF NOT EXISTS is not safe against a concurrent one in PostgreSQL (both
        may pass the check, then one fails on a catalogue key), hence the advisory lock. The
        tables are looked for first, so a role that may not create tables can use existing ones.
        """
        try:
            with self._tx() as cur:
                cur.execute("SELECT count(to_regclass(name)) FROM unnest(%s::text[]) AS name",
                            (list(_SCHEMA_NAMES),))
                if cur.fetchone()[0] == len(_SCHEMA_NAMES):
                    return
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for statement in SCHEMA:
                    cur.execute(statement)
        except psycopg.IntegrityError as exc:  # let through by _tx, and not expected under the lock
            raise StoreError(f"{self.url}: cannot create the store's tables: {self._one_line(exc)}") from None

    def _after_append(self, cur: Any, session_id: str) -> None:
        cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, session_id))  # delivered when the append commits

    # -- waiting for appends -----------------------------------------------------------
    def wait(self, session_id: str, after: int, timeout: float) -> bool:
        """Block until another process appends after `after` (woken by NOTIFY), or `timeout` passes.

        The count of notifications is read before the store is, so an append that commits
        between the two still wakes us. Without a listener (it lost its connection), poll.
        """
        end = time.monotonic() + timeout
        if not self._listening():
            return super().wait(session_id, after, timeout)
        while True:
            with self._changed:
                heard = self._heard.get(session_id, 0)
            if self.last_seq(session_id) > after:
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            with self._changed:
                self._changed.wait_for(
                    lambda: self._heard.get(session_id, 0) != heard or self._listener is None, timeout=left)
                if self._listener is None:
                    return super().wait(session_id, after, max(0.0, end - time.monotonic()))

    def _listening(self) -> bool:
        """Whether a listener thread is running, started on first use; False if it cannot connect."""
        with self._changed:
            if self._listener is not None:
                return True
            if self._closing.is_set():
                return False
            try:
                conn = self._connect(autocommit=True)
            except StoreError:
                return False
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                conn.execute(f"LISTEN {self._wake_channel}")
            except psycopg.Error:
                conn.close()
                return False
            self._listener = threading.Thread(target=self._listen, args=(conn,), name="ttx-store-listener",
                                              daemon=True)
            self._listener.start()
            return True

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        try:
            while not self._closing.is_set():
                for note in conn.notifies(timeout=LISTEN_SLICE):
                    if self._closing.is_set():
                        break
                    if note.channel == CHANNEL:
                        with self._changed:
                            self._heard[note.payload] = self._heard.get(note.payload, 0) + 1
                            self._changed.notify_all()
        except psycopg.Error:
            pass  # the connection is gone: waiters fall back to polling, the next wait listens anew
        finally:
            conn.close()
            with self._changed:
                if self._listener is threading.current_thread():
                    self._listener = None
                self._changed.notify_all()

    def close(self) -> None:
        self._closing.set()
        with self._changed:
            listener = self._listener
        if listener is not None:
            try:  # wake the listener now rather than at the end of its slice
                self._exec("SELECT pg_notify(?, '')", (self._wake_channel,))
            except StoreError:
                pass
            listener.join(LISTEN_SLICE + 1)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
