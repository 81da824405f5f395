"""The answer for one customer at one instant: a `Status`, the thresholds as instants, and why."""

from __future__ import annotations

import enum
import functools
from datetime import timedelta

import attrs
import pendulum

from cadence._time import US, Zone, timedelta_us
from cadence.durations import Duration
from cadence.policy import RuleKey

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


@attrs.frozen(repr=False)
class Assessment:
    """The status of one customer at ``as_of``, with its thresholds, its anchor and a reason.

    Instants are pendulum ``DateTime`` values in the zone that was used (the customer's, else the policy's),
    made when read. For an ``inactive`` customer (terminal stage) every threshold is ``None``.
    """

    customer_id: str
    status: Status
    segment: str
    segment_rank: int
    stage: str
    owner: str | None
    rule_key: RuleKey | None
    """The key of the rule that applied (``None`` for a terminal stage)."""
    anchor_kind: AnchorKind | None
    step: int
    """0 while the first response is awaited; k when k contacts have counted since stage entry (capped at the
    length of the rule's sequence)."""
    deadline: Duration | None
    """The duration that ran from the anchor: the first-response deadline or the interval of this step."""
    _zone: Zone
    _as_of_us: int
    _anchor_us: int | None
    _due_soon_us: int | None
    _due_us: int | None
    _overdue_us: int | None
    _churn_us: int | None
    _churn_after: Duration | None
    _last_contact_us: int | None
    _silence_from_us: int

    @property
    def timezone(self) -> str:
        """The IANA zone whose local dates were counted."""
        return self._zone.key

    @property
    def as_of(self) -> pendulum.DateTime:
        """The instant of the assessment."""
        return self._zone.to_datetime(self._as_of_us)

    @property
    def anchor_at(self) -> pendulum.DateTime | None:
        """The instant the clock runs from: stage entry or the last counted contact, whichever is later."""
        return _instant(self._zone, self._anchor_us)

    @property
    def due_soon_at(self) -> pendulum.DateTime | None:
        """From this instant the status is at least ``due_soon``."""
        return _instant(self._zone, self._due_soon_us)

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is due (for day rules, the start of the local due date)."""
        return _instant(self._zone, self._due_us)

    @property
    def overdue_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is overdue."""
        return _instant(self._zone, self._overdue_us)

    @property
    def churn_risk_at(self) -> pendulum.DateTime | None:
        """From this instant the silence flags churn risk (``None`` when the rule has no churn threshold)."""
        return _instant(self._zone, self._churn_us)

    @property
    def last_contact_at(self) -> pendulum.DateTime | None:
        """The last counted contact at or before ``as_of`` (in any stage), or ``None``."""
        return _instant(self._zone, self._last_contact_us)

    @property
    def silence(self) -> timedelta:
        """Time since the last counted contact, or since the customer was created when there is none."""
        return timedelta_us(self._as_of_us - self._silence_from_us)

    @property
    def overdue_by(self) -> timedelta:
        """How long past ``overdue_at`` the customer is at ``as_of`` (zero when not overdue)."""
        if self._overdue_us is None or self._as_of_us < self._overdue_us:
            return timedelta(0)
        return timedelta_us(self._as_of_us - self._overdue_us)

    @property
    def reason(self) -> str:
        """A one-line, human-readable explanation of the status."""
        if self.status is Status.INACTIVE:
            return f'inactive: stage "{self.stage}" is terminal and expects no follow-up'
        assert self._due_us is not None
        assert self._overdue_us is not None
        assert self._anchor_us is not None
        zone, as_of = self._zone, self._as_of_us
        if self.anchor_kind is AnchorKind.STAGE_ENTRY:
            what = "first response" if self.step == 0 else "follow-up"
            source = f'entry into "{self.stage}" on {_when(zone, self._anchor_us)}'
        else:
            what = "follow-up"
            source = f"the last counted contact on {_when(zone, self._anchor_us)}"
        basis = f"{self.deadline} after {source}; rule {self.rule_key}"
        if self.status is Status.CHURN_RISK:
            return (
                f"churn risk: no counted contact for {_span(as_of - self._silence_from_us)} "
                f"(threshold {self._churn_after}); {what} was due {_when(zone, self._due_us)} ({basis})"
            )
        if self.status is Status.OVERDUE:
            return f"overdue by {_span(as_of - self._overdue_us)}: {what} was due {_when(zone, self._due_us)} ({basis})"
        if self.status is Status.DUE:
            return f"due: {what} due since {_when(zone, self._due_us)} ({basis})"
        label = "due soon" if self.status is Status.DUE_SOON else "on track"
        return f"{label}: {what} due {_when(zone, self._due_us)} ({basis})"

    def __repr__(self) -> str:
        due = "None" if self._due_us is None else _when(self._zone, self._due_us)
        return f"<Assessment {self.customer_id!r} {self.status.value} due={due} rule={self.rule_key}>"
