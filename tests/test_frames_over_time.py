"""cadence.frames over time: timelines, transitions, backtests and reports of tables equal those of the objects."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pandas as pd
import pendulum
import polars as pl
import pyarrow as pa
import pytest

from cadence import (
    Contact,
    Customer,
    Deferral,
    TableError,
    backtest,
    every,
    frames,
    presets,
    report,
    sample,
    timeline,
    transitions_many,
)

POLICY = presets.load("abc", calendar="Europe/Berlin")
DATA = sample.generate(POLICY, customers=150, seed=11)
SINCE = pendulum.datetime(2026, 2, 2, tz="Europe/Berlin")
UNTIL = pendulum.datetime(2026, 3, 30, tz="Europe/Berlin")


def utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def columns(customers: list[Customer], histories: dict[str, Any], ids: Any = str) -> dict[str, dict[str, list[Any]]]:
    """The sample as the columns of the four tables; ``ids`` makes a table id of a customer id."""
    people: dict[str, list[Any]] = {name: [] for name in ("id", "segment", "stage", "stage_entered_at", "created_at",
                                                         "timezone", "owner")}  # fmt: skip
    touches: dict[str, list[Any]] = {
        name: [] for name in ("customer_id", "at", "channel", "direction", "outcome", "by")
    }
    held: dict[str, list[Any]] = {name: [] for name in ("customer_id", "at", "until", "by")}
    past: dict[str, list[Any]] = {name: [] for name in ("customer_id", "at", "stage", "segment", "owner")}
    for customer in customers:
        key = ids(customer.id)
        for name, value in (("id", key), ("segment", customer.segment), ("stage", customer.stage),
                            ("stage_entered_at", utc(customer.stage_entered_at)),
                            ("created_at", utc(customer.created_at)), ("timezone", customer.timezone),
                            ("owner", customer.owner)):  # fmt: skip
            people[name].append(value)
        for change in customer.changes:
            for name, value in (("customer_id", key), ("at", utc(change.at)), ("stage", change.stage),
                                ("segment", change.segment), ("owner", change.owner)):  # fmt: skip
                past[name].append(value)
        for event in histories.get(customer.id, ()):
            if isinstance(event, Deferral):
                for name, value in (("customer_id", key), ("at", utc(event.at)), ("until", event.until),
                                    ("by", event.by)):  # fmt: skip
                    held[name].append(value)
                continue
            assert isinstance(event, Contact)
            for name, value in (("customer_id", key), ("at", utc(event.at)), ("channel", event.channel.value),
                                ("direction", event.direction.value), ("outcome", event.outcome.value),
                                ("by", event.by)):  # fmt: skip
                touches[name].append(value)
    return {"customers": people, "contacts": touches, "deferrals": held, "changes": past}


def tables(library: str, ids: Any = str) -> dict[str, Any]:
    made = columns(list(DATA.customers), DATA.contacts, ids)
    if library == "polars":
        return {name: pl.DataFrame(table) for name, table in made.items()}
    if library == "pyarrow":
        return {name: pa.table(table) for name, table in made.items()}
    return {name: pd.DataFrame(table) for name, table in made.items()}


def records(table: Any) -> list[dict[str, Any]]:
    """The rows of a table of any library, as dicts of plain values (timestamps as UTC datetimes, nulls None)."""
    frame = pl.from_pandas(table) if isinstance(table, pd.DataFrame) else pl.DataFrame(table)
    return frame.to_dicts()


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value)
    return value


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
class TestOverTime:
    def test_timeline_of_tables_is_the_timeline_of_the_objects(self, library: str) -> None:
        """Every row and count, for the sample with its changes and deferrals, in each library."""
        steps = every("1w", start=SINCE.add(hours=9), end=UNTIL)
        found = records(frames.timeline(POLICY, **tables(library), at=steps))
        expected = timeline(POLICY, DATA.customers, DATA.contacts, at=steps)
        assert found == [{name: plain(value) for name, value in row.items()} for row in expected]

    def test_transitions_and_backtest_keep_integer_ids(self, library: str) -> None:
        """With integer ids, ``customer_id`` is the table's own integer; everything else is the objects' answer."""
        given = tables(library, ids=lambda key: int(key[1:]))
        found = records(frames.transitions(POLICY, **given, since=SINCE, until=UNTIL))
        expected = transitions_many(POLICY, DATA.customers, DATA.contacts, since=SINCE, until=UNTIL)
        # The key holds the customer's text id: the integer as text here.
        assert [(row["customer_id"], row["kind"], row["at"], json.loads(row["key"])) for row in found] == [
            (int(t.customer_id[1:]), t.kind.value, utc(t.at), [str(int(t.customer_id[1:])), *json.loads(t.key)[1:]])
            for t in expected
        ]
        follow_ups = records(frames.backtest(POLICY, **given, since=SINCE, until=UNTIL))
        wanted = backtest(POLICY, DATA.customers, DATA.contacts, since=SINCE, until=UNTIL)
        assert [
            (row["customer_id"], row["due_at"], row["fell_due_at"], row["completion"], row["done_at"],
             row["late_by_seconds"]) for row in follow_ups
        ] == [
            (int(f.customer_id[1:]), utc(f.due_at), utc(f.fell_due_at), f.completion.value,
             None if f.done_at is None else utc(f.done_at), f.late_by.total_seconds()) for f in wanted
        ]  # fmt: skip

    def test_report_of_tables(self, library: str) -> None:
        """The report-cycle table, with lateness in seconds and empty rates as nulls."""
        found = records(frames.report(POLICY, **tables(library), since=SINCE, until=UNTIL, by=["segment", "owner"]))
        expected = report(POLICY, DATA.customers, DATA.contacts, since=SINCE, until=UNTIL, by=["segment", "owner"])
        assert len(found) == len(expected) > 10
        for row, want in zip(found, expected, strict=True):
            late = want.pop("median_late_by")
            assert row.pop("median_late_seconds") == (None if late is None else late.total_seconds())
            assert row == want


def test_a_bad_change_row_names_the_changes_table_row_and_column() -> None:
    """A change that names nothing, or changes that contradict the customer's row, raise a TableError."""
    given = tables("pandas")
    changes = given["changes"].copy()
    changes.loc[3, ["stage", "segment", "owner"]] = None
    with pytest.raises(TableError, match=r"changes row 3, column 'stage': Change at .* names no stage"):
        frames.timeline(POLICY, given["customers"], given["contacts"], changes=changes, at=[UNTIL])
    wrong = given["changes"].copy()
    last = wrong.index[wrong["stage"].notna()][-1]  # the last change of stage of the last customer with changes
    first = wrong.index[wrong["customer_id"] == wrong.loc[last, "customer_id"]][0]
    moved_to = wrong.loc[last, "stage"]
    wrong.loc[last, "stage"] = "lost" if moved_to != "lost" else "won"
    with pytest.raises(TableError, match=rf"changes row {first}, column '-': Customer.changes of customer"):
        frames.backtest(POLICY, given["customers"], given["contacts"], changes=wrong, since=SINCE, until=UNTIL)
    assert given["changes"].loc[last, "stage"] == moved_to  # the tables given are not changed
