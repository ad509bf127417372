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


@job("validate", validates=True, publishes={"rules": list})
def validate(ctx: Context) -> ChangeSet:
    """Check every row against the jewelry rules and the other tabs (schema checks come with the tabs)."""
    cs = ctx.changes()
    s = settings(ctx.config)
    tabs = {name: tab for name, tab in ctx.tabs.items() if name in ctx.config.schemas}
    rules = active_rules(RULES, tabs, s.disabled)
    cs.problems += run_checks(rules, tabs, s, severity=s.severity_of)
    ctx.publish("rules", [rule.code for rule in rules])  # what was checked, for callers that want to know
    return cs
