"""The History: one pass for one instant, an index for many, and the same answers either way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from cadence import ContactFilter, Policy, assess
from cadence._history import History
from cadence._time import instant_us
from strategies import as_of_instants, customers, histories, policies

MASKS = [ContactFilter().mask, ContactFilter(channels=["call"]).mask, ContactFilter(directions=["inbound"]).mask]


@given(as_of_instants, st.data())
def test_the_index_answers_as_one_pass_does(as_of: datetime, data: st.DataObject) -> None:
    """Differential: at any instant and for any contact filter, the bisection over the index gives what a pass over
    the events gives (distinct counts counting exact duplicates once); the pass's count since creation, when it
    gives one, is the number of distinct counted instants after creation."""
    events = data.draw(histories(around=as_of))
    if data.draw(st.booleans()):
        events = events + events[: len(events) // 3]  # exact duplicates
    mask = data.draw(st.sampled_from(MASKS))
    instants = [instant_us(as_of, "as_of") + data.draw(st.integers(-400, 40)) * 86_400_000_000 for _ in range(3)]
    entry = instants[0] - data.draw(st.integers(0, 200)) * 86_400_000_000
    created = entry - data.draw(st.integers(0, 200)) * 86_400_000_000
    indexed = History(events)
    indexed.index()
    for at in instants:
        scanned = History(events)  # a fresh history answers by one pass
        last, count, total, deferral = scanned.summary(mask, entry, created, at, True)
        assert indexed.summary(mask, entry, created, at, True) == (last, count, -1, deferral)
        counted = sorted(e._us for e in events if mask & e._bit and e._us <= at)
        if counted == sorted(set(counted)) and [e._us for e in events if mask & e._bit and e._us <= at] == counted:
            assert total == len([t for t in counted if t > created])  # strictly increasing: counted in the pass
        else:
            assert total == -1


@given(as_of_instants, st.data())
def test_many_instants_over_one_history_equal_assessing_afresh(as_of: datetime, data: st.DataObject) -> None:
    """One History asked at several instants (it switches to its index after the first) gives the assessments that
    fresh histories give."""
    policy: Policy = data.draw(policies())
    person = data.draw(customers(as_of=as_of))
    events = data.draw(histories(around=as_of))
    shared = History(events)
    for days in data.draw(st.lists(st.integers(0, 90), min_size=2, max_size=4)):
        # In UTC, from the timestamp: wall-clock arithmetic would drop the fold of a repeated hour.
        at = datetime.fromtimestamp(as_of.timestamp(), timezone.utc) + timedelta(days=days)
        assert assess(policy, person, shared, as_of=at) == assess(policy, person, events, as_of=at)


def test_a_history_is_read_once() -> None:
    """The events are kept as given (a tuple), and a History passed to assess is used as it is."""
    history = History([])
    assert history.events == ()
    assert History.of(history) is history
    assert repr(history) == "History(0 events)"
