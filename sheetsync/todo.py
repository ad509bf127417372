"""A To Do tab from the actions jobs add (`changes.todo(Action(...))`): who does what, most urgent first.

Each line links to the row it is about. The business's own To Do job chooses the tab name and when
it is rewritten; it runs after every other job, so every job's actions reach the list.

    @job("todo", after=AFTER_ALL, reports_issues=False)
    def todo(ctx):
        cs = ctx.changes()
        cs.replace(todo_tab("Actions", ctx.actions(), ctx.today))
        return cs
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from .model.changes import Action
from .model.layout import RowRef, TabContent, TabLayout

HEADERS = ("Who", "Action", "Due", "When", "Where", "Key")
WIDTHS = {1: 18, 2: 90, 3: 12, 4: 14, 5: 16, 6: 16}
NOTHING = "Nothing to do today."


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
    return sorted(actions, key=lambda a: (a.due, a.rank, a.tab, a.sheet_row or 0, a.kind))


def todo_tab(name: str, actions: Iterable[Action], today: date, headers: Sequence[str] = HEADERS) -> TabContent:
    """The tab's cells and layout for `actions`, one line each linked to its row; `headers` names the six
    columns (who, what, due, when, where, key)."""
    rows: list[list] = [list(headers)]
    layout = TabLayout(frozen_rows=1, widths=dict(WIDTHS), bold={(1, c) for c in range(1, len(headers) + 1)})
    for action in ordered(actions):
        r = len(rows) + 1
        # where the row is when the tab is written, linked to it (resolved by the engine's guard)
        where = (
            RowRef(action.tab, action.key, action.sheet_row, action.column, action.read_key)
            if action.sheet_row
            else action.tab
        )
        rows.append([action.who, action.what, action.due, when(action.due, today), where, action.key])
        layout.number_formats[(r, 3)] = "yyyy-mm-dd"
    if len(rows) == 1:
        rows.append([None, NOTHING])
    return TabContent(name, rows, layout)
