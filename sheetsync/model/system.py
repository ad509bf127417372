"""System tabs sheetsync keeps in the workbook: _Log (every write), _Runs (one row per job that wrote), _Meta."""

from __future__ import annotations

from .schema import Column, Schema

LOG = "_Log"
RUNS = "_Runs"
META = "_Meta"

LOG_HEADERS = ["Time", "Run ID", "Job", "Kind", "Tab", "Key", "Column", "Cell", "Old Value", "New Value"]


class LogKind:
    """What a `_Log` row records (the Kind column)."""

    CELL = "cell"  # one cell: Old Value and New Value as stored, so `sheetsync undo` can restore it
    RECOUNT = "recount"  # day counts the clock moved on many cells (Days Open 12 -> 13): one row, Cell "N cells"
    NEW_ROW = "new row"
    NOTE = "note"  # sheetsync's note on a cell, set (New Value) or taken away
    WHOLE_TAB = "whole tab"  # a tab rewritten whole: its row count and a digest of its content
    UNDO = "undo"  # a cell restored by `sheetsync undo`
    LINKED = "linked"  # cells written together (a named transition and its record): New Value lists them


RUNS_HEADERS = [
    "Run ID",
    "Job",
    "Started",
    "Ended",
    "Status",
    "Cells Written",
    "Problems Found",
    "Requests",
    "Conflicts Skipped",
    "Message",
    "Notes Written",
    "Tabs Rewritten",
]
META_SCHEMA = Schema(
    tab=META,
    key="Key",
    columns=(
        Column("Key", owner="job", description="what the value is for"),
        Column("Value", owner="job"),
        Column("Updated", type="datetime", owner="job"),
    ),
)
SYSTEM_TABS = {LOG: LOG_HEADERS, RUNS: RUNS_HEADERS, META: META_SCHEMA.headers}
