"""batchUpdate requests on rows and columns: insert, delete, append, move, properties and groups."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .masks import set_by_mask
from .requests_common import Context, sheet_of
from .schema import check_mask
from .sheets_model import Sheet, Spreadsheet, shift_dimension


def _span(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, int, int, int]:
    """DimensionRange -> (sheet, axis, start, end), refusing what Google refuses."""
    sheet = sheet_of(book, rng.get("sheetId"))
    axis = {"ROWS": 0, "COLUMNS": 1}.get(rng.get("dimension") or "", -1)
    if axis < 0:
        raise bad_request("dimension must be ROWS or COLUMNS")
    size = sheet.rows if axis == 0 else sheet.cols
    start = rng.get("startIndex") or 0
    end = size if rng.get("endIndex") is None else rng["endIndex"]
    if not 0 <= start < end:
        raise bad_request("Invalid dimension range: startIndex must be less than endIndex.")
    return sheet, axis, start, end


def insert_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """New rows/columns take the formats and sizes of their neighbours (before or after), as in Google."""
    sheet, axis, start, end = _span(book, body.get("range") or {})
    size = sheet.rows if axis == 0 else sheet.cols
    if start > size:
        raise bad_request("Cannot insert beyond the end of the grid.")
    before = bool(body.get("inheritFromBefore"))
    if before and start == 0:
        raise bad_request("Cannot inherit from before when inserting at the start of the sheet.")
    shift_dimension(book, sheet, axis, start, end - start)
    source = start - 1 if before else end
    if 0 <= source < (sheet.rows if axis == 0 else sheet.cols):
        _inherit(sheet, axis, source, range(start, end))
    return {}


def _inherit(sheet: Sheet, axis: int, source: int, targets: range) -> None:
    """Copy formats, number formats and the pixel size from one row/column onto the new ones."""
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    line = (
        sheet.cells_within(source, source + 1, 0, sheet.cols)
        if axis == 0
        else sheet.cells_within(0, sheet.rows, source, source + 1)
    )
    for (r, c), cell in line:
        if not (cell.format or cell.number_format):
            continue
        for t in targets:
            target = sheet.cell(t, c) if axis == 0 else sheet.cell(r, t)
            target.format, target.number_format = cell.format, cell.number_format
    size = (meta.get(source) or {}).get("pixelSize")
    for t in targets:
        if size is not None:
            meta.setdefault(t, {})["pixelSize"] = size


def delete_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, axis, start, end = _span(book, body.get("range") or {})
    size = sheet.rows if axis == 0 else sheet.cols
    end = min(end, size)
    if end - start >= size:
        noun = "rows" if axis == 0 else "columns"
        raise bad_request(f"You can't delete all the {noun} on the sheet.")
    shift_dimension(book, sheet, axis, start, start - end)
    return {}


def move_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Cut rows/columns out and insert them before destinationIndex (an index before the move)."""
    sheet, axis, start, end = _span(book, body.get("source") or {})
    dest = body.get("destinationIndex") or 0
    if start <= dest <= end:
        return {}
    order = list(range(sheet.rows if axis == 0 else sheet.cols))
    block = order[start:end]
    rest = order[:start] + order[end:]
    at = dest if dest < start else dest - (end - start)
    new_order = rest[:at] + block + rest[at:]
    where = {old: new for new, old in enumerate(new_order)}
    sheet.cells = {((where[r], c) if axis == 0 else (r, where[c])): cell for (r, c), cell in sheet.cells.items()}
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    moved = {where[i]: m for i, m in meta.items()}
    meta.clear()
    meta.update(moved)
    return {}


def update_dimension_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, axis, start, end = _span(book, body.get("range") or {})
    fields = body.get("fields") or ""
    if not fields:
        raise bad_request("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    check_mask("DimensionProperties", fields)
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    for index in range(start, end):
        set_by_mask(meta.setdefault(index, {}), body.get("properties") or {}, fields)
    return {}


def append_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = sheet_of(book, body.get("sheetId"))
    axis = {"ROWS": 0, "COLUMNS": 1}.get(body.get("dimension") or "", -1)
    length = body.get("length") or 0
    if axis < 0:
        raise bad_request("dimension must be ROWS or COLUMNS")
    if length < 1:
        raise bad_request("length must be greater than 0")
    sheet.props["gridProperties"]["rowCount" if axis == 0 else "columnCount"] += length
    return {}


def auto_resize_dimensions(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Checked, then accepted without measuring text (the emulator has no fonts)."""
    if body.get("dimensions"):
        _span(book, body["dimensions"])
    return {}


def _groups(sheet: Sheet, axis: int) -> list[dict[str, Any]]:
    return sheet.row_groups if axis == 0 else sheet.column_groups


def add_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Groups nest: a group inside (or equal to) another one goes one depth deeper."""
    rng = body.get("range") or {}
    sheet, axis, start, end = _span(book, rng)
    groups = _groups(sheet, axis)
    same = next((g for g in groups if (g["range"]["startIndex"], g["range"]["endIndex"]) == (start, end)), None)
    depth = 1 + sum(1 for g in groups if g["range"]["startIndex"] <= start and end <= g["range"]["endIndex"])
    if same is None or depth > same["depth"]:
        groups.append({"range": {"dimension": rng["dimension"], "startIndex": start, "endIndex": end}, "depth": depth})
    groups.sort(key=lambda g: (g["range"]["startIndex"], g["depth"]))
    return {"addDimensionGroup": {"dimensionGroups": [_group_json(sheet, g) for g in groups]}}


def delete_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Removes one depth level over the range (the deepest group covering it)."""
    sheet, axis, start, end = _span(book, body.get("range") or {})
    groups = _groups(sheet, axis)
    covering = [g for g in groups if g["range"]["startIndex"] <= start and end <= g["range"]["endIndex"]]
    if not covering:
        raise bad_request("No dimension group found for the given range.")
    groups.remove(max(covering, key=lambda g: g["depth"]))
    return {"deleteDimensionGroup": {"dimensionGroups": [_group_json(sheet, g) for g in groups]}}


def update_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    group = body.get("dimensionGroup") or {}
    sheet, axis, start, end = _span(book, group.get("range") or {})
    found = next(
        (
            g
            for g in _groups(sheet, axis)
            if (g["range"]["startIndex"], g["range"]["endIndex"]) == (start, end)
            and g["depth"] == group.get("depth", g["depth"])
        ),
        None,
    )
    if found is None:
        raise bad_request("No dimension group found for the given range.")
    set_by_mask(found, {k: v for k, v in group.items() if k not in ("range", "depth")}, body.get("fields") or "*")
    return {}


def _group_json(sheet: Sheet, group: dict[str, Any]) -> dict[str, Any]:
    rng = {**group["range"], **({"sheetId": sheet.sheet_id} if sheet.sheet_id else {})}
    return {**group, "range": rng}


HANDLERS = {
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "moveDimension": move_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "appendDimension": append_dimension,
    "autoResizeDimensions": auto_resize_dimensions,
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "updateDimensionGroup": update_dimension_group,
}
