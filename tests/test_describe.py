"""The describe job: drafts for eligible rows, approvals guarded by the spec fingerprint, edits never overwritten."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import memory_workbook, records

from sheetsync.model.problems import Severity

DRAFT_STATUSES = {"Brief", "Drafting", "Needs Update"}


def sku_row(sku="RG-TST-001", **extra):
    row = {
        "SKU": sku,
        "Product Name": "Test Solitaire Ring",
        "Collection": "Aurora",
        "Category": "Ring",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "Diamond",
        "Stone Origin": "Lab-Grown",
        "Treatment": "None",
        "Shape": "Oval",
        "Carat Weight": Decimal("0.50"),
        "Stone Count": 1,
        "Color": "F",
        "Clarity": "VS1",
        "Cut": "Excellent",
        "Metal Weight (g)": Decimal("3.2"),
        "Ring Size": Decimal("6.5"),
        "Price": 1450,
        "Cost": 380,
        "Wholesale Price": 725,
        "Stock": 4,
        "Channels": "Shopify, Etsy",
        "Description Status": "Brief",
    }
    row.update(extra)
    return row


def by_sku(backend):
    return {r["SKU"]: r for r in records(backend, "SKUs")}


def problems(result, key=None, job="describe"):
    return [p for p in result.report if p.job == job and (key is None or p.key == key)]


def test_every_eligible_demo_sku_gets_a_draft(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    result = run_jobs(backend, ["validate", "describe"])
    assert result.outcomes["describe"].status == "ok"
    blocked = {
        p.key
        for p in result.report
        if p.tab == "SKUs" and p.severity == Severity.ERROR and p.job not in ("describe",) and p.key
    }
    rows = records(backend, "SKUs")
    eligible = [r for r in rows if r["Description Status"] in DRAFT_STATUSES and r["SKU"] not in blocked]
    assert len(eligible) > 15
    for r in eligible:
        assert r["Draft Description"] and r["Etsy Title"] and r["Etsy Tags"], r["SKU"]
        assert len(r["Etsy Title"]) <= 140
        tags = [t.strip() for t in r["Etsy Tags"].split(",")]
        assert len(tags) <= 13 and all(len(t) <= 20 for t in tags)
    for r in rows:
        if r["SKU"] in blocked:
            assert not r["Draft Description"], r["SKU"]
    # no compliance finding on any draft, Etsy field or demo Final Description
    copy_codes = {str(p.code) for p in problems(result)} - {"copy_returns", "size_returns"}
    assert copy_codes == set()
    # a second run changes nothing
    again = run_jobs(backend, ["validate", "describe"])
    assert not [c for c in again.planned if c.job == "describe"]


def test_approved_final_descriptions_are_never_touched(config, demo_rows, run_jobs):
    backend = memory_workbook(config, demo_rows)
    before = [list(r) for r in backend.values("SKUs")]
    col = before[0].index("Final Description")
    run_jobs(backend)  # every job
    run_jobs(backend, ["describe"], at=None)
    after = backend.values("SKUs")
    assert [r[col] if col < len(r) else None for r in after[1:]] == [r[col] for r in before[1:]]
    assert all(type(a[col]) is type(b[col]) for a, b in zip(after[1:], before[1:]) if col < len(a))


def test_fingerprint_recorded_then_spec_change_flips_to_needs_update(config, run_jobs, now):
    approved = sku_row(
        **{
            "Description Status": "Approved",
            "Approved On": date(2026, 11, 1),
            "Final Description": "Crafted in 14K yellow gold and set with 0.50 ct tw of oval "
            "lab-grown diamond (F color, VS1 clarity).",
        }
    )
    backend = memory_workbook(config, {"SKUs": [approved]})
    run_jobs(backend, ["describe"])
    row = by_sku(backend)["RG-TST-001"]
    assert row["Spec Fingerprint"].startswith("fp1 ")
    assert row["Description Status"] == "Approved"
    assert not row["Draft Description"]

    backend.tabs["SKUs"].values[1][backend.values("SKUs")[0].index("Carat Weight")] = 0.75
    result = run_jobs(backend, ["describe"])
    row = by_sku(backend)["RG-TST-001"]
    assert row["Description Status"] == "Needs Update"
    changed = [p for p in problems(result, "RG-TST-001") if p.code == "specs_changed"]
    assert len(changed) == 1 and changed[0].value == ["Carat Weight"]
    # redrafted from the new specs (one stone: "ct", not "ct tw")
    assert row["Draft Description"] and "0.75 ct oval-cut lab-grown diamond" in row["Draft Description"]
    # the final copy now states the wrong weight: the checker says so too
    assert "carat_mismatch" in {str(p.code) for p in problems(result, "RG-TST-001")}

    # the reason stays in Issues while the copy is reworked
    result = run_jobs(backend, ["describe"])
    assert [p.code for p in problems(result, "RG-TST-001") if p.code == "specs_changed"]

    # re-approval with a new date records a fresh fingerprint; no flip back
    headers = backend.values("SKUs")[0]
    cells = backend.tabs["SKUs"].values[1]
    cells[headers.index("Description Status")] = "Approved"
    cells[headers.index("Approved On")] = "11/20/2026"
    cells[headers.index("Final Description")] = (
        "Crafted in 14K yellow gold and set with 0.75 ct tw of oval lab-grown diamond (F color, VS1 clarity)."
    )
    result = run_jobs(backend, ["describe"])
    row = by_sku(backend)["RG-TST-001"]
    assert row["Description Status"] == "Approved"
    assert '"Carat Weight":"0.75"' in row["Spec Fingerprint"]
    assert not problems(result, "RG-TST-001")


def test_hand_edited_draft_is_never_overwritten(config, run_jobs):
    backend = memory_workbook(config, {"SKUs": [sku_row(), sku_row("RG-TST-002")]})
    run_jobs(backend, ["describe"])
    headers = backend.values("SKUs")[0]
    first = by_sku(backend)["RG-TST-001"]["Draft Description"]
    assert first
    edited = first + " Hand-finished by our bench jeweller."
    backend.tabs["SKUs"].values[1][headers.index("Draft Description")] = edited
    for n in (1, 2):  # specs change on both rows: the job's own draft follows, the edited one stays
        backend.tabs["SKUs"].values[n][headers.index("Carat Weight")] = 0.6
    result = run_jobs(backend, ["describe"])
    rows = by_sku(backend)
    assert rows["RG-TST-001"]["Draft Description"] == edited
    assert "0.60 ct oval-cut" in rows["RG-TST-002"]["Draft Description"]
    flagged = [p for p in problems(result, "RG-TST-001") if p.code == "draft_edited"]
    assert [p.column for p in flagged] == ["Draft Description"]
    # the person's text is checked like any other copy: it still says 0.50
    assert "carat_mismatch" in {str(p.code) for p in problems(result, "RG-TST-001")}
    # still never overwritten on later runs; clearing the cell brings a fresh draft
    run_jobs(backend, ["describe"])
    assert by_sku(backend)["RG-TST-001"]["Draft Description"] == edited
    backend.tabs["SKUs"].values[1][headers.index("Draft Description")] = None
    run_jobs(backend, ["describe"])
    assert "0.60 ct oval-cut" in by_sku(backend)["RG-TST-001"]["Draft Description"]


def test_rows_with_errors_or_other_statuses_get_no_draft(config, run_jobs):
    rows = [
        sku_row("RG-TST-001", Price="$1,2O0"),
        sku_row("RG-TST-002", **{"Description Status": "In Review"}),
        sku_row("RG-TST-003"),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    run_jobs(backend, ["validate", "describe"])
    got = {sku: bool(r["Draft Description"]) for sku, r in by_sku(backend).items()}
    assert got == {"RG-TST-001": False, "RG-TST-002": False, "RG-TST-003": True}


def test_broken_template_fails_only_the_rows_that_hit_it(config, run_jobs, tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(config.templates_dir, folder)
    ring = folder / "drafts" / "ring.txt.j2"
    sizing = '{{ voice.ring_sizing | pick(piece.sku, "fit") }}'
    ring.write_text(ring.read_text().replace(sizing, sizing + " {{ sizing_chart }}"))
    cfg = dataclasses.replace(config, templates_dir=folder)
    rows = [
        sku_row("RG-TST-001"),
        sku_row("RG-TST-002"),
        sku_row("NK-TST-003", Category="Necklace", **{"Ring Size": None, "Chain Length (in)": Decimal("18")}),
    ]
    backend = memory_workbook(config, {"SKUs": rows})
    result = run_jobs(backend, ["describe"], cfg=cfg)
    assert result.outcomes["describe"].status == "ok"
    errors = [p for p in problems(result) if p.code == "template_error"]
    assert sorted(p.key for p in errors) == ["RG-TST-001", "RG-TST-002"]
    for p in errors:
        assert "drafts/ring.txt.j2 line 4" in p.message and "'sizing_chart' is undefined" in p.message
        assert p.column == "Draft Description"
    got = by_sku(backend)
    assert got["NK-TST-003"]["Draft Description"] and not got["RG-TST-001"]["Draft Description"]
    failed = next(p for p in errors if p.key == "RG-TST-001")
    assert failed.line in got["RG-TST-001"]["Issues"].splitlines()  # the failure is on the row for a person


def test_syntax_error_names_template_and_line(config, tmp_path):
    from sheetsync.templates import TemplateFailure, Templates

    (tmp_path / "a.txt.j2").write_text("line one\n{% include 'b.txt.j2' %}\n")
    (tmp_path / "b.txt.j2").write_text("ok\n{{ value | nope_filter }}\n")
    (tmp_path / "c.txt.j2").write_text("ok\n\n{% if %}\n")
    templates = Templates(tmp_path)
    with pytest.raises(TemplateFailure) as err:
        templates.render("a.txt.j2", value=1)
    assert err.value.template == "b.txt.j2" and err.value.line == 2
    with pytest.raises(TemplateFailure) as err:
        templates.render("c.txt.j2")
    assert err.value.template == "c.txt.j2" and err.value.line == 3
    (tmp_path / "d.txt.j2").write_text("{{ value.__class__.__mro__ }}")
    with pytest.raises(TemplateFailure):
        templates.render("d.txt.j2", value=1)  # the sandbox refuses
    (tmp_path / "e.html.j2").write_text("<p>{{ copy }}</p>")
    assert templates.render("e.html.j2", copy="<b>&</b>") == "<p>&lt;b&gt;&amp;&lt;/b&gt;</p>"


def returns_row(rma, sku, reason, requested, status="Resolved"):
    return {
        "RMA": rma,
        "Order Number": f"#{rma[-4:]}",
        "Channel": "Shopify",
        "SKU": sku,
        "Reason": reason,
        "Requested On": requested,
        "Delivered On": requested - timedelta(days=5),
        "Request Type": "Refund",
        "Status": status,
    }


def test_returns_feed_the_copy_and_the_size_guide(config, run_jobs, now):
    today = now.date()
    skus = [
        sku_row(
            "RG-TST-001",
            **{
                "Description Status": "Published",
                "Approved On": today - timedelta(days=60),
                "Final Description": "Crafted in 14K yellow gold.",
            },
        ),
        sku_row(
            "RG-TST-002",
            **{
                "Description Status": "Published",
                "Approved On": today - timedelta(days=10),
                "Final Description": "Crafted in 14K yellow gold.",
            },
        ),
    ]
    returns = [
        returns_row("RMA-2026-0001", "RG-TST-001", "Not As Described", today - timedelta(days=20)),
        returns_row("RMA-2026-0002", "RG-TST-001", "Color", today - timedelta(days=12)),
        returns_row("RMA-2026-0003", "RG-TST-001", "Style", today - timedelta(days=3), status="Cancelled"),
        returns_row("RMA-2026-0004", "RG-TST-002", "Not As Described", today - timedelta(days=30)),  # before approval
        returns_row("RMA-2026-0005", "RG-TST-002", "Style", today - timedelta(days=2)),
        returns_row("RMA-2026-0006", "RG-TST-002", "Size Too Small", today - timedelta(days=9)),
        returns_row("RMA-2026-0007", "RG-TST-002", "Size Too Large", today - timedelta(days=4)),
    ]
    backend = memory_workbook(config, {"SKUs": skus, "Returns": returns})
    result = run_jobs(backend, ["describe"])
    rows = by_sku(backend)
    assert rows["RG-TST-001"]["Description Status"] == "Needs Update"
    assert rows["RG-TST-002"]["Description Status"] == "Published"
    copy = [p for p in problems(result) if p.code == "copy_returns"]
    assert [(p.key, p.value) for p in copy] == [("RG-TST-001", 2)]
    size = [p for p in problems(result) if p.code == "size_returns"]
    assert [(p.key, p.value, p.column) for p in size] == [("RG-TST-002", 2, "Ring Size")]


# --- drafts a copywriter would keep -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def describe_mod(project):
    return project.module("describe")


def settings_for(describe_mod, config, market=None):
    from types import SimpleNamespace

    cfg = config
    if market:
        from sheetsync.project.config import freeze

        cfg = dataclasses.replace(config, brand=freeze({**dict(config.brand), "market": market}))
    return describe_mod.Settings.load(SimpleNamespace(config=cfg))


def draft(describe_mod, project, config, row, market=None):
    drafts, failure = describe_mod.render_drafts(
        project.templates, row, row["SKU"], settings_for(describe_mod, config, market)
    )
    assert failure is None, failure
    return drafts


PAIR = sku_row(
    "ER-MER-001",
    **{
        "Product Name": "Meridian Climber Earrings",
        "Collection": "Meridian",
        "Category": "Earrings",
        "Ring Size": None,
        "Stone Count": 2,
        "Dimensions (mm)": "12 x 4",
        "Brief": "Story: inspired by the line where the sun stands highest at noon; Mood: modern; Keywords: everyday",
    },
)


def test_a_pair_reads_as_plural_and_its_name_is_said_once(describe_mod, project, config):
    text = draft(describe_mod, project, config, PAIR)["draft"]
    assert "The Meridian Climber Earrings are " in text and "They are crafted in 14K yellow gold" in text
    assert " is crafted" not in text and text.count("Meridian Climber Earrings") == 1
    assert "set with two oval-cut lab-grown diamonds (0.50 ct tw; F color, VS1 clarity)" in text
    assert "Sold as a pair, each 12 x 4 mm." in text


def test_one_stone_is_ct_several_are_ct_tw(describe_mod, project, config):
    one = draft(describe_mod, project, config, sku_row())["draft"]
    assert "set with a 0.50 ct oval-cut lab-grown diamond" in one and "ct tw" not in one
    tennis = sku_row(
        "BR-TST-001",
        Category="Bracelet",
        Shape="Round",
        **{"Ring Size": None, "Chain Length (in)": Decimal("7"), "Stone Count": 12, "Carat Weight": Decimal("1.25")},
    )
    many = draft(describe_mod, project, config, tennis)
    assert "set with twelve round lab-grown diamonds (1.25 ct tw; F color, VS1 clarity, Excellent cut)" in many["draft"]
    assert many["title"].endswith("| 1.25 ct tw")


@pytest.mark.parametrize("inches, said", [("18", "an 18 in (45.7 cm) chain"), ("16", "a 16 in (40.6 cm) chain")])
def test_articles_before_numbers(describe_mod, project, config, inches, said):
    row = sku_row("NK-TST-001", Category="Necklace", **{"Ring Size": None, "Chain Length (in)": Decimal(inches)})
    assert said in draft(describe_mod, project, config, row)["draft"]


def test_fit_and_care_follow_the_category_and_metal(describe_mod, project, config):
    anklet = sku_row(
        "AK-TST-001",
        Category="Anklet",
        Metal="Gold Vermeil",
        Purity="925",
        Stone="None",
        **{
            "Stone Origin": None, "Treatment": None, "Shape": None, "Carat Weight": None, "Stone Count": None,
            "Color": None, "Clarity": None, "Cut": None, "Ring Size": None, "Chain Length (in)": Decimal("10"),
            "Layer Karat": "18K", "Layer Thickness (microns)": Decimal("2.5"),
        },
    )  # fmt: skip
    text = draft(describe_mod, project, config, anklet)["draft"]
    assert "wrist" not in text and "around the ankle" in text and "Measure" in text
    assert "18K gold vermeil over sterling silver" in text and "Plated finishes soften with wear" in text
    ring = draft(describe_mod, project, config, sku_row())["draft"]
    assert "Made in US size 6.5 (16.9 mm inner diameter)." in ring and "ankle" not in ring


def test_made_to_order_only_when_the_piece_is(describe_mod, project, config):
    in_stock = draft(describe_mod, project, config, sku_row(Stock=31))
    assert "made to order" not in in_stock["draft"].lower() and "made to order" not in in_stock["tags"]
    made = draft(describe_mod, project, config, sku_row(Stock=0, **{"Made to Order": "Yes"}))
    assert "Made to order in our New York studio" in made["draft"] and "made to order" in made["tags"]
    engraved = draft(describe_mod, project, config, sku_row(Stock=5, **{"Engraved / Custom": "Yes"}))
    assert "made to order" not in engraved["draft"].lower()  # final sale, but made and in stock


def test_spelling_follows_the_market(describe_mod, project, config):
    us = draft(describe_mod, project, config, sku_row())["draft"]
    uk = draft(describe_mod, project, config, sku_row(), market="UK")["draft"]
    assert "F color" in us and "colour" not in us
    assert "F colour" in uk and " color" not in uk


def test_the_brief_shapes_the_copy(describe_mod, project, config):
    text = draft(describe_mod, project, config, PAIR)["draft"]
    assert text.startswith("Inspired by the line where the sun stands highest at noon. ")
    voice = config.brand["voice"]
    assert any(line in text for line in voice["moods"]["modern"])  # the mood's line
    assert any(line in text for line in voice["keyword_lines"]["everyday"])  # the keyword's line


def test_a_brief_that_breaks_a_rule_is_left_out_with_a_warning(config, run_jobs):
    row = sku_row(Brief="Story: a real diamond straight from the earth; Keywords: yellow gold, stacking")
    backend = memory_workbook(config, {"SKUs": [row]})
    result = run_jobs(backend, ["describe"])
    text = by_sku(backend)["RG-TST-001"]["Draft Description"]
    assert "real diamond" not in text and "yellow gold" not in text.replace("14K yellow gold", "")
    notes = [p for p in problems(result, "RG-TST-001") if p.code == "brief_not_used"]
    assert [p.column for p in notes] == ["Brief"] and "23.27" in notes[0].message
    assert str(notes[0].severity) == "warning"


def test_pieces_of_one_collection_vary_and_each_stays_the_same(describe_mod, project, config):
    rows = [sku_row(f"RG-AUR-{n:03d}", **{"Product Name": f"Aurora Ring {n}"}) for n in range(8)]
    first = [draft(describe_mod, project, config, r)["draft"] for r in rows]
    again = [draft(describe_mod, project, config, r)["draft"] for r in rows]
    assert first == again  # chosen by the SKU, not at random: a rerun writes nothing
    openings = {t.split("\n\n")[0].split(". ", 1)[0] for t in first}
    closings = {t.rsplit(". ", 1)[-1] for t in first}
    assert len(openings) >= 2 and len(closings) >= 2


def test_etsy_fields_use_13_relevant_tags_and_no_shop_name(describe_mod, project, config):
    drafts = draft(describe_mod, project, config, PAIR)
    tags = drafts["tags"].split(", ")
    assert len(tags) == 13 and len(set(tags)) == 13 and all(0 < len(t) <= 20 for t in tags)
    assert "lab-grown diamond" in tags and "climber earrings" in tags and "meridian collection" in tags
    assert "diamond earrings" not in tags  # a lab-grown stone's tag keeps its qualifier (16 CFR 23.25(b))
    assert config.brand["name"] not in drafts["title"]
    opal = sku_row(
        "BC-TST-001",
        Category="Brooch",
        Stone="Opal",
        Shape="Emerald",
        **{"Stone Origin": "Natural", "Color": None, "Clarity": None, "Cut": None, "Ring Size": None},
    )
    opal_drafts = draft(describe_mod, project, config, opal)
    assert "emerald" not in opal_drafts["tags"] and "emerald" not in opal_drafts["draft"].lower()
    assert len(opal_drafts["tags"].split(", ")) == 13


def test_a_template_past_its_limits_fails_only_its_rows(tmp_path):
    from sheetsync.templates import Limits, TemplateFailure, Templates

    (tmp_path / "huge.txt.j2").write_text('{{ "x" * n }}')
    (tmp_path / "loop.txt.j2").write_text("{% for i in range(n) %}{{ i }}{% endfor %}")
    (tmp_path / "nested.txt.j2").write_text(
        "{% for i in range(900) %}{% for j in range(900) %}ab{% endfor %}{% endfor %}"
    )
    templates = Templates(tmp_path, limits=Limits(output_chars=50_000, range_items=1_000, repeat_chars=10_000))
    assert templates.render("huge.txt.j2", n=10) == "x" * 10 and templates.render("loop.txt.j2", n=3) == "012"
    for name, n, said in (
        ("huge.txt.j2", 200_000_000, "repeating"),
        ("loop.txt.j2", 10**7, "range of"),
        ("nested.txt.j2", 0, "output passed"),
    ):
        with pytest.raises(TemplateFailure, match=said) as failed:
            templates.render(name, n=n)
        assert failed.value.template == name and "make the template smaller" in str(failed.value)


def test_a_rerun_renders_and_checks_only_what_changed(config, project, demo_rows, run_jobs, monkeypatch, tmp_path):
    """describe keeps a memo per SKU in _Meta: unchanged rows are neither rendered nor checked again."""
    import dataclasses
    import shutil

    drafts_module, checks_module = project.module("describe.drafts"), project.module("describe")
    counts = {"render": 0, "check": 0}
    real_render, real_check = drafts_module.render_drafts, checks_module.check_row_copy

    def counting_render(*args, **kw):
        counts["render"] += 1
        return real_render(*args, **kw)

    def counting_check(*args, **kw):
        counts["check"] += 1
        return real_check(*args, **kw)

    monkeypatch.setattr(drafts_module, "render_drafts", counting_render)
    monkeypatch.setattr(checks_module, "check_row_copy", counting_check)
    templates = tmp_path / "templates"
    shutil.copytree(config.templates_dir, templates)
    cfg = dataclasses.replace(config, templates_dir=templates)
    backend = memory_workbook(cfg, demo_rows)
    first = run_jobs(backend, ["validate", "describe"], cfg=cfg)
    assert counts["render"] > 15 and counts["check"] > 40
    found = sorted(str((p.key, p.column, p.code)) for p in first.report if p.job == "describe")
    counts.update(render=0, check=0)
    again = run_jobs(backend, ["validate", "describe"], cfg=cfg)
    assert counts == {"render": 0, "check": 0} and again.planned == []
    assert sorted(str((p.key, p.column, p.code)) for p in again.report if p.job == "describe") == found
    drafted = next(k for k, v in first.output("describe", "drafts").items() if v)
    sku_col, brief = backend.values("SKUs")[0].index("SKU"), backend.values("SKUs")[0].index("Brief")
    line = next(r for r in backend.tabs["SKUs"].values[1:] if r[sku_col] == drafted)
    line[brief] = "A new story for this piece. Mood: bright. Keywords: sunrise"
    run_jobs(backend, ["validate", "describe"], cfg=cfg)
    assert counts["render"] == 1 and counts["check"] == 1  # only the edited row
    counts.update(render=0, check=0)
    (templates / "drafts" / "base.txt.j2").write_text((templates / "drafts" / "base.txt.j2").read_text() + "\n")
    run_jobs(backend, ["validate", "describe"], cfg=cfg)
    assert counts["render"] > 15  # a template changed: every draft is made again


def test_identical_rows_without_a_key_are_flagged_and_get_no_id(config, run_jobs):
    from conftest import memory_workbook, records

    gift = {"Handle": "@lena.gems", "Campaign": "Spring", "SKU": "RG-001"}
    backend = memory_workbook(config, {"Gifts": [gift, dict(gift)]})
    result = run_jobs(backend, ["validate", "overdue"])
    assert [(p.row, p.code) for p in result.report if p.code == "duplicate_row"] == [(3, "duplicate_row")]
    assert [r["Gift ID"] for r in records(backend, "Gifts")] == [None, None]
    again = run_jobs(backend, ["validate", "overdue"])
    assert not [c for c in again.planned if c.tab == "_Meta" or c.column == "Gift ID"]  # no id used up each run
    assert all("a copy of the row was pasted" in p.message for p in again.conflicts)
