"""Local .xlsx workbook on openpyxl: the embedded default, so nobody needs a Google account to start.

Reads formula results and saves the formulas with their results (see cache.py); keeps every tab,
style, width, freeze, filter, comment and data validation it does not own; saves atomically;
refuses to save over a file someone changed since it was read (checked again just before the new
file takes its place) and while Excel or LibreOffice has it open; holds a lock file for the run.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import hashlib
import io
import logging
import os
import tempfile
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...errors import WorkbookChanged, WorkbookError, WorkbookNotFound
from ...model.a1 import column_letter, quote_sheet_name, split_ref
from ...model.grid import TabData
from ...model.layout import FILLS, NOTE_PREFIX, ColumnLook, NewTab, RowRef, TabContent
from ...model.values import Formula
from ..base import NOTE_AUTHOR, Backend, GuardScope, WriteBatch
from . import cache, fastread
from .charts import add_chart
from .locks import RunLock, refuse_if_open_elsewhere

log = logging.getLogger(__name__)

HEADER_NOTE_AUTHOR = "sheetsync (column guide)"


class XlsxBackend(Backend):
    """One .xlsx file; the lock file sits beside it."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser().resolve()
        self.target = str(self.path)
        self.requests = 0
        self._book: openpyxl.Workbook | None = None
        self._bytes: bytes | None = None
        self._names: list[str] = []
        self._all: dict[str, TabData] = {}
        self._seen: tuple[str | None, tuple[int, int, int] | None] = (None, None)  # (digest, identity) as read
        self._data: dict[str, TabData] = {}
        self._formulas: dict[str, dict[tuple[int, int], str]] = {}  # tab -> cell -> formula, as read
        self._lock = RunLock(self.path)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock.held():
            # Every sheetsync save runs under this lock, so a temp file of ours found now was left by a run
            # killed mid-save (the workbook itself is whole: the old file or the new one).
            for stale in self.path.parent.glob(f".~{glob.escape(self.path.stem)}.*.xlsx.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
                    log.info("removed %s, left by a run stopped while saving", stale.name)
            yield

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def tab_names(self) -> list[str]:
        if not self.exists:
            return []
        self._read_file()
        return list(self._names)

    def read(self, tabs: Sequence[str]) -> dict[str, TabData]:
        if not self.exists:
            raise WorkbookNotFound(f"{self.path}: no such workbook (sheetsync init creates one)")
        self._read_file()
        self._data = {name: data for name, data in self._all.items() if name in tabs}
        return self._data

    def guard_read(self, tabs: Sequence[str], scopes: Mapping[str, GuardScope] | None = None) -> dict[str, TabData]:
        self._check_unchanged()
        self._data.update({name: self._all[name] for name in tabs if name in self._all})  # tabs read() left out
        return {name: self._data[name] for name in tabs if name in self._data}

    def write(self, batch: WriteBatch) -> None:
        if not batch:
            return
        refuse_if_open_elsewhere(self.path)
        self._check_unchanged()  # early: no point building a save that would be refused
        book = self._open_book() if self.exists else self._new_book()
        for new in batch.new_tabs:
            _add_tab(book, new)
        grown: dict[str, set[int]] = {}
        sheets: dict[str, Worksheet] = {}
        column_looks: dict[tuple[str, int], tuple[int, bool] | None] = {}
        for cell in batch.every_cell():
            sheet = sheets.get(cell.tab) or sheets.setdefault(cell.tab, _sheet(book, cell.tab))
            target = sheet.cell(cell.row, cell.col)
            _set_value(target, cell.value)
            if cell.row == 1:
                continue
            where = (cell.tab, cell.col)
            if where not in column_looks:
                column_looks[where] = _column_alignment(sheet, cell.col)
            if _wrap_if_needed(target, column_looks[where], cell.value):
                grown.setdefault(cell.tab, set()).add(cell.row)
        for tab, rows in grown.items():
            fit_rows(book[tab], rows)
        for note in batch.notes:
            _set_note(_sheet(book, note.tab).cell(note.row, note.col), note.note, note.fill)
        for content in batch.contents:
            _replace_tab(book, content)
        self._save(book, self._results(book, batch))

    def _read_file(self) -> None:
        """One read of the file: its bytes (kept, so a write edits exactly what was read), names and values."""
        if self._bytes is not None:
            return
        self.requests += 1
        identity = _identity(self.path)
        data = self.path.read_bytes()
        self._seen = (hashlib.sha256(data).hexdigest(), identity)
        try:
            self._names, self._all = fastread.read_book(data, None, NOTE_PREFIX)
        except Exception as ex:  # a damaged or non-xlsx file raises many kinds of errors
            raise WorkbookError(
                f"{self.path}: cannot open as .xlsx ({type(ex).__name__}: {ex}); is it really an "
                "Excel workbook? Restore it, or point workbook.target / --workbook at the right file"
            ) from ex
        self._bytes = data

    def _open_book(self) -> openpyxl.Workbook:
        """The full workbook, loaded only for a write, from the very bytes the run read."""
        if self._book is None:
            self._read_file()
            assert self._bytes is not None
            self._book = openpyxl.load_workbook(io.BytesIO(self._bytes), rich_text=False)
            self._formulas = {
                sheet.title: {(c.row, c.column): str(c.value) for c in sheet._cells.values() if c.data_type == "f"}
                for sheet in self._book.worksheets
            }
        return self._book

    def _new_book(self) -> openpyxl.Workbook:
        if self.exists:
            raise WorkbookChanged(f"{self.path} appeared on disk while this run was creating it; run again")
        book = openpyxl.Workbook()
        book.remove(book.active)
        self._book = book
        return book

    def _check_unchanged(self) -> None:
        """Refuse when the file on disk is not the one this run read (someone saved it meanwhile)."""
        digest, identity = self._seen
        if _digest(self.path) != digest or _identity(self.path) != identity:
            raise WorkbookChanged(
                f"{self.path.name} was saved by someone else since this run read it; nothing was written. "
                "Run again to work on their version."
            )

    def _save(self, book: openpyxl.Workbook, results: dict[str, dict[tuple[int, int], Any]]) -> None:
        """Write a complete temp file beside the workbook, check the workbook is still the one read, replace.

        The check comes after the slow part (openpyxl's save and the fsync), so a person's save can only
        slip in between the last check and os.replace: microseconds. A kill leaves the old or the new file.
        """
        self.requests += 1
        buffer = io.BytesIO()
        book.save(buffer)
        data = cache.put_results(buffer.getvalue(), results)
        fd, tmp = tempfile.mkstemp(prefix=f".~{self.path.stem}.", suffix=".xlsx.tmp", dir=self.path.parent)
        try:
            os.chmod(tmp, self.path.stat().st_mode & 0o7777 if self.exists else 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            refuse_if_open_elsewhere(self.path)
            self._check_unchanged()
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._seen = (hashlib.sha256(data).hexdigest(), _identity(self.path))
        self._bytes, self._book = None, None  # a later read (a next run on this backend) reads the new file

    def _results(self, book: openpyxl.Workbook, batch: WriteBatch) -> dict[str, dict[tuple[int, int], Any]]:
        """Each formula's result to keep in the file: as read, or recomputed where this batch changed its inputs."""
        written = {(c.tab, c.row, c.col) for c in batch.every_cell()}
        replaced = {content.name for content in batch.contents}
        formulas = {tab: dict(cells) for tab, cells in self._formulas.items() if tab not in replaced}
        for cell in batch.every_cell():
            if isinstance(cell.value, Formula):
                formulas.setdefault(cell.tab, {})[(cell.row, cell.col)] = str(cell.value)
        changed: dict[str, set[tuple[int, int]]] = {}
        for t, r, c in written:
            changed.setdefault(t.upper(), set()).add((r, c))
        names = {name.upper(): name for name in book.sheetnames}
        results: dict[str, dict[tuple[int, int], Any]] = {}
        for content in batch.contents:  # sheetsync's own formulas: their results are known
            for r, line in enumerate(content.rows, start=1):
                for c, value in enumerate(line, start=1):
                    if isinstance(value, RowRef):
                        results.setdefault(content.name, {})[(r, c)] = value.text

        def lookup(tab: str, row: int, col: int) -> Any:
            name = names.get(tab.upper(), tab)
            if (row, col) in results.get(name, {}):
                return results[name][(row, col)]
            cell = book[name]._cells.get((row, col)) if name in book.sheetnames else None
            if cell is None:
                return None
            if cell.data_type == "f":
                read = self._data.get(name)
                return read.cell(row, col) if read is not None else None
            return cell.value

        for tab, cells in formulas.items():
            read = self._data.get(tab)
            for (row, col), formula in sorted(cells.items()):
                if (tab, row, col) in written or _reads_changed(formula, tab, changed):
                    value = cache.recompute(formula, tab, lookup)
                else:
                    value = read.cell(row, col) if read is not None else None
                results.setdefault(tab, {})[(row, col)] = value
        return results


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file is at `path` now (inode, size, modification time): an atomic save by a desktop app changes it."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def _reads_changed(formula: str, tab: str, changed: Mapping[str, set[tuple[int, int]]]) -> bool:
    """Whether a formula reads a cell this batch wrote (`changed`: sheet, upper case -> cells written)."""
    if not changed:
        return False
    for sheet, r0, c0, r1, c1 in cache.references(formula, tab):
        cells = changed.get(sheet.upper())
        if not cells:
            continue
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= len(cells):  # a small range: look its cells up
            if any((r, c) in cells for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)):
                return True
        elif any(r0 <= r <= r1 and c0 <= c <= c1 for r, c in cells):
            return True
    return False


def _sheet(book: openpyxl.Workbook, name: str) -> Worksheet:
    if name not in book.sheetnames:
        raise WorkbookError(f"the workbook has no tab {name!r}")
    return book[name]


def _set_value(cell: Any, value: Any) -> None:
    if isinstance(value, RowRef):
        cell.value = row_link_formula(value) if value.findable else value.text
        return
    cell.value = str(value) if isinstance(value, Formula) else value
    if isinstance(value, str) and value.startswith("=") and not isinstance(value, Formula):
        cell.data_type = "s"  # text a person typed that looks like a formula stays text


def _set_note(cell: Any, note: str | None, fill: str | None) -> None:
    ours = cell.fill is not None and str(cell.fill.fgColor.rgb)[-6:] in _OUR_FILLS
    if note is None:
        if cell.comment is not None and _ours(cell.comment):
            cell.comment = None
        if ours:
            cell.fill = PatternFill(fill_type=None)
        return
    if cell.comment is None or _ours(cell.comment):  # a person's own comment stays as they wrote it
        comment = Comment(note, NOTE_AUTHOR)
        comment.width, comment.height = 320, 120
        cell.comment = comment
    if fill and (ours or cell.fill is None or cell.fill.fill_type is None):
        cell.fill = PatternFill("solid", fgColor=fill)  # never paint over a person's own colour
    elif not fill and ours:
        cell.fill = PatternFill(fill_type=None)  # a note that is no problem: no highlight


_OUR_FILLS = set(FILLS.values())


def _ours(comment: Comment) -> bool:
    """sheetsync's own note, whatever author a desktop app saved it with (LibreOffice drops ours)."""
    return str(comment.text or "").lstrip().startswith(NOTE_PREFIX.strip()) or comment.author == NOTE_AUTHOR


def _add_tab(book: openpyxl.Workbook, new: NewTab) -> None:
    created = new.name not in book.sheetnames
    sheet = book.create_sheet(new.name) if created else book[new.name]
    if new.hidden:
        sheet.sheet_state = "hidden"
    for offset, header in enumerate(new.headers):
        col = new.first_new_col + offset
        cell = sheet.cell(1, col, header)
        cell.font = Font(bold=True)
        if col not in new.looks:
            sheet.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(header) + 4))
        if offset + 1 in new.header_notes:
            cell.comment = Comment(new.header_notes[offset + 1], HEADER_NOTE_AUTHOR)
        fmt = new.number_formats.get(offset + 1)
        if fmt:
            for row in range(2, 1001):
                sheet.cell(row, col).number_format = fmt
    rewrapped: set[int] = set()
    for col, look in new.looks.items():
        rewrapped |= _set_look(sheet, col, look)
    fit_rows(sheet, rewrapped)
    freeze = new.freeze or ((1, 0) if created else None)
    if freeze is not None:
        rows, cols = freeze
        sheet.freeze_panes = f"{get_column_letter(cols + 1)}{rows + 1}" if rows or cols else None
    for offset, values in new.dropdowns.items():
        _add_dropdown(sheet, new.first_new_col + offset - 1, values)


def _set_look(sheet: Worksheet, col: int, look: ColumnLook) -> set[int]:
    """Width, wrap and hidden on the column; wrap also on the cells it already holds. The rows it rewrapped."""
    dimension = sheet.column_dimensions[get_column_letter(col)]
    if look.width is not None:
        dimension.width = look.width
    dimension.hidden = look.hidden
    dimension.alignment = WRAPPED if look.wrap else TOP
    rows = set()
    for row in range(2, sheet.max_row + 1):
        cell = sheet._cells.get((row, col))
        if cell is not None and cell.value is not None:
            cell.alignment = copy.copy(dimension.alignment)
            rows.add(row)
    return rows if look.wrap else set()


WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # rows grow with wrapped cells: every cell of a row then reads from the top


def _column_alignment(sheet: Worksheet, col: int) -> tuple[int, bool] | None:
    """The alignment a column's style gives its cells, when it sets one (sheetsync's looks do): the
    workbook's index of that alignment, and whether it wraps."""
    column = sheet.column_dimensions.get(get_column_letter(col))
    if column is None or column.alignment is None or column.alignment.vertical is None:
        return None
    return sheet.parent._alignments.add(copy.copy(column.alignment)), bool(column.alignment.wrap_text)


def _wrap_if_needed(cell: Any, column: tuple[int, bool] | None, value: Any) -> bool:
    """A cell sheetsync writes takes its column's wrap, and wraps anyway when it holds several lines.

    True when the cell wraps: its row's height may need to change.
    """
    # A cell's alignment is an index into the workbook's list of alignments (0: the default). Going
    # through `cell.alignment` builds a proxy and hashes an Alignment per cell, which dominated the
    # writing of large batches, so this reads and sets the index as openpyxl's own descriptor does.
    style = cell._style
    current = style.alignmentId if style is not None else 0
    if current and cell.parent.parent._alignments[current].wrap_text:
        return True
    if column is not None and not current:
        if style is None:
            cell._style = style = StyleArray()
        style.alignmentId = column[0]  # as the column's style would give a cell a person typed
        if column[1]:
            return True
    if isinstance(value, str) and "\n" in value:
        cell.alignment = WRAPPED
        return True
    return False


LINE_HEIGHT = 15.0  # points per line of the default 11 pt font
MAX_LINES = 12  # a taller row would push the rest of the tab off the screen; the cell shows all when selected
CHARS_PER_WIDTH = 0.9  # a width counts '0' characters; text in a fallback font runs a little wider


def fit_rows(sheet: Worksheet, rows: set[int]) -> None:
    """Row heights that show the wrapped cells' lines: neither Excel nor LibreOffice fits them on opening.

    A row is only made taller, or brought back from a height sheetsync set (a whole number of lines) to the
    default, so a height a person chose is never shrunk.
    """
    wrapped = [
        (column_index_from_string(letter), dim.width or 8.43)
        for letter, dim in sheet.column_dimensions.items()
        if dim.alignment is not None and dim.alignment.wrap_text
    ]
    for row in rows:
        lines = 1
        for col, width in wrapped:
            cell = sheet._cells.get((row, col))
            if cell is not None and isinstance(cell.value, str) and cell.alignment.wrap_text:
                lines = max(lines, text_lines(cell.value, width))
        dimension = sheet.row_dimensions[row]
        wanted = min(lines, MAX_LINES) * LINE_HEIGHT
        current = dimension.height
        ours = current is not None and current > LINE_HEIGHT and (current / LINE_HEIGHT).is_integer()
        if current is None or current < wanted or ours:
            dimension.height = wanted if lines > 1 else None


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped cell of `width` needs for `text` (greedy word wrap, as spreadsheets do)."""
    chars = max(1, int(width * CHARS_PER_WIDTH))
    return sum(
        1 if len(part) <= chars else len(textwrap.wrap(part, chars, break_long_words=True)) or 1
        for part in text.split("\n")
    )


def _add_dropdown(sheet: Worksheet, col: int, values: list[str]) -> None:
    listing = ",".join(values)
    if len(listing) > 250 or any('"' in v or "," in v for v in values):
        return  # Excel caps inline lists at 255 characters
    letter = get_column_letter(col)
    rule = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
    rule.showErrorMessage = False  # a suggestion, not a wall: people may still type
    rule.add(f"{letter}2:{letter}5000")
    sheet.add_data_validation(rule)


def row_link_formula(ref: RowRef) -> str:
    """A link that finds its row by key whenever the workbook is recalculated, so it survives a sort."""
    assert ref.key_col is not None and ref.col is not None
    key_range = f"{quote_sheet_name(ref.tab)}!${column_letter(ref.key_col)}:${column_letter(ref.key_col)}"
    row = ref.match(key_range)
    target = f'"#{quote_sheet_name(ref.tab).replace(chr(34), chr(34) * 2)}!{column_letter(ref.col)}"&{row}'
    label = f'"{ref.tab.replace(chr(34), chr(34) * 2)} row "&{row}'
    gone = f'"{ref.tab.replace(chr(34), chr(34) * 2)} (row gone)"'
    return f"=IFERROR(HYPERLINK({target},{label}),{gone})"


def _internal_link(ref: str, target: str) -> Hyperlink:
    """A link to a cell of this workbook ("Orders!A12"), stored as a location, not as a file to open."""
    tab, cell = split_ref(target)
    return Hyperlink(ref=ref, location=f"{quote_sheet_name(tab)}!{cell}" if tab else cell)


def _replace_tab(book: openpyxl.Workbook, content: TabContent) -> None:
    index = None
    if content.name in book.sheetnames:
        index = book.sheetnames.index(content.name)
        book.remove(book[content.name])
    sheet = book.create_sheet(content.name, index)
    layout = content.layout
    for r, row in enumerate(content.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                _set_value(sheet.cell(r, c), value)
    for (r, c), fmt in layout.number_formats.items():
        sheet.cell(r, c).number_format = fmt
    for r, c in layout.bold:
        sheet.cell(r, c).font = Font(bold=True)
    wrapped_lines: dict[int, int] = {}  # row -> the lines its wrapped cells need
    for (r, c), how in layout.align.items():
        words = how.split()
        cell = sheet.cell(r, c)
        cell.alignment = Alignment(horizontal=words[0] if words else None, wrap_text="wrap" in words, vertical="top")
        if "wrap" in words and isinstance(cell.value, str):
            width = layout.widths.get(c, 8.43)
            wrapped_lines[r] = max(wrapped_lines.get(r, 1), text_lines(cell.value, width))
    for r, lines in wrapped_lines.items():  # neither Excel nor LibreOffice fits wrapped rows on opening
        if lines > 1:
            sheet.row_dimensions[r].height = min(lines, MAX_LINES) * LINE_HEIGHT
        for c in range(1, len(content.rows[r - 1]) + 1):
            if (r, c) not in layout.align:  # the row's other cells read from its top too (the app may grow it)
                sheet.cell(r, c).alignment = TOP
    for (r, c), target in layout.links.items():
        cell = sheet.cell(r, c)
        if cell.data_type != "f":  # a HYPERLINK formula links by itself
            cell.hyperlink = target if "://" in target else _internal_link(cell.coordinate, target)
        cell.font = Font(color="1155CC", underline="single")
    for col, width in layout.widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = width
    if layout.frozen_rows:
        sheet.freeze_panes = f"A{layout.frozen_rows + 1}"
    if layout.hidden:
        sheet.sheet_state = "hidden"
    if layout.fit_width:
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    for chart in layout.charts:
        add_chart(sheet, chart)
