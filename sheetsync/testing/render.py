"""GET spreadsheets/{id}: metadata, grid data and `fields` masks, shaped like Google's JSON."""

from __future__ import annotations

from typing import Any

from .cellvalues import Cell, extended_value, formatted_value
from .sheets_model import Box, Sheet, Spreadsheet, resolve

Mask = dict[str, Any]  # field name -> sub-mask, or None for "everything below"

# Google's defaults for a new spreadsheet (Arial 10, white background, default theme);
# clients read them to know what an unformatted cell looks like.
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                   "bold": False, "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME_COLORS = [("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
                 ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
                 ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
                 ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
                 ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
                 ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
                 ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
                 ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8})]
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in _THEME_COLORS],
}
DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS = 21, 100


def parse_mask(text: str) -> Mask | None:
    """'sheets.properties,sheets(data/rowData)' -> nested dict; None or '*' means everything."""
    text = (text or "").replace(" ", "")
    if not text or text == "*":
        return None
    mask, _ = _parse_list(text, 0)
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    """Parse comma-separated paths until ')' or the end; returns (mask, next position)."""
    mask: Mask = {}
    while pos < len(text) and text[pos] != ")":
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = [part for part in text[start:pos].replace("/", ".").split(".") if part]
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            pos += 1  # skip ')'
        _merge_path(mask, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
    return mask, pos


def _merge_path(mask: Mask, path: list[str], leaf: Mask | None) -> None:
    """Add one path to a mask; a None (whole subtree) entry absorbs anything deeper."""
    node = mask
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if name in node and node[name] is None:
            return
        if last:
            node[name] = leaf if name not in node or leaf is None else {**node[name], **leaf}
        else:
            node = node.setdefault(name, {})


def apply_mask(value: Any, mask: Mask | None) -> Any:
    """Keep only masked fields; lists apply the mask to each element, empty objects stay."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply_mask(item, mask) for item in value]
    if isinstance(value, dict):
        return {key: apply_mask(value[key], sub) for key, sub in mask.items() if key in value}
    return value


def mask_wants(mask: Mask | None, *path: str) -> bool:
    """True if the mask selects something at or below path."""
    node: Any = mask
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def grid_range_json(sheet_id: int, rng: dict[str, Any]) -> dict[str, Any]:
    """GridRange JSON as Google echoes it: sheetId 0 is omitted, present bounds are kept."""
    out: dict[str, Any] = {"sheetId": sheet_id} if sheet_id else {}
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if rng.get(key) is not None:
            out[key] = rng[key]
    return out


def sheet_properties(book: Spreadsheet, sheet: Sheet) -> dict[str, Any]:
    """SheetProperties with proto3 defaults (0, false, empty) left out."""
    props = {key: value for key, value in sheet.props.items() if not _is_unset(value) or key == "sheetId"}
    props["index"] = book.sheets.index(sheet)
    props["gridProperties"] = {k: v for k, v in sheet.props["gridProperties"].items()
                               if not _is_unset(v) and v != 0 or k in ("rowCount", "columnCount")}
    return props


def _is_unset(value: Any) -> bool:
    """proto3 JSON leaves out fields at their default; 0 only counts where noted by callers."""
    return value is None or value is False or value == "" or value == {} or value == []


def protected_range_json(book: Spreadsheet, sheet: Sheet, protected: dict[str, Any], owner: str) -> dict[str, Any]:
    """A stored protected range as GET returns it (the owner is always an editor)."""
    out = {key: value for key, value in protected.items() if key not in ("range", "editors") and value}
    out["range"] = grid_range_json(sheet.sheet_id, protected.get("range", {}))
    out["requestingUserCanEdit"] = True
    if not protected.get("warningOnly"):
        editors = {k: v for k, v in (protected.get("editors") or {}).items() if v}
        editors["users"] = [owner] + [u for u in editors.get("users", []) if u != owner]
        out["editors"] = editors
    return out


def cell_json(cell: Cell, mask: Mask | None = None) -> dict[str, Any]:
    """CellData for one cell; a mask (applied again by the caller) only spares work on unwanted keys."""
    every = mask is None or "*" in mask

    def want(key: str) -> bool:
        return every or key in mask  # type: ignore[operator]

    out: dict[str, Any] = {}
    if cell.has_value():
        if want("userEnteredValue"):
            out["userEnteredValue"] = {"formulaValue": cell.formula} if cell.formula else extended_value(cell.value)
        if want("effectiveValue"):
            out["effectiveValue"] = extended_value(cell.value)
        if want("formattedValue"):
            out["formattedValue"] = formatted_value(cell)
    user_format = dict(cell.format or {})
    if cell.number_format:
        user_format["numberFormat"] = cell.number_format
    if user_format and want("userEnteredFormat"):
        out["userEnteredFormat"] = user_format
    if (cell.has_value() or user_format) and want("effectiveFormat"):
        out["effectiveFormat"] = _deep_merge(DEFAULT_FORMAT, user_format)
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = cell.validation
    out.update(cell.extra)
    if not out and not cell.is_blank():
        out["\0"] = None  # keeps the cell's place in rowData; the mask drops the key
    return out


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        merged[key] = _deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(
            merged.get(key), dict) else value
    return merged


def grid_data(box: Box, cell_mask: Mask | None = None) -> dict[str, Any]:
    """GridData for a box: rowData trimmed after the last non-empty row and cell."""
    rendered: dict[int, dict[int, dict[str, Any]]] = {}
    for (r, c), cell in box.sheet.cells.items():
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1:
            data = cell_json(cell, cell_mask)
            if data:
                rendered.setdefault(r - box.r0, {})[c - box.c0] = data
    out: dict[str, Any] = {}
    if box.r0:
        out["startRow"] = box.r0
    if box.c0:
        out["startColumn"] = box.c0
    if rendered:
        out["rowData"] = [
            {"values": [rendered[r].get(c, {}) for c in range(max(rendered[r]) + 1)]} if r in rendered else {}
            for r in range(max(rendered) + 1)]
    out["rowMetadata"] = [_dimension(box.sheet.row_meta.get(r), DEFAULT_ROW_PIXELS) for r in range(box.r0, box.r1)]
    out["columnMetadata"] = [_dimension(box.sheet.col_meta.get(c), DEFAULT_COLUMN_PIXELS)
                             for c in range(box.c0, box.c1)]
    return out


def _dimension(meta: dict[str, Any] | None, default_pixels: int) -> dict[str, Any]:
    out = {"pixelSize": default_pixels}
    out.update({k: v for k, v in (meta or {}).items() if v not in (False, None)})
    return out


def spreadsheet_json(book: Spreadsheet, owner: str, ranges: list[str], include_grid: bool,
                     fields: str | None) -> dict[str, Any]:
    """The Spreadsheet resource for GET spreadsheets/{id}."""
    mask = parse_mask(fields or "")
    boxes = [resolve(book, text)[0] for text in ranges]
    # A field mask naming grid data turns it on, as includeGridData is ignored with fields.
    want_grid = (include_grid and fields is None) or (fields is not None and mask_wants(mask, "sheets", "data")
                                                       and mask is not None)
    sheets = [s for s in book.sheets if not boxes or any(b.sheet is s for b in boxes)]
    result = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": {**book.properties, "defaultFormat": DEFAULT_FORMAT, "spreadsheetTheme": SPREADSHEET_THEME},
        "sheets": [_sheet_json(book, s, [b for b in boxes if b.sheet is s], want_grid, owner, _cell_mask(mask))
                   for s in sheets],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
    }
    return apply_mask(result, mask)


def _cell_mask(mask: Mask | None) -> Mask | None:
    """The part of a fields mask that applies to each cell (sheets.data.rowData.values), if any."""
    node: Any = mask
    for name in ("sheets", "data", "rowData", "values"):
        if not isinstance(node, dict) or "*" in node:
            return None
        node = node.get(name)
    return node if isinstance(node, dict) else None


def _sheet_json(book: Spreadsheet, sheet: Sheet, boxes: list[Box], want_grid: bool, owner: str,
                cell_mask: Mask | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(book, sheet)}
    if want_grid:
        boxes = boxes or [Box(sheet, 0, sheet.rows, 0, sheet.cols)]
        out["data"] = [grid_data(box, cell_mask) for box in boxes]
    if sheet.protected:
        out["protectedRanges"] = [protected_range_json(book, sheet, p, owner) for p in sheet.protected]
    if sheet.charts:
        out["charts"] = sheet.charts
    return out
