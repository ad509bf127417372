"""A tiny brand-free project for the generic library's tests (like sqlite-utils' `fresh_db`).

One tab, Orders, keyed by Order ID: people type the order, jobs own Note and Issues. Jobs are given
as module sources; the workbook is in memory.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sheetsync
from sheetsync.backends.memory import MemoryBackend

CONFIG = """
[workbook]
target = "memory:"
timezone = "Europe/London"

[tabs]
Orders = "orders.toml"

[jobs]
dir = "jobs"
"""

SCHEMA = """
tab = "Orders"
key = "Order ID"
issues_column = "Issues"

[[columns]]
header = "Order ID"
required = true

[[columns]]
header = "Customer"

[[columns]]
header = "Amount"
type = "money"

[[columns]]
header = "Status"
type = "enum"
allowed = ["Open", "Shipped", "Closed"]
job_transitions = [["Open", "Shipped"]]

[[columns]]
header = "Stock"
type = "int"

[[columns]]
header = "Note"
owner = "job"

[[columns]]
header = "Issues"
owner = "job"
"""

HEADERS = ["Order ID", "Customer", "Amount", "Status", "Stock", "Note", "Issues"]


def fresh_project(
    folder: Path,
    jobs: Mapping[str, str] | None = None,
    *,
    packages: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[sheetsync.Config, sheetsync.Project]:
    """A config in `folder` with the Orders schema, and the project of its jobs folder.

    `jobs` are module sources by name; `packages` are {package: {module: source}} (its `__init__` included).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sheetsync.toml").write_text(CONFIG)
    (folder / "orders.toml").write_text(SCHEMA)
    code = folder / "jobs"
    code.mkdir(exist_ok=True)
    for name, source in (jobs or {}).items():
        (code / f"{name}.py").write_text(textwrap.dedent(source))
    for package, modules in (packages or {}).items():
        (code / package).mkdir(exist_ok=True)
        for name, source in modules.items():
            (code / package / f"{name}.py").write_text(textwrap.dedent(source))
    config = sheetsync.load_config(folder / "sheetsync.toml")
    return config, sheetsync.load_project(config)


def fresh_book(rows: Iterable[Mapping[str, Any]] = (), headers: list[str] | None = None) -> MemoryBackend:
    """An in-memory workbook whose Orders tab holds `rows` (dicts by header)."""
    headers = list(headers or HEADERS)
    return MemoryBackend({"Orders": [headers] + [[row.get(h) for h in headers] for row in rows]})


ORDERS = [
    {"Order ID": "A-1", "Customer": "Ada", "Amount": "120.00", "Status": "Open", "Stock": 3},
    {"Order ID": "A-2", "Customer": "Bo", "Amount": "80", "Status": "Shipped", "Stock": 0},
    {"Order ID": "A-3", "Customer": "Cy", "Amount": "abc", "Status": "Open", "Stock": 1},
]
