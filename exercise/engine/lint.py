"""Warnings for authors: things a scenario allows but almost certainly does not mean.

Static warnings come from reading the scenario; the ones that need play (a move never legal,
a rule that never fires, an ending never reached) come from simulated games, in
`exercise.simulate.simulation_warnings`.
"""

from __future__ import annotations

import re

from exercise.engine.conditions import (
    NUMBER, And, Arithmetic, Comparison, MeterName, Negate, Node, Number, Or, Truth, subtrees,
)
from exercise.engine.loader import Problem
from exercise.engine.locate import locate
from exercise.engine.model import Effects, Rule, Scenario

WARNING_HINTS = {
    "W101": "give some move, rule or inject an effect on it, or remove the meter",
    "W102": "set it in an effect and read it in a condition, or remove the flag",
    "W103": "private texts should not name another team's secret moves",
    "W104": "check the move's `requires`, `once` and `cooldown`",
    "W105": "check the condition: in the simulated games it never held",
    "W106": "give the team a move it can always play, or set moves_per_turn = 0",
    "W107": "check the outcome's condition and the outcomes before it (the first that holds wins)",
    "W108": "write it as TOML 1.0: an inline table on one line with no trailing comma, or a [table] of its own",
    "W109": 'if the one-turn delay is intended, write allow = ["W109"] in the rule that reads the flag',
}


def _effects(scenario: Scenario) -> list[Effects]:
    out = []
    for move in scenario.moves:
        out += [move.effects, move.success, move.failure]
    out += [rule.effects for rule in scenario.rules]
    out += [inject.effects for inject in scenario.injects]
    out += [option.effects for draw in scenario.draws for option in draw.options]
    return out


def conditions_of(scenario: Scenario):
    """Every condition and number expression of a scenario."""
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
    for inject in scenario.injects:
        if inject.expected is not None:
            yield inject.expected.when
    for clock in scenario.clocks:
        yield clock.starts_when
        if clock.stops_when is not None:
            yield clock.stops_when
    expressions = [move.chance_expr for move in scenario.moves]  # chances written as expressions
    expressions += [item.chance.expression for item in (*scenario.rules, *scenario.injects) if item.chance is not None]
    yield from (e for e in expressions if e is not None)


def warning(code: str, message: str, path: str, positions: dict[str, tuple[int, int]]) -> Problem:
    line, col = positions.get(path, (None, None))
    return Problem(code, message, path, line, col, severity="warning", hint=WARNING_HINTS.get(code, ""))


def never_holds(scenario: Scenario, condition) -> str | None:
    """Why a condition (compiled, or its tree) can never hold, when reading it is enough to tell; else None.

    Found by walking the tree: the constant `false`; a comparison that the bounds of the meters
    it reads rule out (`tension > 100`, `tension + 10 < 5` with tension in 0..100); an `and`
    with a part that can never hold; an `or` whose parts all can never hold.
    """
    tree = getattr(condition, "tree", condition)
    return None if tree is None else _never(scenario, tree)


def _never(scenario: Scenario, node: Node) -> str | None:
    if isinstance(node, Truth):
        return None if node.value else "it is the constant false"
    if isinstance(node, And):
        return next((why for why in (_never(scenario, p) for p in node.parts) if why), None)
    if isinstance(node, Or):
        whys = [_never(scenario, p) for p in node.parts]
        return "; ".join(dict.fromkeys(whys)) if all(whys) else None  # type: ignore[arg-type]
    if isinstance(node, Comparison) and node.left.type == NUMBER:
        return _out_of_bounds(scenario, node)
    return None


def _out_of_bounds(scenario: Scenario, node: Comparison) -> str | None:
    left, right = _bounds(scenario, node.left), _bounds(scenario, node.right)
    meters = list(dict.fromkeys(n.id for n in subtrees(node) if isinstance(n, MeterName)))
    if left is None or right is None or not meters:
        return None
    (a, b), (c, d) = left, right
    possible = {
        "<": a < d, "<=": a <= d, ">": b > c, ">=": b >= c, "==": a <= d and c <= b, "!=": not a == b == c == d,
    }[node.op]
    if possible:
        return None
    return "; ".join(f"{m.id} always stays within {m.min:g}..{m.max:g}"
                     for m in (scenario.meter_index[name] for name in meters))


def _bounds(scenario: Scenario, node: Node) -> tuple[float, float] | None:
    """The least and the greatest value of a sum of meters and numbers; None for anything else."""
    if isinstance(node, Number):
        return node.value, node.value
    if isinstance(node, MeterName):
        meter = scenario.meter_index[node.id]
        return meter.min, meter.max
    if isinstance(node, Negate):
        inner = _bounds(scenario, node.operand)
        return None if inner is None else (-inner[1], -inner[0])
    if isinstance(node, Arithmetic) and node.op in "+-":
        left, right = _bounds(scenario, node.left), _bounds(scenario, node.right)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left[0] + right[0], left[1] + right[1]
        return left[0] - right[1], left[1] - right[0]
    return None


def same_state_reads(scenario: Scenario) -> list[tuple[int, str, str]]:
    """W109: rules whose condition reads a flag another rule's effects set or clear.

    Every rule is tested on the same post-move state before any rule's effects apply (step 5
    of a turn), so the reader sees the change only on the next turn. Returns (index of the
    reading rule, the flag, the words naming the rules that change it).
    """
    changers: dict[tuple[str, str], list[Rule]] = {}  # (verb, flag) -> the rules whose effects do it
    for rule in scenario.rules:
        for verb in ("set", "clear"):
            for flag in getattr(rule.effects, verb):
                changers.setdefault((verb, flag), []).append(rule)
    out = []
    for i, rule in enumerate(scenario.rules):
        for flag in sorted(rule.when.names & scenario.flag_index.keys()):
            writers = []
            for verb in ("set", "clear"):
                ids = [f"'{r.id}'" for r in changers.get((verb, flag), ()) if r is not rule]
                if len(ids) > 5:  # a thousand rules may change one flag: the message names a few
                    ids = ids[:4] + [f"{len(ids) - 4} more"]
                if len(ids) == 1:
                    writers.append(f"rule {ids[0]} {verb}s")
                elif ids:
                    writers.append(f"rules {', '.join(ids[:-1])} and {ids[-1]} {verb}")
            if writers:
                out.append((i, flag, " and ".join(writers)))
    return out


def allowed(scenario: Scenario, problem: Problem) -> bool:
    """Whether the rule a warning is about allows its code (`allow = ["W109"]`)."""
    match = _RULE_PATH.match(problem.path)
    if match is None or int(match[1]) >= len(scenario.rules):
        return False
    return problem.code in scenario.rules[int(match[1])].allow


_RULE_PATH = re.compile(r"rules\[(\d+)\](?:\.|$)")


def static_warnings(scenario: Scenario, source: str) -> list[Problem]:
    """Warnings that reading the scenario is enough to find."""
    positions: dict[str, tuple[int, int]] = {}  # filled below, only if there is a warning to place
    problems = []
    changed = {m for e in _effects(scenario) for m, _ in e.meters}
    for i, meter in enumerate(scenario.meters):
        if meter.id not in changed:
            problems.append(warning("W101", f"nothing ever changes meter '{meter.id}': it stays at {meter.start:g}",
                                    f"meters[{i}]", positions))
    read = set().union(*(c.names for c in conditions_of(scenario)))
    read |= {f for t in scenario.teams for f, _ in t.doctrine.flag_values}
    written = {f for e in _effects(scenario) for f in (*e.set, *e.clear)}
    written |= {option.id for draw in scenario.draws for option in draw.options}  # a draw sets one of them
    declared = len(scenario.flags) - sum(len(d.options) for d in scenario.draws)  # then the draws' options
    options = [f"draws[{i}].options[{j}]" for i, d in enumerate(scenario.draws) for j in range(len(d.options))]
    paths = [f"flags[{i}]" for i in range(declared)] + options
    for path, flag in zip(paths, scenario.flags):
        if flag.id not in read and flag.id not in written:
            problems.append(warning("W102", f"flag '{flag.id}' is never set, cleared or read", path, positions))
        elif flag.id not in read:
            what = "drawn" if path.startswith("draws") else "set"
            problems.append(warning("W102", f"flag '{flag.id}' is {what} but no condition reads it", path, positions))
        elif flag.id not in written and not flag.start:
            problems.append(warning("W102", f"flag '{flag.id}' is read but nothing ever sets it: it is always false",
                                    path, positions))
    for kind, items in (("rules", scenario.rules), ("injects", scenario.injects), ("outcomes", scenario.outcomes)):
        for i, item in enumerate(items):
            if item.when is None:
                continue
            why = never_holds(scenario, item.when)
            if why:
                problems.append(warning("W105", f"the condition of {kind[:-1]} '{item.id}' can never hold: {why}",
                                        f"{kind}[{i}].when", positions))
    for i, move in enumerate(scenario.moves):
        if move.requires is not None:
            why = never_holds(scenario, move.requires)
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
    for i, flag, writers in same_state_reads(scenario):
        rule = scenario.rules[i].id
        problems.append(warning("W109", f"rule '{rule}' reads flag '{flag}', which {writers}: every rule is tested "
                                f"on the same state, so '{rule}' sees the change only on the next turn",
                                f"rules[{i}].when", positions))
    problems = [p for p in problems if not allowed(scenario, p)]
    toml10 = toml_1_0_problem(source)
    if not problems:
        return [toml10] if toml10 else problems
    # Scanning the source for positions costs as much as the checks: only when needed.
    positions.update(locate(source))
    return [warning(p.code, p.message, p.path, positions) for p in problems] + ([toml10] if toml10 else [])


_AT = re.compile(r"^(?P<msg>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


# What TOML 1.1 adds that a TOML 1.0 reader rejects: newlines, comments and a trailing comma in
# an inline table, the escapes \e and \xHH in basic strings, and times without seconds.
_STRING_OR_COMMENT = re.compile(  # each string's body as a loop of plain runs, for speed
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*""""{0,2}'  # multi-line basic: it may end in five quotes
    r"|'''[^']*(?:'(?!'')[^']*)*''''{0,2}"  # multi-line literal, the same
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # a basic string
    r"|'[^'\n]*'"  # a literal string
    r"|#[^\n]*",  # a comment
    re.DOTALL,
)
_ONE_LINE_INLINE_TABLE = re.compile(r"\{[^{}\n]*\}")
_TRAILING_COMMA = re.compile(r",\s*\}")


def may_use_toml_1_1(source: str) -> bool:
    """False when TOML text that tomli reads is sure to be TOML 1.0 too; True when it may not be.

    A scan, much quicker than a second parse: without its strings and comments, a valid
    document has braces only around inline tables and colons only in times. True for an
    escape `\\e` or `\\x` anywhere, any time or date-time, a comma before a `}`, or an inline
    table that does not open and close on one line (an array in it may span lines in TOML 1.0
    too: then the TOML 1.0 reader decides).
    """
    if "\\e" in source or "\\x" in source:
        return True
    code = _STRING_OR_COMMENT.sub(" ", source)
    if ":" in code or _TRAILING_COMMA.search(code):
        return True
    while "{" in code:  # inline tables, innermost first
        shorter = _ONE_LINE_INLINE_TABLE.sub(" ", code)
        if shorter == code:
            return True  # one that spans lines
        code = shorter
    return "}" in code


def toml_1_0_problem(source: str) -> Problem | None:
    """W108: a form of TOML 1.1 (a newline or trailing comma in an inline table, say) that tomli reads
    but TOML 1.0 readers reject: Taplo and Even Better TOML in editors, and Python's tomllib.

    `source` is text that tomli reads (the scenario's own). The TOML 1.0 reader parses it again,
    for the words and the place, only when a scan finds it may use something of TOML 1.1.
    """
    if not may_use_toml_1_1(source):
        return None
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
