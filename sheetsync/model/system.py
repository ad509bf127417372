"""System tabs sheetsync keeps in the workbook: _Log (every cell written), _Runs (one row per job run), _Meta."""

from __future__ import annotations

from .schema import Column, Schema

LOG = "_Log"
RUNS = "_Runs"
META = "_Meta"

LOG_HEADERS = ["Time", "Run ID", "Job", "Tab", "Key", "Column", "Cell", "Old Value", "New Value"]
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
