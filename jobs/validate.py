"""The validate job: schema checks come from the typed tabs; the brand's row and cross-tab rules live here."""
from __future__ import annotations

from sheetsync import ChangeSet, Context, job


@job("validate")
def validate(ctx: Context) -> ChangeSet:
    """Check every row against the schemas (types, required, unique, allowed values) and report problems."""
    return ctx.changes()
