"""Not On The High Street (UK): one product per SKU, in pounds, UK ring sizes, hallmark status, UK spelling.

NOTHS's Seller Code of Conduct asks for the correct price and the main characteristics, including what the
product is made of; the Hallmarking Act 1973 (s.1, Sch. 1 Part II para 12 as amended) requires a hallmark on
a piece described as gold, silver, platinum or palladium unless it weighs less than the exemption weight, so a
piece that needs one and lacks it is left out of this file (and only of UK-market channels). Prices are the
GBP Price column, or Price at [policies.export] gbp_rate rounded up to the configured price point, as the
file's Price Source column says. Ring sizes are UK letters converted through the inner diameter in mm.
"""

from __future__ import annotations

from collections.abc import Iterable

from sheetsync import exporter
from sheetsync.export import ExportContext, ExportRow

from ..wording.filters import metal_phrase
from ..wording.images import alt_text, good_urls
from ..wording.products import group_of
from .common import SKUS, facts, market, render
from .leave import needs_for, ready
from .policy import ExportPolicy
from .requirements import gbp_price
from .sizes import uk_size

NOTHS_HEADERS = [
    "Product Title",
    "SKU",
    "Product Group",
    "Description",
    "Price",
    "Currency",
    "Price Source",
    "Stock Quantity",
    "Material",
    "Ring Size (UK)",
    "Hallmarked",
    "Image URLs",
    "Image Alt Text",
]


@exporter("noths", tab=SKUS, headers=NOTHS_HEADERS, description="Not On The High Street (UK) products, in pounds")
def noths(ctx: ExportContext) -> Iterable[ExportRow]:
    """Not On The High Street: plain UK-spelt text, GBP prices, UK ring sizes and hallmark status."""
    needs = needs_for(ctx)
    limit = ctx.config.policy(ExportPolicy).image_alt_max
    where = market(ctx, "NOTHS")
    for row, p, final in ready(ctx, "NOTHS"):
        names = [f"channels/noths_{p.category.lower()}.txt.j2", "channels/noths.txt.j2"]
        body = render(ctx, row, p, names, final, "NOTHS")
        if body is None:
            continue
        price, source = gbp_price(needs, row)
        urls = good_urls(row["Image URLs"])
        cells = {
            "Product Title": row["Product Name"],
            "SKU": row.key,
            "Product Group": group_of(row),
            "Description": body,
            "Price": price,
            "Currency": "GBP",
            "Price Source": source,
            "Stock Quantity": max(row["Stock"] or 0, 0),
            "Material": metal_phrase(p, where),
            "Ring Size (UK)": uk_size(row["Ring Size"], needs.chart) if p.category == "Ring" else None,
            "Hallmarked": needs.hallmark(row).said,
            "Image URLs": "\n".join(urls) or None,
            "Image Alt Text": alt_text(p, 1, limit, where) if urls else None,
        }
        # the cross-channel check compares prices in the brand's currency, not pounds
        yield ExportRow(row.key, cells, facts(row, final, body))
