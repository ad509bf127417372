"""Faults and people editing mid-run make a Google Sheets run slower, never wrong."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime

import pytest
from gsheets_helpers import FAST, demo_spreadsheet, google, job_columns, person_columns, workbook_values

import sheetsync
from sheetsync.errors import TransientError
from sheetsync.testing import SheetsEmulator

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def at(config):
    return datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)


@pytest.fixture(scope="module")
def reference(emulator, config, demo_rows, at):
    """The workbook after a fault-free run."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    _run(emulator, config, key, at)
    backend = google(emulator, key)
    return workbook_values(emulator, key), job_columns(config, backend), person_columns(config, google(emulator, key))


def _run(emulator, config, key, at, settings=None):
    return sheetsync.run(
        dataclasses.replace(config, target=f"gsheets:{key}"), now=at, backend=google(emulator, key, settings)
    )


def _arm(emulator: SheetsEmulator, kind: str, fault, skip: int = 0) -> threading.Event:
    """Inject `fault(emulator)` once, at the first request of this kind after `skip` of them.

    Returns an event set when the fault was injected: a test asserts it, so a case whose request kind
    never comes (or comes fewer times than `skip`) fails instead of passing without a fault.
    """
    fired = threading.Event()
    seen = []

    def hook(event):
        if event.phase == "before" and event.kind == kind and not fired.is_set():
            seen.append(event)
            if len(seen) > skip:
                fired.set()
                fault(emulator)

    emulator.add_hook(hook)
    return fired


def _answered_badly(emulator: SheetsEmulator, kind: str) -> list:
    """Requests of this kind that got an error status or no answer at all."""
    return [r for r in emulator.requests if r.kind == kind and r.status != 200]


FAULTS = {
    "429 burst": lambda e: e.fail_next(3, 429),
    "429 with Retry-After": lambda e: e.fail_next(2, 429, retry_after=0.01),
    "HTML 502": lambda e: e.fail_next(2, 502, body=HTML_502),
    "503": lambda e: e.fail_next(2, 503),
    "dropped connection": lambda e: e.drop_next(2),
}


# Every fault once and every request kind at least once, keeping the suite quick.
CASES = [
    ("429 burst", "get"),
    ("429 with Retry-After", "values.batchGet"),
    ("HTML 502", "batchUpdate"),
    ("503", "values.batchUpdate"),
    ("dropped connection", "values.batchUpdate"),
    ("dropped connection", "get"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("fault", "kind"), CASES)
def test_faults_make_the_run_slower_not_wrong(emulator, config, demo_rows, at, reference, fault, kind):
    key = demo_spreadsheet(emulator, config, demo_rows)
    emulator.reset_requests()
    fired = _arm(emulator, kind, FAULTS[fault])
    result = _run(emulator, config, key, at)
    assert fired.is_set(), f"no {kind} request in the run: the fault was never injected"
    assert len(_answered_badly(emulator, kind)) >= 2  # every fault here hits two requests or more
    assert not result.failed
    assert workbook_values(emulator, key) == reference[0]


@pytest.mark.slow
def test_timeouts_are_retried(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)
    emulator.reset_requests()
    fired = _arm(emulator, "values.batchGet", lambda e: e.stall_next(1, seconds=3.5))
    result = _run(emulator, config, key, at, {**FAST, "timeout": 3.0})
    assert fired.is_set()
    assert not result.failed
    assert workbook_values(emulator, key) == reference[0]


@pytest.mark.slow
def test_a_timed_out_write_that_landed_is_not_applied_twice(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)
    emulator.reset_requests()
    fired = _arm(emulator, "batchUpdate", lambda e: e.stall_next(1, seconds=3.5))
    result = _run(emulator, config, key, at, {**FAST, "timeout": 3.0})
    assert fired.is_set()
    assert not result.failed
    assert workbook_values(emulator, key) == reference[0]
    charts = [c for s in emulator.spreadsheet(key).sheets for c in s.charts]
    assert len({c["chartId"] for c in charts}) == len(charts)


@pytest.mark.slow
def test_failure_past_the_budget_writes_nothing_then_a_rerun_converges(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)
    before = workbook_values(emulator, key, skip=())
    emulator.reset_requests()
    fired = _arm(emulator, "batchUpdate", lambda e: e.fail_next(FAST["attempts"], 503))
    with pytest.raises(TransientError, match="did not answer"):
        _run(emulator, config, key, at)
    assert fired.is_set() and len(_answered_badly(emulator, "batchUpdate")) == FAST["attempts"]
    assert workbook_values(emulator, key, skip=()) == before  # nothing half-written
    _run(emulator, config, key, at)
    assert workbook_values(emulator, key) == reference[0]


@pytest.mark.slow
def test_failed_value_write_says_so_and_a_rerun_converges(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)
    # The first values write of a run is its lease row in _Meta; fail the run's own value write after it.
    fired = _arm(
        emulator, "values.batchUpdate", lambda e: e.fail_next(FAST["attempts"], 429, retry_after=0.001), skip=1
    )
    with pytest.raises(TransientError, match="run again"):
        _run(emulator, config, key, at)
    assert fired.is_set()
    _run(emulator, config, key, at)
    assert workbook_values(emulator, key) == reference[0]


def test_retry_after_longer_than_the_budget_gives_up_at_once(emulator, config, demo_rows, at):
    key = demo_spreadsheet(emulator, config, demo_rows)
    emulator.reset_requests()
    fired = _arm(emulator, "get", lambda e: e.fail_next(1, 429, retry_after=3600))
    with pytest.raises(TransientError):
        _run(emulator, config, key, at)
    assert fired.is_set() and [(r.kind, r.status) for r in emulator.requests] == [("get", 429)]


# -- people editing between the read and the guard --------------------------------------------


def _between_read_and_guard(emulator: SheetsEmulator, edit) -> threading.Event:
    """Make `edit()` once, right after the run's first values read; the returned event says it happened."""
    done = threading.Event()

    def hook(event):
        if event.phase == "after" and event.kind == "values.batchGet" and not done.is_set():
            done.set()
            edit()

    emulator.add_hook(hook)
    return done


@pytest.mark.slow
def test_a_cell_a_job_is_about_to_write_is_left_as_the_person_typed_it(emulator, config, demo_rows, at):
    key = demo_spreadsheet(emulator, config, demo_rows)
    planned = sheetsync.run(
        dataclasses.replace(config, target=f"gsheets:{key}"), now=at, dry_run=True, backend=google(emulator, key)
    ).planned
    target = next(c for c in planned if c.tab != "_Meta")
    headers = emulator.values(key, target.tab)[0]
    col = headers.index(target.column) + 1
    from sheetsync.model.a1 import a1

    cell = f"'{target.tab}'!{a1(target.sheet_row, col)}"
    edited = _between_read_and_guard(emulator, lambda: emulator.set_values(key, cell, [["typed by a person"]]))
    result = _run(emulator, config, key, at)
    assert edited.is_set()
    assert emulator.values(key, target.tab)[target.sheet_row - 1][col - 1] == "typed by a person"
    assert any(p.key == target.key and p.column == target.column for p in result.conflicts)


@pytest.mark.slow
def test_rows_inserted_above_mid_run_lose_nothing(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)
    headers = emulator.values(key, "SKUs")[0]
    new_row = [None] * len(headers)
    new_row[headers.index("SKU")] = "RG-NEW-001"
    new_row[headers.index("Product Name")] = "Typed mid-run"
    edited = _between_read_and_guard(emulator, lambda: emulator.insert_rows(key, "SKUs", 2, [new_row]))
    _run(emulator, config, key, at)
    assert edited.is_set()
    after = job_columns(config, google(emulator, key))
    rows = emulator.values(key, "SKUs")
    assert rows[1][headers.index("Product Name")] == "Typed mid-run"
    people_after = person_columns(config, google(emulator, key))
    assert all(people_after.get(k) == v for k, v in reference[2].items())
    # Every write landed on the row holding its key (the new row itself is only seen by the next run).
    written = {k: v for k, v in reference[1].items() if k[0] == "SKUs" and k[2] != "Issues"}
    assert any(v is not None for v in written.values())  # the reference run wrote SKUs cells besides Issues
    for (tab, row_key, column), value in written.items():
        assert after.get((tab, row_key, column)) == value, (row_key, column)


@pytest.mark.slow
def test_a_sort_mid_run_loses_nothing(emulator, config, demo_rows, at, reference):
    key = demo_spreadsheet(emulator, config, demo_rows)

    def reverse_rows():  # what Data > Sort range does: cells, notes and formats move with their rows
        book = emulator.spreadsheet(key)
        with emulator.state.lock:
            sheet = book.sheet_by_title("SKUs")
            last = max(r for r, _ in sheet.cells)
            sheet.cells = {
                ((last + 1 - r) if r >= 1 else r, c): cell for (r, c), cell in sheet.cells.items() if r <= last
            }

    sorted_ = _between_read_and_guard(emulator, reverse_rows)
    result = _run(emulator, config, key, at)
    assert sorted_.is_set()
    # the sort swaps the two rows sharing a SKU: a draft written from the first of them waits, reported
    held = {p.key for p in result.conflicts if p.tab == "Outbox"}
    wanted = {k: v for k, v in _unique(reference[2]).items() if not (k[0] == "Outbox" and k[1] in held)}
    assert None not in held
    assert _unique(person_columns(config, google(emulator, key))) == wanted
    after = job_columns(config, google(emulator, key))
    written = {k: v for k, v in _unique(reference[1]).items() if k[0] == "SKUs"}
    assert any(v is not None for v in written.values())
    for (tab, row_key, column), value in written.items():
        assert after.get((tab, row_key, column)) == value, (row_key, column)


def _unique(cells: dict) -> dict:
    """Leave out rows whose key is repeated: their '#N' mark follows sheet order, which a sort changes."""
    doubled = {(tab, key.split("#")[0]) for tab, key, _ in cells if "#" in key}
    return {k: v for k, v in cells.items() if (k[0], k[1].split("#")[0]) not in doubled}
