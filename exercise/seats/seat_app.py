"""A seat: what one browser (or `ttx join`) shows, run as its own process by the web server.

It asks for a join code. A team's code opens that team's screens and nothing else: its
own screen, its reveal and dashboard, projected to the team. The projector's code opens
the room's board (a large countdown, who is in), the room's reveal and the ending. The
facilitator's console is never here: every facilitator action is refused in a seat.

The seat folds the session from the shared store and looks for new events ten times a
second (a look that finds nothing costs microseconds); it says it is alive every two
seconds, and goes back to the join screen when the facilitator drops it or replaces its
team's code.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from collections.abc import Callable
from typing import Any

import attrs
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Digits, Input, Label, Static

from exercise.engine import ROOM, Audience, IllegalOrder, Order, observe
from exercise.entries import Resolve, Screen as ScreenEntry, Undo
from exercise.journal import JournalError
from exercise.render import event_line
from exercise.seats.store import ROOM_SEAT, Store, StoreError, open_store
from exercise.session import OutOfTurn, Session
from exercise.tui.app import TtxApp, freeze_heap
from exercise.tui.exercise import Exercise
from exercise.tui.screens.ending import EndingScreen
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header

WRONG_CODES_PER_SEAT = 5  # then the seat closes: a new connection is needed (and those are limited too)
WRONG_CODES_PER_MINUTE = 30  # from one address, across all its seats: 2^50 codes take ages at this pace
POLL_SECONDS = 0.1  # a no-op look at the store costs microseconds: new events show within a tenth of a second
ALIVE_SECONDS = 2.0


@attrs.define
class SeatExercise(Exercise):
    """The exercise as one seat holds it: every shared screen is projected to the seat's audience."""

    audience: Audience = ROOM

    @property
    def room(self) -> Audience:
        return self.audience

    @property
    def solo_team(self) -> str | None:
        return None


def clock_text(left: float | None) -> str:
    if left is None:
        return "--:--"
    minutes, seconds = divmod(int(left + 0.999), 60)
    return f"{minutes:02d}:{seconds:02d}"


class JoinScreen(Screen[None]):
    """The first screen of every seat: a join code, and a name for the team to see."""

    HELP = ("Type the join code the facilitator gave your team (or the projector's code), and your name: "
            "your team sees who submitted its orders. Enter joins.")

    def __init__(self, code: str = "", message: str = "") -> None:
        super().__init__()
        self.code = code
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(id="join-box"):
                yield Static("[b]Join the exercise[/b]", classes="screen-title")
                yield Label("Join code (from the facilitator)")
                yield Input(self.code, placeholder="ABCDE-FGHJK", id="join-code", max_length=24)
                yield Label("Your name (your team sees who submitted its orders)")
                yield Input("", placeholder="e.g. Ana", id="join-name", max_length=40)
                yield Button("Join", id="join", variant="primary")
                yield Static(self.message, id="join-message", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#join-name" if self.code else "#join-code", Input).focus()

    @on(Input.Submitted, "#join-code")
    def _code_entered(self) -> None:
        self.query_one("#join-name", Input).focus()

    @on(Input.Submitted, "#join-name")
    @on(Button.Pressed, "#join")
    def _join(self) -> None:
        button = self.query_one("#join", Button)
        if button.disabled:
            return
        code = self.query_one("#join-code", Input).value
        name = self.query_one("#join-name", Input).value
        error = self.app.try_join(code, name)  # type: ignore[attr-defined]
        if error is not None:
            self.query_one("#join-message", Static).update(error)
            button.disabled = True  # a wrong code costs a pause: guessing is slow
            self.set_timer(1.5, lambda: setattr(button, "disabled", False))


class RoomScreen(Screen[None]):
    """The projector's board: the turn, a large countdown, who is in (never what), and the room's news."""

    HELP = "The room's view for the projector: the turn, the time left, and which teams have sent their orders."

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="room-top"):
            yield Static("", id="room-title", classes="screen-title")
            yield Digits("--:--", id="room-clock")
        yield DataTable(id="room-teams", cursor_type="none", show_cursor=False)
        yield Label("News this turn", classes="section-title")
        with VerticalScroll():
            yield Static("", id="room-news", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#room-teams", DataTable)
        table.add_columns("Team", "Orders", "At the table")
        self.refresh_board()
        self.set_interval(1.0, self.refresh_clock)

    def refresh_clock(self) -> None:
        session = self.app.exercise.session  # type: ignore[attr-defined]
        timer = session.timer()
        clock = self.query_one("#room-clock", Digits)
        clock.update(clock_text(timer.left))
        clock.set_class(not timer.running, "paused")
        clock.set_class(timer.up, "up")

    def refresh_board(self) -> None:
        app = self.app
        session: Session = app.exercise.session  # type: ignore[attr-defined]
        state = session.state
        scenario = state.scenario
        self.query_one("#room-title", Static).update(
            f"[b]{scenario.title}[/b]\n{scenario.turn_label(state.turn)} of {scenario.turns}")
        waiting = set(session.waiting_for())
        present = app.present_by_team()  # type: ignore[attr-defined]
        rows = []
        for team in scenario.teams:
            player = session.players.get(team.id, "human")
            if player.startswith("computer"):
                status = "computer"
            else:
                status = "… deliberating" if team.id in waiting else "✓ in"
            rows.append((team.name, status, str(len(present.get(team.id, ())))))
        seen = observe(state, ROOM)
        news = "\n".join("• " + event_line(scenario, e) for e in seen.events if e.turn == state.turn)
        if (rows, news) != getattr(self, "_shown", None):  # redraw only what changed
            self._shown = (rows, news)
            table = self.query_one("#room-teams", DataTable)
            table.clear()
            for row in rows:
                table.add_row(*row)
            self.query_one("#room-news", Static).update(news or "Nothing yet.")
        self.refresh_clock()


class SeatEndingScreen(EndingScreen):
    """The ending, projected to the seat; reports are written at the facilitator's terminal only."""

    BINDINGS = [Binding("w", "write_report", "Write the reports", show=False),
                Binding("q", "app.quit", "Leave"), Binding("escape", "home", "Home", show=False)]

    def action_write_report(self) -> None:
        self.notify("The facilitator writes the reports at the facilitator's terminal.")

    def action_home(self) -> None:
        pass


class SeatApp(TtxApp):
    """One seat over the shared store: a team's screens or the room's, never the facilitator's."""

    TITLE = "ttx seat"
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "tui" / "app.tcss")
    CSS = """
    #join-box { width: 60; height: auto; padding: 1 2; border: round $primary; }
    #join-box Input { margin-bottom: 1; }
    #join-message { color: $warning; height: auto; margin-top: 1; }
    #room-top { height: auto; }
    #room-title { width: 1fr; }
    #room-clock { width: auto; margin: 0 2; }
    #room-clock.paused { color: $text-muted; }
    #room-clock.up { color: $error; }
    #room-teams { height: auto; max-height: 12; }
    #seat-status { height: 3; color: $accent; margin: 0 1; }
    """

    def __init__(self, store_url: str, code: str = "", peer: str = "", **kwargs: Any) -> None:
        super().__init__(start="seat", **kwargs)
        self.store_url = store_url
        self.prefill = code
        self.peer = peer or "local"
        self.store: Store | None = None
        self.seat_id = uuid.uuid4().hex
        self.seat_name = ""
        self.seat_code = ""
        self.audience: Audience | None = None
        self.wrong = 0
        self.present: dict[str, list[str]] = {}
        self._seat_timers: list[Any] = []

    # -- joining -----------------------------------------------------------------------
    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the ttx app's home screen: a seat starts at the join screen
        self.set_interval(1.0, self._tick)
        message = ""
        try:
            self.store = open_store(self.store_url)
        except (StoreError, JournalError) as exc:
            message = f"This seat cannot reach the session: {exc}"
        self.push_screen(JoinScreen(self.prefill, message))

    def try_join(self, code: str, name: str) -> str | None:
        """Join with a code; None when joined, else what to tell the student."""
        if self.store is None:
            return "This seat cannot reach the session; tell the facilitator."
        store = self.store
        if store.failed_attempts(self.peer, 60) >= WRONG_CODES_PER_MINUTE:
            return "Too many wrong codes from this network in the last minute: wait a minute, then try again."
        info = store.find_code(code) if code.strip() else None
        if info is None:
            store.note_attempt(self.peer)
            self.wrong += 1
            if self.wrong >= WRONG_CODES_PER_SEAT:
                self.set_timer(2.0, self.exit)
                return "That code is not right, five times: this page closes. Reload it to try again."
            return "That code is not right: check it with the facilitator (letters and digits, like ABCDE-FGHJK)."
        if info.revoked:
            return "That code was replaced by a new one: ask the facilitator for your team's new code."
        try:
            session = Session.open_store(store, info.session)
        except (JournalError, StoreError) as exc:
            return f"The session cannot be opened: {exc}"
        scenario = session.scenario
        if info.audience == ROOM_SEAT:
            audience = ROOM
        elif info.audience in scenario.team_index:
            audience = Audience.of(info.audience)
        else:
            return "That code names no team of this exercise; ask the facilitator for a new one."
        self.audience = audience
        self.seat_code = info.code
        self.seat_name = " ".join(name.split())[:40] or ("the projector" if audience == ROOM else "someone")
        self.exercise = SeatExercise(session, audience)
        self.state = session.state
        store.seat_seen(self.seat_id, info.session, info.audience, self.seat_name, self.seat_code)
        self._update_present()
        self._seat_timers = [self.set_interval(POLL_SECONDS, self._poll), self.set_interval(ALIVE_SECONDS, self._alive)]
        who = "the room's view" if audience == ROOM else scenario.team_index[info.audience].name
        self.title = f"ttx seat — {who}"
        self.show_turn()
        self.call_after_refresh(freeze_heap)  # no collector's pause in the middle of a turn's update
        return None

    def leave(self, message: str) -> None:
        """Back to the join screen (the facilitator dropped this seat or replaced its code)."""
        for timer in self._seat_timers:
            timer.stop()
        self._seat_timers = []
        self.exercise = None
        self.audience = None
        self.state = None
        self.title = self.TITLE
        self._reset_seat()
        self.push_screen(JoinScreen("", message))

    # -- the shared session ------------------------------------------------------------
    def _poll(self) -> None:
        if self.exercise is None:
            return
        session = self.exercise.session
        before = len(session.entries)
        try:
            count = session.refresh()
        except (JournalError, StoreError) as exc:
            self.notify(str(exc), title="The session could not be read", severity="error")
            return
        if not count:
            return
        new = session.entries[before:]
        self.state = session.state
        self.on_new_entries(new)

    def on_new_entries(self, new: list[Any]) -> None:
        """Follow the session: a reveal after a resolve, the board when the facilitator moves on."""
        from exercise.tui.screens.reveal import RevealScreen

        state = self.state
        assert state is not None
        board = any(isinstance(e, ScreenEntry) and e.show == "board" for e in new)
        if any(isinstance(e, Resolve) for e in new) and state.records and not board:
            self._down_to_base()  # the turn's screen waits under the reveal, refilled when the room moves on
            self.push_screen(RevealScreen(state.records[-1]))
            return
        if any(isinstance(e, Undo) for e in new) or (state.outcome and not isinstance(self.screen, EndingScreen)):
            self.show_turn()
            return
        if board and (not self._on_turn_screen() or any(isinstance(e, Resolve) for e in new)):
            self.show_turn()
            return
        self._refresh_screen()

    def _on_turn_screen(self) -> bool:
        return self.screen is self._base() or isinstance(self.screen, EndingScreen)

    def _base(self) -> Screen[Any] | None:
        """The seat's own screen for the turn (the team's, or the room's board), kept under any other."""
        from exercise.tui.screens.team import TeamScreen

        if len(self.screen_stack) > 1 and isinstance(self.screen_stack[1], (RoomScreen, TeamScreen)):
            return self.screen_stack[1]
        return None

    def _down_to_base(self) -> None:
        base = self._base()
        if base is None:
            self._reset_seat()
            return
        while self.screen is not base:
            self.pop_screen()

    def _refresh_screen(self) -> None:
        from exercise.tui.screens.team import TeamScreen

        screen = self.screen
        try:
            if isinstance(screen, RoomScreen):
                screen.refresh_board()
            elif isinstance(screen, TeamScreen):
                screen.update_seat_status()
        except NoMatches:  # pushed a moment ago: it fills itself in when mounted
            pass

    def _alive(self) -> None:
        if self.exercise is None or self.store is None or self.audience is None:
            return
        session_id = self.exercise.session.journal.session_id  # type: ignore[union-attr]
        audience = ROOM_SEAT if self.audience == ROOM else str(self.audience.team)
        try:
            ok = self.store.seat_seen(self.seat_id, session_id, audience, self.seat_name, self.seat_code)
        except (StoreError, JournalError, OSError):
            return  # the store is busy or away for a moment: the next sign of life tries again
        if not ok:
            self.leave("The facilitator closed this seat or gave your team a new code: ask for it to join again.")
            return
        self._update_present()
        self._refresh_screen()

    def _update_present(self) -> None:
        if self.store is None or self.exercise is None:
            return
        self.present = self.store.present(self.exercise.session.journal.session_id)  # type: ignore[union-attr]

    def present_by_team(self) -> dict[str, list[str]]:
        return self.present

    # -- the screens -------------------------------------------------------------------
    def _reset_seat(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _reset_to_home(self) -> None:
        self._reset_seat()

    def show_turn(self) -> None:
        """The seat's screen for the current turn: kept for the whole exercise and refilled when the turn changes."""
        from exercise.tui.screens.team import TeamScreen

        state = self.state
        base = self._base()
        if state is not None and state.outcome is None and base is not None and self.audience is not None:
            self._down_to_base()
            turn = (state.turn, len(state.records))
            if isinstance(base, RoomScreen):
                base.refresh_board()
            elif getattr(base, "loaded_turn", None) != turn:
                base.load()
            base.loaded_turn = turn  # type: ignore[attr-defined]
            return
        self._reset_seat()
        if state is None or self.audience is None:
            self.push_screen(JoinScreen(self.prefill))
        elif state.outcome is not None:
            self.push_screen(SeatEndingScreen())
        elif self.audience == ROOM:
            self.push_screen(RoomScreen())
        else:
            screen = TeamScreen(str(self.audience.team), entry_by="seat")
            screen.loaded_turn = (state.turn, len(state.records))  # type: ignore[attr-defined]
            self.push_screen(screen)

    def _tick(self) -> None:
        if self.exercise is None:
            self.clock = ""
            return
        timer = self.exercise.session.timer()
        if timer.left is None or timer.phase == "ended":
            self.clock = ""
        elif timer.up:
            self.clock = "Time is up"
        else:
            suffix = " (paused)" if timer.paused else "" if timer.phase == "deliberation" else " (not started)"
            self.clock = f"⏱ {clock_text(timer.left)}{suffix}"

    # -- what a seat may do ------------------------------------------------------------
    def submit(self, order: Order) -> bool:
        """The team's order, sent under the seat's name; False when the store could not take it (said so)."""
        assert self.exercise is not None
        try:
            self.exercise.session.submit(order, by=self.seat_name)
        except OutOfTurn:
            self.state = self.exercise.session.state
            raise IllegalOrder(["the facilitator closed this turn's orders before yours arrived;"
                                " the next turn is open"]) from None
        except JournalError as exc:
            self.not_recorded(exc)
            return False
        self.state = self.exercise.session.state
        self._refresh_screen()
        return True

    def seat(self) -> Audience | None:
        return self.audience

    def lock(self) -> None:
        pass

    def console_refusal(self) -> str | None:
        return "The facilitator console is only at the facilitator's terminal."

    def as_facilitator(self, then: Callable[[], object], doing: str) -> None:
        self.notify(f"Only the facilitator can {doing}, at the facilitator's terminal.")

    async def action_quit(self) -> None:
        self.exit()

    def get_system_commands(self, screen):  # type: ignore[override]
        """The palette of a seat: help, contrast, the team's dashboard, leaving; nothing that writes on the server."""
        from textual.app import SystemCommand

        yield SystemCommand("Help", "What this screen is for, and its keys (F1)", self.action_help)
        yield SystemCommand("High contrast", "Switch between the calm and the high-contrast theme (F4)",
                            self.action_contrast)
        if self.refusal("dashboard") is None:
            yield SystemCommand("Dashboard", "Meters, history, facts and the timeline your team may see (F3)",
                                self.action_dashboard)
        yield SystemCommand("Leave", "Close this seat (Ctrl+Q); join again with the same code", self.exit)


def main() -> int:
    store = os.environ.get("TTX_STORE", "")
    code = os.environ.get("TTX_SEAT_CODE", "")
    peer = os.environ.get("TTX_SEAT_PEER", "")
    SeatApp(store, code, peer).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
