"""`ttx simulate`: a deterministic balance report of the documented shape."""

from __future__ import annotations

import json

from conftest import MINI, run_ttx


def simulate(*args: str) -> dict:
    result = run_ttx("simulate", *args, "--json")
    assert 0 == result.returncode, result.stderr
    return json.loads(result.stdout)


def test_the_json_report_is_the_same_for_the_same_seed_in_one_process_or_two():
    one = simulate("sequencing_2018", "--runs", "60", "--seed", "7", "--jobs", "1")
    two = simulate("sequencing_2018", "--runs", "60", "--seed", "7", "--jobs", "2")
    assert one == two
    other = simulate("sequencing_2018", "--runs", "60", "--seed", "8", "--jobs", "1")
    assert one != other


def test_the_json_report_has_the_documented_shape():
    report = simulate("sequencing_2018", "--runs", "40", "--seed", "1", "--bot", "beijing=doctrine")
    assert ["version", "scenario", "runs", "seed", "endings", "end_turn", "teams", "rules", "injects",
            "meters", "never_legal"] == list(report)
    assert 40 == report["runs"] == sum(e["count"] for e in report["endings"].values())
    assert 40 == sum(report["end_turn"].values())
    for ending in report["endings"].values():
        low, high = ending["ci95"]
        assert low <= ending["share"] <= high
    assert {"level", "mean_score", "moves_chosen"} == set(report["teams"]["seoul"])
    assert "doctrine" == report["teams"]["beijing"]["level"]
    assert {"min", "max", "final"} == set(report["meters"]["tension"])
    assert 0 <= report["meters"]["tension"]["min"] <= report["meters"]["tension"]["max"] <= 100
    assert all(0 <= c <= 40 for c in report["rules"].values())


def test_the_text_report_names_every_ending_and_rule():
    result = run_ttx("simulate", str(MINI), "--runs", "30", "--seed", "2")
    assert 0 == result.returncode
    assert "Endings (share, 95% interval)" in result.stdout
    assert "Stalemate" in result.stdout and "sync" in result.stdout
    assert "[" not in result.stderr  # no progress bar without a terminal


def test_simulate_refuses_nonsense_in_one_line():
    result = run_ttx("simulate", "sequencing_2018", "--runs", "0")
    assert 1 == result.returncode
    assert "--runs must be at least 1" in result.stderr
