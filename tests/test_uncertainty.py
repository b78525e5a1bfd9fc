"""Hidden draws at setup, estimates, clocks, and chances written as expressions of the state."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES

from exercise.engine import (
    FACILITATOR,
    ROOM,
    Audience,
    Order,
    initial_state,
    load_scenario,
    observe,
    resolve_turn,
)
from exercise.engine.audience import belief_state, project_events
from exercise.engine.loader import ScenarioError, parse_scenario
from exercise.render import event_line, value_rows

PATH = FIXTURES / "uncertainty.toml"
BLUE, RED = Audience.of("blue"), Audience.of("red")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(PATH)


def play(state, blue=(), red=()):
    orders = {"blue": Order.of("blue", *blue), "red": Order.of("red", *red)}
    return resolve_turn(state, orders)


# -- draws -------------------------------------------------------------------------------------
def test_a_draw_sets_exactly_one_option_by_weight_and_the_same_one_for_the_same_seed(scenario):
    drawn = []
    for seed in range(400):
        state = initial_state(scenario, seed)
        options = {"intent_trade", "intent_keep"} & state.flags
        assert len(options) == 1
        drawn.append(options.pop())
        assert initial_state(scenario, seed).flags == state.flags
    share = drawn.count("intent_keep") / len(drawn)
    assert 0.4 < share < 0.6  # weights 1:1
    # the option's effects come with it
    keep = next(s for s in range(400) if drawn[s] == "intent_keep")
    trade = next(s for s in range(400) if drawn[s] == "intent_trade")
    assert initial_state(scenario, keep).meters["warhead_work"] == 50
    assert initial_state(scenario, trade).meters["warhead_work"] == 40


def test_weights_decide_how_often_an_option_is_drawn():
    text = (PATH.read_text().replace('label = "Trade the programme", weight = 1',
                                      'label = "Trade the programme", weight = 9'))
    scenario = parse_scenario(text)
    trades = sum("intent_trade" in initial_state(scenario, seed).flags for seed in range(400))
    assert 0.83 < trades / 400 < 0.97


def test_only_the_draws_teams_and_the_facilitator_learn_what_was_drawn(scenario):
    state = initial_state(scenario, 3)
    option = ({"intent_trade", "intent_keep"} & state.flags).pop()
    red = observe(state, RED)
    assert option in red.flags
    assert [e.option for e in red.events if e.kind == "draw"] == [option]
    line = event_line(scenario, next(e for e in red.events if e.kind == "draw"))
    assert line.startswith("Red's intent: ") and scenario.flag_index[option].label in line
    for audience in (BLUE, ROOM):
        seen = observe(state, audience)
        assert not ({"intent_trade", "intent_keep"} & seen.flags)
        assert not [e for e in seen.events if e.kind == "draw"]
    assert [e.option for e in observe(state, FACILITATOR).events if e.kind == "draw"] == [option]
    # a computer player of a team that is not told assumes no option holds
    belief = belief_state(scenario, observe(state, BLUE), seed=99)
    assert not ({"intent_trade", "intent_keep"} & belief.flags)


# -- estimates ---------------------------------------------------------------------------------
def test_an_estimate_reads_the_meter_a_turn_late_with_its_bias_and_noise(scenario):
    for seed in range(60):
        state = initial_state(scenario, seed)
        start = state.meters["warhead_work"]
        state, _ = play(state, red=["red_work"])  # +10, seen by the estimate one turn later
        estimate = state.values["progress_estimate"]
        true_then = start  # lag 1: the value at the start of turn 1
        assert true_then - 5 - 20 <= estimate <= true_then - 5 + 20
        state, _ = play(state)
        estimate = state.values["progress_estimate"]
        assert start + 10 - 5 - 20 <= estimate <= start + 10 - 5 + 20


def test_moves_that_lower_the_noise_meter_narrow_the_estimate(scenario):
    state = initial_state(scenario, 5)
    for _ in range(3):  # three overflights: the spread falls from 20 to 0
        state, _ = play(state, blue=["blue_overflight"])
    assert state.meters["estimate_spread"] == 0
    state, _ = play(state)
    # with no noise left, the estimate is the value of a turn ago plus the bias
    assert state.values["progress_estimate"] == state.records[-2].meters_after["warhead_work"] - 5


def test_the_estimate_reaches_its_teams_only_and_a_computer_player_acts_on_it(scenario):
    state = initial_state(scenario, 2)
    state, _ = play(state)
    blue = observe(state, BLUE)
    assert "warhead_work" not in blue.meters
    assert blue.values["progress_estimate"] == state.values["progress_estimate"]
    assert "progress_estimate" not in observe(state, RED).values
    assert "progress_estimate" not in observe(state, ROOM).values
    assert "progress_estimate" in observe(state, FACILITATOR).values
    belief = belief_state(scenario, blue, seed=1)
    assert belief.meters["warhead_work"] == blue.values["progress_estimate"]
    rows = value_rows(scenario, blue.meters, blue.values)
    assert ("progress_estimate", "Estimated work on warheads",
            f"about {blue.values['progress_estimate']:g} (± {blue.meters['estimate_spread']:g})", "0–100") in rows


# -- clocks ------------------------------------------------------------------------------------
def test_a_clock_starts_counts_down_runs_out_and_brings_its_deadline_inject(scenario):
    state = initial_state(scenario, 1)
    assert state.values["ultimatum"] == 0
    state, record = play(state, blue=["blue_ultimatum"])  # turn 1: the clock starts
    assert [(e.kind, e.phase) for e in record.events if e.kind == "clock"] == [("clock", "started")]
    assert state.values["ultimatum"] == 2  # turns 2 and 3
    state, _ = play(state)
    assert state.values["ultimatum"] == 1
    state, record = play(state)  # turn 3 ends: run out
    assert [e.phase for e in record.events if e.kind == "clock"] == ["expired"]
    assert "ultimatum" in state.history.fired  # fired(ultimatum) holds once it has run out
    deadline = [e for e in state.pending if e.kind == "inject" and e.trigger == "deadline"]
    assert [(e.cause.id, e.trigger) for e in deadline] == [("ultimatum_expires", "deadline")]
    assert "because Blue's ultimatum ran out" in event_line(scenario, deadline[0])
    assert state.values["ultimatum"] == 0


def test_a_clock_stopped_in_time_never_brings_its_deadline(scenario):
    seed = next(s for s in range(200) if _admits(scenario, s))
    state = initial_state(scenario, seed)
    state, _ = play(state, blue=["blue_ultimatum"])
    state, record = play(state, red=["red_admit"])
    assert [e.phase for e in record.events if e.kind == "clock"] == ["stopped"]
    while state.outcome is None:
        state, _ = play(state)
    assert "ultimatum_expires" not in state.history.fired


def _admits(scenario, seed) -> bool:
    state, _ = play(initial_state(scenario, seed), blue=["blue_ultimatum"])
    state, _ = play(state, red=["red_admit"])
    return "inspected" in state.flags


# -- chances as expressions --------------------------------------------------------------------
def test_a_moves_chance_follows_the_state(scenario):
    state = initial_state(scenario, 4)
    state, record = play(state, red=["red_admit"])
    chance = next(e for e in record.events if e.kind == "chance")
    assert chance.chance == pytest.approx(0.5)  # tension 50 / 100
    state = initial_state(scenario, 4)
    state, _ = play(state, blue=["blue_ultimatum"])  # tension 60
    state, record = play(state, red=["red_admit"])
    assert next(e for e in record.events if e.kind == "chance").chance == pytest.approx(0.6)


def test_a_rule_with_a_chance_fires_about_as_often_as_its_chance_and_failures_stay_with_the_facilitator(scenario):
    fired = tried = 0
    for seed in range(300):
        state, record = play(initial_state(scenario, seed), blue=["blue_ultimatum"])  # tension 60: chance 0.2
        events = [e for e in record.events if e.kind == "rule" and e.cause.id == "border_incident"]
        assert len(events) == 1 and events[0].chance == pytest.approx(0.2)
        tried += 1
        fired += bool(events[0].success)
        if not events[0].success:
            assert events[0].audience == frozenset() and not events[0].changes
            for audience in (BLUE, RED, ROOM):
                assert not [e for e in project_events(scenario, audience, record.events)
                            if e.cause.id == "border_incident"]
            assert "did not come to pass" in event_line(scenario, events[0])
    assert 0.13 < fired / tried < 0.27


def test_a_chance_computed_from_a_hidden_meter_shows_only_its_result_to_those_who_cannot_see_it(scenario):
    for seed in range(200):
        state = initial_state(scenario, seed)
        for _ in range(2):
            state, _ = play(state, red=["red_work"])
        rumour = [e for r in state.records for e in r.events if e.cause.id == "programme_rumour" and e.success]
        if rumour:
            break
    assert rumour, "no game in 200 brought the rumour"
    event = rumour[0]
    assert event.chance is not None and event.roll is not None
    record = next(r for r in state.records if event in r.events)
    for audience, sees in ((RED, True), (BLUE, False), (ROOM, False)):
        shown = next(e for e in project_events(scenario, audience, record.events) if e.cause.id == "programme_rumour")
        assert (shown.chance is not None) is sees and (shown.roll is not None) is sees
        assert ("chance" in event_line(scenario, shown)) is sees


def test_an_inject_with_a_chance_is_tried_each_turn_its_condition_holds(scenario):
    outcomes = set()
    for seed in range(60):
        state = initial_state(scenario, seed)
        for _ in range(4):
            state, _ = play(state, red=["red_work"])
            if state.outcome:
                break
        tries = [e for r in state.records for e in r.events if e.cause.id == "alarm"] + [
            e for e in state.pending if e.cause.id == "alarm"]
        outcomes |= {e.success for e in tries}
        assert len([e for e in tries if e.success]) <= 1  # it comes once at most
    assert outcomes == {True, False}


# -- the loader ----------------------------------------------------------------------------------
@pytest.mark.parametrize("old, new, code, words", [
    ('chance = "tension / 100"', 'chance = "tension /"', "E401", "in chance"),
    ('chance = "tension / 100"', 'chance = "inspected"', "E403", "number"),
    ('chance = "tension / 100"', "chance = 1.5", "E204", "from 0 to 1"),
    ('chance = "tension / 100"', "chance = true", "E201", "a number from 0 to 1 or an expression"),
    ('chance = 0.5\nto = ["blue"]', 'chance = "tensoin"\nto = ["blue"]', "E402", "did you mean 'tension'"),
    ('  { id = "intent_keep", label = "Keep the programme", weight = 1, effects = { warhead_work = 10 } },\n', "",
     "E204", "at least two options"),
    ('weight = 1, effects', 'weight = 0, effects', "E204", "more than 0"),
    ('of = "warhead_work"', 'of = "warhead"', "E301", "unknown meter 'warhead'"),
    ('visible_to = ["blue"]\nnoise', 'noise', "E205", "visible_to"),
    ('noise = "estimate_spread"', 'noise = -3', "E204", "cannot be negative"),
    ('lag = 1', 'lag = -1', "E204", "cannot be negative"),
    ("turns = 2\n", "turns = 0\n", "E204", "1 or more"),
    ('deadline = "ultimatum_expires"', 'deadline = "ultimatum_expire"', "E301", "did you mean"),
    ('starts_when = "played(blue_ultimatum)"', 'starts_when = "played(blue_ultimatun)"', "E402", "did you mean"),
    ('id = "intent_trade"', 'id = "inspected"', "E203", "duplicate id 'inspected'"),
])
def test_mistakes_in_the_new_tables_are_reported_with_a_code(old, new, code, words):
    text = PATH.read_text()
    assert old in text
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.replace(old, new, 1), "u.toml")
    rendered = caught.value.render()
    assert code in rendered and words in rendered, rendered


def test_estimates_and_clocks_are_numbers_in_conditions_and_clocks_can_be_fired():
    text = PATH.read_text() + textwrap.dedent('''
        [[rules]]
        id = "reads_them"
        when = "progress_estimate + ultimatum > 10 and fired(ultimatum)"
        message = "Both read."
    ''')
    scenario = parse_scenario(text)
    assert scenario.rule_index["reads_them"].when.names >= {"progress_estimate", "ultimatum"}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.replace("progress_estimate + ultimatum > 10 and ", "ultimatum and "))
    assert "E403" in caught.value.render()


def test_the_command_line_checks_runs_and_simulates_the_new_tables():
    ttx = [sys.executable, "-m", "exercise"]
    checked = subprocess.run([*ttx, "check", str(PATH)], capture_output=True, text=True)
    assert checked.returncode == 0 and "warning" not in checked.stdout, checked.stdout + checked.stderr
    ran = subprocess.run([*ttx, "run", str(PATH), "--seed", "2"], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert "Red's intent: " in ran.stdout  # the facilitator's transcript shows the draw
    assert "Traceback" not in ran.stderr


def test_a_planners_event_list_fits_the_format_without_workarounds():
    """Sender, recipients, expected action, contingency inject and a 90-day clock, as a planner writes them."""
    from conftest import ROOT

    scenario = load_scenario(ROOT / "docs" / "examples" / "planner_event_list.toml")
    state = initial_state(scenario, 1)
    first = next(e for e in state.pending if e.cause.id == "msel_1_special_inspection")
    assert first.audience == frozenset({"washington", "pyongyang"})
    assert event_line(scenario, first).startswith("Inject from the IAEA: The Agency requests")
    # Washington seeks the resolution; Pyongyang refuses twice: the expected action is missed
    state, _ = resolve_turn(state, {"washington": Order.of("washington", "us_seek_resolution"),
                                    "pyongyang": Order.of("pyongyang", "dprk_refuse")})
    assert state.values["ninety_days"] == 3  # the 90 days: three one-month turns
    state, record = resolve_turn(state, {"washington": Order.of("washington"), "pyongyang": Order.of("pyongyang")})
    assert [e.success for e in record.events if e.kind == "expectation"] == [False]
    assert [e.cause.id for e in state.pending if e.trigger == "missed"] == ["msel_2_report_to_council"]
    for _ in range(2):
        state, record = resolve_turn(state, {"washington": Order.of("washington"),
                                             "pyongyang": Order.of("pyongyang")})
    assert [e.phase for e in record.events if e.kind == "clock"] == ["expired"]
    assert [e.cause.id for e in state.pending if e.trigger == "deadline"] == ["msel_4_deadline"]


def test_a_clock_started_by_a_secret_move_is_shown_only_to_those_who_know_the_move():
    text = PATH.read_text() + textwrap.dedent('''
        [[clocks]]
        id = "quiet_clock"
        label = "Countdown after quiet work"
        starts_when = "played(red_work)"
        turns = 2
    ''')
    scenario = parse_scenario(text)
    state, _ = play(initial_state(scenario, 1), red=["red_work"])
    assert state.values["quiet_clock"] == 2
    assert observe(state, RED).values["quiet_clock"] == 2
    for audience in (BLUE, ROOM):
        seen = observe(state, audience)
        assert "quiet_clock" not in seen.values  # its turns left would tell the secret move was played
        assert not [e for e in seen.events if e.kind == "clock"]


def test_a_deadline_inject_never_names_a_clock_its_reader_may_not_see(tmp_path):
    """Red and the room read that a deadline passed; only Blue, who sees the clock, reads its name."""
    text = PATH.read_text(encoding="utf-8").replace(
        'deadline = "ultimatum_expires"', 'deadline = "ultimatum_expires"\nvisible_to = ["blue"]', 1)
    path = tmp_path / "secret_clock.toml"
    path.write_text(text, encoding="utf-8")
    secret = load_scenario(path)
    state = initial_state(secret, 1)
    state, _ = play(state, blue=["blue_ultimatum"])
    state, _ = play(state)
    state, _ = play(state)
    deadline = [e for e in state.pending if e.kind == "inject" and e.trigger == "deadline"]
    assert len(deadline) == 1
    for audience, words in ((BLUE, "because Blue's ultimatum ran out"), (RED, "because a deadline passed"),
                            (ROOM, "because a deadline passed")):
        seen = project_events(secret, audience, deadline)
        line = " ".join(event_line(secret, e) for e in seen)
        assert words in line
        if audience != BLUE:
            assert "ultimatum" not in line.lower().replace("the ultimatum has run out", "")
