"""The SKUs a channel may publish, grouped into products, each left out with its reason when it may not."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync import Severity
from sheetsync.export import ExportContext
from sheetsync.model.tab import Row

from ..wording.compliance import check_copy, errors
from ..wording.filters import Piece
from ..wording.products import Product, products
from .common import SKUS, ExportCode, eligible, rules
from .requirements import Needs, blocking


def needs_for(ctx: ExportContext) -> Needs:
    return Needs(ctx.config, lambda key: ctx.errors(SKUS, key))


def ready(ctx: ExportContext, label: str) -> Iterator[tuple[Row, Piece, str]]:
    """`eligible` rows less those missing what this channel needs (each left out, saying what to do)."""
    skus = ctx.tab(SKUS)
    needs = needs_for(ctx)
    for row, p, final in eligible(ctx, label):
        unmet = blocking([n for n in needs.of(row, label) if n.name not in ("approved copy", "no errors")])
        if unmet:
            first = unmet[0]
            column = {"hallmark_missing": "Hallmarked", "gbp_price_missing": "GBP Price", "out_of_stock": "Stock"}
            ctx.leave_out(
                skus,
                row,
                column.get(str(first.code), "Channels"),
                "left out: " + "; ".join(n.why for n in unmet),
                first.code or ExportCode.EXPORT_SKIPPED,
                Severity.ERROR,
            )
            continue
        yield row, p, final


def grouped(ctx: ExportContext, label: str) -> Iterator[tuple[Product, dict[str, tuple[Piece, str]]]]:
    """Products (SKUs sharing a Product Group) of the ready rows, with each variant's piece and copy."""
    found = {row.key: (row, p, final) for row, p, final in ready(ctx, label)}
    for product in products(r for r, _, _ in found.values()):
        yield product, {row.key: found[row.key][1:] for row in product.variants}


def fits_variant(ctx: ExportContext, label: str, body: str, row: Row, kind: str = "description") -> bool:
    """Whether the product's text (written for its first variant) is true of this variant too; else it is left
    out of the product with the reason."""
    found = errors(check_copy(body, row.values, kind=kind, rules=rules(ctx, label)))
    if not found:
        return True
    ctx.leave_out(
        ctx.tab(SKUS),
        row,
        "Product Group",
        f"left out: the {label} product's text is not true of this variant: "
        + "; ".join(f"{f.message} [{f.code}]" for f in found),
        ExportCode.VARIANT_COPY,
        Severity.ERROR,
    )
    return False
