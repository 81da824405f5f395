"""Policies: resolution order, validation at build time, messages that name the key and field."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

import cadence
from cadence import ANY, Lifecycle, Policy, PolicyError, Rule, RuleKey, Segment, Stage

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
