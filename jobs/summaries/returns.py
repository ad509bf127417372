"""Returns figures: rates by SKU, category, reason and channel; outcomes; time to resolve; workshop; copy review."""

from __future__ import annotations

import pandas as pd

from sheetsync.summary_tab import Chart, Section, key_figures

from .common import (
    CLOSED_RETURN_STATUSES,
    KEPT_REVENUE,
    SIZE_REASONS,
    Policy,
    days_between,
    label,
    ratio,
    ratios,
    sku_link,
    today_ts,
    total,
)

NOT_GIVEN = "(not given)"
UNKNOWN_SKU = "(SKU not in catalog)"


def returns_figures(skus: pd.DataFrame, returns: pd.DataFrame, policy: Policy) -> dict[str, pd.DataFrame]:
    """Every returns figure as a DataFrame, keyed 'returns.<name>'."""
    r = _returns(skus, returns)
    out = {
        "returns.by_sku": by_sku(skus, r, policy),
        "returns.by_category": by_category(skus, r),
        "returns.by_reason": _shares(r, "Reason", NOT_GIVEN),
        "returns.by_channel": by_channel(r),
        "returns.outcomes": outcomes(r),
        "returns.workshop": workshop(r, policy),
        "returns.copy_review": copy_review(r, skus, policy),
    }
    out["returns.key_figures"] = key(skus, r, out)
    return {"returns.key_figures": out.pop("returns.key_figures"), **out}


def _returns(skus: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """Returns joined to their SKU's name, category, units sold and sheet row."""
    wanted = ["SKU", "Product Name", "Category", "Units Sold", "Description Status", "_row"]
    catalog = skus[skus["SKU"].notna()].drop_duplicates("SKU")[wanted].rename(columns={"_row": "_sku_row"})
    r = returns.copy()
    r["SKU"] = r["SKU"].astype("object")
    catalog = catalog.assign(SKU=catalog["SKU"].astype("object"))
    r = r.merge(catalog, on="SKU", how="left")
    r["Known SKU"] = r["_sku_row"].notna()
    r["Days To Resolve"] = days_between(r["Resolved On"], r["Requested On"])
    r["Days To Resolve"] = r["Days To Resolve"].where(r["Days To Resolve"] >= 0)
    return r


def by_sku(skus: pd.DataFrame, r: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """SKUs with at least one return: returns, return rate (returns / Units Sold), copy and size returns."""
    cols = [
        "SKU",
        "Product Name",
        "Category",
        "Units Sold",
        "Returns",
        "Return Rate",
        "Copy Returns",
        "Size Returns",
        "Top Reason",
        "_link",
    ]
    if r.empty:
        return pd.DataFrame(columns=cols)
    r = r.assign(SKU=label(r["SKU"], NOT_GIVEN))
    grouped = r.groupby("SKU", sort=False)
    out = pd.DataFrame(
        {
            "Returns": grouped.size(),
            "Copy Returns": grouped["Reason"].agg(lambda s: int(s.isin(policy.copy_reasons).sum())),
            "Size Returns": grouped["Reason"].agg(lambda s: int(s.isin(SIZE_REASONS).sum())),
            "Top Reason": grouped["Reason"].agg(_top),
            "Product Name": grouped["Product Name"].first(),
            "Category": grouped["Category"].first(),
            "Units Sold": grouped["Units Sold"].first(),
            "_link": grouped["_sku_row"].first().map(sku_link),
        }
    ).reset_index()
    out["Units Sold"] = out["Units Sold"].astype("Int64")
    out["Return Rate"] = ratios(out["Returns"], out["Units Sold"])
    out = out.sort_values(["Returns", "Return Rate", "SKU"], ascending=[False, False, True], na_position="last")
    return out[cols].reset_index(drop=True)


def _top(reasons: pd.Series) -> object:
    known = reasons.dropna()
    if known.empty:
        return pd.NA
    counts = known.value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def by_category(skus: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    """Units sold and returns per category; return rate = returns / units sold."""
    cols = ["Category", "Units Sold", "Returns", "Return Rate"]
    units = skus.drop_duplicates("SKU").assign(Category=lambda f: label(f["Category"], "(no category)"))
    units = units.groupby("Category")["Units Sold"].sum(min_count=1)
    counted = r.assign(Category=label(r["Category"], "(no category)").where(r["Known SKU"], UNKNOWN_SKU))
    counts = counted.groupby("Category").size()
    out = pd.DataFrame({"Units Sold": units, "Returns": counts}).reset_index(names="Category")
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["Returns"] = out["Returns"].fillna(0).astype(int)
    out["Units Sold"] = out["Units Sold"].astype("Int64")
    out["Return Rate"] = ratios(out["Returns"], out["Units Sold"])
    out = out.sort_values(["Returns", "Category"], ascending=[False, True])
    return out[cols].reset_index(drop=True)


def _shares(r: pd.DataFrame, column: str, blank: str) -> pd.DataFrame:
    cols = [column, "Returns", "Share"]
    if r.empty:
        return pd.DataFrame(columns=cols)
    counts = label(r[column], blank).value_counts()
    out = pd.DataFrame({column: counts.index, "Returns": counts.to_numpy()})
    out["Share"] = out["Returns"] / len(r)
    return out.sort_values(["Returns", column], ascending=[False, True]).reset_index(drop=True)[cols]


def by_channel(r: pd.DataFrame) -> pd.DataFrame:
    """Returns per channel, their share, and the amount refunded."""
    out = _shares(r, "Channel", NOT_GIVEN)
    if out.empty:
        return out.assign(Refunded=pd.Series(dtype="Float64"))
    refunded = r.assign(Channel=label(r["Channel"], NOT_GIVEN)).groupby("Channel")["Refund Amount"].sum(min_count=1)
    out["Refunded"] = out["Channel"].map(refunded).astype("Float64")
    return out


def outcomes(r: pd.DataFrame) -> pd.DataFrame:
    """Resolutions of closed returns: count, share, refunds paid and restocking fees kept."""
    cols = ["Resolution", "Returns", "Share", "Refunded", "Restocking Fees"]
    done = r[r["Resolution"].notna()]
    if done.empty:
        return pd.DataFrame(columns=cols)
    grouped = done.groupby(done["Resolution"].astype(str))
    out = pd.DataFrame(
        {
            "Returns": grouped.size(),
            "Refunded": grouped["Refund Amount"].sum(min_count=1).astype("Float64"),
            "Restocking Fees": grouped["Restocking Fee"].sum(min_count=1).astype("Float64"),
        }
    ).reset_index(names="Resolution")
    out["Share"] = out["Returns"] / len(done)
    return out.sort_values(["Returns", "Resolution"], ascending=[False, True])[cols].reset_index(drop=True)


def workshop(r: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Pieces at the workshop now: days there (since received) and days past the workshop due date."""
    cols = ["RMA", "SKU", "Product Name", "Received On", "Days At Workshop", "Workshop Due", "Days Past Due"]
    at = r[r["Status"] == "At Workshop"].copy()
    if at.empty:
        return pd.DataFrame(columns=cols)
    today = today_ts(policy.today)
    since = at["Received On"].fillna(at["Requested On"])
    at["Days At Workshop"] = (today - pd.to_datetime(since)).dt.days.astype("Int64")
    late = (today - pd.to_datetime(at["Workshop Due"])).dt.days.astype("Int64")
    at["Days Past Due"] = late.where(late > 0, 0).where(late.notna())
    at = at.sort_values("Days At Workshop", ascending=False, na_position="last")
    return at[cols].reset_index(drop=True)


def copy_review(r: pd.DataFrame, skus: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """SKUs with the most returns whose reason points at the copy (Not As Described, Color, Style)."""
    reasons = list(policy.copy_reasons)
    cols = ["SKU", "Product Name", "Description Status", "Copy Returns", *reasons, "Return Rate", "_link"]
    copy = r[r["Reason"].isin(reasons) & r["Known SKU"]]
    if copy.empty:
        return pd.DataFrame(columns=cols)
    counts = pd.crosstab(copy["SKU"], copy["Reason"].astype(str)).reindex(columns=reasons, fill_value=0)
    counts.columns.name = None
    counts["Copy Returns"] = counts.sum(axis=1)
    all_returns = r[r["Known SKU"]].groupby("SKU").size()
    info = r[r["Known SKU"]].drop_duplicates("SKU").set_index("SKU")
    out = counts.reset_index(names="SKU")
    out["Product Name"] = out["SKU"].map(info["Product Name"])
    out["Description Status"] = out["SKU"].map(info["Description Status"])
    out["Return Rate"] = ratios(out["SKU"].map(all_returns), out["SKU"].map(info["Units Sold"]))
    out["_link"] = out["SKU"].map(info["_sku_row"]).map(sku_link)
    out = out.sort_values(["Copy Returns", "SKU"], ascending=[False, True]).head(policy.copy_review_top)
    return out[cols].reset_index(drop=True)


def key(skus: pd.DataFrame, r: pd.DataFrame, figures: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Headline numbers of the Returns summary."""
    open_ = int((~r["Status"].isin(CLOSED_RETURN_STATUSES)).sum()) if len(r) else 0
    units = total(skus.drop_duplicates("SKU")["Units Sold"])
    catalog_returns = int(r["Known SKU"].sum()) if len(r) else 0
    resolved = r[r["Resolution"].isin(("Refund", *KEPT_REVENUE))]
    kept = int(resolved["Resolution"].isin(KEPT_REVENUE).sum())
    days = r["Days To Resolve"].dropna().astype(float)
    return key_figures(
        [
            ("Returns logged", len(r), "int"),
            ("Open returns", open_, "int"),
            ("Units sold (catalog)", units, "int"),
            ("Return rate (returns / units sold)", ratio(catalog_returns, units), "percent"),
            ("Refunded", total(r["Refund Amount"]) if len(r) else pd.NA, "money"),
            ("Restocking fees kept", total(r["Restocking Fee"]) if len(r) else pd.NA, "money"),
            ("Retained revenue ratio", ratio(kept, len(resolved)), "percent"),
            ("Median days to resolve", days.median() if len(days) else pd.NA, "decimal"),
            ("90th percentile days to resolve", days.quantile(0.9) if len(days) else pd.NA, "decimal"),
            ("Pieces at the workshop now", len(figures["returns.workshop"]), "int"),
        ]
    )


def returns_sections(f: dict[str, pd.DataFrame], policy: Policy) -> list[Section]:
    """How the Returns summary tab shows the figures."""
    rate = {"Return Rate": "percent", "Units Sold": "int", "Returns": "int"}
    reasons = ", ".join(policy.copy_reasons)
    return [
        Section("Key figures", f["returns.key_figures"], key=True),
        Section(
            "Returns by reason",
            f["returns.by_reason"],
            {"Share": "percent", "Returns": "int"},
            empty="No returns logged yet.",
            chart=Chart("bar", "Returns by reason", "Reason", ("Returns",), "Returns"),
        ),
        Section(
            "Copy to review: returns for " + reasons,
            f["returns.copy_review"],
            {**rate, "Copy Returns": "int", **dict.fromkeys(policy.copy_reasons, "int")},
            note="These reasons point at the description: click a SKU to open its row and re-review the copy.",
            empty="No returns point at the copy.",
            links={"SKU": "_link"},
        ),
        Section(
            "Returns by SKU",
            f["returns.by_sku"],
            {**rate, "Copy Returns": "int", "Size Returns": "int"},
            note="Return rate = returns / Units Sold (n/a when Units Sold is blank or 0).",
            empty="No returns logged yet.",
            links={"SKU": "_link"},
        ),
        Section("Returns by category", f["returns.by_category"], rate, empty="No SKUs or returns yet."),
        Section(
            "Returns by channel",
            f["returns.by_channel"],
            {"Share": "percent", "Returns": "int", "Refunded": "money"},
            empty="No returns logged yet.",
            chart=Chart("column", "Returns by channel", "Channel", ("Returns",), "Returns", width_cm=11),
        ),
        Section(
            "Outcomes of settled returns",
            f["returns.outcomes"],
            {"Share": "percent", "Returns": "int", "Refunded": "money", "Restocking Fees": "money"},
            empty="No return has a Resolution yet.",
        ),
        Section(
            "At the workshop now",
            f["returns.workshop"],
            {"Received On": "date", "Workshop Due": "date", "Days At Workshop": "days", "Days Past Due": "days"},
            empty="Nothing is at the workshop.",
        ),
    ]
