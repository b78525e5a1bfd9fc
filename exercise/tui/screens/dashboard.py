"""The dashboard: every meter with its history, the facts, the turn, and the timeline, for one audience."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from exercise.engine import FACILITATOR, Audience, Observation, observe
from exercise.render import audience_names, event_line, fmt_number, value_rows
from exercise.tui.keys import Refusals, explained
from exercise.tui.text import meter_history, sparkline
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header


def audience_words(scenario, audience: Audience) -> str:
    """Whose view the dashboard shows: always the audience it observes, never its seat."""
    if audience.kind == "facilitator":
        return "everything (facilitator view)"
    if audience.kind == "team":
        return f"what {scenario.team_index[audience.team].name} can see"
    return "what every team can see"


class DashboardScreen(Refusals, Screen):
    """Shows one audience's observation and nothing else; v shows everything, from the facilitator's screens only."""

    HELP = (
        "Meters with their value, bounds and history (one bar per turn, ▁ low to █ high), "
        "the facts that hold, and a timeline of everything that happened. The timeline can be "
        "filtered by team. Opened from the turn screen, the reveal or the ending it shows what "
        "every team may see, and v shows hidden meters and secret moves too (facilitator only, "
        "and after the facilitator PIN if one was set); opened from a team's screen it shows what "
        "that team may see. Escape goes back."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("v", "full_view", "Full view"),
        Binding("v", "projected_view", "Room's view"),
        explained("v", "full_view"),
    ]

    def __init__(self, audience: Audience, seat: Audience, *, full_view: bool = False) -> None:
        super().__init__()
        self.base = audience  # what it shows by default
        self.audience = audience  # what it shows now
        self.seat = seat  # who may be looking: decides what opens from here
        self.full_view = full_view  # whether v may show everything

    def compose(self) -> ComposeResult:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static("", id="dash-title", classes="screen-title")
            yield Label("Meters", classes="section-title")
            yield DataTable(id="dash-meters", cursor_type="row", zebra_stripes=True)
            yield Label("Facts", classes="section-title")
            yield Static("", id="dash-flags", markup=False)
            with Horizontal(id="timeline-head"):
                yield Label("Timeline", classes="section-title")
                yield Select([("Every team", "")] + [(t.name, t.id) for t in scenario.teams],
                             value="", allow_blank=False, id="timeline-filter")
            yield Static("", id="timeline", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        # Kept for the exercise (TtxApp.kept_screen): follows the state while shown, refilled when opened again.
        self.watch(self.app, "state", lambda _: self.refresh_all() if self.is_current else None, init=False)
        self.refresh_all()
        self.query_one("#dash-meters", DataTable).focus()

    def reopen(self) -> None:
        """Opened again: its own audience's view (never the full view left on), from the top."""
        self.audience = self.base
        self.refresh_all()
        self.refresh_bindings()
        self.query_one("#dashboard", VerticalScroll).scroll_home(animate=False)
        self.query_one("#dash-meters", DataTable).focus()

    def observation(self) -> Observation | None:
        state = self.app.state  # type: ignore[attr-defined]
        return None if state is None else observe(state, self.audience)

    def refresh_all(self) -> None:
        seen = self.observation()
        if seen is None:
            return
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        clock = self.app.clock  # type: ignore[attr-defined]
        where = "ended" if seen.outcome else f"{scenario.turn_label(seen.turn)} of {scenario.turns}"
        self.query_one("#dash-title", Static).update(
            f"[b]Dashboard[/b] — {where}" + (f" — {clock}" if clock else "")
            + f" — showing {audience_words(scenario, self.audience)}"
        )
        table = self.query_one("#dash-meters", DataTable)
        table.clear(columns=True)
        table.add_columns("Meter", "Value", "Range", "History", "Seen by")
        for meter in scenario.meters:
            if meter.id not in seen.meters:
                continue
            who = "everyone" if meter.visible_to is None else audience_names(scenario, meter.visible_to)
            table.add_row(meter.label, fmt_number(seen.meters[meter.id]),
                          f"{fmt_number(meter.min)}–{fmt_number(meter.max)}",
                          sparkline(meter_history(seen, meter.id), meter.min, meter.max), who)
        for ident, label, value, bounds in value_rows(scenario, seen.meters, seen.values):
            item = scenario.estimate_index.get(ident) or scenario.clock_index[ident]
            who = "everyone" if item.visible_to is None else audience_names(scenario, item.visible_to)
            table.add_row(label, value, bounds, "", who)
        flags = [f for f in scenario.flags if f.id in seen.flags]
        self.query_one("#dash-flags", Static).update(
            "\n".join(f"✓ {f.label}" for f in flags) or "None of the scenario's facts holds yet."
        )
        self.refresh_timeline()

    @on(Select.Changed, "#timeline-filter")
    def refresh_timeline(self) -> None:
        seen = self.observation()
        if seen is None:
            return
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        team = self.query_one("#timeline-filter", Select).value
        events = list(seen.events)
        if team:
            events = [e for e in events if e.team == team or (e.audience and team in e.audience)
                      or (e.team is None and e.audience is None)]
        lines = [event_line(scenario, e, with_turn=True) for e in events]
        self.query_one("#timeline", Static).update("\n".join(lines) or "Nothing has happened yet.")

    def refusal(self, action: str) -> str | None:
        if action == "full_view" and not self.full_view:
            solo = self.app.exercise is not None and self.app.exercise.mode == "solo"  # type: ignore[attr-defined]
            return ("Solo practice shows only what your team may see." if solo else
                    "The full view is the facilitator's: it opens from the turn screen's dashboard.")
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # v offers the view it switches to: the full view, or back to the room's.
        if action == "full_view" and self.audience == FACILITATOR:
            return False
        if action == "projected_view":
            return self.audience != self.base
        return super().check_action(action, parameters)

    def action_full_view(self) -> None:
        if self.refusal("full_view") is not None:  # called other than by its key
            self.action_explain("full_view")
            return
        self.app.as_facilitator(lambda: self._show(FACILITATOR), "show the full view")  # type: ignore[attr-defined]

    def action_projected_view(self) -> None:
        self._show(self.base)

    def _show(self, audience: Audience) -> None:
        self.audience = audience
        self.refresh_all()
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()
