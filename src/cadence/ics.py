"""iCalendar (RFC 5545) export of upcoming follow-ups, through the ``icalendar`` package (``cadence[ical]``).

One event per assessment whose follow-up falls due inside the window: it starts at the cadence's due time
(``cadence_due_at``; a touchpoint due now is not a follow-up to schedule), lasts 15 minutes,
says who and why, and carries a display reminder (VALARM) 15 minutes before. Its UID is stable for the same customer
and due time, so re-importing an updated file replaces events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from cadence._assessment import Assessment
from cadence._errors import CadenceError

__all__ = ["to_ics"]

_LENGTH = timedelta(minutes=15)
_REMIND = timedelta(minutes=15)


def to_ics(items: Iterable[Assessment], *, start: datetime, end: datetime) -> bytes:
    """An iCalendar file of the follow-ups due in ``[start, end)``, as bytes (CRLF line ends, UTF-8)."""
    try:
        from icalendar import Alarm, Calendar, Event
    except ImportError:
        raise CadenceError('iCalendar export needs the "icalendar" package: pip install "cadence[ical]"') from None
    calendar = Calendar()
    calendar.add("prodid", "-//cadence//follow-ups//EN")
    calendar.add("version", "2.0")
    stamp = _utc(start)
    for item in items:
        due = item.cadence_due_at
        if due is None or not start <= due < end:
            continue
        due_utc = _utc(due)
        customer = item.customer
        event = Event()
        event.add("uid", f"{customer.id}-{due_utc:%Y%m%dT%H%M%SZ}@cadence")
        event.add("dtstamp", stamp)
        event.add("dtstart", due_utc)
        event.add("dtend", due_utc + _LENGTH)
        event.add("summary", f"Follow up {customer.id} ({customer.segment}, {customer.stage})")
        event.add("description", item.reason)
        if item.owner:
            event.add("categories", [item.owner])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Follow up {customer.id}")
        alarm.add("trigger", -_REMIND)
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _utc(value: datetime) -> datetime:
    """A stdlib UTC datetime (pendulum's, plus a timedelta, would lose its zone)."""
    return datetime.fromtimestamp(value.timestamp(), tz=timezone.utc)
