"""sheetsync: treat shared spreadsheets as the system of record and run jobs over them safely."""
from __future__ import annotations

from .demo import demo
from .engine.run import RunResult, run
from .errors import ConfigError, LockHeld, SheetSyncError, WorkbookChanged
from .export import export  # channel files: sheetsync.export(config, "shopify", "shopify.csv")
from .figures import figures, summaries
from .init import init
from .model.changes import ChangeSet
from .model.layout import ChartSpec, TabContent, TabLayout
from .model.problems import Code, Problem, Report, Severity
from .model.tab import Row, Tab
from .project.config import Config, load_config
from .project.loader import Context, Job, discover, job
from .scheduling.scheduler import schedule
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
