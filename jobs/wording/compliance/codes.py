"""Reason codes of the copy rules, the standard each one comes from, and the Finding they produce."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sheetsync import Severity


class CopyCode(StrEnum):
    """What copy may not say about a piece; values are stable (tests and exports compare them)."""

    # metals (16 CFR 23.3 gold, 23.4 vermeil, 23.5 silver, 23.6 platinum group metals; UK Hallmarking Act 1973)
    KARAT_MISSING = "karat_missing"  # "gold" without its karat immediately before
    KARAT_MISMATCH = "karat_mismatch"  # "18K gold" on a 14K piece
    KARAT_TOO_LOW = "karat_too_low"  # below the market's minimum for "gold"
    PLATED_UNQUALIFIED = "plated_unqualified"  # "14K gold" on a plated, filled or vermeil piece
    PLATED_AS_SOLID = "plated_as_solid"  # "solid gold" on plated, filled or vermeil
    GOLD_FILLED_FRACTION = "gold_filled_fraction"  # gold filled / rolled gold plate without "1/20 14K"
    LAYER_MISMATCH = "layer_mismatch"  # the layer's fraction or karat differs from the specs
    VERMEIL_INVALID = "vermeil_invalid"  # "vermeil" on a piece that is not sterling with >= 10K, >= 2.5 microns
    ELECTROPLATE_INVALID = "electroplate_invalid"  # "(heavy) gold electroplate" without the karat or thickness
    SILVER_UNQUALIFIED = "silver_unqualified"  # plain "silver" without sterling or a fineness before it
    SILVER_FINENESS = "silver_fineness"  # "sterling", "solid silver", "coin silver" or "925 silver" not met
    PURITY_MISSING = "purity_missing"  # plain "platinum"/"palladium" below 950, or the wrong fineness
    METAL_MISMATCH = "metal_mismatch"  # names a metal or colour the piece is not made of
    UK_DESCRIPTION = "uk_description"  # a description the UK does not permit for an unhallmarked article
    # stones (16 CFR 23.12 diamond, 23.20-23.21 pearls, 23.25 stone names, 23.26 varietal names, 23.27 "real")
    STONE_MISMATCH = "stone_mismatch"  # names a stone the piece does not have ("diamond" on moissanite)
    LAB_GROWN_UNDISCLOSED = "lab_grown_undisclosed"  # a lab-grown stone named without its qualifier before it
    LAB_QUALIFIER_INVALID = "lab_qualifier_invalid"  # "lovingly created diamond", "faux", "cultured ruby"
    SIMULANT_UNDISCLOSED = "simulant_undisclosed"  # a simulant named without "simulated"/"imitation" before it
    CULTURED_UNDISCLOSED = "cultured_undisclosed"  # a cultured pearl without "cultured" before "pearl"
    ORIGIN_MISMATCH = "origin_mismatch"  # "lab-grown" on a natural stone, "natural" on a cultured pearl
    NATURAL_CLAIM = "natural_claim"  # real/genuine/natural/precious/semi-precious about a made stone
    VARIETAL_NAME = "varietal_name"  # "yellow emerald" for heliodor, "green amethyst" for prasiolite
    # treatments (16 CFR 23.24; diamonds 23.14, pearls 23.23)
    TREATMENT_UNDISCLOSED = "treatment_undisclosed"  # Treatment is not None and the copy does not say so
    TREATMENT_PERMANENCE = "treatment_permanence"  # a treatment that is not permanent, without saying so
    TREATMENT_CARE = "treatment_care"  # a treatment that needs special care, without saying so
    TREATMENT_FALSE_CLAIM = "treatment_false_claim"  # "unheated", "untreated", "natural colour", "stable": untrue
    # weight (16 CFR 23.18)
    CARAT_MISMATCH = "carat_mismatch"  # stated ct differs from Carat Weight beyond the last stated place
    CARAT_FRACTION_TOLERANCE = "carat_fraction_tolerance"  # "1/2 ct tw" without a disclosed range or tolerance
    CARAT_TOTAL_UNDISCLOSED = "carat_total_undisclosed"  # "1.00 ct" for several stones, without "tw"
    CARAT_POINTS = "carat_points"  # "25 points" without the decimal carat weight
    # quality claims (16 CFR 23.13 and 23.28 flawless/perfect; 23.1 grades and cut)
    FLAWLESS_CLAIM = "flawless_claim"  # "flawless" for a stone that is not FL (IF: "internally flawless")
    PERFECT_CLAIM = "perfect_claim"  # "perfect" for a stone that is not flawless, of fine colour and make
    COLOR_MISMATCH = "color_mismatch"
    CLARITY_MISMATCH = "clarity_mismatch"
    CUT_GRADE_MISMATCH = "cut_grade_mismatch"  # a cut grade that differs, or on a shape GIA does not cut-grade
    SHAPE_MISMATCH = "shape_mismatch"


CITATION: dict[CopyCode, str] = {
    CopyCode.KARAT_MISSING: "16 CFR 23.3(b)(2)",
    CopyCode.KARAT_MISMATCH: "16 CFR 23.3(a)",
    CopyCode.KARAT_TOO_LOW: "16 CFR 23.3; the market minimum in rules.toml market_min_karat",
    CopyCode.PLATED_UNQUALIFIED: "16 CFR 23.3(b)(3)",
    CopyCode.PLATED_AS_SOLID: "16 CFR 23.3(a)",
    CopyCode.GOLD_FILLED_FRACTION: "16 CFR 23.3(c)",
    CopyCode.LAYER_MISMATCH: "16 CFR 23.3(a)",
    CopyCode.VERMEIL_INVALID: "16 CFR 23.4",
    CopyCode.ELECTROPLATE_INVALID: "16 CFR 23.3(c)",
    CopyCode.SILVER_UNQUALIFIED: "16 CFR 23.5(b)(1)",
    CopyCode.SILVER_FINENESS: "16 CFR 23.5(b)(2)-(3)",
    CopyCode.PURITY_MISSING: "16 CFR 23.6",
    CopyCode.METAL_MISMATCH: "16 CFR 23.3-23.6",
    CopyCode.UK_DESCRIPTION: "Hallmarking Act 1973 s.1 and Schedule 1 Part I",
    CopyCode.STONE_MISMATCH: "16 CFR 23.25(a)",
    CopyCode.LAB_GROWN_UNDISCLOSED: "16 CFR 23.25(b)",
    CopyCode.LAB_QUALIFIER_INVALID: "16 CFR 23.25(b)",
    CopyCode.SIMULANT_UNDISCLOSED: "16 CFR 23.25(b)",
    CopyCode.CULTURED_UNDISCLOSED: "16 CFR 23.20(b)",
    CopyCode.ORIGIN_MISMATCH: "16 CFR 23.25(c)",
    CopyCode.NATURAL_CLAIM: "16 CFR 23.27",
    CopyCode.VARIETAL_NAME: "16 CFR 23.26",
    CopyCode.TREATMENT_UNDISCLOSED: "16 CFR 23.24",
    CopyCode.TREATMENT_PERMANENCE: "16 CFR 23.24(a)",
    CopyCode.TREATMENT_CARE: "16 CFR 23.24(b)",
    CopyCode.TREATMENT_FALSE_CLAIM: "16 CFR 23.24",
    CopyCode.CARAT_MISMATCH: "16 CFR 23.18(c)",
    CopyCode.CARAT_FRACTION_TOLERANCE: "16 CFR 23.18(d)",
    CopyCode.CARAT_TOTAL_UNDISCLOSED: "16 CFR 23.18(a)",
    CopyCode.CARAT_POINTS: "16 CFR 23.18(b)",
    CopyCode.FLAWLESS_CLAIM: "16 CFR 23.13(a)",
    CopyCode.PERFECT_CLAIM: "16 CFR 23.13(b)",
    CopyCode.COLOR_MISMATCH: "16 CFR 23.1",
    CopyCode.CLARITY_MISMATCH: "16 CFR 23.1",
    CopyCode.CUT_GRADE_MISMATCH: "16 CFR 23.1; GIA grades cut on round brilliant diamonds only",
    CopyCode.SHAPE_MISMATCH: "16 CFR 23.1",
}


@dataclass(frozen=True)
class Finding:
    """One breach: its code, the message a person reads (ending with the rule it breaks) and its source."""

    code: CopyCode
    message: str
    severity: Severity = Severity.ERROR
    citation: str = ""


def finding(code: CopyCode, message: str, citation: str | None = None) -> Finding:
    """A breach of a legal rule: always an error, its citation at the end of the message."""
    cite = citation or CITATION[code]
    return Finding(code, f"{message} ({cite})", Severity.ERROR, cite)
