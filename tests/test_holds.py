"""SLA holds (`Customer.holds`): the deadline clock stops while the follow-up waits on the customer.

Real-date examples for each part of the rule in docs/rulebook.md (what moves, by how much in real and working time,
what a hold that is still open does, what keeps counting), the model's checks, the paths over time and the tables,
and Hypothesis properties: a hold never shortens a deadline, never makes one pass before its end, and holds outside
[anchor, as_of] change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import berlin, call, person, policy
from cadence import (
    AnchorKind,
    Calendar,
    Completion,
    Contact,
    Customer,
    Deferral,
    Hold,
    InputError,
    InputTypeError,
    Policy,
    Rule,
    Status,
    TableError,
    Touchpoint,
    TransitionKind,
    assess,
    follow_ups,
    frames,
    status_spans,
    transitions,
)
from cadence._time import instant_us
from strategies import as_of_instants, customer_at, customer_specs, history_at, history_specs, policies, shift

DESK = Calendar("Europe/Berlin", hours="09:00-17:00")  # Monday to Friday


def us(value: datetime) -> int:
    return instant_us(value, "instant")


def weekly(holds: list[object], **rule: object) -> tuple[Policy, Customer, list[Contact]]:
    """A weekly follow-up after a call on Monday 2 March 2026, 10:00, for customer c-1 with ``holds``."""
    return policy(Rule.every("7d", **rule)), person(holds=holds), [call(berlin(2026, 3, 2, 10))]


class TestModel:
    def test_holds_are_kept_by_start_and_pairs_become_holds(self) -> None:
        later, earlier = (berlin(2026, 3, 9), None), Hold(berlin(2026, 3, 2), berlin(2026, 3, 4))
        customer = person(holds=[later, earlier])
        assert customer.holds == (earlier, Hold(berlin(2026, 3, 9)))

    def test_an_end_at_or_before_the_start_is_refused_naming_the_field(self) -> None:
        with pytest.raises(InputError, match=r"Hold.end .* must be after Hold.start") as error:
            Hold(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 10))
        assert error.value.field == "Hold.end"

    def test_a_naive_start_is_refused(self) -> None:
        with pytest.raises(InputError, match=r"Hold\.start"):
            Hold(datetime(2026, 3, 2, 10))

    def test_overlapping_holds_are_refused(self) -> None:
        with pytest.raises(InputError, match="overlaps the one from 2026-03-03") as error:
            person(holds=[(berlin(2026, 3, 2), berlin(2026, 3, 4)), (berlin(2026, 3, 3), None)])
        assert error.value.field == "Customer.holds"

    def test_an_open_hold_before_another_is_refused(self) -> None:
        with pytest.raises(InputError, match="with no end"):
            person(holds=[(berlin(2026, 3, 2), None), (berlin(2026, 3, 9), berlin(2026, 3, 10))])

    def test_holds_that_touch_are_accepted(self) -> None:
        assert len(person(holds=[(berlin(2026, 3, 2), berlin(2026, 3, 4)), (berlin(2026, 3, 4), None)]).holds) == 2

    @pytest.mark.parametrize("value", ["2026-03-02", Hold(berlin(2026, 3, 2)), [("2026-03-02",)], [42]])
    def test_anything_else_is_a_type_error_naming_the_field(self, value: object) -> None:
        with pytest.raises(InputTypeError, match=r"Customer\.holds"):
            person(holds=value)


class TestRealTime:
    def test_a_closed_hold_moves_a_calendar_deadline_by_its_length(self) -> None:
        """On hold Wednesday 10:00 to Friday 10:00: the weekly follow-up is due on Wednesday 11 March, not Monday
        9 March, and overdue a day later, as the grace says."""
        rules, customer, history = weekly([(berlin(2026, 3, 4, 10), berlin(2026, 3, 6, 10))], grace="1d")
        result = assess(rules, customer, history, as_of=berlin(2026, 3, 10, 12))
        assert (result.status, result.on_hold, result.hold_delay) == (Status.ON_TRACK, False, timedelta(days=2))
        assert result.due_at == berlin(2026, 3, 11)
        assert result.overdue_at == berlin(2026, 3, 13)
        assert assess(rules, customer, history, as_of=berlin(2026, 3, 11)).status is Status.DUE

    def test_while_a_hold_lasts_the_thresholds_after_its_start_do_not_pass(self) -> None:
        """On hold since Saturday 7 March, still open: on 20 March, long past the due date, the follow-up is on
        track, its due time shown where it was; the reason says the clock is stopped."""
        rules, customer, history = weekly([(berlin(2026, 3, 7, 10), None)])
        result = assess(rules, customer, history, as_of=berlin(2026, 3, 20))
        assert (result.status, result.on_hold, result.hold_started_at) == (
            Status.ON_TRACK,
            True,
            berlin(2026, 3, 7, 10),
        )
        assert result.due_at == berlin(2026, 3, 9)
        assert result.overdue_by == timedelta(0)
        assert result.reason.endswith(
            "on hold since 2026-03-07 10:00: the deadline clock is stopped until the hold ends"
        )

    def test_once_the_hold_ends_the_thresholds_move_by_its_whole_length(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 7, 10), berlin(2026, 3, 20, 10))])
        result = assess(rules, customer, history, as_of=berlin(2026, 3, 20, 10))
        assert result.due_at == berlin(2026, 3, 22)  # 9 March + 13 days
        assert result.status is Status.ON_TRACK
        assert result.reason.endswith("due 13 days later for the time on hold")

    def test_a_hold_that_begins_after_a_threshold_leaves_it(self) -> None:
        """Due on Monday 9 March; on hold from Tuesday: still due (not overdue, the overdue threshold is held),
        and the due time stays."""
        rules, customer, history = weekly([(berlin(2026, 3, 10), None)], grace="2d")
        result = assess(rules, customer, history, as_of=berlin(2026, 3, 20))
        assert (result.status, result.due_at) == (Status.DUE, berlin(2026, 3, 9))
        assert result.overdue_at == berlin(2026, 3, 12)

    def test_a_hold_that_begins_after_the_overdue_threshold_keeps_it_overdue(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 16), None)])
        result = assess(rules, customer, history, as_of=berlin(2026, 3, 20))
        assert (result.status, result.overdue_by) == (Status.OVERDUE, timedelta(days=10))

    def test_a_hold_before_the_anchor_or_after_as_of_changes_nothing(self) -> None:
        plain = assess(*weekly([]), as_of=berlin(2026, 3, 6))
        for hold in [(berlin(2026, 2, 20), berlin(2026, 3, 2, 10)), (berlin(2026, 3, 6, 0, 0, 1), None)]:
            held = assess(*weekly([hold]), as_of=berlin(2026, 3, 6))
            assert (held.due_at, held.overdue_at, held.status, held.hold_delay) == (
                plain.due_at,
                plain.overdue_at,
                plain.status,
                timedelta(0),
            )

    def test_a_hold_that_began_before_the_anchor_counts_from_it(self) -> None:
        """On hold from 27 February to Wednesday 4 March, 10:00; the call on Monday 10:00 is the anchor: two days
        of the hold count."""
        result = assess(*weekly([(berlin(2026, 2, 27), berlin(2026, 3, 4, 10))]), as_of=berlin(2026, 3, 5))
        assert result.due_at == berlin(2026, 3, 11)

    def test_two_holds_add_up(self) -> None:
        holds = [(berlin(2026, 3, 3), berlin(2026, 3, 4)), (berlin(2026, 3, 9, 12), berlin(2026, 3, 10, 12))]
        result = assess(*weekly(holds), as_of=berlin(2026, 3, 11))
        assert result.due_at == berlin(2026, 3, 11)  # the first moves it to 10 March, which the second holds

    def test_churn_risk_shows_through_a_hold(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 7), None)], churn_after="30d")
        result = assess(rules, customer, history, as_of=berlin(2026, 4, 2))
        assert (result.status, result.on_hold) == (Status.CHURN_RISK, True)

    def test_stuck_in_stage_keeps_counting(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 1, 10), None)], stuck_after="30d")
        assert assess(rules, customer, history, as_of=berlin(2026, 3, 5)).stuck

    def test_escalation_waits_for_the_hold(self) -> None:
        """Overdue would be 10 March (due 9 March, no grace: from the next day), escalation a day after; on hold
        since 7 March, no level is reached until the hold ends (15 March: 8 days), then the ladder counts from the
        moved overdue time, 18 March."""
        rules, customer, history = weekly([(berlin(2026, 3, 7), berlin(2026, 3, 15))], escalation=[("1d", "manager")])
        during = assess(rules, customer, history, as_of=berlin(2026, 3, 12))
        assert (during.escalation_level, during.next_escalation_at) == (0, berlin(2026, 3, 11))
        after = assess(rules, customer, history, as_of=berlin(2026, 3, 19))
        assert (after.status, after.overdue_at, after.escalation) == (Status.OVERDUE, berlin(2026, 3, 18), "manager")

    def test_a_reply_deadline_is_held(self) -> None:
        """An inquiry on Monday 10:00 must be answered within 4 hours; on hold from 11:00 to 13:00, the reply is
        due at 16:00."""
        rules = policy(Rule.every("30d", reply_within="4h"))
        inquiry = Contact(berlin(2026, 3, 2, 10), "email", "inbound")
        held = person(holds=[(berlin(2026, 3, 2, 11), berlin(2026, 3, 2, 13))])
        result = assess(rules, held, [call(berlin(2026, 2, 20)), inquiry], as_of=berlin(2026, 3, 2, 15))
        assert (result.anchor_kind.value, result.due_at) == ("inbound", berlin(2026, 3, 2, 16))

    def test_a_deferral_that_ends_during_a_hold_is_held(self) -> None:
        """Deferred on 5 March to 20 March, 10:00, and on hold since 4 March: the deferral's end does not make the
        follow-up due while the hold lasts; once it has ended (25 March), the follow-up is due then."""
        rules = policy(Rule.every("7d", grace="1d"))
        history = [call(berlin(2026, 3, 2, 10)), Deferral(berlin(2026, 3, 5, 10), until=berlin(2026, 3, 20, 10))]
        waiting = assess(rules, person(holds=[(berlin(2026, 3, 4, 10), None)]), history, as_of=berlin(2026, 3, 25))
        assert (waiting.status, waiting.hold_started_at) == (Status.ON_TRACK, berlin(2026, 3, 4, 10))
        ended = person(holds=[(berlin(2026, 3, 4, 10), berlin(2026, 3, 25))])
        assert assess(rules, ended, history, as_of=berlin(2026, 3, 24, 23)).status is Status.ON_TRACK
        after = assess(rules, ended, history, as_of=berlin(2026, 3, 25))
        assert (after.status, after.due_at) == (Status.DUE, berlin(2026, 3, 25))

    def test_a_touchpoint_due_during_a_hold_shows_as_the_due_time(self) -> None:
        rules = policy(Rule.every("7d", touchpoints=[Touchpoint("15d", "3d", "visit")]))
        held = person("won", berlin(2026, 3, 2, 10), holds=[(berlin(2026, 3, 5), None)])
        result = assess(rules, held, [], as_of=berlin(2026, 3, 17, 12))
        assert (result.status, result.due_at, result.cadence_due_at) == (
            Status.DUE,
            berlin(2026, 3, 17),
            berlin(2026, 3, 9),
        )
        assert result.reason.startswith("due: touchpoint 'visit' due since 2026-03-17")

    def test_a_due_date_moved_to_a_day_off_skips_it_under_days_off_skip(self) -> None:
        """A call on Friday 6 March, weekly, due dates skip days off: due Friday 13 March; a day on hold moves it
        to Saturday, so Monday 16 March."""
        rules = policy(Rule.every("7d", days_off="skip"))
        held = person(holds=[(berlin(2026, 3, 9, 10), berlin(2026, 3, 10, 10))])
        result = assess(rules, held, [call(berlin(2026, 3, 6, 10))], as_of=berlin(2026, 3, 11))
        assert (result.due_at, result.overdue_at) == (berlin(2026, 3, 16), berlin(2026, 3, 17))
        warned = assess(policy(Rule.every("7d", days_off="skip", heads_up="1d")), held, [call(berlin(2026, 3, 6, 10))],
                        as_of=berlin(2026, 3, 11))  # fmt: skip
        assert warned.due_soon_at == berlin(2026, 3, 15)  # a day before the working date it rolled to

    def test_a_hold_after_a_fixed_follow_up_was_done_moves_only_the_next(self) -> None:
        """The call on 3 March completes the follow-up due 9 March; the hold 4 to 11 March began after that, so the
        next follow-up, counted from 9 March, moves by the two days held after 9 March: 18 March."""
        rules = policy(Rule.every("7d", schedule="fixed"))
        held = person("lead", berlin(2026, 3, 2), holds=[(berlin(2026, 3, 4), berlin(2026, 3, 11))])
        result = assess(rules, held, [call(berlin(2026, 3, 3))], as_of=berlin(2026, 3, 12))
        assert (result.anchor_at, result.due_at, result.hold_delay) == (
            berlin(2026, 3, 9),
            berlin(2026, 3, 18),
            timedelta(days=2),
        )

    def test_a_late_call_on_a_fixed_schedule_completes_only_what_is_past_due(self) -> None:
        """The exception to "a hold never shortens a deadline" (docs/rulebook.md): without a hold, the call on 17
        March is past the second follow-up's due time (16 March) and completes it too; with a hold 12 to 14 March,
        that follow-up is due 18 March, after the call, so it stays open."""
        rules = policy(Rule.every("7d", schedule="fixed"))
        history = [call(berlin(2026, 3, 17, 10))]
        plain = assess(rules, person("lead", berlin(2026, 3, 2)), history, as_of=berlin(2026, 3, 19, 12))
        held = person("lead", berlin(2026, 3, 2), holds=[(berlin(2026, 3, 12), berlin(2026, 3, 14))])
        result = assess(rules, held, history, as_of=berlin(2026, 3, 19, 12))
        assert (plain.status, plain.due_at) == (Status.ON_TRACK, berlin(2026, 3, 23))
        assert (result.status, result.due_at) == (Status.OVERDUE, berlin(2026, 3, 18))

    def test_a_do_not_contact_pause_that_ends_before_the_held_due_time_moves_nothing(self) -> None:
        """Due 13 March, held 9 to 19 March (ten days): due 23 March. A pause until 16 March did not hold the
        follow-up past its due time as the hold moved it, so the due time stays 23 March."""
        rules = policy(Rule.every("7d"))
        held = person(holds=[(berlin(2026, 3, 9), berlin(2026, 3, 19))])
        paused = attrs.evolve(held, do_not_contact=True, do_not_contact_until=berlin(2026, 3, 16))
        for customer in (held, paused):
            result = assess(rules, customer, [call(berlin(2026, 3, 6))], as_of=berlin(2026, 3, 21))
            assert (result.status, result.due_at) == (Status.ON_TRACK, berlin(2026, 3, 23))

    def test_a_fixed_schedule_moves_by_the_hold_once(self) -> None:
        """Weekly from entry on 2 March, fixed schedule; on hold 5 to 12 March: the first follow-up is due 16
        March, the next 23 March, whether the call came early (13 March) or late (17 March)."""
        rules = policy(Rule.every("7d", schedule="fixed"))
        held = person("lead", berlin(2026, 3, 2), holds=[(berlin(2026, 3, 5), berlin(2026, 3, 12))])
        assert assess(rules, held, [], as_of=berlin(2026, 3, 13)).due_at == berlin(2026, 3, 16)
        for called in (berlin(2026, 3, 13), berlin(2026, 3, 17)):
            result = assess(rules, held, [call(called)], as_of=berlin(2026, 3, 18))
            assert (result.anchor_at, result.due_at) == (berlin(2026, 3, 16), berlin(2026, 3, 23))


class TestWorkingTime:
    def desk(self, rule: Rule) -> Policy:
        return Policy(name="desk", calendar=DESK, segments=["A"], rules={("*", "*"): rule})

    def test_business_hours_move_by_the_working_time_held(self) -> None:
        """A lead in at Monday 10:00 is answered within 8 business hours: Tuesday 10:00. On hold Monday 14:00 to
        Tuesday 11:00 (waiting for the customer's details): 5 working hours, so Tuesday 15:00 (the ERPNext and
        Helpdesk shape: the resolution time moves by the time on hold, counted in working hours)."""
        rules = self.desk(Rule.every("7d", first_response="8bh"))
        lead = person("lead", berlin(2026, 3, 2, 10), holds=[(berlin(2026, 3, 2, 14), berlin(2026, 3, 3, 11))])
        result = assess(rules, lead, [], as_of=berlin(2026, 3, 3, 12))
        assert result.due_at == berlin(2026, 3, 3, 15)
        assert result.hold_delay == timedelta(hours=5)

    def test_a_hold_over_a_weekend_adds_no_working_time(self) -> None:
        """On hold Friday 17:00 to Monday 09:00: no working time held, the deadline stays."""
        rules = self.desk(Rule.every("7d", first_response="8bh"))
        holds = [(berlin(2026, 3, 6, 17), berlin(2026, 3, 9, 9))]
        lead = person("lead", berlin(2026, 3, 6, 13), holds=holds)
        assert assess(rules, lead, [], as_of=berlin(2026, 3, 9, 10)).due_at == berlin(2026, 3, 9, 13)

    def test_a_business_day_deadline_held_a_whole_working_day_opens_the_next_day(self) -> None:
        """Two business days after a call on Monday: Wednesday 09:00. On hold all of Tuesday's working hours: due
        on Thursday at 09:00 (the next opening), not Wednesday at 17:00."""
        rules = self.desk(Rule.every("2bd"))
        held = person(holds=[(berlin(2026, 3, 3, 9), berlin(2026, 3, 3, 17))])
        result = assess(rules, held, [call(berlin(2026, 3, 2, 10))], as_of=berlin(2026, 3, 3, 18))
        assert result.due_at == berlin(2026, 3, 5, 9)

    def test_a_hold_without_working_time_still_keeps_a_night_threshold_after_its_end(self) -> None:
        """Due Wednesday 09:00 (2bd after Monday), overdue from Thursday 00:00; on hold Wednesday 20:00 to Thursday
        08:00, no working time: the overdue threshold goes to Thursday's opening, not before the hold's end."""
        rules = self.desk(Rule.every("2bd"))
        held = person(holds=[(berlin(2026, 3, 4, 20), berlin(2026, 3, 5, 8))])
        result = assess(rules, held, [call(berlin(2026, 3, 2, 10))], as_of=berlin(2026, 3, 5, 8))
        assert (result.status, result.overdue_at) == (Status.DUE, berlin(2026, 3, 5, 9))

    def test_a_threshold_held_in_the_night_is_not_before_the_hold_ends(self) -> None:
        """Due at Wednesday's opening (2bd); on hold from Wednesday 08:00, before the opening, to 10:00: the clock
        stood at the deadline when the hold began, so the follow-up is due when the hold ends."""
        rules = self.desk(Rule.every("2bd"))
        held = person(holds=[(berlin(2026, 3, 4, 8), berlin(2026, 3, 4, 10))])
        result = assess(rules, held, [call(berlin(2026, 3, 2, 10))], as_of=berlin(2026, 3, 4, 10))
        assert (result.due_at, result.status) == (berlin(2026, 3, 4, 10), Status.DUE)
        before = assess(rules, held, [call(berlin(2026, 3, 2, 10))], as_of=berlin(2026, 3, 4, 9, 59))
        assert before.status is Status.ON_TRACK


class TestOverTime:
    def test_status_spans_stop_during_the_hold(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 7), berlin(2026, 3, 15))], grace="1d")
        spans = status_spans(rules, customer, history, since=berlin(2026, 3, 2, 10), until=berlin(2026, 3, 25))
        assert [(s.start, s.status) for s in spans] == [
            (berlin(2026, 3, 2, 10), Status.ON_TRACK),
            (berlin(2026, 3, 17), Status.DUE),  # 9 March + 8 days held
            (berlin(2026, 3, 19), Status.OVERDUE),
        ]

    def test_a_follow_up_done_during_a_hold_is_on_time(self) -> None:
        """Due 9 March, overdue 11 March (a day's grace); on hold from 9 March, 12:00; the call on 12 March, during
        the hold, is on time: the overdue time once the hold ended then is 13 March, 12:00."""
        rules, customer, history = weekly([(berlin(2026, 3, 9, 12), None)], grace="1d")
        history.append(call(berlin(2026, 3, 12)))
        first = follow_ups(rules, customer, history, since=berlin(2026, 3, 2, 10), until=berlin(2026, 3, 31))[0]
        assert (first.completion, first.done_at) == (Completion.ON_TIME, berlin(2026, 3, 12))
        assert (first.due_at, first.overdue_at) == (berlin(2026, 3, 9), berlin(2026, 3, 13, 12))

    def test_a_follow_up_still_on_hold_at_the_end_is_open(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 9, 12), None)])
        [open_] = follow_ups(rules, customer, history, since=berlin(2026, 3, 2, 10), until=berlin(2026, 3, 31))
        assert (open_.completion, open_.fell_due_at) == (Completion.OPEN, berlin(2026, 3, 9))

    def test_transitions_cross_when_the_moved_thresholds_pass(self) -> None:
        rules, customer, history = weekly([(berlin(2026, 3, 5), berlin(2026, 3, 7))])
        found = transitions(rules, customer, history, since=berlin(2026, 3, 2, 10), until=berlin(2026, 3, 20))
        assert [(t.kind, t.at) for t in found][:1] == [(TransitionKind.DUE, berlin(2026, 3, 11))]


class TestFrames:
    def tables(self, holds: dict[str, list[object]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        entered = pd.Timestamp("2026-01-05 09:00", tz="Europe/Berlin")
        customers = pd.DataFrame({"id": ["c-1", "c-2"], "segment": ["A", "A"], "stage": ["retention"] * 2,
                                  "stage_entered_at": [entered] * 2, "created_at": [entered] * 2})  # fmt: skip
        contacts = pd.DataFrame({"customer_id": ["c-1", "c-2"], "channel": ["call", "call"],
                                 "at": [pd.Timestamp("2026-03-02 10:00", tz="Europe/Berlin")] * 2})  # fmt: skip
        return customers, contacts, pd.DataFrame(holds)

    def test_a_holds_table_gives_what_assess_gives(self) -> None:
        start, end = pd.Timestamp("2026-03-04 10:00", tz="UTC"), pd.Timestamp("2026-03-06 10:00", tz="UTC")
        customers, contacts, holds = self.tables({"customer_id": ["c-1", "ghost"], "start": [start] * 2,
                                                  "end": [end, None]})  # fmt: skip
        rules = policy(Rule.every("7d"))
        out = frames.assess(rules, customers, contacts, holds=holds, as_of=berlin(2026, 3, 10), reasons=True)
        held = person(holds=[(start.to_pydatetime(), end.to_pydatetime())])
        expected = assess(rules, attrs.evolve(held, owner=None, created_at=berlin(2026, 1, 5, 9)),
                          [call(berlin(2026, 3, 2, 10))], as_of=berlin(2026, 3, 10))  # fmt: skip
        assert out["due_at"].tolist()[0] == pd.Timestamp(expected.due_at.in_tz("UTC"))
        assert out["hold_delay_seconds"].tolist() == [2 * 86_400.0, 0.0]
        assert out["reason"].tolist()[0] == expected.reason
        assert out["on_hold"].tolist() == [False, False]

    def test_a_bad_hold_names_the_table_row_and_column(self) -> None:
        start = pd.Timestamp("2026-03-04 10:00", tz="UTC")
        customers, contacts, holds = self.tables({"customer_id": ["c-2"], "start": [start], "end": [start]})
        with pytest.raises(TableError, match=r"holds.* row 0.*end"):
            frames.assess(policy(Rule.every("7d")), customers, contacts, holds=holds, as_of=berlin(2026, 3, 10))
        out = frames.assess(policy(Rule.every("7d")), customers, contacts, holds=holds, as_of=berlin(2026, 3, 10),
                            errors="collect")  # fmt: skip
        assert pd.isna(out["error"].tolist()[0])
        assert "Hold.end" in out["error"].tolist()[1]

    def test_overlapping_holds_in_a_table_name_the_holds_table(self) -> None:
        at = [pd.Timestamp(f"2026-03-0{d} 10:00", tz="UTC") for d in (3, 4, 5, 6)]
        customers, contacts, holds = self.tables({"customer_id": ["c-1", "c-1"], "start": [at[0], at[1]],
                                                  "end": [at[2], at[3]]})  # fmt: skip
        with pytest.raises(TableError, match="holds"):
            frames.assess(policy(Rule.every("7d")), customers, contacts, holds=holds, as_of=berlin(2026, 3, 10))


# --- properties


@st.composite
def held_scenarios(draw: st.DrawFn) -> tuple[Policy, Customer, list[object], datetime]:
    """A generated policy, customer (holds as the strategies draw them), history and ``as_of``."""
    as_of = draw(as_of_instants)
    customer = customer_at(as_of, draw(customer_specs()))
    return draw(policies()), customer, history_at(as_of, draw(history_specs())), as_of


def _deadline(result: object) -> list[int]:
    return [us(at) for at in (result.due_soon_at, result.cadence_due_at, result.overdue_at) if at is not None]


@given(held_scenarios())
def test_a_hold_never_shortens_a_deadline(scenario) -> None:
    """Every deadline threshold with the customer's holds is at or after the same threshold without them, for the
    same anchor; churn risk does not move."""
    policy_, customer, history, as_of = scenario
    try:
        held = assess(policy_, customer, history, as_of=as_of)
    except InputError:  # the same error without holds, or an instant out of range moved by them
        return
    plain = assess(policy_, attrs.evolve(customer, holds=()), history, as_of=as_of)
    if AnchorKind.SCHEDULE in (held.anchor_kind, plain.anchor_kind):
        return  # a late contact on a fixed schedule completes fewer moved follow-ups (docs/rulebook.md)
    assert held.anchor_at == plain.anchor_at
    assert held.churn_risk_at == plain.churn_risk_at
    assert all(h >= p for h, p in zip(_deadline(held), _deadline(plain), strict=True))
    assert us(held.cadence_due_at) - us(plain.cadence_due_at) == held.hold_delay // timedelta(microseconds=1) if (
        held.cadence_due_at is not None) else True  # fmt: skip
    if not customer.holds or held.status is Status.INACTIVE:
        assert held.status == plain.status


@given(held_scenarios())
def test_a_moved_threshold_is_never_before_the_end_of_a_hold_that_held_it(scenario) -> None:
    """For each hold that ended by ``as_of`` and began after the anchor and before the threshold as the rule gives
    it, the moved threshold is at or after the hold's end; while a hold lasts, the status is what the thresholds
    give with those after the hold's start not passed."""
    policy_, customer, history, as_of = scenario
    try:
        held = assess(policy_, customer, history, as_of=as_of)
    except InputError:
        return
    if held.status is Status.INACTIVE or held.anchor_at is None:
        return
    plain = assess(policy_, attrs.evolve(customer, holds=()), history, as_of=as_of)
    anchor = us(held.anchor_at)
    for hold in customer.holds:
        if hold.end is None or us(hold.end) > us(as_of) or us(hold.end) <= anchor:
            continue
        for moved, given_ in zip(_deadline(held), _deadline(plain), strict=True):
            if us(hold.start) < given_:
                assert moved >= us(hold.end)
    if held.on_hold:
        start = us(held.hold_started_at)
        now = us(as_of)
        passed = [s for at, s in zip(_deadline(held), (Status.DUE_SOON, Status.DUE, Status.OVERDUE), strict=False)
                  if at <= now and at <= start]  # fmt: skip
        if held.status is not Status.CHURN_RISK and not held.touchpoints:
            assert held.status == max(passed, default=Status.ON_TRACK) or held.status is Status.SNOOZED


@given(held_scenarios(), st.integers(1, 30 * 24 * 60))
def test_holds_after_as_of_change_nothing(scenario, minutes: int) -> None:
    """A hold that begins after ``as_of`` is not known then: the assessment is the one without it."""
    policy_, customer, history, as_of = scenario
    later = shift(as_of, minutes=minutes)
    try:
        plain = assess(policy_, attrs.evolve(customer, holds=()), history, as_of=as_of)
    except InputError:
        return
    future = assess(policy_, attrs.evolve(customer, holds=[(later, None)]), history, as_of=as_of)
    assert future.to_dict() == plain.to_dict()


def test_a_hold_in_utc_and_in_berlin_is_the_same_hold() -> None:
    utc = Hold(datetime(2026, 3, 4, 9, tzinfo=timezone.utc), datetime(2026, 3, 6, 9, tzinfo=timezone.utc))
    local = Hold(berlin(2026, 3, 4, 10), berlin(2026, 3, 6, 10))
    assert (
        assess(*weekly([utc]), as_of=berlin(2026, 3, 10)).to_dict()
        == assess(*weekly([local]), as_of=berlin(2026, 3, 10)).to_dict()
    )
