"""The To Do tab: every job's actions and every blocking data error, grouped by person, with a Done column.

Lines are keyed by their action's stable id; the Done column is the people's. A tick stays on its line
while the action is open (carried by id from the tab as read, and again by the engine's guard from its
re-read just before the write) and leaves with the line once the action is resolved.
"""

from __future__ import annotations

from collections.abc import Collection

from sheetsync import AFTER_ALL, Action, ChangeSet, Context, Severity, job
from sheetsync.model.problems import Problem
from sheetsync.todo import ticks, todo_tab

from ..roles import Roles

TAB = "To Do"
HEADERS = ("Done", "Who", "To Do", "Due", "When", "Where", "Key", "Action ID")
FIX_DATA = "fix_data"


@job("todo", after=AFTER_ALL, reports_issues=False)
def todo(ctx: Context) -> ChangeSet:
    """Rewrite the To Do tab from every job's actions and data errors, grouped by person, keeping people's ticks."""
    cs = ctx.changes()
    if ctx.failed_jobs:  # a job that adds actions failed: keep yesterday's list rather than show a partial one
        return cs
    roles = ctx.config.policy(Roles)
    actions = list(ctx.actions())
    actions += data_errors(ctx, roles, handled(ctx, actions))
    done = ticks(ctx.sheet(TAB), HEADERS)
    cs.replace(todo_tab(TAB, actions, ctx.today, HEADERS, done, roles.order))
    return cs


def handled(ctx: Context, actions: list[Action]) -> set[tuple]:
    """Cells a job's line already asks someone to fill or fix (its link points at the cell, not the key)."""
    keys = {name: schema.key for name, schema in ctx.config.schemas.items()}
    return {(a.tab, a.key, a.column) for a in actions if a.column and a.column != keys.get(a.tab)}


def data_errors(ctx: Context, roles: Roles, skip: Collection[tuple] = ()) -> list[Action]:
    """A line per blocking data error (an error on a row of a tab), for the person who fixes that tab's data."""
    out = []
    for p in ctx.report:
        if p.severity != Severity.ERROR or p.key is None or p.row is None or p.tab not in ctx.config.schemas:
            continue
        if (p.tab, p.key, p.column) not in skip:
            out.append(fix_line(ctx, p, p.key, roles.fixer(p.tab)))
    return out


def fix_line(ctx: Context, p: Problem, key: str, who: str) -> Action:
    """'Fix Handle on Gifts row 5 (GFT-0004): <what is wrong and how to fix it>', linked to the cell."""
    tab = ctx.config.schemas[p.tab]
    # a row given its id in this run (a new gift's Gift ID) is named and linked by that id, as on the next run
    row = ctx.tab(p.tab).by_sheet_row.get(p.row) if p.row is not None else None
    issued = row.get(tab.key) if row is not None and not row.has_key else None
    read_key = key if issued else None
    key, sheet_key = (str(issued), str(issued)) if issued else (key, p.sheet_key)
    shown = f" ({sheet_key})" if sheet_key else ""
    where = f"{p.column} on {p.tab} row {p.row}{shown}" if p.column else f"{p.tab} row {p.row}{shown}"
    return Action(
        who,
        f"Fix {where}: {p.message}",
        ctx.today,
        FIX_DATA,
        p.tab,
        key,
        p.row,
        p.column or tab.key,
        read_key=read_key,
        rank=6,
        ref=f"{p.column or ''}:{p.code}",
    )
