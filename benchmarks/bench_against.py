"""Time `assess_many` on a policy that uses none of the newer rule fields, in this tree and in another one.

Run: ``python benchmarks/bench_against.py BASELINE_SRC [--customers 20000] [--rounds 7]``, where ``BASELINE_SRC`` is
the ``src`` folder of an earlier checkout (``git worktree add /tmp/base <commit>`` makes one). Each round times,
in a fresh process for each tree in turn, the least of five ``assess_many`` calls on the same generated customers
(a weekly rule with a churn threshold, ten calls each, in UTC); it prints each tree's median microseconds a
customer and the median of the per-round ratios (this tree / baseline). The machines are shared and noisy: the
rounds alternate, and only the ratio means anything.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

_TIMING = """
import sys, time
sys.path.insert(0, sys.argv[1])
import pendulum
from cadence import Contact, Customer, Policy, Rule, assess_many
n = int(sys.argv[2])
start = pendulum.datetime(2025, 1, 1, tz="UTC")
policy = Policy(name="p", calendar="UTC", segments=["A"], rules={("*", "*"): Rule.every("7d", churn_after="60d")})
people = [Customer(f"c{i}", "A", "retention", stage_entered_at=start, created_at=start) for i in range(n)]
calls = {f"c{i}": tuple(Contact(start.add(days=3 * k + i % 5), "call", outcome="connected") for k in range(10))
         for i in range(n)}
as_of = start.add(days=60)
times = []
for _ in range(5):
    began = time.perf_counter()
    assess_many(policy, people, calls, as_of=as_of)
    times.append(time.perf_counter() - began)
print(min(times) / n * 1e6)
"""


def once(src: Path, customers: int) -> float:
    out = subprocess.run([sys.executable, "-c", _TIMING, str(src), str(customers)], check=True, capture_output=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="the src folder of an earlier checkout")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent / "src"
    mine, theirs = [], []
    for _ in range(args.rounds):
        mine.append(once(here, args.customers))
        theirs.append(once(args.baseline.resolve(), args.customers))
    ratios = [a / b for a, b in zip(mine, theirs, strict=True)]
    print(f"this tree: {statistics.median(mine):.2f} us a customer; baseline: {statistics.median(theirs):.2f} us; "
          f"ratio (median of {args.rounds} rounds): {statistics.median(ratios):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
