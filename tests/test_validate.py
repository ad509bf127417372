"""The validate job: every rule flags the right cell with the right code; clean rows in people's styles pass;
fixing a problem clears its Issues line, highlight and note (memory and xlsx); the CLI's report formats."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import grid, memory_workbook, records
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from validate_support import (
    clean_gift,
    clean_influencer,
    clean_return,
    clean_sku,
    memory,
    plain_sku,
    validate_only_config,
)

import sheetsync
from sheetsync.backends.memory import MemoryBackend
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.cli import main
from sheetsync.init import init
from sheetsync.model.a1 import a1
from sheetsync.model.layout import FILLS
from sheetsync.model.problems import COLUMNS
from sheetsync.model.values import Formula

NOW = datetime(2026, 11, 26, 9, 0)


@pytest.fixture(scope="module")
def vfolder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("validate-config")
    validate_only_config(folder)
    return folder


@pytest.fixture(scope="module")
def vconfig(vfolder):
    from sheetsync.project.config import load_config

    return memory(load_config(vfolder / "config" / "sheetsync.toml"))


def at(config):
    return NOW.replace(tzinfo=config.timezone)


def go(config, backend, dry_run=False):
    return sheetsync.run(config, ["validate"], now=at(config), backend=backend, dry_run=dry_run)


def ours(result):
    """Problems from the tabs' schema checks and from the validate job (not write conflicts)."""
    return [p for p in result.report if p.job in (None, "validate") and p.code != "write_conflict"]


# One row per rule, each breaking exactly that rule: (id, tab, key, column, code, row) ------------------

S = "SKUs"
SKU_CASES = [
    ("purity_metal", "Purity", "purity_metal_mismatch", clean_sku(Metal="Sterling Silver", Purity="14K")),
    ("platinum_karat", "Purity", "purity_metal_mismatch", clean_sku(Metal="Platinum", Purity="18K")),
    (
        "vermeil_not_925",
        "Purity",
        "purity_metal_mismatch",
        clean_sku(Metal="Gold Vermeil", Purity="14K", **{"Layer Karat": "18K", "Layer Thickness (microns)": 2.5}),
    ),
    ("karat_us", "Purity", "karat_below_market", clean_sku(Purity="9K")),
    ("none_has_carat", "Carat Weight", "stone_none_has_details", plain_sku(**{"Carat Weight": 0.1})),
    ("none_has_clarity", "Clarity", "stone_none_has_details", plain_sku(Clarity="VS2")),
    ("stone_blank", "Stone", "stone_missing", plain_sku(Stone=None, Shape="Oval")),
    ("origin_blank", "Stone Origin", "stone_origin_missing", clean_sku(**{"Stone Origin": None})),
    (
        "grade_on_sapphire",
        "Color",
        "grading_not_diamond",
        clean_sku(Stone="Sapphire", Treatment="Heat", Clarity=None, Cut=None, Certificate=None),
    ),
    ("carat_3_places", "Carat Weight", "carat_decimals", clean_sku(**{"Carat Weight": "0.755"})),
    ("cultured_diamond", "Stone Origin", "stone_origin_not_allowed", clean_sku(**{"Stone Origin": "Cultured"})),
    (
        "cz_natural",
        "Stone Origin",
        "stone_origin_not_allowed",
        plain_sku(Stone="Cubic Zirconia", **{"Stone Origin": "Natural"}),
    ),
    ("cut_grade_oval", "Cut", "cut_not_graded", clean_sku(Shape="Oval")),
    (
        "shape_on_pearl",
        "Shape",
        "shape_not_for_stone",
        clean_sku(Stone="Pearl", Shape="Round", Color=None, Clarity=None, Cut=None, Certificate=None),
    ),
    (
        "princess_opal",
        "Shape",
        "shape_not_for_stone",
        clean_sku(Stone="Opal", Shape="Princess", Color=None, Clarity=None, Cut=None, Certificate=None),
    ),
    (
        "vermeil_no_karat",
        "Layer Karat",
        "layer_missing",
        clean_sku(Metal="Gold Vermeil", Purity="925", **{"Layer Thickness (microns)": 2.5}),
    ),
    ("filled_no_fraction", "Layer Fraction", "layer_missing", plain_sku(Metal="Gold Filled", Purity="14K")),
    (
        "vermeil_thin",
        "Layer Thickness (microns)",
        "layer_below_minimum",
        clean_sku(Metal="Gold Vermeil", Purity="925", **{"Layer Karat": "14K", "Layer Thickness (microns)": 1.0}),
    ),
    (
        "filled_thin",
        "Layer Fraction",
        "layer_below_minimum",
        plain_sku(Metal="Gold Filled", Purity="14K", **{"Layer Fraction": "1/40"}),
    ),
    ("layer_on_solid_gold", "Layer Karat", "layer_not_layered", clean_sku(**{"Layer Karat": "14K"})),
    ("uk_no_hallmark", "Hallmarked", "hallmark_missing", clean_sku(Channels="Shopify, NOTHS")),
    # product groups: each case row joins an anchor row of violations_workbook (RG-GRP-001, RG-GRP-002)
    ("group_repeat", "Product Group", "group_option_repeated", clean_sku(**{"Product Group": "Case A"})),
    (
        "group_differs",
        "Collection",
        "group_specs_differ",
        clean_sku(**{"Product Group": "Case B", "Collection": "Aurora", "Ring Size": 7}),
    ),
    ("image_not_a_link", "Image URLs", "image_url_invalid", clean_sku(**{"Image URLs": "www.example.com/a.jpg"})),
    ("carat_zero", "Carat Weight", "not_positive", clean_sku(**{"Carat Weight": 0})),
    ("gia_digits", "Certificate", "certificate_format", clean_sku(Certificate="GIA 12345")),
    ("unknown_lab", "Certificate", "certificate_format", clean_sku(Certificate="ACME 2141438171")),
    ("lab_report_natural", "Certificate", "certificate_origin_mismatch", clean_sku(Certificate="IGI LG512345678")),
    ("no_certificate", "Certificate", "certificate_missing", clean_sku(Certificate=None)),
    (
        "size_on_charm",
        "Ring Size",
        "ring_size_not_ring",
        plain_sku(Category="Charm", **{"Chain Length (in)": None, "Ring Size": 6}),
    ),
    ("size_off_grid", "Ring Size", "ring_size_invalid", clean_sku(**{"Ring Size": 6.3})),
    ("size_too_big", "Ring Size", "ring_size_invalid", clean_sku(**{"Ring Size": 14})),
    ("chain_on_ring", "Chain Length (in)", "chain_length_not_chain", clean_sku(**{"Chain Length (in)": 18})),
    ("chain_unusual", "Chain Length (in)", "chain_length_invalid", plain_sku(**{"Chain Length (in)": 17})),
    (
        "bracelet_chain",
        "Chain Length (in)",
        "chain_length_invalid",
        plain_sku(Category="Bracelet", **{"Chain Length (in)": 9.5}),
    ),
    ("wholesale_above_retail", "Wholesale Price", "price_order", clean_sku(**{"Wholesale Price": 2500})),
    ("cost_above_wholesale", "Cost", "price_order", clean_sku(Cost=1300)),
    ("cost_above_price", "Cost", "price_order", clean_sku(Cost=2600, **{"Wholesale Price": None})),
    ("wholesale_share", "Wholesale Price", "wholesale_share", clean_sku(**{"Wholesale Price": 800})),
    (
        "approved_no_copy",
        "Final Description",
        "final_description_missing",
        clean_sku(**{"Description Status": "Approved"}),
    ),
    ("price_zero", "Price", "not_positive", clean_sku(Price=0)),
    ("metal_weight_zero", "Metal Weight (g)", "not_positive", clean_sku(**{"Metal Weight (g)": 0})),
    ("stock_negative", "Stock", "negative", clean_sku(Stock=-2)),
    ("units_negative", "Units Sold", "negative", clean_sku(**{"Units Sold": -1})),
    # schema checks that come with the typed tab
    ("sku_pattern", "SKU", "bad_pattern", clean_sku(SKU="rg sol 9")),
    ("channel", "Channels", "not_allowed", clean_sku(Channels="Shopify, Amazon")),
    ("clarity_si3", "Clarity", "not_allowed", clean_sku(Clarity="SI3")),
    ("color_grade", "Color", "not_allowed", clean_sku(Color="AA")),
    ("stock_fraction", "Stock", "not_an_integer", clean_sku(Stock="3.5")),
    ("no_name", "Product Name", "required", clean_sku(**{"Product Name": None})),
]

R = "Returns"
RETURN_CASES = [
    ("return_unknown_sku", "SKU", "unknown_sku", clean_return(SKU="RG-XXX-999")),
    ("delivered_before_order", "Delivered On", "date_order", clean_return(**{"Delivered On": "2026-09-28"})),
    ("resolved_before_received", "Resolved On", "date_order", clean_return(**{"Resolved On": "2026-10-15"})),
    (
        "resize_necklace",
        "Request Type",
        "not_resizable",
        clean_return(SKU="NK-TID-001", Reason="Style", Resolution="Store Credit"),
    ),
    (
        "repair_necklace",
        "Request Type",
        "not_repairable",
        clean_return(SKU="NK-TID-001", Reason="Defective", **{"Request Type": "Repair", "Resolution": "Repaired"}),
    ),
    ("resolved_no_resolution", "Resolution", "resolution_incomplete", clean_return(Resolution=None)),
    ("resolved_no_date", "Resolved On", "resolution_incomplete", clean_return(**{"Resolved On": None})),
    (
        "refund_no_amount",
        "Refund Amount",
        "refund_amount_missing",
        clean_return(Reason="Changed Mind", **{"Request Type": "Refund", "Resolution": "Refund"}),
    ),
    (
        "refund_above_price",
        "Refund Amount",
        "refund_above_price",
        clean_return(
            Reason="Changed Mind", **{"Request Type": "Refund", "Resolution": "Refund", "Refund Amount": 2600}
        ),
    ),
    (
        "relisted_no_cert",
        "Relisted",
        "relisted_missing_certificate",
        clean_return(Condition="Missing Certificate", Relisted="Yes"),
    ),
    ("fee_negative", "Restocking Fee", "negative", clean_return(**{"Restocking Fee": -5})),
    ("return_email", "Customer Email", "bad_email", clean_return(**{"Customer Email": "lena@"})),
    ("return_reason", "Reason", "not_allowed", clean_return(Reason="Broken clasp")),
    ("return_type", "Request Type", "not_allowed", clean_return(**{"Request Type": "Swap"})),
]

I = "Influencers"
INFLUENCER_CASES = [
    ("handle_no_at", "Handle", "bad_pattern", clean_influencer(Handle="mia.loves")),
    ("handle_twice", "Handle", "duplicate_key", clean_influencer(Handle="@Lena.Gems")),
    ("platform", "Platform", "not_allowed", clean_influencer(Handle="@ada.edit", Platform="MySpace")),
    ("influencer_email", "Email", "bad_email", clean_influencer(Handle="@iris.edit", Email="iris at studio")),
    ("followers_negative", "Followers", "out_of_range", clean_influencer(Handle="@nora.edit", Followers=-5)),
]

G = "Gifts"
GIFT_CASES = [
    ("gift_unknown_handle", "Handle", "unknown_influencer", clean_gift(Handle="@unknown.creator")),
    ("gift_unknown_sku", "SKU", "unknown_sku", clean_gift(SKU="RG-XXX-999")),
    ("posted_before_delivery", "Posted On", "date_order", clean_gift(**{"Posted On": "2026-10-02"})),
    ("delivered_before_shipping", "Delivered On", "date_order", clean_gift(**{"Delivered On": "2026-09-30"})),
    ("gift_do_not_gift", "Handle", "do_not_gift", clean_gift(Handle="@dng.edit")),
    ("shipped_unconfirmed", "Shipped On", "address_unconfirmed", clean_gift(Handle="@late.edit")),
    (
        "planned_unconfirmed",
        "Handle",
        "address_unconfirmed",
        clean_gift(
            Handle="@noaddr.edit",
            **{
                "Shipped On": None,
                "Carrier": None,
                "Tracking Number": None,
                "Delivered On": None,
                "Post URL": None,
                "Posted On": None,
                "Disclosure": None,
                "Likes": None,
                "Comments": None,
                "Shares": None,
                "Saves": None,
                "Views": None,
            },
        ),
    ),
    (
        "url_wrong_platform",
        "Post URL",
        "post_url_platform",
        clean_gift(**{"Post URL": "https://www.tiktok.com/@lena/video/7312"}),
    ),
    ("no_disclosure", "Disclosure", "disclosure_missing", clean_gift(Disclosure="No")),
    ("blank_disclosure", "Disclosure", "disclosure_missing", clean_gift(Disclosure=None)),
    ("likes_negative", "Likes", "negative", clean_gift(Likes=-3)),
    ("likes_text", "Likes", "not_an_integer", clean_gift(Likes="about 300")),
    ("bad_url", "Post URL", "bad_url", clean_gift(**{"Post URL": "instagram dot com"})),
]


def _keyed(cases, tab):
    """Give each case's row its own key; returns (id, tab, key, column, code, row)."""
    out = []
    for n, (case, column, code, row) in enumerate(cases, start=1):
        row = dict(row)
        if tab == S and case != "sku_pattern":
            row["SKU"] = f"T-{n:03d}"
        elif tab == R:
            row["RMA"] = f"RMA-2026-{100 + n:04d}"
        elif tab == G:
            row["Gift ID"] = f"GFT-{100 + n:04d}"
        out.append((case, tab, row[{S: "SKU", R: "RMA", I: "Handle", G: "Gift ID"}[tab]], column, code, row))
    return out


CASES = _keyed(SKU_CASES, S) + _keyed(RETURN_CASES, R) + _keyed(INFLUENCER_CASES, I) + _keyed(GIFT_CASES, G)


def violations_workbook(config) -> MemoryBackend:
    rows = {
        S: [clean_sku(), plain_sku()]
        + [clean_sku(SKU=f"RG-GRP-00{n}", **{"Product Group": f"Case {g}"}) for n, g in ((1, "A"), (2, "B"))]
        + [c[5] for c in CASES if c[1] == S],
        R: [clean_return()] + [c[5] for c in CASES if c[1] == R],
        I: [
            clean_influencer(),
            clean_influencer(Handle="@dng.edit", Status="Do Not Gift"),
            clean_influencer(Handle="@late.edit", **{"Address Confirmed On": "2026-10-20"}),
            clean_influencer(Handle="@noaddr.edit", **{"Address Confirmed On": None}),
        ]
        + [c[5] for c in CASES if c[1] == I],
        G: [clean_gift()] + [c[5] for c in CASES if c[1] == G],
    }
    return memory_workbook(config, rows)


@pytest.fixture(scope="module")
def violations(vconfig):
    backend = violations_workbook(vconfig)
    before = {tab: [list(r) for r in backend.values(tab)] for tab in (S, R, I, G)}
    return backend, before, go(vconfig, backend)


def _sheet_row(values, tab_key_col, key, last=False):
    rows = [i for i, r in enumerate(values[1:], start=2) if len(r) > tab_key_col and r[tab_key_col] == key]
    return rows[-1] if last else rows[0]


@pytest.mark.parametrize("case,tab,key,column,code,row", CASES, ids=[c[0] for c in CASES])
def test_every_rule_flags_its_cell(violations, case, tab, key, column, code, row):
    backend, before, result = violations
    values = before[tab]
    headers = values[0]
    key_col = headers.index({S: "SKU", R: "RMA", I: "Handle", G: "Gift ID"}[tab])
    sheet_row = _sheet_row(values, key_col, key, last=(code == "duplicate_key"))
    cell = a1(sheet_row, headers.index(column) + 1)
    on_row = [p for p in ours(result) if p.tab == tab and p.row == sheet_row]
    assert [(p.code, p.cell) for p in on_row if p.code == code] == [(code, cell)]
    assert {p.code for p in on_row} == {code}, "the row breaks one rule only"
    # the offending cell carries a note and a highlight; the row's Issues cell has the line
    assert (sheet_row, headers.index(column) + 1) in backend.tabs[tab].notes
    assert backend.tabs[tab].fills[(sheet_row, headers.index(column) + 1)] in FILLS.values()
    issues = backend.values(tab)[sheet_row - 1][headers.index("Issues")]
    assert issues.startswith(f"{column}: ")


def test_base_rows_of_the_violations_workbook_are_clean(violations):
    _, _before, result = violations
    keys = {
        "RG-SOL-001",
        "NK-TID-001",
        "RMA-2026-0001",
        "@lena.gems",
        "@dng.edit",
        "@late.edit",
        "@noaddr.edit",
        "GFT-0001",
    }
    assert [p for p in ours(result) if p.key in keys] == []


def test_every_reason_code_has_a_case(vconfig):
    RULES = sheetsync.load_project(vconfig).module("validate").RULES

    assert RULES
    assert {str(r.code) for r in RULES} <= {c[4] for c in CASES}


def test_rules_can_be_switched_off_and_their_severity_changed(vconfig):
    import dataclasses

    from sheetsync.project.config import freeze

    policies = {**dict(vconfig.policies.items())}
    validate = dict(policies["validate"])
    validate.update(disabled=("wholesale_share",), severity={"price_order": "warning"})
    cfg = dataclasses.replace(vconfig, policies=freeze({**policies, "validate": validate}))
    backend = memory_workbook(
        cfg,
        {S: [clean_sku(SKU="A-001", **{"Wholesale Price": 800}), clean_sku(SKU="A-002", **{"Wholesale Price": 2500})]},
    )
    result = go(cfg, backend)
    assert [(p.key, p.code, str(p.severity)) for p in ours(result)] == [("A-002", "price_order", "warning")]


# Clean rows typed the way people type ---------------------------------------------------------------


def people_style(config):
    """Clean rows with shuffled columns, blank rows, a formula column, and people's spellings."""
    skus = [
        clean_sku(
            Purity="14k",
            Price="$2,450.00",
            Cost=" 700 ",
            **{"Launch Date": "3/4/2026", "Metal": "yellow gold ", "Carat Weight": "0.75", "Channels": "shopify,etsy"},
        ),
        plain_sku(
            **{
                "Product Name": "Tidal Chain Necklace  ",
                "Purity": "Sterling",
                "Price": "$180.00",
                "Wholesale Price": "90",
                "Chain Length (in)": "18",
            }
        ),
        clean_sku(
            SKU="RG-AUR-014",
            Metal="Platinum",
            Purity="Pt 950",
            **{
                "Stone Origin": "lab grown",
                "Certificate": "IGI LG512345678",
                "Ring Size": "7.25",
                "Price": 3100,
                "Wholesale Price": "$1,550.00",
                "Cost": "$820.50",
                "Launch Date": "2026-03-04",
                "Description Status": "Published",
                "Final Description": "The Aurora ring in 950 platinum with a 0.75 ct tw lab-grown diamond.",
            },
        ),
        clean_sku(
            SKU="ER-PET-003",
            Category="Earrings",
            Metal="Rose Gold",
            Purity="18 kt",
            Stone="Pearl",
            Treatment="None",
            Shape=None,
            Color=None,
            Clarity=None,
            Cut=None,
            Certificate=None,
            **{
                "Ring Size": None,
                "Carat Weight": None,
                "Stone Count": 2,
                "Price": "1,250",
                "Cost": 300,
                "Wholesale Price": 625,
            },
        ),
        clean_sku(
            SKU="BR-MER-020",
            Category="Bracelet",
            Metal="Gold Vermeil",
            Purity="925",
            Stone="None",
            **{
                "Layer Karat": "18kt",
                "Layer Thickness (microns)": "2.5",
                "Stone Origin": None,
                "Treatment": None,
                "Shape": None,
                "Carat Weight": None,
                "Stone Count": None,
                "Color": None,
                "Clarity": None,
                "Cut": None,
                "Certificate": None,
                "Ring Size": None,
                "Chain Length (in)": "7.5",
                "Price": 240,
                "Cost": 60,
                "Wholesale Price": 120,
            },
        ),
        clean_sku(
            SKU="NK-EMB-021",
            Category="Pendant",
            Metal="Gold Filled",
            Purity="14K",
            Stone="Topaz",
            Treatment="Irradiated",
            Color=None,
            Clarity=None,
            Cut=None,
            Certificate=None,
            **{
                "Layer Fraction": "1/20",
                "Ring Size": None,
                "Chain Length (in)": 16,
                "Carat Weight": "1.25",
                "Price": 210,
                "Cost": 52,
                "Wholesale Price": 105,
            },
        ),
        clean_sku(
            SKU="CH-LUN-022",
            Category="Charm",
            Metal="Gold Plated",
            Purity="925",
            Stone="Other",
            **{
                "Stone Origin": "Simulated",
                "Color": None,
                "Clarity": None,
                "Cut": None,
                "Certificate": None,
                "Ring Size": None,
                "Carat Weight": "0.10",
                "Price": 95,
                "Cost": 20,
                "Wholesale Price": 47.5,
            },
        ),
        clean_sku(
            SKU="RG-HEI-023",
            Metal="Yellow Gold",
            Purity="10K",
            Stone="Diamond",
            **{
                "Carat Weight": "0.25",
                "Certificate": None,
                "Ring Size": 5,
                "Price": 640,
                "Cost": 150,
                "Wholesale Price": 320,
            },
        ),
    ]
    for row in skus:
        row["Margin"] = Formula("=1+1")  # the team's own formula column
    returns = [
        clean_return(**{"Order Date": "10/1/2026", "Delivered On": "Oct 5, 2026", "Customer": "Lena Marsh "}),
        clean_return(
            RMA=None,
            SKU="NK-TID-001",
            Reason="colour",
            **{
                "Request Type": "Refund",
                "Status": "Resolved",
                "Resolution": "refunded",
                "Refund Amount": "$153.00",
                "Restocking Fee": "$27.00",
                "Relisted": "yes",
            },
        ),
    ]
    influencers = [
        clean_influencer(Platform="IG"),
        clean_influencer(
            Handle="@maya.sparkle",
            Platform="TikTok",
            Email="maya@okaforstudio.com",
            **{"Address Confirmed On": "5/1/2026"},
        ),
    ]
    gifts = [
        clean_gift(**{"Shipped On": "10/1/2026", "Gift Value": "$700.00", "Disclosure": "yes"}),
        clean_gift(
            **{
                "Gift ID": None,
                "Handle": "@Maya.Sparkle",
                "SKU": "NK-TID-001",
                "Post URL": "https://www.tiktok.com/@maya.sparkle/video/7312",
                "Gift Value": None,
            }
        ),
        clean_gift(
            **{
                "Gift ID": "GFT-0003",
                "Shipped On": None,
                "Carrier": None,
                "Tracking Number": None,
                "Delivered On": None,
                "Post URL": None,
                "Posted On": None,
                "Disclosure": None,
                "Likes": None,
                "Comments": None,
                "Shares": None,
                "Saves": None,
                "Views": None,
            }
        ),
    ]
    data = {}
    rng = random.Random(4)
    for tab, rows in ((S, skus), (R, returns), (I, influencers), (G, gifts)):
        headers = grid(config, tab, rows)[0]
        rng.shuffle(headers)
        cells = grid(config, tab, rows, headers)
        cells.insert(2, [None] * len(headers))  # a blank row between people's rows
        cells.append([""] * len(headers))
        data[tab] = cells
    data["Outbox"] = grid(config, "Outbox", [])  # job-owned: sheetsync init creates it
    return MemoryBackend(data)


def test_clean_rows_in_peoples_styles_raise_no_flag(vconfig):
    backend = people_style(vconfig)
    result = go(vconfig, backend)
    assert ours(result) == []
    assert not any(backend.tabs[t].notes for t in (S, R, I, G))
    for tab in (S, R, I, G):
        assert all(not r.get("Issues") for r in records(backend, tab))


# Fixing a problem and running again -------------------------------------------------------------------


def _grid_without(backend, tab, skip):
    return [
        [v for c, v in enumerate(row, start=1) if (r, c) not in skip]
        for r, row in enumerate(backend.values(tab), start=1)
    ]


def test_fix_and_rerun_clears_line_highlight_and_note_only(vconfig):
    backend = memory_workbook(
        vconfig,
        {S: [clean_sku(), clean_sku(SKU="RG-SOL-002", Metal="Sterling Silver"), clean_sku(SKU="RG-SOL-003", Stock=-1)]},
    )
    first = go(vconfig, backend)
    tab = backend.tabs[S]
    headers = backend.values(S)[0]
    purity, issues, stock = (headers.index(h) + 1 for h in ("Purity", "Issues", "Stock"))
    flagged = [p for p in ours(first) if p.row == 3]
    assert [(p.code, p.column) for p in flagged] == [("purity_metal_mismatch", "Purity")]
    assert backend.values(S)[2][issues - 1] == f"Purity: {flagged[0].message}"
    assert set(tab.notes) == {(3, purity), (4, stock)}
    assert tab.fills == {(3, purity): FILLS["error"], (4, stock): FILLS["warning"]}
    snapshot = [list(r) for r in backend.values(S)]

    tab.values[2][purity - 1] = "925"  # a person fixes the purity
    result = go(vconfig, backend)
    after = backend.values(S)
    assert len(after[2]) < issues or after[2][issues - 1] in (None, "")
    assert set(tab.notes) == {(4, stock)} and set(tab.fills) == {(4, stock)}
    width = max(len(r) for r in snapshot + after)
    pad = lambda rows: [list(r) + [None] * (width - len(r)) for r in rows]
    changed = {
        (r, c)
        for r, (old, new) in enumerate(zip(pad(snapshot), pad(after)), start=1)
        for c, (a, b) in enumerate(zip(old, new), start=1)
        if a != b
    }
    assert len(after) == len(snapshot)
    assert changed == {(3, purity), (3, issues)}
    assert [c.column for c, _ in result.written] == ["Issues"]


@pytest.mark.slow
def test_xlsx_fill_and_comment_come_and_go_and_a_persons_own_survive(vconfig, tmp_path):
    import dataclasses

    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(vconfig, target=str(path))
    init(cfg, XlsxBackend(path), {S: [clean_sku(), clean_sku(SKU="RG-SOL-002", Metal="Sterling Silver")]})
    book = openpyxl.load_workbook(path)
    sheet = book[S]
    headers = [c.value for c in sheet[1]]
    purity, name, issues = (headers.index(h) + 1 for h in ("Purity", "Product Name", "Issues"))
    sheet.cell(2, name).comment = Comment("check the name with Claire", "Ava")
    sheet.cell(2, name).fill = PatternFill("solid", fgColor="C9DAF8")  # a person's own colours
    sheet.cell(3, name).fill = PatternFill("solid", fgColor="D9EAD3")
    book.save(path)

    result = sheetsync.run(cfg, ["validate"], now=at(cfg), backend=XlsxBackend(path))
    assert [(p.code, p.cell) for p in ours(result)] == [("purity_metal_mismatch", a1(3, purity))]
    problem = ours(result)[0]
    sheet = openpyxl.load_workbook(path)[S]
    flagged = sheet.cell(3, purity)
    assert flagged.comment is not None and flagged.comment.author == "sheetsync"
    assert problem.message in flagged.comment.text
    assert str(flagged.fill.fgColor.rgb).endswith(FILLS["error"])
    assert sheet.cell(3, issues).value == f"Purity: {problem.message}"
    assert sheet.cell(2, purity).comment is None and sheet.cell(2, purity).fill.fill_type is None

    book = openpyxl.load_workbook(path)
    book[S].cell(3, purity).value = "925"
    book.save(path)
    sheetsync.run(cfg, ["validate"], now=at(cfg), backend=XlsxBackend(path))
    sheet = openpyxl.load_workbook(path)[S]
    fixed = sheet.cell(3, purity)
    assert fixed.comment is None and fixed.fill.fill_type is None
    assert sheet.cell(3, issues).value in (None, "")
    assert sheet.cell(2, name).comment.text.startswith("check the name") and sheet.cell(2, name).comment.author == "Ava"
    assert str(sheet.cell(2, name).fill.fgColor.rgb).endswith("C9DAF8")
    assert str(sheet.cell(3, name).fill.fgColor.rgb).endswith("D9EAD3")


@pytest.mark.slow
def test_xlsx_never_paints_over_a_persons_colour(vconfig, tmp_path):
    import dataclasses

    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(vconfig, target=str(path))
    init(cfg, XlsxBackend(path), {S: [clean_sku(Metal="Sterling Silver")]})
    book = openpyxl.load_workbook(path)
    purity = [c.value for c in book[S][1]].index("Purity") + 1
    book[S].cell(2, purity).fill = PatternFill("solid", fgColor="C9DAF8")
    book.save(path)
    sheetsync.run(cfg, ["validate"], now=at(cfg), backend=XlsxBackend(path))
    cell = openpyxl.load_workbook(path)[S].cell(2, purity)
    assert cell.comment is not None and str(cell.fill.fgColor.rgb).endswith("C9DAF8")


# The demo's deliberate mistakes ---------------------------------------------------------------------


def test_every_demo_mistake_is_flagged(vconfig, demo_rows):
    MISTAKES = sheetsync.load_project(vconfig).module("demo").MISTAKES

    backend = memory_workbook(vconfig, demo_rows)
    problems = ours(go(vconfig, backend))
    assert MISTAKES
    for mistake in MISTAKES:
        if mistake.key.startswith("row "):
            found = [p for p in problems if p.tab == mistake.tab and p.row == int(mistake.key[4:])]
        else:
            found = [
                p
                for p in problems
                if p.tab == mistake.tab
                and p.key is not None
                and p.key.split("#")[0].casefold() == mistake.key.casefold()
            ]
        hits = [p for p in found if p.column == mistake.column and p.code in mistake.codes]
        assert hits and all(p.cell for p in hits), f"not flagged: {mistake}"


def test_demo_rows_without_mistakes_are_clean(vconfig, demo_rows):
    MISTAKES = sheetsync.load_project(vconfig).module("demo").MISTAKES

    planted = {(m.tab, m.key.casefold()) for m in MISTAKES}
    planted_rows = {(m.tab, int(m.key[4:])) for m in MISTAKES if m.key.startswith("row ")}  # rows without a key
    backend = memory_workbook(vconfig, demo_rows)
    problems = ours(go(vconfig, backend))
    assert problems
    unexpected = [
        p
        for p in problems
        if (p.tab, (p.key or "").split("#")[0].casefold()) not in planted and (p.tab, p.row) not in planted_rows
    ]
    assert unexpected == []


# The CLI ----------------------------------------------------------------------------------------------


@pytest.fixture
def cli_book(vconfig, vfolder, tmp_path):
    import dataclasses

    path = tmp_path / "cli.xlsx"
    init(
        dataclasses.replace(vconfig, target=str(path)),
        XlsxBackend(path),
        {S: [clean_sku(), clean_sku(SKU="RG-SOL-002", Metal="Sterling Silver")]},
    )
    return ["--config", str(vfolder / "config" / "sheetsync.toml"), "--workbook", str(path)], path


def test_cli_json(cli_book, vconfig):
    args, _ = cli_book
    result = CliRunner().invoke(main, args + ["validate", "--format", "json", "--now", "2026-11-26T09:00"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    purity = a1(3, list(vconfig.schema(S).headers).index("Purity") + 1)  # the book's columns are the schema's
    assert [(r["code"], r["cell"], r["severity"], r["tab"], r["row"], r["column"]) for r in rows] == [
        ("purity_metal_mismatch", purity, "error", "SKUs", 3, "Purity")
    ]
    assert set(rows[0]) == set(COLUMNS) and rows[0]["value"] == "14K"


def test_cli_csv_and_strict(cli_book):
    args, _ = cli_book
    result = CliRunner().invoke(main, args + ["validate", "--format", "csv", "--strict"])
    assert result.exit_code == 3
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert list(table[0]) == COLUMNS and [r["code"] for r in table] == ["purity_metal_mismatch"]


def test_cli_table_and_dry_run_writes_nothing(cli_book):
    args, path = cli_book
    before = path.read_bytes()
    result = CliRunner().invoke(main, args + ["validate", "--dry-run"])
    assert result.exit_code == 0
    assert "1 problem(s) found (1 error(s), 0 warning(s))" in result.output
    assert "[purity_metal_mismatch]" in result.output and "Dry run" in result.output
    assert path.read_bytes() == before


@pytest.mark.slow
def test_cli_strict_passes_a_clean_workbook(vconfig, vfolder, tmp_path):
    import dataclasses

    path = tmp_path / "clean.xlsx"
    init(dataclasses.replace(vconfig, target=str(path)), XlsxBackend(path), {S: [clean_sku(), plain_sku()]})
    args = ["--config", str(vfolder / "config" / "sheetsync.toml"), "--workbook", str(path)]
    for fmt in ("table", "json", "csv"):
        result = CliRunner().invoke(main, args + ["validate", "--strict", "--format", fmt])
        assert result.exit_code == 0, result.output
    assert json.loads(CliRunner().invoke(main, args + ["validate", "--format", "json"]).output) == []


def test_report_dataframe_has_one_row_per_problem(vconfig):
    backend = violations_workbook(vconfig)
    report = sheetsync.Report(ours(go(vconfig, backend, dry_run=True)))
    frame = report.to_dataframe()
    assert list(frame.columns) == COLUMNS and len(frame) == len(report)
    assert set(frame["code"]) >= {c[4] for c in CASES}
    assert frame["cell"].notna().all()


def test_the_same_reason_at_the_same_cell_from_two_jobs_shows_once():
    from sheetsync.engine.plan import distinct
    from sheetsync.model.problems import Problem

    one = Problem(
        "Gifts", "disclosure_missing", "No on a published post", key="GFT-0001", column="Disclosure", job="validate"
    )
    two = Problem(
        "Gifts", "disclosure_missing", "No on a posted gift", key="GFT-0001", column="Disclosure", job="overdue"
    )
    other = Problem("Gifts", "negative", "-3 is below zero", key="GFT-0001", column="Likes", job="validate")
    assert distinct(sheetsync.Report([one, two, other])) == [one, other]


def test_new_vocabulary_words_and_aliases_parse(vconfig):
    """583 and 917 purity marks, Cultured pearls, cubic zirconia typed as CZ, rolled gold plate as RGP, layer
    karats, a Hallmarked flag and Made to Order: typed as people type them, read as the allowed words."""
    rows = [
        clean_sku(SKU="A-583", Purity="583"),
        clean_sku(SKU="A-917", Purity="917", Certificate="GIA 2141438172"),
        clean_sku(
            SKU="A-PRL",
            Stone="Pearl",
            Shape=None,
            Color=None,
            Clarity=None,
            Cut=None,
            Certificate=None,
            **{"Stone Origin": "cultivated", "Made to Order": "yes", "Stock": 0},
        ),
        plain_sku(SKU="A-CZ", Stone="CZ", **{"Stone Origin": "Imitation", "Carat Weight": 0.5, "Stone Count": 1}),
        plain_sku(SKU="A-RGP", Metal="RGP", Purity="12 kt", **{"Layer Fraction": "1/40"}),
        plain_sku(
            SKU="A-VER",
            Metal="Vermeil",
            Purity="925",
            Channels="Shopify, NOTHS",
            **{"Layer Karat": "750", "Layer Thickness (microns)": "3", "Hallmarked": "Yes"},
        ),
    ]
    backend = memory_workbook(vconfig, {S: rows})
    result = go(vconfig, backend)
    assert [p.line for p in ours(result)] == []
    from sheetsync.model.grid import TabData
    from sheetsync.model.tab import build_tab

    tab = build_tab(TabData(S, backend.values(S)), vconfig.schema(S), vconfig.parse)
    got = {r.key: r for r in tab}
    assert got["A-583"]["Purity"] == "14K" and got["A-917"]["Purity"] == "22K"
    assert got["A-PRL"]["Stone Origin"] == "Cultured" and got["A-PRL"]["Made to Order"] is True
    assert (got["A-CZ"]["Stone"], got["A-CZ"]["Stone Origin"]) == ("Cubic Zirconia", "Simulated")
    assert (got["A-RGP"]["Metal"], got["A-RGP"]["Purity"]) == ("Rolled Gold Plate", "12K")
    assert got["A-VER"]["Layer Karat"] == "18K" and got["A-VER"]["Hallmarked"] is True
