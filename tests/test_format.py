"""The format's description (exercise/engine/format.py) against the format reference, scenarios/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exercise.engine import format as fmt
from exercise.engine.loader import _FIELDS

README = Path(__file__).resolve().parent.parent / "scenarios" / "README.md"
_HEADING = re.compile(r"(#{1,6}) +(.+?) *\Z")
_CODE = re.compile(r"`([^`]+)`")
# A table of a scenario's keys; the orders-file and report tables have no default column.
_KEY_TABLE_HEADER = ("key", "type", "default", "meaning")


def sections(text: str) -> dict[str, str]:
    """Each heading's text, up to the next heading of any level (code fences are not headings)."""
    out: dict[str, str] = {}
    title, lines, fenced = None, [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            if title is not None:
                out[title] = "\n".join(lines)
            title, lines = heading.group(2), []
        else:
            lines.append(line)
    if title is not None:
        out[title] = "\n".join(lines)
    return out


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def documented_keys(section: str) -> list[str] | None:
    """The keys a section's key table lists, or None when it has no key table.

    A first cell may hold several keys (`` `min`, `max` ``) and names a sub-table by its
    TOML header (`` `[[teams.objectives]]` ``): the key is the last part of the name.
    """
    keys: list[str] | None = None
    in_table = False
    for line in section.splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        row = cells(line)
        if tuple(row) == _KEY_TABLE_HEADER:
            in_table, keys = True, keys or []
        elif in_table and not set(row[0]) <= set("-: "):
            keys.extend(name.strip("[]").rpartition(".")[2] for name in _CODE.findall(row[0]))
    return keys


def mentions(section: str, key: str) -> bool:
    """Whether prose names the key: `key` in code, or `key = …` in a TOML example."""
    return f"`{key}`" in section or re.search(rf"^{re.escape(key)} =", section, re.M) is not None


SECTIONS = sections(README.read_text(encoding="utf-8"))
TABLES = list(fmt.tables())


@pytest.mark.parametrize(("path", "table"), TABLES, ids=[path or "top" for path, _ in TABLES])
def test_the_format_reference_documents_exactly_the_keys_of_each_table(path, table):
    """Each table's section in scenarios/README.md lists the keys the loader and `ttx schema` know."""
    assert table.section in SECTIONS, f"no heading '{table.section}' in {README.name}"
    section = SECTIONS[table.section]
    if table.in_prose:
        assert [] == [key for key in table.names if not mentions(section, key)], \
            f"keys of {path} not named in the section '{table.section}'"
    else:
        documented = documented_keys(section)
        assert documented is not None, f"the section '{table.section}' has no table of keys"
        undocumented = [key for key in table.names if key not in documented]
        unknown = [key for key in documented if key not in table.names]
        assert ([], []) == (undocumented, unknown), \
            f"section '{table.section}': keys of {path or 'the top level'} missing from its table, then keys it lists that {path or 'the top level'} has not"


def test_every_key_table_of_the_format_reference_is_a_table_of_the_description():
    described = {table.section for _, table in TABLES if not table.in_prose}
    with_tables = {title for title, text in SECTIONS.items() if documented_keys(text) is not None}
    assert described == with_tables


def test_the_loader_knows_the_keys_of_every_described_table():
    assert {(path.rpartition(".")[2] or "top"): table.names for path, table in TABLES} == _FIELDS


def test_a_key_table_cell_may_name_several_keys_and_a_sub_table():
    section = """
| key | type | default | meaning |
|---|---|---|---|
| `id` | string | required | |
| `min`, `max` | number | `0`, `100` | bounds |
| `[[teams.objectives]]` | array of tables | `[]` | below |
"""
    assert ["id", "min", "max", "objectives"] == documented_keys(section)
