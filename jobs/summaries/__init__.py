"""The summaries job: returns, gifting and catalog figures as DataFrames, rendered as three summary tabs.

Figures are computed from the tabs' own raw fields (never from columns other jobs fill), so the
summaries are right whether or not those jobs ran. `figures(ctx)` is the notebook entry point's
source: `sheetsync.summaries(config)` returns the same DataFrames.
"""

from __future__ import annotations

import pandas as pd

from sheetsync import ChangeSet, Context, job
from sheetsync.model.layout import TabContent
from sheetsync.summary_tab import Section, render_summary

from .catalog import catalog_figures, catalog_sections
from .common import Policy, full_frame
from .gifting import gifting_figures, gifting_sections
from .returns import returns_figures, returns_sections

TABS = {"returns": "Summary - Returns", "gifting": "Summary - Gifting", "catalog": "Summary - Catalog"}
TITLES = {
    "returns": "Returns: what comes back and why",
    "gifting": "Influencer gifting: what the gifts earn",
    "catalog": "Catalog health",
}
SOURCES = {"returns": "Returns and SKUs", "gifting": "Gifts, Influencers and SKUs", "catalog": "SKUs and Issues"}
SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


@job(
    "summaries",
    after=["validate", "describe", "overdue", "completeness", "restock"],  # restock: Stock as written
    reports_issues=False,
    publishes={"figures": dict},
)
def summaries(ctx: Context) -> ChangeSet:
    """Rewrite the Summary - Returns, Gifting and Catalog tabs (figures, tables and charts) when they change."""
    cs = ctx.changes()
    policy = Policy.from_config(ctx.config, ctx.today)
    frames = figures(ctx, policy)
    ctx.publish("figures", frames)  # for sheetsync.summaries() and notebooks
    for content in tabs(ctx, frames, policy):
        cs.replace(content)
    return cs


def figures(ctx: Context, policy: Policy | None = None) -> dict[str, pd.DataFrame]:
    """Every summary figure as a DataFrame, keyed '<area>.<name>' (e.g. 'returns.by_reason')."""
    policy = policy or Policy.from_config(ctx.config, ctx.today)
    skus = full_frame(ctx.tabs.get("SKUs"))
    returns = full_frame(ctx.tabs.get("Returns"))
    influencers = full_frame(ctx.tabs.get("Influencers"))
    gifts = full_frame(ctx.tabs.get("Gifts"))
    statuses = ctx.config.vocabularies.get("description_status")
    return {
        **returns_figures(skus, returns, policy),
        **gifting_figures(skus, influencers, gifts, policy),
        **catalog_figures(
            skus,
            ctx.report,
            policy,
            statuses.values if statuses else (),
            completeness=ctx.result("completeness", "by_channel", None),
        ),
    }


def tabs(ctx: Context, frames: dict[str, pd.DataFrame], policy: Policy) -> list[TabContent]:
    """The three summary tabs rendered from the figures."""
    currency = SYMBOLS.get(str(ctx.config.brand.get("currency", "USD")), "$")
    brand = ctx.config.brand.get("name", "")
    sections: dict[str, list[Section]] = {
        "returns": returns_sections(frames, policy),
        "gifting": gifting_sections(frames, policy),
        "catalog": catalog_sections(frames, policy),
    }
    out = []
    for area, parts in sections.items():
        title = f"{brand} · {TITLES[area]}" if brand else TITLES[area]
        subtitle = (
            f"As of {ctx.today:%A %-d %B %Y}, from the {SOURCES[area]} tabs. Rewritten by sheetsync: "
            "edits here are replaced."
        )
        out.append(render_summary(TABS[area], title, subtitle, parts, currency=currency))
    return out
