"""One SKU as templates see it: its specs, and the words and grammar its copy needs.

`piece(row.values, sku)` gives attribute access to the specs (blank is None, Stone None is None) and knows
what the piece is called the second time ("the ring", "these earrings"), whether it takes "is" or "are",
the stone's name with its origin word right before it, and whether it is made to order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .brief import Brief, parse_brief
from .reference import Reference, Stone, karat_of, load_reference

CATEGORY_NOUN = {
    "Ring": "ring",
    "Necklace": "necklace",
    "Pendant": "pendant",
    "Earrings": "earrings",
    "Bracelet": "bracelet",
    "Anklet": "anklet",
    "Charm": "charm",
    "Brooch": "brooch",
}
NAME_NOUNS = {"ring", "band", "signet", "earrings", "studs", "hoops", "huggies", "climbers", "drops", "necklace",
              "lariat", "choker", "pendant", "medallion", "bracelet", "bangle", "cuff", "anklet", "charm", "brooch",
              "pin"}  # fmt: skip
PLURAL_NOUNS = {"earrings", "studs", "hoops", "huggies", "climbers", "drops"}
ORIGIN_WORD = {"Natural": "natural", "Simulated": "simulated", "Cultured": "cultured"}


@dataclass(frozen=True)
class Piece:
    """One SKU's specs as templates see them, with the words its copy needs."""

    sku: str
    name: str
    collection: str | None
    category: str
    metal: str | None
    purity: str | None
    stone: str | None
    origin: str | None
    treatment: str | None
    shape: str | None
    carat: Decimal | None
    count: int | None
    color: str | None
    clarity: str | None
    cut: str | None
    certificate: str | None
    metal_weight: Decimal | None
    dimensions: str | None
    ring_size: Decimal | None
    chain_length: Decimal | None
    brief_text: str | None = None
    layer_karat: str | None = None
    layer_fraction: str | None = None
    layer_microns: Decimal | None = None
    made_to_order_flag: bool = False
    engraved: bool = False
    stock: int | None = None
    reference: Reference = field(default_factory=load_reference, repr=False, compare=False)

    # what it is ----------------------------------------------------------------------------------------

    @property
    def noun(self) -> str:
        """What the piece is called after its name: the name's last word if it says ("band", "hoops")."""
        last = self.name.split()[-1].lower() if self.name.split() else ""
        return last if last in NAME_NOUNS else CATEGORY_NOUN.get(self.category, "piece")

    @property
    def plural(self) -> bool:
        """Whether the piece takes "are" ("The Meridian Climber Earrings are"): pairs and plural names."""
        return self.category == "Earrings" or self.noun in PLURAL_NOUNS

    @property
    def be(self) -> str:
        return "are" if self.plural else "is"

    @property
    def pronoun(self) -> str:
        return "they" if self.plural else "it"

    @property
    def made_to_order(self) -> bool:
        """Made after it is ordered: the Made to Order column says Yes (stock on hand or not, the column decides;
        an engraved piece is final sale, not necessarily made to order)."""
        return self.made_to_order_flag

    @property
    def brief(self) -> Brief:
        return parse_brief(self.brief_text)

    # the stone ----------------------------------------------------------------------------------------

    @property
    def has_stone(self) -> bool:
        return self.stone is not None

    @property
    def is_diamond(self) -> bool:
        return self.stone == "Diamond"

    @property
    def several(self) -> bool:
        """Whether the piece has more than one stone (so weights are a total: "ct tw")."""
        return (self.count or 1) > 1

    @property
    def stone_info(self) -> Stone | None:
        if self.stone is None:
            return None
        return self.reference.stone(self.stone) or Stone(self.stone, ("Natural",), (self.stone.lower(),))

    @property
    def origin_word(self) -> str:
        """The word that must come right before the stone's name (16 CFR 23.25(b), 23.20(b))."""
        info = self.stone_info
        if info is None or (info.material_name and self.origin == "Simulated"):
            return ""
        if self.origin == "Lab-Grown":
            return info.lab_word
        return ORIGIN_WORD.get(self.origin or "", "")

    @property
    def cut_style(self) -> str:
        info = self.stone_info
        return info.cut if info else "faceted"

    @property
    def shape_word(self) -> str:
        """The shape as copy may say it: faceted shapes only on faceted stones, none for pearls."""
        if not self.shape or self.cut_style == "none":
            return ""
        if self.cut_style == "cabochon" and self.shape in self.reference.faceted_only:
            return ""
        return self.shape.lower()

    @property
    def shape_cut(self) -> str:
        """The shape as it reads before the stone: "oval-cut", "heart-shaped", "round" (faceted stones)."""
        word = self.shape_word
        shaped = {"heart": "heart-shaped", "pear": "pear-shaped"}
        if not word or self.cut_style == "cabochon":
            return shaped.get(word, word)
        return {"round": "round", **shaped}.get(word, f"{word}-cut")

    @property
    def shape_tag(self) -> str:
        """The shape as an Etsy tag ("oval cut"), only for faceted stones, whose shapes are cuts."""
        if not self.shape_word or self.cut_style != "faceted":
            return ""
        return {"heart": "heart shape", "pear": "pear shape"}.get(self.shape_word, f"{self.shape_word} cut")

    @property
    def cut_graded(self) -> bool:
        """GIA grades cut on round brilliant diamonds only."""
        return self.is_diamond and self.shape in self.reference.cut_shapes

    @property
    def karat(self) -> int | None:
        return karat_of(self.purity)


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("yes", "true", "y")


def piece(values: Mapping[str, Any], sku: str = "", reference: Reference | None = None) -> Piece:
    """A Piece from a SKUs row's typed values (header -> value)."""
    stone = values.get("Stone")
    treatment = values.get("Treatment")
    microns = values.get("Layer Thickness (microns)")
    return Piece(
        sku=sku or str(values.get("SKU") or ""),
        name=" ".join(str(values.get("Product Name") or "").split()),
        collection=values.get("Collection"),
        category=str(values.get("Category") or ""),
        metal=values.get("Metal"),
        purity=values.get("Purity"),
        stone=None if stone in (None, "None") else stone,
        origin=values.get("Stone Origin"),
        treatment=None if treatment in (None, "None") else treatment,
        shape=values.get("Shape"),
        carat=values.get("Carat Weight"),
        count=values.get("Stone Count"),
        color=values.get("Color"),
        clarity=values.get("Clarity"),
        cut=values.get("Cut"),
        certificate=values.get("Certificate"),
        metal_weight=values.get("Metal Weight (g)"),
        dimensions=values.get("Dimensions (mm)"),
        ring_size=values.get("Ring Size"),
        chain_length=values.get("Chain Length (in)"),
        brief_text=values.get("Brief"),
        layer_karat=values.get("Layer Karat"),
        layer_fraction=values.get("Layer Fraction"),
        layer_microns=Decimal(str(microns)) if microns is not None else None,
        made_to_order_flag=_flag(values.get("Made to Order")),
        engraved=_flag(values.get("Engraved / Custom")),
        stock=values.get("Stock"),
        reference=reference or load_reference(),
    )
