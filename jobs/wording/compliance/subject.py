"""What the copy rules know: the brand's rules (market, makers, proper nouns, reference tables) and the piece."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from sheetsync import Config

from ..reference import Layer, Reference, Stone, Treatment, fraction_of, karat_of, load_reference

SOLID_GOLD = {"Yellow Gold": "yellow", "White Gold": "white", "Rose Gold": "rose"}
LAYERED = ("Gold Vermeil", "Gold Filled", "Rolled Gold Plate", "Gold Plated")
UK_MARKETS = ("UK", "GB", "IE")


@dataclass(frozen=True)
class CopyRules:
    """The brand's copy rules: the market the copy is for, its declared maker names and proper nouns."""

    reference: Reference
    market: str = "US"
    makers: tuple[str, ...] = ()  # "[maker]-created" qualifiers the brand may use (16 CFR 23.25(b))
    proper_nouns: tuple[str, ...] = ()  # names that are not claims about the piece ("Gold Coast")
    # Checks already made with these rules (see memo.py); shared by the rules' other markets.
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def from_config(cls, config: Config, market: str | None = None) -> CopyRules:
        copy = config.brand.get("copy", {}) or {}
        return cls(
            reference=load_reference(config),
            market=str(market or config.brand.get("market", "US")).upper(),
            makers=tuple(str(m) for m in copy.get("makers", ())),
            proper_nouns=tuple(str(n) for n in copy.get("proper_nouns", ())),
        )

    @classmethod
    def default(cls) -> CopyRules:
        """The shipped rules file, US market, no makers or proper nouns (for callers without a config)."""
        return cls(load_reference())

    def for_market(self, market: str | None) -> CopyRules:
        return self if not market or market.upper() == self.market else dataclasses.replace(self, market=market.upper())

    @property
    def uk(self) -> bool:
        return self.market in UK_MARKETS


@dataclass(frozen=True)
class Subject:
    """The piece the copy describes (its typed specs) with the rules that apply, as the checks read them."""

    specs: Mapping[str, Any]
    rules: CopyRules
    kind: str = "description"  # description, title or tags

    def get(self, header: str) -> Any:
        value = self.specs.get(header)
        return None if value in (None, "") else value

    @property
    def metal(self) -> str | None:
        return self.get("Metal")

    @property
    def purity(self) -> str:
        return str(self.get("Purity") or "")

    @property
    def solid_gold(self) -> bool:
        return self.metal in SOLID_GOLD

    @property
    def layered(self) -> bool:
        return self.metal in LAYERED

    @property
    def layer(self) -> Layer | None:
        return self.rules.reference.layers.get(self.metal or "")

    @property
    def layer_karat(self) -> int | None:
        """The gold layer's karat: Layer Karat, or for filled and rolled metals the Purity."""
        if self.metal in ("Gold Filled", "Rolled Gold Plate"):
            return karat_of(self.purity) or karat_of(self.get("Layer Karat"))
        return karat_of(self.get("Layer Karat"))

    @property
    def layer_fraction(self) -> Fraction | None:
        return fraction_of(self.get("Layer Fraction"))

    @property
    def layer_microns(self) -> Decimal | None:
        value = self.get("Layer Thickness (microns)")
        return Decimal(str(value)) if value is not None else None

    @property
    def silver_fineness(self) -> int | None:
        """Parts per thousand of the silver the piece is made of (sterling base of vermeil and plate too)."""
        if self.metal in ("Sterling Silver", "Gold Vermeil") or (self.metal == "Gold Plated" and self.purity.isdigit()):
            return int(self.purity) if self.purity.isdigit() else 925
        return None

    @cached_property
    def stone(self) -> Stone | None:
        name = self.get("Stone")
        if name in (None, "None"):
            return None
        return self.rules.reference.stone(name) or Stone(str(name), ("Natural",), (str(name).lower(),))

    @property
    def origin(self) -> str | None:
        return self.get("Stone Origin") if self.stone else None

    @property
    def made(self) -> bool:
        """Whether the stone is laboratory-grown or a simulant (the words of 16 CFR 23.27 may not describe it)."""
        return self.origin in ("Lab-Grown", "Simulated")

    @cached_property
    def treatment(self) -> Treatment | None:
        name = self.get("Treatment")
        if self.stone is None or name in (None, "None"):
            return None
        return self.rules.reference.treatments.get(name) or Treatment(str(name), False, True, True, ("treated",))

    @property
    def count(self) -> int:
        return int(self.get("Stone Count") or 1)

    @property
    def carat(self) -> Decimal | None:
        value = self.get("Carat Weight")
        return Decimal(str(value)) if value is not None else None

    @property
    def diamond(self) -> bool:
        return self.stone is not None and self.stone.name == "Diamond"

    @property
    def full(self) -> bool:
        """Whether the full-disclosure rules apply (a description, not a title or tags)."""
        return self.kind == "description"
