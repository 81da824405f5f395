"""The fuzz contract of the public API: any value either works or raises a `CadenceError` that names the field.

Each public constructor and entry point is called with a valid baseline in which one argument (or several) is
replaced by a hostile value: wrong types, huge or negative numbers, NaN, odd text, naive and extreme datetimes, a
time zone whose offset is out of range. Nothing else may escape: no bare TypeError, ValueError, KeyError,
AttributeError or OverflowError from inside.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence import (
    CadenceError,
    Calendar,
    Cap,
    Contact,
    ContactFilter,
    Customer,
    Deferral,
    Level,
    Lifecycle,
    Policy,
    Reclaim,
    Rule,
    Segment,
    Stage,
    Touchpoint,
    Unanswered,
    assess,
    assess_many,
    parse_duration,
    worklist,
)
from cadence.csv_files import RowError, decode_lines, read_contacts, read_customers


class _BadOffset(tzinfo):
    """A time zone whose UTC offset is a day or more: datetime refuses to use it."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=25)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


AS_OF = pendulum.datetime(2026, 3, 31, 9, tz="Europe/Berlin")

hostile: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 0, 2**63, 10**4400, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", " ", "7d", "-1d", "1" * 5000 + "h", "9999999999999bh", "P1M", "\x00", "=cmd", "mon-sun"]),
    st.binary(max_size=8),
    st.lists(st.sampled_from(["1d", 3, None, "lead", "A"]), max_size=3),
    st.dictionaries(st.sampled_from(["a", "mon", "lead"]), st.sampled_from(["1d", 1, None]), max_size=2),
    st.dates(),
    st.datetimes(),  # naive
    st.datetimes(timezones=st.just(timezone.utc)),  # years 1 to 9999, aware
    st.sampled_from(
        [
            datetime.min.replace(tzinfo=timezone.utc),
            datetime.max.replace(tzinfo=timezone.utc),
            datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=-12))),
        ]
    ),
    st.builds(lambda: datetime(2026, 1, 1, tzinfo=_BadOffset())),  # not hashable: built, not sampled
    st.timedeltas(),
    st.builds(object),
)

at = pendulum.datetime(2026, 3, 1, 10, tz="Europe/Berlin")

# Each public constructor with a valid baseline: (callable, keyword arguments).
BASELINES: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "Segment": (Segment, {"id": "A", "label": "A tier", "rank": 0}),
    "Stage": (Stage, {"id": "lead", "label": "Lead", "terminal": False}),
    "Lifecycle": (Lifecycle, {"stages": ["lead", "won"]}),
    "Contact": (Contact, {"at": at, "channel": "call", "direction": "outbound", "outcome": "connected", "by": "ana"}),
    "Deferral": (Deferral, {"at": at, "until": date(2026, 4, 1), "by": "ana"}),
    "Customer": (
        Customer,
        {
            "id": "c1",
            "segment": "A",
            "stage": "lead",
            "stage_entered_at": at,
            "created_at": at,
            "timezone": "Europe/Berlin",
            "owner": "ana",
            "do_not_contact": False,
            "do_not_contact_until": None,
            "claimed_at": None,
        },
    ),
    "Rule": (
        Rule,
        {
            "intervals": "7d",
            "first_response": "2d",
            "grace": "1d",
            "heads_up": "1d",
            "churn_after": "60d",
            "days_off": "count",
            "escalation": (),
            "touchpoints": (),
        },
    ),
    "Policy": (Policy, {"name": "p", "calendar": "UTC", "segments": ["A"], "rules": {("*", "*"): Rule.every("7d")}}),
    "Calendar": (
        Calendar,
        {
            "timezone": "UTC",
            "workdays": "mon-fri",
            "hours": "09:00-17:00",
            "holidays": [],
            "extra_workdays": [],
            "holiday_years": None,
        },
    ),
    "Cap": (Cap, {"min_gap": "1d", "attempts": 3, "per": "7d"}),
    "Level": (Level, {"after": "1d", "action": "escalate"}),
    "Reclaim": (Reclaim, {"after": "30d", "protect": "7d", "extend": "7d", "max_protect": "30d"}),
    "Touchpoint": (Touchpoint, {"after": "3d", "window": "1d", "label": "welcome"}),
    "Unanswered": (Unanswered, {"after": 3, "then": "reassign"}),
    "ContactFilter": (ContactFilter, {"channels": ["call"], "directions": ["outbound"], "non_reach": ["no_answer"]}),
}

# Words an error may use for a field, besides its own name.
ALIASES = {
    "intervals": ("interval", "sequence", "deadline"),  # a relation between fields names the deadline
    "first_response": ("deadline",),
    "stages": ("stage", "lifecycle"),
    "rules": ("rule",),
}


def names_the_field(message: str, field: str) -> bool:
    text = message.lower()
    words = (field, field.replace("_", " "), *ALIASES.get(field, ()))
    return any(word in text for word in words)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_the_baselines_build(name: str) -> None:
    """Each baseline is valid, so a failure below comes from the hostile value."""
    make, kwargs = BASELINES[name]
    make(**kwargs)


@pytest.mark.parametrize("name", sorted(BASELINES))
@given(data=st.data())
def test_one_hostile_field_builds_or_raises_a_cadence_error_naming_it(name: str, data: st.DataObject) -> None:
    """Any value in any one field of a public constructor builds, or raises a CadenceError naming that field."""
    make, baseline = BASELINES[name]
    field = data.draw(st.sampled_from(sorted(baseline)), label="field")
    value = data.draw(hostile, label="value")
    try:
        make(**{**baseline, field: value})
    except CadenceError as error:
        assert names_the_field(str(error), field), f"{name}.{field}={value!r}: {error}"


@pytest.mark.parametrize("name", sorted(BASELINES))
@given(data=st.data())
def test_many_hostile_fields_build_or_raise_a_cadence_error(name: str, data: st.DataObject) -> None:
    """Several hostile fields at once: a value or a CadenceError, nothing else."""
    make, baseline = BASELINES[name]
    fields = data.draw(st.sets(st.sampled_from(sorted(baseline)), min_size=min(2, len(baseline))), label="fields")
    values = {field: data.draw(hostile, label=field) for field in fields}
    with contextlib.suppress(CadenceError):
        make(**{**baseline, **values})


POLICY = Policy(
    name="p",
    calendar=Calendar("Europe/Berlin", hours="09:00-17:00"),
    segments=["A"],
    rules={
        ("*", "lead"): Rule.every("16bh", grace="4bh", touchpoints=[Touchpoint("3d")]),
        ("*", "*"): Rule.every("7d", churn_after="60d", cap=Cap(min_gap="1d"), escalation=[Level("1d")]),
    },
)
CUSTOMER = Customer("c1", "A", "retention", stage_entered_at=at, created_at=at)


@given(customer=hostile, contacts=hostile, as_of=hostile)
def test_assess_answers_or_raises_a_cadence_error(customer: Any, contacts: Any, as_of: Any) -> None:
    """`assess` with a hostile customer, history or instant: an answer or a CadenceError naming what was wrong."""
    for args in ((customer, [], AS_OF), (CUSTOMER, contacts, AS_OF), (CUSTOMER, [], as_of)):
        try:
            result = assess(POLICY, args[0], args[1], as_of=args[2])
            assert result.reason
        except CadenceError as error:
            assert names_the_field(str(error), "customer") or "contacts" in str(error) or "as_of" in str(error)


@given(customers=hostile, histories=hostile, as_of=hostile, items=st.lists(hostile, max_size=3))
def test_assess_many_answers_or_raises_a_cadence_error(customers: Any, histories: Any, as_of: Any, items: Any) -> None:
    """`assess_many` with hostile customers (one value, or a list holding any values), histories or instant."""
    for args in ((customers, {}, AS_OF), (items, {}, AS_OF), ([CUSTOMER], histories, AS_OF), ([CUSTOMER], {}, as_of)):
        with contextlib.suppress(CadenceError):
            assess_many(POLICY, args[0], args[1], as_of=args[2])


@given(owner=hostile, statuses=hostile, limit=hostile)
def test_worklist_answers_or_raises_a_cadence_error(owner: Any, statuses: Any, limit: Any) -> None:
    results = assess_many(POLICY, [CUSTOMER], {}, as_of=AS_OF)
    for kwargs in ({"owner": owner}, {"statuses": statuses}, {"limit": limit}):
        with contextlib.suppress(CadenceError):
            worklist(results, **kwargs)


@given(text=hostile)
def test_any_duration_parses_or_raises_a_cadence_error(text: Any) -> None:
    try:
        parse_duration(text)
    except CadenceError as error:
        assert "duration" in str(error)


CUSTOMERS_HEADER = b"id,segment,stage,stage_entered_at,created_at,timezone,owner,do_not_contact,claimed_at\n"
CONTACTS_HEADER = b"customer_id,at,channel,direction,outcome,by,until\n"
cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["A", "lead", "2026-03-01T10:00:00Z", "0001-01-01T00:00Z", "9999-12-31T23:59Z", "Mars/Base"]),
    st.sampled_from(['"', '""', "\r", "\n", "\x00", "=1+1", "\ufeff", "yes", "2026-04-01", "call"]),
)


@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=10), max_size=5),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9"]),
    encoding=st.sampled_from([None, "utf-8", "cp1252", "utf-16"]),
)
def test_the_csv_readers_return_rows_or_row_errors(rows: list[list[str]], prefix: bytes, encoding: str | None) -> None:
    """Any bytes in a customers or contacts file give customers, contacts and RowErrors naming file and line."""
    errors: list[RowError] = []
    body = "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
    try:
        customers = read_customers(
            decode_lines(io.BufferedReader(io.BytesIO(prefix + CUSTOMERS_HEADER + body)), encoding),
            "customers.csv",
            POLICY,
            errors,
            not_after=AS_OF,
        )
        contacts = read_contacts(
            decode_lines(io.BufferedReader(io.BytesIO(prefix + CONTACTS_HEADER + body)), encoding),
            "contacts.csv",
            {c.id for c in customers},
            errors,
        )
    except CadenceError:
        return
    assert all(error.file in ("customers.csv", "contacts.csv") and error.line >= 1 for error in errors)
    assert all(isinstance(history, list) for history in contacts.values())
