"""What copy may call the stone: its name, the qualifier right before it, and "real", "genuine", "natural".

Sources, as read: 16 CFR 23.12(b) (the unqualified word "diamond" only for a diamond), 23.25(a) (an
unqualified stone name only for a mined stone of that type), 23.25(b) (a laboratory-grown or simulated stone's
name, or "stone", "gem", "gemstone", "birthstone", immediately preceded by "laboratory-grown",
"laboratory-created", "[manufacturer name]-created" (or like words) or by "imitation"/"simulated"; "faux" is
not enough, "cultured" alone not for gemstones), 23.25(c) (lab words only with the stone's own properties),
23.20(b)-(c) (a cultured pearl: "cultured" or "cultivated" right before "pearl"; an imitation: "artificial",
"imitation" or "simulated"), 23.21(a) and (e) ("cultured" never for an imitation; "natural" never for a
cultured or imitation pearl), 23.26 (varietal names) and 23.27 ("real", "genuine", "natural", "precious",
"semi-precious" never for a product made artificially).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..reference import Stone
from .codes import CopyCode, Finding, finding
from .subject import Subject
from .text import words_after

GENERIC = r"birthstones?|gemstones?|gems?|stones?"
SHAPE_AFTER = re.compile(r"^[\s-](?:cut|shaped?)\b", re.I)
LAB = re.compile(r"\b(?:lab(?:oratory)?[\s-](?:grown|created)|synthetic)\s+$", re.I)
CREATED = re.compile(r"\b([A-Za-z][\w']*)[\s-]created\s+$", re.I)
SIMULATED = re.compile(r"\b(?:simulated|imitation)\s+$", re.I)
ARTIFICIAL = re.compile(r"\bartificial\s+$", re.I)
FAUX = re.compile(r"\bfaux\s+$", re.I)
CULTURED = re.compile(r"\b(?:cultured|cultivated)\s+$", re.I)
NATURAL = re.compile(r"\bnatural\s+$", re.I)
VARIETALS = {"yellow emerald": "golden beryl or heliodor", "green amethyst": "prasiolite"}
CLAIM_WORDS = re.compile(r"\b(real|genuine|natural|nature's|natura|precious|semi-precious|semiprecious)\b", re.I)
NOT_ABOUT_STONE = {
    # the metal
    "gold", "silver", "sterling", "platinum", "palladium", "metal", "metals", "karat", "vermeil",
    # the packaging
    "box", "boxes", "pouch", "packaging", "case", "wrap", "wrapping", "ribbon", "card", "leather", "velvet",
    "wood", "walnut", "oak", "cotton", "linen", "paper", "tissue", "bag",
    # neither the piece nor the stone
    "light", "daylight", "sunlight", "moment", "moments", "memories", "time", "life",
}  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """A stone named in the copy: which one (None for "stone", "gem", ...), the word, and where."""

    stone: Stone | None
    word: str
    start: int
    end: int


def check(copy: str, subject: Subject) -> list[Finding]:
    return [*_names(copy, subject), *_varietals(copy), *_claims(copy, subject)]


def mentions(copy: str, subject: Subject) -> Iterator[Mention]:
    """Every stone named in the copy; a shape word ("emerald-cut", "Shape: Emerald") is not a stone."""
    stones = subject.rules.reference.named_stones
    named = subject.rules.reference.stone_names
    for stone in stones:
        for m in stone.mention.finditer(copy):
            if stone.name == "Emerald" and _is_shape(copy, m, named):
                continue
            if stone.name == "Diamond" and re.match(r"^-cut\b", copy[m.end() :], re.I):
                continue  # "diamond-cut chain": a metal finish
            yield Mention(stone, m.group(0), m.start(), m.end())
    for m in re.finditer(rf"(?<![\w-])(?:{GENERIC})\b", copy, re.I):
        if m.group(0).lower().startswith("gemstone") and subject.stone and subject.stone.name == "Other":
            yield Mention(subject.stone, m.group(0), m.start(), m.end())
        elif not re.match(r"^(?:[\s-](?:set|setting|free)\b|\s*:)", copy[m.end() :], re.I):  # "Stone:" is a label
            yield Mention(None, m.group(0), m.start(), m.end())


def _is_shape(copy: str, m: re.Match, named: str) -> bool:
    if re.search(r"\bshape\s*:?\s*$", copy[max(0, m.start() - 12) : m.start()], re.I):
        return True
    after = copy[m.end() : m.end() + 40]
    return bool(SHAPE_AFTER.match(after) or re.match(rf"^\s+(?:[\w-]+\s+)?(?:{named})\b", after, re.I))


def qualifier(copy: str, at: int, subject: Subject) -> str:
    """What immediately precedes a stone name: lab, maker, bad_maker, simulated, artificial, faux, cultured,
    natural or "" (nothing that qualifies it)."""
    return _qualifier(copy, at, subject)[0]


def _qualifier(copy: str, at: int, subject: Subject) -> tuple[str, str]:
    """(kind, the words as written) of what immediately precedes a stone name."""
    head = copy[:at]
    found = LAB.search(head)
    if found:
        return "lab", found.group(0).strip()
    created = CREATED.search(head)
    if created:
        makers = {m.lower() for m in subject.rules.makers}
        return ("maker" if created.group(1).lower() in makers else "bad_maker"), created.group(0).strip()
    for name, pattern in (
        ("simulated", SIMULATED),
        ("artificial", ARTIFICIAL),
        ("faux", FAUX),
        ("cultured", CULTURED),
        ("natural", NATURAL),
    ):
        found = pattern.search(head)
        if found:
            return name, found.group(0).strip()
    return "", ""


def _names(copy: str, s: Subject) -> Iterator[Finding]:
    for m in mentions(copy, s):
        if m.stone is None or (s.stone is not None and m.stone.name == s.stone.name):
            if s.stone is not None:
                yield from _qualified(copy, m, s)
        else:
            yield from _other_stone(copy, m, s)


def _other_stone(copy: str, m: Mention, s: Subject) -> Iterator[Finding]:
    assert m.stone is not None
    said = qualifier(copy, m.start, s)
    if s.stone is not None and s.stone.simulates == m.stone.name and said == "simulated":
        return  # "simulated diamond" for cubic zirconia or moissanite is a true name
    cite = "16 CFR 23.12(b)" if m.stone.name == "Diamond" else None
    yield finding(
        CopyCode.STONE_MISMATCH,
        f'names "{m.word.lower()}" but Stone is {s.stone.name if s.stone else "None"}'
        + (f' (say "simulated {m.word.lower()}" or "{s.stone.singular}")' if s.stone and s.stone.simulates else ""),
        cite,
    )


def _qualified(copy: str, m: Mention, s: Subject) -> Iterator[Finding]:
    """The qualifier right before a name of the piece's own stone fits its Stone Origin."""
    assert s.stone is not None
    word, origin = m.word.lower(), s.origin
    said, written = _qualifier(copy, m.start, s)
    pearl = s.stone.name == "Pearl"
    if origin == "Natural":
        if said in ("lab", "maker", "bad_maker", "simulated", "artificial", "faux", "cultured"):
            yield finding(CopyCode.ORIGIN_MISMATCH, f'calls the {word} "{written}" but Stone Origin is Natural')
    elif origin == "Lab-Grown":
        yield from _lab(word, said, written, s)
    elif origin == "Simulated":
        if s.stone.material_name and m.stone is not None:
            return  # "cubic zirconia" says what it is
        if said in ("simulated",) or (pearl and said == "artificial"):
            return
        if said in ("lab", "maker", "cultured"):
            yield finding(
                CopyCode.ORIGIN_MISMATCH,
                f'calls the {word} "{written}" but it is a simulant',
                "16 CFR 23.21(a)" if pearl else None,
            )
        else:
            extra = ' ("faux" is not enough)' if said == "faux" else ""
            yield finding(
                CopyCode.SIMULANT_UNDISCLOSED,
                f'"{word}" must be immediately preceded by "simulated" or "imitation"{extra}',
                "16 CFR 23.20(c)" if pearl else None,
            )
    elif origin == "Cultured":
        if said == "cultured":
            return
        if said in ("natural", "simulated", "artificial"):
            yield finding(
                CopyCode.ORIGIN_MISMATCH,
                f'calls the cultured {word} "{written}"',
                "16 CFR 23.21(e)" if said == "natural" else "16 CFR 23.20(b)",
            )
        else:
            yield finding(CopyCode.CULTURED_UNDISCLOSED, f'"{word}" must be immediately preceded by "cultured"')


def _lab(word: str, said: str, written: str, s: Subject) -> Iterator[Finding]:
    if said in ("lab", "maker"):
        return
    if said in ("bad_maker", "faux", "cultured"):
        why = {
            "bad_maker": '"[maker]-created" needs the maker\'s name (declare it in [brand.copy] makers)',
            "faux": '"faux" is not an adequate disclosure',
            "cultured": '"cultured" alone does not disclose a laboratory-grown gemstone',
        }[said]
        yield finding(
            CopyCode.LAB_QUALIFIER_INVALID,
            f'"{written} {word}": {why}; say "lab-grown", "lab-created", "laboratory-grown" or "synthetic"',
        )
    elif said in ("simulated", "artificial"):
        yield finding(CopyCode.ORIGIN_MISMATCH, f'calls the {word} "{written}" but it is lab-grown, not a simulant')
    else:
        lab = s.stone.lab_word if s.stone else "lab-grown"
        yield finding(
            CopyCode.LAB_GROWN_UNDISCLOSED,
            f'"{word}" must be immediately preceded by "{lab}" or like words (the stone is lab-grown)',
            "16 CFR 23.12, 23.25(b)" if s.diamond else None,
        )


def _varietals(copy: str) -> Iterator[Finding]:
    for name, right in VARIETALS.items():
        if re.search(rf"\b{name}s?\b", copy, re.I):
            yield finding(CopyCode.VARIETAL_NAME, f'"{name}" is not a variety of that stone: call it {right}')


def _claims(copy: str, s: Subject) -> Iterator[Finding]:
    """ "real", "genuine", "natural", "precious" about a made stone (not about the gold or the box)."""
    if s.stone is None or s.origin not in ("Lab-Grown", "Simulated", "Cultured"):
        return
    found = []
    for m in CLAIM_WORDS.finditer(copy):
        word = m.group(1).lower()
        if s.origin == "Cultured" and word not in ("natural", "nature's", "natura"):
            continue  # for cultured pearls the Guides bar "natural" (23.21(e)); the rest is for made stones
        after = words_after(copy, m.end(), 2)
        nxt = re.sub(r"^\d+k$|^\d{3}$", "gold", after[0]) if after else ""
        if nxt in NOT_ABOUT_STONE:
            continue
        if s.origin == "Cultured" and re.match(rf"^\s+(?:{s.stone.pattern})\b", copy[m.end() :], re.I):
            continue  # "natural pearl" for a cultured one: the qualifier rule (23.21(e)) reports it
        found.append(word)
    if found:
        words = ", ".join(f'"{w}"' for w in dict.fromkeys(found))
        origin = (s.origin or "").lower()
        yield finding(
            CopyCode.NATURAL_CLAIM,
            f"says {words} about a piece whose stone is {origin}: remove it (it may describe the gold or the box, "
            "right before those words)",
            "16 CFR 23.21(e)" if s.origin == "Cultured" else None,
        )
