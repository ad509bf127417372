"""Change sets: what a job wants written, addressed by (tab, key, column), never by row number."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .layout import TabContent
from .problems import Problem, Severity
from .tab import Row, Tab


@dataclass(frozen=True)
class CellChange:
    """Set one cell of a keyed row; `expected` is the raw cell as read, to catch edits made meanwhile."""

    tab: str
    key: str
    column: str
    value: Any
    expected: Any
    old: Any  # the typed value as read, for ownership rules and the audit log
    sheet_row: int  # where the row was when read: for messages only, never for addressing
    job: str | None = None


@dataclass(frozen=True)
class RowAppend:
    """A new row at the end of a tab, written to an explicit range (never values:append)."""

    tab: str
    values: dict[str, Any]
    job: str | None = None


@dataclass
class ChangeSet:
    """Everything one job wants done, plus the problems it found (they go to Issues and the report)."""

    job: str | None = None
    cells: list[CellChange] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    contents: list[TabContent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def set(self, tab: Tab, row: Row, column: str, value: Any) -> None:
        """Write `value` to `column` of `row`; ownership and no-op checks happen when the run is planned."""
        if not tab.schema.has(column):
            raise KeyError(f"{tab.name} has no column {column!r} in its schema")
        header = tab.schema.column(column).header
        self.cells.append(CellChange(tab.name, row.key, header, value, row.read_raw(header), row.get(header),
                                     row.sheet_row, self.job))

    def append(self, tab: str, values: dict[str, Any]) -> None:
        self.appends.append(RowAppend(tab, dict(values), self.job))

    def replace(self, content: TabContent) -> None:
        """Rewrite a whole job-owned tab (summaries, To Do); skipped when its content is unchanged."""
        self.contents.append(content)

    def report(self, tab: Tab, row: Row | None, column: str | None, code: str, message: str,
               severity: Severity = Severity.ERROR, value: Any = None) -> Problem:
        """Record a problem at a row's cell; it will show in the row's Issues cell and as a cell note."""
        problem = tab.problem(row, column, code, message, severity, value=value, job=self.job)
        self.problems.append(problem)
        return problem

    def __bool__(self) -> bool:
        return bool(self.cells or self.appends or self.contents)

    def extend(self, other: "ChangeSet") -> None:
        self.cells += other.cells
        self.appends += other.appends
        self.contents += other.contents
        self.problems += other.problems
