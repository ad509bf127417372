"""What copy may say about the metal: karat gold, gold layers, vermeil, silver, platinum and palladium.

Sources, as read: 16 CFR 23.3 (gold: the karat immediately before "gold"; plated and coated gold qualified
as such; gold filled, rolled gold plate and electroplate in 23.3(c)), 23.4 (vermeil: sterling silver under
at least 10K gold of at least 2.5 microns), 23.5 (silver: "sterling" and "solid silver" need 925, "coin
silver" 900, plain "silver" a fineness right before it), 23.6 (platinum group metals: plain "platinum" needs
950, 850-950 the fineness before it). UK: Hallmarking Act 1973 Schedule 1 Part I permits only "gold plated"
and "rolled gold" for articles that are not hallmarked gold, so "gold filled" is not a UK description.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from .codes import CopyCode, Finding, finding
from .subject import SOLID_GOLD, Subject
from .text import word_before

FINENESS_KARAT = {"375": 9, "417": 10, "500": 12, "583": 14, "585": 14, "750": 18, "916": 22, "917": 22, "999": 24}
KARAT = r"(?:(\d{1,2})[\s-]?(?:k|kt|ct|karats?|carats?)|(375|417|583|585|750|916|917|999))"
COLOUR = r"(yellow|white|rose|pink|green)"
GOLD = re.compile(r"\bgold\b(?!en)", re.I)
BEFORE = re.compile(
    rf"(?:\b(\d+/\d+)[\s-]+)?(?:\b{KARAT}[\s-]+)?(?:{COLOUR}[\s-]+)?(?:(rolled|heavy)[\s-]+)?$",
    re.I,
)
AFTER = re.compile(
    r"^[\s-]?(filled|fill|plated|plate|electroplated|electroplate|vermeil|overlay|flashed|washed|"
    r"tone[ds]?|colou?r(?:ed)?)\b",
    re.I,
)
PLATED_CONTEXT = re.compile(
    r"\b(?:plated|electroplated|coated|dipped|layered|vermeil|finished)\s+(?:in|with)\s+$", re.I
)
SILVER = re.compile(r"\b(?:sterling(?:\s+silver)?|silver)\b|\bster\.", re.I)
NOT_SILVER_CLAIM = re.compile(
    r"^[\s-]?(?:tone[ds]?|colou?r(?:ed)?|plated|plate|grey|gray|box|boxes|pouch|foil|ribbon|paper|gift|card|tissue|lining)\b",
    re.I,
)
PGM = re.compile(r"\b(platinum|palladium)\b|\bP([td])\s?(\d{3})\b|\b(\d{3})\s?P([td])\b", re.I)


@dataclass(frozen=True)
class GoldMention:
    """One "gold" in the copy and what surrounds it."""

    phrase: str
    kind: str  # plain, vermeil, filled, rolled, plated, electroplate, heavy, tone
    karat: int | None
    colour: str | None
    fraction: Fraction | None
    solid: bool
    plated_context: bool


def check(copy: str, subject: Subject) -> list[Finding]:
    return [*_gold(copy, subject), *_vermeil_alone(copy, subject), *_silver(copy, subject), *_pgm(copy, subject)]


def gold_mentions(copy: str) -> Iterator[GoldMention]:
    """Every "gold" of the copy, classified by the words around it."""
    for m in GOLD.finditer(copy):
        head = copy[: m.start()]
        offset = max(0, len(head) - 60)  # the words right before "gold" are all that matter
        before = BEFORE.search(head, offset)
        assert before is not None  # every part is optional, so it always matches
        after = AFTER.match(copy[m.end() :])
        fraction, karat_digits, fineness, colour, prefix = (
            before.group(1),
            before.group(2),
            before.group(3),
            before.group(4),
            before.group(5),
        )
        kind = _kind(prefix.lower() if prefix else "", after.group(1).lower() if after else "")
        karat = int(karat_digits) if karat_digits else FINENESS_KARAT.get(fineness or "")
        start = before.start() if before.group(0).strip() else m.start()
        end = m.end() + (after.end() if after else 0)
        yield GoldMention(
            phrase=" ".join(copy[start:end].split()),
            kind=kind,
            karat=karat,
            colour=colour.lower().replace("pink", "rose") if colour else None,
            fraction=Fraction(fraction) if fraction and fraction.split("/")[1] != "0" else None,
            solid=word_before(copy, start) == "solid",
            plated_context=bool(PLATED_CONTEXT.search(head[: start if start < m.start() else m.start()])),
        )


def _kind(prefix: str, suffix: str) -> str:
    if suffix.startswith(("tone", "colo")):
        return "tone"
    if prefix == "rolled":
        return "rolled"
    if prefix == "heavy" and suffix.startswith("electroplat"):
        return "heavy"
    if suffix.startswith("electroplat"):
        return "electroplate"
    if suffix.startswith("fill"):
        return "filled"
    if suffix == "vermeil":
        return "vermeil"
    if suffix in ("plated", "plate", "flashed", "washed", "overlay"):
        return "plated" if suffix != "overlay" else "filled"
    return "plain"


def _gold(copy: str, s: Subject) -> Iterator[Finding]:
    minimum = s.rules.reference.min_karat(s.rules.market)
    for g in gold_mentions(copy):
        if g.kind == "tone":
            continue  # a colour, not a claim of gold (Hallmarking Act 1973 Sch. 1 Part I para 2)
        if g.karat is not None and g.karat < minimum:
            yield finding(
                CopyCode.KARAT_TOO_LOW,
                f'"{g.phrase}": {g.karat}K may not be called gold in the {s.rules.market} market (at least {minimum}K)',
            )
        if g.solid and s.layered:
            yield finding(
                CopyCode.PLATED_AS_SOLID,
                f'says "solid {g.phrase}" but Metal is {s.metal}: plated, filled and vermeil pieces are not solid gold',
            )
            continue
        if g.kind == "plain" and not g.plated_context:
            yield from _plain_gold(g, s)
        elif g.kind == "plain" or g.kind in ("plated", "electroplate", "heavy"):
            yield from _plated(g, s)
        elif g.kind == "vermeil":
            yield from _vermeil(g.phrase, g.karat, s)
        else:
            yield from _filled(g, s)


def _plain_gold(g: GoldMention, s: Subject) -> Iterator[Finding]:
    if s.layered:
        yield finding(
            CopyCode.PLATED_UNQUALIFIED,
            f'says "{g.phrase}" but Metal is {s.metal}: say how the gold is applied (e.g. "{_layer_example(s)}")',
        )
        return
    if not s.solid_gold:
        yield finding(CopyCode.METAL_MISMATCH, f'says "{g.phrase}" but Metal is {s.metal or "(blank)"}')
        return
    if g.karat is None:
        example = f"{s.purity or '14K'} {SOLID_GOLD[s.metal or ''] if s.metal in SOLID_GOLD else ''} gold"
        yield finding(
            CopyCode.KARAT_MISSING,
            f'"{g.phrase}" needs its karat immediately before gold (e.g. "{" ".join(example.split())}")',
        )
    elif f"{g.karat}K" != s.purity:
        yield finding(CopyCode.KARAT_MISMATCH, f'says "{g.phrase}" but Purity is {s.purity or "(blank)"}')
    if g.colour and g.colour != SOLID_GOLD.get(s.metal or ""):
        yield finding(CopyCode.METAL_MISMATCH, f"says {g.colour} gold but Metal is {s.metal}")


def _layer_example(s: Subject) -> str:
    karat = f"{s.layer_karat}K " if s.layer_karat else ""
    if s.metal == "Gold Vermeil":
        return f"{karat}gold vermeil over sterling silver"
    if s.metal == "Gold Filled":
        return f"{s.get('Layer Fraction') or '1/20'} {karat}gold filled"
    if s.metal == "Rolled Gold Plate":
        return f"{s.get('Layer Fraction') or '1/40'} {karat}rolled gold plate"
    return f"{karat}gold plated"


def _layer_karat_matches(phrase: str, karat: int | None, s: Subject) -> Iterator[Finding]:
    if karat is not None and karat != s.layer_karat:
        said = f"{s.layer_karat}K" if s.layer_karat else "(blank)"
        column = "Purity" if s.metal in ("Gold Filled", "Rolled Gold Plate") else "Layer Karat"
        yield finding(CopyCode.LAYER_MISMATCH, f'says "{phrase}" but {column} is {said}')


def _plated(g: GoldMention, s: Subject) -> Iterator[Finding]:
    if not s.layered:
        yield finding(CopyCode.METAL_MISMATCH, f'says "{g.phrase}" but Metal is {s.metal or "(blank)"}')
        return
    yield from _layer_karat_matches(g.phrase, g.karat, s)
    if g.kind in ("electroplate", "heavy"):
        layer = s.rules.reference.layers.get("Gold Plated")
        need_karat = layer.electroplate_min_karat if layer else 10
        need = (
            (layer.heavy_electroplate_min_microns if layer else None)
            if g.kind == "heavy"
            else (layer.electroplate_min_microns if layer else None)
        )
        karat, microns = s.layer_karat, s.layer_microns
        if karat is None or karat < need_karat or need is None or microns is None or microns < need:
            yield finding(
                CopyCode.ELECTROPLATE_INVALID,
                f'"{g.phrase}" needs a layer of at least {need_karat}K gold at least {need} microns thick '
                f"(Layer Karat is {f'{karat}K' if karat else '(blank)'}, Layer Thickness "
                f'{microns if microns is not None else "(blank)"} microns): say "gold plated" instead',
            )


def _vermeil(phrase: str, karat: int | None, s: Subject) -> Iterator[Finding]:
    if s.metal != "Gold Vermeil":
        yield finding(CopyCode.METAL_MISMATCH, f'says "{phrase}" but Metal is {s.metal or "(blank)"}')
        return
    yield from _layer_karat_matches(phrase, karat, s)
    layer = s.layer
    wrong = []
    if s.silver_fineness is None or s.silver_fineness < 925:
        wrong.append(f"the base must be sterling silver (Purity is {s.purity or '(blank)'})")
    min_karat = layer.min_karat if layer and layer.min_karat else 10
    if s.layer_karat is None or s.layer_karat < min_karat:
        wrong.append(f"the gold must be at least {min_karat}K (Layer Karat is {s.get('Layer Karat') or '(blank)'})")
    min_microns = layer.min_microns if layer and layer.min_microns is not None else None
    if min_microns is not None and (s.layer_microns is None or s.layer_microns < min_microns):
        wrong.append(
            f"the gold must be at least {min_microns} microns thick (Layer Thickness is "
            f"{s.layer_microns if s.layer_microns is not None else '(blank)'})"
        )
    if wrong:
        yield finding(CopyCode.VERMEIL_INVALID, f'"{phrase}": {"; ".join(wrong)}')


def _vermeil_alone(copy: str, s: Subject) -> Iterator[Finding]:
    """ "vermeil" not right after "gold" ("a vermeil finish") is a vermeil claim too."""
    for m in re.finditer(r"\bvermeil\b", copy, re.I):
        if not re.search(r"\bgold[\s-]*$", copy[: m.start()], re.I):
            yield from _vermeil(m.group(0), None, s)


def _filled(g: GoldMention, s: Subject) -> Iterator[Finding]:
    allowed = ("Gold Filled",) if g.kind == "filled" else ("Gold Filled", "Rolled Gold Plate")
    if s.metal not in allowed:
        yield finding(CopyCode.METAL_MISMATCH, f'says "{g.phrase}" but Metal is {s.metal or "(blank)"}')
        return
    if g.kind == "filled" and s.rules.uk:
        yield finding(
            CopyCode.UK_DESCRIPTION,
            f'"{g.phrase}" is not a description the UK permits for a piece that is not hallmarked gold: '
            f'say "rolled gold" or "gold plated"',
        )
    needs_fraction = not (g.kind == "rolled" and s.rules.uk)  # the UK's "rolled gold" is its own description
    if needs_fraction and (g.fraction is None or g.karat is None):
        yield finding(
            CopyCode.GOLD_FILLED_FRACTION,
            f'"{g.phrase}" must state the gold layer\'s fraction and karat right before it, e.g. "{_layer_example(s)}"',
        )
    if g.fraction is not None and g.fraction != s.layer_fraction:
        yield finding(
            CopyCode.LAYER_MISMATCH,
            f'says "{g.phrase}" but Layer Fraction is {s.get("Layer Fraction") or "(blank)"}',
        )
    yield from _layer_karat_matches(g.phrase, g.karat, s)


def _silver(copy: str, s: Subject) -> Iterator[Finding]:
    fineness = s.silver_fineness
    for m in SILVER.finditer(copy):
        word = m.group(0).lower()
        if NOT_SILVER_CLAIM.match(copy[m.end() :]):
            continue  # "silver-tone", "a silver gift box": a colour or the packaging, not the metal
        before = word_before(copy, m.start())
        if fineness is None:
            yield finding(CopyCode.METAL_MISMATCH, f'says "{m.group(0)}" but Metal is {s.metal or "(blank)"}')
            return
        if word.startswith(("sterling", "ster.")) or before in ("solid", "sterling"):
            need = 925
        elif before == "coin":
            need = 900
        elif before == "fine":
            need = 999
        elif re.fullmatch(r"\.?\d{3}", before):
            if int(before.lstrip(".")) != fineness:
                yield finding(CopyCode.SILVER_FINENESS, f'says "{before} silver" but the silver is {fineness}')
            continue
        else:
            yield finding(
                CopyCode.SILVER_UNQUALIFIED,
                f'plain "silver" needs "sterling" or its fineness right before it (e.g. "sterling silver", '
                f'"{fineness} silver")',
            )
            continue
        if fineness < need:
            yield finding(CopyCode.SILVER_FINENESS, f'"{word}" needs at least {need} silver; the silver is {fineness}')


def _pgm(copy: str, s: Subject) -> Iterator[Finding]:
    for m in PGM.finditer(copy):
        if m.group(1):
            word = m.group(1).lower()
            stated = re.search(
                r"(?:\bP[td]\s?)?\b(\d{3})\s*(?:P[td]\.?\s*)?$", copy[max(0, m.start() - 10) : m.start()]
            )
            number = stated.group(1) if stated else None
        else:
            letter, number = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(4))
            word = "platinum" if letter.lower() == "t" else "palladium"
            stated = m
        name = word.capitalize()
        if s.metal != name:
            yield finding(
                CopyCode.METAL_MISMATCH, f"mentions {word} but Metal is {s.metal or '(blank)'}", "16 CFR 23.6"
            )
            return
        if number is not None and number != s.purity:
            yield finding(CopyCode.KARAT_MISMATCH, f"says {number} {word} but Purity is {s.purity}", "16 CFR 23.6")
        elif number is None and s.purity != "950":
            yield finding(
                CopyCode.PURITY_MISSING,
                f'plain "{word}" needs 950 parts per thousand; state "{s.purity} {word}"',
            )
