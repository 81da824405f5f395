"""Business calendars: a time zone, working weekdays, working hours, holidays and extra working days.

A `Calendar` is where day-based durations are counted and what business durations (``"3bd"``, ``"4bh"``) count.
A policy has one; a customer with its own time zone is counted in that zone, with the calendar's working days,
hours and holidays read as local dates and wall times there. Holiday data for a country comes from the maintained
`holidays <https://pypi.org/project/holidays/>`_ package through the ``cadence[holidays]`` extra
(`Calendar.from_holidays`); it includes mainland China's official make-up working days.

>>> from datetime import date
>>> cal = Calendar("Asia/Shanghai", hours="09:00-12:00, 13:30-18:00", holidays=["2026-10-01"])
>>> cal.is_working_day(date(2026, 10, 1)), cal.add_business_days(date(2026, 9, 30), 1)
(False, datetime.date(2026, 10, 2))
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TypeGuard

import attrs
import pendulum

from cadence._durations import BusinessDays, BusinessHours, Duration, parse_duration
from cadence._errors import InputError, InputTypeError, PolicyError, show
from cadence._model import Derived
from cadence._plan import Offset
from cadence._time import MIN_US, Zone, get_zone, instant_us, on_clear, out_of_range, timedelta_us
from cadence._workdays import Hours, Workdays

__all__ = ["Calendar", "Weekday"]


class Weekday(enum.IntEnum):
    """A day of the week, Monday = 0 as in `datetime.date.weekday`."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    def __str__(self) -> str:
        return self.name.lower()

    def __repr__(self) -> str:
        return f"Weekday.{self.name}"


_DAY_NAMES = {
    **{day.name.lower(): day for day in Weekday},
    **{name: day for day, name in zip(Weekday, ("monday", "tuesday", "wednesday", "thursday", "friday",
                                                  "saturday", "sunday"), strict=True)},
}  # fmt: skip
WEEKDAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)


def _weekday(value: object, field: str) -> Weekday:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return Weekday(value)
    if isinstance(value, str) and value.strip().lower() in _DAY_NAMES:
        return _DAY_NAMES[value.strip().lower()]
    raise PolicyError(f'{field}: {show(value)} is not a weekday (use "mon" ... "sun", or 0 = Monday ... 6 = Sunday)')


def _day_set(value: object, field: str) -> list[Weekday]:
    """Weekdays from ``"mon-fri"``, ``"sat"``, ``"mon, wed"``, a weekday, or an iterable of those."""
    if isinstance(value, str):
        days: list[Weekday] = []
        for part in value.split(","):
            first, dash, last = part.partition("-")
            start = _weekday(first, field)
            end = _weekday(last, field) if dash else start
            if end < start:
                raise PolicyError(f"{field}: the range {show(part.strip())} runs backwards")
            days.extend(Weekday(d) for d in range(start, end + 1))
        return days
    if isinstance(value, Iterable):
        return [day for item in value for day in _day_set(item, field)]
    return [_weekday(value, field)]


def _workdays(value: object) -> tuple[Weekday, ...]:
    return tuple(sorted(set(_day_set(value, "Calendar.workdays"))))


_CLOCK = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")
_DAY = 86_400  # seconds: "24:00"


def _clock(text: str, field: str) -> int:
    match = _CLOCK.fullmatch(text)
    if match is None or int(match.group(2)) >= 60 or int(match.group(1)) * 60 + int(match.group(2)) > 24 * 60:
        raise PolicyError(f'{field}: {show(text.strip())} is not a time of day (use "HH:MM", from "00:00" to "24:00")')
    return (int(match.group(1)) * 60 + int(match.group(2))) * 60


def _intervals(value: object, field: str) -> Hours:
    """``"09:00-12:00, 13:30-18:00"`` (or a list of such strings) as sorted (start, end) seconds of the day.

    An interval that ends before it starts (``"19:00-05:00"``) runs past midnight: its end is counted from the
    start of the day (86,400 + 5 hours), so lengths and overlaps are plain subtraction and comparison.
    """
    texts: list[str] = []
    for item in [value] if isinstance(value, str) else value if isinstance(value, Iterable) else [value]:
        if not isinstance(item, str):
            raise PolicyError(f'{field}: working hours must be strings such as "09:00-18:00" (got {show(item)})')
        texts.extend(part for part in item.split(",") if part.strip())
    spans = []
    for text in texts:
        opens, dash, closes = text.partition("-")
        if not dash:
            raise PolicyError(f'{field}: {show(text.strip())} is not an interval (use "09:00-18:00")')
        start, end = _clock(opens, field), _clock(closes, field)
        if start == _DAY:
            raise PolicyError(f'{field}: {show(text.strip())} starts at "24:00", the end of the day (use "00:00")')
        if start == end:
            raise PolicyError(f"{field}: {show(text.strip())} is empty (a shift past midnight ends before it starts, "
                              f'such as "19:00-05:00")')  # fmt: skip
        spans.append((start, end if end > start else end + _DAY))  # an end before the start is the next day's
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise PolicyError(
                f"{field}: working hours {_span_text(spans)} overlap (one interval at most may run past midnight, "
                "and it must be the last)"
                if end > _DAY
                else f"{field}: working hours {_span_text(spans)} overlap"
            )
    return tuple(spans)


def _tails_fit(week: tuple[Hours, ...], field: str) -> tuple[Hours, ...]:
    """``week`` if no weekday's shift past midnight runs into the next weekday's own hours (as written, whether
    either is a working day), else a PolicyError naming both."""
    for day, hours in enumerate(week):
        following = week[(day + 1) % 7]
        if hours and following and hours[-1][1] - _DAY > following[0][0]:
            raise PolicyError(
                f"{field}: {Weekday(day)}'s {_span_text(hours[-1:])} runs past midnight into "
                f"{Weekday((day + 1) % 7)}'s {_span_text(following[:1])}"
            )
    return week


def _hours(value: object) -> tuple[Hours, ...] | None:
    """Working hours for all seven weekdays, Monday first; a weekday without hours has ``()``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        week: list[Hours | None] = [None] * 7
        for key, spec in value.items():
            field = f"Calendar.hours[{key}]"
            for day in _day_set(key, field):
                if week[day] is not None:
                    raise PolicyError(f"{field}: {day} has working hours twice")
                week[day] = _intervals(spec, field)
        return _tails_fit(tuple(hours or () for hours in week), "Calendar.hours")
    if _is_canonical(value):  # as stored, passed again by attrs.evolve
        canonical = (_intervals(_span_text(day), f"Calendar.hours[{Weekday(i)}]") for i, day in enumerate(value))
        return _tails_fit(tuple(canonical), "Calendar.hours")
    same = _intervals(value, "Calendar.hours")
    return _tails_fit((same,) * 7, "Calendar.hours")


def _is_canonical(value: object) -> TypeGuard[tuple[Hours, ...]]:
    return (
        isinstance(value, tuple)
        and len(value) == 7
        and all(isinstance(day, tuple) and all(isinstance(span, tuple) for span in day) for day in value)
    )


def _holidays(value: object) -> frozenset[date]:
    return _dates(value, "Calendar.holidays")


def _extra_workdays(value: object) -> frozenset[date]:
    return _dates(value, "Calendar.extra_workdays")


def _dates(value: object, field: str) -> frozenset[date]:
    if isinstance(value, (str, date)) or not isinstance(value, Iterable):
        raise PolicyError(f"{field} must be a collection of dates (got {show(value)})")
    days = set()
    for item in value:
        if isinstance(item, str):
            try:
                item = date.fromisoformat(item.strip())
            except ValueError:
                raise PolicyError(f"{field}: {show(item)} is not a date (use YYYY-MM-DD)") from None
        if isinstance(item, datetime) or not isinstance(item, date):
            raise PolicyError(f"{field}: {show(item)} is not a date (a datetime.date or YYYY-MM-DD)")
        days.add(date(item.year, item.month, item.day))
    return frozenset(days)


def _holiday_years(value: object) -> frozenset[int] | None:
    """None (coverage not known), a year, or years from 1 to 9999."""
    if value is None:
        return None
    items = value if isinstance(value, Iterable) and not isinstance(value, (str, bytes)) else [value]
    years = set()
    for year in items:
        if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
            raise PolicyError(
                f"Calendar.holiday_years must be the years the holidays cover, such as [2025, 2026], or None "
                f"(got {show(value)})"
            )
        years.add(year)
    if not years:
        raise PolicyError("Calendar.holiday_years must name at least one year, or be None (coverage not known)")
    return frozenset(years)


def _span_text(spans: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in spans)


def _hhmm(second: int) -> str:
    """A clock time; past 24:00 (the end of a shift past midnight), the next day's."""
    if second > _DAY:
        second -= _DAY
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}"


def _hours_repr(hours: tuple[Hours, ...] | None) -> str:
    if hours is None:
        return "None"
    if len(set(hours)) == 1:
        return repr(_span_text(hours[0]))
    return repr({str(Weekday(i)): _span_text(day) for i, day in enumerate(hours) if day})


class _CalendarSlots(Derived):
    __slots__ = ("_work", "_zone")
    _zone: Zone
    _work: Workdays  # the compiled working days (ids of this process: rebuilt when unpickled)


@attrs.frozen
class Calendar(_CalendarSlots):
    """Working time in one IANA time zone: working weekdays, optional working hours, holidays, extra working days.

    - ``workdays``: the working weekdays (``"mon-fri"``, ``["mon", "tue"]``, ``Weekday`` values or 0-6);
      Monday to Friday by default;
    - ``hours``: ``None`` (a working date is working all day), one schedule for every day
      (``"09:00-12:00, 13:30-18:00"``), or a mapping by weekday (``{"mon-fri": "09:00-18:00", "sat":
      "09:00-12:00"}``); intervals may not overlap, and ``"24:00"`` ends a day. An interval that ends before it
      starts (``"19:00-05:00"``) runs past midnight and belongs to the date it starts on, whether or not the next
      date is a working date; it must be the day's last, and may not run into the next weekday's own hours. An
      interval that ends where it starts (``"09:00-09:00"``) is empty and refused;
    - ``holidays``: dates off (``date`` values or ``"YYYY-MM-DD"``);
    - ``extra_workdays``: dates on even though their weekday is off, such as the official make-up working
      weekends in mainland China;
    - ``holiday_years``: the years the holidays and extra working days cover (`from_holidays` sets them); counting
      working dates or hours in another year emits a `CalendarCoverageWarning` (see docs/calendars.md). None
      (the default): not known, nothing is checked.

    Wall times are read in the zone the calendar is applied in: one that exists twice is the first, one inside
    a daylight-saving gap is the gap's end. Equal calendars compare and hash equal.

    - ``hours_zone``: an IANA zone in which working time is counted, whatever zone the calendar is applied in: a
      support team's hours in its own zone for customers in other zones (business hours, `working_time_between`
      and `add` with hours then count the team's working hours, while local dates, and so business days and where
      they open, stay the customer's). None (the default): the zone the calendar is applied in.

    >>> Calendar("Europe/Berlin", hours={"mon-thu": "09:00-17:00", "fri": "09:00-13:00"})
    Calendar(timezone='Europe/Berlin', workdays=(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI), \
hours={'mon': '09:00-17:00', 'tue': '09:00-17:00', 'wed': '09:00-17:00', 'thu': '09:00-17:00', 'fri': '09:00-13:00'}, \
holidays=frozenset(), extra_workdays=frozenset(), hours_zone=None, holiday_years=None)
    """

    timezone: str
    workdays: tuple[Weekday, ...] = attrs.field(default=WEEKDAYS, converter=_workdays)
    hours: tuple[Hours, ...] | None = attrs.field(default=None, converter=_hours, repr=_hours_repr)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_holidays)
    extra_workdays: frozenset[date] = attrs.field(default=frozenset(), converter=_extra_workdays)
    hours_zone: str | None = None
    holiday_years: frozenset[int] | None = attrs.field(default=None, converter=_holiday_years)

    def __attrs_post_init__(self) -> None:
        zone = get_zone(self.timezone, "Calendar.timezone")
        hours_zone = None if self.hours_zone is None else get_zone(self.hours_zone, "Calendar.hours_zone")
        if not self.workdays:
            raise PolicyError("Calendar.workdays must name at least one weekday: a calendar with no working day")
        if self.hours is not None:
            for day in self.workdays:
                if not self.hours[day]:
                    raise PolicyError(f"Calendar.hours: {day} is a working day but has no working hours")
            for extra in sorted(self.extra_workdays):
                if not self.hours[extra.weekday()]:
                    raise PolicyError(
                        f"Calendar.extra_workdays: {extra} is a {Weekday(extra.weekday())} and Calendar.hours "
                        f"has no working hours for {Weekday(extra.weekday())}"
                    )
        both = self.holidays & self.extra_workdays
        if both:
            raise PolicyError(
                f"Calendar.holidays and Calendar.extra_workdays both hold {', '.join(map(str, sorted(both)))}"
            )
        object.__setattr__(self, "_zone", zone)
        work = _compile(self.workdays, self.hours, self.holidays, self.extra_workdays, hours_zone, self.holiday_years)
        object.__setattr__(self, "_work", work)

    @classmethod
    def from_holidays(
        cls,
        country: str,
        *,
        years: int | Iterable[int],
        timezone: str,
        subdiv: str | None = None,
        workdays: object = None,
        hours: object = None,
        hours_zone: str | None = None,
    ) -> Calendar:
        """A calendar with a country's (or region's) public holidays and official extra working days.

        Holiday data comes from the ``holidays`` package (``pip install "cadence[holidays]"``) for the given
        ``years``, which become `holiday_years`: dates outside them have no holidays, and counting on them emits a
        `CalendarCoverageWarning`, so cover every year the policy will count in.
        ``workdays`` defaults to the country's working week (``holidays`` knows where the weekend is Friday and
        Saturday). Mainland China's make-up working weekends (``CN``) come in as ``extra_workdays``.
        """
        try:
            import holidays as holiday_data
        except ImportError:
            raise PolicyError(
                'Calendar.from_holidays needs the "holidays" package: pip install "cadence[holidays]"'
            ) from None
        year_list = [years] if isinstance(years, int) else list(years) if isinstance(years, Iterable) else None
        if not year_list or not all(isinstance(y, int) and not isinstance(y, bool) and 1 <= y <= 9999
                                    for y in year_list):  # fmt: skip
            raise PolicyError(f"Calendar.from_holidays years: expected a year or years such as range(2025, 2028) "
                              f"(got {show(years)})")  # fmt: skip
        if not isinstance(country, str) or not country:
            raise PolicyError(
                f'Calendar.from_holidays country: expected a country code such as "DE" (got {show(country)})'
            )
        if subdiv is not None and (not isinstance(subdiv, str) or not subdiv):
            raise PolicyError(
                f'Calendar.from_holidays subdiv: expected a region code such as "BY", or none (got {show(subdiv)})'
            )
        try:
            source = holiday_data.country_holidays(country, subdiv=subdiv, years=year_list)
        except (NotImplementedError, KeyError, ValueError, TypeError) as error:
            raise PolicyError(
                f"Calendar.from_holidays country/subdiv: {error} (country {show(country)}, subdiv {show(subdiv)})"
            ) from None
        wanted = set(year_list)
        extra = {day for day in getattr(source, "weekend_workdays", ()) if day.year in wanted}
        if workdays is None:
            workdays = [day for day in Weekday if day not in source.weekend]
        return cls(timezone, workdays=workdays, hours=hours, holidays=set(source.keys()) - extra, extra_workdays=extra,
                   hours_zone=hours_zone, holiday_years=wanted)  # fmt: skip

    def in_zone(self, timezone: str) -> Calendar:
        """The same working days, hours and holidays, read in another time zone (a customer's own)."""
        return _in_zone(self, timezone)

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working date: a working weekday that is no holiday, or an extra working day, and a
        date the calendar's zone has (Pacific/Apia skipped 30 December 2011)."""
        return self._work.is_working_in(self._zone, _ordinal(day, "day"))

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working date, else the next working date."""
        try:
            return date.fromordinal(self._work.next_working_in(self._zone, _ordinal(day, "day")))
        except (ValueError, OverflowError):
            raise InputError(f"the next working day after {day} is past the year 9999") from None

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th working date after ``day`` (``day`` itself for n = 0), or before it for a negative n, without
        walking day by day.

        >>> from datetime import date
        >>> Calendar("UTC").add_business_days(date(2026, 3, 6), 1)  # a Friday
        datetime.date(2026, 3, 9)
        >>> Calendar("UTC").add_business_days(date(2026, 3, 9), -1)
        datetime.date(2026, 3, 6)
        """
        if type(n) is not int:
            raise InputError(f"n must be a whole number of business days (got {show(n)})")
        ordinal = day.toordinal() if type(day) is date else _ordinal(day, "day")
        if n < 0:
            return date.fromordinal(self._work.nth_before_in(self._zone, ordinal, -n))
        try:
            return date.fromordinal(self._work.nth_after_in(self._zone, ordinal, n))
        except (ValueError, OverflowError):
            raise InputError(f"{n} business days after {day} is past the year 9999") from None

    def business_days_between(self, start: date, end: date) -> int:
        """How many working dates lie after ``start``, up to and including ``end``; negative when ``end`` is
        before ``start``. The inverse of `add_business_days`: ``business_days_between(day, add_business_days(day,
        n)) == n``.

        >>> from datetime import date
        >>> Calendar("UTC").business_days_between(date(2026, 3, 6), date(2026, 3, 9))  # Friday to Monday
        1
        """
        first, last = _ordinal(start, "start"), _ordinal(end, "end")
        work, zone = self._work, self._zone
        return work.count_in(zone, first, last) if first <= last else -work.count_in(zone, last, first)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The working time from ``start`` to ``end``: time inside working hours (on a calendar without hours,
        all of each working date), measured in real time across daylight-saving changes; negative when ``end``
        is before ``start``. The inverse of `add` with business hours.

        >>> cal = Calendar("Europe/Berlin", hours="09:00-18:00")
        >>> cal.working_time_between(pendulum.datetime(2026, 3, 6, 17, tz="Europe/Berlin"),
        ...                          pendulum.datetime(2026, 3, 9, 12, tz="Europe/Berlin"))
        datetime.timedelta(seconds=14400)
        """
        first, last = instant_us(start, "start"), instant_us(end, "end")
        if first <= last:
            return timedelta_us(self._work.worked_between(self._zone, first, last))
        return -timedelta_us(self._work.worked_between(self._zone, last, first))

    def working_hours(self, day: date) -> list[tuple[pendulum.DateTime, pendulum.DateTime]]:
        """The working intervals of ``day`` as instants in this calendar's zone (empty on a day off): where business
        days open; business hours count those of ``hours_zone`` when it is set. A shift past midnight is the last,
        and ends on the next date."""
        zone, ordinal = self._zone, _ordinal(day, "day")
        self._work.cover(ordinal, ordinal)
        intervals = self._work.intervals(zone, ordinal)
        return [(zone.to_datetime(start), zone.to_datetime(end)) for start, end in intervals]

    def add(self, instant: datetime, duration: Duration | str | timedelta) -> pendulum.DateTime:
        """When a deadline of ``duration`` after ``instant`` is due, by the rules a `Rule` uses.

        Exact durations add exact time; calendar days give the start of the local due date; business days the
        start of the n-th working date after the local date (of its working hours, if any); business hours count
        working time only. A negative business duration counts back: ``-n`` business days give the start of the
        n-th working date before the local date, and business hours the latest instant from which that much
        working time leads to ``instant``. Zero business days give ``instant`` itself on a working date, else the
        start of the next working date (as pandas rolls a zero business-day offset forward).

        >>> cal = Calendar("Europe/Berlin", hours="09:00-18:00")
        >>> friday_evening = pendulum.datetime(2026, 3, 6, 17, tz="Europe/Berlin")
        >>> cal.add(friday_evening, "4bh").isoformat()
        '2026-03-09T12:00:00+01:00'
        >>> cal.add(pendulum.datetime(2026, 3, 9, 10, tz="Europe/Berlin"), "-2bh").isoformat()
        '2026-03-06T17:00:00+01:00'
        """
        parsed = parse_duration(duration, field="duration")
        start, zone = instant_us(instant, "instant"), self._zone
        if isinstance(parsed, BusinessDays) and not parsed.days:  # on a working date, the instant; else the next
            day = zone.local_ordinal(start)
            if self._work.is_working_in(zone, day):
                return zone.to_datetime(start)
            return zone.to_datetime(self._work.opening(zone, self._work.next_working_in(zone, day)))
        if isinstance(parsed, BusinessDays) and parsed.days < 0:
            opening = self._work.opening(zone, self._work.nth_before_in(zone, zone.local_ordinal(start), -parsed.days))
            if opening < MIN_US:
                raise out_of_range(f"{parsed} before {instant.isoformat()}")
            return zone.to_datetime(opening)
        if isinstance(parsed, BusinessHours) and parsed.seconds < 0:
            return zone.to_datetime(self._work.subtract_hours(zone, start, -parsed.microseconds))
        due, _ = Offset(parsed, self._work).due(zone, start)
        return zone.to_datetime(due)


def _ordinal(day: object, field: str) -> int:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InputTypeError(
            f"{field} must be a date (got {show(day)}); for a datetime, take .date() in the zone meant"
        )
    return day.toordinal()


@functools.lru_cache(maxsize=256)
def _in_zone(calendar: Calendar, timezone: str) -> Calendar:
    return calendar if calendar.timezone == timezone else attrs.evolve(calendar, timezone=timezone)


@functools.lru_cache(maxsize=256)
def _compile(
    workdays: tuple[Weekday, ...],
    hours: tuple[Hours, ...] | None,
    holidays: frozenset[date],
    extras: frozenset[date],
    hours_zone: Zone | None,
    coverage: frozenset[int] | None,
) -> Workdays:
    """One compiled `Workdays` per distinct calendar (whatever its zone), so caches keyed by it are shared."""
    ordinals = (d.toordinal() for d in holidays), (d.toordinal() for d in extras)
    return Workdays(workdays, *ordinals, hours, hours_zone, coverage)


on_clear(_compile.cache_clear)
on_clear(_in_zone.cache_clear)
