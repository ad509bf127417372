"""The summaries job: every figure against a hand computation, edge cases, rendering, charts, reruns."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import memory_workbook, records

import sheetsync
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.model.a1 import sheet_ref
from sheetsync.model.problems import Problem, Severity
from sheetsync.summary_tab import NA_TEXT

TABS = ("Summary - Returns", "Summary - Gifting", "Summary - Catalog")
D = date

SKUS = [
    {
        "SKU": "RG-ONE",
        "Product Name": "One Ring",
        "Category": "Ring",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "None",
        "Price": 400,
        "Cost": 100,
        "Stock": 0,
        "Units Sold": 10,
        "Channels": "Shopify, Wholesale",
        "Description Status": "Published",
        "Launch Date": D(2026, 1, 1),
    },
    {
        "SKU": "NK-TWO",
        "Product Name": "Two Necklace",
        "Category": "Necklace",
        "Metal": "Sterling Silver",
        "Purity": "925",
        "Stone": "None",
        "Price": 200,
        "Cost": 50,
        "Wholesale Price": 100,
        "Stock": 5,
        "Units Sold": 0,
        "Channels": "Etsy",
        "Description Status": "Drafting",
        "Copy Due": D(2026, 11, 20),
        "Launch Date": D(2026, 12, 1),
    },
    {
        "SKU": "ER-THREE",
        "Product Name": "Three Earrings",
        "Category": "Earrings",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "None",
        "Price": 300,
        "Cost": 80,
        "Stock": 3,
        "Units Sold": 20,
        "Description Status": "Approved",
    },
]


def _return(rma, sku, channel, reason, requested, status, **extra):
    return {
        "RMA": rma,
        "Order Number": f"#{rma[-2:]}",
        "SKU": sku,
        "Channel": channel,
        "Reason": reason,
        "Requested On": requested,
        "Status": status,
        **extra,
    }


RETURNS = [
    _return(
        "RMA-2026-0001",
        "RG-ONE",
        "Shopify",
        "Not As Described",
        D(2026, 11, 1),
        "Resolved",
        Resolution="Refund",
        **{"Refund Amount": 340, "Restocking Fee": 60, "Resolved On": D(2026, 11, 5)},
    ),
    _return(
        "RMA-2026-0002",
        "RG-ONE",
        "Etsy",
        "Size Too Small",
        D(2026, 11, 2),
        "Resolved",
        Resolution="Resized",
        **{"Resolved On": D(2026, 11, 12)},
    ),
    _return(
        "RMA-2026-0003",
        "NK-TWO",
        "Shopify",
        "Color",
        D(2026, 11, 10),
        "At Workshop",
        **{"Received On": D(2026, 11, 16), "Workshop Due": D(2026, 11, 20)},
    ),
    _return("RMA-2026-0004", "ER-THREE", "Shopify", "Style", D(2026, 11, 20), "Requested"),
    _return(
        "RMA-2026-0005",
        "ER-THREE",
        None,
        None,
        D(2026, 11, 3),
        "Resolved",
        Resolution="Store Credit",
        **{"Resolved On": D(2026, 11, 9)},
    ),
]

INFLUENCERS = [
    {"Handle": "@ana", "Platform": "Instagram", "Followers": 1000, "Status": "Active"},
    {"Handle": "@bea", "Platform": "TikTok", "Followers": 0, "Status": "Active"},
    {"Handle": "@cat", "Platform": "Instagram", "Followers": 5000, "Status": "Do Not Gift"},
    {"Handle": "@dan", "Platform": "Instagram", "Followers": 2000, "Status": "Active"},
]


def _gift(gid, handle, campaign, sku, value, shipping, delivered, **extra):
    return {
        "Gift ID": gid,
        "Handle": handle,
        "Campaign": campaign,
        "SKU": sku,
        "Gift Value": value,
        "Shipping Cost": shipping,
        "Delivered On": delivered,
        **extra,
    }


POST = {"Post URL": "https://www.instagram.com/p/ABC", "Disclosure": "Yes"}
GIFTS = [
    _gift(
        "GFT-0001",
        "@ana",
        "Holiday",
        "RG-ONE",
        100,
        10,
        D(2026, 11, 1),
        **POST,
        **{
            "Posted On": D(2026, 11, 10),
            "Likes": 100,
            "Comments": 20,
            "Shares": 5,
            "Saves": 5,
            "Views": 1000,
            "Attributed Orders": 2,
            "Attributed Revenue": 800,
        },
    ),
    _gift("GFT-0002", "@ana", "Holiday", "NK-TWO", None, 10, D(2026, 11, 20)),  # value from SKU cost 50
    _gift(
        "GFT-0003",
        "@bea",
        "Spring",
        "NK-TWO",
        60,
        None,
        D(2026, 10, 1),
        **{
            "Post URL": "https://www.tiktok.com/@bea/video/1",
            "Disclosure": "No",
            "Posted On": D(2026, 10, 20),
            "Likes": 10,
        },
    ),
    _gift("GFT-0004", "@bea", "Spring", "RG-ONE", 100, 10, D(2026, 10, 1), **{"Post Due": D(2026, 10, 10)}),
    _gift("GFT-0005", "@bea", None, "ER-THREE", 40, 0, D(2026, 10, 5)),
    _gift("GFT-0006", "@dan", "Spring", "ER-THREE", 40, 5, D(2026, 9, 1)),
    _gift("GFT-0007", "@dan", "Spring", "ER-THREE", 40, 5, D(2026, 9, 10)),
    _gift("GFT-0008", "@cat", "Spring", "ER-THREE", 20, 0, D(2026, 9, 1)),
]


@pytest.fixture
def fixture_book(config):
    return memory_workbook(config, {"SKUs": SKUS, "Returns": RETURNS, "Influencers": INFLUENCERS, "Gifts": GIFTS})


@pytest.fixture
def figures(config, now, fixture_book):
    return sheetsync.summaries(config, backend=fixture_book, now=now)


def key(frame: pd.DataFrame, label_start: str):
    hits = frame[frame["Figure"] == label_start]
    if hits.empty:
        hits = frame[frame["Figure"].str.startswith(label_start)]
    assert len(hits) == 1, label_start
    return hits["Value"].iloc[0]


def na(value) -> bool:
    return value is None or bool(pd.isna(value))


def by(frame: pd.DataFrame, column: str) -> dict:
    return {row[column]: row for _, row in frame.iterrows()}


# ---- returns ---------------------------------------------------------------------------------------------------


def test_returns_key_figures(figures):
    k = figures["returns.key_figures"]
    assert key(k, "Returns logged") == 5
    assert key(k, "Open returns") == 2  # At Workshop and Requested
    assert key(k, "Units sold") == 30  # 10 + 0 + 20
    assert key(k, "Return rate") == pytest.approx(5 / 30)
    assert key(k, "Refunded") == pytest.approx(340)
    assert key(k, "Restocking fees") == pytest.approx(60)
    assert key(k, "Retained revenue ratio") == pytest.approx(2 / 3)  # Resized + Store Credit of 3 settled
    assert key(k, "Median days") == pytest.approx(6)  # days 4, 10, 6
    assert key(k, "90th percentile") == pytest.approx(6 + 0.8 * (10 - 6))  # linear between 6 and 10
    assert key(k, "Pieces at the workshop") == 1


def test_returns_by_sku_and_category(figures):
    s = figures["returns.by_sku"]
    assert list(s["SKU"]) == ["RG-ONE", "ER-THREE", "NK-TWO"]
    rows = by(s, "SKU")
    assert rows["RG-ONE"]["Returns"] == 2 and rows["RG-ONE"]["Return Rate"] == pytest.approx(0.2)
    assert rows["ER-THREE"]["Return Rate"] == pytest.approx(0.1)
    assert na(rows["NK-TWO"]["Return Rate"])  # zero units sold: n/a, not a division error
    assert rows["RG-ONE"]["Copy Returns"] == 1 and rows["RG-ONE"]["Size Returns"] == 1
    assert rows["RG-ONE"]["_link"] == sheet_ref("SKUs", 2, 1)
    c = by(figures["returns.by_category"], "Category")
    assert c["Ring"]["Units Sold"] == 10 and c["Ring"]["Returns"] == 2
    assert c["Ring"]["Return Rate"] == pytest.approx(0.2)
    assert c["Earrings"]["Return Rate"] == pytest.approx(0.1)
    assert na(c["Necklace"]["Return Rate"])


def test_returns_by_reason_channel_outcome(figures):
    reasons = by(figures["returns.by_reason"], "Reason")
    assert set(reasons) == {"Not As Described", "Size Too Small", "Color", "Style", "(not given)"}
    assert all(r["Returns"] == 1 and r["Share"] == pytest.approx(0.2) for r in reasons.values())
    channels = by(figures["returns.by_channel"], "Channel")
    assert channels["Shopify"]["Returns"] == 3 and channels["Shopify"]["Share"] == pytest.approx(0.6)
    assert channels["Shopify"]["Refunded"] == pytest.approx(340)
    assert na(channels["Etsy"]["Refunded"]) and channels["(not given)"]["Returns"] == 1
    outcomes = by(figures["returns.outcomes"], "Resolution")
    assert set(outcomes) == {"Refund", "Resized", "Store Credit"}
    assert outcomes["Refund"]["Share"] == pytest.approx(1 / 3)
    assert outcomes["Refund"]["Restocking Fees"] == pytest.approx(60)


def test_workshop_and_copy_review(figures):
    w = figures["returns.workshop"]
    assert list(w["RMA"]) == ["RMA-2026-0003"]
    assert w["Days At Workshop"].iloc[0] == 10  # received 11-16, today 11-26
    assert w["Days Past Due"].iloc[0] == 6  # due 11-20
    c = figures["returns.copy_review"]
    assert list(c["SKU"]) == ["ER-THREE", "NK-TWO", "RG-ONE"]  # one copy return each, then by SKU
    assert list(c["Copy Returns"]) == [1, 1, 1]
    assert by(c, "SKU")["NK-TWO"]["Color"] == 1 and by(c, "SKU")["ER-THREE"]["Style"] == 1


# ---- gifting ---------------------------------------------------------------------------------------------------


def test_gifting_key_figures(figures):
    k = figures["gifting.key_figures"]
    assert key(k, "Gifts logged") == 8
    cost = 110 + 60 + 60 + 110 + 40 + 45 + 45 + 20  # value (blank: SKU cost) + shipping (blank: 0)
    assert key(k, "Gift cost") == pytest.approx(cost)
    assert key(k, "Posts") == 2
    assert key(k, "Post rate") == pytest.approx(2 / 7)  # GFT-0002 is not due until 12-04
    assert key(k, "On-time rate") == pytest.approx(1 / 2)  # GFT-0003 posted 10-20, due 10-15
    assert key(k, "Engagement rate") == pytest.approx(120 / 1000)  # @bea has 0 followers: left out
    assert key(k, "Cost per engagement") == pytest.approx(cost / (130 + 10))
    assert key(k, "Attributed orders") == 2
    assert key(k, "Attributed revenue") == pytest.approx(800)
    assert key(k, "ROI") == pytest.approx((800 - cost) / cost)
    assert key(k, "Posts with #ad") == pytest.approx(0.5)
    assert key(k, "Partnerships to stop") == 2
    emv = (100 * 0.05 + 20 * 0.5 + 5 * 0.75 + 5 * 0.5 + 1000 * 0.01) + 10 * 0.05  # config rates
    assert key(k, "EMV estimate") == pytest.approx(emv)


def test_gifting_per_influencer(figures):
    p = by(figures["gifting.by_influencer"], "Influencer")
    ana, bea, dan = p["@ana"], p["@bea"], p["@dan"]
    assert (ana["Gifts"], ana["Cost"], ana["Due"], ana["Posts"]) == (2, 170, 1, 1)
    assert ana["Post Rate"] == pytest.approx(1.0) and ana["On-time Rate"] == pytest.approx(1.0)
    assert ana["Engagement Rate"] == pytest.approx(0.12)
    assert ana["Cost per Engagement"] == pytest.approx(170 / 130)
    assert ana["ROI"] == pytest.approx((800 - 170) / 170)
    assert (bea["Gifts"], bea["Cost"], bea["Due"], bea["Posts"]) == (3, 210, 3, 1)
    assert bea["Post Rate"] == pytest.approx(1 / 3) and bea["On-time Rate"] == pytest.approx(0)
    assert na(bea["Engagement Rate"])  # zero followers
    assert na(bea["Comments"])  # missing metric stays missing
    assert bea["Cost per Engagement"] == pytest.approx(21.0)
    assert bea["ROI"] == pytest.approx(-1.0) and bea["Disclosure Rate"] == pytest.approx(0)
    assert na(dan["Post Rate"]) is False and dan["Post Rate"] == 0 and na(dan["Engagement Rate"])
    assert list(figures["gifting.by_influencer"]["Influencer"])[:2] == ["@bea", "@ana"]  # biggest spend first


def test_gifting_per_campaign_stop_list_and_disclosure(figures):
    c = by(figures["gifting.by_campaign"], "Campaign")
    assert c["Holiday"]["Cost"] == pytest.approx(170) and c["Holiday"]["Posts"] == 1
    assert c["Spring"]["Cost"] == pytest.approx(60 + 110 + 45 + 45 + 20)
    assert c["(no campaign)"]["Cost"] == pytest.approx(40)
    stop = figures["gifting.stop_list"]
    assert list(stop["Influencer"]) == ["@bea", "@dan"]  # @cat is already Do Not Gift
    reasons = by(stop, "Influencer")
    assert "no post" not in reasons["@bea"]["Reason"] and "ROI" in reasons["@bea"]["Reason"]
    assert "no post" in reasons["@dan"]["Reason"] and "ROI" in reasons["@dan"]["Reason"]
    assert list(figures["gifting.disclosure"]["Gift ID"]) == ["GFT-0003"]


# ---- catalog ---------------------------------------------------------------------------------------------------


def test_catalog_figures(figures):
    status = figures["catalog.by_status"]
    assert list(status["Description Status"]) == ["Drafting", "Approved", "Published"]  # workflow order
    assert list(status["SKUs"]) == [1, 1, 1] and status["Share"].iloc[0] == pytest.approx(1 / 3)
    late = figures["catalog.copy_late"]
    assert list(late["SKU"]) == ["NK-TWO"] and late["Days To Launch"].iloc[0] == 5
    assert "copy due date passed" in late["Why"].iloc[0]
    assert list(figures["catalog.stock_outs"]["SKU"]) == ["RG-ONE"]
    assert list(figures["catalog.missing_channels"]["SKU"]) == ["ER-THREE"]
    mismatch = figures["catalog.channel_mismatch"]
    assert list(mismatch["SKU"]) == ["RG-ONE"] and "Wholesale" in mismatch["Problem"].iloc[0]
    k = figures["catalog.key_figures"]
    assert key(k, "SKUs") == 3 and key(k, "Published") == 1 and key(k, "Out of stock") == 1


def test_problem_counts_by_column_and_code(config):
    problem_counts = sheetsync.load_project(config).module("summaries.catalog").problem_counts

    problems = [
        Problem("SKUs", "not_money", "x", Severity.ERROR, row=2, column="Price"),
        Problem("SKUs", "not_money", "x", Severity.ERROR, row=3, column="Price"),
        Problem("SKUs", "not_money", "x", Severity.WARNING, row=3, column="Price"),
        Problem("Gifts", "late", "x", Severity.WARNING, row=5, column="Post Due"),
    ]
    out = problem_counts(problems)
    assert list(out["Reason Code"]) == ["not_money", "late"]
    first = out.iloc[0]
    assert (first["Errors"], first["Warnings"], first["Rows"]) == (2, 1, 2)


# ---- edge cases ------------------------------------------------------------------------------------------------


def _no_nan(grid) -> None:
    for row in grid:
        for value in row:
            assert not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))), row


@pytest.mark.parametrize(
    "tabs",
    [
        {},
        {"SKUs": SKUS[:1]},
        {"Returns": RETURNS[:1]},
        {"Gifts": GIFTS[1:2]},
        {
            "SKUs": [dict(SKUS[0], **{"Units Sold": 0})],
            "Returns": RETURNS[:1],
            "Influencers": [dict(INFLUENCERS[0], Followers=0)],
            "Gifts": GIFTS[:1],
        },
        {"Gifts": [{"Gift ID": "GFT-0009", "Handle": "@nobody", "SKU": "NOPE", "Posted On": D(2026, 11, 1)}]},
    ],
    ids=["empty", "one-sku", "one-return", "one-gift", "zeros", "missing-metrics"],
)
def test_edge_cases_never_crash(config, run_jobs, tabs):
    backend = memory_workbook(config, tabs)
    result = run_jobs(backend, ["summaries"])
    assert result.outcomes["summaries"].status == "ok", result.outcomes["summaries"].error
    for name in TABS:
        _no_nan(backend.values(name))
    figures = result.output("summaries", "figures")
    if not tabs:
        assert key(figures["returns.key_figures"], "Return rate") is pd.NA
        values = dict(backend.values("Summary - Returns")[i][:2] for i in range(4, 14))
        assert values["Return rate (returns / units sold)"] == NA_TEXT


def test_missing_tab_does_not_crash(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": SKUS}, all_tabs=False)
    result = run_jobs(backend, ["summaries"])
    assert result.outcomes["summaries"].status == "ok", result.outcomes["summaries"].error
    assert "Summary - Gifting" in backend.tabs


# ---- rendering -------------------------------------------------------------------------------------------------


def test_tabs_render_numbers_with_formats(config, run_jobs, fixture_book):
    run_jobs(fixture_book, ["summaries"])
    tab = fixture_book.tabs["Summary - Returns"]
    grid, layout = tab.values, tab.layout
    assert grid[0][0].endswith("Returns: what comes back and why") and grid[1][0].startswith("As of Thursday")
    assert layout.frozen_rows == 2 and layout.widths and (1, 1) in layout.bold
    cells = {row[0]: (r, row[1]) for r, row in enumerate(grid, start=1) if len(row) > 1}
    r, refunded = cells["Refunded"]
    assert refunded == 340 and "#,##0.00" in layout.number_formats[(r, 2)]
    r, rate = cells["Return rate (returns / units sold)"]
    assert rate == pytest.approx(1 / 6) and layout.number_formats[(r, 2)] == "0.0%"
    r, _ = cells["Reason"]  # the by-reason table's header row is bold
    assert (r, 1) in layout.bold and (r, 2) in layout.bold
    assert any(target == sheet_ref("SKUs", 2, 1) for target in layout.links.values())
    reason_chart = next(c for c in layout.charts if c.title == "Returns by reason")
    first, last = reason_chart.categories.split(":")
    assert first == f"A{r + 1}" and last == f"A{r + 5}"
    assert reason_chart.series == (f"B{r + 1}:B{r + 5}",)
    gifting = fixture_book.tabs["Summary - Gifting"].layout
    cost_chart = next(c for c in gifting.charts if c.title.startswith("Gift cost vs attributed revenue (top"))
    assert cost_chart.series_titles == ("Cost", "Revenue") and len(cost_chart.series) == 2


def test_summary_tabs_touch_no_other_tab(config, run_jobs, fixture_book):
    before = {name: records(fixture_book, name) for name in ("SKUs", "Influencers")}
    result = run_jobs(fixture_book, ["summaries"])
    assert set(result.planned_contents) == set(TABS)
    assert {c.tab for c in result.planned} <= {"SKUs", "Returns", "Influencers", "Gifts", "_Meta"}
    assert all(c.column == "Issues" or c.tab == "_Meta" for c in result.planned)  # only validate's Issues
    for name, rows in before.items():
        assert [{k: v for k, v in r.items() if k != "Issues"} for r in records(fixture_book, name)] == [
            {k: v for k, v in r.items() if k != "Issues"} for r in rows
        ]


def test_rerun_writes_nothing_in_memory(config, run_jobs, fixture_book):
    run_jobs(fixture_book, ["summaries"])
    again = run_jobs(fixture_book, ["summaries"])
    assert again.cells_written == 0 and again.planned_contents == []


# ---- xlsx: charts, reruns, edits elsewhere ------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _chart_refs(book, tab: str) -> list[tuple[str, list[str]]]:
    """(category range, value ranges) of each chart on a tab, as saved in the xlsx."""
    out = []
    for chart in book[tab]._charts:
        cat = chart.series[0].cat
        ref = cat.strRef.f if cat.strRef is not None else cat.numRef.f
        out.append((ref, [s.val.numRef.f for s in chart.series]))
    return out


def _cells(book, tab: str, ref: str) -> list:
    area = ref.split("!")[1].replace("$", "")
    return [row[0].value for row in book[tab][area]]


@pytest.fixture
def xlsx_book(config, tmp_path, now):
    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    sheetsync.init(
        cfg, XlsxBackend(path), {"SKUs": SKUS, "Returns": RETURNS, "Influencers": INFLUENCERS, "Gifts": GIFTS}
    )
    return cfg, path


@pytest.mark.slow
def test_xlsx_charts_point_at_their_tables(xlsx_book, now):
    cfg, path = xlsx_book
    sheetsync.run(cfg, ["summaries"], now=now, backend=XlsxBackend(path))
    book = openpyxl.load_workbook(path)
    returns = _chart_refs(book, "Summary - Returns")
    assert len(returns) == 2
    categories, values = returns[0]
    assert sorted(_cells(book, "Summary - Returns", categories)) == sorted(
        ["Not As Described", "Size Too Small", "Color", "Style", "(not given)"]
    )
    assert _cells(book, "Summary - Returns", values[0]) == [1, 1, 1, 1, 1]
    gifting = _chart_refs(book, "Summary - Gifting")
    categories, values = gifting[0]
    assert len(values) == 2
    assert _cells(book, "Summary - Gifting", categories) == ["@bea", "@ana", "@dan", "@cat"]
    assert _cells(book, "Summary - Gifting", values[0]) == [210, 170, 90, 20]  # cost
    column, first_row = re.match(r"\$([A-Z]+)\$(\d+):", values[1].split("!")[1]).groups()
    assert book["Summary - Gifting"][f"{column}{int(first_row) - 1}"].value == "Revenue"


@pytest.mark.slow
def test_xlsx_rerun_writes_nothing_and_edits_survive(xlsx_book, now):
    cfg, path = xlsx_book
    sheetsync.run(cfg, now=now, backend=XlsxBackend(path))  # every job, summaries included
    before = _digest(path)
    again = sheetsync.run(cfg, now=now, backend=XlsxBackend(path))
    assert again.cells_written == 0 and _digest(path) == before
    # a person edits another tab, then a run that writes something keeps the charts and the edit
    book = openpyxl.load_workbook(path)
    book["Influencers"]["J2"] = "met at the trade fair"  # Notes of @ana
    book["SKUs"]["B3"] = "Two Necklace, longer"
    book.save(path)
    result = sheetsync.run(cfg, now=now, backend=XlsxBackend(path))
    assert result.cells_written > 0
    book = openpyxl.load_workbook(path)
    assert book["Influencers"]["J2"].value == "met at the trade fair"
    assert book["SKUs"]["B3"].value == "Two Necklace, longer"
    assert [len(book[t]._charts) for t in TABS] == [2, 2, 1]
    # a run of another job alone that saves the file keeps the summary charts too
    price = [c.value for c in book["SKUs"][1]].index("Price") + 1
    book["SKUs"].cell(2, price).value = "lots"  # Price: not money, so validate rewrites Issues
    book.save(path)
    validate_only = sheetsync.run(cfg, ["validate"], now=now, backend=XlsxBackend(path))
    assert validate_only.cells_written > 0
    assert [len(openpyxl.load_workbook(path)[t]._charts) for t in TABS] == [2, 2, 1]


def test_notebook_entry_point(config, now, fixture_book):
    frames = sheetsync.summaries(config, backend=fixture_book, now=now)
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())
    assert {"returns.by_reason", "gifting.by_influencer", "catalog.by_status"} <= set(frames)
    assert fixture_book.writes == 0  # a dry run: nothing written


def test_a_number_never_runs_into_the_text_of_the_next_column():
    """'4Not As Described', '-100.0%ROI ...': a numeric column followed by a text one ends its formats in spaces."""
    import pandas as pd

    from sheetsync.summary_tab import GAP, Section, render_summary

    frame = pd.DataFrame(
        {"SKU": ["A-1", "B-2"], "Returns": [4, None], "ROI": [-1.0, 0.5], "Top Reason": ["Style", "x"]}
    )
    section = Section("Returns", frame, formats={"Returns": "int", "ROI": "percent"})
    content = render_summary("Summary", "Title", "Sub", [section])
    rows = content.rows
    header = next(r for r, line in enumerate(rows, start=1) if line and line[0] == "SKU")
    formats = content.layout.number_formats
    assert formats[(header + 1, 3)].endswith(GAP) and formats[(header, 3)] == f"@{GAP}"  # ROI, before text
    assert not formats[(header + 1, 2)].endswith(GAP)  # Returns is followed by a number: no gap needed


def test_the_demos_engagement_rates_are_plausible(demo_rows):
    """(likes + comments) / followers of the demo's posts: creators' rates run at about 1-10%, never 60-70%."""
    followers = {r["Handle"]: r["Followers"] for r in demo_rows["Influencers"]}
    rates = [
        (g["Likes"] + g["Comments"]) / followers[g["Handle"]]
        for g in demo_rows["Gifts"]
        if isinstance(g.get("Likes"), int) and isinstance(g.get("Comments"), int) and followers.get(g["Handle"])
    ]
    assert len(rates) >= 15 and all(0.01 <= rate <= 0.10 for rate in rates), sorted(rates)
