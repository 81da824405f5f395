"""The Assessment value and the Status order."""

from __future__ import annotations

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
