"""Time `assess` and `assess_many` against a naive reference that uses pendulum objects throughout.

Run: ``python benchmarks/bench_assess.py [--customers 100000] [--repeat 5]``. Prints medians of several repeats
and the ratio to the naive reference measured in the same run; the machines are shared and noisy, so compare
ratios, not absolute times. Before timing, it checks that both approaches give the same answers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import pendulum

from cadence import NON_REACH, Contact, Customer, Direction, Outcome, Policy, assess, assess_many, presets

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "America/Santiago", "UTC"]
AS_OF = pendulum.datetime(2026, 3, 30, 9, 30, tz="Europe/Berlin")


def make_customer(rng: random.Random, index: int) -> Customer:
    zone = ZONES[index % len(ZONES)]
    entered = AS_OF.subtract(days=rng.randint(60, 400)).in_tz(zone)
    return Customer(
        f"c{index}",
        rng.choice("ABC"),
        "retention",
        stage_entered_at=entered,
        created_at=entered.subtract(days=30),
        timezone=zone,
        owner=f"rep{index % 7}",
    )


def make_contacts(rng: random.Random, customer: Customer, n: int) -> list[Contact]:
    zone = customer.timezone or "UTC"
    contacts = []
    for _ in range(n):
        at = AS_OF.subtract(minutes=rng.randint(-2 * 24 * 60, 120 * 24 * 60)).in_tz(zone)
        outcome = rng.choice([Outcome.CONNECTED, Outcome.REPLIED, Outcome.NO_ANSWER, Outcome.SENT])
        direction = Direction.INBOUND if rng.random() < 0.2 else Direction.OUTBOUND
        contacts.append(Contact(at, rng.choice(["call", "email", "meeting"]), direction, outcome, by="rep"))
    return contacts


def naive_assess(policy: Policy, customer: Customer, contacts: Sequence[Contact], as_of: Any) -> tuple[str, Any]:
    """The straightforward way: pendulum objects and their arithmetic throughout (inputs are pendulum)."""
    rule = policy.rule_for(customer.segment, customer.stage).rule
    counted = [
        c.at for c in contacts if c.at <= as_of and (c.direction is Direction.INBOUND or c.outcome not in NON_REACH)
    ]
    last = max(counted) if counted else None
    entered = customer.stage_entered_at
    anchor = max(last, entered) if last is not None else entered
    tz = customer.timezone or policy.timezone
    interval = rule.intervals[0]
    local = anchor.in_tz(tz)
    due = local.start_of("day").add(months=interval.months, days=interval.days)
    overdue = due.add(days=1)
    due_soon = due.subtract(days=rule.heads_up.days)
    base = local if last is not None and last >= entered else (last or customer.created_at).in_tz(tz)
    churn = base.start_of("day").add(days=rule.churn_after.days)
    if as_of >= churn:
        status = "churn_risk"
    elif as_of >= overdue:
        status = "overdue"
    elif as_of >= due:
        status = "due"
    elif as_of >= due_soon:
        status = "due_soon"
    else:
        status = "on_track"
    return status, due


def best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers for assess_many")
    parser.add_argument("--repeat", type=int, default=5, help="repeats per measurement (median is reported)")
    args = parser.parse_args()
    rng = random.Random(20261122)
    policy = presets.load("abc", calendar="Europe/Berlin")
    # The abc preset's rules are single calendar intervals, the case the naive reference implements.

    print(f"{'history':>8} {'cadence us/cust':>16} {'naive us/cust':>14} {'speed-up':>9}")
    for n in (10, 100, 1000):
        count = max(200, 20_000 // n)
        customers = [make_customer(rng, i) for i in range(count)]
        histories = [make_contacts(rng, c, n) for c in customers]
        for customer, history in zip(customers, histories, strict=True):
            fast = assess(policy, customer, history, as_of=AS_OF)
            slow_status, slow_due = naive_assess(policy, customer, history, AS_OF)
            assert fast.status.value == slow_status, (customer, fast.reason, slow_status)
            assert fast.due_at == slow_due, (customer, fast.due_at, slow_due)

        def run_fast(customers: list[Customer] = customers, histories: list[list[Contact]] = histories) -> None:
            for customer, history in zip(customers, histories, strict=True):
                assess(policy, customer, history, as_of=AS_OF).due_at  # noqa: B018 - include one conversion out

        def run_slow(customers: list[Customer] = customers, histories: list[list[Contact]] = histories) -> None:
            for customer, history in zip(customers, histories, strict=True):
                naive_assess(policy, customer, history, AS_OF)

        fast_s = best_of(args.repeat, run_fast) / count * 1e6
        slow_s = best_of(args.repeat, run_slow) / count * 1e6
        print(f"{n:>8} {fast_s:>16.2f} {slow_s:>14.2f} {slow_s / fast_s:>8.1f}x")

    customers = [make_customer(rng, i) for i in range(args.customers)]
    contacts = {c.id: make_contacts(rng, c, 10) for c in customers}
    many = best_of(args.repeat, lambda: assess_many(policy, customers, contacts, as_of=AS_OF))
    naive = best_of(
        max(1, args.repeat // 2),
        lambda: [naive_assess(policy, c, contacts[c.id], AS_OF) for c in customers],
    )
    print(
        f"assess_many: {args.customers:,} customers x 10 contacts in {many:.3f} s = "
        f"{args.customers / many:,.0f} customers/s; naive {args.customers / naive:,.0f} customers/s "
        f"({naive / many:.1f}x)"
    )


if __name__ == "__main__":
    main()
