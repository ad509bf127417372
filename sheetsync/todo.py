"""A To Do tab from the actions jobs add (`changes.todo(Action(...))`): who does what, most urgent first.

Each line links to the row it is about. The business's own To Do job chooses the tab name and when
it is rewritten; it runs after every other job, so every job's actions reach the list.

    @job("todo", after=AFTER_ALL, reports_issues=False)
    def todo(ctx):
        cs = ctx.changes()
        cs.replace(todo_tab("Actions", ctx.actions(), ctx.today, ctx.tabs))
        return cs
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .model.a1 import sheet_ref
from .model.changes import Action
from .model.layout import TabContent, TabLayout
from .model.tab import Tab

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


def link(action: Action, tabs: Mapping[str, Tab]) -> str | None:
    """An internal link to the action's row ('Orders'!A12), at its column (the key column by default)."""
    tab = tabs.get(action.tab)
    if tab is None or action.sheet_row is None:
        return None
    col = tab.columns.get(action.column or tab.schema.key) or tab.columns.get(tab.schema.key) or 1
    return sheet_ref(action.tab, action.sheet_row, col)


def todo_tab(
    name: str, actions: Iterable[Action], today: date, tabs: Mapping[str, Tab], headers: Sequence[str] = HEADERS
) -> TabContent:
    """The tab's cells and layout for `actions`, one line each linked to its row; `headers` names the six
    columns (who, what, due, when, where, key)."""
    rows: list[list] = [list(headers)]
    layout = TabLayout(frozen_rows=1, widths=dict(WIDTHS), bold={(1, c) for c in range(1, len(headers) + 1)})
    for action in ordered(actions):
        r = len(rows) + 1
        where = f"{action.tab} row {action.sheet_row}" if action.sheet_row else action.tab
        rows.append([action.who, action.what, action.due, when(action.due, today), where, action.key])
        layout.number_formats[(r, 3)] = "yyyy-mm-dd"
        target = link(action, tabs)
        if target is not None:
            layout.links[(r, 5)] = target
    if len(rows) == 1:
        rows.append([None, NOTHING])
    return TabContent(name, rows, layout)
