"""`sheetsync emulator`: serve the local Sheets API emulator, optionally loaded from an .xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def xlsx_tabs(path: str | Path) -> dict[str, list[list[Any]]]:
    """Every tab of an .xlsx as rows of cached values (dates stay dates; the emulator stores serials)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        tabs = {}
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            tabs[sheet.title] = rows
        return tabs
    finally:
        book.close()


@click.command("emulator")
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.xlsx",
    help="Load this workbook's tabs into the emulated spreadsheet.",
)
@click.option("--title", default="sheetsync emulator", show_default=True, help="Spreadsheet title.")
def emulator(port: int, source: str | None, title: str) -> None:
    """Serve a local Google Sheets API emulator until Ctrl-C; prints the endpoint and spreadsheet key.

    Point sheetsync at it with SHEETSYNC_SHEETS_ENDPOINT=<endpoint> and --workbook gsheets:<key>.
    """
    from .emulator import serve

    tabs = xlsx_tabs(source) if source else None
    if source:
        click.echo(f"Loaded {len(tabs or {})} tab(s) from {source}")
    serve(port, tabs, title)
