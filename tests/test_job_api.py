"""The job API on a brand-free project: rows, change sets, declared outputs, To Do actions, and scoping
(a job sees only the jobs it runs after, so adding or renaming another job changes nothing it computes)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fresh import ORDERS, fresh_book, fresh_project

import sheetsync
from sheetsync import Action, ChangeSet, Severity
from sheetsync.model.grid import TabData
from sheetsync.model.tab import UnknownColumn, build_tab

NOW = datetime(2026, 11, 26, 9, 0)


def run(config, project, backend, jobs=None, dry_run=False):
    return sheetsync.run(
        config, jobs, now=NOW.replace(tzinfo=config.timezone), backend=backend, dry_run=dry_run, project=project
    )


@pytest.fixture
def orders(tmp_path):
    config, _ = fresh_project(tmp_path / "base")
    data = TabData(
        "Orders",
        [["order id", "CUSTOMER", "Amount", "Status", "Stock"]]
        + [[o["Order ID"], o["Customer"], o["Amount"], o["Status"], o["Stock"]] for o in ORDERS],
    )
    return config, build_tab(data, config.schema("Orders"), config.parse)


# --- rows --------------------------------------------------------------------------------------------


def test_a_misspelt_column_raises_with_the_close_one(orders):
    _, tab = orders
    row = tab.row("A-1")
    with pytest.raises(UnknownColumn, match="did you mean 'Stock'"):
        row["Stok"]
    assert row["stock"] == 3 and row[" customer "] == "Ada"  # headers fold as the schema does
    assert row["Note"] is None  # a schema column absent from the sheet reads as blank


def test_invalid_tells_an_unparseable_cell_from_a_blank_one(orders):
    _, tab = orders
    bad, good = tab.row("A-3"), tab.row("A-1")
    assert bad["Amount"] is None and bad.invalid("Amount")
    assert not good.invalid("Amount") and not good.invalid("Note")


def test_rows_are_frozen_and_with_writes_makes_new_ones(orders):
    _, tab = orders
    row = tab.row("A-1")
    with pytest.raises(AttributeError):
        row.key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        row.values["Stock"] = 9  # type: ignore[index]
    later = tab.with_writes({2: {"Note": "late"}})
    assert later.row("A-1")["Note"] == "late" and later.row("A-1").raw("Note") == "late"
    assert later.row("A-1").read_raw("Note") is None  # what the guard compares against stays as read
    assert tab.row("A-1")["Note"] is None  # the original tab is untouched


def test_what_a_later_job_records_as_read_is_the_row_as_read_not_as_written(orders):
    # Later jobs see a tab with earlier jobs' writes; what they record as read (for the guard) must stay the
    # workbook as read, whichever copy of the row or tab computed it first.
    _, tab = orders
    first = tab.read_of("A-1")
    later = tab.with_writes({2: {"Note": "late", "Stock": 4}, 3: {"Note": "soon"}})
    assert later.read_of("A-1") == first
    assert later.read_of("A-2") == tab.read_of("A-2")
    assert later.row("A-1").fingerprint() == tab.row("A-1").fingerprint()
    assert later.read_of_row(later.row("A-1")).prints == tab.read_of_row(tab.row("A-1")).prints
    assert later.read_of_row(later.row("A-1")).after == ("Note", "Stock")  # but it knows what it waits for
    fresh = tab.with_writes({2: {"Note": "late"}})  # a copy made before anything was asked of the original
    assert fresh.row("A-1").printed == tab.row("A-1").printed
    assert "late" not in fresh.row("A-1").printed


# --- change sets --------------------------------------------------------------------------------------


def test_set_and_report_refuse_unknown_columns_and_fold_known_ones(orders):
    _, tab = orders
    cs = ChangeSet(job="mine")
    row = tab.row("A-1")
    cs.set(tab, row, "note", "hi")
    assert cs.cells[0].column == "Note"
    with pytest.raises(UnknownColumn, match="did you mean 'Note'"):
        cs.set(tab, row, "Nte", "hi")
    with pytest.raises(UnknownColumn):
        cs.report(tab, row, "Amont", "too_big", "too big")


def test_report_defaults_to_a_warning_and_codes_are_snake_case_words(orders):
    _, tab = orders
    cs = ChangeSet(job="mine")
    problem = cs.report(tab, tab.row("A-1"), "Amount", "too_big", "more than the limit: check it")
    assert problem.severity == Severity.WARNING and problem.cell == "C2" and problem.job == "mine"
    with pytest.raises(ValueError, match="snake_case"):
        cs.report(tab, tab.row("A-1"), "Amount", "Too big!", "more than the limit")


def test_labelled_relabels_a_copy_and_leaves_the_original(orders):
    _, tab = orders
    cs = ChangeSet()
    cs.set(tab, tab.row("A-1"), "Note", "x")
    cs.todo(Action.at(tab, tab.row("A-1"), who="VA", what="Call Ada", due=date(2026, 11, 26), kind="call"))
    mine = cs.labelled("mine")
    assert {c.job for c in mine.cells} == {"mine"} and {a.job for a in mine.actions} == {"mine"}
    assert cs.cells[0].job is None and cs.actions[0].job is None
    assert mine.actions[0].id == "call:Orders:A-1" and mine.actions[0].sheet_row == 2


# --- outputs, actions and scoping --------------------------------------------------------------------

PIPELINE = '''
from sheetsync import AFTER_ALL, Action, job, Severity

@job("count", publishes={"open": int})
def count(ctx):
    """Count open orders and flag empty stock."""
    cs = ctx.changes()
    orders = ctx.tab("Orders")
    ctx.publish("open", sum(1 for r in orders if r["Status"] == "Open"))
    for row in orders:
        if row["Stock"] == 0:
            cs.report(orders, row, "Stock", "no_stock", "0 in stock: reorder", Severity.ERROR)
            cs.todo(Action.at(orders, row, who="VA", what=f"Reorder for {row.key}", due=ctx.today, kind="reorder"))
        cs.set(orders, row, "Note", "counted")
    return cs

@job("use", after=["count"], publishes={"seen": dict})
def use(ctx):
    """Read count's output, problems and writes."""
    orders = ctx.tab("Orders")
    ctx.publish("seen", {"open": ctx.result("count", "open"), "errors": len(ctx.report.errors()),
                         "notes": sorted({r["Note"] for r in orders if r["Note"]})})
    return None

@job("alone", publishes={"seen": dict})
def alone(ctx):
    """Names no job in after: sees none of them."""
    orders = ctx.tab("Orders")
    ctx.publish("seen", {"errors": len(ctx.report.errors()), "notes": sorted({r["Note"] for r in orders if r["Note"]})})
    return None

@job("listing", after=AFTER_ALL, reports_issues=False, publishes={"lines": list})
def listing(ctx):
    """Gathers every job's To Do actions."""
    ctx.publish("lines", [a.what for a in ctx.actions()])
    return None
'''


def test_jobs_see_declared_outputs_problems_writes_and_actions_only(tmp_path):
    config, project = fresh_project(tmp_path, {"pipeline": PIPELINE})
    result = run(config, project, fresh_book(ORDERS), dry_run=True)
    assert not result.failed
    # parse problem (Amount "abc") is seen by everyone; count's error only by the job that runs after it
    assert result.output("use", "seen") == {"open": 2, "errors": 2, "notes": ["counted"]}
    assert result.output("alone", "seen") == {"errors": 1, "notes": []}
    assert result.output("listing", "lines") == ["Reorder for A-2"]
    assert [a.kind for a in result.actions] == ["reorder"]


def test_undeclared_outputs_and_undeclared_dependencies_fail_the_job_with_a_message(tmp_path):
    config, project = fresh_project(
        tmp_path,
        {
            "pipeline": PIPELINE,
            "sloppy": """
from sheetsync import job

@job("leaky")
def leaky(ctx):
    ctx.publish("secret", 1)

@job("peeker")
def peeker(ctx):
    ctx.result("count", "open")

@job("typo")
def typo(ctx):
    for row in ctx.tab("Orders"):
        row["Stok"]
""",
        },
    )
    result = run(config, project, fresh_book(ORDERS), dry_run=True)
    errors = {name: result.outcomes[name].error for name in result.failed}
    assert set(errors) == {"leaky", "peeker", "typo"}
    assert "does not declare" in errors["leaky"]
    assert "does not run after" in errors["peeker"]
    assert "did you mean 'Stock'" in errors["typo"] and "Traceback" not in errors["typo"]
    assert not {"count", "use"} & set(result.failed)


def test_a_job_reads_its_dependencies_even_when_only_it_is_chosen(tmp_path):
    config, project = fresh_project(tmp_path, {"pipeline": PIPELINE})
    result = run(config, project, fresh_book(ORDERS), ["use"], dry_run=True)
    assert result.output("use", "seen")["open"] == 2
    assert {c.job for c in result.planned} <= {"use", "issues"}  # count ran for its results; its writes wait


LOW_STOCK = '''
from sheetsync import job, Severity

@job("{name}")
def low_stock(ctx):
    """Flag SKUs with stock below 2 that launch within a week."""
    cs = ctx.changes()
    skus = ctx.tab("SKUs")
    for row in skus:
        launch = row["Launch Date"]
        if row["Stock"] is not None and row["Stock"] < 2 and launch and 0 <= (launch - ctx.today).days <= 7:
            cs.report(skus, row, "Stock", "low_stock_launch", "under 2 in stock and launching this week",
                      Severity.ERROR)
    return cs
'''


@pytest.mark.slow
def test_adding_or_renaming_a_job_changes_no_other_jobs_output(config, project, demo_rows, tmp_path):
    """A brand job named to sort first or last must not change what the brand's own jobs compute."""
    import dataclasses
    import shutil

    from conftest import ROOT, memory_workbook

    def outcome(name: str | None):
        folder = tmp_path / (name or "none")
        shutil.copytree(ROOT / "jobs", folder, ignore=shutil.ignore_patterns("__pycache__"))
        if name:
            (folder / f"{name}.py").write_text(LOW_STOCK.replace("{name}", name))
        cfg = dataclasses.replace(config, jobs_dir=folder)
        rows = {tab: [dict(r) for r in records] for tab, records in demo_rows.items()}
        planted = {m.key for m in project.module("demo").MISTAKES}
        soon = [
            r for r in rows["SKUs"] if r.get("Description Status") in ("Brief", "Drafting") and r["SKU"] not in planted
        ][:2]
        for row in soon:  # two drafting SKUs launch in three days with one piece in stock
            row["Stock"], row["Launch Date"] = 1, "2026-11-29"
        result = sheetsync.run(
            cfg, now=datetime(2026, 11, 26, 9, tzinfo=cfg.timezone), backend=memory_workbook(cfg, rows), dry_run=True
        )
        assert not result.failed
        cells = sorted(str((c.job, c.tab, c.key, c.column, c.value)) for c in result.planned if c.job != "issues")
        found = sorted(
            str((p.job, p.tab, p.key, p.column, p.code)) for p in result.report if name is None or p.job != name
        )
        return cells, found, result.output("describe", "drafts"), sorted(a.id for a in result.actions), soon

    base = outcome(None)
    assert all(row["SKU"] in base[2] for row in base[4])  # the launching SKUs get drafts without the new job
    for name in ("a_low_stock", "low_stock_launch"):
        assert outcome(name)[:4] == base[:4], name
