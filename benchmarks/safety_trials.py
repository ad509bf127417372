"""Randomized safety trials: people editing between a run's read and its write never lose anything.

    python benchmarks/safety_trials.py [--trials 200] [--seed 1] [--backend memory,xlsx,google] [--kills 50]

Each trial starts from the demo workbook (as `sheetsync demo` makes it, or after a run some days before)
and runs every job. Between the run's read and its write (when the engine starts its guard phase; on
xlsx also just before the write, or while the new file is being saved) a person makes 1-20 actions drawn
from: edit person cells, type into job cells, insert rows, delete rows, sort a tab, paste a copy of a row
(its key twice), add a column, add a note, and on xlsx save the file from another process (a separate
Python process plays the desktop app). Then it checks:

  lost person actions   every action is still there (cells typed, rows inserted or pasted, columns, notes),
                        and every person-owned cell is as the person left it unless the run wrote it
                        through the guard from exactly what it read (a named status move, a blank filled);
  misplaced writes      every cell written sits on the row holding its key, whose person-owned cells are
                        as the run read them, over a cell that held what the run read;
  stale writes          the value written is the one a run made after the person (a clean run on the
                        workbook as the person left it) puts there;
  conflicts = skipped   every planned write that was not made is reported as a conflict, once (on xlsx a
                        refused save reports every planned write);
  converged             a rerun makes the workbook that clean run made (values and sheetsync's notes;
                        the audit tabs and the lease aside).

Plus `--kills` SIGKILL trials: a run in a subprocess is killed at a random moment of its xlsx save; the file
must open in openpyxl (and in LibreOffice when `soffice` is installed) and equal the file before the run or
the one an uninterrupted run saves. Seeded: a trial's draws depend only on the seed, the backend and its
number, so `--only N` replays one trial. Prints one line per backend and the time each took.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import hashlib
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sheetsync  # noqa: E402
from sheetsync.backends.base import Backend  # noqa: E402
from sheetsync.backends.memory import MemoryBackend  # noqa: E402
from sheetsync.backends.xlsx import XlsxBackend  # noqa: E402
from sheetsync.backends.xlsx import cache as xlsx_cache  # noqa: E402
from sheetsync.engine.plan import NOTES_KEY, notes_digest  # noqa: E402
from sheetsync.errors import WorkbookChanged  # noqa: E402
from sheetsync.init import init  # noqa: E402
from sheetsync.model.keys import cell_norm, fold  # noqa: E402
from sheetsync.model.layout import FILLS, NOTE_PREFIX  # noqa: E402
from sheetsync.model.schema import Schema  # noqa: E402
from sheetsync.model.system import LOG, META, META_SCHEMA, RUNS  # noqa: E402
from sheetsync.model.values import date_to_serial  # noqa: E402

DAY = datetime(2026, 11, 26, 9, 0)
PERSON_TABS = ("SKUs", "Returns", "Influencers", "Gifts")
KINDS = ("edit", "type", "insert", "delete", "sort", "paste", "column", "note")
Grid = list[list[Any]]
Notes = dict[tuple[int, int], str]


def load_config() -> sheetsync.Config:
    return dataclasses.replace(sheetsync.load_config(ROOT / "config" / "sheetsync.toml"), target="memory:")


# -- what a person does, as primitives every backend can replay -------------------------------------------


@dataclass(frozen=True)
class Prim:
    """One edit: set (row, col) to value; copy a cell's value; insert, delete or reorder rows; set a note."""

    op: str  # set | copy | insert | paste | delete | order | note | save
    tab: str = ""
    row: int = 0
    col: int = 0
    value: Any = None
    source: int = 0  # copy: the row whose value is copied; paste: the row pasted
    order: tuple[int, ...] = ()  # order: the data rows (sheet rows) in their new order


@dataclass
class Effect:
    """What must still be there after the run: a cell's value or note, on a row followed through moves."""

    tab: str
    row_id: int
    col: int
    value: Any
    note: bool = False


@dataclass
class Action:
    kind: str
    prims: list[Prim]
    effects: list[Effect] = field(default_factory=list)


class Mirror:
    """The person's view of the workbook while acting: grids with an identity per row, to follow moves."""

    def __init__(self, grids: Mapping[str, Grid], notes: Mapping[str, Notes]):
        self.grids = {t: [list(r) for r in g] for t, g in grids.items()}
        self.ids = {t: list(range(len(g))) for t, g in self.grids.items()}  # index 0: the header row
        self.next_id = 1_000_000
        self.notes = {t: dict(n) for t, n in notes.items()}

    def width(self, tab: str) -> int:
        return max((len(r) for r in self.grids[tab]), default=0)

    def cell(self, tab: str, row: int, col: int) -> Any:
        line = self.grids[tab][row - 1]
        return line[col - 1] if col - 1 < len(line) else None

    def put(self, tab: str, row: int, col: int, value: Any) -> None:
        line = self.grids[tab][row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value

    def position(self, tab: str, row_id: int) -> int | None:
        ids = self.ids[tab]
        return ids.index(row_id) + 1 if row_id in ids else None

    def _shift_notes(self, tab: str, moved: Callable[[int], int | None]) -> None:
        out = {}
        for (r, c), text in self.notes.get(tab, {}).items():
            new = moved(r)
            if new is not None:
                out[(new, c)] = text
        self.notes[tab] = out

    def apply(self, p: Prim) -> None:
        grid, ids = self.grids.get(p.tab), self.ids.get(p.tab)
        if p.op == "set":
            self.put(p.tab, p.row, p.col, p.value)
        elif p.op == "copy":
            self.put(p.tab, p.row, p.col, self.cell(p.tab, p.source, p.col))
        elif p.op in ("insert", "paste"):
            assert grid is not None and ids is not None
            line = list(grid[p.source - 1]) if p.op == "paste" else list(p.value)
            notes = {c: t for (r, c), t in self.notes.get(p.tab, {}).items() if r == p.source}
            self._shift_notes(p.tab, lambda r: r + 1 if r >= p.row else r)
            grid.insert(p.row - 1, line)
            ids.insert(p.row - 1, self.next_id)
            self.next_id += 1
            if p.op == "paste":  # a pasted row brings the notes of the row copied (Google and Excel both do)
                for c, text in notes.items():
                    self.notes[p.tab][(p.row, c)] = text
        elif p.op == "delete":
            assert grid is not None and ids is not None
            del grid[p.row - 1]
            del ids[p.row - 1]
            self._shift_notes(p.tab, lambda r: None if r == p.row else (r - 1 if r > p.row else r))
        elif p.op == "order":
            assert grid is not None and ids is not None
            where = {old: new for new, old in enumerate(p.order, start=2)}
            grid[1 : 1 + len(p.order)] = [grid[old - 1] for old in p.order]
            ids[1 : 1 + len(p.order)] = [ids[old - 1] for old in p.order]
            self._shift_notes(p.tab, lambda r: where.get(r, r))
        elif p.op == "note":
            self.notes.setdefault(p.tab, {})[(p.row, p.col)] = p.value


class Person:
    """Draws a person's actions against the mirror (and applies them to it, so the next one sees them)."""

    def __init__(
        self,
        rng: random.Random,
        mirror: Mirror,
        schemas: Mapping[str, Schema],
        tag: str,
        xlsx: bool,
        formulas: Mapping[str, set[int]],
    ):
        self.rng, self.m, self.schemas, self.tag, self.xlsx = rng, mirror, schemas, tag, xlsx
        self.formulas = formulas
        self.n = 0

    def actions(self, count: int) -> list[Action]:
        out = []
        kinds = KINDS + (("save",) if self.xlsx else ())
        while len(out) < count:
            kind = self.rng.choice(kinds)
            action = getattr(self, f"_{kind}")()
            if action is None:
                continue
            for p in action.prims:
                self.m.apply(p)
            action.effects = [e for e in action.effects if e.note or e.col not in self.formulas.get(e.tab, ())]
            touched = {(e.tab, e.row_id, e.col, e.note) for e in action.effects}
            for earlier in out:  # what this action sets supersedes what an earlier one set there
                earlier.effects = [e for e in earlier.effects if (e.tab, e.row_id, e.col, e.note) not in touched]
            out.append(action)
        if self.xlsx and (not out or out[-1].kind != "save"):
            out.append(Action("save", [Prim("save")]))  # the desktop app's edits reach the file when saved
        return out

    # helpers
    def _marker(self, what: str) -> str:
        self.n += 1
        return f"{what} {self.tag}.{self.n}"

    def _tab(self) -> str:
        return self.rng.choice([t for t in PERSON_TABS if t in self.m.grids])

    def _headers(self, tab: str) -> list[Any]:
        return self.m.grids[tab][0]

    def _columns(self, tab: str, owner: str) -> list[int]:
        schema = self.schemas[tab]
        owners = {fold(c.header): c.owner for c in schema.columns}
        return [
            i
            for i, h in enumerate(self._headers(tab), start=1)
            if h is not None and owners.get(fold(str(h)), "person") == owner and i not in self.formulas.get(tab, ())
        ]

    def _row(self, tab: str) -> int | None:
        last = len(self.m.grids[tab])
        return self.rng.randint(2, last) if last >= 2 else None

    def _id(self, tab: str, row: int) -> int:
        return self.m.ids[tab][row - 1]

    # the actions
    def _edit(self) -> Action | None:
        tab = self._tab()
        row, cols = self._row(tab), self._columns(tab, "person")
        if row is None or not cols:
            return None
        key_col = self._key_col(tab)
        others = [c for c in cols if c != key_col]
        col = key_col if (key_col and self.rng.random() < 0.1) or not others else self.rng.choice(others)
        how = self.rng.random()
        if how < 0.45 and len(self.m.grids[tab]) > 2:  # a value another row has: realistic, often valid
            source = self._row(tab)
            assert source is not None
            value = self.m.cell(tab, source, col)
            prim = Prim("copy", tab, row, col, source=source)
        elif how < 0.8:
            value = self._marker("edited")
            prim = Prim("set", tab, row, col, value)
        else:
            value = None
            prim = Prim("set", tab, row, col, None)
        return Action("edit", [prim], [Effect(tab, self._id(tab, row), col, value)])

    def _key_col(self, tab: str) -> int | None:
        key = fold(self.schemas[tab].key)
        return next((i for i, h in enumerate(self._headers(tab), 1) if h and fold(str(h)) == key), None)

    def _type(self) -> Action | None:
        tab = self._tab()
        row, cols = self._row(tab), self._columns(tab, "job")
        if row is None or not cols:
            return None
        col = self.rng.choice(cols)
        value = self._marker("typed by a person")
        return Action("type", [Prim("set", tab, row, col, value)], [Effect(tab, self._id(tab, row), col, value)])

    def _new_line(self, tab: str) -> list[Any]:
        """A new row: a new key and a few person-owned cells copied from another row."""
        width = len(self._headers(tab))
        line: list[Any] = [None] * width
        source = self._row(tab)
        for col in self._columns(tab, "person"):
            if source is not None and self.rng.random() < 0.6:
                line[col - 1] = self.m.cell(tab, source, col)
        key_col = self._key_col(tab)
        if key_col:
            line[key_col - 1] = self._marker("NEW") if self.rng.random() < 0.8 else None
        return line

    def _insert(self) -> Action | None:
        tab = self._tab()
        at = self.rng.randint(2, len(self.m.grids[tab]) + 1)
        line = self._new_line(tab)
        action = Action("insert", [Prim("insert", tab, at, value=tuple(line))])
        new_id = self.m.next_id
        action.effects = [Effect(tab, new_id, c, v) for c, v in enumerate(line, start=1) if v is not None]
        return action

    def _delete(self) -> Action | None:
        tab = self._tab()
        row = self._row(tab)
        return None if row is None else Action("delete", [Prim("delete", tab, row)])

    def _sort(self) -> Action | None:
        tab = self._tab()
        grid = self.m.grids[tab]
        if len(grid) < 3:
            return None
        col = self.rng.randint(1, max(1, len(self._headers(tab))))
        rows = list(range(2, len(grid) + 1))
        reverse = self.rng.random() < 0.5

        def by(r: int) -> tuple[int, str]:
            v = self.m.cell(tab, r, col)
            return (1, "") if v is None or v == "" else (0, f"{v:020.6f}" if isinstance(v, float | int) else str(v))

        blanks = [r for r in rows if by(r)[0] == 1]  # blanks sort last either way, as spreadsheets do
        filled = sorted((r for r in rows if by(r)[0] == 0), key=by, reverse=reverse)
        order = tuple(filled + blanks)
        return None if list(order) == rows else Action("sort", [Prim("order", tab, order=order)])

    def _paste(self) -> Action | None:
        tab = self._tab()
        source = self._row(tab)
        if source is None:
            return None
        at = source + 1 if self.rng.random() < 0.5 else len(self.m.grids[tab]) + 1
        line = self.m.grids[tab][source - 1]
        new_id = self.m.next_id
        effects = [Effect(tab, new_id, c, v) for c, v in enumerate(line, start=1) if v is not None]
        return Action("paste", [Prim("paste", tab, at, source=source)], effects)

    def _column(self) -> Action | None:
        tab = self._tab()
        col = len(self._headers(tab)) + 1
        header = self._marker("Notes by hand")
        action = Action("column", [Prim("set", tab, 1, col, header)], [Effect(tab, 0, col, header)])
        rows = list(range(2, len(self.m.grids[tab]) + 1))
        for row in self.rng.sample(rows, min(len(rows), self.rng.randint(0, 3))):
            if row is not None:
                value = self._marker("by hand")
                action.prims.append(Prim("set", tab, row, col, value))
                action.effects.append(Effect(tab, self._id(tab, row), col, value))
        return action

    def _note(self) -> Action | None:
        tab = self._tab()
        row = self._row(tab)
        width = len(self._headers(tab))
        if row is None or not width:
            return None
        col = self.rng.randint(1, width)
        text = self._marker("Note from Claire:")
        return Action("note", [Prim("note", tab, row, col, text)], [Effect(tab, self._id(tab, row), col, text, True)])

    def _save(self) -> Action | None:
        return Action("save", [Prim("save")])


# -- the backends: a workbook to copy, edit like a person, read back and run on ---------------------------


class Adapter:
    """One backend kind: `start` makes a workbook, `copy` an independent copy, `apply` a person's edits."""

    name = ""
    moments: tuple[str, ...] = ("guard",)  # when, within a run, a person's edits land

    def start(self, config: sheetsync.Config, rows: Mapping[str, list[dict[str, Any]]]) -> Any:
        raise NotImplementedError

    def copy(self, handle: Any) -> Any:
        raise NotImplementedError

    def backend(self, handle: Any) -> Backend:
        raise NotImplementedError

    def apply(self, handle: Any, prims: list[Prim]) -> None:
        raise NotImplementedError

    def notes(self, handle: Any, tabs: list[str]) -> dict[str, Notes]:
        raise NotImplementedError

    def formula_cols(self, handle: Any) -> dict[str, set[int]]:
        """The columns holding a person's formulas: their values follow their inputs, not the person."""
        return {}

    def fills(self, handle: Any, tab: str) -> dict[tuple[int, int], str]:
        """{(row, col): background as hex}, where the backend keeps a digest of its notes instead of reading them."""
        return {}

    def grids(self, handle: Any) -> dict[str, Grid]:
        backend = self.backend(handle)
        return {name: data.values for name, data in backend.read(backend.tab_names()).items()}

    @contextlib.contextmanager
    def during_save(self, edit: Callable[[], None]) -> Iterator[None]:
        yield

    def close(self) -> None:
        pass


class MemoryAdapter(Adapter):
    name = "memory"

    def start(self, config, rows):
        backend = MemoryBackend()
        init(config, backend, rows)
        return backend

    def copy(self, handle):
        twin = MemoryBackend(target=handle.target)
        twin.tabs = copy.deepcopy(handle.tabs)
        return twin

    def backend(self, handle):
        return handle

    def notes(self, handle, tabs):
        return {t: dict(handle.tabs[t].notes) for t in tabs if t in handle.tabs}

    def apply(self, handle, prims):
        for p in prims:
            if p.op == "save":
                continue
            tab = handle.tabs[p.tab]
            values = tab.values
            if p.op in ("set", "copy"):
                value = p.value if p.op == "set" else _at(values, p.source, p.col)
                while len(values) < p.row:
                    values.append([])
                line = values[p.row - 1]
                line.extend([None] * (p.col - len(line)))
                line[p.col - 1] = value
            elif p.op in ("insert", "paste"):
                line = list(values[p.source - 1]) if p.op == "paste" else list(p.value)
                copied = {c: (t, tab.fills.get((r, c))) for (r, c), t in tab.notes.items() if r == p.source}
                _move(tab, lambda r, at=p.row: r + 1 if r >= at else r)
                values.insert(p.row - 1, line)
                if p.op == "paste":
                    for c, (text, fill) in copied.items():
                        tab.notes[(p.row, c)] = text
                        if fill is not None:
                            tab.fills[(p.row, c)] = fill
            elif p.op == "delete":
                del values[p.row - 1]
                _move(tab, lambda r, at=p.row: None if r == at else (r - 1 if r > at else r))
            elif p.op == "order":
                where = {old: new for new, old in enumerate(p.order, start=2)}
                values[1 : 1 + len(p.order)] = [values[old - 1] for old in p.order]
                _move(tab, lambda r, where=where: where.get(r, r))
            elif p.op == "note":
                tab.notes[(p.row, p.col)] = p.value


def _at(values: Grid, row: int, col: int) -> Any:
    if row - 1 >= len(values):
        return None
    line = values[row - 1]
    return line[col - 1] if col - 1 < len(line) else None


def _move(tab: Any, moved: Callable[[int], int | None]) -> None:
    for name in ("notes", "fills"):
        cells = getattr(tab, name)
        setattr(tab, name, {(moved(r), c): v for (r, c), v in cells.items() if moved(r) is not None})


class GoogleAdapter(Adapter):
    """Google Sheets on sheetsync's own emulator, over loopback HTTP."""

    name = "google"

    def __init__(self) -> None:
        from sheetsync.testing import SheetsEmulator

        self.emulator = SheetsEmulator().start()

    def close(self) -> None:
        self.emulator.stop()

    def start(self, config, rows):
        key = self.emulator.create_spreadsheet("trials", {"Sheet1": []})
        init(dataclasses.replace(config, target=f"gsheets:{key}"), self.backend(key), rows)
        return key

    def copy(self, handle):
        from sheetsync.testing.sheets_model import new_spreadsheet_id

        state = self.emulator.state
        with state.lock:
            book = dataclasses.replace(state.book(handle).snapshot(), spreadsheet_id=new_spreadsheet_id())
            return state.add(book)

    def backend(self, handle):
        from sheetsync.backends.gsheets.backend import EndpointSession, GoogleSheetsBackend

        settings = {"attempts": 3, "initial_wait": 0.001, "max_wait": 0.01, "max_total_wait": 0.5, "timeout": 30}
        return GoogleSheetsBackend(f"gsheets:{handle}", settings, session=EndpointSession(self.emulator.endpoint))

    def grids(self, handle):  # what the backend reads (UNFORMATTED_VALUE, dates as serial numbers), sans HTTP
        return {s.title: self.emulator.values(handle, s.title) for s in self.emulator.spreadsheet(handle).sheets}

    def formula_cols(self, handle):
        out: dict[str, set[int]] = {}
        for sheet in self.emulator.spreadsheet(handle).sheets:
            for (_, c), cell in sheet.cells.items():
                if cell.formula is not None:
                    out.setdefault(sheet.title, set()).add(c + 1)
        return out

    def fills(self, handle, tab):
        colours = self.emulator.background(handle, tab)
        return {
            cell: "".join(f"{round(rgb.get(c, 0.0) * 255):02X}" for c in ("red", "green", "blue"))
            for cell, rgb in colours.items()
        }

    def notes(self, handle, tabs):
        names = [s.title for s in self.emulator.spreadsheet(handle).sheets]
        return {t: self.emulator.notes(handle, t) for t in tabs if t in names}

    def apply(self, handle, prims):
        from sheetsync.testing.formula import recalculate, shift_formula
        from sheetsync.testing.sheets_model import shift_dimension
        from sheetsync.testing.userinput import apply_input

        state = self.emulator.state
        with state.lock:
            book = state.book(handle)
            for p in prims:
                if p.op == "save":
                    continue
                sheet = book.sheet_by_title(p.tab)
                assert sheet is not None
                if p.op in ("set", "copy"):
                    sheet.resize(max(sheet.rows, p.row), max(sheet.cols, p.col))
                    if p.op == "set":
                        apply_input(sheet.cell(p.row - 1, p.col - 1), p.value, False)
                    else:  # a paste of one cell: its value and format
                        source = sheet.cells.get((p.source - 1, p.col - 1))
                        target = sheet.cell(p.row - 1, p.col - 1)
                        note = target.note
                        if source is None:
                            apply_input(target, None, False)
                        else:
                            copied = source.copy()
                            copied.note = note
                            sheet.cells[(p.row - 1, p.col - 1)] = copied
                elif p.op == "insert":
                    shift_dimension(book, sheet, 0, p.row - 1, 1)
                    sheet.resize(cols=max(sheet.cols, len(p.value)))
                    for j, raw in enumerate(p.value):
                        apply_input(sheet.cell(p.row - 1, j), raw, False)
                elif p.op == "paste":  # a row's cells, notes and formats, formulas moved to their new row
                    source = {c: cell.copy() for (r, c), cell in sheet.cells.items() if r == p.source - 1}
                    shift_dimension(book, sheet, 0, p.row - 1, 1)
                    for c, cell in source.items():
                        if cell.formula is not None:
                            cell.formula = shift_formula(cell.formula, p.row - p.source, 0)
                        sheet.cells[(p.row - 1, c)] = cell
                elif p.op == "delete":
                    shift_dimension(book, sheet, 0, p.row - 1, -1)
                elif p.op == "order":  # Data > Sort range: cells, notes and formats move with their rows
                    where = {old - 1: new - 1 for new, old in enumerate(p.order, start=2)}
                    sheet.cells = {(where.get(r, r), c): cell for (r, c), cell in sheet.cells.items()}
                elif p.op == "note":
                    sheet.cell(p.row - 1, p.col - 1).note = p.value
                sheet.prune()
            recalculate(book)
            book.touch()


class XlsxAdapter(Adapter):
    """A local .xlsx file; a person's edits are made and saved by another process (a desktop app's part)."""

    name = "xlsx"
    moments = ("guard", "write", "save")

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sheetsync-trials-"))
        self.count = 0
        ctx = multiprocessing.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.app = ctx.Process(target=desktop_app, args=(child,), daemon=True)
        self.app.start()

    def close(self) -> None:
        self.pipe.send(None)
        self.app.join(10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _path(self) -> Path:
        self.count += 1
        folder = self.folder / f"t{self.count}"
        folder.mkdir()
        return folder / "shop.xlsx"

    def start(self, config, rows):
        path = self._path()
        init(dataclasses.replace(config, target=str(path)), XlsxBackend(path), rows)
        return path

    def copy(self, handle):
        path = self._path()
        shutil.copyfile(handle, path)
        return path

    def backend(self, handle):
        return XlsxBackend(handle)

    def notes(self, handle, tabs):  # every note, a person's too (read from the sheet XML, as the backend does)
        from sheetsync.backends.xlsx import fastread

        _, data = fastread.read_book(Path(handle).read_bytes(), tabs, "")
        return {name: dict(tab.notes) for name, tab in data.items()}

    def formula_cols(self, handle):
        import zipfile

        from sheetsync.backends.xlsx import fastread

        archive = zipfile.ZipFile(handle)
        out: dict[str, set[int]] = {}
        for name, part in fastread._sheet_parts(archive).items():
            cols = {c for _, c in fastread._scan(archive, part, NOTE_PREFIX).formulas}
            if cols:
                out[name] = cols
        return out

    def apply(self, handle, prims):
        self.pipe.send((str(handle), prims))
        answer = self.pipe.recv()
        if answer != "saved":
            raise RuntimeError(f"the desktop app could not edit {handle}: {answer}")

    @contextlib.contextmanager
    def during_save(self, edit):
        """Make `edit()` while the run builds its new file (after openpyxl's save, before the final check)."""
        real = xlsx_cache.put_results

        def meanwhile(data, results):
            edit()
            return real(data, results)

        xlsx_cache.put_results = meanwhile
        try:
            yield
        finally:
            xlsx_cache.put_results = real


def desktop_app(pipe: Any) -> None:
    """Another process editing and saving the workbook, as Excel or LibreOffice would."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.formula.translate import Translator

    while True:
        job = pipe.recv()
        if job is None:
            return
        path, prims = job
        try:
            book = openpyxl.load_workbook(path)
            for p in prims:
                if p.op == "save":
                    _save_atomically(book, path)
                    continue
                sheet = book[p.tab]
                if p.op == "set":
                    sheet.cell(p.row, p.col).value = p.value
                elif p.op == "copy":
                    sheet.cell(p.row, p.col).value = sheet.cell(p.source, p.col).value
                elif p.op == "insert":
                    sheet.insert_rows(p.row)
                    for j, v in enumerate(p.value, start=1):
                        if v is not None:
                            sheet.cell(p.row, j).value = v
                elif p.op == "paste":
                    source = p.source + 1 if p.source >= p.row else p.source
                    sheet.insert_rows(p.row)
                    for c in range(1, sheet.max_column + 1):
                        cell = sheet._cells.get((source, c))
                        if cell is not None:
                            new = sheet.cell(p.row, c)
                            new.value, new._style = cell.value, copy.copy(cell._style)
                            if cell.data_type == "f":  # a pasted formula reads its own row
                                new.value = Translator(str(cell.value), cell.coordinate).translate_formula(
                                    new.coordinate
                                )
                            if cell.comment is not None:
                                new.comment = Comment(cell.comment.text, cell.comment.author)
                elif p.op == "delete":
                    sheet.delete_rows(p.row)
                elif p.op == "order":
                    where = {old: new for new, old in enumerate(p.order, start=2)}
                    cells = {}
                    for (r, c), cell in sheet._cells.items():
                        cell.row = where.get(r, r)
                        cells[(cell.row, c)] = cell
                    sheet._cells = cells
                elif p.op == "note":
                    sheet.cell(p.row, p.col).comment = Comment(p.value, "Claire Dubois")
            pipe.send("saved")
        except Exception as ex:  # reported to the trials, which stop: a broken harness proves nothing
            pipe.send(f"{type(ex).__name__}: {ex}")


def _save_atomically(book: Any, path: str) -> None:
    tmp = f"{path}.desktop-tmp"
    book.save(tmp)
    os.replace(tmp, path)


# -- one trial ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    lost: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    skipped: int = 0
    reported: int = 0
    unreported: list[str] = field(default_factory=list)
    converged: bool = True
    differences: list[str] = field(default_factory=list)
    actions: int = 0
    written: int = 0
    harness: list[str] = field(default_factory=list)


class Trials:
    def __init__(self, adapter: Adapter, seed: int, config: sheetsync.Config | None = None):
        self.adapter, self.seed = adapter, seed
        self.config = config or load_config()
        self.project = sheetsync.load_project(self.config)
        self.schemas = {**self.config.schemas, META: META_SCHEMA}
        now = DAY.replace(tzinfo=self.config.timezone)
        rows = self.project.demo_builder()(now.date())
        fresh = adapter.start(self.config, rows)
        steady = adapter.copy(fresh)
        self._run(steady, now)
        self.starts = {"fresh": fresh, "steady": steady}
        self._planned: dict[tuple[str, datetime], int] = {}
        self.day = now

    def _cfg(self, handle: Any) -> sheetsync.Config:
        backend = self.adapter.backend(handle)
        return dataclasses.replace(self.config, target=backend.target)

    def _run(self, handle: Any, now: datetime, on_phase: Any = None) -> sheetsync.RunResult:
        backend = self.adapter.backend(handle)
        return sheetsync.run(self._cfg(handle), now=now, backend=backend, project=self.project, on_phase=on_phase)

    def trial(self, number: int) -> Outcome:
        rng = random.Random(f"{self.seed}:{self.adapter.name}:{number}")
        start_name = rng.choice(["fresh", "steady", "steady"])
        start = self.starts[start_name]
        now = self.day + timedelta(days=0 if start_name == "fresh" else rng.randint(0, 10))
        moment = rng.choice(self.adapter.moments)
        out = Outcome()

        # The person's actions, drawn against the workbook as the run reads it, made on a copy first: that
        # copy as they left it (P) and a clean run on it (R) are what the trial is judged against.
        reference = self.adapter.copy(start)
        before = self.adapter.grids(reference)
        tabs = [t for t in before if t in self.schemas or t not in (LOG, RUNS)]
        mirror = Mirror(before, self.adapter.notes(reference, list(before)))
        formulas = self.adapter.formula_cols(reference)
        person = Person(rng, mirror, self.schemas, f"{number}", self.adapter.name == "xlsx", formulas)
        actions = person.actions(rng.randint(1, 20))
        out.actions = len(actions)
        prims = [p for a in actions for p in a.prims]
        self.adapter.apply(reference, prims)
        person_left = self.adapter.grids(reference)
        person_notes = self.adapter.notes(reference, tabs)
        for tab in PERSON_TABS:
            if _trim(_without(person_left.get(tab, []), formulas.get(tab, set()))) != _trim(
                _without(mirror.grids.get(tab, []), formulas.get(tab, set()))
            ):
                out.harness.append(f"{tab}: the workbook after the person's edits is not what they meant")
        self._run(reference, now)
        wanted = self._state(reference, person_left)

        # The trial: the same actions, made while the run is between its read and its write.
        book = self.adapter.copy(start)
        planned = None
        if self.adapter.name == "xlsx":  # a refused run returns nothing: what it had planned, from a dry run
            if (start_name, now) not in self._planned:
                self._planned[(start_name, now)] = self._run_dry(book, now)
            planned = self._planned[(start_name, now)]
        made = []

        def edit() -> None:
            if not made:
                made.append(True)
                self.adapter.apply(book, prims)

        def on_phase(phase: str, done: int, total: int) -> None:
            if phase == moment:
                edit()

        refused = False
        result: sheetsync.RunResult | None = None
        try:
            with self.adapter.during_save(edit) if moment == "save" else contextlib.nullcontext():
                result = self._run(book, now, on_phase)
        except WorkbookChanged:
            refused = True
        if not made:  # the run had nothing to write, so never reached the moment: the person edits after it
            edit()
        after = self.adapter.grids(book)
        after_notes = self.adapter.notes(book, tabs)

        written_cells = set()
        if result is not None:
            out.written = len(result.written)
            for change, write in result.written:
                written_cells.add((write.tab, write.row, write.col))
                self._check_write(change, write, before, person_left, wanted, out)
            self._check_reported(result, out)
        elif refused:
            out.skipped = out.reported = planned or 0
        self._check_person(
            actions, mirror, person_left, person_notes, after, after_notes, _Exempt(written_cells, formulas), out
        )

        # The clean rerun.
        self._run(book, now)
        got = self._state(book, person_left)
        out.differences = _differences(wanted, got)
        out.converged = not out.differences
        return out

    def _run_dry(self, handle: Any, now: datetime) -> int:
        backend = self.adapter.backend(handle)
        found = sheetsync.run(self._cfg(handle), now=now, backend=backend, project=self.project, dry_run=True)
        return len(found.planned)

    def _state(self, handle: Any, person_left: Mapping[str, Grid]) -> dict[str, Any]:
        """The workbook's values and sheetsync's notes, the audit tabs and the lease row aside.

        An id issued to a row that had none is named by the row (which number it got is not a safety
        matter: a counter is never taken back, so a run whose write was skipped has used its number up).
        """
        grids = self.adapter.grids(handle)
        issued: dict[str, str] = {}
        for tab, values in grids.items():
            schema = self.schemas.get(tab)
            left = person_left.get(tab)
            if schema is None or not schema.issued_id or not left or not values:
                continue
            col = self._key_col(tab, values[0])
            if col is None:
                continue
            for r in range(2, len(values) + 1):
                key = _at(values, r, col)
                if cell_norm(key) is not None and cell_norm(_at(left, r, col)) is None:
                    issued[str(key)] = f"<id issued to {tab} row {r}>"
        pattern = re.compile("|".join(re.escape(k) for k in sorted(issued, key=len, reverse=True))) if issued else None

        def norm(value: Any) -> Any:
            value = cell_norm(value)
            if pattern is not None and isinstance(value, str):
                return pattern.sub(lambda m: issued[m.group(0)], value)
            return value

        out: dict[str, Any] = {}
        for tab, values in grids.items():
            if tab in (LOG, RUNS):
                continue
            if tab == META:  # by key; id counters aside (see above)
                out[tab] = {
                    str(r[0]): self._placed(handle, grids, str(r[0])[len(NOTES_KEY) :], r[1:])
                    if str(r[0]).startswith(NOTES_KEY)
                    else tuple(norm(v) for v in r[1:])
                    for r in values[1:]
                    if r and r[0] != "lease" and not str(r[0]).startswith("issued:")
                }
                continue
            grid = _trim([[norm(v) for v in r] for r in values])
            schema = self.schemas.get(tab)
            key = schema.column(schema.key) if schema is not None and schema.has(schema.key) else None
            if grid and key is not None and key.owner == "job" and self._key_col(tab, grid[0]) is not None:
                # a tab only jobs add rows to (an Outbox, a log) holds them in the order they happened:
                # the same rows in any order, an issued number aside, is the same workbook
                col = self._key_col(tab, grid[0]) or 1
                body = [[None if schema.issued_id and c == col else v for c, v in enumerate(r, 1)] for r in grid[1:]]
                grid = [grid[0], *sorted(body, key=repr)]
            out[tab] = grid
        notes = self.adapter.notes(handle, [t for t in grids if t not in (LOG, RUNS)])
        for tab, cells in notes.items():
            out[f"{tab} (notes)"] = {c: norm(t) for c, t in cells.items() if t.startswith(NOTE_PREFIX)}
        return out

    def _placed(self, handle: Any, grids: Mapping[str, Grid], tab: str, recorded: list[Any]) -> tuple[Any, ...]:
        """A tab's notes digest as whether it tells the notes sheetsync has on the tab: the digest itself holds
        the ids issued in a note's text, whose numbers a run whose issue was skipped has used up."""
        values, schema = grids.get(tab), self.schemas.get(tab)
        if not values or schema is None:
            return tuple(recorded)
        headers = {i: schema.column(h).header for i, h in enumerate(values[0], 1) if h is not None and schema.has(h)}
        fills = self.adapter.fills(handle, tab)
        ours = {
            (r, headers.get(c, str(c))): (
                None,
                (text, fills.get((r, c)) if fills.get((r, c)) in FILLS.values() else None),
            )
            for (r, c), text in self.adapter.notes(handle, [tab]).get(tab, {}).items()
            if text.startswith(NOTE_PREFIX)
        }
        placed = notes_digest(ours) == str(recorded[0] if recorded else "")
        return ("tells the notes on the tab" if placed else "differs from the notes on the tab", *recorded[1:2])

    def _key_col(self, tab: str, headers: list[Any]) -> int | None:
        schema = self.schemas.get(tab)
        if schema is None:
            return None
        key = fold(schema.key)
        return next((i for i, h in enumerate(headers, 1) if h is not None and fold(str(h)) == key), None)

    def _person_cols(self, tab: str, headers: list[Any]) -> dict[str, int]:
        schema = self.schemas.get(tab)
        if schema is None:
            return {}
        owned = {fold(c.header) for c in schema.columns if c.owner != "job"}
        return {fold(str(h)): i for i, h in enumerate(headers, 1) if h is not None and fold(str(h)) in owned}

    def _check_write(self, change, write, before, person_left, wanted, out: Outcome) -> None:
        """A write sits on its key's row, as the run read it, over the cell as read, with the value R made."""
        where = f"{change.tab} {change.key!r} {change.column} (row {write.row}, read at {change.sheet_row})"
        now_grid, read_grid = person_left.get(change.tab), before.get(change.tab)
        if now_grid is None or read_grid is None:
            if change.tab in person_left or change.tab in before:
                out.misplaced.append(f"{where}: the tab was created or deleted meanwhile")
            return
        headers = now_grid[0]
        key_col = self._key_col(change.tab, headers)
        read_key_col = self._key_col(change.tab, read_grid[0])
        read_cols = self._person_cols(change.tab, read_grid[0])
        now_cols = {h: c for h, c in self._person_cols(change.tab, headers).items() if h in read_cols}

        def as_read(row: int) -> bool:
            return all(
                cell_norm(_at(now_grid, row, col)) == cell_norm(_at(read_grid, change.sheet_row, read_cols[h]))
                for h, col in now_cols.items()
            )

        if write.row > len(now_grid) or not as_read(write.row):
            out.misplaced.append(f"{where}: row {write.row} does not hold the row as read")
            return
        if key_col is not None and read_key_col is not None:
            key_read = _at(read_grid, change.sheet_row, read_key_col)
            if cell_norm(key_read) is not None:
                holders = [r for r in range(2, len(now_grid) + 1) if _same_key(_at(now_grid, r, key_col), key_read)]
                read_holders = [
                    r for r in range(2, len(read_grid) + 1) if _same_key(_at(read_grid, r, read_key_col), key_read)
                ]
                matching = [r for r in holders if as_read(r)]
                if write.row not in holders or len(matching) != 1 or (len(read_holders) == 1 < len(holders)):
                    out.misplaced.append(f"{where}: its key is on rows {holders} (when read: {read_holders})")
                    return
        if cell_norm(_at(now_grid, write.row, write.col)) != cell_norm(change.expected):
            out.misplaced.append(f"{where}: wrote over {_at(now_grid, write.row, write.col)!r}")
            return
        # The value: what a clean run after the person writes for this key (when the key names one row).
        goal = wanted.get(change.tab)
        if goal is None or change.tab == META or key_col is None:
            if change.tab == META:
                self._check_meta(change, write, wanted, where, out)
            return
        rows = [r for r in range(2, len(goal) + 1) if _same_key(_at(goal, r, key_col), change.key)]
        goal_col = next(
            (i for i, h in enumerate(goal[0], 1) if h is not None and fold(str(h)) == fold(change.column)), None
        )
        if len(rows) == 1 and goal_col is not None:
            should = _at(goal, rows[0], goal_col)
            if _value(should) != _value(write.value):
                out.stale.append(f"{where}: wrote {write.value!r}, a run after the person writes {should!r}")

    def _check_meta(self, change, write, wanted, where, out: Outcome) -> None:
        if str(change.key).startswith(NOTES_KEY):
            # A notes digest says which notes this run placed (from the rows as read), not what a run after the
            # person would place: it is judged by the rerun, which must leave sheetsync's notes themselves (and
            # the digest) as that run does, so a digest claiming notes that are not there fails convergence.
            return
        row = wanted.get(META, {}).get(str(change.key))
        column = {"Value": 0, "Updated": 1}.get(change.column)
        if row is not None and column is not None and column < len(row) and _value(row[column]) != _value(write.value):
            should = str(row[column])[:60]
            out.stale.append(f"{where}: wrote {str(write.value)[:60]!r}, a run after the person writes {should!r}")

    def _check_reported(self, result: sheetsync.RunResult, out: Outcome) -> None:
        # A tab's notes digest in _Meta is the engine's bookkeeping, held back (unreported) where a write to
        # its tab was skipped, so the next run looks at the notes again.
        def job_write(c: Any) -> bool:
            return not (c.tab == META and str(c.key).startswith(NOTES_KEY))

        def job_row(a: Any) -> bool:
            return not (a.tab == META and str(a.values.get("Key")).startswith(NOTES_KEY))

        written = Counter((c.tab, c.key, c.column) for c, _ in result.written if job_write(c))
        planned = Counter((c.tab, c.key, c.column) for c in result.planned if job_write(c))
        skipped = planned - written

        # new rows (Outbox drafts) held back because a row they were computed from changed: said by their key
        def new_row(a: Any) -> tuple[str, str | None, str | None]:
            header = self.schemas[a.tab].key if a.tab in self.schemas else None
            key = a.values.get(header) if header else None
            return (a.tab, None if key is None else str(key), header)

        skipped += Counter(new_row(a) for a in result.planned_appends if job_row(a)) - Counter(
            new_row(a) for a in result.appended if job_row(a)
        )
        reported = Counter((p.tab, p.key, p.column) for p in result.conflicts)
        out.skipped, out.reported = sum(skipped.values()), sum(reported.values())
        for what in (skipped - reported) + (reported - skipped):
            out.unreported.append(f"{what}: skipped {skipped[what]} time(s), reported {reported[what]}")

    def _check_person(self, actions, mirror, person_left, person_notes, after, after_notes, written, out) -> None:
        for number, action in enumerate(actions, start=1):
            missing = []
            for e in action.effects:
                row = mirror.position(e.tab, e.row_id)
                if row is None:
                    continue  # a later action deleted the row
                if e.note:
                    if after_notes.get(e.tab, {}).get((row, e.col)) != e.value:
                        missing.append(f"note at row {row} col {e.col}")
                else:
                    found = _at(after.get(e.tab, []), row, e.col)
                    if cell_norm(found) != cell_norm(e.value) and (e.tab, row, e.col) not in written:
                        missing.append(f"{e.tab} row {row} col {e.col} is {found!r}, not {e.value!r}")
            if missing:
                out.lost.append(f"action {number} ({action.kind}): " + "; ".join(missing))
        for tab in PERSON_TABS:  # and nothing else a person owns changed, unless the run wrote it as read
            left, now = person_left.get(tab, []), after.get(tab, [])
            if not left:
                continue
            cols = set(self._person_cols(tab, left[0]).values())
            cols |= {
                i
                for i, h in enumerate(left[0], 1)
                if h is not None and fold(str(h)) not in {fold(c.header) for c in self.schemas[tab].columns}
            }
            for r in range(1, len(left) + 1):
                for c in cols:
                    if (tab, r, c) in written:
                        continue
                    if cell_norm(_at(left, r, c)) != cell_norm(_at(now, r, c)):
                        out.lost.append(f"{tab} row {r} col {c}: {_at(left, r, c)!r} became {_at(now, r, c)!r}")
            ours = {k: v for k, v in person_notes.get(tab, {}).items() if not v.startswith(NOTE_PREFIX)}
            kept = after_notes.get(tab, {})
            for cell, text in ours.items():
                if kept.get(cell) != text:
                    out.lost.append(f"{tab} {cell}: the person's note {text!r} became {kept.get(cell)!r}")


def _without(grid: Grid, cols: set[int]) -> Grid:
    return [[cell_norm(v) if i not in cols else None for i, v in enumerate(r, start=1)] for r in grid]


class _Exempt:
    """Cells a person's edit need not be found in: those the run wrote (checked apart) and formula cells."""

    def __init__(self, written: set[tuple[str, int, int]], formulas: Mapping[str, set[int]]):
        self.written, self.formulas = written, formulas

    def __contains__(self, item: tuple[str, int, int]) -> bool:
        return item in self.written or item[2] in self.formulas.get(item[0], ())


def _value(raw: Any) -> Any:
    """A cell for comparing across backends: a date as its serial number (Google reads dates as numbers)."""
    if isinstance(raw, date):
        raw = date_to_serial(raw)
    return cell_norm(raw)


def _same_key(a: Any, b: Any) -> bool:
    a, b = cell_norm(a), cell_norm(b)
    return a is not None and str(a).strip().casefold() == str(b).strip().casefold()


def _trim(grid: Grid) -> Grid:
    rows = [list(r) for r in grid]
    for r in rows:
        while r and (r[-1] is None or r[-1] == ""):
            r.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _differences(wanted: Mapping[str, Any], got: Mapping[str, Any], limit: int = 5) -> list[str]:
    out = []
    for tab in sorted(set(wanted) | set(got)):
        a, b = wanted.get(tab), got.get(tab)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else None
                y = b[i] if i < len(b) else None
                if x != y:
                    x, y = x if isinstance(x, list) else [x], y if isinstance(y, list) else [y]
                    cols = [c for c in range(max(len(x), len(y))) if _at([x], 1, c + 1) != _at([y], 1, c + 1)]
                    said = ", ".join(f"col {c + 1} {_at([x], 1, c + 1)!r} vs {_at([y], 1, c + 1)!r}" for c in cols)
                    out.append(f"{tab} row {i + 1}: clean run / rerun {said}"[:1200])
                    if len(out) >= limit:
                        return out
        elif isinstance(a, dict) and isinstance(b, dict):
            for cell in sorted(set(a) | set(b)):
                if a.get(cell) != b.get(cell):
                    out.append(f"{tab} {cell}: clean run {a.get(cell)!r}, rerun {b.get(cell)!r}")
        else:
            out.append(f"{tab}: present in {'the clean run' if a is not None else 'the rerun'} only")
    return out[:limit]


# -- kills -------------------------------------------------------------------------------------------------


def kill_trials(count: int, seed: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """SIGKILL a run at a random moment of its xlsx save; (whole files, trials, what went wrong)."""
    import openpyxl

    rng = random.Random(f"{seed}:kill")
    config = load_config()
    project = sheetsync.load_project(config)
    folder = Path(tempfile.mkdtemp(prefix="sheetsync-kills-"))
    try:
        base = folder / "base.xlsx"
        now = DAY.replace(tzinfo=config.timezone)
        init(dataclasses.replace(config, target=str(base)), XlsxBackend(base), project.demo_builder()(now.date()))
        # An uninterrupted run, to know how long a save takes and what the saved file holds.
        done = folder / "done.xlsx"
        shutil.copyfile(base, done)
        began = _child(done, None)
        after_state = _values(done)
        before_bytes = base.read_bytes()
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        whole, problems, sides = 0, [], Counter()
        opened: set[str] = set()  # digests of the files LibreOffice opened
        left = 0
        for number in range(count):
            path = folder / f"k{number}" / "shop.xlsx"
            path.parent.mkdir()
            shutil.copyfile(base, path)
            delay = rng.uniform(0, began * 1.1)  # a moment within the write and its save, or just after
            _child(path, delay)
            bad = []
            try:
                openpyxl.load_workbook(path)
            except Exception as ex:
                bad.append(f"openpyxl cannot open it ({type(ex).__name__})")
            if path.read_bytes() == before_bytes:
                sides["before"] += 1
            elif _values(path) == after_state:
                sides["after"] += 1
            else:
                bad.append("it is neither the file before the run nor the one the run saves")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if soffice and not bad and digest not in opened:  # each distinct file once: most are the old one
                opened.add(digest)
                converted = subprocess.run(
                    [soffice, "--headless", "--convert-to", "csv", "--outdir", str(path.parent / "lo"), str(path)],
                    capture_output=True,
                    timeout=120,
                )
                if converted.returncode or not list((path.parent / "lo").glob("*.csv")):
                    bad.append("LibreOffice cannot open it")
            left += len(list(path.parent.glob("*.tmp")))  # a temp file a kill left (never read as the workbook)
            if bad:
                problems.append(f"kill {number} after {delay:.3f}s: " + "; ".join(bad))
            else:
                whole += 1
            if verbose:
                print(f"  kill {number}: {bad or 'whole'}", flush=True)
        lo = f", {len(opened)} distinct files opened in LibreOffice" if soffice else ", LibreOffice not installed"
        problems.insert(
            0, f"{sides['before']} as before the run, {sides['after']} as the run saved it{lo}, {left} temp files left"
        )
        return whole, count, problems
    finally:
        shutil.rmtree(folder, ignore_errors=True)


CHILD = """
import dataclasses, sys, time
sys.path.insert(0, {root!r})
import sheetsync
from sheetsync.backends.xlsx import XlsxBackend
from datetime import datetime
config = dataclasses.replace(sheetsync.load_config({config!r}), target={path!r})
now = datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)
def on_phase(phase, done, total):
    if phase == "write":
        print("write", time.monotonic(), flush=True)
sheetsync.run(config, now=now, backend=XlsxBackend({path!r}), on_phase=on_phase)
print("end", time.monotonic(), flush=True)
"""


def _child(path: Path, kill_after: float | None) -> float:
    """Run every job on `path` in a subprocess; kill it `kill_after` seconds into its write. The write's length."""
    code = CHILD.format(root=str(ROOT), config=str(ROOT / "config" / "sheetsync.toml"), path=str(path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline().split()
    if not line or line[0] != "write":
        child.wait()
        raise RuntimeError(f"the run in the subprocess never reached its write ({line})")
    started = time.monotonic()
    if kill_after is None:
        end = child.stdout.readline().split()
        child.wait()
        return float(end[1]) - float(line[1])
    time.sleep(kill_after)
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return time.monotonic() - started


def _values(path: Path) -> dict[str, Any]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {
        s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets if s.title not in (LOG, RUNS)
    }


# -- the summary -------------------------------------------------------------------------------------------


@dataclass
class Summary:
    backend: str
    trials: int = 0
    actions: int = 0
    written: int = 0
    lost: int = 0
    misplaced: int = 0
    stale: int = 0
    skipped: int = 0
    reported: int = 0
    unreported: int = 0
    converged: int = 0
    harness: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def add(self, number: int, out: Outcome) -> None:
        self.trials += 1
        self.actions += out.actions
        self.written += out.written
        self.lost += len(out.lost)
        self.misplaced += len(out.misplaced)
        self.stale += len(out.stale)
        self.skipped += out.skipped
        self.reported += out.reported
        self.unreported += len(out.unreported)
        self.converged += out.converged
        self.harness += len(out.harness)
        for kind, found in (
            ("lost", out.lost),
            ("misplaced", out.misplaced),
            ("stale", out.stale),
            ("unreported", out.unreported),
            ("not converged", out.differences),
            ("harness", out.harness),
        ):
            for text in found[:2]:
                if len(self.examples) < 40:
                    self.examples.append(f"trial {number} {kind}: {text}")

    @property
    def clean(self) -> bool:
        return not (self.lost or self.misplaced or self.stale or self.unreported or self.harness) and (
            self.converged == self.trials and self.skipped == self.reported
        )

    def line(self) -> str:
        equal = "=" if self.skipped == self.reported and not self.unreported else "!="
        return (
            f"{self.backend}: {self.trials} trials, {self.lost} lost person actions, "
            f"{self.misplaced + self.stale} misplaced or stale writes, conflicts reported {equal} writes skipped "
            f"({self.reported} {equal} {self.skipped}), converged {self.converged}/{self.trials}"
        )


def run_backend(
    name: str,
    trials: int,
    seed: int,
    only: int | None = None,
    verbose: bool = False,
    every: int = 0,
    start: int = 0,
) -> Summary:
    adapter: Adapter = {"memory": MemoryAdapter, "xlsx": XlsxAdapter, "google": GoogleAdapter}[name]()
    summary = Summary(name)
    began = time.monotonic()
    try:
        runner = Trials(adapter, seed)
        numbers = [only] if only is not None else range(start, start + trials)
        for number in numbers:
            out = runner.trial(number)
            summary.add(number, out)
            if every and summary.trials % every == 0 and summary.trials < len(numbers):
                summary.seconds = time.monotonic() - began
                print(f"  so far, {summary.line()}  [{summary.seconds:.0f} s]", flush=True)
            if verbose:
                bad = out.lost + out.misplaced + out.stale + out.unreported + out.differences + out.harness
                print(
                    f"  {name} trial {number}: {out.actions} actions, {out.written} written, "
                    f"{out.skipped} skipped{'' if not bad else ': ' + bad[0]}",
                    flush=True,
                )
    finally:
        adapter.close()
    summary.seconds = time.monotonic() - began
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200, help="trials per backend (default 200)")
    parser.add_argument(
        "--start", type=int, default=0, help="number of the first trial (split a run: --start 100 --trials 100)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", default="memory,xlsx,google", help="comma-separated: memory, xlsx, google")
    parser.add_argument("--kills", type=int, default=50, help="SIGKILL trials during an xlsx save (0: none)")
    parser.add_argument("--only", type=int, help="replay one trial by its number")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per trial")
    parser.add_argument("--every", type=int, default=25, help="a line of figures so far every N trials (0: none)")
    args = parser.parse_args(argv)
    ok = True
    for name in [b.strip() for b in args.backend.split(",") if b.strip()]:
        summary = run_backend(name, args.trials, args.seed, args.only, args.verbose, args.every, args.start)
        print(
            f"{summary.line()}  [{summary.actions} person actions, {summary.written} cells written, "
            f"{summary.seconds:.0f} s]",
            flush=True,
        )
        for example in summary.examples:
            print(f"  {example}")
        ok = ok and summary.clean
    if args.kills and args.only is None:
        began = time.monotonic()
        whole, count, problems = kill_trials(args.kills, args.seed, args.verbose)
        print(f"kill: {whole}/{count} whole  [{problems.pop(0)}; {time.monotonic() - began:.0f} s]", flush=True)
        for problem in problems[:10]:
            print(f"  {problem}")
        ok = ok and whole == count
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
