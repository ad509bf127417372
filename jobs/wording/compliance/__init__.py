"""Copy compliance: what product copy may say about a piece, checked against its specs, rule by rule.

`check_copy(text, specs)` returns Findings with stable reason codes, each an error citing the rule it breaks
(the current 16 CFR Part 23, FTC Guides for the Jewelry, Precious Metals, and Pewter Industries, as revised in
2018; the UK Hallmarking Act 1973). It checks drafts, the Final Description people write, Etsy titles and tags
and every channel's rendered copy. `specs` maps SKUs headers to typed values (a Row's values); HTML is
reduced to text first. Declared proper nouns (the piece's own name and collection, and [brand.copy]
proper_nouns) are names, not claims: "Gold Coast" is not a statement about gold.

One module per concept: metals (gold, layers, vermeil, silver, platinum group), stones (names and their
qualifiers, "real"/"genuine"/"natural"), treatments, carats (weight), claims (flawless, perfect, grades, shape).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from . import carats, claims, metals, stones, treatments
from .codes import CITATION, CopyCode, Finding, finding
from .memo import remembered
from .subject import CopyRules, Subject
from .text import mask, plain_text

__all__ = [
    "CITATION",
    "CopyCode",
    "CopyRules",
    "Finding",
    "check_copy",
    "finding",
    "plain_text",
    "proper_nouns",
    "stated_facts",
]


def proper_nouns(specs: Mapping[str, Any], rules: CopyRules, name: bool = True) -> list[str]:
    """The names in this piece's copy that are not claims: its collection, its own name, the brand's list."""
    nouns = [str(specs.get("Collection") or ""), *rules.proper_nouns]
    if name:
        nouns.append(str(specs.get("Product Name") or ""))
    return [n for n in nouns if n.strip()]


def check_copy(
    text: str | None,
    specs: Mapping[str, Any],
    *,
    kind: str = "description",
    market: str | None = None,
    rules: CopyRules | None = None,
    own_name: bool = True,
) -> list[Finding]:
    """Every breach in `text` for the piece `specs`; kind "title" or "tags" skips the full-disclosure rules.

    `own_name=False` checks the Product Name itself (so it is not read as a proper noun)."""
    if not text or not str(text).strip():
        return []
    rules = (rules or CopyRules.default()).for_market(market)
    key = (str(text), kind, own_name, rules.market)
    return list(remembered(rules.memo, key, specs, lambda read: _check(str(text), read, kind, rules, own_name)))


def _check(text: str, specs: Mapping[str, Any], kind: str, rules: CopyRules, own_name: bool) -> tuple[Finding, ...]:
    subject = Subject(specs, rules, kind)
    copy = mask(plain_text(str(text)), proper_nouns(specs, rules, own_name), any_case=kind == "tags")
    words = _stone_words(subject)
    found: list[Finding] = [
        *metals.check(copy, subject),
        *stones.check(copy, subject),
        *treatments.check(copy, subject),
        *carats.check(copy, subject),
        *claims.check(copy, subject, words),
    ]
    unique: dict[tuple[str, str], Finding] = {}
    for f in found:
        unique.setdefault((f.code, f.message), f)
    return tuple(unique.values())


def _stone_words(subject: Subject) -> str:
    return subject.rules.reference.stone_words


def stated_facts(text: str | None, specs: Mapping[str, Any] | None = None, rules: CopyRules | None = None):
    """The facts a piece of copy states (karats, carat weights, stones with origin, metals), to compare channels."""
    rules = rules or CopyRules.default()
    specs = specs or {}
    subject = Subject(specs, rules)
    copy = mask(plain_text(text or ""), proper_nouns(specs, rules))
    karats = {f"{g.karat}K" for g in metals.gold_mentions(copy) if g.karat}
    weights = {str(w.value.quantize(Decimal("0.01"))) for w in carats.weights(copy)}
    found = set()
    for m in stones.mentions(copy, subject):
        if m.stone is None:
            continue
        said = stones.qualifier(copy, m.start, subject)
        origin = {"lab": "lab-grown", "maker": "lab-grown", "simulated": "simulated", "cultured": "cultured"}
        found.add(f"{origin.get(said, 'natural')} {m.stone.name.lower()}")
    named = {w.lower() for w in re.findall(r"\b(platinum|palladium|sterling silver|vermeil)\b", copy, re.I)}
    return {
        "karat": frozenset(karats),
        "carat": frozenset(weights),
        "stone": frozenset(found),
        "metal": frozenset(named),
    }


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if str(f.severity) == "error"]
