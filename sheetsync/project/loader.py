"""The job API: a decorator, discovery from the business's jobs/ folder, and the context a job receives."""
from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import ConfigError, JobError
from ..model.changes import ChangeSet
from ..model.problems import Report
from ..model.tab import Tab
from .config import Config

JOB_ATTR = "__sheetsync_job__"
PACKAGE = "sheetsync_jobs"  # the name jobs/ is imported under, so its modules may import each other


@dataclass(frozen=True)
class Job:
    """A named unit of work over the workbook's tabs."""

    name: str
    fn: Callable[["Context"], ChangeSet | None]
    after: tuple[str, ...] = ()
    description: str = ""
    reports_issues: bool = True  # its problems feed the Issues columns, so it is evaluated on every run
    module: str = ""


def job(name: str | None = None, *, after: Iterable[str] = (), reports_issues: bool = True):
    """Mark a function `fn(ctx) -> ChangeSet` as a job; `after` names jobs whose results it reads."""

    def mark(fn: Callable[["Context"], ChangeSet | None]) -> Callable:
        doc = (fn.__doc__ or "").strip().splitlines()
        setattr(fn, JOB_ATTR, Job(name or fn.__name__, fn, tuple(after), doc[0] if doc else "",
                                  reports_issues, fn.__module__))
        return fn

    return mark


@dataclass
class Context:
    """What a job sees: the config, the clock, typed tabs, problems found so far and earlier jobs' results."""

    config: Config
    now: datetime
    tabs: dict[str, Tab]
    report: Report
    results: dict[str, Any] = field(default_factory=dict)
    issuers: dict[str, Any] = field(default_factory=dict)
    job: str | None = None

    @property
    def today(self) -> date:
        """Today's date in the business's time zone (never UTC by accident)."""
        return self.now.astimezone(self.config.timezone).date()

    def tab(self, name: str) -> Tab:
        try:
            return self.tabs[name]
        except KeyError:
            raise JobError(f"job {self.job!r} asked for tab {name!r}, which the config does not declare") from None

    def changes(self) -> ChangeSet:
        """A new empty ChangeSet labelled with the running job."""
        return ChangeSet(job=self.job)

    def issue_id(self, tab: str) -> str:
        """The next id for a row of `tab` without one (format from the tab's schema), never reused."""
        issuer = self.issuers.get(tab)
        if issuer is None:
            raise JobError(f"tab {tab!r} has no issued_id format in its schema")
        return issuer.next()


def discover(config: Config) -> dict[str, Job]:
    """Every job in the jobs folder, in dependency order; raises on the first broken module or job."""
    jobs, broken = load_jobs(config)
    if broken:
        raise JobError("; ".join(broken.values()))
    return jobs


def load_jobs(config: Config) -> tuple[dict[str, Job], dict[str, str]]:
    """Jobs in dependency order, plus what could not be loaded (module or job -> message).

    A broken module or a job that runs after a missing job is set aside so the others still run.
    """
    folder = config.jobs_dir
    if not folder.is_dir():
        raise ConfigError(f"{config.path}: [jobs] dir points at {folder}, which is not a folder: "
                          "fix the path (relative to the config's folder) or create the folder")
    _import_package(folder)
    found: dict[str, Job] = {}
    broken: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            module = _import(f"{PACKAGE}.{path.stem}", path)
        except JobError as ex:
            broken[path.stem] = str(ex)
            continue
        for value in vars(module).values():
            spec = getattr(value, JOB_ATTR, None)
            if isinstance(spec, Job) and spec.module == module.__name__:
                if spec.name in found:
                    broken[spec.name] = f"two jobs are named {spec.name!r} ({found[spec.name].module}, {spec.module})"
                found[spec.name] = spec
    return _ordered(found, broken), broken


def _import_package(folder: Path) -> None:
    current = sys.modules.get(PACKAGE)
    if current is not None and list(getattr(current, "__path__", [])) == [str(folder)]:
        return
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    init = folder / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(PACKAGE, init, submodule_search_locations=[str(folder)])
    else:  # a plain folder of modules: import it as a namespace package
        spec = importlib.machinery.ModuleSpec(PACKAGE, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
    if spec is None:
        raise JobError(f"cannot import jobs from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    if spec.loader is not None:
        spec.loader.exec_module(module)


def _import(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except Exception as ex:  # a broken job module must not hide which file broke
        sys.modules.pop(name, None)
        if isinstance(ex, SyntaxError):  # name the file and line that hold the mistake (maybe a module it imports)
            where = f"{ex.filename}, line {ex.lineno}" if ex.filename else f"{path}"
            raise JobError(f"{path}: cannot import job module: {where}: {ex.msg} (fix the Python syntax there)") from ex
        raise JobError(f"{path}: cannot import job module ({type(ex).__name__}: {ex})") from ex


def _ordered(jobs: dict[str, Job], broken: dict[str, str]) -> dict[str, Job]:
    """Jobs sorted so each comes after the jobs it names in `after` (ties by name); unrunnable ones to `broken`."""
    out: dict[str, Job] = {}
    visiting: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> bool:
        if name in out:
            return True
        if name in broken:
            return False
        if name in visiting:
            broken[name] = f"jobs depend on each other in a circle: {' -> '.join(chain + (name,))}"
            return False
        job_ = jobs.get(name)
        if job_ is None:
            broken[chain[-1]] = f"job {chain[-1]!r} runs after {name!r}, which does not exist"
            return False
        visiting.add(name)
        failing = [dep for dep in job_.after if not visit(dep, chain + (name,))]
        visiting.discard(name)
        if not failing:
            out[name] = job_
        elif name not in broken:
            broken[name] = (f"job {name!r} cannot run: it runs after {', '.join(repr(d) for d in failing)}, "
                            "which cannot run (fix that first)")
        return not failing

    for name in sorted(jobs):
        visit(name, ())
    return out
