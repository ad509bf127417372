"""Catalog health figures: copy status, completeness by channel, problems by column and code, channels, late
copy, stock-outs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from sheetsync.model.problems import Problem, Severity
from sheetsync.summary_tab import Chart, Section, key_figures

from .common import DONE_COPY_STATUSES, Policy, label, sku_link, today_ts

COMPLETENESS_COLUMNS = ["Channel", "SKUs", "Complete", "Average", "Left Out", "Most Missing"]


def catalog_figures(
    skus: pd.DataFrame,
    problems: Iterable[Problem],
    policy: Policy,
    statuses: Sequence[str] = (),
    completeness: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every catalog figure as a DataFrame, keyed 'catalog.<name>'."""
    s = skus.assign(_link=skus["_row"].map(sku_link))
    problems = list(problems)
    out = {
        "catalog.by_status": by_status(s, statuses),
        "catalog.completeness": by_channel(completeness),
        "catalog.problems": problem_counts(problems),
        "catalog.copy_late": copy_late(s, policy),
        "catalog.stock_outs": stock_outs(s),
        "catalog.missing_channels": missing_channels(s),
        "catalog.channel_mismatch": channel_mismatch(s),
    }
    return {"catalog.key_figures": key(s, problems, out), **out}


def by_status(s: pd.DataFrame, statuses: Sequence[str]) -> pd.DataFrame:
    """SKUs per Description Status, in workflow order, with their share of the catalog."""
    cols = ["Description Status", "SKUs", "Share"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    counts = label(s["Description Status"], "(blank)").value_counts()
    order = [x for x in statuses if x in counts.index] + sorted(x for x in counts.index if x not in statuses)
    out = pd.DataFrame({"Description Status": order, "SKUs": [int(counts[x]) for x in order]})
    out["Share"] = out["SKUs"] / len(s)
    return out


def by_channel(found: pd.DataFrame | None) -> pd.DataFrame:
    """Per channel: SKUs on it, how many have everything, the average score, how many a need keeps out of
    the channel's file, and the attribute missing most often."""
    if found is None or found.empty:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    rows = []
    for channel, part in found.groupby("Channel", sort=True):
        missing = [m for text in part["Missing"] for m in text.split(", ") if m]
        common = pd.Series(missing).value_counts() if missing else pd.Series(dtype=int)
        rows.append(
            {
                "Channel": channel,
                "SKUs": len(part),
                "Complete": int((part["Score"] == 100).sum()),
                "Average": float(part["Score"].mean()) / 100,
                "Left Out": int(part["Left Out"].sum()),
                "Most Missing": f"{common.index[0]} ({int(common.iloc[0])})" if len(common) else "",
            }
        )
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)


def problem_counts(problems: list[Problem]) -> pd.DataFrame:
    """Problems found in the workbook by tab, column and reason code (errors and warnings)."""
    cols = ["Tab", "Column", "Reason Code", "Errors", "Warnings", "Rows"]
    if not problems:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(
        [
            {
                "Tab": p.tab,
                "Column": p.column or "(whole row or tab)",
                "Reason Code": str(p.code),
                "error": p.severity == Severity.ERROR,
                "row": p.row,
            }
            for p in problems
        ]
    )
    frame["warning"] = ~frame["error"]
    grouped = frame.groupby(["Tab", "Column", "Reason Code"])
    out = pd.DataFrame(
        {
            "Errors": grouped["error"].sum().astype(int),
            "Warnings": grouped["warning"].sum().astype(int),
            "Rows": grouped["row"].nunique(),
        }
    ).reset_index()
    out["_total"] = out["Errors"] + out["Warnings"]
    out = out.sort_values(["_total", "Tab", "Column", "Reason Code"], ascending=[False, True, True, True])
    return out[cols].reset_index(drop=True)


def copy_late(s: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """SKUs whose copy is not approved and whose Copy Due has passed or whose launch is within the window."""
    cols = [
        "SKU",
        "Product Name",
        "Description Status",
        "Copywriter",
        "Copy Due",
        "Launch Date",
        "Days To Launch",
        "Why",
        "_link",
    ]
    today = today_ts(policy.today)
    pending = s[~s["Description Status"].isin(DONE_COPY_STATUSES).fillna(False).astype(bool)].copy()
    if pending.empty:
        return pd.DataFrame(columns=cols)
    pending["Days To Launch"] = (pd.to_datetime(pending["Launch Date"]) - today).dt.days.astype("Int64")
    overdue = (pd.to_datetime(pending["Copy Due"]) < today).fillna(False).astype(bool)
    soon = (pending["Days To Launch"] <= policy.launch_window_days).fillna(False).astype(bool)
    why = []
    for late, near, days in zip(overdue, soon, pending["Days To Launch"]):
        parts = []
        if late:
            parts.append("copy due date passed")
        if near:
            parts.append("launched already" if days < 0 else f"launches in {days} day{'' if days == 1 else 's'}")
        why.append("; ".join(parts))
    pending["Why"] = why
    late = pending[overdue | soon].sort_values(["Days To Launch", "SKU"], na_position="last")
    return late[cols].reset_index(drop=True)


def stock_outs(s: pd.DataFrame) -> pd.DataFrame:
    """SKUs with Stock 0, best sellers first."""
    cols = ["SKU", "Product Name", "Category", "Units Sold", "Channels", "Description Status", "_link"]
    out = s[(s["Stock"] == 0).fillna(False).astype(bool)]
    return out.sort_values(["Units Sold", "SKU"], ascending=[False, True], na_position="last")[cols].reset_index(
        drop=True
    )


def missing_channels(s: pd.DataFrame) -> pd.DataFrame:
    """SKUs listed on no channel."""
    cols = ["SKU", "Product Name", "Description Status", "Launch Date", "_link"]
    empty = s["Channels"].map(lambda v: v is None or (not isinstance(v, tuple) and pd.isna(v)) or len(v) == 0)
    return s[empty.astype(bool)][cols].sort_values("SKU").reset_index(drop=True)


def channel_mismatch(s: pd.DataFrame) -> pd.DataFrame:
    """SKUs whose channel data disagree: wholesale without a usable wholesale price."""
    cols = ["SKU", "Product Name", "Channels", "Problem", "_link"]
    rows = []
    # plain records, not iterrows: a Series per row cost more than the whole check (1 s at 10,000 SKUs)
    for row in s[["SKU", "Product Name", "Channels", "Price", "Wholesale Price", "_link"]].to_dict("records"):
        channels = row["Channels"] if isinstance(row["Channels"], tuple) else ()
        for problem in _mismatches(row, channels):
            rows.append(
                {
                    "SKU": row["SKU"],
                    "Product Name": row["Product Name"],
                    "Channels": ", ".join(channels),
                    "Problem": problem,
                    "_link": row["_link"],
                }
            )
    return pd.DataFrame(rows, columns=cols)


def _mismatches(row: dict[str, Any], channels: tuple) -> list[str]:
    """What a person can fix in the sheet (job-filled Etsy Title and Tags are the exporters' to fix)."""
    out = []
    price, wholesale = row["Price"], row["Wholesale Price"]
    if "Wholesale" in channels and pd.isna(wholesale):
        out.append("listed on Wholesale without a Wholesale Price")
    if not pd.isna(price) and not pd.isna(wholesale) and wholesale >= price:
        out.append("Wholesale Price is not below Price")
    return out


def key(s: pd.DataFrame, problems: list[Problem], f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Headline numbers of the Catalog summary."""
    sku_problem_rows = {p.row for p in problems if p.tab == "SKUs" and p.row is not None}
    status = s["Description Status"]
    return key_figures(
        [
            ("SKUs", len(s), "int"),
            ("Published", int((status == "Published").fillna(False).sum()), "int"),
            ("Copy needing an update", int((status == "Needs Update").fillna(False).sum()), "int"),
            ("Copy late for launch", len(f["catalog.copy_late"]), "int"),
            ("Out of stock", len(f["catalog.stock_outs"]), "int"),
            ("On no channel", len(f["catalog.missing_channels"]), "int"),
            ("Channel data disagreeing", len(f["catalog.channel_mismatch"]), "int"),
            ("SKU rows with problems", len(sku_problem_rows), "int"),
            ("Problems in the workbook (all tabs)", len(problems), "int"),
        ]
    )


def catalog_sections(f: dict[str, pd.DataFrame], policy: Policy) -> list[Section]:
    """How the Catalog summary tab shows the figures."""
    link = {"SKU": "_link"}
    return [
        Section("Key figures", f["catalog.key_figures"], key=True),
        Section(
            "SKUs by description status",
            f["catalog.by_status"],
            {"SKUs": "int", "Share": "percent"},
            empty="The SKUs tab is empty.",
            chart=Chart("bar", "SKUs by description status", "Description Status", ("SKUs",), "SKUs"),
        ),
        Section(
            "Completeness by channel",
            f["catalog.completeness"],
            {"SKUs": "int", "Complete": "int", "Average": "percent", "Left Out": "int"},
            note="From the Completeness column of SKUs: Complete has everything the channel takes; Left Out lacks "
            "something that keeps it out of the channel's file (marked * in the column).",
            empty="No SKU is on a channel.",
        ),
        Section(
            "Copy late for launch",
            f["catalog.copy_late"],
            {"Copy Due": "date", "Launch Date": "date", "Days To Launch": "days"},
            note=f"Not yet Approved or Published, and the Copy Due date has passed or the launch is within "
            f"{policy.launch_window_days} days.",
            empty="No copy is late.",
            links=link,
        ),
        Section(
            "Out of stock", f["catalog.stock_outs"], {"Units Sold": "int"}, empty="Nothing is out of stock.", links=link
        ),
        Section(
            "On no channel",
            f["catalog.missing_channels"],
            {"Launch Date": "date"},
            empty="Every SKU is on a channel.",
            links=link,
        ),
        Section(
            "Channel data that disagree", f["catalog.channel_mismatch"], empty="No disagreement found.", links=link
        ),
        Section(
            "Problems by column and reason code",
            f["catalog.problems"],
            {"Errors": "int", "Warnings": "int", "Rows": "int"},
            note="Each row's Issues cell says what to fix; this counts them.",
            empty="No problems found.",
        ),
    ]
