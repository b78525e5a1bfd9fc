"""The flagship scenario says what its readings argue: order matters."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import FLAGSHIP, ROOT, SCENARIOS
from exercise.engine import Order, OrderedMove, initial_state, load_scenario, resolve_turn

SEEDS = ROOT.parent / "shared" / "seeds"
SOURCE_FILES = {"kim_2018": "000_fe13250487f2a385.txt", "grasp_2018": "002_722023953225872a.txt"}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(FLAGSHIP)


def play(scenario, *turns: dict[str, list], seed: int = 1):
    """Resolve turns of orders; a team missing from a turn passes."""
    state = initial_state(scenario, seed)
    records = []
    for orders in turns:
        full = {}
        for team in scenario.teams:
            moves = []
            for m in orders.get(team.id, []):
                moves.append(OrderedMove(m[0], tuple(m[1:])) if isinstance(m, tuple) else OrderedMove(m))
            full[team.id] = Order(team.id, tuple(moves))
        state, record = resolve_turn(state, full)
        records.append(record)
    return state, records


def fired_rules(records) -> set[str]:
    return {e.cause.id for r in records for e in r.events if e.kind == "rule" and e.success is not False}


def test_four_teams_each_with_at_least_eight_moves(scenario):
    assert ["washington", "pyongyang", "seoul", "beijing"] == [t.id for t in scenario.teams]
    counts = Counter(m.team for m in scenario.moves)
    assert all(counts[t.id] >= 8 for t in scenario.teams), counts


def test_at_least_eight_injects_and_four_endings_and_debrief_questions(scenario):
    assert len(scenario.injects) >= 8
    assert len({o.id for o in scenario.outcomes}) >= 4
    assert len(scenario.debrief) >= 4


def test_every_move_and_inject_cites_a_reading(scenario):
    for item in (*scenario.moves, *scenario.injects):
        assert item.sources, f"{item.id} cites no source"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the readings are not beside this checkout")
@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_quoted_passage_is_in_its_reading(path):
    scenario = load_scenario(path)
    texts = {sid: (SEEDS / name).read_text(encoding="utf-8") for sid, name in SOURCE_FILES.items()}
    for item in (*scenario.moves, *scenario.injects, *scenario.rules, *scenario.outcomes):
        for citation in item.sources:
            if citation.quote:
                assert citation.quote in texts[citation.source], f"{item.id}: {citation.quote!r}"


def test_relief_before_any_verified_step_slides_toward_de_facto_recognition(scenario):
    """'a premature normalization of relations and relaxation of sanctions without corresponding
    steps towards disarmament risks sliding toward de facto recognition' (GRASP/Korea)."""
    early, early_records = play(scenario, {"washington": ["us_ease_sanctions"]})
    assert "premature_relief" in fired_rules(early_records)
    late, late_records = play(
        scenario,
        {"pyongyang": ["dprk_declare_inventory"]},
        {"pyongyang": ["dprk_admit_inspectors"]},
        {"washington": ["us_ease_sanctions"]},
    )
    assert "premature_relief" not in fired_rules(late_records)
    assert early.meters["de_facto_recognition"] > late.meters["de_facto_recognition"]


def test_inflexible_demands_with_no_corresponding_measure_dissolve_diplomacy(scenario):
    """'inflexible demands ... risk dissolving diplomacy and re-surfacing tension' (GRASP/Korea)."""
    state, records = play(scenario, {"washington": ["us_demand_inventory", "us_demand_dismantlement"]})
    assert "inflexible_demands" in fired_rules(records)
    assert "talks_suspended" in state.flags
    offered, offered_records = play(scenario, {"washington": ["us_demand_inventory", "us_security_guarantee"]},
                                    {"washington": ["us_demand_dismantlement"]})
    assert "inflexible_demands" not in fired_rules(offered_records)


def test_a_synchronized_exchange_builds_more_trust_than_the_same_steps_in_sequence(scenario):
    """Mutual contingencies execute together, and the same-turn exchange is rewarded."""
    together, together_records = play(scenario, {
        "washington": [("us_peace_declaration", "dprk_declare_inventory")],
        "pyongyang": [("dprk_declare_inventory", "us_peace_declaration")],
    })
    assert "synchronized_exchange" in fired_rules(together_records)
    apart, _ = play(scenario, {"washington": ["us_peace_declaration"]}, {"pyongyang": ["dprk_declare_inventory"]})
    assert together.meters["us_dprk_trust"] > apart.meters["us_dprk_trust"]


def test_an_offer_contingent_on_a_move_not_made_is_not_carried_out(scenario):
    state, records = play(scenario, {"washington": [("us_peace_declaration", "dprk_declare_inventory")]})
    assert "peace_declared" not in state.flags
    assert any(e.kind == "contingency" and e.carried_out is False for e in records[0].events)


def test_the_icbm_clock_runs_every_month_without_inspections(scenario):
    """'fearing a closing window to deny a deliverable ICBM capability' (GRASP/Korea)."""
    start = initial_state(scenario, 1).meters["icbm_progress"]
    state, _ = play(scenario, {}, {}, {})
    assert start + 15 == state.meters["icbm_progress"]  # 5 a month
    inspected, _ = play(scenario, {"pyongyang": ["dprk_declare_inventory"]},
                        {"pyongyang": ["dprk_admit_inspectors"]}, {})
    assert inspected.meters["icbm_progress"] < state.meters["icbm_progress"]


def test_only_pyongyang_knows_the_missile_program_and_washington_acts_on_an_estimate(scenario):
    """Washington fears "a closing window" it can only estimate (GRASP/Korea); Seoul and Beijing see neither."""
    from exercise.engine import Audience, observe
    from exercise.engine.audience import belief_state

    assert frozenset({"pyongyang"}) == scenario.meter_index["icbm_progress"].visible_to
    spreads = []
    for seed in range(40):
        state, _ = play(scenario, {}, {}, seed=seed)
        washington = observe(state, Audience.of("washington"))
        assert "icbm_progress" not in washington.meters
        estimate = washington.values["icbm_estimate"]
        # a month late: the value at the start of the previous month, off by at most the gap
        then = state.records[-1].meters_before["icbm_progress"]
        assert abs(estimate - then) <= washington.meters["intel_gap"] + 0.5
        spreads.append(estimate - then)
        assert belief_state(scenario, washington, 7).meters["icbm_progress"] == estimate
        for team in ("seoul", "beijing"):
            seen = observe(state, Audience.of(team))
            assert "icbm_progress" not in seen.meters and "icbm_estimate" not in seen.values
    assert len(set(spreads)) > 5  # the estimate is really noisy
    # inspectors narrow the gap
    inspected, _ = play(scenario, {"pyongyang": ["dprk_declare_inventory"]}, {"pyongyang": ["dprk_admit_inspectors"]})
    assert inspected.meters["intel_gap"] < initial_state(scenario, 1).meters["intel_gap"]


def test_kims_intent_is_drawn_at_setup_for_pyongyang_alone_and_shapes_its_doctrine(scenario):
    """'does Kim Jong Un intend to give up his nuclear program?' (The Hill)."""
    from exercise.engine import Audience, observe

    intents = {"intent_keep_deterrent", "intent_trade_in_steps"}
    drawn = [(intents & initial_state(scenario, seed).flags).pop() for seed in range(300)]
    assert 0.55 < drawn.count("intent_keep_deterrent") / 300 < 0.78  # weights 2:1
    state = initial_state(scenario, 1)
    assert intents & observe(state, Audience.of("pyongyang")).flags
    for team in ("washington", "seoul", "beijing"):
        assert not intents & observe(state, Audience.of(team)).flags
    # a Kim who means to keep the deterrent will not date its dismantlement for nothing
    keep = next(s for s in range(300) if drawn[s] == "intent_keep_deterrent")
    trade = next(s for s in range(300) if drawn[s] == "intent_trade_in_steps")
    from exercise.bots.doctrine import DoctrinePlayer

    timetable = scenario.move_index["dprk_agree_timetable"]
    player = DoctrinePlayer(scenario, "pyongyang")
    assert player.red_line(initial_state(scenario, keep), timetable) is not None
    assert player.red_line(initial_state(scenario, trade), timetable) is None


def test_washington_runs_hot_and_cold(scenario):
    """'Whereas Washington has been hot and cold on its position' (The Hill)."""
    cold = hot = 0
    for seed in range(60):
        state, records = play(scenario, {}, {}, {}, {}, seed=seed)
        fired = fired_rules(records)
        cold += "washington_runs_cold" in fired
        hot += "washington_runs_hot" in fired
    assert 0 < hot < cold < 60


def test_moscow_blunts_new_pressure_at_the_council_once_the_three_have_met(scenario):
    """'Beijing and Moscow expressed support for Pyongyang’s position' (The Hill)."""
    met, records = play(scenario, {"beijing": ["prc_moscow_trilateral"]}, {"washington": ["us_coordinate_pressure"]})
    assert "council_split" in fired_rules(records)
    alone, records = play(scenario, {}, {"washington": ["us_coordinate_pressure"]})
    assert "council_split" not in fired_rules(records)


def test_quiet_missile_work_is_secret_from_the_other_teams(scenario):
    from exercise.engine import view

    state, _ = play(scenario, {"pyongyang": ["dprk_quiet_missile_work"]})
    assert "dprk_quiet_missile_work" in {p.move for p in view(state, "pyongyang").plays}
    assert "dprk_quiet_missile_work" not in {p.move for p in view(state, "seoul").plays}
    assert not any(e.move == "dprk_quiet_missile_work" for e in view(state, "seoul").events)


def test_a_declaration_is_not_a_verified_step_until_inspectors_confirm_it(scenario):
    """'a declaration, verification, and dismantlement regime' (GRASP/Korea): the declaration may be
    padded, and only a verification mission tells; a padded one exposed suspends the talks."""
    verdicts = set()
    for seed in range(40):
        state, records = play(
            scenario,
            {"pyongyang": ["dprk_declare_inventory"]},
            {"pyongyang": ["dprk_admit_inspectors"]},
            {"washington": ["us_verification_mission"]},
            seed=seed,
        )
        rules = fired_rules(records)
        assert "verified_step" not in {t for p in state.history.plays[:1]
                                       for t in scenario.move_index[p.move].tags}
        if "declaration_verified" in rules:
            verdicts.add("confirmed")
            assert "declaration_confirmed" in state.flags
        if "padding_exposed" in rules:
            verdicts.add("exposed")
            assert {"declaration_exposed", "talks_suspended"} <= state.flags
            assert "inspectors_admitted" not in state.flags
    assert {"confirmed", "exposed"} == verdicts


def test_beijing_can_endorse_a_us_roadmap_or_withhold_support_that_raises_the_trust_it_needs(scenario):
    """The roadmap "must now find the confidence of Kim Jong Un and his benefactor, Xi Jinping" (GRASP/Korea)."""
    from exercise.engine.state import legal_moves

    ids = lambda state: {m.id for m in legal_moves(state, "beijing")}  # noqa: E731
    before, _ = play(scenario, {})
    assert not {"prc_endorse_roadmap", "prc_withhold_roadmap"} & ids(before)
    offered, _ = play(scenario, {"washington": ["us_phased_roadmap"]})
    assert {"prc_endorse_roadmap", "prc_withhold_roadmap"} <= ids(offered)
    endorsed, records = play(scenario, {"washington": ["us_phased_roadmap"]}, {"beijing": ["prc_endorse_roadmap"]})
    endorsement = next(e for e in records[1].events if e.kind == "move" and e.move == "prc_endorse_roadmap")
    assert any(c.id == "us_dprk_trust" and c.amount > 0 for c in endorsement.changes)
    assert "prc_withhold_roadmap" not in ids(endorsed)
    roadmap = scenario.outcome_index["verified_roadmap"].when
    withheld, _ = play(scenario, {"washington": ["us_phased_roadmap"]}, {"beijing": ["prc_withhold_roadmap"]})
    from exercise.engine.state import override

    ready = withheld
    for flag in ("declaration_confirmed", "timetable_agreed", "peace_declared"):
        ready = override(ready, flag, True, "test")
    ready = override(override(ready, "denuclearization", 50, "test"), "us_dprk_trust", 60, "test")
    assert not roadmap(ready)  # 60 is enough without Beijing's objection, not with it
    assert roadmap(override(ready, "roadmap_withheld", False, "test"))
    assert roadmap(override(ready, "us_dprk_trust", 65, "test"))
