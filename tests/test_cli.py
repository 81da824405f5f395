"""The command line, run as a user runs it: exit codes, stdout and stderr.

In-process (`cadence._cli.main` with the standard streams replaced), since a subprocess costs a Python start-up
and an import of cadence each time; two smoke tests run ``python -m cadence`` itself, for ``demo`` and ``check``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence import _cli as cli
from cadence.csv_files import read_tables

# The status counts of the default demo at its fixed instant: any change in semantics shows up here.
GOLDEN = [
    "status            A       B       C   total",
    "churn_risk        9      21      52      82",
    "overdue         100     207     172     479",
    "due              45      38       0      83",
    "due_soon         84      48      15     147",
    "on_track         59     272     686   1,017",
    "snoozed          13      28      38      79",
    "inactive         26      31      56     113",
]


class Ran(NamedTuple):
    """What a run of the command line gave, as `subprocess.run` reports it."""

    returncode: int
    stdout: str
    stderr: str


def _read(data: bytes) -> str:
    """``data`` read as a subprocess in text mode reads its output: UTF-8, universal newlines."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


def run_bytes(*args: str) -> tuple[int, bytes, str]:
    """``cadence ARGS`` in-process: (exit status, stdout as bytes, stderr). Standard output and error are text
    streams over bytes, as a subprocess's are (so ``sys.stdout.buffer`` works, and neither is a terminal); an
    argument error exits as argparse does, with status 2."""
    out, err = io.BytesIO(), io.BytesIO()
    with io.TextIOWrapper(out, encoding="utf-8") as stdout, io.TextIOWrapper(err, encoding="utf-8") as stderr:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                status = cli.main(list(args))
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else 1
        stdout.flush()
        stderr.flush()
        return status, out.getvalue(), _read(err.getvalue())


def run(*args: str) -> Ran:
    """``cadence ARGS`` in-process, with the output as text: see `run_bytes`."""
    status, out, err = run_bytes(*args)
    return Ran(status, _read(out), err)


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m cadence ARGS`` in a subprocess: for the smoke tests."""
    return subprocess.run([sys.executable, "-m", "cadence", *args], capture_output=True, text=True, timeout=120)


def test_demo_prints_a_summary_and_a_worklist_in_80_columns() -> None:
    """Smoke test: ``python -m cadence demo``, the README's first command, in a subprocess."""
    result = run_subprocess("demo", "--customers", "300", "--top", "5")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith('cadence demo: preset "abc" in Europe/Berlin')
    assert "assessed as of 2026-03-31 09:00 +02:00" in out
    for status in ("churn_risk", "overdue", "due", "due_soon", "on_track", "inactive"):
        assert f"\n{status} " in out
    assert "worklist, most urgent first (top 5):" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert result.stderr == ""


def test_demo_golden_counts() -> None:
    """The status counts of the default demo: any change in semantics shows up here."""
    result = run("demo", "--top", "0")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("\n\n")[1]
    assert table.splitlines() == GOLDEN


def test_demo_with_another_preset_and_zone() -> None:
    result = run("demo", "--preset", "customer-types", "--timezone", "America/New_York", "--customers", "200")
    assert result.returncode == 0, result.stderr
    assert "key-account" in result.stdout


def test_unknown_preset_is_an_error_without_traceback() -> None:
    result = run("demo", "--preset", "nope")
    assert result.returncode == 2
    assert result.stderr.startswith("cadence: error: unknown preset 'nope'")
    assert "Traceback" not in result.stderr


def test_unknown_zone_is_an_error_without_traceback() -> None:
    result = run("demo", "--timezone", "Mars/Base")
    assert result.returncode == 2
    assert "unknown time zone 'Mars/Base'" in result.stderr


def test_bad_arguments() -> None:
    result = run("demo", "--customers", "0")
    assert result.returncode == 2
    assert "--customers must be at least 1" in result.stderr
    assert run().returncode == 2


# --- cadence sample, check, presets, lint

AS_OF = "2026-03-31T07:00:00Z"  # the sample's instant


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample CRM of the demo (2,000 customers, seed 2026) as CSV files."""
    folder = tmp_path_factory.mktemp("crm")
    result = run("sample", "--out", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote 2,000 customers, ")
    return folder


def check(crm: Path, *args: str) -> Ran:
    files = ("--customers", str(crm / "customers.csv"), "--contacts", str(crm / "contacts.csv"))
    return run("check", "--policy", "abc", "--timezone", "Europe/Berlin", *files, *args)


RENEWALS = """\
version = 1
name = "renewals"
calendar = "Europe/Berlin"
segments = ["A"]

[[rules]]
key = "*/*"
interval = "30d"
touchpoints = [{ after = "-30d", window = "7d", label = "renewal call", of = "contract_end" }]
"""


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


class TestColumnWise:
    """With the frames extra, check reads and assesses column-wise; its output must be the row path's, byte for
    byte, and a file with a bad row must still be reported row by row."""

    @pytest.mark.parametrize("preset", ["abc", "saas", "value-tiers"])
    @pytest.mark.parametrize("form", ["table", "csv", "json"])
    def test_the_output_is_the_row_readers(
        self, tmp_path_factory: pytest.TempPathFactory, preset: str, form: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        folder = tmp_path_factory.mktemp(f"crm-{preset}")
        args = ["--preset", preset, "--timezone", "America/New_York", "--customers", "600", "--seed", "11"]
        assert run("sample", "--out", str(folder), *args).returncode == 0
        files = ("--customers", str(folder / "customers.csv"), "--contacts", str(folder / "contacts.csv"))
        command = ("check", "--policy", preset, "--timezone", "America/New_York", *files, "--as-of", AS_OF)
        used: list[bool] = []
        real = cli.read_tables

        def spy(*given: object) -> object:
            tables = real(*given)  # type: ignore[arg-type]
            used.append(tables is not None)
            return tables

        monkeypatch.setattr(cli, "read_tables", spy)
        fast = run(*command, "--format", form, "--top", "40")
        monkeypatch.setattr(cli, "read_tables", lambda *given: None)
        slow = run(*command, "--format", form, "--top", "40")
        assert used == [True]
        assert (fast.returncode, fast.stderr) == (0, "")
        assert fast.stdout == slow.stdout

    def test_words_are_read_as_categories_and_deferral_rows_need_no_channel(self, tmp_path: Path) -> None:
        """Channels, directions, outcomes and people are read as categories; a deferral row (with ``until``) needs
        no channel, an empty direction is none (outbound), and an empty channel on a contact row, or a word with a
        space at an end, is the row reader's to report."""
        customers = write(tmp_path / "c.csv", "id,segment,stage,stage_entered_at,created_at\n"
                          "a,A,lead,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z\n")  # fmt: skip
        rows = ["a,2026-03-02T09:00:00Z,call,,connected,ana,", "a,2026-03-03T09:00:00Z,,,,,2026-03-09",
                "a,2026-03-04T09:00:00Z,email,inbound,replied,,"]  # fmt: skip
        header = "customer_id,at,channel,direction,outcome,by,until\n"
        tables = read_tables(customers, write(tmp_path / "k.csv", header + "\n".join(rows) + "\n"))
        assert tables is not None
        contacts = tables.contacts
        assert str(contacts.schema.field("channel").type) == "dictionary<values=string, indices=int32, ordered=0>"
        assert contacts["channel"].to_pylist() == ["call", "email"]
        assert contacts["direction"].to_pylist() == [None, "inbound"]
        assert contacts["by"].to_pylist() == ["ana", None]
        assert tables.deferrals["until"].to_pylist() == [date(2026, 3, 9)]
        for bad in (rows[0].replace("call", ""), rows[0].replace("call", "call ")):
            contacts_file = write(tmp_path / "b.csv", header + "\n".join([bad, *rows[1:]]) + "\n")
            assert read_tables(customers, contacts_file) is None

    def test_customer_dates_for_dated_touchpoints(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A renewal touchpoint 30 days before each customer's contract_end column: dates column-wise, instants by
        the row reader, the same report either way, and a bad date named by file, line and column."""
        policy = write(tmp_path / "p.toml", RENEWALS)
        header = "id,segment,stage,stage_entered_at,created_at,contract_end\n"
        rows = [f"{c},A,retention,2026-01-05T09:00:00+01:00,2026-01-05T09:00:00+01:00,{end}\n"
                for c, end in (("a", "2026-06-30"), ("b", ""), ("c", "2026-07-04"))]  # fmt: skip
        contacts = write(tmp_path / "k.csv", "customer_id,at,channel\n" + "".join(
            f"{c},2026-05-25T10:00:00+02:00,call\n" for c in "abc"))  # fmt: skip
        command = ["check", "--policy", policy, "--contacts", contacts, "--as-of", "2026-06-05T10:00:00+02:00"]
        customers = write(tmp_path / "c.csv", header + "".join(rows))
        assert read_tables(customers, contacts, None, ["contract_end"]) is not None
        fast = main(capsys, *command, "--customers", customers, "--format", "csv")
        monkeypatch.setattr(cli, "read_tables", lambda *given: None)
        slow = main(capsys, *command, "--customers", customers, "--format", "csv")
        assert fast == slow
        assert '"c","","A","retention","due","2026-06-04T00:00:00+02:00"' in fast[1]
        monkeypatch.undo()
        as_instant = write(
            tmp_path / "i.csv", header + "".join(rows).replace("2026-07-04", "2026-07-04T00:00:00+02:00")
        )
        assert read_tables(as_instant, contacts, None, ["contract_end"]) is None  # the row reader's
        assert main(capsys, *command, "--customers", as_instant, "--format", "csv")[1] == fast[1]
        for cell in ("2026-07-44", "0000-01-01"):  # the second Arrow reads, Python does not: the row reader's
            bad = write(tmp_path / "b.csv", header + "".join(rows).replace("2026-07-04", cell))
            status, _, err = main(capsys, *command, "--customers", bad)
            assert status == 2
            assert f"b.csv:4: column contract_end: '{cell}' is not a date (YYYY-MM-DD) or an instant" in err
        mapped = write(tmp_path / "m.toml", 'version = 1\nname = "m"\n')
        status, _, err = main(capsys, *command, "--customers", customers, "--mapping", mapped)
        assert status == 2
        assert "customers' dates (contract_end), which an import mapping does not read yet" in err

    @pytest.mark.parametrize(
        "cell", ["X1,A ,lead", "X1,A,lead\u2003", "X1,\x1fA,lead", "X1,A,lead,2026-03-01T10:00:00.5+00:00"]
    )
    def test_cells_only_the_row_reader_reads_go_to_it(self, tmp_path: Path, cell: str) -> None:
        """Spaces the row reader strips, and an instant form only Python reads (half a second, one digit)."""
        row = cell if cell.count(",") > 2 else cell + ",2026-03-01T10:00:00Z"
        customers = write(tmp_path / "c.csv", CUSTOMERS_HEADER + row + ",2026-03-01T10:00:00Z,ana\n")
        contacts = write(tmp_path / "k.csv", NO_CONTACTS)
        assert read_tables(customers, contacts) is None
        assert read_tables(write(tmp_path / "d.csv", ONE_CUSTOMER), contacts) is not None

    def test_pipes_and_what_the_csv_module_refuses_go_to_the_row_reader(self, tmp_path: Path) -> None:
        """A pipe can be read once (the row reader reads it); a carriage return alone ends no row the csv module
        reads, and a field over its limit in a column cadence does not use is still a bad row to it."""
        contacts = write(tmp_path / "k.csv", NO_CONTACTS)
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        assert read_tables(str(fifo), contacts) is None  # refused without opening it (which would block)
        lone_cr = write(tmp_path / "cr.csv", ONE_CUSTOMER.replace("\n", "\r"))
        assert read_tables(lone_cr, contacts) is None
        long_note = tmp_path / "long.csv"
        long_note.write_text(ONE_CUSTOMER.replace("\n", ",notes\n", 1).replace("ana\n", "ana," + "x" * 140_000 + "\n"))
        assert read_tables(str(long_note), contacts) is None
        assert run(*check_args(str(long_note), contacts), "--as-of", AS_OF).returncode == 2
        assert read_tables(write(tmp_path / "ok.csv", ONE_CUSTOMER), contacts) is not None

    def test_a_bad_row_is_reported_by_line(self, tmp_path: Path) -> None:
        customers = write(tmp_path / "c.csv", ONE_CUSTOMER + "c-2,A,lead,2026-03-02T10:00:00,2026-03-01T00:00:00Z\n")
        contacts = write(tmp_path / "k.csv", NO_CONTACTS)
        result = run(*check_args(customers, contacts), "--as-of", AS_OF)
        assert result.returncode == 2
        assert f"{customers}:3: column stage_entered_at:" in result.stderr


class TestCheck:
    def test_the_sample_as_csv_gives_the_demo_counts(self, crm: Path) -> None:
        """The CSV round trip of the sample loses nothing: the same golden counts as the demo.

        Smoke test: ``python -m cadence check`` in a subprocess."""
        files = ("--customers", str(crm / "customers.csv"), "--contacts", str(crm / "contacts.csv"))
        result = run_subprocess("check", "--policy", "abc", "--timezone", "Europe/Berlin", *files, "--as-of", AS_OF,
                                "--top", "3")  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # no progress bar when stderr is not a terminal
        lines = result.stdout.splitlines()
        assert lines[1] == "as of 2026-03-31T09:00:00+02:00 (--as-of)"
        assert lines[3:11] == GOLDEN
        assert "worklist, most urgent first (top 3 of 791):" in result.stdout

    def test_as_of_defaults_to_now_and_says_so(self, crm: Path) -> None:
        result = check(crm, "--format", "json", "--status", "inactive")
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert document["as_of_source"] == "now"
        assert document["as_of"] > "2026-11-01"
        assert {row["status"] for row in document["assessments"]} == {"inactive"}

    def test_json_filters(self, crm: Path) -> None:
        result = check(crm, "--as-of", AS_OF, "--format", "json", "--owner", "ana", "--status", "overdue")
        document = json.loads(result.stdout)
        assert (document["as_of"], document["as_of_source"], document["policy"]) == (
            "2026-03-31T09:00:00+02:00",
            "given",
            "abc",
        )
        rows = document["assessments"]
        assert rows
        assert {(row["owner"], row["status"]) for row in rows} == {("ana", "overdue")}
        assert document["counts"]["overdue"] == len(rows)

    def test_csv_to_a_file(self, crm: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.csv"
        result = check(crm, "--as-of", AS_OF, "--format", "csv", "--output", str(out))
        assert (result.returncode, result.stdout) == (0, "")
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert len(rows) == 2000
        assert rows[0]["status"] == "churn_risk"
        assert {row["as_of"] for row in rows} == {"2026-03-31T09:00:00+02:00"}

    def test_csv_cells_that_look_like_formulas_are_neutralized(self, tmp_path: Path) -> None:
        customers = write(
            tmp_path / "c.csv",
            "id,segment,stage,stage_entered_at,created_at,owner\n"
            '"=HYPERLINK(""http://evil"")",A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,+ana\n'
            "@sum,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,-ben\n",
        )
        contacts = write(tmp_path / "k.csv", "customer_id,at,channel\n")
        files = ("--customers", customers, "--contacts", contacts, "--as-of", AS_OF)
        result = run("check", "--policy", "abc", "--timezone", "UTC", *files, "--format", "csv")
        assert result.returncode == 0, result.stderr
        rows = list(csv.reader(io.StringIO(result.stdout)))
        cells = {(row[1], row[2]) for row in rows[1:]}
        assert cells == {('\'=HYPERLINK("http://evil")', "'+ana"), ("'@sum", "'-ben")}
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    def test_ics_has_one_event_per_follow_up_due_in_the_window(self, crm: Path) -> None:
        status, ics, err = run_bytes(
            "check", "--policy", "abc", "--timezone", "Europe/Berlin",
            "--customers", str(crm / "customers.csv"), "--contacts", str(crm / "contacts.csv"),
            "--as-of", AS_OF, "--format", "ics", "--window", "7d", "--owner", "ben",
        )  # fmt: skip
        assert status == 0, err
        calendar = icalendar.Calendar.from_ical(ics)
        events = list(calendar.walk("VEVENT"))
        rows = json.loads(check(crm, "--as-of", AS_OF, "--format", "json", "--owner", "ben").stdout)["assessments"]
        # A window of 7 calendar days from Tuesday 31 March ends where Tuesday 7 April starts, in Berlin.
        start, end = (
            datetime(2026, 3, 31, 7, tzinfo=timezone.utc),
            datetime(2026, 4, 7, tzinfo=ZoneInfo("Europe/Berlin")),
        )
        expected = {
            row["customer_id"] for row in rows if row["due_at"] and start <= datetime.fromisoformat(row["due_at"]) < end
        }
        assert expected
        assert {str(event["summary"]).split()[2] for event in events} == expected
        assert len(events) == len(expected)
        for event in events:
            assert start <= event.decoded("dtstart") < end
            assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=15)
            (alarm,) = event.walk("VALARM")
            assert alarm.decoded("trigger") == timedelta(minutes=-15)
            assert str(event["categories"].cats[0]) == "ben"

    def test_bad_rows_are_all_reported_with_file_line_and_column(self, tmp_path: Path) -> None:
        customers = write(
            tmp_path / "customers.csv",
            "id,segment,stage,stage_entered_at,created_at\n"
            "X1,A,lead,2026-01-01T10:00:00,2026-01-01T10:00:00+01:00\n"
            "X2,Z,lead,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z\n"
            "X3,A,negociation,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z\n"
            "X4,A,lead,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,extra\n"
            "X5,A,lead,2026-05-01T10:00:00Z,2026-01-01T10:00:00Z\n"
            "X4,A,lead,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z\n",
        )
        contacts = write(
            tmp_path / "contacts.csv",
            "customer_id,at,channel,outcome\nX1,2026-01-02T10:00:00Z,call,\nX4,2026-01-02T10:00:00Z,fax,\n"
            "X4,yesterday,call,\nX4,2026-01-02T10:00:00Z,call,answered\nX9,2026-01-02T10:00:00Z,call,\n",
        )
        args = ("check", "--policy", "abc", "--timezone", "UTC", "--customers", customers, "--contacts", contacts)
        result = run(*args, "--as-of", AS_OF)
        assert result.returncode == 2
        c, k = str(tmp_path / "customers.csv"), str(tmp_path / "contacts.csv")
        assert result.stderr.splitlines() == [
            f"{c}:2: column stage_entered_at: '2026-01-01T10:00:00' has no UTC offset; add one, such as +01:00 or Z",
            f'{c}:3: column segment: unknown segment "Z" (known: A, B, C)',
            f'{c}:4: column stage: unknown stage "negociation" (did you mean "negotiation"?)',
            f"{c}:6: column stage_entered_at: is after the instant of assessment (2026-03-31T07:00:00+00:00)",
            f"{c}:7: column id: duplicate customer id 'X4'",
            f"{k}:2: column customer_id: unknown customer 'X1' (on a bad row of the customers file)",
            f"{k}:3: column channel: Contact.channel: unknown channel 'fax' (choose from call, email, meeting, visit, "
            "message, sms, other)",
            f"{k}:4: column at: 'yesterday' is not an ISO 8601 instant (such as 2026-03-02T10:00:00+01:00)",
            f"{k}:5: column outcome: Contact.outcome: unknown outcome 'answered' (choose from connected, replied, "
            "sent, no_answer, bounced, failed, other)",
            f"{k}:6: column customer_id: unknown customer 'X9' (not in the customers file)",
            "cadence check: 10 bad rows; fix them or pass --skip-bad",
        ]
        assert result.stdout == ""
        skipped = run(*args, "--as-of", AS_OF, "--skip-bad", "--format", "json")
        assert skipped.returncode == 0, skipped.stderr
        assert skipped.stderr == "cadence check: skipped 10 bad rows (--skip-bad)\n"
        document = json.loads(skipped.stdout)
        assert (document["customers"], document["skipped_rows"]) == (1, 10)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("--policy", "abc"), "cadence: error: --timezone is required with the preset 'abc'"),
            (("--policy", "team.yaml"), "cadence: error: --policy 'team.yaml' is neither a policy file"),
            (("--policy", "missing.toml"), "cadence: error: missing.toml: cannot read the policy file"),
            (
                ("--policy", "abc", "--timezone", "UTC", "--as-of", "2026-03-31 09:00"),
                "cadence: error: --as-of: '2026-03-31 09:00' has no UTC offset",
            ),
        ],
    )
    def test_errors_without_traceback(self, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
        files = ("--customers", write(tmp_path / "c.csv", "id\n"), "--contacts", write(tmp_path / "k.csv", "x\n"))
        result = run("check", *files, *args)
        assert result.returncode == 2
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr

    def test_missing_columns_and_files(self, tmp_path: Path) -> None:
        customers = write(tmp_path / "c.csv", "id,segment\nX,A\n")
        contacts = write(tmp_path / "k.csv", "customer_id,at,channel\n")
        result = run("check", "--policy", "abc", "--timezone", "UTC", "--customers", customers, "--contacts", contacts)
        assert result.stderr.splitlines()[0] == (
            f"{customers}:1: column stage, stage_entered_at, created_at: missing from the header (it has: id, segment)"
        )
        result = run("check", "--policy", "abc", "--timezone", "UTC", "--customers", "nope.csv", "--contacts", contacts)
        assert (result.returncode, result.stderr) == (
            2,
            "cadence: error: cannot read nope.csv: No such file or directory\n",
        )

    def test_a_policy_file_with_problems(self, tmp_path: Path) -> None:
        policy = write(
            tmp_path / "team.toml",
            'version = 1\nname = "t"\nsegments = ["A"]\n[[rules]]\nkey = "*/*"\ninterval = "7x"\n',
        )
        files = ("--customers", write(tmp_path / "c.csv", "id\n"), "--contacts", write(tmp_path / "k.csv", "x\n"))
        result = run("check", "--policy", policy, "--timezone", "UTC", *files)
        assert result.returncode == 2
        assert result.stderr == (
            f"cadence: {policy} has 1 problem:\n"
            '  rules[0].interval: "7x" is not a duration (try "7d" or "P7D") (line 6)\n'
        )


class TestReportAndAlerts:
    """``cadence report`` and ``cadence alerts`` over a past period of the sample CRM, with its changes."""

    SINCE, UNTIL = "2026-03-02T00:00:00+01:00", "2026-03-30T00:00:00+02:00"

    @staticmethod
    def files(crm: Path, *more: str) -> list[str]:
        return ["--policy", "abc", "--timezone", "Europe/Berlin", "--customers", str(crm / "customers.csv"),
                "--contacts", str(crm / "contacts.csv"), "--changes", str(crm / "changes.csv"), *more]  # fmt: skip

    def test_report_csv_is_the_librarys_report_of_the_same_data(self, crm: Path) -> None:
        """Read back from the files (changes included), the weekly report by owner is `report` of the sample."""
        from cadence import presets, report, sample

        result = run("report", *self.files(crm, "--since", self.SINCE, "--until", self.UNTIL, "--format", "csv"))
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        policy = presets.load("abc", calendar="Europe/Berlin")
        data = sample.generate(policy)
        expected = report(policy, data.customers, data.contacts, since=datetime.fromisoformat(self.SINCE),
                          until=datetime.fromisoformat(self.UNTIL))  # fmt: skip
        assert [(r["cycle"], r["owner"], r["follow_ups"], r["late"], r["contacts"]) for r in rows] == [
            (str(e["cycle"]), e["owner"], str(e["follow_ups"]), str(e["late"]), str(e["contacts"])) for e in expected
        ]
        assert {r["cycle"] for r in rows} == {"2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"}

    def test_report_table_and_json_by_segment_and_month(self, crm: Path) -> None:
        """The table starts with what it reports on; JSON has numbers as numbers, lateness in working hours."""
        args = self.files(crm, "--since", self.SINCE, "--until", self.UNTIL, "--period", "month", "--by", "segment")
        table = run("report", *args)
        assert table.returncode == 0, table.stderr
        assert table.stdout.startswith('cadence report: policy "abc", follow-ups due from 2026-03-02T00:00:00+01:00')
        assert "cycle       segment  follow_ups" in table.stdout
        document = json.loads(run("report", *args, "--format", "json").stdout)
        assert [row["segment"] for row in document] == ["A", "B", "C"]
        assert all(isinstance(row["median_late_hours"], float) for row in document)
        assert all(row["overdue"] == row["late"] + row["missed"] for row in document)

    def test_alerts_of_a_day_each_once_and_filtered_by_kind(self, crm: Path) -> None:
        """A day split in two halves gives the alerts of the whole day; ``--kind`` keeps those kinds."""
        day = ("2026-03-30T07:00:00Z", "2026-03-30T19:00:00Z", "2026-03-31T07:00:00Z")

        def keys(since: str, until: str, *more: str) -> list[str]:
            result = run("alerts", *self.files(crm, "--since", since, "--until", until, "--format", "csv", *more))
            assert result.returncode == 0, result.stderr
            return [row["key"] for row in csv.DictReader(io.StringIO(result.stdout))]

        whole = keys(day[0], day[2])
        assert len(whole) > 50
        assert len(set(whole)) == len(whole)
        assert sorted(whole) == sorted(keys(day[0], day[1]) + keys(day[1], day[2]))
        overdue = keys(day[0], day[2], "--kind", "overdue")
        assert overdue
        assert all('"overdue"' in key for key in overdue)

    def test_bad_changes_rows_are_reported_with_file_line_and_column(self, crm: Path, tmp_path: Path) -> None:
        """A change naming nothing, and changes that contradict a customer's record, stop the run (exit 2)."""
        changes = write(tmp_path / "changes.csv", "customer_id,at,stage\nC00001,2026-01-01T00:00:00Z,\n"
                        "C00002,2026-01-01T00:00:00Z,lost\n")  # fmt: skip
        args = self.files(crm, "--since", self.SINCE, "--until", self.UNTIL)
        args[args.index("--changes") + 1] = changes
        result = run("report", *args)
        assert result.returncode == 2
        assert f"{changes}:2: column stage: Change at 2026-01-01T00:00:00+00:00 names no stage, segment or owner" in (
            result.stderr
        )
        assert f"{changes}:3: column -: Customer.changes of customer 'C00002'" in result.stderr
        assert "cadence report: 2 bad rows; fix them or pass --skip-bad" in result.stderr

    def test_unknown_words_in_changes_are_bad_rows_that_can_be_skipped(self, crm: Path, tmp_path: Path) -> None:
        """A segment or stage the policy does not know is a bad row with its column; --skip-bad goes on."""
        changes = write(tmp_path / "changes.csv", "customer_id,at,stage,segment\nC00001,2026-01-01T00:00:00Z,,Z\n"
                        "C00002,2026-01-01T00:00:00Z,limbo,\n")  # fmt: skip
        args = self.files(crm, "--since", self.SINCE, "--until", self.UNTIL)
        args[args.index("--changes") + 1] = changes
        result = run("report", *args)
        assert result.returncode == 2
        assert f'{changes}:2: column segment: unknown segment "Z"' in result.stderr
        assert f'{changes}:3: column stage: unknown stage "limbo"' in result.stderr
        skipped = run("report", *args, "--skip-bad")
        assert skipped.returncode == 0, skipped.stderr
        assert "cadence report: skipped 2 bad rows (--skip-bad)" in skipped.stderr

    def test_a_bad_since_names_its_option(self, crm: Path) -> None:
        result = run("report", *self.files(crm, "--since", "2026-03-02", "--until", self.UNTIL))
        assert result.returncode == 2
        assert result.stderr.startswith("cadence: error: --since: ")

    def test_a_period_that_ends_before_it_starts_is_an_error(self, crm: Path) -> None:
        result = run("alerts", *self.files(crm, "--since", self.UNTIL, "--until", self.SINCE))
        assert result.returncode == 2
        assert result.stderr.startswith("cadence: error: --until (2026-03-02T00:00:00+01:00) is before --since")
        assert "Traceback" not in result.stderr


class TestPresetsAndLint:
    def test_presets_are_listed_and_shown(self) -> None:
        result = run("presets")
        assert result.returncode == 0
        assert result.stdout.splitlines()[0] == "abc                A/B/C tiers: A every 2-3 days, B weekly, C monthly."
        shown = run("presets", "saas")
        assert shown.stdout.startswith('# cadence preset "saas"')
        assert 'interval = "14d"' in shown.stdout
        assert run("presets", "nope").returncode == 2

    def test_lint(self, tmp_path: Path) -> None:
        clean = run("lint", "abc")
        assert (clean.returncode, clean.stdout) == (0, "abc: 0 warnings, 0 info\n")
        policy = write(
            tmp_path / "p.toml",
            'version = 1\nname = "p"\ncalendar = "UTC"\nsegments = ["A"]\n'
            '[[rules]]\nkey = "*/*"\nintervals = ["5d", "2d"]\n',
        )
        found = run("lint", policy)
        assert found.returncode == 1
        assert found.stdout.splitlines() == [
            "warning */*: the sequence 5 days, 2 days gets shorter: a later counted contact can bring the next "
            "follow-up forward (property 4 of the semantics does not hold for this rule)",
            f"{policy}: 1 warning, 0 info",
        ]


def test_progress_shows_on_a_terminal_only(crm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, with a standard error that says it is a terminal: the progress bar writes to it."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    files = ["--customers", str(crm / "customers.csv"), "--contacts", str(crm / "contacts.csv")]
    args = ["check", "--policy", "abc", "--timezone", "UTC", *files, "--as-of", AS_OF, "--format", "json"]
    assert cli.main([*args, "--output", str(tmp_path / "out.json")]) == 0
    assert "customers" in screen.getvalue()
    assert "assess" in screen.getvalue()


def test_do_not_contact_and_claims_from_the_customers_file(tmp_path: Path) -> None:
    customers = write(
        tmp_path / "c.csv",
        "id,segment,stage,stage_entered_at,created_at,owner,do_not_contact,do_not_contact_until,claimed_at\n"
        "X1,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,ana,yes,2026-04-15T00:00:00Z,\n"
        "X2,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,ana,,,2026-03-02T10:00:00Z\n"
        "X3,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,ana,maybe,,\n",
    )
    contacts = write(tmp_path / "k.csv", "customer_id,at,channel,until\nX2,2026-03-20T10:00:00Z,call,\n"
                     "X2,2026-03-20T10:05:00Z,,2026-04-20\n")  # fmt: skip
    files = ("--customers", customers, "--contacts", contacts, "--as-of", AS_OF)
    result = run("check", "--policy", "abc", "--timezone", "UTC", *files, "--format", "json", "--skip-bad")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "cadence check: skipped 1 bad row (--skip-bad)\n"
    rows = {row["customer_id"]: row for row in json.loads(result.stdout)["assessments"]}
    assert rows["X1"]["reason"] == "inactive: do not contact until 2026-04-15 (rule A/*)"
    assert rows["X2"]["status"] == "snoozed"
    assert rows["X2"]["due_at"] == "2026-04-20T00:00:00+00:00"


# --- hostile input: every failure is exit 2 with a message, never a traceback, and never a lost file

CUSTOMERS_HEADER = "id,segment,stage,stage_entered_at,created_at,owner\n"
ONE_CUSTOMER = CUSTOMERS_HEADER + "X1,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,ana\n"
NO_CONTACTS = "customer_id,at,channel\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def check_args(customers: str, contacts: str, *more: str) -> list[str]:
    return ["check", "--policy", "abc", "--timezone", "UTC", "--customers", customers, "--contacts", contacts, *more]


class TestOutputIsReplacedOnlyOnSuccess:
    """``--output`` is written beside the target and renamed over it when the run succeeded (issue 10, item 1)."""

    @pytest.fixture
    def report(self, tmp_path: Path) -> Path:
        path = tmp_path / "report.csv"
        path.write_text("yesterday's report\n", encoding="utf-8")
        return path

    def leftovers(self, folder: Path) -> list[str]:
        return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))

    @pytest.mark.parametrize(
        "change",
        [
            {"customers": CUSTOMERS_HEADER + "X1,A,lead,not-a-date,2026-03-01T10:00:00Z,ana\n"},
            {"as_of": "yesterday"},
            {"as_of": ""},
            {"policy": "nope.toml"},
            {"customers": None},
        ],
        ids=["bad row", "bad as-of", "empty as-of", "bad policy", "missing input"],
    )
    def test_a_failed_run_leaves_the_report_as_it_was(
        self, tmp_path: Path, report: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str | None]
    ) -> None:
        text = change.get("customers", ONE_CUSTOMER)
        customers = str(tmp_path / "missing.csv") if text is None else write(tmp_path / "c.csv", text)
        contacts = write(tmp_path / "k.csv", NO_CONTACTS)
        args = ["check", "--policy", change.get("policy") or "abc", "--timezone", "UTC"]
        args += ["--customers", customers, "--contacts", contacts, "--as-of", change.get("as_of", AS_OF) or ""]
        status, _, err = main(capsys, *args, "--format", "csv", "--output", str(report))
        assert status == 2, err
        assert err.startswith(("cadence: error:", f"{customers}:2:")), err
        assert report.read_text(encoding="utf-8") == "yesterday's report\n"
        assert self.leftovers(tmp_path) == []

    def test_an_interrupted_run_leaves_the_report_as_it_was(
        self, tmp_path: Path, report: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def interrupt(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(cli, "write_rows", interrupt)
        files = check_args(write(tmp_path / "c.csv", ONE_CUSTOMER), write(tmp_path / "k.csv", NO_CONTACTS))
        status, _, err = main(capsys, *files, "--as-of", AS_OF, "--format", "csv", "--output", str(report))
        assert (status, err) == (130, "cadence: interrupted\n")
        assert report.read_text(encoding="utf-8") == "yesterday's report\n"
        assert self.leftovers(tmp_path) == []

    def test_a_successful_run_replaces_the_report_and_keeps_its_permissions(
        self, tmp_path: Path, report: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        report.chmod(0o640)
        files = check_args(write(tmp_path / "c.csv", ONE_CUSTOMER), write(tmp_path / "k.csv", NO_CONTACTS))
        status, out, err = main(capsys, *files, "--as-of", AS_OF, "--format", "csv", "--output", str(report))
        assert (status, out, err) == (0, "", "")
        assert report.read_text(encoding="utf-8").startswith('"as_of","customer_id"')
        assert report.stat().st_mode & 0o777 == 0o640
        assert self.leftovers(tmp_path) == []

    @pytest.mark.parametrize("which", ["customers", "contacts"])
    def test_an_output_that_is_an_input_is_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
    ) -> None:
        customers = write(tmp_path / "customers.csv", ONE_CUSTOMER)
        contacts = write(tmp_path / "contacts.csv", NO_CONTACTS)
        target = customers if which == "customers" else contacts
        status, _, err = main(capsys, *check_args(customers, contacts, "--as-of", AS_OF), "--output", target)
        assert status == 2
        assert err == f"cadence: error: --output {target} is also an input file: it would be overwritten\n"
        assert Path(customers).read_text(encoding="utf-8") == ONE_CUSTOMER

    def test_ics_output_is_replaced_only_on_success(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        calendar = tmp_path / "ana.ics"
        calendar.write_bytes(b"old calendar")
        customers = write(tmp_path / "c.csv", CUSTOMERS_HEADER + "X1,A,lead,soon,2026-03-01T10:00:00Z,ana\n")
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, _, _ = main(capsys, *files, "--format", "ics", "--output", str(calendar))
        assert status == 2
        assert calendar.read_bytes() == b"old calendar"
        write(tmp_path / "c.csv", ONE_CUSTOMER)
        assert main(capsys, *files, "--format", "ics", "--output", str(calendar))[0] == 0
        assert calendar.read_bytes().startswith(b"BEGIN:VCALENDAR")

    def test_sample_files_are_replaced_whole(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, _, _ = main(capsys, "sample", "--out", str(tmp_path), "--customers", "20")
        assert status == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["changes.csv", "contacts.csv", "customers.csv"]


class TestSpreadsheetSafeCsv:
    """Every cell quoted, and every line of a cell that could start a formula prefixed (issue 10, item 2)."""

    def test_a_bare_carriage_return_cannot_start_a_row(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        owner = "ana\r=cmd|' /C calc'!A0"
        customers = write(
            tmp_path / "c.csv", CUSTOMERS_HEADER + f'X1,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,"{owner}"\n'
        )
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, out, err = main(capsys, *files, "--format", "csv")
        assert status == 0, err
        rows = list(csv.reader(io.StringIO(out, newline="")))
        assert len(rows) == 2  # the header and the one customer: no row made of the payload
        assert rows[1][2] == "ana\r'=cmd|' /C calc'!A0"
        lines = re.split(r"\r\n|\r|\n", out)
        assert not [line for line in lines if line.startswith(FORMULA_STARTS)]


class TestHostileInputFiles:
    """Encodings, control characters, duplicate columns and huge files (issue 10, items 3 and 15)."""

    def customers_bytes(self, tmp_path: Path, data: bytes) -> str:
        path = tmp_path / "c.csv"
        path.write_bytes(data)
        return str(path)

    def test_a_windows_1252_file_is_a_bad_row_with_its_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data = (ONE_CUSTOMER + "X2,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,Jos\u00e9\n").encode("cp1252")
        customers = self.customers_bytes(tmp_path, data)
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, _, err = main(capsys, *files)
        assert status == 2
        assert err.splitlines()[0] == (
            f"{customers}:3: column -: not utf-8 text (byte 0xe9 at column 56); "
            "name the file's encoding (--encoding cp1252, gb18030, ...)"
        )
        status, out, err = main(capsys, *files, "--encoding", "cp1252", "--format", "json")
        assert status == 0, err
        assert {row["owner"] for row in json.loads(out)["assessments"]} == {"ana", "Jos\u00e9"}

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
    def test_byte_order_marks_choose_the_encoding(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
    ) -> None:
        text = ONE_CUSTOMER.replace("ana", "\u674e\u5a1c")
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        customers = self.customers_bytes(tmp_path, data)
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF, "--format", "json")
        status, out, err = main(capsys, *files)
        assert status == 0, err
        assert json.loads(out)["assessments"][0]["owner"] == "\u674e\u5a1c"

    def test_an_unknown_encoding_is_named(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        files = check_args(write(tmp_path / "c.csv", ONE_CUSTOMER), write(tmp_path / "k.csv", NO_CONTACTS))
        status, _, err = main(capsys, *files, "--as-of", AS_OF, "--encoding", "klingon")
        assert (status, err) == (
            2,
            "cadence: error: unknown encoding 'klingon' (try utf-8, cp1252, gb18030 or utf-16)\n",
        )

    def test_a_column_named_twice_is_refused(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        customers = write(tmp_path / "c.csv", ONE_CUSTOMER.replace(",owner", ",stage"))
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, _, err = main(capsys, *files)
        assert status == 2
        assert err.splitlines()[0] == f"{customers}:1: column stage: named twice in the header: which one is meant?"

    def test_terminal_escapes_in_ids_and_owners_are_shown_escaped(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        customers = write(
            tmp_path / "c.csv",
            CUSTOMERS_HEADER + '"\x1b[2JX1",A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,"an\x07a"\n'
            '"\x1b]0;pwned\x07",A,nope,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,ana\n',
        )
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, out, err = main(capsys, *files, "--skip-bad")
        assert status == 0
        assert "\x1b" not in out + err
        assert "\x07" not in out + err
        assert "\\x1b[2JX" in out
        status, _, err = main(capsys, *files)
        assert status == 2
        assert "\x1b" not in err

    def test_nul_bytes_huge_fields_and_quoted_newlines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        rows = [
            'X1,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,"multi\nline\n=owner"',
            "X2\x00,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,nul",
            "X3,A,lead,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z," + "x" * 200_000,
        ]
        customers = write(tmp_path / "c.csv", CUSTOMERS_HEADER + "\n".join(rows) + "\n")
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF)
        status, _, err = main(capsys, *files)
        assert status == 2
        assert "field larger than field limit" in err
        assert "Traceback" not in err

    def test_a_huge_policy_file_is_refused_without_reading_it_all(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        policy = tmp_path / "huge.toml"
        with policy.open("wb") as stream:
            stream.truncate(400_000_000)  # sparse: 400 MB of zero bytes that take no disk
        files = check_args(write(tmp_path / "c.csv", ONE_CUSTOMER), write(tmp_path / "k.csv", NO_CONTACTS))
        files[2] = str(policy)
        status, _, err = main(capsys, *files, "--as-of", AS_OF)
        assert status == 2
        assert "longer than 5,000,000 characters" in err or "cannot read the policy file" in err
        link = tmp_path / "zero.toml"
        link.symlink_to("/dev/zero")
        files[2] = str(link)
        status, _, err = main(capsys, *files, "--as-of", AS_OF)
        assert status == 2
        assert "Traceback" not in err


class TestAssessmentErrorsAndRanges:
    """Errors raised while assessing, and instants at the ends of the supported range (items 4, 6, 15)."""

    def test_an_as_of_past_year_9999_in_the_team_zone_is_an_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        files = check_args(write(tmp_path / "c.csv", ONE_CUSTOMER), write(tmp_path / "k.csv", NO_CONTACTS))
        files[4] = "Asia/Tokyo"
        status, _, err = main(capsys, *files, "--as-of", "9999-12-31T23:00Z")
        assert status == 2
        assert err.startswith("cadence: error: --as-of: ")
        assert "outside the supported range" in err

    def test_an_error_while_assessing_names_the_customer(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        customers = write(
            tmp_path / "c.csv",
            ONE_CUSTOMER + "late,C,retention,9999-12-20T10:00:00Z,9999-12-20T10:00:00Z,ana\n",
        )
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", "9999-12-29T00:00Z")
        status, _, err = main(capsys, *files)
        assert status == 2
        assert err.startswith("cadence: error: customer 'late': "), err
        assert "left the supported range of years 1-9999" in err

    def test_a_year_1_date_is_shown_with_four_digits(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        customers = write(tmp_path / "c.csv", CUSTOMERS_HEADER + "X1,A,lead,0001-01-02T10:00Z,0001-01-02T10:00Z,ana\n")
        files = check_args(customers, write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", "0001-01-10T00:00Z")
        status, out, err = main(capsys, *files, "--format", "json")
        assert status == 0, err
        assert "0001-01-0" in json.loads(out)["assessments"][0]["reason"]

    def test_bad_holiday_settings_in_a_policy_file_are_problems(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        policy = write(
            tmp_path / "p.toml",
            'version = 1\nname = "p"\nsegments = ["A"]\n'
            '[calendar]\ntimezone = "Europe/Berlin"\n[calendar.holidays]\ncountry = "DE"\nyears = [2026]\n'
            'subdiv = ["BY"]\n[[rules]]\nkey = "*/*"\ninterval = "7d"\n',
        )
        status, _, err = main(capsys, "lint", policy)
        assert status == 2
        assert err.startswith(
            f"cadence: {policy} has 1 problem:\n  calendar.holidays.subdiv: expected a non-empty string (got ['BY'])"
        )
        assert "Traceback" not in err


PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "a\n=1", "a\r\n+1", '"=1"', "ok"]
hostile_cells = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    st.sampled_from(["A", "B", "lead", "retention", "ana", "\x00", "\x1b[2J", "\ufeff", '"', ","]),
)


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(hostile_cells, hostile_cells, hostile_cells, hostile_cells), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    skip_bad=st.booleans(),
)
def test_hostile_files_give_exit_2_or_a_safe_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[tuple[str, ...]], encoding: str, skip_bad: bool
) -> None:
    """Any customers file, in any encoding: exit 0 with a report whose cells and lines start no formula, or exit 2
    with a message; never a traceback, and a pre-existing report is replaced only on success."""
    lines = [
        ",".join([csv_cell(i), csv_cell(seg), "lead", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", csv_cell(o)])
        for i, seg, _, o in rows
    ]
    try:
        data = (CUSTOMERS_HEADER + "\n".join(lines) + "\n").encode(encoding)
    except UnicodeEncodeError:
        data = (CUSTOMERS_HEADER + "\n".join(lines) + "\n").encode("utf-8")
    customers = tmp_path / "c.csv"
    customers.write_bytes(data)
    report = tmp_path / "report.csv"
    report.write_text("before\n", encoding="utf-8")
    args = check_args(str(customers), write(tmp_path / "k.csv", NO_CONTACTS), "--as-of", AS_OF, "--format", "csv")
    status, _, err = main(capsys, *args, *(["--skip-bad"] if skip_bad else []), "--output", str(report))
    assert status in (0, 2), err
    assert "Traceback" not in err
    text = report.read_text(encoding="utf-8")
    if status == 2:
        assert text == "before\n"
        return
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not [line for line in re.split(r"\r\n|\r|\n", text) if line.startswith(FORMULA_STARTS)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "k.csv", "report.csv"]


def test_the_column_wise_reader_knows_pythons_white_space() -> None:
    """The cells the row reader would strip are the ones the column-wise reader leaves to it."""
    from cadence.csv_files import _SPACES

    assert set(_SPACES) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


class TestHolds:
    """``--holds holds.csv``: the customers' SLA holds, read column-wise and row by row alike."""

    CUSTOMERS = (
        "id,segment,stage,stage_entered_at,created_at,owner\n"
        "X1,A,retention,2026-01-05T09:00:00Z,2025-06-01T00:00:00Z,ana\n"
        "X2,A,retention,2026-01-05T09:00:00Z,2025-06-01T00:00:00Z,ana\n"
    )
    CONTACTS = (
        "customer_id,at,channel,outcome\n"
        "X1,2026-03-02T10:00:00Z,call,connected\n"
        "X2,2026-03-02T10:00:00Z,call,connected\n"
    )

    def run_check(self, tmp_path: Path, holds: str, *more: str) -> Ran:
        files = (
            "--customers", write(tmp_path / "customers.csv", self.CUSTOMERS),
            "--contacts", write(tmp_path / "contacts.csv", self.CONTACTS),
            "--holds", write(tmp_path / "holds.csv", holds),
        )  # fmt: skip
        return run("check", "--policy", "abc", "--timezone", "UTC", *files, "--as-of", "2026-03-31T12:00:00Z", *more)

    @pytest.mark.parametrize("form", ["table", "csv", "json"])
    def test_a_hold_moves_the_due_time_in_both_readers(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
    ) -> None:
        """abc's A rule: weekly. X1 was on hold for three days (4 to 7 March) and is due three days later than
        X2; the column-wise and the row reader agree, byte for byte."""
        holds = "customer_id,start,end\nX1,2026-03-04T00:00:00Z,2026-03-07T00:00:00Z\n"
        fast = self.run_check(tmp_path, holds, "--format", form)
        monkeypatch.setattr(cli, "read_tables", lambda *given: None)
        slow = self.run_check(tmp_path, holds, "--format", form)
        assert (fast.returncode, fast.stderr) == (0, "")
        assert fast.stdout == slow.stdout
        if form == "json":
            rows = {row["customer_id"]: row for row in json.loads(fast.stdout)["assessments"]}
            assert rows["X1"]["overdue_at"] != rows["X2"]["overdue_at"]
            assert "later for the time on hold" in rows["X1"]["reason"]

    def test_an_open_hold_holds_the_follow_up(self, tmp_path: Path) -> None:
        result = self.run_check(tmp_path, "customer_id,start,end\nX1,2026-03-04T00:00:00Z,\n", "--format", "json")
        rows = {row["customer_id"]: row for row in json.loads(result.stdout)["assessments"]}
        assert (rows["X1"]["status"], rows["X2"]["status"]) == ("due_soon", "overdue")  # due soon from 4 March
        assert "on hold since 2026-03-04" in rows["X1"]["reason"]

    @pytest.mark.parametrize(
        ("holds", "message"),
        [
            ("customer_id,start,end\nX1,2026-03-04,\n", "holds.csv:2: column start: "),
            ("customer_id,start,end\nX1,2026-03-04T00:00:00Z,2026-03-03T00:00:00Z\n", "holds.csv:2: column end: "),
            ("customer_id,start,end\nX9,2026-03-04T00:00:00Z,\n", "holds.csv:2: column customer_id: unknown"),
            (
                "customer_id,start,end\nX1,2026-03-04T00:00:00Z,\nX1,2026-03-05T00:00:00Z,2026-03-06T00:00:00Z\n",
                "holds.csv:3: column start: Customer.holds: the hold from 2026-03-04",
            ),
            ("customer_id,end\nX1,\n", "holds.csv:1:"),
        ],
    )
    def test_a_bad_row_names_the_file_line_and_column(self, tmp_path: Path, holds: str, message: str) -> None:
        result = self.run_check(tmp_path, holds)
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr

    def test_report_reads_holds(self, tmp_path: Path) -> None:
        holds = "customer_id,start,end\nX1,2026-03-04T00:00:00Z,\n"
        files = (
            "--customers", write(tmp_path / "customers.csv", self.CUSTOMERS),
            "--contacts", write(tmp_path / "contacts.csv", self.CONTACTS),
            "--holds", write(tmp_path / "holds.csv", holds),
        )  # fmt: skip
        period = ("--since", "2026-03-01T00:00:00Z", "--until", "2026-04-01T00:00:00Z", "--format", "json")
        result = run("report", "--policy", "abc", "--timezone", "UTC", *files, *period, "--by", "owner")
        assert result.returncode == 0, result.stderr
        [row] = json.loads(result.stdout)
        assert (row["follow_ups"], row["missed"]) == (1, 1)  # X2's; X1's never fell due, held since before it


def test_a_coverage_warning_raised_as_an_error_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """Under ``-W error`` a calendar whose holidays do not cover the years counted stops the command with the
    warning's text and exit status 2."""
    pol = write(
        tmp_path / "cn.toml",
        'version = 1\nname = "cn"\nsegments = ["A"]\nrules = [{ key = "*/*", interval = "3bd" }]\n\n'
        '[calendar]\ntimezone = "Asia/Shanghai"\nholidays = { country = "CN", years = [2019] }\n',
    )
    customers = write(tmp_path / "c.csv", ONE_CUSTOMER)
    contacts = write(tmp_path / "k.csv", NO_CONTACTS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run("check", "--policy", pol, "--customers", customers, "--contacts", contacts, "--as-of", AS_OF)
    assert result.returncode == 2
    assert result.stderr.startswith("cadence: error: Calendar.holiday_years: working days of 2026 were counted")
    assert "Traceback" not in result.stderr
