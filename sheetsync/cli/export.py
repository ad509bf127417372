"""`sheetsync export CHANNEL --out FILE`: write a channel file, CSV or JSON lines (calls sheetsync.export)."""

from __future__ import annotations

import sys

import click

from ..model.problems import Severity


@click.command("export")
@click.argument("channel", required=False)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Where to write the file (default: <channel>.csv, or <channel>.jsonl for API payloads).",
)
@click.option("--list", "list_channels", is_flag=True, help="List the channels and exit.")
@click.option("--strict", is_flag=True, help="Exit 3 when rows were left out or channels disagree.")
@click.option("--now", metavar="ISO-DATETIME", help="Pretend it is this moment (reproducible runs).")
@click.pass_obj
def export(state, channel: str | None, out: str | None, list_channels: bool, strict: bool, now: str | None) -> None:
    """Write one channel's file (`--list` names the channels); the workbook is not changed."""
    from ..export import export as run_export
    from .common import EXIT_STRICT, EXIT_USAGE, parse_now

    config = state.config
    known = state.project.exporters
    if list_channels or not channel:
        for name, spec in sorted(known.items()):
            click.echo(f"{name:<12} {spec.format:<6} {spec.description}")
        if not channel and not list_channels:
            click.echo("sheetsync: name a channel, e.g. `sheetsync export CHANNEL --out CHANNEL.csv`", err=True)
            sys.exit(EXIT_USAGE)
        return
    spec = known.get(channel)
    default = f"{channel}{spec.suffix if spec is not None else '.csv'}"
    result = run_export(config, channel, out or default, now=parse_now(now, config), project=state.project)
    reasons = {id(p) for problems in result.left_out.values() for p in problems}
    for p in result.problems:
        if id(p) not in reasons:
            where = p.where if p.row is not None else f"{p.tab} {p.sheet_key or ''}".rstrip()
            click.echo(f"  {p.severity:<7} {where:<40} [{p.code}] {p.message}")
    if result.left_out:
        click.echo(f"Left out of {channel} ({len(result.left_out)}):")
        for key, problems in result.left_out.items():
            first = problems[0]
            row = f"{first.tab} row {first.row}" if first.row is not None else first.tab
            for p in problems:
                click.echo(f"  {key:<14} {row:<14} [{p.code}] {_why(p.message, channel)}")
    left_out = set(result.left_out) | {p.key for p in result.problems if p.severity == Severity.ERROR}
    click.echo(
        f"Wrote {len(result.rows)} row(s) to {result.path}"
        + (f"; {len(left_out)} left out (see above)" if left_out else "")
    )
    sys.exit(EXIT_STRICT if strict and len(result.problems) else 0)


def _why(message: str, channel: str) -> str:
    """The reason without the channel prefix and "left out:" (the heading says both)."""
    for prefix in (f"{channel}: ", "left out: "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return message
