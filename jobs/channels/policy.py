"""[policies.export]: the keys the channel exporters read, their types and limits (checked when the config loads)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheetsync import policies, setting


@policies("export")
@dataclass(frozen=True)
class ExportPolicy:
    """Which SKUs go out, the wholesale ceiling, each channel's market and Etsy's when_made."""

    statuses: tuple[str, ...] = setting(("Approved", "Published"), refers="values:SKUs.Description Status")
    wholesale_max_ratio: float = setting(0.6, min=0, max=1)  # a share of retail: keystone is 0.5, not 50
    channel_markets: Mapping[str, str] = setting({}, refers="values:SKUs.Channels")  # NOTHS = "UK"
    etsy_when_made: str = "2020_2026"  # Etsy renews its when_made ranges each year
