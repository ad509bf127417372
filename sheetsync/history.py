"""History and undo: every write of every run, from `_Log` and its archive, and putting a run's writes back.

sheetsync.log(config, key="RMA-2026-0007")       # a DataFrame, oldest first
sheetsync.undo(config, "20261126-090000-a1b2c3")  # restore what that run changed, where nobody has since
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from .backends import open_backend
from .backends.base import Backend
from .engine.archive import archived
from .engine.audit import linked_cell
from .engine.run import RunResult, run_changes
from .errors import UsageError
from .model.a1 import parse_cell
from .model.changes import CellChange
from .model.keys import cell_norm
from .model.system import LOG, LOG_HEADERS, META, LogKind
from .model.tab import Tab
from .model.values import describe
from .project.config import Config
from .project.sections import AuditPolicy

NOT_RESTORED = {
    LogKind.RECOUNT: "day counts are counted again by the next run",
    LogKind.NEW_ROW: "a row sheetsync added: delete it by hand if it should go",
    LogKind.NOTE: "notes follow the problems: the next run redraws them",
    LogKind.WHOLE_TAB: "a tab its job rewrites whole: the next run of that job rewrites it",
    LogKind.LINKED: "the cells it names are restored together or not at all",
}


def log(
    config: Config,
    *,
    run: str | None = None,
    key: str | None = None,
    tab: str | None = None,
    since: date | datetime | str | None = None,
    backend: Backend | None = None,
) -> pd.DataFrame:
    """Every `_Log` row (the workbook's and the archived ones), oldest first, filtered as asked."""
    backend = backend or open_backend(config.target, config)
    rows = _workbook_rows(backend)
    policy = config.policy(AuditPolicy)
    older = archived(config.root / policy.archive, LOG)
    frame = pd.DataFrame([*older, *rows], columns=LOG_HEADERS).astype({"Run ID": "string", "Key": "string"})
    frame["Time"] = pd.to_datetime(frame["Time"], utc=True, errors="coerce").dt.tz_convert(str(config.timezone))
    if run is not None:
        frame = frame[frame["Run ID"] == run]
    if key is not None:
        frame = frame[frame["Key"].str.casefold() == key.casefold()]
    if tab is not None:
        frame = frame[frame["Tab"] == tab]
    if since is not None:
        moment = pd.Timestamp(since)
        moment = moment.tz_localize(str(config.timezone)) if moment.tzinfo is None else moment
        frame = frame[frame["Time"] >= moment]
    return frame.drop_duplicates().sort_values("Time", kind="stable").reset_index(drop=True)


def _workbook_rows(backend: Backend) -> list[dict[str, Any]]:
    if LOG not in backend.tab_names():
        return []
    values = backend.read([LOG])[LOG].values
    headers = [str(h).strip() for h in values[0]] if values else []
    return [{h: (line[i] if i < len(line) else None) for i, h in enumerate(headers)} for line in values[1:]]


@dataclass
class UndoResult:
    """What `undo` put back, and each write it left alone with the reason."""

    run_id: str
    result: RunResult
    restored: list[CellChange] = field(default_factory=list)
    left: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (_Log row, why it was left)


def undo(
    config: Config,
    run_id: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    backend: Backend | None = None,
) -> UndoResult:
    """Restore the value before `run_id` of every cell that still holds what that run wrote.

    The restore is a run of its own (job "undo"): guarded and logged like any other, so it can be undone
    too. A cell a person changed since is left as it is and listed.
    """
    backend = backend or open_backend(config.target, config)
    entries = log(config, run=run_id, backend=backend).to_dict("records")
    if not entries:
        raise UsageError(f"no run {run_id!r} in _Log or its archive: `sheetsync log` lists the runs")
    left: list[tuple[dict[str, Any], str]] = []

    def restores(tabs: Mapping[str, Tab]) -> list[CellChange]:
        left.clear()
        issued = {
            e["Key"]: e["New Value"]
            for e in entries
            if e["Kind"] == LogKind.CELL and e["Tab"] in tabs and e["Column"] == tabs[e["Tab"]].schema.key
        }
        groups = _groups(entries)
        restored: list[tuple[dict[str, Any], CellChange]] = []
        for entry in entries:
            if entry["Kind"] == LogKind.LINKED:
                continue  # the groups are read above
            change = _restore(entry, tabs, issued)
            if isinstance(change, str):
                left.append((entry, change))
            else:
                restored.append((entry, replace(change, group=groups.get(_cell_of(entry)))))
        held = {groups[_cell_of(e)]: e for e, _ in left if _cell_of(e) in groups}
        out = []
        for entry, change in restored:
            other = held.get(change.group) if change.group else None
            if other is None:
                out.append(change)
            else:
                why = f"written together with {other['Tab']} {other['Key']} {other['Column']}, which is left as it is"
                left.append((entry, why))
        return out

    result = run_changes(config, "undo", restores, now=now, dry_run=dry_run, backend=backend)
    skipped = {(p.tab, p.key, p.column): p.message for p in result.conflicts}
    restored = [c for c in result.planned if (c.tab, c.key, c.column) not in skipped]
    for change in result.planned:
        if (change.tab, change.key, change.column) in skipped:
            left.append(
                (
                    {"Tab": change.tab, "Key": change.key, "Column": change.column, "Cell": ""},
                    skipped[(change.tab, change.key, change.column)],
                )
            )
    return UndoResult(run_id, result, restored, left)


def _cell_of(entry: Mapping[str, Any]) -> str:
    return linked_cell(str(entry.get("Tab") or ""), str(entry.get("Cell") or ""))


def _groups(entries: list[dict[str, Any]]) -> dict[str, str]:
    """`Tab!A1` -> the group it was written in, from the run's LINKED rows (undone together or left together)."""
    out = {}
    for entry in entries:
        if entry["Kind"] == LogKind.LINKED:
            for cell in str(entry["New Value"] or "").split("; "):
                out[cell] = str(entry["Key"])
    return out


def _restore(entry: dict[str, Any], tabs: Mapping[str, Tab], issued: Mapping[str, Any]) -> CellChange | str:
    """The write that puts one logged cell back, or why it stays as it is."""
    kind = entry["Kind"]
    if kind != LogKind.CELL:
        return NOT_RESTORED.get(kind, f"a {kind} entry is not restored")
    if entry["Tab"] == META and str(entry["Key"]).startswith("issued:"):
        return "an id counter never goes back, so an id is never issued twice"
    tab = tabs.get(entry["Tab"])
    if tab is None or not tab.usable:
        return "the tab is gone"
    key = str(issued.get(entry["Key"], entry["Key"]))
    header = str(entry["Column"])
    if not tab.schema.has(header) or tab.schema.column(header).header not in tab.columns:
        return "the column is gone"
    header = tab.schema.column(header).header
    rows = [r for r in tab.rows if tab.key_of(r.key) == tab.key_of(key)]
    if not rows:
        return "the row is gone"
    new = cell_norm(_value(entry["New Value"]))
    holding = [r for r in rows if cell_norm(r.read_raw(header)) == new]
    if len(holding) > 1:  # a repeated key: the row the write went to, if it still holds the value
        written_at = _row_of(entry["Cell"])
        holding = [r for r in holding if r.sheet_row == written_at]
    if not holding:
        now_raw = rows[0].read_raw(header) if len(rows) == 1 else None
        return (
            f"changed since (now {describe(now_raw) or '(blank)'}): left as it is"
            if len(rows) == 1
            else f"changed since on every row holding {key}: left as it is"
        )
    if len(holding) > 1:
        return f"{key} is on several rows holding the same value: left as it is"
    row = holding[0]
    now_raw = row.read_raw(header)
    return CellChange(tab.name, row.key, header, _value(entry["Old Value"]), now_raw, row.get(header), row.sheet_row)


def _row_of(cell: Any) -> int | None:
    try:
        return parse_cell(str(cell))[0]
    except ValueError:
        return None


def _value(logged: Any) -> Any:
    """A value as `_Log` holds it, back as a cell value (blank is None; pandas' missing values too)."""
    if logged is None or logged == "" or (not isinstance(logged, str) and pd.isna(logged)):
        return None
    if isinstance(logged, pd.Timestamp):
        return logged.to_pydatetime()
    return logged
