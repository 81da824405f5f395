"""A deterministic, seeded generator of a synthetic CRM: customers across tiers and stages, and their contacts.

The same arguments always give the same data, so tests, the demo and benchmarks can rely on it and make bigger
sets on demand:

>>> from cadence import sample, presets
>>> data = sample.generate(presets.load("abc", calendar="Europe/Berlin"), customers=50, seed=7)
>>> len(data.customers), sum(map(len, data.contacts.values())) > 200
(50, True)
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import attrs

from cadence._durations import CalendarDuration
from cadence._model import Change, Channel, Contact, Customer, Deferral, Direction, Outcome
from cadence._policy import Policy

__all__ = ["AS_OF", "SampleData", "generate"]

AS_OF = datetime(2026, 3, 31, 7, 0, tzinfo=timezone.utc)
"""The instant the sample data is made for (09:00 in Berlin): the demo assesses everyone at this instant."""

_OWNERS = ("ana", "ben", "chen", "dara", "eli")
_ZONES = (None, None, None, "America/New_York", "Asia/Shanghai", "Europe/London")
_STAGES = (
    ("lead", 8),
    ("contacted", 8),
    ("qualified", 8),
    ("proposal", 6),
    ("negotiation", 5),
    ("won", 4),
    ("onboarding", 6),
    ("retention", 40),
    ("dormant", 10),
    ("lost", 5),
)


@attrs.frozen
class SampleData:
    """Customers and their contact histories (a mapping of customer id to contacts), made for `AS_OF`."""

    customers: tuple[Customer, ...]
    contacts: dict[str, tuple[Contact | Deferral, ...]]
    as_of: datetime


def _touch(rng: random.Random, at: datetime, owner: str) -> Contact:
    roll = rng.random()
    if roll < 0.35:
        outcome = Outcome.NO_ANSWER if rng.random() < 0.3 else Outcome.CONNECTED
        return Contact(at, Channel.CALL, Direction.OUTBOUND, outcome, owner)
    if roll < 0.65:
        outcome = Outcome.BOUNCED if rng.random() < 0.04 else Outcome.SENT
        return Contact(at, Channel.EMAIL, Direction.OUTBOUND, outcome, owner)
    if roll < 0.85:
        channel = rng.choice((Channel.EMAIL, Channel.CALL, Channel.MESSAGE))
        return Contact(at, channel, Direction.INBOUND, Outcome.REPLIED, None)
    channel = rng.choice((Channel.MEETING, Channel.VISIT))
    return Contact(at, channel, Direction.OUTBOUND, Outcome.CONNECTED, owner)


_SALES = ("lead", "contacted", "qualified", "proposal", "negotiation")
_AFTER_SALE = ("won", "onboarding", "retention", "dormant")


def _path(rng: random.Random, policy: Policy, stage: str, segment: str, created: datetime, entered: datetime,
          until: datetime) -> list[Change]:  # fmt: skip
    """The changes that led a customer to ``stage`` (entered at ``entered``): the stages of the pipeline before
    it (a lost customer was lost from one of the sales stages), entered one after another from ``created``; and,
    for some customers, a change of tier before ``until``."""
    order = [s for s in (*_SALES, *_AFTER_SALE) if s in policy.lifecycle]
    # A lost customer (or one in a stage of a custom lifecycle) left from somewhere in the sales stages.
    before = order[: order.index(stage)] if stage in order else order[: rng.randint(1, len(_SALES))]
    if not before:
        return []
    times = sorted(created + (entered - created) * rng.random() for _ in before[1:])
    changes = [Change(at, stage=name) for at, name in zip([created, *times], before, strict=True)]
    changes.append(Change(entered, stage=stage))
    others = [s.id for s in policy.segments if s.id != segment]
    if others and rng.random() < 0.1:  # moved to this tier from another one at some point
        moved = created + (until - created) * rng.uniform(0.05, 0.95)
        if all(change.at != moved for change in changes):
            changes[0] = attrs.evolve(changes[0], segment=rng.choice(others))
            changes.append(Change(moved, segment=segment))
    return changes


def _norm_days(policy: Policy, segment: str, stage: str) -> float:
    """The rule's last interval in days (the rhythm of the segment x stage), or 30 for a terminal stage."""
    if policy.lifecycle[stage].terminal:
        return 30.0
    interval = policy.rule_for(segment, stage).rule.intervals[-1]
    if isinstance(interval, CalendarDuration) and interval.months:
        # The generator's own month of 30.4 days rather than `approx_seconds`'s 30.44: it is part of what a seed
        # means, and the same seed must keep giving the same data (the demo's counts are pinned by the tests).
        return interval.days + 30.4 * interval.months
    return max(interval.approx_seconds() / 86_400, 0.25)  # at least six hours, for rules in minutes


def generate(policy: Policy, *, customers: int = 2_000, seed: int = 2026, as_of: datetime = AS_OF) -> SampleData:
    """Make ``customers`` customers over the policy's segments, with about a year of contacts before ``as_of``.

    Each customer has a personal rhythm around its rule's interval, most are kept up and some have drifted
    into silence, so that every status shows up; a few asked to be called later (a `Deferral` to a date). Each
    customer past the first stage has the `Customer.changes` that led it there (the pipeline's stages, one after
    another since its creation), and one in ten changed tier once, so that reports over past periods judge each
    customer as it was then.
    """
    rng = random.Random(seed)
    segments = sorted(policy.segments, key=lambda s: s.rank)
    stage_ids, weights = zip(*[(s, w) for s, w in _STAGES if s in policy.lifecycle], strict=True)
    people: list[Customer] = []
    histories: dict[str, tuple[Contact | Deferral, ...]] = {}
    for index in range(customers):
        segment = rng.choices(segments, [1 + s.rank for s in segments])[0]  # fewer key customers than others
        stage = rng.choices(stage_ids, weights)[0]
        created = as_of - timedelta(days=rng.uniform(20, 420))
        entered = created + (as_of - created) * rng.uniform(0.0, 0.95)
        owner = rng.choice(_OWNERS)
        customer = Customer(
            id=f"C{index + 1:05d}",
            segment=segment.id,
            stage=stage,
            stage_entered_at=entered,
            created_at=created,
            timezone=rng.choice(_ZONES),
            owner=owner,
            # Drawn from a generator of their own, so that the rest of the data stays what a seed always gave.
            changes=_path(random.Random(f"{seed}/{index}"), policy, stage, segment.id, created, entered, as_of),
        )
        rhythm = _norm_days(policy, segment.id, stage) * rng.uniform(0.6, 1.4)  # this customer's days between touches
        # Most customers are kept up; some have drifted and heard nothing for a while.
        quiet_days = rng.uniform(0, 0.6 * rhythm) if rng.random() < 0.75 else rng.expovariate(1 / 25)
        quiet_from = as_of - timedelta(days=quiet_days)
        contacts: list[Contact | Deferral] = []
        at = max(created, as_of - timedelta(days=365)) + timedelta(hours=rng.uniform(1, 48))
        while at < quiet_from:
            contacts.append(_touch(rng, at, owner))
            at += timedelta(days=rhythm * rng.uniform(0.3, 1.0), minutes=rng.uniform(0, 600))
        if contacts and rng.random() < 0.04:  # "busy, talk next month": the customer asked to be called later
            asked = max(contacts[-1].at + timedelta(minutes=5), as_of - timedelta(days=rng.uniform(0.5, 20)))
            if asked < as_of:
                contacts.append(Deferral(asked, until=(as_of + timedelta(days=rng.uniform(2, 40))).date(), by=owner))
        histories[customer.id] = tuple(contacts)
        people.append(customer)
    return SampleData(tuple(people), histories, as_of)
