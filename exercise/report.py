"""After-action reports from a journal: Markdown and self-contained HTML, with decisive moments.

Decisive moments are real counterfactuals: from the state before each turn, the rest of the
exercise is replayed many times by computer players, and the chance of reaching the actual
ending is measured; the engine is deterministic, so the same journal gives the same figures.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from exercise.engine import (
    ENDED_BY_FACILITATOR,
    FACILITATOR,
    ROOM,
    Audience,
    Order,
    Scenario,
    State,
    belief_state,
    ending_event,
    observe,
    project_event,
    project_record,
    resolve_turn,
)
from exercise.play import computers, play_out
from exercise.render import (
    describe_order,
    ending_words,
    event_line,
    event_text,
    fmt_number,
    met_words,
    objective_results,
    reason_words,
)
from exercise.session import Session
from exercise.transcript import who_plays

REPLAYS = 100


def _finish(state: State, seed: int, level: str = "random") -> str | None:
    scenario = state.scenario
    return play_out(state, computers(scenario, {t.id: level for t in scenario.teams}), seed).outcome


def chance_of(state: State, outcome: str, base_seed: int, replays: int = REPLAYS) -> float:
    """The share of replays from `state` that reach `outcome`, computer players playing on."""
    if state.outcome is not None:
        return 1.0 if state.outcome == outcome else 0.0
    hits = sum(1 for k in range(replays) if _finish(state, base_seed * 7919 + k) == outcome)
    return hits / replays


def _as_known(state: State, audience: Audience, seed: int) -> State:
    """The state as the audience could reconstruct it: the facilitator's is the real one."""
    if audience.kind == "facilitator":
        return state
    return belief_state(state.scenario, observe(state, audience), seed)


def decisive_moments(session: Session, replays: int = REPLAYS, audience: Audience = FACILITATOR) -> dict[str, Any]:
    """How the chance of the actual ending moved turn by turn, and the moves that moved it most.

    For the facilitator, replays start from the real states. For the room or a team, they start
    from what that audience could know (hidden meters at their start, secret moves unplayed), and
    only moves it knows of are tried without: the figures never depend on a secret.
    """
    state = session.state
    outcome = state.outcome
    ending = ending_event(state)
    forced = ending is not None and ending.forced
    empty = {"outcome": outcome, "turns": [], "moves": [], "replays": replays, "forced": forced}
    if replays < 1 or outcome is None or outcome == ENDED_BY_FACILITATOR or forced or not session.records:
        return empty
    seed = session.seed
    before = [_as_known(s, audience, seed + i) for i, s in enumerate(session.states_before())]
    records = [project_record(session.scenario, audience, r) for r in session.records]
    chances = [chance_of(s, outcome, seed + i, replays) for i, s in enumerate(before)] + [1.0]
    turns = []
    for i, record in enumerate(records):
        turns.append({"turn": record.turn, "before": chances[i], "after": chances[i + 1],
                      "change": chances[i + 1] - chances[i]})
    ranked = sorted(turns, key=lambda t: -abs(t["change"]))[:3]
    moves = []
    for entry in ranked:
        index = entry["turn"] - records[0].turn
        start, record = before[index], records[index]
        for move_id in record.executed:
            move = session.scenario.move_index[move_id]
            orders = dict(record.orders)
            kept = tuple(om for om in orders[move.team].moves if om.move != move_id)
            orders[move.team] = Order(move.team, kept, orders[move.team].rationale)
            try:
                without, _ = resolve_turn(start, orders)
            except Exception:  # the counterfactual orders are not legal: skip this move
                continue
            chance = chance_of(without, outcome, seed + 1000 + index, replays)
            moves.append({"turn": record.turn, "move": move_id, "team": move.team,
                          "with": entry["after"], "without": chance, "effect": entry["after"] - chance})
    moves.sort(key=lambda m: -abs(m["effect"]))
    return {"outcome": outcome, "turns": turns, "moves": moves[:5], "replays": replays, "forced": False}


def hot_wash(session: Session, audience: Audience = FACILITATOR) -> list[str]:
    """Debrief prompts: the scenario's questions, then questions drawn from what the audience saw."""
    scenario = session.scenario
    prompts = list(scenario.debrief)
    events = [e for r in session.records for e in project_record(scenario, audience, r).events]
    ending = ending_event(session.state)
    if ending is not None and ending.forced:
        events.append(ending)
    for event in events:
        when = scenario.turn_label(event.turn)
        if event.kind == "rule" and event.success is not False:
            prompts.append(f"{when}: “{event_text(scenario, event)}” Whose choices made this "
                           "happen, in which order, and what else could they have done?")
        elif event.kind == "contingency" and event.carried_out is False:
            prompts.append(f"{when}: {event_text(scenario, event)}. What would it have taken "
                           "for both sides to move together?")
        elif event.kind == "expectation" and event.success is False:
            prompts.append(f"{when}: {event_text(scenario, event)}. Who could have acted, and why did nobody?")
        elif event.kind == "clock" and event.phase == "expired":
            prompts.append(f"{when}: {event_text(scenario, event)}. Who could have stopped it, and what would it "
                           "have cost them?")
        elif event.kind == "override":
            prompts.append(f"{when}: the facilitator stepped in ({event.reason}). "
                           "Did the class agree with that judgment?")
        elif event.kind == "outcome" and event.forced:
            prompts.append(f"{when}: the facilitator ended the exercise ({event.reason or 'no reason given'}). "
                           "Where was it heading, and what would each team have done next?")
    return prompts


def meter_series(session: Session, audience: Audience = FACILITATOR) -> dict[str, list[float]]:
    records = session.records
    scenario = session.scenario
    shown = [m for m in scenario.meters if m.id in observe(session.state, audience).meters]
    if not records:
        return {m.id: [session.state.meters[m.id]] for m in shown}
    return {m.id: [records[0].meters_before[m.id]] + [r.meters_after[m.id] for r in records] for m in shown}


AUDIENCE_NOTES = {
    "room": "The room's version: what every team may know. Secret moves, hidden meters and private "
            "injects are left out; it is safe to hand to students.",
    "facilitator": "The facilitator's version: everything, secret moves, hidden meters and private injects "
                   "included. Do not hand it out; the room's version is `ttx report JOURNAL --audience room`.",
}


def audience_note(scenario: Scenario, audience: Audience) -> str:
    if audience.kind == "team":
        name = scenario.team_index[audience.team].name
        return (f"{name}'s version: what {name} may know, its own secret moves and private news included. "
                "For that team only.")
    return AUDIENCE_NOTES[audience.kind]


def build(session: Session, replays: int = REPLAYS, audience: Audience = ROOM) -> dict[str, Any]:
    """Everything a report says for one audience, independent of its format."""
    state = session.state
    scenario = session.scenario
    ending = ending_event(state)
    if ending is not None:
        ending = project_event(scenario, audience, ending)
    title, text, why = ending_words(state, ending)
    return {
        "scenario": scenario,
        "audience": audience,
        "note": audience_note(scenario, audience),
        "date": session.started_at[:10],
        "seed": session.seed,
        "teams": [(t.name, who_plays(session.players.get(t.id, "human"))) for t in scenario.teams],
        "outcome": (title, " ".join(p for p in (text, why) if p)),
        "records": [project_record(scenario, audience, r) for r in session.records],
        "meters": meter_series(session, audience),
        "objectives": objective_results(state, audience),
        "decisive": decisive_moments(session, replays, audience),
        "hot_wash": hot_wash(session, audience),
    }


def write_reports(session: Session, journal: Any, replays: int = REPLAYS) -> list[Any]:
    """The room's and the facilitator's reports beside the journal, Markdown and HTML, private files."""
    from pathlib import Path

    from exercise.journal import write_private

    journal = Path(journal)
    written = []
    for audience in (ROOM, FACILITATOR):
        data = build(session, replays, audience)
        for suffix, render in ((".md", markdown), (".html", to_html)):
            path = journal.with_suffix(f".{audience.kind}.report{suffix}")
            write_private(path, render(data))
            written.append(path)
    return written


def _order_line(scenario: Scenario, audience: Audience, order: Order) -> str:
    mine = audience.kind == "facilitator" or audience.team == order.team
    return describe_order(scenario, order, nothing="passes" if mine else "no public move")


# -- Markdown -------------------------------------------------------------------------------
BARS = "▁▂▃▄▅▆▇█"


def _spark(values: Sequence[float], low: float, high: float) -> str:
    span = (high - low) or 1
    return "".join(BARS[max(0, min(7, int((v - low) / span * 7 + 0.5)))] for v in values)


def markdown(data: dict[str, Any]) -> str:
    scenario: Scenario = data["scenario"]
    out = [f"# After-action report: {scenario.title}", "", f"*{data['note']}*", "",
           "## Overview", "",
           f"- Scenario: {scenario.title} (`{scenario.id}`), {scenario.turns} turns of {scenario.turn_length}",
           f"- Date: {data['date']}", f"- Seed: {data['seed']}", "- Teams:"]
    out += [f"  - {name}: played by {who}" for name, who in data["teams"]]
    title, why = data["outcome"]
    out += ["", "## Outcome", "", f"**{title}**. {why}", "", "## Timeline", ""]
    for record in data["records"]:
        out += [f"### {scenario.turn_label(record.turn)}", ""]
        for team in scenario.teams:
            order = record.orders.get(team.id)
            if order is None:
                continue
            line = f"- **{team.name}**: {_order_line(scenario, data['audience'], order)}"
            if order.rationale:
                line += f" — rationale: “{order.rationale}”"
            if order.reason:
                line += f" — computer's reason: {reason_words(order.reason)}"
            out.append(line)
        for kinds, heading in ((("draw", "inject"), "Injects"), (("override",), "Facilitator"),
                               (("contingency",), "Contingencies"), (("chance",), "Chances"),
                               (("hidden",), "Undisclosed"), (("rule",), "Consequences"),
                               (("expectation",), "Expected actions"), (("clock",), "Clocks"),
                               (("outcome",), "Ending")):
            events = [e for e in record.events if e.kind in kinds]
            if events:
                out.append(f"- {heading}:")
                out += [f"  - {event_line(scenario, e)}" for e in events]
        out.append("")
    out += ["## Meters", "", "| meter | start | end | turn by turn |", "|---|---|---|---|"]
    for meter in (m for m in scenario.meters if m.id in data["meters"]):
        values = data["meters"][meter.id]
        out.append(f"| {meter.label} | {fmt_number(values[0])} | {fmt_number(values[-1])} | "
                   f"`{_spark(values, meter.min, meter.max)}` {' '.join(fmt_number(v) for v in values)} |")
    out += ["", "## Objectives", ""]
    for team, items, points, total in data["objectives"]:
        out.append(f"### {team.name}: {points if points is not None else '?'} of {total} points")
        out.append("")
        for objective, met in items:
            out.append(f"- {met_words(met)}: {objective.text}")
        out.append("")
    out += _decisive_md(data)
    out += ["## Hot wash", ""] + [f"{i}. {q}" for i, q in enumerate(data["hot_wash"], 1)] + [""]
    out += ["## Sources", ""]
    for source in scenario.sources:
        out.append("- " + ", ".join(p for p in (source.author, f"*{source.title}*", source.publisher, source.date) if p))
    return "\n".join(out) + "\n"


def _known_note(data: dict[str, Any]) -> str:
    if data["audience"].kind == "facilitator":
        return ""
    return (" Replays start from what this version's readers could know: hidden meters at their"
            " starting values and secret moves left out.")


def _decisive_md(data: dict[str, Any]) -> list[str]:
    scenario: Scenario = data["scenario"]
    decisive = data["decisive"]
    out = ["## Decisive moments", ""]
    if decisive["forced"]:
        return out + ["The facilitator chose the ending: it was not caused by the teams' moves, so no move"
                      " is credited with it.", ""]
    if not decisive["turns"]:
        return out + ["No decisive-moment analysis: the exercise has no scenario ending yet"
                      " (or it was not asked for).", ""]
    out += [f"From the start of each turn, the rest of the exercise was replayed {decisive['replays']} times "
            "by computer players (random legal moves). The figure is the share of replays that reached "
            "the actual ending." + _known_note(data), "", "| turn | chance before | chance after | change |", "|---|---|---|---|"]
    for t in decisive["turns"]:
        out.append(f"| {scenario.turn_label(t['turn'])} | {t['before']:.0%} | {t['after']:.0%} | {t['change']:+.0%} |")
    if decisive["moves"]:
        out += ["", "The moves that moved it most (the same turn replayed without the move):", ""]
        for m in decisive["moves"]:
            move = scenario.move_index[m["move"]]
            out.append(f"- {scenario.turn_label(m['turn'])}, {scenario.team_index[m['team']].name}, "
                       f"“{move.label}”: {m['with']:.0%} with it, {m['without']:.0%} without ({m['effect']:+.0%})")
    return out + [""]


# -- HTML -----------------------------------------------------------------------------------
CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; background: #fff; line-height: 1.45; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.chart { margin: 0.5rem 0 1.5rem; }
.met { font-weight: bold; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } .chart { page-break-inside: avoid; } }
"""


def _svg_chart(index: int, label: str, values: Sequence[float], low: float, high: float,
               turns: Sequence[str]) -> str:
    width, height, pad = 520, 140, 30
    span = (high - low) or 1
    n = max(len(values) - 1, 1)
    points = [(pad + i * (width - 2 * pad) / n, height - pad - (v - low) / span * (height - 2 * pad))
              for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#224"/>' for x, y in points)
    desc = ", ".join(f"{t}: {fmt_number(v)}" for t, v in zip(turns, values))
    e = html.escape
    return (f'<svg class="chart" role="img" aria-labelledby="t{index} d{index}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">'
            f'<title id="t{index}">{e(label)}</title><desc id="d{index}">{e(desc)}</desc>'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
            f'<text x="4" y="{pad + 4}" font-size="11">{fmt_number(high)}</text>'
            f'<text x="4" y="{height - pad}" font-size="11">{fmt_number(low)}</text>'
            f'<polyline points="{path}" fill="none" stroke="#224" stroke-width="2"/>{dots}</svg>')


def _code(text: str) -> str:
    """Escape for HTML, turning `conditions` into <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def to_html(data: dict[str, Any]) -> str:
    """One self-contained page: no scripts, no external files; charts carry their data as text."""
    scenario: Scenario = data["scenario"]
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>After-action report: {e(scenario.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>After-action report: {e(scenario.title)}</h1>", f"<p><em>{_code(data['note'])}</em></p>",
           "<h2>Overview</h2>",
           "<table><tbody>",
           f"<tr><th scope=\"row\">Scenario</th><td>{e(scenario.title)} ({scenario.turns} turns of {e(scenario.turn_length)})</td></tr>",
           f"<tr><th scope=\"row\">Date</th><td>{e(data['date'])}</td></tr>",
           f"<tr><th scope=\"row\">Seed</th><td>{data['seed']}</td></tr>", "</tbody></table>",
           "<table><thead><tr><th scope=\"col\">Team</th><th scope=\"col\">Played by</th></tr></thead><tbody>"]
    out += [f"<tr><td>{e(n)}</td><td>{e(w)}</td></tr>" for n, w in data["teams"]]
    out += ["</tbody></table>"]
    title, why = data["outcome"]
    out += ["<h2>Outcome</h2>", f"<p><strong>{e(title)}</strong>. {_code(why)}</p>", "<h2>Timeline</h2>"]
    for record in data["records"]:
        out.append(f"<h3>{e(scenario.turn_label(record.turn))}</h3><ul>")
        for team in scenario.teams:
            order = record.orders.get(team.id)
            if order is None:
                continue
            line = f"<li><strong>{e(team.name)}</strong>: {e(_order_line(scenario, data['audience'], order))}"
            if order.rationale:
                line += f" — rationale: “{e(order.rationale)}”"
            if order.reason:
                line += f" — computer's reason: {e(reason_words(order.reason))}"
            out.append(line + "</li>")
        for event in record.events:
            if event.kind != "move":
                out.append(f"<li>{e(event_line(scenario, event))}</li>")
        out.append("</ul>")
    out.append("<h2>Meters</h2>")
    labels = ["start"] + [scenario.turn_label(r.turn) for r in data["records"]]
    shown = [m for m in scenario.meters if m.id in data["meters"]]
    for index, meter in enumerate(shown):
        values = data["meters"][meter.id]
        out.append(f"<h3>{e(meter.label)}</h3>")
        out.append(_svg_chart(index, meter.label, values, meter.min, meter.max, labels))
    out += ["<table><thead><tr><th scope=\"col\">Meter</th>"]
    out += [f"<th scope=\"col\">{e(label)}</th>" for label in labels]
    out.append("</tr></thead><tbody>")
    for meter in shown:
        cells = "".join(f"<td>{fmt_number(v)}</td>" for v in data["meters"][meter.id])
        out.append(f"<tr><th scope=\"row\">{e(meter.label)}</th>{cells}</tr>")
    out += ["</tbody></table>", "<h2>Objectives</h2>"]
    for team, items, points, total in data["objectives"]:
        out.append(f"<h3>{e(team.name)}: {points if points is not None else '?'} of {total} points</h3><ul>")
        for objective, met in items:
            out.append(f"<li><span class=\"met\">{e(met_words(met))}</span>: {e(objective.text)}</li>")
        out.append("</ul>")
    decisive = data["decisive"]
    out.append("<h2>Decisive moments</h2>")
    if decisive["forced"]:
        out.append("<p>The facilitator chose the ending: it was not caused by the teams' moves, so no move is "
                   "credited with it.</p>")
    elif decisive["turns"]:
        out.append(f"<p>From the start of each turn, the rest of the exercise was replayed {decisive['replays']} "
                   "times by computer players (random legal moves); the figure is the share of replays that "
                   f"reached the actual ending.{e(_known_note(data))}</p>")
        out.append("<table><thead><tr><th scope=\"col\">Turn</th><th scope=\"col\">Chance before</th>"
                   "<th scope=\"col\">Chance after</th><th scope=\"col\">Change</th></tr></thead><tbody>")
        for t in decisive["turns"]:
            out.append(f"<tr><td>{e(scenario.turn_label(t['turn']))}</td><td>{t['before']:.0%}</td>"
                       f"<td>{t['after']:.0%}</td><td>{t['change']:+.0%}</td></tr>")
        out.append("</tbody></table>")
        if decisive["moves"]:
            out.append("<p>The moves that moved it most (the same turn replayed without the move):</p><ul>")
            for m in decisive["moves"]:
                move = scenario.move_index[m["move"]]
                out.append(f"<li>{e(scenario.turn_label(m['turn']))}, {e(scenario.team_index[m['team']].name)}, "
                           f"“{e(move.label)}”: {m['with']:.0%} with it, {m['without']:.0%} without "
                           f"({m['effect']:+.0%})</li>")
            out.append("</ul>")
    else:
        out.append("<p>No decisive-moment analysis: the exercise has no scenario ending yet (or it was not asked for).</p>")
    out += ["<h2>Hot wash</h2>", "<ol>"] + [f"<li>{e(q)}</li>" for q in data["hot_wash"]] + ["</ol>"]
    out += ["<h2>Sources</h2>", "<ul>"]
    for source in scenario.sources:
        parts = [e(p) for p in (source.author, source.title, source.publisher, source.date) if p]
        out.append(f"<li>{', '.join(parts)}</li>")
    out += ["</ul>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
