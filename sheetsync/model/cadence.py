"""Cadences such as `every 15 minutes` or `weekdays at 08:30`: parsed once, computed in the business's time zone.

Two kinds, with different meanings across a daylight-saving change:

- clock cadences (`every day at 07:00`, `weekdays at 08:30`, `every monday at 09:00`,
  `every month on day 31 at 18:00`) run at that wall-clock time each day they apply, so the gap between
  runs is 23 or 25 hours on the day the clocks change. A time that does not exist that day (02:30 when
  the clocks jump from 02:00 to 03:00) runs at the same distance past the jump (03:30); a time that
  happens twice (01:30 when the clocks fall back) runs once, at the first.
  A month day past the month's end (day 31 in April) means the month's last day.
- interval cadences (`every 15 minutes`, `every 2 hours`) count real elapsed time from each local
  midnight, so a clock change neither skips nor doubles a run: the repeated hour in November gets its
  own four quarter-hour runs, the missing hour in March gets none.

Grammar (case-insensitive): `every minute`, `every N minutes`, `every hour`, `every N hours`;
`[every] day at HH:MM`, `daily at HH:MM`; `[every] weekday(s) at`, `business days at` (weekdays that are
not [calendar] holidays), `weekends at`; `[every] monday[s][, wednesday and friday] at HH:MM`;
`every month on day N at HH:MM`, `every month on the last day at HH:MM`. Several times: `at 07:00 and 13:00`.
`on demand` (or `manual`, `off`) means the job runs only when asked.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ALIASES = {name[:3]: i for i, name in enumerate(DAYS)} | {name: i for i, name in enumerate(DAYS)}
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
LAST_DAY = 32  # month_day meaning "the month's last day"
OFF = ("on demand", "manual", "off", "never", "")

_INTERVAL = re.compile(r"every\s+(?:(\d+)\s+)?(minute|minutes|min|mins|hour|hours)")
_AT = re.compile(r"^(.*?)\s+at\s+(.+)$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTH = re.compile(r"^(?:every\s+month|monthly)\s+on\s+(?:the\s+)?(?:day\s+(\d{1,2})|last\s+day)$")


class CadenceError(ValueError):
    """A cadence text that cannot be understood; the message says what would work."""


@dataclass(frozen=True)
class Cadence:
    """When a job runs; `next_after(moment)` is the first run strictly after `moment`."""

    text: str
    tz: ZoneInfo
    every: timedelta | None = None
    times: tuple[time, ...] = ()
    weekdays: frozenset[int] = EVERY_DAY
    month_day: int | None = None
    holidays: frozenset[date] = frozenset()

    def next_after(self, moment: datetime) -> datetime:
        """The first run strictly after `moment` (an aware datetime), in the cadence's time zone."""
        if moment.tzinfo is None:
            raise ValueError("next_after needs an aware datetime")
        if self.every is not None:
            return self._next_interval(moment)
        day = moment.astimezone(self.tz).date()
        for offset in range(800):  # a month day or a weekday filter with holidays is always found sooner
            current = day + timedelta(days=offset)
            if not self.runs_on(current):
                continue
            for at in self.times:
                candidate = local(current, at, self.tz)
                if candidate > moment:
                    return candidate
        raise CadenceError(f"{self.text!r}: no run in the next two years")

    def runs_on(self, day: date) -> bool:
        """Whether a clock cadence applies on `day` (interval cadences apply every day)."""
        if self.month_day is not None:
            return day.day == min(self.month_day, _month_length(day))
        return day.weekday() in self.weekdays and day not in self.holidays

    def slots(self, start: datetime, end: datetime, limit: int = 10_000) -> list[datetime]:
        """Runs due in the interval (start, end], oldest first (at most `limit`)."""
        out: list[datetime] = []
        moment = start
        while len(out) < limit:
            moment = self.next_after(moment)
            if moment > end:
                break
            out.append(moment)
        return out

    def _next_interval(self, moment: datetime) -> datetime:
        assert self.every is not None
        day = moment.astimezone(self.tz).date()
        midnight = local(day, time(0), self.tz).astimezone(UTC)
        following = local(day + timedelta(days=1), time(0), self.tz).astimezone(UTC)
        elapsed = moment.astimezone(UTC) - midnight  # real time: both sides in UTC
        steps = elapsed // self.every + 1
        candidate = midnight + steps * self.every
        return min(candidate, following).astimezone(self.tz)

    def __str__(self) -> str:
        return self.text


def local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Wall-clock `at` on `day` in `tz`: a missing time moves past the jump, a repeated one is the first."""
    naive = datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    return naive.astimezone(UTC).astimezone(tz)


def _month_length(day: date) -> int:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# The words cadences are made of, for suggesting a fix when one is misspelt ("every dya at 07:00").
WORDS = (
    ("every", "minute", "minutes", "hour", "hours", "day", "days", "daily", "at", "and", "on", "the", "last")
    + ("weekday", "weekdays", "weekend", "weekends", "business", "month", "monthly", "demand", "manual", "off")
    + DAYS
    + tuple(f"{d}s" for d in DAYS)
)


def parse_cadence(text: str, tz: ZoneInfo, holidays=()) -> Cadence | None:
    """A Cadence from config text, or None for `on demand`; raises CadenceError with a hint otherwise."""
    try:
        return _parse(text, tz, holidays)
    except CadenceError as ex:
        fixed = _respelt(str(text))
        if fixed is None:
            raise
        try:
            _parse(fixed, tz, holidays)
        except CadenceError:
            raise ex from None
        raise CadenceError(f"{ex} (did you mean {fixed!r}?)") from None


def _respelt(text: str) -> str | None:
    """The text with each unknown word replaced by the closest cadence word, if that changes anything."""
    out, changed = [], False
    for word in re.split(r"(\W+)", text):
        if word.isalpha() and word.lower() not in WORDS:
            close = difflib.get_close_matches(word.lower(), WORDS, n=1, cutoff=0.6)
            if close:
                word, changed = close[0], True
        out.append(word)
    return "".join(out) if changed else None


def _parse(text: str, tz: ZoneInfo, holidays=()) -> Cadence | None:
    clean = " ".join(str(text).lower().replace(",", " , ").split()).replace(" ,", ",")
    if clean in OFF:
        return None
    interval = _INTERVAL.fullmatch(clean)
    if interval:
        return _interval(text, tz, int(interval.group(1) or 1), interval.group(2))
    match = _AT.match(clean)
    if not match:
        raise CadenceError(_hint(text))
    days_text, times_text = match.group(1).strip(), match.group(2)
    times = _times(text, times_text)
    month = _MONTH.fullmatch(days_text)
    if month:
        number = int(month.group(1)) if month.group(1) else LAST_DAY
        if month.group(1) and not 1 <= number <= 31:
            raise CadenceError(f"{text!r}: day {number} is not a day of a month (1 to 31, or 'the last day')")
        return Cadence(text, tz, times=times, month_day=number)
    weekdays, business = _days(text, days_text)
    return Cadence(text, tz, times=times, weekdays=weekdays, holidays=frozenset(holidays) if business else frozenset())


def _interval(text: str, tz: ZoneInfo, count: int, unit: str) -> Cadence:
    every = timedelta(minutes=count) if unit.startswith("min") else timedelta(hours=count)
    if count < 1 or every > timedelta(hours=24):
        raise CadenceError(
            f"{text!r}: an interval must be between 1 minute and 24 hours (for a daily run say 'every day at 07:00')"
        )
    return Cadence(text, tz, every=every)


def _times(text: str, times_text: str) -> tuple[time, ...]:
    out = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", times_text):
        if not part:
            continue
        match = _TIME.fullmatch(part.strip())
        hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if hour > 23 or minute > 59:
            raise CadenceError(f"{text!r}: {part!r} is not a 24-hour time like 07:00 or 18:30")
        out.append(time(hour, minute))
    if not out:
        raise CadenceError(_hint(text))
    return tuple(sorted(set(out)))


def _days(text: str, days_text: str) -> tuple[frozenset[int], bool]:
    words = days_text.removeprefix("every ").strip()
    if words in ("day", "days", "daily"):
        return EVERY_DAY, False
    if words in ("weekday", "weekdays"):
        return WEEKDAYS, False
    if words in ("business day", "business days", "workday", "workdays"):
        return WEEKDAYS, True
    if words in ("weekend", "weekends", "weekend day", "weekend days"):
        return frozenset({5, 6}), False
    out = set()
    for part in re.split(r"\s*(?:,|\band\b)\s*", words):
        if not part:
            continue
        index = _DAY_ALIASES.get(part.removesuffix("s"))
        if index is None:
            raise CadenceError(
                f"{text!r}: {part!r} is not a day (monday..sunday, weekdays, business days, weekends, day)"
            )
        out.add(index)
    if not out:
        raise CadenceError(_hint(text))
    return frozenset(out), False


def _hint(text: str) -> str:
    return (
        f"{text!r} is not a cadence; write e.g. 'every 15 minutes', 'every day at 07:00', "
        "'weekdays at 08:30', 'every monday at 09:00', 'every month on day 1 at 07:00' or 'on demand'"
    )
