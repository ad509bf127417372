"""The describe job's settings and reason codes, read from config once per run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sheetsync import Context

from ..wording.compliance import CopyRules
from ..wording.filters import voice
from .policy import DescribePolicy

SKUS = "SKUs"


class DescribeCode(StrEnum):
    TEMPLATE_ERROR = "template_error"  # a template failed for this row: no draft written
    DRAFT_EDITED = "draft_edited"  # a person edited the job's draft: kept, not overwritten
    SPECS_CHANGED = "specs_changed"  # specs changed since the copy was approved (an error while still approved)
    FINGERPRINT_UNREADABLE = "fingerprint_unreadable"  # Spec Fingerprint is not one sheetsync wrote
    COPY_RETURNS = "copy_returns"  # repeated Not As Described / Color / Style returns
    SIZE_RETURNS = "size_returns"  # a ring keeps coming back for size: check the size guide
    ETSY_LIMIT = "etsy_limit"  # an Etsy title or tag set breaks Etsy's rules
    BRIEF_NOT_USED = "brief_not_used"  # part of the Brief breaks a copy rule, so the draft leaves it out


@dataclass(frozen=True)
class Settings:
    draft_statuses: tuple[str, ...]
    approved_statuses: tuple[str, ...]
    needs_update: str
    specs: tuple[str, ...]
    copy_reasons: tuple[str, ...]
    copy_threshold: int
    size_reasons: tuple[str, ...]
    size_threshold: int
    size_days: int
    market: str
    rules: CopyRules
    voice: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, ctx: Context) -> Settings:
        p = ctx.config.policy(DescribePolicy)
        rules = CopyRules.from_config(ctx.config)
        return cls(
            draft_statuses=p.draft_statuses,
            approved_statuses=p.approved_statuses,
            needs_update=p.needs_update_status,
            specs=p.fingerprint_specs,
            copy_reasons=p.copy_return_reasons,
            copy_threshold=p.copy_return_threshold,
            size_reasons=p.size_return_reasons,
            size_days=p.size_return_days,
            size_threshold=p.size_return_threshold,
            market=rules.market,
            rules=rules,
            voice=voice(ctx.config.brand),
        )
