"""Gifting decisions: campaign results and stop list in the Gifting summary, status proposals for the founder."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from conftest import memory_workbook, records

SKUS = [{"SKU": "RG-ONE", "Product Name": "One Ring", "Cost": 90, "Stock": 5}]
PEOPLE = [
    {"Handle": h, "Status": s, "Address Confirmed On": date(2026, 1, 1), "Followers": 1000}
    for h, s in (("@ana", "Active"), ("@bea", "Active"), ("@cat", "Paused"), ("@dan", "Do Not Gift"))
]
POST = {"Post URL": "https://www.instagram.com/p/X", "Disclosure": "Yes"}


def gift(n: int, handle: str, campaign: str, delivered: date, **extra) -> dict:
    return {
        "Gift ID": f"GFT-{n:04d}",
        "Handle": handle,
        "Campaign": campaign,
        "SKU": "RG-ONE",
        "Gift Value": 90,
        "Shipping Cost": 10,
        "Shipped On": delivered - timedelta(days=2),
        "Tracking Number": "1Z",
        "Delivered On": delivered,
        **extra,
    }


def run(config, run_jobs, gifts, today: date, cfg=None):
    cfg = cfg or config
    backend = memory_workbook(cfg, {"SKUs": SKUS, "Influencers": PEOPLE, "Gifts": gifts})
    now = datetime.combine(today, datetime.min.time(), tzinfo=cfg.timezone).replace(hour=18)
    result = run_jobs(backend, ["validate", "overdue", "decisions", "summaries", "todo"], at=now, cfg=cfg)
    assert not result.failed, result.outcomes
    return backend, result, result.output("summaries", "figures")


def by(frame: pd.DataFrame, column: str) -> dict:
    return {r[column]: r for _, r in frame.iterrows()}


# Winter: 6 gifts to @ana and @bea delivered across the January month end, one post with 3 orders;
# Spring: 5 gifts, 4 posts, well sold.
WINTER = [
    gift(n, "@ana" if n % 2 else "@bea", "Winter", date(2026, 1, 10) + timedelta(days=4 * n)) for n in range(1, 7)
]
WINTER[0].update({**POST, "Posted On": date(2026, 1, 20), "Attributed Orders": 3, "Attributed Revenue": 150})
SPRING = [
    gift(
        n,
        "@cat",
        "Spring",
        date(2026, 1, 2),
        **POST,
        **{"Posted On": date(2026, 1, 9), "Attributed Orders": 2, "Attributed Revenue": 400},
    )
    for n in range(11, 15)
] + [gift(15, "@cat", "Spring", date(2026, 1, 2))]


def test_campaign_results(config, run_jobs):
    _, _, f = run(config, run_jobs, WINTER + SPRING, date(2026, 3, 1))
    c = by(f["gifting.by_campaign"], "Campaign")
    w, s = c["Winter"], c["Spring"]
    assert (w["Gifts"], w["Due"], w["Posts"], w["Cost"], w["Revenue"]) == (6, 6, 1, 600, 150)
    assert w["Post Rate"] == pytest.approx(1 / 6) and w["ROI"] == pytest.approx((150 - 600) / 600)
    assert w["Cost per Order"] == pytest.approx(600 / 3)
    assert s["Cost per Order"] == pytest.approx(500 / 8) and s["ROI"] == pytest.approx((1600 - 500) / 500)
    stop = f["gifting.campaign_stop_list"]
    assert list(stop["Campaign"]) == ["Winter"]
    assert "1 posts from 6 gifts due" in stop.iloc[0]["Reason"] and "ROI -75%" in stop.iloc[0]["Reason"]
    k = by(f["gifting.key_figures"], "Figure")
    assert k["Campaigns to stop"]["Value"] == 1
    assert k["Cost per attributed order"]["Value"] == pytest.approx(1100 / 11)


@pytest.mark.parametrize(
    ("today", "due"),
    [(date(2026, 2, 27), 4), (date(2026, 2, 28), 5)],  # the 5th gift's Post Due is the last day of February
)
def test_a_campaign_joins_the_stop_list_when_enough_gifts_are_due(config, run_jobs, today, due):
    gifts = [gift(n, "@ana", "Winter", date(2026, 2, 14) - timedelta(days=n - 1)) for n in range(1, 6)]
    gifts[0]["Delivered On"] = date(2026, 2, 14)  # Post Due 2026-02-28
    _, _, f = run(config, run_jobs, gifts, today)
    assert by(f["gifting.by_campaign"], "Campaign")["Winter"]["Due"] == due
    assert list(f["gifting.campaign_stop_list"]["Campaign"]) == (["Winter"] if due >= 5 else [])


def test_campaign_thresholds_are_configurable(config, run_jobs):
    summaries = {**config.policies["summaries"], "campaign_stop_min_due": 7, "campaign_stop_roi_below": -0.9}
    cfg = dataclasses.replace(config, policies={**config.policies, "summaries": summaries})
    _, _, f = run(config, run_jobs, WINTER + SPRING, date(2026, 3, 1), cfg=cfg)
    assert f["gifting.campaign_stop_list"].empty
    summaries = {**config.policies["summaries"], "campaign_stop_post_rate_below": 0.9}
    cfg = dataclasses.replace(config, policies={**config.policies, "summaries": summaries})
    _, _, f = run(config, run_jobs, WINTER + SPRING, date(2026, 3, 1), cfg=cfg)
    assert sorted(f["gifting.campaign_stop_list"]["Campaign"]) == ["Spring", "Winter"]


def test_the_summary_tab_shows_the_campaign_stop_list(config, run_jobs):
    backend, _, _ = run(config, run_jobs, WINTER + SPRING, date(2026, 3, 1))
    cells = [str(v) for line in backend.values("Summary - Gifting") for v in line if v is not None]
    assert "Campaigns to stop" in cells and "Cost per Order" in cells
    at = cells.index("Campaigns to stop")
    assert "Winter" in cells[at : at + 40]


def test_founder_lines_propose_a_status(config, run_jobs):
    gifts = [
        gift(1, "@ana", "A", date(2026, 1, 1)),
        gift(2, "@ana", "A", date(2026, 1, 5)),  # two due, no post: Do Not Gift
        gift(3, "@bea", "A", date(2026, 1, 1), **POST, **{"Posted On": date(2026, 1, 8)}),  # posts, no sale: Paused
        gift(4, "@cat", "A", date(2026, 1, 1), **POST, **{"Posted On": date(2026, 1, 8)}),  # Paused already
        gift(5, "@dan", "A", date(2026, 1, 1)),
        gift(6, "@dan", "A", date(2026, 1, 2)),  # Do Not Gift already
    ]
    backend, result, _ = run(config, run_jobs, gifts, date(2026, 3, 29))  # London's clock change day (US: none)
    proposals = {a.key: a for a in result.actions if a.kind == "propose_status"}
    assert set(proposals) == {"@ana", "@bea"}
    assert proposals["@ana"].id == "propose_status:Influencers:@ana:Do Not Gift"
    assert proposals["@bea"].id == "propose_status:Influencers:@bea:Paused"
    assert {a.who for a in proposals.values()} == {"Founder"}
    lines = {line["Action ID"]: line for line in records(backend, "To Do")}
    assert lines["propose_status:Influencers:@ana:Do Not Gift"]["Where"].startswith("Influencers row ")
    assert all(r["Status"] in ("Active", "Paused", "Do Not Gift") for r in records(backend, "Influencers"))


def test_the_demo_stops_holiday_edit_and_proposes_statuses(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    result = run_jobs(backend)
    f = result.output("summaries", "figures")
    stop = by(f["gifting.campaign_stop_list"], "Campaign")
    assert list(stop) == ["Holiday Edit"]
    assert (stop["Holiday Edit"]["Posts"], stop["Holiday Edit"]["Due"]) == (0, 11)
    assert stop["Holiday Edit"]["ROI"] == pytest.approx(-1.0)
    ids = {line["Action ID"] for line in records(backend, "To Do")}
    assert {
        "propose_status:Influencers:@luna.sparkle:Do Not Gift",
        "propose_status:Influencers:@ruby.gems:Paused",
    } <= ids
