"""The copy pipeline: Copy Log records each observed status change (append only), Copywriters sums up each queue."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import at_guard, memory_workbook, records

import sheetsync

JOBS = ["copy_pipeline"]
LONDON = ZoneInfo("Europe/London")


def sku(code: str, status: str | None, writer: str | None = "Priya Shah", due: date | None = None, **extra) -> dict:
    return {
        "SKU": code,
        "Product Name": f"Piece {code}",
        "Category": "Ring",
        "Description Status": status,
        "Copywriter": writer,
        "Copy Due": due,
        **extra,
    }


def set_cell(backend, tab: str, key: str, column: str, value) -> None:
    values = backend.tabs[tab].values
    col = values[0].index(column)
    row = next(r for r in values[1:] if r and r[0] == key)
    while len(row) <= col:
        row.append(None)
    row[col] = value


def at(config, day: date, hour: int = 9, tz=None) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz or config.timezone).replace(hour=hour)


def writers(backend) -> dict[str, dict]:
    return {r["Copywriter"]: r for r in records(backend, "Copywriters")}


def test_first_run_logs_every_sku_once_and_a_rerun_nothing(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": [sku("RG-AAA-100", "Brief"), sku("RG-BBB-100", "Drafting")]})
    first = run_jobs(backend, JOBS, at=at(config, date(2026, 1, 5)))
    log = records(backend, "Copy Log")
    assert [(r["Entry"], r["SKU"], r["From"], r["To"]) for r in log] == [
        ("CL-00001", "RG-AAA-100", None, "Brief"),
        ("CL-00002", "RG-BBB-100", None, "Drafting"),
    ]
    assert log[0]["First Seen"] == datetime(2026, 1, 5, 9, 0)
    assert first.cells_written
    again = run_jobs(backend, JOBS, at=at(config, date(2026, 1, 6)))
    assert again.planned_appends == [] and len(records(backend, "Copy Log")) == 2


def test_each_change_is_appended_with_the_approver(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": [sku("RG-AAA-100", "Drafting")]})
    run_jobs(backend, JOBS, at=at(config, date(2026, 1, 30)))
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "In Review")
    run_jobs(backend, JOBS, at=at(config, date(2026, 1, 31)))
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "Approved")
    set_cell(backend, "SKUs", "RG-AAA-100", "Approved By", "Claire")
    run_jobs(backend, JOBS, at=at(config, date(2026, 2, 1)))
    log = records(backend, "Copy Log")
    assert [(r["From"], r["To"], r["Approver"]) for r in log] == [
        (None, "Drafting", None),
        ("Drafting", "In Review", None),
        ("In Review", "Approved", "Claire"),
    ]
    assert [r["First Seen"].date() for r in log] == [date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1)]


def test_the_log_is_never_rewritten_and_survives_a_sort(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": [sku("RG-AAA-100", "Drafting"), sku("RG-BBB-100", "Brief")]})
    run_jobs(backend, JOBS, at=at(config, date(2026, 3, 1)))
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "In Review")
    run_jobs(backend, JOBS, at=at(config, date(2026, 3, 2)))
    before = records(backend, "Copy Log")
    values = backend.tabs["Copy Log"].values
    values[1:] = sorted(values[1:], key=lambda r: str(r[0]), reverse=True)  # a person sorts the log newest first
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "Approved")
    result = run_jobs(backend, JOBS, at=at(config, date(2026, 3, 3)))
    after = records(backend, "Copy Log")
    assert result.conflicts == []
    assert sorted(before, key=lambda r: r["Entry"]) == sorted(after[:-1], key=lambda r: r["Entry"])
    assert (after[-1]["Entry"], after[-1]["From"], after[-1]["To"]) == ("CL-00004", "In Review", "Approved")


def test_review_rounds_and_on_time_deliveries(config, run_jobs):
    due = date(2026, 3, 31)
    backend = memory_workbook(
        config,
        {"SKUs": [sku("RG-AAA-100", "Drafting", due=due), sku("RG-BBB-100", "Drafting", "Tom Ellery", due=due)]},
    )
    steps = [
        (date(2026, 3, 30), "In Review", "In Review"),  # both delivered before the due date
        (date(2026, 4, 2), "Changes Requested", "Approved"),
        (date(2026, 4, 3), "In Review", "Approved"),  # second delivery, after the due date
        (date(2026, 4, 6), "Approved", "Approved"),
    ]
    run_jobs(backend, JOBS, at=at(config, date(2026, 3, 27)))
    for day, a, b in steps:
        set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", a)
        set_cell(backend, "SKUs", "RG-BBB-100", "Description Status", b)
        run_jobs(backend, JOBS, at=at(config, day))
    w = writers(backend)
    assert w["Priya Shah"]["Avg Review Rounds"] == 2 and w["Tom Ellery"]["Avg Review Rounds"] == 1
    assert (w["Priya Shah"]["Delivered (90 days)"], w["Priya Shah"]["On Time (90 days)"]) == (2, 1)
    assert w["Priya Shah"]["On-time Rate"] == pytest.approx(0.5)
    assert (w["Tom Ellery"]["Delivered (90 days)"], w["Tom Ellery"]["On Time (90 days)"]) == (1, 1)
    run_jobs(backend, JOBS, at=at(config, date(2026, 3, 30) + timedelta(days=90)))  # the window moves on
    assert writers(backend)["Tom Ellery"]["Delivered (90 days)"] == 0


@pytest.mark.parametrize(
    ("moment", "on_time"),
    [
        (datetime(2026, 3, 31, 23, 30, tzinfo=LONDON), True),  # BST since the 29th: still the 31st in London
        (datetime(2026, 4, 1, 0, 30, tzinfo=LONDON), False),  # 23:30 UTC on the 31st, but April in London
        (datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")), False),
    ],
)
def test_on_time_by_the_local_date_across_month_end_and_summer_time(config, run_jobs, moment, on_time):
    cfg = dataclasses.replace(config, timezone=LONDON)
    backend = memory_workbook(cfg, {"SKUs": [sku("RG-AAA-100", "Drafting", due=date(2026, 3, 31))]})
    run_jobs(backend, JOBS, at=datetime(2026, 3, 28, 12, tzinfo=LONDON), cfg=cfg)  # before the clocks change
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "In Review")
    run_jobs(backend, JOBS, at=moment, cfg=cfg)
    log = records(backend, "Copy Log")
    assert log[-1]["First Seen"] == moment.astimezone(LONDON).replace(tzinfo=None)
    assert writers(backend)["Priya Shah"]["On Time (90 days)"] == (1 if on_time else 0)


def test_open_briefs_due_this_week_and_overdue(config, run_jobs):
    today = date(2026, 10, 29)  # a Thursday: the week ends on Sunday 1 November
    rows = [
        sku("RG-A-100", "Brief", due=date(2026, 10, 28)),  # overdue
        sku("RG-B-100", "Drafting", due=date(2026, 10, 31)),  # this week
        sku("RG-C-100", "Changes Requested", due=date(2026, 11, 1)),  # this week, across the month end
        sku("RG-D-100", "Needs Update", due=date(2026, 11, 2)),  # next week
        sku("RG-E-100", "In Review", due=date(2026, 10, 1)),  # with the founder: not the writer's queue
        sku("RG-F-100", "Brief", None, due=date(2026, 10, 30)),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    run_jobs(backend, JOBS, at=at(config, today))
    w = writers(backend)
    p = w["Priya Shah"]
    assert (p["Open Briefs"], p["Due This Week"], p["Overdue"], p["Next Due"]) == (4, 2, 1, date(2026, 10, 31))
    assert w["(no copywriter)"]["Open Briefs"] == 1
    assert list(w) == ["Priya Shah", "(no copywriter)"]


def test_the_demo_has_a_history_and_logs_what_changed(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    before = len(records(backend, "Copy Log"))
    assert before > 100
    run_jobs(backend)
    log = records(backend, "Copy Log")
    new = {r["SKU"]: r for r in log[before:]}
    assert new["PD-EMB-126"]["To"] == "Approved" and new["PD-EMB-126"]["Approver"]
    assert (new["NK-LUN-141"]["From"], new["NK-LUN-141"]["To"]) == ("In Review", "Changes Requested")
    w = writers(backend)
    assert set(w) == {"Ava Brooks", "Priya Shah", "Tom Ellery"}
    assert all(r["Delivered (90 days)"] and r["Avg Review Rounds"] > 1 for r in w.values())


def test_a_workbook_without_the_log_gets_it_on_the_first_change(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": [sku("RG-AAA-100", "Brief")]})
    del backend.tabs["Copy Log"]
    result = run_jobs(backend, ["validate", *JOBS], at=at(config, date(2026, 1, 5)))
    assert not [p for p in result.report if p.tab == "Copy Log"]  # not a missing tab: the job adds it
    assert [(r["SKU"], r["To"]) for r in records(backend, "Copy Log")] == [("RG-AAA-100", "Brief")]
    assert run_jobs(backend, JOBS, at=at(config, date(2026, 1, 6))).planned_appends == []


def test_a_status_changed_during_the_run_is_logged_as_it_is_after(config, run_jobs):
    """The run read In Review; a person approves meanwhile: no In Review row, and the next run logs Approved."""
    backend = memory_workbook(config, {"SKUs": [sku("RG-AAA-100", "Drafting")]})
    run_jobs(backend, JOBS, at=at(config, date(2026, 1, 30)))
    set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "In Review")

    approve = at_guard(lambda: set_cell(backend, "SKUs", "RG-AAA-100", "Description Status", "Approved"))
    result = sheetsync.run(config, JOBS, now=at(config, date(2026, 1, 31)), backend=backend, on_phase=approve)
    assert [(r["From"], r["To"]) for r in records(backend, "Copy Log")] == [(None, "Drafting")]
    assert [(p.tab, p.code, p.column) for p in result.conflicts] == [("Copy Log", "write_conflict", "Entry")]
    run_jobs(backend, JOBS, at=at(config, date(2026, 2, 1)))
    assert [(r["From"], r["To"]) for r in records(backend, "Copy Log")] == [
        (None, "Drafting"),
        ("Drafting", "Approved"),
    ]
