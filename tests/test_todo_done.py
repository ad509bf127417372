"""To Do people work from: a Done column that survives rewrites, lines for data errors, no chase of bad data."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from conftest import memory_workbook, records

from sheetsync.model.layout import Kept, TabContent, carry_kept, kept_values
from sheetsync.todo import ticks

JOBS = ["overdue", "todo"]


def lines(backend) -> list[dict]:
    return records(backend, "To Do")


def tick(backend, action_id: str, mark: str = "x") -> None:
    """A person types `mark` in the Done cell of the line with `action_id`."""
    values = backend.tabs["To Do"].values
    ids = values[0].index("Action ID")
    done = values[0].index("Done")
    row = next(r for r in values[1:] if len(r) > ids and r[ids] == action_id)
    row[done] = mark


def line_of(backend, action_id: str) -> dict | None:
    return next((line for line in lines(backend) if line["Action ID"] == action_id), None)


def test_every_line_has_a_stable_id_and_the_demo_tick_stays(config, demo_rows, run_jobs):
    """The demo comes with yesterday's To Do, one line ticked: the first run keeps that tick, on that line only."""
    assert [r["Done"] for r in demo_rows["To Do"]] == ["x"]
    ticked = demo_rows["To Do"][0]["Action ID"]
    backend = memory_workbook(config, demo_rows)
    run_jobs(backend, JOBS)
    todo = lines(backend)
    assert list(todo[0])[:2] == ["Done", "Who"] and "Action ID" in todo[0]
    ids = [line["Action ID"] for line in todo]
    assert len(ids) == len(set(ids)) and all(ids) and len(ids) > 50
    assert {line["Action ID"] for line in todo if line["Done"]} == {ticked}
    assert line_of(backend, ticked)["Due"] != demo_rows["To Do"][0]["Due"]  # the line itself was rewritten
    assert "send_reminder_1:Gifts:GFT-0013" in ids


def test_a_ticked_line_stays_ticked_on_the_next_runs(config, demo_rows, run_jobs, now):
    backend = memory_workbook(config, demo_rows)
    run_jobs(backend, JOBS)
    tick(backend, "send_reminder_1:Gifts:GFT-0013")
    tick(backend, "decide_return:Returns:RMA-2026-0001", "Done")
    again = run_jobs(backend, JOBS)
    assert again.planned_contents == []  # the ticks are carried: nothing else changed, nothing is rewritten
    later = run_jobs(backend, JOBS, at=now + timedelta(days=1))  # "When" moves on: the tab is rewritten
    assert "To Do" in later.tabs_rewritten
    assert line_of(backend, "send_reminder_1:Gifts:GFT-0013")["Done"] == "x"
    assert line_of(backend, "decide_return:Returns:RMA-2026-0001")["Done"] == "Done"
    assert sum(1 for line in lines(backend) if line["Done"]) == 3  # with the demo's own tick


def test_a_tick_typed_while_the_run_works_is_kept(config, demo_rows, run_jobs, now):
    backend = memory_workbook(config, demo_rows)
    run_jobs(backend, JOBS)

    def person(kind):
        if kind == "guard":  # after the run read the workbook, before it writes
            backend.hooks.remove(person)
            tick(backend, "send_reminder_1:Gifts:GFT-0010", "yes")

    backend.hooks.append(person)
    result = run_jobs(backend, JOBS, at=now + timedelta(days=1))
    assert "To Do" in result.tabs_rewritten
    assert line_of(backend, "send_reminder_1:Gifts:GFT-0010")["Done"] == "yes"


def test_a_ticked_line_leaves_when_its_action_is_resolved(config, demo_rows, run_jobs, now):
    backend = memory_workbook(config, demo_rows)
    run_jobs(backend, JOBS)
    tick(backend, "send_reminder_1:Gifts:GFT-0013")
    gifts = backend.tabs["Gifts"].values
    col = gifts[0].index("Last Follow-up")
    row = next(r for r in gifts[1:] if r[0] == "GFT-0013")
    row[col] = now.date()  # the VA sent the reminder and logged it
    run_jobs(backend, JOBS)
    assert line_of(backend, "send_reminder_1:Gifts:GFT-0013") is None
    # the next step of the chase is a new line, not ticked
    follow = [line for line in lines(backend) if line["Key"] == "GFT-0013"]
    assert all(line["Done"] is None for line in follow)


def test_carry_finds_lines_by_key_in_any_order_and_case():
    read = [["action id", " DONE "], ["b", "x"], ["a", None], ["c", "y"], ["b", "dup"]]
    kept = Kept("Action ID", ("Done",))
    assert kept_values(read, kept) == {"b": {"Done": "x"}, "a": {}, "c": {"Done": "y"}}
    content = TabContent("To Do", [["Done", "Action ID"], ["stale", "a"], [None, "b"], [None, "new"]], kept=kept)
    assert carry_kept(content, read).rows == [["Done", "Action ID"], [None, "a"], ["x", "b"], [None, "new"]]
    assert ticks(read, ("Done", "Action ID")) == {"b": "x", "c": "y"}


def test_every_blocking_data_error_is_a_line_for_who_fixes_it(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    result = run_jobs(backend, ["validate", *JOBS])
    errors = {
        (p.tab, p.row, p.column, str(p.code))
        for p in result.report
        if p.severity == "error" and p.key is not None and p.row is not None and p.tab in config.schemas
    }
    fixes = [line for line in lines(backend) if line["Action ID"].startswith("fix_data:")]
    found = {
        (line["Where"].split(" row ")[0], int(line["Where"].split(" row ")[1]), *line["Action ID"].split(":")[3:5])
        for line in fixes
    }
    # a cell a job's own line already asks to fill gets no second line (RMA-2026-0020: "Fill Resolved On")
    covered = {(a.tab, a.sheet_row, a.column) for a in result.actions if a.kind == "close_return"}
    assert ("Returns", 21, "Resolved On") in covered
    assert len(errors) >= 15 and found == {e for e in errors if e[:3] not in covered}
    assert {line["Who"] for line in fixes} == {"VA"}
    handle = next(line for line in fixes if line["Action ID"] == "fix_data:Gifts:GFT-0004:Handle:unknown_influencer")
    assert handle["To Do"].startswith("Fix Handle on Gifts row 5 (GFT-0004)")


def test_who_fixes_a_tab_is_configurable(config, demo_rows, run_jobs):
    cfg = dataclasses.replace(config, policies={**config.policies, "todo": {"fixers": {"SKUs": "Production"}}})
    backend = memory_workbook(cfg, demo_rows)
    run_jobs(backend, ["validate", *JOBS], cfg=cfg)
    fixes = [line for line in lines(backend) if line["Action ID"].startswith("fix_data:")]
    by_tab = {(line["Action ID"].split(":")[1], line["Who"]) for line in fixes}
    assert ("SKUs", "Production") in by_tab and ("SKUs", "VA") not in by_tab and ("Returns", "VA") in by_tab


def test_no_chase_to_a_handle_that_does_not_exist(config, run_jobs):
    today = date(2026, 11, 26)
    rows = {
        "Influencers": [{"Handle": "@known", "Status": "Active", "Address Confirmed On": date(2026, 9, 1)}],
        "SKUs": [{"SKU": "RG-AAA-100", "Product Name": "Ring", "Stock": 3}],
        "Gifts": [
            {
                "Gift ID": "GFT-0001",
                "Handle": "@ghost",
                "SKU": "RG-AAA-100",
                "Shipped On": today - timedelta(days=30),
                "Tracking Number": "1Z",
                "Delivered On": today - timedelta(days=25),
            },
            {
                "Gift ID": "GFT-0002",
                "Handle": "@known",
                "SKU": "RG-AAA-100",
                "Shipped On": today - timedelta(days=30),
                "Tracking Number": "1Z",
                "Delivered On": today - timedelta(days=25),
            },
        ],
    }
    backend = memory_workbook(config, rows)
    result = run_jobs(backend, ["validate", *JOBS])
    kinds = {(a.key, a.kind) for a in result.actions}
    assert ("GFT-0002", "send_reminder_1") in kinds
    assert not [k for k in kinds if k[0] == "GFT-0001"]  # no chase, no shipping step
    ids = {line["Action ID"] for line in lines(backend)}
    assert "fix_data:Gifts:GFT-0001:Handle:unknown_influencer" in ids


def test_ticks_at_a_dst_change_in_london(config, demo_rows, run_jobs):
    """Europe/London leaves summer time on 25 October 2026: a tick made the evening before stays the morning after."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    cfg = dataclasses.replace(config, timezone=london)
    backend = memory_workbook(cfg, demo_rows)
    run_jobs(backend, JOBS, at=datetime(2026, 10, 24, 23, 30, tzinfo=london), cfg=cfg)
    first = lines(backend)[0]["Action ID"]
    tick(backend, first)
    run_jobs(backend, JOBS, at=datetime(2026, 10, 25, 1, 30, tzinfo=london), cfg=cfg)  # the hour that comes twice
    assert line_of(backend, first)["Done"] == "x"


@pytest.mark.slow
def test_a_tick_in_an_xlsx_workbook_stays_on_the_next_run(config, demo_rows, run_jobs, now, tmp_path):
    import openpyxl

    from sheetsync.backends.xlsx import XlsxBackend
    from sheetsync.init import init

    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), demo_rows)
    run_jobs(XlsxBackend(path), None, cfg=cfg)
    book = openpyxl.load_workbook(path)
    sheet = book["To Do"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("Action ID")].value.startswith("ship_gift:"))
    row[headers.index("Done")].value = "x"
    ticked = row[headers.index("Action ID")].value
    book.save(path)
    run_jobs(XlsxBackend(path), None, cfg=cfg, at=now + timedelta(days=1))
    sheet = openpyxl.load_workbook(path)["To Do"]
    done = {r[headers.index("Action ID")].value: r[headers.index("Done")].value for r in sheet.iter_rows(min_row=2)}
    assert done[ticked] == "x" and sum(1 for v in done.values() if v) == 2  # with the demo's own tick
    log = openpyxl.load_workbook(path)["Copy Log"]
    assert log.max_row > 200 and [c.value for c in log[1]][:4] == ["Entry", "SKU", "From", "To"]


def test_a_fixer_for_a_tab_that_does_not_exist_is_a_config_error(config, demo_rows, run_jobs):
    cfg = dataclasses.replace(config, policies={**config.policies, "todo": {"fixers": {"Skus": "Production"}}})
    result = run_jobs(memory_workbook(cfg, demo_rows), ["validate", *JOBS], cfg=cfg)
    failed = [o for o in result.outcomes.values() if o.status == "failed"]
    assert failed and all(o.config_error and "no tab 'Skus'" in o.error for o in failed)
    assert "To Do" not in result.tabs_rewritten  # a job that adds lines failed: yesterday's list stays
