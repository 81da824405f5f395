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

from cadence._errors import InputTypeError, show
from cadence._model import Channel, Contact, Deferral, Direction, Event, Outcome, contact_code

__all__ = ["History"]

NONE = -(2**63)  # below every instant: "no counted contact"

# The bits of the contact codes (see `contact_code`) whose direction is outbound: the team's attempts.
OUTBOUND = sum(1 << contact_code(c, Direction.OUTBOUND, o) for c in Channel for o in Outcome)


class History:
    """A customer's events, as given (any order, exact duplicates allowed), with the questions asked of them.

    ``events`` is the tuple of events; nothing is copied again or converted per question.
    """

    __slots__ = ("_asked", "_index", "events")

    def __init__(self, events: Iterable[Event]) -> None:
        self.events: tuple[Any, ...] = events if type(events) is tuple else materialize(events)
        self._asked: int | None = None  # the one instant answered by a scan, before any index
        self._index: _Index | None = None

    @staticmethod
    def of(events: Iterable[Event] | History) -> History:
        """``events`` as a History (a History is returned as it is); the calculator's way to make one, without
        the cost of a call to ``__init__``."""
        if type(events) is History:
            return events
        history = _new(History)
        _set_events(history, events if type(events) is tuple else materialize(events))  # type: ignore[arg-type]
        _set_asked(history, None)
        _set_index(history, None)
        return history

    def summary(
        self, mask: int, entry: int, created: int, as_of: int, distinct: bool
    ) -> tuple[int, int, int, Deferral | None]:
        """``(last, count, total, deferral)`` at ``as_of``: the last counted contact (``NONE`` if none), how many
        counted contacts since ``entry`` (exact duplicates once when ``distinct``; else possibly more, but never
        fewer than two when there are two distinct ones), how many after ``created`` at distinct instants (-1:
        not counted, as `scan` says), and the latest deferral logged, all at or before ``as_of``."""
        index = self._index
        if index is None:
            asked = self._asked
            if asked is None or asked == as_of:
                self._asked = as_of
                last, count, total, deferral = scan(self.events, as_of, mask, entry, created)
                if distinct and count > 1:
                    count = distinct_count(self.events, mask, entry, as_of)
                return last, count, total, deferral
            index = self.index()
        times = index.counted(mask)
        end = bisect_right(times, as_of)
        last = times[end - 1] if end else NONE
        return last, end - bisect_left(times, entry, 0, end), -1, index.latest_deferral(as_of)

    def attempts(self, low: int, high: int) -> list[int]:
        """The sorted instants of the distinct outbound contacts (attempts, reached or not) in [``low``, ``high``]."""
        index = self._index
        if index is None:
            keys = {e._key for e in self.events if e._bit & OUTBOUND and low <= e._us <= high}
            return sorted([key[0] for key in keys])
        outbound = index.attempts(high)
        return outbound[bisect_left(outbound, low) :]

    def counted(self, mask: int, low: int, high: int) -> list[int]:
        """The sorted distinct instants of counted contacts in [``low``, ``high``]."""
        index = self._index
        if index is None:
            return sorted({e._us for e in self.events if mask & e._bit and low <= e._us <= high})
        times = index.counted(mask)
        return sorted(set(times[bisect_left(times, low) : bisect_right(times, high)]))

    def awaiting_reply(self, mask: int, entry: int, as_of: int) -> int | None:
        """The earliest counted inbound contact in [``entry``, ``as_of``] with no counted outbound contact after
        it (at or before ``as_of``; one at the same instant answers it). None: none waits for a reply."""
        answers = self.counted(mask & OUTBOUND, entry, as_of)
        waiting = self.counted(mask & ~OUTBOUND, answers[-1] + 1 if answers else entry, as_of)
        return waiting[0] if waiting else None

    def last_counted_by(self, mask: int, owner: str, low: int, high: int) -> int | None:
        """The instant of ``owner``'s last counted contact in [``low``, ``high``] (None: none)."""
        index = self._index
        if index is None:
            found = [e._us for e in self.events if mask & e._bit and e.by == owner and low <= e._us <= high]
            return max(found) if found else None
        times = index.counted_by(mask, owner)
        end = bisect_right(times, high)
        return times[end - 1] if end and times[end - 1] >= low else None

    def all_counted(self, mask: int) -> list[int]:
        """The sorted instants of all the counted contacts (an instant once per distinct contact at it): for
        bisection over a history asked about many instants, without a copy per question."""
        return self.index().counted(mask)

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
        contacts = [key for key in index.ordered_keys() if key[0] <= as_of]
        times, ranked = index.deferrals()
        return tuple(contacts), tuple(d._key for d in ranked[: bisect_right(times, as_of)])

    def index(self) -> _Index:
        """The sorted, de-duplicated arrays (built once, on first use)."""
        index = self._index
        if index is None:
            index = self._index = _Index(self.events)
        return index

    def __repr__(self) -> str:
        return f"History({len(self.events)} events)"


_new = object.__new__
_set_events = vars(History)["events"].__set__
_set_asked = vars(History)["_asked"].__set__
_set_index = vars(History)["_index"].__set__


class _Index:
    """Sorted, de-duplicated views of the events, each made on first use: the counted instants per contact filter,
    the attempts, the deferrals by rank, and the distinct contacts in order (``keys``, for equality)."""

    __slots__ = ("_by_owner", "_counted", "_deferrals", "_distinct", "_outbound", "events")

    def __init__(self, events: tuple[Any, ...]) -> None:
        for event in events:
            if not isinstance(event, (Contact, Deferral)):
                raise InputTypeError(f"contacts must hold Contact or Deferral values (got {show(event)})")
        self.events = events
        self._counted: dict[int, list[int]] = {}
        self._by_owner: dict[tuple[int, str], list[int]] = {}
        self._distinct: set[tuple[Any, ...]] | None = None
        self._outbound: list[int] | None = None
        self._deferrals: tuple[list[int], list[Deferral]] | None = None

    def distinct(self) -> set[tuple[Any, ...]]:
        """The keys (instant, kind code, person) of the distinct contacts."""
        hit = self._distinct
        if hit is None:
            hit = self._distinct = {event._key for event in self.events if event._bit}
        return hit

    def counted(self, mask: int) -> list[int]:
        """The sorted instants of the distinct contacts that ``mask`` counts (one per contact, so an instant
        repeats for two different contacts at once)."""
        hit = self._counted.get(mask)
        if hit is None:
            hit = self._counted[mask] = sorted([key[0] for key in self.distinct() if mask & 1 << key[1]])
        return hit

    def counted_by(self, mask: int, owner: str) -> list[int]:
        """The sorted instants of ``owner``'s distinct counted contacts."""
        hit = self._by_owner.get((mask, owner))
        if hit is None:
            keys = self.distinct()
            hit = self._by_owner[mask, owner] = sorted([k[0] for k in keys if mask & 1 << k[1] and k[2] == owner])
        return hit

    def ordered_keys(self) -> list[tuple[Any, ...]]:
        """The keys of the distinct contacts, in a fixed order."""
        return sorted(self.distinct(), key=lambda key: (key[0], key[1], key[2] or ""))

    def deferrals(self) -> tuple[list[int], list[Deferral]]:
        """The instants and the deferrals, sorted by rank (instant first)."""
        hit = self._deferrals
        if hit is None:
            ranked = sorted({e._key: e for e in self.events if not e._bit}.values(), key=lambda d: d._rank)
            hit = self._deferrals = [d._us for d in ranked], ranked
        return hit

    def latest_deferral(self, as_of: int) -> Deferral | None:
        """The deferral logged last at or before ``as_of`` (the latest ``until`` among those logged at once)."""
        times, deferrals = self.deferrals()
        end = bisect_right(times, as_of)
        return deferrals[end - 1] if end else None

    def attempts(self, as_of: int) -> list[int]:
        """The sorted instants of outbound contacts (attempts, reached or not) at or before ``as_of``."""
        outbound = self._outbound
        if outbound is None:
            outbound = self._outbound = sorted([key[0] for key in self.distinct() if OUTBOUND >> key[1] & 1])
        return outbound[: bisect_right(outbound, as_of)]

    def any_counted(self, mask: int, low: int, high: int) -> bool:
        """True if a counted contact lies in [``low``, ``high``]."""
        times = self.counted(mask)
        first = bisect_left(times, low)
        return first < len(times) and times[first] <= high


def scan(
    events: tuple[Any, ...], as_of: int, mask: int, entry: int, created: int
) -> tuple[int, int, int, Deferral | None]:
    """One pass over events as given: the last counted contact at or before ``as_of`` (``NONE`` if none), how many
    counted since ``entry`` (exact duplicates each time: see `distinct_count`), how many counted after ``created``
    (at distinct instants, as the risk score counts them) when the counted contacts come in strictly increasing
    order (else -1: it takes a set), and the latest deferral logged at or before ``as_of``. The hot path of every
    assessment of one instant."""
    last = NONE
    count = total = 0
    ordered = True
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
                    else:
                        ordered = False  # a repeated or earlier instant: total no longer counts distinct ones
                    if at >= entry:
                        count += 1
                    if at > created:
                        total += 1
                elif not bit and (deferral is None or event._rank > deferral._rank):
                    deferral = event  # only a Deferral has no kind bit
    except AttributeError:
        raise InputTypeError(f"contacts must hold Contact or Deferral values (got {show(event)})") from None
    return last, count, total if ordered else -1, deferral


def distinct_count(events: tuple[Any, ...], mask: int, entry: int, as_of: int) -> int:
    """How many distinct counted contacts lie in [``entry``, ``as_of``] (exact duplicates once)."""
    return len({e._key for e in events if entry <= e._us <= as_of and mask & e._bit})


def materialize(events: Iterable[Event]) -> tuple[Any, ...]:
    """``events`` as a tuple (the history as given), or an InputTypeError for something that is no history."""
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
