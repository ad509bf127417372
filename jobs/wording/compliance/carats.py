"""What copy may say about the stones' weight: decimal and fractional carats, points, total weight.

Source, as read: 16 CFR 23.18 (current numbering; 23.17 before 2018). (a) misrepresenting the weight is
deceptive (so a weight for several stones says it is their total: "ct tw"); (b) "points" only with the
decimal carat weight too; (c) a decimal weight is accurate to its last decimal place, and one stated to a
single place to the second (".5 carat" means .495 to .504); (d) a fractional weight ("1/2 ct") needs, close
by, the disclosure that it is not exact and a reasonable range or the tolerance used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .codes import CopyCode, Finding, finding
from .subject import Subject

NUMBER = r"(\d*\.\d+|\d+)"
UNIT = r"(?:ct\b\.?|cts\b|ctw\b|cttw\b|carats?\b)"
DECIMAL = re.compile(rf"(?<![\d/.,])(?:\.\d+|\d+(?:\.\d+)?)\s*{UNIT}", re.I)
FRACTION = re.compile(rf"(?<![\d.])((?:\d+\s+)?\d+/\d+)\s*{UNIT}", re.I)
POINTS = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:points?|pts?\b\.?)(?![\w])", re.I)
TOLERANCE = re.compile(rf"(?:±|\+/-|plus\s+or\s+minus|\btolerance\s*(?:of\s*)?(?:±\s*)?)\s*{NUMBER}\s*{UNIT}?", re.I)
RANGE = re.compile(
    rf"\bbetween\s+{NUMBER}\s*{UNIT}?\s+and\s+{NUMBER}\s*{UNIT}?|(?<![\d/.]){NUMBER}\s*(?:-|–|to)\s*{NUMBER}\s*{UNIT}",
    re.I,
)
TOTAL_AFTER = re.compile(r"^\s*(?:t\.?\s?w\.?|total(?:\s+(?:carat\s+)?weight)?|in\s+(?:all|total))\b", re.I)
TOTAL_BEFORE = re.compile(r"\btotal\s+(?:carat\s+)?weight\s*(?:of|:)?\s*$", re.I)
KARAT_AFTER = re.compile(r"^\s*(?:(?:yellow|white|rose|pink|green)\s+)?(?:gold|rolled|vermeil)\b", re.I)
VULGAR = {"½": " 1/2", "¼": " 1/4", "¾": " 3/4", "⅓": " 1/3", "⅔": " 2/3", "⅛": " 1/8", "⅜": " 3/8", "⅝": " 5/8"}
SPOT = Decimal("0.005")  # stated to one or two places: accurate to the second (23.18(c))


@dataclass(frozen=True)
class Weight:
    """A weight the copy states: its text, value, span and whether it is called a total."""

    text: str
    value: Decimal
    start: int
    end: int
    total: bool
    places: int


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _spans(copy: str) -> list[tuple[int, int]]:
    """Where the copy states a tolerance or a range (those numbers are not weights)."""
    return [m.span() for pattern in (TOLERANCE, RANGE) for m in pattern.finditer(copy)]


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    return any(a <= at < b for a, b in spans)


def _total(copy: str, m: re.Match) -> bool:
    unit = m.group(0).lower()
    return (
        "ctw" in unit
        or "cttw" in unit
        or bool(TOTAL_AFTER.match(copy[m.end() :]))
        or bool(TOTAL_BEFORE.search(copy[: m.start()]))
    )


def weights(copy: str) -> list[Weight]:
    """Decimal carat weights the copy states ("0.50 ct tw"); "18ct gold" is a karat, "±0.05 ct" a tolerance."""
    spans, out = _spans(copy), []
    for m in DECIMAL.finditer(copy):
        number = re.match(r"\.?\d+(?:\.\d+)?", m.group(0))
        value = _dec(number.group(0)) if number else None
        if value is None or KARAT_AFTER.match(copy[m.end() :]) or _inside(spans, m.start()):
            continue
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        out.append(Weight(m.group(0).strip(), value, m.start(), m.end(), _total(copy, m), places))
    return out


def check(copy: str, subject: Subject) -> list[Finding]:
    for char, text in VULGAR.items():
        copy = copy.replace(char, text)
    return [*_decimals(copy, subject), *_fractions(copy, subject), *_points(copy, subject)]


def _weight_said(s: Subject) -> str:
    return str(s.carat) if s.carat is not None else "(blank)"


def _decimals(copy: str, s: Subject) -> Iterator[Finding]:
    for w in weights(copy):
        tolerance = SPOT if w.places <= 2 else Decimal(5) / Decimal(10) ** (w.places + 1)
        if s.carat is None or not (w.value - tolerance <= s.carat < w.value + tolerance):
            low, high = w.value - tolerance, w.value + tolerance - Decimal("0.001")
            yield finding(
                CopyCode.CARAT_MISMATCH,
                f'says "{w.text}" but Carat Weight is {_weight_said(s)} ("{w.text}" means {low.normalize()} to '
                f"{high.normalize()} ct)",
            )
        if s.count > 1 and not w.total:
            yield finding(
                CopyCode.CARAT_TOTAL_UNDISCLOSED,
                f'"{w.text}" is the weight of {s.count} stones: call it their total (e.g. "{w.value} ct tw")',
            )


def _fractions(copy: str, s: Subject) -> Iterator[Finding]:
    spans = _spans(copy)
    for m in FRACTION.finditer(copy):
        value = sum((Fraction(p) for p in m.group(1).split()), Fraction(0))
        near = copy[max(0, m.start() - 150) : m.end() + 200]
        tolerance, ranges = TOLERANCE.search(near), RANGE.search(near)
        if tolerance is None and ranges is None:
            yield finding(
                CopyCode.CARAT_FRACTION_TOLERANCE,
                f'fractional weight "{m.group(0)}" needs, close by, a note that it is not exact and its range or '
                f'tolerance (e.g. "weights are within ±0.05 ct"), or state the decimal weight',
            )
        weight = Fraction(str(s.carat)) if s.carat is not None else None
        if tolerance is not None:
            ok = weight is not None and abs(weight - value) <= Fraction(tolerance.group(1))
        elif ranges is not None:
            low, high = (g for g in ranges.groups() if g is not None)
            ok = weight is not None and Fraction(low) <= weight <= Fraction(high)
        else:
            ok = weight is not None and abs(weight - value) <= Fraction(1, 20)
        if not ok:
            yield finding(CopyCode.CARAT_MISMATCH, f'says "{m.group(0).strip()}" but Carat Weight is {_weight_said(s)}')
        if s.count > 1 and not _total(copy, m) and not _inside(spans, m.start()):
            yield finding(
                CopyCode.CARAT_TOTAL_UNDISCLOSED,
                f'"{m.group(0).strip()}" is the weight of {s.count} stones: call it their total ("ct tw")',
            )


def _points(copy: str, s: Subject) -> Iterator[Finding]:
    stated = weights(copy)
    for m in POINTS.finditer(copy):
        points = Decimal(m.group(1)) / 100
        if not stated:
            yield finding(
                CopyCode.CARAT_POINTS,
                f'"{m.group(0)}" needs the weight in decimal carats too (e.g. "{points} ct")',
            )
        if s.carat is None or abs(s.carat - points) >= SPOT:
            yield finding(CopyCode.CARAT_MISMATCH, f'says "{m.group(0)}" but Carat Weight is {_weight_said(s)}')
