"""`ttx new`: a commented starter scenario that checks clean and plays."""

from __future__ import annotations

import re

TEMPLATE = '''# {title}: a starter scenario written by `ttx new`.
#
# Every key is explained in the format reference (scenarios/README.md in the ttx sources).
# Check it after each change:   ttx check {path}
# Play-test it:                 ttx play {path}
# See which endings it reaches: ttx simulate {path} --runs 200

format = 1

[scenario]
id = "{id}"
title = "{title}"
summary = """
One paragraph for the briefing: the situation, what is at stake, and the question the
teams must answer."""
turns = 4
turn_length = "one month"

# The readings the scenario is built from; moves and injects cite them by id.
[[sources]]
id = "reading"
title = "The article or report the scenario rests on"
author = ""

# ---------------------------------------------------------------- teams
{teams}
# ---------------------------------------------------------------- meters: numeric state

[[meters]]
id = "tension"
label = "Tension"
description = "Risk of a crisis."
start = 50

[[meters]]
id = "trust"
label = "Trust"
description = "Confidence that the other side will deliver."
start = 30

# ---------------------------------------------------------------- flags: named facts

[[flags]]
id = "deal_signed"
label = "Deal signed"

# ---------------------------------------------------------------- moves
{moves}
# ---------------------------------------------------------------- rules: consequences

# Order matters: this fires only when both first steps come in the same turn.
[[rules]]
id = "steps_together"
when = "same_turn({first_a}, {first_b})"
message = "Both sides took their first step together: trust grows."
effects = {{ trust = 20, set = ["deal_signed"] }}

# ---------------------------------------------------------------- injects: scripted events

[[injects]]
id = "opening"
title = "Talks open"
text = "Each side waits for the other to move first."
turn = 1
sources = ["reading"]

# ---------------------------------------------------------------- outcomes

[[outcomes]]
id = "deal"
title = "A deal"
text = "The first steps were taken together and trust held."
when = "deal_signed and trust >= 50"

[[outcomes]]
id = "crisis"
title = "Crisis"
text = "Tension rose too far."
when = "tension >= 90"

# Required: what the last turn means when no other ending was reached.
[[outcomes]]
id = "no_deal"
title = "No deal"
text = "Time ran out with neither side moving first."
at_end = true

[debrief]
questions = ["Who moved first, and why?", "What made acting together possible?"]
'''

TEAM = '''
[[teams]]
id = "{id}"
name = {name}
moves_per_turn = 1
public_brief = {public}
private_brief = {private}

[[teams.objectives]]
id = "{id}_trust"
text = "Build trust (50 or more)"
when = "trust >= 50"
'''

MOVES = '''
[[moves]]
id = "{id}_first_step"
team = "{id}"
label = "Take the first step"
description = "A concession that shows good faith. Safer contingent on the other side's step."
once = true
effects = {{ trust = 10, tension = -5 }}
sources = ["reading"]

[[moves]]
id = "{id}_hold_firm"
team = "{id}"
label = "Hold firm"
description = "Demand the other side moves first."
effects = {{ tension = 8, trust = -5 }}
sources = ["reading"]
'''


class StarterError(ValueError):
    """Team names that cannot make a starter that checks clean; the message says why, in one line."""


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not text or not text[0].isalpha():
        text = "team_" + text
    return text


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def comment_text(text: str) -> str:
    """Text for a comment line: a line break or another control character is shown escaped, never obeyed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def starter(path: str, teams: list[str]) -> str:
    """The text of a starter scenario for the given team names (two at least), checked before it is returned.

    Raises StarterError when the names cannot make a scenario that checks clean (too few,
    two with the same id, an id the format reserves).
    """
    names = teams or ["Blue", "Red"]
    if len(names) < 2:
        raise StarterError("needs at least two team names, separated by commas")
    ids = [slug(n) for n in names]
    if len(set(ids)) != len(ids):
        raise StarterError("two team names give the same id; make them differ")
    stem = slug(re.sub(r"\.toml$", "", path.replace("\\", "/").rsplit("/", 1)[-1])) or "my_scenario"
    text = TEMPLATE.format(
        title=stem.replace("_", " ").capitalize(),
        id=stem,
        path=comment_text(path),
        teams="".join(TEAM.format(id=i, name=toml_string(n), public=toml_string(f"What every team knows about {n}."),
                                  private=toml_string(f"What only {n} knows: its fears, its red lines, its hopes."))
                      for i, n in zip(ids, names)),
        moves="".join(MOVES.format(id=i) for i in ids),
        first_a=f"{ids[0]}_first_step",
        first_b=f"{ids[1]}_first_step",
    )
    _check(text, path, names, ids)
    return text


def _check(text: str, path: str, names: list[str], ids: list[str]) -> None:
    """The starter must check clean: the loader is the judge of ids and names, not a second list of rules."""
    from exercise.engine.loader import ScenarioError, parse_scenario

    try:
        parse_scenario(text, path)
    except ScenarioError as exc:
        problem = exc.problems[0]
        at = re.match(r"teams\[(\d+)\]", problem.path)
        index = int(at.group(1)) if at else None
        about = (f"the team '{_cut(names[index])}' (id '{_cut(ids[index])}'): "
                 if index is not None and index < len(names) else "")
        raise StarterError(f"{about}{_cut(problem.message, 200)}") from None


def _cut(text: str, most: int = 40) -> str:
    text = comment_text(text)
    return text if len(text) <= most else text[: most - 1] + "…"
