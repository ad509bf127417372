"""Set a workbook up for its schemas: missing tabs and headers, dropdowns, header notes; never touches data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .backends import open_backend
from .backends.base import Backend, CellWrite, WriteBatch
from .model.grid import SheetView
from .model.layout import ColumnLook, NewTab
from .model.schema import Column, Schema
from .model.system import SYSTEM_TABS
from .model.tab import renamed_tab
from .model.values import Formula, fold, is_blank, to_cell
from .project.config import Config

NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00", "percent": "0.0%"}
ISSUES_LOOK = ColumnLook(width=60, wrap=True)  # several lines per cell: wide, wrapped, read from the top
MIN_WIDTH, MAX_WIDTH = 12, 40  # a column without a declared width fits its header within these
MAX_FROZEN_COLS = 3  # a key further right than this is not frozen: the frozen part would fill the screen


@dataclass
class InitResult:
    target: str
    created_tabs: list[str] = field(default_factory=list)
    added_headers: dict[str, list[str]] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # missing tab -> the tab that has its headers
    restyled: dict[str, list[str]] = field(default_factory=dict)  # tab -> what was put back ("frozen panes", ...)

    @property
    def changed(self) -> bool:
        return bool(self.created_tabs or self.added_headers or self.rows_written or self.restyled)


def header_note(schema: Schema, header: str) -> str:
    column = schema.column(header)
    owner = "Written by sheetsync: do not edit by hand." if column.owner == "job" else "Typed by people."
    if column.job_increments:
        owner = "Typed by people; sheetsync may only add whole units to it (each one logged)."
    elif column.job_transitions or column.job_fills_blank:
        owner = "Typed by people; sheetsync may " + (
            "fill it when blank."
            if column.job_fills_blank
            else "make only these changes: " + ", ".join(f"{a} -> {b}" for a, b in column.job_transitions) + "."
        )
    allowed = f" Allowed: {', '.join(column.allowed)}." if column.allowed and len(column.allowed) <= 12 else ""
    kind = f"{column.type}{', required' if column.required else ''}{', unique' if column.unique else ''}"
    return f"{column.description or header} ({kind}).{allowed} {owner}".strip()


def look(schema: Schema, column: Column) -> ColumnLook:
    """How a column shows: as declared, the Issues column wide and wrapped, else wide enough for its header."""
    if column.look.width is not None:
        return column.look
    if column.header == schema.issues_column:
        return ColumnLook(ISSUES_LOOK.width, True, column.look.hidden)
    width = max(MIN_WIDTH, min(MAX_WIDTH, len(column.header) + 4))
    return ColumnLook(width, column.look.wrap, column.look.hidden)


def frozen_columns(schema: Schema, headers: list[Any]) -> int:
    """Columns to freeze: as declared, else through the key column when it is among the first few."""
    folded = [fold(str(h)) for h in headers]
    key_at = folded.index(schema.key_column.folded) + 1 if schema.key_column.folded in folded else 0
    if schema.freeze_columns is not None:
        return max(schema.freeze_columns, key_at) if key_at <= MAX_FROZEN_COLS else schema.freeze_columns
    return key_at if key_at <= MAX_FROZEN_COLS else 0


def plan_init(
    config: Config, existing_headers: Mapping[str, list[Any]], views: Mapping[str, SheetView] | None = None
) -> tuple[list[NewTab], InitResult]:
    """NewTab entries for missing tabs, headers missing from existing tabs, and the view people lost.

    On an existing tab, init puts back the frozen header row and key column, and the looks (width, wrap,
    hidden) of sheetsync's own columns where they were lost; people's columns keep the widths people chose.
    """
    result = InitResult(config.target)
    views = views or {}
    out = []
    for name, schema in config.schemas.items():
        present = existing_headers.get(name)
        have = {fold(str(h)) for h in present or [] if not is_blank(h)}
        missing = [c for c in schema.columns if c.folded not in have]
        first = len(present) + 1 if present else 1
        headers = [*(present or []), *(c.header for c in missing)]
        new = NewTab(
            name=name,
            headers=[c.header for c in missing],
            first_new_col=first,
            dropdowns={i: list(c.allowed) for i, c in enumerate(missing, 1) if c.type == "enum"},
            header_notes={i: header_note(schema, c.header) for i, c in enumerate(missing, 1)},
            protected_cols=[i for i, c in enumerate(missing, 1) if c.owner == "job"],
            number_formats={i: NUMBER_FORMATS[c.type] for i, c in enumerate(missing, 1) if c.type in NUMBER_FORMATS},
            looks={first + i: look(schema, c) for i, c in enumerate(missing)},
        )
        restored = _restore_view(schema, present or [], views.get(name, SheetView()), new) if present else []
        freeze = (1, frozen_columns(schema, headers))
        if present is None:
            new.freeze = freeze
        if present is not None and not missing and not restored:
            continue
        out.append(new)
        if present is None:
            result.created_tabs.append(name)
        else:
            if missing:
                result.added_headers[name] = [c.header for c in missing]
            if restored:
                result.restyled[name] = restored
    for name, headers in SYSTEM_TABS.items():
        if name not in existing_headers:
            out.append(NewTab(name, list(headers), hidden=True, freeze=(1, 0)))
            result.created_tabs.append(name)
    return out, result


def _restore_view(schema: Schema, present: list[Any], view: SheetView, new: NewTab) -> list[str]:
    """Put back on `new` what an existing tab lost: frozen panes, and the looks of sheetsync's columns."""
    restored = []
    want = (1, frozen_columns(schema, present))
    if view.frozen_rows < want[0] or view.frozen_cols < want[1]:
        new.freeze = (max(view.frozen_rows, want[0]), max(view.frozen_cols, want[1]))
        restored.append("frozen header row" + (" and key column" if want[1] else ""))
    for col, header in enumerate(present, start=1):
        if is_blank(header) or not schema.has(str(header)) or schema.column(str(header)).owner != "job":
            continue
        wanted = look(schema, schema.column(str(header)))
        width = view.widths.get(col)
        narrow = wanted.width is not None and not wanted.hidden and (width is None or width < wanted.width * 0.75)
        if narrow or wanted.hidden != (col in view.hidden_cols):
            new.looks[col] = wanted
            restored.append(f"{header} {'hidden' if wanted.hidden else 'width and wrap'}")
    return restored


def init(
    config: Config, backend: Backend | None = None, rows: Mapping[str, list[dict[str, Any]]] | None = None
) -> InitResult:
    """Create missing tabs and headers; with `rows`, also fill tabs that have no data yet (the demo)."""
    backend = backend or open_backend(config.target, config)
    with backend.lock():
        names = backend.tab_names()
        data = backend.read(names) if names else {}
        existing = {n: (d.values[0] if d.values else []) for n, d in data.items()}
        new_tabs, result = plan_init(config, existing, {n: d.view for n, d in data.items()})
        # A tab a person renamed is not recreated empty beside it (its rows would then be ignored for good).
        spare = {n: d for n, d in data.items() if n not in config.schemas}
        for name, schema in config.schemas.items():
            other = renamed_tab(schema, spare) if name not in data else None
            if other is not None:
                result.renamed[name] = other
                result.created_tabs.remove(name)
                new_tabs = [t for t in new_tabs if t.name != name]
        for name, records in (rows or {}).items():
            if name not in config.schemas and name not in data and records:
                # a tab jobs rewrite whole, as an earlier run left it (the demo's To Do with a line ticked)
                headers = list(dict.fromkeys(h for record in records for h in record))
                new_tabs.append(NewTab(name, headers))
                result.created_tabs.append(name)
        batch = WriteBatch(new_tabs=new_tabs)
        for name, records in (rows or {}).items():
            if name in result.renamed or (name in data and len(data[name].values) > 1):
                continue  # never write demo rows over real data
            headers = _final_headers(existing.get(name), new_tabs, name)
            batch.cells += _row_cells(name, headers, records)
            result.rows_written[name] = len(records)
        if batch:
            backend.write(batch)
    return result


def _final_headers(present: list[Any] | None, new_tabs: list[NewTab], name: str) -> list[str]:
    headers = [str(h) for h in present or []]
    for new in new_tabs:
        if new.name == name:
            headers += new.headers
    return headers


def _row_cells(tab: str, headers: list[str], records: list[dict[str, Any]]) -> list[CellWrite]:
    """Cells for records (header -> value); unknown headers become extra columns at the end."""
    from .model.a1 import column_letter

    cols = {fold(h): i for i, h in enumerate(headers, start=1)}
    extra: list[str] = []
    cells = []
    for record in records:
        for header in record:
            if fold(header) not in cols and header not in extra:
                extra.append(header)
    for header in extra:
        cols[fold(header)] = len(cols) + 1
        cells.append(CellWrite(tab, 1, cols[fold(header)], header))
    letters = {h: column_letter(c) for h, c in cols.items()}
    for offset, record in enumerate(records):
        row = offset + 2
        for header, value in record.items():
            if value is None or value == "":
                continue
            if isinstance(value, Formula):  # "=[Price]-[Cost]" -> "=V2-W2"
                text = str(value)
                for name, letter in letters.items():
                    text = _replace_ci(text, name, f"{letter}{row}")
                value = Formula(text)
            cells.append(CellWrite(tab, row, cols[fold(header)], to_cell(value)))
    return cells


def _replace_ci(text: str, folded_header: str, ref: str) -> str:
    import re

    return re.sub(r"\[([^\]]+)\]", lambda m: ref if fold(m.group(1)) == folded_header else m.group(0), text)
