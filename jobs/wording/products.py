"""Product groups: SKUs sharing a `Product Group` are the variants of one product (a ring in four sizes).

The options are what differs between the variants, from OPTIONS in order (Ring Size, Chain Length, Metal);
every other spec in SHARED must agree. Shopify allows at most 3 options per product (help.shopify.com,
"Using CSV files to import and export products": Option1-Option3), so a group never has more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GROUP = "Product Group"
# (column, option name as the channels show it); Metal's value carries its Purity ("14K Yellow Gold")
OPTIONS = (("Ring Size", "Ring size"), ("Chain Length (in)", "Chain length"), ("Metal", "Metal"))
SHARED = ("Product Name", "Collection", "Category", "Stone", "Stone Origin", "Treatment", "Shape", "Carat Weight",
          "Stone Count", "Color", "Clarity", "Cut")  # fmt: skip
MAX_OPTIONS = 3


@dataclass(frozen=True)
class Product:
    """One product: its key (the group, or the lone SKU), its variants in sheet order, and their options."""

    key: str
    variants: tuple[Any, ...]  # rows (anything with .get(column) and .key)
    options: tuple[str, ...]  # option names, e.g. ("Ring size",)
    columns: tuple[str, ...]  # the column each option comes from

    @property
    def lead(self) -> Any:
        return self.variants[0]

    def values(self, row: Any) -> tuple[str, ...]:
        """The variant's option values, as the channels show them ("7", "18 in", "14K Yellow Gold")."""
        return tuple(option_value(column, row) for column in self.columns)


def group_of(row: Any) -> str | None:
    value = row.get(GROUP)
    return " ".join(str(value).split()) or None if value is not None else None


def option_value(column: str, row: Any) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if column == "Metal":
        purity = row.get("Purity")
        return f"{purity} {value}" if purity and purity[0].isdigit() and "K" in purity else str(value)
    number = format(Decimal(value).normalize(), "f") if isinstance(value, (Decimal, int, float)) else str(value)
    return f"{number} in" if column == "Chain Length (in)" else number


def differing(rows: Sequence[Any]) -> list[str]:
    """The option columns whose values differ between `rows` (Metal counts its Purity)."""
    out = []
    for column, _ in OPTIONS:
        if len({option_value(column, r) for r in rows}) > 1:
            out.append(column)
    return out


def products(rows: Iterable[Any]) -> list[Product]:
    """Rows grouped into products, in the order each product's first row appears."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        key = group_of(row)
        groups.setdefault(f"group:{key.casefold()}" if key else f"sku:{row.key}", []).append(row)
    out = []
    for key, members in groups.items():
        columns = tuple(differing(members))[:MAX_OPTIONS]
        names = tuple(dict(OPTIONS)[c] for c in columns)
        label = group_of(members[0]) if key.startswith("group:") else members[0].key
        out.append(Product(label or members[0].key, tuple(members), names, columns))
    return out


def shared_mismatches(rows: Sequence[Any], options: Sequence[str]) -> Mapping[str, set[str]]:
    """Shared columns whose values differ within a group (column -> the values seen)."""
    out: dict[str, set[str]] = {}
    for column in SHARED:  # what differs among OPTIONS becomes an option, so only these can disagree
        seen = {"" if r.get(column) is None else str(r.get(column)) for r in rows}
        if len(seen) > 1:
            out[column] = seen
    return out
