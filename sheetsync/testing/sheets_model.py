"""The spreadsheet model: sheets, cells, ranges and what moves with rows, shaped like the Sheets API v4."""

from __future__ import annotations

import copy
import datetime as dt
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .a1 import A1Range, RangeError, format_range, parse_range, quote_sheet_name
from .cellvalues import Cell
from .errors import bad_request

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
ROW_KEYS = ("startRowIndex", "endRowIndex")
COL_KEYS = ("startColumnIndex", "endColumnIndex")


def new_spreadsheet_id() -> str:
    """A 44-character id in the alphabet and shape Google uses."""
    return "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))


def new_numeric_id() -> int:
    """A positive 31-bit id, like Google's sheetIds and protectedRangeIds."""
    return secrets.randbelow(2**31 - 1_000_000) + 1_000_000


def now_rfc3339() -> str:
    """Drive-style timestamp with milliseconds: 2023-07-25T15:41:49.215Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def clone_json(value: Any) -> Any:
    """Copy JSON-like data (dicts, lists, scalars) without deepcopy's bookkeeping."""
    if isinstance(value, dict):
        return {k: clone_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone_json(v) for v in value]
    if isinstance(value, (str, int, float, bool, type(None), tuple)):
        return value
    return copy.deepcopy(value)


@dataclass
class Sheet:
    """One tab: properties as Google's JSON plus sparse cells and what is anchored to ranges."""

    props: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)  # GridRanges without sheetId
    basic_filter: dict[str, Any] | None = None
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    banded_ranges: list[dict[str, Any]] = field(default_factory=list)
    row_groups: list[dict[str, Any]] = field(default_factory=list)  # DimensionGroup JSON
    column_groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), created on demand."""
        return self.cells.setdefault((row, col), Cell())

    def peek(self, row: int, col: int) -> Cell | None:
        """The cell if it exists, without creating it."""
        return self.cells.get((row, col))

    def cells_within(self, r0: int, r1: int, c0: int, c1: int) -> list[tuple[tuple[int, int], Cell]]:
        """The stored cells in rows r0..r1-1 and columns c0..c1-1 (half-open), visiting whichever is fewer: the
        box's positions or the stored cells (a request of many narrow ranges would otherwise scan the whole
        sheet once per range)."""
        cells = self.cells
        if (r1 - r0) * (c1 - c0) <= len(cells):
            return [((r, c), cells[(r, c)]) for r in range(r0, r1) for c in range(c0, c1) if (r, c) in cells]
        return [(k, cell) for k, cell in cells.items() if r0 <= k[0] < r1 and c0 <= k[1] < c1]

    def prune(self) -> None:
        """Drop cells that carry nothing, so trimming and bounds stay cheap."""
        for key in [key for key, cell in self.cells.items() if cell.is_blank()]:
            del self.cells[key]

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        """Change the grid size; shrinking discards cells beyond the new edge."""
        grid = self.props["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
        if cols is not None:
            grid["columnCount"] = cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < self.rows and k[1] < self.cols}

    def copy(self) -> Sheet:
        """An independent copy (format, validation and extra dicts are shared: they are replaced, never edited)."""
        return Sheet(
            clone_json(self.props),
            {k: c.copy() for k, c in self.cells.items()},
            clone_json(self.row_meta),
            clone_json(self.col_meta),
            clone_json(self.protected),
            clone_json(self.charts),
            clone_json(self.merges),
            clone_json(self.basic_filter),
            clone_json(self.conditional_formats),
            clone_json(self.banded_ranges),
            clone_json(self.row_groups),
            clone_json(self.column_groups),
        )

    def anchored_ranges(self) -> list[dict[str, Any]]:
        """Every stored GridRange that moves when rows or columns are inserted or deleted."""
        ranges = [p["range"] for p in self.protected] + self.merges
        ranges += [r for rule in self.conditional_formats for r in rule.get("ranges", [])]
        ranges += [b["range"] for b in self.banded_ranges]
        if self.basic_filter:
            ranges.append(self.basic_filter["range"])
        return ranges


def new_sheet(title: str, sheet_id: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> Sheet:
    """A blank GRID sheet."""
    return Sheet(
        {
            "sheetId": sheet_id,
            "title": title,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
    )


@dataclass
class Spreadsheet:
    """A whole spreadsheet (Drive file + Sheets document)."""

    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)
    accessible: bool = True  # False: exists but belongs to someone else (403)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)  # NamedRange JSON, range with sheetId
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    # Values were written since formulas were last computed: they are computed before anything reads the
    # spreadsheet (see formula.settle), so a run's several writes in a row cost one recalculation, not one each.
    formulas_stale: bool = False

    def touch(self) -> None:
        """Record a modification time, as Drive's modifiedTime does."""
        self.modified = now_rfc3339()

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def snapshot(self, only: Iterable[Sheet] | None = None) -> Spreadsheet:
        """A copy that batchUpdate edits, swapped in only if every request succeeds (much faster than deepcopy).

        `only`: the sheets the edit can change (a values write's ranges); the others are shared with this
        spreadsheet, which is replaced by the copy or discarded."""
        copied = None if only is None else {id(sheet) for sheet in only}
        return Spreadsheet(
            self.spreadsheet_id,
            clone_json(self.properties),
            [s.copy() if copied is None or id(s) in copied else s for s in self.sheets],
            self.created,
            self.modified,
            self.accessible,
            clone_json(self.named_ranges),
            clone_json(self.developer_metadata),
            self.formulas_stale,
        )


def new_spreadsheet(title: str, spreadsheet_id: str | None = None) -> Spreadsheet:
    """A spreadsheet as Google creates it: one 1000x26 'Sheet1' with sheetId 0."""
    properties = {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"}
    return Spreadsheet(spreadsheet_id or new_spreadsheet_id(), properties, [new_sheet("Sheet1", 0)])


@dataclass(frozen=True)
class Box:
    """A resolved range: a sheet and bounded 0-based half-open rows/cols."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int

    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)


def grid_limits_error(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> Exception:
    """Google's 400 for a range that does not fit the sheet's grid."""
    cells = format_range(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1)).rpartition("!")[2]
    return bad_request(
        f"Range ({quote_sheet_name(sheet.title)}!{cells}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def resolve(book: Spreadsheet, text: str, clip: bool = True) -> tuple[Box, A1Range]:
    """A1 text -> Box on a real sheet; unknown sheets and reads wholly outside the grid fail as Google does."""
    try:
        parsed = parse_range(text, {s.title for s in book.sheets})
    except RangeError:
        raise bad_request(f"Unable to parse range: {text}") from None
    sheet = book.sheets[0] if parsed.sheet is None else book.sheet_by_title(parsed.sheet)
    if sheet is None:
        named = named_range(book, parsed.sheet or "") if parsed.start_row is None and parsed.start_col is None else None
        if named is None:
            raise bad_request(f"Unable to parse range: {text}")
        return named, parsed
    r0 = parsed.start_row or 0
    c0 = parsed.start_col or 0
    r1 = sheet.rows if parsed.end_row is None else parsed.end_row
    c1 = sheet.cols if parsed.end_col is None else parsed.end_col
    if clip:
        if r0 >= sheet.rows or c0 >= sheet.cols:
            raise grid_limits_error(sheet, r0, r1, c0, c1)
        r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
    return Box(sheet, r0, max(r1, r0), c0, max(c1, c0)), parsed


def named_range(book: Spreadsheet, name: str) -> Box | None:
    """The Box a named range covers, or None."""
    found = next((n for n in book.named_ranges if n.get("name") == name), None)
    if found is None:
        return None
    rng = found.get("range", {})
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    if sheet is None:
        return None
    return Box(sheet, *grid_bounds(sheet, rng))


def grid_bounds(sheet: Sheet, rng: dict[str, Any]) -> tuple[int, int, int, int]:
    """GridRange -> bounded (r0, r1, c0, c1); missing ends mean the grid edge."""
    r0, c0 = rng.get("startRowIndex") or 0, rng.get("startColumnIndex") or 0
    r1 = sheet.rows if rng.get("endRowIndex") is None else rng["endRowIndex"]
    c1 = sheet.cols if rng.get("endColumnIndex") is None else rng["endColumnIndex"]
    return r0, r1, c0, c1


def shift_index(i: int, at: int, count: int, is_end: bool = False) -> int:
    """Where index i goes when count rows are inserted at `at` (count < 0: rows [at, at-count) deleted).

    Inserting at a range's first row moves the range down rather than widening it, as Google does.
    """
    if count >= 0:
        return i + count if (i > at if is_end else i >= at) else i
    if i <= at:
        return i
    return max(at, i + count)


def shift_range(rng: dict[str, Any], axis: int, at: int, count: int) -> bool:
    """Move a stored GridRange along axis 0 (rows) or 1 (columns); False if it was wholly deleted."""
    start, end = ROW_KEYS if axis == 0 else COL_KEYS
    if rng.get(start) is not None:
        rng[start] = shift_index(rng[start], at, count)
    if rng.get(end) is not None:
        rng[end] = shift_index(rng[end], at, count, is_end=True)
    return rng.get(start) is None or rng.get(end) is None or rng[end] > rng[start]


def shift_dimension(book: Spreadsheet, sheet: Sheet, axis: int, at: int, count: int) -> None:
    """Insert (count > 0) or delete (count < 0) rows/columns: cells, metadata and anchored ranges move."""

    def moved(i: int) -> int | None:
        if count < 0 and at <= i < at - count:
            return None
        return i + count if i >= at else i

    cells = {}
    for key, cell in sheet.cells.items():
        new = moved(key[axis])
        if new is not None:
            cells[(new, key[1]) if axis == 0 else (key[0], new)] = cell
    sheet.cells = cells
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {moved(i): m for i, m in meta.items() if moved(i) is not None}
    meta.clear()
    meta.update(shifted)  # type: ignore[arg-type]
    sheet.props["gridProperties"]["rowCount" if axis == 0 else "columnCount"] += count
    _shift_anchored(book, sheet, axis, at, count)


def _shift_anchored(book: Spreadsheet, sheet: Sheet, axis: int, at: int, count: int) -> None:
    """Ranges that lose every row or column are dropped, as Google drops them."""
    sheet.protected = [p for p in sheet.protected if shift_range(p["range"], axis, at, count)]
    sheet.merges = [m for m in sheet.merges if shift_range(m, axis, at, count)]
    sheet.banded_ranges = [b for b in sheet.banded_ranges if shift_range(b["range"], axis, at, count)]
    for rule in sheet.conditional_formats:
        rule["ranges"] = [r for r in rule.get("ranges", []) if shift_range(r, axis, at, count)]
    sheet.conditional_formats = [rule for rule in sheet.conditional_formats if rule["ranges"]]
    if sheet.basic_filter and not shift_range(sheet.basic_filter["range"], axis, at, count):
        sheet.basic_filter = None
    groups = sheet.row_groups if axis == 0 else sheet.column_groups
    for group in groups:
        span = group["range"]
        span["startIndex"] = shift_index(span["startIndex"], at, count)
        span["endIndex"] = shift_index(span["endIndex"], at, count, is_end=True)
    groups[:] = [g for g in groups if g["range"]["endIndex"] > g["range"]["startIndex"]]
    book.named_ranges = [
        n
        for n in book.named_ranges
        if n["range"].get("sheetId", 0) != sheet.sheet_id or shift_range(n["range"], axis, at, count)
    ]
