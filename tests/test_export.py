"""Channel exports: Shopify CSV re-reads with its headers, formula-like text is neutralised, channels agree."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from decimal import Decimal

from click.testing import CliRunner
from conftest import memory_workbook

from sheetsync.backends.memory import MemoryBackend
from sheetsync.cli import main
from sheetsync.export import ExportRow, consistency, export, neutralise, to_csv

SHOPIFY = [
    "Title",
    "URL handle",
    "Description",
    "Vendor",
    "Product category",
    "Type",
    "Tags",
    "Published on online store",
    "Status",
    "SKU",
    "Barcode",
    "Option1 name",
    "Option1 value",
    "Price",
    "Compare-at price",
    "Cost per item",
    "Charge tax",
    "Inventory tracker",
    "Inventory quantity",
    "Continue selling when out of stock",
    "Weight value (grams)",
    "Weight unit for display",
    "Requires shipping",
    "Fulfillment service",
    "Product image URL",
    "Image position",
    "Image alt text",
    "SEO title",
    "SEO description",
]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle)), handle


def approved(sku, **extra):
    row = {
        "SKU": sku,
        "Product Name": "Test Pendant",
        "Collection": "Luna",
        "Category": "Pendant",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "Sapphire",
        "Stone Origin": "Natural",
        "Treatment": "Heat",
        "Shape": "Oval",
        "Carat Weight": Decimal("0.75"),
        "Stone Count": 1,
        "Metal Weight (g)": Decimal("2.4"),
        "Chain Length (in)": Decimal("18"),
        "Price": 980,
        "Cost": 260,
        "Wholesale Price": 490,
        "Stock": 3,
        "Channels": "Shopify, Etsy, NOTHS, Wholesale",
        "Hallmarked": "Yes",  # sold on NOTHS (UK) as gold over 1 g
        "Description Status": "Published",
        "Approved On": "10/1/2026",
        "Final Description": "Crafted in 14K yellow gold with 0.75 ct tw of oval natural sapphire, heat-treated.",
    }
    row.update(extra)
    return row


def test_shopify_csv_rereads_with_headers_and_one_row_per_sku(config, demo_rows, tmp_path, now):
    backend = memory_workbook(config, demo_rows)
    result = export(config, "shopify", tmp_path / "shopify.csv", now=now, backend=backend)
    rows, handle = read_csv(tmp_path / "shopify.csv")
    assert handle.name and list(rows[0].keys()) == SHOPIFY
    expected = {
        r["SKU"]
        for r in demo_rows["SKUs"]
        if r["Description Status"] in ("Approved", "Published") and "Shopify" in r["Channels"]
    }
    skipped = {p.key for p in result.problems if p.code == "export_skipped"}
    assert skipped and skipped <= expected
    assert sorted(r["SKU"] for r in rows) == sorted(expected - skipped)
    assert len({r["URL handle"] for r in rows}) == len(rows)
    for r in rows:
        assert r["Status"] in ("active", "draft")
        assert r["URL handle"] == r["URL handle"].lower() and " " not in r["URL handle"]
        assert r["Description"].startswith("<p>") and float(r["Weight value (grams)"]) > 0
        assert r["Product category"].startswith("Apparel & Accessories > Jewelry > ")
    assert backend.values("SKUs") == memory_workbook(config, demo_rows).values("SKUs")  # workbook untouched


def test_formula_like_cells_are_neutralised(config, tmp_path, now):
    rows = [
        approved("PD-TST-001", **{"Product Name": '=HYPERLINK("http://x")'}),
        approved("PD-TST-002", **{"Product Name": "+Star Pendant"}),
        approved("PD-TST-003", **{"Product Name": "-Luna Pendant", "Collection": "@home"}),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    export(config, "shopify", tmp_path / "s.csv", now=now, backend=backend)
    got = {r["SKU"]: r for r in read_csv(tmp_path / "s.csv")[0]}
    assert got["PD-TST-001"]["Title"] == '\'=HYPERLINK("http://x")'
    assert got["PD-TST-002"]["Title"] == "'+Star Pendant"
    assert got["PD-TST-003"]["Title"] == "'-Luna Pendant"
    assert got["PD-TST-003"]["Tags"].startswith("'@home")
    for r in got.values():
        assert not any(v.startswith(("=", "+", "-", "@")) for v in r.values())
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise(-5) == -5
    assert to_csv(["a"], [{"a": "=1+1"}]).splitlines()[1] == "'=1+1"


def test_every_channel_exports_and_checks_its_rules(config, tmp_path, now):
    rows = [
        approved("PD-TST-001"),
        approved("PD-TST-002", **{"Wholesale Price": 700}),  # above the 60% policy: kept, warned
        approved("PD-TST-003", **{"Wholesale Price": None}),  # wholesale left out
        approved(
            "PD-TST-004",
            Purity="10K",
            **{
                "Final Description": "Crafted in 10K yellow gold with 0.75 ct "
                "tw of oval natural sapphire, heat-treated."
            },
        ),  # not UK: NOTHS out
        approved("PD-TST-005", **{"Final Description": "Crafted in 18K yellow gold."}),  # bad copy: left out
        approved("PD-TST-006", **{"Description Status": "In Review"}),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    got = {
        ch: export(config, ch, tmp_path / f"{ch}.csv", now=now, backend=backend)
        for ch in ("shopify", "etsy", "noths", "wholesale")
    }
    keys = {ch: sorted(r.key for r in res.rows) for ch, res in got.items()}
    assert keys["shopify"] == keys["etsy"] == ["PD-TST-001", "PD-TST-002", "PD-TST-003", "PD-TST-004"]
    assert keys["noths"] == ["PD-TST-001", "PD-TST-002", "PD-TST-003"]
    assert keys["wholesale"] == ["PD-TST-001", "PD-TST-002", "PD-TST-004"]
    codes = {(p.key, str(p.code)) for p in got["wholesale"].problems}
    assert ("PD-TST-002", "wholesale_price") in codes and ("PD-TST-003", "wholesale_price") in codes
    assert ("PD-TST-005", "export_skipped") in codes
    assert ("PD-TST-004", "not_uk_fineness") in {(p.key, str(p.code)) for p in got["noths"].problems}
    etsy_rows = read_csv(tmp_path / "etsy.csv")[0]
    for r in etsy_rows:
        assert len(r["Title"]) <= 140 and len(r["Tags"].split(", ")) <= 13
        assert "<" not in r["Description"] and "heat-treated" in r["Description"]
    assert all("<" not in r["Description"] for r in read_csv(tmp_path / "wholesale.csv")[0])
    assert not [p for res in got.values() for p in res.problems if p.code == "channel_mismatch"]


def test_cross_channel_check_reports_differences(config, tmp_path, now):
    rows_ = {
        "shopify": [ExportRow("A", {}, {"price": "10.00", "karat": frozenset({"14K"})})],
        "etsy": [ExportRow("A", {}, {"price": "12.00", "karat": frozenset({"14K"})})],
        "noths": [ExportRow("A", {}, {"price": "10.00", "karat": frozenset()})],
    }
    assert [(k, f) for k, f, _ in consistency(rows_)] == [("A", "price")]
    # end to end: facts as each channel file states them
    backend = memory_workbook(config, {"SKUs": [approved("PD-TST-001")]})
    result = export(config, "shopify", None, now=now, backend=backend)
    seen = {channel: rows[0].facts for channel, rows in result.channels.items()}
    assert {f["stone"] for f in seen.values()} == {frozenset({"natural sapphire"})}
    assert {f["karat"] for f in seen.values()} == {frozenset({"14K"})} and len({f["copy"] for f in seen.values()}) == 1
    assert not consistency(result.channels)
    # a channel template that states a stone the piece does not have: that text breaks a copy rule, so the
    # SKU is left out of that channel (with the reason) and no channel file states the wrong fact
    folder = tmp_path / "templates"
    shutil.copytree(config.templates_dir, folder)
    noths = folder / "channels" / "noths.txt.j2"
    noths.write_text(noths.read_text() + "\nAccented with a tiny diamond.\n")
    cfg = dataclasses.replace(config, templates_dir=folder)
    result = export(cfg, "noths", None, now=now, backend=backend)
    assert result.rows == [] and "PD-TST-001" in [r.key for r in result.channels["shopify"]]
    assert [str(p.code) for p in result.left_out["PD-TST-001"]] == ["stone_mismatch"]
    assert "23.12" in result.left_out["PD-TST-001"][0].message
    assert not [p for p in result.problems if p.code == "channel_mismatch"]


def test_cli_export(config, tmp_path, monkeypatch):
    backend = MemoryBackend.named("memory:export-cli-test")
    backend.tabs.clear()
    backend.tabs.update(memory_workbook(config, {"SKUs": [approved("PD-TST-001"), approved("PD-TST-002")]}).tabs)
    out = tmp_path / "shopify.csv"
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "--config",
            str(config.path),
            "--workbook",
            "memory:export-cli-test",
            "export",
            "shopify",
            "--out",
            str(out),
            "--now",
            "2026-11-26T09:00",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Wrote 2 row(s)" in res.output
    assert [r["SKU"] for r in read_csv(out)[0]] == ["PD-TST-001", "PD-TST-002"]
    res = runner.invoke(
        main,
        ["--config", str(config.path), "--workbook", "memory:export-cli-test", "export", "amazon", "--out", str(out)],
    )
    assert res.exit_code == 2 and "no exporter for channel 'amazon'" in res.output
    res = runner.invoke(main, ["--config", str(config.path), "export", "--list"])
    assert res.exit_code == 0 and "shopify" in res.output and "wholesale" in res.output
