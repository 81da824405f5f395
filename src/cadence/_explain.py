"""The explainer: the one-line reason of an assessment, made from its facts with integer arithmetic (no datetime
objects), so that a reason costs a few microseconds."""

from __future__ import annotations

from cadence._engine import AnchorKind, Answers, Status, deadline
from cadence._errors import show
from cadence._rulebook import TouchpointState
from cadence._rules import DaysOff
from cadence._time import US, Zone

__all__: list[str] = []

_DAYS_OFF = {DaysOff.COUNT: "", DaysOff.SKIP: " (due dates skip days off)", DaysOff.PAUSE: " (working days only)"}


def when(zone: Zone, us: int) -> str:
    """The local date of ``us``, with hours and minutes unless it is midnight: ``2026-03-02 16:30``.

    Cut from the instant's ISO 8601 text, which the zone remembers (many results share a due date)."""
    text = zone.iso(us)
    clock = text[11:16]
    return text[:10] if clock == "00:00" else f"{text[:10]} {clock}"


def span(us: int) -> str:
    """A length of time as people say it: ``3 days 4 h``, ``2 h 5 min``, ``40 s``."""
    days, rest = divmod(us // US, 86_400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} day{'s' * (days != 1)}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    return f"{rest // 60} min" if rest >= 60 else f"{rest} s"


def reason(answers: Answers) -> str:
    """A one-line, human-readable explanation of the status."""
    facts = answers.facts
    customer, status, match, kind, step, _, zone, as_of, anchor, _, due, overdue, _, _, silent = facts[:15]
    if match is None:
        return f'inactive: stage "{customer.stage}" is terminal and expects no follow-up'
    if status is Status.INACTIVE:  # do not contact
        until = "" if anchor is None else f" until {when(zone, anchor)}"
        return f"inactive: do not contact{until} (rule {match.label})"
    assert anchor is not None
    assert due is not None
    assert overdue is not None
    rule = match.rule
    if kind is AnchorKind.INBOUND:
        what = "reply"
    else:
        what = "first response" if step == 0 and rule.first_response is not None else "follow-up"
    ran = deadline(facts)
    assert ran is not None
    if kind is AnchorKind.DEFERRAL:
        basis = f"deferred by the customer to {when(zone, anchor)}; rule {match.label}"
    elif kind is AnchorKind.DO_NOT_CONTACT:
        basis = f"do-not-contact ended {when(zone, anchor)}; rule {match.label}"
    else:
        if kind is AnchorKind.STAGE_ENTRY:
            source = f'entry into "{customer.stage}" on {when(zone, anchor)}'
        elif kind is AnchorKind.SCHEDULE:
            source = f"the previous scheduled follow-up, due {when(zone, anchor)}"
        elif kind is AnchorKind.INBOUND:
            source = f"the customer's inbound contact on {when(zone, anchor)}, not answered yet"
        else:
            source = f"the last counted contact on {when(zone, anchor)}"
        moved = _DAYS_OFF[rule.days_off] if ran.is_calendar and not ran.is_business else ""
        basis = f"{ran}{moved} after {source}; rule {match.label}"
    if status is Status.CHURN_RISK:
        text = (
            f"churn risk: no counted contact for {span(as_of - silent)} "
            f"(threshold {rule.churn_after}); {what} was due {when(zone, due)} ({basis})"
        )
    elif status is Status.OVERDUE:
        text = f"overdue by {span(as_of - overdue)}: {what} was due {when(zone, due)} ({basis})"
    elif answers.touch_driven():
        touch = min((t for t in answers.touches() if t.state is TouchpointState.PENDING and t.due <= as_of),
                    key=lambda t: t.due)  # the one `due_at` shows  # fmt: skip
        label = show(touch.touchpoint.label)
        text = f"due: touchpoint {label} due since {when(zone, touch.due)} (rule {match.label})"
    elif status is Status.DUE:
        text = f"due: {what} due since {when(zone, due)} ({basis})"
    elif status is Status.SNOOZED:
        text = f"snoozed: {basis}"
    else:
        label = "due soon" if status is Status.DUE_SOON else "on track"
        text = f"{label}: {what} due {when(zone, due)} ({basis})"
    notes = []
    if facts.held:
        notes.append(f"due {span(facts.held)} later for the time on hold")
    if facts.hold is not None:
        notes.append(f"on hold since {when(zone, facts.hold)}: the deadline clock is stopped until the hold ends")
    allowed = answers.allowed_us()
    if status >= Status.DUE_SOON and allowed is not None and allowed > as_of:
        notes.append(f"contact not allowed before {when(zone, allowed)} (frequency cap)")
    advice = answers.advice()
    if advice is not None:
        notes.append(f"{answers.unanswered()} unanswered attempts: {advice}")
    reached, _ = answers.escalations()
    if reached:
        notes.append(f"escalated to {reached[-1]} (level {len(reached)})")
    for item in answers.touches():
        if item.state is TouchpointState.MISSED:
            label, closed = show(item.touchpoint.label), when(zone, item.closes)
            notes.append(f"touchpoint {label} missed (its window closed {closed})")
    back = answers.reclaim_us()
    if back is not None and as_of >= back:
        notes.append(f"back to the shared pool since {when(zone, back)} (no counted contact by {customer.owner})")
    stuck = answers.stuck_us()
    if stuck is not None and as_of >= stuck:
        notes.append(f'stuck in "{customer.stage}" since {when(zone, stuck)} ({match.rule.stuck_after} in the stage)')
    return "; ".join([text, *notes])
