"""Hypothesis strategies shared by the tests: zones, aware datetimes, durations, rules, policies, customers, histories.

Every rule field is generated (deadlines of every kind, grace, heads-up, churn, days off, contact filters, caps,
unanswered attempts, escalation, reclaim, touchpoints, stuck in stage, reply deadlines, fixed schedules), customers
carry do-not-contact pauses and claims, and histories hold deferrals beside contacts: what docs/semantics.md and
docs/rulebook.md claim "for every rule" is tested on all of it.

Built for speed, since the CI profile spends most of its time here. Two things cost: a strategy made inside a
composite on every draw (``st.integers(...).map(...) | ...``, ``st.sampled_from(list(...))``) is validated and
labelled again each time; and every choice Hypothesis makes costs tens of microseconds of bookkeeping. So the
strategies are made once, here; small independent choices are drawn together as one number and read back as
digits (`_digits`; zero is the first option of each, so examples still shrink toward the simplest); lists are a
count and their items; and what depends on an instant (a customer, a history) is drawn as offsets from it and
built by `customer_at` and `history_at`. A generated scenario takes about half the choices it did.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

import attrs
import pendulum
from hypothesis import reject
from hypothesis import strategies as st

from cadence import (
    CadenceWarning,
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
    Layer,
    Outcome,
    Policy,
    PolicyError,
    Reclaim,
    Rule,
    RuleKey,
    Segment,
    Touchpoint,
    Unanswered,
    Weekday,
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


def _choices(*sizes: int) -> st.SearchStrategy[int]:
    """One number standing for several independent choices, the i-th among ``sizes[i]`` options: see `_digits`."""
    return st.integers(0, math.prod(sizes) - 1)


def _digits(value: int, *sizes: int) -> list[int]:
    """``value`` (drawn from ``_choices(*sizes)``) as its digits in the mixed radix ``sizes``, least significant
    first: one choice per size, each from 0 to ``size - 1``. Hypothesis often draws small numbers, so the first
    digits vary most: the choices that matter most come first."""
    out = []
    for size in sizes:
        value, digit = divmod(value, size)
        out.append(digit)
    return out


_ZONE_COUNT = len(_TZINFOS)

# --- durations

exact_durations = st.integers(1, 240).map(hours) | st.integers(1, 60 * 24 * 3).map(lambda m: ExactDuration(m * 60))
calendar_durations = st.integers(1, 60).map(days) | st.integers(1, 4).map(months)
business_durations = st.integers(1, 30).map(business_days) | st.integers(1, 80).map(business_hours)
positive_durations = exact_durations | calendar_durations | business_durations

# --- calendars


def _clock(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


def _intervals_of(points: set[int], overnight: bool = False) -> list[str]:
    """Intervals between the points (half hours) taken in pairs; ``overnight``: paired from the second point on,
    the last running past midnight to the first (so it never runs into the next day's hours)."""
    ordered = sorted(points)[: len(points) // 2 * 2]
    if overnight and len(ordered) >= 2 and ordered[-1] < 48:
        ordered = [*ordered[1:], ordered[0]]
    return [f"{_clock(a)}-{_clock(b)}" for a, b in zip(ordered[::2], ordered[1::2], strict=True)]


# One to three intervals on half hours, some of them across the hours where daylight saving shifts.
_working_hours = st.sets(st.integers(0, 48), min_size=2, max_size=6).map(_intervals_of)


def working_hours() -> st.SearchStrategy[list[str]]:
    """One to three intervals on half hours, some of them across the hours where daylight saving shifts."""
    return _working_hours


_FIRST_DAY, _LAST_DAY = date(2009, 1, 1).toordinal(), date(2032, 12, 31).toordinal()
_days = st.integers(_FIRST_DAY, _LAST_DAY)  # ordinals: one choice per date (st.dates makes three)
_small_counts = {top: st.integers(0, top) for top in (2, 3, 8, 20)}
_half_hours = st.integers(0, 48)
# (working week as a bit mask, Monday bit 0; with hours?; how many hour boundaries, 2 to 6; zone; the last interval
# past midnight?), the last choice the most significant, so the draws from before it existed are unchanged
_calendar_shapes = _choices(127, 2, 5, len(ZONES), 2)
_stretch_lengths = st.integers(1, 21)


@st.composite
def _calendars(draw: st.DrawFn, zone: str | None = None) -> Calendar:
    week, with_hours, points, zone_index, overnight = _digits(draw(_calendar_shapes), 127, 2, 5, len(ZONES), 2)
    off = {date.fromordinal(draw(_days)) for _ in range(draw(_small_counts[20]))}
    for _ in range(draw(_small_counts[3])):  # holiday stretches of up to three weeks
        start = draw(_days)
        off.update(date.fromordinal(start + i) for i in range(draw(_stretch_lengths)))
    extra = {date.fromordinal(draw(_days)) for _ in range(draw(_small_counts[8]))} - off
    schedule = _intervals_of({draw(_half_hours) for _ in range(points + 2)}, overnight == 1) if with_hours else None
    return Calendar(
        zone or ZONES[zone_index],
        workdays={d for d in range(7) if (week + 1) >> d & 1},
        hours=schedule or None,
        holidays=off,
        extra_workdays=extra,
    )


_any_calendar = _calendars()

# A weekday's intervals as written, in seconds: an end before the start is the next day's.
Written = tuple[tuple[int, int], ...]
# A weekday's hours for `night_calendars`: up to five half-hour marks, paired into intervals; an odd last mark starts
# a shift past midnight.
_night_marks = st.lists(st.integers(0, 47), max_size=5, unique=True).map(sorted)
_near = st.integers(-8, 8)


@st.composite
def night_calendars(draw: st.DrawFn, zone: str, around: date) -> tuple[Calendar, tuple[Written, ...]]:
    """Calendars whose hours differ by weekday and mix daytime intervals with shifts past midnight, with holidays
    and extra working days within eight days of ``around``; and the hours as written, in seconds (a shift past
    midnight ends before it starts), for references that read them without the calendar's parser."""
    marks = [draw(_night_marks) for _ in range(7)]
    written: list[Written] = []
    for day, points in enumerate(marks):
        pairs = [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]
        if len(points) % 2 and points[-1] > 0:
            following = marks[(day + 1) % 7]  # its first mark starts its first interval
            limit = min(points[-1] - 1, following[0]) if following else points[-1] - 1
            pairs.append((points[-1], draw(st.integers(0, limit))))
        written.append(tuple((a * 1800, b * 1800) for a, b in pairs))
    if not any(written):
        written[0] = ((19 * 3600, 5 * 3600),)
    staffed = [day for day in range(7) if written[day]]
    mask = draw(st.integers(1, 2 ** len(staffed) - 1))
    workdays = [day for bit, day in enumerate(staffed) if mask >> bit & 1]
    holidays = {around + timedelta(days=draw(_near)) for _ in range(draw(_small_counts[3]))}
    extras = {around + timedelta(days=draw(_near)) for _ in range(draw(_small_counts[3]))}
    extras = {d for d in extras - holidays if d.weekday() in staffed and d.weekday() not in workdays}
    hours = {
        str(Weekday(day)): ", ".join(f"{_clock(a // 1800)}-{_clock(b // 1800)}" for a, b in written[day])
        for day in staffed
    }
    calendar = Calendar(zone, workdays=workdays, hours=hours, holidays=holidays, extra_workdays=extras)
    return calendar, tuple(written)


def calendars(zone: str | None = None) -> st.SearchStrategy[Calendar]:
    """Calendars with any non-empty working week, optional hours (the last interval sometimes past midnight),
    scattered holidays and holiday stretches (up to three weeks), and extra working days."""
    return _any_calendar if zone is None else _calendars(zone)


# --- rules

# A deadline is a kind and a count. By (days off pause, day-granular only): no months when days pause; days, months
# and business days are day-granular.
_DEADLINES: list[tuple[Callable[[int], Duration], int]] = [
    (hours, 240),
    (lambda m: ExactDuration(m * 60), 60 * 24 * 3),  # minutes
    (days, 60),
    (months, 4),
    (business_days, 30),
    (business_hours, 80),
]
_DEADLINE_KINDS = {
    (False, False): [0, 1, 2, 3, 4, 5],
    (True, False): [0, 1, 2, 4, 5],
    (False, True): [2, 3, 4],
    (True, True): [2, 4],
}
_deadline_kinds = {key: st.sampled_from(kinds) for key, kinds in _DEADLINE_KINDS.items()}
_deadline_counts = [st.integers(1, top) for _, top in _DEADLINES]
# Monotone rules: intervals of one kind, never shorter (as counts of that kind), the first response not longer.
_MONOTONE: dict[str, tuple[Callable[[int], Duration], int]] = {
    "hours": (hours, 240),
    "days": (days, 45),
    "months": (months, 3),
    "bd": (business_days, 30),
    "bh": (business_hours, 80),
}
_monotone_kinds = st.sampled_from(list(_MONOTONE))
_monotone_counts = {kind: st.integers(1, top) for kind, (_, top) in _MONOTONE.items()}
_GRACES: list[tuple[Callable[[int], Duration], int, int]] = [
    (hours, 0, 0),
    (days, 0, 5),
    (hours, 1, 48),
    (business_days, 0, 3),
    (business_hours, 1, 16),
]
_DAYS_OFF = ["count", "skip", "pause"]
# (the rest of the rulebook?; churn?; heads-up?; first response?; days off; intervals, 1 to 3; grace kind; heads-up
# in days?; churn in days?)
_RULE_SHAPE = (2, 2, 2, 2, 3, 3, len(_GRACES), 2, 2)
_rule_shapes = _choices(*_RULE_SHAPE)
_grace_counts = [st.integers(low, high) for _, low, high in _GRACES]
_fraction = st.integers(0, 1000)  # a share of a range that depends on other draws, so no strategy is made per draw
_churn_extra = st.integers(1, 60)

# The rest of the rulebook, each part one number. Contact filters as bit masks: which channels and directions count,
# which outcomes of an outbound contact reach no one (shrinks toward calls only, outbound only, all outcomes reach).
_FILTER = (2 ** len(Channel) - 1, 2 ** len(Direction) - 1, 2 ** len(Outcome))
# (how many touchpoints, 0 to 3; filter?; cap?; reclaim?; unanswered?)
_EXTRAS = (4, 2, 2, 2, 2)
_extras = _choices(*_EXTRAS)
_filters = _choices(*_FILTER)
_caps = _choices(12, 4)  # min_gap 1 to 12 hours, 1 to 4 attempts per day
_unanswered = _choices(4, 2)  # after 1 to 4 attempts, nurture or reassign
_levels = st.integers(0, 2**10 - 1)  # escalation levels at 0 to 9 days: a bit each
# Reclaim: (after: 1 to 90, hours or days; protect; extend; max_protect, hours longer than protect), 0 for none
_reclaims = _choices(180, 181, 181, 32)
_touches = _choices(2, 4, 21)  # in days?, window 0 to 3, gap 0 to 20
_dated_touch = st.integers(0, 41 * 3 - 1) | st.just(0)  # 0: none; else after -20 to 20 days, window 0 to 2 days
_stuck = st.integers(0, 180)  # stuck_after: 1 to 90, hours or days; 0 for none
_fixed = st.booleans()  # schedule: "fixed" or the default
_reply = st.integers(0, 4)  # reply_within: one of the rule's deadlines (the shortest bounds the heads-up); 0 for none


def _members(members: list[Any], mask: int) -> set[Any]:
    return {member for bit, member in enumerate(members) if mask >> bit & 1}


def _contact_filter(value: int) -> ContactFilter:
    channels, directions, non_reach = _digits(value, *_FILTER)
    return ContactFilter(
        _members(list(Channel), channels + 1),
        _members(list(Direction), directions + 1),
        _members(list(Outcome), non_reach),
    )


def _plain(in_days: int, n: int) -> ExactDuration | CalendarDuration:
    return days(n) if in_days else hours(n)


def _reclaim(value: int) -> Reclaim:
    """A `Reclaim` from its number: extend and max_protect only with protect, max_protect not shorter than it
    (in hours, a day being 24 of them)."""
    after, protect, extend, longer = _digits(value, 180, 181, 181, 32)
    if not protect:
        return Reclaim(_plain(after % 2, after // 2 + 1))
    in_days, n = (protect - 1) % 2, (protect - 1) // 2 + 1
    most = None if not longer else hours(n * (24 if in_days else 1) + longer - 1)
    lengthen = None if not extend else _plain((extend - 1) % 2, (extend - 1) // 2 + 1)
    return Reclaim(_plain(after % 2, after // 2 + 1), protect=_plain(in_days, n), extend=lengthen, max_protect=most)


def _touchpoints(values: list[int]) -> list[Touchpoint]:
    """Touchpoints whose windows do not overlap: each opens ``gap`` units after the previous one closed (the first
    one is due ``gap`` units after stage entry)."""
    out: list[Touchpoint] = []
    free = None  # the first hour after the previous window
    for index, value in enumerate(values):
        in_days, window, gap = _digits(value, 2, 4, 21)
        unit = 24 if in_days else 1
        after = gap if free is None else -(-(free + window * unit) // unit) + gap  # in units
        out.append(Touchpoint(_plain(in_days, after), _plain(in_days, window), f"touch {index}"))
        free = (after + window) * unit + 1
    return out


def _share(draw: st.DrawFn, low: int, high: int) -> int:
    """A number from ``low`` to ``high`` (inclusive), from a fixed strategy."""
    return low + draw(_fraction) * (high - low) // 1000


@st.composite
def _rules(draw: st.DrawFn, monotone: bool, day_granular: bool) -> Rule:
    more, churns, heads, has_first, days_off, length, grace_kind, heads_in_days, churn_in_days = _digits(
        draw(_rule_shapes), *_RULE_SHAPE
    )
    pause = _DAYS_OFF[days_off] == "pause"
    intervals: list[Duration]
    if monotone:
        kind = draw(_monotone_kinds)
        if kind in ("hours", "bh") and day_granular:
            kind = "days" if kind == "hours" else "bd"
        if kind == "months" and pause:
            kind = "days"
        make = _MONOTONE[kind][0]
        values = sorted(draw(_monotone_counts[kind]) for _ in range(length + 1))
        intervals = [make(v) for v in values]
        first = make(min(draw(_monotone_counts[kind]), values[0])) if has_first else None
    else:
        kinds = _deadline_kinds[pause, day_granular]

        def deadline() -> Duration:
            kind = draw(kinds)
            return _DEADLINES[kind][0](draw(_deadline_counts[kind]))

        intervals = [deadline() for _ in range(length + 1)]
        first = deadline() if has_first else None
    deadlines = [*intervals, *([first] if first is not None else [])]
    shortest = min(d.bounds()[0] for d in deadlines)
    grace = _GRACES[grace_kind][0](draw(_grace_counts[grace_kind]))
    heads_up: Duration = hours(0)
    if shortest > 86_400 and heads:
        if heads_in_days:
            heads_up = days(_share(draw, 0, shortest // 86_400 - 1))
        else:
            heads_up = hours(_share(draw, 1, shortest // 3600 - 1))
    churn = None
    if churns:
        longest = max(d.bounds()[1] for d in deadlines) + grace.bounds()[1]
        extra = draw(_churn_extra)
        churn = days(longest // 86_400 + extra + 1) if churn_in_days else hours(longest // 3600 + extra + 1)
    extras: dict[str, Any] = {}
    if more:  # the rest of the rulebook
        touches, counts, caps, reclaims, unanswered = _digits(draw(_extras), *_EXTRAS)
        if counts:
            extras["counts"] = _contact_filter(draw(_filters))
        if caps and intervals[-1].bounds()[0] >= 86_400:
            # At most a day between attempts on average, so the cap never makes the interval impossible (which
            # would warn).
            gap, attempts = _digits(draw(_caps), 12, 4)
            extras["cap"] = Cap(min_gap=f"{gap + 1}h", attempts=attempts + 1, per="1d")
        if unanswered:
            after, then = _digits(draw(_unanswered), 4, 2)
            extras["unanswered"] = Unanswered(after + 1, ("nurture", "reassign")[then])
        levels = draw(_levels)
        extras["escalation"] = [(f"{d}d", f"level {d}") for d in range(10) if levels >> d & 1]
        if reclaims:
            extras["reclaim"] = _reclaim(draw(_reclaims))
        dated = draw(_dated_touch)  # one touchpoint of the customer's "renewal" date, in one rule of three
        extras["touchpoints"] = _touchpoints([draw(_touches) for _ in range(touches)]) + (
            [Touchpoint(days(dated % 41 - 20), window=days(dated // 41), label="renewal", of="renewal")]
            if dated
            else []
        )
        stuck = draw(_stuck)
        if stuck:
            extras["stuck_after"] = _plain((stuck - 1) % 2, (stuck - 1) // 2 + 1)
        if draw(_fixed):
            extras["schedule"] = "fixed"
        reply = draw(_reply)
        if reply:
            # (a monotone rule's reply deadline is the same as every deadline: `Rule.is_monotone`)
            if not monotone:
                extras["reply_within"] = deadlines[(reply - 1) % len(deadlines)]
            elif len(set(deadlines)) == 1:
                extras["reply_within"] = deadlines[0]
    return Rule(
        intervals=intervals,
        first_response=first,
        grace=grace,
        heads_up=heads_up,
        churn_after=churn,
        days_off=_DAYS_OFF[days_off],
        **extras,
    )


_RULES = {(monotone, day): _rules(monotone, day) for monotone in (False, True) for day in (False, True)}


def rules(*, monotone: bool = False, day_granular: bool = False) -> st.SearchStrategy[Rule]:
    """Valid rules: one to three intervals of any kind, optional first response, grace, heads-up and churn
    threshold, any days-off handling, and (half of them) the rest of the rulebook: a contact filter, a cap,
    unanswered attempts, escalation, reclaim, touchpoints, a stuck-in-stage limit, a reply deadline and a fixed
    schedule.

    With ``monotone``, the intervals are of one kind and never shrink, and the first response (if any) is of
    the same kind and not longer than the first interval: the precondition of property 4 (docs/semantics.md).
    With ``day_granular``, every deadline is in days, months or business days: the domain of property 8.
    """
    return _RULES[monotone, day_granular]


_KEYS = [("A", "*"), ("*", "lead"), ("A", "retention"), ("B", "won")]
# (which of the keys get a rule of their own, a bit each; a calendar, or only a zone?)
_policy_shapes = _choices(2 ** len(_KEYS), 2)
_SEGMENTS = [Segment("A", rank=0), Segment("B", rank=1)]
_hours_zones = st.integers(0, 4 * len(ZONES) - 1).map(lambda n: max(0, n - 3 * len(ZONES) + 1))  # 0: none


@st.composite
def _policies(draw: st.DrawFn, monotone: bool, day_granular: bool) -> Policy:
    keys, with_calendar = _digits(draw(_policy_shapes), 2 ** len(_KEYS), 2)
    rule_set = {("*", "*"): draw(_RULES[monotone, day_granular])}
    for bit, key in enumerate(_KEYS):
        if keys >> bit & 1:
            rule_set[key] = draw(_RULES[monotone, day_granular])
    calendar = draw(_any_calendar) if with_calendar else draw(zone_names)
    team = draw(_hours_zones)  # working time counted in a zone of its own, in one calendar of four
    if with_calendar and team:
        calendar = attrs.evolve(calendar, hours_zone=ZONES[team - 1])
    return Policy(name="generated", calendar=calendar, segments=_SEGMENTS, rules=rule_set)


_POLICIES = {(monotone, day): _policies(monotone, day) for monotone in (False, True) for day in (False, True)}


def policies(*, monotone: bool = False, day_granular: bool = False) -> st.SearchStrategy[Policy]:
    """Policies over segments A and B and the default lifecycle, with a default rule and some specific ones, all
    drawn by `rules` (with its ``monotone`` and ``day_granular``)."""
    return _POLICIES[monotone, day_granular]


_RULE_FIELDS = [field.name for field in attrs.fields(Rule)]
_layer_fields = st.integers(1, 2 ** len(_RULE_FIELDS) - 1)  # which fields of a drawn rule a layer sets, a bit each


@st.composite
def _layered_policies(draw: st.DrawFn) -> Policy:
    policy = draw(_POLICIES[False, False])
    written = dict(policy.rules)
    layers = {}
    for key in _KEYS:
        if RuleKey(*key) in written or not draw(st.booleans()):
            continue
        source, chosen = draw(_RULES[False, False]), draw(_layer_fields)
        settings = {name: getattr(source, name) for bit, name in enumerate(_RULE_FIELDS) if chosen >> bit & 1}
        settings = {name: value for name, value in settings.items() if value is not None}
        if settings:
            layers[key] = Layer(**settings)
    try:
        return attrs.evolve(policy, layers=layers)
    except (PolicyError, CadenceWarning):  # the fields a layer set make an inconsistent rule with those below
        reject()


_LAYERED = _layered_policies()


def layered_policies() -> st.SearchStrategy[Policy]:
    """`policies`, with layers at some of the keys that have no rule: each sets some of the fields of a drawn
    rule (the policies whose layers make an inconsistent rule are left out)."""
    return _LAYERED


# --- customers

STAGES = ["lead", "contacted", "qualified", "proposal", "negotiation", "won", "retention", "dormant"]
stages = st.sampled_from(STAGES)
_OWNERS = [None, "ana", "ben"]
_MINUTES_200_DAYS = 200 * 24 * 60
_PAUSE_MINUTES = 60 * 24 * 60  # a do-not-contact pause ends up to 60 days either side of as_of
_CLAIM_MINUTES = 30 * 24 * 60  # a claim from 200 days before as_of to 30 days after it
# (stage (with "lost" when terminal); segment; owner; entry's zone; creation's zone; the customer's zone: 0 none)
_WHO = {terminal: (len(STAGES) + terminal, 2, len(_OWNERS), _ZONE_COUNT, _ZONE_COUNT, len(ZONES) + 1)
        for terminal in (False, True)}  # fmt: skip
_who = {terminal: _choices(*sizes) for terminal, sizes in _WHO.items()}
_minutes_200_days = st.integers(0, _MINUTES_200_DAYS)
# Do-not-contact for one customer in five (shrinking toward none): 0 to 3 none, 4 for good, 5 on a pause's end
_pauses = st.integers(0, 5)
_pause_ends = st.integers(-_PAUSE_MINUTES, _PAUSE_MINUTES)
_claims = st.integers(0, _MINUTES_200_DAYS + _CLAIM_MINUTES + 1)  # 0: not claimed
# The customer's "renewal" date, from 100 days before as_of to 100 after: 0 none, odd a date, even an instant
_renewals = st.integers(0, 400) | st.just(0)
# Holds (waiting for the customer): 0 to 2 none, 3 one that ended, 4 one still open, 5 two (the second one open
# when the length is odd); the first starts up to 60 days before as_of or 10 after, and lasts up to 20 days.
_HOLD_MINUTES = 20 * 24 * 60
_hold_kinds = st.integers(0, 5)
_hold_starts = st.integers(-60 * 24 * 60, 10 * 24 * 60)
_hold_lengths = st.integers(1, _HOLD_MINUTES)


@st.composite
def _customer_specs(draw: st.DrawFn, terminal: bool) -> tuple[int, ...]:
    back = draw(_minutes_200_days)
    older = draw(_minutes_200_days)
    who = draw(_who[terminal])
    pause = draw(_pauses)
    pause_end = draw(_pause_ends) if pause == 5 else 0
    claim, renewal, hold = draw(_claims), draw(_renewals), draw(_hold_kinds)
    hold_start, hold_length = (draw(_hold_starts), draw(_hold_lengths)) if hold >= 3 else (0, 0)
    return terminal, back, older, who, pause, pause_end, claim, renewal, hold, hold_start, hold_length


_CUSTOMER_SPECS = {terminal: _customer_specs(terminal) for terminal in (False, True)}


def customer_specs(*, terminal: bool = False) -> st.SearchStrategy[tuple[int, ...]]:
    """Specs of `customers` (made once): `customer_at` builds the customer at an instant."""
    return _CUSTOMER_SPECS[terminal]


def customer_at(as_of: datetime, spec: tuple[int, ...]) -> Customer:
    """The customer a spec of `customer_specs` describes, relative to ``as_of``."""
    terminal, back, older, who, pause, pause_end, claim, renewal, hold, hold_start, hold_length = spec
    stage, segment, owner, entered_zone, created_zone, zone = _digits(who, *_WHO[bool(terminal)])
    entered = shift(as_of, minutes=-back)
    created = shift(entered, minutes=-older)
    fields: dict[str, Any] = {}
    if pause >= 4:
        fields["do_not_contact"] = True
        if pause == 5:
            fields["do_not_contact_until"] = _in_zone(shift(as_of, minutes=pause_end), created_zone)
    if claim:
        fields["claimed_at"] = _in_zone(shift(as_of, minutes=_CLAIM_MINUTES + 1 - claim), entered_zone)
    if renewal:
        day = shift(as_of, days=renewal // 2 - 100, hours=renewal % 7)
        fields["dates"] = {"renewal": day.date() if renewal % 2 else _in_zone(day, created_zone)}
    if hold >= 3:
        start = shift(as_of, minutes=hold_start)
        end = None if hold == 4 else shift(start, minutes=hold_length)
        holds = [(_in_zone(start, created_zone), None if end is None else _in_zone(end, entered_zone))]
        if hold == 5:
            again = shift(start, minutes=hold_length * 2)
            holds.append((again, None if hold_length % 2 else shift(again, minutes=hold_length // 2 + 1)))
        fields["holds"] = holds
    return Customer(
        id=f"c{who % 1000}",
        segment="AB"[segment],
        stage=[*STAGES, "lost"][stage],
        stage_entered_at=_in_zone(entered, entered_zone),
        created_at=_in_zone(created, created_zone),
        timezone=None if zone == 0 else ZONES[zone - 1],
        owner=_OWNERS[owner],
        **fields,
    )


def customers(*, as_of: datetime, terminal: bool = False) -> st.SearchStrategy[Customer]:
    """A customer who entered its stage up to 200 days before ``as_of``, created up to 200 days before that; some
    under do-not-contact (for good, or until up to 60 days either side of ``as_of``), some claimed from the pool
    (from 200 days before ``as_of`` to 30 days after it), some with holds (one or two, ended or open, from 60 days
    before ``as_of`` to 10 after it, up to 20 days long). With ``terminal``, some in the terminal stage "lost"."""
    return _CUSTOMER_SPECS[terminal].map(lambda spec: customer_at(as_of, spec))


# --- histories

_CHANNELS, _DIRECTIONS, _OUTCOMES = list(Channel), list(Direction), list(Outcome)
_PEOPLE = [None, "ana", "ben"]
_MICROS = [0, 1, 999_999]
# A contact is an instant and one number for the rest: (outcome, direction, channel, microsecond, zone, person).
_CONTACT = (len(_OUTCOMES), len(_DIRECTIONS), len(_CHANNELS), len(_MICROS), _ZONE_COUNT, len(_PEOPLE))
_contact_kinds = _choices(*_CONTACT)
# A deferral: its instant, when it ends, and (an instant or a date?, request's zone, end's zone, person).
_DEFERRAL = (2, _ZONE_COUNT, _ZONE_COUNT, len(_PEOPLE))
_deferral_kinds = _choices(*_DEFERRAL)
_deferral_ends = st.integers(-24 * 60, 60 * 24 * 60)  # minutes after the request (an instant), or days (a date)
_contact_counts = st.integers(0, 12)
_deferral_counts = st.integers(0, 5)  # deferrals in one history in three: 0 to 3 none, 4 one, 5 two


def contact_from(around: datetime, spec: tuple[int, int]) -> Contact:
    """The contact a spec describes: ``(minutes from around, the rest as one number)``."""
    offset, kind = spec
    outcome, direction, channel, micro, zone, by = _digits(kind, *_CONTACT)
    at = _in_zone(shift(around, minutes=offset, microseconds=_MICROS[micro]), zone)
    return Contact(at, _CHANNELS[channel], _DIRECTIONS[direction], _OUTCOMES[outcome], _PEOPLE[by])


def deferral_from(around: datetime, spec: tuple[int, int, int]) -> Deferral:
    """The deferral a spec describes: ``(minutes from around, its end, the rest as one number)``. The end is an
    instant up to 60 days after the request (or a day before it), or a local date up to 60 days after it."""
    offset, end, kind = spec
    on_date, zone, end_zone, by = _digits(kind, *_DEFERRAL)
    at = shift(around, minutes=offset)
    until: datetime | date
    if on_date:
        until = _in_zone(at, end_zone).date() + timedelta(days=end % 61)
    else:
        until = _in_zone(shift(at, minutes=end), end_zone)
    return Deferral(_in_zone(at, zone), until, _PEOPLE[by])


@st.composite
def _history_specs(draw: st.DrawFn, minutes: st.SearchStrategy[int], deferrals: bool) -> Any:
    contacts = [(draw(minutes), draw(_contact_kinds)) for _ in range(draw(_contact_counts))]
    wanted = max(0, draw(_deferral_counts) - 3) if deferrals else 0
    return contacts, [(draw(minutes), draw(_deferral_ends), draw(_deferral_kinds)) for _ in range(wanted)]


_HISTORY_SPECS: dict[tuple[int, int, bool], st.SearchStrategy[Any]] = {}


def history_specs(before_days: int = 300, after_days: int = 30, deferrals: bool = True) -> st.SearchStrategy[Any]:
    """Specs of up to 12 contacts and (with ``deferrals``, in one history in three) one or two deferrals, from
    ``before_days`` before an instant to ``after_days`` after it; made once per set of arguments."""
    key = (before_days, after_days, deferrals)
    if key not in _HISTORY_SPECS:
        _HISTORY_SPECS[key] = _history_specs(st.integers(-before_days * 24 * 60, after_days * 24 * 60), deferrals)
    return _HISTORY_SPECS[key]


def history_at(around: datetime, specs: tuple[list[Any], list[Any]]) -> list[Contact | Deferral]:
    """The history a spec of `history_specs` describes, relative to ``around``: the contacts, then the deferrals."""
    contacts, deferrals = specs
    return [contact_from(around, c) for c in contacts] + [deferral_from(around, d) for d in deferrals]


def contacts(*, around: datetime, before_days: int = 300, after_days: int = 30) -> st.SearchStrategy[Contact]:
    """One contact at an instant from ``before_days`` before ``around`` to ``after_days`` after it."""
    minutes = st.integers(-before_days * 24 * 60, after_days * 24 * 60)
    return st.tuples(minutes, _contact_kinds).map(lambda spec: contact_from(around, spec))


def histories(
    around: datetime, *, before_days: int = 300, after_days: int = 30, deferrals: bool = True
) -> st.SearchStrategy[list[Contact | Deferral]]:
    """Histories of up to 12 contacts around ``around`` and (with ``deferrals``, in one history in three) one or
    two deferrals the customer asked for, from ``before_days`` before ``around`` to ``after_days`` after it."""
    return history_specs(before_days, after_days, deferrals).map(lambda specs: history_at(around, specs))


as_of_instants = aware_datetimes(datetime(2011, 6, 1), datetime(2029, 12, 31))
