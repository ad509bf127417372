"""`sheetsync jobs`: list the project's jobs with cadence, last run and next run (calls sheetsync.jobs)."""

from __future__ import annotations

import sys

import click

from .common import EXIT_JOB_FAILED, State


@click.command("jobs")
@click.option(
    "--state",
    "state_path",
    metavar="FILE",
    envvar="SHEETSYNC_STATE",
    help="Last-runs file of `sheetsync schedule` (default: .sheetsync-state.json beside the config).",
)
@click.pass_obj
def jobs(state: State, state_path: str | None) -> None:
    """List the jobs in the order they run, with cadence, last run, outcome and next run."""
    from ..scheduling.scheduler import job_status, when

    broken = state.project.broken
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
