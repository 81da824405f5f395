"""The field catalogue: the policy-file format of `Rule` and of the rulebook's records, stated on their fields, from
which the reader, the writer and the JSON Schema are all made."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest

from cadence import Cap, Level, Reclaim, Rule, Touchpoint, Unanswered
from cadence._policy_schema import catalogue
from cadence._rules import ContactFilter
from cadence.policy_files import from_dict, json_schema, to_dict

CATALOGUED = [Rule, ContactFilter, Cap, Unanswered, Level, Reclaim, Touchpoint]


def a_rule_with_every_field() -> Rule:
    return Rule.sequence(
        "2d",
        "5d",
        first_response="1d",
        grace="12h",
        heads_up="6h",
        churn_after="60d",
        counts=ContactFilter(channels=["call"], directions=["inbound"], non_reach=["failed"]),
        days_off="skip",
        cap=Cap(min_gap="1d", attempts=3, per="7d"),
        unanswered=Unanswered(3, "nurture"),
        escalation=[Level("0d", "owner"), Level("2d", "manager")],
        reclaim=Reclaim("30d", protect="14d", extend="7d", max_protect="60d"),
        touchpoints=[Touchpoint("1d", window="1d", label="welcome")],
        stuck_after="30d",
        reply_within="4h",
        schedule="fixed",
    )


def policy_with(rule: Rule) -> dict[str, Any]:
    return {"version": 1, "name": "p", "calendar": "UTC", "segments": ["A"], "rules": [{"key": "*/*", **rule}]}


def schema_of(*path: str) -> dict[str, Any]:
    """The schema of a rule (no path), or of one of its fields' tables (``"cap"``, ``"escalation"``)."""
    node: dict[str, Any] = json_schema()["properties"]["rules"]["items"]
    for key in path:
        node = node["properties"][key]
        node = node.get("items", node)
    return node


class TestCatalogue:
    @pytest.mark.parametrize("kind", CATALOGUED)
    def test_every_field_states_its_format(self, kind: type) -> None:
        """A field added without its format fails here, before a file could silently leave it out."""
        fields = [field.name for field in attrs.fields(kind) if field.init and not field.name.startswith("_")]
        assert [field.name for field in catalogue(kind)] == fields
        assert all(field.doc for field in catalogue(kind))

    @pytest.mark.parametrize(
        ("kind", "required"),
        [(Rule, ["intervals"]), (Cap, []), (Unanswered, ["after", "then"]), (Level, ["after"]),
         (Reclaim, ["after"]), (Touchpoint, ["after"]), (ContactFilter, [])],
    )  # fmt: skip
    def test_a_field_is_required_when_it_has_no_default(self, kind: type, required: list[str]) -> None:
        assert [field.name for field in catalogue(kind) if field.required] == required


class TestEveryFieldAppearsEverywhere:
    def test_the_writer_writes_every_field(self) -> None:
        """A rule with every field set is written with every key of the catalogue (intervals as a list)."""
        written = to_dict(from_dict(policy_with({"interval": "1d"})).with_rules({"*/*": a_rule_with_every_field()}))
        rule = written["rules"][0]
        assert list(rule) == ["key", *(field.name for field in catalogue(Rule))]
        assert list(rule["cap"]) == [field.name for field in catalogue(Cap)]
        assert list(rule["reclaim"]) == [field.name for field in catalogue(Reclaim)]
        assert rule["counts"] == {"channels": ["call"], "directions": ["inbound"], "non_reach": ["failed"]}

    def test_the_reader_reads_what_the_writer_writes(self) -> None:
        policy = from_dict(policy_with({"interval": "1d"})).with_rules({"*/*": a_rule_with_every_field()})
        assert from_dict(to_dict(policy)) == policy

    @pytest.mark.parametrize("kind", [Rule, Cap, Unanswered, Level, Reclaim, Touchpoint, ContactFilter])
    def test_the_schema_describes_every_field(self, kind: type) -> None:
        path = {Rule: (), Cap: ("cap",), Unanswered: ("unanswered",), Level: ("escalation",),
                Reclaim: ("reclaim",), Touchpoint: ("touchpoints",), ContactFilter: ("counts",)}[kind]  # fmt: skip
        table = schema_of(*path)
        for field in catalogue(kind):
            assert field.doc in table["properties"][field.name]["description"]
        assert table.get("required", []) == [f.name for f in catalogue(kind) if f.required and f.one is None]

    def test_a_rule_given_one_interval_or_a_list(self) -> None:
        assert schema_of()["oneOf"] == [{"required": ["interval"]}, {"required": ["intervals"]}]
        assert set(schema_of()["properties"]) == {"key", "segment", "stage", "interval"} | {
            field.name for field in catalogue(Rule)
        }

    def test_the_schema_is_the_same_in_every_process(self) -> None:
        """Duration units are listed longest first and by name (they were in the hash order of a set)."""
        pattern = schema_of()["properties"]["grace"]["pattern"]
        units = [unit.replace("\\ ", " ") for unit in re.search(r"\(\?:(business.*?)\)", pattern).group(1).split("|")]  # type: ignore[union-attr]
        assert units == sorted(units, key=lambda unit: (-len(unit), unit))
        assert units[-3:] == ["s", "w", "y"]
