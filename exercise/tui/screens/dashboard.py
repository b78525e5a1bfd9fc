"""The dashboard: every meter with its history, the facts, the turn, and the timeline."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from exercise.transcript import fmt_number
from exercise.tui.text import PUBLIC, all_events, event_line, meter_history, sparkline


class DashboardScreen(Screen):
    """Public by default, safe to project; v shows everything, for the facilitator's eyes."""

    HELP = (
        "Meters with their value, bounds and history (one bar per turn, ▁ low to █ high), "
        "the facts that hold, and a timeline of everything that happened. The timeline can be "
        "filtered by team. By default only what every team may see is shown; press v to show "
        "hidden meters and secret moves too (facilitator only). Escape goes back."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("v", "toggle_all", "Show all / public"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False

    def compose(self) -> ComposeResult:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static("", id="dash-title", classes="screen-title")
            yield Label("Meters", classes="section-title")
            yield DataTable(id="dash-meters", cursor_type="row", zebra_stripes=True)
            yield Label("Facts", classes="section-title")
            yield Static("", id="dash-flags")
            with Horizontal(id="timeline-head"):
                yield Label("Timeline", classes="section-title")
                yield Select([("Every team", "")] + [(t.name, t.id) for t in scenario.teams],
                             value="", allow_blank=False, id="timeline-filter")
            yield Static("", id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "state", lambda _: self.refresh_all(), init=False)
        self.refresh_all()
        self.query_one("#dash-meters", DataTable).focus()

    def refresh_all(self) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        if state is None:
            return
        scenario = state.scenario
        mode = "everything (facilitator view)" if self.show_all else "what every team can see"
        clock = self.app.clock  # type: ignore[attr-defined]
        self.query_one("#dash-title", Static).update(
            f"[b]Dashboard[/b] — {scenario.turn_label(state.turn)} of {scenario.turns}"
            + (f" — {clock}" if clock else "") + f" — showing {mode}"
        )
        table = self.query_one("#dash-meters", DataTable)
        table.clear(columns=True)
        table.add_columns("Meter", "Value", "Range", "History", "Seen by")
        for meter in scenario.meters:
            if meter.visible_to is not None and not self.show_all:
                continue
            history = meter_history(state, meter.id)
            seen = "everyone" if meter.visible_to is None else ", ".join(
                scenario.team_index[t].name for t in sorted(meter.visible_to))
            table.add_row(meter.label, fmt_number(state.meters[meter.id]),
                          f"{fmt_number(meter.min)}–{fmt_number(meter.max)}",
                          sparkline(history, meter.min, meter.max), seen)
        flags = [f for f in scenario.flags if f.id in state.flags and (self.show_all or f.visible_to is None)]
        self.query_one("#dash-flags", Static).update(
            "\n".join(f"✓ {f.label}" for f in flags) or "None of the scenario's facts holds yet."
        )
        self.refresh_timeline()

    @on(Select.Changed, "#timeline-filter")
    def refresh_timeline(self) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        team = self.query_one("#timeline-filter", Select).value
        from exercise.engine import visible_events

        events = all_events(state)
        if not self.show_all:
            events = visible_events(events, PUBLIC, scenario)
        if team:
            events = [e for e in events if e.team == team or (e.audience and team in e.audience)
                      or (e.team is None and e.audience is None)]
        lines = [event_line(scenario, e, with_turn=True) for e in events]
        self.query_one("#timeline", Static).update("\n".join(lines) or "Nothing has happened yet.")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_all()

    def action_back(self) -> None:
        self.app.pop_screen()
