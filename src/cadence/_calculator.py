"""The calculator: `assess` one customer, `assess_many` customers, and order the results into a `worklist`.

Speed comes from doing no datetime arithmetic inside: contacts carry their instant as integer microseconds (made
once, when the `Contact` is built), the loop over a history only compares integers, and at most one local-date
conversion per threshold is made, with day starts cached per zone. Output instants are made when read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Literal, overload

from cadence._assessment import Assessment, Status, make_assessment
from cadence._engine import evaluate
from cadence._errors import CadenceError, InputError, InputTypeError, show
from cadence._history import History, materialize
from cadence._model import Customer, Event
from cadence._policy import Policy
from cadence._risk import RiskModel
from cadence._time import instant_us

__all__ = ["ACTIONABLE", "CustomerError", "assess", "assess_many", "worklist"]

ACTIONABLE: frozenset[Status] = frozenset({Status.DUE_SOON, Status.DUE, Status.OVERDUE, Status.CHURN_RISK})
"""The statuses a worklist shows by default."""

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


def assess(
    policy: Policy,
    customer: Customer,
    contacts: Iterable[Event] | History,
    *,
    as_of: datetime,
    risk: RiskModel | None = None,
) -> Assessment:
    """Assess one customer at ``as_of`` from its contact history (``risk``: the priors of the risk score, as
    `fit_risk` fits them; by default each rule's own).

    ``contacts`` may be in any order and may hold exact duplicates and contacts after ``as_of`` (which are not
    seen). The answer depends only on the arguments: nothing reads a clock. To assess one customer at many
    instants, pass a `History` of its contacts: after the first instant it answers by bisection.

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
    return assess_at(policy, customer, contacts, _as_of_us(as_of), risk)


class CustomerError(CadenceError, ValueError):
    """What `assess_many` gives, with ``errors="collect"``, in place of the assessment of a customer that could
    not be assessed: which customer (``customer_id``, and ``index`` in ``customers``) and why (``error``)."""

    def __init__(self, customer_id: object, index: int, error: CadenceError) -> None:
        self.customer_id, self.index, self.error = customer_id, index, error
        super().__init__(f"customer {show(customer_id)} (customers[{index}]): {error}")


@overload
def assess_many(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    as_of: datetime,
    errors: Literal["raise"] = "raise",
    risk: RiskModel | None = None,
) -> list[Assessment]: ...


@overload
def assess_many(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    as_of: datetime,
    errors: Literal["collect"],
    risk: RiskModel | None = None,
) -> list[Assessment | CustomerError]: ...


def assess_many(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    as_of: datetime,
    errors: Literal["raise", "collect"] = "raise",
    risk: RiskModel | None = None,
) -> list[Assessment] | list[Assessment | CustomerError]:
    """Assess many customers at one ``as_of``; ``contacts`` maps a customer id to its history (missing: none).

    The results are in the order of ``customers``. Customer ids are strings, so the keys of ``contacts`` must be
    strings too: a mapping keyed by integers is refused rather than silently matching no customer. With
    ``errors="raise"`` (the default) the first customer that cannot be assessed stops the batch with its error;
    with ``errors="collect"`` its place in the results holds a `CustomerError` naming it, and every other customer
    is assessed. ``risk`` is as for `assess`.

    >>> import pendulum
    >>> from cadence import Customer, presets
    >>> entered = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> early = Customer("early", "A", "lead", stage_entered_at=entered, created_at=entered)
    >>> late = Customer("late", "A", "lead", stage_entered_at=entered.add(days=30), created_at=entered)
    >>> results = assess_many(presets.load("abc", calendar="UTC"), [early, late], {}, as_of=entered.add(days=5),
    ...                       errors="collect")
    >>> results[0].status, type(results[1]).__name__, results[1].customer_id
    (<Status.OVERDUE: 'overdue'>, 'CustomerError', 'late')
    """
    if errors not in ("raise", "collect"):
        raise InputError(f'errors must be "raise" or "collect" (got {show(errors)})')
    check_risk(risk)
    as_of_us = instant_us(as_of, "as_of")
    check_batch(customers, contacts)
    get = contacts.get
    if errors == "raise":
        # A value that is not a Customer has no id to look up: _assess refuses it with its own message.
        return [
            assess_at(policy, customer, get(customer.id, ()) if isinstance(customer, Customer) else (), as_of_us, risk)
            for customer in customers
        ]
    results: list[Assessment | CustomerError] = []
    for index, customer in enumerate(customers):
        try:
            results.append(
                assess_at(
                    policy, customer, get(customer.id, ()) if isinstance(customer, Customer) else (), as_of_us, risk
                )
            )
        except CadenceError as error:
            results.append(CustomerError(getattr(customer, "id", None), index, error))
    return results


def check_batch(customers: object, contacts: object) -> None:
    """Refuse customers that are no iterable of customers, and contacts that are no mapping keyed by id."""
    if not isinstance(contacts, Mapping):
        raise InputTypeError(f"contacts must be a mapping of customer id to contacts (got {type(contacts).__name__})")
    if not isinstance(customers, Iterable) or isinstance(customers, (str, bytes, Customer)):
        raise InputTypeError(f"customers must be an iterable of Customer (got {show(customers)})")
    wrong = next((key for key in contacts if type(key) is not str), None)
    if wrong is not None:
        raise InputTypeError(
            f"contacts: keys must be customer ids, which are strings (got {show(wrong)} of type "
            f"{type(wrong).__name__}); convert them, for example {{str(key): history for key, history in ...}}"
        )


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
    chosen.sort(key=Assessment.urgency_key)
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


def assess_at(
    policy: Policy,
    customer: Customer,
    contacts: Iterable[Event] | History,
    as_of: int,
    risk: RiskModel | None = None,
) -> Assessment:
    """`assess` at ``as_of`` in microseconds (the front ends' way in)."""
    if not isinstance(customer, Customer):
        raise InputTypeError(f"customer must be a Customer (got {show(customer)})")
    if risk is not None:
        check_risk(risk)
    history = contacts if isinstance(contacts, (tuple, History)) else materialize(contacts)  # read once, kept
    return make_assessment(evaluate(policy, customer, history, as_of, risk))


def check_risk(risk: object) -> None:
    """Refuse a ``risk`` that is no `RiskModel`."""
    if risk is not None and not isinstance(risk, RiskModel):
        raise InputTypeError(f"risk must be a RiskModel or None (got {show(risk)})")
