"""The `sheetsync` command: parses arguments, calls the library function of the same name, prints.

Exit codes: 0 done (data problems are results), 1 a job failed, 2 usage or config error,
3 problems found with --strict.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from typing import Any

import click

from ..errors import SheetSyncError
from ..model.problems import Code, Report, Severity
from ..model.values import describe
from ..project.config import Config, load_config
from ..testing.cli import emulator
from .export import export
from .schedule import schedule

EXIT_JOB_FAILED, EXIT_USAGE, EXIT_STRICT = 1, 2, 3


class State:
    def __init__(self, config_path: str | None, workbook: str | None):
        self.config_path, self.workbook = config_path, workbook
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, workbook=self.workbook)
        return self._config


class Group(click.Group):
    """Turns sheetsync errors into a clean message and exit code; no traceback for what a user can fix."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetSyncError as ex:
            click.echo(f"sheetsync: {ex}", err=True)
            sys.exit(ex.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as ex:  # a bug: say so plainly, keep the traceback for --debug
            if os.environ.get("SHEETSYNC_DEBUG"):
                raise
            click.echo(f"sheetsync: unexpected {type(ex).__name__}: {ex} (set SHEETSYNC_DEBUG=1 for details)",
                       err=True)
            sys.exit(EXIT_JOB_FAILED)


@click.group(cls=Group)
@click.option("--config", "config_path", envvar="SHEETSYNC_CONFIG", metavar="FILE",
              help="Config file (default: ./config/sheetsync.toml).")
@click.option("--workbook", metavar="TARGET", envvar="SHEETSYNC_WORKBOOK",
              help="Workbook: path.xlsx, gsheets:<key or URL> or memory: (overrides the config).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="sheetsync")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, workbook: str | None, verbose: bool) -> None:
    """Run jobs over shared spreadsheets without losing anyone's edit."""
    handler = logging.StreamHandler()
    handler.setFormatter(BriefFormatter(tracebacks=verbose or bool(os.environ.get("SHEETSYNC_DEBUG"))))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    ctx.obj = State(config_path, workbook)


class BriefFormatter(logging.Formatter):
    """`LEVEL message`; a failed job's traceback only with --verbose or SHEETSYNC_DEBUG=1 (it is for the job's author)."""

    def __init__(self, tracebacks: bool = False):
        super().__init__("%(levelname)s %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks or not record.exc_info:
            return super().format(record)
        return f"{record.levelname} {record.getMessage()} (set SHEETSYNC_DEBUG=1 for the traceback)"


def parse_now(value: str | None, config: Config) -> datetime | None:
    """--now as an ISO date or date-time; a naive one is in the business's time zone."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time such as 2026-03-04T09:00", param_hint="--now")
    return moment.replace(tzinfo=config.timezone) if moment.tzinfo is None else moment


NOW = click.option("--now", metavar="ISO-DATETIME", help="Pretend it is this moment (reproducible runs).")


@main.command()
@click.option("--dir", "directory", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo workbook.")
@click.option("--fresh", is_flag=True, help="Rebuild the demo workbook even if it exists.")
@NOW
@click.pass_obj
def demo(state: State, directory: str, fresh: bool, now: str | None) -> None:
    """Build a realistic demo workbook and run every job on it."""
    from ..demo import demo as build_demo

    result = build_demo(state.config, directory, now=parse_now(now, state.config), fresh=fresh)
    made = "created" if result.created else "reused (pass --fresh to rebuild)"
    click.echo(f"Demo workbook {made}: {result.path}")
    _print_run(result.run)
    click.echo(f"\nOpen {result.path} to see each row's problems in its Issues column.")
    sys.exit(_exit_code(result.run, strict=False))


@main.command()
@click.option("--demo", "with_demo", is_flag=True, help="Also fill empty tabs with the demo rows.")
@NOW
@click.pass_obj
def init(state: State, with_demo: bool, now: str | None) -> None:
    """Create missing tabs and headers (with dropdowns and a frozen header row); never touches data."""
    from ..demo import _builder
    from ..init import init as run_init

    moment = parse_now(now, state.config) or datetime.now(state.config.timezone)
    rows = _builder(state.config)(moment.date()) if with_demo else None
    result = run_init(state.config, rows=rows)
    if not result.changed and not result.renamed:
        click.echo(f"{result.target}: already set up; nothing to do.")
    for tab in result.created_tabs:
        click.echo(f"created tab {tab}")
    for tab, headers in result.added_headers.items():
        click.echo(f"{tab}: added columns {', '.join(headers)}")
    for tab, count in result.rows_written.items():
        click.echo(f"{tab}: wrote {count} demo rows")
    for tab, other in result.renamed.items():
        click.echo(f"warning: tab {tab!r} not created: tab {other!r} has its headers; rename it back to {tab!r}",
                   err=True)


@main.command()
@click.argument("jobs", nargs=-1)
@click.option("--once", is_flag=True, help="Run once and exit (the default; `sheetsync schedule` loops).")
@click.option("--dry-run", is_flag=True, help="Print the planned cell changes; write nothing.")
@click.option("--strict", is_flag=True, help="Exit 3 when problems were found.")
@NOW
@click.pass_obj
def run(state: State, jobs: tuple[str, ...], once: bool, dry_run: bool, strict: bool, now: str | None) -> None:
    """Run jobs (default: all) once against the workbook."""
    from ..engine.run import run as run_jobs

    result = run_jobs(state.config, list(jobs) or None, now=parse_now(now, state.config), dry_run=dry_run)
    if not dry_run and now is None:  # a real run (cron): the schedule loop and `sheetsync jobs` see it
        from ..scheduling.scheduler import record_run

        record_run(state.config, result)
    _print_run(result)
    sys.exit(_exit_code(result, strict))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--dry-run", is_flag=True, help="Report only; write nothing to the workbook.")
@click.option("--strict", is_flag=True, help="Exit 3 when problems were found (for CI-style checks).")
@NOW
@click.pass_obj
def validate(state: State, fmt: str, dry_run: bool, strict: bool, now: str | None) -> None:
    """Run the validate job and print every problem found (= run --once validate)."""
    from ..engine.run import run as run_jobs

    result = run_jobs(state.config, ["validate"], now=parse_now(now, state.config), dry_run=dry_run)
    # What makes the data invalid: schema problems (no job), the validate job's findings, failures and
    # skipped writes. Other jobs' findings (late copy, overdue posts) still go to Issues, not to this check.
    report = Report([p for p in result.report
                     if p.job in (None, "validate") or p.code in (Code.WRITE_CONFLICT, Code.JOB_FAILED)])
    if fmt == "json":
        click.echo(json.dumps(report.records(), indent=2, default=str))
    elif fmt == "csv":
        click.echo(report.to_dataframe().to_csv(index=False), nl=False)
    else:
        _print_table(report)
        _print_writes(result)
    sys.exit(_exit_code(result, strict, report))


@main.command("jobs")
@click.option("--state", "state_path", metavar="FILE", envvar="SHEETSYNC_STATE",
              help="Last-runs file of `sheetsync schedule` (default: .sheetsync-state.json beside the config).")
@click.pass_obj
def jobs_command(state: State, state_path: str | None) -> None:
    """List the jobs in the order they run, with cadence, last run, outcome and next run."""
    from ..project.loader import load_jobs
    from ..scheduling.scheduler import job_status, when

    jobs, broken = load_jobs(state.config)
    statuses, warnings = job_status(state.config, state_path=state_path)
    for job in statuses:
        after = f" (after {', '.join(job.after)})" if job.after else ""
        last = f"last {when(job.last_run, state.config.timezone)} {job.outcome}" if job.last_run else "never run"
        upcoming = "at start (catch-up)" if job.catch_up else when(job.next_run, state.config.timezone)
        click.echo(f"{job.name:<12} {job.cadence:<22} {last:<34} next {upcoming if job.next_run else '-'}")
        click.echo(f"{'':<12} {job.description}{after}")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for name, message in broken.items():
        click.echo(f"{name:<12} {'BROKEN':<22} {message}")
    if broken:
        sys.exit(EXIT_JOB_FAILED)


def _print_run(result) -> None:
    for name, outcome in result.outcomes.items():
        extra = f": {outcome.error}" if outcome.error else ""
        click.echo(f"  {name:<12} {outcome.status}{extra}")
    _print_table(result.report, limit=40)
    _print_writes(result)


def _print_writes(result) -> None:
    if result.dry_run:
        click.echo(f"\nDry run: {len(result.planned)} cell change(s) planned, nothing written:")
        for change in result.planned:
            click.echo(f"  {change.tab} row {change.sheet_row} {change.column} [{change.key}]: "
                       f"{describe(change.old)!r} -> {describe(change.value)!r}")
        for append in result.planned_appends:
            click.echo(f"  {append.tab}: new row {append.values}")
        for name in result.planned_contents:
            click.echo(f"  {name}: whole tab rewritten")
        return
    click.echo(f"\nWrote {result.cells_written} cell(s) to {result.target}"
               + (f"; skipped {len(result.conflicts)} that people changed meanwhile" if result.conflicts else "")
               + ("" if result.cells_written else " (nothing changed)"))


def _print_table(report: Report, limit: int | None = None) -> None:
    problems = list(report)
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    click.echo(f"\n{len(problems)} problem(s) found ({errors} error(s), {len(problems) - errors} warning(s))")
    for p in problems[:limit]:
        click.echo(f"  {p.severity:<7} {p.where:<40} [{p.code}] {p.message}")
    if limit is not None and len(problems) > limit:
        click.echo(f"  ... and {len(problems) - limit} more (sheetsync validate --format csv lists all)")


def _exit_code(result, strict: bool, report: Report | None = None) -> int:
    if result.failed:  # a job stopped by a config mistake is a config error: rerunning will not fix it
        failed = [result.outcomes[name] for name in result.failed]
        return EXIT_USAGE if any(getattr(o, "config_error", False) for o in failed) else EXIT_JOB_FAILED
    if strict and len(result.report if report is None else report):
        return EXIT_STRICT
    return 0


for _command in (export, schedule, emulator):  # commands that live beside the concept they drive
    main.add_command(_command)
