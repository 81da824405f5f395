"""`cadence.frames.assess` against hand-written pandas, polars and numpy versions of one calendar-day rule.

Run: ``python benchmarks/bench_frames.py [--customers 1000000] [--full-customers 20000] [--repeat 3]
[--sample 2000] [--no-memory]``. In one run, on the same generated data (seeded: ``--customers`` customers with
10 contacts each, in no particular order, instants in UTC, ids as integers or as categoricals), it prints:

1. customers per second of ``frames.assess`` under ``Rule.every("7d", grace="1d", churn_after="30d")`` in
   Europe/Berlin, on pandas and polars tables, with integer and with categorical ids; of the same classification
   written by hand in pandas (groupby) and in polars (group_by), as an analyst would, with local-day arithmetic
   in Europe/Berlin; and of a numpy sketch (contacts as int64 microseconds sorted by customer code,
   ``np.maximum.reduceat`` for the last contact, a per-hour UTC-offset table and a per-local-day threshold table).
   Then the ratios frames / hand-written and frames / numpy sketch (time over time: above 1, frames is slower).
   The hand-written versions answer only ``status`` and ``due_at``; frames answers every column of
   ``frames.COLUMNS``, so the ratios are what those columns cost against the bare classification. Instants are
   whole seconds, as CRM exports give them; the line "frames pandas int, us" has them to the microsecond, which
   leaves too many bits to sort each contact as one packed value;
2. customers per second of ``frames.assess`` under the full rulebook (a cap, unanswered attempts, an escalation
   ladder, a pool reclaim and two touchpoints), on ``--full-customers`` customers of the same kind, beside the
   simple rule on the same customers;
3. the peak memory of each call over the size of its input columns: each call runs once in a fresh process
   (the data generated there the same way), the kernel's peak resident set (``VmHWM``) reset just before the call
   through ``/proc/self/clear_refs``, and the peak minus the resident set before the call is reported, against the
   input tables' own size (pandas ``memory_usage(deep=True)``, polars ``estimated_size()``, numpy ``nbytes``). This
   counts every allocator (numpy, Python objects, Arrow, polars' Rust heap), which tracemalloc would not.

Before timing, on ``--sample`` customers it checks that frames agrees with ``cadence.assess_many`` and that the
hand-written versions classify the same statuses and due times as frames, and prints the agreement.

Times are the least of ``--repeat`` runs, wall clock (``perf_counter``) and CPU time of the process
(``process_time``, every thread: polars uses several). The machines are shared and noisy: compare the ratios of one
run, not absolute times.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import polars as pl

from bench_rulebook import FULL  # the full rulebook of the rulebook benchmark: a cap, unanswered, escalation, ...
from cadence import Contact, Customer, Policy, Rule, assess_many, frames

ZONE = "Europe/Berlin"
TZ = ZoneInfo(ZONE)
# A Monday morning, the day after the change to summer time: many anchors and due dates fall around it.
AS_OF = datetime(2026, 3, 30, 9, 30, tzinfo=TZ)
US, HOUR, DAY = 1_000_000, 3_600_000_000, 86_400_000_000
AS_OF_US = int(AS_OF.timestamp()) * US
NONE = np.iinfo(np.int64).min  # no counted contact
CONTACTS_EACH = 10

SIMPLE = Rule.every("7d", grace="1d", churn_after="30d")
# The thresholds of SIMPLE in local days after the anchor's (or the silence's) local date: due at the start of
# date + 7, overdue at the start of date + 7 + 1 + grace (grace counts from the end of the due date), churn risk at
# the start of the silence's date + 30. No heads-up, so never due_soon.
DUE_DAYS, OVERDUE_DAYS, CHURN_DAYS = 7, 9, 30

CHANNELS = ["call", "email", "meeting"]
DIRECTIONS = ["outbound", "inbound"]
OUTCOMES = ["connected", "replied", "no_answer", "sent"]
NON_REACH = ["no_answer", "bounced", "failed"]  # outbound contacts with these outcomes do not count
STATUS_NAMES = ["on_track", "due", "overdue", "churn_risk"]  # the numpy sketch's status codes
VARIANTS = [(library, ids) for library in ("pandas", "polars") for ids in ("int", "cat")]


def policy(rule: Rule) -> Policy:
    return Policy("bench", ZONE, ["A"], {("*", "*"): rule})


# --- data


def generate(n: int, seed: int = 20261122, unit: int = US) -> dict[str, Any]:
    """``n`` customers and 10 contacts each as numpy arrays (contacts shuffled, as in an export), instants in
    whole ``unit`` (microseconds: whole seconds by default, as CRM exports give them)."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n).astype(np.int64) * 7 + 1_000  # unique, and not row positions
    entry = AS_OF_US - rng.integers(60 * DAY, 400 * DAY, n)
    created = entry - rng.integers(0, 60 * DAY, n)
    # The customer's latest contact (a little in the future for some: not counted yet) and how far back the others
    # go: a mix of on-track, due, overdue and silent customers, some with contacts before stage entry.
    latest = rng.integers(-2 * DAY, 40 * DAY, n)
    span = rng.integers(5 * DAY, 90 * DAY, n)
    owner = np.repeat(np.arange(n, dtype=np.int64), CONTACTS_EACH)
    back = (rng.random(len(owner)) * span[owner]).astype(np.int64)
    back[::CONTACTS_EACH] = 0
    at = (AS_OF_US - latest[owner] - back) // unit * unit
    channel = rng.integers(0, len(CHANNELS), len(owner)).astype(np.int8)
    direction = (rng.random(len(owner)) < 0.2).astype(np.int8)  # 1: inbound
    outcome = rng.integers(0, len(OUTCOMES), len(owner)).astype(np.int8)
    order = rng.permutation(len(owner))
    return {
        "ids": ids,
        "entry": entry,
        "created": created,
        "owner": owner[order],  # the customer's row
        "at": at[order],
        "channel": channel[order],
        "direction": direction[order],
        "outcome": outcome[order],
    }


def tables(data: dict[str, Any], library: str, ids: str) -> tuple[Any, Any]:
    """The customers and contacts tables: ids as int64 or categorical (the same categories in both tables)."""
    n, owner = len(data["ids"]), data["owner"]
    if library == "pandas":

        def stamps(us: Any) -> Any:
            return pd.Series(us.astype("datetime64[us]")).dt.tz_localize("UTC")

        def texts(names: list[str], codes: Any) -> Any:
            return pd.Series(np.array(names, dtype=object)[codes], dtype="str")

        if ids == "int":
            own, theirs = data["ids"], data["ids"][owner]
        else:
            dtype = pd.CategoricalDtype([f"cust-{i}" for i in data["ids"].tolist()])
            own = pd.Categorical.from_codes(np.arange(n), dtype=dtype)
            theirs = pd.Categorical.from_codes(owner, dtype=dtype)
        customers = pd.DataFrame(
            {"id": own, "segment": texts(["A"], np.zeros(n, dtype=np.int64)),
             "stage": texts(["retention"], np.zeros(n, dtype=np.int64)),
             "stage_entered_at": stamps(data["entry"]), "created_at": stamps(data["created"])}
        )  # fmt: skip
        contacts = pd.DataFrame(
            {"customer_id": theirs, "at": stamps(data["at"]), "channel": texts(CHANNELS, data["channel"]),
             "direction": texts(DIRECTIONS, data["direction"]), "outcome": texts(OUTCOMES, data["outcome"])}
        )  # fmt: skip
        return customers, contacts

    def pl_stamps(us: Any) -> pl.Series:
        out: pl.Series = pl.Series(us).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        return out

    def pl_texts(names: list[str], codes: Any) -> pl.Series:
        out: pl.Series = pl.Series(names).gather(codes)
        return out

    if ids == "int":
        own_ids, their_ids = pl.Series(data["ids"]), pl.Series(data["ids"][owner])
    else:
        own_ids = pl.Series([f"cust-{i}" for i in data["ids"].tolist()]).cast(pl.Categorical)
        their_ids = own_ids.gather(owner)
    customers = pl.DataFrame(
        {"id": own_ids, "segment": pl.Series(["A"]).gather(np.zeros(n, dtype=np.int64)),
         "stage": pl.Series(["retention"]).gather(np.zeros(n, dtype=np.int64)),
         "stage_entered_at": pl_stamps(data["entry"]), "created_at": pl_stamps(data["created"])}
    )  # fmt: skip
    contacts = pl.DataFrame(
        {"customer_id": their_ids, "at": pl_stamps(data["at"]), "channel": pl_texts(CHANNELS, data["channel"]),
         "direction": pl_texts(DIRECTIONS, data["direction"]), "outcome": pl_texts(OUTCOMES, data["outcome"])}
    )  # fmt: skip
    return customers, contacts


def sorted_arrays(data: dict[str, Any]) -> dict[str, Any]:
    """The numpy sketch's input: contacts sorted by customer code (the customer's row), as int64 microseconds."""
    order = np.argsort(data["owner"], kind="stable")
    return {
        "owner": data["owner"][order],
        "at": data["at"][order],
        "direction": data["direction"][order],
        "outcome": data["outcome"][order],
        "entry": data["entry"],
        "created": data["created"],
    }


def table_bytes(table: Any) -> int:
    if isinstance(table, pd.DataFrame):
        return int(table.memory_usage(deep=True, index=False).sum())
    return int(table.estimated_size())


# --- the hand-written versions: status and due_at for SIMPLE


def hand_pandas(customers: pd.DataFrame, contacts: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """The last counted contact per customer (groupby), then the local dates in Europe/Berlin."""
    reached = (contacts["direction"] == "inbound") | ~contacts["outcome"].isin(NON_REACH)
    counted = contacts.loc[reached & (contacts["at"] <= as_of), ["customer_id", "at"]]
    last = counted.groupby("customer_id", observed=True, sort=False)["at"].max().rename("last")
    table = customers[["id", "stage_entered_at", "created_at"]].merge(last, left_on="id", right_index=True, how="left")
    last, entry, created = table["last"], table["stage_entered_at"], table["created_at"]
    anchor = last.where(last >= entry, entry)  # the last counted contact if one counted since stage entry
    silent = last.where(last > created, created)

    def local_day(instants: pd.Series) -> pd.Series:  # midnight of the local date, as a naive local timestamp
        return instants.dt.tz_convert(ZONE).dt.tz_localize(None).dt.normalize()

    day, silent_day = local_day(anchor), local_day(silent)
    # as_of is at or after the start of local date d exactly when its own local date is d or later.
    today = pd.Timestamp(as_of).tz_convert(ZONE).tz_localize(None).normalize()
    one = pd.Timedelta(days=1)
    status = np.select(
        [today >= silent_day + CHURN_DAYS * one, today >= day + OVERDUE_DAYS * one, today >= day + DUE_DAYS * one],
        ["churn_risk", "overdue", "due"],
        "on_track",
    )
    due_at = (day + DUE_DAYS * one).dt.tz_localize(ZONE)  # midnight exists on every date in Berlin
    return pd.DataFrame({"customer_id": table["id"], "status": status, "due_at": due_at})


def hand_polars(customers: pl.DataFrame, contacts: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """The last counted contact per customer (group_by), then the local dates in Europe/Berlin."""
    as_of_utc = as_of.astimezone(timezone.utc)
    today = as_of.astimezone(TZ).date()
    last = (
        contacts.lazy()
        .filter(
            (pl.col("at") <= as_of_utc) & ((pl.col("direction") == "inbound") | ~pl.col("outcome").is_in(NON_REACH))
        )
        .group_by("customer_id")
        .agg(pl.col("at").max().alias("last"))
    )

    def local_day(instants: pl.Expr) -> pl.Expr:
        return instants.dt.convert_time_zone(ZONE).dt.date()

    def passed(day: str, days: int) -> pl.Expr:
        return pl.lit(today) >= pl.col(day).dt.offset_by(f"{days}d")

    entry = pl.col("stage_entered_at")
    return (
        customers.lazy()
        .select("id", "stage_entered_at", "created_at")
        .join(last, left_on="id", right_on="customer_id", how="left", maintain_order="left")
        .with_columns(
            day=local_day(pl.when(pl.col("last") >= entry).then(pl.col("last")).otherwise(entry)),
            silent_day=local_day(pl.max_horizontal("last", "created_at")),
        )
        .select(
            pl.col("id").alias("customer_id"),
            status=pl.when(passed("silent_day", CHURN_DAYS))
            .then(pl.lit("churn_risk"))
            .when(passed("day", OVERDUE_DAYS))
            .then(pl.lit("overdue"))
            .when(passed("day", DUE_DAYS))
            .then(pl.lit("due"))
            .otherwise(pl.lit("on_track")),
            due_at=pl.col("day").dt.offset_by(f"{DUE_DAYS}d").cast(pl.Datetime("us")).dt.replace_time_zone(ZONE),
        )
        .collect()
    )


_NON_REACH_CODE = np.array([name in NON_REACH for name in OUTCOMES], dtype=bool)


def numpy_sketch(arrays: dict[str, Any], as_of_us: int) -> tuple[Any, Any]:
    """Status codes (index into STATUS_NAMES) and due_at in microseconds, from contacts sorted by customer code.

    Local dates come from a table of UTC offsets per UTC hour (exact for zones that change offset on whole UTC
    hours, as Europe/Berlin does), thresholds from a table of local midnights per local date.
    """
    owner, at, entry, created = arrays["owner"], arrays["at"], arrays["entry"], arrays["created"]
    n = len(entry)
    counted = ((arrays["direction"] == 1) | ~_NON_REACH_CODE[arrays["outcome"]]) & (at <= as_of_us)
    who, when = owner[counted], at[counted]
    last = np.full(n, NONE, dtype=np.int64)
    if len(who):
        starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
        last[who[starts]] = np.maximum.reduceat(when, starts)
    anchor = np.where(last >= entry, last, entry)
    silent = np.maximum(last, created)

    first_hour = int(min(anchor.min(), silent.min())) // HOUR
    hours = np.arange(first_hour, as_of_us // HOUR + 1)
    offsets = np.array([datetime.fromtimestamp(h * 3600, TZ).utcoffset().total_seconds()  # type: ignore[union-attr]
                        for h in hours.tolist()], dtype=np.int64) * US  # fmt: skip

    def local_day(us: Any) -> Any:
        return (us + offsets[us // HOUR - first_hour]) // DAY

    day, silent_day, today = local_day(anchor), local_day(silent), int(local_day(np.array([as_of_us]))[0])
    first_day = int(min(day.min(), silent_day.min()))
    last_day = int(max(day.max() + OVERDUE_DAYS, silent_day.max() + CHURN_DAYS, today))
    midnight = np.array([int(datetime.combine(date(1970, 1, 1) + timedelta(days=d), datetime.min.time(), TZ)
                             .timestamp()) * US for d in range(first_day, last_day + 1)], dtype=np.int64)  # fmt: skip
    status = np.select(
        [today >= silent_day + CHURN_DAYS, today >= day + OVERDUE_DAYS, today >= day + DUE_DAYS], [3, 2, 1], 0
    )
    return status, midnight[day + DUE_DAYS - first_day]


def numpy_unsorted(data: dict[str, Any], as_of_us: int) -> tuple[Any, Any]:
    """The sketch with the contacts in the export's order: sort them by customer code first."""
    return numpy_sketch(sorted_arrays(data), as_of_us)


# --- checks


def instants_us(column: Any) -> Any:
    if isinstance(column, pd.Series):
        return column.dt.tz_convert("UTC").dt.as_unit("us").astype("int64").to_numpy()
    return column.dt.epoch("us").to_numpy()


def check(sample: int) -> None:
    """frames against cadence.assess_many, and the hand-written versions against frames, on ``sample`` customers."""
    data = generate(sample, seed=7)
    customers, contacts = tables(data, "pandas", "int")
    table = frames.assess(policy(SIMPLE), customers, contacts, as_of=AS_OF)
    status, due = table["status"].to_numpy(dtype=object), instants_us(table["due_at"])
    counts = Counter(status.tolist())
    print(f"check on {sample:,} customers ({', '.join(f'{s} {counts[s]}' for s in [*STATUS_NAMES, 'due_soon'])}):")

    people = [
        Customer(str(i), "A", "retention", stage_entered_at=_utc(e), created_at=_utc(c))
        for i, e, c in zip(data["ids"].tolist(), data["entry"].tolist(), data["created"].tolist(), strict=True)
    ]
    history: dict[str, list[Contact]] = {person.id: [] for person in people}
    for row, at, ch, di, ou in zip(*(data[k].tolist() for k in ("owner", "at", "channel", "direction", "outcome")),
                                   strict=True):  # fmt: skip
        history[people[row].id].append(Contact(_utc(at), CHANNELS[ch], DIRECTIONS[di], OUTCOMES[ou]))
    scalar = assess_many(policy(SIMPLE), people, history, as_of=AS_OF)
    agree(
        "frames (pandas) vs cadence.assess_many",
        status,
        due,
        np.array([r.status.value for r in scalar], dtype=object),
        np.array([NONE if r.due_at is None else int(r.due_at.timestamp()) * US for r in scalar]),
    )

    mine = hand_pandas(customers, contacts, AS_OF)
    agree("hand pandas vs frames", status, due, mine["status"].to_numpy(dtype=object), instants_us(mine["due_at"]))
    for ids in ("int", "cat"):
        people_pl, contacts_pl = tables(data, "polars", ids)
        theirs = frames.assess(policy(SIMPLE), people_pl, contacts_pl, as_of=AS_OF)
        agree(f"frames (polars, {ids} ids) vs frames (pandas)", status, due, theirs["status"].to_numpy(),
              instants_us(theirs["due_at"]))  # fmt: skip
        mine_pl = hand_polars(people_pl, contacts_pl, AS_OF)
        agree(f"hand polars ({ids} ids) vs frames", status, due, mine_pl["status"].to_numpy(),
              instants_us(mine_pl["due_at"]))  # fmt: skip
    codes, sketch_due = numpy_sketch(sorted_arrays(data), AS_OF_US)
    agree("numpy sketch vs frames", status, due, np.array(STATUS_NAMES, dtype=object)[codes], sketch_due)
    print()


def _utc(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)


def agree(label: str, status: Any, due: Any, other_status: Any, other_due: Any) -> None:
    same_status = np.asarray(status) == np.asarray(other_status)
    same_due = np.asarray(due) == np.asarray(other_due)
    print(f"  {label:<44} status {same_status.sum():,}/{len(status):,}   due_at {same_due.sum():,}/{len(due):,}")
    for row in np.flatnonzero(~(same_status & same_due))[:3].tolist():
        print(f"    row {row}: {status[row]} {due[row]} against {other_status[row]} {other_due[row]}")


# --- timing


def best(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The least wall-clock and the least CPU seconds of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus)


def timings(n: int, repeat: int) -> dict[str, tuple[float, float]]:
    data = generate(n)
    out: dict[str, tuple[float, float]] = {}
    simple = policy(SIMPLE)
    for library, ids in VARIANTS:
        customers, contacts = tables(data, library, ids)
        hand = hand_pandas if library == "pandas" else hand_polars
        out[f"frames {library} {ids}"] = best(partial(frames.assess, simple, customers, contacts, as_of=AS_OF), repeat)
        out[f"hand {library} {ids}"] = best(partial(hand, customers, contacts, AS_OF), repeat)
        del customers, contacts
    arrays = sorted_arrays(data)
    out["numpy sketch"] = best(partial(numpy_sketch, arrays, AS_OF_US), repeat)
    out["numpy sketch + argsort"] = best(partial(numpy_unsorted, data, AS_OF_US), repeat)
    # Instants to the microsecond, spread over months: too many bits to pack the contacts into one value each.
    customers, contacts = tables(generate(n, unit=1), "pandas", "int")
    out["frames pandas int, us"] = best(partial(frames.assess, simple, customers, contacts, as_of=AS_OF), repeat)
    return out


def full_timings(n: int, repeat: int) -> dict[str, tuple[float, float]]:
    data = generate(n)
    out: dict[str, tuple[float, float]] = {}
    for rule_name, rule in (("simple", SIMPLE), ("full", FULL)):
        rules = policy(rule)
        for library, ids in VARIANTS:
            customers, contacts = tables(data, library, ids)
            out[f"{rule_name} {library} {ids}"] = best(
                partial(frames.assess, rules, customers, contacts, as_of=AS_OF), repeat
            )
    return out


# --- memory


def memory_of(name: str, n: int) -> dict[str, Any]:
    """Peak resident memory of one call, in this (fresh) process: VmHWM reset just before the call."""
    data = generate(n)
    work: Callable[[], object]
    if name.startswith("numpy"):
        arrays = sorted_arrays(data)
        size = sum(a.nbytes for a in arrays.values())
        del data
        work = partial(numpy_sketch, arrays, AS_OF_US)
    else:
        kind, library, ids = name.split()
        customers, contacts = tables(data, library, ids)
        del data
        size = table_bytes(customers) + table_bytes(contacts)
        if kind == "frames":
            work = partial(frames.assess, policy(SIMPLE), customers, contacts, as_of=AS_OF)
        else:
            hand = hand_pandas if library == "pandas" else hand_polars
            work = partial(hand, customers, contacts, AS_OF)
    gc.collect()
    before = _status("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as stream:
            stream.write("5")  # resets VmHWM to the current resident set
        how = "VmHWM"
    except OSError:  # pragma: no cover - not Linux, or not allowed: the peak of the whole process
        how = "VmHWM of the whole process (clear_refs refused)"
    result = work()
    peak = _status("VmHWM")
    del result
    return {"input": size, "before": before, "peak": peak, "how": how}


def _status(field: str) -> int:
    """A field of /proc/self/status, in bytes."""
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory(n: int) -> dict[str, dict[str, Any]]:
    out = {}
    for name in [*(f"{kind} {library} {ids}" for kind in ("frames", "hand") for library, ids in VARIANTS), "numpy"]:
        command = [sys.executable, __file__, "--memory-of", name, "--customers", str(n)]
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=dict(os.environ))
        out[name] = json.loads(done.stdout.splitlines()[-1])
    return out


# --- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers (10 contacts each)")
    parser.add_argument("--full-customers", type=int, default=20_000, help="customers for the full rulebook")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the least is reported)")
    parser.add_argument("--sample", type=int, default=2_000, help="customers of the agreement check")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurements")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(memory_of(args.memory_of, args.customers)))
        return
    n = args.customers
    print(f"{n:,} customers x {CONTACTS_EACH} contacts, contacts in random order, instants in UTC to the second "
          f"(the line 'us': to the microsecond); as_of {AS_OF}")  # fmt: skip
    print(f'rule: Rule.every("7d", grace="1d", churn_after="30d") in {ZONE}; pandas {pd.__version__}, '
          f"polars {pl.__version__}, numpy {np.__version__}; least of {args.repeat} runs\n")  # fmt: skip
    check(args.sample)
    peaks = memory(n) if not args.no_memory else {}

    times = timings(n, args.repeat)
    print(f"1. simple rule, {n:,} customers (wall: perf_counter; cpu: process_time, all threads)")
    print(f"{'':<28}{'wall s':>9}{'cpu s':>9}{'customers/s wall':>18}{'customers/s cpu':>17}")
    for name, (wall, cpu) in times.items():
        print(f"{name:<28}{wall:>9.3f}{cpu:>9.3f}{n / wall:>18,.0f}{n / cpu:>17,.0f}")
    print("\nratios, time of frames over time of the other (above 1: frames slower)")
    print(f"{'':<44}{'wall':>8}{'cpu':>8}")
    for library, ids in VARIANTS:
        wall, cpu = times[f"frames {library} {ids}"]
        for other in (f"hand {library} {ids}", "numpy sketch", "numpy sketch + argsort"):
            print(f"{f'frames {library} {ids} / {other}':<44}{wall / times[other][0]:>8.1f}"
                  f"{cpu / times[other][1]:>8.1f}")  # fmt: skip

    full_n = args.full_customers
    full = full_timings(full_n, args.repeat)
    print(f"\n2. full rulebook (cap, unanswered, escalation, reclaim, touchpoints), {full_n:,} customers")
    print(f"{'':<20}{'simple rule cust/s':>20}{'full rulebook cust/s':>22}{'full / simple time':>20}")
    for library, ids in VARIANTS:
        simple_wall, full_wall = full[f"simple {library} {ids}"][0], full[f"full {library} {ids}"][0]
        print(f"{f'frames {library} {ids}':<20}{full_n / simple_wall:>20,.0f}{full_n / full_wall:>22,.0f}"
              f"{full_wall / simple_wall:>19.1f}x")  # fmt: skip

    if peaks:
        how = {p["how"] for p in peaks.values()}
        print(f"\n3. peak memory of one call, {n:,} customers, each in a fresh process ({', '.join(sorted(how))} "
              "reset before the call; peak minus the resident set before it)")  # fmt: skip
        print(f"{'':<22}{'input MB':>10}{'peak extra MB':>15}{'extra / input':>15}")
        for name, p in peaks.items():
            extra = max(0, p["peak"] - p["before"])
            print(f"{name:<22}{p['input'] / 1e6:>10.0f}{extra / 1e6:>15.0f}{extra / p['input']:>14.1f}x")


if __name__ == "__main__":
    main()
