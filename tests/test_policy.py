"""Policies: resolution order, validation at build time, messages that name the key and field."""

from __future__ import annotations

import ast
import copy
import graphlib
import pickle
from pathlib import Path

import attrs
import pytest
from hypothesis import given

import cadence
from builders import berlin, call
from cadence import (
    ANY,
    Customer,
    Layer,
    Lifecycle,
    Policy,
    PolicyError,
    Rule,
    RuleKey,
    Segment,
    Stage,
    Status,
    Touchpoint,
    assess,
    days,
    hours,
    months,
)
from strategies import as_of_instants, customer_at, customer_specs, history_at, history_specs, layered_policies

SEGMENTS = [Segment("A", rank=0), Segment("B", rank=1)]


def build(rules: object, **kwargs: object) -> Policy:
    kwargs.setdefault("name", "p")
    return Policy(calendar="Europe/Berlin", segments=kwargs.pop("segments", SEGMENTS), rules=rules, **kwargs)  # type: ignore[arg-type]


class TestResolution:
    def test_most_specific_first(self) -> None:
        rules = {
            ("A", "lead"): Rule.every("1d"),
            ("A", ANY): Rule.every("2d"),
            (ANY, "lead"): Rule.every("3d"),
            (ANY, ANY): Rule.every("4d"),
        }
        policy = build(rules)
        assert policy.rule_for("A", "lead").key == RuleKey("A", "lead")
        assert policy.rule_for("A", "won").key == RuleKey("A", ANY)
        assert policy.rule_for("B", "lead").key == RuleKey(ANY, "lead")
        assert policy.rule_for("B", "won").key == RuleKey(ANY, ANY)
        assert policy.rule_for("B", "won").rule == Rule.every("4d")

    def test_string_keys(self) -> None:
        policy = build({"A/lead": Rule.every("1d"), "A": Rule.every("2d"), "*": Rule.every("3d")})
        assert str(policy.rule_for("A", "won").key) == "A/*"
        assert str(policy.rule_for("B", "lead").key) == "*/*"

    def test_with_rules_replaces_and_adds(self) -> None:
        policy = build({(ANY, ANY): Rule.every("7d")})
        faster = policy.with_rules({("A", ANY): Rule.every("2d")})
        assert faster.rule_for("A", "lead").rule == Rule.every("2d")
        assert policy.rule_for("A", "lead").rule == Rule.every("7d")

    def test_equal_by_value_whatever_the_rule_order(self) -> None:
        one = build({("A", ANY): Rule.every("2d"), (ANY, ANY): Rule.every("7d")})
        two = build({(ANY, ANY): Rule.every("7d"), ("A", ANY): Rule.every("2d")})
        assert one == two


class TestValidation:
    def test_unknown_stage_with_suggestion(self) -> None:
        with pytest.raises(
            PolicyError,
            match=r'Policy.rules\[A/negociation\]: unknown stage "negociation" \(did you mean "negotiation"\?\)',
        ):
            build({("A", "negociation"): Rule.every("1d"), (ANY, ANY): Rule.every("7d")})

    def test_unknown_segment(self) -> None:
        with pytest.raises(PolicyError, match=r'Policy.rules\[Z/\*\]: unknown segment "Z" \(known: A, B\)'):
            build({("Z", ANY): Rule.every("1d"), (ANY, ANY): Rule.every("7d")})

    def test_duplicate_keys(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.rules\[A/\*\]: duplicate key"):
            build([(("A", ANY), Rule.every("1d")), ("A/*", Rule.every("2d")), ((ANY, ANY), Rule.every("7d"))])

    def test_rule_on_a_terminal_stage(self) -> None:
        with pytest.raises(PolicyError, match=r'Policy.rules\[\*/lost\]: stage "lost" is terminal'):
            build({(ANY, "lost"): Rule.every("1d"), (ANY, ANY): Rule.every("7d")})

    def test_every_segment_and_stage_must_resolve(self) -> None:
        with pytest.raises(
            PolicyError, match=r"Policy 'p' has no rule for B/lead, B/contacted, .*add those keys or a default"
        ):
            build({("A", ANY): Rule.every("1d")})

    def test_duplicate_segment(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.segments\[1\]: duplicate segment id 'A'"):
            build({(ANY, ANY): Rule.every("1d")}, segments=["A", "A"])

    def test_no_segments(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.segments must name at least one segment"):
            build({(ANY, ANY): Rule.every("1d")}, segments=[])

    def test_bad_key_shape(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.rules\[0\]: a rule key must be"):
            build({("A", "lead", "x"): Rule.every("1d")})

    def test_value_that_is_not_a_rule(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.rules\[\*/\*\] must be a Rule"):
            build({(ANY, ANY): "7d"})

    @pytest.mark.parametrize(
        ("rules", "kwargs", "field"),
        [
            ({("A", "negociation"): Rule.every("1d"), (ANY, ANY): Rule.every("7d")}, {}, "Policy.rules[A/negociation]"),
            ({(ANY, "lost"): Rule.every("1d"), (ANY, ANY): Rule.every("7d")}, {}, "Policy.rules[*/lost]"),
            ({("A", ANY): Rule.every("1d")}, {}, "Policy.rules"),
            ({(ANY, ANY): Rule.every("1d")}, {"segments": ["A", "A"]}, "Policy.segments[1]"),
            ({(ANY, ANY): "7d"}, {}, "Policy.rules[*/*]"),
            ({(ANY, ANY): Rule.every("1d")}, {"name": ""}, "Policy.name"),
        ],
    )
    def test_errors_carry_the_field(self, rules: object, kwargs: dict[str, object], field: str) -> None:
        with pytest.raises(PolicyError) as caught:
            build(rules, **kwargs)
        assert caught.value.field == field

    def test_custom_lifecycle(self) -> None:
        lifecycle = Lifecycle(["trial", "paying", Stage("cancelled", terminal=True)])
        policy = build({(ANY, "trial"): Rule.every("2d"), (ANY, ANY): Rule.every("30d")}, lifecycle=lifecycle)
        assert policy.rule_for("A", "trial").rule == Rule.every("2d")


class TestRuleFor:
    def test_unknown_segment(self) -> None:
        with pytest.raises(PolicyError, match=r"unknown segment \"C\""):
            build({(ANY, ANY): Rule.every("1d")}).rule_for("C", "lead")

    def test_unknown_stage(self) -> None:
        with pytest.raises(PolicyError, match=r'unknown stage "leed" \(did you mean "lead"\?\)'):
            build({(ANY, ANY): Rule.every("1d")}).rule_for("A", "leed")

    def test_terminal_stage(self) -> None:
        with pytest.raises(PolicyError, match='stage "lost" is terminal and has no rule'):
            build({(ANY, ANY): Rule.every("1d")}).rule_for("A", "lost")

    def test_errors_name_the_argument(self) -> None:
        with pytest.raises(PolicyError) as caught:
            build({(ANY, ANY): Rule.every("1d")}).rule_for("A", "leed")
        assert (caught.value.field, caught.value.value) == ("stage", "leed")


def module_imports(path: Path) -> set[str]:
    """The modules of the package that a module imports when it is loaded (not inside functions)."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("cadence."))
            elif isinstance(node, ast.ImportFrom) and node.module == "cadence":
                found.update(f"cadence.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cadence."):
                found.add(str(node.module))
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


class TestImports:
    def test_policy_files_imports_policy_and_not_the_reverse(self) -> None:
        """The file format depends on the policy; the policy's from_*/to_* methods load the format when called."""
        package = Path(cadence.__file__).parent
        assert "cadence._policy" in module_imports(package / "policy_files.py")
        assert not {"cadence.policy_files", "cadence._policy_schema"} & module_imports(package / "_policy.py")

    def test_the_modules_import_each_other_one_way(self) -> None:
        """No cycle among the modules of the package as they are loaded (the package's __init__ aside)."""
        package = Path(cadence.__file__).parent
        graph = {
            f"cadence.{path.stem}": module_imports(path) for path in package.glob("*.py") if path.stem != "__init__"
        }
        graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle

    def test_the_convenience_methods_are_the_file_format(self) -> None:
        policy = build({(ANY, ANY): Rule.every("7d")})
        assert Policy.from_toml(policy.to_toml()) == Policy.from_json(policy.to_json()) == policy
        assert Policy.from_dict(policy.to_dict(), calendar="UTC").timezone == "UTC"


# --- layered policies

TIERS = [Segment("A", rank=0), Segment("B", rank=1), Segment("C", rank=2)]


def tiers(layers: dict[str, Layer] | None = None) -> Policy:
    """The articles' set-up: tier cycles and stage milestones as layers over a default rule (a week, a day's
    grace); ``layers`` adds or replaces layers."""
    written = {
        "A/*": Layer(intervals="3d"),
        "C/*": Layer(intervals="1mo"),
        "*/lead": Layer(first_response="1d", grace="0d"),
        "*/won": Layer(touchpoints=[Touchpoint("7d", label="welcome call")]),
        **(layers or {}),
    }
    return Policy("tiers", "Europe/Berlin", TIERS, {(ANY, ANY): Rule.every("7d", grace="1d")}, layers=written)


class TestLayers:
    def test_tier_cycles_and_stage_milestones_combine(self) -> None:
        """A's leads take A's interval and the leads' first response: a rule per combination is not needed."""
        entered = berlin(2026, 3, 2, 9)  # a Monday
        lead = Customer("c-1", "A", "lead", stage_entered_at=entered, created_at=entered)
        policy = tiers()
        first = assess(policy, lead, [], as_of=berlin(2026, 3, 3, 10))
        assert (first.status, first.due_at, first.overdue_at) == (Status.DUE, berlin(2026, 3, 3), berlin(2026, 3, 4))
        called = assess(policy, lead, [call(berlin(2026, 3, 3, 11))], as_of=berlin(2026, 3, 3, 12))
        assert (called.status, called.due_at) == (Status.ON_TRACK, berlin(2026, 3, 6))
        assert called.rule_key == RuleKey(ANY, ANY)
        assert called.rule_label == "*/* + */lead + A/*"
        assert called.rule_sources == {
            "intervals": RuleKey("A", ANY),
            "first_response": RuleKey(ANY, "lead"),
            "grace": RuleKey(ANY, "lead"),
        }
        assert called.to_dict()["rule"] == "*/* + */lead + A/*"
        assert called.reason.endswith("; rule */* + */lead + A/*)")
        b_lead = assess(policy, attrs.evolve(lead, segment="B"), [call(berlin(2026, 3, 3, 11))], as_of=entered)
        assert b_lead.rule.intervals == (days(7),)  # type: ignore[union-attr]
        won = policy.rule_for("C", "won")
        assert (won.label, won.rule.intervals, won.rule.touchpoints[0].label) == ("*/* + */won + C/*", (months(1),),
                                                                                  "welcome call")  # fmt: skip

    def test_whole_rules_hide_the_stage_rule(self) -> None:
        """The surprise layers answer: with a rule at A/*, the rule at */lead never reaches A's leads."""
        whole = Policy("whole", "Europe/Berlin", TIERS,
                       {(ANY, ANY): Rule.every("7d"), ("A", ANY): Rule.every("3d"),
                        (ANY, "lead"): Rule.every("7d", first_response="1d")})  # fmt: skip
        assert whole.rule_for("A", "lead").rule.first_response is None
        assert tiers().rule_for("A", "lead").rule.first_response == days(1)

    def test_the_most_specific_setting_of_each_field_wins(self) -> None:
        """A segment's key is more specific than a stage's, as for rules; a field set at both comes from the
        segment's, the others from wherever they are set."""
        policy = tiers({"A/*": Layer(intervals="3d", grace="2h"), "A/lead": Layer(heads_up="1h")})
        match = policy.rule_for("A", "lead")
        assert (match.rule.grace, match.rule.first_response, match.rule.heads_up) == (hours(2), days(1), hours(1))
        assert dict(match.sources)["grace"] == RuleKey("A", ANY)
        assert match.label == "*/* + */lead + A/* + A/lead"

    def test_a_rule_takes_every_field_from_the_layers_below_it(self) -> None:
        policy = attrs.evolve(tiers(), rules={(ANY, ANY): Rule.every("7d"), ("B", "lead"): Rule.every("2d")})
        assert policy.rule_for("B", "lead") == (Rule.every("2d"), RuleKey("B", "lead"), ())
        assert policy.rule_for("A", "lead").rule.first_response == days(1)

    def test_without_layers_nothing_changes(self) -> None:
        rules = {("A", ANY): Rule.every("2d"), (ANY, ANY): Rule.every("7d")}
        assert build(rules).rule_for("A", "lead") == (Rule.every("2d"), RuleKey("A", ANY), ())
        assert build(rules).rule_for("A", "lead").label == "A/*"

    def test_a_layer_needs_a_rule_below_it(self) -> None:
        with pytest.raises(PolicyError, match=r"has no rule for A/lead, .*\(a layer changes the rule below it"):
            build({("B", ANY): Rule.every("7d")}, layers={(ANY, ANY): Layer(intervals="3d")})

    def test_a_key_holds_a_rule_or_a_layer(self) -> None:
        with pytest.raises(PolicyError, match=r"Policy.layers\[A/\*\]: the key also has a rule"):
            build({(ANY, ANY): Rule.every("7d"), ("A", ANY): Rule.every("2d")}, layers={"A": Layer(grace="1d")})

    def test_layer_keys_are_checked_as_rule_keys(self) -> None:
        with pytest.raises(PolicyError, match=r'Policy.layers\[\*/lost\]: stage "lost" is terminal'):
            build({(ANY, ANY): Rule.every("7d")}, layers={(ANY, "lost"): Layer(grace="1d")})
        with pytest.raises(PolicyError, match=r'Policy.layers\[D/\*\]: unknown segment "D"'):
            build({(ANY, ANY): Rule.every("7d")}, layers={"D": Layer(grace="1d")})
        with pytest.raises(PolicyError, match=r"Policy.layers\[A/\*\] must be a Layer \(got Rule"):
            build({(ANY, ANY): Rule.every("7d")}, layers={"A": Rule.every("1d")})

    def test_an_inconsistent_combination_names_the_layer_and_the_keys(self) -> None:
        with pytest.raises(PolicyError) as raised:
            tiers({"A/*": Layer(intervals="3d", heads_up="2d")})
        assert str(raised.value) == (
            "Policy.layers[A/*]: the rule for A/lead (*/* + */lead + A/*) is inconsistent: Rule.heads_up (2 days) "
            "must be shorter than the shortest deadline (1 day), or every follow-up would be due soon right after "
            "the previous one"
        )
        assert raised.value.field == "Policy.layers[A/*]"

    def test_layers_are_values(self) -> None:
        assert Layer(grace="1d", intervals=["3d"]) == Layer(intervals="3d", grace=days(1))
        assert repr(Layer(grace="1d", intervals=["3d"])) == "Layer(intervals=(3 days,), grace=1 day)"
        assert pickle.loads(pickle.dumps(tiers())) == tiers()
        assert copy.deepcopy(tiers()).rule_for("A", "lead") == tiers().rule_for("A", "lead")

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"interval": "3d"}, 'Layer.interval: a Rule has no such field (did you mean "intervals"?)'),
            ({}, "a Layer must set at least one field of a Rule"),
            ({"churn_after": None}, "Layer.churn_after: a layer sets values, and None is no value"),
            ({"grace": "soon"}, 'Layer.grace: "soon" is not a duration'),
            ({"counts": "calls"}, "Layer.counts must be a ContactFilter (got 'calls')"),
            ({"days_off": "never"}, 'Layer.days_off must be "count", "skip" or "pause"'),
            ({"intervals": []}, "Layer.intervals must hold at least one interval"),
            ({"grace": "-1d"}, "Layer.grace must be >= 0 (got -1 day)"),
            ({"heads_up": "1bd"}, "Layer.heads_up is counted in plain time"),
        ],
    )
    def test_bad_layers_name_the_field(self, fields: dict[str, object], message: str) -> None:
        """A layer is checked field by field as a rule is (the review found negative graces let through)."""
        with pytest.raises(PolicyError) as raised:
            Layer(**fields)
        assert str(raised.value).startswith(message)


def _chain(policy: Policy, segment: str, stage: str) -> list[tuple[RuleKey, Rule | Layer]]:
    """The keys that match, most specific first, down to the first that has a rule."""
    rules, layers = dict(policy.rules), dict(policy.layers)
    found: list[tuple[RuleKey, Rule | Layer]] = []
    for key in (RuleKey(segment, stage), RuleKey(segment, ANY), RuleKey(ANY, stage), RuleKey(ANY, ANY)):
        if key in rules:
            return [*found, (key, rules[key])]
        if key in layers:
            found.append((key, layers[key]))
    raise AssertionError("no rule")


@given(layered_policies())
def test_each_field_comes_from_the_most_specific_key_that_sets_it(policy: Policy) -> None:
    """Property: field by field, the rule that applies holds the value of the most specific key that sets the
    field (a rule sets every field), and `sources` names that key when it is a layer."""
    for segment, stage in _combos(policy):
        match = policy.rule_for(segment, stage)
        chain = _chain(policy, segment, stage)
        for field in attrs.fields(Rule):
            key, holder = next((k, h) for k, h in chain if isinstance(h, Rule) or field.name in h.as_dict())
            expected = getattr(holder, field.name) if isinstance(holder, Rule) else holder.as_dict()[field.name]
            assert getattr(match.rule, field.name) == expected
            assert dict(match.sources).get(field.name) == (None if isinstance(holder, Rule) else key)
        assert match.key == chain[-1][0]


@given(layered_policies(), as_of_instants, customer_specs(), history_specs())
def test_layers_equal_the_rules_they_make_written_out(policy: Policy, as_of, spec, history) -> None:  # type: ignore[no-untyped-def]
    """Property (a differential test): a layered policy assesses every customer as the policy that writes out the
    rule of each segment x stage, without layers, does, but for the rule's label and sources."""
    written = Policy(
        policy.name,
        policy.calendar,
        policy.segments,
        {combo: rule for combo, (rule, _, _) in ((c, policy.rule_for(*c)) for c in _combos(policy))},
        policy.lifecycle,
    )
    customer = customer_at(as_of, spec)
    events = history_at(as_of, history)
    layered, plain = assess(policy, customer, events, as_of=as_of), assess(written, customer, events, as_of=as_of)
    one, two = layered.to_dict(), plain.to_dict()
    assert {k: v for k, v in one.items() if k not in ("rule", "reason")} == {
        k: v for k, v in two.items() if k not in ("rule", "reason")
    }
    if layered.rule_label is not None:
        assert layered.reason.replace(layered.rule_label, "R") == plain.reason.replace(plain.rule_label or "", "R")


def _combos(policy: Policy) -> list[tuple[str, str]]:
    return [(s.id, stage.id) for s in policy.segments for stage in policy.lifecycle if not stage.terminal]
