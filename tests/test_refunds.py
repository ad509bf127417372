"""The refunds job: Refund Due from the policy with its breakdown note, differences, the refund deadline by
channel and market (UK: 14 days, reg. 34), and chases for returns not arriving or not inspected."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from conftest import memory_workbook, records

D = date.fromisoformat
SKUS = [
    {
        "SKU": "PD-AUR-101",
        "Product Name": "Aurora Pendant",
        "Category": "Pendant",
        "Price": 1250,
        "Engraved / Custom": "No",
    },
    {
        "SKU": "RG-HEI-200",
        "Product Name": "Heirloom Signet",
        "Category": "Ring",
        "Price": 800,
        "Engraved / Custom": "Yes",
    },
]


def ret(**values):
    row = {
        "RMA": "RMA-2026-0001",
        "Order Number": "1001",
        "Channel": "Shopify",
        "Customer": "Ada Lane",
        "SKU": "PD-AUR-101",
        "Delivered On": "2026-11-01",
        "Requested On": "2026-11-05",
        "Request Type": "Refund",
        "Status": "Received",
        "Received On": "2026-11-20",
    }
    row.update(values)
    return row


def run_return(run_jobs, config, at=None, cfg=None, **values):
    backend = memory_workbook(cfg or config, {"SKUs": SKUS, "Returns": [ret(**values)]})
    result = run_jobs(backend, ["refunds"], at=at, cfg=cfg)
    return backend, records(backend, "Returns")[0], result


def codes(result, job="refunds"):
    return {(p.column, str(p.code)) for p in result.report if p.job == job}


@pytest.mark.parametrize(
    ("values", "due", "note_has"),
    [
        ({"Order Amount": 1000}, Decimal("850.00"), ["Order Amount $1,000.00", "restocking fee 15%: $150.00"]),
        ({}, Decimal("1062.50"), ["Price of PD-AUR-101 $1,250.00", "$187.50"]),  # no Order Amount: the Price
        ({"SKU": "RG-HEI-200"}, Decimal("600.00"), ["restocking fee 25%: $200.00"]),  # engraved: custom rate
        (
            {"Order Amount": 1000, "Condition": "Missing Certificate"},
            Decimal("775.00"),
            ["less missing certificate fee: $75.00"],
        ),
        ({"Request Type": "Exchange", "Resolution": "Refund", "Order Amount": 500}, Decimal("500.00"), ["no fees"]),
    ],
)
def test_refund_due_and_its_note(run_jobs, config, values, due, note_has):
    backend, row, _ = run_return(run_jobs, config, **values)
    assert Decimal(str(row["Refund Due"])) == due
    col = backend.values("Returns")[0].index("Refund Due") + 1
    note = backend.tabs["Returns"].notes[(2, col)]
    assert note.startswith("sheetsync: Refund Due")
    for text in note_has:
        assert text in note


@pytest.mark.parametrize(
    "values",
    [
        {"Request Type": "Exchange"},
        {"Status": "Declined"},
        {"Resolution": "Store Credit"},
        {"Status": "Expired", "Received On": None},
    ],
)
def test_no_refund_due_when_not_a_refund(run_jobs, config, values):
    _, row, _ = run_return(run_jobs, config, **values)
    assert row["Refund Due"] is None and row["Refund By"] is None


def test_refund_amount_that_differs_is_an_issue(run_jobs, config):
    _, row, result = run_return(
        run_jobs,
        config,
        **{
            "Order Amount": 1000,
            "Refund Amount": 900,
            "Resolution": "Refund",
            "Status": "Resolved",
            "Resolved On": "2026-11-22",
        },
    )
    assert ("Refund Amount", "refund_differs") in codes(result)
    assert "differs" in row["Issues"]
    _, _, same = run_return(
        run_jobs,
        config,
        **{
            "Order Amount": 1000,
            "Refund Amount": "$850.00",
            "Resolution": "Refund",
            "Status": "Resolved",
            "Resolved On": "2026-11-22",
        },
    )
    assert ("Refund Amount", "refund_differs") not in codes(same)


def test_rates_and_fees_are_configurable(run_jobs, config):
    from test_overdue import with_policy

    cfg = with_policy(config, "refunds", restocking_fee={"Refund": 0.1}, certificate_fee=50.0)
    _, row, _ = run_return(run_jobs, config, cfg=cfg, **{"Order Amount": 1000, "Condition": "Missing Certificate"})
    assert Decimal(str(row["Refund Due"])) == Decimal("850.00")


@pytest.mark.parametrize(
    ("values", "due"),
    [
        ({"Channel": "NOTHS", "Order Amount": 1000, "Condition": "Missing Certificate"}, Decimal("1000.00")),
        ({"Channel": "NOTHS", "SKU": "RG-HEI-200"}, Decimal("600.00")),  # engraved: no right to cancel, fees stay
        ({"Channel": "Shopify", "Order Amount": 1000}, Decimal("850.00")),  # a US sale: the brand's fee
    ],
)
def test_a_uk_distance_sale_is_refunded_in_full(run_jobs, config, values, due):
    backend, row, _ = run_return(run_jobs, config, **values)
    assert Decimal(str(row["Refund Due"])) == due
    note = backend.tabs["Returns"].notes[(2, backend.values("Returns")[0].index("Refund Due") + 1)]
    assert ("reg. 34(1)" in note) is (due == Decimal("1000.00"))


def test_the_full_refund_markets_are_configurable(run_jobs, config):
    from test_overdue import with_policy

    cfg = with_policy(config, "refunds", full_refund_markets=[])
    _, row, _ = run_return(run_jobs, config, cfg=cfg, **{"Channel": "NOTHS", "Order Amount": 1000})
    assert Decimal(str(row["Refund Due"])) == Decimal("850.00")


# --- the deadline ------------------------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


def london(config):
    return dataclasses.replace(config, timezone=LONDON)


@pytest.mark.parametrize(
    ("channel", "received", "refund_by"),
    [
        ("NOTHS", "2026-01-31", "2026-02-14"),  # UK: 14 days, across a month end
        ("NOTHS", "2026-02-20", "2026-03-06"),  # February of a common year
        ("NOTHS", "2028-02-20", "2028-03-05"),  # leap year
        ("Shopify", "2026-11-20", "2026-12-20"),  # US: the brand's 30 days
    ],
)
def test_refund_by_per_market(run_jobs, config, channel, received, refund_by):
    _, row, _ = run_return(
        run_jobs,
        config,
        at=datetime(2026, 11, 26, 9, tzinfo=config.timezone),
        Channel=channel,
        **{"Received On": received},
    )
    assert str(row["Refund By"])[:10] == refund_by


@pytest.mark.parametrize(
    ("utc", "code"),
    [
        # UK clocks go forward at 01:00 GMT on Sunday 29 March 2026: 22:30 UTC is 23:30 BST on the 29th (due
        # today), 23:30 UTC is 00:30 BST on the 30th (a day late)
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "refund_due_soon"),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), "refund_overdue"),
        (datetime(2026, 3, 26, 12, 0, tzinfo=UTC), "refund_due_soon"),  # 3 days left: the warning starts
        (datetime(2026, 3, 25, 12, 0, tzinfo=UTC), None),  # 4 days left
    ],
)
def test_uk_deadline_across_the_spring_clock_change(run_jobs, config, utc, code):
    cfg = london(config)
    _, row, result = run_return(run_jobs, config, at=utc, cfg=cfg, Channel="NOTHS", **{"Received On": "2026-03-15"})
    assert str(row["Refund By"])[:10] == "2026-03-29"
    found = {c for col, c in codes(result) if col == "Refund By"}
    assert found == ({code} if code else set())


@pytest.mark.parametrize(
    ("utc", "code"),
    [
        # UK clocks go back at 02:00 BST on Sunday 25 October 2026: 23:30 UTC is 23:30 GMT, still the 25th
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "refund_due_soon"),
        (datetime(2026, 10, 26, 0, 30, tzinfo=UTC), "refund_overdue"),
    ],
)
def test_uk_deadline_across_the_autumn_clock_change(run_jobs, config, utc, code):
    _, _, result = run_return(
        run_jobs, config, at=utc, cfg=london(config), Channel="NOTHS", **{"Received On": "2026-10-11"}
    )
    assert ("Refund By", code) in codes(result)


@pytest.mark.parametrize(("condition", "kinds"), [("As New", ["pay_refund"]), (None, [])])
def test_overdue_refund_cites_the_regulation_and_is_on_the_to_do_once_inspected(run_jobs, config, condition, kinds):
    _, _, result = run_return(
        run_jobs,
        config,
        at=datetime(2026, 12, 10, 9, tzinfo=config.timezone),
        Channel="NOTHS",
        Condition=condition,
        **{"Received On": "2026-11-20"},
    )
    problem = next(p for p in result.report if p.code == "refund_overdue")
    assert "reg. 34" in problem.message
    assert [a.kind for a in result.actions if a.job == "refunds"] == kinds


def test_a_paid_refund_is_not_chased(run_jobs, config):
    _, _, result = run_return(
        run_jobs,
        config,
        at=datetime(2026, 12, 10, 9, tzinfo=config.timezone),
        Channel="NOTHS",
        **{
            "Received On": "2026-11-20",
            "Resolved On": "2026-11-25",
            "Status": "Resolved",
            "Resolution": "Refund",
            "Refund Amount": 1062.5,
        },
    )
    assert not {c for _, c in codes(result)} & {"refund_overdue", "refund_due_soon"}


# --- chases ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "chased"),
    [("2026-11-15", False), ("2026-11-16", True)],  # requested 11-05, chase after 10 days
)
def test_in_transit_chase(run_jobs, config, today, chased):
    at = datetime.fromisoformat(today).replace(hour=9, tzinfo=config.timezone)
    _, _, result = run_return(run_jobs, config, at=at, Status="In Transit", **{"Received On": None})
    assert (("Received On", "not_received") in codes(result)) is chased
    assert ("chase_return_parcel" in {a.kind for a in result.actions}) is chased


@pytest.mark.parametrize(
    ("today", "chased"),
    # received Friday 2026-11-20: 3 business days is Wednesday 11-25; Thanksgiving (11-26) is a holiday
    [("2026-11-25", False), ("2026-11-27", True)],
)
def test_inspecting_chase_counts_business_days(run_jobs, config, today, chased):
    at = datetime.fromisoformat(today).replace(hour=9, tzinfo=config.timezone)
    _, _, result = run_return(run_jobs, config, at=at, Status="Inspecting")
    assert (("Status", "inspection_overdue") in codes(result)) is chased


def test_rerun_writes_nothing(run_jobs, config):
    backend, _, _ = run_return(run_jobs, config, **{"Order Amount": 1000})
    assert run_jobs(backend, ["refunds"]).cells_written == 0


@pytest.mark.slow
def test_breakdown_note_on_xlsx_has_no_highlight(config, run_jobs, tmp_path):
    """The breakdown is sheetsync's note without a problem's colour; a problem's colour there goes with it."""
    import openpyxl

    from sheetsync.backends.xlsx import XlsxBackend
    from sheetsync.init import init

    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, XlsxBackend(path), {"SKUs": SKUS, "Returns": [ret(**{"Order Amount": 1000})]})
    book = openpyxl.load_workbook(path)
    sheet = book["Returns"]
    col = [c.value for c in sheet[1]].index("Refund Due") + 1
    from openpyxl.styles import PatternFill

    sheet.cell(2, col).fill = PatternFill("solid", fgColor="FFF2CC")  # our warning colour, from an earlier run
    book.save(path)
    run_jobs(XlsxBackend(path), ["refunds"], cfg=cfg)
    cell = openpyxl.load_workbook(path)["Returns"].cell(2, col)
    assert cell.value == 850 and cell.comment.text.startswith("sheetsync: Refund Due $850.00")
    assert cell.fill.fill_type is None
    assert run_jobs(XlsxBackend(path), ["refunds"], cfg=cfg).notes_written == 0
