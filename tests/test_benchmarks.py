"""The benchmark script runs (its figures are the machine's, never asserted: see benchmarks/run.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_the_run_benchmark_runs_at_size_s(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "S",
            "--backends",
            "memory,xlsx",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())["sizes"]["S"]
    for backend in ("memory", "xlsx"):
        runs = figures[backend]["runs"]
        assert set(runs) == {"first run", "identical rerun", "rerun after 1% changed"}
        assert runs["first run"]["cells"] > 0 and runs["identical rerun"]["cells"] == 0
        assert not any(run["failed"] for run in runs.values())
        assert "describe" in runs["first run"]["jobs"]
    assert "load_cpu" in figures["xlsx"]["openpyxl"]
    assert "x one openpyxl load" in done.stdout


@pytest.mark.slow
def test_the_validate_benchmark_runs_on_a_small_catalog():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "validate_bench.py"), "--skus", "200", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "x parse-only baseline" in done.stdout and "problems found by the rules: 0" not in done.stdout


@pytest.mark.slow
def test_the_run_benchmark_measures_google_on_the_emulator_at_size_s(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "S", "--backends", "google"]
        + ["--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    entry = json.loads(out.read_text())["sizes"]["S"]["google"]
    runs = entry["runs"]
    assert runs["identical rerun"]["cells"] == 0 and runs["first run"]["cells"] > 0
    for run in runs.values():
        assert run["requests"] > 0 and run["received"] > 0 and 0 < run["emulator"] < run["wall"]
    assert entry["gspread"]["loop"]["requests"] > runs["first run"]["requests"]
    assert "gspread-dataframe" in done.stdout and "emulator s" in done.stdout
    # the download yardsticks: every tab of the workbook as the runs left it, and the four data tabs within it
    assert entry["one values read of every tab"] > entry["one values read of the data tabs"] > 0
