"""Property: whatever people type into any column, validation never raises, and every value it rejects
yields a problem that names the value's tab, row, column and cell."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import memory_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validate_support import (
    clean_gift,
    clean_influencer,
    clean_return,
    clean_sku,
    memory,
    plain_sku,
    validate_only_config,
)

import sheetsync
from sheetsync.model.a1 import a1
from sheetsync.model.tab import build_tab
from sheetsync.model.values import is_blank

NOW = datetime(2026, 11, 26, 9, 0)
KEYS = {"SKUs": "SKU", "Returns": "RMA", "Influencers": "Handle", "Gifts": "Gift ID"}


@pytest.fixture(scope="module")
def vconfig(tmp_path_factory):
    return memory(validate_only_config(tmp_path_factory.mktemp("validate-props")))


def base_rows():
    return {
        "SKUs": [clean_sku(), plain_sku()],
        "Returns": [clean_return()],
        "Influencers": [clean_influencer()],
        "Gifts": [clean_gift()],
    }


# What a cell can hold: text people type (including numbers, dates, money and junk in text), and the raw
# values backends return (numbers, booleans, dates, datetimes).
texts = st.one_of(
    st.text(max_size=24),
    st.sampled_from(
        [
            "14k",
            "14 kt",
            "$1,250.00",
            "(12.00)",
            "3/4/2026",
            "2/31/2026",
            "13/10/2026",
            "SI3",
            "925",
            "yes",
            "No",
            "None",
            "-",
            "n/a",
            "  ",
            "=SUM(A1:A3)",
            "#N/A",
            "@lena.gems",
            "lena@",
            "1e308",
            "NaN",
            "inf",
            "-0",
            "0.755",
            "6.3",
            "GIA 12345",
            "IGI LG512345678",
            "https://x.com/p/1",
            "Shopify, Amazon",
            "RG-XXX-999",
            "1,2O0.00",
            "99999999999999999999",
        ]
    ),
    st.from_regex(r"[-+$]?\d{1,6}([.,]\d{1,4})?%?", fullmatch=True),
)
raws = st.one_of(
    texts,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.none(),
)


def cells(config):
    """(tab, column, row index, raw value): any schema column of any tab, in the clean base rows."""
    targets = [
        (tab, col.header) for tab, schema in config.schemas.items() for col in schema.columns if col.owner == "person"
    ]
    return st.tuples(st.sampled_from(targets), st.integers(min_value=0, max_value=1), raws)


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_cell_content_never_raises_and_every_rejection_names_its_cell(vconfig, data):
    edits = data.draw(st.lists(cells(vconfig), min_size=1, max_size=4))
    rows = base_rows()
    for (tab, header), index, raw in edits:
        if not rows.get(tab):
            continue  # a tab only jobs add rows to (Outbox): nothing a person typed to edit
        target = rows[tab][min(index, len(rows[tab]) - 1)]
        target[header] = raw
    backend = memory_workbook(vconfig, rows)
    result = sheetsync.run(
        vconfig, ["validate"], now=NOW.replace(tzinfo=vconfig.timezone), backend=backend, dry_run=True
    )
    assert result.failed == [], [p.message for p in result.report if p.code == "job_failed"]

    problems = [p for p in result.report if p.job in (None, "validate")]
    for p in problems:
        assert p.tab and p.message and p.code
        if p.row is not None and p.column is not None and p.row > 1:
            assert p.cell is not None
    for tab_name, values in ((t, backend.values(t)) for t in rows):
        headers = values[0]
        for sheet_row, line in enumerate(values[1:], start=2):
            for c, header in enumerate(headers, start=1):
                raw = line[c - 1] if c - 1 < len(line) else None
                if is_blank(raw) or not vconfig.schemas[tab_name].has(header):
                    continue
                if _typed(backend, vconfig, tab_name, sheet_row, header) is None:
                    hits = [p for p in problems if p.tab == tab_name and p.cell == a1(sheet_row, c)]
                    assert hits, f"{tab_name}!{a1(sheet_row, c)} {header}={raw!r} rejected without a problem"


def _typed(backend, config, tab_name, sheet_row, header):
    """The typed value of a cell as a run reads it (None: blank or rejected)."""
    tab = build_tab(backend.read([tab_name])[tab_name], config.schemas[tab_name], config.parse)
    return next((row.values.get(header) for row in tab.rows if row.sheet_row == sheet_row), None)
