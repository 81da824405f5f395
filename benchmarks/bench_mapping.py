"""Reading an export through an import mapping against reading cadence's own files, in one run.

Run: ``python benchmarks/bench_mapping.py [--customers 20000] [--rounds 3]``.

The sample CRM is written twice: as ``cadence sample`` writes it (ISO 8601 instants with offsets, cadence's
column names and words, UTF-8), and as a Chinese CRM exports it (Chinese column names, wall times
``2026/03/02 16:30`` in Asia/Shanghai, Chinese words for channels, directions and outcomes, GB18030), read through
the built-in ``jiandaoyun`` mapping. Both go through the row readers of `cadence.csv_files` (the column-wise
reader of ``cadence check`` reads only cadence's own files). The median of each and their ratio are printed; the
machines are shared and noisy, so read the ratio.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from cadence import Contact, mappings, presets, sample
from cadence.csv_files import RowError, decode_lines, read_contacts, read_customers

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMAT = "%Y/%m/%d %H:%M"


def write(folder: Path, customers: int) -> None:
    policy = presets.load("abc", calendar="Asia/Shanghai")
    data = sample.generate(policy, customers=customers, seed=7)
    mapping = mappings.load("jiandaoyun")
    words = {
        field: {meant: word for word, meant in mapping.vocabulary[field].items()}
        for field in ("channel", "direction", "outcome")
    }
    with (
        (folder / "customers.csv").open("w", newline="", encoding="utf-8") as own,
        (folder / "客户.csv").open("w", newline="", encoding="gb18030") as theirs,
    ):
        a, b = csv.writer(own), csv.writer(theirs)
        a.writerow(["id", "segment", "stage", "stage_entered_at", "created_at", "owner"])
        b.writerow(["客户编号", "客户等级", "客户阶段", "阶段变更时间", "创建时间", "负责人"])
        for c in data.customers:
            entered, created = (
                c.stage_entered_at.replace(second=0, microsecond=0),
                c.created_at.replace(second=0, microsecond=0),
            )
            a.writerow([c.id, c.segment, c.stage, entered.isoformat(), created.isoformat(), c.owner])
            b.writerow(
                [
                    c.id,
                    c.segment,
                    c.stage,
                    entered.astimezone(SHANGHAI).strftime(FORMAT),
                    created.astimezone(SHANGHAI).strftime(FORMAT),
                    c.owner,
                ]
            )
    with (
        (folder / "contacts.csv").open("w", newline="", encoding="utf-8") as own,
        (folder / "跟进.csv").open("w", newline="", encoding="gb18030") as theirs,
    ):
        a, b = csv.writer(own), csv.writer(theirs)
        a.writerow(["customer_id", "at", "channel", "direction", "outcome", "by"])
        b.writerow(["客户编号", "跟进时间", "跟进方式", "跟进方向", "跟进结果", "跟进人"])
        for key, history in data.contacts.items():
            for e in history:
                if not isinstance(e, Contact):
                    continue
                at = e.at.replace(second=0, microsecond=0)
                kinds = (e.channel.value, e.direction.value, e.outcome.value)
                a.writerow([key, at.isoformat(), *kinds, e.by or ""])
                shown = [words[f].get(v, v) for f, v in zip(("channel", "direction", "outcome"), kinds, strict=True)]
                b.writerow([key, at.astimezone(SHANGHAI).strftime(FORMAT), *shown, e.by or ""])


def read_own(folder: Path) -> int:
    policy = presets.load("abc", calendar="Asia/Shanghai")
    errors: list[RowError] = []
    with (folder / "customers.csv").open("rb") as stream:
        people = read_customers(decode_lines(stream), "customers.csv", policy, errors)
    with (folder / "contacts.csv").open("rb") as stream:
        found = read_contacts(decode_lines(stream), "contacts.csv", {c.id for c in people}, errors)
    assert not errors, errors[:3]
    return sum(map(len, found.values()))


def read_mapped(folder: Path) -> int:
    policy = presets.load("abc", calendar="Asia/Shanghai")
    mapping = mappings.load("jiandaoyun")
    errors: list[RowError] = []
    people = mappings.read_customers(str(folder / "客户.csv"), mapping, policy, errors)
    found = mappings.read_contacts(str(folder / "跟进.csv"), mapping, {c.id for c in people}, errors)
    assert not errors, errors[:3]
    return sum(map(len, found.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write(folder, args.customers)
        times: dict[str, list[float]] = {"own files": [], "mapped export": []}
        counts = set()
        for _ in range(args.rounds):
            for label, work in (("own files", read_own), ("mapped export", read_mapped)):
                began = time.perf_counter()
                counts.add(work(folder))
                times[label].append(time.perf_counter() - began)
        assert len(counts) == 1, counts  # both read the same contacts
        own, mapped = (statistics.median(times[label]) for label in ("own files", "mapped export"))
        print(f"{args.customers:,} customers, {counts.pop():,} contacts, median of {args.rounds} rounds")
        print(f"cadence's own files (ISO 8601, UTF-8): {own:.2f} s")
        print(f"Chinese export through the jiandaoyun mapping (GB18030, wall times): {mapped:.2f} s")
        print(f"ratio: {mapped / own:.2f}x")


if __name__ == "__main__":
    main()
