"""A daily timeline over a year against the obvious loop (`assess_many` at each day), in one run.

Run: ``python benchmarks/bench_timeline.py [--customers 100000] [--contacts 15] [--days 365] [--sample-days 5]``.

Customers of the abc preset in six zones, in retention since before the year, with ``--contacts`` contacts each
spread over the year (a fifth inbound, a few unanswered). The timeline counts statuses by segment, stage and owner
at 09:00 Berlin every day of the year; the loop runs `assess_many` at ``--sample-days`` of those days, spread over
the year, and is extrapolated to all of them. The two are checked to agree on the sampled days. The machines are
shared and noisy: read the ratio.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

import pendulum

from cadence import Contact, Customer, Direction, Outcome, assess_many, every, presets, timeline

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Shanghai", "Europe/London", "UTC", "Australia/Sydney")
START = pendulum.datetime(2025, 4, 1, 9, tz="Europe/Berlin")


def make(customers: int, contacts: int, days: int) -> tuple[list[Customer], dict[str, list[Contact]]]:
    rng = random.Random(20261123)
    people, histories = [], {}
    for index in range(customers):
        zone = ZONES[index % len(ZONES)]
        entered = START.subtract(days=rng.randint(1, 200)).in_tz(zone)
        customer = Customer(f"c{index}", rng.choice("ABC"), "retention", stage_entered_at=entered,
                            created_at=entered.subtract(days=30), timezone=zone, owner=f"rep{index % 7}")  # fmt: skip
        history = []
        for _ in range(contacts):
            at = START.add(minutes=rng.randint(0, days * 24 * 60)).in_tz(zone)
            outcome = rng.choice([Outcome.CONNECTED, Outcome.REPLIED, Outcome.NO_ANSWER, Outcome.SENT])
            direction = Direction.INBOUND if rng.random() < 0.2 else Direction.OUTBOUND
            history.append(Contact(at, rng.choice(["call", "email", "meeting"]), direction, outcome, by="rep"))
        people.append(customer)
        histories[customer.id] = history
    return people, histories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=15)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample-days", type=int, default=5)
    args = parser.parse_args()
    policy = presets.load("abc", calendar="Europe/Berlin")
    made = time.perf_counter()
    customers, histories = make(args.customers, args.contacts, args.days)
    print(f"made {args.customers:,} customers, {args.customers * args.contacts:,} contacts "
          f"in {time.perf_counter() - made:.1f} s")  # fmt: skip
    steps = every("1d", start=START, end=START.add(days=args.days))

    began = time.perf_counter()
    rows = timeline(policy, customers, histories, at=steps)
    swept = time.perf_counter() - began

    chosen = [steps[i * (len(steps) - 1) // max(args.sample_days - 1, 1)] for i in range(args.sample_days)]
    began = time.perf_counter()
    looped = {}
    for step in chosen:
        counted: Counter[tuple[object, ...]] = Counter()
        for result in assess_many(policy, customers, histories, as_of=step):
            state = result.customer
            counted[state.segment, state.stage, state.owner, result.status.value] += 1
        looped[step] = counted
    loop = (time.perf_counter() - began) / len(chosen) * len(steps)

    for step, counted in looped.items():
        found = Counter(
            {
                (row["segment"], row["stage"], row["owner"], status): row[status]
                for row in rows
                if row["at"] == step
                for status in ("inactive", "snoozed", "on_track", "due_soon", "due", "overdue", "churn_risk")
                if row[status]
            }
        )
        assert found == counted, f"timeline and assess_many disagree at {step}"
    print(f"timeline, {len(steps)} daily steps: {swept:.1f} s")
    print(f"assess_many loop, {len(chosen)} of the steps extrapolated to {len(steps)}: {loop:.1f} s")
    print(f"ratio: {loop / swept:.1f}x (agree on the {len(chosen)} sampled days)")


if __name__ == "__main__":
    main()
