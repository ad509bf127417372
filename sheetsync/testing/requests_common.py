"""What every batchUpdate request handler shares: the sheet a GridRange names, checked bounds, colours."""

from __future__ import annotations

from typing import Any

from .cellvalues import quantise_color
from .errors import bad_request
from .sheets_model import Sheet, Spreadsheet, grid_bounds

RANGE_KEYS = ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")


class Context:
    """Per-batch information handlers need (who is calling)."""

    def __init__(self, owner: str) -> None:
        self.owner = owner


def sheet_of(book: Spreadsheet, sheet_id: Any) -> Sheet:
    """The sheet a request names; Google refuses ids that do not exist."""
    sheet = book.sheet_by_id(sheet_id or 0)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id or 0}")
    return sheet


def checked_bounds(sheet: Sheet, rng: dict[str, Any]) -> tuple[int, int, int, int]:
    """GridRange -> bounded (r0, r1, c0, c1), refusing ranges past the grid as Google does."""
    r0, r1, c0, c1 = grid_bounds(sheet, rng)
    if r1 > sheet.rows or c1 > sheet.cols or r0 < 0 or c0 < 0:
        raise bad_request(
            f"Range ({sheet.title}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}"
        )
    if r0 > r1 or c0 > c1:
        raise bad_request("Invalid range: start index must not be greater than end index.")
    return r0, r1, c0, c1


def range_in(book: Spreadsheet, rng: Any) -> tuple[Sheet, dict[str, Any]]:
    """The sheet and stored form (bounds only, no sheetId) of a GridRange, after checking it."""
    rng = rng or {}
    sheet = sheet_of(book, rng.get("sheetId"))
    checked_bounds(sheet, rng)
    return sheet, {k: rng[k] for k in RANGE_KEYS if rng.get(k) is not None}


def quantise_style(color: dict[str, Any]) -> dict[str, Any]:
    """A Color or ColorStyle with Google's 8-bit channels."""
    if "rgbColor" in color:
        return {**color, "rgbColor": quantise_color(color["rgbColor"] or {})}
    return quantise_color(color)


def mirror_colors(node: dict[str, Any], plain: str, style: str) -> None:
    """Google stores a colour and its ...ColorStyle twin together: set either and it reports both."""
    if isinstance(node.get(style), dict):
        node[style] = quantise_style(node[style])
        if "rgbColor" in node[style]:
            node[plain] = node[style]["rgbColor"]
    elif isinstance(node.get(plain), dict):
        node[plain] = quantise_color(node[plain])
        node[style] = {"rgbColor": node[plain]}


def normalise_format(fmt: dict[str, Any]) -> dict[str, Any]:
    """A CellFormat as Google stores it: quantised colours with their ...ColorStyle mirrors."""
    mirror_colors(fmt, "backgroundColor", "backgroundColorStyle")
    if isinstance(fmt.get("textFormat"), dict):
        fmt["textFormat"] = dict(fmt["textFormat"])
        mirror_colors(fmt["textFormat"], "foregroundColor", "foregroundColorStyle")
    if isinstance(fmt.get("borders"), dict):
        fmt["borders"] = {side: normalise_border(border) for side, border in fmt["borders"].items()}
    return fmt


def normalise_border(border: dict[str, Any]) -> dict[str, Any]:
    """A Border with Google's defaults: a width for the style, colours mirrored."""
    out = dict(border)
    widths = {"SOLID": 1, "DOTTED": 1, "DASHED": 1, "SOLID_MEDIUM": 2, "SOLID_THICK": 3, "DOUBLE": 3}
    if out.get("style") in widths:
        out.setdefault("width", widths[out["style"]])
    mirror_colors(out, "color", "colorStyle")
    out.setdefault("color", {})
    out.setdefault("colorStyle", {"rgbColor": out["color"]})
    return out
