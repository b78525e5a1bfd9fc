"""What a student reads on the reveal and the ending says why, in words: never condition code.

The flagship is played through the TUI with the orders of its scripted endings
(scenarios/orders/sequencing_2018/), as `ttx run --orders` plays them, and what the room sees
is read off the screen.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from exercise.cli import build_app
from exercise.play import Scripted, choose, computers
from exercise.orders_file import read_orders
from tui_helpers import screen_text, settle, submit_orders

SIZE = (120, 40)
ORDERS = ROOT / "scenarios" / "orders" / "sequencing_2018"
# What condition code looks like: an operator, a call, an id with underscores, a Python-ish name.
CODE = re.compile(r">=|<=|==|!=|\w\(|\b\w+_\w+\b|\band_\b|\bor_\b|\bnot_\b")


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


def screen_name(app) -> str:
    return type(app.screen).__name__


def code_in(words: str) -> list[str]:
    return CODE.findall(words)


async def start(pilot) -> None:
    """Setup in facilitator-entry mode, the briefing, then the turn screen."""
    from textual.widgets import Select

    await settle(pilot)
    pilot.app.screen.query_one("#mode", Select).value = "facilitator"
    await submit_orders(pilot)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


async def reveals(pilot, ending: str):
    """Each turn: the orders of the ending's script entered for every team, r, and the reveal's text.

    Turns the script leaves out are chosen by the same seeded computer players as `ttx run`'s.
    """
    app = pilot.app
    scenario = app.state.scenario
    script = read_orders(str(ORDERS / f"{ending}.toml"), scenario)
    controllers = computers(scenario, {t.id: "random" for t in scenario.teams})
    for team in {team for orders in script.values() for team in orders}:
        controllers[team] = Scripted({turn: orders[team] for turn, orders in script.items() if team in orders},
                                     controllers[team])
    while True:
        state = app.state
        for team in scenario.teams:
            app.submit(choose(state, team.id, controllers[team.id], app.exercise.session.seed))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)
        yield screen_text(app)
        if app.state.outcome is not None:
            return
        await pilot.press("enter")
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)


def consequences(text: str) -> list[str]:
    """The reveal's consequences and expected actions, one line each."""
    return [line for line in text.splitlines() if line.startswith(("• Consequence:", "• Expected"))]


def cause_of(line: str) -> str:
    """What a consequence's line says caused it: its "(because …)", or a missed action's "(not done by …)"."""
    found = re.search(r"\((because .*?|not done by the end of .*?)\)(?: \(chance| →|$)", line)
    return found.group(1) if found else ""


async def test_every_consequence_on_the_reveal_says_in_words_what_caused_it():
    app = build_app(["play", "sequencing_2018", "--seed", "1"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        seen = []
        async for text in reveals(pilot, "verified_roadmap"):
            for line in consequences(text):
                cause = cause_of(line)
                assert cause, f"no cause: {line}"
                assert [] == code_in(cause), f"condition code in “{cause}”"
                seen.append(line)
        said = "\n".join(seen)
        # turn 1: an order-dependent consequence, said with the scenario's tags
        assert ("Relations were normalized before any verified step: Kim gains stature without conceding "
                "anything. (because a move tagged ‘normalization’ was played before any move tagged "
                "‘verified step’)") in said
        # turn 3: an expected action done, by its words
        assert "Expected of Washington: Washington turns the Singapore guarantees into concrete security " \
               "guarantees: done (because Security guarantees given)" in said
        # turn 5: a condition reading a fact hidden from the room says the rest and hides that part
        verified = next(line for line in seen if "The inspectors confirm the declaration" in line)
        assert ("(because ‘Send a verification mission’ was played this turn, ‘Send a verification mission’ "
                "has succeeded, something not shown and Padded declaration exposed does not hold)") in verified
        assert "The declaration is padded" not in said  # the hidden fact's label, for Pyongyang alone


async def test_a_missed_expectation_on_the_reveal_says_by_when_and_what_came_of_it():
    app = build_app(["play", "sequencing_2018", "--seed", "1"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        texts = []
        async for text in reveals(pilot, "frozen_stalemate"):
            texts.append(text)
            if len(texts) == 4:
                break
        assert ("Expected of Washington: Washington turns the Singapore guarantees into concrete security "
                "guarantees: missed (not done by the end of Turn 3 (August 2018))") in texts[2]
        # the inject that comes of it, at the start of the next turn
        assert ("— because Washington did not act in time: Washington turns the Singapore guarantees into "
                "concrete security guarantees") in texts[3]


ENDINGS = {
    "verified_roadmap": ("A verified denuclearization roadmap",
                         "Reached on Turn 5 (October 2018), because Declaration confirmed by inspection, "
                         "Dismantlement timetable agreed, Denuclearization is 45 or more and U.S.–DPRK trust is "
                         "55 or more; either Beijing withholds support from the roadmap does not hold, or "
                         "U.S.–DPRK trust is 65 or more; and either Peace declaration signed or Security "
                         "guarantees given."),
    "de_facto_nuclear_state": ("North Korea, a de facto nuclear state",
                               "Reached on Turn 2 (July 2018), because De facto recognition is 60 or more."),
    "diplomacy_collapses": ("Diplomacy collapses",
                            "Reached on Turn 2 (July 2018), because Tension is 85 or more, or all of Talks "
                            "suspended, the consequence ‘The talks stay suspended’ has happened and U.S.–DPRK "
                            "trust is 10 or less."),
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
async def test_the_ending_says_why_it_came_in_plain_words_on_the_reveal_and_the_ending_screen(ending):
    title, why = ENDINGS[ending]
    app = build_app(["play", "sequencing_2018", "--seed", "1"])
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        async for text in reveals(pilot, ending):
            pass
        outcome = str(app.screen.query_one("#reveal-outcome").visual)
        assert "The exercise ends" in text
        assert outcome.startswith(title)
        assert why in outcome
        assert [] == code_in(why)
        await pilot.press("enter")
        await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        shown = screen_text(app)
        assert f"## {title}" in shown
        assert why in shown.splitlines()
