"""One run: read every tab once, evaluate the jobs, plan, guard, write once, record the run.

read (backend.read) -> typed frozen Tabs -> evaluate (jobs, each seeing only what it runs after)
-> plan (ownership, no-ops, Issues, notes, whole tabs) -> guard (re-read; address by key)
-> write (one batch) with its audit rows (_Log, _Runs)
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ..backends import open_backend
from ..backends.base import Backend, CellWrite
from ..errors import UsageError, WorkbookNotFound
from ..model.changes import Action, CellChange, RowAppend
from ..model.grid import TabData
from ..model.ids import Issuer
from ..model.layout import NewTab
from ..model.problems import Code, Problem, Report
from ..model.system import LOG, LOG_HEADERS, META, META_SCHEMA, RUNS, RUNS_HEADERS
from ..model.tab import Tab, build_tab
from ..project.config import Config
from ..project.loader import Project, load_project
from ..project.sections import AuditPolicy
from .audit import Retention, audit, needs_whole
from .evaluate import Evaluation, JobOutcome, evaluate, to_evaluate
from .guard import guard_scopes, incomplete, resolve
from .phases import OnPhase, Phases
from .plan import Plan, build_plan, record_counters

__all__ = ["JobOutcome", "RunResult", "Snapshot", "inspect", "run", "run_changes", "validate"]

AUDIT_TABS = (LOG, RUNS)  # append-only: no job reads them, so a run's first read leaves them out

log = logging.getLogger("sheetsync")


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
    written: list[tuple[CellChange, CellWrite]] = field(default_factory=list)
    appended: list[RowAppend] = field(default_factory=list)  # the planned new rows that were added
    conflicts: list[Problem] = field(default_factory=list)
    cells_written: int = 0  # cells of keyed rows and of new rows (whole tabs and notes are counted apart)
    notes_written: int = 0
    tabs_rewritten: list[str] = field(default_factory=list)
    requests: int = 0
    target: str = ""
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # job -> its published outputs
    actions: list[Action] = field(default_factory=list)  # every evaluated job's To Do actions
    job_seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds each evaluated job took
    clock: float = field(default_factory=time.monotonic, repr=False)  # when the run began, for its duration

    def elapsed_now(self) -> datetime:
        """The run's start moment plus the time it has taken (so --now runs get sensible end times)."""
        return self.started + timedelta(seconds=round(time.monotonic() - self.clock, 3))

    @property
    def failed(self) -> list[str]:
        return [o.name for o in self.outcomes.values() if o.status == "failed"]

    @property
    def wrote(self) -> bool:
        return bool(self.cells_written or self.notes_written or self.tabs_rewritten)

    def output(self, job: str, name: str) -> Any:
        """What `job` published as `name` in this run (KeyError when it did not)."""
        return self.outputs[job][name]


def run(
    config: Config,
    jobs: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    backend: Backend | None = None,
    project: Project | None = None,
    on_phase: OnPhase | None = None,
) -> RunResult:
    """Run the named jobs (None: every enabled job) once against the configured workbook.

    `on_phase(phase, done, total)` hears of each phase as it starts (read, parse, each job, plan, guard, write).
    """
    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    project = project or load_project(config)
    selected = _select(config, project, jobs)
    phases = Phases(on_phase, 3 + len(to_evaluate(project, selected)) + (0 if dry_run else 2))
    backend = backend or open_backend(config.target, config)
    result = RunResult(
        run_id=now.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6],
        started=now,
        dry_run=dry_run,
        target=backend.target,
    )
    first_request = backend.requests  # a backend may serve several runs: count this run's requests only
    with backend.lease(f"{socket.gethostname()}:{os.getpid()}:{result.run_id}"):
        began = time.monotonic()
        phases.start("read")
        names = backend.tab_names()
        _check_workbook(config, backend, names)
        data = backend.read([n for n in names if n not in AUDIT_TABS])  # the guard reads what audit needs of them
        log.debug(
            "read %s: %d tab(s) in %.2fs, %d request(s)",
            backend.target,
            len(data),
            time.monotonic() - began,
            backend.requests - first_request,
        )
        began = time.monotonic()
        phases.start("parse")
        tabs = build_tabs(config, data)
        log.debug("parsed %d row(s) in %.2fs", sum(len(t) for t in tabs.values()), time.monotonic() - began)
        began = time.monotonic()
        issuers = _issuers(config, tabs, now)
        found = evaluate(
            project, config, now, tabs, issuers, selected, dry_run, on_job=phases.start, sheets=own_sheets(config, data)
        )
        _take(result, found, project, jobs)
        log.debug(
            "evaluated %d job(s) in %.2fs: %d problem(s)",
            len(found.outcomes),
            time.monotonic() - began,
            len(result.report),
        )
        began = time.monotonic()
        phases.start("plan")
        plan = build_plan(
            config, tabs, data, found.changes, result.report, found.issues_ok and not project.broken, found.notes
        )
        record_counters(plan, tabs, issuers)
        result.planned, result.planned_appends = plan.cells, plan.appends
        result.planned_contents = [c.name for c in plan.contents]
        log.debug(
            "planned %d cell change(s), %d new row(s), %d whole tab(s) in %.2fs",
            len(plan.cells),
            len(plan.appends),
            len(plan.contents),
            time.monotonic() - began,
        )
        began = time.monotonic()
        if not dry_run and (plan or result.failed):
            _apply(config, backend, plan, tabs, result, now, set(names), first_request, phases, data)
    phases.finish()
    result.ended = result.elapsed_now()
    result.requests = backend.requests - first_request
    log.debug(
        "%s %d cell(s) in %.2fs; %d request(s) in all, run took %.2fs",
        "dry run: wrote nothing of" if dry_run else "wrote",
        len(result.planned) if dry_run else result.cells_written,
        time.monotonic() - began,
        result.requests,
        time.monotonic() - result.clock,
    )
    return result


def validate(
    config: Config,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    backend: Backend | None = None,
    project: Project | None = None,
    on_phase: OnPhase | None = None,
) -> RunResult:
    """Run the jobs that validate (marked `@job(validates=True)`) once: `sheetsync validate`."""
    project = project or load_project(config)
    return run(
        config, project.validating, now=now, dry_run=dry_run, backend=backend, project=project, on_phase=on_phase
    )


@dataclass
class Snapshot:
    """The workbook as read, with every issue-reporting job evaluated and nothing written."""

    tabs: dict[str, Tab]
    report: Report
    outputs: dict[str, dict[str, Any]]
    now: datetime
    project: Project


def inspect(
    config: Config, *, now: datetime | None = None, backend: Backend | None = None, project: Project | None = None
) -> Snapshot:
    """Read the workbook once and collect every job's problems and outputs without writing (exports, notebooks)."""
    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    project = project or load_project(config)
    backend = backend or open_backend(config.target, config)
    data = backend.read(backend.tab_names())
    tabs = build_tabs(config, data)
    found = evaluate(
        project, config, now, tabs, _issuers(config, tabs, now), [], dry_run=True, sheets=own_sheets(config, data)
    )
    result = RunResult(run_id="inspect", started=now, dry_run=True, target=backend.target)
    _take(result, found, project, None)
    return Snapshot(tabs, result.report, result.outputs, now, project)


def _check_workbook(config: Config, backend: Backend, names: list[str]) -> None:
    if not names:
        raise WorkbookNotFound(
            f"{backend.target}: no such workbook; run `sheetsync init` (or `sheetsync demo`) "
            "to create it, or fix workbook.target / --workbook"
        )
    if not any(tab in names for tab in config.schemas):
        raise WorkbookNotFound(
            f"{backend.target}: none of the tabs {', '.join(config.schemas)} exist; "
            "run `sheetsync init` (or `sheetsync demo`) first"
        )


def _take(result: RunResult, found: Evaluation, project: Project, jobs: Sequence[str] | None) -> None:
    """Move what the evaluation found into the result; broken jobs (that were asked for) are failures."""
    result.report.extend(found.report)
    result.outcomes.update(found.outcomes)
    result.outputs.update(found.outputs)
    result.actions += found.actions
    result.job_seconds.update(found.seconds)
    for name, message in project.broken.items():
        if jobs is None or name in jobs:
            result.outcomes[name] = JobOutcome(name, "failed", message)
            result.report.add(Problem("", Code.JOB_FAILED, message, job=name))


def _select(config: Config, project: Project, jobs: Sequence[str] | None) -> list[str]:
    available = project.jobs
    enabled = [
        j
        for j, spec in available.items()
        if (not config.jobs_enabled or j in config.jobs_enabled) and not spec.on_demand
    ]
    if jobs is None:
        return enabled
    unknown = [j for j in jobs if j not in available and j not in project.broken]
    if unknown:
        raise UsageError(f"no job named {', '.join(unknown)}; jobs: {', '.join(available)}")
    return [j for j in available if j in jobs]


def build_tabs(config: Config, data: Mapping[str, TabData]) -> dict[str, Tab]:
    """Every tab the config declares, typed (a missing tab is an unusable Tab with its problem), and _Meta."""
    spare = {name: tab for name, tab in data.items() if name not in config.schemas}  # maybe a renamed tab
    tabs = {name: build_tab(data.get(name), schema, config.parse, spare) for name, schema in config.schemas.items()}
    tabs[META] = build_tab(data.get(META) or TabData(META, [META_SCHEMA.headers]), META_SCHEMA, config.parse)
    return tabs


def own_sheets(config: Config, data: Mapping[str, TabData]) -> dict[str, list[list[Any]]]:
    """The raw cells of the tabs no schema declares (the tabs jobs rewrite whole), for the jobs to read."""
    return {name: d.values for name, d in data.items() if name not in config.schemas and name not in (LOG, RUNS, META)}


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


def _apply(
    config: Config,
    backend: Backend,
    plan: Plan,
    tabs: Mapping[str, Tab],
    result: RunResult,
    now: datetime,
    existing: set[str],
    first_request: int = 0,
    phases: Phases | None = None,
    data: Mapping[str, TabData] | None = None,
) -> None:
    phases = phases or Phases(None, 0)
    phases.start("guard")
    began, requests = time.monotonic(), backend.requests
    plan.new_tabs += [
        NewTab(name, headers, hidden=True, freeze=(1, 0))
        for name, headers in ((LOG, LOG_HEADERS), (RUNS, RUNS_HEADERS), (META, META_SCHEMA.headers))
        if name not in existing
    ]
    written = {c.tab for c in plan.cells} | {a.tab for a in plan.appends}
    plan.new_tabs += [
        NewTab(name, list(schema.headers))
        for name, schema in config.schemas.items()
        if schema.created_by_jobs and name not in existing and name in written
    ]
    guard_tabs = sorted(set(plan.tabs_to_guard) | ({LOG, RUNS, META} & existing))
    schemas = {**config.schemas, META: META_SCHEMA}
    policy = config.policy(AuditPolicy)
    retention = Retention(timedelta(days=policy.keep_days), config.root / policy.archive)
    scopes = guard_scopes(plan, tabs, data or {})
    current = backend.guard_read(guard_tabs, scopes)
    again = incomplete(scopes, current, schemas) + [
        name for name in (LOG, RUNS) if name in current and needs_whole(current[name], now, retention)
    ]
    if again:  # a person moved a row the run writes, or old audit rows are due for the archive
        current.update(backend.guard_read(again))
    for new in plan.new_tabs:
        current.setdefault(new.name, TabData(new.name, [list(new.headers)]))
    resolved = resolve(plan, current, tabs, schemas)
    log.debug(
        "re-read %d tab(s) before writing and found the rows by key in %.2fs, %d request(s)",
        len(guard_tabs),
        time.monotonic() - began,
        backend.requests - requests,
    )
    result.conflicts = resolved.conflicts
    result.report.extend(resolved.conflicts)
    result.written = list(resolved.written)
    result.appended = [append for append, _ in resolved.appended]
    result.cells_written = len(resolved.written) + sum(
        len([v for v in a.values.values() if v is not None]) for a, _ in resolved.appended
    )
    result.notes_written = len(resolved.batch.notes)
    result.tabs_rewritten = [c.name for c in resolved.batch.contents]
    if not resolved.batch and not result.failed:  # a failed job is recorded in _Runs even when nothing changed
        return
    result.requests = backend.requests - first_request + 1  # so far, plus the one write below
    audit(resolved, current, schemas, result, now, retention)
    phases.start("write")
    backend.write(resolved.batch)


def run_changes(
    config: Config,
    job: str,
    changes: Callable[[Mapping[str, Tab]], list[CellChange]],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    backend: Backend | None = None,
) -> RunResult:
    """One run that writes the cell changes `changes(tabs)` makes from the tabs as read, as `job`.

    No job is evaluated: the writes go through the same lease, guard, audit and single write as a job's,
    and skip the ownership rules (for restoring what sheetsync itself wrote: `sheetsync undo`).
    """
    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    backend = backend or open_backend(config.target, config)
    result = RunResult(
        run_id=now.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6],
        started=now,
        dry_run=dry_run,
        target=backend.target,
    )
    result.outcomes[job] = JobOutcome(job)
    first_request = backend.requests
    with backend.lease(f"{socket.gethostname()}:{os.getpid()}:{result.run_id}"):
        names = backend.tab_names()
        _check_workbook(config, backend, names)
        data = backend.read(names)
        tabs = build_tabs(config, data)
        plan = Plan(cells=[replace(c, job=job) for c in changes(tabs)])
        result.planned = plan.cells
        if not dry_run and plan:
            _apply(config, backend, plan, tabs, result, now, set(names), first_request, data=data)
    result.ended = result.elapsed_now()
    result.requests = backend.requests - first_request
    return result
