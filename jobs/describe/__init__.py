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

import functools
from pathlib import Path

from sheetsync import ChangeSet, Context, Severity, job
from sheetsync.model.system import META

from .approvals import changed_specs, fingerprint, read_fingerprint, spec_value
from .approvals import guard_approval as _guard_approval
from .checks import KINDS, check_row_copy
from .drafts import FIELDS, META_PREFIX, render_drafts, report_notes, text_hash, write_drafts
from .memo import MEMO, Memo, cells_unchanged, kept, replay, row_digest, run_digest, save
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


@job("describe", after=["validate", "restock"], publishes={"drafts": dict})  # restock: Stock as written
def describe(ctx: Context) -> ChangeSet:
    """Draft copy and Etsy fields from the specs, guard approved copy against spec changes, check all copy."""
    cs = ctx.changes()
    skus = ctx.tab(SKUS)
    drafts: dict[str, dict[str, str]] = {}  # SKU -> {"draft", "title", "tags"} generated this run
    ctx.publish("drafts", drafts)
    if not skus.usable:
        return cs
    settings = Settings.load(ctx)
    meta = ctx.tab(META)
    blocked = _blocking_problems(ctx)
    returns = returns_by_sku(ctx)
    returns_tab = ctx.tab("Returns") if returns else None
    run = run_digest(ctx, _code())
    stamp = ctx.now.replace(tzinfo=None, microsecond=0)
    for row in skus:
        if not row.has_key or row.repeated:
            continue
        status = row["Description Status"]
        valid = row.key not in blocked
        if valid:
            status = _guard_approval(cs, skus, row, status, settings)
        found_returns = returns.get(row.key, [])
        if returns_tab is not None:  # what the row's writes and Issues say depends on its returns as read
            cs.computed_from(skus, row, [(returns_tab, "SKU", row.key)])
        status = returns_feed(cs, skus, row, status, settings, found_returns, ctx.today)
        if not valid:
            continue
        record = meta.row(MEMO.format(row.key))
        memo = Memo.read(record)
        written = _drafts(cs, skus, meta, row, status, settings, ctx, drafts, memo, run)
        _checks(cs, skus, row, settings, written, memo, run, status)
        save(cs, meta, row.key, memo, record, stamp, [(skus, row.key)])
    return cs


def _drafts(cs, skus, meta, row, status, settings, ctx, drafts, memo: Memo, run: str) -> dict[str, str]:
    """The row's drafts: rendered and written, or (inputs and cells as last time) left as they are."""
    if status not in settings.draft_statuses:
        return {}
    inputs = row_digest(row, run, now={"Description Status": status})
    if memo.inputs == inputs and cells_unchanged(row, meta, dict(FIELDS), text_hash):
        report_notes(cs, skus, row, memo.notes)
        drafts[row.key] = {name: row[column] for name, column in FIELDS}
        return {}
    written, notes = write_drafts(cs, skus, meta, row, ctx.templates, settings, ctx, drafts)
    memo.inputs, memo.notes = (inputs, notes) if notes is not None else ("", [])
    return written


def _checks(cs, skus, row, settings, written, memo: Memo, run: str, status: str | None) -> None:
    """Every copy cell checked, or (copy and rules as last time) the last check's findings reported again."""
    texts = [row["Product Name"], *(written.get(column, row[column]) for column, _ in KINDS)]
    checked = row_digest(row, run, texts, now={"Description Status": status}, of=memo.inputs or None)
    if memo.checked == checked:
        replay(cs, skus, row, memo.findings)
        return
    found = ChangeSet(job=cs.job)
    check_row_copy(found, skus, row, settings, written)
    cs.problems += found.problems
    memo.checked, memo.findings = checked, kept(found.problems)


@functools.cache
def _code() -> tuple[Path, ...]:
    """The code a row's drafts and checks depend on: this package and the brand's wording package."""
    here = Path(__file__).resolve().parent
    return tuple(sorted([*here.glob("*.py"), *(here.parent / "wording").rglob("*.py")]))


def _blocking_problems(ctx: Context) -> set[str]:
    """Keys of SKUs rows with an error from reading or validation (the job runs after validate): no drafts."""
    return {p.key for p in ctx.report if p.tab == SKUS and p.key and p.severity == Severity.ERROR}
