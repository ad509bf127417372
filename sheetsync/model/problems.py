"""Problems found in the workbook, as data: reason codes, severities and a report table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Error blocks publishing or payment; warning is worth a look."""

    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Reason codes of the generic schema checks; values are stable and used by tests and exports."""

    MISSING_HEADER = "missing_header"
    DUPLICATE_HEADER = "duplicate_header"
    MISSING_TAB = "missing_tab"
    REQUIRED = "required"
    DUPLICATE_KEY = "duplicate_key"
    DUPLICATE_ROW = "duplicate_row"  # two rows without a key hold the same cells: nothing can tell them apart
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    NOT_MONEY = "not_money"
    NOT_A_PERCENT = "not_a_percent"
    NOT_A_DATE = "not_a_date"
    NOT_A_DATETIME = "not_a_datetime"
    NOT_YES_NO = "not_yes_no"
    NOT_ALLOWED = "not_allowed"
    BAD_EMAIL = "bad_email"
    BAD_URL = "bad_url"
    BAD_PATTERN = "bad_pattern"
    OUT_OF_RANGE = "out_of_range"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LONG = "too_long"
    FORMULA_NOT_CALCULATED = "formula_not_calculated"
    FORMULA_ERROR = "formula_error"
    WRITE_CONFLICT = "write_conflict"
    JOB_FAILED = "job_failed"


@dataclass(frozen=True)
class RowRead:
    """The rows of a tab a value was computed from: those whose `column` (the key, unless said) held `key`.

    `prints` are their cells as read (one each; none when no row held it), so the guard can tell, just
    before writing, whether what the value was computed from is still as read.
    """

    tab: str
    key: str
    prints: tuple[str, ...]
    column: str | None = None  # None: the tab's key column
    sheet_row: int | None = None  # set: this one row (`key` is its key as read), found as a write to it would be
    after: tuple[str, ...] = ()  # with sheet_row: the columns earlier jobs of the run write to it, which must land


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located as a person finds it: tab, sheet row number, column header, cell."""

    tab: str
    code: str
    message: str
    severity: Severity = Severity.ERROR
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: Any = None
    key: str | None = None  # how sheetsync addresses the row (a repeated key as KEY#2): for joins, not people
    job: str | None = None
    shown_key: str | None = None  # the key as the sheet shows it (None: the row has none, or as `key`)
    reads: tuple[RowRead, ...] = field(default=(), compare=False, repr=False)  # other rows it was found from

    @property
    def sheet_key(self) -> str | None:
        """The row's key as people see it in the sheet (never an internal stand-in such as KEY#2)."""
        if self.shown_key is not None:
            return self.shown_key
        from .keys import sheet_key  # keys -> values -> problems: imported when first needed

        return sheet_key(self.key)

    @property
    def line(self) -> str:
        """The text that goes into the row's Issues cell: column first, then what is wrong and the fix."""
        return f"{self.column}: {self.message}" if self.column else self.message

    @property
    def where(self) -> str:
        """Tab, row and column in words, for logs and the CLI."""
        parts = [self.tab]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        if self.cell:
            parts.append(f"({self.cell})")
        return " ".join(parts)


COLUMNS = ["tab", "row", "column", "cell", "value", "code", "severity", "message", "key", "job"]  # key: as shown


@dataclass
class Report:
    """Every problem of a run, in the order found; lazy: collects all, never stops at the first."""

    problems: list[Problem] = field(default_factory=list)
    _by_row: dict[tuple[str, str | None], list[Problem]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _indexed: int = field(default=0, init=False, repr=False, compare=False)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def for_row(self, tab: str, key: str) -> list[Problem]:
        """The problems of one row, in the order found (an index kept up to date as problems are added)."""
        if self._indexed > len(self.problems):  # the list was shortened from outside: index it anew
            self._by_row, self._indexed = {}, 0
        for p in self.problems[self._indexed :]:
            self._by_row.setdefault((p.tab, p.key), []).append(p)
        self._indexed = len(self.problems)
        return list(self._by_row.get((tab, key), ()))

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    def codes(self) -> set[str]:
        return {str(p.code) for p in self.problems}

    def records(self) -> list[dict[str, Any]]:
        out = []
        for p in self.problems:
            rec = asdict(p)
            rec["code"] = str(p.code)
            rec["severity"] = str(p.severity)
            rec["value"] = None if p.value is None else str(p.value)
            rec["key"] = p.sheet_key
            out.append({k: rec[k] for k in COLUMNS})
        return out

    def to_dataframe(self):
        """The report as a pandas DataFrame with one row per problem."""
        import pandas as pd

        frame = pd.DataFrame.from_records(self.records(), columns=COLUMNS)
        return frame.astype({"row": "Int64"})
