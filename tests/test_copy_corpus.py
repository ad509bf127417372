"""The copy corpus: real violations and clean copy, each on a piece whose other specs match, with the rule it
cites. Every violation is an error at its column, with its citation; clean copy (including the traps: proper
nouns, words about the metal or the box, stones that truly are unheated) is never flagged.

Sources as read for each rule: the current 16 CFR Part 23 (2018 numbering) and the UK Hallmarking Act 1973;
see jobs/wording/compliance/*.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import pytest
from conftest import memory_workbook

from sheetsync.model.problems import Severity
from sheetsync.project.config import freeze


@dataclass(frozen=True)
class Case:
    id: str
    specs: dict
    text: str
    codes: frozenset[str]  # the reason codes the text must get (empty: clean copy)
    cite: str = ""  # the rule every finding cites (a substring of its citation)
    kind: str = "description"  # description (Final Description), title (Etsy Title), tags (Etsy Tags), name
    market: str = "US"


def case(id, specs, text, codes=(), cite="", kind="description", market="US"):
    return Case(id, specs, text, frozenset([codes] if isinstance(codes, str) else codes), cite, kind, market)


RING = {"Category": "Ring", "Ring Size": Decimal("6.5")}
DIAMOND = {
    **RING,
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
    "Certificate": "GIA 2141438171",
}
LAB = {**DIAMOND, "Stone Origin": "Lab-Grown", "Certificate": "IGI LG512345678"}
WEIGHT_95 = {**DIAMOND, "Carat Weight": Decimal("0.95"), "Certificate": "GIA 2141438172"}
WEIGHT_46 = {**DIAMOND, "Carat Weight": Decimal("0.46"), "Certificate": None}
WEIGHT_100 = {**DIAMOND, "Carat Weight": Decimal("1.00")}
FLAWLESS = {**DIAMOND, "Clarity": "FL", "Color": "D"}
INTERNALLY = {**DIAMOND, "Clarity": "IF"}
OVAL = {**DIAMOND, "Shape": "Oval", "Cut": None}
NOSTONE = {"Stone": "None"}
GEM = {"Color": None, "Clarity": None, "Cut": None, "Certificate": None}
MOISSANITE = {**DIAMOND, **GEM, "Stone": "Moissanite", "Stone Origin": "Lab-Grown"}
CZ = {
    **DIAMOND,
    **GEM,
    "Category": "Earrings",
    "Ring Size": None,
    "Stone": "Cubic Zirconia",
    "Stone Origin": "Simulated",
    "Stone Count": 2,
    "Carat Weight": Decimal("1.00"),
}
PEARL = {
    **DIAMOND,
    **GEM,
    "Category": "Pendant",
    "Ring Size": None,
    "Chain Length (in)": Decimal("18"),
    "Stone": "Pearl",
    "Stone Origin": "Cultured",
    "Shape": None,
    "Carat Weight": None,
}
SIM_PEARL = {**PEARL, "Stone Origin": "Simulated"}
SAPPHIRE = {**DIAMOND, **GEM, "Stone": "Sapphire", "Treatment": "Heat", "Shape": "Oval"}
UNHEATED = {**SAPPHIRE, "Treatment": "None"}
LAB_SAPPHIRE = {**SAPPHIRE, "Stone Origin": "Lab-Grown", "Treatment": "None"}
RUBY_FILLED = {**DIAMOND, **GEM, "Stone": "Ruby", "Treatment": "Fracture-Filled", "Shape": "Cushion"}
EMERALD = {**DIAMOND, **GEM, "Stone": "Emerald", "Treatment": "Oiled", "Shape": "Emerald"}
TOPAZ = {**DIAMOND, **GEM, "Stone": "Topaz", "Treatment": "Irradiated", "Shape": "Round"}
ONYX = {**DIAMOND, **GEM, "Stone": "Onyx", "Treatment": "Dyed", "Shape": "Oval"}
OPAL = {**DIAMOND, **GEM, "Stone": "Opal", "Shape": "Oval", "Category": "Brooch", "Ring Size": None}
TENNIS = {
    **DIAMOND,
    "Category": "Bracelet",
    "Ring Size": None,
    "Chain Length (in)": Decimal("7"),
    "Stone Count": 12,
    "Carat Weight": Decimal("1.25"),
}
CHAIN = {"Category": "Necklace", "Chain Length (in)": Decimal("18"), **NOSTONE}
VERMEIL = {
    **CHAIN,
    "Metal": "Gold Vermeil",
    "Purity": "925",
    "Layer Karat": "18K",
    "Layer Thickness (microns)": Decimal("2.5"),
}
THIN_VERMEIL = {**VERMEIL, "Layer Karat": None}
FILLED = {**CHAIN, "Metal": "Gold Filled", "Purity": "14K", "Layer Fraction": "1/20"}
ROLLED = {**CHAIN, "Metal": "Rolled Gold Plate", "Purity": "12K", "Layer Fraction": "1/40"}
PLATED = {
    **CHAIN,
    "Metal": "Gold Plated",
    "Purity": "925",
    "Layer Karat": "14K",
    "Layer Thickness (microns)": Decimal("0.5"),
}
HEAVY = {**PLATED, "Layer Thickness (microns)": Decimal("2.5")}
STERLING = {**CHAIN, "Metal": "Sterling Silver", "Purity": "925"}
GOLD_CHAIN = {**CHAIN, "Metal": "Yellow Gold", "Purity": "18K"}
GOLD_9K = {**CHAIN, "Metal": "Yellow Gold", "Purity": "9K"}
PT900 = {**RING, **NOSTONE, "Metal": "Platinum", "Purity": "900"}
PD500 = {**RING, **NOSTONE, "Metal": "Palladium", "Purity": "500"}
GOLD_COAST = {
    **RING,
    **NOSTONE,
    "Metal": "Yellow Gold",
    "Purity": "14K",
    "Collection": "Gold Coast",
    "Product Name": "Gold Coast Signet Ring",
}

GOOD = "Crafted in 14K yellow gold and set with a 0.50 ct round natural diamond (G color, VS1 clarity)."
LAB_GOOD = GOOD.replace("natural diamond", "lab-grown diamond")

CASES = [
    # --- every example under Why in issue 13 ----------------------------------------------------------------
    case("why_1_0_ct_on_0_95", WEIGHT_95, GOOD.replace("0.50 ct", "1.0 ct"), "carat_mismatch", "23.18(c)"),
    case("why_0_5_ct_on_0_46", WEIGHT_46, GOOD.replace("0.50 ct", "0.5 ct"), "carat_mismatch", "23.18(c)"),
    case(
        "why_fraction_no_tolerance", DIAMOND, GOOD.replace("0.50 ct", "1/2 ct"), "carat_fraction_tolerance", "23.18(d)"
    ),
    case(
        "why_moissanite_diamond", MOISSANITE, "14K yellow gold set with a sparkling diamond.", "stone_mismatch", "23.12"
    ),
    case("why_cz_diamond", CZ, "14K yellow gold studs with 1.00 ct tw of diamonds.", "stone_mismatch", "23.12"),
    case(
        "why_unheated_is_not_heat",
        SAPPHIRE,
        "14K yellow gold with a 0.50 ct oval natural sapphire, unheated.",
        {"treatment_undisclosed", "treatment_false_claim"},
        "23.24",
    ),
    case(
        "why_untreated_is_not_treated",
        {**SAPPHIRE, "Treatment": "Other"},
        "14K yellow gold with a 0.50 ct oval natural sapphire, untreated.",
        {"treatment_undisclosed", "treatment_false_claim"},
        "23.24",
    ),
    case(
        "why_gold_filled_is_not_fracture_filled",
        {**RUBY_FILLED, "Metal": "Gold Filled", "Layer Fraction": "1/20"},
        "1/20 14K gold filled, set with a 0.50 ct cushion-cut natural ruby.",
        "treatment_undisclosed",
        "23.24",
    ),
    case(
        "why_false_stable",
        RUBY_FILLED,
        "14K yellow gold with a 0.50 ct natural ruby. The ruby is fracture-filled, a stable enhancement.",
        {"treatment_false_claim", "treatment_permanence", "treatment_care"},
        "23.24",
    ),
    case(
        "why_false_unheated_stable_on_heat",
        SAPPHIRE,
        "14K yellow gold with a 0.50 ct oval natural sapphire, heat-treated, though sold as unheated.",
        "treatment_false_claim",
        "23.24",
    ),
    case(
        "why_lovingly_created",
        LAB,
        "14K yellow gold with a lovingly created diamond.",
        "lab_qualifier_invalid",
        "23.25(b)",
    ),
    case(
        "why_natural_pearl_cultured",
        PEARL,
        "14K yellow gold pendant with a natural pearl.",
        "origin_mismatch",
        "23.21(e)",
    ),
    case(
        "why_pearl_unqualified",
        PEARL,
        "14K yellow gold pendant with a lustrous pearl.",
        "cultured_undisclosed",
        "23.20(b)",
    ),
    case("why_cz_named", CZ, "14K yellow gold studs with 1.00 ct tw of round cubic zirconia.", (), ""),
    case("why_cz_simulated_diamond", CZ, "14K yellow gold studs with 1.00 ct tw of simulated diamonds.", (), ""),
    case("why_vermeil_no_karat", THIN_VERMEIL, "Gold vermeil over sterling silver.", "vermeil_invalid", "23.4"),
    case(
        "why_vermeil_thin",
        {**VERMEIL, "Layer Thickness (microns)": Decimal("1.0")},
        "18K gold vermeil over sterling silver.",
        "vermeil_invalid",
        "23.4",
    ),
    case(
        "why_filled_fraction_is_per_sku",
        {**FILLED, "Layer Fraction": "1/10"},
        "Made of 1/20 14K gold filled wire.",
        "layer_mismatch",
        "23.3",
    ),
    case("why_perfect_diamond", DIAMOND, GOOD + " A perfect diamond.", "perfect_claim", "23.13(b)"),
    case(
        "why_perfect_gemstone",
        SAPPHIRE,
        "A perfect sapphire, heat-treated, in 14K yellow gold.",
        "perfect_claim",
        "23.28",
    ),
    case("why_cut_grade_oval", OVAL, GOOD.replace("round", "oval") + " Excellent cut.", "cut_grade_mismatch", "GIA"),
    case("why_genuine_gold_lab", LAB, LAB_GOOD + " Genuine 14K yellow gold.", (), ""),
    case("why_precious_metal_lab", LAB, LAB_GOOD + " Made in precious metal.", (), ""),
    case("why_precious_box_lab", LAB, LAB_GOOD + " Presented in a genuine leather box.", (), ""),
    case("why_gold_coast", GOLD_COAST, "From the Gold Coast collection, in 14K yellow gold.", (), ""),
    case("why_gold_coast_name", GOLD_COAST, "The Gold Coast Signet Ring is crafted in 14K yellow gold.", (), ""),
    case("why_gold_coast_tags", GOLD_COAST, "gold coast ring, 14k yellow gold, signet ring", (), "", "tags"),
    case("why_truly_unheated", UNHEATED, "14K yellow gold with a 0.50 ct oval natural sapphire, unheated.", (), ""),
    case("why_truly_untreated", UNHEATED, "An untreated 0.50 ct oval natural sapphire in 14K yellow gold.", (), ""),
    # --- karat gold (16 CFR 23.3) -------------------------------------------------------------------------
    case("gold_no_karat", DIAMOND, GOOD.replace("14K yellow gold", "yellow gold"), "karat_missing", "23.3(b)(2)"),
    case("gold_wrong_karat", DIAMOND, GOOD.replace("14K", "18K"), "karat_mismatch", "23.3"),
    case("gold_wrong_colour", DIAMOND, GOOD.replace("yellow", "white"), "metal_mismatch", "23.3"),
    case("gold_solid_karat", DIAMOND, GOOD.replace("14K yellow gold", "solid 14K gold"), (), ""),
    case("gold_14kt_spelling", DIAMOND, GOOD.replace("14K", "14 kt"), (), ""),
    case("gold_585", DIAMOND, GOOD.replace("14K yellow gold", "585 yellow gold"), (), ""),
    case("gold_on_platinum", PT900, "Crafted in 900 platinum and 18K gold.", "metal_mismatch", "23.3"),
    case("gold_9k_us", GOLD_9K, "A fine chain in 9K yellow gold.", "karat_too_low", "23.3"),
    case("gold_9k_uk", GOLD_9K, "A fine chain in 9ct yellow gold.", (), "", market="UK"),
    case("gold_tone_colour", STERLING, "Sterling silver with a gold-tone finish.", (), ""),
    case("golden_hour", GOLD_CHAIN, "18K yellow gold for the golden hour.", (), ""),
    # --- gold layers (23.3(c)) and vermeil (23.4) ------------------------------------------------------------
    case("filled_no_fraction", FILLED, "Made of 14K gold filled wire.", "gold_filled_fraction", "23.3(c)"),
    case("filled_clean", FILLED, "Made of 1/20 14K gold filled wire.", (), ""),
    case("filled_uk", FILLED, "Made of 1/20 14K gold filled wire.", "uk_description", "Hallmarking Act", market="UK"),
    case("rolled_uk_clean", FILLED, "Made of 14K rolled gold.", (), "", market="UK"),
    case("rolled_clean", ROLLED, "A chain of 1/40 12K rolled gold plate.", (), ""),
    case("rolled_no_fraction", ROLLED, "A chain of rolled gold plate.", "gold_filled_fraction", "23.3(c)"),
    case("plated_unqualified", PLATED, "A chain in 14K gold over sterling silver.", "plated_unqualified", "23.3(b)(3)"),
    case("plated_solid", PLATED, "Solid gold plated sterling silver.", "plated_as_solid", "23.3"),
    case("plated_clean", PLATED, "A chain in 14K gold plated sterling silver.", (), ""),
    case("plated_in_clean", PLATED, "Sterling silver plated in 14K gold.", (), ""),
    case("plated_wrong_karat", PLATED, "A chain in 18K gold plated sterling silver.", "layer_mismatch", "23.3"),
    case("electroplate_clean", PLATED, "14K gold electroplate over sterling silver.", (), ""),
    case(
        "heavy_electroplate_thin",
        PLATED,
        "Heavy gold electroplate over sterling silver.",
        "electroplate_invalid",
        "23.3(c)",
    ),
    case("heavy_electroplate_clean", HEAVY, "Heavy gold electroplate over sterling silver.", (), ""),
    case("vermeil_clean", VERMEIL, "18K gold vermeil over sterling silver.", (), ""),
    case("vermeil_on_gold", GOLD_CHAIN, "18K gold vermeil chain.", "metal_mismatch", "23.3"),
    case("vermeil_plain_gold", VERMEIL, "A chain of 18K gold.", "plated_unqualified", "23.3(b)(3)"),
    # --- silver (23.5), platinum and palladium (23.6) ----------------------------------------------------
    case("silver_plain", STERLING, "A silver chain for every day.", "silver_unqualified", "23.5(b)(1)"),
    case("silver_sterling", STERLING, "A sterling silver chain for every day.", (), ""),
    case("silver_925", STERLING, "A 925 silver chain.", (), ""),
    case("silver_coin_ok", STERLING, "Sterling, finer than coin silver.", (), ""),
    case("silver_box_trap", GOLD_CHAIN, "18K yellow gold, presented in a silver gift box.", (), ""),
    case("silver_on_gold", GOLD_CHAIN, "18K yellow gold and sterling silver.", "metal_mismatch", "23.3-23.6"),
    case("platinum_plain_900", PT900, "Crafted in platinum.", "purity_missing", "23.6"),
    case("platinum_900", PT900, "Crafted in 900 platinum.", (), ""),
    case("platinum_pt900", PT900, "Crafted in Pt900.", (), ""),
    case("platinum_wrong", PT900, "Crafted in 950 platinum.", "karat_mismatch", "23.6"),
    case("palladium_plain_500", PD500, "Crafted in palladium.", "purity_missing", "23.6"),
    case("palladium_500", PD500, "Crafted in 500 palladium.", (), ""),
    # --- stone names and qualifiers (23.12, 23.25, 23.27) ----------------------------------------------------
    case("lab_unqualified", LAB, GOOD.replace("natural diamond", "diamond"), "lab_grown_undisclosed", "23.25(b)"),
    case("lab_clean", LAB, LAB_GOOD, (), ""),
    case(
        "lab_after_shape",
        LAB,
        GOOD.replace("round natural diamond", "lab-grown round diamond"),
        "lab_grown_undisclosed",
        "23.25(b)",
    ),
    case("lab_laboratory_created", LAB, GOOD.replace("natural", "laboratory-created"), (), ""),
    case("lab_synthetic", LAB_SAPPHIRE, "14K yellow gold with a 0.50 ct oval synthetic sapphire.", (), ""),
    case("lab_maker_declared", LAB_SAPPHIRE, "14K yellow gold with a 0.50 ct oval Chatham-created sapphire.", (), ""),
    case(
        "lab_maker_undeclared",
        LAB_SAPPHIRE,
        "14K yellow gold with a 0.50 ct oval Acme-created sapphire.",
        "lab_qualifier_invalid",
        "23.25(b)",
    ),
    case("lab_faux", LAB, GOOD.replace("natural", "faux"), "lab_qualifier_invalid", "23.25(b)"),
    case(
        "lab_cultured_ruby",
        {**LAB_SAPPHIRE, "Stone": "Ruby"},
        "14K yellow gold with a cultured ruby.",
        "lab_qualifier_invalid",
        "23.25(b)",
    ),
    case("lab_natural_claim", LAB, LAB_GOOD + " A genuine treasure.", "natural_claim", "23.27"),
    case(
        "lab_real_stone",
        LAB,
        LAB_GOOD + " Real sparkle from a real stone.",
        {"natural_claim", "lab_grown_undisclosed"},
        "23.",
    ),
    case("lab_stone_generic", LAB, LAB_GOOD + " The stone is certified.", "lab_grown_undisclosed", "23.25(b)"),
    case("lab_stone_qualified", LAB, LAB_GOOD + " The lab-grown stone is certified.", (), ""),
    case("natural_called_lab", DIAMOND, LAB_GOOD, "origin_mismatch", "23.25"),
    case("lab_called_simulated", LAB, GOOD.replace("natural", "simulated"), "origin_mismatch", "23.25"),
    case(
        "sim_pearl_unqualified", SIM_PEARL, "14K yellow gold with a lustrous pearl.", "simulant_undisclosed", "23.20(c)"
    ),
    case("sim_pearl_imitation", SIM_PEARL, "14K yellow gold with an imitation pearl.", (), ""),
    case("sim_pearl_faux", SIM_PEARL, "14K yellow gold with a faux pearl.", "simulant_undisclosed", "23.20(c)"),
    case("sim_pearl_cultured", SIM_PEARL, "14K yellow gold with a cultured pearl.", "origin_mismatch", "23.21(a)"),
    case("sim_genuine", SIM_PEARL, "14K yellow gold with a genuine simulated pearl.", "natural_claim", "23.27"),
    case("cultured_clean", PEARL, "14K yellow gold pendant with a cultured pearl.", (), ""),
    case("other_stone_named", DIAMOND, GOOD + " Accented with rubies.", "stone_mismatch", "23.25(a)"),
    case(
        "emerald_cut_is_shape",
        {**DIAMOND, "Shape": "Emerald", "Cut": None},
        GOOD.replace("round", "emerald-cut"),
        (),
        "",
    ),
    case(
        "diamond_cut_chain_trap",
        SAPPHIRE,
        "A heat-treated oval natural sapphire on a diamond-cut chain of 14K yellow gold.",
        (),
        "",
    ),
    case(
        "varietal_yellow_emerald",
        {**EMERALD, "Treatment": "None"},
        "A yellow emerald in 14K yellow gold.",
        "varietal_name",
        "23.26",
    ),
    case(
        "birthstone_natural",
        SAPPHIRE,
        "A September birthstone: a heat-treated natural sapphire in 14K yellow gold.",
        (),
        "",
    ),
    case(
        "spinel_lab_clean",
        {**LAB_SAPPHIRE, "Stone": "Spinel"},
        "14K yellow gold with a 0.50 ct oval lab-created spinel.",
        (),
        "",
    ),
    case(
        "citrine_heat_clean",
        {**SAPPHIRE, "Stone": "Citrine"},
        "A 0.50 ct oval natural citrine, heat-treated, in 14K yellow gold.",
        (),
        "",
    ),
    case(
        "tourmaline_called_topaz",
        {**UNHEATED, "Stone": "Tourmaline"},
        "An oval natural topaz in 14K yellow gold.",
        "stone_mismatch",
        "23.25(a)",
    ),
    case(
        "turquoise_stabilized_clean",
        {**UNHEATED, "Stone": "Turquoise", "Treatment": "Stabilized"},
        "An oval natural turquoise cabochon in 14K yellow gold, stabilized.",
        (),
        "",
    ),
    case("name_claims_diamond", MOISSANITE, "Diamond Halo Ring", "stone_mismatch", "23.12", kind="name"),
    # --- treatments (23.24) ----------------------------------------------------------------------------
    case(
        "heat_undisclosed",
        SAPPHIRE,
        "14K yellow gold with a 0.50 ct oval natural sapphire.",
        "treatment_undisclosed",
        "23.24",
    ),
    case("heat_disclosed", SAPPHIRE, "14K yellow gold with a 0.50 ct oval natural sapphire, heat-treated.", (), ""),
    case("heat_generic_enhanced", SAPPHIRE, "14K yellow gold with a 0.50 ct oval natural sapphire, enhanced.", (), ""),
    case(
        "heat_not_heat_treated",
        SAPPHIRE,
        "14K yellow gold; the sapphire is not heat-treated.",
        {"treatment_undisclosed", "treatment_false_claim"},
        "23.24",
    ),
    case(
        "oil_clean",
        EMERALD,
        "An emerald-cut natural emerald in 14K yellow gold. The emerald is oiled, an enhancement that is not "
        "permanent and needs special care.",
        (),
        "",
    ),
    case(
        "oil_no_care",
        EMERALD,
        "An emerald-cut natural emerald in 14K yellow gold, oiled; not permanent.",
        "treatment_care",
        "23.24(b)",
    ),
    case(
        "filled_no_special_care",
        RUBY_FILLED,
        "A natural ruby in 14K yellow gold, fracture-filled, not permanent, needs no special care.",
        {"treatment_care", "treatment_false_claim"},
        "23.24",
    ),
    case(
        "irradiated_natural_colour",
        TOPAZ,
        "A natural topaz in 14K yellow gold, irradiated, of natural colour.",
        "treatment_false_claim",
        "23.24",
    ),
    case(
        "oiled_natural_colour_ok",
        EMERALD,
        "A natural emerald in 14K yellow gold of natural color, oiled: not permanent, needs special care.",
        (),
        "",
    ),
    case(
        "dyed_clean",
        ONYX,
        "An oval natural onyx cabochon in 14K yellow gold. The onyx is dyed, a color treatment that is not "
        "permanent and needs special care.",
        (),
        "",
    ),
    case(
        "title_unheated_false",
        SAPPHIRE,
        "Unheated Sapphire Ring | 14K Yellow Gold",
        "treatment_false_claim",
        "23.24",
        "title",
    ),
    case("title_skips_disclosure", SAPPHIRE, "Oval Natural Sapphire Ring | 14K Yellow Gold", (), "", "title"),
    # --- weight (23.18) -------------------------------------------------------------------------------
    case("weight_clean", DIAMOND, GOOD, (), ""),
    case("weight_one_place", DIAMOND, GOOD.replace("0.50 ct", ".5 carat"), (), ""),
    case("weight_1_0_on_1_00", WEIGHT_100, GOOD.replace("0.50 ct", "1.0 ct"), (), ""),
    case("weight_wrong", DIAMOND, GOOD.replace("0.50", "0.75"), "carat_mismatch", "23.18(c)"),
    case(
        "weight_fraction_tolerance",
        DIAMOND,
        GOOD.replace("0.50 ct", "1/2 ct") + " Weights are within ±0.05 ct.",
        (),
        "",
    ),
    case("weight_fraction_range", DIAMOND, GOOD.replace("0.50 ct", "1/2 ct") + " (between 0.45 and 0.55 ct)", (), ""),
    case(
        "weight_fraction_outside",
        WEIGHT_46,
        GOOD.replace("0.50 ct", "1/2 ct") + " (tolerance 0.03 ct)",
        "carat_mismatch",
        "23.18",
    ),
    case(
        "weight_total_needed",
        TENNIS,
        "Twelve round natural diamonds, 1.25 ct, in 14K yellow gold.",
        "carat_total_undisclosed",
        "23.18(a)",
    ),
    case("weight_total_clean", TENNIS, "Twelve round natural diamonds, 1.25 ct tw, in 14K yellow gold.", (), ""),
    case(
        "weight_total_weight", TENNIS, "Total weight 1.25 carats of round natural diamonds in 14K yellow gold.", (), ""
    ),
    case(
        "weight_points_only",
        DIAMOND,
        "A 50 points round natural diamond in 14K yellow gold.",
        "carat_points",
        "23.18(b)",
    ),
    case(
        "weight_points_with_decimal", DIAMOND, "A 50 points (0.50 ct) round natural diamond in 14K yellow gold.", (), ""
    ),
    case("weight_18ct_is_karat", GOLD_CHAIN, "A chain in 18ct yellow gold.", (), "", market="UK"),
    # --- flawless, perfect, grades, shape (23.13, 23.28, 23.1) ----------------------------------------------
    case("flawless_vs1", DIAMOND, GOOD + " A flawless stone.", "flawless_claim", "23.13(a)"),
    case("flawless_fl", FLAWLESS, GOOD.replace("G color, VS1", "D color, FL") + " Flawless.", (), ""),
    case("internally_flawless_if", INTERNALLY, GOOD.replace("VS1", "IF") + " Internally flawless.", (), ""),
    case(
        "flawless_if_needs_internally",
        INTERNALLY,
        GOOD.replace("VS1", "IF") + " Flawless.",
        "flawless_claim",
        "23.13(a)",
    ),
    case(
        "flawless_imitation",
        CZ,
        "Flawless cubic zirconia studs in 14K yellow gold, 1.00 ct tw.",
        "flawless_claim",
        "23.28(c)",
    ),
    case("flawless_finish_trap", DIAMOND, GOOD + " A flawless finish on the band.", (), ""),
    case(
        "perfect_fl_d_excellent", FLAWLESS, GOOD.replace("G color, VS1", "D color, FL") + " A perfect diamond.", (), ""
    ),
    case("perfect_gift_trap", DIAMOND, GOOD + " The perfect gift.", (), ""),
    case("color_wrong", DIAMOND, GOOD.replace("G color", "E color"), "color_mismatch", "23.1"),
    case("color_range", DIAMOND, GOOD.replace("G color", "G-H color"), (), ""),
    case("clarity_wrong", DIAMOND, GOOD.replace("VS1 clarity", "VVS2 clarity"), "clarity_mismatch", "23.1"),
    case("cut_wrong", DIAMOND, GOOD + " Very Good cut.", "cut_grade_mismatch", "23.1"),
    case("cut_right", DIAMOND, GOOD + " Excellent cut.", (), ""),
    case("shape_wrong", DIAMOND, GOOD.replace("round natural", "oval natural"), "shape_mismatch", "23.1"),
    case("shape_label_wrong", DIAMOND, GOOD + " | Shape: Pear", "shape_mismatch", "23.1"),
    case("opal_emerald_cut_tag", OPAL, "emerald cut", "shape_mismatch", "23.1", "tags"),
    case(
        "html_reduced",
        LAB,
        "<p>14K yellow <b>gold</b> with a <em>diamond</em></p>",
        "lab_grown_undisclosed",
        "23.25(b)",
    ),
]
MAKERS = ("Chatham",)
PROPER_NOUNS = ("Silver Lake",)


@pytest.fixture(scope="module")
def compliance(project):
    return project.module("wording.compliance")


@pytest.fixture(scope="module")
def rules(compliance, config):
    base = compliance.CopyRules.from_config(config)
    return dataclasses.replace(base, makers=MAKERS, proper_nouns=PROPER_NOUNS)


def test_the_corpus_is_large_and_both_ways():
    violations = [c for c in CASES if c.codes]
    clean = [c for c in CASES if not c.codes]
    assert len(CASES) >= 80 and len({c.id for c in CASES}) == len(CASES)
    assert len(violations) >= 50 and len(clean) >= 30
    assert all(c.cite for c in violations)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_corpus_case(c, compliance, rules):
    kind = "title" if c.kind == "name" else c.kind
    found = compliance.check_copy(c.text, c.specs, kind=kind, market=c.market, rules=rules, own_name=c.kind != "name")
    assert {str(f.code) for f in found} == set(c.codes), [f.message for f in found]
    for f in found:
        assert f.severity == Severity.ERROR, f  # every legal violation is an error
        assert c.cite in f.citation and f.citation in f.message, f  # cited, and the person reads the citation


BASE = {
    "Product Name": "Aurora Test Piece",
    "Collection": "Aurora",
    "Price": 900,
    "Cost": 200,
    "Wholesale Price": 450,
    "Stock": 3,
    "Metal Weight (g)": Decimal("3.1"),
    "Channels": "Shopify",
    "Description Status": "Published",
    "Approved On": "2026-10-01",
    "Final Description": "Presented in our signature box.",
}
COLUMN = {"description": "Final Description", "title": "Etsy Title", "tags": "Etsy Tags", "name": "Product Name"}


def test_corpus_in_the_workbook_flags_errors_at_the_right_column(config, project, run_jobs):
    """Each US case on its own SKUs row: the validate and describe jobs flag exactly its codes, as errors, at
    the column the text is in, and nothing on clean copy (cases about a title, tags or the name keep a clean
    Final Description, written as the demo writes one)."""
    careful = project.module("demo").final_description
    brand = {**dict(config.brand), "copy": {"makers": list(MAKERS), "proper_nouns": list(PROPER_NOUNS)}}
    cfg = dataclasses.replace(config, brand=freeze(brand))
    rows, where = [], {}
    for n, c in enumerate(x for x in CASES if x.market == "US"):
        sku = f"C-{n:03d}"
        row = {**BASE, "SKU": sku, **c.specs}
        if c.kind != "description":
            row["Final Description"] = careful(row)
        row[COLUMN[c.kind]] = c.text
        rows.append(row)
        where[sku] = c
    backend = memory_workbook(cfg, {"SKUs": rows})
    result = run_jobs(backend, ["validate", "describe"], cfg=cfg)
    checked = 0
    for sku, c in where.items():
        on_row = [p for p in result.report if p.tab == "SKUs" and p.key == sku]
        if any(p.job in (None, "validate") and p.severity == Severity.ERROR for p in on_row):
            continue  # specs a validate rule rejects (a vermeil without its layer karat): no copy checks run
        column = COLUMN[c.kind]
        at_column = [p for p in on_row if p.column == column and p.job == "describe"]
        assert {str(p.code) for p in at_column} == set(c.codes), (c.id, [p.message for p in at_column])
        assert all(p.severity == Severity.ERROR for p in at_column), c.id
        others = [p for p in on_row if p.job == "describe" and p.column != column]
        assert others == [], (c.id, [p.line for p in others])
        checked += 1
    assert checked >= 80
