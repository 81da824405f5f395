"""The command line: ``cadence demo``, ``check``, ``presets``, ``lint`` and ``sample``.

Exit status: 0 when all went well, 1 when ``lint`` has warnings, 2 for bad input (the message says what and where;
never a traceback), 130 when interrupted.

An ``--output`` file (and the files of ``sample``) is written to a temporary file beside it and renamed over it only
when the command succeeded: a failed or interrupted run leaves an existing file as it was. Text from the input files
(ids, owners) is shown on a terminal with its control characters escaped.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import attrs
import pendulum

from cadence import mappings, policy_files, presets, sample
from cadence._assessment import Assessment, Status
from cadence._backtest import report
from cadence._calculator import ACTIONABLE, assess_many
from cadence._errors import CadenceError, CadenceWarning, PolicyFileError, show
from cadence._lint import Severity, lint
from cadence._model import Customer, Deferral, Event, Hold
from cadence._policy import Policy, policy_dates
from cadence._time import get_zone, instant_us
from cadence._transitions import TransitionKind, transitions_many
from cadence.csv_files import (
    RowError,
    assessment_cells,
    decode_lines,
    hold_rows,
    parse_instant,
    read_changes,
    read_contacts,
    read_customers,
    read_holds,
    read_tables,
    write_rows,
)

_ORDER = sorted(Status, reverse=True)


def _contact_count(histories: Iterable[Iterable[object]]) -> int:
    """How many contacts the histories hold (deferrals are events, not contacts)."""
    return sum(not isinstance(event, Deferral) for history in histories for event in history)


class _Row:
    """One customer's answer as the command line reports it, from an `Assessment` or from a row of the table of
    `cadence.frames` (the same text either way). What every report needs is held; the cells (ISO texts of
    instants) and the reason are asked of the ``source`` when a report shows them."""

    __slots__ = ("_made", "index", "key", "owner", "segment", "source", "status")

    def __init__(
        self, status: Status, segment: str, owner: str | None, key: tuple[Any, ...], source: _Source, index: int
    ) -> None:
        self.status, self.segment, self.owner, self.key, self.source, self.index = (
            status, segment, owner, key, source, index
        )  # fmt: skip
        self._made: tuple[dict[str, str], str, int] | None = None

    def _cells(self) -> tuple[dict[str, str], str, int]:
        if self._made is None:
            self._made = self.source.cells(self.index)
        return self._made

    @property
    def cells(self) -> dict[str, str]:
        """The cells of `csv_files.ASSESSMENT_COLUMNS` but the reason."""
        return self._cells()[0]

    @property
    def due_date(self) -> str:
        """The local due date, ``YYYY-MM-DD`` (``-`` for none)."""
        return self._cells()[1]

    @property
    def silent_days(self) -> int:
        """Whole days of silence."""
        return self._cells()[2]

    @property
    def reason(self) -> str:
        return self.source.reason(self.index)

    def with_reason(self) -> dict[str, str]:
        return {**self.cells, "reason": self.reason}


class _Source:
    """Where rows come from: the cells and the reason of row ``index``."""

    def cells(self, index: int) -> tuple[dict[str, str], str, int]:
        raise NotImplementedError

    def reason(self, index: int) -> str:
        raise NotImplementedError


class _Assessed(_Source):
    """Rows from assessments."""

    def __init__(self, results: Sequence[Assessment], stamp: str) -> None:
        self.results, self.stamp = results, stamp

    def rows(self) -> list[_Row]:
        return [
            _Row(r.status, r.customer.segment, r.owner, r.urgency_key(), self, i) for i, r in enumerate(self.results)
        ]

    def cells(self, index: int) -> tuple[dict[str, str], str, int]:
        item = self.results[index]
        due = item.due_at
        due_date = f"{due.year:04d}-{due.month:02d}-{due.day:02d}" if due else "-"
        return assessment_cells(item, self.stamp), due_date, item.silence.days

    def reason(self, index: int) -> str:
        return self.results[index].reason


def _ordered(rows: Iterable[_Row], statuses: Collection[Status]) -> list[_Row]:
    """The rows of these statuses, most urgent first (the order of `worklist`)."""
    return sorted((row for row in rows if row.status in statuses), key=lambda row: row.key)


def _summary(policy: Policy, results: Sequence[_Row]) -> list[str]:
    segments = [s.id for s in sorted(policy.segments, key=lambda s: s.rank)]
    width = max(8, *(len(s) + 1 for s in segments))
    counts = Counter((r.status, r.segment) for r in results)
    lines = [f"{'status':<11}" + "".join(f"{s:>{width}}" for s in segments) + f"{'total':>8}"]
    for status in _ORDER:
        row = [counts[status, s] for s in segments]
        lines.append(f"{status.value:<11}" + "".join(f"{n:>{width},}" for n in row) + f"{sum(row):>8,}")
    return lines


def _by_owner(results: Sequence[_Row]) -> list[str]:
    counts = Counter((r.owner or "-", r.status) for r in results)
    owners = sorted({r.owner or "-" for r in results})
    shown = (Status.CHURN_RISK, Status.OVERDUE, Status.DUE, Status.DUE_SOON)
    lines = [f"{'owner':<11}" + "".join(f"{s.value:>11}" for s in shown)]
    for owner in owners:
        lines.append(_fit(_shown(owner), 11) + "".join(f"{counts[owner, s]:>11,}" for s in shown))
    return lines


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _width(text: str) -> int:
    """How many terminal columns ``text`` takes: two for each wide character (Chinese, Japanese, Korean)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _fit(text: str, width: int, limit: int | None = None) -> str:
    """``text`` cut to ``limit`` terminal columns (if given) and padded with spaces to ``width`` of them."""
    while limit is not None and _width(text) > limit:
        text = text[:-1]
    return text + " " * max(width - _width(text), 0)


def _shown(text: str, keep_newlines: bool = False) -> str:
    """``text`` with its control characters escaped (``\\x1b``), so that input data cannot drive the terminal."""
    return _CONTROL.sub(lambda m: m[0] if keep_newlines and m[0] == "\n" else repr(m[0])[1:-1], text)


def _worklist_lines(ordered: Sequence[_Row], limit: int) -> list[str]:
    """The first ``limit`` rows of a worklist, and why the first one is there."""
    chosen = ordered[:limit]
    lines = [f"{'customer':<9}{'segment':<9}{'stage':<12}{'owner':<7}{'status':<11}{'due':<11}{'silent':>8}"]
    for item in chosen:
        cells = item.cells
        lines.append(
            _fit(_shown(cells["customer_id"]), 9, 8)
            + _fit(_shown(cells["segment"]), 9, 8)
            + _fit(_shown(cells["stage"]), 12, 11)
            + _fit(_shown(cells["owner"] or "-"), 7, 6)
            + f"{item.status.value:<11}{item.due_date:<11}{item.silent_days:>7}d"
        )
    if chosen:
        why = _shown(f"why {chosen[0].cells['customer_id']}: {chosen[0].reason}")
        lines += ["", *textwrap.wrap(why, 80, subsequent_indent="  ")]
    return lines


def demo(preset: str, timezone: str, customers: int, seed: int, top: int) -> str:
    """The demo's report: counts by status and segment, by owner, and the top of the worklist."""
    policy = presets.load(preset, calendar=timezone)
    data = sample.generate(policy, customers=customers, seed=seed)
    results = assess_many(policy, data.customers, data.contacts, as_of=data.as_of)
    contacts = _contact_count(data.contacts.values())
    as_of = results[0].as_of.in_tz(timezone).format("YYYY-MM-DD HH:mm Z") if results else "-"
    header = [
        f'cadence demo: preset "{preset}" in {timezone}, sample CRM (seed {seed})',
        f"{customers:,} customers, {contacts:,} contacts, assessed as of {as_of}",
        "",
    ]
    rows = _Assessed(results, "").rows()
    urgent = _ordered(rows, ACTIONABLE)
    work = _worklist_lines(urgent, top)
    shown = min(top, len(urgent))
    return "\n".join(
        [
            *header,
            *_summary(policy, rows),
            "",
            *_by_owner(rows),
            "",
            f"worklist, most urgent first (top {shown}):",
            *work,
        ]
    )


_MAX_SHOWN = 50  # bad rows listed before "... and N more"
_CHUNK = 20_000  # customers assessed between progress updates


def _policy(spec: str, timezone: str | None) -> Policy:
    """A policy file (``.toml``/``.json``) or a preset name; ``timezone`` supplies or replaces the calendar."""
    if spec in presets.names():
        if timezone is None:
            raise CadenceError(
                f"--timezone is required with the preset {show(spec)}: which local dates does your team count?"
            )
        return presets.load(spec, calendar=timezone)
    path = Path(spec)
    if path.suffix.lower() not in (".toml", ".json"):
        raise CadenceError(
            f"--policy {show(spec)} is neither a policy file (.toml, .json) nor a preset ({', '.join(presets.names())})"
        )
    return policy_files.load(path, calendar=timezone)


def _instant(text: str, option: str = "--as-of") -> pendulum.DateTime:
    try:
        value = parse_instant(text)
        instant_us(value, "the instant")  # in the supported range
    except ValueError as error:
        raise CadenceError(f"{option}: {error}") from None
    return pendulum.instance(value)


@contextmanager
def _progress(label: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; None (silence) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

    with tqdm(total=total, desc=label, unit=" rows", file=sys.stderr, mininterval=0.5, leave=False) as bar:
        yield bar


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as error:
        raise CadenceError(f"cannot read {path}: {error.strerror}") from None


class _Output:
    """An output file replaced only on success: written to a temporary file in the same folder, then renamed over
    the target by `commit`; closed without a commit, the temporary file is removed and the target left as it was.
    """

    def __init__(self, path: str, inputs: Sequence[str], binary: bool = False) -> None:
        target = Path(path)
        for source in inputs:
            if _same_file(target, Path(source)):
                raise CadenceError(f"--output {path} is also an input file: it would be overwritten")
        folder = target.parent
        try:
            handle, self._temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as error:
            raise CadenceError(f"cannot write to {folder}: {error.strerror}") from None
        self._target = target
        self.stream: IO[Any] = (
            os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")
        )

    def commit(self) -> None:
        """Replace the target with what was written, keeping the target's permissions if it existed."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        try:
            mode = self._target.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(self._temporary, mode)
        os.replace(self._temporary, self._target)

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.stream.closed:
            self.stream.close()
        if os.path.exists(self._temporary):
            os.unlink(self._temporary)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _report_bad_rows(errors: list[RowError], skip: bool, command: str = "check") -> bool:
    """Tell about bad rows on stderr; True when the run must stop."""
    if not errors:
        return False
    if skip:
        print(
            f"cadence {command}: skipped {len(errors):,} bad row{'s' * (len(errors) != 1)} (--skip-bad)",
            file=sys.stderr,
        )
        return False
    for error in errors[:_MAX_SHOWN]:
        print(_shown(str(error)), file=sys.stderr)
    if len(errors) > _MAX_SHOWN:
        print(f"... and {len(errors) - _MAX_SHOWN:,} more", file=sys.stderr)
    print(
        f"cadence {command}: {len(errors):,} bad row{'s' * (len(errors) != 1)}; fix them or pass --skip-bad",
        file=sys.stderr,
    )
    return True


def _assess_all(policy: Policy, customers: Sequence[Customer], contacts: Any, as_of: pendulum.DateTime) -> list[Any]:
    """Assess in chunks (a progress bar on a terminal); an error names the customer it came from."""
    results: list[Assessment] = []
    with _progress("assess", total=len(customers)) as bar:
        for start in range(0, len(customers), _CHUNK):
            chunk = customers[start : start + _CHUNK]
            try:
                results.extend(assess_many(policy, chunk, contacts, as_of=as_of))
            except CadenceError:
                for customer in chunk:  # find the customer, and say which one it was
                    try:
                        assess_many(policy, [customer], contacts, as_of=as_of)
                    except CadenceError as error:
                        raise CadenceError(f"customer {show(customer.id)}: {error}") from None
                raise
            if bar is not None:
                bar.update(len(chunk))
    return results


def check(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence check``: assess the customers of CSV files under a policy file or preset."""
    policy = _policy(args.policy, args.timezone)
    as_of = _instant(args.as_of) if args.as_of is not None else pendulum.now("UTC")
    source = "given" if args.as_of is not None else "now"
    stamp = as_of.in_tz(policy.timezone).isoformat()
    owners = set(args.owner) if args.owner else None
    statuses = {Status(s) for s in args.status} if args.status else None

    def wanted(owner: str | None, status: Status) -> bool:
        return (owners is None or owner in owners) and (statuses is None or status in statuses)

    mapping = _mapping(args)
    found = None if args.format == "ics" or mapping is not None else _check_columns(args, policy, as_of, stamp)
    if found is not None:
        rows, customer_count, contact_count, skipped = found
    else:
        errors: list[RowError] = []
        customers, contacts = _read_rows(args, policy, mapping, errors, not_after=as_of)
        customers = _with_holds(args, customers, errors)
        if _report_bad_rows(errors, args.skip_bad):
            return 2
        results = _assess_all(policy, customers, contacts, as_of)
        if args.format == "ics":
            return _ics(args, policy, as_of, [r for r in results if wanted(r.owner, r.status)])
        rows = _Assessed(results, stamp).rows()
        customer_count, contact_count, skipped = len(customers), _contact_count(contacts.values()), len(errors)
    chosen = [row for row in rows if wanted(row.owner, row.status)]
    if args.format == "csv":
        write_rows(out, (row.with_reason() for row in _ordered(chosen, set(Status))))
    elif args.format == "json":
        document = {
            "as_of": stamp,
            "as_of_source": source,
            "policy": policy.name,
            "customers": customer_count,
            "contacts": contact_count,
            "skipped_rows": skipped,
            "counts": {status.value: sum(r.status is status for r in chosen) for status in _ORDER},
            "assessments": [
                {k: v for k, v in row.with_reason().items() if k != "as_of"} for row in _ordered(chosen, set(Status))
            ],
        }
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        urgent = _ordered(chosen, statuses or ACTIONABLE)
        lines = [
            f'cadence check: policy "{policy.name}", {customer_count:,} customers, {contact_count:,} contacts',
            f"as of {stamp} ({'--as-of' if source == 'given' else 'now: pass --as-of to fix the instant'})",
            "",
            *_summary(policy, chosen),
            "",
            *_by_owner(chosen),
            "",
            f"worklist, most urgent first (top {min(args.top, len(urgent))} of {len(urgent):,}):",
            *_worklist_lines(urgent, args.top),
        ]
        out.write("\n".join(lines) + "\n")
    return 0


def _ics(args: argparse.Namespace, policy: Policy, as_of: pendulum.DateTime, chosen: list[Assessment]) -> int:
    from cadence.ics import to_ics

    window = policy.calendar.add(as_of, args.window)
    sys.stdout.flush()
    data = to_ics(chosen, start=as_of, end=window)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        with _Output(args.output, _inputs(args), binary=True) as output:
            output.stream.write(data)
            output.commit()
    return 0


def _check_columns(
    args: argparse.Namespace, policy: Policy, as_of: pendulum.DateTime, stamp: str
) -> tuple[list[_Row], int, int, int] | None:
    """The rows of ``cadence check`` read and assessed column-wise (`read_tables`, `cadence.frames`); None when
    the frames extra is not installed or a file has a bad row or a form only the row reader reads (the row
    reader then reads the files, and reports the bad rows with their file, line and column)."""
    try:
        from cadence import frames
    except ImportError:
        return None
    with _progress("customers and contacts, column-wise") as bar:
        tables = read_tables(args.customers, args.contacts, args.encoding, policy_dates(policy))
        if tables is None:
            return None
        if bar is not None:
            bar.update(len(tables.customers) + tables.contact_rows)
    holds = None
    if args.holds:
        errors: list[RowError] = []
        with _open(args.holds) as stream:
            found = hold_rows(decode_lines(stream, args.encoding), args.holds, set(tables.customers["id"].to_pylist()),
                              errors)  # fmt: skip
        if errors:
            return None
        holds = _holds_table(found)
    reasons = args.format in ("csv", "json")
    with _progress("assess", total=len(tables.customers)) as bar:
        table = frames.assess(
            policy, tables.customers, tables.contacts, deferrals=tables.deferrals, holds=holds, as_of=as_of,
            errors="collect", reasons=reasons,
        )  # fmt: skip
        if bar is not None:
            bar.update(len(tables.customers))
    if table["error"].null_count != len(table):
        return None  # a bad row: the row reader says which, as it always has
    source = _Tabled(frames, policy, tables, holds, table, as_of, stamp, reasons)
    return source.rows(), len(tables.customers), tables.contact_rows, 0


def _holds_table(found: dict[str, list[tuple[int, Hold]]]) -> Any:
    """The holds read from holds.csv as the holds table of `cadence.frames` (a pyarrow Table)."""
    import pyarrow as pa

    rows = [(customer_id, hold) for customer_id, holds in found.items() for _, hold in holds]

    def instants(values: list[datetime | None]) -> Any:
        micros = [None if value is None else instant_us(value, "instant") for value in values]
        return pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC"))

    ids = pa.array([customer_id for customer_id, _ in rows], pa.string())
    return pa.table({"customer_id": ids, "start": instants([h.start for _, h in rows]),
                     "end": instants([h.end for _, h in rows])})  # fmt: skip


def _with_holds(args: argparse.Namespace, customers: list[Customer], errors: list[RowError]) -> list[Customer]:
    """``customers`` with the holds of ``--holds``, if given; bad rows go to ``errors``."""
    if not args.holds:
        return customers
    rejected = {error.key for error in errors if error.key is not None}
    with _open(args.holds) as stream:
        return read_holds(decode_lines(stream, args.encoding), args.holds, customers, errors, rejected)


class _Tabled(_Source):
    """Rows from the table of `cadence.frames`."""

    def __init__(
        self,
        frames: Any,
        policy: Policy,
        tables: Any,
        holds: Any,
        table: Any,
        as_of: pendulum.DateTime,
        stamp: str,
        reasons: bool,
    ) -> None:
        self.frames, self.policy, self.tables, self.holds, self.as_of, self.stamp = (
            frames, policy, tables, holds, as_of, stamp
        )  # fmt: skip
        names = ("customer_id", "owner", "segment", "stage", "status", "rule", "timezone", "segment_rank", "due_date")
        self.columns = {name: table[name].to_pylist() for name in names}
        self.instants = {name: table[name].cast("int64").to_pylist()
                         for name in ("due_at", "overdue_at", "churn_risk_at", "last_contact_at")}  # fmt: skip
        self.seconds = table["silence_seconds"].to_pylist()
        self.texts = table["reason"].to_pylist() if reasons else None
        self.zones = {key: get_zone(key, "timezone") for key in set(self.columns["timezone"])}

    def rows(self) -> list[_Row]:
        as_of = instant_us(self.as_of, "as_of")
        statuses = {status.value: (status, -status.urgency) for status in Status}
        columns, instants = self.columns, self.instants
        rows = []
        for i, (ident, text, segment, owner, rank, due, overdue) in enumerate(
            zip(columns["customer_id"], columns["status"], columns["segment"], columns["owner"],
                columns["segment_rank"], instants["due_at"], instants["overdue_at"], strict=True)
        ):  # fmt: skip
            status, urgency = statuses[text]
            behind = 0 if overdue is None or as_of < overdue else as_of - overdue
            rows.append(_Row(status, segment, owner, (urgency, rank, -behind, due or 0, ident), self, i))
        return rows

    def cells(self, index: int) -> tuple[dict[str, str], str, int]:
        columns = self.columns
        zone = self.zones[columns["timezone"][index]]
        cells = {
            "as_of": self.stamp, "customer_id": columns["customer_id"][index], "owner": columns["owner"][index] or "",
            "segment": columns["segment"][index], "stage": columns["stage"][index],
            "status": columns["status"][index],
            **{name: "" if at[index] is None else zone.iso(at[index]) for name, at in self.instants.items()},
            "rule": columns["rule"][index] or "",
        }  # fmt: skip
        day = columns["due_date"][index]
        return cells, "-" if day is None else str(day), round(self.seconds[index] * 1e6) // 86_400_000_000

    def reason(self, index: int) -> str:
        """The reason of a row: from the table when it has them, else asked of `cadence.frames` for that
        customer alone (the table report shows one)."""
        if self.texts is not None:
            text: str = self.texts[index]
            return text
        import pyarrow.compute as pc

        tables = self.tables
        one = tables.customers.slice(index, 1)

        def theirs(table: Any) -> Any:
            return None if table is None else table.filter(pc.equal(table["customer_id"], one["id"][0]))

        table = self.frames.assess(
            self.policy, one, theirs(tables.contacts), deferrals=theirs(tables.deferrals), holds=theirs(self.holds),
            as_of=self.as_of, reasons=True,
        )  # fmt: skip
        text = table["reason"][0].as_py()
        return text


def _mapping(args: argparse.Namespace) -> mappings.Mapping | None:
    """The import mapping of ``--mapping`` (a file or a built-in name), if any."""
    return None if getattr(args, "mapping", None) is None else mappings.load(args.mapping)


def _read_rows(
    args: argparse.Namespace,
    policy: Policy,
    mapping: mappings.Mapping | None,
    errors: list[RowError],
    not_after: pendulum.DateTime | None = None,
) -> tuple[list[Customer], dict[str, list[Event]]]:
    """The customers and contacts of ``--customers`` and ``--contacts``, row by row (through ``mapping``, if
    any); bad rows go to ``errors``."""
    if mapping is not None:
        if policy_dates(policy):
            raise CadenceError(
                f"the policy's touchpoints count from customers' dates ({', '.join(policy_dates(policy))}), which "
                "an import mapping does not read yet: give cadence's own customers.csv, with a column per date"
            )
        customers = mappings.read_customers(
            args.customers, mapping, policy, errors, encoding=args.encoding, not_after=not_after
        )
        rejected = {error.key for error in errors if error.key is not None}
        known = {c.id for c in customers}
        contacts = mappings.read_contacts(
            args.contacts, mapping, known, errors, encoding=args.encoding, rejected=rejected
        )
        return customers, contacts
    with _open(args.customers) as stream, _progress("customers") as bar:
        customers = read_customers(
            decode_lines(stream, args.encoding), args.customers, policy, errors, bar, not_after=not_after
        )
    with _open(args.contacts) as stream, _progress("contacts") as bar:
        rejected = {error.key for error in errors if error.key is not None}
        known = {c.id for c in customers}
        contacts = read_contacts(decode_lines(stream, args.encoding), args.contacts, known, errors, bar, rejected)
    return customers, contacts


def _period_inputs(
    args: argparse.Namespace,
) -> tuple[Policy, pendulum.DateTime, pendulum.DateTime, list[Customer], dict[str, list[Event]]] | None:
    """The policy, the period, the customers (with their changes, given ``--changes``) and contacts of a command
    over a period; None when bad rows stop it (they are on stderr)."""
    policy = _policy(args.policy, args.timezone)
    since, until = _instant(args.since, "--since"), _instant(args.until, "--until")
    if until < since:
        raise CadenceError(f"--until ({args.until}) is before --since ({args.since})")
    errors: list[RowError] = []
    customers, contacts = _read_rows(args, policy, _mapping(args), errors)
    if args.changes:
        rejected = {error.key for error in errors if error.key is not None}
        with _open(args.changes) as stream:
            lines = decode_lines(stream, args.encoding)
            customers = read_changes(lines, args.changes, policy, customers, errors, rejected)
    customers = _with_holds(args, customers, errors)
    if _report_bad_rows(errors, args.skip_bad, args.command):
        return None
    return policy, since, until, customers, contacts


def _cell(value: object) -> str:
    """A report cell as text: dates and instants in ISO 8601, rates as fractions."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _write_table(out: IO[str], rows: Sequence[Mapping[str, object]], columns: Sequence[str], fmt: str) -> None:
    """Rows as CSV, JSON (a list of objects), or an aligned text table."""
    cells = [{column: _cell(row[column]) for column in columns} for row in rows]
    if fmt == "csv":
        write_rows(out, cells, columns)
    elif fmt == "json":
        json.dump(
            [{column: _json_value(row[column]) for column in columns} for row in rows],
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    else:
        widths = {column: max([_width(column), *(_width(_shown(c[column])) for c in cells)]) for column in columns}
        out.write("  ".join(_fit(column, widths[column]) for column in columns).rstrip() + "\n")
        for cell in cells:
            out.write("  ".join(_fit(_shown(cell[column]), widths[column]) for column in columns).rstrip() + "\n")


def _json_value(value: object) -> object:
    return value if value is None or isinstance(value, (bool, int, float)) else _cell(value)


REPORT_COLUMNS = (
    "follow_ups",
    "on_time",
    "late",
    "missed",
    "open",
    "withdrawn",
    "overdue",
    "completion_rate",
    "on_time_rate",
    "median_late_hours",
    "contacts",
)


def report_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence report``: the report-cycle table of a past period (follow-ups due, done on time, late, missed)."""
    found = _period_inputs(args)
    if found is None:
        return 2
    policy, since, until, customers, contacts = found
    by = args.by or ["owner"]
    rows = report(policy, customers, contacts, since=since, until=until, period=args.period, by=by)
    for row in rows:  # working time, in hours
        late = row.pop("median_late_by")
        row["median_late_hours"] = None if late is None else round(late / timedelta(hours=1), 2)
    if args.format == "table":
        out.write(
            f'cadence report: policy "{policy.name}", follow-ups due from {since.isoformat()} to {until.isoformat()}, '
            f"per {args.period} ({policy.timezone})\n\n"
        )
    _write_table(out, rows, ["cycle", *by, *REPORT_COLUMNS], args.format)
    return 0


ALERT_COLUMNS = ("at", "customer_id", "kind", "detail", "owner", "segment", "stage", "key")


def alerts_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence alerts``: every crossing into due soon, due, overdue, churn risk, escalation ... in a period."""
    found = _period_inputs(args)
    if found is None:
        return 2
    policy, since, until, customers, contacts = found
    wanted = set(args.kind) if args.kind else None
    rows = [
        attrs.asdict(transition, recurse=False)
        for transition in transitions_many(policy, customers, contacts, since=since, until=until)
        if wanted is None or transition.kind.value in wanted
    ]
    _write_table(out, rows, ALERT_COLUMNS, args.format)
    return 0


def inspect_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence inspect``: propose an import mapping for an export (see `cadence.mappings.propose`)."""
    out.write(mappings.propose(args.file, encoding=args.encoding, rows=args.rows))
    return 0


def presets_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence presets``: list the presets, or show one as TOML."""
    if args.name:
        out.write(presets.text(args.name))
        return 0
    for name in presets.names():
        first = presets.text(name).splitlines()[0]
        out.write(f"{name:<19}{first.split(': ', 1)[-1]}\n")
    return 0


def lint_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence lint``: print the findings for a policy file or preset; 1 when there are warnings."""
    policy = _policy(args.policy, args.timezone or ("UTC" if args.policy in presets.names() else None))
    findings = lint(policy)
    for finding in findings:
        out.write(f"{finding}\n")
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    out.write(f"{args.policy}: {warnings} warning{'s' * (warnings != 1)}, {len(findings) - warnings} info\n")
    return 1 if warnings else 0


def sample_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``cadence sample``: write the sample CRM as customers.csv and contacts.csv, to try ``cadence check`` on."""
    policy = presets.load(args.preset, calendar=args.timezone)
    data = sample.generate(policy, customers=args.customers, seed=args.seed)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    with _Output(str(folder / "customers.csv"), ()) as output:
        writer = csv.writer(output.stream, lineterminator="\n")
        writer.writerow(["id", "segment", "stage", "stage_entered_at", "created_at", "timezone", "owner"])
        for c in data.customers:
            at = (c.stage_entered_at.isoformat(), c.created_at.isoformat())
            writer.writerow([c.id, c.segment, c.stage, *at, c.timezone or "", c.owner or ""])
        output.commit()
    count = 0
    with _Output(str(folder / "contacts.csv"), ()) as output:
        writer = csv.writer(output.stream, lineterminator="\n")
        writer.writerow(["customer_id", "at", "channel", "direction", "outcome", "by", "until"])
        for customer_id, history in data.contacts.items():
            for event in history:
                if isinstance(event, Deferral):
                    writer.writerow(
                        [customer_id, event.at.isoformat(), "", "", "", event.by or "", event.until.isoformat()]
                    )
                    continue
                writer.writerow(
                    [customer_id, event.at.isoformat(), event.channel.value, event.direction.value,
                     event.outcome.value, event.by or "", ""]
                )  # fmt: skip
                count += 1
        output.commit()
    with _Output(str(folder / "changes.csv"), ()) as output:
        writer = csv.writer(output.stream, lineterminator="\n")
        writer.writerow(["customer_id", "at", "stage", "segment", "owner"])
        for c in data.customers:
            for change in c.changes:
                writer.writerow([c.id, change.at.isoformat(), change.stage or "", change.segment or "",
                                 change.owner or ""])  # fmt: skip
        output.commit()
    out.write(
        f"wrote {len(data.customers):,} customers, {count:,} contacts and their changes to {folder}/ (sample as of "
        f"{data.as_of.isoformat()}: pass --as-of {data.as_of.isoformat()} to cadence check)\n"
    )
    return 0


_HOLDS_HELP = "holds.csv: when customers' follow-ups waited on them, which stops the deadline clock (cadence.csv_files)"
_MAPPING_HELP = (
    "read your CRM's own export through an import mapping: a .toml file, or a built-in one "
    f"({', '.join(mappings.presets())}); cadence inspect FILE proposes one"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cadence", description="Follow-up cadences: due, overdue, churn risk.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("demo", help="assess the built-in sample CRM with a preset and print the worklist")
    run.add_argument("--preset", default="abc", help=f"one of: {', '.join(presets.names())} (default: abc)")
    run.add_argument("--timezone", default="Europe/Berlin", help="IANA zone of the team (default: Europe/Berlin)")
    run.add_argument("--customers", type=int, default=2_000, help="customers to generate (default: 2000)")
    run.add_argument("--seed", type=int, default=2026, help="seed of the sample generator (default: 2026)")
    run.add_argument("--top", type=int, default=15, help="worklist rows to show (default: 15)")

    run = commands.add_parser("check", help="assess the customers and contacts of CSV files")
    run.add_argument("--policy", required=True, help="a policy file (.toml or .json) or a preset name")
    run.add_argument("--customers", required=True, help="customers.csv (see cadence.csv_files for the columns)")
    run.add_argument("--contacts", required=True, help="contacts.csv")
    run.add_argument("--holds", help=_HOLDS_HELP)
    run.add_argument("--timezone", help="IANA zone: required with a preset; replaces a policy file's calendar")
    run.add_argument("--as-of", help="the instant to assess at, with a UTC offset (default: now)")
    run.add_argument("--format", choices=["table", "csv", "json", "ics"], default="table")
    run.add_argument("--owner", action="append", help="keep this owner's customers (repeatable)")
    run.add_argument(
        "--status", action="append", choices=[s.value for s in Status], help="keep this status (repeatable)"
    )
    run.add_argument("--top", type=int, default=20, help="worklist rows in the table (default: 20)")
    run.add_argument(
        "--window", default="14d", help="ics: follow-ups due within this long after --as-of (default: 14d)"
    )
    run.add_argument("--skip-bad", action="store_true", help="skip bad rows (counted on stderr) instead of stopping")
    run.add_argument(
        "--encoding", help="the CSV files' encoding, such as cp1252 or gb18030 (default: UTF-8, or UTF-16 by its BOM)"
    )
    run.add_argument("--output", default="-", help="write here instead of standard output (replaced on success)")
    run.add_argument("--mapping", help=_MAPPING_HELP)

    for name, text in (
        ("report", "the report-cycle table of a past period: follow-ups due, done on time, late, missed"),
        ("alerts", "every crossing into due soon, due, overdue, churn risk, escalation ... in a period"),
    ):
        run = commands.add_parser(name, help=text)
        run.add_argument("--policy", required=True, help="a policy file (.toml or .json) or a preset name")
        run.add_argument("--customers", required=True, help="customers.csv (see cadence.csv_files for the columns)")
        run.add_argument("--contacts", required=True, help="contacts.csv")
        run.add_argument("--changes", help="changes.csv: past stages, tiers and owners (see cadence.csv_files)")
        run.add_argument("--holds", help=_HOLDS_HELP)
        run.add_argument("--timezone", help="IANA zone: required with a preset; replaces a policy file's calendar")
        run.add_argument("--since", required=True, help="the start of the period (included), with a UTC offset")
        run.add_argument("--until", required=True, help="the end of the period (excluded), with a UTC offset")
        run.add_argument("--format", choices=["table", "csv", "json"], default="table")
        run.add_argument(
            "--skip-bad", action="store_true", help="skip bad rows (counted on stderr) instead of stopping"
        )
        run.add_argument("--encoding", help="the CSV files' encoding (default: UTF-8, or UTF-16 by its BOM)")
        run.add_argument("--output", default="-", help="write here instead of standard output (replaced on success)")
        run.add_argument("--mapping", help=_MAPPING_HELP)
        if name == "report":
            run.add_argument("--period", choices=["day", "week", "month"], default="week", help="the report cycle")
            run.add_argument(
                "--by",
                action="append",
                choices=["segment", "stage", "owner"],
                help="group by (repeatable; default: owner)",
            )
        else:
            run.add_argument(
                "--kind", action="append", choices=[k.value for k in TransitionKind], help="keep this kind (repeatable)"
            )

    run = commands.add_parser("inspect", help="propose an import mapping (TOML) for your CRM's own export")
    run.add_argument("file", help="the export: a CSV file (UTF-8, UTF-16, GB18030 ...) or an .xlsx workbook")
    run.add_argument(
        "--encoding", help="the CSV file's encoding (default: by its byte-order mark, else UTF-8 or GB18030)"
    )
    run.add_argument("--rows", type=int, default=500, help="rows to read for the proposal (default: 500)")
    run.add_argument("--output", default="-", help="write the mapping here (replaced on success)")

    run = commands.add_parser("presets", help="list the built-in presets, or show one as TOML")
    run.add_argument("name", nargs="?", choices=presets.names(), help="the preset to show")

    run = commands.add_parser("lint", help="report settings of a policy that are legal but probably wrong")
    run.add_argument("policy", help="a policy file (.toml or .json) or a preset name")
    run.add_argument("--timezone", help="IANA zone for a file without a calendar")

    run = commands.add_parser("sample", help="write the sample CRM as CSV files for cadence check, report and alerts")
    run.add_argument("--out", required=True, help="the folder to write customers, contacts and changes.csv to")
    run.add_argument("--customers", type=int, default=2_000, help="customers to generate (default: 2000)")
    run.add_argument("--seed", type=int, default=2026, help="seed of the generator (default: 2026)")
    run.add_argument("--preset", default="abc", help="the preset whose segments and rhythms to use (default: abc)")
    run.add_argument("--timezone", default="Europe/Berlin", help="IANA zone (default: Europe/Berlin)")
    return parser


def _inputs(args: argparse.Namespace) -> list[str]:
    """The files a command reads, which its output must not replace."""
    names = ("customers", "contacts", "policy", "changes", "holds", "file", "mapping")
    return [path for path in (getattr(args, name, None) for name in names) if path]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    # Arrow's own allocator keeps what it frees for later; reading files column-wise frees much once: give it back
    # to the system (unless the user chose a pool). Read when pyarrow is first imported, so set before that.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command in ("demo", "sample") and args.customers < 1:
        parser.error("--customers must be at least 1")
    if args.command in ("demo", "check") and args.top < 0:
        parser.error("--top must be at least 0")
    if args.command == "inspect" and args.rows < 1:
        parser.error("--rows must be at least 1")
    commands: dict[str, Callable[[argparse.Namespace, IO[str]], int]] = {
        "check": check,
        "report": report_command,
        "inspect": inspect_command,
        "alerts": alerts_command,
        "presets": presets_command,
        "lint": lint_command,
        "sample": sample_command,
    }
    try:
        if args.command == "demo":
            print(demo(args.preset, args.timezone, args.customers, args.seed, args.top))
            return 0
        output = getattr(args, "output", "-")
        if output == "-" or getattr(args, "format", None) == "ics":
            return commands[args.command](args, sys.stdout)
        with _Output(output, _inputs(args)) as target:
            status = commands[args.command](args, target.stream)
            if status == 0:
                target.commit()
            return status
    except BrokenPipeError:  # the reader went away (cadence check ... | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except PolicyFileError as error:
        print(_shown(f"cadence: {error}", keep_newlines=True), file=sys.stderr)
        return 2
    except (CadenceError, CadenceWarning, OSError) as error:  # a warning raised as an error (-W error) too
        print(_shown(f"cadence: error: {error}", keep_newlines=True), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cadence: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
