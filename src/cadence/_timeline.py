"""Over time: a customer's status as spans, the crossings between two instants, and the follow-ups of a period.

A customer's facts change only at its events (contacts, deferrals), at its changes of state, at the start and end
of its holds and at the end of a do-not-contact pause: between two of those, `evaluate` would find the same anchor
and thresholds at every instant, and only the status moves, at those thresholds (and at its touchpoints' windows;
while a hold lasts, the thresholds after its start do not pass). So one sweep over a history evaluates once per
stretch between events and reads every other instant from the thresholds: the cost is the number of events, not
the number of instants asked about. Timelines, transitions and backtests are each a walk over that sweep.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import attrs
import pendulum

from cadence._calculator import check_batch
from cadence._durations import CalendarDuration, parse_duration
from cadence._engine import AnchorKind, Facts, Status, evaluate, status_at
from cadence._errors import InputError, InputTypeError, show
from cadence._history import History
from cadence._model import _FOREVER, Customer, Event
from cadence._policy import Policy
from cadence._time import instant_us

__all__ = ["Span", "every", "status_spans", "timeline"]


_ZERO = CalendarDuration()

# --- the sweep


class _Stretch(NamedTuple):
    start: int
    end: int
    facts: Facts | None  # None while the customer is in no stage yet


def stretches(policy: Policy, customer: Customer, history: History, start: int, end: int) -> Iterator[_Stretch]:
    """The stretches of [``start``, ``end``) between the instants at which the customer's facts may change, each
    with the facts at its start."""
    history.index()  # checks the events, and answers by bisection from the first question on
    cuts = {event._us for event in history.events}
    cuts.update(customer.state_starts())
    paused = customer._paused_until
    if paused is not None and paused != _FOREVER:
        cuts.add(paused)
    for hold_start, hold_end in customer._holds or ():
        cuts.update((hold_start, hold_end) if hold_end != _FOREVER else (hold_start,))
    ordered = sorted(cuts)
    first_state = customer.state_starts()[0]
    at = start
    while at < end:
        index = bisect_right(ordered, at)
        until = min(ordered[index], end) if index < len(ordered) else end
        facts = None if at < first_state else evaluate(policy, customer, history, at)
        yield _Stretch(at, until, facts)
        at = until


def status_edges(facts: Facts, start: int, end: int) -> list[int]:
    """The instants inside (``start``, ``end``) at which the status of ``facts`` may change."""
    edges = [facts.due_soon, facts.due, facts.overdue, facts.churn_risk]
    if facts.anchor_kind is AnchorKind.DEFERRAL or facts.anchor_kind is AnchorKind.DO_NOT_CONTACT:
        edges.append(facts.anchor)
    if facts.touch is not None:
        for _, _, due, closes in facts.touch.placed(facts.zone, facts.customer):
            edges += (due, closes)
    return sorted({edge for edge in edges if edge is not None and start < edge < end})


class _Piece(NamedTuple):
    start: int
    end: int
    status: Status | None  # None: in no stage yet
    facts: Facts | None


def _pieces(policy: Policy, customer: Customer, history: History, start: int, end: int) -> Iterator[_Piece]:
    """[``start``, ``end``) cut where the status may change, each piece with its status and the facts it holds
    under (adjacent pieces may have the same status)."""
    for stretch in stretches(policy, customer, history, start, end):
        facts = stretch.facts
        if facts is None:
            yield _Piece(stretch.start, stretch.end, None, None)
            continue
        at = stretch.start
        for edge in (*status_edges(facts, stretch.start, stretch.end), stretch.end):
            yield _Piece(at, edge, facts.status if at == facts.as_of else status_at(facts, at), facts)
            at = edge


# --- spans and timelines


@attrs.frozen
class Span:
    """A stretch of time over which a customer's status and state stayed the same: [``start``, ``end``)."""

    start: pendulum.DateTime
    end: pendulum.DateTime
    status: Status
    segment: str
    stage: str
    owner: str | None


def indexed(contacts: Iterable[Event] | History) -> History:
    history = History.of(contacts)
    history.index()  # asked at many instants: bisection from the start
    return history


def time_range(since: datetime, until: datetime) -> tuple[int, int]:
    start, end = instant_us(since, "since"), instant_us(until, "until")
    if end < start:
        raise InputError(
            f"until ({until.isoformat()}) is before since ({since.isoformat()})", field="until", value=until
        )
    return start, end


def one_customer(customer: object) -> Customer:
    if not isinstance(customer, Customer):
        raise InputTypeError(f"customer must be a Customer (got {show(customer)})")
    return customer


def status_spans(
    policy: Policy, customer: Customer, contacts: Iterable[Event] | History, *, since: datetime, until: datetime
) -> list[Span]:
    """The customer's status over [``since``, ``until``), as the spans over which status, segment, stage and
    owner stayed the same, in order. Time before the customer's first stage is left out. At every instant of a
    span, `assess` gives the span's status.

    >>> import pendulum
    >>> from cadence import Contact, Customer, presets
    >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> customer = Customer("c-1", "B", "retention", stage_entered_at=day, created_at=day)
    >>> spans = status_spans(presets.load("abc", calendar="UTC"), customer, [Contact(day.add(days=8), "call")],
    ...                      since=day, until=day.add(days=12))
    >>> [(span.start.day, span.status.value) for span in spans]
    [(2, 'on_track'), (8, 'due_soon'), (9, 'due'), (10, 'on_track')]
    """
    start, end = time_range(since, until)
    out: list[Span] = []
    last: tuple[Any, ...] | None = None
    for piece in _pieces(policy, one_customer(customer), indexed(contacts), start, end):
        if piece.facts is None or piece.status is None:
            last = None
            continue
        state, zone = piece.facts.customer, piece.facts.zone
        key = (piece.status, state.segment, state.stage, state.owner)
        if key == last:
            out[-1] = attrs.evolve(out[-1], end=zone.to_datetime(piece.end))
        else:
            out.append(Span(zone.to_datetime(piece.start), zone.to_datetime(piece.end), *key))
            last = key
    return out


_GROUPS = ("segment", "stage", "owner")


def timeline(
    policy: Policy,
    customers: Iterable[Customer],
    contacts: Mapping[str, Iterable[Event] | History],
    *,
    at: Sequence[datetime],
    by: Sequence[str] = _GROUPS,
) -> list[dict[str, Any]]:
    """How many customers were in each status at each instant of ``at``, by segment, stage and owner (or the
    columns named in ``by``): one row per instant and group, with a count per status.

    Rows come in the order of ``at`` (which must rise strictly), then of the groups; a group with no customer at an
    instant has no row. A customer counts at an instant in the segment, stage and owner it had then, and not at
    all before its first stage. Each count equals what `assess` at that instant says (the test suite checks it),
    but each customer is evaluated once per event of its history, not once per instant. The rows are plain
    dictionaries: ``pandas.DataFrame(rows)`` or ``polars.DataFrame(rows)`` make a table of them.

    >>> import pendulum
    >>> from cadence import Customer, presets
    >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> customer = Customer("c-1", "B", "retention", stage_entered_at=day, created_at=day)
    >>> rows = timeline(presets.load("abc", calendar="UTC"), [customer], {}, at=every("1w", start=day,
    ...                 end=day.add(weeks=3)), by=["segment"])
    >>> [(row["at"].day, row["on_track"], row["overdue"]) for row in rows]
    [(2, 1, 0), (9, 0, 0), (16, 0, 1)]
    """
    instants = instants_of(at)
    tally = Tally(policy, instants, group_names(by))
    if not instants:
        return []
    pairs: list[tuple[Customer, History]] = list(each_customer(customers, contacts))
    if _numpy_installed():
        pairs = _vectorized(tally, pairs)
    tally.add_pairs(pairs)
    return tally.rows()


class Tally:
    """Status counts at instants, by groups, kept as differences per (group, status) and instant: a customer adds
    +1 at the first instant of each of its pieces and -1 after the last, from the scalar sweep (`add_pairs`) or
    from the columnar engine's intervals (`add_intervals`)."""

    def __init__(self, policy: Policy, instants: list[int], groups: tuple[str, ...]) -> None:
        self.policy, self.instants, self.groups = policy, instants, groups
        self.start, self.end = (instants[0], instants[-1] + 1) if instants else (0, 0)
        self.diffs: dict[tuple[Any, ...], list[int]] = {}

    def _diff(self, key: tuple[Any, ...]) -> list[int]:
        diff = self.diffs.get(key)
        if diff is None:
            diff = self.diffs[key] = [0] * (len(self.instants) + 1)
        return diff

    def add_pairs(self, pairs: Iterable[tuple[Customer, History]]) -> None:
        """Count customers by the scalar sweep."""
        instants, groups = self.instants, self.groups
        for customer, history in pairs:
            for piece in _pieces(self.policy, customer, history, self.start, self.end):
                if piece.facts is None or piece.status is None:
                    continue
                first = bisect_left(instants, piece.start)
                stop = bisect_left(instants, piece.end)
                if first < stop:
                    state = piece.facts.customer
                    diff = self._diff((*(getattr(state, name) for name in groups), piece.status))
                    diff[first] += 1
                    diff[stop] -= 1

    def add_intervals(self, group_of: Any, names: list[tuple[Any, ...]], intervals: tuple[Any, ...]) -> None:
        """Count the intervals of `_columnar.status_intervals` (customer rows, starts, stops, status codes), each
        customer row in the group ``names[group_of[row]]``."""
        import numpy as np

        from cadence._columnar import STATUSES

        who, low, high, status = intervals
        steps = np.array(self.instants, dtype=np.int64)
        first, stop = np.searchsorted(steps, low), np.searchsorted(steps, high)
        useful = first < stop
        key = group_of[who[useful]] * len(STATUSES) + status[useful]
        width = len(steps) + 1
        cells = len(names) * len(STATUSES) * width
        diff = np.bincount(key * width + first[useful], minlength=cells)
        diff -= np.bincount(key * width + stop[useful], minlength=cells)
        diff = diff.reshape(len(names) * len(STATUSES), width)
        for cell in np.flatnonzero(diff.any(axis=1)).tolist():
            group_code, status_code = divmod(cell, len(STATUSES))
            mine = self._diff((*names[group_code], STATUSES[status_code]))
            mine[:] = [a + b for a, b in zip(mine, diff[cell].tolist(), strict=True)]

    def rows(self) -> list[dict[str, Any]]:
        """The rows of `timeline`, from the counts."""
        size = len(self.instants)
        by_group: dict[tuple[Any, ...], dict[Status, list[int]]] = {}
        for key, diff in self.diffs.items():
            by_group.setdefault(key[:-1], {})[key[-1]] = list(itertools.accumulate(diff[:size]))
        ordered = sorted(by_group, key=lambda group: tuple((value is None, value or "") for value in group))
        zone = self.policy._zone
        rows = []
        for index, us in enumerate(self.instants):
            when = zone.to_datetime(us)
            for group in ordered:
                totals = {status: by_group[group].get(status) for status in Status}
                row = {status.value: 0 if counts is None else counts[index] for status, counts in totals.items()}
                if any(row.values()):
                    rows.append({"at": when, **dict(zip(self.groups, group, strict=True)), **row})
        return rows


def _numpy_installed() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:  # pragma: no cover - the frames extra is installed for the tests
        return False
    return True


def swept_rule(policy: Policy, found: Any, resolved: list[Any], seen: dict[int, int]) -> int:
    """The index in ``resolved`` of a resolved rule the columnar sweep can take (-1: the scalar sweep's: rules with
    touchpoints or durations past the columnar range), adding it on first sight; ``seen`` remembers the answer."""
    from cadence._columnar import vectorized

    rule = seen.get(id(found), -2)
    if rule == -2:
        match, (_, _, _, touch, _), _ = found
        usable = touch is None and vectorized(match.rule)
        rule = seen[id(found)] = len(resolved) if usable else -1
        resolved += [found] if usable else []
    return rule


def _vectorized(tally: Tally, pairs: list[tuple[Customer, History]]) -> list[tuple[Customer, History]]:
    """Count the customers the columnar engine can sweep (see `_columnar.status_intervals`), and return the pairs
    left to the scalar sweep: customers with changes, a pause, holds, deferrals or touchpoints, rules past the columnar
    range, and anything the scalar path should refuse."""
    import numpy as np

    from cadence import _columnar

    policy = tally.policy
    seen: dict[int, int] = {}
    resolved: list[Any] = []
    zones: dict[Any, int] = {}
    codes: dict[tuple[Any, ...], int] = {}
    rows: list[tuple[int, int, int, int, int, int]] = []  # rule, zone, entry, created, group, index in pairs
    who: list[int] = []
    at: list[int] = []
    rest: list[tuple[Customer, History]] = []
    table, ranks, lifecycle = policy._table, policy._ranks, policy.lifecycle
    for index, (customer, history) in enumerate(pairs):
        found = table.get(customer._rule_key)
        if customer._spells is not None or customer._paused_until is not None or customer._holds is not None:
            rest.append((customer, history))
            continue
        if found is None:  # a terminal stage, if both ids are known (else the scalar path refuses them)
            if customer.segment not in ranks or customer.stage not in lifecycle:
                rest.append((customer, history))
                continue
            rule, mask = -1, 0
        else:
            rule, mask = swept_rule(policy, found, resolved, seen), found[1][2]
            if rule < 0:
                rest.append((customer, history))
                continue
        try:
            keys = {event._key for event in history.events if event._bit & mask}
            plain = all(event._bit for event in history.events)  # a deferral has no kind bit
        except AttributeError:  # no event: the scalar path says what it is
            plain = False
        if not plain:
            rest.append((customer, history))
            continue
        zone_index = zones.setdefault(customer._zone or policy._zone, len(zones))
        group = codes.setdefault(tuple(getattr(customer, name) for name in tally.groups), len(codes))
        number = len(rows)
        rows.append((rule, zone_index, customer._entered_us, customer._created_us, group, index))
        instants_of = sorted(key[0] for key in keys)
        who += [number] * len(instants_of)
        at += instants_of
    if not rows:
        return rest
    rule_, zone_, entry_, created_, group_, index_ = (
        np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)
    )
    unread = np.zeros(0, dtype=np.int64)
    people = _columnar.CustomerColumns(entry_, created_, rule_, zone_, unread.astype(bool), unread, unread)
    *intervals, failed = _columnar.status_intervals(
        resolved, list(zones), people, np.array(who, dtype=np.int64), np.array(at, dtype=np.int64), tally.end
    )
    tally.add_intervals(group_, list(codes), tuple(intervals))
    return rest + [pairs[int(i)] for i in index_[failed]]


def group_names(by: Sequence[str]) -> tuple[str, ...]:
    names = tuple(by) if isinstance(by, Iterable) and not isinstance(by, str) else None
    if names is None or not all(name in _GROUPS for name in names):
        raise InputError(f"by must name columns among segment, stage and owner (got {show(by)})", field="by", value=by)
    return names


def instants_of(at: Sequence[datetime]) -> list[int]:
    if isinstance(at, (str, datetime)) or not isinstance(at, Iterable):
        raise InputTypeError(f"at must be a sequence of aware datetimes (got {show(at)})", field="at", value=at)
    at = list(at)
    instants = [instant_us(value, f"at[{index}]") for index, value in enumerate(at)]
    for index in range(1, len(instants)):
        if instants[index] <= instants[index - 1]:
            raise InputError(
                f"at must rise strictly: at[{index}] ({at[index].isoformat()}) is not after at[{index - 1}]",
                field=f"at[{index}]",
                value=at[index],
            )
    return instants


def each_customer(
    customers: Iterable[Customer], contacts: Mapping[str, Iterable[Event] | History]
) -> Iterator[tuple[Customer, History]]:
    """Each customer with its history, refusing what `assess_many` refuses."""
    check_batch(customers, contacts)
    for customer in customers:
        customer = one_customer(customer)
        yield customer, History.of(contacts.get(customer.id, ()))


def every(step: str | CalendarDuration, *, start: datetime, end: datetime) -> list[pendulum.DateTime]:
    """The instants from ``start`` (included) to ``end`` (excluded), ``step`` apart in calendar terms ("1d",
    "1w", "1mo"): each at ``start``'s local time of day in ``start``'s zone, across daylight-saving changes (a
    local time that does not exist that day moves forward, as pendulum does). A month step from the 31st gives
    the last day of shorter months. A date the zone skipped entirely (Pacific/Apia, 30 December 2011) has no step
    of its own: it would land on the next date's.

    >>> import pendulum
    >>> [t.isoformat() for t in every("1d", start=pendulum.datetime(2026, 3, 28, 9, tz="Europe/Berlin"),
    ...                                end=pendulum.datetime(2026, 3, 30, 12, tz="Europe/Berlin"))]
    ['2026-03-28T09:00:00+01:00', '2026-03-29T09:00:00+02:00', '2026-03-30T09:00:00+02:00']
    """
    duration = parse_duration(step, field="step") if isinstance(step, str) else step
    if not isinstance(duration, CalendarDuration) or duration.months < 0 or duration.days < 0 or duration == _ZERO:
        raise InputError(
            f'step must be a positive calendar duration, such as "1d", "1w" or "1mo" (got {show(step)})',
            field="step",
            value=step,
        )
    first, last = instant_us(start, "start"), instant_us(end, "end")
    base = pendulum.instance(start)
    out: list[pendulum.DateTime] = []
    previous = first - 1
    for count in itertools.count():
        value = base.add(months=duration.months * count, days=duration.days * count)
        at = instant_us(value, "start")
        if at >= last:
            return out
        if at > previous:  # a date the zone skipped entirely lands on the next one: one step for both
            out.append(value)
            previous = at
    raise AssertionError  # unreachable: itertools.count() does not end
