"""Small scenarios written inline for engine tests, and shortcuts for orders and play."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exercise.engine import (
    Names,
    Order,
    OrderedMove,
    Scenario,
    State,
    TurnRecord,
    compile_condition,
    initial_state,
    parse_scenario,
    resolve_turn,
)

TEAM_NAMES = {"a": "Alpha", "b": "Bravo", "c": "Charlie"}

HEAD = """\
format = 1

[scenario]
id = "test_bed"
title = "Test bed"
summary = "A scenario written inline by a test."
turns = {turns}

[[meters]]
id = "m"
label = "M"
start = {start}

[[meters]]
id = "hidden"
label = "Hidden"
start = 0
visible_to = ["a"]

[[flags]]
id = "f"
label = "F"

[[flags]]
id = "g"
label = "G"

[[outcomes]]
id = "time_up"
title = "Time is up"
text = "The turns ran out."
at_end = true
"""


def scenario(
    body: str = "",
    *,
    turns: int = 4,
    per_turn: int = 2,
    teams: str = "ab",
    start: float = 50,
) -> Scenario:
    """A scenario with teams (a, b, c), meters m (0..100) and hidden (only a sees it), flags f and g.

    Every team also gets a move `<team>_wait` with no effect, so that `body` needs to declare
    only the moves a test is about. The at-end outcome `time_up` comes first in the file; a
    body's outcomes follow it, which matters only after the last turn.
    """
    parts = [HEAD.format(turns=turns, start=start)]
    for team in teams:
        parts.append(
            f'\n[[teams]]\nid = "{team}"\nname = "{TEAM_NAMES[team]}"\nmoves_per_turn = {per_turn}\n'
        )
        parts.append(move(f"{team}_wait", team))
    parts.append(body)
    return parse_scenario("".join(parts), "test_bed.toml")


def move(id_: str, team: str = "a", **fields: str) -> str:
    """A [[moves]] table; `fields` are TOML values written as they would be in the file."""
    fields.setdefault("label", f'"{id_.capitalize()}"')
    extra = "".join(f"{key} = {value}\n" for key, value in fields.items())
    return f'\n[[moves]]\nid = "{id_}"\nteam = "{team}"\n{extra}'


def table(kind: str, id_: str, **fields: str) -> str:
    """Any other array-of-tables entry ([[rules]], [[injects]], [[outcomes]]) with TOML values."""
    extra = "".join(f"{key} = {value}\n" for key, value in fields.items())
    return f'\n[[{kind}]]\nid = "{id_}"\n{extra}'


def order(team: str, *items: str | tuple[str, ...], rationale: str = "") -> Order:
    """An order; an item ("x", "y", ...) is move x contingent on moves y, ...."""
    moves = tuple(
        OrderedMove(item[0], tuple(item[1:])) if isinstance(item, tuple) else OrderedMove(item)
        for item in items
    )
    return Order(team, moves, rationale)


def orders(sc: Scenario, **by_team: Iterable[str | tuple[str, ...]]) -> dict[str, Order]:
    """One order per team of `sc`; a team not named passes (an empty order)."""
    return {team.id: order(team.id, *by_team.get(team.id, ())) for team in sc.teams}


def play(sc: Scenario, *turns: Mapping[str, Iterable], seed: int = 1) -> tuple[State, list[TurnRecord]]:
    """Play one turn per mapping of team -> moves (teams left out pass), from the start."""
    state = initial_state(sc, seed)
    records = []
    for by_team in turns:
        state, record = resolve_turn(state, orders(sc, **by_team))
        records.append(record)
    return state, records


def names_of(sc: Scenario) -> Names:
    """What a condition of `sc` may name, as the loader computes it."""
    moves = frozenset(sc.move_index)
    return Names(
        meters=frozenset(sc.meter_index),
        flags=frozenset(sc.flag_index),
        moves=moves,
        tags=frozenset(tag for m in sc.moves for tag in m.tags) - moves,
        fireables=frozenset(r.id for r in sc.rules) | frozenset(sc.inject_index),
    )


def holds(state: State, condition: str) -> bool:
    """Whether `condition` holds on `state`, compiled as the loader compiles it."""
    return compile_condition(condition, names_of(state.scenario))(state)


def value(state: State, expression: str, expected: float | bool) -> float | bool:
    """`expected` if `expression` evaluates to it on `state`, else the condition's verdict.

    A condition is true or false, so a number is read through the language itself:
    `expression == expected`.
    """
    if isinstance(expected, bool):
        return holds(state, expression)
    return expected if holds(state, f"{expression} == {expected}") else f"{expression} != {expected}"


def kinds(record: TurnRecord) -> list[tuple[str, str]]:
    """The (kind, cause) of every event of a turn, in order."""
    return [(e.kind, str(e.cause)) for e in record.events]
