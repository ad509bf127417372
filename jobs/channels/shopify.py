"""Shopify's product CSV: one product per Product Group, its variants and extra photos on rows sharing its URL handle.

As help.shopify.com "Using CSV files to import and export products" describes the current file: the first row
of a handle carries the product (Title, Description, Vendor, Product category, Type, Tags, Status, SEO title and
description), each further row of the same handle is a variant (its option values, SKU, price, inventory,
weight) or an extra image (Product image URL, Image position, Image alt text); a product without options has
Option1 name "Title" and value "Default Title"; at most 3 options; Status is active, draft or archived.
Category metafields of Shopify's standard product taxonomy appear as columns named
"<name> (product.metafields.shopify.<key>)", as in the stores' own exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sheetsync import exporter
from sheetsync.export import ExportContext, ExportRow
from sheetsync.model.tab import Row

from ..wording.compliance import plain_text
from ..wording.filters import Piece, metal_phrase, stone_phrase
from ..wording.images import alt_text, good_urls
from ..wording.products import Product
from .common import SKUS, category_names, facts, market, money, render, shipping_grams, slug
from .leave import fits_variant, grouped
from .policy import ExportPolicy

JEWELRY_MATERIAL = "Jewelry material (product.metafields.shopify.jewelry-material)"
RING_SIZE = "Ring size (product.metafields.shopify.ring-size)"
SHOPIFY_HEADERS = [
    "Title",
    "URL handle",
    "Description",
    "Vendor",
    "Product category",
    "Type",
    "Tags",
    "Published on online store",
    "Status",
    "SKU",
    "Barcode",
    "Option1 name",
    "Option1 value",
    "Option2 name",
    "Option2 value",
    "Option3 name",
    "Option3 value",
    "Price",
    "Compare-at price",
    "Cost per item",
    "Charge tax",
    "Inventory tracker",
    "Inventory quantity",
    "Continue selling when out of stock",
    "Weight value (grams)",
    "Weight unit for display",
    "Requires shipping",
    "Fulfillment service",
    "Product image URL",
    "Image position",
    "Image alt text",
    "SEO title",
    "SEO description",
    JEWELRY_MATERIAL,
    RING_SIZE,
]


@exporter("shopify", tab=SKUS, headers=SHOPIFY_HEADERS, description="Shopify product CSV (products, variants, images)")
def shopify(ctx: ExportContext) -> Iterable[ExportRow]:
    """Shopify product CSV: a product row, variant rows and image rows per product, HTML description."""
    policy = ctx.config.policy(ExportPolicy)
    handles: set[str] = set()
    for product, pieces in grouped(ctx, "Shopify"):
        lead = product.lead
        p, final = pieces[lead.key]
        names = [f"channels/shopify_{p.category.lower()}.html.j2", "channels/shopify.html.j2"]
        body = render(ctx, lead, p, names, final, "Shopify")
        if body is None:
            continue
        variants = [lead] + [v for v in product.variants[1:] if fits_variant(ctx, "Shopify", body, v)]
        handle = slug(product.key if len(product.variants) > 1 else lead["Product Name"])
        if handle in handles or not handle:
            handle = slug(f"{handle}-{lead.key}")
        handles.add(handle)
        images = _images(variants)
        for i, row in enumerate(variants):
            cells = _variant(product, row, handle, policy.packaging_g)
            if i == 0:
                cells.update(_product(ctx, product, variants, body, final, policy, p))
                if images:
                    cells.update(_image(images[0], 1, p, ctx, policy.image_alt_max))
            yield ExportRow(row.key, cells, facts(row, pieces[row.key][1], body))
        for position, url in enumerate(images[1:], start=2):
            yield ExportRow(lead.key, {"URL handle": handle, **_image(url, position, p, ctx, policy.image_alt_max)})


def _product(
    ctx: ExportContext, product: Product, variants: list, body: str, final: str, policy: ExportPolicy, p: Piece
) -> dict[str, Any]:
    """The product row's own cells (the first variant's row carries them)."""
    lead = product.lead
    p_name = lead["Product Name"]
    brand = ctx.config.brand
    where = market(ctx, "Shopify")
    published = lead["Description Status"] == "Published"
    tags = [
        lead["Collection"],
        lead["Category"],
        metal_phrase(p, where),
        stone_phrase(p, plural=False) if p.stone else None,
    ]
    sizes = [v["Ring Size"] for v in variants if v["Ring Size"] is not None]
    return {
        "Title": p_name,
        "Description": body,
        "Vendor": brand.get("vendor") or brand.get("name"),
        "Product category": f"Apparel & Accessories > Jewelry > {category_names(lead['Category'])}",
        "Type": lead["Category"],
        "Tags": ", ".join(t for t in tags if t),
        "Published on online store": published,
        "Status": "active" if published else "draft",
        "SEO title": f"{p_name} | {brand.get('name', '')}".strip(" |")[:70],
        "SEO description": _seo(final),
        JEWELRY_MATERIAL: policy.shopify_jewelry_material.get(lead["Metal"] or ""),
        RING_SIZE: "; ".join(format(s.normalize(), "f") for s in sorted(set(sizes))) or None,
    }


def _variant(product: Product, row: Row, handle: str, packaging_g: float) -> dict[str, Any]:
    cells: dict[str, Any] = {"URL handle": handle, "SKU": row.key}
    if product.options:
        for n, (name, value) in enumerate(zip(product.options, product.values(row)), start=1):
            cells[f"Option{n} name"] = name
            cells[f"Option{n} value"] = value
    else:
        cells.update({"Option1 name": "Title", "Option1 value": "Default Title"})
    cells.update(
        {
            "Price": money(row["Price"]),
            "Cost per item": money(row["Cost"]),
            "Charge tax": True,
            "Inventory tracker": "shopify",
            "Inventory quantity": max(row["Stock"] or 0, 0),
            "Continue selling when out of stock": "continue" if row["Made to Order"] is True else "deny",
            "Weight value (grams)": shipping_grams(row, packaging_g),
            "Weight unit for display": "g",
            "Requires shipping": True,
            "Fulfillment service": "manual",
        }
    )
    return cells


def _images(variants) -> list[str]:
    seen: list[str] = []
    for row in variants:
        for url in good_urls(row["Image URLs"]):
            if url not in seen:
                seen.append(url)
    return seen


def _image(url: str, position: int, p: Piece, ctx: ExportContext, limit: int) -> dict[str, Any]:
    return {
        "Product image URL": url,
        "Image position": position,
        "Image alt text": alt_text(p, position, limit, market(ctx, "Shopify")),
    }


def _seo(text: str, limit: int = 320) -> str:
    flat = plain_text(text)
    if len(flat) <= limit:
        return flat
    return flat[: flat.rfind(" ", 0, limit - 1)].rstrip(" ,;") + "…"
