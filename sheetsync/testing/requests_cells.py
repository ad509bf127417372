"""batchUpdate requests on cells: values, formats, notes, validation, borders, merges, copy/cut and sort."""

from __future__ import annotations

import functools
from typing import Any

from .cellvalues import Cell, ErrorValue
from .errors import bad_request
from .formula import shift_formula
from .masks import Mask, copy_masked, parse_mask
from .requests_common import Context, checked_bounds, normalise_border, normalise_format, range_in, sheet_of
from .schema import check_mask
from .sheets_model import Sheet, Spreadsheet, clone_json
from .userinput import apply_input

_FIELDS_REQUIRED = "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"


def _write_cell_fields(cell: Cell, data: dict[str, Any], mask: Mask | None) -> None:
    """Apply one CellData to a cell for the fields named in the mask (None = all)."""

    def wanted(name: str) -> bool:
        return mask is None or "*" in mask or name in mask

    if wanted("userEnteredValue"):
        _write_entered(cell, data.get("userEnteredValue"))
    if wanted("note"):
        cell.note = data.get("note") or None
    if wanted("dataValidation"):
        cell.validation = data.get("dataValidation") or None
    if wanted("userEnteredFormat"):
        sub = None if mask is None or "*" in mask else mask["userEnteredFormat"]
        write_format(cell, data.get("userEnteredFormat") or {}, sub)
    if wanted("textFormatRuns"):
        runs = data.get("textFormatRuns")
        cell.extra = {
            **{k: v for k, v in cell.extra.items() if k != "textFormatRuns"},
            **({"textFormatRuns": runs} if runs else {}),
        }


def _write_entered(cell: Cell, entered: dict[str, Any] | None) -> None:
    cell.clear_value()
    if not entered:
        return
    if "formulaValue" in entered:
        apply_input(cell, entered["formulaValue"], user_entered=True)
    elif "numberValue" in entered:
        number = entered["numberValue"]
        cell.value = float(number) if isinstance(number, str) else number
    elif "errorValue" in entered:
        error = entered["errorValue"] or {}
        cell.value = ErrorValue(error.get("type", "ERROR"), error.get("message", ""))
    else:
        for key in ("stringValue", "boolValue"):
            if key in entered:
                cell.value = entered[key]


def write_format(cell: Cell, user_format: dict[str, Any], mask: Mask | None) -> None:
    """Set userEnteredFormat fields (never editing a dict a snapshot may share)."""
    current = clone_json(cell.format or {})
    if cell.number_format:
        current["numberFormat"] = cell.number_format
    if mask is None:
        current = clone_json(user_format)
    else:
        _drop_twins(current, mask)
        copy_masked(current, user_format, mask)
    normalise_format(current)
    cell.number_format = current.pop("numberFormat", None) or None
    cell.format = current or None


_TWINS = (("backgroundColor", "backgroundColorStyle"),)
_TEXT_TWINS = (("foregroundColor", "foregroundColorStyle"),)


def _drop_twins(fmt: dict[str, Any], mask: Mask) -> None:
    """A colour and its ...ColorStyle are one value in Google: writing (or clearing) either replaces both."""

    def drop(node: dict[str, Any], sub: Mask | None, pairs: tuple[tuple[str, str], ...]) -> None:
        for pair in pairs:
            if sub is None or any(name in sub for name in pair):
                for name in pair:
                    node.pop(name, None)

    drop(fmt, mask, _TWINS)
    text_mask = mask.get("textFormat", {}) if "textFormat" in mask else {}
    if isinstance(fmt.get("textFormat"), dict) and (text_mask is None or text_mask):
        fmt["textFormat"] = dict(fmt["textFormat"])
        drop(fmt["textFormat"], text_mask, _TEXT_TWINS)


def update_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request(_FIELDS_REQUIRED)
    check_mask("CellData", body["fields"])
    mask = parse_mask(body["fields"])
    rows = body.get("rows") or []
    if "start" in body:
        start = body["start"]
        sheet = sheet_of(book, start.get("sheetId"))
        r0, c0 = start.get("rowIndex") or 0, start.get("columnIndex") or 0
        r1 = r0 + len(rows)
        c1 = c0 + max((len(row.get("values") or []) for row in rows), default=0)
        if r1 > sheet.rows or c1 > sheet.cols:
            raise bad_request(f"Range exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
    else:
        sheet, stored = range_in(book, body.get("range"))
        r0, r1, c0, c1 = checked_bounds(sheet, stored)
    for r in range(r0, r1):
        values = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
        for c in range(c0, c1):
            data = values[c - c0] if c - c0 < len(values) else {}
            if data:
                _write_cell_fields(sheet.cell(r, c), data, mask)
            elif "start" not in body and sheet.peek(r, c) is not None:  # with a range, cells without data are cleared
                _write_cell_fields(sheet.cell(r, c), {}, mask)
    return {}


def repeat_cell(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request(_FIELDS_REQUIRED)
    check_mask("CellData", body["fields"])
    sheet, stored = range_in(book, body.get("range"))
    r0, r1, c0, c1 = checked_bounds(sheet, stored)
    mask = parse_mask(body["fields"])
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell_fields(sheet.cell(r, c), body.get("cell") or {}, mask)
    return {}


def set_data_validation(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, stored = range_in(book, body.get("range"))
    r0, r1, c0, c1 = checked_bounds(sheet, stored)
    for r in range(r0, r1):
        for c in range(c0, c1):
            sheet.cell(r, c).validation = body.get("rule") or None
    return {}


def update_borders(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Outer borders on the edge cells; inner ones on both cells that share the edge."""
    sheet, stored = range_in(book, body.get("range"))
    r0, r1, c0, c1 = checked_bounds(sheet, stored)
    for r in range(r0, r1):
        for c in range(c0, c1):
            sides = {
                "top": body.get("top") if r == r0 else body.get("innerHorizontal"),
                "bottom": body.get("bottom") if r == r1 - 1 else body.get("innerHorizontal"),
                "left": body.get("left") if c == c0 else body.get("innerVertical"),
                "right": body.get("right") if c == c1 - 1 else body.get("innerVertical"),
            }
            _set_borders(sheet.cell(r, c), {side: b for side, b in sides.items() if b is not None})
    return {}


def _set_borders(cell: Cell, sides: dict[str, dict[str, Any]]) -> None:
    if not sides:
        return
    fmt = clone_json(cell.format or {})
    borders = fmt.get("borders") or {}
    for side, border in sides.items():
        if border.get("style") in ("NONE", None):
            borders.pop(side, None)
        else:
            borders[side] = normalise_border(border)
    if borders:
        fmt["borders"] = borders
    else:
        fmt.pop("borders", None)
    cell.format = fmt or None


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2] and inner[3] <= outer[3]


def _merge_boxes(sheet: Sheet) -> list[tuple[int, int, int, int]]:
    return [checked_bounds(sheet, m) for m in sheet.merges]


def merge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """MERGE_ALL, MERGE_COLUMNS or MERGE_ROWS; only each merge's top-left value survives, as in Google."""
    sheet, stored = range_in(book, body.get("range"))
    r0, r1, c0, c1 = checked_bounds(sheet, stored)
    kind = body.get("mergeType") or "MERGE_ALL"
    if kind == "MERGE_COLUMNS":
        pieces = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        pieces = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        pieces = [(r0, r1, c0, c1)]
    box = (r0, r1, c0, c1)
    if any(_overlaps(m, box) and not _inside(m, box) for m in _merge_boxes(sheet)):
        raise bad_request("You must select all cells in a merged range to merge or unmerge them.")
    sheet.merges = [m for m, b in zip(sheet.merges, _merge_boxes(sheet)) if not _inside(b, box)]
    for pr0, pr1, pc0, pc1 in pieces:
        if (pr1 - pr0) * (pc1 - pc0) < 2:
            continue
        sheet.merges.append({"startRowIndex": pr0, "endRowIndex": pr1, "startColumnIndex": pc0, "endColumnIndex": pc1})
        for (r, c), cell in sheet.cells_within(pr0, pr1, pc0, pc1):
            if (r, c) != (pr0, pc0):
                cell.clear_value()
    return {}


def unmerge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, stored = range_in(book, body.get("range"))
    box = checked_bounds(sheet, stored)
    boxes = _merge_boxes(sheet)
    if any(_overlaps(m, box) and not _inside(m, box) for m in boxes):
        raise bad_request("You must select all cells in a merged range to merge or unmerge them.")
    sheet.merges = [m for m, b in zip(sheet.merges, boxes) if not _inside(b, box)]
    return {}


_PASTE_PARTS = {
    "PASTE_NORMAL": {"value", "format", "validation", "note"},
    "PASTE_VALUES": {"value"},
    "PASTE_FORMAT": {"format"},
    "PASTE_NO_BORDERS": {"value", "validation", "note", "format"},
    "PASTE_FORMULA": {"value"},
    "PASTE_DATA_VALIDATION": {"validation"},
    "PASTE_CONDITIONAL_FORMATTING": set(),
}


def _paste(source: Cell | None, target: Cell, parts: set[str], rows: int, cols: int, values_only: bool) -> None:
    source = source or Cell()
    if "value" in parts:
        target.value = source.value
        target.formula = None
        if source.formula is not None and not values_only:
            target.formula = shift_formula(source.formula, rows, cols)
    if "format" in parts:
        target.format, target.number_format = source.format, source.number_format
    if "validation" in parts:
        target.validation = source.validation
    if "note" in parts:
        target.note = source.note


def copy_paste(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Paste the source over the destination, tiled to fill it as Google does; relative references move."""
    src_sheet, src = range_in(book, body.get("source"))
    dst_sheet, dst = range_in(book, body.get("destination"))
    s0, s1, t0, t1 = checked_bounds(src_sheet, src)
    d0, d1, e0, e1 = checked_bounds(dst_sheet, dst)
    kind = body.get("pasteType") or "PASTE_NORMAL"
    transpose = body.get("pasteOrientation") == "TRANSPOSE"
    height, width = (t1 - t0, s1 - s0) if transpose else (s1 - s0, t1 - t0)
    rows_out = max(height, (d1 - d0) // height * height) if height else 0
    cols_out = max(width, (e1 - e0) // width * width) if width else 0
    if d0 + rows_out > dst_sheet.rows or e0 + cols_out > dst_sheet.cols:
        raise bad_request("Invalid paste: the pasted data exceeds the grid limits of the sheet.")
    sources = {k: v.copy() for k, v in src_sheet.cells_within(s0, s1, t0, t1)}
    for i in range(rows_out):
        for j in range(cols_out):
            di, dj = i % height, j % width
            r, c = (s0 + dj, t0 + di) if transpose else (s0 + di, t0 + dj)
            _paste(
                sources.get((r, c)),
                dst_sheet.cell(d0 + i, e0 + j),
                _PASTE_PARTS.get(kind, set()),
                d0 + i - r,
                e0 + j - c,
                kind == "PASTE_VALUES",
            )
    return {}


def cut_paste(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Move cells: the source is emptied, formulas keep reading what they read (no reference shift)."""
    src_sheet, src = range_in(book, body.get("source"))
    s0, s1, t0, t1 = checked_bounds(src_sheet, src)
    coordinate = body.get("destination") or {}
    dst_sheet = sheet_of(book, coordinate.get("sheetId"))
    d0, e0 = coordinate.get("rowIndex") or 0, coordinate.get("columnIndex") or 0
    if d0 + s1 - s0 > dst_sheet.rows or e0 + t1 - t0 > dst_sheet.cols:
        raise bad_request("Invalid paste: the pasted data exceeds the grid limits of the sheet.")
    moved = {k: src_sheet.cells.pop(k) for k in list(src_sheet.cells) if s0 <= k[0] < s1 and t0 <= k[1] < t1}
    parts = _PASTE_PARTS.get(body.get("pasteType") or "PASTE_NORMAL", set())
    for (r, c), cell in moved.items():
        _paste(cell, dst_sheet.cell(d0 + r - s0, e0 + c - t0), parts, 0, 0, False)
    return {}


def sort_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Sort the range's rows by the sort specs; whole cells move (notes and formats too), blanks last."""
    sheet, stored = range_in(book, body.get("range"))
    r0, r1, c0, c1 = checked_bounds(sheet, stored)
    specs = body.get("sortSpecs") or [{"dimensionIndex": c0}]
    for spec in specs:
        if not c0 <= (spec.get("dimensionIndex") or 0) < c1:
            raise bad_request("Invalid sortSpec: dimensionIndex must be within the range being sorted.")
    rows: list[dict[int, Cell]] = [
        {c: sheet.cells.pop((r, c)) for c in range(c0, c1) if (r, c) in sheet.cells} for r in range(r0, r1)
    ]
    ordered = sorted(rows, key=functools.cmp_to_key(lambda a, b: _compare_rows(a, b, specs)))  # type: ignore[arg-type]
    for offset, row in enumerate(ordered):
        for c, cell in row.items():
            sheet.cells[(r0 + offset, c)] = cell
    return {}


def _compare_rows(a: dict[int, Cell], b: dict[int, Cell], specs: list[dict[str, Any]]) -> int:
    for spec in specs:
        column = spec.get("dimensionIndex") or 0
        ka, kb = _sort_key(a.get(column)), _sort_key(b.get(column))
        if ka == kb:
            continue
        if ka[0] == 9 or kb[0] == 9:  # blanks sort last in either order
            return 1 if ka[0] == 9 else -1
        order = -1 if ka < kb else 1
        return -order if spec.get("sortOrder") == "DESCENDING" else order
    return 0


def _sort_key(cell: Cell | None) -> tuple[int, Any]:
    """Google's order: numbers, then text (ignoring case), then booleans, then errors; blanks last."""
    value = None if cell is None else cell.value
    if value is None or value == "":
        return 9, 0
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, (int, float)):
        return 0, value
    if isinstance(value, ErrorValue):
        return 3, value.type
    return 1, str(value).lower()


HANDLERS = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "updateBorders": update_borders,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "copyPaste": copy_paste,
    "cutPaste": cut_paste,
    "sortRange": sort_range,
}
