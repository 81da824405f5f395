"""Durations: exact (hours, minutes, seconds) and calendar (days, weeks, months), kept apart by type.

An exact duration is a fixed number of seconds: ``anchor + 24h`` is exactly 86,400 seconds later, whatever the
wall clock does. A calendar duration is counted in local calendar dates, as people count: "7 days after Friday
17:00" is due on the next Friday's date, from the start of that day, whether or not a daylight-saving change lies
between. The two are different types so that code (and readers) always know which rule applies.

Business durations are counted on a `Calendar`'s working time: `BusinessDays` on working dates (day-granular, like
calendar days), `BusinessHours` inside working hours (exact-granular). See docs/calendars.md.

How long a duration is depends on where it starts, so no duration has one length in seconds. Each type answers
with two methods that name their approximation, and nothing else in `cadence` measures a duration its own way:

- ``bounds()``: the shortest and longest it nominally spans, in seconds, for comparing durations of different
  kinds (the consistency checks of a `Rule`, `lint`). A day counts as 24 hours: a daylight-saving change makes a
  local day 23 or 25 hours, but the checks compare counts of local dates, which such a day does not change. A month
  is 28 to 31 days. Business durations are bounded for a Monday-to-Friday week without holidays: ``n`` business
  days span ``n`` to ``n + 2 * ceil(n / 5)`` days; ``n`` business hours span ``n`` hours up to the business days
  that hold them at 8 hours a day, plus a day. A negative duration has the negated bounds of its size.
- ``approx_seconds()``: one typical length in seconds, for scales that need a single number (the risk model's
  rhythm, the sample generator): a day is 24 hours, a month 30.44 days (the mean Gregorian month, rounded), a
  business day 7/5 of a day (five working days spread over a week), a business hour one hour of working time.

>>> months(1).bounds()
(2419200, 2678400)
>>> business_days(5).bounds(), business_days(5).approx_seconds()
((432000, 604800), 604800)

A `datetime.timedelta` is read as an exact duration of whole seconds (``timedelta(days=1)`` is ``hours(24)``, not
``days(1)``: a timedelta is elapsed time, not a count of dates).

>>> parse_duration("7d")
days(7)
>>> parse_duration("PT24H")
hours(24)
>>> str(parse_duration("1mo"))
'1 month'
>>> parse_duration("3 business days")
business_days(3)
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TypeAlias

import attrs

from cadence._errors import DurationError, InputTypeError, show

__all__ = [
    "BusinessDays",
    "BusinessHours",
    "CalendarDuration",
    "Duration",
    "ExactDuration",
    "business_days",
    "business_hours",
    "business_minutes",
    "days",
    "hours",
    "minutes",
    "months",
    "parse_duration",
    "seconds",
    "weeks",
]


def _largest_unit(seconds: int) -> tuple[int, str, str]:
    """``seconds`` in the largest whole unit: (count, unit name, short suffix)."""
    if seconds and seconds % 3600 == 0:
        return seconds // 3600, "hour", "h"
    if seconds and seconds % 60 == 0:
        return seconds // 60, "minute", "m"
    return seconds, "second", "s"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if abs(n) == 1 else f"{n} {unit}s"


_DAY = 86_400  # seconds in a day of 24 hours
_MONTH = 2_630_016  # seconds in 30.44 days: the mean Gregorian month (30.436875 days), rounded as the risk model has it
_WORKDAY = 8 * 3600  # the working hours of a day, for bounding business hours


def _ordered(low: int, high: int) -> tuple[int, int]:
    return (low, high) if low <= high else (high, low)


class _InSeconds:
    """What the durations counted in whole seconds share: exact time, and working time (``_word`` "business ")."""

    __slots__ = ()
    seconds: int
    _word = ""

    @property
    def is_calendar(self) -> bool:
        """False: the duration ends at an exact instant, not at the start of a local day."""
        return False

    @property
    def microseconds(self) -> int:
        """The length in microseconds."""
        return self.seconds * 1_000_000

    def __repr__(self) -> str:
        n, unit, _ = _largest_unit(self.seconds)
        return f"{self._word.replace(' ', '_')}{unit}s({n})"

    def __str__(self) -> str:
        n, unit, _ = _largest_unit(self.seconds)
        return _plural(n, f"{self._word}{unit}")

    def short(self) -> str:
        """The short form that `parse_duration` reads back: ``"24h"``, ``"30m"``, ``"45s"``, ``"4bh"``."""
        n, _, suffix = _largest_unit(self.seconds)
        return f"{n}{self._word[:1]}{suffix}"


@attrs.frozen(repr=False)
class ExactDuration(_InSeconds):
    """A fixed length of time, in whole seconds: ``anchor + duration`` is an exact instant.

    Build one with `hours`, `minutes` or `seconds`, or parse ``"24h"``, ``"90m"``, ``"PT4H"``.

    >>> hours(24) == minutes(1440)
    True
    """

    seconds: int = attrs.field(validator=attrs.validators.instance_of(int))

    @property
    def is_business(self) -> bool:
        """False: an exact duration counts every second, working or not."""
        return False

    def bounds(self) -> tuple[int, int]:
        """``(shortest, longest)`` in seconds: both are the duration itself.

        >>> hours(24).bounds()
        (86400, 86400)
        """
        return self.seconds, self.seconds

    def approx_seconds(self) -> int:
        """The length in seconds, exactly."""
        return self.seconds


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

    @property
    def is_business(self) -> bool:
        """False: a calendar duration counts every date (unless the rule says ``days_off="pause"``)."""
        return False

    def bounds(self) -> tuple[int, int]:
        """``(shortest, longest)`` in seconds: a day is 24 hours, a month 28 to 31 days.

        >>> CalendarDuration(months=1, days=2).bounds()
        (2592000, 2851200)
        """
        base = self.days * _DAY
        return _ordered(base + self.months * 28 * _DAY, base + self.months * 31 * _DAY)

    def approx_seconds(self) -> int:
        """A typical length in seconds: a day is 24 hours, a month 30.44 days."""
        return self.days * _DAY + self.months * _MONTH

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


@attrs.frozen(repr=False)
class BusinessDays:
    """A number of working dates on a `Calendar`: ``n`` business days after an anchor is the n-th working date
    after the anchor's local date, due from the start of that date (or of its working hours).

    >>> business_days(3)
    business_days(3)
    >>> str(business_days(1)), business_days(1).short()
    ('1 business day', '1bd')
    """

    days: int = attrs.field(validator=attrs.validators.instance_of(int))

    @property
    def is_calendar(self) -> bool:
        """True: business days are counted on local dates, and the result is day-granular."""
        return True

    @property
    def is_business(self) -> bool:
        """True: only working dates are counted."""
        return True

    def bounds(self) -> tuple[int, int]:
        """``(shortest, longest)`` in seconds, for a Monday-to-Friday week without holidays: ``n`` to
        ``n + 2 * ceil(n / 5)`` days of 24 hours (a holiday makes the span longer: `lint` checks on the calendar).

        >>> business_days(3).bounds()
        (259200, 432000)
        """
        if self.days < 0:
            low, high = BusinessDays(-self.days).bounds()
            return -high, -low
        return self.days * _DAY, (self.days + 2 * -(-self.days // 5)) * _DAY

    def approx_seconds(self) -> int:
        """A typical length in seconds: a business day is 7/5 of a day (five working days spread over a week)."""
        return self.days * 7 * _DAY // 5

    def __repr__(self) -> str:
        return f"business_days({self.days})"

    def __str__(self) -> str:
        return _plural(self.days, "business day")

    def short(self) -> str:
        """The short form that `parse_duration` reads back: ``"3bd"``."""
        return f"{self.days}bd"


@attrs.frozen(repr=False)
class BusinessHours(_InSeconds):
    """Working time on a `Calendar`, in whole seconds: only time inside working hours is counted, and an anchor
    outside them starts counting at the next opening. The result is an exact instant.

    >>> business_hours(4)
    business_hours(4)
    >>> str(business_minutes(90)), business_minutes(90).short()
    ('90 business minutes', '90bm')
    """

    seconds: int = attrs.field(validator=attrs.validators.instance_of(int))
    _word = "business "

    @property
    def is_business(self) -> bool:
        """True: only time inside working hours is counted."""
        return True

    def bounds(self) -> tuple[int, int]:
        """``(shortest, longest)`` in seconds, for a Monday-to-Friday week without holidays: the working time
        itself, up to the business days that hold it at 8 hours a day, plus a day.

        >>> business_hours(4).bounds()
        (14400, 345600)
        """
        if self.seconds < 0:
            low, high = BusinessHours(-self.seconds).bounds()
            return -high, -low
        if self.seconds == 0:
            return 0, 0
        return self.seconds, BusinessDays(-(-self.seconds // _WORKDAY)).bounds()[1] + _DAY

    def approx_seconds(self) -> int:
        """A typical length in seconds: the working time itself (a business hour is one hour of work)."""
        return self.seconds

    def __repr__(self) -> str:
        text = super().__repr__()
        return f"BusinessHours({self.seconds})" if text.startswith("business_seconds") else text


Duration: TypeAlias = "ExactDuration | CalendarDuration | BusinessDays | BusinessHours"
"""Any kind of duration; ``duration.is_calendar`` and ``duration.is_business`` tell them apart."""


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


def business_days(n: int) -> BusinessDays:
    """``n`` working dates on the policy's calendar."""
    return BusinessDays(n)


def business_hours(n: int) -> BusinessHours:
    """``n`` hours of working time on the policy's calendar."""
    return BusinessHours(n * 3600)


def business_minutes(n: int) -> BusinessHours:
    """``n`` minutes of working time on the policy's calendar."""
    return BusinessHours(n * 60)


_UNITS: dict[str, tuple[str, int]] = {}
for _names, _kind, _factor in (
    (("s", "sec", "secs", "second", "seconds"), "s", 1),
    (("m", "min", "mins", "minute", "minutes"), "s", 60),
    (("h", "hr", "hrs", "hour", "hours"), "s", 3600),
    (("d", "day", "days"), "d", 1),
    (("w", "wk", "wks", "week", "weeks"), "d", 7),
    (("mo", "mon", "month", "months"), "mo", 1),
    (("y", "yr", "year", "years"), "mo", 12),
    (("bd", "bday", "bdays"), "bd", 1),
    (("bs", "bsec", "bsecs", "bsecond", "bseconds"), "bs", 1),
    (("bm", "bmin", "bmins", "bminute", "bminutes"), "bs", 60),
    (("bh", "bhr", "bhrs", "bhour", "bhours"), "bs", 3600),
):
    for _name in _names:
        _UNITS[_name] = (_kind, _factor)

_LONGEST = 100  # characters: a longer text is no duration (and Python refuses to read ints of 4,300 digits)
_SHORT_PART = re.compile(r"\s*(\d+)\s*([a-z]+)\s*")
_BUSINESS_WORD = re.compile(r"business\s+")
# What each unit kind is called in the error for a mixed duration.
_KIND_NAMES = {
    "d": "calendar units (days, weeks, months)",
    "s": "exact units (hours, minutes, seconds)",
    "bd": "business days",
    "bs": "business hours",
}
_ISO = re.compile(
    r"P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?"
)


def parse_duration(
    text: str | timedelta | ExactDuration | CalendarDuration | BusinessDays | BusinessHours,
    *,
    field: str = "duration",
) -> Duration:
    """Read a duration from a short string (``"7d"``, ``"24h"``, ``"2w"``, ``"1mo"``, ``"3 days"``, ``"3bd"``,
    ``"4 business hours"``), ISO 8601 (``"P7D"``, ``"PT24H"``; ISO has no business units) or a `timedelta`.

    A duration that is already parsed is returned as it is. Units of different kinds cannot be mixed in one
    value (``"1d12h"`` is refused: say ``"36h"``). A leading ``-`` makes a negative duration, which the places
    that need a positive one then refuse with their own message. A `timedelta` of whole seconds is an
    `ExactDuration` (elapsed time: ``timedelta(days=1)`` is ``hours(24)``); one with a fraction of a second is
    refused. ``field`` names the value in error messages and in the error's ``field`` attribute.

    >>> parse_duration("3 days")
    days(3)
    >>> parse_duration("P1M2D")
    CalendarDuration(months=1, days=2)
    >>> parse_duration("4bh")
    business_hours(4)
    >>> parse_duration("7x")
    Traceback (most recent call last):
    ...
    cadence.DurationError: duration: "7x" is not a duration (try "7d" or "P7D")
    >>> from datetime import timedelta
    >>> parse_duration(timedelta(hours=36))
    hours(36)
    """
    if isinstance(text, (ExactDuration, CalendarDuration, BusinessDays, BusinessHours)):
        return text
    if isinstance(text, timedelta):
        return _from_timedelta(text, field)
    if not isinstance(text, str):
        raise InputTypeError(
            f'{field}: expected a duration or a string such as "7d" (got {show(text)})',
            field=field,
            value=text,
        )
    raw = text.strip()
    if len(raw) > _LONGEST:
        raise DurationError(
            f'{field}: "{raw[:20]}..." is too long to be a duration ({len(raw):,} characters)', field=field, value=text
        )
    body = raw.lower()
    sign = 1
    if body.startswith("-"):
        sign, body = -1, body[1:].lstrip()
    totals = {"s": 0, "d": 0, "mo": 0, "bd": 0, "bs": 0}
    if body.startswith("p"):
        match = _ISO.fullmatch(body.upper())
        if match is None or body in ("p", "pt"):
            raise DurationError(
                f'{field}: "{raw}" is not an ISO 8601 duration (try "P7D" or "PT24H")', field=field, value=text
            )
        parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        totals["mo"] = parts.get("y", 0) * 12 + parts.get("mo", 0)
        totals["d"] = parts.get("w", 0) * 7 + parts.get("d", 0)
        totals["s"] = parts.get("h", 0) * 3600 + parts.get("mi", 0) * 60 + parts.get("s", 0)
        kinds = {"s" if k in ("h", "mi", "s") else "d" for k in parts}
    else:
        body = _BUSINESS_WORD.sub("b", body)
        kinds = set()
        pos = 0
        while pos < len(body) or not kinds:
            part = _SHORT_PART.match(body, pos)
            if part is None or part.group(2) not in _UNITS:
                raise DurationError(f'{field}: "{raw}" is not a duration (try "7d" or "P7D")', field=field, value=text)
            kind, factor = _UNITS[part.group(2)]
            totals[kind] += int(part.group(1)) * factor
            kinds.add("d" if kind == "mo" else kind)
            pos = part.end()
    if len(kinds) > 1:
        first, second = sorted(kinds, key=list(_KIND_NAMES).index)[:2]
        raise DurationError(
            f'{field}: "{raw}" mixes {_KIND_NAMES[first]} with {_KIND_NAMES[second]}; use one kind, such as 36h or 2d',
            field=field,
            value=text,
        )
    (kind,) = kinds
    if kind == "s":
        return ExactDuration(sign * totals["s"])
    if kind == "bd":
        return BusinessDays(sign * totals["bd"])
    if kind == "bs":
        return BusinessHours(sign * totals["bs"])
    return CalendarDuration(months=sign * totals["mo"], days=sign * totals["d"])


def _from_timedelta(value: timedelta, field: str) -> ExactDuration:
    """A timedelta of whole seconds as an exact duration."""
    if value.microseconds:
        raise DurationError(
            f"{field}: {show(value)} is not a whole number of seconds (durations are counted in whole seconds)",
            field=field,
            value=value,
        )
    return ExactDuration(value.days * _DAY + value.seconds)
