"""A best-effort lease for a shared Google spreadsheet: one row in the hidden _Meta tab.

Taken only when a run has something to write, just before the guard re-read, and confirmed by that
re-read; let go with the run's own value write. So a run that writes costs one request more
(the lease write) and a run with nothing to write costs none. Two runners racing within one
round trip can both believe they hold it; the guard (re-read, key-addressed writes) stays the last
line of defence, so even then nobody's edit is lost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from ...errors import LockHeld
from ...model.a1 import sheet_ref
from ...model.system import META

LEASE_KEY = "lease"
SEPARATOR = " until "


@dataclass
class Lease:
    """This run's claim: who, until when (epoch seconds), and where its row is once written."""

    owner: str
    seconds: float
    row: int | None = None
    taken: bool = False

    @property
    def value(self) -> str:
        return f"{self.owner}{SEPARATOR}{_iso(self.expires)}"

    @cached_property
    def expires(self) -> float:
        """Fixed when first asked: the moment the lease is written."""
        return time.time() + self.seconds


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _columns(values: list[list[Any]]) -> tuple[int, int] | None:
    headers = [str(h).strip().casefold() for h in (values[0] if values else [])]
    if "key" not in headers or "value" not in headers:
        return None
    return headers.index("key") + 1, headers.index("value") + 1


def holder(values: list[list[Any]]) -> tuple[int | None, str | None, float | None]:
    """(row, owner, expiry) of the lease row in _Meta's values, or Nones when there is none."""
    cols = _columns(values)
    if cols is None:
        return None, None, None
    key_col, value_col = cols
    for index, row in enumerate(values[1:], start=2):
        if len(row) >= key_col and str(row[key_col - 1] or "").strip() == LEASE_KEY:
            text = str(row[value_col - 1] or "") if len(row) >= value_col else ""
            owner, _, until = text.partition(SEPARATOR)
            try:
                expiry = datetime.fromisoformat(until).timestamp() if until else None
            except ValueError:
                expiry = None
            return index, owner or None, expiry
    return None, None, None


def check_free(values: list[list[Any]], lease: Lease, target: str) -> None:
    """Raise LockHeld when another runner's lease is still running."""
    _, owner, expiry = holder(values)
    if owner and owner != lease.owner and expiry is not None and expiry > time.time():
        raise LockHeld(
            f"{target} is in use by another sheetsync run ({owner}) until {_iso(expiry)}; "
            "nothing was written, try again later"
        )


def claim_ranges(values: list[list[Any]], lease: Lease) -> list[dict[str, Any]]:
    """values:batchUpdate entries writing this run's lease row (none when _Meta has no Key/Value header)."""
    cols = _columns(values)
    if cols is None:
        return []
    row, _, _ = holder(values)
    lease.row = row or len(values) + 1
    return _cells(cols, lease.row, [LEASE_KEY, lease.value])


def release_ranges(values: list[list[Any]], lease: Lease) -> list[dict[str, Any]]:
    cols = _columns(values)
    if cols is None or lease.row is None:
        return []
    return _cells(cols, lease.row, [LEASE_KEY, ""])


def _cells(cols: tuple[int, int], row: int, texts: list[str]) -> list[dict[str, Any]]:

    return [{"range": sheet_ref(META, row, col), "values": [[text]]} for col, text in zip(cols, texts)]


def confirm(values: list[list[Any]], lease: Lease, target: str) -> None:
    """After the guard re-read: the lease row must still be ours, or another runner took over meanwhile."""
    _, owner, _ = holder(values)
    if owner != lease.owner:
        raise LockHeld(
            f"{target}: another sheetsync run ({owner}) took the workbook while this one was "
            "working; nothing was written, try again later"
        )
