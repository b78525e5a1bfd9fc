"""Who may know what: audiences, and the projection of events, orders, records and states to one.

Every surface (screens, transcripts, reports, computer players) receives a projection made
here, never the state itself. The rules are those of scenarios/README.md, "Who sees what":

- a hidden meter's value and changes reach only the teams it names (and the facilitator);
  a hidden fact likewise;
- the result of a chance reaches only those who may see everything either result changes;
- a secret move, and anything that would tell whether it was played (its contingency and
  chance, a consequence whose condition names it, a rationale given only with secret moves,
  a computer player's reason that mentions it), reaches only its team and the facilitator;
- a private inject or consequence reaches the teams it is addressed to;
- what an audience may not see but which moved something it can see is shown as "an
  undisclosed development" with only the changes it may see;
- the room (the projector) is every team at once: it sees only what every team may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from exercise.engine.model import Scenario
from exercise.engine.state import (
    UNDISCLOSED,
    Change,
    Event,
    History,
    Order,
    OrderedMove,
    Play,
    ReasonPart,
    State,
    TurnRecord,
    legal_moves,
)


@attrs.frozen
class Audience:
    """A team, the room (the projector: what every team may see), or the facilitator (everything)."""

    kind: str  # "team", "room" or "facilitator"
    team: str | None = None

    @classmethod
    def of(cls, team: str) -> Audience:
        found = _TEAM_AUDIENCES.get(team)
        if found is None:
            found = _TEAM_AUDIENCES[team] = cls("team", team)
        return found

    def __str__(self) -> str:
        return self.team if self.kind == "team" and self.team else self.kind


_TEAM_AUDIENCES: dict[str, Audience] = {}
ROOM = Audience("room")
FACILITATOR = Audience("facilitator")


def parse_audience(text: str, scenario: Scenario) -> Audience:
    """`room`, `facilitator` or a team id; a ValueError naming the choices otherwise."""
    from exercise.engine.words import suggest

    if text == "room":
        return ROOM
    if text == "facilitator":
        return FACILITATOR
    if text in scenario.team_index:
        return Audience.of(text)
    choices = ["room", "facilitator", *scenario.team_index]
    raise ValueError(f"unknown audience '{text}'{suggest(text, choices)} (choose {', '.join(choices)})")


# -- what an audience may know -----------------------------------------------------------------
def sees_meter(scenario: Scenario, audience: Audience, meter: str) -> bool:
    if audience.kind == "facilitator":
        return True
    visible_to = scenario.meter_index[meter].visible_to
    return visible_to is None or (audience.kind == "team" and audience.team in visible_to)


def sees_flag(scenario: Scenario, audience: Audience, flag: str) -> bool:
    if audience.kind == "facilitator":
        return True
    visible_to = scenario.flag_index[flag].visible_to
    return visible_to is None or (audience.kind == "team" and audience.team in visible_to)


def sees_value(scenario: Scenario, audience: Audience, name: str) -> bool:
    """Whether the audience sees an estimate or a clock."""
    if audience.kind == "facilitator":
        return True
    estimate = scenario.estimate_index.get(name)
    if estimate is not None:
        return audience.kind == "team" and audience.team in estimate.visible_to
    clock = scenario.clock_index.get(name)
    if clock is not None:
        if clock.visible_to is not None and not (audience.kind == "team" and audience.team in clock.visible_to):
            return False
        # a clock started or stopped by a secret move would tell, by its turns left, that it was played
        names = clock.starts_when.names | (clock.stops_when.names if clock.stops_when is not None else frozenset())
        return all(knows_move(scenario, audience, m) for m in secret_moves_named(scenario, names))
    return True


def sees_change(scenario: Scenario, audience: Audience, change: Change) -> bool:
    if change.kind == "meter":
        return sees_meter(scenario, audience, change.id)
    return sees_flag(scenario, audience, change.id)


def knows_move(scenario: Scenario, audience: Audience, move: str) -> bool:
    """Whether the audience would learn that this move was played."""
    if audience.kind == "facilitator":
        return True
    found = scenario.move_index[move]
    return not found.secret or (audience.kind == "team" and audience.team == found.team)


def secret_moves_named(scenario: Scenario, names: Iterable[str]) -> frozenset[str]:
    """The secret moves a set of names (move ids and tags, as in a condition) refers to."""
    named = scenario.secret_named
    out: frozenset[str] = frozenset()
    for name in names:
        found = named.get(name)
        if found:
            out |= found
    return out


def knows_names(scenario: Scenario, audience: Audience, names: Iterable[str]) -> bool:
    """Whether every meter, fact and move (or tag) among `names` is known to the audience."""
    if audience.kind == "facilitator":
        return True
    names = frozenset(names)
    for name in names:
        if name in scenario.meter_index and not sees_meter(scenario, audience, name):
            return False
        if name in scenario.flag_index and not sees_flag(scenario, audience, name):
            return False
        if (name in scenario.estimate_index or name in scenario.clock_index) and not sees_value(scenario, audience,
                                                                                                name):
            return False
    return all(knows_move(scenario, audience, m) for m in secret_moves_named(scenario, names))


def _addressed(event: Event, audience: Audience) -> bool:
    if audience.kind == "facilitator" or event.audience is None:
        return True
    return audience.kind == "team" and audience.team in event.audience


def _condition_names(scenario: Scenario, event: Event) -> frozenset[str]:
    kind, ident = event.cause.kind, event.cause.id
    if kind == "rule":
        rule = scenario.rule_index.get(ident)
        return rule.when.names if rule is not None else frozenset()
    if event.kind == "expectation":
        inject = scenario.inject_index.get(ident)
        return inject.expected.when.names if inject is not None and inject.expected is not None else frozenset()
    if kind == "inject" and event.condition:
        inject = scenario.inject_index.get(ident)
        return inject.when.names if inject is not None and inject.when is not None else frozenset()
    if kind == "outcome":
        outcome = scenario.outcome_index.get(ident)
        return outcome.when.names if outcome is not None and outcome.when is not None else frozenset()
    if kind == "clock":
        clock = scenario.clock_index.get(ident)
        if clock is None:
            return frozenset()
        return (clock.starts_when.names | clock.stops_when.names) if clock.stops_when else clock.starts_when.names
    return frozenset()


def _chance_names(scenario: Scenario, event: Event) -> frozenset[str]:
    """What the probability of a chance depends on, when it is an expression of the state."""
    kind, ident = event.cause.kind, event.cause.id
    expression = None
    if event.kind == "chance" and event.move is not None:
        expression = scenario.move_index[event.move].chance_expr
    elif kind == "rule" and ident in scenario.rule_index:
        chance = scenario.rule_index[ident].chance
        expression = chance.expression if chance is not None else None
    elif kind == "inject" and ident in scenario.inject_index:
        chance = scenario.inject_index[ident].chance
        expression = chance.expression if chance is not None else None
    return expression.names if expression is not None else frozenset()


def _visible(scenario: Scenario, audience: Audience, event: Event) -> bool:
    """Whether the audience may see the event itself (not only some of what it changed)."""
    visible = _addressed(event, audience)
    if visible and event.move is not None:
        visible = knows_move(scenario, audience, event.move)
    if visible and event.kind == "chance":
        # Whether a chance succeeded tells what it changed: shown only to those who may see
        # everything either result changes.
        visible = _sees_effects(scenario, audience, scenario.move_index[event.move])
    if visible and event.kind in ("rule", "expectation", "clock"):
        # A consequence whose condition names a secret move would tell whether it was played.
        names = _condition_names(scenario, event)
        visible = all(knows_move(scenario, audience, m) for m in secret_moves_named(scenario, names))
    if visible and event.kind == "override":
        visible = all(sees_change(scenario, audience, c) for c in event.changes)
    return visible


def project_event(scenario: Scenario, audience: Audience, event: Event) -> Event | None:
    """The event as the audience may see it, a stand-in for what it may not, or None."""
    if audience.kind == "facilitator":
        return event
    visible = _visible(scenario, audience, event)
    names = _condition_names(scenario, event)
    shown = tuple(c for c in event.changes if sees_change(scenario, audience, c))
    if not visible:
        if not shown:
            return None
        return Event("hidden", UNDISCLOSED, event.turn, changes=shown)
    changes = {}
    if len(shown) != len(event.changes):
        changes["changes"] = shown
    if event.condition and not knows_names(scenario, audience, names):
        # The condition stays, with what the audience may not see named: its words say the
        # rest and put "something not shown" for those parts.
        changes["unseen"] = frozenset(n for n in names if not knows_names(scenario, audience, (n,)))
    if event.kind == "inject" and event.trigger == "deadline":
        # The clock whose deadline it was is named in the inject's words ("because … ran out"):
        # an audience that may not see the clock reads only that a deadline passed.
        clock = next((c for c in scenario.clocks if c.deadline == event.cause.id), None)
        if clock is not None and not knows_names(scenario, audience, (clock.id,)):
            changes["unseen"] = frozenset({clock.id})
    if event.chance is not None and event.kind != "draw" and not knows_names(scenario, audience,
                                                                             _chance_names(scenario, event)):
        # a probability computed from what the audience may not see would tell it
        changes["chance"] = None
        changes["roll"] = None
    return attrs.evolve(event, **changes) if changes else event


def _sees_effects(scenario: Scenario, audience: Audience, move) -> bool:
    for effects in (move.success, move.failure):
        if not all(sees_meter(scenario, audience, m) for m, _ in effects.meters):
            return False
        if not all(sees_flag(scenario, audience, f) for f in effects.set | effects.clear):
            return False
    return True


def project_events(scenario: Scenario, audience: Audience, events: Iterable[Event]) -> list[Event]:
    """The events the audience may see, in order, each turn's undisclosed changes merged into one.

    For a team or the room, what it may not see but which moved what it can see becomes a single
    "undisclosed development" per turn, after that turn's other events, and meter changes carry
    only their delta: neither the place of an undisclosed change among the others nor running
    values can tell whose it was.
    """
    if audience.kind == "facilitator":
        return list(events)
    out: list[Event] = []
    hidden: dict[int, dict[tuple[str, str], Change]] = {}
    last: dict[int, int] = {}
    for event in events:
        projected = project_event(scenario, audience, event)
        if projected is None:
            continue
        if projected.kind == "hidden":
            merged = hidden.setdefault(projected.turn, {})
            for change in projected.changes:
                key = (change.kind, change.id)
                if change.kind == "meter":
                    earlier = merged.get(key)
                    total = (earlier.delta if earlier else 0) + change.amount
                    merged[key] = Change("meter", change.id, None, None, total)
                else:
                    first = merged.get(key)
                    merged[key] = Change("flag", change.id, first.before if first else change.before, change.after)
            continue
        out.append(_deltas(projected))
        last[projected.turn] = len(out)
    for turn in sorted(hidden, reverse=True):
        order = {m.id: i for i, m in enumerate(scenario.meters)}
        changes = tuple(sorted((c for c in hidden[turn].values() if c.kind != "meter" or c.delta),
                               key=lambda c: (c.kind != "meter", order.get(c.id, 0), c.id)))
        changes = tuple(c for c in changes if c.kind == "meter" or c.before != c.after)
        if changes:
            out.insert(last.get(turn, len(out)), Event("hidden", UNDISCLOSED, turn, changes=changes))
    return out


def _deltas(event: Event) -> Event:
    """The event with its meter changes given as deltas only."""
    if not any(c.kind == "meter" and c.before is not None for c in event.changes):
        return event
    changes = tuple(Change("meter", c.id, None, None, c.after - c.before) if c.kind == "meter" and c.before is not None
                    else c for c in event.changes)
    return attrs.evolve(event, changes=changes)


def project_reason(scenario: Scenario, audience: Audience, parts: Iterable[ReasonPart]) -> tuple[ReasonPart, ...]:
    """The parts of a computer player's reason the audience may read."""
    if audience.kind == "facilitator":
        return tuple(parts)
    out = []
    for part in parts:
        if part.private:
            continue
        if not all(knows_move(scenario, audience, m) for m in part.moves):
            continue
        if not all(sees_meter(scenario, audience, m) for m in part.meters):
            continue
        if not all(sees_flag(scenario, audience, f) for f in part.flags):
            continue
        out.append(part)
    return tuple(out)


def project_order(scenario: Scenario, audience: Audience, order: Order) -> Order:
    """The order as the audience may see it: known moves only; the rationale with public moves only.

    A rationale is read out with the moves it came with: given with no public move (only
    secret moves, or a pass), it reaches the team itself and the facilitator only, so that
    the others cannot tell a pass from a secret move.
    """
    if audience.kind == "facilitator" or (audience.kind == "team" and audience.team == order.team):
        return order
    moves = tuple(
        OrderedMove(om.move, tuple(p for p in om.contingent_on if knows_move(scenario, audience, p)))
        for om in order.moves
        if knows_move(scenario, audience, om.move)
    )
    rationale = order.rationale if moves else ""
    return Order(order.team, moves, rationale, project_reason(scenario, audience, order.reason))


_PER_RECORD: dict[tuple[str, int, Audience], tuple[TurnRecord, Any]] = {}


def _per_record(what: str, audience: Audience, record: TurnRecord, make: Callable[[], Any]) -> Any:
    """`make()`, once per record and audience: a record never changes, and a computer player
    observes the whole history every turn. The record is kept with it, so its id is not reused."""
    key = (what, id(record), audience)
    hit = _PER_RECORD.get(key)
    if hit is not None and hit[0] is record:
        return hit[1]
    if len(_PER_RECORD) > 40_000:
        _PER_RECORD.clear()
    found = make()
    _PER_RECORD[key] = (record, found)
    return found


def project_record(scenario: Scenario, audience: Audience, record: TurnRecord) -> TurnRecord:
    """The record as the audience may know it (computed once per record and audience)."""
    if audience.kind == "facilitator":
        return record
    return _per_record("projected", audience, record, lambda: _project_record(scenario, audience, record))


def _told(scenario: Scenario, audience: Audience, record: TurnRecord) -> frozenset[str]:
    """The rules, injects and run-out clocks of a record that the audience was told of."""
    return _per_record("told", audience, record, lambda: frozenset(
        e.cause.id for e in record.events
        if (e.cause.kind in ("rule", "inject") or (e.kind == "clock" and e.phase == "expired"))
        and _visible(scenario, audience, e)))


def _project_record(scenario: Scenario, audience: Audience, record: TurnRecord) -> TurnRecord:
    meters = [m.id for m in scenario.meters if sees_meter(scenario, audience, m.id)]
    return TurnRecord(
        turn=record.turn,
        orders=MappingProxyType({t: project_order(scenario, audience, o) for t, o in record.orders.items()}),
        executed=tuple(m for m in record.executed if knows_move(scenario, audience, m)),
        events=tuple(project_events(scenario, audience, record.events)),
        meters_before=MappingProxyType({m: record.meters_before[m] for m in meters}),
        meters_after=MappingProxyType({m: record.meters_after[m] for m in meters}),
        outcome=record.outcome,
    )


# -- observations ------------------------------------------------------------------------------
@attrs.frozen
class Observation:
    """What one audience may know of an exercise: all a screen, a report or a computer player gets.

    No seed and no state: chance is the audience's own business.
    """

    audience: Audience
    turn: int
    meters: Mapping[str, float]
    flags: frozenset[str]
    plays: tuple[Play, ...]  # the plays it may know of, in order
    told: frozenset[str]  # rules and injects it was told of
    records: tuple[TurnRecord, ...]  # the resolved turns, projected
    pending: tuple[Event, ...]  # this turn's events so far, projected
    outcome: str | None
    legal: tuple = ()  # a team's observation: the moves it may order now
    values: Mapping[str, float] = MappingProxyType({})  # the estimates and clocks it sees

    @property
    def team(self) -> str | None:
        return self.audience.team

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far as the audience sees it."""
        return tuple(e for r in self.records for e in r.events) + self.pending


def observe(state: State, audience: Audience, history: bool = True, records: bool = True) -> Observation:
    """The projection of a whole state to an audience.

    With `history=False`, the past (records, this turn's events, plays, what it was told) is left
    out: less to know, for a player that decides from the present alone, and much less to compute.
    """
    scenario = state.scenario
    if not history and audience.kind == "team" and audience.team in scenario.visible_meters:
        team = audience.team
        meters = state.meters
        return Observation(
            audience, state.turn, MappingProxyType({m: meters[m] for m in scenario.visible_meters[team]}),
            state.flags & scenario.visible_flags[team], (), frozenset(), (), (), state.outcome,
            legal_moves(state, team), _values_seen(state, audience),
        )
    if not history:
        return Observation(
            audience=audience, turn=state.turn,
            meters=MappingProxyType({m.id: state.meters[m.id] for m in scenario.meters
                                     if sees_meter(scenario, audience, m.id)}),
            flags=frozenset(f for f in state.flags if sees_flag(scenario, audience, f)),
            plays=(), told=frozenset(), records=(), pending=(), outcome=state.outcome,
            legal=legal_moves(state, audience.team) if audience.kind == "team" and audience.team else (),
            values=_values_seen(state, audience),
        )
    if audience.kind == "facilitator":
        told = frozenset(state.history.fired)
        return Observation(audience, state.turn, state.meters, state.flags, state.history.plays, told,
                           state.records, state.pending, state.outcome, values=state.values)
    if not records and audience.kind == "team":
        # What it was told, without projecting every record for a player that reads only that
        # (the same set: the events `project_events` would keep whole, by the same test).
        told = frozenset().union(*(_told(scenario, audience, r) for r in state.records)) | frozenset(
            e.cause.id for e in state.pending if e.cause.kind in ("rule", "inject") and _visible(scenario, audience, e))
        projected: tuple[TurnRecord, ...] = ()
        pending: tuple[Event, ...] = ()
    else:
        projected = tuple(project_record(scenario, audience, r) for r in state.records)
        pending = tuple(project_events(scenario, audience, state.pending))
        told = frozenset(
            e.cause.id for r in projected for e in r.events if e.cause.kind in ("rule", "inject")
        ) | frozenset(e.cause.id for e in pending if e.cause.kind in ("rule", "inject"))
        told |= frozenset(e.cause.id for r in projected for e in r.events
                          if e.kind == "clock" and e.phase == "expired")
    return Observation(
        audience=audience,
        turn=state.turn,
        meters=MappingProxyType({m.id: state.meters[m.id] for m in scenario.meters
                                 if sees_meter(scenario, audience, m.id)}),
        flags=frozenset(f for f in state.flags if sees_flag(scenario, audience, f)),
        plays=tuple(p for p in state.history.plays if knows_move(scenario, audience, p.move)),
        told=told,
        records=projected,
        pending=pending,
        outcome=state.outcome,
        legal=legal_moves(state, audience.team) if audience.kind == "team" and audience.team else (),
        values=_values_seen(state, audience),
    )


def _values_seen(state: State, audience: Audience) -> Mapping[str, float]:
    if not state.values:
        return state.values
    scenario = state.scenario
    key = ("values hidden", audience.kind, audience.team)
    hidden = scenario.derived.get(key)
    if hidden is None:
        hidden = scenario.derived[key] = frozenset(name for name in (*scenario.estimate_index, *scenario.clock_index)
                                                   if not sees_value(scenario, audience, name))
    return MappingProxyType({k: v for k, v in state.values.items() if k not in hidden})


_NOTHING: Mapping[str, float] = MappingProxyType({})


def legal_view(state: State, team: str) -> Observation:
    """A team's observation reduced to the moves it may order now: all a player that only picks
    among them needs (less than the team may know, never more)."""
    return Observation(Audience.of(team), state.turn, _NOTHING, frozenset(), (), frozenset(), (), (), state.outcome,
                       legal_moves(state, team))


def view(state: State, team: str, history: bool = True, records: bool = True) -> Observation:
    """A team's observation: what a team screen shows and all a computer player is given.

    `records=False`: the past as plays and what the team was told of, without the projected
    records and this turn's events (for a player that reads no more)."""
    return observe(state, Audience.of(team), history, records)


def belief_state(scenario: Scenario, observation: Observation, seed: int) -> State:
    """A full state built from an observation alone, for a computer player to simulate with.

    What the audience cannot see is replaced by what it would assume: a hidden meter it has an
    estimate of at that estimate, other hidden meters and facts at their starting values (so no
    option of a hidden draw it was not told), estimates and clocks it does not see at their
    meter's start and 0, other teams' secret moves never played, only the rules and injects it
    was told of as fired. `seed` is the player's own: its what-if chances never
    draw the real game's numbers.
    """
    meters = {m.id: observation.meters.get(m.id, m.start) for m in scenario.meters}
    values = {}
    for estimate in scenario.estimates:
        seen = observation.values.get(estimate.id)
        if seen is not None and estimate.of not in observation.meters:
            meters[estimate.of] = seen
        values[estimate.id] = seen if seen is not None else scenario.meter_index[estimate.of].start
    clocks = []
    for clock in scenario.clocks:
        values[clock.id] = left = observation.values.get(clock.id, 0)
        if left:
            clocks.append((clock.id, observation.turn + left - 1, "running"))
    audience = observation.audience
    hidden_flags = frozenset(f.id for f in scenario.flags
                             if f.start and not sees_flag(scenario, audience, f.id))
    history = History().with_plays(list(observation.plays), scenario).with_fired(sorted(observation.told))
    return State(
        scenario=scenario,
        seed=seed,
        turn=observation.turn,
        meters=MappingProxyType(meters),
        flags=frozenset(observation.flags) | hidden_flags,
        history=history,
        outcome=observation.outcome,
        values=MappingProxyType(values) if values else MappingProxyType({}),
        clocks=tuple(clocks),
    )


def contingency_options(state: State, team: str) -> tuple:
    """The moves of other teams that `team` may make one of its moves contingent on, now.

    Only public moves (whether a secret move was played is never learnt). A move is left out
    when the team can tell it cannot be played this turn: once-only and already played, or
    cooling down (public history), or a requirement that names only what the team can see and
    does not hold. A requirement that reads something hidden from the team is not judged:
    leaving the move out would tell the team what it may not see.
    """
    from exercise.engine.state import _why_not

    scenario = state.scenario
    me = Audience.of(team)
    out = []
    for other in scenario.teams:
        if other.id == team:
            continue
        for move in scenario.moves_by_team.get(other.id, ()):
            if move.secret:
                continue
            hidden = move.requires is not None and not knows_names(scenario, me, move.requires.names)
            if hidden:
                probe = attrs.evolve(move, requires=None)
                if _why_not(state, probe, state.history, words=False) is not None:
                    continue
            elif _why_not(state, move, state.history, words=False) is not None:
                continue
            out.append(move)
    return tuple(out)
