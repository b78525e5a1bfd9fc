"""Words for people, made from engine data: the one renderer of events, orders, reasons and endings.

Every surface (screens, transcripts, reports) takes its words from here, after the engine
has projected what it shows to its audience. Nothing outside this module turns an event
into words, and nothing reads words back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exercise.engine.conditions import Condition
from exercise.engine.explain import NOT_SHOWN, explain
from exercise.engine.model import Scenario
from exercise.engine.state import Change, Event, Order, ReasonPart, State


def fmt_number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_change(scenario: Scenario, change: Change) -> str:
    if change.kind == "meter":
        label = scenario.meter_index[change.id].label
        delta = change.amount
        sign = "+" if delta > 0 else ""
        if change.before is None:  # a projection: the delta alone
            return f"{label} {sign}{fmt_number(delta)}"
        return f"{label} {sign}{fmt_number(delta)} ({fmt_number(change.before)} → {fmt_number(change.after)})"
    label = scenario.flag_index[change.id].label
    return f"{label}: {'now true' if change.after else 'no longer true'}"


def describe_changes(scenario: Scenario, changes: Iterable[Change]) -> str:
    return "; ".join(describe_change(scenario, c) for c in changes)


def team_name(scenario: Scenario, team: str | None) -> str:
    return scenario.team_index[team].name if team in scenario.team_index else ""


def move_label(scenario: Scenario, move: str) -> str:
    return scenario.move_index[move].label


def plays_words(scenario: Scenario, move: str) -> str:
    """“Pyongyang plays ‘Declare the inventory’”."""
    found = scenario.move_index[move]
    return f"{team_name(scenario, found.team)} plays “{found.label}”"


def describe_order(scenario: Scenario, order: Order, *, nothing: str = "passes") -> str:
    if not order.moves:
        return nothing
    parts = []
    for om in order.moves:
        text = move_label(scenario, om.move)
        if om.contingent_on:
            text += " (only if " + " and ".join(plays_words(scenario, m) for m in om.contingent_on) + ")"
        parts.append(text)
    return "; ".join(parts)


def value_rows(scenario: Scenario, meters: Mapping[str, float],
               values: Mapping[str, float]) -> list[tuple[str, str, str, str]]:
    """Estimates and clocks an audience sees, as (id, label, value, range) rows beside its meters.

    `meters` are the meters the same audience sees: an estimate's spread is shown only when
    the audience may see it (a number, or a noise meter it sees).
    """
    rows = []
    for estimate in scenario.estimates:
        if estimate.id not in values:
            continue
        meter = scenario.meter_index[estimate.of]
        spread = meters.get(estimate.noise_meter) if estimate.noise_meter else estimate.noise
        words = f"about {fmt_number(values[estimate.id])}" + (f" (± {fmt_number(spread)})" if spread else "")
        rows.append((estimate.id, estimate.label, words, f"{fmt_number(meter.min)}–{fmt_number(meter.max)}"))
    for clock in scenario.clocks:
        if clock.id not in values:
            continue
        left = int(values[clock.id])
        rows.append((clock.id, clock.label, f"{left} turn{'s' if left != 1 else ''} left" if left else "not running", ""))
    return rows


def open_items(state: State) -> list[str]:
    """For the facilitator: expected actions still open, clocks running, estimates against the truth."""
    scenario = state.scenario
    lines = []
    for inject_id, deadline in state.awaiting:
        expected = scenario.inject_index[inject_id].expected
        who = f" of {team_name(scenario, expected.team)}" if expected.team else ""
        left = deadline - state.turn + 1
        lines.append(f"Expected{who}: {expected.text} — by the end of {scenario.turn_label(deadline)} "
                     f"({left} turn{'s' if left != 1 else ''} left, this one included)")
    for clock in scenario.clocks:
        left = int(state.values.get(clock.id, 0))
        if left:
            lines.append(f"Clock: {clock.label}, {left} turn{'s' if left != 1 else ''} left, this one included")
    for estimate in scenario.estimates:
        if estimate.id in state.values:
            lines.append(f"Estimate: {estimate.label} reads {fmt_number(state.values[estimate.id])}; "
                         f"the true value is {fmt_number(state.meters[estimate.of])}")
    return lines


def reason_words(parts: Iterable[ReasonPart]) -> str:
    return "; ".join(p.text for p in parts)


def audience_names(scenario: Scenario, teams: Iterable[str]) -> str:
    return ", ".join(team_name(scenario, t) for t in sorted(teams, key=scenario.team_order.get))


def event_text(scenario: Scenario, event: Event) -> str:
    """What happened, in one sentence, without its cause or changes."""
    kind = event.kind
    if kind == "move":
        return move_label(scenario, event.move)
    if kind == "contingency":
        label = move_label(scenario, event.move)
        if event.carried_out:
            partners = ", ".join(move_label(scenario, m) for m in event.partners)
            return f"{label}: carried out together with {partners}"
        missing = scenario.move_index[event.missing]
        return (f"{label}: not carried out, because {team_name(scenario, missing.team)} did not play "
                f"“{missing.label}” this turn")
    if kind == "chance":
        move = scenario.move_index[event.move]
        written = move.success_text if event.success else move.failure_text
        return written or f"{move.label}: {'succeeded' if event.success else 'failed'}"
    if kind == "rule":
        return scenario.rule_index[event.cause.id].message
    if kind == "inject":
        if event.cause.kind == "inject":
            return scenario.inject_index[event.cause.id].title
        return event.title
    if kind == "override":
        change = event.changes[0] if event.changes else None
        if change is None:
            return "The facilitator adjusted the exercise"
        if change.kind == "meter":
            label = scenario.meter_index[change.id].label
            if change.after is None:  # a projection keeps the change, not the values around it
                return f"The facilitator adjusted {label}"
            return f"{label} set to {fmt_number(change.after)}"
        return f"{scenario.flag_index[change.id].label}: {'set' if change.after else 'cleared'}"
    if kind == "outcome":
        return outcome_title(scenario, event)
    if kind == "expectation":
        inject = scenario.inject_index[event.cause.id]
        who = f" of {team_name(scenario, event.team)}" if event.team else ""
        return f"Expected{who}: {inject.expected.text}: {'done' if event.success else 'missed'}"
    if kind == "draw":
        draw = next((d for d in scenario.draws if d.id == event.cause.id), None)
        option = scenario.flag_index.get(event.option or "")
        if draw is None or option is None:
            return "A hidden draw"
        return f"{draw.label}: {option.label}"
    if kind == "clock":
        clock = scenario.clock_index[event.cause.id]
        if event.phase == "started":
            return f"{clock.label} starts: {clock.turns} turn{'s' if clock.turns != 1 else ''} to go"
        if event.phase == "stopped":
            return f"{clock.label} stopped"
        return f"{clock.label} has run out"
    return "An undisclosed development"


def chance_words(event: Event) -> str:
    """A chance's draw in words, as far as the projection left it ("chance 30%, drew 0.12: success")."""
    result = "success" if event.success else "failure"
    if event.chance is None or event.roll is None:
        return result
    return f"chance {event.chance:.0%}, drew {event.roll:.2f}: {result}"


def inject_body(scenario: Scenario, event: Event) -> str:
    """A scenario inject's body text, shown wherever its title is (a facilitator's own is its detail)."""
    if event.kind == "inject" and event.cause.kind == "inject":
        inject = scenario.inject_index[event.cause.id]
        body = inject.text.strip().rstrip(".") + "." if inject.text.strip() else ""
        if inject.expected is not None:
            who = f"{team_name(scenario, inject.expected.team)} is" if inject.expected.team else "Expected:"
            turns = inject.expected.within
            by = "this turn" if turns == 1 else f"within {turns} turns"
            body += (" " if body else "") + f"{who} expected to act {by}: {inject.expected.text}."
        return body
    return ""


def outcome_title(scenario: Scenario, event: Event) -> str:
    title = scenario.outcome_index[event.outcome].title if event.outcome in scenario.outcome_index else ""
    if event.forced:
        return f"Ended by the facilitator: {title}" if title else "Ended by the facilitator"
    return title


def condition_words(scenario: Scenario, event: Event) -> str:
    """The condition that made the event happen, in plain words ("Tension is 80 or more").

    The event carries the condition's source text (blank where there is none); the words
    come from the scenario's compiled condition for the event's cause, each part naming
    what the projection marked unseen said as "something not shown". They are the source
    text itself when the scenario has no such condition any more, unless part of it is
    unseen.
    """
    if not event.condition:
        return ""
    unseen = event.unseen
    for condition in _conditions_of(scenario, event):
        if condition is not None and condition.source == event.condition:
            if not unseen:
                return explain(condition, scenario)
            return explain(condition, scenario, lambda names: not (names & unseen))
    return NOT_SHOWN if unseen else event.condition


def because(scenario: Scenario, event: Event) -> str:
    """“because Trust is 55 or more”, or "" when the event carries no condition."""
    words = condition_words(scenario, event)
    if not words:
        return ""
    return "because of something not shown" if words == NOT_SHOWN else f"because {words}"


def _conditions_of(scenario: Scenario, event: Event) -> tuple[Condition | None, ...]:
    kind, ident = event.cause.kind, event.cause.id
    if kind == "rule" and ident in scenario.rule_index:
        return (scenario.rule_index[ident].when,)
    if kind == "inject" and ident in scenario.inject_index:
        inject = scenario.inject_index[ident]
        if event.kind == "expectation":
            return (inject.expected.when,) if inject.expected is not None else ()
        return (inject.when,)
    if kind == "outcome" and ident in scenario.outcome_index:
        return (scenario.outcome_index[ident].when,)
    clock = scenario.clock_index.get(ident) if kind == "clock" else None
    if clock is not None:
        return (clock.starts_when, clock.stops_when)
    return ()


def missed_words(scenario: Scenario, inject_id: str) -> str:
    """Why an inject came for a missed expectation: what was expected, when one inject every team
    was told of expected it ("because Washington did not act in time: …")."""
    expecting = [i for i in scenario.injects if i.expected is not None and i.expected.if_missed == inject_id]
    if len(expecting) != 1 or expecting[0].to is not None:
        return "because an expected action was missed"
    expected = expecting[0].expected
    who = team_name(scenario, expected.team)
    what = expected.text.strip().rstrip(".")
    return f"because {who} did not act in time: {what}" if who else f"because this was not done in time: {what}"


def event_detail(scenario: Scenario, event: Event) -> str:
    """The how and why of an event, in words, or "" (what the projection left of it)."""
    kind = event.kind
    if kind == "chance":
        return chance_words(event)
    if kind == "rule":
        return because(scenario, event)
    if kind == "inject":
        if event.trigger == "facilitator":
            if event.cause.kind == "facilitator":
                return event.text or "written by the facilitator"
            return "fired by the facilitator"
        if event.trigger == "missed":
            return missed_words(scenario, event.cause.id)
        if event.trigger == "deadline":
            clock = next((c for c in scenario.clocks if c.deadline == event.cause.id), None)
            if clock is None or clock.id in event.unseen:  # a clock this audience may not see
                return "because a deadline passed"
            return f"because {clock.label} ran out"
        if event.trigger == "triggered":
            return because(scenario, event) or "triggered"
        if event.trigger == "scheduled":
            return f"scheduled for turn {event.turn}"
        return ""
    if kind == "clock":
        if event.phase == "expired" and event.cause.id in scenario.clock_index:
            turns = scenario.clock_index[event.cause.id].turns
            return "its one turn is up" if turns == 1 else f"its {turns} turns are up"
        return because(scenario, event)
    if kind == "expectation":
        if event.success:
            return because(scenario, event)
        return f"not done by the end of {scenario.turn_label(event.turn)}"
    if kind in ("override",):
        return f"reason: {event.reason}" if event.reason else ""
    if kind == "outcome":
        if event.forced:
            return f"reason: {event.reason}" if event.reason else "no reason given"
        return because(scenario, event)
    return ""


def event_line(scenario: Scenario, event: Event, *, with_turn: bool = False, private_mark: bool = True) -> str:
    """One line for an event: what, why, and what changed."""
    prefix = f"T{event.turn} " if with_turn else ""
    team = team_name(scenario, event.team)
    what = event_text(scenario, event)
    detail = event_detail(scenario, event)
    if event.kind == "move":
        text = f"{team}: {what}"
    elif event.kind == "contingency":
        text = f"{team}, contingency: {what}"
    elif event.kind == "chance":
        text = f"{team}, chance: {what} ({detail})"
    elif event.kind == "rule" and event.success is False:
        text = f"Held but did not come to pass: {what} ({chance_words(event)})"
    elif event.kind == "inject" and event.success is False:
        text = f"Inject held back by chance: {what} ({chance_words(event)})"
    elif event.kind == "rule":
        text = f"Consequence: {what}" + (f" ({detail})" if detail else "")
        if event.success and event.chance is not None:
            text += f" ({chance_words(event)})"
    elif event.kind == "inject":
        body = inject_body(scenario, event)
        joint = " " if what[-1:] in ".?!" else ". "
        sender = scenario.inject_index[event.cause.id].sender if event.cause.kind == "inject" else ""
        text = (f"Inject from {sender}: " if sender else "Inject: ") + what + (f"{joint}{body}" if body else "") + (
            f" — {detail}" if detail else "")
    elif event.kind == "expectation":
        text = what + (f" ({detail})" if detail else "")
    elif event.kind == "override":
        text = f"Facilitator: {what}" + (f" ({detail})" if detail else "")
    elif event.kind == "clock":
        text = f"Clock: {what}" + (f" ({detail})" if detail else "")
    elif event.kind == "outcome":
        text = f"Ending: {what}" + (f" ({detail})" if detail else "")
    else:
        text = what
    if private_mark and event.audience is not None:
        names = audience_names(scenario, event.audience)
        text += f" [private: {names}]" if names else " [facilitator only]"
    elif private_mark and event.move is not None and scenario.move_index[event.move].secret:
        text += " [secret]"
    if event.changes:
        text += f" → {describe_changes(scenario, event.changes)}"
    return prefix + text


def ending_words(state: State, ending: Event | None) -> tuple[str, str, str]:
    """The ending's title, its text, and why it came about (or who chose it)."""
    scenario = state.scenario
    outcome = scenario.outcome_index.get(state.outcome or "")
    if ending is not None and ending.forced:
        title = outcome.title if outcome is not None else "Ended by the facilitator"
        text = outcome.text if outcome is not None else ""
        reason = ending.reason or "no reason given"
        why = (f"Ended by the facilitator on {scenario.turn_label(state.turn)}: {reason}."
               + (" The facilitator chose this ending; it was not reached by play." if outcome is not None else ""))
        return title, text, why
    if outcome is None:
        return "Not finished", "", "The exercise is still in progress."
    cause = because(scenario, ending) if ending is not None else ""
    if cause:
        why = f"Reached on {scenario.turn_label(state.turn)}, {cause}."
    elif outcome.at_end and state.turn >= scenario.turns:
        why = (f"Reached at the end of {scenario.turn_label(state.turn)}, the last turn, "
               "when no other ending had come about.")
    else:
        why = f"Reached at the end of {scenario.turn_label(state.turn)}."
    return outcome.title, outcome.text, why


def objective_results(state: State, audience) -> list[tuple]:
    """Each team's objectives as the audience may judge them: (team, [(objective, met or None)], points or None, total).

    An objective whose condition reads what the audience may not see (a hidden meter, another
    team's secret move) is given as None, and then so are the team's points.
    """
    from exercise.engine.audience import knows_names
    from exercise.engine.state import score

    scenario = state.scenario
    out = []
    for team in scenario.teams:
        if not team.objectives:
            continue
        result = score(state, team.id)
        items = []
        for objective, (_, met) in zip(team.objectives, result.met):
            items.append((objective, met if knows_names(scenario, audience, objective.when.names) else None))
        points = result.points if all(m is not None for _, m in items) else None
        out.append((team, items, points, result.total))
    return out


def met_words(met: bool | None) -> str:
    return "Met" if met else "Not met" if met is not None else "Not shown (it depends on what only some teams see)"
