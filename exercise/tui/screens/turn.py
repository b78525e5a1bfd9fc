"""The facilitator's turn screen: this turn's injects, who has handed in orders, the reveal."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, DataTable, Label, Static

from exercise.engine import ROOM, IllegalOrder, Order, State, observe
from exercise.play import choose, controllers_for
from exercise.render import event_line
from exercise.tui.keys import Refusals, explained
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header

# Said every turn, whether or not a team has private news: a count would tell the room it exists.
PRIVATE_NEWS = "Teams may have private news on their own screens."


class TurnScreen(Refusals, Screen):
    """The room's projection of the turn: never a team's orders before the reveal, nor its private news."""

    HELP = (
        "The turn screen is safe to project. Enter opens the highlighted team's orders "
        "(behind a curtain in hot-seat mode); n goes to the next team still to hand in; "
        "r reveals and resolves the turn once every team's orders are in; h hands the "
        "highlighted team to the computer or back (not in solo practice: the computer plays "
        "every other team to the end). F2 opens the facilitator console, F3 the dashboard."
    )
    BINDINGS = [
        Binding("n", "next_team", "Next team"),
        Binding("r", "reveal", "Reveal"),
        Binding("h", "hand_over", "Hand over"),
        explained("h", "hand_over"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.thinking: set[tuple[str, int, int]] = set()
        self.close_asked = 0.0  # seats: when r was pressed with teams still out (a second r closes orders)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="turn"):
            with Horizontal(id="turn-top"):
                yield Static("", id="turn-title", classes="screen-title")
                yield Digits("", id="turn-clock")
            yield Label("This turn's injects", classes="section-title")
            yield Static("", id="turn-injects", markup=False)
            yield Label("Orders", classes="section-title")
            yield DataTable(id="teams", cursor_type="row")
        # Under the scrolling part, above the footer: what to do next stays in view however long
        # the turn's injects are.
        yield Static("", id="turn-hint", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#teams", DataTable)
        table.add_columns("Team", "Played by", "Orders")
        self.watch(self.app, "state", self._refresh, init=True)
        self.watch(self.app, "clock", self._show_clock, init=True)
        if getattr(self.app, "serve_info", None) is not None:  # seats come and go between events
            self.set_interval(2.0, lambda: self._refresh(self.app.state))  # type: ignore[attr-defined]
        table.focus()

    @property
    def exercise(self):
        return self.app.exercise  # type: ignore[attr-defined]

    def _show_clock(self, clock: str) -> None:
        """The countdown, large enough to read on the projector; hidden when there is no timer."""
        digits = self.query_one("#turn-clock", Digits)
        timer = self.exercise.session.timer() if self.exercise is not None else None
        digits.display = bool(clock)
        if timer is None or timer.left is None:
            return
        minutes, seconds = divmod(int(timer.left + 0.999), 60)
        digits.update(f"{minutes:02d}:{seconds:02d}")
        digits.set_class(timer.paused or timer.phase != "deliberation", "paused")
        digits.set_class(timer.up, "up")

    def time_is_up(self) -> None:
        """At zero the facilitator chooses: more time, or close orders with what is in."""
        from exercise.tui.screens.time_up import TimeUpScreen

        waiting = [t for t in self.exercise.session.waiting_for() if self.exercise.is_human(t)]
        scenario = self.exercise.scenario
        names = [scenario.team_index[t].name for t in waiting]

        def chosen(choice: str | None) -> None:
            if choice == "extend1":
                self.app.timer_extend(1)  # type: ignore[attr-defined]
            elif choice == "extend5":
                self.app.timer_extend(5)  # type: ignore[attr-defined]
            elif choice == "close":
                self.close_orders()

        self.app.push_screen(TimeUpScreen(names), chosen)

    def close_orders(self) -> None:
        """Orders close with what is in: the teams of people that sent nothing pass; then the reveal."""
        session = self.exercise.session
        people = [t for t in session.waiting_for() if self.exercise.is_human(t)]
        if not self.app.close_orders(people):  # type: ignore[attr-defined]
            return
        if self.exercise.session.waiting_for():
            self.notify("The computer is still choosing; press r once it is in.")
            return
        self.close_asked = time.monotonic()  # the reveal goes ahead without asking again
        self.action_reveal()

    def refusal(self, action: str) -> str | None:
        if action == "hand_over" and self.exercise is not None and self.exercise.solo_team is not None:
            return (f"In solo practice you play {self._team_name(self.exercise.solo_team)}; the computer plays "
                    "the other teams to the end.")
        return None

    def _team_name(self, team: str) -> str:
        return self.exercise.scenario.team_index[team].name

    def _refresh(self, state: State | None) -> None:
        if state is None:
            return
        if state.outcome is not None:
            return  # the reveal or the console moves on to the ending
        scenario = state.scenario
        self.query_one("#turn-title", Static).update(
            f"[b]{scenario.title}[/b] — {scenario.turn_label(state.turn)} of {scenario.turns}"
            f" ({scenario.turn_length} each)"
        )
        room = self.exercise.room
        shown = observe(state, room).pending
        if room == ROOM:
            lines = [event_line(scenario, e) for e in shown] or ["No public injects this turn."]
            lines.append(PRIVATE_NEWS)
        else:  # solo practice: the student's own projection, private news included
            lines = [event_line(scenario, e) for e in shown] or ["No injects this turn."]
        self.query_one("#turn-injects", Static).update("\n".join(lines))
        table = self.query_one("#teams", DataTable)
        row = table.cursor_row
        table.clear()
        pending = self.exercise.session.pending
        present = self._seats_present()
        for team in scenario.teams:
            human = self.exercise.is_human(team.id)
            if team.id in pending:
                status = "✓ in"
            elif human:
                status = "… waiting"
            else:
                status = "… computer is choosing"
            who = self.exercise.who(team.id)
            if present is not None and human:
                names = present.get(team.id, [])
                who = f"{len(names)} seat{'s' if len(names) != 1 else ''}" + (f": {', '.join(names)}" if names else "")
                entry = self.exercise.session.submitted(team.id)
                if entry is not None and entry.by:
                    status = f"✓ in (sent by {entry.by})"
            table.add_row(team.name, who, status, key=team.id)
        if row is not None and table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        waiting = [t for t in self.exercise.session.waiting_for()]
        hint = self.query_one("#turn-hint", Static)
        info = getattr(self.app, "serve_info", None)
        seats = (f" Students join at {info.url}; F5 shows the codes."
                 if present is not None and info is not None else "")
        if waiting:
            names = ", ".join(scenario.team_index[t].name for t in waiting)
            enter = ("Teams send their orders from their seats (Enter types a team's orders here)."
                     if present is not None else "Press n for the next team, Enter for the highlighted one.")
            hint.update(f"Waiting for: {names}. {enter}{seats}")
        else:
            hint.update(f"Every team's orders are in. Press r to close orders, reveal and resolve the turn.{seats}")
        for team in scenario.teams:
            key = (team.id, state.turn, len(state.records))
            if team.id not in pending and not self.exercise.is_human(team.id) and key not in self.thinking:
                self.thinking.add(key)
                self.computer_order(team.id, state)

    def _seats_present(self) -> dict[str, list[str]] | None:
        """With seats (`ttx serve`): the names of the connected seats of each team; None without seats."""
        info = getattr(self.app, "serve_info", None)
        if info is None:
            return None
        try:
            return info.store.present(self.exercise.session.journal.session_id)
        except Exception:  # the store is away for a moment: the next refresh tries again
            return {}

    @work(thread=True, group="computer")
    def computer_order(self, team: str, state: State) -> None:
        """The computer chooses in a worker thread so the screen never freezes."""
        controller = controllers_for(state.scenario, {team: self.exercise.players[team]})[team]
        order = choose(state, team, controller, self.exercise.session.seed)
        self.app.call_from_thread(self._computer_submit, order, state.turn)

    def _computer_submit(self, order: Order, turn: int) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        session = self.exercise.session
        if state is None or state.turn != turn or order.team in session.pending or state.outcome:
            return
        if self.exercise.is_human(order.team):
            return
        try:
            submitted = self.app.submit(order)  # type: ignore[attr-defined]
        except IllegalOrder:  # the state moved on while it thought (an override): think again
            self.computer_order(order.team, state)
            return
        if not submitted:  # not journaled (said in a notice): r asks the computer again
            self.thinking.discard((order.team, turn, len(state.records)))

    # -- order entry -------------------------------------------------------------------
    def _highlighted_team(self) -> str | None:
        table = self.query_one("#teams", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected, "#teams")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.enter_orders(str(event.row_key.value))

    def action_next_team(self) -> None:
        waiting = [t for t in self.exercise.session.waiting_for() if self.exercise.is_human(t)]
        if not waiting:
            self.notify("No team is waiting to enter orders.")
            return
        self.enter_orders(waiting[0])

    def enter_orders(self, team: str) -> None:
        from exercise.tui.screens.curtain import CurtainScreen

        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        solo = self.exercise.solo_team
        if solo is not None and team != solo:
            # The student sees only their own team's screen: another's holds its brief and orders.
            self.notify(f"The computer plays {scenario.team_index[team].name}; you play {self._team_name(solo)}.")
            return
        if not self.exercise.is_human(team):
            self.notify(f"{scenario.team_index[team].name} is played by the computer; press h to take it back.")
            return
        name = scenario.team_index[team].name
        if self.exercise.mode in ("facilitator", "solo", "seats"):
            entry_by = "team" if self.exercise.mode == "solo" else "facilitator"
            self.app.push_screen(self._team_screen(team, entry_by), self._after_entry)
            return

        def opened(ok: bool | None) -> None:
            if ok:
                self.app.push_screen(self._team_screen(team), self._after_hotseat_entry)

        self.app.push_screen(
            CurtainScreen(f"Pass to {name}", f"Press O (open) when only {name} is looking."), opened
        )

    def _team_screen(self, team: str, entry_by: str = "team"):
        """The team's screen, built at its first use in the exercise and kept: refilled each time it opens."""
        from exercise.tui.screens.team import TeamScreen

        return self.app.kept_screen(  # type: ignore[attr-defined]
            f"team:{team}:{entry_by}", lambda: TeamScreen(team, entry_by=entry_by))

    def _after_entry(self, submitted: bool | None) -> None:
        if submitted:
            self.notify("Orders recorded.")

    def _after_hotseat_entry(self, submitted: bool | None) -> None:
        from exercise.tui.screens.curtain import CurtainScreen

        waiting = [t for t in self.exercise.session.waiting_for() if self.exercise.is_human(t)]
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        done = "Orders recorded. " if submitted else ""
        if waiting:
            name = scenario.team_index[waiting[0]].name

            def opened(ok: bool | None) -> None:
                if ok:
                    self.app.push_screen(self._team_screen(waiting[0]), self._after_hotseat_entry)

            self.app.push_screen(
                CurtainScreen(f"{done}Pass to {name}", f"Press O (open) when only {name} is looking."), opened
            )
        else:
            self.app.push_screen(
                CurtainScreen(f"{done}Hand back to the facilitator", "Press Enter to return to the turn screen.",
                              deliberate=False),
            )

    # -- reveal ------------------------------------------------------------------------
    def action_reveal(self) -> None:
        from exercise.tui.screens.reveal import RevealScreen

        waiting = self.exercise.session.waiting_for()
        if waiting and self.exercise.mode == "seats" and all(self.exercise.is_human(t) for t in waiting):
            scenario = self.app.state.scenario  # type: ignore[attr-defined]
            names = ", ".join(scenario.team_index[t].name for t in waiting)
            if time.monotonic() - self.close_asked > 6:
                self.close_asked = time.monotonic()
                self.notify(f"Still waiting for {names}. Press r again to close orders now: "
                            f"{'they pass' if len(waiting) > 1 else 'it passes'} this turn.",
                            title="Close orders?", severity="warning", timeout=6)
                return
            self.close_asked = 0.0
            if not self.app.close_orders(waiting):  # type: ignore[attr-defined]
                return
            waiting = []
        if waiting:
            scenario = self.app.state.scenario  # type: ignore[attr-defined]
            names = ", ".join(scenario.team_index[t].name for t in waiting)
            self.notify(f"Still waiting for {names}.", severity="warning")
            self._refresh(self.app.state)  # type: ignore[attr-defined]  # a computer's order not journaled: again
            return
        try:
            record = self.app.resolve()  # type: ignore[attr-defined]
        except IllegalOrder as exc:
            self.notify("; ".join(exc.problems) + ". Re-enter those orders.",
                        title="Orders no longer legal after a change", severity="error", timeout=10)
            return
        if record is not None:  # None: not journaled, and said so
            self.app.push_screen(RevealScreen(record))

    def action_hand_over(self) -> None:
        if self.refusal("hand_over") is not None:  # called other than by its key
            self.action_explain("hand_over")
            return
        team = self._highlighted_team()
        if team is None:
            return
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        if not scenario.team_index[team].playable:
            self.notify(f"{scenario.team_index[team].name} is always played by the computer.")
            return
        player = "human" if not self.exercise.is_human(team) else "computer:doctrine"
        if not self.app.set_player(team, player):  # type: ignore[attr-defined]
            return
        who = "people" if player == "human" else "the computer"
        self.notify(f"{scenario.team_index[team].name} is now played by {who}.")
