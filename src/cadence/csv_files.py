"""CSV files of customers, contacts and assessments: what a CRM exports, and what a spreadsheet opens safely.

**customers.csv** columns (a header row first; extra columns are ignored):

- ``id``, ``segment``, ``stage``: required;
- ``stage_entered_at``, ``created_at``: required instants in ISO 8601 with an offset (``2026-03-02T10:00:00+01:00``
  or ``...Z``); a time without an offset is refused, since reading it as UTC is how follow-ups end up a day early;
- ``timezone`` (IANA name) and ``owner``: optional, may be empty;
- ``do_not_contact`` (``true``/``false``, ``1``/``0``, ``yes``/``no``), ``do_not_contact_until`` and ``claimed_at``
  (instants): optional;
- a column for each date the policy's touchpoints count from (`Touchpoint.of`, such as ``contract_end``): a date
  (``2026-06-30``) or an instant, empty when the customer has none (`Customer.dates`); optional.

**contacts.csv** columns:

- ``customer_id``, ``at``: required;
- ``channel``: required (call, email, meeting, visit, message, sms, other);
- ``direction`` (outbound, the default, or inbound), ``outcome`` (connected, replied, sent, no_answer, bounced,
  failed, other: the default) and ``by``: optional;
- ``until``: optional; a row with a date (``2026-04-15``) or an instant here is a `Deferral` the customer asked
  for at ``at`` ("call me then"), and its channel, direction and outcome are left empty.

**holds.csv** columns (optional: the periods in which a customer's follow-up waited on the customer, which stop
the deadline clock; see `Customer.holds`):

- ``customer_id``, ``start``: required;
- ``end``: the instant the hold ended, empty while it lasts.

**changes.csv** columns (optional: a customer's past stages, tiers and owners, for reports over past periods):

- ``customer_id``, ``at``: required;
- ``stage``, ``segment``, ``owner``: the values from ``at`` on, empty when unchanged (see `Customer.changes`: the
  earliest change of a customer names its first stage, and the last ones agree with its row in customers.csv).

A CRM's own export (other column names, local wall times, other words, .xlsx) is read through an import mapping:
see `cadence.mappings`, whose readers give what these give.

Files are read as UTF-8 (with or without a byte-order mark), or UTF-16 with its byte-order mark; another encoding
is named with ``encoding=`` (``cp1252``, ``gb18030``, ...). Every bad row is reported as a `RowError` naming the
file, line and column (a line that is not text in the encoding too); a reader returns the good rows and the errors,
and the caller decides whether to stop or skip. A column named twice in the header is an error, not a guess.

`write_assessments` quotes every cell, so no character in a cell (a quote, a comma, a bare carriage return, a
newline) can end it early, and prefixes with ``'`` every cell, or line within a cell, that a spreadsheet would run
as a formula (one beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return).
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any, NamedTuple, TypeVar

import attrs

from cadence._assessment import Assessment
from cadence._errors import CadenceError, show
from cadence._model import Change, Contact, Customer, Deferral, Event, Hold
from cadence._policy import Policy, policy_dates, segment_ranks, unknown

__all__ = [
    "ASSESSMENT_COLUMNS",
    "RowError",
    "Tables",
    "assessment_cells",
    "assessment_row",
    "decode_lines",
    "neutralize",
    "parse_instant",
    "read_changes",
    "read_contacts",
    "read_customers",
    "read_holds",
    "read_tables",
    "write_assessments",
    "write_rows",
]

_T = TypeVar("_T")

CUSTOMER_COLUMNS = ("id", "segment", "stage", "stage_entered_at", "created_at")
CONTACT_COLUMNS = ("customer_id", "at", "channel")
CHANGE_COLUMNS = ("customer_id", "at")
HOLD_COLUMNS = ("customer_id", "start")
ASSESSMENT_COLUMNS = (
    "as_of",
    "customer_id",
    "owner",
    "segment",
    "stage",
    "status",
    "due_at",
    "overdue_at",
    "churn_risk_at",
    "last_contact_at",
    "rule",
    "reason",
)


@attrs.frozen
class RowError:
    """A bad row: the file, the line (1 is the header), the column, and what is wrong."""

    file: str
    line: int
    column: str
    message: str
    key: str | None = attrs.field(default=None, eq=False, repr=False)  # the row's customer id, when read

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column {self.column}: {self.message}"


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse_instant(text: str) -> datetime:
    """An aware datetime from ISO 8601 text with a UTC offset (``Z`` too); ValueError saying what is wrong."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        raise ValueError(f"{show(text)} is not an ISO 8601 instant (such as 2026-03-02T10:00:00+01:00)") from None
    if value.tzinfo is None:
        raise ValueError(f"{show(text)} has no UTC offset; add one, such as +01:00 or Z")
    return value


def _instant(row: Mapping[str, Any], column: str) -> datetime:
    value = row.get(column)
    if isinstance(value, datetime):  # read by a mapping (`cadence.mappings`)
        return value
    text = (value or "").strip()
    if not text:
        raise _Bad(column, "is empty (an instant such as 2026-03-02T10:00:00+01:00 is required)")
    try:
        return parse_instant(text)
    except ValueError as error:
        raise _Bad(column, str(error)) from None


def _optional_instant(row: Mapping[str, str | None], column: str) -> datetime | None:
    return _instant(row, column) if _optional(row, column) else None


def _optional(row: Mapping[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is not None and not isinstance(value, str):  # an instant or a date read by a mapping
        return str(value)
    text = (value or "").strip()
    return text or None


_FLAGS = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}


def _flag(row: Mapping[str, str | None], column: str) -> bool:
    text = (row.get(column) or "").strip().lower()
    if not text:
        return False
    if text not in _FLAGS:
        raise _Bad(column, f"{show(text)} is not true or false")
    return _FLAGS[text]


def _required(row: Mapping[str, str | None], column: str) -> str:
    text = (row.get(column) or "").strip()
    if not text:
        raise _Bad(column, "is empty")
    return text


_FIELD = re.compile(r"^(?:Customer|Contact|Deferral|Change|Hold)\.(\w+)")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class _Undecodable(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def decode_lines(stream: IO[bytes], encoding: str | None = None) -> Iterator[str]:
    """The lines of a binary stream as text, each with its line ending, for the readers here.

    Without ``encoding``: UTF-16 or UTF-8 by a byte-order mark, else UTF-8. A line that is not text in the
    encoding stops the reading with a bad row naming the line (see `read_customers`). An unknown encoding name is
    a CadenceError.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CadenceError(f"unknown encoding {show(encoding)} (try utf-8, cp1252, gb18030 or utf-16)") from None
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    chosen = encoding or next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")
    if codecs.lookup(chosen).name.startswith("utf-16"):  # not line by line: a newline is two bytes
        text = io.TextIOWrapper(stream, encoding=chosen, newline="")
        line = 0
        try:
            for line, row in enumerate(text, 1):  # noqa: B007 - the line is reported on failure
                yield row
        except UnicodeError as error:  # a decoding error, or UTF-16 without its byte-order mark
            raise _Undecodable(line + 1, f"not {chosen} text ({error})") from None
        finally:
            text.detach()  # the caller closes the stream
        return
    decoder = codecs.getincrementaldecoder(chosen)()
    number = 0
    for number, raw in enumerate(stream, 1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError as error:
            hint = "" if encoding else "; name the file's encoding (--encoding cp1252, gb18030, ...)"
            bad = raw[error.start : error.start + 1].hex()
            raise _Undecodable(number, f"not {chosen} text (byte 0x{bad} at column {error.start + 1}){hint}") from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _Undecodable(number, f"not {chosen} text: it ends inside a character ({error.reason})") from None


def _rows(
    stream: Iterable[str], name: str, required: Sequence[str], errors: list[RowError]
) -> Iterator[tuple[int, Any]]:
    """The rows of a CSV file with their line numbers; a missing or repeated column is one error for the file. A
    source read through a mapping (`cadence.mappings`) gives its rows itself, already in these files' columns."""
    mapped = getattr(stream, "mapped_rows", None)
    if mapped is not None:
        yield from mapped(errors)
        return
    reader = csv.DictReader(stream)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        errors.append(RowError(name, 1, "-", f"not a CSV file ({error})"))
        return
    except _Undecodable as error:
        errors.append(RowError(name, error.line, "-", str(error)))
        return
    twice = sorted({column for column in header if header.count(column) > 1})
    if twice:
        errors.append(RowError(name, 1, ", ".join(twice), "named twice in the header: which one is meant?"))
        return
    missing = [column for column in required if column not in header]
    if missing:
        errors.append(RowError(name, 1, ", ".join(missing), f"missing from the header (it has: {', '.join(header)})"))
        return
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        errors.append(RowError(name, reader.line_num, "-", f"not valid CSV ({error})"))
    except _Undecodable as error:
        errors.append(RowError(name, error.line, "-", str(error)))


def read_customers(
    stream: Iterable[str],
    name: str,
    policy: Policy,
    errors: list[RowError],
    progress: Any = None,
    not_after: datetime | None = None,
) -> list[Customer]:
    """The customers of a CSV file whose segment and stage the policy knows, and (with ``not_after``, the
    instant of assessment) who entered their stage by then; bad rows go to ``errors``."""
    customers: list[Customer] = []
    seen: set[str] = set()
    named = policy_dates(policy)
    for line, row in _rows(stream, name, CUSTOMER_COLUMNS, errors):
        customer_id = None
        try:
            customer_id = _required(row, "id")
            if customer_id in seen:
                raise _Bad("id", f"duplicate customer id {show(customer_id)}")
            segment, stage = _required(row, "segment"), _required(row, "stage")
            if segment not in segment_ranks(policy):
                raise _Bad("segment", unknown("segment", segment, segment_ranks(policy)))
            if stage not in policy.lifecycle:
                raise _Bad("stage", unknown("stage", stage, policy.lifecycle.ids))
            customer = _build(
                Customer,
                customer_id,
                segment,
                stage,
                stage_entered_at=_instant(row, "stage_entered_at"),
                created_at=_instant(row, "created_at"),
                timezone=_optional(row, "timezone"),
                owner=_optional(row, "owner"),
                do_not_contact=_flag(row, "do_not_contact"),
                do_not_contact_until=_optional_instant(row, "do_not_contact_until"),
                claimed_at=_optional_instant(row, "claimed_at"),
                dates={date_name: _date_or_instant(row, date_name) for date_name in named if _optional(row, date_name)},
            )
            if not_after is not None and customer.stage_entered_at > not_after:
                raise _Bad("stage_entered_at", f"is after the instant of assessment ({not_after.isoformat()})")
        except _Bad as bad:
            errors.append(RowError(name, line, bad.column, str(bad), customer_id))
            continue
        seen.add(customer.id)
        customers.append(customer)
        if progress is not None:
            progress.update(1)
    return customers


def _until(row: Mapping[str, Any]) -> date | datetime:
    return _date_or_instant(row, "until")


def _date_or_instant(row: Mapping[str, Any], column: str) -> date | datetime:
    """A cell holding a date (``2026-04-15``) or an instant with an offset."""
    value = row.get(column)
    if isinstance(value, date):  # read by a mapping: a date, or an instant
        return value
    text = (value or "").strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _Bad(column, f"{show(text)} is not a date (YYYY-MM-DD) or an instant") from None
    try:
        return parse_instant(text)
    except ValueError as error:
        raise _Bad(column, str(error)) from None


def read_contacts(
    stream: Iterable[str],
    name: str,
    known: set[str],
    errors: list[RowError],
    progress: Any = None,
    rejected: Collection[str] = (),
) -> dict[str, list[Event]]:
    """The contacts of a CSV file by customer id; rows for customers not in ``known`` are bad rows (saying so
    when the customer's own row was bad: ``rejected``)."""
    contacts: dict[str, list[Event]] = {}
    for line, row in _rows(stream, name, CONTACT_COLUMNS, errors):
        try:
            customer_id = _known_customer(row, known, rejected)
            if _optional(row, "until") is not None:
                contacts.setdefault(customer_id, []).append(
                    _build(Deferral, _instant(row, "at"), _until(row), _optional(row, "by"))
                )
                continue
            contact = _build(
                Contact,
                _instant(row, "at"),
                _required(row, "channel"),
                _optional(row, "direction") or "outbound",
                _optional(row, "outcome") or "other",
                _optional(row, "by"),
            )
        except _Bad as bad:
            errors.append(RowError(name, line, bad.column, str(bad)))
            continue
        contacts.setdefault(customer_id, []).append(contact)
        if progress is not None:
            progress.update(1)
    return contacts


def _known_customer(row: Mapping[str, Any], known: Collection[str], rejected: Collection[str]) -> str:
    """The row's ``customer_id``, which must be one of the customers file's (saying so when its row was bad)."""
    customer_id = _required(row, "customer_id")
    if customer_id not in known:
        where = "on a bad row of" if customer_id in rejected else "not in"
        raise _Bad("customer_id", f"unknown customer {show(customer_id)} ({where} the customers file)")
    return customer_id


def read_changes(
    stream: Iterable[str],
    name: str,
    policy: Policy,
    customers: list[Customer],
    errors: list[RowError],
    rejected: Collection[str] = (),
) -> list[Customer]:
    """``customers`` with the changes of a CSV file (columns ``customer_id``, ``at``, and any of ``stage``,
    ``segment`` and ``owner``: the values from then on, empty for unchanged; see `Customer.changes`), whose
    segments and stages the policy knows. A bad row, or changes that contradict a customer's record, go to
    ``errors`` (rows of customers whose own row was bad, ``rejected``, say so); such a customer is left out."""
    by_id = {customer.id: customer for customer in customers}
    found: dict[str, list[tuple[int, Change]]] = {}
    for line, row in _rows(stream, name, CHANGE_COLUMNS, errors):
        try:
            customer_id = _known_customer(row, by_id, rejected)
            named = {field: _optional(row, field) for field in ("stage", "segment", "owner")}
            if named["segment"] is not None and named["segment"] not in segment_ranks(policy):
                raise _Bad("segment", unknown("segment", named["segment"], segment_ranks(policy)))
            if named["stage"] is not None and named["stage"] not in policy.lifecycle:
                raise _Bad("stage", unknown("stage", named["stage"], policy.lifecycle.ids))
            change = _build(Change, _instant(row, "at"), **named)
        except _Bad as bad:
            errors.append(RowError(name, line, bad.column, str(bad)))
            continue
        found.setdefault(customer_id, []).append((line, change))
    return _given(customers, found, "changes", name, "-", errors)


def read_holds(
    stream: Iterable[str],
    name: str,
    customers: list[Customer],
    errors: list[RowError],
    rejected: Collection[str] = (),
) -> list[Customer]:
    """``customers`` with the holds of a CSV file (columns ``customer_id``, ``start`` and ``end``, empty while the
    hold lasts; see `Customer.holds`). A bad row, or holds of one customer that overlap, go to ``errors`` (rows of
    customers whose own row was bad, ``rejected``, say so); such a customer is left out."""
    found = hold_rows(stream, name, {customer.id for customer in customers}, errors, rejected)
    return _given(customers, found, "holds", name, "start", errors)


def hold_rows(
    stream: Iterable[str], name: str, known: Collection[str], errors: list[RowError], rejected: Collection[str] = ()
) -> dict[str, list[tuple[int, Hold]]]:
    """The holds of a CSV file by customer id, each with its line; bad rows go to ``errors`` (see `read_holds`)."""
    found: dict[str, list[tuple[int, Hold]]] = {}
    for line, row in _rows(stream, name, HOLD_COLUMNS, errors):
        try:
            customer_id = _known_customer(row, known, rejected)
            hold = _build(Hold, _instant(row, "start"), _optional_instant(row, "end"))
        except _Bad as bad:
            errors.append(RowError(name, line, bad.column, str(bad)))
            continue
        found.setdefault(customer_id, []).append((line, hold))
    return found


def _given(
    customers: list[Customer],
    found: Mapping[str, list[tuple[int, Any]]],
    field: str,
    name: str,
    column: str,
    errors: list[RowError],
) -> list[Customer]:
    """``customers`` with their ``field`` (changes, holds) made of the values read for them (line, value); a
    customer that its values contradict goes to ``errors``, at the line of the value the error names (else its
    first line), and is left out."""
    out = []
    for customer in customers:
        rows = found.get(customer.id)
        if rows is None:
            out.append(customer)
            continue
        try:
            values: dict[str, Any] = {field: [value for _, value in rows]}
            out.append(attrs.evolve(customer, **values))
        except CadenceError as error:
            line = next((line for line, value in rows if value is error.value), rows[0][0])
            errors.append(RowError(name, line, column, str(error), customer.id))
    return out


def _build(make: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call a model constructor; its error becomes a bad cell in the column its message names."""
    try:
        return make(*args, **kwargs)
    except CadenceError as error:
        message = str(error)
        # The field the error names (``Customer.timezone``), else, for an error raised without one, the field its
        # message starts with.
        match = _FIELD.match(error.field if error.field is not None else message)
        column = match.group(1) if match else "-"
        raise _Bad(column, message) from None


_FORMULA_START = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r])")


def neutralize(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading ``'``, and so does each
    line within it that would (a tool that splits lines itself then sees no formula either).

    >>> neutralize("=HYPERLINK(\\"http://x\\")"), neutralize("-3"), neutralize("ok")
    ('\\'=HYPERLINK("http://x")', "'-3", 'ok')
    >>> neutralize("ana\\r=cmd|' /C calc'!A0")
    "ana\\r'=cmd|' /C calc'!A0"
    """
    return _FORMULA_START.sub("'", cell)


def assessment_row(item: Assessment, as_of: str) -> dict[str, str]:
    """The cells of one assessment, as text."""
    return {**assessment_cells(item, as_of), "reason": item.reason}


def assessment_cells(item: Assessment, as_of: str) -> dict[str, str]:
    """The cells of one assessment but its reason (which costs more than all the others), as text."""

    def instant(value: Any) -> str:
        return "" if value is None else value.isoformat()

    customer = item.customer
    return {
        "as_of": as_of,
        "customer_id": customer.id,
        "owner": item.owner or "",
        "segment": customer.segment,
        "stage": customer.stage,
        "status": item.status.value,
        "due_at": instant(item.due_at),
        "overdue_at": instant(item.overdue_at),
        "churn_risk_at": instant(item.churn_risk_at),
        "last_contact_at": instant(item.last_contact_at),
        "rule": item.rule_label or "",
    }


def write_assessments(out: IO[str], items: Iterable[Assessment], as_of: str) -> None:
    """Write assessments as CSV, one row each, every cell quoted and neutralized for spreadsheets."""
    write_rows(out, (assessment_row(item, as_of) for item in items))


def write_rows(out: IO[str], rows: Iterable[Mapping[str, str]], columns: Sequence[str] = ASSESSMENT_COLUMNS) -> None:
    """Write rows of text cells (by default `ASSESSMENT_COLUMNS`) as CSV, every cell quoted and neutralized for
    spreadsheets."""
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralize(row[column]) for column in columns])


# --- reading column-wise (the frames extra)


class Tables(NamedTuple):
    """A customers file and a contacts file read column-wise, as pyarrow tables in the columns of
    `cadence.frames.assess`; ``contacts`` counts the contact rows (deferrals are rows of ``deferrals``)."""

    customers: Any
    contacts: Any
    deferrals: Any
    contact_rows: int


class _Unclean(Exception):
    """A cell the column-wise reader does not take as it is: the row reader reads the file and says what is wrong
    (or reads it right, for forms only it knows)."""


# Instants the column-wise reader takes: ISO 8601 with a UTC offset, in the forms both it and `parse_instant`
# read the same way on every Python version (3.10 reads fractions of 3 or 6 digits only); any other cell sends the
# file to the row reader.
_LONE_CR = re.compile(rb"\r(?!\n)")
_ISO_INSTANT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{3}|\.\d{6})?)?(Z|[+-]\d{2}:\d{2})$"
# A cell with white space at either end: the row reader strips it (Python's idea of white space).
_EDGE_SPACE = r"^[\t-\r\x1c-\x20\x85\xa0\p{Z}]|[\t-\r\x1c-\x20\x85\xa0\p{Z}]$"


# Python's white space (what str.strip removes): the characters `_EDGE_SPACE` matches.
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def _values(column: Any) -> Any:
    """The values of a column of text to check: the column itself, or for a column of words (a dictionary, one
    for all its chunks: `read_tables` unifies them) the words its rows use (a filtered column may hold words
    that none of its rows uses)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(column.type):
        return column
    if not column.num_chunks:
        return pa.array([], pa.string())
    used = pc.unique(pa.chunked_array([chunk.indices for chunk in column.chunks], column.type.index_type))
    return pc.take(column.chunks[0].dictionary, pc.drop_null(used))


def read_tables(customers: str, contacts: str, encoding: str | None = None, dates: Sequence[str] = ()) -> Tables | None:
    """Read both files column-wise with pyarrow, or None when pyarrow is not installed, the encoding is not UTF-8,
    or a cell is not in the plain form the row reader would read the same way (the row reader then reads the
    files, and reports bad rows with their file, line and column). ``dates`` names the customers' date columns to
    read (a policy's `Touchpoint.of`): dates in ``YYYY-MM-DD`` form column-wise, anything else by the row
    reader. The contacts' ``customer_id``, ``channel``, ``direction``, ``outcome`` and ``by`` come as categories
    (Arrow dictionaries), empty cells as nulls."""
    try:
        if encoding is not None and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
            return None
    except LookupError:
        return None  # the row reader names it
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None

    def read(path: str, required: Sequence[str], words: Sequence[str]) -> Any:
        """The file as a table of text; the ``words`` columns (few distinct values) as dictionaries."""
        if not os.path.isfile(path) or not os.path.getsize(path):
            raise _Unclean  # a pipe can be read once only, by the row reader; it also says what an empty file lacks
        with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _LONE_CR.search(data) or data.find(b"\x00") >= 0:
                raise _Unclean  # UTF-16, a carriage return that ends no line the csv module would accept, or a NUL
            quoted = data.find(b'"') >= 0  # without quotes no cell holds a line break: the file is read in parallel
        try:
            with open(path, encoding="utf-8-sig", newline="") as text:
                header = next(csv.reader(text), [])
        except (UnicodeDecodeError, csv.Error):
            raise _Unclean from None
        if len(set(header)) != len(header) or any(name not in header for name in required):
            raise _Unclean
        word = pa.dictionary(pa.int32(), pa.string())
        try:
            table = pacsv.read_csv(
                path,
                parse_options=pacsv.ParseOptions(newlines_in_values=quoted),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: word if name in words else pa.string() for name in header},
                    strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            raise _Unclean from None
        table = table.unify_dictionaries()
        for name in header:  # what the row reader refuses in any column: a cell over its field limit
            values = _values(table[name])
            if len(values) and pc.max(pc.binary_length(pc.cast(values, pa.binary()))).as_py() >= csv.field_size_limit():
                raise _Unclean
        return table

    def text(table: Any, name: str, required: bool) -> Any:
        """A column of text (or of words: a dictionary), empty cells as nulls; _Unclean for a cell with spaces at
        either end, or an empty required one."""
        if name not in table.column_names:
            return pa.nulls(len(table), pa.string())
        column = table[name]
        values = _values(column)
        raw = pc.cast(values, pa.binary())
        # White space is rare: the regex reads only the cells whose first or last byte may begin or end some.
        maybe = pc.or_(pc.is_in(pc.binary_slice(raw, 0, 1), value_set=first_bytes),
                       pc.is_in(pc.binary_slice(raw, -1), value_set=last_bytes))  # fmt: skip
        if pc.any(pc.match_substring_regex(values.filter(maybe), _EDGE_SPACE)).as_py():
            raise _Unclean
        if not pc.any(pc.equal(values, "")).as_py():
            return column  # no empty cell: the column as read, not a copy
        if required:
            raise _Unclean
        if pa.types.is_dictionary(column.type):  # the rows of the empty word become nulls; the words stay
            words = column.chunks[0].dictionary
            empty = pc.equal(words, "")
            return pa.chunked_array(
                [pa.DictionaryArray.from_arrays(pc.if_else(pc.take(empty, chunk.indices), None, chunk.indices), words)
                 for chunk in column.chunks],
                column.type,
            )  # fmt: skip
        return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)

    def instants(table: Any, name: str, required: bool) -> Any:
        column = text(table, name, required)
        given = pc.drop_null(column)
        if pc.all(pc.match_substring_regex(given, _ISO_INSTANT)).as_py() is False:
            raise _Unclean
        try:
            return pc.cast(column, pa.timestamp("us", "UTC"))
        except pa.ArrowInvalid:
            raise _Unclean from None

    first_bytes = pa.array(sorted({c.encode()[:1] for c in _SPACES}), pa.binary())
    last_bytes = pa.array(sorted({c.encode()[-1:] for c in _SPACES}), pa.binary())
    try:
        people = read(customers, CUSTOMER_COLUMNS, ())
        columns = {name: text(people, name, True) for name in ("id", "segment", "stage")}
        columns.update({name: instants(people, name, True) for name in ("stage_entered_at", "created_at")})
        columns.update({name: text(people, name, False) for name in ("timezone", "owner")})
        columns.update({name: instants(people, name, False) for name in ("do_not_contact_until", "claimed_at")})
        flags = pc.utf8_lower(text(people, "do_not_contact", False))
        if pc.all(pc.is_in(pc.drop_null(flags), pa.array(list(_FLAGS)))).as_py() is False:
            raise _Unclean
        columns["do_not_contact"] = pc.fill_null(pc.is_in(flags, pa.array([k for k, v in _FLAGS.items() if v])), False)
        for date_name in dates:
            if date_name in people.column_names and date_name not in columns:
                given = text(people, date_name, False)
                if pc.any(pc.invert(pc.match_substring_regex(pc.drop_null(given), r"^\d{4}-\d{2}-\d{2}$"))).as_py():
                    raise _Unclean  # instants, or not dates: the row reader reads them one by one
                try:
                    dates_read = pc.cast(pc.cast(given, pa.timestamp("s")), pa.date32())
                except pa.ArrowInvalid:
                    raise _Unclean from None
                if pc.any(pc.less(dates_read, pa.scalar(date(1, 1, 1), pa.date32()))).as_py():
                    raise _Unclean  # year 0, which Arrow reads and Python has not: the row reader refuses it
                columns[date_name] = dates_read
        customer_table = pa.table(columns)
        del people, columns
        # Contacts and deferrals (the rows with `until`) share the id and instant columns; the others are the
        # contacts' alone, read once split (the text of the instants is dropped once they are read).
        touches = read(contacts, CONTACT_COLUMNS, ("customer_id", "channel", "direction", "outcome", "by"))
        until = text(touches, "until", False)
        deferred = pc.is_valid(until)
        ids, at = text(touches, "customer_id", True), instants(touches, "at", True)
        touches = touches.drop_columns([name for name in ("customer_id", "at") if name in touches.column_names])
        deferrals = None
        if pc.any(deferred).as_py():
            rows = touches.filter(deferred)
            try:
                untils = [_until({"until": value}) for value in until.filter(deferred).to_pylist()]
            except _Bad:
                raise _Unclean from None
            kinds = {type(until) for until in untils}
            if len(kinds) > 1:
                raise _Unclean  # dates and instants in one column: the row reader takes them one by one
            deferrals = pa.table(
                {
                    "customer_id": ids.filter(deferred),
                    "at": at.filter(deferred),
                    "until": pa.array(untils, pa.date32() if date in kinds else pa.timestamp("us", "UTC")),
                    "by": text(rows, "by", False),
                }
            )
            kept = pc.invert(deferred)
            touches, ids, at = touches.filter(kept), ids.filter(kept), at.filter(kept)
        contact_table = pa.table(
            {
                "customer_id": ids,
                "at": at,
                "channel": text(touches, "channel", True),
                **{name: text(touches, name, False) for name in ("direction", "outcome", "by")},
            }
        )
        del touches, ids, at, until
        known = customer_table["id"]
        for table in (contact_table, deferrals):
            if table is not None and pc.all(pc.is_in(_values(table["customer_id"]), known)).as_py() is False:
                raise _Unclean  # a contact of a customer not in the file: the row reader says which
    except (_Unclean, OSError):  # the row reader says what is wrong with the file
        return None
    pa.default_memory_pool().release_unused()  # what reading took and no longer needs goes back to the system
    return Tables(customer_table, contact_table, deferrals, len(contact_table))
