"""Instants as integer microseconds since the Unix epoch, and local-date arithmetic on them.

Everything inside the calculator works on these integers; pendulum objects are made only at the edges. The rules
for wall times that do not exist or exist twice are spelled out in `Zone.day_start`.
"""

from __future__ import annotations

import itertools
import weakref
import zoneinfo
from bisect import bisect_left, bisect_right
from calendar import isleap
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, TypeVar

import pendulum

from cadence._errors import CadenceError, InputError, InputTypeError, PolicyError, show

__all__ = ["clear_caches", "set_cache_budget"]

_T = TypeVar("_T")

US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
HOUR_US = 3_600 * US
DAY_US = 86_400 * US
MAX_ORDINAL = date.max.toordinal()
# The instants cadence accepts and makes: from 0001-01-02 to just before 9999-12-31 (UTC). UTC offsets are under
# 24 hours, so the local date of each of them in every zone lies within the years 1-9999 that datetime can show.
MIN_US = (date(1, 1, 2).toordinal() - EPOCH_ORDINAL) * DAY_US
MAX_US = (date(9999, 12, 31).toordinal() - EPOCH_ORDINAL) * DAY_US - 1
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_ids = itertools.count(1)


def next_id() -> int:
    """A process-wide unique id for a compiled object whose results are cached per zone under `cache_key`."""
    return next(_ids)


def cache_key(owner: int, ordinal: int) -> int:
    """The zone-cache key of ``owner``'s (an id from `next_id`) result for a date ordinal or a year.

    Ordinals and years lie in 1 ... 3,652,059 < 2**22, so keys of different owners or dates never collide, whatever
    the number of owners; a key for anything outside that range is refused (never read from another's slot).
    """
    if not 0 < ordinal <= MAX_ORDINAL:
        raise out_of_range(f"a date {ordinal - EPOCH_ORDINAL} days after 1970-01-01")
    return owner << 22 | ordinal


# The zone caches share one budget of entries (an entry is a day start, an offset, a threshold tuple, or one date
# of a working-time table): when it is spent, every zone's cache is emptied and refilled as needed. Each entry
# holds at most a few hundred bytes, so the default budget bounds the caches at about 100 MB in all.
DEFAULT_CACHE_BUDGET = 400_000
_budget = DEFAULT_CACHE_BUDGET
_spent = 0
_zones: weakref.WeakSet[Zone] = weakref.WeakSet()
_clear_hooks: list[Any] = []


def clear_caches() -> None:
    """Empty every cache `cadence` keeps (zones, compiled calendars); results stay the same, only slower at first.

    Caches never change an answer: they hold results computed from immutable inputs, under keys that cannot
    collide. They are bounded together by `set_cache_budget`; call this to free their memory at once, for example
    in a long-running server after a batch.
    """
    _flush()
    for hook in _clear_hooks:
        hook()


def set_cache_budget(entries: int) -> int:
    """Bound the entries that the per-zone caches hold together (default 400,000, about 100 MB at most); returns
    the previous budget. A smaller budget saves memory and costs recomputation; 0 disables caching."""
    global _budget
    if type(entries) is not int or entries < 0:
        raise InputTypeError(f"entries must be a whole number >= 0 (got {show(entries)})")
    previous, _budget = _budget, entries
    _flush()
    return previous


def on_clear(hook: Any) -> None:
    """Call ``hook()`` from `clear_caches` (for caches kept outside the zones, such as compiled calendars)."""
    _clear_hooks.append(hook)


def _flush() -> None:
    global _spent
    for zone in list(_zones):
        zone.cache.clear()
        zone.texts.clear()
        zone._offsets.clear()
        zone._varies.clear()
    _spent = 0


def _spend(weight: int) -> bool:
    """Count ``weight`` entries against the budget, emptying every cache first when it is spent; False when
    caching is off."""
    global _spent
    if _spent + weight > _budget:
        _flush()
        if weight > _budget:
            return False
    _spent += weight
    return True


def instant_us(value: object, field: str) -> int:
    """Return ``value`` (an aware datetime) as microseconds since the epoch, or raise naming ``field``.

    Instants from 0001-01-02 to 9999-12-30 (UTC) are accepted: their local date in every zone is a date.
    """
    if not isinstance(value, datetime):
        raise InputTypeError(f"{field} must be a timezone-aware datetime (got {show(value)})", field=field, value=value)
    try:
        offset = value.utcoffset()
    except (ValueError, TypeError) as error:
        raise InputError(
            f"{field}: its time zone {show(value.tzinfo)} gives no valid UTC offset ({error})", field=field, value=value
        ) from None
    if offset is None:
        raise InputError(
            f"{field} is a naive datetime ({value.isoformat()}); give it a time zone, "
            "for example pendulum.datetime(..., tz='Europe/Berlin')",
            field=field,
            value=value,
        )
    # datetime.__sub__ rather than `-`: pendulum's subtraction builds a slow Interval object.
    delta = datetime.__sub__(value, _EPOCH)
    us = (delta.days * 86_400 + delta.seconds) * US + delta.microseconds
    if not MIN_US <= us <= MAX_US:
        raise InputError(
            f"{field} ({value.isoformat()}) is outside the supported range: from 0001-01-02 to 9999-12-30 (UTC)",
            field=field,
            value=value,
        )
    return us


def out_of_range(what: str) -> InputError:
    """The error for a result outside years 1-9999."""
    return InputError(f"date arithmetic left the supported range of years 1-9999 ({what})")


def add_calendar(ordinal: int, months: int, days: int) -> int:
    """Move a date ordinal by ``months`` (clamped at the month end) and then by ``days``."""
    if months:
        d = date.fromordinal(ordinal)
        month_index = d.year * 12 + d.month - 1 + months
        year, month = divmod(month_index, 12)
        month += 1
        if not 1 <= year <= 9999:
            raise out_of_range(f"year {year}")
        last = 29 if month == 2 and isleap(year) else _MONTH_DAYS[month - 1]
        ordinal = date(year, month, min(d.day, last)).toordinal()
    return ordinal + days


class Zone:
    """An IANA time zone with the conversions the calculator needs, cached per zone."""

    __slots__ = (
        "__weakref__",
        "_offsets",
        "_rules",
        "_skipped",
        "_varies",
        "cache",
        "key",
        "pendulum_tz",
        "stdlib_tz",
        "texts",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.stdlib_tz = zoneinfo.ZoneInfo(key)
        self.pendulum_tz = pendulum.timezone(key)
        # UTC offset in seconds per UTC hour (hour -> offset), absent for hours not seen or holding a transition.
        self._offsets: dict[int, int] = {}
        self._varies: set[int] = set()
        # Day starts (keyed by date ordinal) and results of compiled objects (keyed by `cache_key`).
        self.cache: dict[int, Any] = {}
        # ISO 8601 texts of instants (many results share a due date: each is written once).
        self.texts: dict[int, str] = {}
        self._rules: tuple[list[int], Any, int] | None = None
        self._skipped: list[int] | None = None  # the dates a change of offset jumped over (see `skipped_dates`)
        _zones.add(self)

    def __repr__(self) -> str:
        return f"Zone({show(self.key)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled as the receiving process's own Zone of that key: caches never travel between processes.
        return _zone_cached, (self.key,)

    def local_ordinal(self, us: int) -> int:
        """The proleptic Gregorian ordinal of the local date at instant ``us``."""
        hour = us // HOUR_US
        offset = self._offsets.get(hour)
        if offset is None:
            offset = self.hour_offset(hour)
            if offset is None:
                # Offsets are whole seconds, so flooring to the second never changes the local date.
                return datetime.fromtimestamp(us // US, self.stdlib_tz).toordinal()
        return (us // US + offset) // 86_400 + EPOCH_ORDINAL

    def hour_offset(self, hour: int) -> int | None:
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
            raise out_of_range(f"an instant {hour} hours after 1970-01-01") from None
        assert first is not None
        assert last is not None
        if first != last:
            self._varies.add(hour)
            return None
        offset = first.days * 86_400 + first.seconds
        if _spend(1):
            self._offsets[hour] = offset
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
            raise out_of_range(f"a due date {ordinal - EPOCH_ORDINAL} days after 1970-01-01") from None
        return self.cache_put(ordinal, start)

    def cache_put(self, key: int, value: _T, weight: int = 1) -> _T:
        """Remember ``value`` under ``key`` (see `cache_key`) in this zone's cache, as ``weight`` entries of the
        budget that all zones share."""
        if _spend(weight):
            self.cache[key] = value
        return value

    def transition_dates(self, year: int) -> list[int]:
        """The local dates (ordinals) of ``year`` that hold a change of UTC offset, so may be shorter or longer
        than 24 hours: the local date just before each change and the one just after it. Every other date of the
        year has 24 hours. (A date skipped by a change, such as 30 December 2011 in Pacific/Apia, is one of them: it
        has none.)

        The changes come from the zone's data as the standard library's zoneinfo reads it: the listed
        transitions, then the zone's yearly rule.
        """
        key = cache_key(_TRANSITIONS, year)
        hit: list[int] | None = self.cache.get(key)
        if hit is None:
            first, end = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1
            low, high = (first - 1 - EPOCH_ORDINAL) * 86_400, (end + 1 - EPOCH_ORDINAL) * 86_400
            dates: set[int] = set()
            tz = self.stdlib_tz
            for seconds in self._changes(year):
                if low <= seconds <= high:
                    before = datetime.fromtimestamp(seconds - 1, tz).toordinal()
                    after = datetime.fromtimestamp(seconds, tz).toordinal()
                    dates.update(range(min(before, after), max(before, after) + 1))  # a skipped date too
            hit = sorted(day for day in dates if first <= day < end)
            self.cache_put(key, hit)
        return hit

    def skipped_dates(self, first: int, last: int) -> list[int]:
        """The local dates (ordinals) in [``first``, ``last``] that no instant has in this zone: a change of UTC
        offset jumped over them (Pacific/Apia, 30 December 2011). Only a listed change jumps a whole day, so they
        are found once per zone (per year for a zone without readable data)."""
        if self._skipped is None:
            listed, rule, _ = self._read_rules()
            if rule is _UNKNOWN_RULES:
                out = []
                for year in range(date.fromordinal(max(first, 1)).year, date.fromordinal(last).year + 1):
                    dates = self.transition_dates(year)
                    out += [d for d in dates if first <= d <= last and self.day_start(d) == self.day_start(d + 1)]
                return out
            tz, found = self.stdlib_tz, list[int]()
            for seconds in listed:
                before = datetime.fromtimestamp(seconds - 1, tz).toordinal()
                found += range(before + 1, datetime.fromtimestamp(seconds, tz).toordinal())
            self._skipped = found
        skipped = self._skipped
        return skipped[bisect_left(skipped, first) : bisect_right(skipped, last)] if skipped else []

    def settled_from(self) -> int:
        """The first year from which the zone's changes of UTC offset follow its yearly rule alone (or there are
        none), so that a year's changes depend only on its calendar (its weekdays and leap years, and those of the
        years beside it); 10000 when that is not known."""
        return self._read_rules()[2]

    def _read_rules(self) -> tuple[list[int], Any, int]:
        if self._rules is None:
            listed, rule = _zone_rules(self.key)
            if rule is _UNKNOWN_RULES:
                settled = 10_000
            else:
                settled = datetime.fromtimestamp(listed[-1], timezone.utc).year + 2 if listed else 1
            self._rules = (listed, rule, settled)
        return self._rules

    def _changes(self, year: int) -> list[int]:
        """The changes of UTC offset (seconds since the epoch, UTC) from about a day before ``year`` to a day
        after it, and perhaps some more."""
        listed, rule, _ = self._read_rules()
        if rule is _UNKNOWN_RULES:  # no zone data to read: look at every date of these years
            return self._scan_changes(year)
        low = (date(max(year - 1, 1), 1, 1).toordinal() - EPOCH_ORDINAL) * 86_400
        high = (date(min(year + 1, 9999), 12, 31).toordinal() - EPOCH_ORDINAL) * 86_400
        changes = listed[bisect_left(listed, low) : bisect_right(listed, high)]
        if rule is not None and (not listed or high > listed[-1]):
            last_listed = listed[-1] if listed else low
            for y in range(max(year - 1, 1), min(year + 1, 9999) + 1):
                by_rule: list[int] | None = self.cache.get(cache_key(_RULE_YEARS, y))
                if by_rule is None:
                    by_rule = [s for s in rule(y) if s > last_listed]
                    self.cache_put(cache_key(_RULE_YEARS, y), by_rule)
                changes += by_rule
        return changes

    def offsets_between(self, first: int, last: int) -> tuple[list[int], list[int]]:
        """The UTC offsets from instant ``first`` to ``last`` (microseconds) as ``(changes, offsets)``: the instants
        in (``first``, ``last``] at which the offset changes, sorted, and the offset in seconds at ``first`` and
        after each change. Changes come at whole seconds, and no zone changes twice in one day."""
        _, rule, _ = self._read_rules()
        if rule is _UNKNOWN_RULES:  # no zone data to read: the offset at each UTC midnight, then each change found
            changes, offsets = [], [self.offset(first)]
            for day in range(first // DAY_US + 1, last // DAY_US + 2):
                low, high = max((day - 1) * DAY_US, first), min(day * DAY_US, last)
                if self.offset(high) != offsets[-1]:  # it changed in (low, high], at a whole second: find it
                    below, above = low // US, -(-high // US)  # seconds: the old offset at the one, the new at the other
                    while above - below > 1:
                        middle = (below + above) // 2
                        below, above = (below, middle) if self.offset(middle * US) != offsets[-1] else (middle, above)
                    changes.append(above * US)
                    offsets.append(self.offset(above * US))
            return changes, offsets
        years = range(_utc_year(first), _utc_year(last) + 1)
        changes, offsets = [], [self.offset(first)]
        for seconds in sorted({s for year in years for s in self._changes(year) if first < s * US <= last}):
            offset = self.offset(seconds * US)
            if offset != offsets[-1]:  # a change of name or of daylight saving alone is none
                changes.append(seconds * US)
                offsets.append(offset)
        return changes, offsets

    def _scan_changes(self, year: int) -> list[int]:
        """The changes of UTC offset in ``year`` found from the offset at each UTC midnight (a fallback)."""
        first = (date(year, 1, 1).toordinal() - EPOCH_ORDINAL) * 86_400
        last = (date(year, 12, 31).toordinal() - EPOCH_ORDINAL) * 86_400
        changes = []
        for seconds in range(first, last + 86_400, 86_400):
            if self.hour_offset(seconds // 3600 - 24) != self.hour_offset(seconds // 3600):
                changes.append(seconds)
        return changes

    def wall_instant(self, ordinal: int, second: int) -> int:
        """The first instant (in microseconds) whose local date and time is ``second`` seconds into local date
        ``ordinal``, or later; ``second`` = 86,400 is the start of the next date, and a ``second`` past it a wall
        time of the next date (where a shift past midnight ends).

        A wall time that exists twice is read as the first; one inside a daylight-saving gap as the end of the
        gap. Not cached: working hours cache their instants per date.
        """
        if second > 86_400:
            ordinal, second = ordinal + 1, second - 86_400
        if second == 0 or second == 86_400:
            return self.day_start(ordinal + second // 86_400)
        try:
            return self._compute_wall(ordinal, second)
        except (ValueError, OverflowError):
            raise out_of_range(f"a date {ordinal - EPOCH_ORDINAL} days after 1970-01-01") from None

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

    def offset(self, us: int) -> int:
        """The UTC offset in seconds at instant ``us``."""
        hour = us // HOUR_US
        offset = self._offsets.get(hour)
        if offset is None:
            offset = self.hour_offset(hour)
            if offset is None:
                delta = datetime.fromtimestamp(us // US, self.stdlib_tz).utcoffset()
                assert delta is not None
                return delta.days * 86_400 + delta.seconds
        return offset

    def local(self, us: int) -> tuple[int, int, int]:
        """``(local date ordinal, microsecond of the local day, UTC offset in seconds)`` at instant ``us``."""
        offset = self.offset(us)
        days, rest = divmod(us + offset * US, DAY_US)
        ordinal = days + EPOCH_ORDINAL
        if not 0 < ordinal <= MAX_ORDINAL:
            raise out_of_range(f"an instant {us // DAY_US} days after 1970-01-01")
        return ordinal, rest, offset

    def iso(self, us: int) -> str:
        """``self.to_datetime(us).isoformat()``, without making a pendulum object, remembered per instant."""
        text = self.texts.get(us)
        if text is None:
            seconds, micro = divmod(us, US)
            try:
                local = datetime.fromtimestamp(seconds, self.stdlib_tz)
            except (ValueError, OverflowError, OSError):
                raise out_of_range(f"an instant {us // DAY_US} days after 1970-01-01") from None
            text = (local.replace(microsecond=micro) if micro else local).isoformat()
            if _spend(1):
                self.texts[us] = text
        return text

    def to_datetime(self, us: int) -> pendulum.DateTime:
        """The pendulum ``DateTime`` for instant ``us``, expressed in this zone; an InputError for an instant
        whose local date in this zone is outside the years 1-9999."""
        seconds, micro = divmod(us, US)
        try:
            local = datetime.fromtimestamp(seconds, self.stdlib_tz)
        except (ValueError, OverflowError, OSError):
            raise out_of_range(f"an instant {us // DAY_US} days after 1970-01-01") from None
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


_TRANSITIONS = next_id()
_RULE_YEARS = next_id()
_UNKNOWN_RULES: Any = object()


def _zone_rules(key: str) -> tuple[list[int], Any]:
    """A zone's listed changes of UTC offset (seconds since the epoch, UTC) and, for the years after them, a
    function of a year giving that year's changes by the zone's rule (None for a zone without one).

    Read with the standard library's pure-Python zoneinfo, which exposes them; ``_UNKNOWN_RULES`` where it is
    not available (another Python), and the dates are then scanned.
    """
    try:
        from zoneinfo import _zoneinfo  # type: ignore[attr-defined]

        data = _zoneinfo.ZoneInfo.no_cache(key)
        listed = sorted(int(seconds) for seconds in data._trans_utc)
        after = data._tz_after
        if not callable(getattr(after, "transitions", None)):
            return listed, None
        # The rule gives each change as the epoch seconds of its local wall time before the change.
        std = int(after.std.utcoff.total_seconds())
        dst = int(after.dst.utcoff.total_seconds())

        def by_rule(year: int) -> list[int]:
            start, end = after.transitions(year)
            return [int(start) - std, int(end) - dst]

        return listed, by_rule
    except Exception:  # pragma: no cover - another Python's zoneinfo internals
        return [], _UNKNOWN_RULES


def _local(seconds: int, tz: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """The local (date ordinal, second of the day) at ``seconds`` since the epoch."""
    local = datetime.fromtimestamp(seconds, tz)
    return local.toordinal(), local.hour * 3600 + local.minute * 60 + local.second


def _seconds(value: datetime) -> int:
    delta = value - _EPOCH
    return delta.days * 86_400 + delta.seconds


def _utc_year(us: int) -> int:
    """The UTC year of instant ``us``."""
    return date.fromordinal(us // DAY_US + EPOCH_ORDINAL).year


@lru_cache(maxsize=1024)
def _zone_cached(key: str) -> Zone:
    return Zone(key)


def get_zone(key: object, field: str, error: type[CadenceError] = PolicyError) -> Zone:
    """The `Zone` for an IANA key, or an ``error`` naming ``field``."""
    if not isinstance(key, str) or not key:
        raise error(
            f"{field} must be an IANA time zone name such as 'Europe/Berlin' (got {show(key)})", field=field, value=key
        )
    try:
        return _zone_cached(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as cause:
        raise error(
            f"{field}: unknown time zone {show(key)} (use an IANA name such as 'Europe/Berlin')", field=field, value=key
        ) from cause


def timedelta_us(us: int) -> timedelta:
    """An exact ``timedelta`` of ``us`` microseconds."""
    return timedelta(microseconds=us)
