"""[policies.describe]: the keys the describe job reads, their types and limits (checked when the config loads)."""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync import policies, setting

STATUSES = "values:SKUs.Description Status"
REASONS = "values:Returns.Reason"


@policies("describe")
@dataclass(frozen=True)
class DescribePolicy:
    """Drafts, approvals and the returns that point at the copy (defaults as Settings.load reads them)."""

    draft_statuses: tuple[str, ...] = setting(("Brief", "Drafting", "Needs Update"), refers=STATUSES)
    approved_statuses: tuple[str, ...] = setting(("Approved", "Published"), refers=STATUSES)
    needs_update_status: str = setting("Needs Update", refers=STATUSES)
    fingerprint_specs: tuple[str, ...] = setting((), refers="columns:SKUs")
    copy_return_reasons: tuple[str, ...] = setting(("Not As Described", "Color", "Style"), refers=REASONS)
    copy_return_threshold: int = setting(2, min=1)
    size_return_reasons: tuple[str, ...] = setting(("Size Too Small", "Size Too Large"), refers=REASONS)
    size_return_threshold: int = setting(2, min=1)
    size_return_days: int = setting(365, min=1)
