"""Channel exports: Shopify CSV re-reads with its headers, formula-like text is neutralised, channels agree."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from decimal import Decimal

from click.testing import CliRunner
from conftest import memory_workbook

from jobs.channels.shopify import SHOPIFY_HEADERS as SHOPIFY
from jobs.channels.validators import check_file
from sheetsync.backends.memory import MemoryBackend
from sheetsync.cli import main
from sheetsync.export import ExportRow, consistency, export, neutralise, to_csv


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
    skipped = set(result.left_out) & expected  # errors, stale copy, or what Shopify needs
    assert skipped
    variants = [r for r in rows if r["SKU"]]
    assert sorted(r["SKU"] for r in variants) == sorted(expected - skipped)
    products = [r for r in rows if r["Title"]]
    assert len({r["URL handle"] for r in products}) == len(products)
    assert not check_file("shopify", SHOPIFY, (tmp_path / "shopify.csv").read_text(encoding="utf-8-sig"))
    for r in products:
        assert r["Status"] in ("active", "draft")
        assert r["Description"].startswith("<p>")
        assert r["Product category"].startswith("Apparel & Accessories > Jewelry > ")
    assert all(float(r["Weight value (grams)"]) > 0 for r in variants)
    assert backend.values("SKUs") == memory_workbook(config, demo_rows).values("SKUs")  # workbook untouched


def test_formula_like_cells_are_neutralised(config, tmp_path, now):
    rows = [
        approved("PD-TST-001", **{"Product Name": '=HYPERLINK("http://x")'}),
        approved("PD-TST-002", **{"Product Name": "+Star Pendant"}),
        approved("PD-TST-003", **{"Product Name": "-Luna Pendant", "Collection": "@home"}),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    export(config, "shopify", tmp_path / "s.csv", now=now, backend=backend)
    got = {r["SKU"]: r for r in read_csv(tmp_path / "s.csv")[0] if r["SKU"]}
    assert got["PD-TST-001"]["Title"] == '\'=HYPERLINK("http://x")'
    assert got["PD-TST-002"]["Title"] == "'+Star Pendant"
    assert got["PD-TST-003"]["Title"] == "'-Luna Pendant"
    assert got["PD-TST-003"]["Tags"].startswith("'@home")
    got = {k: v for k, v in got.items() if k}
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
    etsy_lines = [json.loads(line) for line in (tmp_path / "etsy.csv").read_text().splitlines()]
    assert not check_file("etsy", [], (tmp_path / "etsy.csv").read_text())
    for line in etsy_lines:
        body = line["createDraftListing"]
        assert len(body["title"]) <= 140 and len(body["tags"]) <= 13
        assert "<" not in body["description"] and "heat-treated" in body["description"]
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
    assert [r["SKU"] for r in read_csv(out)[0]] == ["PD-TST-001", "PD-TST-002"]  # two products, no photos
    res = runner.invoke(
        main,
        ["--config", str(config.path), "--workbook", "memory:export-cli-test", "export", "amazon", "--out", str(out)],
    )
    assert res.exit_code == 2 and "no exporter for channel 'amazon'" in res.output
    res = runner.invoke(main, ["--config", str(config.path), "export", "--list"])
    assert res.exit_code == 0 and "shopify" in res.output and "wholesale" in res.output


# --- blocking at export: errors, stale approvals, the reasons per channel ---------------------------------

CHANNELS = ("shopify", "etsy", "noths", "wholesale")


def _export_all(cfg, backend, now, tmp_path=None):
    return {ch: export(cfg, ch, None, now=now, backend=backend) for ch in CHANNELS}


def test_a_copy_rule_error_keeps_the_sku_out_of_every_channel_with_the_reason(config, now):
    lab = {"Stone Origin": "Lab-Grown", "Treatment": "None"}
    rows = [
        approved("PD-TST-001"),
        approved(
            "PD-TST-002",
            **lab,
            **{"Final Description": "Crafted in 14K yellow gold with a 0.75 ct oval sapphire."},  # not "lab-created"
        ),
        approved(
            "PD-TST-003",
            **{
                "Carat Weight": Decimal("0.71"),
                "Final Description": "14K yellow gold, a 0.7 ct oval natural sapphire, heat-treated.",
            },  # 0.7 ct means 0.695 to 0.704 (16 CFR 23.18(c))
        ),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    got = _export_all(config, backend, now)
    for channel, result in got.items():
        assert [r.key for r in result.rows] == ["PD-TST-001"], channel
        left = result.left_out
        assert {"PD-TST-002", "PD-TST-003"} <= set(left), channel
        assert "lab_grown_undisclosed" in left["PD-TST-002"][0].message and "23.25(b)" in left["PD-TST-002"][0].message
        assert "carat_mismatch" in left["PD-TST-003"][0].message and "23.18(c)" in left["PD-TST-003"][0].message
        assert all(p.column == "Final Description" for k in ("PD-TST-002", "PD-TST-003") for p in left[k])


def test_stale_approved_copy_is_blocked_until_re_approved(config, run_jobs, now):
    backend = memory_workbook(config, {"SKUs": [approved("PD-TST-001"), approved("PD-TST-002")]})
    run_jobs(backend, ["validate", "describe"])  # records the fingerprints of the approved copy
    headers = backend.values("SKUs")[0]
    cells = backend.tabs["SKUs"].values[2]  # PD-TST-002: the piece gets a larger stone after approval
    cells[headers.index("Carat Weight")] = 0.9
    # even copy that matches the new specs is not approved yet
    cells[headers.index("Final Description")] = (
        "Crafted in 14K yellow gold with 0.90 ct of oval natural sapphire, heat-treated."
    )
    got = _export_all(config, backend, now)  # before any run: the row still says Published
    for channel, result in got.items():
        assert [r.key for r in result.rows] == ["PD-TST-001"], channel
        reasons = result.left_out["PD-TST-002"]
        assert [p.column for p in reasons] == ["Description Status"] and "specs_changed" in reasons[0].message
        assert "Carat Weight 0.75 -> 0.9" in reasons[0].message
    run_jobs(backend, ["validate", "describe"])  # the job sets Needs Update
    assert backend.values("SKUs")[2][headers.index("Description Status")] == "Needs Update"
    got = _export_all(config, backend, now)
    for result in got.values():
        assert [r.key for r in result.rows] == ["PD-TST-001"]
        assert [str(p.code) for p in result.left_out["PD-TST-002"]] == ["copy_not_approved"]
        assert "Needs Update" in result.left_out["PD-TST-002"][0].message
    cells = backend.tabs["SKUs"].values[2]
    cells[headers.index("Description Status")] = "Approved"
    cells[headers.index("Approved On")] = "11/20/2026"  # re-approved
    run_jobs(backend, ["validate", "describe"])
    got = _export_all(config, backend, now)
    for result in got.values():
        assert sorted(r.key for r in result.rows) == ["PD-TST-001", "PD-TST-002"]
        assert not result.left_out


def test_channel_rules_leave_a_sku_out_of_that_channel_only(config, now):
    rows = [
        approved(
            "PD-TST-001",
            Metal="Gold Filled",
            **{
                "Layer Fraction": "1/20",
                "Final Description": (
                    "Crafted in 1/20 14K gold filled with 0.75 ct of oval natural sapphire, heat-treated."
                ),
            },
        ),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    got = _export_all(config, backend, now)
    assert [r.key for r in got["shopify"].rows] == ["PD-TST-001"]
    assert got["noths"].rows == []  # "gold filled" is not a UK description (Hallmarking Act 1973 Sch. 1)
    assert [str(p.code) for p in got["noths"].left_out["PD-TST-001"]] == ["uk_description"]


def test_noths_text_is_spelled_for_the_uk(config, now):
    diamond = {
        "Stone": "Diamond",
        "Treatment": "None",
        "Color": "G",
        "Clarity": "VS1",
        "Certificate": "GIA 2141438171",
        "Final Description": "Crafted in 14K yellow gold with a 0.75 ct oval natural diamond (G color, VS1 clarity).",
    }
    backend = memory_workbook(config, {"SKUs": [approved("PD-TST-001", **diamond)]})
    uk = export(config, "noths", None, now=now, backend=backend).rows[0].cells
    us = export(config, "shopify", None, now=now, backend=backend).rows[0].cells["Description"]
    assert "G colour" in uk["Description"] and "- Colour: G" in uk["Description"] and "color" not in uk["Description"]
    assert "G color" in us and "<li>Color: G</li>" in us and "colour" not in us
    assert uk["Hallmarked"] == "Yes"  # 2.4 g of gold, over the 1 g exemption (Hallmarking Act 1973), and marked


def test_the_library_leaves_out_rows_with_errors_an_exporter_yields(tmp_path, now):
    from fresh import ORDERS, fresh_book, fresh_project

    config, project = fresh_project(
        tmp_path,
        {
            "orders": """
            from sheetsync import job, exporter
            from sheetsync.export import ExportRow

            @job("check")
            def check(ctx):
                cs = ctx.changes()
                tab = ctx.tab("Orders")
                for row in tab:
                    if row["Status"] == "Shipped":
                        cs.report(tab, row, "Status", "held", "held for review", "error")
                return cs

            @exporter("feed", tab="Orders", headers=["Order ID"])
            def feed(ctx):
                for row in ctx.tab("Orders"):
                    yield ExportRow(row.key, {"Order ID": row.key})
            """
        },
    )
    result = export(config, "feed", None, now=now, backend=fresh_book(ORDERS), project=project)
    assert [r.key for r in result.rows] == ["A-1"]
    assert set(result.left_out) == {"A-2", "A-3"}  # a job's error, and an amount that is not money
    assert "held for review" in result.left_out["A-2"][0].message


def test_cli_export_says_why_each_sku_is_left_out(config, tmp_path):
    rows = [
        approved("PD-TST-001"),
        approved("PD-TST-002", **{"Final Description": "Crafted in 18K yellow gold with a sapphire, heat-treated."}),
        approved("PD-TST-003", **{"Description Status": "Drafting"}),
    ]
    backend = MemoryBackend.named("memory:export-why")
    backend.tabs.clear()
    backend.tabs.update(memory_workbook(config, {"SKUs": rows}).tabs)
    out = tmp_path / "etsy.csv"
    args = ["--config", str(config.path), "--workbook", "memory:export-why", "export", "etsy", "--out", str(out)]
    res = CliRunner().invoke(main, args + ["--now", "2026-11-26T09:00"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "Left out of etsy (2):" in lines
    why = {line.split()[0]: line for line in lines if line.startswith("  PD-TST-")}
    assert "[export_skipped]" in why["PD-TST-002"] and "karat_mismatch" in why["PD-TST-002"]
    assert "16 CFR 23.3" in why["PD-TST-002"]
    assert "[copy_not_approved]" in why["PD-TST-003"] and "Drafting" in why["PD-TST-003"]
    assert "Wrote 1 row(s)" in res.output and "2 left out" in res.output
