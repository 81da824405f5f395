"""Transitions: the first instant at which a customer crossed into something a notification is about, with a
stable key, found by a walk over the sweep of `cadence._timeline`."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import attrs
import pendulum

from cadence._engine import AnchorKind, Answers, Status, evaluate, held_back, known_answers, status_at
from cadence._history import History
from cadence._model import Customer, Event
from cadence._policy import Policy
from cadence._rulebook import TouchpointState, shift
from cadence._time import instant_us
from cadence._timeline import each_customer, indexed, one_customer, status_edges, stretches, time_range

__all__ = ["Transition", "TransitionKind", "transitions", "transitions_many"]


class TransitionKind(enum.Enum):
    """What a customer crossed into."""

    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"
    CHURN_RISK = "churn_risk"
    """The status became this one (from any other)."""
    ESCALATED = "escalated"
    """An escalation level was reached; ``detail`` is its action."""
    RECLAIMED = "reclaimed"
    """The customer's reclaim time came: it goes back to the shared pool."""
    STUCK = "stuck"
    """The customer has been in its stage for its rule's ``stuck_after``; ``detail`` is the stage."""
    TOUCHPOINT_DUE = "touchpoint_due"
    """A touchpoint's time came with no counted contact in its window yet; ``detail`` is its label."""
    TOUCHPOINT_MISSED = "touchpoint_missed"
    """A touchpoint's window closed with no counted contact in it; ``detail`` is its label."""
    DEFERRAL_ENDED = "deferral_ended"
    """A deferral the customer asked for ran out: the follow-up is due."""

    def __str__(self) -> str:
        return self.value


_ALERTS = {
    status: TransitionKind(status.value) for status in Status if status.value in TransitionKind._value2member_map_
}


@attrs.frozen
class Transition:
    """The first instant at which a customer crossed into something a notification is about.

    ``key`` is the same whenever the same crossing is found again (a job run twice, late, or over a range split in
    two), so that each alert can be sent exactly once: store the keys sent. It is a JSON list of the customer's
    id, the kind, the instant (microseconds since 1970 UTC) and the position in its rule of the escalation level
    or touchpoint (null for the other kinds), so two crossings never share one. ``owner``, ``segment`` and ``stage``
    are the customer's at ``at``.
    """

    customer_id: str
    kind: TransitionKind
    at: pendulum.DateTime
    detail: str | None
    owner: str | None
    segment: str
    stage: str
    key: str


class _Marks(NamedTuple):
    """What a customer has reached at one instant, for finding crossings: each mark is a hashable value."""

    status: Status | None
    # (kind, what it counts from, detail, position) of each escalation level reached, reclaim, stuck, touchpoint
    # due or missed: the overdue instant and the level, the reclaim or stuck instant, the stage entry and the
    # touchpoint
    marks: frozenset[tuple[Any, ...]]
    deferred_until: int | None  # while a deferral holds: its end


def _marks(answers: Answers, at: int, status: Status) -> _Marks:
    """The marks at ``at`` of a customer whose facts (in ``answers``) hold at ``at``."""
    facts = answers.facts
    marks: set[tuple[Any, ...]] = set()
    match = facts.match
    if match is not None:
        if match.rule.escalation and facts.overdue is not None and not held_back(facts, facts.overdue):
            for index, level in enumerate(match.rule.escalation):
                if at >= shift(facts.zone, facts.overdue, level.after):
                    marks.add((TransitionKind.ESCALATED, facts.overdue, level.action, index))
        reclaim = answers.reclaim_us()  # under do-not-contact too, as `Assessment.reclaimed` says
        if reclaim is not None and at >= reclaim:
            marks.add((TransitionKind.RECLAIMED, reclaim, None, None))
        stuck = answers.stuck_us()
        if stuck is not None and at >= stuck:
            marks.add((TransitionKind.STUCK, stuck, facts.customer.stage, None))
        if facts.touch is not None:
            entry = facts.customer._entered_us
            counted = answers.history().all_counted(facts.mask)
            for item in facts.touch.states(facts.zone, facts.customer, at, counted):
                label, index = item.touchpoint.label, facts.touch.items.index(item.touchpoint)
                if item.state is TouchpointState.MISSED:
                    marks.add((TransitionKind.TOUCHPOINT_MISSED, entry, label, index))
                elif item.state is TouchpointState.PENDING and at >= item.due:
                    marks.add((TransitionKind.TOUCHPOINT_DUE, entry, label, index))
    resumes = facts.anchor_kind is AnchorKind.DEFERRAL and facts.anchor is not None and at < facts.anchor
    return _Marks(status, frozenset(marks), facts.anchor if resumes else None)


def _mark_edges(answers: Answers, start: int, end: int) -> list[int]:
    """The instants inside (``start``, ``end``) at which the marks of the facts in ``answers`` may change."""
    facts = answers.facts
    edges = status_edges(facts, start, end)
    match = facts.match
    if match is not None:
        if facts.overdue is not None:
            edges += [shift(facts.zone, facts.overdue, level.after) for level in match.rule.escalation]
        edges += [edge for edge in (answers.reclaim_us(), answers.stuck_us()) if edge is not None]
    return sorted({edge for edge in edges if start < edge < end})


def _crossings(
    policy: Policy, customer: Customer, history: History, start: int, end: int
) -> Iterator[tuple[int, TransitionKind, str | None, int | None, Customer]]:
    """Each crossing in [``start``, ``end``): its instant, kind, detail, position (of an escalation level or a
    touchpoint in its rule), and the customer's state then."""
    before = _NOTHING
    if start > customer.state_starts()[0]:  # the marks just before the range: what a crossing is counted from
        earlier = evaluate(policy, customer, history, start - 1)
        before = _marks(known_answers(earlier, {}), start - 1, earlier.status)
    for stretch in stretches(policy, customer, history, start, end):
        facts = stretch.facts
        if facts is None:
            before = _NOTHING
            continue
        answers = known_answers(facts, {})
        for at in (stretch.start, *_mark_edges(answers, stretch.start, stretch.end)):
            now = _marks(answers, at, facts.status if at == facts.as_of else status_at(facts, at))
            if now.status is not before.status and now.status in _ALERTS:
                yield at, _ALERTS[now.status], None, None, facts.customer
            for kind, _, detail, position in sorted(now.marks - before.marks, key=_mark_order):
                yield at, kind, detail, position, facts.customer
            if before.deferred_until == at and now.deferred_until is None:
                yield at, TransitionKind.DEFERRAL_ENDED, None, None, facts.customer
            before = now


_NOTHING = _Marks(None, frozenset(), None)


def _mark_order(mark: tuple[Any, ...]) -> tuple[str, int, int]:
    return mark[0].value, mark[1], -1 if mark[3] is None else mark[3]


def transitions(
    policy: Policy, customer: Customer, contacts: Iterable[Event] | History, *, since: datetime, until: datetime
) -> list[Transition]:
    """Every crossing of ``customer`` in [``since``, ``until``), in order: into due soon, due, overdue or churn
    risk, a new escalation level, reclaim, stuck in the stage, a touchpoint becoming due or missed, a deferral
    running out.

    A crossing at ``since`` itself is counted from the state just before it, so the crossings over [a, c) are
    those over [a, b) followed by those over [b, c): a nightly job that asks about [last run, now) sends every
    alert once, however late or often it runs, and ``key`` tells a repeated run's alerts apart.

    >>> import pendulum
    >>> from cadence import Customer, presets
    >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> customer = Customer("c-1", "B", "retention", stage_entered_at=day, created_at=day)
    >>> found = transitions(presets.load("abc", calendar="UTC"), customer, [], since=day, until=day.add(days=14))
    >>> [(t.kind.value, t.at.date().isoformat()) for t in found]
    [('due_soon', '2026-03-08'), ('due', '2026-03-09'), ('overdue', '2026-03-10')]
    """
    start, end = time_range(since, until)
    return _transitions(policy, one_customer(customer), indexed(contacts), start, end)


def _transitions(policy: Policy, customer: Customer, history: History, start: int, end: int) -> list[Transition]:
    out = []
    for at, kind, detail, position, state in _crossings(policy, customer, history, start, end):
        key = json.dumps([customer.id, kind.value, at, position], ensure_ascii=False)
        zone = state._zone or policy._zone
        out.append(
            Transition(customer.id, kind, zone.to_datetime(at), detail, state.owner, state.segment, state.stage, key)
        )
    return out


def transitions_many(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    since: datetime,
    until: datetime,
) -> list[Transition]:
    """`transitions` of many customers, ordered by instant (then by the order of ``customers``); ``contacts``
    maps a customer id to its history, as for `assess_many`."""
    start, end = time_range(since, until)
    found = [
        (transition, index)
        for index, (customer, history) in enumerate(each_customer(customers, contacts))
        for transition in _transitions(policy, customer, history, start, end)
    ]
    found.sort(key=lambda item: (instant_us(item[0].at, "at"), item[1]))
    return [transition for transition, _ in found]
