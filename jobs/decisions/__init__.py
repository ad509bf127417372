"""The decisions job: To Do lines for the founder proposing a creator's new Status when they meet the stop rules.

A creator with enough gifts past their post date and no post is proposed for Do Not Gift; one who posts but
whose ROI is below the threshold, for Paused ([policies.summaries] stop_*). The rules and figures are the
Gifting summary's own, so the summary's stop list and these lines always agree; the founder decides and
changes Status by hand (the job writes nothing).
"""

from __future__ import annotations

import pandas as pd

from sheetsync import Action, ChangeSet, Context, job

from ..roles import Roles
from ..summaries.common import Policy, SummaryPolicy, full_frame
from ..summaries.gifting import by_influencer, per_gift, stop_list

PROPOSE_STATUS = "propose_status"


@job("decisions", after=["validate"])
def decisions(ctx: Context) -> ChangeSet:
    """Propose Paused or Do Not Gift to the founder for each creator on the stop list."""
    cs = ctx.changes()
    people = ctx.tab("Influencers")
    if not people.usable or not ctx.tab("Gifts").usable:
        return cs
    policy = Policy.from_config(ctx.config, ctx.today)
    own = ctx.config.policy(SummaryPolicy)
    founder = ctx.config.policy(Roles).founder
    g = per_gift(full_frame(ctx.tabs.get("SKUs")), full_frame(people), full_frame(ctx.tab("Gifts")), policy)
    for _, p in stop_list(by_influencer(g, policy), policy).iterrows():
        row = people.row(p["Influencer"])
        if row is None:  # an unknown handle: its "fix the handle" line comes from validate's error
            continue
        no_post = p["Due"] >= policy.stop_min_gifts and p["Posts"] == 0
        status = own.stop_no_post_status if no_post else own.stop_low_roi_status
        if row["Status"] in (status, own.stop_no_post_status):
            continue  # already there (or already stopped)
        cost = "" if pd.isna(p["Cost"]) else f", cost {p['Cost']:,.2f}"
        what = (
            f"Decide whether to set {row.key} to {status} in Influencers: {p['Reason']}"
            f" ({p['Gifts']} gifts{cost}; now {row['Status'] or 'no status'})"
        )
        cs.todo(Action.at(people, row, who=founder, what=what, due=ctx.today, kind=PROPOSE_STATUS, rank=4, ref=status))
    return cs
