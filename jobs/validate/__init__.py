"""The validate job: schema checks come from the typed tabs; the brand's row and cross-tab rules live here.

Rules are listed as data in skus.RULES and activity.RULES (sheetsync Rules: code, tab, columns read,
default severity, check). Their reference tables come from config/rules.toml and their thresholds,
switches and severity overrides from [policies.validate] in config/sheetsync.toml.
"""

from __future__ import annotations

from sheetsync import ChangeSet, Context, job
from sheetsync.model.checks import Rule, active_rules, run_checks

from .activity import RULES as ACTIVITY_RULES
from .groups import RULES as GROUP_RULES
from .materials import RULES as MATERIAL_RULES
from .rules import Reason, settings
from .skus import RULES as SKU_RULES

RULES: list[Rule] = [*SKU_RULES, *MATERIAL_RULES, *GROUP_RULES, *ACTIVITY_RULES]

__all__ = ["RULES", "Reason", "validate"]

# What a row's findings are read from besides the row: (tab, column naming it) -> (other tab, its column).
READS = {
    ("Returns", "SKU"): ("SKUs", None),
    ("Gifts", "SKU"): ("SKUs", None),
    ("Gifts", "Handle"): ("Influencers", None),
    ("SKUs", "Product Group"): ("SKUs", "Product Group"),  # a group's variants are checked together
}


@job("validate", validates=True, publishes={"rules": list})
def validate(ctx: Context) -> ChangeSet:
    """Check every row against the jewelry rules and the other tabs (schema checks come with the tabs)."""
    cs = ctx.changes()
    s = settings(ctx.config)
    tabs = {name: tab for name, tab in ctx.tabs.items() if name in ctx.config.schemas}
    rules = active_rules(RULES, tabs, s.disabled)
    cs.problems += run_checks(rules, tabs, s, severity=s.severity_of)
    _declare_reads(cs, tabs)
    ctx.publish("rules", [rule.code for rule in rules])  # what was checked, for callers that want to know
    return cs


def _declare_reads(cs: ChangeSet, tabs: dict) -> None:
    """Each row's Issues are written only while the rows its cross-tab rules read are as read (a SKU a return
    names, deleted meanwhile, would make "not in the SKUs tab" true)."""
    for (name, column), (other, by) in READS.items():
        tab, source = tabs.get(name), tabs.get(other)
        if tab is None or source is None or not tab.usable or not source.usable or column not in tab.columns:
            continue
        for row in tab:
            value = row.raw(column)
            if value is not None and value != "":
                cs.computed_from(tab, row, [(source, by, value) if by else (source, value)])
