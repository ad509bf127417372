"""Change sets: what a job wants written, addressed by (tab, key, column), never by row number.

A job returns one ChangeSet: cell writes, rows to append, whole tabs to replace, the problems it found
and the To Do actions it proposes. Everything in it is labelled with the job's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .layout import TabContent
from .problems import Problem, RowRead, Severity
from .tab import Row, Tab, unknown_column
from .values import fold

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # reason codes are stable snake_case words, never message text


@dataclass(frozen=True, slots=True)
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
    # Writes sharing a group land together or not at all (a restock: Stock +1 and the return's Restocked On),
    # and `sheetsync undo` puts them back together or leaves them all.
    group: str | None = None
    reads: tuple[RowRead, ...] = ()  # other rows the value was computed from: it lands only if they are as read


@dataclass(frozen=True)
class CellNote:
    """sheetsync's note on one cell that is not a problem (a figure's breakdown): no highlight, no Issues line."""

    tab: str
    key: str
    sheet_row: int
    column: str
    text: str
    job: str | None = None


@dataclass(frozen=True)
class RowAppend:
    """A new row at the end of a tab, written to an explicit range (never values:append)."""

    tab: str
    values: dict[str, Any]
    job: str | None = None
    reads: tuple[RowRead, ...] = ()


@dataclass(frozen=True)
class Action:
    """One thing a person should do, found on one row of one tab: a line of the To Do tab.

    `id` is stable across runs (kind, tab, key and `ref`), so a person's tick on a line can follow it.
    """

    who: str  # "VA", "Founder", "Workshop" or a copywriter's name
    what: str  # plain words: "Send reminder 2 to @lena.gems for the Aurora Pendant"
    due: date  # since when it is due (a future date: not due yet, e.g. a launch)
    kind: str  # a stable code for the kind of action (tests and sorting)
    tab: str
    key: str  # the row's key (an id issued in this run included)
    sheet_row: int | None = None  # where the row was when read: for messages only, never for addressing
    column: str | None = None  # the column a link points at (default: the tab's key column)
    read_key: str | None = None  # the row's key as read, when it differs from `key` (an id issued in this run)
    rank: int = 5  # tie-break between actions due the same day: lower first
    job: str | None = None
    ref: str = ""  # tells apart actions of one kind on one row (a column and reason code, a handle)

    @classmethod
    def at(
        cls,
        tab: Tab,
        row: Row,
        *,
        who: str,
        what: str,
        due: date,
        kind: str,
        rank: int = 5,
        key: str | None = None,
        ref: str = "",
        column: str | None = None,
    ) -> Action:
        """An action about `row` of `tab` (`key` when the row gets an id issued in this run); `column`: the
        cell its link points at when the action is to fill or fix that cell (default: the key's)."""
        return cls(
            who,
            what,
            due,
            str(kind),
            tab.name,
            key or row.key,
            row.sheet_row,
            column or tab.schema.key,
            read_key=row.key if key and key != row.key else None,
            rank=rank,
            ref=ref,
        )

    @property
    def id(self) -> str:
        base = f"{self.kind}:{self.tab}:{self.key}"
        return f"{base}:{self.ref}" if self.ref else base


@dataclass
class ChangeSet:
    """Everything one job wants done, plus the problems it found (they go to Issues and the report)."""

    job: str | None = None
    cells: list[CellChange] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    contents: list[TabContent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: list[CellNote] = field(default_factory=list)
    row_reads: dict[tuple[str, int], tuple[RowRead, ...]] = field(default_factory=dict)  # (tab, row as read) ->

    def computed_from(self, tab: Tab, row: Row, reads: Reads) -> None:
        """Everything written to `row` (its Issues cell too) was found from these other rows, as (tab, key) pairs.

        Every write to the row is then skipped as a conflict when a person changed, pasted, added or removed
        one of them while the job ran (a return's Policy Check from its SKU's row: `[(skus, row["SKU"])]`).
        """
        where = (tab.name, row.sheet_row)
        self.row_reads[where] = tuple(dict.fromkeys(self.row_reads.get(where, ()) + _reads(reads)))

    def set(self, tab: Tab, row: Row, column: str, value: Any, reads: Reads = (), *, group: str | None = None) -> None:
        """Write `value` to `column` of `row`; ownership and no-op checks happen when the run is planned.

        `reads` names the other rows the value was computed from, as (tab, key) pairs (say a gift's value
        from its SKU's Cost: `reads=[(skus, row["SKU"])]`, a blank key meaning none): the write is skipped
        as a conflict when a person changed, pasted, added or removed such a row while the job ran. A pair
        (tab, row) names that row itself, with what earlier jobs of the run write to it: the value then also
        waits for those writes. Writes given the same `group` land together or not at all.
        """
        header = _header(tab, column)
        self.cells.append(
            CellChange(
                tab.name,
                row.key,
                header,
                value,
                row.read_raw(header),
                row.get(header),
                row.sheet_row,
                self.job,
                group,
                _reads(reads),
            )
        )

    def note(self, tab: Tab, row: Row, column: str, text: str) -> None:
        """Put `text` in sheetsync's note on a cell (kept while the job keeps saying it, like a problem's note)."""
        self.notes.append(CellNote(tab.name, row.key, row.sheet_row, _header(tab, column), text, self.job))

    def append(self, tab: str, values: dict[str, Any], reads: Reads = ()) -> None:
        """A new row at the end of `tab`; with `reads` (as for `set`), only if those rows are as read."""
        self.appends.append(RowAppend(tab, dict(values), self.job, _reads(reads)))

    def replace(self, content: TabContent) -> None:
        """Rewrite a whole job-owned tab (summaries, To Do); skipped when its content is unchanged."""
        self.contents.append(content)

    def report(
        self,
        tab: Tab,
        row: Row | None,
        column: str | None,
        code: str,
        message: str,
        severity: Severity = Severity.WARNING,
        value: Any = None,
        reads: Reads = (),
    ) -> Problem:
        """Record a problem at a row's cell (a warning unless said); it shows in Issues and as a cell note.

        `reads` (as for `set`): the other rows it was found from, so the Issues cell it goes to is written only
        if they are as read."""
        if not CODE_RE.match(str(code)):
            raise ValueError(
                f"reason code {code!r} is not a snake_case word (use a StrEnum of codes, "
                "and put the words for people in the message)"
            )
        header = _header(tab, column) if column is not None else None
        problem = tab.problem(row, header, code, message, severity, value=value, job=self.job)
        if reads:
            problem = replace(problem, reads=_reads(reads))
        self.problems.append(problem)
        return problem

    def todo(self, action: Action) -> Action:
        """Add a line to the To Do tab (the To Do job gathers the actions of every job)."""
        action = replace(action, job=self.job)
        self.actions.append(action)
        return action

    def __bool__(self) -> bool:
        return bool(self.cells or self.appends or self.contents)

    def extend(self, other: ChangeSet) -> None:
        self.cells += other.cells
        self.appends += other.appends
        self.contents += other.contents
        self.problems += other.problems
        self.actions += other.actions
        self.notes += other.notes
        for where, reads in other.row_reads.items():
            self.row_reads[where] = tuple(dict.fromkeys(self.row_reads.get(where, ()) + reads))

    def labelled(self, job: str) -> ChangeSet:
        """A copy with every item labelled as `job`'s (a job may build its ChangeSet without a name)."""
        items: list[CellChange | RowAppend | Problem | Action | TabContent | CellNote] = [
            *self.contents,
            *self.cells,
            *self.appends,
            *self.problems,
            *self.actions,
            *self.notes,
        ]
        if self.job == job and all(i.job == job for i in items):
            return self
        return ChangeSet(
            job,
            [replace(c, job=job) for c in self.cells],
            [replace(a, job=job) for a in self.appends],
            [replace(c, job=job) for c in self.contents],
            [replace(p, job=job) for p in self.problems],
            [replace(a, job=job) for a in self.actions],
            [replace(n, job=job) for n in self.notes],
            dict(self.row_reads),
        )


# (tab, key), (tab, column, value), or (tab, row): that row itself, which may have no key yet
Reads = Iterable[tuple[Tab, Any] | tuple[Tab, str, Any] | RowRead]


def _reads(reads: Reads) -> tuple[RowRead, ...]:
    out = []
    for r in reads:
        if isinstance(r, RowRead):
            out.append(r)
        elif len(r) == 3:
            out.append(r[0].read_of(r[2], r[1]))
        elif isinstance(r[1], Row):
            out.append(r[0].read_of_row(r[1]))
        else:
            out.append(r[0].read_of(r[1]))
    return tuple(out)


def _header(tab: Tab, column: str) -> str:
    """The schema's header for `column` (any case or spacing); an unknown column is the job's mistake."""
    found = tab.schema.by_folded.get(fold(column))
    if found is None:
        raise unknown_column(tab.schema, column)
    return found.header
