"""The dynamic half: state, orders, events, and the pure turn resolution over them."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from exercise.engine.model import Chance, Effects, Inject, Move, Scenario

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
class ReasonPart:
    """One part of a computer player's reason: its words, and what those words mention.

    The mentions decide who may read the part: a part that names a secret move, a hidden
    meter or a hidden fact reaches only those who may know it (see `exercise.engine.audience`).
    """

    text: str
    moves: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    meters: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    flags: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    private: bool = False  # words whose mentions are unknown (an older journal): the facilitator's only


def _reason(value: Any) -> tuple[ReasonPart, ...]:
    if isinstance(value, str):
        return (ReasonPart(value, private=True),) if value else ()
    return tuple(value)


@attrs.frozen
class Order:
    """What one team submits for one turn. No moves means the team passed."""

    team: str
    moves: tuple[OrderedMove, ...] = attrs.field(default=(), converter=tuple)
    rationale: str = ""
    reason: tuple[ReasonPart, ...] = attrs.field(default=(), converter=_reason)  # a computer player's why

    @classmethod
    def of(cls, team: str, *moves: str, rationale: str = "") -> Order:
        return cls(team, tuple(OrderedMove(m) for m in moves), rationale)


@attrs.frozen
class Change:
    """One meter or flag changing, before and after.

    In a projection for a team or the room a meter's change carries only its `delta`
    (before and after are None): running values would tell where an undisclosed change,
    invisible to that audience, happened between two visible ones.
    """

    kind: str  # "meter" or "flag"
    id: str
    before: Any
    after: Any
    delta: Any = None

    @property
    def amount(self) -> Any:
        return self.delta if self.before is None else self.after - self.before


@attrs.frozen
class Cause:
    """Why an event happened: a move, a rule, an inject, an outcome, the facilitator, or undisclosed."""

    kind: str
    id: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else self.kind


_CAUSES: dict[tuple[str, str], Cause] = {}


def _cause(kind: str, id_: str) -> Cause:
    """The cause of an event, made once per kind and id: a cause is immutable, and a turn makes many."""
    found = _CAUSES.get((kind, id_))
    if found is None:
        if len(_CAUSES) > 10_000:
            _CAUSES.clear()
        found = _CAUSES[(kind, id_)] = Cause(kind, id_)
    return found


FACILITATOR_CAUSE = Cause("facilitator")
UNDISCLOSED = Cause("undisclosed")


@attrs.frozen
class Event:
    """Something that happened, as data: what, why, who and what it changed. Never words.

    Words are made from events by one renderer (`exercise.render`); who may see an event is
    decided by the projection (`exercise.engine.audience`).

    kind: inject, move, contingency, chance, rule, expectation, draw (a hidden draw at setup),
    clock (started, stopped or run out), outcome, override, or hidden (a projection's stand-in
    for an event an audience may not see that changed what it can see).

    A rule or inject with a chance whose draw failed is an event too, addressed to no team
    (`audience` empty, `success` False): the facilitator sees that it was tried.
    """

    kind: str
    cause: Cause
    turn: int
    team: str | None = None  # the acting team, for moves, contingencies and chances
    audience: frozenset[str] | None = None  # the teams it is addressed to; None: every team
    changes: tuple[Change, ...] = attrs.field(default=(), converter=tuple)
    move: str | None = None  # the move, for moves, contingencies and chances
    partners: tuple[str, ...] = attrs.field(default=(), converter=tuple)  # a contingency's partner moves
    carried_out: bool | None = None  # a contingency: held, or not
    missing: str | None = None  # a contingency that did not hold: the partner move not played
    chance: float | None = None  # a chance: its probability,
    roll: float | None = None  # the number drawn,
    success: bool | None = None  # and the result
    condition: str = ""  # the condition that held (rules, triggered injects, outcomes)
    # A projection's: the names in `condition` its audience may not see (each part naming one
    # is said as "something not shown"); empty in the engine's own events.
    unseen: frozenset[str] = frozenset()
    trigger: str = ""  # an inject: "scheduled", "triggered" or "facilitator"
    reason: str = ""  # the facilitator's reason (overrides, forced endings)
    title: str = ""  # an inject written by the facilitator: its title
    text: str = ""  # and its text
    outcome: str | None = None  # an outcome event: the outcome id (None: ended without one)
    forced: bool = False  # an outcome event: chosen by the facilitator, not reached
    phase: str = ""  # a clock event: "started", "stopped" or "expired"
    option: str | None = None  # a draw event: the option drawn


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
        changing = _Changing(self)
        changing.add_plays(plays, scenario)
        return changing.freeze()

    def with_fired(self, ids: Iterable[str]) -> History:
        changing = _Changing(self)
        changing.add_fired(ids)
        return changing.freeze()


def _play_names(scenario: Scenario) -> Mapping[str, tuple[str, ...]]:
    """Move id -> the names a play of it is indexed under: its id and its tags."""
    found = scenario.derived.get("play names")
    if found is None:
        found = scenario.derived["play names"] = {m.id: (m.id, *m.tags) for m in scenario.moves}
    return found


class _Changing:
    """A history while one step adds to it: History's names, its mappings copied only when first
    written, and made a History once at the end (`freeze`)."""

    __slots__ = ("plays", "first", "last", "count", "turns", "succeeded", "fired", "_played", "_fired")

    def __init__(self, history: History) -> None:
        self.plays, self.first, self.last = history.plays, history.first, history.last
        self.count, self.turns, self.succeeded, self.fired = history.count, history.turns, history.succeeded, \
            history.fired
        self._played = self._fired = False  # whether the play indexes, the fired counts, are copies yet

    def add_plays(self, plays: list[Play], scenario: Scenario) -> None:
        """Index the plays under their move ids and tags (first, last, count, turns, succeeded)."""
        if not plays:
            return
        if not self._played:
            self.first, self.last, self.count = dict(self.first), dict(self.last), dict(self.count)
            self.turns, self.succeeded = dict(self.turns), set(self.succeeded)
            self._played = True
        first, last, count, turns, succeeded = self.first, self.last, self.count, self.turns, self.succeeded
        names = _play_names(scenario)
        for play in plays:
            turn = play.turn
            for key in names[play.move]:
                first.setdefault(key, turn)
                last[key] = turn
                count[key] = count.get(key, 0) + 1
                known = turns.get(key)
                if known is None:
                    turns[key] = frozenset((turn,))
                elif turn not in known:
                    turns[key] = known | {turn}
                if play.success:
                    succeeded.add(key)
        self.plays = self.plays + tuple(plays)

    def add_fired(self, ids: Iterable[str]) -> None:
        """Count the rules, injects or clocks that fired."""
        if not self._fired:
            self.fired = dict(self.fired)
            self._fired = True
        fired = self.fired
        for id_ in ids:
            fired[id_] = fired.get(id_, 0) + 1

    def freeze(self) -> History:
        if self._played:
            first, last = MappingProxyType(self.first), MappingProxyType(self.last)
            count, turns = MappingProxyType(self.count), MappingProxyType(self.turns)
            succeeded = frozenset(self.succeeded)
        else:
            first, last, count, turns, succeeded = self.first, self.last, self.count, self.turns, self.succeeded
        fired = MappingProxyType(self.fired) if self._fired else self.fired
        return History(self.plays, first, last, count, turns, succeeded, fired)


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
    draws: int = 2  # how chance draws are made: 2, one stream per chance move; 1, one per turn (older journals)
    awaiting: tuple[tuple[str, int], ...] = ()  # (inject id, last turn) of expected actions not yet done
    due: tuple[tuple[str, str], ...] = ()  # (inject id, "missed" or "deadline"): contingency and deadline injects to fire at the start of the next turn
    values: Mapping[str, float] = EMPTY  # estimates and clocks (turns left) as conditions read them
    clocks: tuple[tuple[str, int, str], ...] = ()  # (clock id, last turn, "running"/"stopped"/"expired")
    # What is worked out once per state and asked for many times (each team's legal moves): a
    # state never changes, so neither does what is derived from it. Not copied by attrs.evolve.
    memo: dict = attrs.field(factory=dict, init=False, eq=False, repr=False)


class _Working:
    """A mutable scratch copy of meters and flags used inside one pure step."""

    __slots__ = ("scenario", "meters", "flags", "turn", "history", "values", "quiet")

    def __init__(self, state: State, quiet: bool = False) -> None:
        self.quiet = quiet  # a what-if turn: effects applied, no Change made (no one will read the events)
        self.scenario = state.scenario
        self.meters = dict(state.meters)
        self.flags = set(state.flags)
        self.turn = state.turn
        self.history = state.history
        self.values = state.values

    def apply(self, effects: Effects) -> tuple[Change, ...]:
        if self.quiet:
            self._apply_quietly(effects)
            return ()
        changes = []
        meter_index = self.scenario.meter_index
        for meter_id, delta in effects.meters:
            before = self.meters[meter_id]
            after = meter_index[meter_id].clamp(before + delta)
            if after != before:
                self.meters[meter_id] = after
                changes.append(Change("meter", meter_id, before, after))
        if effects.set:
            for flag in sorted(effects.set):
                if flag not in self.flags:
                    self.flags.add(flag)
                    changes.append(Change("flag", flag, False, True))
        if effects.clear:
            for flag in sorted(effects.clear):
                if flag in self.flags:
                    self.flags.discard(flag)
                    changes.append(Change("flag", flag, True, False))
        return tuple(changes)

    def changing(self) -> _Changing:
        """The history, to be added to in place for the rest of the step."""
        history = self.history
        if type(history) is not _Changing:
            history = self.history = _Changing(history)
        return history

    def _apply_quietly(self, effects: Effects) -> None:
        """`apply`, for a what-if turn: the same meters and flags, no record of the changes."""
        meters, meter_index = self.meters, self.scenario.meter_index
        for meter_id, delta in effects.meters:
            before = meters[meter_id]
            after = meter_index[meter_id].clamp(before + delta)
            if after != before:  # as `apply`: a value that does not change keeps its type
                meters[meter_id] = after
        if effects.set:
            self.flags.update(effects.set)
        if effects.clear:
            self.flags.difference_update(effects.clear)

    def freeze(self, state: State, **changes: Any) -> State:
        """The new frozen state: `state` with this working copy's meters, flags and history, and `changes`."""
        fields = {"seed": state.seed, "turn": state.turn, "pending": state.pending, "records": state.records,
                  "outcome": state.outcome, "draws": state.draws, "awaiting": state.awaiting, "due": state.due,
                  "values": state.values, "clocks": state.clocks}
        fields.update(changes)
        history = self.history
        return State(state.scenario, meters=MappingProxyType(self.meters), flags=frozenset(self.flags),
                     history=history.freeze() if type(history) is _Changing else history, **fields)


def initial_state(scenario: Scenario, seed: int, draws: int = 2) -> State:
    """The state at the start of turn 1: hidden draws made, start-of-turn injects delivered."""
    state = State(
        scenario=scenario,
        seed=seed,
        draws=draws,
        turn=1,
        meters=MappingProxyType({m.id: m.start for m in scenario.meters}),
        flags=frozenset(f.id for f in scenario.flags if f.start),
    )
    if scenario.draws:
        state = _draw(state)
    return _start_turn(state)


def draw_roll(seed: int, draw: str) -> float:
    """The number a hidden draw at setup is made with, from the seed and the draw alone."""
    return random.Random(f"ttx/{seed}/draw/{draw}").random()


def _draw(state: State) -> State:
    """Each hidden draw sets one option's fact (and its effects), told only to the draw's teams."""
    work = _Working(state)
    events = []
    for draw in state.scenario.draws:
        total = sum(o.weight for o in draw.options)
        roll = draw_roll(state.seed, draw.id) * total
        chosen = draw.options[-1]
        for option in draw.options:
            if roll < option.weight:
                chosen = option
                break
            roll -= option.weight
        changes = work.apply(Effects(meters=chosen.effects.meters, set=chosen.effects.set | {chosen.id},
                                     clear=chosen.effects.clear))
        events.append(Event("draw", Cause("draw", draw.id), state.turn, audience=draw.visible_to, changes=changes,
                            option=chosen.id, chance=chosen.weight / total))
    return work.freeze(state, pending=state.pending + tuple(events))


def estimate_roll(seed: int, estimate: str, turn: int) -> float:
    """The noise of an estimate on a turn, from -1 to 1: from the seed, the estimate and the turn alone."""
    return _estimate_roll(f"ttx/{seed}/estimate/{estimate}/{turn}")


# A roll depends on its key alone, and a computer player's what-if turns ask for the same keys
# again and again: seeding a generator costs more than the rest of a small turn.
@functools.lru_cache(maxsize=4096)
def _estimate_roll(key: str) -> float:
    return random.Random(key).uniform(-1.0, 1.0)


@functools.lru_cache(maxsize=4096)
def _roll(key: str) -> float:
    return random.Random(key).random()


def _values(state: State) -> Mapping[str, float]:
    """Estimates and clocks as they stand at the start of the state's turn."""
    return _values_of(state.scenario, state.seed, state.turn, state.meters, state.records, state.clocks)


def _values_of(scenario: Scenario, seed: int, turn: int, meters: Mapping[str, float],
               records: tuple[TurnRecord, ...], clocks: tuple[tuple[str, int, str], ...]) -> Mapping[str, float]:
    values: dict[str, float] = {}
    for estimate in scenario.estimates:
        meter = scenario.meter_index[estimate.of]
        then = turn - estimate.lag  # the turn whose start it reads (its injects delivered)
        true = meters[estimate.of]
        if estimate.lag:
            # the first recorded turn from then on (a computer player's what-if state may hold
            # only some of the records); none: the value now
            for record in records:
                if record.turn >= then:
                    true = record.meters_before[estimate.of]
                    break
        spread = meters[estimate.noise_meter] if estimate.noise_meter else estimate.noise
        noisy = true + estimate.bias + max(spread, 0) * estimate_roll(seed, estimate.id, turn)
        values[estimate.id] = float(round(meter.clamp(noisy)))
    running = {c: last for c, last, status in clocks if status == "running"}
    for clock in scenario.clocks:
        last = running.get(clock.id)
        values[clock.id] = last - turn + 1 if last is not None else 0
    return MappingProxyType(values)


def _inject_event(inject: Inject, turn: int, changes: tuple[Change, ...], trigger: str) -> Event:
    return Event(
        kind="inject",
        cause=_cause("inject", inject.id),
        turn=turn,
        audience=inject.to,
        changes=changes,
        trigger=trigger,
        condition=inject.when.source if trigger == "triggered" and inject.when is not None else "",
    )


def _start_turn(state: State) -> State:
    """Step 1: estimates and clocks read anew; scheduled injects for this turn, triggered
    injects that now hold, and the contingency and deadline injects due."""
    work = _Working(state)
    events, awaiting = _open_turn(work, state.seed, state.records, state.clocks, state.due, state.awaiting)
    return work.freeze(state, values=work.values, pending=state.pending + events, awaiting=awaiting, due=())


def _open_turn(work: _Working, seed: int, records: tuple[TurnRecord, ...], clocks: tuple[tuple[str, int, str], ...],
               due: tuple[tuple[str, str], ...], awaiting_now: tuple[tuple[str, int], ...]
               ) -> tuple[tuple[Event, ...], tuple[tuple[str, int], ...]]:
    """Step 1 on a working state already at its new turn: its events and the expected actions awaited."""
    scenario = work.scenario
    turn = work.turn
    if scenario.estimates or scenario.clocks:
        work.values = _values_of(scenario, seed, turn, work.meters, records, clocks)
    candidates = scenario.injects_by_turn.get(turn, ())
    if not candidates and not due:
        return (), awaiting_now
    events = []
    loud = not work.quiet
    awaiting = list(awaiting_now)
    for inject_id, trigger in due:  # injects of expected actions missed and clocks run out last turn
        inject = scenario.inject_index[inject_id]
        changes = work.apply(inject.effects)
        if loud:
            events.append(_inject_event(inject, turn, changes, trigger))
        work.changing().add_fired((inject.id,))
        awaiting += _expecting(inject, turn)
    for inject in candidates:
        if inject.id in work.history.fired:
            continue
        if inject.when is not None and not inject.when.evaluate(work):
            continue
        if inject.chance is not None:
            tried = _try(inject.chance, work, seed, turn, f"inject/{inject.id}")
            if not tried.success:
                if loud:
                    events.append(attrs.evolve(_inject_event(inject, turn, (), "scheduled" if inject.when is None
                                                             else "triggered"), audience=frozenset(),
                                               chance=tried.chance, roll=tried.roll, success=False))
                continue
        changes = work.apply(inject.effects)
        if loud:
            trigger = "triggered" if inject.when is not None else "scheduled"
            event = _inject_event(inject, turn, changes, trigger)
            if inject.chance is not None:
                event = attrs.evolve(event, chance=tried.chance, roll=tried.roll, success=True)
            events.append(event)
        work.changing().add_fired((inject.id,))
        awaiting += _expecting(inject, turn)
    return tuple(events), tuple(awaiting)


@attrs.frozen
class _Tried:
    chance: float
    roll: float
    success: bool


def _try(chance: Chance, work: _Working, seed: int, turn: int, key: str) -> _Tried:
    """A rule's or inject's chance: its probability now, the number drawn for it, and the result."""
    probability = chance.of(work)
    roll = _roll(f"ttx/{seed}/{turn}/{key}")
    return _Tried(probability, roll, roll < probability)


def _expecting(inject: Inject, turn: int) -> list[tuple[str, int]]:
    """The expected action an inject starts waiting for: its id and the last turn to do it in."""
    return [(inject.id, turn + inject.expected.within - 1)] if inject.expected is not None else []


def move_status(state: State, team: str) -> list[tuple[Move, str | None]]:
    """Every move of `team` with None if it may be played now, else why not."""
    out: list[tuple[Move, str | None]] = []
    history = state.history
    for move in state.scenario.moves_by_team.get(team, ()):
        out.append((move, _why_not(state, move, history)))
    return out


def _why_not(state: State, move: Move, history: History, *, words: bool = True) -> str | None:
    """Why the move cannot be played now, or None; `words=False` when only whether matters (no explaining)."""
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
        if move.requires_text or not words:
            return move.requires_text or "requires"
        # In words, from the condition's tree, as the team may see it (never condition code).
        from exercise.engine.audience import Audience, knows_names
        from exercise.engine.explain import explain

        team = Audience.of(move.team)
        return "requires: " + explain(move.requires, state.scenario,
                                      lambda names: knows_names(state.scenario, team, names))
    return None


def legal_moves(state: State, team: str) -> tuple[Move, ...]:
    """The moves `team` may order on the current turn (worked out once per state and team)."""
    key = ("legal", team)
    found = state.memo.get(key)
    if found is None:
        found = state.memo[key] = _legal(state, team)
    return found


def _legal(state: State, team: str) -> tuple[Move, ...]:
    return tuple(move for move in state.scenario.moves_by_team.get(team, ()) if _available(state, move))


def _available(state: State, move: Move) -> bool:
    """`_why_not(state, move, state.history, words=False) is None`, for one move."""
    if state.outcome is not None:
        return False
    history = state.history
    if move.id in history.count:
        if move.once:
            return False
        if move.cooldown and history.last[move.id] + move.cooldown + 1 - state.turn > 0:
            return False
    return move.requires is None or bool(move.requires.evaluate(state))


def legal_move_ids(state: State, team: str) -> frozenset[str]:
    """The ids of the moves `team` may order on the current turn (worked out once per state and team)."""
    key = ("legal ids", team)
    found = state.memo.get(key)
    if found is None:
        found = state.memo[key] = frozenset(m.id for m in legal_moves(state, team))
    return found


def _plainly_legal(state: State, orders: Mapping[str, Order]) -> bool:
    """Whether every team has an order and every order is legal, asked quickly: True means
    `check_order` would find nothing; False, that it is to be asked for its reasons."""
    scenario = state.scenario
    team_index = scenario.team_index
    if len(orders) != len(team_index):
        return False
    move_index = scenario.move_index
    for key, order in orders.items():
        if order.team != key or key not in team_index:
            return False
        if not order.moves:  # a pass
            continue
        if len(order.moves) > team_index[key].moves_per_turn:
            return False
        legal = legal_move_ids(state, key) if ("legal", key) in state.memo else None
        seen = set()
        for om in order.moves:
            if om.move in seen:
                return False
            if legal is not None:
                if om.move not in legal:
                    return False
            else:
                move = move_index.get(om.move)
                if move is None or move.team != key or not _available(state, move):
                    return False
            seen.add(om.move)
            for other in om.contingent_on:
                target = move_index.get(other)
                if target is None or target.team == key or target.secret:
                    return False
    return True


def check_order(state: State, order: Order, *, words: bool = True) -> list[str]:
    """Every reason `order` is illegal on the current turn; empty when it is legal.

    `words=False` (a what-if turn, whose reasons no one reads): a move unavailable for want of
    its requirement is said without putting the requirement into words."""
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
        why = _why_not(state, move, state.history, words=words)
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
            elif target.secret:
                problems.append(
                    f"'{move.id}' is contingent on '{other}', a secret move of {target.team}:"
                    " a contingency may name only moves whose play you would learn"
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
    """The random number generator of one turn, derived from the seed and the turn alone.

    Draws of format-1 journals (draws = 1): every chance move of the turn, in order.
    """
    return random.Random(f"ttx/{seed}/{turn}")


def chance_roll(seed: int, turn: int, move: str) -> float:
    """The draw of one chance move, from the seed, the turn and the move alone (draws = 2).

    Each chance move has its own draw, so that whether a secret move with a chance was
    played never changes the draw of a public one in the same turn.
    """
    return _roll(f"ttx/{seed}/{turn}/{move}")


def resolve_turn(
    state: State, orders: Mapping[str, Order], forced_rolls: Mapping[str, bool] | None = None, *,
    quiet: bool = False,
) -> tuple[State, TurnRecord]:
    """Steps 2 to 6 of DESIGN.md for the current turn; every team must have an order.

    `forced_rolls` fixes the result of chance moves (move id -> success) for what-if play by
    computer players, which value a gamble by its expectation rather than by the real draw.
    `quiet`, for a what-if turn that is only valued: the same state (meters, facts, history,
    clocks, outcome, the next turn's injects), but no events, in its record or pending: such a
    state is never shown, journaled or resolved for real, and illegal orders raise IllegalOrder
    without their requirements put into words.
    """
    scenario = state.scenario
    if state.outcome is not None:
        raise IllegalOrder(["the exercise is over"])
    if not _plainly_legal(state, orders):  # then find every reason, in words
        problems = [f"no order from {t.id}" for t in scenario.teams if t.id not in orders]
        for key, order in orders.items():
            if key != order.team:
                problems.append(f"the order filed for {key} is an order of {order.team}")
                continue
            problems.extend(check_order(state, order, words=not quiet))
        if problems:
            raise IllegalOrder(problems)

    turn = state.turn
    meters_before = state.meters
    executing, dropped = settle_contingencies(orders)
    work = _Working(state, quiet)
    loud = not quiet
    events: list[Event] = list(state.pending) if loud else []
    plays: list[Play] = []
    rng: random.Random | None = None
    executed: list[str] = []
    move_index = scenario.move_index
    ordered_teams = sorted(orders, key=scenario.team_order.__getitem__)

    for team_id in ordered_teams:
        for om in orders[team_id].moves:
            move = move_index[om.move]
            cause = _cause("move", move.id) if loud else UNDISCLOSED
            if om.move in dropped:
                if loud:
                    events.append(Event("contingency", cause, turn, team_id, move=move.id,
                                        partners=om.contingent_on, carried_out=False,
                                        missing=dropped[om.move]))
                continue
            executed.append(move.id)
            if om.contingent_on and loud:
                events.append(Event("contingency", cause, turn, team_id, move=move.id,
                                    partners=om.contingent_on, carried_out=True))
            changes = work.apply(move.effects)
            if loud:
                events.append(Event("move", cause, turn, team_id, changes=changes, move=move.id))
            success = None
            if move.gamble:
                if state.draws == 1:
                    if rng is None:
                        rng = turn_rng(state.seed, turn)
                    roll = rng.random()
                else:
                    roll = chance_roll(state.seed, turn, move.id)
                probability = move.probability(work)
                success = roll < probability
                if forced_rolls is not None and move.id in forced_rolls:
                    success = forced_rolls[move.id]
                effects = move.success if success else move.failure
                changes = work.apply(effects)
                if loud:
                    events.append(Event("chance", cause, turn, team_id, changes=changes,
                                        move=move.id, chance=probability, roll=roll, success=success))
            plays.append(Play(turn, team_id, move.id, success))
    if plays:
        work.changing().add_plays(plays, scenario)

    # Step 5: every rule is tested on the same post-move state, then applied in file order.
    # A rule with a chance fires only if its draw comes under it; one whose draw failed is an
    # event for the facilitator alone, and may be tried again next turn.
    fired_before = work.history.fired
    holding = [
        rule
        for rule in scenario.rules
        if not (rule.once and rule.id in fired_before) and rule.when.evaluate(work)
    ]
    firing = []
    tries: dict[str, _Tried] = {}
    for rule in holding:
        if rule.chance is not None:
            tries[rule.id] = tried = _try(rule.chance, work, state.seed, turn, f"rule/{rule.id}")
            if not tried.success:
                if loud:
                    events.append(Event("rule", _cause("rule", rule.id), turn, None, frozenset(),
                                        condition=rule.when.source, chance=tried.chance, roll=tried.roll,
                                        success=False))
                continue
        firing.append(rule)
    for rule in firing:
        changes = work.apply(rule.effects)
        if not loud:
            continue
        tried = tries.get(rule.id)
        events.append(Event("rule", _cause("rule", rule.id), turn, None, rule.to, changes,
                            condition=rule.when.source, chance=tried.chance if tried else None,
                            roll=tried.roll if tried else None, success=True if tried else None))
    if firing:
        work.changing().add_fired(r.id for r in firing)

    # Step 5b: expected actions of injects: done, or missed at their deadline.
    awaiting, due = [], []
    for inject_id, deadline in state.awaiting:
        inject = scenario.inject_index[inject_id]
        expected = inject.expected
        done = expected.when.evaluate(work)
        if done or turn >= deadline:
            if loud:
                events.append(Event("expectation", _cause("inject", inject_id), turn, expected.team, inject.to,
                                    success=done, condition=expected.when.source))
            if not done and expected.if_missed:
                due.append((expected.if_missed, "missed"))
        else:
            awaiting.append((inject_id, deadline))

    # Step 5c: clocks start, stop, or run out (then their deadline inject comes next turn).
    clocks = state.clocks
    if scenario.clocks:
        status = {c: (last, phase) for c, last, phase in clocks}
        ran_out = []
        for clock in scenario.clocks:
            now = status.get(clock.id)
            phase = ""
            if now is None:
                if clock.starts_when.evaluate(work):
                    status[clock.id] = (turn + clock.turns, "running")
                    phase = "started"
            elif now[1] == "running":
                if clock.stops_when is not None and clock.stops_when.evaluate(work):
                    status[clock.id] = (now[0], "stopped")
                    phase = "stopped"
                elif turn >= now[0]:
                    status[clock.id] = (now[0], "expired")
                    phase = "expired"
                    ran_out.append(clock.id)
                    if clock.deadline:
                        due.append((clock.deadline, "deadline"))
            if phase and loud:
                source = {"started": clock.starts_when,
                          "stopped": clock.stops_when}.get(phase)
                events.append(Event("clock", _cause("clock", clock.id), turn, audience=clock.visible_to, phase=phase,
                                    condition=source.source if source is not None else ""))
        clocks = tuple((c, last, phase) for c, (last, phase) in status.items())
        if ran_out:
            work.changing().add_fired(ran_out)

    # Step 6: outcomes.
    outcome = None
    last = turn >= scenario.turns
    for candidate in scenario.outcomes:
        if candidate.at_end and not last:
            continue
        if candidate.when is None or candidate.when.evaluate(work):
            outcome = candidate.id
            if loud:
                events.append(Event("outcome", _cause("outcome", candidate.id), turn, outcome=candidate.id,
                                    condition=candidate.when.source if candidate.when is not None else ""))
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
    records = state.records + (record,)
    if outcome is not None:
        return work.freeze(state, pending=(), records=records, outcome=outcome, awaiting=tuple(awaiting),
                           due=tuple(due), clocks=clocks), record
    # Step 1 of the next turn, on the same working copy: one frozen state at the end.
    work.turn = turn + 1
    opening, still = _open_turn(work, state.seed, records, clocks, tuple(due), tuple(awaiting))
    return work.freeze(state, turn=turn + 1, pending=opening, records=records, outcome=None, awaiting=still,
                       due=(), clocks=clocks, values=work.values), record


def is_over(state: State) -> bool:
    return state.outcome is not None


def override(state: State, target: str, value: Any, reason: str) -> State:
    """A facilitator sets a meter (clamped) or a flag; the change is an event with its reason."""
    scenario = state.scenario
    if state.outcome is not None:
        raise ValueError("the exercise is over: nothing can be adjusted any more")
    work = _Working(state)
    if target in scenario.meter_index:
        meter = scenario.meter_index[target]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)):  # an int of any size clamps
            raise ValueError(f"meter '{target}' takes a number, not {value!r}")
        before = work.meters[target]
        after = meter.clamp(value)
        work.meters[target] = after
        change = Change("meter", target, before, after)
    elif target in scenario.flag_index:
        if not isinstance(value, bool):
            raise ValueError(f"flag '{target}' takes true or false, not {value!r}")
        before_flag = target in work.flags
        (work.flags.add if value else work.flags.discard)(target)
        change = Change("flag", target, before_flag, value)
    else:
        raise ValueError(f"no meter or flag named '{target}'")
    event = Event("override", FACILITATOR_CAUSE, state.turn, changes=(change,), reason=reason)
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
    if state.outcome is not None:
        raise ValueError("the exercise is over: no inject can be fired any more")
    work = _Working(state)
    if inject_id is not None:
        inject = state.scenario.inject_index.get(inject_id)
        if inject is None:
            raise ValueError(f"no inject named '{inject_id}'")
        changes = work.apply(inject.effects)
        event = _inject_event(inject, state.turn, changes, "facilitator")
        work.changing().add_fired((inject.id,))
        return work.freeze(state, pending=state.pending + (event,),
                           awaiting=state.awaiting + tuple(_expecting(inject, state.turn)))
    else:
        if not title.strip():
            raise ValueError("an ad-hoc inject needs a title")
        event = Event("inject", FACILITATOR_CAUSE, state.turn, audience=to, trigger="facilitator",
                      title=title, text=text)
    return work.freeze(state, pending=state.pending + (event,))


ENDED_BY_FACILITATOR = "ended_by_facilitator"


def end_exercise(state: State, reason: str, outcome: str | None = None) -> State:
    """The facilitator ends the exercise now, with one of the scenario's outcomes or none."""
    if state.outcome is not None:
        raise ValueError("the exercise is already over")
    ids = {o.id for o in state.scenario.outcomes}
    if outcome is not None and outcome not in ids:
        raise ValueError(f"no outcome named '{outcome}'")
    event = Event("outcome", FACILITATOR_CAUSE, state.turn, outcome=outcome, forced=True, reason=reason)
    return attrs.evolve(state, pending=state.pending + (event,), outcome=outcome or ENDED_BY_FACILITATOR)


def ending_event(state: State) -> Event | None:
    """The event that ended the exercise: an outcome reached, or the facilitator's decision."""
    if state.outcome is None:
        return None
    for event in reversed(state.pending):
        if event.kind == "outcome":
            return event
    for record in reversed(state.records):
        for event in reversed(record.events):
            if event.kind == "outcome":
                return event
    return None


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
