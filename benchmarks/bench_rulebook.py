"""Time `assess` with every rule of the rulebook enabled against the core rule alone.

Run: ``python benchmarks/bench_rulebook.py [--customers 20000] [--repeat 7]``. Interleaved repeats, medians, and
ratios measured in the same run (the machines are shared and noisy). Three variants on the same customers and
10-contact histories (a few with a deferral):

- core: a 7-day rule with grace and churn threshold, reading ``due_at``;
- every rule, status only: the same rule with a cap, unanswered attempts, an escalation ladder, pool reclaim and
  two touchpoints, reading ``due_at`` (what a status board needs);
- every answer: reading also ``contact_allowed``, ``next_allowed_at``, ``recommendation``, ``escalation_level``,
  ``reclaim``, ``risk_score``, ``touchpoints`` and ``reason``, under the core rule (where most are trivial) and under
  every rule.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable

from bench_assess import AS_OF, best_of, make_contacts, make_customer
from cadence import Cap, Deferral, Policy, Reclaim, Rule, Touchpoint, Unanswered, assess

CORE = Rule.every("7d", grace="1d", churn_after="60d")
FULL = Rule.every(
    "7d",
    grace="1d",
    churn_after="60d",
    cap=Cap(min_gap="1d", attempts=3, per="7d"),
    unanswered=Unanswered(3, "nurture"),
    escalation=[("0d", "owner"), ("2d", "manager"), ("4d", "reassign")],
    reclaim=Reclaim("30d", protect="14d", extend="7d", max_protect="60d"),
    touchpoints=[Touchpoint("1d", "1d", "delivery"), Touchpoint("15d", "3d", "visit")],
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(20261122)
    customers = [make_customer(rng, i) for i in range(args.customers)]
    histories: list[list[object]] = []
    for customer in customers:
        history: list[object] = list(make_contacts(rng, customer, 10))
        if rng.random() < 0.05:
            history.append(Deferral(AS_OF.subtract(days=3), until=AS_OF.add(days=10).date()))
        histories.append(history)
    core = Policy("core", "Europe/Berlin", ["A", "B", "C"], {("*", "*"): CORE})
    full = Policy("full", "Europe/Berlin", ["A", "B", "C"], {("*", "*"): FULL})

    def status_only(policy: Policy) -> Callable[[], None]:
        def run() -> None:
            for customer, history in zip(customers, histories, strict=True):
                assess(policy, customer, history, as_of=AS_OF).due_at  # noqa: B018

        return run

    def every_answer(policy: Policy) -> Callable[[], None]:
        def run() -> None:
            for customer, history in zip(customers, histories, strict=True):
                r = assess(policy, customer, history, as_of=AS_OF)
                _ = (r.due_at, r.contact_allowed, r.next_allowed_at, r.recommendation, r.escalation_level,
                     r.reclaim, r.risk_score, r.touchpoints, r.reason)  # fmt: skip

        return run

    runs = {
        "core rule, due_at": status_only(core),
        "every rule, due_at": status_only(full),
        "core rule, every answer": every_answer(core),
        "every rule, every answer": every_answer(full),
    }
    for run in runs.values():
        run()  # warm the caches, as a long-running process has them
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.repeat):
        for label, run in runs.items():
            times[label].append(best_of(1, run))
    base = statistics.median(times["core rule, due_at"])
    print(f"assess, {args.customers:,} customers x 10 contacts (5% with a deferral), 6 zones")
    for label, values in times.items():
        per = statistics.median(values)
        print(f"  {label:<26} {per / len(customers) * 1e6:>7.2f} us/customer  {per / base:>5.2f}x the core rule")


if __name__ == "__main__":
    main()
