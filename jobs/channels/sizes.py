"""UK ring sizes: letters defined by inner circumference, converted from US sizes through millimetres.

US sizes are a linear scale of inner diameter (US 0 = 11.63 mm, +0.8128 mm per size: the domain reference and
the conversion charts agree); UK letters are not, so each letter's diameter comes from a published chart
(config/rules.toml [uk_ring_sizes], the International Gem Society's Ring Size Comparison Chart) and a US size
becomes the letter nearest in millimetres, never a letter counted off by an offset.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sheetsync import Config

from ..wording.reference import rules_path

US_ZERO_MM = Decimal("11.63")
US_STEP_MM = Decimal("0.8128")
HALF_LETTER_MM = Decimal("0.25")  # farther than this from every letter in the chart: no UK size is given


def us_diameter(size: Decimal) -> Decimal:
    """Inner diameter in mm of a US ring size."""
    return US_ZERO_MM + US_STEP_MM * Decimal(size)


@lru_cache(maxsize=8)
def _chart(path: Path) -> tuple[tuple[str, Decimal], ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    table = data.get("uk_ring_sizes", {})
    return tuple(sorted(((k, Decimal(str(v))) for k, v in table.items()), key=lambda kv: kv[1]))


def uk_chart(config: Config) -> Mapping[str, Decimal]:
    return dict(_chart(rules_path(config)))


def uk_size(us: Decimal | None, chart: Mapping[str, Decimal]) -> str | None:
    """The UK letter for a US size: the chart's letter nearest in inner diameter (a tie takes the larger)."""
    if us is None or not chart:
        return None
    mm = us_diameter(us)
    letter, gap = min(((k, abs(v - mm)) for k, v in chart.items()), key=lambda kv: (kv[1], -chart[kv[0]]))
    return letter if gap <= HALF_LETTER_MM else None
