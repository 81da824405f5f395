"""The answer for one customer at one instant: a `Status`, the thresholds as instants, and why."""

from __future__ import annotations

import enum
import functools
from datetime import timedelta
from typing import Any

import pendulum

from cadence._time import US, Zone, timedelta_us
from cadence.calendars import Calendar
from cadence.durations import Duration
from cadence.model import Customer
from cadence.policy import RuleKey, RuleMatch
from cadence.rules import DaysOff, Rule

__all__ = ["AnchorKind", "Assessment", "Status"]


@functools.total_ordering
class Status(enum.Enum):
    """A customer's follow-up status. Members compare by urgency: ``Status.OVERDUE > Status.DUE``."""

    INACTIVE = "inactive"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"
    CHURN_RISK = "churn_risk"

    @property
    def urgency(self) -> int:
        """0 for ``inactive`` up to 5 for ``churn_risk``."""
        return _URGENCY[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return _URGENCY[self] < _URGENCY[other]

    def __str__(self) -> str:
        return self.value


_URGENCY = {status: index for index, status in enumerate(Status)}


class AnchorKind(enum.Enum):
    """What the follow-up clock runs from."""

    STAGE_ENTRY = "stage_entry"
    """No contact has counted since the customer entered the stage."""
    COUNTED_CONTACT = "counted_contact"
    """The last counted contact, which is at or after stage entry."""


def _instant(zone: Zone, us: int | None) -> pendulum.DateTime | None:
    return None if us is None else zone.to_datetime(us)


def _when(zone: Zone, us: int) -> str:
    value = zone.to_datetime(us)
    return value.strftime("%Y-%m-%d") if value.hour == value.minute == 0 else value.strftime("%Y-%m-%d %H:%M")


def _span(us: int) -> str:
    days, rest = divmod(us // US, 86_400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} day{'s' * (days != 1)}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    return f"{rest // 60} min" if rest >= 60 else f"{rest} s"


_DAYS_OFF = {DaysOff.COUNT: "", DaysOff.SKIP: " (due dates skip days off)", DaysOff.PAUSE: " (working days only)"}


class Assessment:
    """The status of one customer at ``as_of``, with its thresholds, its anchor and a reason.

    Instants are pendulum ``DateTime`` values in the zone that was used (the customer's, else the policy's),
    made when read. For an ``inactive`` customer (terminal stage) every threshold is ``None``.

    An assessment is immutable. Unlike the model it is not an attrs class: it is made once per customer in
    bulk runs, and a 20-field frozen attrs ``__init__`` alone costs more than the whole calculation. It keeps
    its values in one tuple, compares equal by value, and builds ``DateTime`` objects only when they are read.
    """

    __slots__ = ("_r",)
    _r: tuple[
        Customer,  # 0 customer
        Status,  # 1 status
        RuleMatch | None,  # 2 match
        AnchorKind | None,  # 3 anchor kind
        int,  # 4 step
        int,  # 5 segment rank
        Zone,  # 6 zone
        int,  # 7 as_of
        int | None,  # 8 anchor
        int | None,  # 9 due soon
        int | None,  # 10 due
        int | None,  # 11 overdue
        int | None,  # 12 churn risk
        int | None,  # 13 last counted contact
        int,  # 14 silence runs from
        Calendar,  # 15 the policy's calendar
    ]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Assessment is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Assessment is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._r[:6] == other._r[:6] and self._r[6].key == other._r[6].key and self._r[7:] == other._r[7:]

    def __hash__(self) -> int:
        return hash((self._r[0], self._r[1], self._r[6].key, self._r[7:]))

    @property
    def customer(self) -> Customer:
        """The customer assessed."""
        return self._r[0]

    @property
    def customer_id(self) -> str:
        """The customer's id."""
        return self._r[0].id

    @property
    def owner(self) -> str | None:
        """The customer's owner (rep), if any."""
        return self._r[0].owner

    @property
    def status(self) -> Status:
        """The status at ``as_of``: the most urgent threshold passed."""
        return self._r[1]

    @property
    def rule_key(self) -> RuleKey | None:
        """The key of the rule that applied (``None`` for a terminal stage)."""
        match = self._r[2]
        return None if match is None else match.key

    @property
    def rule(self) -> Rule | None:
        """The rule that applied (``None`` for a terminal stage)."""
        match = self._r[2]
        return None if match is None else match.rule

    @property
    def anchor_kind(self) -> AnchorKind | None:
        """What the clock runs from: stage entry or the last counted contact (``None`` when inactive)."""
        return self._r[3]

    @property
    def step(self) -> int:
        """0 while the first response is awaited; k after k counted contacts since stage entry (at most the
        length of the rule's sequence, whose last interval repeats)."""
        return self._r[4]

    @property
    def segment_rank(self) -> int:
        """The rank of the customer's segment (lower is more important)."""
        return self._r[5]

    @property
    def deadline(self) -> Duration | None:
        """The duration that ran from the anchor: the first-response deadline or this step's interval."""
        rule, step = self.rule, self._r[4]
        if rule is None:
            return None
        if step:
            return rule.intervals[step - 1]
        return rule.first_response if rule.first_response is not None else rule.intervals[0]

    @property
    def timezone(self) -> str:
        """The IANA zone whose local dates were counted."""
        return self._r[6].key

    @property
    def calendar(self) -> Calendar:
        """The calendar whose working days, hours and holidays were applied, in the zone that was used."""
        return self._r[15].in_zone(self._r[6].key)

    @property
    def as_of(self) -> pendulum.DateTime:
        """The instant of the assessment."""
        return self._r[6].to_datetime(self._r[7])

    @property
    def anchor_at(self) -> pendulum.DateTime | None:
        """The instant the clock runs from: stage entry or the last counted contact, whichever is later."""
        return _instant(self._r[6], self._r[8])

    @property
    def due_soon_at(self) -> pendulum.DateTime | None:
        """From this instant the status is at least ``due_soon``."""
        return _instant(self._r[6], self._r[9])

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is due (for day rules, the start of the local due date)."""
        return _instant(self._r[6], self._r[10])

    @property
    def overdue_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is overdue."""
        return _instant(self._r[6], self._r[11])

    @property
    def churn_risk_at(self) -> pendulum.DateTime | None:
        """From this instant the silence flags churn risk (``None`` when the rule has no churn threshold)."""
        return _instant(self._r[6], self._r[12])

    @property
    def last_contact_at(self) -> pendulum.DateTime | None:
        """The last counted contact at or before ``as_of`` (in any stage), or ``None``."""
        return _instant(self._r[6], self._r[13])

    @property
    def silence(self) -> timedelta:
        """Time since the last counted contact, or since the customer was created if that is later."""
        return timedelta_us(self._r[7] - self._r[14])

    @property
    def overdue_by(self) -> timedelta:
        """How long past ``overdue_at`` the customer is at ``as_of`` (zero when not overdue)."""
        return timedelta_us(self._overdue_by_us)

    @property
    def _overdue_by_us(self) -> int:
        overdue = self._r[11]
        return 0 if overdue is None or self._r[7] < overdue else self._r[7] - overdue

    def _urgency_key(self) -> tuple[int, int, int, int, str]:
        """Most urgent first: status, segment rank, how long overdue, due time, then id for a stable order."""
        due = self._r[10]
        return (-self._r[1].urgency, self._r[5], -self._overdue_by_us, 0 if due is None else due, self._r[0].id)

    @property
    def reason(self) -> str:
        """A one-line, human-readable explanation of the status."""
        customer, status, match, kind, step, _, zone, as_of, anchor, _, due, overdue, _, _, silent, _ = self._r
        if match is None:
            return f'inactive: stage "{customer.stage}" is terminal and expects no follow-up'
        assert anchor is not None
        assert due is not None
        assert overdue is not None
        what = "first response" if step == 0 and match.rule.first_response is not None else "follow-up"
        if kind is AnchorKind.STAGE_ENTRY:
            source = f'entry into "{customer.stage}" on {_when(zone, anchor)}'
        else:
            source = f"the last counted contact on {_when(zone, anchor)}"
        deadline = self.deadline
        assert deadline is not None
        moved = _DAYS_OFF[match.rule.days_off] if deadline.is_calendar and not deadline.is_business else ""
        basis = f"{deadline}{moved} after {source}; rule {match.key}"
        if status is Status.CHURN_RISK:
            return (
                f"churn risk: no counted contact for {_span(as_of - silent)} "
                f"(threshold {match.rule.churn_after}); {what} was due {_when(zone, due)} ({basis})"
            )
        if status is Status.OVERDUE:
            return f"overdue by {_span(as_of - overdue)}: {what} was due {_when(zone, due)} ({basis})"
        if status is Status.DUE:
            return f"due: {what} due since {_when(zone, due)} ({basis})"
        label = "due soon" if status is Status.DUE_SOON else "on track"
        return f"{label}: {what} due {_when(zone, due)} ({basis})"

    def __repr__(self) -> str:
        due = self._r[10]
        when = "None" if due is None else _when(self._r[6], due)
        return f"<Assessment {self.customer_id!r} {self.status.value} due={when} rule={self.rule_key}>"


_new = object.__new__
_set_values = vars(Assessment)["_r"].__set__  # the slot descriptor: the fastest way to store


def make_assessment(values: tuple[Any, ...]) -> Assessment:
    """Build an `Assessment` from its tuple of values (the calculator's only way to make one)."""
    result = _new(Assessment)
    _set_values(result, values)
    return result
