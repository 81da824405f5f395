"""cadence's paths over time (`status_spans`, `timeline`, `transitions`, `follow_ups`, `backtest`, `every`) against
the scalar `assess`, and `Customer.changes` / `Customer.at` against a fold of the changes written here.

The paths over time evaluate a customer once per event and read every other instant from the thresholds; each test
asks `assess` (or `assess_many`) at the instants they speak about and checks they say the same: a span's status at
its start, its last microsecond and instants in between, a timeline's counts, a transition's crossing, a
follow-up's thresholds and completion. Customers come with and without a past (`Change` of stage, segment and
owner, given in any order), with do-not-contact pauses and claims; histories hold contacts and deferrals; policies
carry the whole rulebook (touchpoints, escalation, reclaim). Instants are compared as microseconds, never as
datetimes of different zones.
"""

from __future__ import annotations

import calendar as month_calendar
import functools
import itertools
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cadence import (
    AnchorKind,
    Calendar,
    CalendarDuration,
    Change,
    Completion,
    Customer,
    Event,
    History,
    Policy,
    Rule,
    RuleKey,
    Status,
    TouchpointState,
    TransitionKind,
    assess,
    assess_many,
    backtest,
    every,
    follow_ups,
    status_spans,
    timeline,
    transitions,
    transitions_many,
)
from cadence._time import instant_us
from strategies import (
    STAGES,
    ZONES,
    as_of_instants,
    customer_at,
    customer_specs,
    history_at,
    history_specs,
    policies,
    shift,
)

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY_MINUTES = 24 * 60
STAGE_IDS = [*STAGES, "lost"]  # "lost" is terminal: inactive
OWNERS = ["ana", "ben"]
GROUPS = ("segment", "stage", "owner")
ALERTS = {
    TransitionKind.DUE_SOON: Status.DUE_SOON,
    TransitionKind.DUE: Status.DUE,
    TransitionKind.OVERDUE: Status.OVERDUE,
    TransitionKind.CHURN_RISK: Status.CHURN_RISK,
}


def us(value: datetime) -> int:
    """``value`` as microseconds since the epoch (an instant, whatever its zone)."""
    return instant_us(value, "value")


def at_us(micros: int) -> datetime:
    """The instant ``micros`` as a stdlib datetime in UTC."""
    return EPOCH + timedelta(microseconds=micros)


# --- customers with a past

# A change: minutes from the scenario's instant, then the stage, segment and owner it names (None: unchanged)
# and the zone its instant is written in.
_change_specs = st.lists(
    st.tuples(
        st.integers(-150 * DAY_MINUTES, 30 * DAY_MINUTES),
        st.none() | st.integers(0, len(STAGE_IDS) - 1),
        st.none() | st.integers(0, 1),
        st.none() | st.integers(0, len(OWNERS) - 1),
        st.integers(0, len(ZONES) - 1),
    ),
    max_size=4,
)


@attrs.frozen
class State:
    """What the test's own fold of the changes says a customer was at an instant."""

    stage: str
    entered: int
    segment: str
    owner: str | None


def fold(customer: Customer, instant: int) -> State | None:
    """The state of ``customer`` at ``instant`` as the `Customer` docstring describes it, from its changes (None
    before the first one); a customer without changes is its record from stage entry on."""
    if not customer.changes:
        if instant < us(customer.stage_entered_at):
            return None
        return State(customer.stage, us(customer.stage_entered_at), customer.segment, customer.owner)
    return fold_changes(customer.changes, customer.segment, customer.owner, instant)


def fold_changes(changes: Sequence[Change], segment: str, owner: str | None, instant: int) -> State | None:
    """The state after the ``changes`` up to ``instant`` (None before the first one), the record's ``segment``
    and ``owner`` standing for what no change names (an owner named by no change before ``instant``, where some
    change names one, is no owner)."""
    ordered = sorted(changes, key=lambda change: us(change.at))
    if instant < us(ordered[0].at):
        return None
    if any(change.owner is not None for change in ordered):
        owner = None
    stage: str | None = None
    entered = 0
    for change in ordered:
        if us(change.at) > instant:
            break
        if change.stage is not None and change.stage != stage:
            stage, entered = change.stage, us(change.at)
        segment = change.segment or segment
        owner = change.owner or owner
    assert stage is not None
    return State(stage, entered, segment, owner)


def with_changes(base: Customer, around: datetime, specs: list[Any], order: random.Random) -> Customer:
    """``base`` given a past: the changes ``specs`` describe (none before ``base.created_at``, at most one per
    instant, the earliest naming a stage and a segment), in shuffled order, with the record (stage, stage entry,
    segment, owner) the state after the last of them."""
    created = us(base.created_at)
    taken: set[int] = set()
    picked = []
    for minutes, stage, segment, owner, zone in sorted(specs, key=lambda spec: spec[0]):
        instant = max(us(shift(around, minutes=minutes)), created)
        if instant not in taken:
            taken.add(instant)
            picked.append((instant, stage, segment, owner, zone))
    if not picked:
        return base
    changes = []
    for index, (instant, stage, segment, owner, zone) in enumerate(picked):
        if index == 0 or (stage is None and segment is None and owner is None):
            stage = 0 if stage is None else stage
        if index == 0:
            segment = 0 if segment is None else segment
        at = at_us(instant).astimezone(ZoneInfo(ZONES[zone]))
        changes.append(
            Change(
                at,
                stage=None if stage is None else STAGE_IDS[stage],
                segment=None if segment is None else "AB"[segment],
                owner=None if owner is None else OWNERS[owner],
            )
        )
    order.shuffle(changes)
    last = fold_changes(changes, base.segment, base.owner, picked[-1][0])
    assert last is not None
    return attrs.evolve(
        base,
        stage=last.stage,
        segment=last.segment,
        owner=last.owner,
        stage_entered_at=at_us(last.entered).astimezone(base.stage_entered_at.tzinfo),
        changes=changes,
    )


def first_entry(customer: Customer) -> int:
    """When the customer entered its first stage: its earliest change, else its stage entry."""
    if customer.changes:
        return min(us(change.at) for change in customer.changes)
    return us(customer.stage_entered_at)


People = list[tuple[Customer, list[Event]]]


@st.composite
def people(draw: st.DrawFn, *, most: int = 1) -> tuple[Policy, People, datetime]:
    """A policy, one to ``most`` customers (ids ``c-0``, ``c-1`` ...; most with a past of one to four changes) with
    their histories (contacts and deferrals from 90 days before the instant to 30 days after it), and that instant."""
    around = draw(as_of_instants)
    policy = draw(policies())
    order = draw(st.randoms(use_true_random=False))
    out: People = []
    for index in range(draw(st.integers(1, most))):
        base = attrs.evolve(customer_at(around, draw(customer_specs(terminal=True))), id=f"c-{index}")
        customer = with_changes(base, around, draw(_change_specs), order)
        out.append((customer, history_at(around, draw(history_specs(90, 30)))))
    return policy, out, around


# A window: whole days (most of its spread), then minutes and microseconds (instants off the hour).
_days_back = st.integers(0, 30)
_days_long = st.integers(1, 150)
_minutes = st.integers(0, DAY_MINUTES)
_micros = st.integers(0, 10**6)
_window_zones = st.sampled_from(ZONES)


@st.composite
def windows(draw: st.DrawFn, around: datetime) -> tuple[datetime, datetime]:
    """``[since, until)`` around ``around``: from 30 days before it (the strategies put most stage entries and
    events near ``around``), a day to 150 days long, in any zones."""
    since = shift(around, days=-draw(_days_back), minutes=-draw(_minutes), microseconds=draw(_micros))
    until = shift(since, days=draw(_days_long), minutes=draw(_minutes), microseconds=draw(_micros))
    return since.astimezone(ZoneInfo(draw(_window_zones))), until.astimezone(ZoneInfo(draw(_window_zones)))


def status_or_none(policy: Policy, customer: Customer, history: list[Event], instant: int) -> Status | None:
    """`assess`'s status at ``instant``, or None before the customer's first stage."""
    if customer.state_at(instant) is None:
        return None
    return assess(policy, customer, history, as_of=at_us(instant)).status


# --- Customer.at


class TestCustomerAt:
    @settings(max_examples=80)
    @given(people(), st.data())
    def test_at_is_the_fold_of_the_changes(self, scenario, data: st.DataObject) -> None:
        """Customer.at: at every change (and a microsecond before it) and at random instants, the state is the one
        the changes up to then give (stage, stage entry, segment, owner), None before the first; `assess` judges
        the customer in that state."""
        policy, [(customer, history)], around = scenario
        instants = {us(around), first_entry(customer) - 1}
        for change in customer.changes:
            instants.update({us(change.at), us(change.at) - 1})
        instants.update(data.draw(st.lists(st.integers(us(around) - 400 * 86_400 * 10**6, us(around)), max_size=4)))
        for instant in sorted(instants):
            expected = fold(customer, instant)
            state = customer.at(at_us(instant))
            if expected is None:
                assert state is None
                continue
            assert state is not None
            assert (state.stage, us(state.stage_entered_at), state.segment, state.owner) == attrs.astuple(expected)
            assert state.changes == ()
            seen = assess(policy, customer, history, as_of=at_us(instant)).customer
            assert (seen.stage, seen.segment, seen.owner) == (expected.stage, expected.segment, expected.owner)
        last = max([first_entry(customer), *(us(change.at) for change in customer.changes)])
        now = customer.at(at_us(last))
        assert now is not None
        assert (now.stage, now.segment, now.owner) == (customer.stage, customer.segment, customer.owner)


# --- status_spans


class TestStatusSpans:
    @settings(max_examples=100)
    @given(people(), st.data(), st.randoms(use_true_random=False))
    def test_spans_agree_with_assess_and_tile_the_window(self, scenario, data: st.DataObject, rng) -> None:
        """status_spans vs assess: the spans tile [max(since, first stage entry), until) in order, without gaps or
        overlaps, two neighbours never alike; at each span's start, its last microsecond and random instants
        inside it, `assess` gives the span's status, and the customer then has the span's segment, stage and
        owner."""
        policy, [(customer, history)], around = scenario
        since, until = data.draw(windows(around))
        spans = status_spans(policy, customer, history, since=since, until=until)
        begin, end = max(us(since), first_entry(customer)), us(until)
        assert status_spans(policy, customer, history, since=until, until=until) == []
        if begin >= end:
            assert spans == []
            return
        assert spans
        assert us(spans[0].start) == begin
        assert us(spans[-1].end) == end
        for left, right in itertools.pairwise(spans):
            assert us(left.end) == us(right.start)
            assert (left.status, left.segment, left.stage, left.owner) != (
                right.status,
                right.segment,
                right.stage,
                right.owner,
            )
        for span in spans:
            start, stop = us(span.start), us(span.end)
            assert start < stop
            for instant in {start, stop - 1, *(rng.randrange(start, stop) for _ in range(2))}:
                result = assess(policy, customer, history, as_of=at_us(instant))
                assert result.status is span.status, (at_us(instant), span)
                state = customer.at(at_us(instant))
                assert state is not None
                assert (state.segment, state.stage, state.owner) == (span.segment, span.stage, span.owner)


# --- timeline


_offsets = st.tuples(st.integers(-40, 60), st.integers(0, 86_400 * 10**6 - 1))


@st.composite
def instants_for(draw: st.DrawFn, around: datetime, crowd: People) -> list[datetime]:
    """One to eight strictly rising instants from 40 days before ``around`` to 60 days after it, some of them at
    (or a microsecond before) an event, a change or a stage entry of the customers, written in any zones."""
    chosen = {
        us(shift(around, days=days, microseconds=micros))
        for days, micros in draw(st.lists(_offsets, min_size=1, max_size=5))
    }
    edges = sorted(
        {us(event.at) for _, history in crowd for event in history}
        | {us(change.at) for customer, _ in crowd for change in customer.changes}
        | {us(customer.stage_entered_at) for customer, _ in crowd}
    )
    for instant in draw(st.lists(st.sampled_from(edges), max_size=3)):
        chosen.add(instant - draw(st.sampled_from([0, 1])))
    zones = draw(st.lists(_window_zones, min_size=len(chosen), max_size=len(chosen)))
    return [at_us(instant).astimezone(ZoneInfo(zone)) for instant, zone in zip(sorted(chosen), zones, strict=True)]


def expected_rows(
    policy: Policy, crowd: People, instants: list[datetime], by: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """What `timeline` should give, from `assess_many` at each instant: per instant, the groups (each customer in
    the state `Customer.at` gives then, none before its first stage) in their documented order, with a count
    per status."""
    contacts = {customer.id: history for customer, history in crowd}
    rows = []
    for instant in instants:
        present = [customer for customer, _ in crowd if customer.at(instant) is not None]
        counts: dict[tuple[Any, ...], Counter[Status]] = {}
        for customer, result in zip(present, assess_many(policy, present, contacts, as_of=instant), strict=True):
            state = customer.at(instant)
            group = tuple(getattr(state, name) for name in by)
            counts.setdefault(group, Counter())[result.status] += 1
        for group in sorted(counts, key=lambda group: tuple((value is None, value or "") for value in group)):
            rows.append((us(instant), *group, *(counts[group][status] for status in Status)))
    return rows


def seen_rows(rows: list[dict[str, Any]], by: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """`timeline`'s rows as tuples comparable with `expected_rows` (the instant in microseconds), each row checked
    to hold exactly the columns it should."""
    out = []
    for row in rows:
        assert set(row) == {"at", *by, *(status.value for status in Status)}
        out.append((us(row["at"]), *(row[name] for name in by), *(row[status.value] for status in Status)))
    return out


@st.composite
def timeline_cases(draw: st.DrawFn) -> tuple[Policy, People, list[datetime], tuple[str, ...] | None]:
    """A policy, one to four customers with their histories, instants to count them at, and ``by`` (None: the
    default, all three columns)."""
    policy, crowd, around = draw(people(most=4))
    instants = draw(instants_for(around, crowd))
    by = draw(st.none() | st.lists(st.sampled_from(GROUPS), unique=True, max_size=3).map(tuple))
    return policy, crowd, instants, by


_UTC = timezone.utc
ONE_US = timedelta(microseconds=1)
# Found by the property below: a customer created at 19:00 and in its stage from 00:00, whose churn threshold
# (4 hours of silence from creation) passed at 23:00, counted as overdue at 23:30, before its stage entry, by the
# numpy sweep of `timeline` (a customer with no changes, pause, deferral or touchpoint); `assess` refuses that
# instant, and the scalar sweep (the same customer given one `Change` at its entry) counts nothing there.
CHURN_BEFORE_ENTRY = (
    Policy(name="p", calendar="UTC", segments=["A"], rules={("*", "*"): Rule.every("1h", churn_after="4h")}),
    [
        (
            Customer(
                "c-1",
                "A",
                "lead",
                stage_entered_at=datetime(2011, 6, 1, tzinfo=_UTC),
                created_at=datetime(2011, 5, 31, 19, tzinfo=_UTC),
            ),
            [],
        )
    ],
    [datetime(2011, 5, 31, 23, 30, tzinfo=_UTC)],
    None,
)


class TestTimeline:
    @settings(max_examples=80)
    @example(case=CHURN_BEFORE_ENTRY)
    @given(case=timeline_cases())
    def test_timeline_counts_equal_assess_many_at_each_instant(self, case) -> None:
        """timeline vs assess_many: at each instant, the count per (segment, stage, owner) (or the columns of
        ``by``) and status is what `assess_many` says of the customers in a stage then, grouped by the state
        `Customer.at` gives; the rows come in the order of the instants, then of the groups. CHURN_BEFORE_ENTRY,
        a churn threshold run from creation that passes before stage entry, was a bug of the column-wise sweep."""
        policy, crowd, instants, by = case
        customers = [customer for customer, _ in crowd]
        # A History is accepted wherever a list of events is (every other customer's, here).
        contacts = {customer.id: History(h) if i % 2 else h for i, (customer, h) in enumerate(crowd)}
        if by is None:
            rows = timeline(policy, customers, contacts, at=instants)
            by = GROUPS
        else:
            rows = timeline(policy, customers, contacts, at=instants, by=by)
        assert seen_rows(rows, by) == expected_rows(policy, crowd, instants, by)


# --- transitions


_parts = st.tuples(st.integers(0, 75), st.integers(1, 86_400 * 10**6))


@st.composite
def splits(draw: st.DrawFn, around: datetime) -> tuple[datetime, datetime, datetime]:
    """a < b < c, from 30 days before ``around``, each part up to 76 days long."""
    a = shift(around, days=-draw(_days_back), minutes=-draw(_minutes), microseconds=draw(_micros))
    (days, micros), (more_days, more_micros) = draw(_parts), draw(_parts)
    b = shift(a, days=days, microseconds=micros)
    return a, b, shift(b, days=more_days, microseconds=more_micros)


def crossings(found: list[Any]) -> list[tuple[str, TransitionKind]]:
    """The key and kind of each transition, in order."""
    return [(transition.key, transition.kind) for transition in found]


class TestTransitions:
    @settings(max_examples=100)
    @given(people(), st.data())
    def test_a_range_split_in_two_finds_the_same_crossings(self, scenario, data: st.DataObject) -> None:
        """Transitions split: for a < b < c, the crossings over [a, c) are those over [a, b) followed by those
        over [b, c), with the same keys and kinds, in order (and an empty range [b, b) has none); no key repeats."""
        policy, [(customer, history)], around = scenario
        a, b, c = data.draw(splits(around))
        whole = transitions(policy, customer, history, since=a, until=c)
        first = transitions(policy, customer, history, since=a, until=b)
        second = transitions(policy, customer, history, since=b, until=c)
        assert crossings(whole) == crossings(first) + crossings(second)
        assert transitions(policy, customer, history, since=b, until=b) == []
        assert len({transition.key for transition in whole}) == len(whole)
        assert all(us(a) <= us(transition.at) < us(c) for transition in whole)

    @settings(max_examples=100)
    @given(people(), st.data())
    def test_status_crossings_are_exactly_where_assess_changes(self, scenario, data: st.DataObject) -> None:
        """Transitions vs assess: a crossing into due soon, due, overdue or churn risk at x has `assess` at x give
        that status and `assess` a microsecond before give another (or find no stage yet); and every instant of
        [since, until) at which `assess`'s status changes into one of those (the starts of the status spans where
        it differs from the microsecond before) is such a crossing. The other kinds agree with `assess` at x: a
        deferral ended (its end is the anchor a microsecond before, and x is not snoozed), an escalation level
        reached (its action among those reached), reclaimed, stuck (and not stuck so a microsecond before), a
        touchpoint due (pending, its due time passed) or missed. Owner, segment and stage are the customer's at x."""
        policy, [(customer, history)], around = scenario
        since, until = data.draw(windows(around))
        found = transitions(policy, customer, history, since=since, until=until)
        status_kinds = []
        for transition in found:
            instant = us(transition.at)
            assert us(since) <= instant < us(until)
            state = customer.at(transition.at)
            assert state is not None
            assert (transition.owner, transition.segment, transition.stage) == (state.owner, state.segment, state.stage)
            result = assess(policy, customer, history, as_of=transition.at)
            before = status_or_none(policy, customer, history, instant - 1)
            if transition.kind in ALERTS:
                assert result.status is ALERTS[transition.kind]
                assert before is not result.status
                status_kinds.append((instant, transition.kind))
            elif transition.kind is TransitionKind.DEFERRAL_ENDED:
                # A deferral held until this instant (snoozed, or hidden by churn risk), and no longer does.
                earlier = assess(policy, customer, history, as_of=transition.at - timedelta(microseconds=1))
                assert earlier.anchor_kind is AnchorKind.DEFERRAL
                assert us(earlier.anchor_at) == instant
                assert result.status is not Status.SNOOZED
            elif transition.kind is TransitionKind.ESCALATED:
                assert result.rule is not None
                reached = [level.action for level in result.rule.escalation[: result.escalation_level]]
                assert transition.detail in reached
            elif transition.kind is TransitionKind.RECLAIMED:
                assert result.reclaimed
            elif transition.kind is TransitionKind.STUCK:
                # Stuck from stuck_at on, or from a change of rule that made it stuck (a stuck_at already past).
                assert result.stuck
                assert us(result.stuck_at) <= instant
                assert transition.detail == result.customer.stage
                if before is not None:
                    earlier = assess(policy, customer, history, as_of=transition.at - timedelta(microseconds=1))
                    assert not earlier.stuck or earlier.stuck_at != result.stuck_at
            else:
                state = TouchpointState.MISSED if transition.kind is TransitionKind.TOUCHPOINT_MISSED else None
                matching = [
                    touch
                    for touch in result.touchpoints
                    if touch.label == transition.detail
                    and (touch.state is state if state else touch.state is TouchpointState.PENDING)
                    and us(touch.due_at) <= instant
                ]
                assert matching, (transition, result.touchpoints)
        expected = []
        for span in status_spans(policy, customer, history, since=since, until=until):
            start = us(span.start)
            if (
                span.status in ALERTS.values()
                and status_or_none(policy, customer, history, start - 1) is not span.status
            ):
                expected.append((start, TransitionKind(span.status.value)))
        assert status_kinds == expected

    @settings(max_examples=50)
    @given(people(most=3), st.data())
    def test_transitions_many_merges_each_customers_transitions(self, scenario, data: st.DataObject) -> None:
        """transitions_many: each customer's `transitions`, merged by instant, customers in the given order at one
        instant."""
        policy, crowd, around = scenario
        since, until = data.draw(windows(around))
        contacts = {customer.id: history for customer, history in crowd}
        merged = transitions_many(policy, [customer for customer, _ in crowd], contacts, since=since, until=until)
        each = [
            (us(transition.at), index, transition.key, transition.kind)
            for index, (customer, history) in enumerate(crowd)
            for transition in transitions(policy, customer, history, since=since, until=until)
        ]
        each.sort(key=lambda item: item[:2])
        assert [(transition.key, transition.kind) for transition in merged] == [item[2:] for item in each]


# --- follow-ups and backtests


def same_follow_up(result: Any, follow_up: Any, *, final: bool = True) -> None:
    """``result`` (an assessment) is under the thresholds of ``follow_up``. Not ``final`` (when it fell due): a
    hold that ends later may still move its overdue threshold (not its due time, which has passed by then)."""
    assert result.cadence_due_at is not None, result
    assert us(result.cadence_due_at) == us(follow_up.due_at)
    if final:
        assert us(result.overdue_at) == us(follow_up.overdue_at)
    assert us(result.anchor_at) == us(follow_up.anchor_at)
    assert result.anchor_kind is follow_up.anchor_kind
    assert str(result.rule_key) == follow_up.rule_key
    assert result.step == follow_up.step


def identity(policy: Policy, customer: Customer, history: list[Event], instant: int) -> tuple[Any, ...] | None:
    """What tells a follow-up from the next at ``instant``, by `assess`: stage entry, segment, anchor and due time
    as the rule gives it (before holds move it; None before the first stage, and while inactive)."""
    if customer.state_at(instant) is None:
        return None
    result = assess(policy, customer, history, as_of=at_us(instant))
    if result.status is Status.INACTIVE or result.anchor_at is None:
        return None
    then = result.customer
    due = us(result.cadence_due_at) - result.hold_delay // ONE_US
    return us(then.stage_entered_at), then.segment, us(result.anchor_at), due


class TestBacktest:
    def test_a_follow_up_away_at_its_overdue_instant_resumes_missed(self) -> None:
        """Found by the property below: A's first response is overdue at 00:00 on 30 May, the very instant the
        customer moves to segment B (another rule); it is back in A from 1 June 00:01, where the same follow-up,
        never done, resumes and is missed (assess says overdue under A/* from then, not at 30 May)."""
        utc = ZoneInfo("UTC")
        start = datetime(2011, 5, 27, 9, 3, tzinfo=utc)
        rules = {("A", "*"): Rule.every("1h", first_response="7h", grace="2bd", days_off="skip"),
                 ("*", "*"): Rule.every("1h")}  # fmt: skip
        policy = Policy("p", Calendar("UTC", workdays=["sat", "sun"]), ["A", "B"], rules)
        moves = [Change(start, stage="lead", segment="A"), Change(datetime(2011, 5, 30, tzinfo=utc), segment="B"),
                 Change(datetime(2011, 6, 1, 0, 1, tzinfo=utc), segment="A")]  # fmt: skip
        customer = Customer("c-0", "A", "lead", start, start, changes=moves)
        found = backtest(policy, [customer], {"c-0": []}, since=start, until=datetime(2011, 6, 2, tzinfo=utc))
        first = next(f for f in found if f.rule_key == "A/*")
        assert (first.completion, first.overdue_at) == (Completion.MISSED, datetime(2011, 5, 30, tzinfo=utc))
        assert assess(policy, customer, [], as_of=first.overdue_at).rule_key == RuleKey("*", "*")
        back = assess(policy, customer, [], as_of=datetime(2011, 6, 1, 0, 1, tzinfo=utc))
        assert (back.status, back.rule_key, back.due_at) == (Status.OVERDUE, RuleKey("A", "*"), first.due_at)

    @settings(max_examples=100)
    @given(people(most=3), st.data())
    def test_follow_ups_agree_with_assess(self, scenario, data: st.DataObject) -> None:
        """Backtest vs assess: backtest is each customer's follow_ups in turn; each follow-up fell due in [since,
        until), in order per customer, at its due time or later (when what made it due began then: a change, an
        event, `assess` a microsecond before gives other thresholds); when it fell due `assess` gives its
        thresholds, anchor, rule and step and a status of due or worse, with the customer's owner, segment and
        stage. Done on time: `assess` a microsecond before the contact still gives its thresholds and says due (or
        churn risk), never overdue, and the contact is a counted one. Late: the same, overdue (or churn risk) when
        the contact came after the overdue time. Missed: overdue (or churn risk) once overdue and fallen due. Open:
        due (or churn risk) at the end of the range, not overdue before it."""
        policy, crowd, around = scenario
        since, until = data.draw(windows(around))
        contacts = {customer.id: history for customer, history in crowd}
        found = backtest(policy, [customer for customer, _ in crowd], contacts, since=since, until=until)
        each = [
            follow_up
            for customer, history in crowd
            for follow_up in follow_ups(policy, customer, history, since=since, until=until)
        ]
        assert found == each
        by_id = {customer.id: (customer, history) for customer, history in crowd}
        for customer, _ in crowd:
            fell = [us(f.fell_due_at) for f in found if f.customer_id == customer.id]
            assert fell == sorted(fell)
        for follow_up in found:
            customer, history = by_id[follow_up.customer_id]
            due, overdue, fell_due = us(follow_up.due_at), us(follow_up.overdue_at), us(follow_up.fell_due_at)
            assert us(since) <= fell_due < us(until)
            assert us(follow_up.anchor_at) <= due <= overdue
            assert due <= fell_due
            mine = identity(policy, customer, history, fell_due)
            if fell_due > due:
                assert identity(policy, customer, history, fell_due - 1) != mine
            at_due = assess(policy, customer, history, as_of=follow_up.fell_due_at)
            same_follow_up(at_due, follow_up, final=False)
            assert at_due.status in (Status.DUE, Status.OVERDUE, Status.CHURN_RISK)
            then = at_due.customer
            assert (then.owner, then.segment, then.stage) == (follow_up.owner, follow_up.segment, follow_up.stage)
            if follow_up.completion in (Completion.ON_TIME, Completion.LATE):
                assert follow_up.done_at is not None
                done = us(follow_up.done_at)
                assert fell_due < done < us(until)
                before = assess(policy, customer, history, as_of=at_us(done - 1))
                # Done during a hold: the follow-up's thresholds are those once the hold ended then.
                same_follow_up(before, follow_up, final=not before.on_hold)
                assert assess(policy, customer, history, as_of=follow_up.done_at).last_contact_at == follow_up.done_at
                if follow_up.completion is Completion.ON_TIME:
                    assert done < overdue
                    assert before.status in (Status.DUE, Status.CHURN_RISK)
                    assert follow_up.late_by == timedelta(0)
                else:
                    assert done >= overdue
                    assert follow_up.late_by >= timedelta(0)
                    worse = (Status.OVERDUE, Status.CHURN_RISK) if done > overdue else (Status.DUE, Status.CHURN_RISK)
                    assert before.status in worse
                continue
            assert follow_up.done_at is None
            assert follow_up.late_by == timedelta(0)
            if follow_up.completion is Completion.MISSED:
                assert overdue < us(until)
                # The first instant from then on at which the follow-up is in force: a change may take the
                # customer to another rule at that very instant and back later, and the follow-up resumes then.
                late = max(overdue, fell_due)
                mine = identity(policy, customer, history, fell_due)
                moments = [late, *sorted(us(c.at) for c in customer.changes if us(c.at) > late)]
                late = next(m for m in moments if identity(policy, customer, history, m) == mine)
                at_overdue = assess(policy, customer, history, as_of=at_us(late))
                same_follow_up(at_overdue, follow_up)
                assert at_overdue.status in (Status.OVERDUE, Status.CHURN_RISK)
            elif follow_up.completion is Completion.OPEN:
                last = assess(policy, customer, history, as_of=at_us(us(until) - 1))
                assert overdue >= us(until) or (last.on_hold and overdue > us(last.hold_started_at))
                same_follow_up(last, follow_up)
                assert last.status in (Status.DUE, Status.CHURN_RISK)
            else:
                assert follow_up.completion is Completion.WITHDRAWN
                assert overdue >= fell_due


# --- every

# Every zone of the strategies: daylight saving in Berlin and New York, at midnight (Santiago, Havana), by half an
# hour (Lord Howe), several times a year (Casablanca). Apia's skipped 30 December 2011 is left to
# `test_every_over_a_skipped_date`.
EVERY_ZONES = ZONES


@functools.cache
def offset_changes(zone: str, year: int) -> list[date]:
    """The local dates of ``year`` on which the UTC offset of ``zone`` changes (read at local noon)."""
    tz = ZoneInfo(zone)
    out = []
    day = date(year, 1, 1)
    previous = datetime.combine(day, time(12), tz).utcoffset()
    while day.year == year:
        day += timedelta(days=1)
        offset = datetime.combine(day, time(12), tz).utcoffset()
        if offset != previous:
            out.append(day)
        previous = offset
    return out


def add_months(day: date, count: int) -> date:
    """``day`` moved by ``count`` months, clamped to the end of shorter months."""
    months = day.year * 12 + day.month - 1 + count
    year, month = divmod(months, 12)
    return date(year, month + 1, min(day.day, month_calendar.monthrange(year, month + 1)[1]))


def candidates(zone: str, day: date, wall: time) -> set[int]:
    """The instants ``every`` may give for the wall time ``wall`` on the local date ``day``: the one instant where
    it exists once, either where it exists twice (a fold), and the instant moved forward by the gap where it does
    not exist."""
    tz = ZoneInfo(zone)
    early, late = (datetime.combine(day, wall, tz).replace(fold=fold) for fold in (0, 1))
    exists = [value for value in (early, late) if value.astimezone(timezone.utc).astimezone(tz) == value]
    if not exists:  # in a gap: fold 0 reads it with the offset before the gap, which moves it forward
        return {us(early)}
    return {us(value) for value in exists}


def wall_exists(zone: str, day: date, wall: time) -> bool:
    """True if the wall time ``wall`` exists on the local date ``day`` in ``zone`` (once, or twice in a fold)."""
    tz = ZoneInfo(zone)
    value = datetime.combine(day, wall, tz)
    return value.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == value.replace(tzinfo=None)


@st.composite
def every_cases(draw: st.DrawFn) -> tuple[str, datetime, datetime, CalendarDuration | str, tuple[int, int]]:
    """A zone, a start near one of its offset changes (up to 40 days before it, 10 after), at a wall time that
    exists (often the hours from midnight to 03:00, sometimes in a fold), an end up to 400 days later, and a step
    (a `CalendarDuration` or its text), with its months and days."""
    zone = draw(st.sampled_from(EVERY_ZONES))
    year = draw(st.integers(2005, 2035))
    if zone == "Pacific/Apia":
        year = max(year, 2012)  # from 2012 on: no skipped date in reach
    changes = offset_changes(zone, year)
    change = draw(st.sampled_from(changes)) if changes else date(year, 3, 15)
    day = change - timedelta(days=draw(st.integers(-10, 40)))
    hour = draw(st.sampled_from([0, 1, 2]) | st.integers(0, 23))
    wall = time(hour, draw(st.sampled_from([0, 30]) | st.integers(0, 59)), draw(st.integers(0, 59)))
    wall = wall.replace(microsecond=draw(st.sampled_from([0, 1, 999_999])))
    value = datetime.combine(day, wall, ZoneInfo(zone)).replace(fold=draw(st.integers(0, 1)))
    existing = value.astimezone(timezone.utc).astimezone(ZoneInfo(zone))  # a wall time in a gap: where it lands
    start = draw(st.sampled_from([existing, pendulum.instance(existing)]))
    end = shift(start, minutes=draw(st.integers(0, 400 * DAY_MINUTES)), microseconds=draw(st.integers(0, 1)))
    months, days = draw(st.sampled_from([(0, 1), (0, 1), (0, 2), (0, 7), (0, 10), (1, 0), (2, 0), (1, 3), (0, 31)]))
    step: CalendarDuration | str = CalendarDuration(months=months, days=days)
    if draw(st.booleans()):
        step = f"{months}mo{days}d" if months and days else (f"{months}mo" if months else f"{days}d")
    return zone, start, end, step, (months, days)


class TestEvery:
    @settings(max_examples=100)
    @given(every_cases())
    def test_every_keeps_the_wall_time_across_daylight_saving(self, case) -> None:
        """every: the steps rise strictly and lie in [start, end), the first at start; the n-th is on start's local
        date plus n steps (months first, clamped to the month's end, then days), at start's local wall time where
        it exists that day (at either instant in a fold), moved forward by the gap where it does not; and the step
        after the last one is at or after end."""
        zone, start, end, step, (months, days) = case
        found = every(step, start=start, end=end)
        instants = [us(value) for value in found]
        assert instants == sorted(set(instants))
        assert all(us(start) <= instant < us(end) for instant in instants)
        assert bool(found) == (us(start) < us(end))
        local = start.astimezone(ZoneInfo(zone))
        wall = local.time()

        def day_of(count: int) -> date:
            return add_months(local.date(), months * count) + timedelta(days=days * count)

        for count, value in enumerate(found):
            assert us(value) in candidates(zone, day_of(count), wall), (count, value)
            seen = value.astimezone(ZoneInfo(zone))
            if wall_exists(zone, day_of(count), wall):
                assert (seen.date(), seen.time()) == (day_of(count), wall)
        assert max(candidates(zone, day_of(len(found)), wall)) >= us(end)


@pytest.mark.parametrize("step", ["1d", "1w", "1mo"])
def test_every_over_a_skipped_date(step: str) -> None:
    """every across Pacific/Apia's skipped 30 December 2011 (from the 23rd, or the 30th of November, at 10:00):
    the steps rise strictly (each instant once: the skipped date has no step of its own), so that
    `timeline(at=every(...))` accepts them."""
    day = 30 if step == "1mo" else 23
    start = datetime(2011, 12 if day == 23 else 11, day, 10, tzinfo=ZoneInfo("Pacific/Apia"))
    found = every(step, start=start, end=start + timedelta(days=62))
    instants = [us(value) for value in found]
    assert instants == sorted(set(instants))
