"""Figures for notebooks: the DataFrames jobs publish, from a dry run that writes nothing.

A job that computes figures declares and publishes them (`@job(publishes={"figures": dict})`, then
`ctx.publish("figures", {...})`); the summary tabs it writes are a rendering of these same frames.

    import sheetsync
    figures = sheetsync.summaries(sheetsync.load_config())
    figures["returns.by_reason"]
"""

from __future__ import annotations

from datetime import datetime

from .backends.base import Backend
from .errors import JobError, UsageError
from .project.config import Config
from .project.loader import Project, load_project

FIGURES = "figures"  # the output name under which jobs publish their DataFrames


def figures(
    config: Config,
    job: str | None = None,
    *,
    backend: Backend | None = None,
    now: datetime | None = None,
    project: Project | None = None,
) -> dict:
    """Run the jobs that publish figures (or only `job`) as a dry run and return their DataFrames."""
    from .engine.run import run

    project = project or load_project(config)
    publishing = [name for name, spec in project.jobs.items() if FIGURES in spec.publishes]
    if job is not None:
        if job not in project.jobs:
            raise UsageError(f"no job named {job!r}; jobs: {', '.join(project.jobs)}")
        if job not in publishing:
            raise JobError(
                f"job {job!r} publishes no figures (its @job does not declare publishes={{'figures': dict}})"
            )
        publishing = [job]
    if not publishing:
        raise JobError("no job publishes figures (none declares @job(publishes={'figures': dict}))")
    result = run(config, publishing, now=now, dry_run=True, backend=backend, project=project)
    out: dict = {}
    for name in publishing:
        outcome = result.outcomes.get(name)
        if outcome is not None and outcome.status == "failed":
            raise JobError(f"job {name!r} failed: {outcome.error}")
        out.update(result.outputs.get(name, {}).get(FIGURES, {}))
    return out


def summaries(
    config: Config, *, backend: Backend | None = None, now: datetime | None = None, project: Project | None = None
) -> dict:
    """Every figure every job publishes, keyed as the jobs name them (e.g. 'returns.by_reason')."""
    return figures(config, backend=backend, now=now, project=project)
