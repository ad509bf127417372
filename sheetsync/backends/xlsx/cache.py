"""Formula results kept through a save, so readers that do not recalculate see the people's numbers.

openpyxl writes every formula without its last result (`<f>...</f><v/>`). pandas, openpyxl's
`data_only` and file previews then see blanks where the people's own formulas were. After openpyxl
saves, the results are put back into the file: the value each formula had when the run read it,
or, for a formula whose inputs the run changed, its value recomputed with the `formulas` package
(when it is installed; otherwise the cell is left for Excel or LibreOffice to recalculate on open).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import to_excel

from ...model.values import Uncalculated

Cells = Mapping[tuple[int, int], Any]  # (row, col) -> value

_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v ?/></c>')
_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


def cached_cell(value: Any) -> tuple[str, str] | None:
    """(t attribute, <v> text) for a formula result, or None when there is nothing to keep."""
    if value is None or isinstance(value, Uncalculated):
        return None
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, (datetime, date, time)):
        return "", repr(float(to_excel(value)))
    text = str(value)
    if text in _ERRORS:
        return ' t="e"', text
    return ' t="str"', html.escape(text, quote=False)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part in the archive ("xl/worksheets/sheet1.xml")."""
    import xml.etree.ElementTree as ET

    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("pkg:Relationship", _NS)}
    out = {}
    for sheet in book.findall("main:sheets/main:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['rel']}}}id"), "")
        out[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def put_results(data: bytes, results: Mapping[str, Cells]) -> bytes:
    """The saved workbook with each formula cell listed in `results` (sheet -> cell -> value) given its value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {part: results[name] for name, part in sheet_parts(source).items() if results.get(name)}
    if not parts:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename in parts:
                body = _fill(body.decode("utf-8"), parts[info.filename]).encode("utf-8")
            target.writestr(info, body)
    return out.getvalue()


def _fill(xml: str, values: Cells) -> str:
    from openpyxl.utils import column_index_from_string

    def one(match: re.Match) -> str:
        row, col = int(match.group(2)), column_index_from_string(match.group(1))
        cached = cached_cell(values.get((row, col)))
        if cached is None:
            return match.group(0)
        kind, text = cached
        return f'<c r="{match.group(1)}{match.group(2)}"{match.group(3)}{kind}><f>{match.group(4)}</f><v>{text}</v></c>'

    return _FORMULA_CELL.sub(one, xml)


def recompute(formula: str, sheet: str, lookup: Any) -> Any:
    """A formula's value from `lookup(sheet, row, col)`, with the `formulas` package; Uncalculated without it."""
    try:
        import formulas
    except ImportError:
        return Uncalculated(formula)
    try:
        compiled = formulas.Parser().ast(formula)[1].compile()
        args = [_inputs(name, sheet, lookup) for name in compiled.inputs]
        value = compiled(*args)
    except Exception:  # a function the package lacks, a reference it cannot follow: leave it to the desktop app
        return Uncalculated(formula)
    return _plain(value)


_STRING = re.compile(r'"(?:[^"]|"")*"')
_REFERENCE = re.compile(
    r"(?<![A-Za-z0-9_.!$])((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"  # an optional sheet name
    r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)"
    r"(?![\w(!])"
)


@lru_cache(maxsize=65536)
def references(formula: str, sheet: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """(sheet, first row, first col, last row, last col) of every cell range a formula may read.

    Read from the formula's text (strings left out), so it may name a range the formula does not really
    read (at worst a formula is recomputed for nothing), never miss one."""
    out = []
    for match in _REFERENCE.finditer(_STRING.sub('""', formula)):
        where, ref = match.group(1), match.group(2).replace("$", "")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except ValueError:
            continue
        name = where[:-1].strip("'").replace("''", "'") if where else sheet
        out.append((name.upper(), min_row or 1, min_col or 1, max_row or 1048576, max_col or 16384))
    return tuple(out)


def _inputs(name: str, sheet: str, lookup: Any) -> Any:
    where, _, ref = name.rpartition("!")
    tab = where.strip("'") or sheet
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    if (min_row, min_col) == (max_row, max_col):
        return _input(lookup(tab, min_row, min_col))
    return [[_input(lookup(tab, r, c)) for c in range(min_col, max_col + 1)] for r in range(min_row, max_row + 1)]


def _input(value: Any) -> Any:
    """A cell as a formula reads it: dates as serial numbers, an unknown result as empty."""
    if isinstance(value, Uncalculated):
        return None
    if isinstance(value, (datetime, date, time)):
        return float(to_excel(value))
    return value


def _plain(value: Any) -> Any:
    """The package's result (numpy arrays and scalars, its error and empty values) as a plain value."""
    while hasattr(value, "shape") and getattr(value, "size", 0) >= 1 and hasattr(value, "flat"):
        value = value.flat[0]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    text = str(value)
    if text in _ERRORS or text == "#EMPTY":
        return None if text == "#EMPTY" else text
    return value
