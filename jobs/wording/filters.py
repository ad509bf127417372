"""Template filters that make compliant jewelry copy the easy path, and the piece a template sees.

Registered with sheetsync's template layer on import, so every template can write
`{{ piece | metal_phrase }}` -> "14K yellow gold", `{{ piece.carat | carat_weight }}` -> "0.50 ct tw",
`{{ piece | stone_phrase }}` -> "lab-grown diamond", `{{ piece | treatment_phrase }}` -> "heat-treated".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from sheetsync import template_filter

GOLD = {"Yellow Gold": "yellow gold", "White Gold": "white gold", "Rose Gold": "rose gold"}
PLURAL = {"Ruby": "rubies", "Topaz": "topazes", "Moissanite": "moissanite"}
ORIGIN = {"Natural": "natural", "Lab-Grown": "lab-grown", "Simulated": "simulated"}
TREATED = {
    "Heat": "heat-treated",
    "Fracture-Filled": "fracture-filled",
    "Oiled": "oiled",
    "Irradiated": "irradiated",
    "Diffusion": "diffusion-treated",
    "Coated": "coated",
    "Other": "treated",
}
US0_MM, MM_PER_SIZE = Decimal("11.63"), Decimal("0.8128")  # US ring size 0 inner diameter, step per size


@dataclass(frozen=True)
class Piece:
    """One SKU's specs as templates see them (attribute access; blank is None, Stone None is None)."""

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
    brief: str | None
    gold_filled_fraction: str = "1/20"

    @property
    def is_diamond(self) -> bool:
        return self.stone == "Diamond"

    @property
    def has_stone(self) -> bool:
        return self.stone is not None

    @property
    def plural(self) -> bool:
        return (self.count or 1) > 1


def piece(values: Mapping[str, Any], sku: str = "", gold_filled_fraction: str = "1/20") -> Piece:
    """A Piece from a SKUs row's typed values (header -> value)."""
    stone = values.get("Stone")
    treatment = values.get("Treatment")
    return Piece(
        sku=sku or str(values.get("SKU") or ""),
        name=str(values.get("Product Name") or ""),
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
        brief=values.get("Brief"),
        gold_filled_fraction=gold_filled_fraction,
    )


@template_filter("metal_phrase")
def metal_phrase(p: Piece) -> str:
    """The metal as the FTC guides want it: karat right before gold, fineness for platinum and palladium."""
    metal, purity = p.metal, p.purity or ""
    if metal in GOLD:
        return f"{purity} {GOLD[metal]}"
    if metal == "Gold Filled":
        return f"{p.gold_filled_fraction} {purity} gold filled"
    if metal == "Gold Vermeil":
        return "gold vermeil over sterling silver"
    if metal == "Gold Plated":
        return "gold plated sterling silver" if purity == "925" else "gold plated"
    if metal == "Sterling Silver":
        return "sterling silver"
    if metal in ("Platinum", "Palladium"):
        return f"{purity} {metal.lower()}"
    return (metal or "").lower()


@template_filter("carat_weight")
def carat_weight(value: Any) -> str:
    """A total carat weight to two places: 0.5 -> "0.50 ct tw"."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount} ct tw"


@template_filter("stone_name")
def stone_name(p: Piece, plural: bool | None = None) -> str:
    """The stone's common name, plural when the piece has several ("Other" reads as gemstone)."""
    if p.stone is None:
        return ""
    many = p.plural if plural is None else plural
    base = "gemstone" if p.stone == "Other" else p.stone.lower()
    if not many:
        return base
    return PLURAL.get(p.stone, base + "s")


@template_filter("stone_phrase")
def stone_phrase(p: Piece, plural: bool | None = None, shape: bool = False) -> str:
    """The stone with its origin immediately before the name: "oval lab-grown diamond", "natural sapphires"."""
    if p.stone is None:
        return ""
    origin = ORIGIN.get(p.origin or "", "")
    words = [f"{p.shape.lower()}-cut" if shape and p.shape else "", origin, stone_name(p, plural)]
    return " ".join(w for w in words if w)


@template_filter("treatment_phrase")
def treatment_phrase(p: Piece) -> str:
    """The treatment disclosure ("heat-treated"), or "" when the stone is untreated."""
    if p.stone is None or p.treatment is None:
        return ""
    return TREATED.get(p.treatment, "treated")


@template_filter("grading_phrase")
def grading_phrase(p: Piece) -> str:
    """A diamond's grades in words: "G color, VS1 clarity, Excellent cut" (only the grades given)."""
    if not p.is_diamond:
        return ""
    parts = []
    if p.color:
        parts.append(f"{p.color} color")
    if p.clarity:
        parts.append(f"{p.clarity} clarity")
    if p.cut:
        parts.append(f"{p.cut} cut")
    return ", ".join(parts)


def _number(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


@template_filter("ring_size")
def ring_size(value: Any) -> str:
    """US ring size with its inner diameter: 6.5 -> "US size 6.5 (16.9 mm inner diameter)"."""
    if value is None or value == "":
        return ""
    size = Decimal(str(value))
    mm = (US0_MM + MM_PER_SIZE * size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"US size {_number(size)} ({mm} mm inner diameter)"


@template_filter("chain_length")
def chain_length(value: Any) -> str:
    """A chain or bracelet length in inches with centimetres: 18 -> "18 in (45.7 cm)"."""
    if value is None or value == "":
        return ""
    inches = Decimal(str(value))
    cm = (inches * Decimal("2.54")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{_number(inches)} in ({cm} cm)"


@template_filter("sentence")
def sentence(text: Any) -> str:
    """Capitalise the first letter (for phrases that start a sentence)."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


@template_filter("title_case")
def title_case(text: Any) -> str:
    """Title case that keeps karat marks and hyphenated words tidy: "14K yellow gold" -> "14K Yellow Gold"."""
    words = []
    for word in str(text or "").split():
        parts = [w[:1].upper() + w[1:] if not any(c.isdigit() for c in w) else w.upper() for w in word.split("-")]
        words.append("-".join(parts))
    return " ".join(words)


def voice(brand: Mapping[str, Any]) -> Mapping[str, Any]:
    """The brand voice table from config ([brand.voice]) with the brand's name added."""
    table = dict(brand.get("voice", {}) or {})
    table.setdefault("name", brand.get("name", ""))
    return MappingProxyType(table)
