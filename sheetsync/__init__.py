"""sheetsync: treat shared spreadsheets as the system of record and run jobs over them safely.

The library and the CLI share names: `sheetsync validate` is `sheetsync.validate(config)`.
"""

from __future__ import annotations

from .demo import demo
from .engine.context import Context
from .engine.run import RunResult, run, validate
from .errors import ConfigError, LockHeld, SheetSyncError, WorkbookChanged
from .export import export  # channel files: sheetsync.export(config, "shop", "shop.csv")
from .figures import figures, summaries
from .history import log, undo
from .init import init
from .model.changes import Action, ChangeSet
from .model.layout import ChartSpec, TabContent, TabLayout
from .model.problems import Code, Problem, Report, Severity
from .model.tab import Row, Tab
from .new import new
from .outbox import send  # the Outbox's approved messages by SMTP: sheetsync.send(config)
from .project.config import Config, load_config
from .project.loader import Project, load_project
from .project.marks import AFTER_ALL, Job, exporter, job, template_filter
from .project.policies import policies, setting
from .scheduling.scheduler import schedule
from .workbook import Workbook, open


def jobs(config: Config) -> dict[str, Job]:
    """The jobs found in the config's jobs folder, in the order they run (raises when one is broken)."""
    project = load_project(config)
    project.check()
    return dict(project.jobs)


__all__ = [
    "AFTER_ALL",
    "Action",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "Config",
    "ConfigError",
    "Context",
    "Job",
    "LockHeld",
    "Problem",
    "Project",
    "Report",
    "Row",
    "RunResult",
    "Severity",
    "SheetSyncError",
    "Tab",
    "TabContent",
    "TabLayout",
    "Workbook",
    "WorkbookChanged",
    "demo",
    "export",
    "exporter",
    "figures",
    "init",
    "job",
    "jobs",
    "load_config",
    "load_project",
    "log",
    "new",
    "open",
    "policies",
    "run",
    "schedule",
    "send",
    "setting",
    "summaries",
    "template_filter",
    "undo",
    "validate",
]
