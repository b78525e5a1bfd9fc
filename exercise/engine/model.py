"""The static scenario: immutable attrs classes built by the loader, never by hand from TOML.

The classes compare by identity (`eq=False`): a scenario is loaded once and shared, never
compared field by field, and leaving out the generated comparison methods keeps
`ttx check` start-up quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from exercise.engine.conditions import Condition, as_frozenset, as_tuple


def _readonly(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=False, repr=False)
class Citation:
    """A source a move, inject, rule or outcome rests on, with the passage when given."""

    source: str
    quote: str = ""


@attrs.frozen(eq=False, repr=False)
class Source:
    id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    note: str = ""


@attrs.frozen(eq=False, repr=False)
class Effects:
    """Meter deltas and flag changes, applied in this order: meters, set, clear."""

    meters: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=as_tuple)
    set: frozenset[str] = attrs.field(default=frozenset(), converter=as_frozenset)
    clear: frozenset[str] = attrs.field(default=frozenset(), converter=as_frozenset)

    def __bool__(self) -> bool:
        return bool(self.meters or self.set or self.clear)


NO_EFFECTS = Effects()


@attrs.frozen(eq=False, repr=False)
class Objective:
    id: str
    text: str
    when: Condition
    points: int = 1


@attrs.frozen(eq=False, repr=False)
class RedLine:
    """Moves (ids or tags) a team will not make unless a condition holds."""

    moves: frozenset[str]
    reason: str
    unless: Condition | None = None


@attrs.frozen(eq=False, repr=False)
class SequencingRule:
    """The team makes `move` only after `after` has been played, or together with it."""

    move: str  # a move id or tag of this team
    after: str  # a move id or tag of another team
    reason: str


@attrs.frozen(eq=False, repr=False)
class Doctrine:
    """How a computer player of a team weighs the world, what it refuses, and its temperament."""

    summary: str = ""
    values: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=as_tuple)  # meter -> weight per point
    flag_values: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=as_tuple)  # flag -> value when set
    objectives: float = 10.0  # weight of the team's objective score (0..1)
    red_lines: tuple[RedLine, ...] = attrs.field(default=(), converter=as_tuple)
    sequencing: tuple[SequencingRule, ...] = attrs.field(default=(), converter=as_tuple)
    risk: float = 0.5  # 0 avoids chance moves, 1 seeks them
    patience: float = 0.5  # 0 acts on any gain, 1 waits for clear gains


NO_DOCTRINE = Doctrine()


@attrs.frozen(eq=False, repr=False)
class Team:
    id: str
    name: str
    public_brief: str = ""
    private_brief: str = ""
    moves_per_turn: int = 1
    playable: bool = True
    objectives: tuple[Objective, ...] = attrs.field(default=(), converter=as_tuple)
    doctrine: Doctrine = NO_DOCTRINE


@attrs.frozen(eq=False, repr=False)
class Meter:
    id: str
    label: str
    start: float
    min: float = 0
    max: float = 100
    description: str = ""
    visible_to: frozenset[str] | None = None  # None: every team

    def clamp(self, value: float) -> float:
        return self.min if value < self.min else self.max if value > self.max else value


@attrs.frozen(eq=False, repr=False)
class Flag:
    id: str
    label: str
    start: bool = False
    description: str = ""
    visible_to: frozenset[str] | None = None


@attrs.frozen(eq=False, repr=False)
class Move:
    id: str
    team: str
    label: str
    description: str = ""
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)
    tags: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    requires: Condition | None = None
    requires_text: str = ""
    once: bool = False
    cooldown: int = 0
    secret: bool = False
    effects: Effects = NO_EFFECTS
    chance: float | None = None  # a fixed probability; see chance_expr for one that depends on the state
    chance_expr: Condition | None = None  # a number expression of the state, clamped to 0..1
    success: Effects = NO_EFFECTS
    failure: Effects = NO_EFFECTS
    success_text: str = ""
    failure_text: str = ""

    @property
    def gamble(self) -> bool:
        """Whether the move has a chance (a fixed one or an expression)."""
        return self.chance is not None or self.chance_expr is not None

    def probability(self, state) -> float:
        """The move's chance of success in `state` (an expression is clamped to 0..1)."""
        return odds(self.chance, self.chance_expr, state)


@attrs.frozen(eq=False, repr=False)
class Chance:
    """A probability: a fixed number, or a number expression of the state (clamped to 0..1)."""

    value: float | None = None
    expression: Condition | None = None  # a compiled number expression, when the author wrote one

    @property
    def source(self) -> str:
        return self.expression.source if self.expression is not None else f"{self.value:g}"

    def of(self, state) -> float:
        return odds(self.value, self.expression, state)


def odds(value: float | None, expression: Condition | None, state) -> float:
    """A probability: the fixed `value`, or `expression` on the state clamped to 0..1 (NaN: 0); none: 1."""
    if expression is None:
        return value if value is not None else 1.0
    found = expression.evaluate(state)
    return 0.0 if found != found or found < 0 else 1.0 if found > 1 else float(found)


@attrs.frozen(eq=False, repr=False)
class Rule:
    id: str
    when: Condition
    message: str
    effects: Effects = NO_EFFECTS
    once: bool = True
    to: frozenset[str] | None = None
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)
    chance: Chance | None = None  # fires only if a draw comes under it, once its condition holds
    allow: frozenset[str] = attrs.field(default=frozenset(), converter=as_frozenset)  # warning codes it leaves out


@attrs.frozen(eq=False, repr=False)
class ExpectedAction:
    """What an inject expects someone to do, by when, and what comes if they do not."""

    text: str  # the action in words: "Washington answers the Council"
    when: Condition  # holds once the action is done
    within: int = 1  # turns after the inject's turn, that one included (1: the same turn)
    team: str | None = None  # who is expected to act, if one team
    if_missed: str | None = None  # an inject that comes at the start of the turn after the deadline


@attrs.frozen(eq=False, repr=False)
class Inject:
    id: str
    title: str
    text: str = ""
    turn: int | None = None
    when: Condition | None = None
    to: frozenset[str] | None = None
    effects: Effects = NO_EFFECTS
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)
    sender: str = ""  # `from`: who sends it ("CIA analysts", "the UN Security Council")
    expected: ExpectedAction | None = None
    chance: Chance | None = None  # comes only if a draw comes under it (a condition's inject: tried each turn)

    @property
    def manual_only(self) -> bool:
        return self.turn is None and self.when is None


@attrs.frozen(eq=False, repr=False)
class DrawOption:
    """One way a hidden draw can come out: a fact (a flag of its own) and the changes it brings."""

    id: str
    label: str
    weight: float = 1.0
    description: str = ""
    effects: Effects = NO_EFFECTS


@attrs.frozen(eq=False, repr=False)
class Draw:
    """A hidden draw at setup: exactly one option's fact is set, known only to `visible_to`."""

    id: str
    label: str
    options: tuple[DrawOption, ...] = attrs.field(converter=as_tuple)
    visible_to: frozenset[str] = frozenset()  # besides the facilitator; empty: nobody
    description: str = ""
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(eq=False, repr=False)
class Estimate:
    """What some teams see of a meter: its value `lag` turns ago, plus `bias`, plus noise of up to `noise`.

    `noise` is a number or the id of a meter whose value is the spread (moves such as
    verification narrow it by lowering that meter).
    """

    id: str
    of: str  # the meter estimated
    label: str
    visible_to: frozenset[str]
    noise: float = 0.0
    noise_meter: str | None = None
    bias: float = 0.0
    lag: int = 0
    description: str = ""
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(eq=False, repr=False)
class Clock:
    """A countdown started by a condition: `turns` turns, then its deadline inject (unless stopped)."""

    id: str
    label: str
    starts_when: Condition
    turns: int
    stops_when: Condition | None = None
    deadline: str | None = None  # an inject that comes at the start of the turn after the last
    visible_to: frozenset[str] | None = None  # None: every team
    description: str = ""
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(eq=False, repr=False)
class Outcome:
    id: str
    title: str
    text: str
    when: Condition | None = None
    at_end: bool = False
    sources: tuple[Citation, ...] = attrs.field(default=(), converter=as_tuple)


LEVELS = ("random", "doctrine", "lookahead")  # the computer players, weakest first

EXPECTATION_CHECKS = ("ending_share", "endings_spread", "ending_not_before", "no_decisive_move",
                      "strategy_below_doctrine")


@attrs.frozen(eq=False, repr=False)
class Expectation:
    """A claim about play, checked by simulation (`ttx test`): the author's design intent, written down.

    `check` says which claim; the other fields are its figures (see scenarios/README.md, expect).
    """

    id: str
    text: str
    check: str
    players: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=as_tuple)  # team -> level
    runs: int = 200
    seed: int = 1
    ending: str | None = None
    min: float | None = None
    max: float | None = None
    count: int | None = None
    turn: int | None = None
    team: str | None = None
    strategy: str | None = None  # "pass", "random", or an orders file (path relative to the scenario)


@attrs.frozen(eq=False, repr=False)
class Variant:
    """Another cut of the same scenario: fewer or more turns, their labels, and when injects come."""

    id: str
    title: str
    description: str = ""
    summary: str | None = None  # the scenario's summary as this cut tells it
    turns: int | None = None
    turn_length: str | None = None
    turn_labels: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    schedule: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=as_tuple)  # inject id -> turn


@attrs.frozen(eq=False, repr=False)
class Scenario:
    """Everything a scenario file says, validated; the engine's static half."""

    id: str
    title: str
    summary: str
    turns: int
    teams: tuple[Team, ...] = attrs.field(converter=as_tuple)
    meters: tuple[Meter, ...] = attrs.field(converter=as_tuple)
    flags: tuple[Flag, ...] = attrs.field(converter=as_tuple)
    moves: tuple[Move, ...] = attrs.field(converter=as_tuple)
    rules: tuple[Rule, ...] = attrs.field(converter=as_tuple)
    injects: tuple[Inject, ...] = attrs.field(converter=as_tuple)
    outcomes: tuple[Outcome, ...] = attrs.field(converter=as_tuple)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=as_tuple)
    turn_length: str = "one turn"
    turn_labels: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    debrief: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    expectations: tuple[Expectation, ...] = attrs.field(default=(), converter=as_tuple)
    variants: tuple[Variant, ...] = attrs.field(default=(), converter=as_tuple)
    draws: tuple[Draw, ...] = attrs.field(default=(), converter=as_tuple)
    estimates: tuple[Estimate, ...] = attrs.field(default=(), converter=as_tuple)
    clocks: tuple[Clock, ...] = attrs.field(default=(), converter=as_tuple)
    variant: str = ""  # the variant applied, if any
    format: int = 1
    path: str = ""
    content_hash: str = ""
    # Indexes, derived from the tuples above.
    team_index: Mapping[str, Team] = attrs.field(init=False, eq=False, repr=False)
    meter_index: Mapping[str, Meter] = attrs.field(init=False, eq=False, repr=False)
    flag_index: Mapping[str, Flag] = attrs.field(init=False, eq=False, repr=False)
    move_index: Mapping[str, Move] = attrs.field(init=False, eq=False, repr=False)
    inject_index: Mapping[str, Inject] = attrs.field(init=False, eq=False, repr=False)
    rule_index: Mapping[str, Rule] = attrs.field(init=False, eq=False, repr=False)
    outcome_index: Mapping[str, Outcome] = attrs.field(init=False, eq=False, repr=False)
    estimate_index: Mapping[str, Estimate] = attrs.field(init=False, eq=False, repr=False)
    clock_index: Mapping[str, Clock] = attrs.field(init=False, eq=False, repr=False)
    # a move id or tag -> the secret moves it names (only names that name some)
    secret_named: Mapping[str, frozenset[str]] = attrs.field(init=False, eq=False, repr=False)
    moves_by_team: Mapping[str, tuple[Move, ...]] = attrs.field(init=False, eq=False, repr=False)
    team_order: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)
    # team id -> the meters and flags it may see
    visible_meters: Mapping[str, tuple[str, ...]] = attrs.field(init=False, eq=False, repr=False)
    visible_flags: Mapping[str, frozenset[str]] = attrs.field(init=False, eq=False, repr=False)
    # turn -> the injects that may fire by themselves at its start, in file order
    injects_by_turn: Mapping[int, tuple[Inject, ...]] = attrs.field(init=False, eq=False, repr=False)
    # tables the engine works out from the scenario the first time it needs them (see audience.py)
    derived: dict = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "team_index", _readonly({t.id: t for t in self.teams}))
        set_(self, "meter_index", _readonly({m.id: m for m in self.meters}))
        set_(self, "flag_index", _readonly({f.id: f for f in self.flags}))
        set_(self, "move_index", _readonly({m.id: m for m in self.moves}))
        set_(self, "inject_index", _readonly({i.id: i for i in self.injects}))
        set_(self, "rule_index", _readonly({r.id: r for r in self.rules}))
        set_(self, "outcome_index", _readonly({o.id: o for o in self.outcomes}))
        set_(self, "estimate_index", _readonly({e.id: e for e in self.estimates}))
        set_(self, "clock_index", _readonly({c.id: c for c in self.clocks}))
        secret_named: dict[str, set[str]] = {}
        for move in self.moves:
            if move.secret:
                for name in (move.id, *move.tags):
                    secret_named.setdefault(name, set()).add(move.id)
        set_(self, "secret_named", _readonly({k: frozenset(v) for k, v in secret_named.items()}))
        by_team: dict[str, list[Move]] = {t.id: [] for t in self.teams}
        for move in self.moves:
            by_team.setdefault(move.team, []).append(move)
        set_(self, "moves_by_team", _readonly({k: tuple(v) for k, v in by_team.items()}))
        set_(self, "team_order", _readonly({t.id: i for i, t in enumerate(self.teams)}))
        set_(self, "visible_meters", _readonly({
            t.id: tuple(m.id for m in self.meters if m.visible_to is None or t.id in m.visible_to)
            for t in self.teams
        }))
        set_(self, "visible_flags", _readonly({
            t.id: frozenset(f.id for f in self.flags if f.visible_to is None or t.id in f.visible_to)
            for t in self.teams
        }))
        set_(self, "derived", {})
        set_(self, "injects_by_turn", _readonly({
            turn: tuple(i for i in self.injects if i.turn == turn or (i.turn is None and i.when is not None))
            for turn in range(1, self.turns + 1)
        }))

    def turn_label(self, turn: int) -> str:
        if 1 <= turn <= len(self.turn_labels):
            return f"Turn {turn} ({self.turn_labels[turn - 1]})"
        return f"Turn {turn}"


def apply_variant(scenario: Scenario, variant_id: str) -> Scenario:
    """The scenario as a variant cuts it. An inject scheduled after the variant's last turn, and
    not rescheduled, can still be fired by hand (or fires by its condition, if it has one)."""
    variant = next((v for v in scenario.variants if v.id == variant_id), None)
    if variant is None:
        from exercise.engine.words import suggest

        names = [v.id for v in scenario.variants]
        raise ValueError(f"unknown variant '{variant_id}'{suggest(variant_id, names)}"
                         + (f" (variants: {', '.join(names)})" if names else " (this scenario has no variants)"))
    turns = variant.turns or scenario.turns
    schedule = dict(variant.schedule)
    injects = []
    for inject in scenario.injects:
        turn = schedule.get(inject.id, inject.turn)
        if turn is not None and turn > turns:
            turn = None
        injects.append(attrs.evolve(inject, turn=turn) if turn != inject.turn else inject)
    return attrs.evolve(
        scenario,
        turns=turns,
        turn_length=variant.turn_length or scenario.turn_length,
        summary=variant.summary or scenario.summary,
        turn_labels=variant.turn_labels or (scenario.turn_labels[:turns] if len(scenario.turn_labels) >= turns else ()),
        injects=injects,
        variant=variant.id,
    )
