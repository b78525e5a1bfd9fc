"""The ending: the outcome and why, each team's objectives, the debrief, where the journal is."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from exercise.engine import ENDED_BY_FACILITATOR, score


def ending_markdown(app) -> str:
    state = app.state
    scenario = state.scenario
    exercise = app.exercise
    lines = [f"# {scenario.title}: the ending", ""]
    if state.outcome == ENDED_BY_FACILITATOR:
        reason = next((e.detail for e in reversed(state.pending) if e.kind == "outcome"), "")
        lines += ["## Ended by the facilitator", "", reason, ""]
    else:
        outcome = next(o for o in scenario.outcomes if o.id == state.outcome)
        lines += [f"## {outcome.title}", "", outcome.text.strip(), ""]
        if outcome.when is not None:
            lines += [f"Reached on {scenario.turn_label(state.turn)}, because `{outcome.when.source}`.", ""]
        else:
            lines += [f"Reached at the end of {scenario.turn_label(state.turn)}.", ""]
    lines += ["## Objectives", ""]
    for team in scenario.teams:
        if not team.objectives:
            continue
        result = score(state, team.id)
        lines += [f"### {team.name}: {result.points} of {result.total} points", ""]
        for objective, (_, met) in zip(team.objectives, result.met):
            lines.append(f"- **{'Met' if met else 'Not met'}**: {objective.text} ({objective.points} pt)")
        lines.append("")
    if exercise.mode == "solo":
        lines += solo_debrief(app)
    if scenario.debrief:
        lines += ["## Debrief", ""]
        lines += [f"{i}. {q}" for i, q in enumerate(scenario.debrief, start=1)]
        lines.append("")
    if exercise.journal_path:
        lines += ["## Journal", "", f"Everything that happened is in `{exercise.journal_path}`.",
                  "Press **w** to write the after-action report (Markdown and HTML) beside it, or run "
                  f"`ttx report {exercise.journal_path} --format html -o report.html`.", ""]
    return "\n".join(lines)


class EndingScreen(Screen):
    """Shown to the whole room for the debrief."""

    HELP = (
        "The outcome and why it was reached, each team's objectives met or not, and the "
        "scenario's debrief questions. F3 opens the dashboard with the full timeline; "
        "the facilitator console (F2) can still undo the last turn."
    )
    BINDINGS = [Binding("w", "write_report", "Write the report"), Binding("q", "app.quit", "Quit"),
                Binding("escape", "home", "Home")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ending"):
            yield Markdown(ending_markdown(self.app))
        yield Footer()

    def action_write_report(self) -> None:
        exercise = self.app.exercise  # type: ignore[attr-defined]
        if exercise is None or exercise.journal_path is None:
            self.notify("This exercise has no journal to report on.", severity="warning")
            return
        self.notify("Writing the after-action report (decisive moments take a few seconds)…")
        self.write_report(exercise.session, exercise.journal_path)

    @work(thread=True, exclusive=True)
    def write_report(self, session, journal) -> None:
        """Decisive moments replay the exercise many times: in a worker, so the screen stays live."""
        from exercise.report import build, markdown, to_html

        data = build(session)
        md, page = journal.with_suffix(".report.md"), journal.with_suffix(".report.html")
        md.write_text(markdown(data), encoding="utf-8")
        page.write_text(to_html(data), encoding="utf-8")
        self.app.call_from_thread(self.notify, f"Wrote {md} and {page}.", title="After-action report", timeout=15)
        self.app.call_from_thread(setattr, self, "report_paths", (md, page))

    report_paths: tuple = ()

    def action_home(self) -> None:
        self.app._reset_to_home()  # type: ignore[attr-defined]


def solo_debrief(app) -> list[str]:
    """For a student alone: the turns that decided their score, and the others' reasons."""
    exercise = app.exercise
    scenario = exercise.scenario
    session = exercise.session
    me = next((t for t in scenario.teams if exercise.is_human(t.id)), None)
    if me is None:
        return []
    lines = [f"## The turns that decided your score ({me.name})", ""]
    before = session.turn_states()
    previous = None
    decided = []
    for turn, state in enumerate(before, start=1):
        met = dict(score(state, me.id).met)
        if previous is not None:
            for objective in me.objectives:
                if met[objective.id] != previous[objective.id]:
                    now = "became met" if met[objective.id] else "was lost"
                    decided.append(f"- {scenario.turn_label(turn)}: “{objective.text}” {now}")
        elif any(met.values()):
            for objective in me.objectives:
                if met[objective.id]:
                    decided.append(f"- {scenario.turn_label(turn)}: “{objective.text}” became met")
        previous = met
    lines += decided or ["- No objective changed during the exercise."]
    lines += ["", "## What the computer teams were thinking, turn by turn", ""]
    for record in session.records:
        lines.append(f"**{scenario.turn_label(record.turn)}**")
        lines.append("")
        for team in scenario.teams:
            order = record.orders.get(team.id)
            if order is not None and order.reason and team.id != me.id:
                lines.append(f"- {team.name}: {order.reason}")
        lines.append("")
    return lines
