"""A customer's history: its contacts and deferrals, read once and asked about any instant.

Every question the engine and the rulebook ask of a history lives here: the last counted contact before an instant,
how many counted since, the latest deferral, the attempts in a window, the owner's counted contacts. A history
asked about one instant answers with one pass over the events, as cheap as it gets for a single assessment. Asked
about a second instant (a timeline, a backtest), or asked for sorted lists (the rulebook), it builds an index once:
sorted, de-duplicated integer arrays, answering by bisection from then on.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from cadence.errors import InputTypeError, show
from cadence.model import Contact, Deferral, Direction, Event

__all__ = ["History"]

NONE = -(2**63)  # below every instant: "no counted contact"


class History:
    """A customer's events, as given (any order, exact duplicates allowed), with the questions asked of them.

    ``events`` is the tuple of events; nothing is copied again or converted per question.
    """

    __slots__ = ("_asked", "_index", "events")

    def __init__(self, events: Iterable[Event]) -> None:
        self.events: tuple[Any, ...] = _materialize(events)
        self._asked: int | None = None  # the one instant answered by a scan, before any index
        self._index: _Index | None = None

    @classmethod
    def of(cls, events: Iterable[Event] | History) -> History:
        """``events`` as a History (a History is returned as it is)."""
        return events if isinstance(events, History) else cls(events)

    def summary(self, mask: int, entry: int, as_of: int, distinct: bool) -> tuple[int, int, Deferral | None]:
        """``(last, count, deferral)`` at ``as_of``: the last counted contact (``NONE`` if none), how many counted
        contacts since ``entry`` (exact duplicates once when ``distinct``; else possibly more, but never fewer than
        two when there are two distinct ones), and the latest deferral logged, all at or before ``as_of``."""
        index = self._index
        if index is None:
            if self._asked is None or self._asked == as_of:
                self._asked = as_of
                last, count, deferral = _scan(self.events, as_of, mask, entry)
                if distinct and count > 1:
                    count = len({c._key for c in self.events if entry <= c._us <= as_of and mask & c._bit})
                return last, count, deferral
            index = self.index()
        times = index.counted(mask)
        end = bisect_right(times, as_of)
        last = times[end - 1] if end else NONE
        return last, end - bisect_left(times, entry, 0, end), index.latest_deferral(as_of)

    def any_counted(self, mask: int, low: int, high: int) -> bool:
        """True if a counted contact lies in [``low``, ``high``]."""
        index = self._index
        if index is None:
            return any(low <= event._us <= high and mask & event._bit for event in self.events)
        return index.any_counted(mask, low, high)

    def canonical(self, as_of: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """The distinct contacts and deferrals at or before ``as_of``, in a fixed order: what two histories given
        in different orders, with different duplicates, have in common."""
        index = self.index()
        contacts = index.keys[: bisect_right(index.times, as_of)]
        deferrals = [d._key for d in index.deferrals[: bisect_right(index.deferral_times, as_of)]]
        return tuple(contacts), tuple(deferrals)

    def index(self) -> _Index:
        """The sorted, de-duplicated arrays (built once, on first use)."""
        index = self._index
        if index is None:
            index = self._index = _Index(self.events)
        return index

    def __repr__(self) -> str:
        return f"History({len(self.events)} events)"


class _Index:
    """The distinct contacts sorted by instant (``times``, ``bits``, ``by``), the deferrals sorted by rank, and the
    counted instants per contact filter, made on first use."""

    __slots__ = ("_counted", "bits", "by", "deferral_times", "deferrals", "keys", "outbound", "times")

    def __init__(self, events: tuple[Any, ...]) -> None:
        contacts: dict[Any, Contact] = {}
        deferrals: dict[Any, Deferral] = {}
        for event in events:
            if type(event) is Contact or isinstance(event, Contact):
                contacts.setdefault(event._key, event)
            elif isinstance(event, Deferral):
                deferrals.setdefault(event._key, event)
            else:
                raise InputTypeError(f"contacts must hold Contact or Deferral values (got {show(event)})")
        ordered = sorted(contacts.values(), key=lambda c: (c._us, c._key[1], c.by or ""))
        self.keys = [c._key for c in ordered]
        self.times = [c._us for c in ordered]
        self.bits = [c._bit for c in ordered]
        self.by = [c.by for c in ordered]
        self.outbound = [c._us for c in ordered if c.direction is Direction.OUTBOUND]
        by_rank = sorted(deferrals.values(), key=lambda d: d._rank)
        self.deferrals = by_rank
        self.deferral_times = [d._us for d in by_rank]
        self._counted: dict[int, list[int]] = {}

    def counted(self, mask: int) -> list[int]:
        """The sorted instants of the contacts that ``mask`` counts."""
        hit = self._counted.get(mask)
        if hit is None:
            hit = self._counted[mask] = [t for t, bit in zip(self.times, self.bits, strict=True) if mask & bit]
        return hit

    def latest_deferral(self, as_of: int) -> Deferral | None:
        """The deferral logged last at or before ``as_of`` (the latest ``until`` among those logged at once)."""
        end = bisect_right(self.deferral_times, as_of)
        return self.deferrals[end - 1] if end else None

    def attempts(self, as_of: int) -> list[int]:
        """The sorted instants of outbound contacts (attempts, reached or not) at or before ``as_of``."""
        return self.outbound[: bisect_right(self.outbound, as_of)]

    def counted_until(self, mask: int, as_of: int) -> list[int]:
        """The sorted instants of counted contacts at or before ``as_of``."""
        times = self.counted(mask)
        return times[: bisect_right(times, as_of)]

    def counted_by(self, mask: int, owner: str, since: int, as_of: int) -> list[int]:
        """The sorted instants of ``owner``'s counted contacts from ``since`` to ``as_of``."""
        start, end = bisect_left(self.times, since), bisect_right(self.times, as_of)
        by, bits, times = self.by, self.bits, self.times
        return [times[i] for i in range(start, end) if by[i] == owner and mask & bits[i]]

    def any_counted(self, mask: int, low: int, high: int) -> bool:
        """True if a counted contact lies in [``low``, ``high``]."""
        times = self.counted(mask)
        first = bisect_left(times, low)
        return first < len(times) and times[first] <= high


def _scan(events: tuple[Any, ...], as_of: int, mask: int, entry: int) -> tuple[int, int, Deferral | None]:
    """One pass: the last counted contact at or before ``as_of``, how many counted since ``entry`` (duplicates
    too), and the latest deferral logged at or before ``as_of``."""
    last = NONE
    since = 0
    deferral: Any = None
    event: Any = None
    try:
        for event in events:
            at = event._us
            if at <= as_of:
                bit = event._bit
                if mask & bit:
                    if at > last:
                        last = at
                    if at >= entry:
                        since += 1
                elif not bit and (deferral is None or event._rank > deferral._rank):
                    deferral = event  # only a Deferral has no kind bit
    except AttributeError:
        raise InputTypeError(f"contacts must hold Contact or Deferral values (got {show(event)})") from None
    return last, since, deferral


def _materialize(events: Iterable[Event]) -> tuple[Any, ...]:
    if type(events) is tuple:
        return events
    if type(events) is list:
        return tuple(events)
    if isinstance(events, (str, bytes)):
        raise InputTypeError(f"contacts must be an iterable of Contact (got {show(events)})")
    try:
        return tuple(events)
    except TypeError:
        raise InputTypeError(f"contacts must be an iterable of Contact (got {show(events)})") from None
