"""Deadlines compiled for the calculator: where the threshold semantics of docs/semantics.md live.

A `Plan` is one deadline (a first-response deadline or one interval of a sequence) with the rule's grace and
heads-up; `Offset` is one duration counted from a base instant. Both work on integer microseconds. Day-granular
results depend only on the anchor's local date, so they are cached per zone and date: a batch whose customers
share anchor dates computes each date once.
"""

from __future__ import annotations

import enum

from cadence._durations import BusinessDays, BusinessHours, CalendarDuration, Duration, ExactDuration
from cadence._time import Zone, add_calendar, next_id
from cadence._workdays import Workdays


class DaysOff(enum.Enum):
    """What a rule's calendar-day durations do with the calendar's days off (weekends and holidays)."""

    COUNT = "count"
    """Plain calendar days: days off are counted and a due date may fall on one (the default)."""
    SKIP = "skip"
    """Days off are counted, but a due date that falls on one moves to the next working date."""
    PAUSE = "pause"
    """Days off are not counted: ``n`` days are ``n`` business days (for the deadlines and the grace)."""

    def __str__(self) -> str:
        return self.value


class Schedule(enum.Enum):
    """What a rule's next follow-up is counted from once a contact has counted."""

    CONTACT = "contact"
    """From the last counted contact: each one restarts the interval (the default)."""
    FIXED = "fixed"
    """From the previous due time: follow-ups keep to a fixed schedule, whenever the contacts come (see
    docs/rulebook.md: a counted contact completes the follow-up that is open, early or late)."""

    def __str__(self) -> str:
        return self.value


UNKNOWN = -1  # a due date not looked up yet

# Offset kinds. DAYS and BDAYS are day-granular: their result is the start of a local date (or of its hours).
EXACT, DAYS, BDAYS, BHOURS = range(4)


class Offset:
    """A duration counted from a base instant, in one of four kinds (see the constants above)."""

    __slots__ = ("days", "id", "kind", "months", "roll", "us", "work")

    def __init__(self, duration: Duration, work: Workdays | None = None, days_off: DaysOff = DaysOff.COUNT) -> None:
        self.id = next_id()
        self.work = work
        self.months = self.days = self.us = 0
        self.roll = False
        if isinstance(duration, ExactDuration):
            self.kind, self.us = EXACT, duration.microseconds
        elif isinstance(duration, BusinessHours):
            self.kind, self.us = BHOURS, duration.microseconds
        elif isinstance(duration, BusinessDays) or (days_off is DaysOff.PAUSE and not duration.months):
            self.kind, self.days = BDAYS, duration.days
        else:
            assert isinstance(duration, CalendarDuration)
            self.kind, self.months, self.days = DAYS, duration.months, duration.days
            self.roll = days_off is DaysOff.SKIP

    @property
    def day_granular(self) -> bool:
        return self.kind == DAYS or self.kind == BDAYS

    def due(self, zone: Zone, anchor: int) -> tuple[int, int]:
        """``(due instant, local due date)`` of this duration as a deadline after ``anchor``.

        Exact and business-hour deadlines end at an instant; day deadlines at the start of the local due date,
        or, for business days and rolled or paused days, at the start of that working date's hours.
        """
        kind, work = self.kind, self.work
        if kind in (EXACT, BHOURS):
            if kind == EXACT:
                due = anchor + self.us
            else:
                assert work is not None
                due = work.add_hours(zone, anchor, self.us)
            return due, zone.local_ordinal(due)
        date = zone.local_ordinal(anchor)
        if kind == DAYS:
            date = add_calendar(date, self.months, self.days)
            if not self.roll:
                return zone.day_start(date), date
            assert work is not None
            date = work.next_working_in(zone, date)
        else:
            assert work is not None
            date = work.nth_after_in(zone, date, self.days)
        return work.opening(zone, date), date

    def at(self, zone: Zone, base: int) -> int:
        """The instant this offset after ``base`` (churn): ``base + us``, or the start of the local date.

        Only exact and calendar offsets are used this way (a rule refuses business units for churn).
        """
        if self.kind == EXACT:
            return base + self.us
        date = zone.local_ordinal(base)
        key = self.id << 22 | date  # `cache_key`, inlined: a local date is always in range
        hit: int | None = zone.cache.get(key)
        if hit is None:
            hit = zone.cache_put(key, zone.day_start(add_calendar(date, self.months, self.days)))
        return hit


class Plan:
    """One deadline with the rule's grace, heads-up and churn threshold, compiled for the calculator.

    - due: see `Offset.due`;
    - overdue: with an exact grace, ``due + grace`` (for a day-granular deadline, from the start of the day
      after the due date); with a calendar grace, the start of local date ``due_date + 1 + grace``; with a
      business-day grace, the start of the day after the grace-th working date after the due date; with a
      business-hour grace, that much working time after ``due`` (or after the start of the next day);
    - due soon: with an exact heads-up, ``due - heads_up``; with a calendar one, the start of local date
      ``due_date - heads_up``;
    - churn risk: the churn offset after the start of the silence (the last counted contact, or creation).
    """

    __slots__ = ("churn", "deadline", "grace", "heads_up", "id", "work")

    def __init__(
        self,
        deadline: Duration,
        grace: Duration,
        heads_up: Duration,
        churn: Duration | None,
        work: Workdays,
        days_off: DaysOff = DaysOff.COUNT,
    ) -> None:
        self.id = next_id()
        self.work = work
        self.deadline = Offset(deadline, work, days_off)
        # The grace pauses on days off with the deadline; a due date moves (skip), the end of a grace does not.
        self.grace = Offset(grace, work, DaysOff.PAUSE if days_off is DaysOff.PAUSE else DaysOff.COUNT)
        self.heads_up = Offset(heads_up)
        self.churn = None if churn is None else Offset(churn)

    def thresholds(self, zone: Zone, anchor: int, silent_since: int) -> tuple[int, int, int, int | None]:
        """``(due_soon_at, due_at, overdue_at, churn_risk_at)`` in microseconds."""
        deadline, churn = self.deadline, self.churn
        if deadline.kind == EXACT and self.grace.kind == EXACT and self.heads_up.kind == EXACT:
            due = anchor + deadline.us
            due_soon, overdue = due - self.heads_up.us, due + self.grace.us
            return due_soon, due, overdue, None if churn is None else churn.at(zone, silent_since)
        if not deadline.day_granular:
            due, due_date = deadline.due(zone, anchor)
            due_soon, overdue = self._finish(zone, due, due_date, False)
            return due_soon, due, overdue, None if churn is None else churn.at(zone, silent_since)
        date = zone.local_ordinal(anchor)
        key = self.id << 22 | date  # `cache_key`, inlined: a local date is always in range
        hit: tuple[int, int, int, int | None] | None = zone.cache.get(key)
        if hit is None:
            due, due_date = deadline.due(zone, anchor)
            due_soon, overdue = self._finish(zone, due, due_date, True)
            # Cached with the churn threshold for a silence starting at the anchor, the usual case.
            churn_at = churn.at(zone, anchor) if churn is not None and churn.kind != EXACT else None
            hit = zone.cache_put(key, (due_soon, due, overdue, churn_at))
        if churn is None or (churn.kind != EXACT and silent_since == anchor):
            return hit
        return hit[0], hit[1], hit[2], churn.at(zone, silent_since)

    def resumed(self, zone: Zone, due: int, day_granular: bool) -> tuple[int, int, int]:
        """``(due_soon_at, due_at, overdue_at)`` for a follow-up moved to ``due`` (a deferral's end), with this
        plan's grace and heads-up; ``day_granular`` when ``due`` is the start of a date."""
        due_soon, overdue = self._finish(zone, due, zone.local_ordinal(due), day_granular)
        return due_soon, due, overdue

    def _finish(self, zone: Zone, due: int, due_date: int, day_granular: bool) -> tuple[int, int]:
        """``(due_soon_at, overdue_at)`` for a deadline due at ``due`` on local date ``due_date``."""
        grace, heads_up = self.grace, self.heads_up
        kind = grace.kind
        if due_date == UNKNOWN and (kind in (DAYS, BDAYS) or heads_up.kind == DAYS):
            due_date = zone.local_ordinal(due)
        if kind == DAYS:
            overdue = zone.day_start(add_calendar(due_date + 1, grace.months, grace.days))
        elif kind == BDAYS:
            overdue = zone.day_start(self.work.nth_after_in(zone, due_date, grace.days) + 1)
        else:
            base = zone.day_start(due_date + 1) if day_granular else due
            overdue = base + grace.us if kind == EXACT else self.work.add_hours(zone, base, grace.us)
        if heads_up.kind == DAYS:
            due_soon = zone.day_start(add_calendar(due_date, -heads_up.months, -heads_up.days))
        else:
            due_soon = due - heads_up.us
        return due_soon, overdue
