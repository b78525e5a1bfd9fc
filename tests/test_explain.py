"""Conditions in plain words: made from the syntax tree and the scenario's labels, shown as "because …"."""

from __future__ import annotations

import pytest

from exercise.engine import Cause, Event, initial_state, parse_scenario
from exercise.engine.explain import explain

SCENARIO = """
format = 1
[scenario]
id = "words"
title = "Words"
summary = "Conditions said in words."
turns = 8

[[teams]]
id = "pyongyang"
name = "Pyongyang"

[[teams]]
id = "washington"
name = "Washington"

[[meters]]
id = "trust"
label = "Trust"
start = 50

[[meters]]
id = "tension"
label = "Tension"
start = 60

[[meters]]
id = "icbm"
label = "ICBM progress"
start = 40
visible_to = ["pyongyang"]

[[flags]]
id = "declaration_made"
label = "Pyongyang has declared its inventory"

[[flags]]
id = "talks_suspended"
label = "Talks suspended"

[[moves]]
id = "declare"
team = "pyongyang"
label = "Declare the inventory"
tags = ["verified_step"]
effects = { set = ["declaration_made"] }

[[moves]]
id = "ease"
team = "washington"
label = "Ease sanctions"
tags = ["relief"]
effects = { trust = 5 }

[[rules]]
id = "walk_out"
when = "tension >= 90"
message = "Talks break down: the delegations go home."
effects = { set = ["talks_suspended"] }

[[rules]]
id = "quiet_word"
when = "trust < 10"
to = ["washington"]
message = "A private warning reaches Washington."
effects = { tension = 1 }

[[rules]]
id = "launch"
when = "icbm >= 50 and trust < 40"
message = "A missile flies over Japan."
effects = { tension = 10 }

[[injects]]
id = "kcna"
title = "KCNA calls the demands rubbish"
turn = 2

[[outcomes]]
id = "deal"
title = "A deal"
text = "A deal."
when = "declaration_made and trust >= 55"

[[outcomes]]
id = "fielded"
title = "An ICBM fielded"
text = "Pyongyang fields it."
when = "icbm >= 100"

[[outcomes]]
id = "end"
title = "End"
text = "End."
at_end = true
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(SCENARIO)


def said(scenario, text: str) -> str:
    from exercise.engine.conditions import Names, compile_condition

    names = Names(meters=frozenset(scenario.meter_index), flags=frozenset(scenario.flag_index),
                  moves=frozenset(scenario.move_index), tags=frozenset({"verified_step", "relief"}),
                  fireables=frozenset(scenario.rule_index) | frozenset(scenario.inject_index))
    return explain(compile_condition(text, names), scenario)


@pytest.mark.parametrize("text, words", [
    ("declaration_made and trust >= 55", "Pyongyang has declared its inventory and Trust is 55 or more"),
    # a flag, negated
    ("not talks_suspended", "Talks suspended does not hold"),
    # comparisons with a number, either way round: the name comes first
    ("trust > 55", "Trust is more than 55"),
    ("55 < trust", "Trust is more than 55"),
    ("55 >= trust", "Trust is 55 or less"),
    ("trust == 50", "Trust is exactly 50"),
    ("trust != 50", "Trust is other than 50"),
    ("not trust < 20", "Trust is 20 or more"),
    # with another number: at least, at most
    ("trust >= tension", "Trust is at least Tension"),
    ("trust <= tension - 10", "Trust is at most Tension minus 10"),
    ("trust * 2 > (tension + 10) / 3", "Trust times 2 is more than (Tension plus 10) divided by 3"),
    # the turn
    ("turn >= 4", "it is turn 4 or later"),
    ("turn < 4", "it is before turn 4"),
    ("turn == turns", "it is the last turn"),
    # moves by their labels, tags by their names
    ("played(declare)", "‘Declare the inventory’ has been played"),
    ("not played(declare)", "‘Declare the inventory’ has not been played"),
    ("played(verified_step)", "a move tagged ‘verified step’ has been played"),
    ("not played(relief)", "no move tagged ‘relief’ has been played"),
    ("before(relief, verified_step)", "a move tagged ‘relief’ was played before any move tagged ‘verified step’"),
    ("this_turn(ease)", "‘Ease sanctions’ was played this turn"),
    ("same_turn(declare, ease)", "‘Declare the inventory’ and ‘Ease sanctions’ were played on the same turn"),
    ("within(declare, ease, 2)", "‘Ease sanctions’ was first played within 2 turns of ‘Declare the inventory’"),
    ("count(relief) >= 2", "moves tagged ‘relief’ have been played at least twice"),
    ("count(ease) > 0", "‘Ease sanctions’ has been played"),
    ("count(ease) < 3", "‘Ease sanctions’ has been played fewer than 3 times"),
    # a rule or inject every team is told of by its words; a private one by its id
    ("fired(walk_out)", "the consequence ‘Talks break down’ has happened"),
    ("fired(quiet_word)", "the consequence ‘quiet word’ has happened"),
    ("not fired(kcna)", "the inject ‘KCNA calls the demands rubbish’ has not come"),
    # and, or: lists with commas, the alternatives last, and each part in words
    ("talks_suspended and trust < 20 and turn > 2",
     "Talks suspended, Trust is less than 20 and it is after turn 2"),
    ("(played(declare) or trust >= 60) and not talks_suspended",
     "Talks suspended does not hold and either ‘Declare the inventory’ has been played, or Trust is 60 or more"),
    # a comma where "or" would run into "60 or more"
    ("trust >= 60 or tension < 5", "Trust is 60 or more, or Tension is less than 5"),
    ("tension >= 85 or talks_suspended and trust <= 10",
     "Tension is 85 or more, or both Talks suspended and Trust is 10 or less"),
    ("not (talks_suspended or declaration_made)",
     "neither Talks suspended nor Pyongyang has declared its inventory"),
    ("not (talks_suspended and declaration_made)",
     "not both Talks suspended and Pyongyang has declared its inventory"),
    # two sets of alternatives among other parts: semicolons divide them
    ("(talks_suspended or trust >= 60) and (declaration_made or tension < 5) and turn > 2",
     "it is after turn 2; either Talks suspended, or Trust is 60 or more; and either Pyongyang has declared "
     "its inventory or Tension is less than 5"),
    ("true", "always"),
    ("talks_suspended == false", "Talks suspended does not hold"),
])
def test_a_condition_in_plain_words(scenario, text, words):
    assert words == said(scenario, text)


def test_explain_takes_a_tree_and_a_number_expression(scenario):
    from exercise.engine.conditions import Comparison, MeterName, Names, Number, compile_number

    assert "Tension is 80 or more" == explain(Comparison(">=", MeterName("tension"), Number(80)), scenario)
    chance = compile_number("0.2 + tension / 200", Names(meters=frozenset({"tension"})))
    assert "0.2 plus Tension divided by 200" == explain(chance, scenario)


def test_a_part_the_audience_may_not_see_is_not_shown(scenario):
    def sees(names):
        return "tension" not in names

    from exercise.engine.conditions import Names, compile_condition

    condition = compile_condition("talks_suspended and tension > 80", Names(
        meters=frozenset({"tension"}), flags=frozenset({"talks_suspended"})))
    assert "Talks suspended and something not shown" == explain(condition, scenario, sees)


def test_what_the_audience_may_not_see_is_said_once_however_often_the_condition_reads_it(scenario):
    from exercise.engine.conditions import Names, compile_condition

    condition = compile_condition("icbm >= 50 and icbm <= 90 and trust < 40 and icbm != 70", Names(
        meters=frozenset({"icbm", "trust"})))
    assert "something not shown and Trust is less than 40" == explain(condition, scenario,
                                                                       lambda names: "icbm" not in names)


def rule_event(scenario, rule: str, condition: str) -> Event:
    return Event("rule", Cause("rule", rule), 1, condition=condition)


def test_a_consequence_is_explained_with_the_words_of_its_condition(scenario):
    """The event keeps the source text; render finds the compiled condition through the event's cause."""
    from exercise.render import event_detail, event_line

    event = rule_event(scenario, "walk_out", "tension >= 90")
    assert "because Tension is 90 or more" == event_detail(scenario, event)
    assert "(because Tension is 90 or more)" in event_line(scenario, event)


def test_an_ending_and_a_triggered_inject_are_explained_too(scenario):
    import attrs

    from exercise.render import ending_words, event_detail

    ending = Event("outcome", Cause("outcome", "deal"), 3, outcome="deal", condition="declaration_made and trust >= 55")
    assert "because Pyongyang has declared its inventory and Trust is 55 or more" == event_detail(scenario, ending)
    inject = Event("inject", Cause("inject", "kcna"), 2, trigger="triggered", condition="played(relief)")
    # the scenario's inject has no such condition: the source text is shown, as it was written
    assert "because played(relief)" == event_detail(scenario, inject)
    final = attrs.evolve(initial_state(scenario, 1), outcome="deal", turn=3)
    _, _, why = ending_words(final, ending)
    assert "Reached on Turn 3, because Pyongyang has declared its inventory and Trust is 55 or more." == why


def test_a_condition_the_projection_blanked_is_not_said_at_all(scenario):
    from exercise.render import event_detail, event_line

    event = rule_event(scenario, "walk_out", "")
    assert "" == event_detail(scenario, event)
    assert "because" not in event_line(scenario, event)


def test_a_consequence_reading_a_hidden_meter_says_the_rest_of_its_cause_to_those_who_may_not_see_it(scenario):
    """A hidden meter's value and changes reach only the teams it names: the room reads the
    consequence with the part that names it said as "something not shown", and no more."""
    from exercise.engine import FACILITATOR, ROOM, Audience, project_event
    from exercise.render import event_line

    event = rule_event(scenario, "launch", "icbm >= 50 and trust < 40")
    room = event_line(scenario, project_event(scenario, ROOM, event))
    assert "Consequence: A missile flies over Japan. (because something not shown and Trust is less than 40)" == room
    washington = event_line(scenario, project_event(scenario, Audience.of("washington"), event))
    assert room == washington
    for audience in (Audience.of("pyongyang"), FACILITATOR):
        assert "(because ICBM progress is 50 or more and Trust is less than 40)" in event_line(
            scenario, project_event(scenario, audience, event))


def test_an_ending_reached_through_what_the_room_may_not_see_says_so(scenario):
    import attrs

    from exercise.engine import ROOM, Audience, project_event
    from exercise.render import ending_words

    ending = Event("outcome", Cause("outcome", "fielded"), 6, outcome="fielded", condition="icbm >= 100")
    final = attrs.evolve(initial_state(scenario, 1), outcome="fielded", turn=6)
    _, _, why = ending_words(final, project_event(scenario, ROOM, ending))
    assert "Reached on Turn 6, because of something not shown." == why
    _, _, why = ending_words(final, project_event(scenario, Audience.of("pyongyang"), ending))
    assert "Reached on Turn 6, because ICBM progress is 100 or more." == why


def test_an_ending_at_the_last_turn_without_a_condition_says_so(scenario):
    import attrs

    from exercise.render import ending_words

    ending = Event("outcome", Cause("outcome", "end"), 8, outcome="end")
    final = attrs.evolve(initial_state(scenario, 1), outcome="end", turn=8)
    _, _, why = ending_words(final, ending)
    assert "Reached at the end of Turn 8, the last turn, when no other ending had come about." == why


def test_an_older_condition_text_falls_back_to_its_source(scenario):
    """A journal written against another version of the scenario: its text, as it was."""
    from exercise.render import event_detail

    assert "because tension >= 95" == event_detail(scenario, rule_event(scenario, "walk_out", "tension >= 95"))
    assert "because trust > 1" == event_detail(scenario, rule_event(scenario, "no_such_rule", "trust > 1"))
    # unless the projection marked part of it unseen: then none of the text is shown
    import attrs

    hidden = attrs.evolve(rule_event(scenario, "launch", "icbm >= 95"), unseen=frozenset({"icbm"}))
    assert "because of something not shown" == event_detail(scenario, hidden)


def test_the_explanations_module_imports_no_shell():
    import subprocess
    import sys

    code = "import sys, exercise.engine.explain; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "('textual', 'rich') or m.startswith(('exercise.render', 'exercise.tui'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "[]" == result.stdout.strip()


def test_a_move_not_available_says_what_it_requires_in_words_not_condition_code():
    """A move with `requires` and no `requires_text`: the team reads the condition in words."""
    from conftest import FIXTURES
    from exercise.engine import initial_state, load_scenario
    from exercise.engine.state import move_status

    scenario = load_scenario(FIXTURES / "opening.toml")
    move = scenario.move_index["offer_reactors"]
    assert move.requires is not None and not move.requires_text
    why = dict((m.id, w) for m, w in move_status(initial_state(scenario, 1), move.team))["offer_reactors"]
    assert why == "requires: Talks open"
    assert move.requires.source not in why
