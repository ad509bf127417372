"""Real client libraries against the emulator: each test is one client operation and Google's documented result.

Clients: gspread, gspread-dataframe, gspread-formatting and google-api-python-client. The test
count doubles as the tally of client operations that behave like Google (see README).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import gspread
import pytest
from gspread.utils import ValueInputOption, ValueRenderOption

from sheetsync.testing import SheetsEmulator

gspread_dataframe = pytest.importorskip("gspread_dataframe")
gsf = pytest.importorskip("gspread_formatting")
discovery = pytest.importorskip("googleapiclient.discovery")
HttpError = pytest.importorskip("googleapiclient.errors").HttpError

UE = ValueInputOption.user_entered


@pytest.fixture(scope="module")
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def gc(emulator: SheetsEmulator) -> gspread.Client:
    return emulator.client()


@pytest.fixture
def sh(emulator: SheetsEmulator, gc: gspread.Client) -> gspread.Spreadsheet:
    return gc.open_by_key(
        emulator.create_spreadsheet("Shop", {"Sheet1": [], "Prices": [["sku", "price"], ["A", 10], ["B", 20]]})
    )


@pytest.fixture
def ws(sh: gspread.Spreadsheet) -> gspread.Worksheet:
    return sh.sheet1


@pytest.fixture(scope="module")
def service(emulator: SheetsEmulator) -> Any:
    return discovery.build(
        "sheets",
        "v4",
        developerKey="emulator",
        static_discovery=True,
        client_options={"api_endpoint": emulator.endpoint + "/"},
    ).spreadsheets()


def typed(ws: gspread.Worksheet, cell: str, text: str, read: str = "A1") -> Any:
    """Type text into a cell as a person would, then read a cell back as Google formats it."""
    ws.update([[text]], cell, value_input_option=UE)
    return ws.acell(read).value


def unformatted(ws: gspread.Worksheet, cell: str) -> Any:
    return ws.get(cell, value_render_option=ValueRenderOption.unformatted)[0][0]


def api_error(call: Any) -> str:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        call()
    assert caught.value.response.status_code == 400
    return caught.value.args[0]["message"]


# -- formulas through gspread ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "formula, shown",
    [
        ("=SUM(A1:B1)", "3"),
        ("=A1*2", "2"),
        ('="a"&"b"', "ab"),
        ("=1/0", "#DIV/0!"),
        ("= 1 / 1024", "0.0009765625"),
        ("=NOSUCHFUNCTION(1)", "#NAME?"),
        ('=IF(AND(A1=1,OR(B1>5,NOT(FALSE))),"yes","no")', "yes"),
        ('=COUNTIF(A1:B1,">1")&"/"&SUMIF(A1:B1,">1")', "1/2"),
        ("=ROUND(2.5)+ABS(-1)", "4"),
        ("=ROUND(1.005,2)", "1.01"),
        ('=TEXT(1234.5,"#,##0.00")', "1,234.50"),
        ('=IFERROR(1/0,"none")', "none"),
        ('=LEN("abc")&LEFT("abc",1)&RIGHT("abc")&MID("abcd",2,2)&UPPER("x")&LOWER("Y")&TRIM("  z  ")', "3acbcXyz"),
        ('=CONCATENATE("n",A1)', "n1"),
        ("=AVERAGE(A1:B1)&MIN(A1:B1)&MAX(A1:B1)&COUNT(A1:C1)&COUNTA(A1:C1)", "1.51222"),
        ('=VLOOKUP("B",Prices!A2:B3,2,FALSE)', "20"),
        ('=VLOOKUP("Z",Prices!A2:B3,2,FALSE)', "#N/A"),
        ('=INDEX(Prices!B2:B3,MATCH("B",Prices!A2:A3,0))', "20"),
        ("=SUM(Prices!B:B)", "30"),
        ("=SUM(Prices!B2:B)", "30"),
        ("=Nope!A1", "#REF!"),
        ("=D9", ""),
    ],
)
def test_formula_is_computed(ws: gspread.Worksheet, formula: str, shown: str) -> None:
    ws.update([[1, 2]], "A1")
    ws.update([[formula]], "C5", value_input_option=UE)
    assert ws.acell("C5").value == (shown or None)


def test_formula_text_is_kept_as_typed(ws: gspread.Worksheet) -> None:
    ws.update([["= 1 / 1024"]], "A1", value_input_option=UE)
    assert ws.acell("A1", value_render_option=ValueRenderOption.formula).value == "= 1 / 1024"


def test_formula_recomputes_when_an_input_changes(ws: gspread.Worksheet) -> None:
    ws.update([[1, "=A1*10"]], "A1", value_input_option=UE)
    ws.update([[5]], "A1")
    assert ws.acell("B1").value == "50"


def test_circular_reference_is_an_error(ws: gspread.Worksheet) -> None:
    ws.update([["=B1", "=A1"]], "A1", value_input_option=UE)
    assert ws.acell("A1").value == "#REF!"


def test_date_and_today_use_the_spreadsheet_time_zone(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    sh.update_timezone("Pacific/Kiritimati")
    ws.update([["=DATE(2020,1,1)", "=TODAY()"]], "A1", value_input_option=UE)
    today = dt.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert ws.get("A1:B1", value_render_option=ValueRenderOption.unformatted) == [
        [43831, (today - dt.date(1899, 12, 30)).days]
    ]


def test_error_value_in_grid_data(service: Any, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    ws.update([["=1/0"]], "A1", value_input_option=UE)
    data = service.get(spreadsheetId=sh.id, ranges="Sheet1!A1", includeGridData=True).execute()
    cell = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert cell["formattedValue"] == "#DIV/0!" and cell["userEnteredValue"] == {"formulaValue": "=1/0"}


# -- number formats and typed input ------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, pattern, kind, shown",
    [
        (1234.5, "#,##0.00", "NUMBER", "1,234.50"),
        (2000000.01, "#,##0.00", "NUMBER", "2,000,000.01"),
        (0.1234, "0.00%", "PERCENT", "12.34%"),
        (-3, '"$"#,##0.00', "CURRENCY", "-$3.00"),
        (1234.5, "0.00E+00", "SCIENTIFIC", "1.23E+03"),
        (46085, "mmm d, yyyy", "DATE", "Mar 4, 2026"),
        (0.75, "h:mm am/pm", "TIME", "6:00 PM"),
        (46085.5, "yyyy-mm-dd hh:mm", "DATE_TIME", "2026-03-04 12:00"),
        (-5, "#,##0.00;(#,##0.00)", "NUMBER", "(5.00)"),
    ],
)
def test_formatted_value_follows_the_number_format(
    ws: gspread.Worksheet, value: float, pattern: str, kind: str, shown: str
) -> None:
    ws.update([[value]], "A1")
    ws.format("A1", {"numberFormat": {"type": kind, "pattern": pattern}})
    assert ws.acell("A1").value == shown
    assert unformatted(ws, "A1") == value


def test_text_format_keeps_typed_digits(ws: gspread.Worksheet) -> None:
    ws.format("A1", {"numberFormat": {"type": "TEXT", "pattern": "@"}})
    ws.update([["7"]], "A1", value_input_option=UE)
    assert ws.acell("A1").value == "7"


@pytest.mark.parametrize(
    "typed_text, value, shown",
    [
        ("1,234", 1234, "1,234"),
        ("12.50%", 0.125, "12.50%"),
        ("-$3", -3, "-$3"),
        ("Mar 4 2026", 46085, "Mar 4 2026"),
        ("2,000,000.01", 2000000.01, "2,000,000.01"),
        ("2020-01-01", 43831, "2020-01-01"),
        ("0042", 42, "42"),
        ("14:30", 0.6041666666666666, "14:30"),
        ("TRUE", True, "TRUE"),
        ("'007", "007", "007"),
    ],
)
def test_user_entered_input_is_parsed(ws: gspread.Worksheet, typed_text: str, value: Any, shown: str) -> None:
    assert typed(ws, "A1", typed_text) == shown
    assert unformatted(ws, "A1") == value


def test_user_entered_month_day_is_this_year(ws: gspread.Worksheet) -> None:
    typed(ws, "A1", "3/4")
    this_year = dt.date(dt.date.today().year, 3, 4)
    assert unformatted(ws, "A1") == (this_year - dt.date(1899, 12, 30)).days


def test_user_entered_follows_the_locale(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    sh.update_locale("de_DE")
    assert typed(ws, "A1", "1.234,5") == "1.234,5"
    typed(ws, "A2", "4.3.2026")
    assert unformatted(ws, "A1") == 1234.5 and unformatted(ws, "A2") == 46085


# -- strict validation --------------------------------------------------------------------------------
def test_read_outside_the_grid_is_refused(ws: gspread.Worksheet) -> None:
    assert "exceeds grid limits" in api_error(lambda: ws.get("A1001:B1002"))


@pytest.mark.parametrize(
    "params, named",
    [
        ({"valueRenderOption": "BOGUS"}, "value_render_option"),
        ({"majorDimension": "DIAGONAL"}, "major_dimension"),
        ({"dateTimeRenderOption": "SOMETIMES"}, "date_time_render_option"),
    ],
)
def test_unknown_enum_values_are_refused(sh: gspread.Spreadsheet, params: dict[str, str], named: str) -> None:
    message = api_error(lambda: sh.values_get("Sheet1!A1", params=params))
    assert named in message and next(iter(params.values())) in message


def test_body_range_must_match_the_url(sh: gspread.Spreadsheet) -> None:
    api_error(
        lambda: sh.values_update(
            "Sheet1!A1", params={"valueInputOption": "RAW"}, body={"range": "Sheet1!C3", "values": [[1]]}
        )
    )


def test_nonsense_fields_mask_is_refused(sh: gspread.Spreadsheet) -> None:
    api_error(lambda: sh.fetch_sheet_metadata({"fields": "sheets.nonsense"}))


def test_wrong_typed_value_is_refused(sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    request = {
        "updateCells": {
            "start": {"sheetId": ws.id},
            "fields": "userEnteredValue",
            "rows": [{"values": [{"userEnteredValue": {"numberValue": "abc"}}]}],
        }
    }
    assert "number_value" in api_error(lambda: sh.batch_update({"requests": [request]}))
    assert ws.acell("A1").value is None


def test_unknown_field_in_update_mask_is_refused(sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    request = {
        "updateCells": {
            "start": {"sheetId": ws.id},
            "fields": "userEnteredValue,colour",
            "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
        }
    }
    assert "colour" in api_error(lambda: sh.batch_update({"requests": [request]}))


def test_unknown_sheet_id_is_refused(sh: gspread.Spreadsheet) -> None:
    request = {"repeatCell": {"range": {"sheetId": 4242}, "cell": {"note": "x"}, "fields": "note"}}
    assert "4242" in api_error(lambda: sh.batch_update({"requests": [request]}))


def test_hiding_the_last_visible_sheet_is_refused(sh: gspread.Spreadsheet) -> None:
    sh.worksheet("Prices").hide()
    api_error(lambda: sh.sheet1.hide())


# -- merges, filters, sort, protected ranges, dimensions ------------------------------------------------
def test_merge_keeps_the_top_left_value(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update([["a", "b"], ["c", "d"]], "A1")
    ws.merge_cells("A1:B2")
    merges = sh.fetch_sheet_metadata()["sheets"][0]["merges"]
    assert merges == [{"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}]
    assert ws.get_all_values() == [["a"]]


def test_unmerge_removes_the_merge(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.merge_cells("A1:B2")
    ws.unmerge_cells("A1:B2")
    assert "merges" not in sh.fetch_sheet_metadata()["sheets"][0]


def test_basic_filter_is_stored_and_cleared(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.set_basic_filter("A1:B5")
    assert sh.fetch_sheet_metadata()["sheets"][0]["basicFilter"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 5,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    ws.clear_basic_filter()
    assert "basicFilter" not in sh.fetch_sheet_metadata()["sheets"][0]


def test_sort_moves_rows_with_their_notes(ws: gspread.Worksheet) -> None:
    ws.update([["pear", 3], ["apple", 1], ["fig", 2]], "A1")
    ws.insert_note("A1", "ripe")
    ws.sort((2, "asc"), range="A1:B3")
    assert ws.get_all_values() == [["apple", "1"], ["fig", "2"], ["pear", "3"]]
    assert (ws.get_note("A3"), ws.get_note("A1")) == ("ripe", "")


def test_sort_descending_keeps_blanks_last(service: Any, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    ws.update([[2], [""], [10], ["b"]], "A1")
    service.batchUpdate(
        spreadsheetId=sh.id,
        body={
            "requests": [
                {
                    "sortRange": {
                        "range": {
                            "sheetId": ws.id,
                            "startRowIndex": 0,
                            "endRowIndex": 4,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}],
                    }
                }
            ]
        },
    ).execute()
    assert ws.col_values(1) == ["b", "10", "2"]


def test_append_after_a_table_in_column_c(ws: gspread.Worksheet) -> None:
    ws.update([["h1", "h2"], ["x", "y"]], "C3")
    response = ws.append_row(["new", "row"], table_range="A1:E10")
    assert response["tableRange"] == "Sheet1!C3:D4"
    assert response["updates"]["updatedRange"] == "Sheet1!C5:D5"


def test_updated_cells_counts_only_written_cells(service: Any, sh: gspread.Spreadsheet) -> None:
    result = (
        service.values()
        .update(spreadsheetId=sh.id, range="Sheet1!A1", valueInputOption="RAW", body={"values": [[1, None, 3]]})
        .execute()
    )
    assert result["updatedCells"] == 2 and result["updatedRange"] == "Sheet1!A1:C1"


def test_insert_at_a_protected_range_first_row_moves_it(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.add_protected_range("A2:B3", warning_only=True)
    ws.insert_row(["x"], 2)
    protected = sh.fetch_sheet_metadata()["sheets"][0]["protectedRanges"][0]["range"]
    assert (protected["startRowIndex"], protected["endRowIndex"]) == (2, 4)


def test_deleting_all_rows_of_a_protected_range_removes_it(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.add_protected_range("A2:B3", warning_only=True)
    ws.delete_rows(2, 3)
    assert "protectedRanges" not in sh.fetch_sheet_metadata()["sheets"][0]


def test_inserted_row_inherits_the_format_before(ws: gspread.Worksheet) -> None:
    ws.format("A1", {"textFormat": {"bold": True}})
    ws.insert_row(["x"], 2, inherit_from_before=True)
    assert gsf.get_user_entered_format(ws, "A2").textFormat.bold is True


def test_dimension_groups_are_stored(ws: gspread.Worksheet) -> None:
    ws.add_dimension_group_rows(1, 4)
    groups = ws.list_dimension_group_rows()
    assert [(g["range"]["startIndex"], g["range"]["endIndex"], g["depth"]) for g in groups] == [(1, 4, 1)]


# -- sheets, colours, names, copy/paste ---------------------------------------------------------------
def test_tab_color_is_mirrored_and_can_be_cleared(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update_tab_color("#ff0000")
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]
    assert props["tabColor"] == {"red": 1} and props["tabColorStyle"] == {"rgbColor": {"red": 1}}
    ws.clear_tab_color()
    assert "tabColorStyle" not in sh.fetch_sheet_metadata()["sheets"][0]["properties"]


def test_duplicate_sheet_copies_values(ws: gspread.Worksheet) -> None:
    ws.update([["kept"]], "A1")
    copy = ws.duplicate(new_sheet_name="Again")
    assert copy.title == "Again" and copy.get_all_values() == [["kept"]]


def test_named_range_reads_and_deletes(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update([[1, 2]], "A1")
    ws.define_named_range("A1:B1", "pair")
    assert sh.values_get("pair")["values"] == [["1", "2"]]
    ws.update([["=SUM(pair)"]], "C1", value_input_option=UE)
    assert ws.acell("C1").value == "3"
    ws.delete_named_range(sh.list_named_ranges()[0]["namedRangeId"])
    assert sh.list_named_ranges() == []


def test_copy_range_moves_relative_references(ws: gspread.Worksheet) -> None:
    ws.update([[1, "=A1*2"], [5]], "A1", value_input_option=UE)
    ws.copy_range("B1", "B2")
    assert ws.acell("B2", value_render_option=ValueRenderOption.formula).value == "=A2*2"
    assert ws.acell("B2").value == "10"


def test_cut_range_empties_the_source(ws: gspread.Worksheet) -> None:
    ws.update([["move me"]], "A1")
    ws.cut_range("A1", "C3")
    assert (ws.acell("A1").value, ws.acell("C3").value) == (None, "move me")


def test_copy_to_another_spreadsheet(ws: gspread.Worksheet, emulator: SheetsEmulator, gc: gspread.Client) -> None:
    other = emulator.create_spreadsheet("Other")
    ws.update([["x"]], "A1")
    ws.copy_to(other)
    assert gc.open_by_key(other).worksheet("Copy of Sheet1").get_all_values() == [["x"]]


def test_list_files_honours_the_title(gc: gspread.Client, emulator: SheetsEmulator) -> None:
    emulator.create_spreadsheet("Unique title 123")
    assert [f["name"] for f in gc.list_spreadsheet_files("Unique title 123")] == ["Unique title 123"]


def test_batch_get_and_find(ws: gspread.Worksheet) -> None:
    ws.update([["a", "b"], ["c", "d"]], "A1")
    assert [list(r) for r in ws.batch_get(["A1", "B2"])] == [[["a"]], [["d"]]]
    assert ws.find("c").address == "A2"


# -- gspread-dataframe --------------------------------------------------------------------------------
def test_dataframe_round_trip(ws: gspread.Worksheet) -> None:
    import pandas as pd

    frame = pd.DataFrame({"sku": ["A", "B"], "qty": [1, 2]})
    gspread_dataframe.set_with_dataframe(ws, frame)
    assert gspread_dataframe.get_as_dataframe(ws).to_dict("list") == {"sku": ["A", "B"], "qty": [1, 2]}


def test_dataframe_reads_computed_formulas(ws: gspread.Worksheet) -> None:
    ws.update([["n", "double"], [4, "=A2*2"]], "A1", value_input_option=UE)
    frame = gspread_dataframe.get_as_dataframe(ws, evaluate_formulas=True)
    assert frame["double"].tolist() == [8]


def test_dataframe_resize_fits_the_grid(ws: gspread.Worksheet) -> None:
    import pandas as pd

    gspread_dataframe.set_with_dataframe(ws, pd.DataFrame({"a": [1, 2, 3]}), resize=True)
    ws.spreadsheet.fetch_sheet_metadata()
    assert (ws.row_count, ws.col_count) == (4, 1)


# -- gspread-formatting -------------------------------------------------------------------------------
def test_background_colour_and_its_style_mirror(ws: gspread.Worksheet) -> None:
    gsf.format_cell_range(ws, "A1", gsf.CellFormat(backgroundColor=gsf.Color(1, 0, 0)))
    fmt = gsf.get_user_entered_format(ws, "A1")
    assert fmt.backgroundColor == gsf.Color(1, 0, 0)
    assert fmt.backgroundColorStyle.rgbColor == gsf.Color(1, 0, 0)


def test_effective_format_merges_defaults(ws: gspread.Worksheet) -> None:
    gsf.format_cell_range(ws, "A1", gsf.CellFormat(textFormat=gsf.TextFormat(bold=True)))
    effective = gsf.get_effective_format(ws, "A1")
    assert effective.textFormat.bold is True and effective.textFormat.fontSize == 10


def test_batch_updater_nested_requests(sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    with gsf.batch_updater(sh) as batch:
        batch.format_cell_range(ws, "A1", gsf.CellFormat(textFormat=gsf.TextFormat(italic=True)))
        batch.set_frozen(ws, rows=1)
    assert gsf.get_user_entered_format(ws, "A1").textFormat.italic is True
    assert gsf.get_frozen_row_count(ws) == 1


def test_row_height_and_column_width(sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    gsf.set_row_height(ws, "2", 40)
    gsf.set_column_width(ws, "B", 150)
    data = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:B2"})["sheets"][0]["data"][0]
    assert data["rowMetadata"][1]["pixelSize"] == 40 and data["columnMetadata"][1]["pixelSize"] == 150


def test_conditional_format_rules_round_trip(ws: gspread.Worksheet) -> None:
    rules = gsf.get_conditional_format_rules(ws)
    rules.append(
        gsf.ConditionalFormatRule(
            ranges=[gsf.GridRange.from_a1_range("A1:A10", ws)],
            booleanRule=gsf.BooleanRule(
                condition=gsf.BooleanCondition("NUMBER_GREATER", ["10"]),
                format=gsf.CellFormat(textFormat=gsf.TextFormat(bold=True)),
            ),
        )
    )
    rules.save()
    reread = gsf.get_conditional_format_rules(ws)
    assert len(reread) == 1 and reread[0].booleanRule.condition.type == "NUMBER_GREATER"


def test_data_validation_rule_round_trip(ws: gspread.Worksheet) -> None:
    rule = gsf.DataValidationRule(gsf.BooleanCondition("ONE_OF_LIST", ["yes", "no"]), showCustomUi=True)
    gsf.set_data_validation_for_cell_range(ws, "A1:A3", rule)
    assert gsf.get_data_validation_rule(ws, "A2").condition.values[0].userEnteredValue == "yes"


def test_borders_are_stored(ws: gspread.Worksheet) -> None:
    border = gsf.Border("SOLID", gsf.Color(0, 0, 0))
    gsf.format_cell_range(ws, "A1", gsf.CellFormat(borders=gsf.Borders(top=border)))
    assert gsf.get_user_entered_format(ws, "A1").borders.top.style == "SOLID"


def test_text_format_runs(ws: gspread.Worksheet) -> None:
    ws.update([["bold start"]], "A1")
    gsf.set_text_format_runs(ws, "A1", [gsf.TextFormatRun(startIndex=0, format=gsf.TextFormat(bold=True))])
    assert gsf.get_text_format_runs(ws, "A1")[0].format.bold is True


# -- google-api-python-client -------------------------------------------------------------------------
def test_api_client_create_and_values(service: Any) -> None:
    created = service.create(body={"properties": {"title": "Made by the API client"}}).execute()
    key = created["spreadsheetId"]
    service.values().update(
        spreadsheetId=key, range="Sheet1!A1", valueInputOption="USER_ENTERED", body={"values": [[2, "=A1^3"]]}
    ).execute()
    got = service.values().get(spreadsheetId=key, range="Sheet1!A1:B1", valueRenderOption="UNFORMATTED_VALUE").execute()
    assert got["values"] == [[2, 8]]


def test_api_client_append_and_batch_get(service: Any, sh: gspread.Spreadsheet) -> None:
    service.values().append(
        spreadsheetId=sh.id, range="Prices!A1", valueInputOption="RAW", body={"values": [["C", 30]]}
    ).execute()
    got = service.values().batchGet(spreadsheetId=sh.id, ranges=["Prices!A4:B4", "Prices!A1"]).execute()
    assert [r.get("values") for r in got["valueRanges"]] == [[["C", "30"]], [["sku"]]]


def test_api_client_unknown_body_field_is_refused(service: Any, sh: gspread.Spreadsheet) -> None:
    with pytest.raises(HttpError) as caught:
        service.values().update(
            spreadsheetId=sh.id, range="Sheet1!A1", valueInputOption="RAW", body={"values": [[1]], "colour": "red"}
        ).execute()
    assert caught.value.resp.status == 400 and 'Unknown name "colour"' in str(caught.value)


def test_api_client_banding(service: Any, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    reply = service.batchUpdate(
        spreadsheetId=sh.id,
        body={
            "requests": [
                {
                    "addBanding": {
                        "bandedRange": {
                            "range": {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 5},
                            "rowProperties": {"firstBandColor": {"red": 1}, "secondBandColor": {"blue": 1}},
                        }
                    }
                }
            ]
        },
    ).execute()
    banded = service.get(spreadsheetId=sh.id).execute()["sheets"][0]["bandedRanges"][0]
    assert banded["bandedRangeId"] == reply["replies"][0]["addBanding"]["bandedRange"]["bandedRangeId"]
    assert banded["rowProperties"]["firstBandColorStyle"] == {"rgbColor": {"red": 1}}


def test_api_client_conditional_format(service: Any, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    rule = {
        "ranges": [{"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 3}],
        "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"backgroundColor": {"green": 1}}},
    }
    service.batchUpdate(
        spreadsheetId=sh.id, body={"requests": [{"addConditionalFormatRule": {"rule": rule, "index": 0}}]}
    ).execute()
    stored = service.get(spreadsheetId=sh.id).execute()["sheets"][0]["conditionalFormats"][0]
    assert stored["booleanRule"]["condition"] == {"type": "NOT_BLANK"}
    assert stored["ranges"] == [{"startRowIndex": 0, "endRowIndex": 3}]


def test_api_client_update_borders(service: Any, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    solid = {"style": "SOLID", "color": {"red": 1}}
    service.batchUpdate(
        spreadsheetId=sh.id,
        body={
            "requests": [
                {
                    "updateBorders": {
                        "range": {
                            "sheetId": ws.id,
                            "startRowIndex": 0,
                            "endRowIndex": 2,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "bottom": solid,
                        "innerHorizontal": solid,
                    }
                }
            ]
        },
    ).execute()
    rows = service.get(
        spreadsheetId=sh.id, ranges="Sheet1!A1:A2", fields="sheets.data.rowData.values.userEnteredFormat.borders"
    ).execute()["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"][0]["userEnteredFormat"]["borders"]["bottom"]["style"] == "SOLID"
    assert rows[1]["values"][0]["userEnteredFormat"]["borders"]["bottom"]["width"] == 1


def test_api_client_reads_by_data_filter(service: Any, sh: gspread.Spreadsheet) -> None:
    got = (
        service.values()
        .batchGetByDataFilter(spreadsheetId=sh.id, body={"dataFilters": [{"a1Range": "Prices!A2:B2"}]})
        .execute()
    )
    assert got["valueRanges"][0]["valueRange"]["values"] == [["A", "10"]]
    meta = service.getByDataFilter(spreadsheetId=sh.id, body={"dataFilters": [{"a1Range": "Prices!A1"}]}).execute()
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["Prices"]


def test_api_client_developer_metadata(service: Any, sh: gspread.Spreadsheet) -> None:
    reply = service.batchUpdate(
        spreadsheetId=sh.id,
        body={
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "owner",
                            "metadataValue": "ops",
                            "visibility": "DOCUMENT",
                            "location": {"spreadsheet": True},
                        }
                    }
                }
            ]
        },
    ).execute()
    meta_id = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
    found = (
        service.developerMetadata()
        .search(spreadsheetId=sh.id, body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "owner"}}]})
        .execute()
    )
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"]["metadataValue"] == "ops"
    assert service.developerMetadata().get(spreadsheetId=sh.id, metadataId=meta_id).execute()["metadataKey"] == "owner"


def test_api_client_copy_to(service: Any, sh: gspread.Spreadsheet, emulator: SheetsEmulator) -> None:
    other = emulator.create_spreadsheet("Target")
    props = (
        service.sheets()
        .copyTo(spreadsheetId=sh.id, sheetId=sh.worksheet("Prices").id, body={"destinationSpreadsheetId": other})
        .execute()
    )
    assert props["title"] == "Copy of Prices" and props["index"] == 1


def test_api_client_formula_render(service: Any, sh: gspread.Spreadsheet) -> None:
    service.values().update(
        spreadsheetId=sh.id, range="Sheet1!A1", valueInputOption="USER_ENTERED", body={"values": [["=Prices!B2+1"]]}
    ).execute()
    got = service.values().batchGet(spreadsheetId=sh.id, ranges=["Sheet1!A1"], valueRenderOption="FORMULA").execute()
    assert got["valueRanges"][0]["values"] == [["=Prices!B2+1"]]
    assert service.values().get(spreadsheetId=sh.id, range="Sheet1!A1").execute()["values"] == [["11"]]


def test_formulas_show_every_write_though_computed_once_before_the_next_read(
    ws: gspread.Worksheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetsync.testing import formula

    ws.update([[1], [2], ["=A1+A2"]], "A1", value_input_option=ValueInputOption.user_entered)
    passes: list[int] = []
    real = formula.Recalculation.run
    monkeypatch.setattr(formula.Recalculation, "run", lambda self: (passes.append(1), real(self))[1])
    ws.update([[5]], "A1")
    ws.batch_update([{"range": "A2", "values": [[10]]}])
    ws.batch_clear(["B1"])
    ws.format("A1", {"backgroundColor": {"red": 1}})  # a batchUpdate that reads no result
    assert passes == []  # writes alone compute nothing yet
    assert ws.acell("A3").value == "15"  # the read sees every write
    assert ws.acell("A3").value == "15" and len(passes) == 1  # once, however many writes and reads
    answer = ws.update([[7]], "A1", include_values_in_response=True)
    assert answer["updatedData"]["values"] == [["7"]]
    assert ws.get("A3", value_render_option=ValueRenderOption.unformatted) == [[17]]


def test_a_sort_after_a_write_sorts_by_what_formulas_show_now(service: Any, sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update(
        [["=D1", "pear"], ["=D2", "fig"], ["=D3", "kiwi"]], "A1", value_input_option=ValueInputOption.user_entered
    )
    ws.update([[3], [1], [2]], "D1")
    ws.update([[0]], "D3")  # kiwi's result goes from 2 to 0 just before the sort, with no read between
    grid = {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
    service.batchUpdate(
        spreadsheetId=sh.id,
        body={"requests": [{"sortRange": {"range": grid, "sortSpecs": [{"dimensionIndex": 0}]}}]},
    ).execute()
    assert ws.col_values(2) == ["kiwi", "fig", "pear"]  # 0, 1, 3: not by the results before the last write
