"""Figures for notebooks: the DataFrames a job computed, from a dry run that writes nothing.

A job that publishes figures sets `frames` (a dict of name -> DataFrame) on the ChangeSet it
returns; the summaries job does. The tabs it writes are a rendering of these same frames.

    import sheetsync
    figures = sheetsync.summaries(sheetsync.load_config())
    figures["returns.by_reason"]
"""
from __future__ import annotations

from datetime import datetime

from .backends.base import Backend
from .errors import JobError
from .project.config import Config


def figures(config: Config, job: str, *, backend: Backend | None = None,
            now: datetime | None = None) -> dict:
    """Run `job` as a dry run on one read of the workbook and return the DataFrames it published."""
    from .engine.run import run

    result = run(config, [job], now=now, dry_run=True, backend=backend)
    outcome = result.outcomes.get(job)
    if outcome is not None and outcome.status == "failed":
        raise JobError(f"job {job!r} failed: {outcome.error}")
    frames = getattr(result.results.get(job), "frames", None)
    if frames is None:
        raise JobError(f"job {job!r} publishes no figures (its ChangeSet has no `frames`)")
    return dict(frames)


def summaries(config: Config, *, backend: Backend | None = None, now: datetime | None = None) -> dict:
    """The summaries job's figures as DataFrames keyed '<area>.<name>', e.g. 'returns.by_reason'."""
    return figures(config, "summaries", backend=backend, now=now)
