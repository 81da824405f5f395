"""Built-in policies from the reference numbers practitioners publish (DOMAIN.md section 2).

Load one by name, in your time zone, then adjust it:

>>> from cadence import presets, Rule
>>> presets.names()
['abc', 'customer-types', 'fmcg-distribution', 'machinery', 'saas', 'value-tiers']
>>> policy = presets.load("abc", calendar="America/New_York")
>>> policy.rule_for("A", "lead").rule.intervals
(days(3),)
>>> faster = policy.with_rules({("A", "*"): Rule.every("2d", churn_after="60d")})

The time zone is required: a preset cannot know which local dates your team counts, and guessing UTC is the
classic "overdue a day early" bug.

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

from collections.abc import Callable

from cadence.calendars import Calendar
from cadence.errors import PolicyError
from cadence.model import Segment
from cadence.policy import ANY, Policy
from cadence.rules import Rule

__all__ = ["CUSTOMER_TYPES", "INDUSTRY_TIERS", "TIERS", "load", "names"]

CUSTOMER_TYPES: dict[str, tuple[str, str, str, str, str]] = {
    # type: (first follow-up, second follow-up, after intent confirmed, during negotiation, after-sales care)
    "key-account": ("6h", "1d", "3d", "1d", "7d"),
    "b2b-enterprise": ("24h", "3d", "7d", "2d", "1mo"),
    "high-end-custom": ("48h", "5d", "10d", "7d", "3mo"),
    "b2c-retail": ("12h", "2d", "5d", "3d", "7d"),
}
"""The time nodes by customer type, most important type first."""

INDUSTRY_TIERS: dict[str, dict[str, str]] = {
    "saas": {"key": "14d", "ordinary": "30d"},
    "fmcg-distribution": {"core-channel": "7d", "general": "14d"},
    "machinery": {"strategic": "30d", "ordinary": "60d"},
}
"""The contact cycle by industry and tier, most important tier first."""

TIERS: dict[str, dict[str, str]] = {
    "abc": {"A": "3d", "B": "7d", "C": "1mo"},
    "value-tiers": {"high-value": "7d", "potential": "14d", "dormant": "1mo"},
}
"""Tier cycles: A/B/C and the high-value/potential/dormant variant."""


def _customer_types(calendar: Calendar | str) -> Policy:
    rules: dict[tuple[str, str], Rule] = {}
    for kind, (first, second, intent, negotiation, care) in CUSTOMER_TYPES.items():
        presale = {"churn_after": "14d"}
        rules[kind, "lead"] = Rule.every(second, first_response=first, **presale)
        rules[kind, "contacted"] = Rule.sequence(first, second, first_response=first, **presale)
        rules[kind, "qualified"] = Rule.every(intent, **presale)
        rules[kind, "proposal"] = Rule.every(intent, **presale)
        rules[kind, "negotiation"] = Rule.every(negotiation, **presale)
        aftersale = {"churn_after": "180d" if care == "3mo" else "60d"}
        for stage in ("won", "onboarding", "retention"):
            rules[kind, stage] = Rule.every(care, **aftersale)
        rules[kind, "dormant"] = Rule.every("3mo" if care == "3mo" else "1mo", **aftersale)
    segments = [Segment(kind, rank=rank) for rank, kind in enumerate(CUSTOMER_TYPES)]
    return Policy(name="customer-types", calendar=calendar, segments=segments, rules=rules)


def _cycles(name: str, cycles: dict[str, str]) -> Callable[[Calendar | str], Policy]:
    def build(calendar: Calendar | str) -> Policy:
        rules = {
            (tier, ANY): Rule.every(cycle, heads_up="1d", churn_after="120d" if cycle == "60d" else "60d")
            for tier, cycle in cycles.items()
        }
        segments = [Segment(tier, rank=rank) for rank, tier in enumerate(cycles)]
        return Policy(name=name, calendar=calendar, segments=segments, rules=rules)

    return build


_BUILDERS: dict[str, Callable[[Calendar | str], Policy]] = {
    "customer-types": _customer_types,
    **{name: _cycles(name, cycles) for name, cycles in {**INDUSTRY_TIERS, **TIERS}.items()},
}


def names() -> list[str]:
    """The names of the built-in presets, sorted."""
    return sorted(_BUILDERS)


def load(name: str, *, calendar: Calendar | str) -> Policy:
    """The preset called ``name`` on ``calendar``: a `Calendar`, or an IANA zone name.

    The calendar is required on purpose: assuming UTC is how tasks end up overdue a day early.
    """
    builder = _BUILDERS.get(name)
    if builder is None:
        raise PolicyError(f"unknown preset {name!r} (choose from {', '.join(names())})")
    return builder(calendar)
