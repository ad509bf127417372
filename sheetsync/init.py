"""Set a workbook up for its schemas: missing tabs and headers, dropdowns, header notes; never touches data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .backends import open_backend
from .backends.base import Backend, CellWrite, WriteBatch
from .model.layout import NewTab
from .model.schema import Schema
from .model.system import SYSTEM_TABS
from .model.tab import renamed_tab
from .model.values import Formula, fold, is_blank, to_cell
from .project.config import Config

NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00", "percent": "0.0%"}


@dataclass
class InitResult:
    target: str
    created_tabs: list[str] = field(default_factory=list)
    added_headers: dict[str, list[str]] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # missing tab -> the tab that has its headers

    @property
    def changed(self) -> bool:
        return bool(self.created_tabs or self.added_headers or self.rows_written)


def header_note(schema: Schema, header: str) -> str:
    column = schema.column(header)
    owner = "Written by sheetsync: do not edit by hand." if column.owner == "job" else "Typed by people."
    if column.job_transitions or column.job_fills_blank:
        owner = "Typed by people; sheetsync may " + (
            "fill it when blank."
            if column.job_fills_blank
            else "make only these changes: " + ", ".join(f"{a} -> {b}" for a, b in column.job_transitions) + "."
        )
    allowed = f" Allowed: {', '.join(column.allowed)}." if column.allowed and len(column.allowed) <= 12 else ""
    kind = f"{column.type}{', required' if column.required else ''}{', unique' if column.unique else ''}"
    return f"{column.description or header} ({kind}).{allowed} {owner}".strip()


def plan_init(config: Config, existing_headers: Mapping[str, list[Any]]) -> tuple[list[NewTab], InitResult]:
    """NewTab entries for tabs that are missing and for headers missing from existing tabs."""
    result = InitResult(config.target)
    out = []
    for name, schema in config.schemas.items():
        present = existing_headers.get(name)
        have = {fold(str(h)) for h in present or [] if not is_blank(h)}
        missing = [c for c in schema.columns if c.folded not in have]
        if present is not None and not missing:
            continue
        first = len(present) + 1 if present else 1
        out.append(
            NewTab(
                name=name,
                headers=[c.header for c in missing],
                first_new_col=first,
                dropdowns={i: list(c.allowed) for i, c in enumerate(missing, 1) if c.type == "enum"},
                header_notes={i: header_note(schema, c.header) for i, c in enumerate(missing, 1)},
                protected_cols=[i for i, c in enumerate(missing, 1) if c.owner == "job"],
                number_formats={
                    i: NUMBER_FORMATS[c.type] for i, c in enumerate(missing, 1) if c.type in NUMBER_FORMATS
                },
            )
        )
        if present is None:
            result.created_tabs.append(name)
        else:
            result.added_headers[name] = [c.header for c in missing]
    for name, headers in SYSTEM_TABS.items():
        if name not in existing_headers:
            out.append(NewTab(name, list(headers), hidden=True))
            result.created_tabs.append(name)
    return out, result


def init(
    config: Config, backend: Backend | None = None, rows: Mapping[str, list[dict[str, Any]]] | None = None
) -> InitResult:
    """Create missing tabs and headers; with `rows`, also fill tabs that have no data yet (the demo)."""
    backend = backend or open_backend(config.target, config)
    with backend.lock():
        names = backend.tab_names()
        data = backend.read(names) if names else {}
        existing = {n: (d.values[0] if d.values else []) for n, d in data.items()}
        new_tabs, result = plan_init(config, existing)
        # A tab a person renamed is not recreated empty beside it (its rows would then be ignored for good).
        spare = {n: d for n, d in data.items() if n not in config.schemas}
        for name, schema in config.schemas.items():
            other = renamed_tab(schema, spare) if name not in data else None
            if other is not None:
                result.renamed[name] = other
                result.created_tabs.remove(name)
                new_tabs = [t for t in new_tabs if t.name != name]
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
