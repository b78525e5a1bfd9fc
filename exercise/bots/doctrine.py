"""Computer players that follow a team's doctrine, and one that looks ahead with the engine.

Both see only their team's view: they simulate on `belief_state(view)`, in which whatever
the team cannot see is replaced by what it would assume. Every choice carries a reason in
plain words.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence

from exercise.engine.model import Doctrine, Move, Scenario
from exercise.engine.state import (
    IllegalOrder,
    Order,
    OrderedMove,
    State,
    TeamView,
    belief_state,
    resolve_turn,
    score,
    view,
)


def team_value(state: State, team: str) -> float:
    """How good a state is for a team, by its doctrine: meters, facts and objectives."""
    doctrine = state.scenario.team_index[team].doctrine
    meters = state.meters
    value = sum(weight * meters[m] for m, weight in doctrine.values)
    value += sum(v for f, v in doctrine.flag_values if f in state.flags)
    if doctrine.objectives and state.scenario.team_index[team].objectives:
        value += doctrine.objectives * score(state, team).fraction
    return value


def _matches(move: Move, name: str) -> bool:
    return move.id == name or name in move.tags


def _passing(scenario: Scenario, **orders: Order) -> dict[str, Order]:
    out = {t.id: Order(t.id) for t in scenario.teams}
    out.update(orders)
    return out


class DoctrinePlayer:
    """Follows the doctrine: values, red lines, sequencing preferences and temperament."""

    name = "doctrine"

    def __init__(self, scenario: Scenario, team: str) -> None:
        self.scenario = scenario
        self.team = team
        self.doctrine: Doctrine = scenario.team_index[team].doctrine

    # -- what it refuses and in which order it moves -------------------------------------
    def red_line(self, state: State, move: Move) -> str | None:
        for line in self.doctrine.red_lines:
            if any(_matches(move, name) for name in line.moves):
                if line.unless is None or not line.unless.evaluate(state):
                    return line.reason
        return None

    def partner_for(self, state: State, move: Move) -> tuple[Move, str] | None:
        """The other team's move this one must wait for, if it has not been played yet."""
        for rule in self.doctrine.sequencing:
            if not _matches(move, rule.move) or rule.after in state.history.count:
                continue
            for other in self.scenario.moves:
                if other.team != self.team and _matches(other, rule.after):
                    if other.once and other.id in state.history.count:
                        continue
                    return other, rule.reason
        return None

    # -- scoring ------------------------------------------------------------------------
    def evaluate(self, state: State, move: Move, base: float) -> tuple[float, State | None]:
        """The gain of playing `move` now (with its partner, if it must wait for one)."""
        orders = {self.team: Order(self.team, (OrderedMove(move.id),))}
        partner = self.partner_for(state, move)
        if partner is not None:
            other = partner[0]
            orders[other.team] = Order(other.team, (OrderedMove(other.id),))
        try:
            after, _ = resolve_turn(state, _passing(self.scenario, **orders))
        except IllegalOrder:  # the partner's move is not available to it now
            after, _ = resolve_turn(state, _passing(self.scenario, **{self.team: orders[self.team]}))
        gain = team_value(after, self.team) - base
        if move.chance is not None:
            gain *= 0.5 + self.doctrine.risk  # the cautious discount a gamble, the bold prize it
        return gain, after

    def explain(self, before: State, after: State | None, move: Move) -> str:
        """The two largest reasons, by the doctrine's own weights, that the move was worth it."""
        if after is None:
            return move.label
        scenario = self.scenario
        terms = []
        for meter, weight in self.doctrine.values:
            delta = after.meters[meter] - before.meters[meter]
            if delta:
                verb = "raises" if delta > 0 else "lowers"
                terms.append((abs(weight * delta), f"{verb} {scenario.meter_index[meter].label.lower()}"))
        for flag, value in self.doctrine.flag_values:
            if (flag in after.flags) != (flag in before.flags):
                terms.append((abs(value), scenario.flag_index[flag].label.lower()))
        for objective in scenario.team_index[self.team].objectives:
            if objective.when.evaluate(after) and not objective.when.evaluate(before):
                terms.append((self.doctrine.objectives, f"serves “{objective.text}”"))
        terms.sort(key=lambda t: -t[0])
        why = " and ".join(t[1] for t in terms[:2])
        return f"{move.label}" + (f": {why}" if why else "")

    def waiting(self, state: State) -> State:
        """The turn as it would go if every team passed: the baseline a move must beat."""
        return resolve_turn(state, _passing(self.scenario))[0]

    def scored_moves(self, state: State, legal: Sequence[Move], rng: random.Random
                     ) -> tuple[list[tuple[float, Move, State | None]], list[str]]:
        # Gains are measured against waiting, so that what happens anyway (a clock that
        # runs every turn, a scheduled inject) is not credited to any move.
        base = team_value(self.waiting(state), self.team)
        scored = []
        refused = []
        for move in legal:
            reason = self.red_line(state, move)
            if reason is not None:
                refused.append(f"will not {move.label[0].lower() + move.label[1:]}: {reason}")
                continue
            gain, after = self.evaluate(state, move, base)
            scored.append((gain + rng.uniform(-0.5, 0.5), move, after))
        scored.sort(key=lambda s: -s[0])
        return scored, refused

    def order_for(self, state: State, moves: Iterable[Move]) -> tuple[OrderedMove, ...]:
        out = []
        for move in moves:
            partner = self.partner_for(state, move)
            out.append(OrderedMove(move.id, (partner[0].id,) if partner else ()))
        return tuple(out)

    def choose(self, team_view: TeamView, rng: random.Random) -> Order:
        state = belief_state(team_view)
        per_turn = self.scenario.team_index[self.team].moves_per_turn
        scored, refused = self.scored_moves(state, team_view.legal, rng)
        threshold = 5 * self.doctrine.patience
        chosen = [(gain, move, after) for gain, move, after in scored if gain > threshold][:per_turn]
        reasons = []
        waiting = self.waiting(state) if chosen else state
        for _, move, after in chosen:
            text = self.explain(waiting, after, move)
            partner = self.partner_for(state, move)
            if partner is not None:
                other, why = partner
                text += (f" — only if {self.scenario.team_index[other.team].name} plays "
                         f"“{other.label}” this turn: {why}")
            reasons.append(text)
        if not chosen:
            reasons.append("waits: nothing on offer is worth it this turn")
        if refused:
            reasons.append(refused[0])
        moves = self.order_for(state, (m for _, m, _ in chosen))
        return Order(self.team, moves, reason="; ".join(reasons))


class LookaheadPlayer(DoctrinePlayer):
    """Tries candidate orders in the engine against plausible orders of the others."""

    name = "lookahead"
    candidates = 5
    samples = 3

    def choose(self, team_view: TeamView, rng: random.Random) -> Order:
        state = belief_state(team_view)
        per_turn = self.scenario.team_index[self.team].moves_per_turn
        scored, refused = self.scored_moves(state, team_view.legal, rng)
        top = [m for _, m, _ in scored[: self.candidates]]
        options: list[tuple[Move, ...]] = [()]
        options += [(m,) for m in top]
        if per_turn >= 2:
            options += list(itertools.combinations(top[:4], 2))
        others = {t.id: DoctrinePlayer(self.scenario, t.id) for t in self.scenario.teams if t.id != self.team}
        seeds = [rng.random() for _ in range(self.samples)]
        results = []
        for option in options:
            order = Order(self.team, self.order_for(state, option))
            total = 0.0
            for seed in seeds:
                total += self._future(state, order, others, random.Random(seed))
            results.append((total / len(seeds), option, order))
        results.sort(key=lambda r: -r[0])
        best_value, best, order = results[0]
        passing = next(v for v, o, _ in results if o == ())
        if best:
            labels = " and ".join(f"“{m.label}”" for m in best)
            reason = (f"looked ahead two turns in {len(seeds)} plausible futures: {labels} "
                      f"scored {best_value:.1f} by its doctrine, against {passing:.1f} for waiting")
            partners = [self.partner_for(state, m) for m in best]
            for move, partner in zip(best, partners):
                if partner is not None:
                    other, why = partner
                    reason += (f"; “{move.label}” only if {self.scenario.team_index[other.team].name}"
                               f" plays “{other.label}”: {why}")
        else:
            reason = (f"looked ahead two turns in {len(seeds)} plausible futures: waiting scored "
                      f"{best_value:.1f}, better than any move")
        if refused:
            reason += f"; {refused[0]}"
        return Order(self.team, order.moves, reason=reason)

    def _future(self, state: State, order: Order, others: dict[str, DoctrinePlayer],
                rng: random.Random) -> float:
        """Play this order against the others' doctrine, then one more turn, and value the result."""
        for turn in range(2):
            if state.outcome is not None:
                break
            orders = {}
            for team_id, player in others.items():
                orders[team_id] = quick_order(player, state, rng)
            orders[self.team] = order if turn == 0 else quick_order(self, state, rng)
            try:
                state, _ = resolve_turn(state, orders)
            except IllegalOrder:
                orders[self.team] = Order(self.team)
                state, _ = resolve_turn(state, orders)
        return team_value(state, self.team)


def quick_order(player: DoctrinePlayer, state: State, rng: random.Random) -> Order:
    """A doctrine player's likely order, judged by its moves' own effects only (no simulation)."""
    doctrine = player.doctrine
    weights = dict(doctrine.values)
    flag_values = dict(doctrine.flag_values)
    team_view = view(state, player.team)
    scored = []
    for move in team_view.legal:
        if player.red_line(state, move) is not None:
            continue
        gain = sum(weights.get(m, 0.0) * d for m, d in move.effects.meters)
        gain += sum(flag_values.get(f, 0.0) for f in move.effects.set)
        gain -= sum(flag_values.get(f, 0.0) for f in move.effects.clear)
        scored.append((gain + rng.uniform(-1, 1), move))
    scored.sort(key=lambda s: -s[0])
    per_turn = player.scenario.team_index[player.team].moves_per_turn
    chosen = [m for g, m in scored if g > 5 * doctrine.patience][:per_turn]
    return Order(player.team, player.order_for(state, chosen))


LEVELS = ("random", "doctrine", "lookahead")


def make_player(level: str, scenario: Scenario, team: str):
    """A computer player of the given level for one team."""
    from exercise.bots.random_player import RandomPlayer

    if level == "random":
        return RandomPlayer(scenario)
    if level == "doctrine":
        return DoctrinePlayer(scenario, team)
    if level == "lookahead":
        return LookaheadPlayer(scenario, team)
    raise ValueError(f"unknown level '{level}': choose one of {', '.join(LEVELS)}")
