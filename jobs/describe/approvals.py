"""Approvals guarded by the Spec Fingerprint: the specs the approved copy was written against.

Approved/Published rows get a fingerprint (a hash plus the specs as JSON, and the Approved On date); when the
specs change later, the approved copy is stale: an error while the row is still approved (so no channel
exports it), Description Status becomes Needs Update and Issues names the specs that changed. Re-approving
(a new Approved On date) records a fresh fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sheetsync import ChangeSet, Severity
from sheetsync.model.tab import Row, Tab

from .settings import DescribeCode, Settings

FINGERPRINT_VERSION = "fp1"


def spec_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fingerprint(row: Row, specs: tuple[str, ...]) -> str:
    """ "fp1 <hash> {json}": the specs the copy was approved against, readable so changes can be named."""
    values = {h: spec_value(row[h]) for h in specs if spec_value(row[h])}
    values["_approved_on"] = spec_value(row["Approved On"])
    body = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(
        json.dumps({k: v for k, v in values.items() if k != "_approved_on"}, sort_keys=True).encode()
    ).hexdigest()[:10]
    return f"{FINGERPRINT_VERSION} {digest} {body}"


def read_fingerprint(text: Any) -> dict[str, str] | None:
    parts = str(text or "").split(" ", 2)
    if len(parts) != 3 or parts[0] != FINGERPRINT_VERSION:
        return None
    try:
        values = json.loads(parts[2])
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


def changed_specs(recorded: Mapping[str, str], row: Row, specs: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(spec, value at approval, value now) for every fingerprinted spec that differs."""
    out = []
    for header in specs:
        then, now = str(recorded.get(header, "")), spec_value(row[header])
        if then != now:
            out.append((header, then, now))
    return out


def guard_approval(cs: ChangeSet, skus: Tab, row: Row, status: str | None, settings: Settings) -> str | None:
    if "Spec Fingerprint" not in skus.columns or not settings.specs:
        return status
    current = row["Spec Fingerprint"]
    recorded = read_fingerprint(current)
    approved = status in settings.approved_statuses
    if approved and current and recorded is None:
        cs.report(
            skus,
            row,
            "Spec Fingerprint",
            DescribeCode.FINGERPRINT_UNREADABLE,
            "not a fingerprint sheetsync wrote; recorded afresh from the current specs",
            Severity.WARNING,
        )
    if approved and (recorded is None or recorded.get("_approved_on", "") != spec_value(row["Approved On"])):
        cs.set(skus, row, "Spec Fingerprint", fingerprint(row, settings.specs))  # first approval or a re-approval
        return status
    if recorded is None:
        return status
    changes = changed_specs(recorded, row, settings.specs)
    if not changes:
        return status
    said = "; ".join(f"{h} {then or '(blank)'} -> {now or '(blank)'}" for h, then, now in changes)
    if approved:
        cs.set(skus, row, "Description Status", settings.needs_update)
        status = settings.needs_update
    cs.report(
        skus,
        row,
        "Description Status",
        DescribeCode.SPECS_CHANGED,
        f"specs changed since the copy was approved ({said}): the approved copy no longer matches the piece and "
        f"is kept out of every channel; update the Final Description, then set Approved with a new Approved On date",
        Severity.ERROR if approved else Severity.WARNING,
        value=[h for h, _, _ in changes],
    )
    return status
