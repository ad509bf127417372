"""The validate job's rules on what a piece is made of: stone origins, GIA cut scope, shapes by stone, gold
layers (16 CFR 23.3 gold filled and plate, 23.4 vermeil) and UK hallmarking (Hallmarking Act 1973)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sheetsync.model.checks import Env, Hit, Rule, View

from ..wording.language import with_article
from ..wording.reference import fraction_of, karat_of
from .rules import ERROR, WARNING, Reason, Settings, show, words

TAB = "SKUs"
LAYER_COLUMNS = ("Layer Karat", "Layer Fraction", "Layer Thickness (microns)")


def stone_origin_allowed(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Each stone's origins from rules.toml [stones]: Cultured only for pearls, no natural cubic zirconia."""
    for i, stone, origin in zip(range(len(v)), v.col("Stone"), v.col("Stone Origin")):
        info = s.reference.stone(stone)
        if info is None or origin is None or origin in info.origins:
            continue
        yield Hit(
            i,
            "Stone Origin",
            f"{origin} is not an origin {with_article(stone.lower())} can have (use {words(info.origins)})",
            origin,
        )


def cut_graded(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """GIA grades cut on standard round brilliant diamonds only, so Cut is blank on other shapes."""
    cols = zip(range(len(v)), v.col("Stone"), v.col("Shape"), v.col("Cut"))
    for i, stone, shape, cut in cols:
        if cut is not None and stone in s.graded_stones and shape is not None and shape not in s.reference.cut_shapes:
            yield Hit(
                i,
                "Cut",
                f"{cut} is a cut grade but GIA grades cut on {words(s.reference.cut_shapes).lower()} brilliant "
                f"diamonds only, not {shape.lower()} (clear it)",
                cut,
            )


def shape_for_stone(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Pearls take no shape; stones cut en cabochon take no faceting style (Emerald, Princess, ...)."""
    for i, stone, shape in zip(range(len(v)), v.col("Stone"), v.col("Shape")):
        info = s.reference.stone(stone)
        if info is None or shape is None:
            continue
        if info.cut == "none":
            yield Hit(
                i, "Shape", f"{shape} is a cut shape but {with_article(stone.lower())} is not cut (clear it)", shape
            )
        elif info.cut == "cabochon" and shape in s.reference.faceted_only:
            yield Hit(
                i,
                "Shape",
                f"{shape} is a faceting style but {info.plural} are cut en cabochon "
                "(use Round, Oval, Cushion, Pear, Marquise or Heart)",
                shape,
            )


def layer_needed(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Vermeil needs its layer's karat and thickness, gold filled and rolled gold plate the layer's fraction."""
    blanks = {h: v.blank(h) for h in LAYER_COLUMNS if v.has(h)}
    for i, metal in enumerate(v.col("Metal")):
        layer = s.reference.layers.get(metal or "")
        if layer is None:
            continue
        for header in layer.needs:
            if header in blanks and blanks[header][i]:
                yield Hit(
                    i,
                    header,
                    f"(blank) for {metal.lower()}: the copy must state it (16 CFR 23.3-23.4), e.g. {_example(header)}",
                    None,
                )


def _example(header: str) -> str:
    return {"Layer Karat": "14K", "Layer Fraction": "1/20", "Layer Thickness (microns)": "2.5"}.get(header, "")


def layer_minimum(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Vermeil: at least 10K gold, 2.5 microns (16 CFR 23.4); gold filled: at least 1/20 of 10K (23.3(c))."""
    karats = v.col("Layer Karat") if v.has("Layer Karat") else [None] * len(v)
    fractions = v.col("Layer Fraction") if v.has("Layer Fraction") else [None] * len(v)
    microns = v.col("Layer Thickness (microns)") if v.has("Layer Thickness (microns)") else [None] * len(v)
    for i, (metal, purity) in enumerate(zip(v.col("Metal"), v.col("Purity"))):
        layer = s.reference.layers.get(metal or "")
        if layer is None:
            continue
        cite = "16 CFR 23.4" if metal == "Gold Vermeil" else "16 CFR 23.3(c)"
        filled = metal in ("Gold Filled", "Rolled Gold Plate")
        karat_column, karat = ("Purity", karat_of(purity)) if filled else ("Layer Karat", karat_of(karats[i]))
        if layer.min_karat is not None and karat is not None and karat < layer.min_karat:
            yield Hit(
                i, karat_column, f"{karat}K: {metal.lower()} needs gold of at least {layer.min_karat}K ({cite})", karat
            )
        fraction = fraction_of(fractions[i])
        if layer.min_fraction is not None and fraction is not None and fraction < layer.min_fraction:
            yield Hit(
                i,
                "Layer Fraction",
                f"{fractions[i]}: gold filled needs a layer of at least {layer.min_fraction} of the metal weight; "
                f"below that it is rolled gold plate ({cite})",
                fractions[i],
            )
        thick = microns[i]
        if layer.min_microns is not None and thick is not None and Decimal(str(thick)) < layer.min_microns:
            yield Hit(
                i,
                "Layer Thickness (microns)",
                f"{show(thick)} microns: {metal.lower()} needs at least {show(layer.min_microns)} ({cite})",
                thick,
            )


def layer_not_layered(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Layer columns are for vermeil, gold filled, rolled gold plate and gold plated pieces only."""
    cols = [(h, v.col(h)) for h in LAYER_COLUMNS if v.has(h)]
    for i, metal in enumerate(v.col("Metal")):
        if metal is None or metal in s.reference.layers:
            continue
        for header, values in cols:
            if values[i] is not None:
                yield Hit(i, header, f"{show(values[i])} is filled but {metal} has no gold layer (clear it)", values[i])


def hallmark(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Sold in the UK (a UK channel, or a UK brand) as gold, silver, platinum or palladium above the exemption
    weight: must be hallmarked (Hallmarking Act 1973 s.1, Schedule 1 Part II)."""
    ref = s.reference
    uk_brand = s.market in ("UK", "GB")
    hallmarked = v.col("Hallmarked") if v.has("Hallmarked") else [None] * len(v)
    cols = zip(range(len(v)), v.col("Metal"), v.col("Metal Weight (g)"), v.col("Channels"), hallmarked)
    for i, metal, weight, channels, marked in cols:
        kind = ref.hallmark_metals.get(metal or "")
        uk = uk_brand or any(c in ref.uk_channels for c in (channels or ()))
        if kind is None or not uk or marked is True:
            continue
        limit = ref.hallmark_exemption_g.get(kind)
        if limit is None or (weight is not None and weight < limit):
            continue
        sold = ", ".join(c for c in (channels or ()) if c in ref.uk_channels) or "the UK"
        said = f"{show(weight)} g" if weight is not None else "a blank Metal Weight (g)"
        yield Hit(
            i,
            "Hallmarked",
            f"{'No' if marked is False else '(blank)'} but the piece is sold in the UK ({sold}) as {kind} with "
            f"{said} (exempt below {show(limit)} g): it is left out of {sold} until it is hallmarked and set Yes, "
            "or taken off the UK channel (Hallmarking Act 1973 s.1, Sch. 1 Part II para 12)",
            marked,
        )


RULES = [
    Rule(
        Reason.STONE_ORIGIN_NOT_ALLOWED,
        TAB,
        ("Stone", "Stone Origin"),
        ERROR,
        "Stone Origin is one the stone can have (Cultured for pearls only)",
        stone_origin_allowed,
    ),
    Rule(
        Reason.CUT_NOT_GRADED,
        TAB,
        ("Stone", "Shape", "Cut"),
        WARNING,
        "Cut grade only on round brilliant diamonds (GIA's scope)",
        cut_graded,
    ),
    Rule(
        Reason.SHAPE_NOT_FOR_STONE,
        TAB,
        ("Stone", "Shape"),
        WARNING,
        "No shape on pearls, no faceting style on cabochon stones",
        shape_for_stone,
    ),
    Rule(
        Reason.LAYER_MISSING,
        TAB,
        ("Metal",),
        ERROR,
        "Vermeil states layer karat and thickness; gold filled and rolled gold plate the layer fraction",
        layer_needed,
    ),
    Rule(
        Reason.LAYER_BELOW_MINIMUM,
        TAB,
        ("Metal", "Purity"),
        ERROR,
        "Vermeil at least 10K and 2.5 microns; gold filled at least 1/20 of 10K",
        layer_minimum,
    ),
    Rule(
        Reason.LAYER_NOT_LAYERED,
        TAB,
        ("Metal",),
        WARNING,
        "Layer columns only on layered gold",
        layer_not_layered,
    ),
    Rule(  # a warning: it keeps the piece out of the UK channels only (the exporters), not out of every channel
        Reason.HALLMARK_MISSING,
        TAB,
        ("Metal", "Metal Weight (g)", "Channels"),
        WARNING,
        "Pieces sold in the UK as precious metal above the exemption weight are hallmarked",
        hallmark,
    ),
]
