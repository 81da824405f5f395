"""Local-date arithmetic on integer instants: the DST catalogue, month ends, and the hourly offset cache."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import call, customer, policy_with, t
from cadence import Customer, InputError, PolicyError, Rule, assess
from cadence._time import _UNKNOWN_RULES, DAY_US, US, Zone, add_calendar, get_zone, instant_us
from strategies import ZONES, aware_datetimes

# The DST catalogue: (zone, local date, the first instant of that date, what is special about it).
DAY_STARTS = [
    # 23-hour day: clocks go 02:00 -> 03:00; midnight exists
    ("Europe/Berlin", "2026-03-29", "2026-03-29T00:00:00+01:00"),
    # 25-hour day: clocks go 03:00 -> 02:00
    ("Europe/Berlin", "2026-10-25", "2026-10-25T00:00:00+02:00"),
    ("Europe/Berlin", "2026-10-26", "2026-10-26T00:00:00+01:00"),
    # New York springs forward at 02:00
    ("America/New_York", "2026-03-08", "2026-03-08T00:00:00-05:00"),
    ("America/New_York", "2026-03-09", "2026-03-09T00:00:00-04:00"),
    # half-hour shift: 02:00 -> 02:30
    ("Australia/Lord_Howe", "2026-10-04", "2026-10-04T00:00:00+10:30"),
    ("Australia/Lord_Howe", "2026-10-05", "2026-10-05T00:00:00+11:00"),
    # DST starts at midnight: 00:00 -> 01:00, so the day starts at 01:00
    ("America/Santiago", "2026-09-06", "2026-09-06T01:00:00-03:00"),
    ("America/Sao_Paulo", "2018-11-04", "2018-11-04T01:00:00-02:00"),
    ("America/Havana", "2026-03-08", "2026-03-08T01:00:00-04:00"),
    # DST ends at 24:00 -> 23:00: the next midnight is unambiguous
    ("America/Santiago", "2026-04-05", "2026-04-05T00:00:00-04:00"),
    # DST ends at 01:00 -> 00:00: midnight happens twice; the day starts at the first one
    ("America/Havana", "2026-11-01", "2026-11-01T00:00:00-04:00"),
    # 30 December 2011 was skipped in Apia (-10 -> +14): it "starts" at the first instant after it
    ("Pacific/Apia", "2011-12-30", "2011-12-31T00:00:00+14:00"),
    ("Pacific/Apia", "2011-12-29", "2011-12-29T00:00:00-10:00"),
    ("Pacific/Apia", "2011-12-31", "2011-12-31T00:00:00+14:00"),
    # no DST at all
    ("Asia/Shanghai", "2026-03-29", "2026-03-29T00:00:00+08:00"),
]


class TestDayStart:
    @pytest.mark.parametrize(("zone", "day", "start"), DAY_STARTS)
    def test_dst_catalogue(self, zone: str, day: str, start: str) -> None:
        """The first instant of each local date, across every kind of transition."""
        assert get_zone(zone, "zone").day_start(date.fromisoformat(day).toordinal()) == instant_us(t(start), "start")

    @given(st.sampled_from(ZONES), aware_datetimes())
    def test_local_ordinal_matches_the_stdlib(self, zone: str, value: datetime) -> None:
        """The hourly offset cache gives the same local date as a full conversion, in every zone."""
        z = get_zone(zone, "zone")
        assert z.local_ordinal(instant_us(value, "value")) == value.astimezone(z.stdlib_tz).toordinal()

    @pytest.mark.parametrize(
        ("zone", "skipped"),
        [
            ("Pacific/Apia", ["2011-12-30"]),
            ("Pacific/Kwajalein", ["1993-08-21"]),
            ("Pacific/Kiritimati", ["1994-12-31"]),
            ("Europe/Berlin", []),
            ("America/Santiago", []),  # midnight skipped, never a whole date
        ],
    )
    def test_dates_a_zone_skipped(self, zone: str, skipped: list[str]) -> None:
        """The dates a change of offset jumped over entirely: no instant has them, and their day start is the next
        date's."""
        z = get_zone(zone, "zone")
        found = z.skipped_dates(date(1900, 1, 1).toordinal(), date(2100, 1, 1).toordinal())
        assert found == [date.fromisoformat(day).toordinal() for day in skipped]
        assert all(z.day_start(day) == z.day_start(day + 1) for day in found)

    def test_local_ordinal_in_an_hour_with_a_transition(self) -> None:
        """Lord Howe changes by 30 minutes at 15:30 UTC: the hour holding that change is computed exactly."""
        z = get_zone("Australia/Lord_Howe", "zone")
        before = instant_us(t("2026-10-04T01:59:59+10:30"), "x")
        after = instant_us(t("2026-10-04T02:30:00+11:00"), "x")
        assert z.local_ordinal(before) == z.local_ordinal(after) == date(2026, 10, 4).toordinal()


class TestOffsetsBetween:
    @given(
        st.sampled_from([*ZONES, "Africa/Casablanca", "Europe/Dublin"]),
        st.integers(-60 * 365, 80 * 365),
        st.integers(0, DAY_US - 1),
        st.integers(0, 900),
    )
    def test_the_changes_are_the_zones_own(self, key: str, day: int, micro: int, days: int) -> None:
        """The changes of offset between two instants, read from the zone's data, are the ones a scan of the
        offsets finds (the path for a zone whose data cannot be read), and give each instant its offset; a change
        of name or of daylight saving alone (Casablanca, October 2018) is none."""
        first = day * DAY_US + micro  # instants off the whole second too: changes come at whole seconds
        last = first + days * DAY_US + micro // 3
        zone = get_zone(key, "zone")
        changes, offsets = zone.offsets_between(first, last)
        scanning = Zone(key)
        scanning._rules = ([], _UNKNOWN_RULES, 10_000)
        assert scanning.offsets_between(first, last) == (changes, offsets)
        assert all(first < change <= last for change in changes)
        assert changes == sorted(changes)
        assert all(a != b for a, b in itertools.pairwise(offsets))
        for index, change in enumerate(changes):
            assert zone.offset(change - US) == offsets[index]
            assert zone.offset(change) == offsets[index + 1]

    def test_berlin_2026(self) -> None:
        zone = get_zone("Europe/Berlin", "zone")
        first, last = instant_us(t("2026-01-01T00:00:00+01:00"), "x"), instant_us(t("2026-12-31T00:00:00+01:00"), "x")
        changes = [instant_us(t("2026-03-29T01:00:00Z"), "x"), instant_us(t("2026-10-25T01:00:00Z"), "x")]
        assert zone.offsets_between(first, last) == (changes, [3600, 7200, 3600])

    def test_a_scan_finds_a_change_between_fractions_of_a_second(self) -> None:
        """Santiago ends daylight saving at 03:00:00 UTC on 5 April 2026: found to the second from instants that
        are not whole seconds (a bisection of microseconds once missed it, or never ended)."""
        zone = Zone("America/Santiago")
        zone._rules = ([], _UNKNOWN_RULES, 10_000)
        change = instant_us(t("2026-04-05T03:00:00Z"), "x")
        assert zone.offsets_between(change - DAY_US + 500_000, change + 200_000) == ([change], [-10_800, -14_400])
        assert zone.offsets_between(change - 4 * DAY_US, change + 200_000) == ([change], [-10_800, -14_400])


class TestAddCalendar:
    @pytest.mark.parametrize(
        ("start", "months", "days", "end"),
        [
            ("2026-01-31", 1, 0, "2026-02-28"),
            ("2028-01-31", 1, 0, "2028-02-29"),
            ("2026-05-31", -1, 0, "2026-04-30"),
            ("2026-01-15", 1, 20, "2026-03-07"),
            ("2026-12-31", 14, 0, "2028-02-29"),
            ("2026-03-10", 0, -10, "2026-02-28"),
        ],
    )
    def test_months_clamp_then_days_add(self, start: str, months: int, days: int, end: str) -> None:
        assert add_calendar(date.fromisoformat(start).toordinal(), months, days) == date.fromisoformat(end).toordinal()

    def test_out_of_range_years(self) -> None:
        with pytest.raises(InputError, match="supported range of years"):
            add_calendar(date(9999, 12, 1).toordinal(), 1, 0)

    def test_due_date_past_year_9999_is_an_input_error(self) -> None:
        """60 days after December 9999 does not exist: the library's error, not a bare ValueError."""
        late = t("9999-12-01T00:00:00+00:00")
        policy = policy_with(Rule.every("60d"))
        with pytest.raises(InputError, match="supported range of years 1-9999"):
            assess(policy, Customer("c", "A", "lead", late, late), [], as_of=late)


class TestDstThroughTheCalculator:
    def test_berlin_25_hour_day(self) -> None:
        """1 day after Saturday noon is due Sunday 00:00 (+02:00) and overdue Monday 00:00 (+01:00), 25 h later."""
        result = assess(
            policy_with(Rule.every("1d")),
            customer("2026-01-05T09:00:00+01:00"),
            [call("2026-10-24T12:00:00+02:00")],
            as_of=t("2026-10-25T12:00:00+01:00"),
        )
        assert result.due_at == t("2026-10-25T00:00:00+02:00")
        assert result.overdue_at == t("2026-10-26T00:00:00+01:00")
        assert result.overdue_at - result.due_at == timedelta(hours=25)  # type: ignore[operator]

    def test_new_york_23_hour_day(self) -> None:
        result = assess(
            policy_with(Rule.every("1d"), tz="America/New_York"),
            customer("2026-01-05T09:00:00-05:00"),
            [call("2026-03-07T21:00:00-05:00")],
            as_of=t("2026-03-08T12:00:00-04:00"),
        )
        assert result.due_at == t("2026-03-08T00:00:00-05:00")
        assert result.overdue_at == t("2026-03-09T00:00:00-04:00")

    def test_lord_howe_half_hour_shift_with_exact_hours(self) -> None:
        result = assess(
            policy_with(Rule.every("24h"), tz="Australia/Lord_Howe"),
            customer("2026-01-05T09:00:00+11:00"),
            [call("2026-10-03T12:00:00+10:30")],
            as_of=t("2026-10-04T09:00:00+11:00"),
        )
        assert result.due_at == t("2026-10-04T12:30:00+11:00")

    def test_santiago_due_date_whose_midnight_is_skipped(self) -> None:
        result = assess(
            policy_with(Rule.every("2d"), tz="America/Santiago"),
            customer("2026-01-05T09:00:00-03:00"),
            [call("2026-09-04T15:00:00-04:00")],
            as_of=t("2026-09-05T12:00:00-04:00"),
        )
        assert result.due_at == t("2026-09-06T01:00:00-03:00")

    def test_apia_skipped_day_is_due_and_overdue_at_once(self) -> None:
        """Due on 30 December 2011, a date Apia never had: due and overdue from the first instant after it."""
        result = assess(
            policy_with(Rule.every("1d"), tz="Pacific/Apia"),
            customer("2011-11-01T09:00:00-10:00"),
            [call("2011-12-29T10:00:00-10:00")],
            as_of=t("2011-12-31T00:00:00+14:00"),
        )
        assert result.due_at == t("2011-12-31T00:00:00+14:00")
        assert result.overdue_at == result.due_at
        assert result.status.value == "overdue"


class TestZones:
    def test_unknown_zone(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.calendar: unknown time zone 'Mars/Olympus'"):
            policy_with(Rule.every("1d"), tz="Mars/Olympus")

    def test_customer_zone_errors_are_input_errors(self) -> None:
        with pytest.raises(InputError, match=r"Customer.timezone: unknown time zone 'Europe/Berlinn'"):
            customer("2026-01-05T09:00:00+01:00", tz="Europe/Berlinn")

    def test_output_instants_are_pendulum_in_the_zone_used(self) -> None:
        contact = call("2026-03-02T10:00:00+05:45")
        result = assess(
            policy_with(Rule.every("1d"), tz="Asia/Kathmandu"),
            customer("2026-01-05T09:00:00+05:45"),
            [contact],
            as_of=datetime(2026, 3, 2, 12, tzinfo=timezone.utc),
        )
        assert isinstance(result.due_at, pendulum.DateTime)
        assert result.due_at.timezone_name == "Asia/Kathmandu"
        assert result.as_of.isoformat() == "2026-03-02T17:45:00+05:45"
        assert contact.at == result.anchor_at
