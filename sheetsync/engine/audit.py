"""The audit trail a run leaves in the workbook: `_Log` rows for everything it wrote, `_Runs` rows for its jobs.

`_Log` accounts for every write: each cell (its value before and after, as stored, so `sheetsync undo`
can put it back), each new row, each note set or taken away, and each whole tab rewritten (one row with
its size and a digest). Day counts the clock moves every day (a column marked `daily`, and Issues lines
whose only change is a number) are logged as one row per column instead of one per cell.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from ..backends.base import CellWrite, RowsWrite, WriteBatch
from ..model.a1 import a1
from ..model.changes import CellChange
from ..model.grid import TabData
from ..model.keys import KeyIndex
from ..model.layout import TabContent, TabLayout
from ..model.schema import Schema
from ..model.system import LOG, LOG_HEADERS, RUNS, RUNS_HEADERS, LogKind
from ..model.values import describe, to_cell
from .archive import archive
from .evaluate import JobOutcome
from .guard import Resolved

_COUNTS = re.compile(r"\d+|\b(?:today|tomorrow|yesterday)\b")  # what the clock changes in a message
RUNNER = "issues"  # the job label of what the runner itself writes: Issues cells and notes


class RunFacts(Protocol):
    """What the audit needs to know about the run (RunResult has it)."""

    run_id: str
    started: datetime
    requests: int

    @property
    def outcomes(self) -> Mapping[str, JobOutcome]: ...

    def elapsed_now(self) -> datetime: ...


@dataclass(frozen=True)
class Retention:
    """How long the workbook keeps audit rows, and the archive that takes older ones."""

    keep: timedelta
    archive: Path


def audit(
    resolved: Resolved,
    current: Mapping[str, TabData],
    schemas: Mapping[str, Schema],
    run: RunFacts,
    now: datetime,
    retention: Retention | None = None,
) -> None:
    """Add the run's `_Log` and `_Runs` rows to the batch, below the last rows those tabs have now.

    With `retention`, rows older than it keeps are moved to the archive first and the tab is rewritten
    without them (only on a run that adds rows to it, so a quiet run still writes nothing).
    """
    stamp = now.isoformat(timespec="seconds")
    log_rows = [[stamp, run.run_id, *entry] for entry in log_entries(resolved, current, schemas)]
    for tab, headers, rows, when in (
        (LOG, LOG_HEADERS, log_rows, "Time"),
        (RUNS, RUNS_HEADERS, run_rows(run, resolved), "Started"),
    ):
        if not rows:
            continue
        if retention is None or not _prune(resolved.batch, current.get(tab), headers, rows, when, now, retention):
            append_rows(resolved.batch, current, tab, headers, rows)


def _prune(
    batch: WriteBatch,
    data: TabData | None,
    headers: list[str],
    rows: list[list[Any]],
    when: str,
    now: datetime,
    retention: Retention,
) -> bool:
    """Archive the rows older than kept and rewrite the tab with the rest plus `rows`; False if none is old."""
    if data is None or not data.values:
        return False
    have = [str(h).strip() for h in data.values[0]]
    if when not in have:
        return False
    col, cutoff = have.index(when), now - retention.keep
    old: list[list[Any]] = []
    kept: list[list[Any]] = []
    for line in data.values[1:]:
        (old if _older(line[col] if col < len(line) else None, cutoff) else kept).append(line)
    if not old:
        return False
    archive(retention.archive, data.name, have, old)
    columns = have + [h for h in headers if h not in have]
    new = [[row[headers.index(h)] if h in headers else None for h in columns] for row in rows]
    batch.contents.append(TabContent(data.name, [columns, *kept, *new], TabLayout(frozen_rows=1, hidden=True)))
    return True


def needs_whole(data: TabData, now: datetime, retention: Retention) -> bool:
    """Whether a partly read audit tab must be read whole: its first row is due for the archive."""
    if not data.partial or len(data.values) < 2:
        return False
    have = [str(h).strip() for h in data.values[0]]
    col = have.index("Time") if "Time" in have else have.index("Started") if "Started" in have else None
    first = data.values[1]
    return col is not None and col < len(first) and _older(first[col], now - retention.keep)


def _older(stamp: Any, cutoff: datetime) -> bool:
    try:
        moment = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
    except ValueError:
        return False  # a row a person typed by hand: kept
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=cutoff.tzinfo)
    return moment < cutoff


def log_entries(resolved: Resolved, current: Mapping[str, TabData], schemas: Mapping[str, Schema]) -> list[list]:
    """(Job, Kind, Tab, Key, Column, Cell, Old Value, New Value) for everything the batch writes."""
    entries: list[list] = []
    recounts: dict[tuple[str, str, str], int] = {}
    for change, write in resolved.written:
        if _recount(change, schemas.get(change.tab)):
            where = (change.job or "", change.tab, change.column)
            recounts[where] = recounts.get(where, 0) + 1
            continue
        entries.append(
            [
                change.job or "",
                LogKind.CELL,
                change.tab,
                change.key,
                change.column,
                a1(write.row, write.col),
                _stored(change.expected),
                _stored(write.value),
            ]
        )
    groups: dict[str, list[str]] = {}
    for change, write in resolved.written:
        if change.group:
            groups.setdefault(change.group, []).append(linked_cell(change.tab, a1(write.row, write.col)))
    for group, cells in groups.items():
        job = next(c.job or "" for c, _ in resolved.written if c.group == group)
        entries.append([job, LogKind.LINKED, "", group, "", f"{len(cells)} cells", "", "; ".join(cells)])
    for (job, tab, column), count in recounts.items():
        entries.append([job, LogKind.RECOUNT, tab, "", column, f"{count} cells", "", "counted again from today's date"])
    for append, row in resolved.appended:
        said = "; ".join(f"{k}={describe(v)}" for k, v in append.values.items() if v is not None)
        entries.append([append.job or "", LogKind.NEW_ROW, append.tab, "", "", f"row {row}", "", said])
    entries += _note_entries(resolved.batch, current, schemas)
    for content in resolved.batch.contents:
        entries.append(
            [
                content.job or "",
                LogKind.WHOLE_TAB,
                content.name,
                "",
                "",
                f"{len(content.rows)} rows",
                "",
                f"sha256 {content_digest(content)}",
            ]
        )
    return entries


def linked_cell(tab: str, cell: str) -> str:
    """How a LINKED `_Log` row names one of its cells: `Tab!A1` (the tab's name as it is)."""
    return f"{tab}!{cell}"


def _recount(change: CellChange, schema: Schema | None) -> bool:
    """A day count the clock moved, not a new fact: Days Open 12 -> 13, or an Issues line's "9 days ago"."""
    if schema is None or change.expected in (None, "") or change.value in (None, ""):
        return False
    if schema.has(change.column) and schema.column(change.column).daily:
        return True
    return change.column == schema.issues_column and recounted(change.expected, change.value)


def recounted(before: Any, after: Any) -> bool:
    """Whether two texts differ only in what the clock moves: day counts, "today", "tomorrow"."""
    return _COUNTS.sub("#", str(before)) == _COUNTS.sub("#", str(after))


def _note_entries(batch: WriteBatch, current: Mapping[str, TabData], schemas: Mapping[str, Schema]) -> list[list]:
    entries: list[list] = []
    recounts: dict[tuple[str, str], int] = {}
    places: dict[str, tuple[dict[int, str], dict[int, str]]] = {}  # per tab: sheet row -> key, column -> header
    for note in batch.notes:
        data = current.get(note.tab)
        if note.tab not in places:
            index = KeyIndex(data.values if data else [], schemas.get(note.tab))
            keys: dict[int, str] = {}
            for r in index.rows:
                keys.setdefault(r.sheet_row, r.key)
            headers: dict[int, str] = {}
            for h, c in index.columns.items():
                headers.setdefault(c, h)
            places[note.tab] = (keys, headers)
        keys, headers = places[note.tab]
        key = keys.get(note.row, "")
        header = headers.get(note.col, "")
        schema = schemas.get(note.tab)
        header = schema.column(header).header if schema is not None and schema.has(header) else header
        before = data.notes.get((note.row, note.col), "") if data else ""
        if before and note.note is not None and recounted(before, note.note):
            recounts[(note.tab, header)] = recounts.get((note.tab, header), 0) + 1
            continue
        entries.append(
            [
                RUNNER,
                LogKind.NOTE,
                note.tab,
                key,
                header,
                a1(note.row, note.col),
                before,
                note.note if note.note is not None else "(removed)",
            ]
        )
    for (tab, header), count in recounts.items():
        entries.append(
            [RUNNER, LogKind.RECOUNT, tab, "", header, f"{count} notes", "", "counted again from today's date"]
        )
    return entries


def content_digest(content: TabContent) -> str:
    """A short digest of a whole tab's cells as written, to tell two versions of it apart in `_Log`."""
    text = "\x1e".join("\x1f".join(describe(to_cell(v)) if v is not None else "" for v in row) for row in content.rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _stored(value: Any) -> Any:
    """A cell value as `_Log` keeps it: as stored (a number stays a number), so undo restores it exactly."""
    value = to_cell(value)
    return "" if value is None else value


def run_rows(run: RunFacts, resolved: Resolved) -> list[list[Any]]:
    """One `_Runs` row per job that wrote anything, skipped a conflict or failed (quiet runs leave none)."""
    cells: dict[str, int] = {}
    for change, _ in resolved.written:
        cells[change.job or ""] = cells.get(change.job or "", 0) + 1
    for append, _ in resolved.appended:
        cells[append.job or ""] = cells.get(append.job or "", 0) + len([v for v in append.values.values() if v])
    skipped: dict[str, int] = {}
    for p in resolved.conflicts:
        skipped[p.job or ""] = skipped.get(p.job or "", 0) + 1
    tabs: dict[str, list[str]] = {}
    for content in resolved.batch.contents:
        tabs.setdefault(content.job or "", []).append(content.name)
    notes = len(resolved.batch.notes)
    rows = []
    names = list(run.outcomes) + ([RUNNER] if RUNNER not in run.outcomes else [])
    for name in names:
        outcome = run.outcomes.get(name) or JobOutcome(RUNNER)
        outcome.cells, outcome.conflicts = cells.get(name, 0), skipped.get(name, 0)
        wrote_notes = notes if name == RUNNER else 0
        if outcome.status == "failed" or outcome.cells or outcome.conflicts or wrote_notes or tabs.get(name):
            rows.append(
                [
                    run.run_id,
                    name,
                    run.started.isoformat(timespec="seconds"),
                    run.elapsed_now().isoformat(timespec="seconds"),
                    outcome.status,
                    outcome.cells,
                    outcome.problems,
                    run.requests,
                    outcome.conflicts,
                    outcome.error or "",
                    wrote_notes,
                    ", ".join(tabs.get(name, [])),
                ]
            )
    return rows


def append_rows(
    batch: WriteBatch, current: Mapping[str, TabData], tab: str, headers: list[str], rows: list[list[Any]]
) -> None:
    """Add `rows` (in `headers` order) below the last row of `tab` as it is now, each value under its header.

    Headers are found by name, so a tab laid out by an older sheetsync, or with columns a person added,
    still gets every value in its own column; a missing header is added after the last one.
    """
    data = current.get(tab)
    have = [str(h).strip() for h in (data.values[0] if data and data.values else [])]
    cols = {h: i for i, h in enumerate(have, start=1) if h}
    for header in headers:
        if header not in cols:
            cols[header] = max(len(have), max(cols.values(), default=0)) + 1
            have.append(header)
            batch.cells.append(CellWrite(tab, 1, cols[header], header))
    start = len(data.values) + 1 if data is not None else 2
    where = [cols[header] for header in headers]
    batch.rows.append(RowsWrite(tab, start, tuple(where), rows))
