"""Channel exports: CSV files built from a tab by the business's exporters, safe to open in any spreadsheet.

The business marks one exporter per channel in its jobs folder (found by `load_project`):

    @exporter("shop", tab="Products", headers=[...], description="The web shop's product CSV")
    def shop(ctx: ExportContext) -> Iterable[ExportRow]: ...

`export(config, "shop", "out.csv")` evaluates every issue-reporting job (nothing is written to the
workbook) so exporters can skip rows with errors, runs every exporter (for the cross-channel check),
writes the chosen channel's file (CSV with formula-like text neutralised, or JSON lines for an exporter
marked `format="jsonl"`), and returns what it did. `build(...)` does the same from tabs a job already
has, for every channel at once (a job that writes the files on a schedule).

A row the jobs found an error on never reaches a channel file: an exporter leaves it out with its reasons
(`ctx.leave_out(...)`, using `ctx.errors(tab, key)`), and any such row an exporter yields anyway is left out
here. `ExportResult.left_out` says, per key, why.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from .backends.base import Backend
from .errors import UsageError
from .model.problems import Problem, Report, Severity
from .model.tab import Row, Tab
from .project.config import Config
from .project.loader import Project, load_project
from .project.marks import Exporter
from .templates import Templates

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_TAB = "export"
CHANNEL_MISMATCH = "channel_mismatch"  # reason code: a SKU's price, specs or copy differ between channel files
LEFT_OUT = "export_skipped"  # reason code: a row left out of the channel file, the message says why


@dataclass
class ExportRow:
    """One line of a channel file: `key` (the source row's key), its cells by header, and the facts it
    states (e.g. {"price": "120.00", "karat": frozenset({"14K"})}) for the cross-channel check."""

    key: str
    cells: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportContext:
    """What an exporter sees: config, clock, typed tabs, every problem the jobs found, and a place for its own."""

    config: Config
    now: datetime
    tabs: Mapping[str, Tab]
    report: Report
    outputs: Mapping[str, Mapping[str, Any]]
    channel: str
    project: Project | None = None
    problems: list[Problem] = field(default_factory=list)
    left_out: dict[str, list[Problem]] = field(default_factory=dict)  # key -> why the row is not in the file

    @property
    def templates(self) -> Templates:
        """The project's templates, with the filters its jobs folder marks."""
        return self.project.templates if self.project is not None else Templates(self.config.templates_dir)

    def tab(self, name: str) -> Tab:
        return self.tabs[name]

    def errors(self, tab: str, key: str) -> list[Problem]:
        """Errors the jobs found on a row (a row with errors should not be published)."""
        return [p for p in self._problems_by_row.get((tab, key), []) if p.severity == Severity.ERROR]

    @cached_property
    def _problems_by_row(self) -> dict[tuple[str, str], list[Problem]]:
        out: dict[tuple[str, str], list[Problem]] = {}
        for p in self.report:
            if p.key is not None:
                out.setdefault((p.tab, p.key), []).append(p)
        return out

    def report_problem(
        self,
        tab: Tab,
        row: Row | None,
        column: str | None,
        code: str,
        message: str,
        severity: Severity = Severity.WARNING,
    ) -> Problem:
        problem = tab.problem(row, column, code, f"{self.channel}: {message}", severity, job=EXPORT_TAB)
        self.problems.append(problem)
        return problem

    def leave_out(
        self,
        tab: Tab,
        row: Row,
        column: str | None,
        message: str,
        code: str = LEFT_OUT,
        severity: Severity = Severity.WARNING,
    ) -> Problem:
        """Record that a row is not in this channel's file, and why (printed per channel by the CLI)."""
        problem = self.report_problem(tab, row, column, code, message, severity)
        self.left_out.setdefault(row.key, []).append(problem)
        return problem


@dataclass
class ExportResult:
    """A channel file: its rows, where it was written, and what was skipped or inconsistent."""

    channel: str
    headers: tuple[str, ...]
    rows: list[ExportRow]
    problems: Report
    path: Path | None = None
    channels: dict[str, list[ExportRow]] = field(default_factory=dict)
    left_out: dict[str, list[Problem]] = field(default_factory=dict)  # key -> why it is not in the file
    format: str = "csv"

    def csv(self) -> str:
        return to_csv(self.headers, [r.cells for r in self.rows])

    def text(self) -> str:
        """The file's text in its format (CSV, or JSON lines)."""
        cells = [r.cells for r in self.rows]
        return to_jsonl(self.headers, cells) if self.format == "jsonl" else to_csv(self.headers, cells)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A value as CSV text: money and decimals as plain numbers, dates ISO, booleans TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list, frozenset, set)):
        return ", ".join(str(v) for v in value)
    return str(neutralise(str(value)))


def to_csv(headers: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text (RFC 4180, CRLF) with the given headers; unknown keys are an error, missing ones blank."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        extra = set(row) - set(headers)
        if extra:
            raise ValueError(f"cells for unknown headers {sorted(extra)}")
        writer.writerow([cell_text(row.get(h)) for h in headers])
    return buffer.getvalue()


def to_jsonl(headers: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """One JSON object per line, keys in `headers` order; blank (None) values are left out, money and
    decimals are JSON numbers, dates ISO text. Unknown keys are an error, as for CSV."""
    lines = []
    for row in rows:
        extra = set(row) - set(headers)
        if extra:
            raise ValueError(f"cells for unknown headers {sorted(extra)}")
        obj = {h: row[h] for h in headers if row.get(h) is not None}
        lines.append(json.dumps(obj, ensure_ascii=False, default=_json_value))
    return "".join(line + "\n" for line in lines)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write a file atomically: a half-written file never replaces a good one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding=encoding, newline="")
    os.replace(tmp, path)
    return path


def write_csv(path: str | os.PathLike, headers: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write the CSV atomically; UTF-8 with BOM for Excel."""
    return write_text(path, to_csv(headers, rows), encoding="utf-8-sig")


def write_result(path: str | os.PathLike, result: ExportResult) -> Path:
    """Write a channel file in its format (CSV with a BOM for Excel; JSON lines as plain UTF-8)."""
    if result.format == "jsonl":
        return write_text(path, result.text())
    return write_csv(path, result.headers, [r.cells for r in result.rows])


def channels(config: Config, project: Project | None = None) -> Mapping[str, Exporter]:
    """The exporters the business's jobs folder marks, by channel name."""
    return (project or load_project(config)).exporters


def consistency(by_channel: Mapping[str, Sequence[ExportRow]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, fact, {channel: value}) wherever channels that state a fact state it differently."""
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    for channel, rows in by_channel.items():
        for row in rows:
            for name, value in row.facts.items():
                if value in (None, "", frozenset(), set(), ()):
                    continue
                facts.setdefault((row.key, name), {})[channel] = value
    out = []
    for (key, name), seen in sorted(facts.items()):
        if len({_hashable(v) for v in seen.values()}) > 1:
            out.append((key, name, seen))
    return out


def _hashable(value: Any) -> Any:
    if isinstance(value, (set, list)):
        return frozenset(value)
    return value


def export(
    config: Config,
    channel: str,
    out: str | os.PathLike | None = None,
    *,
    now: datetime | None = None,
    backend: Backend | None = None,
    project: Project | None = None,
) -> ExportResult:
    """Build the channel file for `channel` (written to `out` when given); nothing is written to the workbook."""
    from .engine.run import inspect

    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    project = project or load_project(config)
    registered = project.exporters
    if channel not in registered:
        known = ", ".join(sorted(registered)) or "none registered"
        raise UsageError(f"no exporter for channel {channel!r} (channels: {known})")
    snapshot = inspect(config, now=now, backend=backend, project=project)  # problems only: nothing is written
    result = build(config, snapshot.tabs, snapshot.report, snapshot.outputs, now, project)[channel]
    if out is not None:
        result.path = write_result(out, result)
    return result


def build(
    config: Config,
    tabs: Mapping[str, Tab],
    report: Report,
    outputs: Mapping[str, Mapping[str, Any]],
    now: datetime,
    project: Project,
) -> dict[str, ExportResult]:
    """Every channel's file from tabs as read and the problems the jobs found; nothing is read or written."""
    by_channel: dict[str, list[ExportRow]] = {}
    contexts: dict[str, ExportContext] = {}
    for name, spec in project.exporters.items():
        ctx = ExportContext(config, now, tabs, report, outputs, name, project)
        by_channel[name] = _without_errors(ctx, spec, list(spec.fn(ctx)))
        contexts[name] = ctx
    disagreements = consistency(by_channel)
    out = {}
    for name, spec in project.exporters.items():
        problems = Report(list(contexts[name].problems))
        source = tabs.get(spec.tab)
        for key, fact, seen in disagreements:
            if name not in seen:
                continue
            said = "; ".join(f"{c}: {_show(v)}" for c, v in sorted(seen.items()))
            row = source.row(key) if source is not None else None
            problems.add(
                Problem(
                    spec.tab,
                    CHANNEL_MISMATCH,
                    f"{fact} differs between channels ({said})",
                    Severity.WARNING,
                    row=row.sheet_row if row else None,
                    key=key,
                    job=EXPORT_TAB,
                )
            )
        out[name] = ExportResult(
            name,
            spec.headers,
            by_channel[name],
            problems,
            channels=by_channel,
            left_out=contexts[name].left_out,
            format=spec.format,
        )
    return out


def _without_errors(ctx: ExportContext, spec: Exporter, rows: list[ExportRow]) -> list[ExportRow]:
    """The exporter's rows less any the jobs found an error on (left out, with the errors as the reason)."""
    source = ctx.tabs.get(spec.tab)
    kept = []
    for out in rows:
        errors = ctx.errors(spec.tab, out.key)
        if not errors:
            kept.append(out)
            continue
        row = source.row(out.key) if source is not None else None
        if source is not None and row is not None and out.key not in ctx.left_out:
            said = "; ".join(p.line for p in errors)
            ctx.leave_out(source, row, errors[0].column, f"left out: {said}", severity=Severity.ERROR)
    return kept


def _show(value: Any) -> str:
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value)) or "(none)"
    return str(value)
