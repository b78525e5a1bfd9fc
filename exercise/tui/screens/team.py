"""A team's own screen: its private brief and news, what it can see, and its orders; all from its observation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Collapsible, DataTable, Input, Label, SelectionList, Static

from exercise.engine import (
    IllegalOrder,
    Move,
    Observation,
    Order,
    OrderedMove,
    contingency_options,
    move_status,
    view,
)
from exercise.render import event_line, fmt_number, plays_words, value_rows
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.move_list import MoveList
from exercise.tui.text import local_clock
from exercise.tui.widgets.header import Header


RATIONALE_MAX = 500


class TeamScreen(Screen[bool]):
    """Only this team's material is on this screen; it is dismissed before the next team."""

    HELP = (
        "Tick up to your allowed number of moves with Space (arrows to move). The box on the "
        "right explains the highlighted move and its sources. Press c on a ticked move to make "
        "it contingent on another team's move this turn. Write a short rationale, then Ctrl+S "
        "to submit. Moves you cannot play now are listed with the reason. F3 opens the dashboard "
        "as your team may see it."
    )
    # Below 90 columns the moves take the room the brief can spare (the screen gets class -narrow).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit"),
        Binding("c", "contingency", "Contingent"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, team: str, *, entry_by: str = "team") -> None:
        super().__init__()
        self.team_id = team
        self.entry_by = entry_by  # "team" (hot-seat) or "facilitator"
        self.contingencies: dict[str, tuple[str, ...]] = {}

    @property
    def state(self):
        return self.app.state  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel" and self.entry_by == "seat":
            return False  # a seat's team screen is where the team stays for the turn
        return True

    def observation(self) -> Observation:
        """All this screen shows of the exercise: the team's own projection."""
        return view(self.state, self.team_id)

    def compose(self) -> ComposeResult:
        # The frame only: what is in it comes from the team's observation, in load(), so that a
        # seat keeps this screen for the whole exercise and refills it when a new turn opens.
        team = self.state.scenario.team_index[self.team_id]
        yield Header()
        yield Static("", id="team-title", classes="screen-title")
        if self.entry_by == "seat":
            yield Static("", id="seat-status", markup=False)
        with Horizontal(id="team-body"):
            with VerticalScroll(id="team-left"):
                # This turn's private news first; the brief, read at the first turn, then waits folded.
                yield Label("For your eyes only", classes="section-title")
                yield Static("", id="private-events", markup=False)
                with Collapsible(title="Private brief", collapsed=self.state.turn > 1, id="private-brief"):
                    yield Static(team.private_brief.strip() or "(no private brief)", markup=False)
                yield Label("What you can see", classes="section-title")
                yield DataTable(id="team-meters", cursor_type="none", show_cursor=False)
                yield Static("", id="team-flags", markup=False)
            with VerticalScroll(id="team-right"):
                yield Label(f"Your moves: choose up to {team.moves_per_turn}", classes="section-title")
                yield MoveList((), set(), id="moves")
                yield Static("", id="move-detail")
                yield Static("", id="contingency-summary")
                with Collapsible(title="Not available now", collapsed=True, id="unavailable-box"):
                    yield Static("", id="unavailable", markup=False)
                yield Input("", placeholder="Rationale: why these moves? (optional; the room reads it at the reveal)",
                            id="rationale", max_length=RATIONALE_MAX, select_on_focus=False)
                yield Static("", id="rationale-count")
                with Horizontal(classes="buttons"):
                    yield Button("Submit orders", id="submit", variant="primary")
                    if self.entry_by != "seat":  # a seat's screen is the team's for the whole turn
                        yield Button("Cancel", id="cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#team-meters", DataTable).add_columns("Meter", "Value", "Range")
        self.load()

    def reopen(self) -> None:
        """Opened again (TtxApp.kept_screen): the turn's moves, from the order in force if there is one."""
        self.load()

    def load(self) -> None:
        """Fill the screen from the team's observation of the current turn and the order in force.

        Called when the screen is mounted, and by a seat when a new turn opens: refilling the
        widgets in place costs a fraction of building a new screen, which counts when every
        seat of a class turns the page at once.
        """
        # A team's screen is shown: the facilitator's tools ask for the PIN again.
        self.app.lock()  # type: ignore[attr-defined]
        state = self.state
        scenario = state.scenario
        seen = self.observation()
        team = scenario.team_index[self.team_id]
        existing = self.app.exercise.session.pending.get(self.team_id)  # type: ignore[attr-defined]
        self.contingencies = ({om.move: om.contingent_on for om in existing.moves if om.contingent_on}
                              if existing is not None else {})
        chosen = {om.move for om in existing.moves} if existing else set()
        who = " (entered by the facilitator)" if self.entry_by == "facilitator" else ""
        self.query_one("#team-title", Static).update(
            f"[b]{team.name}[/b]{who} — {scenario.turn_label(state.turn)} of {scenario.turns}")
        self.query_one("#private-events", Static).update(self._private_text(seen))
        brief = self.query_one("#private-brief", Collapsible)
        if brief.collapsed != (state.turn > 1):
            brief.collapsed = state.turn > 1
        table = self.query_one("#team-meters", DataTable)
        table.clear()
        visible = seen.meters
        for meter in scenario.meters:
            if meter.id in visible:
                table.add_row(meter.label, fmt_number(visible[meter.id]),
                              f"{fmt_number(meter.min)}–{fmt_number(meter.max)}")
        for _, label, value, bounds in value_rows(scenario, visible, seen.values):
            table.add_row(label, value, bounds)
        flags = [f.label for f in scenario.flags if f.id in seen.flags]
        self.query_one("#team-flags", Static).update("Facts: " + ("; ".join(flags) if flags else "none yet"))
        options = []
        unavailable = []
        for move, why in move_status(state, self.team_id):
            if why is None:
                options.append(move)
            else:
                unavailable.append(f"• {move.label}: {why}")
        moves = self.query_one("#moves", MoveList)
        moves.set_moves(options, chosen)
        self.query_one("#unavailable-box", Collapsible).title = f"Not available now ({len(unavailable)})"
        self.query_one("#unavailable", Static).update("\n".join(unavailable) or "Every move is available.")
        self.query_one("#rationale", Input).value = existing.rationale if existing else ""
        moves.focus()
        self._update_detail()
        self._update_contingencies()
        self._count()
        if self.entry_by == "seat":
            self.update_seat_status()

    def update_seat_status(self) -> None:
        """At a seat: whose order is in force for the team, who is at the table, which teams are in (never what)."""
        from exercise.render import describe_order

        session = self.app.exercise.session  # type: ignore[attr-defined]
        scenario = self.state.scenario
        entry = session.submitted(self.team_id)
        if entry is None:
            mine = "Your team's orders: not sent yet."
        else:
            by = f" by {entry.by}" if entry.by else ""
            mine = (f"Your team's orders: ✓ in, sent{by} at {local_clock(entry.at)}: "
                    f"{describe_order(scenario, entry.order, nothing='pass')}. Anyone at your table can "
                    "change them until the facilitator closes orders.")
        present = getattr(self.app, "present", {}).get(self.team_id, [])
        table = f"At your table: {', '.join(present)}." if present else ""
        waiting = set(session.waiting_for())
        others = " · ".join(f"{t.name} {'… deliberating' if t.id in waiting else '✓ in'}"
                            for t in scenario.teams if t.id != self.team_id)
        text = f"{mine} {table}\nOther teams: {others}"
        if text != getattr(self, "_seat_status", None):  # a change of text only: no relayout, no full redraw
            self._seat_status = text
            self.query_one("#seat-status", Static).update(text, layout=False)  # its height is fixed

    def _private_text(self, seen: Observation) -> str:
        """The news addressed to this team (its projection keeps only what it may read)."""
        scenario = self.state.scenario
        lines = [event_line(scenario, e, with_turn=True) for e in seen.events
                 if e.audience is not None and self.team_id in e.audience]
        return "\n".join(lines) if lines else "Nothing private yet."

    def on_key(self, event) -> None:
        """Words typed while the move list has the focus go to the rationale, not to its keys.

        Only Space (tick) and c (contingent) act on the list; any other letter, digit or sign
        moves to the rationale and is typed there.
        """
        moves = self.query_one("#moves", SelectionList)
        char = event.character
        if (self.focused is moves and char and char.isprintable() and char not in (" ", "c")
                and event.key not in ("enter", "tab")):
            rationale = self.query_one("#rationale", Input)
            rationale.focus()
            rationale.insert_text_at_cursor(char)
            event.stop()
            event.prevent_default()

    @on(Input.Changed, "#rationale")
    def _count(self) -> None:
        """The limit, shown while typing: the rationale is public at the reveal, and stops at 500 characters."""
        length = len(self.query_one("#rationale", Input).value)
        note = "Public: the whole room reads it at the reveal."
        full = " That is the limit." if length >= RATIONALE_MAX else ""
        self.query_one("#rationale-count", Static).update(f"{length} / {RATIONALE_MAX} characters. {note}{full}")

    def _changed_since_opened(self) -> bool:
        """Whether anything on this screen differs from the order in force (or from nothing)."""
        existing = self.app.exercise.session.pending.get(self.team_id)  # type: ignore[attr-defined]
        try:
            order = self.build_order()
        except Exception:
            return False
        if existing is None:
            return bool(order.moves or order.rationale)
        return (order.moves, order.rationale) != (existing.moves, existing.rationale)

    @on(SelectionList.SelectionHighlighted, "#moves")
    def _highlighted(self) -> None:
        self._update_detail()

    @on(SelectionList.SelectedChanged, "#moves")
    def _changed(self) -> None:
        selected = set(self.query_one("#moves", SelectionList).selected)
        for move in list(self.contingencies):
            if move not in selected:
                del self.contingencies[move]
        self._update_contingencies()

    def _highlighted_move(self) -> Move | None:
        moves = self.query_one("#moves", SelectionList)
        if moves.highlighted is None or not moves.option_count:
            return None
        option = moves.get_option_at_index(moves.highlighted)
        return self.state.scenario.move_index[option.value]

    def _update_detail(self) -> None:
        move = self._highlighted_move()
        detail = self.query_one("#move-detail", Static)
        if move is None:
            detail.update("No move is available to you this turn: submit to pass.")
            return
        lines = [f"[b]{move.label}[/b]", move.description.strip() or "(no description)"]
        notes = []
        if move.secret:
            notes.append("secret: other teams will not see that you played it")
        if move.chance is not None:
            notes.append(f"succeeds with a {move.chance:.0%} chance")
        elif move.gamble:
            notes.append("succeeds by chance, with odds that depend on the situation")
        if move.once:
            notes.append("can be played once only")
        if move.cooldown:
            notes.append(f"then unavailable for {move.cooldown} turn(s)")
        if notes:
            lines.append("; ".join(notes).capitalize() + ".")
        scenario = self.state.scenario
        for citation in move.sources:
            source = next((s for s in scenario.sources if s.id == citation.source), None)
            name = source.title if source else citation.source
            lines.append(f"Source: {name}" + (f" — “{citation.quote}”" if citation.quote else ""))
        detail.update("\n".join(lines))

    def _update_contingencies(self) -> None:
        """Say in words what will be submitted: the ticks are not the only sign of a choice."""
        scenario = self.state.scenario
        parts = []
        for move_id in self.query_one("#moves", SelectionList).selected:
            text = f"“{scenario.move_index[move_id].label}”"
            others = self.contingencies.get(move_id, ())
            if others:
                text += " only if " + " and ".join(plays_words(scenario, o) for o in others)
            parts.append(text)
        limit = scenario.team_index[self.team_id].moves_per_turn
        over = f" — too many: choose at most {limit}" if len(parts) > limit else ""
        self.query_one("#contingency-summary", Static).update(
            f"Your orders ({len(parts)} of {limit}{over}): " + "; ".join(parts) if parts
            else "Your orders: none ticked yet (submitting now passes this turn)."
        )

    def action_contingency(self) -> None:
        from exercise.tui.screens.contingency import ContingencyScreen

        move = self._highlighted_move()
        if move is None:
            return
        moves = self.query_one("#moves", SelectionList)
        if move.id not in moves.selected:
            moves.select(move.id)

        def done(result: tuple[str, ...] | None) -> None:
            if result is None:
                return
            if result:
                self.contingencies[move.id] = result
            else:
                self.contingencies.pop(move.id, None)
            self._update_contingencies()

        options = contingency_options(self.state, self.team_id)
        self.app.push_screen(
            ContingencyScreen(self.state.scenario, move, options, self.contingencies.get(move.id, ())), done
        )

    def build_order(self) -> Order:
        selected = self.query_one("#moves", SelectionList).selected
        # Keep the file's order of moves: it is the order in which they resolve.
        ordered = [m.id for m in self.state.scenario.moves_by_team[self.team_id] if m.id in selected]
        moves = tuple(OrderedMove(m, self.contingencies.get(m, ())) for m in ordered)
        rationale = self.query_one("#rationale", Input).value.strip()
        return Order(self.team_id, moves, rationale)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        order = self.build_order()
        if not order.moves:
            from exercise.tui.screens.confirm import ConfirmScreen

            rationale = " (the rationale is kept)" if order.rationale else ""
            self.app.push_screen(
                ConfirmScreen("No move is ticked: submitting now means your team passes this turn"
                              f"{rationale}. Pass?", "Pass this turn", "Choose moves"),
                lambda yes: self._submit(order) if yes else None)
            return
        self._submit(order)

    def _submit(self, order: Order) -> None:
        try:
            submitted = self.app.submit(order)  # type: ignore[attr-defined]
        except IllegalOrder as exc:
            self.notify("; ".join(exc.problems), title="These orders cannot be accepted", severity="error")
            return
        if not submitted:  # not journaled, and said so: what is ticked stays, to submit again
            return
        if self.entry_by == "seat":
            self.notify("Your team's orders are in. Anyone at your table can change them until the "
                        "facilitator closes orders.", title="Submitted")
            self.update_seat_status()
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.entry_by == "seat":
            return
        if not self._changed_since_opened():
            self.dismiss(False)
            return
        from exercise.tui.screens.confirm import ConfirmScreen

        kept = ("the orders already submitted stay as they were"
                if self.app.exercise.session.pending.get(self.team_id) is not None  # type: ignore[attr-defined]
                else "nothing is submitted")
        self.app.push_screen(ConfirmScreen(f"Leave without submitting? What you ticked here is lost; {kept}.",
                                           "Leave", "Stay"), lambda yes: self.dismiss(False) if yes else None)
