"""Lint: each finding on a policy that shows it, and none on the presets that are fine."""

from __future__ import annotations

import pytest

from cadence import CadenceWarning, Calendar, Cap, Layer, Policy, PolicyError, Rule, RuleKey, Touchpoint, presets
from cadence._lint import Finding, Severity, lint
from cadence._model import DEFAULT_LIFECYCLE


def policy_of(rules: dict[tuple[str, str], Rule], calendar: Calendar | str = "Europe/Berlin") -> Policy:
    return Policy("p", calendar, ["A", "B"], rules)


def messages(policy: Policy) -> list[str]:
    return [str(finding) for finding in lint(policy)]


class TestLint:
    def test_a_decreasing_sequence_is_a_warning(self) -> None:
        found = lint(policy_of({("*", "*"): Rule.sequence("5d", "2d")}))
        assert found == [
            Finding(
                Severity.WARNING,
                RuleKey("*", "*"),
                "the sequence 5 days, 2 days gets shorter: a later counted contact can bring the next follow-up "
                "forward (property 4 of the semantics does not hold for this rule)",
            )
        ]

    def test_deadlines_of_different_kinds_are_information(self) -> None:
        assert messages(policy_of({("*", "*"): Rule.every("3d", first_response="24h", grace="2h")})) == [
            "info */*: the deadlines 24 hours, 3 days do not compare for every start (different kinds, or months "
            "against days): a later counted contact can sometimes bring the next follow-up forward"
        ]

    def test_deadlines_at_an_instant_without_grace_are_never_due(self) -> None:
        """The customer-types preset's lead rules (24 hours to answer a lead) and a reply deadline in business hours:
        from on track straight to overdue (docs/semantics.md, "Deadlines at an instant")."""
        rule = Rule.every("3d", first_response="24h", reply_within="4bh")
        assert (
            "info */*: the deadlines 24 hours, 4 business hours end at an instant and there is no grace: such a "
            "follow-up is never due, it goes from on track (or due soon) to overdue at its deadline; a grace keeps "
            "it due that long"
        ) in messages(policy_of({("*", "*"): rule}))
        assert not any("end at an instant" in m for m in messages(policy_of({("*", "*"): Rule.every("3d")})))
        graced = policy_of({("*", "*"): Rule.every("3d", first_response="24h", grace="1h")})
        assert not any("end at an instant" in m for m in messages(graced))

    def test_a_first_response_longer_than_the_interval(self) -> None:
        assert messages(policy_of({("*", "*"): Rule.every("2d", first_response="5d")})) == [
            "warning */*: the first-response deadline (5 days) is longer than the interval (2 days): the first "
            "contact is allowed to wait longer than every later one"
        ]

    def test_churn_before_overdue_over_a_long_holiday(self) -> None:
        """Nominally 5 business days span 7 days, and churn after 10 days passes the rule's own check; over a
        nine-day Spring Festival on this calendar they span more."""
        rule = Rule.every("5bd", churn_after="10d")
        assert lint(policy_of({("*", "*"): rule})) == []
        festival = Calendar("Asia/Shanghai", holidays=[f"2026-02-{day}" for day in range(16, 24)])
        assert messages(policy_of({("*", "*"): rule}, festival)) == [
            "warning */*: churn risk after 10 days can come before the follow-up is overdue: on this calendar the "
            "longest deadline plus grace spans up to 18 days (holidays included)"
        ]

    def test_a_night_shift_ends_the_day_after(self) -> None:
        """Business hours on shifts past midnight end on the date after the last working date that holds them: one
        day more than on day hours of the same length, over the same Spring Festival."""
        festival = [f"2026-02-{day}" for day in range(16, 24)]
        rule = Rule.every("20bh", grace="1h", churn_after="14d")
        days = Calendar("Asia/Shanghai", hours="09:00-19:00", holidays=festival)
        nights = Calendar("Asia/Shanghai", hours="19:00-05:00", holidays=festival)
        assert lint(policy_of({("*", "*"): rule}, days)) == []
        assert messages(policy_of({("*", "*"): rule}, nights)) == [
            "warning */*: churn risk after 14 days can come before the follow-up is overdue: on this calendar the "
            "longest deadline plus grace spans up to 14.0417 days (holidays included)"
        ]

    def test_combinations_that_fall_to_the_default(self) -> None:
        policy = policy_of({("A", "*"): Rule.every("2d"), ("*", "*"): Rule.every("7d")})
        assert messages(policy) == [
            "info */*: 9 segment x stage combinations fall to the default rule: B/lead, B/contacted, B/qualified, ..."
        ]
        assert lint(policy_of({("*", "*"): Rule.every("7d")})) == []  # nothing else to fall from

    def test_days_off_without_days_and_business_hours_without_hours(self) -> None:
        assert messages(policy_of({("*", "*"): Rule.every("4bh", days_off="skip", grace="1bh")})) == [
            'info */*: days_off = "skip" has no effect: the rule has no durations in days',
            "info */*: business hours on a calendar without working hours count every hour of a working day",
        ]

    def test_a_cap_that_makes_the_interval_impossible(self) -> None:
        with pytest.warns(CadenceWarning):
            rule = Rule.every("1d", cap=Cap(attempts=1, per="2d"))
        assert messages(policy_of({("*", "*"): rule})) == [
            "warning */*: the cap allows an attempt only every 48 hours, so the interval 1 day can never be met"
        ]

    def test_a_touchpoint_after_the_churn_threshold(self) -> None:
        rule = Rule.every("7d", churn_after="30d", touchpoints=[Touchpoint("45d", label="renewal")])
        assert messages(policy_of({("*", "*"): rule})) == [
            "info */*: the touchpoint 'renewal' at 45 days comes after the churn threshold (30 days): a customer "
            "left alone that long is flagged before it is due"
        ]

    def test_a_stage_rule_that_a_segment_rule_takes_from_a_segment(self) -> None:
        """The usual surprise: A/* comes before */lead, so A's leads do not follow */lead."""
        policy = policy_of(
            {("*", "lead"): Rule.every("1d"), ("A", "*"): Rule.every("2d"), ("*", "*"): Rule.every("7d")}
        )
        assert messages(policy) == [
            "info */lead: is not used for segment A: A/* is more specific (a segment's rule comes before a stage's "
            "rule; add A/lead to give A a rule for lead)",
            "info */*: 8 segment x stage combinations fall to the default rule: B/contacted, B/qualified, "
            "B/proposal, ...",
        ]

    def test_a_stage_rule_taken_from_several_segments(self) -> None:
        rules = {("*", "won"): Rule.every("1d"), **{(s, "*"): Rule.every("2d") for s in "ABCD"}}
        policy = Policy("p", "UTC", ["A", "B", "C", "D", "E"], {**rules, ("*", "*"): Rule.every("7d")})
        assert messages(policy)[0] == (
            "info */won: is not used for segments A, B, C, ...: A/*, B/*, C/*, ... are more specific (a segment's "
            "rule comes before a stage's rule; add A/won, B/won, C/won, ... to give them a rule for won)"
        )

    def test_a_rule_that_never_applies(self) -> None:
        """Every segment has its own rule, so the rule for a stage is never used: a warning, with the keys."""
        rules = {("*", "lead"): Rule.every("1d"), ("A", "*"): Rule.every("2d"), ("B", "*"): Rule.every("7d")}
        assert messages(policy_of(rules)) == [
            "warning */lead: never applies: every segment x stage it covers goes to a more specific rule (A/*, B/*); "
            "a segment's rule comes before a stage's rule"
        ]

    def test_a_segment_rule_whose_every_stage_has_a_rule(self) -> None:
        stages = [stage.id for stage in DEFAULT_LIFECYCLE if not stage.terminal]
        rules = {("A", "*"): Rule.every("2d"), **{("A", stage): Rule.every("3d") for stage in stages}}
        assert messages(policy_of({**rules, ("*", "*"): Rule.every("7d")}))[0] == (
            "warning A/*: never applies: every segment x stage it covers goes to a more specific rule (A/contacted, "
            "A/dormant, A/lead, ...)"
        )

    def test_a_default_that_never_applies_is_information(self) -> None:
        """A default that no combination reaches is a safety net: worth knowing, not a mistake."""
        rules = {("A", "*"): Rule.every("2d"), ("B", "*"): Rule.every("7d"), ("*", "*"): Rule.every("7d")}
        assert messages(policy_of(rules)) == [
            "info */*: never applies: every segment x stage it covers goes to a more specific rule (A/*, B/*)"
        ]

    def test_rules_for_terminal_stages_are_refused_before_lint(self) -> None:
        """A rule for a terminal stage could never apply either; `Policy` refuses it, so lint never sees one."""
        with pytest.raises(PolicyError, match=r'Policy.rules\[\*/lost\]: stage "lost" is terminal'):
            policy_of({("*", "lost"): Rule.every("1d"), ("*", "*"): Rule.every("7d")})

    def test_warnings_come_first(self) -> None:
        policy = policy_of({("A", "*"): Rule.every("2d", first_response="5d"), ("*", "*"): Rule.every("7d")})
        assert [finding.severity for finding in lint(policy)] == [Severity.WARNING, Severity.INFO]

    @pytest.mark.parametrize("name", ["abc", "saas", "fmcg-distribution", "machinery", "value-tiers"])
    def test_the_cycle_presets_are_clean(self, name: str) -> None:
        assert lint(presets.load(name, calendar="UTC")) == []

    def test_customer_types_mix_hours_and_days(self) -> None:
        found = lint(presets.load("customer-types", calendar="UTC"))
        assert found
        assert {finding.severity for finding in found} == {Severity.INFO}


def layered(layers: dict[str, Layer], rules: dict[str, Rule] | None = None) -> Policy:
    return Policy("p", "Europe/Berlin", ["A", "B"], rules or {"*/*": Rule.every("7d")}, layers=layers)


class TestLayers:
    def test_clean_layers_say_only_what_falls_to_the_default(self) -> None:
        assert messages(layered({"A/*": Layer(intervals="3d"), "*/lead": Layer(first_response="1d")})) == [
            "info */*: 8 segment x stage combinations fall to the default rule: B/contacted, B/qualified, B/proposal, "
            "..."
        ]

    def test_a_layer_that_never_applies(self) -> None:
        policy = layered({"*/lead": Layer(grace="1d")}, {"*/*": Rule.every("7d"), "A/*": Rule.every("3d"),
                                                         "B/*": Rule.every("5d")})  # fmt: skip
        assert messages(policy)[0] == (
            "warning */lead: never applies: every segment x stage it covers has a more specific rule, or more "
            "specific layers set all its fields (A/*, B/*)"
        )

    def test_a_field_that_more_specific_layers_always_set(self) -> None:
        policy = layered({"*/lead": Layer(grace="1d", intervals="2d"), "A/*": Layer(intervals="3d"),
                          "B/*": Layer(intervals="4d")})  # fmt: skip
        assert messages(policy)[:1] == [
            "warning */lead: sets intervals, which never applies: more specific keys set it for every segment x "
            "stage it covers"
        ]

    def test_a_layer_that_a_segment_rule_takes_from_a_segment(self) -> None:
        policy = layered({"*/lead": Layer(first_response="1d")}, {"*/*": Rule.every("7d"), "A/*": Rule.every("3d")})
        assert messages(policy)[0] == (
            "info */lead: is not used for A/lead: a more specific rule takes every field there (make it a layer to "
            "combine the two)"
        )

    def test_findings_of_the_rule_layers_make_name_the_layer_and_the_keys(self) -> None:
        """Each part is fine alone; together the first response is longer than the interval."""
        policy = layered({"A/*": Layer(intervals="2d"), "*/lead": Layer(first_response="4d")})
        assert messages(policy)[0] == (
            "warning A/*: the rule */* + */lead + A/*: the first-response deadline (4 days) is longer than the "
            "interval (2 days): the first contact is allowed to wait longer than every later one"
        )

    def test_a_segment_layer_under_a_rule_for_one_of_its_stages(self) -> None:
        """The review's case: the layer is lost for A/lead only, not for all of A."""
        policy = layered({"A/*": Layer(grace="1d")}, {"*/*": Rule.every("7d"), "A/lead": Rule.every("2d")})
        assert messages(policy)[0] == (
            "info A/*: is not used for A/lead: a more specific rule takes every field there (make it a layer to "
            "combine the two)"
        )

    def test_combinations_with_layers_do_not_fall_to_the_default(self) -> None:
        policy = layered({"*/lead": Layer(first_response="1d")}, {"*/*": Rule.every("7d"), "A/won": Rule.every("2d")})
        assert messages(policy)[-1].startswith("info */*: 15 segment x stage combinations fall to the default rule")
