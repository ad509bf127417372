"""The restock job: a returned piece relisted in As New condition goes back into its SKU's Stock, once.

The return's job-owned Restocked On records it, and is written in one group with the SKU's Stock (+1 per
return, the named transition the SKUs schema allows): both land or neither does, and `sheetsync undo` puts
both back or leaves both, so a piece is never counted twice. Pieces that went to the workshop are restocked
only once the return is Resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sheetsync import ChangeSet, Context, Severity, job, policies, setting
from sheetsync.model.tab import Row, Tab


class RestockCode(StrEnum):
    """Problems the restock job reports (stable values; tests compare these)."""

    STOCK_UNREADABLE = "stock_unreadable"
    RESTOCK_AFTER_WORKSHOP = "restock_after_workshop"


@policies("restock")
@dataclass(frozen=True)
class RestockPolicy:
    """[policies.restock]: whether relisted returns go back into Stock, and which ones."""

    enabled: bool = True
    conditions: tuple[str, ...] = setting(("As New",), refers="values:Returns.Condition")
    workshop_request_types: tuple[str, ...] = setting(("Resize", "Repair"), refers="values:Returns.Request Type")


def ready(row: Row, policy: RestockPolicy) -> bool | None:
    """True when the return's piece goes back into stock now, None when it waits for the workshop, else False."""
    if row["Relisted"] is not True or row["Condition"] not in policy.conditions or row["Restocked On"] is not None:
        return False
    to_workshop = row["Request Type"] in policy.workshop_request_types or row["Workshop Due"] is not None
    if row["Status"] == "At Workshop" or (to_workshop and row["Status"] != "Resolved"):
        return None
    return True


@job("restock", after=["validate"])
def restock(ctx: Context) -> ChangeSet:
    """Add each relisted As New return back to its SKU's Stock, once per return, recorded in Restocked On."""
    cs = ctx.changes()
    policy = ctx.config.policy(RestockPolicy)
    returns, skus = ctx.tab("Returns"), ctx.tab("SKUs")
    if not policy.enabled or not returns.usable or not skus.usable or not returns.schema.has("Restocked On"):
        return cs
    waiting: dict[str, list[Row]] = {}
    for row in returns:
        state = ready(row, policy)
        if state is None:
            cs.report(
                returns,
                row,
                "Relisted",
                RestockCode.RESTOCK_AFTER_WORKSHOP,
                "Yes while the piece is with the workshop: it goes back into Stock once the return is Resolved",
                Severity.WARNING,
            )
        sku = skus.row(row["SKU"]) if state and row["SKU"] else None
        if sku is not None and row.has_key:
            waiting.setdefault(sku.key, []).append(row)
    for key, rows in waiting.items():
        _restock(ctx, cs, returns, skus, skus.row(key), rows)
    return cs


def _restock(ctx: Context, cs: ChangeSet, returns: Tab, skus: Tab, sku: Row | None, rows: list[Row]) -> None:
    if sku is None:
        return
    stock = sku["Stock"]
    if isinstance(stock, bool) or not isinstance(stock, int):
        for row in rows:
            cs.report(
                returns,
                row,
                "Relisted",
                RestockCode.STOCK_UNREADABLE,
                f"Yes, but {sku.key}'s Stock ({sku.raw('Stock') or 'blank'}) is not a whole number: "
                "fix Stock on SKUs and the piece goes back into stock on the next run",
                Severity.WARNING,
            )
        return
    group = f"restock:{sku.key}"  # Stock and every Restocked On it counts land together or not at all
    cs.set(skus, sku, "Stock", stock + len(rows), group=group)
    for row in rows:
        cs.set(returns, row, "Restocked On", ctx.today, group=group)
