"""Working-date and working-hour arithmetic on integers, compiled once per `Calendar`.

Dates are proleptic Gregorian ordinals (``date.toordinal()``), instants microseconds since the epoch. Nothing walks
day by day, and no cost grows with the size of a duration or with the span of the holidays:

- working dates follow the weekly pattern except at the calendar's exceptions (holidays on working weekdays, extra
  working days on days off), kept sorted with running counts, so counting or adding working dates is arithmetic
  on weeks plus one bisection over the exceptions;
- working time is counted per year: a year's working time is its nominal working time (weeks and exceptions
  again) corrected on the few dates around a change of UTC offset, where the working intervals are measured in
  real time. Years are summed on a per-zone axis, and only the year where a duration ends is laid out date by
  date (a ledger of the working time before each working date, answered by bisection);
- a shift past midnight (``19:00-05:00``) belongs to the date it starts on: its working time is that date's, in that
  date's year, even where it ends on 1 January; an instant after midnight inside it lies on the previous date's shift.

When the calendar knows the years its holiday data covers, the entry points compare the dates they count with the
span of those years (two comparisons) and warn for each year outside it (`CalendarCoverageWarning`; one warning
for a run of more than ten years).

Results are cached on the zone (`Zone.cache_put`), under the budget that all caches share.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from calendar import isleap
from collections.abc import Iterable
from datetime import date

from cadence._errors import CalendarCoverageWarning, warn
from cadence._time import DAY_US, MAX_ORDINAL, MIN_US, US, Zone, cache_key, next_id, out_of_range

Hours = tuple[tuple[int, int], ...]
"""Working intervals of one weekday: (start, end) in seconds since local midnight, sorted, not overlapping; the last
may end past 86,400 (a shift past midnight, ending at that many seconds minus 86,400 into the next date)."""


def weekday(ordinal: int) -> int:
    """Monday = 0 ... Sunday = 6 (ordinal 1, 1 January of year 1, was a Monday)."""
    return (ordinal + 6) % 7


def _year_span(year: int) -> tuple[int, int]:
    """The dates [first, end) of a year that working time is counted on (the last date of 9999 has no end)."""
    return date(year, 1, 1).toordinal(), (date(year + 1, 1, 1).toordinal() if year < 9999 else MAX_ORDINAL)


class Workdays:
    """The working dates and hours of a calendar, independent of any time zone."""

    __slots__ = (
        "_after",
        "_axis_id",
        "_count_before",
        "_coverage",
        "_covered_days",
        "_covered_years",
        "_day_us",
        "_exceptions",
        "_extras",
        "_holidays",
        "_kind_id",
        "_last_exception_year",
        "_ledger_id",
        "_pattern",
        "_per_week",
        "_running_count",
        "_running_us",
        "_tails",
        "_us_before",
        "_week_us",
        "coverage",
        "hours",
        "hours_zone",
        "id",
        "overnight",
    )

    def __init__(
        self,
        workdays: Iterable[int],
        holidays: Iterable[int],
        extras: Iterable[int],
        hours: tuple[Hours, ...] | None,
        hours_zone: Zone | None = None,
        coverage: frozenset[int] | None = None,
    ) -> None:
        self.id = next_id()
        # The zone working time (business hours) is counted in, whatever zone is asked; None: the zone asked.
        self.hours_zone = hours_zone
        self._ledger_id = next_id()
        self._axis_id = next_id()
        self._kind_id = next_id()
        days = set(workdays)
        pattern = tuple(day in days for day in range(7))
        self._pattern = pattern
        self._per_week = sum(pattern)
        # _after[w][r]: how many days after a date of weekday w the (r + 1)-th pattern working date falls.
        self._after = tuple(tuple(j for j in range(1, 8) if pattern[(w + j) % 7]) for w in range(7))
        # _count_before[w][r]: pattern working dates among the r dates after a date of weekday w.
        self._count_before = tuple(
            tuple(sum(pattern[(w + j) % 7] for j in range(1, r + 1)) for r in range(7)) for w in range(7)
        )
        self._holidays = frozenset(holidays)
        self._extras = frozenset(extras)
        self.hours = hours
        # _tails[w]: how far into the next date (seconds) the shift of a date of weekday w runs; 0 if not past
        # midnight. `overnight`: whether any does, so that the paths without such shifts skip their checks.
        self._tails = tuple(0 if not hours or not hours[w] else max(hours[w][-1][1] - 86_400, 0) for w in range(7))
        self.overnight = any(self._tails)
        # The years the holiday data covers (None: not known, nothing is checked), sorted, and as spans of dates and
        # of years for the entry points' two comparisons; when the years have gaps, every check looks at them.
        self.coverage = coverage
        self._coverage = sorted(coverage or ())
        self._covered_days: tuple[int, int] | None = None
        self._covered_years: tuple[int, int] | None = None
        if coverage:
            low, high = self._coverage[0], self._coverage[-1]
            if high - low + 1 == len(coverage):
                self._covered_years = (low, high)
                self._covered_days = (date(low, 1, 1).toordinal(), date(high, 12, 31).toordinal())
            else:
                self._covered_years = self._covered_days = (1, 0)
        # Nominal working time of a working date of each weekday (wall-clock hours, or a whole day).
        self._day_us = tuple(
            DAY_US if hours is None else sum(end - start for start, end in hours[w]) * US for w in range(7)
        )
        self._week_us = sum(us for us, working in zip(self._day_us, pattern, strict=True) if working)
        # _us_before[w][r]: nominal working time of the r dates from a date of weekday w on (itself included).
        self._us_before = tuple(
            tuple(sum(self._day_us[(w + j) % 7] for j in range(r) if pattern[(w + j) % 7]) for r in range(7))
            for w in range(7)
        )
        # The exceptions to the weekly pattern, sorted, with running sums of what each changes: +1 working date
        # (and its hours) for an extra working day on a day off, -1 for a holiday on a working weekday.
        changes = sorted(
            [(o, -1) for o in self._holidays if pattern[weekday(o)] and o not in self._extras]
            + [(o, 1) for o in self._extras if not pattern[weekday(o)]]
        )
        self._exceptions = [o for o, _ in changes]
        self._last_exception_year = date.fromordinal(changes[-1][0]).year if changes else 0
        self._running_count = [0]
        self._running_us = [0]
        for o, sign in changes:
            self._running_count.append(self._running_count[-1] + sign)
            self._running_us.append(self._running_us[-1] + sign * self._day_us[weekday(o)])

    def is_working(self, ordinal: int) -> bool:
        """True if the date is a working date: a working weekday that is not a holiday, or an extra working day."""
        if ordinal in self._extras:
            return True
        return self._pattern[weekday(ordinal)] and ordinal not in self._holidays

    def cover(self, first: int, last: int) -> None:
        """Warn if the dates [first, last] reach a year the calendar's holiday data does not cover (see
        `_uncovered`; nothing when the coverage is not known)."""
        covered = self._covered_days
        if covered is not None and (first < covered[0] or last > covered[1]) and first <= last:
            self._uncovered(date.fromordinal(first).year, date.fromordinal(last).year)

    def _cover_years(self, first: int, last: int) -> None:
        """`cover` for the years [first, last] whose ledgers business hours read."""
        covered = self._covered_years
        if covered is not None and (first < covered[0] or last > covered[1]):
            self._uncovered(first, last)

    def _uncovered(self, first: int, last: int) -> None:
        """Warn for each year in [first, last] outside the coverage, or once for a run of more than ten such years
        (so the cost grows with the number of covered years, not with the span)."""
        coverage = self.coverage
        assert coverage is not None
        runs, at = [], first
        for year in self._coverage:
            if year > last:
                break
            if year > at:
                runs.append(range(at, year))
            at = max(at, year + 1)
        if at <= last:
            runs.append(range(at, last + 1))
        runs = [run for years in runs for run in ([years] if len(years) > 10 else (range(y, y + 1) for y in years))]
        for years in runs:
            named = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
            warn(
                CalendarCoverageWarning(
                    f"Calendar.holiday_years: working days of {named} were counted, but the calendar's holiday "
                    f"data covers {_years_text(coverage)}, so {named} {'has' if len(years) == 1 else 'have'} no "
                    f"holidays or extra working days; build the calendar with years that include {named}",
                    years=years,
                    covered=coverage,
                )
            )

    def count(self, start: int, end: int) -> int:
        """How many working dates lie in (start, end], for start <= end."""
        running, exceptions = self._running_count, self._exceptions
        return (
            self._pattern_count(start, end)
            + running[bisect_right(exceptions, end)]
            - running[bisect_right(exceptions, start)]
        )

    def nth_after(self, ordinal: int, n: int) -> int:
        """The n-th working date after ``ordinal`` (``ordinal`` itself for n = 0); n >= 0."""
        if n <= 0:
            return ordinal
        exceptions, running = self._exceptions, self._running_count
        first = bisect_right(exceptions, ordinal)
        if first == len(exceptions):  # no exception ahead: the weekly pattern holds
            return self._pattern_nth(ordinal, n)
        base = running[first]
        # The first exception by which n working dates are reached (counting it); the answer lies before it, or is
        # it. Working dates counted up to exception j: pattern dates + running[j + 1] - base, growing with j.
        low, high = first, len(exceptions)
        while low < high:
            mid = (low + high) // 2
            if self._pattern_count(ordinal, exceptions[mid]) + running[mid + 1] - base >= n:
                high = mid
            else:
                low = mid + 1
        previous = exceptions[low - 1] if low > first else ordinal
        done = self._pattern_count(ordinal, previous) + running[low] - base
        # Between the previous exception and the next one only the pattern holds.
        found = self._pattern_nth(previous, n - done)
        return found if low == len(exceptions) or found < exceptions[low] else exceptions[low]

    def nth_before(self, ordinal: int, n: int) -> int:
        """The n-th working date before ``ordinal`` (``ordinal`` itself for n = 0); n >= 0. A bisection over the
        dates, each step a `count`; an InputError when there are not that many working dates since year 1."""
        if n <= 0:
            return ordinal
        if ordinal <= 1 or self.count(0, ordinal - 1) < n:
            raise out_of_range(f"{n} working dates before the date {date.fromordinal(max(ordinal, 1))}")
        low, high = 1, ordinal - 1  # the answer d is the largest with n working dates in [d, ordinal)
        while low < high:
            mid = (low + high + 1) // 2
            if self.count(mid - 1, ordinal - 1) >= n:
                low = mid
            else:
                high = mid - 1
        return low

    def count_in(self, zone: Zone, start: int, end: int) -> int:
        """`count` over the local dates of ``zone``: a date the zone skipped is no working date."""
        if self._covered_days is not None:
            self.cover(start + 1, end)
        return self.count(start, end) - sum(self.is_working(d) for d in zone.skipped_dates(start + 1, end))

    def nth_after_in(self, zone: Zone, ordinal: int, n: int) -> int:
        """`nth_after` over the local dates of ``zone``: a date the zone skipped is no working date."""
        found = self._nth_after_in(zone, ordinal, n)
        if self._covered_days is not None:
            self.cover(ordinal + 1, found)
        return found

    def _nth_after_in(self, zone: Zone, ordinal: int, n: int) -> int:
        found, low = self.nth_after(ordinal, n), ordinal
        while lost := sum(self.is_working(d) for d in zone.skipped_dates(low + 1, found)):
            low, found = found, self.nth_after(found, lost)
        return found

    def nth_before_in(self, zone: Zone, ordinal: int, n: int) -> int:
        """`nth_before` over the local dates of ``zone``: a date the zone skipped is no working date."""
        found, high = self.nth_before(ordinal, n), ordinal
        while lost := sum(self.is_working(d) for d in zone.skipped_dates(found, high - 1)):
            high, found = found, self.nth_before(found, lost)
        if self._covered_days is not None:
            self.cover(found, ordinal - 1)
        return found

    def next_working_in(self, zone: Zone, ordinal: int) -> int:
        """``ordinal`` if it is a working date, else the next working date, over the local dates of ``zone``: a
        date the zone skipped is no working date."""
        working = self.is_working(ordinal) and not zone.skipped_dates(ordinal, ordinal)
        found = ordinal if working else self._nth_after_in(zone, ordinal, 1)
        if self._covered_days is not None:  # one count, one warning
            self.cover(ordinal, found)
        return found

    def is_working_in(self, zone: Zone, ordinal: int) -> bool:
        """`is_working` over the local dates of ``zone``: a date the zone skipped is no working date."""
        if self._covered_days is not None:
            self.cover(ordinal, ordinal)
        return self.is_working(ordinal) and not zone.skipped_dates(ordinal, ordinal)

    def longest_span(self, n: int) -> int:
        """The most days from a date to the n-th working date after it, anywhere on this calendar (for lint)."""
        if n <= 0:
            return 0
        span = max(self._pattern_nth(ordinal, n) - ordinal for ordinal in range(7, 14))  # each weekday once
        # A date whose span is longer has an exception within its pattern span: look just before each one.
        starts: set[int] = set()
        for exception in self._exceptions:
            starts.update(range(max(exception - span - 1, 1), exception))
            if len(starts) > 200_000:  # a very long list of exceptions: a bound is enough for lint
                break
        return max([span, *(self.nth_after(o, n) - o for o in starts)])

    def _pattern_nth(self, ordinal: int, n: int) -> int:
        weeks, rest = divmod(n - 1, self._per_week)
        return ordinal + 7 * weeks + self._after[weekday(ordinal)][rest]

    def _pattern_count(self, start: int, end: int) -> int:
        """How many pattern working dates lie in (start, end]."""
        weeks, rest = divmod(end - start, 7)
        return weeks * self._per_week + self._count_before[weekday(start)][rest]

    def nominal_us(self, start: int, end: int) -> int:
        """The wall-clock working time of the dates in [start, end), for start <= end: working hours as written,
        before daylight-saving changes lengthen or shorten them."""
        weeks, rest = divmod(end - start, 7)
        running, exceptions = self._running_us, self._exceptions
        return (
            weeks * self._week_us
            + self._us_before[weekday(start)][rest]
            + running[bisect_left(exceptions, end)]
            - running[bisect_left(exceptions, start)]
        )

    def intervals(self, zone: Zone, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The working intervals of a date as (start, end) instants in ``zone``; empty on a day off, and on a date
        the zone skipped (whose shift past midnight would otherwise end after the skip).

        Without working hours a working date is working from its first instant to the next date's.
        """
        key = cache_key(self.id, ordinal)
        hit: tuple[tuple[int, int], ...] | None = zone.cache.get(key)
        if hit is None:
            if not self.is_working(ordinal) or zone.skipped_dates(ordinal, ordinal):
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

    def _worked(self, zone: Zone, ordinal: int) -> int:
        """The real working time of one date in ``zone``."""
        return sum(end - begin for begin, end in self.intervals(zone, ordinal))

    def year_us(self, zone: Zone, year: int) -> int:
        """The real working time of a year in ``zone``: its nominal working time, corrected on the dates around
        each change of UTC offset (`Zone.transition_dates`).

        A year past this calendar's exceptions and past the zone's listed changes depends only on its calendar:
        the weekday of 1 January and which of it and the years beside it are leap years. Such years are computed
        once per kind, so summing centuries costs a few dozen years' work.
        """
        key = None
        if year > self._last_exception_year and year >= zone.settled_from():
            kind = (
                weekday(date(year, 1, 1).toordinal()) * 8 + isleap(year - 1) * 4 + isleap(year) * 2 + isleap(year + 1)
            )
            key = cache_key(self._kind_id, 1 + kind)
            hit: int | None = zone.cache.get(key)
            if hit is not None:
                return hit
        total = self.nominal_us(*_year_span(year))
        for ordinal in self._measured_dates(zone, year):
            if self.is_working(ordinal):
                total += self._worked(zone, ordinal) - self._day_us[weekday(ordinal)]
        if key is not None:
            zone.cache_put(key, total)
        return total

    def _measured_dates(self, zone: Zone, year: int) -> list[int]:
        """The dates of ``year`` whose working time is measured in real time: those that hold a change of UTC
        offset (`Zone.transition_dates`) and, on a calendar with shifts past midnight, the date before each (whose
        shift runs into it), including 31 December before a change on 1 January."""
        dates = zone.transition_dates(year)
        if not self.overnight:
            return dates
        first, end = _year_span(year)
        before = {d - 1 for d in dates if d > first}
        if year < 9999 and zone.transition_dates(year + 1)[:1] == [end]:
            before.add(end - 1)
        return sorted(before.union(dates))

    def add_hours(self, zone: Zone, start: int, us: int) -> int:
        """The instant after ``us`` microseconds of working time, counted from instant ``start``.

        The cost is one year's ledger and, for a duration that ends in a later year, a bisection over the years'
        working time: it does not grow with ``us``.
        """
        if us <= 0:
            return start
        zone = self.hours_zone or zone
        if us > (MAX_ORDINAL - zone.local_ordinal(start) + 1) * 25 * 3_600 * US:  # more than the days left hold
            raise out_of_range("business hours")
        first, position = self._place(zone, start)
        year, ledger = first, self._ledger(zone, first)
        target = position + us
        if target > ledger.worked[-1]:
            year, target = self._axis(zone).find(self, zone, year + 1, target - ledger.worked[-1])
            ledger = self._ledger(zone, year)
        if self._covered_years is not None:
            self._cover_years(first, year)
        index = bisect_left(ledger.worked, target) - 1  # worked[index] < target <= worked[index + 1]
        rest = target - ledger.worked[index]
        for begin, end in self.intervals(zone, ledger.dates[index]):
            if rest <= end - begin:
                return begin + rest
            rest -= end - begin
        raise AssertionError("unreachable: the ledger's day holds the target")  # pragma: no cover

    def subtract_hours(self, zone: Zone, end: int, us: int) -> int:
        """The latest instant from which ``us`` microseconds of working time lead to ``end`` (so an ``end`` outside
        working hours counts back from the previous closing): the inverse of `add_hours`. A bisection over
        instants, each step a `worked_between`."""
        if us <= 0:
            return end
        zone = self.hours_zone or zone
        reach = us
        while self._span(zone, max(end - reach, MIN_US), end)[0] < us:
            if end - reach <= MIN_US:
                raise out_of_range("business hours")
            reach *= 2
        low, high = max(end - reach, MIN_US), end  # worked_between(low, end) >= us
        while low < high:
            mid = (low + high + 1) // 2
            if self._span(zone, mid, end)[0] >= us:
                low = mid
            else:
                high = mid - 1
        if self._covered_years is not None:
            _, first, last = self._span(zone, low, end)  # the years of the answer, not of the probes on the way
            self._cover_years(first, last)
        return low

    def worked_between(self, zone: Zone, start: int, end: int) -> int:
        """The working time in [``start``, ``end``) in microseconds, for start <= end: what `add_hours` adds. The
        cost is a ledger at each end and one year's total per year between."""
        zone = self.hours_zone or zone
        worked, first, last = self._span(zone, start, end)
        if self._covered_years is not None and start < end:
            self._cover_years(first, last)
        return worked

    def _span(self, zone: Zone, start: int, end: int) -> tuple[int, int, int]:
        """The working time in [``start``, ``end``) in ``zone``, and the years of the ledgers it was read from."""
        first, at_first = self._place(zone, start)
        last, at_last = self._place(zone, end)
        if first == last:
            return at_last - at_first, first, last
        between = sum(self.year_us(zone, year) for year in range(first + 1, last))
        return self._ledger(zone, first).worked[-1] - at_first + between + at_last, first, last

    def _place(self, zone: Zone, instant: int) -> tuple[int, int]:
        """The year of the ledger an instant is read on, and where the instant lies on it: the year of its local
        date, or the year before for an instant on 1 January inside (or before the end of) the shift that 31
        December's hours, as written, run past midnight."""
        day = zone.local_ordinal(instant)
        year = date.fromordinal(day).year
        if self.overnight and year > 1 and day == _year_span(year)[0]:
            tail = self._tails[weekday(day - 1)]
            if tail and instant < zone.wall_instant(day, tail):
                year -= 1  # the previous year's ledger ends after its last date's whole shift
        return year, self._ledger(zone, year).position(self, zone, day, instant)

    def _ledger(self, zone: Zone, year: int) -> _Ledger:
        """This calendar's working-time ledger of one year in ``zone``."""
        key = cache_key(self._ledger_id, year)
        ledger: _Ledger | None = zone.cache.get(key)
        if ledger is None:
            ledger = _Ledger(self, zone, year)
            zone.cache_put(key, ledger, len(ledger.dates) + 1)
        return ledger

    def _axis(self, zone: Zone) -> _Axis:
        key = cache_key(self._axis_id, 1)
        axis: _Axis | None = zone.cache.get(key)
        if axis is None:
            axis = _Axis()
            zone.cache_put(key, axis, 64)  # grows by a few hundred bytes a year: counted as 64 entries
        return axis


class _Ledger:
    """The working dates of one year in one zone, with the working time before each one.

    ``worked[i]`` is the working time (microseconds) of ``dates[:i]``; ``worked`` has one more entry than
    ``dates``, the year's total.
    """

    __slots__ = ("dates", "worked")

    def __init__(self, work: Workdays, zone: Zone, year: int) -> None:
        first, end = _year_span(year)
        self.dates = [o for o in range(first, end) if work.is_working(o)]
        # Nominal hours, but measured in real time on the dates around a change of UTC offset.
        measured = {o: work._worked(zone, o) for o in work._measured_dates(zone, year) if work.is_working(o)}
        nominal = work._day_us
        self.worked = [0]
        total = 0
        for ordinal in self.dates:
            worked = measured.get(ordinal)
            total += nominal[(ordinal + 6) % 7] if worked is None else worked
            self.worked.append(total)

    def position(self, work: Workdays, zone: Zone, day: int, start: int) -> int:
        """Where instant ``start``, on local date ``day`` of this year (or 1 January after it), lies on this
        ledger's axis."""
        dates = self.dates
        index = bisect_left(dates, day)
        position = self.worked[index]
        if index < len(dates) and dates[index] == day:
            for begin, end in work.intervals(zone, day):
                if begin < start:
                    position += (end if end < start else start) - begin
        if work.overnight and index and dates[index - 1] == day - 1:
            # The previous date's shift may run past midnight: what of it lies after the instant is still ahead.
            for begin, end in work.intervals(zone, day - 1):
                if end > start:
                    position -= end - (begin if begin > start else start)
        return position


def _years_text(years: frozenset[int]) -> str:
    """``2018-2020, 2022``: the years as runs."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


class _Axis:
    """The working time of consecutive years in one zone, summed: with ``state`` = (first, running),
    ``running[i]`` is the working time of the years ``first`` to ``first + i - 1``. It grows at either end as
    durations reach further; ``state`` is replaced whole, so a thread reading it sees one consistent pair."""

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state: tuple[int, list[int]] = (0, [0])

    def find(self, work: Workdays, zone: Zone, year: int, us: int) -> tuple[int, int]:
        """The year in which ``us`` of working time, counted from the start of ``year``, ends, and how much of it
        falls in that year."""
        first, running = self.state
        if not first or year < first:
            first, running = self._cover_from(work, zone, year)
        while first + len(running) - 1 <= year:  # up to the start of ``year``
            self._grow(work, zone, first, running)
        base = running[year - first]
        while running[-1] - base < us:
            self._grow(work, zone, first, running)
        index = bisect_left(running, base + us) - 1  # the year first + index holds the end
        return first + index, base + us - running[index]

    @staticmethod
    def _grow(work: Workdays, zone: Zone, first: int, running: list[int]) -> None:
        """Add the next year to the axis."""
        following = first + len(running) - 1
        if following > 9999:
            raise out_of_range("business hours")
        running.append(running[-1] + work.year_us(zone, following))

    def _cover_from(self, work: Workdays, zone: Zone, year: int) -> tuple[int, list[int]]:
        """Start the axis at ``year``, keeping the years it had after."""
        first, running = self.state
        known = [b - a for a, b in itertools.pairwise(running)] if first else []
        years = [work.year_us(zone, y) for y in range(year, first if first else year)] + known
        total, new = 0, [0]
        for us in years:
            total += us
            new.append(total)
        self.state = (year, new)
        return self.state
