"""batchUpdate requests on whole sheets and the spreadsheet: add, delete, duplicate, properties."""

from __future__ import annotations

from typing import Any

from .cellvalues import quantise_color
from .errors import bad_request
from .masks import parse_mask, set_by_mask
from .render import sheet_properties
from .requests_common import Context, sheet_of
from .schema import check_mask
from .sheets_model import Sheet, Spreadsheet, clone_json, new_numeric_id, new_sheet


def place(book: Spreadsheet, sheet: Sheet, index: int | None) -> None:
    """Move a sheet to an index, with Google's 'index before the move' semantics."""
    if sheet in book.sheets:
        old = book.sheets.index(sheet)
        book.sheets.remove(sheet)
        if index is not None and index > old:
            index -= 1
    position = len(book.sheets) if index is None else max(0, min(index, len(book.sheets)))
    book.sheets.insert(position, sheet)


def _next_sheet_title(book: Spreadsheet) -> str:
    number = len(book.sheets) + 1
    while book.sheet_by_title(f"Sheet{number}"):
        number += 1
    return f"Sheet{number}"


def _free_title(book: Spreadsheet, title: str) -> None:
    if book.sheet_by_title(title):
        raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')


def _free_id(book: Spreadsheet, sheet_id: int) -> None:
    if book.sheet_by_id(sheet_id) is not None:
        raise bad_request(f"A sheet with id {sheet_id} already exists.")


def add_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    title = props.get("title") or _next_sheet_title(book)
    _free_title(book, title)
    sheet_id = props.get("sheetId", new_numeric_id())
    _free_id(book, sheet_id)
    grid = props.get("gridProperties") or {}
    sheet = new_sheet(title, sheet_id, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    sheet.props["gridProperties"].update({k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")})
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if key in props:
            sheet.props[key] = props[key]
    normalise_tab_color(sheet.props)
    place(book, sheet, props.get("index"))
    return {"addSheet": {"properties": sheet_properties(book, sheet)}}


def delete_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = book.sheet_by_id(int(body.get("sheetId") or 0))
    if sheet is None:
        raise bad_request(f"No sheet with id: {body.get('sheetId')}")
    if len(book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    if _only_visible(book, sheet):
        raise bad_request("You can't remove all the visible sheets in a document.")
    book.sheets.remove(sheet)
    book.named_ranges = [n for n in book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    return {}


def _only_visible(book: Spreadsheet, sheet: Sheet) -> bool:
    return not sheet.props.get("hidden") and all(s.props.get("hidden") for s in book.sheets if s is not sheet)


def duplicate_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    source = sheet_of(book, body.get("sourceSheetId"))
    title = body.get("newSheetName") or f"Copy of {source.title}"
    _free_title(book, title)
    sheet_id = body.get("newSheetId", new_numeric_id())
    _free_id(book, sheet_id)
    copy = source.copy()
    copy.props.update(title=title, sheetId=sheet_id)
    for protected in copy.protected:
        protected["protectedRangeId"] = new_numeric_id()
    for banding in copy.banded_ranges:
        banding["bandedRangeId"] = new_numeric_id()
    copy.charts = []  # Google copies charts with new ids; the emulator leaves them on the source only
    place(book, copy, body.get("insertSheetIndex"))
    return {"duplicateSheet": {"properties": sheet_properties(book, copy)}}


def update_sheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheet = sheet_of(book, props.get("sheetId"))
    fields = body.get("fields")
    if not fields:
        raise bad_request("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    check_mask("SheetProperties", fields)
    old_grid = dict(sheet.props["gridProperties"])
    updated = clone_json({**sheet.props, "gridProperties": dict(old_grid)})
    set_by_mask(updated, props, fields)
    new_title = updated.get("title")
    if new_title != sheet.title:
        _free_title(book, new_title or "")
    index = updated.pop("index", None)
    updated["sheetId"] = sheet.sheet_id
    grid = updated.setdefault("gridProperties", {})
    grid.setdefault("rowCount", old_grid["rowCount"])
    grid.setdefault("columnCount", old_grid["columnCount"])
    if updated.get("hidden") and not sheet.props.get("hidden") and _only_visible(book, sheet):
        raise bad_request("You can't hide all the sheets in a document.")
    sheet.props = updated
    normalise_tab_color(sheet.props)
    sheet.resize(grid["rowCount"], grid["columnCount"])
    if "index" in (parse_mask(fields) or {"index": None}) and index is not None:
        place(book, sheet, index)
    return {}


def normalise_tab_color(props: dict[str, Any]) -> None:
    """Tab colours as Google reports them: 8-bit channels, tabColor mirrored; rgbColor null clears both."""
    style = props.get("tabColorStyle")
    if isinstance(style, dict) and ("rgbColor" in style or "themeColor" in style):
        if style.get("rgbColor") is None and "themeColor" not in style:
            props.pop("tabColorStyle", None)
            props.pop("tabColor", None)
            return
        if "rgbColor" in style:
            props["tabColorStyle"] = {"rgbColor": quantise_color(style["rgbColor"])}
            props["tabColor"] = quantise_color(style["rgbColor"])
    elif isinstance(props.get("tabColor"), dict):
        props["tabColor"] = quantise_color(props["tabColor"])
        props["tabColorStyle"] = {"rgbColor": props["tabColor"]}
    elif style is None and props.get("tabColor") is None:
        props.pop("tabColor", None)
        props.pop("tabColorStyle", None)


def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    check_mask("SpreadsheetProperties", body["fields"])
    set_by_mask(book.properties, body.get("properties") or {}, body["fields"])
    return {}


HANDLERS = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
}
