"""The command line, run as a user runs it: in a subprocess, checking exit codes, stdout and stderr."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cadence", *args], capture_output=True, text=True, timeout=120)


def test_demo_prints_a_summary_and_a_worklist_in_80_columns() -> None:
    result = run("demo", "--customers", "300", "--top", "5")
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
    assert table.splitlines() == [
        "status            A       B       C   total",
        "churn_risk        6      15      53      74",
        "overdue         104     212     175     491",
        "due              54      50       0     104",
        "due_soon         78      73      15     166",
        "on_track         79     277     708   1,064",
        "inactive         19      37      45     101",
    ]


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
