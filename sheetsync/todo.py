"""A To Do tab from the actions jobs add (`changes.todo(Action(...))`): who does what, grouped by person.

Each line links to the row it is about and carries its action's stable id; the Done column is the
people's: a tick stays on its line (found by id, also when typed while a run works) for as long as the
action is open, and leaves with the line when the action is resolved. The business's own To Do job
chooses the tab name and when it is rewritten; it runs after every other job, so every job's actions
reach the list.

    @job("todo", after=AFTER_ALL, reports_issues=False)
    def todo(ctx):
        cs = ctx.changes()
        cs.replace(todo_tab("Actions", ctx.actions(), ctx.today, done=ticks(ctx.sheet("Actions"))))
        return cs
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from .model.changes import Action
from .model.grid import Grid
from .model.layout import Kept, RowRef, TabContent, TabLayout, kept_values

# done, who, what, due, when, where, key, id
HEADERS = ("Done", "Who", "Action", "Due", "When", "Where", "Key", "Action ID")
WIDTHS = {1: 7, 2: 18, 3: 90, 4: 12, 5: 14, 6: 16, 7: 16, 8: 30}
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


def ordered(actions: Iterable[Action], people: Sequence[str] = ()) -> list[Action]:
    """Grouped by person (`people` first, in that order, then the others by name), most urgent first within
    a group: longest overdue, then by kind rank, then where it is."""
    rank = {p: i for i, p in enumerate(people)}
    return sorted(
        actions,
        key=lambda a: (rank.get(a.who, len(rank)), a.who, a.due, a.rank, a.tab, a.sheet_row or 0, a.kind, a.id),
    )


def ticks(values: Grid | None, headers: Sequence[str] = HEADERS) -> dict[str, Any]:
    """The Done cells of a To Do tab as read, by action id (blank ones left out)."""
    if not values:
        return {}
    kept = Kept(headers[-1], (headers[0],))
    return {key: cells[headers[0]] for key, cells in kept_values(values, kept).items() if headers[0] in cells}


def todo_tab(
    name: str,
    actions: Iterable[Action],
    today: date,
    headers: Sequence[str] = HEADERS,
    done: Mapping[str, Any] | None = None,
    people: Sequence[str] = (),
) -> TabContent:
    """The tab's cells and layout for `actions`, one line each linked to its row; `headers` names the eight
    columns (done, who, what, due, when, where, key, action id); `done` holds the Done cells as read by
    action id (see `ticks`), carried onto the lines that are still open."""
    done = done or {}
    rows: list[list] = [list(headers)]
    layout = TabLayout(
        frozen_rows=1,
        widths=dict(WIDTHS),
        bold={(1, c) for c in range(1, len(headers) + 1)},
        fit_width=True,  # a day's list is printed: one page wide, the To Do text wrapped
    )
    seen: dict[str, int] = {}
    for action in ordered(actions, people):
        r = len(rows) + 1
        # one id per line: a key pasted on two rows gives two actions of one id, told apart by their order
        seen[action.id] = seen.get(action.id, 0) + 1
        line_id = action.id if seen[action.id] == 1 else f"{action.id}#{seen[action.id]}"
        # where the row is when the tab is written, linked to it (resolved by the engine's guard)
        where = (
            RowRef(action.tab, action.key, action.sheet_row, action.column, action.read_key)
            if action.sheet_row
            else action.tab
        )
        rows.append(
            [
                done.get(line_id),
                action.who,
                action.what,
                action.due,
                when(action.due, today),
                where,
                action.key,
                line_id,
            ]
        )
        layout.number_formats[(r, 4)] = "yyyy-mm-dd"
        layout.align[(r, 3)] = "left wrap"
    if len(rows) == 1:
        rows.append([None, None, NOTHING])
    return TabContent(name, rows, layout, kept=Kept(headers[-1], (headers[0],)))
