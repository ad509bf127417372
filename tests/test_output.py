"""What the CLI prints: no noise on a closed pipe, clean endings, keys as the sheet shows them, -v phases."""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONFIG_PATH

from sheetsync.cli import main
from sheetsync.model.keys import sheet_key

NOW = "2026-11-26T09:00"
SHEETSYNC = Path(sys.executable).with_name("sheetsync")


def invoke(*args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_PATH), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    code, out = invoke("demo", "--dir", str(folder), "--now", NOW)
    assert code == 0, out
    return folder / "jewelry-demo.xlsx"


@pytest.fixture
def book(demo_book, tmp_path) -> Path:
    copy = tmp_path / "book.xlsx"
    shutil.copy(demo_book, copy)
    return copy


@pytest.mark.slow
def test_a_reader_that_goes_away_gets_no_broken_pipe_noise(book):
    """`sheetsync validate | head`: the reader has gone before the first write; stderr stays empty."""
    args = [str(SHEETSYNC), "--config", str(CONFIG_PATH), "--workbook", str(book), "validate", "--dry-run"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reading end is closed: every write of the command now fails with EPIPE
    errors = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "BrokenPipe" not in errors and "Traceback" not in errors and "Exception ignored" not in errors
    assert process.returncode == 1  # the output was cut short: not a success


def test_a_dry_run_with_nothing_planned_ends_with_a_full_stop(book):
    invoke("--workbook", str(book), "run", "--now", NOW)  # everything written: the next run plans nothing
    code, out = invoke("--workbook", str(book), "run", "--dry-run", "--now", NOW)
    last = out.rstrip().splitlines()[-1]
    assert code == 0 and last == "Dry run: 0 cell change(s) planned, nothing written."


def test_output_shows_keys_as_the_sheet_shows_them(book):
    """The demo repeats SKU ER-HEI-103 and Handle @Maya.Sparkle: sheetsync addresses the 2nd as KEY#2 inside."""
    _, out = invoke("--workbook", str(book), "validate", "--format", "json", "--dry-run", "--now", NOW)
    records = json.loads(out)
    duplicates = [r for r in records if r["code"] == "duplicate_key"]
    assert {(r["tab"], r["key"]) for r in duplicates} >= {("SKUs", "ER-HEI-103"), ("Influencers", "@Maya.Sparkle")}
    assert all(r["row"] for r in duplicates)  # the row number tells the two rows apart
    _, out = invoke("--workbook", str(book), "validate", "--format", "csv", "--dry-run", "--now", NOW)
    keys = [row["key"] for row in csv.DictReader(io.StringIO(out))]
    for shown in (json.dumps(records), *keys):
        assert "#2" not in shown and "~" not in shown  # no repeat marks, no stand-ins for blank keys


def test_sheet_key_drops_stand_ins_and_keeps_keys_as_typed():
    assert sheet_key("ER-HEI-103") == "ER-HEI-103"  # a repeated key is never renamed: both rows keep it
    assert sheet_key("Order #2") == "Order #2"
    assert sheet_key("~3f2a9c01d4e5") is None
    assert sheet_key("#1001") == "#1001"  # an order number that starts with '#' is a real key


def test_verbose_logs_each_phase_with_timings_and_requests(book, caplog):
    with caplog.at_level(logging.DEBUG, "sheetsync"):
        code, _ = invoke("-v", "--workbook", str(book), "run", "--now", NOW)
    text = caplog.text
    assert code == 0
    assert "read " in text and " request(s)" in text
    for phase in ("job validate in ", "evaluated ", "planned ", "request(s) in all"):
        assert phase in text


@pytest.mark.parametrize("target", ["shop/books.ods", "shop/Inventory.CSV", "old.xls"])
def test_a_workbook_in_another_format_is_told_to_save_as_xlsx(target):
    code, out = invoke("--workbook", target, "validate")
    assert code == 2 and "save it as .xlsx" in out and "Traceback" not in out
