"""The describe job: drafts copy from the specs, keeps approvals honest and checks all copy against the specs.

- Rows in a draft status (Brief, Drafting, Needs Update) with valid specs get a Draft Description,
  Etsy Title and Etsy Tags from config/templates. What the job last wrote is remembered as a short
  hash per cell in the _Meta tab (key "describe:<SKU>:<field>"), so a cell a person edited since is never
  overwritten: the row is flagged instead (clear the cell to get a fresh draft).
- Approved/Published rows get a Spec Fingerprint (a hash plus the specs as JSON, and the Approved On
  date); when the specs change later, Description Status becomes Needs Update and Issues names the
  specs that changed. Re-approving (a new Approved On date) records a fresh fingerprint.
- Final Description (never written here), drafts and Etsy fields go through the copy compliance checker.
- Returns feed the copy: repeated Not As Described/Color/Style returns since approval -> Needs Update;
  a ring with repeated size returns is flagged for the size guide.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sheetsync import ChangeSet, Context, Severity, job
from sheetsync.model.system import META
from sheetsync.model.tab import Row, Tab
from sheetsync.templates import Templates, render_many

from ..wording.compliance import check_copy
from ..wording.etsy import ETSY_TAG_LENGTH, ETSY_TAG_LIMIT, ETSY_TITLE_LENGTH, etsy_tags, etsy_title, tidy
from ..wording.filters import piece, voice

SKUS = "SKUs"
META_PREFIX = "describe:"
FINGERPRINT_VERSION = "fp1"


class DescribeCode(StrEnum):
    TEMPLATE_ERROR = "template_error"  # a template failed for this row: no draft written
    DRAFT_EDITED = "draft_edited"  # a person edited the job's draft: kept, not overwritten
    SPECS_CHANGED = "specs_changed"  # specs changed since the copy was approved
    FINGERPRINT_UNREADABLE = "fingerprint_unreadable"  # Spec Fingerprint is not one sheetsync wrote
    COPY_RETURNS = "copy_returns"  # repeated Not As Described / Color / Style returns
    SIZE_RETURNS = "size_returns"  # a ring keeps coming back for size: check the size guide
    ETSY_LIMIT = "etsy_limit"  # an Etsy title or tag set breaks Etsy's rules


@dataclass(frozen=True)
class Settings:
    draft_statuses: tuple[str, ...]
    approved_statuses: tuple[str, ...]
    needs_update: str
    specs: tuple[str, ...]
    fraction: str
    copy_reasons: tuple[str, ...]
    copy_threshold: int
    size_reasons: tuple[str, ...]
    size_threshold: int
    size_days: int
    market: str
    voice: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, ctx: Context) -> Settings:
        p = ctx.config.policy
        return cls(
            draft_statuses=tuple(p("describe.draft_statuses", ("Brief", "Drafting", "Needs Update"))),
            approved_statuses=tuple(p("describe.approved_statuses", ("Approved", "Published"))),
            needs_update=p("describe.needs_update_status", "Needs Update"),
            specs=tuple(p("describe.fingerprint_specs", ())),
            fraction=p("describe.gold_filled_fraction", "1/20"),
            copy_reasons=tuple(p("describe.copy_return_reasons", ("Not As Described", "Color", "Style"))),
            copy_threshold=int(p("describe.copy_return_threshold", 2)),
            size_reasons=tuple(p("describe.size_return_reasons", ("Size Too Small", "Size Too Large"))),
            size_threshold=int(p("describe.size_return_threshold", 2)),
            size_days=int(p("describe.size_return_days", 365)),
            market=str(ctx.config.brand.get("market", "US")),
            voice=voice(ctx.config.brand),
        )


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
    returns = _returns_by_sku(ctx)
    for row in skus:
        if not row.has_key or row.repeated:
            continue
        status = row["Description Status"]
        valid = row.key not in blocked
        if valid:
            status = _guard_approval(cs, skus, row, status, settings)
        status = _returns_feed(cs, skus, row, status, settings, returns.get(row.key, []), ctx.today)
        if not valid:
            continue
        written = (
            _draft(cs, skus, meta, row, templates, settings, ctx, drafts) if status in settings.draft_statuses else {}
        )
        _check_people_copy(cs, skus, row, settings, written)
    return cs


def _blocking_problems(ctx: Context) -> set[str]:
    """Keys of SKUs rows with an error from reading or validation (the job runs after validate): no drafts."""
    return {p.key for p in ctx.report if p.tab == SKUS and p.key and p.severity == Severity.ERROR}


# --- drafts -------------------------------------------------------------------------------------------


def text_hash(text: Any) -> str:
    """A short hash of a cell's text as people see it (line endings and outer spaces ignored)."""
    norm = "\n".join(line.rstrip() for line in str(text or "").replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(norm.encode()).hexdigest()[:12]


def render_drafts(templates: Templates, row_values: Mapping[str, Any], sku: str, settings: Settings):
    """(drafts {"draft", "title", "tags"}, failure): the draft copy and Etsy fields for one row."""
    p = piece(row_values, sku, settings.fraction)
    context = {"piece": p, "voice": settings.voice}
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
    return {
        "draft": tidy(rendered["draft"]),
        "title": etsy_title(rendered["title"]),
        "tags": ", ".join(etsy_tags(rendered["tags"])),
    }, None


FIELDS = (("draft", "Draft Description"), ("title", "Etsy Title"), ("tags", "Etsy Tags"))


def _draft(
    cs: ChangeSet,
    skus: Tab,
    meta: Tab,
    row: Row,
    templates: Templates,
    settings: Settings,
    ctx: Context,
    out: dict[str, dict[str, str]],
) -> dict[str, str]:
    """Write the row's drafts where the cells are the job's own; returns the cells written (column -> text)."""
    drafts, failure = render_drafts(templates, row.values, row.key, settings)
    if failure is not None:
        cs.report(
            skus,
            row,
            "Draft Description",
            DescribeCode.TEMPLATE_ERROR,
            f"no draft written: {failure.describe()} (fix it in config/templates)",
            Severity.ERROR,
        )
        return {}
    out[row.key] = drafts
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
            _remember(cs, meta, record, f"{META_PREFIX}{row.key}:{name}", text_hash(new), stamp)
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
    return written


def _remember(cs: ChangeSet, meta: Tab, record: Row | None, key: str, digest: str, stamp: Any) -> None:
    """Keep the hash of what the job last wrote to a cell in _Meta ("describe:<SKU>:<field>"), updated in place.

    A cell whose text hashes to it is the job's own draft; anything else is a person's edit."""
    if record is None:
        cs.append(META, {"Key": key, "Value": digest, "Updated": stamp})
    elif record["Value"] != digest:
        cs.set(meta, record, "Value", digest)
        cs.set(meta, record, "Updated", stamp)


# --- checks of what people wrote (and of the job's own drafts) ---------------------------------------------


def _check_people_copy(cs: ChangeSet, skus: Tab, row: Row, settings: Settings, written: Mapping[str, str]) -> None:
    """Check each copy cell as it will be after this run (this job's draft where it wrote one)."""
    specs = row.values
    kinds = (
        ("Final Description", "description"),
        ("Draft Description", "description"),
        ("Etsy Title", "title"),
        ("Etsy Tags", "tags"),
    )
    for column, kind in kinds:
        text = written.get(column, row[column])
        for finding in check_copy(text, specs, kind=kind, market=settings.market):
            cs.report(skus, row, column, finding.code, finding.message, finding.severity)
    title = written.get("Etsy Title", row["Etsy Title"])
    if title and (len(title) > ETSY_TITLE_LENGTH or etsy_title(title) != " ".join(title.split())):
        cs.report(
            skus,
            row,
            "Etsy Title",
            DescribeCode.ETSY_LIMIT,
            f"{len(title)} characters: Etsy allows {ETSY_TITLE_LENGTH}, and % : & + at most once each",
            Severity.WARNING,
        )
    tags = written.get("Etsy Tags", row["Etsy Tags"])
    if tags:
        given = [t.strip() for t in tags.split(",") if t.strip()]
        if len(given) > ETSY_TAG_LIMIT or etsy_tags(tags) != [" ".join(t.split()).lower() for t in given]:
            cs.report(
                skus,
                row,
                "Etsy Tags",
                DescribeCode.ETSY_LIMIT,
                f"Etsy allows {ETSY_TAG_LIMIT} tags of at most {ETSY_TAG_LENGTH} letters, digits, "
                f"spaces, - and ' (found {len(given)})",
                Severity.WARNING,
            )


# --- approvals and the spec fingerprint -----------------------------------------------------------------


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


def _guard_approval(cs: ChangeSet, skus: Tab, row: Row, status: str | None, settings: Settings) -> str | None:
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
        f"specs changed since the copy was approved ({said}): update the Final Description, then set "
        f"Approved with a new Approved On date",
        Severity.WARNING,
        value=[h for h, _, _ in changes],
    )
    return status


# --- returns feed the copy ------------------------------------------------------------------------------


def _returns_by_sku(ctx: Context) -> dict[str, list[Row]]:
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


def _returns_feed(
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
        said = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        # Order numbers, not RMAs: people type them, so the line does not change when an RMA is issued later.
        rmas = (
            "orders " + ", ".join(str(r["Order Number"]) for r in about_copy if r["Order Number"])
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
            said = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
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
