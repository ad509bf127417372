"""Shared fixtures: the brand's config, a fixed clock, and workbooks built from row dicts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import sheetsync
from sheetsync.backends.memory import SHARED as NAMED_WORKBOOKS
from sheetsync.backends.memory import MemoryBackend
from sheetsync.project.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG_PATH = ROOT / "config" / "sheetsync.toml"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _forget_named_workbooks():
    """Each test starts with no named memory workbooks (`memory:NAME`) left by another."""
    yield
    NAMED_WORKBOOKS.clear()


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The jewelry brand's real config, with an in-memory target.

    Its audit archive is a file of the test session's own: audit rows older than `keep_days` (a test that
    runs months apart) must never land in the checkout's config folder.
    """
    real = load_config(CONFIG_PATH)
    archive = tmp_path_factory.mktemp("audit") / "audit-archive.sqlite"
    audit = {**real.policies.get("audit", {}), "archive": str(archive)}
    return dataclasses.replace(real, target="memory:", policies={**real.policies, "audit": audit})


@pytest.fixture
def now(config: Config) -> datetime:
    """A fixed moment in the brand's time zone (Thursday 2026-11-26, 09:00)."""
    return datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)


def grid(config: Config, tab: str, rows: Iterable[Mapping[str, Any]], headers: list[str] | None = None) -> list[list]:
    """A tab's cells: the schema's headers (or `headers`) then one line per row dict; unknown keys become columns."""
    rows = list(rows)
    headers = list(headers or (config.schema(tab).headers if tab in config.schemas else ()))
    for row in rows:
        headers += [h for h in row if h not in headers]
    return [headers] + [[row.get(h) for h in headers] for row in rows]


def memory_workbook(
    config: Config, tabs: Mapping[str, Iterable[Mapping[str, Any]]], all_tabs: bool = True
) -> MemoryBackend:
    """A MemoryBackend holding the given rows; every schema tab exists (empty) unless all_tabs=False."""
    data = {name: grid(config, name, []) for name in config.schemas} if all_tabs else {}
    data.update({name: grid(config, name, rows) for name, rows in tabs.items()})
    return MemoryBackend(data)


def with_jobs(config: Config, folder: Path, **modules: str) -> Config:
    """The config with its jobs folder replaced by `folder`, holding the given modules (name -> source)."""
    import textwrap

    folder.mkdir(exist_ok=True)
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return dataclasses.replace(config, jobs_dir=folder)


def at_guard(edit):
    """An `on_phase` listener making a person's edit once, between the run's read and its write."""
    done: list[bool] = []

    def on_phase(phase: str, _done: int, _total: int) -> None:
        if phase == "guard" and not done:
            done.append(True)
            edit()

    return on_phase


def records(backend: MemoryBackend, tab: str) -> list[dict[str, Any]]:
    """A memory tab's rows as dicts by header (blank cells as None)."""
    values = backend.values(tab)
    headers = values[0]
    return [{h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)} for row in values[1:]]


@pytest.fixture(scope="session")
def project(config: Config) -> sheetsync.Project:
    """The brand's project: its jobs, exporters and modules (`project.module("demo")`)."""
    return sheetsync.load_project(config)


@pytest.fixture(scope="session")
def demo_rows(project: sheetsync.Project):
    """The demo builder's rows for 2026-11-26."""
    return project.demo_builder()(datetime(2026, 11, 26).date())


@pytest.fixture
def run_jobs(config: Config, now: datetime):
    """Run jobs on a backend at the fixed clock: run_jobs(backend, ["validate"])."""

    def go(backend, jobs=None, at: datetime | None = None, cfg: Config | None = None, dry_run: bool = False):
        return sheetsync.run(cfg or config, jobs, now=at or now, backend=backend, dry_run=dry_run)

    return go


def config_for_jobs(text: str, jobs: Iterable[str] = (), tables: Iterable[str] = ("google",)) -> str:
    """sheetsync.toml text keeping only the cadences of `jobs` and the [policies.<name>] tables in `tables`:
    a strict config refuses cadences and tables that no job of a smaller jobs folder declares."""
    out, keep, section = [], True, ""
    for line in text.splitlines():
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            section = header.group(1)
            keep = not section.startswith("policies.") or section.split(".")[1] in tables
        elif section == "schedule" and re.match(r"^\w+ = ", line) and line.split(" ")[0] not in jobs:
            continue
        if keep:
            out.append(line)
    return "\n".join(out) + "\n"
