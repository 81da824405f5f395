"""The engine: one pipeline from a customer's history to the facts of an assessment.

history -> anchor -> thresholds -> classify, on integers: a `Policy` holds its rules compiled per (segment, stage)
(the plans of `_plan`, the contact filter, the touchpoints), a `History` answers what happened before an instant,
and `evaluate` returns the `Facts`. Every front end calls it: `assess` and `assess_many` for one instant, and the
paths over many instants or many customers that build on it. The rules it follows are those of docs/semantics.md
and docs/rulebook.md.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from cadence._durations import Duration
from cadence._errors import InputError
from cadence._history import NONE, History, distinct_count, scan
from cadence._model import _FOREVER, Customer
from cadence._plan import BDAYS, BHOURS, Plan
from cadence._policy import Policy, RuleMatch, unknown
from cadence._risk import NO_RISK, Risk, RiskModel, risk_of, setting
from cadence._rulebook import Recommendation, TouchPlan, TouchpointState, TouchpointStatus, shift
from cadence._rules import ContactFilter, Rule
from cadence._time import MAX_US, MIN_US, Zone, out_of_range

__all__ = ["AnchorKind", "Status"]


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
        """0 for ``inactive`` up to 6 for ``churn_risk``."""
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
    SCHEDULE = "schedule"
    """The previous due time of a fixed schedule (``Rule.schedule = "fixed"``), which a counted contact completed."""
    INBOUND = "inbound"
    """A counted inbound contact that waits for a reply (the rule's ``reply_within``): the earliest since the
    last counted outbound contact, in the stage."""


class Facts(NamedTuple):
    """What the engine found for one customer at one instant; instants are microseconds since the epoch."""

    customer: Customer
    status: Status
    match: RuleMatch | None  # the rule and key that applied; None for a terminal stage
    anchor_kind: AnchorKind | None
    step: int  # counted contacts since stage entry, capped at the length of the sequence
    segment_rank: int
    zone: Zone  # the customer's zone, else the policy's
    as_of: int
    anchor: int | None  # for do-not-contact while it lasts: its end (None for no end)
    due_soon: int | None
    due: int | None
    overdue: int | None
    churn_risk: int | None
    last_contact: int | None  # the last counted contact at or before as_of, in any stage
    silent_since: int  # the later of the last counted contact and creation
    policy: Policy
    history: tuple[Any, ...] | History  # the events as given (a tuple), or a History asked at several instants
    mask: int  # the contact filter of the rule (the default filter for a terminal stage)
    touch: TouchPlan | None  # the rule's touchpoints, compiled
    risk: RiskModel | None  # the priors of the risk score (None: each rule's default)
    contacts: int  # counted contacts at distinct instants after creation, up to as_of (-1: not counted yet)
    hold: int | None  # the start of the hold open at as_of: the thresholds after it do not pass while it lasts
    held: int  # how much later the holds moved the due time
    plan: Plan | None  # the deadline that ran from the anchor (None: inactive, or a row of the columnar engine)


_DEFAULT_MASK = ContactFilter().mask
_facts = tuple.__new__  # builds Facts without the NamedTuple's Python-level __new__ (five times faster)


def evaluate(
    policy: Policy, customer: Customer, history: tuple[Any, ...] | History, as_of: int, risk: RiskModel | None = None
) -> Facts:
    """The facts of ``customer`` at ``as_of`` (microseconds) under ``policy`` (and the risk model ``risk``): the
    one pipeline of the engine."""
    if customer._spells is not None:  # the customer as it was at as_of
        customer = _state_at(customer, as_of)
    entry = customer._entered_us
    if as_of < entry:
        raise InputError(
            f"as_of is before Customer.stage_entered_at ({customer.stage_entered_at.isoformat()}) "
            f"for customer {customer.id!r}: the customer was not in that stage yet",
            field="Customer.stage_entered_at",
            value=customer.stage_entered_at,
        )
    zone = customer._zone or policy._zone
    resolved = policy._table.get(customer._rule_key)
    if resolved is None:
        return _inactive(policy, customer, history, as_of, zone, risk)
    match, (first_plan, plans, mask, touch, extra), rank = resolved

    paused = customer._paused_until
    if paused is not None and as_of < paused:
        return _inactive(policy, customer, history, as_of, zone, risk, match, paused, mask)
    created = customer._created_us
    if isinstance(history, tuple):  # one instant: one pass over the events as given
        last, count, total, deferral = scan(history, as_of, mask, entry, created)
        if count > 1 and len(plans) > 1:
            count = distinct_count(history, mask, entry, as_of)
    else:
        last, count, total, deferral = history.summary(mask, entry, created, as_of, len(plans) > 1)
    # The anchor, and the deadline that runs from it.
    if count == 0:
        anchor, kind, step, plan = entry, AnchorKind.STAGE_ENTRY, 0, first_plan
    else:
        step = min(count, len(plans))
        anchor, kind, plan = last, AnchorKind.COUNTED_CONTACT, plans[step - 1]
    if extra is not None:
        if extra.fixed and count:  # counted from the previous due time
            counted = History.of(history).counted(mask, entry, as_of)
            ended = [(start, end) for start, end in customer._holds or () if end <= as_of]
            done, anchor = _schedule(zone, entry, first_plan, plans, counted, ended)
            step = min(done, len(plans))
            kind, plan = AnchorKind.SCHEDULE, plans[step - 1]
        if extra.reply is not None:  # an inquiry waiting for a reply: the reply deadline is the follow-up
            waiting = History.of(history).awaiting_reply(mask, entry, as_of)
            if waiting is not None:
                anchor, kind, plan = waiting, AnchorKind.INBOUND, extra.reply
    silent_since = last if last > created else created
    # The thresholds.
    due_soon, due, overdue, churn_at = plan.thresholds(zone, anchor, silent_since)
    # A deferral (until a counted contact after it) moves the follow-up to its end; so does the end of a
    # do-not-contact pause that held the follow-up past its due time.
    resume = None
    if deferral is not None and last <= deferral._us:
        resume, kind, by_date = deferral.until_us(zone), AnchorKind.DEFERRAL, deferral._until_us is None
    if paused is not None and last < paused and (resume is None or paused > resume):
        due_then = due  # the due time as holds moved it: only a pause that held the follow-up past it moves it
        if customer._holds is not None:
            due_then = _held(customer._holds, plan, zone, anchor, as_of, due_soon, due, overdue)[1]
        if paused > due_then:
            resume, kind, by_date = paused, AnchorKind.DO_NOT_CONTACT, False
    if resume is not None:
        anchor = resume
        due_soon, due, overdue = plan.resumed(zone, resume, by_date or plan.deadline.day_granular)
    if due_soon < anchor:  # a heads-up longer than what is left of a day deadline: due soon from the anchor on
        due_soon = anchor
    hold, held = None, 0
    if customer._holds is not None:
        before = due
        due_soon, due, overdue, hold = _held(customer._holds, plan, zone, anchor, as_of, due_soon, due, overdue)
        held = due - before
    if due_soon < MIN_US or overdue > MAX_US or (churn_at is not None and churn_at > MAX_US):
        raise out_of_range(f"customer {customer.id!r}: a threshold after {zone.to_datetime(anchor).isoformat()}")
    status = classify(as_of, churn_at, anchor if resume is not None else None, overdue, due, due_soon, hold)
    on_track = status is Status.ON_TRACK or status is Status.DUE_SOON
    if on_track and touch is not None and touch.due_now(zone, customer, as_of, History.of(history), mask):
        status = Status.DUE  # a touchpoint due now is more urgent than the cadence
    return _facts(
        Facts,
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
            None if last == NONE else last,
            silent_since,
            policy,
            history,
            mask,
            touch,
            risk,
            total,
            hold,
            held,
            plan,
        ),
    )


def _held(
    holds: tuple[tuple[int, int], ...],
    plan: Plan,
    zone: Zone,
    anchor: int,
    as_of: int,
    *thresholds: int,
) -> tuple[int, int, int, int | None]:
    """The deadline thresholds moved by the customer's holds that ended by ``as_of`` (the deadline clock stops
    while one lasts), and the start of the hold open at ``as_of``, if any.

    A hold that began before a threshold counts from the later of its start and ``anchor`` to its end. A hold still
    open moves nothing yet (its length is not known): the thresholds after its start do not pass while it lasts
    (`held_back`), and move by its whole length once it has ended (`released`). With ``days_off="skip"``, a due
    time moved to a day off moves on to the next working date, and the heads-up and grace count from that date.
    """
    spans = [(start, max(start, anchor), end) for start, end in holds if anchor < end <= as_of]
    due_soon, due, overdue = _moved(plan, zone, spans, thresholds)
    rolled = _rolled(plan, zone, due, thresholds[1])
    if rolled != due:  # the heads-up and the grace count from the working date it rolled to
        due_soon_then, _, overdue_then = plan.resumed(zone, rolled, True)
        due_soon, due, overdue = max(due_soon, due_soon_then), rolled, max(overdue, overdue_then)
    hold = next((start for start, end in holds if start <= as_of < end), None)
    return due_soon, due, overdue, hold


def _moved(plan: Plan, zone: Zone, spans: list[tuple[int, int, int]], thresholds: tuple[int, ...]) -> list[int]:
    """``thresholds`` moved by the holds ``spans`` ((began, counted from, end), in order): each by the whole of
    each hold that began before it (as moved by the earlier ones), by the real time held, or for a business
    deadline by the working time held, to the latest instant with that working time (the next opening rather
    than a closing), so never before the hold's end. A threshold a hold began at or after had passed; it stays."""
    work = plan.work if plan.deadline.kind in (BDAYS, BHOURS) else None
    lengths = [end - start if work is None else work.worked_between(zone, start, end) for _, start, end in spans]
    moved = []
    for threshold in thresholds:
        for (began, _, _), length in zip(spans, lengths, strict=True):
            if began >= threshold:
                break
            if work is None:
                threshold += length
            else:
                threshold = work.add_hours(zone, threshold, length + 1) - 1
        moved.append(threshold)
    return moved


def released(facts: Facts, until: int) -> tuple[int, int, int]:
    """``(due_soon, due, overdue)`` of ``facts`` once the hold open at ``facts.as_of`` has ended at ``until``."""
    hold, plan, anchor = facts.hold, facts.plan, facts.anchor
    assert hold is not None
    assert plan is not None
    assert anchor is not None
    assert facts.due_soon is not None
    assert facts.due is not None
    assert facts.overdue is not None
    span = [(hold, max(hold, anchor), until)]
    due_soon, due, overdue = _moved(plan, facts.zone, span, (facts.due_soon, facts.due, facts.overdue))
    return due_soon, due, overdue


def held_back(facts: Facts, threshold: int) -> bool:
    """True if the hold open at ``facts.as_of`` keeps ``threshold`` (one of the deadline's, or counted from one)
    from passing while it lasts: the hold began before it."""
    return facts.hold is not None and threshold > facts.hold


def _schedule(
    zone: Zone, entry: int, first: Plan, plans: tuple[Plan, ...], counted: list[int], holds: list[tuple[int, int]]
) -> tuple[int, int]:
    """``(completed, previous due)`` on a fixed schedule: how many follow-ups the counted contacts (sorted
    instants since stage entry) completed, and the due time of the last one completed.

    The first follow-up is due the first deadline after entry, each next one its step's interval after the one
    before; each is on time until its end (the end of its due date for a day deadline, else its due time). A
    contact completes the follow-up that is open, early or late, unless it falls before the end of the one
    completed last (a second contact in one period completes nothing more); a late one also completes the next
    ones whose due time it is at or past (missed follow-ups are not chased, and a later contact never leaves
    more open than an earlier one). Each due time is moved by the ``holds`` (start, end) that ended by then, as
    `_held` moves a deadline from its anchor, the previous due time, except by those that began after the contact
    that completed it (a hold after a follow-up was done does not move it)."""
    done, previous, finished = 0, entry, entry
    for at in counted:
        if at < finished:
            continue
        known = [hold for hold in holds if hold[0] < at]
        # The open follow-up, which ``at`` completes, early or late, and the next ones whose due time it is past.
        previous, finished = _slot(zone, plans[min(done, len(plans)) - 1] if done else first, previous, known)
        done += 1
        while True:
            due, end = _slot(zone, plans[min(done, len(plans)) - 1], previous, known)
            if at < due:
                break
            done, previous, finished = done + 1, due, end
    return done, previous


def _slot(zone: Zone, plan: Plan, anchor: int, holds: list[tuple[int, int]]) -> tuple[int, int]:
    """``(due, end)`` of ``plan``'s deadline after ``anchor``, moved by ``holds``: the end of the due date for a
    day deadline."""
    due, date = plan.deadline.due(zone, anchor)
    if holds:
        spans = [(start, max(start, anchor), end) for start, end in holds if end > anchor]
        moved = _rolled(plan, zone, _moved(plan, zone, spans, (due,))[0], due)
        due, date = moved, date if moved == due else zone.local_ordinal(moved)
    return due, zone.day_start(date + 1) if plan.deadline.day_granular else due


def _rolled(plan: Plan, zone: Zone, moved: int, due: int) -> int:
    """A due time ``due`` moved by holds to ``moved``: with ``days_off="skip"``, on to the next working date when
    it fell on a day off."""
    if not plan.deadline.roll or moved == due:
        return moved
    work, day = plan.work, zone.local_ordinal(moved)
    return moved if work.is_working_in(zone, day) else work.opening(zone, work.next_working_in(zone, day))


def classify(
    as_of: int,
    churn_at: int | None,
    snoozed_until: int | None,
    overdue: int,
    due: int,
    due_soon: int,
    hold: int | None = None,
) -> Status:
    """The status at ``as_of`` from the thresholds: the most urgent one passed (touchpoints aside); while a hold
    that began at ``hold`` lasts, the deadline's thresholds after it do not pass."""
    if churn_at is not None and as_of >= churn_at:
        return Status.CHURN_RISK
    if snoozed_until is not None and as_of < snoozed_until:
        return Status.SNOOZED
    last = as_of if hold is None or hold > as_of else hold  # the last instant the deadline's clock ran
    if last >= overdue:
        return Status.OVERDUE
    if last >= due:
        return Status.DUE
    if last >= due_soon:
        return Status.DUE_SOON
    return Status.ON_TRACK


def status_at(facts: Facts, as_of: int) -> Status:
    """The status at ``as_of`` of a customer whose facts (found at an earlier instant) still hold: no event, no
    change of state and no end of a pause lies between ``facts.as_of`` and ``as_of``."""
    if facts.status is Status.INACTIVE:
        return Status.INACTIVE
    assert facts.due_soon is not None
    assert facts.due is not None
    assert facts.overdue is not None
    snoozed = facts.anchor if facts.anchor_kind in _RESUMED else None
    # A hold open at facts.as_of lasts until the next cut, its end.
    status = classify(as_of, facts.churn_risk, snoozed, facts.overdue, facts.due, facts.due_soon, facts.hold)
    touch = facts.touch
    on_track = status is Status.ON_TRACK or status is Status.DUE_SOON
    if (
        on_track
        and touch is not None
        and touch.due_now(facts.zone, facts.customer, as_of, History.of(facts.history), facts.mask)
    ):
        return Status.DUE
    return status


_RESUMED = (AnchorKind.DEFERRAL, AnchorKind.DO_NOT_CONTACT)


def _state_at(customer: Customer, as_of: int) -> Customer:
    state = customer.state_at(as_of)
    if state is None:
        first = min(customer.changes, key=lambda change: change._us)
        raise InputError(
            f"as_of is before the first change of customer {customer.id!r} ({first.at.isoformat()}): "
            "the customer was in no stage yet",
            field="Customer.changes",
            value=first,
        )
    return state


def _inactive(
    policy: Policy,
    customer: Customer,
    history: tuple[Any, ...] | History,
    as_of: int,
    zone: Zone,
    risk: RiskModel | None,
    match: RuleMatch | None = None,
    paused: int | None = None,
    mask: int = _DEFAULT_MASK,
) -> Facts:
    """The facts for a terminal stage (after checking that segment and stage are known at all), or for a
    customer under do-not-contact (``paused`` until that instant; ``_FOREVER`` for no end)."""
    if match is None:
        if customer.segment not in policy._ranks:
            raise InputError(
                f"Customer.segment of {customer.id!r}: {unknown('segment', customer.segment, policy._ranks)}",
                field="Customer.segment",
                value=customer.segment,
            )
        if customer.stage not in policy.lifecycle:
            raise InputError(
                f"Customer.stage of {customer.id!r}: {unknown('stage', customer.stage, policy.lifecycle.ids)}",
                field="Customer.stage",
                value=customer.stage,
            )
    if isinstance(history, tuple):
        last = scan(history, as_of, _DEFAULT_MASK, as_of + 1, as_of + 1)[0]
    else:  # asked at many instants: by bisection, not a pass per instant
        last = history.summary(_DEFAULT_MASK, as_of + 1, as_of + 1, as_of, False)[0]
    return _facts(
        Facts,
        (
            customer,
            Status.INACTIVE,
            match,
            None if paused is None else AnchorKind.DO_NOT_CONTACT,
            0,
            policy._ranks[customer.segment],
            zone,
            as_of,
            None if paused is None or paused == _FOREVER else paused,
            None,
            None,
            None,
            None,
            None if last == NONE else last,
            max(last, customer._created_us),
            policy,
            history,
            mask,
            None,
            risk,
            -1,
            None,
            0,
            None,
        ),
    )


# --- the rest of the rulebook: answers worked out from the facts when they are asked for

_T = TypeVar("_T")


def deadline(facts: Facts) -> Duration | None:
    """The duration that ran from the anchor: the first-response deadline, this step's interval, or the reply
    deadline."""
    if facts.match is None:
        return None
    if facts.anchor_kind is AnchorKind.INBOUND:
        return facts.match.rule.reply_within
    return step_deadline(facts.match.rule, facts.step)


def step_deadline(rule: Rule, step: int) -> Duration:
    """The deadline of a step of a rule: the first-response deadline (else the first interval) at step 0, then
    the step's interval."""
    if step:
        return rule.intervals[step - 1]
    return rule.first_response if rule.first_response is not None else rule.intervals[0]


class Answers:
    """The facts of one assessment, and the rest of the rulebook's answers (caps, unanswered attempts, escalation,
    reclaim, touchpoints, risk), each worked out from the facts once, when first asked for."""

    __slots__ = ("facts", "memo")
    facts: Facts
    memo: dict[str, object] | None  # made on first use: most results are read for their status only

    def _once(self, name: str, work: Callable[[Answers], _T]) -> _T:
        memo = self.memo
        if memo is None:
            memo = self.memo = {}
        if name not in memo:
            memo[name] = work(self)
        return memo[name]  # type: ignore[return-value]

    def history(self) -> History:
        """The facts' history as a `History` (made once: the rulebook's questions may build its index)."""
        return self._once("history", _history)

    def allowed_us(self) -> int | None:
        """The earliest instant a new attempt is allowed by the rule's frequency cap (None: no cap applies)."""
        return self._once("allowed", _next_allowed)

    def unanswered(self) -> int:
        """Outbound attempts since the later of the last counted contact and stage entry."""
        return self._once("unanswered", _unanswered_attempts)

    def advice(self) -> Recommendation | None:
        """The rule's change of strategy once its `Unanswered` count is reached."""
        facts = self.facts
        match = facts.match
        if match is None or match.rule.unanswered is None or facts.status is Status.INACTIVE:
            return None
        unanswered = match.rule.unanswered
        return unanswered.then if self.unanswered() >= unanswered.after else None

    def escalations(self) -> tuple[tuple[str, ...], int | None]:
        """The actions of the escalation levels reached, and when the next one starts (None: none left)."""
        return self._once("ladder", _ladder)

    def reclaim_us(self) -> int | None:
        """When the customer goes back to the shared pool under the rule's `Reclaim` (None: no rule or owner)."""
        return self._once("reclaim", _reclaim_at)

    def stuck_us(self) -> int | None:
        """When the customer has been in its stage for the rule's ``stuck_after`` (None: no such rule)."""
        return self._once("stuck", _stuck_at)

    def touches(self) -> tuple[TouchpointStatus, ...]:
        """The rule's touchpoints, pending, completed or missed at ``as_of``."""
        return self._once("touch", _touch_states)

    def due_us(self) -> int | None:
        """The due instant an assessment shows: the cadence's, or, when a touchpoint made the status ``due`` before
        the cadence's due time, the due time of that touchpoint (the earliest one due)."""
        facts = self.facts
        if self.touch_driven():
            return min(t.due for t in self.touches() if t.state is TouchpointState.PENDING and t.due <= facts.as_of)
        return facts.due

    def touch_driven(self) -> bool:
        """True when a touchpoint, not the cadence, makes the status ``due``: the cadence's due time has not
        passed (or a hold keeps it from passing)."""
        facts = self.facts
        due = facts.due
        return facts.status is Status.DUE and due is not None and (facts.as_of < due or held_back(facts, due))

    def risk(self) -> Risk:
        """The risk score and what it was computed from."""
        return self._once("risk", _risk)


def known_answers(facts: Facts, memo: dict[str, object]) -> Answers:
    """Answers whose rulebook answers are known already (``memo``, by the names `Answers` keeps them under), so
    that the explainer can write a reason for a row of the columnar engine without a history."""
    answers = Answers.__new__(Answers)
    answers.facts, answers.memo = facts, memo
    return answers


def _history(answers: Answers) -> History:
    return History.of(answers.facts.history)


def _next_allowed(answers: Answers) -> int | None:
    """The earliest instant a new attempt is allowed after the sorted attempts; None if no limit applies."""
    facts = answers.facts
    match = facts.match
    if match is None or match.rule.cap is None:
        return None
    cap = match.rule.cap
    attempts = answers.history().attempts(NONE, facts.as_of)
    earliest = None
    if cap.min_gap is not None and attempts:
        earliest = attempts[-1] + cap.min_gap_us
    if cap.attempts is not None and cap.per is not None and len(attempts) >= cap.attempts:
        # The attempt that must leave the window before another fits in it.
        leaving = attempts[-cap.attempts] + cap.per_us
        earliest = leaving if earliest is None else max(earliest, leaving)
    return earliest


def _unanswered_attempts(answers: Answers) -> int:
    facts = answers.facts
    entered, last = facts.customer._entered_us, facts.last_contact
    since = entered if last is None or last < entered else last + 1
    return len(answers.history().attempts(since, facts.as_of))


def _ladder(answers: Answers) -> tuple[tuple[str, ...], int | None]:
    facts = answers.facts
    match, overdue = facts.match, facts.overdue
    if match is None or not match.rule.escalation or overdue is None:
        return (), None
    reached: list[str] = []
    frozen = held_back(facts, overdue)  # escalation counts from overdue_at, which a hold holds back
    for level in match.rule.escalation:
        start = shift(facts.zone, overdue, level.after)
        if facts.as_of < start or frozen:
            return tuple(reached), start
        reached.append(level.action)
    return tuple(reached), None


def _reclaim_at(answers: Answers) -> int | None:
    facts = answers.facts
    customer, match = facts.customer, facts.match
    if match is None or match.rule.reclaim is None or customer.owner is None:
        return None
    claimed = customer._claimed_us if customer._claimed_us is not None else customer._created_us
    reclaim, zone = match.rule.reclaim, facts.zone
    # After ``after`` past the latest of the claim and the owner's counted contacts since (a back-dated contact
    # cannot move it back), and not before protection ends.
    protected = None if reclaim.protect is None else shift(zone, claimed, reclaim.protect)
    ceiling = None if reclaim.max_protect is None else shift(zone, claimed, reclaim.max_protect)
    # Moving an instant later never moves its shift earlier: the owner's last counted contact decides.
    last = answers.history().last_counted_by(facts.mask, customer.owner, claimed, facts.as_of)
    latest = claimed if last is None else max(claimed, last)
    if last is not None and protected is not None and reclaim.extend is not None:
        protected = max(protected, shift(zone, last, reclaim.extend))
    if protected is not None and ceiling is not None:
        protected = min(protected, ceiling)
    due = shift(zone, latest, reclaim.after)
    return due if protected is None else max(due, protected)


def _stuck_at(answers: Answers) -> int | None:
    facts = answers.facts
    match = facts.match
    if match is None or match.rule.stuck_after is None:
        return None
    return shift(facts.zone, facts.customer._entered_us, match.rule.stuck_after)


def _touch_states(answers: Answers) -> tuple[TouchpointStatus, ...]:
    facts = answers.facts
    if facts.touch is None:
        return ()
    entered = facts.customer._entered_us
    counted = answers.history().counted(facts.mask, entered, facts.as_of)
    return facts.touch.states(facts.zone, facts.customer, facts.as_of, counted)


def _risk(answers: Answers) -> Risk:
    facts = answers.facts
    if facts.match is None:
        return NO_RISK
    customer = facts.customer
    created = customer._created_us
    contacts = facts.contacts
    if contacts < 0:
        contacts = len(answers.history().counted(facts.mask, created + 1, facts.as_of))
    key, prior, window = setting(facts.risk, facts.match.rule, customer.segment, customer.stage)
    return risk_of(facts.as_of - facts.silent_since, facts.as_of - created, contacts, key, prior, window)
