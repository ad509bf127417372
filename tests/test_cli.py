"""The CLI: exit codes, clean messages without tracebacks, dry runs, demo reruns that change nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import CONFIG_PATH

from sheetsync.cli import main

NOW = "2026-11-26T09:00"


def invoke(*args, env=None):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_PATH), *args], env=env, catch_exceptions=False)
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


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_builds_the_four_tabs_and_flags_mistakes(demo_book):
    book = openpyxl.load_workbook(demo_book)
    assert book.sheetnames[:4] == ["SKUs", "Returns", "Influencers", "Gifts"]
    skus = book["SKUs"]
    headers = [c.value for c in skus[1]]
    issues = [row[headers.index("Issues")] for row in skus.iter_rows(min_row=2, values_only=True)]
    assert any(text and "Price:" in text for text in issues)
    assert len([r for r in skus.iter_rows(min_row=2, values_only=True) if r[0]]) >= 60


def test_demo_again_changes_nothing(demo_book):
    before = digest(demo_book)
    code, out = invoke("demo", "--dir", str(demo_book.parent), "--now", NOW)
    assert code == 0 and "reused" in out and "nothing changed" in out
    assert digest(demo_book) == before


def test_run_dry_run_writes_nothing(book):
    wb = openpyxl.load_workbook(book)
    headers = [c.value for c in wb["SKUs"][1]]
    wb["SKUs"].cell(2, headers.index("Issues") + 1).value = None  # a job-owned cell to be rewritten
    wb.save(book)
    before = digest(book)
    code, out = invoke("--workbook", str(book), "run", "--once", "validate", "--dry-run", "--now", NOW)
    assert code == 0 and "Dry run: " in out and "Issues" in out
    assert digest(book) == before


def test_strict_exits_3_when_problems_exist(book):
    code, _ = invoke("--workbook", str(book), "validate", "--strict", "--now", NOW)
    assert code == 3


@pytest.mark.slow
def test_validate_formats(book):
    code, out = invoke("--workbook", str(book), "validate", "--format", "json", "--dry-run", "--now", NOW)
    rows = json.loads(out)
    assert code == 0 and {"tab", "row", "column", "cell", "code", "severity", "message"} <= set(rows[0])
    code, out = invoke("--workbook", str(book), "validate", "--format", "csv", "--dry-run", "--now", NOW)
    assert out.splitlines()[0].startswith("tab,row,column,cell,value,code")


@pytest.mark.parametrize(
    "args,code,words",
    [
        (["--workbook", "nowhere.txt", "run"], 2, "unknown workbook target"),
        (["--workbook", "/tmp/sheetsync-missing-dir/none.xlsx", "run"], 2, "run `sheetsync init`"),
        (["--workbook", "BOOK", "run", "nosuchjob", "--now", NOW], 2, "no job named nosuchjob"),
        (["--workbook", "BOOK", "run", "--now", "yesterday"], 2, "not an ISO date-time"),
    ],
)
def test_errors_are_clean_messages_with_exit_codes(book, args, code, words):
    before = digest(book)
    got, out = invoke(*[str(book) if a == "BOOK" else a for a in args])
    assert got == code
    assert words in out and "Traceback" not in out
    assert digest(book) == before  # a refused command writes nothing


def test_config_errors_exit_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "sheetsync.toml"
    bad.write_text('[workbook]\ntarget = "x.xlsx"\ntimezone = "Mars/Olympus"\n[tabs]\n')
    result = CliRunner().invoke(main, ["--config", str(bad), "jobs"])
    assert result.exit_code == 2
    assert str(bad) in result.output and "[workbook] timezone" in result.output


def test_locked_workbook_is_a_clean_failure(book):
    from sheetsync.backends.xlsx import XlsxBackend

    with XlsxBackend(book).lock():
        code, out = invoke("--workbook", str(book), "run", "--now", NOW)
    assert code == 1 and "in use by another sheetsync run" in out


def test_jobs_lists_validate():
    code, out = invoke("jobs")
    assert code == 0 and "validate" in out


@pytest.mark.slow
def test_init_creates_tabs_then_is_idempotent(tmp_path):
    target = tmp_path / "new.xlsx"
    code, out = invoke("--workbook", str(target), "init")
    assert code == 0 and "created tab SKUs" in out
    before = digest(target)
    code, out = invoke("--workbook", str(target), "init")
    assert code == 0 and "nothing to do" in out and digest(target) == before
    sheet = openpyxl.load_workbook(target)["Returns"]
    assert sheet.freeze_panes == "B2" and sheet.data_validations.dataValidation  # header row and key; dropdowns
    assert openpyxl.load_workbook(target)["_Log"].sheet_state == "hidden"


def test_init_adds_missing_headers_without_touching_data(tmp_path):
    target = tmp_path / "partial.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Influencers"
    wb.active.append(["Handle", "Platform", "My Own Column"])
    wb.active.append(["@lena.gems", "Instagram", "keep me"])
    wb.save(target)
    code, out = invoke("--workbook", str(target), "init")
    assert code == 0 and "Influencers: added columns Name" in out
    rows = list(openpyxl.load_workbook(target)["Influencers"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Handle", "Platform", "My Own Column", "Name")
    assert rows[1][:3] == ("@lena.gems", "Instagram", "keep me")


def test_a_one_off_run_is_recorded_for_the_schedule_loop(book, tmp_path):
    state = tmp_path / "state.json"
    env = {"SHEETSYNC_STATE": str(state)}
    code, _ = invoke("--workbook", str(book), "run", "--once", "validate", env=env)
    assert code == 0
    recorded = json.loads(state.read_text())["workbooks"][str(book)]["jobs"]["validate"]
    assert recorded["last_outcome"] == "ok" and recorded["last_success"]
    code, out = invoke("--workbook", str(book), "jobs", env=env)
    line = next(text for text in out.splitlines() if text.startswith("validate"))
    assert "ok" in line and "catch-up" not in line


@pytest.mark.slow
def test_validate_reports_validation_findings_only(book):
    code, out = invoke("--workbook", str(book), "validate", "--format", "json", "--dry-run", "--now", NOW)
    jobs = {row["job"] for row in json.loads(out)}
    assert code == 0 and jobs <= {None, "validate"} and "validate" in jobs
    code, out = invoke("--workbook", str(book), "run", "--dry-run", "--now", NOW)
    assert "[copy_late]" in out or "[copy_returns]" in out  # other jobs' findings are in the full run's report


def test_init_demo_fills_only_empty_tabs(tmp_path):
    target = tmp_path / "fresh.xlsx"
    code, out = invoke("--workbook", str(target), "init", "--demo", "--now", NOW)
    assert code == 0 and "SKUs: wrote 68 demo rows" in out
    before = digest(target)
    code, out = invoke("--workbook", str(target), "init", "--demo", "--now", NOW)
    assert code == 0 and "demo rows" not in out and digest(target) == before  # data is never written over
