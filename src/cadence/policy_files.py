"""Policies as data: load and dump a `Policy` as a plain dict, TOML or JSON, and the JSON Schema of the format.

A document is checked as a whole: every problem is reported at once, with its path (``rules[3].interval``) and,
for TOML, its line where it can be found, in one `PolicyFileError`; nothing is half-loaded. Loading is safe: the
text is parsed by ``tomllib`` or ``json``, never evaluated; a document cannot name files, modules or addresses to
read. (A calendar may ask for a country's holidays, which come from the installed ``holidays`` package.)

>>> text = '''
... version = 1
... name = "abc"
... calendar = "Europe/Berlin"
... segments = ["A", "B"]
...
... [[rules]]
... key = "A/*"
... interval = "3d"
...
... [[rules]]
... key = "*/*"
... interval = "7d"
... churn_after = "60d"
... '''
>>> policy = loads(text)
>>> policy.rule_for("B", "lead").rule.churn_after
days(60)
>>> loads(text.replace('"3d"', '"3x"'))
Traceback (most recent call last):
...
cadence.PolicyFileError: policy has 1 problem:
  rules[0].interval: "3x" is not a duration (try "7d" or "P7D") (line 9)
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import attrs

from cadence._calendars import Calendar, Weekday, _span_text
from cadence._durations import Duration, parse_duration
from cadence._errors import CadenceError, PolicyError, PolicyFileError, Problem, show
from cadence._model import DEFAULT_LIFECYCLE, Lifecycle, Segment, Stage
from cadence._policy import ANY, Policy, RuleKey, unknown
from cadence._policy_schema import FORMAT_VERSION, FileField, catalogue, json_schema
from cadence._rules import Layer, Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["FORMAT_VERSION", "dump", "dumps", "from_dict", "json_schema", "load", "loads", "to_dict"]

_T = TypeVar("_T")
_MAX_TEXT = 5_000_000  # characters: a policy is a settings file, not a data set
_TOP = ("version", "name", "calendar", "segments", "stages", "rules", "layers")
_CALENDAR = ("timezone", "workdays", "hours", "holidays", "extra_workdays", "hours_zone", "holiday_years")
_HOLIDAY_SOURCE = ("country", "years", "subdiv")
# A rule's key: key = "segment/stage", or the two apart; then the fields of `Rule`, from its catalogue.
_RULE_KEY = ("key", *(field.name for field in attrs.fields(RuleKey)))


class _Bad(Exception):
    """A problem already recorded; stops reading one item."""


class _Reader:
    """Reads a document into a `Policy`, recording every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> _Bad:
        self.problems.append(Problem(path, message))
        return _Bad()

    def table(self, value: object, path: str, known: Iterable[str], what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a table of {what} (got {_show(value)})")
        known = tuple(known)
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(known)}"
                self.fail(_join(path, str(key)), f"unknown key ({hint})")
        return value

    def string(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected a non-empty string (got {_show(value)})")
        return value

    def items(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list (got {_show(value)})")
        return value

    def duration(self, value: object, path: str) -> Duration:
        if not isinstance(value, str):
            raise self.fail(path, f'expected a duration such as "7d", "24h", "3bd" or "P7D" (got {_show(value)})')
        try:
            return parse_duration(value, field=path)
        except CadenceError as error:
            raise self.fail(path, str(error).removeprefix(f"{path}: ")) from None

    def each(self, values: list[Any], path: str, read: Callable[[Any, str], Any]) -> list[Any]:
        """``read`` every item; a bad item is recorded and left out, and reading goes on."""
        out = []
        for index, value in enumerate(values):
            with contextlib.suppress(_Bad):
                out.append(read(value, f"{path}[{index}]"))
        return out

    def build(self, make: Callable[[], _T], path: str, owner: str) -> _T:
        """Call a constructor and move its error to the path of its field: ``Rule.grace must ...`` raised with
        ``field="Rule.grace"`` becomes ``rules[2].grace: must ...`` (an error about the whole value stays at
        ``path``)."""
        try:
            return make()
        except CadenceError as error:
            message = str(error)
            field = error.field if error.field is not None else _field_named(message, owner)
            if field is None or not field.startswith(f"{owner}."):
                raise self.fail(path, message) from None
            if message.startswith(field):
                message = message[len(field) :].removeprefix(":").removeprefix(" ")
            raise self.fail(_join(path, field[len(owner) + 1 :]), message) from None

    # --- the parts of a document

    def policy(self, data: object, calendar: Calendar | str | None) -> Policy:
        try:
            top = self.table(data, "", _TOP, "policy settings")
        except _Bad:
            raise PolicyFileError(self.problems) from None
        version = top.get("version")
        if version is None:
            self.fail("version", f"missing (this format is version {FORMAT_VERSION}: add version = {FORMAT_VERSION})")
        elif type(version) is not int or version != FORMAT_VERSION:
            self.fail("version", f"{_show(version)} is not a known format version (this cadence reads version 1)")
        name = self.attempt(lambda: self.string(top.get("name"), "name"))
        if "calendar" in top:
            chosen = self.attempt(lambda: self.calendar(top["calendar"], "calendar"))
            calendar = calendar if calendar is not None else chosen
        elif calendar is None:
            self.fail("calendar", 'missing (a time zone name such as "Europe/Berlin" or a [calendar] table)')
        segments = self.attempt(
            lambda: self.each(self.items(top.get("segments"), "segments"), "segments", self.segment)
        )
        lifecycle = self.attempt(lambda: self.lifecycle(top["stages"])) if "stages" in top else DEFAULT_LIFECYCLE
        rules = self.attempt(lambda: self.each(self.items(top.get("rules"), "rules"), "rules", self.rule)) or []
        layers: list[tuple[RuleKey, Layer, str]] = []
        if "layers" in top:
            layers = self.attempt(lambda: self.each(self.items(top["layers"], "layers"), "layers", self.layer)) or []
        if segments is not None and lifecycle is not None:
            self.check_keys([*rules, *layers], segments, lifecycle)
        if not self.problems:
            pairs = [(key, rule) for key, rule, _ in rules]
            policy = self.attempt(
                lambda: self.build(lambda: _layered(name, calendar, segments, pairs, lifecycle, layers), "", "Policy")
            )
        if self.problems:
            raise PolicyFileError(self.problems)
        assert isinstance(policy, Policy)
        return policy

    def attempt(self, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except _Bad:
            return None

    def calendar(self, value: object, path: str) -> Calendar:
        if isinstance(value, str):  # a zone name
            try:
                return Calendar(value)
            except CadenceError as error:
                raise self.fail(path, str(error).removeprefix("Calendar.timezone: ")) from None
        table = self.table(value, path, _CALENDAR, "calendar settings")
        fields = {key: table[key] for key in _CALENDAR[1:] if key in table}
        zone = self.string(table.get("timezone"), _join(path, "timezone"))
        source = fields.get("holidays")
        if isinstance(source, Mapping):
            where = _join(path, "holidays")
            self.table(source, where, _HOLIDAY_SOURCE, "a holiday source (country, years, subdiv)")
            country = self.string(source.get("country"), _join(where, "country"))
            subdiv = None if source.get("subdiv") is None else self.string(source["subdiv"], _join(where, "subdiv"))
            years: Any = source.get("years")  # from_holidays checks it
            if "holiday_years" in fields:
                raise self.fail(
                    _join(path, "holiday_years"),
                    "the holiday source's years are the years covered: give one of the two",
                )
            extra = {key: fields[key] for key in ("workdays", "hours", "hours_zone") if key in fields}
            built = self.build(
                lambda: Calendar.from_holidays(country, years=years, subdiv=subdiv, timezone=zone, **extra),
                path,
                "Calendar",
            )
            if "extra_workdays" not in fields:
                return built
            more = self.build(lambda: Calendar(zone, extra_workdays=fields["extra_workdays"]), path, "Calendar")
            return self.build(
                lambda: attrs.evolve(built, extra_workdays=built.extra_workdays | more.extra_workdays), path, "Calendar"
            )
        return self.build(lambda: Calendar(zone, **fields), path, "Calendar")

    def segment(self, value: object, path: str) -> Segment:
        if isinstance(value, str):  # a bare id: ranked by its place in the list
            rank = int(path[path.rindex("[") + 1 : -1])
            return self.build(lambda: Segment(value, rank=rank), path, "Segment")
        table = self.table(value, path, ("id", "label", "rank"), "segment settings")
        segment_id = self.string(table.get("id"), _join(path, "id"))
        fields = {key: table[key] for key in ("label", "rank") if key in table}
        if "rank" in fields and (not isinstance(fields["rank"], int) or isinstance(fields["rank"], bool)):
            raise self.fail(_join(path, "rank"), f"expected a whole number >= 0 (got {_show(fields['rank'])})")
        return self.build(lambda: Segment(segment_id, **fields), path, "Segment")

    def lifecycle(self, value: object) -> Lifecycle:
        stages = self.each(self.items(value, "stages"), "stages", self.stage)
        if len(stages) != len(value):  # type: ignore[arg-type]
            raise _Bad()
        return self.build(lambda: Lifecycle(stages), "stages", "Lifecycle")

    def stage(self, value: object, path: str) -> Stage:
        if isinstance(value, str):
            return self.build(lambda: Stage(value), path, "Stage")
        table = self.table(value, path, ("id", "label", "terminal"), "stage settings")
        stage_id = self.string(table.get("id"), _join(path, "id"))
        fields = {key: table[key] for key in ("label", "terminal") if key in table}
        if "terminal" in fields and not isinstance(fields["terminal"], bool):
            raise self.fail(_join(path, "terminal"), f"expected true or false (got {_show(fields['terminal'])})")
        return self.build(lambda: Stage(stage_id, **fields), path, "Stage")

    def rule(self, value: object, path: str) -> tuple[RuleKey, Rule, str]:
        table = self.table(value, path, (*_RULE_KEY, *_file_keys(Rule)), "rule settings")
        key = self.key(table, path)
        fields = self.fields(Rule, table, path)
        return key, self.build(lambda: Rule(**fields), path, "Rule"), path

    def layer(self, value: object, path: str) -> tuple[RuleKey, Layer, str]:
        table = self.table(value, path, (*_RULE_KEY, *_file_keys(Rule)), "layer settings")
        key = self.key(table, path)
        fields = self.fields(Rule, table, path, partial=True)
        return key, self.build(lambda: Layer(**fields), path, "Layer"), path

    def key(self, table: Mapping[str, Any], path: str) -> RuleKey:
        """The key of a rule or layer: ``key = "segment/stage"``, or ``segment`` and ``stage`` (each ``*`` if left
        out)."""
        if "key" in table:
            if "segment" in table or "stage" in table:
                raise self.fail(path, 'give either key = "segment/stage" or segment and stage, not both')
            text = self.string(table["key"], _join(path, "key"))
            if text.count("/") != 1 or not all(text.split("/")):
                raise self.fail(
                    _join(path, "key"), f'expected "segment/stage", such as "A/lead" or "*/*" (got {show(text)})'
                )
            key = RuleKey(*text.split("/"))
        else:
            segment = self.string(table.get("segment", ANY), _join(path, "segment"))
            stage = self.string(table.get("stage", ANY), _join(path, "stage"))
            key = RuleKey(segment, stage)
        return key

    def fields(self, kind: type, table: Mapping[str, Any], path: str, partial: bool = False) -> dict[str, Any]:
        """The arguments of ``kind`` from its table, by its field catalogue; every bad field is recorded, then
        reading stops if there was any. ``partial`` (a layer) requires no field, and the fields given need not make
        a whole ``kind``."""
        catalogued = catalogue(kind)
        for field in catalogued:
            if field.one is None:
                continue
            if field.one in table and field.name in table:
                raise self.fail(path, f'give {field.one} = "7d" or {field.name} = ["2d", "5d", "15d"], not both')
            if not partial and field.one not in table and field.name not in table:
                raise self.fail(
                    path, f'give {field.one} = "7d" or {field.name} = ["2d", "5d", "15d"] (exactly one of them)'
                )
        before = len(self.problems)
        out: dict[str, Any] = {}
        for field in catalogued:
            given = [key for key in field.keys if key in table]
            if not given:
                if field.required and not partial:
                    self.fail(_join(path, field.name), "required")
                continue
            with contextlib.suppress(_Bad):
                out[field.name] = self.value(field, table[given[0]], _join(path, given[0]), given[0] == field.one)
        if len(self.problems) > before:
            raise _Bad()
        return out

    def value(self, field: FileField, value: object, path: str, single: bool) -> Any:
        """One field's value, checked for its kind (its meaning is checked by the constructor)."""
        if field.kind == "duration":
            return self.duration(value, path)
        if field.kind == "durations":
            if single:
                return [self.duration(value, path)]
            return [self.duration(item, f"{path}[{i}]") for i, item in enumerate(self.items(value, path))]
        if field.kind == "names":
            items = self.items(value, path)
            if not all(isinstance(item, str) for item in items):
                raise self.fail(path, f"expected a list of names (got {_show(items)})")
            return items
        if field.kind == "record":
            return self.record(field, value, path)
        if field.kind == "records":
            before = len(self.problems)
            items = self.each(self.items(value, path), path, lambda item, at: self.record(field, item, at))
            if len(self.problems) > before:
                raise _Bad()
            return items
        if field.kind != "choice" and isinstance(value, (list, dict)):  # a choice's converter names the choices
            raise self.fail(path, f"expected a number or a string (got {_show(value)})")
        return value

    def record(self, field: FileField, value: object, path: str) -> Any:
        """One of the rulebook's records (a cap, a ladder level, a touchpoint, which contacts count, ...)."""
        kind = field.of
        keys = _file_keys(kind)
        what = f"{field.name} settings" if field.what is None else f"{field.what} ({', '.join(keys)})"
        arguments = self.fields(kind, self.table(value, path, keys, what), path)
        return self.build(lambda: kind(**arguments), path, kind.__name__)

    def check_keys(
        self, rules: list[tuple[RuleKey, Rule | Layer, str]], segments: list[Segment], lifecycle: Lifecycle
    ) -> None:
        """Unknown segments and stages, terminal stages and keys given twice (among the rules and layers), each with
        the path of the rule or layer."""
        segment_ids = [segment.id for segment in segments]
        seen: dict[RuleKey, str] = {}
        for key, _, path in rules:
            if key.segment != ANY and key.segment not in segment_ids:
                self.fail(path, unknown("segment", key.segment, segment_ids))
            if key.stage != ANY and key.stage not in lifecycle:
                self.fail(path, unknown("stage", key.stage, lifecycle.ids))
            elif key.stage != ANY and lifecycle[key.stage].terminal:
                self.fail(path, f'stage "{key.stage}" is terminal and expects no follow-up')
            if key in seen:
                self.fail(path, f"the key {key} is already used by {seen[key]}")
            seen.setdefault(key, path)


def _layered(
    name: Any, calendar: Any, segments: Any, rules: Any, lifecycle: Any, layers: list[tuple[RuleKey, Layer, str]]
) -> Policy:
    """The policy, with an error about a layer (``Policy.layers[A/lead]``, the rule it makes is inconsistent) moved
    to the layer's place in the document (``layers[2]``)."""
    try:
        return Policy(name, calendar, segments, rules, lifecycle, [(key, layer) for key, layer, _ in layers])
    except PolicyError as error:
        paths = {f"Policy.layers[{key}]": path for key, _, path in layers}
        if error.field not in paths:
            raise
        message = str(error).removeprefix(f"{error.field}: ")
        raise PolicyError(message, field=f"Policy.{paths[error.field]}", value=error.value) from None


def _field_named(message: str, owner: str) -> str | None:
    """The field at the start of the message of an error raised without ``field`` (``Segment.id must ...``)."""
    match = re.match(rf"{owner}\.\w+(?:\[\w+\])?(?=:? )", message)
    return None if match is None else match.group()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: object) -> str:
    return show(value, 60)


def from_dict(data: Mapping[str, Any], *, calendar: Calendar | str | None = None) -> Policy:
    """The `Policy` a plain dict describes (as `to_dict` writes it, or as parsed from TOML or JSON).

    ``calendar`` is used when the document has none (presets ship without one), and replaces the document's if
    given. Raises `PolicyFileError` listing every problem.
    """
    try:
        return _Reader().policy(data, calendar)
    except RecursionError:
        raise PolicyFileError([Problem("", "the document is nested too deeply")]) from None


def loads(text: str, *, format: str = "toml", calendar: Calendar | str | None = None) -> Policy:
    """Load a policy from TOML (the default) or JSON text; see `from_dict`."""
    data = _parse(text, format)
    try:
        return from_dict(data, calendar=calendar)
    except PolicyFileError as error:
        if format != "toml":
            raise
        located = [_locate(problem, text) for problem in error.problems]
        located.sort(key=lambda problem: problem.line if problem.line is not None else len(text))
        raise PolicyFileError(located) from None


def load(path: str | Path, *, calendar: Calendar | str | None = None) -> Policy:
    """Load a policy file: ``.toml`` or ``.json`` by its suffix. Errors name the file."""
    path = Path(path)
    format = _format_of(path)
    try:
        with path.open("rb") as stream:  # at most one byte past the limit: never the whole of a huge file
            data = stream.read(_MAX_TEXT * 4 + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: cannot read the policy file ({error})") from None
    if len(data) > _MAX_TEXT * 4:
        raise PolicyFileError([Problem("", f"the document is longer than {_MAX_TEXT:,} characters")], str(path))
    try:
        return loads(text, format=format, calendar=calendar)
    except PolicyFileError as error:
        raise PolicyFileError(error.problems, source=str(path)) from None


def to_dict(policy: Policy, *, calendar: bool = True) -> dict[str, Any]:
    """A plain dict of ``policy`` in the current format (``calendar=False`` leaves the calendar out)."""
    out: dict[str, Any] = {"version": FORMAT_VERSION, "name": policy.name}
    if calendar:
        out["calendar"] = _calendar_dict(policy.calendar)
    out["segments"] = [_segment_dict(segment) for segment in policy.segments]
    if policy.lifecycle != DEFAULT_LIFECYCLE:
        out["stages"] = [_stage_dict(stage) for stage in policy.lifecycle]
    out["rules"] = [{"key": str(key), **_record_dict(rule)} for key, rule in policy.rules]
    if policy.layers:
        out["layers"] = [{"key": str(key), **_layer_dict(layer)} for key, layer in policy.layers]
    return out


def dumps(policy: Policy, *, format: str = "toml", calendar: bool = True) -> str:
    """``policy`` as TOML (the default) or JSON text, which `loads` reads back to an equal policy."""
    data = to_dict(policy, calendar=calendar)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format != "toml":
        raise PolicyError(f'format must be "toml" or "json" (got {show(format)})')
    import tomli_w

    return tomli_w.dumps(data)


def dump(policy: Policy, path: str | Path) -> None:
    """Write ``policy`` to a ``.toml`` or ``.json`` file, by its suffix."""
    path = Path(path)
    path.write_text(dumps(policy, format=_format_of(path)), encoding="utf-8")


# --- reading text


def _format_of(path: Path) -> str:
    formats = {".toml": "toml", ".json": "json"}
    if path.suffix.lower() not in formats:
        raise PolicyError(f"{path}: a policy file must end in .toml or .json")
    return formats[path.suffix.lower()]


def _parse(text: object, format: str) -> Any:
    if format not in ("toml", "json"):
        raise PolicyError(f'format must be "toml" or "json" (got {show(format)})')
    if not isinstance(text, str):
        raise PolicyFileError([Problem("", f"expected {format.upper()} text (got {type(text).__name__})")])
    if len(text) > _MAX_TEXT:
        raise PolicyFileError([Problem("", f"the document is longer than {_MAX_TEXT:,} characters")])
    try:
        if format == "json":
            return json.loads(text)
        return tomllib.loads(text)
    except RecursionError:
        raise PolicyFileError([Problem("", "the document is nested too deeply")]) from None
    except json.JSONDecodeError as error:
        raise PolicyFileError([Problem("", f"not valid JSON: {error.msg}", error.lineno)]) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r" \(at line (\d+), column \d+\)$", message)
        line = int(found.group(1)) if found else None
        reason = message[: found.start()] if found else message
        raise PolicyFileError([Problem("", f"not valid TOML: {reason}", line)]) from None
    except ValueError as error:  # e.g. a number too large for int() in JSON
        raise PolicyFileError([Problem("", f"not valid {format.upper()}: {error}")]) from None


_PATH = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


def _locate(problem: Problem, text: str) -> Problem:
    """Add the TOML line of a problem where the text shows it: the key's line inside its table (``[[rules]]``
    number i, or ``[calendar]``), else the table's header, else the top-level key's line."""
    match = _PATH.match(problem.path)
    if problem.line is not None or match is None:
        return problem
    name, index, key = match.groups()
    if index is not None:
        headers = list(re.finditer(rf"^[ \t]*\[\[[ \t]*{name}[ \t]*\]\]", text, re.MULTILINE))
        table = headers[int(index)] if int(index) < len(headers) else None
    else:
        table = re.search(rf"^[ \t]*\[[ \t]*{name}[ \t]*\]", text, re.MULTILINE)
    if table is None:  # a top-level key, or an inline table: the line of the key itself
        found = re.search(rf"^[ \t]*{name}[ \t]*=", text, re.MULTILINE)
        at = found.start() if found else None
    else:
        following = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, table.end())
        end = following.start() if following else len(text)
        found = re.compile(rf"^[ \t]*{key}[ \t]*=", re.MULTILINE).search(text, table.end(), end) if key else None
        at = found.start() if found else table.start()
    return problem if at is None else Problem(problem.path, problem.message, text.count("\n", 0, at) + 1)


# --- writing


def _calendar_dict(calendar: Calendar) -> str | dict[str, Any]:
    if calendar == Calendar(calendar.timezone):
        return calendar.timezone
    out: dict[str, Any] = {"timezone": calendar.timezone}
    if calendar.workdays != Calendar(calendar.timezone).workdays:
        out["workdays"] = [str(day) for day in calendar.workdays]
    if calendar.hours is not None:
        if len(set(calendar.hours)) == 1:
            out["hours"] = _span_text(calendar.hours[0])
        else:
            out["hours"] = {str(Weekday(i)): _span_text(day) for i, day in enumerate(calendar.hours) if day}
    for name in ("holidays", "extra_workdays"):
        dates: frozenset[date] = getattr(calendar, name)
        if dates:
            out[name] = [day.isoformat() for day in sorted(dates)]
    if calendar.hours_zone is not None:
        out["hours_zone"] = calendar.hours_zone
    if calendar.holiday_years is not None:
        out["holiday_years"] = sorted(calendar.holiday_years)
    return out


def _segment_dict(segment: Segment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": segment.id}
    if segment.label != segment.id:
        out["label"] = segment.label
    out["rank"] = segment.rank
    return out


def _stage_dict(stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {"id": stage.id}
    if stage.label != Stage(stage.id).label:
        out["label"] = stage.label
    if stage.terminal:
        out["terminal"] = True
    return out


def _layer_dict(layer: Layer) -> dict[str, Any]:
    """A layer as a table: every field it sets, defaults included (a layer that sets a default changes a rule)."""
    fields = {field.name: field for field in catalogue(Rule)}
    out: dict[str, Any] = {}
    for name, value in layer.settings:
        field = fields[name]
        if field.one is not None and len(value) == 1:
            out[field.one] = value[0].short()
        else:
            out[name] = _written(field, value)
    return out


def _record_dict(record: object) -> dict[str, Any]:
    """A catalogued value as a table: every field that is set and not its default."""
    out: dict[str, Any] = {}
    for field in catalogue(type(record)):
        value = getattr(record, field.name)
        if field.one is not None and len(value) == 1:
            out[field.one] = value[0].short()
        elif value is not None and (field.required or value != field.default):
            out[field.name] = _written(field, value)
    return out


def _written(field: FileField, value: Any) -> Any:
    """One field's value as a file holds it."""
    if field.kind == "duration":
        return value.short()
    if field.kind == "durations":
        return [item.short() for item in value]
    if field.kind == "names":
        return [member.value for member in field.of if member in value]  # in the enum's order
    if field.kind == "choice":
        return value.value
    if field.kind == "record":
        return _record_dict(value)
    if field.kind == "records":
        return [_record_dict(item) for item in value]
    return value


def _file_keys(kind: type) -> tuple[str, ...]:
    """The keys a table of the catalogued class ``kind`` may hold, in order."""
    return tuple(key for field in catalogue(kind) for key in field.keys)
