"""Issued ids (RMA-2026-0001, GFT-0001): next number after the highest ever issued, never reused."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

FIELD_RE = re.compile(r"\{(year|seq)(?::0?(\d+)d)?\}")


class Issuer:
    """Hands out ids for one tab from a format such as 'RMA-{year}-{seq:04d}'.

    The high-water mark is the larger of the highest id present in the tab and the highest
    recorded in the workbook's _Meta tab, so deleting the newest row never frees its number.
    """

    def __init__(self, fmt: str, today: date, present: Iterable[str], recorded: int = 0):
        if "{seq" not in fmt:
            raise ValueError(f"id format {fmt!r} needs a {{seq}} field")
        self.fmt, self.year = fmt, today.year
        self.counter = FIELD_RE.sub(lambda m: str(today.year) if m.group(1) == "year" else "#", fmt)
        pattern = re.escape(fmt)
        pattern = pattern.replace(r"\{year\}", str(today.year))
        pattern = re.sub(r"\\\{seq(?::0?\d+d)?\\\}", r"(\\d+)", pattern)
        self.regex = re.compile(f"^{pattern}$")
        highest = max((int(m.group(1)) for m in map(self.regex.match, present) if m), default=0)
        self.start = max(highest, recorded)
        self.last = self.start

    def next(self) -> str:
        self.last += 1
        return self.fmt.format(year=self.year, seq=self.last)

    @property
    def advanced(self) -> bool:
        return self.last > self.start

    def owns(self, key: str) -> bool:
        return bool(self.regex.match(key))
