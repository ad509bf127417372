"""The validate job's building blocks: reason codes and the rule settings (the rules are sheetsync Rules).

Rules are data (sheetsync.model.checks.Rule): each one names its tab, the columns it reads, a stable
reason code, a default severity and a check function. Config can switch a rule off or change its
severity (`[policies.validate]` in sheetsync.toml), and the reference tables it checks against
(metal/purity, certificates, sizes, lengths, platform hosts) come from config/rules.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sheetsync import Config, Severity, policies, setting
from sheetsync.errors import ConfigError
from sheetsync.model.checks import Rule
from sheetsync.model.values import describe

from ..wording.reference import Reference, load_reference

ERROR, WARNING = Severity.ERROR, Severity.WARNING


class Reason(StrEnum):
    """Reason codes of the brand's row and cross-tab rules; values are stable (tests and exports use them)."""

    # SKUs: metal and purity
    PURITY_METAL_MISMATCH = "purity_metal_mismatch"
    KARAT_BELOW_MARKET = "karat_below_market"
    # SKUs: stones
    STONE_NONE_HAS_DETAILS = "stone_none_has_details"
    STONE_MISSING = "stone_missing"
    STONE_ORIGIN_MISSING = "stone_origin_missing"
    GRADING_NOT_DIAMOND = "grading_not_diamond"
    CARAT_DECIMALS = "carat_decimals"
    CERTIFICATE_FORMAT = "certificate_format"
    CERTIFICATE_ORIGIN_MISMATCH = "certificate_origin_mismatch"
    CERTIFICATE_MISSING = "certificate_missing"
    STONE_ORIGIN_NOT_ALLOWED = "stone_origin_not_allowed"
    CUT_NOT_GRADED = "cut_not_graded"
    SHAPE_NOT_FOR_STONE = "shape_not_for_stone"
    # SKUs: gold layers and UK hallmarking
    LAYER_MISSING = "layer_missing"
    LAYER_BELOW_MINIMUM = "layer_below_minimum"
    LAYER_NOT_LAYERED = "layer_not_layered"
    HALLMARK_MISSING = "hallmark_missing"
    # SKUs: product groups and photos
    GROUP_SPECS_DIFFER = "group_specs_differ"
    GROUP_OPTION_REPEATED = "group_option_repeated"
    GROUP_TOO_MANY_OPTIONS = "group_too_many_options"
    IMAGE_URL_INVALID = "image_url_invalid"
    # SKUs: sizes
    RING_SIZE_NOT_RING = "ring_size_not_ring"
    RING_SIZE_INVALID = "ring_size_invalid"
    CHAIN_LENGTH_NOT_CHAIN = "chain_length_not_chain"
    CHAIN_LENGTH_INVALID = "chain_length_invalid"
    # SKUs: money, stock and copy
    PRICE_ORDER = "price_order"
    WHOLESALE_SHARE = "wholesale_share"
    FINAL_DESCRIPTION_MISSING = "final_description_missing"
    # any tab: numbers
    NOT_POSITIVE = "not_positive"
    NEGATIVE = "negative"
    # Returns
    UNKNOWN_SKU = "unknown_sku"
    DATE_ORDER = "date_order"
    NOT_RESIZABLE = "not_resizable"
    NOT_REPAIRABLE = "not_repairable"
    RESOLUTION_INCOMPLETE = "resolution_incomplete"
    REFUND_AMOUNT_MISSING = "refund_amount_missing"
    REFUND_ABOVE_PRICE = "refund_above_price"
    RELISTED_MISSING_CERTIFICATE = "relisted_missing_certificate"
    # Gifts
    UNKNOWN_INFLUENCER = "unknown_influencer"
    DO_NOT_GIFT = "do_not_gift"
    ADDRESS_UNCONFIRMED = "address_unconfirmed"
    POST_URL_PLATFORM = "post_url_platform"
    DISCLOSURE_MISSING = "disclosure_missing"


@dataclass(frozen=True)
class Certificate:
    lab: str
    number: re.Pattern
    example: str
    lab_grown_prefix: str | None = None


@dataclass(frozen=True)
class Settings:
    """The rules' reference tables and thresholds, read from config once."""

    market: str
    metal_purity: Mapping[str, tuple[str, ...]]
    karat: Mapping[str, int]
    min_karat: int | None
    certificates: Mapping[str, Certificate]
    graded_stones: tuple[str, ...]
    grading_columns: tuple[str, ...]
    ring_categories: tuple[str, ...]
    ring_min: Decimal
    ring_max: Decimal
    ring_step: Decimal
    chain_length: Mapping[str, tuple[Decimal, ...] | tuple[Decimal, Decimal, Decimal]]
    chain_is_range: Mapping[str, bool]
    platform_hosts: Mapping[str, tuple[str, ...]]
    wholesale_min: Decimal
    wholesale_max: Decimal
    certificate_min_carat: Decimal
    carat_decimals: int
    copy_required_statuses: tuple[str, ...]
    resizable: tuple[str, ...]
    repairable: tuple[str, ...]
    date_order: Mapping[str, tuple[str, ...]]
    positive: Mapping[str, tuple[str, ...]]
    non_negative: Mapping[str, tuple[str, ...]]
    do_not_gift: tuple[str, ...]
    disabled: frozenset[str]
    reference: Reference
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(f"{rule.tab}.{rule.code}") or self.severity.get(str(rule.code)) or rule.severity


STATUSES = "values:SKUs.Description Status"


@policies("validate")
@dataclass(frozen=True)
class ValidatePolicy:
    """[policies.validate]: the business thresholds of the rules, and which rules are off or differ in severity."""

    rules_file: str = "rules.toml"
    wholesale_share_min: float = setting(0.4, min=0, max=1)  # shares of retail: 0.5 is keystone, not 50
    wholesale_share_max: float = setting(0.6, min=0, max=1)
    certificate_min_carat: float = setting(0.5, min=0)
    carat_decimals: int = setting(2, min=0, max=4)
    copy_required_statuses: tuple[str, ...] = setting(("Approved", "Published"), refers=STATUSES)
    resizable_categories: tuple[str, ...] = setting(("Ring",), refers="values:SKUs.Category")
    repairable_categories: tuple[str, ...] = setting(("Ring",), refers="values:SKUs.Category")
    returns_date_order: tuple[str, ...] = setting((), refers="columns:Returns")
    gifts_date_order: tuple[str, ...] = setting((), refers="columns:Gifts")
    do_not_gift_statuses: tuple[str, ...] = setting(("Do Not Gift",), refers="values:Influencers.Status")
    disabled: tuple[str, ...] = setting((), choices=tuple(Reason))
    non_negative: Mapping[str, tuple[str, ...]] = setting({}, refers="tab->columns")
    positive: Mapping[str, tuple[str, ...]] = setting({}, refers="tab->columns")
    severity: Mapping[str, str] = setting({}, choices=("error", "warning"))


def settings(config: Config) -> Settings:
    """The rule settings of a config (the rules file and [policies.validate]), read once per run."""
    return _load(config)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _read_rules(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: the validate job's rules file is missing (policies.validate.rules_file)") from None
    except tomllib.TOMLDecodeError as ex:
        raise ConfigError(f"{path}: not valid TOML: {ex}") from ex


def _certificates(specs: Mapping[str, Any], path: Path) -> dict[str, Certificate]:
    """Grading labs by upper-case name, each with its report-number pattern."""
    certs = {}
    for lab, spec in specs.items():
        try:
            pattern = re.compile(spec["number"])
        except (KeyError, re.error) as ex:
            raise ConfigError(f"{path}: certificates.{lab}.number must be a regular expression ({ex})") from ex
        certs[lab.upper()] = Certificate(lab.upper(), pattern, spec.get("example", lab), spec.get("lab_grown_prefix"))
    return certs


def _chain_lengths(specs: Mapping[str, Any]) -> tuple[dict[str, tuple[Decimal, ...]], dict[str, bool]]:
    """Per category: (min, max, step) from a table, or the allowed lengths from a list; and which it was."""
    chains: dict[str, tuple[Decimal, ...]] = {}
    ranges: dict[str, bool] = {}
    for category, spec in specs.items():
        if isinstance(spec, Mapping):
            chains[category] = (_dec(spec["min"]), _dec(spec["max"]), _dec(spec.get("step", "0.25")))
            ranges[category] = True
        else:
            chains[category] = tuple(_dec(v) for v in spec)
            ranges[category] = False
    return chains, ranges


def _severities(words: Mapping[str, Any], config: Config) -> dict[str, Severity]:
    severity = {}
    for key, word in words.items():
        try:
            severity[key] = Severity(str(word).lower())
        except ValueError:
            raise ConfigError(f"{config.path}: policies.validate.severity.{key} must be 'error' or 'warning'") from None
    return severity


def _load(config: Config) -> Settings:
    pol = config.policy(ValidatePolicy)
    path = config.root / pol.rules_file
    data = _read_rules(path)
    market = str(config.brand.get("market", "US")).upper()
    certs = _certificates(data.get("certificates", {}), path)
    chains, ranges = _chain_lengths(data.get("chain_length", {}))
    ring = data.get("ring_size", {})
    grading = data.get("grading", {})
    severity = _severities(pol.severity, config)
    min_karat = data.get("market_min_karat", {}).get(market)
    return Settings(
        market=market,
        metal_purity={m: tuple(p) for m, p in data.get("metal_purity", {}).items()},
        karat={p: int(k) for p, k in data.get("karat", {}).items()},
        min_karat=int(min_karat) if min_karat is not None else None,
        certificates=certs,
        graded_stones=tuple(grading.get("stones", ["Diamond"])),
        grading_columns=tuple(grading.get("columns", ["Color", "Clarity", "Cut"])),
        ring_categories=tuple(ring.get("categories", ["Ring"])),
        ring_min=_dec(ring.get("min", 3)),
        ring_max=_dec(ring.get("max", 13)),
        ring_step=_dec(ring.get("step", 0.25)),
        chain_length=chains,
        chain_is_range=ranges,
        platform_hosts={p: tuple(h.lower() for h in hosts) for p, hosts in data.get("platform_hosts", {}).items()},
        wholesale_min=_dec(pol.wholesale_share_min),
        wholesale_max=_dec(pol.wholesale_share_max),
        certificate_min_carat=_dec(pol.certificate_min_carat),
        carat_decimals=pol.carat_decimals,
        copy_required_statuses=pol.copy_required_statuses,
        resizable=pol.resizable_categories,
        repairable=pol.repairable_categories,
        date_order={"Returns": pol.returns_date_order, "Gifts": pol.gifts_date_order},
        positive=dict(pol.positive),
        non_negative=dict(pol.non_negative),
        do_not_gift=pol.do_not_gift_statuses,
        disabled=frozenset(pol.disabled),
        reference=load_reference(config),
        severity=severity,
    )


# Helpers shared by the rule modules -----------------------------------------------------------------


def show(value: Any) -> str:
    """A value in a message, as a person would type it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return describe(value)


def money(value: Any) -> str:
    return f"${value:,.2f}" if isinstance(value, Decimal) else show(value)


def words(values: Iterable[Any], last: str = "or") -> str:
    """['a', 'b', 'c'] -> 'a, b or c'."""
    items = [show(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def on_step(value: Decimal, low: Decimal, high: Decimal, step: Decimal) -> bool:
    """Whether value lies in [low, high] on the grid low + n*step."""
    return low <= value <= high and (value - low) % step == 0
