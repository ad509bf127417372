"""The Google Sheets backend end to end against the local emulator: same results as xlsx, few requests."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from conftest import CONFIG_PATH
from gsheets_helpers import demo_spreadsheet, google, job_columns

from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.cli import main
from sheetsync.errors import WorkbookNotFound
from sheetsync.init import init
from sheetsync.testing import SheetsEmulator

NOW = "2026-11-26T09:00"
WRITES = {"batchUpdate", "values.batchUpdate", "values.update", "values.append", "values.clear", "values.batchClear"}


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


def _cli(args, env=None):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_PATH), *args], env=env or {}, catch_exceptions=False)
    return result


@pytest.mark.slow
def test_run_matches_xlsx_in_few_requests(emulator, config, demo_rows, tmp_path):
    key = demo_spreadsheet(emulator, config, demo_rows)
    path = tmp_path / "demo.xlsx"
    init(dataclasses.replace(config, target=str(path)), XlsxBackend(path), demo_rows)
    env = {"SHEETSYNC_SHEETS_ENDPOINT": emulator.endpoint}

    outputs = []
    for _ in ("first run", "identical rerun"):
        emulator.reset_requests()
        google_run = _cli(["--workbook", f"gsheets:{key}", "run", "--once", "--now", NOW], env)
        counted = list(emulator.requests)
        xlsx_run = _cli(["--workbook", str(path), "run", "--once", "--now", NOW])
        assert google_run.exit_code == xlsx_run.exit_code, google_run.output
        assert len(counted) <= 6, [r.kind for r in counted]
        assert not any(r.kind in ("values.append", "drive.list", "drive.get") for r in counted)
        google_cells = job_columns(config, google(emulator, key))
        xlsx_cells = job_columns(config, XlsxBackend(path))
        assert google_cells == xlsx_cells
        outputs.append((google_run.output, xlsx_run.output))
    assert "nothing changed" not in outputs[0][0] and "nothing changed" not in outputs[0][1]
    # One run settles the workbook: the identical rerun reads twice and writes nothing, on both backends.
    assert "nothing changed" in outputs[1][0] and "nothing changed" in outputs[1][1]
    assert len(counted) <= 2 and not any(r.kind in WRITES for r in counted), [r.kind for r in counted]


@pytest.mark.slow
def test_request_count_does_not_grow_with_rows(emulator, config, demo_rows):
    from sheetsync import run

    def requests_for(skus):
        key = demo_spreadsheet(emulator, config, {**demo_rows, "SKUs": skus})
        emulator.reset_requests()
        result = run(
            dataclasses.replace(config, target=f"gsheets:{key}"),
            ["validate"],
            now=_now(config),
            backend=google(emulator, key),
        )
        assert result.wrote
        return [r.kind for r in emulator.requests]

    skus = list(demo_rows["SKUs"])
    few = requests_for(skus[:5])
    many = skus + [dict(r, SKU=f"{r.get('SKU') or 'X'}-{n}") for n in range(1, 4) for r in skus]  # 4x the demo
    kinds = requests_for(many)
    assert len(kinds) <= 6 and kinds == few, (few, kinds)


def _now(config):
    from datetime import datetime

    return datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)


def test_init_is_idempotent_and_sheet_native(emulator, config):
    key = emulator.create_spreadsheet("blank", {"Sheet1": []})
    env = {"SHEETSYNC_SHEETS_ENDPOINT": emulator.endpoint}
    first = _cli(["--workbook", f"gsheets:{key}", "init"], env)
    assert first.exit_code == 0, first.output
    assert "created tab SKUs" in first.output
    emulator.reset_requests()
    again = _cli(["--workbook", f"gsheets:{key}", "init"], env)
    assert "nothing to do" in again.output
    assert [r.kind for r in emulator.requests] == ["get", "values.batchGet"]
    book = emulator.spreadsheet(key)
    skus = book.sheet_by_title("SKUs")
    assert skus.props["gridProperties"].get("frozenRowCount") == 1
    assert emulator.values(key, "SKUs")[0] == list(config.schemas["SKUs"].headers)
    header_notes = emulator.notes(key, "SKUs")
    assert len(header_notes) == len(config.schemas["SKUs"].headers)
    assert any(p.get("warningOnly") for p in skus.protected)
    enums = [i for i, c in enumerate(config.schemas["SKUs"].columns) if c.type == "enum"]
    rule = skus.peek(1, enums[0]).validation
    assert rule["condition"]["type"] == "ONE_OF_LIST" and rule["strict"] is False
    for system in ("_Log", "_Runs", "_Meta"):
        assert emulator.sheet_properties(key, system).get("hidden") is True


@pytest.mark.slow
def test_formula_looking_text_stays_text_where_jobs_copy_it(emulator, config, demo_rows):
    texts = ['=IMPORTXML("http://example.com","//a")', "+1 call", "@mention"]
    rows = {**demo_rows, "SKUs": [dict(r) for r in demo_rows["SKUs"]]}
    for row, text in zip(rows["SKUs"], texts * 20):
        row["Copywriter"] = text  # copied by jobs into To Do and summaries
        row["Brief"] = f"{text} {row.get('Brief') or ''}".strip()
    key = demo_spreadsheet(emulator, config, rows)
    from sheetsync import run

    run(dataclasses.replace(config, target=f"gsheets:{key}"), now=_now(config), backend=google(emulator, key))
    book = emulator.spreadsheet(key)
    seen = {}
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if isinstance(cell.value, str) and any(cell.value.startswith(t) for t in texts):
                assert cell.formula is None, (sheet.title, cell.value)
                seen[sheet.title] = seen.get(sheet.title, 0) + 1
    formulas = [c.formula for s in book.sheets for c in s.cells.values() if c.formula]
    assert all(not f.upper().startswith("=IMPORTXML") for f in formulas)
    edited = min(len(rows["SKUs"]), len(texts) * 20)
    assert seen.get("SKUs") == 2 * edited  # Copywriter and Brief of every edited row, as typed
    # To Do names the copywriter of late copy and the catalog summary lists copywriters: those copies
    # are written by jobs, which is where a formula could sneak in.
    assert seen.get("To Do") and seen.get("Summary - Catalog"), seen


def test_unknown_spreadsheet_is_a_clear_error(emulator, config):
    from sheetsync import run

    with pytest.raises(WorkbookNotFound, match="no spreadsheet"):
        run(dataclasses.replace(config, target="gsheets:doesnotexist"), backend=google(emulator, "doesnotexist"))


def test_url_targets_and_bad_targets():
    from sheetsync.backends.gsheets.backend import spreadsheet_key
    from sheetsync.errors import ConfigError

    assert spreadsheet_key("gsheets:https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0") == "1AbC_d-9"
    assert spreadsheet_key("gsheets:1AbC_d-9") == "1AbC_d-9"
    with pytest.raises(ConfigError):
        spreadsheet_key("gsheets:")


def test_no_endpoint_and_no_credentials_is_a_clear_error(monkeypatch):
    from sheetsync.backends.gsheets import GoogleSheetsBackend
    from sheetsync.errors import ConfigError

    monkeypatch.delenv("SHEETSYNC_SHEETS_ENDPOINT", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(ConfigError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        GoogleSheetsBackend("gsheets:abc123").tab_names()


def test_emulator_command_serves_an_xlsx(tmp_path, config, demo_rows):
    import subprocess
    import sys
    import time

    import requests

    path = tmp_path / "demo.xlsx"
    init(dataclasses.replace(config, target=str(path)), XlsxBackend(path), demo_rows)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from sheetsync.cli import main; main()",
            "--config",
            str(CONFIG_PATH),
            "emulator",
            "--port",
            "0",
            "--from",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.time() + 20
        while time.time() < deadline and not any(line.startswith("Spreadsheet key") for line in lines):
            lines.append(proc.stdout.readline().strip())
        endpoint = next(line.split()[-1] for line in lines if "emulator at" in line)
        key = next(line.split()[-1] for line in lines if line.startswith("Spreadsheet key"))
        answer = requests.get(f"{endpoint}/v4/spreadsheets/{key}/values/SKUs!A1:B1", timeout=5).json()
        assert answer["values"][0] == ["SKU", "Product Name"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
