"""The JSON Schema of the policy format, for a host CRM to validate and render its settings forms, and the field
catalogue that the schema, the reader and the writer of `cadence.policy_files` are all made from.

It checks the shape (keys, types, the spelling of durations, times and dates); `cadence.policy_files` checks the
meaning too, so a document the schema accepts can still be refused, with a reason.

The fields of a rule and of the rulebook's records say their own format, in their attrs ``metadata``:

- ``"file"``: the kind of value in a file: ``"duration"`` (a duration string), ``"durations"`` (a list of them),
  ``"count"`` (a whole number >= 1), ``"choice"`` (one name of the enum ``"of"``), ``"names"`` (a list of names of
  the enum ``"of"``), ``"text"`` (a non-empty string), ``"record"`` (a table of the class ``"of"``, itself
  catalogued) or ``"records"`` (a list of such tables);
- ``"doc"``: what the field means, the description in the schema;
- ``"one"``: for a list, the key that holds a single item instead (``interval = "7d"`` for ``intervals``);
- ``"what"``: for a record, how errors describe its table (by default "<key> settings").

A field is required when it has no default. A field added to `Rule` with such metadata is read, written and
described in the schema without any other change.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from cadence._durations import _UNITS
from cadence._rules import Rule

__all__ = ["FORMAT_VERSION", "FileField", "catalogue", "json_schema"]

FORMAT_VERSION = 1
"""The version of the policy format this release reads and writes."""

_KINDS = ("duration", "durations", "count", "choice", "names", "text", "record", "records")


@attrs.frozen
class FileField:
    """One field of the policy format, as the metadata of an attrs field states it."""

    name: str
    """The attribute, and the key in a file."""
    kind: str
    """One of ``duration``, ``durations``, ``count``, ``choice``, ``names``, ``text``, ``record``, ``records``."""
    required: bool
    """True when the attribute has no default."""
    default: Any
    """The attribute's default (``attrs.NOTHING`` when required): a writer leaves out a value equal to it."""
    doc: str
    of: Any = None
    """The enum of a choice or of names; the catalogued class of a record."""
    one: str | None = None
    """For a list, the key that holds a single item instead."""
    what: str | None = None
    """For a record, how errors describe its table."""

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys a file may give this field under."""
        return (self.name,) if self.one is None else (self.one, self.name)


_CATALOGUES: dict[type, tuple[FileField, ...]] = {}


def catalogue(kind: type) -> tuple[FileField, ...]:
    """The policy-file fields of an attrs class, in the order of its attributes, from their metadata.

    >>> from cadence import Touchpoint
    >>> [(field.name, field.kind, field.required) for field in catalogue(Touchpoint)]
    [('after', 'duration', True), ('window', 'duration', False), ('label', 'text', False), ('of', 'text', False)]
    """
    known = _CATALOGUES.get(kind)
    if known is not None:
        return known
    out = []
    for field in attrs.fields(kind):
        meta = field.metadata
        if "file" not in meta:
            continue
        if meta["file"] not in _KINDS:  # pragma: no cover - a mistake in a field's metadata
            raise TypeError(f"{kind.__name__}.{field.name}: unknown file kind {meta['file']!r}")
        out.append(
            FileField(
                field.name,
                meta["file"],
                field.default is attrs.NOTHING,
                field.default,
                meta.get("doc", ""),
                meta.get("of"),
                meta.get("one"),
                meta.get("what"),
            )
        )
    return _CATALOGUES.setdefault(kind, tuple(out))


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the policy format, for validating and rendering settings forms.

    It checks the shape (keys, types, duration and time spellings); the loader checks the meaning too (unknown
    stages, inconsistent thresholds), so a document the schema accepts may still be refused, with a reason.
    """
    # Longest first, so that the alternation tries "months" before "mo"; by name among equals, so that the schema
    # is the same in every process.
    units = sorted({*_UNITS, *(f"business {name.removeprefix('b')}" for name in _UNITS if name.startswith("b"))},
                   key=lambda unit: (-len(unit), unit))  # fmt: skip
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
        "description": 'Working hours such as "09:00-12:00, 13:30-18:00"; an interval that ends before it starts '
        '("19:00-05:00") runs past midnight and belongs to the date it starts on.',
        "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*)*$",
    }
    hour_spec = {"oneOf": [hours, {"type": "array", "items": hours}]}
    year = {"type": "integer", "minimum": 1, "maximum": 9999}
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
                                            "years": {"oneOf": [year, {"type": "array", "items": year}]},
                                        },
                                    },
                                ]
                            },
                            "extra_workdays": {"type": "array", "items": day},
                            "hours_zone": name,
                            "holiday_years": {
                                "description": "The years the listed holidays and extra working days cover: "
                                "counting in another year warns. Taken from a holiday source's years.",
                                "oneOf": [year, {"type": "array", "minItems": 1, "items": year}],
                            },
                        },
                    },
                ]
            },
            "segments": _listed(name, {"label": {"type": "string"}, "rank": {"type": "integer", "minimum": 0}}),
            "stages": _listed(name, {"label": {"type": "string"}, "terminal": {"type": "boolean"}}),
            "rules": {"type": "array", "minItems": 1, "items": _rule(duration, name)},
            "layers": {"type": "array", "items": _rule(duration, name, layer=True)},
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


def _rule(duration: dict[str, Any], name: dict[str, Any], layer: bool = False) -> dict[str, Any]:
    """A rule: its key (``key = "segment/stage"``, or the two apart), then the fields of `Rule`. A layer has the
    same keys, none required (and one list at most in either of its two forms)."""
    table = _table(Rule, duration)
    key = {"key": {"type": "string", "pattern": r"^[^/]+/[^/]+$"}, "segment": name, "stage": name}
    out = {**table, "properties": {**key, **table["properties"]}}
    if layer:
        out.pop("required", None)
        either = out.pop("oneOf")
        out["not"] = {"required": [each for alternative in either for each in alternative["required"]]}
        out["anyOf"] = [{"required": [each]} for each in table["properties"]]  # at least one field of a rule
    return out


def _table(kind: type, duration: dict[str, Any]) -> dict[str, Any]:
    """A table of the catalogued class ``kind``: its properties and no others, the required ones, and one of the
    two keys of a list that may be given as one item."""
    properties: dict[str, Any] = {}
    required = []
    either = []
    for field in catalogue(kind):
        if field.one is not None:
            properties[field.one] = _described(duration, field.doc)
            either = [{"required": [field.one]}, {"required": [field.name]}]
        elif field.required:
            required.append(field.name)
        properties[field.name] = _described(_value(field, duration), field.doc)
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if either:
        out["oneOf"] = either
    out["properties"] = properties
    if required:
        out["required"] = required
    return out


def _value(field: FileField, duration: dict[str, Any]) -> dict[str, Any]:
    """The schema of one field's value."""
    if field.kind == "duration":
        return duration
    if field.kind == "durations":
        return {"type": "array", "minItems": 1, "items": duration}
    if field.kind == "count":
        return {"type": "integer", "minimum": 1}
    if field.kind == "text":
        return {"type": "string", "minLength": 1}
    if field.kind in ("choice", "names"):
        names = {"enum": [member.value for member in field.of]}
        return names if field.kind == "choice" else {"type": "array", "items": names}
    table = _table(field.of, duration)
    return table if field.kind == "record" else {"type": "array", "items": table}


def _described(schema: dict[str, Any], doc: str) -> dict[str, Any]:
    if not doc:
        return schema
    hint = schema.get("description")
    return {**schema, "description": doc if hint is None else f"{doc} {hint}"}
