"""Helpers shared by the summary figure modules: complete typed frames, safe ratios, the summaries policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from sheetsync.model.a1 import sheet_ref
from sheetsync.model.tab import Tab

COPY_REASONS = ("Not As Described", "Color", "Style")
SIZE_REASONS = ("Size Too Small", "Size Too Large")
CLOSED_RETURN_STATUSES = ("Resolved", "Declined", "Cancelled", "Expired")
KEPT_REVENUE = ("Exchange", "Store Credit", "Resized", "Repaired")  # resolutions that keep the sale
DONE_COPY_STATUSES = ("Approved", "Published")
DATE_TYPES = ("date", "datetime")


@dataclass(frozen=True)
class Policy:
    """The [policies.summaries] table, with the brand's defaults."""

    today: date
    posting_window_days: int = 14
    stop_min_gifts: int = 2
    stop_roi_below: float = -0.5
    engagement_actions: tuple[str, ...] = ("Likes", "Comments")
    emv_rates: Mapping[str, float] = field(default_factory=dict)
    copy_reasons: tuple[str, ...] = COPY_REASONS
    copy_review_top: int = 10
    launch_window_days: int = 14
    chart_top: int = 10
    currency: str = "USD"

    @classmethod
    def from_config(cls, config, today: date) -> Policy:
        get = config.policy
        return cls(
            today=today,
            posting_window_days=int(get("summaries.posting_window_days", get("gifting.posting_window_days", 14))),
            stop_min_gifts=int(get("summaries.stop_min_gifts", 2)),
            stop_roi_below=float(get("summaries.stop_roi_below", -0.5)),
            engagement_actions=tuple(get("summaries.engagement_actions", _engagement_default(get))),
            emv_rates={str(k): float(v) for k, v in dict(get("summaries.emv_rates", {})).items()},
            copy_reasons=tuple(get("summaries.copy_reasons", COPY_REASONS)),
            copy_review_top=int(get("summaries.copy_review_top", 10)),
            launch_window_days=int(get("summaries.launch_window_days", 14)),
            chart_top=int(get("summaries.chart_top", 10)),
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
