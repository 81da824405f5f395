"""What the churn-risk score costs: in `cadence.frames` (the column, customers per second) and in `assess` (reading
``risk_score`` against assessing).

Run: ``python benchmarks/bench_risk.py [--customers 1000000] [--scalar 20000] [--repeat 3]``. It prints:

1. customers per second of the columnar risk step (``cadence._columnar._risk``: counting each customer's distinct
   counted contacts after creation, looking up its prior and computing the formula) on ``--customers`` customers
   with 10 distinct counted contacts each, as `cadence.frames.assess` runs it, with a fitted-style prior per rule
   entry (two entries);
2. in the scalar path, on ``--scalar`` customers with 10 calls each: the time of ``assess_many`` per customer, and
   of reading ``risk_score`` once from each fresh result, and their ratio.

Times are the least of ``--repeat`` runs (``perf_counter``); the machines are shared: compare ratios of one run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pendulum

from cadence import Contact, Customer, Policy, Rule, assess_many
from cadence._columnar import CustomerColumns, _risk

DAY = 86_400_000_000


def best(work, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def columnar(n: int, repeat: int) -> None:
    rng = np.random.default_rng(1)
    as_of = 1_790_000_000 * 1_000_000
    created = as_of - rng.integers(30, 900, n) * DAY
    who = np.repeat(np.arange(n), 10)
    at = np.sort(created[who] + rng.integers(0, 30 * DAY, len(who)).reshape(n, 10).cumsum(axis=1).ravel() // 10)
    at = np.minimum(at, as_of)
    order = np.lexsort((at, who))
    who, at = who[order], at[order]
    silent = np.maximum.reduceat(at, np.r_[0, np.flatnonzero(np.diff(who)) + 1])
    people = CustomerColumns(
        entry=created, created=created, rule=rng.integers(0, 2, n), zone=np.zeros(n, dtype=np.int64),
        scalar=np.zeros(n, dtype=bool), owner=np.full(n, -1), claimed=np.full(n, -1),
    )  # fmt: skip
    settings = np.array([(0.5, 200.0, 250.0, 0.3, 2.0, 91.0), (2.0, 30.0, 365.0, 0.0, 1.0, 60.0)])
    active = np.ones(n, dtype=bool)
    seconds = best(lambda: _risk(settings, people, active, who, at, silent, as_of), repeat)
    print(f"columnar risk step: {n:,} customers x 10 contacts in {seconds:.3f} s: {n / seconds:,.0f} customers/s")


def scalar(n: int, repeat: int) -> None:
    start = pendulum.datetime(2025, 1, 1, tz="UTC")
    policy = Policy(name="p", calendar="UTC", segments=["A"], rules={("*", "*"): Rule.every("7d", churn_after="60d")})
    people = [Customer(f"c{i}", "A", "retention", stage_entered_at=start, created_at=start) for i in range(n)]
    histories = {
        f"c{i}": tuple(Contact(start.add(days=3 * k + i % 5), "call", outcome="connected") for k in range(10))
        for i in range(n)
    }
    as_of = start.add(days=60)
    assessing = best(lambda: assess_many(policy, people, histories, as_of=as_of), repeat)
    batches = [assess_many(policy, people, histories, as_of=as_of) for _ in range(repeat)]
    reading = best(lambda: [r.risk_score for r in batches.pop()], repeat)
    print(f"assess_many: {assessing / n * 1e6:.2f} us a customer; reading risk_score: {reading / n * 1e6:.2f} us "
          f"({reading / assessing:.2f}x the assessment)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--scalar", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    columnar(args.customers, args.repeat)
    scalar(args.scalar, args.repeat)


if __name__ == "__main__":
    main()
