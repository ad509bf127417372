"""sheetsync: treat shared spreadsheets as the system of record and run jobs over them safely."""
from __future__ import annotations

from .backends.base import ChartSpec, TabContent, TabLayout
from .changes import ChangeSet
from .config import Config, load_config
from .demo import demo
from .errors import ConfigError, SheetSyncError, WorkbookChanged, LockHeld
from .export import export  # channel files: sheetsync.export(config, "shopify", "shopify.csv")
from .figures import figures, summaries
from .init import init
from .jobs import Context, Job, discover, job
from .report import Code, Problem, Report, Severity
from .run import RunResult, run
from .scheduler import schedule
from .tab import Row, Tab
from .workbook import Workbook, open


def validate(config: Config, *, now=None, dry_run: bool = False, backend=None) -> RunResult:
    """Run the validate job once (same as `run(config, ["validate"])`)."""
    return run(config, ["validate"], now=now, dry_run=dry_run, backend=backend)


def jobs(config: Config) -> dict[str, Job]:
    """The jobs found in the config's jobs folder, in the order they run."""
    return discover(config)


__all__ = [
    "ChangeSet", "ChartSpec", "Code", "Config", "ConfigError", "Context", "Job", "LockHeld", "Problem",
    "Report", "Row", "RunResult", "Severity", "SheetSyncError", "Tab", "TabContent", "TabLayout", "Workbook",
    "WorkbookChanged", "demo", "discover", "export", "figures", "init", "job", "jobs", "load_config", "open",
    "run", "schedule", "summaries", "validate",
]
