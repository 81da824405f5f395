"""Regression tests for defects fixed in the engine: the edges of years 1 and 9999, duration text too long to
read, holiday settings of the wrong type, values that are not customers, time zones with impossible offsets,
business durations whose cost grew with their size or with the span of the holidays, caches that could change an
answer (small budgets, colliding keys, dates before year 1), and the dates that hold a change of UTC offset.

Dates used: 2 March 2026 and 2 March 1970 are Mondays; 0001-01-02T00:00Z is 19:03:58 on 1 January of year 1 in
America/New_York (local mean time, -04:56:02); Pacific/Kiritimati is 14 hours ahead of UTC.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cadence
from cadence import (
    Calendar,
    Contact,
    Customer,
    DurationError,
    InputError,
    InputTypeError,
    Policy,
    PolicyError,
    Rule,
    Status,
    assess,
    assess_many,
    parse_duration,
)
from cadence._rulebook import Touchpoint
from cadence._time import DAY_US, cache_key, get_zone

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
UTC = timezone.utc


def berlin(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=BERLIN)


def policy_on(calendar: Calendar | str, rule: Rule) -> Policy:
    return Policy(name="p", calendar=calendar, segments=["A"], rules={("*", "*"): rule})


def entered(at: datetime, stage: str = "lead", cid: str = "c-1") -> Customer:
    return Customer(cid, "A", stage, stage_entered_at=at, created_at=at)


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Empty caches before and after: the answers must not depend on what the tests before computed, and the
    state a test leaves (a far-reaching ledger, odd ids) must not reach the tests after."""
    cadence.clear_caches()
    yield
    cadence.clear_caches()


class _TwentyFiveHoursAhead(tzinfo):
    """A broken time zone: datetime refuses its offset when asked for it."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=25)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "+25"


class TestSupportedYears:
    def test_an_exact_deadline_past_9999_is_refused_when_assessed(self) -> None:
        """24 hours after 9999-12-30T12:00Z is past the last supported instant: `assess` refuses it with an
        InputError naming the customer, rather than returning a result with thresholds past the range (whose
        instants a reader of the result would fail on, in a zone ahead of UTC)."""
        start = datetime(9999, 12, 30, 12, tzinfo=UTC)
        with pytest.raises(InputError, match=r"years 1-9999") as caught:
            assess(policy_on("UTC", Rule.every("24h")), entered(start), [], as_of=start)
        assert "customer 'c-1'" in str(caught.value)

    @pytest.mark.parametrize(
        "as_of",
        [
            datetime(1, 1, 1, 3, tzinfo=UTC),  # 0000-12-31 in New York
            datetime(1, 1, 1, 23, 59, 59, 999_999, tzinfo=UTC),
            datetime(9999, 12, 31, tzinfo=UTC),
            datetime(9999, 12, 30, 20, tzinfo=timezone(timedelta(hours=-5))),  # 9999-12-31T01:00Z
        ],
    )
    def test_an_as_of_outside_the_supported_range_is_refused_naming_it(self, as_of: datetime) -> None:
        """An as_of before 0001-01-02 or after 9999-12-30 (UTC) is an InputError naming ``as_of``, even for a
        terminal-stage customer, whose result would otherwise hold an instant no datetime can show."""
        customer = Customer("c-1", "A", "lost", stage_entered_at=berlin(2026, 1, 5), created_at=berlin(2026, 1, 5))
        if as_of.year == 1:
            customer = entered(datetime(1, 1, 2, tzinfo=UTC), "lost")
        with pytest.raises(InputError, match=r"^as_of \(.*\) is outside the supported range: from 0001-01-02"):
            assess(policy_on(NEW_YORK, Rule.every("7d")), customer, [], as_of=as_of)

    @pytest.mark.parametrize(
        ("field", "kwargs"),
        [
            ("Customer.stage_entered_at", {"stage_entered_at": datetime(1, 1, 1, 12, tzinfo=UTC)}),
            ("Customer.stage_entered_at", {"stage_entered_at": datetime(9999, 12, 31, tzinfo=UTC)}),
            ("Customer.created_at", {"created_at": datetime(9999, 12, 31, 6, tzinfo=UTC)}),
        ],
    )
    def test_a_customer_instant_outside_the_range_is_refused_naming_its_field(
        self, field: str, kwargs: dict[str, datetime]
    ) -> None:
        """A stage entry or creation instant outside 0001-01-02 ... 9999-12-30 (UTC) is an InputError naming the
        field when the customer is built."""
        fields: dict[str, datetime] = {"stage_entered_at": berlin(2026, 1, 5), "created_at": berlin(2026, 1, 5)}
        fields.update(kwargs)
        with pytest.raises(InputError, match=rf"^{field} \(.*\) is outside the supported range"):
            Customer("c-1", "A", "lead", **fields)

    def test_a_contact_outside_the_range_is_refused_naming_its_field(self) -> None:
        """Contact.at is checked the same way."""
        with pytest.raises(InputError, match=r"^Contact.at \(0001-01-01T.*\) is outside the supported range"):
            Contact(datetime(1, 1, 1, 12, tzinfo=UTC), "call")

    @pytest.mark.parametrize(
        ("zone", "at", "local"),
        [
            (NEW_YORK, datetime(1, 1, 2, 12, tzinfo=UTC), "0001-01-02T07:03:58-04:56:02"),
            (NEW_YORK, datetime(1, 1, 2, tzinfo=UTC), "0001-01-01T19:03:58-04:56:02"),
            ("Pacific/Kiritimati", datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC), "9999-12-31T13:59:59+14:00"),
        ],
    )
    def test_a_terminal_customer_at_the_edges_has_a_readable_result(self, zone: str, at: datetime, local: str) -> None:
        """At the first and last supported instants, in zones far behind and far ahead of UTC, a terminal-stage
        customer's result shows its as_of in the zone (no OverflowError when it is read)."""
        result = assess(policy_on(zone, Rule.every("7d")), entered(at, "lost"), [], as_of=at)
        assert result.status is Status.INACTIVE
        assert result.as_of == at
        assert result.as_of.isoformat() == local


class TestDurationText:
    def test_a_number_too_long_to_read_is_a_duration_error(self) -> None:
        """5,000 digits are no duration: a DurationError (a CadenceError), not Python's ValueError about
        reading integers of more than 4,300 digits."""
        with pytest.raises(DurationError, match=r'^duration: "1{20}\.\.\." is too long to be a duration \(5,001 c'):
            parse_duration("1" * 5000 + "h")

    def test_a_rule_names_the_field_with_the_too_long_text(self) -> None:
        """In a rule the same text is refused with the field it came from, as every bad duration of a rule is
        (a PolicyError, a CadenceError too)."""
        with pytest.raises(PolicyError, match=r'^Rule.intervals\[0\]: "1{20}\.\.\." is too long to be a duration'):
            Rule.every("1" * 5000 + "h")
        with pytest.raises(PolicyError, match=r'^Rule.first_response: "2{20}\.\.\." is too long to be a duration'):
            Rule.every("7d", first_response="2" * 5000 + "bh")

    def test_calendar_add_refuses_it_too(self) -> None:
        """`Calendar.add` reads its duration text the same way."""
        with pytest.raises(DurationError, match=r'^duration: "9{20}\.\.\." is too long to be a duration \(5,002 c'):
            Calendar("UTC").add(datetime(2026, 3, 2, 9, tzinfo=UTC), "9" * 5000 + "bh")


class TestHolidaySettings:
    def test_a_list_of_regions_is_a_policy_error(self) -> None:
        """``subdiv`` is one region code: a list of them is a PolicyError, not a TypeError from deep in the
        ``holidays`` package."""
        with pytest.raises(PolicyError, match=r"^Calendar.from_holidays subdiv: expected a region code such as"):
            Calendar.from_holidays("DE", years=2026, timezone="UTC", subdiv=["BY"])  # type: ignore[arg-type]

    @pytest.mark.parametrize("country", [5, None, "", ["DE"]])
    def test_a_country_that_is_not_a_code_is_a_policy_error(self, country: object) -> None:
        """A country that is not a non-empty string is a PolicyError naming ``country``."""
        with pytest.raises(PolicyError, match=r"^Calendar.from_holidays country: expected a country code such as"):
            Calendar.from_holidays(country, years=2026, timezone="UTC")  # type: ignore[arg-type]


class TestValuesThatAreNotCustomers:
    @pytest.mark.parametrize("value", [None, "c-1", {"id": "c-1"}])
    def test_assess_many_refuses_them_with_an_input_type_error(self, value: object) -> None:
        """`assess_many` reports a value that is not a Customer as an InputTypeError, not an AttributeError from
        looking up its contacts by ``.id``."""
        with pytest.raises(InputTypeError, match=r"^customer must be a Customer \(got "):
            assess_many(policy_on("UTC", Rule.every("7d")), [value], {}, as_of=berlin(2026, 3, 2))  # type: ignore[list-item]


class TestImpossibleOffsets:
    def test_a_contact_in_a_zone_25_hours_ahead_is_refused_naming_the_field(self) -> None:
        """A tzinfo whose offset datetime refuses is an InputError naming Contact.at, not a bare ValueError."""
        with pytest.raises(InputError, match=r"^Contact.at: its time zone .* gives no valid UTC offset"):
            Contact(datetime(2026, 3, 2, 9, tzinfo=_TwentyFiveHoursAhead()), "call")

    def test_an_as_of_in_such_a_zone_is_refused_naming_it(self) -> None:
        """The same for ``as_of``, in `assess` and in `assess_many`."""
        policy = policy_on("UTC", Rule.every("7d"))
        as_of = datetime(2026, 3, 2, 9, tzinfo=_TwentyFiveHoursAhead())
        with pytest.raises(InputError, match=r"^as_of: its time zone .* gives no valid UTC offset"):
            assess(policy, entered(berlin(2026, 1, 5)), [], as_of=as_of)
        with pytest.raises(InputError, match=r"^as_of: its time zone .* gives no valid UTC offset"):
            assess_many(policy, [entered(berlin(2026, 1, 5))], {}, as_of=as_of)

    def test_a_stage_entry_in_such_a_zone_is_refused_naming_it(self) -> None:
        """And for the customer's instants."""
        with pytest.raises(InputError, match=r"^Customer.stage_entered_at: its time zone .* gives no valid"):
            entered(datetime(2026, 3, 2, 9, tzinfo=_TwentyFiveHoursAhead()))


@pytest.mark.usefixtures("fresh_caches")
class TestBusinessHourCost:
    """Durations whose cost once grew with their size: each test here took seconds to minutes before."""

    def test_a_million_business_hours(self) -> None:
        """1,000,000 eight-hour working hours are 125,000 working days, 25,000 weeks: from Monday 2 March 2026
        09:00 they end on the Friday 25,000 weeks later at 17:00 (09:00-17:00 never meets a change of offset in
        Berlin, so every working day has 8 real hours)."""
        cal = Calendar(BERLIN, hours="09:00-17:00")
        monday = berlin(2026, 3, 2, 9)
        friday = date(2026, 3, 2) + timedelta(days=25_000 * 7 - 3)
        assert friday == date(2505, 4, 17)
        assert cal.add(monday, "1000000bh") == berlin(2505, 4, 17, 17)

    def test_a_million_business_hours_are_additive(self) -> None:
        """Adding a year of whole working days (52 weeks) and then the rest is adding the million at once: the
        first part ends at 17:00 on a Friday, and counting on from a closing time is counting from the next
        opening."""
        cal = Calendar(BERLIN, hours="09:00-17:00")
        monday = berlin(2026, 3, 2, 9)
        year = 8 * 5 * 52
        halfway = cal.add(monday, f"{year}bh")
        assert halfway == berlin(2027, 2, 26, 17)
        assert cal.add(halfway, f"{10**6 - year}bh") == cal.add(monday, "1000000bh")

    @pytest.mark.parametrize("start", [date(1916, 3, 6), date(1970, 3, 2), date(2026, 3, 2)])
    @pytest.mark.parametrize("days", [1, 5, 260, 125_000, 2_000_000])
    def test_whole_working_days_end_at_the_closing_of_the_nth_working_date(self, start: date, days: int) -> None:
        """8n business hours from a Monday's opening end at the closing of the n-th working date counting that
        Monday, which `add_business_days` finds by week arithmetic: up to 2,000,000 days (past the year 9500)."""
        cal = Calendar(BERLIN, hours="09:00-17:00")
        last = cal.add_business_days(start - timedelta(days=1), days)
        assert cal.add(berlin(start.year, start.month, start.day, 9), f"{8 * days}bh") == berlin(
            last.year, last.month, last.day, 17
        )

    @pytest.mark.parametrize("text", ["99999999bh", "30000000bh", "20000000bh"])
    def test_working_time_past_the_year_9999_is_refused(self, text: str) -> None:
        """More working time than is left before the year 10000 is an InputError, found without counting it."""
        cal = Calendar(BERLIN, hours="09:00-17:00")
        with pytest.raises(InputError, match=r"supported range of years 1-9999 \(business hours\)"):
            cal.add(berlin(2026, 3, 2, 9), text)


_ERAS = [
    (date(1, 1, 1), date(100, 12, 31)),
    (date(2020, 1, 1), date(2030, 12, 31)),
    (date(9990, 1, 1), date(9999, 12, 31)),
]
_era_dates = st.one_of(*(st.dates(low, high) for low, high in _ERAS))


def _shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, kept within the dates datetime can show."""
    return date.fromordinal(min(max(day.toordinal() + days, 1), date.max.toordinal()))


@st.composite
def _far_apart(draw: st.DrawFn) -> tuple[Calendar, date, int]:
    """A calendar whose holidays and extra working days lie in the years 1-100, 2020-2030 and 9990-9999 (and
    stretches of holidays of up to three weeks), a start date near one of them (or anywhere in those years), and
    a number of business days."""
    off: set[date] = set()
    for low, high in _ERAS:
        off |= draw(st.sets(st.dates(low, high), max_size=8))
    for start in draw(st.lists(_era_dates, max_size=3)):
        off.update(_shifted(start, i) for i in range(draw(st.integers(1, 21))))
    extra = draw(st.sets(_era_dates, max_size=8)) - off
    cal = Calendar("UTC", workdays=draw(st.sets(st.integers(0, 6), min_size=1)), holidays=off, extra_workdays=extra)
    near = sorted(off | extra)
    if near and draw(st.booleans()):
        start = _shifted(draw(st.sampled_from(near)), draw(st.integers(-60, 60)))
    else:
        start = draw(_era_dates)
    return cal, start, draw(st.integers(0, 600))


def _walk(cal: Calendar, day: date, n: int) -> date | None:
    """The reference: walk one date at a time with `Calendar.is_working_day`, checking it against the fields it
    reads; None past 9999-12-31."""
    while n:
        if day == date.max:
            return None
        day += timedelta(days=1)
        working = day in cal.extra_workdays or (day.weekday() in cal.workdays and day not in cal.holidays)
        assert cal.is_working_day(day) == working
        n -= working
    return day


class TestFarApartHolidays:
    def test_holidays_in_the_years_1_and_9999(self) -> None:
        """A calendar with holidays eight thousand years apart builds at once (nothing is laid out between
        them) and counts ordinary weeks in between."""
        cal = Calendar("UTC", holidays=[date(1, 1, 1), date(9999, 12, 30)])
        assert cal.add_business_days(date(2026, 1, 1), 10) == date(2026, 1, 15)
        assert not cal.is_working_day(date(9999, 12, 30))  # a Thursday
        assert not cal.is_working_day(date(1, 1, 1))  # a Monday
        assert cal.is_working_day(date(9999, 12, 29))
        assert cal.add_business_days(date(9999, 12, 28), 2) == date(9999, 12, 31)
        assert cal.add_business_days(date(1, 1, 1), 1) == date(1, 1, 2)

    @given(_far_apart())
    def test_matches_a_day_by_day_walk(self, case: tuple[Calendar, date, int]) -> None:
        """Counting business days across exceptions spread over eight thousand years agrees with walking one
        date at a time; past 9999-12-31 it is an InputError."""
        cal, start, n = case
        expected = _walk(cal, start, n)
        if expected is None:
            with pytest.raises(InputError, match=r"business days after .* is past the year 9999"):
                cal.add_business_days(start, n)
        else:
            assert cal.add_business_days(start, n) == expected
            assert cal.next_working_day(start) == (start if cal.is_working_day(start) else _walk(cal, start, 1))


_BH_DURATIONS_WITHIN_THE_YEAR = ["1bh", "4bh", "37bh", "300bh", "900bh"]
_BH_ANCHORS = [berlin(1970, 3, 2, 10), berlin(2026, 3, 2, 10), berlin(1970, 3, 7, 12), berlin(2026, 3, 7, 12)]


def _business_hour_answers(durations: list[str], anchors: list[pendulum.DateTime], fresh: bool) -> list[datetime]:
    cal = Calendar(BERLIN, hours="09:00-12:00, 13:00-17:30")
    answers = []
    for duration in durations:
        for anchor in anchors:
            if fresh:
                cadence.clear_caches()
            answers.append(cal.add(anchor, duration))
    return answers


@pytest.mark.usefixtures("fresh_caches")
class TestCacheBudget:
    def test_a_small_budget_never_changes_an_answer(self) -> None:
        """Business-hour answers for anchors in 1970 and 2026, alternating, under a budget of 1,000 entries
        (emptied again and again) are the answers computed each from empty caches."""
        anchors = _BH_ANCHORS * 3
        expected = _business_hour_answers(_BH_DURATIONS_WITHIN_THE_YEAR, anchors, fresh=True)
        previous = cadence.set_cache_budget(1000)
        try:
            assert _business_hour_answers(_BH_DURATIONS_WITHIN_THE_YEAR, anchors, fresh=False) == expected
        finally:
            cadence.set_cache_budget(previous)

    def test_a_small_budget_never_changes_an_answer_across_year_ends(self) -> None:
        """The same with durations that end in a later year than their anchor (1970 -> 1971 ..., 2026 -> 2027
        ...), which sum years on the per-zone axis: it grows to a start past its end (an IndexError once)."""
        anchors = _BH_ANCHORS * 2
        durations = ["2500bh", "9000bh"]
        expected = _business_hour_answers(durations, anchors, fresh=True)
        previous = cadence.set_cache_budget(1000)
        try:
            assert _business_hour_answers(durations, anchors, fresh=False) == expected
        finally:
            cadence.set_cache_budget(previous)

    def test_customers_who_entered_years_apart_in_one_batch(self) -> None:
        """A "40bh" rule, one customer who entered on 30 December 2025 and one on 30 December 2027: each is due
        40 working hours later, in the next year (the second once read past the end of the per-zone axis that the
        first had started)."""
        policy = policy_on(Calendar(BERLIN, hours="09:00-17:00"), Rule.every("40bh"))
        first, second = entered(berlin(2025, 12, 30, 10), cid="a"), entered(berlin(2027, 12, 30, 10), cid="b")
        results = assess_many(policy, [first, second], {}, as_of=berlin(2028, 1, 1))
        assert [r.due_at for r in results] == [berlin(2026, 1, 6, 10), berlin(2028, 1, 6, 10)]

    def test_no_cache_at_all_gives_the_same_answers(self) -> None:
        """A budget of 0 turns caching off; every answer stays the same (business hours within and across
        years, business days, calendar days, an assessment), and the previous budget comes back."""
        cal = Calendar(BERLIN, hours="09:00-17:00", holidays=["2026-04-03", "2026-04-06"])
        policy = policy_on(cal, Rule.every("3bd", grace="4bh"))
        customer = entered(berlin(2026, 4, 1, 16))

        def answers(fresh: bool) -> list[object]:
            found: list[object] = []
            for anchor in (berlin(1970, 3, 2, 10), berlin(2026, 4, 2, 16, 30), berlin(2026, 3, 28, 12)):
                for duration in ("1bh", "30bh", "3000bh", "2bd", "1mo"):
                    if fresh:
                        cadence.clear_caches()
                    found.append(cal.add(anchor, duration))
            result = assess(policy, customer, [], as_of=berlin(2026, 4, 9))
            return [*found, result.status, result.due_at, result.overdue_at]

        expected = answers(fresh=True)
        previous = cadence.set_cache_budget(0)
        try:
            assert answers(fresh=False) == expected
            assert answers(fresh=False) == expected
        finally:
            assert cadence.set_cache_budget(previous) == 0
        assert cadence.set_cache_budget(previous) == previous

    def test_a_budget_must_be_a_whole_number(self) -> None:
        """A negative or non-integer budget is an InputTypeError, and the budget stays as it was."""
        before = cadence._time._budget
        for bad in (-1, 1.5, True, "1000"):
            with pytest.raises(InputTypeError, match=r"^entries must be a whole number >= 0"):
                cadence.set_cache_budget(bad)  # type: ignore[arg-type]
        assert cadence._time._budget == before


_OLD_KEY_COLLISIONS = [(d, d + 1) for d in (2, date(2026, 3, 2).toordinal() + 1, date(9999, 12, 30).toordinal())]


class TestCacheKeys:
    @pytest.mark.parametrize("ordinal", [0, -1, -6, -(2**32), date.max.toordinal() + 1, 2**22, 2**40])
    def test_an_ordinal_outside_years_1_to_9999_has_no_key(self, ordinal: int) -> None:
        """A key for a date before year 1 or after 9999 is refused with an InputError, never computed into
        another owner's slot."""
        with pytest.raises(InputError, match=r"supported range of years 1-9999"):
            cache_key(1, ordinal)

    def test_the_first_and_last_dates_have_keys(self) -> None:
        """Ordinals 1 and date.max.toordinal() are in range, and their keys lie above every date ordinal (the
        keys of day starts)."""
        assert cache_key(1, 1) != cache_key(1, date.max.toordinal())
        assert min(cache_key(1, 1), cache_key(7, date.max.toordinal())) > date.max.toordinal()

    @pytest.mark.parametrize(("even", "odd"), _OLD_KEY_COLLISIONS)
    def test_owners_2_to_the_32_apart_do_not_collide(self, even: int, odd: int) -> None:
        """Under the old scheme ``date << 32 | id``, owner 2**32 + k on an even date and owner k on the next
        date had one key; now they have two."""
        for k in (1, 5):
            assert even << 32 | (2**32 + k) == odd << 32 | k  # the old collision
            assert cache_key(2**32 + k, even) != cache_key(k, odd)
            assert cache_key(2**32 + k, odd) != cache_key(k, even)

    def test_keys_are_distinct_over_owners_and_dates(self) -> None:
        """Distinct (owner, ordinal) pairs have distinct keys, for small and huge owners and the extreme dates."""
        owners = [1, 2, 5, 2**22, 2**32 + 1, 2**32 + 5, 2**33 + 1]
        ordinals = [1, 2, 3, 719_163, 739_677, 739_678, date.max.toordinal() - 1, date.max.toordinal()]
        keys = {cache_key(owner, ordinal) for owner in owners for ordinal in ordinals}
        assert len(keys) == len(owners) * len(ordinals)

    def test_rules_compiled_with_huge_ids_keep_their_own_answers(
        self, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
    ) -> None:
        """A 7-day rule compiled with ids n, n + 1, ... and a 30-day rule compiled with ids 2**32 + n, ...: the
        same customer is due 23 days later under the second, on every anchor date (under the old keys, half of
        the dates read the other rule's cached thresholds)."""
        policy_on(BERLIN, Rule.every("1d"))  # compile what every policy shares once, so the ids below line up
        n = cadence._time.next_id()
        monkeypatch.setattr(cadence._time, "_ids", itertools.count(n + 1))
        weekly = policy_on(BERLIN, Rule.every("7d"))
        monkeypatch.setattr(cadence._time, "_ids", itertools.count(2**32 + n + 1))
        monthly = policy_on(BERLIN, Rule.every("30d"))
        as_of = berlin(2026, 6, 1)
        for day in range(2, 8):  # six consecutive anchor dates, odd and even ordinals
            customer = entered(berlin(2026, 3, day, 10))
            for order in ((weekly, monthly), (monthly, weekly)):
                cadence.clear_caches()
                due = {id(policy): assess(policy, customer, [], as_of=as_of).due_at for policy in order}
                assert (due[id(monthly)].date() - due[id(weekly)].date()).days == 23


_YEAR_ONE = datetime(1, 1, 2, tzinfo=UTC)  # 0001-01-01 19:03:58 in New York


def _touchpoint_answer(calendar: Calendar, window: str, add_first: bool) -> object:
    """The assessment (or its InputError) of a customer who entered at 0001-01-02T00:00Z in New York, under a
    rule with a touchpoint 3 days after entry whose window reaches ``window`` before it; with ``add_first``,
    after one business hour was added on ``calendar`` from the same instant."""
    policy = policy_on(calendar, Rule.every("7d", touchpoints=[Touchpoint("3d", window, "welcome")]))
    if add_first:
        assert calendar.add(_YEAR_ONE, "1bh").isoformat() == "0001-01-01T20:03:58-04:56:02"
    try:
        result = assess(policy, entered(_YEAR_ONE), [], as_of=datetime(1, 1, 6, tzinfo=UTC))
    except InputError as error:
        return str(error)
    return (result.status, result.due_at, [(t.state, t.due_at) for t in result.touchpoints])


@pytest.mark.usefixtures("fresh_caches")
class TestDatesBeforeYearOne:
    @pytest.mark.parametrize("window", ["0h", "1d", "3d", "4d", "10d"])
    def test_an_assessment_does_not_depend_on_what_ran_before(self, window: str) -> None:
        """A touchpoint window that opens before 1 January of year 1 is an InputError (from "4d"), otherwise an
        answer; either way the same whether or not a business-hour addition filled the zone's caches first."""
        calendar = Calendar(NEW_YORK)
        alone = _touchpoint_answer(calendar, window, add_first=False)
        cadence.clear_caches()
        after_add = _touchpoint_answer(calendar, window, add_first=True)
        assert after_add == alone
        if window in ("4d", "10d"):
            assert isinstance(alone, str)
            assert alone.startswith("date arithmetic left the supported range of years 1-9999")

    def test_a_date_before_year_one_never_reads_another_entry(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the calendar's compiled id 6, a "10d" window asks for the start of date ordinal -6: the old
        caches kept the calendar's working-time ledger under key -6, and read it as that day start. Now there is
        no such key: the answer is the same InputError with or without the business hour added first."""
        monkeypatch.setattr(cadence._time, "_ids", itertools.count(6))  # after clear_caches: no live entry uses 6
        calendar = Calendar(NEW_YORK, holidays=["2026-12-24"])  # compiled now, under ids 6 ...
        monkeypatch.undo()
        alone = _touchpoint_answer(calendar, "10d", add_first=False)
        cadence.clear_caches()
        assert _touchpoint_answer(calendar, "10d", add_first=True) == alone
        assert isinstance(alone, str)
        assert alone.startswith("date arithmetic left the supported range of years 1-9999")

    @pytest.mark.parametrize(
        ("zone", "entry", "as_of", "window"),
        [
            (NEW_YORK, _YEAR_ONE, datetime(1, 1, 6, tzinfo=UTC), "3d"),  # opens 0001-01-01T00:00 local, 04:56Z
            ("UTC", datetime(9999, 12, 20, tzinfo=UTC), datetime(9999, 12, 22, tzinfo=UTC), "5d"),  # closes 12-31
        ],
    )
    def test_a_returned_result_can_be_read_in_full(
        self, zone: str, entry: datetime, as_of: datetime, window: str
    ) -> None:
        """What `assess` returns can be read: a touchpoint window outside 0001-01-02 ... 9999-12-30 (UTC) but
        within the years 1-9999 in the customer's zone is shown in that zone."""
        touch = Touchpoint(window, window, "welcome")
        result = assess(policy_on(zone, Rule.every("1d", touchpoints=[touch])), entered(entry), [], as_of=as_of)
        assert [t.window for t in result.touchpoints]


_TRANSITION_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Europe/Dublin",
]
_TRANSITION_YEARS = [1916, 1945, 1970, 2011, 2019, 2026, 2037, 2038, 2100]


class TestTransitionDates:
    @pytest.mark.parametrize("key", _TRANSITION_ZONES)
    def test_every_date_not_24_hours_long_is_listed(self, key: str) -> None:
        """Every local date whose length (from its start to the next date's start) is not 24 hours is one of
        `Zone.transition_dates` of its year: in years of wartime time, of listed changes, of the zone's yearly
        rule, and around 2038."""
        zone = get_zone(key, "tz")
        for year in _TRANSITION_YEARS:
            first, end = date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()
            starts = [zone.day_start(ordinal) for ordinal in range(first, end + 1)]
            odd = {first + i for i in range(end - first) if starts[i + 1] - starts[i] != DAY_US}
            listed = zone.transition_dates(year)
            assert odd <= set(listed), (key, year, sorted(map(date.fromordinal, odd - set(listed))))
            assert all(first <= ordinal < end for ordinal in listed)

    def test_known_transitions(self) -> None:
        """Spot checks: Berlin's summer time in 2026, Apia's skipped 30 December 2011 (no hours at all), and
        Lord Howe's half-hour change."""
        berlin_zone, apia, lord_howe = (
            get_zone(BERLIN, "tz"),
            get_zone("Pacific/Apia", "tz"),
            get_zone("Australia/Lord_Howe", "tz"),
        )
        assert [date.fromordinal(o) for o in berlin_zone.transition_dates(2026)] == [
            date(2026, 3, 29),
            date(2026, 10, 25),
        ]
        skipped = date(2011, 12, 30).toordinal()
        assert skipped in apia.transition_dates(2011)
        assert apia.day_start(skipped) == apia.day_start(skipped + 1)
        spring = date(2026, 10, 4).toordinal()
        assert lord_howe.day_start(spring + 1) - lord_howe.day_start(spring) == DAY_US - 1800 * 10**6


class TestNextWorkingDayAtTheEnd:
    def test_past_year_9999_is_an_input_error(self) -> None:
        """The next working day after the last date of 9999, a holiday, is refused with an InputError (it was a
        bare ValueError)."""
        calendar = Calendar("UTC", holidays=[date(9999, 12, 31)])
        with pytest.raises(InputError, match="past the year 9999"):
            calendar.next_working_day(date(9999, 12, 31))
