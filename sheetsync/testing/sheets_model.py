"""Spreadsheet state and the values.* operations, shaped like the Sheets API v4."""

from __future__ import annotations

import copy
import datetime as dt
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from .a1 import A1Range, RangeError, format_range, parse_range, quote_sheet_name
from .cellvalues import Cell, apply_input, rendered_value

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


class ApiError(Exception):
    """An error Google would answer with {"error": {"code", "message", "status"}}."""

    STATUS_TEXT = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                   429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details

    def body(self) -> dict[str, Any]:
        """Google's JSON error envelope."""
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "status": self.STATUS_TEXT.get(self.code, "UNKNOWN")}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    """400 INVALID_ARGUMENT."""
    return ApiError(400, message)


def new_spreadsheet_id() -> str:
    """A 44-character id in the alphabet and shape Google uses."""
    return "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))


def new_numeric_id() -> int:
    """A positive 31-bit id, like Google's sheetIds and protectedRangeIds."""
    return secrets.randbelow(2**31 - 1_000_000) + 1_000_000


def now_rfc3339() -> str:
    """Drive-style timestamp with milliseconds: 2023-07-25T15:41:49.215Z."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Sheet:
    """One tab: properties as Google's JSON plus sparse cells and dimension metadata."""

    props: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), created on demand."""
        return self.cells.setdefault((row, col), Cell())

    def peek(self, row: int, col: int) -> Cell | None:
        """The cell if it exists, without creating it."""
        return self.cells.get((row, col))

    def prune(self) -> None:
        """Drop cells that carry nothing, so trimming and bounds stay cheap."""
        for key in [key for key, cell in self.cells.items() if cell.is_blank()]:
            del self.cells[key]

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        """Change the grid size; shrinking discards cells beyond the new edge."""
        grid = self.props["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
        if cols is not None:
            grid["columnCount"] = cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < self.rows and k[1] < self.cols}


def new_sheet(title: str, sheet_id: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> Sheet:
    """A blank GRID sheet."""
    return Sheet({"sheetId": sheet_id, "title": title, "sheetType": "GRID",
                  "gridProperties": {"rowCount": rows, "columnCount": cols}})


@dataclass
class Spreadsheet:
    """A whole spreadsheet (Drive file + Sheets document)."""

    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)
    accessible: bool = True  # False: exists but belongs to someone else (403)

    def touch(self) -> None:
        """Record a modification time, as Drive's modifiedTime does."""
        self.modified = now_rfc3339()

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def snapshot(self) -> Spreadsheet:
        """Deep copy used to make batchUpdate all-or-nothing (a plain-data copy: much faster than deepcopy)."""
        return Spreadsheet(self.spreadsheet_id, _clone(self.properties), [_clone_sheet(s) for s in self.sheets],
                           self.created, self.modified, self.accessible)


def _clone(value: Any) -> Any:
    """Copy JSON-like data (dicts, lists, scalars) without deepcopy's bookkeeping."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, (str, int, float, bool, type(None), tuple)):
        return value
    return copy.deepcopy(value)


def _clone_cell(cell: Cell) -> Cell:
    # Format, validation and extra dicts are replaced, never changed in place (see batch_update), so
    # a snapshot may share them; only the Cell itself must be a new object.
    return Cell(cell.value, cell.formula, cell.number_format, cell.note, cell.format, cell.validation,
                cell.extra)


def _clone_sheet(sheet: Sheet) -> Sheet:
    return Sheet(_clone(sheet.props), {k: _clone_cell(c) for k, c in sheet.cells.items()}, _clone(sheet.row_meta),
                 _clone(sheet.col_meta), _clone(sheet.protected), _clone(sheet.charts))


def new_spreadsheet(title: str, spreadsheet_id: str | None = None) -> Spreadsheet:
    """A spreadsheet as Google creates it: one 1000x26 'Sheet1' with sheetId 0."""
    properties = {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"}
    return Spreadsheet(spreadsheet_id or new_spreadsheet_id(), properties, [new_sheet("Sheet1", 0)])


@dataclass(frozen=True)
class Box:
    """A resolved range: a sheet and bounded 0-based half-open rows/cols."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int

    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)


def resolve(book: Spreadsheet, text: str, clip: bool = True) -> tuple[Box, A1Range]:
    """A1 text -> Box on a real sheet; unknown sheets fail as Google does."""
    try:
        parsed = parse_range(text, {s.title for s in book.sheets})
    except RangeError:
        raise bad_request(f"Unable to parse range: {text}") from None
    sheet = book.sheets[0] if parsed.sheet is None else book.sheet_by_title(parsed.sheet)
    if sheet is None:
        raise bad_request(f"Unable to parse range: {text}")
    r0 = parsed.start_row or 0
    c0 = parsed.start_col or 0
    r1 = sheet.rows if parsed.end_row is None else parsed.end_row
    c1 = sheet.cols if parsed.end_col is None else parsed.end_col
    if clip:
        r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
    return Box(sheet, r0, max(r1, r0), c0, max(c1, c0)), parsed


def _matrix(box: Box, render: str, date_render: str) -> list[list[Any]]:
    """Rows of rendered values inside box, with trailing blanks and rows trimmed."""
    rows: dict[int, dict[int, Any]] = {}
    for (r, c), cell in box.sheet.cells.items():
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1 and cell.has_value():
            rows.setdefault(r - box.r0, {})[c - box.c0] = rendered_value(cell, render, date_render)
    if not rows:
        return []
    matrix = [[] for _ in range(max(rows) + 1)]
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


def value_range(box: Box, major: str = "ROWS", render: str = "FORMATTED_VALUE",
                date_render: str = "SERIAL_NUMBER") -> dict[str, Any]:
    """A ValueRange: range, majorDimension and values (omitted when empty)."""
    major = major or "ROWS"
    matrix = _matrix(box, render or "FORMATTED_VALUE", date_render or "SERIAL_NUMBER")
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
        message = (f"Invalid value at '{field_name}' (type.googleapis.com/google.protobuf.ListValue), "
                   f"{_proto_repr(shown)}")
        detail = {"@type": "type.googleapis.com/google.rpc.BadRequest",
                  "fieldViolations": [{"field": field_name, "description": message}]}
        raise ApiError(400, message, [detail])
    if major == "COLUMNS":
        width = max((len(col) for col in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(width)]
    return values


def _proto_repr(value: Any) -> str:
    """How Google's JSON parser quotes an offending value in its message."""
    import json
    return json.dumps(value, ensure_ascii=False)


def write_values(book: Spreadsheet, text: str, values: Any, major: str | None, user_entered: bool,
                 field_name: str = "data.values") -> dict[str, Any]:
    """values.update for one range; returns an UpdateValuesResponse."""
    box, parsed = resolve(book, text, clip=False)
    rows = _as_rows(values, major, field_name)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    _check_fits(box, parsed, text, height, width)
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is not None:  # null leaves the cell as it is
                apply_input(box.sheet.cell(box.r0 + i, box.c0 + j), raw, user_entered)
    box.sheet.prune()
    book.touch()
    response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        written = Box(box.sheet, box.r0, box.r0 + height, box.c0, box.c0 + width)
        response.update(updatedRange=written.a1(), updatedRows=height, updatedColumns=width,
                        updatedCells=sum(len(row) for row in rows))
    else:
        response["updatedRange"] = box.a1()
    return response


def _check_fits(box: Box, parsed: A1Range, text: str, height: int, width: int) -> None:
    """Refuse writes past the requested range or past the grid, with Google's messages."""
    single_cell = parsed.end_row is not None and parsed.end_row - (parsed.start_row or 0) == 1 and \
        parsed.end_col is not None and parsed.end_col - (parsed.start_col or 0) == 1
    if not single_cell:
        if parsed.end_row is not None and box.r0 + height > box.r1:
            raise bad_request(f"Requested writing within range [{text}], but tried writing to row "
                              f"[{box.r0 + height}]")
        if parsed.end_col is not None and box.c0 + width > box.c1:
            from .a1 import column_letters
            raise bad_request(f"Requested writing within range [{text}], but tried writing to column "
                              f"[{column_letters(box.c0 + width - 1)}]")
    if box.r0 + height > box.sheet.rows or box.c0 + width > box.sheet.cols:
        raise bad_request(f"Range ({quote_sheet_name(box.sheet.title)}!"
                          f"{Box(box.sheet, box.r0, box.r0 + max(height, 1), box.c0, box.c0 + max(width, 1)).a1().split('!')[-1]}"
                          f") exceeds grid limits. Max rows: {box.sheet.rows}, max columns: {box.sheet.cols}")


def clear_values(book: Spreadsheet, text: str) -> dict[str, Any]:
    """values.clear: values and formulas go, formats and notes stay."""
    box, _ = resolve(book, text)
    for (r, c), cell in box.sheet.cells.items():
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1:
            cell.clear_value()
    box.sheet.prune()
    book.touch()
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": box.a1()}


def _filled(sheet: Sheet, r: int, c: int) -> bool:
    cell = sheet.peek(r, c)
    return cell is not None and cell.has_value()


def find_table(sheet: Sheet, box: Box) -> tuple[int, int, int, int] | None:
    """The 'table' values.append extends: the data region around the first filled cell in box."""
    filled = sorted(k for k, cell in sheet.cells.items() if cell.has_value()
                    and box.r0 <= k[0] < box.r1 and box.c0 <= k[1] < box.c1)
    if not filled:
        return None
    r0, c0 = filled[0]
    r1, c1 = r0 + 1, c0 + 1
    grown = True
    while grown:  # grow while any cell touching the region (diagonals too) holds data
        grown = False
        ring = [(r, c) for r in range(r0 - 1, r1 + 1) for c in (c0 - 1, c1)] + \
               [(r, c) for c in range(c0, c1) for r in (r0 - 1, r1)]
        for r, c in ring:
            if r >= 0 and c >= 0 and _filled(sheet, r, c):
                r0, r1, c0, c1 = min(r0, r), max(r1, r + 1), min(c0, c), max(c1, c + 1)
                grown = True
    return r0, r1, c0, c1


def append_values(book: Spreadsheet, text: str, values: Any, major: str | None, user_entered: bool,
                  insert_rows: bool = False) -> dict[str, Any]:
    """values.append: write after the table found in the range, growing the grid if needed."""
    box, _ = resolve(book, text)
    rows = _as_rows(values, major, "data.values")
    table = find_table(box.sheet, box)
    start_row, start_col = (table[1], table[2]) if table else (box.r0, box.c0)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if insert_rows and height:
        from .batch_update import shift_rows
        shift_rows(box.sheet, start_row, height)
    box.sheet.resize(max(box.sheet.rows, start_row + height), max(box.sheet.cols, start_col + width))
    target = format_range(box.sheet.title, start_row, start_row + 1, start_col, start_col + 1)
    updates = write_values(book, target, rows, "ROWS", user_entered)
    response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        response["tableRange"] = format_range(box.sheet.title, *table[:2], *table[2:])
    response["updates"] = updates
    return response
