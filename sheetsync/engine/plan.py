"""Planning a run's writes from the jobs' change sets, still addressed by key and column.

Ownership rules, dropping writes that change nothing, the Issues column composed from every job's
problems, sheetsync's cell notes, and whole-tab rewrites kept only when their content changed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..errors import OwnershipError
from ..model.changes import CellChange, CellNote, ChangeSet, RowAppend
from ..model.grid import TabData, trim
from ..model.ids import Issuer
from ..model.layout import FILLS, NOTE_PREFIX, NewTab, RowRef, TabContent
from ..model.problems import Problem, Report, RowRead, Severity
from ..model.schema import Column, Schema
from ..model.system import META, META_SCHEMA
from ..model.tab import Tab
from ..model.values import PARSERS, BadValue, ParseOptions, date_to_serial, describe, is_blank, to_cell
from ..project.config import Config
from .locate import Annotation

TabsByName = Mapping[str, Tab]
NOTES_KEY = "notes:"  # _Meta key of a tab's notes digest (a backend that does not read notes back)
Annotations = Mapping[str, Mapping[tuple[int, str], tuple[str, Annotation]]]  # tab -> (row, column) -> (key, note)


@dataclass
class Plan:
    """The writes of a run, still addressed by key and column."""

    cells: list[CellChange] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    contents: list[TabContent] = field(default_factory=list)
    new_tabs: list[NewTab] = field(default_factory=list)
    # Per tab, the complete set of sheetsync notes wanted, by (row as read, column), with the row's key.
    annotations: dict[str, dict[tuple[int, str], tuple[str, Annotation]]] = field(default_factory=dict)
    # Per tab, when only some rows' notes are reconsidered: those rows (as read) and their keys.
    noted_rows: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def tabs_to_guard(self) -> list[str]:
        """The tabs to re-read just before writing: those written to, computed from, or whose rows a whole tab names."""
        names = {c.tab for c in self.cells} | {a.tab for a in self.appends} | set(self.annotations)
        reads = [r for c in self.cells for r in c.reads] + [r for a in self.appends for r in a.reads]
        names |= {r.tab for r in reads}  # and those the writes were computed from
        names |= {v.tab for content in self.contents for line in content.rows for v in line if isinstance(v, RowRef)}
        names |= {content.name for content in self.contents if content.kept is not None}
        return sorted(names)

    def __bool__(self) -> bool:
        return bool(self.cells or self.appends or self.contents or self.annotations)


def build_plan(
    config: Config,
    tabs: Mapping[str, Tab],
    data: Mapping[str, TabData],
    changes: list[ChangeSet],
    report: Report,
    issues_ok: bool,
    notes: Iterable[CellNote] = (),
) -> Plan:
    """Every write the run wants: the chosen jobs' writes, then Issues and notes when every job reported."""
    plan = Plan()
    row_reads: dict[tuple[str, int], tuple[RowRead, ...]] = {}
    for changeset in changes:
        for where, reads in changeset.row_reads.items():
            row_reads[where] = tuple(dict.fromkeys(row_reads.get(where, ()) + reads))
    for changeset in changes:
        for change in changeset.cells:
            schema = schema_of(config, change.tab)
            if schema is None:
                raise OwnershipError(f"job {change.job!r} wrote to {change.tab!r}, which has no schema")
            if schema.issues_column and change.column == schema.issues_column:
                raise OwnershipError(
                    f"job {change.job!r} wrote {change.tab}!{change.column} directly; "
                    "report a Problem instead (Issues is composed from every job's problems)"
                )
        for change in drop_noops(changeset.cells, tabs, config.parse):  # rewriting a value as it is is no write
            check_ownership(change, schema_of(config, change.tab) or META_SCHEMA)
        plan.cells += [_with_reads(c, row_reads.get((c.tab, c.sheet_row), ())) for c in changeset.cells]
        plan.appends += changeset.appends
        plan.contents += changeset.contents
    if issues_ok:
        plan.cells += issue_cells(config, tabs, report, row_reads)
    plan.cells = drop_noops(plan.cells, tabs, config.parse)
    plan.contents = changed_contents(plan.contents, data)
    if issues_ok:
        notes = list(notes)
        wanted = wanted_annotations(config, tabs, report, notes)
        plan.annotations = {
            name: cells
            for name, cells in wanted.items()
            if annotation_writes(name, cells, data, tabs) or _issues_rows(plan, tabs, data, name)
        }
        record_notes(plan, tabs, data)
        narrow_notes(plan, tabs, data, notes)
    return plan


def _with_reads(change: CellChange, reads: tuple[RowRead, ...]) -> CellChange:
    """The change, also depending on what its whole row was declared computed from."""
    return replace(change, reads=tuple(dict.fromkeys(change.reads + reads))) if reads else change


def _issues_rows(
    plan: Plan, tabs: Mapping[str, Tab], data: Mapping[str, TabData], name: str, notes: Iterable[CellNote] = ()
) -> dict[int, str]:
    """Where notes were not read: the rows (as read, with their keys) whose notes may change: those whose
    cells the plan rewrites (Issues, or a figure a job's own note explains) and those with a job's own note."""
    tab, read = tabs.get(name), data.get(name)
    if tab is None or read is None or read.notes_read or not tab.schema.issues_column:
        return {}
    rows = {c.sheet_row: c.key for c in plan.cells if c.tab == name}
    rows.update({n.sheet_row: n.key for n in notes if n.tab == name})
    return rows


def narrow_notes(
    plan: Plan, tabs: Mapping[str, Tab], data: Mapping[str, TabData], notes: Iterable[CellNote] = ()
) -> None:
    """Where notes were not read, reconsider only the rows whose Issues cell this run rewrites.

    sheetsync's notes on a row come from the same problems as its Issues lines (column and message), so
    a row whose Issues cell stays as it is keeps its notes as they are. A tab whose notes changed
    with no Issues cell changing (only a colour) is reconsidered whole.
    """
    for name, cells in plan.annotations.items():
        rows = _issues_rows(plan, tabs, data, name, notes)
        if rows:
            plan.annotations[name] = {cell: v for cell, v in cells.items() if cell[0] in rows}
            plan.noted_rows[name] = rows


def schema_of(config: Config, tab: str) -> Schema | None:
    return config.schemas.get(tab) or (META_SCHEMA if tab == META else None)


def check_ownership(change: CellChange, schema: Schema, privileged: bool = False) -> None:
    """Refuse a job's write to a person-owned column unless it is one of the named transitions."""
    column = schema.column(change.column)
    if privileged or column.job_may_write(change.old, change.value):
        return
    allowed = ", ".join(f"{a}->{b}" for a, b in column.job_transitions) or "none"
    if column.job_increments:
        allowed = "add whole units" if allowed == "none" else f"{allowed}, add whole units"
    raise OwnershipError(
        f"job {change.job!r} tried to write {describe(change.value)!r} to {schema.tab}!{change.column} "
        f"(row {change.sheet_row}), a column people own (transitions a job may make: {allowed})"
    )


def same_cell(column: Column | None, raw: Any, new: Any, opts: ParseOptions) -> bool:
    """Whether writing `new` over `raw` would change nothing a person could see."""
    if is_blank(raw) and (new is None or new == "" or new == ()):
        return True
    if is_blank(raw) or new is None or new == "":
        return False
    if column is None or column.type == "text":
        return _plain(raw) == _plain(new)
    try:
        current = PARSERS[column.type](raw, column, opts)
    except BadValue:
        return False
    return _equal(current, new)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.tzinfo is None and value.time() == time(0):
        return value.date().isoformat()  # a date cell read back from xlsx is a datetime at midnight
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if (
        isinstance(a, (int, float, Decimal))
        and isinstance(b, (int, float, Decimal))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    if isinstance(a, date) and isinstance(b, date) and not isinstance(a, datetime) and not isinstance(b, datetime):
        return a == b
    if isinstance(a, tuple) and isinstance(b, (tuple, list)):
        return tuple(a) == tuple(b)
    return a == b


def drop_noops(cells: Iterable[CellChange], tabs: Mapping[str, Tab], opts: ParseOptions) -> list[CellChange]:
    """Keep the last write per cell, and only when it changes what was read.

    A cell is its row as read and its column: rows sharing a key (a SKU typed twice) are still two rows."""
    latest: dict[tuple[str, str, int, str], CellChange] = {}
    for change in cells:
        latest[(change.tab, change.key, change.sheet_row, change.column)] = change
    out = []
    for change in latest.values():
        column = tabs[change.tab].schema.column(change.column) if change.tab in tabs else None
        if not same_cell(column, change.expected, change.value, opts):
            out.append(change)
    return out


# --- Issues and notes: composed from every job's problems -------------------------------------------------


def distinct(report: Iterable[Problem]) -> list[Problem]:
    """The problems without repeats: the same reason at the same cell found by a second job shows once."""
    first: dict[tuple, str | None] = {}
    out = []
    for p in report:
        where = (p.tab, p.row, p.key, p.column, str(p.code))
        if p.key is not None and where in first and first[where] != p.job:
            continue
        first.setdefault(where, p.job)
        out.append(p)
    return out


def issue_cells(
    config: Config,
    tabs: Mapping[str, Tab],
    report: Report,
    row_reads: Mapping[tuple[str, int], tuple[RowRead, ...]] | None = None,
) -> list[CellChange]:
    """Each row's Issues cell: one line per problem found on the row, errors first, else in the order found.

    It depends on the other rows its problems were found from, and on those its row was declared computed from.
    """
    lines: dict[tuple[str, int], list[str]] = {}
    reads: dict[tuple[str, int], dict[RowRead, None]] = {  # the other rows each row's problems were found from
        where: dict.fromkeys(found) for where, found in (row_reads or {}).items()
    }
    for p in sorted(distinct(report), key=lambda p: p.severity != Severity.ERROR):
        if p.key is not None and p.row is not None and p.tab in tabs:
            bucket = lines.setdefault((p.tab, p.row), [])
            if p.line not in bucket:
                bucket.append(p.line)
            reads.setdefault((p.tab, p.row), {}).update(dict.fromkeys(p.reads))
    for p in report:  # a repeated problem counts once in Issues, but each copy may name what it was found from
        if p.reads and p.row is not None:
            reads.setdefault((p.tab, p.row), {}).update(dict.fromkeys(p.reads))
    out = []
    for name, schema in config.schemas.items():
        tab, column = tabs[name], schema.issues_column
        if not column or not tab.usable or column not in tab.columns:
            continue
        for row in tab.rows:
            text = "\n".join(lines.get((name, row.sheet_row), [])) or None
            if text is None and is_blank(row.read_raw(column)):
                continue  # blank stays blank: a no-op the plan would drop anyway
            found = tuple(reads.get((name, row.sheet_row), ()))
            out.append(
                CellChange(
                    name,
                    row.key,
                    column,
                    text,
                    row.read_raw(column),
                    row.get(column),
                    row.sheet_row,
                    "issues",
                    reads=found,
                )
            )
    return out


def wanted_annotations(
    config: Config, tabs: Mapping[str, Tab], report: Report, notes: Iterable[CellNote] = ()
) -> dict[str, dict]:
    """Per tab, the note and fill sheetsync wants on each cell that has a problem or a job's note (every
    other note goes); a note that is no problem adds its text below the problems' and no highlight.

    Keyed by (row as read, column), each with the row's key: tab -> (row, column) -> (key, (text, fill)).
    """
    wanted: dict[str, dict[tuple[int, str], list[Problem]]] = {}
    keys: dict[tuple[str, int], str] = {}
    for p in distinct(report):
        if (
            p.key is not None
            and p.row is not None
            and p.column
            and p.tab in config.schemas
            and tabs[p.tab].usable
            and p.column in tabs[p.tab].columns
        ):
            wanted.setdefault(p.tab, {}).setdefault((p.row, p.column), []).append(p)
            keys[(p.tab, p.row)] = p.key
    out: dict[str, dict[tuple[int, str], tuple[str, Annotation]]] = {
        n: {} for n, t in tabs.items() if n in config.schemas and t.usable
    }
    for tab, cells in wanted.items():
        for (row, column), problems in cells.items():
            text = NOTE_PREFIX + "\n".join(dict.fromkeys(p.message for p in problems))
            worst = "error" if any(p.severity == Severity.ERROR for p in problems) else "warning"
            out[tab][(row, column)] = (keys[(tab, row)], (text, FILLS[worst]))
    for note in notes:
        if note.tab not in out or note.column not in tabs[note.tab].columns:
            continue
        where = (note.sheet_row, note.column)
        if where in out[note.tab]:
            key, (text, fill) = out[note.tab][where]
            out[note.tab][where] = (key, (f"{text}\n{note.text}", fill))
        else:
            out[note.tab][where] = (note.key, (NOTE_PREFIX + note.text, None))
    return out


def annotation_writes(
    name: str,
    cells: Mapping[tuple[int, str], tuple[str, Annotation]],
    data: Mapping[str, TabData],
    tabs: Mapping[str, Tab],
) -> bool:
    """Whether a tab's wanted notes differ from sheetsync's notes as read (or, not read, from their digest)."""
    tab, read = tabs.get(name), data.get(name)
    if tab is None or read is None:
        return False
    if not read.notes_read:
        recorded = tabs[META].row(NOTES_KEY + name) if META in tabs else None
        return recorded is None or str(recorded.get("Value") or "") != notes_digest(cells)
    target = {
        (row, tab.columns[column]): text for (row, column), (_, (text, _fill)) in cells.items() if column in tab.columns
    }
    return target != read.notes


def notes_digest(cells: Mapping[tuple[int, str], tuple[str, Annotation]]) -> str:
    """A tab's wanted notes by column, text and colour (not row: a sort moves them, a run issues keys; a note
    moving to another row changes both rows' Issues cells, which `narrow_notes` follows)."""
    lines = sorted(f"{column}\x1f{text}\x1f{fill}" for (_, column), (_, (text, fill)) in cells.items())
    return hashlib.sha256("\x1e".join(lines).encode()).hexdigest()[:16]


def record_notes(plan: Plan, tabs: Mapping[str, Tab], data: Mapping[str, TabData]) -> None:
    """Keep the digest of each tab's notes in _Meta where the backend does not read notes back."""
    for name, cells in plan.annotations.items():
        read = data.get(name)
        if read is not None and not read.notes_read:
            _set_meta(plan, tabs, NOTES_KEY + name, notes_digest(cells), "issues")


# --- whole tabs and counters ----------------------------------------------------------------------------


def changed_contents(contents: list[TabContent], data: Mapping[str, TabData]) -> list[TabContent]:
    """Whole-tab rewrites whose cells differ from the tab as read."""
    return [
        content
        for content in contents
        if content.name not in data or not same_grid(data[content.name].values, content.rows)
    ]


_OPTS = ParseOptions()  # whole tabs hold what jobs wrote: no workbook-specific parsing


def same_grid(current: list[list[Any]], rows: list[list[Any]]) -> bool:
    wanted = trim([[to_cell(v) for v in row] for row in rows])
    if len(wanted) != len(current):
        return False
    for have, want in zip(current, wanted):
        if len(have) != len(want) or not all(
            (type(h) is type(w) and h == w) or same_cell(None, h, _as_read(h, w), _OPTS) for h, w in zip(have, want)
        ):
            return False
    return True


def _as_read(have: Any, want: Any) -> Any:
    """A date compared with a number is compared as the serial number Google Sheets reads back."""
    if isinstance(want, date) and isinstance(have, (int, float)) and not isinstance(have, bool):
        return date_to_serial(want)
    return want


def record_counters(plan: Plan, tabs: Mapping[str, Tab], issuers: Mapping[str, Issuer]) -> None:
    """Keep each advanced id counter in _Meta so a deleted row's id is never issued again."""
    for issuer in issuers.values():
        if not issuer.advanced:
            continue
        _set_meta(plan, tabs, f"issued:{issuer.counter}", str(issuer.last), "ids")


def _set_meta(plan: Plan, tabs: Mapping[str, Tab], key: str, value: str, job: str) -> None:
    """Write one _Meta value by key: its row as read, or a new row."""
    row = tabs[META].row(key)
    if row is None:
        plan.appends.append(RowAppend(META, {"Key": key, "Value": value}, job))
    elif not same_cell(None, row.read_raw("Value"), value, _OPTS):
        plan.cells.append(
            CellChange(META, row.key, "Value", value, row.read_raw("Value"), row.get("Value"), row.sheet_row, job)
        )
