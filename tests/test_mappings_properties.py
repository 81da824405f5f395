"""The property of import mappings: any supported shape of the same data reads back to the same assessments."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence import Contact, Customer, Deferral, assess_many, mappings, presets, sample
from cadence.csv_files import RowError, read_contacts, read_customers

POLICY = presets.load("abc", calendar="Europe/Berlin")
DATA = sample.generate(POLICY, customers=25, seed=5)
CHINESE = mappings.load("jiandaoyun")
FORMATS = ("%Y/%m/%d %H:%M", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M")
ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York")
CUSTOMER_COLUMNS = ("id", "segment", "stage", "stage_entered_at", "created_at", "timezone", "owner")
CONTACT_COLUMNS = ("customer_id", "at", "channel", "direction", "outcome", "by", "until")


def wall(value: datetime, zone: str, form: str) -> tuple[str, datetime]:
    """``value`` written as a wall time in ``zone`` in ``form``, and the instant a mapping that reads repeated
    wall times as the earlier one gives back (the text keeps only what ``form`` holds)."""
    text = value.astimezone(ZoneInfo(zone)).strftime(form)
    read = datetime.strptime(text, form).replace(tzinfo=ZoneInfo(zone), fold=0)
    return text, read


def canonical(people: list[dict[str, object]], touches: list[dict[str, object]]) -> tuple[list, dict]:
    """The data as cadence's own CSV files, read back: what the mapped files must give."""
    errors: list[RowError] = []

    def lines(rows: list[dict[str, object]], columns: tuple[str, ...]) -> list[str]:
        out = io.StringIO()
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v.isoformat() if isinstance(v, datetime) else (v or "") for k, v in row.items()})
        return out.getvalue().splitlines(keepends=True)

    found = read_customers(lines(people, CUSTOMER_COLUMNS), "customers.csv", POLICY, errors)
    histories = read_contacts(lines(touches, CONTACT_COLUMNS), "contacts.csv", {c.id for c in found}, errors)
    assert errors == []
    return found, histories


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone=st.sampled_from(ZONES),
    form=st.sampled_from(FORMATS),
    chinese=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    workbook=st.booleans(),
)
def test_any_shape_of_the_data_reads_back_to_the_same_assessments(
    tmp_path_factory: object, zone: str, form: str, chinese: bool, encoding: str, workbook: bool
) -> None:
    """The sample written with other column names (Chinese or prefixed), wall times in a zone in a format, the
    Chinese words for channels, directions and outcomes (or cadence's), in an encoding or as a workbook, read
    through the matching mapping, gives the assessments of cadence's own files of the same data."""
    folder = Path(tmp_path_factory.mktemp("shape"))  # type: ignore[attr-defined]
    columns = {
        "customers": dict(CHINESE.customers) if chinese else {f: f"Customer {f}" for f in CUSTOMER_COLUMNS[:5]},
        "contacts": dict(CHINESE.contacts) if chinese else {f: f"Activity {f}" for f in CONTACT_COLUMNS[:6]},
    }
    words = (
        {
            field: {meant: word for word, meant in CHINESE.vocabulary[field].items()}
            for field in ("channel", "direction", "outcome")
        }
        if chinese
        else {}
    )
    mapping = mappings.Mapping(
        timezone=zone,
        timestamp_formats=(form,),
        ambiguous="earlier",
        nonexistent="later",
        customers=columns["customers"],
        contacts=columns["contacts"],
        vocabulary=CHINESE.vocabulary if chinese else None,
    )
    people, touches, raw_people, raw_touches = [], [], [], []
    for customer in DATA.customers:
        entered, entered_at = wall(customer.stage_entered_at, zone, form)
        created, created_at = wall(customer.created_at, zone, form)
        people.append(
            {
                "id": customer.id,
                "segment": customer.segment,
                "stage": customer.stage,
                "stage_entered_at": entered_at,
                "created_at": created_at,
                "owner": customer.owner,
            }
        )
        raw_people.append(
            {
                "id": customer.id,
                "segment": customer.segment,
                "stage": customer.stage,
                "stage_entered_at": entered,
                "created_at": created,
                "owner": customer.owner,
            }
        )
        for event in DATA.contacts[customer.id]:
            at, at_read = wall(event.at, zone, form)
            if isinstance(event, Deferral):
                until = event.until.isoformat()
                touches.append({"customer_id": customer.id, "at": at_read, "by": event.by, "until": until})
                raw_touches.append({"customer_id": customer.id, "at": at, "by": event.by, "until": until})
                continue
            assert isinstance(event, Contact)
            kinds = {"channel": event.channel.value, "direction": event.direction.value, "outcome": event.outcome.value}
            touches.append({"customer_id": customer.id, "at": at_read, **kinds, "by": event.by})
            shown = {field: words.get(field, {}).get(value, value) for field, value in kinds.items()}
            raw_touches.append({"customer_id": customer.id, "at": at, **shown, "by": event.by})
    expected_people, expected_touches = canonical(people, touches)

    def write(name: str, rows: list[dict[str, object]], table: str) -> str:
        named = columns[table]
        header = [named.get(field, field) for field in (CUSTOMER_COLUMNS if table == "customers" else CONTACT_COLUMNS)]
        fields = CUSTOMER_COLUMNS if table == "customers" else CONTACT_COLUMNS
        cells = [[row.get(field) or "" for field in fields] for row in rows]
        if workbook:
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(header)
            for line in cells:
                sheet.append(line)
            path = folder / f"{name}.xlsx"
            book.save(path)
            return str(path)
        path = folder / f"{name}.csv"
        text = io.StringIO()
        csv.writer(text).writerows([header, *cells])
        path.write_bytes(text.getvalue().encode(encoding))
        return str(path)

    errors: list[RowError] = []
    customers = mappings.read_customers(
        write("c", raw_people, "customers"), mapping, POLICY, errors, encoding=None if workbook else encoding
    )
    histories = mappings.read_contacts(
        write("k", raw_touches, "contacts"),
        mapping,
        {c.id for c in customers},
        errors,
        encoding=None if workbook else encoding,
    )
    assert errors == []
    as_of = datetime(2026, 3, 31, 7, tzinfo=timezone.utc)
    expected = assess_many(POLICY, expected_people, expected_touches, as_of=as_of)
    found = assess_many(POLICY, customers, histories, as_of=as_of)
    for got, want in zip(found, expected, strict=True):
        got_row, want_row = got.to_dict(), want.to_dict()
        assert got_row == want_row, {k: (got_row[k], want_row[k]) for k in got_row if got_row[k] != want_row[k]}
    assert [c.id for c in customers] == [c.id for c in DATA.customers]
    assert isinstance(customers[0], Customer)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]),
    year=st.integers(2024, 2027),
    which=st.integers(0, 3),
    minutes=st.integers(-3 * 60, 27 * 60),
    choice=st.sampled_from([("raise", "raise"), ("earlier", "later"), ("later", "later")]),
)
def test_the_fast_date_time_reader_agrees_with_the_general_one(
    zone: str, year: int, which: int, minutes: int, choice: tuple[str, str]
) -> None:
    """A "date time" format is read by a reader that takes each distinct date and time of day once; a format of
    another shape by the general path. On every wall time (near daylight-saving changes too), both give the same
    instant or the same error."""
    from datetime import date, timedelta

    from cadence._time import get_zone

    changes = sorted(get_zone(zone, "zone").transition_dates(year))  # the local dates whose offset changes
    day = date.fromordinal(changes[which % len(changes)]) if changes else date(year, 3, 29)
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    fast = mappings.Mapping(
        timezone=zone, timestamp_formats=("%Y-%m-%d %H:%M",), ambiguous=choice[0], nonexistent=choice[1]
    )
    general = mappings.Mapping(
        timezone=zone, timestamp_formats=("%Y-%m-%dT%H:%M",), ambiguous=choice[0], nonexistent=choice[1]
    )
    assert fast._day_time is not None
    assert general._day_time is None
    results = []
    for mapping, text in ((fast, wall.strftime("%Y-%m-%d %H:%M")), (general, wall.strftime("%Y-%m-%dT%H:%M"))):
        try:
            results.append(mapping.instant(text).astimezone(timezone.utc))
        except Exception as error:
            results.append(type(error).__name__)
    assert results[0] == results[1]
