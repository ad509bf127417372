"""HTTP-level API calls: query/body handling and response shapes for each route kind."""

from __future__ import annotations

import re
from typing import Any, Callable

from .batch_update import apply_batch
from .render import apply_mask, parse_mask, spreadsheet_json
from .sheets_model import (ApiError, Spreadsheet, append_values, bad_request, clear_values, new_sheet,
                           new_spreadsheet, resolve, value_range, write_values)
from .state import EmulatorState

Query = dict[str, list[str]]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


def _one(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def _flag(query: Query, name: str) -> bool:
    return (_one(query, name) or "").lower() == "true"


def _input_option(option: Any) -> bool:
    """True for USER_ENTERED; Google requires the option on writes."""
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request("'valueInputOption' is required but not specified" if not option
                          else f"Invalid valueInputOption: {option}")
    return option == "USER_ENTERED"


def dispatch(state: EmulatorState, kind: str, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    """Run the call named by kind under the state lock."""
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise ApiError(404, "Method not found.")
    with state.lock:
        return handler(state, params, query, body if body is not None else {})


def _get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    return 200, spreadsheet_json(book, state.user_email, query.get("ranges", []),
                                 _flag(query, "includeGridData"), _one(query, "fields"))


def _create(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    props = body.get("properties") or {}
    book = new_spreadsheet(props.get("title") or "Untitled spreadsheet")
    book.properties.update({k: v for k, v in props.items() if k in ("locale", "timeZone", "autoRecalc")})
    if body.get("sheets"):
        book.sheets = []
        for index, sheet_body in enumerate(body["sheets"]):
            sp = sheet_body.get("properties") or {}
            grid = sp.get("gridProperties") or {}
            book.sheets.append(new_sheet(sp.get("title") or f"Sheet{index + 1}", sp.get("sheetId", index),
                                         grid.get("rowCount", 1000), grid.get("columnCount", 26)))
    state.add(book)
    return 200, spreadsheet_json(book, state.user_email, [], False, None)


def _batch_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    draft, replies = apply_batch(book, body.get("requests"), state.user_email)
    state.replace(draft)
    response: dict[str, Any] = {"spreadsheetId": draft.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        response["updatedSpreadsheet"] = spreadsheet_json(draft, state.user_email,
                                                          body.get("responseRanges") or [],
                                                          bool(body.get("responseIncludeGridData")), None)
    return 200, response


def _values_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    box, _ = resolve(state.book(params["id"]), params["range"])
    return 200, value_range(box, _one(query, "majorDimension", "ROWS"), _one(query, "valueRenderOption"),
                            _one(query, "dateTimeRenderOption"))


def _values_batch_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    ranges = [value_range(resolve(book, text)[0], _one(query, "majorDimension", "ROWS"),
                          _one(query, "valueRenderOption"), _one(query, "dateTimeRenderOption"))
              for text in query.get("ranges", [])]
    return 200, {"spreadsheetId": book.spreadsheet_id, "valueRanges": ranges}


def _with_values(book: Spreadsheet, response: dict[str, Any], query_or_body: dict[str, Any]) -> dict[str, Any]:
    """Add updatedData when includeValuesInResponse asks for it."""
    include = query_or_body.get("includeValuesInResponse")
    if str(include).lower() == "true" and "updatedRange" in response:
        box, _ = resolve(book, response["updatedRange"])
        data = value_range(box, "ROWS", query_or_body.get("responseValueRenderOption"),
                           query_or_body.get("responseDateTimeRenderOption"))
        response["updatedData"] = data
    return response


def _flat(query: Query) -> dict[str, Any]:
    return {name: values[-1] for name, values in query.items() if values}


def _values_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    user_entered = _input_option(_one(query, "valueInputOption"))
    response = write_values(book, params["range"], body.get("values"), body.get("majorDimension"), user_entered)
    return 200, _with_values(book, response, _flat(query))


def _values_append(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    user_entered = _input_option(_one(query, "valueInputOption"))
    insert = _one(query, "insertDataOption") == "INSERT_ROWS"
    response = append_values(book, params["range"], body.get("values"), body.get("majorDimension"),
                             user_entered, insert)
    _with_values(book, response["updates"], _flat(query))
    return 200, response


def _values_clear(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    return 200, clear_values(state.book(params["id"]), params["range"])


def _values_batch_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    user_entered = _input_option(body.get("valueInputOption"))
    draft = book.snapshot()  # all ranges or none, like Google
    responses = [write_values(draft, item.get("range", ""), item.get("values"), item.get("majorDimension"),
                              user_entered, f"data[{i}].values")
                 for i, item in enumerate(body.get("data") or [])]
    state.replace(draft)
    responses = [_with_values(draft, r, body) for r in responses]
    counted = [r for r in responses if "updatedCells" in r]
    result: dict[str, Any] = {"spreadsheetId": draft.spreadsheet_id}
    if counted:
        result.update(
            totalUpdatedRows=sum(r["updatedRows"] for r in counted),
            totalUpdatedColumns=max(r["updatedColumns"] for r in counted),
            totalUpdatedCells=sum(r["updatedCells"] for r in counted),
            totalUpdatedSheets=len({r["updatedRange"].rpartition("!")[0] for r in counted}))
    result["responses"] = responses
    return 200, result


def _values_batch_clear(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    draft = book.snapshot()
    cleared = [clear_values(draft, text)["clearedRange"] for text in body.get("ranges") or []]
    state.replace(draft)
    return 200, {"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared}


def _drive_file(book: Spreadsheet) -> dict[str, Any]:
    return {"kind": "drive#file", "id": book.spreadsheet_id, "name": book.properties["title"],
            "mimeType": SPREADSHEET_MIME, "createdTime": book.created, "modifiedTime": book.modified}


_DEFAULT_DRIVE_FIELDS = "kind,id,name,mimeType"


def _drive_lookup(state: EmulatorState, file_id: str) -> Spreadsheet:
    book = state.books.get(file_id)
    if book is None or not book.accessible:
        raise ApiError(404, f"File not found: {file_id}.")
    return book


def _drive_create(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    if body.get("mimeType") != SPREADSHEET_MIME:
        raise bad_request("The emulator only creates Google Sheets files.")
    book = new_spreadsheet(body.get("name") or "Untitled spreadsheet")
    state.add(book)
    return 200, apply_mask(_drive_file(book), parse_mask(_one(query, "fields") or _DEFAULT_DRIVE_FIELDS))


def _drive_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = _drive_lookup(state, params["id"])
    return 200, apply_mask(_drive_file(book), parse_mask(_one(query, "fields") or _DEFAULT_DRIVE_FIELDS))


def _drive_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = _drive_lookup(state, params["id"])
    if body.get("name"):
        book.properties["title"] = body["name"]
        book.touch()
    return 200, apply_mask(_drive_file(book), parse_mask(_one(query, "fields") or _DEFAULT_DRIVE_FIELDS))


def _drive_delete(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    _drive_lookup(state, params["id"])
    del state.books[params["id"]]
    return 204, None


def _drive_list(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    wanted = re.search(r"name\s*=\s*'((?:[^'\\]|\\.)*)'", _one(query, "q") or "")
    files = [_drive_file(b) for b in state.books.values() if b.accessible
             and (wanted is None or b.properties["title"] == wanted.group(1).replace("\\'", "'"))]
    listing = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    return 200, apply_mask(listing, parse_mask(_one(query, "fields") or "kind,incompleteSearch,files(kind,id,name,mimeType)"))


_HANDLERS: dict[str, Callable[[EmulatorState, dict[str, str], Query, Any], tuple[int, Any]]] = {
    "get": _get, "create": _create, "batchUpdate": _batch_update,
    "values.get": _values_get, "values.batchGet": _values_batch_get, "values.update": _values_update,
    "values.append": _values_append, "values.clear": _values_clear,
    "values.batchUpdate": _values_batch_update, "values.batchClear": _values_batch_clear,
    "drive.create": _drive_create, "drive.get": _drive_get, "drive.update": _drive_update,
    "drive.delete": _drive_delete, "drive.list": _drive_list,
}
