"""Exact source positions of TOML keys, so problems found after parsing can name a line.

tomli reports positions only for syntax errors. This scanner walks the source once and
records where each key path (`moves[3].effects.tension`) is written. It reports only
positions it saw; a path it did not see has no position, never a guessed one.
"""

from __future__ import annotations

import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEY = re.compile(r"((?:[A-Za-z0-9_\-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"))*)\s*=\s*")
_BARE_VALUE = re.compile(r"[^,\]}\s#]+")
_SPACE = re.compile(r"\s*")
_BLANKS = re.compile(r"[ \t]+")
_BASIC_BODY = re.compile(r'(?:[^"\\]|\\.?)*')  # up to the closing quote or the line's end
_LITERAL_BODY = re.compile(r"[^']*")
# Every match below starts at a position in the line rather than on a slice of it: a slice per
# item would make a long line (an array of thousands of items) cost its length squared.


class _Scanner:
    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.positions: dict[str, tuple[int, int]] = {}
        self.array_counts: dict[str, int] = {}

    def record(self, path: str, line: int, col: int) -> None:
        self.positions.setdefault(path, (line, col))

    def resolve(self, keys: list[str]) -> str:
        """A dotted header path with the current index of each array of tables in it."""
        path = ""
        for key in keys:
            path = f"{path}.{key}" if path else key
            if path in self.array_counts:
                path = f"{path}[{self.array_counts[path] - 1}]"
        return path

    def run(self) -> dict[str, tuple[int, int]]:
        table = ""
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            if stripped.startswith("[["):
                keys = _split_keys(stripped[2 : stripped.find("]]")])
                parent = self.resolve(keys[:-1]) if len(keys) > 1 else ""
                array = f"{parent}.{keys[-1]}" if parent else keys[-1]
                self.array_counts[array] = self.array_counts.get(array, 0) + 1
                # Nested arrays restart under a new parent element.
                for other in list(self.array_counts):
                    if other.startswith(array + "[") and other != array:
                        del self.array_counts[other]
                table = f"{array}[{self.array_counts[array] - 1}]"
                self.record(table, i + 1, indent + 1)
                i += 1
                continue
            if stripped.startswith("["):
                keys = _split_keys(stripped[1 : stripped.find("]")])
                table = self.resolve(keys)
                self.record(table, i + 1, indent + 1)
                i += 1
                continue
            if not stripped or stripped.startswith("#"):
                i += 1
                continue
            match = _KEY.match(stripped)
            if match is None:
                i += 1
                continue
            keys = _split_keys(match.group(1))
            path = ".".join([table, *keys]) if table else ".".join(keys)
            self.record(path, i + 1, indent + 1)
            i = self.value(path, i, indent + match.end())
        return self.positions

    def value(self, path: str, i: int, col: int) -> int:
        """Scan a value from (line i, col); record keys of inline tables; return the next line."""
        self.record(path + "=", i + 1, col + 1)
        stack: list[list] = []  # ["table", path] or ["array", path, index]
        line = self.lines[i]
        pos = col
        current = path
        expect_key = False
        while True:
            if pos >= len(line):
                if not stack:
                    return i + 1
                i += 1
                if i >= len(self.lines):
                    return i
                line, pos = self.lines[i], 0
                continue
            ch = line[pos]
            if ch in " \t":
                pos = _BLANKS.match(line, pos).end()  # type: ignore[union-attr]
            elif ch == "#":
                pos = len(line)
            elif ch in "\"'" and line.startswith(ch * 3, pos):
                quote = line[pos : pos + 3]
                end = line.find(quote, pos + 3)
                while end < 0:
                    i += 1
                    if i >= len(self.lines):
                        return i
                    line = self.lines[i]
                    end = line.find(quote)
                pos = end + 3
                while pos < len(line) and line[pos] == quote[0]:
                    pos += 1
                if not stack:
                    return i + 1
            elif ch in "\"'":
                pos = (_BASIC_BODY if ch == '"' else _LITERAL_BODY).match(line, pos + 1).end() + 1  # type: ignore[union-attr]
                if not stack:
                    return i + 1
            elif ch == "{":
                stack.append(["table", current])
                expect_key = True
                pos += 1
            elif ch == "[":
                stack.append(["array", current, 0])
                current = f"{current}[0]"
                self.record(current, i + 1, pos + 2)
                pos += 1
            elif ch in "}]":
                if stack:
                    stack.pop()
                current = self._current(stack, path)
                pos += 1
                if not stack:
                    return i + 1
            elif ch == ",":
                if stack and stack[-1][0] == "array":
                    stack[-1][2] += 1
                    current = f"{stack[-1][1]}[{stack[-1][2]}]"
                    pos = _SPACE.match(line, pos + 1).end()  # type: ignore[union-attr]
                    self.record(current, i + 1, pos + 1)
                    continue
                if stack:
                    expect_key = True
                pos += 1
            elif expect_key and stack and stack[-1][0] == "table":
                match = _KEY.match(line, pos)
                if match is None:
                    pos += 1
                    continue
                keys = _split_keys(match.group(1))
                current = ".".join([stack[-1][1], *keys])
                self.record(current, i + 1, pos + 1)
                self.record(current + "=", i + 1, match.end() + 1)
                pos = match.end()
                expect_key = False
            else:
                # a bare value (number, boolean, date): skip to a delimiter
                match = _BARE_VALUE.match(line, pos)
                pos = match.end() if match else pos + 1
                if not stack:
                    return i + 1

    @staticmethod
    def _current(stack: list[list], path: str) -> str:
        if not stack:
            return path
        top = stack[-1]
        return f"{top[1]}[{top[2]}]" if top[0] == "array" else top[1]


def _split_keys(text: str) -> list[str]:
    keys = []
    for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', text):
        keys.append(part[1:-1] if part[0] in "\"'" else part)
    return keys


def locate(source: str) -> dict[str, tuple[int, int]]:
    """Map each key path to its (line, column), both 1-based; `path=` maps to its value."""
    try:
        return _Scanner(source).run()
    except (IndexError, ValueError):  # a layout the scanner does not follow: no positions
        return {}
