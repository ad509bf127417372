"""spreadsheets.batchUpdate: each request kind applied to a Spreadsheet, all or nothing."""

from __future__ import annotations

from typing import Any, Callable

from .cellvalues import Cell, apply_input, quantise_color
from .render import grid_range_json, parse_mask, sheet_properties
from .sheets_model import ApiError, Sheet, Spreadsheet, _clone, bad_request, new_numeric_id, new_sheet

Handler = Callable[[Spreadsheet, dict[str, Any], "Context"], dict[str, Any]]
# Accepted and acknowledged without changing state: purely visual in the emulator.
NO_OP_KINDS = {"updateBorders", "autoResizeDimensions", "mergeCells", "unmergeCells", "setBasicFilter",
               "clearBasicFilter", "addConditionalFormatRule", "deleteConditionalFormatRule",
               "updateConditionalFormatRule", "sortRange", "addBanding", "deleteBanding"}


class Context:
    """Per-batch information handlers need (who is calling)."""

    def __init__(self, owner: str) -> None:
        self.owner = owner


def apply_batch(book: Spreadsheet, requests: Any, owner: str) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    """Apply requests to a copy; the caller swaps it in only if every request succeeded."""
    if not isinstance(requests, list):
        raise bad_request("Invalid value at 'requests'")
    draft = book.snapshot()
    replies = [_apply_one(draft, index, request, Context(owner)) for index, request in enumerate(requests)]
    for sheet in draft.sheets:
        sheet.prune()
    draft.touch()
    return draft, replies


def _apply_one(book: Spreadsheet, index: int, request: Any, ctx: Context) -> dict[str, Any]:
    if not isinstance(request, dict) or len(request) != 1:
        raise bad_request(f"Invalid requests[{index}]: exactly one request kind is required.")
    kind, body = next(iter(request.items()))
    if kind in NO_OP_KINDS:
        return {}
    handler = HANDLERS.get(kind)
    if handler is None:
        raise bad_request(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': "
                          "Cannot find field.")
    try:
        return handler(book, body or {}, ctx)
    except ApiError as error:
        raise bad_request(f"Invalid requests[{index}].{kind}: {error.message}") from None


def _sheet(book: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = book.sheet_by_id(sheet_id or 0)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id or 0}")
    return sheet


def _bounds(sheet: Sheet, rng: dict[str, Any]) -> tuple[int, int, int, int]:
    """GridRange -> bounded (r0, r1, c0, c1); missing ends mean the grid edge."""
    r0, c0 = rng.get("startRowIndex") or 0, rng.get("startColumnIndex") or 0
    r1 = sheet.rows if rng.get("endRowIndex") is None else rng["endRowIndex"]
    c1 = sheet.cols if rng.get("endColumnIndex") is None else rng["endColumnIndex"]
    if r1 > sheet.rows or c1 > sheet.cols or r0 < 0 or c0 < 0:
        raise bad_request(f"Range ({sheet.title}) exceeds grid limits. Max rows: {sheet.rows}, "
                          f"max columns: {sheet.cols}")
    return r0, r1, c0, c1


def _place(book: Spreadsheet, sheet: Sheet, index: int | None) -> None:
    """Move a sheet to an index, with Google's 'index before the move' semantics."""
    if sheet in book.sheets:
        old = book.sheets.index(sheet)
        book.sheets.remove(sheet)
        if index is not None and index > old:
            index -= 1
    position = len(book.sheets) if index is None else max(0, min(index, len(book.sheets)))
    book.sheets.insert(position, sheet)


def add_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    title = props.get("title") or _next_sheet_title(book)
    if book.sheet_by_title(title):
        raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId", new_numeric_id())
    if book.sheet_by_id(sheet_id) is not None:
        raise bad_request(f"A sheet with id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    sheet = new_sheet(title, sheet_id, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    sheet.props["gridProperties"].update({k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")})
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if key in props:
            sheet.props[key] = props[key]
    _normalise_colors(sheet.props)
    _place(book, sheet, props.get("index"))
    return {"addSheet": {"properties": sheet_properties(book, sheet)}}


def _next_sheet_title(book: Spreadsheet) -> str:
    number = len(book.sheets) + 1
    while book.sheet_by_title(f"Sheet{number}"):
        number += 1
    return f"Sheet{number}"


def delete_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = book.sheet_by_id(body.get("sheetId"))
    if sheet is None:
        raise bad_request(f"No sheet with id: {body.get('sheetId')}")
    if len(book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    return {}


def _set_by_mask(target: dict[str, Any], source: dict[str, Any], fields: str) -> None:
    """Copy masked fields from source to target; a masked field absent in source is reset."""
    mask = parse_mask(fields)
    if mask is None:
        target.update(source)
        return
    _copy_masked(target, source, mask)


def _copy_masked(target: dict[str, Any], source: dict[str, Any], mask: dict[str, Any]) -> None:
    for key, sub in mask.items():
        if sub is None or not isinstance(source.get(key), dict):
            if key in source:
                target[key] = source[key]
            else:
                target.pop(key, None)
        else:
            _copy_masked(target.setdefault(key, {}), source[key], sub)


def update_sheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheet = _sheet(book, props.get("sheetId"))
    fields = body.get("fields")
    if not fields:
        raise bad_request("At least one field must be updated.")
    old_grid = dict(sheet.props["gridProperties"])
    updated = {**sheet.props, "gridProperties": dict(old_grid)}
    _set_by_mask(updated, props, fields)
    new_title = updated.get("title")
    if new_title != sheet.title and book.sheet_by_title(new_title or ""):
        raise bad_request(f'A sheet with the name "{new_title}" already exists. Please enter another name.')
    index = updated.pop("index", None)
    updated["sheetId"] = sheet.sheet_id
    grid = updated.setdefault("gridProperties", {})
    grid.setdefault("rowCount", old_grid["rowCount"])
    grid.setdefault("columnCount", old_grid["columnCount"])
    sheet.props = updated
    _normalise_colors(sheet.props)
    sheet.resize(grid["rowCount"], grid["columnCount"])
    if "index" in (parse_mask(fields) or {"index": None}) and index is not None:
        _place(book, sheet, index)
    return {}


def _normalise_colors(props: dict[str, Any]) -> None:
    """Store tab colours as Google reports them: 8-bit channels, tabColor mirrored from the style."""
    style = props.get("tabColorStyle")
    if isinstance(style, dict) and "rgbColor" in style:
        props["tabColorStyle"] = {"rgbColor": quantise_color(style["rgbColor"])}
        props["tabColor"] = quantise_color(style["rgbColor"])
    elif isinstance(props.get("tabColor"), dict):
        props["tabColor"] = quantise_color(props["tabColor"])
        props["tabColorStyle"] = {"rgbColor": props["tabColor"]}


def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request("At least one field must be updated.")
    _set_by_mask(book.properties, body.get("properties") or {}, body["fields"])
    return {}


def _write_cell_fields(cell: Cell, data: dict[str, Any], mask: dict[str, Any] | None) -> None:
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
        _write_format(cell, data.get("userEnteredFormat") or {}, sub)


def _write_entered(cell: Cell, entered: dict[str, Any] | None) -> None:
    cell.clear_value()
    if not entered:
        return
    if "formulaValue" in entered:
        apply_input(cell, entered["formulaValue"], user_entered=True)
    else:
        for key in ("stringValue", "numberValue", "boolValue"):
            if key in entered:
                cell.value = entered[key]


def _write_format(cell: Cell, user_format: dict[str, Any], mask: dict[str, Any] | None) -> None:
    current = _clone(cell.format or {})  # never change a dict a snapshot may share
    if cell.number_format:
        current["numberFormat"] = cell.number_format
    if mask is None:
        current = dict(user_format)
    else:
        _copy_masked(current, user_format, mask)
    for key in ("backgroundColor", "backgroundColorStyle"):
        if isinstance(current.get(key), dict):
            current[key] = _quantise_style(current[key])
    cell.number_format = current.pop("numberFormat", None)
    cell.format = current or None


def _quantise_style(color: dict[str, Any]) -> dict[str, Any]:
    if "rgbColor" in color:
        return {**color, "rgbColor": quantise_color(color["rgbColor"])}
    return quantise_color(color)


def update_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request("At least one field must be specified.")
    mask = parse_mask(body["fields"])
    rows = body.get("rows") or []
    if "start" in body:
        start = body["start"]
        sheet = _sheet(book, start.get("sheetId"))
        r0, c0 = start.get("rowIndex") or 0, start.get("columnIndex") or 0
        r1 = r0 + len(rows)
        c1 = c0 + max((len(row.get("values") or []) for row in rows), default=0)
    else:
        rng = body.get("range") or {}
        sheet = _sheet(book, rng.get("sheetId"))
        r0, r1, c0, c1 = _bounds(sheet, rng)
    if r1 > sheet.rows or c1 > sheet.cols:
        raise bad_request(f"Range exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
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
    rng = body.get("range") or {}
    sheet = _sheet(book, rng.get("sheetId"))
    r0, r1, c0, c1 = _bounds(sheet, rng)
    mask = parse_mask(body.get("fields") or "")
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell_fields(sheet.cell(r, c), body.get("cell") or {}, mask)
    return {}


def set_data_validation(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    rng = body.get("range") or {}
    sheet = _sheet(book, rng.get("sheetId"))
    r0, r1, c0, c1 = _bounds(sheet, rng)
    for r in range(r0, r1):
        for c in range(c0, c1):
            sheet.cell(r, c).validation = body.get("rule") or None
    return {}


def add_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    protected = dict(body.get("protectedRange") or {})
    rng = protected.get("range") or {}
    sheet = _sheet(book, rng.get("sheetId"))
    _bounds(sheet, rng)
    if protected.get("warningOnly") and any((protected.get("editors") or {}).values()):
        raise bad_request("Warning-only protected ranges cannot have editors.")
    if protected.get("protectedRangeId") and any(p.get("protectedRangeId") == protected["protectedRangeId"]
                                                 for s in book.sheets for p in s.protected):
        raise bad_request(f"A protected range with id {protected['protectedRangeId']} already exists.")
    protected["protectedRangeId"] = protected.get("protectedRangeId") or new_numeric_id()
    protected["range"] = {k: v for k, v in rng.items() if k != "sheetId"}
    protected.pop("requestingUserCanEdit", None)
    sheet.protected.append(protected)
    reply = {k: v for k, v in protected.items() if v and k not in ("range", "editors")}
    reply["range"] = grid_range_json(sheet.sheet_id, protected["range"])
    reply["requestingUserCanEdit"] = True
    reply["editors"] = {k: v for k, v in (protected.get("editors") or {}).items() if v}
    return {"addProtectedRange": {"protectedRange": reply}}


def delete_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = body.get("protectedRangeId")
    for sheet in book.sheets:
        for protected in sheet.protected:
            if protected["protectedRangeId"] == wanted:
                sheet.protected.remove(protected)
                return {}
    raise bad_request(f"No protected range with id: {wanted}")


def shift_rows(sheet: Sheet, at: int, count: int) -> None:
    """Move every cell, row metadata and protected range at or below `at` by count rows."""
    _shift(sheet, 0, at, count)
    sheet.props["gridProperties"]["rowCount"] += count


def _shift(sheet: Sheet, axis: int, at: int, count: int) -> None:
    """Shift along axis 0 (rows) or 1 (cols); negative count deletes [at, at-count)."""
    def moved(i: int) -> int | None:
        if i < at:
            return i
        if count < 0 and i < at - count:
            return None  # deleted
        return i + count
    cells = {}
    for key, cell in sheet.cells.items():
        new = moved(key[axis])
        if new is not None:
            cells[(new, key[1]) if axis == 0 else (key[0], new)] = cell
    sheet.cells = cells
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {moved(i): m for i, m in meta.items() if moved(i) is not None}
    meta.clear()
    meta.update(shifted)  # type: ignore[arg-type]
    start, end = ("startRowIndex", "endRowIndex") if axis == 0 else ("startColumnIndex", "endColumnIndex")
    for protected in sheet.protected:
        rng = protected["range"]
        for key in (start, end):
            if rng.get(key) is not None and rng[key] > at:
                rng[key] = max(at, rng[key] + count)


def _dimension_range(book: Spreadsheet, body: dict[str, Any]) -> tuple[Sheet, int, int, int]:
    rng = body.get("range") or {}
    sheet = _sheet(book, rng.get("sheetId"))
    axis = 0 if rng.get("dimension") == "ROWS" else 1 if rng.get("dimension") == "COLUMNS" else -1
    if axis < 0:
        raise bad_request("dimension must be ROWS or COLUMNS")
    size = sheet.rows if axis == 0 else sheet.cols
    start = rng.get("startIndex") or 0
    end = size if rng.get("endIndex") is None else rng["endIndex"]
    if not 0 <= start < end:
        raise bad_request("Invalid dimension range.")
    return sheet, axis, start, end


def insert_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, axis, start, end = _dimension_range(book, body)
    if start > (sheet.rows if axis == 0 else sheet.cols):
        raise bad_request("Cannot insert beyond the end of the grid.")
    _shift(sheet, axis, start, end - start)
    sheet.props["gridProperties"]["rowCount" if axis == 0 else "columnCount"] += end - start
    return {}


def delete_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, axis, start, end = _dimension_range(book, body)
    size = sheet.rows if axis == 0 else sheet.cols
    end = min(end, size)
    if end - start >= size:
        noun = "rows" if axis == 0 else "columns"
        raise bad_request(f"You can't delete all the {noun} on the sheet.")
    _shift(sheet, axis, start, start - end)
    sheet.props["gridProperties"]["rowCount" if axis == 0 else "columnCount"] -= end - start
    return {}


def update_dimension_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, axis, start, end = _dimension_range(book, body)
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    for index in range(start, end):
        entry = meta.setdefault(index, {})
        _set_by_mask(entry, body.get("properties") or {}, body.get("fields") or "*")
    return {}


def append_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _sheet(book, body.get("sheetId"))
    axis = {"ROWS": 0, "COLUMNS": 1}.get(body.get("dimension") or "", -1)
    length = body.get("length") or 0
    if axis < 0:
        raise bad_request("dimension must be ROWS or COLUMNS")
    if length < 1:
        raise bad_request("Invalid requests[0].appendDimension: length must be greater than 0")
    sheet.props["gridProperties"]["rowCount" if axis == 0 else "columnCount"] += length
    return {}


def _all_charts(book: Spreadsheet) -> list[tuple[Sheet, dict[str, Any]]]:
    return [(sheet, chart) for sheet in book.sheets for chart in sheet.charts]


def delete_embedded_object(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = body.get("objectId")
    for sheet, chart in _all_charts(book):
        if chart.get("chartId") == wanted:
            sheet.charts.remove(chart)
            return {}
    raise bad_request(f"No object with id: {wanted}")


def add_chart(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    chart = dict(body.get("chart") or {})
    if chart.get("chartId") and any(c.get("chartId") == chart["chartId"] for _, c in _all_charts(book)):
        raise bad_request(f"An object with id {chart['chartId']} already exists.")
    chart["chartId"] = chart.get("chartId") or new_numeric_id()
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet = book.sheet_by_id(anchor.get("sheetId", 0)) or book.sheets[0]
    sheet.charts.append(chart)
    return {"addChart": {"chart": chart}}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet, "deleteSheet": delete_sheet, "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties, "updateCells": update_cells,
    "repeatCell": repeat_cell, "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range, "deleteProtectedRange": delete_protected_range,
    "insertDimension": insert_dimension, "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties, "addChart": add_chart,
    "appendDimension": append_dimension, "deleteEmbeddedObject": delete_embedded_object,
}
