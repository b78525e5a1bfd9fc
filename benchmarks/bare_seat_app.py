"""The baseline seat for bench_seats.py: a bare Textual app that follows one SQLite row.

Run: python benchmarks/bare_seat_app.py PATH   (textual-serve runs one per connection)
It shows a label, polls the row four times a second as a ttx seat polls its store, and
ctrl+s writes the next value, as a seat's submit appends to the store.
"""

from __future__ import annotations

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Label

POLL_SECONDS = 0.25  # as exercise.seats.seat_app


def open_row(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS shared (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER)")
    connection.execute("INSERT OR IGNORE INTO shared VALUES (1, 0)")
    return connection


class BareSeat(App[None]):
    BINDINGS = [Binding("ctrl+s", "write", "Write")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.connection = open_row(path)
        self.value = -1

    def compose(self) -> ComposeResult:
        yield Label("bare seat: waiting", id="value")

    def on_mount(self) -> None:
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)

    def read(self) -> int:
        return int(self.connection.execute("SELECT value FROM shared WHERE id = 1").fetchone()[0])

    def poll(self) -> None:
        value = self.read()
        if value != self.value:
            self.value = value
            self.query_one("#value", Label).update(f"bare seat: value {value}")

    def action_write(self) -> None:
        self.connection.execute("UPDATE shared SET value = value + 1 WHERE id = 1")
        self.poll()


if __name__ == "__main__":
    BareSeat(sys.argv[1]).run()
