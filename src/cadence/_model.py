"""The things a cadence is about: segments, lifecycle stages, customers and their contacts.

All are immutable values, validated when built. Datetimes must be timezone-aware; the calculator turns them into
integers once, here, so that assessing a customer never converts a contact again.
"""

from __future__ import annotations

import enum
import itertools
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from cadence._errors import CadenceError, InputError, InputTypeError, PolicyError, show
from cadence._time import Zone, get_zone, instant_us

__all__ = [
    "DEFAULT_LIFECYCLE",
    "NON_REACH",
    "Change",
    "Channel",
    "Contact",
    "Customer",
    "Deferral",
    "Direction",
    "Event",
    "Hold",
    "Lifecycle",
    "Outcome",
    "Segment",
    "Stage",
]


class Derived:
    """Base of the public attrs classes that keep values derived from their fields (instants as integers, a
    compiled table) in slots of their own.

    Those slots are not attrs fields, so `attrs.asdict`, `attrs.fields` and `attrs.evolve` see only what the user
    gave. Pickling and copying rebuild the object from its fields, which validates and derives them again (in the
    receiving process, with its own caches).
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        cls: Any = type(self)
        return cls, tuple(getattr(self, field.name) for field in attrs.fields(cls))


class Channel(enum.Enum):
    """How a contact was made."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    VISIT = "visit"
    MESSAGE = "message"
    SMS = "sms"
    OTHER = "other"


class Direction(enum.Enum):
    """Who started a contact: the team (outbound) or the customer (inbound)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(enum.Enum):
    """What came of a contact. ``NO_ANSWER``, ``BOUNCED`` and ``FAILED`` are non-reaches (see `NON_REACH`)."""

    CONNECTED = "connected"
    REPLIED = "replied"
    SENT = "sent"
    NO_ANSWER = "no_answer"
    BOUNCED = "bounced"
    FAILED = "failed"
    OTHER = "other"


NON_REACH: frozenset[Outcome] = frozenset({Outcome.NO_ANSWER, Outcome.BOUNCED, Outcome.FAILED})
"""Outcomes of an outbound attempt that did not reach the customer; by default such attempts do not count."""

_CHANNELS = list(Channel)
_DIRECTIONS = list(Direction)
_OUTCOMES = list(Outcome)


def contact_code(channel: Channel, direction: Direction, outcome: Outcome) -> int:
    """A small integer for a (channel, direction, outcome) combination: a bit position in a `ContactFilter` mask."""
    return (_CHANNELS.index(channel) * len(_DIRECTIONS) + _DIRECTIONS.index(direction)) * len(
        _OUTCOMES
    ) + _OUTCOMES.index(outcome)


_E = TypeVar("_E", bound=enum.Enum)


def to_enum(kind: type[_E], value: object, field: str) -> _E:
    """``value`` as a member of ``kind`` (a member, or its string value), else an error naming ``field``."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InputError(
            f"{field}: unknown {kind.__name__.lower()} {show(value)} (choose from {choices})", field=field, value=value
        ) from None


def _check_id(value: object, field: str, error: type[CadenceError]) -> None:
    if not isinstance(value, str) or not value.strip():
        raise error(f"{field} must be a non-empty string (got {show(value)})", field=field, value=value)
    if value != value.strip() or "/" in value or value == "*":
        raise error(
            f"{field} must not be '*', contain '/' or start or end with spaces (got {show(value)})",
            field=field,
            value=value,
        )


@attrs.frozen
class Segment:
    """A customer tier or type (``A``, ``VIP``, ``saas-key``): an id, a label, and a rank (lower is more important).

    >>> Segment("A", rank=0)
    Segment(id='A', label='A', rank=0)
    """

    id: str
    label: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    rank: int = 0

    def __attrs_post_init__(self) -> None:
        _check_id(self.id, "Segment.id", PolicyError)
        if not isinstance(self.label, str):
            raise PolicyError(
                f"Segment.label must be a string (got {show(self.label)})", field="Segment.label", value=self.label
            )
        if not isinstance(self.rank, int) or isinstance(self.rank, bool) or self.rank < 0:
            raise PolicyError(
                f"Segment.rank must be an integer >= 0 (got {show(self.rank)})", field="Segment.rank", value=self.rank
            )


@attrs.frozen
class Stage:
    """A lifecycle stage. A terminal stage (``lost``) expects no follow-up: its customers are ``inactive``."""

    id: str
    label: str = attrs.field(default=attrs.Factory(lambda self: self.id.replace("_", " "), takes_self=True))
    terminal: bool = False

    def __attrs_post_init__(self) -> None:
        _check_id(self.id, "Stage.id", PolicyError)
        if not isinstance(self.label, str):
            raise PolicyError(
                f"Stage.label must be a string (got {show(self.label)})", field="Stage.label", value=self.label
            )
        if not isinstance(self.terminal, bool):
            raise PolicyError(
                f"Stage.terminal must be True or False (got {show(self.terminal)})",
                field="Stage.terminal",
                value=self.terminal,
            )


def _stages(value: Iterable[Stage | str]) -> tuple[Stage, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise PolicyError(f"Lifecycle.stages must be a sequence of stages (got {show(value)})")
    stages = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = Stage(item)
        if not isinstance(item, Stage):
            raise PolicyError(f"Lifecycle.stages[{index}] must be a Stage or a stage id (got {show(item)})")
        stages.append(item)
    return tuple(stages)


class _LifecycleSlots(Derived):
    __slots__ = ("_by_id",)
    _by_id: dict[str, Stage]


@attrs.frozen
class Lifecycle(_LifecycleSlots):
    """The ordered stages a customer moves through. `DEFAULT_LIFECYCLE` is the usual sales-and-care path.

    >>> "won" in DEFAULT_LIFECYCLE
    True
    >>> DEFAULT_LIFECYCLE["lost"].terminal
    True
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_stages)

    def __attrs_post_init__(self) -> None:
        if not self.stages:
            raise PolicyError("Lifecycle.stages must not be empty")
        by_id: dict[str, Stage] = {}
        for index, stage in enumerate(self.stages):
            if stage.id in by_id:
                raise PolicyError(f"Lifecycle.stages[{index}]: duplicate stage id {show(stage.id)}")
            by_id[stage.id] = stage
        object.__setattr__(self, "_by_id", by_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """The stage ids, in order."""
        return tuple(self._by_id)

    def __contains__(self, stage_id: object) -> bool:
        return stage_id in self._by_id

    def __getitem__(self, stage_id: str) -> Stage:
        try:
            return self._by_id[stage_id]
        except KeyError:
            raise PolicyError(f"unknown stage {show(stage_id)} (the lifecycle has {', '.join(self.ids)})") from None

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def __len__(self) -> int:
        return len(self.stages)


DEFAULT_LIFECYCLE = Lifecycle(
    (
        Stage("lead"),
        Stage("contacted"),
        Stage("qualified"),
        Stage("proposal"),
        Stage("negotiation"),
        Stage("won"),
        Stage("onboarding"),
        Stage("retention"),
        Stage("dormant"),
        Stage("lost", terminal=True),
    )
)
"""lead, contacted, qualified, proposal, negotiation, won, onboarding, retention, dormant, and terminal lost."""


def _optional_str(value: object, field: str) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InputError(f"{field} must be a non-empty string or None (got {show(value)})", field=field, value=value)


def _channel(value: object) -> Channel:
    return to_enum(Channel, value, "Contact.channel")


def _direction(value: object) -> Direction:
    return to_enum(Direction, value, "Contact.direction")


def _outcome(value: object) -> Outcome:
    return to_enum(Outcome, value, "Contact.outcome")


class _ContactSlots(Derived):
    __slots__ = ("_bit", "_key", "_us")
    _us: int
    _bit: int
    _key: tuple[int, int, str | None]


@attrs.frozen(eq=False)
class Contact(_ContactSlots):
    """One touch: when, on which channel, in which direction, with what outcome, and by whom.

    ``channel``, ``direction`` and ``outcome`` take the enum members or their string values. Two contacts are
    equal (and count once) when instant, channel, direction, outcome and person all match; the instant is
    compared as an instant, whatever its time zone.

    >>> import pendulum
    >>> c = Contact(pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin"), "call", outcome="no_answer", by="ana")
    >>> c.is_attempt, c.direction
    (True, <Direction.OUTBOUND: 'outbound'>)
    """

    at: datetime
    channel: Channel = attrs.field(converter=_channel)
    direction: Direction = attrs.field(default=Direction.OUTBOUND, converter=_direction)
    outcome: Outcome = attrs.field(default=Outcome.OTHER, converter=_outcome)
    by: str | None = None

    def __attrs_post_init__(self) -> None:
        us = instant_us(self.at, "Contact.at")
        _optional_str(self.by, "Contact.by")
        code = contact_code(self.channel, self.direction, self.outcome)
        object.__setattr__(self, "_us", us)
        object.__setattr__(self, "_bit", 1 << code)
        object.__setattr__(self, "_key", (us, code, self.by))

    @property
    def is_attempt(self) -> bool:
        """True for an outbound contact: an attempt by the team, whatever its outcome."""
        return self.direction is Direction.OUTBOUND

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Contact):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)


def _until(value: object) -> datetime | date:
    if isinstance(value, datetime):
        instant_us(value, "Deferral.until")  # refuses a naive datetime, naming the field
        return value
    if isinstance(value, date):
        return value
    raise InputTypeError(
        f"Deferral.until must be an aware datetime or a date (got {show(value)})", field="Deferral.until", value=value
    )


class _DeferralSlots(Derived):
    __slots__ = ("_bit", "_key", "_rank", "_until_date", "_until_us", "_us")
    _us: int
    _bit: int  # 0: a deferral is no contact
    _key: tuple[int, int, object]
    _until_us: int | None
    _until_date: int | None
    _rank: tuple[int, int, int, str]  # the latest deferral wins


@attrs.frozen(eq=False)
class Deferral(_DeferralSlots):
    """A customer's request to be contacted later ("busy, talk next month"), logged in the history at ``at``.

    Until ``until`` (an instant, or a date: the start of that local date) the status is ``snoozed``; from then the
    follow-up is due. A counted contact after ``at`` ends the deferral. It does not reset the churn clock: the
    customer has still been silent. Deferrals go in the same history as contacts.

    >>> import pendulum
    >>> Deferral(pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin"), until=date(2026, 4, 1)).until
    datetime.date(2026, 4, 1)
    """

    at: datetime
    until: datetime | date = attrs.field(converter=_until)
    by: str | None = None

    def __attrs_post_init__(self) -> None:
        us = instant_us(self.at, "Deferral.at")
        _optional_str(self.by, "Deferral.by")
        if isinstance(self.until, datetime):
            until_us, until_date = instant_us(self.until, "Deferral.until"), None
            key: object = until_us
        else:
            until_us, until_date = None, self.until.toordinal()
            key = ("date", until_date)
        object.__setattr__(self, "_us", us)
        object.__setattr__(self, "_bit", 0)
        object.__setattr__(self, "_key", (us, -1, (key, self.by)))
        object.__setattr__(self, "_until_us", until_us)
        object.__setattr__(self, "_until_date", until_date)
        order = (0, until_us) if until_us is not None else (1, until_date or 0)
        object.__setattr__(self, "_rank", (us, *order, self.by or ""))

    def until_us(self, zone: Zone) -> int:
        """``until`` as microseconds: a date is the start of that local date in ``zone``."""
        if self._until_us is not None:
            return self._until_us
        assert self._until_date is not None
        return zone.day_start(self._until_date)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deferral):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)


_FOREVER = 2**62  # a pause with no end


class _HoldSlots(Derived):
    __slots__ = ("_end_us", "_start_us")
    _start_us: int
    _end_us: int  # _FOREVER while the hold is open


@attrs.frozen
class Hold(_HoldSlots):
    """A period in which the customer's follow-up waits on the customer ("waiting for customer", an SLA hold):
    from ``start`` until ``end`` (None: still waiting).

    The deadline clock stops during a hold: each deadline threshold that had not passed when a hold began moves
    later by the time held (working time for business deadlines), and while a hold lasts the status stays what it
    was when the hold began. Churn risk, stuck-in-stage, touchpoints and reclaim keep counting. A customer's holds
    go in `Customer.holds`; docs/rulebook.md has the rule.

    >>> import pendulum
    >>> Hold(pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin"), pendulum.datetime(2026, 3, 4, 10, tz="UTC")).end
    DateTime(2026, 3, 4, 10, 0, 0, tzinfo=Timezone('UTC'))
    """

    start: datetime
    end: datetime | None = None

    def __attrs_post_init__(self) -> None:
        start = instant_us(self.start, "Hold.start")
        end = _FOREVER if self.end is None else instant_us(self.end, "Hold.end")
        if self.end is not None and end <= start:
            raise InputError(
                f"Hold.end ({self.end.isoformat()}) must be after Hold.start ({self.start.isoformat()})",
                field="Hold.end",
                value=self.end,
            )
        object.__setattr__(self, "_start_us", start)
        object.__setattr__(self, "_end_us", end)


def _optional_instant(value: object, field: str) -> int | None:
    return None if value is None else instant_us(value, field)


class _ChangeSlots(Derived):
    __slots__ = ("_us",)
    _us: int


@attrs.frozen
class Change(_ChangeSlots):
    """A change in a customer's record at ``at``: from then on it is in ``stage``, in ``segment`` and owned by
    ``owner``. A field left None did not change.

    A customer's changes go in `Customer.changes`; see there for how they are read.

    >>> import pendulum
    >>> Change(pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin"), stage="won").stage
    'won'
    """

    at: datetime
    stage: str | None = None
    segment: str | None = None
    owner: str | None = None

    def __attrs_post_init__(self) -> None:
        us = instant_us(self.at, "Change.at")
        for name in ("stage", "segment", "owner"):
            _optional_str(getattr(self, name), f"Change.{name}")
        if self.stage is None and self.segment is None and self.owner is None:
            raise InputError(
                f"Change at {self.at.isoformat()} names no stage, segment or owner: it changes nothing",
                field="Change.stage",
                value=self,
            )
        object.__setattr__(self, "_us", us)


def _changes(value: object) -> tuple[Change, ...]:
    if isinstance(value, (str, bytes, Change)) or not isinstance(value, Iterable):
        raise InputTypeError(
            f"Customer.changes must be an iterable of Change (got {show(value)})", field="Customer.changes", value=value
        )
    changes = tuple(value)
    for index, change in enumerate(changes):
        if not isinstance(change, Change):
            raise InputTypeError(
                f"Customer.changes[{index}] must be a Change (got {show(change)})",
                field=f"Customer.changes[{index}]",
                value=change,
            )
    return changes


def _holds(value: object) -> tuple[Hold, ...]:
    """A customer's holds, by start: `Hold` values or (start, end) pairs, none overlapping another, only the last
    one open."""
    if isinstance(value, (str, bytes, Hold)) or not isinstance(value, Iterable):
        raise InputTypeError(
            f"Customer.holds must be an iterable of Hold (got {show(value)})", field="Customer.holds", value=value
        )
    holds = []
    for index, item in enumerate(value):
        if isinstance(item, tuple) and len(item) == 2:
            item = Hold(*item)
        if not isinstance(item, Hold):
            raise InputTypeError(
                f"Customer.holds[{index}] must be a Hold or a (start, end) pair (got {show(item)})",
                field=f"Customer.holds[{index}]",
                value=item,
            )
        holds.append(item)
    holds.sort(key=lambda hold: hold._start_us)
    for before, after in itertools.pairwise(holds):
        if before._end_us > after._start_us:
            until = "with no end" if before.end is None else f"until {before.end.isoformat()}"
            raise InputError(
                f"Customer.holds: the hold from {before.start.isoformat()} ({until}) overlaps the one from "
                f"{after.start.isoformat()}; only the last hold may be open",
                field="Customer.holds",
                value=after,
            )
    return tuple(holds)


def _dates(value: object) -> tuple[tuple[str, datetime | date], ...]:
    """A customer's named dates, by name: from a mapping (or pairs) of names to dates or aware datetimes."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        pairs = list(value)
    else:
        raise InputTypeError(
            f"Customer.dates must be a mapping of names to dates or aware datetimes (got {show(value)})",
            field="Customer.dates",
            value=value,
        )
    out: dict[str, datetime | date] = {}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) and pair[0]):
            raise InputTypeError(
                f"Customer.dates must map non-empty names to dates (got {show(pair)})",
                field="Customer.dates",
                value=pair,
            )
        name, when = pair
        field = f"Customer.dates[{name!r}]"
        if name in out:
            raise InputError(f"{field} is given twice", field=field, value=when)
        if isinstance(when, datetime):
            instant_us(when, field)  # aware and in range, or the error names the date
        elif not isinstance(when, date):
            raise InputTypeError(
                f"{field} must be a date or an aware datetime (got {show(when)})", field=field, value=when
            )
        out[name] = when
    return tuple(sorted(out.items(), key=lambda item: item[0]))


class _CustomerSlots(Derived):
    __slots__ = (
        "_claimed_us",
        "_created_us",
        "_dates",
        "_entered_us",
        "_holds",
        "_paused_until",
        "_rule_key",
        "_spells",
        "_zone",
    )
    _entered_us: int
    _created_us: int
    _zone: Zone | None
    _rule_key: tuple[str, str]
    _paused_until: int | None
    _claimed_us: int | None
    _spells: tuple[list[int], list[Customer]] | None  # with changes: when each state began, and the state
    _dates: dict[str, tuple[int, bool]]  # each named date: (microseconds, False) or (its ordinal, True) for a date
    _holds: tuple[tuple[int, int], ...] | None  # (start, end) of each hold, end _FOREVER while open; None: no hold


@attrs.frozen
class Customer(_CustomerSlots):
    """A customer as the calculator sees it: segment and stage ids, when the stage was entered, and who owns it.

    ``timezone`` (an IANA name) overrides the policy's zone for this customer's local dates. ``created_at`` starts
    the churn clock while the customer has no counted contact. ``do_not_contact`` pauses all follow-up (until
    ``do_not_contact_until`` if given: from then the follow-up is due). ``claimed_at`` is when the owner took the
    customer from the shared pool (for a rule's pool reclaim). ``dates`` are the customer's own named dates (a
    contract's end, a delivery, a signing), each a date (the start of that local date) or an aware datetime, that a
    rule's touchpoints can count from (`Touchpoint.of`); they are kept sorted by name. ``holds`` are the periods
    in which the follow-up waited on the customer (`Hold`, or (start, end) pairs), which stop the deadline clock;
    they are kept sorted, may not overlap, and only the last may be open.

    ``changes`` is the customer's past: the `Change` of stage, segment or owner that led to this record, in any
    order, so that an assessment at a past instant judges the customer as it was then (see `at`). The record
    itself is the state after the last change. The earliest change is where the customer's known path begins: it
    names a stage (and a segment, if any change names one); before it the customer was in no stage, as before
    ``stage_entered_at`` without changes. A field no change names keeps the record's value at every instant; an
    owner named by no change before an instant means no owner then. The record must agree with the changes: its
    stage, segment and owner are those after the last change, and ``stage_entered_at`` is when the last change of
    stage happened (a change naming the stage the customer is in does not re-enter it). ``claimed_at`` belongs to
    the last owner; an earlier owner claimed the customer when the change named it. ``do_not_contact`` and
    ``timezone`` hold at every instant.

    >>> import pendulum
    >>> Customer("c-1", "A", "lead", stage_entered_at=pendulum.datetime(2026, 3, 2, tz="UTC"),
    ...          created_at=pendulum.datetime(2026, 3, 1, tz="UTC"), owner="ana").stage
    'lead'
    """

    id: str
    segment: str
    stage: str
    stage_entered_at: datetime
    created_at: datetime
    timezone: str | None = None
    owner: str | None = None
    do_not_contact: bool = False
    do_not_contact_until: datetime | None = None
    claimed_at: datetime | None = None
    changes: tuple[Change, ...] = attrs.field(default=(), converter=_changes)
    dates: tuple[tuple[str, datetime | date], ...] = attrs.field(default=(), converter=_dates)
    holds: tuple[Hold, ...] = attrs.field(default=(), converter=_holds)

    def __attrs_post_init__(self) -> None:
        for name in ("id", "segment", "stage"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InputError(
                    f"Customer.{name} must be a non-empty string (got {show(value)})",
                    field=f"Customer.{name}",
                    value=value,
                )
        entered = instant_us(self.stage_entered_at, "Customer.stage_entered_at")
        created = instant_us(self.created_at, "Customer.created_at")
        if entered < created:
            raise InputError(
                f"Customer.stage_entered_at ({self.stage_entered_at.isoformat()}) is before "
                f"Customer.created_at ({self.created_at.isoformat()}) for customer {show(self.id)}"
            )
        _optional_str(self.owner, "Customer.owner")
        zone = None if self.timezone is None else get_zone(self.timezone, "Customer.timezone", InputError)
        object.__setattr__(self, "_entered_us", entered)
        object.__setattr__(self, "_created_us", created)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_rule_key", (self.segment, self.stage))
        if not isinstance(self.do_not_contact, bool):
            raise InputError(
                f"Customer.do_not_contact must be True or False (got {show(self.do_not_contact)})",
                field="Customer.do_not_contact",
                value=self.do_not_contact,
            )
        until = _optional_instant(self.do_not_contact_until, "Customer.do_not_contact_until")
        if until is not None and not self.do_not_contact:
            raise InputError(
                "Customer.do_not_contact_until needs Customer.do_not_contact=True",
                field="Customer.do_not_contact_until",
                value=self.do_not_contact_until,
            )
        # None: no pause; _FOREVER: paused with no end; else the end of the pause.
        object.__setattr__(
            self, "_paused_until", (_FOREVER if until is None else until) if self.do_not_contact else None
        )
        object.__setattr__(self, "_claimed_us", _optional_instant(self.claimed_at, "Customer.claimed_at"))
        object.__setattr__(self, "_spells", _spells(self) if self.changes else None)
        object.__setattr__(
            self,
            "_dates",
            {
                name: (instant_us(when, "date"), False) if isinstance(when, datetime) else (when.toordinal(), True)
                for name, when in self.dates
            },
        )
        holds = tuple((hold._start_us, hold._end_us) for hold in self.holds)
        object.__setattr__(self, "_holds", holds or None)

    def date_us(self, name: str, zone: Zone) -> int | None:
        """The named date as microseconds (a date: the start of that local date in ``zone``), None if the customer
        has no such date."""
        found = self._dates.get(name)
        if found is None:
            return None
        value, is_date = found
        return zone.day_start(value) if is_date else value

    def at(self, instant: datetime) -> Customer | None:
        """The customer as it was at ``instant`` (its stage, segment, owner and stage entry then, with no
        changes), or None before it entered its first stage.

        >>> import pendulum
        >>> day = pendulum.datetime(2026, 3, 2, tz="UTC")
        >>> customer = Customer("c-1", "A", "won", stage_entered_at=day.add(days=20), created_at=day,
        ...                     changes=[Change(day, stage="lead", segment="B"), Change(day.add(days=9), segment="A"),
        ...                              Change(day.add(days=20), stage="won")])
        >>> then = customer.at(day.add(days=10))
        >>> then.stage, then.segment, then.stage_entered_at.isoformat()
        ('lead', 'A', '2026-03-02T00:00:00+00:00')
        >>> customer.at(day.subtract(days=1)) is None
        True
        """
        return self.state_at(instant_us(instant, "instant"))

    def state_at(self, us: int) -> Customer | None:
        """`at` an instant in microseconds."""
        spells = self._spells
        if spells is None:
            return self if us >= self._entered_us else None
        starts, states = spells
        index = bisect_right(starts, us)
        return states[index - 1] if index else None

    def state_starts(self) -> list[int]:
        """The instants (microseconds) at which the customer's state changed, the first stage entry first."""
        return [self._entered_us] if self._spells is None else self._spells[0]


def _spells(customer: Customer) -> tuple[list[int], list[Customer]]:
    """The states of a customer with changes, and the instants they began, checked against its record."""
    ordered = sorted(customer.changes, key=lambda change: change._us)
    first = ordered[0]
    names_segment = any(change.segment is not None for change in ordered)
    names_owner = any(change.owner is not None for change in ordered)
    where = f"customer {show(customer.id)}"
    if first.stage is None or (names_segment and first.segment is None):
        what = "a stage and a segment" if names_segment else "a stage"
        raise InputError(
            f"Customer.changes of {where}: the earliest change (at {first.at.isoformat()}) must name {what}, "
            "where the customer's path begins",
            field="Customer.changes",
            value=first,
        )
    if first._us < customer._created_us:
        raise InputError(
            f"Customer.changes of {where}: the earliest change (at {first.at.isoformat()}) is before "
            f"Customer.created_at ({customer.created_at.isoformat()})",
            field="Customer.changes",
            value=first,
        )
    stage, segment, owner = first.stage, customer.segment, None if names_owner else customer.owner
    entered, claimed, owned_from = first, None if names_owner else customer.claimed_at, 0
    starts: list[int] = []
    states: list[tuple[Any, ...]] = []
    for change in ordered:
        if starts and change._us == starts[-1]:
            raise InputError(
                f"Customer.changes of {where}: two changes at {change.at.isoformat()}; make them one",
                field="Customer.changes",
                value=change,
            )
        if change.stage is not None and change.stage != stage:
            stage, entered = change.stage, change
        segment = change.segment or segment
        if change.owner is not None and change.owner != owner:
            owner, claimed, owned_from = change.owner, change.at, len(states)
        starts.append(change._us)
        states.append((stage, segment, owner, entered.at, claimed))
    if (stage, segment, owner) != (customer.stage, customer.segment, customer.owner) or (
        entered._us != customer._entered_us
    ):
        raise InputError(
            f"Customer.changes of {where}: after the last change the customer is in stage {stage!r} (entered "
            f"{entered.at.isoformat()}), segment {segment!r}, owner {owner!r}, but the record says stage "
            f"{customer.stage!r} (entered {customer.stage_entered_at.isoformat()}), segment {customer.segment!r}, "
            f"owner {customer.owner!r}",
            field="Customer.changes",
            value=ordered[-1],
        )
    if customer.claimed_at is not None:  # the record's claim belongs to the last owner, since it was named
        states[owned_from:] = [(*state[:4], customer.claimed_at) for state in states[owned_from:]]
    fields = attrs.asdict(customer, recurse=False) | {"changes": ()}
    spells = [
        Customer(**fields | {"stage": s, "segment": g, "owner": o, "stage_entered_at": e, "claimed_at": c})
        for s, g, o, e, c in states
    ]
    return starts, spells


Event = Contact | Deferral
"""What a customer's history holds: contacts, and deferrals the customer asked for."""
