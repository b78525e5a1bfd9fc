"""Computer players that follow a team's doctrine, and one that looks ahead with the engine.

Both are given their team's observation, never the state or the game's seed: they simulate on
`belief_state(observation)`, in which whatever the team cannot see is replaced by what it
would assume, and with a seed drawn from their own random stream. A gamble is valued by its
expectation (success and failure weighed by the chance), never by the real draw. A state is
valued one turn further than the move itself (`DoctrinePlayer.outlook`), so that a move whose
worth is what it opens or sets off next turn is not valued at nothing. Every choice
carries a reason: parts in plain words, each naming the moves, meters and facts it mentions,
so that the engine can show each part only to those who may know them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Collection, Iterable, Sequence

import attrs

from exercise.engine.audience import Observation, belief_state
from exercise.engine.model import Doctrine, Move, Scenario
from exercise.engine.state import (
    IllegalOrder,
    Order,
    OrderedMove,
    ReasonPart,
    State,
    legal_moves,
    resolve_turn,
    score,
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


NEXT_TURN = 0.5
"""What a gain one turn away is worth against the same gain now.

A fixed factor rather than the doctrine's patience: patience says how clear a gain must be
before the team acts, not how far it sees, and tying the two would leave an impatient doctrine
blind to the step that prepares its best move. At one half, a move that only opens another is
played when the move it opens is worth twice what the doctrine's patience asks of a move.
"""


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
        # A team that may order no move (moves_per_turn = 0) has no candidates, whatever is legal.
        self.orders_moves = scenario.team_index[team].moves_per_turn > 0

    # -- what it refuses and in which order it moves -------------------------------------
    def red_line(self, state: State, move: Move) -> str | None:
        for line in self.doctrine.red_lines:
            if any(_matches(move, name) for name in line.moves):
                if line.unless is None or not line.unless.evaluate(state):
                    return line.reason
        return None

    def partner_for(self, state: State, move: Move) -> tuple[Move, str] | None:
        """The other team's move this one must wait for, if it has not been played yet.

        Only a public move can be a partner: whether a secret move was played is never known.
        """
        for rule in self.doctrine.sequencing:
            if not _matches(move, rule.move) or rule.after in state.history.count:
                continue
            for other in self.scenario.moves:
                if other.team != self.team and not other.secret and _matches(other, rule.after):
                    if other.once and other.id in state.history.count:
                        continue
                    return other, rule.reason
        return None

    # -- scoring ------------------------------------------------------------------------
    def _try(self, state: State, orders: dict[str, Order], rolls: dict[str, bool] | None) -> State:
        try:
            return resolve_turn(state, _passing(self.scenario, **orders), rolls)[0]
        except IllegalOrder:  # the partner's move is not available to it now
            return resolve_turn(state, _passing(self.scenario, **{self.team: orders[self.team]}), rolls)[0]

    def evaluate(self, state: State, move: Move, base: float,
                 value: Callable[[State], float] | None = None) -> tuple[float, State | None]:
        """The gain of playing `move` now (with its partner, if it must wait for one).

        A chance move is valued by its expectation: the gain if it succeeds and if it fails,
        weighed by the chance, so the choice never depends on the number the turn will draw.
        `value` judges the state the move leads to (by default `team_value`, the state alone).
        """
        if value is None:
            def value(s: State) -> float:
                return team_value(s, self.team)
        orders = {self.team: Order(self.team, (OrderedMove(move.id),))}
        partner = self.partner_for(state, move)
        if partner is not None:
            other = partner[0]
            orders[other.team] = Order(other.team, (OrderedMove(other.id),))
        if not move.gamble:
            after = self._try(state, orders, None)
            return value(after) - base, after
        won = self._try(state, orders, {move.id: True})
        lost = self._try(state, orders, {move.id: False})
        odds = move.probability(state)  # on the belief state: what the team can know of the odds
        expected = (odds * value(won) + (1 - odds) * value(lost))
        gain = (expected - base) * (0.5 + self.doctrine.risk)  # the cautious discount a gamble, the bold prize it
        return gain, won

    def explain(self, before: State, after: State | None, move: Move, opens: Move | None = None) -> ReasonPart:
        """The two largest reasons, by the doctrine's own weights, that the move was worth it:
        what it changes now or, if nothing, next turn; and the move it `opens`, if any."""
        if after is None:
            return ReasonPart(f"“{move.label}”", moves={move.id})
        terms = self._terms(before, after)
        when = ""
        if not terms and before.outcome is None and after.outcome is None:
            terms, when = self._terms(self.waiting(before), self.waiting(after)), "next turn it "
        why = when + " and ".join(t[1] for t in terms[:2]) if terms else ""
        names = frozenset().union(*(t[2] for t in terms[:2]))
        if opens is not None:
            why = (why + "; " if why else "") + f"opens “{opens.label}” for next turn"
            names |= {opens.id}
        return self._part(f"“{move.label}”" + (f": {why}" if why else ""), {move.id}, names)

    def _terms(self, before: State, after: State) -> list[tuple[float, str, frozenset[str]]]:
        """What changed from `before` to `after` that the doctrine cares about, largest first."""
        scenario = self.scenario
        terms: list[tuple[float, str, frozenset[str]]] = []
        for meter, weight in self.doctrine.values:
            delta = after.meters[meter] - before.meters[meter]
            if delta:
                verb = "raises" if delta > 0 else "lowers"
                terms.append((abs(weight * delta), f"{verb} {scenario.meter_index[meter].label}",
                              frozenset((meter,))))
        for flag, value in self.doctrine.flag_values:
            if (flag in after.flags) != (flag in before.flags):
                terms.append((abs(value), scenario.flag_index[flag].label, frozenset((flag,))))
        for objective in scenario.team_index[self.team].objectives:
            if objective.when.evaluate(after) and not objective.when.evaluate(before):
                terms.append((self.doctrine.objectives, f"serves “{objective.text}”", objective.when.names))
        terms.sort(key=lambda t: -t[0])
        return terms

    def _part(self, text: str, moves: set[str], names: frozenset[str] = frozenset()) -> ReasonPart:
        """A reason part with what it mentions, sorted by kind, so the engine can project it."""
        scenario = self.scenario
        return ReasonPart(
            text,
            moves=set(moves) | {n for n in names if n in scenario.move_index or n in scenario.secret_named},
            meters={n for n in names if n in scenario.meter_index},
            flags={n for n in names if n in scenario.flag_index},
        )

    def own_secrets(self) -> set[str]:
        """A reason that says nothing was played tells of the team's secret moves too."""
        return {m.id for m in self.scenario.moves_by_team.get(self.team, ()) if m.secret}

    def waiting(self, state: State) -> State:
        """The turn as it would go if every team passed: the baseline a move must beat."""
        return resolve_turn(state, _passing(self.scenario))[0]

    def follow_up(self, state: State, free: Collection[str]) -> tuple[float, float, Move | None]:
        """One turn further from `state`: its value then if every team passes (the rules that
        fire at that resolution, the injects that land after it), and the gain over that of the
        best move the team would play then, with that move (a gain of 0 and no move when there
        is none). Moves in `free` are not tried: those legal this turn, or next turn anyway.

        The follow-up is judged as any move is (with its partner, by its expectation, never
        across a red line) and counts only if it clears the doctrine's patience: a move the team
        would play. Only moves a candidate unlocks are tried, so that looking further costs
        about one more resolution per candidate.
        """
        if state.outcome is not None:
            return team_value(state, self.team), 0.0, None
        later = team_value(self.waiting(state), self.team)
        threshold = 5 * self.doctrine.patience
        best: tuple[float, Move | None] = (0.0, None)
        for move in legal_moves(state, self.team) if self.orders_moves else ():
            if move.id in free or self.red_line(state, move) is not None:
                continue
            gain, _ = self.evaluate(state, move, later)
            if gain > threshold and gain > best[0]:
                best = (gain, move)
        return later, best[0], best[1]

    def already_open(self, legal: Iterable[Move], waiting: State) -> frozenset[str]:
        """The moves no candidate is credited with opening: legal now, or next turn anyway."""
        return frozenset(m.id for m in legal) | {m.id for m in legal_moves(waiting, self.team)}

    def outlook(self, state: State, free: Collection[str]) -> float:
        """What a state is worth to the team looking one turn further (`follow_up`), that turn
        weighed by NEXT_TURN: a move is worth also what it opens and what it sets off."""
        value = team_value(state, self.team)
        later, opened, _ = self.follow_up(state, free)
        return value + NEXT_TURN * (later + opened - value)

    def scored_moves(self, state: State, legal: Sequence[Move], rng: random.Random
                     ) -> tuple[list[tuple[float, Move, State | None]], list[ReasonPart]]:
        # Gains are measured against waiting, looked at just as far, so that what happens
        # anyway (a clock that runs every turn, a scheduled inject, a move that comes free
        # next turn whatever the team does) is not credited to any move.
        waiting = self.waiting(state)
        free = self.already_open(legal, waiting)

        def value(s: State) -> float:
            return self.outlook(s, free)

        base = value(waiting)
        scored = []
        refused = []
        for move in legal:
            reason = self.red_line(state, move)
            if reason is not None:
                refused.append(ReasonPart(f"will not play “{move.label}”: {reason}", moves={move.id}))
                continue
            gain, after = self.evaluate(state, move, base, value)
            scored.append((gain + rng.uniform(-0.5, 0.5), move, after))
        scored.sort(key=lambda s: -s[0])
        return scored, refused

    def order_for(self, state: State, moves: Iterable[Move]) -> tuple[OrderedMove, ...]:
        out = []
        for move in moves:
            partner = self.partner_for(state, move)
            out.append(OrderedMove(move.id, (partner[0].id,) if partner else ()))
        return tuple(out)

    def choose(self, observation: Observation, rng: random.Random) -> Order:
        state = belief_state(self.scenario, observation, rng.getrandbits(32))
        per_turn = self.scenario.team_index[self.team].moves_per_turn
        scored, refused = self.scored_moves(state, observation.legal if self.orders_moves else (), rng)
        threshold = 5 * self.doctrine.patience
        chosen = [(gain, move, after) for gain, move, after in scored if gain > threshold][:per_turn]
        reasons: list[ReasonPart] = []
        waiting = self.waiting(state) if chosen else state
        free = self.already_open(observation.legal, waiting) if chosen else frozenset()
        for _, move, after in chosen:
            opens = self.follow_up(after, free)[2] if after is not None else None
            part = self.explain(waiting, after, move, opens)
            partner = self.partner_for(state, move)
            if partner is not None:
                other, why = partner
                part = attrs.evolve(part, text=part.text + (
                    f" — only if {self.scenario.team_index[other.team].name} plays “{other.label}” this turn: {why}"),
                    moves=part.moves | {other.id})
            reasons.append(part)
        if not chosen:
            reasons.append(ReasonPart("waits: nothing on offer is worth it this turn", moves=self.own_secrets()))
        if refused:
            reasons.append(refused[0])
        moves = self.order_for(state, (m for _, m, _ in chosen))
        return Order(self.team, moves, reason=tuple(reasons))


class LookaheadPlayer(DoctrinePlayer):
    """Tries candidate orders in the engine against plausible orders of the others."""

    name = "lookahead"
    candidates = 5
    samples = 3

    def choose(self, observation: Observation, rng: random.Random) -> Order:
        state = belief_state(self.scenario, observation, rng.getrandbits(32))
        per_turn = self.scenario.team_index[self.team].moves_per_turn
        scored, refused = self.scored_moves(state, observation.legal if self.orders_moves else (), rng)
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
        reasons: list[ReasonPart] = []
        if best:
            labels = " and ".join(f"“{m.label}”" for m in best)
            reasons.append(ReasonPart(
                f"looked ahead two turns in {len(seeds)} plausible futures: {labels} "
                f"scored {best_value:.1f} by its doctrine, against {passing:.1f} for waiting",
                moves={m.id for m in best}))
            partners = [self.partner_for(state, m) for m in best]
            for move, partner in zip(best, partners):
                if partner is not None:
                    other, why = partner
                    reasons.append(ReasonPart(
                        f"“{move.label}” only if {self.scenario.team_index[other.team].name}"
                        f" plays “{other.label}”: {why}", moves={move.id, other.id}))
        else:
            reasons.append(ReasonPart(
                f"looked ahead two turns in {len(seeds)} plausible futures: waiting scored "
                f"{best_value:.1f}, better than any move", moves=self.own_secrets()))
        if refused:
            reasons.append(refused[0])
        return Order(self.team, order.moves, reason=tuple(reasons))

    def _reciprocate(self, state: State, order: Order, others: dict[str, DoctrinePlayer],
                     orders: dict[str, Order]) -> None:
        """Assume a team whose doctrine waits for our move answers our contingent offer in kind.

        Two doctrines that each wait for the other make a synchronized exchange; looking ahead,
        a player expects that exchange rather than the other side's move alone.
        """
        legal_cache: dict[str, set[str]] = {}
        for om in order.moves:
            for wanted in om.contingent_on:
                team = self.scenario.move_index[wanted].team
                player = others.get(team)
                if player is None or not _reciprocal(player, state, wanted, order):
                    continue
                if team not in legal_cache:
                    legal_cache[team] = {m.id for m in legal_moves(state, team)}
                if wanted not in legal_cache[team] or player.red_line(state, self.scenario.move_index[wanted]):
                    continue
                theirs = orders[team]
                if any(o.move == wanted for o in theirs.moves):
                    continue
                per_turn = self.scenario.team_index[team].moves_per_turn
                kept = theirs.moves[: max(0, per_turn - 1)]
                orders[team] = Order(team, kept + (OrderedMove(wanted, (om.move,)),))

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
            if turn == 0:
                self._reciprocate(state, order, others, orders)
            try:
                state, _ = resolve_turn(state, orders)
            except IllegalOrder:
                orders[self.team] = Order(self.team)
                state, _ = resolve_turn(state, orders)
        return team_value(state, self.team)


def _reciprocal(player: DoctrinePlayer, state: State, move_id: str, mine: Order) -> bool:
    """Whether `player` waits for one of the moves in `mine` before playing `move_id`: its doctrine
    would then offer it contingent on ours, and the two would execute together."""
    move = player.scenario.move_index[move_id]
    partner = player.partner_for(state, move)
    return partner is not None and any(om.move == partner[0].id for om in mine.moves)


def quick_order(player: DoctrinePlayer, state: State, rng: random.Random) -> Order:
    """A doctrine player's likely order, judged by its moves' own effects only (no simulation)."""
    doctrine = player.doctrine
    weights = dict(doctrine.values)
    flag_values = dict(doctrine.flag_values)
    scored = []
    for move in legal_moves(state, player.team):
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


from exercise.engine.model import LEVELS  # noqa: E402  (one list of levels, kept by the format)


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
