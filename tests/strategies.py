"""Hypothesis strategies shared by the tests: zones, aware datetimes, durations, rules, policies, histories."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta, timezone

import pendulum
from hypothesis import strategies as st

from cadence import (
    BusinessDays,
    BusinessHours,
    Calendar,
    CalendarDuration,
    Cap,
    Channel,
    Contact,
    Customer,
    Direction,
    ExactDuration,
    Outcome,
    Policy,
    Reclaim,
    Rule,
    Segment,
    Unanswered,
    business_days,
    business_hours,
    days,
    hours,
    months,
)

# Zones chosen for their traps: 23/25-hour days, half-hour and 45-minute offsets, DST at midnight, a skipped
# calendar day (Apia, 30 December 2011), a zone that moved across the date line, and plain UTC.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Apia",
    "Pacific/Chatham",
    "Asia/Shanghai",
    "Asia/Kathmandu",
    "Africa/Casablanca",
]

zone_names = st.sampled_from(ZONES)
_tzinfos = st.sampled_from([zoneinfo.ZoneInfo(name) for name in ZONES] + [timezone(timedelta(hours=-3, minutes=-30))])

START = datetime(2010, 1, 1)
END = datetime(2030, 12, 31)


def aware_datetimes(min_value: datetime = START, max_value: datetime = END) -> st.SearchStrategy[datetime]:
    """Aware datetimes in many zones, as stdlib or pendulum objects (both are accepted everywhere)."""
    plain = st.datetimes(min_value=min_value, max_value=max_value, timezones=_tzinfos)
    return st.one_of(plain, plain.map(pendulum.instance))


def shift(value: datetime, **delta: float) -> datetime:
    """``value`` moved by an exact timedelta, as a stdlib datetime in UTC (so no wall-clock rule is applied).

    Stdlib on purpose: pendulum's ``DateTime + timedelta`` drops a stdlib ``timezone.utc`` and returns a naive
    value (pendulum 3.3).
    """
    utc = value.astimezone(timezone.utc)
    plain = datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, timezone.utc)
    return plain + timedelta(**delta)


exact_durations = st.integers(1, 240).map(hours) | st.integers(1, 60 * 24 * 3).map(lambda m: ExactDuration(m * 60))
calendar_durations = st.integers(1, 60).map(days) | st.integers(1, 4).map(months)
business_durations = st.integers(1, 30).map(business_days) | st.integers(1, 80).map(business_hours)
positive_durations = exact_durations | calendar_durations | business_durations

Durations = ExactDuration | CalendarDuration | BusinessDays | BusinessHours


def _seconds_max(d: Durations) -> int:
    """The nominal longest, as `Rule` bounds it (business durations for a five-day week)."""
    if isinstance(d, ExactDuration):
        return d.seconds
    if isinstance(d, BusinessDays):
        return (d.days + 2 * -(-d.days // 5)) * 86_400
    if isinstance(d, BusinessHours):
        return _seconds_max(BusinessDays(-(-d.seconds // (8 * 3600)))) + 86_400
    return (d.days + 31 * d.months) * 86_400


def _seconds_min(d: Durations) -> int:
    if isinstance(d, (ExactDuration, BusinessHours)):
        return d.seconds
    if isinstance(d, BusinessDays):
        return d.days * 86_400
    return (d.days + 28 * d.months) * 86_400


def _clock(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


@st.composite
def working_hours(draw: st.DrawFn) -> list[str]:
    """One to three intervals on half hours, some of them across the hours where daylight saving shifts."""
    points = sorted(draw(st.sets(st.integers(0, 48), min_size=2, max_size=6)))
    points = points[: len(points) // 2 * 2]
    return [f"{_clock(a)}-{_clock(b)}" for a, b in zip(points[::2], points[1::2], strict=True)]


_years = st.dates(date(2009, 1, 1), date(2032, 12, 31))


@st.composite
def calendars(draw: st.DrawFn, zone: str | None = None) -> Calendar:
    """Calendars with any non-empty working week, optional hours, scattered holidays and holiday stretches
    (up to three weeks), and extra working days."""
    off: set[date] = set(draw(st.sets(_years, max_size=20)))
    for start in draw(st.lists(_years, max_size=3)):
        off.update(start + timedelta(days=i) for i in range(draw(st.integers(1, 21))))
    extra = draw(st.sets(_years, max_size=8)) - off
    schedule = draw(st.none() | working_hours())
    return Calendar(
        zone or draw(zone_names),
        workdays=draw(st.sets(st.integers(0, 6), min_size=1)),
        hours=schedule,
        holidays=off,
        extra_workdays=extra,
    )


@st.composite
def rules(draw: st.DrawFn, *, monotone: bool = False) -> Rule:
    """Valid rules: one to three intervals, optional first response, grace, heads-up and churn threshold.

    With ``monotone``, the intervals are of one kind and never shrink, and the first response (if any) is of
    the same kind and not longer than the first interval: the precondition of property 4 (docs/semantics.md).
    """
    days_off = draw(st.sampled_from(["count", "skip", "pause"]))
    if monotone:
        kind = draw(st.sampled_from(["hours", "days", "months", "bd", "bh"]))
        if kind == "months" and days_off == "pause":
            kind = "days"
        make, top = {
            "hours": (hours, 240),
            "days": (days, 45),
            "months": (months, 3),
            "bd": (business_days, 30),
            "bh": (business_hours, 80),
        }[kind]
        values = sorted(draw(st.lists(st.integers(1, top), min_size=1, max_size=3)))
        intervals = [make(v) for v in values]
        first = draw(st.none() | st.integers(1, values[0]).map(make))
    else:
        durations = positive_durations
        if days_off == "pause":
            durations = exact_durations | st.integers(1, 60).map(days) | business_durations
        intervals = draw(st.lists(durations, min_size=1, max_size=3))
        first = draw(st.none() | durations)
    deadlines = [*intervals, *([first] if first is not None else [])]
    shortest = min(_seconds_min(d) for d in deadlines)
    grace = draw(
        st.just(hours(0))
        | st.integers(0, 5).map(days)
        | st.integers(1, 48).map(hours)
        | st.integers(0, 3).map(business_days)
        | st.integers(1, 16).map(business_hours)
    )
    heads_up = hours(0)
    if shortest > 86_400 and draw(st.booleans()):
        heads_up = draw(
            st.integers(0, shortest // 86_400 - 1).map(days) | st.integers(1, shortest // 3600 - 1).map(hours)
        )
    churn = None
    if draw(st.booleans()):
        longest = max(_seconds_max(d) for d in deadlines) + _seconds_max(grace)
        extra = draw(st.integers(1, 60))
        churn = days(longest // 86_400 + extra + 1) if draw(st.booleans()) else hours(longest // 3600 + extra + 1)
    extras: dict[str, object] = {}
    if draw(st.booleans()):  # the rest of the rulebook, which leaves the status alone (touchpoints excepted)
        if _seconds_min(intervals[-1]) >= 86_400 and draw(st.booleans()):
            extras["cap"] = Cap(min_gap=f"{draw(st.integers(1, 12))}h", attempts=3, per="1d")
        then = st.sampled_from(["nurture", "reassign"])
        extras["unanswered"] = draw(st.none() | st.builds(Unanswered, st.integers(1, 4), then))
        extras["escalation"] = [(f"{d}d", f"level {d}") for d in sorted(draw(st.sets(st.integers(0, 9), max_size=3)))]
        extras["reclaim"] = draw(st.none() | st.integers(1, 90).map(lambda d: Reclaim(f"{d}d")))
    return Rule(
        intervals=intervals,
        first_response=first,
        grace=grace,
        heads_up=heads_up,
        churn_after=churn,
        days_off=days_off,
        **extras,  # type: ignore[arg-type]
    )


@st.composite
def policies(draw: st.DrawFn, *, monotone: bool = False) -> Policy:
    """Policies over segments A and B and the default lifecycle, with a default rule and some specific ones."""
    rule_set = {("*", "*"): draw(rules(monotone=monotone))}
    for key in draw(
        st.lists(st.sampled_from([("A", "*"), ("*", "lead"), ("A", "retention"), ("B", "won")]), max_size=3)
    ):
        rule_set[key] = draw(rules(monotone=monotone))
    return Policy(
        name="generated",
        calendar=draw(zone_names | calendars()),
        segments=[Segment("A", rank=0), Segment("B", rank=1)],
        rules=rule_set,
    )


stages = st.sampled_from(["lead", "contacted", "qualified", "proposal", "negotiation", "won", "retention", "dormant"])


@st.composite
def customers(draw: st.DrawFn, *, as_of: datetime, terminal: bool = False) -> Customer:
    """A customer who entered its stage up to 200 days before ``as_of``, created up to 200 days before that."""
    entered = shift(as_of, minutes=-draw(st.integers(0, 200 * 24 * 60)))
    created = shift(entered, minutes=-draw(st.integers(0, 200 * 24 * 60)))
    stage = draw(stages | st.just("lost")) if terminal else draw(stages)
    return Customer(
        id=f"c{draw(st.integers(0, 999))}",
        segment=draw(st.sampled_from(["A", "B"])),
        stage=stage,
        stage_entered_at=draw(_in_any_zone(entered)),
        created_at=draw(_in_any_zone(created)),
        timezone=draw(st.none() | zone_names),
        owner=draw(st.sampled_from([None, "ana", "ben"])),
    )


def _in_any_zone(value: datetime) -> st.SearchStrategy[datetime]:
    return _tzinfos.map(lambda tz: value.astimezone(tz))


@st.composite
def contacts(draw: st.DrawFn, *, around: datetime, before_days: int = 300, after_days: int = 30) -> Contact:
    """One contact at an instant from ``before_days`` before ``around`` to ``after_days`` after it."""
    offset = draw(st.integers(-before_days * 24 * 60, after_days * 24 * 60))
    at = draw(_in_any_zone(shift(around, minutes=offset, microseconds=draw(st.sampled_from([0, 1, 999_999])))))
    return Contact(
        at,
        draw(st.sampled_from(list(Channel))),
        draw(st.sampled_from(list(Direction))),
        draw(st.sampled_from(list(Outcome))),
        by=draw(st.sampled_from([None, "ana", "ben"])),
    )


def histories(around: datetime, **kwargs: int) -> st.SearchStrategy[list[Contact]]:
    """Contact histories of up to 12 contacts around ``around``."""
    return st.lists(contacts(around=around, **kwargs), max_size=12)


as_of_instants = aware_datetimes(datetime(2011, 6, 1), datetime(2029, 12, 31))
