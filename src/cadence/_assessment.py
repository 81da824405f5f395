"""The answer for one customer at one instant: a `Status`, the thresholds as instants, and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pendulum

from cadence._calendars import Calendar
from cadence._durations import Duration
from cadence._engine import AnchorKind, Answers, Facts, Status, deadline, evaluate, held_back
from cadence._errors import show
from cadence._explain import reason, when
from cadence._model import Customer
from cadence._policy import Policy, RuleKey
from cadence._risk import Risk, RiskModel
from cadence._rulebook import Recommendation, TouchpointState, TouchpointStatus
from cadence._rules import Rule
from cadence._time import US, Zone, timedelta_us

__all__ = ["AnchorKind", "Assessment", "RiskInputs", "Status", "TouchpointView"]


def _instant(zone: Zone, us: int | None) -> pendulum.DateTime | None:
    return None if us is None else zone.to_datetime(us)


def _iso(zone: Zone, us: int | None) -> str | None:
    return None if us is None else zone.iso(us)


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

    def to_dict(self) -> dict[str, Any]:
        """The touchpoint as plain data: label, state, and instants as ISO 8601 text with their offset."""
        return _touch_dict(self._status, self._zone)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TouchpointView):
            return NotImplemented
        return self._status == other._status and self._zone.key == other._zone.key

    def __hash__(self) -> int:
        return hash((self._status, self._zone.key))

    def __repr__(self) -> str:
        return f"<Touchpoint {show(self.label)} {self.state.value} due={self.due_at.isoformat()}>"


def _touch_dict(status: TouchpointStatus, zone: Zone) -> dict[str, Any]:
    return {
        "label": status.touchpoint.label,
        "state": status.state.value,
        "due_at": zone.iso(status.due),
        "opens_at": zone.iso(status.opens),
        "closes_at": zone.iso(status.closes),
        "completed_at": _iso(zone, status.completed_by),
    }


def _risk_inputs(risk: Risk) -> dict[str, Any]:
    """The fields of `RiskInputs` from the engine's risk answer."""
    return {
        "silence_days": risk.silence_days,
        "tenure_days": risk.tenure_days,
        "contacts": risk.contacts,
        "prior": risk.prior_key,
        "prior_contacts": float(risk.prior.contacts),
        "prior_days": float(risk.prior.days),
        "lifetime_days": float(risk.prior.lifetime_days),
        "stop_chance": float(risk.prior.stop_chance),
        "stop_weight": float(risk.prior.stop_weight),
        "window_days": risk.window_days,
        "rate_per_day": risk.rate_per_day,
        "active_probability": risk.active_probability,
        "quiet_probability": risk.quiet_probability,
        "stop_odds": risk.stop_odds,
    }


@attrs.frozen
class RiskInputs:
    """What a risk score was computed from, enough to compute it again by hand (docs/risk.md has the formula):
    with ``k = contacts + prior_contacts`` and ``e = tenure_days + prior_days``,

    ``rate = k / e``, ``h = 1 / lifetime_days``, ``ran = 1 + h / (rate + h) * (exp((rate + h) * silence_days) - 1)``,
    ``stop_odds = stop_chance * stop_weight / ((1 - stop_chance) * stop_weight + contacts - 1)`` (0 without
    contacts), ``halt = 1 + stop_odds * ((e / (e - silence_days)) ** k - 1)``, ``active = 1 / (ran * halt)``,
    ``quiet = (1 + window_days / e) ** -k`` and ``score = 1 - active * (1 - quiet)``.

    Also readable by name: ``inputs["silence_days"]``.
    """

    silence_days: float
    """Time since the silence began (the later of the last counted contact and creation)."""
    tenure_days: float
    """Time since the customer was created."""
    contacts: int
    """The counted contacts after creation, at distinct instants (the rule's contact filter decides what counts;
    a contact at the very instant of creation, such as the purchase that made the customer, is not one)."""
    prior: str
    """The key of the `RiskModel` prior that applied (``"A/lead"``, ``"A/*"``, ``"*/*"``), or ``""`` for the
    rule's default: one counted contact per interval and a lifetime of a year."""
    prior_contacts: float
    """The prior's counted contacts ..."""
    prior_days: float
    """... in this many days: the rate a customer starts from, worth that much of its own history."""
    lifetime_days: float
    """How long a customer stays active, on average (stopping in time)."""
    stop_chance: float
    """The prior's chance that a customer stops right after a counted contact ..."""
    stop_weight: float
    """... worth this many contacts of the customer's own (each contact made without stopping lowers its odds)."""
    window_days: float
    """How far ahead the score looks: the model's window, else the rule's churn threshold (or four intervals)."""
    rate_per_day: float
    """The customer's own rate of counted contacts, pulled toward the prior's."""
    active_probability: float
    """The chance that the customer is still active after this silence, at that rate."""
    quiet_probability: float
    """The chance of no counted contact in the window from a customer still active at that rate."""
    stop_odds: float
    """The customer's own odds of having stopped right after one of its contacts (0 without contacts)."""

    def __getitem__(self, name: str) -> float | int | str:
        if name not in attrs.fields_dict(RiskInputs):
            raise KeyError(name)
        value: float | int | str = getattr(self, name)
        return value


def record(
    result: Assessment,
    instant: Callable[[int | None], Any],
    touchpoint: Callable[[TouchpointStatus], Any],
    with_reason: bool = True,
) -> dict[str, Any]:
    """Every field of an assessment, by name (the keys of `Assessment.to_dict`), with each instant (microseconds,
    or None) given as ``instant`` makes it and each touchpoint as ``touchpoint`` makes it: the one list of fields,
    for `to_dict` and for the tables of `cadence.frames`."""
    answers = result._answers
    facts = answers.facts
    customer, match, as_of = facts.customer, facts.match, facts.as_of
    reached, upcoming = answers.escalations()
    reclaim_us, stuck_us = answers.reclaim_us(), answers.stuck_us()
    ran = deadline(facts)
    advice = answers.advice()
    risk = answers.risk()
    return {
        "customer_id": customer.id,
        "owner": customer.owner,
        "segment": customer.segment,
        "stage": customer.stage,
        "status": facts.status.value,
        "rule": None if match is None else match.label,
        "anchor_kind": None if facts.anchor_kind is None else facts.anchor_kind.value,
        "step": facts.step,
        "deadline": None if ran is None else ran.short(),
        "segment_rank": facts.segment_rank,
        "timezone": facts.zone.key,
        "as_of": instant(as_of),
        "anchor_at": instant(facts.anchor),
        "due_soon_at": instant(facts.due_soon),
        "due_at": instant(answers.due_us()),
        "cadence_due_at": instant(facts.due),
        "overdue_at": instant(facts.overdue),
        "churn_risk_at": instant(facts.churn_risk),
        "last_contact_at": instant(facts.last_contact),
        "silence_seconds": (as_of - facts.silent_since) / US,
        "overdue_by_seconds": result._overdue_by_us() / US,
        "contact_allowed": result.contact_allowed,
        "next_allowed_at": instant(result._next_allowed_us()),
        "unanswered_attempts": answers.unanswered(),
        "recommendation": None if advice is None else advice.value,
        "escalation_level": len(reached),
        "escalation": reached[-1] if reached else None,
        "next_escalation_at": instant(upcoming),
        "reclaim_at": instant(reclaim_us),
        "reclaimed": reclaim_us is not None and as_of >= reclaim_us,
        "stuck_at": instant(stuck_us),
        "stuck": stuck_us is not None and as_of >= stuck_us,
        "on_hold": facts.hold is not None,
        "hold_started_at": instant(facts.hold),
        "hold_delay_seconds": facts.held / US,
        "touchpoints": [touchpoint(status) for status in answers.touches()],
        "risk_score": risk.score,
        "risk_inputs": _risk_inputs(risk),
        "reason": reason(answers) if with_reason else None,
    }


class Assessment:
    """The status of one customer at ``as_of``, with its thresholds, its anchor and a reason.

    Instants are pendulum ``DateTime`` values in the zone that was used (the customer's, else the policy's), made
    when read. For an ``inactive`` customer (terminal stage) every threshold is ``None``.

    An assessment is immutable and compares equal to another when its facts are equal (the same customer, policy
    rule, instant and thresholds, and the same counted history up to ``as_of``, in whatever order and with whatever
    duplicates it was given). It pickles (it is assessed again from its inputs when unpickled, so it can cross a
    process), copies as itself, and `to_dict` gives every field as plain data. Unlike the model it is not an attrs
    class: it is made once per customer in bulk runs and holds the engine's facts as they came.
    """

    __slots__ = ("_answers",)
    _answers: Answers

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Assessment is immutable (cannot set {show(name)})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Assessment is immutable (cannot delete {show(name)})")

    def _key(self) -> tuple[Any, ...]:
        facts = self._answers.facts
        return (*facts[:6], facts.zone.key, *facts[7:15], facts.policy.calendar, facts.mask, facts.risk)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        if self._key() != other._key():
            return False
        mine, theirs = self._answers, other._answers
        return mine.history().canonical(mine.facts.as_of) == theirs.history().canonical(theirs.facts.as_of)

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        facts = self._answers.facts
        return _reassess, (facts.policy, facts.customer, self._answers.history().events, facts.as_of, facts.risk)

    def __copy__(self) -> Assessment:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Assessment:
        return self

    # --- the facts

    @property
    def customer(self) -> Customer:
        """The customer assessed, as it was at ``as_of`` (see `Customer.at`)."""
        return self._answers.facts.customer

    @property
    def customer_id(self) -> str:
        """The customer's id."""
        return self._answers.facts.customer.id

    @property
    def owner(self) -> str | None:
        """The customer's owner (rep), if any."""
        return self._answers.facts.customer.owner

    @property
    def status(self) -> Status:
        """The status at ``as_of``: the most urgent threshold passed."""
        return self._answers.facts.status

    @property
    def rule_key(self) -> RuleKey | None:
        """The key of the rule that applied, under any layers (``None`` for a terminal stage)."""
        match = self._answers.facts.match
        return None if match is None else match.key

    @property
    def rule_label(self) -> str | None:
        """The key of the rule, then those of the layers that changed it (``*/* + */lead + A/*``; `RuleMatch.label`),
        as ``to_dict()["rule"]`` and the reason give it (``None`` for a terminal stage)."""
        match = self._answers.facts.match
        return None if match is None else match.label

    @property
    def rule_sources(self) -> dict[str, RuleKey]:
        """Each field of the rule that a layer of the policy set, with the key of that layer (empty without layers:
        every field is the rule's own; `RuleMatch.sources`)."""
        match = self._answers.facts.match
        return {} if match is None else dict(match.sources)

    @property
    def rule(self) -> Rule | None:
        """The rule that applied (``None`` for a terminal stage)."""
        match = self._answers.facts.match
        return None if match is None else match.rule

    @property
    def anchor_kind(self) -> AnchorKind | None:
        """What the clock runs from: stage entry or the last counted contact (``None`` when inactive)."""
        return self._answers.facts.anchor_kind

    @property
    def step(self) -> int:
        """0 while the first response is awaited; k after k counted contacts since stage entry (at most the
        length of the rule's sequence, whose last interval repeats)."""
        return self._answers.facts.step

    @property
    def segment_rank(self) -> int:
        """The rank of the customer's segment (lower is more important)."""
        return self._answers.facts.segment_rank

    @property
    def deadline(self) -> Duration | None:
        """The duration that ran from the anchor: the first-response deadline or this step's interval."""
        return deadline(self._answers.facts)

    @property
    def timezone(self) -> str:
        """The IANA zone whose local dates were counted."""
        return self._answers.facts.zone.key

    @property
    def calendar(self) -> Calendar:
        """The calendar whose working days, hours and holidays were applied, in the zone that was used."""
        facts = self._answers.facts
        return facts.policy.calendar.in_zone(facts.zone.key)

    @property
    def as_of(self) -> pendulum.DateTime:
        """The instant of the assessment."""
        facts = self._answers.facts
        return facts.zone.to_datetime(facts.as_of)

    @property
    def anchor_at(self) -> pendulum.DateTime | None:
        """The instant the clock runs from: stage entry or the last counted contact, whichever is later."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.anchor)

    @property
    def due_soon_at(self) -> pendulum.DateTime | None:
        """From this instant the status is at least ``due_soon``."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.due_soon)

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is due (for day rules, the start of the local due date); when a
        touchpoint makes the customer due before the cadence's due time, that touchpoint's due time."""
        return _instant(self._answers.facts.zone, self._answers.due_us())

    @property
    def cadence_due_at(self) -> pendulum.DateTime | None:
        """The cadence's own due time: `due_at`, unless a touchpoint made the customer due before it (then `due_at`
        is the touchpoint's due time, and this one is still to come)."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.due)

    @property
    def overdue_at(self) -> pendulum.DateTime | None:
        """From this instant the follow-up is overdue."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.overdue)

    @property
    def churn_risk_at(self) -> pendulum.DateTime | None:
        """From this instant the silence flags churn risk (``None`` when the rule has no churn threshold)."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.churn_risk)

    @property
    def last_contact_at(self) -> pendulum.DateTime | None:
        """The last counted contact at or before ``as_of`` (in any stage), or ``None``."""
        facts = self._answers.facts
        return _instant(facts.zone, facts.last_contact)

    @property
    def silence(self) -> timedelta:
        """Time since the last counted contact, or since the customer was created if that is later."""
        facts = self._answers.facts
        return timedelta_us(facts.as_of - facts.silent_since)

    @property
    def overdue_by(self) -> timedelta:
        """How long past ``overdue_at`` the customer is at ``as_of`` (zero when not overdue, and while a hold keeps
        ``overdue_at`` from passing)."""
        return timedelta_us(self._overdue_by_us())

    def _overdue_by_us(self) -> int:
        facts = self._answers.facts
        overdue = facts.overdue
        if overdue is None or facts.as_of < overdue or held_back(facts, overdue):
            return 0
        return facts.as_of - overdue

    def urgency_key(self) -> tuple[int, int, int, int, str]:
        """The worklist's order, most urgent first: status, segment rank, how long overdue, due time, then id."""
        facts = self._answers.facts
        due = self._answers.due_us()
        return (-facts.status.urgency, facts.segment_rank, -self._overdue_by_us(), 0 if due is None else due,
                facts.customer.id)  # fmt: skip

    @property
    def reason(self) -> str:
        """A one-line, human-readable explanation of the status."""
        return reason(self._answers)

    # --- the rest of the rulebook, worked out when read

    @property
    def contact_allowed(self) -> bool:
        """False while the customer is under do-not-contact, or while a new attempt would break the rule's cap."""
        facts = self._answers.facts
        if facts.anchor_kind is AnchorKind.DO_NOT_CONTACT and facts.status is Status.INACTIVE:
            return False
        allowed = self._answers.allowed_us()
        return allowed is None or allowed <= facts.as_of

    @property
    def next_allowed_at(self) -> pendulum.DateTime | None:
        """The earliest instant, at or after ``as_of``, at which contacting the customer is allowed; ``None`` for
        a do-not-contact with no end."""
        us = self._next_allowed_us()
        return None if us is None else self._answers.facts.zone.to_datetime(us)

    def _next_allowed_us(self) -> int | None:
        facts = self._answers.facts
        if facts.anchor_kind is AnchorKind.DO_NOT_CONTACT and facts.status is Status.INACTIVE:
            return facts.anchor
        allowed = self._answers.allowed_us()
        return facts.as_of if allowed is None or allowed < facts.as_of else allowed

    @property
    def unanswered_attempts(self) -> int:
        """Outbound attempts since the later of the last counted contact and stage entry (none counted since)."""
        return self._answers.unanswered()

    @property
    def recommendation(self) -> Recommendation | None:
        """The rule's change of strategy once its `Unanswered` count is reached, else ``None``."""
        return self._answers.advice()

    @property
    def escalation_level(self) -> int:
        """How many levels of the rule's escalation ladder have been reached (0: none, or not overdue)."""
        return len(self._answers.escalations()[0])

    @property
    def escalation(self) -> str | None:
        """The action of the current escalation level, or ``None``."""
        reached, _ = self._answers.escalations()
        return reached[-1] if reached else None

    @property
    def next_escalation_at(self) -> pendulum.DateTime | None:
        """When the next escalation level starts, or ``None`` (top level reached, no ladder, or not applicable)."""
        return _instant(self._answers.facts.zone, self._answers.escalations()[1])

    @property
    def reclaim_at(self) -> pendulum.DateTime | None:
        """When the customer goes back to the shared pool under the rule's `Reclaim`, or ``None`` (no rule, or no
        owner). Counted contacts by the owner since the claim (or creation) keep it."""
        return _instant(self._answers.facts.zone, self._answers.reclaim_us())

    @property
    def reclaimed(self) -> bool:
        """True once ``reclaim_at`` has passed: the customer is back in the shared pool."""
        at = self._answers.reclaim_us()
        return at is not None and self._answers.facts.as_of >= at

    @property
    def reclaim(self) -> bool:
        """The former name of `reclaimed`."""
        return self.reclaimed

    @property
    def stuck_at(self) -> pendulum.DateTime | None:
        """When the customer has been in its stage for the rule's ``stuck_after``, or ``None`` (no such rule, or a
        terminal stage). Contacts do not move it: only a new stage entry, or a change of segment to another rule,
        does."""
        return _instant(self._answers.facts.zone, self._answers.stuck_us())

    @property
    def stuck(self) -> bool:
        """True once ``stuck_at`` has passed: the customer has been in its stage too long, whatever the contacts."""
        at = self._answers.stuck_us()
        return at is not None and self._answers.facts.as_of >= at

    @property
    def on_hold(self) -> bool:
        """True while a hold (`Customer.holds`) is open at ``as_of``: the deadline clock is stopped, so the
        deadline thresholds after its start (``due_soon_at``, ``cadence_due_at``, ``overdue_at``) do not pass while
        it lasts, and move later by its length once it has ended."""
        return self._answers.facts.hold is not None

    @property
    def hold_started_at(self) -> pendulum.DateTime | None:
        """When the hold open at ``as_of`` began, else ``None``."""
        return _instant(self._answers.facts.zone, self._answers.facts.hold)

    @property
    def hold_delay(self) -> timedelta:
        """How much later the holds that ended by ``as_of`` moved ``cadence_due_at`` (a hold still open moves it
        once it has ended): zero without holds."""
        return timedelta_us(self._answers.facts.held)

    @property
    def touchpoints(self) -> tuple[TouchpointView, ...]:
        """The rule's touchpoints: pending, completed or missed, with their instants."""
        zone = self._answers.facts.zone
        return tuple(TouchpointView(t, zone) for t in self._answers.touches())

    @property
    def risk_score(self) -> float:
        """The chance that the customer makes no counted contact in the next window, in [0, 1]: higher is
        likelier to be drifting away; see docs/rulebook.md."""
        return self._answers.risk().score

    @property
    def risk_inputs(self) -> RiskInputs:
        """What the risk score was computed from (days, and probabilities)."""
        return RiskInputs(**_risk_inputs(self._answers.risk()))

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data, ready for ``json.dumps``: instants as ISO 8601 text with their UTC offset
        (as ``isoformat()`` writes them), durations in seconds, enums as their values.

        >>> import json, pendulum
        >>> from cadence import Customer, assess, presets
        >>> entered = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")
        >>> result = assess(presets.load("abc", calendar="Europe/Berlin"), Customer("c-1", "B", "lead", entered,
        ...     entered), [], as_of=pendulum.datetime(2026, 3, 9, 12, tz="Europe/Berlin"))
        >>> row = result.to_dict()
        >>> row["status"], row["due_at"], row["rule"]
        ('due', '2026-03-09T00:00:00+01:00', 'B/*')
        >>> len(json.dumps(row)) > 0
        True
        """
        answers = self._answers
        zone = answers.facts.zone
        return record(self, lambda us: None if us is None else zone.iso(us), lambda s: _touch_dict(s, zone))

    def __repr__(self) -> str:
        facts, due_us = self._answers.facts, self._answers.due_us()
        due = "None" if due_us is None else when(facts.zone, due_us)
        return f"<Assessment {show(facts.customer.id)} {facts.status.value} due={due} rule={self.rule_label}>"


_new = object.__new__
_set_facts = vars(Answers)["facts"].__set__  # the slot descriptors: the fastest way to store
_set_memo = vars(Answers)["memo"].__set__
_set_answers = vars(Assessment)["_answers"].__set__


def make_assessment(facts: Facts) -> Assessment:
    """Build an `Assessment` from the engine's facts (the front ends' only way to make one)."""
    answers = _new(Answers)
    _set_facts(answers, facts)
    _set_memo(answers, None)
    result = _new(Assessment)
    _set_answers(result, answers)
    return result


def _reassess(
    policy: Policy, customer: Customer, events: tuple[Any, ...], as_of: int, risk: RiskModel | None = None
) -> Assessment:
    """An unpickled assessment: assessed again from its inputs (the answer is the same, as assessing is pure)."""
    return make_assessment(evaluate(policy, customer, events, as_of, risk))
