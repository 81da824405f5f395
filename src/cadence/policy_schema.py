"""The JSON Schema of the policy format, for a host CRM to validate and render its settings forms.

It checks the shape (keys, types, the spelling of durations, times and dates); `cadence.policy_files` checks the
meaning too, so a document the schema accepts can still be refused, with a reason.
"""

from __future__ import annotations

import re
from typing import Any

from cadence.durations import _UNITS
from cadence.model import Channel, Direction, Outcome
from cadence.rules import DaysOff

__all__ = ["FORMAT_VERSION", "json_schema"]

FORMAT_VERSION = 1
"""The version of the policy format this release reads and writes."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the policy format, for validating and rendering settings forms.

    It checks the shape (keys, types, duration and time spellings); the loader checks the meaning too (unknown
    stages, inconsistent thresholds), so a document the schema accepts may still be refused, with a reason.
    """
    units = sorted({*_UNITS, *(f"business {name.removeprefix('b')}" for name in _UNITS if name.startswith("b"))},
                   key=len, reverse=True)  # fmt: skip
    unit = "|".join(re.escape(name) for name in units)
    duration = {
        "type": "string",
        "description": 'A duration: "7d", "24h", "2w", "1mo", "3bd", "4bh", "3 business days", or ISO 8601 "P7D".',
        "pattern": rf"^\s*-?\s*(?:(?:\d+\s*(?:{unit})\s*)+|[Pp](?=.)(?:\d+[Yy])?(?:\d+[Mm])?(?:\d+[Ww])?(?:\d+[Dd])?"
        r"(?:[Tt](?=\d)(?:\d+[Hh])?(?:\d+[Mm])?(?:\d+[Ss])?)?)\s*$",
    }
    name = {"type": "string", "minLength": 1}
    day = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    weekday = {
        "type": "string",
        "pattern": r"^\s*[A-Za-z]+\s*(-\s*[A-Za-z]+\s*)?(,\s*[A-Za-z]+\s*(-\s*[A-Za-z]+\s*)?)*$",
    }
    hours = {
        "type": "string",
        "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*)*$",
    }
    hour_spec = {"oneOf": [hours, {"type": "array", "items": hours}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cadence.invalid/policy-v1.schema.json",
        "title": "cadence policy",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "name", "segments", "rules"],
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "name": name,
            "calendar": {
                "oneOf": [
                    name,
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["timezone"],
                        "properties": {
                            "timezone": name,
                            "workdays": {
                                "oneOf": [
                                    weekday,
                                    {
                                        "type": "array",
                                        "items": {"oneOf": [weekday, {"type": "integer", "minimum": 0, "maximum": 6}]},
                                    },
                                ]
                            },
                            "hours": {"oneOf": [hour_spec, {"type": "object", "additionalProperties": hour_spec}]},
                            "holidays": {
                                "oneOf": [
                                    {"type": "array", "items": day},
                                    {
                                        "type": "object",
                                        "additionalProperties": False,
                                        "required": ["country", "years"],
                                        "properties": {
                                            "country": name,
                                            "subdiv": name,
                                            "years": {
                                                "oneOf": [
                                                    {"type": "integer"},
                                                    {"type": "array", "items": {"type": "integer"}},
                                                ]
                                            },
                                        },
                                    },
                                ]
                            },
                            "extra_workdays": {"type": "array", "items": day},
                        },
                    },
                ]
            },
            "segments": _listed(name, {"label": {"type": "string"}, "rank": {"type": "integer", "minimum": 0}}),
            "stages": _listed(name, {"label": {"type": "string"}, "terminal": {"type": "boolean"}}),
            "rules": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "oneOf": [{"required": ["interval"]}, {"required": ["intervals"]}],
                    "properties": {
                        "key": {"type": "string", "pattern": r"^[^/]+/[^/]+$"},
                        "segment": name,
                        "stage": name,
                        "interval": duration,
                        "intervals": {"type": "array", "minItems": 1, "items": duration},
                        "first_response": duration,
                        "grace": duration,
                        "heads_up": duration,
                        "churn_after": duration,
                        "days_off": {"enum": [mode.value for mode in DaysOff]},
                        "cap": _record(
                            {"min_gap": duration, "attempts": {"type": "integer", "minimum": 1}, "per": duration}
                        ),
                        "unanswered": _record(
                            {"after": {"type": "integer", "minimum": 1}, "then": {"enum": ["reassign", "nurture"]}},
                            ["after", "then"],
                        ),
                        "escalation": {
                            "type": "array",
                            "items": _record({"after": duration, "action": name}, ["after"]),
                        },
                        "reclaim": _record(
                            {"after": duration, "protect": duration, "extend": duration, "max_protect": duration},
                            ["after"],
                        ),
                        "touchpoints": {
                            "type": "array",
                            "items": _record({"after": duration, "window": duration, "label": name}, ["after"]),
                        },
                        "counts": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "channels": {"type": "array", "items": {"enum": [c.value for c in Channel]}},
                                "directions": {"type": "array", "items": {"enum": [d.value for d in Direction]}},
                                "non_reach": {"type": "array", "items": {"enum": [o.value for o in Outcome]}},
                            },
                        },
                    },
                },
            },
        },
    }


def _listed(name: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A non-empty list of ids, or of tables with an ``id`` and these other properties."""
    table = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id"],
        "properties": {"id": name, **properties},
    }
    return {"type": "array", "minItems": 1, "items": {"oneOf": [name, table]}}


def _record(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A table with these properties and no others."""
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        out["required"] = required
    return out
