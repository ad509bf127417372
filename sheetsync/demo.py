"""The demo: build a realistic workbook from the business's demo builder and run every job on it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .backends.xlsx import XlsxBackend
from .engine.phases import OnPhase
from .engine.run import RunResult, run
from .init import InitResult, init
from .project.config import Config
from .project.loader import Project, load_project


@dataclass
class DemoResult:
    path: Path
    created: bool
    init: InitResult | None
    run: RunResult


def demo(
    config: Config,
    directory: str | Path = "demo",
    *,
    now: datetime | None = None,
    fresh: bool = False,
    project: Project | None = None,
    on_phase: OnPhase | None = None,
) -> DemoResult:
    """Create (or reuse) the demo workbook in `directory`, then run every job once on it."""
    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    project = project or load_project(config)
    path = (Path(directory) / str(config.demo.get("file", "demo.xlsx"))).resolve()
    if fresh and path.exists():
        path.unlink()
    config = dataclasses.replace(config, target=str(path))
    created = not path.exists()
    setup = None
    if created:
        rows = project.demo_builder()(now.date())
        setup = init(config, XlsxBackend(path), rows)
    result = run(config, now=now, backend=XlsxBackend(path), project=project, on_phase=on_phase)
    return DemoResult(path, created, setup, result)
