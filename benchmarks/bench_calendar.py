"""Time business-day arithmetic against a day-by-day pendulum loop, and `assess` with a calendar against without.

Run: ``python benchmarks/bench_calendar.py [--customers 20000] [--repeat 5]``. Prints medians of several repeats
and ratios measured in the same run; the machines are shared and noisy, so compare ratios, not absolute times.
Before timing, it checks that the fast and the naive additions agree. Uses the mainland China calendar of
2020-2030 from the ``holidays`` extra when it is installed (holidays and make-up working days), else a synthetic
calendar with the same number of exceptions.
"""

from __future__ import annotations

import argparse
import random
import statistics
from datetime import date, timedelta

import pendulum

from bench_assess import AS_OF, best_of, make_contacts, make_customer
from cadence import Calendar, Policy, Rule, assess

TZ = "Asia/Shanghai"
HOURS = "09:00-12:00, 13:30-18:00"


def china_calendar() -> tuple[Calendar, str]:
    try:
        return Calendar.from_holidays("CN", years=range(2020, 2033), timezone=TZ, hours=HOURS), "CN 2020-2032"
    except Exception:  # the extra is not installed: same shape, synthetic dates
        rng = random.Random(7)
        start = date(2020, 1, 1)
        off = {start + timedelta(days=rng.randrange(4018)) for _ in range(150)}
        on = {d for d in (start + timedelta(days=rng.randrange(4018)) for _ in range(60)) if d.weekday() >= 5} - off
        return Calendar(TZ, hours=HOURS, holidays=off, extra_workdays=on), "synthetic, 150 holidays"


def naive_add(calendar: Calendar, day: pendulum.Date, n: int) -> pendulum.Date:
    """The straightforward way: step one pendulum date at a time and test each one."""
    holidays, extra, workdays = calendar.holidays, calendar.extra_workdays, set(calendar.workdays)
    while n:
        day = day.add(days=1)
        if day in extra or (day.weekday() in workdays and day not in holidays):
            n -= 1
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000, help="customers for the assess comparison")
    parser.add_argument("--repeat", type=int, default=5, help="repeats per measurement (median is reported)")
    args = parser.parse_args()
    rng = random.Random(20261122)
    calendar, source = china_calendar()
    work = calendar._work
    starts = [pendulum.date(2021, 1, 1).add(days=rng.randrange(3000)) for _ in range(2000)]
    ordinals = [d.toordinal() for d in starts]
    print(f"calendar: {source}; {len(starts)} start dates from 2021 to 2029")
    print(f"{'n':>5} {'nth_after us':>13} {'add_business_days us':>21} {'pendulum loop us':>17} {'speed-up':>9}")
    dates = [date.fromordinal(o) for o in ordinals]
    for n in (5, 500):
        for day in starts[:200]:
            assert calendar.add_business_days(day, n) == naive_add(calendar, day, n), (day, n)
        slow_count = len(starts) if n < 50 else 200

        def fast(n: int = n) -> None:
            for ordinal in ordinals:
                work.nth_after(ordinal, n)

        def public(n: int = n) -> None:
            for day in dates:
                calendar.add_business_days(day, n)

        def slow(n: int = n, slow_count: int = slow_count) -> None:
            for day in starts[:slow_count]:
                naive_add(calendar, day, n)

        samples: dict[str, list[float]] = {"fast": [], "public": [], "slow": []}
        for _ in range(args.repeat):  # interleaved, so that drift hits all three alike
            samples["fast"].append(best_of(1, fast) / len(starts) * 1e6)
            samples["public"].append(best_of(1, public) / len(starts) * 1e6)
            samples["slow"].append(best_of(1, slow) / slow_count * 1e6)
        fast_us, public_us, slow_us = (statistics.median(samples[k]) for k in ("fast", "public", "slow"))
        print(f"{n:>5} {fast_us:>13.2f} {public_us:>21.2f} {slow_us:>17.1f} {slow_us / public_us:>8.0f}x")

    customers = [make_customer(rng, i) for i in range(args.customers)]
    histories = [make_contacts(rng, c, 10) for c in customers]
    policies = {
        "calendar days (7d, first 1d)": Rule.every("7d", first_response="1d", grace="1d"),
        "business days (5bd, first 1bd)": Rule.every("5bd", first_response="1bd", grace="1bd"),
        "days, skip days off (7d)": Rule.every("7d", first_response="1d", grace="1d", days_off="skip"),
        "business hours (40bh, first 8bh)": Rule.every("40bh", first_response="8bh", grace="2h"),
        "... and a business-hour grace (4bh)": Rule.every("40bh", first_response="8bh", grace="4bh"),
    }
    print(f"\nassess, {args.customers:,} customers x 10 contacts, 6 zones, calendar {source} with hours")
    runs = {}
    for label, rule in policies.items():
        policy = Policy("bench", TZ if "calendar days" in label else calendar, ["A", "B", "C"], {("*", "*"): rule})

        def run(policy: Policy = policy) -> None:
            for customer, history in zip(customers, histories, strict=True):
                assess(policy, customer, history, as_of=AS_OF).due_at  # noqa: B018 - include one conversion out

        run()  # warm the caches once, as a long-running process has them
        runs[label] = run
    # Interleaved, so that drift in the machine's speed hits every variant alike.
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.repeat):
        for label, run in runs.items():
            times[label].append(best_of(1, run))
    baseline = statistics.median(times[next(iter(times))])
    for label, values in times.items():
        per = statistics.median(values)
        print(f"  {label:<34} {per / len(customers) * 1e6:>7.2f} us/customer  {per / baseline:>5.2f}x the first")


if __name__ == "__main__":
    main()
