"""Durations: parsing, kinds, representations and errors."""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence import (
    BusinessDays,
    BusinessHours,
    Calendar,
    CalendarDuration,
    Cap,
    Duration,
    DurationError,
    ExactDuration,
    InputTypeError,
    Rule,
    business_days,
    business_hours,
    business_minutes,
    days,
    hours,
    minutes,
    months,
    parse_duration,
    seconds,
    weeks,
)


class TestParseDuration:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("7d", days(7)),
            ("24h", hours(24)),
            ("2w", days(14)),
            ("1mo", months(1)),
            ("3 days", days(3)),
            ("1 month", months(1)),
            ("90m", minutes(90)),
            ("45s", seconds(45)),
            ("1h30m", minutes(90)),
            ("P7D", days(7)),
            ("PT24H", hours(24)),
            ("P2W", days(14)),
            ("P1Y", months(12)),
            ("P1M2D", CalendarDuration(months=1, days=2)),
            ("PT1H30M", minutes(90)),
            ("p7d", days(7)),
            ("  7 D ", days(7)),
            ("-1d", days(-1)),
            ("0h", hours(0)),
            ("0d", days(0)),
            ("3bd", business_days(3)),
            ("3 business days", business_days(3)),
            ("1 Business Day", business_days(1)),
            ("4bh", business_hours(4)),
            ("4 business hours", business_hours(4)),
            ("90bm", business_minutes(90)),
            ("1bh30bm", business_minutes(90)),
            ("-2bd", business_days(-2)),
        ],
    )
    def test_short_and_iso_forms(self, text: str, expected: object) -> None:
        assert parse_duration(text) == expected

    def test_kinds_are_separate_types(self) -> None:
        """24 hours is exact; 1 day is counted on local dates; they are never equal."""
        assert isinstance(parse_duration("24h"), ExactDuration)
        assert isinstance(parse_duration("1d"), CalendarDuration)
        assert parse_duration("24h") != parse_duration("1d")
        assert not parse_duration("24h").is_calendar
        assert parse_duration("1d").is_calendar

    def test_business_kinds(self) -> None:
        """Business days are day-granular like calendar days; business hours end at an exact instant."""
        assert isinstance(parse_duration("3bd"), BusinessDays)
        assert isinstance(parse_duration("4bh"), BusinessHours)
        assert (business_days(1).is_calendar, business_days(1).is_business) == (True, True)
        assert (business_hours(1).is_calendar, business_hours(1).is_business) == (False, True)
        assert not days(1).is_business
        assert not hours(1).is_business
        assert business_days(1) != days(1)
        assert business_hours(1) != hours(1)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("7x", r'duration: "7x" is not a duration \(try "7d" or "P7D"\)'),
            ("7", r'"7" is not a duration'),
            ("", r'"" is not a duration'),
            ("d", r'"d" is not a duration'),
            ("P", r'"P" is not an ISO 8601 duration'),
            ("P1H", r'"P1H" is not an ISO 8601 duration'),
            ("PT", r'"PT" is not an ISO 8601 duration'),
            ("1d12h", "mixes calendar units"),
            ("P1DT12H", "mixes calendar units"),
            ("1bd4bh", "mixes business days with business hours"),
            ("2d1bd", r"mixes calendar units \(days, weeks, months\) with business days"),
            ("4h1bh", r"mixes exact units \(hours, minutes, seconds\) with business hours"),
            ("3 business", r'"3 business" is not a duration'),
            ("P3BD", "is not an ISO 8601 duration"),
        ],
    )
    def test_errors_name_the_text(self, text: str, message: str) -> None:
        with pytest.raises(DurationError, match=message):
            parse_duration(text)

    def test_field_name_in_errors(self) -> None:
        with pytest.raises(DurationError, match=r"^rules\[3\]\.interval: \"7x\""):
            parse_duration("7x", field="rules[3].interval")

    @pytest.mark.parametrize("value", ["7x", "P1H", "1d12h", "9" * 101, 7])
    def test_errors_carry_the_field_and_the_value(self, value: object) -> None:
        with pytest.raises((DurationError, InputTypeError)) as caught:
            parse_duration(value, field="rules[3].interval")  # type: ignore[arg-type]
        assert (caught.value.field, caught.value.value) == ("rules[3].interval", value)  # type: ignore[union-attr]

    def test_not_a_string(self) -> None:
        with pytest.raises(InputTypeError, match="expected a duration or a string"):
            parse_duration(7)  # type: ignore[arg-type]

    def test_a_duration_passes_through(self) -> None:
        assert parse_duration(days(3)) == days(3)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (timedelta(hours=36), hours(36)),
            (timedelta(days=1), hours(24)),  # elapsed time, never a count of local dates
            (timedelta(minutes=90), minutes(90)),
            (timedelta(0), seconds(0)),
            (timedelta(hours=-2), hours(-2)),  # negative: refused where a positive duration is needed
            (timedelta(days=-1, seconds=86_399), seconds(-1)),
        ],
    )
    def test_a_timedelta_of_whole_seconds_is_exact(self, value: timedelta, expected: ExactDuration) -> None:
        assert parse_duration(value) == expected

    def test_a_timedelta_with_a_fraction_of_a_second_is_refused(self) -> None:
        with pytest.raises(DurationError, match=r"^Rule.grace: datetime.timedelta\(seconds=1, microseconds=500\) is "
                           r"not a whole number of seconds") as caught:  # fmt: skip
            parse_duration(timedelta(seconds=1, microseconds=500), field="Rule.grace")
        assert (caught.value.field, caught.value.value) == ("Rule.grace", timedelta(seconds=1, microseconds=500))

    def test_a_timedelta_is_accepted_wherever_a_duration_is(self) -> None:
        """Rule fields, the rulebook's records and `Calendar.add` all read durations with `parse_duration`."""
        rule = Rule.every(timedelta(days=2), grace=timedelta(hours=4), cap=Cap(min_gap=timedelta(hours=12)))
        assert (rule.intervals, rule.grace, rule.cap.min_gap) == ((hours(48),), hours(4), hours(12))  # type: ignore[union-attr]
        assert Rule.sequence(timedelta(hours=1), "2h").intervals == (hours(1), hours(2))
        start = pendulum.datetime(2026, 3, 28, 12, tz="Europe/Berlin")  # the day before clocks go forward
        assert Calendar("Europe/Berlin").add(start, timedelta(days=1)) == start.add(hours=24)  # type: ignore[arg-type]


class TestRepresentations:
    @pytest.mark.parametrize(
        ("duration", "text", "short", "rep"),
        [
            (days(1), "1 day", "1d", "days(1)"),
            (weeks(2), "14 days", "14d", "days(14)"),
            (months(3), "3 months", "3mo", "months(3)"),
            (CalendarDuration(months=1, days=2), "1 month 2 days", "1mo2d", "CalendarDuration(months=1, days=2)"),
            (hours(24), "24 hours", "24h", "hours(24)"),
            (minutes(90), "90 minutes", "90m", "minutes(90)"),
            (seconds(45), "45 seconds", "45s", "seconds(45)"),
            (days(-1), "-1 day", "-1d", "days(-1)"),
            (business_days(3), "3 business days", "3bd", "business_days(3)"),
            (business_days(1), "1 business day", "1bd", "business_days(1)"),
            (business_hours(4), "4 business hours", "4bh", "business_hours(4)"),
            (business_minutes(90), "90 business minutes", "90bm", "business_minutes(90)"),
            (BusinessHours(45), "45 business seconds", "45bs", "BusinessHours(45)"),
        ],
    )
    def test_str_short_and_repr(self, duration: object, text: str, short: str, rep: str) -> None:
        assert str(duration) == text
        assert duration.short() == short  # type: ignore[attr-defined]
        assert repr(duration) == rep

    @given(
        st.one_of(
            st.integers(0, 10**6).map(seconds),
            st.builds(CalendarDuration, months=st.integers(0, 200), days=st.integers(0, 5000)),
            st.integers(0, 5000).map(business_days),
            st.integers(0, 10**6).map(BusinessHours),
        )
    )
    def test_short_form_parses_back(self, duration: ExactDuration | CalendarDuration) -> None:
        assert parse_duration(duration.short()) == duration

    def test_durations_are_immutable_and_hashable(self) -> None:
        assert {days(7), weeks(1), hours(1), minutes(60)} == {days(7), hours(1)}
        with pytest.raises(AttributeError):
            days(7).days = 8  # type: ignore[misc]


# How long each kind of duration is: (duration, bounds in seconds, approx_seconds).
SIZES = [
    (hours(24), (86_400, 86_400), 86_400),  # exact: one length
    (seconds(0), (0, 0), 0),
    (days(1), (86_400, 86_400), 86_400),  # a day counts as 24 hours, even the 23- or 25-hour one
    (weeks(2), (14 * 86_400, 14 * 86_400), 14 * 86_400),
    (months(1), (28 * 86_400, 31 * 86_400), 2_630_016),  # 28 to 31 days; 30.44 days
    (CalendarDuration(months=2, days=3), (59 * 86_400, 65 * 86_400), 2 * 2_630_016 + 3 * 86_400),
    (business_days(1), (86_400, 3 * 86_400), 120_960),  # Friday to Monday; 7/5 of a day
    (business_days(5), (5 * 86_400, 7 * 86_400), 7 * 86_400),
    (business_days(6), (6 * 86_400, 10 * 86_400), 6 * 120_960),
    (business_hours(4), (4 * 3600, 4 * 86_400), 4 * 3600),  # up to the business day that holds them, plus a day
    (business_hours(9), (9 * 3600, 5 * 86_400), 9 * 3600),  # two business days at 8 hours a day
    (business_hours(0), (0, 0), 0),
    (days(-2), (-2 * 86_400, -2 * 86_400), -2 * 86_400),  # a negative duration: the negated bounds of its size
    (months(-1), (-31 * 86_400, -28 * 86_400), -2_630_016),
    (business_days(-1), (-3 * 86_400, -86_400), -120_960),
    (business_hours(-4), (-4 * 86_400, -4 * 3600), -4 * 3600),
]


class TestSizes:
    @pytest.mark.parametrize(("duration", "bounds", "approx"), SIZES)
    def test_bounds_and_approximation(self, duration: Duration, bounds: tuple[int, int], approx: int) -> None:
        assert duration.bounds() == bounds
        assert duration.approx_seconds() == approx

    @given(
        st.one_of(
            st.integers(-(10**6), 10**6).map(seconds),
            st.builds(CalendarDuration, months=st.integers(-200, 200), days=st.integers(-5000, 5000)),
            st.integers(-5000, 5000).map(business_days),
            st.integers(-(10**6), 10**6).map(BusinessHours),
        )
    )
    def test_the_approximation_lies_within_the_bounds(self, duration: Duration) -> None:
        """Shortest <= typical <= longest, whatever the kind and sign (a typical month lies between 28 and 31
        days; a business hour's working time is its shortest span)."""
        low, high = duration.bounds()
        assert low <= duration.approx_seconds() <= high
