"""Row keys: how a key cell reads as text, how keys compare, and where each key sits in a grid.

One KeyIndex serves both the read (rows of a typed Tab) and the guard's re-read just before a write,
so the two can never disagree about which row a key names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .values import fold, is_blank

if TYPE_CHECKING:
    from .grid import Grid
    from .schema import Schema

FALLBACK_PREFIX = "~"  # keys of rows whose key cell is blank: "~" + a hash of what people typed


def key_text(raw: Any) -> str:
    """A key cell as text, the same way when reading and when re-reading before a write."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def fallback_key(cells: Sequence[Any], cols: Sequence[int]) -> str:
    """A stable address for a row without a key yet: a hash of the cells people typed."""
    text = "\x1f".join(
        str(cells[c - 1]).strip() if c - 1 < len(cells) and cells[c - 1] is not None else "" for c in cols
    )
    return FALLBACK_PREFIX + hashlib.sha1(text.encode()).hexdigest()[:12]


def is_fallback(key: str) -> bool:
    return key.startswith(FALLBACK_PREFIX)


def sheet_key(key: str | None) -> str | None:
    """A key as people see it in the sheet: None for a row without one (not its stand-in hash).

    For output only: the row number tells apart rows that repeat a key.
    """
    if key is None or is_fallback(key):
        return None
    return key


def normal_key(key: str, case_insensitive: bool) -> str:
    """The form keys are compared in: folded for a case-insensitive key column (never a fallback hash)."""
    return fold(key) if case_insensitive and not is_fallback(key) else key


def header_columns(headers: Sequence[Any]) -> dict[str, int]:
    """Folded header text -> 1-based column (the first wins when a header repeats)."""
    out: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        if not is_blank(header):
            out.setdefault(fold(str(header)), index)
    return out


def cell_norm(value: Any) -> Any:
    """A raw cell in the form two reads of it compare equal (1 and 1.0 are one number; blank is blank)."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass(frozen=True)
class KeyedRow:
    """One non-blank data row of a grid: its sheet row, its key and its cells."""

    sheet_row: int
    key: str
    cells: Sequence[Any]


class KeyIndex:
    """Where the rows of a grid are, by key, under a tab's schema.

    A repeated key (a pasted copy of a row, a typo) is never told apart by position: `where` returns
    every row holding it, and a row is identified by its key together with its person-owned cells
    (`fingerprint`).
    """

    def __init__(self, values: Grid, schema: Schema | None):
        self.schema = schema
        self.columns = header_columns(values[0] if values else [])
        self.last_row = len(values)
        self.case_insensitive = bool(schema and schema.key_case_insensitive)
        self.rows: list[KeyedRow] = []
        self.person: dict[str, int] = {}
        self._prints: dict[int, dict[str, Any]] = {}
        key_col = self.columns.get(fold(schema.key)) if schema is not None else None
        if schema is None or key_col is None:
            return
        person_cols = [
            self.columns[c.folded]
            for c in schema.columns
            if c.owner == "person" and c.header != schema.key and c.folded in self.columns
        ]
        self.person = {
            c.header: self.columns[c.folded] for c in schema.columns if c.owner == "person" and c.folded in self.columns
        }
        for index, cells in enumerate(values[1:], start=2):
            if all(is_blank(v) for v in cells):
                continue
            raw = cells[key_col - 1] if key_col - 1 < len(cells) else None
            key = fallback_key(cells, person_cols) if is_blank(raw) else key_text(raw)
            self.rows.append(KeyedRow(index, key, cells))

    def normal(self, key: str) -> str:
        return normal_key(key, self.case_insensitive)

    @cached_property
    def _where(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for row in self.rows:
            out.setdefault(self.normal(row.key), []).append(row.sheet_row)
        return out

    def where(self, key: str) -> list[int]:
        """The sheet rows holding `key` now (one, none, or several when a person pasted a copy)."""
        return self._where.get(self.normal(key), [])

    @cached_property
    def _by_row(self) -> dict[int, KeyedRow]:
        return {row.sheet_row: row for row in self.rows}

    def fingerprint(self, sheet_row: int) -> dict[str, Any]:
        """The person-owned cells of a row by header, normalised: what must be as read for a write to land."""
        found = self._prints.get(sheet_row)
        if found is None:
            cells = self._by_row[sheet_row].cells
            found = {h: cell_norm(cells[c - 1] if c - 1 < len(cells) else None) for h, c in self.person.items()}
            self._prints[sheet_row] = found
        return found

    def cells(self, sheet_row: int) -> dict[str, Any]:
        """Every schema column's cell of a row now, by header (None for a column the tab no longer has)."""
        cells = self._by_row[sheet_row].cells
        return {h: cells[col - 1] if col is not None and col - 1 < len(cells) else None for h, col in self._schema_cols}

    @cached_property
    def _schema_cols(self) -> list[tuple[str, int | None]]:
        assert self.schema is not None
        return [(column.header, self.columns.get(column.folded)) for column in self.schema.columns]

    def col(self, header: str) -> int | None:
        """The 1-based column of a header, matched as headers are (case and spacing ignored)."""
        return self.columns.get(fold(header))
