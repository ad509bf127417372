"""The local .xlsx backend: keeps what it does not own, saves atomically, refuses stale saves, locks."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime

import openpyxl
import pytest
from conftest import grid
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sheetsync.backends.base import CellWrite, NoteWrite, WriteBatch
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.errors import LockHeld, WorkbookChanged


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workbook(tmp_path, config):
    """A people-made workbook: SKUs with a formula column, a styled tab of their own, comments, a dropdown."""
    path = tmp_path / "shop.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SKUs"
    rows = grid(
        config,
        "SKUs",
        [
            {
                "SKU": "RG-001",
                "Product Name": "Aurora Ring",
                "Category": "Ring",
                "Metal": "Platinum",
                "Purity": "950",
                "Price": 1200,
                "Cost": 300,
            },
            {
                "SKU": "RG-002",
                "Product Name": "Luna Ring",
                "Category": "Ring",
                "Metal": "Platinum",
                "Purity": "9500",
                "Price": 900,
                "Cost": 200,
            },
        ],
    )
    for line in rows:
        sheet.append(line)
    margin = len(rows[0]) + 1
    sheet.cell(1, margin, "Margin")
    sheet.cell(2, margin, "=U2-V2")
    sheet.cell(3, margin, "=U3-V3")
    sheet.cell(2, 2).comment = Comment("check the name with Claire", "Claire")
    sheet.cell(3, 2).fill = PatternFill("solid", fgColor="00B0F0")
    sheet.column_dimensions["B"].width = 33
    mine = book.create_sheet("Supplier Notes")
    mine["A1"] = "Casting house"
    mine["A1"].font = Font(bold=True, color="FF0000")
    mine["B2"] = "=SUM(1,2)"
    rule = DataValidation(type="list", formula1='"Yes,No"')
    rule.add("C2:C20")
    mine.add_data_validation(rule)
    book.save(path)
    return path


def run_on(config, path, now, jobs=("validate",)):
    import sheetsync

    return sheetsync.run(dataclasses.replace(config, target=str(path)), list(jobs), now=now)


def test_save_keeps_formulas_tabs_styles_comments_and_validation(config, workbook, now):
    result = run_on(config, workbook, now)
    assert result.cells_written > 0  # the bad purity got an Issues line
    book = openpyxl.load_workbook(workbook)
    skus = book["SKUs"]
    headers = [c.value for c in skus[1]]
    assert skus.cell(2, headers.index("Margin") + 1).value == "=U2-V2"
    assert skus.cell(2, 2).comment.text == "check the name with Claire"
    assert skus.cell(3, 2).fill.fgColor.rgb.endswith("00B0F0")
    assert skus.column_dimensions["B"].width == 33
    mine = book["Supplier Notes"]
    assert mine["A1"].font.bold and mine["B2"].value == "=SUM(1,2)"
    assert len(mine.data_validations.dataValidation) == 1
    assert "Purity" in skus.cell(3, headers.index("Issues") + 1).value


def test_reads_cached_values_of_formula_cells(tmp_path, config):
    path = tmp_path / "cached.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet"
    book.active["A1"] = "=1+1"
    book.save(path)
    # Simulate a file last saved by a spreadsheet app: inject the cached value into the sheet XML.
    import zipfile

    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<f>1+1</f><v />" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace("<f>1+1</f><v />", "<f>1+1</f><v>2</v>").encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    backend = XlsxBackend(path)
    assert backend.read(["Sheet"])["Sheet"].values == [[2]]
    backend.write(WriteBatch(cells=[CellWrite("Sheet", 1, 2, "x")]))
    assert openpyxl.load_workbook(path)["Sheet"]["A1"].value == "=1+1"  # the formula itself is kept


def test_refuses_to_save_over_a_file_changed_since_read(config, workbook, now):
    backend = XlsxBackend(workbook)
    backend.read(backend.tab_names())
    other = openpyxl.load_workbook(workbook)
    other["SKUs"]["B2"] = "Renamed by Claire in Excel"
    other.save(workbook)
    before = digest(workbook)
    with pytest.raises(WorkbookChanged) as caught:
        backend.write(WriteBatch(cells=[CellWrite("SKUs", 2, 2, "job value")]))
    assert "shop.xlsx" in str(caught.value) and "nothing was written" in str(caught.value)
    assert digest(workbook) == before


def test_lock_is_exclusive_across_processes(workbook):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from sheetsync.backends.xlsx import XlsxBackend
        with XlsxBackend({str(workbook)!r}).lock():
            print("locked", flush=True)
            time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld) as caught, XlsxBackend(workbook).lock():
            pass
        assert "in use by another sheetsync run" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
    with XlsxBackend(workbook).lock():  # released when the holder dies
        pass


def test_a_run_that_changes_nothing_leaves_the_file_byte_for_byte(config, workbook, now):
    run_on(config, workbook, now)
    before = digest(workbook), os.stat(workbook).st_mtime_ns
    result = run_on(config, workbook, now)
    assert result.cells_written == 0
    assert (digest(workbook), os.stat(workbook).st_mtime_ns) == before


def test_notes_and_fills_are_ours_only(workbook):
    backend = XlsxBackend(workbook)
    backend.read(["SKUs"])
    backend.write(
        WriteBatch(
            notes=[
                NoteWrite("SKUs", 3, 5, "sheetsync: Purity: 9500 is not valid", "F4CCCC"),
                NoteWrite("SKUs", 3, 2, "sheetsync: would paint over a person's colour", "F4CCCC"),
            ]
        )
    )
    backend = XlsxBackend(workbook)
    data = backend.read(["SKUs"])["SKUs"]
    assert set(data.notes) == {(3, 5), (3, 2)}  # Claire's own comment on B2 is not ours
    backend.write(
        WriteBatch(notes=[NoteWrite("SKUs", 3, 5, None), NoteWrite("SKUs", 3, 2, None), NoteWrite("SKUs", 2, 2, None)])
    )
    sheet = openpyxl.load_workbook(workbook)["SKUs"]
    assert sheet.cell(3, 5).comment is None and sheet.cell(3, 5).fill.fill_type is None
    assert sheet.cell(3, 2).fill.fgColor.rgb.endswith("00B0F0")  # the person's colour survived
    assert sheet.cell(2, 2).comment.text == "check the name with Claire"


@pytest.mark.parametrize("value", ['=IMPORTXML("http://x","//a")', "+1 call", "@mention", "-dash", "plain"])
def test_formula_looking_text_stays_text(workbook, value):
    backend = XlsxBackend(workbook)
    backend.read(["SKUs"])
    backend.write(WriteBatch(cells=[CellWrite("SKUs", 2, 2, value)]))
    cell = openpyxl.load_workbook(workbook)["SKUs"].cell(2, 2)
    assert cell.value == value and cell.data_type == "s"


@pytest.mark.parametrize("value", [12, 12.5, "text", True, False, date(2028, 2, 29), datetime(2026, 3, 8, 2, 30)])
def test_values_round_trip(workbook, value):
    backend = XlsxBackend(workbook)
    backend.read(["SKUs"])
    backend.write(WriteBatch(cells=[CellWrite("SKUs", 2, 40, value)]))
    got = XlsxBackend(workbook).read(["SKUs"])["SKUs"].cell(2, 40)
    if isinstance(value, date) and not isinstance(value, datetime):
        assert got.date() == value
    else:
        assert got == value and type(got) is type(value)


SAVER = textwrap.dedent("""
    import sys
    from sheetsync.backends.base import CellWrite, WriteBatch
    from sheetsync.backends.xlsx import XlsxBackend
    path = sys.argv[1]
    for n in range(1, 10_000):
        backend = XlsxBackend(path)
        backend.read(["Big"])
        backend.write(WriteBatch(cells=[CellWrite("Big", r, 1, n) for r in range(1, 3001)]))
        print(n, flush=True)
""")


@pytest.mark.slow
def test_kill_during_save_leaves_the_old_or_the_new_file(tmp_path):
    path = tmp_path / "big.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Big"
    for r in range(1, 3001):
        book.active.append([0, "filler text " * 5, r])
    book.save(path)
    # One read-and-save cycle takes about 0.35 s here; the kills fall at points spread over a cycle, each
    # after a save was reported done (a kill before the first save would test nothing).
    for delay in (0.02, 0.12, 0.22, 0.32):
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        assert saver.stdout.readline().strip() == "1"  # a whole save is done; the next one is under way
        time.sleep(delay)
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        reported = [int(line) for line in ["1", *saver.stdout.read().split()]]
        sheet = openpyxl.load_workbook(path, read_only=True)["Big"]
        column = {row[0] for row in sheet.iter_rows(values_only=True)}
        assert len(column) == 1  # one whole save: every row carries the same generation number
        # the old or the new file: the last save reported done, or the one that ended before it could say so
        assert reported[-1] <= column.pop() <= reported[-1] + 1
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 4  # a killed save may leave its temp file; never the workbook broken


def test_a_formula_without_a_calculated_value_is_reported_never_read_as_blank(config, tmp_path, now):
    import sheetsync

    path = tmp_path / "uncalculated.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "SKUs"
    rows = grid(
        config,
        "SKUs",
        [
            {
                "SKU": "RG-001",
                "Product Name": "Aurora Ring",
                "Category": "Ring",
                "Metal": "Platinum",
                "Purity": "950",
                "Price": 1200,
                "Cost": 300,
            }
        ],
    )
    for line in rows:
        book.active.append(line)
    headers = rows[0]
    from sheetsync.model.a1 import a1

    price, cost, trade = (a1(2, headers.index(h) + 1) for h in ("Price", "Cost", "Wholesale Price"))
    book.active.cell(2, headers.index("Wholesale Price") + 1, f"={price}*0.5")  # saved by openpyxl: no cached result
    book.active.cell(1, len(headers) + 1, "Margin")
    book.active.cell(2, len(headers) + 1, f"={price}-{cost}")  # the team's own column: not ours to judge
    book.save(path)
    result = sheetsync.run(dataclasses.replace(config, target=str(path)), ["validate"], now=now)
    found = [(p.column, p.code, p.cell) for p in result.report if p.code == "formula_not_calculated"]
    assert found == [("Wholesale Price", "formula_not_calculated", trade)]
    assert openpyxl.load_workbook(path)["SKUs"][trade].value == f"={price}*0.5"  # the formula itself is kept
