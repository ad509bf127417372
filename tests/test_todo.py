"""The To Do tab on the demo: every overdue post, stuck return and late copy once, linked to its row."""

from __future__ import annotations

import dataclasses
from datetime import date

import openpyxl
import pytest
from conftest import memory_workbook, records

from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.init import init
from sheetsync.model.a1 import sheet_ref
from sheetsync.model.calendar import Calendar

JOBS = ["overdue", "todo"]
TODAY = date(2026, 11, 26)


@pytest.fixture
def demo(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    before = {tab: records(backend, tab) for tab in config.schemas}
    result = run_jobs(backend, JOBS)
    return backend, before, result


def todo_lines(backend) -> list[dict]:
    return records(backend, "To Do")


def expected_rows(config, backend, result) -> dict[str, set[int]]:
    """Sheet rows that must be on the list, worked out from the written tabs, not from the job's actions."""
    cal = Calendar.of(config)
    posts = {i for i, r in enumerate(records(backend, "Gifts"), start=2) if r["Post Status"] in ("Overdue", "Ghosted")}
    stuck = set()
    for i, r in enumerate(records(backend, "Returns"), start=2):
        status = r["Status"]
        received = r["Received On"]
        if (
            status == "Requested"
            or (status == "Expired" and not r["Resolved On"])
            or (status == "Received" and (received is None or cal.add_business_days(received, 3) < TODAY))
            or (status == "At Workshop" and (r["Workshop Due"] is None or r["Workshop Due"] < TODAY))
            or (status == "Resolved" and not (r["Resolved On"] and r["Resolution"]))
        ):
            stuck.add(i)
    late = {p.row for p in result.report if p.tab == "SKUs" and p.code == "copy_late"}
    return {"Gifts": posts, "Returns": stuck, "SKUs": late}


def test_demo_lists_every_overdue_post_stuck_return_and_late_copy_once(config, demo):
    backend, _, result = demo
    assert not result.failed
    lines = todo_lines(backend)
    wanted = expected_rows(config, backend, result)
    assert all(wanted.values()), wanted  # the demo has each situation
    for tab, rows in wanted.items():
        listed = [
            int(line["Where"].split(" row ")[1])
            for line in lines
            if line["Where"].startswith(f"{tab} row ")
            # a gift to an unknown handle gets the line to fix the handle instead of a chase
            and (not line["Action ID"].startswith("fix_data:") or line["Action ID"].endswith("unknown_influencer"))
        ]
        for row in rows:
            assert listed.count(row) == 1, (tab, row)
    kinds = {a.kind for a in result.actions}
    assert {
        "send_reminder_1",
        "send_reminder_2",
        "check_post",
        "gift_ghosted",
        "fix_disclosure",
        "decide_return",
        "inspect_return",
        "chase_workshop",
        "tell_expired",
        "close_return",
        "write_copy",
        "review_copy",
    } <= kinds


def test_every_line_links_to_its_row(config, demo):
    backend, _, _result = demo
    layout = backend.tabs["To Do"].layout
    keys = {"Gifts": "Gift ID", "Returns": "RMA", "SKUs": "SKU", "Influencers": "Handle"}
    lines = todo_lines(backend)
    assert lines and layout.frozen_rows == 1
    for index, line in enumerate(lines, start=2):
        tab, _, row = line["Where"].partition(" row ")
        link = layout.links[(index, 6)]
        if line["Action ID"].startswith("fix_data:"):  # a data error links to the cell to fix
            column = line["Action ID"].split(":")[3]
            assert link == sheet_ref(tab, int(row), config.schema(tab).headers.index(column) + 1)
            continue
        if line["Action ID"].startswith("close_return:"):  # a line to fill a cell links to that cell
            assert link == sheet_ref(tab, int(row), config.schema(tab).headers.index("Resolved On") + 1)
            continue
        assert link == sheet_ref(tab, int(row), 1)
        key_now = records(backend, tab)[int(row) - 2][keys[tab]]
        assert key_now == line["Key"]


def test_grouped_by_person_most_urgent_first(config, demo):
    backend, _, _result = demo
    lines = todo_lines(backend)
    groups = [line["Who"] for line in lines]
    assert groups[:3] == ["VA"] * 3 and all(line["Who"] for line in lines)  # every line says who: filterable
    assert len(set(groups)) == len([g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g])  # contiguous
    assert groups.index("Founder") < groups.index("Workshop") < min(groups.index(w) for w in ("Ava Brooks",))
    for who in set(groups):
        dues = [line["Due"] for line in lines if line["Who"] == who]
        assert dues == sorted(dues), who
    who = set(groups)
    assert {"VA", "Founder", "Workshop"} <= who and who & {"Priya Shah", "Tom Ellery", "Ava Brooks"}
    reminder = next(line for line in lines if line["To Do"].startswith("Send reminder 2 to @"))
    assert reminder["Who"] == "VA" and reminder["When"].endswith("days ago")


def test_rerun_with_the_same_now_writes_nothing(config, demo, run_jobs):
    backend, _, _ = demo
    again = run_jobs(backend, JOBS)
    assert again.cells_written == 0
    assert again.planned == [] and again.planned_contents == []


def test_only_the_named_transitions_touch_person_columns(config, demo):
    """Ownership is enforced by the core (OwnershipError); this diff shows which person cells changed."""
    backend, before, result = demo
    assert not result.failed  # an OwnershipError would fail the run
    allowed = {("Returns", "Status"): {("Requested", "Authorized"), ("Authorized", "Expired")}}
    fills = {("Gifts", "Gift Value"), ("Gifts", "Post Due")}
    changed = set()
    for tab, schema in config.schemas.items():
        after = records(backend, tab)
        person = [c.header for c in schema.columns if c.owner == "person"]
        for old, new in zip(before[tab], after):
            for column in person:
                if old.get(column) == new.get(column):
                    continue
                changed.add((tab, column))
                if (tab, column) in fills:
                    assert old.get(column) in (None, ""), (tab, column, old, new)
                else:
                    assert (old.get(column), new.get(column)) in allowed[(tab, column)], (tab, column, old, new)
    assert changed == {("Returns", "Status"), ("Gifts", "Gift Value"), ("Gifts", "Post Due")}


def test_issued_ids_on_the_demo(demo):
    backend, _before, _ = demo
    rmas = [r["RMA"] for r in records(backend, "Returns")]
    gifts = [r["Gift ID"] for r in records(backend, "Gifts")]
    assert rmas[-6:] == [f"RMA-2026-{n:04d}" for n in range(35, 41)]
    assert gifts[-5:] == [f"GFT-{n:04d}" for n in range(46, 51)]
    assert len(set(rmas)) == len(rmas)


@pytest.mark.slow
def test_xlsx_links_find_the_row_by_key(config, demo_rows, run_jobs, tmp_path):
    """Each Where cell is a HYPERLINK that finds its row by key, with its result kept for readers."""
    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), demo_rows)
    run_jobs(XlsxBackend(path), JOBS, cfg=cfg)
    formulas = openpyxl.load_workbook(path)["To Do"]
    shown = openpyxl.load_workbook(path, data_only=True)
    checked = 0
    for row, cached in zip(formulas.iter_rows(min_row=2), shown["To Do"].iter_rows(min_row=2)):
        formula, key = row[5].value, row[6].value
        tab, _, number = cached[5].value.partition(" row ")
        if formula == cached[5].value:  # a repeated key cannot be found by MATCH: a link to where it is now
            assert row[5].hyperlink.location.split("!")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == number
        else:
            assert formula.startswith("=IFERROR(HYPERLINK(") and f'MATCH("{key}",' in formula
        assert shown[tab].cell(int(number), 1).value == key  # the row it names holds the key
        checked += 1
    assert checked > 20
    assert run_jobs(XlsxBackend(path), JOBS, cfg=cfg).cells_written == 0


@pytest.mark.parametrize("edit", ["insert", "sort", "delete"])
def test_lines_name_and_link_the_row_where_it_is_when_written(config, demo_rows, run_jobs, edit):
    """A person inserts, sorts or deletes rows between the run's read and its write."""
    backend = memory_workbook(config, demo_rows)
    gifts = backend.tabs["Gifts"].values

    def person(kind):
        if kind != "guard":
            return
        backend.hooks.remove(person)
        if edit == "insert":
            gifts[1:1] = [["GFT-9001", "@new.one"], ["GFT-9002", "@new.two"]]
        elif edit == "sort":
            gifts[1:] = sorted(gifts[1:], key=lambda line: str(line[0] or ""), reverse=True)
        else:
            del gifts[5]

    backend.hooks.append(person)
    run_jobs(backend, JOBS)
    layout = backend.tabs["To Do"].layout
    keys_now = {i: r["Gift ID"] for i, r in enumerate(records(backend, "Gifts"), start=2)}
    checked = 0
    for index, line in enumerate(todo_lines(backend), start=2):
        if not line["Where"].startswith("Gifts"):
            continue
        if line["Where"] == "Gifts (row gone)":
            assert edit == "delete" and (index, 6) not in layout.links
            continue
        row = int(line["Where"].split(" row ")[1])
        assert keys_now[row] == line["Key"], line  # the row it names holds the line's key
        if line["Action ID"].startswith("fix_data:"):
            continue
        assert layout.links[(index, 6)] == sheet_ref("Gifts", row, 1)
        checked += 1
    assert checked > 5


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_computes_the_row_links(config, demo_rows, run_jobs, tmp_path):
    """The HYPERLINK/MATCH formulas give the same text in LibreOffice after a person sorts the tab."""
    import csv
    import subprocess

    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), demo_rows)
    run_jobs(XlsxBackend(path), JOBS, cfg=cfg)
    book = openpyxl.load_workbook(path)
    gifts = book["Gifts"]
    rows = [[c.value for c in row] for row in gifts.iter_rows(min_row=2)]
    for r, values in enumerate(reversed(rows), start=2):  # the person sorts Gifts backwards
        for c, value in enumerate(values, start=1):
            gifts.cell(r, c).value = value
    book.save(path)
    out = tmp_path / "csv"
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", every_sheet, "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    lines = list(csv.reader((out / "book-To Do.csv").open(encoding="utf-8")))[1:]
    keys_now = {r: row[0].value for r, row in enumerate(gifts.iter_rows(min_row=2), start=2)}
    found = [line for line in lines if line[5].startswith("Gifts row")]
    assert found
    for line in found:
        assert keys_now[int(line[5].split(" row ")[1])] == line[6]
