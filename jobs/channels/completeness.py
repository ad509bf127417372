"""The completeness job: for each SKU and each channel it is sold on, what its listing data still lacks.

Writes the job-owned Completeness column of SKUs, one short line per channel ("Etsy 83%: images"; a need
marked * keeps the SKU out of that channel's file), and publishes the same per SKU for the Catalog summary.
"""

from __future__ import annotations

import pandas as pd

from sheetsync import ChangeSet, Context, Severity, job

from .requirements import Needs, line, score

SKUS = "SKUs"
COLUMN = "Completeness"


@job("completeness", after=["validate", "describe"], reports_issues=False, publishes={"by_channel": pd.DataFrame})
def completeness(ctx: Context) -> ChangeSet:
    """Fill Completeness in SKUs: per channel, a score and the attributes still missing."""
    cs = ctx.changes()
    skus = ctx.tab(SKUS)
    if not skus.usable:
        return cs
    frame = by_channel(ctx)
    ctx.publish("by_channel", frame)
    if COLUMN not in skus.columns:
        return cs
    lines: dict[int, list[str]] = {}
    for sheet_row, text in zip(frame["_row"], frame["Line"], strict=True):
        lines.setdefault(int(sheet_row), []).append(text)
    for row in skus:
        if not row.has_key or row.repeated:
            continue
        text = "\n".join(lines.get(row.sheet_row, ())) or None
        if row[COLUMN] != text:
            cs.set(skus, row, COLUMN, text)
    return cs


def by_channel(ctx: Context) -> pd.DataFrame:
    """One row per SKU and channel: its score, what is missing, and whether that keeps it out of the file."""
    skus = ctx.tab(SKUS)
    errors: dict[str, list] = {}
    for p in ctx.report:
        if p.tab == SKUS and p.key is not None and p.severity == Severity.ERROR:
            errors.setdefault(p.key, []).append(p)
    needs = Needs(ctx.config, lambda key: errors.get(key, []))
    records = []
    for row in skus:
        if not row.has_key:
            continue
        for channel in row["Channels"] or ():
            found = needs.of(row, channel)
            missing = [n for n in found if not n.met]
            records.append(
                {
                    "SKU": row.key,
                    "Channel": channel,
                    "Score": score(found),
                    "Missing": ", ".join(n.name for n in missing),
                    "Left Out": any(n.blocks for n in missing),
                    "Line": line(channel, found),
                    "_row": row.sheet_row,
                }
            )
    return pd.DataFrame(records, columns=["SKU", "Channel", "Score", "Missing", "Left Out", "Line", "_row"])
