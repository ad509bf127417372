"""The local archive of audit rows older than the workbook keeps (`[policies.audit] keep_days`).

An SQLite file beside the config, one table per system tab, every row as it stood in the workbook.
Rows are written before the workbook drops them and archiving the same row twice changes nothing,
so a run that fails halfway loses no history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS rows (tab TEXT NOT NULL, cells TEXT NOT NULL, UNIQUE (tab, cells))")
    return db


def _cell(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def archive(path: Path, tab: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Keep `rows` of `tab` (by header) in the archive; returns how many were new to it."""
    db = _connect(path)
    try:
        with db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO rows (tab, cells) VALUES (?, ?)",
                [(tab, json.dumps(dict(zip(headers, map(_cell, row))), sort_keys=True, default=str)) for row in rows],
            )
            return db.total_changes - before
    finally:
        db.close()


def archived(path: Path, tab: str) -> list[dict[str, Any]]:
    """Every archived row of `tab`, as header -> value, oldest first."""
    if not path.is_file():
        return []
    db = _connect(path)
    try:
        return [
            json.loads(cells) for (cells,) in db.execute("SELECT cells FROM rows WHERE tab = ? ORDER BY rowid", (tab,))
        ]
    finally:
        db.close()
