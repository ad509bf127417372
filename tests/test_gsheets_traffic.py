"""Google traffic follows what changed: requests and bytes of a first run, an identical rerun and a small
change, from the emulator's request log and a session counting bytes; and notes stay safe meanwhile."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from datetime import datetime
from typing import Any

import pytest
from gsheets_helpers import FAST, demo_spreadsheet
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync import run
from sheetsync.backends.gsheets.backend import MAX_PAYLOAD, EndpointSession, GoogleSheetsBackend
from sheetsync.model.a1 import column_letter
from sheetsync.model.layout import NOTE_PREFIX, RowRef
from sheetsync.testing import SheetsEmulator

DATA_TABS = ("SKUs", "Returns", "Influencers", "Gifts")


class Counting(EndpointSession):
    """Bytes each way, per request."""

    def __init__(self, endpoint: str):
        super().__init__(endpoint)
        self.sent: list[int] = []
        self.received: list[int] = []

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        body = response.request.body
        self.sent.append(len(body) if body else 0)
        self.received.append(len(response.content))
        return response


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


def _run(emulator: SheetsEmulator, config, key: str) -> tuple[list[Any], Counting, Any]:
    session = Counting(emulator.endpoint)
    backend = GoogleSheetsBackend(f"gsheets:{key}", FAST, session=session)
    emulator.reset_requests()
    now = datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)
    result = run(dataclasses.replace(config, target=f"gsheets:{key}"), now=now, backend=backend)
    return list(emulator.requests), session, result


def _run_with(emulator: SheetsEmulator, config, key: str, hook) -> tuple[list[Any], Counting, Any]:
    """A run with `hook` seeing each request (a person editing while it runs)."""
    emulator.add_hook(hook)
    try:
        return _run(emulator, config, key)
    finally:
        emulator._hooks.remove(hook)


def _values_read(emulator: SheetsEmulator, key: str) -> int:
    """Bytes of one UNFORMATTED values read of the data tabs: the yardstick of a small change's download."""
    session = Counting(emulator.endpoint)
    ranges = "&".join(f"ranges={t}" for t in DATA_TABS)
    session.get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}/values:batchGet?{ranges}&valueRenderOption=UNFORMATTED_VALUE"
    )
    return session.received[0]


def _bigger(demo_rows, copies: int) -> dict[str, list[dict[str, Any]]]:
    skus = [dict(r, SKU=f"{r['SKU']}-{n}" if r.get("SKU") else None) for n in range(copies) for r in demo_rows["SKUs"]]
    return {**demo_rows, "SKUs": skus}


@pytest.mark.slow
def test_first_run_rerun_and_small_change(emulator, config, demo_rows):
    key = demo_spreadsheet(emulator, config, _bigger(demo_rows, 4))
    first, session, result = _run(emulator, config, key)
    assert result.wrote
    writes = [r for r in first if r.kind == "values.batchUpdate"]
    # metadata, values, lease, guard, batchUpdate, values write (+ one per 2 MB of payload)
    assert len(first) <= 6 + max(0, len(writes) - 2), [r.kind for r in first]
    assert all(n < MAX_PAYLOAD + 100_000 for n in session.sent)

    again, session, result = _run(emulator, config, key)
    assert [r.kind for r in again] == ["get", "values.batchGet"], (
        result.planned,
        result.notes_written,
        result.tabs_rewritten,
        result.planned_appends,
    )
    assert [r.kind for r in again] == ["get", "values.batchGet"]
    assert session.received[0] < 20_000  # the metadata read carries no per-cell notes or colours
    assert not any("_Log" in r for r in again[1].query.get("ranges", []))  # nor the audit tabs' values

    # A person renames 2% of the products: the run reads the rows it writes, sends about what changed.
    values = emulator.values(key, "SKUs")
    col = values[0].index("Product Name")
    for row in range(2, len(values), 50):
        emulator.set_values(key, f"SKUs!{column_letter(col + 1)}{row + 1}", [[f"{values[row][col]} II"]])
    changed, session, result = _run(emulator, config, key)
    assert result.wrote and not result.conflicts
    kinds = [r.kind for r in changed]
    assert len(kinds) <= 6, kinds
    guard = next(r for r in changed if r.kind == "get" and r.query.get("ranges"))
    # never a whole data tab: the key column, the rows written, and the column rows were looked up by
    # (validate's group checks read SKUs by Product Group, describe's copy flags the Returns naming a SKU)
    # with the rows holding those values
    ranges = guard.query["ranges"]
    assert not {"'Gifts'", "'SKUs'", "'Returns'", "'To Do'"} & set(ranges), ranges
    for tab, header in (("SKUs", "Product Group"), ("Returns", "SKU")):
        letter = column_letter(emulator.values(key, tab)[0].index(header) + 1)
        assert f"'{tab}'!{letter}2:{letter}" in ranges, ranges
    yardstick = _values_read(emulator, key)
    # At this size _Meta, the whole tabs and the tail of _Log weigh more than at M or L (see the benchmark)
    assert sum(session.received) < 14.0 * yardstick, (session.received, yardstick)
    # To Do and the summaries line by line: 11% of that read here (55% when they went whole, at c0fd5f7)
    assert sum(session.sent) < 0.2 * yardstick, (sum(session.sent), yardstick)


@pytest.mark.slow
def test_notes_stay_safe_with_scoped_reads(emulator, config, demo_rows):
    schema = config.schemas["SKUs"]
    enum = next(c for c in schema.columns if c.type == "enum" and c.owner == "person" and c.header != schema.key)
    rows = [dict(r) for r in demo_rows["SKUs"]]
    rows[0][enum.header] = "Plutonium"  # not allowed: sheetsync notes the cell
    rows[1][enum.header] = "Plutonium"
    key = demo_spreadsheet(emulator, config, {**demo_rows, "SKUs": rows})
    headers = emulator.values(key, "SKUs")[0]
    col = headers.index(enum.header) + 1
    emulator.set_note(key, "SKUs", 3, col, "Priya: checking with the supplier")  # a person's own note
    _run(emulator, config, key)
    notes = emulator.notes(key, "SKUs")
    assert notes[(2, col)].startswith(NOTE_PREFIX)
    assert notes[(3, col)] == "Priya: checking with the supplier"

    emulator.set_values(key, f"SKUs!{column_letter(col)}2", [[enum.allowed[0]]])  # fixed: sheetsync's note goes
    emulator.set_values(key, f"SKUs!{column_letter(col)}3", [[enum.allowed[0]]])  # fixed: the person's note stays
    _, _, result = _run(emulator, config, key)
    assert result.wrote
    notes = emulator.notes(key, "SKUs")
    assert (2, col) not in notes
    assert notes[(3, col)] == "Priya: checking with the supplier"
    assert emulator.background(key, "SKUs").get((2, col)) is None

    _, session, _ = _run(emulator, config, key)
    assert len(session.sent) == 2  # settled: nothing left to change


@pytest.mark.slow
def test_guard_finds_a_row_moved_outside_what_it_reread(emulator, config, demo_rows):
    """A person sorts between the read and the write: the scoped re-read misses the moved row, so the tab is
    re-read whole (one more request) and the write lands on the row's new place."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    _run(emulator, config, key)
    values = emulator.values(key, "SKUs")
    col = values[0].index("Product Name")
    emulator.set_values(key, f"SKUs!{column_letter(col + 1)}2", [[f"{values[1][col]} II"]])
    moved = {"done": False}

    def sort_once(event):
        if event.kind == "get" and event.phase == "before" and not moved["done"] and len(emulator.requests) > 2:
            moved["done"] = True
            grid = emulator.values(key, "SKUs")
            body = grid[1:]
            body.reverse()
            width = max(len(r) for r in grid)
            emulator.set_values(key, "SKUs!A2", [r + [""] * (width - len(r)) for r in body])

    _, _, result = _run_with(emulator, config, key, sort_once)
    assert moved["done"]
    assert not [p for p in result.conflicts if p.key == values[1][values[0].index("SKU")]]
    after = emulator.values(key, "SKUs")
    sku = values[1][values[0].index("SKU")]
    row = next(r for r in after[1:] if r and r[values[0].index("SKU")] == sku)
    assert row[col] == f"{values[1][col]} II"


def test_a_whole_tab_with_the_same_formats_sends_only_changed_rows():
    from sheetsync.backends.base import WriteBatch
    from sheetsync.backends.gsheets.render import Renderer, SheetInfo
    from sheetsync.model.layout import TabContent, TabLayout

    layout = TabLayout(frozen_rows=1, bold={(1, 1), (1, 2)}, widths={1: 20})
    rows = [["Product", "Units"], *[[f"Ring {n}", n] for n in range(1, 41)]]
    sheets = {"Summary": SheetInfo(7, "Summary", rows=100, cols=26)}
    first = Renderer(sheets, NOTE_PREFIX, {}).render(WriteBatch(contents=[TabContent("Summary", rows, layout)]))
    assert any("repeatCell" in r or "updateCells" in r for r in first.requests)
    assert [next(iter(r)) for r in first.requests].count("createDeveloperMetadata") == 1
    assert len(first.requests) < 10  # formats in runs per column, not one request per cell

    changed = [list(r) for r in rows]
    changed[20][1] = 999
    again = Renderer(sheets, NOTE_PREFIX, {"Summary": rows}).render(
        WriteBatch(contents=[TabContent("Summary", changed, layout)])
    )
    # every cell's format as last rendered: the changed line's values alone (and where the lines are now)
    assert [next(iter(r)) for r in again.requests] == ["updateDeveloperMetadata"]
    assert again.values == [{"range": "'Summary'!A21:B21", "values": [["Ring 20", 999]]}]

    added = [*changed[:5], ["Ring new", 7], ["Ring newer", 8], *changed[5:]]
    grown = Renderer(sheets, NOTE_PREFIX, {"Summary": changed}).render(
        WriteBatch(contents=[TabContent("Summary", added, layout)])
    )
    inserts = [r["insertDimension"]["range"] for r in grown.requests if "insertDimension" in r]
    assert inserts == [{"sheetId": 7, "dimension": "ROWS", "startIndex": 5, "endIndex": 7}]  # rows 6 and 7
    assert grown.values == [{"range": "'Summary'!A6:B7", "values": [["Ring new", 7], ["Ring newer", 8]]}]
    assert "updateDeveloperMetadata" in [next(iter(r)) for r in grown.requests]  # where the formats are now

    bolder = TabLayout(frozen_rows=1, bold={(1, 1), (1, 2), (2, 1)}, widths={1: 20})
    relaid = Renderer(sheets, NOTE_PREFIX, {"Summary": changed}).render(
        WriteBatch(contents=[TabContent("Summary", changed, bolder)])
    )
    kinds = [next(iter(r)) for r in relaid.requests]
    assert "updateDeveloperMetadata" in kinds and any(
        r.get("updateCells", {}).get("fields") == "userEnteredFormat,note" for r in relaid.requests
    )  # other formats: the tab is cleared and formatted again


def test_a_tab_whose_lines_move_puts_its_charts_back_with_their_ranges():
    """Rows inserted or deleted around a chart's ranges move them on Google (or not, past a range's end):
    the charts go back with the ranges the job gave them."""
    from sheetsync.backends.base import WriteBatch
    from sheetsync.backends.gsheets.render import Renderer, SheetInfo
    from sheetsync.model.layout import ChartSpec, TabContent, TabLayout

    chart = ChartSpec("bar", "Units", "D2", "A2:A6", ("B2:B6",))
    rows = [["Product", "Units"], *[[f"Ring {n}", n] for n in range(1, 9)]]
    sheets = {"Summary": SheetInfo(7, "Summary", rows=100, cols=26)}

    def render(old, new):
        return Renderer(sheets, NOTE_PREFIX, {"Summary": old} if old else {}).render(
            WriteBatch(contents=[TabContent("Summary", new, TabLayout(frozen_rows=1, charts=[chart]))])
        )

    render(None, rows)
    sheets["Summary"].charts = [55]  # as the next run's metadata read finds it
    changed = [r for r in rows if r[0] != "Ring 3"] + [["Ring 9", 9]]  # a line leaves inside the range
    kinds = [next(iter(r)) for r in render(rows, changed).requests]
    assert "deleteDimension" in kinds
    assert kinds[0] == "deleteEmbeddedObject" and kinds.count("addChart") == 1
    assert kinds.index("addChart") > kinds.index("deleteDimension")
    in_place = [[r[0], r[1] * 2] if r[0] == "Ring 8" else r for r in changed]
    sheets["Summary"].charts = [56]
    kinds = [next(iter(r)) for r in render(changed, in_place).requests]
    assert "addChart" not in kinds and "deleteEmbeddedObject" not in kinds  # nothing moved: the chart stays


def test_lines_a_person_moved_are_not_rewritten_in_place_over_other_lines_formats():
    """Sorted by a person since the last rendering, the rows carry their own formats: a changed line is sent
    with its formats, never only its values onto a row formatted for another line."""
    from sheetsync.backends.base import WriteBatch
    from sheetsync.backends.gsheets.render import Renderer, SheetInfo
    from sheetsync.model.layout import TabContent, TabLayout

    def content(rows):
        layout = TabLayout(frozen_rows=1, bold={(1, 1), (1, 2)}, number_formats={(2, 2): "0.0%"})
        return TabContent("Summary", rows, layout)

    rows = [["Product", "Rate"], ["Ring", 0.5], ["Hoop", 3]]
    sheets = {"Summary": SheetInfo(7, "Summary", rows=100, cols=26)}
    Renderer(sheets, NOTE_PREFIX, {}).render(WriteBatch(contents=[content(rows)]))
    sorted_by_person = [rows[0], rows[2], rows[1]]  # Hoop's row (plain) is now row 2, Ring's (0.0%) row 3
    changed = [rows[0], ["Ring", 0.25], ["Hoop", 4]]  # both lines change: in place would look as cheap
    again = Renderer(sheets, NOTE_PREFIX, {"Summary": sorted_by_person}).render(WriteBatch(contents=[content(changed)]))
    formats = [r["repeatCell"] if "repeatCell" in r else r.get("updateCells") for r in again.requests]
    assert any(f and "numberFormat" in json.dumps(f) for f in formats)  # Ring's line goes with its percent


def test_a_big_value_write_goes_in_one_request_per_payload_limit():
    from sheetsync.backends.gsheets.backend import _chunks

    rows = [[f"cell {r}-{c} " + "x" * 40 for c in range(20)] for r in range(6000)]  # ~6 MB as sent
    ranges = [
        {"range": "'SKUs'!A1:T6000", "values": rows},
        {"range": "'_Log'!A2:B3", "values": [["a", "b"], ["c", "d"]]},
    ]
    total = sum(len(json.dumps(r)) for r in ranges)
    chunks = _chunks(ranges)
    sizes = [len(json.dumps({"valueInputOption": "RAW", "data": c})) for c in chunks]
    assert all(n <= MAX_PAYLOAD + 1000 for n in sizes), sizes
    assert len(chunks) <= math.ceil(total / (0.9 * MAX_PAYLOAD)), (len(chunks), total)  # groups come out full
    cells = [v for c in chunks for r in c if r["range"].startswith("'SKUs'") for v in r["values"]]
    assert cells == rows  # every row once, in order
    assert chunks[0][0]["range"].startswith("'SKUs'!A1:T") and chunks[-1][-1]["range"] == "'_Log'!A2:B3"


@given(
    st.dictionaries(
        st.integers(1, 400),
        st.dictionaries(st.integers(1, 30), st.integers(0, 9), min_size=1, max_size=8),
        max_size=120,
    )
)
@settings(max_examples=150, deadline=None)
def test_cells_go_in_rectangles_holding_exactly_them(rows):
    """Every cell written once, at its place; a rectangle's other cells null (Google leaves those alone)."""
    from sheetsync.backends.gsheets.render import _blocks

    seen: dict[tuple[int, int], Any] = {}
    for first_row, first_col, block in _blocks(rows):
        assert len({len(line) for line in block}) == 1  # a rectangle
        for r, line in enumerate(block, start=first_row):
            for c, value in enumerate(line, start=first_col):
                if value is not None:
                    assert (r, c) not in seen
                    seen[(r, c)] = value
                else:
                    assert c not in rows.get(r, {})
    assert seen == {(r, c): v for r, cells in rows.items() for c, v in cells.items()}


def test_a_first_fill_of_many_rows_goes_in_one_rectangle():
    """20,000 rows of the same columns: one rectangle (grouping them was quadratic: benchmarks/run.py scales)."""
    from sheetsync.backends.gsheets.render import _blocks

    rows = {r: {c: f"{r}:{c}" for c in range(2, 12)} for r in range(2, 20002)}
    blocks = _blocks(rows)
    assert len(blocks) == 1 and blocks[0][:2] == (2, 2) and len(blocks[0][2]) == 20000


def _at_guard(emulator: SheetsEmulator, edit) -> Any:
    """A hook making `edit` once, just before the guard's re-read (the first ranged spreadsheets.get)."""
    done = {"done": False}

    def hook(event):
        if event.kind == "get" and event.phase == "before" and not done["done"] and len(emulator.requests) > 2:
            done["done"] = True
            edit()

    emulator.add_hook(hook)
    return hook, done


@pytest.mark.slow
def test_a_row_taking_a_looked_up_value_outside_the_reread_is_seen(emulator, config, demo_rows):
    """Describe's copy flags come from the Returns naming a SKU; the guard re-reads Returns' SKU column and
    those rows only. A person gives another return that SKU meanwhile: the re-read sees the row it missed,
    reads the tab whole, and the SKU's drafts wait (reported) instead of landing on stale flags."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    _run(emulator, config, key)
    skus = emulator.values(key, "SKUs")
    name_col = skus[0].index("Product Name")
    returns = emulator.values(key, "Returns")
    ret_sku = returns[0].index("SKU")
    named = {r[ret_sku] for r in returns[1:] if len(r) > ret_sku}
    for row in range(2, len(skus) + 1, 5):
        emulator.set_values(key, f"SKUs!{column_letter(name_col + 1)}{row}", [[f"{skus[row - 1][name_col]} II"]])
    backend = GoogleSheetsBackend(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint))
    now = datetime(2026, 11, 26, 9, 0, tzinfo=config.timezone)
    planned = run(dataclasses.replace(config, target=backend.target), now=now, backend=backend, dry_run=True).planned
    sku = next(c.key for c in planned if c.tab == "SKUs" and c.job == "describe" and c.key not in named)
    target = f"Returns!{column_letter(ret_sku + 1)}{len(returns)}"
    hook, done = _at_guard(emulator, lambda: emulator.set_values(key, target, [[sku]]))
    try:
        requests, _, result = _run(emulator, config, key)
    finally:
        emulator._hooks.remove(hook)
    assert done["done"]
    rereads = [r for r in requests if r.kind == "get" and r.query.get("ranges")]
    assert len(rereads) == 2 and "'Returns'" in rereads[1].query["ranges"]
    held = [p for p in result.conflicts if p.tab == "SKUs" and p.key == sku]
    assert held and not [c for c, _ in result.written if c.tab == "SKUs" and c.key == sku and c.job == "describe"]
    assert emulator.values(key, "Returns")[-1][ret_sku] == sku  # the person's edit stands


@pytest.mark.slow
def test_rows_added_go_after_a_row_a_person_added_meanwhile(emulator, config, demo_rows):
    """The guard re-reads a tab the run adds rows to from its last rows as read on, so a row a person added
    at the end meanwhile is kept and the run's rows go after it."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    before = emulator.values(key, "Outbox")
    mine = ["MSG-BY-HAND", None, None, None, "client@example.com", "Your order", "Written by hand"]
    end = len(before) + 1
    hook, done = _at_guard(emulator, lambda: emulator.set_values(key, f"Outbox!A{end}", [mine]))
    try:
        requests, _, result = _run(emulator, config, key)
    finally:
        emulator._hooks.remove(hook)
    assert done["done"] and result.appended
    rereads = [r for r in requests if r.kind == "get" and r.query.get("ranges")]
    assert len(rereads) == 1 and "'Outbox'" not in rereads[0].query["ranges"]  # not read whole
    after = emulator.values(key, "Outbox")
    assert after[end - 1][0] == "MSG-BY-HAND" and after[end - 1][6] == "Written by hand"
    drafted = {r[0] for r in after[end:] if r}
    assert {a.values["Message ID"] for a in result.appended if a.tab == "Outbox"} <= drafted


@pytest.mark.slow
def test_a_done_tick_made_meanwhile_survives_a_to_do_rewrite_from_its_columns_alone(emulator, config, demo_rows):
    """To Do is rewritten whole; the guard re-reads only its Done and Action ID columns, and a line a person
    ticks meanwhile keeps its tick in the new tab, wherever the line now is."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    _run(emulator, config, key)
    todo = emulator.values(key, "To Do")
    done, action = todo[0].index("Done"), todo[0].index("Action ID")
    row = next(i for i, r in enumerate(todo[1:], 2) if len(r) > action and r[action] and not r[done])
    ticked = todo[row - 1][action]
    hook, seen = _at_guard(
        emulator, lambda: emulator.set_values(key, f"'To Do'!{column_letter(done + 1)}{row}", [["x"]])
    )
    backend = GoogleSheetsBackend(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint))
    emulator.reset_requests()
    later = datetime(2026, 11, 27, 9, 0, tzinfo=config.timezone)  # a day on: the lines change, the tab is rewritten
    try:
        result = run(dataclasses.replace(config, target=backend.target), now=later, backend=backend)
    finally:
        emulator._hooks.remove(hook)
    assert seen["done"] and "To Do" in result.tabs_rewritten
    rereads = [r for r in emulator.requests if r.kind == "get" and r.query.get("ranges")]
    assert len(rereads) == 1 and "'To Do'" not in rereads[0].query["ranges"]
    after = emulator.values(key, "To Do")
    line = next(r for r in after[1:] if len(r) > action and r[action] == ticked)
    assert line[done] == "x"


_LINE = st.tuples(st.sampled_from(["Ring", "Hoop", "Band", "Stud"]), st.integers(0, 5), st.booleans())
ITEMS = [["Key", "Name"], *[[f"K{n}", f"Item {n}"] for n in range(6)]]


def _content(lines: list[tuple[str, int, bool]]):
    """A To Do-like tab: a bold header; per line a text, a number, a date format on flagged lines, a row link
    formula to the line's item (found by key), a link to the item's cell, and a web link on some."""
    from datetime import date

    from sheetsync.model.layout import RowRef, TabContent, TabLayout

    rows: list[list[Any]] = [["Item", "Units", "Since", "Where", "Key"]]
    layout = TabLayout(frozen_rows=1, bold={(1, c) for c in range(1, 6)}, widths={1: 20})
    # both kinds of line on every rendering, so the tab's look holds and only lines go
    for n, (name, units, dated) in enumerate([("Opening", 0, True), ("Opening", 1, False), *lines], start=2):
        key = f"K{units}"
        where = RowRef("Items", key, units + 2, row=units + 2, col=2, key_col=1, resolved=True)
        rows.append([f"{name} {units}", units, date(2026, 11, 1 + units) if dated else "-", where, key])
        if dated:
            layout.number_formats[(n, 3)] = "d mmm yyyy"
        layout.links[(n, 5)] = f"'Items'!A{units + 2}"
        if name == "Stud":
            layout.links[(n, 1)] = f"https://example.com/{units}"
    return TabContent("Summary", rows, layout)


def _look(emulator: SheetsEmulator, key: str) -> list[list[Any]]:
    """Every cell of the tab as entered: value and format, trailing blanks dropped."""
    body = emulator.handle(
        "GET", f"/v4/spreadsheets/{key}", {"includeGridData": ["true"], "ranges": ["Summary"]}, None
    )[1]
    out = []
    for row in body["sheets"][0]["data"][0].get("rowData", []):
        cells = [(c.get("userEnteredValue"), c.get("userEnteredFormat")) for c in row.get("values", [])]
        while cells and cells[-1] == (None, None):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return json.loads(re.sub(r"gid=\d+", "gid=*", json.dumps(out)))  # the two spreadsheets' tab ids differ


_EDIT = st.tuples(st.sampled_from(["insert", "delete", "change", "move"]), st.integers(0, 30), _LINE)


def _edited(lines: list[Any], edits: list[tuple[str, int, Any]]) -> list[Any]:
    """Lines after a person's kind of edits: lines added, dropped, changed or moved, anywhere."""
    out = list(lines)
    for op, at, line in edits:
        if op == "insert" or not out:
            out.insert(at % (len(out) + 1), line)
        elif op == "delete":
            out.pop(at % len(out))
        elif op == "change":
            out[at % len(out)] = line
        else:
            out.insert(at % len(out), out.pop((at * 7) % len(out)))
    return out


@given(st.lists(_LINE, max_size=14), st.lists(_EDIT, max_size=6), st.sampled_from([None, 0, 1]))
@settings(max_examples=40, deadline=None)
def test_a_tab_rendered_line_by_line_looks_as_if_rendered_whole(emulator, before, edits, sort_by):
    """Lines added, dropped, moved or changed between two renderings: the tab sent only its changed lines
    ends up cell for cell (values and formats) as a tab rendered whole from scratch."""
    from sheetsync.backends.base import WriteBatch
    from sheetsync.backends.gsheets.backend import GoogleSheetsBackend as Google

    def backend(key: str) -> Google:
        return Google(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint))

    kept = emulator.create_spreadsheet("kept", {"Sheet1": [], "Items": ITEMS})
    first = backend(kept)
    first.read(first.tab_names())
    first.write(WriteBatch(contents=[_content(before)]))
    if sort_by is not None:  # a person sorts the lines (rows move with their formats) before the next run
        sheet_id = emulator.sheet_properties(kept, "Summary")["sheetId"]
        sort = {"range": {"sheetId": sheet_id, "startRowIndex": 1}, "sortSpecs": [{"dimensionIndex": sort_by}]}
        emulator.handle("POST", f"/v4/spreadsheets/{kept}:batchUpdate", {}, {"requests": [{"sortRange": sort}]})
    second = backend(kept)
    second.read(second.tab_names())
    emulator.reset_requests()
    after = _edited(before, edits)
    second.write(WriteBatch(contents=[_content(after)]))
    sent = [
        r["updateCells"]
        for q in emulator.requests
        if q.kind.endswith("batchUpdate") and q.body and "requests" in q.body
        for r in q.body["requests"]
        if "updateCells" in r
    ]
    assert not [
        c for c in sent if c.get("range") == {"sheetId": c.get("range", {}).get("sheetId")}
    ]  # no whole-tab clear
    fresh = emulator.create_spreadsheet("fresh", {"Sheet1": [], "Items": ITEMS})
    whole = backend(fresh)
    whole.read(whole.tab_names())
    whole.write(WriteBatch(contents=[_content(after)]))
    assert _look(emulator, kept) == _look(emulator, fresh)


@pytest.mark.slow
def test_to_do_sent_line_by_line_stays_right_after_a_person_sorts_and_ticks_it(
    emulator, config, demo_rows, monkeypatch
):
    """To Do after a person sorted it, ticked a line and renamed products (new lines in its middle): every
    line's link still finds its own row, its date is still a date, and the tick stays on its line."""
    key = demo_spreadsheet(emulator, config, _bigger(demo_rows, 2))
    _run(emulator, config, key)
    todo = emulator.values(key, "To Do")
    head = todo[0]
    done, line_id = head.index("Done"), head.index("Action ID")
    ticked = todo[3][line_id]
    emulator.set_values(key, f"'To Do'!{column_letter(done + 1)}4", [["x"]])
    sheet_id = emulator.sheet_properties(key, "To Do")["sheetId"]
    sort = {"range": {"sheetId": sheet_id, "startRowIndex": 1}, "sortSpecs": [{"dimensionIndex": head.index("To Do")}]}
    emulator.handle("POST", f"/v4/spreadsheets/{key}:batchUpdate", {}, {"requests": [{"sortRange": sort}]})
    skus = emulator.values(key, "SKUs")
    col = skus[0].index("Product Name")
    for row in range(2, len(skus), 9):
        emulator.set_values(key, f"SKUs!{column_letter(col + 1)}{row + 1}", [[f"{skus[row][col]} II"]])
    wanted: list[Any] = []
    original = GoogleSheetsBackend.write

    def write(self, batch):  # what the run means To Do to hold, as it hands it to the backend
        wanted.extend(c for c in batch.contents if c.name == "To Do")
        return original(self, batch)

    monkeypatch.setattr(GoogleSheetsBackend, "write", write)
    requests, _, result = _run(emulator, config, key)
    assert result.wrote and not result.conflicts and len(wanted) == 1
    sent = [r for q in requests if q.kind == "batchUpdate" for r in q.body["requests"]]
    assert not any(r.get("updateCells", {}).get("range") == {"sheetId": sheet_id} for r in sent)  # line by line

    after = emulator.values(key, "To Do")
    body = emulator.handle("GET", f"/v4/spreadsheets/{key}", {"includeGridData": ["true"], "ranges": ["'To Do'"]}, None)
    grid = body[1]["sheets"][0]["data"][0]["rowData"]
    assert after[0] == head and len(grid) >= len(after)
    due, where, row_key = head.index("Due"), head.index("Where"), head.index("Key")
    lines = 0
    for r, line in enumerate(after[1:], start=1):
        cells = grid[r].get("values", [])
        formula = cells[where].get("userEnteredValue", {}).get("formulaValue", "") if len(cells) > where else ""
        if formula:
            lines += 1
            assert f'MATCH("{line[row_key]}"' in formula, (r + 1, line, formula)  # its own row, not another line's
        if isinstance(line[due] if len(line) > due else None, (int, float)):
            assert cells[due]["userEnteredFormat"]["numberFormat"]["type"] == "DATE", (r + 1, cells[due])
    assert lines > 10
    still = [line for line in after[1:] if len(line) > line_id and line[line_id] == ticked]
    assert still and all(line[done] == "x" for line in still)
    from sheetsync.backends.gsheets.render import _line_key, api_value

    shown = [_line_key([str(v) if isinstance(v, RowRef) else api_value(v) for v in line]) for line in wanted[0].rows]
    assert [_line_key(line) for line in after] == shown  # every line the run meant, in its order, none lost


@pytest.mark.slow
def test_the_copy_log_is_reread_by_its_end_and_a_row_typed_there_meanwhile_is_kept(emulator, config, demo_rows):
    """Rows are only added to the Copy Log: the guard reads its header and last rows, not its Entry column, and
    a row a person types under the last one during the run stays, with the run's new rows after it."""
    key = demo_spreadsheet(emulator, config, demo_rows)
    _run(emulator, config, key)
    skus = emulator.values(key, "SKUs")
    status = skus[0].index("Description Status")
    row = next(n for n, line in enumerate(skus[1:], start=2) if len(line) > status and line[status] == "Drafting")
    emulator.set_values(key, f"SKUs!{column_letter(status + 1)}{row}", [["Brief"]])
    log = emulator.values(key, "Copy Log")
    typed = ["CL-99999", "a person's own line"]
    done = {"typed": False}

    def type_a_line(event):  # before the guard's re-read (after the metadata and values reads and the lease)
        if event.kind == "get" and event.phase == "before" and not done["typed"] and len(emulator.requests) > 2:
            done["typed"] = True
            emulator.set_values(key, f"'Copy Log'!A{len(log) + 1}", [typed])

    requests_made, _, result = _run_with(emulator, config, key, type_a_line)
    assert done["typed"]
    guard = next(r for r in requests_made if r.kind == "get" and r.query.get("ranges"))
    copy_log = [r for r in guard.query["ranges"] if r.startswith("'Copy Log'")]
    assert copy_log and "'Copy Log'!A2:A" not in copy_log, copy_log
    assert not result.conflicts
    after = emulator.values(key, "Copy Log")
    assert after[: len(log)] == log
    assert after[len(log)][:2] == typed
    added = after[len(log) + 1 :]
    assert [line[:2] for line in added] == [[added[0][0], skus[row - 1][skus[0].index("SKU")]]], added
