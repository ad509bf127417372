"""The scheduled runner: each job on its cadence, one at a time, for months, saying clearly what went wrong.

Built on its own `schedule.Scheduler` (never the package's global one), with sheetsync's cadence maths
(sheetsync.cadence: the business's time zone, daylight-saving changes, month ends), and the gaps the
`schedule` package leaves closed:

- isolation: a job that raises is logged with its traceback and recorded as failed (log, state file,
  `_Runs`); the loop goes on;
- back-off: a workbook that cannot be reached (network, quota, held by another run, saved meanwhile)
  makes the loop wait 30 s, 60 s, ... up to 15 min instead of spinning, and recover by itself;
- no overlap: runs go one at a time under the workbook's lease; a start that falls while the same job
  is still running is skipped and logged, not queued;
- catch-up: on start, a job that missed a run since its last success runs once, not once per miss;
- graceful stop: SIGINT/SIGTERM lets the running job finish, then the loop exits 0; a second signal
  stops at once, except during a save, which always completes first (and the xlsx save itself is
  atomic: temp file, then os.replace).

The clock and the sleep are injectable, so tests run a simulated day in milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time as _time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import schedule as schedule_lib

from ..backends import open_backend
from ..backends.base import Backend
from ..errors import ConfigError, LockHeld, SheetSyncError, TransientError, WorkbookChanged, WorkbookInUse
from ..model.cadence import Cadence, CadenceError, parse_cadence
from ..project.config import Config

log = logging.getLogger("sheetsync.scheduler")

STATE_FILE = ".sheetsync-state.json"
UNREACHABLE = (TransientError, LockHeld, WorkbookChanged, WorkbookInUse, OSError)
BACKOFF = (30.0, 900.0)  # first wait, longest wait (seconds); doubles in between
MAX_NAP = 60.0  # never sleep longer in one go: a suspended laptop or a changed clock is noticed soon
EXIT_HARD_STOP = 128  # + the signal number, as shells report a process ended by a signal
EXIT_CONFIG = 2  # a config or credentials mistake (the CLI's usage and config exit code)
FATAL_REPEATS = 3  # the same config mistake this many runs in a row stops the loop


class HardStop(BaseException):
    """A second stop signal: leave now (never inside a save). A BaseException so no job code swallows it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# ---------------------------------------------------------------------------------------------- cadences


@dataclass(frozen=True)
class Plan:
    """Which jobs have a cadence, and what in [schedule] could not be used (warnings, not errors)."""

    cadences: dict[str, Cadence]
    on_demand: list[str]
    warnings: list[str]


def plan_schedule(config: Config, available: Sequence[str], strict: bool = True) -> Plan:
    """The [schedule] cadences of the jobs that exist; unknown job names become warnings.

    A cadence that cannot be parsed raises ConfigError for an existing job (strict) and is a warning
    otherwise, so `sheetsync jobs` still lists everything.
    """
    cadences: dict[str, Cadence] = {}
    warnings = []
    for name, text in config.schedule.items():
        if name not in available:
            warnings.append(
                f"{config.path}: [schedule] {name} = {text!r}: there is no job named {name!r} in "
                f"{config.jobs_dir} (jobs: {', '.join(available) or 'none'}); ignored until it exists"
            )
            continue
        try:
            cadence = parse_cadence(str(text), config.timezone, config.holidays)
        except CadenceError as ex:
            if strict:
                raise ConfigError(f"{config.path}: [schedule] {name}: {ex}") from None
            warnings.append(f"{config.path}: [schedule] {name}: {ex}")
            continue
        if cadence is not None:
            if config.jobs_enabled and name not in config.jobs_enabled:
                warnings.append(
                    f"{config.path}: [schedule] {name}: the job is not in [jobs] enabled; "
                    "scheduled anyway because [schedule] names it"
                )
            cadences[name] = cadence
    on_demand = [name for name in available if name not in cadences]
    return Plan(cadences, on_demand, warnings)


# -------------------------------------------------------------------------------------------- state file


def default_state_path(config: Config) -> Path:
    """Where last runs are kept: SHEETSYNC_STATE, else `.sheetsync-state.json` beside the config."""
    chosen = os.environ.get("SHEETSYNC_STATE")
    return Path(chosen) if chosen else config.root / STATE_FILE


class RunState:
    """Last runs per job of one workbook target, in a small JSON file (written atomically) so a restart knows
    what it missed. One file holds every target's records (a config run with --workbook on a copy, the
    demo, the real workbook), each under its own target, so runs on one never overwrite another's."""

    VERSION = 2

    def __init__(self, path: Path | None, target: str = "", jobs: dict[str, dict[str, Any]] | None = None):
        self.path, self.target = path, target
        self.jobs: dict[str, dict[str, Any]] = jobs or {}
        self.problem: str | None = None

    @classmethod
    def load(cls, path: Path | None, target: str = "") -> RunState:
        state = cls(path, target)
        if path is None or not path.exists():
            return state
        try:
            state.jobs = _read_targets(path, target).get(target, {})
        except (OSError, ValueError, AttributeError, TypeError) as ex:  # a damaged file: start afresh, say so
            state.problem = f"{path}: cannot read the run state ({type(ex).__name__}: {ex}); starting afresh"
        return state

    def last_success(self, job: str) -> datetime | None:
        return _parse_time(self.jobs.get(job, {}).get("last_success"))

    def last(self, job: str) -> dict[str, Any]:
        return self.jobs.get(job, {})

    def record(self, attempt: Attempt) -> None:
        entry = self.jobs.setdefault(attempt.job, {})
        entry.update(
            {
                "last_start": attempt.started.isoformat(timespec="seconds"),
                "last_end": attempt.ended.isoformat(timespec="seconds") if attempt.ended else None,
                "last_outcome": attempt.outcome,
                "run_id": attempt.run_id,
                "cells": attempt.cells,
                "problems": attempt.problems,
                "conflicts": attempt.conflicts,
                "requests": attempt.requests,
                "message": attempt.message,
            }
        )
        if attempt.outcome == "ok":
            entry["last_success"] = attempt.started.isoformat(timespec="seconds")

    def save(self) -> None:
        """Write this target's records, keeping the other targets' as the file holds them now."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            targets = _read_targets(self.path, self.target) if self.path.exists() else {}
        except (OSError, ValueError, AttributeError, TypeError):  # damaged: reported at load, rewritten now
            targets = {}
        targets[self.target] = self.jobs
        workbooks = {target: {"jobs": jobs} for target, jobs in targets.items()}
        text = json.dumps({"version": self.VERSION, "workbooks": workbooks}, indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=f".~{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def _read_targets(path: Path, target: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Target -> job -> last-run record. A version 1 file (one set of records per config) counts as `target`'s."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "workbooks" not in data:
        return {target: {str(k): dict(v) for k, v in data.get("jobs", {}).items()}}
    return {
        str(t): {str(k): dict(v) for k, v in entry.get("jobs", {}).items()} for t, entry in data["workbooks"].items()
    }


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------ the results


@dataclass
class Attempt:
    """One job run as the scheduler saw it (also what the state file and the end log line say)."""

    job: str
    reason: str  # scheduled | catch-up
    slot: datetime
    started: datetime
    run_id: str = ""
    ended: datetime | None = None
    outcome: str = "running"  # ok | failed | unreachable
    cells: int = 0
    problems: int = 0
    conflicts: int = 0
    requests: int = 0
    message: str = ""
    fatal: bool = False  # failed on a config or credentials mistake: running again will not fix it


@dataclass
class ScheduleResult:
    """What a schedule loop did before it stopped, and the exit code it stopped with."""

    attempts: list[Attempt] = field(default_factory=list)
    skipped: list[tuple[str, datetime]] = field(default_factory=list)
    stopped_by: str = ""  # max-runs | until | signal | hard-stop | config-error
    exit_code: int = 0
    warnings: list[str] = field(default_factory=list)

    def outcomes(self, job: str) -> list[str]:
        return [a.outcome for a in self.attempts if a.job == job]


# -------------------------------------------------------------------------------------- scheduled jobs


class ScheduledJob(schedule_lib.Job):
    """A `schedule` job whose timing comes from a Cadence and the runner's clock (not datetime.now)."""

    def __init__(self, runner: Runner, name: str, cadence: Cadence):
        super().__init__(1, runner.scheduler)
        self.runner, self.name, self.cadence = runner, name, cadence
        self.unit = "minutes"  # unused: schedule's own timing is replaced by the cadence
        self.job_func = self.run  # type: ignore[assignment]
        self.reason = "scheduled"
        self.tags.add(name)
        runner.scheduler.jobs.append(self)

    @property
    def should_run(self) -> bool:
        return self.next_run is not None and self.runner.now() >= self.next_run

    def run(self):  # called by Scheduler.run_pending for each due job
        self.runner._run_due(self)

    def _schedule_next_run(self) -> None:
        self.next_run = self.cadence.next_after(self.runner.now())

    def __repr__(self) -> str:
        return f"<ScheduledJob {self.name} {self.cadence.text!r} next {self.next_run}>"

    __str__ = __repr__


class _SaveGuard:
    """The backend as run() sees it, with every save inside the runner's no-hard-stop section."""

    def __init__(self, backend: Any, runner: Runner):
        self._backend, self._runner = backend, runner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def write(self, batch: Any) -> None:
        with self._runner.critical():
            self._backend.write(batch)


def _scheduled_jobs(config: Config, jobs: Sequence[str] | None) -> tuple[dict[str, Cadence], list[str]]:
    """The cadence of each job to schedule (all with one, or those named), and the [schedule] warnings."""
    from ..project.loader import load_project

    project = load_project(config)
    loaded, broken = project.jobs, project.broken
    available = list(loaded) + [name for name in broken if name not in loaded]
    plan = plan_schedule(config, available)
    plan.warnings.extend(
        f"{message} (its scheduled runs are recorded as failed)"
        for name, message in broken.items()
        if name in plan.cadences
    )
    if jobs:
        unknown = [j for j in jobs if j not in plan.cadences]
        if unknown:
            raise ConfigError(
                f"{config.path}: [schedule] has no cadence for {', '.join(unknown)} "
                f"(scheduled: {', '.join(plan.cadences) or 'none'})"
            )
    # in the order the jobs run (dependencies first), so jobs due together run in that order
    chosen = {n: plan.cadences[n] for n in available if n in plan.cadences and (not jobs or n in jobs)}
    if not chosen:
        raise ConfigError(
            f"{config.path}: [schedule] gives no job a cadence, so there is nothing to "
            'schedule (e.g. validate = "every 15 minutes")'
        )
    return chosen, list(plan.warnings)


def _take_result(attempt: Attempt, result: Any) -> None:
    """Copy what run() reports for the attempt's job onto the attempt."""
    outcome = result.outcomes.get(attempt.job)
    attempt.run_id = result.run_id
    attempt.outcome = "failed" if outcome is None or outcome.status == "failed" else "ok"
    attempt.message = (outcome.error or "") if outcome else "the job did not run"
    attempt.fatal = bool(outcome is not None and outcome.config_error)
    if outcome is not None:
        attempt.cells, attempt.problems, attempt.conflicts = outcome.cells, outcome.problems, outcome.conflicts
    attempt.requests = result.requests


# ---------------------------------------------------------------------------------------------- runner


class Runner:
    """A schedule loop over the configured jobs; `run()` returns when stopped (signal, --max-runs, --until)."""

    def __init__(
        self,
        config: Config,
        jobs: Sequence[str] | None = None,
        *,
        state_path: str | os.PathLike | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Any] | None = None,
        run_fn: Callable[..., Any] | None = None,
        backend_factory: Callable[[], Any] | None = None,
        catch_up: bool = True,
        max_runs: int | None = None,
        until: datetime | None = None,
        backoff: tuple[float, float] = BACKOFF,
        handle_signals: bool = True,
    ):
        from ..engine.run import run as run_jobs

        self.config = config
        self.tz = config.timezone
        self._clock = clock or (lambda: datetime.now(UTC))
        self._wake = threading.Event()
        self._sleep = sleep or self._wait
        self._run_fn = run_fn or run_jobs
        self._backend_factory = backend_factory or (lambda: _open_backend(config))
        self.catch_up, self.max_runs, self.until, self.backoff = catch_up, max_runs, until, backoff
        self.handle_signals = handle_signals
        self.state = RunState.load(Path(state_path) if state_path else default_state_path(config), config.target)
        chosen, warnings = _scheduled_jobs(config, jobs)
        self.result = ScheduleResult(warnings=warnings)
        if self.state.problem:
            self.result.warnings.append(self.state.problem)
        self.scheduler = schedule_lib.Scheduler()
        self.jobs = [ScheduledJob(self, name, cadence) for name, cadence in chosen.items()]
        self._running: set[str] = set()
        self._stop_signal: int | None = None
        self._saving = 0
        self._hard_stop: int | None = None
        self._failures = 0
        self._fatal_repeats, self._last_fatal = 0, ""
        self._blocked_until: datetime | None = None

    # -- the loop

    def now(self) -> datetime:
        return self._clock().astimezone(self.tz)

    def run(self) -> ScheduleResult:
        """Catch up, then run due jobs and sleep until the next one, until told to stop."""
        for warning in self.result.warnings:
            self._event("warning", logging.WARNING, message=warning)
        with self._signals():
            try:
                self._start()
                while not self._stop_reason():
                    if not self._blocked():
                        self.scheduler.run_pending()
                    if self._stop_reason():
                        break
                    self._idle()
                self.result.stopped_by = self._stop_reason()
            except HardStop as ex:
                self.result.stopped_by = "hard-stop"
                self.result.exit_code = EXIT_HARD_STOP + ex.signum
        runs = len(self.result.attempts)
        self._event(
            "stop",
            reason=self.result.stopped_by,
            runs=runs,
            exit_code=self.result.exit_code,
            message=f"stopped ({self.result.stopped_by}) after {runs} run(s)",
        )
        return self.result

    def _start(self) -> None:
        now = self.now()
        for job in self.jobs:
            last = self.state.last_success(job.name)
            missed = last is None or job.cadence.next_after(last) <= now
            if self.catch_up and missed:
                job.next_run, job.reason = now, "catch-up"
            else:
                job.next_run = job.cadence.next_after(now)
            self._event(
                "scheduled",
                job=job.name,
                cadence=job.cadence.text,
                next_run=_iso(job.next_run),
                last_success=_iso(last),
                catch_up=job.reason == "catch-up",
                message=f"{job.name} {job.cadence.text}: "
                + (
                    "catching up now ("
                    + ("never ran" if last is None else f"last success {_short(last, self.tz)}")
                    + ")"
                    if job.reason == "catch-up"
                    else f"next run {_short(job.next_run, self.tz)}"
                ),
            )

    def _stop_reason(self) -> str:
        if self._stop_signal is not None:
            return "signal"
        if self.max_runs is not None and len(self.result.attempts) >= self.max_runs:
            return "max-runs"
        if self.until is not None and self.now() >= self.until:
            return "until"
        if self._fatal_repeats >= FATAL_REPEATS:
            return "config-error"
        return ""

    def _count_fatal(self, attempt: Attempt) -> None:
        """The same config or credentials mistake again and again stops the loop: waiting will not fix it."""
        if not attempt.fatal:
            self._fatal_repeats, self._last_fatal = 0, ""
            return
        self._fatal_repeats = self._fatal_repeats + 1 if attempt.message == self._last_fatal else 1
        self._last_fatal = attempt.message
        if self._fatal_repeats >= FATAL_REPEATS:
            self.result.exit_code = EXIT_CONFIG
            self._event(
                "error",
                logging.ERROR,
                job=attempt.job,
                message=f"stopping: the same configuration error {FATAL_REPEATS} times in a row "
                f"({attempt.message}); fix it, then start the schedule again",
            )

    def _blocked(self) -> bool:
        return self._blocked_until is not None and self.now() < self._blocked_until

    def _idle(self) -> None:
        now = self.now()
        wake = [j.next_run for j in self.jobs if j.next_run is not None]
        if self._blocked():
            wake = [self._blocked_until]  # type: ignore[list-item]
        if self.until is not None:
            wake.append(self.until)
        seconds = min([(w - now).total_seconds() for w in wake] + [MAX_NAP])
        if seconds > 0:
            self._sleep(seconds)

    def _wait(self, seconds: float) -> None:
        self._wake.wait(seconds)  # a stop signal sets the event: no waiting out the nap

    # -- one run

    def _run_due(self, job: ScheduledJob) -> None:
        if self._stop_reason() or self._blocked():
            return  # stays due: it runs after the back-off (or on the next start)
        if job.name in self._running:
            self._skip(job, job.next_run, "still running")
            job._schedule_next_run()
            return
        attempt = self._execute(job)
        self._count_fatal(attempt)
        if attempt.outcome == "unreachable":
            self._back_off(job, attempt)
            return
        self._failures, self._blocked_until = 0, None
        ended = attempt.ended or self.now()
        # starts that fell while this run was going are skipped, not queued
        for slot in job.cadence.slots(attempt.started, ended, limit=20):
            self._skip(job, slot, f"still running since {_short(attempt.started, self.tz)}")
        job.next_run, job.reason = job.cadence.next_after(ended), "scheduled"

    def _execute(self, job: ScheduledJob) -> Attempt:
        """Run the job once and record how it went; a job's failure is recorded, only a HardStop escapes."""
        attempt = self._begin(job)
        began = _time.monotonic()
        backend = None
        try:
            self._log_start(job, attempt)  # inside the try: a second signal while logging still ends the run
            backend = self._backend_factory()
            guarded = cast(Backend, _SaveGuard(backend, self))  # a Backend by delegation
            result = self._run_fn(self.config, [job.name], now=attempt.started, backend=guarded)
            _take_result(attempt, result)
        except UNREACHABLE as ex:
            attempt.outcome, attempt.message = "unreachable", f"{type(ex).__name__}: {ex}"
        except HardStop:
            self._interrupted(attempt)
            raise
        except SheetSyncError as ex:  # a problem a person can fix (config, workbook): one clear line
            attempt.outcome, attempt.message = "failed", str(ex)
            attempt.fatal = ex.exit_code == EXIT_CONFIG
            self._event("error", logging.ERROR, job=job.name, message=f"{job.name} failed: {ex}")
        except Exception as ex:  # the loop never dies from a job: log the traceback, record, go on
            attempt.outcome, attempt.message = "failed", f"{type(ex).__name__}: {ex}"
            self._event(
                "error",
                logging.ERROR,
                job=job.name,
                traceback=traceback.format_exc(),
                message=f"{job.name} failed:\n{traceback.format_exc().rstrip()}",
            )
        finally:
            self._running.discard(job.name)
            if backend is not None:
                with contextlib.suppress(Exception):
                    backend.close()
        self._finish(attempt, began)
        return attempt

    def _begin(self, job: ScheduledJob) -> Attempt:
        slot = job.next_run or self.now()
        attempt = Attempt(job.name, job.reason, slot, self.now())
        self.result.attempts.append(attempt)
        self._running.add(job.name)
        return attempt

    def _log_start(self, job: ScheduledJob, attempt: Attempt) -> None:
        self._event(
            "start",
            job=job.name,
            reason=job.reason,
            slot=_iso(attempt.slot),
            message=f"start {job.name} ({job.reason} {_short(attempt.slot, self.tz)})",
        )

    def _interrupted(self, attempt: Attempt) -> None:
        """Record a run cut short by a second signal before the loop leaves."""
        attempt.outcome, attempt.ended = "interrupted", self.now()
        attempt.message = "stopped at once by a second signal (any save in progress completed first)"
        self.state.record(attempt)
        self.state.save()
        self._event(
            "end",
            logging.WARNING,
            job=attempt.job,
            outcome=attempt.outcome,
            message=f"end {attempt.job} interrupted: {attempt.message}",
        )

    def _finish(self, attempt: Attempt, began: float) -> None:
        """Record the finished run in the state file and log its end line."""
        attempt.ended = self.now()
        seconds = round(_time.monotonic() - began, 3)
        attempt.run_id = attempt.run_id or f"{attempt.started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        with self.critical():
            self.state.record(attempt)
            self.state.save()
        level = logging.INFO if attempt.outcome == "ok" else logging.WARNING
        self._event(
            "end",
            level,
            job=attempt.job,
            outcome=attempt.outcome,
            run_id=attempt.run_id,
            cells=attempt.cells,
            problems=attempt.problems,
            conflicts=attempt.conflicts,
            requests=attempt.requests,
            seconds=seconds,
            error=attempt.message or None,
            message=f"end {attempt.job} {attempt.outcome} in {seconds:.1f}s: {attempt.cells} cell(s) "
            f"written, {attempt.problems} problem(s), {attempt.conflicts} conflict(s), "
            f"{attempt.requests} request(s)" + (f"; {attempt.message}" if attempt.message else ""),
        )

    def _back_off(self, job: ScheduledJob, attempt: Attempt) -> None:
        self._failures += 1
        first, longest = self.backoff
        delay = min(first * 2 ** (self._failures - 1), longest)
        self._blocked_until = self.now() + timedelta(seconds=delay)
        job.next_run = min(job.next_run or self.now(), self.now())  # still due once the wait is over
        self._event(
            "backoff",
            logging.WARNING,
            job=job.name,
            attempt=self._failures,
            wait_seconds=delay,
            error=attempt.message,
            message=f"workbook unreachable ({attempt.message}); waiting {delay:g}s before trying "
            f"again (attempt {self._failures})",
        )

    def _skip(self, job: ScheduledJob, slot: datetime | None, why: str) -> None:
        self.result.skipped.append((job.name, slot or self.now()))
        self._event("skip", job=job.name, slot=_iso(slot), message=f"skip {job.name} at {_short(slot, self.tz)}: {why}")

    # -- stopping

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        """A section a second stop signal waits for (saves): it stops right after instead."""
        self._saving += 1
        try:
            yield
        finally:
            self._saving -= 1
            if not self._saving and self._hard_stop is not None:
                raise HardStop(self._hard_stop)

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        """What a stop signal does: first finish the running job, then a second stops at once."""
        name = signal.Signals(signum).name
        if self._stop_signal is None:
            self._stop_signal = signum
            self._wake.set()
            busy = ", ".join(sorted(self._running))
            self._event(
                "stopping",
                signal=name,
                running=busy or None,
                message=f"{name}: stopping after {busy} finishes (send it again to stop at once)"
                if busy
                else f"{name}: stopping",
            )
            return
        if self._saving:
            self._hard_stop = signum
            self._event(
                "stopping",
                logging.WARNING,
                signal=name,
                hard=True,
                message=f"{name} again: stopping right after the save in progress",
            )
            return
        self._event("stopping", logging.WARNING, signal=name, hard=True, message=f"{name} again: stopping now")
        raise HardStop(signum)

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        if not self.handle_signals or threading.current_thread() is not threading.main_thread():
            yield
            return
        handler = lambda signum, frame: self.request_stop(signum)
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)

    # -- logging

    def _event(self, kind: str, level: int = logging.INFO, **fields: Any) -> None:
        fields = {"time": _iso(self.now()), "event": kind, **{k: v for k, v in fields.items() if v is not None}}
        log.log(level, fields.get("message", kind), extra={"sheetsync_event": fields})


def _open_backend(config: Config) -> Any:
    """A fresh backend for each run (an xlsx backend keeps the file it loaded), with the config's settings."""
    import inspect

    if len(inspect.signature(open_backend).parameters) > 1:
        return open_backend(config.target, config)
    return open_backend(config.target)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def when(moment: datetime | None, tz) -> str:
    """A moment as people read it in the business's time zone: `Sun 2026-03-08 09:15 EDT`."""
    return _short(moment, tz)


def _short(moment: datetime | None, tz) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")


# ------------------------------------------------------------------------------------------------ logs


class LineFormatter(logging.Formatter):
    """Plain lines: `2026-03-08T09:15:00-04:00 INFO end validate ok ...` (event time from the runner's clock)."""

    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "sheetsync_event", None)
        stamp = (
            event["time"]
            if event
            else datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")
        )
        text = f"{stamp} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for cloud log collectors; tracebacks stay inside the object."""

    def format(self, record: logging.LogRecord) -> str:
        event = dict(getattr(record, "sheetsync_event", None) or {})
        out = {
            "time": event.pop("time", None)
            or datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        out.update(event)
        out.setdefault("message", record.getMessage())
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


@contextlib.contextmanager
def log_to(stream: Any, log_format: str = "plain") -> Iterator[None]:
    """Send sheetsync's log (the runner's lines and the core's job errors) to `stream` while inside."""
    if log_format not in ("plain", "json"):
        raise ConfigError(f"log format must be plain or json, not {log_format!r}")
    logger = logging.getLogger("sheetsync")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else LineFormatter())
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(min(logging.INFO, logger.getEffectiveLevel()))  # -v (debug: each run's phases) stays on
    logger.propagate = False  # not twice through the root logger's handler
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved
        handler.flush()


# ------------------------------------------------------------------------------------------ library API


def schedule(
    config: Config,
    jobs: Sequence[str] | None = None,
    *,
    max_runs: int | None = None,
    until: datetime | None = None,
    state_path: str | os.PathLike | None = None,
    log_format: str | None = None,
    stream: Any = None,
    catch_up: bool = True,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], Any] | None = None,
    backend_factory: Callable[[], Any] | None = None,
    run_fn: Callable[..., Any] | None = None,
    backoff: tuple[float, float] = BACKOFF,
    handle_signals: bool = True,
) -> ScheduleResult:
    """Run the jobs on their [schedule] cadences until stopped (a signal, `max_runs` runs, or `until`).

    `log_format` ("plain" or "json") sends the run log to `stream` (default stderr) while running;
    leave it None to use your own logging setup (logger "sheetsync").
    """
    runner = Runner(
        config,
        jobs,
        state_path=state_path,
        clock=clock,
        sleep=sleep,
        run_fn=run_fn,
        backend_factory=backend_factory,
        catch_up=catch_up,
        max_runs=max_runs,
        until=until,
        backoff=backoff,
        handle_signals=handle_signals,
    )
    if log_format is None:
        return runner.run()
    with log_to(stream or sys.stderr, log_format):
        return runner.run()


def record_run(config: Config, result: Any, state_path: str | os.PathLike | None = None) -> None:
    """Note a one-off run (`sheetsync run --once` from cron) in the state file, so the loop's catch-up
    and `sheetsync jobs` see it too."""
    state = RunState.load(Path(state_path) if state_path else default_state_path(config), config.target)
    for name, outcome in result.outcomes.items():
        if outcome.status not in ("ok", "failed"):
            continue
        state.record(
            Attempt(
                job=name,
                reason="once",
                slot=result.started,
                started=result.started,
                run_id=result.run_id,
                ended=result.ended,
                outcome=outcome.status,
                cells=outcome.cells,
                problems=outcome.problems,
                conflicts=outcome.conflicts,
                requests=result.requests,
                message=outcome.error or "",
            )
        )
    try:
        state.save()
    except OSError as ex:  # the run itself succeeded; a read-only folder must not turn it into a failure
        log.warning("could not record the run in %s: %s", state.path, ex)


@dataclass
class JobStatus:
    """A job as `sheetsync jobs` shows it: cadence, last run, outcome, next run."""

    name: str
    description: str
    after: tuple[str, ...]
    cadence: str
    last_run: datetime | None
    outcome: str | None
    next_run: datetime | None
    catch_up: bool = False
    message: str = ""


def job_status(
    config: Config, *, state_path: str | os.PathLike | None = None, now: datetime | None = None
) -> tuple[list[JobStatus], list[str]]:
    """Every job with its cadence, last run (from the state file) and next run; plus config warnings."""
    from ..project.loader import load_project

    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    project = load_project(config)
    available, broken = project.jobs, project.broken  # broken jobs: the caller lists them, so no "no such job" warning
    plan = plan_schedule(config, list(available) + [n for n in broken if n not in available], strict=False)
    state = RunState.load(Path(state_path) if state_path else default_state_path(config), config.target)
    out = []
    for name, spec in available.items():
        cadence = plan.cadences.get(name)
        last = state.last(name)
        success = state.last_success(name)
        catch_up = cadence is not None and (success is None or cadence.next_after(success) <= now)
        out.append(
            JobStatus(
                name,
                spec.description,
                spec.after,
                cadence.text if cadence else "on demand",
                _parse_time(last.get("last_start")),
                last.get("last_outcome"),
                cadence.next_after(now) if cadence else None,
                catch_up,
                last.get("message") or "",
            )
        )
    warnings = plan.warnings + ([state.problem] if state.problem else [])
    return out, warnings


def parse_until(value: str | None, config: Config, now: datetime | None = None) -> datetime | None:
    """--until as an ISO date-time (naive: the business's time zone) or a duration: 90s, 15m, 2h, 1d."""
    if not value:
        return None
    text = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[-1:] in units and text[:-1].replace(".", "", 1).isdigit():
        base = (now or datetime.now(UTC)).astimezone(config.timezone)
        return base + timedelta(seconds=float(text[:-1]) * units[text[-1]])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--until {value!r}: use an ISO date-time (2026-03-08T18:00) or a duration (90s, 15m, 2h, 1d)"
        ) from None
    return moment.replace(tzinfo=config.timezone) if moment.tzinfo is None else moment
