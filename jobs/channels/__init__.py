"""The brand's sales channels: Etsy's title and tag rules, and one exporter per channel file.

`sheetsync export shopify|etsy|noths|wholesale --out FILE.csv` writes Approved and Published SKUs
sold on that channel, from their Final Description, through config/templates/channels/.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sheetsync import Severity, exporter
from sheetsync.export import ExportContext, ExportRow
from sheetsync.model.tab import Row
from sheetsync.templates import TemplateFailure

from ..wording.compliance import check_copy, plain_text, stated_facts
from ..wording.etsy import etsy_tags, etsy_title, tidy
from ..wording.filters import Piece, metal_phrase, piece, stone_phrase, voice

SKUS = "SKUs"


class ExportCode(StrEnum):
    EXPORT_SKIPPED = "export_skipped"  # the row has errors or no approved copy: left out of the file
    TEMPLATE_ERROR = "template_error"
    WHOLESALE_PRICE = "wholesale_price"  # missing, not below retail, below cost, or above the ratio
    NOT_UK_FINENESS = "not_uk_fineness"  # cannot be hallmarked (so sold as gold/silver/...) in the UK


def slug(text: str) -> str:
    """A Shopify URL handle: lowercase letters, digits and single dashes."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", str(text).lower())).strip("-")


# --- rows to export -------------------------------------------------------------------------------------


def eligible(ctx: ExportContext, label: str) -> Iterator[tuple[Row, Piece, str]]:
    """(row, piece, final copy) for Approved/Published rows sold on `label` whose copy can be published."""
    skus = ctx.tab(SKUS)
    if not skus.usable:
        return
    statuses = tuple(ctx.config.policy("export.statuses", ("Approved", "Published")))
    fraction = ctx.config.policy("describe.gold_filled_fraction", "1/20")
    for row in skus:
        if (
            not row.has_key
            or row.repeated
            or row["Description Status"] not in statuses
            or label not in (row["Channels"] or ())
        ):
            continue
        errors = ctx.errors(SKUS, row.key)
        if errors:
            codes = ", ".join(sorted({str(p.code) for p in errors}))
            ctx.report_problem(
                skus,
                row,
                "Description Status",
                ExportCode.EXPORT_SKIPPED,
                f"left out: the row has errors to fix first ({codes})",
            )
            continue
        final = row["Final Description"]
        if not final:
            ctx.report_problem(
                skus,
                row,
                "Final Description",
                ExportCode.EXPORT_SKIPPED,
                f"left out: {row['Description Status']} but Final Description is blank",
            )
            continue
        yield row, piece(row.values, row.key, fraction), str(final)


def render(
    ctx: ExportContext, row: Row, p: Piece, names: list[str], copy: str, kind: str = "description"
) -> str | None:
    """A channel template for one row, checked for compliance; None (and a problem) when it cannot be used."""
    skus = ctx.tab(SKUS)
    templates = ctx.templates
    try:
        text = templates.render(names, piece=p, voice=voice(ctx.config.brand), copy=copy)
    except TemplateFailure as failure:
        ctx.report_problem(
            skus, row, "Final Description", ExportCode.TEMPLATE_ERROR, f"left out: {failure.describe()}", Severity.ERROR
        )
        return None
    text = text if names[-1].endswith(".html.j2") else tidy(text)
    findings = [
        f
        for f in check_copy(text, row.values, kind=kind, market=str(ctx.config.brand.get("market", "US")))
        if f.severity == Severity.ERROR
    ]
    if findings:
        for f in findings:
            ctx.report_problem(
                skus,
                row,
                "Final Description",
                f.code,
                f"left out: the channel text breaks a copy rule: {f.message}",
                Severity.ERROR,
            )
        return None
    return text


def facts(row: Row, copy: str, body: str) -> dict[str, Any]:
    """What a channel file says about a SKU, for the cross-channel check."""
    out: dict[str, Any] = {
        "price": _money(row["Price"]),
        "copy": hashlib.sha256(" ".join(copy.split()).encode()).hexdigest()[:12],
    }
    out.update(stated_facts(body))
    return out


def _money(value: Any) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def category_names(category: str) -> str:
    return {
        "Ring": "Rings",
        "Necklace": "Necklaces",
        "Pendant": "Charms & Pendants",
        "Earrings": "Earrings",
        "Bracelet": "Bracelets",
        "Anklet": "Anklets",
        "Charm": "Charms & Pendants",
        "Brooch": "Brooches & Lapel Pins",
    }.get(category, "Jewelry")


def materials(p: Piece) -> str:
    """Etsy materials: letters, digits and spaces only."""
    words = [metal_phrase(p)] + ([stone_phrase(p, plural=False)] if p.stone else [])
    clean = [" ".join(re.sub(r"[^A-Za-z0-9 ]+", " ", w).split()) for w in words]
    return ", ".join(w for w in clean if w)


# --- the four channel files ------------------------------------------------------------------------------

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
]


@exporter("shopify", tab=SKUS, headers=SHOPIFY_HEADERS, description="Shopify product CSV (current headers)")
def shopify(ctx: ExportContext) -> Iterable[ExportRow]:
    """Shopify product CSV: one product per SKU, HTML description, grams from Metal Weight."""
    rows = list(eligible(ctx, "Shopify"))
    names = [slug(r["Product Name"]) for r, _, _ in rows]
    brand = ctx.config.brand
    for (row, p, final), handle in zip(rows, names):
        if names.count(handle) > 1:
            handle = slug(f"{handle}-{row.key}")
        body = render(
            ctx, row, p, [f"channels/shopify_{p.category.lower()}.html.j2", "channels/shopify.html.j2"], final
        )
        if body is None:
            continue
        ring = p.category == "Ring" and p.ring_size is not None
        tags = [t for t in (p.collection, p.category, metal_phrase(p), stone_phrase(p, plural=False)) if t]
        cells = {
            "Title": row["Product Name"],
            "URL handle": handle,
            "Description": body,
            "Vendor": brand.get("vendor") or brand.get("name"),
            "Product category": f"Apparel & Accessories > Jewelry > {category_names(p.category)}",
            "Type": p.category,
            "Tags": ", ".join(tags),
            "Published on online store": row["Description Status"] == "Published",
            "Status": "active" if row["Description Status"] == "Published" else "draft",
            "SKU": row.key,
            "Option1 name": "Ring size" if ring else "Title",
            "Option1 value": format(p.ring_size.normalize(), "f") if ring and p.ring_size else "Default Title",
            "Price": row["Price"],
            "Cost per item": row["Cost"],
            "Charge tax": True,
            "Inventory tracker": "shopify",
            "Inventory quantity": row["Stock"] or 0,
            "Continue selling when out of stock": "deny",
            "Weight value (grams)": row["Metal Weight (g)"],
            "Weight unit for display": "g",
            "Requires shipping": True,
            "Fulfillment service": "manual",
            "SEO title": f"{row['Product Name']} | {brand.get('name', '')}".strip(" |"),
            "SEO description": _seo(final),
        }
        yield ExportRow(row.key, cells, facts(row, final, body))


def _seo(text: str, limit: int = 320) -> str:
    flat = plain_text(text)
    if len(flat) <= limit:
        return flat
    return flat[: flat.rfind(" ", 0, limit - 1)].rstrip(" ,;") + "…"


ETSY_HEADERS = [
    "Title",
    "Description",
    "Price",
    "Currency",
    "Quantity",
    "SKU",
    "Tags",
    "Materials",
    "Who Made",
    "When Made",
    "Taxonomy",
]


@exporter("etsy", tab=SKUS, headers=ETSY_HEADERS, description="Etsy listings (plain text, title and tags)")
def etsy(ctx: ExportContext) -> Iterable[ExportRow]:
    """Etsy listings: plain text, titles and tags within Etsy's limits."""
    for row, p, final in eligible(ctx, "Etsy"):
        body = render(ctx, row, p, [f"channels/etsy_{p.category.lower()}.txt.j2", "channels/etsy.txt.j2"], final)
        title = _etsy_field(ctx, row, p, final, "Etsy Title", "channels/etsy_title.txt.j2", "title")
        tags = _etsy_field(ctx, row, p, final, "Etsy Tags", "channels/etsy_tags.txt.j2", "tags")
        if body is None or title is None or tags is None:
            continue
        cells = {
            "Title": etsy_title(title),
            "Description": body,
            "Price": row["Price"],
            "Currency": ctx.config.brand.get("currency", "USD"),
            "Quantity": row["Stock"] or 0,
            "SKU": row.key,
            "Tags": ", ".join(etsy_tags(tags)),
            "Materials": materials(p),
            "Who Made": "i_did",
            "When Made": "made_to_order",
            "Taxonomy": f"Jewelry > {category_names(p.category)}",
        }
        yield ExportRow(row.key, cells, facts(row, final, body))


def _etsy_field(ctx: ExportContext, row: Row, p: Piece, final: str, column: str, template: str, kind: str):
    """The row's Etsy Title/Tags when they are within Etsy's rules and compliant, else freshly rendered."""
    current = row[column]
    if current:
        ok = (
            etsy_title(current) == " ".join(current.split())
            if kind == "title"
            else len(etsy_tags(current)) == len([t for t in current.split(",") if t.strip()])
        )
        if ok and not [f for f in check_copy(current, row.values, kind=kind) if f.severity == Severity.ERROR]:
            return current
    return render(ctx, row, p, [template], final, kind=kind)


NOTHS_HEADERS = [
    "Product Title",
    "SKU",
    "Description",
    "Price",
    "Currency",
    "Stock Quantity",
    "Material",
    "Hallmark Required",
]
UK_FINENESS = {
    "Yellow Gold": {"9K", "14K", "18K", "22K", "24K"},
    "White Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Rose Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Sterling Silver": {"925"},
    "Platinum": {"950", "900", "850"},
    "Palladium": {"950", "500"},
}


@exporter("noths", tab=SKUS, headers=NOTHS_HEADERS, description="Not On The High Street (UK) products")
def noths(ctx: ExportContext) -> Iterable[ExportRow]:
    """Not On The High Street: plain text with every material fact; UK hallmarking fineness checked."""
    exemptions = ctx.config.policy("export.hallmark_exemption_g", {})
    skus = ctx.tab(SKUS)
    for row, p, final in eligible(ctx, "NOTHS"):
        allowed = UK_FINENESS.get(p.metal or "")
        if allowed is not None and p.purity not in allowed:
            ctx.report_problem(
                skus,
                row,
                "Purity",
                ExportCode.NOT_UK_FINENESS,
                f"left out: {p.purity} {p.metal} is not a UK hallmarking fineness "
                f"({', '.join(sorted(allowed))}), so it cannot be sold as such in the UK",
                Severity.ERROR,
            )
            continue
        body = render(ctx, row, p, [f"channels/noths_{p.category.lower()}.txt.j2", "channels/noths.txt.j2"], final)
        if body is None:
            continue
        limit = exemptions.get(p.metal or "")
        weight = p.metal_weight
        hallmark = None if limit is None or weight is None else weight > Decimal(str(limit))
        cells = {
            "Product Title": row["Product Name"],
            "SKU": row.key,
            "Description": body,
            "Price": row["Price"],
            "Currency": ctx.config.brand.get("currency", "USD"),
            "Stock Quantity": row["Stock"] or 0,
            "Material": metal_phrase(p),
            "Hallmark Required": hallmark,
        }
        yield ExportRow(row.key, cells, facts(row, final, body))


WHOLESALE_HEADERS = [
    "Product Name",
    "SKU",
    "Description",
    "Wholesale Price",
    "Retail Price",
    "Currency",
    "Stock",
    "Category",
]


@exporter("wholesale", tab=SKUS, headers=WHOLESALE_HEADERS, description="Wholesale portal products (plain text)")
def wholesale(ctx: ExportContext) -> Iterable[ExportRow]:
    """Wholesale portals: plain text; wholesale price present, above cost, below retail, near keystone."""
    ratio = Decimal(str(ctx.config.policy("export.wholesale_max_ratio", 0.6)))
    skus = ctx.tab(SKUS)
    for row, p, final in eligible(ctx, "Wholesale"):
        price, trade, cost = row["Price"], row["Wholesale Price"], row["Cost"]
        why = None
        if trade is None:
            why = "Wholesale Price is blank"
        elif price is not None and trade >= price:
            why = f"Wholesale Price {trade} is not below the retail Price {price}"
        elif cost is not None and trade < cost:
            why = f"Wholesale Price {trade} is below Cost {cost}"
        if why:
            ctx.report_problem(
                skus, row, "Wholesale Price", ExportCode.WHOLESALE_PRICE, f"left out: {why}", Severity.ERROR
            )
            continue
        if price and trade / price > ratio:
            ctx.report_problem(
                skus,
                row,
                "Wholesale Price",
                ExportCode.WHOLESALE_PRICE,
                f"Wholesale Price {trade} is {trade / price:.0%} of retail; the policy allows "
                f"{ratio:.0%} (keystone is 50%)",
            )
        body = render(
            ctx, row, p, [f"channels/wholesale_{p.category.lower()}.txt.j2", "channels/wholesale.txt.j2"], final
        )
        if body is None:
            continue
        cells = {
            "Product Name": row["Product Name"],
            "SKU": row.key,
            "Description": body,
            "Wholesale Price": trade,
            "Retail Price": price,
            "Currency": ctx.config.brand.get("currency", "USD"),
            "Stock": row["Stock"] or 0,
            "Category": p.category,
        }
        yield ExportRow(row.key, cells, facts(row, final, body))
