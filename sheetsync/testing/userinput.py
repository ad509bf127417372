"""USER_ENTERED: what Sheets makes of typed text (numbers, percents, currency, dates, times, formulas) by locale."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .cellvalues import Cell, Scalar, tidy, to_serial
from .locales import Locale
from .locales import locale as locale_named

_MONTHS = {
    name: i + 1
    for i, name in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{1,4}))?$")
_NAMED_DATE = re.compile(
    r"^(?:(\d{1,2})\s+([a-z]{3,9})\.?|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})$", re.IGNORECASE
)


def apply_input(cell: Cell, raw: Any, user_entered: bool, locale: str | None = None) -> None:
    """Write one API value into a cell with RAW or USER_ENTERED semantics (formulas are computed later)."""
    cell.clear_value()
    if raw is None or raw == "":
        return
    if not user_entered or not isinstance(raw, str):
        cell.value = raw
        return
    if (cell.number_format or {}).get("type") == "TEXT":
        cell.value = raw  # a cell formatted as plain text keeps what is typed, formulas included
        return
    if raw.startswith("=") and len(raw) > 1:
        cell.formula = raw
        return
    parsed, number_format = parse_user_entered(raw, locale)
    cell.value = parsed
    if number_format:
        cell.number_format = number_format


def parse_user_entered(
    text: str, locale: str | None = None, today: dt.date | None = None
) -> tuple[Scalar, dict[str, str] | None]:
    """Typed text -> (value, numberFormat to set or None), as the spreadsheet's locale reads it."""
    if text.startswith("'"):
        return text[1:], None  # a leading apostrophe forces text
    loc = locale_named(locale)
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE", None
    for parse in (_number_like, _date_like, _time_like):
        found = parse(stripped, loc, today or dt.date.today())
        if found is not None:
            return found
    return text, None


def parse_number(text: str, loc: Locale) -> tuple[float | int, bool, int] | None:
    """'1,234.5' -> (1234.5, grouped, decimals); None if not a plain number in this locale."""
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in "+-" else text
    group = re.escape(loc.group)
    pattern = rf"^(\d{{1,3}}({group}\d{{3}})+|\d+)?({re.escape(loc.decimal)}\d+)?([eE][+-]?\d+)?$"
    match = re.match(pattern, body)
    if not match or not any(ch.isdigit() for ch in body):
        return None
    plain = body.replace(loc.group, "").replace(loc.decimal, ".")
    decimals = len(match.group(3)) - 1 if match.group(3) else 0
    return tidy(sign * float(plain)), bool(match.group(2)), decimals


def _number_like(text: str, loc: Locale, today: dt.date) -> tuple[Scalar, dict[str, str] | None] | None:
    """Numbers, 1,234 (grouped), 12.50%, $3 and -$3, 1e3."""
    plain = parse_number(text, loc)
    if plain is not None:
        value, grouped, decimals = plain
        if "e" in text.lower():
            return value, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
        if grouped:
            return value, {"type": "NUMBER", "pattern": "#,##0" + ("." + "0" * decimals if decimals else "")}
        return value, None
    if text.endswith("%"):
        number = parse_number(text[:-1].strip(), loc)
        if number is not None:
            value, _, decimals = number
            return tidy(round(value / 100, 15)), {
                "type": "PERCENT",
                "pattern": "0" + ("." + "0" * decimals if decimals else "") + "%",
            }
    return _currency(text, loc)


def _currency(text: str, loc: Locale) -> tuple[Scalar, dict[str, str]] | None:
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    symbol = loc.currency
    if body.startswith(symbol):
        amount = body[len(symbol) :].strip()
    elif body.endswith(symbol):
        amount = body[: -len(symbol)].strip()
    else:
        return None
    if amount.startswith("-") and not sign:
        sign, amount = "-", amount[1:]
    number = parse_number(amount, loc)
    if number is None or amount[:1] in "+-":
        return None
    value, _, decimals = number
    places = "." + "0" * decimals if decimals else ""
    pattern = f'"{symbol}"#,##0{places}' if body.startswith(symbol) else f"#,##0{places}[${symbol}]"
    return (-value if sign else value), {"type": "CURRENCY", "pattern": pattern}


def _date_like(text: str, loc: Locale, today: dt.date) -> tuple[Scalar, dict[str, str]] | None:
    """2026-03-04, 3/4/2026 and 3/4 (this year) in the locale's order, Mar 4 2026, 4 March 2026."""
    parts = _date_parts(text, loc, today)
    if parts is None:
        return None
    (year, month, day), pattern = parts
    try:
        return to_serial(dt.date(year, month, day)), {"type": "DATE", "pattern": pattern}
    except ValueError:
        return None


def _date_parts(text: str, loc: Locale, today: dt.date) -> tuple[tuple[int, int, int], str] | None:
    iso = _ISO.match(text)
    if iso:
        return (int(iso[1]), int(iso[2]), int(iso[3])), "yyyy-mm-dd"
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        return _numeric_date(numeric, loc, today)
    named = _NAMED_DATE.match(text)
    if named:
        day, month_name = (named[1], named[2]) if named[1] else (named[4], named[3])
        month = _MONTHS.get(month_name[:3].lower())
        if month is None or (len(month_name) > 3 and not _full_month(month_name)):
            return None
        pattern = "d mmmm yyyy" if named[1] else ("mmmm d yyyy" if len(month_name) > 3 else "mmm d yyyy")
        if "," in text:
            pattern = pattern.replace(" yyyy", ", yyyy")
        return (int(named[5]), month, int(day)), pattern
    return None


def _full_month(name: str) -> bool:
    return name.lower() in (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "sept",
    )


def _numeric_date(match: re.Match[str], loc: Locale, today: dt.date) -> tuple[tuple[int, int, int], str] | None:
    first, sep, second, third = match[1], match[2], match[3], match[4]
    if sep == "." and loc.decimal == ".":
        return None  # 3.4 is a number where the decimal mark is a point
    if third is None:  # 3/4: this year, in the locale's day/month order
        if len(first) > 2:
            return None
        month, day = (int(first), int(second)) if loc.date_order == "MDY" else (int(second), int(first))
        return (today.year, month, day), ("m" + sep + "d" if loc.date_order == "MDY" else "d" + sep + "m")
    if len(first) == 4:
        return (int(first), int(second), int(third)), f"yyyy{sep}m{sep}d"
    year = int(third) + (2000 if len(third) <= 2 and int(third) < 30 else 1900 if len(third) <= 2 else 0)
    if loc.date_order == "DMY":
        return (year, int(second), int(first)), f"d{sep}m{sep}yyyy"
    return (year, int(first), int(second)), f"m{sep}d{sep}yyyy"


def _time_like(text: str, loc: Locale, today: dt.date) -> tuple[Scalar, dict[str, str]] | None:
    """14:30, 14:30:15, 2:30 PM."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, second, meridiem = int(match[1]), int(match[2]), int(match[3] or 0), match[4]
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    serial = tidy((hour * 3600 + minute * 60 + second) / 86400)
    pattern = "h:mm" + (":ss" if match[3] else "") + (" am/pm" if meridiem else "")
    return serial, {"type": "TIME", "pattern": pattern}
