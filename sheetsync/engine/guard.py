"""The guard: just before writing, address each planned write at the row that holds it now.

The workbook is re-read (backend.guard_read) right before the write. A row is found by its key
together with its person-owned cells as read (its fingerprint), never by position: a write lands
only where exactly one row holds that key and those cells, and only if the target cell still holds
what the run read. Anything else (the row deleted, edited by a person, pasted twice) skips every
write to that row and is reported as a conflict, so the next run retries against the workbook as
it then is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..backends.base import CellWrite, GuardScope, WriteBatch
from ..model.a1 import a1, sheet_ref
from ..model.changes import CellChange, RowAppend
from ..model.grid import TabData
from ..model.keys import KeyIndex, cell_norm, fold, header_columns, is_fallback
from ..model.layout import RowRef, TabContent, carry_kept
from ..model.problems import Code, Problem, RowRead, Severity
from ..model.schema import Schema
from ..model.system import LOG, META, RUNS
from ..model.tab import Tab, match_text
from ..model.values import describe, is_blank, to_cell
from .locate import RowFinder, place_annotations
from .plan import NOTES_KEY, Plan


@dataclass
class Resolved:
    """A plan turned into a WriteBatch against the workbook as it is now, plus what was skipped."""

    batch: WriteBatch
    written: list[tuple[CellChange, CellWrite]]
    appended: list[tuple[RowAppend, int]]
    conflicts: list[Problem]
    rows: dict[tuple[str, int], int] = field(default_factory=dict)  # (tab, row as read) -> row now


def resolve(
    plan: Plan, current: Mapping[str, TabData], tabs: Mapping[str, Tab], schemas: Mapping[str, Schema]
) -> Resolved:
    """Address each planned write at the row holding it now; skip every write to a row a person changed."""
    indexes = {name: KeyIndex(data.values, schemas.get(name)) for name, data in current.items()}
    finder = RowFinder(tabs, indexes)
    batch = WriteBatch(
        new_tabs=list(plan.new_tabs),
        contents=[place_refs(_carried(c, current), finder, indexes) for c in plan.contents],
    )
    written, conflicts, skipped = [], [], []
    for change in plan.cells:
        target = finder.find(change.tab, change.sheet_row, change.key)
        if isinstance(target, str):
            conflicts.append(conflict(change, None, None, target))
            skipped.append(change)
            continue
        schema = schemas.get(change.tab)
        whole = schema is not None and change.column == schema.issues_column  # Issues speak of every cell
        why = finder.row_changed(change.tab, change.sheet_row, target, change.column) if whole else None
        why = why or finder.changed(change.reads)
        if why is not None:
            conflicts.append(conflict(change, target, None, why))
            skipped.append(change)
            continue
        col = indexes[change.tab].col(change.column)
        if col is None:
            conflicts.append(conflict(change, target, None, "the column is gone"))
            skipped.append(change)
            continue
        now_raw = current[change.tab].cell(target, col)
        if cell_norm(now_raw) != cell_norm(change.expected):
            conflicts.append(
                conflict(
                    change,
                    target,
                    col,
                    f"changed from {describe(change.expected)!r} to "
                    f"{describe(now_raw)!r} while the job ran; left as the person typed it",
                )
            )
            skipped.append(change)
            continue
        write = CellWrite(change.tab, target, col, to_cell(change.value))
        written.append((change, write))
    written, held = _together(written, skipped)
    conflicts += held
    # A value computed from a row as an earlier job of the run leaves it waits for that job's writes.
    unwritten = {(p.tab, p.key, p.column) for p in conflicts}
    kept = []
    for change, write in written:
        why = _waits_for(change.reads, unwritten)
        if why is None:
            kept.append((change, write))
        else:
            conflicts.append(conflict(change, write.row, write.col, why))
            unwritten.add((change.tab, change.key, change.column))
    written = kept
    # A tab's notes digest says which notes the run wrote: where a write to the tab was skipped, its notes
    # may not all land, so the digest is left as it was and the next run looks at the tab's notes again.
    unsure = {NOTES_KEY + p.tab for p in conflicts}
    written = [(c, w) for c, w in written if not (c.tab == META and c.key in unsure)]
    batch.cells.extend(write for _, write in written)
    appends = [a for a in plan.appends if not (a.tab == META and a.values.get("Key") in unsure)]
    fresh = []
    for append in appends:
        why = finder.changed(append.reads) or _waits_for(append.reads, unwritten)
        if why is None:
            fresh.append(append)
        else:
            conflicts.append(held_back(append, indexes, why))
    appended = _resolve_appends(fresh, indexes, batch)
    batch.notes.extend(place_annotations(plan.annotations, current, indexes, finder, plan.noted_rows))
    rows = {(tab, sheet_row): row for (tab, sheet_row, _), row in finder._found.items() if isinstance(row, int)}
    return Resolved(batch, written, appended, conflicts, rows)


def _carried(content: TabContent, current: Mapping[str, TabData]) -> TabContent:
    """A rewritten tab with the cells people own (To Do's Done) as they are now, so a tick made meanwhile stays."""
    if content.kept is None or content.name not in current:
        return content
    return carry_kept(content, current[content.name].values)


def _together(
    written: list[tuple[CellChange, CellWrite]], skipped: list[CellChange]
) -> tuple[list[tuple[CellChange, CellWrite]], list[Problem]]:
    """Drop every write of a group one of whose writes is skipped: a group lands whole or not at all."""
    broken = {c.group: c for c in skipped if c.group}
    kept, held = [], []
    for change, write in written:
        other = broken.get(change.group) if change.group else None
        if other is None:
            kept.append((change, write))
            continue
        why = f"it goes together with {other.tab} {other.key} {other.column}, which could not be written"
        held.append(conflict(change, write.row, write.col, why))
    return kept, held


END_ROWS = 20  # a tab the run adds rows to: its last rows as read are read again, to find its end


def guard_scopes(plan: Plan, tabs: Mapping[str, Tab], data: Mapping[str, TabData]) -> dict[str, GuardScope]:
    """What the guard must re-read of each tab: its key column and the rows (as read) the plan touches.

    Touched: rows written, rows a whole tab links to, and, when notes change, rows that get one or hold
    one of sheetsync's now. A tab the plan adds rows to, or that has a touched row without a key, is
    left out (re-read whole); so are tabs the run did not type. The audit tabs only need their end.
    """
    touched: dict[str, dict[int, str]] = {}
    whole: set[str] = set()
    ends = {a.tab for a in plan.appends if a.tab != META}  # _Meta's rows all have a key: its key column ends it
    # A write computed from other rows lands only if they are as read. Rows found by their key: those rows,
    # and the key itself, so `incomplete` sees a row that took that key meanwhile (the key column is read
    # whole). Rows found by another column (returns naming a SKU): those rows, and that column read whole,
    # so `incomplete` sees a row that holds the value now.
    read_keys: dict[str, set[str]] = {}
    read_values: dict[str, dict[str, set[str]]] = {}
    for dep in {r for c in plan.cells for r in c.reads} | {r for a in plan.appends for r in a.reads}:
        if dep.tab not in tabs or is_fallback(dep.key):
            whole.add(dep.tab)  # (a row without a key yet is found by its cells: read whole)
        elif dep.column is not None:
            text = match_text(dep.key)
            if text is not None:  # rows with a blank there are not looked up
                read_values.setdefault(dep.tab, {}).setdefault(dep.column, set()).add(text)
        elif dep.key:
            read_keys.setdefault(dep.tab, set()).add(dep.key)
    for name, by_column in read_values.items():
        rows = touched.setdefault(name, {})
        for header, values in by_column.items():
            rows.update({r.sheet_row: r.key for r in tabs[name].rows if match_text(r.read_raw(header)) in values})
    for change in plan.cells:
        touched.setdefault(change.tab, {})[change.sheet_row] = change.key
    for content in plan.contents:  # a link finds its row by key alone: the key column is enough
        for line in content.rows:
            for value in line:
                if isinstance(value, RowRef):
                    rows = touched.setdefault(value.tab, {})
                    as_read = tabs[value.tab].by_sheet_row.get(value.sheet_row) if value.tab in tabs else None
                    if as_read is not None and as_read.repeated:  # told apart by its cells, which must be read
                        rows[value.sheet_row] = value.read_key or value.key
    for name, cells in plan.annotations.items():
        rows = touched.setdefault(name, {})
        for (sheet_row, _), (key, _) in cells.items():
            rows[sheet_row] = key
        read, tab = data.get(name), tabs.get(name)
        if tab is None or read is None:
            continue
        if name in plan.noted_rows:
            rows.update(plan.noted_rows[name])
            continue
        if not read.notes_read:  # notes not read: ours are on rows with Issues, written with them
            column = tab.schema.issues_column
            if not column or column not in tab.columns:
                whole.add(name)
                continue
            rows.update({r.sheet_row: r.key for r in tab.rows if not is_blank(r.read_raw(column))})
        for sheet_row, _ in read.notes:
            row = tab.by_sheet_row.get(sheet_row)
            if row is None:
                whole.add(name)  # a note of ours on a row that is not a data row
            else:
                rows[sheet_row] = row.key
    scopes = {name: GuardScope(tail=True) for name in (LOG, RUNS)}
    scopes.update(_kept_scopes(plan, data))
    for name in {*touched, *read_keys, *ends, META}:
        tab, rows = tabs.get(name), touched.get(name, {})
        if name in whole or tab is None or not tab.usable or any(is_fallback(k) for k in rows.values()):
            continue
        key_col = tab.columns.get(tab.schema.key)
        if key_col is None:
            continue
        keys = {tab.key_of(k) for k in rows.values()} | {tab.key_of(k) for k in read_keys.get(name, ())}
        rows.update({r.sheet_row: r.key for r in tab.rows if tab.key_of(r.key) in keys})  # a repeated key's rows
        columns = tuple(
            (header, tab.columns[header], frozenset(values))
            for header, values in sorted(read_values.get(name, {}).items())
            if header in tab.columns
        )
        if len(columns) < len(read_values.get(name, {})):
            continue  # a column it was looked up by is not in the tab: read whole
        if name in ends and name not in data:
            continue  # rows are added after its end, which only a whole read finds
        held = frozenset(rows.values()) | read_keys.get(name, set())
        end = max(2, len(data[name].values) - END_ROWS + 1) if name in ends else 0
        if end and not held and not columns:
            key_col = None  # rows are only added (the Copy Log): its end is all the guard needs of it
        scopes[name] = GuardScope(key_col, frozenset(rows), held, columns=columns, end=end)
    return scopes


def _kept_scopes(plan: Plan, data: Mapping[str, TabData]) -> dict[str, GuardScope]:
    """A tab rewritten whole needs again only the columns people own in it (To Do's Done) and their key."""
    out = {}
    for content in plan.contents:
        read = data.get(content.name)
        if content.kept is None or read is None or not read.values:
            continue
        where = header_columns(read.values[0])
        headers = [content.kept.key, *content.kept.columns]
        if all(fold(h) in where for h in headers):
            out[content.name] = GuardScope(columns=tuple((h, where[fold(h)], frozenset()) for h in headers))
    return out


def incomplete(
    scopes: Mapping[str, GuardScope], current: Mapping[str, TabData], schemas: Mapping[str, Schema]
) -> list[str]:
    """The scoped tabs whose re-read missed a row that now holds a touched key (a person moved or pasted it)."""
    out = []
    for name, scope in scopes.items():
        data = current.get(name)
        if scope.tail or data is None or not data.partial:
            continue
        schema = schemas.get(name)
        index = KeyIndex(data.values, schema)
        # a column inserted meanwhile
        moved = scope.key_col is not None and (schema is None or index.col(schema.key) != scope.key_col)
        moved = moved or any(index.col(header) != col for header, col, _ in scope.columns)
        if moved or any(row not in scope.rows for key in scope.keys for row in index.where(key)):
            out.append(name)
        elif any(
            row.sheet_row not in scope.rows
            for _, col, values in scope.columns
            for row in index.rows
            if col - 1 < len(row.cells) and match_text(row.cells[col - 1]) in values
        ):
            out.append(name)  # a row holds a value looked up by now (typed, pasted or moved there meanwhile)
    return out


def place_refs(content: TabContent, finder: RowFinder, indexes: Mapping[str, KeyIndex]) -> TabContent:
    """The whole tab with each RowRef naming (and linking to) where its row is now."""
    rows, links = [], dict(content.layout.links)
    for r, line in enumerate(content.rows, start=1):
        out = []
        for c, value in enumerate(line, start=1):
            if isinstance(value, RowRef):
                value = _placed(value, finder, indexes)
                if value.row is not None and value.col is not None:
                    links[(r, c)] = sheet_ref(value.tab, value.row, value.col)
                else:
                    links.pop((r, c), None)
            out.append(value)
        rows.append(out)
    return replace(content, rows=rows, layout=replace(content.layout, links=links))


def _placed(ref: RowRef, finder: RowFinder, indexes: Mapping[str, KeyIndex]) -> RowRef:
    index = indexes.get(ref.tab)
    found = finder.locate(ref.tab, ref.sheet_row, ref.read_key or ref.key)
    if index is None or not isinstance(found, int):
        return replace(ref, row=None, resolved=True)
    key_col = index.col(index.schema.key) if index.schema is not None else None
    col = index.col(ref.column) if ref.column else key_col
    unique = len(index.where(ref.read_key or ref.key)) == 1  # a repeated key cannot be found by MATCH
    return replace(ref, row=found, col=col or key_col or 1, key_col=key_col if unique else None, resolved=True)


def same_raw(a: Any, b: Any) -> bool:
    """Whether two raw cells hold the same thing (1 and 1.0 are one number; blank is blank)."""
    return cell_norm(a) == cell_norm(b)


def conflict(change: CellChange, row: int | None, col: int | None, why: str) -> Problem:
    return Problem(
        tab=change.tab,
        code=Code.WRITE_CONFLICT,
        severity=Severity.WARNING,
        message=f"not written ({describe(change.value)!r}): {why}; retried on the next run",
        row=row or change.sheet_row,
        column=change.column,
        cell=a1(row, col) if row and col else None,
        value=change.value,
        key=change.key,
        job=change.job,
    )


def _waits_for(reads: tuple[RowRead, ...], unwritten: set[tuple[str, str | None, str | None]]) -> str | None:
    """Why a value computed from rows as earlier jobs of the run write them cannot land: one of those writes
    was skipped (None: none was)."""
    for read in reads:
        for header in read.after:
            if (read.tab, read.key, header) in unwritten:
                return f"it was computed from the {read.tab} {header} the run was writing, which could not be written"
    return None


def held_back(append: RowAppend, indexes: Mapping[str, KeyIndex], why: str) -> Problem:
    """A new row not added because what it was computed from changed: said on its tab, by its key."""
    index = indexes.get(append.tab)
    header = index.schema.key if index is not None and index.schema is not None else None
    key = append.values.get(header) if header else None
    return Problem(
        tab=append.tab,
        code=Code.WRITE_CONFLICT,
        severity=Severity.WARNING,
        message=f"new row {describe(key)!r} not added: {why}; added on the next run if still due",
        column=header,
        key=None if key is None else str(key),
        job=append.job,
    )


def _resolve_appends(
    appends: list[RowAppend], indexes: Mapping[str, KeyIndex], batch: WriteBatch
) -> list[tuple[RowAppend, int]]:
    out = []
    for append in appends:
        index = indexes.get(append.tab)
        if index is None:
            continue
        index.last_row += 1
        for header, value in append.values.items():
            col = index.col(header)
            if col is not None and value is not None:
                batch.cells.append(CellWrite(append.tab, index.last_row, col, to_cell(value)))
        out.append((append, index.last_row))
    return out
