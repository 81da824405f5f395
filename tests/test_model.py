"""Segments, stages, lifecycles, contacts and customers: construction and validation."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pendulum
import pytest

from cadence import (
    DEFAULT_LIFECYCLE,
    Channel,
    Contact,
    Customer,
    Direction,
    InputError,
    InputTypeError,
    Lifecycle,
    Outcome,
    PolicyError,
    Segment,
    Stage,
)

AT = pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin")


class TestSegment:
    def test_label_defaults_to_id(self) -> None:
        assert Segment("VIP", rank=0).label == "VIP"

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"id": ""}, "Segment.id must be a non-empty string"),
            ({"id": "*"}, "Segment.id must not be '\\*'"),
            ({"id": "A/B"}, "contain '/'"),
            ({"id": "A", "rank": -1}, r"Segment.rank must be an integer >= 0 \(got -1\)"),
            ({"id": "A", "rank": True}, "Segment.rank"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(PolicyError, match=message):
            Segment(**kwargs)  # type: ignore[arg-type]


class TestLifecycle:
    def test_default_stages(self) -> None:
        assert DEFAULT_LIFECYCLE.ids == (
            "lead",
            "contacted",
            "qualified",
            "proposal",
            "negotiation",
            "won",
            "onboarding",
            "retention",
            "dormant",
            "lost",
        )
        assert [s.id for s in DEFAULT_LIFECYCLE if s.terminal] == ["lost"]

    def test_from_ids(self) -> None:
        lifecycle = Lifecycle(["new", "active", Stage("churned", terminal=True)])
        assert lifecycle["active"] == Stage("active")
        assert len(lifecycle) == 3

    def test_duplicate_stage(self) -> None:
        with pytest.raises(PolicyError, match=r"Lifecycle.stages\[1\]: duplicate stage id 'a'"):
            Lifecycle(["a", "a"])

    def test_empty(self) -> None:
        with pytest.raises(PolicyError, match="must not be empty"):
            Lifecycle([])

    def test_unknown_stage_lookup(self) -> None:
        with pytest.raises(PolicyError, match="unknown stage 'x'"):
            DEFAULT_LIFECYCLE["x"]


class TestContact:
    def test_strings_become_enums(self) -> None:
        contact = Contact(AT, "email", "inbound", "replied", by="ana")
        assert (contact.channel, contact.direction, contact.outcome) == (
            Channel.EMAIL,
            Direction.INBOUND,
            Outcome.REPLIED,
        )
        assert not contact.is_attempt

    def test_equal_when_the_same_instant_in_another_zone(self) -> None:
        utc = Contact(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), "call")
        assert utc == Contact(AT, "call")
        assert len({utc, Contact(AT, "call")}) == 1
        assert Contact(AT, "call", by="ana") != Contact(AT, "call", by="ben")

    def test_naive_at(self) -> None:
        with pytest.raises(InputError, match=r"Contact.at is a naive datetime \(2026-03-02T10:00:00\)"):
            Contact(datetime(2026, 3, 2, 10), "call")

    def test_at_that_is_not_a_datetime(self) -> None:
        with pytest.raises(InputTypeError, match=r"Contact.at must be a timezone-aware datetime \(got '2026-03-02'\)"):
            Contact("2026-03-02", "call")  # type: ignore[arg-type]

    def test_unknown_channel(self) -> None:
        with pytest.raises(InputError, match=r"Contact.channel: unknown channel 'fax' \(choose from call, email"):
            Contact(AT, "fax")

    def test_unknown_outcome(self) -> None:
        with pytest.raises(InputError, match=r"Contact.outcome: unknown outcome 'maybe'"):
            Contact(AT, "call", outcome="maybe")

    def test_empty_by(self) -> None:
        with pytest.raises(InputError, match=r"Contact.by must be a non-empty string or None"):
            Contact(AT, "call", by="")


class TestCustomer:
    def test_valid(self) -> None:
        customer = Customer("c-1", "A", "lead", AT, AT, timezone="Asia/Shanghai", owner="ana")
        assert customer.owner == "ana"

    def test_stage_entry_before_creation(self) -> None:
        with pytest.raises(InputError, match=r"Customer.stage_entered_at \(2026-03-01T10:00:00\+01:00\) is before"):
            Customer("c-1", "A", "lead", AT.subtract(days=1), AT)

    def test_naive_stage_entry(self) -> None:
        with pytest.raises(InputError, match=r"Customer.stage_entered_at is a naive datetime"):
            Customer("c-1", "A", "lead", datetime(2026, 3, 2), AT)

    def test_empty_id(self) -> None:
        with pytest.raises(InputError, match=r"Customer.id must be a non-empty string"):
            Customer("", "A", "lead", AT, AT)

    def test_immutable(self) -> None:
        customer = Customer("c-1", "A", "lead", AT, AT)
        with pytest.raises(AttributeError):
            customer.stage = "won"  # type: ignore[misc]


class TestValuesAsData:
    """The public attrs classes show only the fields users give: derived values (instants as integers, compiled
    tables) live outside attrs, and pickling or copying rebuilds them."""

    def _values(self) -> list[object]:
        from cadence import Calendar, Deferral, Policy, Rule

        customer = Customer("c-1", "A", "lead", AT, AT, timezone="Asia/Tokyo", owner="ana", claimed_at=AT)
        contact = Contact(AT, "call", outcome="no_answer", by="ana")
        calendar = Calendar("Europe/Berlin", hours={"mon-fri": "09:00-17:00"}, holidays={AT.date()})
        policy = Policy("p", calendar, [Segment("A", rank=0)], {"*/*": Rule.every("7d")})
        return [customer, contact, Deferral(AT, until=AT.add(days=3)), DEFAULT_LIFECYCLE, calendar, policy]

    def test_asdict_shows_only_public_fields(self) -> None:
        import attrs

        for value in self._values():
            names = [field.name for field in attrs.fields(type(value))]
            assert not [name for name in names if name.startswith("_")], type(value)
            assert list(attrs.asdict(value, recurse=False)) == names

        customer = Customer("c-1", "A", "lead", AT, AT, owner="ana")
        assert attrs.asdict(customer)["owner"] == "ana"
        assert "_entered_us" not in attrs.asdict(customer)

    def test_pickle_copy_and_evolve_rebuild_the_derived_values(self) -> None:
        import copy
        import pickle

        import attrs

        for value in self._values():
            for again in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
                assert again == value
                assert hash(again) == hash(value)
                derived = type(value).__mro__[1].__slots__
                if type(value).__name__ in ("Calendar", "Policy"):  # compiled anew: the same answers
                    calendar: Any = getattr(value, "calendar", value)
                    moved: Any = getattr(again, "calendar", again)
                    assert moved.add(AT, "20bh") == calendar.add(AT, "20bh")
                else:
                    assert [getattr(again, n) for n in derived] == [getattr(value, n) for n in derived]
        customer = Customer("c-1", "A", "lead", AT, AT)
        moved = attrs.evolve(customer, stage_entered_at=AT.add(hours=1))
        assert moved._entered_us == customer._entered_us + 3_600_000_000
        with pytest.raises(InputError, match="stage_entered_at"):
            attrs.evolve(customer, stage_entered_at=AT.subtract(hours=1))
