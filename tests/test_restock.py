"""The restock job: a relisted As New return adds one to its SKU's Stock exactly once, under reruns, a person's
edit during the run, and undo."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import memory_workbook, records

import sheetsync
from sheetsync.model.system import LOG, LogKind

SKUS = [
    {"SKU": "PD-AUR-101", "Product Name": "Aurora Pendant", "Category": "Pendant", "Price": 1250, "Stock": 3},
    {"SKU": "RG-HEI-200", "Product Name": "Heirloom Ring", "Category": "Ring", "Price": 900, "Stock": 0},
]


def ret(n: int = 1, **values):
    row = {
        "RMA": f"RMA-2026-{n:04d}",
        "Order Number": f"10{n:02d}",
        "SKU": "PD-AUR-101",
        "Requested On": "2026-11-05",
        "Request Type": "Refund",
        "Status": "Resolved",
        "Received On": "2026-11-10",
        "Condition": "As New",
        "Resolution": "Refund",
        "Resolved On": "2026-11-12",
        "Relisted": "Yes",
    }
    row.update(values)
    return row


def stock(backend, sku="PD-AUR-101"):
    return next(r["Stock"] for r in records(backend, "SKUs") if r["SKU"] == sku)


def restocked(backend):
    return {r["RMA"]: r["Restocked On"] for r in records(backend, "Returns")}


def test_relisted_as_new_goes_back_into_stock_once(config, run_jobs, now):
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret()]})
    run_jobs(backend, ["restock"])
    assert stock(backend) == 4
    assert str(restocked(backend)["RMA-2026-0001"])[:10] == "2026-11-26"
    for _ in range(2):
        assert run_jobs(backend, ["restock"]).cells_written == 0
    assert stock(backend) == 4
    linked = [r for r in records(backend, LOG) if r["Kind"] == LogKind.LINKED]
    assert len(linked) == 1 and linked[0]["Key"] == "restock:PD-AUR-101"


def test_two_returns_of_one_sku_add_two(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret(1), ret(2)]})
    run_jobs(backend, ["restock"])
    assert stock(backend) == 5
    assert all(restocked(backend).values())


@pytest.mark.parametrize(
    "values",
    [
        {"Relisted": "No"},
        {"Condition": "Worn"},
        {"Condition": "Missing Certificate"},
        {"Restocked On": "2026-11-20"},
        {"Status": "At Workshop", "Request Type": "Resize", "Resolution": None, "Resolved On": None},
        {"Status": "Inspecting", "Request Type": "Repair", "Resolution": None, "Resolved On": None},
        {"Status": "Inspecting", "Workshop Due": "2026-12-01", "Resolution": None, "Resolved On": None},
    ],
)
def test_not_restocked(config, run_jobs, values):
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret(**values)]})
    run_jobs(backend, ["restock"])
    assert stock(backend) == 3


def test_workshop_pieces_wait_until_resolved(config, run_jobs):
    backend = memory_workbook(
        config, {"SKUs": SKUS, "Returns": [ret(**{"Request Type": "Resize", "Status": "At Workshop"})]}
    )
    result = run_jobs(backend, ["restock"])
    assert stock(backend) == 3
    assert "restock_after_workshop" in {str(p.code) for p in result.report}
    backend.tabs["Returns"].values[1][backend.values("Returns")[0].index("Status")] = "Resolved"
    run_jobs(backend, ["restock"])
    assert stock(backend) == 4


def test_switched_off(config, run_jobs):
    from test_overdue import with_policy

    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret()]})
    run_jobs(backend, ["restock"], cfg=with_policy(config, "restock", enabled=False))
    assert stock(backend) == 3


def test_unreadable_stock_is_said_and_nothing_lands(config, run_jobs):
    skus = [dict(SKUS[0], Stock="three")]
    backend = memory_workbook(config, {"SKUs": skus, "Returns": [ret()]})
    result = run_jobs(backend, ["restock"])
    assert "stock_unreadable" in {str(p.code) for p in result.report}
    assert restocked(backend)["RMA-2026-0001"] is None


def test_a_job_may_only_add_to_stock(config):
    column = config.schema("SKUs").column("Stock")
    assert column.job_may_write(3, 4) and column.job_may_write(3, 5)
    assert not column.job_may_write(3, 2) and not column.job_may_write(None, 1) and not column.job_may_write(3, 3)


@pytest.mark.parametrize("edited", ["SKUs", "Returns"])
def test_a_persons_edit_during_the_run_holds_both_writes(config, run_jobs, edited):
    """Stock changed (a sale) or the return edited between the read and the write: neither lands, so the
    next run restocks once from the values as they are then."""
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret()]})

    def person(kind):
        if kind != "guard":
            return
        backend.hooks.remove(person)
        values = backend.tabs[edited].values
        column = values[0].index("Stock" if edited == "SKUs" else "Inspection Notes")
        values[1][column] = 2 if edited == "SKUs" else "checked twice"

    backend.hooks.append(person)
    result = run_jobs(backend, ["restock"])
    assert {c.column for c in result.conflicts} - {"Issues"} == {"Stock", "Restocked On"}
    assert restocked(backend)["RMA-2026-0001"] is None
    assert stock(backend) == (2 if edited == "SKUs" else 3)
    run_jobs(backend, ["restock"])
    assert stock(backend) == (3 if edited == "SKUs" else 4)
    assert restocked(backend)["RMA-2026-0001"] is not None


def test_undo_takes_the_piece_back_out_and_a_rerun_adds_it_once(config, run_jobs, now):
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret()]})
    first = run_jobs(backend, ["restock"])
    done = sheetsync.undo(config, first.run_id, backend=backend, now=now)
    assert {c.column for c in done.restored} - {"Issues"} == {"Stock", "Restocked On"}
    assert stock(backend) == 3 and restocked(backend)["RMA-2026-0001"] is None
    run_jobs(backend, ["restock"])
    run_jobs(backend, ["restock"])
    assert stock(backend) == 4


def test_undo_after_stock_changed_leaves_both(config, run_jobs, now):
    """A piece sold since the restock: Stock is a person's again, so Restocked On stays too (no second restock)."""
    backend = memory_workbook(config, {"SKUs": SKUS, "Returns": [ret()]})
    first = run_jobs(backend, ["restock"])
    values = backend.tabs["SKUs"].values
    values[1][values[0].index("Stock")] = 3  # one sold
    done = sheetsync.undo(config, first.run_id, backend=backend, now=datetime(2026, 11, 27, 9, tzinfo=now.tzinfo))
    assert {c.column for c in done.restored} - {"Issues"} == set()
    assert {e["Column"] for e, _ in done.left} >= {"Stock", "Restocked On"}
    run_jobs(backend, ["restock"])
    assert stock(backend) == 3 and restocked(backend)["RMA-2026-0001"] is not None


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        # Europe/London: 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April (the clocks went forward on the 29th)
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "2026-04-01"),
        (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "2026-03-31"),
        # 25 October 2026, after the clocks went back: 23:30 UTC is 23:30 GMT, still the 25th
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "2026-10-25"),
    ],
)
def test_restocked_on_is_the_local_day(config, run_jobs, utc, day):
    cfg = dataclasses.replace(config, timezone=ZoneInfo("Europe/London"))
    backend = memory_workbook(cfg, {"SKUs": SKUS, "Returns": [ret(**{"Resolved On": "2026-03-20"})]})
    run_jobs(backend, ["restock"], at=utc, cfg=cfg)
    assert str(restocked(backend)["RMA-2026-0001"])[:10] == day
    assert stock(backend) == 4
