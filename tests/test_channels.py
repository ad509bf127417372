"""Channel files the platforms accept: product groups, images, Etsy payloads, pounds and UK sizes, hallmarks,
the Faire line sheet, every file checked by its platform's validator, completeness, and the exports job."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from conftest import memory_workbook, records
from test_export import approved

from jobs.channels.sizes import uk_chart, uk_size, us_diameter
from jobs.channels.validators import VALIDATORS, check_file
from sheetsync.engine.run import inspect
from sheetsync.export import build, export

CHANNELS = ("shopify", "etsy", "noths", "wholesale")
IMG = "https://cdn.example.com/p"


def ring(sku, size, **extra):
    """A ring of the Luna group: same specs, its own size."""
    row = approved(
        sku,
        **{
            "Product Name": "Luna Ring",
            "Category": "Ring",
            "Chain Length (in)": None,
            "Ring Size": Decimal(size),
            "Product Group": "Luna Ring",
            "Image URLs": f"{IMG}/{sku.lower()}-1.jpg\n{IMG}/luna-2.jpg",
            "Final Description": "Crafted in 14K yellow gold with 0.75 ct of oval natural sapphire, heat-treated.",
        },
    )
    row.update(extra)
    return row


def grouped_book(config, *more):
    rows = [ring("RG-LUN-001", "5"), ring("RG-LUN-002", "6"), ring("RG-LUN-003", "7"), ring("RG-LUN-004", "8")]
    rows.append(approved("PD-VER-001", **{"Metal": "Gold Vermeil", "Purity": "925", "Layer Karat": "18K",
                "Layer Thickness (microns)": Decimal("2.5"), "Metal Weight (g)": Decimal("9"), "Hallmarked": None,
                "Final Description": "Crafted in 18K gold vermeil over sterling silver with 0.75 ct of oval natural "
                "sapphire, heat-treated."}))  # fmt: skip
    return memory_workbook(config, {"SKUs": rows + list(more)})


def files(config, backend, now):
    return {ch: export(config, ch, None, now=now, backend=backend) for ch in CHANNELS}


def parsed(result):
    if result.format == "jsonl":
        return [json.loads(line) for line in result.text().splitlines()]
    return list(csv.DictReader(io.StringIO(result.text())))


@pytest.mark.slow
def test_every_demo_file_passes_its_platform_validator(config, project, demo_rows, now):
    backend = memory_workbook(config, demo_rows)
    snap = inspect(config, now=now, backend=backend, project=project)
    results = build(config, snap.tabs, snap.report, snap.outputs, now, project)
    for channel, result in results.items():
        assert result.rows, channel
        assert check_file(channel, result.headers, result.text()) == [], channel
    shopify = parsed(results["shopify"])
    group = [r for r in shopify if r["SKU"].startswith("RG-LUN-148")]
    assert len(group) == 4 and len({r["URL handle"] for r in group}) == 1 and sum(bool(r["Title"]) for r in group) == 1
    noths = results["noths"]
    assert "PD-AUR-150" not in [r.key for r in noths.rows]
    assert [str(p.code) for p in noths.left_out["PD-AUR-150"]] == ["hallmark_missing"]
    assert "PD-AUR-150" in [r.key for r in results["shopify"].rows]


def test_a_ring_in_four_sizes_is_one_product_everywhere_it_groups(config, now):
    got = files(config, grouped_book(config), now)
    for channel, result in got.items():
        assert check_file(channel, result.headers, result.text()) == [], channel
    shop = parsed(got["shopify"])
    luna = [r for r in shop if r["URL handle"] == "luna-ring"]
    variants = [r for r in luna if r["SKU"]]
    assert [r["Option1 value"] for r in variants] == ["5", "6", "7", "8"]
    assert {r["Option1 name"] for r in variants} == {"Ring size"}
    assert [bool(r["Title"]) for r in variants] == [True, False, False, False]  # one product row, then variants
    photos = [r for r in luna if not r["SKU"]]
    assert [r["Image position"] for r in photos] == [str(n) for n in range(2, 2 + len(photos))] and photos
    assert all("Luna Ring in 14K yellow gold" in r["Image alt text"] for r in photos)
    assert luna[0]["Ring size (product.metafields.shopify.ring-size)"] == "5; 6; 7; 8"
    etsy = [line for line in parsed(got["etsy"]) if line["sku"].startswith("RG-LUN")]
    assert len(etsy) == 1 and etsy[0]["skus"] == ["RG-LUN-001", "RG-LUN-002", "RG-LUN-003", "RG-LUN-004"]
    body = etsy[0]["createDraftListing"]
    assert body["quantity"] == 12 and body["taxonomy_id"] == config.policies["export"]["etsy_taxonomy_ids"]["Ring"]
    assert body["when_made"] == "2020_2026" and body["who_made"] == "i_did" and body["is_supply"] is False
    assert next(v["options"] for v in etsy[0]["variations"]) == {"Ring size": "5"}
    noths = {r["SKU"]: r for r in parsed(got["noths"])}
    assert noths["RG-LUN-003"]["Currency"] == "GBP" and noths["RG-LUN-003"]["Ring Size (UK)"] == "O"
    assert noths["RG-LUN-001"]["Ring Size (UK)"] == "J½" and noths["RG-LUN-002"]["Ring Size (UK)"] == "M"
    assert Decimal(noths["RG-LUN-001"]["Price"]) == Decimal("775.00")  # 980 x 0.79 = 774.20, up to £5
    assert "at 0.79 GBP" in noths["RG-LUN-001"]["Price Source"]
    assert "PD-VER-001" not in noths  # 9 g of vermeil (a silver article) needs a hallmark: NOTHS only
    assert [str(p.code) for p in got["noths"].left_out["PD-VER-001"]] == ["hallmark_missing"]
    assert "PD-VER-001" in [r.key for r in got["shopify"].rows] and "PD-VER-001" in [r.key for r in got["etsy"].rows]
    sheet = parsed(got["wholesale"])[0]
    assert sheet["Minimum Order Quantity"] == "2" and sheet["Made In"] == "United States"


def test_pound_prices_from_the_column_win_and_out_of_stock_leaves_etsy(config, now):
    book = grouped_book(config, approved("PD-GBP-001", **{"GBP Price": "£650", "Stock": 0}))
    got = files(config, book, now)
    noths = {r["SKU"]: r for r in parsed(got["noths"])}
    assert noths["PD-GBP-001"]["Price"] == "650.00" and noths["PD-GBP-001"]["Price Source"] == "GBP Price column"
    assert [str(p.code) for p in got["etsy"].left_out["PD-GBP-001"]] == ["out_of_stock"]


def test_a_variant_the_description_misstates_is_left_out_of_the_product(config, now):
    odd = ring("RG-LUN-005", "9", Treatment="None")  # the group's copy says heat-treated
    got = files(config, grouped_book(config, odd), now)
    assert "RG-LUN-005" not in [r.key for r in got["shopify"].rows]
    assert got["shopify"].left_out["RG-LUN-005"]


def test_uk_sizes_go_through_millimetres():
    chart = {"M": Decimal("16.51"), "N": Decimal("16.91"), "O": Decimal("17.32")}
    assert us_diameter(Decimal(7)) == Decimal("17.3196")
    assert uk_size(Decimal(7), chart) == "O" and uk_size(Decimal(6), chart) == "M"
    assert uk_size(Decimal("6.25"), chart) == "N"  # 16.71 mm: halfway, the larger letter
    assert uk_size(Decimal(13), chart) is None  # 22.2 mm is off this chart: no guess


def test_validators_catch_what_the_platforms_reject():
    bad_shop = [{"Title": "", "URL handle": "Luna Ring", "SKU": "A", "Price": "1,200", "Status": "live",
                 "Option1 name": "Size", "Option1 value": ""}]  # fmt: skip
    codes = {f.code for f in VALIDATORS["shopify"](["Title", "URL handle"], bad_shop)}
    assert {"bad_handle", "missing_title", "bad_price", "bad_status", "missing_option_value"} <= codes
    bad_etsy = [{"createDraftListing": {"quantity": 0, "title": "Ring % 50% off: gold & silver & more", "price": 10,
                 "who_made": "me", "when_made": "2020_2026", "taxonomy_id": 1, "description": "x",
                 "tags": ["a" * 21], "materials": ["14K gold!"]}}]  # fmt: skip
    codes = {f.code for f in VALIDATORS["etsy"]([], bad_etsy)}
    assert {"bad_quantity", "bad_enum", "bad_title", "bad_tag", "bad_material", "missing_field"} <= codes
    bad_noths = [{"Currency": "USD", "Price": "12.345", "Ring Size (UK)": "7", "Hallmarked": ""}]
    assert {f.code for f in VALIDATORS["noths"]([], bad_noths)} == {"not_gbp", "bad_price", "bad_uk_size",
                                                                    "missing_hallmark"}  # fmt: skip
    bad_sheet = [{"Wholesale Price": "600", "Retail Price (MSRP)": "500", "Minimum Order Quantity": "1",
                  "Case Pack": "6"}]  # fmt: skip
    assert {f.code for f in VALIDATORS["wholesale"]([], bad_sheet)} == {"bad_wholesale", "bad_minimum"}


def test_group_and_image_rules(config, run_jobs):
    rows = [ring("RG-LUN-001", "5"), ring("RG-LUN-002", "5"), ring("RG-LUN-003", "6", Stone="Ruby"),
            approved("PD-TST-009", **{"Image URLs": "www.example.com/a.jpg"})]  # fmt: skip
    result = run_jobs(memory_workbook(config, {"SKUs": rows}), ["validate"], dry_run=True)
    found = {(p.sheet_key or p.key, str(p.code)) for p in result.report}
    assert ("RG-LUN-002", "group_option_repeated") in found
    assert ("RG-LUN-003", "group_specs_differ") in found
    assert ("PD-TST-009", "image_url_invalid") in found


def test_completeness_column_and_catalog_section(config, run_jobs, project):
    backend = grouped_book(config)
    run_jobs(backend, ["validate", "describe", "completeness", "summaries"])
    cells = {r["SKU"]: r["Completeness"] for r in records(backend, "SKUs")}
    lines = dict(line.split(" ", 1) for line in cells["PD-VER-001"].split("\n"))
    assert lines["NOTHS"].startswith(tuple(str(n) for n in range(10))) and "hallmark*" in lines["NOTHS"]
    assert "images" in lines["Shopify"] and lines["Shopify"].endswith("images")
    assert cells["RG-LUN-001"].split("\n")[0] == "Shopify 100%"
    summary = [row for row in backend.values("Summary - Catalog") if row and row[0]]
    titles = [row[0] for row in summary]
    assert "Completeness by channel" in titles
    noths = next(row for row in summary if row[0] == "NOTHS")
    assert noths[1] == 5 and noths[4] == 1  # 5 SKUs on NOTHS, 1 kept out (the unhallmarked pendant)


def test_the_exports_job_writes_every_file_and_a_manifest(config, run_jobs, tmp_path):
    import dataclasses

    cfg = dataclasses.replace(config, policies={**config.policies, "exports": {"folder": str(tmp_path / "out")}})
    backend = grouped_book(config)
    before = backend.values("SKUs")
    result = run_jobs(backend, None, cfg=cfg)
    assert "exports" not in result.outcomes and not (tmp_path / "out").exists()  # on demand: not in "every job"
    dry = run_jobs(backend, ["exports"], cfg=cfg, dry_run=True)
    assert dry.outcomes["exports"].status == "ok" and not (tmp_path / "out").exists()  # a dry run writes no file
    assert set(dry.output("exports", "manifest")["channels"]) == set(CHANNELS)
    result = run_jobs(backend, ["exports"], cfg=cfg)
    assert result.outcomes["exports"].status == "ok", result.outcomes["exports"].error
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert set(manifest["channels"]) == set(CHANNELS)
    assert manifest["channels"]["etsy"]["file"] == "etsy.jsonl"
    assert all(not entry["file_check"] for entry in manifest["channels"].values())
    why = {e["sku"]: e["code"] for e in manifest["channels"]["noths"]["left_out"]}
    assert why["PD-VER-001"] == "hallmark_missing"
    assert (tmp_path / "out" / "shopify.csv").read_text(encoding="utf-8-sig").startswith("Title,URL handle")
    assert backend.values("SKUs")[1:] == before[1:] or not result.cells_written  # the job wrote no cell


def test_the_uk_chart_in_config_is_ordered_by_size(config):
    chart = uk_chart(config)
    letters = [k for k, _ in sorted(chart.items(), key=lambda kv: kv[1])]
    assert letters[0] == "A" and letters[-1] == "Z" and len(letters) == len(set(chart.values()))
