"""The format's limits, and the checks of a TOML text and of its parsed document against them.

Every limit here is part of the format (scenarios/README.md, "Limits") and each has a problem
code. They are chosen so that a file within them checks in well under a second and plays at
the usual speed, and so that nothing a check accepts can fail in play: no recursion deeper
than Python allows, no number beyond a float, no loop over a count a file can make huge.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_FILE_BYTES = 256 * 1024     # E105: a scenario or orders file (the flagship is 67 KiB)
MAX_NESTING = 16                # E107: arrays and tables inside one another (the flagship uses 6)
MAX_NUMBER = 10**15             # E108: every number is smaller than this in size (15 digits)
MAX_TEXT = 20_000               # E207: characters of any string (the flagship's longest: 721)
MAX_ID = 64                     # E206, E207: characters of an id, a tag or a key
MAX_TURNS = 100                 # E204: turns of a scenario, as of a variant
MAX_TEAMS = 32                  # E208: teams of a scenario
MAX_TABLES = 1_000              # E208: tables of one kind ([[moves]], [[rules]], …)
MAX_CONDITION = 1_000           # E404: characters of a condition or expression
MAX_CONDITION_DEPTH = 32        # E404: levels of nesting in a condition
MAX_CONDITIONS_TOTAL = 50_000   # E404: characters of all the conditions of a file (the flagship's: 3,375)
MAX_RATIONALE = 500             # orders files: a rationale, as the team screen takes it

# One entry per limit, for the format reference and its test: (code, what, limit in words).
LIMITS = (
    ("E105", "file size", f"{MAX_FILE_BYTES // 1024} KiB"),
    ("E107", "TOML nesting", f"{MAX_NESTING} levels"),
    ("E108", "numbers", "smaller than 10^15"),
    ("E207", "strings", f"{MAX_TEXT:,} characters"),
    ("E206", "ids, tags and keys", f"{MAX_ID} characters"),
    ("E204", "turns", f"{MAX_TURNS}"),
    ("E208", "teams", f"{MAX_TEAMS}"),
    ("E208", "tables of one kind", f"{MAX_TABLES:,}"),
    ("E404", "a condition's length", f"{MAX_CONDITION:,} characters"),
    ("E404", "a condition's nesting", f"{MAX_CONDITION_DEPTH} levels"),
    ("E404", "all the conditions of a file", f"{MAX_CONDITIONS_TOTAL:,} characters"),
)

# What Python's int() refuses to read from text (sys.get_int_max_str_digits()); TOML integers
# longer than this stop tomli with a ValueError instead of a syntax error.
_INT_DIGITS = 4300


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_LEXEME = re.compile(
    r"""
    (?P<ml>\"\"\"|''')
  | (?P<basic>"(?:[^"\\\n]|\\.)*")
  | (?P<literal>'[^'\n]*')
  | (?P<stray>["'])
  | (?P<comment>\#[^\n]*)
  | (?P<open>[\[{])
  | (?P<close>[\]}])
    """,
    re.VERBOSE,
)


def _multiline_end(text: str, start: int, quote: str) -> int:
    """The offset just after the multi-line string opened by `quote` before `start`; -1 if unclosed."""
    pos = start
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return -1
        if quote == '"""':
            backslashes = len(text[pos:end]) - len(text[pos:end].rstrip("\\"))
            if backslashes % 2:  # an escaped quote: \"
                pos = end + 1
                continue
        end += 3
        extra = 0
        while extra < 2 and text.startswith(quote[0], end):  # up to two quotes may end the content
            end += 1
            extra += 1
        return end


def nesting_breach(text: str) -> tuple[int, int] | None:
    """Where arrays and inline tables first nest deeper than MAX_NESTING, outside strings and
    comments; None if they never do (or the file stops being TOML before they do).

    Run before parsing: tomli parses nesting by recursion, so a file nested a few hundred levels
    deep would exhaust Python's stack.
    """
    depth = 0
    pos = 0
    while True:
        match = _LEXEME.search(text, pos)
        if match is None:
            return None
        kind = match.lastgroup
        if kind == "ml":
            end = _multiline_end(text, match.end(), match.group())
            if end < 0:
                return None
            pos = end
            continue
        if kind == "stray":
            return None  # an unclosed string: a syntax error tomli reports
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                return position(text, match.start())
        elif kind == "close":
            depth = max(depth - 1, 0)
        pos = match.end()


_DIGITS = re.compile(r"[0-9][0-9_]{%d,}" % _INT_DIGITS)
_DOTTED_KEY = re.compile(r"(?:[A-Za-z0-9_-]+\s*\.\s*){%d,}" % MAX_NESTING)


def long_integer(text: str) -> tuple[int, int] | None:
    """Where an integer too long for Python to read is written, outside strings and comments."""
    pos = 0
    while True:
        match = _LEXEME.search(text, pos)
        stop = match.start() if match else len(text)
        digits = _DIGITS.search(text, pos, stop)
        if digits is not None:
            return position(text, digits.start())
        if match is None or match.lastgroup == "stray":
            return None
        pos = match.end()
        if match.lastgroup == "ml":
            pos = _multiline_end(text, pos, match.group())
            if pos < 0:
                return None


def deep_key(text: str) -> tuple[int, int] | None:
    """Where a dotted key of more than MAX_NESTING parts is written (a guess good enough for a
    position: the first such run of dotted names)."""
    match = _DOTTED_KEY.search(text)
    return position(text, match.start()) if match else None


def describe_number(value: int | float) -> str:
    """A number as a message shows it; never the digits of an integer too long to print."""
    if isinstance(value, int) and abs(value) >= MAX_NUMBER * 10**20:
        return f"an integer of more than {len(str(MAX_NUMBER)) + 19} digits"
    return f"{value:g}" if isinstance(value, float) else str(value)


def number_problem(value: Any) -> str | None:
    """Why a number read from a file is beyond the format's limits; None if it is within them."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if -MAX_NUMBER < value < MAX_NUMBER:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{describe_number(value)} is not a number a scenario can use: numbers must be finite"
    if abs(value) >= MAX_NUMBER:
        return f"{describe_number(value)} is too large: numbers are smaller than 10^15 (15 digits) in size"
    return None


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def document_problems(doc: dict) -> tuple[list[tuple[str, str, str, bool]], set[str]]:
    """The limits a parsed document breaks, and the key paths refused.

    Each problem is (code, key path, message, whether it is in the value rather than the key).

    Numbers beyond the limits are replaced by 0 in `doc`, so that whatever reads the document
    afterwards (to report its other problems) never meets them; containers nested too deep are
    not looked into. The walk keeps its own stack: a deep document cannot exhaust Python's.
    """
    found: list[tuple[str, str, str, bool]] = []
    refused: set[str] = set()

    def refuse(code: str, container: Any, path: str, key: Any, message: str, in_value: bool = True) -> None:
        where = (f"{path}.{key}" if path else key) if isinstance(container, dict) else f"{path}[{key}]"
        found.append((code, where, message, in_value))
        refused.add(where)

    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack:
        container, path, depth = stack.pop()
        if depth > MAX_NESTING:
            found.append(("E107", path, f"tables and arrays are nested more than {MAX_NESTING} levels deep", False))
            refused.add(path)
            continue
        is_table = isinstance(container, dict)
        for key, value in (container.items() if is_table else enumerate(container)):
            if is_table and len(key) > MAX_ID:
                refuse("E207", container, path, key, f"a key of {len(key):,} characters (\"{_shown(key)}\"): keys "
                       f"and ids are at most {MAX_ID}", in_value=False)
            kind = type(value)
            if kind is str:
                if len(value) > MAX_TEXT:
                    refuse("E207", container, path, key, f"a string of {len(value):,} characters: a string is at "
                           f"most {MAX_TEXT:,}")
            elif kind is dict or kind is list:
                stack.append((value, (f"{path}.{key}" if path else key) if is_table else f"{path}[{key}]", depth + 1))
            elif kind is int or kind is float:
                why = number_problem(value)
                if why is not None:
                    refuse("E108", container, path, key, why)
                    container[key] = 0
    return found, refused
