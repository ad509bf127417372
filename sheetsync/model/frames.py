"""Tabs as typed pandas DataFrames, for notebooks and summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .tab import Tab

DTYPES = {
    "int": "Int64",
    "decimal": "Float64",
    "money": "Float64",
    "percent": "Float64",
    "bool": "boolean",
    "text": "string",
    "email": "string",
    "url": "string",
    "pattern": "string",
    "enum": "string",
}


def tab_frame(tab: Tab) -> pd.DataFrame:
    """Schema columns with pandas dtypes by column type; unparsable cells are missing (see tab.problems)."""
    headers = [c.header for c in tab.schema.columns if c.header in tab.columns]
    records = [[row.values.get(h) for h in headers] for row in tab.rows]
    frame = pd.DataFrame.from_records(records, columns=headers)
    for header in headers:
        ctype = tab.schema.column(header).type
        if ctype in DTYPES:
            values = frame[header]
            if ctype in ("decimal", "money", "percent"):
                values = values.map(lambda v: None if v is None else float(v))
            frame[header] = values.astype(DTYPES[ctype])
        elif ctype in ("date", "datetime"):
            frame[header] = pd.to_datetime(frame[header])
    frame.insert(0, "_row", pd.array([r.sheet_row for r in tab.rows], dtype="Int64"))
    return frame
