"""The Google lease: a row in _Meta that makes cron runs, schedule loops and other machines take turns."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from gsheets_helpers import demo_spreadsheet, google

import sheetsync
from sheetsync.errors import LockHeld
from sheetsync.testing import SheetsEmulator

SKUS = [
    {
        "SKU": "RG-001",
        "Product Name": "Aurora",
        "Category": "Ring",
        "Metal": "Platinum",
        "Purity": "950",
        "Price": "lots",
    }
]
WRITES = {"values.batchUpdate", "batchUpdate"}


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def key(emulator, config):
    key = demo_spreadsheet(emulator, config, {"SKUs": SKUS})
    run(emulator, config, key)  # creates _Meta and settles
    emulator.set_values(key, "'SKUs'!F2", [["still lots"]])  # something new to write next time
    return key


def run(emulator, config, key, owner_note=None):
    return sheetsync.run(
        dataclasses.replace(config, target=f"gsheets:{key}"),
        ["validate"],
        now=datetime(2026, 11, 26, 9, tzinfo=config.timezone),
        backend=google(emulator, key),
    )


def lease_value(emulator, key):
    rows = [r for r in emulator.values(key, "_Meta") if r and r[0] == "lease"]
    return rows[0][1] if rows and len(rows[0]) > 1 else ""


def hold(emulator, key, owner, minutes):
    until = (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="seconds")
    rows = emulator.values(key, "_Meta")
    at = next((i for i, r in enumerate(rows, 1) if r and r[0] == "lease"), len(rows) + 1)
    emulator.set_values(key, f"'_Meta'!A{at}:B{at}", [["lease", f"{owner} until {until}"]])


def test_a_writing_run_takes_and_releases_the_lease_within_six_requests(emulator, config, key):
    emulator.reset_requests()
    result = run(emulator, config, key)
    kinds = [r.kind for r in emulator.requests]
    assert result.wrote and len(kinds) <= 6, kinds
    assert kinds.count("values.batchUpdate") == 2  # the lease, then the run's cells with the release
    assert lease_value(emulator, key) == ""


def test_a_run_with_nothing_to_write_takes_no_lease(emulator, config, key):
    run(emulator, config, key)
    emulator.reset_requests()
    run(emulator, config, key)
    assert [r.kind for r in emulator.requests] == ["get", "values.batchGet"]


def test_a_live_lease_of_another_runner_stops_the_run_before_any_write(emulator, config, key):
    hold(emulator, key, "cron@box:41:run-1", minutes=10)
    emulator.reset_requests()
    with pytest.raises(LockHeld, match="cron@box:41:run-1"):
        run(emulator, config, key)
    assert not WRITES & {r.kind for r in emulator.requests}


def test_an_expired_lease_is_taken_over(emulator, config, key):
    hold(emulator, key, "crashed@box:7:run-0", minutes=-1)
    assert run(emulator, config, key).wrote
    assert lease_value(emulator, key) == ""


def test_a_lease_taken_by_another_runner_meanwhile_stops_the_write(emulator, config, key):
    before = emulator.values(key, "SKUs")
    taken = threading.Event()

    def rival(event):  # another machine claims the lease right after ours was written
        if event.phase == "after" and event.kind == "values.batchUpdate" and not taken.is_set():
            taken.set()
            hold(emulator, key, "loop@other:9:run-2", minutes=10)

    emulator.add_hook(rival)
    with pytest.raises(LockHeld, match="took the workbook"):
        run(emulator, config, key)
    assert emulator.values(key, "SKUs") == before
    assert lease_value(emulator, key).startswith("loop@other:9:run-2")  # the rival's lease is left alone
