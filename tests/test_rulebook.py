"""The rest of the rulebook, with real dates: deferrals, do-not-contact, caps, unanswered attempts, escalation, pool
reclaim, stuck in stage, touchpoints and the risk score; and their properties.

2 March 2026 is a Monday; the zone is Europe/Berlin (UTC+1 until 29 March, UTC+2 after).
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import berlin as at
from builders import call, person, policy
from cadence import (
    AnchorKind,
    CadenceError,
    CadenceWarning,
    Calendar,
    Contact,
    Customer,
    Deferral,
    InputError,
    Policy,
    PolicyError,
    Rule,
    Status,
    assess,
)
from cadence._rulebook import Cap, Level, Reclaim, Recommendation, Touchpoint, TouchpointState, Unanswered
from cadence._time import instant_us
from strategies import as_of_instants, customer_at, customer_specs, history_at, history_specs, policies, shift


class TestDeferral:
    rule = Rule.every("7d", grace="1d", churn_after="60d")

    def test_snoozed_until_the_date_then_due(self) -> None:
        history = [call(at(2026, 3, 2, 10)), Deferral(at(2026, 3, 2, 10, 5), until=date(2026, 4, 1))]
        snoozed = assess(policy(self.rule), person(), history, as_of=at(2026, 3, 20))
        assert snoozed.status is Status.SNOOZED
        assert (snoozed.due_at, snoozed.overdue_at) == (at(2026, 4, 1), at(2026, 4, 3))
        assert snoozed.reason == "snoozed: deferred by the customer to 2026-04-01; rule */*"
        due = assess(policy(self.rule), person(), history, as_of=at(2026, 4, 1, 9))
        assert due.status is Status.DUE
        assert assess(policy(self.rule), person(), history, as_of=at(2026, 4, 3)).status is Status.OVERDUE

    def test_an_instant_until(self) -> None:
        history = [Deferral(at(2026, 3, 2, 10, 5), until=at(2026, 3, 20, 15, 30))]
        result = assess(policy(Rule.every("48h", grace="2h")), person(), history, as_of=at(2026, 3, 20, 15, 29))
        assert (result.status, result.due_at, result.overdue_at) == (
            Status.SNOOZED,
            at(2026, 3, 20, 15, 30),
            at(2026, 3, 20, 17, 30),
        )

    def test_a_later_counted_contact_ends_it(self) -> None:
        history = [Deferral(at(2026, 3, 2, 10, 5), until=date(2026, 4, 1)), call(at(2026, 3, 10, 11))]
        result = assess(policy(self.rule), person(), history, as_of=at(2026, 3, 18))
        assert (result.status, result.due_at) == (Status.DUE, at(2026, 3, 17))
        unreached = [
            call(at(2026, 3, 2, 10)),
            Deferral(at(2026, 3, 2, 10, 5), until=date(2026, 4, 1)),
            call(at(2026, 3, 10), "no_answer"),
        ]
        assert assess(policy(self.rule), person(), unreached, as_of=at(2026, 3, 18)).status is Status.SNOOZED

    def test_the_churn_clock_runs_on(self) -> None:
        """The customer has still been silent: churn risk shows through a deferral."""
        rule = Rule.every("7d", churn_after="20d")
        history = [call(at(2026, 3, 2, 10)), Deferral(at(2026, 3, 2, 10, 5), until=date(2026, 4, 15))]
        assert assess(policy(rule), person(), history, as_of=at(2026, 3, 25)).status is Status.CHURN_RISK

    def test_the_latest_deferral_wins_whatever_the_order(self) -> None:
        first, second = (
            Deferral(at(2026, 3, 2), until=date(2026, 5, 1)),
            Deferral(at(2026, 3, 3), until=date(2026, 4, 1)),
        )
        one = assess(policy(self.rule), person(), [first, second], as_of=at(2026, 3, 10))
        two = assess(policy(self.rule), person(), [second, first, second], as_of=at(2026, 3, 10))
        assert one.due_at == two.due_at == at(2026, 4, 1)

    def test_bad_deferrals(self) -> None:
        with pytest.raises(Exception, match=r"Deferral.until must be an aware datetime or a date"):
            Deferral(at(2026, 3, 2), until="next month")  # type: ignore[arg-type]
        with pytest.raises(Exception, match=r"Deferral.until is a naive datetime"):
            Deferral(at(2026, 3, 2), until=datetime(2026, 4, 1))


class TestDoNotContact:
    def test_paused_without_end(self) -> None:
        result = assess(policy(Rule.every("7d")), person(do_not_contact=True), [], as_of=at(2026, 3, 20))
        assert result.status is Status.INACTIVE
        assert result.reason == "inactive: do not contact (rule */*)"
        assert (result.contact_allowed, result.next_allowed_at) == (False, None)

    def test_paused_until_then_due(self) -> None:
        customer = person(do_not_contact=True, do_not_contact_until=at(2026, 4, 1, 9))
        during = assess(policy(Rule.every("7d")), customer, [call(at(2026, 3, 2, 10))], as_of=at(2026, 3, 20))
        assert during.reason == "inactive: do not contact until 2026-04-01 09:00 (rule */*)"
        assert (during.contact_allowed, during.next_allowed_at) == (False, at(2026, 4, 1, 9))
        after = assess(policy(Rule.every("7d")), customer, [call(at(2026, 3, 2, 10))], as_of=at(2026, 4, 1, 10))
        assert (after.status, after.due_at, after.overdue_at) == (Status.DUE, at(2026, 4, 1, 9), at(2026, 4, 2))
        assert after.contact_allowed
        assert after.reason.startswith("due: follow-up due since 2026-04-01 09:00 (do-not-contact ended")

    def test_until_needs_the_flag(self) -> None:
        with pytest.raises(Exception, match=r"Customer.do_not_contact_until needs Customer.do_not_contact=True"):
            person(do_not_contact_until=at(2026, 4, 1))


class TestCap:
    def test_three_per_week(self) -> None:
        rule = Rule.every("3d", cap=Cap(attempts=3, per="7d"))
        tries = [call(at(2026, 3, d, 10), "no_answer") for d in (2, 3, 4)]
        result = assess(policy(rule), person(), tries, as_of=at(2026, 3, 6, 9))
        assert result.status is Status.OVERDUE
        assert (result.contact_allowed, result.next_allowed_at) == (False, at(2026, 3, 9, 10))
        assert result.reason.endswith("; contact not allowed before 2026-03-09 10:00 (frequency cap)")
        assert assess(policy(rule), person(), tries, as_of=at(2026, 3, 9, 10)).contact_allowed

    def test_a_minimum_gap(self) -> None:
        rule = Rule.every("7d", cap=Cap(min_gap="1d"))
        result = assess(policy(rule), person(), [call(at(2026, 3, 4, 10))], as_of=at(2026, 3, 4, 18))
        assert (result.contact_allowed, result.next_allowed_at) == (False, at(2026, 3, 5, 10))
        free = assess(policy(Rule.every("7d")), person(), [call(at(2026, 3, 4, 10))], as_of=at(2026, 3, 4, 18))
        assert (free.contact_allowed, free.next_allowed_at) == (True, at(2026, 3, 4, 18))

    def test_a_cap_that_makes_the_interval_impossible_warns(self) -> None:
        with pytest.warns(CadenceWarning, match=r"the interval 1 day can never be met"):
            Rule.every("1d", cap=Cap(min_gap="2d"))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Rule.every("7d", cap=Cap(attempts=3, per="7d"))

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"attempts": 0, "per": "7d"}, r"Cap.attempts must be a whole number >= 1 \(got 0\)"),
            ({"attempts": 3}, r"Cap.attempts and Cap.per go together"),
            ({"min_gap": "0h"}, r"Cap.min_gap must be > 0 \(got 0 seconds\)"),
            ({"attempts": 3, "per": "0d"}, r"Cap.per must be > 0"),
            ({"min_gap": "1mo"}, r"Cap.min_gap must be in hours, days or weeks \(got 1 month\)"),
            ({}, r"a Cap needs min_gap, or attempts and per"),
        ],
    )
    def test_bad_caps(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(PolicyError, match=message):
            Cap(**kwargs)  # type: ignore[arg-type]


class TestUnanswered:
    def test_three_unanswered_attempts_in_a_week_recommend_nurture(self) -> None:
        rule = Rule.every("2d", unanswered=Unanswered(3, "nurture"))
        history = [call(at(2026, 2, 27, 10)), *[call(at(2026, 3, d, 10), "no_answer") for d in (2, 4, 6)]]
        result = assess(policy(rule), person(), history, as_of=at(2026, 3, 6, 12))
        assert (result.unanswered_attempts, result.recommendation) == (3, Recommendation.NURTURE)
        assert result.reason.endswith("; 3 unanswered attempts: nurture")
        replied = [*history, Contact(at(2026, 3, 6, 11), "email", "inbound", "replied")]
        after = assess(policy(rule), person(), replied, as_of=at(2026, 3, 6, 12))
        assert (after.unanswered_attempts, after.recommendation) == (0, None)

    def test_bad(self) -> None:
        with pytest.raises(PolicyError, match=r"Unanswered.after must be a whole number >= 1"):
            Unanswered(0, "nurture")
        with pytest.raises(PolicyError, match=r'Unanswered.then must be "reassign" or "nurture"'):
            Unanswered(3, "give up")


class TestEscalation:
    rule = Rule.every("7d", escalation=[("0d", "notify owner"), ("2d", "manager"), ("4d", "reassign")])

    def test_a_ladder_of_0_2_4_days(self) -> None:
        history = [call(at(2026, 3, 2, 10))]  # due 9 March, overdue from 10 March
        levels = []
        for day in (9, 10, 11, 12, 14):
            result = assess(policy(self.rule), person(), history, as_of=at(2026, 3, day, 8))
            levels.append((result.escalation_level, result.escalation, result.next_escalation_at))
        top = assess(policy(self.rule), person(), history, as_of=at(2026, 3, 14, 8))
        assert top.reason.endswith("; escalated to reassign (level 3)")
        assert levels == [
            (0, None, at(2026, 3, 10)),
            (1, "notify owner", at(2026, 3, 12)),
            (1, "notify owner", at(2026, 3, 12)),
            (2, "manager", at(2026, 3, 14)),
            (3, "reassign", None),
        ]

    def test_thresholds_must_increase(self) -> None:
        with pytest.raises(
            PolicyError, match=r"Rule.escalation\[2\]: thresholds must increase \(2 days after 4 days\)"
        ):
            Rule.every("7d", escalation=[("0d", "owner"), ("4d", "manager"), ("2d", "reassign")])
        with pytest.raises(PolicyError, match=r"Level.after must be >= 0"):
            Level("-1d", "owner")


class TestReclaim:
    def test_thirty_days_and_a_back_dated_contact(self) -> None:
        rule = Rule.every("7d", reclaim=Reclaim("30d"))
        customer = person(claimed_at=at(2026, 3, 1, 9))
        history = [call(at(2026, 3, 10, 11)), call(at(2026, 3, 15, 9), by="ben")]
        result = assess(policy(rule), customer, history, as_of=at(2026, 4, 1))
        assert (result.reclaim_at, result.reclaim) == (at(2026, 4, 9), False)
        # Logged on 5 April but dated 20 February: it cannot move the clock back.
        late = assess(policy(rule), customer, [*history, call(at(2026, 2, 20, 9))], as_of=at(2026, 4, 9))
        assert (late.reclaim_at, late.reclaim) == (at(2026, 4, 9), True)
        assert late.reason.endswith("; back to the shared pool since 2026-04-09 (no counted contact by ana)")

    def test_never_contacted_since_claimed(self) -> None:
        result = assess(policy(Rule.every("7d", reclaim=Reclaim("30d"))), person(claimed_at=at(2026, 3, 1, 9)), [],
                        as_of=at(2026, 4, 1))  # fmt: skip
        assert result.reclaim_at == at(2026, 3, 31)
        assert result.reclaim

    def test_protection_extends_to_a_maximum(self) -> None:
        rule = Rule.every("7d", reclaim=Reclaim("10d", protect="20d", extend="15d", max_protect="40d"))
        customer = person(claimed_at=at(2026, 3, 1, 9))
        quiet = assess(policy(rule), customer, [], as_of=at(2026, 3, 15))
        assert quiet.reclaim_at == at(2026, 3, 21)  # protected for 20 days, though 10 days pass sooner
        busy = [call(at(2026, 3, d, 10)) for d in (5, 15, 25)]
        assert assess(policy(rule), customer, busy, as_of=at(2026, 3, 26)).reclaim_at == at(2026, 4, 9)  # 25 + 15
        busier = [call(at(2026, 3, d, 10)) for d in (5, 15, 28)]
        assert assess(policy(rule), customer, busier, as_of=at(2026, 3, 29)).reclaim_at == at(2026, 4, 10)  # at most 40

    def test_no_owner_no_reclaim(self) -> None:
        customer = Customer("c", "A", "retention", at(2026, 1, 5), at(2026, 1, 1))
        assert (
            assess(policy(Rule.every("7d", reclaim=Reclaim("30d"))), customer, [], as_of=at(2026, 4, 1)).reclaim_at
            is None
        )

    def test_bad(self) -> None:
        with pytest.raises(PolicyError, match=r"Reclaim.extend and Reclaim.max_protect need Reclaim.protect"):
            Reclaim("30d", extend="5d")
        with pytest.raises(PolicyError, match=r"Reclaim.max_protect \(5 days\) must not be shorter than protect"):
            Reclaim("30d", protect="10d", max_protect="5d")


class TestReplyDeadline:
    """An inquiry must be answered: a weekly cadence with a reply deadline of 4 business hours on a Monday-to-Friday
    09:00-17:00 calendar in Berlin."""

    calendar = Calendar(
        timezone="Europe/Berlin", hours=dict.fromkeys(("MON", "TUE", "WED", "THU", "FRI"), "09:00-17:00")
    )
    rule = Rule.every("7d", reply_within="4bh")
    customer = person(entered=at(2026, 3, 2, 10))

    def inquiry(self, when: pendulum.DateTime) -> Contact:
        return Contact(when, "email", direction="inbound", outcome="replied")

    def test_friday_afternoon_is_answered_by_monday_noon(self) -> None:
        history = [self.inquiry(at(2026, 3, 6, 16))]  # Friday 16:00: one working hour left that day
        result = assess(policy(self.rule, self.calendar), self.customer, history, as_of=at(2026, 3, 9, 11))
        assert (result.status, result.anchor_kind, result.due_at) == (
            Status.ON_TRACK,
            AnchorKind.INBOUND,
            at(2026, 3, 9, 12),
        )
        assert str(result.deadline) == "4 business hours"
        assert result.reason == (
            "on track: reply due 2026-03-09 12:00 (4 business hours after the customer's inbound contact on "
            "2026-03-06 16:00, not answered yet; rule */*)"
        )
        late = assess(policy(self.rule, self.calendar), self.customer, history, as_of=at(2026, 3, 9, 12))
        assert late.status is Status.OVERDUE  # no grace: overdue at the deadline

    def test_met_only_by_a_counted_outbound_contact_after_it(self) -> None:
        history = [self.inquiry(at(2026, 3, 6, 16)), call(at(2026, 3, 9, 10), outcome="no_answer")]
        missed = assess(policy(self.rule, self.calendar), self.customer, history, as_of=at(2026, 3, 9, 12, 30))
        assert (missed.status, missed.anchor_kind) == (Status.OVERDUE, AnchorKind.INBOUND)  # the call reached no one
        answered = assess(
            policy(self.rule, self.calendar),
            self.customer,
            [*history, call(at(2026, 3, 9, 11))],
            as_of=at(2026, 3, 9, 12, 30),
        )
        assert (answered.status, answered.anchor_kind, answered.due_at) == (
            Status.ON_TRACK,
            AnchorKind.COUNTED_CONTACT,
            at(2026, 3, 16),
        )

    def test_the_clock_runs_from_the_earliest_unanswered_inquiry(self) -> None:
        first, second = self.inquiry(at(2026, 3, 10, 9)), self.inquiry(at(2026, 3, 10, 15))
        both = assess(policy(self.rule, self.calendar), self.customer, [second, first], as_of=at(2026, 3, 10, 16))
        assert (both.anchor_at, both.due_at) == (at(2026, 3, 10, 9), at(2026, 3, 10, 13))
        # The reply at 11:00 answers the first; the second, at 15:00, waits: due 19:00 is outside hours, so 11:00.
        reply = call(at(2026, 3, 10, 11))
        later = assess(
            policy(self.rule, self.calendar), self.customer, [first, reply, second], as_of=at(2026, 3, 10, 16)
        )
        assert (later.anchor_at, later.due_at) == (at(2026, 3, 10, 15), at(2026, 3, 11, 11))
        # A reply logged at the very instant of an inquiry answers it.
        same = assess(
            policy(self.rule, self.calendar),
            self.customer,
            [first, call(at(2026, 3, 10, 9))],
            as_of=at(2026, 3, 10, 16),
        )
        assert same.anchor_kind is AnchorKind.COUNTED_CONTACT

    def test_in_calendar_days_and_only_in_the_stage(self) -> None:
        rule = Rule.every("14d", reply_within="1d", grace="1d")
        result = assess(policy(rule), self.customer, [self.inquiry(at(2026, 3, 28, 22))], as_of=at(2026, 3, 29, 12))
        # A day deadline: due on 29 March (the day the clocks go forward), overdue after the grace day.
        assert (result.due_at, result.overdue_at, result.status) == (at(2026, 3, 29), at(2026, 3, 31), Status.DUE)
        before_entry = person(entered=at(2026, 3, 29, 8))
        moved = assess(policy(rule), before_entry, [self.inquiry(at(2026, 3, 28, 22))], as_of=at(2026, 3, 29, 12))
        assert moved.anchor_kind is AnchorKind.STAGE_ENTRY  # asked before this stage: not this stage's to answer

    def test_a_deferral_after_the_inquiry_snoozes_it(self) -> None:
        history = [self.inquiry(at(2026, 3, 10, 9)), Deferral(at(2026, 3, 10, 10), until=date(2026, 4, 1))]
        result = assess(policy(self.rule, self.calendar), self.customer, history, as_of=at(2026, 3, 12))
        assert (result.status, result.anchor_kind) == (Status.SNOOZED, AnchorKind.DEFERRAL)

    def test_a_heads_up_longer_than_the_reply_makes_it_due_soon_at_once(self) -> None:
        rule = Rule.every("7d", heads_up="1d", reply_within="4h")
        result = assess(policy(rule), self.customer, [self.inquiry(at(2026, 3, 10, 9))], as_of=at(2026, 3, 10, 9))
        assert (result.status, result.due_soon_at, result.due_at) == (
            Status.DUE_SOON,
            at(2026, 3, 10, 9),
            at(2026, 3, 10, 13),
        )
        assert not rule.is_monotone

    def test_bad(self) -> None:
        with pytest.raises(PolicyError, match=r"Rule.reply_within must be > 0"):
            Rule.every("7d", reply_within="0h")


class TestFixedSchedule:
    """Odoo's chained activities ("previous activity" delay) and Monica's stay-in-touch: a weekly schedule from a
    stage entry on Monday 2 March 2026, 10:00 in Berlin; the first follow-up is due on Monday 9 March."""

    rule = Rule.every("7d", schedule="fixed")
    customer = person(entered=at(2026, 3, 2, 10))

    def due(self, history: list[Contact], as_of: pendulum.DateTime) -> tuple[pendulum.DateTime | None, Status]:
        result = assess(policy(self.rule), self.customer, history, as_of=as_of)
        return result.due_at, result.status

    def test_a_late_call_does_not_shift_the_schedule(self) -> None:
        late = [call(at(2026, 3, 11, 15))]  # two days late for 9 March
        assert self.due(late, at(2026, 3, 12)) == (at(2026, 3, 16), Status.ON_TRACK)  # not 18 March
        result = assess(policy(self.rule), self.customer, late, as_of=at(2026, 3, 12))
        assert (result.anchor_kind, result.anchor_at, result.step) == (AnchorKind.SCHEDULE, at(2026, 3, 9), 1)
        assert result.reason == (
            "on track: follow-up due 2026-03-16 (7 days after the previous scheduled follow-up, due 2026-03-09; "
            "rule */*)"
        )
        contact_based = assess(policy(Rule.every("7d")), self.customer, late, as_of=at(2026, 3, 12))
        assert contact_based.due_at == at(2026, 3, 18)

    def test_an_early_call_completes_the_open_follow_up_and_a_second_one_nothing(self) -> None:
        early = [call(at(2026, 3, 6, 9))]  # three days early
        assert self.due(early, at(2026, 3, 7)) == (at(2026, 3, 16), Status.ON_TRACK)
        again = [*early, call(at(2026, 3, 9, 16))]  # on the due date of the one completed: nothing more
        assert self.due(again, at(2026, 3, 10)) == (at(2026, 3, 16), Status.ON_TRACK)
        next_period = [*early, call(at(2026, 3, 10, 9))]  # early for 16 March
        assert self.due(next_period, at(2026, 3, 11)) == (at(2026, 3, 23), Status.ON_TRACK)

    def test_missed_follow_ups_are_not_chased(self) -> None:
        assert self.due([], at(2026, 3, 25))[1] is Status.OVERDUE
        # One call on 25 March completes 9, 16 and 23 March (past their ends) at once: the next is 30 March.
        assert self.due([call(at(2026, 3, 25, 9))], at(2026, 3, 26)) == (at(2026, 3, 30), Status.ON_TRACK)

    def test_a_later_call_never_leaves_more_open(self) -> None:
        """9 March missed; a call on the due date of the next one, 16 March at noon, completes both (found in review:
        it completed only the missed one, so the customer was overdue where a call at midnight left it on track)."""
        for when in (at(2026, 3, 16, 12), at(2026, 3, 17)):
            assert self.due([call(when)], at(2026, 3, 17, 12)) == (at(2026, 3, 23), Status.ON_TRACK)

    def test_in_hours(self) -> None:
        rule = Rule.every("48h", schedule="fixed")
        late = [call(at(2026, 3, 4, 13))]  # due 4 March 10:00, three hours late
        result = assess(policy(rule), self.customer, late, as_of=at(2026, 3, 5))
        assert result.due_at == at(2026, 3, 6, 10)

    def test_bad(self) -> None:
        with pytest.raises(PolicyError, match=r'Rule.schedule must be "contact" or "fixed" \(got \'weekly\'\)'):
            Rule.every("7d", schedule="weekly")


class TestStuckInStage:
    """Odoo's rotting deals: a deal in negotiation since 2 March 2026, 10:00 in Berlin, with a limit of 30 days."""

    rule = Rule.every("3d", stuck_after="30d")
    entered = at(2026, 3, 2, 10)

    def test_thirty_days_whatever_the_calls(self) -> None:
        deal = person("negotiation", entered=self.entered)
        calls = [call(self.entered.add(days=d)) for d in range(0, 40, 2)]
        before = assess(policy(self.rule), deal, calls, as_of=at(2026, 3, 31, 23, 59))
        assert (before.stuck_at, before.stuck, before.status) == (at(2026, 4, 1), False, Status.ON_TRACK)
        after = assess(policy(self.rule), deal, calls, as_of=at(2026, 4, 1))  # the start of the date, summer time
        assert (after.stuck, after.status) == (True, Status.ON_TRACK)  # a separate flag: the calls are on time
        assert after.reason.endswith('; stuck in "negotiation" since 2026-04-01 (30 days in the stage)')
        assert after.to_dict()["stuck"] is True

    def test_hours_count_elapsed_time_across_the_change_to_summer_time(self) -> None:
        deal = person("negotiation", entered=at(2026, 3, 28, 10))
        result = assess(policy(Rule.every("3d", stuck_after="48h")), deal, [], as_of=at(2026, 3, 30, 11))
        assert result.stuck_at == at(2026, 3, 30, 11)  # 48 elapsed hours: 11:00, the clocks went forward
        assert result.stuck

    def test_a_new_stage_starts_afresh_and_a_terminal_one_is_never_stuck(self) -> None:
        moved = person("negotiation", entered=at(2026, 3, 25, 9))
        assert assess(policy(self.rule), moved, [], as_of=at(2026, 4, 2)).stuck_at == at(2026, 4, 24)
        lost = assess(policy(self.rule), person("lost", entered=self.entered), [], as_of=at(2026, 5, 1))
        assert (lost.stuck_at, lost.stuck) == (None, False)

    def test_bad(self) -> None:
        with pytest.raises(PolicyError, match=r"Rule.stuck_after must be in hours, days or weeks \(got 1 month\)"):
            Rule.every("3d", stuck_after="1mo")
        with pytest.raises(PolicyError, match=r"Rule.stuck_after must be > 0"):
            Rule.every("3d", stuck_after="0d")


class TestTouchpoints:
    rule = Rule.every("1mo", touchpoints=[Touchpoint("1d", "1d", "delivery preparation"),
                                          Touchpoint("15d", "3d", "satisfaction visit")])  # fmt: skip

    def test_won_plus_1_and_15_days(self) -> None:
        won = person("won", entered=at(2026, 3, 2, 10))
        early = assess(policy(self.rule), won, [], as_of=at(2026, 3, 3, 12))
        assert early.status is Status.DUE
        assert early.reason == "due: touchpoint 'delivery preparation' due since 2026-03-03 (rule */*)"
        states = [(t.label, t.state, t.due_at) for t in early.touchpoints]
        assert states == [
            ("delivery preparation", TouchpointState.PENDING, at(2026, 3, 3)),
            ("satisfaction visit", TouchpointState.PENDING, at(2026, 3, 17)),
        ]
        done = assess(policy(self.rule), won, [call(at(2026, 3, 3, 15))], as_of=at(2026, 3, 3, 16))
        assert done.touchpoints[0].state is TouchpointState.COMPLETED
        assert done.touchpoints[0].completed_at == at(2026, 3, 3, 15)
        later = assess(policy(self.rule), won, [call(at(2026, 3, 3, 15))], as_of=at(2026, 3, 25))
        assert [t.state for t in later.touchpoints] == [TouchpointState.COMPLETED, TouchpointState.MISSED]
        assert later.touchpoints[1].window == (at(2026, 3, 14), at(2026, 3, 21))
        # A missed touchpoint says so in the reason (the window of 17 March +/- 3 days closed at the end of the 20th).
        assert later.reason == (
            "on track: follow-up due 2026-04-03 (1 month after the last counted contact on 2026-03-03 15:00; "
            "rule */*); touchpoint 'satisfaction visit' missed (its window closed 2026-03-21)"
        )

    def test_a_contact_before_stage_entry_completes_nothing(self) -> None:
        """A touchpoint due on the day of entry opens at midnight, before entry at 10:00: a call at 09:00, in the
        stage before, neither completes it nor keeps it from being due (found by the properties: the status said
        on track while the touchpoint was pending)."""
        rule = Rule.every("1mo", touchpoints=[Touchpoint("0d", "0d", "welcome")])
        won = person("won", entered=at(2026, 3, 2, 10))
        result = assess(policy(rule), won, [call(at(2026, 3, 2, 9))], as_of=at(2026, 3, 2, 11))
        assert result.touchpoints[0].state is TouchpointState.PENDING
        assert result.status is Status.DUE
        assert result.reason == "due: touchpoint 'welcome' due since 2026-03-02 (rule */*)"

    def test_overlapping_touchpoints_are_refused(self) -> None:
        with pytest.raises(PolicyError, match=r"the windows of 'a' \(3 days \+/- 2 days\) and 'b' \(5 days"):
            Rule.every("1mo", touchpoints=[Touchpoint("3d", "2d", "a"), Touchpoint("5d", "1d", "b")])


class TestDatedTouchpoints:
    """Touchpoints of a customer's own dates (Odoo's renewals, a delivery, a contract's end), before or after."""

    rule = Rule.every("1mo", touchpoints=[Touchpoint("-30d", "7d", "renewal call", of="contract_end"),
                                          Touchpoint("2d", "0d", label="welcome")])  # fmt: skip

    def customer(self, **dates: object) -> Customer:
        return person("retention", entered=at(2026, 1, 5, 9), dates=dates)

    def test_thirty_days_before_the_contract_ends(self) -> None:
        renewing = self.customer(contract_end=date(2026, 6, 30))
        calls = [call(at(2026, 1, 7, 10)), call(at(2026, 5, 20, 10))]
        result = assess(policy(self.rule), renewing, calls, as_of=at(2026, 6, 1, 12))
        assert [(t.label, t.state, t.due_at, t.window) for t in result.touchpoints] == [
            ("welcome", TouchpointState.COMPLETED, at(2026, 1, 7), (at(2026, 1, 7), at(2026, 1, 8))),
            ("renewal call", TouchpointState.PENDING, at(2026, 5, 31), (at(2026, 5, 24), at(2026, 6, 8))),
        ]
        # A touchpoint that makes the customer due shows its own due time (the cadence's is 20 June).
        assert (result.status, result.due_at, result.overdue_at) == (Status.DUE, at(2026, 5, 31), at(2026, 6, 21))
        assert result.to_dict()["due_at"] == "2026-05-31T00:00:00+02:00"
        assert result.reason == "due: touchpoint 'renewal call' due since 2026-05-31 (rule */*)"
        done = assess(policy(self.rule), renewing, [*calls, call(at(2026, 6, 2, 9))], as_of=at(2026, 6, 2, 10))
        assert done.touchpoints[1].state is TouchpointState.COMPLETED
        assert (done.status, done.due_at) == (Status.ON_TRACK, at(2026, 7, 2))
        late = assess(policy(self.rule), renewing, calls, as_of=at(2026, 6, 9))
        assert late.touchpoints[1].state is TouchpointState.MISSED
        assert late.due_at == at(2026, 6, 20)

    def test_a_date_with_a_time_and_an_instant_window(self) -> None:
        rule = Rule.every("1mo", touchpoints=[Touchpoint("-2h", label="before delivery", of="delivery")])
        delivered = self.customer(delivery=at(2026, 3, 10, 14))
        result = assess(policy(rule), delivered, [], as_of=at(2026, 3, 10, 12, 30))
        assert result.touchpoints[0].due_at == at(2026, 3, 10, 12)

    def test_a_customer_without_the_date_has_no_such_touchpoint(self) -> None:
        result = assess(policy(self.rule), self.customer(), [], as_of=at(2026, 6, 1))
        assert [t.label for t in result.touchpoints] == ["welcome"]

    def test_a_window_closed_before_stage_entry_does_not_apply(self) -> None:
        """The contract ended before the customer entered the stage: its renewal belonged to the stage before."""
        result = assess(policy(self.rule), self.customer(contract_end=date(2026, 1, 1)), [], as_of=at(2026, 1, 6))
        assert [t.label for t in result.touchpoints] == ["welcome"]

    def test_before_entry_only_with_a_date(self) -> None:
        with pytest.raises(PolicyError, match=r"Touchpoint.after must be >= 0 after stage entry \(got -30 days\)"):
            Touchpoint("-30d")
        for name in (" ", "", " contract_end"):  # (spaces around a name would never match a column)
            with pytest.raises(PolicyError, match=r"Touchpoint.of must be the name of a customer's date"):
                Touchpoint("1d", of=name)

    def test_touchpoints_of_different_dates_may_overlap(self) -> None:
        Rule.every("1mo", touchpoints=[Touchpoint("3d", "2d", "a", of="x"), Touchpoint("3d", "2d", "b", of="y")])
        with pytest.raises(PolicyError, match="overlap"):
            Rule.every("1mo", touchpoints=[Touchpoint("3d", "2d", "a", of="x"), Touchpoint("4d", "2d", "b", of="x")])

    def test_bad_dates_name_the_field(self) -> None:
        with pytest.raises(InputError, match=r"Customer.dates\['contract_end'\] is a naive datetime"):
            self.customer(contract_end=datetime(2026, 6, 30))
        with pytest.raises(CadenceError, match=r"Customer.dates\['contract_end'\] must be a date or an aware"):
            self.customer(contract_end="2026-06-30")

    def test_in_a_policy_file(self) -> None:
        written = policy(self.rule).to_toml()
        assert 'after = "-30d"' in written
        assert 'of = "contract_end"' in written
        assert Policy.from_toml(written) == policy(self.rule)

    def test_the_reason_names_the_touchpoint_due_at_shows(self) -> None:
        """The review's case: two touchpoints due, the one of stage entry first in the rule; both name the earlier."""
        rule = Rule.every("60d", touchpoints=[Touchpoint("10d", "20d", "onboarding"),
                                              Touchpoint("0d", "10d", "delivery", of="delivery")])  # fmt: skip
        customer = person("won", entered=at(2026, 3, 1, 9), dates={"delivery": date(2026, 3, 5)})
        result = assess(policy(rule), customer, [], as_of=at(2026, 3, 12, 12))
        assert result.due_at == at(2026, 3, 5)
        assert result.reason == "due: touchpoint 'delivery' due since 2026-03-05 (rule */*)"

    def test_an_ics_export_schedules_the_cadence_not_a_touchpoint_due_now(self) -> None:
        pytest.importorskip("icalendar")
        from cadence.ics import to_ics

        renewing = self.customer(contract_end=date(2026, 6, 30))
        result = assess(policy(self.rule), renewing, [call(at(2026, 5, 20, 10))], as_of=at(2026, 6, 1, 12))
        assert result.due_at < result.as_of < result.cadence_due_at  # type: ignore[operator]
        assert b"DTSTART:20260619T220000Z" in to_ics([result], start=result.as_of, end=at(2026, 7, 1))

    def test_a_date_given_twice_is_refused(self) -> None:
        with pytest.raises(InputError, match=r"Customer.dates\['x'\] is given twice"):
            person(dates=[("x", date(2026, 1, 1)), ("x", date(2026, 2, 1))])

    def test_the_worklist_orders_by_the_touchpoint_due_time(self) -> None:
        renewing = self.customer(contract_end=date(2026, 6, 30))
        result = assess(policy(self.rule), renewing, [call(at(2026, 5, 20, 10))], as_of=at(2026, 6, 1, 12))
        assert result.urgency_key()[3] == instant_us(at(2026, 5, 31), "x")
        assert "due=2026-05-31" in repr(result)


class TestRiskScore:
    def test_a_chatty_customer_worries_sooner(self) -> None:
        rule = Rule.every("7d", churn_after="60d")
        daily = [call(at(2026, 1, 5, 10).add(days=d)) for d in range(30)]
        weekly = [call(at(2025, 11, 10, 10).add(weeks=w)) for w in range(13)]
        quiet_days = 20
        chatty = assess(policy(rule), person(), daily, as_of=daily[-1].at.add(days=quiet_days)).risk_score
        steady = assess(policy(rule), person(), weekly, as_of=weekly[-1].at.add(days=quiet_days)).risk_score
        assert chatty > steady


# --- properties


@given(policies(), as_of_instants, st.data())
def test_snoozed_never_turns_overdue_before_until(policy_: Policy, as_of: datetime, data: st.DataObject) -> None:
    """Before a deferral's end, the status is snoozed (or churn risk, or inactive), never due or overdue."""
    customer = customer_at(as_of, data.draw(customer_specs()))
    history = history_at(as_of, data.draw(history_specs()))
    asked = shift(as_of, minutes=-data.draw(st.integers(0, 60 * 24 * 30)))
    until = shift(as_of, minutes=data.draw(st.integers(1, 60 * 24 * 60)))
    # The events up to the request; earlier deferrals too, but none logged at the same instant (the latest until
    # among those would win).
    history = [e for e in history if e.at < asked or (isinstance(e, Contact) and e.at == asked)]
    history.append(Deferral(asked, until=until))
    result = assess(policy_, customer, history, as_of=as_of)
    assert result.status in (Status.SNOOZED, Status.CHURN_RISK, Status.INACTIVE)


def _allowed(cap: Cap, attempts: list[int], t: int) -> bool:
    """The reference: may an attempt be made at ``t`` after these attempts? (brute force)"""
    gap = 0 if cap.min_gap is None else cap.min_gap_us
    if attempts and t - max(attempts) < gap:
        return False
    if cap.attempts is not None:
        recent = [a for a in attempts if a > t - cap.per_us]
        return len(recent) < cap.attempts
    return True


caps = st.builds(
    Cap,
    min_gap=st.none() | st.integers(1, 72).map(lambda h: f"{h}h"),
    attempts=st.integers(1, 5),
    per=st.integers(1, 14).map(lambda d: f"{d}d"),
)


@given(caps, st.lists(st.integers(0, 20 * 24 * 60), max_size=12), st.integers(0, 25 * 24 * 60))
def test_next_allowed_at_is_exactly_when_the_cap_allows(cap: Cap, minutes: list[int], now: int) -> None:
    """Contacting at next_allowed_at never breaks the cap, and one microsecond earlier would."""
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    tries = [call(pendulum.instance(start + timedelta(minutes=m)), "no_answer") for m in sorted(minutes) if m <= now]
    as_of = start + timedelta(minutes=now)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CadenceWarning)
        rule = Rule.every("30d", cap=cap)
    result = assess(policy(rule), person(entered=pendulum.instance(start)), tries, as_of=as_of)
    us = sorted(key[0] for key in {t._key for t in tries})  # exact duplicates are one attempt
    allowed = int(result.next_allowed_at.timestamp() * 1_000_000)  # type: ignore[union-attr]
    assert allowed >= int(as_of.timestamp() * 1_000_000)
    assert _allowed(cap, us, allowed)
    assert result.contact_allowed == _allowed(cap, us, int(as_of.timestamp() * 1_000_000))
    if allowed > int(as_of.timestamp() * 1_000_000):
        assert not _allowed(cap, us, allowed - 1)


@given(policies(), as_of_instants, st.data(), st.integers(0, 400 * 24 * 3600))
def test_risk_score_is_bounded_the_quiet_chance_at_a_contact_and_monotone(
    policy_: Policy, as_of: datetime, data: st.DataObject, later: int
) -> None:
    customer = customer_at(as_of, data.draw(customer_specs()))
    history = [c for c in history_at(as_of, data.draw(history_specs(after_days=0))) if c.at <= as_of]  # none between
    now = assess(policy_, customer, history, as_of=as_of)
    assume(now.status is not Status.INACTIVE)
    assert 0.0 <= now.risk_score <= 1.0
    then = assess(policy_, customer, history, as_of=shift(as_of, seconds=later))
    assert then.risk_score >= now.risk_score - 1e-12  # (1e-12: rounding, where the score is flat)
    if now.silence == timedelta(0):
        assert now.risk_inputs.active_probability == 1.0
        assert now.risk_score == pytest.approx(now.risk_inputs.quiet_probability, abs=1e-12)


@given(as_of_instants, st.lists(st.integers(0, 10 * 24 * 3600), min_size=2, max_size=5, unique=True),
       st.integers(0, 30 * 24 * 3600))  # fmt: skip
def test_escalation_level_is_monotone_in_time(as_of: datetime, seconds: list[int], later: int) -> None:
    levels = [(f"{s}s", f"level {i}") for i, s in enumerate(sorted(seconds))]
    rule = Rule.every("2d", escalation=levels)
    entered = shift(as_of, days=-30)
    customer = Customer("c", "A", "retention", entered, entered)
    first = assess(policy(rule), customer, [], as_of=as_of)
    second = assess(policy(rule), customer, [], as_of=shift(as_of, seconds=later))
    assert second.escalation_level >= first.escalation_level


@given(st.integers(1, 60), st.lists(st.integers(1, 24 * 60), min_size=1, max_size=20), st.data())
def test_reclaim_never_fires_while_the_owner_keeps_contacting(days: int, gaps: list[int], data: st.DataObject) -> None:
    """Contacts by the owner less than N days apart, the last less than N days ago: never reclaimed."""
    limit = days * 24 * 60 - 1
    claimed = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    when, history = claimed, []
    for gap in gaps:
        when += timedelta(minutes=min(gap * days, limit))
        history.append(call(pendulum.instance(when)))
    as_of = when + timedelta(minutes=data.draw(st.integers(0, limit)))
    rule = Rule.every("1d", reclaim=Reclaim(f"{days * 24}h"))
    customer = Customer("c", "A", "retention", claimed, claimed, owner="ana", claimed_at=claimed)
    assert not assess(policy(rule), customer, history, as_of=as_of).reclaim


@given(policies(), as_of_instants, st.data(), st.integers(0, 400 * 24 * 3600))
def test_stuck_ignores_contacts_and_once_stuck_stays_stuck_in_the_stage(
    policy_: Policy, as_of: datetime, data: st.DataObject, later: int
) -> None:
    """Contacts never move ``stuck_at`` (only the stage entry does), and later in the same stage a stuck customer
    is still stuck."""
    customer = customer_at(as_of, data.draw(customer_specs()))
    history = history_at(as_of, data.draw(history_specs()))
    now = assess(policy_, customer, history, as_of=as_of)
    assert assess(policy_, customer, [], as_of=as_of).stuck_at == now.stuck_at
    then = assess(policy_, customer, history, as_of=shift(as_of, seconds=later))
    same_stage = then.customer.stage == now.customer.stage
    assume(same_stage and then.customer.stage_entered_at == now.customer.stage_entered_at)
    assert then.stuck_at == now.stuck_at
    assert then.stuck or not now.stuck


@given(
    st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    st.integers(1, 30),
    st.booleans(),
    st.lists(st.integers(0, 200 * 24 * 60), max_size=12),
    st.integers(0, 200 * 24 * 60),
)
def test_a_fixed_schedule_never_drifts(zone: str, n: int, in_days: bool, minutes: list[int], later: int) -> None:
    """Whatever the contacts, a fixed schedule's follow-up is due on its grid: n local days (or n hours) after
    stage entry, then every n days (hours) after the one before."""
    entered = pendulum.datetime(2026, 1, 5, 9, 30, tz=zone)
    rule = Rule.every(f"{n}d" if in_days else f"{n}h", schedule="fixed")
    customer = Customer("c", "A", "retention", stage_entered_at=entered, created_at=entered)
    history = [call(entered.add(minutes=m)) for m in minutes]
    as_of = entered.add(minutes=max(minutes, default=0) + later)
    result = assess(Policy(name="p", calendar=zone, segments=["A"], rules={("*", "*"): rule}), customer, history,
                    as_of=as_of)  # fmt: skip
    assert result.due_at is not None
    if in_days:
        offset = (result.due_at.date() - entered.date()).days
        assert result.due_at == pendulum.datetime(*result.due_at.date().timetuple()[:3], tz=zone)  # a day start
    else:
        offset = round((result.due_at - entered).total_seconds()) // 3600
    assert offset > 0
    assert offset % n == 0
