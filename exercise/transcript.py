"""Plain-text rendering of turn records: the transcript `ttx run` prints."""

from __future__ import annotations

from collections.abc import Mapping

from exercise.engine import Change, Event, Order, Scenario, State, TurnRecord, score


def fmt_number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_change(scenario: Scenario, change: Change) -> str:
    if change.kind == "meter":
        label = scenario.meter_index[change.id].label
        delta = change.after - change.before
        sign = "+" if delta > 0 else ""
        return f"{label} {sign}{fmt_number(delta)} ({fmt_number(change.before)} → {fmt_number(change.after)})"
    label = scenario.flag_index[change.id].label
    return f"{label}: {'now true' if change.after else 'no longer true'}"


def describe_changes(scenario: Scenario, changes: tuple[Change, ...]) -> str:
    return "; ".join(describe_change(scenario, c) for c in changes)


def describe_order(scenario: Scenario, order: Order) -> str:
    if not order.moves:
        return "passes"
    parts = []
    for om in order.moves:
        text = scenario.move_index[om.move].label
        if om.contingent_on:
            conditions = " and ".join(
                f"{scenario.team_index[scenario.move_index[m].team].name} plays "
                f"'{scenario.move_index[m].label}'"
                for m in om.contingent_on
            )
            text += f" (only if {conditions})"
        parts.append(text)
    return "; ".join(parts)


def _audience(scenario: Scenario, event: Event) -> str:
    if event.audience is None:
        return ""
    names = ", ".join(scenario.team_index[t].name for t in sorted(event.audience, key=scenario.team_order.get))
    return f" [to {names} only]"


def render_turn(scenario: Scenario, record: TurnRecord, players: Mapping[str, str] | None = None) -> str:
    players = players or {}
    lines = [f"== {scenario.turn_label(record.turn)} =="]
    injects = [e for e in record.events if e.kind in ("inject", "override")]
    if injects:
        lines.append("Injects and facilitator actions")
        for e in injects:
            if e.kind == "override":
                line = f"  * Facilitator: {e.text} (reason: {e.detail})"
            else:
                line = f"  * {e.text}{_audience(scenario, e)}"
                if e.detail:
                    line += f" ({e.detail})"
            if e.changes:
                line += f": {describe_changes(scenario, e.changes)}"
            lines.append(line)
    lines.append("Orders")
    for team in scenario.teams:
        order = record.orders.get(team.id)
        if order is None:
            continue
        who = team.name + (f" ({players[team.id]})" if players.get(team.id, "human") != "human" else "")
        line = f"  {who}: {describe_order(scenario, order)}"
        if order.rationale:
            line += f' — "{order.rationale}"'
        if order.reason:
            line += f"\n      why: {order.reason}"
        lines.append(line)
    resolution = [e for e in record.events if e.kind in ("move", "contingency", "chance")]
    if resolution:
        lines.append("Resolution")
        for e in resolution:
            team = scenario.team_index[e.team].name if e.team else ""
            secret = " [secret]" if e.audience is not None else ""
            if e.kind == "move":
                line = f"  {team}: {e.text}{secret}"
            elif e.kind == "contingency":
                line = f"  {team}, contingency: {e.text}{secret}"
            else:
                line = f"  {team}, chance: {e.text} ({e.detail}){secret}"
            if e.changes:
                line += f" → {describe_changes(scenario, e.changes)}"
            lines.append(line)
    rules = [e for e in record.events if e.kind == "rule"]
    if rules:
        lines.append("Consequences")
        for e in rules:
            line = f"  ! {e.text}{_audience(scenario, e)} ({e.detail})"
            if e.changes:
                line += f" → {describe_changes(scenario, e.changes)}"
            lines.append(line)
    lines.append("Meters")
    cells = []
    for meter in scenario.meters:
        after = record.meters_after[meter.id]
        delta = after - record.meters_before[meter.id]
        cells.append(f"{meter.label} {fmt_number(after)}" + (f" ({'+' if delta > 0 else ''}{fmt_number(delta)})" if delta else ""))
    lines.append("  " + " · ".join(cells))
    return "\n".join(lines)


def render_ending(state: State) -> str:
    scenario = state.scenario
    outcome = next(o for o in scenario.outcomes if o.id == state.outcome)
    lines = [f"== Outcome: {outcome.title} ({scenario.turn_label(state.turn)}) ==", f"  {outcome.text}"]
    if outcome.when is not None:
        lines.append(f"  (because {outcome.when.source})")
    lines.append("Objectives")
    for team in scenario.teams:
        if not team.objectives:
            continue
        s = score(state, team.id)
        lines.append(f"  {team.name}: {s.points}/{s.total} points")
        for objective, (_, met) in zip(team.objectives, s.met):
            lines.append(f"    [{'met' if met else 'not met'}] {objective.text}")
    return "\n".join(lines)
