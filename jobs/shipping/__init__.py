"""The tracking job: a Tracking Link on each shipped gift, from Carrier and Tracking Number."""

from __future__ import annotations

from enum import StrEnum

from sheetsync import ChangeSet, Context, Severity, job
from sheetsync.model.values import is_blank

from .carriers import CARRIERS, guess, tracking


class TrackingCode(StrEnum):
    """Problems the tracking job reports (stable values; tests compare these)."""

    CARRIER_GUESSED = "carrier_guessed"
    UNKNOWN_CARRIER = "unknown_carrier"
    UNKNOWN_TRACKING_NUMBER = "unknown_tracking_number"


@job("tracking")
def tracking_links(ctx: Context) -> ChangeSet:
    """Write each gift's Tracking Link from Carrier and Tracking Number (a blank carrier guessed, and said so)."""
    cs = ctx.changes()
    gifts = ctx.tab("Gifts")
    if not gifts.usable or not gifts.schema.has("Tracking Link"):
        return cs
    names = ", ".join(c.name for c in CARRIERS)
    for row in gifts:
        carrier, number = row["Carrier"], row["Tracking Number"]
        found = tracking(carrier, number) if number else None
        cs.set(gifts, row, "Tracking Link", found.link if found else None)
        if is_blank(number):
            continue
        if found is not None and found.guessed:
            cs.report(
                gifts,
                row,
                "Carrier",
                TrackingCode.CARRIER_GUESSED,
                f"blank: {found.carrier} guessed from the tracking number's format; type the carrier to confirm",
                Severity.WARNING,
            )
        elif found is None and carrier and str(carrier).strip():
            cs.report(
                gifts,
                row,
                "Carrier",
                TrackingCode.UNKNOWN_CARRIER,
                f"{carrier} is not a carrier sheetsync links to ({names}): no Tracking Link",
                Severity.WARNING,
                value=carrier,
            )
        elif found is None and guess(str(number)) is None:
            cs.report(
                gifts,
                row,
                "Tracking Number",
                TrackingCode.UNKNOWN_TRACKING_NUMBER,
                f"{number} fits no carrier's format and Carrier is blank: fill in Carrier ({names})",
                Severity.WARNING,
                value=number,
            )
    return cs
