"""Etsy listings as Open API v3 `createDraftListing` payloads, one JSON object per line.

Etsy has no CSV import for new listings: an uploader sends each line's `createDraftListing` body to
POST /v3/application/shops/{shop_id}/listings (fields, types and enums as Etsy's OpenAPI spec gives them),
then uploads each of `images` with uploadListingImage (rank, alt_text), and, for a product with variants,
sets `variations` (one offering per SKU) with updateListingInventory. A Product Group is one listing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sheetsync import exporter
from sheetsync.export import ExportContext, ExportRow
from sheetsync.model.tab import Row

from ..wording.compliance import check_copy, errors
from ..wording.etsy import choose_tags, etsy_tags, etsy_title
from ..wording.filters import Piece
from ..wording.images import alt_text, good_urls
from .common import SKUS, facts, market, materials, money, render, rules, shipping_grams
from .leave import fits_variant, grouped, needs_for
from .policy import ExportPolicy
from .requirements import etsy_quantity

ETSY_HEADERS = ["sku", "skus", "createDraftListing", "images", "variations"]
MAX_IMAGES = 20  # createDraftListing image_ids: "up to 20 images"


@exporter(
    "etsy", tab=SKUS, headers=ETSY_HEADERS, format="jsonl", description="Etsy createDraftListing payloads (JSON lines)"
)
def etsy(ctx: ExportContext) -> Iterable[ExportRow]:
    """Etsy draft listings: plain text, title and tags within Etsy's rules, numeric taxonomy, quantity >= 1."""
    policy = ctx.config.policy(ExportPolicy)
    needs = needs_for(ctx)
    for product, pieces in grouped(ctx, "Etsy"):
        lead = product.lead
        p, final = pieces[lead.key]
        names = [f"channels/etsy_{p.category.lower()}.txt.j2", "channels/etsy.txt.j2"]
        body = render(ctx, lead, p, names, final, "Etsy")
        title = _etsy_field(ctx, lead, p, final, "Etsy Title", "channels/etsy_title.txt.j2", "title")
        tags = _etsy_field(ctx, lead, p, final, "Etsy Tags", "channels/etsy_tags.txt.j2", "tags")
        if body is None or title is None or tags is None:
            continue
        variants = [lead] + [v for v in product.variants[1:] if fits_variant(ctx, "Etsy", body, v)]
        quantities = {v.key: etsy_quantity(needs, v) for v in variants}
        listing: dict[str, Any] = {
            "quantity": sum(quantities.values()),
            "title": etsy_title(title),
            "description": body,
            "price": min(money(v["Price"]) or Decimal(0) for v in variants),
            "who_made": policy.etsy_who_made,
            "when_made": "made_to_order" if p.made_to_order else policy.etsy_when_made,
            "taxonomy_id": policy.etsy_taxonomy_ids[lead["Category"]],
            "shipping_profile_id": policy.etsy_shipping_profile_id,
            "is_supply": False,
            "type": "physical",
            "materials": [m for m in materials(p).split(", ") if m],
            "tags": etsy_tags(tags),
        }
        if policy.etsy_return_policy_id:
            listing["return_policy_id"] = policy.etsy_return_policy_id
        weight = shipping_grams(lead, policy.packaging_g)
        if weight is not None:
            listing.update({"item_weight": weight, "item_weight_unit": "g"})
        urls = []
        for v in variants:
            urls += [u for u in good_urls(v["Image URLs"]) if u not in urls]
        where = market(ctx, "Etsy")
        images = [
            {"url": u, "rank": i, "alt_text": alt_text(p, i, policy.image_alt_max, where)}
            for i, u in enumerate(urls[:MAX_IMAGES], start=1)
        ]
        variations = [
            {
                "sku": v.key,
                "options": dict(zip(product.options, product.values(v))),
                "price": money(v["Price"]),
                "quantity": quantities[v.key],
            }
            for v in variants
        ]
        cells = {
            "sku": lead.key,
            "skus": [v.key for v in variants],
            "createDraftListing": listing,
            "images": images or None,
            "variations": variations if product.options else None,
        }
        yield ExportRow(lead.key, cells, facts(lead, final, body))


def _etsy_field(ctx: ExportContext, row: Row, p: Piece, final: str, column: str, template: str, kind: str):
    """The row's Etsy Title/Tags when they are within Etsy's rules and compliant, else freshly rendered."""
    current = row[column]
    checks = rules(ctx, "Etsy")
    if current:
        ok = (
            etsy_title(current) == " ".join(current.split())
            if kind == "title"
            else len(etsy_tags(current)) == len([t for t in current.split(",") if t.strip()])
        )
        if ok and not errors(check_copy(current, row.values, kind=kind, rules=checks)):
            return current
    text = render(ctx, row, p, [template], final, "Etsy", kind=kind)
    if text is None or kind != "tags":
        return text
    return ", ".join(choose_tags(text, lambda tag: not errors(check_copy(tag, row.values, kind="tags", rules=checks))))
