"""What each channel needs of a SKU: the exporters leave a SKU out when a blocking need is unmet (with the
reason), and the completeness job shows every need, met or not, per channel, in the SKUs tab.

Sources, as read: Etsy Open API v3 createDraftListing (quantity is "the positive non-zero number of products
available", taxonomy_id required, shipping_profile_id "required when listing type is physical"; a draft
becomes active only with an image); Hallmarking Act 1973 s.1 and Schedule 1 Part II para 12 as amended
(exempt below gold 1 g, silver 7.78 g, platinum 0.5 g, palladium 1 g); NOTHS Seller Code of Conduct (the
price and what the product is made of are stated correctly); Faire (wholesale price per unit, minimum order,
case size).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sheetsync import Config
from sheetsync.model.problems import Problem

from ..wording.images import good_urls
from ..wording.reference import Reference, load_reference
from .common import ExportCode
from .policy import ExportPolicy
from .sizes import uk_chart, uk_size

UK_MARKETS = ("UK", "GB")
UK_FINENESS = {  # Hallmarking Act 1973 Schedule 2: gold 375/585/750/916/990/999 (9K, 14K, 18K, 22K, 24K)
    "Yellow Gold": {"9K", "14K", "18K", "22K", "24K"},
    "White Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Rose Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Gold Vermeil": {"925"},
    "Gold Plated": {"925"},
    "Sterling Silver": {"925"},
    "Platinum": {"950", "900", "850"},
    "Palladium": {"950", "500"},
}


@dataclass(frozen=True)
class Need:
    """One thing a channel needs of a SKU; `blocks` keeps the SKU out of that channel's file when unmet."""

    name: str
    met: bool
    blocks: bool = False
    code: str | None = None
    why: str = ""


@dataclass(frozen=True)
class Hallmark:
    """Whether a piece needs a UK hallmark, and how the NOTHS file says its status."""

    required: bool
    marked: bool
    said: str


@dataclass
class Needs:
    """The config each need reads, built once per run."""

    config: Config
    errors: Callable[[str], list[Problem]]  # SKU -> the jobs' errors on that row
    stale: Callable[[str], bool] = lambda key: False
    policy: ExportPolicy = field(init=False)
    reference: Reference = field(init=False)
    chart: Mapping[str, Decimal] = field(init=False)
    certificate_min_carat: Decimal = field(init=False)
    _common: tuple[Any, list[Need]] = field(init=False, default=(None, []))  # the last row's: asked per channel

    def __post_init__(self) -> None:
        self.policy = self.config.policy(ExportPolicy)
        self.reference = load_reference(self.config)
        self.chart = uk_chart(self.config)
        self.certificate_min_carat = Decimal(str(self.config.policy("validate.certificate_min_carat", 0.5)))

    def market(self, channel: str) -> str:
        markets = self.policy.channel_markets
        return str(markets.get(channel) or self.config.brand.get("market", "US")).upper()

    def uk(self, channel: str) -> bool:
        """A channel that sells into the UK: its market is UK, or rules.toml [hallmarking] uk_channels names it."""
        return self.market(channel) in UK_MARKETS or channel in self.reference.uk_channels

    def hallmark(self, row: Any) -> Hallmark:
        return hallmark(row, self.reference)

    def of(self, row: Any, channel: str) -> list[Need]:
        """Every need of `channel` for the row, common ones first."""
        if self._common[0] is not row:
            self._common = (row, common(self, row))
        return self._common[1] + CHANNEL_NEEDS.get(channel, _none)(self, row, channel)


def hallmark(row: Any, ref: Reference) -> Hallmark:
    """Hallmarking Act 1973 s.1: an article described as gold, silver, platinum or palladium is hallmarked unless
    exempt (Sch. 1 Part II para 12: weighing less than gold 1 g, silver 7.78 g, platinum 0.5 g, palladium 1 g)."""
    marked = row.get("Hallmarked") is True
    kind = ref.hallmark_metals.get(row.get("Metal") or "")
    limit = ref.hallmark_exemption_g.get(kind or "")
    if kind is None or limit is None:
        return Hallmark(False, marked, "Yes" if marked else "Not a precious-metal article")
    weight = row.get("Metal Weight (g)")
    if weight is not None and Decimal(weight) < limit:
        return Hallmark(False, marked, "Yes" if marked else f"Exempt (under {limit.normalize()} g of {kind})")
    return Hallmark(True, marked, "Yes" if marked else "No")


def common(n: Needs, row: Any) -> list[Need]:
    statuses = n.policy.statuses
    approved = row.get("Description Status") in statuses and row.get("Final Description") is not None
    out = [
        Need("approved copy", approved and not n.stale(row.key), blocks=True),
        Need("no errors", not n.errors(row.key), blocks=True),
        Need("images", bool(good_urls(row.get("Image URLs")))),
    ]
    cert = _certificate_need(n, row)
    if cert is not None:
        out.append(cert)
    return out


def _certificate_need(n: Needs, row: Any) -> Need | None:
    """A natural diamond from [policies.validate] certificate_min_carat needs its grading report."""
    carat = row.get("Carat Weight")
    natural = row.get("Stone") == "Diamond" and row.get("Stone Origin") == "Natural"
    if not natural or carat is None or carat < n.certificate_min_carat:
        return None
    return Need("certificate", row.get("Certificate") is not None)


def _hallmark_need(n: Needs, row: Any, channel: str) -> list[Need]:
    if not n.uk(channel):
        return []
    mark = n.hallmark(row)
    metal = row.get("Metal")
    weight = row.get("Metal Weight (g)")
    why = (
        f"needs a UK hallmark ({metal}, {'blank weight' if weight is None else f'{weight} g'}; exempt only below "
        f"the Hallmarking Act 1973 Sch. 1 Part II weights) and Hallmarked is "
        f"{'No' if row.get('Hallmarked') is False else '(blank)'}: have it hallmarked and set Yes"
    )
    out = [Need("hallmark", not mark.required or mark.marked, True, ExportCode.HALLMARK_MISSING, why)]
    allowed = UK_FINENESS.get(metal or "")
    if allowed is not None:
        purity = row.get("Purity")
        out.append(
            Need(
                "UK fineness",
                purity in allowed,
                True,
                ExportCode.NOT_UK_FINENESS,
                f"{purity} {metal} is not a UK hallmarking fineness ({', '.join(sorted(allowed))}), so it cannot "
                "be sold as such in the UK (Hallmarking Act 1973 Sch. 2)",
            )
        )
    return out


def _shopify(n: Needs, row: Any, channel: str) -> list[Need]:
    weight = row.get("Shipping Weight (g)") is not None or row.get("Metal Weight (g)") is not None
    return [Need("weight", weight)] + _hallmark_need(n, row, channel)


def etsy_quantity(n: Needs, row: Any) -> int:
    if row.get("Made to Order") is True or row.get("Engraved / Custom") is True:
        return n.policy.etsy_made_to_order_quantity
    return max(int(row.get("Stock") or 0), 0)


def _etsy(n: Needs, row: Any, channel: str) -> list[Need]:
    category = row.get("Category")
    return [
        Need(
            "stock",
            etsy_quantity(n, row) >= 1,
            True,
            ExportCode.OUT_OF_STOCK,
            "Stock is 0: an Etsy listing needs a quantity of at least 1 (Open API v3 createDraftListing); "
            "restock it, or set Made to Order",
        ),
        Need(
            "Etsy category",
            category in n.policy.etsy_taxonomy_ids,
            True,
            ExportCode.ETSY_TAXONOMY_MISSING,
            f"no Etsy taxonomy_id for {category} in [policies.export] etsy_taxonomy_ids (createDraftListing "
            "requires one)",
        ),
        Need(
            "Etsy shipping profile",
            n.policy.etsy_shipping_profile_id > 0,
            True,
            ExportCode.ETSY_SHIPPING_PROFILE_MISSING,
            "[policies.export] etsy_shipping_profile_id is not set (createDraftListing requires it for a "
            "physical listing)",
        ),
    ] + _hallmark_need(n, row, channel)


def gbp_price(n: Needs, row: Any) -> tuple[Decimal | None, str]:
    """The NOTHS price in pounds and where it came from (the GBP Price column, or Price at the rate)."""
    if row.get("GBP Price") is not None:
        return Decimal(row["GBP Price"]).quantize(Decimal("0.01")), "GBP Price column"
    price, rate = row.get("Price"), Decimal(str(n.policy.gbp_rate))
    if price is None or rate <= 0:
        return None, ""
    step = Decimal(str(n.policy.gbp_price_point))
    raw = Decimal(price) * rate
    rounded = ((raw / step).to_integral_value(rounding=ROUND_CEILING) * step).quantize(Decimal("0.01"))
    currency = n.config.brand.get("currency", "USD")
    return rounded, f"{currency} {Decimal(price):.2f} at {rate} GBP, rounded up to a multiple of £{step.normalize()}"


def _noths(n: Needs, row: Any, channel: str) -> list[Need]:
    out = [
        Need(
            "GBP price",
            gbp_price(n, row)[0] is not None,
            True,
            ExportCode.GBP_PRICE_MISSING,
            "no price in pounds: fill in GBP Price, or set [policies.export] gbp_rate",
        )
    ]
    if row.get("Category") == "Ring" and row.get("Ring Size") is not None:
        out.append(Need("UK ring size", uk_size(row.get("Ring Size"), n.chart) is not None))
    return out + _hallmark_need(n, row, channel)


def _wholesale(n: Needs, row: Any, channel: str) -> list[Need]:
    price, trade, cost = row.get("Price"), row.get("Wholesale Price"), row.get("Cost")
    why = None
    if trade is None:
        why = "Wholesale Price is blank"
    elif price is not None and trade >= price:
        why = f"Wholesale Price {trade} is not below the retail Price {price}"
    elif cost is not None and trade < cost:
        why = f"Wholesale Price {trade} is below Cost {cost}"
    return [
        Need("wholesale price", why is None, True, ExportCode.WHOLESALE_PRICE, why or ""),
        Need("made in", bool(n.policy.made_in)),
        Need("lead time", n.policy.lead_time_days > 0),
    ] + _hallmark_need(n, row, channel)


def _none(n: Needs, row: Any, channel: str) -> list[Need]:
    return _hallmark_need(n, row, channel)


CHANNEL_NEEDS: dict[str, Callable[[Needs, Any, str], list[Need]]] = {
    "Shopify": _shopify,
    "Etsy": _etsy,
    "NOTHS": _noths,
    "Wholesale": _wholesale,
}


def score(needs: Sequence[Need]) -> int:
    """The share of needs met, in whole percent."""
    return round(100 * sum(n.met for n in needs) / len(needs)) if needs else 100


def line(channel: str, needs: Sequence[Need]) -> str:
    """One channel's completeness as the cell shows it: "NOTHS 71%: hallmark*, images" (* keeps it out)."""
    missing = [f"{n.name}*" if n.blocks else n.name for n in needs if not n.met]
    return f"{channel} {score(needs)}%" + (f": {', '.join(missing)}" if missing else "")


def blocking(needs: Sequence[Need]) -> list[Need]:
    return [n for n in needs if n.blocks and not n.met and n.code]
