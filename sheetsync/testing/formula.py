"""Formulas computed the way Google Sheets does, on the `formulas` library's parser and functions.

The emulator hands `formulas` the cell values a formula reads (any tab, named ranges, open-ended
A2:A ranges), overrides the few functions whose Google semantics differ (TODAY and NOW in the
spreadsheet's time zone, ROUND's optional places) and maps results to Google's error values.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .a1 import RangeError, parse_range
from .cellvalues import Cell, ErrorValue, Value, tidy, to_serial

MAX_ROWS = 1048576  # open-ended ranges (A2:A) are closed here, then clipped to the grid
_OPEN_RANGE = re.compile(
    r"(?<![A-Za-z0-9_.!])((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"  # an optional sheet name
    r"(\$?[A-Za-z]{1,3}\$?\d+):(\$?[A-Za-z]{1,3})(?![\w(!])"  # A2:A
)
_STRING = re.compile(r'"(?:[^"]|"")*"')
_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*\(")
_ERROR_TYPES = {
    "#NULL!": "NULL_VALUE",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#REF!": "REF",
    "#NAME?": "NAME",
    "#NUM!": "NUM",
    "#N/A": "N_A",
}
_MESSAGES = {
    "DIVIDE_BY_ZERO": "Function DIVIDE parameter 2 cannot be zero.",
    "N_A": "Value not available.",
    "VALUE": "A value is not of the type the function expects.",
    "REF": "Reference does not exist.",
    "NUM": "The result is not a valid number.",
    "NULL_VALUE": "Empty intersection.",
    "NAME": "Unknown name.",
}
_OVERRIDDEN = ("TODAY", "NOW", "ROUND", "ROUNDUP", "ROUNDDOWN", "HYPERLINK")
_PREFIX = "_SHEETSYNC_EMULATOR_"
# Results by (formula, input values): a recalculation re-runs the library only where inputs changed.
_RESULTS: dict[Any, Any] = {}
_MAX_RESULTS = 200_000
_VOLATILE = re.compile(r"\b(TODAY|NOW|RAND|RANDBETWEEN|ROW|COLUMN|INDIRECT|OFFSET|CELL)\s*\(", re.IGNORECASE)
_zone: contextvars.ContextVar[str] = contextvars.ContextVar("zone", default="Etc/GMT")


@dataclass(frozen=True)
class Compiled:
    """A formula ready to run: the function and the references it reads, in argument order."""

    run: Callable[..., Any]
    inputs: tuple[str, ...]


def error(kind: str, message: str | None = None) -> ErrorValue:
    """An ErrorValue with Google's type name and a message in Google's style."""
    return ErrorValue(kind, message or _MESSAGES.get(kind, "Formula error."))


class EngineMissing(Exception):
    """The `formulas` package is not installed (it comes with sheetsync's test extras)."""


@functools.cache
def _library() -> Any:
    """Import `formulas` (slow: ~1 s) on first use and register the Google-semantics overrides once."""
    try:
        import formulas
        from formulas.functions import get_functions, wrap_func, wrap_ufunc
    except ImportError as missing:
        raise EngineMissing("install sheetsync[test] (or the formulas package) to compute formulas") from missing

    registry = get_functions()
    registry[_PREFIX + "TODAY"] = wrap_func(lambda: _now().date().toordinal() - dt.date(1899, 12, 30).toordinal())
    registry[_PREFIX + "NOW"] = wrap_func(lambda: to_serial(_now()))
    for name, rounding in (("ROUND", _round_half_away), ("ROUNDUP", math.ceil), ("ROUNDDOWN", math.floor)):
        registry[_PREFIX + name] = wrap_ufunc(functools.partial(_round, rounding=rounding))
    registry[_PREFIX + "HYPERLINK"] = wrap_func(_hyperlink)  # Google shows the label (or the URL) as the value
    return formulas


def _hyperlink(url: Any, label: Any = None) -> Any:
    return url if label is None else label


def _now() -> dt.datetime:
    return dt.datetime.now(zoneinfo.ZoneInfo(_zone.get())).replace(tzinfo=None)


def _round_half_away(x: float) -> float:
    return math.floor(x + 0.5)


def _round(x: float, places: float = 0, rounding: Callable[[float], float] = _round_half_away) -> float:
    """Google's ROUND/ROUNDUP/ROUNDDOWN: places optional (Excel requires it), away from zero."""
    scale = 10 ** int(places)
    magnitude = rounding(round(abs(x) * scale, 9)) / scale
    return -magnitude if x < 0 else magnitude


def _rewrite(formula: str) -> str:
    """Formula text for the library: open ranges closed, overridden functions renamed (strings untouched)."""
    out, last = [], 0
    for match in _STRING.finditer(formula):
        out.append(_rewrite_code(formula[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_rewrite_code(formula[last:]))
    return "".join(out)


def _rewrite_code(code: str) -> str:
    code = _OPEN_RANGE.sub(lambda m: f"{m[1] or ''}{m[2]}:{m[3]}{MAX_ROWS}", code)
    return _CALL.sub(lambda m: (_PREFIX + m[1].upper() if m[1].upper() in _OVERRIDDEN else m[1]) + "(", code)


@functools.lru_cache(maxsize=65536)
def compile_formula(formula: str) -> Compiled | ErrorValue:
    """Parse and compile once per formula text; unknown functions give #NAME? as in Google."""
    try:
        library = _library()
    except EngineMissing as missing:
        return error("ERROR", str(missing))
    from formulas.functions import get_functions

    known = get_functions()
    code = _rewrite(formula)
    for match in _CALL.finditer(_STRING.sub('""', code)):
        if match[1].upper() not in known:
            return error("NAME", f"Unknown function: '{match[1].lower()}'.")
    try:
        compiled = library.Parser().ast(code)[1].compile()
    except Exception:  # the library raises several unrelated types for text it cannot parse
        return error("ERROR", "Formula parse error.")
    return Compiled(compiled, tuple(compiled.inputs))


class Recalculation:
    """One pass over a spreadsheet: every formula computed once, inputs first, cycles caught."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.titles = {s.title.upper(): s for s in book.sheets}
        self.done: set[tuple[int, int, int]] = set()
        self.active: set[tuple[int, int, int]] = set()
        # A range read whole by many formulas (To Do's MATCH over a key column) is built once per pass: with
        # every formula inside it computed, it cannot change until the next pass.
        self._ranges: dict[tuple[int, int, int, int, int], tuple[Any, tuple[Any, ...]]] = {}

    def run(self) -> None:
        token = _zone.set(self.book.properties.get("timeZone") or "Etc/GMT")
        try:
            for sheet in self.book.sheets:
                for (r, c), cell in list(sheet.cells.items()):
                    if cell.formula is not None:
                        self.evaluate(sheet, r, c, cell)
        finally:
            _zone.reset(token)

    def evaluate(self, sheet: Any, r: int, c: int, cell: Cell) -> None:
        key = (id(sheet), r, c)
        if key in self.done:
            return
        if key in self.active:
            cell.value = error(
                "REF", "Circular dependency detected. To resolve with iterative calculation, see File > Settings."
            )
            return
        self.active.add(key)
        try:
            cell.value = self._compute(sheet, cell.formula or "")
        finally:
            self.active.discard(key)
            self.done.add(key)

    def _compute(self, sheet: Any, formula: str) -> Value | None:
        compiled = compile_formula(formula)
        if isinstance(compiled, ErrorValue):
            return compiled
        args, flat = [], []
        for name in compiled.inputs:
            found = self._reference(sheet, name)
            if isinstance(found, ErrorValue):
                return found
            args.append(found[0])
            flat.append(found[1])
        key = None if _VOLATILE.search(formula) else (formula, tuple(flat), tuple(a.shape for a in args))
        if key is not None and key in _RESULTS:
            return _RESULTS[key]
        try:
            result = from_library(compiled.run(*args))
        except Exception:  # a function the library lacks at run time, or one it cannot apply
            result = error("ERROR", "Formula parse error.")
        if key is not None:
            if len(_RESULTS) > _MAX_RESULTS:
                _RESULTS.clear()
            _RESULTS[key] = result
        return result

    def _reference(self, sheet: Any, name: str) -> tuple[Any, tuple[Any, ...]] | ErrorValue:
        """The values a reference reads, as the library's 2-D array (blank cells are its EMPTY), and flat (a
        key for the results cache)."""
        import numpy as np
        from schedula import EMPTY

        box = self._box(sheet, name)
        if isinstance(box, ErrorValue):
            return box
        target, r0, r1, c0, c1 = box
        where = (id(target), r0, r1, c0, c1)
        if where in self._ranges:
            return self._ranges[where]
        grid = np.empty((max(r1 - r0, 1), max(c1 - c0, 1)), dtype=object)
        grid.fill(EMPTY)  # np.full would store a plain-str copy, and the library tests EMPTY by identity
        found = target.cells_within(r0, r1, c0, c1)
        settled = True
        for (r, c), cell in found:
            if cell.formula is not None:
                self.evaluate(target, r, c, cell)
                settled = settled and (id(target), r, c) in self.done  # not one still being computed
            if cell.value is not None and cell.value != "":
                grid[r - r0, c - c0] = to_library(cell.value)
        out = (grid, tuple(grid.ravel().tolist()))
        if settled:
            self._ranges[where] = out
        return out

    def _box(self, sheet: Any, name: str) -> tuple[Any, int, int, int, int] | ErrorValue:
        try:
            parsed = parse_range(name, set(self.titles))
        except RangeError:
            return error("REF")
        if parsed.start_row is None and parsed.start_col is None and parsed.end_row is None:
            return self._named(parsed.sheet or name)
        target = sheet if parsed.sheet is None else self.titles.get(parsed.sheet.upper())
        if target is None:
            return error("REF", f"Unresolved sheet name '{parsed.sheet}'.")
        r0, c0 = parsed.start_row or 0, parsed.start_col or 0
        if r0 >= target.rows or c0 >= target.cols:
            return error("REF", f"Range '{target.title}'!{name.rpartition('!')[2]} does not exist.")
        r1 = min(target.rows if parsed.end_row is None else parsed.end_row, target.rows)
        c1 = min(target.cols if parsed.end_col is None else parsed.end_col, target.cols)
        return target, r0, r1, c0, c1

    def _named(self, name: str) -> tuple[Any, int, int, int, int] | ErrorValue:
        found = next((n for n in self.book.named_ranges if n.get("name", "").upper() == name.upper()), None)
        if found is None:
            return error("NAME", f"Unknown range name: '{name.lower()}'.")
        rng = found["range"]
        target = self.book.sheet_by_id(rng.get("sheetId", 0))
        r0, c0 = rng.get("startRowIndex") or 0, rng.get("startColumnIndex") or 0
        r1 = target.rows if rng.get("endRowIndex") is None else rng["endRowIndex"]
        c1 = target.cols if rng.get("endColumnIndex") is None else rng["endColumnIndex"]
        return target, r0, r1, c0, c1


def to_library(value: Value) -> Any:
    """A cell value as `formulas` expects it (errors become its XlError objects)."""
    if isinstance(value, ErrorValue):
        from formulas.tokens.operand import Error

        return Error.errors.get(value.text, Error.errors["#VALUE!"])
    return value


def from_library(result: Any) -> Value | None:
    """The library's result (arrays, numpy scalars, XlError, EMPTY) as the cell's value (an array: its first cell)."""
    import numpy as np

    while isinstance(result, np.ndarray):
        result = result.ravel()[0] if result.size else None
    from formulas.tokens.operand import XlError

    if isinstance(result, XlError):
        return error(_ERROR_TYPES.get(str(result), "ERROR"))
    if result is None or type(result).__name__ == "Token":  # schedula's EMPTY: a reference to a blank cell
        return None
    if isinstance(result, (bool, np.bool_)):
        return bool(result)
    if isinstance(result, (int, float, np.integer, np.floating)):
        number = float(result)
        if not math.isfinite(number):
            return error("NUM")
        return tidy(number)
    return str(result)


def recalculate(book: Any) -> None:
    """Recompute every formula in the spreadsheet (Google recalculates on every change)."""
    book.formulas_stale = False
    if any(cell.formula is not None for sheet in book.sheets for cell in sheet.cells.values()):
        Recalculation(book).run()


def mark_stale(book: Any) -> None:
    """Values changed: formulas are recomputed by the next `settle`, before anything reads a result. What a
    client sees is the same as recomputing on every change (the results depend only on the cells), but
    several writes in a row with no read between them cost one recalculation."""
    book.formulas_stale = True


def settle(book: Any) -> None:
    """Recompute formulas if values changed since they were last computed."""
    if book.formulas_stale:
        recalculate(book)


_CELL_REF = re.compile(r"(?<![\w.!$'])((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![\w(])")


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """Move a formula's relative references by rows/cols, as pasting it elsewhere does ($ parts stay)."""
    from .a1 import column_index, column_letters

    def moved(match: re.Match[str]) -> str:
        sheet, col_abs, col, row_abs, row = match.groups()
        new_col = column_index(col) + (0 if col_abs else cols)
        new_row = int(row) + (0 if row_abs else rows)
        if new_col < 0 or new_row < 1:
            return "#REF!"
        return f"{sheet or ''}{col_abs}{column_letters(new_col)}{row_abs}{new_row}"

    out, last = [], 0
    for match in _STRING.finditer(formula):
        out.append(_CELL_REF.sub(moved, formula[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_CELL_REF.sub(moved, formula[last:]))
    return "".join(out)
