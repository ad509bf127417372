"""The audit trail a run leaves in the workbook: `_Log` rows for what it wrote, `_Runs` rows for its jobs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from ..backends.base import CellWrite, WriteBatch
from ..model.a1 import a1
from ..model.grid import TabData
from ..model.problems import Problem
from ..model.system import LOG, RUNS
from ..model.values import describe, to_cell
from .evaluate import JobOutcome
from .guard import Resolved


class RunFacts(Protocol):
    """What the audit needs to know about the run (RunResult has it)."""

    run_id: str
    started: datetime
    requests: int

    @property
    def outcomes(self) -> Mapping[str, JobOutcome]: ...

    def elapsed_now(self) -> datetime: ...


def audit(resolved: Resolved, current: Mapping[str, TabData], run: RunFacts, now: datetime) -> None:
    """Append `_Log` rows for every cell written and `_Runs` rows for the jobs, after their last rows."""
    stamp = now.isoformat(timespec="seconds")
    rows = []
    for change, write in resolved.written:
        rows.append(
            [
                stamp,
                run.run_id,
                change.job or "",
                change.tab,
                change.key,
                change.column,
                a1(write.row, write.col),
                describe(change.expected) if change.expected is not None else "",
                describe(write.value) if write.value is not None else "",
            ]
        )
    for append, row in resolved.appended:
        rows.append(
            [
                stamp,
                run.run_id,
                append.job or "",
                append.tab,
                "",
                "(new row)",
                f"row {row}",
                "",
                "; ".join(f"{k}={describe(v)}" for k, v in append.values.items() if v is not None),
            ]
        )
    for content in resolved.batch.contents:
        rows.append([stamp, run.run_id, "", content.name, "", "(whole tab)", "", "", f"{len(content.rows)} rows"])
    append_rows(resolved.batch, current, LOG, rows)
    append_rows(resolved.batch, current, RUNS, run_rows(run, resolved.written, resolved.conflicts))


def run_rows(run: RunFacts, written: list, conflicts: list[Problem]) -> list[list[Any]]:
    """One `_Runs` row per job that wrote something, skipped a conflict or failed (quiet runs leave none)."""
    by_job: dict[str, int] = {}
    for change, _ in written:
        by_job[change.job or ""] = by_job.get(change.job or "", 0) + 1
    skipped: dict[str, int] = {}
    for p in conflicts:
        skipped[p.job or ""] = skipped.get(p.job or "", 0) + 1
    rows = []
    for name, outcome in run.outcomes.items():
        outcome.cells, outcome.conflicts = by_job.get(name, 0), skipped.get(name, 0)
        if outcome.status == "failed" or outcome.cells or outcome.conflicts:
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
                ]
            )
    return rows


def append_rows(batch: WriteBatch, current: Mapping[str, TabData], tab: str, rows: list[list[Any]]) -> None:
    """Add `rows` to the batch as cells below the last row of `tab` as it is now."""
    data = current.get(tab)
    start = len(data.values) + 1 if data is not None else 2
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                batch.cells.append(CellWrite(tab, start + offset, col, to_cell(value)))
