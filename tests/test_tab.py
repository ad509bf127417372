"""Typed tabs: headers by name in any order and case, blank rows skipped, problems kept as data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sheetsync.model.grid import TabData
from sheetsync.model.problems import Code, Severity
from sheetsync.model.tab import UnknownColumn, build_tab

HEADERS = ["SKU", "Product Name", "Category", "Metal", "Purity", "Price"]


def tab_of(config, rows, headers=HEADERS, name="SKUs"):
    return build_tab(TabData(name, [headers] + rows), config.schema(name), config.parse)


@pytest.mark.parametrize(
    "headers",
    [
        ["SKU", "Product Name", "Category", "Metal", "Purity", "Price"],
        ["sku", "PRODUCT NAME", "category", "metal", "purity", "price"],
        ["  SKU ", "Product   Name", " Category", "Metal ", "Purity", " Price "],
        ["Price", "Purity", "Metal", "Category", "Product Name", "SKU"],
    ],
)
def test_headers_match_case_space_and_order_insensitively(config, headers):
    values = dict(
        zip([h.casefold() for h in HEADERS], ["RG-001", "Aurora Ring", "Ring", "Yellow Gold", "14k", "$1,250.00"])
    )
    tab = tab_of(config, [[values[" ".join(h.split()).casefold()] for h in headers]], headers)
    got = tab.row("RG-001")
    assert got is not None
    assert got["Purity"] == "14K" and got["Price"] == Decimal("1250.00") and got["Product Name"] == "Aurora Ring"


def test_unknown_columns_are_kept_and_ignored(config):
    tab = tab_of(
        config,
        [["RG-001", "Margin note", "Aurora", "Ring", "Platinum", "950", 900]],
        ["SKU", "Team Notes", "Product Name", "Category", "Metal", "Purity", "Price"],
    )
    row = tab.row("RG-001")
    with pytest.raises(UnknownColumn):  # not a schema column: never addressed by a job
        row.raw("Team Notes")
    assert row.cells[1] == "Margin note"
    assert "Team Notes" not in tab.columns


def test_missing_optional_header_is_a_warning_and_tab_still_works(config):
    tab = tab_of(config, [["RG-001", "Aurora", "Ring", "Platinum", "950", 900]])
    missing = {p.column: p for p in tab.problems if p.code == Code.MISSING_HEADER}
    assert missing["Issues"].severity == Severity.WARNING
    assert tab.usable and len(tab) == 1


def test_missing_required_header_blocks_only_that_tab(config):
    tab = tab_of(
        config, [["RG-001", "Aurora", "Ring", "Platinum", 900]], ["SKU", "Product Name", "Category", "Metal", "Price"]
    )
    problem = next(p for p in tab.problems if p.code == Code.MISSING_HEADER and p.column == "Purity")
    assert problem.severity == Severity.ERROR and problem.tab == "SKUs"
    assert not tab.usable and tab.rows == ()


def test_missing_tab_is_reported_not_raised(config):
    tab = build_tab(None, config.schema("Gifts"), config.parse)
    assert not tab.usable and tab.problems[0].code == Code.MISSING_TAB


def test_blank_rows_anywhere_are_skipped_and_rows_keep_sheet_numbers(config):
    rows = [
        [None] * 6,
        ["RG-001", "A", "Ring", "Platinum", "950", 1],
        ["", "  ", None, "", "", ""],
        ["RG-002", "B", "Ring", "Platinum", "950", 2],
    ]
    tab = tab_of(config, rows)
    assert [(r.key, r.sheet_row) for r in tab.rows] == [("RG-001", 3), ("RG-002", 5)]


def test_bad_cells_become_problems_naming_tab_row_column_cell(config):
    tab = tab_of(config, [["RG-001", "Aurora", "Ring", "Gold", "14K", "$1,2O0"]])
    codes = {(p.column, p.code, p.row, p.cell) for p in tab.problems if p.code != Code.MISSING_HEADER}
    assert ("Metal", Code.NOT_ALLOWED, 2, "D2") in codes
    assert ("Price", Code.NOT_MONEY, 2, "F2") in codes
    assert tab.row("RG-001")["Price"] is None  # never guessed


def test_required_and_duplicate_keys(config):
    tab = tab_of(config, [["RG-001", "A", "Ring", "Platinum", "950", 1], ["RG-001", "", "Ring", "Platinum", "950", 1]])
    codes = {(p.code, p.row) for p in tab.problems}
    assert (Code.DUPLICATE_KEY, 3) in codes and (Code.REQUIRED, 3) in codes
    # a repeated key is never told apart by position: both rows keep it, flagged, and differ by their cells
    assert [r.key for r in tab.rows] == ["RG-001", "RG-001"] and all(r.repeated for r in tab.rows)
    assert tab.rows[0].fingerprint() != tab.rows[1].fingerprint()


def test_case_insensitive_keys(config):
    rows = [["@Lena.Gems", "Instagram"], ["@lena.gems", "TikTok"]]
    tab = tab_of(config, rows, ["Handle", "Platform"], "Influencers")
    assert tab.row("@LENA.GEMS").sheet_row == 2
    assert any(p.code == Code.DUPLICATE_KEY and p.row == 3 for p in tab.problems)


def test_blank_key_rows_get_a_stable_fallback(config):
    headers = ["RMA", "Order Number", "Requested On"]
    first = tab_of(config, [[None, "#5100", "3/4/2026"]], headers, "Returns")
    moved = tab_of(config, [["RMA-2026-0001", "#1", "3/1/2026"], [None, "#5100", "3/4/2026"]], headers, "Returns")
    assert first.rows[0].key.startswith("~") and not first.rows[0].has_key
    assert moved.row(first.rows[0].key).sheet_row == 3


def test_frame_is_typed(config):
    import pandas as pd

    tab = tab_of(
        config,
        [["RG-001", "Aurora", "Ring", "Platinum", "950", "$1,250.00"]],
        HEADERS + ["Launch Date", "Stock", "Engraved / Custom"],
    )
    tab = tab.with_writes({2: {"Launch Date": date(2026, 3, 4), "Stock": 3, "Engraved / Custom": True}})
    frame = tab.frame()
    assert frame.loc[0, "Price"] == 1250.0
    assert str(frame["Stock"].dtype) == "Int64" and str(frame["Engraved / Custom"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(frame["Launch Date"])
    assert frame.loc[0, "_row"] == 2
