"""Assess customers held in tables: pandas or polars DataFrames, pyarrow Tables (through narwhals).

`assess` takes a customers table and a contacts table (and, if any, deferrals and holds tables) and returns a
table of the same library with one row per customer, in the customers' order: the fields of `Assessment.to_dict`,
with instants as UTC timestamps. Inside, the tables become integer arrays (numpy) and the columnar engine assesses
every customer at once; what it has no vectorized form for goes through the scalar pipeline, so every column
equals what `cadence.assess` gives for that customer (see docs/frames.md for which rules are vectorized).

Install the extra: ``pip install "cadence[frames]"`` (numpy, narwhals and pyarrow; pandas or polars as you use).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal, NamedTuple, TypeVar

import attrs

try:
    import narwhals.stable.v2 as nw
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as missing:  # pragma: no cover - the extra is installed for the tests
    raise ImportError(
        f'cadence.frames needs numpy, narwhals and pyarrow ({missing}): install them with pip install "cadence[frames]"'
    ) from missing

from cadence import _backtest, _timeline, _transitions
from cadence._assessment import Assessment, record
from cadence._calculator import assess_at, check_risk
from cadence._columnar import (
    CODES,
    STATUSES,
    Columns,
    ContactColumns,
    CustomerColumns,
    DeferralColumns,
    due_shown,
    local_ordinals,
    run,
    sorted_contacts,
    status_intervals,
    vectorized,
)
from cadence._engine import AnchorKind, Facts, Status, known_answers, step_deadline
from cadence._errors import CadenceError, InputError, InputTypeError, TableError, show
from cadence._explain import reason
from cadence._history import NONE, History
from cadence._model import (
    Change,
    Channel,
    Contact,
    Customer,
    Deferral,
    Direction,
    Event,
    Hold,
    Outcome,
    contact_code,
)
from cadence._policy import Policy, Resolved, compiled_rules, policy_dates, policy_zone, segment_ranks
from cadence._risk import RiskModel, setting
from cadence._rulebook import TouchPlan, TouchpointState, TouchpointStatus, touch_state
from cadence._time import EPOCH_ORDINAL, MAX_US, MIN_US, US, Zone, get_zone, instant_us
from cadence.mappings import CONTACT_FIELDS, CUSTOMER_FIELDS, Mapping

__all__ = [
    "COLUMNS",
    "FOLLOW_UP_COLUMNS",
    "TRANSITION_COLUMNS",
    "assess",
    "backtest",
    "report",
    "timeline",
    "transitions",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_R = TypeVar("_R")

COLUMNS: tuple[str, ...] = (
    "customer_id",
    "owner",
    "segment",
    "stage",
    "status",
    "rule",
    "anchor_kind",
    "step",
    "deadline",
    "segment_rank",
    "timezone",
    "as_of",
    "anchor_at",
    "due_soon_at",
    "due_at",
    "cadence_due_at",
    "due_date",
    "overdue_at",
    "churn_risk_at",
    "last_contact_at",
    "silence_seconds",
    "overdue_by_seconds",
    "contact_allowed",
    "next_allowed_at",
    "unanswered_attempts",
    "recommendation",
    "escalation_level",
    "escalation",
    "next_escalation_at",
    "reclaim_at",
    "reclaimed",
    "stuck_at",
    "stuck",
    "on_hold",
    "hold_started_at",
    "hold_delay_seconds",
    "touchpoints_pending",
    "touchpoints_missed",
    "risk_score",
)
"""The columns of the result, in order (then ``reason`` when asked for, and ``error`` with ``errors="collect"``).
They are the fields of `Assessment.to_dict`, with instants as UTC timestamps, ``due_date`` (the local date of
``due_at``), and the touchpoints as two counts in place of the list (and without ``risk_inputs``)."""

_INSTANTS = frozenset(name for name in COLUMNS if name.endswith("_at") or name == "as_of")
_INTEGERS = frozenset({"step", "segment_rank", "unanswered_attempts", "escalation_level", "touchpoints_pending",
                       "touchpoints_missed"})  # fmt: skip
_FLOATS = frozenset({"silence_seconds", "overdue_by_seconds", "hold_delay_seconds", "risk_score"})
_BOOLS = frozenset({"contact_allowed", "reclaimed", "stuck", "on_hold"})

_INSTANT_FIELDS = frozenset({"stage_entered_at", "created_at", "do_not_contact_until", "claimed_at", "at"})
_CUSTOMER_FIELDS = ("id", "segment", "stage", "stage_entered_at", "created_at")
_CUSTOMER_OPTIONAL = ("timezone", "owner", "do_not_contact", "do_not_contact_until", "claimed_at")
_CONTACT_FIELDS = ("customer_id", "at", "channel")
_CONTACT_OPTIONAL = ("direction", "outcome", "by")
_DEFERRAL_FIELDS = ("customer_id", "at", "until")
_HOLD_FIELDS = ("customer_id", "start", "end")
# The enums of each contact code.
_KINDS = {contact_code(c, d, o): (c, d, o) for c in Channel for d in Direction for o in Outcome}


_EXPORTS: ContextVar[dict[str, dict[str, str]]] = ContextVar("_EXPORTS")  # per table: field -> the export's column


def _export_columns(work: Callable[..., _R]) -> Callable[..., _R]:
    """``work`` (a public function) with the `TableError` of a table read through a mapping naming the export's
    column rather than cadence's field."""

    @functools.wraps(work)
    def named(*args: Any, **kwargs: Any) -> _R:
        token = _EXPORTS.set({})
        try:
            return work(*args, **kwargs)
        except TableError as error:
            column = _EXPORTS.get().get(error.table, {}).get(error.column)
            if column is None or column == error.column:
                raise
            raise TableError(error.table, error.row, column, error.error) from None
        finally:
            _EXPORTS.reset(token)

    return named


@_export_columns
def assess(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    as_of: datetime,
    deferrals: Any = None,
    holds: Any = None,
    errors: Literal["raise", "collect"] = "raise",
    reasons: bool = False,
    mapping: Mapping | None = None,
    risk: RiskModel | None = None,
) -> Any:
    """Assess every customer of the ``customers`` table at ``as_of`` from the ``contacts`` (and ``deferrals`` and
    ``holds``) tables; returns a table of the customers' library with the `COLUMNS`, one row per customer, in order.
    ``risk`` is the risk score's `RiskModel`, as for `cadence.assess`.

    ``customers`` has the fields of `Customer` as columns (``id``, ``segment``, ``stage``, ``stage_entered_at``,
    ``created_at``; optionally ``timezone``, ``owner``, ``do_not_contact``, ``do_not_contact_until``,
    ``claimed_at``); ``contacts`` has ``customer_id``, ``at``, ``channel`` (optionally ``direction``, ``outcome``,
    ``by``); ``deferrals`` has ``customer_id``, ``at``, ``until`` (optionally ``by``); ``holds`` has
    ``customer_id``, ``start``, ``end`` (null while the hold lasts), each row one of `Customer.holds` (a customer
    with holds goes through the scalar pipeline). Instants are timestamp columns with a time zone: naive ones are
    refused, as `Customer` refuses naive datetimes. Ids may be strings, integers or categoricals, but
    ``customer_id`` must be of the same kind as ``id``; contacts of customers not in
    the table are ignored. Extra columns are ignored.

    ``mapping`` (a `cadence.mappings.Mapping`) reads tables as your CRM exports them: its column names, its
    words, its timestamps as text or as wall times in the mapping's zone (each distinct one read once).

    ``errors="raise"`` raises a `TableError` for the first bad row (its table, row and column, with the message
    the scalar path gives); ``errors="collect"`` adds an ``error`` column, leaves that customer's other columns
    empty and assesses everyone else. ``reasons=True`` adds the ``reason`` column, written per customer (about
    ten microseconds each), so it is off by default.

    >>> import pandas as pd, pendulum
    >>> from cadence import presets
    >>> t = pd.Timestamp
    >>> customers = pd.DataFrame({"id": ["c-1", "c-2"], "segment": ["A", "C"], "stage": ["lead", "retention"],
    ...     "stage_entered_at": [t("2026-03-02 09:00", tz="Europe/Berlin"), t("2026-01-05", tz="Europe/Berlin")],
    ...     "created_at": [t("2026-03-02 09:00", tz="Europe/Berlin"), t("2025-06-01", tz="Europe/Berlin")]})
    >>> contacts = pd.DataFrame({"customer_id": ["c-2"], "at": [t("2026-03-02 16:30", tz="Europe/Berlin")],
    ...     "channel": ["call"], "outcome": ["connected"]})
    >>> table = assess(presets.load("abc", calendar="Europe/Berlin"), customers, contacts,
    ...                as_of=pendulum.datetime(2026, 3, 9, 8, tz="Europe/Berlin"))
    >>> table[["customer_id", "status", "due_date", "rule"]]
      customer_id    status   due_date rule
    0         c-1   overdue 2026-03-05  A/*
    1         c-2  on_track 2026-04-02  C/*
    """
    if errors not in ("raise", "collect"):
        raise InputError(f'errors must be "raise" or "collect" (got {show(errors)})')
    check_risk(risk)
    as_of_us = instant_us(as_of, "as_of")
    people, touches, held, _ = _tables(policy, customers, contacts, deferrals, holds, None, mapping)
    # The risk score's prior and window per entry (see `cadence._risk.setting`).
    found = [setting(risk, match.rule, *pair) for (match, _, _), pair in zip(people.entries, people.pairs, strict=True)]
    settings = np.array(
        [(p.contacts, p.days, p.lifetime_days, p.stop_chance, p.stop_weight, window) for _, p, window in found],
        dtype=float,
    )
    answers = run(people.entries, people.zones, people.columns(), touches.columns, held, as_of_us, settings)
    out = _Output(people, answers, as_of_us, risk)
    rows = np.flatnonzero(answers.needs_scalar).tolist()
    if rows:
        _assess_one_by_one(people, touches, rows, as_of_us, out, errors == "collect", reasons)
    if reasons:
        out.explain(answers, np.flatnonzero(~answers.needs_scalar).tolist(), as_of_us)
    return out.table(reasons, errors == "collect")


# --- over time: the tables as cadence objects, the functions of `cadence`, and their answers as a table


class _Read(NamedTuple):
    frame: Any  # the customers table (narwhals), whose library the answer is a table of
    customers: list[Customer]
    histories: dict[str, tuple[Event, ...]]
    ids: dict[str, Any]  # the customers' own ids, by the text id of their `Customer`


def _tables(
    policy: Policy,
    customers: Any,
    contacts: Any,
    deferrals: Any,
    holds: Any,
    changes: Any,
    mapping: Mapping | None,
) -> tuple[_Customers, _Contacts, DeferralColumns, dict[int, list[tuple[int, Change]]]]:
    """The tables read (through ``mapping``, if any): the customers, the contacts, the deferrals, the changes (the
    holds go with their customers: `_Customers.holds`)."""
    if not isinstance(policy, Policy):
        raise InputTypeError(f"policy must be a Policy (got {show(policy)})")
    if mapping is not None and not isinstance(mapping, Mapping):
        raise InputTypeError(f"mapping must be a cadence.mappings.Mapping (got {show(mapping)})")
    people = _Customers(policy, _frame(customers, "customers", mapping))
    touches = _read_contacts(people, None if contacts is None else _frame(contacts, "contacts", mapping))
    held = _read_deferrals(people, None if deferrals is None else _frame(deferrals, "deferrals", mapping))
    _read_holds(people, None if holds is None else _frame(holds, "holds"))
    past = _read_changes(people, None if changes is None else _frame(changes, "changes"))
    return people, touches, held, past


def _read(
    policy: Policy,
    customers: Any,
    contacts: Any,
    deferrals: Any,
    holds: Any,
    changes: Any,
    mapping: Mapping | None,
) -> _Read:
    """The tables as customers (with their changes) and histories; the first bad row raises its `TableError`."""
    people, touches, _, past = _tables(policy, customers, contacts, deferrals, holds, changes, mapping)
    read = _Read(people.frame, [], {}, {})
    own = people.frame["id"].to_list()
    for row, customer, events in _objects(people, touches, list(range(people.count)), past):
        if isinstance(customer, TableError):
            raise customer
        read.customers.append(customer)
        read.histories.setdefault(customer.id, events)  # the first row of an id given twice, as for contacts
        read.ids.setdefault(customer.id, own[row])
    return read


def _read_holds(people: _Customers, frame: Any | None) -> None:
    """The holds table (``customer_id``, ``start``, ``end``; a null ``end`` for a hold still open), by customer
    row, each checked by `Hold` itself: a bad one is its customer's error. A customer with holds goes through the
    scalar pipeline."""
    if frame is None:
        return
    _require(frame, "holds", _HOLD_FIELDS)
    if not len(frame):
        return
    customer = people.rows_of(frame["customer_id"], "holds")
    rows = np.flatnonzero(customer >= 0).tolist()
    names = [name for name in _HOLD_FIELDS if name != "customer_id"]
    for row, values in zip(rows, frame.select(names)[rows].rows(named=True) if rows else [], strict=True):
        owner = int(customer[row])
        people.scalar[owner] = True
        try:
            hold = Hold(**{name: _null(value) for name, value in values.items()})
        except CadenceError as error:
            people.problems.setdefault(owner, TableError("holds", row, _column(error, "start"), error))
            continue
        people.holds.setdefault(owner, []).append((row, hold))


def _read_changes(people: _Customers, frame: Any | None) -> dict[int, list[tuple[int, Change]]]:
    """The changes table (``customer_id``, ``at``, and any of ``stage``, ``segment``, ``owner``), by customer row;
    rows of customers not in the table are ignored, a bad row raises its `TableError`."""
    if frame is None or not len(frame):
        return {}
    _require(frame, "changes", ("customer_id", "at"))
    customer = people.rows_of(frame["customer_id"], "changes")
    names = [name for name in ("at", "stage", "segment", "owner") if name in frame.columns]
    rows = np.flatnonzero(customer >= 0).tolist()
    found: dict[int, list[tuple[int, Change]]] = {}
    for row, values in zip(rows, frame.select(names)[rows].rows(named=True) if rows else [], strict=True):
        try:
            change = Change(**{name: _null(value) for name, value in values.items()})
        except CadenceError as error:
            raise TableError("changes", row, _column(error, "at"), error) from None
        found.setdefault(int(customer[row]), []).append((row, change))
    return found


def _table(like: Any, columns: dict[str, Any], instants: Sequence[str] = (), dates: Sequence[str] = ()) -> Any:
    """A table of ``like``'s library from columns of values; ``instants`` are columns of microseconds (``NONE``:
    null), made UTC timestamps, ``dates`` columns of `date` values."""
    data = {
        name: np.asarray(values, dtype=np.int64).view("datetime64[us]") if name in instants else values
        for name, values in columns.items()
    }
    table = nw.from_dict(data, backend=nw.get_native_namespace(like))
    casts = [nw.col(name).dt.replace_time_zone("UTC") for name in instants]
    casts += [nw.col(name).cast(nw.Date) for name in dates]
    return (table.with_columns(*casts) if casts else table).to_native()


def _us(value: datetime | None) -> int:
    return NONE if value is None else instant_us(value, "instant")


@_export_columns
def timeline(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    at: Sequence[datetime],
    deferrals: Any = None,
    holds: Any = None,
    changes: Any = None,
    mapping: Mapping | None = None,
    by: Sequence[str] = ("segment", "stage", "owner"),
) -> Any:
    """`cadence.timeline` of the customers of tables: how many were in each status at each instant of ``at``, by
    the columns of ``by``, as a table of the customers' library (``at`` a UTC timestamp, then the ``by`` columns,
    then a count per status).

    The tables are those of `assess`, and ``changes`` (optional) has the columns ``customer_id``, ``at`` and any of
    ``stage``, ``segment`` and ``owner``: each row a `Change` of that customer (see `Customer.changes`). The first
    bad row raises its `TableError`. ``mapping`` reads the tables as your CRM exports them, as for `assess`.

    >>> import pandas as pd, pendulum
    >>> from cadence import every, presets
    >>> t = pd.Timestamp
    >>> customers = pd.DataFrame({"id": [1, 2], "segment": ["A", "B"], "stage": ["lead", "lead"],
    ...     "stage_entered_at": [t("2026-03-02", tz="Europe/Berlin")] * 2,
    ...     "created_at": [t("2026-03-02", tz="Europe/Berlin")] * 2})
    >>> days = every("1d", start=pendulum.datetime(2026, 3, 4, 9, tz="Europe/Berlin"),
    ...              end=pendulum.datetime(2026, 3, 7, tz="Europe/Berlin"))
    >>> timeline(presets.load("abc", calendar="Europe/Berlin"), customers, at=days, by=["segment"])[
    ...     ["at", "segment", "on_track", "due_soon", "due", "overdue"]]
                             at segment  on_track  due_soon  due  overdue
    0 2026-03-04 08:00:00+00:00       A         0         1    0        0
    1 2026-03-04 08:00:00+00:00       B         1         0    0        0
    2 2026-03-05 08:00:00+00:00       A         0         0    1        0
    3 2026-03-05 08:00:00+00:00       B         1         0    0        0
    4 2026-03-06 08:00:00+00:00       A         0         0    0        1
    5 2026-03-06 08:00:00+00:00       B         1         0    0        0
    """
    tally = _timeline.Tally(policy, _timeline.instants_of(at), _timeline.group_names(by))
    people, touches, _, past = _tables(policy, customers, contacts, deferrals, holds, changes, mapping)
    if tally.instants:
        rest = _sweep_columns(people, touches, past, tally)
        for row, customer, events in _objects(people, touches, rest, past):
            if isinstance(customer, TableError):
                raise customer
            try:
                tally.add_pairs([(customer, History.of(events))])
            except CadenceError as error:
                raise TableError("customers", row, _column(error, "id"), error) from None
    rows = tally.rows()
    names = ["at", *tally.groups, *(status.value for status in Status)]
    columns: dict[str, Any] = {name: [row[name] for row in rows] for name in names}
    columns["at"] = [_us(value) for value in columns["at"]]
    for status in Status:
        columns[status.value] = np.asarray(columns[status.value], dtype=np.int64)
    return _table(people.frame, columns, instants=["at"])


def _sweep_columns(
    people: _Customers, touches: _Contacts, past: dict[int, list[tuple[int, Change]]], tally: _timeline.Tally
) -> list[int]:
    """Count the customers the columnar sweep can take (`status_intervals`) into ``tally``, straight from the
    columns, and return the other rows, in order: with changes, deferrals, do-not-contact, touchpoints, rules past
    the columnar range, or anything the scalar path must judge."""
    entries, rule = people.entries, people.columns().rule
    usable = np.array([touch is None and vectorized(match.rule) for match, (_, _, _, touch, _), _ in entries] + [True])
    swept = ~people.scalar & usable[np.where(rule >= 0, rule, len(entries))]
    swept[[row for row in people.deferrals if people.deferrals[row]]] = False
    swept[list(past)] = False
    rows = np.flatnonzero(swept)
    if not len(rows):
        return list(range(people.count))
    position = np.full(people.count, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    # The distinct counted contacts of those customers, sorted by customer and instant.
    contacts = touches.columns
    keep = swept[contacts.customer]
    who, at, code, by = sorted_contacts(position[contacts.customer[keep]], *(column[keep] for column in contacts[1:]))
    repeat = np.zeros(len(who), dtype=bool)
    repeat[1:] = (who[1:] == who[:-1]) & (at[1:] == at[:-1]) & (code[1:] == code[:-1]) & (by[1:] == by[:-1])
    masks = np.array([[mask >> c & 1 for c in range(CODES)] for _, (_, _, mask, _, _), _ in entries] + [[0] * CODES])
    mine = people.columns()
    chosen = mine._replace(entry=mine.entry[rows], created=mine.created[rows], rule=mine.rule[rows],
                           zone=mine.zone[rows])  # fmt: skip
    counted = ~repeat & masks[np.where(chosen.rule >= 0, chosen.rule, len(entries))[who], code].astype(bool)
    # The groups of the rows, from the table's own columns.
    frame = people.frame
    values = [
        [_null(value) for value in frame[name].to_list()] if name in frame.columns else [None] * people.count
        for name in tally.groups
    ]
    codes: dict[tuple[Any, ...], int] = {}
    group = np.array([codes.setdefault(key, len(codes)) for key in zip(*values, strict=True)], dtype=np.int64)
    *intervals, failed = status_intervals(entries, people.zones, chosen, who[counted], at[counted], tally.end)
    tally.add_intervals(group[rows], list(codes), tuple(intervals))
    swept[rows[failed]] = False
    rest: list[int] = np.flatnonzero(~swept).tolist()
    return rest


TRANSITION_COLUMNS = ("customer_id", "kind", "at", "detail", "owner", "segment", "stage", "key")


@_export_columns
def transitions(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    since: datetime,
    until: datetime,
    deferrals: Any = None,
    holds: Any = None,
    changes: Any = None,
    mapping: Mapping | None = None,
) -> Any:
    """`cadence.transitions_many` of the customers of tables (see `timeline` for the tables), as a table of the
    customers' library with the `TRANSITION_COLUMNS`, one row per crossing in [``since``, ``until``), in order of
    time: ``customer_id`` is the customers' own id, ``kind`` the `TransitionKind` value, ``at`` a UTC timestamp."""
    read = _read(policy, customers, contacts, deferrals, holds, changes, mapping)
    found = _transitions.transitions_many(policy, read.customers, read.histories, since=since, until=until)
    columns: dict[str, Any] = {
        "customer_id": [read.ids[t.customer_id] for t in found],
        "kind": [t.kind.value for t in found],
        "at": [_us(t.at) for t in found],
        **{name: [getattr(t, name) for t in found] for name in ("detail", "owner", "segment", "stage", "key")},
    }
    return _table(read.frame, columns, instants=["at"])


FOLLOW_UP_COLUMNS = ("customer_id", "owner", "segment", "stage", "rule", "step", "anchor_kind", "anchor_at", "due_at",
                     "fell_due_at", "overdue_at", "completion", "done_at", "late_by_seconds")  # fmt: skip


@_export_columns
def backtest(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    since: datetime,
    until: datetime,
    deferrals: Any = None,
    holds: Any = None,
    changes: Any = None,
    mapping: Mapping | None = None,
) -> Any:
    """`cadence.backtest` of the customers of tables (see `timeline` for the tables), as a table of the customers'
    library with the `FOLLOW_UP_COLUMNS`, one row per follow-up that fell due in [``since``, ``until``): instants
    as UTC timestamps, ``rule`` the key that applied (with its layers: `RuleMatch.label`), ``completion`` the
    `Completion` value, ``late_by_seconds`` the working time past the overdue threshold (0 unless late)."""
    read = _read(policy, customers, contacts, deferrals, holds, changes, mapping)
    found = _backtest.backtest(policy, read.customers, read.histories, since=since, until=until)
    instants = ("anchor_at", "due_at", "fell_due_at", "overdue_at", "done_at")
    columns: dict[str, Any] = {
        "customer_id": [read.ids[f.customer_id] for f in found],
        "owner": [f.owner for f in found],
        "segment": [f.segment for f in found],
        "stage": [f.stage for f in found],
        "rule": [f.rule_key for f in found],
        "step": np.asarray([f.step for f in found], dtype=np.int64),
        "anchor_kind": [f.anchor_kind.value for f in found],
        **{name: [_us(getattr(f, name)) for f in found] for name in instants},
        "completion": [f.completion.value for f in found],
        "done_at": [_us(f.done_at) for f in found],
        "late_by_seconds": np.asarray([f.late_by.total_seconds() for f in found], dtype=np.float64),
    }
    return _table(read.frame, columns, instants=instants)


@_export_columns
def report(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    since: datetime,
    until: datetime,
    period: str = "week",
    by: Sequence[str] = ("owner",),
    deferrals: Any = None,
    holds: Any = None,
    changes: Any = None,
    mapping: Mapping | None = None,
) -> Any:
    """`cadence.report` of the customers of tables (see `timeline` for the tables), as a table of the customers'
    library: ``cycle`` (a date), the ``by`` columns, the counts and rates of `cadence.report`, and
    ``median_late_seconds`` (working time) in place of ``median_late_by``."""
    read = _read(policy, customers, contacts, deferrals, holds, changes, mapping)
    rows = _backtest.report(policy, read.customers, read.histories, since=since, until=until, period=period, by=by)
    counts = ["follow_ups", *(completion.value for completion in _backtest.Completion), "overdue", "contacts"]
    columns: dict[str, Any] = {"cycle": [row["cycle"] for row in rows]}
    columns |= {name: [row[name] for row in rows] for name in by}
    columns |= {name: np.asarray([row[name] for row in rows], dtype=np.int64) for name in counts}
    columns |= {
        name: np.asarray([np.nan if row[name] is None else row[name] for row in rows], dtype=np.float64)
        for name in ("completion_rate", "on_time_rate")
    }
    late = [row["median_late_by"] for row in rows]
    columns["median_late_seconds"] = np.asarray([np.nan if d is None else d.total_seconds() for d in late])
    table = _table(read.frame, columns, dates=["cycle"])
    names = ["completion_rate", "on_time_rate", "median_late_seconds"]
    return nw.from_native(table).with_columns(nw.col(name).fill_nan(None) for name in names).to_native()


def _frame(table: Any, name: str, mapping: Mapping | None = None) -> Any:
    if isinstance(table, pa.Table) and any(_words_differ(column) for column in table.columns):
        table = table.unify_dictionaries()  # chunks of categories with words of their own: one list for all
    try:
        frame = nw.from_native(table, eager_only=True)
    except TypeError:
        raise InputTypeError(
            f"{name} must be a table (a pandas or polars DataFrame, a pyarrow Table; got {show(type(table))})"
        ) from None
    return frame if mapping is None else _through(mapping, frame, name)


def _words_differ(column: Any) -> bool:
    """True for a pyarrow column of categories whose chunks do not all have the same words."""
    if not pa.types.is_dictionary(column.type) or column.num_chunks < 2:
        return False
    first = column.chunks[0].dictionary
    return not all(chunk.dictionary.equals(first) for chunk in column.chunks[1:])


_REQUIRED = {"customers": _CUSTOMER_FIELDS, "contacts": _CONTACT_FIELDS, "deferrals": _DEFERRAL_FIELDS}
_WORDS = frozenset({"channel", "direction", "outcome", "segment", "stage"})


def _through(mapping: Mapping, frame: Any, table: str) -> Any:
    """``frame`` (an export's table) in the columns, words and instants of cadence's tables, as ``mapping`` says:
    each distinct word and timestamp read once by the mapping (see `cadence.mappings`); a bad one raises the
    `TableError` of the first row holding it, naming the export's column."""
    kind = "customers" if table == "customers" else "contacts"
    fields = CUSTOMER_FIELDS if kind == "customers" else CONTACT_FIELDS
    missing = [
        mapping.column(kind, field) for field in _REQUIRED[table] if mapping.column(kind, field) not in frame.columns
    ]
    if missing:
        raise InputError(
            f"{table} has no column {', '.join(map(repr, missing))} (named by the mapping; it has "
            f"{', '.join(map(repr, frame.columns))})",
            field=f"{table}.{missing[0]}",
        )
    columns = {mapping.column(kind, field): field for field in fields if mapping.column(kind, field) in frame.columns}
    frame = frame.rename({column: field for column, field in columns.items() if column != field})
    exports = {field: column for column, field in columns.items()}
    _EXPORTS.get({})[table] = exports
    changed = []
    for field in exports:
        series = frame[field]
        if series.dtype == nw.Categorical:
            series = series.cast(nw.String)
        instants = field in _INSTANT_FIELDS or field == "until"
        if instants and not (series.dtype in (nw.String, nw.Date) or isinstance(series.dtype, nw.Datetime)):
            continue  # no timestamps: the readers say what is wrong with it
        if instants and isinstance(series.dtype, nw.Datetime) and series.dtype.time_zone is not None:
            continue  # instants already
        if not instants and (field not in _WORDS or series.dtype != nw.String):
            continue
        values = [value for value in series.unique().to_list() if value is not None and value == value]
        read: list[Any] = []
        for value in values:
            try:
                if not instants:
                    read.append(mapping.word(field, value))
                elif field == "until" and mapping.date(value) is not None:
                    read.append(mapping.date(value))  # a date: the start of that date in the customer's zone
                else:
                    read.append(mapping.instant(value, field).astimezone(timezone.utc))
            except CadenceError as error:
                position = frame.with_row_index("__row").filter(nw.col(field) == value)["__row"][0]
                raise TableError(table, int(position), exports[field], error) from None
        kinds = {type(value) is date for value in read}
        if len(kinds) > 1:
            mixed = InputError(f"{exports[field]} mixes dates and instants: give one or the other", field=field)
            raise TableError(table, 0, exports[field], mixed)
        target = nw.Date if kinds == {True} else nw.Datetime("us", "UTC") if instants else nw.String
        changed.append(nw.col(field).cast(series.dtype).replace_strict(values, read, return_dtype=target))
    return frame.with_columns(*changed) if changed else frame


class _Customers:
    """The customers table as read: integer columns for the columnar engine, the rows it must leave to the scalar
    pipeline (``scalar``), and what those rows need (errors found while reading, deferrals)."""

    def __init__(self, policy: Policy, frame: Any) -> None:
        _require(frame, "customers", _CUSTOMER_FIELDS)
        self.policy, self.frame = policy, frame
        # The customers' dates that the policy's touchpoints count from, where the table has their columns.
        self.dates = [name for name in policy_dates(policy) if name in frame.columns]
        n = self.count = len(frame)
        self.id_kind = _id_kind(frame["id"], "customers", "id")
        self.problems: dict[int, TableError] = {}  # errors known before assessing, by row
        self.deferrals: dict[int, list[Deferral]] = {}
        self.holds: dict[int, list[tuple[int, Hold]]] = {}  # customer row -> (row in the holds table, hold)
        self.bad_contacts: dict[int, list[int]] = {}  # customer row -> contacts rows the scalar path must explain
        self.entry, entry_null = _instants(frame, "stage_entered_at", "customers")
        self.created, created_null = _instants(frame, "created_at", "customers")
        doubt = entry_null | created_null | (self.entry < self.created) | _nulls(frame, "id") | _empty(frame, "id")
        if "do_not_contact_until" in frame.columns:
            doubt |= ~_instants(frame, "do_not_contact_until", "customers")[1]  # set: the scalar path reads it
        self.claimed = np.full(n, NONE, dtype=np.int64)
        if "claimed_at" in frame.columns:
            claimed, empty = _instants(frame, "claimed_at", "customers")
            doubt |= empty & ~_nulls(frame, "claimed_at")  # out of range: the scalar path says so
            self.claimed = np.where(empty, NONE, claimed)
        # Owners, in the codes that the contacts' `by` gets (`_read_contacts` adds the other names).
        self.names: dict[str, int] = {}
        self.owner = np.full(n, -1, dtype=np.int64)
        if "owner" in frame.columns:
            owners = frame["owner"]
            if owners.dtype == nw.String or owners.dtype == nw.Categorical:
                values = owners.unique().to_list()
                words = [name for name in values if isinstance(name, str) and name]
                self.names = {name: i for i, name in enumerate(words)}
                self.owner = _lookup(owners, self.names, -1)
                doubt |= _empty(frame, "owner")  # "" is no owner: Customer says so
                if _not_text(values):  # categories of other values: the scalar path judges each row
                    doubt |= ~_nulls(frame, "owner")
            else:
                doubt |= ~_nulls(frame, "owner")  # not text: the scalar path says so
        if "do_not_contact" in frame.columns:
            flags = frame["do_not_contact"]
            doubt |= flags.fill_null(False).to_numpy().astype(bool) if flags.dtype == nw.Boolean else True
        # The rule of each (segment, stage) pair and the zone of each row, looked up once per distinct value.
        self.entries: list[Resolved] = []
        self.pairs: list[tuple[str, str]] = []  # the (segment, stage) of each entry
        table, ranks = compiled_rules(policy), segment_ranks(policy)
        index: dict[Any, int] = {}
        texts = _textual(frame, "segment") and _textual(frame, "stage")
        pairs = frame.select("segment", "stage").unique().rows() if texts else []
        for segment, stage in pairs:
            if (segment, stage) in table:
                self.entries.append(table[segment, stage])
                self.pairs.append((segment, stage))
                index[_pair(segment, stage)] = len(self.entries) - 1
            elif segment in ranks and isinstance(stage, str) and stage in policy.lifecycle:
                index[_pair(segment, stage)] = -1  # a terminal stage
        if texts:
            key = nw.concat_str(nw.col("segment").cast(nw.String), nw.lit(_SEP), nw.col("stage").cast(nw.String))
            self.rule = _lookup(frame.select(key.alias("pair"))["pair"], index, -2)
        else:  # not text: every row is the scalar path's to judge
            self.rule = np.full(n, -2, dtype=np.int64)
        doubt |= self.rule == -2  # unknown segment or stage: the scalar path says which
        self.rank = _lookup(frame["segment"], ranks, -1) if texts else np.full(n, -1, dtype=np.int64)
        self.zones: list[Zone] = [policy_zone(policy)]
        self.zone = np.zeros(n, dtype=np.int64)
        if "timezone" in frame.columns and not _textual(frame, "timezone"):
            doubt |= ~_nulls(frame, "timezone")  # not text: the scalar path says so
        elif "timezone" in frame.columns:
            zones: dict[Any, int] = {}
            for name in frame["timezone"].unique().to_list():
                if isinstance(name, str):
                    try:
                        self.zones.append(get_zone(name, "Customer.timezone", InputError))
                        zones[name] = len(self.zones) - 1
                    except CadenceError:
                        zones[name] = -1
            self.zone = _lookup(frame["timezone"], zones, -1)
            self.zone[_nulls(frame, "timezone")] = 0
            doubt |= self.zone < 0
        for name in self.dates:  # a cell the columnar checks cannot vouch for goes to the scalar path, which judges it
            column = frame[name]
            given = ~_nulls(frame, name)
            if not (column.dtype == nw.Date or (column.dtype == nw.Datetime and column.dtype.time_zone is not None)):
                doubt |= given
                continue
            year = nw.col(name).dt.year()
            beyond = (year < 1) | (year > 9999)  # no Python date: an error of its own, the cell dropped
            outside = frame.select(beyond.fill_null(False).alias(name))[name].to_numpy().astype(bool)
            for row in np.flatnonzero(outside).tolist():
                error = InputError(f"Customer.dates[{name!r}] is out of the supported range (years 1 to 9999)",
                                   field=f"Customer.dates[{name!r}]", value=None)  # fmt: skip
                self.problems[row] = TableError("customers", row, name, error)
            if outside.any():
                doubt |= outside
                self.frame = self.frame.with_columns(nw.when(beyond).then(None).otherwise(nw.col(name)).alias(name))
        self.scalar = doubt
        # Ids: the row of each (the first, for an id given twice: the others are errors).
        ids = frame["id"]
        for row in np.flatnonzero(ids.is_duplicated().to_numpy() & ~ids.is_first_distinct().to_numpy()).tolist():
            value = ids[row]
            value = value.item() if isinstance(value, np.generic) else value
            error = InputError(f"Customer.id {show(value)} is given twice", field="Customer.id", value=value)
            self.problems[row] = TableError("customers", row, "id", error)
            self.scalar[row] = True

    def columns(self) -> CustomerColumns:
        return CustomerColumns(self.entry, self.created, np.maximum(self.rule, -1), np.maximum(self.zone, 0),
                               self.scalar, self.owner, self.claimed)  # fmt: skip

    def rows_of(self, ids: Any, table: str) -> Any:
        """The customers row of each id in the ``ids`` column of ``table`` (-1: not a customer of the table)."""
        kind = _id_kind(ids, table, "customer_id")
        if "none" in (kind, self.id_kind):
            return np.full(len(ids), -1, dtype=np.int64)  # no ids on one side: no contact is a customer's
        if kind != self.id_kind:
            raise InputTypeError(
                f"{table}.customer_id holds {kind} ids and customers.id holds {self.id_kind} ids: they would never "
                f"match; convert one of them (for example with .astype(str) in pandas, .cast(pl.String) in polars)"
            )
        nulls = _nulls(ids.to_frame(), ids.name)
        if nulls.any():
            row = int(np.flatnonzero(nulls)[0])
            error = InputError(f"{table}.customer_id is empty", field=f"{table}.customer_id", value=None)
            raise TableError(table, row, "customer_id", error)
        if kind == "integer":
            dense = _dense_rows(self.frame["id"], ids)
            if dense is not None:
                return dense
        rows: Any = _positions(_arrow(ids), _arrow(self.frame["id"]))  # the first row of an id given twice
        return rows

    def customer(self, row: dict[str, Any]) -> Customer:
        """The `Customer` of a row (as `rows` gives it), or the scalar path's error."""
        fields = {name: _null(row[name]) for name in (*_CUSTOMER_FIELDS, *_CUSTOMER_OPTIONAL) if name in row}
        key = fields.pop("id")
        if fields.get("do_not_contact", False) is None:
            fields["do_not_contact"] = False
        dates = {name: _date_cell(_null(row[name])) for name in self.dates}
        fields["dates"] = {name: value for name, value in dates.items() if value is not None}
        return Customer(key if key is None or isinstance(key, str) else str(key), **fields)  # type: ignore[arg-type]

    def rows(self, rows: list[int]) -> list[dict[str, Any]]:
        """The given rows as dicts of Python values (one gather, for the rows of the scalar path)."""
        names = [name for name in (*_CUSTOMER_FIELDS, *_CUSTOMER_OPTIONAL) if name in self.frame.columns]
        names += [name for name in self.dates if name not in names]
        result: list[dict[str, Any]] = self.frame.select(names)[rows].rows(named=True)
        return result


_SEP = "/"  # between segment and stage in a lookup key: no segment or stage id holds one, so keys cannot collide


def _pair(segment: Any, stage: Any) -> str:
    return f"{segment}{_SEP}{stage}"


class _Contacts(NamedTuple):
    columns: ContactColumns
    names: list[str]  # who, by code
    frame: Any


def _read_contacts(people: _Customers, frame: Any | None) -> _Contacts:
    empty = np.zeros(0, dtype=np.int64)
    if frame is None:
        return _Contacts(ContactColumns(empty, empty, empty, empty), [], None)
    _require(frame, "contacts", _CONTACT_FIELDS)
    if not len(frame):
        return _Contacts(ContactColumns(empty, empty, empty, empty), [], frame)
    customer = people.rows_of(frame["customer_id"], "contacts")
    at, bad = _instants(frame, "at", "contacts")
    code = np.zeros(len(at), dtype=np.int64)  # the position of (channel, direction, outcome) in `_CODE_OF`
    for name, kind, default in _CONTACT_KINDS:
        part = _codes(frame, name, kind, default)
        bad |= part < 0
        code *= len(kind)
        code += part
    code = _CODE_OF[code]
    persons = people.names  # the owners' codes first, so that an owner's contacts are found by code
    by = np.full(len(at), -1, dtype=np.int64)
    if "by" in frame.columns:
        column = frame["by"]
        if column.dtype == nw.String or column.dtype == nw.Categorical:
            values = column.unique().to_list()
            for name in values:
                if isinstance(name, str) and name:
                    persons.setdefault(name, len(persons))
            by = _lookup(column, persons, -1)
            bad |= _empty(frame, "by")  # "" is nobody: Contact says so
            if _not_text(values):  # categories of other values: the scalar path judges each row
                bad |= ~_nulls(frame, "by")
        else:
            bad |= ~_nulls(frame, "by")  # not text: the scalar path says so
    names = list(persons)
    for row in np.flatnonzero(bad & (customer >= 0)).tolist():
        owner = int(customer[row])
        people.bad_contacts.setdefault(owner, []).append(row)
        people.scalar[owner] = True
    keep = ~bad & (customer >= 0)
    return _Contacts(ContactColumns(customer[keep], at[keep], code[keep], by[keep]), names, frame)


def _read_deferrals(people: _Customers, frame: Any | None) -> DeferralColumns:
    """The deferrals, checked one by one (they are few) by `Deferral` itself; a bad one is its customer's error."""
    empty = np.zeros(0, dtype=np.int64)
    if frame is None:
        return DeferralColumns(empty, empty, empty, empty, empty)
    _require(frame, "deferrals", _DEFERRAL_FIELDS)
    if not len(frame):
        return DeferralColumns(empty, empty, empty, empty, empty)
    customer = people.rows_of(frame["customer_id"], "deferrals")
    rows = np.flatnonzero(customer >= 0).tolist()
    names = [name for name in ("at", "until", "by") if name in frame.columns]
    read: list[tuple[int, Deferral]] = []
    for row, values in zip(rows, frame.select(names)[rows].rows(named=True) if rows else [], strict=True):
        owner = int(customer[row])
        try:
            event = Deferral(**{name: _null(value) for name, value in values.items()})
        except CadenceError as error:
            people.problems.setdefault(owner, TableError("deferrals", row, _column(error, "at"), error))
            people.scalar[owner] = True
            continue
        people.deferrals.setdefault(owner, []).append(event)  # for a customer of the scalar path
        read.append((owner, event))
    ranks = {name: rank for rank, name in enumerate(sorted({e.by for _, e in read if e.by}), start=1)}

    def column(values: list[int]) -> Any:
        return np.array(values, dtype=np.int64)

    return DeferralColumns(
        column([owner for owner, _ in read]),
        column([instant_us(e.at, "Deferral.at") for _, e in read]),
        column([instant_us(e.until, "Deferral.until") if isinstance(e.until, datetime) else NONE for _, e in read]),
        column([-1 if isinstance(e.until, datetime) else e.until.toordinal() for _, e in read]),
        column([ranks.get(e.by or "", 0) for _, e in read]),
    )


def _assess_one_by_one(
    people: _Customers, touches: _Contacts, rows: list[int], as_of: int, out: _Output, collect: bool, reasons: bool
) -> None:
    """The rows the columnar engine leaves to the scalar pipeline, assessed as `assess` does, in row order (so
    ``errors="raise"`` raises for the first bad row)."""
    for row, customer, events in _objects(people, touches, rows):
        try:
            if isinstance(customer, TableError):
                raise customer
            try:  # the answers read when the row is put may leave the supported range too
                out.put(row, assess_at(people.policy, customer, events, as_of, out.risk), reasons)
            except CadenceError as error:
                raise TableError("customers", row, _column(error, "id"), error) from None
        except TableError as error:
            if not collect:
                raise
            out.fail(row, error)


def _objects(
    people: _Customers, touches: _Contacts, rows: list[int], changes: dict[int, list[tuple[int, Change]]] | None = None
) -> Iterator[tuple[int, Customer | TableError, tuple[Event, ...]]]:
    """The given rows as a `Customer` (with its ``changes``: row in the changes table, change) and its events, in
    row order; a row that cannot be one gives the `TableError` naming the table, row and column at fault."""
    events: dict[int, list[Event]] = {row: list(people.deferrals.get(row, ())) for row in rows}
    contacts = touches.columns
    for position in np.flatnonzero(np.isin(contacts.customer, rows)).tolist():
        channel, direction, outcome = _KINDS[int(contacts.code[position])]
        person = int(contacts.by[position])
        at = _EPOCH + timedelta(microseconds=int(contacts.at[position]))
        contact = Contact(at, channel, direction, outcome, None if person < 0 else touches.names[person])
        events[int(contacts.customer[position])].append(contact)
    for row, values in zip(rows, people.rows(rows), strict=True):
        try:
            problem = people.problems.get(row)
            if problem is not None:
                raise problem
            for bad in people.bad_contacts.get(row, ()):
                try:  # the scalar constructor says what is wrong (and a row it takes is the customer's contact)
                    events[row].append(_contact(touches.frame, bad))
                except CadenceError as error:
                    raise TableError("contacts", bad, _column(error, "at"), error) from None
            try:
                customer = people.customer(values)
            except CadenceError as error:
                raise TableError("customers", row, _column(error, "id"), error) from None
            held = people.holds.get(row)
            if held:
                try:
                    customer = attrs.evolve(customer, holds=[hold for _, hold in held])
                except CadenceError as error:  # overlapping holds: the row of the later one
                    place = next((where for where, hold in held if hold is error.value), held[0][0])
                    raise TableError("holds", place, "start", error) from None
            past = (changes or {}).get(row)
            if past:
                try:
                    customer = attrs.evolve(customer, changes=[change for _, change in past])
                except CadenceError as error:
                    raise TableError("changes", past[0][0], "-", error) from None
        except TableError as error:
            yield row, error, ()
            continue
        yield row, customer, tuple(events[row])


def _touch_states(plan: TouchPlan, windows: Any, as_of: int) -> tuple[TouchpointStatus, ...]:
    """A row's touchpoints as `TouchPlan.states` gives them, from the columnar engine's windows."""
    states = []
    for item, (opens, due, closes, done) in zip(plan.items, windows.tolist(), strict=False):
        completed = None if done == NONE else done
        states.append(TouchpointStatus(item, touch_state(completed, closes, as_of), opens, due, closes, completed))
    return tuple(states)


class _Who(NamedTuple):
    """What the explainer reads of a customer."""

    stage: str
    owner: str | None


class _Output:
    """The result's columns: filled from the columnar engine's answers, then the scalar rows put in place."""

    def __init__(self, people: _Customers, answers: Columns, as_of: int, risk: RiskModel | None) -> None:
        self.people, self.risk = people, risk
        self.errors: dict[int, str] = {}
        self.reasons: dict[int, str] = {}
        n, entries = people.count, people.entries
        rule, zone = np.maximum(people.rule, -1), np.maximum(people.zone, 0)
        columns: dict[str, Any] = {}
        columns["status"] = np.array([s.value for s in STATUSES], dtype=object)[answers.status]
        columns["rule"] = np.array([m.label for m, _, _ in entries] + [None], dtype=object)[rule]
        kinds = np.array(["stage_entry", "counted_contact", "deferral", None], dtype=object)
        columns["anchor_kind"] = kinds[answers.anchor_kind]
        columns["step"] = answers.step
        # The deadline that ran, per (rule, step); none for a terminal stage (the last row).
        longest = max((len(m.rule.intervals) for m, _, _ in entries), default=0) + 1
        texts = np.full((len(entries) + 1, longest), None, dtype=object)
        for index, (match, _, _) in enumerate(entries):
            steps = range(len(match.rule.intervals) + 1)
            texts[index, : len(steps)] = [step_deadline(match.rule, step).short() for step in steps]
        columns["deadline"] = texts[rule, np.minimum(answers.step, longest - 1)]
        columns["segment_rank"] = people.rank
        columns["timezone"] = np.array([z.key for z in people.zones], dtype=object)[zone]
        columns["as_of"] = np.full(n, as_of, dtype=np.int64)
        columns["anchor_at"] = answers.anchor
        due = due_shown(answers, as_of)
        columns["due_soon_at"], columns["due_at"], columns["cadence_due_at"] = answers.due_soon, due, answers.due
        columns["overdue_at"], columns["churn_risk_at"] = answers.overdue, answers.churn
        columns["last_contact_at"] = answers.last
        due_date = np.full(n, NONE, dtype=np.int64)
        dated = (due != NONE) & ~answers.needs_scalar
        for zone_index in np.unique(zone[dated]).tolist():
            rows = np.flatnonzero(dated & (zone == zone_index))
            due_date[rows] = local_ordinals(people.zones[zone_index], due[rows]) - EPOCH_ORDINAL
        columns["due_date"] = due_date
        columns["silence_seconds"] = (as_of - answers.silent_since) / US
        overdue = answers.overdue
        columns["overdue_by_seconds"] = np.where((overdue != NONE) & (as_of >= overdue), as_of - overdue, 0) / US
        allowed = answers.allowed
        capped = allowed != NONE
        columns["contact_allowed"] = ~capped | (allowed <= as_of)
        columns["next_allowed_at"] = np.where(capped & (allowed > as_of), allowed, as_of)
        columns["unanswered_attempts"] = answers.unanswered
        advice = np.full(n, None, dtype=object)
        action = np.full(n, None, dtype=object)
        for index, (match, _, _) in enumerate(entries):
            mine = rule == index
            unanswered = match.rule.unanswered
            if unanswered is not None:
                advice[mine & (answers.unanswered >= unanswered.after)] = unanswered.then.value
            ladder = match.rule.escalation
            if ladder:
                names = np.array([None, *(level.action for level in ladder)], dtype=object)
                action[mine] = names[answers.escalation_level[mine]]
        columns["recommendation"] = advice
        columns["escalation_level"] = answers.escalation_level
        columns["escalation"] = action
        columns["next_escalation_at"] = answers.next_escalation
        columns["reclaim_at"] = answers.reclaim
        columns["reclaimed"] = (answers.reclaim != NONE) & (as_of >= answers.reclaim)
        columns["stuck_at"] = answers.stuck
        columns["stuck"] = (answers.stuck != NONE) & (as_of >= answers.stuck)
        columns["on_hold"] = np.zeros(n, dtype=bool)  # a customer with holds goes through the scalar pipeline
        columns["hold_started_at"] = np.full(n, NONE, dtype=np.int64)
        columns["hold_delay_seconds"] = np.zeros(n, dtype=np.float64)
        _, _, closes, done = (answers.touches[:, :, k] for k in range(4))
        listed, completed = closes != NONE, done != NONE
        columns["touchpoints_pending"] = (listed & ~completed & (as_of < closes)).sum(axis=1).astype(np.int64)
        columns["touchpoints_missed"] = (listed & ~completed & (as_of >= closes)).sum(axis=1).astype(np.int64)
        columns["risk_score"] = answers.risk
        self.columns = columns

    def put(self, row: int, result: Assessment, reasons: bool) -> None:
        """The fields of a scalar assessment into ``row``."""
        fields = record(result, lambda us: NONE if us is None else us, lambda status: status.state, reasons)
        states = fields["touchpoints"]
        fields["touchpoints_pending"] = states.count(TouchpointState.PENDING)
        fields["touchpoints_missed"] = states.count(TouchpointState.MISSED)
        due = fields["due_at"]
        local = NONE if due == NONE else get_zone(fields["timezone"], "timezone").local_ordinal(due) - EPOCH_ORDINAL
        fields["due_date"] = local
        if reasons:
            self.reasons[row] = fields["reason"]
        for name, column in self.columns.items():
            column[row] = fields[name]

    def fail(self, row: int, error: CadenceError) -> None:
        self.errors[row] = str(error)

    def explain(self, answers: Columns, rows: list[int], as_of: int) -> None:
        """The reasons of rows the columnar engine assessed, by the scalar explainer, from facts made of the
        columns (the rulebook's answers given, as the engine found them)."""
        people, policy = self.people, self.people.policy
        given = people.frame.select("stage", nw.col("owner") if "owner" in people.frame.columns else nw.lit(None))
        stages, owners = (given[name].to_list() for name in given.columns)
        kinds = (AnchorKind.STAGE_ENTRY, AnchorKind.COUNTED_CONTACT, AnchorKind.DEFERRAL, None)
        # The columns as Python values, read once (an element of a numpy array costs more than the arithmetic).
        picked = np.array(rows, dtype=np.int64)

        def values(column: Any) -> list[Any]:
            return np.asarray(column)[picked].tolist()  # type: ignore[no-any-return]

        def instants(column: Any) -> list[int | None]:
            return [None if value == NONE else value for value in values(column)]

        rules, kind_codes, steps, ranks, zones = (values(c) for c in (people.rule, answers.anchor_kind, answers.step,
                                                                     people.rank, people.zone))  # fmt: skip
        statuses, silent, levels = (
            values(answers.status),
            values(answers.silent_since),
            values(answers.escalation_level),
        )
        anchors, soon, dues, overdues, churns, lasts, upcoming = (instants(c) for c in (
            answers.anchor, answers.due_soon, answers.due, answers.overdue, answers.churn, answers.last,
            answers.next_escalation))  # fmt: skip
        unanswered = values(answers.unanswered)
        allowed, reclaims, stucks = instants(answers.allowed), instants(answers.reclaim), instants(answers.stuck)
        for i, row in enumerate(rows):
            index = rules[i]
            match, (_, _, mask, touch, _), _ = people.entries[index] if index >= 0 else (None, (0, 0, 0, None, None), 0)
            who: Any = _Who(stages[row], owners[row])  # the explainer reads a customer's stage and owner
            facts = Facts(
                who, STATUSES[statuses[i]], match, kinds[kind_codes[i]], steps[i], ranks[i], people.zones[zones[i]],
                as_of, anchors[i], soon[i], dues[i], overdues[i], churns[i], lasts[i], silent[i], policy, (), mask,
                touch, self.risk, -1, None, 0, None,
            )  # fmt: skip
            ladder = () if match is None else tuple(step.action for step in match.rule.escalation[: levels[i]])
            memo: dict[str, object] = {
                "unanswered": unanswered[i],
                "ladder": (ladder, upcoming[i]),
                "reclaim": reclaims[i],
                "stuck": stucks[i],
                "allowed": allowed[i],
                "touch": () if touch is None else _touch_states(touch, answers.touches[row], as_of),
            }
            self.reasons[row] = reason(known_answers(facts, memo))

    def table(self, reasons: bool, collect: bool) -> Any:
        """The result, as a table of the customers' library: the customers' own id, owner, segment and stage
        columns (their types kept), then the answers."""
        frame = self.people.frame
        n = self.people.count
        failed = np.zeros(n, dtype=bool)
        failed[list(self.errors)] = True
        data: dict[str, Any] = {}
        typed = []  # numbers and flags: kept typed, and null on a failed row (below)
        for name, column in self.columns.items():
            if name in _INSTANTS or name == "due_date":
                values: Any = np.where(failed, NONE, column).view("datetime64[us]" if name != "due_date" else "M8[D]")
            elif np.asarray(column).dtype == object:
                values = np.where(failed, np.array(None, dtype=object), column)
            else:
                values = column
                typed.append(name)
            data[name] = values
        if reasons:
            data["reason"] = np.array([self.reasons.get(row) for row in range(n)], dtype=object)
        if collect:
            data["error"] = np.array([self.errors.get(row) for row in range(n)], dtype=object)
        answers = nw.from_dict(data, backend=nw.get_native_namespace(frame))
        answers = answers.with_columns(
            nw.col("due_date").cast(nw.Date), *(nw.col(name).dt.replace_time_zone("UTC") for name in _INSTANTS)
        )
        if failed.any():
            answered = nw.col("error").is_null()
            answers = answers.with_columns(*(nw.when(answered).then(nw.col(name)).alias(name) for name in typed))
        given = frame.select(
            nw.col("id").alias("customer_id"),
            nw.col("owner") if "owner" in frame.columns else nw.lit(None, nw.String).alias("owner"),
            "segment",
            "stage",
        )
        return nw.concat([given, answers], how="horizontal").select(*self._order(reasons, collect)).to_native()

    @staticmethod
    def _order(reasons: bool, collect: bool) -> list[str]:
        return [*COLUMNS, *(["reason"] if reasons else []), *(["error"] if collect else [])]


# --- reading columns


def _require(frame: Any, table: str, names: Sequence[str]) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(
            f"{table} has no column {', '.join(map(repr, missing))} (it has {', '.join(map(repr, frame.columns))})",
            field=f"{table}.{missing[0]}",
        )


def _id_kind(series: Any, table: str, column: str) -> str:
    """The kind of ids the column holds: "integer" or "string"; "none" for a column without any (empty, or all null: its
    type says nothing, and nothing can fail to match it)."""
    if series.null_count() == len(series):
        return "none"
    dtype = series.dtype
    if dtype.is_integer():
        return "integer"
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        return "string"
    if dtype == nw.Object:  # pandas' strings before pandas 3
        return "string"
    raise InputTypeError(
        f"{table}.{column} must hold strings or integers (got a column of {dtype})", field=f"{table}.{column}"
    )


def _instants(frame: Any, column: str, table: str) -> tuple[Any, Any]:
    """A timestamp column as int64 microseconds, and which rows the scalar path must judge (nulls, instants out
    of the supported range); refuses naive timestamps and columns of other types."""
    series = frame[column]
    dtype = series.dtype
    if series.null_count() == len(series):  # empty, or all null: its type says nothing; each row is judged alone
        return np.zeros(len(series), dtype=np.int64), np.ones(len(series), dtype=bool)
    if dtype != nw.Datetime:
        raise InputTypeError(
            f"{table}.{column} must be a column of timestamps with a time zone (got {dtype})", field=f"{table}.{column}"
        )
    if dtype.time_zone is None:
        raise InputError(
            f"{table}.{column} holds naive timestamps: give them a time zone (for example "
            f".dt.tz_localize('Europe/Berlin') in pandas, .dt.replace_time_zone(...) in polars)",
            field=f"{table}.{column}",
        )
    null = series.is_null().to_numpy().astype(bool)
    us = series.dt.timestamp("us").fill_null(0).to_numpy().astype(np.int64)
    return us, null | (us < MIN_US) | (us > MAX_US)


def _nulls(frame: Any, column: str) -> Any:
    """Which rows of a column are null (None, NaN or NaT)."""
    series = frame[column]
    null = series.is_null()
    if series.dtype.is_float():
        null = null | series.is_nan()
    return null.to_numpy().astype(bool)


def _textual(frame: Any, column: str) -> bool:
    """True for a column of text (strings or categories), whose values can be looked up."""
    dtype = frame[column].dtype
    return bool(dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum)


def _empty(frame: Any, column: str) -> Any:
    """Which rows of a text column hold the empty string (a value the model refuses, unlike a null)."""
    if column not in frame.columns or not _textual(frame, column):
        return np.zeros(len(frame), dtype=bool)
    found: Any = _positions(_arrow(frame[column]), pa.array([""])) == 0  # categories: each word once
    return found


def _not_text(values: list[Any]) -> bool:
    """True when some of a column's distinct values are neither text nor null (categories of numbers, say)."""
    return any(_null(value) is not None and not isinstance(value, str) for value in values)


def _dense_rows(own: Any, ids: Any) -> Any:
    """The row of each integer id of ``ids`` in ``own`` (-1: none; the first row of an id given twice) through one
    array indexed by id, when the ids of ``own`` span fewer values than there are ids to look up (or than four
    per row); None otherwise, for a hash lookup. Integers are compared as int64, as `_positions` compares them."""
    present = ~_nulls(own.to_frame(), own.name)  # a null id is no customer's: none of its contacts match it
    if not present.any():
        return None
    mine = own.fill_null(0).to_numpy().astype(np.int64)
    low, high = int(mine[present].min()), int(mine[present].max())
    if high - low >= max(len(ids), 4 * len(mine) + 1024):
        return None
    by_id = np.full(high - low + 1, len(mine), dtype=np.int64)
    rows = np.flatnonzero(present)
    np.minimum.at(by_id, mine[rows] - low, rows)
    by_id[by_id == len(mine)] = -1
    theirs = ids.to_numpy().astype(np.int64)
    inside = (theirs >= low) & (theirs <= high)
    found = np.full(len(theirs), -1, dtype=np.int64)
    found[inside] = by_id[theirs[inside] - low]
    return found


def _lookup(series: Any, mapping: dict[Any, int], default: int) -> Any:
    """Each value of ``series`` looked up in ``mapping`` (``default`` when absent or null), as an int64 array."""
    if not mapping:
        return np.full(len(series), default, dtype=np.int64)
    values = np.array([*mapping.values(), default], dtype=np.int64)
    return values[_positions(_arrow(series), pa.array(list(mapping)))]


def _arrow(series: Any) -> Any:
    """A column as Arrow, for `_positions`: integers, text, and categories of text as they are; anything else
    (categories of numbers, of nothing or of mixed values, objects) as text, as the scalar path reads ids."""
    dtype = series.dtype
    if dtype.is_integer():
        return series.to_arrow()
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
            values = series.to_arrow()
            kind = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
            if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
                return values
    return series.cast(nw.String).to_arrow()


def _positions(values: Any, choices: Any) -> Any:
    """The position of each of the Arrow ``values`` among the Arrow ``choices`` (the first, for a choice given
    twice; -1 for a null or a value not among them), as an int64 array: one hash lookup by Arrow, once per word
    for a column of categories. Integers are compared as int64."""
    if isinstance(choices, pa.ChunkedArray):
        choices = choices.combine_chunks()
    if pa.types.is_dictionary(choices.type):
        choices = choices.dictionary_decode()
    if isinstance(values, pa.ChunkedArray):
        parts = [_positions(chunk, choices) for chunk in values.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    if pa.types.is_dictionary(values.type):  # categories: each word once, then its rows by their codes
        words = np.append(_positions(values.dictionary, choices), -1)
        return words[pc.fill_null(values.indices.cast(pa.int64()), -1).to_numpy()]
    if pa.types.is_null(values.type):  # a column of nulls only
        return np.full(len(values), -1, dtype=np.int64)
    if pa.types.is_integer(values.type) and pa.types.is_integer(choices.type):
        values, choices = values.cast(pa.int64(), safe=False), choices.cast(pa.int64(), safe=False)
    found = pc.index_in(values, value_set=choices, skip_nulls=True)
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


_CONTACT_KINDS = (("channel", Channel, None), ("direction", Direction, Direction.OUTBOUND),
                  ("outcome", Outcome, Outcome.OTHER))  # fmt: skip
# The contact code of (channel, direction, outcome) by their positions in the enums, and -1 in the last place.
_CODE_OF = np.array([contact_code(c, d, o) for c in Channel for d in Direction for o in Outcome] + [-1], dtype=np.int64)


def _codes(frame: Any, column: str, kind: Any, default: Any) -> Any:
    """The position of each row's value in the enum ``kind`` (-1: bad, for the scalar path to explain); a null
    or an absent column is ``default``."""
    members = list(kind)
    fallback = -1 if default is None else members.index(default)
    if column not in frame.columns:
        return np.full(len(frame), fallback, dtype=np.int64)
    series = frame[column]
    if series.dtype != nw.String and series.dtype != nw.Categorical:
        return np.where(_nulls(frame, column), fallback, -1)
    codes = _lookup(series, {member.value: position for position, member in enumerate(members)}, -1)
    codes[_nulls(frame, column)] = fallback
    return codes


def _contact(frame: Any, row: int) -> Contact:
    """The `Contact` of a row of the contacts table, or the scalar path's error (for the rows found bad)."""
    names = [name for name in (*_CONTACT_FIELDS, *_CONTACT_OPTIONAL) if name in frame.columns]
    fields = {name: _null(value) for name, value in frame.select(names)[[row]].rows(named=True)[0].items()}
    del fields["customer_id"]
    for name in ("direction", "outcome"):
        if name in fields and fields[name] is None:
            del fields[name]
    return Contact(**fields)


def _null(value: Any) -> Any:
    """None for a null as the libraries give it (None, NaN, NaT)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if type(value).__name__ == "Timestamp":  # pandas: a datetime subclass; give the plain datetime
        converted: datetime = value.to_pydatetime()
        return converted
    return value


def _column(error: CadenceError, default: str) -> str:
    """The column an error of the scalar path is about: ``Customer.segment`` is column ``segment``, and
    ``Customer.dates['contract_end']`` column ``contract_end``."""
    field = error.field or ""
    if field.startswith(_DATES) and field.endswith("']"):
        return field[len(_DATES) : -2]
    return field.rsplit(".", 1)[-1] or default


_DATES = "Customer.dates['"


def _date_cell(value: Any) -> Any:
    """A cell of a customer's date column as `Customer.dates` takes it: a date, an aware datetime, a naive one at
    midnight as its date (the way pandas holds dates), ISO 8601 text as a date or an aware datetime; any other
    value as it is, for `Customer` to refuse with the column named."""
    if isinstance(value, datetime) and value.tzinfo is None and value.time() == time(0):
        return value.date()
    if isinstance(value, str):
        for parse in (date.fromisoformat, datetime.fromisoformat):
            with contextlib.suppress(ValueError):
                return parse(value)
    return value
