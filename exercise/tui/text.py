"""Plain words for events, causes and meters, shared by the screens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exercise.engine import Event, Scenario, State, visible_events
from exercise.transcript import describe_changes, fmt_number

PUBLIC = "__public__"  # a viewer in no team's audience: what the whole room may see
BARS = "▁▂▃▄▅▆▇█"


def cause_words(scenario: Scenario, event: Event) -> str:
    """Why something happened, in plain words."""
    kind, _, ident = event.cause.partition(":")
    if kind == "move":
        move = scenario.move_index[ident]
        return f"{scenario.team_index[move.team].name} played “{move.label}”"
    if kind == "rule":
        return "consequence"
    if kind == "inject":
        return "inject"
    if kind == "outcome":
        return "ending"
    if event.cause == "facilitator":
        return "facilitator"
    return "undisclosed"


def event_line(scenario: Scenario, event: Event, *, with_turn: bool = False) -> str:
    """One line for an event: what, why, and what changed."""
    prefix = f"T{event.turn} " if with_turn else ""
    team = scenario.team_index[event.team].name if event.team else ""
    if event.kind == "move":
        text = f"{team}: {event.text}"
    elif event.kind == "contingency":
        text = f"{team}, contingency: {event.text}"
    elif event.kind == "chance":
        text = f"{team}, chance: {event.text} ({event.detail})"
    elif event.kind == "rule":
        text = f"Consequence: {event.text}"
    elif event.kind == "inject":
        text = f"Inject: {event.text}"
        if event.detail and event.cause == "facilitator":
            text += f" — {event.detail}"
    elif event.kind == "override":
        text = f"Facilitator: {event.text} (reason: {event.detail})"
    elif event.kind == "outcome":
        text = f"Ending: {event.text}"
    else:
        text = event.text
    if event.audience is not None:
        names = ", ".join(scenario.team_index[t].name for t in sorted(event.audience))
        text += f" [private: {names}]"
    if event.changes:
        text += f" → {describe_changes(scenario, event.changes)}"
    return prefix + text


def public_events(state: State, events: Iterable[Event]) -> list[Event]:
    return visible_events(events, PUBLIC, state.scenario)


def all_events(state: State) -> list[Event]:
    return [e for r in state.records for e in r.events] + list(state.pending)


def sparkline(values: Sequence[float], low: float, high: float) -> str:
    """A text sparkline scaled to the meter's bounds, one character per turn."""
    span = (high - low) or 1
    out = []
    for v in values:
        index = int((v - low) / span * (len(BARS) - 1) + 0.5)
        out.append(BARS[max(0, min(len(BARS) - 1, index))])
    return "".join(out)


def meter_history(state: State, meter_id: str) -> list[float]:
    """The meter's value at the start and after each resolved turn."""
    if not state.records:
        return [state.meters[meter_id]]
    values = [state.records[0].meters_before[meter_id]]
    values += [r.meters_after[meter_id] for r in state.records]
    if state.pending:
        values.append(state.meters[meter_id])
    return values


def signed(delta: float) -> str:
    if not delta:
        return "±0"
    return ("+" if delta > 0 else "−") + fmt_number(abs(delta))


def arrow(delta: float) -> str:
    """Direction in a symbol too, so meaning never rests on colour alone."""
    return "▲" if delta > 0 else "▼" if delta < 0 else "="


def public_reason(scenario: Scenario, order) -> str:
    """A computer player's reason with every part that would reveal a secret move left out."""
    secret = [scenario.move_index[om.move].label for om in order.moves if scenario.move_index[om.move].secret]
    parts = [p for p in order.reason.split("; ") if not any(label in p for label in secret)]
    return "; ".join(parts)
