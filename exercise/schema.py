"""`ttx schema`: a JSON Schema of scenario format 1, for editors that complete and underline TOML.

It is built from the format's description (exercise/engine/format.py), as the loader's list
of known keys is. It checks shapes and types only; names that must refer to something
declared, conditions and ranges that depend on other values are `ttx check`'s work.
"""

from __future__ import annotations

import json
from typing import Any

from exercise.engine import format as fmt

ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "lowercase: a letter, then letters, digits or _"}
TEXT = {"type": "string"}
NUMBER = {"type": "number"}
CONDITION = {"type": "string", "description": "a condition: see 'conditions' in the format reference"}
IDS = {"type": "array", "items": ID}
LEVEL = {"enum": list(fmt.LEVELS)}
CHANCE = {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1},
                    {"type": "string", "description": "a number expression of the state, clamped to 0..1"}]}
EFFECTS = {
    "type": "object",
    "description": "meter = change (a number); set / clear = arrays of flag ids",
    "properties": {"set": IDS, "clear": IDS},
    "additionalProperties": NUMBER,
}
SOURCES = {
    "type": "array",
    "items": {
        "oneOf": [
            ID,
            {"type": "object", "required": ["id"], "additionalProperties": False,
             "properties": {"id": ID, "quote": TEXT}},
        ]
    },
}
# Kinds whose schema does not depend on the key's bounds or sub-table.
_FIXED = {
    fmt.ID: ID, fmt.TEXT: TEXT, fmt.BOOLEAN: {"type": "boolean"}, fmt.CONDITION: CONDITION,
    fmt.CHANCE: CHANCE, fmt.EFFECTS: EFFECTS, fmt.IDS: IDS, fmt.TEXTS: {"type": "array", "items": TEXT},
    fmt.SOURCES: SOURCES, fmt.NUMBERS: {"type": "object", "additionalProperties": NUMBER},
    fmt.TURNS: {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
    fmt.WARNINGS: {"type": "array", "items": {"type": "string", "pattern": "^W1[0-9]{2}$"}},
    fmt.LEVEL: {"oneOf": [LEVEL, {"type": "object", "additionalProperties": LEVEL}]},
    fmt.VERSION: {"const": fmt.FORMAT_VERSION},
}


def _bounded(kind: str, key: fmt.Key) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind}
    if key.min is not None:
        out["minimum"] = key.min
    if key.max is not None:
        out["maximum"] = key.max
    if key.above is not None:
        out["exclusiveMinimum"] = key.above
    return out


def key_schema(key: fmt.Key) -> dict[str, Any]:
    """The schema of one key's value; its meaning becomes the description where the kind has none."""
    if key.kind in (fmt.INTEGER, fmt.NUMBER):
        out = _bounded(key.kind, key)
    elif key.kind == fmt.NUMBER_OR_ID:
        out = {"oneOf": [_bounded("number", key), ID]}
    elif key.kind == fmt.ENUM:
        out = {"enum": list(key.values)}
    elif key.kind == fmt.TABLE:
        assert key.table is not None
        out = table_schema(key.table)
    elif key.kind == fmt.TABLES:
        assert key.table is not None
        out = {"type": "array"}
        if key.min is not None:
            out["minItems"] = key.min
        out["items"] = table_schema(key.table)
    else:
        out = dict(_FIXED[key.kind])
    if key.meaning and "description" not in out:
        out = {**out, "description": key.meaning}
    return out


def table_schema(table: fmt.Table) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "required": [k.name for k in table.keys if k.required],
                           "additionalProperties": False,
                           "properties": {k.name: key_schema(k) for k in table.keys}}
    if table.meaning:
        out["description"] = table.meaning
    return out


def scenario_schema() -> dict[str, Any]:
    top = table_schema(fmt.SCENARIO_FILE)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"ttx scenario, format {fmt.FORMAT_VERSION}",
        "description": top["description"],
        "type": "object",
        "required": top["required"],
        "additionalProperties": False,
        "properties": top["properties"],
    }


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2)
