"""Cells and their values: error values, serial dates, ExtendedValue JSON and rendered values."""

from __future__ import annotations

import datetime as dt
import math
import struct
from dataclasses import dataclass, field
from typing import Any

from .numfmt import EPOCH, render, render_text

# Google's ErrorValue.type names and the text a cell shows for each.
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}
DATE_TYPES = ("DATE", "DATE_TIME", "TIME")


@dataclass(frozen=True)
class ErrorValue:
    """A formula's error result, as Google's ErrorValue (type DIVIDE_BY_ZERO shows #DIV/0!)."""

    type: str
    message: str

    @property
    def text(self) -> str:
        return ERROR_TEXT[self.type]


Scalar = str | float | int | bool
Value = Scalar | ErrorValue


@dataclass
class Cell:
    """One cell's state; None fields are absent, as in Google's CellData."""

    value: Value | None = None  # effective value (a formula's computed result)
    formula: str | None = None
    number_format: dict[str, str] | None = None
    note: str | None = None
    format: dict[str, Any] | None = None  # userEnteredFormat minus numberFormat
    validation: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. hyperlink, textFormatRuns

    def has_value(self) -> bool:
        """True if the cell shows something (values.* trimming looks only at this)."""
        return self.formula is not None or (self.value is not None and self.value != "")

    def is_blank(self) -> bool:
        """True if the cell carries nothing at all and can be dropped from storage."""
        return not (self.has_value() or self.number_format or self.note or self.format or self.validation or self.extra)

    def clear_value(self) -> None:
        """Forget value and formula but keep formatting, notes and validation."""
        self.value = None
        self.formula = None

    def copy(self) -> Cell:
        """A new Cell; format, validation and extra dicts are shared (they are replaced, never edited)."""
        return Cell(self.value, self.formula, self.number_format, self.note, self.format, self.validation, self.extra)


def to_serial(moment: dt.date | dt.datetime) -> float:
    """Date/datetime -> Sheets serial number (days since 1899-12-30)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    delta = moment.replace(tzinfo=None) - EPOCH
    serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return int(serial) if serial == int(serial) else serial


def tidy(number: float) -> float | int:
    """Integral floats as int so JSON shows 42, not 42.0 (Google's JSON does the same)."""
    if math.isfinite(number) and number == int(number) and abs(number) < 2**53:
        return int(number)
    return number


def python_value(value: Any) -> tuple[Scalar | None, dict[str, str] | None]:
    """A Python value stored as given; dates become serials with a date format."""
    if isinstance(value, dt.datetime):
        return to_serial(value), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    if isinstance(value, dt.date):
        return to_serial(value), {"type": "DATE", "pattern": "yyyy-mm-dd"}
    if value is None or value == "":
        return None, None
    return value, None


def formatted_value(cell: Cell, locale: str | None = None) -> str:
    """FORMATTED_VALUE of a cell: what a person sees."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, ErrorValue):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return render_text(value, cell.number_format)
    return render(value, cell.number_format, locale)


def rendered_value(cell: Cell, render_option: str, date_render: str, locale: str | None = None) -> Scalar:
    """Value as values.get returns it for a valueRenderOption/dateTimeRenderOption pair."""
    if render_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    if render_option == "FORMATTED_VALUE":
        return formatted_value(cell, locale)
    if isinstance(cell.value, ErrorValue):
        return cell.value.text
    is_date = (cell.number_format or {}).get("type") in DATE_TYPES
    if is_date and date_render == "FORMATTED_STRING" and not isinstance(cell.value, str):
        return formatted_value(cell, locale)
    return "" if cell.value is None else cell.value


def extended_value(value: Value) -> dict[str, Any]:
    """Value -> ExtendedValue JSON ({"numberValue": 1}, {"errorValue": {...}})."""
    if isinstance(value, ErrorValue):
        return {"errorValue": {"type": value.type, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": value}


def color_component(value: float) -> float:
    """Quantise a 0..1 colour channel to 8 bits and print it as a float32, like Google (0.5 -> 0.49803922)."""
    quantised = math.floor(value * 255 + 1e-4) / 255
    as_float32 = struct.unpack("f", struct.pack("f", quantised))[0]
    for digits in range(1, 10):
        candidate = float(f"{as_float32:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == as_float32:
            return tidy(candidate)
    return as_float32


def quantise_color(color: dict[str, Any]) -> dict[str, Any]:
    """Color JSON with Google's 8-bit channels and zero channels dropped."""
    out: dict[str, Any] = {}
    for channel in ("red", "green", "blue", "alpha"):
        if color.get(channel):
            out[channel] = color[channel] if channel == "alpha" else color_component(color[channel])
    return out
