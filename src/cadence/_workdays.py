"""Working-date and working-hour arithmetic on integers, compiled once per `Calendar`.

Dates are proleptic Gregorian ordinals (``date.toordinal()``), instants microseconds since the epoch. Adding n
working dates never walks day by day: outside the span of the calendar's exceptions (holidays on working
weekdays, extra working days on days off) the weekly pattern gives the answer by arithmetic; inside it, a sorted
list of the working dates gives it by one bisection. Working hours are turned into instants per (zone, date) and
cached on the zone, so daylight-saving days are counted in real time; adding working time is one bisection on a
per-zone ledger of the working time before each working date.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date

from cadence._time import Zone, next_id
from cadence.errors import InputError

Hours = tuple[tuple[int, int], ...]
"""Working intervals of one weekday: (start, end) in seconds since local midnight, sorted, not overlapping."""


def weekday(ordinal: int) -> int:
    """Monday = 0 ... Sunday = 6 (ordinal 1, 1 January of year 1, was a Monday)."""
    return (ordinal + 6) % 7


class Workdays:
    """The working dates and hours of a calendar, independent of any time zone."""

    __slots__ = (
        "_after",
        "_dates",
        "_extras",
        "_high",
        "_holidays",
        "_last",
        "_low",
        "_pattern",
        "_per_week",
        "hours",
        "id",
    )

    def __init__(
        self, workdays: Iterable[int], holidays: Iterable[int], extras: Iterable[int], hours: tuple[Hours, ...] | None
    ) -> None:
        self.id = next_id()
        pattern = tuple(day in set(workdays) for day in range(7))
        self._pattern = pattern
        self._per_week = sum(pattern)
        # _after[w][r]: how many days after a date of weekday w the (r + 1)-th pattern working date falls.
        self._after = tuple(tuple(j for j in range(1, 8) if pattern[(w + j) % 7]) for w in range(7))
        self._holidays = frozenset(holidays)
        self._extras = frozenset(extras)
        self.hours = hours
        # (zone, instant, ledger, position) of the last add_hours result, which a business-hour grace starts from.
        self._last: tuple[Zone, int, _Ledger, int] | None = None
        exceptions = [o for o in self._holidays if pattern[weekday(o)]]
        exceptions += [o for o in self._extras if not pattern[weekday(o)]]
        # Outside [_low, _high] the weekly pattern holds; inside, _dates lists the working dates.
        self._low = min(exceptions, default=0)
        self._high = max(exceptions, default=0)
        self._dates = [o for o in range(self._low, self._high + 1) if exceptions and self.is_working(o)]

    def is_working(self, ordinal: int) -> bool:
        """True if the date is a working date: a working weekday that is not a holiday, or an extra working day."""
        if ordinal in self._extras:
            return True
        return self._pattern[weekday(ordinal)] and ordinal not in self._holidays

    def nth_after(self, ordinal: int, n: int) -> int:
        """The n-th working date after ``ordinal`` (``ordinal`` itself for n = 0); n >= 0."""
        if n <= 0:
            return ordinal
        dates, low, high = self._dates, self._low, self._high
        if ordinal >= high:
            return self._pattern_nth(ordinal, n)
        if ordinal < low - 1:
            before = self._pattern_count(ordinal, low - 1)
            if n <= before:
                return self._pattern_nth(ordinal, n)
            n -= before
            ordinal = low - 1
        index = bisect_right(dates, ordinal) + n - 1
        if index < len(dates):
            return dates[index]
        return self._pattern_nth(high, index - len(dates) + 1)

    def next_working(self, ordinal: int) -> int:
        """``ordinal`` if it is a working date, else the next working date."""
        return ordinal if self.is_working(ordinal) else self.nth_after(ordinal, 1)

    def longest_span(self, n: int) -> int:
        """The most days from a date to the n-th working date after it, anywhere on this calendar (for lint)."""
        if n <= 0:
            return 0
        longest = max(self._pattern_nth(ordinal, n) - ordinal for ordinal in range(7, 14))  # each weekday once
        if self._high:  # around the exceptions
            longest = max(longest, *(self.nth_after(o, n) - o for o in range(self._low - 7, self._high + 1)))
        return longest

    def _pattern_nth(self, ordinal: int, n: int) -> int:
        weeks, rest = divmod(n - 1, self._per_week)
        return ordinal + 7 * weeks + self._after[weekday(ordinal)][rest]

    def _pattern_count(self, start: int, end: int) -> int:
        """How many pattern working dates lie in (start, end]."""
        weeks, rest = divmod(end - start, 7)
        first = weekday(start)
        return weeks * self._per_week + sum(self._pattern[(first + j) % 7] for j in range(1, rest + 1))

    def intervals(self, zone: Zone, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The working intervals of a date as (start, end) instants in ``zone``; empty on a day off.

        Without working hours a working date is working from its first instant to the next date's.
        """
        key = ordinal << 32 | self.id
        hit: tuple[tuple[int, int], ...] | None = zone.cache.get(key)
        if hit is None:
            if not self.is_working(ordinal):
                hit = ()
            elif self.hours is None:
                hit = ((zone.day_start(ordinal), zone.day_start(ordinal + 1)),)
            else:
                hit = tuple(
                    (zone.wall_instant(ordinal, start), zone.wall_instant(ordinal, end))
                    for start, end in self.hours[weekday(ordinal)]
                )
            zone.cache_put(key, hit)
        return hit

    def opening(self, zone: Zone, ordinal: int) -> int:
        """When a working date's work starts: its first working hour, or its first instant without hours."""
        if self.hours is None:
            return zone.day_start(ordinal)
        return self.intervals(zone, ordinal)[0][0]

    def add_hours(self, zone: Zone, start: int, us: int) -> int:
        """The instant after ``us`` microseconds of working time, counted from instant ``start``.

        Working time is measured on a cumulative axis (`_Ledger`), so the cost does not grow with ``us``.
        """
        if us <= 0:
            return start
        key = -self.id  # negative: never a date-keyed entry
        memo = self._last
        ledger: _Ledger
        if memo is not None and memo[1] == start and memo[0] is zone and zone.cache.get(key) is memo[2]:
            ledger, position = memo[2], memo[3]  # start is the last result: a grace after a deadline
        else:
            day = zone.local_ordinal(start)
            cached: _Ledger | None = zone.cache.get(key)
            ledger = (
                cached if cached is not None and cached.first <= day <= cached.last else self._ledger(zone, day, day)
            )
            position = ledger.position(self, zone, day, start)
        target = position + us
        while target > ledger.worked[-1]:
            day = zone.local_ordinal(start)
            ledger = self._ledger(zone, day, ledger.last + max(732, ledger.last - ledger.first))
            target = ledger.position(self, zone, day, start) + us  # the ledger may start elsewhere now
        index = bisect_left(ledger.worked, target) - 1  # worked[index] < target <= worked[index + 1]
        rest = target - ledger.worked[index]
        for begin, end in self.intervals(zone, ledger.dates[index]):
            if rest <= end - begin:
                self._last = (zone, begin + rest, ledger, target)
                return begin + rest
            rest -= end - begin
        raise AssertionError("unreachable: the ledger's day holds the target")  # pragma: no cover

    def _ledger(self, zone: Zone, low: int, high: int) -> _Ledger:
        """This calendar's working-time ledger in ``zone``, covering dates ``low`` to ``high`` at least."""
        key = -self.id
        ledger: _Ledger | None = zone.cache.get(key)
        if ledger is not None and ledger.first <= low and high <= ledger.last:
            return ledger
        first, last = low - 366, high + 732
        if ledger is not None and ledger.first - 1100 <= high and low <= ledger.last + 1100:
            # Near the current ledger: grow it. A far-away request starts a new one instead of spanning the gap.
            first, last = min(ledger.first, first), max(ledger.last, last)
        first, last = max(first, 1), min(last, _LAST_ORDINAL)
        if ledger is not None and (first, last) == (ledger.first, ledger.last):
            raise InputError("date arithmetic left the supported range of years 1-9999 (business hours)")
        return zone.cache_put(key, _Ledger(self, zone, first, last))


_LAST_ORDINAL = date.max.toordinal() - 1  # the day start of the last date needs the next one


class _Ledger:
    """Working dates from ``first`` to ``last`` in one zone, with the working time before each one.

    ``worked[i]`` is the working time (microseconds) of ``dates[:i]``; ``worked`` has one more entry than
    ``dates``, the total.
    """

    __slots__ = ("dates", "first", "last", "worked")

    def __init__(self, work: Workdays, zone: Zone, first: int, last: int) -> None:
        self.first, self.last = first, last
        self.dates = [o for o in range(first, last + 1) if work.is_working(o)]
        self.worked = [0]
        total = 0
        for ordinal in self.dates:
            total += sum(end - begin for begin, end in work.intervals(zone, ordinal))
            self.worked.append(total)

    def position(self, work: Workdays, zone: Zone, day: int, start: int) -> int:
        """Where instant ``start``, on local date ``day`` (covered), lies on this ledger's axis of working time."""
        index = bisect_left(self.dates, day)
        position = self.worked[index]
        if index < len(self.dates) and self.dates[index] == day:
            for begin, end in work.intervals(zone, day):
                if begin < start:
                    position += (end if end < start else start) - begin
        return position
