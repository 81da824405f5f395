"""Backtests: the follow-ups that fell due in a period, what became of each, and the report-cycle table."""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pendulum

from cadence._engine import AnchorKind, Facts, Status, evaluate, held_back, released
from cadence._errors import InputError, show
from cadence._history import NONE, History
from cadence._model import Customer, Event
from cadence._policy import Policy
from cadence._time import Zone, instant_us, timedelta_us
from cadence._timeline import each_customer, group_names, indexed, one_customer, stretches, time_range

__all__ = ["Completion", "FollowUp", "backtest", "follow_ups", "report"]


class Completion(enum.Enum):
    """What became of a follow-up that fell due."""

    ON_TIME = "on_time"
    """A counted contact came before the overdue threshold."""
    LATE = "late"
    """A counted contact came, at or after the overdue threshold."""
    MISSED = "missed"
    """No counted contact, and it went overdue: still open at the end of the period, or ended by something else
    after its overdue threshold."""
    OPEN = "open"
    """No counted contact by the end of the period, and not overdue yet."""
    WITHDRAWN = "withdrawn"
    """Ended before its overdue threshold without a counted contact: the stage or tier changed (and did not
    change back), or the customer asked to be contacted later."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class FollowUp:
    """A follow-up that fell due, and what became of it.

    ``due_at`` and ``overdue_at`` are its thresholds, ``anchor_at`` what they ran from, ``fell_due_at`` when it
    fell due: ``due_at``, or later when the rule that made it due began to apply after ``due_at`` (a change of
    tier or stage found it due at once); ``owner``, ``segment`` and ``stage`` are the customer's when it fell
    due. ``done_at`` is the counted contact that did it (None if none did), ``late_by`` the working time on the
    policy's calendar from ``overdue_at`` (or ``fell_due_at``, if later) to ``done_at`` for a late one (zero
    otherwise). ``rule_key`` is the rule's key, with the keys of any layers on it (`RuleMatch.label`).
    """

    customer_id: str
    owner: str | None
    segment: str
    stage: str
    rule_key: str
    step: int
    anchor_kind: AnchorKind
    anchor_at: pendulum.DateTime
    due_at: pendulum.DateTime
    fell_due_at: pendulum.DateTime
    overdue_at: pendulum.DateTime
    completion: Completion
    done_at: pendulum.DateTime | None
    late_by: timedelta


def _identity(facts: Facts | None) -> tuple[Any, ...] | None:
    """What tells one follow-up from the next: the stage entry, segment, anchor and due time (as the rule gives
    it: a hold moves a follow-up's thresholds, it does not make another)."""
    if facts is None or facts.status is Status.INACTIVE or facts.anchor is None:
        return None
    state = facts.customer
    assert facts.due is not None
    return state._entered_us, state.segment, facts.anchor, facts.due - facts.held


def _follow_ups(
    policy: Policy, customer: Customer, history: History, start: int, end: int
) -> tuple[list[FollowUp], list[tuple[int, Customer]]]:
    """The follow-ups that fell due in [``start``, ``end``), and the counted contacts made there (each instant
    once, with the customer's state then)."""
    out: list[FollowUp] = []
    made: list[tuple[int, Customer]] = []
    # A follow-up that fell due in the range, not done yet: the facts when it fell due, when, and the latest facts
    # it holds under (a hold that ended since moved its thresholds).
    current: tuple[Facts, int, Facts] | None = None
    # Follow-ups that something other than a contact ended (a change of tier or stage), by identity: if the same
    # one comes back (a change undone), it goes on; the others are withdrawn (or missed) when they ended.
    left: dict[tuple[Any, ...], tuple[Facts, int, Facts, int]] = {}
    # When the follow-up of the facts in force began: before the range if they held just before it.
    began, identity = NONE, None
    if start > customer.state_starts()[0]:
        identity = _identity(evaluate(policy, customer, history, start - 1))
    for stretch in stretches(policy, customer, history, start, end):
        facts = stretch.facts
        if _identity(facts) != identity:
            began, identity = stretch.start, _identity(facts)
        counted = facts is not None and facts.last_contact == stretch.start
        if counted:
            assert facts is not None
            made.append((stretch.start, facts.customer))
        if current is not None:
            if counted:  # a counted contact did it
                out.append(_follow_up(policy, *current, stretch.start, stretch.start, withdrawn=False))
                current = None
            elif identity != _identity(current[0]):  # something else ended it, for now
                key = _identity(current[0])
                assert key is not None
                left[key] = (*current, stretch.start)
                current = None
            else:
                assert facts is not None
                current = current[0], current[1], facts
        if current is None and identity is not None:
            if identity in left:
                current = left.pop(identity)[:3]
                continue
            assert facts is not None
            assert facts.due is not None
            fell_due = max(facts.due, began)  # a rule that applies from a change on may find it due already
            if stretch.start <= fell_due < stretch.end and not held_back(facts, fell_due):
                current = facts, fell_due, facts
    if current is not None:
        out.append(_follow_up(policy, *current, None, end, withdrawn=False))
    out += [
        _follow_up(policy, facts, fell_due, latest, None, ended, withdrawn=True)
        for facts, fell_due, latest, ended in left.values()
    ]
    out.sort(key=lambda follow_up: (follow_up.fell_due_at, follow_up.due_at))
    return out, made


def _follow_up(
    policy: Policy, facts: Facts, fell_due: int, latest: Facts, done: int | None, ended: int, *, withdrawn: bool
) -> FollowUp:
    """The follow-up of ``facts`` (the state when it fell due, the thresholds of the ``latest`` facts it held
    under): done by a counted contact at ``done``, else ended at ``ended`` (``withdrawn``: by something else than
    the end of the range)."""
    assert facts.match is not None
    assert facts.anchor_kind is not None
    assert facts.anchor is not None
    assert latest.due is not None
    assert latest.overdue is not None
    late_by = 0
    due, overdue = latest.due, latest.overdue
    if done is not None and latest.hold is not None:  # done during a hold: its thresholds once it ended then
        _, due, overdue = released(latest, done)
    if done is not None:
        completion = Completion.ON_TIME if done < overdue else Completion.LATE
        late_from = max(overdue, fell_due)  # not before the rule that made it due applied
        if done > late_from:
            late_by = policy.calendar._work.worked_between(facts.zone, late_from, done)
    elif ended > overdue and not held_back(latest, overdue):  # a hold that lasts keeps it from passing
        completion = Completion.MISSED
    else:
        completion = Completion.WITHDRAWN if withdrawn else Completion.OPEN
    state, zone = facts.customer, facts.zone
    return FollowUp(
        state.id,
        state.owner,
        state.segment,
        state.stage,
        facts.match.label,
        facts.step,
        facts.anchor_kind,
        zone.to_datetime(facts.anchor),
        zone.to_datetime(due),
        zone.to_datetime(fell_due),
        zone.to_datetime(overdue),
        completion,
        None if done is None else zone.to_datetime(done),
        timedelta_us(late_by),
    )


def follow_ups(
    policy: Policy, customer: Customer, contacts: Iterable[Event] | History, *, since: datetime, until: datetime
) -> list[FollowUp]:
    """The follow-ups of ``customer`` that fell due in [``since``, ``until``), in order, each with what became of
    it by ``until``: done on time (a counted contact before the overdue threshold), late, missed, still open, or
    withdrawn (the stage or tier changed, or the customer asked to be contacted later, before it went overdue). A
    change undone (a tier up and back) does not make two follow-ups of one: the first goes on.

    Touchpoints are not follow-ups here: `transitions` reports them.

    >>> import pendulum
    >>> from cadence import Contact, Customer, presets
    >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> customer = Customer("c-1", "B", "retention", stage_entered_at=day, created_at=day)
    >>> calls = [Contact(day.add(days=7, hours=10), "call"), Contact(day.add(days=20), "call")]
    >>> found = follow_ups(presets.load("abc", calendar="UTC"), customer, calls, since=day, until=day.add(days=30))
    >>> [(f.due_at.date().isoformat(), f.completion.value, f.late_by.days) for f in found]
    [('2026-03-09', 'on_time', 0), ('2026-03-16', 'late', 4), ('2026-03-29', 'missed', 0)]
    """
    start, end = time_range(since, until)
    return _follow_ups(policy, one_customer(customer), indexed(contacts), start, end)[0]


def backtest(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    since: datetime,
    until: datetime,
) -> list[FollowUp]:
    """`follow_ups` of many customers, in the order of ``customers``; ``contacts`` maps a customer id to its
    history, as for `assess_many`. `report` sums them up per report cycle."""
    start, end = time_range(since, until)
    return [
        follow_up
        for customer, history in each_customer(customers, contacts)
        for follow_up in _follow_ups(policy, customer, history, start, end)[0]
    ]


_PERIODS = ("day", "week", "month")


def _cycle(zone: Zone, us: int, period: str) -> date:
    """The first local date of the report cycle (day, ISO week from Monday, month) holding ``us``."""
    day = date.fromordinal(zone.local_ordinal(us))
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def report(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    since: datetime,
    until: datetime,
    period: str = "week",
    by: Sequence[str] = ("owner",),
) -> list[dict[str, Any]]:
    """The report-cycle table of a period: per cycle (``period``: "day", "week" from Monday, or "month", in the
    policy's zone) and group (``by``: any of segment, stage and owner), the follow-ups that fell due and what
    became of them, and the counted contacts made.

    Columns: ``cycle`` (its first local date), the ``by`` columns, ``follow_ups``, one count per `Completion`,
    ``overdue`` (late plus missed), ``completion_rate`` (on time plus late, over those settled: on time, late and
    missed; None when none is), ``on_time_rate`` (on time over the same), ``median_late_by`` (the median working
    time past the overdue threshold of the late ones; None without one), and ``contacts`` (counted contacts made,
    each instant of a customer once). A follow-up belongs to the cycle and group it fell due in, a contact to
    those it was made in. Rows come by cycle, then group.

    >>> import pendulum
    >>> from cadence import Contact, Customer, presets
    >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> customer = Customer("c-1", "B", "retention", stage_entered_at=day, created_at=day, owner="ana")
    >>> calls = [Contact(day.add(days=7, hours=10), "call"), Contact(day.add(days=20), "call")]
    >>> rows = report(presets.load("abc", calendar="UTC"), [customer], {"c-1": calls}, since=day,
    ...               until=day.add(days=28))
    >>> [(str(r["cycle"]), r["on_time"], r["late"], r["missed"], r["open"], r["contacts"]) for r in rows]
    [('2026-03-09', 1, 0, 0, 0, 1), ('2026-03-16', 0, 1, 0, 0, 1), ('2026-03-23', 0, 0, 0, 1, 0)]
    """
    if period not in _PERIODS:
        raise InputError(f'period must be "day", "week" or "month" (got {show(period)})', field="period", value=period)
    groups = group_names(by)
    start, end = time_range(since, until)
    zone = policy._zone
    cells: dict[tuple[Any, ...], tuple[list[FollowUp], list[int]]] = {}

    def cell(us: int, state: Any) -> tuple[list[FollowUp], list[int]]:
        key = (_cycle(zone, us, period), *(getattr(state, name) for name in groups))
        found = cells.get(key)
        if found is None:
            found = cells[key] = ([], [0])
        return found

    for customer, history in each_customer(customers, contacts):
        found, made = _follow_ups(policy, customer, history, start, end)
        for follow_up in found:
            cell(instant_us(follow_up.fell_due_at, "fell_due_at"), follow_up)[0].append(follow_up)
        for at, state in made:
            cell(at, state)[1][0] += 1
    rows = []
    for key in sorted(cells, key=lambda key: (key[0], *((value is None, value or "") for value in key[1:]))):
        follow_ups_, (made_count,) = cells[key][0], cells[key][1]
        counts = dict.fromkeys(Completion, 0)
        for follow_up in follow_ups_:
            counts[follow_up.completion] += 1
        settled = counts[Completion.ON_TIME] + counts[Completion.LATE] + counts[Completion.MISSED]
        late = sorted(f.late_by for f in follow_ups_ if f.completion is Completion.LATE)
        rows.append(
            {
                "cycle": key[0],
                **dict(zip(groups, key[1:], strict=True)),
                "follow_ups": len(follow_ups_),
                **{completion.value: count for completion, count in counts.items()},
                "overdue": counts[Completion.LATE] + counts[Completion.MISSED],
                "completion_rate": (counts[Completion.ON_TIME] + counts[Completion.LATE]) / settled
                if settled
                else None,
                "on_time_rate": counts[Completion.ON_TIME] / settled if settled else None,
                "median_late_by": statistics.median_low(late) if late else None,
                "contacts": made_count,
            }
        )
    return rows
