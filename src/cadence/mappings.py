"""Import mappings: read a CRM's own export (its column names, local wall times, its words) as cadence's files.

A `Mapping` says which column of the export holds each field of customers.csv and contacts.csv (see
`cadence.csv_files`), how its timestamps are written (``strptime`` formats), in which zone wall times without a
UTC offset are read (never guessed: a mapping whose formats have no offset must name one), what to do with a wall
time that a daylight-saving change repeats or skips, and which of the export's words mean which channel, direction,
outcome, segment or stage. It is a small TOML file (``version = 1``, with a JSON Schema: `json_schema`), or built
in Python:

>>> mapping = Mapping(timezone="Asia/Shanghai", timestamp_formats=("%Y/%m/%d %H:%M",),
...                   contacts={"customer_id": "客户编号", "at": "跟进时间", "channel": "跟进方式"},
...                   vocabulary={"channel": {"电话": "call", "微信": "message"}})
>>> row = mapping.contact_row({"客户编号": "1001", "跟进时间": "2026/03/02 16:30", "跟进方式": "电话"})
>>> row["at"].isoformat(), row["channel"]
('2026-03-02T16:30:00+08:00', 'call')

`read_customers` and `read_contacts` read files through a mapping (CSV in any encoding the CSV readers know, or
.xlsx with the ``xlsx`` extra) and report every bad row with its file, line and the export's own column name;
`load` and `loads` read mapping files, `presets` lists the built-in ones. The command line takes ``--mapping``, and
``cadence inspect FILE`` proposes a mapping for an export it has not seen.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import itertools
import json
import re
import sys
import zoneinfo
from collections.abc import Iterable, Iterator
from collections.abc import Mapping as MappingType
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

from cadence import csv_files
from cadence._errors import CadenceError, InputError, PolicyError, show
from cadence._model import Channel, Direction, Outcome
from cadence._time import get_zone

__all__ = [
    "CONTACT_FIELDS",
    "CUSTOMER_FIELDS",
    "VOCABULARIES",
    "Mapping",
    "MappingError",
    "WallTimeError",
    "from_dict",
    "json_schema",
    "load",
    "loads",
    "presets",
    "propose",
    "read_contacts",
    "read_customers",
]

FORMAT_VERSION = 1

CUSTOMER_FIELDS = ("id", "segment", "stage", "stage_entered_at", "created_at", "timezone", "owner", "do_not_contact",
                   "do_not_contact_until", "claimed_at")  # fmt: skip
"""The fields of customers.csv a mapping may name a column for (see `cadence.csv_files`)."""
CONTACT_FIELDS = ("customer_id", "at", "channel", "direction", "outcome", "by", "until")
"""The fields of contacts.csv a mapping may name a column for."""
VOCABULARIES = ("channel", "direction", "outcome", "segment", "stage")
"""The fields whose words a mapping may translate."""

_INSTANTS = frozenset({"stage_entered_at", "created_at", "do_not_contact_until", "claimed_at", "at"})
_ENUMS = {"channel": Channel, "direction": Direction, "outcome": Outcome}
_AMBIGUOUS = ("raise", "earlier", "later")
_NONEXISTENT = ("raise", "later")


class MappingError(PolicyError):
    """A mapping that cannot be used: an unknown field, a zone that does not exist, a missing zone for wall times,
    a word mapped to a value that is not a channel ... (the message names the key)."""


class WallTimeError(InputError):
    """A wall time without a UTC offset that the mapping's zone repeats or skips, and the mapping says to raise."""


def _fields(value: object, names: tuple[str, ...], table: str) -> MappingType[str, str]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, MappingType):
        raise MappingError(f"Mapping.{table} must be a table of field = column (got {show(value)})")
    for field, column in value.items():
        if field not in names:
            choices = ", ".join(names)
            raise MappingError(f"Mapping.{table}: {show(field)} is not a field of {table} (choose from {choices})")
        if not isinstance(column, str) or not column:
            raise MappingError(f"Mapping.{table}.{field} must be a column name (got {show(column)})")
    return MappingProxyType(dict(value))


def _customer_columns(value: object) -> MappingType[str, str]:
    return _fields(value, CUSTOMER_FIELDS, "customers")


def _contact_columns(value: object) -> MappingType[str, str]:
    return _fields(value, CONTACT_FIELDS, "contacts")


def _vocabulary(value: object) -> MappingType[str, MappingType[str, str]]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, MappingType):
        raise MappingError(f"Mapping.vocabulary must be a table of field = {{word = value}} (got {show(value)})")
    out: dict[str, MappingType[str, str]] = {}
    for field, words in value.items():
        if field not in VOCABULARIES:
            choices = ", ".join(VOCABULARIES)
            raise MappingError(f"Mapping.vocabulary: {show(field)} has no words to map (choose from {choices})")
        if not isinstance(words, MappingType):
            raise MappingError(f"Mapping.vocabulary.{field} must be a table of word = value (got {show(words)})")
        kind = _ENUMS.get(field)
        for word, meant in words.items():
            if not isinstance(meant, str) or not meant:
                raise MappingError(f"Mapping.vocabulary.{field}.{word}: the value must be text (got {show(meant)})")
            if kind is not None and meant not in kind._value2member_map_:
                choices = ", ".join(member.value for member in kind)
                raise MappingError(
                    f"Mapping.vocabulary.{field}: {show(word)} = {show(meant)} is not a {field} (choose from {choices})"
                )
        folded: dict[str, str] = {}
        for word, meant in words.items():
            key = _word(word)
            if key in folded and folded[key] != meant:
                raise MappingError(
                    f"Mapping.vocabulary.{field}: {show(word)} differs from another word only in case or spaces, "
                    "and means something else (words are compared without them)"
                )
            folded[key] = meant
        out[field] = MappingProxyType(dict(words))
    return MappingProxyType(out)


def _word(text: str) -> str:
    """A word as compared: without spaces around it, and case-folded (Chinese words are unchanged by it)."""
    return text.strip().casefold()


_STRPTIME = frozenset("aAwdbBmyYHIpMSfzjUWcxX%")


def _formats(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
        raise MappingError(f"Mapping.timestamp_formats must be a list of strptime formats (got {show(value)})")
    for form in value:
        directives = re.findall(r"%(.)", form)
        unknown = [d for d in directives if d not in _STRPTIME]
        if unknown or "Z" in directives:
            raise MappingError(
                f"Mapping.timestamp_formats: {show(form)} has %{(unknown or ['Z'])[0]}, which cadence does not read "
                "(for an offset use %z; a zone name is not an offset)"
            )
        if not {"Y", "y", "c"} & set(directives):
            raise MappingError(f"Mapping.timestamp_formats: {show(form)} has no year (%Y)")
    return tuple(value)


def _choice(name: str, choices: tuple[str, ...]) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if value not in choices:
            raise MappingError(f"Mapping.{name} must be one of {', '.join(choices)} (got {show(value)})")

    return check


@attrs.frozen(hash=False)
class Mapping:
    """How to read one CRM's export as cadence's customers and contacts files.

    ``customers`` and ``contacts`` map a field (`CUSTOMER_FIELDS`, `CONTACT_FIELDS`) to the export's column; a
    field not named keeps its own name as the column. ``timestamp_formats`` are ``strptime`` formats tried in
    order (none: ISO 8601); a value they read without a UTC offset is a wall time in ``timezone``, which must then
    be given. ``ambiguous`` says what a wall time that a change of offset repeats means (``raise``: a bad row;
    ``earlier`` or ``later``: that instant), ``nonexistent`` what a skipped one means (``raise``, or ``later``:
    the first instant after the gap). ``vocabulary`` maps, per field (`VOCABULARIES`), the export's words to
    cadence's values; words compare without case and surrounding spaces, and a word that is already cadence's
    value is taken as it is. ``encoding`` is the files' text encoding (none: UTF-8, or UTF-16 by its byte-order
    mark).
    """

    name: str = "custom"
    timezone: str | None = None
    timestamp_formats: tuple[str, ...] = attrs.field(default=(), converter=_formats)
    ambiguous: str = attrs.field(default="raise", validator=_choice("ambiguous", _AMBIGUOUS))
    nonexistent: str = attrs.field(default="raise", validator=_choice("nonexistent", _NONEXISTENT))
    encoding: str | None = None
    customers: MappingType[str, str] = attrs.field(default=None, converter=_customer_columns)
    contacts: MappingType[str, str] = attrs.field(default=None, converter=_contact_columns)
    vocabulary: MappingType[str, MappingType[str, str]] = attrs.field(default=None, converter=_vocabulary)
    _tz: Any = attrs.field(init=False, repr=False, eq=False)
    _parsers: Any = attrs.field(init=False, repr=False, eq=False)
    _memo: Any = attrs.field(init=False, repr=False, eq=False)  # caches: words read, clean hours of the zone
    _folded: Any = attrs.field(init=False, repr=False, eq=False)  # the vocabulary as compared: words folded
    _plans: Any = attrs.field(init=False, repr=False, eq=False)  # how to read a customers row, a contacts row
    _day_time: Any = attrs.field(init=False, repr=False, eq=False)  # the first format's fast reader, if any

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise MappingError(f"Mapping.name must be a non-empty string (got {show(self.name)})")
        tz = None
        if self.timezone is not None:
            get_zone(self.timezone, "Mapping.timezone", MappingError)
            tz = zoneinfo.ZoneInfo(self.timezone)
        object.__setattr__(self, "_tz", tz)
        object.__setattr__(self, "_parsers", tuple(_parser(form) for form in self.timestamp_formats))
        fast = None
        if self.timestamp_formats and tz is not None:
            fast = _day_time_reader(self.timestamp_formats[0], tz)
        object.__setattr__(self, "_day_time", fast)
        object.__setattr__(self, "_memo", {})
        folded = {
            field: {_word(word): meant for word, meant in words.items()} for field, words in self.vocabulary.items()
        }
        object.__setattr__(self, "_folded", folded)
        plans = (self._plan(self.customers, CUSTOMER_FIELDS), self._plan(self.contacts, CONTACT_FIELDS))
        object.__setattr__(self, "_plans", plans)
        if self.encoding is not None and not isinstance(self.encoding, str):
            raise MappingError(f"Mapping.encoding must be the name of an encoding (got {show(self.encoding)})")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise MappingError(f"Mapping.encoding: unknown encoding {show(self.encoding)}") from None

    # --- rows

    def customer_row(self, raw: MappingType[str, Any]) -> dict[str, Any]:
        """A row of the export's customers file as a row of customers.csv: text, with instants as aware
        datetimes. A bad cell raises a `CadenceError` naming its field (see `column`)."""
        return self._row(raw, self._plans[0])

    def contact_row(self, raw: MappingType[str, Any]) -> dict[str, Any]:
        """A row of the export's contacts file as a row of contacts.csv (see `customer_row`)."""
        return self._row(raw, self._plans[1])

    def column(self, table: str, field: str) -> str:
        """The export's column of a field of ``table`` ("customers" or "contacts")."""
        named = self.customers if table == "customers" else self.contacts
        return named.get(field, field)

    def _plan(self, named: MappingType[str, str], fields: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
        """Per field of a table: its column in the export, and how to read it (0: an instant; 1: a date or an
        instant; 2: a word; 3: text)."""
        kinds = []
        for field in fields:
            if field in _INSTANTS:
                kind = 0
            elif field == "until":
                kind = 1
            else:
                kind = 2 if field in self.vocabulary or field in _ENUMS or field in ("segment", "stage") else 3
            kinds.append((field, named.get(field, field), kind))
        return tuple(kinds)

    def _row(self, raw: MappingType[str, Any], plan: tuple[tuple[str, str, int], ...]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        memo = self._memo
        for field, column, kind in plan:
            value = raw.get(column)
            if type(value) is str:
                value = value.strip()
                if not value:  # empty, or spaces
                    continue
            elif value is None:
                continue
            if kind == 0:
                row[field] = self.instant(value, field)
                continue
            if kind == 1:  # a date, or an instant
                day = self.date(value, field)
                row[field] = day if day is not None else self.instant(value, field)
                continue
            if type(value) is not str:
                value = _text(value)
            if kind == 2:
                known = memo.get((field, value))
                row[field] = self.word(field, value) if known is None else known
            else:
                row[field] = value
        return row

    def word(self, field: str, text: str) -> str:
        """The cadence value the export's word means for ``field``; an unknown word raises an `InputError` with a
        "did you mean" from the mapping's words."""
        memo = self._memo
        found = memo.get((field, text))
        if found is None:
            found = memo[field, text] = self._word(field, text)
        return found  # type: ignore[no-any-return]

    def _word(self, field: str, text: str) -> str:
        words: dict[str, str] = self._folded.get(field, {})
        key = _word(text)
        found = words.get(key)
        if found is not None:
            return found
        kind = _ENUMS.get(field)
        if kind is None:  # a segment or stage id: the policy knows them, and says so when one is unknown
            return text.strip()
        if key in kind._value2member_map_ or not words:
            return key  # cadence's own word (or no vocabulary): the contact reader says when it is none
        spelled = {_word(word): word for word in self.vocabulary.get(field, ())}
        known = [*words, *kind._value2member_map_]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        shown = spelled.get(close[0], close[0]) if close else ""
        hint = f" (did you mean {show(shown)}?)" if close else f" (the mapping knows: {', '.join(sorted(words))})"
        raise InputError(f"unknown {field} {show(text.strip())}{hint}", field=f"Mapping.{field}", value=text)

    def instant(self, value: Any, field: str = "at") -> datetime:
        """An aware datetime from a cell: an aware datetime as it is, a naive one (an Excel date) as a wall time,
        text in the first of ``timestamp_formats`` that reads it (else ISO 8601)."""
        if type(value) is not str:
            if isinstance(value, datetime):
                return value if value.tzinfo is not None else self._wall(value, field)
            if isinstance(value, dt.date):
                return self.day_start(value, field)
            value = _text(value)
        text = value.strip()
        fast = self._day_time
        if fast is not None:
            found = fast(text)
            if found is not None:
                return found  # type: ignore[no-any-return]
        parsed: datetime | None = None
        for read in self._parsers:
            fields = read(text)
            if isinstance(fields, datetime):
                parsed = fields
                break
            if fields is None:
                continue
            year, month, day, hour, minute, second, timed = fields
            try:
                if not timed:  # a date: the start of that day
                    return self.day_start(dt.date(year, month, day))
                tz = self._tz
                if tz is not None and self._memo.get(fields[:4]):  # a wall time in an hour without a change
                    return datetime(year, month, day, hour, minute, second, tzinfo=tz)
                parsed = datetime(year, month, day, hour, minute, second)
                break
            except ValueError:
                continue  # not a date in this format (30 February): perhaps in the next
        if parsed is None:
            try:
                parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
            except ValueError:
                forms = " or ".join(show(form) for form in self.timestamp_formats) or "ISO 8601"
                raise InputError(f"{show(text)} is not a timestamp in {forms}", field=field, value=text) from None
        return parsed if parsed.tzinfo is not None else self._wall(parsed, field)

    def day_start(self, day: dt.date, field: str = "at") -> datetime:
        """The first instant of a local date in the mapping's zone (after a skipped midnight, the first that
        exists), as cadence counts day starts."""
        if self._tz is None:
            raise InputError(
                f"{day.isoformat()} is a date, and the mapping names no timezone to find its start in",
                field=field,
                value=day,
            )
        return get_zone(self.timezone, "Mapping.timezone", MappingError).to_datetime(
            get_zone(self.timezone, "Mapping.timezone", MappingError).day_start(day.toordinal())
        )

    def date(self, value: Any, field: str = "until") -> dt.date | None:
        """The date a cell holds, when it holds a date and no time (a date cell, ISO ``2026-04-15``, or text in
        a format without a time); else None."""
        if isinstance(value, datetime):
            return None
        if isinstance(value, dt.date):
            return value
        text = (value if type(value) is str else _text(value)).strip()
        if _is_date(text):
            return dt.date.fromisoformat(text)
        for read in self._parsers:
            fields = read(text)
            if isinstance(fields, tuple) and not fields[6]:
                try:
                    return dt.date(*fields[:3])
                except ValueError:
                    continue
        return None

    def _wall(self, wall: datetime, field: str) -> datetime:
        """A wall time in the mapping's zone, as an aware datetime; repeated and skipped ones as the mapping says."""
        tz = self._tz
        if tz is None:
            raise InputError(
                f"{wall.isoformat(sep=' ')} has no UTC offset, and the mapping names no timezone to read it in "
                '(set timezone, such as "Europe/Berlin"; wall times are never read as UTC by default)',
                field=field,
                value=wall,
            )
        hour = (wall.year, wall.month, wall.day, wall.hour)
        clean = self._memo.get(hour)
        if clean is None:  # no change of offset in this hour of wall time: every wall time in it is one instant
            start, end = wall.replace(minute=0, second=0, microsecond=0), wall.replace(minute=59, second=59)
            offsets = {moment.replace(tzinfo=tz, fold=fold).utcoffset() for moment in (start, end) for fold in (0, 1)}
            clean = self._memo[hour] = len(offsets) == 1
        if clean:
            return wall.replace(tzinfo=tz)
        first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first
        back = first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
        skipped = back != wall
        if skipped:  # in a gap: fold=0 reads it with the offset before, fold=1 with the offset after
            if self.nonexistent == "raise":
                raise WallTimeError(
                    f"{wall.isoformat(sep=' ')} does not exist in {self.timezone} (the clocks skip it); set "
                    'nonexistent = "later" to read it as the first instant after the gap',
                    field=field,
                    value=wall,
                )
            after = min(first, second, key=lambda value: value.astimezone(timezone.utc))
            start = after.astimezone(timezone.utc)
            # the first instant after the gap: where the skipped wall times end
            return _gap_end(start, tz)
        if self.ambiguous == "raise":
            raise WallTimeError(
                f"{wall.isoformat(sep=' ')} happens twice in {self.timezone} (the clocks go back); set ambiguous = "
                '"earlier" or "later" to choose',
                field=field,
                value=wall,
            )
        return first if self.ambiguous == "earlier" else second


_DIRECTIVES = {
    "%Y": r"(\d{4})",
    "%m": r"(\d{1,2})",
    "%d": r"(\d{1,2})",
    "%H": r"(\d{1,2})",
    "%I": r"(\d{1,2})",
    "%M": r"(\d{1,2})",
    "%S": r"(\d{1,2})",
    "%p": r"([AaPp][Mm])",
}


_DATE_PART, _TIME_PART = frozenset({"%Y", "%m", "%d"}), frozenset({"%H", "%I", "%M", "%S", "%p"})


def _parser(form: str) -> Any:
    """A reader of text in the strptime format ``form``: ``(year, month, day, hour, minute, second, timed)`` (a
    datetime for a format strptime reads), or None when the text is not in it. Formats of only the numeric
    directives (and %p) are read by one regular expression, several times faster than strptime, which reads the
    others."""
    return _regex_parser(form) or _strptime_parser(form)


def _day_time_reader(form: str, tz: zoneinfo.ZoneInfo) -> Any:
    """For a "date time" format (``%Y/%m/%d %H:%M`` ...) and a zone: a reader of text to an aware datetime that
    reads each distinct date and time of day once (an export has few of each, and many rows), for the days whose
    offset does not change; None for what it leaves to `Mapping.instant` (other days, bad text), or when the
    format is not of that shape."""
    head, space, tail = form.partition(" ")
    heads, tails = set(re.findall("%.", head)), set(re.findall("%.", tail))
    if not (space and heads and tails and heads <= _DATE_PART and tails <= _TIME_PART and "%Y" in heads):
        return None
    read_date, read_time = _regex_parser(head), _regex_parser("%Y " + tail)
    if read_date is None or read_time is None:
        return None
    dates: dict[str, tuple[int, int, int] | None] = {}
    times: dict[str, tuple[int, int, int] | None] = {}

    def day_of(text: str) -> tuple[int, int, int] | None:
        found = read_date(text)
        if found is None:
            return None
        try:
            start = datetime(found[0], found[1], found[2])
        except ValueError:
            return None
        end = start.replace(hour=23, minute=59, second=59)
        offsets = {moment.replace(tzinfo=tz, fold=fold).utcoffset() for moment in (start, end) for fold in (0, 1)}
        return found[:3] if len(offsets) == 1 else None  # a day with a change of offset: `instant` reads it

    def time_of(text: str) -> tuple[int, int, int] | None:
        found = read_time("2000 " + text)
        if found is None or found[3] > 23 or found[4] > 59 or found[5] > 59:
            return None
        return found[3], found[4], found[5]

    def remembered(cache: dict[str, Any], text: str, work: Any) -> Any:
        if text not in cache:
            if len(cache) > 100_000:  # not the distinct values of an export: keep the memory bounded
                cache.clear()
            cache[text] = work(text)
        return cache[text]

    def read(text: str) -> datetime | None:
        day_text, _, time_text = text.partition(" ")
        day = remembered(dates, day_text, day_of)
        clock = None if day is None else remembered(times, time_text, time_of)
        if day is None or clock is None:
            return None
        return datetime(day[0], day[1], day[2], clock[0], clock[1], clock[2], tzinfo=tz)

    return read


def _strptime_parser(form: str) -> Any:
    def slow(text: str) -> datetime | None:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            return None

    return slow


def _regex_parser(form: str) -> Any:
    """A reader of ``form`` by one regular expression, or None when ``form`` has directives it cannot read."""
    parts = re.split(r"(%.)", form)
    directives = [part for part in parts if part.startswith("%")]
    if all(part in _DIRECTIVES or "%" not in part for part in parts) and len(set(directives)) == len(directives):
        pattern = re.compile("".join(_DIRECTIVES.get(part) or re.escape(part) for part in parts) + r"\Z").match
        at = {directive: index for index, directive in enumerate(directives)}
        year, month, day, minute, second = (at.get(name, -1) for name in ("%Y", "%m", "%d", "%M", "%S"))
        hour, twelve, noon = at.get("%H", -1), at.get("%I", -1), at.get("%p", -1)
        timed = hour >= 0 or twelve >= 0  # a format without hours reads dates

        def fast(text: str) -> tuple[Any, ...] | None:
            found = pattern(text)
            if found is None:
                return None
            got = found.groups()
            if twelve >= 0:
                clock = int(got[twelve])
                if not 1 <= clock <= 12:
                    return None
                hours = clock % 12 + (12 if noon >= 0 and got[noon].upper() == "PM" else 0)
            else:
                hours = int(got[hour]) if hour >= 0 else 0
            return (
                int(got[year]),
                int(got[month]) if month >= 0 else 1,
                int(got[day]) if day >= 0 else 1,
                hours,
                int(got[minute]) if minute >= 0 else 0,
                int(got[second]) if second >= 0 else 0,
                timed,
            )

        return fast
    return None


def _gap_end(start: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The first instant at or after ``start`` whose wall time exists after the gap: the change of offset."""
    offset = start.astimezone(tz).utcoffset()
    low, high = start, start + dt.timedelta(hours=48)  # a whole skipped day (Pacific/Apia, 2011) included
    while high - low > dt.timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.astimezone(tz)


def _is_date(value: Any) -> bool:
    return (isinstance(value, dt.date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value) is not None
    )


def _text(value: Any) -> str:
    """A cell as text: an integral float (how a spreadsheet holds ids) without its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


# --- files


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a mapping file as a dict, for editors and settings screens."""
    words: dict[str, Any] = {
        field: {
            "type": "object",
            "additionalProperties": (
                {"enum": [member.value for member in _ENUMS[field]]} if field in _ENUMS else {"type": "string"}
            ),
        }
        for field in VOCABULARIES
    }
    text = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cadence import mapping",
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "name": text,
            "timezone": {**text, "description": "IANA zone of wall times without a UTC offset"},
            "timestamp_formats": {"type": "array", "items": text, "description": "strptime formats, tried in order"},
            "ambiguous": {"enum": list(_AMBIGUOUS)},
            "nonexistent": {"enum": list(_NONEXISTENT)},
            "encoding": text,
            "customers": {"type": "object", "additionalProperties": False,
                          "properties": dict.fromkeys(CUSTOMER_FIELDS, text)},
            "contacts": {"type": "object", "additionalProperties": False,
                         "properties": dict.fromkeys(CONTACT_FIELDS, text)},
            "vocabulary": {"type": "object", "additionalProperties": False, "properties": words},
        },
    }  # fmt: skip


def loads(text: str) -> Mapping:
    """A `Mapping` from the text of a mapping file (TOML)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"not valid TOML: {error}") from None
    return from_dict(data)


def from_dict(data: MappingType[str, Any]) -> Mapping:
    """A `Mapping` from a plain dict, as parsed from a mapping file."""
    if not isinstance(data, MappingType):
        raise MappingError(f"a mapping must be a table (got {show(data)})")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise MappingError(f"version must be {FORMAT_VERSION} (got {show(version)})")
    known = {field.name.lstrip("_") for field in attrs.fields(Mapping) if field.init}
    unknown = sorted(set(data) - known - {"version"})
    if unknown:
        raise MappingError(f"unknown key {show(unknown[0])} (a mapping has: {', '.join(sorted(known))})")
    return Mapping(**{key: value for key, value in data.items() if key != "version"})


def load(path: str | Path) -> Mapping:
    """A `Mapping` from a mapping file (``.toml``), or a built-in one by name (see `presets`)."""
    path = Path(path)
    if path.suffix.lower() != ".toml":
        builtin = _PRESETS / f"{path}.toml"
        if not builtin.is_file():
            raise MappingError(
                f"{path}: a mapping file must end in .toml, or name a built-in one ({', '.join(presets())})"
            )
        path = builtin
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: cannot read the mapping file ({error})") from None
    try:
        return loads(text)
    except CadenceError as error:
        raise MappingError(f"{path}: {error}") from None


_PRESETS = Path(__file__).parent / "mapping_files"


def presets() -> list[str]:
    """The names of the built-in mappings, for the exports users meet most (see docs/your-export.md)."""
    return sorted(path.stem for path in _PRESETS.glob("*.toml"))


# --- reading files through a mapping


class _Source:
    """An export's file read through a mapping: its rows in the columns of cadence's files (see
    `csv_files.read_customers`, which reads them as it reads its own); bad cells go to the errors with the file,
    line and the export's own column."""

    def __init__(self, path: str, mapping: Mapping, table: str, required: tuple[str, ...], encoding: str | None):
        self.path, self.mapping, self.table, self.required = path, mapping, table, required
        self.encoding = encoding  # given on the command line: it wins over a byte-order mark and the mapping's

    def mapped_rows(self, errors: list[csv_files.RowError]) -> Iterator[tuple[int, dict[str, Any]]]:
        mapping, table = self.mapping, self.table
        translate = mapping.customer_row if table == "customers" else mapping.contact_row
        raw = _xlsx_rows(self.path) if self.path.lower().endswith(".xlsx") else self._csv_rows(errors)
        first = next(raw, None)
        if first is None:
            if not errors:
                errors.append(csv_files.RowError(self.path, 1, "-", "no header row (the file is empty)"))
            return
        header = list(first[1])
        twice = sorted({column for column in header if column and header.count(column) > 1})
        if twice:
            errors.append(csv_files.RowError(self.path, 1, ", ".join(twice), "named twice in the header: which one?"))
            return
        missing = [mapping.column(table, field) for field in self.required]
        missing = [column for column in missing if column not in header]
        if missing:
            problem = f"missing from the header (it has: {', '.join(map(str, header))})"
            errors.append(csv_files.RowError(self.path, 1, ", ".join(missing), problem))
            return
        for line, row in raw:
            try:
                translated = translate(row)
            except CadenceError as error:
                field = (error.field or "").rsplit(".", 1)[-1]
                column = mapping.column(table, field) if field else "-"
                errors.append(csv_files.RowError(self.path, line, column, str(error)))
                continue
            yield line, translated

    def _csv_rows(self, errors: list[csv_files.RowError]) -> Iterator[tuple[int, Any]]:
        """The header (line 1, a list), then the rows as dicts with their lines."""
        import csv

        with open(self.path, "rb") as stream:
            marked = stream.peek(4)[:4].startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
            chosen = self.encoding or (None if marked else self.mapping.encoding)
            reader = csv.DictReader(csv_files.decode_lines(stream, chosen))
            try:
                if reader.fieldnames is None:
                    return
                yield 1, list(reader.fieldnames)
                for row in reader:
                    yield reader.line_num, row
            except (csv.Error, CadenceError) as error:
                errors.append(csv_files.RowError(self.path, reader.line_num, "-", f"not valid CSV ({error})"))
            except Exception as error:
                if type(error).__name__ != "_Undecodable":
                    raise
                errors.append(csv_files.RowError(self.path, getattr(error, "line", reader.line_num), "-", str(error)))

    def fix_columns(self, errors: list[csv_files.RowError], start: int) -> None:
        """Errors the CSV readers found from ``start`` on name cadence's columns: name the export's instead."""
        for index in range(start, len(errors)):
            error = errors[index]
            if error.file == self.path and error.column in (*CUSTOMER_FIELDS, *CONTACT_FIELDS):
                errors[index] = attrs.evolve(error, column=self.mapping.column(self.table, error.column))


def _xlsx_rows(path: str) -> Iterator[tuple[int, Any]]:
    """The header of the first sheet of an .xlsx file (line 1, a list), then its rows as dicts by the header, with
    their lines (empty rows left out)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as missing:
        raise CadenceError(
            f'reading .xlsx files needs python-calamine ({missing}): install it with pip install "cadence[xlsx]"'
        ) from None
    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:
        raise CadenceError(f"{path}: cannot read the workbook ({error})") from None
    if not sheet:
        return
    header = [_text(cell).strip() for cell in sheet[0]]
    yield 1, header
    for line, cells in enumerate(sheet[1:], start=2):
        if all(cell == "" or cell is None for cell in cells):
            continue
        yield line, {name: cell for name, cell in zip(header, cells, strict=False) if name}


def read_customers(
    path: str,
    mapping: Mapping,
    policy: Any,
    errors: list[csv_files.RowError],
    *,
    encoding: str | None = None,
    not_after: datetime | None = None,
) -> list[Any]:
    """The customers of an export's file (CSV or .xlsx) read through ``mapping``, as `csv_files.read_customers`
    reads customers.csv; bad rows go to ``errors`` with the file, line and the export's column."""
    source = _Source(path, mapping, "customers", csv_files.CUSTOMER_COLUMNS, encoding)
    start = len(errors)
    found = csv_files.read_customers(source, path, policy, errors, not_after=not_after)  # type: ignore[arg-type]
    source.fix_columns(errors, start)
    return found


def read_contacts(
    path: str,
    mapping: Mapping,
    known: set[str],
    errors: list[csv_files.RowError],
    *,
    encoding: str | None = None,
    rejected: Iterable[str] = (),
) -> dict[str, list[Any]]:
    """The contacts of an export's file read through ``mapping``, as `csv_files.read_contacts` reads
    contacts.csv (see `read_customers`)."""
    source = _Source(path, mapping, "contacts", csv_files.CONTACT_COLUMNS, encoding)
    start = len(errors)
    found = csv_files.read_contacts(source, path, known, errors, None, set(rejected))  # type: ignore[arg-type]
    source.fix_columns(errors, start)
    return found


# --- proposing a mapping for an export not seen before

_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "id": ("id", "record id", "customer id", "company id", "account id", "客户编号", "客户id", "客户编码", "编号"),
        "segment": ("segment", "tier", "level", "grade", "class", "客户等级", "客户级别", "等级", "分级", "客户分类"),
        "stage": ("stage", "lifecycle stage", "deal stage", "status", "客户阶段", "销售阶段", "阶段", "客户状态"),
        "stage_entered_at": (
            "stage entered at",
            "stage_entered_at",
            "last lifecycle stage change",
            "stage date",
            "阶段变更时间",
            "阶段时间",
            "进入阶段时间",
        ),
        "created_at": ("created at", "created_at", "create date", "created", "creation date", "创建时间", "建档时间"),
        "owner": ("owner", "company owner", "account owner", "rep", "负责人", "归属人", "销售", "客户经理"),
        "timezone": ("timezone", "time zone", "时区"),
    },
    "contacts": {
        "customer_id": (
            "customer id",
            "customer_id",
            "associated company ids",
            "company id",
            "account id",
            "客户编号",
            "客户id",
            "客户编码",
        ),
        "at": ("at", "activity date", "date", "time", "timestamp", "跟进时间", "沟通时间", "联系时间", "时间"),
        "channel": ("channel", "activity type", "type", "跟进方式", "沟通方式", "联系方式", "方式"),
        "direction": ("direction", "call direction", "跟进方向", "方向"),
        "outcome": ("outcome", "call outcome", "result", "跟进结果", "结果", "通话结果"),
        "by": ("by", "activity assigned to", "assigned to", "rep", "owner", "跟进人", "执行人", "负责人"),
        "until": ("until", "call back on", "下次跟进时间", "预约时间"),
    },
}
_FORMATS = (
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d.%m.%Y",
)
_CHOICES = {
    "channel": [member.value for member in Channel],
    "direction": [member.value for member in Direction],
    "outcome": [member.value for member in Outcome],
}


def _sample(path: str, encoding: str | None, limit: int) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """The header, up to ``limit`` rows, and the encoding that read them (UTF-8 or UTF-16 by a byte-order mark,
    else GB18030 when the file is not UTF-8; None for .xlsx)."""
    if path.lower().endswith(".xlsx"):
        rows = [row for _, row in itertools.islice(_xlsx_rows(path), limit + 1)]
        return (rows[0] if rows else []), rows[1:], None
    import csv
    import io

    data = Path(path).read_bytes()
    chosen = encoding
    if chosen is not None:
        try:
            codecs.lookup(chosen)
        except LookupError:
            raise MappingError(f"unknown encoding {show(chosen)} (try utf-8, gb18030, cp1252 or utf-16)") from None
    else:
        chosen = "utf-8"
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            chosen = "utf-16"
        elif not _decodes(data, "utf-8-sig"):
            # Not UTF-8: GB18030 when every byte pair is one (Chinese exports), else a Western code page.
            chosen = "gb18030" if _decodes(data, "gb18030") and re.search("[\u4e00-\u9fff]", data.decode(
                "gb18030")) else "cp1252"  # fmt: skip
    text = data.decode("utf-8-sig" if chosen == "utf-8" else chosen, errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(itertools.islice(reader, limit))
    return list(reader.fieldnames or []), rows, chosen


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _known_words() -> dict[str, dict[str, str]]:
    """The words the built-in mappings know, per field: what a proposal offers for the export's words."""
    known: dict[str, dict[str, str]] = {}
    for name in presets():
        for field, words in load(name).vocabulary.items():
            known.setdefault(field, {}).update({_word(word): meant for word, meant in words.items()})
    for field, choices in _CHOICES.items():
        known.setdefault(field, {}).update({choice: choice for choice in choices})
    return known


def _formats_of(values: list[str]) -> tuple[list[str], bool]:
    """The strptime formats that read the values (for each, the first of `_FORMATS` that does; ISO 8601 text
    needs none), and whether every value carries a UTC offset."""
    single = next((form for form in _FORMATS if values and all(_reads(form, value) for value in values)), None)
    if single is not None:  # one format reads them all: no guessing between day-month and month-day per value
        return [single], False
    formats: list[str] = []
    offsets = True
    for value in values:
        form = next((form for form in (*formats, *_FORMATS) if _reads(form, value)), None)
        if form is not None:
            formats += [form] if form not in formats else []
            offsets = False
            continue
        try:
            read = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value)
        except ValueError:
            continue  # not a timestamp in any form known here: the user names the format
        offsets = offsets and read.tzinfo is not None
    return formats, offsets


def _reads(form: str, value: str) -> bool:
    try:
        datetime.strptime(value, form)
    except ValueError:
        return False
    return True


def _by_content(found: dict[str, str], table: str, header: list[str], sample: list[dict[str, Any]]) -> None:
    """Add to ``found`` the columns its names did not give away but its content does: for contacts, a column of
    timestamps is ``at``; a column whose words are mostly words a built-in mapping knows for a field is that
    field's."""
    free = [column for column in header if column not in found.values()]

    def cells(column: str) -> list[Any]:
        return [row.get(column) for row in sample if row.get(column) not in (None, "")]

    if table == "contacts" and "at" not in found:
        for column in free:
            values = cells(column)
            texts = [value.strip() for value in values if isinstance(value, str)]
            stamps = (
                sum(isinstance(value, datetime) for value in values)
                + len(texts)
                - len([text for text in texts if not any(_reads(form, text) for form in _FORMATS) and not _iso(text)])
            )
            if values and stamps >= 0.9 * len(values):
                found["at"] = column
                free.remove(column)
                break
    known = _known_words()
    for field in ("channel", "direction", "outcome") if table == "contacts" else ("segment", "stage"):
        if field in found:
            continue
        for column in free:
            words = {_word(_text(value)) for value in cells(column)}
            if words and len(words & set(known.get(field, {}))) >= 0.6 * len(words):
                found[field] = column
                free.remove(column)
                break


def _iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        return False
    return len(text) >= 10


def propose(path: str, *, encoding: str | None = None, rows: int = 500) -> str:
    """A mapping file (TOML) proposed for an export: which column holds each field (guessed from names in English
    and Chinese, then from the content: a column of timestamps, a column of known words), the timestamp format,
    the encoding, and the distinct words of the channel, direction, outcome, segment and stage columns, mapped
    where a built-in mapping knows the word and left as comments to fill in where not. The zone of wall times is
    never guessed: the proposal says to set it.
    """
    header, sample, chosen = _sample(path, encoding, rows)
    if not header:
        raise MappingError(f"{path}: no header row to read")
    norm = {column: _word(column).replace("_", " ") for column in header}

    def fits(field: str, column: str) -> bool:
        """A column named for a field is it unless its content says otherwise."""
        values = [_text(row.get(column)).strip() for row in sample if row.get(column) not in (None, "")]
        if field in _INSTANTS:
            return not values or any(isinstance(row.get(column), datetime) for row in sample) or all(
                any(_reads(form, value) for form in _FORMATS) or _iso(value) for value in values[:50]
            )  # fmt: skip
        if field in _ENUMS:  # words, not phone numbers or amounts
            return sum(bool(re.fullmatch(r"[\d\s+\-().]+", value)) for value in values) <= len(values) / 2
        return True

    def named(field: str, names: tuple[str, ...]) -> str | None:
        """The column for a field: the first of its names that a column has (whole, then within it)."""
        for whole in (True, False):
            for name in names:
                for column in header:
                    matches = norm[column] == name if whole else len(name) > 2 and name in norm[column]
                    if matches and fits(field, column):
                        return column
        return None

    scores = {t: {field: named(field, names) for field, names in fields.items()} for t, fields in _NAMES.items()}
    table = max(scores, key=lambda t: (sum(v is not None for v in scores[t].values()), t == "contacts"))
    found = {field: column for field, column in scores[table].items() if column is not None}
    _by_content(found, table, header, sample)
    lines = [
        f"# cadence import mapping proposed by cadence inspect for {Path(path).name} ({len(sample)} rows read).",
        "# Check every line, fill in what is left as a comment, then: cadence check --mapping THIS_FILE ...",
        "version = 1",
        f"name = {_quote(Path(path).stem)}",
    ]
    if chosen not in (None, "utf-8"):
        lines.append(f'encoding = "{chosen}"')
    formats: list[str] = []
    notes: list[str] = []
    offsets = True
    for field, column in found.items():
        if field in _INSTANTS:
            cells = [row.get(column) for row in sample]
            texts = [cell.strip() for cell in cells if isinstance(cell, str) and cell.strip()]
            found_formats, has_offset = _formats_of(texts)
            formats += [form for form in found_formats if form not in formats]
            unread = [text for text in texts if not _iso(text) and not any(_reads(f, text) for f in found_formats)]
            if unread:
                has_offset = False
                notes.append(
                    f"# column {_quote(column)} holds timestamps such as {_quote(unread[0])} in no format cadence "
                    "knows: add its strptime format to timestamp_formats"
                )
            # A spreadsheet's date cells have no zone: wall times too.
            offsets = offsets and has_offset and not any(isinstance(cell, datetime) for cell in cells)
    if formats:
        lines.append(f"timestamp_formats = [{', '.join(_quote(form) for form in formats)}]")
    lines += notes
    if not offsets:
        lines += [
            "# REQUIRED: the time zone in which the file's wall times (no UTC offset) were written; cadence never",
            '# guesses it. For example: timezone = "Asia/Shanghai" or "Europe/Berlin".',
            '# timezone = ""',
            '# A wall time the clocks repeat (autumn) or skip (spring): "raise" (a bad row), or choose:',
            '# ambiguous = "earlier"   # or "later"',
            '# nonexistent = "later"',
        ]
    lines += ["", f"[{table}]"]
    for field in _NAMES[table]:
        given = found.get(field)
        lines.append(f"{field} = {_quote(given)}" if given else f'# {field} = "..."   # not found: name its column')
    known = _known_words()
    for field in VOCABULARIES:
        if field not in found:
            continue
        column = found[field]
        words = sorted({_text(row[column]).strip() for row in sample if row.get(column) not in (None, "")})
        if not words:
            continue
        lines += ["", f"[vocabulary.{field}]  # the distinct words of column {_quote(column)}"]
        for word in words[:50]:
            meant = known.get(field, {}).get(_word(word))
            if meant is not None:
                lines.append(f"{_quote(word)} = {_quote(meant)}")
            else:
                choices = _CHOICES.get(field)
                hint = f"one of {', '.join(choices)}" if choices else f"your policy's {field} id"
                lines.append(f'# {_quote(word)} = ""   # {hint}')
        if len(words) > 50:
            lines.append(f"# ... and {len(words) - 50} more words")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's: quotes, backslashes, control characters)."""
    return json.dumps(text, ensure_ascii=False)
