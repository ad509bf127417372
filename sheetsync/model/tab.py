"""Typed snapshots of a tab: header map by name, rows keyed by the key column, parse problems kept as data.

Tabs and rows are frozen: a job reads the workbook as it was read, plus (through `Tab.with_writes`) the
writes of the jobs it runs after, never a row another job changed in place.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any

from ..errors import JobError
from .a1 import a1
from .grid import TabData
from .keys import KeyIndex, cell_norm, is_fallback, key_text, normal_key
from .problems import Code, Problem, RowRead, Severity
from .schema import Column, Schema
from .values import PARSERS, BadValue, ParseOptions, Uncalculated, describe, fold, is_blank, split_compound, to_cell

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class UnknownColumn(JobError, KeyError):
    """A job named a column its tab's schema does not have (a typo in the job: the message suggests the fix)."""

    def __str__(self) -> str:
        return str(self.args[0])


def unknown_column(schema: Schema, header: str) -> UnknownColumn:
    close = difflib.get_close_matches(fold(header), list(schema.by_folded), n=1, cutoff=0.6)
    hint = f" (did you mean {schema.by_folded[close[0]].header!r}?)" if close else ""
    return UnknownColumn(f"{schema.tab} has no column {header!r}{hint}")


@dataclass(frozen=True, eq=False)
class Row:
    """One non-blank data row as read: sheet row number, key, raw cells and typed values (frozen)."""

    tab: str
    sheet_row: int
    key: str
    cells: tuple[Any, ...]
    values: Mapping[str, Any]
    schema: Schema = field(repr=False)
    columns: Mapping[str, int] = field(repr=False, default_factory=dict)
    invalid_columns: frozenset[str] = frozenset()  # headers whose cell holds something that did not parse
    repeated: bool = False  # another row holds the same key (a pasted copy, a typo): see `fingerprint`
    # raw cells that earlier jobs of this run write (what later jobs see)
    written: Mapping[str, Any] = field(repr=False, default_factory=lambda: _EMPTY)
    # what is made from the cells as read (fingerprint, printed), shared by the row's copies with writes
    as_read_cache: dict[str, Any] = field(repr=False, default_factory=dict)

    def header(self, name: str) -> str:
        """The schema's spelling of a column name given in any case or spacing; UnknownColumn if none."""
        if name in self.values:
            return name
        column = self.schema.by_folded.get(fold(name))
        if column is None:
            raise unknown_column(self.schema, name)
        return column.header

    def __getitem__(self, name: str) -> Any:
        """The typed value (None when blank, absent from the sheet or not parseable: see `invalid`)."""
        if name in self.values:
            return self.values[name]
        return self.values.get(self.header(name))

    def get(self, name: str, default: Any = None) -> Any:
        value = self[name]
        return default if value is None else value

    def invalid(self, name: str) -> bool:
        """Whether the cell holds a value that did not parse (reported already), as opposed to a blank."""
        return self.header(name) in self.invalid_columns

    def raw(self, name: str) -> Any:
        """The cell as stored (as written by an earlier job of this run, if one did), before parsing."""
        header = self.header(name)
        if header in self.written:
            return self.written[header]
        return self.read_raw(header)

    def read_raw(self, name: str) -> Any:
        """The cell as read from the workbook, before any job of this run changed it (the guard's reference)."""
        col = self.columns.get(self.header(name))
        if col is None or col - 1 >= len(self.cells):
            return None
        return self.cells[col - 1]

    @property
    def has_key(self) -> bool:
        return not is_fallback(self.key)

    def fingerprint(self) -> dict[str, Any]:
        """The person-owned cells as read, by header: with the key, what identifies this row at write time."""
        if "fingerprint" not in self.as_read_cache:
            cells, width, columns = self.cells, len(self.cells), self.columns
            self.as_read_cache["fingerprint"] = {
                h: cell_norm(cells[columns[h] - 1] if columns[h] <= width else None)
                for h in self.schema.person_headers
                if h in columns
            }
        return self.as_read_cache["fingerprint"]

    def as_read(self) -> dict[str, Any]:
        """Every schema column's cell as read, by header: what each write to the row was computed from."""
        return {c.header: self.read_raw(c.header) for c in self.schema.columns}

    @property
    def printed(self) -> str:
        """`as_read()` as one comparable text (`print_text`), made once per row however many writes read it."""
        if "printed" not in self.as_read_cache:
            self.as_read_cache["printed"] = print_text(self.as_read())
        return self.as_read_cache["printed"]

    @property
    def shown_key(self) -> str | None:
        """The key as the sheet shows it (a repeated key without sheetsync's '#2'); None when the cell is blank."""
        return key_text(self.read_raw(self.schema.key)) if self.has_key else None

    def with_writes(self, writes: Mapping[str, Any]) -> Row:
        """This row as it will be once `writes` (header -> typed value) are written."""
        values = dict(self.values)
        values.update(writes)
        written = {**self.written, **{h: to_cell(v) for h, v in writes.items()}}
        return replace(  # `as_read_cache` goes along: writes leave the cells as read as they were
            self,
            values=MappingProxyType(values),
            written=MappingProxyType(written),
            invalid_columns=self.invalid_columns - set(writes),
        )


def match_text(raw: Any) -> str | None:
    """A cell as a value to look rows up by (a key, a SKU named in another tab): trimmed, any case."""
    return None if is_blank(raw) else key_text(raw).strip().casefold()


def print_text(cells: Mapping[str, Any]) -> str:
    """A row's cells by header as one comparable text (the same from a read Row and from a KeyIndex)."""
    return repr(sorted((h, repr(cell_norm(v))) for h, v in cells.items()))


@dataclass(frozen=True, eq=False)
class Tab:
    """A tab read under its schema; `columns` maps each schema header present to its 1-based column."""

    name: str
    schema: Schema
    headers: tuple[Any, ...]
    columns: Mapping[str, int]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]
    usable: bool = True

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def by_key(self) -> Mapping[str, Row]:
        """Rows by key (folded for case-insensitive keys); the first in sheet order for a repeated key."""
        return MappingProxyType({self.key_of(row.key): row for row in reversed(self.rows)})

    def key_of(self, key: str) -> str:
        return normal_key(key, self.schema.key_case_insensitive)

    def row(self, key: str) -> Row | None:
        return self.by_key.get(self.key_of(key))

    @cached_property
    def _holding(self) -> dict[str, dict[str, list[Row]]]:
        # column -> matched text -> the rows holding it as read, filled as asked (see read_of); shared with the
        # tab's copies with writes, whose rows hold the same cells as read (`printed` is all read_of takes)
        return {}

    def read_of(self, key: Any, column: str | None = None) -> RowRead:
        """What a value computed from the rows whose `column` (default: the key) holds `key` depends on:
        those rows as read, or that there were none."""
        header = self.schema.key if column is None else self.schema.column(column).header
        if header not in self._holding:
            found: dict[str, list[Row]] = {}
            for row in self.rows:
                text = match_text(row.read_raw(header))
                if text is not None:
                    found.setdefault(text, []).append(row)
            self._holding[header] = found
        text = match_text(key)
        rows = self._holding[header].get(text, []) if text is not None else []
        # in sheet order for a key (with a key on two rows, `row()` gives the first: a sort swapping them
        # changes what was read); any order for another column (returns naming a SKU are counted, not ranked)
        prints = tuple(row.printed for row in rows) if column is None else tuple(sorted(row.printed for row in rows))
        return RowRead(self.name, "" if text is None else key_text(key), prints, None if column is None else header)

    def read_of_row(self, row: Row) -> RowRead:
        """What a value computed from `row` itself depends on: that row as read, found at write time as a write
        to it would be (by key, or by the cells people typed while it has none yet), and what earlier jobs of
        the run write to it (a status describe sets), which must be written too."""
        return RowRead(self.name, row.key, (row.printed,), None, row.sheet_row, tuple(sorted(row.written)))

    @cached_property
    def by_sheet_row(self) -> Mapping[int, Row]:
        """Rows by the sheet row they were read from (unique within one read, unlike a repeated key)."""
        return MappingProxyType({row.sheet_row: row for row in self.rows})

    def cell(self, row: Row, header: str) -> str | None:
        col = self.columns.get(row.header(header))
        return a1(row.sheet_row, col) if col else None

    def problem(
        self,
        row: Row | None,
        header: str | None,
        code: str,
        message: str,
        severity: Severity = Severity.WARNING,
        value: Any = None,
        job: str | None = None,
    ) -> Problem:
        """A Problem located at this tab's row and column, for jobs to report."""
        col = self.columns.get(header) if header else None
        return Problem(
            tab=self.name,
            code=code,
            message=message,
            severity=severity,
            row=row.sheet_row if row else None,
            column=header,
            cell=a1(row.sheet_row, col) if row and col else None,
            value=value,
            key=row.key if row else None,
            job=job,
            shown_key=row.shown_key if row else None,
        )

    def with_writes(self, writes: Mapping[int, Mapping[str, Any]]) -> Tab:
        """The tab with `writes` (sheet row as read -> {header: typed value}) applied to new frozen rows."""
        if not writes:
            return self
        rows = tuple(row.with_writes(writes[row.sheet_row]) if row.sheet_row in writes else row for row in self.rows)
        tab = replace(self, rows=rows)
        tab.__dict__["_holding"] = self._holding  # rows by their cells as read: the same in every copy
        return tab

    def frame(self):
        """The tab as a typed pandas DataFrame (schema columns, plus `_row` the sheet row number)."""
        from .frames import tab_frame

        return tab_frame(self)


def build_tab(
    data: TabData | None, schema: Schema, opts: ParseOptions, others: Mapping[str, TabData] | None = None
) -> Tab:
    """Parse raw cells into a Tab; never raises on bad cells, every failure becomes a Problem.

    `others` are the workbook's tabs that no schema names: a missing tab found among them (renamed) is named.
    """
    if data is None and schema.created_by_jobs:
        data = TabData(schema.tab, [list(schema.headers)])  # not there yet: empty until a job's first write
    if data is None:
        renamed = renamed_tab(schema, others or {})
        fix = (
            f"tab {renamed!r} has its headers: rename it back to {schema.tab!r}"
            if renamed
            else "run `sheetsync init` to add it"
        )
        problem = Problem(schema.tab, Code.MISSING_TAB, f"the workbook has no tab {schema.tab!r}: {fix}")
        return Tab(schema.tab, schema, (), {}, (), (problem,), usable=False)
    headers = tuple(data.values[0]) if data.values else ()
    columns, problems = _map_headers(schema, list(headers))
    usable = schema.key in columns and not any(
        p.code == Code.MISSING_HEADER and p.severity == Severity.ERROR for p in problems
    )
    rows: list[Row] = []
    if usable:
        rows = _read_rows(schema, columns, data, opts, problems)
        problems += _required_and_unique(schema, columns, rows)
    return Tab(schema.tab, schema, headers, MappingProxyType(columns), tuple(rows), tuple(problems), usable)


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
            problems.append(
                Problem(
                    schema.tab,
                    Code.DUPLICATE_HEADER,
                    f"header {col.header!r} appears twice (columns {a1(1, columns[col.header])[:-1]}"
                    f" and {a1(1, index)[:-1]}): rename or delete one; the first is used",
                    Severity.WARNING,
                    row=1,
                    column=col.header,
                    cell=a1(1, index),
                )
            )
            continue
        columns[col.header] = index
    for col in schema.columns:
        if col.header not in columns:
            blocking = col.required or col.header == schema.key
            problems.append(
                Problem(
                    schema.tab,
                    Code.MISSING_HEADER,
                    f"the {schema.tab} tab has no {col.header!r} column: add it to the header row "
                    "(`sheetsync init` adds missing columns)"
                    + ("; this tab is skipped until then" if blocking else ""),
                    Severity.ERROR if blocking else Severity.WARNING,
                    row=1,
                    column=col.header,
                )
            )
    return columns, problems


def _read_rows(
    schema: Schema, columns: Mapping[str, int], data: TabData, opts: ParseOptions, problems: list[Problem]
) -> list[Row]:
    parsed_cols = [(schema.column(h), c) for h, c in columns.items()]
    caches: dict[str, dict[Any, tuple[Any, str | None, str | None]]] = {h: {} for h in columns}
    plan = [(col, c, col.header, caches[col.header]) for col, c in parsed_cols]
    others = {col.header: tuple(schema.column(h) for h in col.compound_with) for col, _ in parsed_cols}
    rows = []
    index_ = KeyIndex(data.values, schema)
    for keyed in index_.rows:
        cells, index = keyed.cells, keyed.sheet_row
        shown = None if is_fallback(keyed.key) else keyed.key
        values: dict[str, Any] = {}
        invalid: list[str] = []
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
            value, problem = _parse_cell(
                schema.tab, col, raw, index, c, cache, opts, (keyed.key, shown), others[header]
            )
            values[header] = value
            if problem is not None:
                problems.append(problem)
                invalid.append(header)
        rows.append(
            Row(
                schema.tab,
                index,
                keyed.key,
                tuple(cells),
                MappingProxyType(values),
                schema,
                columns,
                frozenset(invalid),
                repeated=len(index_.where(keyed.key)) > 1,
            )
        )
    return rows


def _parse_cell(
    tab: str,
    col: Column,
    raw: Any,
    row: int,
    c: int,
    cache: dict[Any, tuple[Any, str | None, str | None]],
    opts: ParseOptions,
    keys: tuple[str, str | None],  # the row's key and the key as the sheet shows it
    others: Sequence[Column] = (),  # the columns `col` is compound with
) -> tuple[Any, Problem | None]:
    try:
        hit = cache.get(raw)
    except TypeError:  # an unhashable oddity from a backend: parse without caching
        hit = None
    if hit is None:
        hit = _parse_uncached(col, raw, opts, others)
        with contextlib.suppress(TypeError):
            cache[raw] = hit
    value, code, message = hit
    if code is not None:
        return None, Problem(
            tab,
            code,
            message or "",
            Severity.ERROR,
            row=row,
            column=col.header,
            cell=a1(row, c),
            value=raw,
            key=keys[0],
            shown_key=keys[1],
        )
    return value, None


# What Excel, LibreOffice and Google Sheets show in a cell whose formula fails.
FORMULA_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#ERROR!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "ERR:502",
        "ERR:504",
        "ERR:508",
        "ERR:522",
    }
)


def _parse_uncached(
    col: Column, raw: Any, opts: ParseOptions, others: Sequence[Column] = ()
) -> tuple[Any, str | None, str | None]:
    shown = describe(raw)
    if isinstance(raw, Uncalculated):  # never guessed: the value the formula would give is unknown here
        return (
            None,
            Code.FORMULA_NOT_CALCULATED,
            (
                f"{shown} has no calculated value in the file: open and save "
                "the workbook in Excel or LibreOffice, or type the value"
            ),
        )
    if isinstance(raw, str) and raw.strip().upper() in FORMULA_ERRORS:  # never a value, even in a text column
        return None, Code.FORMULA_ERROR, f"{shown} is a formula error: fix the formula in this cell or type the value"
    try:
        value = PARSERS[col.type](raw, col, opts)
    except BadValue as bad:
        split = split_compound(shown, col, others) if others and bad.code == Code.NOT_ALLOWED else None
        if split is not None:
            parts = [split[0], *(f"{header} {value}" for header, value in split[1].items())]
            return None, bad.code, f"{shown} is not valid: did you mean {', '.join(parts)}?"
        if bad.suggestion:
            return None, bad.code, f"{shown} is not valid: did you mean {bad.suggestion}?"
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


def _required_and_unique(schema: Schema, columns: Mapping[str, int], rows: list[Row]) -> list[Problem]:
    problems = _copies_without_key(schema, columns, rows)
    for col in schema.columns:
        c = columns.get(col.header)
        is_key = col.header == schema.key
        if c is None or not (col.required or col.unique or is_key):
            continue  # nothing to check in this column
        seen: dict[Any, Row] = {}
        for row in rows:
            value = row.values.get(col.header)
            if value is None:
                if col.required and is_blank(row.read_raw(col.header)):
                    problems.append(_at(row, col, c, Code.REQUIRED, "is required: fill it in", None))
                continue
            if not (col.unique or is_key):
                continue
            norm = (
                fold(value)
                if (is_key and schema.key_case_insensitive) or (isinstance(value, str) and col.type in ("email",))
                else value
            )
            first = seen.get(norm)
            if first is None:
                seen[norm] = row
                continue
            problems.append(
                _at(
                    row,
                    col,
                    c,
                    Code.DUPLICATE_KEY,
                    f"{value} is already used in row {first.sheet_row}: each {col.header} must be unique",
                    value,
                )
            )
    return problems


def _copies_without_key(schema: Schema, columns: Mapping[str, int], rows: list[Row]) -> list[Problem]:
    """Rows with a blank key whose cells are all the same as an earlier one's: a paste to delete."""
    first: dict[str, Row] = {}
    problems = []
    for row in rows:
        if row.has_key:
            continue
        earlier = first.setdefault(row.key, row)
        if earlier is not row:
            problems.append(
                _at(
                    row,
                    schema.key_column,
                    columns[schema.key],
                    Code.DUPLICATE_ROW,
                    f"(blank) and every other cell the same as row {earlier.sheet_row}: delete the copy, "
                    f"or fill in its {schema.key}",
                    None,
                )
            )
    return problems


def _at(row: Row, col: Column, c: int, code: str, message: str, value: Any) -> Problem:
    return Problem(
        row.tab,
        code,
        message,
        Severity.ERROR,
        row=row.sheet_row,
        column=col.header,
        cell=a1(row.sheet_row, c),
        value=value,
        key=row.key,
        shown_key=row.shown_key,
    )
