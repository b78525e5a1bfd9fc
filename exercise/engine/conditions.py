"""The condition language: parsed and checked once at load time, compiled to closures.

A condition never reaches Python objects: the only names it can see are the meters,
flags, moves, tags, rules and injects the scenario declares, plus `turn` and `turns`.
Evaluating a compiled condition is a plain function call on a state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from exercise.engine.words import suggest  # noqa: F401  (also used by the loader)

NUMBER = "number"
TRUTH = "truth"

KEYWORDS = frozenset({"and", "or", "not", "true", "false", "turn", "turns"})
# name -> (argument kinds, result type); argument kinds: "item" (move or tag),
# "fired" (rule or inject), "number" (a number expression).
FUNCTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "played": (("item",), TRUTH),
    "count": (("item",), NUMBER),
    "first_turn": (("item",), NUMBER),
    "last_turn": (("item",), NUMBER),
    "turns_since": (("item",), NUMBER),
    "this_turn": (("item",), TRUTH),
    "succeeded": (("item",), TRUTH),
    "before": (("item", "item"), TRUTH),
    "after": (("item", "item"), TRUTH),
    "same_turn": (("item", "item"), TRUTH),
    "within": (("item", "item", "number"), TRUTH),
    "fired": (("fired",), TRUTH),
}
RESERVED = KEYWORDS | frozenset(FUNCTIONS)

Evaluator = Callable[[Any], Any]


class ConditionError(Exception):
    """A condition that does not parse or does not check; `col` is 0-based in the text."""

    def __init__(self, code: str, message: str, col: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.col = col


@attrs.frozen(eq=False)
class Names:
    """What a condition may name, by kind."""

    meters: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    moves: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    fireables: frozenset[str] = frozenset()  # rules and injects

    def all(self) -> frozenset[str]:
        return self.meters | self.flags | self.moves | self.tags | self.fireables


@attrs.frozen
class Condition:
    """A compiled condition: its source text and the closure that evaluates it."""

    source: str
    evaluate: Evaluator = attrs.field(eq=False, repr=False)
    names: frozenset[str] = frozenset()

    def __call__(self, state: Any) -> bool:
        return bool(self.evaluate(state))


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|\(|\)|,)
    """,
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            ch = text[pos]
            hint = " (use 'and', 'or', 'not')" if ch in "&|!" else ""
            if ch == "=":
                hint = " (use '==' to compare)"
            raise ConditionError("E401", f"unexpected character {ch!r}{hint}", pos)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, match.group(), pos))
        pos = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the grammar in scenarios/README.md; yields (type, closure)."""

    def __init__(self, text: str, names: Names) -> None:
        self.text = text
        self.names = names
        self.tokens = _tokenize(text)
        self.i = 0
        self.used: set[str] = set()

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value: str) -> None:
        kind, text, pos = self.take()
        if text != value or kind == "end":
            found = "the end of the condition" if kind == "end" else repr(text)
            raise ConditionError("E401", f"expected {value!r}, found {found}", pos)

    def parse(self) -> tuple[str, Evaluator]:
        result = self.or_expr()
        kind, text, pos = self.peek()
        if kind != "end":
            raise ConditionError("E401", f"unexpected {text!r} after a complete condition", pos)
        return result

    def or_expr(self) -> tuple[str, Evaluator]:
        pos = self.peek()[2]
        left = self.and_expr()
        parts = [left]
        while self.peek()[1] == "or" and self.peek()[0] == "name":
            self.take()
            parts.append(self.and_expr())
        if len(parts) == 1:
            return left
        fns = [self.truth(p, pos, "or") for p in parts]
        if len(fns) == 2:
            a, b = fns
            return TRUTH, lambda s: a(s) or b(s)
        return TRUTH, lambda s: any(f(s) for f in fns)

    def and_expr(self) -> tuple[str, Evaluator]:
        pos = self.peek()[2]
        left = self.not_expr()
        parts = [left]
        while self.peek()[1] == "and" and self.peek()[0] == "name":
            self.take()
            parts.append(self.not_expr())
        if len(parts) == 1:
            return left
        fns = [self.truth(p, pos, "and") for p in parts]
        if len(fns) == 2:
            a, b = fns
            return TRUTH, lambda s: a(s) and b(s)
        return TRUTH, lambda s: all(f(s) for f in fns)

    def not_expr(self) -> tuple[str, Evaluator]:
        kind, text, pos = self.peek()
        if kind == "name" and text == "not":
            self.take()
            fn = self.truth(self.not_expr(), pos, "not")
            return TRUTH, lambda s: not fn(s)
        return self.comparison()

    def comparison(self) -> tuple[str, Evaluator]:
        left_pos = self.peek()[2]
        left = self.sum_expr()
        kind, op, pos = self.peek()
        if kind != "op" or op not in ("<", "<=", ">", ">=", "==", "!="):
            return left
        self.take()
        right = self.sum_expr()
        if op in ("==", "!="):
            if left[0] != right[0]:
                raise ConditionError(
                    "E403", f"'{op}' compares a {left[0]} with a {right[0]}", left_pos
                )
        else:
            self.number(left, left_pos, op)
            self.number(right, pos, op)
        a, b = left[1], right[1]
        ops: dict[str, Evaluator] = {
            "<": lambda s: a(s) < b(s),
            "<=": lambda s: a(s) <= b(s),
            ">": lambda s: a(s) > b(s),
            ">=": lambda s: a(s) >= b(s),
            "==": lambda s: a(s) == b(s),
            "!=": lambda s: a(s) != b(s),
        }
        return TRUTH, ops[op]

    def sum_expr(self) -> tuple[str, Evaluator]:
        pos = self.peek()[2]
        left = self.product()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            right_pos = self.peek()[2]
            right = self.product()
            a = self.number(left, pos, op)
            b = self.number(right, right_pos, op)
            if op == "+":
                left = (NUMBER, lambda s, a=a, b=b: a(s) + b(s))
            else:
                left = (NUMBER, lambda s, a=a, b=b: a(s) - b(s))
        return left

    def product(self) -> tuple[str, Evaluator]:
        pos = self.peek()[2]
        left = self.unary()
        while self.peek()[1] == "*" and self.peek()[0] == "op":
            self.take()
            right_pos = self.peek()[2]
            right = self.unary()
            a = self.number(left, pos, "*")
            b = self.number(right, right_pos, "*")
            left = (NUMBER, lambda s, a=a, b=b: a(s) * b(s))
        return left

    def unary(self) -> tuple[str, Evaluator]:
        kind, text, pos = self.peek()
        if kind == "op" and text == "-":
            self.take()
            fn = self.number(self.unary(), pos, "-")
            return NUMBER, lambda s: -fn(s)
        return self.atom()

    def atom(self) -> tuple[str, Evaluator]:
        kind, text, pos = self.take()
        if kind == "number":
            value = float(text) if "." in text else int(text)
            return NUMBER, lambda s: value
        if kind == "op" and text == "(":
            inner = self.or_expr()
            self.expect(")")
            return inner
        if kind == "end":
            raise ConditionError("E401", "the condition ends where a value was expected", pos)
        if kind == "op":
            raise ConditionError("E401", f"unexpected {text!r} where a value was expected", pos)
        # a name
        if text == "true":
            return TRUTH, lambda s: True
        if text == "false":
            return TRUTH, lambda s: False
        if text == "turn":
            return NUMBER, lambda s: s.turn
        if text == "turns":
            return NUMBER, lambda s: s.scenario.turns
        if text in ("and", "or", "not"):
            raise ConditionError("E401", f"unexpected {text!r} where a value was expected", pos)
        if self.peek()[1] == "(" and self.peek()[0] == "op":
            return self.call(text, pos)
        if text in FUNCTIONS:
            raise ConditionError("E401", f"'{text}' is a function: write {text}(…)", pos)
        if text in self.names.meters:
            self.used.add(text)
            return NUMBER, lambda s: s.meters[text]
        if text in self.names.flags:
            self.used.add(text)
            return TRUTH, lambda s: text in s.flags
        if text in self.names.moves or text in self.names.tags:
            raise ConditionError(
                "E403",
                f"'{text}' is a move or tag, not a value: use played({text}) or count({text})",
                pos,
            )
        if text in self.names.fireables:
            raise ConditionError("E403", f"'{text}' is a rule or inject: use fired({text})", pos)
        raise ConditionError(
            "E402",
            f"unknown name '{text}'"
            + suggest(text, self.names.meters | self.names.flags | {"turn", "turns"}),
            pos,
        )

    def call(self, name: str, pos: int) -> tuple[str, Evaluator]:
        if name not in FUNCTIONS:
            raise ConditionError(
                "E402", f"unknown function '{name}'" + suggest(name, FUNCTIONS), pos
            )
        kinds, result = FUNCTIONS[name]
        self.expect("(")
        args: list[Any] = []
        for index, arg_kind in enumerate(kinds):
            if index:
                kind, text, at = self.peek()
                if text != ",":
                    raise ConditionError(
                        "E403", f"{name}() takes {len(kinds)} arguments, found {index}", at
                    )
                self.take()
            if arg_kind == "number":
                at = self.peek()[2]
                args.append(self.number(self.or_expr(), at, name))
            else:
                args.append(self.reference(name, arg_kind))
        kind, text, at = self.peek()
        if text == ",":
            raise ConditionError("E403", f"{name}() takes {len(kinds)} argument(s), found more", at)
        self.expect(")")
        return result, _HISTORY[name](*args)

    def reference(self, function: str, kind: str) -> str:
        tok_kind, text, pos = self.take()
        if tok_kind != "name":
            found = "the end of the condition" if tok_kind == "end" else repr(text)
            raise ConditionError("E401", f"{function}() expects a name, found {found}", pos)
        if kind == "item":
            known = self.names.moves | self.names.tags
            what = "move or tag"
        else:
            known = self.names.fireables
            what = "rule or inject"
        if text not in known:
            raise ConditionError(
                "E402", f"{function}() needs a {what}: unknown '{text}'" + suggest(text, known), pos
            )
        self.used.add(text)
        return text

    def truth(self, node: tuple[str, Evaluator], pos: int, op: str) -> Evaluator:
        if node[0] != TRUTH:
            raise ConditionError("E403", f"'{op}' needs true/false, found a number", pos)
        return node[1]

    def number(self, node: tuple[str, Evaluator], pos: int, op: str) -> Evaluator:
        if node[0] != NUMBER:
            raise ConditionError("E403", f"'{op}' needs a number, found true/false", pos)
        return node[1]


def _played(m: str) -> Evaluator:
    return lambda s: m in s.history.count


def _count(m: str) -> Evaluator:
    return lambda s: s.history.count.get(m, 0)


def _first_turn(m: str) -> Evaluator:
    return lambda s: s.history.first.get(m, 0)


def _last_turn(m: str) -> Evaluator:
    return lambda s: s.history.last.get(m, 0)


def _turns_since(m: str) -> Evaluator:
    return lambda s: s.turn - s.history.last.get(m, 0)


def _this_turn(m: str) -> Evaluator:
    return lambda s: s.history.last.get(m, 0) == s.turn


def _succeeded(m: str) -> Evaluator:
    return lambda s: m in s.history.succeeded


def _before(a: str, b: str) -> Evaluator:
    def before(s: Any) -> bool:
        first = s.history.first
        fa = first.get(a)
        if fa is None:
            return False
        fb = first.get(b)
        return fb is None or fa < fb

    return before


def _after(a: str, b: str) -> Evaluator:
    def after(s: Any) -> bool:
        first = s.history.first
        fa, fb = first.get(a), first.get(b)
        return fa is not None and fb is not None and fa > fb

    return after


def _same_turn(a: str, b: str) -> Evaluator:
    def same_turn(s: Any) -> bool:
        turns = s.history.turns
        ta, tb = turns.get(a), turns.get(b)
        return bool(ta and tb and not ta.isdisjoint(tb))

    return same_turn


def _within(a: str, b: str, n: Evaluator) -> Evaluator:
    def within(s: Any) -> bool:
        first = s.history.first
        fa, fb = first.get(a), first.get(b)
        return fa is not None and fb is not None and 0 <= fb - fa <= n(s)

    return within


def _fired(r: str) -> Evaluator:
    return lambda s: r in s.history.fired


_HISTORY: dict[str, Callable[..., Evaluator]] = {
    "played": _played,
    "count": _count,
    "first_turn": _first_turn,
    "last_turn": _last_turn,
    "turns_since": _turns_since,
    "this_turn": _this_turn,
    "succeeded": _succeeded,
    "before": _before,
    "after": _after,
    "same_turn": _same_turn,
    "within": _within,
    "fired": _fired,
}


def compile_condition(text: str, names: Names) -> Condition:
    """Parse, type-check and compile `text`; raise ConditionError on the first problem."""
    if not text.strip():
        raise ConditionError("E401", "the condition is empty", 0)
    parser = _Parser(text, names)
    kind, fn = parser.parse()
    if kind != TRUTH:
        raise ConditionError(
            "E403", "a condition must be true or false, not a number (compare it: x >= 10)", 0
        )
    return Condition(source=text, evaluate=fn, names=frozenset(parser.used))
