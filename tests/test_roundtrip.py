"""Typed values written by a job read back equal through every local backend, so reruns are no-ops."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from conftest import memory_workbook, with_jobs

import sheetsync
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.init import init

WRITER = '''
from datetime import date
from decimal import Decimal
from sheetsync import job

@job("writer")
def writer(ctx):
    """Write one value of each type into job-owned and fill-when-blank columns."""
    cs = ctx.changes()
    gifts = ctx.tab("Gifts")
    for row in gifts:
        cs.set(gifts, row, "Days Overdue", 9)
        cs.set(gifts, row, "Engagement Rate", Decimal("0.0425"))
        cs.set(gifts, row, "Post Status", "Overdue")
        cs.set(gifts, row, "Gift Value", Decimal("1250.50"))
        cs.set(gifts, row, "Post Due", date(2028, 2, 29))
        if not row.has_key:
            cs.set(gifts, row, "Gift ID", ctx.issue_id("Gifts"))
    return cs
'''
GIFT = {"Handle": "@lena.gems", "SKU": "RG-001", "Campaign": '=IMPORTXML("x")', "Shipped On": "3/4/2026"}
EXPECTED = {
    "Days Overdue": 9,
    "Engagement Rate": Decimal("0.0425"),
    "Post Status": "Overdue",
    "Gift Value": Decimal("1250.50"),
    "Post Due": date(2028, 2, 29),
    "Gift ID": "GFT-0001",
    "Campaign": '=IMPORTXML("x")',
    "Shipped On": date(2026, 3, 4),
}


@pytest.fixture
def writer_config(config, tmp_path):
    return with_jobs(config, tmp_path / "jobs", writer=WRITER)


def xlsx_backend(cfg, tmp_path):
    path = tmp_path / "book.xlsx"
    init(dataclasses.replace(cfg, target=str(path)), XlsxBackend(path), {"Gifts": [GIFT]})
    return lambda: XlsxBackend(path)


def memory_backend(cfg, tmp_path):
    backend = memory_workbook(cfg, {"Gifts": [GIFT]})
    return lambda: backend


@pytest.mark.parametrize("make", [memory_backend, xlsx_backend], ids=["memory", "xlsx"])
def test_typed_values_round_trip_and_rerun_is_a_no_op(writer_config, tmp_path, now, make):
    backend = make(writer_config, tmp_path)
    first = sheetsync.run(writer_config, ["writer"], now=now, backend=backend())
    assert first.cells_written >= 6
    tab = sheetsync.Workbook(writer_config, backend()).tab("Gifts")
    row = tab.rows[0]
    assert {h: row[h] for h in EXPECTED} == EXPECTED
    again = sheetsync.run(writer_config, ["writer"], now=now, backend=backend())
    assert again.cells_written == 0 and again.planned == []
