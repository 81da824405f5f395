"""The built-in presets match the reference numbers of docs/presets.md, written out again here."""

from __future__ import annotations

import pytest

from builders import call, customer, t
from cadence import PolicyError, Rule, Status, assess, days, hours, months, parse_duration, presets

# docs/presets.md, "Time nodes by customer type": first follow-up, second follow-up, after intent confirmed,
# during contract negotiation, after-sales care.
TIME_NODES = {
    "b2b-enterprise": (hours(24), days(3), days(7), days(2), months(1)),
    "b2c-retail": (hours(12), days(2), days(5), days(3), days(7)),
    "high-end-custom": (hours(48), days(5), days(10), days(7), months(3)),
    "key-account": (hours(6), days(1), days(3), days(1), days(7)),
}

# docs/presets.md, "Contact cycle by industry and tier".
CYCLES = {
    "saas": {"key": days(14), "ordinary": days(30)},
    "fmcg-distribution": {"core-channel": days(7), "general": days(14)},
    "machinery": {"strategic": days(30), "ordinary": days(60)},
    # A/B/C: A every 2-3 days (due after 3, due soon after 2), B weekly, C monthly.
    "abc": {"A": days(3), "B": days(7), "C": months(1)},
    # the variant: high-value weekly, potential every two weeks, dormant monthly
    "value-tiers": {"high-value": days(7), "potential": days(14), "dormant": months(1)},
}


def test_names() -> None:
    assert presets.names() == sorted([*CYCLES, "customer-types"])


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_loads_in_any_zone(name: str) -> None:
    policy = presets.load(name, calendar="America/Sao_Paulo")
    assert policy.timezone == "America/Sao_Paulo"
    assert policy.name == name


@pytest.mark.parametrize(("kind", "nodes"), TIME_NODES.items())
def test_customer_types_match_the_time_nodes(kind: str, nodes: tuple[object, ...]) -> None:
    first, second, intent, negotiation, care = nodes
    policy = presets.load("customer-types", calendar="UTC")
    lead = policy.rule_for(kind, "lead").rule
    assert (lead.first_response, lead.intervals) == (first, (second,))
    assert policy.rule_for(kind, "contacted").rule.intervals == (first, second)
    assert policy.rule_for(kind, "qualified").rule.intervals == (intent,)
    assert policy.rule_for(kind, "proposal").rule.intervals == (intent,)
    assert policy.rule_for(kind, "negotiation").rule.intervals == (negotiation,)
    for stage in ("won", "onboarding", "retention"):
        assert policy.rule_for(kind, stage).rule.intervals == (care,)


def test_customer_types_churn_thresholds() -> None:
    """14 days before the sale (60% of leads lost within two weeks), 60 days after (key customers: 40% churn)."""
    policy = presets.load("customer-types", calendar="UTC")
    assert policy.rule_for("key-account", "lead").rule.churn_after == days(14)
    assert policy.rule_for("key-account", "retention").rule.churn_after == days(60)
    assert policy.rule_for("high-end-custom", "retention").rule.churn_after == days(180)


def test_customer_types_rank_key_accounts_first() -> None:
    policy = presets.load("customer-types", calendar="UTC")
    assert [s.id for s in sorted(policy.segments, key=lambda s: s.rank)] == [
        "key-account",
        "b2b-enterprise",
        "high-end-custom",
        "b2c-retail",
    ]


@pytest.mark.parametrize(("name", "tiers"), CYCLES.items())
def test_cycles_match_the_tables(name: str, tiers: dict[str, object]) -> None:
    policy = presets.load(name, calendar="UTC")
    assert [s.id for s in policy.segments] == list(tiers)
    for tier, cycle in tiers.items():
        for stage in ("lead", "retention"):
            rule = policy.rule_for(tier, stage).rule
            assert rule.intervals == (cycle,)
            assert rule.heads_up == days(1)


def test_key_saas_customer_is_due_fourteen_days_after_a_call() -> None:
    policy = presets.load("saas", calendar="Europe/Berlin")
    result = assess(
        policy,
        customer("2026-01-05T09:00:00+01:00", segment="key"),
        [call("2026-03-02T10:00:00+01:00")],
        as_of=t("2026-03-15T09:00:00+01:00"),
    )
    assert result.due_at == t("2026-03-16T00:00:00+01:00")
    assert result.status is Status.DUE_SOON


def test_adjusting_a_preset() -> None:
    policy = presets.load("abc", calendar="UTC").with_rules({("A", "*"): Rule.every(parse_duration("2d"))})
    assert policy.rule_for("A", "won").rule.intervals == (days(2),)
    assert policy.rule_for("B", "won").rule.intervals == (days(7),)


def test_unknown_preset() -> None:
    with pytest.raises(PolicyError, match=r"unknown preset 'xyz' \(choose from abc, customer-types"):
        presets.load("xyz", calendar="UTC")


def test_calendar_is_required() -> None:
    """A preset needs a calendar, and says so (issue 11: it was a bare TypeError); a bad zone is blamed on the
    argument, not on a line of the shipped preset file."""
    with pytest.raises(PolicyError, match=r"presets.load\('abc'\) needs calendar="):
        presets.load("abc")
    with pytest.raises(PolicyError, match=r"^presets.load calendar: Calendar.timezone: unknown time zone 'Mars/Base'"):
        presets.load("abc", calendar="Mars/Base")
