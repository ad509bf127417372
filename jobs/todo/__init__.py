"""The To Do tab: today's actions from every job, most urgent first, each with a link to its row."""

from __future__ import annotations

from sheetsync import AFTER_ALL, ChangeSet, Context, job
from sheetsync.todo import todo_tab

TAB = "To Do"
HEADERS = ("Who", "To Do", "Due", "When", "Where", "Key")


@job("todo", after=AFTER_ALL, reports_issues=False)
def todo(ctx: Context) -> ChangeSet:
    """Rewrite the To Do tab from every job's actions: who does what, most urgent first, linked to the row."""
    cs = ctx.changes()
    if ctx.failed_jobs:  # a job that adds actions failed: keep yesterday's list rather than show a partial one
        return cs
    cs.replace(todo_tab(TAB, ctx.actions(), ctx.today, HEADERS))
    return cs
