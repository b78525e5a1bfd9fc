"""The reveal: what each team did, contingencies, chances, consequences, meters before and after."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from exercise.engine import TurnRecord
from exercise.transcript import describe_order, fmt_number
from exercise.tui.text import arrow, event_line, public_events, public_reason, signed


class RevealScreen(Screen):
    """Shown to the whole room: secret moves stay hidden, as the scenario says."""

    HELP = (
        "The reveal shows every team's public moves and rationale, which contingencies held, "
        "chances rolled, the consequences with their causes, and the meters everyone can see, "
        "before and after. Secret moves are not shown; their effects on public meters appear "
        "as an undisclosed development. Enter continues."
    )
    BINDINGS = [Binding("enter", "continue", "Continue", priority=True)]

    def __init__(self, record: TurnRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        record = self.record
        events = public_events(state, record.events)
        yield Header()
        with VerticalScroll(id="reveal"):
            yield Static(f"[b]Reveal — {scenario.turn_label(record.turn)}[/b]", classes="screen-title")
            yield Label("What each team did", classes="section-title")
            lines = []
            for team in scenario.teams:
                order = record.orders.get(team.id)
                if order is None:
                    continue
                public_moves = [om for om in order.moves if not scenario.move_index[om.move].secret]
                hidden = len(order.moves) - len(public_moves)
                shown = describe_order(scenario, type(order)(team.id, tuple(public_moves), order.rationale))
                if not order.moves:
                    shown = "passed"
                elif not public_moves:
                    shown = "no public move"
                line = f"[b]{team.name}[/b]: {shown}"
                if hidden:
                    line += f" (+{hidden} secret move{'s' if hidden > 1 else ''})"
                if order.rationale:
                    line += f"\n    Rationale: “{order.rationale}”"
                reason = public_reason(scenario, order) if order.reason else ""
                if reason:
                    line += f"\n    Why (computer): {reason}"
                lines.append(line)
            yield Static("\n".join(lines), id="reveal-orders")
            sections = [
                ("Injects and facilitator actions", ("inject", "override")),
                ("Moves, contingencies and chances", ("move", "contingency", "chance", "hidden")),
                ("Consequences", ("rule",)),
            ]
            for title, kinds in sections:
                chosen = [e for e in events if e.kind in kinds]
                if chosen:
                    yield Label(title, classes="section-title")
                    yield Static("\n".join("• " + event_line(scenario, e) for e in chosen))
            yield Label("Meters everyone can see", classes="section-title")
            yield DataTable(id="reveal-meters", cursor_type="none", show_cursor=False)
            if record.outcome:
                outcome = next(o for o in scenario.outcomes if o.id == record.outcome)
                yield Label("The exercise ends", classes="section-title")
                yield Static(f"[b]{outcome.title}[/b]\n{outcome.text}", id="reveal-outcome")
            yield Static("Press Enter to continue.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        table = self.query_one("#reveal-meters", DataTable)
        table.add_columns("Meter", "Before", "After", "Change")
        for meter in scenario.meters:
            if meter.visible_to is not None:
                continue
            before = self.record.meters_before[meter.id]
            after = self.record.meters_after[meter.id]
            table.add_row(meter.label, fmt_number(before), fmt_number(after),
                          f"{arrow(after - before)} {signed(after - before)}")

    def action_continue(self) -> None:
        self.app.show_turn()  # type: ignore[attr-defined]
