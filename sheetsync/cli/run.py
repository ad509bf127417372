"""`sheetsync run` and `sheetsync validate`: one run of jobs (calls sheetsync.run and sheetsync.validate)."""

from __future__ import annotations

import json
import sys

import click

from ..model.problems import Code, Report
from .common import NOW, State, exit_code, parse_now, print_run, print_table, print_writes
from .progress import phase_display


@click.command()
@click.argument("jobs", nargs=-1)
@click.option("--once", is_flag=True, help="Run once and exit (the default; `sheetsync schedule` loops).")
@click.option("--dry-run", is_flag=True, help="Print the planned cell changes; write nothing.")
@click.option("--strict", is_flag=True, help="Exit 3 when problems were found.")
@NOW
@click.pass_obj
def run(state: State, jobs: tuple[str, ...], once: bool, dry_run: bool, strict: bool, now: str | None) -> None:
    """Run jobs (default: all) once against the workbook."""
    from ..engine.run import run as run_jobs

    with phase_display(enabled=not state.verbose) as on_phase:  # -v logs the phases instead
        result = run_jobs(
            state.config,
            list(jobs) or None,
            now=parse_now(now, state.config),
            dry_run=dry_run,
            project=state.project,
            on_phase=on_phase,
        )
    if not dry_run and now is None:  # a real run (cron): the schedule loop and `sheetsync jobs` see it
        from ..scheduling.scheduler import record_run

        record_run(state.config, result)
    print_run(result)
    sys.exit(exit_code(result, strict))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--dry-run", is_flag=True, help="Report only; write nothing to the workbook.")
@click.option("--strict", is_flag=True, help="Exit 3 when problems were found (for CI-style checks).")
@NOW
@click.pass_obj
def validate(state: State, fmt: str, dry_run: bool, strict: bool, now: str | None) -> None:
    """Run the jobs that validate and print every problem they and the schemas find."""
    from ..engine.run import validate as run_validate

    with phase_display(enabled=not state.verbose) as on_phase:
        result = run_validate(
            state.config, now=parse_now(now, state.config), dry_run=dry_run, project=state.project, on_phase=on_phase
        )
    # What makes the data invalid: schema problems (no job), the validating jobs' findings, failures and
    # skipped writes. Other jobs' findings (late copy, overdue posts) still go to Issues, not to this check.
    validating = set(state.project.validating)
    report = Report(
        [
            p
            for p in result.report
            if p.job is None or p.job in validating or p.code in (Code.WRITE_CONFLICT, Code.JOB_FAILED)
        ]
    )
    if fmt == "json":
        click.echo(json.dumps(report.records(), indent=2, default=str))
    elif fmt == "csv":
        click.echo(report.to_dataframe().to_csv(index=False), nl=False)
    else:
        print_table(report)
        print_writes(result)
    sys.exit(exit_code(result, strict, report))
