"""What describe did for a row last time, kept in _Meta ("describe:<SKU>:memo"), so a rerun redoes nothing
that nothing changed: no drafts rendered again when the row's inputs are as they were, no copy checked
again when the copy and the rules are as they were (their findings are reported again from the memo).

The inputs are the row's person-owned cells plus a digest of everything else the drafts and checks
depend on: the config files, the templates and the code of the jobs folder's describe and wording
packages. Any change to one of them redoes every row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sheetsync import ChangeSet, Context, Severity
from sheetsync.model.changes import Reads
from sheetsync.model.problems import Problem
from sheetsync.model.system import META
from sheetsync.model.tab import Row, Tab

from .approvals import spec_value

MEMO = "describe:{}:memo"


@dataclass
class Memo:
    """One row's memo: the inputs its drafts were made from, and the findings of its last check."""

    inputs: str = ""
    notes: list[str] = field(default_factory=list)  # Brief lines the drafts could not use
    checked: str = ""
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (column, code, message, severity)

    @classmethod
    def read(cls, record: Row | None) -> Memo:
        try:
            data = json.loads(str(record["Value"])) if record is not None and record["Value"] else {}
            return cls(
                str(data.get("in", "")),
                list(data.get("notes", [])),
                str(data.get("checked", "")),
                [tuple(f) for f in data.get("found", [])],
            )
        except (ValueError, TypeError):
            return cls()  # an unreadable memo only means the work is done again

    def text(self) -> str:
        return json.dumps(
            {
                "in": self.inputs,
                "notes": self.notes,
                "checked": self.checked,
                "found": [list(f) for f in self.findings],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def run_digest(ctx: Context, code: Iterable[Path]) -> str:
    """A digest of what every row's drafts and checks depend on besides the row: config, templates, code."""
    files = [ctx.config.path, *sorted(Path(ctx.templates.directory).rglob("*.j2")), *sorted(code)]
    for schema in ctx.config.schemas.values():
        if schema.source:
            files.append(Path(schema.source))
    rules = ctx.config.root / "rules.toml"
    if rules.is_file():
        files.append(rules)
    return _digest(tuple(str(p) for p in files), tuple(_stamp(p) for p in files))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:
        return (0, 0)
    return found.st_size, found.st_mtime_ns


@cache
def _digest(names: tuple[str, ...], stamps: tuple[tuple[int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        try:
            digest.update(Path(name).read_bytes())
        except OSError:
            digest.update(b"(missing)")
    return digest.hexdigest()[:16]


def row_digest(
    row: Row, run: str, extra: Iterable[Any] = (), now: Mapping[str, Any] | None = None, of: str | None = None
) -> str:
    """The row's inputs: its person-owned cells (as typed values, or as `now` says this run leaves them)
    with the run digest and anything `extra`; `of`: the digest of the row's cells already made this run."""
    if of is not None:
        text = json.dumps([of, [spec_value(v) for v in extra]], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
    values = {c.header: spec_value(row[c.header]) for c in row.schema.columns if c.owner == "person"}
    values.update({h: spec_value(v) for h, v in (now or {}).items()})
    text = json.dumps([run, values, [spec_value(v) for v in extra]], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replay(cs: ChangeSet, tab: Tab, row: Row, findings: Iterable[tuple[str, str, str, str]]) -> None:
    """Report again the findings a memo kept."""
    for column, code, message, severity in findings:
        cs.report(tab, row, column or None, code, message, Severity(severity))


def kept(problems: Iterable[Problem]) -> list[tuple[str, str, str, str]]:
    return [(p.column or "", str(p.code), p.message, str(p.severity)) for p in problems]


def save(cs: ChangeSet, meta: Tab, sku: str, memo: Memo, record: Row | None, stamp: Any, reads: Reads = ()) -> None:
    """Keep the memo in _Meta when it changed (and, with `reads`, only if the SKU's row is as read when written)."""
    text = memo.text()
    if record is None:
        cs.append(META, {"Key": MEMO.format(sku), "Value": text, "Updated": stamp}, reads=reads)
    elif record["Value"] != text:
        cs.set(meta, record, "Value", text, reads=reads)
        cs.set(meta, record, "Updated", stamp, reads=reads)


def cells_unchanged(row: Row, meta: Tab, fields: Mapping[str, str], text_hash: Any) -> bool:
    """Whether every draft cell still holds what the job last wrote to it (no person edited it)."""
    for name, column in fields.items():
        record = meta.row(f"describe:{row.key}:{name}")
        if column in row.columns and (record is None or text_hash(row[column]) != record["Value"]):
            return False
    return True
