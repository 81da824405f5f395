"""The properties of docs/semantics.md, each as a Hypothesis test named for it, over every rule the strategies
make: contact filters, caps, escalation, reclaim and touchpoints, customers under do-not-contact or claimed from the
pool, and histories with deferrals. Where docs/rulebook.md ("What this does to the properties") says a property
does not hold for part of the rulebook, the test leaves out exactly that case, and says so where it does."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import policy as one_rule_policy
from cadence import (
    AnchorKind,
    Assessment,
    CadenceError,
    Channel,
    Contact,
    Customer,
    DaysOff,
    Deferral,
    Direction,
    Event,
    InputTypeError,
    Outcome,
    Policy,
    Rule,
    Status,
    assess,
    parse_duration,
)
from cadence._time import get_zone, instant_us
from strategies import (
    ZONES,
    as_of_instants,
    aware_datetimes,
    customer_at,
    customer_specs,
    histories,
    history_at,
    history_specs,
    policies,
    shift,
)

ONE_US = timedelta(microseconds=1)


def snapshot(result: Assessment) -> tuple[object, ...]:
    """Everything an assessment says, with instants compared as instants, and every answer of the rulebook as
    `to_dict` gives it (the reason, caps, escalation, reclaim, touchpoints, risk)."""
    return (
        result.status,
        result.rule_key,
        result.anchor_kind,
        result.step,
        result.anchor_at,
        result.due_soon_at,
        result.due_at,
        result.overdue_at,
        result.churn_risk_at,
        result.last_contact_at,
        result.silence,
        result.contact_allowed,
        result.next_allowed_at,
        result.unanswered_attempts,
        result.recommendation,
        result.escalation_level,
        result.next_escalation_at,
        result.reclaim_at,
        result.risk_score,
        result.to_dict(),
    )


def thresholds(result: Assessment) -> list[tuple[datetime, Status]]:
    # The cadence's thresholds (a touchpoint that makes the customer due shows its own time as due_at).
    pairs = [(result.due_soon_at, Status.DUE_SOON), (result.cadence_due_at, Status.DUE),
             (result.overdue_at, Status.OVERDUE)]  # fmt: skip
    if result.churn_risk_at is not None:
        pairs.append((result.churn_risk_at, Status.CHURN_RISK))
    return [(at, status) for at, status in pairs if at is not None]


def expected_status(result: Assessment, at: datetime) -> Status:
    """The status the thresholds of ``result`` imply at ``at``: the most urgent one passed. (Compared as instants:
    Python compares two datetimes of one tzinfo by wall clock, ignoring ``fold``, so the two 00:30 of a night the
    clocks go back would compare equal.)"""
    passed = [status for when, status in thresholds(result) if instant_us(when, "at") <= instant_us(at, "at")]
    return max(passed, default=Status.ON_TRACK)


def rulebook_status(result: Assessment, at: datetime) -> Status:
    """The status ``result`` implies at ``at`` (for the same history), with what docs/rulebook.md adds to the
    thresholds: inactive during a do-not-contact pause, snoozed before a deferral's end unless churn risk shows
    through, and due while a touchpoint is due and the cadence is less urgent."""
    customer = result.customer
    now = instant_us(at, "at")  # compared as instants, as in `expected_status`

    def before(when: datetime | None) -> bool:
        return when is not None and now < instant_us(when, "at")

    if customer.do_not_contact and (customer.do_not_contact_until is None or before(customer.do_not_contact_until)):
        return Status.INACTIVE
    status = expected_status(result, at)
    if result.anchor_kind is AnchorKind.DEFERRAL and before(result.anchor_at) and status is not Status.CHURN_RISK:
        return Status.SNOOZED
    touch_due = any(not before(t.due_at) and before(t.window[1]) and t.completed_at is None for t in result.touchpoints)
    if touch_due and status in (Status.ON_TRACK, Status.DUE_SOON):
        return Status.DUE
    return status


def rulebook_instants(result: Assessment) -> list[datetime]:
    """The instants at which the rulebook, not a threshold, changes the status: a deferral's or a pause's end, and
    each touchpoint's due time and the end of its window."""
    out = [t for tp in result.touchpoints for t in (tp.due_at, tp.window[1])]
    if result.anchor_kind in (AnchorKind.DEFERRAL, AnchorKind.DO_NOT_CONTACT) and result.anchor_at is not None:
        out.append(result.anchor_at)
    return out


def instant_of(event: Event) -> int:
    return instant_us(event.at, "at")


def moved(event: Event, at: datetime) -> Event:
    """``event`` logged at ``at`` instead."""
    if isinstance(event, Contact):
        return Contact(at, event.channel, event.direction, event.outcome, event.by)
    return Deferral(at, event.until, event.by)


def in_zone(event: Event, tz: Any) -> Event:
    """``event`` with its instants written in zone ``tz`` (a deferral's date stays a date)."""
    if isinstance(event, Contact):
        return moved(event, event.at.astimezone(tz))
    until = event.until.astimezone(tz) if isinstance(event.until, datetime) else event.until
    return Deferral(event.at.astimezone(tz), until, event.by)


def without_touchpoints(policy: Policy) -> Policy:
    """``policy`` with the touchpoints taken out of every rule: the cadence alone."""
    return policy.with_rules({key: attrs.evolve(rule, touchpoints=()) for key, rule in dict(policy.rules).items()})


@st.composite
def scenarios(
    draw: st.DrawFn, *, monotone: bool = False, terminal: bool = False, day_granular: bool = False
) -> tuple[Policy, Customer, list[Event], datetime]:
    as_of = draw(as_of_instants)
    policy = draw(policies(monotone=monotone, day_granular=day_granular))
    customer = customer_at(as_of, draw(customer_specs(terminal=terminal)))
    history = history_at(as_of, draw(history_specs()))
    return policy, customer, history, as_of


@given(scenarios(terminal=True), st.randoms(use_true_random=False))
def test_contact_order_and_exact_duplicates_do_not_matter(scenario, rng: random.Random) -> None:
    """Property 1: shuffling the history and repeating contacts (and deferrals) gives the same assessment."""
    policy, customer, history, as_of = scenario
    reordered = history + rng.choices(history, k=3) if history else []
    rng.shuffle(reordered)
    assert snapshot(assess(policy, customer, reordered, as_of=as_of)) == snapshot(
        assess(policy, customer, history, as_of=as_of)
    )


@given(scenarios(terminal=True), histories(around=datetime(2020, 1, 1, tzinfo=timezone.utc)), st.data())
def test_contacts_after_as_of_do_not_matter(scenario, extra: list[Event], data: st.DataObject) -> None:
    """Property 2: contacts (and deferrals) logged strictly after as_of are not seen."""
    policy, customer, history, as_of = scenario
    future = [moved(c, shift(as_of, microseconds=data.draw(st.integers(1, 10**12)))) for c in extra]
    assert snapshot(assess(policy, customer, history + future, as_of=as_of)) == snapshot(
        assess(policy, customer, history, as_of=as_of)
    )


@given(scenarios(terminal=True), st.integers(0, 400 * 24 * 3600 * 10**6))
def test_moving_as_of_later_never_lowers_the_status(scenario, later_us: int) -> None:
    """Property 3: with no contact (or deferral) between the two instants, a later as_of never gives a lower status.

    Touchpoints excepted (docs/rulebook.md): a touchpoint's window closing turns ``due`` back into the cadence's
    status. So the status goes down only from a touchpoint due at as_of, and never below what the cadence alone
    (the same rules without their touchpoints) said at as_of."""
    policy, customer, history, as_of = scenario
    later = shift(as_of, microseconds=later_us)
    seen = [c for c in history if c.at <= as_of or c.at > later]
    first = assess(policy, customer, seen, as_of=as_of)
    second = assess(policy, customer, seen, as_of=later)
    if second.status < first.status:
        assert first.status is Status.DUE
        assert any(t.due_at <= as_of < t.window[1] and t.completed_at is None for t in first.touchpoints)
        assert second.status >= assess(without_touchpoints(policy), customer, seen, as_of=as_of).status
    else:
        assert second.status >= first.status


@given(scenarios(monotone=True), st.data(), st.randoms(use_true_random=False))
def test_adding_a_counted_contact_never_raises_the_status(scenario, data: st.DataObject, rng: random.Random) -> None:
    """Property 4: for monotone rules, a new counted contact at or after the last one never raises the status.

    Deferrals excepted (docs/rulebook.md): a counted contact after the deferral in effect ends it, turning
    ``snoozed`` (or a follow-up due at the deferral's end) into the cadence's status; that one case is left out."""
    policy, customer, history, as_of = scenario
    before = assess(policy, customer, history, as_of=as_of)
    assert before.rule is not None
    assert before.rule.is_monotone
    counts = before.rule.counts
    last = before.last_contact_at
    floor = last if last is not None else shift(as_of, days=-400)
    span_us = instant_us(as_of, "as_of") - instant_us(floor, "floor")
    at = shift(floor, microseconds=data.draw(st.integers(0, span_us)))
    # A contact the rule counts: any channel, direction and outcome its filter admits.
    kinds = [(c, d, o) for c in Channel for d in Direction for o in Outcome if counts.admits(c, d, o)]
    assume(kinds)  # a filter for outbound contacts under which no outcome reaches anyone counts nothing
    added = Contact(at, *rng.choice(kinds), by="new")
    assert counts.admits(added.channel, added.direction, added.outcome)
    if before.anchor_kind is AnchorKind.DEFERRAL:
        deferral = max((e for e in history if isinstance(e, Deferral) and e.at <= as_of), key=instant_of)
        if instant_of(added) > instant_of(deferral):
            return  # the contact ends the deferral: the case docs/rulebook.md leaves out
    after = assess(policy, customer, [*history, added], as_of=as_of)
    assert after.status <= before.status


@given(scenarios(terminal=True), st.sampled_from(ZONES))
def test_expressing_instants_in_another_zone_changes_nothing(scenario, zone_name: str) -> None:
    """Property 5: the same instants written in another time zone give the same assessment: the customer's (stage
    entry, creation, the end of a do-not-contact pause, the claim) and the history's (contacts, deferrals)."""
    policy, customer, history, as_of = scenario
    tz = get_zone(zone_name, "zone").pendulum_tz
    pause, claim = customer.do_not_contact_until, customer.claimed_at
    moved_customer = attrs.evolve(
        customer,
        stage_entered_at=customer.stage_entered_at.astimezone(tz),
        created_at=customer.created_at.astimezone(tz),
        do_not_contact_until=None if pause is None else pause.astimezone(tz),
        claimed_at=None if claim is None else claim.astimezone(tz),
    )
    moved_history = [in_zone(c, tz) for c in history]
    assert snapshot(assess(policy, moved_customer, moved_history, as_of=as_of.astimezone(tz))) == snapshot(
        assess(policy, customer, history, as_of=as_of)
    )


@given(scenarios())
def test_thresholds_are_ordered(scenario) -> None:
    """Property 6: due_soon_at <= due_at <= overdue_at, and each lies after the anchor, for every valid policy.

    A customer under do-not-contact (inactive until the pause ends) has no thresholds at all. After a deferral's
    or a pause's end the follow-up is due at that end, the anchor, so the due time is at it, not after it."""
    result = assess(*scenario[:3], as_of=scenario[3])
    if result.status is Status.INACTIVE:
        assert result.due_soon_at is result.cadence_due_at is result.overdue_at is result.churn_risk_at is None
        return
    assert result.due_soon_at is not None
    assert result.cadence_due_at is not None
    assert result.overdue_at is not None
    assert result.anchor_at is not None
    # Compared as instants: Python compares two datetimes of one zone by their wall clocks, so 23:00 before and
    # after Santiago's clocks go back (28 April 2012) would be equal.
    soon, due, overdue, anchor = (
        instant_us(when, "at") for when in (result.due_soon_at, result.cadence_due_at, result.overdue_at,
                                            result.anchor_at)
    )  # fmt: skip
    assert soon <= due <= overdue
    assert soon >= anchor
    if result.anchor_kind in (AnchorKind.DEFERRAL, AnchorKind.DO_NOT_CONTACT):
        assert due == anchor
    else:
        assert due > anchor


def test_due_soon_is_never_before_the_anchor() -> None:
    """Property 6 says every threshold is at or after the anchor. ``Rule.every("2d", heads_up="30h")`` is valid
    (30 hours is shorter than two days), but a counted contact at 22:00 makes the follow-up due at midnight two
    dates later, 26 hours after the contact: ``due_at - heads_up`` is 18:00, before the contact. The follow-up is
    then due within the heads-up from the contact on, so the customer is due soon from the anchor (found by the
    extended strategies; `test_thresholds_are_ordered` checks it for every rule)."""
    rule = Rule.every("2d", heads_up="30h")
    entered = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    contact = Contact(datetime(2026, 3, 2, 22, tzinfo=timezone.utc), "call", outcome="connected")
    customer = Customer("c-1", "A", "retention", entered, entered)
    before = assess(one_rule_policy(rule, "UTC"), customer, [], as_of=contact.at.replace(hour=21))
    result = assess(one_rule_policy(rule, "UTC"), customer, [contact], as_of=contact.at)
    assert before.status is Status.OVERDUE
    assert result.due_soon_at == result.anchor_at == contact.at
    assert result.status is Status.DUE_SOON
    assert result.due_at == datetime(2026, 3, 4, tzinfo=timezone.utc)


@given(scenarios())
def test_at_each_threshold_the_status_is_the_higher_one(scenario) -> None:
    """Property 7: at each threshold the status is the higher one; one microsecond before, the lower one.

    Deferrals, do-not-contact and touchpoints set the status from their own instants (docs/rulebook.md), where the
    thresholds alone do not tell it: there the status is the one the rulebook says (`rulebook_status`), checked at
    each threshold and at each of those instants, and one microsecond before. A hold holds back the thresholds
    after its start while it lasts (docs/rulebook.md; `test_holds` has its properties): the customer keeps the
    holds that ended by the last contact seen, which move the thresholds the same at every instant checked."""
    policy, customer, history, as_of = scenario
    seen = [c for c in history if c.at <= as_of]
    floor = max([customer.stage_entered_at, *(c.at for c in seen)])
    customer = attrs.evolve(customer, holds=[h for h in customer.holds if h.end is not None and h.end <= floor])
    result = assess(policy, customer, seen, as_of=as_of)
    assert result.status == rulebook_status(result, as_of)
    if result.status is Status.INACTIVE and result.anchor_at is not None:
        # Paused at as_of: the thresholds are those from the end of the pause on, for the same history.
        result = assess(policy, customer, seen, as_of=result.anchor_at)
    for at in [*(at for at, _ in thresholds(result)), *rulebook_instants(result)]:
        if at - ONE_US < floor:
            continue  # earlier than a contact already seen: that would be another history
        at_threshold = assess(policy, customer, seen, as_of=at)
        just_before = assess(policy, customer, seen, as_of=at - ONE_US)
        assert at_threshold.status == rulebook_status(result, at)
        assert just_before.status == rulebook_status(result, at - ONE_US)
    for at, status in thresholds(result):
        if at - ONE_US >= floor and rulebook_status(result, at) == expected_status(result, at):
            assert assess(policy, customer, seen, as_of=at).status >= status


@given(st.sampled_from(ZONES), st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2037, 1, 1).date()))
def test_day_granular_due_dates_start_at_the_first_instant_of_the_local_date(zone_name: str, day) -> None:
    """Property 8: a local date starts at midnight, at the end of a gap that skips midnight, or (for a date
    skipped entirely) at the first instant after it."""
    zone = get_zone(zone_name, "zone")
    start_us = zone.day_start(day.toordinal())
    assert zone.local_ordinal(start_us) >= day.toordinal()
    assert zone.local_ordinal(start_us - 1) < day.toordinal()


@given(scenarios(day_granular=True))
def test_day_granular_due_dates_start_their_local_date(scenario) -> None:
    """Property 8, through the calculator: a day-granular due_at is the first instant of its local date; with
    business days (or days that skip or pause on days off) the date is a working date, due from its opening.

    The policies have day-granular deadlines only (the property's domain). A follow-up moved by a deferral or a
    do-not-contact pause is due at its end (docs/rulebook.md), which is no deadline's: that case is left out. A
    hold moves a due time by the time it held (docs/rulebook.md): the property is checked on the due time as the
    rule gives it, before the holds moved it (``hold_delay`` says by how much)."""
    result = assess(*scenario[:3], as_of=scenario[3])
    deadline = result.deadline
    assume(result.anchor_kind in (AnchorKind.STAGE_ENTRY, AnchorKind.COUNTED_CONTACT))
    assert deadline is not None
    assert deadline.is_calendar
    assert result.rule is not None
    due = result.cadence_due_at
    assert due is not None
    zone = get_zone(result.timezone, "zone")
    due_us = instant_us(due, "due") - result.hold_delay // ONE_US
    day = zone.local_ordinal(due_us)
    if deadline.is_business or result.rule.days_off is not DaysOff.COUNT:
        calendar = result.calendar
        # A due date skipped entirely (Apia, 30 December 2011) is due at the first instant of the next date.
        dates = [date.fromordinal(d) for d in (day, day - 1) if zone.day_start(d) == zone.day_start(day)]
        openings = [instant_us(calendar.working_hours(d)[0][0], "opening") for d in dates if calendar.is_working_day(d)]
        assert due_us in openings
    else:
        assert zone.day_start(day) == due_us
        if not result.hold_delay:
            assert (due - ONE_US).astimezone(due.tzinfo).date() < due.date() or due.hour == due.minute == 0


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.sampled_from(["7d", "-1d", "0h", "P1M", "24h", "1d12h", "x", "", "3 weeks", "PT", "P0D"]),
    st.lists(st.sampled_from(["1d", "0d", "-2h", 3]), max_size=3),
    st.datetimes(),
)


@given(junk, junk, junk, junk, junk)
def test_invalid_rule_input_raises_cadence_errors_only(intervals, first, grace, heads_up, churn) -> None:
    """Property 9 (rules): any field values either build a Rule or raise a CadenceError naming the field."""
    try:
        Rule(intervals=intervals, first_response=first, grace=grace, heads_up=heads_up, churn_after=churn)
    except CadenceError as error:
        assert "Rule." in str(error) or "duration" in str(error)


@given(st.text(max_size=12))
def test_any_duration_text_parses_or_raises_duration_error(text: str) -> None:
    """Property 9 (durations): any text is a duration or a DurationError."""
    try:
        parse_duration(text)
    except CadenceError as error:
        assert type(error).__name__ == "DurationError"


@given(
    junk,
    st.sampled_from(["stage_entered_at", "created_at", "timezone", "stage", "segment", "owner", "id"]),
    as_of_instants,
)
def test_invalid_customer_input_raises_cadence_errors_naming_the_field(value, field: str, as_of: datetime) -> None:
    """Property 9 (customers): naive datetimes, wrong types, unknown stages raise CadenceError naming the field."""
    fields: dict[str, object] = {"id": "c1", "segment": "A", "stage": "lead", "stage_entered_at": as_of}
    fields["created_at"] = as_of
    fields[field] = value
    policy = one_rule_policy(Rule.every("1d"), "UTC")
    try:
        assess(policy, Customer(**fields), [], as_of=as_of)  # type: ignore[arg-type]
    except CadenceError as error:
        assert f"Customer.{field}" in str(error) or (field == "stage_entered_at" and "created_at" in str(error))


@given(junk, junk, junk, junk, as_of_instants)
def test_invalid_contact_input_raises_cadence_errors_naming_the_field(at, channel, direction, outcome, as_of) -> None:
    """Property 9 (contacts): a contact with a non-datetime or naive ``at`` or an unknown channel is refused."""
    try:
        Contact(at, channel, direction, outcome)
    except CadenceError as error:
        assert "Contact." in str(error)


@given(junk, as_of_instants)
def test_anything_but_contacts_in_a_history_raises_input_type_error(item, as_of: datetime) -> None:
    """Property 9 (histories): a history holding something other than contacts is refused with InputTypeError."""
    policy = one_rule_policy(Rule.every("1d"), "UTC")
    customer = Customer("c1", "A", "lead", as_of, as_of)
    with pytest.raises(InputTypeError, match="contacts"):
        assess(policy, customer, [item], as_of=as_of)


@given(policies(), aware_datetimes(datetime(1, 1, 3), datetime(9999, 12, 29)), st.integers(0, 10**6), st.data())
def test_extreme_dates_give_an_answer_or_a_cadence_error(policy: Policy, as_of: datetime, back: int, data) -> None:
    """Property 9 (range): from year 1 to 9999, assessing and reading every field never raises another error."""
    try:
        entered = as_of - timedelta(minutes=back)
    except OverflowError:
        return  # the test's own arithmetic left the range
    try:
        history = data.draw(histories(around=as_of, before_days=3, after_days=1))
    except OverflowError:
        return  # a contact drawn past year 1 or 9999 (the strategy's own arithmetic)
    try:
        result = assess(policy, Customer("c", "A", "lead", entered, entered), history, as_of=as_of)
        assert result.reason
        # As instants: an imaginary wall time (in a DST gap) never compares equal across zones (PEP 495).
        assert instant_us(result.as_of, "as_of") == instant_us(as_of, "as_of")
        assert result.due_soon_at <= result.cadence_due_at <= result.overdue_at  # type: ignore[operator]
        assert result.churn_risk_at is None or result.churn_risk_at > entered
    except CadenceError as error:
        assert "range" in str(error) or "before" in str(error)
