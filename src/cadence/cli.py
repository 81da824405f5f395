"""The command line: ``cadence demo`` assesses the built-in sample CRM with a preset and prints what is due."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence

from cadence import presets, sample
from cadence.assessment import Assessment, Status
from cadence.calculator import assess_many, worklist
from cadence.errors import CadenceError
from cadence.policy import Policy

_ORDER = sorted(Status, reverse=True)


def _summary(policy: Policy, results: Sequence[Assessment]) -> list[str]:
    segments = [s.id for s in sorted(policy.segments, key=lambda s: s.rank)]
    width = max(8, *(len(s) + 1 for s in segments))
    counts = Counter((r.status, r.customer.segment) for r in results)
    lines = [f"{'status':<11}" + "".join(f"{s:>{width}}" for s in segments) + f"{'total':>8}"]
    for status in _ORDER:
        row = [counts[status, s] for s in segments]
        lines.append(f"{status.value:<11}" + "".join(f"{n:>{width},}" for n in row) + f"{sum(row):>8,}")
    return lines


def _by_owner(results: Sequence[Assessment]) -> list[str]:
    counts = Counter((r.owner, r.status) for r in results)
    owners = sorted({r.owner or "-" for r in results})
    shown = (Status.CHURN_RISK, Status.OVERDUE, Status.DUE, Status.DUE_SOON)
    lines = [f"{'owner':<11}" + "".join(f"{s.value:>11}" for s in shown)]
    for owner in owners:
        key = None if owner == "-" else owner
        lines.append(f"{owner:<11}" + "".join(f"{counts[key, s]:>11,}" for s in shown))
    return lines


def _worklist_lines(results: Sequence[Assessment], limit: int) -> list[str]:
    chosen = worklist(results, limit=limit)
    lines = [f"{'customer':<9}{'segment':<9}{'stage':<12}{'owner':<7}{'status':<11}{'due':<11}{'silent':>8}"]
    for item in chosen:
        due = item.due_at.to_date_string() if item.due_at is not None else "-"
        silent = f"{item.silence.days}d"
        customer = item.customer
        lines.append(
            f"{customer.id:<9.8}{customer.segment:<9.8}{customer.stage:<12.11}{item.owner or '-':<7.6}"
            f"{item.status.value:<11}{due:<11}{silent:>8}"
        )
    if chosen:
        lines += ["", *textwrap.wrap(f"why {chosen[0].customer_id}: {chosen[0].reason}", 80, subsequent_indent="  ")]
    return lines


def demo(preset: str, timezone: str, customers: int, seed: int, top: int) -> str:
    """The demo's report: counts by status and segment, by owner, and the top of the worklist."""
    policy = presets.load(preset, calendar=timezone)
    data = sample.generate(policy, customers=customers, seed=seed)
    results = assess_many(policy, data.customers, data.contacts, as_of=data.as_of)
    contacts = sum(len(c) for c in data.contacts.values())
    as_of = results[0].as_of.in_tz(timezone).format("YYYY-MM-DD HH:mm Z") if results else "-"
    header = [
        f'cadence demo: preset "{preset}" in {timezone}, sample CRM (seed {seed})',
        f"{customers:,} customers, {contacts:,} contacts, assessed as of {as_of}",
        "",
    ]
    work = _worklist_lines(results, top)
    shown = min(top, len(worklist(results)))
    return "\n".join(
        [
            *header,
            *_summary(policy, results),
            "",
            *_by_owner(results),
            "",
            f"worklist, most urgent first (top {shown}):",
            *work,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="cadence", description="Follow-up cadences: due, overdue, churn risk.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="assess the built-in sample CRM with a preset and print the worklist")
    run.add_argument("--preset", default="abc", help=f"one of: {', '.join(presets.names())} (default: abc)")
    run.add_argument("--timezone", default="Europe/Berlin", help="IANA zone of the team (default: Europe/Berlin)")
    run.add_argument("--customers", type=int, default=2_000, help="customers to generate (default: 2000)")
    run.add_argument("--seed", type=int, default=2026, help="seed of the sample generator (default: 2026)")
    run.add_argument("--top", type=int, default=15, help="worklist rows to show (default: 15)")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.top < 0:
        parser.error("--customers must be at least 1 and --top at least 0")
    try:
        print(demo(args.preset, args.timezone, args.customers, args.seed, args.top))
    except CadenceError as error:
        print(f"cadence: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
