"""`sheetsync schedule`: the long-running loop (calls sheetsync.schedule)."""

from __future__ import annotations

import sys

import click


@click.command("schedule")
@click.argument("jobs", nargs=-1)
@click.option(
    "--max-runs", type=click.IntRange(min=1), metavar="N", help="Stop after N job runs (smoke checks, tests)."
)
@click.option(
    "--until",
    "until",
    metavar="WHEN",
    help="Stop at this moment: ISO date-time (business time zone) or a duration such as 90s, 15m, 2h.",
)
@click.option(
    "--log-format",
    type=click.Choice(["plain", "json"]),
    default="plain",
    show_default=True,
    help="One line per run start and end; json for cloud log collectors.",
)
@click.option(
    "--state",
    "state_path",
    metavar="FILE",
    envvar="SHEETSYNC_STATE",
    help="Last-runs file (default: .sheetsync-state.json beside the config).",
)
@click.option("--no-catch-up", is_flag=True, help="Do not run jobs that missed a run while the loop was down.")
@click.pass_obj
def schedule(
    state,
    jobs: tuple[str, ...],
    max_runs: int | None,
    until: str | None,
    log_format: str,
    state_path: str | None,
    no_catch_up: bool,
) -> None:
    """Run the jobs on their [schedule] cadences until stopped (Ctrl-C or SIGTERM finish the running job).

    Logs to stderr. A job that fails is logged and recorded and the others go on; an unreachable workbook
    is retried with back-off. Exits 0 when stopped by a signal, --max-runs or --until.
    """
    from ..scheduling.scheduler import parse_until
    from ..scheduling.scheduler import schedule as run_schedule

    config = state.config
    _ = state.project  # the config is checked against the jobs before the loop starts
    result = run_schedule(
        config,
        list(jobs) or None,
        max_runs=max_runs,
        until=parse_until(until, config),
        state_path=state_path,
        log_format=log_format,
        stream=sys.stderr,
        catch_up=not no_catch_up,
    )
    sys.exit(result.exit_code)
