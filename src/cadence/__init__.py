"""cadence: follow-up cadences for customer segments and lifecycle stages, as a pure, embeddable library.

Model customers, contacts and a `Policy`; `assess` says whether a follow-up is due, overdue or at churn risk,
by when, and why.

This module is the public surface: it re-exports the public names of the private implementation modules
(``cadence._model``, ``cadence._engine`` ...; see the module map in README.md), whose own ``__all__`` lists make up
``__all__`` here, group by group. The public submodules are `cadence.policy_files`, `cadence.presets`,
`cadence.sample`, `cadence.csv_files`, `cadence.mappings` and `cadence.ics`. What is underscored may change
without notice.
"""

from cadence import (
    _assessment,
    _backtest,
    _calculator,
    _calendars,
    _durations,
    _errors,
    _fit,
    _history,
    _lint,
    _model,
    _policy,
    _risk,
    _rulebook,
    _rules,
    _time,
    _timeline,
    _transitions,
    policy_files,
    presets,
    sample,
)
from cadence._assessment import *  # noqa: F403
from cadence._backtest import *  # noqa: F403
from cadence._calculator import *  # noqa: F403
from cadence._calendars import *  # noqa: F403
from cadence._durations import *  # noqa: F403
from cadence._errors import *  # noqa: F403
from cadence._fit import *  # noqa: F403
from cadence._history import *  # noqa: F403
from cadence._lint import *  # noqa: F403
from cadence._model import *  # noqa: F403
from cadence._policy import *  # noqa: F403
from cadence._risk import *  # noqa: F403
from cadence._rulebook import *  # noqa: F403
from cadence._rules import *  # noqa: F403
from cadence._time import *  # noqa: F403
from cadence._timeline import *  # noqa: F403
from cadence._transitions import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    # the model: segments, stages, customers and their contacts
    *_model.__all__,
    # durations
    *_durations.__all__,
    # business calendars
    *_calendars.__all__,
    # rules, the rest of the rulebook, and policies
    *_rules.__all__,
    *_rulebook.__all__,
    *_policy.__all__,
    *_lint.__all__,
    # histories, assessments and the calculator
    *_history.__all__,
    *_assessment.__all__,
    *_calculator.__all__,
    # the risk score's model, and fitting it on a history
    *_risk.__all__,
    *_fit.__all__,
    # over time: spans, timelines, transitions, backtests
    *_timeline.__all__,
    *_transitions.__all__,
    *_backtest.__all__,
    # caches
    *_time.__all__,
    # errors and warnings
    *_errors.__all__,
    # public submodules
    "policy_files",
    "presets",
    "sample",
]
