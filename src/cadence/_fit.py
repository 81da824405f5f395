"""`fit_risk`: the priors of the risk score, fitted on a team's own history by replaying it.

The history up to ``as_of - window`` is what the score would have seen then; the window after it says who then
made a counted contact and who stayed quiet. The priors are the ones under which the score, computed then, best
predicts who stayed quiet (the likelihood of the outcomes, maximized with scipy's L-BFGS-B): so a score fitted
this way is calibrated as a probability on the team's own customers, not only ordered. numpy and scipy are
imported when it is called (``pip install "cadence[risk]"``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from cadence._calculator import check_batch
from cadence._durations import Duration
from cadence._engine import Status, evaluate
from cadence._errors import InputError, show
from cadence._history import History, materialize
from cadence._model import Customer, Event
from cadence._policy import Policy
from cadence._risk import ANY, RiskModel, RiskPrior
from cadence._time import DAY_US, instant_us

__all__ = ["fit_risk"]

# Bounds of what is fitted (in logs): prior contacts, prior days, lifetime days, and the two shapes of the chance
# of stopping after a contact (a Beta(a, b): stop_chance = a / (a + b), stop_weight = a + b).
_LOW = (1e-3, 1e-2, 1.0, 1e-3, 1e-3)
_HIGH = (1e3, 1e5, 1e6, 1e3, 1e3)
_START = (1.0, 30.0, 365.0, 1.0, 2.0)


def fit_risk(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    as_of: datetime,
    window: Duration | str = "30d",
    min_customers: int = 500,
) -> RiskModel:
    """Fit the risk score's priors on the history up to ``as_of``: the population's (``"*/*"``), each segment's
    (``"A/*"``) and each segment and stage's (``"A/lead"``) where at least ``min_customers`` customers (with both
    outcomes) were in it at ``as_of - window``, and they are not all the customers of the group above. The
    model's score is then the chance of no counted contact in the next ``window``. ``contacts`` maps a customer
    id to its history, as for `assess_many`.

    Customers created, or not yet in their stage, by ``as_of - window`` are not used, nor customers in a terminal
    stage or under do-not-contact then. Fewer than ``min_customers`` usable customers is an `InputError`.

    >>> import pendulum
    >>> from cadence import Contact, Customer, presets
    >>> start = pendulum.datetime(2025, 1, 1, tz="UTC")
    >>> people = [Customer(f"c{i}", "B", "retention", stage_entered_at=start, created_at=start) for i in range(40)]
    >>> history = {f"c{i}": [Contact(start.add(days=d), "call", outcome="connected")
    ...                      for d in range(0, 300, 5 + i)] for i in range(40)}
    >>> model = fit_risk(presets.load("abc", calendar="UTC"), people, history,
    ...                  as_of=start.add(days=300), window="30d", min_customers=20)
    >>> [key for key, _ in model.priors], model.window.short()
    (['*/*'], '30d')
    """
    model = RiskModel(window=window)
    if type(min_customers) is not int or min_customers < 1:
        raise InputError(f"min_customers must be a whole number >= 1 (got {show(min_customers)})",
                         field="min_customers", value=min_customers)  # fmt: skip
    end = instant_us(as_of, "as_of")
    cut = end - int(model.window.approx_seconds() * 1_000_000)
    rows = _replay(policy, customers, contacts, cut, end)
    if len(rows) < min_customers:
        raise InputError(
            f"fit_risk: {len(rows)} customers were in an active stage at as_of - window; at least "
            f"{min_customers} are needed (min_customers)",
            field="min_customers",
            value=min_customers,
        )
    window_days = model.window.approx_seconds() / 86_400
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (segment, stage, *_) in enumerate(rows):
        groups[f"{ANY}/{ANY}"].append(index)
        groups[f"{segment}/{ANY}"].append(index)
        groups[f"{segment}/{stage}"].append(index)
    priors: dict[str, RiskPrior] = {}
    for key in sorted(groups, key=lambda k: -k.count(ANY)):  # */*, then A/*, then A/lead
        members = groups[key]
        quiet = sum(rows[i][5] for i in members)
        if len(members) < min_customers or quiet in (0, len(members)):
            if key == f"{ANY}/{ANY}":
                raise InputError(
                    f"fit_risk: the {len(members)} customers all {'stayed quiet' if quiet else 'made contact'} "
                    "in the window; the score cannot be fitted on one outcome",
                    field="window",
                    value=window,
                )
            continue
        segment, stage = key.split("/")
        above = f"{segment}/{ANY}" if stage != ANY else f"{ANY}/{ANY}"
        if key != above and len(groups[above]) == len(members):
            continue  # the same customers as the group above: its prior applies
        parent = priors.get(f"{segment}/{ANY}") or priors.get(f"{ANY}/{ANY}")
        start = _START if parent is None else _shapes(parent)
        priors[key] = _fit([rows[i] for i in members], window_days, start)
    return RiskModel(window=model.window, priors=priors)


def _replay(
    policy: Policy, customers: Iterable[Customer], contacts: Mapping[str, Iterable[Event] | History], cut: int, end: int
) -> list[tuple[str, str, float, float, int, int]]:
    """``(segment, stage, silence days, tenure days, counted contacts after creation, quiet)`` of each usable
    customer at ``cut``, quiet being 1 when it made no counted contact in (``cut``, ``end``]."""
    check_batch(customers, contacts)
    rows = []
    for customer in customers:
        if not isinstance(customer, Customer):
            raise InputError(f"customers: {show(customer)} is not a Customer", field="customers", value=customer)
        if customer._created_us > cut or (customer._spells is None and customer._entered_us > cut):
            continue
        if customer._spells is not None and customer.state_at(cut) is None:
            continue
        given = contacts.get(customer.id, ())
        history = given if isinstance(given, History) else History.of(materialize(given))
        facts = evaluate(policy, customer, history, cut)
        if facts.status is Status.INACTIVE:
            continue
        created = customer._created_us
        counted = len(history.counted(facts.mask, created + 1, cut))
        later = len(history.counted(facts.mask, cut + 1, end))
        state = facts.customer
        rows.append(
            (
                state.segment,
                state.stage,
                (cut - facts.silent_since) / DAY_US,
                (cut - created) / DAY_US,
                counted,
                int(not later),
            )
        )
    return rows


def _fit(rows: Sequence[tuple[Any, ...]], window_days: float, start: Sequence[float]) -> RiskPrior:
    """The prior that maximizes the likelihood of the rows' outcomes (quiet or not) under the score."""
    try:
        import numpy as np
        from scipy.optimize import minimize  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError('fit_risk needs numpy and scipy: pip install "cadence[risk]"') from None
    from cadence._columnar import risk_scores

    _, _, silence, tenure, counted, quiet = (np.array(column) for column in zip(*rows, strict=True))
    silence, tenure, counted = silence.astype(float), tenure.astype(float), counted.astype(float)
    quiet = quiet.astype(bool)

    def loss(logs: Any) -> float:
        contacts, days, lifetime, chance, weight = _prior(np.exp(logs))
        scores = risk_scores(silence, tenure, counted, contacts, days, lifetime, chance, weight, window_days)
        p = np.clip(scores, 1e-12, 1 - 1e-12)
        return float(-(np.log(p[quiet]).sum() + np.log1p(-p[~quiet]).sum()) / len(p))

    bounds = list(zip(np.log(_LOW), np.log(_HIGH), strict=True))
    found = minimize(loss, np.log(np.clip(start, _LOW, _HIGH)), method="L-BFGS-B", bounds=bounds)
    contacts, days, lifetime, chance, weight = (float(v) for v in _prior(np.exp(found.x)))
    return RiskPrior(contacts, days, lifetime, chance, weight, customers=len(rows))


def _prior(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    """A prior's fields from the fitted values (the last two the shapes ``a``, ``b`` of the stop chance)."""
    contacts, days, lifetime, a, b = values
    return contacts, days, lifetime, a / (a + b), a + b


def _shapes(prior: RiskPrior) -> tuple[float, float, float, float, float]:
    """The fitted values of a prior, as `_prior` reads them (a start for the fit of a smaller group)."""
    a = max(prior.stop_chance * prior.stop_weight, _LOW[3])
    b = max((1 - prior.stop_chance) * prior.stop_weight, _LOW[4])
    return prior.contacts, prior.days, prior.lifetime_days, a, b
