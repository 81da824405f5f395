"""The rest of the rulebook: frequency caps, unanswered attempts, escalation ladders, pool reclaim, touchpoints,
and the risk score. Each is an immutable value a `Rule` carries, and a function over a customer's history (integer
microseconds) that the `Assessment` calls when its answer is read.

Durations here are exact (``"48h"``) or in days and weeks (``"2d"``). A cap's gap and window are elapsed time (a
day is 24 hours); escalation, reclaim and touchpoint offsets count local dates like a rule's deadlines (``"2d"``
after an instant is the start of the local date two days later).
"""

from __future__ import annotations

import enum
import itertools
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from cadence._durations import CalendarDuration, ExactDuration, parse_duration
from cadence._errors import CadenceError, PolicyError, show
from cadence._history import History
from cadence._model import Customer
from cadence._time import Zone, add_calendar, next_id

__all__ = [
    "Cap",
    "Level",
    "Reclaim",
    "Recommendation",
    "Touchpoint",
    "TouchpointState",
    "Unanswered",
]


def _plain(
    value: object, field: str, *, zero: bool = False, negative: bool = False
) -> ExactDuration | CalendarDuration:
    """A duration in hours or days (no months, no business units), > 0 (or >= 0 with ``zero``; any with
    ``negative``)."""
    try:
        duration = parse_duration(value, field=field)  # type: ignore[arg-type]
    except CadenceError as error:
        raise PolicyError(str(error), field=error.field, value=error.value) from None
    if not isinstance(duration, (ExactDuration, CalendarDuration)) or (
        isinstance(duration, CalendarDuration) and duration.months
    ):
        raise PolicyError(f"{field} must be in hours, days or weeks (got {duration})", field=field, value=duration)
    us = _us(duration)
    if not negative and (us < 0 or (us == 0 and not zero)):
        raise PolicyError(f"{field} must be {'>=' if zero else '>'} 0 (got {duration})", field=field, value=duration)
    return duration


def _us(duration: ExactDuration | CalendarDuration) -> int:
    """Elapsed microseconds, a day being 24 hours (for caps and for comparing offsets): the duration's
    `approx_seconds`, which is exact for hours and days, the only units `_plain` lets through."""
    return duration.approx_seconds() * 1_000_000


def shift(zone: Zone, base: int, duration: ExactDuration | CalendarDuration, sign: int = 1) -> int:
    """``base`` moved by ``duration``: exactly, or to the start of the local date ``sign * days`` away."""
    if isinstance(duration, ExactDuration):
        return base + sign * duration.microseconds
    return zone.day_start(add_calendar(zone.local_ordinal(base), 0, sign * duration.days))


# --- frequency cap

Plain = ExactDuration | CalendarDuration


def _gap(value: object) -> Plain | None:
    return None if value is None else _plain(value, "Cap.min_gap")


def _per(value: object) -> Plain | None:
    return None if value is None else _plain(value, "Cap.per")


@attrs.frozen
class Cap:
    """Do not harass: at least ``min_gap`` between outbound attempts, and/or at most ``attempts`` per rolling
    ``per`` (both elapsed time). Any outbound contact is an attempt, reached or not.

    >>> Cap(attempts=3, per="7d")
    Cap(min_gap=None, attempts=3, per=days(7))
    """

    min_gap: Plain | None = attrs.field(
        default=None, converter=_gap, metadata={"file": "duration", "doc": "The least time between two attempts."}
    )
    attempts: int | None = attrs.field(
        default=None, metadata={"file": "count", "doc": "At most this many attempts per rolling window (with per)."}
    )
    per: Plain | None = attrs.field(
        default=None, converter=_per, metadata={"file": "duration", "doc": "The rolling window of attempts."}
    )

    def __attrs_post_init__(self) -> None:
        if (self.attempts is None) != (self.per is None):
            raise PolicyError("Cap.attempts and Cap.per go together: at most `attempts` per `per`")
        if self.attempts is not None and (type(self.attempts) is not int or self.attempts < 1):
            raise PolicyError(f"Cap.attempts must be a whole number >= 1 (got {show(self.attempts)})")
        if self.min_gap is None and self.attempts is None:
            raise PolicyError("a Cap needs min_gap, or attempts and per")

    @property
    def min_gap_us(self) -> int:
        """The minimum gap in microseconds (0 without one)."""
        return 0 if self.min_gap is None else _us(self.min_gap)

    @property
    def per_us(self) -> int:
        """The rolling window in microseconds (0 without one)."""
        return 0 if self.per is None else _us(self.per)

    @property
    def shortest_cycle_us(self) -> int:
        """The shortest time between attempts the cap allows on average."""
        gap = 0 if self.min_gap is None else _us(self.min_gap)
        rate = 0 if self.per is None or self.attempts is None else _us(self.per) // self.attempts
        return max(gap, rate)


# --- unanswered attempts


class Recommendation(enum.Enum):
    """A change of strategy after attempts that reach nobody."""

    REASSIGN = "reassign"
    """Hand the customer to another rep."""
    NURTURE = "nurture"
    """Move the customer to long-term nurture."""

    def __str__(self) -> str:
        return self.value


def _recommendation(value: object) -> Recommendation:
    try:
        return Recommendation(value.value if isinstance(value, Recommendation) else value)
    except ValueError:
        raise PolicyError(f'Unanswered.then must be "reassign" or "nurture" (got {show(value)})') from None


@attrs.frozen
class Unanswered:
    """After ``after`` outbound attempts in a row without a counted contact, recommend ``then``.

    >>> Unanswered(3, "nurture")
    Unanswered(after=3, then=<Recommendation.NURTURE: 'nurture'>)
    """

    after: int = attrs.field(metadata={"file": "count", "doc": "Outbound attempts in a row without a counted contact."})
    then: Recommendation = attrs.field(
        converter=_recommendation,
        metadata={"file": "choice", "of": Recommendation, "doc": "The change of strategy to recommend."},
    )

    def __attrs_post_init__(self) -> None:
        if type(self.after) is not int or self.after < 1:
            raise PolicyError(f"Unanswered.after must be a whole number >= 1 (got {show(self.after)})")


# --- escalation ladder


def _level_after(value: object) -> Plain:
    return _plain(value, "Level.after", zero=True)


@attrs.frozen
class Level:
    """A level of an escalation ladder: from ``after`` past the overdue instant, do ``action`` ("notify the
    owner", "manager", "reassign": the words are yours)."""

    after: Plain = attrs.field(
        converter=_level_after, metadata={"file": "duration", "doc": "How long past the overdue instant."}
    )
    action: str = attrs.field(default="escalate", metadata={"file": "text", "doc": "What to do, in your words."})

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.action, str) or not self.action.strip():
            raise PolicyError(f"Level.action must be a non-empty string (got {show(self.action)})")


def _listed(value: object, field: str, what: str) -> list[Any]:
    """The items of a list-valued rule field (``None`` is empty)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise PolicyError(f"{field} must be a list of {what} (got {show(value)})")
    return list(value)


def ladder(value: object) -> tuple[Level, ...]:
    """Escalation levels from ``[Level(...), ("2d", "manager"), ...]``, strictly increasing in ``after``."""
    levels = []
    for index, item in enumerate(_listed(value, "Rule.escalation", "levels")):
        if isinstance(item, Level):
            levels.append(item)
        elif isinstance(item, tuple) and len(item) == 2:
            levels.append(Level(*item))
        else:
            raise PolicyError(f"Rule.escalation[{index}] must be a Level or an (after, action) pair (got {show(item)})")
    for index, (low, high) in enumerate(itertools.pairwise(levels), start=1):
        if not _us(high.after) > _us(low.after):
            raise PolicyError(f"Rule.escalation[{index}]: thresholds must increase ({high.after} after {low.after})")
    return tuple(levels)


# --- stuck in stage


def stuck_after(value: object) -> Plain | None:
    """``Rule.stuck_after``: how long in a stage before the customer is stuck (hours, days or weeks; None: never)."""
    return None if value is None else _plain(value, "Rule.stuck_after")


# --- pool reclaim


def _reclaim_after(value: object) -> Plain:
    return _plain(value, "Reclaim.after")


def _protect(value: object) -> Plain | None:
    return None if value is None else _plain(value, "Reclaim.protect")


def _extend(value: object) -> Plain | None:
    return None if value is None else _plain(value, "Reclaim.extend")


def _max_protect(value: object) -> Plain | None:
    return None if value is None else _plain(value, "Reclaim.max_protect")


@attrs.frozen
class Reclaim:
    """Return a customer to the shared pool when its owner has made no counted contact for ``after`` (or none since
    it was claimed). Optionally, a claimed customer is protected for ``protect``; each counted contact by the owner
    extends protection to the later of the current end and the contact plus ``extend``, never past the claim plus
    ``max_protect``.

    >>> Reclaim("30d")
    Reclaim(after=days(30), protect=None, extend=None, max_protect=None)
    """

    after: Plain = attrs.field(
        converter=_reclaim_after,
        metadata={"file": "duration", "doc": "Silence from the owner after which the customer goes back to the pool."},
    )
    protect: Plain | None = attrs.field(
        default=None, converter=_protect, metadata={"file": "duration", "doc": "Protection after the claim."}
    )
    extend: Plain | None = attrs.field(
        default=None,
        converter=_extend,
        metadata={"file": "duration", "doc": "Protection after each counted contact by the owner."},
    )
    max_protect: Plain | None = attrs.field(
        default=None,
        converter=_max_protect,
        metadata={"file": "duration", "doc": "The longest protection after the claim."},
    )

    def __attrs_post_init__(self) -> None:
        if (self.extend is not None or self.max_protect is not None) and self.protect is None:
            raise PolicyError("Reclaim.extend and Reclaim.max_protect need Reclaim.protect")
        if self.max_protect is not None and self.protect is not None and _us(self.max_protect) < _us(self.protect):
            raise PolicyError(
                f"Reclaim.max_protect ({self.max_protect}) must not be shorter than protect ({self.protect})"
            )


# --- touchpoints


def _touch_after(value: object) -> Plain:
    return _plain(value, "Touchpoint.after", zero=True, negative=True)  # negative only with `of`: checked below


def _touch_window(value: object) -> Plain:
    return _plain(value, "Touchpoint.window", zero=True)


@attrs.frozen
class Touchpoint:
    """A fixed touch ``after`` stage entry (won: "1d" delivery preparation, "15d" satisfaction visit), or ``after``
    one of the customer's own dates named by ``of`` (`Customer.dates`), before it when negative ("-30d" of
    ``contract_end``: a renewal call). A counted contact within ``window`` either side of it completes it; it is due
    at its time and missed when the window closes.

    A touchpoint of a date the customer does not have, or whose window closed before the customer entered the
    stage, does not apply to that customer (it is not listed).

    >>> Touchpoint("15d", window="3d", label="satisfaction visit")
    Touchpoint(after=days(15), window=days(3), label='satisfaction visit', of=None)
    >>> Touchpoint("-30d", window="7d", label="renewal call", of="contract_end").after
    days(-30)
    """

    after: Plain = attrs.field(
        converter=_touch_after, metadata={"file": "duration", "doc": "When the touch is due after stage entry."}
    )
    window: Plain = attrs.field(
        default=ExactDuration(0),
        converter=_touch_window,
        metadata={"file": "duration", "doc": "How early or late a counted contact still completes it."},
    )
    label: str = attrs.field(default="touchpoint", metadata={"file": "text", "doc": "What the touch is."})
    of: str | None = attrs.field(
        default=None,
        metadata={
            "file": "text",
            "doc": "The customer's date it counts from (a name in the customer's dates); stage entry if none.",
        },
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise PolicyError(f"Touchpoint.label must be a non-empty string (got {show(self.label)})")
        if self.of is not None and (not isinstance(self.of, str) or not self.of or self.of != self.of.strip()):
            raise PolicyError(
                f"Touchpoint.of must be the name of a customer's date (got {show(self.of)})",
                field="Touchpoint.of",
                value=self.of,
            )
        if self.of is None and _us(self.after) < 0:
            raise PolicyError(
                f"Touchpoint.after must be >= 0 after stage entry (got {self.after}); a touchpoint before a date "
                "names it with of",
                field="Touchpoint.after",
                value=self.after,
            )


def touchpoints(value: object) -> tuple[Touchpoint, ...]:
    """Touchpoints in time order, whose windows do not overlap."""
    items = _listed(value, "Rule.touchpoints", "Touchpoint")
    for index, item in enumerate(items):
        if not isinstance(item, Touchpoint):
            raise PolicyError(f"Rule.touchpoints[{index}] must be a Touchpoint (got {show(item)})")
    items.sort(key=lambda t: (t.of or "", _us(t.after)))
    for low, high in itertools.pairwise(items):
        if low.of == high.of and _us(low.after) + _us(low.window) >= _us(high.after) - _us(high.window):
            raise PolicyError(
                f"Rule.touchpoints: the windows of {show(low.label)} ({low.after} +/- {low.window}) and "
                f"{show(high.label)} ({high.after} +/- {high.window}) overlap"
            )
    return tuple(items)


class TouchpointState(enum.Enum):
    """Where a touchpoint stands at ``as_of``."""

    PENDING = "pending"
    COMPLETED = "completed"
    MISSED = "missed"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class TouchpointStatus:
    """A touchpoint as assessed: its state and instants (microseconds inside; see `Assessment.touchpoints`)."""

    touchpoint: Touchpoint
    state: TouchpointState
    opens: int
    due: int
    closes: int
    completed_by: int | None


class TouchPlan:
    """A rule's touchpoints compiled for the calculator: their windows after an entry instant, cached per zone and
    entry date when every offset is in days; touchpoints of a customer's dates are placed per customer."""

    __slots__ = ("by_date", "dated", "id", "items")

    def __init__(self, items: tuple[Touchpoint, ...]) -> None:
        self.id = next_id()
        self.items = items
        self.dated = any(t.of is not None for t in items)
        self.by_date = all(
            isinstance(t.after, CalendarDuration) and isinstance(t.window, CalendarDuration) for t in items
        )

    def windows(self, zone: Zone, entry: int) -> tuple[tuple[int, int, int], ...]:
        """``(opens, due, closes)`` of each touchpoint after stage entry at ``entry`` (a plan without dated
        touchpoints)."""
        if not self.by_date:
            return self._windows(zone, entry)
        key = self.id << 22 | zone.local_ordinal(entry)  # `cache_key`, inlined: a local date is in range
        hit: tuple[tuple[int, int, int], ...] | None = zone.cache.get(key)
        if hit is None:
            hit = zone.cache_put(key, self._windows(zone, entry))
        return hit

    def _windows(self, zone: Zone, entry: int) -> tuple[tuple[int, int, int], ...]:
        return tuple(_window(zone, entry, item) for item in self.items)

    def placed(self, zone: Zone, customer: Customer) -> tuple[tuple[Touchpoint, int, int, int], ...]:
        """Each touchpoint that applies to ``customer``, with its ``opens, due, closes``: after stage entry, or
        after the customer's date it names (left out when the customer has no such date, or when its window
        closed before stage entry)."""
        entry = customer._entered_us
        if not self.dated:
            return tuple((item, *window) for item, window in zip(self.items, self.windows(zone, entry), strict=True))
        out = []
        for item in self.items:
            base = entry if item.of is None else customer.date_us(item.of, zone)
            if base is None:
                continue
            opens, due, closes = _window(zone, base, item)
            if item.of is None or closes > entry:
                out.append((item, opens, due, closes))
        return tuple(out)

    def due_now(self, zone: Zone, customer: Customer, as_of: int, history: History, mask: int) -> bool:
        """True if a touchpoint is due at ``as_of``: past its time, its window open, no counted contact in it."""
        entry = customer._entered_us
        windows = self.windows(zone, entry) if not self.dated else [w[1:] for w in self.placed(zone, customer)]
        for opens, due, closes in windows:
            # Contacts before stage entry belong to the stage before: they complete nothing (as in `states`).
            if due <= as_of < closes and not history.any_counted(mask, max(opens, entry), as_of):
                return True
        return False

    def states(
        self, zone: Zone, customer: Customer, as_of: int, counted: Sequence[int]
    ) -> tuple[TouchpointStatus, ...]:
        """Each touchpoint's state at ``as_of`` from the sorted instants of counted contacts (those before stage
        entry or after ``as_of`` are not read)."""
        entry = customer._entered_us
        out = []
        for item, opens, due, closes in self.placed(zone, customer):
            first = bisect_left(counted, max(opens, entry))
            done = counted[first] if first < len(counted) and counted[first] < min(closes, as_of + 1) else None
            out.append(TouchpointStatus(item, touch_state(done, closes, as_of), opens, due, closes, done))
        return tuple(out)


def _window(zone: Zone, base: int, item: Touchpoint) -> tuple[int, int, int]:
    """``opens, due, closes`` of a touchpoint counted from ``base``."""
    due = shift(zone, base, item.after)
    opens, closes = shift(zone, due, item.window, -1), shift(zone, due, item.window)
    if isinstance(item.window, CalendarDuration):
        closes = zone.day_start(zone.local_ordinal(closes) + 1)  # the last day of the window is included
    return opens, due, closes


def touch_state(done: int | None, closes: int, as_of: int) -> TouchpointState:
    """A touchpoint's state: completed by a counted contact (``done``), else missed once its window closed."""
    if done is not None:
        return TouchpointState.COMPLETED
    return TouchpointState.MISSED if as_of >= closes else TouchpointState.PENDING
