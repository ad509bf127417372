"""Render numbers with Sheets number-format patterns (number, percent, currency, scientific, date, time, text)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from .locales import Locale
from .locales import locale as locale_named

EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Sheets serial numbers (Lotus-compatible)
_TOKEN = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|am/pm|a/p|e[+-]|[ymdhs]+|0|#|\?|\.|,|%|@|.', re.IGNORECASE)
_ELAPSED = re.compile(r"^\[(h+|m+|s+)\]$", re.IGNORECASE)
_DEFAULT_PATTERNS = {
    "NUMBER": "#,##0.00",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "SCIENTIFIC": "0.00E+00",
    "TEXT": "@",
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def general(number: float | int) -> str:
    """Google's default rendering of a number with no format: 42, 1.45, 0.4, 1E+21."""
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def default_pattern(kind: str, loc: Locale) -> str:
    """The pattern Google uses for a numberFormat type given without a pattern."""
    if kind == "DATE":
        return loc.date_pattern
    if kind == "TIME":
        return loc.time_pattern
    if kind == "DATE_TIME":
        return f"{loc.date_pattern} {loc.time_pattern.replace(' am/pm', '')}"
    return _DEFAULT_PATTERNS.get(kind, "")


def render(value: float | int, number_format: dict[str, str] | None, locale: str | None = None) -> str:
    """FORMATTED_VALUE of a number under a CellFormat.numberFormat."""
    loc = locale_named(locale)
    fmt = number_format or {}
    pattern = fmt.get("pattern") or default_pattern(fmt.get("type", ""), loc)
    if not pattern or pattern.lower() == "general":
        return general(value).replace(".", loc.decimal)
    return _with_pattern(value, pattern, loc)


def render_text(text: str, number_format: dict[str, str] | None) -> str:
    """A text value under a pattern: only a fourth section or '@' changes it."""
    pattern = (number_format or {}).get("pattern") or ""
    sections = _sections(pattern)
    section = sections[3] if len(sections) > 3 else (sections[0] if sections and "@" in sections[0] else None)
    if section is None:
        return text
    return "".join(text if tok == "@" else _literal(tok) for tok in _tokens(section))


@functools.cache
def _sections(pattern: str) -> list[str]:
    """Split on ';' outside quotes and brackets."""
    parts, current = [], ""
    for token in _TOKEN.findall(pattern):
        if token == ";":
            parts.append(current)
            current = ""
        else:
            current += token
    return parts + [current]


@functools.cache
def _tokens(section: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(section))


def _with_pattern(value: float, pattern: str, loc: Locale) -> str:
    sections = _sections(pattern)
    section, sign = sections[0], "-" if value < 0 else ""
    if value < 0 and len(sections) > 1 and sections[1]:
        section, sign, value = sections[1], "", -value
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    tokens = [t for t in _tokens(section) if not _is_color_or_condition(t)]
    if "@" in tokens:  # a text pattern shows numbers as Google's default does
        return "".join(general(value) if t == "@" else _literal(t) for t in tokens)
    if _is_date(tokens):
        return _date(value, tokens, loc)
    if not any(t in ("0", "#", "?") for t in tokens):
        return "".join(_literal(t) for t in tokens) if tokens else general(value)
    return _number(abs(value), tokens, sign, loc)


def _is_color_or_condition(token: str) -> bool:
    return token.startswith("[") and not _ELAPSED.match(token) and not token.startswith("[$")


def _literal(token: str) -> str:
    """The text a non-placeholder token shows."""
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("*"):
        return ""
    if token.startswith("[$"):
        return token[2:-1].split("-")[0]
    return token


def _is_date(tokens: list[str]) -> bool:
    return any(
        (t[0].lower() in "ydhs" and t.isalpha()) or _ELAPSED.match(t) or t.lower() in ("am/pm", "a/p") for t in tokens
    )


def _number(value: float, tokens: list[str], sign: str, loc: Locale) -> str:
    """Digits placed by 0 # ? with grouping, percent, scientific and literals before/after."""
    exp_at = next((i for i, t in enumerate(tokens) if t.lower() in ("e+", "e-")), len(tokens))
    places = [i for i, t in enumerate(tokens[:exp_at]) if t in ("0", "#", "?")]
    first, last = places[0], places[-1]
    body = tokens[first : last + 1]
    prefix = "".join(_literal(t) for t in tokens[:first])
    suffix_tokens = tokens[last + 1 :]
    exp_at -= last + 1
    scale_commas = 0
    while suffix_tokens and suffix_tokens[0] == ",":
        scale_commas += 1
        suffix_tokens, exp_at = suffix_tokens[1:], exp_at - 1
    value = value * 100 ** sum(t == "%" for t in tokens) / 1000**scale_commas
    if exp_at < len(suffix_tokens):
        digits = [t for t in suffix_tokens[exp_at + 1 :] if t in ("0", "#")]
        mantissa = _fill(value / 10 ** _exponent(value, body), body, loc)
        exponent = _exponent(value, body)
        exp_sign = "-" if exponent < 0 else ("+" if suffix_tokens[exp_at][1] == "+" else "")
        rest = "".join(_literal(t) for t in suffix_tokens[exp_at + 1 + len(digits) :])
        return f"{sign}{prefix}{mantissa}E{exp_sign}{abs(exponent):0{max(len(digits), 1)}d}{rest}"
    suffix = "".join(_literal(t) for t in suffix_tokens)
    return f"{sign}{prefix}{_fill(value, body, loc)}{suffix}"


def _split_body(body: list[str]) -> tuple[list[str], list[str], bool]:
    """(integer placeholders, decimal placeholders, grouping) of a number body."""
    dot = body.index(".") if "." in body else len(body)
    integer = [t for t in body[:dot] if t in ("0", "#", "?")]
    decimals = [t for t in body[dot + 1 :] if t in ("0", "#", "?")]
    return integer, decimals, "," in body[:dot]


def _exponent(value: float, body: list[str]) -> int:
    integer, _, _ = _split_body(body)
    if value == 0:
        return 0
    width = max(len(integer), 1)
    exponent = Decimal(repr(value)).adjusted()
    return exponent - (exponent % width if width > 1 else 0)


def _fill(value: float, body: list[str], loc: Locale) -> str:
    """Round half away from zero to the decimal placeholders and lay the digits out."""
    integer, decimals, grouped = _split_body(body)
    quantum = Decimal(1).scaleb(-len(decimals))
    rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, frac = f"{rounded:f}".partition(".")
    whole = whole.lstrip("0")
    min_int = sum(t == "0" for t in integer)
    whole = whole.rjust(min_int, "0") if min_int else whole
    if not integer:
        whole = ""
    if grouped and whole:
        whole = f"{int(whole):,}".replace(",", loc.group)
    frac = frac.ljust(len(decimals), "0")
    keep = len(decimals)
    while keep and decimals[keep - 1] == "#" and frac[keep - 1] == "0":
        keep -= 1
    frac = "".join(frac[i] if i < keep else (" " if decimals[i] == "?" else "") for i in range(len(decimals)))
    if "." in body:
        return f"{whole}{loc.decimal}{frac}" if frac or "." in body else whole
    return whole


def from_serial(serial: float) -> dt.datetime:
    """Sheets serial number -> naive datetime, rounded to the millisecond as Sheets shows it."""
    return EPOCH + dt.timedelta(milliseconds=round(serial * 86400000))


def _date(value: float, tokens: list[str], loc: Locale) -> str:
    moment = from_serial(value)
    twelve = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out = []
    for i, token in enumerate(tokens):
        lower = token.lower()
        if lower[0] == "m" and lower.isalpha() and _is_minute(tokens, i):
            out.append(f"{moment.minute:02d}" if len(lower) > 1 else str(moment.minute))
        elif lower.isalpha() and lower[0] in "ymdhs":
            out.append(_date_part(lower, moment, twelve))
        elif lower in ("am/pm", "a/p"):
            am = moment.hour < 12
            out.append(("AM" if am else "PM") if lower == "am/pm" else ("A" if am else "P"))
        elif _ELAPSED.match(token):
            out.append(_elapsed(lower[1:-1], value))
        elif token in ("0",) and out and i > 0:
            out.append(str(moment.microsecond // 100000))
        else:
            out.append(_literal(token))
    return "".join(out)


def _is_minute(tokens: list[str], i: int) -> bool:
    """m means minutes right after an hour or right before seconds (literals between are skipped)."""
    before = [t.lower() for t in tokens[:i] if t.isalpha() or _ELAPSED.match(t)]
    after = [t.lower() for t in tokens[i + 1 :] if t.isalpha() or _ELAPSED.match(t)]
    return bool(before and before[-1].strip("[]")[0] == "h") or bool(after and after[0].strip("[]")[0] == "s")


def _date_part(token: str, moment: dt.datetime, twelve: bool) -> str:
    kind, width = token[0], len(token)
    if kind == "y":
        return f"{moment.year % 100:02d}" if width <= 2 else f"{moment.year:04d}"
    if kind == "m":
        names = _MONTHS[moment.month - 1]
        return {1: str(moment.month), 2: f"{moment.month:02d}", 3: names[:3], 5: names[0]}.get(width, names)
    if kind == "d":
        day_name = _DAYS[moment.weekday()]
        return {1: str(moment.day), 2: f"{moment.day:02d}", 3: day_name[:3]}.get(width, day_name)
    if kind == "h":
        hour = (moment.hour % 12 or 12) if twelve else moment.hour
        return f"{hour:02d}" if width > 1 else str(hour)
    return f"{moment.second:02d}" if width > 1 else str(moment.second)


def _elapsed(token: str, value: float) -> str:
    """[h], [m], [s]: total hours/minutes/seconds, not wrapped at a day."""
    per_day = {"h": 24, "m": 1440, "s": 86400}[token[0]]
    total = int(value * per_day + 1e-9)
    return f"{total:0{len(token)}d}"
