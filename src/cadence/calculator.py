"""The calculator: `assess` one customer, `assess_many` customers, and order the results into a `worklist`.

Speed comes from doing no datetime arithmetic inside: contacts carry their instant as integer microseconds (made
once, when the `Contact` is built), the loop over a history only compares integers, and at most one local-date
conversion per threshold is made, with day starts cached per zone. Output instants are made when read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from cadence._time import MAX_US, MIN_US, instant_us, out_of_range
from cadence.assessment import AnchorKind, Assessment, Status, make_assessment
from cadence.errors import InputError, InputTypeError, show
from cadence.model import _FOREVER, Customer, Deferral, Event
from cadence.policy import Policy, RuleMatch, _unknown
from cadence.rules import ContactFilter

__all__ = ["ACTIONABLE", "assess", "assess_many", "worklist"]

ACTIONABLE: frozenset[Status] = frozenset({Status.DUE_SOON, Status.DUE, Status.OVERDUE, Status.CHURN_RISK})
"""The statuses a worklist shows by default."""

_NONE = -(2**63)  # below every instant: "no counted contact yet"
_DEFAULT_MASK = ContactFilter().mask
_last_as_of: tuple[object, int] = (None, 0)


def _as_of_us(as_of: object) -> int:
    # One request handler or nightly job assesses many customers at the same instant: remember the last one.
    global _last_as_of
    cached, us = _last_as_of
    if cached is as_of:
        return us
    us = instant_us(as_of, "as_of")
    _last_as_of = (as_of, us)
    return us


def assess(policy: Policy, customer: Customer, contacts: Iterable[Event], *, as_of: datetime) -> Assessment:
    """Assess one customer at ``as_of`` from its contact history.

    ``contacts`` may be in any order and may hold exact duplicates and contacts after ``as_of`` (which are not
    seen). The answer depends only on the arguments: nothing reads a clock.

    >>> import pendulum
    >>> from cadence import Customer, Contact, presets
    >>> policy = presets.load("abc", calendar="Europe/Berlin")
    >>> customer = Customer("c-1", "B", "retention",
    ...     stage_entered_at=pendulum.datetime(2026, 1, 5, tz="Europe/Berlin"),
    ...     created_at=pendulum.datetime(2025, 6, 1, tz="Europe/Berlin"))
    >>> calls = [Contact(pendulum.datetime(2026, 3, 2, 16, 30, tz="Europe/Berlin"), "call", outcome="connected")]
    >>> result = assess(policy, customer, calls, as_of=pendulum.datetime(2026, 3, 9, 8, tz="Europe/Berlin"))
    >>> result.status, result.due_at.isoformat()
    (<Status.DUE: 'due'>, '2026-03-09T00:00:00+01:00')
    >>> result.reason
    'due: follow-up due since 2026-03-09 (7 days after the last counted contact on 2026-03-02 16:30; rule B/*)'
    """
    return _assess(policy, customer, contacts, _as_of_us(as_of))


def assess_many(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event]],
    *,
    as_of: datetime,
) -> list[Assessment]:
    """Assess many customers at one ``as_of``; ``contacts`` maps a customer id to its history (missing: none).

    The results are in the order of ``customers``.
    """
    if not isinstance(contacts, Mapping):
        raise InputTypeError(f"contacts must be a mapping of customer id to contacts (got {type(contacts).__name__})")
    as_of_us = instant_us(as_of, "as_of")
    if not isinstance(customers, Iterable) or isinstance(customers, (str, bytes, Customer)):
        raise InputTypeError(f"customers must be an iterable of Customer (got {show(customers)})")
    get = contacts.get
    # A value that is not a Customer has no id to look up: _assess refuses it with its own message.
    return [
        _assess(policy, customer, get(customer.id, ()) if isinstance(customer, Customer) else (), as_of_us)
        for customer in customers
    ]


def worklist(
    assessments: Iterable[Assessment],
    *,
    owner: str | Collection[str] | None = None,
    statuses: Status | str | Collection[Status | str] = ACTIONABLE,
    limit: int | None = None,
) -> list[Assessment]:
    """Order assessments by urgency: status, then segment rank, then how long overdue, then due time.

    ``owner`` keeps one rep's customers (a string) or a team's (a collection of owners); ``statuses`` keeps those
    statuses, given as `Status` values or their names, one or a collection (by default everything from
    ``due_soon`` up); ``limit`` keeps the first ones (a whole number >= 0).

    >>> worklist([], statuses=["due", Status.OVERDUE], limit=10)
    []
    """
    owners: Collection[str | None] | None = {owner} if isinstance(owner, str) else owner
    if owners is not None and (
        not isinstance(owners, Collection)
        or isinstance(owners, (bytes, bytearray))
        or not all(isinstance(o, str) for o in owners)
    ):
        raise InputTypeError(f"owner must be an owner's name or a collection of them (got {show(owner)})")
    wanted = _statuses(statuses)
    if limit is not None and (type(limit) is not int or limit < 0):
        raise InputError(f"limit must be a whole number >= 0 or None (got {show(limit)})")
    chosen = [item for item in assessments if item.status in wanted and (owners is None or item.owner in owners)]
    chosen.sort(key=Assessment._urgency_key)
    return chosen if limit is None else chosen[:limit]


def _statuses(statuses: object) -> frozenset[Status]:
    """``statuses`` of `worklist` as a set of `Status`, or an error naming the value."""
    if isinstance(statuses, (str, Status)):
        statuses = (statuses,)
    if not isinstance(statuses, Collection):
        raise InputTypeError(f"statuses must be a Status, a status name or a collection of them (got {show(statuses)})")
    try:
        return frozenset(Status(status) for status in statuses)
    except (ValueError, TypeError):
        names = ", ".join(status.value for status in Status)
        raise InputError(
            f"statuses: {show(statuses)} names a status that does not exist (choose from {names})"
        ) from None


def _assess(policy: Policy, customer: Customer, contacts: Iterable[Event], as_of: int) -> Assessment:
    if not isinstance(customer, Customer):
        raise InputTypeError(f"customer must be a Customer (got {show(customer)})")
    entry = customer._entered_us
    if as_of < entry:
        raise InputError(
            f"as_of is before Customer.stage_entered_at ({customer.stage_entered_at.isoformat()}) "
            f"for customer {show(customer.id)}: the customer was not in that stage yet"
        )
    zone = customer._zone or policy._zone
    resolved = policy._table.get(customer._rule_key)
    if resolved is None:
        return _inactive(policy, customer, contacts, as_of)
    match, (first_plan, plans, mask, touch), rank = resolved

    if type(contacts) is not tuple:
        contacts = _materialize(contacts)  # a snapshot: iterated twice, and kept for the answers read later
    paused = customer._paused_until
    if paused is not None and as_of < paused:
        return _inactive(policy, customer, contacts, as_of, match, paused, mask)
    last, count, deferral = _scan(contacts, as_of, mask, entry)
    if count > 1 and len(plans) > 1:
        count = _distinct_since(contacts, as_of, mask, entry)
    if count == 0:
        anchor, kind, step, plan = entry, AnchorKind.STAGE_ENTRY, 0, first_plan
    else:
        step = min(count, len(plans))
        anchor, kind, plan = last, AnchorKind.COUNTED_CONTACT, plans[step - 1]
    created = customer._created_us
    silence_from = last if last > created else created
    due_soon, due, overdue, churn_at = plan.thresholds(zone, anchor, silence_from)

    # A deferral (until a counted contact after it) moves the follow-up to its end; so does the end of a
    # do-not-contact pause that held the follow-up past its due time.
    resume = None
    if deferral is not None and last <= deferral._us:
        resume, kind, by_date = deferral.until_us(zone), AnchorKind.DEFERRAL, deferral._until_us is None
    if paused is not None and last < paused and paused > due and (resume is None or paused > resume):
        resume, kind, by_date = paused, AnchorKind.DO_NOT_CONTACT, False
    if resume is not None:
        anchor = resume
        due_soon, due, overdue = plan.resumed(zone, resume, by_date or plan.deadline.day_granular)

    if due_soon < MIN_US or overdue > MAX_US or (churn_at is not None and churn_at > MAX_US):
        raise out_of_range(f"customer {show(customer.id)}: a threshold after {zone.to_datetime(anchor).isoformat()}")

    if churn_at is not None and as_of >= churn_at:
        status = Status.CHURN_RISK
    elif resume is not None and as_of < anchor:
        status = Status.SNOOZED
    elif as_of >= overdue:
        status = Status.OVERDUE
    elif as_of >= due:
        status = Status.DUE
    elif as_of >= due_soon:
        status = Status.DUE_SOON
    else:
        status = Status.ON_TRACK

    on_track = status is Status.ON_TRACK or status is Status.DUE_SOON
    if on_track and touch is not None and touch.due_now(zone, entry, as_of, contacts, mask):
        status = Status.DUE  # a touchpoint due now is more urgent than the cadence

    return make_assessment(
        (
            customer,
            status,
            match,
            kind,
            step,
            rank,
            zone,
            as_of,
            anchor,
            due_soon,
            due,
            overdue,
            churn_at,
            None if last == _NONE else last,
            silence_from,
            policy.calendar,
            contacts,
            mask,
            touch,
            {},
        )
    )


def _scan(contacts: Iterable[Event], as_of: int, mask: int, entry: int) -> tuple[int, int, Deferral | None]:
    """The last counted contact at or before ``as_of``, how many counted since ``entry`` (duplicates too), and the
    latest deferral logged at or before ``as_of``."""
    last = _NONE
    since = 0
    deferral: Deferral | None = None
    contact: object = None
    try:
        for contact in contacts:
            at = contact._us
            if at <= as_of:
                bit = contact._bit
                if mask & bit:
                    if at > last:
                        last = at
                    if at >= entry:
                        since += 1
                elif not bit and (deferral is None or contact._rank > deferral._rank):  # type: ignore[union-attr]
                    deferral = contact  # type: ignore[assignment]  # only a Deferral has no kind bit
    except AttributeError:
        raise InputTypeError(f"contacts must hold Contact or Deferral values (got {show(contact)})") from None
    return last, since, deferral


def _materialize(contacts: Iterable[Event]) -> tuple[Event, ...]:
    if type(contacts) is list:
        return tuple(contacts)
    if isinstance(contacts, (str, bytes)):
        raise InputTypeError(f"contacts must be an iterable of Contact (got {show(contacts)})")
    try:
        return tuple(contacts)
    except TypeError:
        raise InputTypeError(f"contacts must be an iterable of Contact (got {show(contacts)})") from None


def _distinct_since(contacts: Iterable[Event], as_of: int, mask: int, entry: int) -> int:
    """How many distinct contacts counted since ``entry``: exact duplicates count once."""
    return len({c._key for c in contacts if entry <= c._us <= as_of and mask & c._bit})


def _inactive(
    policy: Policy,
    customer: Customer,
    contacts: Iterable[Event],
    as_of: int,
    match: RuleMatch | None = None,
    paused: int | None = None,
    mask: int = _DEFAULT_MASK,
) -> Assessment:
    """The answer for a terminal stage (after checking that segment and stage are known at all), or for a
    customer under do-not-contact (``paused`` until that instant; ``_FOREVER`` for no end)."""
    if match is None:
        if customer.segment not in policy._ranks:
            raise InputError(
                f"Customer.segment of {show(customer.id)}: {_unknown('segment', customer.segment, policy._ranks)}"
            )
        if customer.stage not in policy.lifecycle:
            raise InputError(
                f"Customer.stage of {show(customer.id)}: {_unknown('stage', customer.stage, policy.lifecycle.ids)}"
            )
    history = _materialize(contacts)
    last, _, _ = _scan(history, as_of, _DEFAULT_MASK, as_of + 1)
    return make_assessment(
        (
            customer,
            Status.INACTIVE,
            match,
            None if paused is None else AnchorKind.DO_NOT_CONTACT,
            0,
            policy._ranks[customer.segment],
            customer._zone or policy._zone,
            as_of,
            None if paused is None or paused == _FOREVER else paused,
            None,
            None,
            None,
            None,
            None if last == _NONE else last,
            max(last, customer._created_us),
            policy.calendar,
            history,
            mask,
            None,
            {},
        )
    )
