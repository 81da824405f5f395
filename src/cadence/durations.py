"""Durations: exact (hours, minutes, seconds) and calendar (days, weeks, months), kept apart by type.

An exact duration is a fixed number of seconds: ``anchor + 24h`` is exactly 86,400 seconds later, whatever the
wall clock does. A calendar duration is counted in local calendar dates, as people count: "7 days after Friday
17:00" is due on the next Friday's date, from the start of that day, whether or not a daylight-saving change lies
between. The two are different types so that code (and readers) always know which rule applies.

>>> parse_duration("7d")
days(7)
>>> parse_duration("PT24H")
hours(24)
>>> str(parse_duration("1mo"))
'1 month'
"""

from __future__ import annotations

import re
from typing import TypeAlias

import attrs

from cadence.errors import DurationError, InputTypeError

__all__ = [
    "CalendarDuration",
    "Duration",
    "ExactDuration",
    "days",
    "hours",
    "minutes",
    "months",
    "parse_duration",
    "seconds",
    "weeks",
]


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if abs(n) == 1 else f"{n} {unit}s"


@attrs.frozen(repr=False)
class ExactDuration:
    """A fixed length of time, in whole seconds: ``anchor + duration`` is an exact instant.

    Build one with `hours`, `minutes` or `seconds`, or parse ``"24h"``, ``"90m"``, ``"PT4H"``.

    >>> hours(24) == minutes(1440)
    True
    """

    seconds: int = attrs.field(validator=attrs.validators.instance_of(int))

    @property
    def is_calendar(self) -> bool:
        """False: an exact duration is added to instants, not to local dates."""
        return False

    @property
    def microseconds(self) -> int:
        """The length in microseconds."""
        return self.seconds * 1_000_000

    def _parts(self) -> tuple[int, str, str]:
        s = self.seconds
        if s and s % 3600 == 0:
            return s // 3600, "hour", "h"
        if s and s % 60 == 0:
            return s // 60, "minute", "m"
        return s, "second", "s"

    def __repr__(self) -> str:
        n, unit, _ = self._parts()
        return f"{unit}s({n})"

    def __str__(self) -> str:
        n, unit, _ = self._parts()
        return _plural(n, unit)

    def short(self) -> str:
        """The short form that `parse_duration` reads back: ``"24h"``, ``"30m"``, ``"45s"``."""
        n, _, suffix = self._parts()
        return f"{n}{suffix}"


@attrs.frozen(repr=False)
class CalendarDuration:
    """A number of months and days counted on local calendar dates.

    Months are added first and clamp at the month end (31 January + 1 month is the last day of February), then
    days. Weeks are stored as days. Build one with `days`, `weeks` or `months`, or parse ``"7d"``, ``"2w"``,
    ``"1mo"``, ``"P1M"``.

    >>> weeks(2)
    days(14)
    """

    months: int = attrs.field(default=0, validator=attrs.validators.instance_of(int))
    days: int = attrs.field(default=0, validator=attrs.validators.instance_of(int))

    @property
    def is_calendar(self) -> bool:
        """True: a calendar duration moves local dates, and the result is the start of a local day."""
        return True

    def _pieces(self) -> list[tuple[int, str, str]]:
        pieces: list[tuple[int, str, str]] = []
        if self.months:
            pieces.append((self.months, "month", "mo"))
        if self.days or not self.months:
            pieces.append((self.days, "day", "d"))
        return pieces

    def __repr__(self) -> str:
        pieces = self._pieces()
        if len(pieces) == 1:
            n, unit, _ = pieces[0]
            return f"{unit}s({n})"
        return f"CalendarDuration(months={self.months}, days={self.days})"

    def __str__(self) -> str:
        return " ".join(_plural(n, unit) for n, unit, _ in self._pieces())

    def short(self) -> str:
        """The short form that `parse_duration` reads back: ``"7d"``, ``"1mo"``, ``"1mo3d"``."""
        return "".join(f"{n}{suffix}" for n, _, suffix in self._pieces())


Duration: TypeAlias = "ExactDuration | CalendarDuration"
"""Either kind of duration; check ``duration.is_calendar`` to tell them apart."""


def seconds(n: int) -> ExactDuration:
    """An exact duration of ``n`` seconds."""
    return ExactDuration(n)


def minutes(n: int) -> ExactDuration:
    """An exact duration of ``n`` minutes."""
    return ExactDuration(n * 60)


def hours(n: int) -> ExactDuration:
    """An exact duration of ``n`` hours (``hours(24)`` is not ``days(1)``: see the module docstring)."""
    return ExactDuration(n * 3600)


def days(n: int) -> CalendarDuration:
    """A calendar duration of ``n`` local dates."""
    return CalendarDuration(days=n)


def weeks(n: int) -> CalendarDuration:
    """A calendar duration of ``7 * n`` local dates."""
    return CalendarDuration(days=7 * n)


def months(n: int) -> CalendarDuration:
    """A calendar duration of ``n`` months, clamped at month ends."""
    return CalendarDuration(months=n)


_UNITS: dict[str, tuple[str, int]] = {}
for _names, _kind, _factor in (
    (("s", "sec", "secs", "second", "seconds"), "s", 1),
    (("m", "min", "mins", "minute", "minutes"), "s", 60),
    (("h", "hr", "hrs", "hour", "hours"), "s", 3600),
    (("d", "day", "days"), "d", 1),
    (("w", "wk", "wks", "week", "weeks"), "d", 7),
    (("mo", "mon", "month", "months"), "mo", 1),
    (("y", "yr", "year", "years"), "mo", 12),
):
    for _name in _names:
        _UNITS[_name] = (_kind, _factor)

_SHORT_PART = re.compile(r"\s*(\d+)\s*([a-z]+)\s*")
_ISO = re.compile(
    r"P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?"
)


def parse_duration(text: str | ExactDuration | CalendarDuration, *, field: str = "duration") -> Duration:
    """Read a duration from a short string (``"7d"``, ``"24h"``, ``"2w"``, ``"1mo"``, ``"3 days"``) or ISO 8601.

    A duration that is already parsed is returned as it is. Calendar and exact units cannot be mixed in one
    value (``"1d12h"`` is refused: say ``"36h"``). A leading ``-`` makes a negative duration, which the places
    that need a positive one then refuse with their own message. ``field`` names the value in error messages.

    >>> parse_duration("3 days")
    days(3)
    >>> parse_duration("P1M2D")
    CalendarDuration(months=1, days=2)
    >>> parse_duration("7x")
    Traceback (most recent call last):
    ...
    cadence.errors.DurationError: duration: "7x" is not a duration (try "7d" or "P7D")
    """
    if isinstance(text, (ExactDuration, CalendarDuration)):
        return text
    if not isinstance(text, str):
        raise InputTypeError(f'{field}: expected a duration or a string such as "7d" (got {text!r})')
    raw = text.strip()
    body = raw.lower()
    sign = 1
    if body.startswith("-"):
        sign, body = -1, body[1:].lstrip()
    totals = {"s": 0, "d": 0, "mo": 0}
    if body.startswith("p"):
        match = _ISO.fullmatch(body.upper())
        if match is None or body in ("p", "pt"):
            raise DurationError(f'{field}: "{raw}" is not an ISO 8601 duration (try "P7D" or "PT24H")')
        parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        totals["mo"] = parts.get("y", 0) * 12 + parts.get("mo", 0)
        totals["d"] = parts.get("w", 0) * 7 + parts.get("d", 0)
        totals["s"] = parts.get("h", 0) * 3600 + parts.get("mi", 0) * 60 + parts.get("s", 0)
        kinds = {"s" if k in ("h", "mi", "s") else "d" for k in parts}
    else:
        kinds = set()
        pos = 0
        while pos < len(body) or not kinds:
            part = _SHORT_PART.match(body, pos)
            if part is None or part.group(2) not in _UNITS:
                raise DurationError(f'{field}: "{raw}" is not a duration (try "7d" or "P7D")')
            kind, factor = _UNITS[part.group(2)]
            totals[kind] += int(part.group(1)) * factor
            kinds.add("s" if kind == "s" else "d")
            pos = part.end()
    if len(kinds) > 1:
        raise DurationError(
            f'{field}: "{raw}" mixes calendar units (days, weeks, months) with exact ones (hours, minutes, '
            "seconds); use one kind, such as 36h or 2d"
        )
    if kinds == {"s"}:
        return ExactDuration(sign * totals["s"])
    return CalendarDuration(months=sign * totals["mo"], days=sign * totals["d"])
