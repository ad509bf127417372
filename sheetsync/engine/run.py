"""One run: read every tab once, evaluate the jobs, plan, guard, write once, record the run."""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from ..backends import open_backend
from ..backends.base import Backend, CellWrite
from ..errors import ConfigError, JobError, OwnershipError, SheetSyncError, UsageError, WorkbookNotFound
from ..model.a1 import a1
from ..model.changes import CellChange, ChangeSet, RowAppend
from ..model.grid import TabData, trim
from ..model.ids import Issuer
from ..model.layout import FILLS, NOTE_PREFIX, NewTab, TabContent
from ..model.problems import Code, Problem, Report, Severity
from ..model.system import LOG, LOG_HEADERS, META, META_SCHEMA, RUNS, RUNS_HEADERS
from ..model.tab import Tab, build_tab
from ..model.values import ParseOptions, date_to_serial, describe, is_blank, to_cell
from ..project.config import Config
from ..project.loader import Context, Job, load_jobs
from .plan import Plan, annotation_writes, check_ownership, drop_noops, resolve, same_cell

log = logging.getLogger("sheetsync")


@dataclass
class JobOutcome:
    name: str
    status: str = "ok"  # ok | failed | not run
    error: str | None = None
    cells: int = 0
    problems: int = 0
    conflicts: int = 0
    config_error: bool = False  # it failed on a config mistake (the message names file and key): exit 2


@dataclass
class RunResult:
    """What a run found and did; `planned` lists the cell changes (also for dry runs)."""

    run_id: str
    started: datetime
    ended: datetime | None = None
    dry_run: bool = False
    outcomes: dict[str, JobOutcome] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    planned: list[CellChange] = field(default_factory=list)
    planned_appends: list[RowAppend] = field(default_factory=list)
    planned_contents: list[str] = field(default_factory=list)
    written: list[tuple[CellChange, Any]] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    cells_written: int = 0
    requests: int = 0
    target: str = ""
    results: dict[str, Any] = field(default_factory=dict)
    clock: float = field(default_factory=time.monotonic, repr=False)  # when the run began, for its duration

    def elapsed_now(self) -> datetime:
        """The run's start moment plus the time it has taken (so --now runs get sensible end times)."""
        return self.started + timedelta(seconds=round(time.monotonic() - self.clock, 3))

    @property
    def failed(self) -> list[str]:
        return [o.name for o in self.outcomes.values() if o.status == "failed"]

    @property
    def wrote(self) -> bool:
        return self.cells_written > 0


def run(config: Config, jobs: Sequence[str] | None = None, *, now: datetime | None = None,
        dry_run: bool = False, backend: Backend | None = None) -> RunResult:
    """Run the named jobs (default: every enabled job) once against the configured workbook."""
    now = (now or datetime.now(timezone.utc)).astimezone(config.timezone)
    available, broken = load_jobs(config)
    selected = _select(config, available, jobs, broken)
    backend = backend or open_backend(config.target, config)
    result = RunResult(run_id=now.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6], started=now,
                       dry_run=dry_run, target=backend.target)
    first_request = backend.requests  # a backend may serve several runs: count this run's requests only
    with backend.lease(f"{socket.gethostname()}:{os.getpid()}:{result.run_id}"):
        names = backend.tab_names()
        if not names:
            raise WorkbookNotFound(f"{backend.target}: no such workbook; run `sheetsync init` (or `sheetsync demo`) "
                                   "to create it, or fix workbook.target / --workbook")
        if not any(tab in names for tab in config.schemas):
            raise WorkbookNotFound(f"{backend.target}: none of the tabs {', '.join(config.schemas)} exist; "
                                   "run `sheetsync init` (or `sheetsync demo`) first")
        data = backend.read(names)
        tabs = _build_tabs(config, data)
        context = Context(config, now, tabs, result.report, result.results, _issuers(config, tabs, now))
        changes, issues_ok = _evaluate(context, available, selected, result)
        issues_ok = issues_ok and not broken  # a broken job's lines must not vanish from Issues
        _record_broken(broken, jobs, result)
        plan = _plan(config, tabs, data, changes, result, issues_ok)
        _record_counters(plan, tabs, context.issuers)
        result.planned, result.planned_appends = plan.cells, plan.appends
        result.planned_contents = [c.name for c in plan.contents]
        if not dry_run and (plan.cells or plan.appends or plan.contents or plan.annotations or result.failed):
            _apply(config, backend, plan, tabs, result, now, set(names), first_request)
    result.ended = result.elapsed_now()
    result.requests = backend.requests - first_request
    return result


@dataclass
class Snapshot:
    """The workbook as read, with every issue-reporting job evaluated and nothing written."""

    tabs: dict[str, Tab]
    report: Report
    results: dict[str, Any]
    now: datetime


def inspect(config: Config, *, now: datetime | None = None, backend: Backend | None = None) -> Snapshot:
    """Read the workbook once and collect every job's problems and results without writing (exports, notebooks)."""
    now = (now or datetime.now(timezone.utc)).astimezone(config.timezone)
    available, broken = load_jobs(config)
    backend = backend or open_backend(config.target, config)
    data = backend.read(backend.tab_names())
    tabs = _build_tabs(config, data)
    result = RunResult(run_id="inspect", started=now, dry_run=True, target=backend.target)
    context = Context(config, now, tabs, result.report, result.results, _issuers(config, tabs, now))
    _evaluate(context, available, [], result)
    _record_broken(broken, None, result)
    return Snapshot(tabs, result.report, result.results, now)


def _record_broken(broken: Mapping[str, str], jobs: Sequence[str] | None, result: RunResult) -> None:
    for name, message in broken.items():
        if not jobs or name in jobs:
            result.outcomes[name] = JobOutcome(name, "failed", message)
            result.report.add(Problem("", Code.JOB_FAILED, message, job=name))


def _select(config: Config, available: Mapping[str, Job], jobs: Sequence[str] | None,
            broken: Mapping[str, str]) -> list[str]:
    enabled = [j for j in available if not config.jobs_enabled or j in config.jobs_enabled]
    if not jobs:
        return enabled
    unknown = [j for j in jobs if j not in available and j not in broken]
    if unknown:
        raise UsageError(f"no job named {', '.join(unknown)}; jobs: {', '.join(available)}")
    return [j for j in available if j in jobs]


def _build_tabs(config: Config, data: Mapping[str, TabData]) -> dict[str, Tab]:
    spare = {name: tab for name, tab in data.items() if name not in config.schemas}  # maybe a renamed tab
    tabs = {name: build_tab(data.get(name), schema, config.parse, spare) for name, schema in config.schemas.items()}
    tabs[META] = build_tab(data.get(META) or TabData(META, [META_SCHEMA.headers]), META_SCHEMA, config.parse)
    return tabs


def _issuers(config: Config, tabs: Mapping[str, Tab], now: datetime) -> dict[str, Issuer]:
    out = {}
    today = now.date()
    for name, schema in config.schemas.items():
        if schema.issued_id and tabs[name].usable:
            probe = Issuer(schema.issued_id, today, ())
            meta = tabs[META].row(f"issued:{probe.counter}")
            recorded = int(float(meta["Value"])) if meta is not None and _is_number(meta["Value"]) else 0
            keys = [row.key for row in tabs[name].rows if row.has_key]
            out[name] = Issuer(schema.issued_id, today, keys, recorded)
    return out


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _evaluate(context: Context, available: Mapping[str, Job], selected: list[str],
              result: RunResult) -> tuple[list[ChangeSet], bool]:
    """Run selected jobs, and the unselected issue-reporting ones for their problems only."""
    for tab in context.tabs.values():
        result.report.extend(_keyed(tab, tab.problems))
    changes: list[ChangeSet] = []
    issues_ok = True
    for name, spec in available.items():
        chosen = name in selected
        if not chosen and not spec.reports_issues:
            continue
        outcome = JobOutcome(name, "ok" if chosen else "not run")
        # Ids issued by a job whose writes are not applied (unselected: run for its problems only; or failed)
        # are never written, so they are given back instead of leaving gaps in the sequence.
        issued = {tab: issuer.last for tab, issuer in context.issuers.items()}
        try:
            produced = _call_job(context, spec)
        except Exception as ex:  # a job's bug must not stop the others; it is recorded
            issues_ok = issues_ok and not spec.reports_issues
            _record_failure(result, outcome, ex)
            continue
        finally:
            if not chosen or outcome.status == "failed":
                for tab, last in issued.items():
                    context.issuers[tab].last = last
        result.results[name] = produced
        result.report.extend(produced.problems)
        outcome.problems = len(produced.problems)
        if chosen:
            changes.append(produced)
            result.outcomes[name] = outcome
            _show_to_later_jobs(context.tabs, produced)
    context.job = None
    return changes, issues_ok


def _call_job(context: Context, spec: Job) -> ChangeSet:
    """Run one job and label everything it returns with its name."""
    context.job = spec.name
    produced = spec.fn(context)
    if produced is None:  # not `or`: a ChangeSet holding only problems is falsy
        produced = ChangeSet(job=spec.name)
    if not isinstance(produced, ChangeSet):
        raise JobError(f"job {spec.name!r} returned {type(produced).__name__}, not a ChangeSet")
    produced.job = spec.name
    for item in produced.cells + produced.appends:
        object.__setattr__(item, "job", spec.name)
    return produced


def _record_failure(result: RunResult, outcome: JobOutcome, ex: Exception) -> None:
    # A sheetsync error (a config value of the wrong type, ...) is a message for a person: no traceback.
    person = isinstance(ex, SheetSyncError)
    outcome.status, outcome.error = "failed", str(ex) if person else f"{type(ex).__name__}: {ex}"
    outcome.config_error = isinstance(ex, ConfigError)
    log.error("job %s failed: %s", outcome.name, outcome.error, exc_info=not person)
    result.report.add(Problem("", Code.JOB_FAILED, f"job {outcome.name} failed: {outcome.error}",
                              job=outcome.name))
    result.outcomes[outcome.name] = outcome


def _show_to_later_jobs(tabs: Mapping[str, Tab], produced: ChangeSet) -> None:
    """Apply a job's cell writes to the snapshots, so jobs after it (summaries, To Do) see the result."""
    for change in produced.cells:
        tab = tabs.get(change.tab)
        row = tab.row(change.key) if tab is not None else None
        if row is not None:
            row.apply(change.column, change.value)


def _keyed(tab: Tab, problems: Iterable[Problem]) -> list[Problem]:
    """Attach row keys to problems found while parsing (they only knew the sheet row)."""
    by_row = {row.sheet_row: row.key for row in tab.rows}
    out = []
    for p in problems:
        if p.key is None and p.row in by_row:
            p = Problem(**{**p.__dict__, "key": by_row[p.row]})
        out.append(p)
    return out


def _plan(config: Config, tabs: Mapping[str, Tab], data: Mapping[str, TabData], changes: list[ChangeSet],
          result: RunResult, issues_ok: bool) -> Plan:
    plan = Plan()
    for changeset in changes:
        for change in changeset.cells:
            schema = config.schemas.get(change.tab) or (META_SCHEMA if change.tab == META else None)
            if schema is None:
                raise OwnershipError(f"job {change.job!r} wrote to {change.tab!r}, which has no schema")
            if schema.issues_column and change.column == schema.issues_column:
                raise OwnershipError(f"job {change.job!r} wrote {change.tab}!{change.column} directly; "
                                     "report a Problem instead (Issues is composed from every job's problems)")
        for change in drop_noops(changeset.cells, tabs, config.parse):  # rewriting a value as it is is no write
            check_ownership(change, config.schemas.get(change.tab) or META_SCHEMA)
        plan.cells += changeset.cells
        plan.appends += changeset.appends
        plan.contents += changeset.contents
    if issues_ok:
        plan.cells += _issue_cells(config, tabs, result.report)
        wanted = _annotations(config, tabs, result.report)
        schemas = dict(config.schemas)
        if annotation_writes(wanted, data, schemas):
            plan.annotations = wanted
    plan.cells = drop_noops(plan.cells, tabs, config.parse)
    plan.contents = _changed_contents(plan, data)
    return plan


def _distinct(report: Report) -> list[Problem]:
    """The report without repeats: the same reason at the same cell found by a second job shows once."""
    first: dict[tuple, str | None] = {}
    out = []
    for p in report:
        where = (p.tab, p.key, p.column, str(p.code))
        if p.key is not None and where in first and first[where] != p.job:
            continue
        first.setdefault(where, p.job)
        out.append(p)
    return out


def _issue_cells(config: Config, tabs: Mapping[str, Tab], report: Report) -> list[CellChange]:
    lines: dict[tuple[str, str], list[str]] = {}
    for p in _distinct(report):
        if p.key is not None and p.tab in tabs:
            bucket = lines.setdefault((p.tab, p.key), [])
            if p.line not in bucket:
                bucket.append(p.line)
    out = []
    for name, schema in config.schemas.items():
        tab, column = tabs[name], schema.issues_column
        if not column or not tab.usable or column not in tab.columns:
            continue
        for row in tab.rows:
            text = "\n".join(lines.get((name, row.key), [])) or None
            if text is None and is_blank(row.read_raw(column)):
                continue  # blank stays blank: a no-op the plan would drop anyway
            out.append(CellChange(name, row.key, column, text, row.read_raw(column), row.get(column),
                                  row.sheet_row, "issues"))
    return out


def _annotations(config: Config, tabs: Mapping[str, Tab], report: Report):
    wanted: dict[str, dict[tuple[str, str], list[Problem]]] = {}
    for p in _distinct(report):
        if p.key is not None and p.column and p.tab in config.schemas and tabs[p.tab].usable \
                and p.column in tabs[p.tab].columns:
            wanted.setdefault(p.tab, {}).setdefault((p.key, p.column), []).append(p)
    out: dict[str, dict[tuple[str, str], tuple[str, str]]] = {n: {} for n, t in tabs.items()
                                                                 if n in config.schemas and t.usable}
    for tab, cells in wanted.items():
        for cell, problems in cells.items():
            text = NOTE_PREFIX + "\n".join(dict.fromkeys(p.message for p in problems))
            worst = "error" if any(p.severity == Severity.ERROR for p in problems) else "warning"
            out[tab][cell] = (text, FILLS[worst])
    return out


def _record_counters(plan: Plan, tabs: Mapping[str, Tab], issuers: Mapping[str, Issuer]) -> None:
    """Keep each advanced id counter in _Meta so a deleted row's id is never issued again."""
    meta = tabs[META]
    for issuer in issuers.values():
        if not issuer.advanced:
            continue
        key = f"issued:{issuer.counter}"
        row = meta.row(key)
        if row is None:
            plan.appends.append(RowAppend(META, {"Key": key, "Value": str(issuer.last)}, "ids"))
        else:
            plan.cells.append(CellChange(META, row.key, "Value", str(issuer.last), row.read_raw("Value"),
                                         row.get("Value"), row.sheet_row, "ids"))


def _changed_contents(plan: Plan, data: Mapping[str, TabData]) -> list[TabContent]:
    """Whole-tab rewrites whose cells differ from the tab as read."""
    return [content for content in plan.contents
            if content.name not in data or not _same_grid(data[content.name].values, content.rows)]


def _same_grid(current: list[list[Any]], rows: list[list[Any]]) -> bool:
    wanted = trim([[to_cell(v) for v in row] for row in rows])
    if len(wanted) != len(current):
        return False
    for have, want in zip(current, wanted):
        if len(have) != len(want) or not all(same_cell(None, h, _as_read(h, w), _OPTS) for h, w in zip(have, want)):
            return False
    return True


def _as_read(have: Any, want: Any) -> Any:
    """A date compared with a number is compared as the serial number Google Sheets reads back."""
    if isinstance(want, date) and isinstance(have, (int, float)) and not isinstance(have, bool):
        return date_to_serial(want)
    return want


_OPTS = ParseOptions()  # whole tabs hold what jobs wrote: no workbook-specific parsing


def _apply(config: Config, backend: Backend, plan: Plan, tabs: Mapping[str, Tab], result: RunResult,
           now: datetime, existing: set[str], first_request: int = 0) -> None:
    plan.new_tabs += [NewTab(name, headers, hidden=True) for name, headers in
                      ((LOG, LOG_HEADERS), (RUNS, RUNS_HEADERS), (META, META_SCHEMA.headers))
                      if name not in existing]
    guard_tabs = sorted(set(plan.tabs_to_guard) | ({LOG, RUNS, META} & existing))
    current = backend.guard_read(guard_tabs)
    for new in plan.new_tabs:
        current.setdefault(new.name, TabData(new.name, [list(new.headers)]))
    schemas = {**config.schemas, META: META_SCHEMA}
    resolved = resolve(plan, current, tabs, schemas, config.parse)
    result.conflicts = resolved.conflicts
    result.report.extend(resolved.conflicts)
    result.written = list(resolved.written)
    result.cells_written = len(resolved.written) + sum(len(a.values) for a, _ in resolved.appended) + \
        sum(len(c.rows) for c in resolved.batch.contents)
    if not resolved.batch and not result.failed:  # a failed job is recorded in _Runs even when nothing changed
        return
    result.requests = backend.requests - first_request + 1  # so far, plus the one write below
    _audit(resolved, current, result, now)
    backend.write(resolved.batch)


def _audit(resolved, current: Mapping[str, TabData], result: RunResult, now: datetime) -> None:
    """_Log rows for every cell written and _Runs rows for the jobs, appended after their last rows."""
    stamp = now.isoformat(timespec="seconds")
    rows = []
    for change, write in resolved.written:
        rows.append([stamp, result.run_id, change.job or "", change.tab, change.key, change.column,
                     a1(write.row, write.col), describe(change.expected) if change.expected is not None else "",
                     describe(write.value) if write.value is not None else ""])
    for append, row in resolved.appended:
        rows.append([stamp, result.run_id, append.job or "", append.tab, "", "(new row)", f"row {row}", "",
                     "; ".join(f"{k}={describe(v)}" for k, v in append.values.items() if v is not None)])
    for content in resolved.batch.contents:
        rows.append([stamp, result.run_id, "", content.name, "", "(whole tab)", "", "",
                     f"{len(content.rows)} rows"])
    _append_rows(resolved.batch, current, LOG, rows)
    _append_rows(resolved.batch, current, RUNS, _run_rows(result, resolved, now))


def _run_rows(result: RunResult, resolved, now: datetime) -> list[list[Any]]:
    by_job: dict[str, int] = {}
    for change, _ in resolved.written:
        by_job[change.job or ""] = by_job.get(change.job or "", 0) + 1
    conflicts: dict[str, int] = {}
    for p in resolved.conflicts:
        conflicts[p.job or ""] = conflicts.get(p.job or "", 0) + 1
    rows = []
    for name, outcome in result.outcomes.items():
        outcome.cells, outcome.conflicts = by_job.get(name, 0), conflicts.get(name, 0)
        if outcome.status == "failed" or outcome.cells or outcome.conflicts:
            rows.append([result.run_id, name, result.started.isoformat(timespec="seconds"),
                         result.elapsed_now().isoformat(timespec="seconds"), outcome.status, outcome.cells, outcome.problems,
                         result.requests, outcome.conflicts, outcome.error or ""])
    return rows


def _append_rows(batch, current: Mapping[str, TabData], tab: str, rows: list[list[Any]]) -> None:
    data = current.get(tab)
    start = len(data.values) + 1 if data is not None else 2
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                batch.cells.append(CellWrite(tab, start + offset, col, to_cell(value)))

