"""The validate job: schema checks come from the typed tabs; the brand's row and cross-tab rules live here.

Rules are listed as data in validate_skus.RULES and validate_activity.RULES (code, tab, columns read,
default severity, check). Their reference tables come from config/rules.toml and their thresholds,
switches and severity overrides from [policies.validate] in config/sheetsync.toml.
"""
from __future__ import annotations

from sheetsync import ChangeSet, Context, job

from .validate_activity import RULES as ACTIVITY_RULES
from .validate_rules import Env, Reason, Rule, View, settings
from .validate_skus import RULES as SKU_RULES

RULES: list[Rule] = [*SKU_RULES, *ACTIVITY_RULES]

__all__ = ["RULES", "Reason", "validate", "active_rules"]


def active_rules(ctx: Context) -> list[Rule]:
    """The rules that apply to this workbook: not disabled in config, on a usable tab holding their columns."""
    s = settings(ctx.config)
    out = []
    for rule in RULES:
        tab = ctx.tabs.get(rule.tab)
        if str(rule.code) in s.disabled or tab is None or not tab.usable:
            continue
        if all(h in tab.columns for h in rule.reads):
            out.append(rule)
    return out


@job("validate")
def validate(ctx: Context) -> ChangeSet:
    """Check every row against the jewelry rules and the other tabs (schema checks come with the tabs)."""
    cs = ctx.changes()
    s = settings(ctx.config)
    views = {name: View(tab) for name, tab in ctx.tabs.items() if name in ctx.config.schemas and tab.usable}
    env = Env(views)
    for rule in active_rules(ctx):
        view = views[rule.tab]
        if not len(view):
            continue
        severity = s.severity_of(rule)
        for hit in rule.check(view, s, env):
            cs.report(view.tab, view.rows[hit.index], hit.column, rule.code, hit.message, severity, value=hit.value)
    cs.rules = [rule.code for rule in active_rules(ctx)]  # for callers that want to know what was checked
    return cs
