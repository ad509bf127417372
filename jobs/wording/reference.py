"""The brand's reference tables (config/rules.toml): stones, treatments, gold layers, grading scope, hallmarking.

Read once per run by the validate job, the describe job, the exporters and the copy checker, so that a
stone's allowed origins, a treatment's care needs or a layer's minimum karat live in one place.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from sheetsync import Config
from sheetsync.errors import ConfigError

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "config" / "rules.toml"  # the brand's shipped rules file


@dataclass(frozen=True)
class Stone:
    """One stone of the Stone vocabulary as copy treats it."""

    name: str
    origins: tuple[str, ...]
    names: tuple[str, ...]
    lab_word: str = "lab-created"
    simulates: str | None = None
    material_name: bool = False
    cut: str = "faceted"  # faceted, cabochon or none
    birthstone: str | None = None

    @property
    def singular(self) -> str:
        return self.names[0]

    @property
    def plural(self) -> str:
        return self.names[1] if len(self.names) > 1 else self.names[0]

    @cached_property
    def pattern(self) -> str:
        """A regular expression for every name of the stone, longest first (so "cubic zirconias" wins)."""
        return "|".join(re.escape(n).replace(r"\ ", r"[\s-]") for n in sorted(self.names, key=len, reverse=True))

    @cached_property
    def mention(self) -> re.Pattern[str]:
        """The stone named as a word of its own, compiled once."""
        return re.compile(rf"(?<![\w-])(?:{self.pattern})\b", re.I)


@dataclass(frozen=True)
class Treatment:
    """A treatment's disclosure needs (16 CFR 23.24): permanence, special care, and whether it changes colour."""

    name: str
    permanent: bool
    special_care: bool
    colour: bool
    words: tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    """What a gold-layered Metal needs: which layer columns, and the minimum karat, fraction and thickness."""

    metal: str
    needs: tuple[str, ...] = ()
    min_karat: int | None = None
    min_fraction: Fraction | None = None
    min_microns: Decimal | None = None
    electroplate_min_karat: int = 10
    electroplate_min_microns: Decimal = Decimal("0.175")
    heavy_electroplate_min_microns: Decimal = Decimal("2.5")


@dataclass(frozen=True)
class Reference:
    """Every table the copy rules and the validate job share."""

    stones: Mapping[str, Stone]
    treatments: Mapping[str, Treatment]
    layers: Mapping[str, Layer]
    karat: Mapping[str, int]
    market_min_karat: Mapping[str, int]
    cut_shapes: tuple[str, ...] = ("Round",)
    perfect_colors: tuple[str, ...] = ("D", "E", "F")
    perfect_cuts: tuple[str, ...] = ("Excellent",)
    faceted_only: tuple[str, ...] = ()
    uk_channels: tuple[str, ...] = ("NOTHS",)
    hallmark_metals: Mapping[str, str] = field(default_factory=dict)
    hallmark_exemption_g: Mapping[str, Decimal] = field(default_factory=dict)

    def stone(self, name: str | None) -> Stone | None:
        return self.stones.get(name or "")

    @cached_property
    def named_stones(self) -> tuple[Stone, ...]:
        """The stones copy names by their own names ("Other" is generic: "gemstone")."""
        return tuple(s for s in self.stones.values() if s.name != "Other")

    @cached_property
    def stone_names(self) -> str:
        """A regular expression for any named stone's name."""
        return "|".join(s.pattern for s in self.named_stones)

    @cached_property
    def stone_words(self) -> str:
        """A regular expression for any stone's name, or the generic words for a stone."""
        from .compliance.stones import GENERIC

        return "|".join([*(s.pattern for s in self.stones.values()), GENERIC])

    def min_karat(self, market: str) -> int:
        """The lowest karat that may be called gold in a market (US 10, UK 9); unknown markets use the US's."""
        return self.market_min_karat.get(market.upper(), self.market_min_karat.get("US", 10))


def karat_of(purity: str | None) -> int | None:
    """14 for "14K"; None for a fineness such as 925."""
    match = re.fullmatch(r"(\d{1,2})K", str(purity or ""))
    return int(match.group(1)) if match else None


def fraction_of(text: str | None) -> Fraction | None:
    """Fraction(1, 20) for "1/20"; None for anything else."""
    try:
        return Fraction(str(text or "").replace(" ", "")) if "/" in str(text or "") else None
    except (ValueError, ZeroDivisionError):
        return None


def rules_path(config: Config) -> Path:
    return config.root / str(config.policy("validate.rules_file", "rules.toml"))


def load_reference(config: Config | None = None) -> Reference:
    """The reference tables of a config's rules file (the shipped one without a config)."""
    path = rules_path(config) if config is not None else DEFAULT_RULES
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _load(path, stamp)


def read_rules(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: the brand's rules file is missing (policies.validate.rules_file)") from None
    except tomllib.TOMLDecodeError as ex:
        raise ConfigError(f"{path}: not valid TOML: {ex}") from ex


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int) -> Reference:
    data = read_rules(path)
    try:
        return _reference(data)
    except (KeyError, TypeError, ValueError) as ex:
        raise ConfigError(
            f"{path}: a [stones], [treatments], [layers] or [hallmarking] entry is malformed ({ex})"
        ) from ex


def _reference(data: Mapping[str, Any]) -> Reference:
    grading = data.get("grading", {})
    marking = data.get("hallmarking", {})
    return Reference(
        stones={name: _stone(name, spec) for name, spec in data.get("stones", {}).items()},
        treatments={name: _treatment(name, spec) for name, spec in data.get("treatments", {}).items()},
        layers={metal: _layer(metal, spec) for metal, spec in data.get("layers", {}).items()},
        karat={p: int(k) for p, k in data.get("karat", {}).items()},
        market_min_karat={m.upper(): int(k) for m, k in data.get("market_min_karat", {}).items()},
        cut_shapes=tuple(grading.get("cut_shapes", ("Round",))),
        perfect_colors=tuple(grading.get("perfect_colors", ("D", "E", "F"))),
        perfect_cuts=tuple(grading.get("perfect_cuts", ("Excellent",))),
        faceted_only=tuple(data.get("shapes", {}).get("faceted_only", ())),
        uk_channels=tuple(marking.get("uk_channels", ("NOTHS",))),
        hallmark_metals=dict(marking.get("metals", {})),
        hallmark_exemption_g={m: Decimal(str(g)) for m, g in marking.get("exemption_g", {}).items()},
    )


def _stone(name: str, spec: Mapping[str, Any]) -> Stone:
    names = tuple(str(n).lower() for n in spec.get("names", [name.lower()]))
    return Stone(
        name=name,
        origins=tuple(spec.get("origins", ("Natural", "Lab-Grown", "Simulated"))),
        names=names,
        lab_word=str(spec.get("lab_word", "lab-created")),
        simulates=spec.get("simulates"),
        material_name=bool(spec.get("material_name", False)),
        cut=str(spec.get("cut", "faceted")),
        birthstone=spec.get("birthstone"),
    )


def _treatment(name: str, spec: Mapping[str, Any]) -> Treatment:
    return Treatment(
        name=name,
        permanent=bool(spec.get("permanent", False)),
        special_care=bool(spec.get("special_care", True)),
        colour=bool(spec.get("colour", True)),
        words=tuple(str(w).lower() for w in spec.get("words", [name.lower()])),
    )


def _layer(metal: str, spec: Mapping[str, Any]) -> Layer:
    def dec(key: str, default: str) -> Decimal:
        return Decimal(str(spec.get(key, default)))

    fraction = spec.get("min_fraction")
    microns = spec.get("min_microns")
    return Layer(
        metal=metal,
        needs=tuple(spec.get("needs", ())),
        min_karat=int(spec["min_karat"]) if "min_karat" in spec else None,
        min_fraction=Fraction(str(fraction)) if fraction else None,
        min_microns=Decimal(str(microns)) if microns is not None else None,
        electroplate_min_karat=int(spec.get("electroplate_min_karat", 10)),
        electroplate_min_microns=dec("electroplate_min_microns", "0.175"),
        heavy_electroplate_min_microns=dec("heavy_electroplate_min_microns", "2.5"),
    )
