"""`sheetsync new DIR [--example NAME]`: write a project folder from an example (calls sheetsync.new)."""

from __future__ import annotations

import click


@click.command("new")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--example", metavar="NAME", help="The example project to start from (default: the only one).")
def new(directory: str, example: str | None) -> None:
    """Write a project folder (config/, jobs/, README.md) from an example project."""
    from ..new import new as make_project

    result = make_project(directory, example)
    click.echo(f"Wrote {result.files} file(s) of the {result.example} example to {result.path}")
    click.echo(f"Next: cd {directory} && sheetsync demo")
