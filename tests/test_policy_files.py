"""Policy files: round trips, every error with its path and line, the JSON Schema, safety, presets as files."""

from __future__ import annotations

import functools
import json
import pickle
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence import (
    Calendar,
    Cap,
    Layer,
    Policy,
    PolicyError,
    Reclaim,
    Rule,
    RuleKey,
    Segment,
    Stage,
    Touchpoint,
    Unanswered,
    presets,
)
from cadence._errors import PolicyFileError, Problem
from cadence._model import Lifecycle
from cadence._rules import ContactFilter
from cadence.policy_files import dump, dumps, from_dict, json_schema, load, loads, to_dict
from strategies import layered_policies, policies

HEADER = 'version = 1\nname = "p"\ncalendar = "Europe/Berlin"\nsegments = ["A", "B"]\n'


@functools.cache
def schema_validator() -> Any:
    """A validator of the JSON Schema, the schema itself checked once (checking it is most of a validation's cost)."""
    schema = json_schema()
    validator: Any = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def problems(text: str, **kwargs: Any) -> list[str]:
    with pytest.raises(PolicyFileError) as caught:
        loads(text, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def full_policy() -> Policy:
    """A policy with every field set to something other than its default."""
    calendar = Calendar(
        "Asia/Shanghai",
        workdays="mon-sat",
        hours={"mon-fri": "09:00-12:00, 13:30-18:00", "sat-sun": "09:00-12:00"},
        holidays=["2026-10-01", "2026-10-02"],
        extra_workdays=["2026-09-27"],
        holiday_years=[2026],
    )
    lifecycle = Lifecycle([Stage("lead", "New lead"), Stage("customer"), Stage("gone", terminal=True)])
    return Policy(
        name="full",
        calendar=calendar,
        segments=[Segment("vip", "Key accounts", 0), Segment("std", rank=3)],
        lifecycle=lifecycle,
        rules={
            ("vip", "lead"): Rule.sequence("4bh", "1bd", "3bd", first_response="2bh", grace="2bh"),
            ("*", "lead"): Rule.every("2d", days_off="skip", heads_up="12h", grace="1bd"),
            ("*", "*"): Rule.every(
                "1mo",
                churn_after="90d",
                counts=ContactFilter(channels=["meeting", "visit"], non_reach=["no_answer"]),
                cap=Cap(min_gap="1d", attempts=3, per="7d"),
                unanswered=Unanswered(3, "reassign"),
                escalation=[("0d", "notify owner"), ("2d", "manager"), ("96h", "reassign")],
                reclaim=Reclaim("30d", protect="14d", extend="7d", max_protect="60d"),
            ),
            ("*", "customer"): Rule.every(
                "1mo", touchpoints=[Touchpoint("1d", "1d", "delivery"), Touchpoint("15d", label="visit")]
            ),
        },
    )


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_a_policy_with_every_field(self, fmt: str) -> None:
        policy = full_policy()
        assert loads(dumps(policy, format=fmt), format=fmt) == policy
        assert from_dict(to_dict(policy)) == policy

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(policies() | layered_policies())
    def test_load_of_dump_is_the_policy(self, policy: Policy) -> None:
        """For every valid policy p, load(dump(p)) == p, as a dict, TOML and JSON, layers included; and the JSON
        Schema accepts what is written."""
        assert from_dict(to_dict(policy)) == policy
        assert loads(dumps(policy)) == policy
        assert loads(dumps(policy, format="json"), format="json") == policy
        schema_validator().validate(to_dict(policy))

    def test_files(self, tmp_path: Path) -> None:
        policy = full_policy()
        for name in ("p.toml", "p.json"):
            dump(policy, tmp_path / name)
            assert load(tmp_path / name) == policy

    def test_the_calendar_argument_fills_in_or_replaces(self) -> None:
        text = dumps(full_policy(), calendar=False)
        assert "calendar" not in text
        assert loads(text, calendar="UTC").timezone == "UTC"
        assert loads(dumps(full_policy()), calendar="UTC").timezone == "UTC"
        assert problems(text) == ['calendar: missing (a time zone name such as "Europe/Berlin" or a [calendar] table)']

    def test_a_plain_zone_is_written_as_a_string(self) -> None:
        data = to_dict(presets.load("abc", calendar="Europe/Berlin"))
        assert data["calendar"] == "Europe/Berlin"
        assert data["version"] == 1


class TestErrors:
    def test_the_examples_of_the_issue(self) -> None:
        text = (
            HEADER
            + '\n[[rules]]\nkey = "A/lead"\ninterval = "2d"\n'
            + '\n[[rules]]\nkey = "A/negociation"\ninterval = "3d"\n'
            + '\n[[rules]]\nkey = "*/*"\ninterval = "7d"\n'
            + '\n[[rules]]\nkey = "B/won"\ninterval = "7x"\n'
        )
        assert problems(text) == [
            'rules[1]: unknown stage "negociation" (did you mean "negotiation"?) (line 10)',
            'rules[3].interval: "7x" is not a duration (try "7d" or "P7D") (line 20)',
        ]

    def test_all_problems_at_once(self) -> None:
        text = (
            'version = 2\nname = ""\ncalendar = "Mars/Olympus"\nsegments = ["A", 3]\ncolour = "red"\n'
            '\n[[rules]]\nkey = "A/*"\nintervall = "3d"\n'
            '\n[[rules]]\nkey = "*/*"\ninterval = "7d"\ngrace = "-1d"\nheads_up = 5\n'
        )
        assert problems(text) == [
            "version: 2 is not a known format version (this cadence reads version 1) (line 1)",
            "name: expected a non-empty string (got '') (line 2)",
            "calendar: unknown time zone 'Mars/Olympus' (use an IANA name such as 'Europe/Berlin') (line 3)",
            "segments[1]: expected a table of segment settings (got 3) (line 4)",
            "colour: unknown key (known: version, name, calendar, segments, stages, rules, layers) (line 5)",
            'rules[0]: give interval = "7d" or intervals = ["2d", "5d", "15d"] (exactly one of them) (line 7)',
            'rules[0].intervall: unknown key (did you mean "interval"?) (line 9)',
            'rules[1].heads_up: expected a duration such as "7d", "24h", "3bd" or "P7D" (got 5) (line 15)',
        ]

    def test_a_rule_that_does_not_build_is_reported_at_its_field(self) -> None:
        text = HEADER + '\n[[rules]]\nkey = "*/*"\ninterval = "2d"\nheads_up = "3d"\ngrace = "-1d"\n'
        assert problems(text) == ["rules[0].grace: must be >= 0 (got -1 day) (line 10)"]
        text = HEADER + '\n[[rules]]\nkey = "*/*"\ninterval = "2d"\nheads_up = "3d"\n'
        assert problems(text)[0].startswith("rules[0].heads_up: (3 days) must be shorter than the shortest deadline")

    def test_rulebook_records_report_their_fields(self) -> None:
        text = (
            HEADER
            + '\n[[rules]]\nkey = "*/*"\ninterval = "7d"\ncap = { attempts = 0, per = "7x" }\n'
            + 'escalation = [{ after = "2d", action = "manager" }, { after = "-1d", action = "owner" }]\n'
        )
        assert problems(text) == [
            'rules[0].cap.per: "7x" is not a duration (try "7d" or "P7D") (line 9)',
            "rules[0].escalation[1].after: must be >= 0 (got -1 day) (line 10)",
        ]
        text = HEADER + '\n[[rules]]\nkey = "*/*"\ninterval = "7d"\nescalation = [["2d", "x"], { after = "1d" }]\n'
        assert problems(text) == [
            "rules[0].escalation[0]: expected a table of escalation settings (got ['2d', 'x']) (line 9)"
        ]

    @pytest.mark.parametrize(
        ("record", "found"),
        [
            ('touchpoints = [{ after = "1d" }, { label = "visit" }]', ["rules[0].touchpoints[1].after: required"]),
            ('escalation = [{ action = "manager" }]', ["rules[0].escalation[0].after: required"]),
            ('reclaim = { protect = "14d" }', ["rules[0].reclaim.after: required"]),
            ("unanswered = { after = 3 }", ["rules[0].unanswered.then: required"]),
            ('unanswered = { then = "nurture" }', ["rules[0].unanswered.after: required"]),
            ("unanswered = {}", ["rules[0].unanswered.after: required", "rules[0].unanswered.then: required"]),
        ],
    )
    def test_a_record_without_a_required_field(self, record: str, found: list[str]) -> None:
        """Reported at the missing field's path and the record's line (it was a TypeError)."""
        text = HEADER + f'\n[[rules]]\nkey = "*/*"\ninterval = "7d"\n{record}\n'
        assert problems(text) == [f"{problem} (line 9)" for problem in found]

    @pytest.mark.parametrize("name", ["cap", "unanswered", "reclaim", "escalation", "touchpoints", "counts"])
    def test_any_key_of_a_record_may_be_missing(self, name: str) -> None:
        """Dropping any one key of any record of a full policy gives a policy or a PolicyFileError."""
        data = to_dict(full_policy())
        rule = next(rule for rule in data["rules"] if name in rule)
        records = rule[name] if isinstance(rule[name], list) else [rule[name]]
        for record in records:
            for key in list(record):
                value = record.pop(key)
                policy_or_policy_error(lambda: from_dict(data))
                record[key] = value

    def test_policy_level_problems(self) -> None:
        text = HEADER + '\n[[rules]]\nkey = "A/*"\ninterval = "2d"\n\n[[rules]]\nkey = "A/*"\ninterval = "3d"\n'
        assert problems(text) == ["rules[1]: the key A/* is already used by rules[0] (line 10)"]
        text = HEADER + '\n[[rules]]\nkey = "A/lost"\ninterval = "2d"\n\n[[rules]]\nkey = "X/*"\ninterval = "3d"\n'
        assert problems(text) == [
            'rules[0]: stage "lost" is terminal and expects no follow-up (line 6)',
            'rules[1]: unknown segment "X" (known: A, B) (line 10)',
        ]
        text = HEADER + '\n[[rules]]\nkey = "A/*"\ninterval = "2d"\n'
        assert problems(text)[0].startswith("rules: Policy 'p' has no rule for B/lead, B/contacted")

    def test_policy_errors_are_reported_at_their_field(self) -> None:
        """Read from the error's ``field``: a duplicate segment is at segments[1] (it was at rules.segments[1])."""
        text = HEADER.replace('["A", "B"]', '["A", "A"]') + 'rules = [{ key = "*/*", interval = "1d" }]\n'
        assert problems(text) == ["segments[1]: duplicate segment id 'A' (line 4)"]

    def test_errors_without_a_field_are_placed_by_their_message(self) -> None:
        """The model's errors that do not say their field yet are placed by the field their message starts with."""
        text = (
            HEADER.replace('["A", "B"]', '["A", { id = "B", rank = -1 }]')
            + 'rules = [{ key = "*/*", interval = "1d" }]\n'
        )
        assert problems(text) == ["segments[1].rank: must be an integer >= 0 (got -1) (line 4)"]

    def test_calendar_problems(self) -> None:
        text = (
            'version = 1\nname = "p"\nsegments = ["A"]\nrules = [{ key = "*/*", interval = "1bd" }]\n'
            '\n[calendar]\ntimezone = "Europe/Berlin"\nhours = "09:00-12:00, 11:00-13:00"\n'
        )
        assert problems(text) == ["calendar.hours: working hours 09:00-12:00, 11:00-13:00 overlap (line 8)"]

    def test_a_calendar_from_a_holiday_source(self) -> None:
        text = (
            'version = 1\nname = "p"\nsegments = ["A"]\nrules = [{ key = "*/*", interval = "1bd" }]\n'
            '\n[calendar]\ntimezone = "Asia/Shanghai"\nhours = "09:00-18:00"\nextra_workdays = ["2026-12-26"]\n'
            'holidays = { country = "CN", years = [2026] }\n'
        )
        calendar = loads(text).calendar
        assert calendar.hours is not None
        assert {"2026-10-10", "2026-12-26"} <= {d.isoformat() for d in calendar.extra_workdays}
        assert problems(text.replace('"CN"', '"XX"'))[0].startswith(
            "calendar.from_holidays: country/subdiv: Country XX"
        )

    def test_syntax_errors_give_the_line(self) -> None:
        assert problems('version = 1\nname = "p\nsegments = []\n') == [
            "not valid TOML: Illegal character '\\n' (line 2)"
        ]
        assert problems('{"version": 1,\n "name": }', format="json") == ["not valid JSON: Expecting value (line 2)"]

    def test_a_file_names_itself(self, tmp_path: Path) -> None:
        path = tmp_path / "team.toml"
        path.write_text('version = 1\nname = "p"\n')
        with pytest.raises(PolicyFileError, match=r"team.toml has 3 problems"):
            load(path)
        with pytest.raises(PolicyError, match=r"a policy file must end in .toml or .json"):
            load(tmp_path / "team.yaml")
        with pytest.raises(PolicyError, match=r"cannot read the policy file"):
            load(tmp_path / "missing.toml")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ([], "expected a table of policy settings (got [])"),
            ({"version": True}, "version: True is not a known format version"),
            ({"version": 1.0}, "version: 1.0 is not a known format version"),
        ],
    )
    def test_dict_input(self, data: object, message: str) -> None:
        with pytest.raises(PolicyFileError) as caught:
            from_dict(data)  # type: ignore[arg-type]
        assert message in str(caught.value.problems[0])

    def test_a_policy_file_error_pickles_with_its_problems(self) -> None:
        """It crosses a process whole: made again from its problems and source, not from its message."""
        error = PolicyFileError([Problem("rules[0].interval", "bad", 9)], source="team.toml")
        again = pickle.loads(pickle.dumps(error))
        assert (again.problems, again.source, str(again)) == (error.problems, "team.toml", str(error))

    def test_errors_carry_field_and_value(self) -> None:
        """Errors say which field and value they are about as attributes; None when they do not say."""
        error = PolicyError("Rule.grace must be >= 0 (got -1 day)", field="Rule.grace", value="-1d")
        assert (error.field, error.value) == ("Rule.grace", "-1d")
        assert pickle.loads(pickle.dumps(error)).field == "Rule.grace"
        assert (PolicyError("bad").field, PolicyError("bad").value) == (None, None)

    def test_problems_are_values(self) -> None:
        assert Problem("a", "b", 1) == Problem("a", "b", 1)
        assert str(Problem("", "bad")) == "bad"
        assert repr(Problem("x", "y")) == "Problem('x', 'y', line=None)"


class TestSafety:
    def test_nothing_is_evaluated_or_fetched(self) -> None:
        """Keys that would name files or code are unknown keys; values are only ever parsed as data."""
        text = HEADER + 'include = "/etc/passwd"\n\n[[rules]]\nkey = "*/*"\ninterval = "__import__(\'os\')"\n'
        found = problems(text)
        assert found[0].startswith("include: unknown key (known: version, name")
        assert found[1].startswith("rules[0].interval: \"__import__('os')\" is not a duration")

    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_deeply_nested_documents(self, fmt: str) -> None:
        text = "a = " + "[" * 100_000 + "]" * 100_000 if fmt == "toml" else "[" * 100_000 + "]" * 100_000
        with pytest.raises(PolicyFileError):
            loads(text, format=fmt)

    def test_huge_documents(self) -> None:
        with pytest.raises(PolicyFileError, match="longer than 5,000,000 characters"):
            loads("#" * 5_000_001)

    def test_deep_dicts(self) -> None:
        data: Any = {}
        for _ in range(50_000):
            data = {"rules": data}
        with pytest.raises(PolicyError):
            from_dict({"version": 1, "name": "x", "calendar": "UTC", "segments": ["A"], "rules": [data]})


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)
_words = st.sampled_from(["version", "name", "calendar", "segments", "rules", "key", "interval", "intervals",
                          "grace", "stages", "id", "timezone", "hours", "holidays", "counts", "days_off"])  # fmt: skip


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    """Replace one value somewhere in ``data`` with junk, or drop a key."""
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data)))
        out = dict(data)
        choice = draw(st.integers(0, 2))
        if choice == 0:
            del out[key]
        elif choice == 1:
            out[key] = draw(_json)
        else:
            out[key] = _mutate(data[key], draw)
        return out
    if isinstance(data, list) and data:
        index = draw(st.integers(0, len(data) - 1))
        return [*data[:index], _mutate(data[index], draw), *data[index + 1 :]]
    return draw(_json)


def policy_or_policy_error(load: Callable[[], object]) -> None:
    """The fuzz contract: a Policy, or a PolicyError; anything else (another exception, a hang) fails."""
    try:
        result = load()
    except PolicyError:
        return
    assert isinstance(result, Policy)


class TestFuzz:
    @given(st.dictionaries(_words | st.text(max_size=8), _json, max_size=8))
    def test_any_dict_loads_or_raises_a_policy_error(self, data: dict[str, Any]) -> None:
        policy_or_policy_error(lambda: from_dict(data))

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(policies(), st.data())
    def test_damaged_policies_load_or_raise_a_policy_error(self, policy: Policy, data: st.DataObject) -> None:
        damaged = _mutate(to_dict(policy), data.draw)
        policy_or_policy_error(lambda: from_dict(damaged))

    @given(st.text(alphabet=string.printable, max_size=200) | st.text(max_size=50))
    def test_any_text_loads_or_raises_a_policy_error(self, text: str) -> None:
        for fmt in ("toml", "json"):
            policy_or_policy_error(lambda fmt=fmt: loads(text, format=fmt))

    @given(st.data())
    def test_damaged_toml_text(self, data: st.DataObject) -> None:
        text = presets.text("customer-types")
        position = data.draw(st.integers(0, len(text) - 1))
        junk = data.draw(st.text(alphabet='[]{}="\n,#x0-', max_size=5))
        policy_or_policy_error(lambda: loads(text[:position] + junk + text[position + 1 :], calendar="UTC"))


LAYERED = """\
version = 1
name = "tiers"
calendar = "Europe/Berlin"
segments = ["A", "B", "C"]

[[rules]]
key = "*/*"
interval = "7d"
grace = "1d"

[[layers]]
key = "A/*"
interval = "3d"

[[layers]]
stage = "lead"
first_response = "1d"
grace = "0d"
"""


class TestLayers:
    def test_layers_are_read_and_written(self) -> None:
        policy = loads(LAYERED)
        assert policy.layers == ((RuleKey("A", "*"), Layer(intervals="3d")),
                                 (RuleKey("*", "lead"), Layer(first_response="1d", grace="0d")))  # fmt: skip
        assert policy.rule_for("A", "lead").label == "*/* + */lead + A/*"
        written = to_dict(policy)
        assert written["layers"] == [{"key": "A/*", "interval": "3d"},
                                     {"key": "*/lead", "first_response": "1d", "grace": "0d"}]  # fmt: skip
        assert "layers" not in to_dict(presets.load("abc", calendar="UTC"))
        schema_validator().validate(written)

    @pytest.mark.parametrize(
        ("more", "problem"),
        [
            ('key = "B/*"\n', "layers[2]: a Layer must set at least one field of a Rule (line 20)"),
            ('key = "B/*"\ngrace = "soon"\n',
             'layers[2].grace: "soon" is not a duration (try "7d" or "P7D") (line 22)'),
            ('key = "B/*"\ninterval = "1d"\nintervals = ["2d"]\n',
             'layers[2]: give interval = "7d" or intervals = ["2d", "5d", "15d"], not both (line 20)'),
            ('key = "*/*"\ngrace = "2d"\n', "layers[2]: the key */* is already used by rules[0] (line 20)"),
            ('key = "B/*"\ncolour = "red"\n', "layers[2].colour: unknown key (known: key, segment, stage, interval,"),
            ('key = "B/lead"\nheads_up = "2d"\n',
             "layers[2]: the rule for B/lead (*/* + */lead + B/lead) is inconsistent: Rule.heads_up (2 days) must be "
             "shorter than the shortest deadline (1 day)"),
        ],
    )  # fmt: skip
    def test_bad_layers_name_their_place(self, more: str, problem: str) -> None:
        with pytest.raises(PolicyFileError) as raised:
            loads(LAYERED + "\n[[layers]]\n" + more)
        assert any(line.strip().startswith(problem) for line in str(raised.value).splitlines()[1:])

    def test_the_schema_refuses_a_layer_without_a_field(self) -> None:
        data = to_dict(loads(LAYERED))
        for layer in ({"key": "B/*"}, {}):
            with pytest.raises(jsonschema.ValidationError):
                schema_validator().validate({**data, "layers": [layer]})

    def test_an_inconsistent_rule_blames_the_layer_that_set_the_field(self) -> None:
        """The review's case: */lead sets the grace that A/* is not to blame for."""
        text = LAYERED.replace('grace = "0d"', 'grace = "-1d"')
        with pytest.raises(PolicyFileError) as raised:
            loads(text)
        assert str(raised.value).splitlines()[1].strip() == "layers[1].grace: must be >= 0 (got -1 day) (line 18)"
        layers = {"A/*": Layer(intervals="1d"), "*/lead": Layer(heads_up="2d")}
        with pytest.raises(PolicyError, match=r"^Policy.layers\[\*/lead\]: the rule for A/lead .*Rule.heads_up"):
            Policy("t", "UTC", ["A"], {"*/*": Rule.every("7d")}, layers=layers)

    def test_the_examples_of_the_docs_load(self) -> None:
        """The TOML blocks of docs/policy-files.md: the format's example is a policy that loads."""
        text = (Path(__file__).parent.parent / "docs" / "policy-files.md").read_text(encoding="utf-8")
        blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
        policy = loads(blocks[0])
        assert [str(key) for key, _ in policy.layers] == ["*/won"]

    def test_the_schema_refuses_both_forms_of_a_list_in_a_layer(self) -> None:
        data = to_dict(loads(LAYERED))
        data["layers"][0]["intervals"] = ["2d"]
        with pytest.raises(jsonschema.ValidationError):
            schema_validator().validate(data)


class TestSchema:
    @pytest.mark.parametrize("name", presets.names())
    def test_every_preset_validates(self, name: str) -> None:
        policy = presets.load(name, calendar="Europe/Berlin")
        schema_validator().validate(to_dict(policy))
        schema_validator().validate(to_dict(policy, calendar=False) | {"calendar": "UTC"})

    def test_a_policy_with_every_field_validates(self) -> None:
        schema_validator().validate(to_dict(full_policy()))
        schema_validator().validate(json.loads(dumps(full_policy(), format="json")))

    @pytest.mark.parametrize(
        "change",
        [
            lambda d: d.pop("version"),
            lambda d: d.update(version=2),
            lambda d: d.update(colour="red"),
            lambda d: d["rules"][0].update(interval="7x"),
            lambda d: d["rules"][0].update(intervals=["7d"]),
            lambda d: d["rules"][0].update(days_off="weekends"),
            lambda d: d["rules"][0].update(counts={"channels": ["fax"]}),
            lambda d: d.update(segments=[]),
            lambda d: d.update(calendar={"workdays": "mon-fri"}),
        ],
    )
    def test_invalid_documents_are_refused(self, change: Any) -> None:
        data = to_dict(presets.load("abc", calendar="Europe/Berlin"))
        change(data)
        with pytest.raises(jsonschema.ValidationError):
            schema_validator().validate(data)

    def test_the_schema_is_a_valid_schema(self) -> None:
        jsonschema.Draft202012Validator.check_schema(json_schema())


class TestPresetsAsFiles:
    def test_presets_are_the_files(self) -> None:
        for name in presets.names():
            assert loads(presets.text(name), calendar="UTC") == presets.load(name, calendar="UTC")
            assert presets.text(name).startswith(f'# cadence preset "{name}"')

    def test_unknown_preset(self) -> None:
        with pytest.raises(PolicyError, match=r"unknown preset 'xyz'"):
            presets.text("xyz")
