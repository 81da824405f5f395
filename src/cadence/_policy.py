"""A `Policy`: the segments, the lifecycle, a time zone, and rules keyed by (segment, stage) with wildcards.

Imports go one way: the file format, `cadence.policy_files`, imports this module, never the reverse. The methods
``Policy.from_dict``, ``from_toml``, ``from_json``, ``to_dict``, ``to_toml`` and ``to_json`` are thin front ends of
`cadence.policy_files`, which they import when called: the core loads no file format (``tomllib``, ``json``, the
schema) until a policy is read or written as a file, and the format can depend on everything it reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import attrs

from cadence._calendars import Calendar
from cadence._durations import Duration
from cadence._errors import PolicyError, show
from cadence._model import DEFAULT_LIFECYCLE, Derived, Lifecycle, Segment
from cadence._plan import Plan, Schedule
from cadence._rulebook import TouchPlan
from cadence._rules import Layer, Rule
from cadence._time import Zone, get_zone
from cadence._workdays import Workdays


class Extra(NamedTuple):
    """What a rule adds to the plain cadence, compiled (None for a rule with neither)."""

    reply: Plan | None  # the plan of the reply deadline
    fixed: bool  # a fixed schedule: the next follow-up counts from the previous due time


Compiled = tuple[Plan, tuple[Plan, ...], int, TouchPlan | None, Extra | None]
"""A rule as the engine reads it: the first plan, one plan per step, the contact filter's mask, the touchpoints, and
the reply deadline and fixed schedule (None: neither)."""

__all__ = ["ANY", "Policy", "RuleKey", "RuleMatch"]

_K = TypeVar("_K", Rule, Layer)

ANY = "*"
"""The wildcard in a `RuleKey`: any segment, or any stage."""


@attrs.frozen(order=True)
class RuleKey:
    """The (segment, stage) a rule is written for; either may be `ANY`. ``RuleKey("*", "*")`` is the default.

    >>> str(RuleKey("A", ANY))
    'A/*'
    """

    segment: str = ANY
    stage: str = ANY

    def __str__(self) -> str:
        return f"{self.segment}/{self.stage}"

    @property
    def specificity(self) -> int:
        """3 for (segment, stage), 2 for (segment, any), 1 for (any, stage), 0 for the default."""
        return (self.segment != ANY) * 2 + (self.stage != ANY)


class RuleMatch(NamedTuple):
    """The rule that applies to a segment x stage, the key it was written under, and the layers on it.

    ``sources`` names each field that a layer set, with the key of the layer that set it (the most specific one);
    every other field is the rule's own. Without layers, ``sources`` is empty and ``rule`` is the rule at ``key``.
    """

    rule: Rule
    key: RuleKey
    sources: tuple[tuple[str, RuleKey], ...] = ()

    @property
    def label(self) -> str:
        """The key, then the keys of the layers that set fields on it, least specific first: ``*/* + */lead +
        A/*``."""
        if not self.sources:
            return str(self.key)
        layers = sorted({key for _, key in self.sources}, key=lambda key: (key.specificity, key))
        return " + ".join([str(self.key), *(str(key) for key in layers)])


# What the calculator reads per (segment, stage): the match, the compiled rule and the segment's rank.
Resolved = tuple[RuleMatch, Compiled, int]


def _to_key(value: object, field: str) -> RuleKey:
    if isinstance(value, RuleKey):
        return value
    if isinstance(value, str):
        value = tuple(value.split("/")) if "/" in value else (value, ANY) if value != ANY else (ANY, ANY)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) and v for v in value):
        return RuleKey(value[0], value[1])
    raise PolicyError(
        f"{field}: a rule key must be (segment, stage), 'segment/stage' or a RuleKey (got {show(value)})",
        field=field,
        value=value,
    )


def _keyed(value: object, kind: type[_K], name: str) -> tuple[tuple[RuleKey, _K], ...]:
    """A mapping (or pairs) of keys to rules or layers, most specific first."""
    items: Iterable[Any]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = value
    else:
        raise PolicyError(
            f"Policy.{name} must be a mapping of (segment, stage) to {kind.__name__} (got {show(value)})",
            field=f"Policy.{name}",
            value=value,
        )
    pairs: list[tuple[RuleKey, _K]] = []
    seen: set[RuleKey] = set()
    for index, item in enumerate(items):
        if not (isinstance(item, tuple) and len(item) == 2):
            raise PolicyError(
                f"Policy.{name}[{index}] must be a (key, {kind.__name__}) pair (got {show(item)})",
                field=f"Policy.{name}[{index}]",
                value=item,
            )
        key = _to_key(item[0], f"Policy.{name}[{index}]")
        if not isinstance(item[1], kind):
            raise PolicyError(
                f"Policy.{name}[{key}] must be a {kind.__name__} (got {show(item[1])})",
                field=f"Policy.{name}[{key}]",
                value=item[1],
            )
        if key in seen:
            raise PolicyError(
                f"Policy.{name}[{key}]: duplicate key (each segment/stage may have one {kind.__name__.lower()})",
                field=f"Policy.{name}[{key}]",
                value=key,
            )
        seen.add(key)
        pairs.append((key, item[1]))
    return tuple(sorted(pairs, key=lambda pair: (-pair[0].specificity, pair[0])))


def _rules(value: object) -> tuple[tuple[RuleKey, Rule], ...]:
    return _keyed(value, Rule, "rules")


def _layers(value: object) -> tuple[tuple[RuleKey, Layer], ...]:
    return _keyed(value, Layer, "layers")


def _segments(value: object) -> tuple[Segment, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise PolicyError(
            f"Policy.segments must be a sequence of Segment (got {show(value)})", field="Policy.segments", value=value
        )
    segments = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = Segment(item, rank=index)
        if not isinstance(item, Segment):
            raise PolicyError(
                f"Policy.segments[{index}] must be a Segment or a segment id (got {show(item)})",
                field=f"Policy.segments[{index}]",
                value=item,
            )
        segments.append(item)
    return tuple(segments)


def _calendar(value: object) -> Calendar:
    if isinstance(value, Calendar):
        return value
    get_zone(value, "Policy.calendar")  # a zone name: check it here, so the error names this field
    assert isinstance(value, str)
    return Calendar(value)


def unknown(kind: str, value: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(value, known, n=1)
    hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(known)}"
    return f'unknown {kind} "{value}" ({hint})'


class _PolicySlots(Derived):
    __slots__ = ("_ranks", "_table", "_zone")
    _zone: Zone
    _table: dict[tuple[str, str], Resolved]  # the compiled rules (ids of this process: rebuilt when unpickled)
    _ranks: dict[str, int]


@attrs.frozen
class Policy(_PolicySlots):
    """Rules keyed by (segment, stage), resolved most specific first, with the segments, lifecycle and time zone.

    Resolution order: (segment, stage) > (segment, any stage) > (any segment, stage) > default (``("*", "*")``).
    The policy is checked when built: keys must name known segments and stages, no rule may target a terminal
    stage, and every segment x non-terminal stage must resolve to a rule.

    ``layers`` are keys that set only some fields (`Layer`): a segment x stage takes its most specific rule, and
    each layer at a more specific key sets its fields on it, the most specific setting of each field winning. So
    tier cycles and stage milestones combine without a rule per combination; `RuleMatch.sources` and
    `Assessment.rule_sources` say which key set which field.

    ``calendar`` is where day-based durations are counted and what business durations count: a `Calendar`, or
    an IANA zone name for a Monday-to-Friday calendar in that zone without hours or holidays. A customer that
    carries its own time zone is counted in it, with this calendar's working days, hours and holidays.

    >>> policy = Policy(
    ...     name="abc",
    ...     calendar="Europe/Berlin",
    ...     segments=[Segment("A", rank=0), Segment("B", rank=1)],
    ...     rules={("A", "*"): Rule.every("3d"), ("*", "*"): Rule.every("7d")},
    ... )
    >>> policy.rule_for("A", "lead").key
    RuleKey(segment='A', stage='*')
    >>> str(policy.rule_for("B", "won").key)
    '*/*'
    >>> layered = Policy("tiers", "Europe/Berlin", ["A", "B"], {("*", "*"): Rule.every("7d")},
    ...                  layers={("A", "*"): Layer(intervals="3d"), ("*", "lead"): Layer(first_response="1d")})
    >>> match = layered.rule_for("A", "lead")
    >>> match.label, match.rule.intervals, match.rule.first_response
    ('*/* + */lead + A/*', (days(3),), days(1))
    """

    name: str
    calendar: Calendar = attrs.field(converter=_calendar)
    segments: tuple[Segment, ...] = attrs.field(converter=_segments)
    rules: tuple[tuple[RuleKey, Rule], ...] = attrs.field(converter=_rules)
    lifecycle: Lifecycle = DEFAULT_LIFECYCLE
    layers: tuple[tuple[RuleKey, Layer], ...] = attrs.field(default=(), converter=_layers)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise PolicyError(
                f"Policy.name must be a non-empty string (got {show(self.name)})", field="Policy.name", value=self.name
            )
        if not isinstance(self.lifecycle, Lifecycle):
            raise PolicyError(
                f"Policy.lifecycle must be a Lifecycle (got {show(self.lifecycle)})",
                field="Policy.lifecycle",
                value=self.lifecycle,
            )
        if not self.segments:
            raise PolicyError("Policy.segments must name at least one segment", field="Policy.segments", value=())
        ranks: dict[str, int] = {}
        for index, segment in enumerate(self.segments):
            if segment.id in ranks:
                raise PolicyError(
                    f"Policy.segments[{index}]: duplicate segment id {show(segment.id)}",
                    field=f"Policy.segments[{index}]",
                    value=segment,
                )
            ranks[segment.id] = segment.rank
        rules, layers = dict(self.rules), dict(self.layers)
        for name, keys in (("rules", rules), ("layers", layers)):
            for key in keys:
                where = f"Policy.{name}[{key}]"
                if key.segment != ANY and key.segment not in ranks:
                    raise PolicyError(f"{where}: {unknown('segment', key.segment, ranks)}", field=where, value=key)
                if key.stage != ANY:
                    if key.stage not in self.lifecycle:
                        raise PolicyError(
                            f"{where}: {unknown('stage', key.stage, self.lifecycle.ids)}", field=where, value=key
                        )
                    if self.lifecycle[key.stage].terminal:
                        raise PolicyError(
                            f'{where}: stage "{key.stage}" is terminal and expects no follow-up', field=where, value=key
                        )
                if name == "layers" and key in rules:
                    raise PolicyError(
                        f"{where}: the key also has a rule (a key holds a rule or a layer, not both)",
                        field=where,
                        value=key,
                    )
        table: dict[tuple[str, str], Resolved] = {}
        compiled: dict[Rule, Compiled] = {}
        missing = []
        for segment in self.segments:
            for stage in self.lifecycle:
                if stage.terminal:
                    continue
                match = _resolve(rules, layers, segment.id, stage.id)
                if match is None:
                    missing.append(f"{segment.id}/{stage.id}")
                else:
                    if match.rule not in compiled:
                        compiled[match.rule] = _compile(match.rule, self.calendar._work)
                    table[segment.id, stage.id] = (match, compiled[match.rule], segment.rank)
        if missing:
            below = " (a layer changes the rule below it, so each needs one)" if layers else ""
            raise PolicyError(
                f"Policy {show(self.name)} has no rule for {', '.join(missing)}; "
                f'add those keys or a default ("*", "*"){below}',
                field="Policy.rules",
            )
        object.__setattr__(self, "_zone", self.calendar._zone)
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_ranks", ranks)

    @property
    def timezone(self) -> str:
        """The IANA zone of the policy's calendar."""
        return self.calendar.timezone

    def rule_for(self, segment: str, stage: str) -> RuleMatch:
        """The rule for a segment x stage, and the key that matched.

        Raises `PolicyError` for an unknown segment or stage, and for a terminal stage (which has no rule).
        """
        resolved = self._table.get((segment, stage))
        if resolved is not None:
            return resolved[0]
        if segment not in self._ranks:
            raise PolicyError(
                f"Policy {show(self.name)}: {unknown('segment', str(segment), self._ranks)}",
                field="segment",
                value=segment,
            )
        if stage not in self.lifecycle:
            raise PolicyError(
                f"Policy {show(self.name)}: {unknown('stage', str(stage), self.lifecycle.ids)}",
                field="stage",
                value=stage,
            )
        raise PolicyError(
            f'Policy {show(self.name)}: stage "{stage}" is terminal and has no rule', field="stage", value=stage
        )

    def segment(self, segment_id: str) -> Segment:
        """The `Segment` with this id."""
        for segment in self.segments:
            if segment.id == segment_id:
                return segment
        raise PolicyError(
            f"Policy {show(self.name)}: {unknown('segment', str(segment_id), self._ranks)}",
            field="segment_id",
            value=segment_id,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, calendar: Calendar | str | None = None) -> Policy:
        """Read a policy document: `cadence.policy_files.from_dict`, which reports every problem at once."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.from_dict(data, calendar=calendar)

    @classmethod
    def from_toml(cls, text: str, *, calendar: Calendar | str | None = None) -> Policy:
        """Read a policy from TOML text: `cadence.policy_files.loads`."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.loads(text, format="toml", calendar=calendar)

    @classmethod
    def from_json(cls, text: str, *, calendar: Calendar | str | None = None) -> Policy:
        """Read a policy from JSON text: `cadence.policy_files.loads`."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.loads(text, format="json", calendar=calendar)

    def to_dict(self) -> dict[str, Any]:
        """This policy as a plain dict in the policy-file format: `cadence.policy_files.to_dict`."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.to_dict(self)

    def to_toml(self) -> str:
        """This policy as TOML text, which `Policy.from_toml` reads back to an equal policy:
        `cadence.policy_files.dumps`."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.dumps(self, format="toml")

    def to_json(self) -> str:
        """This policy as JSON text, which `Policy.from_json` reads back to an equal policy:
        `cadence.policy_files.dumps`."""
        from cadence import policy_files  # when called: see the module docstring

        return policy_files.dumps(self, format="json")

    def with_rules(self, rules: Mapping[Any, Rule]) -> Policy:
        """A copy with some rules added or replaced: ``preset.with_rules({("A", "*"): Rule.every("2d")})``."""
        merged = dict(self.rules)
        merged.update((_to_key(key, "with_rules"), rule) for key, rule in rules.items())
        return attrs.evolve(self, rules=merged)


def _resolve(
    rules: Mapping[RuleKey, Rule], layers: Mapping[RuleKey, Layer], segment: str, stage: str
) -> RuleMatch | None:
    """The most specific rule for a segment x stage, with the fields of the layers above it set on it (the most
    specific setting of each field wins); None when no key has a rule."""
    above: list[tuple[RuleKey, Layer]] = []
    for key in (RuleKey(segment, stage), RuleKey(segment, ANY), RuleKey(ANY, stage), RuleKey(ANY, ANY)):
        rule = rules.get(key)
        if rule is not None:
            break
        if key in layers:
            above.append((key, layers[key]))
    else:
        return None
    if not above:
        return RuleMatch(rule, key)
    settings: dict[str, Any] = {}
    sources: dict[str, RuleKey] = {}
    for layer_key, layer in reversed(above):  # the least specific first, so that the more specific overwrite
        for name, value in layer.settings:
            settings[name], sources[name] = value, layer_key
    try:
        merged = attrs.evolve(rule, **settings)
    except PolicyError as error:  # named by the layer that set the field the error names, else the most specific
        named = (error.field or "").removeprefix("Rule.").split("[")[0]
        where = f"Policy.layers[{sources.get(named, above[0][0])}]"
        label = RuleMatch(rule, key, tuple(sources.items())).label
        raise PolicyError(
            f"{where}: the rule for {segment}/{stage} ({label}) is inconsistent: {error}",
            field=where,
            value=error.value,
        ) from None
    return RuleMatch(merged, key, tuple((name, sources[name]) for name in attrs.fields_dict(Rule) if name in sources))


def _compile(rule: Rule, work: Workdays) -> Compiled:
    """A rule as the engine reads it on a calendar's working days: the first plan, one plan per step of the
    sequence, the mask of counted contacts, the touchpoints, and the reply deadline and fixed schedule."""

    def plan(deadline: Duration) -> Plan:
        return Plan(deadline, rule.grace, rule.heads_up, rule.churn_after, work, rule.days_off)

    plans = tuple(plan(d) for d in rule.intervals)
    first = plans[0] if rule.first_response is None else plan(rule.first_response)
    touch = TouchPlan(rule.touchpoints) if rule.touchpoints else None
    reply = None if rule.reply_within is None else plan(rule.reply_within)
    fixed = rule.schedule is Schedule.FIXED
    return first, plans, rule.counts.mask, touch, Extra(reply, fixed) if reply is not None or fixed else None


# --- what the engines read of a policy (its compiled form is not part of the public class)


def compiled_rules(policy: Policy) -> dict[tuple[str, str], Resolved]:
    """The policy's rules resolved and compiled per (segment, stage) that has one (terminal stages have none)."""
    return policy._table


def policy_dates(policy: Policy) -> list[str]:
    """The names of the customers' dates that the policy's touchpoints count from (`Touchpoint.of`), sorted."""
    return sorted({t.of for match, _, _ in policy._table.values() for t in match.rule.touchpoints if t.of})


def policy_zone(policy: Policy) -> Zone:
    """The zone of the policy's calendar."""
    return policy._zone


def segment_ranks(policy: Policy) -> dict[str, int]:
    """Each segment's rank, by id."""
    return policy._ranks
