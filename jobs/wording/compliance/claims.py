"""Quality claims about the stone: "flawless", "perfect", colour, clarity and cut grades, and its shape.

Sources, as read: 16 CFR 23.13 (diamonds: "flawless" only with no flaws or blemishes at 10x, i.e. GIA FL;
"perfect" only for a flawless diamond not of inferior colour or make) and 23.28 (gemstones: the same, and
never for an imitation); 23.1 (misrepresenting grade, cut or any material aspect is deceptive). GIA assigns
a cut grade to standard round brilliant diamonds only (GIA Diamond Cut Grading System), so a cut grade on
another shape is a grade no one gave.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .codes import CopyCode, Finding, finding
from .subject import Subject

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
CUT_GRADES = ["Excellent", "Very Good", "Good", "Fair", "Poor"]
CUT_NEAR = re.compile(
    r"\b(excellent|very\s+good|good|fair|poor)\s+cut(?:\s+grade)?\b|\bcut\s+grade\s*:?\s*(excellent|very\s+good|good|fair|poor)\b",
    re.I,
)
FLAWLESS = re.compile(r"\b(internally\s+)?flawless(?:ly)?\b", re.I)
NOT_THE_STONE = re.compile(r"^\s+(?:finish|polish|fit|shine|craftsmanship|design|setting|lines?|edges?)\b", re.I)
SHAPES = ["Round", "Princess", "Cushion", "Oval", "Emerald", "Pear", "Marquise", "Radiant", "Asscher", "Heart",
          "Trillion", "Baguette"]  # fmt: skip


def check(copy: str, subject: Subject, stone_words: str) -> list[Finding]:
    return [
        *_flawless(copy, subject),
        *_perfect(copy, subject, stone_words),
        *_grades(copy, subject),
        *_shapes(copy, subject, stone_words),
    ]


def _flawless(copy: str, s: Subject) -> Iterator[Finding]:
    if s.stone is None:
        return
    clarity = s.get("Clarity")
    for m in FLAWLESS.finditer(copy):
        if NOT_THE_STONE.match(copy[m.end() :]):
            continue  # "a flawless finish" is about the metalwork
        internally = bool(m.group(1))
        if s.origin == "Simulated":
            yield finding(CopyCode.FLAWLESS_CLAIM, '"flawless" is never for an imitation stone', "16 CFR 23.28(c)")
        elif not s.diamond:
            yield finding(
                CopyCode.FLAWLESS_CLAIM,
                f'"{m.group(0)}": the {s.stone.singular} has no clarity grade that shows it is flawless at 10x',
                "16 CFR 23.28(a)",
            )
        elif clarity != "FL" and not (internally and clarity == "IF"):
            allowed = '"internally flawless" is for FL or IF' if internally else '"flawless" is for FL'
            yield finding(CopyCode.FLAWLESS_CLAIM, f"{allowed} clarity (Clarity is {clarity or '(blank)'})")


def _perfect(copy: str, s: Subject, stone_words: str) -> Iterator[Finding]:
    if s.stone is None:
        return
    about = re.compile(
        rf"\bperfect(?:ly)?\s+(?:[\w-]+\s+){{0,2}}(?:{stone_words}|clarity|colou?r|cut|brilliance)\b"
        rf"|\b(?:{stone_words})\s+(?:is|are)\s+perfect\b",
        re.I,
    )
    ref = s.rules.reference
    for m in about.finditer(copy):
        if s.origin == "Simulated":
            yield finding(CopyCode.PERFECT_CLAIM, '"perfect" is never for an imitation stone', "16 CFR 23.28(c)")
        elif not s.diamond:
            yield finding(
                CopyCode.PERFECT_CLAIM,
                f'"{m.group(0)}": a "perfect" {s.stone.singular} must be flawless and of fine colour and make',
                "16 CFR 23.28(b)",
            )
        elif not (
            s.get("Clarity") == "FL"
            and s.get("Color") in ref.perfect_colors
            and s.get("Shape") in ref.cut_shapes
            and s.get("Cut") in ref.perfect_cuts
        ):
            yield finding(
                CopyCode.PERFECT_CLAIM,
                f'"{m.group(0)}": "perfect" needs FL clarity, colour {"/".join(ref.perfect_colors)} and a '
                f"{'/'.join(ref.perfect_cuts)} cut grade (Clarity {s.get('Clarity') or '(blank)'}, Color "
                f"{s.get('Color') or '(blank)'}, Cut {s.get('Cut') or '(blank)'})",
            )


def _grades(copy: str, s: Subject) -> Iterator[Finding]:
    color, clarity, cut = s.get("Color"), s.get("Clarity"), s.get("Cut")
    for m in COLOR_NEAR.finditer(copy):
        low, high = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        high = high or low
        if not color or not (low <= color <= high):
            said = low if low == high else f"{low}-{high}"
            yield finding(CopyCode.COLOR_MISMATCH, f"says color {said} but Color is {color or '(blank)'}")
    for m in CLARITY_NEAR.finditer(copy):
        stated = m.group(1) or m.group(2) or m.group(3)
        if stated != clarity:
            yield finding(CopyCode.CLARITY_MISMATCH, f"says {stated} clarity but Clarity is {clarity or '(blank)'}")
    graded = s.diamond and s.get("Shape") in s.rules.reference.cut_shapes
    for m in CUT_NEAR.finditer(copy):
        stated = " ".join((m.group(1) or m.group(2)).split()).title()
        if not graded:
            yield finding(
                CopyCode.CUT_GRADE_MISMATCH,
                f'says "{m.group(0)}" but GIA cut grades are for round brilliant diamonds only '
                f"(this is a {(s.get('Shape') or 'unshaped').lower()} {s.stone.singular if s.stone else 'piece'})",
            )
        elif stated != cut:
            yield finding(CopyCode.CUT_GRADE_MISMATCH, f'says "{m.group(0)}" but Cut is {cut or "(blank)"}')


def _shapes(copy: str, s: Subject, stone_words: str) -> Iterator[Finding]:
    """A shape named as a cut ("oval-cut", "oval diamond", "Shape: Oval") must be the stone's Shape."""
    shape = s.get("Shape")
    for m in re.finditer(r"\bshape\s*:\s*([A-Za-z]+)", copy, re.I):
        if m.group(1).capitalize() in SHAPES and m.group(1).capitalize() != shape:
            yield finding(CopyCode.SHAPE_MISMATCH, f'says "{m.group(0)}" but Shape is {shape or "(blank)"}')
    for name in SHAPES:
        stone_after = rf"(?:[\w-]+\s+)?(?:{stone_words})\b"
        pattern = rf"\b{name}(?:[- ]cut\b|[- ]shaped?\s+{stone_after}|\s+{stone_after})"
        for m in re.finditer(pattern, copy, re.I):
            if name == "Emerald" and shape != "Emerald" and not re.match(r"emerald[- ](?:cut|shape)", m.group(0), re.I):
                continue  # "emerald" before another stone word is the stone itself ("emerald gemstone")
            if name != shape:
                yield finding(CopyCode.SHAPE_MISMATCH, f'says "{m.group(0)}" but Shape is {shape or "(blank)"}')
                break
