"""The engine on a brand-free project: planning (ownership, no-ops, Issues, whole tabs) and the guard
(writes follow their key to where the row is now; anything a person changed meanwhile is skipped)."""

from __future__ import annotations

from datetime import datetime

import pytest
from fresh import ORDERS, fresh_book, fresh_project

import sheetsync
from sheetsync.errors import OwnershipError
from sheetsync.model.problems import Code

NOW = datetime(2026, 11, 26, 9, 0)

NOTES = '''
from sheetsync import job, TabContent

@job("note")
def note(ctx):
    """Note each order's amount; ship open orders with stock."""
    cs = ctx.changes()
    orders = ctx.tab("Orders")
    for row in orders:
        cs.set(orders, row, "Note", "first")
        cs.set(orders, row, "Note", f"amount {row['Amount']}")  # the last write to a cell wins
        if row["Status"] == "Open" and row["Stock"]:
            cs.set(orders, row, "Status", "Shipped")
        if row["Amount"] is None and not row.invalid("Amount"):
            cs.report(orders, row, "Amount", "amount_missing", "blank: fill it in")
    cs.replace(TabContent("Overview", [["Orders"], [len(orders)]]))
    return cs
'''


def go(tmp_path, jobs, rows=ORDERS, backend=None, **kw):
    config, project = fresh_project(tmp_path, jobs)
    backend = backend or fresh_book(rows)
    result = sheetsync.run(
        config, None, now=NOW.replace(tzinfo=config.timezone), backend=backend, project=project, **kw
    )
    return backend, result


def cells(backend, column):
    values = backend.values("Orders")
    col = values[0].index(column)
    return {row[0]: (row[col] if col < len(row) else None) for row in values[1:]}


def test_plan_keeps_the_last_write_per_cell_and_drops_writes_that_change_nothing(tmp_path):
    backend, first = go(tmp_path, {"notes": NOTES})
    assert cells(backend, "Note") == {"A-1": "amount 120.00", "A-2": "amount 80", "A-3": "amount None"}
    assert not [c for c in first.planned if c.value == "first"]
    _, again = go(tmp_path, {"notes": NOTES}, backend=backend)
    assert again.planned == [] and again.cells_written == 0 and again.planned_contents == []


def test_a_named_transition_is_allowed_and_other_writes_to_person_columns_are_refused(tmp_path):
    backend, _ = go(tmp_path, {"notes": NOTES})
    assert cells(backend, "Status") == {"A-1": "Shipped", "A-2": "Shipped", "A-3": "Shipped"}
    bad = NOTES.replace('cs.set(orders, row, "Status", "Shipped")', 'cs.set(orders, row, "Customer", "Z")')
    with pytest.raises(OwnershipError, match="Orders!Customer"):
        go(tmp_path / "bad", {"notes": bad})


def test_issues_are_composed_from_problems_and_a_direct_write_is_refused(tmp_path):
    rows = [dict(ORDERS[0], Amount=None), ORDERS[2]]
    backend, _result = go(tmp_path, {"notes": NOTES}, rows=rows)
    issues = cells(backend, "Issues")
    assert issues["A-1"] == "Amount: blank: fill it in"
    assert issues["A-3"].startswith("Amount: abc is not valid")  # the parse problem, not amount_missing
    direct = NOTES.replace('cs.set(orders, row, "Note", "first")', 'cs.set(orders, row, "Issues", "mine")')
    with pytest.raises(OwnershipError, match="report a Problem instead"):
        go(tmp_path / "direct", {"notes": direct})


def test_whole_tab_is_rewritten_only_when_it_changes(tmp_path):
    backend, first = go(tmp_path, {"notes": NOTES})
    assert first.planned_contents == ["Overview"] and backend.values("Overview") == [["Orders"], [3]]
    backend.tabs["Orders"].values.append(["A-4", "Di", "10", "Closed", 0])
    _, second = go(tmp_path, {"notes": NOTES}, backend=backend)
    assert second.planned_contents == ["Overview"] and backend.values("Overview")[1] == [4]


# --- the guard ------------------------------------------------------------------------------------------


def person_edits(backend, edit):
    """Run `edit(values)` on the Orders grid after the run read it and before the guard re-reads it."""

    def hook(kind):
        if kind == "guard":
            edit(backend.tabs["Orders"].values)
            backend.hooks.remove(hook)

    backend.hooks.append(hook)


def test_a_write_follows_its_key_when_a_row_is_inserted_above(tmp_path):
    backend = fresh_book(ORDERS)
    person_edits(backend, lambda v: v.insert(1, ["A-0", "New", "5", "Open", 0]))
    _, result = go(tmp_path, {"notes": NOTES}, backend=backend)
    notes = cells(backend, "Note")
    assert notes["A-1"] == "amount 120.00" and notes["A-0"] is None
    assert result.conflicts == []


@pytest.mark.parametrize(
    "edit, why",
    [
        (lambda v: v.pop(1), "the row is gone"),
        (lambda v: v.append(list(v[1])), "a copy of the row was pasted"),
        (lambda v: v[1].__setitem__(1, "Ada Lovelace"), "a person changed Customer Ada -> Ada Lovelace"),
        (lambda v: v[1].__setitem__(5, "typed by a person"), "changed from"),
    ],
)
def test_what_a_person_changed_meanwhile_is_skipped_and_reported(tmp_path, edit, why):
    backend = fresh_book(ORDERS)
    person_edits(backend, edit)
    _, result = go(tmp_path, {"notes": NOTES}, backend=backend)
    skipped = [p for p in result.conflicts if p.key == "A-1" and p.column == "Note"]
    assert skipped and skipped[0].code == Code.WRITE_CONFLICT and why in skipped[0].message
    assert cells(backend, "Note")["A-2"] == "amount 80"  # other rows still get their writes
    if why == "changed from":
        assert cells(backend, "Note")["A-1"] == "typed by a person"
    if why.startswith("a person changed"):  # every job write to the edited row waits for the next run
        assert {p.column for p in result.conflicts if p.key == "A-1"} == {"Note", "Status"}
        assert cells(backend, "Status")["A-1"] == "Open"


def test_appends_land_after_the_last_row_as_it_is_at_write_time(tmp_path):
    adds = """
from sheetsync import job

@job("adds")
def adds(ctx):
    cs = ctx.changes()
    if not ctx.tab("Orders").row("A-9"):
        cs.append("Orders", {"Order ID": "A-9", "Note": "appended"})
    return cs
"""
    backend = fresh_book(ORDERS)
    person_edits(backend, lambda v: v.append(["A-5", "Late", "1", "Open", 0]))
    go(tmp_path, {"adds": adds}, backend=backend)
    ids = [row[0] for row in backend.values("Orders")[1:]]
    assert ids == ["A-1", "A-2", "A-3", "A-5", "A-9"]


def test_a_reports_problems_by_row_follow_what_is_added_after_asking():
    from sheetsync.model.problems import Problem, Report

    report = Report([Problem("Orders", "a", "first", key="O-1"), Problem("Orders", "b", "other", key="O-2")])
    assert [p.code for p in report.for_row("Orders", "O-1")] == ["a"]
    report.add(Problem("Orders", "c", "later", key="O-1"))
    report.extend([Problem("Lines", "d", "same key, other tab", key="O-1")])
    assert [p.code for p in report.for_row("Orders", "O-1")] == ["a", "c"]
    assert [p.code for p in report.for_row("Lines", "O-1")] == ["d"]
    assert report.for_row("Orders", "O-9") == []


def rename_at_guard(backend, key):
    """A person renames the customer of order `key` once, between the run's read and its write."""

    def person(kind):
        if kind == "guard":
            backend.hooks.remove(person)
            next(r for r in backend.tabs["Orders"].values if r[0] == key)[1] = "renamed meanwhile"

    backend.hooks.append(person)


GROUPED = '''
from sheetsync import job

@job("pair")
def pair(ctx):
    """Note A-1 and A-2 as one group: both land or neither."""
    cs = ctx.changes()
    orders = ctx.tab("Orders")
    for key in ("A-1", "A-2"):
        cs.set(orders, orders.row(key), "Note", f"paired {key}", group="pair")
    return cs
'''


@pytest.mark.parametrize("edited", [None, "A-1", "A-2"])
def test_a_group_lands_whole_or_not_at_all(tmp_path, edited):
    backend = fresh_book(ORDERS)
    if edited:
        rename_at_guard(backend, edited)
    _, result = go(tmp_path, {"pair": GROUPED}, backend=backend)
    notes = cells(backend, "Note")
    if edited is None:
        assert (notes["A-1"], notes["A-2"]) == ("paired A-1", "paired A-2")
        linked = [r for r in backend.values("_Log")[1:] if r[3] == "linked"]
        assert len(linked) == 1 and linked[0][5] == "pair" and linked[0][9] == "Orders!F2; Orders!F3"
    else:
        assert (notes["A-1"], notes["A-2"]) == (None, None)
        other = "A-2" if edited == "A-1" else "A-1"
        held = next(p for p in result.conflicts if p.key == other)
        assert held.code == Code.WRITE_CONFLICT and "goes together with" in held.message


def test_undo_restores_a_group_whole_or_leaves_it(tmp_path):
    config, project = fresh_project(tmp_path, {"pair": GROUPED})
    backend = fresh_book(ORDERS)
    first = sheetsync.run(config, None, now=NOW.replace(tzinfo=config.timezone), backend=backend, project=project)
    values = backend.tabs["Orders"].values
    values[1][values[0].index("Note")] = "a person's note"  # A-1's note changed since: A-2's stays too
    done = sheetsync.undo(config, first.run_id, backend=backend, now=NOW.replace(tzinfo=config.timezone))
    assert [c for c in done.restored if c.column == "Note"] == []
    assert {e["Key"] for e, _ in done.left if e["Column"] == "Note"} == {"A-1", "A-2"}
    assert cells(backend, "Note")["A-2"] == "paired A-2"


def test_a_count_marked_job_increments_may_only_go_up(tmp_path):
    from sheetsync.model.schema import Column

    stock = Column("Stock", type="int", job_increments=True)
    assert stock.job_may_write(2, 3) and not stock.job_may_write(2, 1) and not stock.job_may_write(None, 1)
    assert not Column("Stock", type="int").job_may_write(2, 3)


SHIP_IN_A_BATCH = '''
from sheetsync import job

@job("ship")
def ship(ctx):
    """Ship A-1 and A-3 together."""
    cs = ctx.changes()
    orders = ctx.tab("Orders")
    for key in ("A-1", "A-3"):
        cs.set(orders, orders.row(key), "Status", "Shipped", group="batch")
    return cs
'''

NOTE_THE_STATUS = '''
from sheetsync import job

@job("note", after=["ship"])
def note(ctx):
    """Note A-1's status as ship leaves it."""
    cs = ctx.changes()
    orders = ctx.tab("Orders")
    row = orders.row("A-1")
    cs.set(orders, row, "Note", f"status {row['Status']}", reads=[(orders, row)])
    return cs
'''


@pytest.mark.parametrize("edited", [False, True])
def test_a_value_computed_from_an_earlier_jobs_write_waits_for_that_write(tmp_path, edited):
    """note reads A-1 as ship leaves it: when ship's write is held back, note's must be too."""
    backend = fresh_book(ORDERS)
    if edited:
        rename_at_guard(backend, "A-3")
    _, result = go(tmp_path, {"ship": SHIP_IN_A_BATCH, "note": NOTE_THE_STATUS}, backend=backend)
    status, note = cells(backend, "Status")["A-1"], cells(backend, "Note")["A-1"]
    if not edited:
        assert (status, note) == ("Shipped", "status Shipped")
        return
    assert (status, note) == ("Open", None)
    held = next(p for p in result.conflicts if p.key == "A-1" and p.column == "Note")
    assert held.code == Code.WRITE_CONFLICT and "Status" in held.message
