"""The .xlsx backend beside Excel and LibreOffice: a save that races a person's save, their lock files,
sheetsync's own lock file, notes they re-save under another author, and formula results kept for
readers that do not recalculate (pandas)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import timedelta

import openpyxl
import pandas as pd
import pytest
from conftest import grid

import sheetsync
from sheetsync.backends.xlsx import cache as xlsx_cache
from sheetsync.errors import WorkbookChanged, WorkbookInUse
from sheetsync.model.layout import FILLS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

SKUS = [
    {
        "SKU": "RG-001",
        "Product Name": "Aurora Ring",
        "Category": "Ring",
        "Metal": "Platinum",
        "Purity": "950",
        "Price": 1200,
        "Cost": 300,
        "Wholesale Price": 600,
    },
    {
        "SKU": "RG-002",
        "Product Name": "Luna Ring",
        "Category": "Ring",
        "Metal": "Platinum",
        "Purity": "9500",
        "Price": 900,
        "Cost": 200,
        "Wholesale Price": 450,
    },
]


@pytest.fixture
def book(tmp_path, config):
    """SKUs with a Margin formula column people added, saved with its results (as Excel saves)."""
    path = tmp_path / "shop.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SKUs"
    for line in grid(config, "SKUs", SKUS):
        sheet.append(line)
    headers = [c.value for c in sheet[1]]
    price, cost = headers.index("Price") + 1, headers.index("Cost") + 1
    margin = len(headers) + 1
    sheet.cell(1, margin, "Margin")
    for row in (2, 3):
        sheet.cell(row, margin, f"={sheet.cell(row, price).coordinate}-{sheet.cell(row, cost).coordinate}")
    workbook.save(path)
    # give the file the results a desktop app would have stored (openpyxl writes formulas without them)
    path.write_bytes(xlsx_cache.put_results(path.read_bytes(), {"SKUs": {(2, margin): 900, (3, margin): 700}}))
    cfg = dataclasses.replace(config, target=str(path))
    return cfg, path, margin


def run(cfg, now, **kw):
    return sheetsync.run(cfg, ["validate"], now=now, **kw)


def test_a_save_by_a_person_during_the_runs_save_is_never_overwritten(book, now, monkeypatch):
    cfg, path, _ = book
    real = xlsx_cache.put_results

    def person_saves_meanwhile(data, results):  # openpyxl's save is the slow part: a person saves then
        edited = openpyxl.load_workbook(path)
        edited["SKUs"]["B2"] = "Aurora Ring (renamed by Claire)"
        edited.save(path)
        return real(data, results)

    monkeypatch.setattr(xlsx_cache, "put_results", person_saves_meanwhile)
    with pytest.raises(WorkbookChanged, match="saved by someone else"):
        run(cfg, now)
    assert openpyxl.load_workbook(path)["SKUs"]["B2"].value == "Aurora Ring (renamed by Claire)"
    assert not list(path.parent.glob("*.tmp"))  # no temp file left behind


@pytest.mark.parametrize(
    "lock_name, content, who, app",
    [
        (
            ".~lock.shop.xlsx#",
            "Claire Dubois,claire,studio-mac,01.12.2026 09:14,file:///Users/claire/.config;",
            "Claire Dubois on studio-mac",
            "LibreOffice",
        ),
        (
            ".~lock.shop.xlsx#",
            ",marcus,till-2,01.12.2026 09:14,file:///home/marcus/.config;",
            "marcus on till-2",
            "LibreOffice",
        ),
        ("~$shop.xlsx", bytes([6]) + b"Marcus" + b" " * 47, "Marcus", "Excel"),
    ],
)
def test_a_workbook_open_in_a_desktop_app_is_read_but_never_written(book, now, lock_name, content, who, app):
    cfg, path, _ = book
    lock = path.with_name(lock_name)
    lock.write_bytes(content.encode() if isinstance(content, str) else content)
    before = path.read_bytes()
    with pytest.raises(WorkbookInUse) as refused:
        run(cfg, now)
    assert who in str(refused.value) and app in str(refused.value) and lock_name in str(refused.value)
    assert path.read_bytes() == before
    dry = run(cfg, now, dry_run=True)  # reading (and a run with nothing to write) still works
    assert dry.planned and not dry.failed
    lock.unlink()
    assert run(cfg, now).cells_written > 0


def test_sheetsyncs_own_lock_file_is_gone_when_the_run_ends(book, now):
    cfg, path, _ = book
    run(cfg, now)
    assert [p.name for p in path.parent.iterdir() if "lock" in p.name] == []


def test_a_temp_file_left_by_a_run_killed_mid_save_is_removed_by_the_next_run(book, now):
    """Only sheetsync's own leftovers go (its prefix and suffix), and only while it holds the run lock."""
    cfg, path, _ = book
    stale = path.parent / f".~{path.stem}.k2j4x9.xlsx.tmp"
    stale.write_bytes(b"half a workbook")
    other = path.parent / "notes.tmp"
    other.write_text("a person's file")
    run(cfg, now)
    assert not stale.exists() and other.exists()


def test_formula_results_survive_a_save_for_readers_that_do_not_recalculate(book, now):
    cfg, path, margin = book
    result = run(cfg, now)
    assert result.cells_written > 0
    frame = pd.read_excel(path, sheet_name="SKUs", engine="openpyxl")
    assert list(frame["Margin"]) == [900, 700]
    cached = openpyxl.load_workbook(path, data_only=True)["SKUs"]
    assert [cached.cell(r, margin).value for r in (2, 3)] == [900, 700]
    assert openpyxl.load_workbook(path)["SKUs"].cell(2, margin).value.startswith("=")  # still a formula
    again = sheetsync.run(cfg, now=now)
    assert not [p for p in again.report if p.code == "formula_not_calculated"]


def test_a_formula_reading_a_job_column_is_recomputed_when_the_run_changes_it(tmp_path, config, now):
    path = tmp_path / "returns.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Returns"
    rows = grid(
        config,
        "Returns",
        [
            {
                "RMA": "RMA-2026-0001",
                "Order Number": "#1",
                "Requested On": "2026-11-01",
                "Status": "Received",
                "Received On": "2026-11-05",
            }
        ],
    )
    for line in rows:
        sheet.append(line)
    days = rows[0].index("Days Open") + 1
    late = len(rows[0]) + 1
    sheet.cell(1, late, "Late?")
    sheet.cell(2, late, f'=IF({sheet.cell(2, days).coordinate}>20,"late","ok")')
    workbook.save(path)
    cfg = dataclasses.replace(config, target=str(path))
    sheetsync.run(cfg, ["overdue"], now=now)
    cached = openpyxl.load_workbook(path, data_only=True)["Returns"]
    assert cached.cell(2, days).value == 25 and cached.cell(2, late).value == "late"


def _fill(cell) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill is not None and cell.fill.fill_type else ""


def test_a_note_resaved_under_another_author_is_still_recognised_and_cleared_when_fixed(book, now):
    cfg, path, _ = book
    run(cfg, now)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["SKUs"]
    purity = [c.value for c in sheet[1]].index("Purity") + 1
    flagged = sheet.cell(3, purity)
    assert flagged.comment is not None and _fill(flagged) == FILLS["error"]
    flagged.comment = openpyxl.comments.Comment(flagged.comment.text, "")  # LibreOffice keeps no author
    flagged.value = "950"  # and the person fixes the purity
    workbook.save(path)
    run(cfg, now)
    fixed = openpyxl.load_workbook(path)["SKUs"].cell(3, purity)
    assert fixed.comment is None and _fill(fixed) == ""


def test_a_persons_own_comment_on_a_flagged_cell_is_never_replaced_or_removed(book, now):
    cfg, path, _ = book
    run(cfg, now)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["SKUs"]
    purity = [c.value for c in sheet[1]].index("Purity") + 1
    sheet.cell(3, purity).comment = openpyxl.comments.Comment("Claire: 9500 is what the assay says", "Claire")
    workbook.save(path)
    run(cfg, now + timedelta(days=1))  # the problem is still there: sheetsync would set its note again
    kept = openpyxl.load_workbook(path)["SKUs"].cell(3, purity)
    assert kept.comment is not None and kept.comment.text == "Claire: 9500 is what the assay says"
    workbook = openpyxl.load_workbook(path)
    workbook["SKUs"].cell(3, purity).value = "950"  # fixed: sheetsync would take its note away
    workbook.save(path)
    run(cfg, now + timedelta(days=2))
    kept = openpyxl.load_workbook(path)["SKUs"].cell(3, purity)
    assert kept.comment is not None and kept.comment.text == "Claire: 9500 is what the assay says"


def _libreoffice_resave(path, out_dir):
    """Open and save the workbook in LibreOffice as a person would (headless)."""
    subprocess.run(
        [SOFFICE, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / path.name


@pytest.mark.slow
@needs_soffice
def test_a_fix_saved_in_libreoffice_clears_the_note_and_fill(book, now, tmp_path):
    cfg, path, _margin = book
    run(cfg, now)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["SKUs"]
    purity = [c.value for c in sheet[1]].index("Purity") + 1
    sheet.cell(3, purity).value = "950"
    fixed_by_person = tmp_path / "person" / path.name
    fixed_by_person.parent.mkdir()
    workbook.save(fixed_by_person)
    saved = _libreoffice_resave(fixed_by_person, tmp_path / "lo")
    shutil.copy(saved, path)
    assert [
        p.code
        for p in sheetsync.run(cfg, ["validate"], now=now, dry_run=True).report
        if p.code == "formula_not_calculated"
    ] == []  # LibreOffice's results read as values
    run(cfg, now)
    cell = openpyxl.load_workbook(path)["SKUs"].cell(3, purity)
    assert cell.comment is None and _fill(cell) == ""
    assert list(pd.read_excel(path, sheet_name="SKUs", engine="openpyxl")["Margin"]) == [900, 700]


@pytest.mark.slow
@needs_soffice
def test_a_workbook_saved_by_libreoffice_reads_the_same(book, now, tmp_path):
    cfg, path, _ = book
    run(cfg, now)
    before = sheetsync.run(cfg, now=now, dry_run=True)
    saved = _libreoffice_resave(path, tmp_path / "lo")
    cfg_lo = dataclasses.replace(cfg, target=str(saved))
    after = sheetsync.run(cfg_lo, now=now, dry_run=True)
    assert sorted((p.tab, p.key, p.column, str(p.code)) for p in after.report) == sorted(
        (p.tab, p.key, p.column, str(p.code)) for p in before.report
    )
    assert after.planned == [] or all(c.tab == "_Meta" for c in after.planned)


def test_freezes_filters_and_widths_people_set_are_kept(book, now):
    cfg, path, _ = book
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["SKUs"]
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = "A1:F3"
    sheet.column_dimensions["B"].width = 41
    sheet.row_dimensions[2].height = 30
    workbook.save(path)
    assert run(cfg, now).cells_written > 0
    kept = openpyxl.load_workbook(path)["SKUs"]
    assert kept.freeze_panes == "C2" and kept.auto_filter.ref == "A1:F3"
    assert kept.column_dimensions["B"].width == 41 and kept.row_dimensions[2].height == 30
