"""The pure engine: scenario model, condition language, loader and turn resolution.

Nothing here performs I/O beyond reading a scenario file in the loader, reads a clock,
or imports a user interface. Randomness comes only from seeded generators.
"""

from exercise.engine.conditions import Condition, ConditionError, Names, compile_condition
from exercise.engine.loader import Problem, ScenarioError, load_scenario, parse_scenario
from exercise.engine.model import (
    Citation,
    Effects,
    Flag,
    Inject,
    Meter,
    Move,
    Objective,
    Outcome,
    Rule,
    Scenario,
    Source,
    Team,
)
from exercise.engine.state import (
    Change,
    Event,
    History,
    IllegalOrder,
    Order,
    OrderedMove,
    Play,
    Score,
    State,
    TeamView,
    TurnRecord,
    check_order,
    fire_inject,
    initial_state,
    is_over,
    legal_moves,
    move_status,
    override,
    resolve_turn,
    score,
    settle_contingencies,
    view,
    visible_events,
)

__all__ = [
    "Change", "Citation", "Condition", "ConditionError", "Effects", "Event", "Flag",
    "History", "IllegalOrder", "Inject", "Meter", "Move", "Names", "Objective", "Order",
    "OrderedMove", "Outcome", "Play", "Problem", "Rule", "Scenario", "ScenarioError",
    "Score", "Source", "State", "Team", "TeamView", "TurnRecord", "check_order",
    "compile_condition", "fire_inject", "initial_state", "is_over", "legal_moves",
    "load_scenario", "move_status", "override", "parse_scenario", "resolve_turn", "score",
    "settle_contingencies", "view", "visible_events",
]
