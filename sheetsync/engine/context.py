"""What a job sees: the config, the clock, typed tabs, and the results of the jobs it runs after (only those)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import JobError
from ..model.changes import Action, ChangeSet
from ..model.grid import Grid
from ..model.ids import Issuer
from ..model.problems import Report
from ..model.tab import Tab
from ..project.config import Config
from ..project.marks import Job

if TYPE_CHECKING:
    from ..templates import Templates

_MISSING: Any = object()


@dataclass(frozen=True, eq=False)
class Context:
    """One job's view of the run, built fresh for each job.

    `tabs` show the workbook as read plus the writes of the jobs this job runs after; `report` holds the
    problems found while reading plus those jobs' problems; `result` and `actions` give their declared
    outputs and To Do actions. A job never sees a job it does not name in `after`, so renaming or adding
    an unrelated job cannot change what it computes.
    """

    config: Config
    now: datetime
    spec: Job
    tabs: Mapping[str, Tab]
    report: Report
    issuers: Mapping[str, Issuer] = field(default_factory=dict)
    outputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # visible job -> its outputs
    visible_actions: tuple[Action, ...] = ()
    failed_jobs: frozenset[str] = frozenset()  # jobs it runs after that failed (their results are missing)
    project: Any = None  # the project the job belongs to (its templates carry its filters, its exporters)
    dry_run: bool = False  # nothing is written: a job that writes files itself (exports) must not either
    published: dict[str, Any] = field(default_factory=dict)  # this job's own outputs, filled by publish()
    sheets: Mapping[str, Grid] = field(default_factory=dict)  # tabs no schema declares (jobs' own), as read

    @property
    def job(self) -> str:
        return self.spec.name

    @property
    def today(self) -> date:
        """Today's date in the business's time zone (never UTC by accident)."""
        return self.now.astimezone(self.config.timezone).date()

    def tab(self, name: str) -> Tab:
        try:
            return self.tabs[name]
        except KeyError:
            raise JobError(f"job {self.job!r} asked for tab {name!r}, which the config does not declare") from None

    def sheet(self, name: str) -> Grid | None:
        """The raw cells of a tab no schema declares (a tab a job rewrites, like To Do) as read; None if absent.

        For carrying the columns people own on it across a rewrite (see `Kept`)."""
        return self.sheets.get(name)

    def changes(self) -> ChangeSet:
        """A new empty ChangeSet labelled with the running job."""
        return ChangeSet(job=self.job)

    def issue_id(self, tab: str) -> str:
        """The next id for a row of `tab` without one (format from the tab's schema), never reused."""
        issuer = self.issuers.get(tab)
        if issuer is None:
            raise JobError(f"tab {tab!r} has no issued_id format in its schema")
        return issuer.next()

    @property
    def templates(self) -> Templates:
        """The project's templates (the config's folder, with the filters the jobs folder marks)."""
        if self.project is None:
            from ..templates import Templates

            return Templates(self.config.templates_dir)
        return self.project.templates

    def publish(self, name: str, value: Any) -> None:
        """Hand `value` to later jobs and to callers as this job's output `name` (declared in @job publishes)."""
        declared = self.spec.publishes
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise JobError(
                f"job {self.job!r} published {name!r}, which its @job(publishes=...) does not declare "
                f"(declared: {known})"
            )
        kind = declared[name]
        if isinstance(kind, type) and not isinstance(value, kind):
            raise JobError(
                f"job {self.job!r} published {name!r} as {type(value).__name__}, not the {kind.__name__} it declares"
            )
        self.published[name] = value

    def result(self, job: str, name: str, default: Any = _MISSING) -> Any:
        """The output `name` of `job`, which this job must run after; `default` when that job failed."""
        if not (self.spec.after_all or job in self.spec.after):
            raise JobError(
                f"job {self.job!r} read the results of {job!r}, which it does not run after "
                f"(add it to @job(after=[...]))"
            )
        outputs = self.outputs.get(job, {})
        if name in outputs:
            return outputs[name]
        if default is not _MISSING:
            return default
        why = "failed" if job in self.failed_jobs else f"published no {name!r}"
        raise JobError(f"job {self.job!r} needs {job}'s {name!r}, but {job} {why}")

    def actions(self) -> tuple[Action, ...]:
        """The To Do actions of the jobs this job runs after (of every job, for an AFTER_ALL job)."""
        return self.visible_actions


def frozen_outputs(outputs: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({job: MappingProxyType(dict(values)) for job, values in outputs.items()})
