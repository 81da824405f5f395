"""The cost and memory figures of the hardening work: long business-hour durations, alternating eras, cache budget.

Run: ``python benchmarks/bench_hardening.py [--repeat 7] [--zones 400] [--years 30]``. Prints, in one run:

1. business-hour addition of 1e6 and 1e8 hours (the second is past year 9999, so an InputError): on a zone the
   process has not used yet (its zone data is read then), on a new calendar in a zone already used, and again on
   the same calendar; against adding 40 business hours on a warm calendar, the everyday case;
2. assessing customers whose anchors alternate between 1970 and 2026 (placeholder dates beside real ones, common in
   CRM exports), against the same customers all in 2026;
3. a long-running process assessing across ``--years`` years in ``--zones`` zones: resident memory before and after,
   against the documented cache budget (`cadence.set_cache_budget`);
4. the caches filled past their budget (anchors spread over 70 years, day and business-day rules, five zones):
   resident memory growth while the budget is spent and emptied again and again.

Medians of several repeats; the machines are shared and noisy, so compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import statistics
import time
import zoneinfo
from collections.abc import Callable

import pendulum

import cadence
from cadence import Calendar, Contact, Customer, InputError, Policy, Rule, assess, assess_many


def rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak so far."""
    try:
        with open("/proc/self/statm") as stream:
            pages = int(stream.read().split()[1])
        return pages * resource.getpagesize() / 1e6
    except OSError:  # pragma: no cover - not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def timed(call: Callable[[], object]) -> float:
    """Milliseconds for one call (an InputError counts as the answer)."""
    start = time.perf_counter()
    with contextlib.suppress(InputError):
        call()
    return (time.perf_counter() - start) * 1e3


def long_durations(repeat: int) -> None:
    print("1. business-hour addition (ms, median of the runs; hours 09:00-17:00 Mon-Fri)")
    cold_zones = ["Pacific/Auckland", "America/Chicago", "Europe/Paris", "Australia/Sydney", "America/Halifax",
                  "Europe/Helsinki", "America/Denver", "Europe/Madrid", "America/Toronto"][:repeat]  # fmt: skip
    start = pendulum.datetime(2026, 3, 6, 17)
    rows: dict[str, list[float]] = {}
    for hours in ("1000000bh", "100000000bh"):
        cold = [timed(lambda z=z, h=hours: Calendar(z, hours="09:00-17:00").add(start.in_tz(z), h)) for z in cold_zones]
        fresh, again = [], []
        for i in range(repeat):
            calendar = Calendar("Europe/Berlin", hours=f"09:00-17:{i:02d}")  # a new calendar each time
            fresh.append(timed(lambda c=calendar, h=hours: c.add(start, h)))
            again.append(timed(lambda c=calendar, h=hours: c.add(start, h)))
        rows[hours] = [statistics.median(cold), statistics.median(fresh), statistics.median(again)]
        cadence.clear_caches()
    warm = Calendar("Europe/Berlin", hours="09:00-17:00")
    warm.add(start, "40bh")
    everyday = statistics.median(timed(lambda: warm.add(start, "40bh")) for _ in range(repeat * 10))
    print(f"{'duration':<13}{'new zone':>10}{'new calendar':>14}{'again':>8}   (40bh on a warm calendar: "
          f"{everyday:.3f} ms)")  # fmt: skip
    for hours, (cold_ms, fresh_ms, again_ms) in rows.items():
        print(f"{hours:<13}{cold_ms:>10.2f}{fresh_ms:>14.2f}{again_ms:>8.3f}")
    print()


def alternating(repeat: int, customers: int) -> None:
    print("2. alternating eras: business-hour rules, anchors in 1970 and 2026 (us per assessment)")
    policy = Policy(
        name="bh",
        segments=["A"],
        calendar=Calendar("Europe/Berlin", hours="09:00-17:00"),
        rules={("*", "*"): Rule.every("16bh", first_response="4bh", grace="8bh")},
    )
    rng = random.Random(1970)

    def population(years: tuple[int, ...]) -> list[tuple[Customer, list[Contact], pendulum.DateTime]]:
        out = []
        for i in range(customers):
            year = years[i % len(years)]
            entered = pendulum.datetime(year, 1, 1, tz="Europe/Berlin").add(days=rng.randrange(300), hours=9)
            contact = entered.add(days=rng.randrange(1, 20), hours=rng.randrange(8))
            out.append((Customer(f"c{i}", "A", "retention", stage_entered_at=entered, created_at=entered),
                        [Contact(contact, "call", outcome="connected")], contact.add(days=10)))  # fmt: skip
        return out

    def run(people: list[tuple[Customer, list[Contact], pendulum.DateTime]]) -> float:
        start = time.perf_counter()
        for customer, contacts, as_of in people:
            assess(policy, customer, contacts, as_of=as_of)
        return (time.perf_counter() - start) / len(people) * 1e6

    single, mixed = population((2026,)), population((1970, 2026))
    run(single), run(mixed)  # warm: each era's tables built once
    pairs = [(run(single), run(mixed)) for _ in range(repeat)]
    one, two = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    ratio = statistics.median(b / a for a, b in pairs)
    print(f"2026 only {one:.1f} us; 1970/2026 alternating {two:.1f} us; ratio {ratio:.2f}x\n")


def long_running(zones: int, years: int) -> None:
    print(f"3. a long-running process: {zones} zones, {years} years, monthly assessments")
    names = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    names = [n for n in names if "/" in n][:zones]
    policy = Policy(
        name="mixed",
        calendar=Calendar("UTC", hours="09:00-17:00"),
        segments=["A", "B", "C"],
        rules={
            ("A", "*"): Rule.every("7d", grace="2d", churn_after="60d"),
            ("B", "*"): Rule.every("16bh", grace="4bh"),
            ("C", "*"): Rule.every("3bd", grace="1bd", churn_after="90d"),
        },
    )
    rng = random.Random(30)
    first = pendulum.datetime(2026 - years, 1, 1)
    people = []
    for zone in names:
        for segment in "ABC":
            entered = first.add(days=rng.randrange(30)).in_tz(zone)
            history = [Contact(entered.add(days=d), "call", outcome="connected")
                       for d in sorted(rng.sample(range(1, years * 365), 40))]  # fmt: skip
            people.append((Customer(f"{zone}-{segment}", segment, "retention", stage_entered_at=entered,
                                    created_at=entered, timezone=zone), history))  # fmt: skip
    customers = [c for c, _ in people]
    histories = {c.id: h for c, h in people}
    cadence.clear_caches()
    before = rss_mb()
    start = time.perf_counter()
    steps = 0
    for month in range(1, years * 12):
        assess_many(policy, customers, histories, as_of=first.add(months=month, days=rng.randrange(28)))
        steps += 1
    seconds = time.perf_counter() - start
    after = rss_mb()
    budget = cadence.set_cache_budget(cadence._time.DEFAULT_CACHE_BUDGET)
    print(f"{steps * len(customers):,} assessments in {seconds:.1f} s; resident memory {before:.0f} MB -> "
          f"{after:.0f} MB (+{after - before:.0f} MB; cache budget {budget:,} entries, documented as "
          "about 100 MB)")  # fmt: skip


def saturated(rounds: int) -> None:
    print(f"4. caches filled past their budget ({rounds} rounds of 60,000 customers with anchors over 70 years)")
    policy = Policy(
        name="p",
        calendar="UTC",
        segments=["A", "B"],
        rules={("A", "*"): Rule.every("7d", grace="2d", churn_after="60d"), ("B", "*"): Rule.every("3bd", grace="1bd")},
    )
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"]
    rng = random.Random(1)
    base = pendulum.datetime(1950, 1, 1)
    entries = [base.add(days=rng.randrange(365 * 70)) for _ in range(60_000)]
    cadence.clear_caches()
    before = rss_mb()
    peak = 0.0
    for shift in range(rounds):
        customers = [
            Customer(f"c{i}", "AB"[i % 2], "retention", stage_entered_at=e.add(days=shift), created_at=e,
                     timezone=zones[i % 5])
            for i, e in enumerate(entries)
        ]  # fmt: skip
        assess_many(policy, customers, {}, as_of=pendulum.datetime(2026, 1, 1))
        peak = max(peak, rss_mb() - before)
    print(f"resident memory growth at most +{peak:.0f} MB (the customers of a round included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="repeats per measurement (median is reported)")
    parser.add_argument("--customers", type=int, default=5_000, help="customers for the alternating-era comparison")
    parser.add_argument("--zones", type=int, default=400, help="zones of the long-running process")
    parser.add_argument("--years", type=int, default=30, help="years of the long-running process")
    args = parser.parse_args()
    long_durations(args.repeat)
    alternating(args.repeat, args.customers)
    long_running(args.zones, args.years)
    saturated(6)


if __name__ == "__main__":
    main()
