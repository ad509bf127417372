"""A sheet that explains itself: wrapped, readable Issues and drafts, frozen header and key, the
fingerprint out of sight, errors first; `init` puts back what people lost, on every backend."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest
from gsheets_helpers import google
from openpyxl.utils import get_column_letter

import sheetsync
from sheetsync.backends.gsheets.backend import SHEETS_URL, EndpointSession
from sheetsync.backends.memory import MemoryBackend
from sheetsync.backends.xlsx.backend import LINE_HEIGHT, MAX_LINES, text_lines
from sheetsync.init import init
from sheetsync.testing import SheetsEmulator


def _col(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


@pytest.fixture
def demo_xlsx(tmp_path, config, demo_rows, now):
    """The demo workbook as `sheetsync demo` leaves it: set up by init, then one run of every job."""
    path = tmp_path / "demo.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    init(cfg, rows=demo_rows)
    sheetsync.run(cfg, now=now)
    return cfg, path


def test_saved_demo_has_readable_issues_and_drafts_frozen_key_and_a_hidden_fingerprint(demo_xlsx):
    _cfg, path = demo_xlsx
    sheet = openpyxl.load_workbook(path)["SKUs"]
    assert sheet.freeze_panes == "C2"  # header row, SKU and Product Name stay in view
    for header, width in (("Issues", 60), ("Draft Description", 80)):
        col = _col(sheet, header)
        dimension = sheet.column_dimensions[get_column_letter(col)]
        assert dimension.width == width and dimension.alignment.wrap_text, header
        filled = [sheet.cell(r, col) for r in range(2, sheet.max_row + 1) if sheet.cell(r, col).value]
        assert filled and all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in filled), header
        for cell in filled:  # neither Excel nor LibreOffice fits row heights on opening: the file says them
            lines = min(text_lines(cell.value, width), MAX_LINES)
            assert lines == 1 or sheet.row_dimensions[cell.row].height >= lines * LINE_HEIGHT, (header, cell.row)
    key = sheet.cell(2, 1)
    assert key.alignment.vertical == "top"  # a tall row reads from the top in every column
    fingerprint = sheet.column_dimensions[get_column_letter(_col(sheet, "Spec Fingerprint"))]
    assert fingerprint.hidden
    returns = openpyxl.load_workbook(path)["Returns"]
    assert returns.freeze_panes == "B2"  # the RMA key is column A
    assert returns.column_dimensions[get_column_letter(_col(returns, "Issues"))].width == 60


def test_the_to_do_prints_one_page_wide_with_its_lines_wrapped_and_read_from_the_top(demo_xlsx):
    _cfg, path = demo_xlsx
    sheet = openpyxl.load_workbook(path)["To Do"]
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    col, width = _col(sheet, "To Do"), sheet.column_dimensions["C"].width
    lines = [sheet.cell(r, col) for r in range(2, sheet.max_row + 1)]
    assert all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in lines)
    long = [c for c in lines if text_lines(c.value, width) > 1]
    assert long and all(sheet.row_dimensions[c.row].height >= 2 * LINE_HEIGHT for c in long)
    assert all(sheet.cell(c.row, _col(sheet, "Who")).alignment.vertical == "top" for c in long)


def test_errors_come_first_in_an_issues_cell(config, now):
    from conftest import memory_workbook

    sku = {
        "SKU": "RG-ORD-001",
        "Product Name": "Order Ring",
        "Category": "Ring",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "Diamond",
        "Stone Origin": "Natural",
        "Carat Weight": 0.125,  # a warning: more than 2 decimals
        "Price": 100,
        "Cost": 900,  # an error: cost above price
    }
    backend = memory_workbook(config, {"SKUs": [sku]})
    result = sheetsync.run(config, ["validate"], now=now, backend=backend)
    found = [str(p.severity) for p in result.report if p.tab == "SKUs" and p.key == "RG-ORD-001"]
    assert "warning" in found and found.index("warning") < found.index("error")  # found in the other order
    severity = {p.line: str(p.severity) for p in result.report if p.key == "RG-ORD-001"}
    values = backend.values("SKUs")
    shown = [severity[line] for line in values[1][values[0].index("Issues")].split("\n")]
    assert shown == sorted(shown)  # "error" sorts before "warning"
    assert shown[0] == "error" and shown[-1] == "warning"


def test_init_puts_back_freezes_and_sheetsync_column_looks_but_keeps_a_persons_widths(demo_xlsx, config):
    cfg, path = demo_xlsx
    book = openpyxl.load_workbook(path)
    sheet = book["SKUs"]
    issues, name, fingerprint = (
        get_column_letter(_col(sheet, h)) for h in ("Issues", "Product Name", "Spec Fingerprint")
    )
    sheet.freeze_panes = None  # a person unfreezes, narrows Issues, shows the fingerprint, widens a name
    sheet.column_dimensions[issues].width = 10
    sheet.column_dimensions[fingerprint].hidden = False
    sheet.column_dimensions[name].width = 55
    book["Gifts"].freeze_panes = None
    book.save(path)
    result = init(cfg)
    assert result.restyled["SKUs"] == [
        "frozen header row and key column",
        "Spec Fingerprint hidden",
        "Issues width and wrap",
    ]
    assert result.restyled["Gifts"] == ["frozen header row and key column"]
    sheet = openpyxl.load_workbook(path)["SKUs"]
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions[issues].width == 60 and sheet.column_dimensions[fingerprint].hidden
    assert sheet.column_dimensions[name].width == 55  # a person's column keeps the width they chose
    assert not init(cfg).changed  # and nothing left to put back


def test_text_lines_counts_paragraphs_and_word_wrap():
    assert text_lines("short", 60) == 1
    assert text_lines("one\ntwo\n\nfour", 60) == 4  # a blank line between paragraphs counts
    assert text_lines("word " * 40, 20) >= 10  # 200 characters in 18-character lines


def test_init_command_says_what_it_put_back(demo_xlsx):
    from click.testing import CliRunner

    from sheetsync.cli import main

    _cfg, path = demo_xlsx
    book = openpyxl.load_workbook(path)
    book["Returns"].freeze_panes = None
    book.save(path)
    out = CliRunner().invoke(main, ["--workbook", str(path), "init"])
    assert out.exit_code == 0 and "Returns: put back frozen header row and key column" in out.output


def test_memory_backend_keeps_the_view(config, demo_rows):
    backend = MemoryBackend()
    cfg = dataclasses.replace(config, target="memory:")
    init(cfg, backend, demo_rows)
    view = backend.read(["SKUs"])["SKUs"].view
    headers = backend.values("SKUs")[0]
    assert (view.frozen_rows, view.frozen_cols) == (1, 2)
    assert view.widths[headers.index("Issues") + 1] == 60
    assert view.hidden_cols == {headers.index("Spec Fingerprint") + 1}
    assert not init(cfg, backend).changed


@pytest.fixture(scope="module")
def emulator():
    with SheetsEmulator() as emu:
        yield emu


def test_google_sheet_gets_the_same_view_and_init_puts_it_back(emulator, config, demo_rows):
    key = emulator.create_spreadsheet("layout", {"Sheet1": []})
    cfg = dataclasses.replace(config, target=f"gsheets:{key}")
    init(cfg, google(emulator, key), demo_rows)
    props = emulator.sheet_properties(key, "SKUs")["gridProperties"]
    assert (props.get("frozenRowCount"), props.get("frozenColumnCount")) == (1, 2)
    backend = google(emulator, key)
    backend.tab_names()
    data = backend.read(["SKUs"])["SKUs"]
    headers = data.values[0]
    issues, fingerprint = headers.index("Issues") + 1, headers.index("Spec Fingerprint") + 1
    assert data.view.widths[issues] == pytest.approx(60, abs=0.2) and data.view.hidden_cols == {fingerprint}
    session = EndpointSession(emulator.endpoint)
    letter = get_column_letter(issues)
    cell = session.get(
        f"{SHEETS_URL}/{key}",
        params={"ranges": f"SKUs!{letter}2", "fields": "sheets(data(rowData(values(userEnteredFormat))))"},
    ).json()["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert cell["wrapStrategy"] == "WRAP" and cell["verticalAlignment"] == "TOP"
    sheet_id = emulator.sheet_properties(key, "SKUs")["sheetId"]
    session.post(  # a person unfreezes the tab
        f"{SHEETS_URL}/{key}:batchUpdate",
        json={
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 0}},
                        "fields": "gridProperties.frozenRowCount,gridProperties.frozenColumnCount",
                    }
                }
            ]
        },
    ).raise_for_status()
    assert not emulator.sheet_properties(key, "SKUs")["gridProperties"].get("frozenRowCount")
    result = init(cfg, google(emulator, key))
    assert result.restyled == {"SKUs": ["frozen header row and key column"]}
    props = emulator.sheet_properties(key, "SKUs")["gridProperties"]
    assert (props.get("frozenRowCount"), props.get("frozenColumnCount")) == (1, 2)
    assert not init(cfg, google(emulator, key)).changed


def test_schema_rejects_a_bad_look(tmp_path):
    from sheetsync.errors import ConfigError
    from sheetsync.model.schema import load_schema

    path = tmp_path / "things.toml"
    path.write_text('tab = "Things"\nkey = "ID"\n[[columns]]\nheader = "ID"\nwidth = 600\n')
    with pytest.raises(ConfigError, match="width is in characters"):
        load_schema(path)
    path.write_text('tab = "Things"\nkey = "ID"\nfreeze_colums = 1\n[[columns]]\nheader = "ID"\n')
    with pytest.raises(ConfigError, match="did you mean 'freeze_columns'"):
        load_schema(path)
    path.write_text('tab = "Things"\nkey = "ID"\n[[columns]]\nheader = "ID"\nwrap = "yes"\n')
    with pytest.raises(ConfigError, match="wrap must be true or false"):
        load_schema(path)
