"""The `sheetsync` command: parses arguments, calls the library function of the same name, prints.

One module per command family (run, setup, new, jobs, export, schedule); each is imported only when its
command runs, so `sheetsync --help` stays quick and the emulator's server code loads only for
`sheetsync emulator`.

Exit codes: 0 done (data problems are results), 1 a job failed, 2 usage or config error,
3 problems found with --strict.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from ..errors import SheetSyncError
from .common import EXIT_JOB_FAILED, State

# command -> "module:attribute" (modules relative to this package unless absolute)
COMMANDS = {
    "demo": ".setup:demo",
    "init": ".setup:init",
    "new": ".new:new",
    "run": ".run:run",
    "validate": ".run:validate",
    "jobs": ".jobs:jobs",
    "log": ".history:log",
    "undo": ".history:undo",
    "export": ".export:export",
    "send": ".send:send",
    "schedule": ".schedule:schedule",
    "emulator": "sheetsync.testing.cli:emulator",
}


class Group(click.Group):
    """Loads each command on first use, and turns sheetsync errors into a clean message and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = COMMANDS[cmd_name].partition(":")
        module = importlib.import_module(module_name, package=__name__ if module_name.startswith(".") else None)
        return getattr(module, attribute)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:  # a reader that went away (`| head`) shows here, where click ends quietly on it
                sys.stdout.flush()
        except BrokenPipeError:
            raise
        except SheetSyncError as ex:
            click.echo(f"sheetsync: {ex}", err=True)
            sys.exit(ex.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as ex:  # a bug: say so plainly, keep the traceback for --debug
            if os.environ.get("SHEETSYNC_DEBUG"):
                raise
            click.echo(f"sheetsync: unexpected {type(ex).__name__}: {ex} (set SHEETSYNC_DEBUG=1 for details)", err=True)
            sys.exit(EXIT_JOB_FAILED)


@click.group(cls=Group)
@click.option(
    "--config",
    "config_path",
    envvar="SHEETSYNC_CONFIG",
    metavar="FILE",
    help="Config file (default: ./config/sheetsync.toml).",
)
@click.option(
    "--workbook",
    metavar="TARGET",
    envvar="SHEETSYNC_WORKBOOK",
    help="Workbook: path.xlsx, gsheets:<key or URL> or memory: (overrides the config).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="sheetsync")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, workbook: str | None, verbose: bool) -> None:
    """Run jobs over shared spreadsheets without losing anyone's edit."""
    handler = logging.StreamHandler()
    handler.setFormatter(BriefFormatter(tracebacks=verbose or bool(os.environ.get("SHEETSYNC_DEBUG"))))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    if verbose:  # each run's phases (read, every job, plan, write) with timings and request counts
        logging.getLogger("sheetsync").setLevel(logging.DEBUG)
    ctx.obj = State(config_path, workbook, verbose)


class BriefFormatter(logging.Formatter):
    """`LEVEL message`; a failed job's traceback only with --verbose or SHEETSYNC_DEBUG=1 (it is for its author)."""

    def __init__(self, tracebacks: bool = False):
        super().__init__("%(levelname)s %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks or not record.exc_info:
            return super().format(record)
        return f"{record.levelname} {record.getMessage()} (set SHEETSYNC_DEBUG=1 for the traceback)"
