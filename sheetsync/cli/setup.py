"""`sheetsync demo` and `sheetsync init`: set a workbook up (calls sheetsync.demo and sheetsync.init)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from .common import NOW, State, exit_code, parse_now, print_run


@click.command()
@click.option(
    "--dir",
    "directory",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the demo workbook.",
)
@click.option("--fresh", is_flag=True, help="Rebuild the demo workbook even if it exists.")
@NOW
@click.pass_obj
def demo(state: State, directory: str, fresh: bool, now: str | None) -> None:
    """Build a realistic demo workbook and run every job on it."""
    from ..demo import demo as build_demo
    from .progress import phase_display

    with phase_display(enabled=not state.verbose) as on_phase:
        result = build_demo(
            state.config,
            directory,
            now=parse_now(now, state.config),
            fresh=fresh,
            project=state.project,
            on_phase=on_phase,
        )
    made = "created" if result.created else "reused (pass --fresh to rebuild)"
    click.echo(f"Demo workbook {made}: {result.path}")
    print_run(result.run)
    click.echo(f"\nOpen {result.path} to see each row's problems in its Issues column.")
    sys.exit(exit_code(result.run, strict=False))


@click.command()
@click.option("--demo", "with_demo", is_flag=True, help="Also fill empty tabs with the demo rows.")
@NOW
@click.pass_obj
def init(state: State, with_demo: bool, now: str | None) -> None:
    """Create missing tabs and headers, put back frozen panes and sheetsync's column looks; never touches data."""
    from ..init import init as run_init

    project = state.project  # the config is checked against the jobs before anything is created
    moment = parse_now(now, state.config) or datetime.now(state.config.timezone)
    rows = project.demo_builder()(moment.date()) if with_demo else None
    result = run_init(state.config, rows=rows)
    if not result.changed and not result.renamed:
        click.echo(f"{result.target}: already set up; nothing to do.")
    for tab in result.created_tabs:
        click.echo(f"created tab {tab}")
    for tab, headers in result.added_headers.items():
        click.echo(f"{tab}: added columns {', '.join(headers)}")
    for tab, what in result.restyled.items():
        click.echo(f"{tab}: put back {', '.join(what)}")
    for tab, count in result.rows_written.items():
        click.echo(f"{tab}: wrote {count} demo rows")
    for tab, other in result.renamed.items():
        click.echo(
            f"warning: tab {tab!r} not created: tab {other!r} has its headers; rename it back to {tab!r}", err=True
        )
