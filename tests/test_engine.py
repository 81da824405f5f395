"""The engine's thresholds for every kind of duration, and the boundaries of its rules, with real dates.

Each test pins an answer that a mutation of `_plan` or `_engine` changed without any other test noticing (found by
mutation testing with mutmut; see README.md, "Mutation testing").
"""

from __future__ import annotations

from datetime import date

import pytest

from builders import berlin as at
from builders import call, person, policy
from cadence import (
    AnchorKind,
    Calendar,
    ContactFilter,
    Customer,
    Deferral,
    InputError,
    Rule,
    Status,
    Touchpoint,
    assess,
)

C = [call(at(2026, 3, 2, 10))]


class TestHourlyRules:
    def test_an_hourly_heads_up_on_an_hourly_rule(self) -> None:
        """48h after Monday 10:00 is Wednesday 10:00; a 6h heads-up starts at 04:00."""
        result = assess(policy(Rule.every("48h", heads_up="6h")), person(), C, as_of=at(2026, 3, 4, 5))
        assert result.status is Status.DUE_SOON
        assert result.due_soon_at == at(2026, 3, 4, 4)

    def test_a_day_grace_after_an_hourly_deadline(self) -> None:
        """A calendar grace after an exact deadline: overdue from the start of the date after due date + grace."""
        result = assess(policy(Rule.every("48h", grace="1d")), person(), C, as_of=at(2026, 3, 4, 11))
        assert result.overdue_at == at(2026, 3, 6)

    def test_a_day_heads_up_before_an_hourly_deadline(self) -> None:
        result = assess(policy(Rule.every("72h", heads_up="1d")), person(), C, as_of=at(2026, 3, 4, 11))
        assert result.due_soon_at == at(2026, 3, 4)

    def test_churn_after_an_hourly_rule(self) -> None:
        result = assess(policy(Rule.every("48h", churn_after="30d")), person(), C, as_of=at(2026, 4, 1, 12))
        assert result.status is Status.CHURN_RISK
        assert result.churn_risk_at == at(2026, 4, 1)

    def test_churn_in_hours_after_a_day_rule(self) -> None:
        """720 hours after the contact, across the change to summer time: 11:00 local."""
        result = assess(policy(Rule.every("7d", churn_after="720h")), person(), C, as_of=at(2026, 4, 1, 11))
        assert result.status is Status.CHURN_RISK
        assert result.churn_risk_at == at(2026, 4, 1, 11)

    def test_an_hourly_grace_counts_every_hour(self) -> None:
        """5 days from Monday is Saturday; a 12h grace runs from the start of Sunday, working day or not."""
        result = assess(policy(Rule.every("5d", grace="12h")), person(), C, as_of=at(2026, 3, 7, 12))
        assert result.overdue_at == at(2026, 3, 8, 12)


class TestBusinessHourRules:
    calendar = Calendar("Europe/Berlin", hours="09:00-17:00")

    def test_churn_after_a_business_hour_rule(self) -> None:
        rule = Rule.every("16bh", churn_after="30d")
        result = assess(policy(rule, self.calendar), person(), C, as_of=at(2026, 4, 1, 12))
        assert result.status is Status.CHURN_RISK
        assert result.churn_risk_at == at(2026, 4, 1)

    def test_a_business_hour_grace_runs_from_the_due_instant(self) -> None:
        """16 working hours from Monday 10:00 end Wednesday 10:00; 4 more end at 14:00 (not the next day)."""
        rule = Rule.every("16bh", grace="4bh")
        result = assess(policy(rule, self.calendar), person(), C, as_of=at(2026, 3, 4, 12))
        assert result.overdue_at == at(2026, 3, 4, 14)


class TestMonths:
    def test_churn_in_months(self) -> None:
        contact = [call(at(2026, 1, 15, 10))]
        result = assess(policy(Rule.every("7d", churn_after="P3M")), person(), contact, as_of=at(2026, 1, 20))
        assert result.churn_risk_at == at(2026, 4, 15)

    def test_a_month_grace(self) -> None:
        contact = [call(at(2026, 1, 15, 10))]
        result = assess(policy(Rule.every("1mo", grace="1mo")), person(), contact, as_of=at(2026, 1, 20))
        assert result.overdue_at == at(2026, 3, 16)

    def test_a_month_heads_up(self) -> None:
        contact = [call(at(2026, 1, 15, 10))]
        result = assess(policy(Rule.every("3mo", heads_up="1mo")), person(), contact, as_of=at(2026, 1, 20))
        assert result.due_soon_at == at(2026, 3, 15)


class TestCachedThresholds:
    def test_due_soon_of_a_cached_day_rule_with_churn_from_creation(self) -> None:
        """No contact: the silence runs from creation, not from the anchor, so the cached thresholds are reused
        with another churn instant; due soon stays the start of the day before the due date."""
        rule = Rule.every("7d", heads_up="1d", churn_after="60d")
        entered = Customer("c-1", "A", "lead", stage_entered_at=at(2026, 3, 2, 10), created_at=at(2026, 3, 1))
        result = assess(policy(rule), entered, [], as_of=at(2026, 3, 8, 12))
        assert result.status is Status.DUE_SOON
        assert result.due_soon_at == at(2026, 3, 8)


class TestBoundaries:
    def test_do_not_contact_ends_at_its_instant(self) -> None:
        """At exactly the end of a do-not-contact pause the customer is no longer inactive."""
        customer = person(do_not_contact=True, do_not_contact_until=at(2026, 3, 20))
        result = assess(policy(Rule.every("7d")), customer, C, as_of=at(2026, 3, 20))
        assert result.status is Status.DUE

    def test_a_deferral_ends_at_its_date(self) -> None:
        history = [*C, Deferral(at(2026, 3, 3, 10), until=date(2026, 4, 1))]
        result = assess(policy(Rule.every("7d")), person(), history, as_of=at(2026, 4, 1))
        assert result.status is Status.DUE

    def test_a_deferral_logged_with_a_contact_still_holds(self) -> None:
        history = [*C, Deferral(at(2026, 3, 2, 10), until=date(2026, 4, 1))]
        result = assess(policy(Rule.every("7d")), person(), history, as_of=at(2026, 3, 20))
        assert result.status is Status.SNOOZED

    def test_a_pause_ending_when_the_follow_up_is_due_does_not_move_it(self) -> None:
        customer = person(do_not_contact=True, do_not_contact_until=at(2026, 3, 9))
        result = assess(policy(Rule.every("7d")), customer, C, as_of=at(2026, 3, 9, 12))
        assert result.anchor_kind is AnchorKind.COUNTED_CONTACT

    def test_an_hourly_resume_after_a_pause(self) -> None:
        """A pause that held the follow-up past its due instant resumes at its end, exactly, with an exact grace."""
        customer = person(do_not_contact=True, do_not_contact_until=at(2026, 3, 20, 15, 30))
        result = assess(policy(Rule.every("48h", grace="2h")), customer, C, as_of=at(2026, 3, 20, 16))
        assert result.overdue_at == at(2026, 3, 20, 17, 30)

    def test_a_pause_and_a_deferral_ending_together_count_as_the_deferral(self) -> None:
        customer = person(do_not_contact=True, do_not_contact_until=at(2026, 4, 1))
        history = [*C, Deferral(at(2026, 3, 3, 10), until=date(2026, 4, 1))]
        result = assess(policy(Rule.every("7d")), customer, history, as_of=at(2026, 4, 2))
        assert result.anchor_kind is AnchorKind.DEFERRAL

    def test_two_identical_calls_are_one_step_of_a_sequence(self) -> None:
        twice = [call(at(2026, 3, 2, 10)), call(at(2026, 3, 2, 10))]
        result = assess(policy(Rule.sequence("2d", "5d")), person(), twice, as_of=at(2026, 3, 3))
        assert result.due_at == at(2026, 3, 4)

    def test_a_paused_customer_keeps_the_rules_contact_filter(self) -> None:
        """Under do-not-contact the risk inputs still read the rule's counted contacts (emails only here)."""
        rule = Rule.every("7d", counts=ContactFilter(channels={"email"}))
        customer = person(do_not_contact=True)
        calls = [call(at(2026, 3, 2, 10)), call(at(2026, 3, 5, 10))]
        assert assess(policy(rule), customer, calls, as_of=at(2026, 3, 20)).risk_inputs.contacts == 0

    def test_a_threshold_past_year_9999_is_refused_when_assessing(self) -> None:
        contact = [call(at(9999, 12, 20, 10))]
        with pytest.raises(InputError, match="left the supported range of years 1-9999"):
            assess(policy(Rule.every("10d"), "UTC"), person(entered=at(9999, 12, 1)), contact, as_of=at(9999, 12, 21))

    def test_a_terminal_customer_has_no_anchor_and_no_step(self) -> None:
        result = assess(policy(Rule.every("7d")), person(stage="lost"), C, as_of=at(2026, 3, 20))
        assert (result.status, result.anchor_kind, result.step) == (Status.INACTIVE, None, 0)


class TestTouchpointsDriveTheStatus:
    def test_a_touchpoint_due_beats_due_soon_and_yields_to_overdue(self) -> None:
        won = person(stage="won", entered=at(2026, 3, 2, 10))
        due_soon = Rule.every("3d", heads_up="2d", touchpoints=[Touchpoint("1d", "1d")])
        assert assess(policy(due_soon), won, [], as_of=at(2026, 3, 3, 12)).status is Status.DUE
        overdue = Rule.every("1d", touchpoints=[Touchpoint("2d", "1d")])
        assert assess(policy(overdue), won, [], as_of=at(2026, 3, 4, 12)).status is Status.OVERDUE

    def test_an_hourly_touchpoint(self) -> None:
        won = person(stage="won", entered=at(2026, 3, 2, 10))
        rule = Rule.every("7d", touchpoints=[Touchpoint("36h", "12h")])
        assert assess(policy(rule), won, [], as_of=at(2026, 3, 3, 22)).status is Status.DUE
