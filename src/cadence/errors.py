"""The exceptions and warnings that `cadence` raises.

Every error derives from `CadenceError` and also from the builtin that matches its meaning, so callers can catch
either ``CadenceError`` or, say, ``ValueError``. Messages name the field, the value and the rule broken.
"""

from __future__ import annotations

__all__ = [
    "CadenceError",
    "CadenceWarning",
    "DurationError",
    "InputError",
    "InputTypeError",
    "PolicyError",
]


class CadenceError(Exception):
    """Base class of every error raised by `cadence`."""


class DurationError(CadenceError, ValueError):
    """A duration that cannot be parsed, or one out of range where it is used."""


class PolicyError(CadenceError, ValueError):
    """A segment, stage, lifecycle, rule or policy that is inconsistent or refers to something unknown."""


class InputError(CadenceError, ValueError):
    """A customer, contact or ``as_of`` value that is invalid (naive datetime, unknown stage, ...)."""


class InputTypeError(CadenceError, TypeError):
    """A value of the wrong type where `cadence` expects, for example, a datetime or a string."""


class CadenceWarning(UserWarning):
    """Base class of the warnings `cadence` emits for legal but surprising configurations."""
