"""Typed cell values: parse what people type (and what backends return) by column type, never by guessing."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from .layout import RowRef
from .problems import Code

SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of Sheets/Excel serial dates (1900 leap-year bug included)
TYPES = (
    "text",
    "int",
    "decimal",
    "money",
    "percent",
    "date",
    "datetime",
    "bool",
    "enum",
    "multi-enum",
    "email",
    "url",
    "pattern",
)
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")
WORDY = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell whose file holds no calculated value (last saved by a tool that does not calculate)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


class Formula(str):
    """A formula a job or the demo means to store as a formula (plain text starting with = stays text)."""


class BadValue(ValueError):
    """A cell that does not parse as its column's type; carries the reason code and what was expected."""

    def __init__(self, code: str, expected: str):
        super().__init__(expected)
        self.code = code
        self.expected = expected


@dataclass(frozen=True)
class ParseOptions:
    """Workbook-wide parsing choices from the config."""

    date_order: str = "MDY"  # how to read 3/4/2026: MDY (US) or DMY
    currency_symbols: str = "$£€"


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def fold(text: str) -> str:
    """Case- and whitespace-insensitive form used to match headers and vocabulary words."""
    return " ".join(str(text).split()).casefold()


def serial_to_datetime(serial: float) -> datetime:
    return datetime.combine(SERIAL_EPOCH, time()) + timedelta(days=float(serial))


def date_to_serial(day: date | datetime) -> float | int:
    if isinstance(day, datetime):
        delta = day.replace(tzinfo=None) - datetime.combine(SERIAL_EPOCH, time())
        return delta.days + delta.seconds / 86400
    return (day - SERIAL_EPOCH).days


def _number_text(raw: Any, code: str, expected: str, symbols: str = "") -> Decimal:
    if isinstance(raw, bool):
        raise BadValue(code, expected)
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise BadValue(code, expected)
        return Decimal(repr(raw))
    text = str(raw).strip()
    negative = text.startswith("(") and text.endswith(")")  # accounting style (12.00)
    if negative:
        text = text[1:-1].strip()
    for symbol in symbols:
        text = text.replace(symbol, "")
    text = text.strip()
    if text.upper().startswith(("USD", "GBP", "EUR")):
        text = text[3:].strip()
    if not text or not NUMBER_RE.match(text) or text in "+-.":
        raise BadValue(code, expected)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as ex:
        raise BadValue(code, expected) from ex
    return -number if negative else number


def parse_text(raw: Any, column: Any, opts: ParseOptions) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a number typed into a text column: 123 not 123.0
    return str(raw).strip()


def parse_int(raw: Any, column: Any, opts: ParseOptions) -> int:
    number = _number_text(raw, Code.NOT_AN_INTEGER, "a whole number such as 12")
    if number != number.to_integral_value():
        raise BadValue(Code.NOT_AN_INTEGER, "a whole number such as 12")
    return int(number)


def parse_decimal(raw: Any, column: Any, opts: ParseOptions) -> Decimal:
    return _number_text(raw, Code.NOT_A_NUMBER, "a number such as 1.25")


def parse_money(raw: Any, column: Any, opts: ParseOptions) -> Decimal:
    return _number_text(raw, Code.NOT_MONEY, "an amount such as 1250 or $1,250.00", opts.currency_symbols)


def parse_percent(raw: Any, column: Any, opts: ParseOptions) -> Decimal:
    expected = "a percentage such as 12% or 0.12"
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return _number_text(raw.strip()[:-1], Code.NOT_A_PERCENT, expected) / 100
    return _number_text(raw, Code.NOT_A_PERCENT, expected)


def _text_date(text: str, opts: ParseOptions) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    formats = (MONTH_FIRST if opts.date_order == "MDY" else DAY_FIRST) + WORDY
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(Code.NOT_A_DATE, _date_hint(opts))


def _date_hint(opts: ParseOptions) -> str:
    local = "3/4/2026 (March 4)" if opts.date_order == "MDY" else "4/3/2026 (4 March)"
    return f"a date such as 2026-03-04 or {local}"


def parse_date(raw: Any, column: Any, opts: ParseOptions) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 0 < raw < 2958466:  # serial numbers up to 9999-12-31
            return serial_to_datetime(raw).date()
        raise BadValue(Code.NOT_A_DATE, _date_hint(opts))
    text = str(raw).strip()
    if "T" in text or (" " in text and ":" in text):
        return parse_datetime(text, column, opts).date()
    return _text_date(text, opts)


def parse_datetime(raw: Any, column: Any, opts: ParseOptions) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime.combine(raw, time())
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 0 < raw < 2958466:
            return serial_to_datetime(raw)
        raise BadValue(Code.NOT_A_DATETIME, "a date and time such as 2026-03-04 14:30")
    text = str(raw).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    head, _, clock = text.partition(" ")
    try:
        day = _text_date(head, opts)
        return datetime.combine(day, time.fromisoformat(clock) if clock else time())
    except (BadValue, ValueError) as ex:
        raise BadValue(Code.NOT_A_DATETIME, "a date and time such as 2026-03-04 14:30") from ex


def parse_bool(raw: Any, column: Any, opts: ParseOptions) -> bool:
    if isinstance(raw, bool):
        return raw
    word = fold(raw)
    if isinstance(raw, (int, float)):
        word = "1" if raw == 1 else "0" if raw == 0 else word
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(Code.NOT_YES_NO, "Yes or No")


def parse_enum(raw: Any, column: Any, opts: ParseOptions) -> str:
    word = fold(parse_text(raw, column, opts))
    found = column.lookup.get(word)
    if found is None:
        raise BadValue(Code.NOT_ALLOWED, "one of " + ", ".join(column.allowed))
    return found


def parse_multi_enum(raw: Any, column: Any, opts: ParseOptions) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[,;\n]", str(raw)) if p.strip()]
    return tuple(parse_enum(part, column, opts) for part in parts)


def parse_email(raw: Any, column: Any, opts: ParseOptions) -> str:
    text = str(raw).strip()
    if not EMAIL_RE.match(text):
        raise BadValue(Code.BAD_EMAIL, "an email address such as name@example.com")
    return text


def parse_url(raw: Any, column: Any, opts: ParseOptions) -> str:
    text = str(raw).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in text:
        raise BadValue(Code.BAD_URL, "a web address starting with https://")
    return text


def parse_pattern(raw: Any, column: Any, opts: ParseOptions) -> str:
    text = parse_text(raw, column, opts)
    if not column.regex.match(text):
        raise BadValue(Code.BAD_PATTERN, column.pattern_hint or f"text matching {column.pattern}")
    return text


PARSERS: dict[str, Callable[[Any, Any, ParseOptions], Any]] = {
    "text": parse_text,
    "int": parse_int,
    "decimal": parse_decimal,
    "money": parse_money,
    "percent": parse_percent,
    "date": parse_date,
    "datetime": parse_datetime,
    "bool": parse_bool,
    "enum": parse_enum,
    "multi-enum": parse_multi_enum,
    "email": parse_email,
    "url": parse_url,
    "pattern": parse_pattern,
}


def to_cell(value: Any) -> Any:
    """A typed value as a backend stores it: Decimal to float, tuples to comma text, bools kept."""
    if isinstance(value, RowRef):
        return value.text
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return value


def describe(value: Any) -> str:
    """A value as a person would type it, for messages."""
    if value is None:
        return "(blank)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
