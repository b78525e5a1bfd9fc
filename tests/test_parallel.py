"""Every core, the same figures: `ttx test`, `ttx simulate` and decisive moments with one process or several."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import FIXTURES, FLAGSHIP, run_ttx

from exercise.engine import FACILITATOR, ROOM, load_scenario
from exercise.parallel import Processes, can_fork, processes_for
from exercise.report import chance_of, decisive_moments
from exercise.session import Session

EVERY_CHECK = FIXTURES / "expect" / "every_check.toml"

pytestmark = pytest.mark.skipif(not can_fork(), reason="several processes need fork and a single thread")


def _pid_after(shared, task):
    time.sleep(0.01 * (task % 3))
    return task, shared, os.getpid()


def test_results_come_back_in_task_order_from_several_processes():
    with Processes(2, "shared", tasks=12) as pool:
        results = pool.map(_pid_after, list(range(12)), costs=[i % 3 for i in range(12)])
    assert list(range(12)) == [task for task, _, _ in results]
    assert {"shared"} == {shared for _, shared, _ in results}
    assert 2 == len({pid for _, _, pid in results})
    assert os.getpid() not in {pid for _, _, pid in results}


def test_progress_counts_every_task_once_in_whatever_order_they_finish():
    seen = []
    with Processes(2, None, tasks=6) as pool:
        pool.map(_pid_after, list(range(6)), sizes=[1, 2, 3, 1, 2, 3],
                 progress=lambda done, total: seen.append((done, total)))
    assert 6 == len(seen) and (12, 12) == seen[-1]
    assert sorted(seen) == seen


def test_a_process_with_another_thread_never_forks_and_gets_the_same_results():
    """A Textual app's worker thread (the ending screen writing its reports) works in its own process."""
    results = []

    def work() -> None:
        with Processes(2, "shared", tasks=12) as pool:
            results.append((pool.processes, pool.map(_pid_after, list(range(12)))))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert [(1, [(i, "shared", os.getpid()) for i in range(12)])] == results


def test_a_failing_task_fails_the_whole_map_with_its_error():
    with Processes(2, None, tasks=3) as pool, pytest.raises(ZeroDivisionError):
        pool.map(_divide, [1, 0, 2])


def _divide(_shared, task):
    return 1 / task


def _die(_shared, task):
    if task == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def _unpicklable(_shared, task):
    return lambda: task


def test_a_result_that_cannot_be_sent_back_is_an_error_of_the_map():
    with Processes(2, None, tasks=2) as pool, pytest.raises(Exception, match="pickle"):
        pool.map(_unpicklable, [1, 2])


def test_a_worker_that_dies_is_said_not_waited_for():
    with Processes(2, None, tasks=3) as pool, pytest.raises(ChildProcessError, match="ended before its task"):
        pool.map(_die, [0, 1, 2])


def test_output_printed_before_the_workers_start_is_printed_once():
    """A forked worker must not write again what the parent had not yet written out (standard output
    to a pipe is written out a block at a time)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    result = subprocess.run([sys.executable, "-m", "exercise", "test", str(EVERY_CHECK), str(EVERY_CHECK),
                             "--jobs", "2"], capture_output=True, text=True, env=env, timeout=120)
    assert 0 == result.returncode, result.stderr
    assert 2 == result.stdout.count("Every check: 6 expectation(s)")


# -- decisive moments ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def six_turns(tmp_path_factory):
    """The flagship played by doctrine players, seed 1: a verified roadmap in six turns."""
    path = tmp_path_factory.mktemp("six") / "game.jsonl"
    result = run_ttx("run", "sequencing_2018", "--seed", "1", "--bot", "doctrine", "--journal", str(path))
    assert 0 == result.returncode, result.stderr
    session = Session.resume(path, write=False)
    assert 6 == len(session.records) and "verified_roadmap" == session.state.outcome
    return session


# Recorded before the replays were spread over processes (20 replays a start).
RECORDED_TURNS = [(1, 0.0, 0.05), (2, 0.05, 0.0), (3, 0.0, 0.0), (4, 0.0, 0.05), (5, 0.05, 0.1), (6, 0.1, 1.0)]
RECORDED_MOVES = {
    "facilitator": [(6, "us_phased_roadmap", 0.15), (6, "dprk_agree_timetable", 0.15), (1, "us_peace_declaration", 0.0),
                    (1, "dprk_declare_inventory", 0.0), (2, "us_maximum_pressure", 0.05)],
    "room": [(6, "us_phased_roadmap", 0.15), (6, "dprk_agree_timetable", 0.15), (1, "us_peace_declaration", 0.0),
             (1, "dprk_declare_inventory", 0.0), (6, "us_maximum_pressure", 1.0)],
}


@pytest.mark.parametrize("audience", [FACILITATOR, ROOM], ids=["facilitator", "room"])
def test_decisive_moments_are_the_same_with_one_process_or_two_and_as_recorded(six_turns, audience):
    assert 2 == processes_for(2, 10)
    one = decisive_moments(six_turns, 20, audience, jobs=1)
    two = decisive_moments(six_turns, 20, audience, jobs=2)
    assert json.dumps(one) == json.dumps(two)
    assert RECORDED_TURNS == [(t["turn"], t["before"], t["after"]) for t in two["turns"]]
    assert RECORDED_MOVES[audience.kind] == [(m["turn"], m["move"], m["without"]) for m in two["moves"]]


def test_the_chance_from_one_state_is_the_same_with_one_process_or_two(six_turns):
    start = six_turns.states_before()[0]
    assert chance_of(start, "verified_roadmap", 11, 60, jobs=1) == chance_of(start, "verified_roadmap", 11, 60, jobs=2)


# -- ttx test and ttx simulate ------------------------------------------------------------------------
def test_ttx_test_prints_the_same_results_with_one_process_or_two():
    from exercise.expectations import wanted
    from exercise.simulate import plan

    scenario = load_scenario(EVERY_CHECK)
    work = plan([g for e in scenario.expectations for g in wanted(str(EVERY_CHECK), e)], 2)
    assert 2 == work.processes  # enough work for a pool: the comparison below compares something
    one = run_ttx("test", str(EVERY_CHECK), "--jobs", "1")
    two = run_ttx("test", str(EVERY_CHECK), "--jobs", "2")
    assert (0, "") == (one.returncode, one.stderr)
    assert one.stdout == two.stdout
    assert "6 passed, 0 failed" in two.stdout
    as_json = [json.loads(run_ttx("test", str(EVERY_CHECK), "--json", "--jobs", str(jobs)).stdout) for jobs in (1, 2)]
    assert as_json[0] == as_json[1]


def test_games_two_expectations_ask_for_are_played_once():
    """The doctrine games a strategy is compared with are the doctrine expectations' own (80 runs are
    the first 80 of 120), and a strategy that is the team's own level plays the same games."""
    from exercise.expectations import wanted
    from exercise.simulate import plan

    scenario = load_scenario(EVERY_CHECK)
    asked = [g for e in scenario.expectations for g in wanted(str(EVERY_CHECK), e)]
    played = sum(len(seeds) for _, seeds in plan(asked, 1).games)
    # doctrine 120, lookahead 6, Blue passing 80, random 60 and Red at doctrine 60, Red with its
    # strategy 60 (the same players as random: shared), Blue doctrine and Red random 100
    assert 120 + 6 + 80 + 60 + 60 + 100 == played
    assert played < sum(g.runs for g in asked)


def test_the_flagships_expectations_play_each_game_once_in_tasks_for_every_core():
    from exercise.expectations import wanted
    from exercise.simulate import plan

    scenario = load_scenario(FLAGSHIP)
    work = plan([g for e in scenario.expectations for g in wanted(str(FLAGSHIP), e)], 2)
    # 300 doctrine games (the strategies' doctrine games among them), 60 lookahead, 5 strategies of 150, 300 mixed
    assert 300 + 60 + 5 * 150 + 300 == sum(len(seeds) for _, seeds in work.games)
    assert 2 == work.processes and len(work.tasks) >= 40
    assert sorted(work.costs, reverse=True)[0] <= 4 * sorted(work.costs)[len(work.costs) // 2]


def test_ttx_simulate_reports_the_same_figures_with_one_process_or_three():
    common = ["simulate", "sequencing_2018", "--runs", "120", "--seed", "5", "--bot", "random", "--json", "-q"]
    one, three = (run_ttx(*common, "--jobs", jobs) for jobs in ("1", "3"))
    assert 0 == one.returncode == three.returncode
    assert json.loads(one.stdout) == json.loads(three.stdout)
