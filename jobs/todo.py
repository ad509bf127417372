"""The To Do tab: today's actions (from the overdue job), most urgent first, each with a link to its row."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sheetsync import ChangeSet, Context, job
from sheetsync.model.a1 import a1
from sheetsync.model.layout import TabContent, TabLayout

TAB = "To Do"
HEADERS = ["Who", "To Do", "Due", "When", "Where", "Key"]
WIDTHS = {1: 18, 2: 90, 3: 12, 4: 14, 5: 16, 6: 16}


@dataclass(frozen=True)
class Action:
    """One thing a person should do today, found on one row of one tab."""

    who: str  # "VA", "Founder", "Workshop" or a copywriter's name
    what: str  # plain words: "Send reminder 2 to @lena.gems for the Aurora Pendant"
    tab: str
    row: int  # the sheet row when the workbook was read
    col: int  # the column the link points at (the row's key column)
    key: str  # the row's key (an id issued in this run included)
    due: date  # since when it is due (a future date: not due yet, e.g. a launch)
    kind: str  # a stable code for the kind of action (tests and sorting)
    rank: int = 5  # tie-break between actions due the same day: lower first

    @property
    def link(self) -> str:
        """An internal link to the row, e.g. Gifts!A12 ('Summary - Returns'!A3 when the name has spaces)."""
        name = self.tab if self.tab.replace("_", "").isalnum() else "'" + self.tab.replace("'", "''") + "'"
        return f"{name}!{a1(self.row, self.col)}"


def when(due: date, today: date) -> str:
    """'9 days ago', 'yesterday', 'today', 'tomorrow', 'in 3 days'."""
    days = (today - due).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    return f"{days} days ago" if days > 0 else f"in {-days} days"


def ordered(actions: Iterable[Action]) -> list[Action]:
    """Most urgent first: longest overdue, then by kind rank, then where it is."""
    return sorted(actions, key=lambda a: (a.due, a.rank, a.tab, a.row, a.kind))


def content(actions: Iterable[Action], today: date) -> TabContent:
    """The To Do tab's cells and layout for `actions`."""
    rows: list[list] = [list(HEADERS)]
    layout = TabLayout(frozen_rows=1, widths=dict(WIDTHS), bold={(1, c) for c in range(1, len(HEADERS) + 1)})
    for action in ordered(actions):
        r = len(rows) + 1
        rows.append([action.who, action.what, action.due, when(action.due, today),
                     f"{action.tab} row {action.row}", action.key])
        layout.number_formats[(r, 3)] = "yyyy-mm-dd"
        layout.links[(r, 5)] = action.link
    if len(rows) == 1:
        rows.append([None, "Nothing to do today."])
    return TabContent(TAB, rows, layout)


@job("todo", after=["overdue"], reports_issues=False)
def todo(ctx: Context) -> ChangeSet:
    """Rewrite the To Do tab from the overdue job's actions: who does what, most urgent first, linked to the row."""
    cs = ctx.changes()
    found = ctx.results.get("overdue")
    if found is None:  # the overdue job failed: keep yesterday's list rather than show an empty one
        return cs
    cs.replace(content(getattr(found, "actions", []), ctx.today))
    return cs
