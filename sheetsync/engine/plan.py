"""Planning a run's writes: ownership rules, dropping no-ops, and the guard that re-maps rows just before writing."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..backends.base import CellWrite, NoteWrite, WriteBatch
from ..errors import OwnershipError
from ..model.a1 import a1
from ..model.changes import CellChange, RowAppend
from ..model.grid import TabData
from ..model.layout import NewTab, TabContent
from ..model.problems import Code, Problem, Severity
from ..model.schema import Column, Schema
from ..model.tab import FALLBACK_PREFIX, Tab, fallback_key, key_text, unique_keys
from ..model.values import PARSERS, BadValue, ParseOptions, describe, fold, is_blank, to_cell

Annotation = tuple[str, str]  # (note text, fill colour)


@dataclass
class Plan:
    """The writes of a run, still addressed by key and column."""

    cells: list[CellChange] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    contents: list[TabContent] = field(default_factory=list)
    new_tabs: list[NewTab] = field(default_factory=list)
    # Per tab, the complete set of sheetsync notes wanted, by (key, column).
    annotations: dict[str, dict[tuple[str, str], Annotation]] = field(default_factory=dict)

    @property
    def tabs_to_guard(self) -> list[str]:
        names = {c.tab for c in self.cells} | {a.tab for a in self.appends} | set(self.annotations)
        return sorted(names)


@dataclass
class Resolved:
    """A plan turned into a WriteBatch against the workbook as it is now, plus what was skipped."""

    batch: WriteBatch
    written: list[tuple[CellChange, CellWrite]]
    appended: list[tuple[RowAppend, int]]
    conflicts: list[Problem]


def check_ownership(change: CellChange, schema: Schema, privileged: bool = False) -> None:
    """Refuse a job's write to a person-owned column unless it is one of the named transitions."""
    column = schema.column(change.column)
    if privileged or column.job_may_write(change.old, change.value):
        return
    allowed = ", ".join(f"{a}->{b}" for a, b in column.job_transitions) or "none"
    raise OwnershipError(
        f"job {change.job!r} tried to write {describe(change.value)!r} to {schema.tab}!{change.column} "
        f"(row {change.sheet_row}), a column people own (transitions a job may make: {allowed})"
    )


def same_cell(column: Column | None, raw: Any, new: Any, opts: ParseOptions) -> bool:
    """Whether writing `new` over `raw` would change nothing a person could see."""
    if is_blank(raw) and (new is None or new == "" or new == ()):
        return True
    if is_blank(raw) or new is None or new == "":
        return False
    if column is None or column.type == "text":
        return _plain(raw) == _plain(new)
    try:
        current = PARSERS[column.type](raw, column, opts)
    except BadValue:
        return False
    return _equal(current, new)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.tzinfo is None and value.time() == time(0):
        return value.date().isoformat()  # a date cell read back from xlsx is a datetime at midnight
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    if isinstance(a, date) and isinstance(b, date) and not isinstance(a, datetime) and not isinstance(b, datetime):
        return a == b
    if isinstance(a, tuple) and isinstance(b, (tuple, list)):
        return tuple(a) == tuple(b)
    return a == b


def drop_noops(cells: Iterable[CellChange], tabs: Mapping[str, Tab], opts: ParseOptions) -> list[CellChange]:
    """Keep the last write per cell, and only when it changes what was read."""
    latest: dict[tuple[str, str, str], CellChange] = {}
    for change in cells:
        latest[(change.tab, change.key, change.column)] = change
    out = []
    for change in latest.values():
        column = tabs[change.tab].schema.column(change.column) if change.tab in tabs else None
        if not same_cell(column, change.expected, change.value, opts):
            out.append(change)
    return out


class _Located:
    """Where keys and headers are in a tab as it is now."""

    def __init__(self, data: TabData, schema: Schema | None, key_header: str | None):
        self.data = data
        headers = data.values[0] if data.values else []
        self.columns = {fold(str(h)): i for i, h in enumerate(headers, start=1) if not is_blank(h)}
        self.rows: dict[str, list[int]] = {}
        self.last_row = len(data.values)
        key_col = self.columns.get(fold(key_header)) if key_header else None
        if key_col is None:
            return
        person_cols = [self.columns[c.folded] for c in schema.columns
                       if c.owner == "person" and c.header != schema.key and c.folded in self.columns] \
            if schema else []
        fold_keys = bool(schema and schema.key_case_insensitive)
        indexes, keys = [], []
        for index, cells in enumerate(data.values[1:], start=2):
            if all(is_blank(v) for v in cells):
                continue
            raw = cells[key_col - 1] if key_col - 1 < len(cells) else None
            indexes.append(index)
            keys.append(fallback_key(cells, person_cols) if is_blank(raw) else key_text(raw))
        for index, key in zip(indexes, unique_keys(keys, fold_keys)):
            self.rows.setdefault(fold(key) if fold_keys else key, []).append(index)

    def col(self, header: str) -> int | None:
        return self.columns.get(fold(header))


def resolve(plan: Plan, current: Mapping[str, TabData], tabs: Mapping[str, Tab],
            schemas: Mapping[str, Schema], opts: ParseOptions) -> Resolved:
    """Address each planned write at the row holding its key now; skip any whose cell a person changed."""
    located = {name: _Located(data, schemas.get(name), schemas[name].key if name in schemas else None)
               for name, data in current.items()}
    batch = WriteBatch(new_tabs=list(plan.new_tabs), contents=list(plan.contents))
    written, conflicts = [], []
    for change in plan.cells:
        target = _locate(change, located, schemas)
        if isinstance(target, Problem):
            conflicts.append(target)
            continue
        row, col = target
        now_raw = located[change.tab].data.cell(row, col)
        if not _same_raw(now_raw, change.expected):
            conflicts.append(_conflict(change, row, col, f"changed from {describe(change.expected)!r} to "
                                       f"{describe(now_raw)!r} while the job ran; left as the person typed it"))
            continue
        write = CellWrite(change.tab, row, col, to_cell(change.value))
        batch.cells.append(write)
        written.append((change, write))
    appended = _resolve_appends(plan.appends, located, schemas, batch)
    batch.notes.extend(_resolve_annotations(plan.annotations, located, schemas))
    return Resolved(batch, written, appended, conflicts)


def _locate(change: CellChange, located: Mapping[str, _Located], schemas: Mapping[str, Schema]):
    where = located.get(change.tab)
    if where is None:
        return _conflict(change, None, None, "the tab is gone")
    schema = schemas.get(change.tab)
    key = fold(change.key) if schema is not None and schema.key_case_insensitive \
        and not change.key.startswith(FALLBACK_PREFIX) else change.key
    rows = where.rows.get(key, [])
    if len(rows) != 1:
        why = "the row is gone (deleted, or its key changed)" if not rows else \
            f"its key is now on {len(rows)} rows ({', '.join(map(str, rows))})"
        return _conflict(change, None, None, why)
    col = where.col(change.column)
    if col is None:
        return _conflict(change, rows[0], None, "the column is gone")
    return rows[0], col


def _same_raw(a: Any, b: Any) -> bool:
    if is_blank(a) and is_blank(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def _conflict(change: CellChange, row: int | None, col: int | None, why: str) -> Problem:
    return Problem(
        tab=change.tab, code=Code.WRITE_CONFLICT, severity=Severity.WARNING,
        message=f"not written ({describe(change.value)!r}): {why}",
        row=row or change.sheet_row, column=change.column, cell=a1(row, col) if row and col else None,
        value=change.value, key=change.key, job=change.job,
    )


def _resolve_appends(appends: list[RowAppend], located: Mapping[str, _Located],
                     schemas: Mapping[str, Schema], batch: WriteBatch) -> list[tuple[RowAppend, int]]:
    out = []
    for append in appends:
        where = located.get(append.tab)
        if where is None:
            continue
        where.last_row += 1
        for header, value in append.values.items():
            col = where.col(header)
            if col is not None and value is not None:
                batch.cells.append(CellWrite(append.tab, where.last_row, col, to_cell(value)))
        out.append((append, where.last_row))
    return out


def annotation_writes(wanted: Mapping[str, Mapping[tuple[str, str], Annotation]],
                      data: Mapping[str, TabData], schemas: Mapping[str, Schema]) -> list[NoteWrite]:
    """The note changes `wanted` would make to the tabs as read (empty: nothing to do)."""
    located = {name: _Located(data[name], schemas.get(name), schemas[name].key)
               for name in wanted if name in data and name in schemas}
    return _resolve_annotations(wanted, located, schemas)


def _resolve_annotations(wanted: Mapping[str, Mapping[tuple[str, str], Annotation]],
                         located: Mapping[str, _Located], schemas: Mapping[str, Schema]) -> list[NoteWrite]:
    notes = []
    for tab, cells in wanted.items():
        where = located.get(tab)
        if where is None:
            continue
        target: dict[tuple[int, int], Annotation] = {}
        schema = schemas.get(tab)
        for (key, column), annotation in cells.items():
            if schema is not None and schema.key_case_insensitive and not key.startswith(FALLBACK_PREFIX):
                key = fold(key)
            rows, col = where.rows.get(key, []), where.col(column)
            if len(rows) == 1 and col is not None:
                target[(rows[0], col)] = annotation
        existing = where.data.notes
        for cell in sorted(set(existing) - set(target)):
            notes.append(NoteWrite(tab, cell[0], cell[1], None))
        for cell, (text, fill) in sorted(target.items()):
            if existing.get(cell) != text:
                notes.append(NoteWrite(tab, cell[0], cell[1], text, fill))
    return notes
