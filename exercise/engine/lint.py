"""Warnings for authors: things a scenario allows but almost certainly does not mean.

Static warnings come from reading the scenario; the ones that need play (a move never legal,
a rule that never fires, an ending never reached) come from simulated games, in
`exercise.simulate.simulation_warnings`.
"""

from __future__ import annotations

import re

from exercise.engine.loader import Problem
from exercise.engine.locate import locate
from exercise.engine.model import Effects, Scenario

WARNING_HINTS = {
    "W101": "give some move, rule or inject an effect on it, or remove the meter",
    "W102": "set it in an effect and read it in a condition, or remove the flag",
    "W103": "private texts should not name another team's secret moves",
    "W104": "check the move's `requires`, `once` and `cooldown`",
    "W105": "check the condition: in the simulated games it never held",
    "W106": "give the team a move it can always play, or set moves_per_turn = 0",
    "W107": "check the outcome's condition and the outcomes before it (the first that holds wins)",
    "W108": "write it as TOML 1.0: an inline table on one line with no trailing comma, or a [table] of its own",
}


def _effects(scenario: Scenario) -> list[Effects]:
    out = []
    for move in scenario.moves:
        out += [move.effects, move.success, move.failure]
    out += [rule.effects for rule in scenario.rules]
    out += [inject.effects for inject in scenario.injects]
    return out


def _conditions(scenario: Scenario):
    for team in scenario.teams:
        for objective in team.objectives:
            yield objective.when
        for line in team.doctrine.red_lines:
            if line.unless is not None:
                yield line.unless
    for move in scenario.moves:
        if move.requires is not None:
            yield move.requires
    for rule in scenario.rules:
        yield rule.when
    for item in (*scenario.injects, *scenario.outcomes):
        if item.when is not None:
            yield item.when


def warning(code: str, message: str, path: str, positions: dict[str, tuple[int, int]]) -> Problem:
    line, col = positions.get(path, (None, None))
    return Problem(code, message, path, line, col, severity="warning", hint=WARNING_HINTS.get(code, ""))


_COMPARISON = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")


def never_holds(scenario: Scenario, source: str) -> str | None:
    """Why a condition can never hold, when reading it is enough to tell; else None."""
    if source.strip() == "false":
        return "it is the constant false"
    match = _COMPARISON.match(source)
    if match is None or match.group(1) not in scenario.meter_index:
        return None
    meter = scenario.meter_index[match.group(1)]
    op, value = match.group(2), float(match.group(3))
    possible = {
        "<": meter.min < value, "<=": meter.min <= value, ">": meter.max > value,
        ">=": meter.max >= value, "==": meter.min <= value <= meter.max,
    }[op]
    if possible:
        return None
    return f"{meter.id} always stays within {meter.min:g}..{meter.max:g}"


def static_warnings(scenario: Scenario, source: str) -> list[Problem]:
    """Warnings that reading the scenario is enough to find."""
    positions: dict[str, tuple[int, int]] = {}  # filled below, only if there is a warning to place
    problems = []
    changed = {m for e in _effects(scenario) for m, _ in e.meters}
    for i, meter in enumerate(scenario.meters):
        if meter.id not in changed:
            problems.append(warning("W101", f"nothing ever changes meter '{meter.id}': it stays at {meter.start:g}",
                                    f"meters[{i}]", positions))
    read = set().union(*(c.names for c in _conditions(scenario)))
    read |= {f for t in scenario.teams for f, _ in t.doctrine.flag_values}
    written = {f for e in _effects(scenario) for f in (*e.set, *e.clear)}
    for i, flag in enumerate(scenario.flags):
        if flag.id not in read and flag.id not in written:
            problems.append(warning("W102", f"flag '{flag.id}' is never set, cleared or read", f"flags[{i}]", positions))
        elif flag.id not in read:
            problems.append(warning("W102", f"flag '{flag.id}' is set but no condition reads it", f"flags[{i}]", positions))
        elif flag.id not in written and not flag.start:
            problems.append(warning("W102", f"flag '{flag.id}' is read but nothing ever sets it: it is always false",
                                    f"flags[{i}]", positions))
    for kind, items in (("rules", scenario.rules), ("injects", scenario.injects), ("outcomes", scenario.outcomes)):
        for i, item in enumerate(items):
            if item.when is None:
                continue
            why = never_holds(scenario, item.when.source)
            if why:
                problems.append(warning("W105", f"the condition of {kind[:-1]} '{item.id}' can never hold: {why}",
                                        f"{kind}[{i}].when", positions))
    for i, move in enumerate(scenario.moves):
        if move.requires is not None:
            why = never_holds(scenario, move.requires.source)
            if why:
                problems.append(warning("W104", f"move '{move.id}' can never be played: its requirement can never "
                                        f"hold ({why})", f"moves[{i}].requires", positions))
    secrets = [(m, m.label) for m in scenario.moves if m.secret]
    for i, team in enumerate(scenario.teams):
        for move, label in secrets:
            if move.team != team.id and label.lower() in team.private_brief.lower():
                problems.append(warning("W103", f"the private brief of {team.id} names '{label}', a secret move of {move.team}",
                                        f"teams[{i}].private_brief", positions))
    for i, inject in enumerate(scenario.injects):
        text = f"{inject.title} {inject.text}".lower()
        for move, label in secrets:
            audience = inject.to if inject.to is not None else frozenset(t.id for t in scenario.teams)
            if label.lower() in text and audience - {move.team}:
                problems.append(warning("W103", f"inject '{inject.id}' names '{label}', a secret move of {move.team}, "
                                        "to other teams", f"injects[{i}]", positions))
    toml10 = toml_1_0_problem(source)
    if not problems:
        return [toml10] if toml10 else problems
    # Scanning the source for positions costs as much as the checks: only when needed.
    positions.update(locate(source))
    return [warning(p.code, p.message, p.path, positions) for p in problems] + ([toml10] if toml10 else [])


_AT = re.compile(r"^(?P<msg>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def toml_1_0_problem(source: str) -> Problem | None:
    """W108: a form of TOML 1.1 (a newline or trailing comma in an inline table, say) that tomli reads
    but TOML 1.0 readers reject: Taplo and Even Better TOML in editors, and Python's tomllib."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML 1.0 reader to compare with
        return None
    try:
        tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = _AT.match(str(exc))
        line, col = (int(match["line"]), int(match["col"])) if match else (None, None)
        words = match["msg"] if match else str(exc)
        return Problem("W108", "a form of TOML that editors and TOML 1.0 readers (Taplo, Python's tomllib) "
                       f"reject: {words}", "", line, col, severity="warning", hint=WARNING_HINTS["W108"])
    return None
