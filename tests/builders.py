"""The values the example tests are written with: an instant, a one-rule policy, a customer, a call.

One copy of each, imported by the test modules (the docs' examples define their own, since a reader sees them).
Instants are aware pendulum values; nothing here reads the clock.

>>> call("2026-03-02T10:00:00+01:00") == call(berlin(2026, 3, 2, 10))
True
>>> policy(Rule.every("7d")).timezone
'Europe/Berlin'
"""

from __future__ import annotations

from datetime import datetime

import pendulum

from cadence import Calendar, Contact, Customer, Policy, Rule, Segment

__all__ = ["BERLIN", "berlin", "call", "customer", "lead", "person", "policy", "policy_with", "t"]

BERLIN = "Europe/Berlin"


def berlin(*args: int) -> pendulum.DateTime:
    """An instant on the Berlin wall clock: ``berlin(2026, 3, 2, 10)`` is 2 March 2026, 10:00, Europe/Berlin."""
    return pendulum.datetime(*args, tz=BERLIN)


def t(text: str) -> pendulum.DateTime:
    """An instant from an ISO string with an explicit offset (never a naive one)."""
    value = pendulum.parse(text)
    assert isinstance(value, pendulum.DateTime)
    assert value.utcoffset() is not None
    return value


def _instant(when: datetime | str) -> datetime:
    return t(when) if isinstance(when, str) else when


def policy(rule: Rule, calendar: Calendar | str = BERLIN) -> Policy:
    """A policy named "p" with one segment, A, whose one rule applies to every stage, on ``calendar``."""
    return Policy(name="p", calendar=calendar, segments=["A"], rules={("*", "*"): rule})


def policy_with(rule: Rule, tz: str = BERLIN) -> Policy:
    """A policy named "test" with segments A, B and C (ranked 0, 1, 2, the worklist's order) and one rule for every
    segment and stage, in zone ``tz``."""
    return Policy(
        name="test",
        calendar=tz,
        segments=[Segment("A", rank=0), Segment("B", rank=1), Segment("C", rank=2)],
        rules={("*", "*"): rule},
    )


def customer(
    entered: str, *, stage: str = "retention", segment: str = "A", tz: str | None = None, owner: str | None = None
) -> Customer:
    """Customer "c-1", created when it entered its stage (``entered`` as ISO text with an offset)."""
    return Customer("c-1", segment, stage, stage_entered_at=t(entered), created_at=t(entered), timezone=tz, owner=owner)


def person(stage: str = "retention", entered: pendulum.DateTime | None = None, **fields: object) -> Customer:
    """The rulebook's customer "c-1" of segment A: owned by ana, created on 1 June 2025, in ``stage`` since
    ``entered`` (5 January 2026, 09:00 in Berlin, unless given); ``fields`` are the other `Customer` fields
    (``do_not_contact``, ``claimed_at`` ...)."""
    entered = entered or berlin(2026, 1, 5, 9)
    created = berlin(2025, 6, 1)
    return Customer("c-1", "A", stage, stage_entered_at=entered, created_at=created, owner="ana", **fields)


def lead(entered: datetime, tz: str | None = None) -> Customer:
    """Customer "c-1" of segment A, a lead since ``entered`` (and created then), in zone ``tz`` if given."""
    return Customer("c-1", "A", "lead", stage_entered_at=entered, created_at=entered, timezone=tz)


def call(
    when: datetime | str, outcome: str = "connected", direction: str = "outbound", by: str | None = "ana"
) -> Contact:
    """A call at ``when`` (an aware datetime, or ISO text with an offset): by default an outbound call by ana that
    reached the customer, which every default contact filter counts."""
    return Contact(_instant(when), "call", direction, outcome, by)
