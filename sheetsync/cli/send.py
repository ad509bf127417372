"""`sheetsync send [--dry-run]`: send the Outbox messages people set to Send (calls sheetsync.send)."""

from __future__ import annotations

import sys

import click

from .common import EXIT_JOB_FAILED, NOW, State, parse_now


@click.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and write nothing.")
@NOW
@click.pass_obj
def send(state: State, dry_run: bool, now: str | None) -> None:
    """Send the Outbox rows whose Status is Send through [outbox] smtp, once each; record Sent On."""
    from ..outbox import send as run_send

    done = run_send(state.config, dry_run=dry_run, now=parse_now(now, state.config))
    verb = "Would send" if dry_run else "Sent"
    if not done.messages:
        click.echo(f"{verb} nothing: no Outbox row has Status Send and a blank Sent On.")
    elif done.sent:
        click.echo(f"{verb} {len(done.sent)} message(s):")
    for m in done.sent:
        note = "" if dry_run or m.recorded else "  (sent, but the row changed meanwhile: set Status Sent by hand)"
        click.echo(f"  {m.key:<36} {m.to:<32} {m.subject}{note}")
    if done.failed:
        click.echo(f"Not sent ({len(done.failed)}):")
        for m in done.failed:
            click.echo(f"  {m.key:<36} {m.to or '(no To)':<32} {m.error}")
    sys.exit(EXIT_JOB_FAILED if done.failed else 0)
