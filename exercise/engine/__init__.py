"""The pure engine: scenario model, condition language, loader and turn resolution.

Nothing here performs I/O beyond reading a scenario file in the loader, reads a clock,
or imports a user interface. Randomness comes only from seeded generators.
"""

# Names resolve lazily (PEP 562) so that `ttx check` loads the loader without the
# turn-resolution machinery: start-up time is part of what an author feels.
_EXPORTS = {
    "exercise.engine.conditions": ("Condition", "ConditionError", "Expression", "Names", "compile_condition",
                                   "compile_number"),
    "exercise.engine.loader": ("Problem", "ScenarioError", "load_scenario", "parse_scenario"),
    "exercise.engine.model": (
        "Citation", "Doctrine", "Effects", "Flag", "Inject", "Meter", "Move", "Objective", "Outcome",
        "Rule", "Scenario", "Source", "Team",
    ),
    "exercise.engine.state": (
        "ENDED_BY_FACILITATOR", "Cause", "Change", "Event", "History", "IllegalOrder", "Order", "OrderedMove", "Play",
        "ReasonPart", "Score", "State", "TurnRecord", "check_order", "end_exercise", "ending_event", "fire_inject",
        "initial_state", "is_over", "legal_moves", "move_status", "override", "resolve_turn", "score",
        "settle_contingencies",
    ),
    "exercise.engine.audience": (
        "FACILITATOR", "ROOM", "Audience", "Observation", "belief_state", "contingency_options", "secret_moves_named", "knows_move", "knows_names", "observe",
        "parse_audience", "project_event", "project_events", "project_order", "project_reason", "project_record",
        "sees_flag", "sees_meter", "view",
    ),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'exercise.engine' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
