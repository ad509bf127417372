"""Gifting figures: per influencer and campaign cost, posts, engagement, revenue and ROI; stop list; disclosure.

Definitions (the tab's notes repeat them):
- cost of a gift = Gift Value (blank: the SKU's Cost) + Shipping Cost (blank counts 0; both blank: unknown);
- a gift is posted when it has a Posted On date or a Post URL; it is due once posted or past its Post Due
  (blank Post Due: Delivered On + the posting window); post rate = posts / due gifts;
- on-time rate = posts on or before Post Due / posts with both dates;
- engagement rate = the configured actions (default likes + comments) / the influencer's followers, summed
  over posts with metrics and followers above zero;
- cost per engagement = cost / (likes + comments + shares + saves);
- ROI = (attributed revenue - cost) / cost, blank revenue counting as none attributed;
- cost per attributed order = cost / attributed orders (blank when no order is attributed);
- a campaign is on the stop list once enough of its gifts are due and its post rate or ROI is below the
  thresholds ([policies.summaries] campaign_stop_*).
"""

from __future__ import annotations

import pandas as pd

from sheetsync.summary_tab import Chart, Section, key_figures

from .common import Policy, fold, label, ratio, ratios, today_ts, total

INTERACTIONS = ("Likes", "Comments", "Shares", "Saves")
METRICS = ("Likes", "Comments", "Shares", "Saves", "Views")
NO_CAMPAIGN = "(no campaign)"


def gifting_figures(
    skus: pd.DataFrame, influencers: pd.DataFrame, gifts: pd.DataFrame, policy: Policy
) -> dict[str, pd.DataFrame]:
    """Every gifting figure as a DataFrame, keyed 'gifting.<name>'."""
    g = per_gift(skus, influencers, gifts, policy)
    people = by_influencer(g, policy)
    campaigns = by_campaign(g, policy)
    out = {
        "gifting.by_influencer": people,
        "gifting.by_campaign": campaigns,
        "gifting.campaign_stop_list": campaign_stop_list(campaigns, policy),
        "gifting.stop_list": stop_list(people, policy),
        "gifting.disclosure": missing_disclosure(g),
    }
    return {"gifting.key_figures": key(g, out, policy), **out}


def per_gift(skus: pd.DataFrame, influencers: pd.DataFrame, gifts: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per gift with its cost, due/posted/on-time flags, engagement and the influencer's followers."""
    g = gifts.copy()
    people = influencers.assign(_handle=influencers["Handle"].map(fold))
    people = people[people["_handle"].notna()].drop_duplicates("_handle")
    g["_handle"] = g["Handle"].map(fold)
    g = g.merge(
        people[["_handle", "Handle", "Platform", "Followers", "Status"]].rename(columns={"Handle": "_known_handle"}),
        on="_handle",
        how="left",
    )
    g["Influencer"] = g["_known_handle"].fillna(g["Handle"])
    g["Influencer"] = label(g["Influencer"], "(no handle)")
    costs = skus[skus["SKU"].notna()].drop_duplicates("SKU").set_index("SKU")["Cost"]
    value = g["Gift Value"].astype("Float64").fillna(g["SKU"].map(costs).astype("Float64"))
    shipping = g["Shipping Cost"].astype("Float64")
    g["Cost"] = (value.fillna(0) + shipping.fillna(0)).where(value.notna() | shipping.notna())
    g["Posted"] = (g["Posted On"].notna() | g["Post URL"].notna()).astype(bool)
    due_date = pd.to_datetime(g["Post Due"]).fillna(
        pd.to_datetime(g["Delivered On"]) + pd.Timedelta(days=policy.posting_window_days)
    )
    g["Due"] = (g["Posted"] | (due_date <= today_ts(policy.today))).astype(bool)
    timed = g["Posted"] & g["Posted On"].notna() & due_date.notna()
    g["Timed"] = timed.astype(bool)
    g["On Time"] = (timed & (pd.to_datetime(g["Posted On"]) <= due_date)).astype(bool)
    posted = g["Posted"]
    g["Engagement"] = _sum(g, policy.engagement_actions).where(posted)
    g["Interactions"] = _sum(g, INTERACTIONS).where(posted)
    followers = g["Followers"].astype("Float64")
    reach = posted & g["Engagement"].notna() & followers.notna() & (followers > 0)
    g["ER Engagement"] = g["Engagement"].where(reach)
    g["ER Followers"] = followers.where(reach)
    g["Disclosed"] = (posted & (g["Disclosure"] == True)).fillna(False).astype(bool)  # noqa: E712
    if policy.emv_rates:
        parts = pd.DataFrame(
            {a: g[a].astype("Float64") * rate for a, rate in policy.emv_rates.items() if a in g.columns}
        )
        g["EMV"] = parts.sum(axis=1, min_count=1).where(posted)
    return g


def _sum(g: pd.DataFrame, columns) -> pd.Series:
    present = [c for c in columns if c in g.columns]
    if not present:
        return pd.Series(pd.NA, index=g.index, dtype="Float64")
    return g[present].astype("Float64").sum(axis=1, min_count=1)


def _group(g: pd.DataFrame, by: str, policy: Policy) -> pd.DataFrame:
    grouped = g.groupby(by, sort=False)
    out = pd.DataFrame(
        {
            "Gifts": grouped.size(),
            "Cost": grouped["Cost"].sum(min_count=1).astype("Float64"),
            "Due": grouped["Due"].sum().astype(int),
            "Posts": grouped["Posted"].sum().astype(int),
            "_timed": grouped["Timed"].sum(),
            "_on_time": grouped["On Time"].sum(),
            **{m: grouped[m].sum(min_count=1).astype("Int64") for m in METRICS},
            "_er_num": grouped["ER Engagement"].sum(min_count=1),
            "_er_den": grouped["ER Followers"].sum(min_count=1),
            "_interactions": grouped["Interactions"].sum(min_count=1),
            "Orders": grouped["Attributed Orders"].sum(min_count=1).astype("Int64"),
            "Revenue": grouped["Attributed Revenue"].sum(min_count=1).astype("Float64"),
            "_disclosed": grouped["Disclosed"].sum(),
            **({"EMV (estimate)": grouped["EMV"].sum(min_count=1).astype("Float64")} if policy.emv_rates else {}),
        }
    )
    out["Post Rate"] = ratios(out["Posts"], out["Due"])
    out["On-time Rate"] = ratios(out["_on_time"], out["_timed"])
    out["Engagement Rate"] = ratios(out["_er_num"], out["_er_den"])
    out["Cost per Engagement"] = ratios(out["Cost"], out["_interactions"])
    out["ROI"] = ratios(out["Revenue"].fillna(0) - out["Cost"], out["Cost"])
    out["Cost per Order"] = ratios(out["Cost"], out["Orders"])
    out["Disclosure Rate"] = ratios(out["_disclosed"], out["Posts"])
    return out.reset_index(names=by)


GROUP_COLUMNS = [
    "Gifts",
    "Cost",
    "Due",
    "Posts",
    "Post Rate",
    "On-time Rate",
    *METRICS,
    "Engagement Rate",
    "Cost per Engagement",
    "Orders",
    "Revenue",
    "ROI",
    "Cost per Order",
    "Disclosure Rate",
]


def by_influencer(g: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per influencer: gifts, cost, posts, rates, engagement, revenue and ROI (biggest spend first)."""
    extra = ["EMV (estimate)"] if policy.emv_rates else []
    cols = ["Influencer", "Platform", "Followers", *GROUP_COLUMNS, *extra, "_status"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    out = _group(g, "Influencer", policy)
    info = g.drop_duplicates("Influencer").set_index("Influencer")
    out["Platform"] = out["Influencer"].map(info["Platform"])
    out["Followers"] = out["Influencer"].map(info["Followers"]).astype("Int64")
    out["_status"] = out["Influencer"].map(info["Status"])
    out = out.sort_values(["Cost", "Influencer"], ascending=[False, True], na_position="last")
    return out[cols].reset_index(drop=True)


def by_campaign(g: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per campaign: the same figures as per influencer."""
    extra = ["EMV (estimate)"] if policy.emv_rates else []
    cols = ["Campaign", *GROUP_COLUMNS, *extra]
    if g.empty:
        return pd.DataFrame(columns=cols)
    out = _group(g.assign(Campaign=label(g["Campaign"], NO_CAMPAIGN)), "Campaign", policy)
    out = out.sort_values(["Cost", "Campaign"], ascending=[False, True], na_position="last")
    return out[cols].reset_index(drop=True)


def campaign_stop_list(campaigns: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Campaigns to stop: enough gifts due, and a post rate or an ROI below the thresholds."""
    cols = ["Campaign", "Gifts", "Due", "Posts", "Post Rate", "Cost", "Revenue", "ROI", "Cost per Order", "Reason"]
    rows = []
    for _, c in campaigns.iterrows():
        if c["Campaign"] == NO_CAMPAIGN or c["Due"] < policy.campaign_stop_min_due:
            continue
        reasons = []
        rate, roi = c["Post Rate"], c["ROI"]
        if not pd.isna(rate) and rate < policy.campaign_stop_post_rate_below:
            reasons.append(
                f"{c['Posts']} posts from {c['Due']} gifts due ({rate:.0%}, below "
                f"{policy.campaign_stop_post_rate_below:.0%})"
            )
        if not pd.isna(roi) and roi < policy.campaign_stop_roi_below:
            reasons.append(f"ROI {roi:.0%} is below {policy.campaign_stop_roi_below:.0%}")
        if reasons:
            rows.append({**{k: c[k] for k in cols[:-1]}, "Reason": "; ".join(reasons)})
    out = pd.DataFrame(rows, columns=cols)
    if not out.empty:
        out = out.sort_values(["Cost", "Campaign"], ascending=[False, True]).reset_index(drop=True)
    return out


def stop_list(people: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Partnerships to stop: enough due gifts and no post, or ROI below the threshold once a gift is due."""
    cols = ["Influencer", "Gifts", "Due", "Posts", "Cost", "Revenue", "ROI", "Reason"]
    rows = []
    for _, p in people.iterrows():
        if not pd.isna(p["_status"]) and p["_status"] == "Do Not Gift":
            continue  # already stopped
        reasons = []
        if p["Due"] >= policy.stop_min_gifts and p["Posts"] == 0:
            reasons.append(f"{p['Due']} gifts past their post date and no post")
        roi = p["ROI"]
        if p["Due"] >= 1 and not pd.isna(roi) and roi < policy.stop_roi_below:
            reasons.append(f"ROI {roi:.0%} is below {policy.stop_roi_below:.0%}")
        if reasons:
            rows.append({**{c: p[c] for c in cols[:-1]}, "Reason": "; ".join(reasons)})
    out = pd.DataFrame(rows, columns=cols)
    if not out.empty:
        out = out.sort_values(["Cost", "Influencer"], ascending=[False, True]).reset_index(drop=True)
    return out


def missing_disclosure(g: pd.DataFrame) -> pd.DataFrame:
    """Posts without a confirmed #ad / #gifted disclosure (Disclosure not Yes)."""
    cols = ["Gift ID", "Influencer", "Campaign", "Posted On", "Post URL", "_url"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    missing = g[g["Posted"] & ~g["Disclosed"]].copy()
    missing["_url"] = missing["Post URL"]
    return missing.sort_values(["Posted On", "Influencer"], na_position="last")[cols].reset_index(drop=True)


def key(g: pd.DataFrame, figures: dict[str, pd.DataFrame], policy: Policy) -> pd.DataFrame:
    """Headline numbers of the Gifting summary."""
    n = len(g)
    cost = total(g["Cost"]) if n else pd.NA
    revenue = total(g["Attributed Revenue"]) if n else pd.NA
    posts = int(g["Posted"].sum()) if n else 0
    items = [
        ("Gifts logged", n, "int"),
        ("Gift cost (value + shipping)", cost, "money"),
        ("Posts", posts, "int"),
        ("Post rate (posts / gifts due)", ratio(posts, int(g["Due"].sum()) if n else 0), "percent"),
        ("On-time rate", ratio(int(g["On Time"].sum()) if n else 0, int(g["Timed"].sum()) if n else 0), "percent"),
        (
            "Engagement rate",
            ratio(total(g["ER Engagement"]) if n else pd.NA, total(g["ER Followers"]) if n else pd.NA),
            "percent",
        ),
        ("Cost per engagement", ratio(cost, total(g["Interactions"]) if n else pd.NA), "money"),
        ("Attributed orders", total(g["Attributed Orders"]) if n else pd.NA, "int"),
        ("Attributed revenue", revenue, "money"),
        (
            "ROI (revenue - cost) / cost",
            ratio((0 if pd.isna(revenue) else revenue) - cost, cost) if not pd.isna(cost) else pd.NA,
            "percent",
        ),
        ("Posts with #ad / #gifted", ratio(int(g["Disclosed"].sum()) if n else 0, posts), "percent"),
        ("Cost per attributed order", ratio(cost, total(g["Attributed Orders"]) if n else pd.NA), "money"),
        ("Partnerships to stop", len(figures["gifting.stop_list"]), "int"),
        ("Campaigns to stop", len(figures["gifting.campaign_stop_list"]), "int"),
    ]
    if policy.emv_rates:
        items.append(("EMV estimate (own rates, see below)", total(g["EMV"]) if n else pd.NA, "money"))
    return key_figures(items)


def emv_rates(policy: Policy) -> str:
    """The EMV rates in words, e.g. 'likes 0.05, comments 0.5 per action'."""
    return ", ".join(f"{a.lower()} {r:g}" for a, r in policy.emv_rates.items()) + f" {policy.currency} per action"


def gifting_sections(f: dict[str, pd.DataFrame], policy: Policy) -> list[Section]:
    """How the Gifting summary tab shows the figures."""
    formats = {
        "Gifts": "int",
        "Due": "int",
        "Posts": "int",
        "Cost": "money",
        "Revenue": "money",
        "Post Rate": "percent",
        "On-time Rate": "percent",
        "Engagement Rate": "percent",
        "Cost per Engagement": "money",
        "ROI": "percent",
        "Disclosure Rate": "percent",
        "Cost per Order": "money",
        "Orders": "int",
        "Followers": "int",
        "EMV (estimate)": "money",
        **dict.fromkeys(METRICS, "int"),
    }
    top = policy.chart_top
    money_cols = [
        "Influencer",
        "Platform",
        "Followers",
        "Gifts",
        "Cost",
        "Due",
        "Posts",
        "Post Rate",
        "On-time Rate",
        "Cost per Engagement",
        "Orders",
        "Revenue",
        "ROI",
        "Cost per Order",
    ]
    reach_cols = [
        "Influencer",
        *METRICS,
        "Engagement Rate",
        "Disclosure Rate",
        *(["EMV (estimate)"] if policy.emv_rates else []),
    ]
    return [
        Section("Key figures", f["gifting.key_figures"], key=True),
        Section(
            "Stop gifting",
            f["gifting.stop_list"],
            formats,
            note=f"{policy.stop_min_gifts}+ gifts past their post date with no post, or ROI below "
            f"{policy.stop_roi_below:.0%} once a gift is due.",
            empty="No partnership to stop.",
        ),
        Section(
            "Campaigns to stop",
            f["gifting.campaign_stop_list"],
            formats,
            note=f"{policy.campaign_stop_min_due}+ gifts past their post date, and a post rate below "
            f"{policy.campaign_stop_post_rate_below:.0%} or ROI below {policy.campaign_stop_roi_below:.0%}.",
            empty="No campaign to stop.",
        ),
        Section(
            "Per influencer: spend and return",
            f["gifting.by_influencer"],
            formats,
            columns=money_cols,
            note="Cost = gift value (blank: SKU cost) + shipping. Post rate = posts / gifts past their post "
            "date. ROI = (attributed revenue - cost) / cost. Biggest spend first.",
            empty="No gifts logged yet.",
            chart=Chart(
                "column",
                f"Gift cost vs attributed revenue (top {top} by cost)",
                "Influencer",
                ("Cost", "Revenue"),
                policy.currency,
                max_rows=top,
                width_cm=17,
                height_cm=9,
            ),
        ),
        Section(
            "Per influencer: engagement",
            f["gifting.by_influencer"],
            formats,
            columns=reach_cols,
            note=f"Engagement rate = ({' + '.join(a.lower() for a in policy.engagement_actions)}) / followers, "
            "over posts with metrics."
            + (
                f" EMV is an estimate at our own rates ({emv_rates(policy)}), not a standard measure."
                if policy.emv_rates
                else ""
            ),
            empty="No gifts logged yet.",
        ),
        Section(
            "Per campaign",
            f["gifting.by_campaign"],
            formats,
            empty="No gifts logged yet.",
            columns=[
                "Campaign",
                *money_cols[3:],
                "Engagement Rate",
                "Disclosure Rate",
                *(["EMV (estimate)"] if policy.emv_rates else []),
            ],
            chart=Chart(
                "column",
                "Gift cost vs attributed revenue by campaign",
                "Campaign",
                ("Cost", "Revenue"),
                policy.currency,
                width_cm=11,
            ),
        ),
        Section(
            "Posts without a disclosure",
            f["gifting.disclosure"],
            {"Posted On": "date"},
            note="FTC endorsement guides: a gifted post needs a clear #ad or #gifted. Chase these.",
            empty="Every post carries a disclosure.",
            links={"Post URL": "_url"},
        ),
    ]
