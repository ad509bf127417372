"""A1 notation: parse and format ranges the way the Sheets API v4 does."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
# Names that must be quoted: anything that is not a plain identifier, and identifiers
# that Google would read as a cell (D3) or an R1C1 reference (R2C3).
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|true|false)$", re.IGNORECASE)


class RangeError(ValueError):
    """A range string that Google would refuse with 'Unable to parse range'."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range: sheet name (None = first sheet) and 0-based half-open bounds (None = open)."""

    sheet: str | None
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


def column_letters(index: int) -> str:
    """0-based column index -> letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Letters -> 0-based column index (A -> 0)."""
    value = 0
    for char in letters.upper():
        value = value * 26 + ord(char) - 64
    return value - 1


def quote_sheet_name(name: str) -> str:
    """Quote a sheet name only when Google does (spaces, symbols, cell-like names)."""
    if _PLAIN_NAME.match(name) and not _LOOKS_LIKE_CELL.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str]:
    """Split "'It''s'!A1:B2" into ("It's", "A1:B2"); a bare name yields (name, "")."""
    text = text.strip()
    if text.startswith("'"):
        end = 1
        while True:
            end = text.find("'", end)
            if end == -1:
                raise RangeError(text)
            if text[end + 1 : end + 2] == "'":
                end += 2
                continue
            break
        name = text[1:end].replace("''", "'")
        rest = text[end + 1 :]
        if rest and not rest.startswith("!"):
            raise RangeError(text)
        return name, rest[1:]
    if "!" in text:
        name, _, cells = text.rpartition("!")
        return name, cells
    return None, text


def _parse_corner(text: str) -> tuple[int | None, int | None]:
    """'B3' -> (row 2, col 1); 'B' -> (None, 1); '3' -> (2, None)."""
    match = _CELL.match(text.strip())
    if not match or not text.strip():
        raise RangeError(text)
    letters, digits = match.groups()
    if len(letters) > 3 or (digits and int(digits) == 0):
        raise RangeError(text)
    row = int(digits) - 1 if digits else None
    col = column_index(letters) if letters else None
    return row, col


def parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None]:
    """Cell part of a range -> (start_row, end_row, start_col, end_col), half-open, None = open."""
    if not cells:
        return None, None, None, None
    first, _, second = cells.partition(":")
    r1, c1 = _parse_corner(first)
    if not second:
        if r1 is None or c1 is None:
            # "A" alone is a sheet name, not a range; callers resolve that case first.
            raise RangeError(cells)
        return r1, r1 + 1, c1, c1 + 1
    r2, c2 = _parse_corner(second)
    rows = _ordered(r1, r2)
    cols = _ordered(c1, c2)
    return rows[0], None if rows[1] is None else rows[1] + 1, cols[0], None if cols[1] is None else cols[1] + 1


def _ordered(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    """Order two bounds; Google accepts reversed corners (D4:A1 means A1:D4)."""
    if a is not None and b is not None and a > b:
        return b, a
    if a is None and b is not None:
        # "A:B5"-style mixes read as starting at the first row/column.
        return 0, b
    return a, b


def parse_range(text: str, sheet_names: frozenset[str] | set[str] = frozenset()) -> A1Range:
    """Parse any A1 string Google accepts: 'S'!A1:B2, S!A:A, A1:B2 (first sheet), bare S."""
    if not text.strip():
        raise RangeError(text)
    if text.strip().startswith("'") and "!" not in text.strip()[-1:] and text.strip().endswith("'"):
        return A1Range(split_sheet(text)[0])
    sheet, cells = split_sheet(text)
    if sheet is None and cells.strip() in sheet_names:
        # Like Google, an existing sheet's title wins over reading it as a cell.
        return A1Range(cells.strip())
    try:
        return A1Range(sheet, *parse_cells(cells))
    except RangeError:
        if sheet is None:
            return A1Range(cells.strip())  # unknown bare name: the caller reports it
        raise


def format_range(sheet: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """Bounded 0-based half-open box -> "Sheet1!A1:B2" (a single cell stays "Sheet1!A1")."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    last = f"{column_letters(end_col - 1)}{end_row}"
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_sheet_name(sheet)}!{cells}"
