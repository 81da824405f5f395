"""The columnar engine: the pipeline of `_engine` over arrays of customers and contacts (numpy inside).

It answers for every customer at once what `_engine.evaluate` and `Answers` answer for one: the last counted
contact, the counted contacts since stage entry, the anchor, the thresholds, the status, the unanswered attempts,
the escalation level and the risk score. Thresholds come from the same compiled plans as the scalar path, asked
once per distinct (plan, zone, local date) for day deadlines and once per distinct anchor for the others, so the
two paths cannot disagree on calendar arithmetic.

What has no vectorized form here is marked for the scalar pipeline (`needs_scalar`): customers with deferrals or
under do-not-contact (the caller marks them), and any customer whose thresholds fall outside the supported range or
raise (the scalar path then gives the same answer or the same error).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from cadence._durations import ExactDuration
from cadence._engine import Status
from cadence._errors import CadenceError
from cadence._history import NONE, OUTBOUND
from cadence._model import Channel, Direction, Outcome
from cadence._plan import EXACT, Offset, Plan, Schedule
from cadence._policy import Resolved
from cadence._rulebook import Level, TouchPlan, shift
from cadence._rules import ContactFilter, Rule
from cadence._time import DAY_US, EPOCH_ORDINAL, MAX_US, MIN_US, US, Zone

__all__: list[str] = []

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]

CODES = len(Channel) * len(Direction) * len(Outcome)  # contact codes: 0 .. CODES - 1 (see `contact_code`)
_OUTBOUND = np.array([OUTBOUND >> code & 1 for code in range(CODES)], dtype=bool)
_DEFAULT_MASK = ContactFilter().mask
# Status codes: the index of a status in this list.
STATUSES = list(Status)
_ON_TRACK, _DUE_SOON, _DUE, _OVERDUE, _CHURN, _INACTIVE, _SNOOZED = (
    STATUSES.index(s)
    for s in (Status.ON_TRACK, Status.DUE_SOON, Status.DUE, Status.OVERDUE, Status.CHURN_RISK, Status.INACTIVE,
              Status.SNOOZED)
)  # fmt: skip


class CustomerColumns(NamedTuple):
    """The customers, one row each: ``entry`` and ``created`` in microseconds, ``rule`` the index of the resolved
    rule in the engine's list (-1: a terminal stage), ``zone`` an index into the zones, ``scalar`` True for the rows
    the caller assesses with the scalar pipeline itself, ``owner`` in the codes of the contacts' ``by`` (-1:
    none), ``claimed`` in microseconds (``NONE``: not claimed)."""

    entry: I64
    created: I64
    rule: I64
    zone: I64
    scalar: BOOL
    owner: I64
    claimed: I64


class ContactColumns(NamedTuple):
    """The contacts, one row each: the customer's row, the instant, the contact code, and who (-1: nobody)."""

    customer: I64
    at: I64
    code: I64
    by: I64


class DeferralColumns(NamedTuple):
    """The deferrals, one row each: the customer's row, when it was logged, its end as an instant (``NONE`` when
    it is a date) or as a local date ordinal (-1 when it is an instant), and who asked, ranked by name (0: nobody),
    so that the latest deferral is the largest (instant, kind, end, who), as `Deferral` ranks them."""

    customer: I64
    at: I64
    until: I64
    until_date: I64
    by: I64


class Columns(NamedTuple):
    """The answers per customer; instants are microseconds, ``NONE`` for none. Rows marked in ``needs_scalar``
    hold nothing meaningful: the caller assesses them with the scalar pipeline."""

    needs_scalar: BOOL
    status: I64  # an index into STATUSES
    anchor_kind: I64  # 0 stage entry, 1 counted contact, 2 deferral, -1 none
    step: I64
    anchor: I64
    due_soon: I64
    due: I64
    overdue: I64
    churn: I64
    last: I64
    silent_since: I64
    unanswered: I64
    escalation_level: I64
    next_escalation: I64
    risk: F64
    allowed: I64  # the earliest instant the rule's cap allows an attempt (``NONE``: no cap applies)
    reclaim: I64  # when the customer goes back to the shared pool (``NONE``: no reclaim rule, or no owner)
    stuck: I64  # when the customer has been in its stage for the rule's stuck_after (``NONE``: no such rule)
    # Per customer and touchpoint of its rule (customers x the most touchpoints of a rule x 4): opens, due, closes
    # and the counted contact that completed it, ``NONE`` where there is none.
    touches: I64


def local_ordinals(zone: Zone, us: I64) -> I64:
    """The local date ordinal of each instant in ``zone``, its UTC offset looked up among the zone's changes of
    offset between the earliest and the latest instant."""
    if not len(us):
        return np.zeros(0, dtype=np.int64)
    changes, offsets = zone.offsets_between(int(us.min()), int(us.max()))
    offset = np.array(offsets, dtype=np.int64)[np.searchsorted(np.array(changes, dtype=np.int64), us, "right")]
    ordinals: I64 = (us // US + offset) // 86_400 + EPOCH_ORDINAL
    return ordinals


def per_distinct(keys: I64, work: Callable[[int], Sequence[int]], width: int) -> I64:
    """``work(first row)`` once per distinct key, spread to every row: an array of ``len(keys) x width``."""
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    table = np.array([work(int(i)) for i in first], dtype=np.int64).reshape(len(unique), width)
    out: I64 = table[inverse]
    return out


def _churn(offset: Offset | None, zone: Zone, silent: I64) -> I64:
    if offset is None:
        return np.full(len(silent), NONE, dtype=np.int64)
    if offset.kind == EXACT:
        out: I64 = silent + offset.us
        return out
    return per_distinct(local_ordinals(zone, silent), lambda i: (offset.at(zone, int(silent[i])),), 1)[:, 0]


def _thresholds(plan: Plan, zone: Zone, anchor: I64, silent: I64) -> I64:
    """``(due_soon, due, overdue, churn)`` per row, as a ``rows x 4`` array."""
    deadline, grace, heads_up = plan.deadline, plan.grace, plan.heads_up
    out = np.empty((len(anchor), 4), dtype=np.int64)
    if deadline.kind == EXACT and grace.kind == EXACT and heads_up.kind == EXACT:
        due = anchor + deadline.us
        out[:, 0], out[:, 1], out[:, 2] = due - heads_up.us, due, due + grace.us
    else:
        keys = local_ordinals(zone, anchor) if deadline.day_granular else anchor
        out[:, :3] = per_distinct(keys, lambda i: plan.thresholds(zone, int(anchor[i]), int(anchor[i]))[:3], 3)
    out[:, 3] = _churn(plan.churn, zone, silent)
    return out


def _resumed(plan: Plan, zone: Zone, until: I64, until_date: I64) -> tuple[I64, I64]:
    """``(due_soon, due, overdue)`` rows and the anchors of follow-ups moved to deferrals' ends, as `evaluate` does
    it: the end (an instant, or the start of a local date), with the plan's grace and heads-up."""
    dated = until == NONE
    resume = until.copy()
    if dated.any():
        days = until_date[dated]
        resume[dated] = per_distinct(days, lambda i: (zone.day_start(int(days[i])),), 1)[:, 0]
    granular = dated | plan.deadline.day_granular
    keys = resume * 2 + granular  # resume instants are well inside 62 bits
    limits = per_distinct(keys, lambda i: plan.resumed(zone, int(resume[i]), bool(granular[i])), 3)
    return limits, resume


def _group_ends(groups: I64) -> BOOL:
    """True at the last row of each run of equal values."""
    ends = np.ones(len(groups), dtype=bool)
    ends[:-1] = groups[1:] != groups[:-1]
    return ends


def fits(rule: Rule) -> bool:
    """True when every duration of the rule is shorter than the supported range, so that int64 sums of instants
    and durations cannot overflow (a longer one is the scalar path's, which says it leaves the range)."""
    durations: list[Any] = [*rule.intervals, rule.first_response, rule.grace, rule.heads_up, rule.churn_after]
    durations.append(rule.stuck_after)
    if rule.cap is not None:
        durations += [rule.cap.min_gap, rule.cap.per]
    if rule.reclaim is not None:
        durations += [rule.reclaim.after, rule.reclaim.protect, rule.reclaim.extend, rule.reclaim.max_protect]
    durations += [level.after for level in rule.escalation]
    durations += [d for touch in rule.touchpoints for d in (touch.after, touch.window)]
    return all(d is None or d.bounds()[1] * US <= MAX_US - MIN_US for d in durations)


def vectorized(rule: Rule) -> bool:
    """True when the columnar engine assesses customers under ``rule``: it `fits`, has no reply deadline (an
    inquiry waiting for a reply is the scalar pipeline's), no fixed schedule (nor is that) and no touchpoint of a
    customer's date (nor that)."""
    return (
        rule.reply_within is None
        and rule.schedule is Schedule.CONTACT
        and all(touch.of is None for touch in rule.touchpoints)
        and fits(rule)
    )


def _step(at: I64) -> tuple[int, int, int]:
    """The earliest instant, the common step of all instants from it (whole seconds, for most exports; 1 when
    none) and how many steps they span."""
    low = int(at.min())
    step = int(np.gcd.reduce(at - low)) or 1
    return low, step, (int(at.max()) - low) // step + 1


def _packed(who: I64, at: I64, code: I64, by: I64, steps: tuple[int, int, int]) -> tuple[I64, I64, I64, I64] | None:
    """The contacts sorted by (customer, instant, code, who) through one sort of values: the four packed into the
    bits of one int64 (instants counted in their common step from the earliest), sorted, and unpacked. A sort of
    values costs about a fifth of a sort of rows. None when they do not fit in 63 bits (instants to the
    microsecond over months, for a million customers)."""
    low, step, span = steps
    widths = [(span - 1).bit_length(), (CODES - 1).bit_length(), (int(by.max()) + 1).bit_length()]
    if (int(who.max())).bit_length() + sum(widths) > 63:
        return None
    key: I64 = who << widths[0]  # built in place: every new array of this size costs its pages once more
    offset = at - low
    if step > 1:
        offset //= step
    key |= offset
    del offset
    key <<= widths[1]
    key |= code
    key <<= widths[2]
    key += by
    key += 1
    key.sort()
    by = key & ((1 << widths[2]) - 1)
    by -= 1
    key >>= widths[2]
    code = key & ((1 << widths[1]) - 1)
    key >>= widths[1]
    at = key & ((1 << widths[0]) - 1)
    if step > 1:
        at *= step
    at += low
    key >>= widths[0]
    return key, at, code, by


def _order(who: I64, at: I64, steps: tuple[int, int, int]) -> I64:
    """The order of the rows by (customer, instant). One sort of a combined key when customer and instant fit
    in 63 bits together (instants counted in their common step from the earliest: whole seconds, for most
    exports), else a sort by two keys, which costs about twice as much."""
    low, step, span = steps
    if (int(who.max()) + 1) * span < 2**63:
        key: I64 = who * span + (at - low) // step
        order: I64 = np.argsort(key)
        return order
    order = np.lexsort((at, who))
    return order


def sorted_contacts(who: I64, at: I64, code: I64, by: I64) -> tuple[I64, I64, I64, I64]:
    """The contacts sorted by (customer, instant, code, who): exact repeats end up side by side. When the four do
    not pack into one value (`_packed`), a table already in that order is not sorted again, and only the rows that
    share a (customer, instant) are sorted by all four."""
    if not len(who):
        return who, at, code, by
    steps = _step(at)
    packed = _packed(who, at, code, by, steps)
    if packed is not None:
        return packed
    ordered = (who[1:] > who[:-1]) | ((who[1:] == who[:-1]) & (at[1:] >= at[:-1]))
    if not ordered.all():
        order = _order(who, at, steps)
        who, at, code, by = who[order], at[order], code[order], by[order]
    tie = (who[1:] == who[:-1]) & (at[1:] == at[:-1])
    if tie.any():
        rows = np.zeros(len(who), dtype=bool)
        rows[1:] |= tie
        rows[:-1] |= tie
        tied = np.flatnonzero(rows)
        # The tied rows keep their places as a block per (customer, instant): sort them among themselves.
        order = np.arange(len(who))
        order[tied] = tied[np.lexsort((by[tied], code[tied], at[tied], who[tied]))]
        who, at, code, by = who[order], at[order], code[order], by[order]
    return who, at, code, by


def run(
    entries: Sequence[Resolved],
    zones: Sequence[Zone],
    people: CustomerColumns,
    contacts: ContactColumns,
    deferrals: DeferralColumns,
    as_of: int,
    risk: F64,
) -> Columns:
    """Assess every customer at ``as_of`` (see the module's docstring for what is left to the scalar pipeline);
    ``risk`` holds the risk score's setting of each entry (see `_risk`)."""
    n = len(people.entry)
    rules = len(entries)
    # Per rule (and a last row for terminal stages): which contact codes count.
    counts = np.zeros((rules + 1, CODES), dtype=bool)
    too_long = np.zeros(rules + 1, dtype=bool)
    for index, (match, (_, _, mask, _, _), _) in enumerate(entries):
        counts[index] = [mask >> code & 1 for code in range(CODES)]
        too_long[index] = not vectorized(match.rule)
    counts[rules] = [_DEFAULT_MASK >> code & 1 for code in range(CODES)]
    row_rule = np.where(people.rule >= 0, people.rule, rules)
    needs_scalar = people.scalar | (people.entry > as_of) | too_long[row_rule]

    # The contacts of the customers assessed here, at or before as_of, sorted by (customer, instant, code, who),
    # and which of them are exact repeats of the row before (counted once).
    keep = contacts.at <= as_of
    keep &= ~needs_scalar[contacts.customer]
    who, at, code, by = sorted_contacts(*(column[keep] for column in contacts))
    repeat = np.zeros(len(who), dtype=bool)
    repeat[1:] = (who[1:] == who[:-1]) & (at[1:] == at[:-1]) & (code[1:] == code[:-1]) & (by[1:] == by[:-1])
    distinct = ~repeat
    counted = counts[row_rule[who], code]

    # The last counted contact (in any stage), and the distinct counted contacts since stage entry.
    last = np.full(n, NONE, dtype=np.int64)
    rows = np.flatnonzero(counted)
    ends = rows[_group_ends(who[rows])]
    last[who[ends]] = at[ends]
    since_entry = counted & distinct & (at >= people.entry[who])
    count = np.bincount(who[since_entry], minlength=n)
    silent_since = np.maximum(last, people.created)

    # The latest deferral logged at or before as_of, for those it still holds (no counted contact after it).
    held = np.full(n, NONE, dtype=np.int64)  # when the deferral was logged
    until = np.full(n, NONE, dtype=np.int64)
    until_date = np.full(n, -1, dtype=np.int64)
    taken = (deferrals.at <= as_of) & ~needs_scalar[deferrals.customer]
    if taken.any():
        d_who, d_at, d_until, d_date, d_by = (column[taken] for column in deferrals)
        latest = np.lexsort((d_by, np.where(d_until == NONE, d_date, d_until), d_until == NONE, d_at, d_who))
        latest = latest[_group_ends(d_who[latest])]
        held[d_who[latest]], until[d_who[latest]], until_date[d_who[latest]] = (
            d_at[latest], d_until[latest], d_date[latest]
        )  # fmt: skip
    deferred = (held != NONE) & (last <= held)

    # The anchor, the step and the thresholds, per (rule, step) and zone.
    anchor = people.entry.copy()
    anchor_kind = np.where(people.rule >= 0, 0, -1)
    step = np.zeros(n, dtype=np.int64)
    limits = np.full((n, 4), NONE, dtype=np.int64)
    active = (people.rule >= 0) & ~needs_scalar
    for index, (_, (first_plan, plans, _, _, _), _) in enumerate(entries):
        mine = np.flatnonzero(active & (people.rule == index))
        if not len(mine):
            continue
        steps = np.minimum(count[mine], len(plans))
        step[mine] = steps
        contacted = steps > 0
        anchor[mine[contacted]] = last[mine[contacted]]
        anchor_kind[mine[contacted]] = 1
        for number, plan in enumerate([first_plan, *plans]):
            for zone_index in np.unique(people.zone[mine[steps == number]]):
                group = mine[(steps == number) & (people.zone[mine] == zone_index)]
                try:
                    limits[group] = _thresholds(plan, zones[zone_index], anchor[group], silent_since[group])
                    moved = group[deferred[group]]
                    if len(moved):
                        limits[moved, :3], anchor[moved] = _resumed(plan, zones[zone_index], until[moved],
                                                                    until_date[moved])  # fmt: skip
                        anchor_kind[moved] = 2
                except CadenceError:  # out of range somewhere: the scalar path says where, for whom
                    needs_scalar[group] = True
                    active[group] = False
    due_soon, due, overdue, churn = limits.T
    due_soon = np.where(due_soon == NONE, NONE, np.maximum(due_soon, anchor))  # never before the anchor (`evaluate`)
    outside = active & ((due_soon < MIN_US) | (overdue > MAX_US) | (churn > MAX_US))
    needs_scalar |= outside
    active &= ~outside

    # The status: the most urgent threshold passed.
    status = np.full(n, _INACTIVE, dtype=np.int64)
    status[active] = np.select(
        [
            (churn[active] != NONE) & (as_of >= churn[active]),
            (anchor_kind[active] == 2) & (as_of < anchor[active]),
            as_of >= overdue[active],
            as_of >= due[active],
            as_of >= due_soon[active],
        ],
        [_CHURN, _SNOOZED, _OVERDUE, _DUE, _DUE_SOON],
        _ON_TRACK,
    )

    # The distinct instants of counted contacts (for the touchpoints and the risk score).
    instants_who, instants_at = who[counted], at[counted]
    first = np.ones(len(instants_who), dtype=bool)
    first[1:] = (instants_who[1:] != instants_who[:-1]) | (instants_at[1:] != instants_at[:-1])
    instants_who, instants_at = instants_who[first], instants_at[first]

    # Touchpoints: their windows, which are completed, and a touchpoint due now makes the status due.
    touches = _touchpoints(entries, zones, people, active, instants_who, instants_at, as_of)
    if touches.shape[1]:
        _, dues, closes, done = (touches[:, :, k] for k in range(4))
        due_now = ((dues != NONE) & (dues <= as_of) & (as_of < closes) & (done == NONE)).any(axis=1)
        calm = (status == _ON_TRACK) | (status == _DUE_SOON)
        status[active & calm & due_now] = _DUE

    # Unanswered attempts: distinct outbound contacts since the later of the last counted contact and entry.
    after = np.where((last == NONE) | (last < people.entry), people.entry, last + 1)
    outbound = distinct & _OUTBOUND[code]
    attempts = outbound & (at >= after[who])
    unanswered = np.bincount(who[attempts], minlength=n)

    level, upcoming = _escalations(entries, zones, people, active, overdue, as_of)
    allowed = _caps(entries, people, active, who, at, outbound)
    reclaim = _reclaims(entries, zones, people, active, (who, at, by, counted), needs_scalar)
    risk = _risk(risk, people, active, instants_who, instants_at, silent_since, as_of)
    stuck = _stuck(entries, zones, people, active, needs_scalar)
    return Columns(
        needs_scalar,
        status,
        anchor_kind,
        step,
        np.where(people.rule >= 0, anchor, NONE),
        due_soon,
        due,
        overdue,
        churn,
        last,
        silent_since,
        unanswered,
        level,
        upcoming,
        risk,
        allowed,
        reclaim,
        stuck,
        touches,
    )


def due_shown(columns: Columns, as_of: int) -> I64:
    """`Answers.due_us` per row: the cadence's due instant, or, where a touchpoint made the status due before it,
    the earliest due time of the touchpoints due."""
    if not columns.touches.shape[1]:
        return columns.due
    _, dues, closes, done = (columns.touches[:, :, k] for k in range(4))
    due_now = (dues != NONE) & (dues <= as_of) & (as_of < closes) & (done == NONE)
    earliest = np.where(due_now, dues, MAX_US).min(axis=1)
    driven = (columns.status == _DUE) & (as_of < columns.due) & due_now.any(axis=1)
    return np.where(driven, earliest, columns.due)


def _escalations(
    entries: Sequence[Resolved], zones: Sequence[Zone], people: CustomerColumns, active: BOOL, overdue: I64, as_of: int
) -> tuple[I64, I64]:
    """The escalation levels reached and when the next starts (``NONE``: none left), once per distinct (rule, zone,
    overdue instant): with one ``as_of`` for all, they depend on nothing else."""
    n = len(overdue)
    level = np.zeros(n, dtype=np.int64)
    upcoming = np.full(n, NONE, dtype=np.int64)
    for index, (match, _, _) in enumerate(entries):
        ladder = match.rule.escalation
        if not ladder:
            continue
        mine = active & (people.rule == index)
        for zone_index in np.unique(people.zone[mine]):
            group = np.flatnonzero(mine & (people.zone == zone_index))
            at = overdue[group]
            answers = per_distinct(at, functools.partial(_climb, ladder, zones[zone_index], at, as_of), 2)
            level[group], upcoming[group] = answers[:, 0], answers[:, 1]
    return level, upcoming


def _touchpoints(
    entries: Sequence[Resolved],
    zones: Sequence[Zone],
    people: CustomerColumns,
    active: BOOL,
    who: I64,
    at: I64,
    as_of: int,
) -> I64:
    """Each customer's touchpoints as `TouchPlan.states` finds them: the windows after stage entry (once per
    distinct entry date, or entry instant for exact offsets, and zone), and the first counted contact at or after
    the later of the window's opening and stage entry, if it is before the window closes (``who`` and ``at``: the
    distinct instants of counted contacts, sorted)."""
    n = len(people.entry)
    width = max((len(touch.items) for _, (_, _, _, touch, _), _ in entries if touch is not None), default=0)
    out = np.full((n, width, 4), NONE, dtype=np.int64)
    if not width:
        return out
    ends = np.flatnonzero(_group_ends(who)) if len(who) else np.zeros(0, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    end = np.zeros(n, dtype=np.int64)  # the customer's instants are who[start:end]
    if len(ends):
        end[who[ends]] = ends + 1
        start[who[ends]] = np.r_[0, ends[:-1] + 1]
    for index, (_, (_, _, _, touch, _), _) in enumerate(entries):
        if touch is None:
            continue
        items = len(touch.items)
        mine = active & (people.rule == index)
        for zone_index in np.unique(people.zone[mine]).tolist():
            group = np.flatnonzero(mine & (people.zone == zone_index))
            zone, entry = zones[zone_index], people.entry[group]
            keys = local_ordinals(zone, entry) if touch.by_date else entry
            work = functools.partial(_windows, touch, zone, entry)
            windows = per_distinct(keys, work, 3 * items).reshape(len(group), items, 3)
            out[group, :items, :3] = windows
            for item in range(items):
                low = np.maximum(windows[:, item, 0], entry)
                # How many of the customer's counted instants lie before `low`: the first at or after it follows.
                bound = np.full(n, NONE, dtype=np.int64)
                bound[group] = low
                before = np.bincount(who[at < bound[who]], minlength=n)[group]
                found = start[group] + before
                inside = found < end[group]
                first = np.where(inside, at[np.minimum(found, max(len(at) - 1, 0))] if len(at) else NONE, NONE)
                out[group, item, 3] = np.where(inside & (first < windows[:, item, 2]), first, NONE)
    return out


def _windows(plan: TouchPlan, zone: Zone, entry: I64, row: int) -> list[int]:
    """The touchpoints' ``opens, due, closes`` after the entry in ``row``, one after the other."""
    return [instant for window in plan.windows(zone, int(entry[row])) for instant in window]


def _caps(entries: Sequence[Resolved], people: CustomerColumns, active: BOOL, who: I64, at: I64, attempt: BOOL) -> I64:
    """When the rule's cap next allows an attempt, from the contacts (sorted by customer and instant) that are
    attempts (distinct outbound contacts), as `Answers.allowed_us`: the last attempt plus ``min_gap``, and the
    attempt that must leave the window plus ``per`` once ``attempts`` are in it."""
    n = len(people.entry)
    allowed = np.full(n, NONE, dtype=np.int64)
    if not any(match.rule.cap is not None for match, _, _ in entries):
        return allowed
    who, at = who[attempt], at[attempt]
    if not len(who):
        return allowed
    ends = np.flatnonzero(_group_ends(who))
    starts = np.r_[0, ends[:-1] + 1]
    count = np.zeros(n, dtype=np.int64)
    count[who[ends]] = ends - starts + 1
    last = np.full(n, NONE, dtype=np.int64)
    last[who[ends]] = at[ends]
    end = np.zeros(n, dtype=np.int64)
    end[who[ends]] = ends
    for index, (match, _, _) in enumerate(entries):
        cap = match.rule.cap
        mine = active & (people.rule == index)
        if cap is None or not mine.any():
            continue
        if cap.min_gap is not None:
            gapped = mine & (count > 0)
            allowed[gapped] = last[gapped] + cap.min_gap_us
        if cap.attempts is not None and cap.per is not None:
            full = np.flatnonzero(mine & (count >= cap.attempts))
            leaving = at[end[full] - cap.attempts + 1] + cap.per_us
            allowed[full] = np.where(allowed[full] == NONE, leaving, np.maximum(allowed[full], leaving))
    return allowed


def _shift(zone: Zone, instants: I64, duration: Any) -> I64:
    """`shift` of each instant: exactly, or to the start of a local date (once per distinct local date)."""
    if isinstance(duration, ExactDuration):
        moved: I64 = instants + duration.microseconds
        return moved
    keys = local_ordinals(zone, instants)
    return per_distinct(keys, lambda i: (shift(zone, int(instants[i]), duration),), 1)[:, 0]


def _reclaims(
    entries: Sequence[Resolved],
    zones: Sequence[Zone],
    people: CustomerColumns,
    active: BOOL,
    contacts: tuple[I64, I64, I64, BOOL],
    failed: BOOL,
) -> I64:
    """When each customer goes back to the shared pool, as `Answers.reclaim_us`, from the ``contacts`` (``who``,
    ``at``, ``by``, ``counted``; sorted by customer and instant) that count and that the owner made since the
    claim: ``after`` past the latest of the claim and those contacts, and not before protection ends (the claim
    plus ``protect``, pushed to the latest contact plus ``extend`` (shifts never go backward, so the latest
    contact's is the latest), capped at the claim plus ``max_protect``). A group whose instants leave the supported
    range is marked in ``failed``, for the scalar path to say where."""
    n = len(people.entry)
    reclaim = np.full(n, NONE, dtype=np.int64)
    if not any(match.rule.reclaim is not None for match, _, _ in entries):
        return reclaim
    who, at, by, counted = contacts
    claimed = np.where(people.claimed == NONE, people.created, people.claimed)
    owned = counted & (by >= 0) & (by == people.owner[who]) & (at >= claimed[who])
    who, at = who[owned], at[owned]
    latest_contact = np.full(n, NONE, dtype=np.int64)
    if len(who):
        ends = np.flatnonzero(_group_ends(who))
        latest_contact[who[ends]] = at[ends]
    for index, (match, _, _) in enumerate(entries):
        rule = match.rule.reclaim
        if rule is None:
            continue
        mine = active & (people.rule == index) & (people.owner >= 0)
        for zone_index in np.unique(people.zone[mine]).tolist():
            group = np.flatnonzero(mine & (people.zone == zone_index))
            zone = zones[zone_index]
            since, contact = claimed[group], latest_contact[group]
            latest = np.maximum(since, contact)
            try:
                due = _shift(zone, latest, rule.after)
                if rule.protect is not None:
                    protected = _shift(zone, since, rule.protect)
                    if rule.extend is not None:
                        contacted = contact != NONE
                        extended = _shift(zone, np.where(contacted, contact, since), rule.extend)
                        protected = np.where(contacted, np.maximum(protected, extended), protected)
                    if rule.max_protect is not None:
                        protected = np.minimum(protected, _shift(zone, since, rule.max_protect))
                    due = np.maximum(due, protected)
            except CadenceError:  # out of range somewhere: the scalar path says where, for whom
                failed[group] = True
                continue
            reclaim[group] = due
    return reclaim


def _climb(ladder: Sequence[Level], zone: Zone, overdue: I64, as_of: int, row: int) -> tuple[int, int]:
    """``(levels reached, start of the next)`` for the overdue instant in ``row``, as `Answers.escalations`."""
    for reached, level in enumerate(ladder):
        start = shift(zone, int(overdue[row]), level.after)
        if as_of < start:
            return reached, start
    return len(ladder), NONE


def _stuck(
    entries: Sequence[Resolved], zones: Sequence[Zone], people: CustomerColumns, active: BOOL, failed: BOOL
) -> I64:
    """When each customer has been in its stage for its rule's ``stuck_after``, as `Answers.stuck_us` (a group
    whose instants leave the supported range is marked in ``failed``, as in `_reclaims`)."""
    stuck = np.full(len(people.entry), NONE, dtype=np.int64)
    for index, (match, _, _) in enumerate(entries):
        after = match.rule.stuck_after
        if after is None:
            continue
        mine = active & (people.rule == index)
        for zone_index in np.unique(people.zone[mine]).tolist():
            group = np.flatnonzero(mine & (people.zone == zone_index))
            try:
                stuck[group] = _shift(zones[zone_index], people.entry[group], after)
            except CadenceError:
                failed[group] = True
    return stuck


def _risk(settings: F64, people: CustomerColumns, active: BOOL, who: I64, at: I64, silent: I64, as_of: int) -> F64:
    """The risk score of `_risk.risk_of` for every customer: ``settings`` holds one row per rule entry (prior
    contacts, prior days, lifetime days, stop chance, stop weight, window days); ``who`` and ``at`` are the
    distinct counted instants."""
    n = len(silent)
    contacts = np.bincount(who[at > people.created[who]], minlength=n)
    if not len(settings):
        return np.zeros(n)
    p = settings[np.where(people.rule >= 0, people.rule, 0)]
    tenure = (as_of - people.created) / DAY_US
    score = risk_scores((as_of - silent) / DAY_US, tenure, contacts, *p.T)
    risk: F64 = np.where(active, score, 0.0)
    return risk


def risk_scores(
    silence: F64,
    tenure: F64,
    contacts: Any,
    prior: Any,
    days: Any,
    lifetime: Any,
    chance: Any,
    weight: Any,
    window: Any,
) -> F64:
    """The formula of `_risk` over arrays (days; equal to the scalar path's floats within rounding)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        shape = contacts + prior
        exposure = tenure + days
        rate = shape / exposure
        hazard = 1.0 / lifetime
        total = rate + hazard
        ran = 1.0 + hazard / total * np.expm1(np.minimum(total * silence, 700.0))
        stop = np.where(contacts > 0, chance * weight / ((1.0 - chance) * weight + contacts - 1), 0.0)
        halt = 1.0 + stop * np.expm1(np.minimum(shape * np.log(exposure / (exposure - silence)), 700.0))
        active = 1.0 / (ran * halt)
        quiet = np.exp(-shape * np.log1p(window / exposure))
        score: F64 = 1.0 - active * (1.0 - quiet)
    return score


def status_intervals(
    entries: Sequence[Resolved], zones: Sequence[Zone], people: CustomerColumns, who: I64, at: I64, end: int
) -> tuple[I64, I64, I64, I64, BOOL]:
    """The statuses of customers over time until ``end``: ``(customer, start, stop, status, failed)``, one row per
    stretch [start, stop) of one status, from each customer's stage entry on. Of ``people`` only ``entry``,
    ``created``, ``rule`` and ``zone`` are read.

    ``who`` and ``at`` are the distinct counted contacts (one row per distinct contact, under the customer's rule),
    sorted by customer and instant. Between two counted contacts the anchor, the step and the thresholds stay
    the same, so each customer's time cuts into the stretch before its first counted contact since entry and one
    stretch per counted instant, each with up to five statuses, from the same thresholds as `run`. Customers
    with deferrals, do-not-contact, changes or touchpoints are the caller's (the scalar sweep); ``failed`` marks
    those whose thresholds leave the supported range, for the scalar path to say where.
    """
    n = len(people.entry)
    failed = np.zeros(n, dtype=bool)
    since = at >= people.entry[who]
    last_before = np.full(n, NONE, dtype=np.int64)
    np.maximum.at(last_before, who[~since], at[~since])
    # One stretch per customer from stage entry, and one per distinct counted instant since (the last row of the
    # instant holds how many counted contacts there are up to it).
    c_who, c_at = who[since], at[since]
    rank = np.arange(len(c_who)) - np.searchsorted(c_who, c_who) + 1
    last_of_instant = np.ones(len(c_who), dtype=bool)
    last_of_instant[:-1] = (c_who[1:] != c_who[:-1]) | (c_at[1:] != c_at[:-1])
    active = people.rule >= 0
    keep = last_of_instant & active[c_who]
    s_who = np.concatenate([np.arange(n), c_who[keep]])
    s_start = np.concatenate([people.entry, c_at[keep]])
    s_count = np.concatenate([np.zeros(n, dtype=np.int64), rank[keep]])
    s_silent = np.concatenate([np.maximum(last_before, people.created), c_at[keep]])
    order = np.lexsort((s_count, s_start, s_who))
    s_who, s_start, s_count, s_silent = s_who[order], s_start[order], s_count[order], s_silent[order]
    s_stop = np.full(len(s_who), end, dtype=np.int64)
    follows = s_who[1:] == s_who[:-1]
    s_stop[:-1][follows] = s_start[1:][follows]
    s_stop = np.minimum(s_stop, end)
    # The thresholds, per (rule, step) and zone.
    limits = np.full((len(s_who), 4), NONE, dtype=np.int64)
    s_rule, s_zone = people.rule[s_who], people.zone[s_who]
    s_step = np.zeros(len(s_who), dtype=np.int64)
    for index, (_, (first_plan, plans, _, _, _), _) in enumerate(entries):
        mine = np.flatnonzero(s_rule == index)
        if not len(mine):
            continue
        steps = np.minimum(s_count[mine], len(plans))
        s_step[mine] = steps
        for number, plan in enumerate([first_plan, *plans]):
            for zone_index in np.unique(s_zone[mine[steps == number]]):
                group = mine[(steps == number) & (s_zone[mine] == zone_index)]
                try:
                    limits[group] = _thresholds(plan, zones[zone_index], s_start[group], s_silent[group])
                except CadenceError:  # out of range somewhere: the scalar path says where, for whom
                    failed[s_who[group]] = True
    due_soon, due, overdue, churn = limits.T
    failed[s_who[(s_rule >= 0) & ((due_soon < MIN_US) | (overdue > MAX_US) | (churn > MAX_US))]] = True
    # Each stretch cut at its thresholds (churn risk first, as in `evaluate`); a terminal stage is inactive.
    churn_at = np.where(churn == NONE, np.iinfo(np.int64).max, churn)
    cap = np.minimum(np.maximum(churn_at, s_start), s_stop)  # churn risk may run from before stage entry
    edges = [s_start]
    edges += [np.minimum(np.maximum(limit, s_start), cap) for limit in (np.maximum(due_soon, s_start), due, overdue)]
    edges += [np.minimum(np.maximum(churn_at, s_start), s_stop), s_stop]
    terminal = s_rule < 0
    edges[1] = np.where(terminal, s_stop, edges[1])  # the whole stretch is the first status's
    usable = ~failed[s_who]
    pieces = []
    for number, code in enumerate((_ON_TRACK, _DUE_SOON, _DUE, _OVERDUE, _CHURN)):
        low, high = edges[number], edges[number + 1]
        keep = usable & (low < high) & (~terminal if number else usable)
        status = np.where(terminal[keep], _INACTIVE, code) if number == 0 else np.full(int(keep.sum()), code)
        pieces.append((s_who[keep], low[keep], high[keep], status))
    who_out, start_out, stop_out, status_out = (np.concatenate(column) for column in zip(*pieces, strict=True))
    return who_out, start_out, stop_out, status_out, failed
