"""Evaluating a run's jobs: each in dependency order, each seeing only the jobs it runs after.

A job's view (its Context) is built from the tabs as read plus an explicit overlay of the writes of
the jobs it names in `after`; rows themselves are never changed. A job that fails is recorded and the
others go on. Jobs that report problems or To Do actions are evaluated on every run, chosen or not,
so their lines never vanish from Issues or To Do; only chosen jobs' writes are applied.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import ConfigError, JobError, SheetSyncError
from ..model.changes import Action, CellNote, ChangeSet
from ..model.grid import Grid
from ..model.ids import Issuer
from ..model.problems import Code, Problem, Report
from ..model.tab import Tab
from ..project.config import Config
from ..project.loader import Project
from ..project.marks import Job
from .context import Context, frozen_outputs

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
class Evaluation:
    """What the jobs of one run found and want, before anything is planned or written."""

    outcomes: dict[str, JobOutcome] = field(default_factory=dict)  # chosen jobs (and failures)
    changes: list[ChangeSet] = field(default_factory=list)  # chosen jobs that ran: their writes are applied
    report: Report = field(default_factory=Report)  # every problem, schema problems first
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # every evaluated job's outputs
    actions: list[Action] = field(default_factory=list)  # every evaluated job's To Do actions
    notes: list[CellNote] = field(default_factory=list)  # every evaluated job's notes (they stay, like problems)
    issues_ok: bool = True  # every issue-reporting job ran, so Issues can be composed in full
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds each evaluated job took


def to_evaluate(project: Project, selected: Iterable[str]) -> list[str]:
    """The chosen jobs, every issue-reporting job, and every job those run after (in run order)."""
    jobs, chosen = project.jobs, set(selected)
    wanted = {name for name, spec in jobs.items() if name in chosen or spec.reports_issues}
    stack = list(wanted)
    while stack:
        for dep in jobs[stack.pop()].after:
            if dep in jobs and dep not in wanted:
                wanted.add(dep)
                stack.append(dep)
    return [name for name in jobs if name in wanted]


def evaluate(
    project: Project,
    config: Config,
    now: datetime,
    tabs: Mapping[str, Tab],
    issuers: Mapping[str, Issuer],
    selected: Iterable[str],
    dry_run: bool = False,
    on_job: Callable[[str], None] | None = None,
    sheets: Mapping[str, Grid] | None = None,
) -> Evaluation:
    """Run the jobs `to_evaluate` names over frozen tabs; collect changes, problems, outputs and actions."""
    chosen = set(selected)
    found = Evaluation()
    schema_problems = [p for tab in tabs.values() for p in tab.problems]
    found.report.extend(schema_problems)
    ran: dict[str, ChangeSet] = {}
    failed: set[str] = set()
    for name in to_evaluate(project, chosen):
        if on_job is not None:
            on_job(f"job {name}")
        spec = project.jobs[name]
        visible = _visible(spec, project.jobs, ran, failed)
        context = Context(
            config,
            now,
            spec,
            _overlay(tabs, [ran[n] for n in visible if n in ran and n in chosen]),
            Report(schema_problems + [p for n in visible if n in ran for p in ran[n].problems]),
            issuers,
            frozen_outputs({n: found.outputs[n] for n in visible if n in ran}),
            tuple(a for n in visible if n in ran for a in ran[n].actions),
            frozenset(failed & set(visible)),
            project,
            dry_run=dry_run,
            sheets=sheets or {},
        )
        outcome = JobOutcome(name, "ok" if name in chosen else "not run")
        # Ids issued by a job whose writes are not applied (not chosen: run for its problems only; or failed)
        # are never written, so they are given back instead of leaving gaps in the sequence.
        issued = {tab: issuer.last for tab, issuer in issuers.items()}
        began, cpu = time.monotonic(), time.process_time()
        try:
            produced = _call_job(context)
        except Exception as ex:  # a job's bug must not stop the others; it is recorded
            failed.add(name)
            found.issues_ok = found.issues_ok and not spec.reports_issues
            _record_failure(found, outcome, ex)
            continue
        finally:
            found.seconds[name] = time.process_time() - cpu
            if name not in chosen or name in failed:
                for tab, last in issued.items():
                    issuers[tab].last = last
        log.debug(
            "job %s in %.2fs: %d problem(s), %d cell write(s)%s",
            name,
            time.monotonic() - began,
            len(produced.problems),
            len(produced.cells),
            "" if name in chosen else " (for its problems only)",
        )
        ran[name] = produced
        found.outputs[name] = dict(context.published)
        found.actions += produced.actions
        found.notes += produced.notes
        found.report.extend(produced.problems)
        outcome.problems = len(produced.problems)
        if name in chosen:
            found.changes.append(produced)
            found.outcomes[name] = outcome
    return found


def _visible(spec: Job, jobs: Mapping[str, Job], ran: Mapping[str, ChangeSet], failed: set[str]) -> list[str]:
    """The jobs whose results `spec` sees: those it names in `after`, or every other job for AFTER_ALL."""
    if spec.after_all:
        return [n for n in [*ran, *failed] if not jobs[n].after_all]
    return [n for n in spec.after if n in jobs]


def _overlay(tabs: Mapping[str, Tab], changesets: list[ChangeSet]) -> Mapping[str, Tab]:
    """The tabs as they will be once these jobs' cell writes land (a later write to a cell wins)."""
    writes: dict[str, dict[int, dict[str, Any]]] = {}
    for changeset in changesets:
        for change in changeset.cells:
            writes.setdefault(change.tab, {}).setdefault(change.sheet_row, {})[change.column] = change.value
    if not writes:
        return tabs
    return {name: tab.with_writes(writes.get(name, {})) for name, tab in tabs.items()}


def _call_job(context: Context) -> ChangeSet:
    """Run one job; everything it returns is labelled with its name."""
    spec = context.spec
    produced = spec.fn(context)
    if produced is None:  # not `or`: a ChangeSet holding only problems is falsy
        produced = ChangeSet(job=spec.name)
    if not isinstance(produced, ChangeSet):
        raise JobError(f"job {spec.name!r} returned {type(produced).__name__}, not a ChangeSet")
    return produced.labelled(spec.name)


def _record_failure(found: Evaluation, outcome: JobOutcome, ex: Exception) -> None:
    # A sheetsync error (a config value of the wrong type, ...) is a message for a person: no traceback.
    person = isinstance(ex, SheetSyncError)
    outcome.status, outcome.error = "failed", str(ex) if person else f"{type(ex).__name__}: {ex}"
    outcome.config_error = isinstance(ex, ConfigError)
    log.error("job %s failed: %s", outcome.name, outcome.error, exc_info=not person)
    found.report.add(Problem("", Code.JOB_FAILED, f"job {outcome.name} failed: {outcome.error}", job=outcome.name))
    found.outcomes[outcome.name] = outcome
