"""Rules and contact filters: construction, validation messages, monotonicity."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from cadence import (
    CadenceWarning,
    Cap,
    ContactFilter,
    PolicyError,
    Rule,
    business_days,
    days,
    hours,
    months,
    policy_files,
)


class TestRule:
    def test_every_and_sequence(self) -> None:
        assert Rule.every("7d").intervals == (days(7),)
        assert Rule.sequence("2d", "5d", "15d").intervals == (days(2), days(5), days(15))
        assert Rule(intervals="24h").intervals == (hours(24),)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"intervals": []}, "Rule.intervals must hold at least one interval"),
            ({"intervals": ["0d"]}, r"Rule.intervals\[0\] must be > 0 \(got 0 days\)"),
            ({"intervals": ["1d", "-2h"]}, r"Rule.intervals\[1\] must be > 0 \(got -2 hours\)"),
            ({"intervals": ["7x"]}, r'Rule.intervals\[0\]: "7x" is not a duration \(try "7d" or "P7D"\)'),
            ({"intervals": 7}, "Rule.intervals must be a duration or a sequence"),
            ({"intervals": ["7d"], "grace": "-1d"}, r"Rule.grace must be >= 0 \(got -1 day\)"),
            ({"intervals": ["7d"], "heads_up": "-1h"}, r"Rule.heads_up must be >= 0 \(got -1 hour\)"),
            ({"intervals": ["7d"], "first_response": "0h"}, r"Rule.first_response must be > 0 \(got 0 seconds\)"),
            ({"intervals": ["7d"], "churn_after": "0d"}, r"Rule.churn_after must be > 0"),
            ({"intervals": ["2d"], "heads_up": "2d"}, r"Rule.heads_up \(2 days\) must be shorter than the shortest"),
            (
                {"intervals": ["7d"], "first_response": "6h", "heads_up": "1d"},
                r"shorter than the shortest deadline \(6 hours\)",
            ),
            (
                {"intervals": ["30d"], "grace": "2d", "churn_after": "31d"},
                r"Rule.churn_after \(31 days\) must be longer than the longest deadline plus grace "
                r"\(30 days \+ 2 days\)",
            ),
            ({"intervals": ["1mo"], "churn_after": "31d"}, "must be longer than the longest deadline"),
            ({"intervals": ["7d"], "counts": "calls"}, "Rule.counts must be a ContactFilter"),
        ],
    )
    def test_invalid_rules_name_the_field(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(PolicyError, match=message):
            Rule(**kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("kwargs", "field", "value"),
        [
            ({"intervals": []}, "Rule.intervals", ()),
            ({"intervals": ["1d", "-2h"]}, "Rule.intervals[1]", hours(-2)),
            ({"intervals": ["7x"]}, "Rule.intervals[0]", "7x"),
            ({"intervals": 7}, "Rule.intervals", 7),
            ({"intervals": ["7d"], "grace": "-1d"}, "Rule.grace", days(-1)),
            ({"intervals": ["2d"], "heads_up": "2d"}, "Rule.heads_up", days(2)),
            ({"intervals": ["30d"], "churn_after": "30d"}, "Rule.churn_after", days(30)),
            ({"intervals": ["7d"], "churn_after": "4bd"}, "Rule.churn_after", business_days(4)),
            ({"intervals": ["7d"], "days_off": "never"}, "Rule.days_off", "never"),
            ({"intervals": ["1mo"], "days_off": "pause"}, "Rule.intervals[0]", months(1)),
            ({"intervals": ["7d"], "counts": "calls"}, "Rule.counts", "calls"),
            ({"intervals": ["7d"], "cap": 3}, "Rule.cap", 3),
        ],
    )
    def test_errors_carry_the_field_and_the_value(self, kwargs: dict[str, object], field: str, value: object) -> None:
        """Callers read ``error.field`` and ``error.value`` instead of parsing the message."""
        with pytest.raises(PolicyError, match=rf"^{re.escape(field)}[: ]") as caught:
            Rule(**kwargs)  # type: ignore[arg-type]
        assert (caught.value.field, caught.value.value) == (field, value)

    def test_zero_business_hours_are_refused_like_any_zero(self) -> None:
        """Zero business hours span nothing (their bounds are 0 to 0), so they are no deadline."""
        with pytest.raises(PolicyError, match=r"Rule.intervals\[0\] must be > 0 \(got 0 business seconds\)"):
            Rule.every("0bh")
        with pytest.raises(PolicyError, match=r"Rule.first_response must be > 0 \(got 0 business seconds\)"):
            Rule.every("1d", first_response="0bh")

    def test_timedeltas_follow_the_rules_of_durations(self) -> None:
        """A timedelta is an exact duration: zero, negative and sub-second ones are refused, naming the field."""
        assert Rule.every(timedelta(days=7), heads_up=timedelta(hours=1)) == Rule.every("168h", heads_up="1h")
        with pytest.raises(
            PolicyError, match=r"Rule.intervals\[0\]: datetime.timedelta\(microseconds=1\) is not a whole"
        ):
            Rule.every(timedelta(microseconds=1))
        with pytest.raises(PolicyError, match=r"Rule.intervals\[0\] must be > 0 \(got 0 seconds\)"):
            Rule.every(timedelta(0))
        with pytest.raises(PolicyError, match=r"Rule.grace must be >= 0 \(got -2 hours\)"):
            Rule.every("7d", grace=timedelta(hours=-2))

    def test_churn_just_past_interval_and_grace_is_valid(self) -> None:
        rule = Rule.every("30d", grace="2d", churn_after="33d")
        assert rule.churn_after == days(33)

    @pytest.mark.parametrize(
        ("rule", "monotone"),
        [
            (Rule.sequence("2d", "5d", "15d"), True),
            (Rule.sequence("15d", "5d"), False),
            (Rule.sequence("1d", "3d", first_response="2d"), False),
            (Rule.sequence("1d", "3d", first_response="1d"), True),
            (Rule.sequence("24h", "1d"), False),  # different kinds never compare
            (Rule.sequence("30d", "1mo"), False),  # one month is 28 days in February
            (Rule.sequence("28d", "1mo"), True),
            (Rule.sequence("1mo", "2mo"), True),
            (Rule.every("3d", first_response="24h"), False),
        ],
    )
    def test_is_monotone(self, rule: Rule, monotone: bool) -> None:
        assert rule.is_monotone is monotone

    def test_rules_are_values(self) -> None:
        assert Rule.every("7d", grace="1d") == Rule(intervals=[days(7)], grace=days(1))
        assert hash(Rule.every("1mo")) == hash(Rule.every(months(1)))


IMPOSSIBLE = {"cap": Cap(attempts=1, per="2d")}  # one attempt every 48 hours for a daily interval
A_FILE = 'version = 1\nname = "p"\ncalendar = "UTC"\nsegments = ["A"]\n[[rules]]\nkey = "*/*"\ninterval = "1d"\n'


class TestWarnings:
    """A CadenceWarning points at the user's line, however deep in the library it arose (it pointed at sys:1)."""

    @pytest.mark.parametrize(
        "build",
        [
            lambda: Rule(intervals=["1d"], **IMPOSSIBLE),
            lambda: Rule.every("1d", **IMPOSSIBLE),
            lambda: Rule.sequence("2d", "1d", **IMPOSSIBLE),
            lambda: policy_files.loads(A_FILE + 'cap = { attempts = 1, per = "2d" }\n'),
        ],
        ids=["Rule", "Rule.every", "Rule.sequence", "policy_files.loads"],
    )
    def test_a_warning_points_at_the_callers_line(self, build: Callable[[], object]) -> None:
        with pytest.warns(CadenceWarning, match="can never be met") as caught:
            build()
        assert (caught[0].filename, caught[0].lineno) == (__file__, build.__code__.co_firstlineno)


class TestContactFilter:
    @pytest.mark.parametrize(
        ("channel", "direction", "outcome", "counts"),
        [
            ("call", "outbound", "connected", True),
            ("call", "outbound", "no_answer", False),
            ("email", "outbound", "bounced", False),
            ("sms", "outbound", "failed", False),
            ("email", "outbound", "sent", True),
            ("call", "inbound", "no_answer", True),  # inbound always counts by default
            ("visit", "outbound", "other", True),
        ],
    )
    def test_default_counts_inbound_and_reached_outbound(
        self, channel: str, direction: str, outcome: str, counts: bool
    ) -> None:
        assert ContactFilter().admits(channel, direction, outcome) is counts

    def test_custom_filters(self) -> None:
        only_inbound = ContactFilter(directions="inbound")
        assert not only_inbound.admits("call", "outbound", "connected")
        everything = ContactFilter(non_reach=[])
        assert everything.admits("call", "outbound", "no_answer")

    def test_invalid(self) -> None:
        with pytest.raises(PolicyError, match=r"ContactFilter.channels: unknown channel 'fax'"):
            ContactFilter(channels=["fax"])
        with pytest.raises(PolicyError, match=r"ContactFilter.channels must not be empty"):
            ContactFilter(channels=[])

    def test_errors_carry_the_field_and_the_value(self) -> None:
        with pytest.raises(PolicyError) as caught:
            ContactFilter(directions=["sideways"])
        assert (caught.value.field, caught.value.value) == ("ContactFilter.directions", ["sideways"])
        with pytest.raises(PolicyError) as caught:
            ContactFilter(directions=[])
        assert (caught.value.field, caught.value.value) == ("ContactFilter.directions", frozenset())
