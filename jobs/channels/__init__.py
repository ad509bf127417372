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
from sheetsync.model.tab import Row, Tab
from sheetsync.templates import TemplateFailure

from ..wording.brief import brief_parts
from ..wording.compliance import CopyRules, check_copy, errors, plain_text, stated_facts
from ..wording.etsy import choose_tags, etsy_tags, etsy_title, tidy
from ..wording.filters import Piece, metal_phrase, stone_phrase, voice
from ..wording.language import spelled
from ..wording.piece import piece
from .policy import ExportPolicy

SKUS = "SKUs"


class ExportCode(StrEnum):
    EXPORT_SKIPPED = "export_skipped"  # the row has errors or no approved copy: left out of the file
    COPY_NOT_APPROVED = "copy_not_approved"  # sold on the channel but its copy is not (or no longer) approved
    TEMPLATE_ERROR = "template_error"
    WHOLESALE_PRICE = "wholesale_price"  # missing, not below retail, below cost, or above the ratio
    NOT_UK_FINENESS = "not_uk_fineness"  # cannot be hallmarked (so sold as gold/silver/...) in the UK


def slug(text: str) -> str:
    """A Shopify URL handle: lowercase letters, digits and single dashes."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", str(text).lower())).strip("-")


def market(ctx: ExportContext, label: str) -> str:
    """The market a channel's copy is read in ([policies.export] channel_markets; else the brand's)."""
    markets = ctx.config.policy(ExportPolicy).channel_markets
    return str(markets.get(label) or ctx.config.brand.get("market", "US")).upper()


def rules(ctx: ExportContext, label: str) -> CopyRules:
    return CopyRules.from_config(ctx.config, market(ctx, label))


# --- rows to export -------------------------------------------------------------------------------------


def _reasons(problems: Iterable) -> str:
    return "; ".join(f"{p.line} [{p.code}]" for p in problems)


def eligible(ctx: ExportContext, label: str) -> Iterator[tuple[Row, Piece, str]]:
    """(row, piece, final copy) for Approved/Published rows sold on `label` whose copy can be published;
    every other row sold on `label` is left out with the reason."""
    skus = ctx.tab(SKUS)
    if not skus.usable:
        return
    statuses = ctx.config.policy(ExportPolicy).statuses
    reference = rules(ctx, label).reference
    for row in skus:
        if not row.has_key or label not in (row["Channels"] or ()):
            continue
        if row.key in ctx.left_out:
            continue  # a repeated SKU's other row: said once
        status = row["Description Status"]
        if status not in statuses:
            _not_approved(ctx, skus, row, status, statuses)
            continue
        if row.repeated:
            ctx.leave_out(
                skus, row, "SKU", "left out: the SKU is on more than one row (keep one)", severity=Severity.ERROR
            )
            continue
        found = ctx.errors(SKUS, row.key)
        if found:
            ctx.leave_out(skus, row, found[0].column, f"left out: {_reasons(found)}", severity=Severity.ERROR)
            continue
        final = row["Final Description"]
        if not final:
            ctx.leave_out(skus, row, "Final Description", f"left out: {status} but Final Description is blank")
            continue
        yield row, piece(row.values, row.key, reference), str(final)


def _not_approved(ctx: ExportContext, skus: Tab, row: Row, status: str | None, statuses: tuple[str, ...]) -> None:
    needs_update = ctx.config.policy("describe.needs_update_status", "Needs Update")
    if status == needs_update:
        why = [p for p in ctx.report.for_row(SKUS, row.key) if p.column == "Description Status"]
        said = f": {_reasons(why)}" if why else ""
        message = (
            f"left out: {status}, the approved copy is stale{said}; update the Final Description and set "
            "Approved with a new Approved On date"
        )
    else:
        message = f"left out: copy not approved yet (Description Status is {status or '(blank)'})"
    ctx.leave_out(skus, row, "Description Status", message, code=ExportCode.COPY_NOT_APPROVED)


def render(
    ctx: ExportContext, row: Row, p: Piece, names: list[str], copy: str, label: str, kind: str = "description"
) -> str | None:
    """A channel template for one row, spelled and checked for the channel's market; None when it cannot be
    used (the row is then left out of this channel, with the reason)."""
    skus = ctx.tab(SKUS)
    where = market(ctx, label)
    try:
        parts, _ = brief_parts(row.values, rules(ctx, label))
        text = ctx.templates.render(names, piece=p, voice=voice(ctx.config.brand), copy=copy, market=where, **parts)
    except TemplateFailure as failure:
        ctx.leave_out(skus, row, "Final Description", f"left out: {failure.describe()}", ExportCode.TEMPLATE_ERROR)
        return None
    text = spelled(text if names[-1].endswith(".html.j2") else tidy(text), where)
    found = errors(check_copy(text, row.values, kind=kind, rules=rules(ctx, label)))
    if found:
        ctx.leave_out(
            skus,
            row,
            "Final Description",
            f"left out: the {label} text breaks a copy rule for the {where} market: "
            + "; ".join(f.message if len(found) == 1 else f"{f.message} [{f.code}]" for f in found),
            found[0].code,
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
    out.update(stated_facts(body, row.values))
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
            ctx,
            row,
            p,
            [f"channels/shopify_{p.category.lower()}.html.j2", "channels/shopify.html.j2"],
            final,
            "Shopify",
        )
        if body is None:
            continue
        ring = p.category == "Ring" and p.ring_size is not None
        where = market(ctx, "Shopify")
        tags = [t for t in (p.collection, p.category, metal_phrase(p, where), stone_phrase(p, plural=False)) if t]
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
    when_made = ctx.config.policy(ExportPolicy).etsy_when_made
    for row, p, final in eligible(ctx, "Etsy"):
        body = render(
            ctx, row, p, [f"channels/etsy_{p.category.lower()}.txt.j2", "channels/etsy.txt.j2"], final, "Etsy"
        )
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
            "When Made": "made_to_order" if p.made_to_order else when_made,
            "Taxonomy": f"Jewelry > {category_names(p.category)}",
        }
        yield ExportRow(row.key, cells, facts(row, final, body))


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
UK_FINENESS = {  # Hallmarking Act 1973 Schedule 2: gold 375/585/750/916/990/999 (9K, 14K, 18K, 22K, 24K)
    "Yellow Gold": {"9K", "14K", "18K", "22K", "24K"},
    "White Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Rose Gold": {"9K", "14K", "18K", "22K", "24K"},
    "Gold Vermeil": {"925"},
    "Sterling Silver": {"925"},
    "Platinum": {"950", "900", "850"},
    "Palladium": {"950", "500"},
}


@exporter("noths", tab=SKUS, headers=NOTHS_HEADERS, description="Not On The High Street (UK) products")
def noths(ctx: ExportContext) -> Iterable[ExportRow]:
    """Not On The High Street: plain text with every material fact; UK hallmarking fineness checked."""
    skus = ctx.tab(SKUS)
    reference = rules(ctx, "NOTHS").reference
    for row, p, final in eligible(ctx, "NOTHS"):
        allowed = UK_FINENESS.get(p.metal or "")
        if allowed is not None and p.purity not in allowed:
            ctx.leave_out(
                skus,
                row,
                "Purity",
                f"left out: {p.purity} {p.metal} is not a UK hallmarking fineness "
                f"({', '.join(sorted(allowed))}), so it cannot be sold as such in the UK",
                ExportCode.NOT_UK_FINENESS,
                Severity.ERROR,
            )
            continue
        body = render(
            ctx, row, p, [f"channels/noths_{p.category.lower()}.txt.j2", "channels/noths.txt.j2"], final, "NOTHS"
        )
        if body is None:
            continue
        kind = reference.hallmark_metals.get(p.metal or "")
        limit = reference.hallmark_exemption_g.get(kind or "")
        weight = p.metal_weight
        hallmark = None if limit is None or weight is None else weight >= limit
        cells = {
            "Product Title": row["Product Name"],
            "SKU": row.key,
            "Description": body,
            "Price": row["Price"],
            "Currency": ctx.config.brand.get("currency", "USD"),
            "Stock Quantity": row["Stock"] or 0,
            "Material": metal_phrase(p, market(ctx, "NOTHS")),
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
    ratio = Decimal(str(ctx.config.policy(ExportPolicy).wholesale_max_ratio))
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
            ctx.leave_out(skus, row, "Wholesale Price", f"left out: {why}", ExportCode.WHOLESALE_PRICE, Severity.ERROR)
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
            ctx,
            row,
            p,
            [f"channels/wholesale_{p.category.lower()}.txt.j2", "channels/wholesale.txt.j2"],
            final,
            "Wholesale",
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
