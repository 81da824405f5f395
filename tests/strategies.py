"""Hypothesis strategies shared by the tests: zones, aware datetimes, durations, rules, policies, customers, histories.

Every rule field is generated (deadlines of every kind, grace, heads-up, churn, days off, contact filters, caps,
unanswered attempts, escalation, reclaim, touchpoints), customers carry do-not-contact pauses and claims, and
histories hold deferrals beside contacts: what docs/semantics.md and docs/rulebook.md claim "for every rule" is
tested on all of it.

Built for speed: a strategy made inside a composite on every draw (``st.integers(...).map(...) | ...``,
``st.sampled_from(list(...))``) is validated and labelled again each time, which cost the CI profile most of its
run. So the strategies are made once, here, and the composites draw plain numbers from them and build the values;
what depends on an instant (a customer, a history) is drawn as offsets from it (`customer_at`, `history_at`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

import pendulum
from hypothesis import strategies as st

from cadence import (
    Calendar,
    CalendarDuration,
    Cap,
    Channel,
    Contact,
    ContactFilter,
    Customer,
    Deferral,
    Direction,
    Duration,
    ExactDuration,
    Outcome,
    Policy,
    Reclaim,
    Rule,
    Segment,
    Touchpoint,
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
_TZINFOS: list[tzinfo] = [zoneinfo.ZoneInfo(name) for name in ZONES] + [timezone(timedelta(hours=-3, minutes=-30))]
_tzinfos = st.sampled_from(_TZINFOS)

START = datetime(2010, 1, 1)
END = datetime(2030, 12, 31)


def aware_datetimes(min_value: datetime = START, max_value: datetime = END) -> st.SearchStrategy[datetime]:
    """Aware datetimes in many zones, as stdlib or pendulum objects (both are accepted everywhere), with the wall
    times Hypothesis likes to try (in a DST gap or fold, at a transition)."""
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


def _in_zone(value: datetime, index: int) -> datetime:
    """``value`` expressed in the zone ``_TZINFOS[index]`` (the same instant)."""
    return value.astimezone(_TZINFOS[index])


_zone_index = st.integers(0, len(_TZINFOS) - 1)

exact_durations = st.integers(1, 240).map(hours) | st.integers(1, 60 * 24 * 3).map(lambda m: ExactDuration(m * 60))
calendar_durations = st.integers(1, 60).map(days) | st.integers(1, 4).map(months)
business_durations = st.integers(1, 30).map(business_days) | st.integers(1, 80).map(business_hours)
positive_durations = exact_durations | calendar_durations | business_durations
_day_durations = exact_durations | st.integers(1, 60).map(days) | business_durations  # no months: days_off="pause"


def _clock(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


def _intervals_of(points: set[int]) -> list[str]:
    ordered = sorted(points)[: len(points) // 2 * 2]
    return [f"{_clock(a)}-{_clock(b)}" for a, b in zip(ordered[::2], ordered[1::2], strict=True)]


# One to three intervals on half hours, some of them across the hours where daylight saving shifts.
_working_hours = st.sets(st.integers(0, 48), min_size=2, max_size=6).map(_intervals_of)


def working_hours() -> st.SearchStrategy[list[str]]:
    """One to three intervals on half hours, some of them across the hours where daylight saving shifts."""
    return _working_hours


_FIRST_DAY, _LAST_DAY = date(2009, 1, 1).toordinal(), date(2032, 12, 31).toordinal()
_days = st.integers(_FIRST_DAY, _LAST_DAY)  # ordinals: one choice per date (st.dates makes three)
_hours_or_none = st.none() | _working_hours
_workday_masks = st.integers(1, 127)  # bit d set: weekday d (Monday 0) is a working day
_stretches = st.lists(st.tuples(_days, st.integers(1, 21)), max_size=3)
_scattered = st.lists(_days, max_size=20)  # lists, not sets: a repeated date is harmless and sets cost more draws
_extra_days = st.lists(_days, max_size=8)


@st.composite
def _calendars(draw: st.DrawFn, zone: str | None = None) -> Calendar:
    off = {date.fromordinal(d) for d in draw(_scattered)}
    for start, length in draw(_stretches):
        off.update(date.fromordinal(start + i) for i in range(length))
    extra = {date.fromordinal(d) for d in draw(_extra_days)} - off
    mask = draw(_workday_masks)
    return Calendar(
        zone or draw(zone_names),
        workdays={d for d in range(7) if mask >> d & 1},
        hours=draw(_hours_or_none),
        holidays=off,
        extra_workdays=extra,
    )


_any_calendar = _calendars()


def calendars(zone: str | None = None) -> st.SearchStrategy[Calendar]:
    """Calendars with any non-empty working week, optional hours, scattered holidays and holiday stretches
    (up to three weeks), and extra working days."""
    return _any_calendar if zone is None else _calendars(zone)


# --- rules

_MAKERS: dict[str, tuple[Callable[[int], Duration], int]] = {
    "hours": (hours, 240),
    "days": (days, 45),
    "months": (months, 3),
    "bd": (business_days, 30),
    "bh": (business_hours, 80),
}
_kinds = st.sampled_from(list(_MAKERS))
_steps = {kind: st.lists(st.integers(1, top), min_size=1, max_size=3) for kind, (_, top) in _MAKERS.items()}
_steps_first = {kind: st.integers(1, top) for kind, (_, top) in _MAKERS.items()}
_days_off = st.sampled_from(["count", "skip", "pause"])

# A deadline is drawn as a kind and a count (two draws; nested one_of strategies of maps take four or five).
_DEADLINES: list[tuple[Callable[[int], Duration], int]] = [
    (hours, 240),
    (lambda m: ExactDuration(m * 60), 60 * 24 * 3),  # minutes
    (days, 60),
    (months, 4),
    (business_days, 30),
    (business_hours, 80),
]
# By (days off pause, day-granular only): no months when days pause; days, months and business days are day-granular.
_deadline_kinds = {
    (False, False): st.integers(0, len(_DEADLINES) - 1),
    (True, False): st.sampled_from([0, 1, 2, 4, 5]),
    (False, True): st.sampled_from([2, 3, 4]),
    (True, True): st.sampled_from([2, 4]),
}
_deadline_counts = [st.integers(1, top) for _, top in _DEADLINES]
_GRACES: list[tuple[Callable[[int], Duration], int, int]] = [
    (hours, 0, 0),
    (days, 0, 5),
    (hours, 1, 48),
    (business_days, 0, 3),
    (business_hours, 1, 16),
]
_grace_kinds = st.integers(0, len(_GRACES) - 1)
_grace_counts = [st.integers(low, high) for _, low, high in _GRACES]
_lengths = st.integers(1, 3)
_fraction = st.integers(0, 1000)  # a share of a range that depends on other draws, so no strategy is made per draw

# Contact filters, as bit masks: which channels and directions count, which outcomes of an outbound contact reach
# no one. Shrinks toward calls only, outbound only, every outcome a reach.
_contact_filters = st.tuples(
    st.integers(1, 2 ** len(Channel) - 1),
    st.integers(1, 2 ** len(Direction) - 1),
    st.integers(0, 2 ** len(Outcome) - 1),
)


def _contact_filter(masks: tuple[int, int, int]) -> ContactFilter:
    channels, directions, non_reach = masks

    def chosen(members: list[Any], mask: int) -> set[Any]:
        return {member for bit, member in enumerate(members) if mask >> bit & 1}

    return ContactFilter(
        chosen(list(Channel), channels), chosen(list(Direction), directions), chosen(list(Outcome), non_reach)
    )


def _deadline(draw: st.DrawFn, pause: bool, day_granular: bool) -> Duration:
    kind = draw(_deadline_kinds[pause, day_granular])
    return _DEADLINES[kind][0](draw(_deadline_counts[kind]))


_unanswered = st.none() | st.builds(Unanswered, st.integers(1, 4), st.sampled_from(["nurture", "reassign"]))
_levels = st.sets(st.integers(0, 9), max_size=3)
_plain_spans = st.tuples(st.booleans(), st.integers(1, 90))  # (in days?, how many)
_reclaims = st.tuples(_plain_spans, st.none() | _plain_spans, st.none() | _plain_spans, st.none() | st.integers(0, 30))
_touch_specs = st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 20)), max_size=3)


def _share(draw: st.DrawFn, low: int, high: int) -> int:
    """A number from ``low`` to ``high`` (inclusive), from a fixed strategy."""
    return low + draw(_fraction) * (high - low) // 1000


def _plain(in_days: bool, n: int) -> ExactDuration | CalendarDuration:
    return days(n) if in_days else hours(n)


def _reclaim(spec: tuple[Any, ...]) -> Reclaim:
    """A `Reclaim` from ``(after, protect, extend, longer by)``: extend and max_protect only with protect, and
    max_protect at least protect (in hours, a day being 24 of them)."""
    after, protect, extend, longer = spec
    if protect is None:
        return Reclaim(_plain(*after))
    shield = _plain(*protect)
    most = None if longer is None else hours(protect[1] * (24 if protect[0] else 1) + longer)
    return Reclaim(_plain(*after), protect=shield, extend=None if extend is None else _plain(*extend), max_protect=most)


def _touchpoints(specs: list[tuple[bool, int, int]]) -> list[Touchpoint]:
    """Touchpoints whose windows do not overlap, from ``(in days?, window, gap)``: each window opens ``gap`` units
    after the previous one closed (the first one is due ``gap`` units after stage entry)."""
    out: list[Touchpoint] = []
    free = None  # the first hour after the previous window
    for index, (in_days, window, gap) in enumerate(specs):
        unit = 24 if in_days else 1
        after = gap if free is None else -(-(free + window * unit) // unit) + gap  # in units
        out.append(Touchpoint(_plain(in_days, after), _plain(in_days, window), f"touch {index}"))
        free = (after + window) * unit + 1
    return out


@st.composite
def _rules(draw: st.DrawFn, monotone: bool, day_granular: bool) -> Rule:
    days_off = draw(_days_off)
    if monotone:
        kind = draw(_kinds)
        if kind in ("hours", "bh") and day_granular:
            kind = "days" if kind == "hours" else "bd"
        if kind == "months" and days_off == "pause":
            kind = "days"
        make = _MAKERS[kind][0]
        values = sorted(draw(_steps[kind]))
        intervals = [make(v) for v in values]
        first = make(min(draw(_steps_first[kind]), values[0])) if draw(st.booleans()) else None
    else:
        pause = days_off == "pause"  # no months
        intervals = [_deadline(draw, pause, day_granular) for _ in range(draw(_lengths))]
        first = _deadline(draw, pause, day_granular) if draw(st.booleans()) else None
    deadlines = [*intervals, *([first] if first is not None else [])]
    shortest = min(d.bounds()[0] for d in deadlines)
    kind = draw(_grace_kinds)
    grace = _GRACES[kind][0](draw(_grace_counts[kind]))
    heads_up: Duration = hours(0)
    if shortest > 86_400 and draw(st.booleans()):
        heads_up = (
            days(_share(draw, 0, shortest // 86_400 - 1))
            if draw(st.booleans())
            else hours(_share(draw, 1, shortest // 3600 - 1))
        )
    churn = None
    if draw(st.booleans()):
        longest = max(d.bounds()[1] for d in deadlines) + grace.bounds()[1]
        extra = draw(st.integers(1, 60))
        churn = days(longest // 86_400 + extra + 1) if draw(st.booleans()) else hours(longest // 3600 + extra + 1)
    extras: dict[str, Any] = {}
    if draw(st.booleans()):  # the rest of the rulebook
        if draw(st.booleans()):
            extras["counts"] = _contact_filter(draw(_contact_filters))
        if intervals[-1].bounds()[0] >= 86_400 and draw(st.booleans()):
            # At most a day between attempts on average, so the cap never makes the interval impossible (which
            # would warn).
            extras["cap"] = Cap(min_gap=f"{draw(st.integers(1, 12))}h", attempts=draw(st.integers(1, 4)), per="1d")
        extras["unanswered"] = draw(_unanswered)
        extras["escalation"] = [(f"{d}d", f"level {d}") for d in sorted(draw(_levels))]
        if draw(st.booleans()):
            extras["reclaim"] = _reclaim(draw(_reclaims))
        extras["touchpoints"] = _touchpoints(draw(_touch_specs))
    return Rule(
        intervals=intervals,
        first_response=first,
        grace=grace,
        heads_up=heads_up,
        churn_after=churn,
        days_off=days_off,
        **extras,
    )


_RULES = {(monotone, day): _rules(monotone, day) for monotone in (False, True) for day in (False, True)}


def rules(*, monotone: bool = False, day_granular: bool = False) -> st.SearchStrategy[Rule]:
    """Valid rules: one to three intervals of any kind, optional first response, grace, heads-up and churn
    threshold, any days-off handling, and (half of them) the rest of the rulebook: a contact filter, a cap,
    unanswered attempts, escalation, reclaim and touchpoints.

    With ``monotone``, the intervals are of one kind and never shrink, and the first response (if any) is of
    the same kind and not longer than the first interval: the precondition of property 4 (docs/semantics.md).
    With ``day_granular``, every deadline is in days, months or business days: the domain of property 8.
    """
    return _RULES[monotone, day_granular]


_KEYS = st.lists(st.sampled_from([("A", "*"), ("*", "lead"), ("A", "retention"), ("B", "won")]), max_size=3)
_calendar_or_zone = zone_names | _any_calendar
_SEGMENTS = [Segment("A", rank=0), Segment("B", rank=1)]


@st.composite
def _policies(draw: st.DrawFn, monotone: bool, day_granular: bool) -> Policy:
    rule_set = {("*", "*"): draw(_RULES[monotone, day_granular])}
    for key in draw(_KEYS):
        rule_set[key] = draw(_RULES[monotone, day_granular])
    return Policy(name="generated", calendar=draw(_calendar_or_zone), segments=_SEGMENTS, rules=rule_set)


_POLICIES = {(monotone, day): _policies(monotone, day) for monotone in (False, True) for day in (False, True)}


def policies(*, monotone: bool = False, day_granular: bool = False) -> st.SearchStrategy[Policy]:
    """Policies over segments A and B and the default lifecycle, with a default rule and some specific ones, all
    drawn by `rules` (with its ``monotone`` and ``day_granular``)."""
    return _POLICIES[monotone, day_granular]


# --- customers

STAGES = ["lead", "contacted", "qualified", "proposal", "negotiation", "won", "retention", "dormant"]
stages = st.sampled_from(STAGES)
_MINUTES_200_DAYS = 200 * 24 * 60
# (one in five, until): do-not-contact for one customer in five, for good or until an instant near as_of
_pauses = st.tuples(st.integers(0, 4), st.none() | st.tuples(st.integers(-60 * 24 * 60, 60 * 24 * 60), _zone_index))
_claims = st.none() | st.tuples(st.integers(-30 * 24 * 60, _MINUTES_200_DAYS), _zone_index)
_customer_specs = {
    terminal: st.tuples(
        st.integers(0, _MINUTES_200_DAYS),
        st.integers(0, _MINUTES_200_DAYS),
        st.sampled_from([*STAGES, "lost"]) if terminal else stages,
        st.integers(0, 999),
        st.sampled_from(["A", "B"]),
        _zone_index,
        _zone_index,
        st.none() | zone_names,
        st.sampled_from([None, "ana", "ben"]),
        _pauses,
        _claims,
    )
    for terminal in (False, True)
}


def customer_specs(*, terminal: bool = False) -> st.SearchStrategy[tuple[Any, ...]]:
    """Specs of `customers` (made once): `customer_at` builds the customer at an instant."""
    return _customer_specs[terminal]


def customer_at(as_of: datetime, spec: tuple[Any, ...]) -> Customer:
    """The customer a spec of `customer_specs` describes, relative to ``as_of``."""
    back, older, stage, number, segment, entered_zone, created_zone, zone, owner, pause, claim = spec
    entered = shift(as_of, minutes=-back)
    created = shift(entered, minutes=-older)
    fields: dict[str, Any] = {}
    gate, until = pause
    if gate == 4:  # shrinks toward no pause
        fields["do_not_contact"] = True
        if until is not None:
            fields["do_not_contact_until"] = _in_zone(shift(as_of, minutes=until[0]), until[1])
    if claim is not None:
        fields["claimed_at"] = _in_zone(shift(as_of, minutes=-claim[0]), claim[1])
    return Customer(
        id=f"c{number}",
        segment=segment,
        stage=stage,
        stage_entered_at=_in_zone(entered, entered_zone),
        created_at=_in_zone(created, created_zone),
        timezone=zone,
        owner=owner,
        **fields,
    )


def customers(*, as_of: datetime, terminal: bool = False) -> st.SearchStrategy[Customer]:
    """A customer who entered its stage up to 200 days before ``as_of``, created up to 200 days before that; some
    under do-not-contact (for good, or until up to 60 days either side of ``as_of``), some claimed from the pool
    (from 200 days before ``as_of`` to 30 days after it). With ``terminal``, some in the terminal stage "lost"."""
    return _customer_specs[terminal].map(lambda spec: customer_at(as_of, spec))


# --- histories

_CHANNELS, _DIRECTIONS, _OUTCOMES = list(Channel), list(Direction), list(Outcome)
_PEOPLE = [None, "ana", "ben"]
_MICROS = [0, 1, 999_999]
_people = st.sampled_from(_PEOPLE)
# A contact's kind (channel, direction, outcome) and its place (microsecond, zone, person) are drawn as one number
# each: three draws a contact instead of seven (a history draws up to twelve). Both shrink toward the first of each.
_KIND_CODES = st.integers(0, len(_CHANNELS) * len(_DIRECTIONS) * len(_OUTCOMES) - 1)
_PLACE_CODES = st.integers(0, len(_MICROS) * len(_TZINFOS) * len(_PEOPLE) - 1)


def _contact_spec(before_days: int, after_days: int) -> st.SearchStrategy[tuple[int, int, int]]:
    return st.tuples(st.integers(-before_days * 24 * 60, after_days * 24 * 60), _KIND_CODES, _PLACE_CODES)


def _deferral_spec(before_days: int, after_days: int) -> st.SearchStrategy[tuple[Any, ...]]:
    # until: an instant up to 60 days after (or a day before) the request, or a local date up to 60 days later
    until = st.tuples(st.just("at"), st.integers(-24 * 60, 60 * 24 * 60), _zone_index) | st.tuples(
        st.just("date"), st.integers(0, 60), _zone_index
    )
    return st.tuples(st.integers(-before_days * 24 * 60, after_days * 24 * 60), _zone_index, until, _people)


def contact_from(around: datetime, spec: tuple[int, int, int]) -> Contact:
    """The contact a spec of ``contacts`` describes, relative to ``around``."""
    offset, kind, place = spec
    kind, outcome = divmod(kind, len(_OUTCOMES))
    channel, direction = divmod(kind, len(_DIRECTIONS))
    place, micro = divmod(place, len(_MICROS))
    by, zone = divmod(place, len(_TZINFOS))
    at = _in_zone(shift(around, minutes=offset, microseconds=_MICROS[micro]), zone)
    return Contact(at, _CHANNELS[channel], _DIRECTIONS[direction], _OUTCOMES[outcome], _PEOPLE[by])


def deferral_from(around: datetime, spec: tuple[Any, ...]) -> Deferral:
    """The deferral a spec describes, relative to ``around``."""
    offset, zone, (kind, later, until_zone), by = spec
    at = shift(around, minutes=offset)
    if kind == "at":
        until: datetime | date = _in_zone(shift(at, minutes=later), until_zone)
    else:
        until = _in_zone(at, until_zone).date() + timedelta(days=later)
    return Deferral(_in_zone(at, zone), until, by)


_HISTORY_SPECS: dict[tuple[int, int, bool], st.SearchStrategy[tuple[list[Any], list[Any]]]] = {}


def history_specs(before_days: int = 300, after_days: int = 30, deferrals: bool = True) -> st.SearchStrategy[Any]:
    """Specs of up to 12 contacts and (with ``deferrals``) up to 2 deferrals, made once per set of arguments."""
    key = (before_days, after_days, deferrals)
    if key not in _HISTORY_SPECS:
        # (one in three, deferrals): deferrals in one history in three, so that most histories are not snoozed
        wanted = st.tuples(st.integers(0, 2), st.lists(_deferral_spec(before_days, after_days), min_size=1,
                           max_size=2)) if deferrals else st.just((0, []))  # fmt: skip
        _HISTORY_SPECS[key] = st.tuples(st.lists(_contact_spec(before_days, after_days), max_size=12), wanted)
    return _HISTORY_SPECS[key]


def history_at(around: datetime, specs: tuple[list[Any], tuple[int, list[Any]]]) -> list[Contact | Deferral]:
    """The history a spec of `history_specs` describes, relative to ``around``: the contacts, then the deferrals."""
    contacts, (gate, deferrals) = specs
    events: list[Contact | Deferral] = [contact_from(around, c) for c in contacts]
    if gate == 2:  # shrinks toward no deferral
        events += [deferral_from(around, d) for d in deferrals]
    return events


def contacts(*, around: datetime, before_days: int = 300, after_days: int = 30) -> st.SearchStrategy[Contact]:
    """One contact at an instant from ``before_days`` before ``around`` to ``after_days`` after it."""
    return _contact_spec(before_days, after_days).map(lambda spec: contact_from(around, spec))


def histories(
    around: datetime, *, before_days: int = 300, after_days: int = 30, deferrals: bool = True
) -> st.SearchStrategy[list[Contact | Deferral]]:
    """Histories of up to 12 contacts around ``around`` and (with ``deferrals``) up to 2 deferrals the customer
    asked for, from ``before_days`` before ``around`` to ``after_days`` after it."""
    return history_specs(before_days, after_days, deferrals).map(lambda specs: history_at(around, specs))


as_of_instants = aware_datetimes(datetime(2011, 6, 1), datetime(2029, 12, 31))
