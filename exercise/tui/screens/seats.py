"""The facilitator's seats: the address, a code and QR code per team and for the projector, who is connected."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.text import local_clock
from exercise.tui.widgets.header import Header


class SeatsScreen(Screen[None]):
    """Only on the facilitator's terminal: the codes open every team's screens."""

    HELP = (
        "Students open the address on their device and type their team's code (or scan its QR "
        "code); the projector uses the room's code. Up and down choose a code: its QR code is "
        "shown. n gives the highlighted team a new code (seats that used the old one go back to "
        "the join screen). Tab moves to the seats; d drops the highlighted seat. Escape goes back."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "new_code", "New code"),
        Binding("d", "drop_seat", "Drop seat"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        info = self.app.serve_info  # type: ignore[attr-defined]
        yield Static(f"[b]Seats[/b] — open [b]{info.url}[/b] and type your team's code", id="seats-title",
                     classes="screen-title")
        yield Static(info.note, id="seats-note", markup=False)
        with Horizontal(id="seats-body"):
            with Vertical(id="seats-left"):
                yield Label("Join codes", classes="section-title")
                yield DataTable(id="seat-codes", cursor_type="row")
                yield Static("", id="seat-link", markup=False)  # beside the codes: the QR code fills its column
                yield Label("Seats", classes="section-title")
                yield DataTable(id="seat-list", cursor_type="row")
            with VerticalScroll(id="seats-right"):
                yield Static("", id="seat-qr", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        codes = self.query_one("#seat-codes", DataTable)
        codes.add_columns("For", "Code", "Connected")
        seats = self.query_one("#seat-list", DataTable)
        seats.add_columns("Name", "Team", "Joined", "Now")
        self.refresh_seats()
        self.set_interval(1.0, self.refresh_seats)
        codes.focus()

    @property
    def _store(self):
        return self.app.serve_info.store  # type: ignore[attr-defined]

    @property
    def _session_id(self) -> str:
        return self.app.exercise.session.journal.session_id  # type: ignore[attr-defined]

    def _label(self, audience: str) -> str:
        if audience == "room":
            return "Projector (the room)"
        team = self.app.state.scenario.team_index.get(audience)  # type: ignore[attr-defined]
        return team.name if team else audience

    store_away = False  # the store could not be read at the last look (said once, until it is back)

    def refresh_seats(self) -> None:
        """The codes and seats as the store has them; while it is away, what is shown stays, said once."""
        from exercise.seats.store import StoreError

        try:
            self._fill()
        except StoreError as exc:
            if not self.store_away:
                self.notify(f"{exc}. The codes shown still work once it is back.",
                            title="The session's store could not be read", severity="error", timeout=10)
            self.store_away = True
            return
        self.store_away = False

    def _fill(self) -> None:
        from exercise.seats.serve import ensure_codes

        store = self._store
        session = self.app.exercise.session  # type: ignore[attr-defined]
        codes = ensure_codes(store, session)
        seats = store.seats(self._session_id)
        present = store.present(self._session_id)
        now = time.time()
        table = self.query_one("#seat-codes", DataTable)
        row = table.cursor_row
        table.clear()
        order = [t.id for t in session.scenario.teams] + ["room"]
        for audience in sorted(codes, key=lambda a: order.index(a) if a in order else len(order)):
            code = codes[audience]
            names = present.get(audience, [])
            table.add_row(self._label(audience), code, f"{len(names)}: {', '.join(names)}" if names else "nobody",
                          key=audience)
        if table.row_count:
            table.move_cursor(row=min(row or 0, table.row_count - 1))
        listing = self.query_one("#seat-list", DataTable)
        seat_row = listing.cursor_row
        listing.clear()
        for seat in seats:
            status = "dropped" if seat.dropped else "connected" if seat.connected(now) else "gone"
            listing.add_row(seat.name, self._label(seat.audience), local_clock(seat.joined), status, key=seat.id)
        if listing.row_count:
            listing.move_cursor(row=min(seat_row or 0, listing.row_count - 1))
        self._show_qr()

    def _highlighted(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "seat-codes":
            self._show_qr()

    def _show_qr(self) -> None:
        from exercise.seats.serve import join_link, qr_text

        audience = self._highlighted("#seat-codes")
        if audience is None:
            return
        code = {c.audience: c.code for c in self._store.codes(self._session_id)}.get(audience)
        if code is None:
            return
        link = join_link(self.app.serve_info.url, code)  # type: ignore[attr-defined]
        self.query_one("#seat-qr", Static).update(qr_text(link))
        self.query_one("#seat-link", Static).update(f"{self._label(audience)}: {link}")

    def action_new_code(self) -> None:
        audience = self._highlighted("#seat-codes")
        if audience is None:
            return
        if not self._in_store(lambda: self._store.issue_code(self._session_id, audience)):
            return
        self.notify(f"{self._label(audience)} has a new code; seats that used the old one go back to the join "
                    "screen.", title="New code")
        self.refresh_seats()

    def action_drop_seat(self) -> None:
        seat = self._highlighted("#seat-list")
        if seat is None:
            self.notify("No seat has joined yet.")
            return
        if not self._in_store(lambda: self._store.drop_seat(seat)):
            return
        self.notify("The seat goes back to the join screen within two seconds.", title="Seat dropped")
        self.refresh_seats()

    def _in_store(self, change) -> bool:
        """Make a change in the store; False, said in a notice, when the store cannot take it."""
        from exercise.seats.store import StoreError

        try:
            change()
        except StoreError as exc:
            self.notify(f"{exc}. Nothing was changed.", title="Not done: the store is away", severity="error",
                        timeout=10)
            return False
        return True

    def action_back(self) -> None:
        self.dismiss()
