"""The runner: ownership rules, no-op and dry runs, the guard against concurrent edits, issued ids, Issues."""

from __future__ import annotations

import textwrap

import pytest
from conftest import memory_workbook, records, with_jobs

import sheetsync
from sheetsync.errors import OwnershipError
from sheetsync.model.problems import Code
from sheetsync.model.system import LOG, META, RUNS

JOBS = '''
from sheetsync import job, Severity

@job("mark")
def mark(ctx):
    """Write Days Open and Policy Check on every return; report a problem on returns of unknown SKUs."""
    cs = ctx.changes()
    returns, skus = ctx.tab("Returns"), ctx.tab("SKUs")
    for row in returns:
        cs.set(returns, row, "Days Open", (ctx.today - row["Requested On"]).days)
        cs.set(returns, row, "Policy Check", "within window")
        if row["SKU"] and skus.row(row["SKU"]) is None:
            cs.report(returns, row, "SKU", "unknown_sku", f"{row['SKU']} is not in the SKUs tab")
    return cs

@job("issue_ids")
def issue_ids(ctx):
    """Give returns without an RMA one."""
    cs = ctx.changes()
    returns = ctx.tab("Returns")
    for row in returns:
        if not row.has_key:
            cs.set(returns, row, "RMA", ctx.issue_id("Returns"))
    return cs
'''


@pytest.fixture
def jobs_config(config, tmp_path):
    return with_jobs(config, tmp_path / "jobs", basic=JOBS)


def add_job(cfg, name: str, body: str) -> None:
    (cfg.jobs_dir / f"{name}.py").write_text("from sheetsync import job\n\n" + textwrap.dedent(body))


RETURNS = [
    {
        "RMA": "RMA-2026-0001",
        "Order Number": "#1",
        "SKU": "RG-001",
        "Requested On": "11/20/2026",
        "Status": "Requested",
    },
    {"RMA": "RMA-2026-0002", "Order Number": "#2", "SKU": "XX-404", "Requested On": "11/1/2026", "Status": "Received"},
]
SKUS = [
    {"SKU": "RG-001", "Product Name": "Aurora", "Category": "Ring", "Metal": "Platinum", "Purity": "950", "Price": 1000}
]


def test_writes_job_columns_by_key_and_composes_issues(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    result = run_jobs(backend, ["mark"], cfg=jobs_config)
    rows = {r["RMA"]: r for r in records(backend, "Returns")}
    assert rows["RMA-2026-0001"]["Days Open"] == 6 and rows["RMA-2026-0002"]["Days Open"] == 25
    assert rows["RMA-2026-0002"]["Issues"] == "SKU: XX-404 is not in the SKUs tab"
    assert rows["RMA-2026-0001"]["Issues"] is None
    assert backend.tabs["Returns"].notes == {(3, 6): "sheetsync: XX-404 is not in the SKUs tab"}
    assert result.outcomes["mark"].status == "ok"
    log = records(backend, LOG)
    assert {(r["Key"], r["Column"]) for r in log} >= {("RMA-2026-0001", "Days Open"), ("RMA-2026-0002", "Issues")}
    assert [r["Job"] for r in records(backend, RUNS)] == ["mark", "issues"]  # the Issues cells and notes


def test_fixing_a_problem_clears_its_line_and_note(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    run_jobs(backend, ["mark"], cfg=jobs_config)
    backend.tabs["Returns"].values[2][5] = "RG-001"  # a person fixes the SKU
    run_jobs(backend, ["mark"], cfg=jobs_config)
    assert records(backend, "Returns")[1]["Issues"] is None
    assert backend.tabs["Returns"].notes == {}


def test_rerun_writes_nothing(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    run_jobs(backend, ["mark"], cfg=jobs_config)
    writes = backend.writes
    result = run_jobs(backend, ["mark"], cfg=jobs_config)
    assert result.cells_written == 0 and result.planned == [] and backend.writes == writes


def test_dry_run_plans_but_writes_nothing(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    before = [list(r) for r in backend.values("Returns")]
    result = run_jobs(backend, ["mark"], cfg=jobs_config, dry_run=True)
    assert {(c.key, c.column) for c in result.planned} >= {("RMA-2026-0001", "Days Open")}
    assert backend.writes == 0 and backend.values("Returns") == before


@pytest.mark.parametrize(
    "body",
    [
        """@job("bad")
def bad(ctx):
    cs = ctx.changes()
    returns = ctx.tab("Returns")
    cs.set(returns, next(iter(returns)), "Customer", "Someone Else")
    return cs
""",
        """@job("bad")
def bad(ctx):
    cs = ctx.changes()
    returns = ctx.tab("Returns")
    cs.set(returns, returns.rows[1], "Status", "Authorized")  # Received -> Authorized is not a named move
    return cs
""",
        """@job("bad")
def bad(ctx):
    cs = ctx.changes()
    returns = ctx.tab("Returns")
    cs.set(returns, returns.rows[0], "Issues", "hand-made")
    return cs
""",
    ],
)
def test_person_owned_columns_are_refused(jobs_config, run_jobs, body):
    add_job(jobs_config, "bad", body)
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    with pytest.raises(OwnershipError):
        run_jobs(backend, ["bad"], cfg=jobs_config)
    assert backend.writes == 0


def test_named_transitions_are_allowed(jobs_config, run_jobs):
    add_job(
        jobs_config,
        "authorize",
        """
@job("authorize")
def authorize(ctx):
    cs = ctx.changes()
    returns = ctx.tab("Returns")
    for row in returns:
        if row["Status"] == "Requested":
            cs.set(returns, row, "Status", "Authorized")
    return cs
""",
    )
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    run_jobs(backend, ["authorize"], cfg=jobs_config)
    assert [r["Status"] for r in records(backend, "Returns")] == ["Authorized", "Received"]


def test_a_cell_a_person_changed_meanwhile_is_kept(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})

    def person_edits(kind):
        if kind == "guard":  # between the job's read and its write
            values = backend.tabs["Returns"].values
            values[1][values[0].index("Policy Check")] = "checked by hand"  # row of RMA-2026-0001

    backend.hooks.append(person_edits)
    result = run_jobs(backend, ["mark"], cfg=jobs_config)
    assert records(backend, "Returns")[0]["Policy Check"] == "checked by hand"
    assert records(backend, "Returns")[1]["Policy Check"] == "within window"
    assert [(p.code, p.key, p.column) for p in result.conflicts] == [
        (Code.WRITE_CONFLICT, "RMA-2026-0001", "Policy Check")
    ]


def test_rows_that_moved_are_found_by_key(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})

    def person_sorts(kind):
        if kind == "guard":
            values = backend.tabs["Returns"].values
            values[1:] = [["RMA-2026-0000", "#0", None, None, None, "RG-001", None, None, "11/2/2026"]] + [
                values[2],
                [],
                values[1],
            ]

    backend.hooks.append(person_sorts)
    run_jobs(backend, ["mark"], cfg=jobs_config)
    rows = {r["RMA"]: r for r in records(backend, "Returns")}
    assert rows["RMA-2026-0001"]["Days Open"] == 6 and rows["RMA-2026-0002"]["Days Open"] == 25
    assert rows["RMA-2026-0000"]["Days Open"] is None  # a row added meanwhile is left for the next run


def test_a_deleted_row_is_skipped_not_written_elsewhere(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})

    def person_deletes(kind):
        if kind == "guard":
            del backend.tabs["Returns"].values[1]

    backend.hooks.append(person_deletes)
    result = run_jobs(backend, ["mark"], cfg=jobs_config)
    assert [r["RMA"] for r in records(backend, "Returns")] == ["RMA-2026-0002"]
    assert {p.key for p in result.conflicts} == {"RMA-2026-0001"}


def test_issued_ids_are_sequential_stable_and_never_reused(jobs_config, run_jobs, now):
    blank = {"Order Number": "#9", "Requested On": "11/25/2026", "Status": "Requested"}
    backend = memory_workbook(
        jobs_config, {"Returns": RETURNS + [dict(blank), dict(blank, **{"Order Number": "#10"})], "SKUs": SKUS}
    )
    run_jobs(backend, ["issue_ids"], cfg=jobs_config)
    assert [r["RMA"] for r in records(backend, "Returns")] == [
        "RMA-2026-0001",
        "RMA-2026-0002",
        "RMA-2026-0003",
        "RMA-2026-0004",
    ]
    assert run_jobs(backend, ["issue_ids"], cfg=jobs_config).cells_written == 0  # stable on rerun
    del backend.tabs["Returns"].values[4]  # the newest return is deleted
    backend.tabs["Returns"].values.append([None, "#11", None, None, None, None, None, None, "11/26/2026"])
    run_jobs(backend, ["issue_ids"], cfg=jobs_config)
    assert records(backend, "Returns")[-1]["RMA"] == "RMA-2026-0005"
    assert {r["Key"]: r["Value"] for r in records(backend, META)}["issued:RMA-2026-#"] == "5"


def test_a_failing_job_does_not_stop_the_others(jobs_config, run_jobs):
    add_job(
        jobs_config,
        "boom",
        """
@job("boom", reports_issues=False)
def boom(ctx):
    raise RuntimeError("template exploded")
""",
    )
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    result = run_jobs(backend, None, cfg=jobs_config)
    assert result.outcomes["boom"].status == "failed" and "template exploded" in result.outcomes["boom"].error
    assert result.outcomes["mark"].status == "ok"
    assert records(backend, "Returns")[0]["Days Open"] == 6
    assert any(r["Job"] == "boom" and r["Status"] == "failed" for r in records(backend, RUNS))


def test_unselected_issue_jobs_keep_their_lines(jobs_config, run_jobs):
    backend = memory_workbook(jobs_config, {"Returns": RETURNS, "SKUs": SKUS})
    run_jobs(backend, ["mark"], cfg=jobs_config)
    run_jobs(backend, ["issue_ids"], cfg=jobs_config)  # "mark" is not selected, but its problems still count
    assert records(backend, "Returns")[1]["Issues"] == "SKU: XX-404 is not in the SKUs tab"


def test_library_validate_matches_run(config, run_jobs, now):
    backend = memory_workbook(config, {"SKUs": SKUS + [dict(SKUS[0], SKU="RG-002", Price="lots")]})
    result = sheetsync.validate(config, now=now, backend=backend)
    assert ("SKUs", "RG-002", "Price", "not_money") in {(p.tab, p.key, p.column, p.code) for p in result.report}
