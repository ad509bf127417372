"""GET spreadsheets/{id}: metadata, grid data and `fields` masks, shaped like Google's JSON."""

from __future__ import annotations

from typing import Any

from .cellvalues import Cell, extended_value, formatted_value
from .masks import Mask, apply_mask, mask_wants, parse_mask
from .schema import check_read_mask, read_mask_error
from .sheets_model import Box, Sheet, Spreadsheet, resolve

# Google's defaults for a new spreadsheet (Arial 10, white background, default theme);
# clients read them to know what an unformatted cell looks like.
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in _THEME_COLORS],
}
DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS = 21, 100


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
    props["gridProperties"] = {
        k: v
        for k, v in sheet.props["gridProperties"].items()
        if (not _is_unset(v) and v != 0) or k in ("rowCount", "columnCount")
    }
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


def cell_json(cell: Cell, mask: Mask | None = None, locale: str | None = None) -> dict[str, Any]:
    """CellData for one cell; a mask (applied again by the caller) only spares work on unwanted keys."""
    every = mask is None or "*" in mask

    def want(key: str) -> bool:
        return every or key in mask  # type: ignore[operator]

    out: dict[str, Any] = {}
    if cell.has_value():
        if want("userEnteredValue"):
            out["userEnteredValue"] = (
                {"formulaValue": cell.formula} if cell.formula or cell.value is None else extended_value(cell.value)
            )
        if want("effectiveValue") and cell.value is not None:
            out["effectiveValue"] = extended_value(cell.value)
        if want("formattedValue") and cell.value is not None:
            out["formattedValue"] = formatted_value(cell, locale)
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
        merged[key] = (
            _deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def grid_data(
    box: Box, cell_mask: Mask | None = None, locale: str | None = None, with_cells: bool = True
) -> dict[str, Any]:
    """GridData for a box: rowData trimmed after the last non-empty row and cell (none when `with_cells` is
    False: a field mask asking for the grid's dimensions only)."""
    rendered: dict[int, dict[int, dict[str, Any]]] = {}
    for (r, c), cell in box.sheet.cells_within(box.r0, box.r1, box.c0, box.c1) if with_cells else ():
        data = cell_json(cell, cell_mask, locale)
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
            for r in range(max(rendered) + 1)
        ]
    out["rowMetadata"] = [_dimension(box.sheet.row_meta.get(r), DEFAULT_ROW_PIXELS) for r in range(box.r0, box.r1)]
    out["columnMetadata"] = [
        _dimension(box.sheet.col_meta.get(c), DEFAULT_COLUMN_PIXELS) for c in range(box.c0, box.c1)
    ]
    return out


def _dimension(meta: dict[str, Any] | None, default_pixels: int) -> dict[str, Any]:
    out = {"pixelSize": default_pixels}
    out.update({k: v for k, v in (meta or {}).items() if v not in (False, None)})
    return out


def spreadsheet_json(
    book: Spreadsheet, owner: str, ranges: list[str], include_grid: bool, fields: str | None
) -> dict[str, Any]:
    """The Spreadsheet resource for GET spreadsheets/{id}."""
    try:
        mask = parse_mask(fields or "")
    except ValueError:
        raise read_mask_error() from None
    check_read_mask("Spreadsheet", mask)
    boxes = [resolve(book, text)[0] for text in ranges]
    # A field mask naming grid data turns it on, as includeGridData is ignored with fields.
    want_grid = (include_grid and fields is None) or (
        fields is not None and mask_wants(mask, "sheets", "data") and mask is not None
    )
    sheets = [s for s in book.sheets if not boxes or any(b.sheet is s for b in boxes)]
    cells = _wants_cells(mask)
    result = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": {**book.properties, "defaultFormat": DEFAULT_FORMAT, "spreadsheetTheme": SPREADSHEET_THEME},
        "sheets": [
            _sheet_json(book, s, [b for b in boxes if b.sheet is s], want_grid, owner, _cell_mask(mask), cells)
            for s in sheets
        ],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
    }
    if book.named_ranges:
        result["namedRanges"] = [
            {**n, "range": grid_range_json(n["range"].get("sheetId", 0), n["range"])} for n in book.named_ranges
        ]
    if book.developer_metadata:
        result["developerMetadata"] = [m for m in book.developer_metadata if m.get("location", {}).get("spreadsheet")]
    return apply_mask(result, mask)


def _wants_cells(mask: Mask | None) -> bool:
    """Whether a fields mask can keep any of sheets.data.rowData (not when it names other parts of data only)."""
    node: Any = mask
    for name in ("sheets", "data"):
        if not isinstance(node, dict) or "*" in node:
            return True
        node = node.get(name)
    return not isinstance(node, dict) or "*" in node or "rowData" in node


def _cell_mask(mask: Mask | None) -> Mask | None:
    """The part of a fields mask that applies to each cell (sheets.data.rowData.values), if any."""
    node: Any = mask
    for name in ("sheets", "data", "rowData", "values"):
        if not isinstance(node, dict) or "*" in node:
            return None
        node = node.get(name)
    return node if isinstance(node, dict) else None


def _sheet_json(
    book: Spreadsheet,
    sheet: Sheet,
    boxes: list[Box],
    want_grid: bool,
    owner: str,
    cell_mask: Mask | None = None,
    cells: bool = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(book, sheet)}
    if want_grid:
        boxes = boxes or [Box(sheet, 0, sheet.rows, 0, sheet.cols)]
        out["data"] = [grid_data(box, cell_mask, book.properties.get("locale"), cells) for box in boxes]
    if sheet.protected:
        out["protectedRanges"] = [protected_range_json(book, sheet, p, owner) for p in sheet.protected]
    if sheet.charts:
        out["charts"] = sheet.charts
    out.update(sheet_features_json(sheet))
    return out


def sheet_features_json(sheet: Sheet) -> dict[str, Any]:
    """Merges, filter, conditional formats, banding and groups as Sheet JSON carries them."""
    sid = sheet.sheet_id
    out: dict[str, Any] = {}
    if sheet.merges:
        out["merges"] = [grid_range_json(sid, m) for m in sheet.merges]
    if sheet.basic_filter:
        out["basicFilter"] = {**sheet.basic_filter, "range": grid_range_json(sid, sheet.basic_filter["range"])}
    if sheet.conditional_formats:
        out["conditionalFormats"] = [
            {**rule, "ranges": [grid_range_json(sid, r) for r in rule["ranges"]]} for rule in sheet.conditional_formats
        ]
    if sheet.banded_ranges:
        out["bandedRanges"] = [{**b, "range": grid_range_json(sid, b["range"])} for b in sheet.banded_ranges]
    for key, groups in (("rowGroups", sheet.row_groups), ("columnGroups", sheet.column_groups)):
        if groups:
            out[key] = [{**g, "range": {**g["range"], **({"sheetId": sid} if sid else {})}} for g in groups]
    return out
