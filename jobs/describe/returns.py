"""Returns feed the copy: repeated Not As Described / Color / Style returns since approval -> Needs Update;
a ring with repeated size returns is flagged for the size guide."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sheetsync import ChangeSet, Context, Severity
from sheetsync.model.tab import Row, Tab

from .settings import SKUS, DescribeCode, Settings


def returns_by_sku(ctx: Context) -> dict[str, list[Row]]:
    try:
        returns = ctx.tab("Returns")
    except Exception:
        return {}
    if not returns.usable:
        return {}
    out: dict[str, list[Row]] = {}
    skus = ctx.tab(SKUS)
    for r in returns:
        sku = r["SKU"]
        if sku and r["Status"] != "Cancelled":
            found = skus.row(sku)
            key = found.key if found is not None else sku
            out.setdefault(key, []).append(r)
    return out


def returns_feed(
    cs: ChangeSet, skus: Tab, row: Row, status: str | None, settings: Settings, returns: list[Row], today: date
) -> str | None:
    if not returns:
        return status
    since = row["Approved On"]
    about_copy = [
        r
        for r in returns
        if r["Reason"] in settings.copy_reasons
        and (since is None or r["Requested On"] is None or r["Requested On"] >= since)
    ]
    if len(about_copy) >= settings.copy_threshold:
        reasons = Counter(r["Reason"] for r in about_copy)
        said = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0])))
        # Order numbers, not RMAs: people type them, so the line does not change when an RMA is issued later.
        rmas = (
            "orders " + ", ".join(sorted(str(r["Order Number"]) for r in about_copy if r["Order Number"]))
            if any(r["Order Number"] for r in about_copy)
            else ""
        )
        if status in settings.approved_statuses:
            cs.set(skus, row, "Description Status", settings.needs_update)
            status = settings.needs_update
        cs.report(
            skus,
            row,
            "Description Status",
            DescribeCode.COPY_RETURNS,
            f"{len(about_copy)} returns point at the copy{' since approval' if since else ''} ({said}"
            f"{': ' + rmas if rmas else ''}): re-check the description and photos against the piece",
            Severity.WARNING,
            value=len(about_copy),
        )
    if row["Category"] == "Ring":
        window = today - timedelta(days=settings.size_days)
        sized = [
            r
            for r in returns
            if r["Reason"] in settings.size_reasons and (r["Requested On"] is None or r["Requested On"] >= window)
        ]
        if len(sized) >= settings.size_threshold:
            reasons = Counter(r["Reason"] for r in sized)
            said = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0])))
            cs.report(
                skus,
                row,
                "Ring Size",
                DescribeCode.SIZE_RETURNS,
                f"{len(sized)} size returns ({said}): check the size guide and this ring's sizing note",
                Severity.WARNING,
                value=len(sized),
            )
    return status
