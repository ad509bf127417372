"""Turn a WriteBatch into Google Sheets requests: one spreadsheets:batchUpdate and RAW value ranges.

Values go out RAW (text a person typed as `=IMPORTXML(...)` stays text); everything that is not a
plain value (new tabs and their headers, notes and fills, number formats, links, charts, grid
growth, hidden and frozen settings, formulas the demo means as formulas) goes in the batchUpdate.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...model.a1 import column_letter, parse_cell, quote_sheet_name, sheet_ref, split_ref
from ...model.grid import SheetView
from ...model.layout import FILLS, ChartSpec, ColumnLook, NewTab, RowRef, TabContent, TabLayout
from ...model.values import Formula, date_to_serial
from ..base import NoteWrite, WriteBatch

DATE_PATTERN, DATETIME_PATTERN = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
GROW_HEADROOM = 50  # blank rows added past the last written one, so people have room to type
PIXELS_PER_CHAR, _PIXELS_PER_CM = 7, 37.8


@dataclass
class SheetInfo:
    """What the backend knows of one tab: its id, grid size, charts, and our notes and fills."""

    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    hidden: bool = False
    charts: list[int] = field(default_factory=list)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # every note, ours or not
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # background as RRGGBB
    view: SheetView = field(default_factory=SheetView)  # frozen panes, widths, hidden columns as read
    layout: str | None = None  # digest of the formats, widths and charts sheetsync last rendered whole here


LAYOUT_KEY = "sheetsync.layout:"  # + sheetId: spreadsheet developer metadata holding SheetInfo.layout


@dataclass
class Rendered:
    requests: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)  # ValueRange objects for values:batchUpdate


def new_id() -> int:
    return random.randint(1, 2**31 - 1)


def rgb(hex_colour: str) -> dict[str, float]:
    return {name: int(hex_colour[i : i + 2], 16) / 255 for name, i in (("red", 0), ("green", 2), ("blue", 4))}


def hex_of(colour: Mapping[str, float] | None) -> str | None:
    if not colour:
        return None
    return "".join(f"{round(float(colour.get(c, 0)) * 255):02X}" for c in ("red", "green", "blue"))


OUR_FILLS = set(FILLS.values())


def number_format(pattern: str) -> dict[str, str]:
    """A Google NumberFormat for an Excel-style pattern."""
    lowered = pattern.lower()
    if "%" in pattern:
        kind = "PERCENT"
    elif any(s in pattern for s in "$£€"):
        kind = "CURRENCY"
    elif "y" in lowered or "d" in lowered:
        kind = "DATE_TIME" if "h" in lowered else "DATE"
    elif "h" in lowered or "ss" in lowered:
        kind = "TIME"
    else:
        kind = "NUMBER"
    return {"type": kind, "pattern": pattern}


def api_value(value: Any) -> Any:
    """A Python value as RAW input: numbers, bools and text; dates as serial numbers; blank as ''."""
    if value is None:
        return ""  # null would leave the cell as it is; '' empties it
    if isinstance(value, bool):
        return value
    if isinstance(value, (datetime, date)):
        return date_to_serial(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _date_pattern(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_PATTERN
    if isinstance(value, date):
        return DATE_PATTERN
    return None


class Renderer:
    """Builds the requests for one batch against the tabs as last seen."""

    def __init__(self, sheets: dict[str, SheetInfo], note_prefix: str, current_values: Mapping[str, list[list[Any]]]):
        self.sheets = sheets
        self.prefix = note_prefix
        self.current_values = current_values
        self.out = Rendered()
        self._growth: dict[str, tuple[int, int]] = {}  # title -> rows, cols needed

    def render(self, batch: WriteBatch) -> Rendered:
        for new in batch.new_tabs:
            self._new_tab(new)
        for content in batch.contents:
            self._content(content)
        self._cells(batch)
        self._notes(batch.notes)
        self._grow()
        return self.out

    # -- helpers ------------------------------------------------------------------------
    def _info(self, title: str) -> SheetInfo:
        from ...errors import WorkbookError

        if title not in self.sheets:
            raise WorkbookError(f"cannot write to tab {title!r}: the spreadsheet has no such tab")
        return self.sheets[title]

    def _need(self, title: str, rows: int, cols: int) -> None:
        have = self._growth.get(title, (0, 0))
        self._growth[title] = (max(have[0], rows), max(have[1], cols))

    def _grow(self) -> None:
        """appendDimension (relative, so rows a person added meanwhile are never cut) before any write."""
        growth = []
        for title, (rows, cols) in self._growth.items():
            info = self._info(title)
            if rows > info.rows:
                extra = rows - info.rows + GROW_HEADROOM
                growth.append({"appendDimension": {"sheetId": info.sheet_id, "dimension": "ROWS", "length": extra}})
                info.rows += extra
            if cols > info.cols:
                growth.append(
                    {"appendDimension": {"sheetId": info.sheet_id, "dimension": "COLUMNS", "length": cols - info.cols}}
                )
                info.cols = cols
        # Growth must come before the requests that touch the new cells, but after any addSheet.
        adds = [r for r in self.out.requests if "addSheet" in r]
        rest = [r for r in self.out.requests if "addSheet" not in r]
        self.out.requests = adds + growth + rest

    def _cell_request(self, info: SheetInfo, row: int, col: int, data: dict[str, Any], fields: str) -> None:
        self._need(info.title, row, col)
        self.out.requests.append(
            {
                "updateCells": {
                    "start": {"sheetId": info.sheet_id, "rowIndex": row - 1, "columnIndex": col - 1},
                    "rows": [{"values": [data]}],
                    "fields": fields,
                }
            }
        )

    def _column_range(self, info: SheetInfo, col: int, first_row: int = 2) -> dict[str, Any]:
        return {
            "sheetId": info.sheet_id,
            "startRowIndex": first_row - 1,
            "startColumnIndex": col - 1,
            "endColumnIndex": col,
        }

    # -- new tabs ----------------------------------------------------------------------
    def _add_sheet(
        self, title: str, hidden: bool, rows: int, cols: int, frozen: int, frozen_cols: int = 0
    ) -> SheetInfo:
        info = SheetInfo(new_id(), title, rows, cols, hidden)
        grid: dict[str, Any] = {"rowCount": rows, "columnCount": cols}
        if frozen:
            grid["frozenRowCount"] = frozen
        if frozen_cols:
            grid["frozenColumnCount"] = frozen_cols
        props: dict[str, Any] = {"sheetId": info.sheet_id, "title": title, "gridProperties": grid}
        if hidden:
            props["hidden"] = True
        self.out.requests.append({"addSheet": {"properties": props}})
        self.sheets[title] = info
        return info

    def _new_tab(self, new: NewTab) -> None:
        width = max(new.first_new_col - 1 + len(new.headers), max(new.looks, default=0))
        rows, cols = new.freeze or (0, 0)
        if new.name in self.sheets:
            info = self.sheets[new.name]
            if new.hidden and not info.hidden:
                self._sheet_props(info, {"hidden": True}, "hidden")
            if new.freeze is not None:
                self._need(new.name, rows + 1, max(width, cols + 1))
                self._sheet_props(
                    info,
                    {"gridProperties": {"frozenRowCount": rows, "frozenColumnCount": cols}},
                    "gridProperties.frozenRowCount,gridProperties.frozenColumnCount",
                )
        else:
            rows, cols = new.freeze or (1, 0)
            info = self._add_sheet(new.name, new.hidden, 1000, max(26, width), rows, cols)
        self._column_looks(info, new.looks)
        if not new.headers:
            return
        self._need(new.name, 1, width)
        cells = []
        for offset, header in enumerate(new.headers, start=1):
            cell: dict[str, Any] = {
                "userEnteredValue": {"stringValue": header},
                "userEnteredFormat": {"textFormat": {"bold": True}},
            }
            if offset in new.header_notes:
                cell["note"] = new.header_notes[offset]
            cells.append(cell)
        self.out.requests.append(
            {
                "updateCells": {
                    "start": {"sheetId": info.sheet_id, "rowIndex": 0, "columnIndex": new.first_new_col - 1},
                    "rows": [{"values": cells}],
                    "fields": "userEnteredValue,userEnteredFormat.textFormat.bold,note",
                }
            }
        )
        for offset, allowed in new.dropdowns.items():
            col = new.first_new_col + offset - 1
            self.out.requests.append(
                {
                    "setDataValidation": {
                        "range": self._column_range(info, col),
                        "rule": {
                            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in allowed]},
                            "strict": False,
                            "showCustomUi": True,
                        },
                    }
                }
            )  # a suggestion: people may still type
        for offset in new.protected_cols:
            col = new.first_new_col + offset - 1
            self.out.requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "protectedRangeId": new_id(),
                            "range": self._column_range(info, col, 1),
                            "description": f"{new.headers[offset - 1]}: written by sheetsync",
                            "warningOnly": True,
                        }
                    }
                }
            )
        for offset, pattern in new.number_formats.items():
            col = new.first_new_col + offset - 1
            self.out.requests.append(
                {
                    "repeatCell": {
                        "range": self._column_range(info, col),
                        "cell": {"userEnteredFormat": {"numberFormat": number_format(pattern)}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            )

    def _sheet_props(self, info: SheetInfo, props: dict[str, Any], fields: str) -> None:
        self.out.requests.append(
            {"updateSheetProperties": {"properties": {"sheetId": info.sheet_id, **props}, "fields": fields}}
        )

    # -- values --------------------------------------------------------------------------
    def _cells(self, batch: WriteBatch) -> None:
        by_row: dict[tuple[str, int], dict[int, Any]] = {}
        for cell in batch.every_cell():
            info = self._info(cell.tab)
            self._need(cell.tab, cell.row, cell.col)
            if isinstance(cell.value, Formula):
                self._cell_request(
                    info,
                    cell.row,
                    cell.col,
                    {"userEnteredValue": {"formulaValue": str(cell.value)}},
                    "userEnteredValue",
                )
                continue
            pattern = _date_pattern(cell.value)
            if pattern:
                self._cell_request(
                    info,
                    cell.row,
                    cell.col,
                    {"userEnteredFormat": {"numberFormat": number_format(pattern)}},
                    "userEnteredFormat.numberFormat",
                )
            by_row.setdefault((cell.tab, cell.row), {})[cell.col] = api_value(cell.value)
        for title in dict.fromkeys(t for t, _ in sorted(by_row)):
            rows = {r: cols for (t, r), cols in by_row.items() if t == title}
            for first_row, first_col, block in _blocks(rows):
                self.out.values.append(
                    {"range": sheet_ref(title, first_row, first_col, len(block[0]), len(block)), "values": block}
                )

    # -- notes ---------------------------------------------------------------------------
    def _notes(self, notes: list[NoteWrite]) -> None:
        for note in notes:
            info = self._info(note.tab)
            cell = (note.row, note.col)
            current = info.notes.get(cell)
            fill = info.fills.get(cell)
            ours_fill = fill is None or fill in OUR_FILLS
            if note.note is None:
                fields = []
                if current is None or current.startswith(self.prefix):
                    fields.append("note")  # never remove a person's note
                if fill in OUR_FILLS:
                    fields.append("userEnteredFormat.backgroundColor")  # nor a person's colour
                if fields:  # a range without data clears the named fields
                    if "note" in fields:
                        info.notes.pop(cell, None)
                    if fill in OUR_FILLS:
                        info.fills.pop(cell, None)
                    self._need(info.title, note.row, note.col)
                    self.out.requests.append(
                        {
                            "updateCells": {
                                "range": {
                                    "sheetId": info.sheet_id,
                                    "startRowIndex": note.row - 1,
                                    "endRowIndex": note.row,
                                    "startColumnIndex": note.col - 1,
                                    "endColumnIndex": note.col,
                                },
                                "fields": ",".join(fields),
                            }
                        }
                    )
                continue
            data: dict[str, Any] = {}
            fields = []
            if current is None or current.startswith(self.prefix):  # a person's own note stays as they wrote it
                data["note"] = note.note
                fields.append("note")
                info.notes[cell] = note.note  # as written, so a later batch knows whose it is
            if note.fill and ours_fill:
                data["userEnteredFormat"] = {"backgroundColor": rgb(note.fill)}
                fields.append("userEnteredFormat.backgroundColor")
                info.fills[cell] = note.fill
            elif not note.fill and fill in OUR_FILLS:  # a note that is no problem: our highlight goes
                fields.append("userEnteredFormat.backgroundColor")
                info.fills.pop(cell, None)
            if fields:
                self._cell_request(info, note.row, note.col, data, ",".join(fields))

    # -- whole tabs ------------------------------------------------------------------------
    def _content(self, content: TabContent) -> None:
        """Rewrite a whole job-owned tab: values, then the layout's formats, widths and charts.

        When the tab was last rendered here with the same look (widths, charts, panes, the kinds of line
        formats, what its links rest on), only the lines that changed are sent: lines that stay keep their
        rows, and rows are inserted and deleted around them, as a person editing would.
        """
        layout = content.layout
        width = max((len(r) for r in content.rows), default=0)
        height = len(content.rows)
        known = self.sheets.get(content.name)
        old = self.current_values.get(content.name, []) if known is not None else []
        # Cover what the last rendering wrote too, so its leftover cells are emptied.
        grid_w = max(width, max((len(r) for r in old), default=0))
        grid_h = max(height, len(old))
        formats = _CellFormats()
        shown: dict[int, dict[int, Any]] = {}
        refs: list[RowRef] = []
        grid = self._content_values(content, grid_w, grid_h, formats, shown, refs)
        self._layout_formats(layout, formats)
        updates = formats.updates()
        # Three digests: the look (what matched lines rest on), every cell's format where it is, and the
        # lines as rendered. With the same look only changed lines go; with all three as last rendered (no
        # one moved the lines since), a changed line's values alone, in place, keeping its cells' formats.
        keys = [_line_key(grid[r - 1], shown.get(r)) for r in range(1, height + 1)]
        look = self._layout_digest(updates, content, formats.formulas.keys(), {ref.tab for ref in refs})
        look += _exact_digest(updates)
        digest = look + _lines_digest(keys)
        if known is not None and known.layout and known.layout[:16] == look[:16]:
            old_keys = [_line_key(line) for line in old]
            for r, c in layout.links:  # a line linking to a web page may show only a name: always send it
                if "://" in layout.links[(r, c)] and r <= height:
                    keys[r - 1] = object()
            ops = difflib.SequenceMatcher(None, old_keys, keys, autojunk=False).get_opcodes()
            if known.layout == look + _lines_digest(old_keys):
                in_place = _changed_lines(keys, old_keys, len(grid))
                if len(in_place) <= sum(j2 - j1 for tag, _, _, j1, j2 in ops if tag != "equal"):
                    self._changed_values(content.name, grid, grid_w, in_place)
                    self._remember_layout(known, digest, True)
                    return
            if self._aligned(content, known, grid, grid_w, updates, len(old), ops):
                self._remember_layout(known, digest, True)
                return
        info, _ = self._content_sheet(content, width, height)
        if grid_h and grid_w:
            self.out.values.append({"range": sheet_ref(content.name, 1, 1, grid_w, grid_h), "values": grid})
        self._format_runs(info, updates)
        self._column_widths(info, layout.widths)
        for spec in layout.charts:
            self.out.requests.append({"addChart": {"chart": chart_json(spec, info.sheet_id)}})
        self._need(content.name, grid_h, grid_w)
        self._remember_layout(info, digest, known is not None and known.layout is not None)

    def _changed_values(self, name: str, grid: list[list[Any]], grid_w: int, changed: list[int]) -> None:
        """Every cell's format is as last rendered: send the values of the lines that differ, in place."""
        for first, last in row_runs(changed):
            block = [grid[r - 1] for r in range(first, last + 1)]
            self.out.values.append({"range": sheet_ref(name, first, 1, grid_w, len(block)), "values": block})
        self._need(name, len(grid), grid_w)

    def _aligned(
        self,
        content: TabContent,
        info: SheetInfo,
        grid: list[list[Any]],
        grid_w: int,
        updates: list[tuple[tuple[int, int], dict[str, Any], str]],
        old_height: int,
        ops: Sequence[tuple[str, int, int, int, int]],
    ) -> bool:
        """Send only the lines that differ from the tab as read; False when that cannot be done safely.

        Lines are matched by what they show (a link formula by the text it shows), so a line that moved
        down because lines were added above it is not sent again. A matched line keeps the formats it
        has: the look digest held (see `_layout_digest`), and a line's formats follow from what it shows.
        """
        height = len(content.rows)
        deleted = sum(i2 - i1 - (j2 - j1) for _, i1, i2, j1, j2 in ops if i2 - i1 > j2 - j1)
        if info.rows - deleted < content.layout.frozen_rows + 2:
            return False  # Google refuses to delete every unfrozen row: rewrite whole
        rewrite: set[int] = set()  # lines (as numbered after this write) to send
        cleared: set[int] = set()  # rows past the last line that held lines before
        requests: list[dict[str, Any]] = []
        for tag, i1, i2, j1, j2 in reversed(ops):  # from the bottom up, so the rows above keep their numbers
            if tag == "equal":
                continue
            kept, wanted = i2 - i1, j2 - j1
            rewrite.update(range(j1 + 1, j2 + 1))
            if wanted > kept and i2 < old_height:  # at the end, the blank rows past the lines take them
                requests.append(self._dimension("insertDimension", info, i2, i2 + wanted - kept))
                info.rows += wanted - kept
            elif kept > wanted:
                if i2 == old_height and j2 == height:  # the tail: empty the rows, keep the grid's size
                    cleared.update(range(j2 + 1, j2 + 1 + kept - wanted))
                else:
                    requests.append(self._dimension("deleteDimension", info, i1 + wanted, i2))
                    info.rows -= kept - wanted
        if requests and (info.charts or content.layout.charts):
            # Google stretches or shrinks a chart's ranges as rows move around them, but not when rows go in
            # just past a range's end: the charts are put back with the ranges the job gave them.
            requests = [{"deleteEmbeddedObject": {"objectId": c}} for c in info.charts] + requests
            requests += [{"addChart": {"chart": chart_json(spec, info.sheet_id)}} for spec in content.layout.charts]
            info.charts = []
        self.out.requests.extend(requests)
        for first, last in row_runs(rewrite | cleared):
            self.out.requests.append(
                {
                    "updateCells": {
                        "range": {"sheetId": info.sheet_id, "startRowIndex": first - 1, "endRowIndex": last},
                        "fields": "userEnteredFormat,note",
                    }
                }
            )
        self._format_runs(info, [u for u in updates if u[0][0] in rewrite])
        blank = [""] * grid_w
        lines = {r: grid[r - 1] for r in rewrite} | dict.fromkeys(cleared, blank)
        for first, last in row_runs(lines):
            block = [lines[r] for r in range(first, last + 1)]
            self.out.values.append({"range": sheet_ref(content.name, first, 1, grid_w, len(block)), "values": block})
        self._need(content.name, max([height, *cleared]), grid_w)
        return True

    @staticmethod
    def _dimension(kind: str, info: SheetInfo, start: int, end: int) -> dict[str, Any]:
        """An insertDimension or deleteDimension of rows [start, end) (0-based, as the API counts)."""
        span = {"sheetId": info.sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": end}
        if kind == "insertDimension":
            return {kind: {"range": span, "inheritFromBefore": start > 0}}
        return {kind: {"range": span}}

    def _layout_digest(
        self,
        updates: list[tuple[tuple[int, int], dict[str, Any], str]],
        content: TabContent,
        formula_cells: Iterable[tuple[int, int]],
        formula_tabs: set[str],
    ) -> str:
        """What a whole tab's look depends on beyond its own lines; while it holds, a line that shows the
        same as before needs nothing sent, because a line's formats and links follow from what it shows
        (a To Do line shows its key, action id and row; a summary line the key it links to).

        It covers widths, charts, panes, the kinds of cell formats (links and formulas aside), and what
        the links rest on: for a row-link formula, its tab's id and header row (a moved key column changes
        every formula); for a link to a cell ('SKUs!A12'), the linked column of its tab as read (a sort
        moves every row, so the whole tab is rendered again).
        """
        layout = content.layout
        lines: dict[int, list[Any]] = {}
        for (row, col), data, fields in updates:
            if "link" not in fields and "userEnteredValue" not in fields:
                lines.setdefault(row, []).append([col, fields, data])
        kinds = sorted({json.dumps(line, sort_keys=True) for line in lines.values()})  # the kinds of line there are
        linked: dict[str, set[int]] = {}
        formulas = set(formula_cells)  # a link on a formula cell is the formula's own (see _layout_formats)
        for where, target in layout.links.items():
            if "://" in target or target.startswith("mailto:") or where in formulas:
                continue
            tab, cell = split_ref(target)
            try:
                linked.setdefault(tab, set()).add(parse_cell(cell or "")[1])
            except ValueError:
                continue
        rests: list[Any] = [[tab, self._sheet_id(tab), self._tab(tab)[:1]] for tab in sorted(formula_tabs)]
        for tab, cols in sorted(linked.items()):
            values = self._tab(tab)
            rests += [
                [tab, self._sheet_id(tab), c, [_at(values, r, c) for r in range(1, len(values) + 1)]] for c in cols
            ]
        text = json.dumps(
            [
                RENDERING,
                kinds,
                sorted(layout.widths.items()),
                [repr(c) for c in layout.charts],
                layout.frozen_rows,
                layout.hidden,
                rests,
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _tab(self, tab: str) -> list[list[Any]]:
        return self.current_values.get(tab) or []

    def _sheet_id(self, tab: str) -> int | None:
        info = self.sheets.get(tab)
        return info.sheet_id if info else None

    def _content_sheet(self, content: TabContent, width: int, height: int) -> tuple[SheetInfo, list[list[Any]]]:
        """The tab to render into and the values it holds: a new tab, or the old one cleared of its last rendering."""
        layout = content.layout
        info = self.sheets.get(content.name)
        if info is None:
            info = self._add_sheet(
                content.name, layout.hidden, max(height + GROW_HEADROOM, 100), max(width, 26), layout.frozen_rows
            )
            return info, []
        for chart_id in info.charts:
            self.out.requests.append({"deleteEmbeddedObject": {"objectId": chart_id}})
        info.charts = []
        # Clear what the last rendering left: formats, links, notes (values are overwritten later).
        self.out.requests.append(
            {"updateCells": {"range": {"sheetId": info.sheet_id}, "fields": "userEnteredFormat,note"}}
        )
        self._need(content.name, max(height, layout.frozen_rows + 1), width)
        self._sheet_props(
            info,
            {"gridProperties": {"frozenRowCount": layout.frozen_rows}, "hidden": layout.hidden},
            "gridProperties.frozenRowCount,hidden",
        )
        return info, self.current_values.get(content.name, [])

    def _format_runs(self, info: SheetInfo, updates: list[tuple[tuple[int, int], dict[str, Any], str]]) -> None:
        """Cell formats in few requests: a column's run of cells with the same fields is one updateCells
        (one repeatCell when their formats are the same too), not one request per cell."""
        runs: list[tuple[int, int, str, list[dict[str, Any]]]] = []  # first row, column, fields, cells
        for (row, col), data, fields in sorted(updates, key=lambda u: (u[0][1], u[0][0])):
            last = runs[-1] if runs else None
            if last is not None and last[1] == col and last[2] == fields and last[0] + len(last[3]) == row:
                last[3].append(data)
            else:
                runs.append((row, col, fields, [data]))
        for row, col, fields, cells in runs:
            self._need(info.title, row + len(cells) - 1, col)
            if len(cells) > 1 and all(c == cells[0] for c in cells):
                grid = {
                    "sheetId": info.sheet_id,
                    "startRowIndex": row - 1,
                    "endRowIndex": row - 1 + len(cells),
                    "startColumnIndex": col - 1,
                    "endColumnIndex": col,
                }
                self.out.requests.append({"repeatCell": {"range": grid, "cell": cells[0], "fields": fields}})
                continue
            start = {"sheetId": info.sheet_id, "rowIndex": row - 1, "columnIndex": col - 1}
            rows = [{"values": [c]} for c in cells]
            self.out.requests.append({"updateCells": {"start": start, "rows": rows, "fields": fields}})

    def _remember_layout(self, info: SheetInfo, digest: str, recorded: bool) -> None:
        """Keep the digest of what was just rendered in the spreadsheet's developer metadata."""
        if info.layout == digest:
            return
        key = LAYOUT_KEY + str(info.sheet_id)
        if recorded:
            self.out.requests.append(
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [{"developerMetadataLookup": {"metadataKey": key}}],
                        "developerMetadata": {"metadataValue": digest},
                        "fields": "metadataValue",
                    }
                }
            )
        else:
            self.out.requests.append(
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": key,
                            "metadataValue": digest,
                            "location": {"spreadsheet": True},
                            "visibility": "DOCUMENT",
                        }
                    }
                }
            )
        info.layout = digest

    def _content_values(
        self,
        content: TabContent,
        grid_w: int,
        grid_h: int,
        formats: _CellFormats,
        shown: dict[int, dict[int, Any]],
        refs: list[RowRef],
    ) -> list[list[Any]]:
        """The whole grid's RAW values; formulas and date formats go to `formats`, and what each formula
        will show to `shown` (a row link's text; any other formula's is not known: the line always goes)."""
        height = len(content.rows)
        grid_values = []
        for r in range(1, grid_h + 1):
            line = content.rows[r - 1] if r <= height else []
            values: list[Any] = []
            for c in range(1, grid_w + 1):
                value = line[c - 1] if c <= len(line) else None
                text: Any = _UNKNOWN
                if isinstance(value, RowRef):
                    refs.append(value)
                    text, value = value.text, self._row_link(value)
                if isinstance(value, Formula):
                    shown.setdefault(r, {})[c] = text
                    formats.formulas[(r, c)] = str(value)
                    values.append(None)  # null leaves the cell to the formula written by updateCells
                    continue
                pattern = _date_pattern(value)
                if pattern and (r, c) not in content.layout.number_formats:
                    formats.add((r, c), {"numberFormat": number_format(pattern)}, "userEnteredFormat.numberFormat")
                values.append(api_value(value))
            grid_values.append(values)
        return grid_values

    def _layout_formats(self, layout: TabLayout, formats: _CellFormats) -> None:
        """The layout's number formats, bold cells and links."""
        for cell, pattern in layout.number_formats.items():
            formats.add(cell, {"numberFormat": number_format(pattern)}, "userEnteredFormat.numberFormat")
        for cell in layout.bold:
            formats.add(cell, {"textFormat": {"bold": True}}, "userEnteredFormat.textFormat.bold")
        for cell, target in layout.links.items():
            if cell in formats.formulas:
                continue  # a HYPERLINK formula links by itself
            formats.add(
                cell,
                {
                    "textFormat": {
                        "link": {"uri": self._link(target)},
                        "underline": True,
                        "foregroundColor": {"red": 0.07, "green": 0.33, "blue": 0.8},
                    }
                },
                "userEnteredFormat.textFormat.link,userEnteredFormat.textFormat.underline,"
                "userEnteredFormat.textFormat.foregroundColor",
            )

    def _column_widths(self, info: SheetInfo, widths: Mapping[int, float]) -> None:
        for col, chars in widths.items():
            self._need(info.title, 1, col)
            self.out.requests.append(
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": info.sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": col - 1,
                            "endIndex": col,
                        },
                        "properties": {"pixelSize": round(chars * PIXELS_PER_CHAR + 10)},
                        "fields": "pixelSize",
                    }
                }
            )

    def _column_looks(self, info: SheetInfo, looks: Mapping[int, ColumnLook]) -> None:
        """Widths and hidden state of columns, and wrapped text (read from the top) in their data cells."""
        for col, look in looks.items():
            self._need(info.title, 1, col)
            properties: dict[str, Any] = {"hiddenByUser": look.hidden}
            if look.width is not None:
                properties["pixelSize"] = round(look.width * PIXELS_PER_CHAR + 10)
            self.out.requests.append(
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": info.sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": col - 1,
                            "endIndex": col,
                        },
                        "properties": properties,
                        "fields": ",".join(properties),
                    }
                }
            )
            style: dict[str, Any] = {"verticalAlignment": "TOP"}  # rows grow with wrapped cells: read from the top
            if look.wrap:
                style["wrapStrategy"] = "WRAP"
            self.out.requests.append(
                {
                    "repeatCell": {
                        "range": self._column_range(info, col),
                        "cell": {"userEnteredFormat": style},
                        "fields": ",".join(f"userEnteredFormat.{name}" for name in style),
                    }
                }
            )

    def _row_link(self, ref: RowRef) -> Formula | str:
        """A HYPERLINK that finds its row by key on every recalculation, so it survives a sort."""
        info = self.sheets.get(ref.tab)
        if not ref.findable or info is None or ref.key_col is None or ref.col is None:
            return ref.text
        key_col = column_letter(ref.key_col)
        row = ref.match(f"{quote_sheet_name(ref.tab)}!${key_col}:${key_col}")
        tab = ref.tab.replace('"', '""')
        return Formula(
            f'=IFERROR(HYPERLINK("#gid={info.sheet_id}&range={column_letter(ref.col)}"&{row},'
            f'"{tab} row "&{row}),"{tab} (row gone)")'
        )

    def _link(self, target: str) -> str:
        """A URL as is; 'Tab!A12' as Google's in-spreadsheet link '#gid=<sheetId>&range=A12'."""
        if "://" in target or target.startswith("mailto:"):
            return target
        tab, cell = split_ref(target)
        info = self.sheets.get(tab)
        gid = info.sheet_id if info else 0
        return f"#gid={gid}&range={cell or 'A1'}"


class _CellFormats:
    """Format parts and formulas per cell, merged so each cell gets one updateCells request."""

    def __init__(self) -> None:
        self.parts: dict[tuple[int, int], tuple[dict[str, Any], list[str]]] = {}
        self.formulas: dict[tuple[int, int], str] = {}

    def add(self, cell: tuple[int, int], part: Mapping[str, Any], path: str) -> None:
        data, paths = self.parts.setdefault(cell, ({}, []))
        _deep_update(data, part)
        paths.append(path)

    def updates(self) -> list[tuple[tuple[int, int], dict[str, Any], str]]:
        """(cell, CellData, fields) in row-major order."""
        out = []
        for cell in sorted(self.parts.keys() | self.formulas.keys()):
            data, paths = self.parts.get(cell, ({}, []))
            cell_data: dict[str, Any] = {"userEnteredFormat": data} if data else {}
            fields = list(paths)
            if cell in self.formulas:
                cell_data["userEnteredValue"] = {"formulaValue": self.formulas[cell]}
                fields.append("userEnteredValue")
            out.append((cell, cell_data, ",".join(fields)))
        return out


_UNKNOWN = object()  # what a formula shows when sheetsync cannot tell: never equal to a line as read
RENDERING = 3  # bump when the way a whole tab is rendered changes, so every such tab is rendered again once


def _line_key(line: list[Any], shown: Mapping[int, Any] | None = None) -> tuple[Any, ...] | object:
    """What a line shows, as a sheet reads it back: numbers as numbers, blanks as None, trailing blanks off.
    A formula cell counts by what it shows (`shown`); a line with a formula of unknown result is unique."""
    cells = []
    for c, value in enumerate(line, start=1):
        if shown and c in shown:
            value = shown[c]
            if value is _UNKNOWN:
                return object()
        cells.append(_cell_key(value))
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def _cell_key(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def _changed_lines(keys: list[Any], old_keys: list[Any], height: int) -> list[int]:
    """Rows (1-based, up to `height`) whose line differs from the line as read at the same place."""
    return [
        r
        for r in range(1, height + 1)
        if (keys[r - 1] if r <= len(keys) else ()) != (old_keys[r - 1] if r <= len(old_keys) else ())
    ]


def _lines_digest(keys: Sequence[Any]) -> str:
    """The lines as they show (see `_line_key`), in order."""
    return hashlib.sha256(json.dumps(keys, default=str).encode()).hexdigest()[:16]


def _exact_digest(updates: list[tuple[tuple[int, int], dict[str, Any], str]]) -> str:
    """Every cell's format and formula, where it is."""
    return hashlib.sha256(json.dumps(updates, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _at(values: list[list[Any]], row: int, col: int) -> Any:
    line = values[row - 1] if row <= len(values) else []
    return line[col - 1] if col <= len(line) else None


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for row in sorted(rows):
        if out and out[-1][1] == row - 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def _deep_update(target: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value


def _blocks(rows: Mapping[int, Mapping[int, Any]]) -> list[tuple[int, int, list[list[Any]]]]:
    """Cells of one tab as a few rectangles (first row, first column, rows of values).

    Cells inside a rectangle that nothing writes are sent as null, which Google skips, so what a
    person typed there stays. Consecutive rows share a rectangle while the nulls stay few.
    """
    out: list[tuple[int, int, list[list[Any]]]] = []
    group: list[int] = []
    lo = hi = filled = 0  # the current group's columns and cells, kept as it grows (linear in the rows)

    def close() -> None:
        if group:
            block = [[rows[r].get(c) for c in range(lo, hi + 1)] for r in group]
            out.append((group[0], lo, block))

    for row in sorted(rows):
        cells = rows[row]
        first, last, count = min(cells), max(cells), len(cells)
        if group and group[-1] == row - 1:
            new_lo, new_hi, new_filled = min(lo, first), max(hi, last), filled + count
            if (len(group) + 1) * (new_hi - new_lo + 1) - new_filled <= 2 * new_filled + 20:
                group.append(row)
                lo, hi, filled = new_lo, new_hi, new_filled
                continue
        close()
        group, lo, hi, filled = [row], first, last, count
    close()
    return out


_A1_RE = re.compile(r"^\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?$")


def grid_range(a1_range: str, sheet_id: int) -> dict[str, Any]:
    """'B3:B9' (same tab) -> a GridRange."""
    match = _A1_RE.match(a1_range.split("!")[-1])
    if not match:
        raise ValueError(f"not an A1 range: {a1_range!r}")
    c1, r1, c2, r2 = match.groups()
    c2, r2 = c2 or c1, r2 or r1

    def col(letters: str) -> int:
        n = 0
        for ch in letters.upper():
            n = n * 26 + ord(ch) - 64
        return n

    return {
        "sheetId": sheet_id,
        "startRowIndex": int(r1) - 1,
        "endRowIndex": int(r2),
        "startColumnIndex": col(c1) - 1,
        "endColumnIndex": col(c2),
    }


def chart_json(spec: ChartSpec, sheet_id: int) -> dict[str, Any]:
    """An EmbeddedChart (basic bar/column/line) for addChart, with its own id so a replay is detectable."""
    kind = {"bar": "BAR", "column": "COLUMN", "line": "LINE"}.get(spec.kind, "COLUMN")
    value_axis = "BOTTOM_AXIS" if kind == "BAR" else "LEFT_AXIS"
    anchor = grid_range(spec.anchor, sheet_id)
    axes = [{"position": value_axis, "title": spec.y_title}] if spec.y_title else []
    return {
        "chartId": new_id(),
        "spec": {
            "title": spec.title,
            "basicChart": {
                "chartType": kind,
                "legendPosition": "BOTTOM_LEGEND" if len(spec.series) > 1 else "NO_LEGEND",
                "axis": axes,
                "domains": [{"domain": {"sourceRange": {"sources": [grid_range(spec.categories, sheet_id)]}}}],
                "series": [
                    {"series": {"sourceRange": {"sources": [grid_range(s, sheet_id)]}}, "targetAxis": value_axis}
                    for s in spec.series
                ],
                "headerCount": 0,
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": {
                    "sheetId": sheet_id,
                    "rowIndex": anchor["startRowIndex"],
                    "columnIndex": anchor["startColumnIndex"],
                },
                "widthPixels": int(spec.width_cm * _PIXELS_PER_CM),
                "heightPixels": int(spec.height_cm * _PIXELS_PER_CM),
            }
        },
    }
