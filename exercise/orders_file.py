"""Scripted orders files: one `[[orders]]` table per team and turn, checked against the scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exercise.engine.model import Scenario
    from exercise.engine.state import Order


class OrdersFileError(Exception):
    """An orders file that cannot be used; the message is one line for the user."""


def _shown(value: Any) -> str:
    """A value as a message quotes it, cut short if long (a name is at most 64 characters)."""
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def _as_move(item: Any, where: str) -> Any:
    from exercise.engine.state import OrderedMove

    if isinstance(item, str):
        return OrderedMove(item)
    if isinstance(item, dict):
        unknown = set(item) - {"move", "if"}
        if unknown:
            raise OrdersFileError(f"{where}: unknown key '{sorted(unknown)[0]}' (a move is {{ move = \"…\", if = [\"…\"] }})")
        move = item.get("move")
        cond = item.get("if", [])
        if isinstance(cond, str):
            cond = [cond]
        if not isinstance(move, str) or not isinstance(cond, list) or not all(isinstance(c, str) for c in cond):
            raise OrdersFileError(f"{where}: a contingent move is {{ move = \"id\", if = [\"id\", …] }}")
        return OrderedMove(move, tuple(cond))
    raise OrdersFileError(f"{where}: a move is a move id or {{ move = \"…\", if = [\"…\"] }}")


def read_orders(path: str, scenario: Scenario) -> dict[int, dict[str, Order]]:
    """Read a scripted orders file; names are checked against the scenario up front."""
    from exercise.engine.limits import MAX_RATIONALE, document_problems
    from exercise.engine.loader import Problem, ScenarioError, parse_toml, read_source
    from exercise.engine.locate import locate
    from exercise.engine.words import suggest

    from exercise.engine.state import Order

    try:
        text, _ = read_source(path)
        doc = parse_toml(text, path)
    except ScenarioError as exc:
        raise OrdersFileError(exc.render()) from None
    breaches, _ = document_problems(doc)
    if breaches:
        positions = locate(text)
        problems = [Problem(code, message, where, *((in_value and positions.get(where + "="))
                                                     or positions.get(where) or (None, None)))
                    for code, where, message, in_value in breaches]
        raise OrdersFileError(ScenarioError(path, problems, text).render())
    unknown = set(doc) - {"orders"}
    if unknown:
        raise OrdersFileError(f"{path}: unknown key '{sorted(unknown)[0]}' (an orders file has [[orders]] tables)")
    items = doc.get("orders", [])
    if not isinstance(items, list):
        raise OrdersFileError(f"{path}: 'orders' must be an array of tables ([[orders]])")
    script: dict[int, dict[str, Order]] = {}
    teams = list(scenario.team_index)
    moves = list(scenario.move_index)
    for i, item in enumerate(items):
        where = f"{path}: orders[{i}]"
        if not isinstance(item, dict):
            raise OrdersFileError(f"{where}: must be a table")
        extra = set(item) - {"turn", "team", "moves", "rationale"}
        if extra:
            key = sorted(extra)[0]
            raise OrdersFileError(f"{where}: unknown key '{key}'{suggest(key, ['turn', 'team', 'moves', 'rationale'])}")
        turn, team = item.get("turn"), item.get("team")
        if isinstance(turn, bool) or not isinstance(turn, int) or not 1 <= turn <= scenario.turns:
            raise OrdersFileError(f"{where}: 'turn' must be a whole number from 1 to {scenario.turns}, not {turn!r}")
        if not isinstance(team, str) or team not in scenario.team_index:
            raise OrdersFileError(f"{where}: unknown team {_shown(team)}{suggest(str(team), teams)}")
        raw_moves = item.get("moves", [])
        if not isinstance(raw_moves, list):
            raise OrdersFileError(f"{where}: 'moves' must be an array")
        ordered = tuple(_as_move(m, f"{where}.moves[{j}]") for j, m in enumerate(raw_moves))
        for om in ordered:
            for name in (om.move, *om.contingent_on):
                if name not in scenario.move_index:
                    raise OrdersFileError(f"{where}: unknown move {_shown(name)}{suggest(name, moves)}")
        rationale = item.get("rationale", "")
        if not isinstance(rationale, str):
            raise OrdersFileError(f"{where}: 'rationale' must be a string")
        if len(rationale) > MAX_RATIONALE:
            raise OrdersFileError(f"{where}: the rationale is {len(rationale):,} characters long: at most {MAX_RATIONALE}")
        if team in script.get(turn, {}):
            raise OrdersFileError(f"{where}: a second order for {team} on turn {turn}")
        script.setdefault(turn, {})[team] = Order(team, ordered, rationale)
    return script
