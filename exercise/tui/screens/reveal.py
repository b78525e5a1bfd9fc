"""The reveal: what each team did, contingencies, chances, consequences, meters before and after."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from exercise.engine import ROOM, TurnRecord, ending_event, project_event, project_record
from exercise.render import describe_order, ending_words, event_line, fmt_number, reason_words
from exercise.tui.text import arrow, signed
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header

SECTIONS = (
    ("Injects and facilitator actions", ("draw", "inject", "override")),
    ("Moves, contingencies and chances", ("move", "contingency", "chance", "hidden")),
    ("Consequences and expected actions", ("rule", "expectation", "clock")),
)


class RevealScreen(Screen):
    """Shown to the whole room: the turn's record projected to the room, and nothing else."""

    HELP = (
        "The reveal shows every team's public moves and rationale, which contingencies held, "
        "chances rolled, the consequences with their causes, and the meters everyone can see, "
        "before and after. Secret moves are not shown; their effects on public meters appear "
        "as an undisclosed development. Enter continues."
    )
    BINDINGS = [Binding("enter", "continue", "Continue", priority=True)]

    def __init__(self, record: TurnRecord) -> None:
        super().__init__()
        self.record = record  # the whole record: projected when shown
        self.shown: TurnRecord | None = None  # the record as the room may see it, once composed

    def compose(self) -> ComposeResult:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        audience = self.app.exercise.room  # type: ignore[attr-defined]
        record = self.shown = project_record(scenario, audience, self.record)
        mine = audience.team  # solo practice: the student's own team, whose order is whole
        yield Header()
        with VerticalScroll(id="reveal"):
            yield Static(f"[b]Reveal — {scenario.turn_label(record.turn)}[/b]", classes="screen-title")
            yield Label("What each team did", classes="section-title")
            lines = []
            for team in scenario.teams:
                order = record.orders.get(team.id)
                if order is None:
                    continue
                nothing = "passed" if team.id == mine else "no public move"
                line = f"[b]{escape(team.name)}[/b]: {escape(describe_order(scenario, order, nothing=nothing))}"
                if order.rationale:
                    line += f"\n    Rationale: “{escape(order.rationale)}”"
                reason = reason_words(order.reason)
                if reason:
                    line += f"\n    Why (computer): {escape(reason)}"
                lines.append(line)
            yield Static("\n".join(lines), id="reveal-orders")
            for title, kinds in SECTIONS:
                chosen = [e for e in record.events if e.kind in kinds]
                if chosen:
                    yield Label(title, classes="section-title")
                    yield Static("\n".join("• " + event_line(scenario, e) for e in chosen), markup=False)
            yield Label("Meters everyone can see" if audience == ROOM else "Meters you can see",
                        classes="section-title")
            yield DataTable(id="reveal-meters", cursor_type="none", show_cursor=False)
            if record.outcome:
                ending = ending_event(state)
                if ending is not None:
                    ending = project_event(scenario, audience, ending)
                title, text, why = ending_words(state, ending)
                yield Label("The exercise ends", classes="section-title")
                yield Static(f"[b]{escape(title)}[/b]\n" + escape("\n".join(p for p in (text.strip(), why) if p)),
                             id="reveal-outcome")
            yield Static("Press Enter to continue.", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app._update_subtitle()  # type: ignore[attr-defined]  # the header names the turn revealed
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        record = self.shown
        assert record is not None
        table = self.query_one("#reveal-meters", DataTable)
        table.add_columns("Meter", "Before", "After", "Change")
        for meter in scenario.meters:
            if meter.id not in record.meters_after:
                continue
            before = record.meters_before[meter.id]
            after = record.meters_after[meter.id]
            table.add_row(meter.label, fmt_number(before), fmt_number(after),
                          f"{arrow(after - before)} {signed(after - before)}")

    def action_continue(self) -> None:
        self.app.show_turn()  # type: ignore[attr-defined]
