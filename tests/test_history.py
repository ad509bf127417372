"""History and undo: _Log accounts for every write, day counts are logged compactly, old rows move to the
archive, and `undo` puts a run's writes back exactly, leaving what people changed since."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import memory_workbook, records
from gsheets_helpers import demo_spreadsheet, google

import sheetsync
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.cli import main
from sheetsync.init import init
from sheetsync.model.system import LOG, RUNS, LogKind
from sheetsync.testing import SheetsEmulator

PEOPLES_TABS = ("SKUs", "Returns", "Influencers", "Gifts")


def grids(backend) -> dict:
    return {tab: [list(r) for r in backend.read([tab])[tab].values] for tab in PEOPLES_TABS}


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture(params=["memory", "xlsx", pytest.param("google", marks=pytest.mark.slow)])
def book(request, config, demo_rows, tmp_path):
    """The demo workbook before any run, on one backend; `open()` gives a backend on it."""
    if request.param == "memory":
        backend = memory_workbook(config, demo_rows)
        return config, lambda: backend
    if request.param == "google":
        emulator = request.getfixturevalue("emulator")
        key = demo_spreadsheet(emulator, config, demo_rows)
        return dataclasses.replace(config, target=f"gsheets:{key}"), lambda: google(emulator, key)
    path = tmp_path / "demo.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), demo_rows)
    return cfg, lambda: XlsxBackend(path)


def test_log_accounts_for_every_write_of_a_run(book, now):
    cfg, open_ = book
    result = sheetsync.run(cfg, now=now, backend=open_())
    frame = sheetsync.log(cfg, run=result.run_id, backend=open_())
    kinds = frame["Kind"].value_counts().to_dict()
    recounts = frame[frame["Kind"] == LogKind.RECOUNT]["Cell"]
    cells = int(kinds.get(LogKind.CELL, 0)) + sum(int(n.split()[0]) for n in recounts if n.endswith(" cells"))
    notes = int(kinds.get(LogKind.NOTE, 0)) + sum(int(n.split()[0]) for n in recounts if n.endswith(" notes"))
    assert cells == len(result.written)
    assert notes == result.notes_written > 0
    assert sorted(frame[frame["Kind"] == LogKind.WHOLE_TAB]["Tab"]) == sorted(result.tabs_rewritten)
    assert set(frame["Job"]) >= {"overdue", "describe", "issues"}
    runs = records_of(open_(), RUNS)
    assert {r["Job"] for r in runs if r["Run ID"] == result.run_id} >= {
        "overdue",
        "describe",
        "summaries",
        "todo",
        "issues",
    }


def records_of(backend, tab):
    values = backend.read([tab])[tab].values
    return [dict(zip(values[0], line)) for line in values[1:]]


def test_a_run_whose_only_writes_are_issues_gets_a_runs_row(config, demo_rows, now):
    backend = memory_workbook(config, demo_rows)
    sheetsync.run(config, ["validate"], now=now, backend=backend)
    price = backend.values("SKUs")[0].index("Price")
    backend.tabs["SKUs"].values[1][price] = 1250  # a person fixes the planted "$1,2O0.00"
    fixed = sheetsync.run(config, ["validate"], now=now, backend=backend)
    assert fixed.wrote and all(c.job == "issues" for c, _ in fixed.written)
    assert [r["Job"] for r in records(backend, RUNS) if r["Run ID"] == fixed.run_id] == ["issues"]


def test_day_counts_are_logged_once_per_column_not_per_cell(config, demo_rows, now):
    backend = memory_workbook(config, demo_rows)
    sheetsync.run(config, now=now, backend=backend)
    next_day = sheetsync.run(config, now=now + timedelta(days=1), backend=backend)
    frame = sheetsync.log(config, run=next_day.run_id, backend=backend)
    recounts = frame[frame["Kind"] == LogKind.RECOUNT]
    moved = [c for c, _ in next_day.written if c.column in ("Days Open", "Days Overdue")]
    assert len(moved) > 10
    assert set(recounts["Column"]) >= {"Days Open", "Days Overdue"}
    assert len(frame[(frame["Kind"] == LogKind.CELL) & frame["Column"].isin(["Days Open", "Days Overdue"])]) == 0
    assert len(frame) < len(next_day.written) / 2


def test_undo_restores_exactly_what_the_run_changed(book, now):
    cfg, open_ = book
    before = grids(open_())
    first = sheetsync.run(cfg, now=now, backend=open_())
    assert grids(open_()) != before
    done = sheetsync.undo(cfg, first.run_id, now=now + timedelta(minutes=5), backend=open_())
    assert done.restored and not done.result.conflicts
    assert grids(open_()) == before  # every cell of the people's tabs as it was, issued ids taken back too
    reasons = {why for _, why in done.left}
    assert any("rewrites whole" in why for why in reasons) and any("sheetsync added" in why for why in reasons)
    again = sheetsync.undo(cfg, done.result.run_id, backend=open_())  # an undo is a run: it can be undone
    assert again.restored


def test_undo_takes_an_issued_id_back_but_never_the_counter(config, demo_rows, now):
    backend = memory_workbook(config, demo_rows)
    sheetsync.run(config, now=now, backend=backend)
    returns = backend.tabs["Returns"].values
    blank = [None] * len(returns[0])
    blank[returns[0].index("Order Number")], blank[returns[0].index("Requested On")] = "#7001", "2026-11-26"
    returns.append(blank)
    issuing = sheetsync.run(config, ["overdue"], now=now + timedelta(hours=1), backend=backend)
    issued = records(backend, "Returns")[-1]["RMA"]
    assert issued
    done = sheetsync.undo(config, issuing.run_id, backend=backend)
    assert records(backend, "Returns")[-1]["RMA"] is None
    assert any("id counter never goes back" in why for _, why in done.left)
    again = sheetsync.run(config, ["overdue"], now=now + timedelta(hours=2), backend=backend)
    assert again.wrote and records(backend, "Returns")[-1]["RMA"] > issued  # never issued twice


def test_undo_leaves_what_people_changed_since_and_lists_it(config, demo_rows, now):
    backend = memory_workbook(config, demo_rows)
    first = sheetsync.run(config, now=now, backend=backend)
    returns = backend.tabs["Returns"].values
    check = returns[0].index("Policy Check")
    returns[1][check] = "checked by Claire"
    dry = sheetsync.undo(config, first.run_id, dry_run=True, backend=backend)
    assert backend.tabs["Returns"].values[1][check] == "checked by Claire"
    done = sheetsync.undo(config, first.run_id, backend=backend)
    assert backend.tabs["Returns"].values[1][check] == "checked by Claire"
    left = [(e["Column"], why) for e, why in done.left if e["Column"] == "Policy Check" and e["Tab"] == "Returns"]
    assert left and "changed since" in left[0][1]
    assert len(dry.restored) == len(done.restored)


def test_old_audit_rows_move_to_the_archive_and_log_still_finds_them(config, demo_rows, now, tmp_path):
    cfg = dataclasses.replace(
        config, path=tmp_path / "sheetsync.toml", policies={**config.policies, "audit": {"keep_days": 7}}
    )
    backend = memory_workbook(cfg, demo_rows)
    first = sheetsync.run(cfg, now=now, backend=backend)
    kept = len(records(backend, LOG))
    later = sheetsync.run(cfg, now=now + timedelta(days=10), backend=backend)
    in_workbook = {r["Run ID"] for r in records(backend, LOG)}
    assert first.run_id not in in_workbook and later.run_id in in_workbook
    assert (tmp_path / "audit-archive.sqlite").is_file()
    history = sheetsync.log(cfg, backend=backend)
    assert len(history[history["Run ID"] == first.run_id]) == kept
    assert first.run_id not in {r["Run ID"] for r in records(backend, RUNS)}


def test_log_and_undo_commands(config, demo_rows, now, tmp_path):
    path = tmp_path / "demo.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), demo_rows)
    first = sheetsync.run(cfg, now=now)
    base = ["--config", str(config.path), "--workbook", str(path)]
    shown = CliRunner().invoke(main, [*base, "log", "--key", "RMA-2026-0001"])
    assert shown.exit_code == 0 and "Policy Check" in shown.output and first.run_id in shown.output
    dry = CliRunner().invoke(main, [*base, "undo", first.run_id, "--dry-run"])
    assert dry.exit_code == 0 and "Would restore" in dry.output
    missing = CliRunner().invoke(main, [*base, "undo", "no-such-run"])
    assert missing.exit_code == 2 and "sheetsync log" in missing.output
