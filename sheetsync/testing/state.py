"""Emulator state: all spreadsheets behind one lock, plus the Python-side editing API."""

from __future__ import annotations

import threading
from typing import Any

from .a1 import format_range
from .cellvalues import Cell, python_value
from .errors import ApiError
from .formula import mark_stale, settle
from .render import sheet_properties
from .sheets_model import (
    DEFAULT_COLS,
    DEFAULT_ROWS,
    Sheet,
    Spreadsheet,
    new_numeric_id,
    new_sheet,
    new_spreadsheet,
    resolve,
    shift_dimension,
)
from .userinput import apply_input
from .values_ops import value_range, write_values

Rows = list[list[Any]]


class EmulatorState:
    """Every spreadsheet the emulator knows, guarded by a re-entrant lock."""

    def __init__(self, user_email: str) -> None:
        self.user_email = user_email
        self.lock = threading.RLock()
        self.books: dict[str, Spreadsheet] = {}

    def book(self, key: str, *, settled: bool = True) -> Spreadsheet:
        """The spreadsheet for key, or Google's 404 / 403; its formulas computed unless `settled` is False (a
        call that only writes values, and leaves them to be computed before the next read)."""
        with self.lock:
            book = self.books.get(key)
            if book is None:
                raise ApiError(404, "Requested entity was not found.")
            if not book.accessible:
                raise ApiError(403, "The caller does not have permission")
            if settled:
                settle(book)
        return book

    def add(self, book: Spreadsheet) -> str:
        with self.lock:
            self.books[book.spreadsheet_id] = book
        return book.spreadsheet_id

    def replace(self, book: Spreadsheet) -> None:
        """Swap in a new version (batchUpdate commits this way)."""
        with self.lock:
            self.books[book.spreadsheet_id] = book

    def create_spreadsheet(self, title: str, tabs: dict[str, Rows] | None) -> str:
        book = new_spreadsheet(title)
        if tabs:
            book.sheets = []
            for index, (name, rows) in enumerate(tabs.items()):
                book.sheets.append(_sheet_with_rows(name, 0 if index == 0 else new_numeric_id(), rows))
        mark_stale(book)
        return self.add(book)

    def add_foreign_spreadsheet(self, key: str | None) -> str:
        book = new_spreadsheet("Someone else's spreadsheet", key)
        book.accessible = False
        return self.add(book)

    def load_tabs(self, key: str, tabs: dict[str, Rows]) -> None:
        with self.lock:
            book = self.book(key)
            for name, rows in tabs.items():
                old = book.sheet_by_title(name)
                fresh = _sheet_with_rows(name, old.sheet_id if old else new_numeric_id(), rows)
                if old:
                    book.sheets[book.sheets.index(old)] = fresh
                else:
                    book.sheets.append(fresh)
            mark_stale(book)
            book.touch()

    def _sheet(self, key: str, tab: str) -> Sheet:
        sheet = self.book(key).sheet_by_title(tab)
        if sheet is None:
            raise KeyError(f"no tab named {tab!r}")
        return sheet

    def values(self, key: str, tab: str) -> Rows:
        with self.lock:
            box, _ = resolve(self.book(key), format_range_for(tab))
            return value_range(box, render="UNFORMATTED_VALUE").get("values", [])

    def set_values(self, key: str, a1_range: str, rows: Rows) -> None:
        with self.lock:
            book = self.book(key)
            box, _ = resolve(book, a1_range, clip=False)
            width = max((len(row) for row in rows), default=0)
            box.sheet.resize(max(box.sheet.rows, box.r0 + len(rows)), max(box.sheet.cols, box.c0 + width))
            anchor = format_range(box.sheet.title, box.r0, box.r0 + 1, box.c0, box.c0 + 1)
            write_values(book, anchor, rows, "ROWS", user_entered=True)

    def insert_rows(self, key: str, tab: str, at_row: int, rows: Rows) -> None:
        with self.lock:
            book = self.book(key)
            sheet = self._sheet(key, tab)
            shift_dimension(book, sheet, 0, at_row - 1, len(rows))
            width = max((len(row) for row in rows), default=0)
            sheet.resize(cols=max(sheet.cols, width))
            for i, row in enumerate(rows):
                for j, raw in enumerate(row):
                    apply_input(sheet.cell(at_row - 1 + i, j), raw, True, book.properties.get("locale"))
            sheet.prune()
            mark_stale(book)
            book.touch()

    def delete_rows(self, key: str, tab: str, first_row: int, last_row: int) -> None:
        with self.lock:
            book = self.book(key)
            shift_dimension(book, self._sheet(key, tab), 0, first_row - 1, -(last_row - first_row + 1))
            mark_stale(book)
            book.touch()

    def notes(self, key: str, tab: str) -> dict[tuple[int, int], str]:
        with self.lock:
            cells = self._sheet(key, tab).cells
            return {(r + 1, c + 1): cell.note for (r, c), cell in sorted(cells.items()) if cell.note}

    def set_note(self, key: str, tab: str, row: int, col: int, text: str | None) -> None:
        with self.lock:
            sheet = self._sheet(key, tab)
            sheet.cell(row - 1, col - 1).note = text or None
            sheet.prune()

    def background(self, key: str, tab: str) -> dict[tuple[int, int], dict[str, float]]:
        with self.lock:
            out = {}
            for (r, c), cell in sorted(self._sheet(key, tab).cells.items()):
                color = (cell.format or {}).get("backgroundColor")
                if color is None and "backgroundColorStyle" in (cell.format or {}):
                    color = cell.format["backgroundColorStyle"].get("rgbColor")  # type: ignore[index]
                if color is not None and color != {"red": 1, "green": 1, "blue": 1}:
                    out[(r + 1, c + 1)] = color
            return out

    def sheet_properties(self, key: str, tab: str) -> dict[str, Any]:
        with self.lock:
            return sheet_properties(self.book(key), self._sheet(key, tab))


def format_range_for(tab: str) -> str:
    """A whole-sheet range for a tab title, quoted safely."""
    return "'" + tab.replace("'", "''") + "'"


def _sheet_with_rows(name: str, sheet_id: int, rows: Rows) -> Sheet:
    """A sheet big enough for rows (at least Google's 1000x26) holding them as given."""
    width = max((len(row) for row in rows), default=0)
    sheet = new_sheet(name, sheet_id, max(DEFAULT_ROWS, len(rows)), max(DEFAULT_COLS, width))
    for r, row in enumerate(rows):
        for c, raw in enumerate(row):
            value, number_format = python_value(raw)
            if value is not None:
                sheet.cells[(r, c)] = Cell(value=value, number_format=number_format)
    return sheet
