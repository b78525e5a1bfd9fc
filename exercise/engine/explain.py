"""Plain-language words for a condition, made from its syntax tree and the scenario's labels.

`tension >= 80 and not talks_suspended` becomes "Tension is 80 or more and Talks suspended
does not hold". The words name meters, flags and moves by their labels; a rule or inject
by its words when every team is told of it, else by its id. They give away nothing the
condition's source does not: who may see a condition at all is decided by the projections
(`exercise.engine.audience`), which blank it for an audience that may not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from exercise.engine.conditions import (
    And,
    Arithmetic,
    Call,
    Comparison,
    FlagName,
    MeterName,
    Negate,
    Node,
    Not,
    Number,
    Or,
    Truth,
    Turn,
    Turns,
    ValueName,
    names_in,
)

NOT_SHOWN = "something not shown"

_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_INVERSE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
# against a number written in the condition / against anything else
_AGAINST_CONSTANT = {">=": "is {} or more", "<=": "is {} or less", ">": "is more than {}", "<": "is less than {}",
                     "==": "is exactly {}", "!=": "is other than {}"}
_AGAINST_VALUE = {">=": "is at least {}", "<=": "is at most {}", ">": "is more than {}", "<": "is less than {}",
                  "==": "is exactly {}", "!=": "is other than {}"}
_TURN = {">=": "it is turn {} or later", ">": "it is after turn {}", "<=": "it is turn {} or earlier",
         "<": "it is before turn {}", "==": "it is turn {}", "!=": "it is not turn {}"}
_LAST_TURN = {">=": "it is the last turn", "==": "it is the last turn", "<": "it is not yet the last turn",
              "!=": "it is not yet the last turn", "<=": "it is the last turn or earlier",
              ">": "it is after the last turn"}
_TIMES = {">=": "at least {}", ">": "more than {}", "<=": "at most {}", "<": "fewer than {}", "==": "exactly {}",
          "!=": "other than {}"}
_ARITHMETIC = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def explain(condition_or_tree: Any, scenario: Any, audience_sees: Callable[[frozenset[str]], bool] | None = None) -> str:
    """The condition in words, without a final full stop ("Tension is 80 or more").

    `condition_or_tree` is a compiled Condition (or Expression) or a tree. With
    `audience_sees` (a test of a set of names, such as `lambda names: knows_names(scenario,
    audience, names)`), each part that names something the audience may not see is said as
    "something not shown". A condition compiled without a tree is given as its source text.
    """
    tree = getattr(condition_or_tree, "tree", condition_or_tree)
    if tree is None:
        return getattr(condition_or_tree, "source", "")
    words = _Words(scenario, audience_sees)
    return words.truth(tree) if tree.type == "truth" else words.number(tree)


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _join(parts: list[str], word: str) -> str:
    """"A and B"; "A, B and C"."""
    if len(parts) <= 2:
        return f" {word} ".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _once_unseen(words: list[str]) -> list[str]:
    """The parts' words with "something not shown" said once, where it was first."""
    if words.count(NOT_SHOWN) < 2:
        return words
    first = words.index(NOT_SHOWN)
    return [w for i, w in enumerate(words) if w != NOT_SHOWN or i == first]


def _flatten(node: Node, kind: type) -> list[Node]:
    out: list[Node] = []
    for part in node.parts:  # type: ignore[union-attr]
        out += _flatten(part, kind) if isinstance(part, kind) else [part]
    return out


def _human(name: str) -> str:
    return name.replace("_", " ")


class _Words:
    def __init__(self, scenario: Any, audience_sees: Callable[[frozenset[str]], bool] | None) -> None:
        self.scenario = scenario
        self.audience_sees = audience_sees

    # -- truths ----------------------------------------------------------------------------
    def truth(self, node: Node, negated: bool = False) -> str:
        if isinstance(node, Not):
            return self.truth(node.operand, not negated)
        if isinstance(node, And):
            return self.all_of(_flatten(node, And), negated)
        if isinstance(node, Or):
            return self.any_of(_flatten(node, Or), negated)
        if self.audience_sees is not None and not self.audience_sees(names_in(node)):
            return NOT_SHOWN
        if isinstance(node, Truth):
            return "always" if node.value != negated else "never"
        if isinstance(node, FlagName):
            label = self.label(node.id)
            return f"{label} does not hold" if negated else label
        if isinstance(node, Comparison):
            return self.comparison(node.op if not negated else _INVERSE[node.op], node.left, node.right)
        if isinstance(node, Call):
            return self.call(node, negated)
        return self.number(node)  # not reached: the parser lets only truths here

    def all_of(self, parts: list[Node], negated: bool) -> str:
        if negated:  # not (a and b)
            words = [self.truth(p) for p in parts]
            return f"not both {words[0]} and {words[1]}" if len(words) == 2 else "not all of " + _join(words, "and")
        # The alternatives last: "A and either B or C" cannot be read as "(A and B) or C".
        plain = _once_unseen([self.truth(p) for p in parts if not isinstance(p, Or)])
        alternatives = ["either " + self.truth(p) for p in parts if isinstance(p, Or)]
        if len(alternatives) < 2:
            return _join(plain + alternatives, "and")
        # Two sets of alternatives are divided by semicolons: "A; either B or C; and either D or E"
        # cannot be read as "either B, or (C and either D or E)".
        items = ([_join(plain, "and")] if plain else []) + alternatives
        return "; ".join(items[:-1]) + "; and " + items[-1]

    def any_of(self, parts: list[Node], negated: bool) -> str:
        if negated:  # not (a or b)
            words = [self.truth(p) for p in parts]
            return f"neither {words[0]} nor {words[1]}" if len(words) == 2 else "none of " + _join(words, "or")
        words = []
        for part in parts:
            if isinstance(part, And):
                inner = _flatten(part, And)
                said = _once_unseen([self.truth(p) for p in inner])
                words.append(said[0] if len(said) == 1 else f"both {said[0]} and {said[1]}" if len(said) == 2
                             else "all of " + _join(said, "and"))
            else:
                words.append(self.truth(part))
        words = _once_unseen(words)
        if len(words) == 2 and any(" and " in w or " or " in w for w in words):
            return f"{words[0]}, or {words[1]}"  # the comma shows where the parts divide
        return _join(words, "or")

    def comparison(self, op: str, left: Node, right: Node) -> str:
        if left.type == "truth":
            return self.truths_compared(op, left, right)
        if isinstance(left, Number) and not isinstance(right, Number):
            op, left, right = _MIRROR[op], right, left  # the name first: "Trust is 55 or more"
        if isinstance(left, Turn) and isinstance(right, Number):
            return _TURN[op].format(_fmt(right.value))
        if isinstance(left, Turn) and isinstance(right, Turns):
            return _LAST_TURN[op]
        if isinstance(left, Call) and left.function == "count" and isinstance(right, Number):
            return self.times_played(op, left.args[0], right.value)  # type: ignore[arg-type]
        pattern = (_AGAINST_CONSTANT if isinstance(right, Number) else _AGAINST_VALUE)[op]
        return f"{self.number(left)} " + pattern.format(self.number(right))

    def truths_compared(self, op: str, left: Node, right: Node) -> str:
        if isinstance(left, Truth) and not isinstance(right, Truth):
            left, right = right, left
        if isinstance(right, Truth):
            return self.truth(left, negated=(op == "==") != right.value)
        verb = "is the same as" if op == "==" else "differs from"
        return f"whether {self.truth(left)} {verb} whether {self.truth(right)}"

    def times_played(self, op: str, item: str, n: float) -> str:
        if (op, n) in ((">=", 1), (">", 0), ("!=", 0)):
            return self.call(Call("played", (item,)), False)
        if (op, n) in (("<", 1), ("<=", 0), ("==", 0)):
            return self.call(Call("played", (item,)), True)
        times = "once" if n == 1 else "twice" if n == 2 else f"{_fmt(n)} times"
        if self.is_tag(item):
            return f"moves tagged ‘{_human(item)}’ have been played " + _TIMES[op].format(times)
        return f"{self.item(item)} has been played " + _TIMES[op].format(times)

    # -- calls -----------------------------------------------------------------------------
    def call(self, node: Call, negated: bool) -> str:
        f, args = node.function, node.args
        if f == "fired":
            return self.fired(args[0], negated)  # type: ignore[arg-type]
        if f in ("played", "this_turn", "succeeded"):
            verb = {"played": "has been played", "this_turn": "was played this turn",
                    "succeeded": "has succeeded"}[f]
            return self.clause(args[0], verb, negated)  # type: ignore[arg-type]
        if f == "before":
            return self.clause(args[0], f"was played before {self.item(args[1], 'any')}", negated)  # type: ignore
        if f == "after":
            return self.clause(args[0], f"was first played after {self.item(args[1], 'the first')}", negated)  # type: ignore
        if f == "same_turn":
            a, b = self.item(args[0]), self.item(args[1])  # type: ignore[arg-type]
            return f"{a} and {b} were {'not ' if negated else ''}played on the same turn"
        if f == "within":
            n = args[2]
            span = f"{_fmt(n.value)} turn{'s' if n.value != 1 else ''}" if isinstance(n, Number) else \
                f"{self.number(n)} turns"  # type: ignore[arg-type]
            return self.clause(args[1], f"was first played within {span} of {self.item(args[0], 'the first')}",
                               negated)  # type: ignore[arg-type]
        return self.number(node)  # a number function: not reached in a truth

    def clause(self, item: str, verb: str, negated: bool) -> str:
        """“‘X’ has been played”, “‘X’ has not been played”, “no move tagged ‘t’ has been played”."""
        if not negated:
            return f"{self.item(item)} {verb}"
        if self.is_tag(item):
            return f"no move tagged ‘{_human(item)}’ {verb}"
        first, _, rest = verb.partition(" ")
        return f"{self.item(item)} {first} not {rest}"

    def fired(self, ident: str, negated: bool) -> str:
        scenario = self.scenario
        rule = scenario.rule_index.get(ident)
        if rule is not None:
            head = rule.message.split(":")[0].split(". ")[0].strip().rstrip(".")
            # Only a consequence every team is told of is named by its words.
            name = head if rule.to is None and head and len(head) <= 90 else _human(ident)
            return f"the consequence ‘{name}’ has {'not ' if negated else ''}happened"
        inject = scenario.inject_index.get(ident)
        name = inject.title if inject is not None and inject.to is None else _human(ident)
        return f"the inject ‘{name}’ has {'not ' if negated else ''}come"

    # -- numbers ---------------------------------------------------------------------------
    def number(self, node: Node) -> str:
        if self.audience_sees is not None and not self.audience_sees(names_in(node)):
            return NOT_SHOWN
        if isinstance(node, Number):
            return _fmt(node.value)
        if isinstance(node, (MeterName, ValueName)):
            return self.label(node.id)
        if isinstance(node, Turn):
            return "the turn"
        if isinstance(node, Turns):
            return "the number of turns"
        if isinstance(node, Negate):
            inner = node.operand
            return f"-{_fmt(inner.value)}" if isinstance(inner, Number) else f"minus {self.operand(inner, 3)}"
        if isinstance(node, Arithmetic):
            level = _PRECEDENCE[node.op]
            left = self.operand(node.left, level)
            right = self.operand(node.right, level + (node.op in "-/"))
            return f"{left} {_ARITHMETIC[node.op]} {right}"
        if isinstance(node, Call):
            item = node.args[0]
            subject = f"a move tagged ‘{_human(item)}’" if self.is_tag(item) else self.item(item)  # type: ignore
            if node.function == "count":
                if self.is_tag(item):  # type: ignore[arg-type]
                    return f"the number of times moves tagged ‘{_human(item)}’ have been played"  # type: ignore
                return f"the number of times {subject} has been played"
            if node.function == "first_turn":
                return f"the turn {subject} was first played"
            if node.function == "last_turn":
                return f"the turn {subject} was last played"
            if node.function == "turns_since":
                return f"the turns since {subject} was last played"
        return self.truth(node)  # a truth where a number was expected: not reached

    def operand(self, node: Node, level: int) -> str:
        words = self.number(node)
        if isinstance(node, Arithmetic) and _PRECEDENCE[node.op] < level:
            return f"({words})"
        return words

    # -- names -----------------------------------------------------------------------------
    def is_tag(self, name: str) -> bool:
        return name not in self.scenario.move_index

    def item(self, name: str, article: str = "a") -> str:
        """A move by its label, or a tag: “a move tagged ‘relief’”, “any move tagged …”."""
        move = self.scenario.move_index.get(name)
        if move is not None:
            return f"‘{move.label}’"
        return f"{article} move tagged ‘{_human(name)}’"

    def label(self, name: str) -> str:
        scenario = self.scenario
        for index in _indexes(scenario):
            item = index.get(name)
            if item is not None and getattr(item, "label", ""):
                return item.label
        return _human(name)


def _indexes(scenario: Any) -> Iterable[Any]:
    """The scenario's meters and flags first, then any other index of labelled things (estimates, clocks)."""
    yield scenario.meter_index
    yield scenario.flag_index
    for field in attrs.fields(type(scenario)):
        if field.name.endswith("_index") and field.name not in ("meter_index", "flag_index"):
            yield getattr(scenario, field.name)
