"""The Assessment value and the Status order."""

from __future__ import annotations

import attrs
import pytest

from cadence import Rule, Status, assess
from test_calculator import call, customer, policy_with, t


def test_status_order_is_urgency() -> None:
    assert sorted(Status, reverse=True) == [
        Status.CHURN_RISK,
        Status.OVERDUE,
        Status.DUE,
        Status.DUE_SOON,
        Status.ON_TRACK,
        Status.SNOOZED,
        Status.INACTIVE,
    ]
    assert Status.OVERDUE > Status.DUE
    assert str(Status.DUE_SOON) == "due_soon"


def test_assessment_is_immutable_equal_by_value_and_hashable() -> None:
    args = (policy_with(Rule.every("7d")), customer("2026-01-05T09:00:00+01:00"), [call("2026-03-02T10:00:00+01:00")])
    one = assess(*args, as_of=t("2026-03-05T00:00:00+01:00"))
    two = assess(*args, as_of=t("2026-03-05T00:00:00+01:00"))
    assert one == two
    assert hash(one) == hash(two)
    assert one != assess(*args, as_of=t("2026-03-06T00:00:00+01:00"))
    with pytest.raises(AttributeError, match="Assessment is immutable"):
        one.status = Status.DUE  # type: ignore[misc]
    assert repr(one) == "<Assessment 'c-1' on_track due=2026-03-09 rule=*/*>"


def test_deadline_names_the_duration_that_ran() -> None:
    policy = policy_with(Rule.sequence("2d", "5d", first_response="4h"))
    lead = customer("2026-03-02T09:00:00+01:00", stage="lead")
    assert str(assess(policy, lead, [], as_of=t("2026-03-02T10:00:00+01:00")).deadline) == "4 hours"
    after_one = assess(policy, lead, [call("2026-03-02T10:00:00+01:00")], as_of=t("2026-03-02T11:00:00+01:00"))
    assert str(after_one.deadline) == "2 days"
    assert after_one.reason.startswith("on track: follow-up due 2026-03-04 (2 days after the last counted contact")


def test_first_response_reason() -> None:
    policy = policy_with(Rule.every("3d", first_response="24h"))
    lead = customer("2026-03-06T17:00:00+01:00", stage="lead")
    result = assess(policy, lead, [], as_of=t("2026-03-07T18:30:00+01:00"))
    assert result.reason == (
        'overdue by 1 h 30 min: first response was due 2026-03-07 17:00 (24 hours after entry into "lead" on '
        "2026-03-06 17:00; rule */*)"
    )


# --- results as data: pickling, copying, equality on facts, to_dict


import copy  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cadence import Assessment, RiskInputs  # noqa: E402
from strategies import as_of_instants, customers, histories, policies  # noqa: E402


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Assessment, list[object]]:
    """A generated assessment (every rule kind, calendars, zones) and the history it was made from."""
    as_of = draw(as_of_instants)
    policy = draw(policies())
    person = draw(customers(as_of=as_of))
    history = draw(histories(around=as_of))
    return assess(policy, person, history, as_of=as_of), history


def read_everything(result: Assessment) -> dict[str, object]:
    """Every public field, read one by one through the properties, in the form `to_dict` gives."""

    def iso(value: object) -> object:
        return None if value is None else value.isoformat()  # type: ignore[attr-defined]

    rule = result.rule_key
    deadline = result.deadline
    advice = result.recommendation
    inputs = result.risk_inputs
    return {
        "customer_id": result.customer_id,
        "owner": result.owner,
        "segment": result.customer.segment,
        "stage": result.customer.stage,
        "status": result.status.value,
        "rule": None if rule is None else str(rule),
        "anchor_kind": None if result.anchor_kind is None else result.anchor_kind.value,
        "step": result.step,
        "deadline": None if deadline is None else deadline.short(),
        "segment_rank": result.segment_rank,
        "timezone": result.timezone,
        "as_of": iso(result.as_of),
        "anchor_at": iso(result.anchor_at),
        "due_soon_at": iso(result.due_soon_at),
        "due_at": iso(result.due_at),
        "cadence_due_at": iso(result.cadence_due_at),
        "overdue_at": iso(result.overdue_at),
        "churn_risk_at": iso(result.churn_risk_at),
        "last_contact_at": iso(result.last_contact_at),
        "silence_seconds": result.silence.total_seconds(),
        "overdue_by_seconds": result.overdue_by.total_seconds(),
        "contact_allowed": result.contact_allowed,
        "next_allowed_at": iso(result.next_allowed_at),
        "unanswered_attempts": result.unanswered_attempts,
        "recommendation": None if advice is None else advice.value,
        "escalation_level": result.escalation_level,
        "escalation": result.escalation,
        "next_escalation_at": iso(result.next_escalation_at),
        "reclaim_at": iso(result.reclaim_at),
        "reclaimed": result.reclaimed,
        "stuck_at": iso(result.stuck_at),
        "stuck": result.stuck,
        "on_hold": result.on_hold,
        "hold_started_at": iso(result.hold_started_at),
        "hold_delay_seconds": result.hold_delay.total_seconds(),
        "touchpoints": [
            {
                "label": t.label,
                "state": t.state.value,
                "due_at": t.due_at.isoformat(),
                "opens_at": t.window[0].isoformat(),
                "closes_at": t.window[1].isoformat(),
                "completed_at": iso(t.completed_at),
            }
            for t in result.touchpoints
        ],
        "risk_score": result.risk_score,
        "risk_inputs": {name: inputs[name] for name in attrs.fields_dict(RiskInputs)},
        "reason": result.reason,
    }


class TestResultsAsData:
    @given(assessments())
    def test_pickle_round_trip_and_json(self, case: tuple[Assessment, list[object]]) -> None:
        """A pickled assessment loads equal (it is assessed again from its inputs), copies are itself, and
        `to_dict` is JSON-ready."""
        result, _ = case
        assert pickle.loads(pickle.dumps(result)) == result
        assert copy.deepcopy(result) is result
        assert copy.copy(result) is result
        assert json.loads(json.dumps(result.to_dict())) == result.to_dict()

    @given(assessments())
    def test_to_dict_says_what_the_properties_say(self, case: tuple[Assessment, list[object]]) -> None:
        """Differential: every field of `to_dict`, made from integers, equals the property read through pendulum."""
        result, _ = case
        assert result.to_dict() == read_everything(result)

    @given(assessments(), st.randoms(use_true_random=False))
    def test_equality_depends_on_the_facts_only(
        self, case: tuple[Assessment, list[object]], rng: random.Random
    ) -> None:
        """The same facts from a reordered history with duplicates compare equal, and hash alike."""
        result, history = case
        shuffled = [*history, *history[: len(history) // 2]]
        rng.shuffle(shuffled)
        again = assess(result._answers.facts.policy, result.customer, shuffled, as_of=result.as_of)
        assert again == result
        assert hash(again) == hash(result)

    def test_results_cross_a_process(self) -> None:
        """A multiprocessing pool returns assessments (they pickle), equal to those made here."""
        args = (
            policy_with(Rule.every("7d")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-03-02T10:00:00+01:00")],
        )
        results = [assess(*args, as_of=t(f"2026-03-0{day}T00:00:00+01:00")) for day in range(3, 9)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            back = pool.map(pickle.loads, [pickle.dumps(r) for r in results])
        assert back == results

    def test_risk_inputs_are_typed_and_readable_by_name(self) -> None:
        args = (policy_with(Rule.every("7d", churn_after="60d")), customer("2026-01-05T09:00:00+01:00"))
        calls = [call(f"2026-02-0{day}T10:00:00+01:00") for day in (2, 4, 9)]
        inputs = assess(*args, calls, as_of=t("2026-03-05T00:00:00+01:00")).risk_inputs
        assert isinstance(inputs, RiskInputs)
        assert (inputs.contacts, inputs["contacts"]) == (3, 3)
        assert (inputs.prior, inputs.window_days) == ("", pytest.approx(60.0))
        with pytest.raises(KeyError):
            inputs["nope"]
