"""The answer for one customer at one instant: a `Status`, the thresholds as instants, and why."""

from __future__ import annotations

import enum
import functools
import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pendulum

from cadence._time import US, Zone, timedelta_us
from cadence.calendars import Calendar
from cadence.durations import BusinessDays, BusinessHours, Duration, ExactDuration
from cadence.errors import show
from cadence.model import Customer, Direction
from cadence.policy import RuleKey, RuleMatch
from cadence.rulebook import Recommendation, TouchPlan, TouchpointState, TouchpointStatus, risk_score, shift
from cadence.rules import DaysOff, Rule

__all__ = ["AnchorKind", "Assessment", "Status", "TouchpointView"]


@functools.total_ordering
class Status(enum.Enum):
    """A customer's follow-up status. Members compare by urgency: ``Status.OVERDUE > Status.DUE``."""

    INACTIVE = "inactive"
    SNOOZED = "snoozed"
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
    DEFERRAL = "deferral"
    """The end of a deferral the customer asked for: the follow-up is due then."""
    DO_NOT_CONTACT = "do_not_contact"
    """The end of a do-not-contact pause (or, while it lasts, the pause itself)."""


def _instant(zone: Zone, us: int | None) -> pendulum.DateTime | None:
    return None if us is None else zone.to_datetime(us)


def _when(zone: Zone, us: int) -> str:
    value = zone.to_datetime(us)
    day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # not strftime: it shows year 1 as "1" on Linux
    return day if value.hour == value.minute == 0 else f"{day} {value.hour:02d}:{value.minute:02d}"


def _span(us: int) -> str:
    days, rest = divmod(us // US, 86_400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} day{'s' * (days != 1)}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    return f"{rest // 60} min" if rest >= 60 else f"{rest} s"


_V = TypeVar("_V")
_DAY = 86_400 * US
_LOOKBACK = 365 * _DAY  # the customer's own rhythm is read from a year of counted contacts
_RECENT = 10  # and from its last ten gaps at most


def _elapsed_us(duration: Duration) -> int:
    """A duration as elapsed time (a day is 24 hours, a month 30.44 days, a business day 1.4 days)."""
    if isinstance(duration, (ExactDuration, BusinessHours)):
        return duration.seconds * US
    if isinstance(duration, BusinessDays):
        return duration.days * 7 * _DAY // 5
    return duration.days * _DAY + duration.months * 2_630_016 * US


class TouchpointView:
    """A touchpoint as assessed, with instants in the assessment's zone."""

    __slots__ = ("_status", "_zone")

    def __init__(self, status: TouchpointStatus, zone: Zone) -> None:
        self._status, self._zone = status, zone

    @property
    def label(self) -> str:
        return self._status.touchpoint.label

    @property
    def state(self) -> TouchpointState:
        """pending, completed or missed."""
        return self._status.state

    @property
    def due_at(self) -> pendulum.DateTime:
        return self._zone.to_datetime(self._status.due)

    @property
    def window(self) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """When a counted contact completes it: from the first instant, up to (not including) the second."""
        return self._zone.to_datetime(self._status.opens), self._zone.to_datetime(self._status.closes)

    @property
    def completed_at(self) -> pendulum.DateTime | None:
        done = self._status.completed_by
        return None if done is None else self._zone.to_datetime(done)

    def __repr__(self) -> str:
        return f"<Touchpoint {show(self.label)} {self.state.value} due={self.due_at.isoformat()}>"


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
        tuple[Any, ...],  # 16 the history (contacts and deferrals), as given
        int,  # 17 the mask of counted contacts
        TouchPlan | None,  # 18 the rule's touchpoints, compiled
        dict[str, Any],  # 19 answers worked out when first read (not part of the value)
    ]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Assessment is immutable (cannot set {show(name)})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Assessment is immutable (cannot delete {show(name)})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._r[:6] == other._r[:6] and self._r[6].key == other._r[6].key and self._r[7:18] == other._r[7:18]

    def __hash__(self) -> int:
        return hash((self._r[0], self._r[1], self._r[6].key, self._r[7:18]))

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
        customer, status, match, kind, step, _, zone, as_of, anchor, _, due, overdue, _, _, silent = self._r[:15]
        if match is None:
            return f'inactive: stage "{customer.stage}" is terminal and expects no follow-up'
        if status is Status.INACTIVE:  # do not contact
            until = "" if anchor is None else f" until {_when(zone, anchor)}"
            return f"inactive: do not contact{until} (rule {match.key})"
        assert anchor is not None
        assert due is not None
        assert overdue is not None
        what = "first response" if step == 0 and match.rule.first_response is not None else "follow-up"
        deadline = self.deadline
        assert deadline is not None
        if kind is AnchorKind.DEFERRAL:
            basis = f"deferred by the customer to {_when(zone, anchor)}; rule {match.key}"
        elif kind is AnchorKind.DO_NOT_CONTACT:
            basis = f"do-not-contact ended {_when(zone, anchor)}; rule {match.key}"
        else:
            if kind is AnchorKind.STAGE_ENTRY:
                source = f'entry into "{customer.stage}" on {_when(zone, anchor)}'
            else:
                source = f"the last counted contact on {_when(zone, anchor)}"
            moved = _DAYS_OFF[match.rule.days_off] if deadline.is_calendar and not deadline.is_business else ""
            basis = f"{deadline}{moved} after {source}; rule {match.key}"
        if status is Status.CHURN_RISK:
            text = (
                f"churn risk: no counted contact for {_span(as_of - silent)} "
                f"(threshold {match.rule.churn_after}); {what} was due {_when(zone, due)} ({basis})"
            )
        elif status is Status.OVERDUE:
            text = f"overdue by {_span(as_of - overdue)}: {what} was due {_when(zone, due)} ({basis})"
        elif status is Status.DUE and as_of < due:
            touch = next(t for t in self._touch_states() if t.state is TouchpointState.PENDING and t.due <= as_of)
            text = (
                f"due: touchpoint {show(touch.touchpoint.label)} due since {_when(zone, touch.due)} (rule {match.key})"
            )
        elif status is Status.DUE:
            text = f"due: {what} due since {_when(zone, due)} ({basis})"
        elif status is Status.SNOOZED:
            text = f"snoozed: {basis}"
        else:
            label = "due soon" if status is Status.DUE_SOON else "on track"
            text = f"{label}: {what} due {_when(zone, due)} ({basis})"
        notes = []
        allowed = self._next_allowed_us
        if status >= Status.DUE_SOON and allowed is not None and allowed > as_of:
            notes.append(f"contact not allowed before {_when(zone, allowed)} (frequency cap)")
        if self.recommendation is not None:
            notes.append(f"{self.unanswered_attempts} unanswered attempts: {self.recommendation}")
        if self.escalation_level:
            notes.append(f"escalated to {self.escalation} (level {self.escalation_level})")
        reclaim = self._reclaim_us
        if reclaim is not None and as_of >= reclaim:
            notes.append(
                f"back to the shared pool since {_when(zone, reclaim)} (no counted contact by {customer.owner})"
            )
        return "; ".join([text, *notes])

    # --- the rest of the rulebook, worked out when read

    def _memo(self, name: str, work: Callable[[], _V]) -> _V:
        """``work()``, computed once per assessment (the answers below are read many times, or never)."""
        memo = self._r[19]
        if name not in memo:
            memo[name] = work()
        return memo[name]  # type: ignore[no-any-return]

    def _digest(self) -> tuple[list[int], list[int], list[int]]:
        """One pass over the history: sorted distinct outbound attempts, sorted distinct counted instants, and the
        owner's counted contacts since the claim (or creation), all at or before ``as_of``."""

        def work() -> tuple[list[int], list[int], list[int]]:
            customer, as_of, mask = self._r[0], self._r[7], self._r[17]
            owner = customer.owner
            claimed = customer._claimed_us if customer._claimed_us is not None else customer._created_us
            attempts, counted, mine = set(), set(), []
            for c in self._r[16]:
                at, bit = c._us, c._bit
                if at > as_of or not bit:
                    continue
                if c.direction is Direction.OUTBOUND:
                    attempts.add(c._key)
                if mask & bit:
                    counted.add(at)
                    if owner is not None and c.by == owner and at >= claimed:
                        mine.append(at)
            return sorted(key[0] for key in attempts), sorted(counted), mine

        return self._memo("digest", work)

    @property
    def _next_allowed_us(self) -> int | None:
        rule = self.rule
        if rule is None or rule.cap is None:
            return None
        cap = rule.cap
        return self._memo("allowed", lambda: cap.next_allowed(self._digest()[0]))

    @property
    def contact_allowed(self) -> bool:
        """False while the customer is under do-not-contact, or while a new attempt would break the rule's cap."""
        if self._r[3] is AnchorKind.DO_NOT_CONTACT and self._r[1] is Status.INACTIVE:
            return False
        allowed = self._next_allowed_us
        return allowed is None or allowed <= self._r[7]

    @property
    def next_allowed_at(self) -> pendulum.DateTime | None:
        """The earliest instant, at or after ``as_of``, at which contacting the customer is allowed; ``None`` for
        a do-not-contact with no end."""
        zone, as_of = self._r[6], self._r[7]
        if self._r[3] is AnchorKind.DO_NOT_CONTACT and self._r[1] is Status.INACTIVE:
            return _instant(zone, self._r[8])
        allowed = self._next_allowed_us
        return zone.to_datetime(as_of if allowed is None or allowed < as_of else allowed)

    @property
    def unanswered_attempts(self) -> int:
        """Outbound attempts since the later of the last counted contact and stage entry (none counted since)."""
        entered, last = self._r[0]._entered_us, self._r[13]
        if last is None or last < entered:
            return sum(t >= entered for t in self._digest()[0])
        return sum(t > last for t in self._digest()[0])

    @property
    def recommendation(self) -> Recommendation | None:
        """The rule's change of strategy once its `Unanswered` count is reached, else ``None``."""
        rule = self.rule
        if rule is None or rule.unanswered is None or self._r[1] is Status.INACTIVE:
            return None
        return rule.unanswered.then if self.unanswered_attempts >= rule.unanswered.after else None

    @property
    def escalation_level(self) -> int:
        """How many levels of the rule's escalation ladder have been reached (0: none, or not overdue)."""
        return len(self._ladder()[0])

    @property
    def escalation(self) -> str | None:
        """The action of the current escalation level, or ``None``."""
        reached, _ = self._ladder()
        return reached[-1] if reached else None

    @property
    def next_escalation_at(self) -> pendulum.DateTime | None:
        """When the next escalation level starts, or ``None`` (top level reached, no ladder, or not applicable)."""
        _, upcoming = self._ladder()
        return _instant(self._r[6], upcoming)

    def _ladder(self) -> tuple[list[str], int | None]:
        return self._memo("ladder", self._climb)

    def _climb(self) -> tuple[list[str], int | None]:
        rule, overdue, zone, as_of = self.rule, self._r[11], self._r[6], self._r[7]
        if rule is None or not rule.escalation or overdue is None:
            return [], None
        reached: list[str] = []
        for level in rule.escalation:
            start = shift(zone, overdue, level.after)
            if as_of < start:
                return reached, start
            reached.append(level.action)
        return reached, None

    @property
    def reclaim_at(self) -> pendulum.DateTime | None:
        """When the customer goes back to the shared pool under the rule's `Reclaim`, or ``None`` (no rule, or no
        owner). Counted contacts by the owner since the claim (or creation) keep it."""
        return _instant(self._r[6], self._reclaim_us)

    @property
    def reclaim(self) -> bool:
        """True once ``reclaim_at`` has passed."""
        at = self._reclaim_us
        return at is not None and self._r[7] >= at

    @property
    def _reclaim_us(self) -> int | None:
        customer, rule = self._r[0], self.rule
        if rule is None or rule.reclaim is None or customer.owner is None:
            return None
        claimed = customer._claimed_us if customer._claimed_us is not None else customer._created_us
        reclaim = rule.reclaim
        return self._memo("reclaim", lambda: reclaim.reclaim_at(self._r[6], claimed, self._digest()[2]))

    @property
    def touchpoints(self) -> tuple[TouchpointView, ...]:
        """The rule's touchpoints: pending, completed or missed, with their instants."""
        zone = self._r[6]
        return tuple(TouchpointView(t, zone) for t in self._touch_states())

    def _touch_states(self) -> tuple[TouchpointStatus, ...]:
        plan = self._r[18]
        if plan is None:
            return ()
        entered, as_of = self._r[0]._entered_us, self._r[7]
        counted = [t for t in self._digest()[1] if t >= entered]
        return self._memo("touch", lambda: plan.states(self._r[6], entered, as_of, counted))

    @property
    def risk_score(self) -> float:
        """How far the silence has run past this customer's normal rhythm, in [0, 1]; see docs/rulebook.md."""
        return self._risk()[0]

    @property
    def risk_inputs(self) -> dict[str, float]:
        """What the risk score was computed from, in days: silence, the customer's own mean gap and how many gaps,
        the rule's interval, the normal gap used, and the churn threshold (0 if none)."""
        _, silence, own, norm, normal, churn = self._risk()
        return {
            "silence_days": silence / _DAY,
            "own_gaps": float(len(own)),
            "own_mean_gap_days": (sum(own) / len(own) / _DAY) if own else 0.0,
            "rule_interval_days": norm / _DAY,
            "normal_gap_days": normal / _DAY,
            "churn_after_days": (churn or 0) / _DAY,
        }

    def _risk(self) -> tuple[float, int, list[int], int, int, int | None]:
        return self._memo("risk", self._weigh)

    def _weigh(self) -> tuple[float, int, list[int], int, int, int | None]:
        rule, as_of = self.rule, self._r[7]
        since = self._r[14]
        silence = as_of - since
        # Read from the year before the silence began, so that only the silence changes as as_of moves on.
        times = [t for t in self._digest()[1] if t >= since - _LOOKBACK]
        own = [b - a for a, b in itertools.pairwise(times)][-_RECENT:]
        if rule is None:
            return 0.0, silence, own, 0, 0, None
        norm = max(_elapsed_us(rule.intervals[-1]), 1)
        churn = None if rule.churn_after is None else _elapsed_us(rule.churn_after)
        score, normal = risk_score(silence, own, norm, churn)
        return score, silence, own, norm, normal, churn

    def __repr__(self) -> str:
        due = self._r[10]
        when = "None" if due is None else _when(self._r[6], due)
        return f"<Assessment {show(self.customer_id)} {self.status.value} due={when} rule={self.rule_key}>"


_new = object.__new__
_set_values = vars(Assessment)["_r"].__set__  # the slot descriptor: the fastest way to store


def make_assessment(values: tuple[Any, ...]) -> Assessment:
    """Build an `Assessment` from its tuple of values (the calculator's only way to make one)."""
    result = _new(Assessment)
    _set_values(result, values)
    return result
