"""The exports job (on demand, or on its [schedule] cadence): every channel's file, written to a folder.

It builds the same files as `sheetsync export` from the run's own read of the workbook, checks each against
its platform's rules (validators.py), and writes them with manifest.json (what was written, what was left
out and why, and what a file check found) into [policies.exports] folder. It never writes the workbook: its
ChangeSet is empty, and the manifest is where its findings go.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sheetsync import ChangeSet, Context, job
from sheetsync.errors import ConfigError
from sheetsync.export import build, write_text

from .policy import ExportsPolicy
from .validators import check_file


@job("exports", after=["validate", "describe", "overdue"], reports_issues=False, on_demand=True,
     publishes={"manifest": dict})  # fmt: skip
def exports(ctx: Context) -> ChangeSet:
    """Write every channel's file and manifest.json into the configured folder (the workbook is not written)."""
    policy = ctx.config.policy(ExportsPolicy)
    project = ctx.project
    if project is None:
        raise ConfigError("the exports job needs the project's exporters (run it through sheetsync)")
    folder = (ctx.config.root / policy.folder).resolve()
    if not ctx.dry_run:
        folder.mkdir(parents=True, exist_ok=True)
    results = build(ctx.config, ctx.tabs, ctx.report, ctx.outputs, ctx.now, project)
    chosen = [c for c in results if not policy.channels or c in policy.channels]
    manifest: dict[str, Any] = {"written_at": ctx.now.isoformat(), "folder": str(folder), "channels": {}}
    for channel in chosen:
        result = results[channel]
        spec = project.exporters[channel]
        text = result.text()
        path = folder / f"{channel}{spec.suffix}"
        if not ctx.dry_run:  # a dry run says what it would write, and writes nothing
            write_text(path, text, "utf-8-sig" if spec.format == "csv" else "utf-8")
        manifest["channels"][channel] = _entry(path, text, result, check_file(channel, spec.headers, text))
    if not ctx.dry_run:
        write_text(folder / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    ctx.publish("manifest", manifest)
    return ctx.changes()


def _entry(path: Path, text: str, result, findings) -> dict[str, Any]:
    left = []
    for key, problems in result.left_out.items():
        for p in problems:
            left.append({"sku": key, "row": p.row, "column": p.column, "code": str(p.code), "why": p.message})
    return {
        "file": path.name,
        "format": result.format,
        "lines": len(result.rows),
        "skus": sorted({r.key for r in result.rows}),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "left_out": left,
        "warnings": [
            {"sku": p.sheet_key or p.key, "code": str(p.code), "why": p.message}
            for p in result.problems
            if not any(p is q for qs in result.left_out.values() for q in qs)
        ],
        "file_check": [f._asdict() for f in findings],
    }
