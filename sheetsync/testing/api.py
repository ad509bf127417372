"""HTTP-level Sheets API calls: query and body checks, then each route kind's response shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import drive
from .batch_update import apply_batch
from .errors import ApiError, bad_request
from .formula import settle
from .render import spreadsheet_json
from .requests_features import metadata_matches
from .schema import check_body, check_query
from .sheets_model import Box, Spreadsheet, grid_bounds, new_numeric_id, new_sheet, new_spreadsheet, resolve
from .state import EmulatorState
from .values_ops import append_values, check_body_range, clear_values, value_range, write_values

Query = dict[str, list[str]]
Handler = Callable[[EmulatorState, dict[str, str], Query, Any], tuple[int, Any]]


def _one(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def _flag(query: Query, name: str) -> bool:
    return (_one(query, name) or "").lower() == "true"


def _input_option(option: Any) -> bool:
    """True for USER_ENTERED; Google requires the option on writes."""
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request(
            "'valueInputOption' is required but not specified" if not option else f"Invalid valueInputOption: {option}"
        )
    return option == "USER_ENTERED"


def dispatch(state: EmulatorState, kind: str, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    """Run the call named by kind under the state lock."""
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise ApiError(404, "Method not found.")
    if not kind.startswith("drive."):
        check_query(kind, query)
    with state.lock:
        return handler(state, params, query, body if body is not None else {})


def _locale(book: Spreadsheet) -> str | None:
    return book.properties.get("locale")


def _read(book: Spreadsheet, box: Box, source: dict[str, Any]) -> dict[str, Any]:
    """A ValueRange for box, rendered as the query or body asks."""
    return value_range(
        box,
        source.get("majorDimension"),
        source.get("valueRenderOption"),
        source.get("dateTimeRenderOption"),
        _locale(book),
    )


def _flat(query: Query) -> dict[str, Any]:
    return {name: values[-1] for name, values in query.items() if values}


def _get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    return 200, spreadsheet_json(
        book, state.user_email, query.get("ranges", []), _flag(query, "includeGridData"), _one(query, "fields")
    )


def _create(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    check_body("Spreadsheet", body)
    props = body.get("properties") or {}
    book = new_spreadsheet(props.get("title") or "Untitled spreadsheet")
    book.properties.update({k: v for k, v in props.items() if k in ("locale", "timeZone", "autoRecalc")})
    if body.get("sheets"):
        book.sheets = []
        for index, sheet_body in enumerate(body["sheets"]):
            sp = sheet_body.get("properties") or {}
            grid = sp.get("gridProperties") or {}
            book.sheets.append(
                new_sheet(
                    sp.get("title") or f"Sheet{index + 1}",
                    sp.get("sheetId", index),
                    grid.get("rowCount", 1000),
                    grid.get("columnCount", 26),
                )
            )
    state.add(book)
    return 200, spreadsheet_json(book, state.user_email, [], False, None)


def _batch_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"], settled=False)  # apply_batch computes formulas first if a request reads them
    draft, replies = apply_batch(book, body, state.user_email)
    state.replace(draft)
    response: dict[str, Any] = {"spreadsheetId": draft.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        settle(draft)
        response["updatedSpreadsheet"] = spreadsheet_json(
            draft, state.user_email, body.get("responseRanges") or [], bool(body.get("responseIncludeGridData")), None
        )
    return 200, response


def _values_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    return 200, _read(book, resolve(book, params["range"])[0], _flat(query))


def _values_batch_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    ranges = [_read(book, resolve(book, text)[0], _flat(query)) for text in query.get("ranges", [])]
    return 200, {"spreadsheetId": book.spreadsheet_id, "valueRanges": ranges}


def _with_values(book: Spreadsheet, response: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Add updatedData when includeValuesInResponse asks for it."""
    if str(options.get("includeValuesInResponse")).lower() == "true" and "updatedRange" in response:
        settle(book)  # what formulas show once the write landed
        box, _ = resolve(book, response["updatedRange"])
        response["updatedData"] = value_range(
            box,
            "ROWS",
            options.get("responseValueRenderOption"),
            options.get("responseDateTimeRenderOption"),
            _locale(book),
        )
    return response


def _value_range_body(body: Any, where: str = "data") -> None:
    """Parser-level checks of a ValueRange body ('values' itself is checked where it is read)."""
    check_body("ValueRange", {k: v for k, v in body.items() if k != "values"}, where)


def _values_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"], settled=False)
    _value_range_body(body)
    user_entered = _input_option(_one(query, "valueInputOption"))
    check_body_range(book, params["range"], body.get("range"))
    response = write_values(book, params["range"], body.get("values"), body.get("majorDimension"), user_entered)
    return 200, _with_values(book, response, _flat(query))


def _values_append(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    _value_range_body(body)
    user_entered = _input_option(_one(query, "valueInputOption"))
    check_body_range(book, params["range"], body.get("range"))
    insert = _one(query, "insertDataOption") == "INSERT_ROWS"
    response = append_values(
        book, params["range"], body.get("values"), body.get("majorDimension"), user_entered, insert
    )
    _with_values(book, response["updates"], _flat(query))
    return 200, response


def _values_clear(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    return 200, clear_values(state.book(params["id"], settled=False), params["range"])


def _values_batch_update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"], settled=False)
    check_body(
        "BatchUpdateValuesRequest",
        {
            **body,
            "data": [
                {k: v for k, v in item.items() if k != "values"} if isinstance(item, dict) else item
                for item in body.get("data") or []
            ],
        },
    )
    user_entered = _input_option(body.get("valueInputOption"))
    draft = book.snapshot(_written_sheets(book, body.get("data") or []))  # all ranges or none, like Google
    responses = [
        write_values(
            draft,
            item.get("range", ""),
            item.get("values"),
            item.get("majorDimension"),
            user_entered,
            f"data[{i}].values",
        )
        for i, item in enumerate(body.get("data") or [])
    ]
    state.replace(draft)
    responses = [_with_values(draft, r, body) for r in responses]
    counted = [r for r in responses if "updatedCells" in r]
    result: dict[str, Any] = {"spreadsheetId": draft.spreadsheet_id}
    if counted:
        result.update(
            totalUpdatedRows=sum(r["updatedRows"] for r in counted),
            totalUpdatedColumns=max(r["updatedColumns"] for r in counted),
            totalUpdatedCells=sum(r["updatedCells"] for r in counted),
            totalUpdatedSheets=len({r["updatedRange"].rpartition("!")[0] for r in counted}),
        )
    result["responses"] = responses
    return 200, result


def _written_sheets(book: Spreadsheet, data: list[Any]) -> list[Any] | None:
    """The sheets a values write's ranges fall in (None: every sheet, when a range does not resolve here; the
    write itself then says why)."""
    try:
        return [resolve(book, item.get("range", ""), clip=False)[0].sheet for item in data]
    except (ApiError, AttributeError):
        return None


def _values_batch_clear(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"], settled=False)
    check_body("BatchClearValuesRequest", body)
    draft = book.snapshot(_written_sheets(book, [{"range": text} for text in body.get("ranges") or []]))
    cleared = [clear_values(draft, text)["clearedRange"] for text in body.get("ranges") or []]
    state.replace(draft)
    return 200, {"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared}


def filter_boxes(book: Spreadsheet, data_filter: dict[str, Any]) -> list[Box]:
    """The ranges a DataFilter selects: an A1 range, a GridRange, or metadata on rows/columns."""
    if "a1Range" in data_filter:
        return [resolve(book, data_filter["a1Range"])[0]]
    if "gridRange" in data_filter:
        rng = data_filter["gridRange"]
        sheet = book.sheet_by_id(rng.get("sheetId", 0))
        if sheet is None:
            raise bad_request(f"No grid with id: {rng.get('sheetId', 0)}")
        return [Box(sheet, *grid_bounds(sheet, rng))]
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is None:
        raise bad_request("A data filter must set a1Range, gridRange or developerMetadataLookup.")
    boxes = []
    for meta in book.developer_metadata:
        span = (meta.get("location") or {}).get("dimensionRange")
        sheet = book.sheet_by_id((span or {}).get("sheetId", 0))
        if span and sheet and metadata_matches(meta, lookup):
            start, end = span.get("startIndex") or 0, span.get("endIndex")
            rows = span.get("dimension") == "ROWS"
            boxes.append(
                Box(
                    sheet,
                    start if rows else 0,
                    (end or sheet.rows) if rows else sheet.rows,
                    0 if rows else start,
                    sheet.cols if rows else (end or sheet.cols),
                )
            )
    return boxes


def _get_by_data_filter(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    check_body("GetSpreadsheetByDataFilterRequest", body)
    ranges = [box.a1() for f in body.get("dataFilters") or [] for box in filter_boxes(book, f)]
    return 200, spreadsheet_json(
        book, state.user_email, ranges, bool(body.get("includeGridData")), _one(query, "fields")
    )


def _values_batch_get_by_data_filter(
    state: EmulatorState, params: dict[str, str], query: Query, body: Any
) -> tuple[int, Any]:
    book = state.book(params["id"])
    check_body("BatchGetValuesByDataFilterRequest", body)
    out = [
        {"valueRange": _read(book, box, body), "dataFilters": [f]}
        for f in body.get("dataFilters") or []
        for box in filter_boxes(book, f)
    ]
    return 200, {"spreadsheetId": book.spreadsheet_id, "valueRanges": out}


def _copy_to(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    """sheets.copyTo: a copy titled 'Copy of X' at the end of the destination spreadsheet."""
    from .render import sheet_properties

    source = state.book(params["id"])
    sheet = source.sheet_by_id(int(params["sheet"]))
    if sheet is None:
        raise ApiError(404, "Requested entity was not found.")
    target = state.book(body.get("destinationSpreadsheetId") or "")
    copy = sheet.copy()
    title, number = f"Copy of {sheet.title}", 2
    while target.sheet_by_title(title):
        title, number = f"Copy of {sheet.title} {number}", number + 1
    copy.props.update(title=title, sheetId=new_numeric_id())
    copy.props.pop("hidden", None)
    copy.protected, copy.charts = [], []
    target.sheets.append(copy)
    target.touch()
    return 200, sheet_properties(target, copy)


def _metadata_get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    found = next((m for m in book.developer_metadata if str(m["metadataId"]) == params["metadata"]), None)
    if found is None:
        raise ApiError(404, f"No developer metadata with ID {params['metadata']}")
    return 200, found


def _metadata_search(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = state.book(params["id"])
    check_body("SearchDeveloperMetadataRequest", body)
    matched = [
        {"developerMetadata": m, "dataFilters": [f]}
        for f in body.get("dataFilters") or []
        for m in book.developer_metadata
        if metadata_matches(m, f.get("developerMetadataLookup") or {})
    ]
    return 200, {"matchedDeveloperMetadata": matched} if matched else {}


_HANDLERS: dict[str, Handler] = {
    "get": _get,
    "create": _create,
    "batchUpdate": _batch_update,
    "getByDataFilter": _get_by_data_filter,
    "values.get": _values_get,
    "values.batchGet": _values_batch_get,
    "values.update": _values_update,
    "values.append": _values_append,
    "values.clear": _values_clear,
    "values.batchUpdate": _values_batch_update,
    "values.batchClear": _values_batch_clear,
    "values.batchGetByDataFilter": _values_batch_get_by_data_filter,
    "sheets.copyTo": _copy_to,
    "developerMetadata.get": _metadata_get,
    "developerMetadata.search": _metadata_search,
    **drive.HANDLERS,
}
