"""The overdue job: gift follow-ups, returns authorization and SLAs, copy deadlines, issued ids."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from conftest import grid, memory_workbook, records

from sheetsync.project.config import freeze

D = date.fromisoformat
SKU = {
    "SKU": "PD-AUR-101",
    "Product Name": "Aurora Pendant",
    "Category": "Pendant",
    "Cost": 210.5,
    "Engraved / Custom": "No",
    "Description Status": "Published",
}
ENGRAVED = {
    "SKU": "RG-HEI-200",
    "Product Name": "Heirloom Signet Ring",
    "Category": "Ring",
    "Cost": 400,
    "Engraved / Custom": "Yes",
    "Description Status": "Published",
}
PERSON = {"Handle": "@lena.gems", "Platform": "Instagram", "Followers": 20000, "Status": "Active"}


def at(day: str, hour: int = 9, config=None) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZoneInfo("America/New_York"))


def with_policy(config, area: str, **values):
    policies = {k: dict(v) for k, v in config.policies.items()}
    policies.setdefault(area, {}).update(values)
    return dataclasses.replace(config, policies=freeze(policies))


def gift(**values):
    row = {
        "Gift ID": "GFT-0001",
        "Handle": "@lena.gems",
        "SKU": "PD-AUR-101",
        "Gift Value": 200,
        "Shipped On": None,
        "Delivered On": None,
    }
    row.update(values)
    return row


def run_gift(run_jobs, config, now, **values):
    backend = memory_workbook(config, {"SKUs": [SKU], "Influencers": [PERSON], "Gifts": [gift(**values)]})
    result = run_jobs(backend, ["overdue"], at=now)
    return records(backend, "Gifts")[0], result


# --- Gifts: Post Status, Follow-up Stage, Days Overdue ------------------------------------------

GIFT_CASES = [
    # id, now, values -> Post Status, Follow-up Stage, Days Overdue
    ("not shipped", "2026-11-26", {}, "Awaiting Shipment", "None", None),
    ("in transit", "2026-11-26", {"Shipped On": "2026-11-24"}, "In Transit", "None", None),
    (
        "just delivered",
        "2026-11-26",
        {"Shipped On": "2026-11-20", "Delivered On": "2026-11-23"},
        "Awaiting Post",
        "None",
        0,
    ),
    ("due in 3 days", "2026-11-26", {"Delivered On": "2026-11-15"}, "Due Soon", "None", 0),
    ("due today: reminder 1", "2026-11-26", {"Delivered On": "2026-11-12"}, "Due Soon", "Reminder 1", 0),
    ("month end: due Jan 31", "2026-02-01", {"Delivered On": "2026-01-17"}, "Overdue", "Reminder 1", 1),
    ("leap day due", "2028-03-01", {"Delivered On": "2028-02-15"}, "Overdue", "Reminder 1", 1),
    ("leap day today", "2028-02-29", {"Delivered On": "2028-02-15"}, "Due Soon", "Reminder 1", 0),
    ("DST spring forward", "2026-03-08", {"Delivered On": "2026-02-21"}, "Overdue", "Reminder 1", 1),
    ("DST fall back", "2026-11-01", {"Delivered On": "2026-10-17"}, "Overdue", "Reminder 1", 1),
    ("weekend does not matter", "2026-11-29", {"Delivered On": "2026-11-14"}, "Overdue", "Reminder 1", 1),
    ("7 days late, no reminder logged", "2026-11-26", {"Delivered On": "2026-11-05"}, "Overdue", "Reminder 1", 7),
    (
        "7 days late, reminder 1 logged on the due date",
        "2026-11-26",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-19"},
        "Overdue",
        "Reminder 2",
        7,
    ),
    (
        "a chase before the due date is not reminder 1",
        "2026-11-26",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-18"},
        "Overdue",
        "Reminder 1",
        7,
    ),
    (
        "6 days late, reminder 1 logged",
        "2026-11-25",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-20"},
        "Overdue",
        "Reminder 1",
        6,
    ),
    (
        "30 days late, only reminder 1 logged",
        "2026-12-19",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-20"},
        "Overdue",
        "Reminder 2",
        30,
    ),
    (
        "30 days late, reminder 2 logged: ghosted",
        "2026-12-19",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-26"},
        "Ghosted",
        "Ghosted",
        30,
    ),
    (
        "29 days late, reminder 2 logged",
        "2026-12-18",
        {"Delivered On": "2026-11-05", "Last Follow-up": "2026-11-26"},
        "Overdue",
        "Reminder 2",
        29,
    ),
    (
        "posted",
        "2026-11-26",
        {"Delivered On": "2026-10-01", "Posted On": "2026-10-20", "Disclosure": "Yes"},
        "Posted",
        "None",
        None,
    ),
    (
        "posted: URL only",
        "2026-11-26",
        {"Delivered On": "2026-10-01", "Post URL": "https://www.instagram.com/p/C1", "Disclosure": "Yes"},
        "Posted",
        "None",
        None,
    ),
    (
        "person's own Post Due kept",
        "2026-11-26",
        {"Delivered On": "2026-11-01", "Post Due": "2026-11-30"},
        "Awaiting Post",
        "None",
        0,
    ),
]


@pytest.mark.parametrize("name, day, values, status, stage, days", GIFT_CASES, ids=[c[0] for c in GIFT_CASES])
def test_gift_status_stage_and_days(run_jobs, config, name, day, values, status, stage, days):
    row, _result = run_gift(run_jobs, config, at(day), **values)
    assert (row["Post Status"], row["Follow-up Stage"], row["Days Overdue"]) == (status, stage, days)
    if values.get("Delivered On") and not values.get("Post Due"):
        assert row["Post Due"] == D(values["Delivered On"]) + timedelta(days=14)


def test_brand_zone_not_utc(run_jobs, config):
    """03:30 UTC on Nov 2 is Nov 1 in New York: due Nov 1 is due today, not overdue."""
    row, _ = run_gift(run_jobs, config, datetime(2026, 11, 2, 3, 30, tzinfo=UTC), **{"Delivered On": "2026-10-18"})
    assert (row["Post Status"], row["Days Overdue"]) == ("Due Soon", 0)
    row, _ = run_gift(run_jobs, config, datetime(2026, 11, 2, 5, 30, tzinfo=UTC), **{"Delivered On": "2026-10-18"})
    assert (row["Post Status"], row["Days Overdue"]) == ("Overdue", 1)


def test_posting_window_and_cadence_are_configurable(run_jobs, config):
    cfg = with_policy(config, "gifting", posting_window_days=7, reminder_2_after_days=3)
    backend = memory_workbook(
        cfg,
        {
            "SKUs": [SKU],
            "Influencers": [PERSON],
            "Gifts": [gift(**{"Delivered On": "2026-11-10", "Last Follow-up": "2026-11-17"})],
        },
    )
    run_jobs(backend, ["overdue"], at=at("2026-11-20"), cfg=cfg)
    row = records(backend, "Gifts")[0]
    assert row["Post Due"] == D("2026-11-17") and row["Follow-up Stage"] == "Reminder 2" and row["Days Overdue"] == 3


def test_gift_value_and_post_due_filled_only_when_blank(run_jobs, config):
    backend = memory_workbook(
        config,
        {
            "SKUs": [SKU],
            "Influencers": [PERSON],
            "Gifts": [
                gift(**{"Gift ID": "GFT-0001", "Gift Value": None, "Delivered On": "2026-11-01"}),
                gift(
                    **{"Gift ID": "GFT-0002", "Gift Value": 99, "Delivered On": "2026-11-01", "Post Due": "2026-12-01"}
                ),
                gift(**{"Gift ID": "GFT-0003", "Gift Value": "about 200", "Delivered On": None}),
            ],
        },
    )
    run_jobs(backend, ["overdue"])
    rows = records(backend, "Gifts")
    assert rows[0]["Gift Value"] == 210.5 and rows[0]["Post Due"] == D("2026-11-15")
    assert rows[1]["Gift Value"] == 99 and rows[1]["Post Due"] == "2026-12-01"  # as the person typed it
    assert rows[2]["Gift Value"] == "about 200" and rows[2]["Post Due"] is None  # never over what a person typed


@pytest.mark.parametrize(
    "shares, saves, expected",
    [
        (False, False, Decimal("0.0330")),
        (True, False, Decimal("0.0380")),
        (True, True, Decimal("0.0430")),
    ],
)
def test_engagement_rate(run_jobs, config, shares, saves, expected):
    cfg = with_policy(config, "gifting", engagement_counts_shares=shares, engagement_counts_saves=saves)
    backend = memory_workbook(
        cfg,
        {
            "SKUs": [SKU],
            "Influencers": [PERSON],
            "Gifts": [
                gift(
                    **{
                        "Delivered On": "2026-11-01",
                        "Posted On": "2026-11-05",
                        "Disclosure": "Yes",
                        "Likes": 600,
                        "Comments": 60,
                        "Shares": 100,
                        "Saves": 100,
                    }
                )
            ],
        },
    )
    run_jobs(backend, ["overdue"], cfg=cfg)
    assert Decimal(str(records(backend, "Gifts")[0]["Engagement Rate"])) == expected


@pytest.mark.parametrize("disclosure, flagged", [("Yes", False), ("No", True), (None, True)])
def test_posted_without_disclosure_is_flagged(run_jobs, config, disclosure, flagged):
    _, result = run_gift(
        run_jobs,
        config,
        at("2026-11-26"),
        **{"Delivered On": "2026-11-01", "Posted On": "2026-11-05", "Disclosure": disclosure},
    )
    found = [(p.job, p.code) for p in result.report if p.tab == "Gifts" and p.code == "disclosure_missing"]
    assert found == ([("validate", "disclosure_missing")] if flagged else [])  # one finding, by one job
    chases = [a for a in result.actions if a.kind == "fix_disclosure"]
    assert len(chases) == (1 if flagged else 0)  # overdue chases it on the To Do list


# --- Returns --------------------------------------------------------------------------------------


def ret(**values):
    row = {
        "RMA": "RMA-2026-0001",
        "Order Number": "#5100",
        "Customer": "Ada Kim",
        "SKU": "PD-AUR-101",
        "Delivered On": "2026-11-01",
        "Requested On": "2026-11-10",
        "Reason": "Changed Mind",
        "Request Type": "Refund",
        "Status": "Requested",
    }
    row.update(values)
    return row


def run_return(run_jobs, config, day, cfg=None, **values):
    cfg = cfg or config
    backend = memory_workbook(cfg, {"SKUs": [SKU, ENGRAVED], "Returns": [ret(**values)]})
    result = run_jobs(backend, ["overdue"], at=at(day), cfg=cfg)
    codes = {p.code for p in result.report if p.tab == "Returns"} & RETURN_FLAGS
    return records(backend, "Returns")[0], codes


RETURN_FLAGS = {
    "not_inspected",
    "received_on_missing",
    "workshop_overdue",
    "workshop_due_missing",
    "resolution_incomplete",
}  # validate may report resolution_incomplete first: either counts
RETURN_CASES = [
    # id, now, values -> Status, Policy Check (prefix), Days Open, overdue codes
    ("within window: authorized", "2026-11-12", {}, "Authorized", "within window", 2, set()),
    ("last day of the window", "2026-12-01", {"Requested On": "2026-12-01"}, "Authorized", "within window", 0, set()),
    (
        "outside window by 1 day",
        "2026-12-02",
        {"Requested On": "2026-12-02"},
        "Requested",
        "outside window by 1 day",
        0,
        set(),
    ),
    (
        "outside window by 15 days",
        "2026-12-20",
        {"Requested On": "2026-12-16"},
        "Requested",
        "outside window by 15 days",
        4,
        set(),
    ),
    ("final sale", "2026-11-12", {"SKU": "RG-HEI-200"}, "Requested", "final sale: engraved/custom", 2, set()),
    (
        "leap-year window",
        "2028-04-01",
        {"Delivered On": "2028-02-29", "Requested On": "2028-03-31"},
        "Requested",
        "outside window by 1 day",
        1,
        set(),
    ),
    (
        "received Wed before Thanksgiving: 3 business days is Tue",
        "2026-12-01",
        {"Status": "Received", "Received On": "2026-11-25"},
        "Received",
        "within window",
        21,
        set(),
    ),
    (
        "received Wed before Thanksgiving: late on Wed",
        "2026-12-02",
        {"Status": "Received", "Received On": "2026-11-25"},
        "Received",
        "within window",
        22,
        {"not_inspected"},
    ),
    (
        "received Friday: due Wednesday",
        "2026-11-11",
        {"Status": "Received", "Received On": "2026-11-06"},
        "Received",
        "within window",
        1,
        set(),
    ),
    (
        "received Friday: late on Thursday",
        "2026-11-12",
        {"Status": "Received", "Received On": "2026-11-06"},
        "Received",
        "within window",
        2,
        {"not_inspected"},
    ),
    (
        "received, no date",
        "2026-11-12",
        {"Status": "Received"},
        "Received",
        "within window",
        2,
        {"received_on_missing"},
    ),
    (
        "inspecting is not flagged",
        "2026-12-20",
        {"Status": "Inspecting", "Received On": "2026-11-12"},
        "Inspecting",
        "within window",
        40,
        set(),
    ),
    (
        "workshop due today",
        "2026-11-30",
        {"Status": "At Workshop", "Received On": "2026-11-12", "Workshop Due": "2026-11-30"},
        "At Workshop",
        "within window",
        20,
        set(),
    ),
    (
        "workshop late (over DST change)",
        "2026-11-02",
        {
            "Status": "At Workshop",
            "Received On": "2026-10-12",
            "Workshop Due": "2026-11-01",
            "Requested On": "2026-10-08",
            "Delivered On": "2026-10-01",
        },
        "At Workshop",
        "within window",
        25,
        {"workshop_overdue"},
    ),
    (
        "workshop without a due date",
        "2026-11-20",
        {"Status": "At Workshop", "Received On": "2026-11-12"},
        "At Workshop",
        "within window",
        10,
        {"workshop_due_missing"},
    ),
    (
        "authorized 30 days ago: still waiting",
        "2026-12-10",
        {"Status": "Authorized"},
        "Authorized",
        "within window",
        30,
        set(),
    ),
    (
        "authorized 31 days ago: expired",
        "2026-12-11",
        {"Status": "Authorized"},
        "Expired",
        "within window",
        None,
        set(),
    ),
    (
        "authorized, received date filled: never expired",
        "2026-12-31",
        {"Status": "Authorized", "Received On": "2026-11-20"},
        "Authorized",
        "within window",
        51,
        set(),
    ),
    ("old request is left to a person", "2026-12-11", {}, "Requested", "within window", 31, set()),
    (
        "resolved and complete",
        "2026-12-11",
        {"Status": "Resolved", "Received On": "2026-11-14", "Resolution": "Refund", "Resolved On": "2026-11-17"},
        "Resolved",
        "within window",
        7,
        set(),
    ),
    (
        "resolved without a date",
        "2026-12-11",
        {"Status": "Resolved", "Resolution": "Refund"},
        "Resolved",
        "within window",
        None,
        {"resolution_incomplete"},
    ),
    (
        "resolved without a resolution",
        "2026-12-11",
        {"Status": "Resolved", "Resolved On": "2026-11-30"},
        "Resolved",
        "within window",
        20,
        {"resolution_incomplete"},
    ),
    ("unknown SKU is never authorized", "2026-11-12", {"SKU": "XX-NOPE-1"}, "Requested", "cannot check", 2, set()),
    ("no delivery date", "2026-11-12", {"Delivered On": None}, "Requested", "cannot check", 2, set()),
]


@pytest.mark.parametrize(
    "name, day, values, status, check, days, codes", RETURN_CASES, ids=[c[0] for c in RETURN_CASES]
)
def test_returns_flow(run_jobs, config, name, day, values, status, check, days, codes):
    row, found = run_return(run_jobs, config, day, **values)
    assert row["Status"] == status
    assert row["Policy Check"].startswith(check)
    assert row["Days Open"] == days
    assert found == codes


def test_auto_authorize_off_leaves_requests_to_a_person(run_jobs, config):
    cfg = with_policy(config, "returns", auto_authorize=False)
    row, _ = run_return(run_jobs, config, "2026-11-12", cfg=cfg)
    assert row["Status"] == "Requested" and row["Policy Check"].startswith("within window")


def test_outside_window_and_final_sale_together(run_jobs, config):
    row, _ = run_return(run_jobs, config, "2026-12-20", **{"SKU": "RG-HEI-200", "Requested On": "2026-12-16"})
    assert row["Policy Check"] == "final sale: engraved/custom; outside window by 15 days"


# --- SKUs: copy deadlines -----------------------------------------------------------------------

COPY_CASES = [
    ("copy due yesterday, drafting", {"Copy Due": "2026-11-25", "Description Status": "Drafting"}, {"copy_late"}),
    ("copy due today", {"Copy Due": "2026-11-26", "Description Status": "Drafting"}, set()),
    ("copy late but approved", {"Copy Due": "2026-11-01", "Description Status": "Approved"}, set()),
    ("copy late, in review", {"Copy Due": "2026-11-01", "Description Status": "In Review"}, {"copy_late"}),
    (
        "launch in 7 days, approved",
        {"Launch Date": "2026-12-03", "Description Status": "Approved"},
        {"launch_copy_not_ready"},
    ),
    ("launch in 8 days", {"Launch Date": "2026-12-04", "Description Status": "Approved"}, set()),
    ("launch today, published", {"Launch Date": "2026-11-26", "Description Status": "Published"}, set()),
    (
        "both",
        {"Launch Date": "2026-11-30", "Copy Due": "2026-11-16", "Description Status": "Brief"},
        {"copy_late", "launch_copy_not_ready"},
    ),
]


@pytest.mark.parametrize("name, values, codes", COPY_CASES, ids=[c[0] for c in COPY_CASES])
def test_copy_deadlines(run_jobs, config, name, values, codes):
    backend = memory_workbook(config, {"SKUs": [dict(SKU, **values, Copywriter="Priya Shah")]})
    result = run_jobs(backend, ["overdue"])
    assert {p.code for p in result.report if p.tab == "SKUs" and p.job == "overdue"} == codes
    actions = result.actions
    assert len(actions) == (1 if codes else 0)
    if codes and values["Description Status"] in ("Brief", "Drafting"):
        assert actions[0].who == "Priya Shah"


# --- Issued ids -----------------------------------------------------------------------------------


def _new_return(n: int):
    return ret(**{"RMA": None, "Order Number": f"#{7000 + n}", "Customer": f"Customer {n}"})


def _new_gift(n: int):
    return gift(**{"Gift ID": None, "Campaign": f"Campaign {n}"})


def test_issued_ids_are_sequential_never_reused_and_stable(run_jobs, config):
    backend = memory_workbook(
        config,
        {
            "SKUs": [SKU],
            "Influencers": [PERSON],
            "Returns": [ret(), _new_return(1), _new_return(2)],
            "Gifts": [gift(), _new_gift(1), _new_gift(2)],
        },
    )
    run_jobs(backend, ["overdue"])
    assert [r["RMA"] for r in records(backend, "Returns")] == ["RMA-2026-0001", "RMA-2026-0002", "RMA-2026-0003"]
    assert [r["Gift ID"] for r in records(backend, "Gifts")] == ["GFT-0001", "GFT-0002", "GFT-0003"]

    again = run_jobs(backend, ["overdue"])
    assert again.cells_written == 0
    assert [r["RMA"] for r in records(backend, "Returns")][-1] == "RMA-2026-0003"

    for tab, row in (("Returns", _new_return(3)), ("Gifts", _new_gift(3))):
        values = backend.values(tab)
        values.pop()  # a person deletes the newest row, then logs a new one
        values.append(grid(config, tab, [row], values[0])[1])
        backend.tabs[tab].values = values
    run_jobs(backend, ["overdue"])
    assert [r["RMA"] for r in records(backend, "Returns")] == ["RMA-2026-0001", "RMA-2026-0002", "RMA-2026-0004"]
    assert [r["Gift ID"] for r in records(backend, "Gifts")] == ["GFT-0001", "GFT-0002", "GFT-0004"]


def test_rma_sequence_restarts_each_year(run_jobs, config):
    backend = memory_workbook(config, {"SKUs": [SKU], "Returns": [ret(RMA="RMA-2026-0041"), _new_return(1)]})
    run_jobs(backend, ["overdue"], at=at("2026-12-31", hour=23))
    backend.tabs["Returns"].values.append(list(backend.values("Returns")[2]))
    backend.tabs["Returns"].values[-1][0] = None
    backend.tabs["Returns"].values[-1][1] = "#9999"
    run_jobs(backend, ["overdue"], at=datetime(2027, 1, 1, 5, 30, tzinfo=UTC))  # 00:30 in New York
    assert [r["RMA"] for r in records(backend, "Returns")] == ["RMA-2026-0041", "RMA-2026-0042", "RMA-2027-0001"]


def test_ids_are_not_used_up_when_overdue_only_reports(run_jobs, config):
    """Running another job still evaluates overdue for its problems; the ids it would issue are given back."""
    backend = memory_workbook(config, {"SKUs": [SKU], "Influencers": [PERSON], "Gifts": [_new_gift(1)]})
    run_jobs(backend, ["validate"])
    assert records(backend, "Gifts")[0]["Gift ID"] is None
    run_jobs(backend, ["overdue"])
    assert records(backend, "Gifts")[0]["Gift ID"] == "GFT-0001"
