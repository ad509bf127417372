"""Report tabs: render titled sections of pandas DataFrames (and charts of them) into a TabContent.

A report tab reads top to bottom: a title, an "as of" line, a band with the key figures on the
left and the charts beside them, then one section per table (a bold section title, an optional
note, bold column headers, the rows). Numbers stay numbers with a number format; a missing
figure (NaN, NA, a division by zero the caller left as NA) shows as "n/a", a missing date or text
as blank. Columns whose name starts with "_" are not shown (they carry links or formats).

    tab = render_summary("Summary - Orders", "Orders", "As of 26 Nov 2026", [
        Section("Key figures", key_figures([("Orders", 12, "int")]), key=True),
        Section("By channel", by_channel, formats={"Share": "percent"},
                chart=Chart("bar", "Orders by channel", "Channel", ("Orders",))),
    ])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from .model.a1 import a1, column_letter
from .model.layout import ChartSpec, TabContent, TabLayout

NA_TEXT = "n/a"
GAP = '"  "'  # number-format text after a right-aligned value, so the next column's text does not touch it
FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "days": "#,##0",
}
NUMERIC = {"int", "decimal", "percent", "money", "days"}
CHART_ROW_CM = 0.5  # a default row is about half a centimetre tall
CHAR_CM = 0.23  # one character of column width, roughly (Excel ~0.19, LibreOffice ~0.25), to place charts


@dataclass(frozen=True)
class Chart:
    """A chart of one section's table: category column and one or more value columns."""

    kind: str  # "bar" (horizontal), "column" or "line"
    title: str
    categories: str
    values: tuple[str, ...]
    y_title: str = ""
    max_rows: int | None = None  # chart only the first N rows (tables are sorted biggest first)
    width_cm: float = 15
    height_cm: float = 7.5


@dataclass
class Section:
    """A titled table. `formats` maps column -> int|decimal|percent|money|date|days|text or a raw format."""

    title: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    note: str = ""
    empty: str = "Nothing to show."
    links: dict[str, str] = field(default_factory=dict)  # shown column -> hidden column holding "Tab!A12" / URL
    chart: Chart | None = None
    charts: list[Chart] = field(default_factory=list)
    key: bool = False  # the key figures: placed in the top band beside the charts
    max_rows: int | None = None  # show the first N rows only (the note should say so)
    columns: list[str] | None = None  # show only these columns of the frame, in this order

    @property
    def shown(self) -> list[str]:
        if self.columns is not None:
            return [c for c in self.columns if c in self.frame.columns]
        return [c for c in self.frame.columns if not str(c).startswith("_")]


def key_figures(items: Sequence[tuple[str, Any, str]]) -> pd.DataFrame:
    """A two-column frame (Figure, Value) from (label, value, format) triples; formats kept in `_format`."""
    return pd.DataFrame(
        {
            "Figure": [label for label, _, _ in items],
            "Value": pd.Series([value for _, value, _ in items], dtype=object),
            "_format": [fmt for _, _, fmt in items],
        }
    )


def render_summary(
    name: str, title: str, subtitle: str, sections: Sequence[Section], *, currency: str = "$"
) -> TabContent:
    """Lay the sections out on one tab; charts sit in the top band, right of the key figures."""
    page = _Page(currency)
    page.put(1, 1, title, bold=True)
    page.put(2, 1, subtitle)
    top = 4
    keys = [s for s in sections if s.key]
    others = [s for s in sections if not s.key]
    charts = [(s, _sized(s, c)) for s in sections for c in ([s.chart] if s.chart else []) + list(s.charts)]
    row = top
    placed: dict[int, tuple[int, int]] = {}  # id(section) -> (first data row, column offset)
    for section in keys:
        row = page.section(section, row, placed) + 1
    band_end = row
    chart_col = max(3, page.used_cols + 2) if keys else 1
    table_top = band_end
    if charts:
        chart_rows = max(math.ceil(c.height_cm / CHART_ROW_CM) + 1 for _, c in charts)
        table_top = max(band_end, top + chart_rows + 1) if keys else top + chart_rows + 1
    row = table_top
    for section in others:
        row = page.section(section, row, placed) + 1
    widths = page.widths()
    specs = []
    col = chart_col
    for section, chart in charts:
        spec = _chart_spec(section, chart, placed, f"{column_letter(col)}{top}")
        if spec is None:
            continue
        specs.append(spec)
        col = _column_after(widths, col, chart.width_cm + 0.4)
    layout = TabLayout(
        frozen_rows=2,
        widths=widths,
        number_formats=page.formats,
        bold=page.bold,
        links=page.links,
        charts=specs,
        fit_width=True,
        align=page.align,
    )
    return TabContent(name, page.grid(), layout)


class _Page:
    """A growing grid of cells with their formats, bold cells and links."""

    def __init__(self, currency: str):
        self.cells: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.bold: set[tuple[int, int]] = set()
        self.links: dict[tuple[int, int], str] = {}
        self.align: dict[tuple[int, int], str] = {}
        self.measure: dict[int, int] = {}  # col -> widest value (titles and notes excluded)
        self.money = f'"{currency}"#,##0.00' if currency not in ("$", "£", "€") else f"{currency}#,##0.00"
        self.used_cols = 0

    def put(
        self, r: int, c: int, value: Any, *, bold: bool = False, fmt: str | None = None, measure: bool = False
    ) -> None:
        self.cells[(r, c)] = value
        if bold:
            self.bold.add((r, c))
        if fmt and isinstance(value, (int, float, datetime)):
            self.formats[(r, c)] = fmt
        if value == NA_TEXT:
            self.align[(r, c)] = "right"
        if measure and value is not None:
            self.measure[c] = max(self.measure.get(c, 0), _shown_length(value, fmt))

    def section(self, section: Section, row: int, placed: dict) -> int:
        """Write one section from `row`; returns the row after its last line."""
        self.put(row, 1, section.title, bold=True)
        row += 1
        if section.note:
            self.put(row, 1, section.note)
            row += 1
        frame = section.frame
        shown = section.shown
        if frame.empty:
            self.put(row, 1, section.empty)
            placed[id(section)] = (row + 1, 0)
            return row + 1
        if section.key:
            return self._key_rows(section, frame, row, placed)
        kinds = [section.formats.get(header, "text") for header in shown]
        # A number right against the text of the next column reads as one word ("4Not As Described"):
        # such a column's formats end in spaces, in every spreadsheet program, its header's too.
        padded = {c for c, kind in enumerate(kinds, start=1) if c < len(kinds) and kinds[c] == "text"}
        for c, header in enumerate(shown, start=1):
            self.put(row, c, str(header), bold=True, measure=True)
            if kinds[c - 1] != "text":
                self.align[(row, c)] = "right"  # over its numbers and dates
                if c in padded:
                    self.formats[(row, c)] = f"@{GAP}"
        self.used_cols = max(self.used_cols, len(shown))
        row += 1
        placed[id(section)] = (row, 0)
        limit = section.max_rows or len(frame)
        for record in frame.head(limit).to_dict("records"):  # plain dicts: iterrows builds a Series per row
            for c, header in enumerate(shown, start=1):
                kind = kinds[c - 1]
                value = cell_value(record[header], kind)
                fmt = self._format(kind)
                self.put(row, c, value, fmt=f"{fmt}{GAP}" if fmt and c in padded else fmt, measure=True)
                if value == NA_TEXT and c in padded:
                    self.align[(row, c)] = "center"  # text takes no number format: keep it off its neighbour
                target = section.links.get(header)
                if target and _present(record.get(target)) and value not in (None, ""):
                    self.links[(row, c)] = str(record[target])
            row += 1
        return row

    def _key_rows(self, section: Section, frame: pd.DataFrame, row: int, placed: dict) -> int:
        placed[id(section)] = (row, 0)
        for record in frame.to_dict("records"):
            kind = str(record.get("_format") or "text")
            self.put(row, 1, str(record["Figure"]), measure=True)
            self.put(row, 2, cell_value(record["Value"], kind), fmt=self._format(kind), measure=True)
            row += 1
        self.used_cols = max(self.used_cols, 2)
        return row

    def _format(self, kind: str) -> str | None:
        if kind == "money":
            return self.money
        if kind == "text":
            return None
        return FORMATS.get(kind, kind)

    def grid(self) -> list[list[Any]]:
        if not self.cells:
            return []
        rows = max(r for r, _ in self.cells)
        cols = max(c for _, c in self.cells)
        out = [[None] * cols for _ in range(rows)]
        for (r, c), value in self.cells.items():
            out[r - 1][c - 1] = value
        return [_trim_row(line) for line in out]

    def widths(self) -> dict[int, float]:
        out = {}
        for col, length in self.measure.items():
            out[col] = float(min(40 if col == 1 else 26, max(10, length + 3)))
        return out


def _trim_row(line: list[Any]) -> list[Any]:
    end = len(line)
    while end and line[end - 1] in (None, ""):
        end -= 1
    return line[:end]


def _present(value: Any) -> bool:
    try:
        return value is not None and not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def cell_value(value: Any, kind: str = "text") -> Any:
    """A DataFrame value as a cell: plain Python numbers, naive midnight datetimes for dates, n/a for gaps."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    if not _present(value):
        return NA_TEXT if kind in NUMERIC else None
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        return datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        value = float(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar to Python
    if isinstance(value, float):
        if math.isinf(value):
            return NA_TEXT
        if kind in ("int", "days") and value.is_integer():
            return int(value)
        return round(value, 10)
    return value


def _shown_length(value: Any, fmt: str | None) -> int:
    if isinstance(value, datetime):
        return 10
    if isinstance(value, float):
        if fmt and "%" in fmt:
            return len(f"{value * 100:.1f}%")
        return len(f"{value:,.2f}") + (1 if fmt and "0.00" in fmt else 0)
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))


def _column_after(widths: dict[int, float], col: int, span_cm: float) -> int:
    """The first column right of a span of `span_cm` starting at `col` (default width 13 characters)."""
    covered = 0.0
    while covered < span_cm:
        covered += widths.get(col, 13) * CHAR_CM
        col += 1
    return col


def _sized(section: Section, chart: Chart) -> Chart:
    """A horizontal bar chart tall enough to label every bar."""
    if chart.kind != "bar":
        return chart
    rows = min(len(section.frame), section.max_rows or len(section.frame), chart.max_rows or len(section.frame))
    height = max(chart.height_cm, 0.55 * rows + 2.5)
    return Chart(
        chart.kind, chart.title, chart.categories, chart.values, chart.y_title, chart.max_rows, chart.width_cm, height
    )


def _chart_spec(section: Section, chart: Chart, placed: dict, anchor: str) -> ChartSpec | None:
    start = placed.get(id(section))
    frame = section.frame
    if start is None or frame.empty:
        return None
    shown = section.shown
    rows = min(len(frame), section.max_rows or len(frame), chart.max_rows or len(frame))
    first, last = start[0], start[0] + rows - 1

    def column_range(header: str) -> str:
        c = shown.index(header) + 1
        return f"{a1(first, c)}:{a1(last, c)}"

    return ChartSpec(
        chart.kind,
        chart.title,
        anchor,
        column_range(chart.categories),
        tuple(column_range(v) for v in chart.values),
        tuple(chart.values),
        chart.y_title,
        chart.width_cm,
        chart.height_cm,
    )
