"""Reading an .xlsx without openpyxl: values with python-calamine, formulas, errors and notes from the XML.

A run that writes nothing never needs openpyxl's full load (seconds and hundreds of MB on a big workbook):
calamine gives each cell's value (a formula's stored result included); the sheet XML, scanned only where it
holds formulas or error cells, says which cells are formulas without a stored result (read as
Uncalculated, never as blank) and which hold an error value; the comments parts give sheetsync's notes.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

from ...model.grid import SheetView, TabData, trim
from ...model.values import Uncalculated

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
# A cell element holding a formula or an error value: <c r="B2" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c>
_CELL = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"([^>]*)>(.*)</c>$', re.S)
_FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(r"<v>(.*?)</v>", re.S)
_PANE = re.compile(r"<(?:\w+:)?pane\b([^>]*)/?>")
_COL = re.compile(r"<(?:\w+:)?col\b([^>]*)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Scan:
    """What the XML says about a sheet beyond its values: formulas (text may be empty for a shared one)
    and whether each has a stored result, error values, and sheetsync's notes."""

    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    unresulted: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    view: SheetView = field(default_factory=SheetView)


def read_book(data: bytes, tabs: Sequence[str] | None, note_prefix: str) -> tuple[list[str], dict[str, TabData]]:
    """The workbook's sheet names, and the named tabs (None: every tab) as TabData."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = list(book.sheet_names)
        wanted = [n for n in (names if tabs is None else tabs) if n in names]
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = _sheet_parts(archive)
        out = {}
        for name in wanted:
            scan = _scan(archive, parts.get(name), note_prefix)
            values = _values(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            out[name] = TabData(name, _marked(values, scan), scan.notes, scan.view)
        return names, out
    finally:
        book.close()


def _values(rows: list[list[Any]]) -> list[list[Any]]:
    """calamine's rows as sheetsync reads cells: blank as None, whole numbers as int, dates at midnight as dates."""
    out = []
    for line in rows:
        cells = []
        for value in line:
            if value == "":
                value = None
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = int(value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)  # as openpyxl reads a date cell
            cells.append(value)
        out.append(cells)
    return trim(out)


def _marked(values: list[list[Any]], scan: Scan) -> list[list[Any]]:
    """Formula cells without a stored result as Uncalculated, error cells as their error text."""
    for (row, col), text in [
        *((w, Uncalculated(scan.formulas.get(w, ""))) for w in scan.unresulted),
        *scan.errors.items(),
    ]:
        while len(values) < row:
            values.append([])
        line = values[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = text
    return values


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part ("xl/worksheets/sheet1.xml")."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_REL}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_R_ID), "")
        out[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _scan(archive: zipfile.ZipFile, part: str | None, note_prefix: str) -> Scan:
    scan = Scan()
    if part is None:
        return scan
    xml = archive.read(part).decode("utf-8")
    scan.view = _view(xml[: xml.find("<sheetData")])
    for cell in _marked_cells(xml):
        match = _CELL.match(cell)
        if match is None:
            continue
        attrs, inner = match.group(3), match.group(4)
        formula = _FORMULA.search(inner)
        where = (int(match.group(2)), column_index_from_string(match.group(1)))
        value = _VALUE.search(inner)
        if formula is not None:
            scan.formulas[where] = "=" + _unescape(formula.group(1) or "")
            if value is None or value.group(1) == "":
                scan.unresulted.add(where)
        if 't="e"' in attrs and value is not None:
            scan.errors[where] = _unescape(value.group(1))
    scan.notes = _notes(archive, part, note_prefix)
    return scan


def _view(head: str) -> SheetView:
    """Frozen panes, column widths and hidden columns, from the part of the sheet XML before its cells."""
    rows = cols = 0
    for pane in _PANE.finditer(head):
        attrs = dict(_ATTR.findall(pane.group(1)))
        if attrs.get("state") in ("frozen", "frozenSplit"):
            rows, cols = int(float(attrs.get("ySplit", 0))), int(float(attrs.get("xSplit", 0)))
            break
    widths: dict[int, float] = {}
    hidden: set[int] = set()
    for col in _COL.finditer(head):
        attrs = dict(_ATTR.findall(col.group(1)))
        first, last = int(attrs.get("min", 0)), int(attrs.get("max", 0))
        for number in range(first, min(last, 16384) + 1):
            if "width" in attrs:
                widths[number] = float(attrs["width"])
            if attrs.get("hidden") in ("1", "true"):
                hidden.add(number)
    return SheetView(rows, cols, widths, frozenset(hidden))


def _marked_cells(xml: str) -> list[str]:
    """The cell elements holding a formula or an error value, found from those markers outward (a sheet
    of plain values is not walked cell by cell)."""
    starts: dict[int, str] = {}
    for marker in ("<f>", "<f ", 't="e"'):
        at = xml.find(marker)
        while at != -1:
            begin = xml.rfind("<c ", 0, at)
            end = xml.find("</c>", at)
            if begin != -1 and end != -1 and begin not in starts:
                starts[begin] = xml[begin : end + 4]
            at = xml.find(marker, at + 1)
    return list(starts.values())


def _notes(archive: zipfile.ZipFile, part: str, prefix: str) -> dict[tuple[int, int], str]:
    """sheetsync's own notes on a sheet (known by their text, whoever saved them), by cell."""
    folder, _, file = part.rpartition("/")
    rels_name = f"{folder}/_rels/{file}.rels"
    if rels_name not in archive.namelist():
        return {}
    rels = ET.fromstring(archive.read(rels_name))
    notes: dict[tuple[int, int], str] = {}
    for rel in rels.iter(f"{_REL}Relationship"):
        if rel.get("Type") != _COMMENTS:
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else _join(folder, target)
        for comment in ET.fromstring(archive.read(path)).iter(f"{_MAIN}comment"):
            text = "".join(t.text or "" for t in comment.iter(f"{_MAIN}t"))
            if text.lstrip().startswith(prefix.strip()):
                ref = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", comment.get("ref", ""))
                if ref:
                    notes[(int(ref.group(2)), column_index_from_string(ref.group(1)))] = text
    return notes


def _join(folder: str, target: str) -> str:
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
