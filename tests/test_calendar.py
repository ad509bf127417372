"""Calendar helpers: calendar days and business days in the business's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheetsync.model.calendar import (
    Calendar,
    add_business_days,
    business_days_between,
    days_between,
    is_business_day,
    local_date,
)

NY = ZoneInfo("America/New_York")
THANKSGIVING, CHRISTMAS = date(2026, 11, 26), date(2026, 12, 25)
HOLIDAYS = (THANKSGIVING, CHRISTMAS, date(2027, 1, 1))
D = date.fromisoformat


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-11-20", "2026-11-20", 0),
        ("2026-11-20", "2026-11-23", 1),  # Friday -> Monday
        ("2026-11-21", "2026-11-23", 1),  # Saturday -> Monday
        ("2026-11-23", "2026-11-28", 3),  # after Monday: Tue, Wed, Fri (Thanksgiving and Saturday skipped)
        ("2026-11-25", "2026-12-01", 3),  # Wed -> Tue over Thanksgiving and a weekend
        ("2026-12-24", "2027-01-04", 5),  # Christmas and New Year's Day skipped
        ("2026-01-30", "2026-02-02", 1),  # month end on a Friday
        ("2028-02-28", "2028-03-01", 2),  # leap day is a Tuesday
        ("2026-03-06", "2026-03-09", 1),  # over the spring-forward weekend
        ("2026-10-30", "2026-11-02", 1),  # over the fall-back weekend
        ("2026-11-23", "2026-11-20", -1),  # backwards
    ],
)
def test_business_days_between(start, end, expected):
    assert business_days_between(D(start), D(end), HOLIDAYS) == expected


@pytest.mark.parametrize(
    "start, count, expected",
    [
        ("2026-11-25", 1, "2026-11-27"),  # Thanksgiving skipped
        ("2026-11-25", 3, "2026-12-01"),
        ("2026-11-27", 1, "2026-11-30"),  # Friday + 1 = Monday
        ("2026-11-28", 0, "2026-11-28"),
        ("2026-12-24", 2, "2026-12-29"),
        ("2026-12-31", 1, "2027-01-04"),  # New Year's Day and a weekend
        ("2028-02-28", 1, "2028-02-29"),  # leap day
        ("2026-03-06", 1, "2026-03-09"),
        ("2026-11-30", -1, "2026-11-27"),
        ("2026-11-27", -1, "2026-11-25"),
    ],
)
def test_add_business_days(start, count, expected):
    assert add_business_days(D(start), count, HOLIDAYS) == D(expected)


@pytest.mark.parametrize("start", [D("2026-11-20"), D("2026-12-23"), D("2028-02-26")])
@pytest.mark.parametrize("count", range(15))
def test_add_then_count_round_trip(start, count):
    assert business_days_between(start, add_business_days(start, count, HOLIDAYS), HOLIDAYS) == count


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-11-26", False),
        ("2026-11-27", True),
        ("2026-11-28", False),
        ("2026-11-29", False),
        ("2028-02-29", True),
    ],
)
def test_is_business_day(day, expected):
    assert is_business_day(D(day), HOLIDAYS) is expected


@pytest.mark.parametrize(
    "start, end, expected",
    [
        # Moments either side of a DST change are still whole calendar days apart in the brand's zone.
        (datetime(2026, 3, 7, 9, 0, tzinfo=NY), datetime(2026, 3, 8, 9, 0, tzinfo=NY), 1),  # a 23-hour day
        (datetime(2026, 3, 8, 0, 30, tzinfo=NY), datetime(2026, 3, 8, 23, 30, tzinfo=NY), 0),
        (datetime(2026, 10, 31, 23, 30, tzinfo=NY), datetime(2026, 11, 1, 23, 30, tzinfo=NY), 1),  # a 25-hour day
        (date(2028, 2, 28), date(2028, 3, 1), 2),
        (date(2026, 1, 31), date(2026, 3, 1), 29),
        # 03:30 UTC on Nov 2 is still Nov 1 in New York: not tomorrow by accident.
        (date(2026, 11, 1), datetime(2026, 11, 2, 3, 30, tzinfo=UTC), 0),
        (date(2026, 3, 8), datetime(2026, 3, 9, 3, 30, tzinfo=UTC), 0),
    ],
)
def test_days_between_in_zone(start, end, expected):
    assert days_between(start, end, NY) == expected


def test_local_date_and_calendar_from_config(config):
    assert local_date(datetime(2026, 11, 27, 4, 59, tzinfo=UTC), NY) == date(2026, 11, 26)
    cal = Calendar.of(config)
    assert cal.zone == config.timezone and THANKSGIVING in cal.holidays
    assert cal.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert cal.business_days_between(date(2026, 11, 25), datetime(2026, 12, 2, 4, 0, tzinfo=UTC)) == 3
    assert not cal.is_business_day(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # still Thanksgiving in NY
    assert cal.days_between(date(2026, 11, 1), date(2026, 11, 1) + timedelta(days=30)) == 30
