"""Built-in policies from the reference numbers practitioners publish (listed in docs/presets.md).

Load one by name, in your time zone, then adjust it:

>>> from cadence import presets, Rule
>>> presets.names()
['abc', 'customer-types', 'fmcg-distribution', 'machinery', 'saas', 'value-tiers']
>>> policy = presets.load("abc", calendar="America/New_York")
>>> policy.rule_for("A", "lead").rule.intervals
(days(3),)
>>> faster = policy.with_rules({("A", "*"): Rule.every("2d", churn_after="60d")})

The calendar (or time zone) is required: a preset cannot know which local dates your team counts, and guessing
UTC is the classic "overdue a day early" bug. Presets are policy files (``cadence/preset_files/*.toml``, without a
calendar) read by the same loader as yours, so ``policy_files.dumps(policy)`` gives a file to start from.

**customer-types** (segments ``key-account``, ``b2b-enterprise``, ``high-end-custom``, ``b2c-retail``), from the
table of time nodes by customer type. Columns map to stages as follows: a ``lead`` must get its first contact
within the "first follow-up" time, then the "second follow-up" interval; in ``contacted`` the follow-ups run
first-follow-up then second-follow-up (the last repeats); ``qualified`` and ``proposal`` use "after intent
confirmed"; ``negotiation`` "during contract negotiation"; ``won``, ``onboarding`` and ``retention`` "after-sales
care"; ``dormant`` gets a monthly wake-up touch (quarterly for high-end custom). Churn risk is flagged after 14
days of silence before the sale (60% of leads are lost within two weeks when follow-up is late) and 60 days after
it (key customers left 60 days without contact churned at about 40%), 180 days for quarterly care.

**saas**, **fmcg-distribution**, **machinery**: the contact cycle by industry and tier, in every stage, due soon
one day ahead, churn risk after 60 days of silence (120 days for a 60-day cycle).

**abc**: A every 3 days (due soon after 2: "every 2-3 days"), B weekly, C monthly. **value-tiers**: high-value
weekly, potential every two weeks, dormant monthly. Both due soon one day ahead, churn risk after 60 days.
"""

from __future__ import annotations

from importlib import resources

from cadence import policy_files
from cadence._calendars import Calendar
from cadence._errors import PolicyError, show
from cadence._policy import Policy

__all__ = ["load", "names", "text"]

_FILES = resources.files("cadence") / "preset_files"


def names() -> list[str]:
    """The names of the built-in presets, sorted."""
    return sorted(item.name.removesuffix(".toml") for item in _FILES.iterdir() if item.name.endswith(".toml"))


def text(name: str) -> str:
    """The TOML text of the preset called ``name`` (it has no calendar)."""
    if name not in names():
        raise PolicyError(f"unknown preset {show(name)} (choose from {', '.join(names())})")
    return (_FILES / f"{name}.toml").read_text(encoding="utf-8")


def load(name: str, *, calendar: Calendar | str | None = None) -> Policy:
    """The preset called ``name`` on ``calendar``: a `Calendar`, or an IANA zone name (required: a preset cannot
    know which local dates your team counts).

    >>> load("abc")
    Traceback (most recent call last):
    ...
    cadence.PolicyError: presets.load('abc') needs calendar=: a zone name such as "Europe/Berlin", or a Calendar
    """
    if calendar is None:
        raise PolicyError(
            f'presets.load({show(name)}) needs calendar=: a zone name such as "Europe/Berlin", or a Calendar'
        )
    if not isinstance(calendar, Calendar):
        try:
            calendar = Calendar(calendar)
        except PolicyError as error:  # the caller's argument, not a line of the preset file
            raise PolicyError(f"presets.load calendar: {error}") from None
    return policy_files.loads(text(name), calendar=calendar)
