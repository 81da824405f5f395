"""Business calendars: construction and errors, working-date and working-hour arithmetic, and the calculator on them.

Dates used: 6 March 2026 is a Friday; Europe/Berlin switches to summer time on Sunday 29 March 2026 (02:00 ->
03:00) and back on Sunday 25 October 2026; America/New_York switches on Sunday 8 March 2026.
"""

from __future__ import annotations

import sys
import warnings
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cadence
from builders import BERLIN, berlin, lead, policy
from cadence import (
    Calendar,
    DaysOff,
    InputError,
    InputTypeError,
    PolicyError,
    Rule,
    Status,
    Weekday,
    assess,
    business_days,
)
from cadence._time import get_zone, instant_us
from strategies import aware_datetimes, calendars, night_calendars, zone_names


def naive_nth_after(calendar: Calendar, day: date, n: int) -> date:
    """The reference: walk day by day, reading the calendar's fields directly (and the zone: a date it skipped,
    whose noon comes back as another date, is no working date)."""
    tz = ZoneInfo(calendar.timezone)

    def exists(d: date) -> bool:
        noon = datetime(d.year, d.month, d.day, 12, tzinfo=tz)
        return noon.astimezone(timezone.utc).astimezone(tz).date() == d

    def working(d: date) -> bool:
        listed = d in calendar.extra_workdays or (d.weekday() in calendar.workdays and d not in calendar.holidays)
        return listed and exists(d)

    while n:
        day += timedelta(days=1)
        n -= working(day)
    return day


class TestCalendar:
    def test_defaults_are_monday_to_friday_all_day(self) -> None:
        cal = Calendar(BERLIN)
        assert cal.workdays == (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
        assert cal.hours is None
        assert cal.is_working_day(date(2026, 3, 6))
        assert not cal.is_working_day(date(2026, 3, 7))

    @pytest.mark.parametrize(
        "workdays",
        ["mon-fri", "Mon - Fri", ["mon", "tue", "wed", "thu", "fri"], [0, 1, 2, 3, 4], "monday-thursday, fri"],
    )
    def test_workdays_spellings(self, workdays: object) -> None:
        assert Calendar("UTC", workdays=workdays) == Calendar("UTC")

    def test_hours_spellings(self) -> None:
        one = Calendar("UTC", hours="09:00-12:00, 13:30-18:00")
        assert one == Calendar("UTC", hours=["13:30-18:00", "09:00-12:00"])
        assert one == Calendar("UTC", hours={"mon-sun": "09:00-12:00,13:30-18:00"})
        assert one.hours is not None
        assert one.hours[Weekday.MON] == ((9 * 3600, 12 * 3600), (13 * 3600 + 1800, 18 * 3600))

    def test_equal_by_value_and_hashable(self) -> None:
        a = Calendar(BERLIN, holidays=["2026-12-25", date(2026, 12, 24)], hours="09:00-17:00")
        b = Calendar(BERLIN, holidays={date(2026, 12, 24), date(2026, 12, 25)}, hours=["09:00-17:00"])
        assert a == b
        assert len({a, b}) == 1
        assert a != attrs.evolve(a, timezone="UTC")

    def test_evolve_keeps_everything(self) -> None:
        cal = Calendar(BERLIN, hours={"mon-thu": "09:00-17:00", "fri": "09:00-13:00"}, holidays=["2026-12-25"])
        moved = cal.in_zone("America/New_York")
        assert moved.timezone == "America/New_York"
        assert (moved.hours, moved.holidays, moved.workdays) == (cal.hours, cal.holidays, cal.workdays)
        assert attrs.evolve(moved, timezone=BERLIN) == cal

    def test_repr_reads_like_the_call(self) -> None:
        cal = Calendar("UTC", hours="09:00-18:00", holidays=["2026-01-01"])
        assert repr(cal) == (
            "Calendar(timezone='UTC', workdays=(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI), "
            "hours='09:00-18:00', holidays=frozenset({datetime.date(2026, 1, 1)}), extra_workdays=frozenset(), "
            "hours_zone=None, holiday_years=None)"
        )

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"timezone": "Mars/Olympus"}, r"Calendar.timezone: unknown time zone 'Mars/Olympus'"),
            ({"timezone": None}, r"Calendar.timezone must be an IANA time zone name"),
            ({"workdays": []}, r"Calendar.workdays must name at least one weekday: a calendar with no working day"),
            ({"workdays": "fri-mon"}, r"Calendar.workdays: the range 'fri-mon' runs backwards"),
            ({"workdays": ["mon", "funday"]}, r"Calendar.workdays: 'funday' is not a weekday"),
            ({"workdays": [7]}, r"Calendar.workdays: 7 is not a weekday"),
            ({"hours": "09:00-12:00, 11:00-13:00"}, r"Calendar.hours: working hours 09:00-12:00, 11:00-13:00 overlap"),
            ({"hours": "09:00-09:00"}, r"Calendar.hours: '09:00-09:00' is empty"),
            ({"hours": "18:00-10:00, 09:00-12:00"}, r"Calendar.hours: mon's 18:00-10:00 runs past midnight into tue"),
            ({"hours": "9am-5pm"}, r"Calendar.hours: '9am' is not a time of day"),
            ({"hours": "09:00-24:30"}, r"'24:30' is not a time of day"),
            ({"hours": "09:00"}, r"Calendar.hours: '09:00' is not an interval"),
            ({"hours": [9, 17]}, r"Calendar.hours: working hours must be strings"),
            ({"hours": {"mon-thu": "09:00-17:00"}}, r"Calendar.hours: fri is a working day but has no working hours"),
            ({"hours": {"mon-fri": "09:00-17:00", "fri": "09:00-12:00"}}, r"Calendar.hours\[fri\]: fri has .* twice"),
            ({"holidays": ["2026-13-01"]}, r"Calendar.holidays: '2026-13-01' is not a date \(use YYYY-MM-DD\)"),
            ({"holidays": [datetime(2026, 1, 1, tzinfo=timezone.utc)]}, r"Calendar.holidays: .* is not a date"),
            ({"holidays": "2026-01-01"}, r"Calendar.holidays must be a collection of dates"),
            (
                {"holidays": ["2026-10-10"], "extra_workdays": ["2026-10-10"]},
                r"Calendar.holidays and Calendar.extra_workdays both hold 2026-10-10",
            ),
            (
                {"hours": {"mon-fri": "09:00-18:00"}, "extra_workdays": ["2026-10-10"]},
                r"Calendar.extra_workdays: 2026-10-10 is a sat and Calendar.hours has no working hours for sat",
            ),
        ],
    )
    def test_bad_input_names_the_field(self, kwargs: dict[str, object], message: str) -> None:
        kwargs = {"timezone": "UTC", **kwargs}
        with pytest.raises(PolicyError, match=message):
            Calendar(**kwargs)  # type: ignore[arg-type]

    def test_dates_must_be_dates(self) -> None:
        cal = Calendar("UTC")
        with pytest.raises(InputTypeError, match=r"day must be a date \(got datetime"):
            cal.is_working_day(datetime(2026, 3, 6, tzinfo=timezone.utc))
        with pytest.raises(InputError, match=r"n must be a whole number of business days \(got 1.5\)"):
            cal.add_business_days(date(2026, 3, 6), 1.5)  # type: ignore[arg-type]
        with pytest.raises(InputError, match=r"past the year 9999"):
            cal.add_business_days(date(9999, 12, 30), 5)


class TestFromHolidays:
    def test_china_2026_has_national_day_and_its_make_up_working_days(self) -> None:
        """The State Council's 2026 schedule: 1-7 October off, Sunday 20 September and Saturday 10 October on."""
        cal = Calendar.from_holidays("CN", years=2026, timezone="Asia/Shanghai")
        assert {date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14), date(2026, 2, 28)} <= cal.extra_workdays
        assert all(not cal.is_working_day(date(2026, 10, day)) for day in range(1, 8))
        assert cal.is_working_day(date(2026, 10, 10))  # a Saturday
        assert cal.add_business_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
        assert cal.add_business_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
        assert cal.add_business_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
        assert cal.add_business_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Friday -> make-up Sunday

    def test_region_and_country_weekend(self) -> None:
        bavaria = Calendar.from_holidays("DE", subdiv="BY", years=[2026], timezone=BERLIN)
        assert {date(2026, 4, 3), date(2026, 4, 6), date(2026, 1, 6)} <= bavaria.holidays  # Epiphany is Bavarian
        assert date(2026, 1, 6) not in Calendar.from_holidays("DE", years=[2026], timezone=BERLIN).holidays
        saudi = Calendar.from_holidays("SA", years=[2026], timezone="Asia/Riyadh")
        assert Weekday.FRI not in saudi.workdays
        assert Weekday.SUN in saudi.workdays

    def test_unknown_country(self) -> None:
        with pytest.raises(PolicyError, match=r"Calendar.from_holidays country/subdiv: .*XX"):
            Calendar.from_holidays("XX", years=2026, timezone="UTC")

    @pytest.mark.parametrize("years", [[], "2026", [2026.0], None, [0]])
    def test_bad_years(self, years: object) -> None:
        with pytest.raises(PolicyError, match=r"Calendar.from_holidays years: expected a year or years"):
            Calendar.from_holidays("DE", years=years, timezone="UTC")  # type: ignore[arg-type]

    def test_missing_extra_names_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "holidays", None)  # what an absent package looks like to import
        with pytest.raises(PolicyError, match=r'needs the "holidays" package: pip install "cadence\[holidays\]"'):
            Calendar.from_holidays("DE", years=2026, timezone=BERLIN)


class TestBusinessDays:
    def test_friday_plus_one_is_monday(self) -> None:
        cal = Calendar(BERLIN)
        assert cal.add_business_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
        assert cal.add_business_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a day off too
        assert cal.add_business_days(date(2026, 3, 6), 0) == date(2026, 3, 6)
        assert cal.add_business_days(date(2026, 3, 6), 500) == naive_nth_after(cal, date(2026, 3, 6), 500)

    def test_holidays_are_not_counted_and_extra_days_are(self) -> None:
        cal = Calendar(BERLIN, holidays=["2026-04-03", "2026-04-06"], extra_workdays=["2026-04-04"])
        assert cal.add_business_days(date(2026, 4, 2), 1) == date(2026, 4, 4)
        assert cal.add_business_days(date(2026, 4, 2), 2) == date(2026, 4, 7)
        assert cal.next_working_day(date(2026, 4, 5)) == date(2026, 4, 7)
        assert cal.next_working_day(date(2026, 4, 7)) == date(2026, 4, 7)

    def test_a_date_the_zone_skipped_is_no_working_date(self) -> None:
        """Samoa moved across the date line: Friday 30 December 2011 never happened in Pacific/Apia. Business days
        skip it as business hours do (issue 14: business days counted it)."""
        apia = Calendar("Pacific/Apia", hours=dict.fromkeys(["MON", "TUE", "WED", "THU", "FRI"], "09:00-17:00"))
        assert not apia.is_working_day(date(2011, 12, 30))
        assert apia.next_working_day(date(2011, 12, 30)) == date(2012, 1, 2)
        assert apia.add_business_days(date(2011, 12, 29), 1) == date(2012, 1, 2)
        assert apia.add_business_days(date(2012, 1, 2), -1) == date(2011, 12, 29)
        assert apia.add_business_days(date(2011, 12, 28), 3) == date(2012, 1, 3)
        assert apia.business_days_between(date(2011, 12, 29), date(2012, 1, 2)) == 1
        assert apia.business_days_between(date(2012, 1, 2), date(2011, 12, 29)) == -1
        thursday = pendulum.datetime(2011, 12, 29, 10, tz="Pacific/Apia")
        by_days, by_hours = apia.add(thursday, "1bd"), apia.add(thursday, "8bh")
        assert (by_days, by_hours) == (
            pendulum.datetime(2012, 1, 2, 9, tz="Pacific/Apia"),
            pendulum.datetime(2012, 1, 2, 10, tz="Pacific/Apia"),
        )
        result = assess(policy(Rule.every("1bd"), apia), lead(thursday), [], as_of=thursday)
        assert result.due_at == pendulum.datetime(2012, 1, 2, 9, tz="Pacific/Apia")

    @given(calendars(), st.dates(date(2005, 1, 1), date(2035, 12, 31)), st.integers(0, 400))
    def test_matches_a_day_by_day_walk(self, cal: Calendar, day: date, n: int) -> None:
        """Week arithmetic and the bisection agree with walking one day at a time, on either side of the
        holidays' span and across it."""
        assert cal.add_business_days(day, n) == naive_nth_after(cal, day, n)

    @given(calendars(), st.dates(date(2005, 1, 1), date(2035, 12, 31)), st.integers(0, 300), st.integers(0, 300))
    def test_is_additive_and_monotone(self, cal: Calendar, day: date, a: int, b: int) -> None:
        """Adding a then b business days is adding a + b; more days never give an earlier date."""
        assert cal.add_business_days(cal.add_business_days(day, a), b) == cal.add_business_days(day, a + b)
        assert cal.add_business_days(day, a) <= cal.add_business_days(day, a + b)
        if a:
            assert cal.is_working_day(cal.add_business_days(day, a))


class TestWorkingHours:
    def test_four_business_hours_from_friday_five_pm_is_monday_noon(self) -> None:
        cal = Calendar(BERLIN, hours="09:00-18:00")
        assert cal.add(berlin(2026, 3, 6, 17), "4bh") == berlin(2026, 3, 9, 12)

    def test_an_anchor_outside_hours_starts_at_the_next_opening(self) -> None:
        cal = Calendar(BERLIN, hours="09:00-12:00, 13:30-18:00")
        assert cal.add(berlin(2026, 3, 7, 10), "1bh") == berlin(2026, 3, 9, 10)  # Saturday
        assert cal.add(berlin(2026, 3, 9, 7), "3bh") == berlin(2026, 3, 9, 12)  # before opening
        assert cal.add(berlin(2026, 3, 9, 12, 30), "1bh") == berlin(2026, 3, 9, 14, 30)  # lunch break
        assert cal.add(berlin(2026, 3, 9, 11), "90 business minutes") == berlin(2026, 3, 9, 14)
        assert cal.add(berlin(2026, 3, 9, 11), "1bh") == berlin(2026, 3, 9, 12)  # ends at closing time

    def test_without_hours_a_working_date_works_all_day(self) -> None:
        cal = Calendar(BERLIN)
        assert cal.add(berlin(2026, 3, 6, 20), "8bh") == berlin(2026, 3, 9, 4)

    def test_other_kinds(self) -> None:
        cal = Calendar(BERLIN, hours="09:00-18:00")
        friday = berlin(2026, 3, 6, 17)
        assert cal.add(friday, "24h") == berlin(2026, 3, 7, 17)
        assert cal.add(friday, "1d") == berlin(2026, 3, 7)
        assert cal.add(friday, "1bd") == berlin(2026, 3, 9, 9)
        assert cal.add(friday, business_days(-1)) == berlin(2026, 3, 5, 9)  # counted back (see TestBackward)

    def test_daylight_saving_days_count_real_time(self) -> None:
        """A night shift 01:00-05:00 is 3 hours long on the spring-forward night, 5 on the fall-back one."""
        cal = Calendar(BERLIN, workdays="mon-sun", hours="01:00-05:00")
        spring, autumn = cal.working_hours(date(2026, 3, 29)), cal.working_hours(date(2026, 10, 25))
        assert [(end - start).in_hours() for start, end in spring + autumn] == [3, 5]
        assert cal.add(berlin(2026, 3, 29, 1), "4bh") == berlin(2026, 3, 30, 2)
        desk = Calendar(BERLIN, workdays="mon-sun", hours="00:00-24:00")
        assert cal.add(berlin(2026, 3, 29, 0), "4bh") != desk.add(berlin(2026, 3, 29, 0), "4bh")
        assert desk.add(berlin(2026, 3, 29, 0), "4bh") == berlin(2026, 3, 29, 5)  # 4 real hours: 05:00 CEST

    def test_an_opening_inside_a_gap_is_the_gap_end(self) -> None:
        cal = Calendar(BERLIN, workdays="mon-sun", hours="02:30-10:00")
        start, end = cal.working_hours(date(2026, 3, 29))[0]
        assert start == berlin(2026, 3, 29, 3)
        assert (start.hour, end.hour) == (3, 10)

    def test_long_durations_and_far_dates(self) -> None:
        """The ledger of working time grows forward and backward as far as asked, up to the year 9999."""
        cal = Calendar(BERLIN, hours="09:00-17:00")
        last = cal.add_business_days(date(2026, 3, 8), 2000)  # 2,000 eight-hour days from Monday 9 March
        assert cal.add(berlin(2026, 3, 9, 9), "16000bh") == berlin(last.year, last.month, last.day, 17)
        assert cal.add(berlin(2011, 1, 3, 9), "8bh") == berlin(2011, 1, 3, 17)
        assert cal.add(berlin(2026, 3, 9, 9), "1bh") == berlin(2026, 3, 9, 10)
        with pytest.raises(InputError, match=r"supported range of years 1-9999"):
            cal.add(pendulum.datetime(9999, 12, 1, 9, tz="UTC"), "1000bh")

    def test_the_ledger_can_grow_backward_while_counting_forward(self) -> None:
        """A long duration from early in the ledger's span grows it both ways; the count stays right."""
        cal = Calendar(BERLIN, hours="09:00-17:00", holidays=["2040-01-02"])  # a calendar of its own
        assert cal.add(berlin(2026, 3, 9, 9), "1bh") == berlin(2026, 3, 9, 10)  # ledger from March 2025
        last = cal.add_business_days(date(2025, 4, 6), 1250)
        assert cal.add(berlin(2025, 4, 7, 9), "10000bh") == berlin(last.year, last.month, last.day, 17)
        assert cal.add(berlin(2025, 4, 7, 9), "8bh") == berlin(2025, 4, 7, 17)

    def test_no_hours_on_a_day_off(self) -> None:
        assert Calendar(BERLIN, hours="09:00-18:00").working_hours(date(2026, 3, 7)) == []

    @given(calendars(), aware_datetimes(), st.integers(0, 80 * 60))
    def test_business_hours_count_only_working_time(self, cal: Calendar, anchor: datetime, minutes: int) -> None:
        """The working time between the anchor and the result is exactly the duration, and the result is the
        first such instant: it lies inside a working interval (or at its end)."""
        due = cal.add(anchor, f"{minutes}bm")
        start_us, due_us = instant_us(anchor, "anchor"), instant_us(due, "due")
        assert due_us >= start_us
        zone = get_zone(cal.timezone, "zone")
        first, last = zone.local_ordinal(start_us), zone.local_ordinal(due_us)
        worked, inside = 0, minutes == 0
        for ordinal in range(first - 1, last + 1):  # the date before: its shift may run past midnight
            for begin, end in cal.working_hours(date.fromordinal(ordinal)):
                b, e = instant_us(begin, "b"), instant_us(end, "e")
                worked += max(0, min(e, due_us) - max(b, start_us))
                inside = inside or b < due_us <= e
        assert worked == minutes * 60 * 10**6
        assert inside


class TestHoursZone:
    """A support team's working hours in its own zone, for customers in other zones (the Zammad shape: a New York
    customer of a Berlin team)."""

    team = Calendar(BERLIN, hours="09:00-17:00", hours_zone=BERLIN)

    @pytest.mark.parametrize(
        ("entered", "own", "team"),
        [
            # Monday 15:00 in New York is 21:00 in Berlin: four hours of the team's time end Tuesday 13:00 Berlin
            # (12:00Z); in New York's own hours they end Tuesday 11:00 there (16:00Z).
            ((2026, 3, 2, 15), (2026, 3, 3, 16), (2026, 3, 3, 12)),
            # Three weeks later New York keeps summer time and Berlin does not yet: five hours apart, not six.
            ((2026, 3, 16, 15), (2026, 3, 17, 15), (2026, 3, 17, 12)),
        ],
    )
    def test_business_hours_count_the_teams_hours(self, entered: tuple[int, ...], own: tuple, team: tuple) -> None:
        start = pendulum.datetime(*entered, tz="America/New_York")
        customer = lead(start, tz="America/New_York")
        rule = Rule.every("7d", first_response="4bh")
        plain = assess(policy(rule, attrs.evolve(self.team, hours_zone=None)), customer, [], as_of=start)
        teams = assess(policy(rule, self.team), customer, [], as_of=start)
        assert plain.due_at == pendulum.datetime(*own, tz="UTC")
        assert teams.due_at == pendulum.datetime(*team, tz="UTC")
        assert teams.timezone == "America/New_York"  # local dates stay the customer's

    def test_business_days_stay_on_the_customers_dates(self) -> None:
        start = pendulum.datetime(2026, 3, 6, 20, tz="America/Los_Angeles")  # Friday evening there, Saturday in Berlin
        rule = Rule.every("7d", first_response="1bd")
        result = assess(policy(rule, self.team), lead(start, tz="America/Los_Angeles"), [], as_of=start)
        assert result.due_at == pendulum.datetime(2026, 3, 9, 9, tz="America/Los_Angeles")

    def test_the_calendars_methods_count_in_the_hours_zone(self) -> None:
        theirs = self.team.in_zone("Asia/Tokyo")
        assert theirs.working_hours(date(2026, 3, 3))[0][0] == pendulum.datetime(2026, 3, 3, 9, tz="Asia/Tokyo")
        assert theirs.add(berlin(2026, 3, 3, 16), "2bh") == berlin(2026, 3, 4, 10)
        assert theirs.working_time_between(berlin(2026, 3, 3, 16), berlin(2026, 3, 4, 10)) == timedelta(hours=2)

    def test_in_policy_files_and_refused_when_unknown(self) -> None:
        written = policy(Rule.every("7d"), self.team)
        assert 'hours_zone = "Europe/Berlin"' in written.to_toml()
        assert cadence.Policy.from_toml(written.to_toml()) == written
        with pytest.raises(PolicyError, match=r"Calendar\.hours_zone"):
            Calendar(BERLIN, hours_zone="Mars/Olympus")

    @given(zone_names, aware_datetimes(datetime(2011, 1, 1), datetime(2030, 12, 31)))
    def test_the_customers_zone_does_not_move_a_business_hours_deadline(self, zone: str, start: datetime) -> None:
        """Property: with the team's hours in its own zone, the due time of an hours deadline is the same instant
        whatever the customer's zone."""
        rule = Rule.every("7d", first_response="6bh", grace="2bh")
        here = assess(policy(rule, self.team), lead(start, tz=zone), [], as_of=start)
        there = assess(policy(rule, self.team), lead(start, tz="Pacific/Kiritimati"), [], as_of=start)
        assert instant_us(here.due_at, "due") == instant_us(there.due_at, "due")
        assert instant_us(here.overdue_at, "overdue") == instant_us(there.overdue_at, "overdue")


class TestPolicyOnACalendar:
    def test_friday_evening_lead_with_one_business_day_is_due_monday(self) -> None:
        rule = Rule.every("3bd", first_response="1bd")
        entered = berlin(2026, 3, 6, 18, 30)
        plain = assess(policy(rule, BERLIN), lead(entered), [], as_of=berlin(2026, 3, 9, 8))
        assert (plain.status, plain.due_at, plain.overdue_at) == (Status.DUE, berlin(2026, 3, 9), berlin(2026, 3, 10))
        hours = assess(policy(rule, Calendar(BERLIN, hours="09:00-18:00")), lead(entered), [], as_of=plain.as_of)
        assert (hours.status, hours.due_at) == (Status.ON_TRACK, berlin(2026, 3, 9, 9))
        assert hours.reason == (
            'on track: first response due 2026-03-09 09:00 (1 business day after entry into "lead" on 2026-03-06 '
            "18:30; rule */*)"
        )

    @pytest.mark.parametrize(
        ("days_off", "due", "reason"),
        [
            ("count", date(2026, 4, 3), "7 days after"),  # Good Friday itself
            ("skip", date(2026, 4, 7), "7 days (due dates skip days off) after"),  # past Easter Monday
            ("pause", date(2026, 4, 9), "7 days (working days only) after"),  # seven working dates
        ],
    )
    def test_a_due_date_on_a_holiday(self, days_off: str, due: date, reason: str) -> None:
        cal = Calendar(BERLIN, holidays=["2026-04-03", "2026-04-06"])
        result = assess(
            policy(Rule.every("7d", days_off=days_off), cal),
            lead(berlin(2026, 3, 27, 11)),
            [],
            as_of=berlin(2026, 3, 28),
        )
        assert result.due_at == pendulum.datetime(due.year, due.month, due.day, tz=BERLIN)
        assert reason in result.reason

    def test_pause_counts_the_grace_in_working_days_and_skip_does_not(self) -> None:
        cal = Calendar(BERLIN, holidays=["2026-04-03", "2026-04-06"])
        entered = berlin(2026, 3, 26, 11)  # due Thursday 2 April with "7d"
        skip = assess(policy(Rule.every("7d", grace="1d", days_off="skip"), cal), lead(entered), [], as_of=entered)
        pause = assess(policy(Rule.every("5d", grace="1d", days_off="pause"), cal), lead(entered), [], as_of=entered)
        assert (skip.due_at, skip.overdue_at) == (berlin(2026, 4, 2), berlin(2026, 4, 4))
        assert (pause.due_at, pause.overdue_at) == (berlin(2026, 4, 2), berlin(2026, 4, 8))

    def test_business_grace(self) -> None:
        """Due Friday; one business day of grace is Monday; overdue from Tuesday's start. Business hours of
        grace after a day deadline count from the end of the due date."""
        entered = berlin(2026, 3, 5, 10)
        cal = Calendar(BERLIN, hours="09:00-18:00")
        days_grace = assess(policy(Rule.every("1bd", grace="1bd"), cal), lead(entered), [], as_of=entered)
        hours_grace = assess(policy(Rule.every("1bd", grace="4bh"), cal), lead(entered), [], as_of=entered)
        assert (days_grace.due_at, days_grace.overdue_at) == (berlin(2026, 3, 6, 9), berlin(2026, 3, 10))
        assert hours_grace.overdue_at == berlin(2026, 3, 9, 13)

    def test_china_national_day_with_a_make_up_saturday(self) -> None:
        cal = Calendar(
            "Asia/Shanghai",
            hours="09:00-12:00, 13:30-18:00",
            holidays=[f"2026-10-0{day}" for day in range(1, 8)],
            extra_workdays=["2026-09-20", "2026-10-10"],
        )
        tz = "Asia/Shanghai"
        entered = pendulum.datetime(2026, 9, 30, 19, tz=tz)
        result = assess(policy(Rule.every("3bd"), cal), lead(entered), [], as_of=entered)
        assert result.due_at == pendulum.datetime(2026, 10, 10, 9, tz=tz)  # Thu 8, Fri 9, Saturday 10 (make-up)
        hours = assess(policy(Rule.every("10bh"), cal), lead(entered), [], as_of=entered)
        assert hours.due_at == pendulum.datetime(2026, 10, 9, 11, 30, tz=tz)  # 7.5 h on the 8th, 2.5 h on the 9th

    def test_a_customer_in_new_york_under_a_shanghai_policy_is_due_by_new_york_dates(self) -> None:
        """Friday 20:00 in New York is Saturday 09:00 in Shanghai; the customer's zone decides, with the policy's
        holidays read as New York dates; and the clocks went forward in New York on 8 March."""
        cal = Calendar("Asia/Shanghai", holidays=["2026-03-09"])
        ny = "America/New_York"
        entered = pendulum.datetime(2026, 3, 6, 20, tz=ny)
        policy_ = policy(Rule.every("1bd"), cal)
        theirs = assess(policy_, lead(entered, tz=ny), [], as_of=entered)
        ours = assess(policy_, lead(entered), [], as_of=entered)
        assert theirs.due_at == pendulum.datetime(2026, 3, 10, tz=ny)
        assert theirs.due_at.utcoffset() == timedelta(hours=-4)
        assert ours.due_at == pendulum.datetime(2026, 3, 10, tz="Asia/Shanghai")
        assert theirs.timezone == ny
        assert theirs.calendar == cal.in_zone(ny)
        assert ours.calendar is cal

    def test_sequences_and_monotonicity_with_business_units(self) -> None:
        assert Rule.sequence("1bd", "2bd", "5bd").is_monotone
        assert not Rule.sequence("2bd", "1bd").is_monotone
        assert not Rule.sequence("1bd", "2d").is_monotone
        assert Rule.sequence("4bh", "8bh").is_monotone


class TestRuleDaysOff:
    def test_values(self) -> None:
        assert Rule.every("7d").days_off is DaysOff.COUNT
        assert Rule.every("7d", days_off=DaysOff.SKIP).days_off is DaysOff.SKIP
        assert Rule.every("7d", days_off="pause").days_off is DaysOff.PAUSE

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"days_off": "weekends"}, r'Rule.days_off must be "count", "skip" or "pause" \(got \'weekends\'\)'),
            ({"days_off": "pause", "intervals": "1mo"}, r"Rule.intervals\[0\]: 1 month cannot pause on days off"),
            ({"days_off": "pause", "grace": "1mo"}, r"Rule.grace: 1 month cannot pause on days off"),
            ({"heads_up": "1bd"}, r"Rule.heads_up is counted in plain time: use hours or days, not business units"),
            ({"churn_after": "60bd"}, r"Rule.churn_after is counted in plain time"),
            ({"intervals": "0bd"}, r"Rule.intervals\[0\] must be > 0 \(got 0 business days\)"),
            ({"grace": "-1bh"}, r"Rule.grace must be >= 0 \(got -1 business hour\)"),
            ({"intervals": "5bd", "churn_after": "6d"}, r"Rule.churn_after \(6 days\) must be longer than"),
        ],
    )
    def test_bad_rules(self, fields: dict[str, object], message: str) -> None:
        fields = {"intervals": "7d", **fields}
        with pytest.raises(PolicyError, match=message):
            Rule(**fields)  # type: ignore[arg-type]


@given(zone_names, st.dates(date(2010, 1, 1), date(2030, 12, 31)), st.integers(1, 86_399))
def test_wall_instants_are_the_first_at_or_after_the_wall_time(zone_name: str, day: date, second: int) -> None:
    """The instant of a working-hour boundary is the first whose local date and time is at or after it."""
    zone = get_zone(zone_name, "zone")
    us = zone.wall_instant(day.toordinal(), second)

    def local(at: int) -> tuple[int, int]:
        value = datetime.fromtimestamp(at // 10**6, zone.stdlib_tz)
        return value.toordinal(), value.hour * 3600 + value.minute * 60 + value.second

    assert local(us) >= (day.toordinal(), second)
    assert local(us - 10**6) < (day.toordinal(), second)


AXIS_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia", "UTC"]


def walk_working_hours(calendar: Calendar, start: datetime, hours: int) -> datetime:
    """Day by day over Calendar.working_hours: the slow reference."""

    def elapsed(end: datetime, begin: datetime) -> timedelta:
        # The standard library's difference in UTC: pendulum's ``-`` builds an Interval (most of this test's time
        # went there), and the standard library ignores the offsets of two datetimes in the same zone.
        return datetime.__sub__(end.astimezone(timezone.utc), begin.astimezone(timezone.utc))

    rest = timedelta(hours=hours)
    local = start.astimezone(calendar._zone.stdlib_tz)
    # A stdlib date (pendulum's Date + timedelta is slow), the day before: its shift may run past midnight.
    day = date(local.year, local.month, local.day) - timedelta(days=1)
    while True:
        for begin, end in calendar.working_hours(day):
            begin = max(begin, start)
            if end <= begin:
                continue
            span = elapsed(end, begin)
            if rest <= span:
                return begin + rest
            rest -= span
        day += timedelta(days=1)


@given(
    zone=st.sampled_from(AXIS_ZONES),
    hours=st.sampled_from(
        [None, "09:00-17:00", "08:00-12:00, 13:00-18:00", "00:00-03:00, 22:00-24:00", "09:00-12:00, 22:00-06:00"]
    ),
    starts=st.lists(
        st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2080, 1, 1)), min_size=1, max_size=4
    ),
    amount=st.integers(1, 8 * 260 * 4),
    holidays=st.lists(st.dates(min_value=date(1960, 1, 1), max_value=date(2090, 1, 1)), max_size=20),
)
def test_long_business_hours_equal_a_day_by_day_walk(
    zone: str, hours: str | None, starts: list[datetime], amount: int, holidays: list[date]
) -> None:
    """Adding up to four years of business hours, from starts in any order over 120 years (so the per-zone tables
    grow at either end, and skip years), gives what a day-by-day walk over the working intervals gives."""
    cadence.clear_caches()
    calendar = Calendar(zone, hours=hours, holidays=holidays)
    for naive in starts:
        start = pendulum.instance(naive.replace(tzinfo=timezone.utc))
        assert calendar.add(start, f"{amount}bh") == walk_working_hours(calendar, start, amount)


class TestBetween:
    """Working time and business days between two points: the inverses of `add` and `add_business_days`."""

    def test_business_days_between_with_real_dates(self) -> None:
        cal = Calendar(BERLIN, holidays={date(2026, 4, 3), date(2026, 4, 6)})  # Good Friday, Easter Monday
        assert cal.business_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1  # Thursday to Tuesday
        assert cal.business_days_between(date(2026, 4, 7), date(2026, 4, 2)) == -1
        assert cal.business_days_between(date(2026, 4, 4), date(2026, 4, 6)) == 0  # a weekend and a holiday
        assert cal.business_days_between(date(2026, 3, 6), date(2026, 3, 6)) == 0
        assert cal.business_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 259  # 261 weekdays - 2

    def test_working_time_between_with_real_dates(self) -> None:
        cal = Calendar(BERLIN, hours={"mon-thu": "09:00-17:00", "fri": "09:00-13:00"})
        friday, monday = berlin(2026, 3, 6, 12), berlin(2026, 3, 9, 10)
        assert cal.working_time_between(friday, monday) == timedelta(hours=2)
        assert cal.working_time_between(monday, friday) == -timedelta(hours=2)
        assert cal.working_time_between(berlin(2026, 3, 7, 10), berlin(2026, 3, 8, 10)) == timedelta(0)  # weekend
        # A calendar without hours works whole working dates, in real time: in Berlin, Sunday 29 March 2026 has 23
        # hours and Sunday 25 October 25.
        every_day = Calendar(BERLIN, workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        assert every_day.working_time_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == timedelta(hours=23)
        assert every_day.working_time_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == timedelta(hours=25)
        # Across years, instants in another zone: the same instants, the same answer.
        start, end = berlin(2025, 12, 31, 16), berlin(2027, 1, 4, 10)
        assert cal.working_time_between(start, end) == cal.working_time_between(
            start.in_tz("America/New_York"), end.in_tz("UTC")
        )

    def test_naive_instants_and_datetimes_for_dates_are_refused(self) -> None:
        cal = Calendar(BERLIN)
        with pytest.raises(InputError, match="start"):
            cal.working_time_between(datetime(2026, 3, 6), berlin(2026, 3, 9))
        with pytest.raises(InputTypeError, match="end must be a date"):
            cal.business_days_between(date(2026, 3, 6), berlin(2026, 3, 9))

    @given(calendars(), st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 1, 1)), st.integers(0, 3000))
    def test_business_days_between_inverts_add_business_days(self, cal: Calendar, day: date, n: int) -> None:
        later = cal.add_business_days(day, n)
        assert cal.business_days_between(day, later) == n
        assert cal.business_days_between(later, day) == -n

    @given(calendars(), aware_datetimes(), st.integers(0, 5 * 260 * 8 * 60))
    def test_working_time_between_inverts_adding_business_minutes(
        self, cal: Calendar, start: datetime, minutes: int
    ) -> None:
        """From any instant, even outside working hours, the working time to the end of n business minutes is
        n minutes (up to five years of them)."""
        end = cal.add(start, f"{minutes}bm")
        assert cal.working_time_between(start, end) == timedelta(minutes=minutes)

    @given(calendars(), st.lists(aware_datetimes(), min_size=3, max_size=3))
    def test_working_time_adds_up(self, cal: Calendar, instants: list[datetime]) -> None:
        a, b, c = instants
        assert cal.working_time_between(a, b) + cal.working_time_between(b, c) == cal.working_time_between(a, c)
        assert cal.working_time_between(a, b) == -cal.working_time_between(b, a)


class TestBackward:
    """Business days and business hours counted back."""

    def test_with_real_dates(self) -> None:
        cal = Calendar(BERLIN, hours="09:00-18:00", holidays={date(2026, 4, 3), date(2026, 4, 6)})
        assert cal.add_business_days(date(2026, 4, 7), -1) == date(2026, 4, 2)  # over Easter
        assert cal.add_business_days(date(2026, 3, 8), -1) == date(2026, 3, 6)  # from a Sunday
        assert cal.add(berlin(2026, 3, 9, 10), "-2bh") == berlin(2026, 3, 6, 17)
        assert cal.add(berlin(2026, 3, 9, 9), "-1bh") == berlin(2026, 3, 6, 17)  # at opening: the last hour before
        assert cal.add(berlin(2026, 3, 9, 10), "-1bd") == berlin(2026, 3, 6, 9)  # the start of Friday's hours
        assert cal.add(berlin(2026, 4, 7, 12), "-3bh") == berlin(2026, 4, 7, 9)
        assert cal.add(berlin(2026, 4, 7, 10), "-3bh") == berlin(2026, 4, 2, 16)  # over Easter

    def test_before_year_1_is_an_input_error(self) -> None:
        cal = Calendar("UTC")
        with pytest.raises(InputError, match="working dates before"):
            cal.add_business_days(date(1, 1, 10), -30)

    @given(calendars(), st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 1, 1)), st.integers(1, 3000))
    def test_back_then_forward_is_the_next_working_day(self, cal: Calendar, day: date, n: int) -> None:
        earlier = cal.add_business_days(day, -n)
        assert earlier < day
        assert cal.is_working_day(earlier)
        assert cal.add_business_days(earlier, n) == cal.next_working_day(day)

    @given(calendars(), aware_datetimes(), st.integers(1, 3 * 260 * 8 * 60))
    def test_back_by_business_minutes_is_the_latest_instant_that_far(
        self, cal: Calendar, end: datetime, minutes: int
    ) -> None:
        start = cal.add(end, f"-{minutes}bm")
        assert cal.working_time_between(start, end) == timedelta(minutes=minutes)
        assert cal.working_time_between(start + timedelta(microseconds=1), end) < timedelta(minutes=minutes)


def test_business_days_back_past_year_1_are_an_input_error() -> None:
    with pytest.raises(InputError, match="supported range"):
        Calendar("UTC", workdays="mon-sun").add(datetime(1, 1, 3, tzinfo=timezone.utc), "-2bd")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# pandas' own overnight business hours (pandas/tests/tseries/offsets/test_business_hour.py, test_apply and
# test_apply_large_n: BusinessHour(start="19:00", end="05:00") with n = 1 and -1, and BusinessHour(28,
# start="21:00", end="02:00")), Monday to Friday, with their dates: 1 July 2014 was a Tuesday. pandas moves a result
# that falls exactly on a closing time to the next opening; cadence keeps the closing instant (the same working
# time), so in the two cases marked "closing" pandas said 2014-07-07 19:00 and 2014-07-09 21:00.
PANDAS_NIGHT_CASES = [
    ("19:00-05:00", "1bh", (2014, 7, 1, 17), (2014, 7, 1, 20)),
    ("19:00-05:00", "1bh", (2014, 7, 2, 14), (2014, 7, 2, 20)),
    ("19:00-05:00", "1bh", (2014, 7, 2, 8), (2014, 7, 2, 20)),
    ("19:00-05:00", "1bh", (2014, 7, 2, 19), (2014, 7, 2, 20)),
    ("19:00-05:00", "1bh", (2014, 7, 2, 4, 30), (2014, 7, 2, 19, 30)),
    ("19:00-05:00", "1bh", (2014, 7, 3, 0), (2014, 7, 3, 1)),
    ("19:00-05:00", "1bh", (2014, 7, 4, 10), (2014, 7, 4, 20)),
    ("19:00-05:00", "1bh", (2014, 7, 4, 23), (2014, 7, 5, 0)),  # Friday's shift runs into Saturday
    ("19:00-05:00", "1bh", (2014, 7, 5, 0), (2014, 7, 5, 1)),
    ("19:00-05:00", "1bh", (2014, 7, 5, 4), (2014, 7, 5, 5)),  # closing
    ("19:00-05:00", "1bh", (2014, 7, 5, 4, 30), (2014, 7, 7, 19, 30)),
    ("19:00-05:00", "1bh", (2014, 7, 5, 4, 30, 30), (2014, 7, 7, 19, 30, 30)),
    ("19:00-05:00", "-1bh", (2014, 7, 1, 17), (2014, 7, 1, 4)),
    ("19:00-05:00", "-1bh", (2014, 7, 2, 14), (2014, 7, 2, 4)),
    ("19:00-05:00", "-1bh", (2014, 7, 2, 20), (2014, 7, 2, 19)),
    ("19:00-05:00", "-1bh", (2014, 7, 2, 19), (2014, 7, 2, 4)),
    ("19:00-05:00", "-1bh", (2014, 7, 2, 19, 30), (2014, 7, 2, 4, 30)),
    ("19:00-05:00", "-1bh", (2014, 7, 3, 0), (2014, 7, 2, 23)),
    ("19:00-05:00", "-1bh", (2014, 7, 3, 6), (2014, 7, 3, 4)),
    ("19:00-05:00", "-1bh", (2014, 7, 4, 23), (2014, 7, 4, 22)),
    ("19:00-05:00", "-1bh", (2014, 7, 5, 0), (2014, 7, 4, 23)),
    ("19:00-05:00", "-1bh", (2014, 7, 5, 4), (2014, 7, 5, 3)),
    ("19:00-05:00", "-1bh", (2014, 7, 7, 19, 30), (2014, 7, 5, 4, 30)),
    ("19:00-05:00", "-1bh", (2014, 7, 7, 19, 30, 30), (2014, 7, 5, 4, 30, 30)),
    ("21:00-02:00", "28bh", (2014, 7, 1, 11), (2014, 7, 9, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 1, 22), (2014, 7, 9, 1)),
    ("21:00-02:00", "28bh", (2014, 7, 1, 23), (2014, 7, 9, 2)),  # closing
    ("21:00-02:00", "28bh", (2014, 7, 2, 2), (2014, 7, 10, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 3, 21), (2014, 7, 11, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 4, 1), (2014, 7, 11, 23)),
    ("21:00-02:00", "28bh", (2014, 7, 4, 2), (2014, 7, 12, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 4, 3), (2014, 7, 12, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 5, 1), (2014, 7, 14, 23)),
    ("21:00-02:00", "28bh", (2014, 7, 5, 15), (2014, 7, 15, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 6, 18), (2014, 7, 15, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 7, 1), (2014, 7, 15, 0)),
    ("21:00-02:00", "28bh", (2014, 7, 7, 23, 30), (2014, 7, 15, 21, 30)),
]

# Nights where the clocks change, and year ends, for the differential test (zone, a date whose shift may cross it).
NIGHTS = [
    ("Europe/Berlin", date(2026, 3, 28)),  # 02:00 -> 03:00 on Sunday 29 March
    ("Europe/Berlin", date(2026, 10, 24)),  # 03:00 -> 02:00 on Sunday 25 October
    ("America/New_York", date(2026, 3, 7)),
    ("America/New_York", date(2026, 10, 31)),
    ("Australia/Lord_Howe", date(2026, 4, 4)),  # half an hour back
    ("Australia/Lord_Howe", date(2026, 10, 3)),
    ("America/Santiago", date(2026, 4, 4)),  # at midnight
    ("America/Santiago", date(2026, 9, 5)),
    ("Pacific/Apia", date(2011, 12, 29)),  # Friday 30 December 2011 skipped
    ("Europe/Berlin", date(2026, 12, 31)),
    ("Asia/Shanghai", date(2025, 12, 31)),
]


ZONES_OF_NIGHTS = sorted({zone for zone, _ in NIGHTS})


class MinuteWalk:
    """The reference for the differential test: working time minute by minute, from the hours as written (a shift
    that ends before it starts ends on the next date), the calendar's dates, and the standard library's zoneinfo.
    Outside working time it jumps to the next shift's start (or end, walking back), so long gaps cost nothing."""

    MINUTE = timedelta(minutes=1)

    def __init__(self, calendar: Calendar, written: tuple[tuple[tuple[int, int], ...], ...]) -> None:
        self.calendar, self.written = calendar, written
        self.tz = ZoneInfo(calendar.timezone)
        self.shifts: dict[date, list[tuple[datetime, datetime]]] = {}

    def wall(self, day: date, second: int) -> datetime:
        """The first instant at or after a wall time: the wall time itself, the first of two, or a gap's end."""
        naive = datetime(day.year, day.month, day.day) + timedelta(seconds=second)
        first = naive.replace(tzinfo=self.tz)
        if first.astimezone(timezone.utc).astimezone(self.tz).replace(tzinfo=None) == naive:
            return first.astimezone(timezone.utc)
        at = naive.replace(tzinfo=self.tz, fold=1).astimezone(timezone.utc)  # a gap: walk to its end
        while at.astimezone(self.tz).replace(tzinfo=None) < naive:
            at += self.MINUTE
        return at

    def working(self, day: date) -> bool:
        cal = self.calendar
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=self.tz)
        exists = noon.astimezone(timezone.utc).astimezone(self.tz).date() == day
        listed = day in cal.extra_workdays or (day.weekday() in cal.workdays and day not in cal.holidays)
        return exists and listed

    def shifts_of(self, day: date) -> list[tuple[datetime, datetime]]:
        if day not in self.shifts:
            self.shifts[day] = [
                (self.wall(day, a), self.wall(day + timedelta(days=b <= a), b))
                for a, b in (self.written[day.weekday()] if self.working(day) else ())
            ]
        return self.shifts[day]

    def near(self, at: datetime) -> list[tuple[datetime, datetime]]:
        """The shifts of the dates around ``at``'s local date, enough of them that the next start and the latest
        end not among them lie more than a 12-hour jump away, even where a zone skipped a date (Pacific/Apia)."""
        local = at.astimezone(self.tz).date()
        return [span for d in range(-3, 3) for span in self.shifts_of(local + timedelta(days=d))]

    def add(self, start: datetime, minutes: int) -> datetime:
        at, left = start, minutes
        while left:
            spans = self.near(at)
            if any(a <= at < b for a, b in spans):
                at, left = at + self.MINUTE, left - 1
            else:
                at = min([a for a, _ in spans if a > at], default=at + timedelta(hours=12))
        return at

    def subtract(self, end: datetime, minutes: int) -> datetime:
        at, left = end, minutes
        while left:
            spans = self.near(at - self.MINUTE)
            if any(a <= at - self.MINUTE < b for a, b in spans):
                at, left = at - self.MINUTE, left - 1
            else:
                at = max([b for _, b in spans if b < at], default=at - timedelta(hours=12))
        return at

    def between(self, start: datetime, end: datetime) -> timedelta:
        at, worked = start, timedelta(0)
        while at < end:
            spans = self.near(at)
            if any(a <= at < b for a, b in spans):
                at, worked = at + self.MINUTE, worked + self.MINUTE
            else:
                at = min([a for a, _ in spans if a > at], default=at + timedelta(hours=12))
        return worked


class TestOvernight:
    """Shifts past midnight (issue 14, item 7): an interval that ends before it starts runs into the next date and
    belongs to the date it starts on, as pandas' CustomBusinessHour does with start > end. Dates: Friday 6 March
    2026; Berlin's clocks go forward in the night of Saturday 28 March 2026 and back in that of Saturday 24
    October; Thursday 31 December 2026."""

    desk = Calendar(BERLIN, hours="19:00-05:00")  # a night desk, Monday to Friday
    every_night = Calendar(BERLIN, workdays="mon-sun", hours="19:00-05:00")

    def test_spellings_repr_and_canonical_form(self) -> None:
        assert self.desk.hours is not None
        assert self.desk.hours[Weekday.FRI] == ((19 * 3600, 29 * 3600),)  # the end counted from Friday's midnight
        assert "hours='19:00-05:00'" in repr(self.desk)
        assert eval(repr(self.desk), {"Calendar": Calendar, "Weekday": Weekday}) == self.desk
        mixed = Calendar(BERLIN, hours="19:00-05:00, 09:00-12:00")
        assert "hours='09:00-12:00, 19:00-05:00'" in repr(mixed)
        assert attrs.evolve(mixed, timezone="UTC").hours == mixed.hours
        weekly = Calendar(BERLIN, hours={"mon-thu": "09:00-17:00", "fri": "09:00-12:00, 22:00-06:00"})
        assert "'fri': '09:00-12:00, 22:00-06:00'" in repr(weekly)
        assert eval(repr(weekly), {"Calendar": Calendar, "Weekday": Weekday}) == weekly
        assert Calendar(BERLIN, hours="19:00-00:00") == Calendar(BERLIN, hours="19:00-24:00")  # ends at midnight

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ("09:00-09:00", r"Calendar.hours: '09:00-09:00' is empty \(a shift past midnight ends before it starts"),
            ("00:00-00:00", r"'00:00-00:00' is empty"),
            ("24:00-05:00", r"Calendar.hours: '24:00-05:00' starts at \"24:00\", the end of the day"),
            (
                "19:00-05:00, 20:00-21:00",
                r"working hours 19:00-05:00, 20:00-21:00 overlap \(one interval at most may run past midnight, and "
                r"it must be the last\)",
            ),
            ("22:00-02:00, 23:00-03:00", r"working hours 22:00-02:00, 23:00-03:00 overlap \(one interval at most"),
            ("00:00-03:00, 22:00-02:00", r"Calendar.hours: mon's 22:00-02:00 runs past midnight into tue's 00:00-"),
            (
                {"mon-thu": "19:00-05:00", "fri": "04:00-12:00"},
                r"Calendar.hours: thu's 19:00-05:00 runs past midnight into fri's 04:00-12:00",
            ),
            (
                {"mon-fri": "09:00-17:00", "sun": "20:00-10:00"},
                r"Calendar.hours: sun's 20:00-10:00 runs past midnight into mon's 09:00-17:00",
            ),
        ],
    )
    def test_what_is_refused(self, hours: object, message: str) -> None:
        with pytest.raises(PolicyError, match=message):
            Calendar(BERLIN, workdays="mon-sun" if isinstance(hours, str) else "mon-fri", hours=hours)

    def test_a_tail_may_meet_the_next_days_opening(self) -> None:
        """A shift may end where the next weekday's first interval starts, and a tail may run into a weekday
        that has no hours (or is off)."""
        cal = Calendar(BERLIN, hours={"mon-fri": "09:00-17:00, 21:00-09:00"})
        assert cal.working_time_between(berlin(2026, 3, 9, 9), berlin(2026, 3, 10, 9)) == timedelta(hours=20)
        assert cal.working_time_between(berlin(2026, 3, 6, 21), berlin(2026, 3, 9, 9)) == timedelta(hours=12)

    def test_the_berlin_night_desk(self) -> None:
        """Friday 23:00 plus four business hours is Saturday 03:00: Friday's shift runs into Saturday, which is
        no working day, and Saturday 04:00 still lies on it."""
        desk = self.desk
        assert desk.add(berlin(2026, 3, 6, 23), "4bh") == berlin(2026, 3, 7, 3)
        assert desk.add(berlin(2026, 3, 7, 4), "1bh") == berlin(2026, 3, 7, 5)  # ends at Friday's closing
        assert desk.add(berlin(2026, 3, 7, 4), "2bh") == berlin(2026, 3, 9, 20)
        assert desk.add(berlin(2026, 3, 8, 4), "1bh") == berlin(2026, 3, 9, 20)  # Saturday has no shift
        assert desk.add(berlin(2026, 3, 9, 20), "-2bh") == berlin(2026, 3, 7, 4)
        assert desk.working_time_between(berlin(2026, 3, 7, 4), berlin(2026, 3, 9, 4)) == timedelta(hours=1)
        assert not desk.is_working_day(date(2026, 3, 7))
        assert desk.working_hours(date(2026, 3, 6)) == [(berlin(2026, 3, 6, 19), berlin(2026, 3, 7, 5))]
        assert desk.working_hours(date(2026, 3, 7)) == []
        # Business days open at the first working hour of the date: 19:00.
        assert desk.add(berlin(2026, 3, 6, 23), "1bd") == berlin(2026, 3, 9, 19)
        assert desk.add(berlin(2026, 3, 9, 2), "-1bd") == berlin(2026, 3, 6, 19)
        mixed = Calendar(BERLIN, hours="09:00-12:00, 19:00-05:00")
        assert mixed.add(berlin(2026, 3, 6, 23), "1bd") == berlin(2026, 3, 9, 9)
        assert mixed.add(berlin(2026, 3, 6, 11), "4bh") == berlin(2026, 3, 6, 22)

    def test_a_holiday_after_the_shift_does_not_cut_it(self) -> None:
        """Whether the next date works does not matter for the tail; a holiday on the shift's own date does."""
        cal = Calendar(BERLIN, hours="19:00-05:00", holidays=["2026-04-03", "2026-04-06"])  # Good Fri, Easter Mon
        assert cal.working_hours(date(2026, 4, 2)) == [(berlin(2026, 4, 2, 19), berlin(2026, 4, 3, 5))]
        assert cal.add(berlin(2026, 4, 3, 4), "2bh") == berlin(2026, 4, 7, 20)

    @pytest.mark.parametrize(
        ("night", "length"),
        [
            (date(2026, 3, 28), 9),  # 19:00 CET to 05:00 CEST: an hour shorter
            (date(2026, 10, 24), 11),  # 19:00 CEST to 05:00 CET: an hour longer
            (date(2026, 3, 27), 10),  # the night before: unchanged
        ],
    )
    def test_daylight_saving_nights_count_real_time(self, night: date, length: int) -> None:
        cal = self.every_night
        ((start, end),) = cal.working_hours(night)
        assert (start.hour, end.hour, (end - start).in_hours()) == (19, 5, length)
        opening = berlin(night.year, night.month, night.day, 19)
        assert cal.working_time_between(opening, opening.add(days=1)) == timedelta(hours=length)
        assert cal.add(opening, f"{length}bh") == end
        assert cal.add(opening, f"{length + 1}bh") == opening.add(days=1, hours=1)

    def test_years_hold_their_nights_in_real_time(self) -> None:
        """A year's working time is counted without its ledger (the years between two instants): March 2026 has
        31 nights of ten hours less the hour lost, and each year of nights since 2025 has as many as it has dates
        (an hour lost in March, won back in October), whatever year the instants lie in."""
        cal = self.every_night
        assert cal.working_time_between(berlin(2026, 3, 1), berlin(2026, 4, 1)) == timedelta(hours=31 * 10 - 1)
        start, end, nights = berlin(2025, 6, 1, 12), berlin(2028, 6, 1, 12), 365 + 365 + 366
        assert cal.working_time_between(start, end) == timedelta(hours=nights * 10)
        assert cal.add(start, f"{nights * 10}bh") == berlin(2028, 6, 1, 5)

    def test_a_new_years_eve_shift(self) -> None:
        """Thursday 31 December 2026's shift ends on 1 January 2027 and is 2026's working time (Friday 1 January is
        a holiday here, and its own shift does not run)."""
        cal = Calendar(BERLIN, hours="19:00-05:00", holidays=["2027-01-01"])
        assert cal.add(berlin(2026, 12, 31, 23), "4bh") == berlin(2027, 1, 1, 3)
        assert cal.add(berlin(2027, 1, 1, 2), "3bh") == berlin(2027, 1, 1, 5)
        assert cal.add(berlin(2027, 1, 1, 2), "4bh") == berlin(2027, 1, 4, 20)
        assert cal.add(berlin(2027, 1, 1, 2), "-3bh") == berlin(2026, 12, 31, 23)
        assert cal.working_time_between(berlin(2027, 1, 1), berlin(2027, 1, 2)) == timedelta(hours=5)
        assert cal.working_time_between(berlin(2026, 12, 31), berlin(2027, 1, 5)) == timedelta(hours=20)
        assert cal.working_time_between(berlin(2025, 12, 31, 12), berlin(2027, 1, 1, 1)) == timedelta(
            hours=(cal.business_days_between(date(2025, 12, 30), date(2026, 12, 31))) * 10 - 4
        )

    def test_a_skipped_date_has_no_shift(self) -> None:
        """Friday 30 December 2011 never happened in Pacific/Apia: Thursday's shift ends where the skip does
        (midnight into Saturday 31 December, five hours after it began), and Friday has none."""
        apia = Calendar("Pacific/Apia", hours="19:00-05:00")
        ((start, end),) = apia.working_hours(date(2011, 12, 29))
        assert end == pendulum.datetime(2011, 12, 31, tz="Pacific/Apia")
        assert (end - start).in_hours() == 5
        assert apia.working_hours(date(2011, 12, 30)) == []
        noon = pendulum.datetime(2011, 12, 29, 12, tz="Pacific/Apia")
        assert apia.working_time_between(noon, noon.add(days=4)) == timedelta(hours=5)

    @pytest.mark.parametrize(("hours", "duration", "start", "expected"), PANDAS_NIGHT_CASES)
    def test_pandas_overnight_business_hours(
        self, hours: str, duration: str, start: tuple[int, ...], expected: tuple[int, ...]
    ) -> None:
        assert Calendar("UTC", hours=hours).add(utc(*start), duration) == utc(*expected)

    def test_in_policy_files(self) -> None:
        cal = Calendar(BERLIN, hours={"mon-thu": "09:00-17:00", "fri": "09:00-12:00, 22:00-06:00"})
        written = policy(Rule.every("7d", first_response="4bh"), cal)
        assert "22:00-06:00" in written.to_toml()
        assert cadence.Policy.from_toml(written.to_toml()) == written
        assert cadence.policy_files.loads(cadence.policy_files.dumps(written, format="json"), format="json") == written

    @given(st.data(), st.sampled_from(ZONES_OF_NIGHTS), st.integers(0, 3 * 24 * 60), st.integers(1, 2000))
    def test_matches_a_minute_by_minute_walk(self, data: st.DataObject, zone: str, offset: int, minutes: int) -> None:
        """Differential: adding, subtracting and measuring business minutes agree with walking minute by minute
        over the hours as written, around the nights the clocks change and year ends."""
        night = data.draw(
            st.sampled_from([day for name, day in NIGHTS if name == zone])
            | st.dates(date(2010, 1, 1), date(2030, 12, 31))
        )
        cal, written = data.draw(night_calendars(zone, night))
        walk = MinuteWalk(cal, written)
        start = datetime(night.year, night.month, night.day, tzinfo=timezone.utc) + timedelta(minutes=offset - 720)
        # As instants: == between zones is False for a wall time that exists twice (PEP 495).
        assert instant_us(cal.add(start, f"{minutes}bm"), "x") == instant_us(walk.add(start, minutes), "x")
        assert instant_us(cal.add(start, f"-{minutes}bm"), "x") == instant_us(walk.subtract(start, minutes), "x")
        later = start + timedelta(minutes=minutes)
        assert cal.working_time_between(start, later) == walk.between(start, later)

    @given(st.data(), st.sampled_from(ZONES_OF_NIGHTS), aware_datetimes(), st.integers(0, 5000), st.integers(0, 5000))
    def test_adding_is_inverted_monotone_and_additive(
        self, data: st.DataObject, zone: str, start: datetime, a: int, b: int
    ) -> None:
        """Properties on calendars with shifts past midnight: the working time from an instant to a business
        minutes later is a minutes; more minutes never end earlier; a then b is a + b; counting back undoes it."""
        cal, _ = data.draw(night_calendars(zone, start.date()))
        first, both = cal.add(start, f"{a}bm"), cal.add(start, f"{a + b}bm")
        assert cal.working_time_between(start, first) == timedelta(minutes=a)
        assert instant_us(first, "first") <= instant_us(both, "both")
        assert instant_us(cal.add(first, f"{b}bm"), "x") == instant_us(both, "both")
        if a:
            back = cal.add(first, f"-{a}bm")
            assert instant_us(back, "back") >= instant_us(start, "start")
            assert cal.working_time_between(back, first) == timedelta(minutes=a)


class TestZeroBusinessDays:
    """``Calendar.add(instant, "0bd")``: the instant itself on a working date, else the next working date's
    opening (pandas rolls a zero business-day offset forward the same way)."""

    def test_on_a_working_date_it_is_the_instant(self) -> None:
        cal = Calendar("Europe/Berlin", hours="09:00-17:00")
        monday = pendulum.datetime(2026, 3, 9, 14, tz="Europe/Berlin")
        assert cal.add(monday, "0bd") == monday

    def test_on_a_day_off_it_is_the_next_opening(self) -> None:
        cal = Calendar("Europe/Berlin", hours="09:00-17:00")
        saturday = pendulum.datetime(2026, 3, 7, 14, tz="Europe/Berlin")
        assert cal.add(saturday, "0bd") == pendulum.datetime(2026, 3, 9, 9, tz="Europe/Berlin")
        assert Calendar("UTC").add(saturday, "0bd") == pendulum.datetime(2026, 3, 9, tz="UTC")


class TestHolidayCoverage:
    """Holiday data covers the years it was built for (issue 14, item 7). Mainland China made Saturday 29 December
    2018 a working day and took Monday 31 December off for the 2019 New Year; the `holidays` package lists both
    under 2018, so a calendar built for 2019 alone counts that Saturday as a day off and that Monday as a working
    day, and says so."""

    def china(self, years: object) -> Calendar:
        return Calendar.from_holidays("CN", years=years, timezone="Asia/Shanghai")  # type: ignore[arg-type]

    def test_built_for_2019_it_warns_counting_from_december_2018(self) -> None:
        cal = self.china(2019)
        assert cal.holiday_years == frozenset({2019})
        with pytest.warns(cadence.CalendarCoverageWarning) as caught:
            wrong = cal.add_business_days(date(2018, 12, 28), 1)
        assert wrong == date(2018, 12, 31)  # what the calendar knows: no make-up Saturday, no holiday on Monday
        (warning,) = caught
        assert str(warning.message) == (
            "Calendar.holiday_years: working days of 2018 were counted, but the calendar's holiday data covers 2019, "
            "so 2018 has no holidays or extra working days; build the calendar with years that include 2018"
        )
        assert isinstance(warning.message, UserWarning)
        assert (warning.message.years, warning.message.covered) == (range(2018, 2019), frozenset({2019}))
        assert warning.filename == __file__  # the caller's line, not the library's

    def test_built_for_2018_and_2019_it_knows_the_make_up_saturday(self) -> None:
        cal = self.china([2018, 2019])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert cal.is_working_day(date(2018, 12, 29))  # a Saturday
            assert not cal.is_working_day(date(2018, 12, 31))  # a Monday
            assert cal.add_business_days(date(2018, 12, 28), 1) == date(2018, 12, 29)
            assert cal.add_business_days(date(2018, 12, 28), 2) == date(2019, 1, 2)

    def test_a_calendar_without_coverage_never_warns(self) -> None:
        cal = Calendar("Asia/Shanghai", hours="09:00-18:00", holidays=["2019-01-01"])
        assert cal.holiday_years is None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert cal.add_business_days(date(1990, 1, 1), 20_000) > date(2060, 1, 1)
            cal.add(pendulum.datetime(1999, 1, 1, tz="Asia/Shanghai"), "-5000bh")
            cal.working_time_between(pendulum.datetime(1980, 1, 1, tz="UTC"), pendulum.datetime(2080, 1, 1, tz="UTC"))

    def test_one_warning_per_run_of_years_shown_as_the_filters_say(self) -> None:
        """Each count outside the coverage warns once per uncovered year it reached, or once for a run of more than
        ten (a span of centuries costs no more than one year); Python's filters decide what shows: by default once
        per message and line."""
        cal = self.china(2019)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cal.is_working_day(date(2019, 6, 1))  # covered
            cal.business_days_between(date(2019, 12, 1), date(2021, 1, 10))  # 2020 and 2021
            cal.business_days_between(date(1, 1, 2), date(9999, 12, 30))  # before and after
        runs = [w.message.years for w in caught if isinstance(w.message, cadence.CalendarCoverageWarning)]
        assert runs == [range(2020, 2021), range(2021, 2022), range(1, 2019), range(2020, 10000)]
        assert "working days of 2020 were counted" in str(caught[0].message)
        assert "working days of 1-2018 were counted" in str(caught[2].message)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for _ in range(3):
                cal.is_working_day(date(2018, 6, 1))  # one line, one message: shown once
        assert len(caught) == 1

    def test_an_error_filter_raises_every_time(self) -> None:
        """Under ``-W error`` a count outside the coverage raises, and raises again when retried: it never goes on
        silently with the wrong answer."""
        cal = self.china(2019)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(2):
                with pytest.raises(cadence.CalendarCoverageWarning):
                    cal.add_business_days(date(2018, 12, 28), 1)

    def test_a_scoped_ignore_does_not_silence_later_counts(self) -> None:
        cal = self.china(2019)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal.is_working_day(date(2018, 6, 1))
        with pytest.warns(cadence.CalendarCoverageWarning):
            cal.is_working_day(date(2018, 6, 1))

    def test_the_next_working_day_warns_once(self) -> None:
        cal = Calendar("UTC", holiday_years=[2018, 2020])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert cal.next_working_day(date(2019, 3, 2)) == date(2019, 3, 4)  # a Saturday of 2019
        assert [w.message.years for w in caught] == [range(2019, 2020)]  # type: ignore[attr-defined]

    def test_an_empty_span_warns_about_nothing(self) -> None:
        cal = self.china(2019)
        at = pendulum.datetime(2027, 3, 1, 10, tz="Asia/Shanghai")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert cal.working_time_between(at, at) == timedelta(0)

    def test_years_with_a_gap(self) -> None:
        cal = Calendar("UTC", holidays=["2018-01-01", "2020-01-01"], holiday_years=[2020, 2018])
        assert cal.holiday_years == frozenset({2018, 2020})
        with pytest.warns(cadence.CalendarCoverageWarning, match=r"covers 2018, 2020, so 2019 has"):
            cal.business_days_between(date(2018, 12, 1), date(2020, 2, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cal.is_working_day(date(2018, 3, 1))
            cal.is_working_day(date(2020, 3, 1))

    @pytest.mark.parametrize(
        ("call", "year"),
        [
            (lambda cal: cal.is_working_day(date(2018, 12, 29)), 2018),
            (lambda cal: cal.next_working_day(date(2018, 12, 29)), 2018),
            (lambda cal: cal.add_business_days(date(2018, 12, 28), 3), 2018),
            (lambda cal: cal.add_business_days(date(2019, 1, 2), -1), 2018),
            (lambda cal: cal.add_business_days(date(2019, 12, 30), 3), 2020),
            (lambda cal: cal.business_days_between(date(2019, 1, 7), date(2018, 12, 28)), 2018),
            (lambda cal: cal.working_hours(date(2018, 12, 29)), 2018),
            (lambda cal: cal.add(pendulum.datetime(2018, 12, 28, 17, tz="Asia/Shanghai"), "4bh"), 2018),
            (lambda cal: cal.add(pendulum.datetime(2019, 1, 2, 10, tz="Asia/Shanghai"), "-4bh"), 2018),
            (lambda cal: cal.add(pendulum.datetime(2019, 12, 31, 17, tz="Asia/Shanghai"), "4bh"), 2020),
            (lambda cal: cal.add(pendulum.datetime(2019, 1, 2, 10, tz="Asia/Shanghai"), "-1bd"), 2018),
            (
                lambda cal: cal.working_time_between(
                    pendulum.datetime(2019, 1, 2, tz="Asia/Shanghai"), pendulum.datetime(2018, 12, 28, tz="UTC")
                ),
                2018,
            ),
        ],
    )
    def test_every_path_a_deadline_takes_warns(self, call: object, year: int) -> None:
        """Business days forward and back, business hours forward and back, working dates and hours, counted
        between: each warns naming the year it reached."""
        cal = Calendar.from_holidays("CN", years=2019, timezone="Asia/Shanghai", hours="09:00-18:00")
        with pytest.warns(cadence.CalendarCoverageWarning, match=rf"working days of {year} were counted"):
            call(cal)  # type: ignore[operator]

    @pytest.mark.parametrize(
        "rule",
        [
            Rule.every("3bd"),
            Rule.every("4d", days_off="skip"),
            Rule.every("4d", days_off="pause"),
            Rule.every("20bh"),
            Rule.every("1d", grace="3bd"),
        ],
    )
    def test_a_policy_warns_when_assessing(self, rule: Rule) -> None:
        """A rule's deadlines in business days, in rolled or paused days and in business hours, and a business-day
        grace, all reach the calendar through the same checks; a rule of plain days reads no holidays."""
        cal = Calendar.from_holidays("CN", years=2019, timezone="Asia/Shanghai", hours="09:00-18:00")
        entered = pendulum.datetime(2019, 12, 30, 10, tz="Asia/Shanghai")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assess(policy(Rule.every("3d"), cal), lead(entered), [], as_of=entered)
        with pytest.warns(cadence.CalendarCoverageWarning, match="working days of 2020"):
            assess(policy(rule, cal), lead(entered), [], as_of=entered)

    def test_refused_values_name_the_field(self) -> None:
        for bad in ([], [2019, "2020"], "2019", 0, 10_000, [True], 2019.0):
            with pytest.raises(PolicyError, match=r"Calendar\.holiday_years"):
                Calendar("UTC", holiday_years=bad)
        assert Calendar("UTC", holiday_years=range(2018, 2021)).holiday_years == frozenset({2018, 2019, 2020})
        assert Calendar("UTC", holiday_years=2019) == Calendar("UTC", holiday_years=[2019])
        assert Calendar("UTC", holiday_years=2019) != Calendar("UTC")
        cal = self.china(2019)
        assert eval(repr(cal), {"Calendar": Calendar, "Weekday": Weekday, "datetime": __import__("datetime")}) == cal
        assert attrs.evolve(cal, timezone="UTC").holiday_years == cal.holiday_years

    def test_the_warning_pickles(self) -> None:
        import pickle

        warning = cadence.CalendarCoverageWarning("m", years=range(2018, 2019), covered=frozenset({2019}))
        again = pickle.loads(pickle.dumps(warning))
        assert (str(again), again.years, again.covered) == ("m", range(2018, 2019), frozenset({2019}))

    def test_in_policy_files(self) -> None:
        written = policy(Rule.every("3bd"), self.china([2018, 2019]))
        text = written.to_toml()
        assert "holiday_years = [\n    2018,\n    2019,\n]" in text
        assert cadence.Policy.from_toml(text) == written
        source = (
            'version = 1\nname = "p"\nsegments = ["A"]\nrules = [{ key = "*/*", interval = "1bd" }]\n'
            '\n[calendar]\ntimezone = "Asia/Shanghai"\nholidays = { country = "CN", years = [2018, 2019] }\n'
        )
        assert cadence.policy_files.loads(source).calendar.holiday_years == frozenset({2018, 2019})
        with pytest.raises(cadence.PolicyFileError, match=r"calendar.holiday_years: the holiday source's years"):
            cadence.policy_files.loads(source + "holiday_years = [2019]\n")

    @given(
        st.integers(2000, 2030),
        st.integers(0, 3),
        st.dates(date(1998, 1, 1), date(2033, 12, 31)),
        st.integers(-400, 400),
    )
    def test_warns_exactly_when_the_counted_dates_leave_the_years(
        self, first: int, extra: int, day: date, n: int
    ) -> None:
        """Property: counting n business days warns, naming each year, exactly when the dates counted (those after
        the start up to the result, or from the result up to the one before the start) reach years outside the
        coverage."""
        cal = Calendar("UTC", holidays=[f"{first}-05-01"], holiday_years=range(first, first + extra + 1))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = cal.add_business_days(day, n)
            except InputError:
                return
        low, high = (day + timedelta(days=1), result) if n >= 0 else (result, day - timedelta(days=1))
        reached = set(range(low.year, high.year + 1)) if n else set()
        named = {year for w in caught for year in w.message.years}  # type: ignore[attr-defined]
        assert named == reached - set(range(first, first + extra + 1))
