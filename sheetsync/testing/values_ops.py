"""The spreadsheets.values.* operations: read, write, append and clear ranges."""

from __future__ import annotations

import json
from typing import Any

from .a1 import A1Range, column_letters, format_range
from .cellvalues import rendered_value
from .errors import bad_request, field_violation
from .formula import mark_stale
from .sheets_model import Box, Sheet, Spreadsheet, grid_limits_error, resolve, shift_dimension
from .userinput import apply_input


def _matrix(box: Box, render: str, date_render: str, locale: str | None) -> list[list[Any]]:
    """Rows of rendered values inside box, with trailing blanks and rows trimmed."""
    rows: dict[int, dict[int, Any]] = {}
    for (r, c), cell in box.sheet.cells_within(box.r0, box.r1, box.c0, box.c1):
        if cell.has_value():
            value = rendered_value(cell, render, date_render, locale)
            if value != "":
                rows.setdefault(r - box.r0, {})[c - box.c0] = value
    if not rows:
        return []
    matrix: list[list[Any]] = [[] for _ in range(max(rows) + 1)]
    for r, cols in rows.items():
        matrix[r] = [cols.get(c, "") for c in range(max(cols) + 1)]
    return matrix


def _transpose(matrix: list[list[Any]]) -> list[list[Any]]:
    """ROWS matrix -> COLUMNS matrix, trimming trailing blanks the same way."""
    width = max((len(row) for row in matrix), default=0)
    columns = [[row[c] if c < len(row) else "" for row in matrix] for c in range(width)]
    for column in columns:
        while column and column[-1] == "":
            column.pop()
    return columns


def value_range(
    box: Box,
    major: str | None = "ROWS",
    render: str | None = "FORMATTED_VALUE",
    date_render: str | None = "SERIAL_NUMBER",
    locale: str | None = None,
) -> dict[str, Any]:
    """A ValueRange: range, majorDimension and values (omitted when empty)."""
    major = major if major in ("ROWS", "COLUMNS") else "ROWS"
    matrix = _matrix(box, render or "FORMATTED_VALUE", date_render or "SERIAL_NUMBER", locale)
    if major == "COLUMNS":
        matrix = _transpose(matrix)
    result: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
    if matrix:
        result["values"] = matrix
    return result


def _as_rows(values: Any, major: str | None, field_name: str) -> list[list[Any]]:
    """Validate the request's values and return them row-major."""
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        shown = values if not isinstance(values, list) else next(r for r in values if not isinstance(r, list))
        raise field_violation(
            field_name,
            f"Invalid value at '{field_name}' "
            f"(type.googleapis.com/google.protobuf.ListValue), "
            f"{json.dumps(shown, ensure_ascii=False)}",
        )
    for i, row in enumerate(values):
        for j, item in enumerate(row):
            if isinstance(item, (dict, list)):
                where = f"{field_name}[{i}].values[{j}]"
                raise field_violation(
                    where,
                    f"Invalid value at '{where}' (type.googleapis.com/google.protobuf."
                    f"Value), {json.dumps(item, ensure_ascii=False)}",
                )
    if major == "COLUMNS":
        width = max((len(col) for col in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(width)]
    return values


def check_body_range(book: Spreadsheet, url_range: str, body_range: Any) -> None:
    """Google refuses a ValueRange whose own range is not the one in the URL."""
    if body_range is None:
        return
    url_box, _ = resolve(book, url_range, clip=False)
    body_box, _ = resolve(book, str(body_range), clip=False)
    if url_box != body_box:
        raise bad_request(
            f"Requested writing within range [{url_box.a1()}], but the body names range "
            f"[{body_box.a1()}]; they must match."
        )


def write_values(
    book: Spreadsheet,
    text: str,
    values: Any,
    major: str | None,
    user_entered: bool,
    field_name: str = "data.values",
) -> dict[str, Any]:
    """values.update for one range; returns an UpdateValuesResponse (formulas computed before the next read)."""
    box, parsed = resolve(book, text, clip=False)
    rows = _as_rows(values, major, field_name)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    _check_fits(box, parsed, text, height, width)
    locale = book.properties.get("locale")
    written = 0
    cells = box.sheet.cells
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is not None:  # null leaves the cell as it is, and is not counted as updated
                at = (box.r0 + i, box.c0 + j)
                apply_input(box.sheet.cell(*at), raw, user_entered, locale)
                if cells[at].is_blank():  # only the cells written can have become blank (pruning the whole
                    del cells[at]  # sheet per range made a many-range write quadratic)
                written += 1
    mark_stale(book)
    book.touch()
    response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        span = Box(box.sheet, box.r0, box.r0 + height, box.c0, box.c0 + width)
        response.update(updatedRange=span.a1(), updatedRows=height, updatedColumns=width, updatedCells=written)
    else:
        response["updatedRange"] = box.a1()
    return response


def _check_fits(box: Box, parsed: A1Range, text: str, height: int, width: int) -> None:
    """Refuse writes past the requested range or past the grid, with Google's messages."""
    single_cell = (
        parsed.end_row is not None
        and parsed.end_row - (parsed.start_row or 0) == 1
        and parsed.end_col is not None
        and parsed.end_col - (parsed.start_col or 0) == 1
    )
    if not single_cell:
        if parsed.end_row is not None and box.r0 + height > box.r1:
            raise bad_request(f"Requested writing within range [{text}], but tried writing to row [{box.r0 + height}]")
        if parsed.end_col is not None and box.c0 + width > box.c1:
            raise bad_request(
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{column_letters(box.c0 + width - 1)}]"
            )
    if (
        box.r0 + height > box.sheet.rows
        or box.c0 + width > box.sheet.cols
        or box.r0 >= box.sheet.rows
        or box.c0 >= box.sheet.cols
    ):
        raise grid_limits_error(box.sheet, box.r0, box.r0 + height, box.c0, box.c0 + width)


def clear_values(book: Spreadsheet, text: str) -> dict[str, Any]:
    """values.clear: values and formulas go, formats and notes stay."""
    box, _ = resolve(book, text)
    for _, cell in box.sheet.cells_within(box.r0, box.r1, box.c0, box.c1):
        cell.clear_value()
    box.sheet.prune()
    mark_stale(book)  # computed before the next read (formula.settle)
    book.touch()
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": box.a1()}


def _filled(sheet: Sheet, r: int, c: int) -> bool:
    cell = sheet.peek(r, c)
    return cell is not None and cell.has_value()


def find_table(sheet: Sheet, box: Box) -> tuple[int, int, int, int] | None:
    """The 'table' values.append extends: the data region around the first filled cell in box."""
    filled = sorted(k for k, cell in sheet.cells_within(box.r0, box.r1, box.c0, box.c1) if cell.has_value())
    if not filled:
        return None
    r0, c0 = filled[0]
    r1, c1 = r0 + 1, c0 + 1
    grown = True
    while grown:  # grow while any cell touching the region (diagonals too) holds data
        grown = False
        ring = [(r, c) for r in range(r0 - 1, r1 + 1) for c in (c0 - 1, c1)] + [
            (r, c) for c in range(c0, c1) for r in (r0 - 1, r1)
        ]
        for r, c in ring:
            if r >= 0 and c >= 0 and _filled(sheet, r, c):
                r0, r1, c0, c1 = min(r0, r), max(r1, r + 1), min(c0, c), max(c1, c + 1)
                grown = True
    return r0, r1, c0, c1


def append_values(
    book: Spreadsheet, text: str, values: Any, major: str | None, user_entered: bool, insert_rows: bool = False
) -> dict[str, Any]:
    """values.append: write after the table found in the range, growing the grid if needed."""
    box, _ = resolve(book, text)
    rows = _as_rows(values, major, "data.values")
    table = find_table(box.sheet, box)
    start_row, start_col = (table[1], table[2]) if table else (box.r0, box.c0)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if insert_rows and height:
        shift_dimension(book, box.sheet, 0, start_row, height)
    box.sheet.resize(max(box.sheet.rows, start_row + height), max(box.sheet.cols, start_col + width))
    target = format_range(box.sheet.title, start_row, start_row + 1, start_col, start_col + 1)
    updates = write_values(book, target, rows, "ROWS", user_entered)
    response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        response["tableRange"] = format_range(box.sheet.title, *table)
    response["updates"] = updates
    return response
