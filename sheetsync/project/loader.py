"""Loading a project: the jobs, exporters, template filters and demo builder its jobs folder holds.

    project = load_project(config)
    project.jobs["check"], project.exporters["shop"], project.module("demo")

The folder is imported as a package under a name made from its path, so its modules may import each
other (`from .rules import ...`), two folders never shadow each other, and nothing is registered in a
global: what a project holds is exactly what its folder marks. Top-level modules and packages
(a subfolder with `__init__.py`, and every module inside it) are scanned.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from ..errors import ConfigError, JobError
from .config import Config
from .marks import AFTER_ALL, MARK, Exporter, Job, TemplateFilter
from .policies import PolicyTable, did_you_mean, table_problems
from .sections import LIBRARY_POLICIES


@dataclass(frozen=True, eq=False)
class Project:
    """What one jobs folder holds, found by one load: jobs in the order they run, exporters, filters."""

    config: Config
    package: str  # the module name the jobs folder is imported under
    jobs: Mapping[str, Job]
    broken: Mapping[str, str]  # module or job -> why it cannot run
    exporters: Mapping[str, Exporter] = field(default_factory=dict)
    filters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    policy_tables: Mapping[str, PolicyTable] = field(default_factory=dict)  # [policies.<name>] -> its declaration

    def module(self, dotted: str) -> ModuleType:
        """A module of the jobs folder by its dotted name inside the folder ("demo", "validate.rules")."""
        return importlib.import_module(f"{self.package}.{dotted}")

    @cached_property
    def templates(self):
        """The config's templates folder with this project's filters (one jinja2 environment per project)."""
        from ..templates import Templates

        return Templates(self.config.templates_dir, MappingProxyType(dict(self.filters)))

    def demo_builder(self) -> Callable[..., Any]:
        """The function `[demo] builder = "module:function"` names, which returns the demo's rows."""
        spec = str(self.config.demo.get("builder", ""))
        module_name, _, func = spec.partition(":")
        if not module_name or not func:
            raise ConfigError(
                f"{self.config.path}: demo.builder must look like 'module:function' (a module in the jobs folder)"
            )
        try:
            return getattr(self.module(module_name), func)
        except (ImportError, AttributeError) as ex:
            raise ConfigError(
                f"{self.config.path}: demo.builder {spec!r} not found in {self.config.jobs_dir}: {ex}"
            ) from ex

    @property
    def validating(self) -> list[str]:
        """The jobs whose findings make up `sheetsync validate` (marked `@job(validates=True)`), and every
        broken one (a job that cannot load might be one of them, so validation must not pass quietly)."""
        return [n for n, spec in self.jobs.items() if spec.validates] + [n for n in self.broken if n not in self.jobs]

    def check(self) -> None:
        """Raise JobError naming every broken module or job (for callers that need all jobs)."""
        if self.broken:
            raise JobError("; ".join(self.broken.values()))

    def config_problems(self) -> list[str]:
        """What in the config does not fit this project: undeclared policy tables and keys, values of the wrong
        type or out of range, names of jobs or tabs that do not exist. Each names the file and the key.

        While a module of the jobs folder is broken, tables and job names nobody declares are not reported:
        the broken module may be the one that declares them (it is reported as broken).
        """
        config, out = self.config, []
        declared = {**LIBRARY_POLICIES, **self.policy_tables}
        for name, values in config.policies.items():
            table = declared.get(name)
            if table is not None:
                out += table_problems(config.path, table, values, config.schemas)
            elif not self.broken:
                out.append(
                    f"{config.path}: [policies.{name}] is read by no job{did_you_mean(name, declared)}; "
                    f"policy tables the jobs declare: {', '.join(f'[policies.{n}]' for n in sorted(declared))}"
                )
        if not self.broken:
            out += [
                f"{config.path}: [schedule] {name}: there is no job named {name!r}{did_you_mean(name, self.jobs)}; "
                f"jobs: {', '.join(self.jobs) or 'none'}"
                for name in config.schedule
                if name not in self.jobs
            ]
            out += [
                f"{config.path}: [jobs] enabled names {name!r}, which is not a job{did_you_mean(name, self.jobs)}; "
                f"jobs: {', '.join(self.jobs) or 'none'}"
                for name in config.jobs_enabled
                if name not in self.jobs
            ]
        return out

    def check_config(self) -> None:
        """Raise ConfigError (exit 2) listing every mistake `config_problems` finds."""
        problems = self.config_problems()
        if problems:
            raise ConfigError("\n".join(problems))


def load_project(config: Config) -> Project:
    """Import the config's jobs folder and collect what it marks; a broken module is set aside, not raised."""
    folder = config.jobs_dir
    if not folder.is_dir():
        raise ConfigError(
            f"{config.path}: [jobs] dir points at {folder}, which is not a folder: "
            "fix the path (relative to the config's folder) or create the folder"
        )
    package = package_name(folder)
    _import_package(package, folder)
    broken: dict[str, str] = {}
    marks: list[tuple[ModuleType, Any]] = []
    for module in _modules(package, folder, broken):
        for value in vars(module).values():
            mark = getattr(value, MARK, None)
            if getattr(mark, "module", None) == module.__name__:
                marks.append((module, mark))
    jobs: dict[str, Job] = {}
    exporters: dict[str, Exporter] = {}
    filters: dict[str, Callable[..., Any]] = {}
    tables: dict[str, PolicyTable] = {}
    files = {module.__name__: _shown_file(module, folder) for module, _ in marks}
    for _module, mark in marks:
        if isinstance(mark, Job):
            if mark.name in jobs:
                broken[mark.name] = (
                    f"two jobs are named {mark.name!r} ({files[jobs[mark.name].module]}, {files[mark.module]}): "
                    "rename one"
                )
            jobs[mark.name] = mark
        elif isinstance(mark, Exporter):
            exporters[mark.name] = mark
        elif isinstance(mark, TemplateFilter):
            filters[mark.name] = mark.fn
        elif isinstance(mark, PolicyTable):
            if mark.name in tables or mark.name in LIBRARY_POLICIES:
                first = tables[mark.name].module if mark.name in tables else "sheetsync"
                label = mark.module.removeprefix(package + ".")
                broken[label] = f"[policies.{mark.name}] is declared twice ({first}, {label})"
            tables[mark.name] = mark
    ordered = order_jobs(jobs, broken)
    return Project(
        config,
        package,
        MappingProxyType(ordered),
        MappingProxyType(broken),
        MappingProxyType(exporters),
        MappingProxyType(filters),
        MappingProxyType(tables),
    )


def _shown_file(module: ModuleType, folder: Path) -> str:
    """A module's file as people see it: relative to the jobs folder's parent (`jobs/restock/__init__.py`)."""
    path = Path(getattr(module, "__file__", "") or module.__name__)
    try:
        return str(path.resolve().relative_to(folder.resolve().parent))
    except ValueError:
        return str(path)


def package_name(folder: Path) -> str:
    """The module name a jobs folder is imported under: one per folder path, so folders never collide."""
    return "sheetsync_project_" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]


def _import_package(package: str, folder: Path) -> None:
    if package in sys.modules:
        return
    init = folder / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[str(folder)])
    else:  # a plain folder of modules: import it as a namespace package
        spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
    if spec is None:
        raise JobError(f"cannot import jobs from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    if spec.loader is not None:
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[package]
            raise


def _modules(package: str, folder: Path, broken: dict[str, str]) -> list[ModuleType]:
    """Every module of the folder: top-level *.py and packages with all their submodules."""
    out = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.suffix == ".py":
            stem, is_package = path.stem, False
        elif path.is_dir() and (path / "__init__.py").is_file():
            stem, is_package = path.name, True
        else:
            continue
        module = _import(f"{package}.{stem}", path, broken, stem)
        if module is None:
            continue
        out.append(module)
        if is_package:
            for info in pkgutil.walk_packages(module.__path__, prefix=module.__name__ + "."):
                short = info.name[len(package) + 1 :]
                if any(part.startswith("_") for part in short.split(".")):
                    continue
                sub = _import(info.name, path / (info.name.rsplit(".", 1)[-1] + ".py"), broken, short)
                if sub is not None:
                    out.append(sub)
    return out


def _import(name: str, path: Path, broken: dict[str, str], label: str) -> ModuleType | None:
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except Exception as ex:  # a broken job module must not hide which file broke, nor stop the others
        sys.modules.pop(name, None)
        if isinstance(ex, SyntaxError):  # name the file and line that hold the mistake (maybe a module it imports)
            where = f"{ex.filename}, line {ex.lineno}" if ex.filename else f"{path}"
            broken[label] = f"{path}: cannot import job module: {where}: {ex.msg} (fix the Python syntax there)"
        else:
            broken[label] = f"{path}: cannot import job module ({type(ex).__name__}: {ex})"
        return None


def order_jobs(jobs: Mapping[str, Job], broken: dict[str, str]) -> dict[str, Job]:
    """Jobs sorted so each comes after the jobs it names in `after` (AFTER_ALL: after all the others).

    Ties are broken by name only for a stable listing: a job sees only the jobs it runs after, so the
    order of unrelated jobs never changes what they compute. Unrunnable jobs go to `broken`.
    """
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
        if job_.after_all and chain and not jobs[chain[-1]].after_all:
            broken[chain[-1]] = (
                f"job {chain[-1]!r} runs after {name!r}, which runs after every other job: drop it from `after`"
            )
            return False
        visiting.add(name)
        failing = [dep for dep in job_.after if dep != AFTER_ALL and not visit(dep, chain + (name,))]
        visiting.discard(name)
        if not failing:
            out[name] = job_
        elif name not in broken:
            broken[name] = (
                f"job {name!r} cannot run: it runs after {', '.join(repr(d) for d in failing)}, "
                "which cannot run (fix that first)"
            )
        return not failing

    for name in sorted(n for n, j in jobs.items() if not j.after_all):
        visit(name, ())
    for name in sorted(n for n, j in jobs.items() if j.after_all):
        visit(name, ())
    return out
