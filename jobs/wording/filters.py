"""Template filters that make compliant, grammatical jewelry copy the easy path.

Registered with sheetsync's template layer on import, so every template can write
`{{ piece | metal_phrase }}` -> "14K yellow gold", `{{ piece | carat_phrase }}` -> "0.50 ct" (one stone) or
"0.50 ct tw" (several), `{{ piece | stone_phrase }}` -> "lab-grown diamond", `{{ piece | stone_set }}` ->
"set with a 0.50 ct oval lab-grown diamond", `{{ "18 in" | a }}` -> "an 18 in",
`{{ voice.closings | pick(piece.sku, "closing") }}` -> one closing line, the same on every run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from sheetsync import template_filter

from . import language
from .piece import Piece, piece
from .reference import karat_of

__all__ = ["Piece", "metal_phrase", "piece", "stone_phrase", "voice"]

GOLD = {"Yellow Gold": "yellow gold", "White Gold": "white gold", "Rose Gold": "rose gold"}
US0_MM, MM_PER_SIZE = Decimal("11.63"), Decimal("0.8128")  # US ring size 0 inner diameter, step per size


@template_filter("metal_phrase")
def metal_phrase(p: Piece, market: str | None = None) -> str:
    """The metal as the FTC Guides want it: karat right before gold (23.3), the layer's fraction and karat
    for filled and rolled gold (23.3(c)), vermeil over sterling (23.4), fineness for platinum (23.6)."""
    metal, purity = p.metal, p.purity or ""
    layer = f"{p.layer_karat} " if p.layer_karat else ""
    if metal in GOLD:
        return f"{purity} {GOLD[metal]}"
    if metal == "Gold Filled":
        if language.is_uk(market):
            return f"{purity} rolled gold"  # the UK permits "rolled gold", not "gold filled" (Hallmarking Act 1973)
        return " ".join(f"{p.layer_fraction or ''} {purity} gold filled".split())
    if metal == "Rolled Gold Plate":
        if language.is_uk(market):
            return f"{purity} rolled gold"
        return " ".join(f"{p.layer_fraction or ''} {purity} rolled gold plate".split())
    if metal == "Gold Vermeil":
        return f"{layer}gold vermeil over sterling silver"
    if metal == "Gold Plated":
        return f"{layer}gold plated sterling silver" if purity == "925" else f"{layer}gold plated"
    if metal == "Sterling Silver":
        return "sterling silver"
    if metal in ("Platinum", "Palladium"):
        return f"{purity} {metal.lower()}"
    return (metal or "").lower()


@template_filter("carat_weight")
def carat_weight(value: Any, several: bool = True) -> str:
    """A carat weight to two places: 0.5 -> "0.50 ct tw" for several stones, "0.50 ct" for one (23.18)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount} ct tw" if several else f"{amount} ct"


@template_filter("carat_phrase")
def carat_phrase(p: Piece) -> str:
    """The piece's carat weight: "ct" for one stone, "ct tw" (total weight) for several."""
    return carat_weight(p.carat, p.several)


@template_filter("stone_name")
def stone_name(p: Piece, plural: bool | None = None) -> str:
    """The stone's common name, plural when the piece has several ("Other" reads as gemstone)."""
    info = p.stone_info
    if info is None:
        return ""
    many = p.several if plural is None else plural
    return info.plural if many else info.singular


@template_filter("stone_phrase")
def stone_phrase(p: Piece, plural: bool | None = None, shape: bool = False) -> str:
    """The stone with its origin word immediately before its name: "oval lab-grown diamond", "cultured pearls",
    "natural opal cabochon"; the shape only where it is a shape of that stone."""
    if p.stone is None:
        return ""
    many = p.several if plural is None else plural
    if p.cut_style == "cabochon":  # "oval natural opal cabochons": the stone names the cabochon
        words = [
            p.shape_cut if shape else "",
            p.origin_word,
            stone_name(p, False),
            "cabochons" if many else "cabochon",
        ]
    else:
        words = [p.shape_cut if shape else "", p.origin_word, stone_name(p, many)]
    return " ".join(w for w in words if w)


@template_filter("stone_set")
def stone_set(p: Piece) -> str:
    """ "set with a 0.50 ct round natural diamond" or "set with twelve round natural sapphires (1.25 ct tw)"."""
    if p.stone is None:
        return ""
    phrase = stone_phrase(p, shape=True)
    if not p.several:
        weight = carat_phrase(p)
        return f"set with {language.with_article(f'{weight} {phrase}' if weight else phrase)}"
    count = language.number_word(p.count or 2)
    weight = f" ({carat_phrase(p)})" if p.carat is not None else ""
    return f"set with {count} {phrase}{weight}"


@template_filter("treatment_phrase")
def treatment_phrase(p: Piece) -> str:
    """The treatment disclosure ("heat-treated"), or "" when the stone is untreated."""
    if p.stone is None or p.treatment is None:
        return ""
    known = p.reference.treatments.get(p.treatment)
    return known.words[0] if known else "treated"


@template_filter("grading_phrase")
def grading_phrase(p: Piece) -> str:
    """A diamond's grades in words: "G color, VS1 clarity, Excellent cut" (cut only where GIA grades it)."""
    if not p.is_diamond:
        return ""
    parts = []
    if p.color:
        parts.append(f"{p.color} color")
    if p.clarity:
        parts.append(f"{p.clarity} clarity")
    if p.cut and p.cut_graded:
        parts.append(f"{p.cut} cut")
    return ", ".join(parts)


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


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


@template_filter("a")
def a(phrase: Any) -> str:
    """The phrase with its article as spoken: "an 18 in (45.7 cm)", "a 16 in", "an oval"."""
    return language.with_article(phrase)


@template_filter("number_word")
def number_word(n: Any) -> str:
    return language.number_word(n)


@template_filter("pick")
def pick(options: Sequence[Any] | Any, key: str, slot: str = "") -> Any:
    """One of the options, the same for this SKU on every run, varied between SKUs."""
    return language.pick(options, key, slot)


@template_filter("karat_number")
def karat_number(purity: Any) -> int | None:
    return karat_of(purity)


def voice(brand: Mapping[str, Any]) -> Mapping[str, Any]:
    """The brand voice table from config ([brand.voice]) with the brand's name added."""
    table = dict(brand.get("voice", {}) or {})
    table.setdefault("name", brand.get("name", ""))
    return MappingProxyType(table)


@template_filter("as_sentence")
def as_sentence(text: Any) -> str:
    """A phrase as a sentence: capital first letter and one full stop ("inspired by dawn" -> "Inspired by dawn.")."""
    return language.sentence(text)


PRONOUNS = {
    "{It}": ("It", "They"),
    "{they}": ("it", "they"),
    "{it}": ("it", "them"),
    "{its}": ("its", "their"),
    "{is}": ("is", "are"),
    "{has}": ("has", "have"),
    "{was}": ("was", "were"),
}


@template_filter("for_piece")
def for_piece(text: Any, p: Piece) -> str:
    """A voice line with the piece's grammar filled in: "{It} {is} light" -> "They are light" for earrings."""
    out = str(text or "")
    for token, (one, many) in PRONOUNS.items():
        out = out.replace(token, many if p.plural else one)
    if p.stone is not None and "{" in out:
        several = p.several
        name = stone_phrase(p)
        out = out.replace("{Stone}", ("" if several else "The ") + (name[:1].upper() + name[1:] if several else name))
        out = out.replace("{stone}", name).replace("{stone_is}", "are" if several else "is")
        out = out.replace("{stone_it}", "them" if several else "it")
    return out


@template_filter("stone_set_graded")
def stone_set_graded(p: Piece) -> str:
    """ "set with a 0.50 ct round natural diamond (G color, VS1 clarity, Excellent cut)", or for several
    stones "set with twelve round natural diamonds (1.25 ct tw; G color, VS1 clarity)"."""
    grades = grading_phrase(p)
    if not grades:
        return stone_set(p)
    if p.several and p.carat is not None:
        return stone_set(p)[:-1] + f"; {grades})"
    return f"{stone_set(p)} ({grades})"
