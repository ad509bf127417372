"""One suite, three backends: memory, xlsx and Google Sheets (on the local emulator) behave the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from sheetsync.backends.base import CellWrite, NoteWrite, RowsWrite, WriteBatch
from sheetsync.backends.gsheets import GoogleSheetsBackend
from sheetsync.backends.memory import MemoryBackend
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.model.layout import FILLS, NOTE_PREFIX, NewTab, TabContent, TabLayout
from sheetsync.model.values import ParseOptions, parse_date, parse_datetime
from sheetsync.testing import SheetsEmulator

FAST = {"attempts": 3, "initial_wait": 0.001, "max_wait": 0.01, "max_total_wait": 0.1, "timeout": 5}
SAMPLES: list[tuple[str, Any]] = [
    ("text", "Aurelle ring"),
    ("leading zeros", "00123"),
    ("int", 42),
    ("float", 2.5),
    ("decimal", Decimal("1250.50")),
    ("bool", True),
    ("false", False),
    ("date", date(2026, 3, 4)),
    ("datetime", datetime(2026, 3, 4, 14, 30)),
    ("formula-looking", '=IMPORTXML("http://x","//a")'),
    ("plus", "+1 call"),
    ("mention", "@mention"),
    ("minus", "-5 days"),
    ("unicode", "Émeraude ✨"),
]


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


class Book:
    """A backend factory: each `open()` is a fresh backend on the same workbook (as a new run would be)."""

    def __init__(
        self, kind: str, opener: Callable[[], Any], emulator: SheetsEmulator | None = None, key: str | None = None
    ):
        self.kind, self.opener, self.emulator, self.key = kind, opener, emulator, key

    def open(self):
        return self.opener()

    def read(self, tab: str):
        backend = self.open()
        names = backend.tab_names()
        if tab not in names:
            return None
        backend.read([tab])
        return backend.guard_read([tab])[tab]  # with notes (Google's first read leaves them to the guard)

    def write(self, batch: WriteBatch) -> None:
        backend = self.open()
        names = backend.tab_names()
        if names:  # as the engine does: read, then re-read just before writing (the guard)
            backend.read(names)
            backend.guard_read(names)
        backend.write(batch)


@pytest.fixture(params=["memory", "xlsx", "gsheets"])
def book(request, tmp_path, emulator) -> Book:
    if request.param == "memory":
        memory = MemoryBackend({"Sheet1": []})
        return Book("memory", lambda: memory)
    if request.param == "xlsx":
        path = tmp_path / "book.xlsx"
        XlsxBackend(path).write(WriteBatch(new_tabs=[NewTab("Sheet1", [])]))
        return Book("xlsx", lambda: XlsxBackend(path))
    key = emulator.create_spreadsheet("backends", {"Sheet1": []})
    from sheetsync.backends.gsheets.backend import EndpointSession

    return Book(
        "gsheets",
        lambda: GoogleSheetsBackend(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint)),
        emulator,
        key,
    )


def _same(raw: Any, want: Any) -> bool:
    opts = ParseOptions()
    if isinstance(want, datetime):
        return parse_datetime(raw, None, opts).replace(tzinfo=None) == want
    if isinstance(want, date):
        return parse_date(raw, None, opts) == want
    if isinstance(want, bool):
        return raw is want or (raw == want and isinstance(raw, bool))
    if isinstance(want, (int, float, Decimal)):
        return isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool) and float(raw) == float(want)
    return raw == want


def test_every_value_type_round_trips(book: Book):
    headers = [name for name, _ in SAMPLES]
    cells = [CellWrite("Data", 2, col, value) for col, (_, value) in enumerate(SAMPLES, start=1)]
    book.write(WriteBatch(new_tabs=[NewTab("Data", headers)], cells=cells))
    data = book.read("Data")
    assert data.values[0] == headers
    for col, (name, value) in enumerate(SAMPLES, start=1):
        assert _same(data.cell(2, col), value), (name, data.cell(2, col), value)


def test_row_blocks_land_under_their_columns_beside_single_cells(book: Book):
    """A RowsWrite (the audit's log lines) writes each value under its column, skips blanks (a cell already
    there stays) and stores values as single cells would be (Decimal as a number, a tuple as text)."""
    book.write(WriteBatch(new_tabs=[NewTab("Log", ["Time", "Kind", "Value", "Said"])]))
    book.write(WriteBatch(cells=[CellWrite("Log", 3, 2, "kept")]))
    block = RowsWrite(
        "Log", 2, (4, 1, 3), [["first", "09:00", Decimal("2.50")], [("a", "b"), "09:01", None], ["", "09:02", 7]]
    )
    batch = WriteBatch(cells=[CellWrite("Log", 5, 2, "single")], rows=[block])
    assert batch and batch.cell_count == 4
    book.write(batch)
    values = book.read("Log").values
    assert values[1] == ["09:00", None, 2.5, "first"]
    assert values[2] == ["09:01", "kept", None, "a, b"]
    assert values[3] == ["09:02", None, 7]
    assert values[4] == [None, "single"]


def test_formula_looking_text_stays_text(book: Book):
    texts = ['=IMPORTXML("http://x","//a")', "+1 call", "@mention", "=1+1"]
    book.write(
        WriteBatch(
            new_tabs=[NewTab("Data", ["Note"])],
            cells=[CellWrite("Data", r, 1, t) for r, t in enumerate(texts, start=2)],
        )
    )
    data = book.read("Data")
    assert [row[0] for row in data.values[1:]] == texts
    if book.kind == "gsheets":
        sheet = book.emulator.spreadsheet(book.key).sheet_by_title("Data")
        assert all(cell.formula is None for cell in sheet.cells.values())


def test_blank_write_clears_and_untouched_cells_stay(book: Book):
    book.write(
        WriteBatch(
            new_tabs=[NewTab("Data", ["A", "B", "C"])], cells=[CellWrite("Data", 2, c, f"v{c}") for c in (1, 2, 3)]
        )
    )
    book.write(WriteBatch(cells=[CellWrite("Data", 2, 1, None), CellWrite("Data", 2, 3, "new")]))
    assert book.read("Data").values[1] == [None, "v2", "new"]


def test_notes_set_and_remove(book: Book):
    book.write(WriteBatch(new_tabs=[NewTab("Data", ["A", "B"])], cells=[CellWrite("Data", 2, 1, "x")]))
    text = NOTE_PREFIX + "A: x is not allowed"
    book.write(WriteBatch(notes=[NoteWrite("Data", 2, 1, text, FILLS["error"])]))
    assert book.read("Data").notes == {(2, 1): text}
    book.write(WriteBatch(notes=[NoteWrite("Data", 2, 1, None)]))
    assert book.read("Data").notes == {}
    if book.kind == "gsheets":
        assert book.emulator.background(book.key, "Data") == {}


def test_removing_our_note_keeps_a_persons_note_and_colour(emulator):
    from sheetsync.backends.gsheets.backend import EndpointSession

    key = emulator.create_spreadsheet("person", {"Data": [["A"], ["x"]]})
    open_ = lambda: GoogleSheetsBackend(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint))
    emulator.set_note(key, "Data", 2, 1, "Ask Priya about this")
    backend = open_()
    backend.read(backend.tab_names())
    assert backend.guard_read(["Data"])["Data"].notes == {}  # a person's note is not ours
    backend.write(WriteBatch(notes=[NoteWrite("Data", 2, 1, None)]))
    assert emulator.notes(key, "Data") == {(2, 1): "Ask Priya about this"}


def test_new_tab_headers_and_hidden(book: Book):
    book.write(
        WriteBatch(
            new_tabs=[
                NewTab("_Log", ["Time", "Run ID"], hidden=True),
                NewTab(
                    "Gifts",
                    ["Gift ID", "Handle"],
                    dropdowns={2: ["@a", "@b"]},
                    header_notes={1: "Issued by sheetsync"},
                    protected_cols=[1],
                    number_formats={2: "yyyy-mm-dd"},
                ),
            ]
        )
    )
    backend = book.open()
    names = backend.tab_names()
    assert {"_Log", "Gifts"} <= set(names)
    data = backend.read(["_Log", "Gifts"])
    assert data["_Log"].values == [["Time", "Run ID"]]
    assert data["Gifts"].values == [["Gift ID", "Handle"]]
    assert data["Gifts"].notes == {}  # header notes are guides, not sheetsync's problem notes
    if book.kind == "gsheets":
        props = book.emulator.sheet_properties(book.key, "_Log")
        assert props.get("hidden") is True
        gifts = book.emulator.sheet_properties(book.key, "Gifts")
        assert gifts["gridProperties"].get("frozenRowCount") == 1
        sheet = book.emulator.spreadsheet(book.key).sheet_by_title("Gifts")
        assert sheet.protected and all(p.get("warningOnly") for p in sheet.protected)
        rule = sheet.peek(1, 1).validation
        assert rule["condition"]["type"] == "ONE_OF_LIST" and rule.get("strict") is False


def test_whole_tab_replacement(book: Book):
    first = TabContent(
        "Summary",
        [["Metric", "Value"], ["Open returns", 5], ["Oldest", date(2026, 3, 4)], ["Extra", "row"]],
        TabLayout(frozen_rows=1, bold={(1, 1)}, number_formats={(3, 2): "yyyy-mm-dd"}),
    )
    book.write(WriteBatch(contents=[first]))
    data = book.read("Summary")
    assert data.values[:2] == [["Metric", "Value"], ["Open returns", 5]]
    assert _same(data.cell(3, 2), date(2026, 3, 4))
    book.write(
        WriteBatch(
            contents=[
                TabContent(
                    "Summary", [["Metric", "Value"], ["Open returns", 7]], TabLayout(links={(2, 1): "Sheet1!A1"})
                )
            ]
        )
    )
    assert book.read("Summary").values == [["Metric", "Value"], ["Open returns", 7]]


def test_rows_past_the_grid_are_written(book: Book):
    book.write(WriteBatch(new_tabs=[NewTab("Data", ["A"])], cells=[CellWrite("Data", 1205, 30, "far")]))
    data = book.read("Data")
    assert data.cell(1205, 30) == "far" and len(data.values) == 1205
