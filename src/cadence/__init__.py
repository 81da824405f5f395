"""cadence: follow-up cadences for customer segments and lifecycle stages, as a pure, embeddable library.

Model customers, contacts and a `Policy`; `assess` says whether a follow-up is due, overdue or at churn risk,
by when, and why.
"""

from cadence import policy_files, presets, sample
from cadence._history import History
from cadence._time import clear_caches, set_cache_budget
from cadence.assessment import AnchorKind, Assessment, RiskInputs, Status, TouchpointView
from cadence.calculator import ACTIONABLE, CustomerError, assess, assess_many, worklist
from cadence.calendars import Calendar, Weekday
from cadence.durations import (
    BusinessDays,
    BusinessHours,
    CalendarDuration,
    Duration,
    ExactDuration,
    business_days,
    business_hours,
    business_minutes,
    days,
    hours,
    minutes,
    months,
    parse_duration,
    seconds,
    weeks,
)
from cadence.errors import (
    CadenceError,
    CadenceWarning,
    DurationError,
    InputError,
    InputTypeError,
    PolicyError,
    PolicyFileError,
    Problem,
)
from cadence.lint import Finding, Severity, lint
from cadence.model import (
    DEFAULT_LIFECYCLE,
    NON_REACH,
    Channel,
    Contact,
    Customer,
    Deferral,
    Direction,
    Event,
    Lifecycle,
    Outcome,
    Segment,
    Stage,
)
from cadence.policy import ANY, Policy, RuleKey, RuleMatch
from cadence.rulebook import Cap, Level, Reclaim, Recommendation, Touchpoint, TouchpointState, Unanswered
from cadence.rules import ContactFilter, DaysOff, Rule

__version__ = "0.1.0"

__all__ = [
    # the calculator
    "ACTIONABLE",
    # policies and rules
    "ANY",
    # the model
    "DEFAULT_LIFECYCLE",
    "NON_REACH",
    "AnchorKind",
    "Assessment",
    # durations
    "BusinessDays",
    "BusinessHours",
    # errors and warnings
    "CadenceError",
    "CadenceWarning",
    # calendars
    "Calendar",
    "CalendarDuration",
    "Cap",
    "Channel",
    "Contact",
    "ContactFilter",
    "Customer",
    "CustomerError",
    "DaysOff",
    "Deferral",
    "Direction",
    "Duration",
    "DurationError",
    "Event",
    "ExactDuration",
    "Finding",
    "History",
    "InputError",
    "InputTypeError",
    "Level",
    "Lifecycle",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyFileError",
    "Problem",
    "Reclaim",
    "Recommendation",
    "RiskInputs",
    "Rule",
    "RuleKey",
    "RuleMatch",
    "Segment",
    "Severity",
    "Stage",
    "Status",
    "Touchpoint",
    "TouchpointState",
    "TouchpointView",
    "Unanswered",
    "Weekday",
    "assess",
    "assess_many",
    "business_days",
    "business_hours",
    "business_minutes",
    # caches
    "clear_caches",
    "days",
    "hours",
    "lint",
    "minutes",
    "months",
    "parse_duration",
    "policy_files",
    "presets",
    "sample",
    "seconds",
    "set_cache_budget",
    "weeks",
    "worklist",
]
