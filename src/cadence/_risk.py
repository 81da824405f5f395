"""The churn-risk score: the chance that a customer makes no counted contact in the next window.

A customer makes counted contacts at its own rate while it is active, and stops for good at some point: in time
(at a steady rate) or right after a contact (with some chance). From its history (how many counted contacts
after creation, over how long, and how long it has been silent) and a prior for its population, the score is::

    k      = contacts + prior.contacts
    e      = tenure + prior.days
    rate   = k / e                                                         own rate, per day
    h      = 1 / prior.lifetime_days                                       the rate at which customers stop
    ran    = 1 + h / (rate + h) * (exp((rate + h) * silence) - 1)         1 + odds it stopped in time
    stop   = c * w / ((1 - c) * w + contacts - 1)   (0 without contacts)   c, w: prior.stop_chance, .stop_weight
    halt   = 1 + stop * ((e / (e - silence)) ** k - 1)                     1 + odds it stopped after a contact
    active = 1 / (ran * halt)                                              still active after this silence
    quiet  = (1 + window / e) ** -k                                        no contact in the window, if active
    score  = 1 - active * (1 - quiet)

``ran - 1`` is the plug-in odds of the Pareto/NBD model (contacts at a Poisson rate, an exponential lifetime)
that the customer stopped during the silence rather than merely being silent: likelier the rarer its contacts.
``halt - 1`` is the same odds in the BG/NBD model (a chance of stopping after each contact, lower for a customer
who has made many without stopping), less what they give a customer just heard from: so a customer heard from a
moment ago is active, and a contact never raises the score. ``quiet`` is the chance of no contact at a rate known
from that many contacts in that many days (negative binomial). A `RiskModel` holds the priors fitted on a team's
own history (`fit_risk`) and the window; without one, each rule gives its own prior (one contact per interval, a
year's lifetime, no stop at a contact) and its churn threshold (else four intervals) as the window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import attrs

from cadence._durations import CalendarDuration, Duration, ExactDuration, parse_duration
from cadence._errors import CadenceError, InputError, show
from cadence._rules import Rule
from cadence._time import DAY_US, on_clear

__all__ = ["RiskModel", "RiskPrior"]

DEFAULT_LIFETIME_DAYS = 365.0
"""How long a customer stays active on average, without a fitted prior."""
ANY = "*"


def _positive(field: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
            raise InputError(f"RiskPrior.{field} must be a finite number > 0 (got {show(value)})",
                             field=f"RiskPrior.{field}", value=value)  # fmt: skip

    return check


def _chance(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1:
        raise InputError(f"RiskPrior.stop_chance must be a number in [0, 1) (got {show(value)})",
                         field="RiskPrior.stop_chance", value=value)  # fmt: skip


@attrs.frozen
class RiskPrior:
    """What a population of customers is like, for the risk score: a customer starts from the rate of
    ``contacts`` counted contacts in ``days`` days (worth that much of its own history), stays active
    ``lifetime_days`` on average, and stops right after a counted contact with the chance ``stop_chance``
    (worth ``stop_weight`` contacts of its own: each contact it makes without stopping lowers its own chance).
    ``customers`` is how many customers it was fitted on (0: not fitted).

    >>> RiskPrior(contacts=1.0, days=30.0, lifetime_days=365.0)
    RiskPrior(contacts=1.0, days=30.0, lifetime_days=365.0, stop_chance=0.0, stop_weight=1.0, customers=0)
    """

    contacts: float = attrs.field(validator=_positive("contacts"))
    days: float = attrs.field(validator=_positive("days"))
    lifetime_days: float = attrs.field(validator=_positive("lifetime_days"))
    stop_chance: float = attrs.field(default=0.0, validator=_chance)
    stop_weight: float = attrs.field(default=1.0, validator=_positive("stop_weight"))
    customers: int = attrs.field(default=0)

    def __attrs_post_init__(self) -> None:
        if type(self.customers) is not int or self.customers < 0:
            raise InputError(f"RiskPrior.customers must be a whole number >= 0 (got {show(self.customers)})",
                             field="RiskPrior.customers", value=self.customers)  # fmt: skip


def _window(value: object) -> ExactDuration | CalendarDuration:
    try:
        duration = parse_duration(value, field="RiskModel.window")  # type: ignore[arg-type]
    except CadenceError as error:
        raise InputError(str(error), field="RiskModel.window", value=value) from None
    if not isinstance(duration, (ExactDuration, CalendarDuration)) or duration.approx_seconds() <= 0:
        raise InputError(
            f"RiskModel.window must be a duration > 0 in hours, days, weeks or months (got {duration})",
            field="RiskModel.window",
            value=value,
        )
    return duration


def _key(key: object) -> str:
    """A prior's key: ``"segment/stage"``, either part ``*``."""
    if not isinstance(key, str) or key.count("/") != 1 or "" in key.split("/"):
        raise InputError(
            f'RiskModel.priors: a key is "segment/stage", either part * (got {show(key)})',
            field="RiskModel.priors",
            value=key,
        )
    return key


def _priors(value: object) -> tuple[tuple[str, RiskPrior], ...]:
    items: Any = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = [(_key(key), prior) for key, prior in items]
    except (TypeError, ValueError):
        if isinstance(value, CadenceError):
            raise
        raise InputError(
            f"RiskModel.priors must map keys to RiskPrior (got {show(value)})", field="RiskModel.priors", value=value
        ) from None
    for key, prior in pairs:
        if not isinstance(prior, RiskPrior):
            raise InputError(f"RiskModel.priors[{key!r}] must be a RiskPrior (got {show(prior)})",
                             field="RiskModel.priors", value=prior)  # fmt: skip
    if len({key for key, _ in pairs}) != len(pairs):
        raise InputError("RiskModel.priors: a key is given twice", field="RiskModel.priors", value=value)
    return tuple(sorted(pairs))


@attrs.frozen
class RiskModel:
    """The priors of the risk score and its window, as `fit_risk` fits them on a team's history (or as written
    by hand). ``priors`` maps ``"segment/stage"`` keys (either part ``*``) to a `RiskPrior`; a customer takes the
    prior of its segment and stage, else of its segment (``"A/*"``), else the population's (``"*/*"``), else
    its rule's default. ``window`` is how far ahead the score looks: it is the chance of no counted contact in
    the next ``window``. It pickles, and `to_dict` / `from_dict` give it as JSON-ready data.

    >>> model = RiskModel(window="91d", priors={"*/*": RiskPrior(0.5, 200.0, 250.0)})
    >>> RiskModel.from_dict(model.to_dict()) == model
    True
    """

    window: ExactDuration | CalendarDuration = attrs.field(converter=_window)
    priors: tuple[tuple[str, RiskPrior], ...] = attrs.field(factory=tuple, converter=_priors)

    def prior(self, segment: str, stage: str) -> tuple[str, RiskPrior] | None:
        """The key and prior a customer in ``segment`` and ``stage`` takes (None: none fits, the rule's default)."""
        found = dict(self.priors)
        for key in (f"{segment}/{stage}", f"{segment}/{ANY}", f"{ANY}/{ANY}"):
            if key in found:
                return key, found[key]
        return None

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready data, which `from_dict` reads back."""
        return {"window": self.window.short(), "priors": {key: attrs.asdict(prior) for key, prior in self.priors}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskModel:
        """A model from `to_dict`'s data; a missing or wrong field is an `InputError` naming it."""
        if not isinstance(data, Mapping) or "window" not in data:
            raise InputError(f"RiskModel data needs a window (got {show(data)})", field="window", value=data)
        priors = data.get("priors", {})
        if not isinstance(priors, Mapping):
            raise InputError(f"RiskModel data: priors must be a mapping (got {show(priors)})", field="priors",
                             value=priors)  # fmt: skip
        made = {}
        for key, fields in priors.items():
            try:
                made[key] = RiskPrior(**fields)
            except TypeError:
                raise InputError(
                    f"RiskModel data: priors[{key!r}] needs contacts, days, lifetime_days and optionally stop_chance, "
                    "stop_weight and customers "
                    f"(got {show(fields)})",
                    field=f"priors[{key!r}]",
                    value=fields,
                ) from None
        return cls(window=data["window"], priors=made)


# --- the score


class Risk(NamedTuple):
    """The risk score of one customer and everything it was computed from (days, and probabilities)."""

    score: float
    silence_days: float
    tenure_days: float
    contacts: int
    prior_key: str  # the model's key whose prior applied ("" for the rule's default)
    prior: RiskPrior
    window_days: float
    rate_per_day: float
    active_probability: float
    quiet_probability: float
    stop_odds: float  # the customer's own odds of stopping right after a contact


_risk = tuple.__new__  # builds a Risk without the NamedTuple's Python-level __new__

NO_RISK = Risk(0.0, 0.0, 0.0, 0, "", RiskPrior(1.0, 1.0, DEFAULT_LIFETIME_DAYS), 0.0, 0.0, 1.0, 1.0, 0.0)
"""The answer for a customer no rule applies to (a terminal stage)."""


def elapsed_days(duration: Duration) -> float:
    """A duration as elapsed days, by `approx_seconds` (a month is 30.44 days, a business day 1.4 days)."""
    return duration.approx_seconds() / 86_400


_SETTINGS = 4096
_settings: dict[tuple[int, int, str, str], tuple[object, object, tuple[str, RiskPrior, float]]] = {}
on_clear(_settings.clear)


def setting(model: RiskModel | None, rule: Rule, segment: str, stage: str) -> tuple[str, RiskPrior, float]:
    """``(key, prior, window in days)`` for a customer under ``rule``: the model's prior and window, else the
    rule's default prior (one counted contact per last interval, a year's lifetime) and window (the churn
    threshold, else four last intervals). Cached per (model, rule, segment, stage), at most `_SETTINGS` of them."""
    key = (id(model), id(rule), segment, stage)
    hit = _settings.get(key)
    if hit is not None and hit[0] is model and hit[1] is rule:
        return hit[2]
    found = _setting(model, rule, segment, stage)
    if len(_settings) >= _SETTINGS:
        _settings.clear()
    _settings[key] = (model, rule, found)  # the model and rule kept: their ids cannot be reused meanwhile
    return found


def _setting(model: RiskModel | None, rule: Rule, segment: str, stage: str) -> tuple[str, RiskPrior, float]:
    interval = max(elapsed_days(rule.intervals[-1]), 1e-6)
    default = RiskPrior(1.0, interval, DEFAULT_LIFETIME_DAYS)
    if model is None:
        return "", default, 4 * interval if rule.churn_after is None else elapsed_days(rule.churn_after)
    found = model.prior(segment, stage)
    key, prior = ("", default) if found is None else found
    return key, prior, elapsed_days(model.window)


def risk_of(silence_us: int, tenure_us: int, contacts: int, key: str, prior: RiskPrior, window_days: float) -> Risk:
    """The score, by the formula of the module's docstring (the columnar engine does the same operations);
    ``contacts`` are the distinct counted instants after creation."""
    silence, tenure = silence_us / DAY_US, tenure_us / DAY_US
    shape, exposure = contacts + prior.contacts, tenure + prior.days
    rate = shape / exposure
    hazard = 1.0 / prior.lifetime_days
    total = rate + hazard
    ran = 1.0 + hazard / total * math.expm1(min(total * silence, 700.0))
    chance = prior.stop_chance
    stop = chance * prior.stop_weight / ((1.0 - chance) * prior.stop_weight + contacts - 1) if contacts else 0.0
    halt = 1.0 + stop * math.expm1(min(shape * math.log(exposure / (exposure - silence)), 700.0)) if stop else 1.0
    active = 1.0 / (ran * halt)
    quiet = math.exp(-shape * math.log1p(window_days / exposure))
    score = 1.0 - active * (1.0 - quiet)
    return _risk(Risk, (score, silence, tenure, contacts, key, prior, window_days, rate, active, quiet, stop))
