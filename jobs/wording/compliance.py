"""Copy compliance: what product copy may say about a piece, checked against its specs (FTC Jewelry Guides).

`check_copy(text, specs)` returns Findings with stable reason codes; it is used on drafts, on the
Final Description people write, on Etsy titles and tags and on every channel's rendered copy.
`specs` maps SKUs headers to typed values (a Row's values). HTML is reduced to text first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sheetsync import Severity


class CopyCode(StrEnum):
    KARAT_MISSING = "karat_missing"  # "gold" without its karat immediately before
    KARAT_MISMATCH = "karat_mismatch"  # "18K gold" on a 14K piece
    KARAT_TOO_LOW = "karat_too_low"  # below the market's minimum for "gold"
    GOLD_FILLED_FRACTION = "gold_filled_fraction"  # gold filled without "1/20 14K"
    PLATED_AS_SOLID = "plated_as_solid"  # "solid gold" on plated, filled or vermeil
    PURITY_MISSING = "purity_missing"  # Pt900/Pt850 called plain "platinum"
    METAL_MISMATCH = "metal_mismatch"  # names a metal or colour the piece is not made of
    LAB_GROWN_UNDISCLOSED = "lab_grown_undisclosed"  # lab-grown stone named without "lab-grown" before it
    SIMULANT_UNDISCLOSED = "simulant_undisclosed"  # simulant named without "simulated"/"imitation" before it
    NATURAL_CLAIM = "natural_claim"  # natural/real/genuine/precious/mined with lab-grown or simulated
    ORIGIN_MISMATCH = "origin_mismatch"  # "lab-grown" on a natural stone, and the like
    TREATMENT_UNDISCLOSED = "treatment_undisclosed"  # Treatment is not None and the copy does not say so
    CARAT_MISMATCH = "carat_mismatch"  # stated ct differs from Carat Weight beyond the last place
    CARAT_FRACTION_TOLERANCE = "carat_fraction_tolerance"  # "1/2 ct tw" without a stated tolerance
    STONE_MISMATCH = "stone_mismatch"  # names a stone the specs do not have
    SHAPE_MISMATCH = "shape_mismatch"
    COLOR_MISMATCH = "color_mismatch"
    CLARITY_MISMATCH = "clarity_mismatch"
    FLAWLESS_CLAIM = "flawless_claim"  # "flawless" for a stone that is not FL/IF


SEVERITY = {CopyCode.STONE_MISMATCH: Severity.WARNING, CopyCode.SHAPE_MISMATCH: Severity.WARNING}


@dataclass(frozen=True)
class Finding:
    code: CopyCode
    message: str
    severity: Severity = Severity.ERROR


GOLD_METALS = {"Yellow Gold": "yellow", "White Gold": "white", "Rose Gold": "rose"}
PLATED = {"Gold Vermeil", "Gold Plated", "Gold Filled"}
STONE_WORDS = {
    "Diamond": r"diamonds?",
    "Sapphire": r"sapphires?",
    "Ruby": r"rub(?:y|ies)",
    "Emerald": r"emeralds?",
    "Pearl": r"pearls?",
    "Moissanite": r"moissanites?",
    "Topaz": r"topaz(?:es)?",
    "Amethyst": r"amethysts?",
    "Aquamarine": r"aquamarines?",
    "Morganite": r"morganites?",
    "Opal": r"opals?",
    "Garnet": r"garnets?",
    "Peridot": r"peridots?",
    "Tanzanite": r"tanzanites?",
    "Other": r"gemstones?",
}
SHAPES = [
    "Round",
    "Princess",
    "Cushion",
    "Oval",
    "Emerald",
    "Pear",
    "Marquise",
    "Radiant",
    "Asscher",
    "Heart",
    "Trillion",
    "Baguette",
]
LAB = r"(?:lab[- ]grown|lab[- ]created|laboratory[- ](?:grown|created)|[A-Za-z]+[- ]created)"
SIMULATED = r"(?:simulated|imitation)"
ORIGIN_WORD = rf"(?:{LAB}|{SIMULATED}|natural)"
NATURAL_WORDS = re.compile(r"\b(natural|real|genuine|precious|mined)\b", re.I)
TREATMENT_WORDS = {
    "Heat": r"heat[- ]?treat|heated|heat treatment",
    "Fracture-Filled": r"fracture[- ]fill|glass[- ]fill|filled",
    "Oiled": r"\boiled\b|\boil\b|oil[- ]treat|resin",
    "Irradiated": r"irradiat",
    "Diffusion": r"diffus",
    "Coated": r"\bcoated\b|\bcoating\b",
    "Other": r"treated|treatment|enhanced",
}
KARAT = r"(\d{1,2})\s?(?:K|k|kt|KT|ct|karat|carat)"
GOLD_MENTION = re.compile(
    rf"(?:\b{KARAT}\s+)?(?:(yellow|white|rose|pink|green)\s+)?\bgold\b(?!en)"
    r"([- ](?:vermeil|plated|plate|filled|fill)\b)?",
    re.I,
)
CARAT_DECIMAL = re.compile(r"(?<![\d/.])(\d+(?:\.\d+)?)\s*(?:ct\b\.?|cts\b|ctw\b|carats?\b)", re.I)
CARAT_FRACTION = re.compile(r"(?<![\d.])((?:\d+\s+)?\d+/\d+)\s*(?:ct\b|cts\b|ctw\b|carats?\b)", re.I)
CLARITY = ["FL", "IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "I1", "I2", "I3"]
CLARITY_NEAR = re.compile(
    r"\b(FL|IF|VVS1|VVS2|VS1|VS2|SI1|SI2|I1|I2|I3)\s+(?i:clarity)\b"
    r"|(?i:\bclarity)(?:\s+(?i:grade))?\s*:?\s*(FL|IF|VVS1|VVS2|VS1|VS2|SI1|SI2|I1|I2|I3)\b"
    r"|\b(VVS1|VVS2|VS1|VS2|SI1|SI2)\b"
)
COLOR_NEAR = re.compile(
    r"\b([D-Z])(?:\s*-\s*([D-Z]))?\s+(?i:colou?r)\b"
    r"|(?i:\bcolou?r)(?:\s+(?i:grade))?\s*:?\s*([D-Z])(?:\s*-\s*([D-Z]))?\b(?![a-z])"
)


def plain_text(text: str) -> str:
    """Copy as a reader sees it: HTML tags dropped, entities decoded, whitespace collapsed; line and block
    breaks become " | " so that a phrase never runs on into the next list item or paragraph."""
    text = re.sub(r"</?(?:p|li|ul|ol|br|div|h\d|tr|td|table)\b[^>]*>", "\n", text or "", flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return " | ".join(line for line in lines if line)


def check_copy(
    text: str | None, specs: Mapping[str, Any], *, kind: str = "description", market: str = "US"
) -> list[Finding]:
    """Every compliance breach in `text` for the piece `specs`; kind "title" skips the full-disclosure rules."""
    if not text or not str(text).strip():
        return []
    copy = plain_text(str(text))
    findings: list[Finding] = []
    for check in (_gold, _other_metals, _stones, _natural_claims, _carats, _shapes, _grading):
        findings += check(copy, specs, market)
    if kind == "description":
        findings += _treatment(copy, specs)
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.code, f.message), f)
    return list(unique.values())


def _f(code: CopyCode, message: str) -> Finding:
    return Finding(code, message, SEVERITY.get(code, Severity.ERROR))


def _spec(specs: Mapping[str, Any], header: str) -> Any:
    value = specs.get(header)
    return None if value in (None, "", "None") and header in ("Stone", "Treatment") else value


def _gold(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    out = []
    metal, purity = specs.get("Metal"), str(specs.get("Purity") or "")
    minimum = 9 if market.upper() in ("UK", "GB", "IE", "FR") else 10
    for m in GOLD_MENTION.finditer(copy):
        karat, colour, suffix = m.group(1), m.group(2), (m.group(3) or "").strip(" -").lower()
        phrase = m.group(0).strip()
        if re.search(r"\bsolid\s+$", copy[: m.start()], re.I) and metal in PLATED:
            out.append(
                _f(
                    CopyCode.PLATED_AS_SOLID,
                    f'says "solid {phrase}" but Metal is {metal}: plated, filled and vermeil pieces are not solid gold',
                )
            )
        if suffix.startswith(("plate", "vermeil")):
            if metal in GOLD_METALS:
                out.append(_f(CopyCode.METAL_MISMATCH, f'says "{phrase}" but Metal is {metal} (solid gold)'))
            elif metal not in PLATED:
                out.append(_f(CopyCode.METAL_MISMATCH, f'says "{phrase}" but Metal is {metal}'))
            continue
        if suffix.startswith("fill"):
            if metal != "Gold Filled":
                out.append(_f(CopyCode.METAL_MISMATCH, f'says "{phrase}" but Metal is {metal}'))
            elif not re.search(rf"\b\d+/\d+\s+{KARAT}\s+gold[- ]fill", copy, re.I):
                out.append(
                    _f(
                        CopyCode.GOLD_FILLED_FRACTION,
                        f'"{phrase}" must state the gold fraction and karat, e.g. "1/20 {purity} gold filled"',
                    )
                )
            if karat and f"{int(karat)}K" != purity:
                out.append(_f(CopyCode.KARAT_MISMATCH, f"says {karat}K but Purity is {purity or '(blank)'}"))
            continue
        if karat is None:
            example = f"{purity or '14K'} {colour or ''} gold".replace("  ", " ")
            out.append(
                _f(CopyCode.KARAT_MISSING, f'"{phrase}" needs its karat immediately before gold (e.g. "{example}")')
            )
        if metal not in GOLD_METALS:
            out.append(_f(CopyCode.METAL_MISMATCH, f'says "{phrase}" but Metal is {metal or "(blank)"}'))
            continue
        if karat is not None and f"{int(karat)}K" != purity:
            out.append(_f(CopyCode.KARAT_MISMATCH, f'says "{phrase}" but Purity is {purity or "(blank)"}'))
        if karat is not None and int(karat) < minimum:
            out.append(
                _f(
                    CopyCode.KARAT_TOO_LOW,
                    f"{karat}K may not be called gold in the {market} market (at least {minimum}K)",
                )
            )
        if colour and colour.lower().replace("pink", "rose") != GOLD_METALS[metal]:
            out.append(_f(CopyCode.METAL_MISMATCH, f"says {colour.lower()} gold but Metal is {metal}"))
    return out


def _other_metals(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    out = []
    metal, purity = specs.get("Metal"), str(specs.get("Purity") or "")
    silver_ok = metal in ("Sterling Silver", "Gold Vermeil") or (metal == "Gold Plated" and purity == "925")
    if re.search(r"\b(sterling|silver)\b", copy, re.I) and not silver_ok:
        out.append(_f(CopyCode.METAL_MISMATCH, f"mentions silver but Metal is {metal or '(blank)'}"))
    for word, name in (("platinum", "Platinum"), ("palladium", "Palladium")):
        for m in re.finditer(rf"\b{word}\b", copy, re.I):
            if metal != name:
                out.append(_f(CopyCode.METAL_MISMATCH, f"mentions {word} but Metal is {metal or '(blank)'}"))
                break
            before = copy[max(0, m.start() - 8) : m.start()]
            stated = re.search(r"(?:P[td]\s?)?(\d{3})\s*$", before)
            if stated and stated.group(1) != purity:
                out.append(_f(CopyCode.KARAT_MISMATCH, f"says {stated.group(1)} {word} but Purity is {purity}"))
            elif not stated and word == "platinum" and purity != "950":
                out.append(_f(CopyCode.PURITY_MISSING, f'plain "platinum" needs 950; state "{purity} platinum"'))
    return out


def _stone_mentions(copy: str) -> list[tuple[str, re.Match]]:
    """(stone, match) for each stone named; "emerald" followed by a cut word or another stone is a shape."""
    out = []
    for stone, pattern in STONE_WORDS.items():
        for m in re.finditer(rf"\b{pattern}\b", copy, re.I):
            if stone == "Emerald":
                if re.search(r"\bshape\s*:?\s*$", copy[max(0, m.start() - 12) : m.start()], re.I):
                    continue  # "Shape: Emerald"
                after = copy[m.end() : m.end() + 40]
                stones = "|".join(STONE_WORDS.values())
                if re.match(rf"(?:[- ](?:cut|shaped?)\b|\s+(?:{ORIGIN_WORD}\s+)?(?:{stones})\b)", after, re.I):
                    continue
            out.append((stone, m))
    return out


def _stones(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    out = []
    stone, origin = _spec(specs, "Stone"), specs.get("Stone Origin")
    for named, m in _stone_mentions(copy):
        word = m.group(0)
        before = copy[: m.start()]
        if named != stone and not (named == "Other" and stone):
            out.append(_f(CopyCode.STONE_MISMATCH, f"names {word.lower()} but Stone is {stone or 'None'}"))
            continue
        lab = re.search(rf"\b{LAB}\s+$", before, re.I)
        sim = re.search(rf"\b{SIMULATED}\s+$", before, re.I)
        if origin == "Lab-Grown" and not lab:
            out.append(
                _f(
                    CopyCode.LAB_GROWN_UNDISCLOSED,
                    f'"{word}" must be immediately preceded by "lab-grown" (the stone is lab-grown)',
                )
            )
        elif origin == "Simulated" and not sim:
            out.append(
                _f(
                    CopyCode.SIMULANT_UNDISCLOSED,
                    f'"{word}" must be immediately preceded by "simulated" or "imitation"',
                )
            )
        elif origin == "Natural" and (said := lab or sim):
            out.append(
                _f(
                    CopyCode.ORIGIN_MISMATCH,
                    f"calls the {word.lower()} {said.group(0).strip()} but Stone Origin is Natural",
                )
            )
        elif (said := (sim if origin == "Lab-Grown" else lab if origin == "Simulated" else None)) is not None:
            out.append(
                _f(
                    CopyCode.ORIGIN_MISMATCH,
                    f"calls the {word.lower()} {said.group(0).strip()} but Stone Origin is {origin}",
                )
            )
    return out


def _natural_claims(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    origin = specs.get("Stone Origin")
    if origin not in ("Lab-Grown", "Simulated") or not _spec(specs, "Stone"):
        return []
    words = sorted({m.group(1).lower() for m in NATURAL_WORDS.finditer(copy)})
    if not words:
        return []
    return [
        _f(
            CopyCode.NATURAL_CLAIM,
            f"says {', '.join(repr(w) for w in words)} about a {origin.lower()} stone: remove it",
        )
    ]


def _treatment(copy: str, specs: Mapping[str, Any]) -> list[Finding]:
    treatment = _spec(specs, "Treatment")
    if not treatment or not _spec(specs, "Stone"):
        return []
    pattern = TREATMENT_WORDS.get(treatment, TREATMENT_WORDS["Other"])
    if re.search(pattern, copy, re.I):
        return []
    return [
        _f(
            CopyCode.TREATMENT_UNDISCLOSED,
            f'Treatment is {treatment} but the copy does not disclose it (say e.g. "{treatment.lower()}-treated")',
        )
    ]


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _carat_statements(copy: str) -> list[tuple[re.Match, Decimal]]:
    """Decimal carat weights stated ("0.50 ct tw"); "18ct gold" is a karat, not a weight."""
    out = []
    for m in CARAT_DECIMAL.finditer(copy):
        stated = _decimal(m.group(1))
        if stated is None or re.match(r"\s*(?:(?:yellow|white|rose|pink|green)\s+)?gold", copy[m.end() :], re.I):
            continue
        if re.search(r"(?:toleran\w*|±|\+/-)\s*(?:of\s+)?(?:±\s*)?$", copy[max(0, m.start() - 20) : m.start()], re.I):
            continue  # "tolerance 0.05 ct" states a tolerance, not the weight
        out.append((m, stated))
    return out


def _carats(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    out = []
    weight = specs.get("Carat Weight")
    weight = Decimal(str(weight)) if weight is not None else None
    for m, stated in _carat_statements(copy):
        exponent = stated.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        half = Decimal(5) / Decimal(10) ** (places + 1)
        if weight is None or not (stated - half <= weight < stated + half):
            out.append(
                _f(
                    CopyCode.CARAT_MISMATCH,
                    f"says {m.group(0).strip()} but Carat Weight is {weight if weight is not None else '(blank)'}",
                )
            )
    fractions = list(CARAT_FRACTION.finditer(copy))
    if fractions and not re.search(r"toleran|±|\+/-", copy, re.I):
        out.append(
            _f(
                CopyCode.CARAT_FRACTION_TOLERANCE,
                f'fractional weight "{fractions[0].group(0)}" needs a stated tolerance, or state the decimal weight',
            )
        )
    for m in fractions:
        parts = m.group(1).split()
        value = sum(Fraction(p) for p in parts)
        if weight is None or abs(Fraction(str(weight)) - value) > Fraction(1, 20):
            out.append(
                _f(
                    CopyCode.CARAT_MISMATCH,
                    f"says {m.group(0).strip()} but Carat Weight is {weight if weight is not None else '(blank)'}",
                )
            )
    return out


def _shapes(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    shape = specs.get("Shape")
    stones = "|".join(STONE_WORDS.values())
    out = []
    for m in re.finditer(r"\bshape\s*:\s*([A-Za-z]+)", copy, re.I):
        if m.group(1).capitalize() in SHAPES and m.group(1).capitalize() != shape:
            out.append(_f(CopyCode.SHAPE_MISMATCH, f'says "{m.group(0)}" but Shape is {shape or "(blank)"}'))
    for name in SHAPES:
        pattern = rf"\b{name}(?:[- ](?:cut|shaped?)\b|\s+(?:{ORIGIN_WORD}\s+)?(?:{stones})\b)"
        for m in re.finditer(pattern, copy, re.I):
            if (
                name == "Emerald"
                and not re.match(r"emerald[- ](?:cut|shape)", m.group(0), re.I)
                and re.fullmatch(r"emeralds?", m.group(0).split()[-1], re.I)
                and shape != "Emerald"
            ):
                continue  # "emerald emerald" is ambiguous only when the shape is Emerald
            if name != shape:
                out.append(_f(CopyCode.SHAPE_MISMATCH, f'says "{m.group(0)}" but Shape is {shape or "(blank)"}'))
                break
    return out


def _grading(copy: str, specs: Mapping[str, Any], market: str) -> list[Finding]:
    out = []
    color, clarity = specs.get("Color"), specs.get("Clarity")
    for m in COLOR_NEAR.finditer(copy):
        low, high = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        high = high or low
        if not color or not (low <= color <= high):
            out.append(
                _f(
                    CopyCode.COLOR_MISMATCH,
                    f"says color {low if low == high else low + '-' + high} but Color is {color or '(blank)'}",
                )
            )
    for m in CLARITY_NEAR.finditer(copy):
        stated = m.group(1) or m.group(2) or m.group(3)
        if stated != clarity:
            out.append(_f(CopyCode.CLARITY_MISMATCH, f"says {stated} clarity but Clarity is {clarity or '(blank)'}"))
    if re.search(r"\bflawless\b", copy, re.I) and clarity not in ("FL", "IF"):
        out.append(
            _f(CopyCode.FLAWLESS_CLAIM, f'"flawless" is only for FL or IF clarity (Clarity is {clarity or "(blank)"})')
        )
    return out


def stated_facts(text: str | None) -> dict[str, frozenset[str]]:
    """The facts a piece of copy states (karats, carat weights, stones with origin), to compare channels."""
    copy = plain_text(text or "")
    karats = {f"{int(m.group(1))}K" for m in GOLD_MENTION.finditer(copy) if m.group(1)}
    carats = {str(stated.quantize(Decimal("0.01"))) for _, stated in _carat_statements(copy)}
    stones = set()
    for named, m in _stone_mentions(copy):
        before = copy[: m.start()]
        origin = (
            "lab-grown"
            if re.search(rf"\b{LAB}\s+$", before, re.I)
            else "simulated"
            if re.search(rf"\b{SIMULATED}\s+$", before, re.I)
            else "natural"
        )
        stones.add(f"{origin} {named.lower()}")
    metals = {w.lower() for w in re.findall(r"\b(platinum|palladium|sterling silver|vermeil)\b", copy, re.I)}
    return {
        "karat": frozenset(karats),
        "carat": frozenset(carats),
        "stone": frozenset(stones),
        "metal": frozenset(metals),
    }
