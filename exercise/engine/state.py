"""The dynamic half: state, orders, events, and the pure turn resolution over them."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from exercise.engine.model import Effects, Inject, Move, Scenario

EMPTY: Mapping[str, Any] = MappingProxyType({})


class IllegalOrder(ValueError):
    """Orders that break the rules of the scenario; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@attrs.frozen
class OrderedMove:
    """One move in an order, possibly contingent on moves of other teams this turn."""

    move: str
    contingent_on: tuple[str, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen
class Order:
    """What one team submits for one turn. No moves means the team passed."""

    team: str
    moves: tuple[OrderedMove, ...] = attrs.field(default=(), converter=tuple)
    rationale: str = ""
    reason: str = ""  # why a computer player chose this, in plain words

    @classmethod
    def of(cls, team: str, *moves: str, rationale: str = "") -> Order:
        return cls(team, tuple(OrderedMove(m) for m in moves), rationale)


@attrs.frozen
class Change:
    """One meter or flag changing, before and after."""

    kind: str  # "meter" or "flag"
    id: str
    before: Any
    after: Any


@attrs.frozen
class Event:
    """Something that happened, with its cause; `audience` None means every team."""

    kind: str  # inject, move, contingency, chance, rule, outcome, override
    cause: str  # "move:<id>", "rule:<id>", "inject:<id>", "facilitator", "outcome:<id>"
    text: str
    turn: int
    team: str | None = None
    audience: frozenset[str] | None = None
    changes: tuple[Change, ...] = attrs.field(default=(), converter=tuple)
    detail: str = ""

    def visible_to(self, team: str | None) -> bool:
        return team is None or self.audience is None or team in self.audience


@attrs.frozen
class Play:
    turn: int
    team: str
    move: str
    success: bool | None = None


@attrs.frozen
class History:
    """Who played what and when, indexed by move id and by tag for the condition language."""

    plays: tuple[Play, ...] = ()
    first: Mapping[str, int] = EMPTY
    last: Mapping[str, int] = EMPTY
    count: Mapping[str, int] = EMPTY
    turns: Mapping[str, frozenset[int]] = EMPTY
    succeeded: frozenset[str] = frozenset()
    fired: Mapping[str, int] = EMPTY

    def with_plays(self, plays: list[Play], scenario: Scenario) -> History:
        if not plays:
            return self
        first, last = dict(self.first), dict(self.last)
        count, turns = dict(self.count), dict(self.turns)
        succeeded = set(self.succeeded)
        for play in plays:
            move = scenario.move_index[play.move]
            for key in (move.id, *move.tags):
                first.setdefault(key, play.turn)
                last[key] = play.turn
                count[key] = count.get(key, 0) + 1
                turns[key] = turns.get(key, frozenset()) | {play.turn}
                if play.success:
                    succeeded.add(key)
        return History(
            plays=self.plays + tuple(plays),
            first=MappingProxyType(first),
            last=MappingProxyType(last),
            count=MappingProxyType(count),
            turns=MappingProxyType(turns),
            succeeded=frozenset(succeeded),
            fired=self.fired,
        )

    def with_fired(self, ids: Iterable[str]) -> History:
        fired = dict(self.fired)
        for id_ in ids:
            fired[id_] = fired.get(id_, 0) + 1
        return attrs.evolve(self, fired=MappingProxyType(fired))


@attrs.frozen
class TurnRecord:
    """The immutable record of one resolved turn."""

    turn: int
    orders: Mapping[str, Order]
    executed: tuple[str, ...]
    events: tuple[Event, ...]
    meters_before: Mapping[str, float]
    meters_after: Mapping[str, float]
    outcome: str | None = None


@attrs.frozen
class State:
    """Where an exercise stands: the turn about to be played and everything so far."""

    scenario: Scenario = attrs.field(eq=False, repr=False)
    seed: int
    turn: int
    meters: Mapping[str, float]
    flags: frozenset[str]
    history: History = History()
    pending: tuple[Event, ...] = ()  # events of the current turn before its resolution
    records: tuple[TurnRecord, ...] = ()
    outcome: str | None = None


class _Working:
    """A mutable scratch copy of meters and flags used inside one pure step."""

    __slots__ = ("scenario", "meters", "flags", "turn", "history")

    def __init__(self, state: State) -> None:
        self.scenario = state.scenario
        self.meters = dict(state.meters)
        self.flags = set(state.flags)
        self.turn = state.turn
        self.history = state.history

    def apply(self, effects: Effects) -> tuple[Change, ...]:
        changes = []
        meter_index = self.scenario.meter_index
        for meter_id, delta in effects.meters:
            before = self.meters[meter_id]
            after = meter_index[meter_id].clamp(before + delta)
            if after != before:
                self.meters[meter_id] = after
                changes.append(Change("meter", meter_id, before, after))
        for flag in effects.set:
            if flag not in self.flags:
                self.flags.add(flag)
                changes.append(Change("flag", flag, False, True))
        for flag in effects.clear:
            if flag in self.flags:
                self.flags.discard(flag)
                changes.append(Change("flag", flag, True, False))
        return tuple(changes)

    def freeze(self, state: State, **changes: Any) -> State:
        return attrs.evolve(
            state,
            meters=MappingProxyType(self.meters),
            flags=frozenset(self.flags),
            history=self.history,
            **changes,
        )


def initial_state(scenario: Scenario, seed: int) -> State:
    """The state at the start of turn 1, its start-of-turn injects already delivered."""
    state = State(
        scenario=scenario,
        seed=seed,
        turn=1,
        meters=MappingProxyType({m.id: m.start for m in scenario.meters}),
        flags=frozenset(f.id for f in scenario.flags if f.start),
    )
    return _start_turn(state)


def _inject_event(inject: Inject, turn: int, changes: tuple[Change, ...], how: str) -> Event:
    return Event(
        kind="inject",
        cause=f"inject:{inject.id}",
        text=inject.title,
        turn=turn,
        audience=inject.to,
        changes=changes,
        detail=how,
    )


def _start_turn(state: State) -> State:
    """Step 1: scheduled injects for this turn and triggered injects that now hold."""
    scenario = state.scenario
    candidates = scenario.injects_by_turn.get(state.turn, ())
    if not candidates:
        return state
    work = _Working(state)
    events = []
    for inject in candidates:
        if inject.id in work.history.fired:
            continue
        if inject.when is not None and not inject.when.evaluate(work):
            continue
        changes = work.apply(inject.effects)
        how = f"scheduled for turn {inject.turn}" if inject.turn is not None else ""
        if inject.when is not None:
            how = f"triggered: {inject.when.source}"
        events.append(_inject_event(inject, state.turn, changes, how))
        work.history = work.history.with_fired([inject.id])
    if not events:
        return state
    return work.freeze(state, pending=state.pending + tuple(events))


def move_status(state: State, team: str) -> list[tuple[Move, str | None]]:
    """Every move of `team` with None if it may be played now, else why not."""
    out: list[tuple[Move, str | None]] = []
    history = state.history
    for move in state.scenario.moves_by_team.get(team, ()):
        out.append((move, _why_not(state, move, history)))
    return out


def _why_not(state: State, move: Move, history: History) -> str | None:
    if state.outcome is not None:
        return "the exercise is over"
    played = history.count.get(move.id, 0)
    if move.once and played:
        return "already played (once only)"
    if move.cooldown and played:
        wait = history.last[move.id] + move.cooldown + 1 - state.turn
        if wait > 0:
            return f"cooling down: available again in {wait} turn{'s' if wait > 1 else ''}"
    if move.requires is not None and not move.requires.evaluate(state):
        return move.requires_text or f"requires {move.requires.source}"
    return None


def legal_moves(state: State, team: str) -> tuple[Move, ...]:
    """The moves `team` may order on the current turn."""
    history = state.history
    return tuple(
        move
        for move in state.scenario.moves_by_team.get(team, ())
        if _why_not(state, move, history) is None
    )


def check_order(state: State, order: Order) -> list[str]:
    """Every reason `order` is illegal on the current turn; empty when it is legal."""
    scenario = state.scenario
    problems: list[str] = []
    team = scenario.team_index.get(order.team)
    if team is None:
        return [f"unknown team '{order.team}'"]
    if state.outcome is not None:
        return ["the exercise is over"]
    if len(order.moves) > team.moves_per_turn:
        problems.append(
            f"{team.name} may order at most {team.moves_per_turn} move(s) a turn,"
            f" not {len(order.moves)}"
        )
    seen: set[str] = set()
    for ordered in order.moves:
        move = scenario.move_index.get(ordered.move)
        if move is None:
            problems.append(f"unknown move '{ordered.move}'")
            continue
        if move.team != order.team:
            problems.append(f"'{move.id}' is a move of {move.team}, not of {order.team}")
            continue
        if move.id in seen:
            problems.append(f"'{move.id}' is ordered twice")
        seen.add(move.id)
        why = _why_not(state, move, state.history)
        if why is not None:
            problems.append(f"'{move.id}' is not available: {why}")
        for other in ordered.contingent_on:
            target = scenario.move_index.get(other)
            if target is None:
                problems.append(f"'{move.id}' is contingent on unknown move '{other}'")
            elif target.team == order.team:
                problems.append(
                    f"'{move.id}' is contingent on '{other}', a move of its own team:"
                    " a contingency names another team's move"
                )
    return problems


def settle_contingencies(orders: Mapping[str, Order]) -> tuple[set[str], dict[str, str]]:
    """Step 3: the largest set of ordered moves whose contingencies all hold.

    Returns the executing move ids and, for each dropped move, the contingency it missed.
    """
    executing = {om.move for order in orders.values() for om in order.moves}
    dropped: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for order in orders.values():
            for om in order.moves:
                if om.move in executing:
                    for other in om.contingent_on:
                        if other not in executing:
                            executing.discard(om.move)
                            dropped[om.move] = other
                            changed = True
                            break
    return executing, dropped


def turn_rng(seed: int, turn: int) -> random.Random:
    """The random number generator of one turn, derived from the seed and the turn alone."""
    return random.Random(f"ttx/{seed}/{turn}")


def resolve_turn(state: State, orders: Mapping[str, Order]) -> tuple[State, TurnRecord]:
    """Steps 2 to 6 of DESIGN.md for the current turn; every team must have an order."""
    scenario = state.scenario
    if state.outcome is not None:
        raise IllegalOrder(["the exercise is over"])
    problems = [f"no order from {t.id}" for t in scenario.teams if t.id not in orders]
    for order in orders.values():
        problems.extend(check_order(state, order))
    if problems:
        raise IllegalOrder(problems)

    turn = state.turn
    meters_before = state.meters
    executing, dropped = settle_contingencies(orders)
    work = _Working(state)
    events: list[Event] = list(state.pending)
    plays: list[Play] = []
    rng: random.Random | None = None
    executed: list[str] = []
    move_index = scenario.move_index
    ordered_teams = sorted(orders, key=scenario.team_order.__getitem__)

    for team_id in ordered_teams:
        for om in orders[team_id].moves:
            move = move_index[om.move]
            audience = frozenset((team_id,)) if move.secret else None
            if om.move in dropped:
                missing = move_index[dropped[om.move]]
                events.append(
                    Event(
                        "contingency",
                        f"move:{move.id}",
                        f"{move.label}: not carried out, because "
                        f"{scenario.team_index[missing.team].name} did not play "
                        f"'{missing.label}' this turn",
                        turn,
                        team_id,
                        audience,
                    )
                )
                continue
            executed.append(move.id)
            if om.contingent_on:
                partners = ", ".join(move_index[m].label for m in om.contingent_on)
                events.append(
                    Event(
                        "contingency",
                        f"move:{move.id}",
                        f"{move.label}: carried out together with {partners}",
                        turn,
                        team_id,
                        audience,
                    )
                )
            changes = work.apply(move.effects)
            events.append(Event("move", f"move:{move.id}", move.label, turn, team_id, audience, changes))
            success = None
            if move.chance is not None:
                if rng is None:
                    rng = turn_rng(state.seed, turn)
                roll = rng.random()
                success = roll < move.chance
                effects = move.success if success else move.failure
                text = (move.success_text if success else move.failure_text) or (
                    f"{move.label}: {'succeeded' if success else 'failed'}"
                )
                events.append(
                    Event(
                        "chance",
                        f"move:{move.id}",
                        text,
                        turn,
                        team_id,
                        audience,
                        work.apply(effects),
                        detail=f"chance {move.chance:.0%}, drew {roll:.2f}: "
                        + ("success" if success else "failure"),
                    )
                )
            plays.append(Play(turn, team_id, move.id, success))
    work.history = work.history.with_plays(plays, scenario)

    # Step 5: every rule is tested on the same post-move state, then applied in file order.
    fired_before = work.history.fired
    firing = [
        rule
        for rule in scenario.rules
        if not (rule.once and rule.id in fired_before) and rule.when.evaluate(work)
    ]
    for rule in firing:
        changes = work.apply(rule.effects)
        events.append(
            Event("rule", f"rule:{rule.id}", rule.message, turn, None, rule.to, changes,
                  detail=f"because {rule.when.source}")
        )
    if firing:
        work.history = work.history.with_fired(r.id for r in firing)

    # Step 6: outcomes.
    outcome = None
    last = turn >= scenario.turns
    for candidate in scenario.outcomes:
        if candidate.at_end and not last:
            continue
        if candidate.when is None or candidate.when.evaluate(work):
            outcome = candidate.id
            events.append(
                Event("outcome", f"outcome:{candidate.id}", candidate.title, turn, None, None,
                      detail=candidate.text)
            )
            break

    record = TurnRecord(
        turn=turn,
        orders=MappingProxyType(dict(orders)),
        executed=tuple(executed),
        events=tuple(events),
        meters_before=meters_before,
        meters_after=MappingProxyType(dict(work.meters)),
        outcome=outcome,
    )
    new_state = work.freeze(
        state,
        turn=turn if outcome else turn + 1,
        pending=(),
        records=state.records + (record,),
        outcome=outcome,
    )
    if outcome is None:
        new_state = _start_turn(new_state)
    return new_state, record


def is_over(state: State) -> bool:
    return state.outcome is not None


def override(state: State, target: str, value: Any, reason: str) -> State:
    """A facilitator sets a meter (clamped) or a flag; the change is an event with its reason."""
    scenario = state.scenario
    work = _Working(state)
    if target in scenario.meter_index:
        meter = scenario.meter_index[target]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"meter '{target}' takes a number, not {value!r}")
        before = work.meters[target]
        after = meter.clamp(value)
        work.meters[target] = after
        change = Change("meter", target, before, after)
        text = f"{meter.label} set to {after:g}"
    elif target in scenario.flag_index:
        if not isinstance(value, bool):
            raise ValueError(f"flag '{target}' takes true or false, not {value!r}")
        before_flag = target in work.flags
        (work.flags.add if value else work.flags.discard)(target)
        change = Change("flag", target, before_flag, value)
        text = f"{scenario.flag_index[target].label}: {'set' if value else 'cleared'}"
    else:
        raise ValueError(f"no meter or flag named '{target}'")
    event = Event("override", "facilitator", text, state.turn, changes=(change,),
                  detail=reason)
    return work.freeze(state, pending=state.pending + (event,))


def fire_inject(
    state: State,
    inject_id: str | None = None,
    *,
    title: str = "",
    text: str = "",
    to: frozenset[str] | None = None,
) -> State:
    """The facilitator fires a scenario inject by id, or an ad-hoc one with a title."""
    work = _Working(state)
    if inject_id is not None:
        inject = state.scenario.inject_index.get(inject_id)
        if inject is None:
            raise ValueError(f"no inject named '{inject_id}'")
        changes = work.apply(inject.effects)
        event = _inject_event(inject, state.turn, changes, "fired by the facilitator")
        work.history = work.history.with_fired([inject.id])
    else:
        if not title.strip():
            raise ValueError("an ad-hoc inject needs a title")
        event = Event("inject", "facilitator", title, state.turn, audience=to,
                      detail=text or "written by the facilitator")
    return work.freeze(state, pending=state.pending + (event,))


ENDED_BY_FACILITATOR = "ended_by_facilitator"


def end_exercise(state: State, reason: str, outcome: str | None = None) -> State:
    """The facilitator ends the exercise now, with one of the scenario's outcomes or none."""
    if state.outcome is not None:
        raise ValueError("the exercise is already over")
    ids = {o.id for o in state.scenario.outcomes}
    if outcome is not None and outcome not in ids:
        raise ValueError(f"no outcome named '{outcome}'")
    title = next((o.title for o in state.scenario.outcomes if o.id == outcome), "Ended by the facilitator")
    event = Event("outcome", "facilitator", title, state.turn, detail=reason or "ended by the facilitator")
    return attrs.evolve(state, pending=state.pending + (event,), outcome=outcome or ENDED_BY_FACILITATOR)


@attrs.frozen
class Score:
    team: str
    points: int
    total: int
    met: tuple[tuple[str, bool], ...]  # (objective id, met)

    @property
    def fraction(self) -> float:
        return self.points / self.total if self.total else 0.0


def score(state: State, team: str) -> Score:
    """A team's objectives, met or not, on the current state."""
    objectives = state.scenario.team_index[team].objectives
    met = tuple((o.id, o.when(state)) for o in objectives)
    points = sum(o.points for o, (_, ok) in zip(objectives, met) if ok)
    return Score(team, points, sum(o.points for o in objectives), met)


@attrs.frozen
class TeamView:
    """What one team may see of the state: the only thing a computer player is given."""

    team: str
    turn: int
    meters: Mapping[str, float]
    flags: frozenset[str]
    legal: tuple[Move, ...]
    _state: State = attrs.field(eq=False, repr=False, alias="state")

    @property
    def plays(self) -> tuple[Play, ...]:
        """Every play so far this team may know of: its own, and the others' public ones."""
        state = self._state
        secret = state.scenario.move_index
        return tuple(
            p for p in state.history.plays if p.team == self.team or not secret[p.move].secret
        )

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far as this team sees it (computed on demand: it grows each turn)."""
        state = self._state
        events = [e for r in state.records for e in r.events] + list(state.pending)
        return tuple(visible_events(events, self.team, state.scenario))


def visible_events(events: Iterable[Event], team: str | None, scenario: Scenario) -> list[Event]:
    """Events as `team` sees them: hidden causes are withheld, visible meter moves kept."""
    out = []
    for event in events:
        if event.visible_to(team):
            out.append(event)
            continue
        shown = tuple(c for c in event.changes if _can_see(scenario, c, team))
        if shown:
            out.append(Event("hidden", "undisclosed", "An undisclosed development",
                             event.turn, changes=shown))
    return out


def _can_see(scenario: Scenario, change: Change, team: str | None) -> bool:
    item = (scenario.meter_index if change.kind == "meter" else scenario.flag_index)[change.id]
    return team is None or item.visible_to is None or team in item.visible_to


def view(state: State, team: str) -> TeamView:
    scenario = state.scenario
    meters = state.meters
    return TeamView(
        team=team,
        turn=state.turn,
        meters=MappingProxyType({m: meters[m] for m in scenario.visible_meters[team]}),
        flags=state.flags & scenario.visible_flags[team],
        legal=legal_moves(state, team),
        state=state,
    )


def belief_state(team_view: TeamView) -> State:
    """A full state built from one team's view only, for a computer player to simulate with.

    What the team cannot see is replaced by what it would assume: hidden meters and flags at
    their starting values, other teams' secret moves never played, and only the rules and
    injects it was told about as fired.
    """
    state = team_view._state
    scenario = state.scenario
    meters = {m.id: team_view.meters.get(m.id, m.start) for m in scenario.meters}
    visible = scenario.visible_flags[team_view.team]
    flags = frozenset(team_view.flags) | frozenset(
        f.id for f in scenario.flags if f.start and f.id not in visible
    )
    plays = [p for p in state.history.plays
             if p.team == team_view.team or not scenario.move_index[p.move].secret]
    if len(plays) == len(state.history.plays):
        history = state.history
    else:
        told = {e.cause.split(":", 1)[1] for e in team_view.events
                if e.cause.startswith(("rule:", "inject:"))}
        history = History().with_plays(plays, scenario).with_fired(
            f for f in state.history.fired if f in told
        )
    return attrs.evolve(state, meters=MappingProxyType(meters), flags=flags, history=history)
