"""The small interface every workbook backend implements, shaped after Google's batch API.

A backend reads many tabs in one call and applies one WriteBatch (values, notes, new tabs,
whole-tab replacements) in one call. Rows and columns are 1-based sheet numbers.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model.grid import TabData
from ..model.layout import NewTab, TabContent
from ..model.values import to_cell

NOTE_AUTHOR = "sheetsync"
LEASE_SECONDS = 900  # a run holding the workbook longer than this is presumed dead


@dataclass(frozen=True, slots=True)
class CellWrite:
    tab: str
    row: int
    col: int
    value: Any


@dataclass(frozen=True, slots=True)
class NoteWrite:
    """Set (note and fill) or remove (note None) sheetsync's note and highlight on one cell."""

    tab: str
    row: int
    col: int
    note: str | None
    fill: str | None = None


@dataclass(frozen=True)
class GuardScope:
    """What the guard must see again of one tab, when not all of it: a backend may read just this.

    The header row, the whole key column (to find every row holding a key now), the whole of each column in
    `columns` (values were computed from the rows holding a value there) and `rows` (as read) in full;
    `tail`: an append-only tab, where the first data row and the last rows are enough; `end` (when not 0):
    every row from that one on too (the last rows as read, and any added since), for rows the run adds after
    them. What a backend returns for a scoped tab holds those cells, with every other cell blank.
    """

    key_col: int | None = None
    rows: frozenset[int] = frozenset()
    keys: frozenset[str] = frozenset()  # the keys (as read) of those rows
    tail: bool = False
    # (header, column, values as `match_text` gives them): every row holding one of them there now must be
    # among `rows`
    columns: tuple[tuple[str, int, frozenset[str]], ...] = ()
    end: int = 0


@dataclass(frozen=True, slots=True)
class RowsWrite:
    """Rows written from `first_row` down, `rows[i][j]` (as `to_cell` stores it) into column `cols[j]`; None and
    "" are written as nothing.

    What the audit appends: one of these holds a run's log lines instead of one CellWrite per logged cell
    (millions on a first run of a large workbook)."""

    tab: str
    first_row: int
    cols: tuple[int, ...]
    rows: Sequence[Sequence[Any]]

    def cells(self) -> Iterator[CellWrite]:
        for row, values in enumerate(self.rows, start=self.first_row):
            for col, value in zip(self.cols, values):
                if value is not None and value != "":
                    yield CellWrite(self.tab, row, col, to_cell(value))


@dataclass
class WriteBatch:
    """Everything one run writes, applied by the backend in as few requests as it can."""

    new_tabs: list[NewTab] = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)
    notes: list[NoteWrite] = field(default_factory=list)
    contents: list[TabContent] = field(default_factory=list)
    rows: list[RowsWrite] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new_tabs or self.cells or self.notes or self.contents or self.rows)

    def every_cell(self) -> Iterator[CellWrite]:
        """The cells written one by one, then those of the row blocks (made as they are asked for)."""
        yield from self.cells
        for block in self.rows:
            yield from block.cells()

    @property
    def cell_count(self) -> int:
        return len(self.cells) + sum(len(c.rows) for c in self.contents) + sum(len(b.rows) for b in self.rows)


class Backend(ABC):
    """A workbook store. Subclasses translate their vendor's errors into sheetsync errors."""

    target: str
    requests: int = 0  # requests (or file loads/saves) made so far, for run records

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workbook for one run so two runs cannot interleave."""
        yield

    @contextlib.contextmanager
    def lease(self, owner: str, seconds: float = LEASE_SECONDS) -> Iterator[None]:
        """Hold the workbook against every runner (cron, a schedule loop, other machines) for one run.

        Raises LockHeld when another owner holds it. The default is lock(): enough for a backend whose
        lock already reaches every runner (xlsx: a file lock beside the workbook). A shared online
        workbook overrides this with a lease it keeps in the workbook itself (Google Sheets: a row in
        the hidden _Meta tab with owner and expiry, taken by writing it and re-reading to confirm, let go
        at the end, and taken over once expired). Such a lease is best-effort: two runners racing within
        one read-write round trip can both believe they hold it, so the guard step (re-read before
        writing, writes addressed by key) stays the last line of defence.
        """
        with self.lock():
            yield

    @abstractmethod
    def tab_names(self) -> list[str]:
        """Names of the tabs in workbook order (the one metadata read)."""

    @abstractmethod
    def read(self, tabs: Sequence[str]) -> dict[str, TabData]:
        """Raw values (and sheetsync notes) of the named existing tabs, in one request."""

    def guard_read(self, tabs: Sequence[str], scopes: Mapping[str, GuardScope] | None = None) -> dict[str, TabData]:
        """The current state just before writing, to catch edits made since read().

        A backend where reading costs by the byte may read only `scopes[tab]` of a tab (see GuardScope).
        """
        return self.read(tabs)

    @abstractmethod
    def write(self, batch: WriteBatch) -> None:
        """Apply a batch all together (or nothing, where the backend can promise it)."""

    def close(self) -> None:  # noqa: B027 (most backends hold nothing; the hook is optional on purpose)
        """Release what the backend holds."""
