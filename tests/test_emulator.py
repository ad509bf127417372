"""Focused tests of the Sheets API emulator: Python API, HTTP shapes, faults and hooks."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import gspread
import pytest
import requests

from sheetsync.testing import HookEvent, SheetsEmulator
from sheetsync.testing.a1 import A1Range, parse_range, quote_sheet_name


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def key(emulator: SheetsEmulator) -> str:
    return emulator.create_spreadsheet("Shop", {"Orders": [["id", "total"], [1, 9.5], [2, 3]]})


def api(emulator: SheetsEmulator, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{emulator.endpoint}/v4/spreadsheets/{path}", timeout=5, **kwargs)


# -- A1 parsing -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("'Sheet1'!A1:D4", A1Range("Sheet1", 0, 4, 0, 4)),
        ("'It''s tab'!A1:B2", A1Range("It's tab", 0, 2, 0, 2)),
        ("Sheet1", A1Range("Sheet1")),
        ("A1:B2", A1Range(None, 0, 2, 0, 2)),
        ("Sheet1!A:A", A1Range("Sheet1", None, None, 0, 1)),
        ("Sheet1!2:2", A1Range("Sheet1", 1, 2, None, None)),
        ("Sheet1!A5:Z", A1Range("Sheet1", 4, None, 0, 26)),
        ("Sheet1!A2:C", A1Range("Sheet1", 1, None, 0, 3)),
        ("Sheet1!D4:A1", A1Range("Sheet1", 0, 4, 0, 4)),
        ("Sheet1!AA10", A1Range("Sheet1", 9, 10, 26, 27)),
    ],
)
def test_a1_parsing(text: str, expected: A1Range) -> None:
    assert parse_range(text, {"Sheet1"}) == expected


@pytest.mark.parametrize(
    "name, quoted",
    [("Sheet1", "Sheet1"), ("D3", "'D3'"), ("My tab", "'My tab'"), ("It's", "'It''s'"), ("R1C1", "'R1C1'")],
)
def test_sheet_names_are_quoted_like_google(name: str, quoted: str) -> None:
    assert quote_sheet_name(name) == quoted


@pytest.mark.parametrize(
    "rng, expected_range",
    [
        ("'Orders'", "Orders!A1:Z1000"),
        ("Orders!A:A", "Orders!A1:A1000"),
        ("Orders!2:2", "Orders!A2:Z2"),
        ("Orders!B2:A1", "Orders!A1:B2"),
        ("A1:B1", "Orders!A1:B1"),
    ],
)
def test_values_get_reports_the_bounded_range(
    emulator: SheetsEmulator, key: str, rng: str, expected_range: str
) -> None:
    assert api(emulator, "GET", f"{key}/values/{rng}").json()["range"] == expected_range


# -- values ---------------------------------------------------------------------------
def test_trailing_blanks_trimmed_and_empty_range_omits_values(emulator: SheetsEmulator, key: str) -> None:
    emulator.set_values(key, "Orders!A5:C5", [["", "x", ""]])
    body = api(emulator, "GET", f"{key}/values/Orders!A3:D6").json()
    assert body["values"] == [["2", "3"], [], ["", "x"]]
    assert "values" not in api(emulator, "GET", f"{key}/values/Orders!E1:F2").json()


def test_raw_keeps_formula_looking_text_as_text(emulator: SheetsEmulator, key: str) -> None:
    ws = emulator.client().open_by_key(key).worksheet("Orders")
    ws.update([["=IMPORTXML(A1)", "+1 call", "@mention", "0042"]], "A4", value_input_option="RAW")
    assert emulator.values(key, "Orders")[3] == ["=IMPORTXML(A1)", "+1 call", "@mention", "0042"]
    formulas = api(emulator, "GET", f"{key}/values/Orders!A4", params={"valueRenderOption": "FORMULA"})
    assert formulas.json()["values"] == [["=IMPORTXML(A1)"]]


def test_user_entered_parses_numbers_dates_booleans_and_formulas(emulator: SheetsEmulator, key: str) -> None:
    ws = emulator.client().open_by_key(key).worksheet("Orders")
    ws.update([["0042", "2020-01-01", "1/2/2020", "true", "=3/2", "'007"]], "A4", value_input_option="USER_ENTERED")
    assert emulator.values(key, "Orders")[3] == [42, 43831, 43832, True, 1.5, "007"]
    formatted = api(emulator, "GET", f"{key}/values/Orders!A4:F4").json()["values"]
    assert formatted == [["42", "2020-01-01", "1/2/2020", "TRUE", "1.5", "007"]]
    as_strings = api(
        emulator,
        "GET",
        f"{key}/values/Orders!B4",
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"},
    ).json()
    assert as_strings["values"] == [["2020-01-01"]]


def test_python_dates_are_stored_as_serial_numbers(emulator: SheetsEmulator) -> None:
    key = emulator.create_spreadsheet("d", {"T": [[dt.date(2020, 1, 1), "=not a formula"]]})
    assert emulator.values(key, "T") == [[43831, "=not a formula"]]
    assert api(emulator, "GET", f"{key}/values/T!A1").json()["values"] == [["2020-01-01"]]


def test_columns_major_dimension(emulator: SheetsEmulator, key: str) -> None:
    body = api(emulator, "GET", f"{key}/values/Orders!A1:B3", params={"majorDimension": "COLUMNS"}).json()
    assert body["values"] == [["id", "1", "2"], ["total", "9.5", "3"]]


def test_update_outside_grid_is_refused(emulator: SheetsEmulator, key: str) -> None:
    response = api(
        emulator,
        "PUT",
        f"{key}/values/Orders!A1000",
        params={"valueInputOption": "RAW"},
        json={"values": [["a"], ["b"]]},
    )
    assert response.status_code == 400
    assert "exceeds grid limits" in response.json()["error"]["message"]


def test_append_goes_after_the_table_and_grows_the_grid(emulator: SheetsEmulator) -> None:
    key = emulator.create_spreadsheet("g", {"T": [["h"]] * 1000})
    body = api(
        emulator, "POST", f"{key}/values/T!A1:append", params={"valueInputOption": "RAW"}, json={"values": [["new"]]}
    ).json()
    assert body["tableRange"] == "T!A1:A1000"
    assert body["updates"]["updatedRange"] == "T!A1001"
    assert emulator.sheet_properties(key, "T")["gridProperties"]["rowCount"] == 1001


def test_unknown_sheet_and_spreadsheet_errors(emulator: SheetsEmulator, key: str) -> None:
    bad_range = api(emulator, "GET", f"{key}/values/Nope!A1")
    assert bad_range.status_code == 400
    assert bad_range.json()["error"] == {
        "code": 400,
        "message": "Unable to parse range: Nope!A1",
        "status": "INVALID_ARGUMENT",
    }
    missing = api(emulator, "GET", "1" + "x" * 43)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"


# -- batchUpdate ------------------------------------------------------------------------
def test_batch_update_is_atomic(emulator: SheetsEmulator, key: str) -> None:
    requests_ = [{"addSheet": {"properties": {"title": "Extra"}}}, {"deleteSheet": {"sheetId": 12345}}]
    response = api(emulator, "POST", f"{key}:batchUpdate", json={"requests": requests_})
    assert response.status_code == 400
    assert "requests[1].deleteSheet" in response.json()["error"]["message"]
    titles = [s["properties"]["title"] for s in api(emulator, "GET", key).json()["sheets"]]
    assert titles == ["Orders"]


def test_notes_backgrounds_and_fields_mask(emulator: SheetsEmulator, key: str) -> None:
    sheet_id = emulator.sheet_properties(key, "Orders")["sheetId"]
    cell_range = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 1}
    api(
        emulator,
        "POST",
        f"{key}:batchUpdate",
        json={
            "requests": [
                {"updateCells": {"range": cell_range, "fields": "note", "rows": [{"values": [{"note": "check"}]}]}},
                {
                    "repeatCell": {
                        "range": cell_range,
                        "fields": "userEnteredFormat.backgroundColor",
                        "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1}}},
                    }
                },
            ]
        },
    )
    assert emulator.notes(key, "Orders") == {(2, 1): "check"}
    assert emulator.background(key, "Orders") == {(2, 1): {"red": 1}}
    masked = api(
        emulator, "GET", key, params={"ranges": "Orders!A1:A2", "fields": "sheets.data.rowData.values.note"}
    ).json()
    assert masked == {"sheets": [{"data": [{"rowData": [{"values": [{}]}, {"values": [{"note": "check"}]}]}]}]}


def test_insert_and_delete_rows_shift_notes(emulator: SheetsEmulator, key: str) -> None:
    emulator.set_note(key, "Orders", 3, 2, "late")
    emulator.insert_rows(key, "Orders", 2, [[7, 1]])
    assert emulator.notes(key, "Orders") == {(4, 2): "late"}
    assert emulator.values(key, "Orders")[:2] == [["id", "total"], [7, 1]]
    emulator.delete_rows(key, "Orders", 1, 2)
    assert emulator.notes(key, "Orders") == {(2, 2): "late"}
    assert emulator.values(key, "Orders") == [[1, 9.5], [2, 3]]


def test_protected_range_ids_and_editors(emulator: SheetsEmulator, key: str) -> None:
    reply = api(
        emulator,
        "POST",
        f"{key}:batchUpdate",
        json={
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}
                    }
                }
            ]
        },
    ).json()
    protected_id = reply["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    stored = api(emulator, "GET", key).json()["sheets"][0]["protectedRanges"][0]
    assert stored["protectedRangeId"] == protected_id
    assert stored["editors"]["users"] == [emulator.user_email]


# -- gspread over HTTP, faults, hooks ---------------------------------------------------------
def test_gspread_round_trip_and_request_log(emulator: SheetsEmulator, key: str) -> None:
    ws = emulator.client().open_by_key(key).worksheet("Orders")
    emulator.reset_requests()
    ws.append_row([3, "=1+1"], value_input_option="USER_ENTERED")
    assert emulator.values(key, "Orders")[-1] == [3, 2]
    assert [r.kind for r in emulator.requests] == ["values.append"]
    assert emulator.requests[0].spreadsheet_id == key
    assert emulator.requests[0].body == {"values": [[3, "=1+1"]]}


def test_429_with_retry_after(emulator: SheetsEmulator, key: str) -> None:
    emulator.fail_next(1, status=429, retry_after=7)
    first = api(emulator, "GET", key)
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    assert first.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert api(emulator, "GET", key).status_code == 200


def test_html_502_reaches_gspread_as_api_error(emulator: SheetsEmulator, key: str) -> None:
    emulator.fail_next(1, status=502, body="<html><body>Bad Gateway</body></html>")
    raw = api(emulator, "GET", key)
    assert raw.status_code == 502 and raw.headers["Content-Type"].startswith("text/html")
    emulator.fail_next(1, status=502, body="<html>Bad Gateway</html>")
    with pytest.raises(gspread.exceptions.APIError):
        emulator.client().open_by_key(key)


def test_drop_closes_the_connection(emulator: SheetsEmulator, key: str) -> None:
    emulator.drop_next(1)
    with pytest.raises(requests.ConnectionError):
        api(emulator, "GET", key)
    assert api(emulator, "GET", key).status_code == 200


def test_stall_provokes_client_timeout(emulator: SheetsEmulator, key: str) -> None:
    emulator.stall_next(1, seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(f"{emulator.endpoint}/v4/spreadsheets/{key}", timeout=0.1)


def test_latency_is_added(emulator: SheetsEmulator, key: str) -> None:
    emulator.latency = 0.2
    started = time.monotonic()
    api(emulator, "GET", key)
    assert time.monotonic() - started >= 0.2


def test_hook_can_edit_like_a_person_mid_run(emulator: SheetsEmulator, key: str) -> None:
    events: list[tuple[str, str]] = []

    def person_edits_after_first_read(event: HookEvent) -> None:
        events.append((event.kind, event.phase))
        if event.kind == "values.get" and event.phase == "after" and len(events) == 2:
            emulator.set_values(key, "Orders!B2", [["10"]])  # re-enters the API: no deadlock

    emulator.add_hook(person_edits_after_first_read)
    first = api(emulator, "GET", f"{key}/values/Orders!B2").json()["values"]
    second = api(emulator, "GET", f"{key}/values/Orders!B2").json()["values"]
    assert (first, second) == ([["9.5"]], [["10"]])
    assert events[:2] == [("values.get", "before"), ("values.get", "after")]


def test_drive_create_get_delete(emulator: SheetsEmulator) -> None:
    drive = f"{emulator.endpoint}/drive/v3/files"
    created = requests.post(
        drive, json={"name": "New", "mimeType": "application/vnd.google-apps.spreadsheet"}, timeout=5
    ).json()
    assert set(created) == {"kind", "id", "name", "mimeType"}
    fetched = requests.get(f"{drive}/{created['id']}", params={"fields": "id,name,createdTime"}, timeout=5).json()
    assert set(fetched) == {"id", "name", "createdTime"}
    assert requests.delete(f"{drive}/{created['id']}", timeout=5).status_code == 204
    assert api(emulator, "GET", created["id"]).status_code == 404


def test_a_mask_for_the_grid_dimensions_only_gives_them_as_the_whole_grid_masked_would(
    emulator: SheetsEmulator, key: str
) -> None:
    emulator.set_note(key, "Orders", 2, 1, "checked")
    dims = "sheets(properties(title),data(columnMetadata(pixelSize),rowMetadata(pixelSize)))"
    only = api(emulator, "GET", key, params={"fields": dims}).json()
    whole = api(emulator, "GET", key, params={"includeGridData": "true"}).json()
    data = whole["sheets"][0]["data"][0]
    assert "rowData" in data  # the cells are there to be left out
    assert only["sheets"][0]["data"] == [
        {
            "columnMetadata": [{"pixelSize": c["pixelSize"]} for c in data["columnMetadata"]],
            "rowMetadata": [{"pixelSize": r["pixelSize"]} for r in data["rowMetadata"]],
        }
    ]
    cells = "sheets(data(rowData(values(note))))"
    assert api(emulator, "GET", key, params={"fields": cells}).json()["sheets"][0]["data"][0]["rowData"][1] == {
        "values": [{"note": "checked"}, {}]  # a cell with a value but no note keeps its place
    }
