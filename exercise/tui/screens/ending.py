"""The ending: the outcome and why, each team's objectives, the debrief, where the journal is."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown

from exercise.engine import Audience, ending_event, knows_names, project_event, project_reason, score
from exercise.render import ending_words, met_words, objective_results, reason_words
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header


def ending_markdown(app) -> str:
    """The ending as the room may know it (in solo practice, as the student's team may)."""
    state = app.state
    scenario = state.scenario
    exercise = app.exercise
    audience = exercise.room
    ending = ending_event(state)
    if ending is not None:
        ending = project_event(scenario, audience, ending)
    title, text, why = ending_words(state, ending)
    lines = [f"# {scenario.title}: the ending", "", f"## {title}", ""]
    if text.strip():
        lines += [text.strip(), ""]
    lines += [why, "", "## Objectives", ""]
    for team, items, points, total in objective_results(state, audience):
        shown = f"{points} of {total} points" if points is not None else f"{total} points at stake, some not shown"
        lines += [f"### {team.name}: {shown}", ""]
        for objective, met in items:
            lines.append(f"- **{met_words(met)}**: {objective.text} ({objective.points} pt)")
        lines.append("")
    if exercise.solo_team is not None:
        lines += solo_debrief(app, exercise.solo_team)
    if scenario.debrief:
        lines += ["## Debrief", ""]
        lines += [f"{i}. {q}" for i, q in enumerate(scenario.debrief, start=1)]
        lines.append("")
    if exercise.journal_path:
        lines += ["## Journal", "", f"Everything that happened is in `{exercise.journal_path}`.",
                  "Press **w** to write the after-action reports beside it (the room's version, safe to hand "
                  "out, and the facilitator's, with everything; Markdown and HTML), or run "
                  f"`ttx report {exercise.journal_path} --format html -o report.html`.", ""]
    return "\n".join(lines)


class EndingScreen(Screen):
    """Shown to the whole room for the debrief: the ending and objectives as the room may know them."""

    HELP = (
        "The outcome and why it was reached (or the facilitator's reason for ending), each team's "
        "objectives met or not, and the scenario's debrief questions. F3 opens the dashboard with "
        "the timeline; the facilitator console (F2) can still undo the last turn. w writes the reports; "
        "Escape puts the exercise away and goes home (resume it from there)."
    )
    BINDINGS = [Binding("w", "write_report", "Write the reports"), Binding("q", "app.quit", "Quit"),
                Binding("escape", "home", "Home")]

    report_paths: tuple = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ending"):
            yield Markdown(ending_markdown(self.app))
        yield KeyFooter()

    def action_write_report(self) -> None:
        exercise = self.app.exercise  # type: ignore[attr-defined]
        if exercise is None or exercise.journal_path is None:
            self.notify("This exercise has no journal to report on.", severity="warning")
            return
        self.notify("Writing the after-action reports (decisive moments take a few seconds)…")
        self.write_report(exercise.session, exercise.journal_path)

    @work(thread=True, exclusive=True)
    def write_report(self, session, journal) -> None:
        """Decisive moments replay the exercise many times: in a worker, so the screen stays live."""
        from exercise.files import FileProblem
        from exercise.report import write_reports

        try:
            paths = tuple(write_reports(session, journal))
        except FileProblem as exc:  # a full disk, a folder made read-only: said, and the screen stays
            self.app.call_from_thread(self.notify, str(exc), title="Cannot write the reports", severity="error",
                                      timeout=15)
            return
        names = ", ".join(p.name for p in paths)
        self.app.call_from_thread(self.notify, f"Wrote {names} beside the journal.",
                                  title="After-action reports", timeout=15)
        self.app.call_from_thread(setattr, self, "report_paths", paths)

    def action_home(self) -> None:
        self.app.close_exercise()  # type: ignore[attr-defined]


def solo_debrief(app, me_id: str) -> list[str]:
    """For a student alone: the turns that decided their score, and the others' reasons as they may read them."""
    exercise = app.exercise
    scenario = exercise.scenario
    session = exercise.session
    me = scenario.team_index[me_id]
    audience = Audience.of(me_id)
    # An objective that reads what the team may not see would tell it, turn by turn, what it cannot see.
    judged = [o for o in me.objectives if knows_names(scenario, audience, o.when.names)]
    lines = [f"## The turns that decided your score ({me.name})", ""]
    previous: dict[str, bool] | None = None
    decided = []
    for turn, state in enumerate(session.turn_states(), start=1):
        met = dict(score(state, me.id).met)
        for objective in judged:
            was = previous[objective.id] if previous is not None else False
            if met[objective.id] != was:
                now = "became met" if met[objective.id] else "was lost"
                decided.append(f"- {scenario.turn_label(turn)}: “{objective.text}” {now}")
        previous = met
    lines += decided or ["- No objective changed during the exercise."]
    lines += ["", "## What the computer teams were thinking, turn by turn", ""]
    for record in session.records:
        lines.append(f"**{scenario.turn_label(record.turn)}**")
        lines.append("")
        for team in scenario.teams:
            order = record.orders.get(team.id)
            if order is None or team.id == me.id:
                continue
            reason = reason_words(project_reason(scenario, audience, order.reason))
            if reason:
                lines.append(f"- {team.name}: {reason}")
        lines.append("")
    return lines
