"""After-action reports from a journal: one view-model per audience, rendered to Markdown and HTML.

`build` projects a session to one audience (the room, a team, the facilitator) and turns it into
words and chart geometry; the templates in `exercise/templates/` only lay that out, so both
formats say the same things and neither can show what the view-model left out.

Decisive moments are real counterfactuals: from the state before each turn, the rest of the
exercise is replayed many times by computer players, and the chance of reaching the actual
ending is measured; the engine is deterministic, so the same journal gives the same figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import attrs

from exercise.engine import (
    ENDED_BY_FACILITATOR,
    FACILITATOR,
    ROOM,
    Audience,
    Event,
    Order,
    Scenario,
    State,
    belief_state,
    ending_event,
    knows_names,
    observe,
    project_event,
    project_events,
    project_record,
    resolve_turn,
)
from exercise.engine.conditions import And, Comparison, MeterName, Node, Not, Number, Or
from exercise.entries import End, Entry, InjectFired, Orders, Override, PlayerSet, Resolve, Timer, Undo, is_computer
from exercise.play import computers, play_out
from exercise.render import (
    describe_changes,
    describe_order,
    ending_words,
    event_line,
    event_text,
    fmt_number,
    met_words,
    objective_results,
    reason_words,
)
from exercise.parallel import Processes
from exercise.session import Fold, Session, apply
from exercise.transcript import who_plays

REPLAYS = 100


# -- decisive moments -----------------------------------------------------------------------
# Replays are spread over every core (exercise/parallel.py): each task is a run of consecutive
# replays of one start, seeded by its number, and returns how many reached the ending; the counts
# are added per start, so the figures are the same from one process or many. Two processes cost
# some 20 to 50 ms of CPU more than one (the forks, the engine's caches built again in each); on
# two cores shared with other programs they break even at about 400 replayed turns (an upper
# bound: replays may end early), so below that the replays stay in one process. The ending screen
# writes its reports from a worker thread, where forking is unsafe: there they run in the app's
# process (see exercise/parallel.py).
POOL_FROM_TURNS = 400
CHUNK = 20  # replays a task: small enough that the cores finish together


def _finish(state: State, seed: int) -> str | None:
    """The ending of one replay by random players. A replay is only counted, never shown: its turns
    are resolved quietly (the same states, without events), and a random player chooses from the
    legal moves alone, which events never change."""
    scenario = state.scenario
    return play_out(state, computers(scenario, {t.id: "random" for t in scenario.teams}), seed, quiet=True).outcome


def _counterfactual(start: State, record: Any, move_id: str) -> State | None:
    """The turn resolved again from `start` without one executed move; None when those orders are not legal."""
    move = start.scenario.move_index[move_id]
    orders = dict(record.orders)
    kept = tuple(om for om in orders[move.team].moves if om.move != move_id)
    orders[move.team] = Order(move.team, kept, orders[move.team].rationale)
    try:
        without, _ = resolve_turn(start, orders)
    except Exception:  # the counterfactual orders are not legal: skip this move
        return None
    return without


@attrs.define
class _Replays:
    """What every replay task reads (inherited by a forked process, never pickled), and the
    counterfactual states each process has worked out (a task names one by turn and move)."""

    outcome: str
    starts: tuple  # the state before each turn, as the audience could know it
    records: tuple  # each turn's record, projected to the audience
    without: dict = attrs.field(factory=dict)  # (turn index, move) -> the turn resolved without the move

    def start(self, index: int, move_id: str | None) -> State:
        if move_id is None:
            return self.starts[index]
        if (index, move_id) not in self.without:  # the engine is deterministic: the parent's state, again
            self.without[index, move_id] = _counterfactual(self.starts[index], self.records[index], move_id)
        return self.without[index, move_id]


def _hits(shared: _Replays, task: tuple) -> int:
    """How many of a run of replays reach the ending, from a turn's start or from that turn without a move."""
    index, move_id, base_seed, first, last = task
    state = shared.start(index, move_id)
    return sum(1 for k in range(first, last) if _finish(state, base_seed * 7919 + k) == shared.outcome)


def _chances(pool: Processes, shared: _Replays, starts: list[tuple[int, str | None, State]],
             seeds: list[int], replays: int) -> list[float]:
    """The share of `replays` replays reaching the ending from each start, in the order given."""
    tasks, owner, costs = [], [], []
    chances: list[float | None] = []
    for n, ((index, move_id, state), seed) in enumerate(zip(starts, seeds)):
        if state.outcome is not None:
            chances.append(1.0 if state.outcome == shared.outcome else 0.0)
            continue
        chances.append(None)
        for first in range(0, replays, CHUNK):
            last = min(first + CHUNK, replays)
            tasks.append((index, move_id, seed, first, last))
            owner.append(n)
            costs.append((last - first) * (state.scenario.turns - state.turn + 1))
    hits = [0] * len(starts)
    for n, count in zip(owner, pool.map(_hits, tasks, costs=costs)):
        hits[n] += count
    return [c if c is not None else hits[n] / replays for n, c in enumerate(chances)]


def chance_of(state: State, outcome: str, base_seed: int, replays: int = REPLAYS, jobs: int | None = 1) -> float:
    """The share of replays from `state` that reach `outcome`, computer players playing on
    (in up to `jobs` processes; None: every core; the same share whatever the number)."""
    shared = _Replays(outcome, (state,), (None,))
    with Processes(jobs if _replayed_turns([state], replays) >= POOL_FROM_TURNS else 1, shared,
                   tasks=-(-replays // CHUNK)) as pool:
        return _chances(pool, shared, [(0, None, state)], [base_seed], replays)[0]


def _replayed_turns(states: Sequence[State], replays: int) -> int:
    """At most how many turns the replays from these states play: what decides whether a pool pays."""
    return sum(replays * (s.scenario.turns - s.turn + 1) for s in states if s.outcome is None)


def _as_known(state: State, audience: Audience, seed: int) -> State:
    """The state as the audience could reconstruct it: the facilitator's is the real one."""
    if audience.kind == "facilitator":
        return state
    return belief_state(state.scenario, observe(state, audience), seed)


def decisive_moments(session: Session, replays: int = REPLAYS, audience: Audience = FACILITATOR,
                     jobs: int | None = None) -> dict[str, Any]:
    """How the chance of the actual ending moved turn by turn, and the moves that moved it most.

    For the facilitator, replays start from the real states. For the room or a team, they start
    from what that audience could know (hidden meters at their start, secret moves unplayed), and
    only moves it knows of are tried without: the figures never depend on a secret.

    The replays run in up to `jobs` processes (None: every core, when the work is worth a pool and
    this process may fork; see exercise/parallel.py); the figures are the same whatever the number.
    """
    state = session.state
    outcome = state.outcome
    ending = ending_event(state)
    forced = ending is not None and ending.forced
    empty = {"outcome": outcome, "turns": [], "moves": [], "replays": replays, "forced": forced}
    if replays < 1 or outcome is None or outcome == ENDED_BY_FACILITATOR or forced or not session.records:
        return empty
    seed = session.seed
    before = [_as_known(s, audience, seed + i) for i, s in enumerate(session.states_before())]
    records = [project_record(session.scenario, audience, r) for r in session.records]
    shared = _Replays(outcome, tuple(before), tuple(records))
    if _replayed_turns(before, replays) < POOL_FROM_TURNS:
        jobs = 1
    with Processes(jobs, shared, tasks=len(before) * -(-replays // CHUNK)) as pool:
        chances = _chances(pool, shared, [(i, None, s) for i, s in enumerate(before)],
                           [seed + i for i in range(len(before))], replays) + [1.0]
        turns = []
        for i, record in enumerate(records):
            turns.append({"turn": record.turn, "before": chances[i], "after": chances[i + 1],
                          "change": chances[i + 1] - chances[i]})
        ranked = sorted(turns, key=lambda t: -abs(t["change"]))[:3]
        tried = []
        for entry in ranked:
            index = entry["turn"] - records[0].turn
            for move_id in records[index].executed:
                without = shared.start(index, move_id)
                if without is not None:
                    tried.append((entry, index, move_id, without))
        without_chances = _chances(pool, shared, [(index, move_id, w) for _, index, move_id, w in tried],
                                   [seed + 1000 + index for _, index, _, _ in tried], replays)
    moves = []
    for (entry, index, move_id, _), chance in zip(tried, without_chances):
        move = session.scenario.move_index[move_id]
        moves.append({"turn": records[index].turn, "move": move_id, "team": move.team,
                      "with": entry["after"], "without": chance, "effect": entry["after"] - chance})
    moves.sort(key=lambda m: -abs(m["effect"]))
    return {"outcome": outcome, "turns": turns, "moves": moves[:5], "replays": replays, "forced": False}


def _percent(share: float) -> int:
    return round(share * 100)


def points_words(before: float, after: float) -> str:
    """A change between two shares in percentage points ("+12 pp"), from the shares as printed."""
    change = _percent(after) - _percent(before)
    return f"{change:+d} pp" if change else "0 pp"


# -- the journal walked: who played each turn, and what the facilitator did ------------------------
def _walk(session: Session) -> Iterator[tuple[Entry, Fold | None, Fold]]:
    """Every entry with the fold before and after it: the session's own fold, replayed."""
    fold: Fold | None = None
    for entry in session.entries:
        after = apply(session.scenario, fold, entry)
        yield entry, fold, after
        fold = after


def players_by_turn(session: Session) -> dict[str, dict[int, str]]:
    """Who played each team in each resolved turn: whoever was playing it when its order in force was
    submitted (`human`, `scripted` or `computer:LEVEL`). Undo restores the orders, and so their players."""
    scenario = session.scenario
    submitted: dict[str, str] = {}
    resolved: list[tuple[int, dict[str, str]]] = []
    players: dict[str, str] = {}
    for entry, _, after in _walk(session):
        if isinstance(entry, Orders):
            player = players.get(entry.order.team, "human")
            # An order with a computer's reason was chosen by a computer player, whoever was meant to
            # play: `ttx run --orders` has one play the turns its file does not name.
            submitted[entry.order.team] = player if is_computer(player) or not entry.order.reason else SOME_COMPUTER
        elif isinstance(entry, Resolve):
            resolved.append((entry.turn, {t.id: submitted.get(t.id, players.get(t.id, "human"))
                                          for t in scenario.teams}))
            submitted = {}
        elif isinstance(entry, Undo) and resolved:
            submitted = resolved.pop()[1]
        players = dict(after.players)
    out: dict[str, dict[int, str]] = {t.id: {} for t in scenario.teams}
    for turn, who in resolved:
        for team, player in who.items():
            out[team][turn] = player
    return out


SOME_COMPUTER = "computer"  # a computer player whose level the journal does not tell


def who_words(player: str) -> str:
    return "the computer" if player == SOME_COMPUTER else who_plays(player)


def _ranges(turns: Sequence[int]) -> str:
    """Turns as ranges: "turns 1–3 and 6", "turn 4"."""
    parts: list[str] = []
    start = prev = None
    for turn in sorted(turns) + [None]:  # type: ignore[list-item]
        if start is not None and (turn is None or turn != prev + 1):
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = None
        if turn is not None and start is None:
            start = turn
        prev = turn
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("turn " if len(turns) == 1 else "turns ") + words


def played_words(by_turn: dict[int, str], now: str) -> str:
    """Who played a team, turn by turn: "people (turns 1–3), the computer (doctrine) (turns 4–8)"."""
    if not by_turn:
        return who_words(now)
    groups: dict[str, list[int]] = {}
    for turn, player in sorted(by_turn.items()):
        groups.setdefault(player, []).append(turn)
    if len(groups) == 1:
        return who_words(next(iter(groups)))
    ordered = sorted(groups.items(), key=lambda g: g[1][0])
    return "; ".join(f"{who_words(player)} ({_ranges(turns)})" for player, turns in ordered)


@attrs.frozen
class Action:
    """One thing the facilitator did, in words, for one audience."""

    turn: str  # the turn label
    kind: str  # override, inject, undo, hand-over, timer, end
    what: str


ACTION_NAMES = {"override": "Override", "inject": "Inject fired by hand", "undo": "Undo",
                "hand-over": "Hand-over", "timer": "Timer", "end": "End"}


def _timer_words(entry: Timer) -> str:
    minutes = f"{entry.minutes} minute{'s' if entry.minutes != 1 else ''}"
    return {"pause": "Paused the turn timer", "resume": "Resumed the turn timer",
            "extend": f"Gave the turn {minutes} more" if entry.minutes else "Extended the turn timer"
            }.get(entry.action, f"Turn timer: {entry.action}")


def facilitator_actions(session: Session, audience: Audience) -> list[Action]:
    """Every facilitator action of the journal the audience may know of, in the order taken.

    Overrides, injects fired by hand and the ending are the engine's events, projected: an
    override of a hidden meter, or an inject sent to other teams, is left out. Undo, hand-overs
    (a team given to the computer or back to people) and the turn timer are the room's business:
    the room saw them happen, and they name no secret.
    """
    scenario = session.scenario
    out = []
    for entry, before, after in _walk(session):
        label = scenario.turn_label(entry.turn or after.state.turn)
        if isinstance(entry, (Override, InjectFired, End)):
            event = after.state.pending[-1]  # the event this action made
            shown = [e for e in project_events(scenario, audience, [event]) if e.kind != "hidden"]
            if shown:
                kind = {Override: "override", InjectFired: "inject", End: "end"}[type(entry)]
                out.append(Action(label, kind, _event_line(scenario, shown[0])))
        elif isinstance(entry, Undo) and before is not None and before.state.records:
            undone = before.state.records[-1]
            out.append(Action(label, "undo", f"Undid the resolution of {scenario.turn_label(undone.turn)}: "
                                             "back to its orders, to be resolved again"))
        elif isinstance(entry, PlayerSet) and before is not None:
            team = scenario.team_index[entry.team].name
            was, now = before.players.get(entry.team, "human"), after.players.get(entry.team, "human")
            if was != now:
                out.append(Action(label, "hand-over", f"{team}: handed from {who_plays(was)} to {who_plays(now)}"))
        elif isinstance(entry, Timer):
            out.append(Action(label, "timer", _timer_words(entry)))
    return out


# -- words for events ---------------------------------------------------------------------------
def _event_line(scenario: Scenario, event: Event) -> str:
    """`render.event_line`, except for an override projected to deltas: it has no value "set to"."""
    change = event.changes[0] if event.changes else None
    if event.kind == "override" and change is not None and change.kind == "meter" and change.after is None:
        reason = f" (reason: {event.reason})" if event.reason else ""
        return f"Facilitator: {scenario.meter_index[change.id].label} adjusted{reason} → " \
               f"{describe_changes(scenario, event.changes)}"
    return event_line(scenario, event)


PHASES = (("Before the moves", ("draw", "inject", "override")),
          ("Moves", ("move", "contingency", "chance")),
          ("Consequences", ("rule", "expectation", "clock")),
          ("Undisclosed", ("hidden",)),
          ("Ending", ("outcome",)))


@attrs.frozen
class Phase:
    heading: str
    lines: tuple[str, ...]


@attrs.frozen
class OrderLine:
    team: str
    played_by: str  # "" for people
    moves: str
    rationale: str
    reason: str


@attrs.frozen
class TurnView:
    """One turn of the timeline: the orders, then what happened in order, then where the meters stood."""

    anchor: str
    label: str
    orders: tuple[OrderLine, ...]
    phases: tuple[Phase, ...]
    events: tuple[Event, ...]  # the projected events the phases are made from
    meters_after: str
    played: bool = True  # False: the turn the exercise is in (or ended in), its orders not resolved
    ended: bool = False

    @property
    def meters_heading(self) -> str:
        return "Meters after this turn" if self.played else "Meters when it ended" if self.ended else "Meters now"


def _phases(scenario: Scenario, events: Sequence[Event]) -> tuple[Phase, ...]:
    out = []
    for heading, kinds in PHASES:
        lines = tuple(_event_line(scenario, e) for e in events if e.kind in kinds)
        if lines:
            out.append(Phase(heading, lines))
    return tuple(out)


def _meter_cells(scenario: Scenario, before: dict[str, float], after: dict[str, float]) -> str:
    cells = []
    for meter in scenario.meters:
        if meter.id not in after:
            continue
        delta = after[meter.id] - before.get(meter.id, after[meter.id])
        cells.append(f"{meter.label} {fmt_number(after[meter.id])}"
                     + (f" ({'+' if delta > 0 else ''}{fmt_number(delta)})" if delta else ""))
    return " · ".join(cells)


def timeline(session: Session, audience: Audience,
             played: dict[str, dict[int, str]] | None = None) -> list[TurnView]:
    """Each resolved turn as the audience may know it, then the turn the exercise is in if anything
    happened in it (injects at its start, the facilitator's actions, the ending)."""
    scenario = session.scenario
    played = players_by_turn(session) if played is None else played
    out = []
    for raw in session.records:
        record = project_record(scenario, audience, raw)
        orders = []
        for team in scenario.teams:
            order = record.orders.get(team.id)
            if order is None:
                continue
            mine = audience.kind == "facilitator" or audience.team == team.id
            # who played the turn is said beside the order when it changed during the exercise
            player = played[team.id].get(record.turn, "human")
            varied = len(set(played[team.id].values())) > 1
            orders.append(OrderLine(team.name, who_words(player) if varied else "",
                                    describe_order(scenario, order, nothing="passes" if mine else "no public move"),
                                    order.rationale, reason_words(order.reason)))
        out.append(TurnView(f"turn-{record.turn}", scenario.turn_label(record.turn), tuple(orders),
                            _phases(scenario, record.events), record.events,
                            _meter_cells(scenario, dict(record.meters_before), dict(record.meters_after))))
    state = session.state
    pending = tuple(project_events(scenario, audience, state.pending))
    if pending:
        known = observe(state, audience, history=False).meters
        if session.records:
            last = dict(project_record(scenario, audience, session.records[-1]).meters_after)
        else:
            last = {m.id: m.start for m in scenario.meters if m.id in known}
        out.append(TurnView(f"turn-{state.turn}", f"{scenario.turn_label(state.turn)}, not played",
                            (), _phases(scenario, pending), pending, _meter_cells(scenario, last, dict(known)),
                            played=False, ended=state.outcome is not None))
    return out


# -- meters, charts and the endings' thresholds -----------------------------------------------------
OPS = {">=": "or more", ">": "more than", "<=": "or less", "<": "less than", "==": "exactly"}
FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
NEGATE = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


@attrs.frozen
class Threshold:
    """A number an ending's condition compares a meter with: a line across that meter's chart."""

    meter: str
    value: float
    op: str
    outcome: str  # the ending's title
    alone: bool  # the comparison is the whole condition (else one part of it)
    at_end: bool

    @property
    def words(self) -> str:
        value = fmt_number(self.value)
        test = f"{value} {OPS[self.op]}" if self.op in (">=", "<=") else f"{OPS[self.op]} {value}"
        return (f"{self.outcome}: {test}" + ("" if self.alone else ", with other conditions")
                + (", after the last turn" if self.at_end else ""))


def _comparisons(node: Node, negated: bool = False) -> Iterator[tuple[str, str, float]]:
    """(meter, op, number) of every comparison of a meter with a number, as the condition means it."""
    if isinstance(node, (And, Or)):
        for part in node.parts:
            yield from _comparisons(part, negated)
    elif isinstance(node, Not):
        yield from _comparisons(node.operand, not negated)
    elif isinstance(node, Comparison):
        left, right, op = node.left, node.right, node.op
        if isinstance(left, Number) and isinstance(right, MeterName):
            left, right, op = right, left, FLIP[op]
        if isinstance(left, MeterName) and isinstance(right, Number):
            yield left.id, NEGATE[op] if negated else op, right.value


def thresholds(scenario: Scenario, audience: Audience) -> dict[str, list[Threshold]]:
    """Each meter's endings thresholds, from the conditions' syntax trees; an ending whose condition
    reads what the audience may not see gives none (its condition is not the audience's to read)."""
    out: dict[str, list[Threshold]] = {}
    for outcome in scenario.outcomes:
        when = outcome.when
        if when is None or when.tree is None or not knows_names(scenario, audience, when.names):
            continue
        alone = isinstance(when.tree, Comparison)
        for meter_id, op, value in _comparisons(when.tree):
            meter = scenario.meter_index[meter_id]
            if op not in OPS or not meter.min <= value <= meter.max:
                continue
            found = Threshold(meter_id, value, op, outcome.title, alone, outcome.at_end)
            if found not in out.setdefault(meter_id, []):
                out[meter_id].append(found)
    return out


@attrs.frozen
class Column:
    short: str  # "Start", "T1"
    full: str  # "The scenario's start", "Turn 1 (June 2018)"


@attrs.frozen
class Tick:
    at: float
    label: str


@attrs.frozen
class Line:
    """A threshold line on a chart: its height, its letter and its words for the legend."""

    y: float
    letter: str
    words: str


@attrs.frozen
class Chart:
    """An SVG line chart's geometry, in its own units (the viewBox): the template only draws it."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    points: tuple[tuple[float, float], ...]
    lines: tuple[Line, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


def _step(span: float) -> float:
    """A round tick step giving 4 to 10 gridlines over the span."""
    raw = span / 5 if span / 5 > 0 else 1  # a span of a few denormals divides to 0
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def chart(values: Sequence[float], low: float, high: float, columns: Sequence[Column],
          lines: Sequence[Threshold]) -> Chart:
    width, height = 440, 220
    left, right, top, bottom = 40.0, width - 22.0, 12.0, height - 34.0
    span = (high - low) or 1
    n = max(len(values) - 1, 1)

    def x(i: int) -> float:
        return left + i * (right - left) / n

    def y(v: float) -> float:
        return bottom - (v - low) / span * (bottom - top)

    step = _step(high - low)
    ticks = []
    first = math.ceil(low / step) * step
    for k in range(11):  # counted, not added up: at 10^14 a step of 0.002 would not move a sum
        v = first + k * step
        if v > high + 1e-9:
            break
        ticks.append(Tick(round(y(v), 1), fmt_number(round(v, 6))))
    return Chart(width, height, left, right, top, bottom,
                 tuple(Tick(round(x(i), 1), c.short) for i, c in enumerate(columns)),
                 tuple(ticks),
                 tuple((round(x(i), 1), round(y(v), 1)) for i, v in enumerate(values)),
                 tuple(Line(round(y(t.value), 1), chr(ord("A") + k), t.words)  # A is the highest line
                       for k, t in enumerate(sorted(lines, key=lambda t: -t.value))))


BARS = "▁▂▃▄▅▆▇█"


def _spark(values: Sequence[float], low: float, high: float) -> str:
    span = (high - low) or 1
    return "".join(BARS[max(0, min(7, int((v - low) / span * 7 + 0.5)))] for v in values)


@attrs.frozen
class MeterView:
    id: str
    label: str
    description: str
    values: tuple[float, ...]  # the start, then the end of each turn (and where it ended, if mid-turn)
    cells: tuple[str, ...]
    spark: str
    thresholds: tuple[Threshold, ...]
    chart: Chart
    low: str
    high: str

    @property
    def start(self) -> str:
        return self.cells[0]

    @property
    def end(self) -> str:
        return self.cells[-1]

    @property
    def summary(self) -> str:
        """The chart's data in words, for readers who cannot see it."""
        return f"{self.label}, from {self.low} to {self.high}: " + ", ".join(self.cells)


def meter_columns(session: Session, audience: Audience) -> list[Column]:
    scenario = session.scenario
    columns = [Column("Start", "the scenario's start, before any inject")]
    columns += [Column(f"T{r.turn}", f"end of {scenario.turn_label(r.turn)}") for r in session.records]
    if _moved_since_last_turn(session, audience):
        during = scenario.turn_label(session.state.turn)
        if session.state.outcome:
            columns.append(Column("End", f"when the exercise ended, during {during}"))
        else:
            columns.append(Column("Now", f"now, during {during}"))
    elif not session.records:
        columns.append(Column("End", "when the exercise ended") if session.state.outcome else Column("Now", "now"))
    return columns


def _moved_since_last_turn(session: Session, audience: Audience) -> bool:
    return any(e.changes for e in project_events(session.scenario, audience, session.state.pending))


def meter_series(session: Session, audience: Audience = FACILITATOR) -> dict[str, list[float]]:
    """Each meter the audience sees: its value at the scenario's start (before turn 1's injects),
    at the end of each resolved turn, and where it stood when the exercise ended mid-turn."""
    scenario = session.scenario
    known = observe(session.state, audience, history=False).meters
    records = [project_record(scenario, audience, r) for r in session.records]
    moved = _moved_since_last_turn(session, audience)
    out = {}
    for meter in scenario.meters:
        if meter.id not in known:
            continue
        values = [meter.start] + [r.meters_after[meter.id] for r in records]
        if moved or not records:
            values.append(known[meter.id])
        out[meter.id] = values
    return out


def meters(session: Session, audience: Audience, columns: Sequence[Column]) -> list[MeterView]:
    scenario = session.scenario
    lines = thresholds(scenario, audience)
    series = meter_series(session, audience)
    out = []
    for meter in scenario.meters:
        if meter.id not in series:
            continue
        values = tuple(series[meter.id])
        mine = tuple(lines.get(meter.id, ()))
        out.append(MeterView(meter.id, meter.label, meter.description, values,
                             tuple(fmt_number(v) for v in values), _spark(values, meter.min, meter.max), mine,
                             chart(values, meter.min, meter.max, columns, mine),
                             fmt_number(meter.min), fmt_number(meter.max)))
    return out


# -- objectives, decisive moments, hot wash -----------------------------------------------------------
@attrs.frozen
class ObjectiveLine:
    text: str
    points: int
    met: bool | None

    @property
    def status(self) -> str:
        return met_words(self.met)

    @property
    def points_words(self) -> str:
        return f"{self.points} point{'s' if self.points != 1 else ''}"


@attrs.frozen
class TeamObjectives:
    team: str
    points: int | None
    total: int
    items: tuple[ObjectiveLine, ...]

    @property
    def score(self) -> str:
        return f"{self.points if self.points is not None else '?'} of {self.total} points"


@attrs.frozen
class DecisiveRow:
    turn: str
    before: str
    after: str
    change: str


@attrs.frozen
class Decisive:
    forced: bool
    replays: int
    rows: tuple[DecisiveRow, ...]
    moves: tuple[str, ...]
    figures: dict[str, Any]  # the numbers behind the words


def decisive_view(scenario: Scenario, figures: dict[str, Any]) -> Decisive:
    rows = tuple(DecisiveRow(scenario.turn_label(t["turn"]), f"{_percent(t['before'])}%", f"{_percent(t['after'])}%",
                             points_words(t["before"], t["after"])) for t in figures["turns"])
    moves = []
    for m in figures["moves"]:
        move = scenario.move_index[m["move"]]
        moves.append(f"{scenario.turn_label(m['turn'])}, {scenario.team_index[m['team']].name}, “{move.label}”: "
                     f"{_percent(m['with'])}% with it, {_percent(m['without'])}% without "
                     f"({points_words(m['without'], m['with'])})")
    return Decisive(figures["forced"], figures["replays"], rows, tuple(moves), figures)


def _turns_words(scenario: Scenario, turns: Sequence[int]) -> str:
    if len(turns) == 1:
        return scenario.turn_label(turns[0])
    numbers = [str(t) for t in turns]
    return "Turns " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def hot_wash(session: Session, audience: Audience = FACILITATOR) -> list[str]:
    """Debrief prompts: the scenario's questions, then one question per distinct cause the audience saw
    (a consequence that fired on three turns is one question naming the three turns)."""
    scenario = session.scenario
    prompts = list(scenario.debrief)
    events = [e for r in session.records for e in project_record(scenario, audience, r).events]
    events += [e for e in project_events(scenario, audience, session.state.pending) if e not in events]
    ending = ending_event(session.state)
    if ending is not None and ending.forced and ending not in events:
        events.append(ending)
    causes: dict[tuple[Any, ...], list[int]] = {}
    questions: dict[tuple[Any, ...], str] = {}
    for event in events:
        text = event_text(scenario, event)
        key = (event.kind, str(event.cause), text, event.reason)
        if event.kind == "rule" and event.success is not False:
            question = f"“{text}” Whose choices made this happen, in which order, and what else could they have done?"
        elif event.kind == "contingency" and event.carried_out is False:
            question = f"{text}. What would it have taken for both sides to move together?"
        elif event.kind == "expectation" and event.success is False:
            question = f"{text}. Who could have acted, and why did nobody?"
        elif event.kind == "clock" and event.phase == "expired":
            question = f"{text}. Who could have stopped it, and what would it have cost them?"
        elif event.kind == "override":
            question = f"the facilitator stepped in ({event.reason}). Did the class agree with that judgment?"
        elif event.kind == "outcome" and event.forced:
            question = (f"the facilitator ended the exercise ({event.reason or 'no reason given'}). "
                        "Where was it heading, and what would each team have done next?")
        else:
            continue
        turns = causes.setdefault(key, [])
        if event.turn not in turns:
            turns.append(event.turn)
        questions[key] = question
    for key, turns in causes.items():
        prompts.append(f"{_turns_words(scenario, turns)}: {questions[key]}")
    return prompts


# -- the view-model -------------------------------------------------------------------------------
AUDIENCE_NOTES = {
    "room": "The room's version: what every team may know. Secret moves, hidden meters and private "
            "injects are left out; it is safe to hand to students.",
    "facilitator": "The facilitator's version: everything, secret moves, hidden meters and private injects "
                   "included. Do not hand it out; the room's version is `ttx report JOURNAL --audience room`.",
}


def audience_note(scenario: Scenario, audience: Audience) -> str:
    if audience.kind == "team":
        name = scenario.team_index[audience.team].name
        return (f"{name}'s version: what {name} may know, its own secret moves and private news included. "
                "For that team only.")
    return AUDIENCE_NOTES[audience.kind]


@attrs.frozen
class TeamRow:
    name: str
    played_by: str


@attrs.frozen
class SourceLine:
    author: str
    title: str
    publisher: str
    date: str


@attrs.frozen
class Report:
    """Everything a report says for one audience, in words and geometry, independent of its format."""

    title: str
    scenario_id: str
    audience: Audience
    note: str
    date: str
    seed: int
    turns: str  # "8 turns of one month"
    teams: tuple[TeamRow, ...]
    outcome: str
    outcome_text: str
    outcome_why: str
    actions: tuple[Action, ...]
    timeline: tuple[TurnView, ...]
    columns: tuple[Column, ...]
    meters: tuple[MeterView, ...]
    objectives: tuple[TeamObjectives, ...]
    decisive: Decisive
    hot_wash: tuple[str, ...]
    sources: tuple[SourceLine, ...]

    @property
    def known_note(self) -> str:
        if self.audience.kind == "facilitator":
            return ""
        return (" Replays start from what this version's readers could know: hidden meters at their"
                " starting values and secret moves left out.")


def build(session: Session, replays: int = REPLAYS, audience: Audience = ROOM, jobs: int | None = None) -> Report:
    """The report for one audience: everything in it is projected to that audience first (decisive
    moments replayed in up to `jobs` processes; None: every core)."""
    state = session.state
    scenario = session.scenario
    ending = ending_event(state)
    if ending is not None:
        ending = project_event(scenario, audience, ending)
    title, text, why = ending_words(state, ending)
    played = players_by_turn(session)
    columns = meter_columns(session, audience)
    objectives = tuple(
        TeamObjectives(team.name, points, total,
                       tuple(ObjectiveLine(o.text, o.points, met) for o, met in items))
        for team, items, points, total in objective_results(state, audience))
    return Report(
        title=scenario.title,
        scenario_id=scenario.id,
        audience=audience,
        note=audience_note(scenario, audience),
        date=session.started_at[:10],
        seed=session.seed,
        turns=f"{scenario.turns} turns of {scenario.turn_length}",
        teams=tuple(TeamRow(t.name, played_words(played[t.id], session.players.get(t.id, "human")))
                    for t in scenario.teams),
        outcome=title,
        outcome_text=text,
        outcome_why=why,
        actions=tuple(facilitator_actions(session, audience)),
        timeline=tuple(timeline(session, audience, played)),
        columns=tuple(columns),
        meters=tuple(meters(session, audience, columns)),
        objectives=objectives,
        decisive=decisive_view(scenario, decisive_moments(session, replays, audience, jobs)),
        hot_wash=tuple(hot_wash(session, audience)),
        sources=tuple(SourceLine(s.author, s.title, s.publisher, s.date) for s in scenario.sources),
    )


# -- rendering ------------------------------------------------------------------------------------
def _md_cell(text: Any) -> str:
    """Text for a Markdown table cell: a pipe would end the cell, a newline the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> Any:
    """Escaped HTML with `backquoted` words as <code>."""
    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


@lru_cache(maxsize=1)
def _templates() -> Any:
    """The Jinja2 environment: HTML templates autoescape every value; Markdown ones do not."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("exercise", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = _md_cell
    env.filters["code"] = _code
    env.globals["ACTION_NAMES"] = ACTION_NAMES
    return env


def markdown(data: Report) -> str:
    return _templates().get_template("report.md").render(r=data)


def to_html(data: Report) -> str:
    """One self-contained page: no scripts, no external files; charts are inline SVG with their data as text."""
    return _templates().get_template("report.html").render(r=data)


def write_reports(session: Session, journal: Any, replays: int = REPLAYS) -> list[Any]:
    """The room's and the facilitator's reports beside the journal, Markdown and HTML, private files."""
    from pathlib import Path

    from exercise.journal import write_private

    journal = Path(journal)
    written = []
    for audience in (ROOM, FACILITATOR):
        data = build(session, replays, audience)
        for suffix, render in ((".md", markdown), (".html", to_html)):
            path = journal.with_suffix(f".{audience.kind}.report{suffix}")
            write_private(path, render(data))
            written.append(path)
    return written
