"""Copy compliance: known-bad copy gets the right reason codes; every generated draft and channel text is clean."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from conftest import memory_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def mods(project):
    names = ("wording.compliance", "wording.filters", "wording.language", "describe", "demo")
    return {name: project.module(name) for name in names}


def codes(mods, text, specs, kind="description"):
    return {str(f.code) for f in mods["wording.compliance"].check_copy(text, specs, kind=kind)}


DIAMOND = {
    "Category": "Ring",
    "Metal": "Yellow Gold",
    "Purity": "14K",
    "Stone": "Diamond",
    "Stone Origin": "Natural",
    "Treatment": "None",
    "Shape": "Round",
    "Carat Weight": Decimal("0.50"),
    "Stone Count": 1,
    "Color": "G",
    "Clarity": "VS1",
    "Cut": "Excellent",
}
LAB = dict(DIAMOND, **{"Stone Origin": "Lab-Grown"})
SIMULANT = dict(DIAMOND, **{"Stone": "Pearl", "Stone Origin": "Simulated", "Color": None, "Clarity": None, "Cut": None})
SAPPHIRE = dict(DIAMOND, Stone="Sapphire", Treatment="Heat", Color=None, Clarity=None, Cut=None)
GOOD = "Crafted in 14K yellow gold and set with 0.50 ct tw of round natural diamond (G color, VS1 clarity)."


@pytest.mark.parametrize(
    "specs, text, expected",
    [
        (DIAMOND, GOOD.replace("14K", "18K"), {"karat_mismatch"}),
        (DIAMOND, GOOD.replace("14K yellow gold", "yellow gold"), {"karat_missing"}),
        (DIAMOND, GOOD.replace("yellow", "white"), {"metal_mismatch"}),
        (DIAMOND, GOOD.replace("14K yellow gold", "950 platinum"), {"metal_mismatch"}),
        (LAB, GOOD.replace("natural diamond", "diamond"), {"lab_grown_undisclosed"}),
        (LAB, GOOD.replace("natural diamond", "lab-grown diamond"), set()),
        (LAB, GOOD.replace("round natural diamond", "lab-grown round diamond"), {"lab_grown_undisclosed"}),
        (LAB, GOOD.replace("natural diamond", "lab-grown diamond") + " A genuine treasure.", {"natural_claim"}),
        (SIMULANT, "14K yellow gold with a genuine simulated pearl.", {"natural_claim"}),
        (SIMULANT, "14K yellow gold with a lustrous pearl.", {"simulant_undisclosed"}),
        (SIMULANT, "14K yellow gold with an imitation pearl.", set()),
        (SAPPHIRE, "14K yellow gold set with 0.50 ct tw of round natural sapphire.", {"treatment_undisclosed"}),
        (SAPPHIRE, "14K yellow gold set with 0.50 ct tw of round natural sapphire, heat-treated.", set()),
        (DIAMOND, GOOD.replace("0.50", "0.75"), {"carat_mismatch"}),
        (DIAMOND, GOOD.replace("0.50 ct tw", "1/2 ct tw"), {"carat_fraction_tolerance"}),
        (DIAMOND, GOOD.replace("0.50 ct tw", "1/2 ct tw (tolerance 0.05 ct)"), set()),
        (DIAMOND, GOOD.replace("G color", "E color"), {"color_mismatch"}),
        (DIAMOND, GOOD.replace("VS1 clarity", "VVS2 clarity"), {"clarity_mismatch"}),
        (DIAMOND, GOOD + " A flawless stone.", {"flawless_claim"}),
        (dict(DIAMOND, Clarity="IF"), GOOD.replace("VS1", "IF") + " Internally flawless.", set()),
        (DIAMOND, GOOD.replace("round natural", "oval natural"), {"shape_mismatch"}),
        (DIAMOND, GOOD + " Accented with rubies.", {"stone_mismatch"}),
        (dict(DIAMOND, Metal="Platinum", Purity="900"), "Crafted in platinum.", {"purity_missing"}),
        (dict(DIAMOND, Metal="Platinum", Purity="900"), "Crafted in 900 platinum.", set()),
        (
            dict(DIAMOND, Metal="Gold Filled", **{"Layer Fraction": "1/20"}),
            "Made of 14K gold filled wire.",
            {"gold_filled_fraction"},
        ),
        (dict(DIAMOND, Metal="Gold Filled", **{"Layer Fraction": "1/20"}), "Made of 1/20 14K gold filled wire.", set()),
        (dict(DIAMOND, Metal="Gold Plated", Purity="925"), "Solid gold plated sterling silver.", {"plated_as_solid"}),
        (dict(DIAMOND, Purity="9K"), GOOD.replace("14K", "9K"), {"karat_too_low"}),
        (dict(DIAMOND, Shape="Emerald"), GOOD.replace("round natural", "emerald-cut natural"), set()),
        (DIAMOND, "Crafted in 14ct yellow gold; 0.50 carats of round natural diamonds.", set()),
    ],
)
def test_known_copy_gets_expected_codes(mods, specs, text, expected):
    assert codes(mods, text, specs) == expected


def test_html_is_read_as_text(mods):
    assert codes(mods, "<p>14K yellow <b>gold</b> with a <em>diamond</em></p>", LAB) == {"lab_grown_undisclosed"}


def test_known_bad_final_description_flagged_in_workbook(config, project, demo_rows, run_jobs):
    """Wrong karat, undisclosed lab-grown, "genuine" on a simulant, missing treatment: each on its row."""
    final_description = project.module("demo").final_description

    base = {
        "Product Name": "Test Piece",
        "Collection": "Aurora",
        "Price": 900,
        "Cost": 200,
        "Wholesale Price": 450,
        "Metal Weight (g)": Decimal("3.1"),
        "Description Status": "Published",
        "Approved On": "2026-10-01",
        "Ring Size": Decimal("6"),
        "Stone Count": 1,
    }
    rows = {
        "BAD-KARAT": dict(base, **DIAMOND),
        "BAD-LAB": dict(base, **LAB),
        "BAD-SIM": dict(base, **SIMULANT),
        "BAD-TREAT": dict(base, **SAPPHIRE),
        "GOOD-ONE": dict(base, **DIAMOND),
    }
    for sku, row in rows.items():
        row["SKU"] = sku
        row["Final Description"] = final_description(row)
    rows["BAD-KARAT"]["Final Description"] = rows["BAD-KARAT"]["Final Description"].replace("14K", "18K")
    rows["BAD-LAB"]["Final Description"] = rows["BAD-LAB"]["Final Description"].replace("lab-grown ", "")
    rows["BAD-SIM"]["Final Description"] += " A genuine treasure."
    rows["BAD-TREAT"]["Final Description"] = rows["BAD-TREAT"]["Final Description"].split(" The sapphire is")[0]
    backend = memory_workbook(config, {"SKUs": list(rows.values())})
    result = run_jobs(backend, ["describe"])
    found = {}
    for p in result.report:
        if p.job == "describe" and p.column == "Final Description":
            found.setdefault(p.key, set()).add(str(p.code))
    assert found == {
        "BAD-KARAT": {"karat_mismatch"},
        "BAD-LAB": {"lab_grown_undisclosed"},
        "BAD-SIM": {"natural_claim"},
        "BAD-TREAT": {"treatment_undisclosed"},
    }


CHANNEL_MARKETS = {"shopify.html.j2": "US", "etsy.txt.j2": "US", "noths.txt.j2": "UK", "wholesale.txt.j2": "US"}


def _channel_texts(mods, templates, specs, drafts, voice):
    """(template, market, text) for each channel template, rendered for the market its channel sells in, around
    the draft for that market (`drafts` maps market -> draft)."""
    p = mods["wording.filters"].piece(specs, "X-1")
    spelled = mods["wording.language"].spelled
    for name, market in CHANNEL_MARKETS.items():
        copy = drafts[market]
        text = templates.render(f"channels/{name}", piece=p, voice=voice, copy=copy, market=market)
        yield name, market, spelled(text, market)


def _assert_clean(mods, templates, specs, settings_, sku="X-1"):
    check = mods["wording.compliance"].check_copy
    drafts, failure = mods["describe"].render_drafts(templates, specs, sku, settings_)
    assert failure is None, failure
    breaches = [
        (kind, f)
        for kind, text, k in (
            ("draft", drafts["draft"], "description"),
            ("title", drafts["title"], "title"),
            ("tags", drafts["tags"], "tags"),
        )
        for f in check(text, specs, kind=k)
    ]
    uk = dataclasses.replace(settings_, market="UK", rules=settings_.rules.for_market("UK"))
    uk_drafts, failure = mods["describe"].render_drafts(templates, specs, sku, uk)
    assert failure is None, failure
    breaches += [("uk draft", f) for f in check(uk_drafts["draft"], specs, market="UK")]
    by_market = {"US": drafts["draft"], "UK": uk_drafts["draft"]}
    for name, market, text in _channel_texts(mods, templates, specs, by_market, settings_.voice):
        breaches += [(name, f) for f in check(text, specs, market=market)]
    assert not breaches, (specs, drafts, breaches)
    title, tags = drafts["title"], [t.strip() for t in drafts["tags"].split(",")]
    assert 0 < len(title) <= 140 and all(title.count(c) <= 1 for c in "%:&+")
    assert len(tags) <= 13 and all(0 < len(t) <= 20 for t in tags)
    return drafts


def _settings(mods, config):
    from types import SimpleNamespace

    ctx = SimpleNamespace(config=config)
    return mods["describe"].Settings.load(ctx)


def test_every_demo_draft_and_final_description_is_clean(mods, config, project, demo_rows):
    templates = project.templates
    settings_ = _settings(mods, config)
    schema = config.schema("SKUs")
    from conftest import grid

    from sheetsync.model.grid import TabData
    from sheetsync.model.tab import build_tab

    tab = build_tab(TabData("SKUs", grid(config, "SKUs", demo_rows["SKUs"])), schema, config.parse)
    bad_rows = {p.row for p in tab.problems}
    planted = {m.key for m in mods["demo"].MISTAKES if m.tab == "SKUs"}  # specs made wrong on purpose
    checked = 0
    for row in tab:
        if row.sheet_row in bad_rows or row["Category"] is None or row.key in planted:
            continue
        _assert_clean(mods, templates, row.values, settings_, row.key)
        final = row["Final Description"]
        if final:
            assert mods["wording.compliance"].check_copy(final, row.values) == [], row.key
        checked += 1
    assert checked > 45


# Every stone of the vocabulary with the origins rules.toml allows it ([stones]).
STONES = {
    "Diamond": ["Natural", "Lab-Grown", "Simulated"],
    "Sapphire": ["Natural", "Lab-Grown", "Simulated"],
    "Ruby": ["Natural", "Lab-Grown", "Simulated"],
    "Emerald": ["Natural", "Lab-Grown", "Simulated"],
    "Pearl": ["Cultured", "Natural", "Simulated"],
    "Moissanite": ["Lab-Grown"],
    "Cubic Zirconia": ["Simulated"],
    "Spinel": ["Natural", "Lab-Grown", "Simulated"],
    "Topaz": ["Natural", "Simulated"],
    "Citrine": ["Natural", "Lab-Grown", "Simulated"],
    "Amethyst": ["Natural", "Lab-Grown", "Simulated"],
    "Aquamarine": ["Natural", "Simulated"],
    "Morganite": ["Natural", "Simulated"],
    "Tourmaline": ["Natural", "Simulated"],
    "Opal": ["Natural", "Lab-Grown", "Simulated"],
    "Garnet": ["Natural", "Simulated"],
    "Peridot": ["Natural", "Simulated"],
    "Tanzanite": ["Natural", "Simulated"],
    "Onyx": ["Natural", "Simulated"],
    "Turquoise": ["Natural", "Simulated"],
    "Other": ["Natural", "Lab-Grown", "Simulated"],
}
TREATMENTS = [
    "None",
    "Heat",
    "Fracture-Filled",
    "Oiled",
    "Irradiated",
    "Diffusion",
    "Coated",
    "Dyed",
    "Stabilized",
    "Other",
]
METALS = [
    ("Yellow Gold", ["10K", "14K", "18K", "22K", "24K"]),
    ("White Gold", ["10K", "14K", "18K"]),
    ("Rose Gold", ["10K", "14K", "18K"]),
    ("Platinum", ["950", "900", "850"]),
    ("Sterling Silver", ["925"]),
    ("Palladium", ["950", "500"]),
    ("Gold Vermeil", ["925"]),
    ("Gold Filled", ["14K", "10K", "12K"]),
    ("Rolled Gold Plate", ["12K", "14K"]),
    ("Gold Plated", ["925"]),
]
CATEGORIES = ["Ring", "Necklace", "Pendant", "Earrings", "Bracelet", "Anklet", "Charm", "Brooch"]


@st.composite
def valid_specs(draw):
    category = draw(st.sampled_from(CATEGORIES))
    metal, purities = draw(st.sampled_from(METALS))
    specs = {
        "Product Name": draw(st.sampled_from(["Aurora", "Luna Drop", "Tidal Signet", "Petal & Vine"])) + " " + category,
        "Category": category,
        "Metal": metal,
        "Purity": draw(st.sampled_from(purities)),
        "Collection": draw(st.sampled_from(["Aurora", "Solstice", None])),
        "Dimensions (mm)": draw(st.sampled_from(["12 x 8", None])),
        "Metal Weight (g)": draw(st.decimals("0.5", "40", places=2)),
        "Made to Order": draw(st.sampled_from(["Yes", "No", None])),
        "Brief": draw(
            st.sampled_from(
                [None, "Story: inspired by tide pools; Mood: sunlit; Keywords: stacking, gift", "Mood: heirloom"]
            )
        ),
    }
    if metal == "Gold Vermeil":  # a valid vermeil: at least 10K, at least 2.5 microns (16 CFR 23.4)
        specs["Layer Karat"] = draw(st.sampled_from(["10K", "14K", "18K", "24K"]))
        specs["Layer Thickness (microns)"] = draw(st.decimals("2.5", "5", places=1))
    elif metal == "Gold Filled":
        specs["Layer Fraction"] = draw(st.sampled_from(["1/20", "1/10"]))
    elif metal == "Rolled Gold Plate":
        specs["Layer Fraction"] = draw(st.sampled_from(["1/40", "1/30"]))
    elif metal == "Gold Plated" and draw(st.booleans()):
        specs["Layer Karat"] = draw(st.sampled_from(["14K", "18K", "24K"]))
    stone = draw(st.sampled_from(["None", *STONES]))
    specs["Stone"] = stone
    if stone != "None":
        origin = draw(st.sampled_from(STONES[stone]))
        specs.update(
            {
                "Stone Origin": origin,
                "Shape": draw(
                    st.sampled_from(
                        ["Round", "Princess", "Cushion", "Oval", "Emerald", "Pear", "Marquise", "Heart", "Baguette"]
                    )
                ),
                "Carat Weight": draw(st.decimals("0.01", "9.99", places=2)),
                "Stone Count": draw(st.integers(1, 40)),
                "Treatment": "None" if origin != "Natural" else draw(st.sampled_from(TREATMENTS)),
            }
        )
        if stone == "Diamond":
            specs.update(
                {
                    "Color": draw(st.sampled_from(list("DEFGHIJKLMNOPQRSTUVWXYZ"))),
                    "Clarity": draw(
                        st.sampled_from(["FL", "IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "I1", "I2", "I3"])
                    ),
                    "Cut": draw(st.sampled_from(["Excellent", "Very Good", "Good", None])),
                }
            )
        if draw(st.booleans()):
            specs["Certificate"] = "IGI LG512345678" if origin == "Lab-Grown" else "GIA 2141438171"
    if category == "Ring":
        specs["Ring Size"] = Decimal(draw(st.integers(12, 52))) / 4
    elif category in ("Necklace", "Pendant"):
        specs["Chain Length (in)"] = Decimal(draw(st.sampled_from([14, 16, 18, 20, 22, 24, 28, 30, 32, 36])))
    elif category in ("Bracelet", "Anklet"):
        specs["Chain Length (in)"] = Decimal(draw(st.sampled_from(["6.5", "7", "7.5", "8", "8.5"])))
    return specs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=valid_specs())
def test_generated_copy_is_clean_for_any_valid_specs(mods, config, project, specs):
    _assert_clean(mods, project.templates, specs, _settings(mods, config))


def test_the_check_memo_reuses_a_result_only_for_specs_that_agree_on_what_the_check_read(mods, project):
    compliance = mods["wording.compliance"]
    rules = compliance.CopyRules.from_config(project.config)
    text = "A natural diamond set in 14K yellow gold."
    assert codes(mods, text, LAB) != codes(mods, text, DIAMOND)  # the origin matters to this text
    first = compliance.check_copy(text, LAB, rules=rules)
    again = compliance.check_copy(text, dict(LAB, **{"Product Name": "Other Ring"}), rules=rules)
    assert again == first and {str(f.code) for f in first} == codes(mods, text, LAB)
    natural = compliance.check_copy(text, DIAMOND, rules=rules)  # same rules, same text, other origin
    assert {str(f.code) for f in natural} == codes(mods, text, DIAMOND)


def test_the_check_memo_counts_what_was_read(project):
    memo_module = project.module("wording.compliance.memo")
    memo: dict = {}
    calls = []

    def check(specs):
        calls.append(1)
        return specs.get("Metal"), specs.get("Stone")

    a = {"Metal": "Platinum", "Stone": "Diamond", "SKU": "A"}
    assert memo_module.remembered(memo, "t", a, check) == ("Platinum", "Diamond")
    assert memo_module.remembered(memo, "t", dict(a, SKU="B"), check) == ("Platinum", "Diamond")
    assert len(calls) == 1  # the SKU was not read: the result is reused
    assert memo_module.remembered(memo, "t", dict(a, Stone="Ruby"), check) == ("Platinum", "Ruby")
    assert memo_module.remembered(memo, "t", dict(a, Metal=True), check)[0] is True  # typed: no mix-ups
    assert len(calls) == 3
    assert memo_module.remembered(memo, "t", dict(a, Stone=["unhashable"]), check)[1] == ["unhashable"]
