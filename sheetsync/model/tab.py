"""Typed snapshots of a tab: header map by name, rows keyed by the key column, parse problems kept as data."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Iterator, Mapping

from .a1 import a1
from .grid import TabData
from .problems import Code, Problem, Severity
from .schema import Column, Schema
from .values import PARSERS, BadValue, ParseOptions, Uncalculated, describe, fold, is_blank, to_cell

FALLBACK_PREFIX = "~"  # keys of rows whose key cell is blank: "~" + a hash of what people typed


@dataclass
class Row:
    """One non-blank data row as read: sheet row number, key, raw cells and typed values."""

    tab: str
    sheet_row: int
    key: str
    cells: list[Any]
    values: dict[str, Any]
    columns: dict[str, int] = field(repr=False, default_factory=dict)
    read_cells: dict[str, Any] = field(repr=False, default_factory=dict)  # cells as read, once a job changed them

    def __getitem__(self, header: str) -> Any:
        return self.values.get(header)

    def get(self, header: str, default: Any = None) -> Any:
        value = self.values.get(header)
        return default if value is None else value

    def raw(self, header: str) -> Any:
        """The cell as stored, before parsing (None when the column is absent)."""
        col = self.columns.get(header)
        if col is None or col - 1 >= len(self.cells):
            return None
        return self.cells[col - 1]

    @property
    def has_key(self) -> bool:
        return not self.key.startswith(FALLBACK_PREFIX)

    def read_raw(self, header: str) -> Any:
        """The cell as read from the workbook, before any job of this run changed it (the guard's reference)."""
        if header in self.read_cells:
            return self.read_cells[header]
        return self.raw(header)

    def apply(self, header: str, value: Any) -> None:
        """Show a write of an earlier job to the later jobs of the same run (the workbook is written at the end)."""
        self.read_cells.setdefault(header, self.raw(header))
        col = self.columns.get(header)
        if col is not None:
            self.cells.extend([None] * (col - len(self.cells)))
            self.cells[col - 1] = to_cell(value)
        self.values[header] = value


@dataclass
class Tab:
    """A tab read under its schema; `columns` maps each schema header present to its 1-based column."""

    name: str
    schema: Schema
    headers: list[Any]
    columns: dict[str, int]
    rows: list[Row]
    problems: list[Problem]
    usable: bool = True

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def by_key(self) -> dict[str, Row]:
        """Rows by key (folded for case-insensitive keys); the first row wins for a repeated key."""
        out: dict[str, Row] = {}
        for row in self.rows:
            out.setdefault(self.key_of(row.key), row)
        return out

    def key_of(self, key: str) -> str:
        return fold(key) if self.schema.key_case_insensitive else key

    def row(self, key: str) -> Row | None:
        return self.by_key.get(self.key_of(key))

    def cell(self, row: Row, header: str) -> str | None:
        col = self.columns.get(header)
        return a1(row.sheet_row, col) if col else None

    def problem(self, row: Row | None, header: str | None, code: str, message: str,
                severity: Severity = Severity.ERROR, value: Any = None, job: str | None = None) -> Problem:
        """A Problem located at this tab's row and column, for jobs to report."""
        col = self.columns.get(header) if header else None
        return Problem(
            tab=self.name, code=code, message=message, severity=severity,
            row=row.sheet_row if row else None, column=header,
            cell=a1(row.sheet_row, col) if row and col else None,
            value=value, key=row.key if row else None, job=job,
        )

    def frame(self):
        """The tab as a typed pandas DataFrame (schema columns, plus `_row` the sheet row number)."""
        from .frames import tab_frame

        return tab_frame(self)


def build_tab(data: TabData | None, schema: Schema, opts: ParseOptions,
              others: Mapping[str, TabData] | None = None) -> Tab:
    """Parse raw cells into a Tab; never raises on bad cells, every failure becomes a Problem.

    `others` are the workbook's tabs that no schema names: a missing tab found among them (renamed) is named.
    """
    if data is None:
        renamed = renamed_tab(schema, others or {})
        fix = (f"tab {renamed!r} has its headers: rename it back to {schema.tab!r}" if renamed
               else "run `sheetsync init` to add it")
        problem = Problem(schema.tab, Code.MISSING_TAB, f"the workbook has no tab {schema.tab!r}: {fix}")
        return Tab(schema.tab, schema, [], {}, [], [problem], usable=False)
    headers = list(data.values[0]) if data.values else []
    columns, problems = _map_headers(schema, headers)
    usable = schema.key in columns and not any(
        p.code == Code.MISSING_HEADER and p.severity == Severity.ERROR for p in problems
    )
    tab = Tab(schema.tab, schema, headers, columns, [], problems, usable)
    if usable:
        _read_rows(tab, data, opts)
    return tab


def renamed_tab(schema: Schema, others: Mapping[str, TabData]) -> str | None:
    """The tab among `others` whose header row holds the schema's key and most of its headers, if any."""
    best, best_count = None, 0
    for name, data in others.items():
        if not data.values:
            continue
        have = {fold(str(h)) for h in data.values[0] if not is_blank(h)}
        count = sum(1 for c in schema.columns if c.folded in have)
        if schema.key_column.folded in have and count * 2 > len(schema.columns) and count > best_count:
            best, best_count = name, count
    return best


def _map_headers(schema: Schema, headers: list[Any]) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, header in enumerate(headers, start=1):
        if is_blank(header):
            continue
        col = schema.by_folded.get(fold(str(header)))
        if col is None:
            continue  # a column of the people's own: kept untouched
        if col.header in columns:
            problems.append(Problem(schema.tab, Code.DUPLICATE_HEADER,
                                    f"header {col.header!r} appears twice (columns {a1(1, columns[col.header])[:-1]}"
                                    f" and {a1(1, index)[:-1]}): rename or delete one; the first is used",
                                    Severity.WARNING, row=1, column=col.header, cell=a1(1, index)))
            continue
        columns[col.header] = index
    for col in schema.columns:
        if col.header not in columns:
            blocking = col.required or col.header == schema.key
            problems.append(Problem(
                schema.tab, Code.MISSING_HEADER,
                f"the {schema.tab} tab has no {col.header!r} column: add it to the header row "
                "(`sheetsync init` adds missing columns)" + ("; this tab is skipped until then" if blocking else ""),
                Severity.ERROR if blocking else Severity.WARNING, row=1, column=col.header,
            ))
    return columns, problems


def _read_rows(tab: Tab, data: TabData, opts: ParseOptions) -> None:
    schema = tab.schema
    parsed_cols = [(schema.column(h), c) for h, c in tab.columns.items()]
    caches: dict[str, dict[Any, tuple[Any, str | None, str | None]]] = {h: {} for h in tab.columns}
    person_cols = [c for col, c in parsed_cols if col.owner == "person" and col.header != schema.key]
    key_col = tab.columns[schema.key]
    plan = [(col, c, col.header, caches[col.header]) for col, c in parsed_cols]
    for index, cells in enumerate(data.values[1:], start=2):
        if all(is_blank(v) for v in cells):
            continue
        values: dict[str, Any] = {}
        width = len(cells)
        for col, c, header, cache in plan:
            raw = cells[c - 1] if c <= width else None
            if raw is None or raw == "":
                values[header] = None
                continue
            try:  # fast path for a value already parsed cleanly in this column (most cells of a big tab)
                hit = cache.get(raw)
            except TypeError:
                hit = None
            if hit is not None and hit[1] is None:
                values[header] = hit[0]
                continue
            values[header] = _parse_cell(tab, col, raw, index, c, cache, opts)
        key_raw = cells[key_col - 1] if key_col - 1 < len(cells) else None
        key = fallback_key(cells, person_cols) if is_blank(key_raw) else key_text(key_raw)
        tab.rows.append(Row(tab.name, index, key, list(cells), values, tab.columns))
    for row, key in zip(tab.rows, unique_keys([r.key for r in tab.rows], schema.key_case_insensitive)):
        row.key = key
    _check_required_and_unique(tab)


def key_text(raw: Any) -> str:
    """A key cell as text, the same way when reading and when re-reading before a write."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def unique_keys(keys: list[str], case_insensitive: bool) -> list[str]:
    """Make repeated keys addressable: the 2nd occurrence in sheet order becomes 'KEY#2', and so on."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        norm = fold(key) if case_insensitive else key
        seen[norm] = seen.get(norm, 0) + 1
        out.append(key if seen[norm] == 1 else f"{key}#{seen[norm]}")
    return out


def fallback_key(cells: list[Any], cols: list[int]) -> str:
    """A stable address for a row without a key yet: a hash of the cells people typed."""
    text = "\x1f".join(str(cells[c - 1]).strip() if c - 1 < len(cells) and cells[c - 1] is not None else ""
                       for c in cols)
    return FALLBACK_PREFIX + hashlib.sha1(text.encode()).hexdigest()[:12]


def _parse_cell(tab: Tab, col: Column, raw: Any, row: int, c: int,
                cache: dict[Any, tuple[Any, str | None, str | None]], opts: ParseOptions) -> Any:
    if is_blank(raw):
        return None
    try:
        hit = cache.get(raw)
    except TypeError:  # an unhashable oddity from a backend: parse without caching
        hit = None
    if hit is None:
        hit = _parse_uncached(col, raw, opts)
        try:
            cache[raw] = hit
        except TypeError:
            pass
    value, code, message = hit
    if code is not None:
        tab.problems.append(Problem(tab.name, code, message or "", Severity.ERROR, row=row,
                                    column=col.header, cell=a1(row, c), value=raw))
        return None
    return value


# What Excel, LibreOffice and Google Sheets show in a cell whose formula fails.
FORMULA_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!",
                            "#CALC!", "#GETTING_DATA", "#ERROR!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                            "#BUSY!", "#UNKNOWN!", "ERR:502", "ERR:504", "ERR:508", "ERR:522"})


def _parse_uncached(col: Column, raw: Any, opts: ParseOptions) -> tuple[Any, str | None, str | None]:
    shown = describe(raw)
    if isinstance(raw, Uncalculated):  # never guessed: the value the formula would give is unknown here
        return None, Code.FORMULA_NOT_CALCULATED, (f"{shown} has no calculated value in the file: open and save "
                                                   "the workbook in Excel or LibreOffice, or type the value")
    if isinstance(raw, str) and raw.strip().upper() in FORMULA_ERRORS:  # never a value, even in a text column
        return None, Code.FORMULA_ERROR, f"{shown} is a formula error: fix the formula in this cell or type the value"
    try:
        value = PARSERS[col.type](raw, col, opts)
    except BadValue as bad:
        return None, bad.code, f"{shown} is not valid: use {bad.expected}"
    limit = _limits(col, value)
    if limit:
        return None, limit[0], f"{shown} {limit[1]}"
    return value, None, None


def _limits(col: Column, value: Any) -> tuple[str, str] | None:
    numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    if numeric and col.minimum is not None and value < col.minimum:
        return Code.OUT_OF_RANGE, f"is below the minimum {col.minimum}"
    if numeric and col.maximum is not None and value > col.maximum:
        return Code.OUT_OF_RANGE, f"is above the maximum {col.maximum}"
    if col.decimals is not None and isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > col.decimals:
            return Code.TOO_MANY_DECIMALS, f"has more than {col.decimals} decimal places: round it"
    if col.max_length is not None and isinstance(value, str) and len(value) > col.max_length:
        return Code.TOO_LONG, f"is {len(value)} characters long; the limit is {col.max_length}"
    return None


def _check_required_and_unique(tab: Tab) -> None:
    for col in tab.schema.columns:
        if col.header not in tab.columns:
            continue
        if not (col.required or col.unique or col.header == tab.schema.key):
            continue  # nothing to check in this column
        seen: dict[Any, Row] = {}
        for row in tab.rows:
            value = row.values.get(col.header)
            if value is None:
                if col.required and is_blank(row.raw(col.header)):
                    tab.problems.append(tab.problem(row, col.header, Code.REQUIRED,
                                                    "is required: fill it in", value=None))
                continue
            is_key = col.header == tab.schema.key
            if not (col.unique or is_key):
                continue
            norm = fold(value) if (is_key and tab.schema.key_case_insensitive) or isinstance(value, str) and \
                col.type in ("email",) else value
            first = seen.get(norm)
            if first is None:
                seen[norm] = row
                continue
            tab.problems.append(tab.problem(
                row, col.header, Code.DUPLICATE_KEY,
                f"{value} is already used in row {first.sheet_row}: each {col.header} must be unique",
                value=value,
            ))
