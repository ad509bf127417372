"""Finding a row as read in the workbook as it is now: by its key and its person-owned cells, never by position."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..backends.base import NoteWrite
from ..model.grid import TabData
from ..model.keys import KeyIndex, cell_norm
from ..model.problems import RowRead
from ..model.tab import Row, Tab, match_text, print_text
from ..model.values import describe

Annotation = tuple[str, str | None]  # (note text, fill colour: None for a note that is no problem)


class RowFinder:
    """Finds, for a row as read, the row that holds it now: the same key and the same person-owned cells."""

    def __init__(self, tabs: Mapping[str, Tab], indexes: Mapping[str, KeyIndex]):
        self.tabs, self.indexes = tabs, indexes
        self._found: dict[tuple[str, int, str], int | str] = {}
        self._by_column: dict[tuple[str, str], dict[str, list[int]]] = {}
        self._prints: dict[tuple[str, int], str] = {}
        self._by_key: dict[str, dict[str | None, list[Row]]] = {}
        self._changed: dict[tuple[RowRead, ...], str | None] = {}

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
        if len(rows) == 1 and not read.repeated:
            if index.fingerprint(rows[0]) == wanted:
                return rows[0]
            return f"a person changed {_changes(wanted, index.fingerprint(rows[0]))} while the job ran"
        same = [r for r in rows if index.fingerprint(r) == wanted]
        if read.repeated:
            # A key repeated when read: the rows sharing it must still be those read, in that order (which one
            # comes first decides what each is told, "already used in row N", and a copy deleted or given its
            # own key meanwhile leaves nothing to tell). Then the row is the one at its place among them: the
            # one with its cells, or, among copies alike in every cell, the same copy.
            sharing = self._sharing_rows(tab, read.shown_key or key)
            if same and [index.fingerprint(r) for r in rows] == [r.fingerprint() for r in sharing]:
                if len(same) == 1:
                    return same[0]
                # copies alike in the cells people own are interchangeable only if alike in every cell
                # (else a sort swapping them would give one the other's Issues)
                if {self._printed(tab, index, r) for r in same} == {read.printed}:
                    return rows[next(i for i, r in enumerate(sharing) if r.sheet_row == sheet_row)]
            return f"the rows sharing its key ({_rows(rows)}) were sorted, changed, added or removed while the job ran"
        if same:  # a key on one row when read, pasted since: a write would land on one of two look-alikes
            return (
                f"its key is now on {len(rows)} rows ({_rows(rows)}): a copy of the row was pasted; "
                "give the copy its own key or delete it"
            )
        return f"its key is now on {len(rows)} rows ({_rows(rows)}) and none holds the cells as read"

    def row_changed(self, tab: str, sheet_row: int, row: int, column: str) -> str | None:
        """Why the row found for a write to `column` no longer holds its other cells as read (a person typed
        into a job's cell too), or None: for a write computed from the whole row (its Issues cell); `column`
        itself has its own check."""
        index, typed = self.indexes.get(tab), self.tabs.get(tab)
        read = typed.by_sheet_row.get(sheet_row) if typed is not None else None
        if index is None or index.schema is None or read is None:
            return None
        if self._printed(tab, index, row) == read.printed:  # every cell as read (the usual case)
            return None
        before = {h: cell_norm(v) for h, v in read.as_read().items() if h != column}
        after = {h: cell_norm(v) for h, v in index.cells(row).items() if h != column}
        if before == after:
            return None
        return f"a person changed {_changes(before, after)} while the job ran"

    def _sharing_rows(self, tab: str, key: str) -> list[Row]:
        """The rows that held `key` when read, in sheet order."""
        if tab not in self._by_key:  # once per tab: a scan of every row for each repeated key was quadratic
            rows: dict[str | None, list[Row]] = {}
            for r in self.tabs[tab].rows:
                rows.setdefault(match_text(r.shown_key or r.key), []).append(r)
            self._by_key[tab] = rows
        return self._by_key[tab].get(match_text(key), [])

    def changed(self, reads: tuple[RowRead, ...]) -> str | None:
        """Why rows a value was computed from are no longer as read (None: they are), for the conflict message.

        Asked once per set of reads: the writes to one row mostly share theirs."""
        if reads not in self._changed:
            self._changed[reads] = self._why_changed(reads)
        return self._changed[reads]

    def _why_changed(self, reads: Iterable[RowRead]) -> str | None:
        for read in reads:
            index = self.indexes.get(read.tab)
            if index is None or index.schema is None:
                return f"the {read.tab} tab it was computed from is gone"
            if read.sheet_row is not None:
                found = self.find(read.tab, read.sheet_row, read.key)
                if isinstance(found, str):
                    return f"the {read.tab} row it was computed from: {found}"
                if (self._printed(read.tab, index, found),) != read.prints:
                    return f"a person changed the {read.tab} row it was computed from (row {found}) while the job ran"
                continue
            rows = self._holding(read.tab, index, read.column or index.schema.key).get(match_text(read.key) or "", [])
            now = tuple(self._printed(read.tab, index, r) for r in rows)  # in sheet order, as `read_of` for a key
            if read.column is not None:
                now = tuple(sorted(now))
            if now == read.prints:
                continue
            what = f"{read.tab} rows with {read.column} {read.key}" if read.column else f"{read.tab} row {read.key}"
            if not read.prints:
                return f"it was computed while there were no {what}, and now there are ({_rows(rows)})"
            if not rows:
                return f"the {what} it was computed from are gone (deleted, or changed)"
            return f"a person changed the {what} it was computed from ({_rows(rows)}) while the job ran"
        return None

    def _printed(self, tab: str, index: KeyIndex, row: int) -> str:
        """A row's cells now as one comparable text, made once per row however many writes read it."""
        if (tab, row) not in self._prints:
            self._prints[(tab, row)] = print_text(index.cells(row))
        return self._prints[(tab, row)]

    def _holding(self, tab: str, index: KeyIndex, header: str) -> dict[str, list[int]]:
        """The rows of a tab now by the text in one column (as `Tab.read_of` finds them as read)."""
        if (tab, header) not in self._by_column:
            col = index.col(header)
            found: dict[str, list[int]] = {}
            for row in index.rows:
                text = match_text(row.cells[col - 1]) if col is not None and col - 1 < len(row.cells) else None
                if text is not None:
                    found.setdefault(text, []).append(row.sheet_row)
            self._by_column[(tab, header)] = found
        return self._by_column[(tab, header)]


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
