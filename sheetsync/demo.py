"""The demo: build a realistic workbook from the business's demo builder and run every job on it."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .backends.xlsx import XlsxBackend
from .engine.run import RunResult, run
from .errors import ConfigError
from .init import InitResult, init
from .project.config import Config
from .project.loader import PACKAGE, load_jobs


@dataclass
class DemoResult:
    path: Path
    created: bool
    init: InitResult | None
    run: RunResult


def demo(config: Config, directory: str | Path = "demo", *, now: datetime | None = None,
         fresh: bool = False) -> DemoResult:
    """Create (or reuse) the demo workbook in `directory`, then run every job once on it."""
    now = (now or datetime.now(timezone.utc)).astimezone(config.timezone)
    path = (Path(directory) / str(config.demo.get("file", "demo.xlsx"))).resolve()
    if fresh and path.exists():
        path.unlink()
    config = dataclasses.replace(config, target=str(path))
    created = not path.exists()
    setup = None
    if created:
        rows = _builder(config)(now.date())
        setup = init(config, XlsxBackend(path), rows)
    return DemoResult(path, created, setup, run(config, now=now, backend=XlsxBackend(path)))


def _builder(config: Config):
    spec = str(config.demo.get("builder", ""))
    module_name, _, func = spec.partition(":")
    if not module_name or not func:
        raise ConfigError(f"{config.path}: demo.builder must look like 'module:function' (a module in jobs/)")
    load_jobs(config)  # imports the jobs package so the builder can be found beside the jobs
    import importlib

    try:
        module = importlib.import_module(f"{PACKAGE}.{module_name}")
        return getattr(module, func)
    except (ImportError, AttributeError) as ex:
        raise ConfigError(f"{config.path}: demo.builder {spec!r} not found in {config.jobs_dir}: {ex}") from ex
