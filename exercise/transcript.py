"""Plain-text transcripts of turn records for one audience: what `ttx run` and `ttx replay` print."""

from __future__ import annotations

from collections.abc import Mapping

from exercise.engine.audience import FACILITATOR, Audience, project_record
from exercise.engine.model import Scenario
from exercise.engine.state import State, TurnRecord, ending_event
from exercise.entries import is_computer, level_of
from exercise.render import (  # noqa: F401  (describe_* re-exported for older callers)
    describe_change,
    describe_changes,
    describe_order,
    ending_words,
    event_line,
    fmt_number,
    met_words,
    objective_results,
    reason_words,
)


def who_plays(player: str) -> str:
    """Words for who plays a team: people, a scripted orders file, or the computer at a level."""
    if is_computer(player):
        return f"the computer ({level_of(player)})"
    return "a scripted orders file" if player == "scripted" else "people"


def render_turn(scenario: Scenario, record: TurnRecord, players: Mapping[str, str] | None = None,
                audience: Audience = FACILITATOR) -> str:
    """One turn as the audience may know it (the facilitator: everything)."""
    players = players or {}
    record = project_record(scenario, audience, record)
    lines = [f"== {scenario.turn_label(record.turn)} =="]
    injects = [e for e in record.events if e.kind in ("draw", "inject", "override")]
    if injects:
        lines.append("Injects and facilitator actions")
        lines += [f"  * {event_line(scenario, e)}" for e in injects]
    lines.append("Orders")
    for team in scenario.teams:
        order = record.orders.get(team.id)
        if order is None:
            continue
        player = players.get(team.id, "human")
        who = team.name + (f" ({who_plays(player)})" if player != "human" else "")
        mine = audience.kind == "facilitator" or audience.team == team.id
        line = f"  {who}: {describe_order(scenario, order, nothing='passes' if mine else 'no public move')}"
        if order.rationale:
            line += f' — "{order.rationale}"'
        if order.reason:
            line += f"\n      why: {reason_words(order.reason)}"
        lines.append(line)
    resolution = [e for e in record.events if e.kind in ("move", "contingency", "chance", "hidden")]
    if resolution:
        lines.append("Resolution")
        lines += [f"  {event_line(scenario, e)}" for e in resolution]
    rules = [e for e in record.events if e.kind in ("rule", "expectation", "clock")]
    if rules:
        lines.append("Consequences")
        lines += [f"  ! {event_line(scenario, e)}" for e in rules]
    lines.append("Meters")
    cells = []
    for meter in scenario.meters:
        if meter.id not in record.meters_after:
            continue
        after = record.meters_after[meter.id]
        delta = after - record.meters_before[meter.id]
        cells.append(f"{meter.label} {fmt_number(after)}"
                     + (f" ({'+' if delta > 0 else ''}{fmt_number(delta)})" if delta else ""))
    lines.append("  " + " · ".join(cells))
    return "\n".join(lines)


def render_ending(state: State, audience: Audience = FACILITATOR) -> str:
    from exercise.engine.audience import project_event

    scenario = state.scenario
    ending = ending_event(state)
    if ending is not None:
        ending = project_event(scenario, audience, ending)
    title, text, why = ending_words(state, ending)
    lines = [f"== Outcome: {title} ({scenario.turn_label(state.turn)}) =="]
    if text:
        lines.append(f"  {text}")
    lines.append(f"  ({why})")
    lines.append("Objectives")
    for team, items, points, total in objective_results(state, audience):
        lines.append(f"  {team.name}: {points if points is not None else '?'}/{total} points")
        for objective, met in items:
            lines.append(f"    [{met_words(met).lower()}] {objective.text}")
    return "\n".join(lines)
