"""The sample generator is deterministic and gives a usable CRM."""

from __future__ import annotations

from cadence import Status, assess_many, presets, sample


def test_same_seed_same_data() -> None:
    policy = presets.load("abc", calendar="Europe/Berlin")
    one = sample.generate(policy, customers=40, seed=3)
    two = sample.generate(policy, customers=40, seed=3)
    assert one == two
    assert one != sample.generate(policy, customers=40, seed=4)


def test_every_status_shows_up_and_contacts_precede_as_of() -> None:
    policy = presets.load("abc", calendar="Europe/Berlin")
    data = sample.generate(policy, customers=400, seed=1)
    assert all(c.at <= data.as_of for history in data.contacts.values() for c in history)
    statuses = {r.status for r in assess_many(policy, data.customers, data.contacts, as_of=data.as_of)}
    assert statuses == set(Status)


def test_works_with_every_preset() -> None:
    for name in presets.names():
        policy = presets.load(name, calendar="UTC")
        data = sample.generate(policy, customers=30, seed=5)
        assert {c.segment for c in data.customers} <= {s.id for s in policy.segments}


def test_sample_customers_carry_the_stages_that_led_them_to_their_record() -> None:
    """Customers past the first stage have changes from a lead at creation; one in about ten changed tier."""
    policy = presets.load("abc", calendar="Europe/Berlin")
    data = sample.generate(policy, customers=400, seed=1)
    moved = [c for c in data.customers if c.stage != "lead"]
    assert all(c.changes for c in moved)
    first = [c.at(c.created_at) for c in moved]
    assert {state.stage for state in first if state is not None} == {"lead"}
    retiered = [c for c in data.customers if any(change.segment for change in c.changes[1:])]
    assert 15 < len(retiered) < 70
