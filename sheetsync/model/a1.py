"""A1 notation: column letters, cell references and the one way sheet names are quoted."""

from __future__ import annotations

import re

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_letter(col: int) -> str:
    """1-based column number to its letters (1 -> A, 27 -> AA)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """Column letters to the 1-based column number (A -> 1, AA -> 27)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def a1(row: int, col: int) -> str:
    """1-based row and column to an A1 reference."""
    return f"{column_letter(col)}{row}"


def parse_cell(ref: str) -> tuple[int, int]:
    """'B12' (or '$B$12') -> (row 12, col 2); ValueError for anything else."""
    match = _CELL_RE.match(ref.strip())
    if match is None:
        raise ValueError(f"{ref!r} is not a cell reference like B12")
    return int(match.group(2)), column_number(match.group(1))


def quote_sheet_name(name: str) -> str:
    """A sheet name as A1 notation needs it: always in single quotes, inner quotes doubled.

    Google Sheets, Excel and LibreOffice all accept a quoted name even where quotes are optional,
    so quoting every name is the one rule that is never wrong.
    """
    return "'" + name.replace("'", "''") + "'"


def sheet_ref(sheet: str, row: int, col: int, width: int = 1, height: int = 1) -> str:
    """'Orders'!A12, or 'Orders'!A12:C14 for a block of `width` x `height` cells."""
    first = a1(row, col)
    if width == 1 and height == 1:
        return f"{quote_sheet_name(sheet)}!{first}"
    return f"{quote_sheet_name(sheet)}!{first}:{a1(row + height - 1, col + width - 1)}"


def split_ref(ref: str) -> tuple[str, str]:
    """ "'My Tab'!A3" -> ("My Tab", "A3"); a bare "A3" -> ("", "A3")."""
    sheet, bang, cell = ref.rpartition("!")
    if not bang:
        return "", ref
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cell
