"""Assess customers held in tables: pandas or polars DataFrames, pyarrow Tables (through narwhals).

`assess` takes a customers table and a contacts table (and, if any, a deferrals table) and returns a table of the
same library with one row per customer, in the customers' order: the fields of `Assessment.to_dict`, with
instants as UTC timestamps. Inside, the tables become integer arrays (numpy) and the columnar engine assesses
every customer at once; what it has no vectorized form for goes through the scalar pipeline, so every column
equals what `cadence.assess` gives for that customer (see docs/frames.md for which rules are vectorized).

Install the extra: ``pip install "cadence[frames]"`` (numpy and narwhals; pandas, polars or pyarrow as you use).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

try:
    import narwhals.stable.v2 as nw
    import numpy as np
except ImportError as missing:  # pragma: no cover - the extra is installed for the tests
    raise ImportError(
        f'cadence.frames needs numpy and narwhals ({missing}): install them with pip install "cadence[frames]"'
    ) from missing

from cadence._assessment import record
from cadence._calculator import assess_at
from cadence._columnar import (
    STATUSES,
    ContactColumns,
    CustomerColumns,
    local_ordinals,
    run,
)
from cadence._errors import CadenceError, InputError, InputTypeError, TableError, show
from cadence._history import NONE
from cadence._model import Channel, Contact, Customer, Deferral, Direction, Event, Outcome, contact_code, to_enum
from cadence._policy import Policy, compiled_rules, policy_zone, segment_ranks
from cadence._rulebook import TouchpointState, TouchpointStatus
from cadence._time import EPOCH_ORDINAL, MAX_US, MIN_US, US, Zone, get_zone, instant_us

__all__ = ["COLUMNS", "assess"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

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
_FLOATS = frozenset({"silence_seconds", "overdue_by_seconds", "risk_score"})
_BOOLS = frozenset({"contact_allowed", "reclaimed"})

_CUSTOMER_FIELDS = ("id", "segment", "stage", "stage_entered_at", "created_at")
_CUSTOMER_OPTIONAL = ("timezone", "owner", "do_not_contact", "do_not_contact_until", "claimed_at")
_CONTACT_FIELDS = ("customer_id", "at", "channel")
_CONTACT_OPTIONAL = ("direction", "outcome", "by")
_DEFERRAL_FIELDS = ("customer_id", "at", "until")
# The enums of a contact code, by code.
_KINDS = {contact_code(c, d, o): (c, d, o) for c in Channel for d in Direction for o in Outcome}


def assess(
    policy: Policy,
    customers: Any,
    contacts: Any = None,
    *,
    as_of: datetime,
    deferrals: Any = None,
    errors: Literal["raise", "collect"] = "raise",
    reasons: bool = False,
) -> Any:
    """Assess every customer of the ``customers`` table at ``as_of`` from the ``contacts`` (and ``deferrals``)
    tables; returns a table of the customers' library with the `COLUMNS`, one row per customer, in order.

    ``customers`` has the fields of `Customer` as columns (``id``, ``segment``, ``stage``, ``stage_entered_at``,
    ``created_at``; optionally ``timezone``, ``owner``, ``do_not_contact``, ``do_not_contact_until``,
    ``claimed_at``); ``contacts`` has ``customer_id``, ``at``, ``channel`` (optionally ``direction``, ``outcome``,
    ``by``); ``deferrals`` has ``customer_id``, ``at``, ``until`` (optionally ``by``). Instants are timestamp
    columns with a time zone: naive ones are refused, as `Customer` refuses naive datetimes. Ids may be strings,
    integers or categoricals, but ``customer_id`` must be of the same kind as ``id``; contacts of customers not in
    the table are ignored. Extra columns are ignored.

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
    if not isinstance(policy, Policy):
        raise InputTypeError(f"policy must be a Policy (got {show(policy)})")
    if errors not in ("raise", "collect"):
        raise InputError(f'errors must be "raise" or "collect" (got {show(errors)})')
    as_of_us = instant_us(as_of, "as_of")
    reader = _Reader(policy, errors == "collect")
    people = reader.customers(_frame(customers, "customers"))
    table = _frame(contacts, "contacts") if contacts is not None else None
    reader.contacts(table, people)
    if deferrals is not None:
        reader.deferrals(_frame(deferrals, "deferrals"), people)
    return reader.assess(people, as_of_us, reasons, nw.get_native_namespace(_frame(customers, "customers")))


def _frame(table: Any, name: str) -> Any:
    try:
        return nw.from_native(table, eager_only=True)
    except TypeError:
        raise InputTypeError(
            f"{name} must be a table (a pandas or polars DataFrame, a pyarrow Table; got {show(type(table))})"
        ) from None


class _People:
    """The customers as read: the user's values per row (for the scalar path and the output) and the arrays."""

    def __init__(self, frame: Any) -> None:
        self.count = len(frame)
        self.values: dict[str, list[Any]] = {}
        self.problems: dict[int, CadenceError] = {}  # row -> the error that row gives (errors="collect")
        self.events: dict[int, list[Event]] = {}  # row -> events, for the rows assessed by the scalar path
        self.scalar = np.zeros(self.count, dtype=bool)
        self.ids: list[Any] = []


class _Reader:
    def __init__(self, policy: Policy, collect: bool) -> None:
        self.policy = policy
        self.collect = collect
        self.zones: list[Zone] = [policy_zone(policy)]
        self.zone_index: dict[str | None, int] = {None: 0}

    # --- reading

    def _fail(self, people: _People, row: int, error: TableError) -> None:
        if not self.collect:
            raise error
        people.problems.setdefault(row, error)
        people.scalar[row] = True

    def customers(self, frame: Any) -> _People:
        people = _People(frame)
        _require(frame, "customers", _CUSTOMER_FIELDS)
        values = people.values
        for name in (*_CUSTOMER_FIELDS, *_CUSTOMER_OPTIONAL):
            if name in frame.columns:
                values[name] = frame[name].to_list()
        people.ids = values["id"]
        self.id_kind = _id_kind(frame["id"], "customers", "id")
        n = people.count
        entry, entry_null = _instants(frame, "customers", "stage_entered_at")
        created, created_null = _instants(frame, "customers", "created_at")
        suspect = entry_null | created_null | (entry < created)
        for name in ("do_not_contact_until", "claimed_at"):
            if name in frame.columns:
                _, null = _instants(frame, "customers", name)
                suspect |= ~null  # rare: the scalar path reads them
        if "do_not_contact" in frame.columns:
            flags = values["do_not_contact"]
            suspect |= np.array([flag is not False for flag in flags], dtype=bool)
        # The rule of each (segment, stage) pair, the zone of each row: once per distinct value.
        table = compiled_rules(self.policy)
        self.entries: list[Any] = []
        rule_of: dict[tuple[Any, Any], int] = {}
        rule = np.empty(n, dtype=np.int64)
        for row, pair in enumerate(zip(values["segment"], values["stage"], strict=True)):
            index = rule_of.get(pair)
            if index is None:
                index = rule_of[pair] = self._rule_index(table, pair)
            rule[row] = index
        suspect |= rule == -2
        zone = np.zeros(n, dtype=np.int64)
        if "timezone" in values:
            for row, key in enumerate(values["timezone"]):
                index = self.zone_index.get(key)
                if index is None:
                    index = self._zone(key)
                zone[row] = index
            suspect |= zone < 0
        ids = people.ids
        seen: dict[Any, int] = {}
        for row, key in enumerate(ids):
            if key is None or (isinstance(key, float) and key != key):
                suspect[row] = True
            elif key in seen:
                error = InputError(
                    f"Customer.id {show(key)} is given twice (rows {seen[key]} and {row})",
                    field="Customer.id",
                    value=key,
                )
                self._fail(people, row, TableError("customers", row, "id", error))
            else:
                seen[key] = row
        self.row_of = seen
        people.scalar |= suspect
        # Rows the vectorized checks doubt: the scalar constructor says what is wrong, if anything.
        for doubted in np.flatnonzero(suspect).tolist():
            try:
                self._customer(people, doubted)
            except CadenceError as error:
                self._fail(people, doubted, TableError("customers", doubted, _column(error, "id"), error))
        people_columns = CustomerColumns(
            np.where(entry_null, 0, entry), np.where(created_null, 0, created), np.where(rule < 0, -1, rule), zone,
            people.scalar,
        )  # fmt: skip
        self.columns = people_columns
        return people

    def _rule_index(self, table: dict[tuple[str, str], Any], pair: tuple[Any, Any]) -> int:
        """The index of the pair's resolved rule in `entries`; -1 for a terminal stage, -2 for a pair the scalar
        path must judge (unknown segment or stage, not strings)."""
        resolved = table.get(pair)
        if resolved is None:
            segment, stage = pair
            known = segment in segment_ranks(self.policy) and stage in self.policy.lifecycle
            return -1 if known and isinstance(stage, str) else -2
        self.entries.append(resolved)
        return len(self.entries) - 1

    def _zone(self, key: object) -> int:
        if not isinstance(key, str):
            return -1 if key is not None and key == key else 0  # NaN is pandas' null
        try:
            zone = get_zone(key, "Customer.timezone", InputError)
        except CadenceError:
            return -1
        self.zones.append(zone)
        self.zone_index[key] = len(self.zones) - 1
        return len(self.zones) - 1

    def _customer(self, people: _People, row: int) -> Customer:
        values = people.values
        fields = {name: _null(values[name][row]) for name in (*_CUSTOMER_FIELDS, *_CUSTOMER_OPTIONAL) if name in values}
        key = fields.pop("id")
        if key is not None and not isinstance(key, str):
            key = str(key)
        if "do_not_contact" in fields and fields["do_not_contact"] is None:
            fields["do_not_contact"] = False
        return Customer(key, **fields)

    def contacts(self, frame: Any | None, people: _People) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self.contact_columns = ContactColumns(empty, empty, empty, empty)
        self.by_names: list[str] = []
        if frame is None or not len(frame):
            if frame is not None:
                _require(frame, "contacts", _CONTACT_FIELDS)
            return
        _require(frame, "contacts", _CONTACT_FIELDS)
        self._check_ids(frame, "contacts")
        customer = self._rows_of(frame)
        at, null = _instants(frame, "contacts", "at")
        codes = [_codes(frame, "contacts", name, kind, default) for name, kind, default in
                 (("channel", Channel, None), ("direction", Direction, Direction.OUTBOUND),
                  ("outcome", Outcome, Outcome.OTHER))]  # fmt: skip
        code = np.full(len(at), -1, dtype=np.int64)
        good = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0) & ~null
        # contact_code is linear in the positions of the three enums.
        code[good] = np.array([contact_code(*_KINDS[k]) for k in range(len(_KINDS))])[
            (codes[0][good] * len(Direction) + codes[1][good]) * len(Outcome) + codes[2][good]
        ]
        by_values = frame["by"].to_list() if "by" in frame.columns else None
        by = np.full(len(at), -1, dtype=np.int64)
        if by_values is not None:
            names: dict[Any, int] = {}
            for row, person in enumerate(by_values):
                if _null(person) is not None:
                    if not isinstance(person, str):
                        good[row] = False
                    by[row] = names.setdefault(person, len(names))
            self.by_names = list(names)
        for bad in np.flatnonzero(~good & (customer >= 0)).tolist():  # the scalar constructor says what is wrong
            try:
                _contact(frame, bad)
            except CadenceError as error:
                self._fail(people, int(customer[bad]), TableError("contacts", bad, _column(error, "at"), error))
        keep = good & (customer >= 0)
        self.contact_columns = ContactColumns(customer[keep], at[keep], code[keep], by[keep])

    def deferrals(self, frame: Any, people: _People) -> None:
        _require(frame, "deferrals", _DEFERRAL_FIELDS)
        if not len(frame):
            return
        self._check_ids(frame, "deferrals")
        customer = self._rows_of(frame)
        for row in np.flatnonzero(customer >= 0):
            owner = int(customer[row])
            people.scalar[owner] = True
            fields = {name: _null(frame[name][int(row)]) for name in ("at", "until", "by") if name in frame.columns}
            try:
                event = Deferral(**fields)
            except CadenceError as error:
                self._fail(people, owner, TableError("deferrals", int(row), _column(error, "at"), error))
                continue
            people.events.setdefault(owner, []).append(event)

    def _check_ids(self, frame: Any, table: str) -> None:
        kind = _id_kind(frame["customer_id"], table, "customer_id")
        if kind != self.id_kind:
            raise InputTypeError(
                f"{table}.customer_id holds {kind} ids and customers.id holds {self.id_kind} ids: they would never "
                f"match; convert one of them (for example with .astype(str))"
            )

    def _rows_of(self, frame: Any) -> Any:
        """The customers row of each row's customer_id (-1: not a customer of the table)."""
        row_of = self.row_of
        return np.array([row_of.get(key, -1) for key in frame["customer_id"].to_list()], dtype=np.int64)

    # --- assessing

    def assess(self, people: _People, as_of: int, reasons: bool, namespace: Any) -> Any:
        if reasons:
            people.scalar[:] = True
        columns = self.columns._replace(scalar=people.scalar)
        answers = run(self.entries, self.zones, columns, self.contact_columns, as_of)
        out = _Output(people.count)
        self._vectorized(out, people, answers, as_of)
        scalar_rows = np.flatnonzero(answers.needs_scalar)
        if len(scalar_rows):
            self._scalar(out, people, scalar_rows, as_of, reasons)
        return out.table(namespace, reasons, self.collect)

    def _vectorized(self, out: _Output, people: _People, answers: Any, as_of: int) -> None:
        n = people.count
        values = people.values
        columns = out.columns
        columns["customer_id"] = list(people.ids)
        columns["owner"] = [_null(v) for v in values["owner"]] if "owner" in values else [None] * n
        columns["segment"] = list(values["segment"])
        columns["stage"] = list(values["stage"])
        columns["status"] = np.array([s.value for s in STATUSES], dtype=object)[answers.status]
        rule = self.columns.rule
        keys = np.array([str(m.key) for m, _, _ in self.entries] + [None], dtype=object)
        columns["rule"] = keys[rule]
        columns["anchor_kind"] = np.array(["stage_entry", "counted_contact", None], dtype=object)[answers.anchor_kind]
        columns["step"] = answers.step
        # The deadline that ran: per (rule, step).
        longest = max((len(plans) for _, (_, plans, _, _), _ in self.entries), default=0) + 1
        texts = np.full((len(self.entries) + 1, longest), None, dtype=object)
        for index, (match, _, _) in enumerate(self.entries):
            rule_ = match.rule
            for step in range(len(rule_.intervals) + 1):
                ran = rule_.intervals[step - 1] if step else rule_.first_response or rule_.intervals[0]
                texts[index, step] = ran.short()
        columns["deadline"] = texts[rule, np.minimum(answers.step, longest - 1)]
        ranks = {segment.id: index for index, segment in enumerate(self.policy.segments)}
        columns["segment_rank"] = np.array([ranks.get(s, -1) for s in values["segment"]], dtype=np.int64)
        zone = self.columns.zone
        columns["timezone"] = np.array([z.key for z in self.zones], dtype=object)[np.maximum(zone, 0)]
        columns["as_of"] = np.full(n, as_of, dtype=np.int64)
        columns["anchor_at"] = answers.anchor
        columns["due_soon_at"], columns["due_at"] = answers.due_soon, answers.due
        columns["overdue_at"], columns["churn_risk_at"] = answers.overdue, answers.churn
        columns["last_contact_at"] = answers.last
        due_date = np.full(n, NONE, dtype=np.int64)
        has_due = answers.due != NONE
        for zone_index in np.unique(zone[has_due & ~answers.needs_scalar]):
            rows = np.flatnonzero(has_due & ~answers.needs_scalar & (zone == zone_index))
            due_date[rows] = local_ordinals(self.zones[zone_index], answers.due[rows]) - EPOCH_ORDINAL
        columns["due_date"] = due_date
        columns["silence_seconds"] = (as_of - answers.silent_since) / US
        overdue = answers.overdue
        columns["overdue_by_seconds"] = np.where((overdue != NONE) & (as_of >= overdue), as_of - overdue, 0) / US
        columns["contact_allowed"] = np.ones(n, dtype=bool)
        columns["next_allowed_at"] = np.full(n, as_of, dtype=np.int64)
        columns["unanswered_attempts"] = answers.unanswered
        advice = np.full(n, None, dtype=object)
        action = np.full(n, None, dtype=object)
        active = answers.status != STATUSES.index(STATUSES[0])  # any status but inactive
        for index, (match, _, _) in enumerate(self.entries):
            mine = (rule == index) & active
            then = match.rule.unanswered
            if then is not None:
                advice[mine & (answers.unanswered >= then.after)] = then.then.value
            ladder = match.rule.escalation
            if ladder:
                names = np.array([None, *(level.action for level in ladder)], dtype=object)
                action[mine] = names[answers.escalation_level[mine]]
        columns["recommendation"] = advice
        columns["escalation_level"] = answers.escalation_level
        columns["escalation"] = action
        columns["next_escalation_at"] = answers.next_escalation
        columns["reclaim_at"] = np.full(n, NONE, dtype=np.int64)
        columns["reclaimed"] = np.zeros(n, dtype=bool)
        columns["touchpoints_pending"] = np.zeros(n, dtype=np.int64)
        columns["touchpoints_missed"] = np.zeros(n, dtype=np.int64)
        columns["risk_score"] = answers.risk

    def _scalar(self, out: _Output, people: _People, rows: Any, as_of: int, reasons: bool) -> None:
        """The rows the columnar engine leaves to the scalar pipeline: assessed one by one, as `assess` does."""
        wanted = set(rows.tolist())
        events = people.events
        contacts = self.contact_columns
        names = self.by_names
        for position in np.flatnonzero(np.isin(contacts.customer, rows)).tolist():
            channel, direction, outcome = _KINDS[int(contacts.code[position])]
            person = int(contacts.by[position])
            at = _EPOCH + timedelta(microseconds=int(contacts.at[position]))
            contact = Contact(at, channel, direction, outcome, None if person < 0 else names[person])
            events.setdefault(int(contacts.customer[position]), []).append(contact)
        for row in sorted(wanted):
            if row in people.problems:
                out.fail(row, people.problems[row])
                continue
            try:
                customer = self._customer(people, row)
                result = assess_at(self.policy, customer, tuple(events.get(row, ())), as_of)
            except CadenceError as error:
                if not self.collect:
                    raise TableError("customers", row, _column(error, "id"), error) from None
                out.fail(row, TableError("customers", row, _column(error, "id"), error))
                continue
            fields = record(result, lambda us: NONE if us is None else us, lambda status: status)
            touches: list[TouchpointStatus] = fields.pop("touchpoints")
            fields["touchpoints_pending"] = sum(t.state is TouchpointState.PENDING for t in touches)
            fields["touchpoints_missed"] = sum(t.state is TouchpointState.MISSED for t in touches)
            fields["customer_id"] = people.ids[row]
            due = fields["due_at"]
            zone = result.timezone
            fields["due_date"] = NONE if due == NONE else get_zone(zone, "timezone").local_ordinal(due) - EPOCH_ORDINAL
            if not reasons:
                del fields["reason"]
            del fields["risk_inputs"]
            out.put(row, fields)


class _Output:
    """The result's columns: arrays filled by the columnar engine, then the scalar rows put in place."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.columns: dict[str, Any] = {}
        self.errors: dict[int, str] = {}
        self.reasons: dict[int, str] = {}

    def put(self, row: int, fields: dict[str, Any]) -> None:
        reason = fields.pop("reason", None)
        if reason is not None:
            self.reasons[row] = reason
        for name, value in fields.items():
            self.columns[name][row] = value

    def fail(self, row: int, error: CadenceError) -> None:
        self.errors[row] = str(error)

    def table(self, namespace: Any, reasons: bool, collect: bool) -> Any:
        n = self.count
        data: dict[str, Any] = {}
        failed = np.zeros(n, dtype=bool)
        failed[list(self.errors)] = True
        for name in COLUMNS:
            column = self.columns[name]
            if name in _INSTANTS:
                values = np.where(failed, NONE, np.asarray(column, dtype=np.int64)).view("datetime64[us]")
            elif name == "due_date":
                values = np.where(failed, NONE, np.asarray(column, dtype=np.int64)).view("datetime64[D]")
            elif name in _INTEGERS or name in _FLOATS or name in _BOOLS:
                values = np.asarray(column)
                if failed.any():
                    values = np.where(failed, np.array(None, dtype=object), values.astype(object))
            else:
                values = np.asarray(column, dtype=object)
                if failed.any():
                    values = np.where(failed, np.array(None, dtype=object), values)
            data[name] = values
        if reasons:
            data["reason"] = np.array([self.reasons.get(row) for row in range(n)], dtype=object)
        if collect:
            data["error"] = np.array([self.errors.get(row) for row in range(n)], dtype=object)
        table = nw.from_dict(data, backend=namespace)
        instants = [name for name in COLUMNS if name in _INSTANTS]
        dates = nw.col("due_date").cast(nw.Date)
        return table.with_columns(dates, *(nw.col(name).dt.replace_time_zone("UTC") for name in instants)).to_native()


# --- reading columns


def _require(frame: Any, table: str, names: Sequence[str]) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(
            f"{table} has no column {', '.join(map(repr, missing))} (it has {', '.join(map(repr, frame.columns))})",
            field=f"{table}.{missing[0]}",
        )


def _id_kind(series: Any, table: str, column: str) -> str:
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


def _instants(frame: Any, table: str, column: str) -> tuple[Any, Any]:
    """A timestamp column as int64 microseconds, and its nulls; refuses naive timestamps and other types."""
    series = frame[column]
    dtype = series.dtype
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
    outside = (us < MIN_US) | (us > MAX_US)
    return us, null | outside  # out of range: the scalar path says so, with the field


def _codes(frame: Any, table: str, column: str, kind: Any, default: Any) -> Any:
    """The position of each row's value in ``kind`` (-1: bad, for the scalar path to explain)."""
    members = list(kind)
    if column not in frame.columns:
        return np.full(len(frame), members.index(default), dtype=np.int64)
    series = frame[column]
    if series.dtype != nw.String and series.dtype != nw.Categorical and series.dtype != nw.Object:
        return np.full(len(frame), -1, dtype=np.int64)
    mapping: dict[Any, int] = {}
    for value in series.unique().to_list():
        if _null(value) is None:
            mapping[value] = members.index(default) if default is not None else -1
            continue
        try:
            mapping[value] = members.index(to_enum(kind, value, column))
        except CadenceError:
            mapping[value] = -1
    return np.array([mapping.get(value, -1) for value in series.to_list()], dtype=np.int64)


def _contact(frame: Any, row: int) -> Contact:
    fields = {name: _null(frame[name][row]) for name in (*_CONTACT_FIELDS, *_CONTACT_OPTIONAL) if name in frame.columns}
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
    """The column an error of the scalar path is about: ``Customer.segment`` is column ``segment``."""
    return (error.field or "").rsplit(".", 1)[-1] or default
