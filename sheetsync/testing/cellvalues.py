"""Cell values: USER_ENTERED parsing, trivial formulas, and Google's default rendering."""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
import struct
from dataclasses import dataclass, field
from typing import Any

Scalar = str | float | int | bool
EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Sheets serial numbers (Lotus-compatible)

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass
class Cell:
    """One cell's state; None fields are absent, as in Google's CellData."""

    value: Scalar | None = None  # effective value (a formula's computed result)
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
        return not (self.has_value() or self.number_format or self.note or self.format
                    or self.validation or self.extra)

    def clear_value(self) -> None:
        """Forget value and formula but keep formatting, notes and validation."""
        self.value = None
        self.formula = None


def to_serial(moment: dt.date | dt.datetime) -> float:
    """Date/datetime -> Sheets serial number (days since 1899-12-30)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    delta = moment.replace(tzinfo=None) - EPOCH
    serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return int(serial) if serial == int(serial) else serial


def from_serial(serial: float) -> dt.datetime:
    """Sheets serial number -> naive datetime."""
    return EPOCH + dt.timedelta(days=serial)


def python_value(value: Any) -> tuple[Scalar | None, dict[str, str] | None]:
    """A Python value stored as given; dates become serials with a date format."""
    if isinstance(value, dt.datetime):
        return to_serial(value), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    if isinstance(value, dt.date):
        return to_serial(value), {"type": "DATE", "pattern": "yyyy-mm-dd"}
    if value is None or value == "":
        return None, None
    return value, None


def apply_input(cell: Cell, raw: Any, user_entered: bool) -> None:
    """Write one API value into a cell with RAW or USER_ENTERED semantics."""
    cell.clear_value()
    if raw is None or raw == "":
        return
    if not user_entered or not isinstance(raw, str):
        cell.value = raw
        return
    parsed, number_format = parse_user_entered(raw)
    if isinstance(parsed, str) and parsed.startswith("=") and len(parsed) > 1:
        cell.formula = parsed
        cell.value = evaluate_formula(parsed)
        return
    cell.value = parsed
    if number_format:
        cell.number_format = number_format


def parse_user_entered(text: str) -> tuple[Scalar, dict[str, str] | None]:
    """What Sheets makes of typed text: numbers, booleans, dates, percents, currency."""
    if text.startswith("'"):
        return text[1:], None  # a leading apostrophe forces text
    stripped = text.strip()
    upper = stripped.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None
    number = _parse_number(stripped)
    if number is not None:
        return number, None
    if stripped.endswith("%") and _parse_number(stripped[:-1].strip()) is not None:
        return _tidy(_parse_number(stripped[:-1].strip()) / 100), {"type": "PERCENT", "pattern": "0%"}
    if stripped.startswith("$") and _parse_number(stripped[1:]) is not None:
        return _parse_number(stripped[1:]), {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    return _parse_date(stripped) or (text, None)


def _parse_number(text: str) -> float | int | None:
    """'0042' -> 42, '1,234.5' -> 1234.5; None if not a plain number."""
    if not text or not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
        return None
    return _tidy(float(text.replace(",", "")))


def _tidy(number: float) -> float | int:
    """Integral floats as int so JSON shows 42, not 42.0 (Google's JSON does the same)."""
    if math.isfinite(number) and number == int(number) and abs(number) < 2**53:
        return int(number)
    return number


def _parse_date(text: str) -> tuple[Scalar, dict[str, str]] | None:
    """ISO (2020-01-01) and en_US (1/2/2020) dates, optionally with a time."""
    iso, us = _ISO_DATE.match(text), _US_DATE.match(text)
    if not (iso or us):
        return None
    if iso:
        year, month, day, hh, mm, ss = iso.groups()
        pattern = "yyyy-mm-dd"
    else:
        month, day, year, hh, mm, ss = us.groups()  # type: ignore[union-attr]
        pattern = "m/d/yyyy"
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    if hh is None:
        return to_serial(moment), {"type": "DATE", "pattern": pattern}
    return to_serial(moment), {"type": "DATE_TIME", "pattern": pattern + " h:mm:ss"}


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow}


def evaluate_formula(formula: str) -> Scalar:
    """Compute trivial arithmetic formulas (=3/2); anything else shows its own text."""
    expression = formula[1:].replace("^", "**")
    try:
        return _tidy(float(_eval(ast.parse(expression, mode="eval").body)))
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError):
        return formula


def _eval(node: ast.AST) -> float:
    """Evaluate numbers and + - * / ^ only; refuse names, calls and everything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return -_eval(node.operand) if isinstance(node.op, ast.USub) else _eval(node.operand)
    raise ValueError("not trivial arithmetic")


def format_number(number: float | int) -> str:
    """Google's default 'General' rendering: 42, 1.45, 0.4, 1E+21."""
    if isinstance(number, bool):
        return "TRUE" if number else "FALSE"
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def format_with_pattern(serial: float, pattern: str) -> str:
    """Render a serial number with the few date patterns the emulator assigns."""
    moment = from_serial(serial)
    parts = {"yyyy": f"{moment.year:04d}", "mm": f"{moment.month:02d}", "dd": f"{moment.day:02d}",
             "m": str(moment.month), "d": str(moment.day), "hh": f"{moment.hour:02d}",
             "h": str(moment.hour), "ss": f"{moment.second:02d}"}
    date_part, _, time_part = pattern.partition(" ")
    tokens = re.split(r"([/-])", date_part)
    text = "".join(parts.get(token, token) for token in tokens)
    if time_part:
        text += " " + ":".join(
            parts[token] if token != "mm" else f"{moment.minute:02d}" for token in time_part.split(":"))
    return text


def formatted_value(cell: Cell) -> str:
    """FORMATTED_VALUE of a cell: what a person sees."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    number_format = cell.number_format or {}
    if number_format.get("type") in ("DATE", "DATE_TIME", "TIME") and number_format.get("pattern"):
        return format_with_pattern(value, number_format["pattern"])
    if number_format.get("type") == "PERCENT":
        return format_number(round(value * 100, 10)) + "%"
    if number_format.get("type") == "CURRENCY":
        return f"${value:,.2f}"
    return format_number(value)


def rendered_value(cell: Cell, render: str, date_render: str) -> Scalar:
    """Value as values.get returns it for a valueRenderOption/dateTimeRenderOption pair."""
    if render == "FORMULA" and cell.formula is not None:
        return cell.formula
    if render == "FORMATTED_VALUE":
        return formatted_value(cell)
    is_date = (cell.number_format or {}).get("type") in ("DATE", "DATE_TIME", "TIME")
    if is_date and date_render == "FORMATTED_STRING" and not isinstance(cell.value, str):
        return formatted_value(cell)
    return "" if cell.value is None else cell.value


def extended_value(value: Scalar) -> dict[str, Scalar]:
    """Scalar -> ExtendedValue JSON ({"numberValue": 1})."""
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
            return _tidy(candidate)
    return as_float32


def quantise_color(color: dict[str, Any]) -> dict[str, Any]:
    """Color JSON with Google's 8-bit channels and zero channels dropped."""
    out: dict[str, Any] = {}
    for channel in ("red", "green", "blue", "alpha"):
        if channel in color and color[channel]:
            out[channel] = color[channel] if channel == "alpha" else color_component(color[channel])
    return out
