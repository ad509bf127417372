"""The emulator's engines on their own: number formats, typed input, formula reference shifting, Drive q."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.testing import SheetsEmulator
from sheetsync.testing.cellvalues import Cell
from sheetsync.testing.formula import shift_formula
from sheetsync.testing.numfmt import render
from sheetsync.testing.sheets_model import new_sheet
from sheetsync.testing.userinput import parse_user_entered


@pytest.mark.parametrize(
    "value, pattern, shown",
    [
        (1234.5, "#,##0.00", "1,234.50"),
        (1234.5, "#,##0", "1,235"),
        (0.5, "#.00", ".50"),
        (3, "0.###", "3."),
        (12, "000", "012"),
        (-2.5, "0", "-3"),
        (0, '0.00;-0.00;"zero"', "zero"),
        (1234.5, "#,##0.00 [$€]", "1,234.50 €"),
        (0.000123, "0.00E+00", "1.23E-04"),
        (1.5, "[h]:mm:ss", "36:00:00"),
        (46085, "dddd, mmmm d", "Wednesday, March 4"),
        (46085.75, "m/d/yyyy h:mm:ss", "3/4/2026 18:00:00"),
        (1234.5, "General", "1234.5"),
    ],
)
def test_number_patterns(value: float, pattern: str, shown: str) -> None:
    assert render(value, {"type": "NUMBER", "pattern": pattern}) == shown


def test_locale_separators_and_default_date_pattern() -> None:
    assert render(1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "de_DE") == "1.234,50"
    assert render(46085, {"type": "DATE"}, "en_GB") == "04/03/2026"


@pytest.mark.parametrize(
    "locale, text, value",
    [
        ("en_US", "3/4/2026", 46085),
        ("en_GB", "4/3/2026", 46085),
        ("de_DE", "1.234,5", 1234.5),
        ("en_US", "1.234,5", "1.234,5"),
        ("en_US", "2:30 PM", 0.6041666666666666),
    ],
)
def test_typed_input_by_locale(locale: str, text: str, value: object) -> None:
    assert parse_user_entered(text, locale, dt.date(2026, 1, 1))[0] == value


@pytest.mark.parametrize(
    "formula, moved",
    [
        ("=A1*2", "=A2*2"),
        ("=$A$1+A$1+$A1", "=$A$1+A$1+$A2"),
        ('=SUM(Prices!B2:B3)&"A1"', '=SUM(Prices!B3:B4)&"A1"'),
        ("=LOG10(A1)", "=LOG10(A2)"),
    ],
)
def test_pasted_formulas_move_relative_references(formula: str, moved: str) -> None:
    assert shift_formula(formula, 1, 0) == moved


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


def test_drive_list_q_clauses(emulator: SheetsEmulator) -> None:
    emulator.create_spreadsheet("Orders 2026")
    emulator.create_spreadsheet("Stock")
    url = f"{emulator.endpoint}/drive/v3/files"
    names = requests.get(url, params={"q": "name contains 'orders' and trashed = false"}, timeout=5).json()
    assert [f["name"] for f in names["files"]] == ["Orders 2026"]
    assert requests.get(url, params={"q": "name = 'a' or name = 'b'"}, timeout=5).status_code == 400


def test_parser_errors_carry_field_violations(emulator: SheetsEmulator) -> None:
    key = emulator.create_spreadsheet("v")
    body = requests.post(
        f"{emulator.endpoint}/v4/spreadsheets/{key}:batchUpdate",
        timeout=5,
        json={"requests": [{"addSheet": {"properties": {"title": "x", "hidden": "yes"}}}]},
    ).json()["error"]
    assert body["message"] == ("Invalid value at 'requests[0].add_sheet.properties.hidden' (TYPE_BOOL), \"yes\"")
    assert body["details"][0]["fieldViolations"][0]["field"] == "requests[0].add_sheet.properties.hidden"


def test_python_api_row_edits_recompute_formulas(emulator: SheetsEmulator) -> None:
    key = emulator.create_spreadsheet("f", {"T": [[1]]})
    emulator.set_values(key, "T!B1", [["=A1+1"]])
    assert emulator.values(key, "T") == [[1, 2]]
    emulator.set_values(key, "T!A1", [[10]])
    assert emulator.values(key, "T") == [[10, 11]]
    emulator.insert_rows(key, "T", 1, [["=5*5"]])
    assert emulator.values(key, "T")[0] == [25]


@settings(max_examples=200, deadline=None)
@given(
    stored=st.sets(st.tuples(st.integers(0, 30), st.integers(0, 8)), max_size=60),
    rows=st.tuples(st.integers(0, 40), st.integers(0, 40)),
    cols=st.tuples(st.integers(0, 12), st.integers(0, 12)),
)
def test_the_cells_within_a_box_are_the_stored_cells_inside_it_by_either_path(
    stored: set[tuple[int, int]], rows: tuple[int, int], cols: tuple[int, int]
) -> None:
    """Small boxes are visited position by position, large ones by scanning the stored cells: same answer."""
    sheet = new_sheet("S", 0, rows=50, cols=15)
    sheet.cells = {k: Cell(f"{k}") for k in stored}
    (r0, r1), (c0, c1) = sorted(rows), sorted(cols)
    found = sheet.cells_within(r0, r1, c0, c1)
    assert {k: cell.value for k, cell in found} == {k: f"{k}" for k in stored if r0 <= k[0] < r1 and c0 <= k[1] < c1}
    assert len(found) == len({k for k, _ in found})
