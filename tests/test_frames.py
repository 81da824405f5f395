"""cadence.frames: tables in, one row per customer out, equal to what the scalar path gives."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from datetime import date, datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
import pendulum
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import BERLIN, berlin, call, person, policy
from cadence import CadenceError, InputError, InputTypeError, Rule, TableError, assess, frames, presets
from cadence._columnar import CODES, local_ordinals, sorted_contacts
from cadence._time import get_zone

AS_OF = berlin(2026, 3, 9, 8)


def _tables(kind: str = "pandas") -> tuple[Any, Any]:
    at = [datetime(2026, 3, 2, 9, tzinfo=timezone.utc), datetime(2026, 1, 5, tzinfo=timezone.utc)]
    people = {"id": ["c-1", "c-2"], "segment": ["A", "C"], "stage": ["lead", "retention"],
              "stage_entered_at": at, "created_at": at}  # fmt: skip
    touches = {"customer_id": ["c-2", "c-2"], "at": [datetime(2026, 3, 2, 15, 30, tzinfo=timezone.utc)] * 2,
               "channel": ["call", "call"], "outcome": ["connected", "connected"]}  # fmt: skip
    if kind == "polars":
        return pl.DataFrame(people), pl.DataFrame(touches)
    if kind == "pyarrow":
        return pa.table(people), pa.table(touches)
    return pd.DataFrame(people), pd.DataFrame(touches)


class TestShape:
    @pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
    def test_the_result_is_a_table_of_the_customers_library(self, kind: str) -> None:
        people, touches = _tables(kind)
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        table = pl.from_arrow(out) if kind == "pyarrow" else pl.from_pandas(out) if kind == "pandas" else out
        assert (
            type(out).__module__.split(".")[0] == {"pandas": "pandas", "polars": "polars", "pyarrow": "pyarrow"}[kind]
        )
        assert table.columns == list(frames.COLUMNS)
        assert table["status"].to_list() == ["overdue", "on_track"]
        assert table["customer_id"].to_list() == ["c-1", "c-2"]
        assert table["step"].to_list() == [0, 1]
        due = table["due_at"].to_list()
        assert due[0] == datetime(2026, 3, 4, 23, tzinfo=timezone.utc)  # 2026-03-05 00:00 in Berlin
        assert str(table["due_date"].to_list()[1]) == "2026-04-02"

    def test_integer_ids_stay_integers(self) -> None:
        people, touches = _tables()
        people["id"] = [1, 2]
        touches["customer_id"] = [2, 2]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        assert out["customer_id"].tolist() == [1, 2]
        assert out["step"].tolist() == [0, 1]

    @pytest.mark.parametrize("ids", [[7, 5], [7, 10**15], [-3, 2**62]])
    def test_integer_ids_dense_or_sparse_find_their_contacts(self, ids: list[int]) -> None:
        people, touches = _tables()
        people["id"] = ids
        touches["customer_id"] = [ids[1], ids[1]]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        assert out["step"].tolist() == [0, 1]

    @pytest.mark.parametrize("library", ["pandas", "polars"])
    def test_categorical_ids_find_their_contacts(self, library: str) -> None:
        """Categories are looked up once per word, whatever their codes' type (int8 in pandas, uint32 in
        polars), and the two tables' categories need not be the same."""
        people, touches = _tables(library)
        if library == "pandas":
            people["id"] = people["id"].astype("category")
            touches["customer_id"] = pd.Categorical(["c-2", "c-2"], categories=["c-9", "c-2"])
        else:
            people = people.with_columns(pl.col("id").cast(pl.Categorical))
            touches = touches.with_columns(pl.col("customer_id").cast(pl.Categorical))
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        assert list(out["step"]) == [0, 1]

    def test_categories_of_numbers_or_of_nothing_are_read_as_text(self) -> None:
        """Categories whose values are not text are read as the scalar path reads them: ids as text (so customer
        '01' is not the contacts' category 1), words as unknown words, and categories of nothing as nulls."""
        people, touches = _tables()
        people["id"] = ["01", "1"]
        touches["customer_id"] = pd.Categorical([1, 1])
        policy_ = presets.load("abc", calendar=BERLIN)
        assert frames.assess(policy_, people, touches, as_of=AS_OF)["step"].tolist() == [0, 1]
        people, touches = _tables()
        for column in ("direction", "outcome", "by"):
            out = frames.assess(policy_, people, touches.assign(**{column: pd.Categorical([None, None])}), as_of=AS_OF)
            assert out["step"].tolist() == [0, 1]
        with pytest.raises(TableError, match=r"contacts row 0, column 'channel': Contact\.channel: unknown channel 1"):
            frames.assess(policy_, people, touches.assign(channel=pd.Categorical([1, 1])), as_of=AS_OF)
        for owner, by in ((["ana", 1], None), ("ana", ["ana", 1])):  # the scalar path refuses a person 1
            mixed = people.assign(owner=pd.Categorical(owner) if by is None else owner)
            with pytest.raises(TableError, match="must be a non-empty string or None"):
                frames.assess(policy_, mixed, touches.assign(by=pd.Categorical(by) if by else None), as_of=AS_OF)
        empty = pa.array([None, None]).dictionary_encode()
        out = frames.assess(policy_, pa.table(people), pa.table(touches).append_column("direction", empty), as_of=AS_OF)
        assert out["step"].to_pylist() == [0, 1]

    def test_arrow_categories_with_words_per_chunk(self) -> None:
        """A pyarrow table whose chunks of categories each have their own words (as Arrow's readers make them)."""
        people, touches = _tables("pyarrow")
        words = pa.chunked_array([pa.array([value]).dictionary_encode() for value in touches["channel"].to_pylist()])
        ids = pa.chunked_array([pa.array([value]).dictionary_encode() for value in ["c-2", "c-1"]])
        touches = touches.set_column(2, "channel", words).set_column(0, "customer_id", ids)
        segments = pa.chunked_array([pa.array([value]).dictionary_encode() for value in people["segment"].to_pylist()])
        people = people.set_column(1, "segment", segments)
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        assert out["step"].to_pylist() == [1, 1]

    @pytest.mark.parametrize(("twice", "shown"), [(4, "4"), ("c-9", "'c-9'")])
    def test_an_id_given_twice_is_a_bad_row(self, twice: object, shown: str) -> None:
        people, touches = _tables()
        people["id"] = [twice, twice]
        touches["customer_id"] = [twice, twice]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert out["step"].tolist()[0] == 1  # the contacts go to the first row
        assert f"Customer.id {shown} is given twice" in out["error"][1]

    def test_ids_of_different_kinds_are_refused(self) -> None:
        people, touches = _tables()
        pattern = r"contacts\.customer_id holds integer ids and customers\.id holds string ids"
        with pytest.raises(InputTypeError, match=pattern):
            frames.assess(presets.load("abc", calendar=BERLIN), people, touches.assign(customer_id=[2, 2]), as_of=AS_OF)

    def test_reasons_are_asked_for(self) -> None:
        people, touches = _tables()
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, reasons=True)
        assert out["reason"][1].startswith("on track: follow-up due 2026-04-02")


class TestBadRows:
    def test_empty_strings_are_refused_as_the_model_refuses_them(self) -> None:
        """An empty owner or person is no name (a null is none): Customer and Contact refuse it, and so does
        frames, naming the row."""
        people, touches = _tables()
        people["owner"] = ["", "ana"]
        touches["by"] = ["", "ana"]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert "column 'owner': Customer.owner must be a non-empty string" in out["error"][0]
        assert "contacts row 0, column 'by': Contact.by must be a non-empty string" in out["error"][1]

    def test_a_null_integer_id_takes_no_contacts(self) -> None:
        """A customer row without an id is a bad row; the contacts of customer 0 stay customer 0's."""
        people, touches = _tables()
        people["id"] = pd.array([None, 0], dtype="Int64")
        touches["customer_id"] = [0, 0]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert out["step"].tolist()[1] == 1
        assert "Customer.id" in out["error"][0]

    def test_a_stuck_time_past_the_supported_range_fails_its_row_only(self) -> None:
        """Entered five days before the end of year 9999, stuck after 30 days: that row's error is collected, as
        `assess` raises it, and the other row is assessed."""
        people, touches = _tables()
        people["segment"] = ["A", "A"]
        people["stage_entered_at"] = people["created_at"] = pd.to_datetime(["9999-12-26", "2026-01-01"], utc=True)
        late = pendulum.datetime(9999, 12, 30, tz="UTC")
        rule_policy = policy(Rule.every("7d", stuck_after="30d"))
        out = frames.assess(rule_policy, people, touches.iloc[0:0], as_of=late, errors="collect")
        assert "left the supported range" in out["error"][0]
        assert bool(out["stuck"].tolist()[1])
        with pytest.raises(InputError, match="left the supported range"):
            assert assess(rule_policy, person(entered=pendulum.datetime(9999, 12, 26, tz="UTC")), [], as_of=late).stuck

    def test_durations_past_the_supported_range_fail_as_assess_fails(self) -> None:
        rule_policy = policy(Rule.every("3000000000000h"))
        people, touches = _tables()
        people["segment"] = ["A", "A"]
        with pytest.raises(TableError, match="left the supported range"):
            frames.assess(rule_policy, people, touches, as_of=AS_OF)

    def test_naive_timestamps_are_refused_naming_the_column(self) -> None:
        people, touches = _tables()
        people["created_at"] = people["created_at"].dt.tz_localize(None)
        with pytest.raises(InputError, match=r"customers\.created_at holds naive timestamps"):
            frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)

    def test_an_unknown_segment_names_table_row_and_column(self) -> None:
        people, touches = _tables()
        people.loc[1, "segment"] = "Z"
        with pytest.raises(TableError, match=r"customers row 1, column 'segment': .*unknown segment \"Z\"") as caught:
            frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        assert (caught.value.table, caught.value.row, caught.value.column) == ("customers", 1, "segment")

    def test_collect_keeps_everyone_else(self) -> None:
        people, touches = _tables()
        people.loc[0, "stage_entered_at"] = pd.Timestamp("2026-04-01", tz="UTC")  # after as_of (and after creation)
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert out["status"].isna().tolist() == [True, False]
        assert "as_of is before Customer.stage_entered_at" in out["error"][0]
        assert pd.isna(out["error"][1])

    def test_collected_errors_keep_the_columns_typed(self) -> None:
        people, touches = _tables("polars")
        people = people.with_columns(pl.Series("segment", ["A", "Z"]))
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert (out["step"].dtype, out["risk_score"].dtype, out["reclaimed"].dtype) == (
            pl.Int64,
            pl.Float64,
            pl.Boolean,
        )
        assert out["step"].to_list() == [0, None]
        assert out["status"].to_list() == ["overdue", None]

    def test_a_slash_in_a_segment_never_matches_a_rule(self) -> None:
        """Rules are looked up by "segment/stage": a segment holding a slash is no segment, whatever the stage."""
        people, touches = _tables()
        people["segment"] = ["A/lead", "C"]
        people["stage"] = ["retention", "retention"]
        out = frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF, errors="collect")
        assert "unknown segment" in out["error"][0]
        assert out["rule"][1] == "C/*"

    def test_an_unknown_channel_names_the_contacts_row(self) -> None:
        people, touches = _tables()
        touches.loc[1, "channel"] = "fax"
        with pytest.raises(TableError, match=r"contacts row 1, column 'channel': .*unknown channel 'fax'"):
            frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)

    def test_a_missing_column_is_named(self) -> None:
        people, touches = _tables()
        with pytest.raises(InputError, match="contacts has no column 'channel'"):
            frames.assess(presets.load("abc", calendar=BERLIN), people, touches.drop(columns="channel"), as_of=AS_OF)

    def test_inputs_are_not_mutated(self) -> None:
        people, touches = _tables()
        before = people.copy(), touches.copy()
        frames.assess(presets.load("abc", calendar=BERLIN), people, touches, as_of=AS_OF)
        pd.testing.assert_frame_equal(people, before[0])
        pd.testing.assert_frame_equal(touches, before[1])


def test_import_cadence_needs_only_the_core() -> None:
    """numpy, narwhals and the table libraries load only with cadence.frames."""
    names = "('numpy', 'narwhals', 'pandas', 'polars', 'pyarrow')"
    code = f"import sys, cadence; print(sorted(m for m in {names} if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_one_customer_against_assess() -> None:
    rule_policy = policy(Rule.every("7d", grace="1d", churn_after="30d"))
    who = person()
    history = [call(berlin(2026, 2, 20, 10)), call(berlin(2026, 3, 1, 16, 30))]
    expected = assess(rule_policy, who, history, as_of=AS_OF).to_dict()
    people = pd.DataFrame([{"id": who.id, "segment": "A", "stage": who.stage, "owner": who.owner,
                            "stage_entered_at": who.stage_entered_at, "created_at": who.created_at}])  # fmt: skip
    touches = pd.DataFrame([{"customer_id": who.id, "at": c.at, "channel": c.channel.value,
                             "outcome": c.outcome.value} for c in history])  # fmt: skip
    row = frames.assess(rule_policy, people, touches, as_of=AS_OF).iloc[0]
    assert row["status"] == expected["status"]
    assert row["due_at"] == pendulum.parse(expected["due_at"])
    assert row["risk_score"] == expected["risk_score"]


_ZONES = ["Europe/Berlin", "America/New_York", "Pacific/Apia", "Australia/Lord_Howe", "America/Santiago", "UTC"]


@given(
    st.sampled_from(_ZONES),
    st.lists(st.integers(-(10**16), 3 * 10**15), max_size=30),
    st.integers(1900, 2040),
    st.lists(st.integers(-2 * 86_400, 2 * 86_400), min_size=1, max_size=40),
)
def test_local_dates_by_the_day_equal_the_zones_own(
    zone_name: str, anywhere: list[int], year: int, seconds: list[int]
) -> None:
    """The columnar engine's local dates (offsets looked up among the zone's changes) are the zone's: instants
    anywhere, and within two days of the changes of offset of a year (when it has some)."""
    zone = get_zone(zone_name, "zone")
    changes = zone.transition_dates(year) or [date(year, 6, 1).toordinal()]
    midnights = [(day - 719_163) * 86_400 * 10**6 for day in changes]  # UTC midnight of each local date
    near = [m + s * 10**6 for m in midnights for s in seconds] + [m + k * 900 * 10**6 for m in midnights
                                                                   for k in range(-96, 192)]  # fmt: skip
    us = np.array(anywhere + near, dtype=np.int64)
    assert local_ordinals(zone, us).tolist() == [zone.local_ordinal(int(u)) for u in us]


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(-3, 3), st.integers(0, CODES - 1), st.integers(-1, 2)),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([1, 1_000_000, 86_400_000_000]),
    st.booleans(),
)
def test_contacts_sort_by_customer_instant_code_and_person(rows: list[tuple[int, ...]], step: int, far: bool) -> None:
    """The contacts' sort, packed into one value when they fit (instants in steps of a microsecond, a second or
    a day) or by rows (with one instant far from the others), is the order of the tuples."""
    rows = [(who, at * step, code, by) for who, at, code, by in rows] + ([(0, 2**62 + 1, 0, -1)] if far else [])
    who, at, code, by = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    got = sorted_contacts(who, at, code, by)
    assert list(zip(*(column.tolist() for column in got), strict=True)) == sorted(rows)


def test_local_dates_on_the_days_of_change() -> None:
    """Every minute of the days Berlin changes its clocks in 2026."""
    zone = get_zone("Europe/Berlin", "zone")
    start = int(datetime(2026, 3, 28, tzinfo=timezone.utc).timestamp()) * 10**6
    autumn = int(datetime(2026, 10, 24, tzinfo=timezone.utc).timestamp()) * 10**6
    us = np.array([base + m * 60 * 10**6 for base in (start, autumn) for m in range(3 * 24 * 60)], dtype=np.int64)
    assert local_ordinals(zone, us).tolist() == [zone.local_ordinal(int(u)) for u in us]


def test_a_touchpoint_due_now_drives_the_status_and_the_reason() -> None:
    """docs/rulebook.md's touchpoints, vectorized: due the day after entry into won, then completed by a call."""
    from cadence import Touchpoint

    rule = Rule.every("1mo", touchpoints=[Touchpoint("1d", "1d", "delivery preparation"),
                                          Touchpoint("15d", "3d", "satisfaction visit")])  # fmt: skip
    won = person("won", entered=berlin(2026, 3, 2, 10))
    people = pd.DataFrame([{"id": won.id, "segment": "A", "stage": "won", "owner": won.owner,
                            "stage_entered_at": won.stage_entered_at, "created_at": won.created_at}])  # fmt: skip
    calls = [call(berlin(2026, 3, 3, 15))]
    touches = pd.DataFrame([{"customer_id": won.id, "at": c.at, "channel": "call", "outcome": "connected"}
                            for c in calls])  # fmt: skip
    for as_of, history, statuses in ((berlin(2026, 3, 3, 12), [], (2, 0)), (berlin(2026, 3, 25), calls, (0, 1))):
        expected = assess(policy(rule), won, history, as_of=as_of)
        row = frames.assess(policy(rule), people, touches.iloc[: len(history)], as_of=as_of, reasons=True).iloc[0]
        assert row["status"] == expected.status.value
        assert row["reason"] == expected.reason
        assert (row["touchpoints_pending"], row["touchpoints_missed"]) == statuses


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_customer_dates_are_read_from_the_columns_the_touchpoints_name(library: str) -> None:
    """A renewal 30 days before contract_end: a date column (pandas holds dates as midnight timestamps), nulls for
    customers without one, and a cell that is no date named by row and column."""
    from cadence import Customer, Policy, Touchpoint

    rule = Rule.every("30d", touchpoints=[Touchpoint("-30d", "7d", "renewal call", of="contract_end")])
    renewals = Policy("p", BERLIN, ["A"], {"*/*": rule})
    entered = berlin(2026, 1, 5, 9)
    ends = [date(2026, 6, 30), None, date(2026, 7, 4)]
    people = {"id": ["a", "b", "c"], "segment": ["A"] * 3, "stage": ["retention"] * 3,
              "stage_entered_at": [entered] * 3, "created_at": [entered] * 3}  # fmt: skip
    if library == "pandas":
        table = pd.DataFrame({**people, "contract_end": pd.to_datetime(ends)})
    else:
        table = pl.DataFrame({**people, "contract_end": ends})
    touches = {"customer_id": ["a", "b", "c"], "at": [berlin(2026, 5, 25, 10)] * 3, "channel": ["call"] * 3}
    contacts = pd.DataFrame(touches) if library == "pandas" else pl.DataFrame(touches)
    as_of = berlin(2026, 6, 5, 10)
    result = frames.assess(renewals, table, contacts, as_of=as_of, reasons=True)
    rows = result.to_dicts() if library == "polars" else result.to_dict("records")
    for row, end in zip(rows, ends, strict=True):
        customer = Customer(row["customer_id"], "A", "retention", entered, entered,
                            dates={} if end is None else {"contract_end": end})  # fmt: skip
        expected = assess(renewals, customer, [call(berlin(2026, 5, 25, 10))], as_of=as_of)
        assert (row["status"], row["reason"]) == (expected.status.value, expected.reason)
        assert row["due_at"] == expected.due_at
    assert rows[2]["status"] == "due"
    if library == "pandas":
        bad = pd.DataFrame({**people, "contract_end": ["2026-06-30", "soon", None]})
        with pytest.raises(
            TableError, match=r"customers row 1, column 'contract_end': Customer.dates\['contract_end'\]"
        ):
            frames.assess(renewals, bad, contacts, as_of=as_of)


def test_a_bad_date_cell_is_judged_on_every_row() -> None:
    """The review's cases: a date cell that is no date is an error on a row whose rule has no dated touchpoint too
    (as the scalar path and the CSV reader say), and a date Python cannot hold is an error, not a crash."""
    from cadence import Policy, Touchpoint

    rule = Rule.every("30d", touchpoints=[Touchpoint("-30d", "7d", "renewal call", of="contract_end")])
    renewals = Policy("p", BERLIN, ["A", "B"], {"A/*": rule, "*/*": Rule.every("30d")})
    entered = berlin(2026, 1, 5, 9)
    people = {"id": ["a", "b"], "segment": ["A", "B"], "stage": ["retention"] * 2,
              "stage_entered_at": [entered] * 2, "created_at": [entered] * 2}  # fmt: skip
    contacts = pl.DataFrame({"customer_id": ["a"], "at": [berlin(2026, 5, 25, 10)], "channel": ["call"]})
    as_of = berlin(2026, 6, 2)
    text = frames.assess(renewals, pl.DataFrame({**people, "contract_end": ["2026-06-30", "soon"]}), contacts,
                         as_of=as_of, errors="collect")  # fmt: skip
    assert text["error"].to_list()[0] is None
    assert "customers row 1, column 'contract_end'" in text["error"].to_list()[1]
    ancient = pl.DataFrame({**people, "contract_end": [date(2026, 6, 30), date(1, 1, 1)]})
    ancient = ancient.with_columns(pl.col("contract_end").dt.offset_by("-1y"))  # year 0: no Python date
    result = frames.assess(renewals, ancient, contacts, as_of=as_of, errors="collect")
    assert result["error"].to_list()[1] == (
        "customers row 1, column 'contract_end': Customer.dates['contract_end'] is out of the supported range "
        "(years 1 to 9999)"
    )
    assert result["status"].to_list()[0] is not None


_T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
_YEAR_1 = datetime(1, 1, 1, tzinfo=timezone.utc)
_PEOPLE = {"id": ["a", "b"], "segment": ["A", "B"], "stage": ["lead", "lead"], "stage_entered_at": [_T0, _T0],
           "created_at": [_T0, _T0]}  # fmt: skip
_TOUCHES = {"customer_id": ["a", "b"], "at": [_T0, _T0], "channel": ["call", "call"]}
_HOSTILE: dict[str, tuple[dict[str, list[Any]], dict[str, list[Any]]]] = {
    "float ids": ({**_PEOPLE, "id": [1.5, 2.5]}, _TOUCHES),
    "bool segments": ({**_PEOPLE, "segment": [True, False]}, _TOUCHES),
    "integer segments": ({**_PEOPLE, "segment": [1, 2]}, _TOUCHES),
    "a null segment": ({**_PEOPLE, "segment": [None, "A"]}, _TOUCHES),
    "instants as text": ({**_PEOPLE, "created_at": ["2026-03-01", "x"]}, _TOUCHES),
    "instants as integers": ({**_PEOPLE, "created_at": [1, 2]}, _TOUCHES),
    "dates for instants": ({**_PEOPLE, "created_at": [date(2026, 3, 1)] * 2}, _TOUCHES),
    "integer zones": ({**_PEOPLE, "timezone": [1, 2]}, _TOUCHES),
    "an unknown zone": ({**_PEOPLE, "timezone": ["Mars/Base", None]}, _TOUCHES),
    "flags as text": ({**_PEOPLE, "do_not_contact": ["yes", "no"]}, _TOUCHES),
    "integer owners": ({**_PEOPLE, "owner": [1, 2]}, _TOUCHES),
    "no customers": ({name: [] for name in _PEOPLE}, _TOUCHES),
    "integer channels": (_PEOPLE, {**_TOUCHES, "channel": [1, 2]}),
    "integer people": (_PEOPLE, {**_TOUCHES, "by": [1, 2]}),
    "a null channel": (_PEOPLE, {**_TOUCHES, "channel": [None, "call"]}),
    "a null customer id": (_PEOPLE, {**_TOUCHES, "customer_id": [None, "a"]}),
    "people all null": (_PEOPLE, {**_TOUCHES, "by": [None, None]}),
    "outcomes all null": (_PEOPLE, {**_TOUCHES, "outcome": [None, None]}),
    "mixed ids": ({**_PEOPLE, "id": ["a", 2]}, {**_TOUCHES, "customer_id": ["a", 2]}),
    "lists for segments": ({**_PEOPLE, "segment": [["A"], ["B"]]}, _TOUCHES),
    "lists for zones": ({**_PEOPLE, "timezone": [["UTC"], None]}, _TOUCHES),
    "the last instant": ({**_PEOPLE, "created_at": [datetime(9999, 12, 31, tzinfo=timezone.utc)] * 2}, _TOUCHES),
    "year 1": ({**_PEOPLE, "created_at": [_YEAR_1] * 2, "stage_entered_at": [_YEAR_1] * 2}, _TOUCHES),
}


@pytest.mark.parametrize("library", ["pandas", "polars"])
@pytest.mark.parametrize("case", list(_HOSTILE))
def test_hostile_tables_give_an_answer_or_a_cadence_error(case: str, library: str) -> None:
    """Columns of the wrong type, nulls, unknown values, instants at the ends of the range: never a raw error
    from a table library or numpy, in either mode."""
    people, touches = _HOSTILE[case]
    make: Any = pd.DataFrame if library == "pandas" else (lambda data: pl.DataFrame(data, strict=False))
    policy_ = presets.load("abc", calendar=BERLIN)
    for errors in ("raise", "collect"):
        with contextlib.suppress(CadenceError):
            frames.assess(policy_, make(people), make(touches), as_of=AS_OF, errors=errors)  # type: ignore[arg-type]
