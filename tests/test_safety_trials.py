"""A seeded few of the randomized safety trials (benchmarks/safety_trials.py runs 200 per backend).

People edit, type, insert, delete, sort, paste copies, add columns and notes between a run's read and its
write: nothing they did is lost, every write lands on its key's row as read, every skipped write is
reported, and a rerun makes the workbook a clean run after them makes.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, at_guard

import sheetsync
from sheetsync.backends.memory import MemoryBackend
from sheetsync.init import init
from sheetsync.model.problems import Code

sys.path.insert(0, str(ROOT / "benchmarks"))

import safety_trials as trials


def _assert_safe(summary: trials.Summary) -> None:
    assert summary.trials and summary.actions, "no trial ran"
    assert summary.harness == 0, summary.examples  # the person's edits were made as drawn
    assert summary.lost == 0, summary.examples
    assert summary.misplaced == 0, summary.examples
    assert summary.unreported == 0 and summary.skipped == summary.reported, summary.examples
    assert summary.stale == 0, summary.examples
    assert summary.converged == summary.trials, summary.examples


@pytest.mark.slow
def test_memory_trials_lose_nothing():
    summary = trials.run_backend("memory", 4, seed=7)
    _assert_safe(summary)
    assert summary.skipped > 0  # the people's edits did make the guard skip writes


@pytest.mark.slow
def test_xlsx_trials_lose_nothing():
    summary = trials.run_backend("xlsx", 1, seed=7)
    _assert_safe(summary)
    assert summary.written == 0 and summary.skipped > 0  # a save by another process refuses the run's save


@pytest.mark.slow
def test_google_trials_lose_nothing():
    summary = trials.run_backend("google", 1, seed=7)
    _assert_safe(summary)


@pytest.mark.slow
def test_a_run_killed_during_its_xlsx_save_leaves_a_whole_file():
    whole, count, problems = trials.kill_trials(2, seed=7)
    assert (whole, count) == (2, 2), problems


def test_the_person_mirror_follows_rows_through_sorts_inserts_and_deletes():
    mirror = trials.Mirror({"T": [["K", "V"], ["a", 1], ["b", 2], ["c", 3]]}, {"T": {(3, 2): "note on b"}})
    b = mirror.ids["T"][2]
    mirror.apply(trials.Prim("order", "T", order=(4, 3, 2)))
    mirror.apply(trials.Prim("insert", "T", 2, value=("new", 0)))
    mirror.apply(trials.Prim("delete", "T", 3))  # c
    mirror.apply(trials.Prim("paste", "T", 5, source=3))  # a copy of b at the end
    assert mirror.grids["T"] == [["K", "V"], ["new", 0], ["b", 2], ["a", 1], ["b", 2]]
    assert mirror.position("T", b) == 3
    assert mirror.notes["T"] == {(3, 2): "note on b", (5, 2): "note on b"}


# -- what the trials found, one by one -------------------------------------------------------------------


def _demo(config, demo_rows) -> MemoryBackend:
    backend = MemoryBackend()
    init(config, backend, demo_rows)
    return backend


def _set(backend: MemoryBackend, tab: str, key: str, column: str, value) -> None:
    values = backend.tabs[tab].values
    headers = values[0]
    row = next(r for r in values[1:] if r and r[0] == key)
    col = headers.index(column)
    row.extend([None] * (col + 1 - len(row)))
    row[col] = value


def _get(backend: MemoryBackend, tab: str, key: str, column: str):
    values = backend.tabs[tab].values
    headers = values[0]
    row = next(r for r in values[1:] if r and r[0] == key)
    return row[headers.index(column)] if headers.index(column) < len(row) else None


def test_a_fill_computed_from_another_tab_is_not_written_when_a_person_changes_that_row_meanwhile(
    config, project, demo_rows, now
):
    """overdue fills a blank Gift Value from the SKU's Cost: a Cost changed mid-run makes it a conflict."""
    backend = _demo(config, demo_rows)
    planned = sheetsync.run(config, now=now, backend=backend, project=project, dry_run=True).planned
    fill = next(c for c in planned if c.tab == "Gifts" and c.column == "Gift Value")
    sku = _get(backend, "Gifts", fill.key, "SKU")
    result = sheetsync.run(
        config,
        now=now,
        backend=backend,
        project=project,
        on_phase=at_guard(lambda: _set(backend, "SKUs", sku, "Cost", 777)),
    )
    assert _get(backend, "Gifts", fill.key, "Gift Value") in (None, "")
    assert (Code.WRITE_CONFLICT, "Gift Value") in {(p.code, p.column) for p in result.conflicts if p.key == fill.key}
    sheetsync.run(config, now=now, backend=backend, project=project)
    assert _get(backend, "Gifts", fill.key, "Gift Value") == 777


def test_describes_draft_hash_is_not_kept_when_its_draft_was_skipped_as_a_conflict(config, project, demo_rows, now):
    """The draft and the hash describe keeps of it in _Meta stand or fall together."""
    backend = _demo(config, demo_rows)
    sheetsync.run(config, now=now, backend=backend, project=project)
    sku, draft = next(
        (r[0], r[45 - 1])
        for r in backend.tabs["SKUs"].values[1:]
        if r and len(r) > 44 and r[44] and r[0] != "ER-HEI-103"
    )
    assert backend.tabs["SKUs"].values[0][44] == "Draft Description"
    _set(backend, "SKUs", sku, "Product Name", "Renamed Piece")  # before the run: the draft will change
    meta_before = [list(r) for r in backend.tabs["_Meta"].values]
    result = sheetsync.run(
        config,
        now=now,
        backend=backend,
        project=project,
        on_phase=at_guard(lambda: _set(backend, "SKUs", sku, "Price", 4321)),  # meanwhile: the row changes
    )
    assert any(p.key == sku and p.column == "Draft Description" for p in result.conflicts)
    assert _get(backend, "SKUs", sku, "Draft Description") == draft
    assert [r for r in backend.tabs["_Meta"].values if r and str(r[0]).startswith(f"describe:{sku}:")] == [
        r for r in meta_before if r and str(r[0]).startswith(f"describe:{sku}:")
    ]
    rerun = sheetsync.run(config, now=now, backend=backend, project=project)
    assert "Renamed Piece" in _get(backend, "SKUs", sku, "Draft Description")
    assert not [p for p in rerun.report if p.key == sku and p.code == "draft_edited"]


def _planned(config, project, backend, now, tab, column, where=lambda change: True):
    planned = sheetsync.run(config, now=now, backend=backend, project=project, dry_run=True).planned
    return next(c for c in planned if c.tab == tab and c.column == column and where(c))


def test_an_issues_cell_is_not_written_when_a_person_typed_into_another_cell_of_its_row_meanwhile(
    config, project, demo_rows, now
):
    """Issues speak of every cell of the row: junk typed into a job's column meanwhile is a problem they miss."""
    backend = _demo(config, demo_rows)
    issues = _planned(config, project, backend, now, "Returns", "Issues")
    result = sheetsync.run(
        config,
        now=now,
        backend=backend,
        project=project,
        on_phase=at_guard(lambda: _set(backend, "Returns", issues.key, "Days Open", "about a week")),
    )
    assert _get(backend, "Returns", issues.key, "Issues") == issues.expected  # as it was
    assert (issues.key, "Issues") in {(p.key, p.column) for p in result.conflicts}
    rerun = sheetsync.run(config, now=now, backend=backend, project=project)
    assert rerun.report.for_row("Returns", issues.key)  # the next run reports on the row as it is


def test_a_skus_copy_flags_wait_when_a_return_is_pointed_at_it_meanwhile(config, project, demo_rows, now):
    """describe counts the returns naming a SKU: one re-pointed at it meanwhile makes its Issues a conflict."""
    backend = _demo(config, demo_rows)
    issues = _planned(config, project, backend, now, "SKUs", "Issues", lambda c: "point at the copy" in str(c.value))
    returns = backend.tabs["Returns"].values
    sku_col = returns[0].index("SKU")
    other = next(r[0] for r in returns[1:] if r and r[0] and r[sku_col] != issues.key)
    result = sheetsync.run(
        config,
        now=now,
        backend=backend,
        project=project,
        on_phase=at_guard(lambda: _set(backend, "Returns", other, "SKU", issues.key)),
    )
    assert (issues.key, "Issues") in {(p.key, p.column) for p in result.conflicts}
    assert _get(backend, "SKUs", issues.key, "Issues") == issues.expected


def test_rows_sharing_a_key_get_no_writes_once_a_sort_swaps_them(config, project, demo_rows, now):
    """Which of two rows with one key comes first decides what each is told: a swap makes both conflicts."""
    backend = _demo(config, demo_rows)
    values = backend.tabs["SKUs"].values
    rows = [i for i, r in enumerate(values) if r and r[0] == "ER-HEI-103"]
    assert len(rows) == 2  # the demo has a pasted copy

    def swap():
        values[rows[0]], values[rows[1]] = values[rows[1]], values[rows[0]]

    result = sheetsync.run(config, now=now, backend=backend, project=project, on_phase=at_guard(swap))
    assert ("ER-HEI-103", "Issues") in {(p.key, p.column) for p in result.conflicts}
    assert not [w for c, w in result.written if c.key.startswith("ER-HEI-103")]


def test_two_rows_alike_in_every_cell_get_their_issues_without_a_conflict(config, project, demo_rows, now):
    """A row pasted twice before the run: the copies cannot be told apart, and need not be. Each gets what
    its place among them says ("already used in row N"), with no conflict, run after run."""
    backend = _demo(config, demo_rows)
    values = backend.tabs["Gifts"].values
    key_col = values[0].index("Gift ID")
    source = next(r for r in values[1:] if r and r[key_col])
    values.append(list(source))
    result = sheetsync.run(config, now=now, backend=backend, project=project)
    assert not [p for p in result.conflicts if p.key and p.key.startswith(source[key_col])]
    issues = values[0].index("Issues")
    copies = [r for r in values[1:] if r and r[key_col] == source[key_col]]
    assert len(copies) == 2 and "already used in row" in str(copies[1][issues])
    again = sheetsync.run(config, now=now, backend=backend, project=project)
    assert again.conflicts == []  # before, both runs skipped the copy's Issues as "a copy was pasted"


def test_a_draft_from_a_key_on_two_rows_waits_when_a_sort_swaps_them(config, project, demo_rows, now):
    """A return's SKU is on two rows; the draft names the first one's product: a swap meanwhile changes it."""
    backend = _demo(config, demo_rows)
    values = backend.tabs["SKUs"].values
    rows = [i for i, r in enumerate(values) if r and r[0] == "ER-HEI-103"]
    planned = sheetsync.run(config, now=now, backend=backend, project=project, dry_run=True).planned_appends
    drafts = [
        a.values["Message ID"]
        for a in planned
        if a.tab == "Outbox" and any(r.tab == "SKUs" and r.key == "ER-HEI-103" for r in a.reads)
    ]
    assert drafts  # the demo has returns of that SKU with messages due

    def swap():
        values[rows[0]], values[rows[1]] = values[rows[1]], values[rows[0]]

    result = sheetsync.run(config, now=now, backend=backend, project=project, on_phase=at_guard(swap))
    outbox = {r[0] for r in backend.tabs["Outbox"].values[1:] if r}
    assert not outbox & set(drafts)
    assert set(drafts) <= {p.key for p in result.conflicts if p.tab == "Outbox"}


def test_each_of_two_rows_sharing_a_key_gets_its_own_issues(config, project, demo_rows, now):
    """The demo's SKU ER-HEI-103 is on two rows: a problem in one row's cells is that row's Issues, not the
    other's (the two Issues writes share a key and a column; before, the second replaced the first)."""
    backend = _demo(config, demo_rows)
    values = backend.tabs["SKUs"].values
    purity, issues = values[0].index("Purity"), values[0].index("Issues")
    rows = [r for r in values[1:] if r and r[0] == "ER-HEI-103"]
    assert len(rows) == 2
    rows[0][purity] = "15K"
    sheetsync.run(config, now=now, backend=backend, project=project)
    first, second = [r for r in values[1:] if r and r[0] == "ER-HEI-103"]
    assert "Purity" in str(first[issues]) and "Purity" not in str(second[issues])
    assert "already used in row" in str(second[issues]) and "already used in row" not in str(first[issues])


def test_a_row_whose_key_copy_is_deleted_during_the_run_waits(config, project, demo_rows, now):
    """ER-HEI-103's second row is told "already used in row N"; the first row deleted meanwhile makes that
    untrue, so the second row's writes wait (reported), and the next run tells it nothing of the kind."""
    backend = _demo(config, demo_rows)
    values = backend.tabs["SKUs"].values
    issues = values[0].index("Issues")

    def delete_first():
        del values[next(i for i, r in enumerate(values) if r and r[0] == "ER-HEI-103")]

    result = sheetsync.run(config, now=now, backend=backend, project=project, on_phase=at_guard(delete_first))
    (left,) = [r for r in values[1:] if r and r[0] == "ER-HEI-103"]
    assert "already used in row" not in str(left[issues])
    assert [p for p in result.conflicts if p.tab == "SKUs" and p.key == "ER-HEI-103" and p.column == "Issues"]
    sheetsync.run(config, now=now, backend=backend, project=project)
    assert "already used in row" not in str(left[issues])
