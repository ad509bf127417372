"""Helpers shared by the summary figure modules: complete typed frames, safe ratios, the summaries policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from sheetsync import policies, setting
from sheetsync.model.a1 import sheet_ref
from sheetsync.model.tab import Tab

COPY_REASONS = ("Not As Described", "Color", "Style")
SIZE_REASONS = ("Size Too Small", "Size Too Large")
CLOSED_RETURN_STATUSES = ("Resolved", "Declined", "Cancelled", "Expired")
KEPT_REVENUE = ("Exchange", "Store Credit", "Resized", "Repaired")  # resolutions that keep the sale
DONE_COPY_STATUSES = ("Approved", "Published")
DATE_TYPES = ("date", "datetime")


@policies("summaries")
@dataclass(frozen=True)
class SummaryPolicy:
    """[policies.summaries]: thresholds and lists of the Summary tabs."""

    posting_window_days: int | None = setting(None, min=1, doc="default: [policies.gifting] posting_window_days")
    stop_min_gifts: int = setting(2, min=1)
    stop_roi_below: float = setting(-0.5, min=-1, max=10)  # -0.5: lost half the cost; below -1 is impossible
    stop_no_post_status: str = setting("Do Not Gift", refers="values:Influencers.Status")  # proposed: no post
    stop_low_roi_status: str = setting("Paused", refers="values:Influencers.Status")  # proposed: posts, no return
    campaign_stop_min_due: int = setting(5, min=1)
    campaign_stop_post_rate_below: float = setting(0.25, min=0, max=1)
    campaign_stop_roi_below: float = setting(-0.5, min=-1, max=10)
    engagement_actions: tuple[str, ...] | None = setting(None, refers="columns:Gifts")
    emv_rates: Mapping[str, float] = setting({}, min=0, refers="columns:Gifts")
    copy_reasons: tuple[str, ...] = setting(COPY_REASONS, refers="values:Returns.Reason")
    copy_review_top: int = setting(10, min=1)
    launch_window_days: int = setting(14, min=0)
    chart_top: int = setting(10, min=1)


@dataclass(frozen=True)
class Policy:
    """The summaries policy as the figures use it: the declared table, the other tables it defaults from, today."""

    today: date
    posting_window_days: int = 14
    stop_min_gifts: int = 2
    stop_roi_below: float = -0.5
    campaign_stop_min_due: int = 5
    campaign_stop_post_rate_below: float = 0.25
    campaign_stop_roi_below: float = -0.5
    engagement_actions: tuple[str, ...] = ("Likes", "Comments")
    emv_rates: Mapping[str, float] = field(default_factory=dict)
    copy_reasons: tuple[str, ...] = COPY_REASONS
    copy_review_top: int = 10
    launch_window_days: int = 14
    chart_top: int = 10
    currency: str = "USD"

    @classmethod
    def from_config(cls, config, today: date) -> Policy:
        own = config.policy(SummaryPolicy)
        get = config.policy
        return cls(
            today=today,
            posting_window_days=own.posting_window_days or int(get("gifting.posting_window_days", 14)),
            stop_min_gifts=own.stop_min_gifts,
            stop_roi_below=own.stop_roi_below,
            campaign_stop_min_due=own.campaign_stop_min_due,
            campaign_stop_post_rate_below=own.campaign_stop_post_rate_below,
            campaign_stop_roi_below=own.campaign_stop_roi_below,
            engagement_actions=own.engagement_actions or _engagement_default(get),
            emv_rates=dict(own.emv_rates),
            copy_reasons=own.copy_reasons,
            copy_review_top=own.copy_review_top,
            launch_window_days=own.launch_window_days,
            chart_top=own.chart_top,
            currency=str(config.brand.get("currency", "USD")),
        )


def _engagement_default(get) -> tuple[str, ...]:
    """Likes + comments, plus shares and saves when the gifting policy counts them (as the overdue job does)."""
    actions = ["Likes", "Comments"]
    if get("gifting.engagement_counts_shares", False):
        actions.append("Shares")
    if get("gifting.engagement_counts_saves", False):
        actions.append("Saves")
    return tuple(actions)


def full_frame(tab: Tab | None) -> pd.DataFrame:
    """The tab's typed frame with every schema column present (absent or unusable columns are all-missing)."""
    if tab is None:
        return pd.DataFrame()
    frame = tab.frame() if tab.usable else pd.DataFrame({"_row": pd.array([], dtype="Int64")})
    for column in tab.schema.columns:
        if column.header not in frame.columns:
            if column.type in DATE_TYPES:
                frame[column.header] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            elif column.type in ("int",):
                frame[column.header] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
            elif column.type in ("decimal", "money", "percent"):
                frame[column.header] = pd.Series(pd.NA, index=frame.index, dtype="Float64")
            else:
                frame[column.header] = pd.Series(pd.NA, index=frame.index, dtype="object")
    return frame


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, or NA when either is missing or the denominator is zero."""
    if _missing(numerator) or _missing(denominator) or float(denominator) == 0:
        return pd.NA
    return float(numerator) / float(denominator)


def ratios(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise ratio as Float64 with NA where the denominator is missing or zero."""
    num = pd.to_numeric(numerator, errors="coerce").astype("Float64")
    den = pd.to_numeric(denominator, errors="coerce").astype("Float64")
    out = num / den.where(den != 0)
    return out.astype("Float64")


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def days_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole days from `earlier` to `later` (Int64, NA when a date is missing)."""
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days.astype("Int64")


def today_ts(today: date) -> pd.Timestamp:
    return pd.Timestamp(today)


def label(series: pd.Series, blank: str) -> pd.Series:
    """Text labels for grouping: missing becomes `blank` (e.g. "(not given)")."""
    return series.astype("object").where(series.notna(), blank).astype(str)


def total(series: pd.Series) -> Any:
    """Sum of the known values, or NA when none is known."""
    known = pd.to_numeric(series, errors="coerce").dropna()
    return float(known.sum()) if len(known) else pd.NA


def sku_link(row_number: Any) -> Any:
    """An internal link to a SKUs row ('SKUs'!A12), or NA."""
    return pd.NA if _missing(row_number) else sheet_ref("SKUs", int(row_number), 1)


def fold(text: Any) -> Any:
    return pd.NA if _missing(text) else " ".join(str(text).split()).casefold()
