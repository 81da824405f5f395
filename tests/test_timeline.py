"""Example tests with real dates for time travel: stage history, spans, timelines, transitions, backtests, reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pendulum
import pytest

from builders import berlin, t
from cadence import (
    Calendar,
    Change,
    Completion,
    Contact,
    Customer,
    Deferral,
    InputError,
    InputTypeError,
    Level,
    Policy,
    Reclaim,
    Rule,
    Status,
    TransitionKind,
    assess,
    backtest,
    every,
    follow_ups,
    presets,
    report,
    status_spans,
    timeline,
    transitions,
    transitions_many,
)

ONE_US = timedelta(microseconds=1)
ABC = presets.load("abc", calendar="Europe/Berlin")  # A every 3 days, B weekly, C monthly; a day's heads-up


def lead_then(stage: str, moved: pendulum.DateTime) -> Customer:
    """A B-tier lead from 2 March 2026 09:00 (Berlin), moved to ``stage`` at ``moved``."""
    return Customer(
        "c-1",
        "B",
        stage,
        stage_entered_at=moved,
        created_at=berlin(2026, 3, 2, 9),
        owner="ana",
        changes=[Change(berlin(2026, 3, 2, 9), stage="lead", segment="B"), Change(moved, stage=stage)],
    )


def tiered() -> Customer:
    """A retention customer from 2 March 2026, moved from tier B to tier A at 5 March 12:00 (Berlin)."""
    return Customer(
        "c-2",
        "A",
        "retention",
        stage_entered_at=berlin(2026, 3, 2),
        created_at=berlin(2026, 3, 2),
        changes=[
            Change(berlin(2026, 3, 2), stage="retention", segment="B"),
            Change(berlin(2026, 3, 5, 12), segment="A"),
        ],
    )


def spans_of(customer: Customer, contacts: list[Contact | Deferral], since: str, until: str) -> list[tuple[str, str]]:
    return [
        (span.start.isoformat(), span.status.value)
        for span in status_spans(ABC, customer, contacts, since=t(since), until=t(until))
    ]


class TestCustomerAt:
    def test_a_past_instant_sees_the_stage_and_entry_of_then(self) -> None:
        """Before the move to won the customer was a lead entered on 2 March; after it, won entered on 12 March."""
        customer = lead_then("won", berlin(2026, 3, 12, 10))
        then = customer.at(berlin(2026, 3, 12, 10) - ONE_US)
        assert then is not None
        assert (then.stage, then.stage_entered_at) == ("lead", berlin(2026, 3, 2, 9))
        assert customer.at(berlin(2026, 3, 12, 10)) == attrs_without_changes(customer)
        assert customer.at(berlin(2026, 3, 2, 9) - ONE_US) is None

    def test_a_customer_without_changes_is_itself_from_its_stage_entry(self) -> None:
        """No changes: the record holds from stage entry on, and nothing is known before it."""
        customer = Customer("c-3", "A", "lead", stage_entered_at=berlin(2026, 3, 2), created_at=berlin(2026, 3, 1))
        assert customer.at(berlin(2026, 3, 9)) is customer
        assert customer.at(berlin(2026, 3, 1, 12)) is None

    def test_an_owner_named_by_a_change_claimed_the_customer_then(self) -> None:
        """Owners come from the changes: none before the first that names one, each claiming it when named."""
        customer = Customer(
            "c-4",
            "A",
            "lead",
            stage_entered_at=berlin(2026, 3, 2),
            created_at=berlin(2026, 3, 2),
            owner="bo",
            changes=[
                Change(berlin(2026, 3, 2), stage="lead", segment="A"),
                Change(berlin(2026, 3, 4), owner="ana"),
                Change(berlin(2026, 3, 6), owner="bo"),
            ],
        )
        owners = [customer.at(berlin(2026, 3, day)) for day in (3, 5, 7)]
        assert [(c.owner, c.claimed_at) for c in owners if c is not None] == [
            (None, None),
            ("ana", berlin(2026, 3, 4)),
            ("bo", berlin(2026, 3, 6)),
        ]

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ([Change(berlin(2026, 3, 2), segment="B")], "earliest change .* must name a stage"),
            (
                [Change(berlin(2026, 3, 2), stage="lead"), Change(berlin(2026, 3, 3), segment="A")],
                "must name a stage and a segment",
            ),
            ([Change(berlin(2026, 2, 27), stage="lead", segment="A")], "before Customer.created_at"),
            ([Change(berlin(2026, 3, 2), stage="won", segment="A")], "the record says stage 'lead'"),
            ([Change(berlin(2026, 3, 1, 12), stage="lead", segment="A")], r"entered 2026-03-01T12:00:00\+01:00"),
            (
                [Change(berlin(2026, 3, 2), stage="lead", segment="A"), Change(berlin(2026, 3, 2), owner="ana")],
                "two changes at 2026-03-02",
            ),
        ],
    )
    def test_changes_that_contradict_themselves_or_the_record_are_refused(
        self, changes: list[Change], message: str
    ) -> None:
        """The changes must begin with a stage (and segment) and lead to the record, one change per instant."""
        with pytest.raises(InputError, match=message):
            Customer(
                "c-5", "A", "lead", stage_entered_at=berlin(2026, 3, 2), created_at=berlin(2026, 3, 1), changes=changes
            )

    def test_a_change_must_change_something_and_changes_must_be_changes(self) -> None:
        """A change naming nothing, or a value that is no Change, is refused naming the field."""
        with pytest.raises(InputError, match="names no stage, segment or owner"):
            Change(berlin(2026, 3, 2))
        with pytest.raises(InputError, match=r"Change\.stage must be a non-empty string"):
            Change(berlin(2026, 3, 2), stage="")
        with pytest.raises(InputTypeError, match=r"Customer.changes\[0\] must be a Change"):
            Customer(
                "c",
                "A",
                "lead",
                stage_entered_at=berlin(2026, 3, 2),
                created_at=berlin(2026, 3, 2),
                changes=[("2026-03-02", "lead")],
            )


def attrs_without_changes(customer: Customer) -> Customer:
    import attrs

    return attrs.evolve(customer, changes=())


class TestAssessInThePast:
    def test_assess_before_a_move_judges_the_stage_of_then(self) -> None:
        """On 11 March the customer was a lead entered on 2 March: overdue since 10 March (7 days, then a day)."""
        customer = lead_then("won", berlin(2026, 3, 12, 10))
        result = assess(ABC, customer, [], as_of=berlin(2026, 3, 11))
        assert (result.status, result.customer.stage, result.due_at) == (Status.OVERDUE, "lead", berlin(2026, 3, 9))
        after = assess(ABC, customer, [], as_of=berlin(2026, 3, 12, 10))
        assert (after.status, after.customer.stage, after.due_at) == (Status.ON_TRACK, "won", berlin(2026, 3, 19))

    def test_assess_before_the_first_change_is_refused(self) -> None:
        """Before its first stage the customer cannot be assessed, as before stage entry without changes."""
        with pytest.raises(InputError, match="before the first change of customer 'c-1'"):
            assess(ABC, lead_then("won", berlin(2026, 3, 12, 10)), [], as_of=berlin(2026, 3, 1))


class TestStatusSpans:
    def test_a_lead_moved_to_won_mid_period_starts_the_won_cycle(self) -> None:
        """Lead from 2 March 09:00: due soon 8 March, due 9th, overdue 10th; won at 12 March 10:00 starts again."""
        spans = spans_of(
            lead_then("won", berlin(2026, 3, 12, 10)), [], "2026-03-01T00:00:00+01:00", "2026-03-21T00:00:00+01:00"
        )
        assert spans == [
            ("2026-03-02T09:00:00+01:00", "on_track"),
            ("2026-03-08T00:00:00+01:00", "due_soon"),
            ("2026-03-09T00:00:00+01:00", "due"),
            ("2026-03-10T00:00:00+01:00", "overdue"),
            ("2026-03-12T10:00:00+01:00", "on_track"),
            ("2026-03-18T00:00:00+01:00", "due_soon"),
            ("2026-03-19T00:00:00+01:00", "due"),
            ("2026-03-20T00:00:00+01:00", "overdue"),
        ]

    def test_a_terminal_stage_ends_the_cadence_when_entered(self) -> None:
        """Moved to lost (terminal) on 12 March 10:00: inactive from that instant."""
        spans = spans_of(
            lead_then("lost", berlin(2026, 3, 12, 10)), [], "2026-03-09T00:00:00+01:00", "2026-03-21T00:00:00+01:00"
        )
        assert spans[-2:] == [("2026-03-10T00:00:00+01:00", "overdue"), ("2026-03-12T10:00:00+01:00", "inactive")]

    def test_a_tier_change_from_b_to_a_applies_the_a_rule_from_then(self) -> None:
        """Tier A counts 3 days from entry on 2 March: due since the 5th, so the move at 12:00 makes it due."""
        spans = status_spans(ABC, tiered(), [], since=berlin(2026, 3, 2), until=berlin(2026, 3, 7))
        assert [(s.start, s.status, s.segment) for s in spans] == [
            (berlin(2026, 3, 2), Status.ON_TRACK, "B"),
            (berlin(2026, 3, 5, 12), Status.DUE, "A"),
            (berlin(2026, 3, 6), Status.OVERDUE, "A"),
        ]
        assert spans[-1].end == berlin(2026, 3, 7)

    def test_each_span_agrees_with_assess_at_its_ends(self) -> None:
        """At a span's start and a microsecond before its end, `assess` gives the span's status."""
        customer = lead_then("won", berlin(2026, 3, 12, 10))
        calls = [Contact(berlin(2026, 3, 11, 15), "call", outcome="connected")]
        for span in status_spans(ABC, customer, calls, since=berlin(2026, 3, 1), until=berlin(2026, 4, 1)):
            assert assess(ABC, customer, calls, as_of=span.start).status is span.status
            assert assess(ABC, customer, calls, as_of=span.end - ONE_US).status is span.status


class TestTimeline:
    def test_counts_follow_the_tier_change(self) -> None:
        """Daily at 09:00: tier B and on track until the 5th, then tier A, overdue from the 6th."""
        rows = timeline(
            ABC, [tiered()], {}, at=every("1d", start=berlin(2026, 3, 2, 9), end=berlin(2026, 3, 8)), by=["segment"]
        )
        assert [(row["at"].day, row["segment"], row["on_track"], row["overdue"]) for row in rows] == [
            (2, "B", 1, 0),
            (3, "B", 1, 0),
            (4, "B", 1, 0),
            (5, "B", 1, 0),
            (6, "A", 0, 1),
            (7, "A", 0, 1),
        ]

    def test_a_customer_counts_only_from_its_first_stage(self) -> None:
        """Before its first change the customer is in no row; rows carry every status column."""
        rows = timeline(
            ABC, [lead_then("won", berlin(2026, 3, 12, 10))], {}, at=[berlin(2026, 3, 1), berlin(2026, 3, 3)]
        )
        assert rows == [
            {"at": berlin(2026, 3, 3), "segment": "B", "stage": "lead", "owner": "ana"}
            | {status.value: int(status is Status.ON_TRACK) for status in Status}
        ]

    def test_instants_must_rise_and_groups_must_exist(self) -> None:
        """``at`` out of order, and ``by`` naming an unknown column, are refused naming the field."""
        with pytest.raises(InputError, match=r"at\[1\]"):
            timeline(ABC, [], {}, at=[berlin(2026, 3, 2), berlin(2026, 3, 1)])
        with pytest.raises(InputError, match="by must name columns"):
            timeline(ABC, [], {}, at=[berlin(2026, 3, 2)], by=["region"])
        with pytest.raises(InputTypeError, match="keys must be customer ids"):
            timeline(ABC, [], {1: []}, at=[berlin(2026, 3, 2)])  # type: ignore[dict-item]


class TestTransitions:
    def test_a_deferral_that_ends_inside_the_period(self) -> None:
        """Asked on 3 March to call back from 16 March: snoozed, then due on the 16th, overdue on the 17th."""
        customer = Customer("c-6", "B", "retention", stage_entered_at=berlin(2026, 2, 2), created_at=berlin(2026, 2, 2))
        history = [
            Contact(berlin(2026, 3, 2, 10), "call", outcome="connected"),
            Deferral(berlin(2026, 3, 3, 10), until=date(2026, 3, 16)),
        ]
        found = transitions(ABC, customer, history, since=berlin(2026, 3, 1), until=berlin(2026, 3, 20))
        assert [(f.kind, f.at) for f in found] == [
            (TransitionKind.DUE, berlin(2026, 3, 16)),
            (TransitionKind.DEFERRAL_ENDED, berlin(2026, 3, 16)),
            (TransitionKind.OVERDUE, berlin(2026, 3, 17)),
        ]

    def test_a_range_split_in_two_finds_each_crossing_once(self) -> None:
        """Split at the due instant itself: the crossing belongs to the second range, with the same key."""
        customer = lead_then("won", berlin(2026, 3, 12, 10))
        whole = transitions(ABC, customer, [], since=berlin(2026, 3, 1), until=berlin(2026, 3, 25))
        first = transitions(ABC, customer, [], since=berlin(2026, 3, 1), until=berlin(2026, 3, 9))
        second = transitions(ABC, customer, [], since=berlin(2026, 3, 9), until=berlin(2026, 3, 25))
        assert [f.key for f in whole] == [f.key for f in first + second]
        assert [f.kind for f in second][:2] == [TransitionKind.DUE, TransitionKind.OVERDUE]
        assert second[0].stage == "lead"
        assert [(f.kind, f.stage) for f in whole][-3:] == [
            (TransitionKind.DUE_SOON, "won"),
            (TransitionKind.DUE, "won"),
            (TransitionKind.OVERDUE, "won"),
        ]

    def test_escalation_levels_and_many_customers(self) -> None:
        """Each escalation level is a crossing with its action; many customers come in order of time."""
        policy = ABC.with_rules(
            {
                ("B", "*"): ABC.rule_for("B", "lead").rule.__class__.every(
                    "7d", heads_up="1d", escalation=[("1d", "notify manager"), ("3d", "reassign")]
                )
            }
        )
        early = Customer("e", "B", "lead", stage_entered_at=berlin(2026, 3, 1), created_at=berlin(2026, 3, 1))
        found = transitions_many(
            policy,
            [lead_then("won", berlin(2026, 4, 12)), early],
            {},
            since=berlin(2026, 3, 9),
            until=berlin(2026, 3, 14),
        )
        assert [(f.customer_id, f.kind.value, f.detail, f.at.day) for f in found] == [
            ("c-1", "due", None, 9),  # at the same instant, in the order of the customers
            ("e", "overdue", None, 9),  # due on the 8th, before the range
            ("c-1", "overdue", None, 10),
            ("e", "escalated", "notify manager", 10),
            ("c-1", "escalated", "notify manager", 11),
            ("e", "escalated", "reassign", 12),
            ("c-1", "escalated", "reassign", 13),
        ]


class TestBacktest:
    def test_done_late_and_missed_follow_ups_of_a_lead_moved_to_won(self) -> None:
        """Lead due 9 March, called on the 11th (overdue since the 10th): late by a working day. The next lead
        follow-up (due the 18th) never falls due: won on the 12th starts anew, due the 19th, never called, missed."""
        customer = lead_then("won", berlin(2026, 3, 12, 10))
        calls = [Contact(berlin(2026, 3, 11), "call", outcome="connected")]
        found = follow_ups(ABC, customer, calls, since=berlin(2026, 3, 1), until=berlin(2026, 4, 1))
        assert [(f.stage, f.due_at, f.completion, f.late_by) for f in found] == [
            ("lead", berlin(2026, 3, 9), Completion.LATE, timedelta(days=1)),
            ("won", berlin(2026, 3, 19), Completion.MISSED, timedelta(0)),
        ]

    def test_a_report_week_across_the_spring_change(self) -> None:
        """Berlin moves to summer time on Sunday 29 March 2026. Called on Sunday the 22nd, one customer is due on
        Sunday the 29th (00:00 +01:00), in the week of 23 March; called on Monday the 23rd, the other is due on
        Monday the 30th at 00:00 +02:00, still Sunday in UTC, but in the week of 30 March."""
        customers = [
            Customer(
                name, "B", "retention", stage_entered_at=berlin(2026, 3, 1), created_at=berlin(2026, 3, 1), owner="ana"
            )
            for name in ("sunday", "monday")
        ]
        calls = {
            "sunday": [Contact(berlin(2026, 3, 22, 10), "call", outcome="connected")],
            "monday": [
                Contact(berlin(2026, 3, 23, 10), "call", outcome="connected"),
                Contact(berlin(2026, 3, 31, 10), "call", outcome="connected"),
            ],
        }
        rows = report(ABC, customers, calls, since=berlin(2026, 3, 23), until=berlin(2026, 4, 6))
        assert [(r["cycle"], r["follow_ups"], r["late"], r["missed"], r["contacts"]) for r in rows] == [
            (date(2026, 3, 23), 1, 0, 1, 1),
            (date(2026, 3, 30), 1, 1, 0, 1),
        ]
        assert rows[1]["median_late_by"] == timedelta(hours=10)  # overdue Tuesday 00:00, called at 10:00
        assert rows[0]["completion_rate"] == 0.0
        assert rows[1]["completion_rate"] == 1.0

    def test_backtest_reads_many_customers_in_order(self) -> None:
        """`backtest` is `follow_ups` of each customer, in order."""
        customers = [lead_then("won", berlin(2026, 3, 12, 10)), tiered()]
        found = backtest(ABC, customers, {}, since=berlin(2026, 3, 1), until=berlin(2026, 3, 8))
        assert [(f.customer_id, f.due_at) for f in found] == [("c-2", berlin(2026, 3, 5))]

    def test_bad_periods_and_ranges_are_refused(self) -> None:
        """An unknown period, or until before since, is refused naming the field."""
        with pytest.raises(InputError, match='period must be "day", "week" or "month"'):
            report(ABC, [], {}, since=berlin(2026, 3, 1), until=berlin(2026, 3, 2), period="quarter")
        with pytest.raises(InputError, match=r"until .* is before since"):
            backtest(ABC, [], {}, since=berlin(2026, 3, 2), until=berlin(2026, 3, 1))


class TestEvery:
    def test_a_daily_step_keeps_the_wall_time_across_the_autumn_change(self) -> None:
        """New York leaves summer time on 1 November 2026: 09:00 each day, 25 hours apart once."""
        steps = every(
            "1d",
            start=pendulum.datetime(2026, 10, 31, 9, tz="America/New_York"),
            end=pendulum.datetime(2026, 11, 3, tz="America/New_York"),
        )
        assert [s.isoformat() for s in steps] == [
            "2026-10-31T09:00:00-04:00",
            "2026-11-01T09:00:00-05:00",
            "2026-11-02T09:00:00-05:00",
        ]

    def test_a_monthly_step_from_the_31st_clamps(self) -> None:
        """Counted from the start, each month: 31 January, 28 February, 31 March."""
        steps = every("1mo", start=berlin(2026, 1, 31), end=berlin(2026, 4, 1))
        assert [s.date() for s in steps] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]

    @pytest.mark.parametrize("step", ["0d", "2h", "3bd", "-1d"])
    def test_steps_that_are_no_positive_calendar_duration_are_refused(self, step: str) -> None:
        """Hours, business days, zero and negative steps are refused naming the field."""
        with pytest.raises(InputError, match="step"):
            every(step, start=berlin(2026, 3, 1), end=berlin(2026, 3, 5))

    def test_a_calendar_with_hours_measures_lateness_in_working_time(self) -> None:
        """Late by working time: with 09:00-17:00 hours, overdue Tuesday 00:00 and done Wednesday 12:00 is 11 h."""
        policy = presets.load("abc", calendar=Calendar("Europe/Berlin", hours="09:00-17:00"))
        customer = Customer("c-8", "B", "retention", stage_entered_at=berlin(2026, 3, 2), created_at=berlin(2026, 3, 2))
        calls = [Contact(berlin(2026, 3, 11, 12), "call", outcome="connected")]
        found = follow_ups(policy, customer, calls, since=berlin(2026, 3, 2), until=berlin(2026, 3, 12))
        assert [(f.completion, f.late_by) for f in found] == [(Completion.LATE, timedelta(hours=11))]


class TestReviewRegressions:
    """Defects an independent review found in the first version, each pinned with real dates."""

    @staticmethod
    def utc(day: int, hour: int = 0) -> pendulum.DateTime:
        return pendulum.datetime(2026, 3, day, hour, tz="UTC")

    def lead(self, segment: str = "A", **fields: Any) -> Customer:
        """Customer "c", a lead since 1 March 2026 (UTC), with ``fields``."""
        return Customer("c", segment, "lead", stage_entered_at=self.utc(1), created_at=self.utc(1), **fields)

    def test_two_levels_reached_at_once_have_two_keys(self) -> None:
        """A tier change that finds the customer long overdue reaches both escalation levels at once: two
        crossings with the same action and two keys (the key holds the level's position)."""
        d = self.utc
        policy = Policy(
            name="p",
            calendar="UTC",
            segments=["A", "B"],
            rules={("A", "*"): Rule.every("2d", escalation=[Level("1d"), Level("2d")]), ("B", "*"): Rule.every("30d")},
        )
        customer = self.lead(changes=[Change(d(1), stage="lead", segment="B"), Change(d(10), segment="A")])
        found = [t for t in transitions(policy, customer, [], since=d(1), until=d(12)) if t.kind.value == "escalated"]
        assert [(t.at, t.detail) for t in found] == [(d(10), "escalate"), (d(10), "escalate")]
        assert len({t.key for t in found}) == 2

    def test_reclaim_during_a_pause_is_found_when_assess_says_so(self) -> None:
        """Under do-not-contact until the 20th, the 10-day reclaim still comes on the 11th, as `assess` says."""
        d = self.utc
        policy = Policy(
            name="p", calendar="UTC", segments=["A"], rules={("*", "*"): Rule.every("7d", reclaim=Reclaim("10d"))}
        )
        customer = self.lead(owner="ana", do_not_contact=True, do_not_contact_until=d(20))
        found = [
            t.at for t in transitions(policy, customer, [], since=d(1), until=d(25)) if t.kind.value == "reclaimed"
        ]
        assert found == [d(11)]
        assert assess(policy, customer, [], as_of=d(11)).reclaimed

    def test_a_deferral_that_ends_in_churn_risk_still_ends(self) -> None:
        """A deferral until the 25th, churn risk from the 21st: the deferral's end is a crossing all the same."""
        d = self.utc
        policy = Policy(
            name="p", calendar="UTC", segments=["A"], rules={("*", "*"): Rule.every("7d", churn_after="20d")}
        )
        customer = self.lead()
        found = transitions(policy, customer, [Deferral(d(5), until=d(25))], since=d(1), until=d(31))
        assert [(t.kind.value, t.at) for t in found] == [("churn_risk", d(21)), ("deferral_ended", d(25))]

    def test_a_tier_change_undone_keeps_one_follow_up(self) -> None:
        """B, then A for six hours, then B again, then a call: the B follow-up goes on and is done late; the short
        A spell, overdue all along, is a missed follow-up of its own; lateness counts from when the rule applied."""
        d = self.utc
        customer = Customer(
            "c",
            "B",
            "lead",
            stage_entered_at=d(2),
            created_at=d(2),
            changes=[
                Change(d(2), stage="lead", segment="B"),
                Change(d(9, 6), segment="A"),
                Change(d(9, 12), segment="B"),
            ],
        )
        abc = presets.load("abc", calendar="UTC")
        found = follow_ups(abc, customer, [Contact(d(9, 15), "call")], since=d(1), until=d(12))
        assert [(f.segment, f.due_at, f.fell_due_at, f.completion.value) for f in found] == [
            ("B", d(9), d(9), "on_time"),
            ("A", d(5), d(9, 6), "missed"),
        ]
        upgraded = Customer(
            "u",
            "A",
            "lead",
            stage_entered_at=d(2),
            created_at=d(2),
            changes=[Change(d(2), stage="lead", segment="B"), Change(d(9, 12), segment="A")],
        )
        late = follow_ups(abc, upgraded, [Contact(d(10), "call")], since=d(1), until=d(12))
        assert [(f.segment, f.fell_due_at, f.completion.value, f.late_by) for f in late] == [
            ("B", d(9), "withdrawn", timedelta(0)),  # due on the 9th, not overdue before the change
            ("A", d(9, 12), "late", timedelta(hours=12)),  # late from the change at noon, not from the 6th
        ]

    def test_bad_histories_and_arguments_are_the_librarys_errors(self) -> None:
        """A history holding something else than events, ``by=None`` and an ``at`` iterator out of order are
        refused with cadence's own errors, by every function."""
        d = self.utc
        customer = self.lead()
        with pytest.raises(InputTypeError, match="contacts must hold Contact or Deferral values"):
            timeline(ABC, [customer], {"c": [1]}, at=[d(5)])
        with pytest.raises(InputTypeError, match="contacts must hold Contact or Deferral values"):
            backtest(ABC, [customer], {"c": [1]}, since=d(1), until=d(5))
        with pytest.raises(InputError, match="by must name columns"):
            timeline(ABC, [customer], {}, at=[d(5)], by=None)  # type: ignore[arg-type]
        with pytest.raises(InputError, match=r"at\[1\]"):
            timeline(ABC, [customer], {}, at=iter([d(5), d(4)]))  # type: ignore[arg-type]
