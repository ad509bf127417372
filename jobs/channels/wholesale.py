"""A Faire-style wholesale line sheet: one line per SKU, sent to a wholesale buyer or uploaded to Faire.

Faire prices every product per unit and lets a brand set a minimum order quantity (1 or more) and a case size;
the minimum cannot be smaller than the case size (faire.com support: "Setting minimum order quantities"); its
wholesale prices must be the same or lower than on other channels (Faire pricing policy), and descriptions
are plain text. The keystone check (wholesale near half of retail, [policies.export] wholesale_max_ratio)
and the cross-channel check stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sheetsync import exporter
from sheetsync.export import ExportContext, ExportRow

from ..wording.images import good_urls
from ..wording.products import group_of
from .common import SKUS, ExportCode, facts, money, render
from .leave import ready
from .policy import ExportPolicy

WHOLESALE_HEADERS = [
    "Product Name",
    "SKU",
    "Product Group",
    "Description",
    "Wholesale Price",
    "Retail Price (MSRP)",
    "Currency",
    "Minimum Order Quantity",
    "Case Pack",
    "Stock",
    "Category",
    "Made In",
    "Lead Time (days)",
    "Image URLs",
]


@exporter("wholesale", tab=SKUS, headers=WHOLESALE_HEADERS, description="Wholesale line sheet (Faire-style)")
def wholesale(ctx: ExportContext) -> Iterable[ExportRow]:
    """Wholesale line sheet: plain text; wholesale price present, above cost, below retail, near keystone."""
    policy = ctx.config.policy(ExportPolicy)
    ratio = Decimal(str(policy.wholesale_max_ratio))
    skus = ctx.tab(SKUS)
    for row, p, final in ready(ctx, "Wholesale"):
        price, trade = row["Price"], row["Wholesale Price"]
        if price and trade / price > ratio:
            ctx.report_problem(
                skus,
                row,
                "Wholesale Price",
                ExportCode.WHOLESALE_PRICE,
                f"Wholesale Price {trade} is {trade / price:.0%} of retail; the policy allows "
                f"{ratio:.0%} (keystone is 50%)",
            )
        names = [f"channels/wholesale_{p.category.lower()}.txt.j2", "channels/wholesale.txt.j2"]
        body = render(ctx, row, p, names, final, "Wholesale")
        if body is None:
            continue
        cells = {
            "Product Name": row["Product Name"],
            "SKU": row.key,
            "Product Group": group_of(row),
            "Description": body,
            "Wholesale Price": money(trade),
            "Retail Price (MSRP)": money(price),
            "Currency": ctx.config.brand.get("currency", "USD"),
            "Minimum Order Quantity": max(policy.wholesale_minimum_order, policy.wholesale_case_pack),
            "Case Pack": policy.wholesale_case_pack,
            "Stock": max(row["Stock"] or 0, 0),
            "Category": p.category,
            "Made In": policy.made_in or None,
            "Lead Time (days)": policy.lead_time_days or None,
            "Image URLs": "\n".join(good_urls(row["Image URLs"])) or None,
        }
        yield ExportRow(row.key, cells, facts(row, final, body))
