"""The engine against an earlier version of cadence: assess, assess_many, and results as data.

Run: ``python benchmarks/bench_engine.py --baseline PATH [--customers 100000] [--rounds 3]`` where PATH is a checkout
of the earlier version (for example ``git worktree add /tmp/base <commit>``, or ``git archive <commit> | tar -x -C
/tmp/base``). Each round measures both versions in turn, each in a fresh process (the same generated data, seeded),
and the medians and their ratios are printed:

- ``assess`` per customer (10 contacts, the abc preset, six zones), reading ``due_at``;
- ``assess_many`` over ``--customers`` customers with 10 contacts each;
- reading ``reason`` and ``risk_score`` one by one, per customer (what a report did before ``to_dict``);
- ``to_dict()`` per customer (this version only; JSON-ready, every field);
- ``cadence.frames.assess(..., reasons=True)`` per customer, from pandas tables to a table with every column (when
  the frames extra is installed).

The machines are shared and noisy: compare the ratios of one run, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def measure(customers: int) -> dict[str, float]:
    """Microseconds per customer for each operation, with whatever cadence is importable."""
    sys.path.insert(0, str(HERE))
    from bench_assess import AS_OF, make_contacts, make_customer
    from cadence import assess, assess_many, presets

    rng = random.Random(20261122)
    policy = presets.load("abc", calendar="Europe/Berlin")
    people = [make_customer(rng, i) for i in range(customers)]
    histories = {c.id: make_contacts(rng, c, 10) for c in people}
    out: dict[str, float] = {}

    def best(work: Any, count: int, repeat: int = 5) -> float:
        # CPU time of this process, the least of several runs: other processes on a shared machine count less.
        times = []
        for _ in range(repeat):
            start = time.process_time()
            work()
            times.append(time.process_time() - start)
        return min(times) / count * 1e6

    few = people[:20_000]
    out["assess"] = best(lambda: [assess(policy, c, histories[c.id], as_of=AS_OF).due_at for c in few], len(few))
    out["assess_many"] = best(lambda: assess_many(policy, people, histories, as_of=AS_OF), len(people))
    # Each run on fresh results: nothing read or memoized yet.
    fresh = [assess_many(policy, people, histories, as_of=AS_OF) for _ in range(3)]
    out["reason_and_risk"] = best(lambda: [(r.reason, r.risk_score) for r in fresh.pop()], len(people), 3)
    if hasattr(assess_many(policy, people[:1], histories, as_of=AS_OF)[0], "to_dict"):
        fresh = [assess_many(policy, people, histories, as_of=AS_OF) for _ in range(3)]
        out["to_dict"] = best(lambda: [r.to_dict() for r in fresh.pop()], len(people), 3)
    try:
        import pandas as pd

        from cadence import frames
    except ImportError:
        return out
    # Every field of every customer as data, the table way: from columns (made once, outside the timing) to a
    # table with reasons, as an export of many results would do it.
    table = pd.DataFrame([{"id": c.id, "segment": c.segment, "stage": c.stage, "timezone": c.timezone,
                           "owner": c.owner, "stage_entered_at": c.stage_entered_at, "created_at": c.created_at}
                          for c in people])  # fmt: skip
    table["stage_entered_at"] = pd.to_datetime(table["stage_entered_at"], utc=True)
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True)
    touches = pd.DataFrame([{"customer_id": c.id, "at": e.at, "channel": e.channel.value,
                             "direction": e.direction.value, "outcome": e.outcome.value, "by": e.by}
                            for c in people for e in histories[c.id]])  # fmt: skip
    touches["at"] = pd.to_datetime(touches["at"], utc=True)
    out["frames_with_reasons"] = best(
        lambda: frames.assess(policy, table, touches, as_of=AS_OF, reasons=True), len(people), 3
    )
    return out


def run(path: Path | None, customers: int) -> dict[str, float]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path / "src")
    command = [sys.executable, __file__, "--measure", "--customers", str(customers)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of the earlier version to compare with")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each measures both versions (median shown)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.customers)))
        return
    rounds: list[tuple[dict[str, float], dict[str, float] | None]] = []
    for _ in range(args.rounds):
        now = run(None, args.customers)
        before = run(args.baseline, args.customers) if args.baseline else None
        rounds.append((now, before))
    print(f"{args.customers:,} customers x 10 contacts, abc preset, 6 zones; us per customer, median of {args.rounds}")
    print(f"{'operation':<18}{'this version':>14}{'baseline':>10}{'ratio':>8}")
    for name in rounds[0][0]:
        now_us = statistics.median(r[0][name] for r in rounds)
        if rounds[0][1] is not None and name in rounds[0][1]:
            before_us = statistics.median(r[1][name] for r in rounds if r[1] is not None)
            ratio = statistics.median(r[0][name] / r[1][name] for r in rounds if r[1] is not None)
            print(f"{name:<18}{now_us:>14.2f}{before_us:>10.2f}{ratio:>7.2f}x")
        else:
            print(f"{name:<18}{now_us:>14.2f}{'-':>10}{'':>8}")
    if rounds[0][1] is not None and "to_dict" in rounds[0][0]:
        old = statistics.median(r[1]["reason_and_risk"] for r in rounds if r[1] is not None)
        new = statistics.median(r[0]["to_dict"] for r in rounds)
        print(f"to_dict (every field) against reading reason and risk_score in the baseline: {old / new:.1f}x faster")
        if "frames_with_reasons" in rounds[0][0]:
            table = statistics.median(r[0]["frames_with_reasons"] for r in rounds)
            print(f"frames.assess with reasons (every column) against the same: {old / table:.1f}x faster")


if __name__ == "__main__":
    main()
