"""Shared helpers for the Google Sheets tests: demo spreadsheets on the emulator and comparisons."""

from __future__ import annotations

import dataclasses
from typing import Any

from sheetsync.backends.gsheets.backend import EndpointSession, GoogleSheetsBackend
from sheetsync.init import init
from sheetsync.model.tab import build_tab
from sheetsync.project.config import Config
from sheetsync.testing import SheetsEmulator

FAST = {"attempts": 6, "initial_wait": 0.001, "max_wait": 0.01, "max_total_wait": 0.5, "timeout": 10}


def google(emulator: SheetsEmulator, key: str, settings: dict | None = None) -> GoogleSheetsBackend:
    return GoogleSheetsBackend(f"gsheets:{key}", settings or FAST, session=EndpointSession(emulator.endpoint))


def demo_spreadsheet(emulator: SheetsEmulator, config: Config, rows) -> str:
    """A spreadsheet set up by `sheetsync init` with the demo rows."""
    key = emulator.create_spreadsheet("demo", {"Sheet1": []})
    init(dataclasses.replace(config, target=f"gsheets:{key}"), google(emulator, key), rows)
    return key


def job_columns(config: Config, backend) -> dict[tuple[str, str, str], Any]:
    """Every job-owned cell, typed, by (tab, row key, column)."""
    return _cells(config, backend, lambda owner: owner == "job", lambda row, header: row[header])


def person_columns(config: Config, backend) -> dict[tuple[str, str, str], Any]:
    """Every person-owned cell as read, by (tab, row key, column)."""
    return _cells(config, backend, lambda owner: owner != "job", lambda row, header: row.raw(header))


def _cells(config: Config, backend, owned, value) -> dict[tuple[str, str, str], Any]:
    names = backend.tab_names()
    data = backend.read([n for n in names if n in config.schemas])
    out = {}
    for name, schema in config.schemas.items():
        tab = build_tab(data.get(name), schema, config.parse)
        seen: dict[str, int] = {}
        for row in tab.rows:
            seen[row.key] = seen.get(row.key, 0) + 1
            # a repeated key's rows are told apart here by their order, marked '#N' (sheetsync itself never does)
            key = f"{row.key}#{seen[row.key]}" if row.repeated else row.key
            for column in schema.columns:
                if owned(column.owner) and column.header in tab.columns:
                    out[(name, key, column.header)] = value(row, column.header)
    return out


def workbook_values(emulator: SheetsEmulator, key: str, skip=("_Log", "_Runs")) -> dict[str, list[list[Any]]]:
    """Every tab's values (audit tabs left out: they hold run ids and times; so is _Meta's lease row)."""
    book = emulator.spreadsheet(key)
    out = {s.title: emulator.values(key, s.title) for s in book.sheets if s.title not in skip}
    if "_Meta" in out:
        out["_Meta"] = [row for row in out["_Meta"] if not row or row[0] != "lease"]
    return out


def notes(emulator: SheetsEmulator, key: str, tabs) -> dict[str, dict]:
    return {t: emulator.notes(key, t) for t in tabs}
