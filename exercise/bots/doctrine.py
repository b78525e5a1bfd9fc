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
from collections.abc import Callable, Iterable, Sequence

import attrs

from exercise.engine.audience import Observation, belief_state
from exercise.engine.model import Doctrine, Move, RedLine, Scenario
from exercise.engine.state import (
    IllegalOrder,
    Order,
    OrderedMove,
    ReasonPart,
    State,
    legal_moves,
    resolve_turn,
)


def team_value(state: State, team: str) -> float:
    """How good a state is for a team, by its doctrine: meters, facts and objectives."""
    info = state.scenario.team_index[team]
    doctrine = info.doctrine
    meters = state.meters
    value = sum(weight * meters[m] for m, weight in doctrine.values)
    value += sum(v for f, v in doctrine.flag_values if f in state.flags)
    if doctrine.objectives and info.objectives:
        # score(state, team).fraction, without the Score: a what-if state is valued many times over
        objectives = info.objectives
        total = sum(o.points for o in objectives)
        points = sum(o.points for o in objectives if o.when.evaluate(state))
        value += doctrine.objectives * (points / total if total else 0.0)
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


class _Known:
    """What one decision has worked out about one state it met. The state is kept, so that its
    identity (the key it is found by) is not given to another state while the decision lasts."""

    __slots__ = ("state", "resolved", "value", "follow", "quick", "orders")

    def __init__(self, state: State) -> None:
        self.state = state
        self.resolved: dict[tuple, State | IllegalOrder] = {}  # orders (and forced rolls) -> the next state
        self.value: float | None = None  # team_value for the deciding team
        self.follow: dict[frozenset[str], tuple[float, float, Move | None]] = {}  # follow_up, by `free`
        self.quick: dict[str, list[tuple[float, Move]]] = {}  # team -> quick_order's candidates and gains
        self.orders: dict[tuple[str, tuple[str, ...]], Order] = {}  # (team, moves) -> the order for them


class _Decision:
    """One decision of one player: its what-if turns, with what it works out about each state it
    meets (resolutions, values, the follow-up, the others' candidate moves) asked for once.

    Every what-if turn is a pure function of the state and the orders, so a resolution asked for
    again is the one already made, and the state it returns is the same object, whose own
    values are then found too. Made for a decision and dropped with it: a player keeps nothing
    from one observation to the next.
    """

    def __init__(self, player: DoctrinePlayer) -> None:
        self.player = player
        self.team = player.team
        self.teams = tuple(t.id for t in player.scenario.teams)
        self.known: dict[int, _Known] = {}

    def of(self, state: State) -> _Known:
        known = self.known.get(id(state))
        if known is None:
            known = self.known[id(state)] = _Known(state)
        return known

    def resolve(self, state: State, orders: dict[str, Order], rolls: dict[str, bool] | None = None) -> State:
        """The state after `orders` (one for every team); IllegalOrder as `resolve_turn` raises it."""
        resolved = self.of(state).resolved
        key = (tuple([orders[t].moves for t in self.teams]), tuple(rolls.items()) if rolls else None)
        found = resolved.get(key)
        if found is None:
            try:
                found = resolve_turn(state, orders, rolls, quiet=True)[0]
            except IllegalOrder as illegal:
                found = illegal
            resolved[key] = found
        if isinstance(found, IllegalOrder):
            raise found
        return found

    def waiting(self, state: State) -> State:
        """The turn as it would go if every team passed: the baseline a move must beat."""
        return self.resolve(state, self.player.passes)

    def value(self, state: State) -> float:
        known = self.of(state)
        if known.value is None:
            known.value = team_value(state, self.team)
        return known.value

    # -- the player's own what-if turns ---------------------------------------------------
    def _try(self, state: State, move: Move, partner: Move | None, rolls: dict[str, bool] | None) -> State:
        player = self.player
        orders = dict(player.passes)
        orders[self.team] = player.single(move)
        if partner is not None:
            orders[partner.team] = player.single(partner)
            try:
                return self.resolve(state, orders, rolls)
            except IllegalOrder:  # the partner's move is not available to it now
                orders[partner.team] = player.passes[partner.team]
        return self.resolve(state, orders, rolls)

    def evaluate(self, state: State, move: Move, base: float,
                 value: Callable[[State], float] | None = None) -> tuple[float, State | None]:
        """The gain of playing `move` now (with its partner, if it must wait for one).

        A chance move is valued by its expectation: the gain if it succeeds and if it fails,
        weighed by the chance, so the choice never depends on the number the turn will draw.
        `value` judges the state the move leads to (by default `team_value`, the state alone).
        """
        if value is None:
            value = self.value
        partner = self.player.partner_for(state, move)
        other = partner[0] if partner is not None else None
        if not move.gamble:
            after = self._try(state, move, other, None)
            return value(after) - base, after
        won = self._try(state, move, other, {move.id: True})
        lost = self._try(state, move, other, {move.id: False})
        odds = move.probability(state)  # on the belief state: what the team can know of the odds
        expected = (odds * value(won) + (1 - odds) * value(lost))
        gain = (expected - base) * (0.5 + self.player.doctrine.risk)  # the cautious discount a gamble, the bold prize it
        return gain, won

    def follow_up(self, state: State, free: frozenset[str]) -> tuple[float, float, Move | None]:
        """One turn further from `state`: its value then if every team passes (the rules that
        fire at that resolution, the injects that land after it), and the gain over that of the
        best move the team would play then, with that move (a gain of 0 and no move when there
        is none). Moves in `free` are not tried: those legal this turn, or next turn anyway.

        The follow-up is judged as any move is (with its partner, by its expectation, never
        across a red line) and counts only if it clears the doctrine's patience: a move the team
        would play. Only moves a candidate unlocks are tried, so that looking further costs
        about one more resolution per candidate.
        """
        known = self.of(state)
        found = known.follow.get(free)
        if found is not None:
            return found
        player = self.player
        if state.outcome is not None:
            found = (self.value(state), 0.0, None)
        else:
            later = self.value(self.waiting(state))
            threshold = 5 * player.doctrine.patience
            best: tuple[float, Move | None] = (0.0, None)
            for move in legal_moves(state, self.team) if player.orders_moves else ():
                if move.id in free or player.red_line(state, move) is not None:
                    continue
                gain, _ = self.evaluate(state, move, later)
                if gain > threshold and gain > best[0]:
                    best = (gain, move)
            found = (later, best[0], best[1])
        known.follow[free] = found
        return found

    def outlook(self, state: State, free: frozenset[str]) -> float:
        """What a state is worth to the team looking one turn further (`follow_up`), that turn
        weighed by NEXT_TURN: a move is worth also what it opens and what it sets off."""
        value = self.value(state)
        later, opened, _ = self.follow_up(state, free)
        return value + NEXT_TURN * (later + opened - value)

    def scored_moves(self, state: State, legal: Sequence[Move], rng: random.Random
                     ) -> tuple[list[tuple[float, Move, State | None]], list[ReasonPart]]:
        # Gains are measured against waiting, looked at just as far, so that what happens
        # anyway (a clock that runs every turn, a scheduled inject, a move that comes free
        # next turn whatever the team does) is not credited to any move.
        player = self.player
        waiting = self.waiting(state)
        free = player.already_open(legal, waiting)

        def value(s: State) -> float:
            return self.outlook(s, free)

        base = value(waiting)
        scored = []
        refused = []
        for move in legal:
            reason = player.red_line(state, move)
            if reason is not None:
                refused.append(ReasonPart(f"will not play “{move.label}”: {reason}", moves={move.id}))
                continue
            gain, after = self.evaluate(state, move, base, value)
            scored.append((gain + rng.uniform(-0.5, 0.5), move, after))
        scored.sort(key=lambda s: -s[0])
        return scored, refused

    # -- the others' likely moves, looking ahead ------------------------------------------
    def quick_order(self, player: DoctrinePlayer, state: State, rng: random.Random,
                    known: _Known | None = None) -> Order:
        """A doctrine player's likely order, judged by its moves' own effects only (no simulation).

        What does not depend on the draws (its legal moves, less those across a red line, and
        their gains) is worked out once per state and team; only the draws are made each time.
        """
        if known is None:
            known = self.of(state)
        candidates = known.quick.get(player.team)
        if candidates is None:
            candidates = known.quick[player.team] = player.quick_candidates(state)
        # A draw for every candidate, in order (rng.uniform(-1, 1), written out as the random
        # module documents it: a + (b - a) * random()); then the best of those over the threshold,
        # kept before sorting: a stable sort orders them as it would among all the candidates.
        threshold = player.threshold
        draw = rng.random
        scored = []
        for gain, move in candidates:
            noisy = gain + (-1 + 2 * draw())
            if noisy > threshold:
                scored.append((noisy, move))
        if len(scored) > 1:
            scored.sort(key=_best_first)
        chosen = tuple([m.id for _, m in scored[:player.per_turn]])
        order = player.fixed_orders.get(chosen)
        if order is not None:
            return order
        key = (player.team, chosen)
        order = known.orders.get(key)
        if order is None:
            moves = [player.scenario.move_index[m] for m in chosen]
            order = known.orders[key] = Order(player.team, player.order_for(state, moves))
            if not any(player.waits_for(m) for m in moves):
                player.fixed_orders[chosen] = order
        return order


def _best_first(scored: tuple[float, Move]) -> float:
    return -scored[0]


class DoctrinePlayer:
    """Follows the doctrine: values, red lines, sequencing preferences and temperament."""

    name = "doctrine"
    # It decides from its belief state (plays, what it was told, meters, facts, values): the
    # projected records and this turn's events are more than it reads.
    observes_records = False

    def __init__(self, scenario: Scenario, team: str) -> None:
        self.scenario = scenario
        self.team = team
        self.doctrine: Doctrine = scenario.team_index[team].doctrine
        self.per_turn = scenario.team_index[team].moves_per_turn
        # A team that may order no move (moves_per_turn = 0) has no candidates, whatever is legal.
        self.orders_moves = self.per_turn > 0
        # What the doctrine says of each move, worked out the first time the move is asked about
        # (`_learn`): the red lines that name it and the partners its sequencing rules wait for.
        self._lines: dict[str, tuple[RedLine, ...]] = {}
        self._partners: dict[str, tuple[tuple[str, str, tuple[Move, ...]], ...]] = {}
        self.threshold = 5 * self.doctrine.patience
        self.passes = _passing(scenario)
        self._singles: dict[str, Order] = {}
        # Orders of moves that wait for no partner are the same on any state: made once, when needed.
        self.fixed_orders: dict[tuple[str, ...], Order] = {}
        # legal moves -> quick_order's candidates with their gains, and which a red line names
        self._quick: dict[tuple[Move, ...], tuple[list[tuple[float, Move]], list[bool] | None]] = {}

    # -- what it refuses and in which order it moves -------------------------------------
    def _learn(self, move: Move) -> None:
        """The red lines that name `move`, and for each sequencing rule of the move, in the
        doctrine's order, the move it waits for and the public moves of other teams that are it."""
        doctrine, team = self.doctrine, self.team
        self._lines[move.id] = tuple(line for line in doctrine.red_lines
                                     if any(_matches(move, name) for name in line.moves))
        self._partners[move.id] = tuple(
            (rule.after, rule.reason, tuple(other for other in self.scenario.moves
                                            if other.team != team and not other.secret and _matches(other, rule.after)))
            for rule in doctrine.sequencing if _matches(move, rule.move))

    def refuses(self, move: Move) -> bool:
        """Whether a red line of the doctrine names `move` (on some state)."""
        lines = self._lines.get(move.id)
        if lines is None:
            self._learn(move)
            lines = self._lines[move.id]
        return bool(lines)

    def red_line(self, state: State, move: Move) -> str | None:
        lines = self._lines.get(move.id)
        if lines is None:
            self._learn(move)
            lines = self._lines[move.id]
        for line in lines:
            if line.unless is None or not line.unless.evaluate(state):
                return line.reason
        return None

    def partner_for(self, state: State, move: Move) -> tuple[Move, str] | None:
        """The other team's move this one must wait for, if it has not been played yet.

        Only a public move can be a partner: whether a secret move was played is never known.
        """
        rules = self._partners.get(move.id)
        if rules is None:
            self._learn(move)
            rules = self._partners[move.id]
        count = state.history.count
        for after, reason, others in rules:
            if after in count:
                continue
            for other in others:
                if other.once and other.id in count:
                    continue
                return other, reason
        return None

    def waits_for(self, move: Move) -> bool:
        """Whether the doctrine may make `move` wait for another team's move (on some state)."""
        if move.id not in self._partners:
            self._learn(move)
        return bool(self._partners[move.id])

    def quick_candidates(self, state: State) -> list[tuple[float, Move]]:
        """The moves `quick_order` draws among on `state`, each with its gain by its own effects:
        the legal moves, less those across a red line there. What depends on the legal moves
        alone (the gains, which moves a red line names) is kept by the set of legal moves."""
        legal = legal_moves(state, self.team)
        found = self._quick.get(legal)
        if found is None:
            weights = dict(self.doctrine.values)
            flag_values = dict(self.doctrine.flag_values)
            entries = []
            for move in legal:
                gain = sum(weights.get(m, 0.0) * d for m, d in move.effects.meters)
                gain += sum(flag_values.get(f, 0.0) for f in move.effects.set)
                gain -= sum(flag_values.get(f, 0.0) for f in move.effects.clear)
                entries.append((gain, move))
            refused = [self.refuses(move) for move in legal]
            found = self._quick[legal] = (entries, refused if any(refused) else None)
        entries, refused = found
        if refused is None:
            return entries
        return [entry for entry, named in zip(entries, refused) if not named or self.red_line(state, entry[1]) is None]

    def single(self, move: Move) -> Order:
        """The order of `move` alone, by its team."""
        order = self._singles.get(move.id)
        if order is None:
            order = self._singles[move.id] = Order(move.team, (OrderedMove(move.id),))
        return order

    # -- scoring ------------------------------------------------------------------------
    def explain(self, before: State, after: State | None, move: Move, opens: Move | None = None,
                waiting: Callable[[State], State] | None = None) -> ReasonPart:
        """The two largest reasons, by the doctrine's own weights, that the move was worth it:
        what it changes now or, if nothing, next turn; and the move it `opens`, if any."""
        if after is None:
            return ReasonPart(f"“{move.label}”", moves={move.id})
        waiting = waiting or self.waiting
        terms = self._terms(before, after)
        when = ""
        if not terms and before.outcome is None and after.outcome is None:
            terms, when = self._terms(waiting(before), waiting(after)), "next turn it "
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
        return resolve_turn(state, self.passes)[0]

    def already_open(self, legal: Iterable[Move], waiting: State) -> frozenset[str]:
        """The moves no candidate is credited with opening: legal now, or next turn anyway."""
        return frozenset(m.id for m in legal) | {m.id for m in legal_moves(waiting, self.team)}

    def order_for(self, state: State, moves: Iterable[Move]) -> tuple[OrderedMove, ...]:
        out = []
        for move in moves:
            partner = self.partner_for(state, move)
            out.append(OrderedMove(move.id, (partner[0].id,) if partner else ()))
        return tuple(out)

    def choose(self, observation: Observation, rng: random.Random) -> Order:
        state = belief_state(self.scenario, observation, rng.getrandbits(32))
        decision = _Decision(self)
        per_turn = self.per_turn
        scored, refused = decision.scored_moves(state, observation.legal if self.orders_moves else (), rng)
        threshold = 5 * self.doctrine.patience
        chosen = [(gain, move, after) for gain, move, after in scored if gain > threshold][:per_turn]
        reasons: list[ReasonPart] = []
        waiting = decision.waiting(state) if chosen else state
        free = self.already_open(observation.legal, waiting) if chosen else frozenset()
        for _, move, after in chosen:
            opens = decision.follow_up(after, free)[2] if after is not None else None
            part = self.explain(waiting, after, move, opens, decision.waiting)
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

    def __init__(self, scenario: Scenario, team: str) -> None:
        super().__init__(scenario, team)
        # The other teams as this player expects them to play: by their doctrine.
        self.others = {t.id: DoctrinePlayer(scenario, t.id) for t in scenario.teams if t.id != team}

    def choose(self, observation: Observation, rng: random.Random) -> Order:
        state = belief_state(self.scenario, observation, rng.getrandbits(32))
        decision = _Decision(self)
        scored, refused = decision.scored_moves(state, observation.legal if self.orders_moves else (), rng)
        top = [m for _, m, _ in scored[: self.candidates]]
        options: list[tuple[Move, ...]] = [()]
        options += [(m,) for m in top]
        if self.per_turn >= 2:
            options += list(itertools.combinations(top[:4], 2))
        seeds = [rng.random() for _ in range(self.samples)]
        # Each sample is a stream of draws for the others' likely orders. Their first-turn orders
        # are the same whatever this team does (the same state, the first draws of the same
        # stream): made once per sample, and each option's future goes on from the stream as it
        # stands after them.
        samples = []
        for seed in seeds:
            stream = random.Random(seed)
            first = None
            if state.outcome is None:
                first = {team_id: decision.quick_order(player, state, stream) for team_id, player in self.others.items()}
            samples.append((first, stream.getstate()))
        stream = random.Random(0)
        results = []
        for option in options:
            order = Order(self.team, self.order_for(state, option))
            total = 0.0
            for first, drawn in samples:
                stream.setstate(drawn)
                total += self._future(decision, state, order, first, stream)
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

    def _reciprocate(self, state: State, order: Order, orders: dict[str, Order]) -> None:
        """Assume a team whose doctrine waits for our move answers our contingent offer in kind.

        Two doctrines that each wait for the other make a synchronized exchange; looking ahead,
        a player expects that exchange rather than the other side's move alone.
        """
        legal_cache: dict[str, set[str]] = {}
        for om in order.moves:
            for wanted in om.contingent_on:
                team = self.scenario.move_index[wanted].team
                player = self.others.get(team)
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

    def _future(self, decision: _Decision, state: State, order: Order, first: dict[str, Order] | None,
                rng: random.Random) -> float:
        """Play this order against the others' doctrine (`first`: their orders this turn), then one
        more turn, and value the result."""
        for turn in range(2):
            if state.outcome is not None:
                break
            if turn == 0:
                orders = dict(first)
                orders[self.team] = order
                self._reciprocate(state, order, orders)
            else:
                known = decision.of(state)
                orders = {team_id: decision.quick_order(player, state, rng, known)
                          for team_id, player in self.others.items()}
                orders[self.team] = decision.quick_order(self, state, rng, known)
            try:
                state = decision.resolve(state, orders)
            except IllegalOrder:
                orders[self.team] = Order(self.team)
                state = decision.resolve(state, orders)
        return decision.value(state)


def _reciprocal(player: DoctrinePlayer, state: State, move_id: str, mine: Order) -> bool:
    """Whether `player` waits for one of the moves in `mine` before playing `move_id`: its doctrine
    would then offer it contingent on ours, and the two would execute together."""
    move = player.scenario.move_index[move_id]
    partner = player.partner_for(state, move)
    return partner is not None and any(om.move == partner[0].id for om in mine.moves)


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
