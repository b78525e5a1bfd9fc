"""Load a scenario file: read, parse, validate everything, and build a Scenario or report every problem."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

try:  # the builtin module: importing hashlib loads OpenSSL, 2 ms of a `ttx check` (the same digest)
    from _sha256 import sha256
except ImportError:  # pragma: no cover - a Python built without it, or a later one (_sha2)
    from hashlib import sha256

import attrs
import tomli

from exercise.engine.conditions import (
    RESERVED,
    Condition,
    ConditionError,
    Names,
    compile_condition,
    compile_number,
    suggest,
)
from exercise.engine.format import FORMAT_VERSION, known_keys
from exercise.engine.limits import (
    MAX_CONDITION,
    MAX_CONDITIONS_TOTAL,
    MAX_FILE_BYTES,
    MAX_ID,
    MAX_NESTING,
    MAX_TABLES,
    MAX_TEAMS,
    MAX_TURNS,
    deep_key,
    document_problems,
    long_integer,
    nesting_breach,
)
from exercise.engine.locate import locate
from exercise.engine.model import (
    EXPECTATION_CHECKS,
    Chance,
    Clock,
    Draw,
    DrawOption,
    Estimate,
    ExpectedAction,
    Variant,
    LEVELS,
    Expectation,
    NO_EFFECTS,
    Citation,
    Doctrine,
    Effects,
    RedLine,
    SequencingRule,
    Flag,
    Inject,
    Meter,
    Move,
    Objective,
    Outcome,
    Rule,
    Scenario,
    Source,
    Team,
)

DOCS = "scenarios/README.md"
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_WARNING_CODE = re.compile(r"W1\d\d\Z")


@attrs.frozen(eq=False)
class Problem:
    """One thing wrong with a scenario file, with a stable code."""

    code: str
    message: str
    path: str = ""  # key path: moves[3].effects.trust
    line: int | None = None
    col: int | None = None
    severity: str = "error"
    hint: str = ""

    def format(self, file: str, source_lines: list[str] | None = None, full: bool = False) -> str:
        if self.line is not None:
            head = f"{file}:{self.line}:{self.col or 1}: {self.code} {self.message}"
            if self.path:
                head += f" (at {self.path})"
        elif self.path:
            head = f"{file}: {self.code} at {self.path}: {self.message}"
        else:
            head = f"{file}: {self.code} {self.message}"
        if not full:
            return head
        lines = [head]
        if self.line is not None and source_lines and 0 < self.line <= len(source_lines):
            text = source_lines[self.line - 1]
            lines.append(f"  {self.line:>4} | {text}")
            lines.append("       | " + " " * ((self.col or 1) - 1) + "^")
        lines.append(f"  hint: {self.hint or HINTS.get(self.code, 'see ' + DOCS)}")
        return "\n".join(lines)


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MiB" if size >= 1048576 else f"{size // 1024} KiB"


HINTS = {
    "E101": "check the path; `ttx list` shows the bundled scenarios",
    "E102": "a scenario is a UTF-8 text file in TOML",
    "E103": f"start from the example at the top of {DOCS}",
    "E104": "TOML syntax: strings in double quotes, one key per line, tables in [brackets]",
    "E105": f"a scenario is at most {_size(MAX_FILE_BYTES)} ({DOCS}#limits)",
    "E106": f"write `format = 1` at the top of the file ({DOCS}#top-level)",
    "E107": f"tables and arrays nest at most {MAX_NESTING} levels ({DOCS}#limits)",
    "E108": f"numbers are finite and smaller than 10^15 in size ({DOCS}#limits)",
    "E201": f"see the table of keys for this section in {DOCS}",
    "E202": f"see the table of keys for this section in {DOCS}",
    "E203": "ids name meters, flags, moves, tags, rules and injects in conditions: each must be unique",
    "E204": f"see the allowed values in {DOCS}",
    "E205": f"see the table of keys for this section in {DOCS}",
    "E206": f"ids are lowercase: a letter, then letters, digits or _; at most {MAX_ID} characters",
    "E207": f"see the limits on strings in {DOCS}#limits",
    "E208": f"see the limits on counts in {DOCS}#limits",
    "E301": "names must match an id declared in the file",
    "E401": f"see the condition language in {DOCS}#conditions",
    "E402": f"see the condition language in {DOCS}#conditions",
    "E403": f"see the condition language in {DOCS}#conditions",
    "E404": f"split the condition, or name a part of it with a rule or a flag ({DOCS}#limits)",
    "E501": f"add an outcome with `at_end = true` and no `when` ({DOCS}#outcomes)",
    "E502": f"see {DOCS}#scenario",
}


class ScenarioError(Exception):
    """A scenario file with problems; `problems` has every one found."""

    def __init__(self, path: str, problems: list[Problem], source: str = "") -> None:
        self.path = path
        self.problems = problems
        self.source_lines = source.splitlines()
        super().__init__(self.render())

    def render(self, full: bool = False) -> str:
        return "\n".join(p.format(self.path, self.source_lines, full) for p in self.problems)


_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "a table",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the string "{shown}"'
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


class _Positions(Mapping[str, tuple[int, int]]):
    """Where each key path is written (`locate`), found the first time a problem needs a position:
    a file without problems is never scanned for them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, tuple[int, int]] | None = None

    def _all(self) -> dict[str, tuple[int, int]]:
        if self.found is None:
            self.found = locate(self.text)
        return self.found

    def __getitem__(self, path: str) -> tuple[int, int]:
        return self._all()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _first_position(positions: Mapping[str, tuple[int, int]], path: str) -> tuple[int | None, int | None]:
    """Where `path` is written, or else the first thing written inside it (a dotted key names
    the tables it makes only as a whole); (None, None) if neither is known."""
    if path in positions:
        return positions[path]
    inside = [where for key, where in positions.items() if key.startswith((path + ".", path + "["))]
    return min(inside) if inside else (None, None)


def _quoted(condition: str) -> str:
    """A condition as a message quotes it: whole, unless it is beyond the length limit."""
    return condition if len(condition) <= MAX_CONDITION else condition[:60] + "..."


class _Checker:
    """Walks the parsed TOML, collecting problems with positions where they are known."""

    def __init__(self, positions: Mapping[str, tuple[int, int]]) -> None:
        self.positions = positions
        self.problems: list[Problem] = []
        self.refused: set[str] = set()  # key paths already reported as beyond the limits

    def add(self, code: str, path: str, message: str, at_value: bool = False,
            position: tuple[int, int] | None = None) -> None:
        if path in self.refused:  # a value beyond the limits was set aside: what follows from it is noise
            return
        if position is None:
            position = (at_value and self.positions.get(path + "=")) or self.positions.get(path)
        line, col = position if position else (None, None)
        self.problems.append(Problem(code, message, path, line, col))

    # typed getters: return the value or the default, recording a problem when wrong
    def get(self, table: dict, path: str, key: str, kind: type | tuple, default: Any = None,
            required: bool = False) -> Any:
        key_path = f"{path}.{key}" if path else key
        if key not in table:
            if required:
                self.add("E205", path, f"missing required key '{key}'")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            wanted = "a number" if set(kinds) == {int, float} else " or ".join(_TYPE_NAMES[k] for k in kinds)
            self.add("E201", key_path, f"'{key}' must be {wanted}, not {_describe(value)}", True)
            return default
        return value

    def string_list(self, table: dict, path: str, key: str) -> list[str]:
        value = self.get(table, path, key, list, [])
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
            else:
                self.add("E201", f"{path}.{key}[{i}]",
                         f"items of '{key}' must be strings, not {_describe(item)}")
        return out

    def unknown_keys(self, table: dict, path: str, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                key_path = f"{path}.{key}" if path else key
                self.add("E202", key_path, f"unknown key '{key}'" + suggest(key, known))

    def tables(self, doc: dict, key: str, required: bool = False, base: str = "") -> list[tuple[str, dict]]:
        value = doc.get(key)
        where = f"{base}.{key}" if base else key
        if value is None:
            if required:
                self.add("E205", base, f"missing required array of tables [[{where}]]")
            return []
        if not isinstance(value, list):
            self.add("E201", where, f"'{key}' must be an array of tables ([[{where}]]), not {_describe(value)}")
            return []
        most = MAX_TEAMS if where == "teams" else MAX_TABLES
        if len(value) > most:  # reported at the first table too many; all are still read, for their problems
            self.add("E208", f"{where}[{most}]", f"{len(value):,} [[{where}]] tables: a scenario has at most {most:,}")
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((f"{where}[{i}]", item))
            else:
                self.add("E201", f"{where}[{i}]", f"items of '{key}' must be tables, not {_describe(item)}")
        return out


_FIELDS = known_keys()  # the keys each table may hold: exercise/engine/format.py


def read_source(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """Read a scenario file's text; raise ScenarioError with one problem if it cannot be.

    Only a regular file is read, and never more than the limit: a device (/dev/zero), a pipe
    or a file that grows while it is read cannot make the reading endless.
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # a pipe must not block
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError(name, [Problem("E101", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(name, [Problem("E101", "is a directory, not a scenario file")]) from None
    except PermissionError:
        if Path(path).is_dir():
            raise ScenarioError(name, [Problem("E101", "is a directory, not a scenario file")]) from None
        raise ScenarioError(name, [Problem("E101", "permission denied")]) from None
    except OSError as exc:
        raise ScenarioError(name, [Problem("E101", f"cannot read the file: {exc.strerror}")]) from None
    except ValueError:  # a path with a NUL character in it
        raise ScenarioError(name.replace("\0", "\\0"), [Problem("E101", "no such file: the path has a NUL "
                                                                          "character in it")]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(name, [Problem("E101", "is a directory, not a scenario file")])
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(name, [Problem("E101", "is not a regular file (a device, a pipe or a socket): "
                                                       "a scenario is a text file")])
        size = info.st_size
        with open(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        raise ScenarioError(name, [Problem("E101", f"cannot read the file: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:  # the second: a file that grew, or /proc
        shown = _size(size) if size > MAX_FILE_BYTES else f"more than {_size(MAX_FILE_BYTES)}"
        raise ScenarioError(name, [Problem("E105", f"the file is {shown}; a scenario is at most "
                                                   f"{_size(MAX_FILE_BYTES)}")])
    if b"\x00" in data:
        raise ScenarioError(name, [Problem("E102", "this is a binary file, not a TOML text file")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            name, [Problem("E102", f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")]
        ) from None
    if not text.strip():
        raise ScenarioError(name, [Problem("E103", "the file is empty")])
    return text, data


def load_scenario(path: str | os.PathLike[str], variant: str | None = None) -> Scenario:
    """Load and validate a scenario file; raise ScenarioError listing every problem.

    With `variant`, the scenario as that `[[variants]]` table cuts it (ValueError if unknown).
    """
    text, data = read_source(path)
    scenario = parse_scenario(text, str(path), sha256(data).hexdigest())
    if variant:
        from exercise.engine.model import apply_variant

        scenario = apply_variant(scenario, variant)
    return scenario


def parse_toml(text: str, name: str = "<scenario>") -> dict:
    """Parse TOML text; raise ScenarioError with one problem if it cannot be parsed.

    E104 for a syntax error; E107 for nesting too deep to parse (tomli parses nested arrays and
    inline tables by recursion, and refuses dotted keys of over a thousand parts); E108 for an
    integer too long to read. Nesting deeper than the format's limit but shallow enough to parse
    is found afterwards, with the other limits, by `document_problems`.
    """
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        message = getattr(exc, "msg", str(exc))
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise ScenarioError(name, [Problem("E104", f"TOML syntax: {message}", "", line, col)], text) from None
    except RecursionError:
        where = nesting_breach(text)
        if where is not None:
            problem = Problem("E107", f"tables and arrays are nested more than {MAX_NESTING} levels deep", "", *where)
        else:
            problem = Problem("E107", f"a dotted key nests tables more than {MAX_NESTING} levels deep",
                              "", *(deep_key(text) or (None, None)))
        raise ScenarioError(name, [problem], text) from None
    except ValueError:  # int() refuses an integer of more than 4,300 digits
        line, col = long_integer(text) or (None, None)
        raise ScenarioError(name, [Problem("E108", "an integer of thousands of digits: numbers are smaller than "
                                                   "10^15 (15 digits) in size", "", line, col)], text) from None


def parse_scenario(text: str, name: str = "<scenario>", content_hash: str = "") -> Scenario:
    doc = parse_toml(text, name)
    if not content_hash:
        content_hash = sha256(text.encode("utf-8")).hexdigest()
    breaches, refused = document_problems(doc)
    positions = _Positions(text)
    too_deep = [Problem(code, message, path, *_first_position(positions, path))
                for code, path, message, _ in breaches if code == "E107"]
    if too_deep:  # like a syntax error, nesting past the limit is reported alone
        raise ScenarioError(name, too_deep, text)
    builder = _Builder(doc, positions, text)
    for code, path, message, in_value in breaches:
        builder.check.add(code, path, message, in_value)
    builder.check.refused = refused
    scenario = builder.build(name, content_hash)
    problems = sorted(
        builder.check.problems,
        key=lambda p: (p.line is None, p.line or 0, p.col or 0),
    )
    if problems or scenario is None:
        raise ScenarioError(name, problems, text)
    return scenario


class _Builder:
    """Builds the Scenario from the parsed document in passes: ids, then everything else."""

    def __init__(self, doc: dict, positions: Mapping[str, tuple[int, int]], text: str) -> None:
        self.doc = doc
        self.check = _Checker(positions)
        self.positions = positions
        self.lines = text.splitlines()
        self.ids: dict[str, str] = {}  # id -> the path that declared it
        self.condition_chars = 0  # characters of the conditions and expressions read so far
        self.kinds: dict[str, set[str]] = {}

    # -- identifiers -------------------------------------------------------------------
    def declare(self, kind: str, table: dict, path: str) -> str | None:
        id_ = self.check.get(table, path, "id", str, required=True)
        if id_ is None:
            return None
        if len(id_) > MAX_ID:
            self.check.add("E206", f"{path}.id", f"an id of {len(id_):,} characters: ids are at most {MAX_ID}", True)
            return None
        if not _ID.match(id_):
            self.check.add("E206", f"{path}.id", f"'{id_}' is not a valid id", True)
            return None
        if id_ in RESERVED or id_ in ("set", "clear"):
            self.check.add("E206", f"{path}.id", f"'{id_}' is a reserved word of the format", True)
            return None
        scoped = kind in ("source", "team", "objective", "expect", "variant")
        key = f"{kind}:{id_}" if scoped else id_
        if key in self.ids:
            first = self.ids[key]
            where = self.positions.get(f"{first}.id")
            at = f"line {where[0]}" if where else first
            self.check.add("E203", f"{path}.id", f"duplicate id '{id_}' (first declared at {at})", True)
            return None
        self.ids[key] = path
        self.kinds.setdefault(kind, set()).add(id_)
        return id_

    def known(self, kind: str) -> set[str]:
        return self.kinds.get(kind, set())

    def ref(self, kind: str, value: str, path: str, what: str) -> bool:
        if value in self.known(kind):
            return True
        self.check.add("E301", path, f"unknown {what} '{value}'" + suggest(value, self.known(kind)), True)
        return False

    # -- pieces --------------------------------------------------------------------------
    def condition(self, table: dict, path: str, key: str, required: bool = False) -> Condition | None:
        text = self.check.get(table, path, key, str, required=required)
        if text is None:
            return None
        key_path = f"{path}.{key}"
        if not self.within_budget(text, key_path):
            return None
        try:
            return compile_condition(text, self.names)
        except ConditionError as exc:
            position = self._condition_position(key_path, text, exc.col)
            message = f"{exc.message} in condition \"{_quoted(text)}\""
            if position is None and key_path + "=" in self.positions:
                position = self.positions[key_path + "="]
                message += f" (column {exc.col + 1} of the condition)"
            self.check.add(exc.code, key_path, message, True, position)
            return None

    def within_budget(self, text: str, key_path: str) -> bool:
        """Whether the conditions read so far, this one included, stay within the file's total.

        Checking a condition, and evaluating it every turn, costs time in proportion to its
        length: the total bounds both. Past it, the file's other conditions are not checked.
        """
        before = self.condition_chars
        self.condition_chars += len(text)
        if self.condition_chars <= MAX_CONDITIONS_TOTAL:
            return True
        if before <= MAX_CONDITIONS_TOTAL:
            self.check.add("E404", key_path, f"with this one, the file's conditions and expressions add up to "
                           f"{self.condition_chars:,} characters: at most {MAX_CONDITIONS_TOTAL:,} in all", True)
        return False

    def _condition_position(self, key_path: str, text: str, offset: int) -> tuple[int, int] | None:
        start = self.positions.get(key_path + "=")
        if start is None or "\n" in text:
            return None
        line, col = start
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        body = col  # 1-based column of the opening quote; text starts after it
        if source[body - 1 : body] in ('"', "'") and source[body : body + len(text)] == text:
            return line, body + 1 + offset
        return None

    def effects(self, table: dict, path: str, key: str) -> Effects:
        value = self.check.get(table, path, key, dict, None)
        if value is None:
            return NO_EFFECTS
        base = f"{path}.{key}"
        meters = []
        flags: dict[str, set[str]] = {"set": set(), "clear": set()}
        for name, delta in value.items():
            item = f"{base}.{name}"
            if name in ("set", "clear"):
                for flag in self.check.string_list(value, base, name):
                    if self.ref("flag", flag, item, "flag"):
                        flags[name].add(flag)
                continue
            if name not in self.known("meter"):
                hint = suggest(name, self.known("meter") | {"set", "clear"})
                if name in self.known("flag"):
                    hint = f": '{name}' is a flag: write set = [\"{name}\"] or clear = [\"{name}\"]"
                self.check.add("E301", item, f"unknown meter '{name}'{hint}")
                continue
            if isinstance(delta, bool) or not isinstance(delta, (int, float)):
                self.check.add("E201", item, f"a meter change must be a number, not {_describe(delta)}", True)
                continue
            meters.append((name, delta))
        return Effects(meters=tuple(meters), set=flags["set"], clear=flags["clear"])

    def citations(self, table: dict, path: str) -> tuple[Citation, ...]:
        value = self.check.get(table, path, "sources", list, [])
        out = []
        for i, item in enumerate(value):
            item_path = f"{path}.sources[{i}]"
            if isinstance(item, str):
                if self.ref("source", item, item_path, "source"):
                    out.append(Citation(item))
            elif isinstance(item, dict):
                self.check.unknown_keys(item, item_path, ("id", "quote"))
                source = self.check.get(item, item_path, "id", str, required=True)
                quote = self.check.get(item, item_path, "quote", str, "")
                if source is not None and self.ref("source", source, f"{item_path}.id", "source"):
                    out.append(Citation(source, quote))
            else:
                self.check.add("E201", item_path, f"a source is a source id or {{ id = …, quote = … }}, not {_describe(item)}")
        return tuple(out)

    def audience(self, table: dict, path: str, key: str) -> frozenset[str] | None:
        if key not in table:
            return None
        teams = self.check.string_list(table, path, key)
        for i, team in enumerate(teams):
            self.ref("team", team, f"{path}.{key}[{i}]", "team")
        return frozenset(teams)

    def number(self, table: dict, path: str, key: str, default: Any = None, required: bool = False) -> Any:
        return self.check.get(table, path, key, (int, float), default, required)

    def chance(self, table: dict, path: str) -> Chance | None:
        """`chance`: a probability from 0 to 1, or a number expression of the state (clamped to 0..1)."""
        if "chance" not in table:
            return None
        value = table["chance"]
        key_path = f"{path}.chance"
        if isinstance(value, str):
            if not self.within_budget(value, key_path):
                return None
            try:
                return Chance(expression=compile_number(value, self.names))
            except ConditionError as exc:
                position = self._condition_position(key_path, value, exc.col)
                self.check.add(exc.code, key_path, f"{exc.message} in chance \"{_quoted(value)}\"", True, position)
                return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.check.add("E201", key_path, "'chance' must be a number from 0 to 1 or an expression (a string), "
                           f"not {_describe(value)}", True)
            return None
        if not 0 <= value <= 1:
            self.check.add("E204", key_path, f"'chance' is a probability from 0 to 1, not {value}", True)
            return None
        return Chance(value=float(value))

    # -- the whole document ------------------------------------------------------------
    def build(self, name: str, content_hash: str) -> Scenario | None:
        doc, check = self.doc, self.check
        check.unknown_keys(doc, "", _FIELDS["top"])
        fmt = doc.get("format")
        if fmt is None:
            check.add("E106", "", "missing 'format' key: this file does not say which format version it uses")
        elif isinstance(fmt, bool) or not isinstance(fmt, int):
            check.add("E201", "format", f"'format' must be an integer, not {_describe(fmt)}", True)
        elif fmt != FORMAT_VERSION:
            check.add("E106", "format", f"format {fmt} is not supported; this version of ttx reads format {FORMAT_VERSION}", True)

        meta = check.get(doc, "", "scenario", dict, None, required=True) or {}
        check.unknown_keys(meta, "scenario", _FIELDS["scenario"])
        sources = self.check.tables(doc, "sources")
        teams = self.check.tables(doc, "teams", required=True)
        meters = self.check.tables(doc, "meters")
        flags = self.check.tables(doc, "flags")
        moves = self.check.tables(doc, "moves", required=True)
        rules = self.check.tables(doc, "rules")
        injects = self.check.tables(doc, "injects")
        outcomes = self.check.tables(doc, "outcomes", required=True)
        expects = self.check.tables(doc, "expect")
        variants = self.check.tables(doc, "variants")
        draws = self.check.tables(doc, "draws")
        estimates = self.check.tables(doc, "estimates")
        clocks = self.check.tables(doc, "clocks")

        # Pass 1: every id, so references and conditions can be checked in any order.
        for kind, tables in (("source", sources), ("team", teams), ("meter", meters),
                             ("flag", flags), ("move", moves), ("rule", rules),
                             ("inject", injects), ("outcome", outcomes), ("expect", expects),
                             ("variant", variants), ("draw", draws), ("estimate", estimates), ("clock", clocks)):
            for path, table in tables:
                check.unknown_keys(table, path, _FIELDS[path.partition("[")[0]])
                table["__id"] = self.declare(kind, table, path)
        options = []  # each option of a hidden draw is a fact (a flag) of its own
        for path, table in draws:
            for opath, option in self.check.tables(table, "options", required=True, base=path):
                check.unknown_keys(option, opath, _FIELDS["options"])
                option["__id"] = self.declare("flag", option, opath)
                options.append((opath, option, table))
        tags: set[str] = set()
        for path, table in moves:
            for i, tag in enumerate(check.string_list(table, path, "tags")):
                if len(tag) > MAX_ID:
                    check.add("E206", f"{path}.tags[{i}]", f"a tag of {len(tag):,} characters: tags are at most {MAX_ID}")
                elif not _ID.match(tag):
                    check.add("E206", f"{path}.tags[{i}]", f"tag '{tag}' is not a valid id")
                elif tag in self.ids:
                    check.add("E203", f"{path}.tags[{i}]", f"tag '{tag}' has the name of another id ({self.ids[tag]})")
                else:
                    tags.add(tag)
        self.names = Names(
            meters=frozenset(self.known("meter")),
            flags=frozenset(self.known("flag")),
            moves=frozenset(self.known("move")),
            tags=frozenset(tags - self.known("move")),
            fireables=frozenset(self.known("rule") | self.known("inject") | self.known("clock")),
            numbers=frozenset(self.known("estimate") | self.known("clock")),
        )

        # Pass 2: build.
        title = check.get(meta, "scenario", "title", str, "", required=bool(meta) or "scenario" in doc)
        scenario_id = check.get(meta, "scenario", "id", str, "", required="scenario" in doc)
        summary = check.get(meta, "scenario", "summary", str, "", required="scenario" in doc)
        turns = check.get(meta, "scenario", "turns", int, 1, required="scenario" in doc)
        if turns < 1:
            check.add("E204", "scenario.turns", f"'turns' must be at least 1, not {turns}", True)
            turns = 1
        elif turns > MAX_TURNS:
            check.add("E204", "scenario.turns", f"'turns' must be from 1 to {MAX_TURNS}, not {turns}", True)
            turns = MAX_TURNS
        turn_labels = check.string_list(meta, "scenario", "turn_labels")
        if turn_labels and len(turn_labels) != turns:
            check.add("E502", "scenario.turn_labels",
                      f"{len(turn_labels)} turn labels for {turns} turns: give exactly one per turn", True)
        turn_length = check.get(meta, "scenario", "turn_length", str, "one turn")
        if len(scenario_id) > MAX_ID:
            check.add("E206", "scenario.id", f"an id of {len(scenario_id):,} characters: ids are at most {MAX_ID}", True)
        elif scenario_id and not _ID.match(scenario_id):
            check.add("E206", "scenario.id", f"'{scenario_id}' is not a valid id", True)

        built_sources = [self.source(p, t) for p, t in sources]
        built_teams = [self.team(p, t) for p, t in teams]
        built_meters = [self.meter(p, t) for p, t in meters]
        built_flags = [self.flag(p, t) for p, t in flags]
        built_moves = [self.move(p, t) for p, t in moves]
        built_rules = [self.rule(p, t) for p, t in rules]
        built_injects = [self.inject(p, t, turns) for p, t in injects]
        built_outcomes = [self.outcome(p, t) for p, t in outcomes]
        if outcomes and not any(o is not None and o.at_end and o.when is None for o in built_outcomes):
            check.add("E501", "outcomes",
                      "no outcome for the end of the last turn: add one with `at_end = true` and no `when`")
        # A move naming an unknown team is already reported; do not add "team has no moves".
        dangling = any(m is not None and m.team not in self.known("team") for m in built_moves)
        for team in built_teams:
            if not dangling and team is not None and team.moves_per_turn > 0 and not any(
                m is not None and m.team == team.id for m in built_moves
            ):
                check.add("E204", f"teams[{built_teams.index(team)}]",
                          f"team '{team.id}' has no moves: give it moves or set moves_per_turn = 0")
        built_expects = [self.expectation(p, t, turns) for p, t in expects]
        built_variants = [self.variant(p, t) for p, t in variants]
        built_draws = [self.draw(p, t) for p, t in draws]
        built_flags += [Flag(option.id, option.label, False, option.description, draw.visible_to)
                        for draw in built_draws for option in draw.options]
        built_estimates = [self.estimate(p, t) for p, t in estimates]
        built_clocks = [self.clock(p, t) for p, t in clocks]
        debrief = check.get(doc, "", "debrief", dict, {}) or {}
        check.unknown_keys(debrief, "debrief", _FIELDS["debrief"])
        questions = check.string_list(debrief, "debrief", "questions")

        if check.problems:
            return None
        return Scenario(
            id=scenario_id,
            title=title,
            summary=summary,
            turns=turns,
            teams=built_teams,
            meters=built_meters,
            flags=built_flags,
            moves=built_moves,
            rules=built_rules,
            injects=built_injects,
            outcomes=built_outcomes,
            sources=built_sources,
            turn_length=turn_length,
            turn_labels=turn_labels,
            debrief=questions,
            expectations=built_expects,
            variants=built_variants,
            draws=built_draws,
            estimates=built_estimates,
            clocks=built_clocks,
            format=FORMAT_VERSION,
            path=name,
            content_hash=content_hash,
        )

    def source(self, path: str, t: dict) -> Source | None:
        g = self.check.get
        title = g(t, path, "title", str, "", required=True)
        fields = {k: g(t, path, k, str, "") for k in ("author", "publisher", "date", "url", "note")}
        return Source(t["__id"] or "", title, **fields)

    def team(self, path: str, t: dict) -> Team | None:
        g = self.check.get
        name = g(t, path, "name", str, "", required=True)
        per_turn = g(t, path, "moves_per_turn", int, 1)
        if per_turn < 0:
            self.check.add("E204", f"{path}.moves_per_turn", f"'moves_per_turn' cannot be negative ({per_turn})", True)
        objectives = []
        value = t.get("objectives", [])
        if not isinstance(value, list):
            self.check.add("E201", f"{path}.objectives", "'objectives' must be an array of tables ([[teams.objectives]])", True)
            value = []
        for i, o in enumerate(value):
            opath = f"{path}.objectives[{i}]"
            if not isinstance(o, dict):
                self.check.add("E201", opath, f"an objective must be a table, not {_describe(o)}")
                continue
            self.check.unknown_keys(o, opath, _FIELDS["objectives"])
            oid = self.declare("objective", o, opath) if "id" in o else None
            if "id" not in o:
                self.check.add("E205", opath, "missing required key 'id'")
            text = g(o, opath, "text", str, "", required=True)
            when = self.condition(o, opath, "when", required=True)
            points = g(o, opath, "points", int, 1)
            if points < 1:
                self.check.add("E204", f"{opath}.points", f"'points' must be at least 1, not {points}", True)
            if oid and when is not None:
                objectives.append(Objective(oid, text, when, points))
        doctrine = self.doctrine(t, path)
        return Team(
            doctrine=doctrine,
            id=t["__id"] or "",
            name=name,
            public_brief=g(t, path, "public_brief", str, ""),
            private_brief=g(t, path, "private_brief", str, ""),
            moves_per_turn=max(per_turn, 0),
            playable=g(t, path, "playable", bool, True),
            objectives=objectives,
        )

    def doctrine(self, t: dict, team_path: str) -> Doctrine:
        """The optional [teams.doctrine] table: what a computer player of this team values."""
        if "doctrine" not in t:
            return Doctrine()
        path = f"{team_path}.doctrine"
        d = self.check.get(t, team_path, "doctrine", dict, None)
        if d is None:
            return Doctrine()
        g = self.check.get
        self.check.unknown_keys(d, path, _FIELDS["doctrine"])
        values = []
        for name, weight in (g(d, path, "values", dict, {}) or {}).items():
            if name not in self.known("meter"):
                self.check.add("E301", f"{path}.values.{name}", f"unknown meter '{name}'" + suggest(name, self.known("meter")))
            elif isinstance(weight, bool) or not isinstance(weight, (int, float)):
                self.check.add("E201", f"{path}.values.{name}", f"a weight must be a number, not {_describe(weight)}", True)
            else:
                values.append((name, float(weight)))
        flag_values = []
        for name, weight in (g(d, path, "flag_values", dict, {}) or {}).items():
            if name not in self.known("flag"):
                self.check.add("E301", f"{path}.flag_values.{name}", f"unknown flag '{name}'" + suggest(name, self.known("flag")))
            elif isinstance(weight, bool) or not isinstance(weight, (int, float)):
                self.check.add("E201", f"{path}.flag_values.{name}", f"a value must be a number, not {_describe(weight)}", True)
            else:
                flag_values.append((name, float(weight)))
        items = self.names.moves | self.names.tags
        red_lines = []
        for i, line in enumerate(g(d, path, "red_lines", list, []) or []):
            lpath = f"{path}.red_lines[{i}]"
            if not isinstance(line, dict):
                self.check.add("E201", lpath, f"a red line is a table, not {_describe(line)}")
                continue
            self.check.unknown_keys(line, lpath, _FIELDS["red_lines"])
            moves = self.check.string_list(line, lpath, "moves")
            if not moves:
                self.check.add("E205", lpath, "a red line needs 'moves': move ids or tags")
            for j, m in enumerate(moves):
                if m not in items:
                    self.check.add("E301", f"{lpath}.moves[{j}]", f"unknown move or tag '{m}'" + suggest(m, items), True)
            reason = g(line, lpath, "reason", str, "", required=True)
            unless = self.condition(line, lpath, "unless")
            red_lines.append(RedLine(frozenset(moves), reason, unless))
        sequencing = []
        for i, rule in enumerate(g(d, path, "sequencing", list, []) or []):
            rpath = f"{path}.sequencing[{i}]"
            if not isinstance(rule, dict):
                self.check.add("E201", rpath, f"a sequencing preference is a table, not {_describe(rule)}")
                continue
            self.check.unknown_keys(rule, rpath, _FIELDS["sequencing"])
            move = g(rule, rpath, "move", str, "", required=True)
            after = g(rule, rpath, "after", str, "", required=True)
            for key, value in (("move", move), ("after", after)):
                if value and value not in items:
                    self.check.add("E301", f"{rpath}.{key}", f"unknown move or tag '{value}'" + suggest(value, items), True)
            reason = g(rule, rpath, "reason", str, "", required=True)
            sequencing.append(SequencingRule(move, after, reason))
        numbers = {}
        for key, default in (("objectives", 10.0), ("risk", 0.5), ("patience", 0.5)):
            value = self.number(d, path, key, default)
            if key != "objectives" and not 0 <= value <= 1:
                self.check.add("E204", f"{path}.{key}", f"'{key}' is from 0 to 1, not {value}", True)
            numbers[key] = float(value)
        return Doctrine(
            summary=g(d, path, "summary", str, ""),
            values=values,
            flag_values=flag_values,
            red_lines=red_lines,
            sequencing=sequencing,
            **numbers,
        )

    def meter(self, path: str, t: dict) -> Meter | None:
        g = self.check.get
        low = self.number(t, path, "min", 0)
        high = self.number(t, path, "max", 100)
        start = self.number(t, path, "start", None, required=True)
        if low >= high:
            self.check.add("E204", f"{path}.max", f"'max' ({high}) must be greater than 'min' ({low})", True)
        elif start is not None and not low <= start <= high:
            self.check.add("E204", f"{path}.start", f"'start' ({start}) is outside the bounds {low}..{high}", True)
        return Meter(
            id=t["__id"] or "",
            label=g(t, path, "label", str, "", required=True),
            start=start if start is not None else low,
            min=low,
            max=high,
            description=g(t, path, "description", str, ""),
            visible_to=self.audience(t, path, "visible_to"),
        )

    def flag(self, path: str, t: dict) -> Flag | None:
        g = self.check.get
        return Flag(
            id=t["__id"] or "",
            label=g(t, path, "label", str, "", required=True),
            start=g(t, path, "start", bool, False),
            description=g(t, path, "description", str, ""),
            visible_to=self.audience(t, path, "visible_to"),
        )

    def move(self, path: str, t: dict) -> Move | None:
        g = self.check.get
        team = g(t, path, "team", str, "", required=True)
        if team:
            self.ref("team", team, f"{path}.team", "team")
        chance = self.chance(t, path)
        if "chance" not in t:
            for key in ("success", "failure", "success_text", "failure_text"):
                if key in t:
                    self.check.add("E204", f"{path}.{key}", f"'{key}' has no effect without 'chance'")
        cooldown = g(t, path, "cooldown", int, 0)
        if cooldown < 0:
            self.check.add("E204", f"{path}.cooldown", f"'cooldown' cannot be negative ({cooldown})", True)
        return Move(
            id=t["__id"] or "",
            team=team,
            label=g(t, path, "label", str, "", required=True),
            description=g(t, path, "description", str, ""),
            sources=self.citations(t, path),
            tags=[tag for tag in t.get("tags", []) if isinstance(tag, str)] if isinstance(t.get("tags"), list) else [],
            requires=self.condition(t, path, "requires"),
            requires_text=g(t, path, "requires_text", str, ""),
            once=g(t, path, "once", bool, False),
            cooldown=max(cooldown, 0),
            secret=g(t, path, "secret", bool, False),
            effects=self.effects(t, path, "effects"),
            chance=chance.value if chance is not None else None,
            chance_expr=chance.expression if chance is not None else None,
            success=self.effects(t, path, "success"),
            failure=self.effects(t, path, "failure"),
            success_text=g(t, path, "success_text", str, ""),
            failure_text=g(t, path, "failure_text", str, ""),
        )

    def allow(self, t: dict, path: str) -> frozenset[str]:
        """`allow`: warning codes a rule leaves out (W109, when its one-turn delay is meant)."""
        codes = self.check.string_list(t, path, "allow")
        for code in codes:
            if not _WARNING_CODE.match(code):
                self.check.add("E204", f"{path}.allow", f"'allow' takes warning codes (W101 to W109), not \"{code}\""
                               + suggest(code, [f"W1{n:02}" for n in range(1, 10)]), True)
        return frozenset(c for c in codes if _WARNING_CODE.match(c))

    def rule(self, path: str, t: dict) -> Rule | None:
        g = self.check.get
        when = self.condition(t, path, "when", required=True)
        rule = Rule(
            id=t["__id"] or "",
            when=when or _NEVER,
            message=g(t, path, "message", str, "", required=True),
            effects=self.effects(t, path, "effects"),
            once=g(t, path, "once", bool, True),
            to=self.audience(t, path, "to"),
            sources=self.citations(t, path),
            allow=self.allow(t, path),
            chance=self.chance(t, path),
        )
        return rule

    def inject(self, path: str, t: dict, turns: int) -> Inject | None:
        g = self.check.get
        turn = g(t, path, "turn", int, None)
        if turn is not None and not 1 <= turn <= turns:
            self.check.add("E204", f"{path}.turn", f"'turn' {turn} is outside the scenario's turns 1..{turns}", True)
        return Inject(
            id=t["__id"] or "",
            title=g(t, path, "title", str, "", required=True),
            text=g(t, path, "text", str, ""),
            turn=turn,
            when=self.condition(t, path, "when"),
            to=self.audience(t, path, "to"),
            effects=self.effects(t, path, "effects"),
            sources=self.citations(t, path),
            sender=g(t, path, "from", str, ""),
            expected=self.expected_action(t, path, t["__id"] or ""),
            chance=self.chance(t, path),
        )

    def expected_action(self, t: dict, path: str, inject_id: str) -> ExpectedAction | None:
        """`expected_action = { text, when, within, team, if_missed }` of an inject."""
        check, g = self.check, self.check.get
        table = g(t, path, "expected_action", dict, None)
        if table is None:
            return None
        where = f"{path}.expected_action"
        check.unknown_keys(table, where, _FIELDS["expected_action"])
        when = self.condition(table, where, "when", required=True)
        within = g(table, where, "within", int, 1)
        if within < 1:
            check.add("E204", f"{where}.within", f"'within' must be 1 or more turns, not {within}", True)
        team = g(table, where, "team", str, None)
        if team is not None:
            self.ref("team", team, f"{where}.team", "team")
        missed = g(table, where, "if_missed", str, None)
        if missed is not None:
            if self.ref("inject", missed, f"{where}.if_missed", "inject") and missed == inject_id:
                check.add("E204", f"{where}.if_missed", "an inject cannot be its own contingency inject", True)
        return ExpectedAction(g(table, where, "text", str, "", required=True), when or _NEVER, within, team, missed)

    def draw(self, path: str, t: dict) -> Draw:
        """A `[[draws]]` table: a hidden draw at setup among its options, known to `visible_to`."""
        check, g = self.check, self.check.get
        options = []
        for i, o in enumerate(t.get("options", []) if isinstance(t.get("options"), list) else []):
            if not isinstance(o, dict):
                continue
            opath = f"{path}.options[{i}]"
            weight = self.number(o, opath, "weight", 1)
            if weight is not None and weight <= 0:
                check.add("E204", f"{opath}.weight", f"'weight' must be more than 0, not {weight}", True)
                weight = 1
            options.append(DrawOption(o.get("__id") or "", g(o, opath, "label", str, "", required=True),
                                      float(weight), g(o, opath, "description", str, ""),
                                      self.effects(o, opath, "effects")))
        if "options" in t and len(options) < 2 and isinstance(t.get("options"), list):
            check.add("E204", f"{path}.options", f"a draw needs at least two options, not {len(options)}")
        return Draw(t["__id"] or "", g(t, path, "label", str, "", required=True), options,
                    self.audience(t, path, "visible_to") or frozenset(), g(t, path, "description", str, ""),
                    self.citations(t, path))

    def estimate(self, path: str, t: dict) -> Estimate:
        """An `[[estimates]]` table: a noisy, biased, lagging view of a meter for some teams."""
        check, g = self.check, self.check.get
        of = g(t, path, "of", str, "", required=True)
        if of:
            self.ref("meter", of, f"{path}.of", "meter")
        noise, noise_meter = 0.0, None
        raw = t.get("noise", 0)
        if isinstance(raw, str):
            if self.ref("meter", raw, f"{path}.noise", "meter"):
                noise_meter = raw
        else:
            value = self.number(t, path, "noise", 0)
            if value is not None and value < 0:
                check.add("E204", f"{path}.noise", f"'noise' cannot be negative ({value})", True)
            noise = float(max(value or 0, 0))
        lag = g(t, path, "lag", int, 0)
        if lag < 0:
            check.add("E204", f"{path}.lag", f"'lag' cannot be negative ({lag})", True)
        if "visible_to" not in t:
            check.add("E205", path, "missing required key 'visible_to' (the teams that see the estimate)")
        return Estimate(t["__id"] or "", of, g(t, path, "label", str, "", required=True),
                        self.audience(t, path, "visible_to") or frozenset(), noise, noise_meter,
                        float(self.number(t, path, "bias", 0) or 0), max(lag, 0), g(t, path, "description", str, ""),
                        self.citations(t, path))

    def clock(self, path: str, t: dict) -> Clock:
        """A `[[clocks]]` table: a countdown a condition starts, with its deadline inject."""
        check, g = self.check, self.check.get
        turns = g(t, path, "turns", int, 1, required=True)
        if turns < 1:
            check.add("E204", f"{path}.turns", f"'turns' must be 1 or more, not {turns}", True)
        deadline = g(t, path, "deadline", str, None)
        if deadline is not None:
            self.ref("inject", deadline, f"{path}.deadline", "inject")
        return Clock(t["__id"] or "", g(t, path, "label", str, "", required=True),
                     self.condition(t, path, "starts_when", required=True) or _NEVER, max(turns, 1),
                     self.condition(t, path, "stops_when"), deadline, self.audience(t, path, "visible_to"),
                     g(t, path, "description", str, ""), self.citations(t, path))

    def variant(self, path: str, t: dict) -> Variant | None:
        """A `[[variants]]` table: its turns, their labels, and the injects it reschedules."""
        check, g = self.check, self.check.get
        turns = g(t, path, "turns", int, None)
        if turns is not None and not 1 <= turns <= MAX_TURNS:
            check.add("E204", f"{path}.turns", f"'turns' must be from 1 to {MAX_TURNS}, not {turns}", True)
            turns = None
        labels = check.string_list(t, path, "turn_labels")
        if labels and turns is not None and len(labels) != turns:
            check.add("E502", f"{path}.turn_labels", f"{len(labels)} turn labels for {turns} turns: give exactly one "
                      "per turn", True)
        schedule = []
        table = g(t, path, "schedule", dict, {}) or {}
        for inject, turn in table.items():
            where = f"{path}.schedule.{inject}"
            if not self.ref("inject", inject, f"{path}.schedule", "inject"):
                continue
            if isinstance(turn, bool) or not isinstance(turn, int):
                check.add("E201", where, f"'{inject}' must be a turn number, not {_describe(turn)}", True)
            elif not 1 <= turn <= (turns or 10**6):
                check.add("E204", where, f"'{inject}' is scheduled for turn {turn}, outside the variant's turns"
                          f" 1..{turns}", True)
            else:
                schedule.append((inject, turn))
        return Variant(t["__id"] or "", g(t, path, "title", str, "", required=True), g(t, path, "description", str, ""),
                       g(t, path, "summary", str, None), turns, g(t, path, "turn_length", str, None), labels, schedule)

    def expectation(self, path: str, t: dict, turns: int) -> Expectation | None:
        """An `[[expect]]` table: what it claims, and the figures the claim needs."""
        check, g = self.check, self.check.get
        kind = g(t, path, "check", str, "", required=True)
        if kind and kind not in EXPECTATION_CHECKS:
            check.add("E204", f"{path}.check", f"'check' must be one of {', '.join(EXPECTATION_CHECKS)}, not "
                      f"'{kind}'" + suggest(kind, EXPECTATION_CHECKS), True)
        players: dict[str, str] = {}
        raw = t.get("players", "doctrine")

        def level_ok(level: Any, where: str) -> bool:
            if level in LEVELS:
                return True
            check.add("E204", where, f"unknown level '{level}'" + suggest(str(level), LEVELS)
                      + f" (levels: {', '.join(LEVELS)})", True)
            return False

        if isinstance(raw, str):
            level = raw if level_ok(raw, f"{path}.players") else "doctrine"
            raw = {team: level for team in self.known("team")}
        if not isinstance(raw, dict):
            check.add("E201", f"{path}.players", f"'players' must be a level (a string) or a table of team = level,"
                      f" not {_describe(raw)}", True)
            raw = {}
        for team, level in raw.items():
            if self.ref("team", team, f"{path}.players", "team"):
                level_ok(level, f"{path}.players.{team}")
            players[team] = str(level)
        for team in self.known("team"):
            players.setdefault(team, "doctrine")
        runs = g(t, path, "runs", int, 200)
        if not 1 <= runs <= 100_000:
            check.add("E204", f"{path}.runs", f"'runs' must be from 1 to 100000, not {runs}", True)
        ending = g(t, path, "ending", str, None)
        if ending is not None:
            self.ref("outcome", ending, f"{path}.ending", "ending")
        team = g(t, path, "team", str, None)
        if team is not None:
            self.ref("team", team, f"{path}.team", "team")
        bounds = {}
        for key in ("min", "max"):
            value = self.number(t, path, key)
            if value is not None and not 0 <= value <= 1:
                check.add("E204", f"{path}.{key}", f"'{key}' is a share from 0 to 1, not {value}", True)
            bounds[key] = value
        turn = g(t, path, "turn", int, None)
        if turn is not None and not 1 <= turn <= turns:
            check.add("E204", f"{path}.turn", f"'turn' {turn} is outside the scenario's turns 1..{turns}", True)
        needs = {"ending_share": ("ending",), "ending_not_before": ("ending", "turn"),
                 "endings_spread": (), "no_decisive_move": (), "strategy_below_doctrine": ("team", "strategy")}
        for key in needs.get(kind, ()):
            if key not in t:
                check.add("E205", path, f"missing required key '{key}' (a '{kind}' expectation names it)")
        return Expectation(
            id=t["__id"] or "", text=g(t, path, "text", str, "", required=True), check=kind,
            players=tuple(sorted(players.items())), runs=runs, seed=g(t, path, "seed", int, 1), ending=ending,
            min=bounds["min"], max=bounds["max"], count=g(t, path, "count", int, None), turn=turn, team=team,
            strategy=g(t, path, "strategy", str, None),
        )

    def outcome(self, path: str, t: dict) -> Outcome | None:
        g = self.check.get
        return Outcome(
            id=t["__id"] or "",
            title=g(t, path, "title", str, "", required=True),
            text=g(t, path, "text", str, "", required=True),
            when=self.condition(t, path, "when"),
            at_end=g(t, path, "at_end", bool, False),
            sources=self.citations(t, path),
        )


_NEVER = compile_condition("false", Names())
