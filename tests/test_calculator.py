"""Example tests with real dates for every rule of docs/semantics.md, and for the worklist."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from builders import call, customer, policy_with, t
from cadence import (
    AnchorKind,
    Contact,
    ContactFilter,
    Customer,
    CustomerError,
    InputError,
    InputTypeError,
    Rule,
    Status,
    assess,
    assess_many,
    worklist,
)

ONE_US = timedelta(microseconds=1)


class TestAssess:
    def test_weekly_rule_is_due_from_the_start_of_the_local_date_seven_days_later(self) -> None:
        """A 7-day interval after Monday 16:30 is due from next Monday 00:00 and overdue from Tuesday 00:00."""
        result = assess(
            policy_with(Rule.every("7d")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-02T16:30:00+01:00")],
            as_of=t("2026-03-05T12:00:00+01:00"),
        )
        assert result.status is Status.ON_TRACK
        assert result.due_at == t("2026-03-09T00:00:00+01:00")
        assert result.overdue_at == t("2026-03-10T00:00:00+01:00")
        assert result.anchor_kind is AnchorKind.COUNTED_CONTACT
        assert result.anchor_at == t("2026-03-02T16:30:00+01:00")
        assert result.timezone == "Europe/Berlin"

    def test_boundaries_are_inclusive_to_the_microsecond(self) -> None:
        """At exactly due_at the customer is due; one microsecond before, not yet."""
        policy = policy_with(Rule.every("7d"))
        history = [call("2026-03-02T16:30:00+01:00")]
        due = t("2026-03-09T00:00:00+01:00")
        cust = customer("2026-01-05T09:00:00+01:00")
        assert assess(policy, cust, history, as_of=due).status is Status.DUE
        assert assess(policy, cust, history, as_of=due - ONE_US).status is Status.ON_TRACK
        overdue = t("2026-03-10T00:00:00+01:00")
        assert assess(policy, cust, history, as_of=overdue).status is Status.OVERDUE
        assert assess(policy, cust, history, as_of=overdue - ONE_US).status is Status.DUE

    def test_today_is_the_local_date_not_the_utc_date(self) -> None:
        """A call at 07:00 in Shanghai (23:00 UTC the day before) with a 1-day rule is due the next local day."""
        result = assess(
            policy_with(Rule.every("1d"), tz="Asia/Shanghai"),
            customer("2026-01-05T09:00:00+08:00"),
            [call("2026-03-02T07:00:00+08:00")],
            as_of=t("2026-03-02T23:30:00+08:00"),
        )
        assert result.due_at == t("2026-03-03T00:00:00+08:00")
        assert result.status is Status.ON_TRACK

    def test_customer_timezone_overrides_the_policy_zone(self) -> None:
        """A New York customer under a Shanghai policy is due by New York's dates."""
        result = assess(
            policy_with(Rule.every("1d"), tz="Asia/Shanghai"),
            customer("2026-01-05T09:00:00-05:00", tz="America/New_York"),
            [call("2026-03-02T20:00:00-05:00")],  # already 3 March in Shanghai
            as_of=t("2026-03-02T21:00:00-05:00"),
        )
        assert result.timezone == "America/New_York"
        assert result.due_at == t("2026-03-03T00:00:00-05:00")

    def test_exact_durations_ignore_the_wall_clock(self) -> None:
        """24 hours across the spring-forward night in Berlin ends at 13:00 local time (a 23-hour day)."""
        result = assess(
            policy_with(Rule.every("24h")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-28T12:00:00+01:00")],
            as_of=t("2026-03-28T13:00:00+01:00"),
        )
        assert result.due_at == t("2026-03-29T13:00:00+02:00")
        assert result.overdue_at == result.due_at  # no grace: overdue the moment it is due

    def test_first_response_deadline_runs_from_stage_entry(self) -> None:
        """A Friday-evening lead with a 24-hour first response is overdue from Saturday 17:00."""
        policy = policy_with(Rule.every("3d", first_response="24h"))
        lead = customer("2026-03-06T17:00:00+01:00", stage="lead")
        result = assess(policy, lead, [], as_of=t("2026-03-07T16:59:59+01:00"))
        assert result.status is Status.ON_TRACK
        assert result.step == 0
        assert result.anchor_kind is AnchorKind.STAGE_ENTRY
        assert result.due_at == t("2026-03-07T17:00:00+01:00")
        assert assess(policy, lead, [], as_of=t("2026-03-07T17:00:00+01:00")).status is Status.OVERDUE

    def test_without_first_response_the_first_interval_runs_from_entry(self) -> None:
        result = assess(
            policy_with(Rule.every("3d")),
            customer("2026-03-06T17:00:00+01:00", stage="lead"),
            [],
            as_of=t("2026-03-07T09:00:00+01:00"),
        )
        assert result.due_at == t("2026-03-09T00:00:00+01:00")
        assert result.step == 0

    def test_a_stage_change_restarts_the_cadence(self) -> None:
        """Contacts before entering the stage do not count for it: the first response runs from entry."""
        result = assess(
            policy_with(Rule.every("7d", first_response="2d")),
            customer("2026-03-10T10:00:00+01:00", stage="proposal"),
            [call("2026-03-09T15:00:00+01:00")],
            as_of=t("2026-03-11T10:00:00+01:00"),
        )
        assert result.anchor_kind is AnchorKind.STAGE_ENTRY
        assert result.anchor_at == t("2026-03-10T10:00:00+01:00")
        assert result.due_at == t("2026-03-12T00:00:00+01:00")
        assert result.last_contact_at == t("2026-03-09T15:00:00+01:00")

    def test_a_contact_at_the_instant_of_entry_is_the_first(self) -> None:
        result = assess(
            policy_with(Rule.sequence("1d", "3d", first_response="6h")),
            customer("2026-03-10T10:00:00+01:00", stage="contacted"),
            [call("2026-03-10T10:00:00+01:00")],
            as_of=t("2026-03-10T12:00:00+01:00"),
        )
        assert result.step == 1
        assert result.due_at == t("2026-03-11T00:00:00+01:00")

    def test_sequence_steps_escalate_and_the_last_interval_repeats(self) -> None:
        """+2, +5, +15 days: the 4th contact is again followed by 15 days."""
        policy = policy_with(Rule.sequence("2d", "5d", "15d"))
        cust = customer("2026-03-01T09:00:00+01:00", stage="negotiation")
        contacts = [
            call("2026-03-02T10:00:00+01:00"),
            call("2026-03-04T10:00:00+01:00"),
            call("2026-03-09T10:00:00+01:00"),
            call("2026-03-24T10:00:00+01:00"),
        ]
        expected = [(1, "2026-03-04"), (2, "2026-03-09"), (3, "2026-03-24"), (3, "2026-04-08")]
        for seen, (step, due) in enumerate(expected, start=1):
            result = assess(policy, cust, contacts[:seen], as_of=t("2026-03-25T08:00:00+01:00"))
            assert (result.step, result.due_at.date().isoformat()) == (step, due)  # type: ignore[union-attr]

    def test_exact_duplicates_count_once_in_a_sequence(self) -> None:
        policy = policy_with(Rule.sequence("2d", "5d"))
        cust = customer("2026-03-01T09:00:00+01:00")
        once = [call("2026-03-02T10:00:00+01:00")]
        result = assess(policy, cust, once * 3, as_of=t("2026-03-03T08:00:00+01:00"))
        assert result.step == 1
        other_person = [*once, call("2026-03-02T10:00:00+01:00", by="ben")]
        assert assess(policy, cust, other_person, as_of=t("2026-03-03T08:00:00+01:00")).step == 2

    def test_unanswered_attempts_do_not_reset_the_clock_but_inbound_contacts_do(self) -> None:
        policy = policy_with(Rule.every("7d"))
        cust = customer("2026-01-05T09:00:00+01:00")
        reached = call("2026-03-02T10:00:00+01:00")
        missed = call("2026-03-06T10:00:00+01:00", outcome="no_answer")
        bounced = Contact(t("2026-03-06T11:00:00+01:00"), "email", "outbound", "bounced")
        as_of = t("2026-03-09T08:00:00+01:00")
        result = assess(policy, cust, [reached, missed, bounced], as_of=as_of)
        assert result.anchor_at == reached.at
        assert result.status is Status.DUE
        inbound = Contact(t("2026-03-06T12:00:00+01:00"), "email", "inbound", "replied")
        assert assess(policy, cust, [reached, inbound], as_of=as_of).anchor_at == inbound.at

    def test_a_contact_filter_chooses_what_counts(self) -> None:
        """With only meetings and visits counting, an e-mail reply leaves the clock where it was."""
        policy = policy_with(Rule.every("14d", counts=ContactFilter(channels={"meeting", "visit"})))
        cust = customer("2026-01-05T09:00:00+01:00")
        meeting = Contact(t("2026-03-02T10:00:00+01:00"), "meeting", outcome="connected")
        reply = Contact(t("2026-03-10T10:00:00+01:00"), "email", "inbound", "replied")
        result = assess(policy, cust, [meeting, reply], as_of=t("2026-03-11T08:00:00+01:00"))
        assert result.anchor_at == meeting.at
        assert result.due_at == t("2026-03-16T00:00:00+01:00")

    def test_contacts_after_as_of_are_not_seen(self) -> None:
        policy = policy_with(Rule.every("7d"))
        cust = customer("2026-01-05T09:00:00+01:00")
        result = assess(
            policy,
            cust,
            [call("2026-03-02T10:00:00+01:00"), call("2026-03-20T10:00:00+01:00")],
            as_of=t("2026-03-10T08:00:00+01:00"),
        )
        assert result.last_contact_at == t("2026-03-02T10:00:00+01:00")
        assert result.status is Status.OVERDUE
        assert result.overdue_by == timedelta(hours=8)

    def test_grace_counts_from_the_end_of_the_due_date(self) -> None:
        """7 days + 2 days of grace after 2 March: due 9 March, overdue from 12 March (after 9, 10, 11)."""
        result = assess(
            policy_with(Rule.every("7d", grace="2d")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-02T10:00:00+01:00")],
            as_of=t("2026-03-11T23:00:00+01:00"),
        )
        assert result.overdue_at == t("2026-03-12T00:00:00+01:00")
        assert result.status is Status.DUE

    def test_exact_grace_after_an_exact_deadline(self) -> None:
        result = assess(
            policy_with(Rule.every("24h", grace="4h")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-02T10:00:00+01:00")],
            as_of=t("2026-03-03T13:00:00+01:00"),
        )
        assert result.overdue_at == t("2026-03-03T14:00:00+01:00")
        assert result.status is Status.DUE

    def test_heads_up_makes_the_customer_due_soon(self) -> None:
        result = assess(
            policy_with(Rule.every("7d", heads_up="1d")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-02T10:00:00+01:00")],
            as_of=t("2026-03-08T00:00:00+01:00"),
        )
        assert result.due_soon_at == t("2026-03-08T00:00:00+01:00")
        assert result.status is Status.DUE_SOON

    def test_churn_risk_after_sixty_days_of_silence(self) -> None:
        """Key customers left 60 days without contact: churn risk from the 60th local day, above overdue."""
        policy = policy_with(Rule.every("14d", churn_after="60d"))
        cust = customer("2025-06-01T09:00:00+02:00")
        history = [call("2026-01-02T10:00:00+01:00")]
        result = assess(policy, cust, history, as_of=t("2026-03-03T00:00:00+01:00"))
        assert result.churn_risk_at == t("2026-03-03T00:00:00+01:00")
        assert result.status is Status.CHURN_RISK
        assert result.silence == timedelta(days=59, hours=14)
        before = assess(policy, cust, history, as_of=t("2026-03-02T23:59:59+01:00"))
        assert before.status is Status.OVERDUE

    def test_churn_silence_runs_from_creation_without_contacts(self) -> None:
        policy = policy_with(Rule.every("14d", churn_after="60d"))
        cust = Customer(
            "c-1",
            "A",
            "dormant",
            stage_entered_at=t("2026-02-01T00:00:00+01:00"),
            created_at=t("2026-01-01T12:00:00+01:00"),
        )
        result = assess(policy, cust, [], as_of=t("2026-03-02T00:00:00+01:00"))
        assert result.churn_risk_at == t("2026-03-02T00:00:00+01:00")
        assert result.last_contact_at is None

    def test_terminal_stage_is_inactive(self) -> None:
        result = assess(
            policy_with(Rule.every("7d")),
            customer("2026-03-01T09:00:00+01:00", stage="lost"),
            [call("2026-03-02T10:00:00+01:00")],
            as_of=t("2026-06-01T09:00:00+02:00"),
        )
        assert result.status is Status.INACTIVE
        assert result.due_at is None
        assert result.rule_key is None
        assert result.reason == 'inactive: stage "lost" is terminal and expects no follow-up'
        assert result.last_contact_at == t("2026-03-02T10:00:00+01:00")

    @pytest.mark.parametrize(
        ("anchor", "interval", "due"),
        [
            ("2026-01-31T10:00:00+01:00", "1mo", "2026-02-28T00:00:00+01:00"),  # clamped to February's end
            ("2028-01-31T10:00:00+01:00", "1mo", "2028-02-29T00:00:00+01:00"),  # leap year
            ("2026-03-31T10:00:00+02:00", "1mo", "2026-04-30T00:00:00+02:00"),
            ("2024-02-29T10:00:00+01:00", "12mo", "2025-02-28T00:00:00+01:00"),  # 29 February + 1 year
            ("2026-12-31T10:00:00+01:00", "2mo", "2027-02-28T00:00:00+01:00"),  # across the year end
            ("2026-02-28T10:00:00+01:00", "1d", "2026-03-01T00:00:00+01:00"),
            ("2028-02-28T10:00:00+01:00", "1d", "2028-02-29T00:00:00+01:00"),
        ],
    )
    def test_month_ends_and_leap_years(self, anchor: str, interval: str, due: str) -> None:
        result = assess(
            policy_with(Rule.every(interval)),
            customer("2023-01-01T00:00:00+01:00"),
            [call(anchor)],
            as_of=t(anchor),
        )
        assert result.due_at == t(due)

    def test_reason_explains_status_anchor_and_rule(self) -> None:
        policy = policy_with(Rule.every("7d", churn_after="30d"))
        cust = customer("2026-01-05T09:00:00+01:00")
        history = [call("2026-03-02T16:30:00+01:00")]
        reasons = [
            assess(policy, cust, history, as_of=t(when)).reason
            for when in ("2026-03-03T09:00:00+01:00", "2026-03-09T09:00:00+01:00", "2026-03-11T09:00:00+01:00")
        ]
        basis = "(7 days after the last counted contact on 2026-03-02 16:30; rule */*)"
        assert reasons == [
            f"on track: follow-up due 2026-03-09 {basis}",
            f"due: follow-up due since 2026-03-09 {basis}",
            f"overdue by 1 day 9 h: follow-up was due 2026-03-09 {basis}",
        ]
        churn = assess(policy, cust, history, as_of=t("2026-04-02T09:00:00+02:00")).reason
        assert churn.startswith("churn risk: no counted contact for 30 day")
        assert "(threshold 30 days)" in churn

    def test_inputs_are_not_mutated(self) -> None:
        history = [call("2026-03-02T10:00:00+01:00"), call("2026-03-01T10:00:00+01:00")]
        copy = list(history)
        assess(
            policy_with(Rule.every("7d")),
            customer("2026-01-05T09:00:00+01:00"),
            history,
            as_of=t("2026-03-05T00:00:00+01:00"),
        )
        assert history == copy
        assert [c.at for c in history] == [c.at for c in copy]

    def test_a_generator_of_contacts_is_read_whole(self) -> None:
        """A sequence rule reads the history twice (to count distinct contacts); a generator must still work."""
        policy = policy_with(Rule.sequence("2d", "5d"))
        history = [call("2026-03-02T10:00:00+01:00"), call("2026-03-03T10:00:00+01:00")]
        cust = customer("2026-01-05T09:00:00+01:00")
        as_of = t("2026-03-04T00:00:00+01:00")
        assert assess(policy, cust, (c for c in history), as_of=as_of) == assess(policy, cust, history, as_of=as_of)


class TestAssessErrors:
    def test_naive_as_of_is_refused_naming_the_field(self) -> None:
        with pytest.raises(InputError, match=r"as_of is a naive datetime \(2026-03-05T00:00:00\)"):
            assess(policy_with(Rule.every("7d")), customer("2026-01-05T09:00:00+01:00"), [], as_of=datetime(2026, 3, 5))

    def test_as_of_that_is_not_a_datetime(self) -> None:
        with pytest.raises(InputTypeError, match="as_of must be a timezone-aware datetime"):
            assess(policy_with(Rule.every("7d")), customer("2026-01-05T09:00:00+01:00"), [], as_of="2026-03-05")  # type: ignore[arg-type]

    def test_as_of_before_stage_entry(self) -> None:
        with pytest.raises(InputError, match=r"as_of is before Customer.stage_entered_at"):
            assess(
                policy_with(Rule.every("7d")),
                customer("2026-01-05T09:00:00+01:00"),
                [],
                as_of=t("2026-01-04T00:00:00Z"),
            )

    def test_unknown_segment(self) -> None:
        with pytest.raises(InputError, match=r"Customer.segment of 'c-1': unknown segment \"D\""):
            assess(
                policy_with(Rule.every("7d")),
                customer("2026-01-05T09:00:00+01:00", segment="D"),
                [],
                as_of=t("2026-03-05T00:00:00Z"),
            )

    def test_unknown_stage_with_a_suggestion(self) -> None:
        with pytest.raises(InputError, match=r'unknown stage "negociation" \(did you mean "negotiation"\?\)'):
            assess(
                policy_with(Rule.every("7d")),
                customer("2026-01-05T09:00:00+01:00", stage="negociation"),
                [],
                as_of=t("2026-03-05T00:00:00Z"),
            )

    def test_history_that_is_not_iterable(self) -> None:
        with pytest.raises(InputTypeError, match="contacts must be an iterable of Contact"):
            assess(
                policy_with(Rule.every("7d")), customer("2026-01-05T09:00:00+01:00"), 3, as_of=t("2026-03-05T00:00:00Z")
            )  # type: ignore[arg-type]

    def test_customer_that_is_not_a_customer(self) -> None:
        with pytest.raises(InputTypeError, match="customer must be a Customer"):
            assess(policy_with(Rule.every("7d")), "c-1", [], as_of=t("2026-03-05T00:00:00Z"))  # type: ignore[arg-type]


class TestAssessMany:
    def test_same_answers_as_assess_in_customer_order(self) -> None:
        policy = policy_with(Rule.every("7d"))
        customers = [
            Customer(f"c{i}", "ABC"[i % 3], "retention", t("2026-01-05T09:00:00+01:00"), t("2026-01-05T09:00:00+01:00"))
            for i in range(5)
        ]
        histories = {"c1": [call("2026-03-02T10:00:00+01:00")], "c3": [call("2026-02-20T10:00:00+01:00")]}
        as_of = t("2026-03-05T12:00:00+01:00")
        results = assess_many(policy, customers, histories, as_of=as_of)
        assert [r.customer_id for r in results] == ["c0", "c1", "c2", "c3", "c4"]
        assert results == [assess(policy, c, histories.get(c.id, []), as_of=as_of) for c in customers]

    def test_contacts_must_be_a_mapping(self) -> None:
        with pytest.raises(InputTypeError, match="contacts must be a mapping"):
            assess_many(policy_with(Rule.every("7d")), [], [], as_of=t("2026-03-05T12:00:00+01:00"))  # type: ignore[arg-type]

    def test_integer_ids_are_refused_not_silently_missed(self) -> None:
        """Customer ids are strings: histories keyed by integers would match no customer, so they are refused."""
        one = Customer("1", "A", "retention", t("2026-01-05T09:00:00+01:00"), t("2026-01-05T09:00:00+01:00"))
        with pytest.raises(InputTypeError, match=r"contacts: keys must be customer ids, which are strings \(got 1 of"):
            assess_many(policy_with(Rule.every("7d")), [one], {1: [call("2026-03-02T10:00:00+01:00")]},  # type: ignore[dict-item]
                        as_of=t("2026-03-05T12:00:00+01:00"))  # fmt: skip

    def test_errors_can_be_collected_per_customer(self) -> None:
        """With errors="collect", a customer that cannot be assessed (here: clock skew, it entered its stage after
        as_of) gets a CustomerError naming it in its place, and everyone else is assessed."""
        entered = t("2026-01-05T09:00:00+01:00")
        customers = [
            Customer("fine", "A", "retention", entered, entered),
            Customer("skewed", "A", "retention", t("2026-03-05T12:00:01+01:00"), entered),
            Customer("also-fine", "B", "retention", entered, entered),
        ]
        as_of = t("2026-03-05T12:00:00+01:00")
        results = assess_many(policy_with(Rule.every("7d")), customers, {}, as_of=as_of, errors="collect")
        assert [type(r).__name__ for r in results] == ["Assessment", "CustomerError", "Assessment"]
        error = results[1]
        assert isinstance(error, CustomerError)
        assert (error.customer_id, error.index) == ("skewed", 1)
        assert isinstance(error.error, InputError)
        assert str(error).startswith("customer 'skewed' (customers[1]): as_of is before Customer.stage_entered_at")
        with pytest.raises(InputError, match="as_of is before"):
            assess_many(policy_with(Rule.every("7d")), customers, {}, as_of=as_of)
        with pytest.raises(InputError, match='errors must be "raise" or "collect"'):
            assess_many(policy_with(Rule.every("7d")), customers, {}, as_of=as_of, errors="ignore")  # type: ignore[call-overload]


class TestWorklist:
    @pytest.fixture
    def results(self) -> list:
        policy = policy_with(Rule.every("7d", heads_up="1d", churn_after="60d"))
        rows = [
            ("on-track", "A", "ana", "2026-03-04T10:00:00+01:00"),
            ("due-soon", "A", "ana", "2026-02-26T10:00:00+01:00"),
            ("due-c", "C", "ben", "2026-02-25T10:00:00+01:00"),
            ("due-a", "A", "ben", "2026-02-25T10:00:00+01:00"),
            ("overdue-a-short", "A", "ana", "2026-02-23T10:00:00+01:00"),
            ("overdue-a-long", "A", "cy", "2026-02-10T10:00:00+01:00"),
            ("overdue-b-long", "B", "ana", "2026-02-01T10:00:00+01:00"),
            ("churn", "C", "ana", "2025-12-01T10:00:00+01:00"),
        ]
        customers = [
            Customer(cid, seg, "retention", t("2025-06-01T00:00:00+02:00"), t("2025-06-01T00:00:00+02:00"), owner=owner)
            for cid, seg, owner, _ in rows
        ]
        histories = {cid: [call(at)] for cid, _, _, at in rows}
        return assess_many(policy, customers, histories, as_of=t("2026-03-04T12:00:00+01:00"))

    def test_orders_by_status_then_segment_rank_then_how_long_overdue(self, results: list) -> None:
        assert [r.customer_id for r in worklist(results)] == [
            "churn",
            "overdue-a-long",
            "overdue-a-short",
            "overdue-b-long",
            "due-a",
            "due-c",
            "due-soon",
        ]

    def test_one_rep_or_a_team(self, results: list) -> None:
        assert [r.customer_id for r in worklist(results, owner="ben")] == ["due-a", "due-c"]
        team = worklist(results, owner={"ben", "cy"})
        assert [r.customer_id for r in team] == ["overdue-a-long", "due-a", "due-c"]

    def test_statuses_by_name_one_or_many_and_a_checked_limit(self, results: list) -> None:
        """Status names work like the members (they silently matched nothing), one status need not be a set, and a
        negative limit is an error (it silently dropped a row)."""
        by_name = [r.customer_id for r in worklist(results, statuses=["due", "overdue"])]
        assert by_name == [r.customer_id for r in worklist(results, statuses={Status.DUE, Status.OVERDUE})]
        assert by_name
        assert [r.customer_id for r in worklist(results, statuses="due")] == ["due-a", "due-c"]
        with pytest.raises(InputError, match=r"statuses: \['late'\] names a status that does not exist"):
            worklist(results, statuses=["late"])
        with pytest.raises(InputError, match=r"limit must be a whole number >= 0 or None \(got -1\)"):
            worklist(results, limit=-1)
        with pytest.raises(InputTypeError, match="owner must be an owner's name or a collection of them"):
            worklist(results, owner=7)  # type: ignore[arg-type]

    def test_statuses_and_limit(self, results: list) -> None:
        chosen = worklist(results, statuses={Status.OVERDUE}, limit=2)
        assert [r.customer_id for r in chosen] == ["overdue-a-long", "overdue-a-short"]
        everyone = worklist(results, statuses=set(Status))
        assert everyone[-1].customer_id == "on-track"


def test_an_utc_instant_and_its_local_twin_give_the_same_answer() -> None:
    policy = policy_with(Rule.every("7d"))
    local = assess(
        policy,
        customer("2026-01-05T09:00:00+01:00"),
        [call("2026-03-02T23:30:00+01:00")],
        as_of=t("2026-03-05T00:00:00+01:00"),
    )
    utc = assess(
        policy,
        customer("2026-01-05T08:00:00Z"),
        [Contact(datetime(2026, 3, 2, 22, 30, tzinfo=timezone.utc), "call", outcome="connected", by="ana")],
        as_of=datetime(2026, 3, 4, 23, 0, tzinfo=timezone.utc),
    )
    assert local == utc
    assert local.due_at == t("2026-03-09T00:00:00+01:00")
