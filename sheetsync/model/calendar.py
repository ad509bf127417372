"""Dates in the business's time zone: calendar-day counts and business days that skip weekends and holidays.

Every count is of calendar dates in the business's zone, so a daylight-saving change (a 23- or
25-hour day) never shifts a result, and a moment late in the evening never falls on UTC's tomorrow.

    >>> cal = Calendar(ZoneInfo("America/New_York"), holidays=[date(2026, 11, 26)])
    >>> cal.add_business_days(date(2026, 11, 25), 1)   # Thanksgiving is skipped
    datetime.date(2026, 11, 27)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol


class _Business(Protocol):
    """What a calendar needs of a config: its time zone and holidays."""

    @property
    def timezone(self) -> tzinfo: ...

    @property
    def holidays(self) -> Iterable[date]: ...


WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())


def local_date(moment: date | datetime, zone: tzinfo | None = None) -> date:
    """The calendar date of `moment` in `zone` (a plain date is returned as is; a naive datetime is taken as local)."""
    if isinstance(moment, datetime):
        if zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.date()
    return moment


def days_between(start: date | datetime, end: date | datetime, zone: tzinfo | None = None) -> int:
    """Calendar days from `start` to `end` in `zone` (negative when `end` is earlier)."""
    return (local_date(end, zone) - local_date(start, zone)).days


def is_business_day(day: date | datetime, holidays: Iterable[date] = (), zone: tzinfo | None = None) -> bool:
    """Whether `day` is a weekday that is not a holiday."""
    day = local_date(day, zone)
    return day.weekday() not in WEEKEND and day not in set(holidays)


def business_days_between(
    start: date | datetime, end: date | datetime, holidays: Iterable[date] = (), zone: tzinfo | None = None
) -> int:
    """Business days after `start` up to and including `end` (negative when `end` is earlier).

    Received on Friday, checked on Monday: 1 business day has passed.
    """
    a, b = local_date(start, zone), local_date(end, zone)
    if b < a:
        return -business_days_between(b, a, holidays)
    off = set(holidays)
    full_weeks, extra = divmod((b - a).days, 7)
    count = full_weeks * 5
    for step in range(1, extra + 1):
        if (a + timedelta(days=step)).weekday() not in WEEKEND:
            count += 1
    count -= sum(1 for h in off if a < h <= b and h.weekday() not in WEEKEND)
    return count


def add_business_days(
    start: date | datetime, count: int, holidays: Iterable[date] = (), zone: tzinfo | None = None
) -> date:
    """The date `count` business days after `start` (before it when `count` is negative)."""
    day, off = local_date(start, zone), set(holidays)
    step = 1 if count >= 0 else -1
    left = abs(count)
    while left:
        day += timedelta(days=step)
        if day.weekday() not in WEEKEND and day not in off:
            left -= 1
    return day


@dataclass(frozen=True)
class Calendar:
    """The business's calendar: its time zone and holidays, with the helpers above bound to them."""

    zone: tzinfo
    holidays: frozenset[date] = frozenset()

    def __init__(self, zone: tzinfo, holidays: Iterable[date] = ()):
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "holidays", frozenset(holidays))

    @classmethod
    def of(cls, config: _Business) -> Calendar:
        """The calendar a config describes (workbook.timezone, calendar.holidays)."""
        return cls(config.timezone, config.holidays)

    def local_date(self, moment: date | datetime) -> date:
        return local_date(moment, self.zone)

    def days_between(self, start: date | datetime, end: date | datetime) -> int:
        return days_between(start, end, self.zone)

    def is_business_day(self, day: date | datetime) -> bool:
        return is_business_day(day, self.holidays, self.zone)

    def business_days_between(self, start: date | datetime, end: date | datetime) -> int:
        return business_days_between(start, end, self.holidays, self.zone)

    def add_business_days(self, start: date | datetime, count: int) -> date:
        return add_business_days(start, count, self.holidays, self.zone)
