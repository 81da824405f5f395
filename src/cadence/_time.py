"""Instants as integer microseconds since the Unix epoch, and local-date arithmetic on them.

Everything inside the calculator works on these integers; pendulum objects are made only at the edges. The rules
for wall times that do not exist or exist twice are spelled out in `Zone.day_start`.
"""

from __future__ import annotations

import itertools
import zoneinfo
from calendar import isleap
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, TypeVar

import pendulum

from cadence.errors import InputError, InputTypeError, PolicyError

_T = TypeVar("_T")

US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
HOUR_US = 3_600 * US
_CACHE_LIMIT = 200_000
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


_ids = itertools.count(1)


def next_id() -> int:
    """A process-wide unique id for compiled objects whose results are cached per zone under ``key << 32 | id``."""
    return next(_ids)


def instant_us(value: object, field: str) -> int:
    """Return ``value`` (an aware datetime) as microseconds since the epoch, or raise naming ``field``."""
    if not isinstance(value, datetime):
        raise InputTypeError(f"{field} must be a timezone-aware datetime (got {value!r})")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{field} is a naive datetime ({value.isoformat()}); give it a time zone, "
            "for example pendulum.datetime(..., tz='Europe/Berlin')"
        )
    # datetime.__sub__ rather than `-`: pendulum's subtraction builds a slow Interval object.
    delta = datetime.__sub__(value, _EPOCH)
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def _out_of_range(what: str) -> InputError:
    return InputError(f"date arithmetic left the supported range of years 1-9999 ({what})")


def add_calendar(ordinal: int, months: int, days: int) -> int:
    """Move a date ordinal by ``months`` (clamped at the month end) and then by ``days``."""
    if months:
        d = date.fromordinal(ordinal)
        month_index = d.year * 12 + d.month - 1 + months
        year, month = divmod(month_index, 12)
        month += 1
        if not 1 <= year <= 9999:
            raise _out_of_range(f"year {year}")
        last = 29 if month == 2 and isleap(year) else _MONTH_DAYS[month - 1]
        ordinal = date(year, month, min(d.day, last)).toordinal()
    return ordinal + days


class Zone:
    """An IANA time zone with the conversions the calculator needs, cached per zone."""

    __slots__ = ("_offsets", "_varies", "cache", "key", "pendulum_tz", "stdlib_tz")

    def __init__(self, key: str) -> None:
        self.key = key
        self.stdlib_tz = zoneinfo.ZoneInfo(key)
        self.pendulum_tz = pendulum.timezone(key)
        # UTC offset in seconds per UTC hour (hour -> offset), absent for hours not seen or holding a transition.
        self._offsets: dict[int, int] = {}
        self._varies: set[int] = set()
        # Day starts (keyed by date ordinal) and thresholds of compiled plans (keyed by date << 32 | plan id).
        self.cache: dict[int, Any] = {}

    def __repr__(self) -> str:
        return f"Zone({self.key!r})"

    def local_ordinal(self, us: int) -> int:
        """The proleptic Gregorian ordinal of the local date at instant ``us``."""
        hour = us // HOUR_US
        offset = self._offsets.get(hour)
        if offset is None:
            offset = self._hour_offset(hour)
            if offset is None:
                # Offsets are whole seconds, so flooring to the second never changes the local date.
                return datetime.fromtimestamp(us // US, self.stdlib_tz).toordinal()
        return (us // US + offset) // 86_400 + EPOCH_ORDINAL

    def _hour_offset(self, hour: int) -> int | None:
        """The UTC offset in seconds throughout this UTC hour, or None if it changes inside it.

        Equal offsets at the first and last second of an hour mean one offset throughout: no zone has had two
        transitions within one hour.
        """
        if hour in self._varies:
            return None
        try:
            first = datetime.fromtimestamp(hour * 3600, self.stdlib_tz).utcoffset()
            last = datetime.fromtimestamp(hour * 3600 + 3599, self.stdlib_tz).utcoffset()
        except (ValueError, OverflowError):
            raise _out_of_range(f"an instant {hour} hours after 1970-01-01") from None
        assert first is not None
        assert last is not None
        if first != last:
            self._varies.add(hour)
            return None
        if len(self._offsets) >= _CACHE_LIMIT:
            self._offsets.clear()
        offset = self._offsets[hour] = first.days * 86_400 + first.seconds
        return offset

    def day_start(self, ordinal: int) -> int:
        """The first instant (in microseconds) whose local date is ``ordinal`` or later.

        That is local midnight where midnight exists (the first one where it exists twice); the end of the
        daylight-saving gap where midnight is skipped; and, for a date skipped entirely (30 December 2011 in
        Pacific/Apia), the first instant after it.
        """
        cached = self.cache.get(ordinal)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        try:
            start = self._compute_wall(ordinal, 0)
        except (ValueError, OverflowError):
            raise _out_of_range(f"a due date {ordinal - EPOCH_ORDINAL} days after 1970-01-01") from None
        return self.cache_put(ordinal, start)

    def cache_put(self, key: int, value: _T) -> _T:
        """Remember ``value`` under ``key`` in this zone's cache (cleared when it grows past a bound)."""
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = value
        return value

    def wall_instant(self, ordinal: int, second: int) -> int:
        """The first instant (in microseconds) whose local date and time is ``second`` seconds into local date
        ``ordinal``, or later; ``second`` = 86,400 is the start of the next date.

        A wall time that exists twice is read as the first; one inside a daylight-saving gap as the end of the
        gap. Not cached: working hours cache their instants per date.
        """
        if second == 0 or second == 86_400:
            return self.day_start(ordinal + second // 86_400)
        try:
            return self._compute_wall(ordinal, second)
        except (ValueError, OverflowError):
            raise _out_of_range(f"a date {ordinal - EPOCH_ORDINAL} days after 1970-01-01") from None

    def _compute_wall(self, ordinal: int, second: int) -> int:
        d = date.fromordinal(ordinal)
        hour, rest = divmod(second, 3600)
        # fold=0 takes the earlier of two equal wall times; inside a gap it reads the wall time with the offset
        # from before the gap, which lands at or after the gap's end.
        guess = datetime(d.year, d.month, d.day, hour, rest // 60, rest % 60, tzinfo=self.stdlib_tz)
        seconds = _seconds(guess)
        target = (ordinal, second)
        if _local(seconds, self.stdlib_tz) == target:
            return seconds * US
        # The wall time does not exist: find the first second whose local date and time is at or after it.
        low, high = seconds - 2 * 86_400, seconds
        while high - low > 1:
            mid = (low + high) // 2
            if _local(mid, self.stdlib_tz) >= target:
                high = mid
            else:
                low = mid
        return high * US

    def to_datetime(self, us: int) -> pendulum.DateTime:
        """The pendulum ``DateTime`` for instant ``us``, expressed in this zone."""
        seconds, micro = divmod(us, US)
        local = datetime.fromtimestamp(seconds, self.stdlib_tz)
        return pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            micro,
            tzinfo=self.pendulum_tz,
            fold=local.fold,
        )


def _local(seconds: int, tz: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """The local (date ordinal, second of the day) at ``seconds`` since the epoch."""
    local = datetime.fromtimestamp(seconds, tz)
    return local.toordinal(), local.hour * 3600 + local.minute * 60 + local.second


def _seconds(value: datetime) -> int:
    delta = value - _EPOCH
    return delta.days * 86_400 + delta.seconds


@lru_cache(maxsize=1024)
def _zone_cached(key: str) -> Zone:
    return Zone(key)


def get_zone(key: object, field: str, error: type[Exception] = PolicyError) -> Zone:
    """The `Zone` for an IANA key, or an ``error`` naming ``field``."""
    if not isinstance(key, str) or not key:
        raise error(f"{field} must be an IANA time zone name such as 'Europe/Berlin' (got {key!r})")
    try:
        return _zone_cached(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as cause:
        raise error(f"{field}: unknown time zone {key!r} (use an IANA name such as 'Europe/Berlin')") from cause


def timedelta_us(us: int) -> timedelta:
    """An exact ``timedelta`` of ``us`` microseconds."""
    return timedelta(microseconds=us)
