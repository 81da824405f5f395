"""Lint a policy: legal settings that are probably not what was meant, each with a severity, key and sentence.

A policy that builds is consistent (`Policy` and `Rule` refuse what is contradictory). `lint` looks further: at
segment x stage combinations that quietly fall to the default rule, at sequences under which a later contact can
bring the next follow-up forward, at first-response deadlines longer than the interval, at churn thresholds that
a long holiday on the policy's calendar pushes a due date past, at caps that make the interval impossible, at
touchpoints later than the churn threshold, at deadlines at an instant without a grace (never ``due``: straight from
on track to overdue), at rules that never apply because more specific keys take everything
they cover, and at rules for a stage that a segment's own rule takes from that segment (``A/*`` comes before
``*/lead``, so A's leads follow ``A/*``).

>>> from cadence import Policy, Rule
>>> policy = Policy("p", "Europe/Berlin", ["A", "B"],
...                 {("A", "lead"): Rule.every("2d"), ("*", "*"): Rule.sequence("5d", "2d")})
>>> for finding in lint(policy):
...     print(finding)
warning */*: the sequence 5 days, 2 days gets shorter: a later counted contact can bring the next follow-up \
forward (property 4 of the semantics does not hold for this rule)
info */*: 17 segment x stage combinations fall to the default rule: A/contacted, A/qualified, A/proposal, ...
"""

from __future__ import annotations

import enum
import itertools

import attrs

from cadence._durations import BusinessDays, BusinessHours, CalendarDuration, Duration, ExactDuration
from cadence._errors import show
from cadence._policy import ANY, Policy, RuleKey, RuleMatch
from cadence._rules import DaysOff, Rule, sequence_monotone

__all__ = ["Finding", "Severity", "lint"]


class Severity(enum.Enum):
    """How much a finding matters: ``warning`` is probably a mistake, ``info`` is worth knowing."""

    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Finding:
    """One thing `lint` noticed about a rule (``key``) or about the policy as a whole (``key`` is ``None``)."""

    severity: Severity
    key: RuleKey | None
    message: str

    def __str__(self) -> str:
        where = "" if self.key is None else f" {self.key}"
        return f"{self.severity}{where}: {self.message}"


def lint(policy: Policy) -> list[Finding]:
    """The findings for ``policy``: warnings first, then information, each group in rule order."""
    findings: list[Finding] = []
    reach = _reach(policy)
    for key, rule in policy.rules:
        findings.extend(reach.get(key, []))
        findings.extend(_rule_findings(policy, key, rule))
    for key, _ in policy.layers:
        findings.extend(reach.get(key, []))
    findings.extend(_layered(policy))
    findings.extend(_fallthrough(policy))
    return sorted(findings, key=lambda finding: finding.severity is Severity.INFO)


def _reach(policy: Policy) -> dict[RuleKey, list[Finding]]:
    """Rules that never apply, and rules for a stage that some segments' own rules take (the usual surprise: a
    segment's rule ``A/*`` comes before a stage's rule ``*/lead``). `Policy` already refuses keys for unknown or
    terminal stages, so what is left to find is shadowing."""
    combos = [(segment.id, stage.id) for segment in policy.segments for stage in policy.lifecycle if not stage.terminal]
    taken = {combo: policy.rule_for(*combo).key for combo in combos}
    order = {key: index for index, (key, _) in enumerate(policy.rules)}
    found: dict[RuleKey, list[Finding]] = {}
    for key, _ in policy.rules:
        covered = [combo for combo in combos if key.segment in (ANY, combo[0]) and key.stage in (ANY, combo[1])]
        if covered and all(taken[combo] != key for combo in covered):
            takers = sorted({taken[combo] for combo in covered}, key=order.__getitem__)
            severity = Severity.INFO if key == RuleKey(ANY, ANY) else Severity.WARNING  # a default is a safety net
            why = ""
            if key.segment == ANY and key.stage != ANY and any(taker.stage == ANY for taker in takers):
                why = "; a segment's rule comes before a stage's rule"
            found[key] = [
                Finding(
                    severity,
                    key,
                    f"never applies: every segment x stage it covers goes to a more specific rule "
                    f"({_shown([str(taker) for taker in takers])}){why}",
                )
            ]
        elif covered and key.segment == ANY and key.stage != ANY:
            lost = [s for s, stage in covered if taken[s, stage] == RuleKey(s, ANY)]
            if lost:
                segments = _shown(lost)
                own = _shown([f"{s}/{ANY}" for s in lost])
                wanted = _shown([f"{s}/{key.stage}" for s in lost])
                one = len(lost) == 1
                found[key] = [
                    Finding(
                        Severity.INFO,
                        key,
                        f"is not used for segment{'s' * (not one)} {segments}: {own} {'is' if one else 'are'} more "
                        f"specific (a segment's rule comes before a stage's rule; add {wanted} to give "
                        f"{segments if one else 'them'} a rule for {key.stage})",
                    )
                ]
    matches = {combo: policy.rule_for(*combo) for combo in combos}
    for key, layer in policy.layers:
        covered = [combo for combo in combos if key.segment in (ANY, combo[0]) and key.stage in (ANY, combo[1])]
        used = {name for combo in covered for name, source in matches[combo].sources if source == key}
        if not used:
            labels = sorted({matches[combo].label for combo in covered})
            found[key] = [
                Finding(
                    Severity.WARNING,
                    key,
                    "never applies: every segment x stage it covers has a more specific rule, or more specific "
                    f"layers set all its fields ({_shown(labels)})",
                )
            ]
            continue
        unused = [name for name, _ in layer.settings if name not in used]
        if unused:
            one = len(unused) == 1
            found[key] = [
                Finding(
                    Severity.WARNING,
                    key,
                    f"sets {', '.join(unused)}, which never appl{'ies' if one else 'y'}: more specific keys set "
                    f"{'it' if one else 'them'} for every segment x stage it covers",
                )
            ]
        lost = [
            f"{segment}/{stage}"
            for segment, stage in covered
            if matches[segment, stage].key.specificity > key.specificity
            and all(source != key for _, source in matches[segment, stage].sources)
        ]
        if lost:
            found.setdefault(key, []).append(
                Finding(
                    Severity.INFO,
                    key,
                    f"is not used for {_shown(lost)}: a more specific rule takes every field there (make it a layer "
                    "to combine the two)",
                )
            )
    return found


def _layered(policy: Policy) -> list[Finding]:
    """The findings of each rule that layers make, found on no rule of the policy as written: named by the most
    specific layer that made it, with the keys that did."""
    if not policy.layers:
        return []
    written = {key: {finding.message for finding in _rule_findings(policy, key, rule)} for key, rule in policy.rules}
    found: dict[tuple[RuleKey, str], Finding] = {}
    for segment in policy.segments:
        for stage in policy.lifecycle:
            if stage.terminal:
                continue
            match = policy.rule_for(segment.id, stage.id)
            if not match.sources:
                continue
            layer = max((key for _, key in match.sources), key=lambda key: key.specificity)
            for finding in _rule_findings(policy, layer, match.rule):
                if finding.message not in written[match.key]:
                    message = f"the rule {match.label}: {finding.message}"
                    found.setdefault((layer, message), Finding(finding.severity, layer, message))
    return list(found.values())


def _shown(items: list[str]) -> str:
    """The first three items, and "..." for more."""
    return ", ".join(items[:3]) + (", ..." if len(items) > 3 else "")


def _rule_findings(policy: Policy, key: RuleKey, rule: Rule) -> list[Finding]:
    found = []

    def say(severity: Severity, message: str) -> None:
        found.append(Finding(severity, key, message))

    chain = [*([rule.first_response] if rule.first_response is not None else []), *rule.intervals]
    shrinking = any(b.bounds()[1] < a.bounds()[0] for a, b in itertools.pairwise(rule.intervals))
    first = rule.first_response
    first_longer = first is not None and first.bounds()[0] > rule.intervals[0].bounds()[1]
    if shrinking:
        listed = ", ".join(str(d) for d in rule.intervals)
        say(
            Severity.WARNING,
            f"the sequence {listed} gets shorter: a later counted contact can bring the next follow-up forward "
            "(property 4 of the semantics does not hold for this rule)",
        )
    if first_longer:
        say(
            Severity.WARNING,
            f"the first-response deadline ({first}) is longer than the interval ({rule.intervals[0]}): the first "
            "contact is allowed to wait longer than every later one",
        )
    # (A reply deadline brings the due time forward by design: it does not make the deadlines incomparable.)
    if not (shrinking or first_longer or sequence_monotone(rule)):
        kinds = ", ".join(str(d) for d in chain)
        say(
            Severity.INFO,
            f"the deadlines {kinds} do not compare for every start (different kinds, or months against days): a "
            "later counted contact can sometimes bring the next follow-up forward",
        )
    if rule.churn_after is not None:
        longest = max(_calendar_days(policy, d, rule.days_off) for d in chain) + _calendar_days(
            policy, rule.grace, rule.days_off
        )
        churn_days = rule.churn_after.bounds()[0] / 86_400
        if churn_days <= longest:
            say(
                Severity.WARNING,
                f"churn risk after {rule.churn_after} can come before the follow-up is overdue: on this calendar the "
                f"longest deadline plus grace spans up to {longest:g} days (holidays included)",
            )
    counted = [d for d in (*chain, rule.grace) if isinstance(d, CalendarDuration) and (d.days or d.months)]
    if rule.days_off is not DaysOff.COUNT and not counted:
        say(Severity.INFO, f'days_off = "{rule.days_off}" has no effect: the rule has no durations in days')
    if rule.cap is not None and rule.cap.shortest_cycle_us > rule.intervals[-1].bounds()[1] * 1_000_000:
        say(
            Severity.WARNING,
            f"the cap allows an attempt only every {rule.cap.shortest_cycle_us / 3_600_000_000:g} hours, so the "
            f"interval {rule.intervals[-1]} can never be met",
        )
    if rule.churn_after is not None:
        churn_days = rule.churn_after.bounds()[0] / 86_400
        for touch in rule.touchpoints:
            if touch.of is None and touch.after.bounds()[1] / 86_400 >= churn_days:  # (a date's: any time)
                say(
                    Severity.INFO,
                    f"the touchpoint {show(touch.label)} at {touch.after} comes after the churn threshold "
                    f"({rule.churn_after}): a customer left alone that long is flagged before it is due",
                )
    at_instants = [d for d in (*chain, rule.reply_within) if isinstance(d, (ExactDuration, BusinessHours))]
    if at_instants and isinstance(rule.grace, (ExactDuration, BusinessHours)) and not rule.grace.bounds()[1]:
        listed = ", ".join(str(d) for d in dict.fromkeys(at_instants))
        say(
            Severity.INFO,
            f"the deadlines {listed} end at an instant and there is no grace: such a follow-up is never due, it "
            "goes from on track (or due soon) to overdue at its deadline; a grace keeps it due that long",
        )
    if policy.calendar.hours is None and any(d.is_business and not d.is_calendar for d in (*chain, rule.grace)):
        say(
            Severity.INFO,
            "business hours on a calendar without working hours count every hour of a working day",
        )
    return found


def _calendar_days(policy: Policy, duration: Duration, days_off: DaysOff) -> float:
    """The longest the duration can run on the policy's calendar, in days (for the churn check)."""
    work = policy.calendar._work
    if isinstance(duration, BusinessDays):
        return float(work.longest_span(duration.days) + 1)
    if isinstance(duration, CalendarDuration) and days_off is not DaysOff.COUNT:
        if days_off is DaysOff.PAUSE and not duration.months:
            return float(work.longest_span(duration.days) + 1)
        return duration.bounds()[1] / 86_400 + work.longest_span(1)
    if isinstance(duration, BusinessHours):  # the working days that hold them, at the shortest day's hours
        hours = policy.calendar.hours
        shortest = (
            86_400 if hours is None else min(sum(e - b for b, e in hours[day]) for day in policy.calendar.workdays)
        )
        # (a shift past midnight ends on the date after the last working date that holds them)
        return float(work.longest_span(-(-duration.seconds // max(shortest, 1)) + 1) + work.overnight)
    return duration.bounds()[1] / 86_400


def _plain_default(match: RuleMatch) -> bool:
    return match.key == RuleKey(ANY, ANY) and not match.sources


def _fallthrough(policy: Policy) -> list[Finding]:
    """Combinations that fall to the default rule, without layers, while other rules exist: often a key that was
    forgotten."""
    default = RuleKey(ANY, ANY)
    if len(policy.rules) + len(policy.layers) < 2 or default not in dict(policy.rules):
        return []
    fallen = [
        f"{segment.id}/{stage.id}"
        for segment in policy.segments
        for stage in policy.lifecycle
        if not stage.terminal and _plain_default(policy.rule_for(segment.id, stage.id))
    ]
    if not fallen:
        return []
    return [
        Finding(
            Severity.INFO,
            default,
            f"{len(fallen)} segment x stage combination{'s' * (len(fallen) != 1)} fall to the default rule: "
            f"{_shown(fallen)}",
        )
    ]
