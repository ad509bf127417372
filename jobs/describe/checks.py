"""Every copy cell of a row checked against its specs: Product Name, Final Description, the drafts, Etsy fields."""

from __future__ import annotations

from collections.abc import Mapping

from sheetsync import ChangeSet, Severity
from sheetsync.model.tab import Row, Tab

from ..wording.compliance import check_copy
from ..wording.etsy import ETSY_TAG_LENGTH, ETSY_TAG_LIMIT, ETSY_TITLE_LENGTH, etsy_tags, etsy_title
from .settings import DescribeCode, Settings

KINDS = (
    ("Final Description", "description"),
    ("Draft Description", "description"),
    ("Etsy Title", "title"),
    ("Etsy Tags", "tags"),
)


def check_row_copy(cs: ChangeSet, skus: Tab, row: Row, settings: Settings, written: Mapping[str, str]) -> None:
    """Check each copy cell as it will be after this run (this job's draft where it wrote one)."""
    specs = row.values
    name = row["Product Name"]
    for finding in check_copy(name, specs, kind="title", rules=settings.rules, own_name=False):
        cs.report(skus, row, "Product Name", finding.code, finding.message, finding.severity)
    for column, kind in KINDS:
        text = written.get(column, row[column])
        for finding in check_copy(text, specs, kind=kind, rules=settings.rules):
            cs.report(skus, row, column, finding.code, finding.message, finding.severity)
    _etsy_limits(cs, skus, row, written)


def _etsy_limits(cs: ChangeSet, skus: Tab, row: Row, written: Mapping[str, str]) -> None:
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
