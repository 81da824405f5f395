"""A `Rule` is the cadence for one segment x stage; a `ContactFilter` says which contacts reset its clock; a `Layer`
sets some fields of a rule, for a layered policy."""

from __future__ import annotations

import difflib
import enum
import itertools
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, TypeVar

import attrs

from cadence._durations import (
    BusinessDays,
    BusinessHours,
    CalendarDuration,
    Duration,
    ExactDuration,
    parse_duration,
)
from cadence._errors import CadenceWarning, DurationError, InputError, InputTypeError, PolicyError, show, warn
from cadence._model import NON_REACH, Channel, Direction, Outcome, contact_code, to_enum
from cadence._plan import DaysOff, Schedule
from cadence._rulebook import Cap, Level, Plain, Reclaim, Touchpoint, Unanswered, ladder, stuck_after, touchpoints

__all__ = ["ContactFilter", "DaysOff", "Layer", "Rule", "Schedule"]

_E = TypeVar("_E", bound=enum.Enum)

# A rule as the calculator reads it: the plan before the first counted contact, one plan per interval, the bit
# mask of counted contact kinds, and the touchpoints (which can drive the status).


def _enum_set(kind: type[_E], value: object, field: str) -> frozenset[_E]:
    if isinstance(value, (str, kind)) or not isinstance(value, Iterable):
        value = [value]
    try:
        return frozenset(to_enum(kind, item, field) for item in value)
    except InputError as error:
        raise PolicyError(str(error), field=field, value=value) from None


def _channels(value: object) -> frozenset[Channel]:
    return _enum_set(Channel, value, "ContactFilter.channels")


def _directions(value: object) -> frozenset[Direction]:
    return _enum_set(Direction, value, "ContactFilter.directions")


def _non_reach(value: object) -> frozenset[Outcome]:
    return _enum_set(Outcome, value, "ContactFilter.non_reach")


@attrs.frozen
class ContactFilter:
    """Which contacts count: they reset the follow-up clock and advance a sequence.

    A contact counts when its channel is in ``channels``, its direction in ``directions``, and, for an outbound
    contact, its outcome is not in ``non_reach``. The default admits every inbound contact and every outbound one
    that reached the customer (a call nobody answered does not reset the clock).

    >>> ContactFilter().admits("call", "outbound", "no_answer")
    False
    >>> ContactFilter(channels={"meeting", "visit"}).admits("email", "inbound", "replied")
    False
    """

    channels: frozenset[Channel] = attrs.field(
        default=frozenset(Channel),
        converter=_channels,
        metadata={"file": "names", "of": Channel, "doc": "The channels whose contacts count."},
    )
    directions: frozenset[Direction] = attrs.field(
        default=frozenset(Direction),
        converter=_directions,
        metadata={"file": "names", "of": Direction, "doc": "The directions whose contacts count."},
    )
    non_reach: frozenset[Outcome] = attrs.field(
        default=NON_REACH,
        converter=_non_reach,
        metadata={"file": "names", "of": Outcome, "doc": "Outcomes of an outbound contact that did not reach anyone."},
    )

    def __attrs_post_init__(self) -> None:
        for name in ("channels", "directions"):
            if not getattr(self, name):
                raise PolicyError(
                    f"ContactFilter.{name} must not be empty: no contact would ever count",
                    field=f"ContactFilter.{name}",
                    value=getattr(self, name),
                )

    def admits(self, channel: Channel | str, direction: Direction | str, outcome: Outcome | str) -> bool:
        """True if a contact with this channel, direction and outcome counts."""
        channel = to_enum(Channel, channel, "channel")
        direction = to_enum(Direction, direction, "direction")
        outcome = to_enum(Outcome, outcome, "outcome")
        if channel not in self.channels or direction not in self.directions:
            return False
        return direction is Direction.INBOUND or outcome not in self.non_reach

    @property
    def mask(self) -> int:
        """A bit mask over `contact_code` values: bit ``code`` is set when such contacts count."""
        mask = 0
        for channel in Channel:
            for direction in Direction:
                for outcome in Outcome:
                    if self.admits(channel, direction, outcome):
                        mask |= 1 << contact_code(channel, direction, outcome)
        return mask


def _duration(value: object, field: str) -> Duration:
    try:
        return parse_duration(value, field=field)  # type: ignore[arg-type]
    except (DurationError, InputTypeError) as error:
        raise PolicyError(str(error), field=error.field, value=error.value) from None


_DURATION_TYPES = (ExactDuration, CalendarDuration, BusinessDays, BusinessHours)


def _first_response(value: object) -> Duration | None:
    return None if value is None else _duration(value, "Rule.first_response")


def _choice(kind: type[_E], value: object, field: str) -> _E:
    """``value`` as a member of ``kind`` (a member or its string value), else a `PolicyError` listing the choices."""
    try:
        return kind(value.value if isinstance(value, kind) else value)
    except ValueError:
        *others, last = (f'"{member.value}"' for member in kind)
        raise PolicyError(f"{field} must be {', '.join(others)} or {last} (got {show(value)})", field=field,
                          value=value) from None  # fmt: skip


def _schedule(value: object) -> Schedule:
    return _choice(Schedule, value, "Rule.schedule")


def _reply_within(value: object) -> Duration | None:
    return None if value is None else _duration(value, "Rule.reply_within")


def _grace(value: object) -> Duration:
    return _duration(value, "Rule.grace")


def _heads_up(value: object) -> Duration:
    return _duration(value, "Rule.heads_up")


def _churn_after(value: object) -> Duration | None:
    return None if value is None else _duration(value, "Rule.churn_after")


def _intervals(value: object) -> tuple[Duration, ...]:
    if isinstance(value, (str, timedelta, *_DURATION_TYPES)):
        value = [value]
    if not isinstance(value, Iterable):
        raise PolicyError(
            f"Rule.intervals must be a duration or a sequence of durations (got {show(value)})",
            field="Rule.intervals",
            value=value,
        )
    return tuple(_duration(item, f"Rule.intervals[{i}]") for i, item in enumerate(value))


def _instance(kind: type, field: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not isinstance(value, kind):
            raise PolicyError(f"{field} must be a {kind.__name__} (got {show(value)})", field=field, value=value)

    return check


def _days_off(value: object) -> DaysOff:
    return _choice(DaysOff, value, "Rule.days_off")


def _is_negative(duration: Duration) -> bool:
    if isinstance(duration, (ExactDuration, BusinessHours)):
        return duration.seconds < 0
    if isinstance(duration, BusinessDays):
        return duration.days < 0
    return duration.months < 0 or duration.days < 0


def _is_zero(duration: Duration) -> bool:
    return duration.bounds() == (0, 0)


@attrs.frozen
class Rule:
    """The cadence for one segment x stage.

    - ``intervals``: the gap after each counted contact; a sequence escalates (``["2d", "5d", "15d"]``: after
      the k-th counted contact since stage entry the next is due ``intervals[min(k, n) - 1]`` later, so the last
      one repeats);
    - ``first_response``: the deadline after stage entry while no contact has counted yet (without one, the
      first interval runs from entry);
    - ``grace``: how long after the due time the follow-up becomes overdue (for day rules, counted from the end
      of the due date);
    - ``heads_up``: how long before the due time the status becomes ``due_soon``;
    - ``churn_after``: silence (since the last counted contact, or creation) after which churn risk is flagged;
    - ``counts``: which contacts reset the clock;
    - ``days_off``: what calendar-day deadlines and grace do with the calendar's days off: ``"count"`` them
      (plain calendar days, the default), ``"skip"`` them (a due date on a day off moves to the next working
      date), or ``"pause"`` on them (``n`` days are ``n`` business days). See `DaysOff`;
    - ``cap``: a frequency `Cap` on outbound attempts (do not harass);
    - ``unanswered``: after so many `Unanswered` attempts in a row, a change of strategy;
    - ``escalation``: an escalation ladder of `Level` values by how long overdue;
    - ``reclaim``: when the customer goes back to the shared pool (`Reclaim`);
    - ``touchpoints``: fixed touches after stage entry (`Touchpoint`), each due on its own;
    - ``reply_within``: the deadline for answering a customer's counted inbound contact (an inquiry), met by a
      counted outbound contact after it (one that reached the customer); while one waits, it is the follow-up;
    - ``schedule``: what the next follow-up is counted from: the last counted contact (``"contact"``, the default)
      or the previous due time (``"fixed"``: a late or early contact does not shift the schedule). See `Schedule`;
    - ``stuck_after``: how long in the stage before the customer is stuck, whatever the contacts (a deal in
      negotiation for 30 days); in hours, days or weeks, counted like a reclaim's ``after``.

    Durations take `Duration` values, strings (``"7d"``, ``"24h"``, ``"P1M"``, ``"3bd"``, ``"4bh"``) or a
    `timedelta` of whole seconds (elapsed time: ``timedelta(days=1)`` is ``hours(24)``). Business durations may be
    deadlines and grace; the heads-up and the churn threshold are counted in plain hours or days, since a reminder
    window and a customer's silence do not stop at weekends.

    >>> Rule.every("7d", heads_up="1d", churn_after="60d")
    Rule(intervals=(days(7),), first_response=None, grace=seconds(0), heads_up=days(1), churn_after=days(60), \
counts=ContactFilter(...), days_off=<DaysOff.COUNT: 'count'>, cap=None, unanswered=None, escalation=(), \
reclaim=None, touchpoints=(), stuck_after=None, reply_within=None, schedule=<Schedule.CONTACT: 'contact'>)
    >>> Rule.every("7d", grace="-1d")
    Traceback (most recent call last):
    ...
    cadence.PolicyError: Rule.grace must be >= 0 (got -1 day)
    """

    # The metadata is the policy-file format of each field (see cadence._policy_schema): read, written and
    # described from here.
    intervals: tuple[Duration, ...] = attrs.field(
        converter=_intervals,
        metadata={
            "file": "durations",
            "one": "interval",
            "doc": "The gap after each counted contact; in a sequence the last one repeats.",
        },
    )
    first_response: Duration | None = attrs.field(
        default=None,
        converter=_first_response,
        metadata={"file": "duration", "doc": "The deadline after stage entry while no contact has counted."},
    )
    grace: Duration = attrs.field(
        default=ExactDuration(0),
        converter=_grace,
        metadata={"file": "duration", "doc": "How long after the due time the follow-up becomes overdue."},
    )
    heads_up: Duration = attrs.field(
        default=ExactDuration(0),
        converter=_heads_up,
        metadata={"file": "duration", "doc": "How long before the due time the status becomes due_soon."},
    )
    churn_after: Duration | None = attrs.field(
        default=None,
        converter=_churn_after,
        metadata={"file": "duration", "doc": "Silence after which churn risk is flagged."},
    )
    counts: ContactFilter = attrs.field(
        default=ContactFilter(),
        validator=_instance(ContactFilter, "Rule.counts"),
        repr=lambda _: "ContactFilter(...)",
        metadata={
            "file": "record",
            "of": ContactFilter,
            "what": "which contacts count",
            "doc": "Which contacts reset the clock.",
        },
    )
    days_off: DaysOff = attrs.field(
        default=DaysOff.COUNT,
        converter=_days_off,
        metadata={"file": "choice", "of": DaysOff, "doc": "What calendar-day deadlines do on days off."},
    )
    cap: Cap | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_instance(Cap, "Rule.cap")),
        metadata={"file": "record", "of": Cap, "doc": "A frequency cap on outbound attempts."},
    )
    unanswered: Unanswered | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_instance(Unanswered, "Rule.unanswered")),
        metadata={"file": "record", "of": Unanswered, "doc": "A change of strategy after unanswered attempts."},
    )
    escalation: tuple[Level, ...] = attrs.field(
        default=(),
        converter=ladder,
        metadata={"file": "records", "of": Level, "doc": "An escalation ladder by how long overdue."},
    )
    reclaim: Reclaim | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_instance(Reclaim, "Rule.reclaim")),
        metadata={"file": "record", "of": Reclaim, "doc": "When the customer goes back to the shared pool."},
    )
    touchpoints: tuple[Touchpoint, ...] = attrs.field(
        default=(),
        converter=touchpoints,
        metadata={"file": "records", "of": Touchpoint, "doc": "Fixed touches after stage entry."},
    )
    stuck_after: Plain | None = attrs.field(
        default=None,
        converter=stuck_after,
        metadata={"file": "duration", "doc": "Time in the stage after which the customer is stuck, despite contacts."},
    )
    reply_within: Duration | None = attrs.field(
        default=None,
        converter=_reply_within,
        metadata={"file": "duration", "doc": "The deadline for answering a customer's inbound contact."},
    )
    schedule: Schedule = attrs.field(
        default=Schedule.CONTACT,
        converter=_schedule,
        metadata={"file": "choice", "of": Schedule, "doc": "What the next follow-up is counted from."},
    )

    def __attrs_post_init__(self) -> None:
        for field in attrs.fields(Rule):
            _check_field("Rule", field.name, getattr(self, field.name))
        if self.days_off is DaysOff.PAUSE:
            for name, value in self._day_counts():
                if isinstance(value, CalendarDuration) and value.months:
                    raise PolicyError(
                        f"Rule.{name}: {value} cannot pause on days off (a month of working days is not defined); "
                        'use days, or days_off="skip"',
                        field=f"Rule.{name}",
                        value=value,
                    )
        # (Not the reply deadline: an inquiry to answer within 4 hours is due soon from the start under a day's
        # heads-up, which is what the heads-up is for.)
        deadlines = [*self.intervals, *([self.first_response] if self.first_response is not None else [])]
        shortest = min(deadlines, key=lambda d: d.bounds()[0])
        if not _is_zero(self.heads_up) and self.heads_up.bounds()[1] >= shortest.bounds()[0]:
            raise PolicyError(
                f"Rule.heads_up ({self.heads_up}) must be shorter than the shortest deadline ({shortest}), "
                "or every follow-up would be due soon right after the previous one",
                field="Rule.heads_up",
                value=self.heads_up,
            )
        if self.churn_after is not None:
            longest = max(deadlines, key=lambda d: d.bounds()[1])
            if self.churn_after.bounds()[0] <= longest.bounds()[1] + self.grace.bounds()[1]:
                raise PolicyError(
                    f"Rule.churn_after ({self.churn_after}) must be longer than the longest deadline plus grace "
                    f"({longest} + {self.grace}), or churn risk would be flagged before the follow-up is overdue",
                    field="Rule.churn_after",
                    value=self.churn_after,
                )

        if self.cap is not None:
            last = self.intervals[-1]
            if self.cap.shortest_cycle_us > last.bounds()[1] * 1_000_000:
                warn(
                    CadenceWarning(
                        f"Rule.cap allows an attempt only every {self.cap.shortest_cycle_us // 3_600_000_000} h at "
                        f"best, so the interval {last} can never be met; a follow-up will wait for the cap (silence "
                        "with warnings.filterwarnings('ignore', category=CadenceWarning) if that is intended)"
                    )
                )

    @classmethod
    def every(cls, interval: Duration | str | timedelta, **fields: Any) -> Rule:
        """A rule with one interval that repeats: ``Rule.every("7d", heads_up="1d")``."""
        return cls(intervals=(interval,), **fields)

    @classmethod
    def sequence(cls, *intervals: Duration | str | timedelta, **fields: Any) -> Rule:
        """An escalating sequence whose last interval repeats: ``Rule.sequence("2d", "5d", "15d")``."""
        return cls(intervals=intervals, **fields)

    @property
    def is_monotone(self) -> bool:
        """True when a later counted contact can never bring the next due time forward.

        That holds when each interval is never shorter than the one before, the first interval is never shorter
        than the first-response deadline (property 4 of docs/semantics.md), and the reply deadline, if any, is
        the same as every deadline (an inbound contact starts it: a shorter one brings the due time forward, by
        design, and a longer one is cut short by the reply). "Never shorter" must hold for every start date, so
        durations of different kinds do not compare (``1d`` after ``24h`` is due sooner when the anchor is late in
        the day), and ``1mo`` after ``30d`` is shorter in February.

        >>> Rule.sequence("2d", "5d", "15d").is_monotone
        True
        >>> Rule.sequence("24h", "1d").is_monotone
        False
        >>> Rule.every("7d", reply_within="4h").is_monotone
        False
        """
        chain = [*([self.first_response] if self.first_response is not None else []), *self.intervals]
        reply = self.reply_within
        if reply is not None and not all(_never_shorter(reply, d) and _never_shorter(d, reply) for d in chain):
            return False  # a reply deadline sooner than an interval, or an interval after a reply sooner than it
        return sequence_monotone(self)

    def _day_counts(self) -> list[tuple[str, Duration]]:
        """The durations ``days_off`` applies to, with their field names."""
        named = [(f"intervals[{i}]", d) for i, d in enumerate(self.intervals)]
        for name in ("first_response", "reply_within"):
            if getattr(self, name) is not None:
                named.append((name, getattr(self, name)))
        return [*named, ("grace", self.grace)]


def _check_field(owner: str, name: str, value: Any) -> None:
    """The checks of one field of a rule on its own (of a `Rule`, or of a `Layer`: ``owner`` names which)."""
    if name == "intervals":
        if not value:
            raise PolicyError(
                f"{owner}.intervals must hold at least one interval", field=f"{owner}.intervals", value=()
            )
        for index, interval in enumerate(value):
            _require_positive(interval, f"{owner}.intervals[{index}]")
    elif name in ("first_response", "reply_within", "churn_after") and value is not None:
        _require_positive(value, f"{owner}.{name}")
    if name in ("grace", "heads_up") and _is_negative(value):
        raise PolicyError(f"{owner}.{name} must be >= 0 (got {value})", field=f"{owner}.{name}", value=value)
    if name in ("heads_up", "churn_after") and value is not None and value.is_business:
        raise PolicyError(
            f"{owner}.{name} is counted in plain time: use hours or days, not business units (got {value})",
            field=f"{owner}.{name}",
            value=value,
        )


def sequence_monotone(rule: Rule) -> bool:
    """`Rule.is_monotone` without the reply deadline: each deadline of the sequence (the first response, then the
    intervals) never shorter than the one before, for every start date."""
    chain = [*([rule.first_response] if rule.first_response is not None else []), *rule.intervals]
    return all(_never_shorter(later, earlier) for earlier, later in itertools.pairwise(chain))


def _never_shorter(later: Duration, earlier: Duration) -> bool:
    if type(later) is not type(earlier):
        return False
    if isinstance(later, BusinessDays):
        return later.days >= earlier.days  # type: ignore[union-attr]
    if isinstance(later, BusinessHours):
        return later.seconds >= earlier.seconds  # type: ignore[union-attr]
    return later == earlier or later.bounds()[0] >= earlier.bounds()[1]


def _require_positive(duration: Duration, field: str) -> None:
    if _is_negative(duration) or _is_zero(duration):
        raise PolicyError(f"{field} must be > 0 (got {duration})", field=field, value=duration)


@attrs.frozen(init=False, repr=False)
class Layer:
    """Some fields of a `Rule`, for a key of a policy's ``layers``: a more specific key that changes only the fields
    it sets (docs/concepts.md, "Layered policies").

    ``Layer(first_response="1d")`` under ``*/lead`` gives every lead a first-response deadline of a day while the
    segment's rule (``A/*``) keeps its interval. The fields are those of `Rule`, with the same values and checks;
    the rule they make with the rule below them is checked when the policy is built. ``settings`` holds them in the
    order of `Rule`'s fields, so two layers that set the same values are equal.

    >>> Layer(grace="1d", first_response="4h")
    Layer(first_response=4 hours, grace=1 day)
    >>> Layer(intervals="3d").settings
    (('intervals', (days(3),)),)
    >>> Layer(interval="3d")
    Traceback (most recent call last):
    ...
    cadence.PolicyError: Layer.interval: a Rule has no such field (did you mean "intervals"?)
    """

    settings: tuple[tuple[str, Any], ...]
    """The fields this layer sets and their values, in the order of `Rule`'s fields."""

    def __init__(self, **fields: Any) -> None:
        self.__attrs_init__(_layer_settings(fields))

    def __repr__(self) -> str:
        return f"Layer({', '.join(f'{name}={_shown_setting(value)}' for name, value in self.settings)})"

    def as_dict(self) -> dict[str, Any]:
        """The settings as a dict, the keyword arguments of `attrs.evolve` on a `Rule`."""
        return dict(self.settings)


def _shown_setting(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


def _layer_settings(fields: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    known = attrs.fields_dict(Rule)
    for name in fields:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"fields: {', '.join(known)}"
            raise PolicyError(f"Layer.{name}: a Rule has no such field ({hint})", field=f"Layer.{name}", value=name)
    if not fields:
        raise PolicyError("a Layer must set at least one field of a Rule", field="Layer", value=fields)
    out = []
    for name, field in known.items():
        if name not in fields:
            continue
        value = fields[name]
        if value is None:
            raise PolicyError(
                f"Layer.{name}: a layer sets values, and None is no value (give the key a Rule to leave {name} unset)",
                field=f"Layer.{name}",
                value=value,
            )
        try:
            if field.converter is not None:
                value = field.converter(value)  # type: ignore[operator]
            if field.validator is not None:
                field.validator(None, field, value)
            _check_field("Rule", name, value)
        except PolicyError as error:
            message = str(error)
            if message.startswith("Rule."):
                message = "Layer." + message.removeprefix("Rule.")
            where = None if error.field is None else error.field.replace("Rule.", "Layer.", 1)
            raise PolicyError(message, field=where, value=error.value) from None
        out.append((name, value))
    return tuple(out)
