"""How job-written tabs and cells look: layouts, charts, new tabs, and the marks sheetsync puts on cells."""

from __future__ import annotations

from dataclasses import dataclass, field

from .grid import Grid

FILLS = {"error": "F4CCCC", "warning": "FFF2CC"}  # light red, light yellow: ours, so we can take them back
NOTE_PREFIX = "sheetsync: "  # how sheetsync's own cell notes are told from people's on every backend


@dataclass(frozen=True)
class ChartSpec:
    """A native chart on a tab; ranges are A1 on the same tab."""

    kind: str  # "bar" (horizontal), "column" or "line"
    title: str
    anchor: str
    categories: str
    series: tuple[str, ...]
    series_titles: tuple[str, ...] = ()
    y_title: str = ""
    width_cm: float = 16
    height_cm: float = 8


@dataclass
class TabLayout:
    """How a job-written tab looks: number formats, bold cells, widths, frozen rows, charts, links."""

    frozen_rows: int = 0
    widths: dict[int, float] = field(default_factory=dict)  # col -> width in characters
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    bold: set[tuple[int, int]] = field(default_factory=set)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> "Tab!A12" or URL
    charts: list[ChartSpec] = field(default_factory=list)
    hidden: bool = False
    fit_width: bool = False  # print landscape, scaled to one page wide (reports with charts beside tables)
    align: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> "left"|"right"|"center" [+ " wrap"]


@dataclass(frozen=True)
class Kept:
    """Columns people own on a tab a job rewrites whole (a To Do's Done), carried by a key column's value.

    The job carries the values it read; the guard carries them again from its re-read just before the
    write, so a value typed while the run worked is never lost.
    """

    key: str  # the header of the column whose values identify a line (a stable action id)
    columns: tuple[str, ...]  # the headers people own


@dataclass
class TabContent:
    """A whole tab a job owns and rewrites (summaries, To Do)."""

    name: str
    rows: Grid
    layout: TabLayout = field(default_factory=TabLayout)
    job: str | None = None  # the job that wrote it (set by the runner)
    kept: Kept | None = None  # person-owned columns carried across rewrites


@dataclass(frozen=True)
class ColumnLook:
    """How a column shows in the sheet: width in characters, text wrapped (top-aligned), hidden."""

    width: float | None = None
    wrap: bool = False
    hidden: bool = False


@dataclass
class NewTab:
    """A tab to create (or complete) with its header row and sheet-native helpers.

    With no headers it only restyles an existing tab: its frozen panes and the looks of some columns.
    """

    name: str
    headers: list[str]
    hidden: bool = False
    dropdowns: dict[int, list[str]] = field(default_factory=dict)  # col -> allowed values
    header_notes: dict[int, str] = field(default_factory=dict)
    protected_cols: list[int] = field(default_factory=list)  # job-owned: warning-only protection
    number_formats: dict[int, str] = field(default_factory=dict)  # col -> format for data cells
    first_new_col: int = 1  # when completing an existing tab, headers start here
    looks: dict[int, ColumnLook] = field(default_factory=dict)  # sheet column number -> how it shows
    freeze: tuple[int, int] | None = None  # (rows, columns) to freeze; None: the header row on a new tab, else as is


@dataclass(frozen=True)
class RowRef:
    """A cell of a whole tab that names a row of another tab ("Orders row 14") and links to it.

    It is resolved just before the write, against the guard's read, so it names the row where it is
    when written; backends that can also write a link that finds the row by its key (a HYPERLINK over
    MATCH) do, so the link survives a later sort.
    """

    tab: str
    key: str  # the row's key once this run's writes land (an id issued in this run included)
    sheet_row: int  # where the row was when the run read it
    column: str | None = None  # the header the link points at (default: the key column)
    read_key: str | None = None  # the row's key as read, when it differs (a row given an id in this run)
    row: int | None = None  # where the row is at write time (set by the guard); None: not found
    col: int | None = None  # the linked column's number at write time
    key_col: int | None = None  # the key column's number at write time, when the key is on this row only
    resolved: bool = False

    @property
    def findable(self) -> bool:
        """Whether a link can find the row by its key (the row was found and no other row holds the key)."""
        return self.row is not None and self.col is not None and self.key_col is not None

    @property
    def text(self) -> str:
        if not self.resolved:
            return f"{self.tab} row {self.sheet_row}"
        return f"{self.tab} row {self.row}" if self.row is not None else f"{self.tab} (row gone)"

    def __str__(self) -> str:
        return self.text

    def match(self, key_range: str) -> str:
        """A formula part giving the row that holds the key now: MATCH("A-1006",'Orders'!$A:$A,0)."""
        quoted = self.key.replace('"', '""')
        return f'MATCH("{quoted}",{key_range},0)'


def _fold(text: object) -> str:
    return " ".join(str(text).split()).casefold() if text is not None else ""


def kept_values(values: Grid, kept: Kept) -> dict[str, dict[str, object]]:
    """The person-owned cells of a rewritten tab as read: line key -> header -> raw value (blanks left out).

    Headers are found in row 1 in any case, spacing or order; a key on several lines keeps its first."""
    if not values:
        return {}
    where = {_fold(h): c for c, h in enumerate(values[0])}
    key_col = where.get(_fold(kept.key))
    if key_col is None:
        return {}
    cols = {h: where[_fold(h)] for h in kept.columns if _fold(h) in where}
    out: dict[str, dict[str, object]] = {}
    for line in values[1:]:
        key = line[key_col] if key_col < len(line) else None
        if key in (None, "") or str(key) in out:
            continue
        cells = {h: line[c] for h, c in cols.items() if c < len(line) and line[c] not in (None, "")}
        out[str(key)] = cells
    return out


def carry_kept(content: TabContent, values: Grid) -> TabContent:
    """`content` with its person-owned cells set from `values` (the tab as read), line by line by key."""
    kept = content.kept
    if kept is None or not content.rows:
        return content
    found = kept_values(values, kept)
    header = [_fold(h) for h in content.rows[0]]
    if _fold(kept.key) not in header:
        return content
    key_col = header.index(_fold(kept.key))
    cols = {h: header.index(_fold(h)) for h in kept.columns if _fold(h) in header}
    rows = [list(content.rows[0])]
    for line in content.rows[1:]:
        line = list(line)
        key = line[key_col] if key_col < len(line) else None
        if key not in (None, ""):
            cells = found.get(str(key), {})
            for h, c in cols.items():
                while len(line) <= c:
                    line.append(None)
                line[c] = cells.get(h)
        rows.append(line)
    return TabContent(content.name, rows, content.layout, content.job, kept)
