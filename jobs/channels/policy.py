"""[policies.export] and [policies.exports]: the keys the channel exporters and the exports job read, their types
and limits (checked when the config loads)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheetsync import policies, setting

ETSY_WHO_MADE = ("i_did", "someone_else", "collective")  # createDraftListing who_made (Etsy Open API v3)
ETSY_WHEN_MADE = (  # createDraftListing when_made, as the Open API v3 spec lists it
    "made_to_order", "2020_2026", "2010_2019", "2007_2009", "before_2007", "2000_2006", "1990s", "1980s", "1970s",
    "1960s", "1950s", "1940s", "1930s", "1920s", "1910s", "1900s", "1800s", "1700s", "before_1700",
)  # fmt: skip


@policies("export")
@dataclass(frozen=True)
class ExportPolicy:
    """Which SKUs go out, each channel's market, and what each platform needs that the workbook does not hold."""

    statuses: tuple[str, ...] = setting(("Approved", "Published"), refers="values:SKUs.Description Status")
    wholesale_max_ratio: float = setting(0.6, min=0, max=1)  # a share of retail: keystone is 0.5, not 50
    channel_markets: Mapping[str, str] = setting({}, refers="values:SKUs.Channels")  # NOTHS = "UK"
    # Shopify
    packaging_g: float = setting(0.0, min=0)  # added to metal and stone weight when Shipping Weight (g) is blank
    shopify_jewelry_material: Mapping[str, str] = setting({}, refers="values:SKUs.Metal")
    # Etsy (createDraftListing)
    etsy_when_made: str = setting("2020_2026", choices=ETSY_WHEN_MADE[1:])  # for pieces not made to order
    etsy_who_made: str = setting("i_did", choices=ETSY_WHO_MADE)
    etsy_taxonomy_ids: Mapping[str, int] = setting({}, refers="values:SKUs.Category")
    etsy_shipping_profile_id: int = setting(0, min=0)  # 0: not set (a physical listing needs one)
    etsy_return_policy_id: int = setting(0, min=0)  # 0: not set (optional)
    etsy_made_to_order_quantity: int = setting(1, min=1)  # listing quantity for a made-to-order piece
    # NOTHS (pounds)
    gbp_rate: float = setting(0.0, min=0)  # GBP per unit of the brand's currency; 0: GBP Price column only
    gbp_price_point: float = setting(5.0, more_than=0)  # converted prices round up to a multiple of this
    # Wholesale line sheet (Faire)
    wholesale_minimum_order: int = setting(1, min=1)
    wholesale_case_pack: int = setting(1, min=1)
    made_in: str = ""
    lead_time_days: int = setting(0, min=0)
    # Completeness
    image_alt_max: int = setting(125, min=1, max=500)


@policies("exports")
@dataclass(frozen=True)
class ExportsPolicy:
    """[policies.exports]: where the exports job writes every channel's file and its manifest."""

    folder: str = "exports"  # relative to the config file's folder
    channels: tuple[str, ...] = ()  # empty: every channel
