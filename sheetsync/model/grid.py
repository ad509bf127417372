"""Raw grids: the cells of a tab as a backend reads them, before any parsing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Grid = list[list[Any]]


def trim(values: Grid) -> Grid:
    """Copy rows without trailing blank cells and trailing blank rows, as Google's values API returns them."""
    rows = []
    for line in values:
        end = len(line)
        while end and line[end - 1] in (None, ""):
            end -= 1
        rows.append(list(line[:end]))
    while rows and not rows[-1]:
        rows.pop()
    return rows


@dataclass(frozen=True)
class SheetView:
    """A tab's view as read: frozen header rows and columns, column widths (characters) and hidden columns."""

    frozen_rows: int = 0
    frozen_cols: int = 0
    widths: Mapping[int, float] = field(default_factory=dict)
    hidden_cols: frozenset[int] = frozenset()


@dataclass
class TabData:
    """Raw cells of one tab as read: values row-major from sheet row 1, and sheetsync's own notes."""

    name: str
    values: Grid
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    view: SheetView = field(default_factory=SheetView)
    partial: bool = False  # only part of the tab was read (a guard scope): other cells read as blank
    notes_read: bool = True  # False: `notes` was not read (the engine keeps a digest of its notes in _Meta)

    def cell(self, row: int, col: int) -> Any:
        if row - 1 < len(self.values) and col - 1 < len(self.values[row - 1]):
            return self.values[row - 1][col - 1]
        return None
