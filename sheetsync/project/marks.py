"""Marks a business puts on the functions of its jobs folder: @job, @exporter, @template_filter.

A mark only records what the function is; nothing is registered anywhere. `load_project` finds the
marked functions in the jobs folder, so two projects (or two test configs) never see each other's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

MARK = "__sheetsync__"
AFTER_ALL = "*"  # `after=AFTER_ALL`: run after every other job and see all their results (a To Do list)


@dataclass(frozen=True)
class Job:
    """A named unit of work over the workbook's tabs.

    `after` names the jobs whose results it reads: it runs after them, and sees their problems,
    outputs, actions and writes (and only theirs). `publishes` declares its outputs by name and type.
    """

    name: str
    fn: Callable[..., Any]
    after: tuple[str, ...] = ()
    description: str = ""
    reports_issues: bool = True  # its problems and actions must never vanish: evaluated on every run
    validates: bool = False  # its findings are what `sheetsync validate` reports
    publishes: Mapping[str, type] = field(default_factory=dict)
    module: str = ""
    on_demand: bool = False  # runs only when named or scheduled, never as part of "every job"

    @property
    def after_all(self) -> bool:
        return AFTER_ALL in self.after


@dataclass(frozen=True)
class Exporter:
    """Builds one channel's file from the rows of `tab` (see sheetsync.export)."""

    name: str
    fn: Callable[..., Any]
    tab: str
    headers: tuple[str, ...]
    description: str = ""
    module: str = ""
    format: str = "csv"  # "csv", or "jsonl" (one JSON object per line: API payloads)

    @property
    def suffix(self) -> str:
        return ".jsonl" if self.format == "jsonl" else ".csv"


@dataclass(frozen=True)
class TemplateFilter:
    """A jinja2 filter every template of the project can use: `{{ piece | metal_phrase }}`."""

    name: str
    fn: Callable[..., Any]
    module: str = ""


def _first_line(fn: Callable[..., Any]) -> str:
    doc = (fn.__doc__ or "").strip().splitlines()
    return doc[0] if doc else ""


def job(
    name: str | None = None,
    *,
    after: Iterable[str] | str = (),
    reports_issues: bool = True,
    validates: bool = False,
    publishes: Mapping[str, type] | None = None,
    on_demand: bool = False,
):
    """Mark `fn(ctx) -> ChangeSet` as a job.

    `after` names jobs whose results it reads (or AFTER_ALL); `validates` makes its findings part of
    `sheetsync validate`; `publishes` declares outputs ({"figures": dict}) it hands to later jobs;
    `on_demand` keeps it out of runs of every job (it runs when named, or on its [schedule] cadence).
    """
    after = (after,) if isinstance(after, str) else tuple(after)

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(
            fn,
            MARK,
            Job(
                name or fn.__name__,
                fn,
                after,
                _first_line(fn),
                reports_issues,
                validates,
                MappingProxyType(dict(publishes or {})),
                fn.__module__,
                on_demand,
            ),
        )
        return fn

    return mark


def exporter(name: str, *, tab: str, headers: Sequence[str], description: str = "", format: str = "csv"):
    """Mark `fn(ctx) -> Iterable[ExportRow]` as the exporter for channel `name`, lines built from rows of `tab`;
    `format` is "csv" (a spreadsheet file) or "jsonl" (one JSON object per line, keys in `headers` order)."""
    if format not in ("csv", "jsonl"):
        raise ValueError(f"@exporter({name!r}): format is 'csv' or 'jsonl', not {format!r}")

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = Exporter(name, fn, tab, tuple(headers), description or _first_line(fn), fn.__module__, format)
        setattr(fn, MARK, spec)
        return fn

    return mark


def template_filter(name: str | None = None):
    """Mark `fn` as a filter for the project's templates: `{{ piece | metal_phrase }}`."""

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, MARK, TemplateFilter(name or fn.__name__, fn, fn.__module__))
        return fn

    return mark
