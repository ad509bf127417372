"""The describe job: drafts copy from the specs and the Brief, keeps approvals honest, checks all copy.

- Rows in a draft status (Brief, Drafting, Needs Update) with valid specs get a Draft Description,
  Etsy Title and Etsy Tags from config/templates (drafts.py); a cell a person edited is never overwritten.
- Approved/Published rows get a Spec Fingerprint; specs changed since approval make the approved copy stale:
  an error (kept out of every channel) and Needs Update (approvals.py).
- Product Name, Final Description (never written here), drafts and Etsy fields go through the copy rules
  (checks.py; the rules are jobs/wording/compliance).
- Returns feed the copy (returns.py).
"""

from __future__ import annotations

from sheetsync import ChangeSet, Context, Severity, job
from sheetsync.model.system import META

from .approvals import changed_specs, fingerprint, read_fingerprint, spec_value
from .approvals import guard_approval as _guard_approval
from .checks import check_row_copy
from .drafts import META_PREFIX, render_drafts, text_hash, write_drafts
from .returns import returns_by_sku, returns_feed
from .settings import SKUS, DescribeCode, Settings

__all__ = [
    "META_PREFIX",
    "DescribeCode",
    "Settings",
    "changed_specs",
    "describe",
    "fingerprint",
    "read_fingerprint",
    "render_drafts",
    "spec_value",
    "text_hash",
]


@job("describe", after=["validate"], publishes={"drafts": dict})
def describe(ctx: Context) -> ChangeSet:
    """Draft copy and Etsy fields from the specs, guard approved copy against spec changes, check all copy."""
    cs = ctx.changes()
    skus = ctx.tab(SKUS)
    drafts: dict[str, dict[str, str]] = {}  # SKU -> {"draft", "title", "tags"} generated this run
    ctx.publish("drafts", drafts)
    if not skus.usable:
        return cs
    settings = Settings.load(ctx)
    templates = ctx.templates
    meta = ctx.tab(META)
    blocked = _blocking_problems(ctx)
    returns = returns_by_sku(ctx)
    for row in skus:
        if not row.has_key or row.repeated:
            continue
        status = row["Description Status"]
        valid = row.key not in blocked
        if valid:
            status = _guard_approval(cs, skus, row, status, settings)
        status = returns_feed(cs, skus, row, status, settings, returns.get(row.key, []), ctx.today)
        if not valid:
            continue
        written = (
            write_drafts(cs, skus, meta, row, templates, settings, ctx, drafts)
            if status in settings.draft_statuses
            else {}
        )
        check_row_copy(cs, skus, row, settings, written)
    return cs


def _blocking_problems(ctx: Context) -> set[str]:
    """Keys of SKUs rows with an error from reading or validation (the job runs after validate): no drafts."""
    return {p.key for p in ctx.report if p.tab == SKUS and p.key and p.severity == Severity.ERROR}
