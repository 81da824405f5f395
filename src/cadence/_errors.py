"""The exceptions and warnings that `cadence` raises.

Every error derives from `CadenceError` and also from the builtin that matches its meaning, so callers can catch
either ``CadenceError`` or, say, ``ValueError``. Messages name the field, the value and the rule broken.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = [
    "CadenceError",
    "CadenceWarning",
    "CalendarCoverageWarning",
    "DurationError",
    "InputError",
    "InputTypeError",
    "PolicyError",
    "PolicyFileError",
    "Problem",
    "TableError",
]


def show(value: object, limit: int = 200) -> str:
    """``repr(value)`` for an error message: never raising (Python refuses to show ints of over 4,300 digits),
    and cut to ``limit`` characters."""
    try:
        text = repr(value)
    except Exception:  # an int too long to show, or a repr that fails
        size = f" of {value.bit_length():,} bits" if isinstance(value, int) else ""
        text = f"<{type(value).__name__}{size}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CadenceError(Exception):
    """Base class of every error raised by `cadence`.

    Where an error is about one value, ``field`` names it as the message does (``"Rule.grace"``,
    ``"Customer.created_at"``, ``"rules[3].interval"``) and ``value`` holds the value given; both are None when the
    error is not about one field (or the raiser does not say). Read them instead of parsing the message.

    >>> error = PolicyError("Rule.grace must be >= 0 (got -1 day)", field="Rule.grace", value="-1d")
    >>> error.field, error.value, str(error)
    ('Rule.grace', '-1d', 'Rule.grace must be >= 0 (got -1 day)')
    """

    field: str | None
    value: object

    def __init__(self, *args: object, field: str | None = None, value: object = None) -> None:
        super().__init__(*args)
        self.field = field
        self.value = value


class DurationError(CadenceError, ValueError):
    """A duration that cannot be parsed, or one out of range where it is used."""


class PolicyError(CadenceError, ValueError):
    """A segment, stage, lifecycle, rule or policy that is inconsistent or refers to something unknown."""


class Problem:
    """One problem in a policy document: where (``rules[3].interval``), what, and the line when it is known."""

    __slots__ = ("line", "message", "path")

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.message, self.line = path, message, line

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}" + ("" if self.line is None else f" (line {self.line})")

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r}, line={self.line!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.path, self.message, self.line) == (other.path, other.message, other.line)

    def __hash__(self) -> int:
        return hash((self.path, self.message, self.line))


class PolicyFileError(PolicyError):
    """A policy document (dict, TOML or JSON) with problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem], source: str = "policy") -> None:
        self.problems = tuple(problems)
        self.source = source
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{source} has {count} problem{'s' * (count != 1)}:\n{lines}")

    def __reduce__(self) -> tuple[type[PolicyFileError], tuple[tuple[Problem, ...], str]]:
        return PolicyFileError, (self.problems, self.source)  # made from its problems, not from its message


class InputError(CadenceError, ValueError):
    """A customer, contact or ``as_of`` value that is invalid (naive datetime, unknown stage, ...)."""


class TableError(InputError):
    """A bad value in a table given to `cadence.frames`: which ``table`` (``"customers"``, ``"contacts"``,
    ``"deferrals"``), which ``row`` (its position, from 0), which ``column``, and the ``error`` the scalar path
    raises for that value (its message, ``field`` and ``value`` are repeated here)."""

    def __init__(self, table: str, row: int, column: str, error: CadenceError) -> None:
        self.table, self.row, self.column, self.error = table, row, column, error
        super().__init__(f"{table} row {row}, column {column!r}: {error}", field=error.field, value=error.value)

    def __reduce__(self) -> tuple[type[TableError], tuple[str, int, str, CadenceError]]:
        return TableError, (self.table, self.row, self.column, self.error)


class InputTypeError(CadenceError, TypeError):
    """A value of the wrong type where `cadence` expects, for example, a datetime or a string."""


class CadenceWarning(UserWarning):
    """Base class of the warnings `cadence` emits for legal but surprising configurations."""


class CalendarCoverageWarning(CadenceWarning):
    """Working dates or hours were counted in ``years`` (a run of years, a `range`) that the calendar's holiday
    data does not cover (``covered``, `Calendar.holiday_years`): those years were counted without their holidays
    and extra working days.

    Each count outside the covered years emits one per uncovered year it reached (one for a run of more than ten
    years), and Python's warning filters decide what shows: by default, once per message and line of your code.
    Build the calendar with the years the policy counts in; or, where years without holidays are meant, silence it:
    ``warnings.filterwarnings("ignore", category=cadence.CalendarCoverageWarning)``.
    """

    def __init__(self, message: str, *, years: range, covered: frozenset[int]) -> None:
        super().__init__(message)
        self.years = years
        self.covered = covered

    def __reduce__(self) -> tuple[Any, ...]:
        return _coverage_warning, (str(self), self.years, self.covered)


def _coverage_warning(message: str, years: range, covered: frozenset[int]) -> CalendarCoverageWarning:
    return CalendarCoverageWarning(message, years=years, covered=covered)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _inside(filename: str) -> bool:
    """True for a frame of `cadence`: its modules, and the methods attrs generates for its classes (named like
    ``<attrs generated init cadence._rules.Rule>``)."""
    return filename.startswith(_PACKAGE) or (filename.startswith("<attrs generated") and " cadence." in filename)


def warn(warning: CadenceWarning) -> None:
    """Emit ``warning`` attributed to the first frame outside `cadence`: the user's line that built the rule, loaded
    the file or called the function, however deep inside the library (and attrs' generated ``__init__``) it arose.
    """
    frame = sys._getframe(1)
    level = 2  # stacklevel 2 is this function's caller
    while frame.f_back is not None and _inside(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    warnings.warn(warning, stacklevel=level)


# The errors are shown as part of the package they are imported from (``cadence.PolicyError``), whatever module
# defines them.
for _cls in (
    CadenceError,
    DurationError,
    PolicyError,
    PolicyFileError,
    InputError,
    InputTypeError,
    CadenceWarning,
    CalendarCoverageWarning,
    Problem,
):
    _cls.__module__ = "cadence"
