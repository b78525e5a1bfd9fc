"""`ttx schema`: a JSON Schema of scenario format 1, for editors that complete and underline TOML.

It checks shapes and types only; names that must refer to something declared, conditions
and ranges that depend on other values are `ttx check`'s work.
"""

from __future__ import annotations

import json
from typing import Any

ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "lowercase: a letter, then letters, digits or _"}
TEXT = {"type": "string"}
NUMBER = {"type": "number"}
CONDITION = {"type": "string", "description": "a condition: see 'conditions' in the format reference"}
IDS = {"type": "array", "items": ID}
LEVEL = {"enum": ["random", "doctrine", "lookahead"]}
CHANCE = {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1},
                    {"type": "string", "description": "a number expression of the state, clamped to 0..1"}]}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}
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


def table(required: list[str], properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "required": required, "additionalProperties": False,
                           "properties": properties}
    if description:
        out["description"] = description
    return out


def array_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def scenario_schema() -> dict[str, Any]:
    doctrine = table([], {
        "summary": TEXT,
        "values": {"type": "object", "additionalProperties": NUMBER},
        "flag_values": {"type": "object", "additionalProperties": NUMBER},
        "objectives": NUMBER,
        "risk": {"type": "number", "minimum": 0, "maximum": 1},
        "patience": {"type": "number", "minimum": 0, "maximum": 1},
        "red_lines": array_of(table(["moves", "reason"], {"moves": IDS, "unless": CONDITION, "reason": TEXT})),
        "sequencing": array_of(table(["move", "after", "reason"], {"move": ID, "after": ID, "reason": TEXT})),
    }, "how the computer plays this team")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "ttx scenario, format 1",
        "description": "A tabletop exercise scenario. Reference: scenarios/README.md in the ttx sources.",
        "type": "object",
        "required": ["format", "scenario", "teams", "moves", "outcomes"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": 1, "description": "the format version"},
            "scenario": table(["id", "title", "summary", "turns"], {
                "id": ID, "title": TEXT, "summary": TEXT,
                "turns": {"type": "integer", "minimum": 1},
                "turn_length": TEXT,
                "turn_labels": array_of(TEXT),
            }),
            "sources": array_of(table(["id", "title"], {
                "id": ID, "title": TEXT, "author": TEXT, "publisher": TEXT, "date": TEXT, "url": TEXT, "note": TEXT,
            })),
            "teams": {"type": "array", "minItems": 1, "items": table(["id", "name"], {
                "id": ID, "name": TEXT, "public_brief": TEXT, "private_brief": TEXT,
                "moves_per_turn": {"type": "integer", "minimum": 0},
                "playable": {"type": "boolean"},
                "objectives": array_of(table(["id", "text", "when"], {
                    "id": ID, "text": TEXT, "when": CONDITION, "points": {"type": "integer", "minimum": 1},
                })),
                "doctrine": doctrine,
            })},
            "meters": array_of(table(["id", "label", "start"], {
                "id": ID, "label": TEXT, "description": TEXT, "min": NUMBER, "max": NUMBER, "start": NUMBER,
                "visible_to": IDS,
            })),
            "flags": array_of(table(["id", "label"], {
                "id": ID, "label": TEXT, "description": TEXT, "start": {"type": "boolean"}, "visible_to": IDS,
            })),
            "moves": array_of(table(["id", "team", "label"], {
                "id": ID, "team": ID, "label": TEXT, "description": TEXT, "sources": SOURCES, "tags": IDS,
                "requires": CONDITION, "requires_text": TEXT, "once": {"type": "boolean"},
                "cooldown": {"type": "integer", "minimum": 0}, "secret": {"type": "boolean"},
                "effects": EFFECTS, "chance": CHANCE,
                "success": EFFECTS, "failure": EFFECTS, "success_text": TEXT, "failure_text": TEXT,
            })),
            "rules": array_of(table(["id", "when", "message"], {
                "id": ID, "when": CONDITION, "message": TEXT, "effects": EFFECTS, "once": {"type": "boolean"},
                "to": IDS, "sources": SOURCES, "chance": CHANCE,
                "allow": {"type": "array", "items": {"type": "string", "pattern": "^W1[0-9]{2}$"},
                          "description": "warning codes this rule leaves out, such as W109"},
            })),
            "injects": array_of(table(["id", "title"], {
                "id": ID, "title": TEXT, "text": TEXT, "turn": {"type": "integer", "minimum": 1},
                "when": CONDITION, "to": IDS, "effects": EFFECTS, "sources": SOURCES, "from": TEXT, "chance": CHANCE,
                "expected_action": table(["text", "when"], {
                    "text": TEXT, "when": CONDITION, "within": {"type": "integer", "minimum": 1}, "team": ID,
                    "if_missed": ID,
                }, "what the inject expects someone to do, by when, and the inject that comes if not"),
            })),
            "outcomes": array_of(table(["id", "title", "text"], {
                "id": ID, "title": TEXT, "text": TEXT, "when": CONDITION, "at_end": {"type": "boolean"},
                "sources": SOURCES,
            })),
            "debrief": table([], {"questions": array_of(TEXT)}),
            "variants": array_of(table(["id", "title"], {
                "id": ID, "title": TEXT, "description": TEXT, "summary": TEXT,
                "turns": {"type": "integer", "minimum": 1, "maximum": 100},
                "turn_length": TEXT, "turn_labels": array_of(TEXT),
                "schedule": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                             "description": "inject id = the turn it comes on in this variant"},
            }, "another cut of the same scenario: `ttx play SCENARIO --variant ID`")),
            "expect": array_of(table(["id", "text", "check"], {
                "id": ID, "text": TEXT,
                "check": {"enum": ["ending_share", "endings_spread", "ending_not_before", "no_decisive_move",
                                   "strategy_below_doctrine"]},
                "players": {"oneOf": [LEVEL, {"type": "object", "additionalProperties": LEVEL}]},
                "runs": {"type": "integer", "minimum": 1, "maximum": 100000}, "seed": {"type": "integer"},
                "ending": ID, "min": SHARE, "max": SHARE, "count": {"type": "integer", "minimum": 1},
                "turn": {"type": "integer", "minimum": 1}, "team": ID, "strategy": TEXT,
            }, "a claim about play, checked by simulation with `ttx test`")),
            "draws": array_of(table(["id", "label", "options"], {
                "id": ID, "label": TEXT, "description": TEXT, "visible_to": IDS, "sources": SOURCES,
                "options": {"type": "array", "minItems": 2, "items": table(["id", "label"], {
                    "id": ID, "label": TEXT, "weight": {"type": "number", "exclusiveMinimum": 0},
                    "description": TEXT, "effects": EFFECTS,
                })},
            }, "a hidden draw at setup: one option's fact is set, known to visible_to")),
            "estimates": array_of(table(["id", "of", "label", "visible_to"], {
                "id": ID, "of": ID, "label": TEXT, "description": TEXT, "visible_to": IDS, "sources": SOURCES,
                "noise": {"oneOf": [{"type": "number", "minimum": 0}, ID]},
                "bias": NUMBER, "lag": {"type": "integer", "minimum": 0},
            }, "what some teams see of a meter: late, biased and noisy")),
            "clocks": array_of(table(["id", "label", "starts_when", "turns"], {
                "id": ID, "label": TEXT, "description": TEXT, "starts_when": CONDITION,
                "turns": {"type": "integer", "minimum": 1}, "stops_when": CONDITION, "deadline": ID,
                "visible_to": IDS, "sources": SOURCES,
            }, "a countdown a condition starts, with a deadline inject")),
        },
    }


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2)
