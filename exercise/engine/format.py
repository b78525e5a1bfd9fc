"""The scenario format as data: every TOML table, its keys, their kinds and meanings.

One description, three readers: the loader takes the known keys of each table from it
(E202 and its "did you mean"), `ttx schema` builds the JSON Schema from it, and a test
checks that scenarios/README.md documents exactly these keys. The loader still checks
types, ranges and references itself: this says what may be written, not what it means.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from exercise.engine.limits import MAX_TURNS
from exercise.engine.model import EXPECTATION_CHECKS, LEVELS  # noqa: F401  (LEVELS: read by exercise.schema)

FORMAT_VERSION = 1

# The kinds of value a key takes.
VERSION = "version"          # the format version: exactly FORMAT_VERSION
ID = "id"                    # a lowercase name (see "Identifiers")
TEXT = "text"                # a string
INTEGER = "integer"          # with optional min / max
NUMBER = "number"            # with optional min / max, or `above` (greater than)
BOOLEAN = "boolean"
CONDITION = "condition"      # a string in the condition language
CHANCE = "chance"            # a probability 0..1, or a number expression (a string)
EFFECTS = "effects"          # meter = change; set / clear = arrays of flag ids
IDS = "ids"                  # an array of ids
TEXTS = "texts"              # an array of strings
SOURCES = "sources"          # an array of source ids or { id, quote } tables
NUMBERS = "numbers"          # a table of id = number
TURNS = "turns"              # a table of inject id = turn (an integer ≥ 1)
WARNINGS = "warnings"        # an array of warning codes (W1xx)
LEVEL = "level"              # a computer player's level, or a table of team = level
ENUM = "enum"                # one of `values`
NUMBER_OR_ID = "number or id"  # a number (with optional min) or an id
TABLE = "table"              # a table described by `table`
TABLES = "tables"            # an array of tables described by `table`; min / max bound its length

KINDS = frozenset({VERSION, ID, TEXT, INTEGER, NUMBER, BOOLEAN, CONDITION, CHANCE, EFFECTS, IDS, TEXTS,
                   SOURCES, NUMBERS, TURNS, WARNINGS, LEVEL, ENUM, NUMBER_OR_ID, TABLE, TABLES})


@attrs.frozen
class Key:
    """One key of a table: what it is called, what it holds, whether it must be there."""

    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    meaning: str = ""
    required: bool = False
    min: int | float | None = None
    max: int | float | None = None
    above: int | float | None = None
    values: tuple[str, ...] = ()
    table: Table | None = None


def _keys(keys: Iterable[Key]) -> tuple[Key, ...]:
    """The converter of `Table.keys`: a function of ours, as attrs reads its signature for `__init__`'s
    annotations; the text signature of the builtin `tuple` is parsed with `tokenize` at import (ms)."""
    return tuple(keys)


@attrs.frozen
class Table:
    """One TOML table: its keys in order, and the heading of scenarios/README.md that documents them.

    `in_prose` marks a table whose keys that section explains in sentences, not in a key table.
    """

    section: str
    keys: tuple[Key, ...] = attrs.field(converter=_keys)
    meaning: str = ""
    in_prose: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)


def _tables(key: str, table: Table, meaning: str, required: bool = False, min: int | None = None) -> Key:
    return Key(key, TABLES, meaning, required, min=min, table=table)


def _table(key: str, table: Table, meaning: str, required: bool = False) -> Key:
    return Key(key, TABLE, meaning, required, table=table)


_ID = Key("id", ID, "the identifier", required=True)
_DESCRIPTION = Key("description", TEXT, "what it is, in plain words")
_SOURCES = Key("sources", SOURCES, "the readings it rests on")
_VISIBLE_TO = Key("visible_to", IDS, "the teams that see it")


SCENARIO = Table("scenario", [
    Key("id", ID, "identifier of the scenario", required=True),
    Key("title", TEXT, "shown on the home screen and in reports", required=True),
    Key("summary", TEXT, "a paragraph for the briefing", required=True),
    Key("turns", INTEGER, "the number of turns", required=True, min=1, max=MAX_TURNS),
    Key("turn_length", TEXT, "what a turn stands for"),
    Key("turn_labels", TEXTS, "a label per turn; when given, exactly `turns` of them"),
])

SOURCE = Table("sources", [
    Key("id", ID, "cited by moves, injects and rules", required=True),
    Key("title", TEXT, "the title of the reading", required=True),
    Key("author", TEXT, "who wrote it"),
    Key("publisher", TEXT, "where it appeared"),
    Key("date", TEXT, "when it appeared"),
    Key("url", TEXT, "where to read it"),
    Key("note", TEXT, "a note on it"),
])

OBJECTIVE = Table("objectives", [
    _ID,
    Key("text", TEXT, "what the team is trying to achieve", required=True),
    Key("when", CONDITION, "true on the final state means the objective is met", required=True),
    Key("points", INTEGER, "weight in the team's score", min=1),
])

RED_LINE = Table("doctrine", [
    Key("moves", IDS, "move ids or tags it will not make", required=True),
    Key("unless", CONDITION, "the condition under which it will"),
    Key("reason", TEXT, "why, in plain words", required=True),
], in_prose=True)

SEQUENCING = Table("doctrine", [
    Key("move", ID, "the move (id or tag) it makes only after `after`", required=True),
    Key("after", ID, "another team's move id or tag that must come first", required=True),
    Key("reason", TEXT, "why, in plain words", required=True),
], in_prose=True)

DOCTRINE = Table("doctrine", [
    Key("summary", TEXT, "the doctrine in a sentence, for people"),
    Key("values", NUMBERS, "what one point of each meter is worth to the team"),
    Key("flag_values", NUMBERS, "what each fact is worth to the team while it holds"),
    Key("objectives", NUMBER, "what meeting all of the team's objectives is worth"),
    Key("risk", NUMBER, "appetite for moves with a chance: 0 discounts them, 1 prizes them", min=0, max=1),
    Key("patience", NUMBER, "how clear a gain must be before it acts rather than waits", min=0, max=1),
    _tables("red_lines", RED_LINE, "moves it will not make, unless a condition holds"),
    _tables("sequencing", SEQUENCING, "moves it makes only after another team's move"),
], meaning="how the computer plays this team")

TEAM = Table("teams", [
    _ID,
    Key("name", TEXT, "shown to players", required=True),
    Key("public_brief", TEXT, "what every team knows of this team"),
    Key("private_brief", TEXT, "only this team sees it"),
    Key("moves_per_turn", INTEGER, "the most moves the team may order in one turn", min=0),
    Key("playable", BOOLEAN, "false for a computer-only actor"),
    _tables("objectives", OBJECTIVE, "scored at the end"),
    _table("doctrine", DOCTRINE, "how the computer plays the team"),
])

METER = Table("meters", [
    _ID,
    Key("label", TEXT, "the meter's name on screens", required=True),
    _DESCRIPTION,
    Key("min", NUMBER, "the lower bound; changes are clamped"),
    Key("max", NUMBER, "the upper bound; changes are clamped"),
    Key("start", NUMBER, "starting value, within the bounds", required=True),
    Key("visible_to", IDS, "who sees the meter (every team if left out)"),
])

FLAG = Table("flags", [
    _ID,
    Key("label", TEXT, "the fact's name on screens", required=True),
    _DESCRIPTION,
    Key("start", BOOLEAN, "starting value"),
    Key("visible_to", IDS, "who sees the flag (every team if left out)"),
])

MOVE = Table("moves", [
    _ID,
    Key("team", ID, "who may play it", required=True),
    Key("label", TEXT, "a short name", required=True),
    Key("description", TEXT, "what it means, for the player choosing"),
    _SOURCES,
    Key("tags", IDS, "groups of moves a condition can name at once"),
    Key("requires", CONDITION, "precondition, checked at the start of the turn"),
    Key("requires_text", TEXT, "why the move is unavailable, in plain words"),
    Key("once", BOOLEAN, "may be played only once in the exercise"),
    Key("cooldown", INTEGER, "turns that must pass before it may be played again", min=0),
    Key("secret", BOOLEAN, "other teams do not see that it was played"),
    Key("effects", EFFECTS, "applied when the move executes"),
    Key("chance", CHANCE, "probability of success"),
    Key("success", EFFECTS, "with chance: applied on success"),
    Key("failure", EFFECTS, "with chance: applied on failure"),
    Key("success_text", TEXT, "said at the reveal on success"),
    Key("failure_text", TEXT, "said at the reveal on failure"),
])

RULE = Table("rules", [
    _ID,
    Key("when", CONDITION, "tested after the moves of each turn resolve", required=True),
    Key("message", TEXT, "what happened and why, in plain words", required=True),
    Key("effects", EFFECTS, "applied when it fires"),
    Key("once", BOOLEAN, "true: fires the first time only; false: every turn the condition holds"),
    Key("to", IDS, "who is told (every team if left out)"),
    _SOURCES,
    Key("chance", CHANCE, "once the condition holds, it fires only if a draw comes under this"),
    Key("allow", WARNINGS, "warning codes this rule leaves out, such as W109"),
])

EXPECTED_ACTION = Table("injects", [
    Key("text", TEXT, "the action, in words", required=True),
    Key("when", CONDITION, "holds once the action is done", required=True),
    Key("within", INTEGER, "how many turns it has, the inject's turn included", min=1),
    Key("team", ID, "the team expected to act"),
    Key("if_missed", ID, "the inject that comes when the action was not done in time"),
], meaning="what the inject expects someone to do, by when, and the inject that comes if not", in_prose=True)

INJECT = Table("injects", [
    _ID,
    Key("title", TEXT, "the headline", required=True),
    Key("text", TEXT, "the body, shown with the title"),
    Key("turn", INTEGER, "fires at the start of this turn", min=1),
    Key("when", CONDITION, "fires at the start of the first turn on which it holds"),
    Key("to", IDS, "who receives it (every team if left out)"),
    Key("effects", EFFECTS, "applied when it comes"),
    _SOURCES,
    Key("from", TEXT, "who sends it"),
    Key("chance", CHANCE, "the inject comes only if a draw comes under this"),
    _table("expected_action", EXPECTED_ACTION, "what the inject expects someone to do"),
])

OUTCOME = Table("outcomes", [
    _ID,
    Key("title", TEXT, "the ending's name", required=True),
    Key("text", TEXT, "why this ending, in plain words", required=True),
    Key("when", CONDITION, "the ending condition"),
    Key("at_end", BOOLEAN, "checked only after the last turn"),
    _SOURCES,
])

DEBRIEF = Table("debrief", [
    Key("questions", TEXTS, "questions for the debrief"),
], in_prose=True)

VARIANT = Table("variants", [
    Key("id", ID, "the name given to --variant", required=True),
    Key("title", TEXT, "shown at setup and by `ttx list`", required=True),
    Key("description", TEXT, "what the cut is for"),
    Key("summary", TEXT, "the summary as this cut tells it"),
    Key("turns", INTEGER, "how many turns", min=1, max=MAX_TURNS),
    Key("turn_length", TEXT, "what a turn stands for"),
    Key("turn_labels", TEXTS, "one label per turn"),
    Key("schedule", TURNS, "inject id = the turn it comes on in this variant"),
], meaning="another cut of the same scenario: `ttx play SCENARIO --variant ID`")

EXPECTATION = Table("expect", [
    Key("id", ID, "names the claim in `ttx test`'s output", required=True),
    Key("text", TEXT, "the claim in words", required=True),
    Key("check", ENUM, "which claim", required=True, values=EXPECTATION_CHECKS),
    Key("players", LEVEL, "the computer players of the games, for every team or one by one"),
    Key("runs", INTEGER, "how many games", min=1, max=100000),
    Key("seed", INTEGER, "the seed of the games"),
    Key("ending", ID, "the ending a claim is about"),
    Key("min", NUMBER, "lower bound on a share of games", min=0, max=1),
    Key("max", NUMBER, "upper bound on a share of games", min=0, max=1),
    Key("count", INTEGER, "a number of endings, or of games", min=1),
    Key("turn", INTEGER, "a turn", min=1),
    Key("team", ID, "the team a claim is about"),
    Key("strategy", TEXT, "pass, random, or an orders file"),
], meaning="a claim about play, checked by simulation with `ttx test`")

DRAW_OPTION = Table("draws", [
    Key("id", ID, "a new flag id, set when this option is drawn", required=True),
    Key("label", TEXT, "the option in words", required=True),
    Key("weight", NUMBER, "its weight in the draw", above=0),
    _DESCRIPTION,
    Key("effects", EFFECTS, "applied with the draw"),
], in_prose=True)

DRAW = Table("draws", [
    _ID,
    Key("label", TEXT, "what is drawn", required=True),
    _DESCRIPTION,
    Key("visible_to", IDS, "the teams told the result (the facilitator always is)"),
    _SOURCES,
    _tables("options", DRAW_OPTION, "the options, one of which is drawn", required=True, min=2),
], meaning="a hidden draw at setup: one option's fact is set, known to visible_to")

ESTIMATE = Table("estimates", [
    Key("id", ID, "a name conditions may read, as a number", required=True),
    Key("of", ID, "the meter estimated", required=True),
    Key("label", TEXT, "the estimate's name on screens", required=True),
    _DESCRIPTION,
    Key("visible_to", IDS, "who sees the estimate (the facilitator always does)", required=True),
    _SOURCES,
    Key("noise", NUMBER_OR_ID, "the spread, or the meter whose value is the spread", min=0),
    Key("bias", NUMBER, "added to the value"),
    Key("lag", INTEGER, "it reads the meter as it stood this many turns ago", min=0),
], meaning="what some teams see of a meter: late, biased and noisy")

CLOCK = Table("clocks", [
    Key("id", ID, "a name conditions may read: the turns left while it runs", required=True),
    Key("label", TEXT, "the clock's name on screens", required=True),
    _DESCRIPTION,
    Key("starts_when", CONDITION, "starts the clock, once", required=True),
    Key("turns", INTEGER, "how many turns it runs after the turn it started", required=True, min=1),
    Key("stops_when", CONDITION, "stops it for good while it runs"),
    Key("deadline", ID, "the inject that comes at the start of the turn after it runs out"),
    _VISIBLE_TO,
    _SOURCES,
], meaning="a countdown a condition starts, with a deadline inject")

SCENARIO_FILE = Table("Top level", [
    Key("format", VERSION, "the format version", required=True),
    _table("scenario", SCENARIO, "metadata: id, title, summary, turns", required=True),
    _tables("sources", SOURCE, "readings the scenario is built from"),
    _tables("teams", TEAM, "the teams", required=True, min=1),
    _tables("meters", METER, "numeric state"),
    _tables("flags", FLAG, "named facts, true or false"),
    _tables("moves", MOVE, "the options teams choose from", required=True),
    _tables("rules", RULE, "consequences"),
    _tables("injects", INJECT, "scripted events"),
    _tables("outcomes", OUTCOME, "endings", required=True),
    _table("debrief", DEBRIEF, "debrief questions"),
    _tables("variants", VARIANT, "other cuts of the same scenario, chosen with --variant"),
    _tables("expect", EXPECTATION, "what the author claims about play, checked by `ttx test`"),
    _tables("draws", DRAW, "hidden draws at setup, each known to the teams it names"),
    _tables("estimates", ESTIMATE, "what some teams see of a meter: noisy, biased, late"),
    _tables("clocks", CLOCK, "countdowns a condition starts, with a deadline inject"),
], meaning="A tabletop exercise scenario. Reference: scenarios/README.md in the ttx sources.")


def tables(top: Table = SCENARIO_FILE, path: str = "") -> Iterator[tuple[str, Table]]:
    """Every table of the format with its dotted path ("" for the top level), parents first."""
    yield path, top
    for key in top.keys:
        if key.table is not None:
            yield from tables(key.table, f"{path}.{key.name}" if path else key.name)


def known_keys() -> dict[str, tuple[str, ...]]:
    """The keys each table may hold, by the table's own name ("top" for the top level)."""
    return {path.rpartition(".")[2] or "top": table.names for path, table in tables()}
