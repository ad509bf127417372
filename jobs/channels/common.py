"""What every channel exporter shares: the SKUs that may go out, the channel's market, its text, and its facts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sheetsync import Severity
from sheetsync.export import ExportContext
from sheetsync.model.tab import Row, Tab
from sheetsync.templates import TemplateFailure

from ..wording.brief import brief_parts
from ..wording.compliance import CopyRules, check_copy, errors, stated_facts
from ..wording.etsy import tidy
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
    HALLMARK_MISSING = "hallmark_missing"  # needs a UK hallmark and has none: out of UK-market channels only
    GBP_PRICE_MISSING = "gbp_price_missing"  # no GBP Price and no configured rate
    OUT_OF_STOCK = "out_of_stock"  # an active Etsy listing needs a quantity of at least 1
    ETSY_TAXONOMY_MISSING = "etsy_taxonomy_missing"  # no Etsy taxonomy_id for the Category in config
    ETSY_SHIPPING_PROFILE_MISSING = "etsy_shipping_profile_missing"  # a physical listing needs one
    VARIANT_COPY = "variant_copy"  # the product's description misstates this variant


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


def money(value: Any) -> Decimal | None:
    """A price to two places, as channel files state it."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def shipping_grams(row: Row, packaging_g: float) -> Decimal | None:
    """Shipping Weight (g) when filled in; else metal weight, stones (1 ct = 0.2 g) and packaging."""
    if row.get("Shipping Weight (g)") is not None:
        return Decimal(row["Shipping Weight (g)"])
    metal = row["Metal Weight (g)"]
    if metal is None:
        return None
    stones = Decimal(row["Carat Weight"] or 0) * Decimal("0.2")
    return (Decimal(metal) + stones + Decimal(str(packaging_g))).quantize(Decimal("0.1"))


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
