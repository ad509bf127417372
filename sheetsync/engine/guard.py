"""The guard: just before writing, address each planned write at the row holding its key now.

The workbook is re-read (backend.guard_read) right before the write. A write lands only where its
key is on exactly one row and its cell still holds what the run read; everything else is skipped and
reported as a conflict, so the next run retries it against the workbook as it then is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..backends.base import CellWrite, WriteBatch
from ..model.a1 import a1
from ..model.changes import CellChange, RowAppend
from ..model.grid import TabData
from ..model.keys import KeyIndex
from ..model.problems import Code, Problem, Severity
from ..model.schema import Schema
from ..model.values import describe, is_blank, to_cell
from .plan import Plan, place_annotations


@dataclass
class Resolved:
    """A plan turned into a WriteBatch against the workbook as it is now, plus what was skipped."""

    batch: WriteBatch
    written: list[tuple[CellChange, CellWrite]]
    appended: list[tuple[RowAppend, int]]
    conflicts: list[Problem]


def resolve(plan: Plan, current: Mapping[str, TabData], schemas: Mapping[str, Schema]) -> Resolved:
    """Address each planned write at the row holding its key now; skip any whose cell a person changed."""
    indexes = {name: KeyIndex(data.values, schemas.get(name)) for name, data in current.items()}
    batch = WriteBatch(new_tabs=list(plan.new_tabs), contents=list(plan.contents))
    written, conflicts = [], []
    for change in plan.cells:
        target = _locate(change, indexes)
        if isinstance(target, Problem):
            conflicts.append(target)
            continue
        row, col = target
        now_raw = current[change.tab].cell(row, col)
        if not same_raw(now_raw, change.expected):
            conflicts.append(
                conflict(
                    change,
                    row,
                    col,
                    f"changed from {describe(change.expected)!r} to "
                    f"{describe(now_raw)!r} while the job ran; left as the person typed it",
                )
            )
            continue
        write = CellWrite(change.tab, row, col, to_cell(change.value))
        batch.cells.append(write)
        written.append((change, write))
    appended = _resolve_appends(plan.appends, indexes, batch)
    batch.notes.extend(place_annotations(plan.annotations, current, indexes))
    return Resolved(batch, written, appended, conflicts)


def _locate(change: CellChange, indexes: Mapping[str, KeyIndex]) -> tuple[int, int] | Problem:
    index = indexes.get(change.tab)
    if index is None:
        return conflict(change, None, None, "the tab is gone")
    rows = index.where(change.key)
    if len(rows) != 1:
        why = (
            "the row is gone (deleted, or its key changed)"
            if not rows
            else f"its key is now on {len(rows)} rows ({', '.join(map(str, rows))})"
        )
        return conflict(change, None, None, why)
    col = index.col(change.column)
    if col is None:
        return conflict(change, rows[0], None, "the column is gone")
    return rows[0], col


def same_raw(a: Any, b: Any) -> bool:
    """Whether two raw cells hold the same thing (1 and 1.0 are one number; blank is blank)."""
    if is_blank(a) and is_blank(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def conflict(change: CellChange, row: int | None, col: int | None, why: str) -> Problem:
    return Problem(
        tab=change.tab,
        code=Code.WRITE_CONFLICT,
        severity=Severity.WARNING,
        message=f"not written ({describe(change.value)!r}): {why}",
        row=row or change.sheet_row,
        column=change.column,
        cell=a1(row, col) if row and col else None,
        value=change.value,
        key=change.key,
        job=change.job,
    )


def _resolve_appends(
    appends: list[RowAppend], indexes: Mapping[str, KeyIndex], batch: WriteBatch
) -> list[tuple[RowAppend, int]]:
    out = []
    for append in appends:
        index = indexes.get(append.tab)
        if index is None:
            continue
        index.last_row += 1
        for header, value in append.values.items():
            col = index.col(header)
            if col is not None and value is not None:
                batch.cells.append(CellWrite(append.tab, index.last_row, col, to_cell(value)))
        out.append((append, index.last_row))
    return out
