"""cadence.frames against cadence.assess: for every customer of a table and every column of `frames.COLUMNS`, the
table gives exactly what the scalar `assess(...).to_dict()` gives for that customer, in pandas and in polars.

One example is one policy and one ``as_of`` with one to six customers (every rule kind, calendars, zones,
do-not-contact, claims, holds, terminal stages) and their histories (contacts and deferrals) in four tables: the
columnar engine and the scalar pipeline it falls back on both run on the same table. Instants are compared as
instants (the table's UTC timestamps against `to_dict`'s ISO text), ``due_date`` against the local date of
``due_at``, the touchpoint counts against the states of ``to_dict["touchpoints"]``, floats exactly.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence import CadenceError, Contact, Customer, Deferral, Event, Policy, assess, frames, timeline
from strategies import (
    as_of_instants,
    customer_at,
    customer_specs,
    history_at,
    history_specs,
    layered_policies,
    policies,
    shift,
)

LIBRARIES = ("pandas", "polars")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_US = timedelta(microseconds=1)
INSTANTS = frozenset(name for name in frames.COLUMNS if name.endswith("_at") or name == "as_of")
TOUCHPOINT_COUNTS = {"touchpoints_pending": "pending", "touchpoints_missed": "missed"}

People = list[tuple[Customer, list[Event]]]
Scenario = tuple[Policy, People, datetime, random.Random]

# Outbound attempts that reached no one, in the 30 days before as_of: unanswered attempts (and the recommendation
# they lead to) are rare in the shared histories.
_attempts = st.lists(st.tuples(st.integers(0, 30 * 24 * 60), st.sampled_from(["no_answer", "bounced", "failed"])),
                     max_size=3)  # fmt: skip


def columnar_policy(policy: Policy) -> Policy:
    """``policy`` without what the columnar engine leaves to the scalar pipeline: caps, reclaims, touchpoints."""
    return policy.with_rules(
        {key: attrs.evolve(rule, cap=None, reclaim=None, touchpoints=()) for key, rule in dict(policy.rules).items()}
    )


def columnar_customer(customer: Customer, history: list[Event]) -> tuple[Customer, list[Event]]:
    """``customer`` and ``history`` without what sends a customer to the scalar pipeline: do-not-contact, a claim,
    holds, deferrals."""
    plain = attrs.evolve(customer, do_not_contact=False, do_not_contact_until=None, claimed_at=None, holds=())
    return plain, [event for event in history if not isinstance(event, Deferral)]


@st.composite
def tables(draw: st.DrawFn, *, late: bool = False) -> Scenario:
    """A policy, an ``as_of``, one to six customers (ids ``c-0``, ``c-1`` ...: the strategy's ids may repeat) with
    their histories, and a random generator to shuffle the tables' rows. With ``late``, at least one customer
    entered its stage after ``as_of`` (from one microsecond to 30 days after), which the scalar path refuses.

    Histories get up to three outbound attempts that reached no one in the 30 days before ``as_of``, and one of
    their events logged twice (which counts once).

    The strategies give nearly every customer a claim, a do-not-contact pause or a deferral, or a rule with a cap, a
    reclaim or touchpoints, all of which the columnar engine leaves to the scalar pipeline: so half the policies
    lose those rules' parts and three customers in four lose those of their own (examples shrink toward the plain
    ones), and the columnar engine answers most rows, beside rows of the scalar pipeline in the same table."""
    as_of = draw(as_of_instants)
    policy = draw(policies() | layered_policies())
    if not draw(st.booleans()):
        policy = columnar_policy(policy)
    count = draw(st.integers(1, 6))
    people: People = []
    instants = draw(st.booleans())  # renewal dates as instants or as dates: a column holds one kind
    for index in range(count):
        customer = attrs.evolve(customer_at(as_of, draw(customer_specs(terminal=True))), id=f"c-{index}")
        customer = _one_kind(customer, instants)
        history = history_at(as_of, draw(history_specs()))
        history += [
            Contact(shift(as_of, minutes=-back), "call", "outbound", outcome) for back, outcome in draw(_attempts)
        ]
        repeat = draw(st.integers(0, len(history)))
        if repeat:
            history.append(history[repeat - 1])  # logged twice: counted once
        people.append((customer, history) if draw(st.integers(0, 3)) == 3 else columnar_customer(customer, history))
    if late:
        for index in draw(st.sets(st.integers(0, count - 1), min_size=1)):
            customer, history = people[index]
            entered = shift(as_of, microseconds=draw(st.integers(1, 30 * 86_400 * 10**6)))
            people[index] = attrs.evolve(customer, stage_entered_at=entered), history
    return policy, people, as_of, draw(st.randoms(use_true_random=False))


# --- the tables


def _utc(value: datetime | None) -> datetime | None:
    """The same instant as a stdlib datetime in UTC (None stays None)."""
    return None if value is None else shift(value)


def _text(value: Any) -> str | None:
    return None if value is None else value.value


def _table(library: str, columns: dict[str, tuple[str, list[Any]]]) -> Any:
    """A DataFrame of ``library`` from ``{name: (kind, values)}``; kinds: text, flag, instant (an aware UTC
    timestamp column), date, object (the values as they are)."""
    if library == "pandas":
        data: dict[str, Any] = {}
        for name, (kind, values) in columns.items():
            if kind == "instant":
                data[name] = pd.Series(values, dtype="datetime64[us, UTC]")
            elif kind in ("date", "object"):
                data[name] = pd.Series(values, dtype=object)  # pandas has no date dtype of its own
            elif kind == "flag":
                data[name] = pd.Series(values, dtype=bool)
            else:
                data[name] = values
        return pd.DataFrame(data)
    dtypes: dict[str, Any] = {"text": pl.String, "flag": pl.Boolean, "instant": pl.Datetime("us", "UTC"),
                              "date": pl.Date, "object": pl.Object}  # fmt: skip
    return pl.DataFrame([pl.Series(name, values, dtype=dtypes[kind]) for name, (kind, values) in columns.items()])


def customers_table(library: str, people: People) -> Any:
    who = [customer for customer, _ in people]
    return _table(
        library,
        {
            "id": ("text", [c.id for c in who]),
            "segment": ("text", [c.segment for c in who]),
            "stage": ("text", [c.stage for c in who]),
            "stage_entered_at": ("instant", [_utc(c.stage_entered_at) for c in who]),
            "created_at": ("instant", [_utc(c.created_at) for c in who]),
            "timezone": ("text", [c.timezone for c in who]),
            "owner": ("text", [c.owner for c in who]),
            "do_not_contact": ("flag", [c.do_not_contact for c in who]),
            "do_not_contact_until": ("instant", [_utc(c.do_not_contact_until) for c in who]),
            "claimed_at": ("instant", [_utc(c.claimed_at) for c in who]),
            "renewal": _renewals(who),
        },
    )


def _renewals(who: list[Customer]) -> tuple[str, list[Any]]:
    """The customers' renewal dates as one column: of dates, or of instants (`tables` gives a table one kind)."""
    values = [dict(c.dates).get("renewal") for c in who]
    if any(isinstance(value, datetime) for value in values):
        return "instant", [_utc(value) for value in values]
    return "date", values


def _one_kind(customer: Customer, instants: bool) -> Customer:
    """The customer with its renewal date as a date, or as an instant (the start of that date in UTC)."""
    value = dict(customer.dates).get("renewal")
    if value is None:
        return customer
    if instants and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    elif not instants and isinstance(value, datetime):
        value = value.date()
    return attrs.evolve(customer, dates={"renewal": value})


def _events(people: People, kind: type, rng: random.Random) -> list[tuple[str, Any]]:
    """The events of one kind as ``(customer id, event)``, in a shuffled order, and (if any) the first one again for
    a customer not in the table, which the table must ignore."""
    rows = [(customer.id, event) for customer, history in people for event in history if isinstance(event, kind)]
    rng.shuffle(rows)
    return [*rows, ("ghost", rows[0][1])] if rows else rows


def contacts_table(library: str, people: People, rng: random.Random) -> Any:
    rows = _events(people, Contact, rng)
    return _table(
        library,
        {
            "customer_id": ("text", [key for key, _ in rows]),
            "at": ("instant", [_utc(c.at) for _, c in rows]),
            "channel": ("text", [_text(c.channel) for _, c in rows]),
            "direction": ("text", [_text(c.direction) for _, c in rows]),
            "outcome": ("text", [_text(c.outcome) for _, c in rows]),
            "by": ("text", [c.by for _, c in rows]),
        },
    )


def deferrals_table(library: str, people: People, rng: random.Random) -> Any:
    """The deferrals: ``until`` is a timestamp column when every end is an instant, a date column when every end is
    a date, and an object column of both (as the model holds them) when they are mixed."""
    rows = _events(people, Deferral, rng)
    ends = [d.until for _, d in rows]
    if all(isinstance(end, datetime) for end in ends):
        until: tuple[str, list[Any]] = ("instant", [_utc(end) for end in ends])
    elif not any(isinstance(end, datetime) for end in ends):
        until = ("date", ends)
    else:
        until = ("object", ends)
    return _table(
        library,
        {
            "customer_id": ("text", [key for key, _ in rows]),
            "at": ("instant", [_utc(d.at) for _, d in rows]),
            "until": until,
            "by": ("text", [d.by for _, d in rows]),
        },
    )


def holds_table(library: str, people: People, rng: random.Random) -> Any:
    """The customers' holds, in a shuffled order, and (if any) the first one again for a customer not in the table,
    which the table must ignore."""
    rows = [(customer.id, hold) for customer, _ in people for hold in customer.holds]
    rng.shuffle(rows)
    rows += [("ghost", rows[0][1])] if rows else []
    return _table(
        library,
        {
            "customer_id": ("text", [key for key, _ in rows]),
            "start": ("instant", [_utc(h.start) for _, h in rows]),
            "end": ("instant", [_utc(h.end) for _, h in rows]),
        },
    )


def frames_assess(
    library: str, policy: Policy, people: People, as_of: datetime, rng: random.Random, **options: Any
) -> dict[str, list[Any]]:
    """`frames.assess` on the tables of ``people`` in ``library``, as a dict of columns of Python values."""
    out = frames.assess(
        policy,
        customers_table(library, people),
        contacts_table(library, people, rng),
        as_of=as_of,
        deferrals=deferrals_table(library, people, rng),
        holds=holds_table(library, people, rng),
        **options,
    )
    assert type(out).__module__.split(".")[0] == library
    return {name: out[name].tolist() if library == "pandas" else out[name].to_list() for name in out.columns}


# --- comparing


RISK_TOLERANCE = 1e-12
"""The risk score's exp and expm1 are numpy's in the table and the math module's in `assess`: they may differ in
the last bit."""


def _plain(value: Any) -> Any:
    """None for every null a table gives (None, NaN, NaT, pandas' NA), Python scalars for numpy's."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _instant(value: Any) -> Any:
    """An instant (ISO text with an offset, an aware datetime, a pandas Timestamp) as nanoseconds since the epoch,
    so that any two ways of writing it compare equal; anything else (a timestamp not in UTC, a naive one) stays as it
    is, equal to no instant."""
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif not isinstance(value, datetime) or value.utcoffset() != timedelta(0):
        return value
    if isinstance(value, pd.Timestamp):
        return int(value.as_unit("ns").value)
    microseconds: int = (value - EPOCH) // ONE_US
    return microseconds * 1000


def expected_row(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of `frames.COLUMNS` from `Assessment.to_dict`, as `actual_row` makes them comparable."""
    out: dict[str, Any] = {}
    for name in frames.COLUMNS:
        if name in INSTANTS:
            out[name] = _instant(row[name])
        elif name == "due_date":
            out[name] = None if row["due_at"] is None else datetime.fromisoformat(row["due_at"]).date()
        elif name in TOUCHPOINT_COUNTS:
            out[name] = sum(touch["state"] == TOUCHPOINT_COUNTS[name] for touch in row["touchpoints"])
        else:
            out[name] = row[name]
    return out


def actual_row(table: dict[str, list[Any]], index: int) -> dict[str, Any]:
    return {
        name: _instant(table[name][index]) if name in INSTANTS else _plain(table[name][index])
        for name in frames.COLUMNS
    }


def same(actual: Any, expected: Any, tolerance: float = 0.0) -> bool:
    """Equal, with nulls equal to None only, floats exactly equal (or within a relative ``tolerance``), and no
    bool, number, text or date equal to a value of another kind (``True == 1``, ``date == datetime`` do not
    count)."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(expected, float) or isinstance(actual, float):
        numbers = (int, float)
        return (
            isinstance(actual, numbers)
            and isinstance(expected, numbers)
            and not isinstance(actual, bool)
            and not isinstance(expected, bool)
            and math.isclose(actual, expected, rel_tol=tolerance, abs_tol=tolerance)
        )
    return type(actual) is type(expected) and actual == expected


def mismatches(library: str, table: dict[str, list[Any]], index: int, row: dict[str, Any]) -> list[str]:
    """Each column of the table's row ``index`` that differs from ``row`` (`to_dict`), naming the customer, the
    column and both values as they were given."""
    actual, expected = actual_row(table, index), expected_row(row)
    raw = {name: row["due_at"] if name == "due_date" else row.get(name, row["touchpoints"]) for name in expected}
    return [
        f"{library}: customer {row['customer_id']!r}, column {name!r}: frames.assess gave {table[name][index]!r}, "
        f"assess gave {raw[name]!r}"
        for name in frames.COLUMNS
        if not same(actual[name], expected[name], RISK_TOLERANCE if name == "risk_score" else 0.0)
    ]


def scalar(policy: Policy, people: People, as_of: datetime) -> list[dict[str, Any] | CadenceError]:
    """`assess(...).to_dict()` for each customer, or the error the scalar path raises."""
    out: list[dict[str, Any] | CadenceError] = []
    for customer, history in people:
        try:
            out.append(assess(policy, customer, history, as_of=as_of).to_dict())
        except CadenceError as error:
            out.append(error)
    return out


# --- the properties


# Each example assesses a table four ways (pandas and polars, frames and assess): fewer examples than the profile's
# in CI, where 400 would take a minute and a half for these two properties alone.
@settings(max_examples=min(settings.default.max_examples, 150))
@given(tables())
def test_every_column_of_every_customer_equals_assess(scenario: Scenario) -> None:
    """frames.assess (errors="raise") gives, row by row and column by column, what assess gives, in pandas and in
    polars, and the same reasons (asked for in polars); where the scalar path raises for a customer, the table raises
    with its message."""
    policy, people, as_of, rng = scenario
    expected = scalar(policy, people, as_of)
    refused = [str(answer) for answer in expected if isinstance(answer, CadenceError)]
    state = rng.getstate()
    for library in LIBRARIES:
        rng.setstate(state)  # the same row order in each library
        if refused:
            with pytest.raises(CadenceError) as caught:
                frames_assess(library, policy, people, as_of, rng)
            assert any(message in str(caught.value) for message in refused), (library, str(caught.value), refused)
            continue
        reasons = library == "polars"  # the reasons once, in one of the libraries
        table = frames_assess(library, policy, people, as_of, rng, reasons=reasons)
        assert list(table) == [*frames.COLUMNS, *(["reason"] if reasons else [])], library
        assert table["customer_id"] == [customer.id for customer, _ in people], library
        problems = [
            problem
            for index, row in enumerate(expected)
            for problem in mismatches(library, table, index, row)  # type: ignore[arg-type]
        ]
        if reasons:
            problems += [
                f"customer {row['customer_id']!r}, reason: frames.assess gave {table['reason'][index]!r}, "  # type: ignore[index]
                f"assess gave {row['reason']!r}"  # type: ignore[index]
                for index, row in enumerate(expected)
                if table["reason"][index] != row["reason"]  # type: ignore[index]
            ]
        assert not problems, "\n".join(problems)


@settings(max_examples=min(settings.default.max_examples, 60))
@given(tables(late=True))
def test_collected_errors_are_the_scalar_errors_and_everyone_else_equals_assess(scenario: Scenario) -> None:
    """With errors="collect", a customer the scalar path refuses (here: who entered its stage after as_of) gets
    the scalar path's message in ``error`` and no status; every other customer gets exactly what assess gives, and
    no error."""
    policy, people, as_of, rng = scenario
    expected = scalar(policy, people, as_of)
    assert any(isinstance(answer, CadenceError) for answer in expected)
    state = rng.getstate()
    for library in LIBRARIES:
        rng.setstate(state)
        table = frames_assess(library, policy, people, as_of, rng, errors="collect")
        assert list(table) == [*frames.COLUMNS, "error"], library
        problems: list[str] = []
        for index, answer in enumerate(expected):
            error = _plain(table["error"][index])
            who = people[index][0].id
            if isinstance(answer, CadenceError):
                if error is None or str(answer) not in error:
                    problems.append(f"{library}: customer {who!r}, column 'error': frames.assess gave {error!r}, "
                                    f"assess raised {str(answer)!r}")  # fmt: skip
                if _plain(table["status"][index]) is not None:
                    problems.append(f"{library}: customer {who!r}, column 'status': frames.assess gave "
                                    f"{table['status'][index]!r} beside the error {error!r}")  # fmt: skip
            else:
                if error is not None:
                    problems.append(f"{library}: customer {who!r}, column 'error': frames.assess gave {error!r}, "
                                    f"assess raised nothing")  # fmt: skip
                problems.extend(mismatches(library, table, index, answer))
        assert not problems, "\n".join(problems)


def test_the_comparison_tells_instants_dates_and_kinds_apart() -> None:
    """The comparison itself: an instant equals its ISO text in any zone, and nothing of another kind."""
    text = "2026-03-09T00:00:00+01:00"
    assert _instant(text) == _instant(pd.Timestamp("2026-03-08 23:00", tz="UTC"))
    assert _instant(text) == _instant(datetime(2026, 3, 8, 23, tzinfo=timezone.utc))
    assert _instant(text) != _instant(pd.Timestamp("2026-03-08 23:00:00.000001", tz="UTC"))
    assert not same(_instant(pd.Timestamp("2026-03-09 00:00", tz="Europe/Berlin")), _instant(text))
    assert same(_plain(np.float64(0.1) + np.float64(0.2)), 0.1 + 0.2)
    assert not same(0.30000000000000004, 0.3)
    assert not same(_plain(np.bool_(True)), 1)
    assert not same(datetime(2026, 3, 9), date(2026, 3, 9))
    assert same(_plain(float("nan")), None)
    assert same(_plain(pd.NaT), None)
    assert same(_plain(pd.NA), None)
    assert not same(0, None)


@settings(max_examples=min(settings.default.max_examples, 60))
@given(tables(), st.lists(st.integers(-40 * 24 * 60, 10 * 24 * 60), min_size=1, max_size=5, unique=True))
def test_frames_timeline_equals_the_timeline_of_the_objects(scenario: Scenario, minutes: list[int]) -> None:
    """frames.timeline (columns swept column-wise, the rest through the scalar sweep) gives the rows of
    cadence.timeline over the same customers and histories, in pandas and in polars; where the objects' timeline
    raises, so does the table's."""
    policy, people, as_of, rng = scenario
    at = [shift(as_of, minutes=m) for m in sorted(minutes)]
    try:
        expected: Any = timeline(policy, [c for c, _ in people], {c.id: h for c, h in people}, at=at)
    except CadenceError as error:
        expected = error
    state = rng.getstate()
    for library in LIBRARIES:
        rng.setstate(state)
        tables_ = (customers_table(library, people), contacts_table(library, people, rng))
        held = {"deferrals": deferrals_table(library, people, rng), "holds": holds_table(library, people, rng)}
        if isinstance(expected, CadenceError):
            with pytest.raises(CadenceError):
                frames.timeline(policy, *tables_, **held, at=at)
            continue
        out = frames.timeline(policy, *tables_, **held, at=at)
        found = (pl.from_pandas(out) if library == "pandas" else out).to_dicts()
        assert found == [{**row, "at": _utc(row["at"])} for row in expected], library
