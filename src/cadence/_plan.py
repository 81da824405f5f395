"""Deadlines compiled for the calculator: where the threshold semantics of DOMAIN.md section 4 live.

A `Plan` is one deadline (a first-response deadline or one interval of a sequence) with the rule's grace and
heads-up; `Offset` is one duration counted from a base instant (the churn threshold). Both work on integer
microseconds. Calendar results depend only on the anchor's local date, so they are cached per zone and date:
a batch whose customers share anchor dates computes each date once.
"""

from __future__ import annotations

import itertools

from cadence._time import Zone, add_calendar
from cadence.durations import Duration, ExactDuration

_ids = itertools.count(1)


class Offset:
    """A duration counted from a base instant: exact (``base + us``) or on local dates (start of a local day)."""

    __slots__ = ("calendar", "days", "id", "months", "us")

    def __init__(self, duration: Duration) -> None:
        self.id = next(_ids)
        if isinstance(duration, ExactDuration):
            self.calendar, self.months, self.days, self.us = False, 0, 0, duration.microseconds
        else:
            self.calendar, self.months, self.days, self.us = True, duration.months, duration.days, 0

    def at(self, zone: Zone, base: int) -> int:
        """The instant this offset after ``base``: for calendar units, the start of the local due date."""
        if not self.calendar:
            return base + self.us
        date = zone.local_ordinal(base)
        key = date << 32 | self.id
        hit = zone.cache.get(key)
        if hit is None:
            hit = zone.cache_put(key, zone.day_start(add_calendar(date, self.months, self.days)))
        return hit


class Plan:
    """One deadline with the rule's grace, heads-up and churn threshold, compiled for the calculator.

    - exact deadline: ``due = anchor + deadline``; calendar deadline: the start of local date
      ``anchor_date + deadline``;
    - overdue: with an exact grace, ``due + grace`` (for a calendar deadline, from the start of the day after
      the due date); with a calendar grace, the start of local date ``due_date + 1 + grace``;
    - due soon: with an exact heads-up, ``due - heads_up``; with a calendar one, the start of local date
      ``due_date - heads_up``;
    - churn risk: the churn offset after the start of the silence (the last counted contact, or creation).
    """

    __slots__ = ("churn", "deadline", "grace", "heads_up", "id")

    def __init__(self, deadline: Duration, grace: Duration, heads_up: Duration, churn: Duration | None) -> None:
        self.id = next(_ids)
        self.deadline = Offset(deadline)
        self.grace = Offset(grace)
        self.heads_up = Offset(heads_up)
        self.churn = None if churn is None else Offset(churn)

    def thresholds(self, zone: Zone, anchor: int, silent_since: int) -> tuple[int, int, int, int | None]:
        """``(due_soon_at, due_at, overdue_at, churn_risk_at)`` in microseconds."""
        deadline, churn = self.deadline, self.churn
        if not deadline.calendar:
            due = anchor + deadline.us
            grace, heads_up = self.grace, self.heads_up
            if grace.calendar or heads_up.calendar:
                due_soon, due, overdue = self._finish(zone, due, zone.local_ordinal(due), False)
            else:
                due_soon, overdue = due - heads_up.us, due + grace.us
            return due_soon, due, overdue, None if churn is None else churn.at(zone, silent_since)
        date = zone.local_ordinal(anchor)
        key = date << 32 | self.id
        hit: tuple[int, int, int, int | None] | None = zone.cache.get(key)
        if hit is None:
            due_date = add_calendar(date, deadline.months, deadline.days)
            due_soon, due, overdue = self._finish(zone, zone.day_start(due_date), due_date, True)
            # Cached with the churn threshold for a silence starting at the anchor, the usual case.
            churn_at = churn.at(zone, anchor) if churn is not None and churn.calendar else None
            hit = zone.cache_put(key, (due_soon, due, overdue, churn_at))
        if churn is None or (churn.calendar and silent_since == anchor):
            return hit
        return hit[0], hit[1], hit[2], churn.at(zone, silent_since)

    def _finish(self, zone: Zone, due: int, due_date: int, day_granular: bool) -> tuple[int, int, int]:
        grace, heads_up = self.grace, self.heads_up
        if grace.calendar:
            overdue = zone.day_start(add_calendar(due_date + 1, grace.months, grace.days))
        else:
            overdue = (zone.day_start(due_date + 1) if day_granular else due) + grace.us
        if heads_up.calendar:
            due_soon = zone.day_start(add_calendar(due_date, -heads_up.months, -heads_up.days))
        else:
            due_soon = due - heads_up.us
        return due_soon, due, overdue
