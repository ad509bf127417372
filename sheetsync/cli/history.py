"""`sheetsync log` and `sheetsync undo`: a run's writes, and putting them back (calls sheetsync.log and .undo)."""

from __future__ import annotations

import sys

import click

from .common import NOW, State, exit_code, parse_now


@click.command("log")
@click.option("--run", "run_id", metavar="RUN_ID", help="Only this run's writes.")
@click.option("--key", metavar="KEY", help="Only writes to the row with this key.")
@click.option("--tab", metavar="TAB", help="Only writes to this tab.")
@click.option("--since", metavar="DATE", help="Only writes on or after this date (ISO: 2026-11-26).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.pass_obj
def log(state: State, run_id: str | None, key: str | None, tab: str | None, since: str | None, fmt: str) -> None:
    """Show what runs wrote, from _Log and its archive: every cell with its old and new value."""
    from ..history import log as read_log

    frame = read_log(state.config, run=run_id, key=key, tab=tab, since=since)
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
        return
    if frame.empty:
        click.echo("No writes found.")
        return
    for row in frame.itertuples(index=False):
        when = row.Time.strftime("%Y-%m-%d %H:%M") if hasattr(row.Time, "strftime") else str(row.Time)
        where = " ".join(str(v) for v in (row.Tab, row.Key, row.Column, row.Cell) if v and str(v) != "<NA>")
        change = f"{_shown(row[8])} -> {_shown(row[9])}"
        click.echo(f"{when}  {row[1]}  {row.Job or '-':<10} {row.Kind:<9} {where}: {change}")


def _shown(value) -> str:
    text = "" if value is None or str(value) in ("nan", "<NA>", "None") else str(value)
    text = text.replace("\n", " / ")
    return repr(text[:60] + ("..." if len(text) > 60 else "")) if text else "(blank)"


@click.command("undo")
@click.argument("run_id")
@click.option("--dry-run", is_flag=True, help="List what would be restored; write nothing.")
@NOW
@click.pass_obj
def undo(state: State, run_id: str, dry_run: bool, now: str | None) -> None:
    """Put back what run RUN_ID changed, wherever nobody has changed it since (those cells are listed)."""
    from ..history import undo as run_undo

    done = run_undo(state.config, run_id, dry_run=dry_run, now=parse_now(now, state.config))
    verb = "Would restore" if dry_run else "Restored"
    click.echo(f"{verb} {len(done.restored)} cell(s) written by {run_id}:")
    for change in done.restored:
        click.echo(f"  {change.tab} {change.key} {change.column}: {_shown(change.expected)} -> {_shown(change.value)}")
    if done.left:
        click.echo(f"Left {len(done.left)} as they are:")
        for entry, why in done.left:
            where = " ".join(str(entry.get(k) or "") for k in ("Tab", "Key", "Column", "Cell")).strip()
            click.echo(f"  {where}: {why}")
    sys.exit(exit_code(done.result, strict=False))
