"""Finding a row as read in the workbook as it is now: by its key and its person-owned cells, never by position."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..backends.base import NoteWrite
from ..model.grid import TabData
from ..model.keys import KeyIndex
from ..model.tab import Tab
from ..model.values import describe

Annotation = tuple[str, str]  # (note text, fill colour)


class RowFinder:
    """Finds, for a row as read, the row that holds it now: the same key and the same person-owned cells."""

    def __init__(self, tabs: Mapping[str, Tab], indexes: Mapping[str, KeyIndex]):
        self.tabs, self.indexes = tabs, indexes
        self._found: dict[tuple[str, int, str], int | str] = {}

    def find(self, tab: str, sheet_row: int, key: str) -> int | str:
        """The row now, or why the row cannot be written to (a sentence for the conflict message).

        `key` is the row's key as read (for a row without one yet, its stand-in from the cells people typed).
        """
        where = (tab, sheet_row, key)
        if where not in self._found:
            self._found[where] = self._find(tab, sheet_row, key)
        return self._found[where]

    def locate(self, tab: str, sheet_row: int, key: str) -> int | str:
        """The row a link to a row as read should point at: the one row holding its key (as its MATCH finds it)."""
        index = self.indexes.get(tab)
        rows = index.where(key) if index is not None else []
        return rows[0] if len(rows) == 1 else self.find(tab, sheet_row, key)

    def _find(self, tab: str, sheet_row: int, key: str) -> int | str:
        index = self.indexes.get(tab)
        if index is None:
            return "the tab is gone"
        rows = index.where(key)
        if not rows:
            return "the row is gone (deleted, or its key changed)"
        read = self.tabs[tab].by_sheet_row.get(sheet_row) if tab in self.tabs else None
        if read is None:  # a tab the run did not type (system tabs): the key alone decides
            return rows[0] if len(rows) == 1 else f"its key is on {len(rows)} rows ({_rows(rows)})"
        wanted = read.fingerprint()
        if len(rows) == 1:
            if index.fingerprint(rows[0]) == wanted:
                return rows[0]
            return f"a person changed {_changes(wanted, index.fingerprint(rows[0]))} while the job ran"
        same = [r for r in rows if index.fingerprint(r) == wanted]
        if read.repeated and len(same) == 1:
            return same[0]  # a key repeated when read (only its notes are written): the row with its cells
        if same:  # a key on one row when read, pasted since: a write would land on one of two look-alikes
            return (
                f"its key is now on {len(rows)} rows ({_rows(rows)}): a copy of the row was pasted; "
                "give the copy its own key or delete it"
            )
        return f"its key is now on {len(rows)} rows ({_rows(rows)}) and none holds the cells as read"


def place_annotations(
    wanted: Mapping[str, Mapping[tuple[int, str], tuple[str, Annotation]]],
    current: Mapping[str, TabData],
    indexes: Mapping[str, KeyIndex],
    finder: RowFinder,
    only: Mapping[str, Mapping[int, str]] | None = None,
) -> list[NoteWrite]:
    """The note writes that make the tabs as they are now carry exactly the wanted notes.

    `wanted` is tab -> (row as read, column) -> (key, (text, fill)); a row that cannot be found gets none.
    `only[tab]` (row as read -> key): the rows whose notes are reconsidered, every other row's are left as they are.
    """
    notes = []
    for tab, cells in wanted.items():
        index, data = indexes.get(tab), current.get(tab)
        if index is None or data is None:
            continue
        target: dict[tuple[int, int], Annotation] = {}
        for (sheet_row, column), (key, annotation) in cells.items():
            row, col = finder.find(tab, sheet_row, key), index.col(column)
            if isinstance(row, int) and col is not None:
                target[(row, col)] = annotation
        existing = data.notes
        if only is not None and tab in only:
            now = {finder.find(tab, sheet_row, key) for sheet_row, key in only[tab].items()}
            existing = {cell: text for cell, text in existing.items() if cell[0] in now}
        for cell in sorted(set(existing) - set(target)):
            notes.append(NoteWrite(tab, cell[0], cell[1], None))
        for cell, (text, fill) in sorted(target.items()):
            if existing.get(cell) != text:
                notes.append(NoteWrite(tab, cell[0], cell[1], text, fill))
    return notes


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows))


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """'Purity 14K -> 18K' for the person-owned cells that differ."""
    said = [
        f"{h} {describe(before.get(h)) or '(blank)'} -> {describe(after.get(h)) or '(blank)'}"
        for h in sorted(set(before) | set(after))
        if before.get(h) != after.get(h)
    ]
    return "; ".join(said) or "the row"
