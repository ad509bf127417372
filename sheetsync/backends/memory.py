"""In-memory workbook: the reference behaviour, used by tests and notebooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbookError
from ..model.grid import Grid, SheetView, TabData, trim
from ..model.layout import NOTE_PREFIX, ColumnLook, TabLayout
from ..model.values import to_cell
from .base import Backend, GuardScope, WriteBatch


@dataclass
class MemoryTab:
    values: Grid = field(default_factory=list)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    layout: TabLayout = field(default_factory=TabLayout)
    dropdowns: dict[int, list[str]] = field(default_factory=dict)
    looks: dict[int, ColumnLook] = field(default_factory=dict)  # column -> width, wrap, hidden
    frozen: tuple[int, int] = (0, 0)  # (rows, columns)

    @property
    def view(self) -> SheetView:
        return SheetView(
            self.frozen[0],
            self.frozen[1],
            {c: look.width for c, look in self.looks.items() if look.width is not None},
            frozenset(c for c, look in self.looks.items() if look.hidden),
        )


class MemoryBackend(Backend):
    """Tabs held in Python lists; `memory:NAME` targets share one instance per process."""

    def __init__(self, tabs: dict[str, Grid] | None = None, target: str = "memory:"):
        self.target = target
        self.tabs: dict[str, MemoryTab] = {}
        self.requests = 0
        self.writes = 0
        self.hooks: list[Callable[[str], None]] = []  # called with "read", "guard", "write": a person editing
        for name, rows in (tabs or {}).items():
            self.tabs[name] = MemoryTab(values=[list(r) for r in rows])

    @classmethod
    def named(cls, target: str) -> MemoryBackend:
        """`memory:` is a new empty workbook; `memory:NAME` is the one workbook of that name in SHARED."""
        name = target.partition(":")[2]
        if not name:
            return cls(target=target)
        return SHARED.get(name, lambda: cls(target=target))

    def _event(self, kind: str) -> None:
        self.requests += 1
        for hook in list(self.hooks):
            hook(kind)

    def tab_names(self) -> list[str]:
        self._event("metadata")
        return list(self.tabs)

    def read(self, tabs: Sequence[str]) -> dict[str, TabData]:
        self._event("read")
        return self._snapshot(tabs)

    def guard_read(self, tabs: Sequence[str], scopes: Mapping[str, GuardScope] | None = None) -> dict[str, TabData]:
        self._event("guard")
        return self._snapshot(tabs)

    def _snapshot(self, tabs: Sequence[str]) -> dict[str, TabData]:
        out = {}
        for name in tabs:
            tab = self.tabs.get(name)
            if tab is not None:
                ours = {cell: text for cell, text in tab.notes.items() if text.startswith(NOTE_PREFIX)}
                out[name] = TabData(name, trim(tab.values), ours, tab.view)  # trim copies rows
        return out

    def write(self, batch: WriteBatch) -> None:
        if not batch:
            return
        self._event("write")
        self.writes += 1
        for new in batch.new_tabs:
            tab = self.tabs.setdefault(new.name, MemoryTab(hidden=new.hidden, frozen=new.freeze or (1, 0)))
            for offset, header in enumerate(new.headers):
                _put(tab.values, 1, new.first_new_col + offset, header)
            tab.dropdowns.update({new.first_new_col + c - 1: v for c, v in new.dropdowns.items()})
            tab.looks.update(new.looks)
            if new.freeze is not None:
                tab.frozen = new.freeze
        for cell in batch.every_cell():
            self._tab(cell.tab, cell)
            _put(self.tabs[cell.tab].values, cell.row, cell.col, cell.value)
        for note in batch.notes:
            tab = self._tab(note.tab, note)
            at = (note.row, note.col)
            if not tab.notes.get(at, NOTE_PREFIX).startswith(NOTE_PREFIX):
                continue  # a person's own note, and the colour with it, stay as they are
            if note.note is None:
                tab.notes.pop(at, None)
                tab.fills.pop(at, None)
            else:
                tab.notes[at] = note.note
                tab.fills[at] = note.fill or ""
        for content in batch.contents:
            tab = self.tabs.setdefault(content.name, MemoryTab())
            tab.values = [[to_cell(v) for v in r] for r in content.rows]
            tab.layout, tab.hidden = content.layout, content.layout.hidden

    def _tab(self, name: str, where: Any) -> MemoryTab:
        if name not in self.tabs:
            raise WorkbookError(f"cannot write {where}: the workbook has no tab {name!r}")
        return self.tabs[name]

    def values(self, tab: str) -> Grid:
        """Trimmed rows of a tab, as a person would see them."""
        return trim(self.tabs[tab].values)


def _put(values: Grid, row: int, col: int, value: Any) -> None:
    while len(values) < row:
        values.append([])
    line = values[row - 1]
    while len(line) < col:
        line.append(None)
    line[col - 1] = value


class MemoryWorkbooks:
    """The named in-memory workbooks of this process (`memory:NAME`), so a CLI call made in a test or a
    notebook reaches the workbook built beside it. The one shared registry sheetsync keeps: visible,
    and emptied with `SHARED.clear()`."""

    def __init__(self) -> None:
        self._books: dict[str, MemoryBackend] = {}

    def get(self, name: str, make: Callable[[], MemoryBackend]) -> MemoryBackend:
        if name not in self._books:
            self._books[name] = make()
        return self._books[name]

    def names(self) -> list[str]:
        return sorted(self._books)

    def clear(self) -> None:
        self._books.clear()


SHARED = MemoryWorkbooks()
