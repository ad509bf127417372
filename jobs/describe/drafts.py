"""Drafts from the specs and the Brief: Draft Description, Etsy Title and Etsy Tags, written only to cells
that are still the job's own (a short hash of what it last wrote lives in _Meta, "describe:<SKU>:<field>")."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sheetsync import ChangeSet, Context, Severity
from sheetsync.model.changes import Reads
from sheetsync.model.system import META
from sheetsync.model.tab import Row, Tab
from sheetsync.templates import TemplateFailure, Templates, render_many

from ..wording.brief import brief_parts
from ..wording.compliance import check_copy, errors
from ..wording.etsy import choose_tags, etsy_title, tidy
from ..wording.language import spelled
from ..wording.piece import piece
from .settings import DescribeCode, Settings

META_PREFIX = "describe:"
FIELDS = (("draft", "Draft Description"), ("title", "Etsy Title"), ("tags", "Etsy Tags"))


def text_hash(text: Any) -> str:
    """A short hash of a cell's text as people see it (line endings and outer spaces ignored)."""
    norm = "\n".join(line.rstrip() for line in str(text or "").replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(norm.encode()).hexdigest()[:12]


def render_drafts(
    templates: Templates, row_values: Mapping[str, Any], sku: str, settings: Settings
) -> tuple[dict[str, Any] | None, TemplateFailure | None]:
    """(drafts {"draft", "title", "tags", "notes"}, failure): the draft copy and Etsy fields for one row."""
    p = piece(row_values, sku, settings.rules.reference)
    parts, notes = brief_parts(row_values, settings.rules)
    context = {"piece": p, "voice": settings.voice, "market": settings.market, **parts}
    category = p.category.lower()
    rendered, failure = render_many(
        templates,
        [
            ("draft", [f"drafts/{category}.txt.j2", "drafts/base.txt.j2"], context),
            ("title", [f"channels/etsy_title_{category}.txt.j2", "channels/etsy_title.txt.j2"], context),
            ("tags", [f"channels/etsy_tags_{category}.txt.j2", "channels/etsy_tags.txt.j2"], context),
        ],
    )
    if failure is not None:
        return None, failure
    market = settings.market

    def acceptable(tag: str) -> bool:
        return not errors(check_copy(tag, row_values, kind="tags", rules=settings.rules))

    return {
        "draft": spelled(tidy(rendered["draft"]), market),
        "title": etsy_title(spelled(rendered["title"], market)),
        "tags": ", ".join(choose_tags(spelled(rendered["tags"], market), acceptable)),
        "notes": notes,
    }, None


def write_drafts(
    cs: ChangeSet,
    skus: Tab,
    meta: Tab,
    row: Row,
    templates: Templates,
    settings: Settings,
    ctx: Context,
    out: dict[str, dict[str, str]],
) -> tuple[dict[str, str], list[str] | None]:
    """Write the row's drafts where the cells are the job's own.

    Returns the cells written (column -> text) and the Brief lines the drafts could not use (None when no
    draft could be made)."""
    drafts, failure = render_drafts(templates, row.values, row.key, settings)
    if failure is not None or drafts is None:
        cs.report(
            skus,
            row,
            "Draft Description",
            DescribeCode.TEMPLATE_ERROR,
            f"no draft written: {failure.describe() if failure else 'no template'} (fix it in config/templates)",
            Severity.ERROR,
        )
        return {}, None
    report_notes(cs, skus, row, drafts["notes"])
    out[row.key] = {name: drafts[name] for name, _ in FIELDS}
    written = {}
    stamp = ctx.now.replace(tzinfo=None, microsecond=0)
    for name, column in FIELDS:
        if column not in skus.columns:
            continue
        current, new = row[column], drafts[name]
        record = meta.row(f"{META_PREFIX}{row.key}:{name}")
        last = record["Value"] if record is not None else None
        if current is None or text_hash(current) in (text_hash(new), last):
            cs.set(skus, row, column, new)
            written[column] = new
            _remember(cs, meta, record, f"{META_PREFIX}{row.key}:{name}", text_hash(new), stamp, [(skus, row.key)])
        else:
            cs.report(
                skus,
                row,
                column,
                DescribeCode.DRAFT_EDITED,
                "edited since sheetsync drafted it, so a new draft was not written over it "
                "(clear the cell to get a fresh draft from the specs)",
                Severity.WARNING,
            )
    return written, list(drafts["notes"])


def report_notes(cs: ChangeSet, skus: Tab, row: Row, notes: list[str]) -> None:
    """The Brief lines the drafts could not use, as warnings on the Brief cell."""
    for note in notes:
        cs.report(skus, row, "Brief", DescribeCode.BRIEF_NOT_USED, note, Severity.WARNING)


def _remember(cs: ChangeSet, meta: Tab, record: Row | None, key: str, digest: str, stamp: Any, reads: Reads) -> None:
    """Keep the hash of what the job last wrote to a cell in _Meta ("describe:<SKU>:<field>"), updated in place.

    A cell whose text hashes to it is the job's own draft; anything else is a person's edit. It depends on
    the SKU's row (`reads`), so it is not kept when the draft's write is skipped because a person changed the
    row meanwhile (else the next run would take the old draft for a person's edit)."""
    if record is None:
        cs.append(META, {"Key": key, "Value": digest, "Updated": stamp}, reads=reads)
    elif record["Value"] != digest:
        cs.set(meta, record, "Value", digest, reads=reads)
        cs.set(meta, record, "Updated", stamp, reads=reads)
