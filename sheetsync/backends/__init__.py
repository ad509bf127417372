"""Backends by target string: `memory:[name]`, `path/to/file.xlsx`, `gsheets:<key or URL>`."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from ..errors import UsageError
from .base import Backend


def open_backend(target: str, config: Any = None) -> Backend:
    """The backend a target string names; `config` (a Config) carries backend settings such as [policies.google]."""
    if target.startswith("memory:"):
        from .memory import MemoryBackend

        return MemoryBackend.named(target)
    if target.startswith("gsheets:"):
        try:
            from .gsheets.backend import GoogleSheetsBackend
        except ImportError as ex:  # the Google backend arrives in its own module
            raise UsageError(f"{target}: the Google Sheets backend is not available ({ex})") from ex
        settings = config.policy("google", {}) if config is not None else {}
        return GoogleSheetsBackend(
            target,
            settings,
            root=config.root if config is not None else None,
            source=str(config.path) if config is not None else "the config",
        )
    if target.lower().endswith((".xlsx", ".xlsm")):
        from .xlsx.backend import XlsxBackend

        return XlsxBackend(target)
    suffix = PurePath(target).suffix.lower()
    if suffix in OTHER_FORMATS:
        raise UsageError(
            f"{target}: sheetsync reads and writes .xlsx workbooks, not {OTHER_FORMATS[suffix]}: "
            f"save it as .xlsx (File > Save As, Excel 2007-365 format) and point workbook.target or --workbook "
            "at the .xlsx"
        )
    raise UsageError(
        f"unknown workbook target {target!r}: use a path ending in .xlsx, gsheets:<key or URL>, or memory:"
    )


# Spreadsheet files people are likely to point at; each can be saved as .xlsx by the program that made it.
OTHER_FORMATS = {
    ".ods": "OpenDocument (.ods)",
    ".csv": "CSV text (.csv: one sheet, no types)",
    ".tsv": "tab-separated text (.tsv)",
    ".xls": "the old Excel 97-2003 format (.xls)",
    ".numbers": "Apple Numbers (.numbers)",
    ".fods": "flat OpenDocument (.fods)",
}
