"""What every command shares: the config it runs against, --now, exit codes and how results are printed."""

from __future__ import annotations

from datetime import datetime

import click

from ..model.keys import sheet_key
from ..model.problems import Report, Severity
from ..model.values import describe
from ..project.config import Config, load_config
from ..project.loader import Project, load_project

EXIT_JOB_FAILED, EXIT_USAGE, EXIT_STRICT = 1, 2, 3


class State:
    """The global options, with the config and project loaded once, when a command first needs them."""

    def __init__(self, config_path: str | None, workbook: str | None, verbose: bool = False):
        self.config_path, self.workbook, self.verbose = config_path, workbook, verbose
        self._config: Config | None = None
        self._project: Project | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, workbook=self.workbook)
        return self._config

    @property
    def project(self) -> Project:
        if self._project is None:
            project = load_project(self.config)
            project.check_config()  # every command that loads the project refuses a config it does not fit
            self._project = project
        return self._project


def parse_now(value: str | None, config: Config) -> datetime | None:
    """--now as an ISO date or date-time; a naive one is in the business's time zone."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time such as 2026-03-04T09:00", param_hint="--now"
        ) from None
    return moment.replace(tzinfo=config.timezone) if moment.tzinfo is None else moment


NOW = click.option("--now", metavar="ISO-DATETIME", help="Pretend it is this moment (reproducible runs).")


def print_run(result) -> None:
    for name, outcome in result.outcomes.items():
        extra = f": {outcome.error}" if outcome.error else ""
        click.echo(f"  {name:<12} {outcome.status}{extra}")
    print_table(result.report, limit=40)
    print_writes(result)


def print_writes(result) -> None:
    if result.dry_run:
        listed = result.planned or result.planned_appends or result.planned_contents
        click.echo(
            f"\nDry run: {len(result.planned)} cell change(s) planned, nothing written" + (":" if listed else ".")
        )
        for change in result.planned:
            shown = sheet_key(change.key)
            click.echo(
                f"  {change.tab} row {change.sheet_row} {change.column}{f' [{shown}]' if shown else ''}: "
                f"{describe(change.old)!r} -> {describe(change.value)!r}"
            )
        for append in result.planned_appends:
            click.echo(f"  {append.tab}: new row {append.values}")
        for name in result.planned_contents:
            click.echo(f"  {name}: whole tab rewritten")
        return
    parts = [f"{result.cells_written} cell(s)"]
    if result.notes_written:
        parts.append(f"{result.notes_written} note(s)")
    if result.tabs_rewritten:
        parts.append(f"{len(result.tabs_rewritten)} whole tab(s)")
    said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    click.echo(
        f"\nWrote {said} to {result.target}"
        + (f"; skipped {len(result.conflicts)} that people changed meanwhile" if result.conflicts else "")
        + ("" if result.wrote else " (nothing changed)")
    )


def print_table(report: Report, limit: int | None = None) -> None:
    problems = list(report)
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    click.echo(f"\n{len(problems)} problem(s) found ({errors} error(s), {len(problems) - errors} warning(s))")
    for p in problems[:limit]:
        click.echo(f"  {p.severity:<7} {p.where:<40} [{p.code}] {p.message}")
    if limit is not None and len(problems) > limit:
        click.echo(f"  ... and {len(problems) - limit} more (sheetsync validate --format csv lists all)")


def exit_code(result, strict: bool, report: Report | None = None) -> int:
    if result.failed:  # a job stopped by a config mistake is a config error: rerunning will not fix it
        failed = [result.outcomes[name] for name in result.failed]
        return EXIT_USAGE if any(getattr(o, "config_error", False) for o in failed) else EXIT_JOB_FAILED
    if strict and len(result.report if report is None else report):
        return EXIT_STRICT
    return 0
